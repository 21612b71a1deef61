//! The Piston v2 HTTP and WebSocket API, served at the top level (`/api/v2/...`).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRef, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::{SinkExt, StreamExt};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use utoipa_axum::routes;

use super::engine::{Control, JobIo, StreamEvent};
use super::request::{ExecuteRequest, ExecuteResult};
use super::sched::api_caller;
use super::{Sandbox, SandboxError};
use crate::apikeys::{self, ApiAccess};
use crate::app::AppState;
use crate::auth::{ClientAddr, CurrentUser};
use crate::config::Config;
use crate::error::AppError;
use crate::openapi::ErrorBody;

/// The Piston-compatible routes, as the document describes them.
pub fn routes() -> crate::openapi::ApiRouter {
    crate::openapi::ApiRouter::new()
        .routes(routes!(runtimes))
        .routes(routes!(execute))
        .routes(routes!(connect))
        .routes(routes!(packages, install_package, uninstall_package))
}

/// The same routes with a trailing slash (some clients use it), and with the doubled slash a
/// client makes of a root given as `/api/v2/` (`/api/v2//execute`): Piston's Express mount at
/// `/api/v2` swallows that one extra slash (e.g. `piston_rs` appends `/execute` to the root it
/// is given).
pub fn route_aliases() -> Router<AppState> {
    let mut router = Router::new();
    for (prefix, slash) in [("/api/v2", "/"), ("/api/v2/", ""), ("/api/v2/", "/")] {
        router = router
            .route(&format!("{prefix}/runtimes{slash}"), get(runtimes))
            .route(&format!("{prefix}/execute{slash}"), axum::routing::post(execute))
            .route(&format!("{prefix}/connect{slash}"), get(connect))
            .route(&format!("{prefix}/packages{slash}"), get(packages).post(install_package).delete(uninstall_package));
    }
    router
}

/// Who is calling, once admitted under `[sandbox] api_access`: the scheduler's name for them
/// (an API key, a signed-in user, or under `open` a client address), for fair queueing and
/// the rate limit.
pub struct PistonCaller(String);

impl<S> FromRequestParts<S> for PistonCaller
where
    AppState: FromRef<S>,
    crate::auth::Authenticator: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let app = AppState::from_ref(state);
        let access = app.config.sandbox.api_access;
        if access == ApiAccess::Off {
            return Err(message(StatusCode::NOT_FOUND, "The Piston API is turned off on this server"));
        }
        if let Some(key) = api_key(&parts.headers) {
            return match app.api_keys.verify(&app.db, key).await {
                Ok(Some(name)) => Ok(Self(api_caller(&format!("key:{name}")))),
                Ok(None) => Err(message(StatusCode::UNAUTHORIZED, "Unknown or revoked API key")),
                Err(err) => Err(AppError::Internal(err).into_response()),
            };
        }
        let has_credentials = parts.headers.contains_key(header::AUTHORIZATION)
            || parts.headers.contains_key(header::COOKIE)
            || parts.uri.query().is_some_and(|query| query.contains("token="));
        if has_credentials {
            match CurrentUser::from_request_parts(parts, state).await {
                Ok(CurrentUser(user)) => return Ok(Self(api_caller(&format!("user:{}", user.id)))),
                Err(err) if access == ApiAccess::Users => return Err(err.into_response()),
                Err(_) => {}
            }
        }
        if access == ApiAccess::Users {
            return Err(message(
                StatusCode::UNAUTHORIZED,
                "Sign in, or send an API key as `Authorization: Bearer <key>` (an administrator creates one with `coderoom apikeys create NAME`)",
            ));
        }
        // Behind a trusted proxy this is the forwarded client, so callers do not share one budget.
        let ClientAddr(address) =
            ClientAddr::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        Ok(Self(api_caller(&format!("addr:{address}"))))
    }
}

impl PistonCaller {
    /// Spends one execution of this caller's allowance (429 with Retry-After when none is left).
    fn admit(&self, state: &AppState) -> Result<(), AppError> {
        state.api_keys.limiter.take(&self.0).map_err(|retry_after_secs| AppError::TooManyRequests {
            message: format!("Too many code executions from this caller; try again in {retry_after_secs} s"),
            retry_after_secs,
        })
    }
}

/// An API key from `Authorization: Bearer <key>`, or from a bare `Authorization: <key>` as some
/// Piston clients send it. Other bearer tokens are sign-ins, left to `CurrentUser`.
fn api_key(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let token = value.strip_prefix("Bearer ").map(str::trim).unwrap_or(value);
    token.starts_with(apikeys::KEY_PREFIX).then_some(token)
}

