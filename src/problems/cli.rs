//! `coderoom problems list|show|add|import|export|validate|remove`.
//!
//! While a server runs on the configured address, commands go through its administration
//! API (a short-lived service token, as `coderoom backup` does), so changes apply at once
//! and the embedded database — which one process holds — is never opened twice. Otherwise
//! they open the database directly; a server started later sees the changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Subcommand;
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};

use super::model::{
    PROBLEM_FILE, Problem, ProblemKind, REJECTED_DIR, SOLUTIONS_DIR, expected_verdict, is_plain_file_name,
};
use super::{builtin_problems, store};
use crate::cli::say;
use crate::config::Config;
use crate::judge::{self, Selection, drivers};
use crate::language::Language;
use crate::sandbox::Sandbox;
use crate::verdict::Verdict;

#[derive(Debug, Subcommand)]
pub enum ProblemsCommand {
    /// List the installed problems.
    List,
    /// Show one problem (`--json`: the whole definition, hidden tests included).
    Show {
        slug: String,
        #[arg(long)]
        json: bool,
    },
    /// Add a new problem from its folder (fails if the slug exists; see `import`).
    Add { path: PathBuf },
    /// Add or replace problems: PATH is one problem folder or a folder of problem folders.
    Import { path: PathBuf },
    /// Write problems as folders under DIR (all problems unless slugs are given).
    Export { dir: PathBuf, slugs: Vec<String> },
    /// Check definitions and run the reference solutions against every test. PATHs are
    /// problem folders or folders of them; without any, the problems built into the binary.
    Validate {
        paths: Vec<PathBuf>,
        /// Validate the installed problems instead of files.
        #[arg(long)]
        installed: bool,
        /// Also run each language's starter code, which must compile and get a wrong answer.
        #[arg(long)]
        starters: bool,
        /// Only these languages (for --starters).
        #[arg(long, value_delimiter = ',')]
        languages: Vec<String>,
    },
    /// Remove a problem (sessions that used it keep their record).
    Remove { slug: String },
}

/// Reads one problem folder; errors carry the folder's path.
pub fn read_folder(dir: &Path) -> anyhow::Result<Problem> {
    let mut files = BTreeMap::new();
    let mut budget = ReadBudget { files: MAX_FILES, bytes: MAX_BYTES };
    collect(dir, dir, 0, &mut files, &mut budget)?;
    Problem::from_files(&files).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(|e| format!("{}/{e}", dir.display())).collect();
        anyhow::anyhow!("{}", lines.join("\n"))
    })
}

/// A problem folder holds its files and two subfolders; nothing deeper is read.
const MAX_DEPTH: usize = 1;
const MAX_FILES: usize = 1_000;
/// The same as the administration API's limit on one problem.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

struct ReadBudget {
    files: usize,
    bytes: u64,
}

/// Reads every regular file under `dir`. Symbolic links are refused, never followed: a link
/// in a problem folder could otherwise import any file the command can read.
fn collect(
    root: &Path,
    dir: &Path,
    depth: usize,
    files: &mut BTreeMap<String, Vec<u8>>,
    budget: &mut ReadBudget,
) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type().with_context(|| format!("cannot read {}", path.display()))?;
        if kind.is_symlink() {
            bail!("{}: is a symbolic link; problem folders must hold the files themselves", path.display());
        }
        if kind.is_dir() {
            if depth >= MAX_DEPTH {
                bail!("{}: unexpected folder (a problem folder holds only solutions/ and rejected/)", path.display());
            }
            collect(root, &path, depth + 1, files, budget)?;
            continue;
        }
        if !kind.is_file() {
            bail!("{}: not a regular file", path.display());
        }
        budget.files = budget.files.checked_sub(1).with_context(|| format!("{}: too many files", root.display()))?;
        let bytes = read_no_follow(&path, budget.bytes)?;
        budget.bytes -= bytes.len() as u64;
        let relative = path.strip_prefix(root)?.to_string_lossy().replace('\\', "/");
        files.insert(relative, bytes);
    }
    Ok(())
}

