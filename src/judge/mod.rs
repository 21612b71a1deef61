//! The judge: turns a candidate's function into a program (a driver generated per language
//! from the problem's signature), runs every selected test in ONE compile and run, and
//! compares each answer on the server with the expected value, which never enters the
//! sandbox.
//!
//! The driver captures the candidate's prints per test and reports each result as a JSON
//! line prefixed with a per-run random nonce on the process's real stdout, so nothing a
//! candidate prints can forge or break a result.

pub mod compare;
pub mod drivers;
pub mod encode;
pub mod exec;
pub mod store;

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::problems::model::{Problem, TestCase};
use crate::problems::types::{Signature, Type};
use crate::sandbox::{Sandbox, SandboxError, StageResult};
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
}

impl Language {
    pub const ALL: [Language; 8] = [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Java,
        Language::C,
        Language::Cpp,
        Language::Go,
        Language::Rust,
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
            _ => return None,
        })
    }

    pub fn from_file_name(name: &str) -> Option<Self> {
        let extension = name.rsplit_once('.')?.1;
        Self::ALL.into_iter().find(|l| l.extension() == extension)
    }
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, Serialize)]
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
    /// What the program wrote to stderr outside of any test (crashes); omitted when the
    /// failure happened in a hidden test, since it might reveal the input.
    pub stderr: String,
    /// One-line explanation of the verdict.
    pub message: String,
    /// Wall-clock time of the run stage and the candidate's total time inside tests.
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

/// One driver record, as printed after the nonce.
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
    #[serde(default)]
    ms: Option<f64>,
    /// The solution could not be loaded (Python/JavaScript syntax error, missing function).
    #[serde(default)]
    compile: Option<String>,
}

