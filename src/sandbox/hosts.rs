//! The Docker engines jobs run on: `sandbox.docker_hosts` (or the single `sandbox.docker_host`),
//! how each is reached (a local socket, or `tcp://` with mutual TLS), its health, and which one
//! takes the next job.

use std::collections::HashSet;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use anyhow::Context;
use bollard::Docker;
use serde::{Deserialize, Serialize};

use super::SandboxConfig;
use super::engine::Engine;
use super::runtimes::Registry;
use crate::settings::Problem;

/// One `[[sandbox.docker_hosts]]` entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DockerHost {
    /// How the engine is called in metrics, readiness and `coderoom runtimes --engine`; the URL
    /// when not given.
    #[serde(default)]
    pub name: Option<String>,
    /// `unix:///path/to/docker.sock` or `tcp://host:2376`; empty: Docker's defaults
    /// (`DOCKER_HOST`, else the local socket).
    pub url: String,
    /// Jobs this engine runs at once.
    pub capacity: usize,
    /// For `tcp://`: the CA that signed the engine's certificate, and this server's client
    /// certificate and key (PEM files), as made for `dockerd --tlsverify`.
    #[serde(default)]
    pub tls_ca: Option<PathBuf>,
    #[serde(default)]
    pub tls_cert: Option<PathBuf>,
    #[serde(default)]
    pub tls_key: Option<PathBuf>,
}

/// Longest wait for one engine's health check: a remote engine that stopped answering must not
/// hold up the others' checks, nor start-up.
pub const HEALTH_CHECK_TIMEOUT: Duration = Duration::from_secs(5);

impl DockerHost {
    pub fn name(&self) -> &str {
        match self.name.as_deref().filter(|name| !name.is_empty()) {
            Some(name) => name,
            None if self.url.is_empty() => "default",
            None => &self.url,
        }
    }

    fn tls_files(&self) -> [(&'static str, Option<&PathBuf>); 3] {
        [("tls_ca", self.tls_ca.as_ref()), ("tls_cert", self.tls_cert.as_ref()), ("tls_key", self.tls_key.as_ref())]
    }

    /// A client for this engine (not yet contacted). `timeout` bounds every call, so that one to
    /// an engine that went away fails instead of hanging.
    pub fn connect(&self, timeout: Duration) -> anyhow::Result<Docker> {
        let docker = match (&self.tls_ca, &self.tls_cert, &self.tls_key) {
            (Some(ca), Some(cert), Some(key)) => {
                // bollard builds its TLS client on the process-wide provider, which rustls cannot
                // pick by itself with more than one compiled in. Already set: that one is kept.
                let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
                Docker::connect_with_ssl(&self.url, key, cert, ca, timeout.as_secs(), bollard::API_DEFAULT_VERSION)
            }
            _ if self.url.is_empty() => Docker::connect_with_defaults(),
            _ => Docker::connect_with_host(&self.url),
        };
        let docker = docker.with_context(|| format!("invalid Docker endpoint {}", self.url))?;
        Ok(docker.with_timeout(timeout))
    }

    /// Problems of one `docker_hosts` entry (`field` is its place, e.g. `docker_hosts[1]`).
    fn validate(&self, field: &str) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut problem = |key: &str, message: String| problems.push(Problem::new(format!("{field}.{key}"), message));
        if self.capacity == 0 {
            problem("capacity", "must be at least 1 (jobs this engine runs at once)".into());
        }
        let given: Vec<&str> =
            self.tls_files().iter().filter(|(_, path)| path.is_some()).map(|(key, _)| *key).collect();
        for (key, path) in self.tls_files() {
            if let Some(path) = path
                && !(path.is_file() && std::fs::File::open(path).is_ok())
            {
                problem(key, format!("{} is not a readable file", path.display()));
            }
        }
        if let Some(address) = self.url.strip_prefix("tcp://") {
            let host = address.rsplit_once(':').map_or(address, |(host, _)| host);
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let loopback = host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if given.len() != 3 && !(given.is_empty() && loopback) {
                // Whoever reaches a Docker engine's API is root on its machine: over a network it
                // must only answer a client holding a certificate its CA signed.
                problem(
                    "tls_cert",
                    format!(
                        "{} needs tls_ca, tls_cert and tls_key (the engine must run with --tlsverify); \
                         only a loopback address (a tunnel ending on this machine) may go without",
                        self.url
                    ),
                );
            }
        } else if self.url.starts_with("unix://") {
            if !given.is_empty() {
                problem("tls_cert", "TLS files only apply to tcp:// engines".into());
            }
        } else {
            problem("url", format!("`{}` is neither unix:///path nor tcp://host:port", self.url));
        }
        problems
    }
}