/// Reads a regular file without following a link swapped in since the folder was listed,
/// and at most `limit` bytes.
fn read_no_follow(path: &Path, limit: u64) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let file = no_follow(std::fs::OpenOptions::new().read(true))
        .open(path)
        .with_context(|| format!("cannot read {} (symbolic links are not followed)", path.display()))?;
    anyhow::ensure!(file.metadata()?.is_file(), "{}: not a regular file", path.display());
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).with_context(|| format!("cannot read {}", path.display()))?;
    anyhow::ensure!(bytes.len() as u64 <= limit, "{}: the problem's files are too large", path.display());
    Ok(bytes)
}

fn no_follow(options: &mut std::fs::OpenOptions) -> &mut std::fs::OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options
}

/// Whether `path` is a real folder (not a link to one) holding a problem definition.
fn is_problem_folder(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|meta| meta.is_dir())
        && std::fs::symlink_metadata(path.join(PROBLEM_FILE)).is_ok_and(|meta| meta.is_file())
}

/// One problem folder, or every problem folder directly inside `path`.
fn read_path(path: &Path) -> anyhow::Result<Vec<Problem>> {
    if path.join(PROBLEM_FILE).exists() {
        return Ok(vec![read_folder(path)?]);
    }
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(path).with_context(|| format!("cannot read {}", path.display()))? {
        let candidate = entry?.path();
        if std::fs::symlink_metadata(&candidate).is_ok_and(|meta| meta.file_type().is_symlink()) {
            bail!("{}: is a symbolic link; problem folders must be real folders", candidate.display());
        }
        if is_problem_folder(&candidate) {
            dirs.push(candidate);
        }
    }
    dirs.sort();
    if dirs.is_empty() {
        bail!("{}: no {PROBLEM_FILE} here or in its subfolders", path.display());
    }
    let mut problems = Vec::new();
    let mut failures = Vec::new();
    for dir in dirs {
        match read_folder(&dir) {
            Ok(problem) => problems.push(problem),
            Err(err) => failures.push(err.to_string()),
        }
    }
    if !failures.is_empty() {
        bail!("{}", failures.join("\n"));
    }
    Ok(problems)
}