/// Whether a WebSocket handshake may proceed. Browsers send `Origin` with every handshake and
/// WebSockets are exempt from CORS, so without this check a page of another site could run code
/// with a visitor's cookie. Allowed: `http.allowed_origins`, and coderoom's own origin —
/// `public_url` when set, otherwise the host the request was sent to. A client that sends no
/// `Origin` is not a browser and brings its own credentials.
fn origin_allowed(headers: &HeaderMap, config: &Config) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let Ok(origin) = origin.to_str() else { return false };
    let origin = origin.trim_end_matches('/');
    if config.http.allowed_origins.iter().any(|allowed| allowed.trim_end_matches('/').eq_ignore_ascii_case(origin)) {
        return true;
    }
    match &config.public_url {
        Some(url) => origin_of(url).eq_ignore_ascii_case(origin),
        None => {
            let host = headers.get(header::HOST).and_then(|host| host.to_str().ok());
            let authority = origin.split_once("://").map(|(_, authority)| authority);
            host.is_some_and(|host| authority.is_some_and(|authority| authority.eq_ignore_ascii_case(host)))
        }
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |at| at + 3);
    let end = url[after_scheme..].find('/').map_or(url.len(), |at| after_scheme + at);
    &url[..end]
}

/// Piston's error answer, `{"message": ...}`: the same shape as every coderoom error.
fn message(status: StatusCode, text: impl Into<String>) -> Response {
    (status, axum::Json(ErrorBody { message: text.into() })).into_response()
}

/// The total size of a request's files within `[sandbox] api_max_files_kb`.
fn check_files_size(request: &ExecuteRequest, sandbox: &Sandbox) -> Result<(), String> {
    let limit_kb = sandbox.config().api_max_files_kb;
    let total = request.files_size();
    if total > limit_kb * 1024 {
        return Err(format!("files total {} KiB, more than the {limit_kb} KiB allowed", total.div_ceil(1024)));
    }
    Ok(())
}

/// A runtime that can run code now, in Piston's shape.
#[derive(Serialize, utoipa::ToSchema)]
struct RuntimeInfo {
    language: String,
    version: String,
    /// Other names the language may be given by.
    aliases: Vec<String>,
    /// The toolchain, when one provides several languages (`gcc` for `c` and `c++`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    runtime: Option<String>,
}

/// Lists the runtimes that can run code now (their images are present).
///
/// Who may call it is set by `[sandbox] api_access`: `users` (the default) signed-in people
/// (not guests) and holders of an API key (`Authorization: Bearer crk_…`), `open` anyone, `off`
/// nobody (404). Errors are `{"message": ...}`, as Piston's.
#[utoipa::path(get, path = "/api/v2/runtimes", tag = "piston",
    security((), ("token" = []), ("cookie" = [])),
    responses((status = 200, description = "The installed runtimes", body = Vec<RuntimeInfo>)))]
async fn runtimes(State(state): State<AppState>, _: PistonCaller) -> Response {
    let list: Vec<RuntimeInfo> = state
        .sandbox
        .installed_runtimes()
        .iter()
        .map(|rt| RuntimeInfo {
            language: rt.language.clone(),
            version: rt.version.clone(),
            aliases: rt.aliases.clone(),
            runtime: rt.runtime.clone(),
        })
        .collect();
    axum::Json(list).into_response()
}

/// A runtime of the registry, as Piston lists its packages.
#[derive(Serialize, utoipa::ToSchema)]
struct PackageInfo {
    language: String,
    language_version: String,
    /// Whether its image is present, so that it can run code.
    installed: bool,
}

/// Lists every runtime coderoom knows, installed or not, as Piston's packages.
///
/// Who may call it is set by `[sandbox] api_access`, as for `/api/v2/runtimes`.
#[utoipa::path(get, path = "/api/v2/packages", tag = "piston",
    security((), ("token" = []), ("cookie" = [])),
    responses((status = 200, description = "The registry's runtimes", body = Vec<PackageInfo>)))]
async fn packages(State(state): State<AppState>, _: PistonCaller) -> Response {
    let installed = state.sandbox.installed_runtimes();
    let list: Vec<PackageInfo> = state
        .sandbox
        .registry()
        .runtimes
        .iter()
        .map(|rt| PackageInfo {
            language: rt.language.clone(),
            language_version: rt.version.clone(),
            installed: installed.iter().any(|i| std::sync::Arc::ptr_eq(i, rt)),
        })
        .collect();
    axum::Json(list).into_response()
}

/// Why Piston's package installation and removal are refused.
const PACKAGES_ARE_NOT_CHANGED: &str =
    "runtimes are installed by an administrator on the server (`coderoom runtimes build`), not over the API";

