//! `GET /api/sessions/:id/report`: everything the record holds about one interview, as JSON or
//! (`?format=md`) as Markdown a person can paste into an applicant tracking system.

use std::fmt::Write as _;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::notes::AuthoredNotes;
use super::scorecards::AuthoredScorecard;
use super::timeline::{Event, What};
use super::{Reader, events_of, readable_notes, readable_scorecards, submissions_oldest_first};
use crate::app::AppState;
use crate::auth::SignedIn;
use crate::error::{ApiQuery, AppError, AppResult};
use crate::judge::store::Submission;
use crate::realtime::store::ChatMessage;
use crate::sessions::Session;
use crate::verdict::Verdict;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `json` (the default), or `md` / `markdown` for Markdown.
    // Read as text so that an unknown format gets its own message.
    #[param(schema_with = report_format)]
    format: Option<String>,
}

fn report_format() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["json", "md", "markdown"]))
        .build()
}

/// Everything the record holds about one interview, as far as the reader may read it.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InterviewReport {
    session: Session,
    /// From the creation to the end, or to now while live.
    duration_ms: i64,
    /// The editor's language at the end (or now).
    language: String,
    final_code: String,
    /// Oldest first.
    submissions: Vec<Submission>,
    chat: Vec<ChatMessage>,
    /// The reader's own notes, and the others' as the server's notes sharing allows.
    notes: Vec<AuthoredNotes>,
    /// The submitted scorecards, once the reader submitted theirs (administrators: always).
    scorecards: Vec<AuthoredScorecard>,
    timeline: Vec<Event>,
    /// The board as it was left; `null` when nobody drew.
    whiteboard: Option<ReportWhiteboard>,
}

/// The shapes on the whiteboard, in stacking order.
#[derive(Serialize, ToSchema)]
pub struct ReportWhiteboard {
    /// Each shape as the browser's drawing library keeps it.
    #[schema(value_type = Vec<Object>)]
    elements: Vec<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
pub struct ReportReply {
    report: InterviewReport,
}

/// Everything the record holds about one interview, as JSON or Markdown.
///
/// The session, final code, runs and submits, chat, notes, scorecards, timeline and whiteboard
/// (as far as the reader may read them). With `?format=md`, Markdown to paste into an applicant
/// tracking system, sent as a file (`interview-<id>.md`).
///
/// The host, co-interviewers and administrators.
#[utoipa::path(get, path = "/sessions/{id}/report", tag = "record", operation_id = "session_report",
    params(("id" = String, Path, description = "The session's id"), ReportQuery),
    responses((status = 200, description = "The report, in the format asked for", content(
        (ReportReply = "application/json"),
        (String = "text/markdown"),
    ))))]
pub async fn show(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> AppResult<Response> {
    let markdown = match query.format.as_deref() {
        None | Some("json") => false,
        Some("md" | "markdown") => true,
        Some(other) => return Err(AppError::bad_request(format!("Unknown format `{other}`; use json or md"))),
    };
    let reader = Reader::open(&state, user, &id).await?;
    let at = reader.duration_ms();
    let (final_code, language) = reader.history(&state, |history| history.code_at(at)).await?;
    let (scorecards, _) = readable_scorecards(&state, &reader).await?;
    let board = crate::realtime::board::board_of(&state, &reader.session).await?;
    let report = InterviewReport {
        whiteboard: (!board.is_empty()).then_some(ReportWhiteboard { elements: board }),
        duration_ms: at,
        language,
        final_code,
        submissions: submissions_oldest_first(&state, &reader.session.id).await?,
        chat: crate::realtime::store::chat_history(&state.db, &reader.session.id, super::MAX_CHAT).await?,
        notes: readable_notes(&state, &reader).await?,
        scorecards,
        timeline: events_of(&state, &reader).await?,
        session: reader.session,
    };
    if markdown {
        let headers = [
            (header::CONTENT_TYPE, "text/markdown; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"interview-{}.md\"", report.session.id)),
        ];
        return Ok((headers, to_markdown(&report)).into_response());
    }
    Ok(Json(ReportReply { report }).into_response())
}

/// `1h 05m`, `12m 30s`, `45s`.
pub fn duration(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match (hours, minutes) {
        (0, 0) => format!("{seconds}s"),
        (0, _) => format!("{minutes}m {seconds:02}s"),
        _ => format!("{hours}h {minutes:02}m"),
    }
}

