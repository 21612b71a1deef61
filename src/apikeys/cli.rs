//! `coderoom apikeys create NAME | list | revoke NAME`. While the server runs, the commands go
//! through its administrator endpoints with a short-lived service token (the embedded store
//! admits one process, and the server's key cache must forget a revoked key); otherwise they
//! open the database directly.

use clap::Subcommand;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{normalize_name, store};
use crate::cli::say;
use crate::config::Config;

#[derive(Subcommand)]
pub enum ApiKeysCommand {
    /// Create a key for a Piston API client; it is printed this once and never again.
    Create { name: String },
    /// List the keys: name, when created, when last used (never the keys themselves).
    List,
    /// Revoke a key; a running server refuses it from the next request on.
    Revoke { name: String },
}

pub async fn run(command: ApiKeysCommand, config: &Config) -> anyhow::Result<()> {
    match crate::cli::running_server(config, std::time::Duration::from_secs(30)).await? {
        Some(server) => over_http(command, &server).await,
        None => direct(command, config).await,
    }
}

async fn over_http(command: ApiKeysCommand, server: &crate::cli::RunningServer) -> anyhow::Result<()> {
    let url = format!("{}/api/admin/apikeys", server.base);
    let request = match &command {
        ApiKeysCommand::Create { name } => server.client.post(&url).json(&json!({ "name": name })),
        ApiKeysCommand::List => server.client.get(&url),
        ApiKeysCommand::Revoke { name } => {
            let name = normalize_name(name).map_err(|e| anyhow::anyhow!("{e}"))?;
            server.client.delete(format!("{url}/{name}"))
        }
    };
    let response = request.bearer_auth(&server.token).send().await?;
    let status = response.status();
    let body: Value = if status == StatusCode::NO_CONTENT { Value::Null } else { response.json().await? };
    if !status.is_success() {
        let message = body["message"].as_str().unwrap_or("no reason given");
        anyhow::bail!("the server at {} refused: {message} ({status})", server.base);
    }
    match command {
        ApiKeysCommand::Create { .. } => {
            let info: store::KeyInfo = serde_json::from_value(body["apiKey"].clone())?;
            let key = body["key"].as_str().ok_or_else(|| anyhow::anyhow!("the server sent no key"))?;
            show_created(&info, key);
        }
        ApiKeysCommand::List => show_list(&serde_json::from_value::<Vec<store::KeyInfo>>(body["apiKeys"].clone())?),
        ApiKeysCommand::Revoke { name } => say!("revoked API key {name}"),
    }
    Ok(())
}

async fn direct(command: ApiKeysCommand, config: &Config) -> anyhow::Result<()> {
    let db = crate::cli::open_db(config).await?;
    match command {
        ApiKeysCommand::Create { name } => {
            let created = super::create(&db, &name).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            show_created(&created.info, &created.key);
        }
        ApiKeysCommand::List => show_list(&store::list(&db).await?),
        ApiKeysCommand::Revoke { name } => {
            let name = normalize_name(&name).map_err(|e| anyhow::anyhow!("{e}"))?;
            anyhow::ensure!(store::revoke(&db, &name).await?, "no API key named {name}");
            say!("revoked API key {name}");
        }
    }
    Ok(())
}

fn show_created(info: &store::KeyInfo, key: &str) {
    say!("created API key {}; it is shown only this once:", info.name);
    say!("{key}");
    say!("clients send it as `Authorization: Bearer <key>`");
}

fn show_list(keys: &[store::KeyInfo]) {
    if keys.is_empty() {
        say!("no API keys");
    }
    for key in keys {
        let last_used = key.last_used_at.as_deref().unwrap_or("never");
        say!("{:<24} created {}  last used {last_used}", key.name, key.created_at);
    }
}
