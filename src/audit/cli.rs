//! `coderoom audit [--since DATE] [--user ID|EMAIL] [--action PREFIX] [--limit N] [--json]`:
//! through the running server's administrator API when there is one (the embedded store
//! admits one process), straight from the database otherwise.

use clap::Args;

use super::{Entry, Filter, ListError};
use crate::cli::say;
use crate::config::Config;

#[derive(Args)]
pub struct AuditArgs {
    /// Entries at or after this date (2026-11-01) or RFC 3339 time.
    #[arg(long)]
    since: Option<String>,
    /// Entries done by or to this user (id or email).
    #[arg(long)]
    user: Option<String>,
    /// Entries whose action starts with this (`auth.`, `user.role_changed`).
    #[arg(long)]
    action: Option<String>,
    /// Most entries to show, newest first (with --json: all of them, as JSON lines).
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Every matching entry as JSON lines (what `GET /api/admin/audit/export` gives).
    #[arg(long)]
    json: bool,
}

pub async fn run(args: AuditArgs, config: &Config) -> anyhow::Result<()> {
    let filter = Filter {
        since: args.since,
        before: None,
        user: args.user,
        action: args.action,
        limit: (!args.json).then_some(args.limit),
    };
    let text = match crate::cli::running_server(config, std::time::Duration::from_secs(60)).await? {
        Some(server) => {
            let path = if args.json { "/api/admin/audit/export" } else { "/api/admin/audit" };
            let query: Vec<(&str, String)> = [
                ("since", filter.since.clone()),
                ("user", filter.user.clone()),
                ("action", filter.action.clone()),
                ("limit", filter.limit.map(|limit| limit.to_string())),
            ]
            .into_iter()
            .filter_map(|(name, value)| value.map(|value| (name, value)))
            .collect();
            let url = reqwest::Url::parse_with_params(&format!("{}{path}", server.base), &query)?;
            let response = server.client.get(url).bearer_auth(&server.token).send().await?;
            let status = response.status();
            let body = response.text().await?;
            if !status.is_success() {
                let message = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|value| value["message"].as_str().map(str::to_owned))
                    .unwrap_or(body);
                anyhow::bail!("the server at {} refused: {message} ({status})", server.base);
            }
            if args.json {
                body
            } else {
                let page: serde_json::Value = serde_json::from_str(&body)?;
                table(&serde_json::from_value::<Vec<Entry>>(page["entries"].clone())?)
            }
        }
        None => {
            let db = crate::cli::open_db(config).await?;
            let read = if args.json {
                super::routes::export_lines(&db, filter).await
            } else {
                super::list(&db, &filter).await.map(|entries| table(&entries))
            };
            read.map_err(|err| match err {
                ListError::Invalid(message) => anyhow::anyhow!(message),
                ListError::Database(err) => err,
            })?
        }
    };
    say!("{}", text.trim_end());
    Ok(())
}

/// One line an entry: when, who, what, to what, from where.
fn table(entries: &[Entry]) -> String {
    if entries.is_empty() {
        return "no audit entries".into();
    }
    entries
        .iter()
        .map(|entry| {
            let actor = entry.actor.as_ref().map_or_else(
                || "-".to_string(),
                |actor| {
                    actor.email.clone().map_or_else(|| actor.name.clone(), |email| format!("{} <{email}>", actor.name))
                },
            );
            let detail = if entry.detail.is_null() { String::new() } else { format!(" {}", entry.detail) };
            format!(
                "{:<30} {:<26} {:<36} {}{}{}",
                entry.at,
                entry.action,
                actor,
                entry.target.as_deref().unwrap_or("-"),
                detail,
                entry.address.as_deref().map(|address| format!(" from {address}")).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
