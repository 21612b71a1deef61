//! HTTP routes of the library and the judge. Public views are built field by field from the
//! definition, never by serialising it, so hidden tests and solutions cannot slip out.

use std::collections::BTreeMap;

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use super::model::{Problem, ProblemKind};
use super::types::Signature;
use super::{Difficulty, cli};
use crate::app::AppState;
use crate::audit;
use crate::auth::{AdminAccess, CurrentUser, Role, SignedIn, User};
use crate::error::{ApiJson, ApiQuery, AppError, AppResult};
use crate::judge::{self, Language, Selection, drivers};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/problems", get(list))
        .route("/problems/{slug}", get(show))
        .route("/problems/{slug}/guidance", get(guidance))
        .route("/problems/{slug}/run", post(run))
        .route("/problems/{slug}/submit", post(submit))
        .route("/problems/{slug}/submissions", get(my_submissions))
        .route("/sessions/{id}/submissions", get(session_submissions))
        // Definitions carry large generated tests: more than the default request body limit.
        .route("/admin/problems", get(admin_list).post(admin_upsert).layer(DefaultBodyLimit::max(64 * 1024 * 1024)))
        .route("/admin/problems/{slug}", get(admin_show).delete(admin_remove))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    difficulty: Option<Difficulty>,
    tag: Option<String>,
    category: Option<String>,
    /// Case-insensitive text in the title, summary, category or tags.
    q: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Json<Value> {
    let needle = query.q.as_deref().map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    let problems: Vec<Value> = state
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
        .map(|p| p.summary_json())
        .collect();
    Json(json!({ "problems": problems }))
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

/// A problem's statement with starter code in every judged language; `offered` are the
/// languages a submission may use now (see [`judge::offered_languages`]).
pub fn detail(problem: &Problem, hidden_count: usize, offered: &[Language]) -> Value {
    let signature = problem.parsed_signature().ok();
    let visible: Vec<Value> = problem
        .tests
        .visible
        .iter()
        .enumerate()
        .map(|(index, test)| json!({ "index": index, "input": test.input, "expected": test.expected }))
        .collect();
    let examples: Vec<Value> = match &signature {
        Some(sig) => problem
            .tests
            .visible
            .iter()
            .map(|test| {
                json!({
                    "input": display_input(sig, &test.input),
                    "output": test.expected.to_string(),
                    "explanation": test.explanation,
                })
            })
            .collect(),
        None => Vec::new(),
    };
    let mut starter = BTreeMap::new();
    if let Some(sig) = &signature {
        for language in Language::ALL {
            let code = problem
                .starter
                .get(language.id())
                .cloned()
                .unwrap_or_else(|| drivers::starter(language, sig, problem.mutates.as_deref()));
            starter.insert(language.id(), code);
        }
    }
    let params: Vec<Value> = signature
        .as_ref()
        .map(|sig| sig.params.iter().map(|p| json!({ "name": p.name, "type": p.ty.to_string() })).collect())
        .unwrap_or_default();
    let mut view = problem.summary_json();
    if problem.kind == ProblemKind::Design {
        if let Some(object) = view.as_object_mut() {
            object.extend([
                ("description".to_string(), json!(problem.description)),
                ("constraints".to_string(), json!(problem.constraints)),
                ("hints".to_string(), json!(problem.hints)),
                ("signature".to_string(), Value::Null),
                ("languages".to_string(), json!([])),
                ("starterCode".to_string(), json!({})),
                ("examples".to_string(), json!([])),
                ("visibleTests".to_string(), json!([])),
                ("hiddenTestCount".to_string(), json!(0)),
            ]);
        }
        return view;
    }
    if let Some(object) = view.as_object_mut() {
        object.extend([
            ("description".to_string(), json!(problem.description)),
            ("examples".to_string(), json!(examples)),
            ("constraints".to_string(), json!(problem.constraints)),
            ("hints".to_string(), json!(problem.hints)),
            (
                "signature".to_string(),
                json!({
                    "text": problem.signature,
                    "function": signature.as_ref().map(|s| s.name.clone()),
                    "params": params,
                    "returns": signature.as_ref().map(|s| s.returns.to_string()),
                    "mutates": problem.mutates,
                }),
            ),
            ("compare".to_string(), json!(problem.compare)),
            ("timeLimitMs".to_string(), json!(problem.time_limit_ms)),
            ("languages".to_string(), json!(offered.iter().map(|l| l.id()).collect::<Vec<_>>())),
            ("starterCode".to_string(), json!(starter)),
            ("visibleTests".to_string(), json!(visible)),
            ("hiddenTestCount".to_string(), json!(hidden_count)),
        ]);
    }
    view
}

/// A problem's statement: for accounts, any; for a guest, their session's problem only.
async fn show(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
) -> AppResult<Json<Value>> {
    if user.role == Role::Guest {
        let session = guest_session(&state, &user).await?;
        if session.problem.slug != slug {
            return Err(crate::auth::guests_stay_in_their_session());
        }
    }
    let problem = state.problems.problem(&slug).ok_or_else(|| AppError::not_found("Problem not found"))?;
    let offered = judge::offered_languages(&state.sandbox);
    Ok(Json(json!({ "problem": detail(&problem, state.problems.hidden_count(&slug), &offered) })))
}

/// What the interviewers are told about a problem: for interviewer and administrator accounts.
async fn guidance(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> AppResult<Json<Value>> {
    if !user.role.interviews() {
        return Err(AppError::Forbidden("Interviewer guidance is for interviewers".into()));
    }
    let problem = state.problems.problem(&slug).ok_or_else(|| AppError::not_found("Problem not found"))?;
    Ok(Json(json!({ "guidance": problem.guidance })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JudgeRequest {
    language: String,
    code: String,
    #[serde(default)]
    stdin: Option<String>,
    #[serde(default)]
    session_id: Option<String>,
}

/// A guest's one session.
async fn guest_session(state: &AppState, user: &User) -> AppResult<crate::sessions::Session> {
    let id = user.session_id.as_deref().ok_or_else(crate::auth::guests_stay_in_their_session)?;
    crate::sessions::store::find(&state.db, id).await?.ok_or_else(|| AppError::not_found("Session not found"))
}

async fn run(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<JudgeRequest>,
) -> AppResult<Json<Value>> {
    judge_request(state, user, slug, body, false).await
}

async fn submit(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    ApiJson(body): ApiJson<JudgeRequest>,
) -> AppResult<Json<Value>> {
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
) -> AppResult<Json<Value>> {
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
    let mut response = json!(report);
    response["submissionId"] = json!(id);
    if let Some(session_id) = &session {
        // Everyone in the room sees every run and submit, with who made it.
        let mut shared = response.clone();
        shared["user"] = json!({ "id": user.id, "name": user.name });
        shared["kind"] = json!(if all { "submit" } else { "run" });
        state.rooms.broadcast_result(session_id, shared);
    }
    Ok(Json(json!({ "result": response })))
}

async fn my_submissions(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(slug): Path<String>,
) -> AppResult<Json<Value>> {
    let submissions = judge::store::for_user(&state.db, &user.id, &slug).await?;
    Ok(Json(json!({ "submissions": submissions })))
}

async fn session_submissions(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> AppResult<Json<Value>> {
    let session =
        crate::sessions::store::find(&state.db, &id).await?.ok_or_else(|| AppError::not_found("Session not found"))?;
    if session.room_role(&user.id, user.role).is_none() {
        return Err(AppError::Forbidden("You are not in this session".into()));
    }
    let submissions = judge::store::for_session(&state.db, &id, 100).await?;
    Ok(Json(json!({ "submissions": submissions })))
}

// Administration: full definitions (with hidden tests), for the command line and admins.

async fn admin_list(State(state): State<AppState>, _: AdminAccess) -> AppResult<Json<Value>> {
    let problems = state.problems.all_full().await?;
    Ok(Json(json!({ "problems": problems })))
}

async fn admin_show(State(state): State<AppState>, _: AdminAccess, Path(slug): Path<String>) -> AppResult<Json<Value>> {
    let problem = state.problems.full(&slug).await?.ok_or_else(|| AppError::not_found("Problem not found"))?;
    Ok(Json(json!({ "problem": *problem })))
}

async fn admin_upsert(
    State(state): State<AppState>,
    AdminAccess(admin): AdminAccess,
    ApiJson(problem): ApiJson<Problem>,
) -> AppResult<Json<Value>> {
    let errors = problem.check();
    if !errors.is_empty() {
        return Err(AppError::bad_request(cli::join_errors(&errors)));
    }
    state.problems.upsert(&problem).await?;
    let event = audit::Event::new("problem.imported").by(audit::Actor::admin(admin.as_ref())).on(&problem.slug);
    audit::record(&state.db, event).await;
    Ok(Json(json!({ "problem": problem.summary_json() })))
}

async fn admin_remove(
    State(state): State<AppState>,
    AdminAccess(admin): AdminAccess,
    Path(slug): Path<String>,
) -> AppResult<Json<Value>> {
    if !state.problems.remove(&slug).await? {
        return Err(AppError::not_found("Problem not found"));
    }
    let event = audit::Event::new("problem.removed").by(audit::Actor::admin(admin.as_ref())).on(&slug);
    audit::record(&state.db, event).await;
    Ok(Json(json!({ "removed": slug })))
}
