//! Sign-in under attack: parallel guessing, memory under a burst of password checks, client
//! addresses behind (and not behind) a proxy, logout revoking the token, and where a token
//! in the URL is accepted.

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{Client, Server, assert_error, session_cookie};

/// `(status, Retry-After)` of one sign-in attempt.
async fn attempt(server: &Server, email: &str, forwarded_for: Option<&str>) -> (StatusCode, Option<u64>) {
    let mut request = server
        .http
        .post(format!("{}/api/auth/login", server.url))
        .json(&json!({ "email": email, "password": "a wrong guess" }));
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    let response = request.send().await.expect("POST");
    let status = response.status();
    let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse().ok());
    let body: Value = response.json().await.expect("every answer is JSON");
    assert!(body["message"].is_string(), "{status}: {body}");
    (status, retry_after)
}

fn count(results: &[(StatusCode, Option<u64>)], status: StatusCode) -> usize {
    results.iter().filter(|(s, _)| *s == status).count()
}

#[tokio::test]
async fn parallel_guesses_at_one_account_are_counted_before_checking() {
    // Every guess comes "from" its own client, so only the per-account budget can stop them.
    let server = Server::start_with_env(&[("CODEROOM_HTTP_TRUSTED_PROXIES", "[\"127.0.0.1\"]")]);
    server.register("Vic", "vic@example.test", "the real password").await;
    let guesses = (0..40).map(|n| {
        let address = format!("198.51.100.{n}");
        let server = &server;
        async move { attempt(server, "vic@example.test", Some(&address)).await }
    });
    let results = join_all(guesses).await;
    let checked = count(&results, StatusCode::UNAUTHORIZED);
    assert!(checked <= 10, "{checked} of 40 parallel guesses were checked (budget 10): {results:?}");
    assert_eq!(checked + count(&results, StatusCode::TOO_MANY_REQUESTS), 40, "{results:?}");
    assert!(
        results.iter().filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS).all(|(_, retry)| retry.is_some()),
        "every 429 says when to retry: {results:?}"
    );
    // The real password is refused too while the account is locked.
    let anon = server.anon();
    let locked =
        anon.post_json("/api/auth/login", json!({"email": "vic@example.test", "password": "the real password"}));
    assert_eq!(locked.await.0, StatusCode::TOO_MANY_REQUESTS);
}

fn resident_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in {status}"))
}

#[tokio::test]
async fn a_burst_of_password_checks_keeps_memory_bounded() {
    // A budget high enough that the limiter lets everything through to argon2.
    let server = Server::start_with_env(&[
        ("CODEROOM_AUTH_LOGIN_ATTEMPTS_PER_MINUTE", "10000"),
        ("CODEROOM_HTTP_TRUSTED_PROXIES", "[\"127.0.0.1\"]"),
    ]);
    // Warm up: the decoy hash and the first argon2 buffers.
    attempt(&server, "warm@example.test", None).await;
    let before = resident_kib(server.pid(), "VmRSS:");
    // Start-up (seeding the problem library) set a high-water mark of its own: reset it.
    std::fs::write(format!("/proc/{}/clear_refs", server.pid()), "5").expect("reset the peak");
    let burst = (0..40).map(|n| {
        let server = &server;
        async move { attempt(server, &format!("nobody{n}@example.test"), Some(&format!("203.0.113.{n}"))).await }
    });
    let results = join_all(burst).await;
    let peak = resident_kib(server.pid(), "VmHWM:");
    let grown_mib = peak.saturating_sub(before) / 1024;
    eprintln!(
        "40 parallel sign-ins: resident {} MiB before, peak {} MiB (+{grown_mib} MiB)",
        before / 1024,
        peak / 1024
    );
    assert!(grown_mib < 100, "resident memory grew by {grown_mib} MiB under 40 parallel sign-ins");
    assert_eq!(
        count(&results, StatusCode::UNAUTHORIZED) + count(&results, StatusCode::TOO_MANY_REQUESTS),
        40,
        "{results:?}"
    );
    assert!(
        results.iter().filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS).all(|(_, retry)| retry.is_some()),
        "{results:?}"
    );
    // Still serving, and a real sign-in works once the burst is over.
    server.register("After", "after@example.test", "the real password").await;
}

#[tokio::test]
async fn forwarded_for_counts_only_from_a_trusted_proxy() {
    // Not behind a proxy: a client cannot pick a fresh address per guess.
    let direct = Server::start();
    let mut results = Vec::new();
    for n in 0..12 {
        results.push(attempt(&direct, &format!("user{n}@example.test"), Some(&format!("192.0.2.{n}"))).await);
    }
    assert_eq!(count(&results, StatusCode::UNAUTHORIZED), 10, "{results:?}");
    assert_eq!(count(&results, StatusCode::TOO_MANY_REQUESTS), 2, "{results:?}");

    // Behind a trusted proxy, each client has its own budget (and one client still only one).
    let proxied = Server::start_with_env(&[("CODEROOM_HTTP_TRUSTED_PROXIES", "[\"127.0.0.0/8\"]")]);
    let mut results = Vec::new();
    for n in 0..12 {
        results.push(attempt(&proxied, &format!("user{n}@example.test"), Some(&format!("192.0.2.{n}"))).await);
    }
    assert_eq!(count(&results, StatusCode::UNAUTHORIZED), 12, "{results:?}");
    let mut results = Vec::new();
    for n in 0..12 {
        results.push(attempt(&proxied, &format!("other{n}@example.test"), Some("192.0.2.200")).await);
    }
    assert_eq!(count(&results, StatusCode::TOO_MANY_REQUESTS), 2, "{results:?}");
}