impl SandboxConfig {
    /// The engines to run jobs on: `docker_hosts`, or the one `docker_host` (Docker's defaults
    /// when unset) taking `max_concurrent_jobs` jobs at once.
    pub fn hosts(&self) -> Vec<DockerHost> {
        if !self.docker_hosts.is_empty() {
            return self.docker_hosts.clone();
        }
        vec![DockerHost {
            name: None,
            url: self.docker_host.clone().unwrap_or_default(),
            capacity: self.max_concurrent_jobs,
            tls_ca: None,
            tls_cert: None,
            tls_key: None,
        }]
    }

    pub(super) fn validate_hosts(&self) -> Vec<Problem> {
        if self.docker_hosts.is_empty() {
            return Vec::new();
        }
        let mut problems = Vec::new();
        if self.docker_host.as_deref().is_some_and(|host| !host.is_empty()) {
            problems.push(Problem::new(
                "sandbox.docker_host",
                "give either docker_host (one engine) or docker_hosts (several), not both",
            ));
        }
        let mut names = HashSet::new();
        for (index, host) in self.docker_hosts.iter().enumerate() {
            let field = format!("sandbox.docker_hosts[{index}]");
            if !names.insert(host.name()) {
                problems.push(Problem::new(format!("{field}.name"), format!("`{}` names two engines", host.name())));
            }
            problems.extend(host.validate(&field));
        }
        problems
    }
}

/// What the last health check of an engine found.
#[derive(Clone, Default)]
pub struct Status {
    /// Present while the engine answers: jobs may go there.
    pub engine: Option<Arc<Engine>>,
    /// Why the engine takes no jobs.
    pub message: Option<String>,
    /// Image tags the engine has.
    pub images: HashSet<String>,
}

/// One configured engine and its last known state.
pub struct Host {
    pub config: DockerHost,
    status: RwLock<Status>,
}

impl Host {
    pub fn new(config: DockerHost) -> Self {
        let status = Status { message: Some("not checked yet".into()), ..Status::default() };
        Self { config, status: RwLock::new(status) }
    }

    pub fn name(&self) -> &str {
        self.config.name()
    }

    pub fn status(&self) -> Status {
        self.status.read().unwrap_or_else(|poisoned| poisoned.into_inner()).clone()
    }

    pub fn healthy(&self) -> bool {
        self.status.read().unwrap_or_else(|poisoned| poisoned.into_inner()).engine.is_some()
    }

    /// Takes the engine out of rotation until a health check finds it answering again; jobs
    /// still running there end on their own (the connection to it broke, or their deadline).
    pub fn drain(&self, reason: String) {
        let mut status = self.status.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        status.engine = None;
        status.message = Some(reason);
    }

    /// Checks that the engine answers and which images it has. Returns whether it is healthy.
    /// On first contact, or when it comes back, a fresh [`Engine`] sweeps containers a crashed
    /// coderoom left there and starts the warm ones.
    pub async fn refresh(&self, config: &Arc<SandboxConfig>, registry: &Registry) -> bool {
        let checked = tokio::time::timeout(HEALTH_CHECK_TIMEOUT, async {
            let docker = self.config.connect(ENGINE_CALL_TIMEOUT)?.negotiate_version().await?;
            let images = docker.list_images(None::<bollard::query_parameters::ListImagesOptions>).await?;
            let tags: HashSet<String> = images.into_iter().flat_map(|image| image.repo_tags).collect();
            anyhow::Ok((docker, tags))
        })
        .await
        .unwrap_or_else(|_| Err(anyhow::anyhow!("no answer within {} s", HEALTH_CHECK_TIMEOUT.as_secs())));
        let (docker, images) = match checked {
            Ok(found) => found,
            Err(err) => {
                self.drain(format!("Docker engine not reachable ({}): {err:#}", self.name()));
                return false;
            }
        };
        let engine = match self.status().engine {
            Some(engine) => engine,
            None => {
                let engine = Engine::new(docker, config.clone(), warm_targets(config, registry));
                match engine.sweep_orphans().await {
                    Ok(0) => {}
                    Ok(removed) => tracing::info!(engine = self.name(), removed, "removed orphaned sandbox containers"),
                    Err(err) => tracing::warn!(engine = self.name(), error = %err, "cannot list sandbox containers"),
                }
                engine
            }
        };
        // Also picks up images built while the server runs.
        for image in installed(registry, &images) {
            engine.ensure_warm(&image);
        }
        *self.status.write().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Status { engine: Some(engine), message: None, images };
        true
    }
}

/// Bound of every Docker call the server makes for a job (create, attach, start, update,
/// remove): generous for a busy engine, short enough that a vanished one fails the job.
pub const ENGINE_CALL_TIMEOUT: Duration = Duration::from_secs(30);

fn warm_targets(config: &SandboxConfig, registry: &Registry) -> std::collections::HashMap<String, usize> {
    registry
        .images
        .iter()
        .map(|image| {
            let target = if image.default { config.warm_containers } else { config.warm_containers_optional };
            (image.name.clone(), target.min(config.warm_containers))
        })
        .collect()
}

