//! The problem library: curated problems (shipped in `problems/`, embedded in the binary and
//! seeded into the database), their public views, and the run/submit routes that hand code
//! to the judge. Hidden tests and reference solutions live only in the database and in
//! this process's memory; no response is built from them.

pub mod cli;
pub mod model;
mod routes;
pub mod store;
pub mod types;

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use rust_embed::RustEmbed;
use serde::{Deserialize, Serialize};

use crate::db::Db;
pub use model::Problem;
pub use routes::routes;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ProblemRef {
    pub slug: String,
    pub title: String,
    pub difficulty: Difficulty,
}

/// The problems shipped with the binary.
#[derive(RustEmbed)]
#[folder = "problems/"]
struct Builtin;

/// Parses the embedded problem folders. A broken built-in is a bug caught by the tests;
/// at run time it is skipped with an error in the log rather than stopping the server.
pub fn builtin_problems() -> Vec<Result<Problem, (String, Vec<model::DefinitionError>)>> {
    let mut folders: BTreeMap<String, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
    for path in Builtin::iter() {
        let Some((folder, rest)) = path.split_once('/') else {
            continue;
        };
        if let Some(file) = Builtin::get(&path) {
            folders.entry(folder.to_string()).or_default().insert(rest.to_string(), file.data.into_owned());
        }
    }
    folders
        .into_iter()
        .filter(|(_, files)| files.contains_key(model::PROBLEM_FILE))
        .map(|(folder, files)| Problem::from_files(&files).map_err(|errors| (folder, errors)))
        .collect()
}

/// Problems by slug, as the server currently knows them.
#[derive(Default)]
struct Catalog {
    revision: i64,
    problems: BTreeMap<String, Arc<Problem>>,
}

pub struct Library {
    shared: Arc<Shared>,
}

struct Shared {
    db: Db,
    catalog: RwLock<Arc<Catalog>>,
}

/// How often a server checks whether another process changed the library.
const REFRESH_EVERY: Duration = Duration::from_secs(5);

impl Library {
    /// Seeds the built-in problems (idempotent) and loads the library. Keeps watching the
    /// database's revision counter so that changes made elsewhere apply without a restart.
    pub async fn load(db: &Db) -> anyhow::Result<Self> {
        store::ensure_schema(db).await?;
        let mut builtins = Vec::new();
        for result in builtin_problems() {
            match result {
                Ok(problem) => builtins.push(problem),
                Err((folder, errors)) => {
                    for error in errors {
                        tracing::error!(problem = %folder, "built-in problem is invalid: {error}");
                    }
                }
            }
        }
        let changed = store::seed(db, &builtins).await?;
        if changed > 0 {
            tracing::info!(changed, "problem library seeded");
        }
        let shared = Arc::new(Shared { db: db.clone(), catalog: RwLock::new(Arc::default()) });
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

    pub fn problem(&self, slug: &str) -> Option<Arc<Problem>> {
        self.snapshot().problems.get(slug).cloned()
    }

    /// All problems, easy to hard, then by title.
    pub fn all(&self) -> Vec<Arc<Problem>> {
        let mut all: Vec<_> = self.snapshot().problems.values().cloned().collect();
        all.sort_by(|a, b| (a.difficulty, &a.title).cmp(&(b.difficulty, &b.title)));
        all
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
        let problems =
            store::list(&self.db).await?.into_iter().map(|problem| (problem.slug.clone(), Arc::new(problem))).collect();
        let catalog = Arc::new(Catalog { revision, problems });
        if let Ok(mut slot) = self.catalog.write() {
            *slot = catalog;
        }
        Ok(())
    }
}