fn clock(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    format!("{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60)
}

/// A code fence longer than any run of backticks in `code`.
fn fence(code: &str) -> String {
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

fn names(people: &[crate::auth::Person]) -> String {
    if people.is_empty() {
        return "—".into();
    }
    people.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
}

/// A verdict as the API writes it: `wrong_answer`.
fn verdict_name(verdict: Verdict) -> String {
    serde_json::to_value(verdict).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn to_markdown(report: &InterviewReport) -> String {
    let session = &report.session;
    let mut out = String::new();
    let _ = writeln!(out, "# Interview: {}\n", session.problem.title);
    let _ = writeln!(out, "- Problem: {} ({})", session.problem.title, session.difficulty.as_str());
    let _ = writeln!(out, "- Candidate: {}", names(&session.participants));
    let _ = writeln!(out, "- Host: {}", session.host.name);
    if !session.interviewers.is_empty() {
        let _ = writeln!(out, "- Co-interviewers: {}", names(&session.interviewers));
    }
    let _ = writeln!(out, "- Created: {}", session.created_at);
    if let Some(started) = &session.started_at {
        let _ = writeln!(out, "- Candidate arrived: {started}");
    }
    match &session.ended_at {
        Some(ended) => {
            let _ = writeln!(out, "- Ended: {ended} (duration {})", duration(report.duration_ms));
        }
        None => {
            let _ = writeln!(out, "- Still live ({} so far)", duration(report.duration_ms));
        }
    }
    if let Some(minutes) = session.time_box_minutes {
        let ends = session.ends_at.as_deref().unwrap_or("when the candidate arrives");
        let _ = writeln!(out, "- Time box: {minutes} min (ends {ends})");
    }

    let _ = writeln!(out, "\n## Scorecards\n");
    if report.scorecards.is_empty() {
        let _ = writeln!(out, "No submitted scorecard you may read yet.");
    }
    for card in &report.scorecards {
        let recommendation = card.scorecard.recommendation.map_or("—", |r| r.label());
        let _ = writeln!(out, "### {} — {recommendation}\n", card.user.name);
        for criterion in &card.scorecard.rubric.criteria {
            let rating = card.scorecard.ratings.get(&criterion.id).map_or("—".to_string(), |r| format!("{r}/4"));
            let _ = writeln!(out, "- {}: {rating}", criterion.name);
        }
        if !card.scorecard.comments.trim().is_empty() {
            let _ = writeln!(out, "\n{}", card.scorecard.comments.trim());
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Notes\n");
    if report.notes.iter().all(|n| n.markdown.trim().is_empty()) {
        let _ = writeln!(out, "No notes you may read.\n");
    }
    for notes in report.notes.iter().filter(|n| !n.markdown.trim().is_empty()) {
        let _ = writeln!(out, "### {}\n\n{}\n", notes.user.name, notes.markdown.trim());
    }

    let _ = writeln!(out, "## Runs and submits\n");
    if report.submissions.is_empty() {
        let _ = writeln!(out, "None.\n");
    }
    for submission in &report.submissions {
        let who = submission.user_name.as_deref().unwrap_or("someone");
        let mode = match submission.mode {
            crate::judge::Mode::Run => "Run",
            crate::judge::Mode::Submit => "Submit",
        };
        let _ = write!(
            out,
            "- {} {mode} by {who} ({}): **{}**, {}/{} tests",
            submission.created_at,
            submission.language.id(),
            verdict_name(submission.verdict),
            submission.passed,
            submission.total,
        );
        if let Some(hidden) = &submission.hidden {
            let _ = write!(out, " (hidden: {}/{})", hidden.passed, hidden.total);
        }
        out.push('\n');
    }

    let _ = writeln!(out, "\n## Final code ({})\n", report.language);
    let fence = fence(&report.final_code);
    let _ = writeln!(out, "{fence}{}\n{}\n{fence}\n", report.language, report.final_code.trim_end());

    if let Some(board) = &report.whiteboard {
        let _ = writeln!(out, "## Whiteboard\n");
        let _ = writeln!(
            out,
            "{} shapes; the drawing: `/api/sessions/{}/whiteboard?format=svg`.\n",
            board.elements.len(),
            session.id
        );
        let texts = crate::realtime::board::texts(&board.elements);
        for text in texts {
            let _ = writeln!(out, "- {}", text.replace('\n', " "));
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Timeline\n");
    for event in &report.timeline {
        let who = event.user.as_ref().map_or(String::new(), |u| format!(" {}", u.name));
        let detail = match &event.what {
            What::Chat { text, .. } => Some(format!(": {text}")),
            What::Paste { chars } => Some(format!(": pasted {chars} characters")),
            What::Focus { visible: Some(true) } => Some(": back on the interview tab".to_string()),
            What::Focus { visible: Some(false) } => Some(": left the interview tab".to_string()),
            What::Language { language } => Some(format!(": {language}")),
            What::Run(attempt) | What::Submit(attempt) => Some(format!(": {}", verdict_name(attempt.verdict))),
            What::Join { .. } | What::Leave { .. } | What::Focus { visible: None } | What::Ended => None,
        };
        let _ = writeln!(out, "- {} {}{who}{}", clock(event.at), event.what.kind(), detail.unwrap_or_default());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(45_000), "45s");
        assert_eq!(duration(750_000), "12m 30s");
        assert_eq!(duration(3_900_000), "1h 05m");
    }

    #[test]
    fn a_fence_outlasts_the_code_inside() {
        assert_eq!(fence("let x = 1;"), "```");
        assert_eq!(fence("a ```` b"), "`````");
    }
}