/// The registry's images among `images`, each once.
pub fn installed(registry: &Registry, images: &HashSet<String>) -> Vec<String> {
    let mut installed: Vec<String> =
        registry.runtimes.iter().map(|rt| rt.image.clone()).filter(|image| images.contains(image)).collect();
    installed.sort();
    installed.dedup();
    installed
}

/// An engine as the choice of the next job sees it.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub healthy: bool,
    pub has_image: bool,
    pub running: usize,
    pub capacity: usize,
}

/// The healthy engine with the job's image and the most free places (the first such in
/// configuration order on a tie). An engine may be chosen beyond its capacity: the scheduler
/// admits only as many jobs as the healthy engines take, so this happens only for the moment an
/// engine was lost while the job was admitted.
pub fn least_loaded(candidates: &[Candidate]) -> Option<usize> {
    candidates
        .iter()
        .enumerate()
        .filter(|(_, candidate)| candidate.healthy && candidate.has_image)
        .max_by_key(|(index, candidate)| {
            let free = candidate.capacity as i64 - candidate.running as i64;
            // Later engines rank lower on a tie: `max_by_key` keeps the last maximum.
            (free, std::cmp::Reverse(*index))
        })
        .map(|(index, _)| index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(running: usize, capacity: usize) -> Candidate {
        Candidate { healthy: true, has_image: true, running, capacity }
    }

    #[test]
    fn the_engine_with_most_free_places_takes_the_job() {
        assert_eq!(least_loaded(&[engine(3, 4), engine(1, 4), engine(2, 4)]), Some(1));
        // Free places, not fewest running: a bigger engine takes more.
        assert_eq!(least_loaded(&[engine(2, 3), engine(4, 8)]), Some(1));
        assert_eq!(least_loaded(&[engine(1, 4), engine(1, 4)]), Some(0), "a tie goes to the first");
        assert_eq!(least_loaded(&[engine(5, 4)]), Some(0), "a lone engine, even when full");
    }

    #[test]
    fn unhealthy_engines_and_engines_without_the_image_are_skipped() {
        let down = Candidate { healthy: false, ..engine(0, 8) };
        let without_image = Candidate { has_image: false, ..engine(0, 8) };
        assert_eq!(least_loaded(&[down, without_image, engine(3, 4)]), Some(2));
        assert_eq!(least_loaded(&[down, without_image]), None);
        assert_eq!(least_loaded(&[]), None);
    }

    fn host(url: &str) -> DockerHost {
        DockerHost { name: None, url: url.into(), capacity: 2, tls_ca: None, tls_cert: None, tls_key: None }
    }

    fn fields(problems: &[Problem]) -> Vec<String> {
        problems.iter().map(|problem| problem.key.clone()).collect()
    }

    #[test]
    fn remote_engines_need_client_certificates() {
        let remote = host("tcp://192.0.2.7:2376");
        assert_eq!(fields(&remote.validate("h")), ["h.tls_cert"]);
        assert!(host("tcp://127.0.0.1:2375").validate("h").is_empty(), "loopback may go without");
        assert!(host("tcp://[::1]:2375").validate("h").is_empty());
        let dir = tempfile::tempdir().expect("temp dir");
        let file = |name: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, "pem").expect("write");
            Some(path)
        };
        let with_tls =
            DockerHost { tls_ca: file("ca.pem"), tls_cert: file("cert.pem"), tls_key: file("key.pem"), ..remote };
        assert!(with_tls.validate("h").is_empty());
        let missing_key = DockerHost { tls_key: Some(dir.path().join("absent.pem")), ..with_tls.clone() };
        assert_eq!(fields(&missing_key.validate("h")), ["h.tls_key"]);
        let partial = DockerHost { tls_key: None, ..with_tls.clone() };
        assert_eq!(fields(&partial.validate("h")), ["h.tls_cert"]);
        let socket_with_tls = DockerHost { url: "unix:///var/run/docker.sock".into(), ..with_tls };
        assert_eq!(fields(&socket_with_tls.validate("h")), ["h.tls_cert"]);
    }

    #[test]
    fn engines_are_checked_as_a_list() {
        let config = SandboxConfig {
            docker_host: Some("unix:///var/run/docker.sock".into()),
            docker_hosts: vec![
                host("unix:///var/run/docker.sock"),
                DockerHost { capacity: 0, ..host("unix:///var/run/docker.sock") },
                host("ssh://builder"),
            ],
            ..SandboxConfig::default()
        };
        assert_eq!(
            fields(&config.validate_hosts()),
            [
                "sandbox.docker_host",
                "sandbox.docker_hosts[1].name",
                "sandbox.docker_hosts[1].capacity",
                "sandbox.docker_hosts[2].url"
            ]
        );
        let single = SandboxConfig { max_concurrent_jobs: 3, ..SandboxConfig::default() };
        assert!(single.validate_hosts().is_empty());
        assert_eq!(single.hosts().iter().map(|h| (h.name(), h.capacity)).collect::<Vec<_>>(), [("default", 3)]);
    }
}
