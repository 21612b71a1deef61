//! Runs untrusted code in coderoom's own Docker containers and serves the Piston v2 API.
//!
//! - `runtimes`: the registry of languages (config/runtimes/) and Piston's version ranges.
//! - `bundles`: toolchains carried inside the binary (TypeScript), unpacked into images.
//! - `request`: Piston request validation and the result shapes.
//! - `engine`: warm containers driven through bollard, each with the agent (`agent.py`) as PID 1.
//! - `hosts`: the Docker engines (`docker_hosts`), their health, and which one takes a job.
//! - `sched`: bounded, per-user fair admission (429 + Retry-After when full).
//! - `api`: `/api/v2/runtimes`, `/api/v2/execute`, `/api/v2/connect`, `/api/v2/packages`.
//! - `cli` and `images`: `coderoom runtimes build|list|check|test`.

mod api;
mod bundles;
pub mod cli;
mod engine;
mod hosts;
mod images;
pub mod request;
pub mod runtimes;
mod sched;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use api::{route_aliases, routes};
// The entry points: `Sandbox::execute` for one request, `Sandbox::run` with `JobIo` for
// streamed output and interactive input, `Sandbox::run_program` for the judge's runs.
pub use engine::{JobIo, ProgramOutput, RunOutput, RunSpec};
pub use request::{ExecuteRequest, ExecuteResult, Job, LimitInput, RequestFile, StageLimits, StageResult};
pub use runtimes::{Registry, Runtime};

use crate::error::AppError;
use crate::health::Condition;
use crate::settings::Problem;
use engine::{Engine, EngineError};
pub use hosts::DockerHost;
use hosts::{Candidate, Host};
use sched::{Rejection, Scheduler};

/// The `[sandbox]` section of coderoom.toml. Time limits are in milliseconds and memory limits in
/// bytes, like Piston's request fields; each is the most a request may ask for (requests can
/// only lower them).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SandboxConfig {
    /// Off: the Piston API answers 503 and no Docker engine is contacted.
    pub enabled: bool,
    /// The one Docker endpoint (`unix:///var/run/docker.sock`, `tcp://host:2376`, ...). Empty:
    /// the `DOCKER_HOST` environment variable (with `DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH`), else
    /// the local socket.
    pub docker_host: Option<String>,
    /// Several Docker engines, each with its capacity; replaces `docker_host`.
    pub docker_hosts: Vec<DockerHost>,
    /// Replacement for the built-in runtime registry.
    pub runtimes_file: Option<PathBuf>,
    /// Jobs running at once on the one engine of `docker_host` (with `docker_hosts`, the sum of
    /// the capacities of the engines that answer).
    pub max_concurrent_jobs: usize,
    /// Jobs waiting for a slot, in each lane (the judge's, the Piston API's); beyond this
    /// requests get 429 with Retry-After.
    pub max_queued_jobs: usize,
    /// Waiting jobs one user (or client address) may have, so that nobody fills the queue.
    pub max_queued_per_user: usize,
    /// Longest wait for a slot before answering 503 with Retry-After, in seconds.
    pub max_queue_wait_secs: u64,
    /// Slots Piston API jobs never take, so the judge's run/submit need not wait behind them
    /// (the API always keeps at least one).
    pub judge_reserved_jobs: usize,
    /// Who may use the Piston API: `users` (signed in, or an API key), `open` (anyone), `off`.
    pub api_access: crate::apikeys::ApiAccess,
    /// Piston API executions (HTTP and WebSocket) per caller and minute; 0 = unlimited.
    pub api_requests_per_minute: u32,
    /// Executions a caller may start in a burst before the per-minute rate applies.
    pub api_burst: u32,
    /// Largest total size of a Piston request's `files` (sum of the contents), in KiB.
    pub api_max_files_kb: usize,
    /// Idle containers kept started for each default runtime image (the judged languages'),
    /// and the most kept per image after a burst.
    pub warm_containers: usize,
    /// Idle containers kept started for each other installed image (`runtimes build --only/--all`).
    pub warm_containers_optional: usize,
    pub compile_timeout: u64,
    pub run_timeout: u64,
    pub compile_cpu_time: u64,
    pub run_cpu_time: u64,
    pub compile_memory_limit: u64,
    pub run_memory_limit: u64,
    /// Per stream (stdout, stderr) and stage; what was captured up to the cap is returned.
    pub output_limit_kb: u64,
    /// Size of the writable workspace (/work) and of /tmp, each.
    pub workspace_mb: u64,
    /// Largest file a job may write.
    pub file_size_mb: u64,
    /// Processes and threads in one sandbox.
    pub pids_limit: u64,
    /// CPU share of one sandbox (1.0 = one core).
    pub cpus: f64,
    /// The unprivileged user jobs run as inside the container.
    pub job_uid: u32,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        Self {
            enabled: true,
            docker_host: None,
            docker_hosts: Vec::new(),
            runtimes_file: None,
            max_concurrent_jobs: cores * 2,
            max_queued_jobs: 64,
            max_queued_per_user: 16,
            max_queue_wait_secs: 30,
            judge_reserved_jobs: 1,
            api_access: crate::apikeys::ApiAccess::Users,
            api_requests_per_minute: 120,
            api_burst: 30,
            api_max_files_kb: 128,
            warm_containers: cores * 2 + 1,
            // Started on first use instead: every idle container holds memory, and the other
            // images serve far fewer jobs than the judged languages.
            warm_containers_optional: 0,
            // Compiling is bounded by CPU time; wall time only catches a stuck compiler, and
            // on a busy machine a compile may wait for a core much longer than it computes.
            compile_timeout: 30_000,
            run_timeout: 3_000,
            compile_cpu_time: 10_000,
            run_cpu_time: 3_000,
            compile_memory_limit: 512 * 1024 * 1024,
            run_memory_limit: 256 * 1024 * 1024,
            output_limit_kb: 64,
            workspace_mb: 64,
            file_size_mb: 16,
            pids_limit: 256,
            cpus: 1.0,
            job_uid: 60_000,
        }
    }
}