/// Piston's package installation: always refused (403) for callers that are let in.
///
/// Runtimes are installed by an administrator on the server (`coderoom runtimes build`), never
/// over the API. Who gets the 403 rather than 401/404 is set by `[sandbox] api_access`.
#[utoipa::path(post, path = "/api/v2/packages", tag = "piston",
    security((), ("token" = []), ("cookie" = [])))]
async fn install_package(_: PistonCaller) -> Response {
    message(StatusCode::FORBIDDEN, PACKAGES_ARE_NOT_CHANGED)
}

/// Piston's package removal: always refused (403) for callers that are let in.
///
/// Runtimes are removed by an administrator on the server, never over the API. Who gets the
/// 403 rather than 401/404 is set by `[sandbox] api_access`.
#[utoipa::path(delete, path = "/api/v2/packages", tag = "piston",
    security((), ("token" = []), ("cookie" = [])))]
async fn uninstall_package(_: PistonCaller) -> Response {
    message(StatusCode::FORBIDDEN, PACKAGES_ARE_NOT_CHANGED)
}

/// Runs one program and answers when it has ended, in Piston's shape.
///
/// Who may call it is set by `[sandbox] api_access`, as for `/api/v2/runtimes`; each caller
/// (API key, user or, under `open`, address) has a rate of executions (429 with `Retry-After`
/// past it). The body must be `application/json` (415 otherwise) and is checked in Piston's
/// order, with Piston's messages (400): `language is required as a string`, `version is
/// required as a string`, `files is required as an array`, `files[i].content is required as a
/// string`, `<language>-<version> runtime is unknown`, `files must include at least one utf8
/// encoded file`, then the limits. Files larger in total than `[sandbox] api_max_files_kb` are
/// 413. Errors are `{"message": ...}`, as Piston's.
#[utoipa::path(post, path = "/api/v2/execute", tag = "piston",
    security((), ("token" = []), ("cookie" = [])),
    request_body = ExecuteRequest,
    responses((status = 200, description = "The program ran, whatever its outcome (see `run.status`)",
        body = ExecuteResult)))]
async fn execute(
    State(state): State<AppState>,
    caller: PistonCaller,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if let Err(refused) = caller.admit(&state) {
        return refused.into_response();
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().starts_with("application/json"));
    if !is_json {
        return message(StatusCode::UNSUPPORTED_MEDIA_TYPE, "requests must be of type application/json");
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return message(StatusCode::PAYLOAD_TOO_LARGE, "request body is too large");
        }
        Err(rejection) => return message(StatusCode::BAD_REQUEST, rejection.body_text()),
    };
    let value: Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(err) => return message(StatusCode::BAD_REQUEST, format!("Malformed JSON: {err}")),
    };
    let request = match ExecuteRequest::from_json(&value) {
        Ok(request) => request,
        Err(text) => return message(StatusCode::BAD_REQUEST, text),
    };
    if let Err(text) = check_files_size(&request, &state.sandbox) {
        return message(StatusCode::PAYLOAD_TOO_LARGE, text);
    }
    match state.sandbox.execute(&caller.0, request).await {
        Ok(result) => axum::Json(result).into_response(),
        Err(err) => AppError::from(err).into_response(),
    }
}

/// Runs one program interactively over a WebSocket (Piston's `/connect`).
///
/// Who may call it is set by `[sandbox] api_access`, as for `/api/v2/runtimes` (a browser may
/// send its sign-in as `?token=`); a browser's `Origin` must be coderoom's own or listed in
/// `http.allowed_origins` (403 otherwise); each connection spends one execution of the caller's
/// rate. All messages are JSON text frames.
///
/// Client → server: first, within one second, `{"type": "init", ...}` with the fields of an
/// `/api/v2/execute` request; then `{"type": "data", "stream": "stdin", "data": "..."}` to write
/// to the program's standard input and `{"type": "signal", "signal": "SIGINT"}` (a signal name)
/// to signal it. Other types are ignored.
///
/// Server → client: `{"type": "runtime", "language", "version"}` once the request is accepted,
/// `{"type": "stage", "stage": "compile" | "run"}` as each stage starts, `{"type": "data",
/// "stream": "stdout" | "stderr", "data": "..."}` as output arrives, `{"type": "exit", "stage",
/// "code", "signal"}` as each stage ends, and `{"type": "error", "message"}` before closing with
/// 4002.
///
/// Close codes: 4999 job completed, 4000 already initialized, 4001 initialization timeout,
/// 4002 notified error, 4003 not yet initialized, 4004 can only write to stdin, 4005 invalid
/// signal, 1009 message too big (larger than an HTTP request body may be).
#[utoipa::path(get, path = "/api/v2/connect", tag = "piston",
    security((), ("token" = []), ("cookie" = [])),
    responses((status = 101,
        description = "Switching Protocols: the WebSocket of one interactive job (Piston's protocol, above)")))]
