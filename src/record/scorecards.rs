//! Scorecards (table `scorecard`, one record per session and interviewer): ratings 1–4 per
//! criterion of a rubric, an overall recommendation and comments. A draft is editable; a
//! submitted one is locked until an administrator reopens it. The criteria are copied into the
//! scorecard when it is first saved, so that editing or removing a rubric never changes what
//! an interviewer rated.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::rubrics::{self, Criterion};
use crate::db::{Db, take_rows};
use crate::realtime::store::Author;

const MAX_COMMENTS: usize = 20_000;

/// The interviewer's overall recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    StrongNo,
    No,
    Yes,
    StrongYes,
}

impl Recommendation {
    pub fn label(self) -> &'static str {
        match self {
            Self::StrongNo => "Strong no",
            Self::No => "No",
            Self::Yes => "Yes",
            Self::StrongYes => "Strong yes",
        }
    }
}

/// A draft is editable by its author; a submitted scorecard is locked until an administrator
/// reopens it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = ScorecardStatus)]
pub enum Status {
    Draft,
    Submitted,
}

/// The rubric as it was when the scorecard was first saved.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RubricCopy {
    pub id: String,
    pub name: String,
    pub criteria: Vec<Criterion>,
}

/// One interviewer's scorecard on a session.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Scorecard {
    pub rubric_id: String,
    pub rubric: RubricCopy,
    /// Criterion id → rating, 1 (weak) to 4 (strong).
    pub ratings: BTreeMap<String, u8>,
    /// `null` until given.
    pub recommendation: Option<Recommendation>,
    pub comments: String,
    pub status: Status,
    /// `null` for a blank draft that was never saved.
    pub updated_at: Option<String>,
    /// `null` unless submitted.
    pub submitted_at: Option<String>,
}

/// Someone's scorecard, as the scorecards listing shows it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthoredScorecard {
    pub user: Author,
    #[serde(flatten)]
    pub scorecard: Scorecard,
}

/// A draft scorecard to save: it replaces the ratings, recommendation and comments.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ScorecardInput {
    /// Another rubric to rate against; the draft's own (or the default) when absent.
    #[serde(default)]
    pub rubric_id: Option<String>,
    /// Criterion id → rating, 1 (weak) to 4 (strong).
    #[serde(default)]
    pub ratings: BTreeMap<String, u8>,
    #[serde(default)]
    pub recommendation: Option<Recommendation>,
    /// At most 20,000 characters.
    #[serde(default)]
    pub comments: String,
}

const VIEW: &str = "rubric_id AS rubricId, rubric, ratings, recommendation, comments, status,
    <string> updated_at AS updatedAt, IF submitted_at THEN <string> submitted_at ELSE NULL END AS submittedAt";

pub async fn own(db: &Db, session_id: &str, user_id: &str) -> anyhow::Result<Option<Scorecard>> {
    let mut response = db
        .query(format!("SELECT {VIEW} FROM type::record('scorecard', [$sid, $user])"))
        .bind(json!({ "sid": session_id, "user": user_id }))
        .await?
        .check()?;
    Ok(take_rows(&mut response, 0)?.pop())
}

/// A blank draft on the default rubric, for one who has not saved a scorecard yet.
pub async fn blank(db: &Db) -> anyhow::Result<Scorecard> {
    let rubric = rubrics::default_rubric(db).await?;
    Ok(Scorecard {
        rubric_id: rubric.id.clone(),
        rubric: RubricCopy { id: rubric.id, name: rubric.name, criteria: rubric.criteria },
        ratings: BTreeMap::new(),
        recommendation: None,
        comments: String::new(),
        status: Status::Draft,
        updated_at: None,
        submitted_at: None,
    })
}

/// What a save changes, after checking it against the rubric.
pub enum Saved {
    Done(Scorecard),
    Locked,
    Invalid(String),
}