impl SandboxConfig {
    pub fn validate(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut check = |ok: bool, field: &str, message: &str| {
            if !ok {
                problems.push(Problem::new(format!("sandbox.{field}"), message));
            }
        };
        check(self.max_concurrent_jobs >= 1, "max_concurrent_jobs", "must be at least 1");
        check(self.compile_timeout >= 1 && self.run_timeout >= 1, "run_timeout", "time limits must be at least 1 ms");
        check(self.compile_cpu_time >= 1 && self.run_cpu_time >= 1, "run_cpu_time", "CPU limits must be at least 1 ms");
        check(
            self.compile_memory_limit >= 16 << 20 && self.run_memory_limit >= 16 << 20,
            "run_memory_limit",
            "memory limits must be at least 16 MiB (in bytes)",
        );
        check(self.output_limit_kb >= 1, "output_limit_kb", "must be at least 1");
        check(self.api_burst >= 1, "api_burst", "must be at least 1");
        check(self.api_max_files_kb >= 1, "api_max_files_kb", "must be at least 1");
        check(self.workspace_mb >= 1, "workspace_mb", "must be at least 1");
        check(self.pids_limit >= 8, "pids_limit", "must be at least 8");
        check(self.cpus > 0.0, "cpus", "must be positive");
        check(self.job_uid > 0, "job_uid", "must not be root");
        if let Err(err) = Registry::load(self.runtimes_file.as_deref()) {
            check(false, "runtimes_file", &format!("{err:#}"));
        }
        problems.extend(self.validate_hosts());
        problems
    }
}

/// What the sandbox is doing at one moment (for metrics and readiness).
pub struct Load {
    pub running: usize,
    pub queued: usize,
    /// Idle warm containers by image, over all engines.
    pub warm: HashMap<String, usize>,
    pub engines: Vec<EngineLoad>,
}

