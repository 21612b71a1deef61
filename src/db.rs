//! The database: embedded SurrealKV in the data folder by default, or a remote SurrealDB
//! server. Owns connection set-up, the schema (idempotent, applied at every start) and
//! backup/restore.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use surrealdb::Surreal;
use surrealdb::engine::any::{self, Any};
use surrealdb::opt::auth::Root;

use crate::settings::Secret;

/// The `[database]` section of coderoom.toml.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// Empty: embedded SurrealKV in `<data_dir>/db`. Otherwise `ws://host:port` or `wss://…`.
    pub url: Option<String>,
    pub namespace: String,
    pub database: String,
    /// Root credentials for a remote server (ignored for the embedded store).
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// Retired: SurrealDB 3.3.5 offers no way to size the embedded store's block cache. Still
    /// accepted, so that configuration files written by earlier versions (whose example set
    /// it) keep starting; `Config::warn_retired` says it has no effect.
    #[serde(skip_serializing)]
    pub cache_mb: Option<u64>,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: None,
            namespace: "coderoom".into(),
            database: "main".into(),
            username: None,
            password: None,
            cache_mb: None,
        }
    }
}

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
    // Signed-out tokens, until their own expiry.
    "DEFINE TABLE IF NOT EXISTS revoked_token SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS revoked_token_expiry ON revoked_token FIELDS expires_at;",
    // Invitation links (the record keeps the token's hash only), co-interviewers' seats and who
    // may enter a session. Sessions from before kept today's rule: any signed-in user may join.
    "DEFINE TABLE IF NOT EXISTS session_invite SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS session_invite_token ON session_invite FIELDS token_hash UNIQUE;
     DEFINE INDEX IF NOT EXISTS session_invite_session ON session_invite FIELDS session, created_at;
     UPDATE session SET interviewers = [], interviewer_seats = 0, visibility = 'open' WHERE interviewers = NONE;
     DEFINE FUNCTION OVERWRITE fn::write_session_history($session: object) {
        FOR $person IN array::concat([$session.host], $session.participants, $session.interviewers ?? []) {
            UPSERT type::record('session_history', [record::id($session.id), record::id($person)])
                CONTENT { user: $person, session: $session.id, created_at: $session.created_at };
        };
     };",
    // The interviewer's record: the edit log is kept whole (no longer trimmed at snapshots),
    // logged room events, notes, scorecards and rubrics.
    "DEFINE TABLE IF NOT EXISTS session_event SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS session_event_session ON session_event FIELDS session_id, at_ms;
     DEFINE TABLE IF NOT EXISTS session_note SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS session_note_session ON session_note FIELDS session_id;
     DEFINE TABLE IF NOT EXISTS scorecard SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS scorecard_session ON scorecard FIELDS session_id, status;
     DEFINE TABLE IF NOT EXISTS rubric SCHEMALESS;
     DEFINE TABLE IF NOT EXISTS doc_history SCHEMALESS;",
    // The room's whiteboard: a second shared document, logged and snapshotted like the code.
    "DEFINE TABLE IF NOT EXISTS board_update SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS board_update_session ON board_update FIELDS session_id, seq;
     DEFINE TABLE IF NOT EXISTS board_snapshot SCHEMALESS;",
    // The audit log, read newest first, whole or for one person.
    "DEFINE TABLE IF NOT EXISTS audit SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS audit_at ON audit FIELDS at;
     DEFINE INDEX IF NOT EXISTS audit_actor ON audit FIELDS actor_id, at;",
    // Company sign-ins started and not finished; swept when they expire.
    "DEFINE TABLE IF NOT EXISTS oidc_login SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS oidc_login_expiry ON oidc_login FIELDS expires_at;",
    // What instances sharing a database tell each other about their rooms; swept after a minute.
    "DEFINE TABLE IF NOT EXISTS room_relay SCHEMALESS;
     DEFINE INDEX IF NOT EXISTS room_relay_at ON room_relay FIELDS at_ms;",
];