/// Saves a draft: the rubric given (or the one the draft has, or the default), ratings of its
/// criteria 1–4. Refused once submitted; the check and the write are one statement.
pub async fn save(db: &Db, session_id: &str, user_id: &str, input: ScorecardInput) -> anyhow::Result<Saved> {
    let current = match own(db, session_id, user_id).await? {
        Some(card) if card.status == Status::Submitted => return Ok(Saved::Locked),
        Some(card) => card,
        None => blank(db).await?,
    };
    let rubric = match input.rubric_id.as_deref() {
        Some(id) if id != current.rubric_id => match rubrics::find(db, id).await? {
            Some(rubric) => RubricCopy { id: rubric.id, name: rubric.name, criteria: rubric.criteria },
            None => return Ok(Saved::Invalid(format!("Unknown rubric `{id}`"))),
        },
        _ => current.rubric,
    };
    for (criterion, rating) in &input.ratings {
        if !rubric.criteria.iter().any(|c| c.id == *criterion) {
            return Ok(Saved::Invalid(format!("`{criterion}` is not a criterion of the rubric `{}`", rubric.id)));
        }
        if !(1..=4).contains(rating) {
            return Ok(Saved::Invalid(format!("Ratings are 1 to 4 (`{criterion}` got {rating})")));
        }
    }
    if input.comments.chars().count() > MAX_COMMENTS {
        return Ok(Saved::Invalid(format!("Comments are at most {MAX_COMMENTS} characters")));
    }
    let mut response = db
        .query(format!(
            "UPSERT type::record('scorecard', [$sid, $user]) MERGE {{
                session_id: $sid, user: type::record('user', $user), rubric_id: $rubric.id, rubric: $rubric,
                ratings: $ratings, recommendation: $recommendation, comments: $comments,
                status: 'draft', updated_at: time::now()
            }} WHERE status = NONE OR status = 'draft' RETURN NONE;
            SELECT {VIEW} FROM type::record('scorecard', [$sid, $user]);"
        ))
        .bind(json!({
            "sid": session_id, "user": user_id, "rubric": rubric, "ratings": input.ratings,
            "recommendation": input.recommendation, "comments": input.comments,
        }))
        .await?
        .check()?;
    let saved = take_rows::<Scorecard>(&mut response, 1)?.pop().ok_or_else(|| anyhow::anyhow!("not saved"))?;
    // A submit between the read above and the write leaves the submitted card untouched.
    Ok(if saved.status == Status::Submitted { Saved::Locked } else { Saved::Done(saved) })
}

pub enum Submitted {
    Done(Scorecard),
    Already,
    Incomplete(String),
}

pub async fn submit(db: &Db, session_id: &str, user_id: &str) -> anyhow::Result<Submitted> {
    let card = match own(db, session_id, user_id).await? {
        Some(card) if card.status == Status::Submitted => return Ok(Submitted::Already),
        Some(card) => card,
        None => return Ok(Submitted::Incomplete("Rate every criterion and give a recommendation first".into())),
    };
    let unrated: Vec<&str> =
        card.rubric.criteria.iter().filter(|c| !card.ratings.contains_key(&c.id)).map(|c| c.name.as_str()).collect();
    if !unrated.is_empty() {
        return Ok(Submitted::Incomplete(format!("Rate every criterion first: {}", unrated.join(", "))));
    }
    if card.recommendation.is_none() {
        return Ok(Submitted::Incomplete("Give an overall recommendation first".into()));
    }
    let mut response = db
        .query(format!(
            "UPDATE type::record('scorecard', [$sid, $user]) SET status = 'submitted', submitted_at = time::now()
                WHERE status = 'draft' RETURN NONE;
             SELECT {VIEW} FROM type::record('scorecard', [$sid, $user]);"
        ))
        .bind(json!({ "sid": session_id, "user": user_id }))
        .await?
        .check()?;
    let card = take_rows::<Scorecard>(&mut response, 1)?.pop().ok_or_else(|| anyhow::anyhow!("not submitted"))?;
    Ok(Submitted::Done(card))
}

/// Turns a submitted scorecard back into a draft; `None` when there is none.
pub async fn reopen(db: &Db, session_id: &str, user_id: &str) -> anyhow::Result<Option<Scorecard>> {
    let mut response = db
        .query(format!(
            "UPDATE type::record('scorecard', [$sid, $user]) SET status = 'draft', submitted_at = NONE
                WHERE status != NONE RETURN NONE;
             SELECT {VIEW} FROM type::record('scorecard', [$sid, $user]);"
        ))
        .bind(json!({ "sid": session_id, "user": user_id }))
        .await?
        .check()?;
    Ok(take_rows(&mut response, 1)?.pop())
}

/// The submitted scorecards of a session.
pub async fn submitted(db: &Db, session_id: &str) -> anyhow::Result<Vec<AuthoredScorecard>> {
    let mut response = db
        .query(format!(
            "SELECT {VIEW}, (SELECT record::id(id) AS id, name FROM ONLY $parent.user) AS user
             FROM scorecard WHERE session_id = $sid AND status = 'submitted' ORDER BY submittedAt"
        ))
        .bind(json!({ "sid": session_id }))
        .await?
        .check()?;
    take_rows(&mut response, 0)
}

/// Submitted recommendations of several sessions, for the past-interviews list.
pub async fn recommendations(db: &Db, session_ids: &[String]) -> anyhow::Result<Vec<(String, Author, Recommendation)>> {
    #[derive(Deserialize)]
    struct Row {
        session_id: String,
        user: Author,
        recommendation: Recommendation,
    }
    let mut response = db
        .query(
            "SELECT session_id, recommendation, (SELECT record::id(id) AS id, name FROM ONLY $parent.user) AS user
             FROM scorecard WHERE session_id IN $ids AND status = 'submitted'",
        )
        .bind(json!({ "ids": session_ids }))
        .await?
        .check()?;
    Ok(take_rows::<Row>(&mut response, 0)?.into_iter().map(|r| (r.session_id, r.user, r.recommendation)).collect())
}