/// The sandbox as `/readyz` reports it: ready while one engine answers and the default images
/// are on the engines that do; degraded, never an error, otherwise, since the rest of coderoom
/// works without code execution.
#[derive(Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct SandboxReadiness {
    pub status: Condition,
    pub message: Option<String>,
    /// Installed runtimes, as `language-version`.
    pub runtimes: Vec<String>,
    pub running: usize,
    pub queued: usize,
    /// Idle warm containers by image.
    pub warm: HashMap<String, usize>,
    pub engines: Vec<EngineReport>,
}

/// One Docker engine in [`SandboxReadiness`].
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EngineReport {
    pub name: String,
    pub healthy: bool,
    /// Why the engine cannot be reached, if it cannot.
    pub message: Option<String>,
    pub running: usize,
    pub capacity: usize,
    /// Default images this engine lacks.
    pub missing: Vec<String>,
}

/// One Docker engine's share of [`Load`].
pub struct EngineLoad {
    pub name: String,
    pub healthy: bool,
    pub running: usize,
    pub capacity: usize,
}

/// Why an execution did not run.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// 400 with Piston's message.
    #[error("{0}")]
    Invalid(String),
    /// 503: Docker down, image missing, sandbox disabled.
    #[error("{0}")]
    Unavailable(String),
    /// 429 / 503 with Retry-After.
    #[error("{message}")]
    Busy { message: String, retry_after_secs: u64, queue_full: bool },
}

impl From<SandboxError> for AppError {
    fn from(err: SandboxError) -> Self {
        match err {
            SandboxError::Invalid(message) => AppError::BadRequest(message),
            SandboxError::Unavailable(message) => AppError::Unavailable(message),
            SandboxError::Busy { message, retry_after_secs, .. } => {
                AppError::TooManyRequests { message, retry_after_secs }
            }
        }
    }
}

struct Inner {
    config: Arc<SandboxConfig>,
    registry: Registry,
    hosts: Vec<Host>,
    /// Jobs running on each engine (the order of `hosts`), counted under one lock so that jobs
    /// placed at the same moment see each other.
    placed: Mutex<Vec<usize>>,
    scheduler: Arc<Scheduler>,
}

/// Handle to the code-execution service, shared by the Piston API and the judge.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

/// A job's place on one engine; dropping it frees the place.
struct Placement<'a> {
    inner: &'a Inner,
    index: usize,
    engine: Arc<Engine>,
}

impl Drop for Placement<'_> {
    fn drop(&mut self) {
        self.inner.placed.lock().unwrap_or_else(|poisoned| poisoned.into_inner())[self.index] -= 1;
    }
}

