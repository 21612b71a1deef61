//! Runs untrusted code in coderoom's own Docker containers and serves the Piston v2 API.
//!
//! - `runtimes`: the registry of languages (config/runtimes/) and Piston's version ranges.
//! - `bundles`: toolchains carried inside the binary (TypeScript), unpacked into images.
//! - `request`: Piston request validation and the result shapes.
//! - `engine`: warm containers driven through bollard, each with the agent (`agent.py`) as PID 1.
//! - `sched`: bounded, per-user fair admission (429 + Retry-After when full).
//! - `api`: `/api/v2/runtimes`, `/api/v2/execute`, `/api/v2/connect`, `/api/v2/packages`.
//! - `cli` and `images`: `coderoom runtimes build|list|check|test`.

mod api;
mod bundles;
pub mod cli;
mod engine;
mod images;
pub mod request;
pub mod runtimes;
mod sched;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Context;
use bollard::Docker;
use serde::{Deserialize, Serialize};
use serde_json::json;

pub use api::routes;
// The entry points: `Sandbox::execute` for one request, `Sandbox::run` with `JobIo` for
// streamed output and interactive input, `Sandbox::run_program` for the judge's runs.
#[allow(unused_imports)]
pub use engine::{Control, JobIo, ProgramOutput, RunOutput, RunSpec, StreamEvent};
#[allow(unused_imports)]
pub use request::{ExecuteRequest, ExecuteResult, Job, LimitInput, RequestFile, StageLimits, StageResult};
pub use runtimes::{Registry, Runtime};

use crate::config::Problem;
use crate::error::AppError;
use engine::{Engine, EngineError};
use sched::{Rejection, Scheduler};

/// The `[sandbox]` section of coderoom.toml. Time limits are in milliseconds and memory limits in
/// bytes, like Piston's request fields; each is the most a request may ask for (requests can
/// only lower them).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SandboxConfig {
    /// Off: the Piston API answers 503 and no Docker engine is contacted.
    pub enabled: bool,
    /// Docker endpoint (`unix:///var/run/docker.sock`, `tcp://host:2376`, ...). Empty: the
    /// `DOCKER_HOST` environment variable (with `DOCKER_TLS_VERIFY`/`DOCKER_CERT_PATH`), else the
    /// local socket.
    pub docker_host: Option<String>,
    /// Replacement for the built-in runtime registry.
    pub runtimes_file: Option<PathBuf>,
    /// Jobs running at once.
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
        problems
    }

    /// A client for the configured Docker endpoint (not yet contacted).
    pub fn docker(&self) -> anyhow::Result<Docker> {
        let docker = match self.docker_host.as_deref().filter(|host| !host.is_empty()) {
            Some(host) => Docker::connect_with_host(host),
            None => Docker::connect_with_defaults(),
        };
        Ok(docker.context("invalid Docker endpoint")?.with_timeout(Duration::from_secs(120)))
    }
}

/// Why an execution did not run.
/// What the sandbox is doing at one moment (for metrics).
pub struct Load {
    pub running: usize,
    pub queued: usize,
    /// Idle warm containers by image.
    pub warm: std::collections::HashMap<String, usize>,
}

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

#[derive(Debug, Clone)]
struct Health {
    reachable: bool,
    message: Option<String>,
    images: HashSet<String>,
}

struct Inner {
    config: Arc<SandboxConfig>,
    registry: Registry,
    /// Present once the Docker engine has answered.
    engine: RwLock<Option<Arc<Engine>>>,
    scheduler: Arc<Scheduler>,
    health: RwLock<Health>,
}

/// Handle to the code-execution service, shared by the Piston API and the judge.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Inner>,
}

