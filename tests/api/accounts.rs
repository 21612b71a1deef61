use reqwest::StatusCode;
use serde_json::json;

use crate::{Server, assert_error, session_cookie};

#[tokio::test]
async fn the_setup_token_makes_the_administrator_and_everyone_else_is_a_candidate() {
    let server = Server::start();
    let token = server.setup_token.clone().expect("a new server prints a setup token");
    assert!(token.len() >= 32, "{token}");
    let token_file = server.data_dir.join("setup-token");
    assert_eq!(std::fs::read_to_string(&token_file).expect("token file").trim(), token);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&token_file).expect("metadata").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    let (config_status, config) = server.anon().get_json("/api/config").await;
    assert_eq!(config_status, StatusCode::OK);
    assert_eq!(config["setupRequired"], true);
    assert_eq!(config["features"]["realtime"], true, "the session page needs no probe: {config}");
    assert!(!config.to_string().contains(&token), "the token is never served: {config}");

    // Whoever registers first without the token gets an ordinary account.
    let (_, early) = server.user("Early").await;
    assert_eq!(early["role"], "candidate");
    assert_eq!(server.anon().get_json("/api/config").await.1["setupRequired"], true);
    // A wrong token is refused outright rather than quietly making a candidate.
    let wrong =
        json!({"name": "Mallory", "email": "m@example.test", "password": "long enough", "setupToken": "0".repeat(32)});
    assert_error(server.anon().post_json("/api/auth/register", wrong).await, StatusCode::FORBIDDEN, "setup token");

    let (admin, admin_user) = server.admin("Ada").await;
    assert_eq!(admin_user["role"], "admin");
    assert!(admin_user["id"].is_string());
    assert!(admin_user.get("password_hash").is_none());
    assert!(!token_file.exists(), "a used token is deleted");
    assert_eq!(server.anon().get_json("/api/config").await.1["setupRequired"], false);
    // The token works once.
    let again = json!({"name": "Eve", "email": "eve@example.test", "password": "long enough", "setupToken": token});
    assert_error(server.anon().post_json("/api/auth/register", again).await, StatusCode::CONFLICT, "already has");
    let (_, second) = server.user("Bob").await;
    assert_eq!(second["role"], "candidate");

    let (status, me) = admin.get_json("/api/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["id"], admin_user["id"]);
    assert_eq!(me["user"]["name"], "Ada");
    for key in ["id", "name", "email", "image", "role"] {
        assert!(me["user"].get(key).is_some(), "user lacks {key}");
    }
}

#[tokio::test]
async fn a_signed_in_candidate_claims_administration_with_the_token_once() {
    let server = Server::start();
    let token = server.setup_token.clone().expect("setup token");
    let (early, _) = server.user("Early").await;
    assert_error(
        early.post_json("/api/auth/setup", json!({ "setupToken": "nope" })).await,
        StatusCode::FORBIDDEN,
        "not valid",
    );
    assert_error(
        server.anon().post_json("/api/auth/setup", json!({ "setupToken": token })).await,
        StatusCode::UNAUTHORIZED,
        "Sign in",
    );
    let response = early.post("/api/auth/setup", json!({ "setupToken": token })).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut promoted = early.clone();
    promoted.cookie = session_cookie(&response);
    assert_eq!(promoted.get_json("/api/me").await.1["user"]["role"], "admin");
    assert_eq!(promoted.get("/api/admin/users").await.status(), StatusCode::OK);
    let (other, _) = server.user("Other").await;
    assert_error(
        other.post_json("/api/auth/setup", json!({ "setupToken": token })).await,
        StatusCode::CONFLICT,
        "already has",
    );
}

#[tokio::test]
async fn an_administrator_made_on_the_command_line_needs_no_token() {
    let temp = tempfile::tempdir().expect("tempdir");
    let data_dir = temp.path().join("data");
    let output = std::process::Command::new(crate::BINARY)
        .args(["users", "create", "--name", "Root", "--email", "root@example.test", "--password", "root password"])
        .args(["--role", "admin", "--data-dir"])
        .arg(&data_dir)
        .env("CODEROOM_LOG_LEVEL", "error")
        .output()
        .expect("users create");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let server = Server::start_in(&data_dir, &[]);
    assert!(server.setup_token.is_none(), "no token once an administrator exists");
    assert!(!data_dir.join("setup-token").exists());
    assert_eq!(server.anon().get_json("/api/config").await.1["setupRequired"], false);
    let (_, root) = server.login("root@example.test", "root password").await;
    assert_eq!(root["role"], "admin");
}