impl Sandbox {
    /// Never fails because Docker is unreachable: the sandbox starts degraded, says so in
    /// `/readyz`, and keeps trying to reach the engines in the background.
    pub async fn new(config: &SandboxConfig) -> anyhow::Result<Self> {
        let registry = Registry::load(config.runtimes_file.as_deref())?;
        let config = Arc::new(config.clone());
        let hosts: Vec<Host> = config.hosts().into_iter().map(Host::new).collect();
        let scheduler = Scheduler::new(
            hosts.iter().map(|host| host.config.capacity).sum(),
            config.max_queued_jobs,
            config.max_queued_per_user,
            config.judge_reserved_jobs,
            Duration::from_secs(config.max_queue_wait_secs),
        );
        let enabled = config.enabled;
        let placed = Mutex::new(vec![0; hosts.len()]);
        let sandbox = Self { inner: Arc::new(Inner { config, registry, hosts, placed, scheduler }) };
        if enabled {
            // Each engine's check is bounded, so an engine that does not answer cannot hold up
            // start-up; the loop below keeps trying.
            sandbox.refresh().await;
            let weak = Arc::downgrade(&sandbox.inner);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(15)).await;
                    let Some(inner) = weak.upgrade() else { return };
                    Sandbox { inner }.refresh().await;
                }
            });
        }
        Ok(sandbox)
    }

    /// Checks every engine at once, then admits as many jobs as the healthy ones take.
    async fn refresh(&self) {
        let inner = &self.inner;
        futures::future::join_all(inner.hosts.iter().map(|host| host.refresh(&inner.config, &inner.registry))).await;
        self.update_capacity();
    }

    /// Re-checks one engine soon (after a job found it gone), so that readiness and the
    /// runtime list reflect the problem.
    fn refresh_later(&self, index: usize) {
        let sandbox = self.clone();
        tokio::spawn(async move {
            let inner = &sandbox.inner;
            inner.hosts[index].refresh(&inner.config, &inner.registry).await;
            sandbox.update_capacity();
        });
    }

    fn update_capacity(&self) {
        let healthy = self.inner.hosts.iter().filter(|host| host.healthy()).map(|host| host.config.capacity).sum();
        self.inner.scheduler.set_capacity(healthy);
    }

    /// Images some healthy engine has.
    fn available_images(&self) -> std::collections::HashSet<String> {
        let statuses = self.inner.hosts.iter().map(Host::status).filter(|status| status.engine.is_some());
        statuses.flat_map(|status| status.images).collect()
    }

    pub fn config(&self) -> &SandboxConfig {
        &self.inner.config
    }

    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// Runtimes whose image some healthy engine has.
    pub fn installed_runtimes(&self) -> Vec<Runtime> {
        let images = self.available_images();
        self.inner.registry.runtimes.iter().filter(|rt| images.contains(&rt.image)).cloned().collect()
    }

    /// Component status for `/readyz`: `{"status": "ok" | "degraded" | "error", ...}`. Ready
    /// while at least one engine answers and the default images are on the engines that do.
    pub async fn readiness(&self) -> SandboxReadiness {
        if !self.inner.config.enabled {
            return SandboxReadiness {
                status: Condition::Degraded,
                message: Some("code execution is disabled ([sandbox] enabled = false)".into()),
                ..SandboxReadiness::default()
            };
        }
        let Load { running, queued, warm, engines } = self.load();
        let registry = &self.inner.registry;
        let default_images: Vec<&str> =
            registry.images.iter().filter(|image| image.default).map(|image| image.name.as_str()).collect();
        let mut missing = Vec::new();
        let mut unreachable = Vec::new();
        let engine_reports: Vec<EngineReport> = self
            .inner
            .hosts
            .iter()
            .zip(&engines)
            .map(|(host, load)| {
                let status = host.status();
                let lacking: Vec<&str> =
                    default_images.iter().copied().filter(|image| !status.images.contains(*image)).collect();
                match &status.message {
                    Some(message) => unreachable.push(message.clone()),
                    None => missing.extend(lacking.iter().map(|image| format!("{image} on {}", host.name()))),
                }
                EngineReport {
                    name: host.name().to_string(),
                    healthy: load.healthy,
                    message: status.message.clone(),
                    running: load.running,
                    capacity: load.capacity,
                    missing: lacking.iter().map(|image| image.to_string()).collect(),
                }
            })
            .collect();
        let healthy = engines.iter().any(|engine| engine.healthy);
        // Degraded, not error: the rest of coderoom works without code execution. Only the
        // default images count: the others are installed when an administrator wants them.
        let status = if healthy && missing.is_empty() { Condition::Ok } else { Condition::Degraded };
        let mut problems = Vec::new();
        if !missing.is_empty() {
            problems.push(format!("runtime images missing: {} (run `coderoom runtimes build`)", missing.join(", ")));
        }
        problems.extend(unreachable);
        SandboxReadiness {
            status,
            message: (!problems.is_empty()).then(|| problems.join("; ")),
            runtimes: self.installed_runtimes().iter().map(|rt| format!("{}-{}", rt.language, rt.version)).collect(),
            running,
            queued,
            warm,
            engines: engine_reports,
        }
    }

    /// Jobs running and waiting, idle containers per image, and each engine's share, at this
    /// moment.
    pub fn load(&self) -> Load {
        let (running, queued) = self.inner.scheduler.load();
        let placed = self.inner.placed.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        let mut warm = HashMap::new();
        let mut engines = Vec::new();
        for (host, running) in self.inner.hosts.iter().zip(placed) {
            let engine = host.status().engine;
            for (image, idle) in engine.as_ref().map(|engine| engine.warm_counts()).unwrap_or_default() {
                *warm.entry(image).or_default() += idle;
            }
            engines.push(EngineLoad {
                name: host.name().to_string(),
                healthy: engine.is_some(),
                running,
                capacity: host.config.capacity,
            });
        }
        Load { running, queued, warm, engines }
    }

    /// Validates a Piston request against the registry and the configured limits.
    pub fn prepare(&self, request: ExecuteRequest) -> Result<Job, SandboxError> {
        Job::validate(request, &self.inner.registry, &self.inner.config).map_err(SandboxError::Invalid)
    }

    /// Runs one request to the end. `user` identifies the requester for fair queueing.
    pub async fn execute(&self, user: &str, request: ExecuteRequest) -> Result<ExecuteResult, SandboxError> {
        let job = self.prepare(request)?;
        self.run(user, &job, JobIo::default()).await
    }

    /// Runs a validated job, optionally streaming its output and taking stdin/signals.
    /// Failures inside the sandbox come back as status `XX`, as in Piston.
    pub async fn run(&self, user: &str, job: &Job, io: JobIo) -> Result<ExecuteResult, SandboxError> {
        let runs = vec![RunSpec { stdin: job.stdin.clone(), limits: job.run, results_cap: 0 }];
        let output = self.in_slot(user, job, runs, io).await?;
        let compile = output.compile;
        let run = match output.runs.into_iter().next() {
            Some(run) => run.stage,
            // Piston reports a failed compile stage as the run stage too.
            None => compile.clone().unwrap_or_default(),
        };
        Ok(ExecuteResult { language: job.runtime.language.clone(), version: job.runtime.version.clone(), run, compile })
    }

    /// Compiles `job`'s program once and runs it once per entry of `runs`, in one container and
    /// one queue slot (the judge: visible tests, then hidden tests).
    pub async fn run_program(&self, user: &str, job: &Job, runs: Vec<RunSpec>) -> Result<ProgramOutput, SandboxError> {
        self.in_slot(user, job, runs, JobIo::default()).await
    }

    /// Waits for a slot in the fair queue, then runs the job on an engine.
    async fn in_slot(
        &self,
        user: &str,
        job: &Job,
        runs: Vec<RunSpec>,
        mut io: JobIo,
    ) -> Result<ProgramOutput, SandboxError> {
        // Refused before queueing when no engine could take it.
        drop(self.place(job, None)?);
        let language = job.runtime.language.clone();
        let queued_at = std::time::Instant::now();
        let permit = self.inner.scheduler.acquire(user).await.inspect_err(|_| {
            crate::counters::sandbox_job(&language, "busy", queued_at.elapsed(), Duration::ZERO);
        });
        let permit = permit.map_err(|rejection| match rejection {
            Rejection::Full { retry_after_secs } => SandboxError::Busy {
                message: "Too many code executions are waiting; try again shortly".into(),
                retry_after_secs,
                queue_full: true,
            },
            Rejection::TimedOut { retry_after_secs } => SandboxError::Busy {
                message: "Code execution is busy; try again shortly".into(),
                retry_after_secs,
                queue_full: false,
            },
        })?;
        // The job runs in its own task: a client that goes away (dropping this future) must not
        // cut a job off half-way, which would lose track of its container.
        let waited = queued_at.elapsed();
        let sandbox = self.clone();
        let job = job.clone();
        let task = tokio::spawn(async move {
            let _permit = permit;
            sandbox.run_on_an_engine(&job, &runs, &mut io).await
        });
        let finished = task.await;
        let outcome = if matches!(finished, Ok(Ok(_))) { "ok" } else { "unavailable" };
        crate::counters::sandbox_job(&language, outcome, waited, queued_at.elapsed() - waited);
        finished.map_err(|err| SandboxError::Unavailable(format!("sandbox job failed: {err}")))?
    }

    /// Runs the job on the least loaded engine. When that engine is lost before the job's
    /// program started, the job moves to another engine, once: nothing of it ran, so running it
    /// there cannot repeat its effects or its output. Once the program may have run, the caller
    /// is told to run it again instead.
    async fn run_on_an_engine(
        &self,
        job: &Job,
        runs: &[RunSpec],
        io: &mut JobIo,
    ) -> Result<ProgramOutput, SandboxError> {
        let mut lost: Option<usize> = None;
        loop {
            let placement = self.place(job, lost)?;
            let index = placement.index;
            let host = &self.inner.hosts[index];
            crate::counters::sandbox_engine_job(host.name());
            let (started, message) = match placement.engine.run_program(job, runs, io).await {
                Ok(output) => return Ok(output),
                Err(EngineError::Lost { started, message }) => (started, message),
                Err(EngineError::Unavailable(message)) => {
                    // The engine lost the image: the health check notices and stops choosing it.
                    self.refresh_later(index);
                    return Err(SandboxError::Unavailable(message));
                }
                Err(EngineError::Failed(message)) => return Err(SandboxError::Unavailable(message)),
            };
            drop(placement);
            tracing::warn!(engine = host.name(), error = %message, started, "sandbox engine lost: draining it");
            host.drain(format!("Docker engine {} stopped answering: {message}", host.name()));
            self.update_capacity();
            self.refresh_later(index);
            if started {
                return Err(SandboxError::Unavailable(format!(
                    "the sandbox engine {} stopped while running this job; run it again",
                    host.name()
                )));
            }
            if lost.is_some() {
                return Err(SandboxError::Unavailable(format!("code execution is unavailable: {message}")));
            }
            lost = Some(index);
        }
    }

    /// Chooses the engine for `job` (never `excluded`) and counts the job there.
    fn place(&self, job: &Job, excluded: Option<usize>) -> Result<Placement<'_>, SandboxError> {
        let inner = &self.inner;
        if !inner.config.enabled {
            return Err(SandboxError::Unavailable("code execution is disabled on this server".into()));
        }
        let statuses: Vec<hosts::Status> = inner.hosts.iter().map(Host::status).collect();
        let mut placed = inner.placed.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let candidates: Vec<Candidate> = statuses
            .iter()
            .zip(inner.hosts.iter())
            .enumerate()
            .map(|(index, (status, host))| Candidate {
                healthy: status.engine.is_some() && excluded != Some(index),
                has_image: status.images.contains(&job.runtime.image),
                running: placed[index],
                capacity: host.config.capacity,
            })
            .collect();
        if let Some(index) = hosts::least_loaded(&candidates)
            && let Some(engine) = statuses[index].engine.clone()
        {
            placed[index] += 1;
            return Ok(Placement { inner, index, engine });
        }
        drop(placed);
        if !candidates.iter().any(|candidate| candidate.healthy) {
            let reasons: Vec<String> = statuses.iter().filter_map(|status| status.message.clone()).collect();
            let reason = if reasons.is_empty() { "Docker engine not reachable".into() } else { reasons.join("; ") };
            return Err(SandboxError::Unavailable(format!("code execution is unavailable: {reason}")));
        }
        Err(SandboxError::Unavailable(format!(
            "{}-{} runtime is not installed: image {} is missing (an administrator runs `coderoom runtimes build {}`)",
            job.runtime.language, job.runtime.version, job.runtime.image, job.runtime.language
        )))
    }
}
