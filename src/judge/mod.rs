//! The judge: turns a candidate's function into a program (a driver generated per language
//! from the problem's signature), compiles it once and runs it twice — visible tests, then
//! hidden tests, each run with only its own tests on stdin — and compares each answer on the
//! server with the expected value, which never enters the sandbox.
//!
//! The driver captures the candidate's prints per test and reports each result as a JSON
//! line after a per-run random nonce on the run's result channel (fd 3, its own pipe with its
//! own cap), so prints neither mix with results nor crowd them out. The candidate's code runs
//! in the same process and can write there too: records are accepted only once each and in
//! order, answers are compared here, and the time limit is the sandbox's measure of the run's
//! CPU time, so a forged record or a replaced clock cannot turn a wrong or slow answer into a
//! pass.

pub mod compare;
pub mod drivers;
pub mod encode;
pub mod exec;
pub mod store;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::problems::model::{Compare, Problem, TestCase};
use crate::problems::types::{Signature, Type};
use crate::sandbox::{RunOutput, Sandbox, SandboxError, StageResult};
pub use exec::ExecRequest;

/// Largest accepted source, in bytes.
pub const MAX_CODE_BYTES: usize = 64 * 1024;
/// Largest custom input, in bytes.
pub const MAX_STDIN_BYTES: usize = 64 * 1024;
/// Shown per test and for compiler output: enough to debug, bounded for the response.
const TEXT_CAP: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    Java,
    C,
    Cpp,
    Go,
    Rust,
    Ruby,
    Php,
    CSharp,
    Swift,
}

impl Language {
    pub const ALL: [Language; 12] = [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Java,
        Language::C,
        Language::Cpp,
        Language::Go,
        Language::Rust,
        Language::Ruby,
        Language::Php,
        Language::CSharp,
        Language::Swift,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::Python => "python",
            Self::JavaScript => "javascript",
            Self::TypeScript => "typescript",
            Self::Java => "java",
            Self::C => "c",
            Self::Cpp => "cpp",
            Self::Go => "go",
            Self::Rust => "rust",
            Self::Ruby => "ruby",
            Self::Php => "php",
            Self::CSharp => "csharp",
            Self::Swift => "swift",
        }
    }

    /// The language's name in the sandbox's runtime registry.
    pub fn sandbox_name(self) -> &'static str {
        match self {
            Self::Cpp => "c++",
            other => other.id(),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Python => "py",
            Self::JavaScript => "js",
            Self::TypeScript => "ts",
            Self::Java => "java",
            Self::C => "c",
            Self::Cpp => "cpp",
            Self::Go => "go",
            Self::Rust => "rs",
            Self::Ruby => "rb",
            Self::Php => "php",
            Self::CSharp => "cs",
            Self::Swift => "swift",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "python" | "py" | "python3" => Self::Python,
            "javascript" | "js" | "node" => Self::JavaScript,
            "typescript" | "ts" => Self::TypeScript,
            "java" => Self::Java,
            "c" => Self::C,
            "cpp" | "c++" | "cxx" => Self::Cpp,
            "go" | "golang" => Self::Go,
            "rust" | "rs" => Self::Rust,
            "ruby" | "rb" => Self::Ruby,
            "php" | "php8" => Self::Php,
            "csharp" | "c#" | "cs" => Self::CSharp,
            "swift" => Self::Swift,
            _ => return None,
        })
    }

    /// CPU time a run gets on top of the problem's time limit: starting the runtime and
    /// reading the tests (a JVM with its JIT and GC threads costs the most). Measured in the
    /// sandbox: Ruby starts in 110-150 ms (RubyGems, then a restart with larger stacks) and
    /// reads two-sum's largest hidden input in about 200 ms more; PHP starts in 20-30 ms.
    pub fn startup_allowance_ms(self) -> u64 {
        match self {
            Self::Python => 200,
            Self::JavaScript | Self::TypeScript => 300,
            Self::Java => 500,
            Self::Ruby => 350,
            Self::Php => 150,
            Self::CSharp => 300,
            Self::C | Self::Cpp | Self::Go | Self::Rust | Self::Swift => 100,
        }
    }

    pub fn from_file_name(name: &str) -> Option<Self> {
        let extension = name.rsplit_once('.')?.1;
        Self::ALL.into_iter().find(|l| l.extension() == extension)
    }
}

