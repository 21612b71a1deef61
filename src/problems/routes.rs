//! HTTP routes of the library and the judge. Public views are built field by field from the
//! definition, never by serialising it, so hidden tests and solutions cannot slip out.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{DefaultBodyLimit, Path, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;

use super::model::{Problem, ProblemKind, ProblemSummary, TestCase, join_errors};
use super::types::Signature;
use super::{Difficulty, Guidance};
use crate::app::AppState;
use crate::audit;
use crate::auth::{AdminAccess, CurrentUser, Role, SignedIn, User};
use crate::error::{ApiJson, ApiQuery, AppError, AppResult};
use crate::judge::store::Submission;
use crate::judge::{self, Selection, drivers};
use crate::language::Language;
use crate::realtime::store::Author;

pub fn routes() -> crate::openapi::ApiRouter {
    crate::openapi::ApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(show))
        .routes(routes!(guidance))
        .routes(routes!(run))
        .routes(routes!(submit))
        .routes(routes!(my_submissions))
        .routes(routes!(session_submissions))
        // Definitions carry large generated tests: more than the default request body limit.
        .routes(routes!(admin_list, admin_upsert).layer(DefaultBodyLimit::max(64 * 1024 * 1024)))
        .routes(routes!(admin_show, admin_remove))
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only problems of this difficulty.
    difficulty: Option<Difficulty>,
    /// Only problems with this tag (case-insensitive).
    tag: Option<String>,
    /// Only problems whose category contains this text (case-insensitive).
    category: Option<String>,
    /// Case-insensitive text in the title, summary, category or tags.
    q: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct ProblemList {
    /// Easy to hard, then by title.
    problems: Vec<ProblemSummary>,
}

/// The problem library, filtered.
///
/// Any signed-in account; not guests.
#[utoipa::path(get, path = "/problems", tag = "problems", operation_id = "list_problems", params(ListQuery),
    responses((status = 200, description = "The problems that match", body = ProblemList)))]
