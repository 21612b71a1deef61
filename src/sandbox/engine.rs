//! The Docker side: warm sandbox containers, each running the agent (`agent.py`) as PID 1,
//! and the per-job conversation with that agent.
//!
//! Why warm containers: starting a container costs ~0.55 s here while a Python hello world takes
//! ~16 ms. A warm container runs one job at a time; the agent forks each stage as the job user and,
//! after the job, kills every other process in the container and wipes its writable directories,
//! then verifies the slate is clean before the container is reused. Anything unexpected (agent
//! gone, cleanup failed, a stage that does not end) throws the container away instead.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use bollard::Docker;
use bollard::container::LogOutput;
use bollard::models::{ContainerCreateBody, ContainerUpdateBody, HostConfig};
use bollard::query_parameters::{
    AttachContainerOptions, CreateContainerOptions, ListContainersOptions, RemoveContainerOptions,
    StartContainerOptions,
};
use futures::StreamExt;
use serde::Deserialize;
use serde_json::json;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use super::SandboxConfig;
use super::request::{Job, StageLimits, StageResult};

const AGENT: &str = include_str!("agent.py");
pub const LABEL: &str = "org.coderoom.sandbox";
const OWNER_LABEL: &str = "org.coderoom.owner";
/// Memory the agent itself (~10 MiB resident) needs on top of the job's limit: the container
/// limit is the job's limit plus this, and the job is always the OOM killer's first choice.
const AGENT_OVERHEAD: u64 = 16 * 1024 * 1024;
/// Grace beyond a stage's own time limit before the container is presumed stuck and destroyed.
const STAGE_GRACE: Duration = Duration::from_secs(5);
/// Longest the agent may take to write a job's files before the container is presumed stuck,
/// when no stage follows to bound it.
const PREPARE_DEADLINE: Duration = Duration::from_secs(10);

/// What the agent tells us, one JSON line at a time.
#[derive(Debug, Deserialize)]
#[serde(tag = "ev", rename_all = "lowercase")]
enum AgentEvent {
    Hello,
    Prepared,
    Failed { message: String },
    Data { s: String, d: String },
    Exit(ExitEvent),
    Clean,
    Dirty { message: String },
}

#[derive(Debug, Deserialize)]
struct ExitEvent {
    code: Option<i32>,
    signal: Option<String>,
    status: Option<String>,
    message: Option<String>,
    cpu_time: u64,
    wall_time: u64,
    memory: u64,
}

/// One run of a job's program (after its compile stage, if any).
#[derive(Debug, Clone)]
pub struct RunSpec {
    pub stdin: Vec<u8>,
    pub limits: StageLimits,
    /// Bytes the program may write to its result channel (fd 3); 0: no channel.
    pub results_cap: u64,
}

/// One stage's outcome, and what the program wrote to its result channel (nothing when
/// compiling).
#[derive(Debug, Clone, Default)]
pub struct RunOutput {
    pub stage: StageResult,
    pub results: Vec<u8>,
}

/// A program compiled once and run once per [`RunSpec`].
#[derive(Debug, Clone, Default)]
pub struct ProgramOutput {
    pub compile: Option<StageResult>,
    /// One per run asked for; empty when the compile stage failed.
    pub runs: Vec<RunOutput>,
}

