//! Who may use the Piston API (`[sandbox] api_access`), API keys (`coderoom apikeys …` and the
//! administrator endpoints), the per-caller rate limit, the judge's share of the sandbox, and
//! the limits of `/api/v2/connect` and of a request's files.

use std::process::Command;
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::{self, Message};

use crate::{BINARY, Client, Server, assert_error, json_of, uuid_like};

/// A new API key, made by an administrator through the HTTP endpoint. Call it before any other
/// account is registered on the server.
pub async fn api_key(server: &Server) -> String {
    let (admin, _) = server.admin("Key Admin").await;
    let (status, body) = admin.post_json("/api/admin/apikeys", json!({"name": format!("key-{}", uuid_like())})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["key"].as_str().expect("key").to_string()
}

/// A request with `Authorization` set to `authorization` (a whole header value).
async fn call(
    server: &Server,
    method: reqwest::Method,
    path: &str,
    authorization: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request =
        server.http.request(method, format!("{}{path}", server.url)).header("authorization", authorization);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request")
}

async fn execute_as(server: &Server, authorization: &str, body: Value) -> (StatusCode, Value) {
    json_of(call(server, reqwest::Method::POST, "/api/v2/execute", authorization, Some(body)).await).await
}

async fn runtimes_as(server: &Server, authorization: &str) -> StatusCode {
    call(server, reqwest::Method::GET, "/api/v2/runtimes", authorization, None).await.status()
}

fn hello() -> Value {
    json!({"language": "python", "version": "3", "files": [{"name": "main.py", "content": "print('hi')"}]})
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `/api/v2/connect` with the given headers; `Err(status)` when the handshake is refused.
pub async fn connect(server: &Server, headers: &[(&str, &str)]) -> Result<Socket, StatusCode> {
    let url = format!("{}/api/v2/connect", server.url.replacen("http", "ws", 1));
    let mut request = url.into_client_request().expect("request");
    for (name, value) in headers {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("header name");
        request.headers_mut().insert(name, HeaderValue::from_str(value).expect("header value"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tungstenite::Error::Http(response)) => {
            Err(StatusCode::from_u16(response.status().as_u16()).expect("status"))
        }
        Err(err) => panic!("connect: {err}"),
    }
}

/// The next text frame as JSON, or the close code.
async fn next_frame(socket: &mut Socket) -> Result<Value, Option<u16>> {
    loop {
        match tokio::time::timeout(Duration::from_secs(20), socket.next()).await.expect("a frame in time") {
            Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text).expect("json frame")),
            Some(Ok(Message::Close(frame))) => return Err(frame.map(|f| u16::from(f.code))),
            Some(Ok(_)) => continue,
            _ => return Err(None),
        }
    }
}

pub(crate) fn coderoom(server: &Server, args: &[&str]) -> (bool, String) {
    let port = server.url.rsplit(':').next().expect("port");
    let output = Command::new(BINARY)
        .args(args)
        .args(["--bind", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(&server.data_dir)
        .env("CODEROOM_LOG_LEVEL", "error")
        .output()
        .expect("run coderoom");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

fn key_in(output: &str) -> String {
    output.lines().find(|line| line.starts_with("crk_")).unwrap_or_else(|| panic!("no key in {output}")).to_string()
}

#[tokio::test]
async fn anonymous_piston_calls_get_401_by_default() {
    let server = Server::start();
    let anon = server.anon();
    for path in ["/api/v2/runtimes", "/api/v2/packages", "/api/v2/runtimes/"] {
        assert_error(anon.get_json(path).await, StatusCode::UNAUTHORIZED, "API key");
    }
    assert_error(anon.post_json("/api/v2/execute", hello()).await, StatusCode::UNAUTHORIZED, "API key");
    assert_eq!(connect(&server, &[]).await.err(), Some(StatusCode::UNAUTHORIZED));
    // A made-up key, a key-shaped one that was never issued, and a token that is no sign-in.
    let forged = format!("crk_{}", "A".repeat(43));
    for authorization in [format!("Bearer {forged}"), forged.clone(), "Bearer crk_short".into()] {
        assert_error(execute_as(&server, &authorization, hello()).await, StatusCode::UNAUTHORIZED, "API key");
    }
    assert_error(execute_as(&server, "Bearer not-a-token", hello()).await, StatusCode::UNAUTHORIZED, "Sign in");
}

#[tokio::test]
async fn api_keys_from_the_command_line_work_and_revoke_at_once() {
    let mut server = Server::start();
    // While the server runs, the commands go through it.
    let (ok, out) = coderoom(&server, &["apikeys", "create", "ci-bot"]);
    assert!(ok, "{out}");
    let key = key_in(&out);
    assert!(key.len() >= 4 + 43, "at least 256 bits: {key}");
    let (ok, listed) = coderoom(&server, &["apikeys", "list"]);
    assert!(ok && listed.contains("ci-bot") && listed.contains("never"), "{listed}");
    assert!(!listed.contains(&key) && !listed.contains("crk_"), "the list never shows a key: {listed}");
    let (ok, out) = coderoom(&server, &["apikeys", "create", "ci-bot"]);
    assert!(!ok && out.contains("already exists"), "{out}");

    let (status, result) = execute_as(&server, &format!("Bearer {key}"), hello()).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(result["run"]["stdout"], "hi\n");
    // Piston clients that send the bare key are served too.
    assert_eq!(runtimes_as(&server, &key).await, StatusCode::OK);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (_, listed) = coderoom(&server, &["apikeys", "list"]);
        if !listed.contains("never") {
            break;
        }
        assert!(Instant::now() < deadline, "last use not recorded: {listed}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let (ok, out) = coderoom(&server, &["apikeys", "revoke", "ci-bot"]);
    assert!(ok, "{out}");
    assert_error(execute_as(&server, &format!("Bearer {key}"), hello()).await, StatusCode::UNAUTHORIZED, "revoked");
    assert_eq!(runtimes_as(&server, &key).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        connect(&server, &[("authorization", &format!("Bearer {key}"))]).await.err(),
        Some(StatusCode::UNAUTHORIZED)
    );
    let (ok, out) = coderoom(&server, &["apikeys", "revoke", "ci-bot"]);
    assert!(!ok && out.contains("No API key named ci-bot"), "{out}");

    // With the server stopped, the commands open the database; the key works after a start.
    let temp = server.take_temp();
    let data_dir = server.data_dir.clone();
    server.kill();
    let (ok, out) = coderoom(&server, &["apikeys", "create", "offline"]);
    assert!(ok, "{out}");
    let offline = key_in(&out);
    let server = Server::start_in(&data_dir, &[]);
    assert_eq!(runtimes_as(&server, &format!("Bearer {offline}")).await, StatusCode::OK);
    let (_, listed) = coderoom(&server, &["apikeys", "list"]);
    assert!(listed.contains("offline") && !listed.contains("ci-bot"), "{listed}");
    drop(temp);
}

#[tokio::test]
async fn only_administrators_manage_keys() {
    let server = Server::start();
    let (admin, _) = server.admin("Admin").await;
    let (candidate, _) = server.user("Candidate").await;
    let anon = server.anon();
    assert_error(anon.get_json("/api/admin/apikeys").await, StatusCode::UNAUTHORIZED, "Sign in");
    assert_error(anon.post_json("/api/admin/apikeys", json!({"name": "x"})).await, StatusCode::UNAUTHORIZED, "Sign in");
    assert_error(candidate.get_json("/api/admin/apikeys").await, StatusCode::FORBIDDEN, "Administrators");
    assert_error(
        candidate.post_json("/api/admin/apikeys", json!({"name": "x"})).await,
        StatusCode::FORBIDDEN,
        "Administrators",
    );

    let (status, created) = admin.post_json("/api/admin/apikeys", json!({"name": "grader"})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let key = created["key"].as_str().expect("key").to_string();
    assert!(key.starts_with("crk_"), "{created}");
    assert_eq!(created["apiKey"]["name"], "grader");
    assert!(created["apiKey"]["createdAt"].is_string() && created["apiKey"]["lastUsedAt"].is_null(), "{created}");
    assert_error(
        admin.post_json("/api/admin/apikeys", json!({"name": "grader"})).await,
        StatusCode::CONFLICT,
        "exists",
    );
    assert_error(
        admin.post_json("/api/admin/apikeys", json!({"name": "../etc"})).await,
        StatusCode::BAD_REQUEST,
        "API key name",
    );
    let (status, listed) = admin.get_json("/api/admin/apikeys").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["apiKeys"].as_array().map(Vec::len), Some(1), "{listed}");
    assert!(!listed.to_string().contains(&key) && listed["apiKeys"][0].get("key").is_none(), "{listed}");

    let delete = |client: &Client, name: &str| {
        let request = client.http.delete(format!("{}/api/admin/apikeys/{name}", client.base));
        let request = match &client.cookie {
            Some(cookie) => request.header("cookie", cookie),
            None => request,
        };
        async move { request.send().await.expect("DELETE").status() }
    };
    assert_eq!(delete(&anon, "grader").await, StatusCode::UNAUTHORIZED);
    assert_eq!(delete(&candidate, "grader").await, StatusCode::FORBIDDEN);
    assert_eq!(runtimes_as(&server, &format!("Bearer {key}")).await, StatusCode::OK, "the key still works");
    assert_eq!(delete(&admin, "grader").await, StatusCode::NO_CONTENT);
    assert_eq!(runtimes_as(&server, &format!("Bearer {key}")).await, StatusCode::UNAUTHORIZED, "revoked at once");
    assert_eq!(delete(&admin, "grader").await, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn signed_in_people_may_use_the_piston_api() {
    let server = Server::start();
    let (user, _) = server.user("Interviewer").await;
    assert_eq!(user.get("/api/v2/runtimes").await.status(), StatusCode::OK);
    let (status, result) = user.post_json("/api/v2/execute", hello()).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(result["run"]["stdout"], "hi\n");
    // The same sign-in as a Bearer token (what API clients send).
    let cookie = user.cookie.clone().expect("cookie");
    let token = cookie.split_once('=').expect("name=value").1;
    assert_eq!(runtimes_as(&server, &format!("Bearer {token}")).await, StatusCode::OK);
    let mut socket = connect(&server, &[("cookie", &cookie), ("origin", &server.url)]).await.expect("own origin");
    socket
        .send(Message::Text(
            json!({"type": "init", "language": "python", "version": "3", "files": [{"content": "print('ws')"}]})
                .to_string()
                .into(),
        ))
        .await
        .expect("init");
    assert_eq!(next_frame(&mut socket).await.expect("runtime")["type"], "runtime");
}

#[tokio::test]
async fn open_mode_serves_anyone() {
    let server = Server::start_with_env(&[("CODEROOM_SANDBOX_API_ACCESS", "open")]);
    let anon = server.anon();
    assert_eq!(anon.get("/api/v2/runtimes").await.status(), StatusCode::OK);
    let (status, result) = anon.post_json("/api/v2/execute", hello()).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(result["run"]["stdout"], "hi\n");
    assert!(connect(&server, &[]).await.is_ok());
    // A key that is not one is still refused rather than ignored.
    assert_error(
        execute_as(&server, &format!("Bearer crk_{}", "B".repeat(43)), hello()).await,
        StatusCode::UNAUTHORIZED,
        "API key",
    );
}

#[tokio::test]
async fn off_mode_answers_404_and_the_judge_still_runs() {
    let server = Server::start_with_env(&[("CODEROOM_SANDBOX_API_ACCESS", "off")]);
    let key = api_key(&server).await;
    let (user, _) = server.user("Candidate").await;
    for path in ["/api/v2/runtimes", "/api/v2/packages"] {
        assert_error(user.get_json(path).await, StatusCode::NOT_FOUND, "turned off");
        assert_error(server.anon().get_json(path).await, StatusCode::NOT_FOUND, "turned off");
    }
    assert_error(execute_as(&server, &format!("Bearer {key}"), hello()).await, StatusCode::NOT_FOUND, "turned off");
    assert_error(user.post_json("/api/v2/execute", hello()).await, StatusCode::NOT_FOUND, "turned off");
    assert_eq!(
        connect(&server, &[("authorization", &format!("Bearer {key}"))]).await.err(),
        Some(StatusCode::NOT_FOUND)
    );
    let code = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/problems/two-sum/solutions/solution.py"))
        .expect("solution");
    let (status, body) = user.post_json("/api/problems/two-sum/run", json!({"language": "python", "code": code})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["result"]["verdict"], "accepted", "{body}");
}

#[tokio::test]
async fn a_caller_over_its_rate_gets_429_with_retry_after() {
    let server = Server::start_with_env(&[
        ("CODEROOM_SANDBOX_API_REQUESTS_PER_MINUTE", "6"),
        ("CODEROOM_SANDBOX_API_BURST", "3"),
    ]);
    let key = api_key(&server).await;
    let (other, _) = server.user("Someone Else").await;
    let authorization = format!("Bearer {key}");
    // Refused requests count too: validation answers without touching the sandbox.
    let invalid = json!({"language": "python"});
    for _ in 0..3 {
        assert_eq!(execute_as(&server, &authorization, invalid.clone()).await.0, StatusCode::BAD_REQUEST);
    }
    let response = call(&server, reqwest::Method::POST, "/api/v2/execute", &authorization, Some(invalid.clone())).await;
    let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_error(json_of(response).await, StatusCode::TOO_MANY_REQUESTS, "Too many code executions");
    let retry_after: u64 = retry_after.expect("Retry-After").parse().expect("seconds");
    assert!((1..=10).contains(&retry_after), "{retry_after}");
    assert_eq!(connect(&server, &[("authorization", &authorization)]).await.err(), Some(StatusCode::TOO_MANY_REQUESTS));
    // Listing runtimes runs nothing and is not limited; other callers keep their own allowance.
    assert_eq!(runtimes_as(&server, &authorization).await, StatusCode::OK);
    assert_eq!(other.post_json("/api/v2/execute", invalid).await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_flood_through_the_api_does_not_starve_the_judge() {
    let server = Server::start_with_env(&[
        ("CODEROOM_SANDBOX_MAX_CONCURRENT_JOBS", "2"),
        ("CODEROOM_SANDBOX_MAX_QUEUED_JOBS", "4"),
        ("CODEROOM_SANDBOX_WARM_CONTAINERS", "3"),
        ("CODEROOM_SANDBOX_RUN_TIMEOUT", "12000"),
        ("CODEROOM_SANDBOX_RUN_CPU_TIME", "12000"),
    ]);
    let key = api_key(&server).await;
    let (candidate, _) = server.user("Candidate").await;
    let slow = json!({"language": "python", "version": "3", "files": [{"content": "import time\ntime.sleep(9)\nprint('slow')"}], "run_timeout": 12000});
    let flood: Vec<_> = (0..4)
        .map(|_| {
            let request =
                server.http.post(format!("{}/api/v2/execute", server.url)).bearer_auth(&key).json(&slow).send();
            tokio::spawn(async move { request.await.map(|response| response.status()) })
        })
        .collect();
    // Let the flood take the slots it can get and fill the queue.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, ready) = server.anon().get_json("/readyz").await;
    assert!(ready["components"]["sandbox"]["running"].as_u64().is_some_and(|n| n >= 1), "{ready}");

    let code = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/problems/two-sum/solutions/solution.py"))
        .expect("solution");
    let started = Instant::now();
    let (status, body) =
        candidate.post_json("/api/problems/two-sum/submit", json!({"language": "python", "code": code})).await;
    let waited = started.elapsed();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["result"]["verdict"], "accepted", "{body}");
    assert!(waited < Duration::from_secs(6), "the submit waited {waited:?} behind the flood");
    for task in flood {
        task.abort();
    }
}

#[tokio::test]
async fn connect_refuses_other_sites() {
    let server = Server::start();
    let key = api_key(&server).await;
    let (user, _) = server.user("Visitor").await;
    let cookie = user.cookie.clone().expect("cookie");
    // A page of another site, carrying the visitor's cookie.
    assert_eq!(
        connect(&server, &[("cookie", &cookie), ("origin", "http://evil.example")]).await.err(),
        Some(StatusCode::FORBIDDEN)
    );
    assert_eq!(
        connect(&server, &[("authorization", &format!("Bearer {key}")), ("origin", "null")]).await.err(),
        Some(StatusCode::FORBIDDEN)
    );
    // coderoom's own pages, and programs (no Origin) with a key.
    assert!(connect(&server, &[("cookie", &cookie), ("origin", &server.url)]).await.is_ok());
    assert!(connect(&server, &[("authorization", &format!("Bearer {key}"))]).await.is_ok());

    let trusted = Server::start_with_env(&[
        ("CODEROOM_PUBLIC_URL", "https://coderoom.example"),
        ("CODEROOM_HTTP_ALLOWED_ORIGINS", "[\"https://tools.example\"]"),
    ]);
    let key = api_key(&trusted).await;
    let auth = format!("Bearer {key}");
    for (origin, allowed) in [
        ("https://coderoom.example", true),
        ("https://tools.example", true),
        (trusted.url.as_str(), false),
        ("https://coderoom.example.evil.example", false),
    ] {
        let answer = connect(&trusted, &[("authorization", &auth), ("origin", origin)]).await;
        assert_eq!(answer.is_ok(), allowed, "{origin}: {:?}", answer.err());
    }
}

#[tokio::test]
async fn connect_closes_an_oversized_message() {
    let server = Server::start_with_env(&[("CODEROOM_HTTP_BODY_LIMIT_KB", "64")]);
    let key = api_key(&server).await;
    let mut socket = connect(&server, &[("authorization", &format!("Bearer {key}"))]).await.expect("connect");
    let huge =
        json!({"type": "init", "language": "python", "version": "3", "files": [{"content": "#".repeat(100 * 1024)}]});
    socket.send(Message::Text(huge.to_string().into())).await.expect("send");
    assert_eq!(next_frame(&mut socket).await, Err(Some(1009)));
    // The server carries on.
    let mut socket = connect(&server, &[("authorization", &format!("Bearer {key}"))]).await.expect("connect again");
    socket
        .send(Message::Text(json!({"type": "data", "stream": "stdin", "data": "x"}).to_string().into()))
        .await
        .expect("send");
    assert_eq!(next_frame(&mut socket).await, Err(Some(4003)));
}

#[tokio::test]
async fn files_over_the_total_limit_are_refused() {
    let server = Server::start();
    let key = api_key(&server).await;
    let authorization = format!("Bearer {key}");
    // 150 KiB in all: below the 256 KiB body limit, above the 128 KiB for files.
    let half = format!("print('big')\n#{}", "x".repeat(75 * 1024));
    let big = json!({"language": "python", "version": "3", "files": [{"name": "main.py", "content": half}, {"name": "b.py", "content": half}]});
    assert_error(execute_as(&server, &authorization, big.clone()).await, StatusCode::PAYLOAD_TOO_LARGE, "KiB allowed");
    let mut socket = connect(&server, &[("authorization", &authorization)]).await.expect("connect");
    let mut init = big;
    init["type"] = json!("init");
    socket.send(Message::Text(init.to_string().into())).await.expect("send");
    let error = next_frame(&mut socket).await.expect("error frame");
    assert_eq!(error["type"], "error", "{error}");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("KiB allowed")), "{error}");
    assert_eq!(next_frame(&mut socket).await, Err(Some(4002)));
}
