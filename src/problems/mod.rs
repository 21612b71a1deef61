//! The problem library: curated problems (shipped in `problems/`, embedded in the binary and
//! seeded into the database), their public views, and the run/submit routes that hand code
//! to the judge. Hidden tests and reference solutions live in the database; this process
//! reads them only to judge a submission (or for the administration API) and builds no
//! public response from them.

pub mod cli;
pub mod model;
mod routes;
pub mod store;
pub mod types;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::Duration;

use rust_embed::RustEmbed;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::Db;
use crate::memory;
pub use model::Problem;
pub use routes::routes;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    Medium,
    Hard,
}

impl Difficulty {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Easy => "easy",
            Self::Medium => "medium",
            Self::Hard => "hard",
        }
    }
}

/// How a session names its problem.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct ProblemRef {
    pub slug: String,
    pub title: String,
    pub difficulty: Difficulty,
}

/// What the interviewers are told about a problem: what to look for, follow-up questions
/// (Markdown; empty when the problem has none). Never shown to candidates.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Guidance {
    pub guidance: String,
}

/// The problems shipped with the binary.
#[derive(RustEmbed)]
#[folder = "problems/"]
struct Builtin;

/// The files of one embedded problem folder.
fn builtin_files(folder: &str) -> BTreeMap<String, Vec<u8>> {
    let prefix = format!("{folder}/");
    Builtin::iter()
        .filter_map(|path| {
            let rest = path.strip_prefix(&prefix)?.to_string();
            Builtin::get(&path).map(|file| (rest, file.data.into_owned()))
        })
        .collect()
}

/// The embedded problem folders (those with a `problem.toml`), each with a hash of its raw
/// files computed from the hashes rust-embed stores at build time: nothing is parsed.
fn builtin_folders() -> Vec<store::BuiltinFolder> {
    let mut folders: BTreeMap<String, Sha256> = BTreeMap::new();
    let mut with_meta = BTreeSet::new();
    for path in Builtin::iter() {
        let Some((folder, rest)) = path.split_once('/') else {
            continue;
        };
        if rest == model::PROBLEM_FILE {
            with_meta.insert(folder.to_string());
        }
        if let Some(file) = Builtin::get(&path) {
            let hasher = folders.entry(folder.to_string()).or_default();
            hasher.update(rest.as_bytes());
            hasher.update([0]);
            hasher.update(file.metadata.sha256_hash());
        }
    }
    folders
        .into_iter()
        .filter(|(folder, _)| with_meta.contains(folder))
        .map(|(folder, hasher)| store::BuiltinFolder { folder, hash: hex::encode(hasher.finalize()) })
        .collect()
}

/// Parses one embedded folder; an invalid one is logged and skipped. The folder's embedded
/// bytes are not needed again once it is stored, so their pages are released.
fn parse_builtin(folder: &str) -> Option<Problem> {
    let parsed = Problem::from_files(&builtin_files(folder));
    let prefix = format!("{folder}/");
    for path in Builtin::iter().filter(|path| path.starts_with(&prefix)) {
        if let Some(Cow::Borrowed(data)) = Builtin::get(&path).map(|file| file.data) {
            memory::release_embedded(data);
        }
    }
    match parsed {
        Ok(problem) => Some(problem),
        Err(errors) => {
            for error in errors {
                tracing::error!(problem = %folder, "built-in problem is invalid: {error}");
            }
            None
        }
    }
}

/// Seeds the built-in problems (idempotent, parsing only the new or changed ones).
pub async fn seed_builtins(db: &Db) -> anyhow::Result<usize> {
    store::seed(db, &builtin_folders(), parse_builtin).await
}

/// Parses the embedded problem folders. A broken built-in is a bug caught by the tests;
/// at run time it is skipped with an error in the log rather than stopping the server.
pub fn builtin_problems() -> Vec<Result<Problem, (String, Vec<model::DefinitionError>)>> {
    builtin_folders()
        .into_iter()
        .map(|builtin| Problem::from_files(&builtin_files(&builtin.folder)).map_err(|errors| (builtin.folder, errors)))
        .collect()
}

/// Problems by slug, as the server currently knows them: metadata, statement, visible tests
/// and starter code only. Hidden tests and solutions stay in the database until a
/// submission is judged.
#[derive(Default)]
struct Catalog {
    revision: i64,
    problems: BTreeMap<String, Arc<Problem>>,
    hidden_counts: BTreeMap<String, usize>,
}

pub struct Library {
    shared: Arc<Shared>,
}

struct Shared {
    db: Db,
    catalog: RwLock<Arc<Catalog>>,
    /// The last whole definitions judged, by slug, for the catalog revision they were read at.
    full: Mutex<Vec<(i64, Arc<Problem>)>>,
}

/// How often a server checks whether another process changed the library.
const REFRESH_EVERY: Duration = Duration::from_secs(5);

/// How many whole definitions (hidden tests included) stay cached for judging.
const FULL_CACHE: usize = 2;