async fn list(
    State(state): State<AppState>,
    _: CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Json<ProblemList> {
    let needle = query.q.as_deref().map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    let problems: Vec<ProblemSummary> = state
        .problems
        .all()
        .iter()
        .filter(|p| query.difficulty.is_none_or(|d| p.difficulty == d))
        .filter(|p| query.tag.as_deref().is_none_or(|t| p.tags.iter().any(|tag| tag.eq_ignore_ascii_case(t))))
        .filter(|p| query.category.as_deref().is_none_or(|c| p.category.to_lowercase().contains(&c.to_lowercase())))
        .filter(|p| {
            needle.as_deref().is_none_or(|n| {
                [&p.title, &p.summary, &p.category].iter().any(|text| text.to_lowercase().contains(n))
                    || p.tags.iter().any(|tag| tag.to_lowercase().contains(n))
            })
        })
        .map(|p| p.summary())
        .collect();
    Json(ProblemList { problems })
}

/// `name = value` pairs as LeetCode shows an example's input.
fn display_input(signature: &Signature, input: &serde_json::Map<String, Value>) -> String {
    signature
        .params
        .iter()
        .map(|p| format!("{} = {}", p.name, input.get(&p.name).map(Value::to_string).unwrap_or_default()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A problem's statement, as candidates see it: nothing of the hidden tests but their count.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProblemDetail {
    #[serde(flatten)]
    summary: ProblemSummary,
    /// The statement (Markdown).
    description: String,
    /// The visible tests as the statement shows them; none for a design problem.
    examples: Vec<Example>,
    constraints: Vec<String>,
    hints: Vec<String>,
    /// The function to write; `null` for a design problem.
    signature: Option<SignatureView>,
    /// How answers are compared (`exact`, `unordered`, `unordered-nested`, `float`,
    /// `float:TOLERANCE`); absent for a design problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    compare: Option<String>,
    /// The time limit, in milliseconds, for all of a run's tests; absent for a design problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    time_limit_ms: Option<u64>,
    /// The languages a submission may use now; none for a design problem.
    languages: Vec<Language>,
    /// Language id → starter code, for every judged language; empty for a design problem.
    starter_code: BTreeMap<String, String>,
    visible_tests: Vec<VisibleTest>,
    hidden_test_count: usize,
}

/// A visible test as LeetCode shows it in a statement.
#[derive(Serialize, ToSchema)]
pub struct Example {
    /// `name = value` pairs.
    input: String,
    /// The expected answer, as JSON text.
    output: String,
    explanation: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SignatureView {
    /// As the definition writes it: `twoSum(nums: int[], target: int) -> int[]`.
    text: String,
    /// The function's name; `null` when the signature does not parse.
    function: Option<String>,
    params: Vec<ParamView>,
    /// The return type; `null` when the signature does not parse.
    returns: Option<String>,
    /// For a `void` function: the parameter whose final value is the answer.
    mutates: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ParamView {
    name: String,
    /// `int`, `long`, `double`, `bool`, `char`, `string`, `list`, `tree`, or `T[]` / `T[][]`.
    #[serde(rename = "type")]
    ty: String,
}

/// A visible test's data.
#[derive(Serialize, ToSchema)]
pub struct VisibleTest {
    index: usize,
    /// Parameter name → value.
    #[schema(value_type = Object)]
    input: serde_json::Map<String, Value>,
    /// The expected answer (any JSON value).
    expected: Value,
}

/// A problem's statement with starter code in every judged language; `offered` are the
/// languages a submission may use now (see [`judge::offered_languages`]).
pub fn detail(problem: &Problem, hidden_count: usize, offered: &[Language]) -> ProblemDetail {
    let design = ProblemDetail {
        summary: problem.summary(),
        description: problem.description.clone(),
        examples: Vec::new(),
        constraints: problem.constraints.clone(),
        hints: problem.hints.clone(),
        signature: None,
        compare: None,
        time_limit_ms: None,
        languages: Vec::new(),
        starter_code: BTreeMap::new(),
        visible_tests: Vec::new(),
        hidden_test_count: 0,
    };
    if problem.kind == ProblemKind::Design {
        return design;
    }
    let signature = problem.parsed_signature().ok();
    let visible_tests = problem
        .tests
        .visible
        .iter()
        .enumerate()
        .map(|(index, test)| VisibleTest { index, input: test.input.clone(), expected: test.expected.clone() })
        .collect();
    let examples = match &signature {
        Some(sig) => problem.tests.visible.iter().map(|test| example(sig, test)).collect(),
        None => Vec::new(),
    };
    let mut starter_code = BTreeMap::new();
    if let Some(sig) = &signature {
        for language in Language::ALL {
            let code = problem
                .starter
                .get(language.id())
                .cloned()
                .unwrap_or_else(|| drivers::starter(language, sig, problem.mutates.as_deref()));
            starter_code.insert(language.id().to_string(), code);
        }
    }
    let params = signature
        .as_ref()
        .map(|sig| sig.params.iter().map(|p| ParamView { name: p.name.clone(), ty: p.ty.to_string() }).collect())
        .unwrap_or_default();
    ProblemDetail {
        examples,
        signature: Some(SignatureView {
            text: problem.signature.clone(),
            function: signature.as_ref().map(|s| s.name.clone()),
            params,
            returns: signature.as_ref().map(|s| s.returns.to_string()),
            mutates: problem.mutates.clone(),
        }),
        compare: Some(problem.compare.clone()),
        time_limit_ms: Some(problem.time_limit_ms),
        languages: offered.to_vec(),
        starter_code,
        visible_tests,
        hidden_test_count: hidden_count,
        ..design
    }
}

fn example(signature: &Signature, test: &TestCase) -> Example {
    Example {
        input: display_input(signature, &test.input),
        output: test.expected.to_string(),
        explanation: test.explanation.clone(),
    }
}

#[derive(Serialize, ToSchema)]
struct ProblemReply {
    problem: ProblemDetail,
}

/// A problem's statement, with starter code in every judged language.
///
/// Any signed-in account, for any problem; a guest, for their session's problem only.
#[utoipa::path(get, path = "/problems/{slug}", tag = "problems", operation_id = "show_problem",
    params(("slug" = String, Path, description = "The problem's slug")),
    responses((status = 200, description = "The problem's statement", body = ProblemReply)))]
async fn show(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> AppResult<Json<ProblemReply>> {
    if user.role == Role::Guest {
        let session = guest_session(&state, &user).await?;
        if session.problem.slug != slug {
            return Err(crate::auth::guests_stay_in_their_session());
        }
    }
    let problem = state.problems.problem(&slug).ok_or_else(|| AppError::not_found("Problem not found"))?;
    let offered = judge::offered_languages(&state.sandbox);
    Ok(Json(ProblemReply { problem: detail(&problem, state.problems.hidden_count(&slug), &offered) }))
}

/// What the interviewers are told about a problem (what to look for, follow-up questions).
///
/// Interviewer and administrator accounts.
#[utoipa::path(get, path = "/problems/{slug}/guidance", tag = "problems", operation_id = "problem_guidance",
    params(("slug" = String, Path, description = "The problem's slug")),
    responses((status = 200, description = "The problem's interviewer guidance", body = Guidance)))]
async fn guidance(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> AppResult<Json<Guidance>> {
    if !user.role.interviews() {
        return Err(AppError::Forbidden("Interviewer guidance is for interviewers".into()));
    }
    let problem = state.problems.problem(&slug).ok_or_else(|| AppError::not_found("Problem not found"))?;
    Ok(Json(Guidance { guidance: problem.guidance.clone() }))
}

/// Code to judge.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct JudgeRequest {
    /// A language id (`python`, `cpp`, …) or a common alias (`py`, `c++`, `js`, …).
    language: String,
    /// The candidate's function (at most 64 KiB).
    code: String,
    /// A run only: one custom input instead of the visible tests, one JSON value per line and
    /// parameter (at most 64 KiB).
    #[serde(default)]
    stdin: Option<String>,
    /// The session this is part of: everyone in its room sees the result. Required of guests.
    #[serde(default)]
    session_id: Option<String>,
}

/// A judgement's report with the id of the submission that stores it.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct JudgeResult {
    #[serde(flatten)]
    report: judge::Report,
    submission_id: String,
}

#[derive(Serialize, ToSchema)]
struct JudgeReply {
    result: JudgeResult,
}

/// A judgement as the room sees it: the result, who made it and whether it was a run or a submit.
#[derive(Serialize)]
struct SharedResult<'a> {
    #[serde(flatten)]
    result: &'a JudgeResult,
    user: Author,
    kind: judge::Mode,
}

