//! Problems in the database: table `problem`, one record per slug. The record keeps the
//! light part of the definition (`definition`: metadata, statement, visible tests, starter
//! code; hidden tests and solutions left out), the hidden tests as deflated JSON in base64
//! (`hidden_packed`, unpacked only when a submission is judged; the fastest deflate level
//! still shrinks the library's hidden tests from 10 MB to 3.7 MB, which keeps the store, its
//! write-ahead log, its memtable and backups small without slowing the first start), the reference
//! solutions (`solutions`) and the deliberately wrong ones (`rejected`).
//! Built-in problems are seeded on every start (only the missing or changed ones, found by
//! hashing the embedded files, so an unchanged install parses nothing), administrators'
//! edits win over later built-in versions, and a removal leaves a tombstone so that the
//! built-in copy does not come back. `meta:problems.revision` counts changes, so that
//! servers notice edits made by another process.

use std::collections::BTreeMap;

use anyhow::Context;
use serde::Deserialize;
use serde_json::json;

use super::model::{Problem, TestCase};
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

/// A problem as the server keeps it in memory: no hidden tests, no solutions.
pub struct Light {
    pub problem: Problem,
    pub hidden_count: usize,
}

#[derive(Debug, Deserialize)]
struct LightRow {
    definition: Problem,
    #[serde(default)]
    hidden_count: Option<usize>,
}

#[derive(Debug, Deserialize)]
struct FullRow {
    definition: Problem,
    #[serde(default)]
    hidden_packed: Option<String>,
    /// Records written before the tests were packed keep them as plain JSON text here (and
    /// the oldest ones inside `definition`).
    #[serde(default)]
    hidden: Option<String>,
    #[serde(default)]
    solutions: Option<BTreeMap<String, String>>,
    #[serde(default)]
    rejected: Option<BTreeMap<String, String>>,
}

impl FullRow {
    fn into_problem(self) -> anyhow::Result<Problem> {
        let mut problem = self.definition;
        let invalid = || format!("stored hidden tests of `{}` are not valid", problem.slug);
        if let Some(packed) = self.hidden_packed {
            problem.tests.hidden = crate::db::unpack::<Vec<TestCase>>(&packed).with_context(invalid)?;
        } else if let Some(hidden) = self.hidden {
            problem.tests.hidden = serde_json::from_str::<Vec<TestCase>>(&hidden).with_context(invalid)?;
        }
        if let Some(solutions) = self.solutions {
            problem.solutions = solutions;
        }
        if let Some(rejected) = self.rejected {
            problem.rejected = rejected;
        }
        Ok(problem)
    }
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

/// One embedded problem folder: its name and a hash of its raw files.
pub struct BuiltinFolder {
    pub folder: String,
    pub hash: String,
}

/// Inserts built-in problems that are missing and refreshes those still as shipped. Only
/// folders whose hash differs from the stored one are parsed (one at a time) and written.
/// `parse` turns a folder into its problem (`None`: invalid, logged by the caller).
/// Returns how many records changed.
pub async fn seed(
    db: &Db,
    builtins: &[BuiltinFolder],
    mut parse: impl FnMut(&str) -> Option<Problem>,
) -> anyhow::Result<usize> {
    let mut response =
        db.query("SELECT record::id(id) AS id, source, builtin_hash, removed FROM problem").await?.check()?;
    let rows: BTreeMap<String, Row> =
        take_rows::<Row>(&mut response, 0)?.into_iter().map(|row| (row.id.clone(), row)).collect();
    let mut changed = 0;
    for builtin in builtins {
        // Records are keyed by slug, which is the folder's name for every built-in.
        let current = |row: &Row| {
            row.source.as_deref() != Some("builtin")
                || row.removed
                || row.builtin_hash.as_deref() == Some(&builtin.hash)
        };
        if rows.get(&builtin.folder).is_some_and(current) {
            continue;
        }
        tracing::debug!(folder = %builtin.folder, stored = ?rows.get(&builtin.folder), hash = %builtin.hash, "seeding a new or changed built-in problem");
        let Some(problem) = parse(&builtin.folder) else { continue };
        let write = match rows.get(&problem.slug) {
            None => true,
            Some(row) => !current(row),
        };
        if write {
            save(db, &problem, "builtin", Some(&builtin.hash)).await?;
            changed += 1;
        }
    }
    if changed > 0 {
        bump(db).await?;
    }
    Ok(changed)
}

async fn save(db: &Db, problem: &Problem, source: &str, hash: Option<&str>) -> anyhow::Result<()> {
    let hidden = crate::db::pack(&problem.tests.hidden)?;
    let definition = light_fields(problem)?;
    db.query(
        "UPSERT type::record('problem', $slug) CONTENT {
            definition: $definition, hidden_packed: $hidden, hidden_count: $hidden_count, solutions: $solutions,
            rejected: $rejected, source: $source, builtin_hash: $hash, removed: false, updated_at: time::now()
        } RETURN NONE",
    )
    .bind(json!({
        "slug": problem.slug,
        "definition": definition,
        "hidden": hidden,
        "hidden_count": problem.tests.hidden.len(),
        "solutions": problem.solutions,
        "rejected": problem.rejected,
        "source": source,
        "hash": hash,
    }))
    .await?
    .check()?;
    Ok(())
}