/// Judges `code` against the selected tests of `problem`.
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
    // (test, hidden?) in the order they run: visible first, so failures there are seen first.
    let tests: Vec<(&TestCase, bool)> = match &selection {
        Selection::Visible => problem.tests.visible.iter().map(|t| (t, false)).collect(),
        Selection::All => problem
            .tests
            .visible
            .iter()
            .map(|t| (t, false))
            .chain(problem.tests.hidden.iter().map(|t| (t, true)))
            .collect(),
        Selection::Custom(input) => {
            custom_test = TestCase { input: input.clone(), expected: Value::Null, explanation: None };
            vec![(&custom_test, false)]
        }
    };
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let inputs: Vec<_> = tests.iter().map(|(t, _)| &t.input).collect();
    let stdin = encode::stdin(&nonce, &signature.params, &inputs);
    let files = drivers::program(language, &signature, problem.mutates.as_deref(), code);
    let request = ExecRequest { language, files, stdin: String::from_utf8_lossy(&stdin).into_owned() };
    let output = exec::execute(sandbox, user, request).await?;

    let mut report = Report {
        verdict: Verdict::Accepted,
        passed: 0,
        total: tests.len(),
        mode,
        language,
        custom,
        tests: Vec::new(),
        hidden: HiddenSummary {
            passed: 0,
            total: tests.iter().filter(|(_, hidden)| *hidden).count(),
            first_failure: None,
        },
        compile_output: None,
        stderr: String::new(),
        message: String::new(),
        time_ms: 0,
        solution_time_ms: 0.0,
        memory_bytes: 0,
    };
    let run = match output.run {
        Some(run) => run,
        None => {
            let compile = output.compile.unwrap_or_default();
            report.verdict = Verdict::CompileError;
            report.compile_output = Some(cap(&format!("{}{}", compile.stdout, compile.stderr)));
            report.message = compile.message.unwrap_or_else(|| "Compilation failed".into());
            return Ok(report);
        }
    };
    report.time_ms = run.wall_time;
    report.memory_bytes = run.memory;

    let mut records: Vec<Option<Record>> = (0..tests.len()).map(|_| None).collect();
    let prefix = format!("{nonce} ");
    for line in run.stdout.lines() {
        let Some(json) = line.strip_prefix(&prefix) else {
            continue;
        };
        let Ok(record) = serde_json::from_str::<Record>(json) else {
            continue;
        };
        if let Some(message) = record.compile {
            report.verdict = Verdict::CompileError;
            report.compile_output = Some(cap(&message));
            report.message = "The solution could not be loaded".into();
            return Ok(report);
        }
        if let Some(slot) = record.i.and_then(|i| records.get_mut(i)) {
            *slot = Some(record);
        }
    }

    let answer_type = match (&signature.returns, &problem.mutates) {
        (Type::Void, Some(name)) => signature.params.iter().find(|p| &p.name == name).map(|p| p.ty.clone()),
        (returns, _) => Some(returns.clone()),
    };
    let rule = problem.comparison();
    let budget = problem.time_limit_ms as f64;
    let mut elapsed = 0.0;
    let mut died_at: Option<usize> = None;
    let mut first_failure: Option<(usize, TestStatus)> = None;
    for (index, ((test, hidden), record)) in tests.iter().zip(records).enumerate() {
        let (status, actual, output, error, time_ms) = match record {
            Some(record) => {
                let time_ms = record.ms.unwrap_or(0.0);
                elapsed += time_ms;
                let (status, error) = match record.s.as_deref() {
                    _ if elapsed > budget => {
                        (TestStatus::TimeLimit, Some(format!("over the time limit of {} ms", problem.time_limit_ms)))
                    }
                    Some("ok") if custom => (TestStatus::Passed, None),
                    Some("ok") if answer_type.as_ref().is_some_and(|t| t.check(&record.v, "answer").is_err()) => (
                        TestStatus::WrongAnswer,
                        Some(format!(
                            "the answer is not a {}",
                            answer_type.as_ref().map(ToString::to_string).unwrap_or_default()
                        )),
                    ),
                    Some("ok") if compare::matches(rule, &test.expected, &record.v) => (TestStatus::Passed, None),
                    Some("ok") => (TestStatus::WrongAnswer, None),
                    Some("memory") => (TestStatus::MemoryLimit, record.e.or(Some("out of memory".into()))),
                    _ => (TestStatus::RuntimeError, record.e),
                };
                (status, Some(record.v), record.o.unwrap_or_default(), error, time_ms)
            }
            None if died_at.is_none() => {
                died_at = Some(index);
                let (status, error) = death(&run);
                (status, None, String::new(), Some(error), 0.0)
            }
            None => (TestStatus::Skipped, None, String::new(), None, 0.0),
        };
        if status == TestStatus::Passed {
            report.passed += 1;
            if *hidden {
                report.hidden.passed += 1;
            }
        } else if status != TestStatus::Skipped && first_failure.is_none() {
            first_failure = Some((index, status));
        }
        if *hidden {
            if status != TestStatus::Passed && status != TestStatus::Skipped && report.hidden.first_failure.is_none() {
                report.hidden.first_failure = Some(status);
            }
        } else {
            report.tests.push(VisibleResult {
                index,
                status,
                input: Value::Object(test.input.clone()),
                expected: (!custom).then(|| test.expected.clone()),
                actual,
                output: cap(&output),
                error: error.map(|e| cap(&e)),
                time_ms,
            });
        }
    }
    report.solution_time_ms = (elapsed * 1000.0).round() / 1000.0;
    let failed_in_hidden = first_failure.is_some_and(|(index, _)| tests[index].1);
    if let Some((index, status)) = first_failure {
        report.verdict = status.verdict().unwrap_or(Verdict::RuntimeError);
        report.message = if failed_in_hidden {
            format!("{} on a hidden test", describe(report.verdict))
        } else {
            format!("{} on test {}", describe(report.verdict), index + 1)
        };
    } else {
        report.message = if custom { "Finished".into() } else { format!("All {} tests passed", report.total) };
    }
    // Crash output may echo a hidden input; it is shown only for failures in visible tests.
    if !failed_in_hidden {
        report.stderr = cap(&run.stderr);
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
