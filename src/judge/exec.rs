//! Where judged programs run: the judge only needs "compile and run these files with this
//! stdin", and [`execute`] asks the Docker sandbox for exactly that. It is the one place the
//! judge calls the sandbox; there is no other way to run a candidate's code.

use super::Language;
use crate::sandbox::{ExecuteRequest, LimitInput, RequestFile, Sandbox, SandboxError, StageResult};

/// What one judged program needs.
#[derive(Debug, Clone)]
pub struct ExecRequest {
    pub language: Language,
    /// Relative file name → content; the first is the main file.
    pub files: Vec<(String, String)>,
    pub stdin: String,
}

/// The compile stage (for compiled languages) and the run stage (absent when compiling failed).
/// Stages use the sandbox's Piston shape: `status` is None on success, else RE, SG, TO, OL,
/// EL or XX, and `message` says why (e.g. "Memory limit exceeded").
#[derive(Debug, Clone, Default)]
pub struct ExecOutput {
    pub compile: Option<StageResult>,
    pub run: Option<StageResult>,
}

/// Compiles and runs one judged program in the sandbox. `user` identifies the requester for
/// the sandbox's fair queueing. Limits are left at the sandbox's configured maxima: the judge
/// enforces each problem's own budget itself.
pub async fn execute(sandbox: &Sandbox, user: &str, request: ExecRequest) -> Result<ExecOutput, SandboxError> {
    let piston = ExecuteRequest {
        language: request.language.sandbox_name().to_string(),
        version: "*".into(),
        files: request
            .files
            .into_iter()
            .map(|(name, content)| RequestFile { name: Some(name), content, encoding: None })
            .collect(),
        stdin: request.stdin,
        compile_timeout: LimitInput::Default,
        run_timeout: LimitInput::Default,
        ..ExecuteRequest::default()
    };
    let result = sandbox.execute(user, piston).await?;
    let compiled = result.compile.as_ref().is_none_or(StageResult::succeeded);
    Ok(ExecOutput { compile: result.compile, run: compiled.then_some(result.run) })
}