/// The languages submissions may use now: those of the default images always (the sandbox is
/// not ready without them), the others (C#, Swift) once an administrator installs their image.
pub fn offered_languages(sandbox: &Sandbox) -> Vec<Language> {
    let installed = sandbox.installed_runtimes();
    let registry = sandbox.registry();
    Language::ALL
        .into_iter()
        .filter(|language| {
            registry.judged(language.sandbox_name()).is_some_and(|runtime| {
                registry.image(&runtime.image).is_some_and(|image| image.default)
                    || installed.iter().any(|other| std::sync::Arc::ptr_eq(other, &runtime))
            })
        })
        .collect()
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Accepted,
    WrongAnswer,
    RuntimeError,
    TimeLimit,
    MemoryLimit,
    CompileError,
}

/// One test's outcome; `Skipped` tests were not reached because the program died earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestStatus {
    Passed,
    WrongAnswer,
    RuntimeError,
    TimeLimit,
    MemoryLimit,
    Skipped,
}

impl TestStatus {
    fn verdict(self) -> Option<Verdict> {
        match self {
            Self::Passed | Self::Skipped => None,
            Self::WrongAnswer => Some(Verdict::WrongAnswer),
            Self::RuntimeError => Some(Verdict::RuntimeError),
            Self::TimeLimit => Some(Verdict::TimeLimit),
            Self::MemoryLimit => Some(Verdict::MemoryLimit),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Visible tests, or one custom input.
    Run,
    /// Visible and hidden tests.
    Submit,
}

/// A visible test as the candidate sees it after a run.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VisibleResult {
    pub index: usize,
    pub status: TestStatus,
    pub input: Value,
    pub expected: Option<Value>,
    pub actual: Option<Value>,
    /// What the candidate printed during this test (stdout and stderr).
    pub output: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub time_ms: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HiddenSummary {
    pub passed: usize,
    pub total: usize,
    /// The category of the first failing hidden test, never its data.
    pub first_failure: Option<TestStatus>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub verdict: Verdict,
    pub passed: usize,
    pub total: usize,
    pub mode: Mode,
    pub language: Language,
    pub custom: bool,
    pub tests: Vec<VisibleResult>,
    pub hidden: HiddenSummary,
    /// Compiler output for `compile_error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compile_output: Option<String>,
    /// What the visible run wrote to stderr outside of any test (crashes). The hidden run's
    /// is never shown.
    pub stderr: String,
    /// One-line explanation of the verdict.
    pub message: String,
    /// Wall-clock time, the program's own total time inside tests (informational) and peak
    /// memory, all of the visible run: the hidden run's could encode its input.
    pub time_ms: u64,
    pub solution_time_ms: f64,
    pub memory_bytes: u64,
}

/// Which tests a judgement uses.
pub enum Selection {
    Visible,
    All,
    /// One input given by the candidate: one JSON value per line, per parameter.
    Custom(serde_json::Map<String, Value>),
}

#[derive(Debug, thiserror::Error)]
pub enum JudgeError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Sandbox(#[from] SandboxError),
}

impl From<JudgeError> for crate::error::AppError {
    fn from(err: JudgeError) -> Self {
        match err {
            JudgeError::Invalid(message) => Self::BadRequest(message),
            JudgeError::Sandbox(err) => err.into(),
        }
    }
}

/// Parses custom input: one JSON value per line, one line per parameter, in order.
pub fn parse_custom_input(signature: &Signature, text: &str) -> Result<serde_json::Map<String, Value>, String> {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.len() != signature.params.len() {
        return Err(format!(
            "custom input needs {} line(s), one JSON value per parameter ({}); got {}",
            signature.params.len(),
            signature.params.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", "),
            lines.len()
        ));
    }
    let mut input = serde_json::Map::new();
    for (param, line) in signature.params.iter().zip(lines) {
        let value: Value =
            serde_json::from_str(line).map_err(|err| format!("line for `{}` is not JSON: {err}", param.name))?;
        param.ty.check(&value, &param.name)?;
        input.insert(param.name.clone(), value);
    }
    Ok(input)
}

/// One driver record, as written after the nonce on the run's result channel.
#[derive(Debug, Deserialize, Default)]
struct Record {
    #[serde(default)]
    i: Option<usize>,
    #[serde(default)]
    s: Option<String>,
    #[serde(default)]
    v: Value,
    #[serde(default)]
    o: Option<String>,
    #[serde(default)]
    e: Option<String>,
    /// The time the program says the call took: shown, never used for the verdict.
    #[serde(default)]
    ms: Option<f64>,
    /// The solution could not be loaded (a Python, JavaScript, Ruby or PHP syntax error, a missing
    /// function).
    #[serde(default)]
    compile: Option<String>,
}

/// What a run's result channel held.
enum Channel {
    /// The driver could not load the solution, and says why.
    NotLoaded(String),
    /// Records of the first tests, in order. `tampered`: something other than one record per
    /// test, in order, was written there — only the program itself can have done that.
    Records { records: Vec<Record>, tampered: bool },
}

/// Reads a run's result channel strictly: one record per test, each exactly once and in
/// order, each on its own line after the run's nonce. The nonce only keeps stray writes out;
/// the program can read it, so nothing here is trusted beyond its place in the sequence.
fn read_channel(channel: &[u8], nonce: &str, count: usize) -> Channel {
    let text = String::from_utf8_lossy(channel);
    // A last line without its newline was cut off when the program died.
    let complete = match text.rfind('\n') {
        Some(end) => &text[..=end],
        None => "",
    };
    let prefix = format!("{nonce} ");
    let mut records = Vec::new();
    for (position, line) in complete.lines().enumerate() {
        let record = line.strip_prefix(&prefix).and_then(|json| serde_json::from_str::<Record>(json).ok());
        match record {
            Some(Record { compile: Some(message), .. }) if position == 0 => return Channel::NotLoaded(message),
            Some(record) if record.compile.is_none() && record.i == Some(records.len()) && records.len() < count => {
                records.push(record)
            }
            _ => return Channel::Records { records, tampered: true },
        }
    }
    Channel::Records { records, tampered: false }
}

/// One test's outcome inside a run.
struct Outcome {
    status: TestStatus,
    actual: Option<Value>,
    output: String,
    error: Option<String>,
    time_ms: f64,
}

impl Outcome {
    fn failed(status: TestStatus, error: Option<String>) -> Self {
        Self { status, actual: None, output: String::new(), error, time_ms: 0.0 }
    }
}

/// How a run's records become outcomes.
struct Checker {
    custom: bool,
    answer_type: Option<Type>,
    rule: Compare,
    /// The CPU time the sandbox allowed each run, and the problem's limit it stands for.
    cpu_limit_ms: u64,
    time_limit_ms: u64,
}

impl Checker {
    fn outcome(&self, test: &TestCase, record: Record) -> Outcome {
        let (status, error) = match record.s.as_deref() {
            Some("ok") if self.custom => (TestStatus::Passed, None),
            Some("ok") if self.answer_type.as_ref().is_some_and(|t| t.check(&record.v, "answer").is_err()) => (
                TestStatus::WrongAnswer,
                Some(format!(
                    "the answer is not a {}",
                    self.answer_type.as_ref().map(ToString::to_string).unwrap_or_default()
                )),
            ),
            Some("ok") if compare::matches(self.rule, &test.expected, &record.v) => (TestStatus::Passed, None),
            Some("ok") => (TestStatus::WrongAnswer, None),
            Some("memory") => (TestStatus::MemoryLimit, record.e.or(Some("out of memory".into()))),
            _ => (TestStatus::RuntimeError, record.e),
        };
        Outcome {
            status,
            actual: Some(record.v),
            output: record.o.unwrap_or_default(),
            error,
            time_ms: record.ms.unwrap_or(0.0),
        }
    }