/// Streamed to interactive clients while a job runs.
#[derive(Debug, Clone)]
pub enum StreamEvent {
    Stage(&'static str),
    Data { stream: &'static str, text: String },
    Exit { stage: &'static str, code: Option<i32>, signal: Option<String> },
}

/// From interactive clients to the running stage.
#[derive(Debug, Clone)]
pub enum Control {
    Stdin(Vec<u8>),
    Signal(i32),
}

/// The optional interactive side of a job.
#[derive(Default)]
pub struct JobIo {
    pub events: Option<mpsc::UnboundedSender<StreamEvent>>,
    pub control: Option<mpsc::UnboundedReceiver<Control>>,
    /// Keep the run stage's stdin open for `Control::Stdin` (WebSocket jobs).
    pub interactive: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// This engine cannot run the job (its image is missing).
    #[error("{0}")]
    Unavailable(String),
    /// The engine stopped answering. `started`: the job had handed a stage to the agent, so the
    /// user's program may have run (and had its effects, streamed its output) already.
    #[error("{message}")]
    Lost { started: bool, message: String },
    #[error("{0}")]
    Failed(String),
}

/// One warm container and the agent inside it.
struct Sandbox {
    id: String,
    input: Pin<Box<dyn AsyncWrite + Send>>,
    events: mpsc::UnboundedReceiver<AgentEvent>,
    /// The task reading the agent's output: stopped with the container, since on an engine that
    /// vanished without closing the connection its stream would never end.
    reader: tokio::task::AbortHandle,
    memory_limit: u64,
    /// The current job has handed a stage to the agent.
    started: bool,
    /// The agent has not yet said it wrote the job's files: it says so before the first
    /// stage's events, which are sent without waiting for it.
    preparing: bool,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl Sandbox {
    async fn send(&mut self, message: serde_json::Value) -> Result<(), EngineError> {
        self.send_with_payload(message, &[]).await
    }

    /// A command line, then `payload` as it is (the command says its size): megabytes of a
    /// stage's stdin neither grow by base64 nor pass through a JSON parser on either side.
    async fn send_with_payload(&mut self, message: serde_json::Value, payload: &[u8]) -> Result<(), EngineError> {
        let mut line = serde_json::to_vec(&message).map_err(|err| EngineError::Failed(err.to_string()))?;
        line.push(b'\n');
        let unreachable = |err: std::io::Error| EngineError::Failed(format!("sandbox agent unreachable: {err}"));
        self.input.write_all(&line).await.map_err(unreachable)?;
        self.input.write_all(payload).await.map_err(unreachable)?;
        self.input.flush().await.map_err(unreachable)
    }

    async fn next(&mut self) -> Result<AgentEvent, EngineError> {
        self.events.recv().await.ok_or_else(|| EngineError::Failed("sandbox agent exited".into()))
    }

    /// Reads the agent's answer to the job's files.
    fn prepared(&mut self, answer: AgentEvent) -> Result<(), EngineError> {
        self.preparing = false;
        match answer {
            AgentEvent::Prepared => Ok(()),
            AgentEvent::Failed { message } => Err(EngineError::Failed(format!("cannot write the files: {message}"))),
            other => Err(EngineError::Failed(format!("unexpected agent event {other:?}"))),
        }
    }
}

/// The containers of one image: `idle` ones are ready, `busy` ones run a job or are being
/// cleaned, `creating` ones are starting. Their sum is kept at `warm_containers`.
#[derive(Default)]
struct Pool {
    idle: Vec<Sandbox>,
    busy: usize,
    creating: usize,
}

impl Pool {
    fn total(&self) -> usize {
        self.idle.len() + self.busy + self.creating
    }
}

pub struct Engine {
    docker: Docker,
    config: Arc<SandboxConfig>,
    owner: String,
    pools: Mutex<HashMap<String, Pool>>,
    /// Containers kept started per image when idle (images not listed: `warm_containers`).
    warm_targets: HashMap<String, usize>,
    /// Signalled whenever a container becomes idle.
    returned: tokio::sync::Notify,
}

/// Numbers the containers this process creates. One count for the whole process, not one per
/// engine: several engines (more than one application in one process, as in-process tests
/// run them) must never pick the same container name.
static NEXT_CONTAINER: AtomicU64 = AtomicU64::new(0);

impl Engine {
    pub fn new(docker: Docker, config: Arc<SandboxConfig>, warm_targets: HashMap<String, usize>) -> Arc<Self> {
        Arc::new(Self {
            docker,
            config,
            owner: owner_id(),
            pools: Mutex::new(HashMap::new()),
            warm_targets,
            returned: tokio::sync::Notify::new(),
        })
    }

    /// Whether the engine answers a ping within a few seconds.
    async fn answers(&self) -> bool {
        matches!(tokio::time::timeout(Duration::from_secs(3), self.docker.ping()).await, Ok(Ok(_)))
    }

    fn pools(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pool>> {
        self.pools.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Idle warm containers per image, for readiness.
    pub fn warm_counts(&self) -> HashMap<String, usize> {
        self.pools().iter().map(|(image, pool)| (image.clone(), pool.idle.len())).collect()
    }

    /// Removes sandbox containers left behind by a coderoom process that no longer exists on
    /// this host (a crash; normally containers remove themselves when their owner goes away).
    pub async fn sweep_orphans(&self) -> anyhow::Result<usize> {
        let filters = HashMap::from([("label".to_string(), vec![LABEL.to_string()])]);
        let options = ListContainersOptions { all: true, filters: Some(filters), ..Default::default() };
        let host = host_name();
        let mut removed = 0;
        for container in self.docker.list_containers(Some(options)).await? {
            let labels = container.labels.unwrap_or_default();
            let Some((owner_host, pid)) = labels.get(OWNER_LABEL).and_then(|owner| owner.rsplit_once(':')) else {
                continue;
            };
            let alive = pid.parse::<u32>().is_ok_and(|pid| pid == std::process::id() || process_alive(pid));
            if owner_host == host
                && !alive
                && let Some(id) = container.id
            {
                let force = RemoveContainerOptions { force: true, ..Default::default() };
                if self.docker.remove_container(&id, Some(force)).await.is_ok() {
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    /// Starts containers until `image` has its configured number of warm ones.
    pub fn ensure_warm(self: &Arc<Self>, image: &str) {
        let target = self.warm_targets.get(image).copied().unwrap_or(self.config.warm_containers);
        let missing = {
            let mut pools = self.pools();
            let pool = pools.entry(image.to_string()).or_default();
            let missing = target.saturating_sub(pool.total());
            pool.creating += missing;
            missing
        };
        for _ in 0..missing {
            let engine = self.clone();
            let image = image.to_string();
            tokio::spawn(async move {
                let created = engine.create(&image).await;
                let mut pools = engine.pools();
                let pool = pools.entry(image.clone()).or_default();
                pool.creating -= 1;
                match created {
                    Ok(sandbox) => {
                        pool.idle.push(sandbox);
                        drop(pools);
                        engine.returned.notify_waiters();
                    }
                    Err(err) => tracing::warn!(%image, error = %err, "cannot start a warm sandbox container"),
                }
            });
        }
    }

    async fn create(&self, image: &str) -> Result<Sandbox, EngineError> {
        let config = &self.config;
        let uid = config.job_uid.to_string();
        let name =
            format!("coderoom-sandbox-{}-{}", std::process::id(), NEXT_CONTAINER.fetch_add(1, Ordering::Relaxed));
        let memory = config.run_memory_limit + AGENT_OVERHEAD;
        let tmpfs = HashMap::from([
            (
                "/work".to_string(),
                format!("rw,exec,nosuid,nodev,size={}m,uid={uid},gid={uid},mode=0700", config.workspace_mb),
            ),
            ("/tmp".to_string(), format!("rw,exec,nosuid,nodev,size={}m,mode=1777", config.workspace_mb)),
        ]);
        let body = ContainerCreateBody {
            image: Some(image.to_string()),
            cmd: Some(vec![
                "python3".into(),
                "-I".into(),
                "-S".into(),
                "-c".into(),
                AGENT.into(),
                uid.clone(),
                uid.clone(),
                (config.file_size_mb * 1024 * 1024).to_string(),
            ]),
            user: Some("0:0".into()),
            env: Some(vec!["PATH=/usr/local/bin:/usr/bin:/bin".into(), "LANG=C.UTF-8".into()]),
            working_dir: Some("/work".into()),
            hostname: Some("sandbox".into()),
            open_stdin: Some(true),
            stdin_once: Some(true),
            attach_stdin: Some(true),
            attach_stdout: Some(true),
            attach_stderr: Some(true),
            tty: Some(false),
            network_disabled: Some(true),
            labels: Some(HashMap::from([
                (LABEL.to_string(), "1".to_string()),
                (OWNER_LABEL.to_string(), self.owner.clone()),
            ])),
            host_config: Some(HostConfig {
                network_mode: Some("none".into()),
                readonly_rootfs: Some(true),
                cap_drop: Some(vec!["ALL".into()]),
                // Only what the agent needs to become the job user and to kill what it leaves.
                cap_add: Some(vec!["SETUID".into(), "SETGID".into(), "KILL".into()]),
                security_opt: Some(vec!["no-new-privileges".into()]),
                pids_limit: Some(config.pids_limit as i64),
                memory: Some(memory as i64),
                memory_swap: Some(memory as i64),
                nano_cpus: Some((config.cpus * 1e9) as i64),
                tmpfs: Some(tmpfs),
                shm_size: Some(8 * 1024 * 1024),
                auto_remove: Some(true),
                ipc_mode: Some("private".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let docker = &self.docker;
        let options = CreateContainerOptions { name: Some(name.clone()), ..Default::default() };
        let created = docker.create_container(Some(options), body).await.map_err(|err| docker_error(image, err))?;
        let id = created.id;
        let attach =
            AttachContainerOptions { stdin: true, stdout: true, stderr: true, stream: true, ..Default::default() };
        let attached = match docker.attach_container(&id, Some(attach)).await {
            Ok(attached) => attached,
            Err(err) => {
                self.remove(&id).await;
                return Err(docker_error(image, err));
            }
        };
        if let Err(err) = docker.start_container(&id, None::<StartContainerOptions>).await {
            self.remove(&id).await;
            return Err(docker_error(image, err));
        }
        let (sender, events) = mpsc::unbounded_channel();
        let reader = tokio::spawn(read_agent(id.clone(), attached.output, sender)).abort_handle();
        let mut sandbox = Sandbox {
            id,
            input: attached.input,
            events,
            reader,
            memory_limit: memory,
            started: false,
            preparing: false,
        };
        match tokio::time::timeout(Duration::from_secs(30), sandbox.next()).await {
            Ok(Ok(AgentEvent::Hello)) => Ok(sandbox),
            other => {
                self.remove(&sandbox.id).await;
                Err(EngineError::Failed(format!("sandbox agent did not start in {image}: {other:?}")))
            }
        }
    }

    async fn remove(&self, id: &str) {
        let force = RemoveContainerOptions { force: true, ..Default::default() };
        if let Err(err) = self.docker.remove_container(id, Some(force)).await {
            tracing::debug!(container = %id, error = %err, "cannot remove sandbox container");
        }
    }

    async fn checkout(self: &Arc<Self>, image: &str) -> Result<Sandbox, EngineError> {
        let target = self.config.warm_containers;
        let mut waited = false;
        loop {
            // Registered before looking, so that a container returned meanwhile wakes us.
            let returned = self.returned.notified();
            tokio::pin!(returned);
            returned.as_mut().enable();
            let grow = {
                let mut pools = self.pools();
                let pool = pools.entry(image.to_string()).or_default();
                if let Some(sandbox) = pool.idle.pop() {
                    pool.busy += 1;
                    return Ok(sandbox);
                }
                // Start another container only when the pool is below its size (or a returning
                // one is overdue): a container being cleaned is usually back within milliseconds,
                // far sooner than a new one starts.
                let grow = pool.total() < target || waited;
                if grow {
                    pool.busy += 1;
                }
                grow
            };
            if grow {
                return match self.create(image).await {
                    Ok(sandbox) => Ok(sandbox),
                    Err(err) => {
                        self.pools().entry(image.to_string()).or_default().busy -= 1;
                        Err(err)
                    }
                };
            }
            waited = tokio::time::timeout(Duration::from_secs(2), returned).await.is_err();
        }
    }

    /// Hands the container back once the agent has verified a clean slate; otherwise destroys it.
    fn checkin(self: &Arc<Self>, image: String, mut sandbox: Sandbox) {
        let engine = self.clone();
        tokio::spawn(async move {
            let verdict = async {
                sandbox.send(json!({"op": "cleanup"})).await?;
                loop {
                    match sandbox.next().await? {
                        AgentEvent::Clean => return Ok(()),
                        AgentEvent::Dirty { message } => return Err(EngineError::Failed(message)),
                        // Late output of the previous job: ignore.
                        _ => continue,
                    }
                }
            };
            let verdict = tokio::time::timeout(Duration::from_secs(10), verdict).await;
            {
                let mut pools = engine.pools();
                let pool = pools.entry(image.clone()).or_default();
                pool.busy -= 1;
                if matches!(verdict, Ok(Ok(()))) && pool.total() < engine.config.warm_containers {
                    sandbox.started = false;
                    pool.idle.push(sandbox);
                    drop(pools);
                    engine.returned.notify_waiters();
                    return;
                }
            }
            match verdict {
                Ok(Ok(())) => {}
                Ok(Err(err)) => {
                    tracing::warn!(container = %sandbox.id, error = %err, "sandbox not clean after a job: replacing it")
                }
                Err(_) => tracing::warn!(container = %sandbox.id, "sandbox cleanup timed out: replacing it"),
            }
            engine.remove(&sandbox.id).await;
            engine.ensure_warm(&image);
        });
    }

    fn discard(self: &Arc<Self>, image: String, sandbox: Sandbox) {
        self.pools().entry(image.clone()).or_default().busy -= 1;
        let engine = self.clone();
        tokio::spawn(async move {
            engine.remove(&sandbox.id).await;
            engine.ensure_warm(&image);
        });
    }

    /// Compiles a job's program once and runs it once per entry of `runs`, in order, in one
    /// container. Each run starts after everything the previous one started has been killed.
    /// A sandbox failure marks the stages it cut short as `XX`; only an engine that cannot run
    /// anything at all, or that stopped answering, is an error.
    pub async fn run_program(
        self: &Arc<Self>,
        job: &Job,
        runs: &[RunSpec],
        io: &mut JobIo,
    ) -> Result<ProgramOutput, EngineError> {
        let image = job.runtime.image.clone();
        let mut sandbox = match self.checkout(&image).await {
            Ok(sandbox) => sandbox,
            Err(err @ EngineError::Failed(_)) if !self.answers().await => {
                return Err(EngineError::Lost { started: false, message: err.to_string() });
            }
            Err(err) => return Err(err),
        };
        let mut output = ProgramOutput::default();
        match self.drive(&mut sandbox, job, runs, io, &mut output).await {
            Ok(()) => self.checkin(image, sandbox),
            Err(err) => {
                tracing::warn!(container = %sandbox.id, error = %err, "sandbox job failed: discarding the container");
                let started = sandbox.started;
                self.discard(image, sandbox);
                // A broken container is this job's problem; a broken engine is everybody's.
                if !self.answers().await {
                    return Err(EngineError::Lost { started, message: err.to_string() });
                }
                let failed = StageResult::internal(err.to_string());
                if job.runtime.compile.is_some() {
                    output.compile = Some(failed.clone());
                }
                output.runs = runs.iter().map(|_| RunOutput { stage: failed.clone(), results: Vec::new() }).collect();
            }
        }
        Ok(output)
    }

    async fn drive(
        &self,
        sandbox: &mut Sandbox,
        job: &Job,
        runs: &[RunSpec],
        io: &mut JobIo,
        output: &mut ProgramOutput,
    ) -> Result<(), EngineError> {
        let b64 = base64::engine::general_purpose::STANDARD;
        let files: Vec<_> =
            job.files.iter().map(|(path, bytes)| json!({"path": path, "b64": b64.encode(bytes)})).collect();
        // Not waited for: the first stage goes out at once, a round trip sooner. The agent takes
        // commands in order, so its answer comes first (read with that stage's events), and it
        // runs no stage of a job whose files it could not write.
        sandbox.send(json!({"op": "prepare", "files": files})).await?;
        sandbox.preparing = true;
        let runtime = &job.runtime;
        if let Some(script) = &runtime.compile {
            let plan = StagePlan {
                name: "compile",
                argv: stage_argv(script, &job.main, &[]),
                env: &runtime.env,
                limits: job.compile,
                stdin: Vec::new(),
                keep_stdin: false,
                results_cap: 0,
            };
            let RunOutput { stage: result, .. } = self.stage(sandbox, io, plan).await?;
            let compiled = result.succeeded();
            output.compile = Some(result);
            if !compiled {
                return Ok(());
            }
        }
        for (index, run) in runs.iter().enumerate() {
            let plan = StagePlan {
                name: "run",
                argv: stage_argv(&runtime.run, &job.main, &job.args),
                env: &runtime.env,
                limits: run.limits,
                stdin: run.stdin.clone(),
                // Interactive input goes to the first run only.
                keep_stdin: io.interactive && index == 0,
                results_cap: run.results_cap,
            };
            output.runs.push(self.stage(sandbox, io, plan).await?);
        }
        if sandbox.preparing {
            let answer = tokio::time::timeout(PREPARE_DEADLINE, sandbox.next())
                .await
                .map_err(|_| EngineError::Failed("the sandbox agent did not take the files in time".into()))??;
            sandbox.prepared(answer)?;
        }
        Ok(())
    }

    /// One stage, bounded as a whole by its time limit plus a grace: an agent that stops
    /// answering (or a Docker call that hangs) fails the job, and the container is replaced.
    async fn stage(
        &self,
        sandbox: &mut Sandbox,
        io: &mut JobIo,
        plan: StagePlan<'_>,
    ) -> Result<RunOutput, EngineError> {
        let deadline = tokio::time::Instant::now() + Duration::from_millis(plan.limits.timeout_ms) + STAGE_GRACE;
        let name = plan.name;
        tokio::time::timeout_at(deadline, self.stage_until_exit(sandbox, io, plan))
            .await
            .map_err(|_| EngineError::Failed(format!("the {name} stage did not end")))?
    }

    async fn stage_until_exit(
        &self,
        sandbox: &mut Sandbox,
        io: &mut JobIo,
        plan: StagePlan<'_>,
    ) -> Result<RunOutput, EngineError> {
        let StagePlan { name: stage, argv, env, limits, stdin, keep_stdin, results_cap } = plan;
        let wanted_memory = limits.memory_bytes + AGENT_OVERHEAD;
        if sandbox.memory_limit != wanted_memory {
            let update = ContainerUpdateBody {
                memory: Some(wanted_memory as i64),
                memory_swap: Some(wanted_memory as i64),
                ..Default::default()
            };
            self.docker
                .update_container(&sandbox.id, update)
                .await
                .map_err(|err| EngineError::Failed(format!("cannot set the memory limit: {err}")))?;
            sandbox.memory_limit = wanted_memory;
        }
        let b64 = base64::engine::general_purpose::STANDARD;
        sandbox.started = true;
        sandbox
            .send_with_payload(
                json!({
                    "op": "stage",
                    "stage": stage,
                    "argv": argv,
                    "env": env,
                    "timeout_ms": limits.timeout_ms,
                    "cpu_ms": limits.cpu_ms,
                    "output_cap": limits.output_cap,
                    "results_cap": results_cap,
                    "stdin_size": stdin.len(),
                    "keep_stdin": keep_stdin,
                }),
                &stdin,
            )
            .await?;
        if let Some(events) = &io.events {
            let _ = events.send(StreamEvent::Stage(stage));
        }
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let mut output = Vec::new();
        let mut results = Vec::new();
        let mut decoders = (Utf8Stream::default(), Utf8Stream::default());
        loop {
            let control = async {
                match io.control.as_mut() {
                    Some(control) => control.recv().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                event = sandbox.next() => match event? {
                    answer if sandbox.preparing => sandbox.prepared(answer)?,
                    AgentEvent::Data { s, d } => {
                        let bytes = b64.decode(d.as_bytes()).map_err(|err| EngineError::Failed(err.to_string()))?;
                        let (stream, buffer, decoder) = match s.as_str() {
                            // The judge's records: neither program output nor streamed.
                            "results" => {
                                results.extend_from_slice(&bytes);
                                continue;
                            }
                            "stderr" => ("stderr", &mut stderr, &mut decoders.1),
                            _ => ("stdout", &mut stdout, &mut decoders.0),
                        };
                        buffer.extend_from_slice(&bytes);
                        output.extend_from_slice(&bytes);
                        if let Some(events) = &io.events {
                            let text = decoder.push(&bytes);
                            if !text.is_empty() {
                                let _ = events.send(StreamEvent::Data { stream, text });
                            }
                        }
                    }
                    AgentEvent::Exit(exit) => {
                        if let Some(events) = &io.events {
                            let _ = events.send(StreamEvent::Exit { stage, code: exit.code, signal: exit.signal.clone() });
                        }
                        let result = StageResult {
                            stdout: String::from_utf8_lossy(&stdout).into_owned(),
                            stderr: String::from_utf8_lossy(&stderr).into_owned(),
                            output: String::from_utf8_lossy(&output).into_owned(),
                            code: exit.code,
                            signal: exit.signal,
                            message: exit.message,
                            status: exit.status,
                            cpu_time: exit.cpu_time,
                            wall_time: exit.wall_time,
                            memory: exit.memory,
                        };
                        return Ok(RunOutput { stage: result, results });
                    }
                    AgentEvent::Failed { message } => return Err(EngineError::Failed(message)),
                    other => return Err(EngineError::Failed(format!("unexpected agent event {other:?}"))),
                },
                Some(command) = control => {
                    let message = match command {
                        Control::Stdin(bytes) => json!({"op": "stdin", "b64": b64.encode(bytes)}),
                        Control::Signal(signal) => json!({"op": "signal", "signal": signal}),
                    };
                    sandbox.send(message).await?;
                }
            }
        }
    }
}

/// What one stage runs.
struct StagePlan<'a> {
    name: &'static str,
    argv: Vec<String>,
    env: &'a HashMap<String, String>,
    limits: StageLimits,
    stdin: Vec<u8>,
    keep_stdin: bool,
    results_cap: u64,
}

/// How a stage runs its runtime's script: `/bin/sh -c SCRIPT MAIN ARGS...` (the script sees the
/// main file as "$0" and the arguments as "$@"), or, when the script is one `exec` of fixed
/// words and those two (`exec python3 "$0" "$@"`), the command line the shell would exec: the
/// same program, arguments and environment (the agent sets PWD as the shell would), without
/// starting a shell first — a millisecond of every interpreted run.
fn stage_argv(script: &str, main: &str, args: &[String]) -> Vec<String> {
    exec_line(script, main, args).unwrap_or_else(|| {
        let mut argv = vec!["/bin/sh".to_string(), "-c".to_string(), script.to_string(), main.to_string()];
        argv.extend(args.iter().cloned());
        argv
    })
}

fn exec_line(script: &str, main: &str, args: &[String]) -> Option<Vec<String>> {
    let script = script.trim();
    if script.contains('\n') {
        return None;
    }
    let mut words = script.split_ascii_whitespace();
    if words.next() != Some("exec") {
        return None;
    }
    let words: Vec<&str> = words.collect();
    let (program, rest) = words.split_first()?;
    // Nothing the shell would expand, split or redirect (`=` only makes an assignment before
    // the command's name), nor an option of `exec`.
    let plain = |word: &str| word.bytes().all(|b| b.is_ascii_alphanumeric() || b"_./,:+@%=-".contains(&b));
    if !plain(program) || program.starts_with('-') || program.contains('=') {
        return None;
    }
    let mut argv = vec![program.to_string()];
    for (index, word) in rest.iter().enumerate() {
        match *word {
            "\"$0\"" => argv.push(main.to_string()),
            "\"$@\"" if index + 1 == rest.len() => argv.extend(args.iter().cloned()),
            word if plain(word) => argv.push(word.to_string()),
            _ => return None,
        }
    }
    Some(argv)
}

/// Turns the container's attached output into agent events; the agent's own stderr is logged.
async fn read_agent(
    id: String,
    mut output: Pin<Box<dyn futures::Stream<Item = Result<LogOutput, bollard::errors::Error>> + Send>>,
    sender: mpsc::UnboundedSender<AgentEvent>,
) {
    let mut pending: Vec<u8> = Vec::new();
    while let Some(frame) = output.next().await {
        match frame {
            Ok(LogOutput::StdOut { message }) => {
                pending.extend_from_slice(&message);
                while let Some(end) = pending.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = pending.drain(..=end).collect();
                    match serde_json::from_slice::<AgentEvent>(&line) {
                        Ok(event) => {
                            if sender.send(event).is_err() {
                                return;
                            }
                        }
                        Err(err) => tracing::warn!(container = %id, error = %err, "unreadable sandbox agent message"),
                    }
                }
            }
            Ok(LogOutput::StdErr { message }) => {
                tracing::warn!(container = %id, agent = %String::from_utf8_lossy(&message).trim_end(), "sandbox agent stderr")
            }
            Ok(_) => {}
            Err(err) => {
                tracing::debug!(container = %id, error = %err, "sandbox attach stream ended");
                return;
            }
        }
    }
}

/// Decodes a byte stream to text without splitting multi-byte characters across chunks.
#[derive(Default)]
struct Utf8Stream {
    pending: Vec<u8>,
}

impl Utf8Stream {
    fn push(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            // An incomplete character at the end waits for the next chunk; invalid bytes are
            // replaced right away.
            Err(err) if err.error_len().is_none() => err.valid_up_to(),
            Err(_) => self.pending.len(),
        };
        let ready: Vec<u8> = self.pending.drain(..valid).collect();
        String::from_utf8_lossy(&ready).into_owned()
    }
}

fn docker_error(image: &str, err: bollard::errors::Error) -> EngineError {
    use bollard::errors::Error;
    match &err {
        Error::DockerResponseServerError { status_code: 404, message } if message.contains("image") => {
            EngineError::Unavailable(format!(
                "runtime image {image} is not installed (build it with `coderoom runtimes build`)"
            ))
        }
        Error::DockerResponseServerError { .. } => {
            EngineError::Failed(format!("Docker refused to run the sandbox: {err}"))
        }
        _ => EngineError::Lost { started: false, message: format!("Docker engine not reachable: {err}") },
    }
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

fn owner_id() -> String {
    format!("{}:{}", host_name(), std::process::id())
}

fn process_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::{Utf8Stream, stage_argv};

    #[test]
    fn plain_exec_scripts_skip_the_shell() {
        let args = ["a b".to_string(), "$HOME".to_string()];
        assert_eq!(stage_argv("exec python3 \"$0\" \"$@\"", "main.py", &args), ["python3", "main.py", "a b", "$HOME"]);
        assert_eq!(stage_argv(" exec ./.a.out \"$@\"\n", "main.c", &[]), ["./.a.out"]);
        assert_eq!(
            stage_argv("exec rustc -O -C codegen-units=1 -o .a.out \"$0\"", "main.rs", &args),
            ["rustc", "-O", "-C", "codegen-units=1", "-o", ".a.out", "main.rs"]
        );
        let shell = |script: &str| {
            let mut argv = vec!["/bin/sh".to_string(), "-c".to_string(), script.to_string(), "m".to_string()];
            argv.extend(args.iter().cloned());
            argv
        };
        for script in [
            "exec java -cp .classes \"$(cat .main-class)\" \"$@\"",
            "exec gcc -o .a.out \"$0\" $(find . -name '*.c')",
            "main=\"${0%.ts}\"\nexec node \".out/$main.js\" \"$@\"",
            "exec node \"$@\" \"$0\"",
            "exec -a name python3 \"$0\"",
            "exec python3 $0",
            "exec ~/bin/run \"$0\"",
            "exec A=1 run \"$0\"",
            "python3 \"$0\"",
            "exec",
        ] {
            assert_eq!(stage_argv(script, "m", &args), shell(script), "{script}");
        }
    }

    #[test]
    fn utf8_chunks() {
        let mut stream = Utf8Stream::default();
        let bytes = "héllo".as_bytes();
        assert_eq!(stream.push(&bytes[..2]), "h");
        assert_eq!(stream.push(&bytes[2..]), "éllo");
    }
}