/// Writes a problem's files under `dir` (created when missing). Every file name is checked
/// again (a definition stored before names were checked may hold anything), and nothing is
/// written through a symbolic link: a link planted in the export folder cannot redirect a write.
pub fn write_folder(dir: &Path, problem: &Problem) -> anyhow::Result<()> {
    use std::io::Write;
    let files = problem.to_files()?;
    if let Some(name) = files.keys().find(|name| !name.split('/').all(is_plain_file_name)) {
        bail!("{}: `{name}` is not a plain file name; refusing to write it", problem.slug);
    }
    for (name, bytes) in files {
        let mut path = dir.to_path_buf();
        real_folder(&path)?;
        let mut parts = name.split('/').peekable();
        while let Some(part) = parts.next() {
            path.push(part);
            if parts.peek().is_some() {
                real_folder(&path)?;
            }
        }
        let mut file = no_follow(std::fs::OpenOptions::new().write(true).create(true).truncate(true))
            .open(&path)
            .with_context(|| format!("cannot write {} (symbolic links are not followed)", path.display()))?;
        file.write_all(&bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Makes sure `path` is a folder of its own, creating it when missing.
fn real_folder(path: &Path) -> anyhow::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => bail!("{}: is not a folder (symbolic links are not followed)", path.display()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(path).with_context(|| format!("cannot create {}", path.display()))
        }
        Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Where problem commands read and write.
enum Backend {
    Server { base: String, token: String, http: reqwest::Client },
    Database(crate::db::Db),
}

impl Backend {
    async fn open(config: &Config) -> anyhow::Result<Self> {
        let mut addr = config.bind_addr()?;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        let base = format!("http://{addr}");
        let http = reqwest::Client::builder().timeout(Duration::from_secs(300)).build()?;
        let running = http
            .get(format!("{base}/healthz"))
            .timeout(Duration::from_secs(2))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        if running {
            let secret = crate::auth::token::load_or_create_secret(config.auth.secret.as_deref(), &config.data_dir)?;
            let token = crate::auth::token::TokenKeys::new(&secret, 1).issue_service()?;
            return Ok(Self::Server { base, token, http });
        }
        let db = crate::db::connect(&config.database, &config.data_dir)
            .await
            .context("cannot open the database (if a server holds it, start it on the configured address)")?;
        store::ensure_schema(&db).await?;
        super::seed_builtins(&db).await?;
        Ok(Self::Database(db))
    }

    async fn request(&self, method: reqwest::Method, path: &str, body: Option<&Problem>) -> anyhow::Result<Value> {
        let Self::Server { base, token, http } = self else { bail!("not connected to a server") };
        let mut request = http.request(method, format!("{base}/api/admin{path}")).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            bail!("{}", body["message"].as_str().unwrap_or(status.as_str()));
        }
        Ok(body)
    }

    async fn all(&self) -> anyhow::Result<Vec<Problem>> {
        match self {
            Self::Database(db) => {
                let mut all = store::list(db).await?;
                all.sort_by(|a, b| (a.difficulty, &a.title).cmp(&(b.difficulty, &b.title)));
                Ok(all)
            }
            Self::Server { .. } => {
                let body = self.request(reqwest::Method::GET, "/problems", None).await?;
                Ok(serde_json::from_value(body["problems"].clone())?)
            }
        }
    }

    async fn find(&self, slug: &str) -> anyhow::Result<Option<Problem>> {
        Ok(self.all().await?.into_iter().find(|p| p.slug == slug))
    }

    async fn upsert(&self, problem: &Problem) -> anyhow::Result<()> {
        match self {
            Self::Database(db) => store::upsert(db, problem).await,
            Self::Server { .. } => self.request(reqwest::Method::POST, "/problems", Some(problem)).await.map(|_| ()),
        }
    }

    async fn remove(&self, slug: &str) -> anyhow::Result<bool> {
        match self {
            Self::Database(db) => store::remove(db, slug).await,
            Self::Server { .. } => {
                match self.request(reqwest::Method::DELETE, &format!("/problems/{slug}"), None).await {
                    Ok(_) => Ok(true),
                    Err(err) if err.to_string().contains("not found") => Ok(false),
                    Err(err) => Err(err),
                }
            }
        }
    }
}

pub async fn run(command: ProblemsCommand, config: &Config) -> anyhow::Result<()> {
    match command {
        ProblemsCommand::Validate { paths, installed, starters, languages } => {
            let problems = if installed {
                Backend::open(config).await?.all().await?
            } else if paths.is_empty() {
                let mut problems = Vec::new();
                let mut failures = Vec::new();
                for result in builtin_problems() {
                    match result {
                        Ok(problem) => problems.push(problem),
                        Err((folder, errors)) => {
                            failures.extend(errors.iter().map(|e| format!("problems/{folder}/{e}")));
                        }
                    }
                }
                if !failures.is_empty() {
                    bail!("{}", failures.join("\n"));
                }
                problems
            } else {
                let mut problems = Vec::new();
                for path in &paths {
                    problems.extend(read_path(path)?);
                }
                problems
            };
            let languages = if languages.is_empty() {
                Language::ALL.to_vec()
            } else {
                languages
                    .iter()
                    .map(|l| Language::parse(l).ok_or_else(|| anyhow::anyhow!("unknown language `{l}`")))
                    .collect::<anyhow::Result<_>>()?
            };
            let sandbox = Sandbox::new(&config.sandbox).await?;
            validate(&sandbox, &problems, starters.then_some(languages.as_slice())).await?;
        }
        ProblemsCommand::List => {
            let backend = Backend::open(config).await?;
            for p in backend.all().await? {
                say!(
                    "{:<36} {:<7} {:<40} {}",
                    p.slug,
                    p.difficulty.to_string(),
                    p.title,
                    match p.kind {
                        ProblemKind::Design => "design prompt (no tests)".to_string(),
                        ProblemKind::Coding => format!(
                            "{} visible, {} hidden, solutions: {}",
                            p.tests.visible.len(),
                            p.tests.hidden.len(),
                            p.solutions.keys().cloned().collect::<Vec<_>>().join(" ")
                        ),
                    }
                );
            }
        }
        ProblemsCommand::Show { slug, json: as_json } => {
            let backend = Backend::open(config).await?;
            let problem = backend.find(&slug).await?.ok_or_else(|| anyhow::anyhow!("no problem `{slug}`"))?;
            if as_json {
                say!("{}", serde_json::to_string_pretty(&problem)?);
            } else {
                say!("{} — {} ({})", problem.slug, problem.title, problem.difficulty);
                say!("category:   {}", problem.category);
                say!("tags:       {}", problem.tags.join(", "));
                if problem.kind == ProblemKind::Design {
                    say!("kind:       design prompt (drawn on the whiteboard; nothing is judged)");
                } else {
                    say!("signature:  {}", problem.signature);
                    say!("compare:    {}", problem.compare);
                    say!("tests:      {} visible, {} hidden", problem.tests.visible.len(), problem.tests.hidden.len());
                    say!("solutions:  {}", problem.solutions.keys().cloned().collect::<Vec<_>>().join(", "));
                }
                say!("\n{}", problem.description.trim_end());
                if !problem.guidance.trim().is_empty() {
                    say!("\n## Interviewer guidance\n\n{}", problem.guidance.trim_end());
                }
            }
        }
        ProblemsCommand::Add { path } => {
            let backend = Backend::open(config).await?;
            let problem = read_folder(&path)?;
            if backend.find(&problem.slug).await?.is_some() {
                bail!("problem `{}` already exists; use `coderoom problems import` to replace it", problem.slug);
            }
            backend.upsert(&problem).await?;
            say!("added {}", problem.slug);
        }
        ProblemsCommand::Import { path } => {
            let backend = Backend::open(config).await?;
            let problems = read_path(&path)?;
            for problem in &problems {
                backend.upsert(problem).await?;
                say!("imported {}", problem.slug);
            }
        }
        ProblemsCommand::Export { dir, slugs } => {
            let backend = Backend::open(config).await?;
            let all = backend.all().await?;
            for slug in &slugs {
                if !all.iter().any(|p| &p.slug == slug) {
                    bail!("no problem `{slug}`");
                }
            }
            for problem in all.iter().filter(|p| slugs.is_empty() || slugs.contains(&p.slug)) {
                let folder = dir.join(&problem.slug);
                write_folder(&folder, problem)?;
                say!("exported {} to {}", problem.slug, folder.display());
            }
        }
        ProblemsCommand::Remove { slug } => {
            let backend = Backend::open(config).await?;
            if !backend.remove(&slug).await? {
                bail!("no problem `{slug}`");
            }
            say!("removed {slug}");
        }
    }
    Ok(())
}

struct Job<'a> {
    problem: &'a Problem,
    label: String,
    language: Language,
    code: String,
    /// The verdict the run must get: accepted for a reference solution, the one in its file
    /// name for a deliberately wrong solution, wrong answer for starter code (it compiles and
    /// answers, but not correctly).
    expect: Verdict,
}

/// Runs every reference solution, every deliberately wrong solution and optionally every
/// language's starter code against all tests, a few at a time. Fails when any of them does
/// not get the verdict it should.
pub async fn validate(sandbox: &Sandbox, problems: &[Problem], starters: Option<&[Language]>) -> anyhow::Result<()> {
    let mut failures = Vec::new();
    let mut warnings = Vec::new();
    let mut jobs = Vec::new();
    // A design problem's definition check is all there is to validate: nothing runs.
    for problem in problems.iter().filter(|problem| problem.kind == ProblemKind::Coding) {
        if problem.tests.hidden.len() < 10 {
            warnings.push(format!(
                "{}: only {} hidden tests (the library aims for 10+)",
                problem.slug,
                problem.tests.hidden.len()
            ));
        }
        if problem.solutions.is_empty() {
            failures.push(format!("{}: no reference solution in {SOLUTIONS_DIR}/", problem.slug));
        }
        let files = problem
            .solutions
            .iter()
            .map(|(file, code)| (SOLUTIONS_DIR, file, code, Some(Verdict::Accepted)))
            .chain(problem.rejected.iter().map(|(file, code)| (REJECTED_DIR, file, code, expected_verdict(file))));
        for (dir, file, code, expect) in files {
            let label = format!("{}/{dir}/{file}", problem.slug);
            match (Language::from_file_name(file), expect) {
                (Some(language), Some(expect)) => {
                    jobs.push(Job { problem, label, language, code: code.clone(), expect })
                }
                _ => failures.push(format!("{label}: unknown language or expected verdict")),
            }
        }
        let signature = problem.parsed_signature().map_err(|e| anyhow::anyhow!("{}: {e}", problem.slug))?;
        for &language in starters.unwrap_or_default() {
            let code = problem
                .starter
                .get(language.id())
                .cloned()
                .unwrap_or_else(|| drivers::starter(language, &signature, problem.mutates.as_deref()));
            let label = format!("{}: starter code in {language}", problem.slug);
            jobs.push(Job { problem, label, language, code, expect: Verdict::WrongAnswer });
        }
    }

    // C# and Swift live in images an administrator may not have built: their runs are skipped
    // with a warning rather than failed, so a library validates on an appliance without them.
    let offered = judge::offered_languages(sandbox);
    let (jobs, skipped): (Vec<Job<'_>>, Vec<Job<'_>>) =
        jobs.into_iter().partition(|job| offered.contains(&job.language));
    let mut missing: Vec<&str> = skipped.iter().map(|job| job.language.sandbox_name()).collect();
    missing.sort_unstable();
    missing.dedup();
    if !skipped.is_empty() {
        warnings.push(format!(
            "{} run(s) skipped: the runtime image is not installed (`coderoom runtimes build {}`)",
            skipped.len(),
            missing.join(" ")
        ));
    }
    let total = jobs.len();
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    // One run per core: more would only make the runs race each other for their time limits.
    let parallel = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let outcomes: Vec<Option<String>> = futures::stream::iter(jobs)
        .map(|job| {
            let bar = &bar;
            async move {
                let judged = || judge::judge(sandbox, "validate", job.problem, job.language, &job.code, Selection::All);
                let mut result = judged().await;
                // A reference solution is far inside its limit; over it means the machine was
                // busy (other runs, builds), which a second run tells apart from a slow solution.
                if job.expect == Verdict::Accepted
                    && result.as_ref().is_ok_and(|report| report.verdict == Verdict::TimeLimit)
                {
                    result = judged().await;
                }
                let outcome =
                    result.map_or_else(|err| Some(format!("{}: {err}", job.label)), |report| check(&job, report));
                bar.set_message(job.label);
                bar.inc(1);
                outcome
            }
        })
        .buffer_unordered(parallel)
        .collect()
        .await;
    failures.extend(outcomes.into_iter().flatten());
    bar.finish_and_clear();
    for warning in &warnings {
        say!("warning: {warning}");
    }
    if failures.is_empty() {
        say!("{} problem(s) valid; {total} run(s) in the sandbox as expected", problems.len());
        Ok(())
    } else {
        failures.sort();
        for failure in &failures {
            say!("FAILED {failure}");
        }
        bail!("{} failure(s)", failures.len())
    }
}

/// `None` when the run got the verdict its job expects, otherwise what went wrong.
fn check(job: &Job<'_>, report: judge::Report) -> Option<String> {
    (report.verdict != job.expect).then(|| {
        format!(
            "{}: expected {:?}, got {:?}, {}/{} passed: {}{}",
            job.label,
            job.expect,
            report.verdict,
            report.passed,
            report.total,
            report.message,
            first_detail(&report)
        )
    })
}

fn first_detail(report: &judge::Report) -> String {
    let visible = report.tests.iter().find(|t| t.status != judge::TestStatus::Passed);
    match visible {
        Some(test) => format!(
            " [test {}: expected {}, got {}{}]",
            test.index + 1,
            json!(test.expected),
            json!(test.actual),
            test.error.as_deref().map(|e| format!(", {e}")).unwrap_or_default()
        ),
        None => {
            report.compile_output.as_deref().map(|c| format!("\n{c}")).unwrap_or_default()
                + &(if report.stderr.is_empty() { String::new() } else { format!("\nstderr: {}", report.stderr) })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_writes_nothing_for_a_stored_name_that_is_a_path() {
        let mut problem = builtin_problems().into_iter().find_map(Result::ok).expect("a built-in problem");
        problem.solutions.insert("../../escape.py".into(), "print(1)\n".into());
        let temp = tempfile::tempdir().expect("tempdir");
        let folder = temp.path().join("export").join(&problem.slug);
        let err = write_folder(&folder, &problem).expect_err("refused");
        assert!(err.to_string().contains("not a plain file name"), "{err}");
        assert!(!temp.path().join("export").exists(), "nothing was written");
        problem.solutions.remove("../../escape.py");
        write_folder(&folder, &problem).expect("a clean definition exports");
        assert!(folder.join("problem.toml").is_file());
    }
}