    /// Every test's outcome in one run. The time limit is the sandbox's measure of the run's
    /// CPU time, whatever the program reports per test.
    fn run(&self, tests: &[&TestCase], run: &RunOutput, nonce: &str) -> Result<Vec<Outcome>, String> {
        let (records, tampered) = match read_channel(&run.results, nonce, tests.len()) {
            Channel::NotLoaded(message) => return Err(message),
            Channel::Records { records, tampered } => (records, tampered),
        };
        let reported = records.len();
        let mut outcomes: Vec<Outcome> =
            tests.iter().zip(records).map(|(test, record)| self.outcome(test, record)).collect();
        let over_time = run.stage.status.as_deref() == Some("TO") || run.stage.cpu_time > self.cpu_limit_ms;
        let slow = || Some(format!("over the time limit of {} ms", self.time_limit_ms));
        if reported < tests.len() {
            let (status, error) = if tampered {
                (TestStatus::RuntimeError, Some("the program wrote to the judge's result channel".into()))
            } else if over_time {
                (TestStatus::TimeLimit, slow())
            } else {
                let (status, error) = death(&run.stage);
                (status, Some(error))
            };
            outcomes.push(Outcome::failed(status, error));
            outcomes.extend((outcomes.len()..tests.len()).map(|_| Outcome::failed(TestStatus::Skipped, None)));
        } else if tampered {
            if let Some(last) = outcomes.last_mut() {
                *last = Outcome::failed(
                    TestStatus::RuntimeError,
                    Some("the program wrote to the judge's result channel".into()),
                );
            }
        } else if over_time && let Some(last) = outcomes.last_mut() {
            *last = Outcome::failed(TestStatus::TimeLimit, slow());
        }
        Ok(outcomes)
    }
}

/// The stdin of one run and the nonce its records carry.
fn run_input(signature: &Signature, tests: &[&TestCase], cpu_ms: u64) -> (String, exec::RunInput) {
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let inputs: Vec<_> = tests.iter().map(|t| &t.input).collect();
    let stdin = encode::stdin(&nonce, &signature.params, &inputs);
    (nonce, exec::RunInput { stdin, cpu_ms })
}

/// Judges `code` against the selected tests of `problem`.
///
/// The program is compiled once and run separately for the visible tests (or the custom
/// input) and for the hidden ones: the visible run's stdin holds no hidden input, and of the
/// hidden run only each test's status leaves this function — never its prints, errors,
/// answers, time or memory, since a program could encode its input in any of them.
pub async fn judge(
    sandbox: &Sandbox,
    user: &str,
    problem: &Problem,
    language: Language,
    code: &str,
    selection: Selection,
) -> Result<Report, JudgeError> {
    let signature = problem.parsed_signature().map_err(|e| JudgeError::Invalid(format!("broken problem: {e}")))?;
    if code.len() > MAX_CODE_BYTES {
        return Err(JudgeError::Invalid(format!("code is larger than {} KiB", MAX_CODE_BYTES / 1024)));
    }
    let custom_test;
    let (mode, custom) = match &selection {
        Selection::Visible => (Mode::Run, false),
        Selection::All => (Mode::Submit, false),
        Selection::Custom(_) => (Mode::Run, true),
    };
    let visible: Vec<&TestCase> = match &selection {
        Selection::Visible | Selection::All => problem.tests.visible.iter().collect(),
        Selection::Custom(input) => {
            custom_test = TestCase { input: input.clone(), expected: Value::Null, explanation: None };
            vec![&custom_test]
        }
    };
    let hidden: Vec<&TestCase> = match &selection {
        Selection::All => problem.tests.hidden.iter().collect(),
        Selection::Visible | Selection::Custom(_) => Vec::new(),
    };
    let cpu_limit_ms = problem.time_limit_ms + language.startup_allowance_ms();
    let (visible_nonce, visible_run) = run_input(&signature, &visible, cpu_limit_ms);
    let mut runs = vec![visible_run];
    let hidden_nonce = if hidden.is_empty() {
        None
    } else {
        let (nonce, run) = run_input(&signature, &hidden, cpu_limit_ms);
        runs.push(run);
        Some(nonce)
    };
    let files = drivers::program(language, &signature, problem.mutates.as_deref(), code);
    let output = exec::execute(sandbox, user, ExecRequest { language, files, runs }).await?;
    for (run, name) in output.runs.iter().zip(["visible", "hidden"]) {
        tracing::debug!(problem = %problem.slug, %language, run = name, cpu_ms = run.stage.cpu_time,
            wall_ms = run.stage.wall_time, status = ?run.stage.status, "judged run");
    }

    let mut report = Report {
        verdict: Verdict::Accepted,
        passed: 0,
        total: visible.len() + hidden.len(),
        mode,
        language,
        custom,
        tests: Vec::new(),
        hidden: HiddenSummary { passed: 0, total: hidden.len(), first_failure: None },
        compile_output: None,
        stderr: String::new(),
        message: String::new(),
        time_ms: 0,
        solution_time_ms: 0.0,
        memory_bytes: 0,
    };
    let mut runs = output.runs.into_iter();
    let Some(visible_run) = runs.next() else {
        let compile = output.compile.unwrap_or_default();
        report.verdict = Verdict::CompileError;
        report.compile_output = Some(cap(&format!("{}{}", compile.stdout, compile.stderr)));
        report.message = compile.message.unwrap_or_else(|| "Compilation failed".into());
        return Ok(report);
    };
    let answer_type = match (&signature.returns, &problem.mutates) {
        (Type::Void, Some(name)) => signature.params.iter().find(|p| &p.name == name).map(|p| p.ty.clone()),
        (returns, _) => Some(returns.clone()),
    };
    let checker = Checker {
        custom,
        answer_type,
        rule: problem.comparison(),
        // The limit the sandbox applied: never above its own maximum.
        cpu_limit_ms: cpu_limit_ms.min(sandbox.config().run_cpu_time),
        time_limit_ms: problem.time_limit_ms,
    };
    let visible_outcomes = match checker.run(&visible, &visible_run, &visible_nonce) {
        Ok(outcomes) => outcomes,
        Err(message) => {
            report.verdict = Verdict::CompileError;
            report.compile_output = Some(cap(&message));
            report.message = "The solution could not be loaded".into();
            return Ok(report);
        }
    };
    report.time_ms = visible_run.stage.wall_time;
    report.memory_bytes = visible_run.stage.memory;
    report.stderr = cap(&visible_run.stage.stderr);
    let hidden_statuses: Vec<TestStatus> = match (runs.next(), &hidden_nonce) {
        (Some(run), Some(nonce)) => match checker.run(&hidden, &run, nonce) {
            Ok(outcomes) => outcomes.into_iter().map(|o| o.status).collect(),
            // It loaded for the visible tests: whatever stopped it now is a runtime error.
            Err(_) => std::iter::once(TestStatus::RuntimeError)
                .chain(std::iter::repeat(TestStatus::Skipped))
                .take(hidden.len())
                .collect(),
        },
        _ => Vec::new(),
    };

    let mut first_failure: Option<(usize, TestStatus)> = None;
    for (index, (test, outcome)) in visible.iter().zip(visible_outcomes).enumerate() {
        if outcome.status == TestStatus::Passed {
            report.passed += 1;
        } else if outcome.status != TestStatus::Skipped && first_failure.is_none() {
            first_failure = Some((index, outcome.status));
        }
        report.solution_time_ms += outcome.time_ms;
        report.tests.push(VisibleResult {
            index,
            status: outcome.status,
            input: Value::Object(test.input.clone()),
            expected: (!custom).then(|| test.expected.clone()),
            actual: outcome.actual,
            output: cap(&outcome.output),
            error: outcome.error.map(|e| cap(&e)),
            time_ms: outcome.time_ms,
        });
    }
    for status in hidden_statuses {
        if status == TestStatus::Passed {
            report.passed += 1;
            report.hidden.passed += 1;
        } else if status != TestStatus::Skipped && report.hidden.first_failure.is_none() {
            report.hidden.first_failure = Some(status);
        }
    }
    report.solution_time_ms = (report.solution_time_ms * 1000.0).round() / 1000.0;
    if let Some((index, status)) = first_failure {
        report.verdict = status.verdict().unwrap_or(Verdict::RuntimeError);
        report.message = format!("{} on test {}", describe(report.verdict), index + 1);
    } else if let Some(status) = report.hidden.first_failure {
        report.verdict = status.verdict().unwrap_or(Verdict::RuntimeError);
        report.message = format!("{} on a hidden test", describe(report.verdict));
    } else {
        report.message = if custom { "Finished".into() } else { format!("All {} tests passed", report.total) };
    }
    Ok(report)
}

/// Why the program stopped before reporting a test.
fn death(run: &StageResult) -> (TestStatus, String) {
    let message = run.message.clone().unwrap_or_default();
    match run.status.as_deref() {
        Some("TO") => (TestStatus::TimeLimit, "time limit exceeded".into()),
        Some("SG") if message.contains("Memory") => (TestStatus::MemoryLimit, "memory limit exceeded".into()),
        Some("SG") => {
            let signal = run.signal.clone().unwrap_or_default();
            let what = match signal.as_str() {
                "SIGSEGV" | "SIG11" => "segmentation fault (invalid memory access or stack overflow)",
                "SIGABRT" | "SIG6" => "aborted",
                "SIGFPE" | "SIG8" => "arithmetic error (division by zero?)",
                "SIGKILL" | "SIG9" => "killed",
                // How Swift (and C's __builtin_trap) stop a program whose runtime check failed.
                "SIGILL" | "SIG4" | "SIGTRAP" | "SIG5" => {
                    "a runtime check failed (an index out of range, an overflow, a nil unwrapped?)"
                }
                _ => "killed by a signal",
            };
            (TestStatus::RuntimeError, format!("{what} ({signal})"))
        }
        Some("OL") | Some("EL") => (TestStatus::RuntimeError, "output limit exceeded".into()),
        Some("XX") => (TestStatus::RuntimeError, format!("internal error: {message}")),
        _ if run.stderr.contains("OutOfMemory") || run.stderr.contains("out of memory") => {
            (TestStatus::MemoryLimit, "memory limit exceeded".into())
        }
        _ => (
            TestStatus::RuntimeError,
            if message.is_empty() { "the program stopped unexpectedly".into() } else { message },
        ),
    }
}

fn describe(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Accepted => "Accepted",
        Verdict::WrongAnswer => "Wrong answer",
        Verdict::RuntimeError => "Runtime error",
        Verdict::TimeLimit => "Time limit exceeded",
        Verdict::MemoryLimit => "Memory limit exceeded",
        Verdict::CompileError => "Compilation error",
    }
}