/// A guest's one session.
async fn guest_session(state: &AppState, user: &User) -> AppResult<crate::sessions::Session> {
    let id = user.session_id.as_deref().ok_or_else(crate::auth::guests_stay_in_their_session)?;
    crate::sessions::store::find(&state.db, id).await?.ok_or_else(|| AppError::not_found("Session not found"))
}

/// Runs code against the problem's visible tests, or against one custom input (`stdin`).
///
/// Any signed-in account, on the practice pages or in a session it is in; a guest, in their
/// session only. The run is stored as a submission; in a session, everyone in the room sees it.
#[utoipa::path(post, path = "/problems/{slug}/run", tag = "problems",
    params(("slug" = String, Path, description = "The problem's slug")), request_body = JudgeRequest,
    responses((status = 200, description = "The judge's report", body = JudgeReply)))]
async fn run(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<JudgeRequest>,
) -> AppResult<Json<JudgeReply>> {
    judge_request(state, user, slug, body, false).await
}

/// Judges code against every test, visible and hidden.
///
/// Of the hidden tests only counts and the category of the first failure come back.
///
/// Any signed-in account, on the practice pages or in a session it is in; a guest, in their
/// session only. The submit is stored; in a session, everyone in the room sees it.
#[utoipa::path(post, path = "/problems/{slug}/submit", tag = "problems",
    params(("slug" = String, Path, description = "The problem's slug")), request_body = JudgeRequest,
    responses((status = 200, description = "The judge's report", body = JudgeReply)))]
async fn submit(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<JudgeRequest>,
) -> AppResult<Json<JudgeReply>> {
    if body.stdin.as_deref().is_some_and(|s| !s.trim().is_empty()) {
        return Err(AppError::bad_request("stdin is only for run; submit judges all tests"));
    }
    judge_request(state, user, slug, body, true).await
}

