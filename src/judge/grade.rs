//! Grading: from what a judged program wrote and what the sandbox measured to the report.
//! Verdicts, the time budget, the strict reading of the result channel and what stays hidden
//! are decided here, apart from running anything, so that each rule is tested with canned
//! outputs (`tests` below) and needs no Docker.

use serde::Deserialize;
use serde_json::Value;

use super::exec::ExecOutput;
use super::{HiddenSummary, Mode, Report, TestStatus, VisibleResult, compare};
use crate::language::Language;
use crate::problems::model::{Compare, TestCase};
use crate::problems::types::Type;
use crate::sandbox::{RunOutput, StageResult};
use crate::text::prefix;
use crate::verdict::Verdict;

/// Shown per test and for compiler output: enough to debug, bounded for the response.
const TEXT_CAP: usize = 4096;

/// What one judgement ran and how its output is read.
pub struct Plan<'a> {
    pub mode: Mode,
    pub language: Language,
    /// A custom input: no expected answer, only what the program returned and printed.
    pub custom: bool,
    pub visible: Vec<&'a TestCase>,
    pub hidden: Vec<&'a TestCase>,
    pub visible_nonce: String,
    pub hidden_nonce: Option<String>,
    pub checker: Checker,
}

/// The report of a judged program: a pure function of the plan (which tests, the result
/// channels' nonces, the rules) and what the sandbox returned. Of the hidden run only each
/// test's status is read, so nothing else of it can reach the report.
pub fn grade(plan: &Plan<'_>, output: ExecOutput) -> Report {
    let Plan { mode, language, custom, visible, hidden, visible_nonce, hidden_nonce, checker } = plan;
    let custom = *custom;
    let mut report = Report {
        verdict: Verdict::Accepted,
        passed: 0,
        total: visible.len() + hidden.len(),
        mode: *mode,
        language: *language,
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
        return report;
    };
    let visible_outcomes = match checker.run(visible, &visible_run, visible_nonce) {
        Ok(outcomes) => outcomes,
        Err(message) => {
            report.verdict = Verdict::CompileError;
            report.compile_output = Some(cap(&message));
            report.message = "The solution could not be loaded".into();
            return report;
        }
    };
    report.time_ms = visible_run.stage.wall_time;
    report.memory_bytes = visible_run.stage.memory;
    report.stderr = cap(&visible_run.stage.stderr);
    let hidden_statuses: Vec<TestStatus> = match (runs.next(), &hidden_nonce) {
        (Some(run), Some(nonce)) => match checker.run(hidden, &run, nonce) {
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
    report
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
pub struct Checker {
    pub custom: bool,
    pub answer_type: Option<Type>,
    pub rule: Compare,
    /// The CPU time the sandbox allowed each run, and the problem's limit it stands for.
    pub cpu_limit_ms: u64,
    pub time_limit_ms: u64,
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

    // ---- whole reports from canned sandbox outputs -------------------------------------

    fn cases(expected: &[i64]) -> Vec<TestCase> {
        expected
            .iter()
            .map(|&k| TestCase { input: serde_json::Map::new(), expected: json!(k), explanation: None })
            .collect()
    }

    fn plan<'a>(visible: &'a [TestCase], hidden: &'a [TestCase]) -> Plan<'a> {
        Plan {
            mode: if hidden.is_empty() { Mode::Run } else { Mode::Submit },
            language: Language::Python,
            custom: false,
            visible: visible.iter().collect(),
            hidden: hidden.iter().collect(),
            visible_nonce: "N".into(),
            hidden_nonce: (!hidden.is_empty()).then(|| "H".into()),
            checker: checker(),
        }
    }

    /// A run whose channel holds `answers` (with `prints` for each) and whose stage is `stage`.
    fn run(nonce: &str, answers: &[i64], prints: &str, stage: StageResult) -> RunOutput {
        let results: String = answers
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{nonce} {}\n", json!({"i": i, "s": "ok", "v": v, "ms": 0.5, "o": prints})))
            .collect();
        RunOutput { stage: StageResult { code: Some(0), cpu_time: 10, ..stage }, results: results.into_bytes() }
    }

    fn crashed(signal: &str) -> StageResult {
        StageResult {
            status: Some("SG".into()),
            signal: Some(signal.into()),
            code: None,
            stderr: "Segmentation fault".into(),
            ..StageResult::default()
        }
    }

    #[test]
    fn a_compile_error_reports_the_compiler_and_runs_nothing() {
        let visible = cases(&[0]);
        let compile = StageResult {
            status: Some("RE".into()),
            code: Some(1),
            stderr: "Solution.java:3: error: ';' expected".into(),
            message: Some("Compilation failed".into()),
            ..StageResult::default()
        };
        let report = grade(&plan(&visible, &[]), ExecOutput { compile: Some(compile), runs: Vec::new() });
        assert_eq!(report.verdict, Verdict::CompileError);
        assert!(report.compile_output.as_deref().is_some_and(|text| text.contains("';' expected")));
        assert!(report.tests.is_empty() && report.passed == 0);
    }

    #[test]
    fn a_crash_mid_run_fails_that_test_and_skips_the_rest() {
        let visible = cases(&[0, 1, 2]);
        let output = ExecOutput { compile: None, runs: vec![run("N", &[0], "", crashed("SIGSEGV"))] };
        let report = grade(&plan(&visible, &[]), output);
        assert_eq!(report.verdict, Verdict::RuntimeError);
        assert_eq!(report.message, "Runtime error on test 2");
        let statuses: Vec<TestStatus> = report.tests.iter().map(|t| t.status).collect();
        assert_eq!(statuses, [Passed, RuntimeError, Skipped]);
        assert!(report.tests[1].error.as_deref().is_some_and(|e| e.contains("segmentation fault")));
        assert_eq!(report.stderr, "Segmentation fault");
    }

    #[test]
    fn of_the_hidden_run_only_counts_and_the_first_failure_leave() {
        let (visible, hidden) = (cases(&[0, 1]), cases(&[7, 8, 9]));
        let secret_stage = StageResult { stderr: "SECRET-STDERR".into(), memory: 999_999, ..StageResult::default() };
        let output = ExecOutput {
            compile: None,
            runs: vec![
                run("N", &[0, 1], "visible print", StageResult { memory: 1000, ..StageResult::default() }),
                // The second hidden answer is wrong; its prints spell out the hidden input.
                run("H", &[7, 123_456, 9], "SECRET-PRINT", secret_stage),
            ],
        };
        let report = grade(&plan(&visible, &hidden), output);
        assert_eq!(report.verdict, Verdict::WrongAnswer);
        assert_eq!(report.message, "Wrong answer on a hidden test");
        assert_eq!((report.passed, report.total), (4, 5));
        assert_eq!((report.hidden.passed, report.hidden.total), (2, 3));
        assert_eq!(report.hidden.first_failure, Some(WrongAnswer));
        assert_eq!(report.memory_bytes, 1000, "memory is the visible run's");
        let sent = serde_json::to_string(&report).expect("json");
        for leak in ["SECRET", "123456", "999999"] {
            assert!(!sent.contains(leak), "{leak} reached the report: {sent}");
        }
    }

    #[test]
    fn a_load_failure_is_a_compile_error_with_the_drivers_message() {
        let visible = cases(&[0]);
        let channel = format!("N {}\n", json!({"compile": "NameError: name 'Solution' is not defined"}));
        let stage = StageResult { code: Some(1), status: Some("RE".into()), ..StageResult::default() };
        let output = ExecOutput { compile: None, runs: vec![RunOutput { stage, results: channel.into_bytes() }] };
        let report = grade(&plan(&visible, &[]), output);
        assert_eq!(report.verdict, Verdict::CompileError);
        assert_eq!(report.message, "The solution could not be loaded");
        assert!(report.compile_output.as_deref().is_some_and(|text| text.contains("NameError")));
    }

    #[test]
    fn prints_and_errors_are_capped_on_a_character_boundary() {
        let visible = cases(&[0]);
        let prints = "é".repeat(TEXT_CAP);
        let output = ExecOutput { compile: None, runs: vec![run("N", &[0], &prints, StageResult::default())] };
        let report = grade(&plan(&visible, &[]), output);
        assert_eq!(report.verdict, Verdict::Accepted);
        let shown = &report.tests[0].output;
        assert!(shown.len() < TEXT_CAP + 40 && shown.ends_with("… (truncated)"), "{} bytes", shown.len());
    }

    #[test]
    fn over_the_time_budget_the_last_reported_test_fails_whatever_the_program_claims() {
        let visible = cases(&[0, 1]);
        let mut output = ExecOutput { compile: None, runs: vec![run("N", &[0, 1], "", StageResult::default())] };
        // Each record claims half a millisecond; the sandbox measured more than the limit.
        output.runs[0].stage.cpu_time = 1001;
        let report = grade(&plan(&visible, &[]), output);
        assert_eq!(report.verdict, Verdict::TimeLimit);
        assert_eq!(report.message, "Time limit exceeded on test 2");
    }

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
    fn a_load_failure_is_only_believed_first() {
        let compile = format!("N {}\n", json!({"compile": "SyntaxError"}));
        let tests: Vec<&TestCase> = Vec::new();
        let run = RunOutput { stage: StageResult::default(), results: compile.as_bytes().to_vec() };
        assert_eq!(checker().run(&tests, &run, "N").err().as_deref(), Some("SyntaxError"));
        assert_eq!(statuses(&format!("{}{compile}", record(0, 0)), Some("RE"), 10), [Passed, RuntimeError, Skipped]);
    }
}
