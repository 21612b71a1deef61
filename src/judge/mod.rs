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
mod grade;
pub mod store;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::language::Language;
use crate::problems::model::{Problem, TestCase};
use crate::problems::types::{Signature, Type};
use crate::sandbox::{Sandbox, SandboxError};
use crate::verdict::Verdict;
pub use exec::ExecRequest;
use grade::{Checker, Plan, grade};

/// Largest accepted source, in bytes.
pub const MAX_CODE_BYTES: usize = 64 * 1024;
/// Largest custom input, in bytes.
pub const MAX_STDIN_BYTES: usize = 64 * 1024;

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

/// One test's outcome; `Skipped` tests were not reached because the program died earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
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

/// Whether a judgement was a run or a submit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = JudgeMode)]
pub enum Mode {
    /// Visible tests, or one custom input.
    Run,
    /// Visible and hidden tests.
    Submit,
}

/// A visible test as the candidate sees it after a run.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VisibleResult {
    /// The test's position among the visible tests (0 for a custom input).
    pub index: usize,
    pub status: TestStatus,
    /// Parameter name → the value passed.
    #[schema(value_type = Object)]
    pub input: Value,
    /// The expected answer (any JSON value); `null` for a custom input, which has none.
    pub expected: Option<Value>,
    /// The program's answer (any JSON value); `null` when it gave none.
    pub actual: Option<Value>,
    /// What the candidate printed during this test (stdout and stderr).
    pub output: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub error: Option<String>,
    pub time_ms: f64,
}

/// The hidden tests of a submit, as counts (a run has none: `0` of `0`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HiddenSummary {
    pub passed: usize,
    pub total: usize,
    /// The category of the first failing hidden test, never its data.
    pub first_failure: Option<TestStatus>,
}

/// What the judge found: the verdict, each visible test, the hidden tests' counts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = JudgeReport)]
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
    #[schema(nullable = false)]
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
    let plan = Plan { mode, language, custom, visible, hidden, visible_nonce, hidden_nonce, checker };
    let files = drivers::program(language, &signature, problem.mutates.as_deref(), code);
    let output = exec::execute(sandbox, user, ExecRequest { language, files, runs }).await?;
    for (run, name) in output.runs.iter().zip(["visible", "hidden"]) {
        tracing::debug!(problem = %problem.slug, %language, run = name, cpu_ms = run.stage.cpu_time,
            wall_ms = run.stage.wall_time, status = ?run.stage.status, "judged run");
    }
    Ok(grade(&plan, output))
}
