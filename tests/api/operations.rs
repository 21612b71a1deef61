use reqwest::StatusCode;
use serde_json::json;

use crate::{Server, assert_error};

#[tokio::test]
async fn every_session_endpoint_demands_sign_in_with_json_401() {
    let server = Server::start();
    let anon = server.anon();
    let gets = ["/api/me", "/api/sessions/active", "/api/sessions/my-recent", "/api/sessions/abc", "/api/admin/users"];
    for path in gets {
        let response = anon.get(path).await;
        assert!(response.headers().get("location").is_none(), "{path} redirected");
        assert_error(crate::json_of(response).await, StatusCode::UNAUTHORIZED, "Sign in");
    }
    let posts = ["/api/sessions", "/api/sessions/abc/join", "/api/sessions/abc/leave", "/api/sessions/abc/end"];
    for path in posts {
        assert_error(anon.post_json(path, json!({"problem": "two-sum"})).await, StatusCode::UNAUTHORIZED, "Sign in");
    }
}

#[tokio::test]
async fn bad_bodies_get_415_413_and_400() {
    let server = Server::start();
    let (client, _) = server.user("Body").await;
    let plain = client.post_raw("/api/sessions", "text/plain", "{}").await;
    assert_error(crate::json_of(plain).await, StatusCode::UNSUPPORTED_MEDIA_TYPE, "application/json");

    let huge = format!("{{\"problem\": \"{}\"}}", "x".repeat(300 * 1024));
    let big = client.post_raw("/api/sessions", "application/json", huge).await;
    assert_error(crate::json_of(big).await, StatusCode::PAYLOAD_TOO_LARGE, "too large");

    let broken = client.post_raw("/api/sessions", "application/json", "{\"problem\":").await;
    assert_error(crate::json_of(broken).await, StatusCode::BAD_REQUEST, "JSON");

    // The server is still serving after all that.
    assert_eq!(client.get("/api/me").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn health_readiness_and_request_ids() {
    let server = Server::start();
    let anon = server.anon();
    for path in ["/health", "/healthz"] {
        let (status, body) = anon.get_json(path).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["status"], "ok");
    }
    let (status, ready) = anon.get_json("/readyz").await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["components"]["database"]["status"], "ok");
    let response = anon.get("/healthz").await;
    assert!(response.headers().get("x-request-id").is_some());
}

#[tokio::test]
async fn web_app_and_api_fallbacks() {
    let server = Server::start();
    let anon = server.anon();
    assert_error(anon.get_json("/api/no-such-thing").await, StatusCode::NOT_FOUND, "No such API endpoint");

    for page in ["/", "/dashboard", "/session/abc", "/problems"] {
        let response = anon.get(page).await;
        assert_eq!(response.status(), StatusCode::OK, "{page}");
        assert_eq!(response.headers()["cache-control"], "no-cache");
        assert!(response.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/html"));
        let html = response.text().await.expect("html");
        assert!(html.contains("<html") || html.contains("<!doctype"), "{page}");
        assert!(!html.contains("https://"), "{page} references an external URL");
    }
    let missing = anon.get("/assets/missing-file.js").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    // A hashed asset referenced by index.html is cached for good and compressed on request.
    let html = anon.get("/").await.text().await.expect("html");
    if let Some(asset) = html.split('"').find(|part| part.starts_with("/assets/") && part.ends_with(".js")) {
        let response = server
            .http
            .get(format!("{}{asset}", server.url))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .expect("GET");
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers()["cache-control"].to_str().unwrap_or_default().contains("immutable"));
        assert_eq!(response.headers().get("content-encoding").map(|v| v.to_str().unwrap_or_default()), Some("gzip"));
    }
}

#[tokio::test]
async fn environment_variables_configure_bind_and_data_dir() {
    let temp = tempfile::tempdir().expect("tempdir");
    let data_dir = temp.path().join("from-env");
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let mut command = std::process::Command::new(crate::BINARY);
    command
        .env("CODEROOM_BIND", format!("127.0.0.1:{port}"))
        .env("CODEROOM_DATA_DIR", &data_dir)
        .env("CODEROOM_LOG_LEVEL", "warn")
        .stdout(std::process::Stdio::piped());
    let server = Server::spawn(command, &data_dir);
    assert_eq!(server.url, format!("http://127.0.0.1:{port}"));
    assert_eq!(server.anon().get("/healthz").await.status(), StatusCode::OK);
    assert!(data_dir.join("db").exists());
    assert!(data_dir.join("auth-secret").exists());
}

#[tokio::test]
async fn sigterm_shuts_down_cleanly() {
    let mut server = Server::start();
    server.user("Term").await;
    let status = server.terminate();
    assert!(status.success(), "exit status {status}");
}