/// A value as deflated JSON in base64: how large, rarely read values are stored (hidden
/// tests, finished sessions' histories), so the database neither parses nor indexes their
/// insides.
pub fn pack<T: serde::Serialize + ?Sized>(value: &T) -> anyhow::Result<String> {
    use base64::Engine;
    // Buffered: serde_json writes a few bytes at a time, and each write into the encoder
    // is a compression call.
    let encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut writer = std::io::BufWriter::with_capacity(64 * 1024, encoder);
    serde_json::to_writer(&mut writer, value)?;
    let encoder = writer.into_inner().map_err(std::io::IntoInnerError::into_error)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(encoder.finish()?))
}

pub fn unpack<T: serde::de::DeserializeOwned>(packed: &str) -> anyhow::Result<T> {
    use base64::Engine;
    let deflated = base64::engine::general_purpose::STANDARD.decode(packed)?;
    let reader = std::io::BufReader::new(flate2::read::DeflateDecoder::new(deflated.as_slice()));
    Ok(serde_json::from_reader(reader)?)
}

/// Connects, selects the namespace and database, and brings the schema up to date. The
/// embedded store lives in `<data_dir>/db`.
pub async fn connect(config: &DatabaseConfig, data_dir: &Path) -> anyhow::Result<Db> {
    let db = match &config.url {
        Some(url) => {
            let db = any::connect(url.as_str()).await.with_context(|| format!("cannot reach SurrealDB at {url}"))?;
            if let (Some(username), Some(password)) = (&config.username, &config.password) {
                db.signin(Root { username: username.clone(), password: password.to_string() })
                    .await
                    .context("SurrealDB rejected the configured credentials")?;
            }
            db
        }
        None => {
            let path = data_dir.join("db");
            std::fs::create_dir_all(&path).with_context(|| format!("cannot create {}", path.display()))?;
            // `sync=every` makes each acknowledged write durable before the reply.
            let url = format!("surrealkv://{}?sync=every", path.display());
            any::connect(url).await.with_context(|| format!("cannot open the database in {}", path.display()))?
        }
    };
    db.use_ns(config.namespace.clone()).use_db(config.database.clone()).await?;
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

/// Writes every table and record to `file` as SurrealQL, streamed chunk by chunk (see
/// [`BackupFile`]).
pub async fn backup(db: &Db, file: &Path) -> anyhow::Result<u64> {
    let mut export = db.export(()).await.context("cannot start the export")?;
    let mut out = BackupFile::create(file).await?;
    while let Some(chunk) = export.next().await {
        out.write(&chunk.context("the export failed")?).await?;
    }
    out.commit().await
}

/// A backup being written: it holds password hashes and hidden tests, so it is readable by
/// its owner only (0600) from its first byte. It is written to a temporary file in the destination's folder and renamed into
/// place only once complete and on disk, so an interrupted backup never leaves a truncated file
/// under the backup's name (nor replaces an older good one); the folder is synced too, so the
/// rename itself survives a crash. Dropped without [`BackupFile::commit`], the partial file goes.
pub struct BackupFile {
    file: tokio::fs::File,
    partial: PathBuf,
    target: PathBuf,
    written: u64,
    committed: bool,
}

impl BackupFile {
    pub async fn create(target: &Path) -> anyhow::Result<Self> {
        let name = target.file_name().with_context(|| format!("{} is not a file name", target.display()))?;
        let folder = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let partial = folder.join(format!(".{}.{}.partial", name.to_string_lossy(), uuid::Uuid::new_v4().simple()));
        let mut options = tokio::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        options.mode(0o600);
        let file = options.open(&partial).await.with_context(|| format!("cannot create {}", partial.display()))?;
        Ok(Self { file, partial, target: target.to_path_buf(), written: 0, committed: false })
    }

    pub async fn write(&mut self, chunk: &[u8]) -> anyhow::Result<()> {
        use tokio::io::AsyncWriteExt;
        self.file.write_all(chunk).await.with_context(|| format!("cannot write {}", self.partial.display()))?;
        self.written += chunk.len() as u64;
        Ok(())
    }

    /// Puts the complete backup in place; returns its size in bytes.
    pub async fn commit(mut self) -> anyhow::Result<u64> {
        use tokio::io::AsyncWriteExt;
        self.file.flush().await?;
        self.file.sync_all().await.with_context(|| format!("cannot sync {}", self.partial.display()))?;
        tokio::fs::rename(&self.partial, &self.target)
            .await
            .with_context(|| format!("cannot move the backup into place at {}", self.target.display()))?;
        self.committed = true;
        if let Some(folder) = self.target.parent().filter(|parent| !parent.as_os_str().is_empty()) {
            let dir =
                tokio::fs::File::open(folder).await.with_context(|| format!("cannot open {}", folder.display()))?;
            dir.sync_all().await.with_context(|| format!("cannot sync the folder {}", folder.display()))?;
        }
        Ok(self.written)
    }
}

impl Drop for BackupFile {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// Loads a file written by [`backup`] into an empty database. A database that already holds
/// accounts, sessions, invitations or imported problems is refused unless `force`, which
/// first removes every table so that the backup replaces what was there.
pub async fn restore(db: &Db, file: &Path, force: bool) -> anyhow::Result<()> {
    anyhow::ensure!(file.is_file(), "backup file {} does not exist", file.display());
    if force {
        remove_all_tables(db).await?;
    } else {
        let held = held_data(db).await?;
        anyhow::ensure!(
            held.is_empty(),
            "the database already holds {}: a restore would collide with it. Restore into an empty data \
             folder (--data-dir), or pass --force to delete everything there and load the backup instead",
            held.join(", ")
        );
    }
    db.import(file).await.with_context(|| format!("cannot restore from {}", file.display()))?;
    migrate(db).await
}

async fn remove_all_tables(db: &Db) -> anyhow::Result<()> {
    let mut response = db.query("INFO FOR DB").await?.check()?;
    let info: surrealdb::types::Value = response.take(0)?;
    let info = info.into_json_value();
    let tables: Vec<String> =
        info["tables"].as_object().map(|tables| tables.keys().cloned().collect()).unwrap_or_default();
    for table in tables {
        // Names come from the database itself; quoting keeps any character literal.
        let quoted = table.replace('`', "");
        db.query(format!("REMOVE TABLE IF EXISTS `{quoted}`"))
            .await?
            .check()
            .with_context(|| format!("cannot clear the table {table}"))?;
    }
    Ok(())
}

/// Which kinds of records people created are in the database (built-in problems do not count).
/// The `problem` table is the library's own (`problems::store`); whoever opens the database
/// for a command ensures its schema.
async fn held_data(db: &Db) -> anyhow::Result<Vec<&'static str>> {
    let mut response = db
        .query(
            "SELECT VALUE id FROM user LIMIT 1;
             SELECT VALUE id FROM session LIMIT 1;
             SELECT VALUE id FROM invite LIMIT 1;
             SELECT VALUE id FROM problem WHERE source != 'builtin' LIMIT 1;",
        )
        .await?
        .check()?;
    let mut held = Vec::new();
    for (index, what) in ["accounts", "sessions", "invitations", "imported problems"].into_iter().enumerate() {
        if !take_rows::<serde_json::Value>(&mut response, index)?.is_empty() {
            held.push(what);
        }
    }
    Ok(held)
}

/// Runs a statement again while it loses an optimistic-transaction race (up to 20 times, a
/// little longer after each): a concurrent write to the same record aborts one of the two
/// transactions, and running the loser again sees the winner's result. The database gives
/// every write conflict this kind, whether it struck while the statement ran or at commit.
pub async fn retrying_conflicts<T, F, Fut>(mut run: F) -> surrealdb::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = surrealdb::Result<T>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match run().await {
            Err(err)
                if attempt < 20
                    && matches!(err.query_details(), Some(surrealdb::types::QueryError::TransactionConflict)) =>
            {
                tokio::time::sleep(std::time::Duration::from_millis(2 * attempt)).await;
            }
            result => return result,
        }
    }
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