async fn judge_request(
    state: AppState,
    user: User,
    slug: String,
    body: JudgeRequest,
    all: bool,
) -> AppResult<Json<JudgeReply>> {
    let problem = state.problems.problem(&slug).ok_or_else(|| AppError::not_found("Problem not found"))?;
    if problem.kind == ProblemKind::Design {
        return Err(AppError::bad_request(format!(
            "“{}” is a design problem: there is nothing to run or judge",
            problem.title
        )));
    }
    let language = Language::parse(&body.language).ok_or_else(|| {
        AppError::bad_request(format!(
            "Unknown language `{}`; use one of {}",
            body.language,
            Language::ALL.iter().map(|l| l.id()).collect::<Vec<_>>().join(", ")
        ))
    })?;
    if body.code.trim().is_empty() {
        return Err(AppError::bad_request("code is required"));
    }
    if body.code.len() > judge::MAX_CODE_BYTES {
        return Err(AppError::PayloadTooLarge(format!("code is larger than {} KiB", judge::MAX_CODE_BYTES / 1024)));
    }
    let session_id = body.session_id.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if user.role == Role::Guest && (session_id.is_none() || session_id != user.session_id.as_deref()) {
        // A guest runs code in their interview only, never on the practice pages.
        return Err(crate::auth::guests_stay_in_their_session());
    }
    let session = match session_id {
        Some(id) => {
            let session = crate::sessions::store::find(&state.db, id)
                .await?
                .ok_or_else(|| AppError::not_found("Session not found"))?;
            if session.room_role(&user.id, user.role).is_none() {
                return Err(AppError::Forbidden("You are not in this session".into()));
            }
            if session.status != crate::sessions::Status::Active {
                return Err(AppError::Conflict(crate::realtime::Closing::Ended.reason().into()));
            }
            if session.problem.slug != problem.slug {
                return Err(AppError::bad_request(format!("This session's problem is `{}`", session.problem.slug)));
            }
            Some(session.id)
        }
        None => None,
    };
    let selection = match body.stdin.as_deref().filter(|s| !s.trim().is_empty()) {
        _ if all => Selection::All,
        Some(stdin) => {
            if stdin.len() > judge::MAX_STDIN_BYTES {
                return Err(AppError::PayloadTooLarge(format!(
                    "stdin is larger than {} KiB",
                    judge::MAX_STDIN_BYTES / 1024
                )));
            }
            let signature = problem.parsed_signature().map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
            Selection::Custom(judge::parse_custom_input(&signature, stdin).map_err(AppError::bad_request)?)
        }
        None => Selection::Visible,
    };
    // Only a submission needs the hidden tests: read them from the database now.
    let problem = if all {
        state.problems.full(&slug).await?.ok_or_else(|| AppError::not_found("Problem not found"))?
    } else {
        problem
    };
    let report = judge::judge(&state.sandbox, &user.id, &problem, language, &body.code, selection).await?;
    let stored = judge::store::NewSubmission {
        user_id: &user.id,
        session_id: session.as_deref(),
        problem: &problem.slug,
        language,
        code: &body.code,
        report: &report,
    };
    let id = judge::store::record(&state.db, stored).await?;
    let result = JudgeResult { report, submission_id: id };
    if let Some(session_id) = &session {
        // Everyone in the room sees every run and submit, with who made it.
        let kind = if all { judge::Mode::Submit } else { judge::Mode::Run };
        let shared =
            SharedResult { result: &result, user: Author { id: user.id.clone(), name: user.name.clone() }, kind };
        match serde_json::to_value(&shared) {
            Ok(shared) => state.rooms.broadcast_result(session_id, shared),
            Err(err) => tracing::warn!(session = %session_id, error = %err, "cannot share a judgement with the room"),
        }
    }
    Ok(Json(JudgeReply { result }))
}

#[derive(Serialize, ToSchema)]
struct SubmissionList {
    /// Newest first.
    submissions: Vec<Submission>,
}

/// The caller's own runs and submits of a problem: the latest 50, newest first.
///
/// Any signed-in account; not guests.
#[utoipa::path(get, path = "/problems/{slug}/submissions", tag = "problems",
    params(("slug" = String, Path, description = "The problem's slug")),
    responses((status = 200, description = "The caller's submissions", body = SubmissionList)))]
async fn my_submissions(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> AppResult<Json<SubmissionList>> {
    let submissions = judge::store::for_user(&state.db, &user.id, &slug).await?;
    Ok(Json(SubmissionList { submissions }))
}

/// Everyone's runs and submits in a session: the latest 100, newest first.
///
/// The host, the people seated (guests included) and administrators.
#[utoipa::path(get, path = "/sessions/{id}/submissions", tag = "problems",
    params(("id" = String, Path, description = "The session's id")),
    responses((status = 200, description = "The session's submissions", body = SubmissionList)))]
