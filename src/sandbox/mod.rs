//! Stub of the sandbox for this branch; main has the real module (take main's on merge).
#![allow(dead_code)]

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

/// Mirrors main's `request` types that the judge uses (`crate::sandbox::ExecuteRequest` and
/// friends), so that the judge compiles against the same API before and after the merge.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum LimitInput {
    #[default]
    Default,
    Value(f64),
    NotANumber,
}

#[derive(Debug, Clone, Default)]
pub struct RequestFile {
    pub name: Option<String>,
    pub content: String,
    pub encoding: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ExecuteRequest {
    pub language: String,
    pub version: String,
    pub files: Vec<RequestFile>,
    pub stdin: String,
    pub args: Vec<String>,
    pub compile_timeout: LimitInput,
    pub run_timeout: LimitInput,
    pub compile_cpu_time: LimitInput,
    pub run_cpu_time: LimitInput,
    pub compile_memory_limit: LimitInput,
    pub run_memory_limit: LimitInput,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct StageResult {
    pub stdout: String,
    pub stderr: String,
    pub output: String,
    pub code: Option<i32>,
    pub signal: Option<String>,
    pub message: Option<String>,
    pub status: Option<String>,
    pub cpu_time: u64,
    pub wall_time: u64,
    pub memory: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ExecuteResult {
    pub language: String,
    pub version: String,
    pub run: StageResult,
    pub compile: Option<StageResult>,
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("{message}")]
    Busy { message: String, retry_after_secs: u64, queue_full: bool },
}

impl From<SandboxError> for crate::error::AppError {
    fn from(err: SandboxError) -> Self {
        match err {
            SandboxError::Invalid(message) => Self::BadRequest(message),
            SandboxError::Unavailable(message) => Self::Unavailable(message),
            SandboxError::Busy { message, retry_after_secs, .. } => Self::TooManyRequests { message, retry_after_secs },
        }
    }
}

impl StageResult {
    pub fn succeeded(&self) -> bool {
        self.status.is_none() && self.code == Some(0)
    }
}

impl Sandbox {
    pub async fn execute(&self, _user: &str, _request: ExecuteRequest) -> Result<ExecuteResult, SandboxError> {
        Err(SandboxError::Unavailable("code execution is not in this branch".into()))
    }

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