impl Library {
    /// Seeds the built-in problems (idempotent) and loads the library. Keeps watching the
    /// database's revision counter so that changes made elsewhere apply without a restart.
    pub async fn load(db: &Db) -> anyhow::Result<Self> {
        store::ensure_schema(db).await?;
        let changed = seed_builtins(db).await?;
        if changed > 0 {
            tracing::info!(changed, "problem library seeded");
        }
        let shared =
            Arc::new(Shared { db: db.clone(), catalog: RwLock::new(Arc::default()), full: Mutex::new(Vec::new()) });
        shared.reload().await?;
        watch(Arc::downgrade(&shared));
        Ok(Self { shared })
    }

    pub async fn reload(&self) -> anyhow::Result<()> {
        self.shared.reload().await
    }

    fn snapshot(&self) -> Arc<Catalog> {
        self.shared.catalog.read().map(|catalog| catalog.clone()).unwrap_or_default()
    }

    pub fn get(&self, slug: &str) -> Option<ProblemRef> {
        self.problem(slug).map(|p| ProblemRef {
            slug: p.slug.clone(),
            title: p.title.clone(),
            difficulty: p.difficulty,
        })
    }

    /// The problem without its hidden tests and solutions (see [`Library::full`]).
    pub fn problem(&self, slug: &str) -> Option<Arc<Problem>> {
        self.snapshot().problems.get(slug).cloned()
    }

    /// How many hidden tests the problem has.
    pub fn hidden_count(&self, slug: &str) -> usize {
        self.snapshot().hidden_counts.get(slug).copied().unwrap_or(0)
    }

    /// The whole definition, hidden tests and solutions included, read from the database
    /// (the last few are cached until the library changes).
    pub async fn full(&self, slug: &str) -> anyhow::Result<Option<Arc<Problem>>> {
        let catalog = self.snapshot();
        if !catalog.problems.contains_key(slug) {
            return Ok(None);
        }
        let revision = catalog.revision;
        if let Some(problem) = self.cached_full(revision, slug) {
            return Ok(Some(problem));
        }
        let Some(problem) = store::full(&self.shared.db, slug).await? else {
            return Ok(None);
        };
        let problem = Arc::new(problem);
        if let Ok(mut cache) = self.shared.full.lock() {
            cache.retain(|(at, p)| *at == revision && p.slug != slug);
            if cache.len() >= FULL_CACHE {
                cache.remove(0);
            }
            cache.push((revision, problem.clone()));
        }
        Ok(Some(problem))
    }

    fn cached_full(&self, revision: i64, slug: &str) -> Option<Arc<Problem>> {
        let cache = self.shared.full.lock().ok()?;
        cache.iter().find(|(at, p)| *at == revision && p.slug == slug).map(|(_, p)| p.clone())
    }

    /// All problems, easy to hard, then by title (without hidden tests and solutions).
    pub fn all(&self) -> Vec<Arc<Problem>> {
        let mut all: Vec<_> = self.snapshot().problems.values().cloned().collect();
        all.sort_by(|a, b| (a.difficulty, &a.title).cmp(&(b.difficulty, &b.title)));
        all
    }

    /// All whole definitions, easy to hard, then by title, read from the database.
    pub async fn all_full(&self) -> anyhow::Result<Vec<Problem>> {
        let mut all = store::list(&self.shared.db).await?;
        all.sort_by(|a, b| (a.difficulty, &a.title).cmp(&(b.difficulty, &b.title)));
        Ok(all)
    }

    pub async fn upsert(&self, problem: &Problem) -> anyhow::Result<()> {
        store::upsert(&self.shared.db, problem).await?;
        self.reload().await
    }

    pub async fn remove(&self, slug: &str) -> anyhow::Result<bool> {
        let removed = store::remove(&self.shared.db, slug).await?;
        self.reload().await?;
        Ok(removed)
    }
}

/// Reloads when another process changed the library; stops when the library is dropped.
fn watch(weak: Weak<Shared>) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(REFRESH_EVERY).await;
            let Some(shared) = weak.upgrade() else { break };
            if let Err(err) = shared.refresh_if_changed().await {
                tracing::warn!(error = %err, "cannot refresh the problem library");
            }
        }
    });
}

impl Shared {
    async fn refresh_if_changed(&self) -> anyhow::Result<()> {
        let current = self.catalog.read().map(|catalog| catalog.revision).unwrap_or(-1);
        if store::revision(&self.db).await? != current {
            self.reload().await?;
        }
        Ok(())
    }

    async fn reload(&self) -> anyhow::Result<()> {
        let revision = store::revision(&self.db).await?;
        let mut problems = BTreeMap::new();
        let mut hidden_counts = BTreeMap::new();
        for light in store::list_light(&self.db).await? {
            hidden_counts.insert(light.problem.slug.clone(), light.hidden_count);
            problems.insert(light.problem.slug.clone(), Arc::new(light.problem));
        }
        let catalog = Arc::new(Catalog { revision, problems, hidden_counts });
        if let Ok(mut slot) = self.catalog.write() {
            *slot = catalog;
        }
        if let Ok(mut full) = self.full.lock() {
            full.retain(|(at, _)| *at == revision);
        }
        Ok(())
    }
}