async fn session_submissions(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<SubmissionList>> {
    let session =
        crate::sessions::store::find(&state.db, &id).await?.ok_or_else(|| AppError::not_found("Session not found"))?;
    if session.room_role(&user.id, user.role).is_none() {
        return Err(AppError::Forbidden("You are not in this session".into()));
    }
    let submissions = judge::store::for_session(&state.db, &id, 100).await?;
    Ok(Json(SubmissionList { submissions }))
}

// Administration: full definitions (with hidden tests), for the command line and admins.

#[derive(Serialize, ToSchema)]
struct DefinitionList {
    /// Easy to hard, then by title.
    problems: Vec<Problem>,
}

#[derive(Serialize, ToSchema)]
struct DefinitionReply {
    problem: Problem,
}

#[derive(Serialize, ToSchema)]
struct SummaryReply {
    problem: ProblemSummary,
}

#[derive(Serialize, ToSchema)]
struct ProblemRemoved {
    /// The removed problem's slug.
    removed: String,
}

/// Every problem's whole definition: hidden tests, reference and rejected solutions included.
///
/// Administrators and the command line.
#[utoipa::path(get, path = "/admin/problems", tag = "admin",
    responses((status = 200, description = "The whole definitions", body = DefinitionList)))]
async fn admin_list(State(state): State<AppState>, _: AdminAccess) -> AppResult<Json<DefinitionList>> {
    let problems = state.problems.all_full().await?;
    Ok(Json(DefinitionList { problems }))
}

/// One problem's whole definition: hidden tests, reference and rejected solutions included.
///
/// Administrators and the command line.
#[utoipa::path(get, path = "/admin/problems/{slug}", tag = "admin",
    params(("slug" = String, Path, description = "The problem's slug")),
    responses((status = 200, description = "The whole definition", body = DefinitionReply)))]
async fn admin_show(
    State(state): State<AppState>,
    _: AdminAccess,
    Path(slug): Path<String>,
) -> AppResult<Json<DefinitionReply>> {
    let problem = state.problems.full(&slug).await?.ok_or_else(|| AppError::not_found("Problem not found"))?;
    Ok(Json(DefinitionReply { problem: std::sync::Arc::unwrap_or_clone(problem) }))
}

/// Adds a problem, or replaces the one with its slug.
///
/// An administrator's version wins over later built-in versions. The definition (up to 64 MiB)
/// is checked first; every error names its file and field.
///
/// Administrators and the command line.
#[utoipa::path(post, path = "/admin/problems", tag = "admin", request_body = Problem,
    responses((status = 200, description = "Stored; its summary", body = SummaryReply)))]
async fn admin_upsert(
    State(state): State<AppState>,
    AdminAccess(admin): AdminAccess,
    ApiJson(problem): ApiJson<Problem>,
) -> AppResult<Json<SummaryReply>> {
    let errors = problem.check();
    if !errors.is_empty() {
        return Err(AppError::bad_request(join_errors(&errors)));
    }
    state.problems.upsert(&problem).await?;
    let event = audit::Event::new("problem.imported").by(audit::Actor::admin(admin.as_ref())).on(&problem.slug);
    audit::record(&state.db, event).await;
    Ok(Json(SummaryReply { problem: problem.summary() }))
}

/// Removes a problem.
///
/// A built-in one does not come back with the next start. Sessions on it keep their record.
///
/// Administrators and the command line.
#[utoipa::path(delete, path = "/admin/problems/{slug}", tag = "admin",
    params(("slug" = String, Path, description = "The problem's slug")),
    responses((status = 200, description = "Removed", body = ProblemRemoved)))]
async fn admin_remove(
    State(state): State<AppState>,
    AdminAccess(admin): AdminAccess,
    Path(slug): Path<String>,
) -> AppResult<Json<ProblemRemoved>> {
    if !state.problems.remove(&slug).await? {
        return Err(AppError::not_found("Problem not found"));
    }
    let event = audit::Event::new("problem.removed").by(audit::Actor::admin(admin.as_ref())).on(&slug);
    audit::record(&state.db, event).await;
    Ok(Json(ProblemRemoved { removed: slug }))
}