#[tokio::test]
async fn cookie_is_http_only_and_bearer_works_too() {
    let server = Server::start();
    let response = server
        .anon()
        .post("/api/auth/register", json!({"name": "Cy", "email": "cy@example.test", "password": "long enough pw"}))
        .await;
    let header = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(header.contains("HttpOnly"), "{header}");
    assert!(header.contains("SameSite=Strict"), "{header}");
    let token = session_cookie(&response).expect("cookie").trim_start_matches("coderoom_session=").to_string();

    let bearer = server.http.get(format!("{}/api/me", server.url)).bearer_auth(&token).send().await.expect("GET");
    assert_eq!(bearer.status(), StatusCode::OK);
    let forged =
        server.http.get(format!("{}/api/me", server.url)).bearer_auth(format!("{token}x")).send().await.expect("GET");
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn login_logout_and_wrong_credentials() {
    let server = Server::start();
    server.register("Dee", "dee@example.test", "a fine password").await;
    let anon = server.anon();

    let wrong = anon.post_json("/api/auth/login", json!({"email": "dee@example.test", "password": "nope nope"})).await;
    assert_error(wrong, StatusCode::UNAUTHORIZED, "Invalid email or password");
    let unknown =
        anon.post_json("/api/auth/login", json!({"email": "who@example.test", "password": "nope nope"})).await;
    assert_error(unknown, StatusCode::UNAUTHORIZED, "Invalid email or password");

    let response =
        anon.post("/api/auth/login", json!({"email": "DEE@example.test", "password": "a fine password"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut client = anon.clone();
    client.cookie = session_cookie(&response);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["user"]["email"], "dee@example.test");
    assert_eq!(client.get("/api/me").await.status(), StatusCode::OK);

    let logout = client.post_empty("/api/auth/logout").await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let cleared = logout.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
}

/// The company sign-in routes are for anonymous browsers, and answer only where it is set up.
#[tokio::test]
async fn company_sign_in_routes_answer_404_without_a_provider() {
    let server = Server::start();
    let (signed_in, _) = server.register("Olga", "olga@example.test", "a fine password").await;
    for client in [server.anon(), signed_in] {
        for path in ["/api/auth/oidc/start?next=/dashboard", "/api/auth/oidc/callback?code=x&state=y"] {
            assert_error(client.get_json(path).await, StatusCode::NOT_FOUND, "not configured");
        }
    }
}

#[tokio::test]
async fn registration_validates_every_field() {
    let server = Server::start();
    let anon = server.anon();
    let cases = [
        (json!({"name": "", "email": "a@example.test", "password": "long enough"}), "Name"),
        (json!({"name": "A", "email": "not-an-email", "password": "long enough"}), "email"),
        (json!({"name": "A", "email": "a@example.test", "password": "short"}), "at least 8"),
        (json!({"name": "A", "email": "a@example.test"}), "password"),
        (json!({"name": 5, "email": "a@example.test", "password": "long enough"}), "name"),
    ];
    for (body, needle) in cases {
        assert_error(anon.post_json("/api/auth/register", body).await, StatusCode::BAD_REQUEST, needle);
    }
    server.register("A", "a@example.test", "long enough").await;
    let duplicate = anon
        .post_json("/api/auth/register", json!({"name": "A", "email": "A@Example.test", "password": "long enough"}))
        .await;
    assert_error(duplicate, StatusCode::CONFLICT, "already exists");
}

#[tokio::test]
async fn failed_logins_are_rate_limited() {
    let server = Server::start_with_env(&[("CODEROOM_AUTH_LOGIN_ATTEMPTS_PER_MINUTE", "3")]);
    server.register("Eve", "eve@example.test", "the real password").await;
    let anon = server.anon();
    for _ in 0..3 {
        let attempt =
            anon.post_json("/api/auth/login", json!({"email": "eve@example.test", "password": "guess guess"})).await;
        assert_eq!(attempt.0, StatusCode::UNAUTHORIZED);
    }
    let locked =
        anon.post("/api/auth/login", json!({"email": "eve@example.test", "password": "the real password"})).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = locked.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((1..=60).contains(&retry_after));
}

#[tokio::test]
async fn closed_and_invite_only_registration() {
    let closed = Server::start_with_env(&[("CODEROOM_AUTH_REGISTRATION", "closed")]);
    let refused = closed
        .anon()
        .post_json("/api/auth/register", json!({"name": "X", "email": "x@example.test", "password": "long enough"}))
        .await;
    assert_error(refused, StatusCode::FORBIDDEN, "closed");
    closed.admin("Admin").await; // the setup token always works: it sets up the server
    let refused = closed
        .anon()
        .post_json("/api/auth/register", json!({"name": "X", "email": "x@example.test", "password": "long enough"}))
        .await;
    assert_error(refused, StatusCode::FORBIDDEN, "closed");

    let invite = Server::start_with_env(&[("CODEROOM_AUTH_REGISTRATION", "invite-only")]);
    invite.admin("Admin").await;
    let refused = invite
        .anon()
        .post_json("/api/auth/register", json!({"name": "X", "email": "x@example.test", "password": "long enough"}))
        .await;
    assert_error(refused, StatusCode::FORBIDDEN, "invitation");
}
