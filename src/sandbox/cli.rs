//! `coderoom runtimes build|list|check|test`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use super::request::{ExecuteRequest, RequestFile};
use super::runtimes::{ImageSpec, Registry, Runtime};
use super::{DockerHost, Sandbox, SandboxConfig, images};
use crate::cli::say;
use crate::config::Config;
use futures::StreamExt;

#[derive(clap::Subcommand, Debug, Clone)]
pub enum RuntimesCommand {
    /// Build runtime images offline from Debian packages: the default images, or those of the
    /// named runtimes, or all. An image built from the current recipe is kept as it is.
    Build {
        /// Languages or aliases, e.g. `python java`.
        langs: Vec<String>,
        /// Languages or aliases, comma-separated (the same as naming them).
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        /// Every image of the registry.
        #[arg(long, conflicts_with_all = ["langs", "only"])]
        all: bool,
        /// Rebuild even images that are current.
        #[arg(long)]
        force: bool,
        /// Images built at once.
        #[arg(long, default_value_t = 2)]
        jobs: usize,
    },
    /// Show every configured runtime and whether its image is installed and current.
    List,
    /// Exit non-zero when a default image is missing, an installed image was built from an
    /// older recipe, or Docker is unreachable.
    Check,
    /// Run each runtime's test program in the sandbox (every installed runtime when none is
    /// named); each must print OK.
    Test {
        /// Languages or aliases.
        langs: Vec<String>,
    },
}

/// `coderoom runtimes …`: the command, and the engines it is about.
#[derive(clap::Args, Debug, Clone)]
pub struct RuntimesArgs {
    /// One engine of `sandbox.docker_hosts`, by name or URL (default: every configured engine).
    #[arg(long, global = true)]
    pub engine: Option<String>,
    #[command(subcommand)]
    pub command: RuntimesCommand,
}

/// Longest a Docker call of these commands may take: an image import streams gigabytes.
const CLI_CALL_TIMEOUT: Duration = Duration::from_secs(120);

pub async fn run_cli(args: RuntimesArgs, config: &Config) -> anyhow::Result<()> {
    let sandbox_config = &config.sandbox;
    let registry = Registry::load(sandbox_config.runtimes_file.as_deref())?;
    let hosts = selected_hosts(sandbox_config, args.engine.as_deref())?;
    // Said only when there is more than one to tell apart.
    let several = sandbox_config.hosts().len() > 1;
    match args.command {
        RuntimesCommand::Build { mut langs, only, all, force, jobs } => {
            langs.extend(only);
            let wanted: Vec<&ImageSpec> = if all {
                registry.images.iter().collect()
            } else if langs.is_empty() {
                registry.images.iter().filter(|image| image.default).collect()
            } else {
                let runtimes = registry.select(&langs)?;
                registry.images.iter().filter(|image| runtimes.iter().any(|rt| rt.image == image.name)).collect()
            };
            let mut engines = Vec::new();
            for host in &hosts {
                let docker = connect(host).await?;
                let installed = installed_images(&docker).await?;
                engines.push((host.name().to_string(), docker, installed));
            }
            // Each image is built once and imported into every engine that lacks it.
            let mut builds = Vec::new();
            for spec in wanted {
                let mut targets = Vec::new();
                for (name, docker, installed) in &engines {
                    if !force && image_state(&registry, installed, &spec.name) == ImageState::Ready {
                        say!(
                            "{}{}: up to date (recipe {}); --force rebuilds it",
                            on(several, name),
                            spec.name,
                            spec.recipe_hash()
                        );
                    } else {
                        targets.push(images::Target { name: name.clone(), docker: docker.clone() });
                    }
                }
                if !targets.is_empty() {
                    builds.push((spec, targets));
                }
            }
            if builds.is_empty() {
                return Ok(());
            }
            build_images(&builds, jobs.max(1)).await
        }
        RuntimesCommand::List => {
            for host in &hosts {
                if several {
                    say!("engine {} ({})", host.name(), host.url);
                }
                let installed = match connect(host).await {
                    Ok(docker) => installed_images(&docker).await.unwrap_or_default(),
                    Err(err) => {
                        say!("  not reachable: {err:#}");
                        HashMap::new()
                    }
                };
                say!("{:<12} {:<10} {:<10} {:<28} ALIASES", "LANGUAGE", "VERSION", "STATE", "IMAGE");
                for rt in &registry.runtimes {
                    say!(
                        "{:<12} {:<10} {:<10} {:<28} {}",
                        rt.language,
                        rt.version,
                        image_state(&registry, &installed, &rt.image),
                        rt.image,
                        rt.aliases.join(", ")
                    );
                }
            }
            Ok(())
        }
        RuntimesCommand::Check => {
            let mut problems = Vec::new();
            for host in &hosts {
                let prefix = on(several, host.name());
                let installed = match connect(host).await {
                    Ok(docker) => installed_images(&docker).await?,
                    Err(err) => {
                        say!("{prefix}{err:#}");
                        problems.push(format!("{prefix}not reachable"));
                        continue;
                    }
                };
                for rt in &registry.runtimes {
                    let state = image_state(&registry, &installed, &rt.image);
                    let default = registry.image(&rt.image).is_some_and(|image| image.default);
                    say!(
                        "{prefix}{:<9} {}-{} ({}{})",
                        state,
                        rt.language,
                        rt.version,
                        rt.image,
                        if default { ", default" } else { "" }
                    );
                    // An image outside the default set is the administrator's choice to install;
                    // once installed it must be current.
                    if state == ImageState::Outdated || (default && state == ImageState::Missing) {
                        problems.push(format!("{prefix}{}-{} ({state})", rt.language, rt.version));
                    }
                }
            }
            if !problems.is_empty() {
                bail!(
                    "{} runtime(s) or engine(s) not ready: {} — run `coderoom runtimes build`",
                    problems.len(),
                    problems.join(", ")
                );
            }
            Ok(())
        }
        RuntimesCommand::Test { langs } => {
            let mut failures = Vec::new();
            for host in &hosts {
                if several {
                    say!("engine {} ({})", host.name(), host.url);
                }
                let installed = installed_images(&connect(host).await?).await?;
                let runtimes: Vec<_> = if langs.is_empty() {
                    registry.runtimes.iter().filter(|rt| installed.contains_key(&rt.image)).cloned().collect()
                } else {
                    registry.select(&langs)?
                };
                if runtimes.is_empty() {
                    bail!("{}no runtime image is installed — run `coderoom runtimes build`", on(several, host.name()));
                }
                // A sandbox of this engine alone, so that every test program runs there.
                let only_this_engine =
                    SandboxConfig { docker_host: None, docker_hosts: vec![host.clone()], ..sandbox_config.clone() };
                let sandbox = Sandbox::new(&only_this_engine).await?;
                let failed = test_runtimes(&sandbox, &registry, &runtimes).await;
                failures.extend(failed.into_iter().map(|name| format!("{}{name}", on(several, host.name()))));
            }
            if !failures.is_empty() {
                bail!("test programs failed: {}", failures.join(", "));
            }
            Ok(())
        }
    }
}