async fn connect(
    State(state): State<AppState>,
    caller: PistonCaller,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    // Without the handshake's headers this is a JSON error like every other one.
    let Ok(upgrade) = upgrade else {
        return message(StatusCode::BAD_REQUEST, "This endpoint speaks WebSocket only");
    };
    if !origin_allowed(&headers, &state.config) {
        return message(StatusCode::FORBIDDEN, "This origin may not open the code-execution socket");
    }
    if let Err(refused) = caller.admit(&state) {
        return refused.into_response();
    }
    // One message may be as large as one HTTP request body.
    let max_message = state.config.http.body_limit_kb * 1024;
    let sandbox = state.sandbox.clone();
    upgrade
        .max_message_size(max_message)
        .max_frame_size(max_message)
        .on_upgrade(move |socket| interactive(socket, sandbox, caller.0))
}

type JobFuture = Pin<Box<dyn Future<Output = Result<ExecuteResult, SandboxError>> + Send>>;

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame { code, reason: reason.into() }))
}

fn frame(value: Value) -> Message {
    Message::Text(value.to_string().into())
}

fn event_frame(event: StreamEvent) -> Message {
    match event {
        StreamEvent::Stage(stage) => frame(json!({"type": "stage", "stage": stage})),
        StreamEvent::Data { stream, text } => frame(json!({"type": "data", "stream": stream, "data": text})),
        StreamEvent::Exit { stage, code, signal } => {
            frame(json!({"type": "exit", "stage": stage, "code": code, "signal": signal}))
        }
    }
}