fn cap(text: &str) -> String {
    if text.len() <= TEXT_CAP { text.to_string() } else { format!("{}\n… (truncated)", prefix(text, TEXT_CAP)) }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
pub fn prefix(text: &str, max: usize) -> &str {
    let mut end = max.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn checker() -> Checker {
        Checker {
            custom: false,
            answer_type: Some(Type::Int),
            rule: Compare::Exact,
            cpu_limit_ms: 1000,
            time_limit_ms: 900,
        }
    }

    fn record(i: usize, v: i64) -> String {
        format!("N {}\n", json!({"i": i, "s": "ok", "v": v, "ms": 0.5, "o": ""}))
    }

    /// The statuses of three tests expecting 0, 1, 2, given the result channel and the stage.
    fn statuses(results: &str, status: Option<&str>, cpu_time: u64) -> Vec<TestStatus> {
        let cases: Vec<TestCase> =
            (0..3).map(|k| TestCase { input: serde_json::Map::new(), expected: json!(k), explanation: None }).collect();
        let tests: Vec<&TestCase> = cases.iter().collect();
        let stage = StageResult {
            status: status.map(str::to_string),
            code: Some(if status.is_some() { 1 } else { 0 }),
            cpu_time,
            ..StageResult::default()
        };
        let run = RunOutput { stage, results: results.as_bytes().to_vec() };
        let outcomes = checker().run(&tests, &run, "N").unwrap_or_default();
        outcomes.into_iter().map(|o| o.status).collect()
    }

    use TestStatus::{Passed, RuntimeError, Skipped, TimeLimit, WrongAnswer};

    #[test]
    fn each_record_counts_once_and_in_order() {
        let all = format!("{}{}{}", record(0, 0), record(1, 1), record(2, 2));
        assert_eq!(statuses(&all, None, 10), [Passed, Passed, Passed]);
        assert_eq!(
            statuses(&format!("{}{}", record(0, 0), record(1, 5)), Some("RE"), 10),
            [Passed, WrongAnswer, RuntimeError]
        );
        // A duplicate, a record out of order, a line without the nonce, one record too many.
        let duplicate = format!("{}{}{}{}", record(0, 0), record(0, 0), record(1, 1), record(2, 2));
        assert_eq!(statuses(&duplicate, None, 10), [Passed, RuntimeError, Skipped]);
        let ahead = format!("{}{}{}", record(1, 1), record(0, 0), record(2, 2));
        assert_eq!(statuses(&ahead, None, 10), [RuntimeError, Skipped, Skipped]);
        let stray = format!("{}{{\"i\":1,\"s\":\"ok\",\"v\":1}}\n{}", record(0, 0), record(2, 2));
        assert_eq!(statuses(&stray, None, 10), [Passed, RuntimeError, Skipped]);
        let extra = format!("{all}{}", record(2, 2));
        assert_eq!(statuses(&extra, None, 10), [Passed, Passed, RuntimeError]);
        // A last line cut off by the program's death is neither a record nor tampering.
        let cut = format!("{}N {{\"i\":1,\"s\":\"ok\"", record(0, 0));
        assert_eq!(statuses(&cut, Some("SG"), 10), [Passed, RuntimeError, Skipped]);
    }

    #[test]
    fn time_is_the_sandbox_measure() {
        let all = format!("{}{}{}", record(0, 0), record(1, 1), record(2, 2));
        // Every record claims half a millisecond; the run used more CPU than allowed.
        assert_eq!(statuses(&all, None, 1001), [Passed, Passed, TimeLimit]);
        assert_eq!(statuses(&all, Some("TO"), 900), [Passed, Passed, TimeLimit]);
        assert_eq!(statuses(&record(0, 0), Some("TO"), 1200), [Passed, TimeLimit, Skipped]);
    }

    #[test]
    fn ruby_php_csharp_and_swift_names() {
        assert_eq!(Language::parse("rb"), Some(Language::Ruby));
        assert_eq!(Language::parse(" Ruby "), Some(Language::Ruby));
        assert_eq!(Language::parse("php"), Some(Language::Php));
        assert_eq!(Language::parse("C#"), Some(Language::CSharp));
        assert_eq!(Language::parse("cs"), Some(Language::CSharp));
        assert_eq!(Language::parse("swift"), Some(Language::Swift));
        assert_eq!(Language::from_file_name("solution.rb"), Some(Language::Ruby));
        assert_eq!(Language::from_file_name("solution.php"), Some(Language::Php));
        assert_eq!(Language::from_file_name("solution.cs"), Some(Language::CSharp));
        assert_eq!(Language::from_file_name("solution.swift"), Some(Language::Swift));
        assert_eq!((Language::Ruby.sandbox_name(), Language::Php.sandbox_name()), ("ruby", "php"));
        assert_eq!((Language::CSharp.sandbox_name(), Language::Swift.sandbox_name()), ("csharp", "swift"));
        let ids: Vec<&str> = Language::ALL.iter().map(|l| l.id()).collect();
        assert!(ids.ends_with(&["rust", "ruby", "php", "csharp", "swift"]), "{ids:?}");
    }

    #[test]
    fn a_load_failure_is_only_believed_first() {
        let compile = format!("N {}\n", json!({"compile": "SyntaxError"}));
        let tests: Vec<&TestCase> = Vec::new();
        let run = RunOutput { stage: StageResult::default(), results: compile.as_bytes().to_vec() };
        assert_eq!(checker().run(&tests, &run, "N").err().as_deref(), Some("SyntaxError"));
        assert_eq!(statuses(&format!("{}{compile}", record(0, 0)), Some("RE"), 10), [Passed, RuntimeError, Skipped]);
    }
}