/// `"NAME: "` when several engines are configured, else nothing.
fn on(several: bool, engine: &str) -> String {
    if several { format!("{engine}: ") } else { String::new() }
}

/// The configured engines, or the one `--engine` names.
fn selected_hosts(config: &SandboxConfig, engine: Option<&str>) -> anyhow::Result<Vec<DockerHost>> {
    let hosts = config.hosts();
    let Some(wanted) = engine else { return Ok(hosts) };
    let names: Vec<&str> = hosts.iter().map(DockerHost::name).collect();
    match hosts.iter().find(|host| host.name() == wanted || host.url == wanted) {
        Some(host) => Ok(vec![host.clone()]),
        None => bail!("no engine `{wanted}` in sandbox.docker_hosts (configured: {})", names.join(", ")),
    }
}

/// Runs each runtime's test program; returns the names of those that failed.
async fn test_runtimes(sandbox: &Sandbox, registry: &Registry, runtimes: &[Runtime]) -> Vec<String> {
    let multi = MultiProgress::new();
    let style = ProgressStyle::with_template("{spinner} {prefix:<12.bold} {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    let mut failures = Vec::new();
    for rt in runtimes {
        let name = format!("{}-{}", rt.language, rt.version);
        let bar = multi.add(ProgressBar::new_spinner());
        bar.set_style(style.clone());
        bar.set_prefix(name.clone());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar.set_message("running the test program");
        let started = Instant::now();
        let outcome = match registry.test_program(rt) {
            Ok(program) => {
                let request = ExecuteRequest {
                    language: rt.language.clone(),
                    version: rt.version.clone(),
                    files: vec![RequestFile { name: Some(rt.file.clone()), content: program, encoding: None }],
                    ..Default::default()
                };
                match sandbox.execute("cli", request).await {
                    Ok(result) if result.run.stdout.trim() == "OK" => Ok(()),
                    Ok(result) => {
                        let stage = result.compile.as_ref().filter(|c| !c.succeeded()).unwrap_or(&result.run);
                        Err(format!(
                            "status {:?} {:?}: {}",
                            stage.status,
                            stage.message,
                            stage.output.chars().take(400).collect::<String>()
                        ))
                    }
                    Err(err) => Err(err.to_string()),
                }
            }
            Err(err) => Err(format!("{err:#}")),
        };
        bar.finish_and_clear();
        match outcome {
            Ok(()) => say!("ok      {name:<24} {:.0?}", started.elapsed()),
            Err(problem) => {
                say!("FAILED  {name:<24} {problem}");
                failures.push(name);
            }
        }
    }
    say!("{} of {} runtimes passed", runtimes.len() - failures.len(), runtimes.len());
    failures
}

/// Builds the images, `jobs` at once, from one base root file system per Debian suite, each into
/// its engines; reports each image's size and build time, and every failure at the end.
async fn build_images(builds: &[(&ImageSpec, Vec<images::Target>)], jobs: usize) -> anyhow::Result<()> {
    let mirrors = images::Mirrors::configured()?;
    let workspace = images::Workspace::new()?;
    let multi = MultiProgress::new();
    let mut suites: Vec<&str> = builds.iter().map(|(spec, _)| spec.suite.as_str()).collect();
    suites.sort();
    suites.dedup();
    let mut bases = HashMap::new();
    for suite in suites {
        bases.insert(suite, images::bootstrap(&workspace, suite, &mirrors, &multi).await?);
    }
    let failed: Vec<String> = futures::stream::iter(builds.iter().map(|(spec, targets)| {
        let (workspace, mirrors, multi, bases) = (&workspace, &mirrors, &multi, &bases);
        async move {
            let started = Instant::now();
            let base = &bases[spec.suite.as_str()];
            match images::build(targets, spec, base, workspace, mirrors, multi).await {
                Ok(()) => {
                    let size = match targets.first() {
                        Some(target) => target.docker.inspect_image(&spec.name).await.ok().and_then(|image| image.size),
                        None => None,
                    };
                    let into: Vec<&str> = targets.iter().map(|target| target.name.as_str()).collect();
                    say!(
                        "built {} in {:.0?}: {:.0} MiB, into {}",
                        spec.name,
                        started.elapsed(),
                        size.unwrap_or_default() as f64 / (1 << 20) as f64,
                        into.join(", ")
                    );
                    None
                }
                Err(err) => {
                    say!("FAILED {}: {err:#}", spec.name);
                    Some(spec.name.clone())
                }
            }
        }
    }))
    .buffer_unordered(jobs)
    .filter_map(|failure| async move { failure })
    .collect()
    .await;
    if !failed.is_empty() {
        bail!("{} image(s) failed to build: {}", failed.len(), failed.join(", "));
    }
    Ok(())
}

async fn connect(host: &DockerHost) -> anyhow::Result<bollard::Docker> {
    let docker = host.connect(CLI_CALL_TIMEOUT)?;
    docker
        .negotiate_version()
        .await
        .with_context(|| format!("Docker engine {} not reachable (start it with scripts/start-docker.sh)", host.name()))
}

/// Installed image tags → the recipe each was built from (absent for images not built by
/// `coderoom runtimes build`, or by a version that did not record it).
async fn installed_images(docker: &bollard::Docker) -> anyhow::Result<HashMap<String, Option<String>>> {
    let images = docker.list_images(None::<bollard::query_parameters::ListImagesOptions>).await?;
    Ok(images
        .into_iter()
        .flat_map(|image| {
            let recipe = image.labels.get(images::RECIPE_LABEL).cloned();
            image.repo_tags.into_iter().map(move |tag| (tag, recipe.clone()))
        })
        .collect())
}

/// Whether a runtime's image is installed and built from the registry's current recipe.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ImageState {
    Ready,
    Missing,
    Outdated,
}

impl std::fmt::Display for ImageState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Padded by the callers' format width, so no `write!` shortcut that ignores it.
        f.pad(match self {
            Self::Ready => "ok",
            Self::Missing => "missing",
            Self::Outdated => "outdated",
        })
    }
}

fn image_state(registry: &Registry, installed: &HashMap<String, Option<String>>, image: &str) -> ImageState {
    match (installed.get(image), registry.image(image)) {
        (None, _) => ImageState::Missing,
        // Built elsewhere (no recipe here): whatever is installed is what there is.
        (Some(_), None) => ImageState::Ready,
        (Some(built), Some(spec)) if built.as_deref() == Some(spec.recipe_hash().as_str()) => ImageState::Ready,
        (Some(_), Some(_)) => ImageState::Outdated,
    }
}
