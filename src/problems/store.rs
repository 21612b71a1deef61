//! Problems in the database: table `problem`, one record per slug holding the whole
//! definition. Built-in problems are seeded on every start (only the missing or changed
//! ones), administrators' edits win over later built-in versions, and a removal leaves a
//! tombstone so that the built-in copy does not come back. `meta:problems.revision` counts
//! changes, so that servers notice edits made by another process.

use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::model::Problem;
use crate::db::{Db, take_rows};

#[derive(Debug, Deserialize)]
struct Row {
    id: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    builtin_hash: Option<String>,
    #[serde(default)]
    removed: bool,
}

#[derive(Debug, Deserialize)]
struct DefinitionRow {
    definition: Problem,
}

pub fn fingerprint(problem: &Problem) -> String {
    let bytes = serde_json::to_vec(problem).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}

pub async fn ensure_schema(db: &Db) -> anyhow::Result<()> {
    db.query(
        "DEFINE TABLE IF NOT EXISTS problem SCHEMALESS;
         DEFINE TABLE IF NOT EXISTS submission SCHEMALESS;
         DEFINE INDEX IF NOT EXISTS submission_session ON submission FIELDS session, created_at;
         DEFINE INDEX IF NOT EXISTS submission_user ON submission FIELDS user, created_at;",
    )
    .await?
    .check()?;
    Ok(())
}

/// Inserts built-in problems that are missing and refreshes those still as shipped.
/// Returns how many records changed.
pub async fn seed(db: &Db, builtins: &[Problem]) -> anyhow::Result<usize> {
    let mut response =
        db.query("SELECT record::id(id) AS id, source, builtin_hash, removed FROM problem").await?.check()?;
    let rows: Vec<Row> = take_rows(&mut response, 0)?;
    let mut changed = 0;
    for problem in builtins {
        let hash = fingerprint(problem);
        let write = match rows.iter().find(|row| row.id == problem.slug) {
            None => true,
            Some(row) => {
                row.source.as_deref() == Some("builtin") && !row.removed && row.builtin_hash.as_deref() != Some(&hash)
            }
        };
        if write {
            save(db, problem, "builtin", Some(&hash)).await?;
            changed += 1;
        }
    }
    if changed > 0 {
        bump(db).await?;
    }
    Ok(changed)
}

async fn save(db: &Db, problem: &Problem, source: &str, hash: Option<&str>) -> anyhow::Result<()> {
    db.query(
        "UPSERT type::record('problem', $slug) CONTENT {
            definition: $definition, source: $source, builtin_hash: $hash, removed: false, updated_at: time::now()
        } RETURN NONE",
    )
    .bind(json!({ "slug": problem.slug, "definition": problem, "source": source, "hash": hash }))
    .await?
    .check()?;
    Ok(())
}

async fn bump(db: &Db) -> anyhow::Result<()> {
    db.query("UPSERT meta:problems SET revision = (revision OR 0) + 1 RETURN NONE").await?.check()?;
    Ok(())
}

pub async fn revision(db: &Db) -> anyhow::Result<i64> {
    let mut response = db.query("SELECT VALUE revision FROM meta:problems").await?.check()?;
    let values: Vec<serde_json::Value> = response.take(0)?;
    Ok(values.first().and_then(serde_json::Value::as_i64).unwrap_or(0))
}

/// Every problem that is not removed.
pub async fn list(db: &Db) -> anyhow::Result<Vec<Problem>> {
    let mut response = db.query("SELECT definition FROM problem WHERE removed != true").await?.check()?;
    Ok(take_rows::<DefinitionRow>(&mut response, 0)?.into_iter().map(|row| row.definition).collect())
}

/// Adds or replaces a problem as an administrator's version.
pub async fn upsert(db: &Db, problem: &Problem) -> anyhow::Result<()> {
    save(db, problem, "admin", None).await?;
    bump(db).await
}

/// Marks a problem removed; false when there was none.
pub async fn remove(db: &Db, slug: &str) -> anyhow::Result<bool> {
    let mut response = db
        .query(
            "SELECT VALUE record::id(id) FROM type::record('problem', $slug) WHERE removed != true;
             UPDATE type::record('problem', $slug) SET removed = true, updated_at = time::now() RETURN NONE;",
        )
        .bind(json!({ "slug": slug }))
        .await?
        .check()?;
    let rows: Vec<serde_json::Value> = take_rows(&mut response, 0)?;
    if !rows.is_empty() {
        bump(db).await?;
    }
    Ok(!rows.is_empty())
}
