//! Judged attempts: table `submission`, linked to the user and, inside an interview, to the
//! session, so that the session's record shows what was run and how it fared. Only the
//! summary of the report is stored (verdict, counts, time, memory, each visible test's status,
//! the hidden tests' counts) — never hidden-test data.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{HiddenSummary, Mode, Report, TestStatus};
use crate::db::{Db, take_rows};
use crate::language::Language;
use crate::verdict::Verdict;

pub struct NewSubmission<'a> {
    pub user_id: &'a str,
    pub session_id: Option<&'a str>,
    pub problem: &'a str,
    pub language: Language,
    pub code: &'a str,
    pub report: &'a Report,
}

/// A judged attempt as stored: the report's summary and the code (never hidden-test data).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Submission {
    pub id: String,
    /// The id of the account that made it.
    pub user: Option<String>,
    /// That account's name; `null` once the account is gone.
    pub user_name: Option<String>,
    /// The session it was made in; `null` on the practice pages.
    pub session: Option<String>,
    /// The problem's slug.
    pub problem: String,
    pub language: Language,
    pub mode: Mode,
    pub verdict: Verdict,
    pub passed: usize,
    pub total: usize,
    pub time_ms: u64,
    pub memory_bytes: u64,
    pub code: String,
    pub created_at: String,
    /// Each visible test's outcome (empty for submissions stored before they were kept).
    #[serde(default)]
    #[schema(required = true)]
    pub tests: Vec<TestVerdict>,
    /// The hidden tests of a submit, as counts; `null` for a run.
    #[serde(default)]
    pub hidden: Option<HiddenSummary>,
    #[serde(default)]
    pub message: Option<String>,
}

/// One visible test's outcome in a stored submission.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TestVerdict {
    pub index: usize,
    pub status: TestStatus,
    pub time_ms: f64,
}

const VIEW: &str = "record::id(id) AS id, record::id(user) AS user, user.name AS userName,
    IF session THEN record::id(session) ELSE NONE END AS session, problem, language, mode, verdict,
    passed, total, time_ms AS timeMs, memory_bytes AS memoryBytes, code, <string> created_at AS createdAt,
    tests, hidden, message";

pub async fn record(db: &Db, new: NewSubmission<'_>) -> anyhow::Result<String> {
    let id = uuid::Uuid::now_v7().simple().to_string();
    db.query(
        "CREATE type::record('submission', $id) CONTENT {
            user: type::record('user', $user),
            session: IF $session_id THEN type::record('session', $session_id) ELSE NONE END,
            problem: $problem, language: $language, mode: $mode, verdict: $verdict,
            passed: $passed, total: $total, time_ms: $time_ms, memory_bytes: $memory_bytes,
            code: $code, created_at: time::now(), tests: $tests, hidden: $hidden, message: $message
        } RETURN NONE",
    )
    .bind(json!({
        "id": id,
        "user": new.user_id,
        "session_id": new.session_id,
        "problem": new.problem,
        "language": new.language,
        "mode": new.report.mode,
        "verdict": new.report.verdict,
        "passed": new.report.passed,
        "total": new.report.total,
        "time_ms": new.report.time_ms,
        "memory_bytes": new.report.memory_bytes,
        "code": new.code,
        "tests": new.report.tests.iter()
            .map(|test| TestVerdict { index: test.index, status: test.status, time_ms: test.time_ms })
            .collect::<Vec<_>>(),
        "hidden": (new.report.mode == Mode::Submit).then_some(&new.report.hidden),
        "message": new.report.message,
    }))
    .await?
    .check()?;
    Ok(id)
}

/// A session's latest `limit` submissions, newest first.
pub async fn for_session(db: &Db, session_id: &str, limit: u32) -> anyhow::Result<Vec<Submission>> {
    let mut response = db
        .query(format!(
            "SELECT {VIEW} FROM submission WHERE session = type::record('session', $session_id) ORDER BY createdAt DESC LIMIT $limit"
        ))
        .bind(json!({ "session_id": session_id, "limit": limit }))
        .await?
        .check()?;
    take_rows(&mut response, 0)
}

pub async fn for_user(db: &Db, user_id: &str, problem: &str) -> anyhow::Result<Vec<Submission>> {
    let mut response = db
        .query(format!(
            "SELECT {VIEW} FROM submission WHERE user = type::record('user', $user) AND problem = $problem
             ORDER BY createdAt DESC LIMIT 50"
        ))
        .bind(json!({ "user": user_id, "problem": problem }))
        .await?
        .check()?;
    take_rows(&mut response, 0)
}
