//! coderoom: a self-hosted coding-interview appliance in one binary.
//!
//! The library holds the whole product; `main.rs` only calls [`run_command_line`]. Tests and
//! embedders build the HTTP application in-process from a [`Config`] with
//! [`AppState::build`] and [`router`].

mod admin;
mod apikeys;
mod app;
mod audit;
mod auth;
mod cache;
mod cli;
mod clock;
mod config;
mod counters;
mod db;
mod error;
mod health;
mod integrations;
mod judge;
mod language;
mod memory;
mod metrics;
mod openapi;
mod problems;
mod realtime;
mod record;
mod sandbox;
mod sessions;
mod settings;
mod text;
mod tls;
mod verdict;
mod web;

pub use app::{AppState, router};
pub use config::Config;

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

/// Runs the command line: parses the arguments, loads the configuration, starts logging and the
/// async runtime, and carries out the command (`serve` when none is given).
pub fn run_command_line() -> ExitCode {
    let cli = cli::Cli::parse();
    if let Some(cli::Command::Config(cli::ConfigCommand::Check { file, online })) = &cli.command {
        let Some(file) = file.clone().or_else(|| cli.config.clone()) else {
            eprintln!("error: give the file to check: coderoom config check FILE");
            return ExitCode::from(2);
        };
        return match cli::check_config(&file, *online) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(err) => {
                eprintln!("error: {err:#}");
                ExitCode::FAILURE
            }
        };
    }
    let config = match cli.load_config() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    config.warn_retired();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %format!("{err:#}"), "fatal");
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(config: &config::Config) {
    // SurrealDB's storage engine is chatty at info level; keep it to warnings unless asked.
    let filter = std::env::var("RUST_LOG").ok().and_then(|value| EnvFilter::try_new(value).ok()).unwrap_or_else(|| {
        EnvFilter::new(format!("surrealdb=warn,surrealkv=warn,surrealdb_core=warn,{}", config.log.level))
    });
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if config.log.format == config::LogFormat::Json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[cfg(test)]
mod tests {
    /// The code of `file` under `src/`, comments left out.
    fn code(file: &str) -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        text.lines().filter(|line| !line.trim_start().starts_with("//")).map(str::to_string).collect()
    }

    /// The modules that `crate::` paths in `file` name (first path segment only).
    fn imports(file: &str) -> Vec<String> {
        let mut found = Vec::new();
        for line in code(file) {
            for (index, _) in line.match_indices("crate::") {
                let rest = &line[index + "crate::".len()..];
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                // `crate::{a, b}`: each name in the braces.
                if name.is_empty() && rest.starts_with('{') {
                    let inner = rest[1..].split('}').next().unwrap_or_default();
                    found.extend(
                        inner.split(',').filter_map(|item| item.split("::").next()).map(|n| n.trim().to_string()),
                    );
                } else {
                    found.push(name);
                }
            }
        }
        found
    }

    /// The dependency direction `docs/architecture.md` states: the leaves import nothing of the
    /// crate, problem definitions never import the judge, the database layer no domain.
    #[test]
    fn modules_depend_in_the_stated_direction() {
        for leaf in
            ["settings.rs", "language.rs", "verdict.rs", "text.rs", "counters.rs", "clock.rs", "cache.rs", "memory.rs"]
        {
            assert_eq!(imports(leaf), Vec::<String>::new(), "{leaf} is a leaf module");
        }
        for definitions in ["problems/model.rs", "problems/types.rs"] {
            let found = imports(definitions);
            assert!(!found.iter().any(|name| name == "judge"), "{definitions} imports the judge: {found:?}");
        }
        let allowed_for_db = ["settings"];
        let found = imports("db.rs");
        assert!(found.iter().all(|name| allowed_for_db.contains(&name.as_str())), "db.rs imports {found:?}");
        let routes = code("problems/routes.rs");
        assert!(!routes.iter().any(|line| line.contains("cli::")), "the problem routes use the command line's code");
    }
}
