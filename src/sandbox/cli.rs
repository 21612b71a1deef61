//! `coderoom runtimes build|list|check|test`.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use super::request::{ExecuteRequest, RequestFile};
use super::runtimes::Registry;
use super::{Sandbox, images};
use crate::cli::say;
use crate::config::Config;

#[derive(clap::Subcommand, Debug, Clone)]
pub enum RuntimesCommand {
    /// Build the runtime images offline from Debian packages (all runtimes when none is named).
    Build {
        /// Languages or aliases, e.g. `python java`.
        langs: Vec<String>,
    },
    /// Show every configured runtime and whether its image is installed and current.
    List,
    /// Exit non-zero when a configured runtime's image is missing, was built from an older
    /// recipe, or Docker is unreachable.
    Check,
    /// Run each runtime's smoke program in the sandbox (all runtimes when none is named).
    Test {
        /// Languages or aliases.
        langs: Vec<String>,
    },
}

pub async fn run_cli(command: RuntimesCommand, config: &Config) -> anyhow::Result<()> {
    let sandbox_config = &config.sandbox;
    let registry = Registry::load(sandbox_config.runtimes_file.as_deref())?;
    match command {
        RuntimesCommand::Build { langs } => {
            let docker = connect(config).await?;
            let runtimes = registry.select(&langs)?;
            let mut names: Vec<&str> = runtimes.iter().map(|rt| rt.image.as_str()).collect();
            names.dedup();
            let wanted: HashSet<&str> = names.iter().copied().collect();
            let multi = MultiProgress::new();
            for spec in registry.images.iter().filter(|spec| wanted.contains(spec.name.as_str())) {
                let started = Instant::now();
                images::build(&docker, spec, &multi).await.with_context(|| format!("building {}", spec.name))?;
                say!("built {} in {:.0?}", spec.name, started.elapsed());
            }
            for name in wanted {
                if registry.image(name).is_none() {
                    say!("{name}: no [[image]] recipe in the registry; build or load it with Docker yourself");
                }
            }
            Ok(())
        }
        RuntimesCommand::List => {
            let installed = installed_images(config).await.unwrap_or_default();
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
            Ok(())
        }
        RuntimesCommand::Check => {
            let installed = installed_images(config).await?;
            let mut missing = Vec::new();
            for rt in &registry.runtimes {
                let state = image_state(&registry, &installed, &rt.image);
                say!("{:<9} {}-{} ({})", state, rt.language, rt.version, rt.image);
                if state != ImageState::Ready {
                    missing.push(format!("{} ({state})", rt.language));
                }
            }
            if !missing.is_empty() {
                bail!("{} runtime(s) not ready: {} — run `coderoom runtimes build`", missing.len(), missing.join(", "));
            }
            Ok(())
        }
        RuntimesCommand::Test { langs } => {
            let runtimes = registry.select(&langs)?;
            let sandbox = Sandbox::new(sandbox_config).await?;
            let multi = MultiProgress::new();
            let style = ProgressStyle::with_template("{spinner} {prefix:<12.bold} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            let mut failures = Vec::new();
            for rt in runtimes {
                let bar = multi.add(ProgressBar::new_spinner());
                bar.set_style(style.clone());
                bar.set_prefix(rt.language.clone());
                bar.enable_steady_tick(Duration::from_millis(120));
                bar.set_message("running the smoke program");
                let request = ExecuteRequest {
                    language: rt.language.clone(),
                    version: rt.version.clone(),
                    files: vec![RequestFile { name: Some(rt.file.clone()), content: rt.smoke.clone(), encoding: None }],
                    stdin: "42".into(),
                    ..Default::default()
                };
                let started = Instant::now();
                match sandbox.execute("cli", request).await {
                    Ok(result) if result.run.stdout.trim_end() == "coderoom smoke ok 42" => {
                        bar.finish_and_clear();
                        say!("ok      {:<12} {:.0?}", rt.language, started.elapsed());
                    }
                    Ok(result) => {
                        let stage = result.compile.as_ref().filter(|c| !c.succeeded()).unwrap_or(&result.run);
                        bar.finish_and_clear();
                        say!(
                            "FAILED  {:<12} status {:?} {:?}: {}",
                            rt.language,
                            stage.status,
                            stage.message,
                            stage.output.chars().take(400).collect::<String>()
                        );
                        failures.push(rt.language.clone());
                    }
                    Err(err) => {
                        bar.finish_and_clear();
                        say!("FAILED  {:<12} {err}", rt.language);
                        failures.push(rt.language.clone());
                    }
                }
            }
            if !failures.is_empty() {
                bail!("smoke programs failed: {}", failures.join(", "));
            }
            Ok(())
        }
    }
}

async fn connect(config: &Config) -> anyhow::Result<bollard::Docker> {
    let docker = config.sandbox.docker()?;
    docker.negotiate_version().await.context("Docker engine not reachable (start it with scripts/start-docker.sh)")
}

/// Installed image tags → the recipe each was built from (absent for images not built by
/// `coderoom runtimes build`, or by a version that did not record it).
async fn installed_images(config: &Config) -> anyhow::Result<HashMap<String, Option<String>>> {
    let docker = connect(config).await?;
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
