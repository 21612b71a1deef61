//! Stub of the sandbox for this branch; main has the real module (take main's on merge).

use axum::Router;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::config::Problem;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SandboxConfig {}

impl SandboxConfig {
    pub fn validate(&self) -> Vec<Problem> {
        Vec::new()
    }
}

#[derive(Clone)]
pub struct Sandbox {}

impl Sandbox {
    pub async fn new(_config: &SandboxConfig) -> anyhow::Result<Self> {
        Ok(Self {})
    }

    pub async fn readiness(&self) -> serde_json::Value {
        serde_json::json!({ "status": "disabled" })
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
}

pub mod cli {
    #[derive(Debug, clap::Subcommand)]
    pub enum RuntimesCommand {
        Build { langs: Vec<String> },
        List,
        Check,
        Test,
    }

    pub async fn run_cli(_command: RuntimesCommand, _config: &crate::config::Config) -> anyhow::Result<()> {
        anyhow::bail!("the sandbox is not in this branch")
    }
}
