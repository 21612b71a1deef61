//! Where judged programs run. The judge only needs "compile and run these files with this
//! stdin": [`Executor::execute`] is that seam. In production it is the Docker sandbox
//! (`crate::sandbox::Sandbox`, Piston-shaped results). For development and the test suite on
//! machines without the runtime images, `JUDGE_EXECUTOR=local` runs the programs
//! with the host's toolchains (NO isolation: never on a server that faces candidates), and
//! `JUDGE_LOCAL_IMAGE=<image>` runs those same commands in a throw-away container of
//! that image instead (for exercising the exact compiler versions of the sandbox images).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

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

#[derive(Clone)]
pub enum Executor {
    Sandbox(Sandbox),
    Local(LocalExecutor),
}

impl Executor {
    /// The sandbox unless the environment selects the unisolated local executor.
    pub fn select(sandbox: &Sandbox) -> Self {
        match std::env::var("JUDGE_EXECUTOR").as_deref() {
            Ok("local") => Self::Local(LocalExecutor::from_env()),
            _ => Self::Sandbox(sandbox.clone()),
        }
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Self::Sandbox(_) => "sandbox",
            Self::Local(_) => "local (unisolated)",
        }
    }

    /// `user` identifies the requester for the sandbox's fair queueing.
    pub async fn execute(&self, user: &str, request: ExecRequest) -> Result<ExecOutput, SandboxError> {
        match self {
            // The single place the sandbox is called: limits are left at the sandbox's
            // configured maxima (the judge enforces each problem's own budget itself).
            Self::Sandbox(sandbox) => {
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
            Self::Local(local) => {
                local.execute(request).await.map_err(|err| SandboxError::Unavailable(format!("{err:#}")))
            }
        }
    }
}

/// Host toolchains (or one container per stage); for tests and development only.
#[derive(Debug, Clone)]
pub struct LocalExecutor {
    image: Option<String>,
    run_timeout: Duration,
    compile_timeout: Duration,
    tsc: String,
}

const OUTPUT_CAP: usize = 1024 * 1024;

impl LocalExecutor {
    pub fn from_env() -> Self {
        let millis = |name: &str, default: u64| {
            Duration::from_millis(std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default))
        };
        Self {
            image: std::env::var("JUDGE_LOCAL_IMAGE").ok().filter(|v| !v.is_empty()),
            run_timeout: millis("JUDGE_LOCAL_RUN_MS", 3000),
            compile_timeout: millis("JUDGE_LOCAL_COMPILE_MS", 30_000),
            tsc: std::env::var("JUDGE_TSC").unwrap_or_else(|_| "tsc".into()),
        }
    }

    /// The same commands as the sandbox's runtime registry, minus the isolation.
    fn commands(&self, language: Language) -> (Option<String>, String) {
        match language {
            Language::Python => (None, "exec python3 main.py".into()),
            Language::JavaScript => (None, "exec node main.js".into()),
            Language::TypeScript => (
                Some(format!(
                    "printf '%s\\n' 'declare var require: any; declare var process: any; declare var module: any; declare var Buffer: any;' > .node.d.ts && \
                     exec {} --target es2020 --module commonjs --rootDir . --outDir .out main.ts .node.d.ts",
                    self.tsc
                )),
                "exec node .out/main.js".into(),
            ),
            Language::Java => (
                Some("mkdir -p .classes && exec javac -encoding UTF-8 -J-XX:+UseSerialGC -J-XX:TieredStopAtLevel=1 -d .classes *.java".into()),
                "exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp .classes Main".into(),
            ),
            Language::C => (Some("exec gcc -O2 -std=gnu17 -o .a.out main.c -lm".into()), "exec ./.a.out".into()),
            Language::Cpp => (Some("exec g++ -O2 -std=gnu++17 -o .a.out main.cpp".into()), "exec ./.a.out".into()),
            Language::Go => (
                Some("GO111MODULE=off GOCACHE=/tmp/.gocache GOPATH=/tmp/.gopath CGO_ENABLED=0 exec go build -o .a.out .".into()),
                "exec ./.a.out".into(),
            ),
            Language::Rust => {
                (Some("exec rustc -O --edition 2021 --crate-name main -o .a.out main.rs".into()), "exec ./.a.out".into())
            }
        }
    }

    pub async fn execute(&self, request: ExecRequest) -> anyhow::Result<ExecOutput> {
        let dir = WorkDir::create()?;
        for (name, content) in &request.files {
            std::fs::write(dir.path.join(name), content)?;
        }
        let (compile, run) = self.commands(request.language);
        let mut output = ExecOutput::default();
        if let Some(script) = compile {
            let stage = self.stage(&dir.path, &script, b"", self.compile_timeout).await?;
            let ok = stage.succeeded();
            output.compile = Some(stage);
            if !ok {
                return Ok(output);
            }
        }
        output.run = Some(self.stage(&dir.path, &run, request.stdin.as_bytes(), self.run_timeout).await?);
        Ok(output)
    }

    async fn stage(&self, dir: &Path, script: &str, stdin: &[u8], timeout: Duration) -> anyhow::Result<StageResult> {
        let mut command = match &self.image {
            Some(image) => {
                let mut command = Command::new("docker");
                command
                    .args(["run", "--rm", "-i", "--network", "none", "-v"])
                    .arg(format!("{}:/w", dir.display()))
                    .args(["-w", "/w", "-e", "HOME=/tmp", image, "sh", "-c", script]);
                command
            }
            None => {
                let mut command = Command::new("sh");
                command.args(["-c", script]).current_dir(dir);
                command
            }
        };
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
        let started = Instant::now();
        let mut child = command.spawn()?;
        if let Some(mut pipe) = child.stdin.take() {
            let input = stdin.to_vec();
            tokio::spawn(async move {
                let _ = pipe.write_all(&input).await;
            });
        }
        let waited = tokio::time::timeout(timeout, child.wait_with_output()).await;
        let wall_time = started.elapsed().as_millis() as u64;
        let Ok(result) = waited else {
            return Ok(StageResult {
                status: Some("TO".into()),
                message: Some("Time limit exceeded".into()),
                signal: Some("SIGKILL".into()),
                wall_time,
                ..StageResult::default()
            });
        };
        let out = result?;
        let text = |bytes: &[u8]| String::from_utf8_lossy(&bytes[..bytes.len().min(OUTPUT_CAP)]).into_owned();
        let code = out.status.code();
        #[cfg(unix)]
        let signal = std::os::unix::process::ExitStatusExt::signal(&out.status).map(|s| format!("SIG{s}"));
        #[cfg(not(unix))]
        let signal: Option<String> = None;
        let (status, message) = match (code, &signal) {
            (_, Some(signal)) => (Some("SG".to_string()), Some(format!("Caught fatal signal {signal}"))),
            (Some(0), None) => (None, None),
            (Some(code), None) => (Some("RE".to_string()), Some(format!("Exited with error status {code}"))),
            (None, None) => (Some("XX".to_string()), Some("no exit status".to_string())),
        };
        let stdout = text(&out.stdout);
        let stderr = text(&out.stderr);
        Ok(StageResult {
            output: format!("{stdout}{stderr}"),
            stdout,
            stderr,
            code,
            signal,
            message,
            status,
            cpu_time: wall_time,
            wall_time,
            memory: 0,
        })
    }
}

/// A temporary folder removed when dropped.
struct WorkDir {
    path: PathBuf,
}

impl WorkDir {
    fn create() -> anyhow::Result<Self> {
        let path = std::env::temp_dir().join(format!("coderoom-judge-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&path)?;
        Ok(Self { path })
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