impl Sandbox {
    /// Never fails because Docker is unreachable: the sandbox starts degraded, says so in
    /// `/readyz`, and keeps trying to reach the engine in the background.
    pub async fn new(config: &SandboxConfig) -> anyhow::Result<Self> {
        let registry = Registry::load(config.runtimes_file.as_deref())?;
        let config = Arc::new(config.clone());
        let scheduler = Scheduler::new(
            config.max_concurrent_jobs,
            config.max_queued_jobs,
            config.max_queued_per_user,
            config.judge_reserved_jobs,
            Duration::from_secs(config.max_queue_wait_secs),
        );
        let enabled = config.enabled;
        let sandbox = Self {
            inner: Arc::new(Inner {
                config,
                registry,
                engine: RwLock::new(None),
                scheduler,
                health: RwLock::new(Health {
                    reachable: false,
                    message: Some("not checked yet".into()),
                    images: HashSet::new(),
                }),
            }),
        };
        if enabled {
            // A remote engine that does not answer must not hold up start-up; the loop below
            // keeps trying.
            if tokio::time::timeout(Duration::from_secs(5), sandbox.refresh()).await.is_err() {
                let mut health = sandbox.inner.health.write().unwrap_or_else(|poisoned| poisoned.into_inner());
                health.message = Some("Docker engine not reachable: no answer within 5 s".into());
            }
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

    fn engine(&self) -> Option<Arc<Engine>> {
        self.inner.engine.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    /// Re-checks the engine and the installed images; on (re)connection sweeps orphans and
    /// starts the warm containers.
    async fn refresh(&self) {
        let was_reachable = self.health().reachable;
        let checked = async {
            let docker = self.inner.config.docker()?.negotiate_version().await?;
            let images = docker.list_images(None::<bollard::query_parameters::ListImagesOptions>).await?;
            let tags: HashSet<String> = images.into_iter().flat_map(|image| image.repo_tags).collect();
            anyhow::Ok((docker, tags))
        }
        .await;
        let (health, docker) = match checked {
            Ok((docker, images)) => (Health { reachable: true, message: None, images }, Some(docker)),
            Err(err) => (
                Health {
                    reachable: false,
                    message: Some(format!("Docker engine not reachable: {err:#}")),
                    images: HashSet::new(),
                },
                None,
            ),
        };
        *self.inner.health.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = health;
        let Some(docker) = docker else { return };
        let engine = match self.engine() {
            Some(engine) if was_reachable => engine,
            // First contact, or the engine came back (perhaps restarted): start afresh.
            _ => {
                let warm_targets = self
                    .inner
                    .registry
                    .images
                    .iter()
                    .map(|image| {
                        let config = &self.inner.config;
                        let target =
                            if image.default { config.warm_containers } else { config.warm_containers_optional };
                        (image.name.clone(), target.min(config.warm_containers))
                    })
                    .collect();
                let engine = Engine::new(docker, self.inner.config.clone(), warm_targets);
                *self.inner.engine.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(engine.clone());
                match engine.sweep_orphans().await {
                    Ok(0) => {}
                    Ok(removed) => tracing::info!(removed, "removed orphaned sandbox containers"),
                    Err(err) => tracing::warn!(error = %err, "cannot list sandbox containers"),
                }
                engine
            }
        };
        // Also picks up images built while the server runs.
        for image in self.installed_images() {
            engine.ensure_warm(&image);
        }
    }

    fn health(&self) -> Health {
        self.inner.health.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    fn installed_images(&self) -> Vec<String> {
        let health = self.health();
        let mut images: Vec<String> = self
            .inner
            .registry
            .runtimes
            .iter()
            .map(|rt| rt.image.clone())
            .filter(|image| health.images.contains(image))
            .collect();
        images.sort();
        images.dedup();
        images
    }

    pub fn config(&self) -> &SandboxConfig {
        &self.inner.config
    }

    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// Runtimes whose image is present in the engine.
    pub fn installed_runtimes(&self) -> Vec<Runtime> {
        let health = self.health();
        self.inner.registry.runtimes.iter().filter(|rt| health.images.contains(&rt.image)).cloned().collect()
    }

    /// Piston's lookup among the configured runtimes (installed or not).
    #[allow(dead_code)] // for the judge
    pub fn find_runtime(&self, language: &str, version: &str) -> Option<Runtime> {
        self.inner.registry.find(language, version)
    }

    /// Component status for `/readyz`: `{"status": "ok" | "degraded" | "error", ...}`.
    pub async fn readiness(&self) -> serde_json::Value {
        if !self.inner.config.enabled {
            return json!({ "status": "degraded", "message": "code execution is disabled ([sandbox] enabled = false)" });
        }
        let Load { running, queued, warm } = self.load();
        let health = self.health();
        let missing: Vec<String> = {
            let mut images: Vec<String> = self
                .inner
                .registry
                .images
                .iter()
                .filter(|image| image.default && !health.images.contains(&image.name))
                .map(|image| image.name.clone())
                .collect();
            images.dedup();
            images
        };
        // Degraded, not error: the rest of coderoom works without code execution. Only the
        // default images count: the others are installed when an administrator wants them.
        let status = if health.reachable && missing.is_empty() { "ok" } else { "degraded" };
        let message = if !health.reachable {
            health.message.clone()
        } else if !missing.is_empty() {
            Some(format!("runtime images missing: {} (run `coderoom runtimes build`)", missing.join(", ")))
        } else {
            None
        };
        json!({
            "status": status,
            "message": message,
            "runtimes": self.installed_runtimes().iter().map(|rt| format!("{}-{}", rt.language, rt.version)).collect::<Vec<_>>(),
            "running": running,
            "queued": queued,
            "warm": warm,
        })
    }

    /// Jobs running and waiting, and idle containers per image, at this moment.
    pub fn load(&self) -> Load {
        let (running, queued) = self.inner.scheduler.load();
        let warm = self.engine().map(|engine| engine.warm_counts()).unwrap_or_default();
        Load { running, queued, warm }
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
    pub async fn run(&self, user: &str, job: &Job, io: JobIo) -> Result<ExecuteResult, SandboxError> {
        let owned_job = job.clone();
        self.in_slot(user, job, move |engine| async move { engine.run(&owned_job, io).await }).await
    }

    /// Compiles `job`'s program once and runs it once per entry of `runs`, in one container and
    /// one queue slot (the judge: visible tests, then hidden tests).
    pub async fn run_program(&self, user: &str, job: &Job, runs: Vec<RunSpec>) -> Result<ProgramOutput, SandboxError> {
        let owned_job = job.clone();
        self.in_slot(
            user,
            job,
            move |engine| async move { engine.run_program(&owned_job, &runs, JobIo::default()).await },
        )
        .await
    }

    /// Waits for a slot in the fair queue, then runs `work` with the engine.
    async fn in_slot<T, F, Fut>(&self, user: &str, job: &Job, work: F) -> Result<T, SandboxError>
    where
        T: Send + 'static,
        F: FnOnce(Arc<Engine>) -> Fut,
        Fut: std::future::Future<Output = Result<T, EngineError>> + Send + 'static,
    {
        let engine = self.usable_engine(job)?;
        let language = job.runtime.language.clone();
        let queued_at = std::time::Instant::now();
        let permit = self.inner.scheduler.acquire(user).await.inspect_err(|_| {
            crate::metrics::sandbox_job(&language, "busy", queued_at.elapsed(), Duration::ZERO);
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
        let work = work(engine);
        let task = tokio::spawn(async move {
            let _permit = permit;
            work.await
        });
        let finished = task.await;
        let outcome = if matches!(finished, Ok(Ok(_))) { "ok" } else { "unavailable" };
        crate::metrics::sandbox_job(&language, outcome, waited, queued_at.elapsed() - waited);
        let outcome = finished.map_err(|err| SandboxError::Unavailable(format!("sandbox job failed: {err}")))?;
        outcome.map_err(|err| match err {
            EngineError::Unavailable(message) => {
                // Re-check soon so that /readyz and the runtime list reflect the problem.
                let sandbox = self.clone();
                tokio::spawn(async move { sandbox.refresh().await });
                SandboxError::Unavailable(message)
            }
            EngineError::Failed(message) => SandboxError::Unavailable(message),
        })
    }

    fn usable_engine(&self, job: &Job) -> Result<Arc<Engine>, SandboxError> {
        if !self.inner.config.enabled {
            return Err(SandboxError::Unavailable("code execution is disabled on this server".into()));
        }
        let health = self.health();
        if !health.reachable {
            let reason = health.message.unwrap_or_else(|| "Docker engine not reachable".into());
            return Err(SandboxError::Unavailable(format!("code execution is unavailable: {reason}")));
        }
        if !health.images.contains(&job.runtime.image) {
            return Err(SandboxError::Unavailable(format!(
                "{}-{} runtime is not installed: image {} is missing (an administrator runs `coderoom runtimes build {}`)",
                job.runtime.language, job.runtime.version, job.runtime.image, job.runtime.language
            )));
        }
        self.engine().ok_or_else(|| {
            SandboxError::Unavailable("code execution is unavailable: Docker engine not reachable".into())
        })
    }
}
