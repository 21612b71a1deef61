//! The database: embedded SurrealKV in the data folder by default, or a remote SurrealDB
//! server. Owns connection set-up, the schema (idempotent, applied at every start) and
//! backup/restore.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use surrealdb::Surreal;
use surrealdb::engine::any::{self, Any};
use surrealdb::opt::auth::Root;

use crate::config::Config;

/// Shared by reference counting, never by `Surreal::clone`: cloning a SurrealDB handle opens
/// a new database session (an event queued to the engine and state kept until the clone is
/// dropped), which, done once per HTTP request through the router state, cost ~1 KiB of
/// memory per request under load.
pub type Db = Arc<Surreal<Any>>;

/// Schema version history. Every statement is idempotent (`IF NOT EXISTS`), so applying the
/// whole list on each start is safe; new entries are only ever appended.
const MIGRATIONS: &[&str] = &[
    "DEFINE TABLE IF NOT EXISTS user SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS user_email ON user FIELDS email UNIQUE;
     DEFINE TABLE IF NOT EXISTS session SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS session_status ON session FIELDS status, created_at;
     DEFINE INDEX IF NOT EXISTS session_host ON session FIELDS host;
     DEFINE TABLE IF NOT EXISTS invite SCHEMALESS;
     DEFINE TABLE IF NOT EXISTS meta SCHEMALESS;",
    // Webhook deliveries already handled (Svix repeats deliveries; each id is acted on once).
    "DEFINE TABLE IF NOT EXISTS webhook_delivery SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS webhook_delivery_received ON webhook_delivery FIELDS received_at;",
    // Real-time rooms: the shared document (update log + snapshot) and chat.
    "DEFINE TABLE IF NOT EXISTS doc_update SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS doc_update_session ON doc_update FIELDS session_id, seq;
     DEFINE TABLE IF NOT EXISTS doc_snapshot SCHEMALESS;
     DEFINE TABLE IF NOT EXISTS chat_message SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS chat_message_session ON chat_message FIELDS session_id, created_at;",
    // Session look-ups that stay one index range however long the history grows: a host's
    // active sessions are counted on (host, status), and each completed session gets one
    // `session_history` row per person, written by an event in the transaction that completes
    // it, so "my recent sessions" reads the person's own rows newest first. While the history is
    // empty (a data folder from before it existed, or an older backup just restored), it is
    // rebuilt from the completed sessions.
    "DEFINE INDEX IF NOT EXISTS session_host_status ON session FIELDS host, status;
     REMOVE INDEX IF EXISTS session_host ON session;
     DEFINE TABLE IF NOT EXISTS session_history SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS session_history_user ON session_history FIELDS user, created_at;
     DEFINE FUNCTION IF NOT EXISTS fn::write_session_history($session: object) {
        FOR $person IN array::concat([$session.host], $session.participants) {
            UPSERT type::record('session_history', [record::id($session.id), record::id($person)])
                CONTENT { user: $person, session: $session.id, created_at: $session.created_at };
        };
     };
     DEFINE EVENT IF NOT EXISTS session_history_on_end ON session
        WHEN $before.status = 'active' AND $after.status = 'completed'
        THEN fn::write_session_history($after);
     IF array::len(SELECT VALUE id FROM session_history LIMIT 1) = 0 {
        FOR $session IN (SELECT id, host, participants, created_at FROM session WHERE status = 'completed') {
            fn::write_session_history($session);
        };
     };",
    // API keys of the Piston API: the record id is the SHA-256 of the key (one point read per
    // lookup); names are unique.
    "DEFINE TABLE IF NOT EXISTS api_key SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS api_key_name ON api_key FIELDS name UNIQUE;",
];

/// Connects, selects the namespace and database, and brings the schema up to date.
pub async fn connect(config: &Config) -> anyhow::Result<Db> {
    let db = match &config.database.url {
        Some(url) => {
            let db = any::connect(url.as_str()).await.with_context(|| format!("cannot reach SurrealDB at {url}"))?;
            if let (Some(username), Some(password)) = (&config.database.username, &config.database.password) {
                db.signin(Root { username: username.clone(), password: password.clone() })
                    .await
                    .context("SurrealDB rejected the configured credentials")?;
            }
            db
        }
        None => {
            let path = config.data_dir.join("db");
            std::fs::create_dir_all(&path).with_context(|| format!("cannot create {}", path.display()))?;
            // `sync=every` makes each acknowledged write durable before the reply.
            let url = format!("surrealkv://{}?sync=every", path.display());
            any::connect(url).await.with_context(|| format!("cannot open the database in {}", path.display()))?
        }
    };
    db.use_ns(config.database.namespace.clone()).use_db(config.database.database.clone()).await?;
    let db = Arc::new(db);
    migrate(&db).await?;
    Ok(db)
}

async fn migrate(db: &Db) -> anyhow::Result<()> {
    for (index, migration) in MIGRATIONS.iter().enumerate() {
        db.query(*migration)
            .await
            .and_then(|response| response.check())
            .with_context(|| format!("schema migration {} failed", index + 1))?;
    }
    Ok(())
}

/// Writes every table and record to `file` as SurrealQL.
pub async fn backup(db: &Db, file: &Path) -> anyhow::Result<()> {
    db.export(file).await.with_context(|| format!("cannot write backup to {}", file.display()))?;
    Ok(())
}

/// Loads a file written by [`backup`].
pub async fn restore(db: &Db, file: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(file.exists(), "backup file {} does not exist", file.display());
    db.import(file).await.with_context(|| format!("cannot restore from {}", file.display()))?;
    migrate(db).await
}

/// Readiness probe: a trivial query that must round-trip through the store.
pub async fn ping(db: &Db) -> anyhow::Result<()> {
    db.query("RETURN 1").await?.check()?;
    Ok(())
}

/// Reads statement `index` of a response as rows of `T`, going through JSON so that row
/// types are ordinary serde structs.
pub fn take_rows<T: serde::de::DeserializeOwned>(
    response: &mut surrealdb::IndexedResults,
    index: usize,
) -> anyhow::Result<Vec<T>> {
    let value: surrealdb::types::Value = response.take(index)?;
    let rows = match value.into_json_value() {
        serde_json::Value::Null => Vec::new(),
        serde_json::Value::Array(rows) => rows,
        single => vec![single],
    };
    rows.into_iter().map(|row| serde_json::from_value(row).context("unexpected row shape")).collect()
}