/// The definition without hidden tests and solutions (serialised field by field so that the
/// large hidden tests are never copied).
fn light_fields(problem: &Problem) -> anyhow::Result<serde_json::Value> {
    let mut fields = serde_json::to_value(problem.summary())?;
    let rest = json!({
        "description": problem.description,
        "guidance": problem.guidance,
        "signature": problem.signature,
        "compare": problem.compare,
        "constraints": problem.constraints,
        "hints": problem.hints,
        "time_limit_ms": problem.time_limit_ms,
        "mutates": problem.mutates,
        "starter": problem.starter,
        "tests": { "visible": problem.tests.visible, "hidden": [] },
        "solutions": {},
    });
    if let (Some(fields), serde_json::Value::Object(rest)) = (fields.as_object_mut(), rest) {
        fields.extend(rest);
    }
    Ok(fields)
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

/// Every problem that is not removed, without hidden tests and solutions.
pub async fn list_light(db: &Db) -> anyhow::Result<Vec<Light>> {
    let mut response = db.query("SELECT definition, hidden_count FROM problem WHERE removed != true").await?.check()?;
    Ok(take_rows::<LightRow>(&mut response, 0)?
        .into_iter()
        .map(|row| {
            let mut problem = row.definition;
            let hidden_count = row.hidden_count.unwrap_or(problem.tests.hidden.len());
            problem.tests.hidden = Vec::new();
            problem.solutions = BTreeMap::new();
            Light { problem, hidden_count }
        })
        .collect())
}

/// One whole definition (hidden tests and solutions included), if not removed.
pub async fn full(db: &Db, slug: &str) -> anyhow::Result<Option<Problem>> {
    let mut response = db
        .query(
            "SELECT definition, hidden_packed, hidden, solutions, rejected FROM type::record('problem', $slug) WHERE removed != true",
        )
        .bind(json!({ "slug": slug }))
        .await?
        .check()?;
    take_rows::<FullRow>(&mut response, 0)?.into_iter().next().map(FullRow::into_problem).transpose()
}

/// Every whole definition that is not removed.
pub async fn list(db: &Db) -> anyhow::Result<Vec<Problem>> {
    let mut response = db
        .query("SELECT definition, hidden_packed, hidden, solutions, rejected FROM problem WHERE removed != true")
        .await?
        .check()?;
    take_rows::<FullRow>(&mut response, 0)?.into_iter().map(FullRow::into_problem).collect()
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
