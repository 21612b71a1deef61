//! The problem library: curated problems with visible and hidden tests.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::AppState;
use crate::db::Db;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Serialize)]
pub struct ProblemSummary {
    pub slug: String,
    pub title: String,
    pub difficulty: Difficulty,
    pub category: String,
    pub tags: Vec<String>,
    pub summary: String,
}

pub struct Library {
    problems: Vec<ProblemSummary>,
}

impl Library {
    pub async fn load(_db: &Db) -> anyhow::Result<Self> {
        let entry = |slug: &str, title: &str, difficulty, category: &str, summary: &str| ProblemSummary {
            slug: slug.into(),
            title: title.into(),
            difficulty,
            category: category.into(),
            tags: Vec::new(),
            summary: summary.into(),
        };
        Ok(Self {
            problems: vec![
                entry(
                    "two-sum",
                    "Two Sum",
                    Difficulty::Easy,
                    "Array • Hash Table",
                    "Find two numbers that add up to a target.",
                ),
                entry(
                    "reverse-string",
                    "Reverse String",
                    Difficulty::Easy,
                    "String • Two Pointers",
                    "Reverse an array of characters in place.",
                ),
                entry(
                    "valid-palindrome",
                    "Valid Palindrome",
                    Difficulty::Easy,
                    "String • Two Pointers",
                    "Decide whether a phrase reads the same both ways.",
                ),
                entry(
                    "maximum-subarray",
                    "Maximum Subarray",
                    Difficulty::Medium,
                    "Array • Dynamic Programming",
                    "Find the contiguous subarray with the largest sum.",
                ),
                entry(
                    "container-with-most-water",
                    "Container With Most Water",
                    Difficulty::Medium,
                    "Array • Two Pointers",
                    "Pick two lines that hold the most water.",
                ),
            ],
        })
    }

    pub fn get(&self, slug: &str) -> Option<ProblemRef> {
        self.problems.iter().find(|p| p.slug == slug).map(|p| ProblemRef {
            slug: p.slug.clone(),
            title: p.title.clone(),
            difficulty: p.difficulty,
        })
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/problems", get(list)).route("/problems/{slug}", get(show))
}

async fn list(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(json!({ "problems": state.problems.problems }))
}

async fn show(State(state): State<AppState>, Path(slug): Path<String>) -> AppResult<Json<serde_json::Value>> {
    let problem = state
        .problems
        .problems
        .iter()
        .find(|p| p.slug == slug)
        .ok_or_else(|| AppError::not_found("Problem not found"))?;
    Ok(Json(json!({ "problem": problem })))
}