/// Piston's interactive protocol: `init` within a second, then stdin and signals while the job
/// runs; close code 4999 when it has ended.
async fn interactive(socket: WebSocket, sandbox: Sandbox, user: String) {
    let (mut outgoing, mut incoming) = socket.split();
    let (event_sender, mut events) = mpsc::unbounded_channel::<StreamEvent>();
    let (control, control_receiver) = mpsc::unbounded_channel::<Control>();
    let mut control_receiver = Some(control_receiver);
    let mut event_sender = Some(event_sender);
    let mut job: Option<JobFuture> = None;
    let mut client_gone = false;
    let mut closed_for_size = false;
    let init_timeout = tokio::time::sleep(Duration::from_secs(1));
    tokio::pin!(init_timeout);

    // Each arm yields the frames to send and whether the conversation is over.
    loop {
        let waiting_for_init = job.is_none() && control_receiver.is_some();
        let running = async {
            match job.as_mut() {
                Some(future) => future.await,
                None => std::future::pending().await,
            }
        };
        let (frames, done): (Vec<Message>, bool) = tokio::select! {
            incoming_message = incoming.next(), if !client_gone => match incoming_message {
                Some(Ok(Message::Text(text))) => {
                    handle_client_message(&text, &sandbox, &user, &mut job, &control, &mut control_receiver, &mut event_sender)
                }
                Some(Ok(Message::Binary(_) | Message::Ping(_) | Message::Pong(_))) => (Vec::new(), false),
                // Over the size limit (or not a WebSocket frame at all).
                Some(Err(_)) => {
                    closed_for_size = true;
                    (vec![close(1009, "Message too big")], true)
                }
                _ => {
                    // The client left: stop the program and let the job wind down normally, so
                    // its container is cleaned and reused.
                    client_gone = true;
                    let _ = control.send(Control::Signal(9));
                    (Vec::new(), job.is_none())
                }
            },
            Some(event) = events.recv() => (vec![event_frame(event)], false),
            result = running => {
                job = None;
                let mut frames: Vec<Message> = Vec::new();
                while let Ok(event) = events.try_recv() {
                    frames.push(event_frame(event));
                }
                match result {
                    Ok(_) => frames.push(close(4999, "Job Completed")),
                    Err(err) => {
                        frames.push(frame(json!({"type": "error", "message": err.to_string()})));
                        frames.push(close(4002, "Notified Error"));
                    }
                }
                (frames, true)
            }
            () = &mut init_timeout, if waiting_for_init => {
                (vec![close(4001, "Initialization Timeout")], true)
            }
        };
        if !client_gone {
            for message in frames {
                if outgoing.send(message).await.is_err() {
                    client_gone = true;
                    let _ = control.send(Control::Signal(9));
                    break;
                }
            }
        }
        if done || (client_gone && job.is_none()) {
            break;
        }
    }
    // Closed while the program still runs (protocol error, client gone): stop it.
    if job.is_some() {
        let _ = control.send(Control::Signal(9));
    }
    // The rest of an oversized message may still be arriving: read until the client answers
    // the close (or a second passes), because closing with unread data resets the connection
    // and the client would never see why.
    if closed_for_size {
        let drain = async {
            while let Some(Ok(message)) = incoming.next().await {
                if matches!(message, Message::Close(_)) {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
    }
}

#[allow(clippy::too_many_arguments)]
fn handle_client_message(
    text: &str,
    sandbox: &Sandbox,
    user: &str,
    job: &mut Option<JobFuture>,
    control: &mpsc::UnboundedSender<Control>,
    control_receiver: &mut Option<mpsc::UnboundedReceiver<Control>>,
    event_sender: &mut Option<mpsc::UnboundedSender<StreamEvent>>,
) -> (Vec<Message>, bool) {
    let notify = |message: String| {
        (vec![frame(json!({"type": "error", "message": message})), close(4002, "Notified Error")], true)
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(err) => return notify(format!("Malformed JSON: {err}")),
    };
    let initialized = control_receiver.is_none();
    match value.get("type").and_then(Value::as_str) {
        Some("init") => {
            if initialized {
                return (vec![close(4000, "Already Initialized")], true);
            }
            let prepared = ExecuteRequest::from_json(&value)
                .and_then(|request| check_files_size(&request, sandbox).map(|()| request))
                .map_err(SandboxError::Invalid)
                .and_then(|request| sandbox.prepare(request));
            let prepared_job = match prepared {
                Ok(prepared_job) => prepared_job,
                Err(err) => return notify(err.to_string()),
            };
            let io = JobIo { events: event_sender.take(), control: control_receiver.take(), interactive: true };
            let runtime = json!({"type": "runtime", "language": prepared_job.runtime.language, "version": prepared_job.runtime.version});
            let sandbox = sandbox.clone();
            let user = user.to_string();
            *job = Some(Box::pin(async move { sandbox.run(&user, &prepared_job, io).await }));
            (vec![frame(runtime)], false)
        }
        Some("data") => {
            if !initialized {
                return (vec![close(4003, "Not yet initialized")], true);
            }
            if value.get("stream").and_then(Value::as_str) != Some("stdin") {
                return (vec![close(4004, "Can only write to stdin")], true);
            }
            let data = value.get("data").and_then(Value::as_str).unwrap_or_default();
            let _ = control.send(Control::Stdin(data.as_bytes().to_vec()));
            (Vec::new(), false)
        }
        Some("signal") => {
            if !initialized {
                return (vec![close(4003, "Not yet initialized")], true);
            }
            match value.get("signal").and_then(Value::as_str).and_then(signal_number) {
                Some(number) => {
                    let _ = control.send(Control::Signal(number));
                    (Vec::new(), false)
                }
                None => (vec![close(4005, "Invalid signal")], true),
            }
        }
        // Piston ignores other message types.
        _ => (Vec::new(), false),
    }
}

/// Linux numbers of the signal names Piston accepts.
fn signal_number(name: &str) -> Option<i32> {
    let number = match name {
        "SIGHUP" => 1,
        "SIGINT" => 2,
        "SIGQUIT" => 3,
        "SIGILL" => 4,
        "SIGTRAP" => 5,
        "SIGABRT" | "SIGIOT" => 6,
        "SIGBUS" => 7,
        "SIGFPE" => 8,
        "SIGKILL" => 9,
        "SIGUSR1" => 10,
        "SIGSEGV" => 11,
        "SIGUSR2" => 12,
        "SIGPIPE" => 13,
        "SIGALRM" => 14,
        "SIGTERM" => 15,
        "SIGSTKFLT" => 16,
        "SIGCHLD" | "SIGCLD" => 17,
        "SIGCONT" => 18,
        "SIGSTOP" => 19,
        "SIGTSTP" => 20,
        "SIGTTIN" => 21,
        "SIGTTOU" => 22,
        "SIGURG" => 23,
        "SIGXCPU" => 24,
        "SIGXFSZ" => 25,
        "SIGVTALRM" => 26,
        "SIGPROF" => 27,
        "SIGWINCH" => 28,
        "SIGIO" | "SIGPOLL" => 29,
        "SIGPWR" => 30,
        "SIGSYS" | "SIGUNUSED" => 31,
        _ => return None,
    };
    Some(number)
}
