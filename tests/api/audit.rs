//! The audit log: what is recorded (sign-ins and failures, role changes, disable and enable,
//! links, session ends, API keys), who may read it, its filters, its JSON-lines export and the
//! `coderoom audit` command.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::piston_access::coderoom;
use crate::{PASSWORD, Server, assert_error};

fn actions(entries: &Value) -> Vec<String> {
    entries["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test]
async fn administrators_read_who_did_what() {
    let server = Server::start();
    let (admin, _) = server.admin("Auditor").await;
    let (interviewer, iris) = server.interviewer("Iris").await;
    let iris_id = iris["id"].as_str().expect("id").to_string();
    let iris_email = iris["email"].as_str().expect("email").to_string();

    let wrong = server
        .anon()
        .post_json("/api/auth/login", json!({ "email": iris_email, "password": "not the password" }))
        .await;
    assert_eq!(wrong.0, StatusCode::UNAUTHORIZED);
    server.login(&iris_email, PASSWORD).await;
    let (status, created) = interviewer.post_json("/api/sessions", json!({ "problem": "two-sum" })).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let session = created["session"]["id"].as_str().expect("session id").to_string();
    let (status, _) =
        interviewer.post_json(&format!("/api/sessions/{session}/invites"), json!({ "role": "candidate" })).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = interviewer.post_empty_json(&format!("/api/sessions/{session}/end")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = admin.post_json("/api/admin/apikeys", json!({ "name": "ats" })).await;
    assert_eq!(status, StatusCode::CREATED);
    for disabled in [true, false] {
        let (status, body) =
            admin.patch_json(&format!("/api/admin/users/{iris_id}"), json!({ "disabled": disabled })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    let (status, log) = admin.get_json("/api/admin/audit").await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let seen = actions(&log);
    for action in [
        "user.role_changed",
        "auth.sign_in_failed",
        "auth.signed_in",
        "invite.created",
        "session.ended",
        "apikey.created",
        "user.disabled",
        "user.enabled",
    ] {
        assert!(seen.iter().any(|a| a == action), "{action} missing from {seen:?}");
    }
    assert_eq!(seen.first().map(String::as_str), Some("user.enabled"), "newest first: {seen:?}");
    let entries = log["entries"].as_array().expect("entries");
    let failed = entries.iter().find(|e| e["action"] == "auth.sign_in_failed").expect("failed sign-in");
    assert_eq!(failed["target"], iris_email.as_str());
    assert_eq!(failed["address"], "127.0.0.1");
    assert!(failed["actor"].is_null());
    let role = entries.iter().find(|e| e["action"] == "user.role_changed").expect("role change");
    assert_eq!(
        (role["detail"]["from"].clone(), role["detail"]["to"].clone()),
        (json!("candidate"), json!("interviewer"))
    );
    assert_eq!(role["target"], iris_id.as_str());
    assert!(
        !log.to_string().contains(PASSWORD) && !log.to_string().contains("not the password"),
        "no password is kept"
    );

    // Filters: by action prefix, by person (actor or target), by time, and a bounded page.
    let (_, auth_only) = admin.get_json("/api/admin/audit?action=auth.").await;
    assert!(actions(&auth_only).iter().all(|a| a.starts_with("auth.")) && !actions(&auth_only).is_empty());
    let (_, about_iris) = admin.get_json(&format!("/api/admin/audit?user={iris_id}")).await;
    let about: Vec<String> = actions(&about_iris);
    for action in ["user.role_changed", "auth.signed_in", "session.ended", "user.disabled"] {
        assert!(about.iter().any(|a| a == action), "{action} not found for Iris: {about:?}");
    }
    assert!(!about.iter().any(|a| a == "apikey.created"), "{about:?}");
    let (_, future) = admin.get_json("/api/admin/audit?since=2999-01-01").await;
    assert_eq!(actions(&future).len(), 0);
    let (_, two) = admin.get_json("/api/admin/audit?limit=2").await;
    assert_eq!(actions(&two).len(), 2);
    assert_error(admin.get_json("/api/admin/audit?since=yesterday").await, StatusCode::BAD_REQUEST, "`since`");
    assert_error(admin.get_json("/api/admin/audit?limit=0").await, StatusCode::BAD_REQUEST, "`limit`");

    // The export: every entry, one JSON object a line.
    let export = admin.get("/api/admin/audit/export").await;
    assert_eq!(export.status(), StatusCode::OK);
    assert_eq!(export.headers()["content-type"], "application/x-ndjson");
    let text = export.text().await.expect("export");
    let lines: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).expect("a JSON line")).collect();
    assert_eq!(lines.len(), entries.len(), "the export holds what the page holds");

    // Nobody else reads it (Iris signs in again: being disabled ended her sign-ins).
    let (iris_again, _) = server.login(&iris_email, PASSWORD).await;
    assert_error(iris_again.get_json("/api/admin/audit").await, StatusCode::FORBIDDEN, "");
    assert_error(server.anon().get_json("/api/admin/audit/export").await, StatusCode::UNAUTHORIZED, "Sign in");

    // The command line, through the running server.
    let (ok, out) = coderoom(&server, &["audit", "--action", "apikey."]);
    assert!(ok && out.contains("apikey.created") && out.contains("ats"), "{out}");
    let (ok, out) = coderoom(&server, &["audit", "--json", "--user", &iris_id]);
    assert!(ok && out.lines().count() >= 4 && out.lines().all(|l| serde_json::from_str::<Value>(l).is_ok()), "{out}");
}
