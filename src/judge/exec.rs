//! Where judged programs run: the judge only needs "compile these files once, then run them
//! with each of these inputs", and [`execute`] asks the Docker sandbox for exactly that. It is
//! the one place the judge calls the sandbox; there is no other way to run a candidate's code.

use crate::language::Language;
use crate::sandbox::{
    ExecuteRequest, LimitInput, RequestFile, RunOutput, RunSpec, Sandbox, SandboxError, StageLimits, StageResult,
};

/// Room on a run's result channel: every answer of every test (reverse-string's are ~45 KB
/// each) plus each test's captured prints. Separate from the stdout cap, which the program's
/// own prints count against.
const RESULTS_CAP: u64 = 8 * 1024 * 1024;

/// What one judged program needs.
#[derive(Debug, Clone)]
pub struct ExecRequest {
    pub language: Language,
    /// Relative file name → content; the first is the main file.
    pub files: Vec<(String, String)>,
    /// The program runs once per entry, in order, after one compile.
    pub runs: Vec<RunInput>,
}

/// One run: its whole stdin and the CPU time it may use.
#[derive(Debug, Clone)]
pub struct RunInput {
    pub stdin: Vec<u8>,
    pub cpu_ms: u64,
}

/// The compile stage (for compiled languages) and one outcome per run (none when compiling
/// failed). Stages use the sandbox's Piston shape: `status` is None on success, else RE, SG,
/// TO, OL or EL, and `message` says why (e.g. "Memory limit exceeded").
#[derive(Debug, Clone, Default)]
pub struct ExecOutput {
    pub compile: Option<StageResult>,
    pub runs: Vec<RunOutput>,
}

/// Compiles and runs one judged program in the sandbox. `user` identifies the requester for
/// the sandbox's fair queueing. Each run's CPU time is limited to its `cpu_ms` (never above
/// the sandbox's maximum), measured by the sandbox over everything the run started.
pub async fn execute(sandbox: &Sandbox, user: &str, request: ExecRequest) -> Result<ExecOutput, SandboxError> {
    let language = request.language.sandbox_name();
    let version = sandbox.registry().judged(language).map_or_else(|| "*".to_string(), |rt| rt.version.clone());
    let piston = ExecuteRequest {
        language: language.to_string(),
        version,
        files: request
            .files
            .into_iter()
            .map(|(name, content)| RequestFile { name: Some(name), content, encoding: None })
            .collect(),
        compile_timeout: LimitInput::Default,
        run_timeout: LimitInput::Default,
        ..ExecuteRequest::default()
    };
    let job = sandbox.prepare(piston)?;
    let runs = request
        .runs
        .into_iter()
        .map(|run| {
            let cpu_ms = run.cpu_ms.min(job.run.cpu_ms);
            // The verdict comes from CPU time; the wall-clock deadline only stops programs that
            // sleep or block. Twice the CPU budget (plus a second) keeps a busy machine, where a
            // run waits for a core, from turning a fast solution into a time-limit failure.
            let timeout_ms = job.run.timeout_ms.max(2 * cpu_ms + 1000);
            RunSpec {
                stdin: run.stdin,
                limits: StageLimits { cpu_ms, timeout_ms, ..job.run },
                results_cap: RESULTS_CAP,
            }
        })
        .collect();
    let output = sandbox.run_program(user, &job, runs).await?;
    // A stage the sandbox itself could not finish says nothing about the program.
    let stages = output.compile.iter().chain(output.runs.iter().map(|run| &run.stage));
    if let Some(failed) = stages.into_iter().find(|stage| stage.status.as_deref() == Some("XX")) {
        return Err(SandboxError::Unavailable(format!(
            "code execution failed: {}",
            failed.message.as_deref().unwrap_or("internal error")
        )));
    }
    let compiled = output.compile.as_ref().is_none_or(StageResult::succeeded);
    Ok(ExecOutput { compile: output.compile, runs: if compiled { output.runs } else { Vec::new() } })
}
