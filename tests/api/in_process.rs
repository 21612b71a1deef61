//! The application served in-process: the library's router, built from a configuration and
//! called with `tower::ServiceExt::oneshot`, without a process or a socket. The rest of this
//! suite starts the binary, because it tests what only a process has (the command line,
//! signals, kill -9, memory); tests of request handling alone belong here.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

/// coderoom's HTTP application on a fresh data folder, with the sandbox off: no request here
/// runs code, and an engine per test would start containers for nothing.
struct App {
    router: Router,
    _data: tempfile::TempDir,
}

/// An answer, read whole.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

impl App {
    async fn new() -> Self {
        // A failing test shows what the server logged.
        let _ = tracing_subscriber::fmt().with_env_filter("warn").with_test_writer().try_init();
        let data = tempfile::tempdir().expect("temp dir");
        let mut config = coderoom::Config::load(None).expect("the default configuration");
        config.data_dir = data.path().join("data");
        config.sandbox.enabled = false;
        let state = coderoom::AppState::build(config).await.expect("the application starts");
        // The client address handlers read from the connection: a documentation address, so the
        // rules that trust loopback (metrics) do not apply. Nothing is sent to it.
        let router = coderoom::router(state).layer(MockConnectInfo(SocketAddr::from(([192, 0, 2, 10], 50_000))));
        Self { router, _data: data }
    }

    async fn call(&self, method: Method, path: &str, headers: &[(header::HeaderName, &str)], body: &str) -> Answer {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        let request = request.body(Body::from(body.to_string())).expect("request");
        let response = self.router.clone().oneshot(request).await.expect("the router always answers");
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), 1 << 24).await.expect("body").to_vec();
        Answer { status, headers, body }
    }

    async fn document(&self) -> Value {
        let answer = self.call(Method::GET, "/api/openapi.json", &[], "").await;
        assert_eq!(answer.status, StatusCode::OK);
        answer.json()
    }
}

/// Every documented operation with the sign-in it asks for (those marked `security: []` are
/// open to anyone and left out), its path parameters filled in.
fn operations_needing_sign_in(document: &Value) -> Vec<(Method, String)> {
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let Ok(method) = Method::from_bytes(method.to_uppercase().as_bytes()) else { continue };
            let open = operation["security"].as_array().is_some_and(|schemes| {
                schemes.iter().any(|scheme| scheme.as_object().is_some_and(serde_json::Map::is_empty))
            });
            if open {
                continue;
            }
            let concrete: Vec<&str> =
                path.split('/').map(|segment| if segment.starts_with('{') { "no-such-id" } else { segment }).collect();
            operations.push((method, concrete.join("/")));
        }
    }
    operations
}

/// Why an answer is not the JSON error expected, if it is not.
fn json_error_problem(answer: &Answer, status: StatusCode) -> Option<String> {
    let content_type = answer.headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok());
    let message = answer.json()["message"].as_str().map(str::to_string).unwrap_or_default();
    if answer.status != status {
        Some(format!("answered {} (expected {status}): {}", answer.status, String::from_utf8_lossy(&answer.body)))
    } else if content_type != Some("application/json") {
        Some(format!("answered {content_type:?}, not JSON"))
    } else if answer.headers.contains_key(header::LOCATION) {
        Some("redirected; an API error is never a redirect".into())
    } else if message.is_empty() {
        Some("gave no message saying why".into())
    } else {
        None
    }
}

fn assert_json_error(answer: &Answer, status: StatusCode, what: &str) {
    if let Some(problem) = json_error_problem(answer, status) {
        panic!("{what}: {problem}");
    }
}

/// Operations whose refusal does not depend on who asks: without `[metrics] token`, metrics
/// are served to this machine only, so a caller from elsewhere is refused (403) signed in or not.
const REFUSED_TO_EVERY_REMOTE_CALLER: [&str; 1] = ["/metrics"];

#[tokio::test]
async fn every_operation_that_asks_for_sign_in_refuses_anonymous_and_forged_callers_with_json_401() {
    let app = App::new().await;
    let document = app.document().await;
    let operations = operations_needing_sign_in(&document);
    assert!(operations.len() >= 50, "only {} operations ask for sign-in", operations.len());
    let forged = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.bm90LXNpZ25lZA";
    let cookie = "coderoom_session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.bm90LXNpZ25lZA";
    let json = (header::CONTENT_TYPE, "application/json");
    let callers = [("without sign-in", None), ("with a forged token", Some((header::AUTHORIZATION, forged)))];
    let callers = callers.into_iter().chain([("with a forged cookie", Some((header::COOKIE, cookie)))]);
    let callers: Vec<_> = callers.collect();
    let mut problems = Vec::new();
    for (method, path) in &operations {
        let expected = if REFUSED_TO_EVERY_REMOTE_CALLER.contains(&path.as_str()) {
            StatusCode::FORBIDDEN
        } else {
            StatusCode::UNAUTHORIZED
        };
        for (caller, credential) in &callers {
            let headers: Vec<_> = std::iter::once(json.clone()).chain(credential.clone()).collect();
            let answer = app.call(method.clone(), path, &headers, "{}").await;
            if let Some(problem) = json_error_problem(&answer, expected) {
                problems.push(format!("{method} {path} {caller}: {problem}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} calls were not refused as documented:\n{}",
        problems.len(),
        operations.len() * callers.len(),
        problems.join("\n")
    );
}

#[tokio::test]
async fn unknown_api_paths_and_unreadable_bodies_get_json_errors_in_process() {
    let app = App::new().await;
    let missing = app.call(Method::GET, "/api/no-such-endpoint", &[], "").await;
    assert_json_error(&missing, StatusCode::NOT_FOUND, "an unknown API path");
    let json = (header::CONTENT_TYPE, "application/json");
    let broken = app.call(Method::POST, "/api/auth/login", std::slice::from_ref(&json), "{\"email\": ").await;
    assert!(broken.status.is_client_error(), "broken JSON: {}", broken.status);
    assert_json_error(&broken, broken.status, "broken JSON");
    let oversized = format!("{{\"email\": \"{}\", \"password\": \"x\"}}", "a".repeat(4 << 20));
    let too_big = app.call(Method::POST, "/api/auth/login", &[json], &oversized).await;
    assert_json_error(&too_big, StatusCode::PAYLOAD_TOO_LARGE, "a body over the limit");
}