#[tokio::test]
async fn sign_in_input_is_checked_before_it_becomes_a_limiter_key() {
    let server = Server::start();
    let anon = server.anon();
    for email in ["not-an-email".to_string(), format!("{}@example.test", "a".repeat(300)), "a b@example.test".into()] {
        let answer = anon.post_json("/api/auth/login", json!({ "email": email, "password": "whatever it is" })).await;
        assert_error(answer, StatusCode::BAD_REQUEST, "email");
    }
}

#[tokio::test]
async fn registrations_per_client_are_limited() {
    let server = Server::start_with_env(&[("CODEROOM_AUTH_REGISTRATIONS_PER_MINUTE", "3")]);
    for n in 0..3 {
        server.register("R", &format!("r{n}@example.test"), "long enough").await;
    }
    let response = server
        .anon()
        .post("/api/auth/register", json!({"name": "R", "email": "r9@example.test", "password": "long enough"}))
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().get("retry-after").is_some());
}

fn token_of(client: &Client) -> String {
    client.cookie.as_deref().expect("cookie").trim_start_matches("coderoom_session=").to_string()
}

async fn me_with_bearer(server: &Server, token: &str) -> StatusCode {
    server.http.get(format!("{}/api/me", server.url)).bearer_auth(token).send().await.expect("GET").status()
}

#[tokio::test]
async fn logout_revokes_the_token_on_the_server() {
    let mut server = Server::start();
    server.register("Lou", "lou@example.test", "a fine password").await;
    let (laptop, _) = server.login("lou@example.test", "a fine password").await;
    let (phone, _) = server.login("lou@example.test", "a fine password").await;
    let copied = token_of(&laptop);
    assert_eq!(me_with_bearer(&server, &copied).await, StatusCode::OK);

    let logout = laptop.post_empty("/api/auth/logout").await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert_eq!(session_cookie(&logout).as_deref(), Some("coderoom_session="), "the cookie is cleared");
    assert_eq!(laptop.get("/api/me").await.status(), StatusCode::UNAUTHORIZED, "the cookie is dead");
    assert_eq!(me_with_bearer(&server, &copied).await, StatusCode::UNAUTHORIZED, "and so is every copy");
    assert_eq!(phone.get("/api/me").await.status(), StatusCode::OK, "other sign-ins stay");
    // A bearer token can sign itself out too.
    let phone_token = token_of(&phone);
    let out = server.http.post(format!("{}/api/auth/logout", server.url)).bearer_auth(&phone_token).send().await;
    assert_eq!(out.expect("POST").status(), StatusCode::NO_CONTENT);
    assert_eq!(phone.get("/api/me").await.status(), StatusCode::UNAUTHORIZED);

    // Kept in the database: still refused after a restart.
    let temp = server.take_temp();
    server.kill();
    let restarted = Server::start_in(&server.data_dir, &[]);
    assert_eq!(me_with_bearer(&restarted, &copied).await, StatusCode::UNAUTHORIZED);
    let (fresh, _) = restarted.login("lou@example.test", "a fine password").await;
    assert_eq!(fresh.get("/api/me").await.status(), StatusCode::OK);
    drop(restarted);
    drop(temp);
}

#[tokio::test]
async fn a_token_in_the_url_counts_only_for_websocket_upgrades() {
    use tokio_tungstenite::tungstenite::Error as WsError;

    let server = Server::start();
    let (host, _) = server.interviewer("Uma").await;
    let token = token_of(&host);
    let plain = server.http.get(format!("{}/api/me?token={token}", server.url)).send().await.expect("GET");
    assert_eq!(plain.status(), StatusCode::UNAUTHORIZED, "?token= on an ordinary route");
    let (status, session) = host.post_json("/api/sessions", json!({ "problem": "two-sum" })).await;
    assert_eq!(status, StatusCode::CREATED, "{session}");
    let id = session["session"]["id"].as_str().expect("id");
    let plain = server.http.get(format!("{}/api/sessions/{id}?token={token}", server.url)).send().await.expect("GET");
    assert_eq!(plain.status(), StatusCode::UNAUTHORIZED);

    let ws_url = format!("{}/api/sessions/{id}/events", server.url.replace("http://", "ws://"));
    let (socket, _) = tokio_tungstenite::connect_async(format!("{ws_url}?token={token}"))
        .await
        .expect("a WebSocket upgrade may carry the token in the URL");
    drop(socket);
    // Once signed out, that token opens nothing either.
    assert_eq!(host.post_empty("/api/auth/logout").await.status(), StatusCode::NO_CONTENT);
    match tokio_tungstenite::connect_async(format!("{ws_url}?token={token}")).await {
        Err(WsError::Http(response)) => assert_eq!(response.status().as_u16(), 401),
        other => panic!("a revoked token opened a socket: {:?}", other.map(|(_, response)| response.status())),
    }
}
