use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::Server;

/// Every write the server acknowledged is still there after `kill -9` and a restart.
#[tokio::test]
async fn acknowledged_writes_survive_kill_9() {
    let mut server = Server::start_with_env(&[("CODEROOM_SESSIONS_MAX_ACTIVE_PER_HOST", "100")]);
    let temp = server.take_temp();
    let data_dir = server.data_dir.clone();
    let (host, host_user) =
        server.account_with_role("Kim", "kim@example.test", "durable password", "interviewer").await;
    let (guest, _) = server.register("Lee", "lee@example.test", "durable password").await;
    let mut ids = Vec::new();
    for n in 0..30 {
        let (status, body) = host.post_json("/api/sessions", json!({"problem": "two-sum", "visibility": "open"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let id = body["session"]["id"].as_str().expect("id").to_string();
        if n % 3 == 0 {
            assert_eq!(guest.post_empty_json(&format!("/api/sessions/{id}/join")).await.0, StatusCode::OK);
        }
        if n % 5 == 0 {
            assert_eq!(host.post_empty_json(&format!("/api/sessions/{id}/end")).await.0, StatusCode::OK);
        }
        ids.push(id);
    }
    server.kill(); // SIGKILL: no shutdown hooks run

    let restarted = Server::start_in(&data_dir, &[]);
    let (client, _) = restarted_login(&restarted).await;
    let (_, me) = client.get_json("/api/me").await;
    assert_eq!(me["user"]["id"], host_user["id"]);
    for (n, id) in ids.iter().enumerate() {
        let (status, body) = client.get_json(&format!("/api/sessions/{id}")).await;
        assert_eq!(status, StatusCode::OK, "session {n} lost");
        let session = &body["session"];
        assert_eq!(session["participant"].is_object(), n % 3 == 0, "join of session {n} lost");
        assert_eq!(session["status"] == "completed", n % 5 == 0, "end of session {n} lost");
    }
    drop(temp);
}

async fn restarted_login(server: &Server) -> (crate::Client, serde_json::Value) {
    let mut client = server.anon();
    let response =
        client.post("/api/auth/login", json!({"email": "kim@example.test", "password": "durable password"})).await;
    assert_eq!(response.status(), StatusCode::OK, "the account survived");
    client.cookie = crate::session_cookie(&response);
    let body = response.json().await.expect("json");
    (client, body)
}

/// A document write the database refuses (here: a rule that rejects large update rows, loaded
/// into the store before the server starts) is set aside after a few attempts and reported by
/// `/readyz`; the other rooms' edits keep being saved meanwhile.
#[tokio::test]
async fn a_write_the_database_refuses_is_set_aside_and_other_rooms_keep_saving() {
    let temp = tempfile::tempdir().expect("tempdir");
    let data_dir = temp.path().join("data");
    let rule = temp.path().join("rule.surql");
    std::fs::write(
        &rule,
        "OPTION IMPORT;\nDEFINE TABLE doc_update SCHEMALESS;\nDEFINE FIELD data ON doc_update ASSERT string::len($value) < 40000;\n",
    )
    .expect("write rule");
    let output = std::process::Command::new(crate::BINARY)
        .arg("restore")
        .arg(&rule)
        .arg("--data-dir")
        .arg(&data_dir)
        .env("CODEROOM_LOG_LEVEL", "error")
        .output()
        .expect("run restore");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    let mut server = Server::start_in(&data_dir, &[]);
    let (host, _) = server.interviewer("Rae").await;
    let mut rooms = Vec::new();
    for _ in 0..2 {
        let (status, body) = host.post_json("/api/sessions", json!({"problem": "two-sum"})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        rooms.push(body["session"]["id"].as_str().expect("id").to_string());
    }
    let mut poisoned = crate::realtime::Editor::connect(&host, &rooms[0], true).await;
    let mut healthy = crate::realtime::Editor::connect(&host, &rooms[1], true).await;
    let healthy_before = healthy.saved;

    // About 48 KB of base64 in one row: refused by the rule, every time.
    poisoned.insert(true, &"z".repeat(36 * 1024)).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    for n in 0..20 {
        healthy.insert(true, &format!("<{n}>")).await;
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while healthy.saved < healthy_before + 20 {
        assert!(tokio::time::Instant::now() < deadline, "the other room's edits were not saved");
        healthy.drain(Duration::from_millis(50)).await;
    }

    let (_, ready) = server.anon().get_json("/readyz").await;
    let documents = &ready["components"]["documents"];
    assert_eq!(documents["status"], "degraded", "{ready}");
    assert!(documents["setAside"].as_u64().is_some_and(|n| n >= 1), "{ready}");

    // What was acknowledged is on disk.
    server.kill();
    let restarted = Server::start_in(&data_dir, &[]);
    let host = crate::Client { base: restarted.url.clone(), ..host };
    let (_, body) = host.get_json(&format!("/api/sessions/{}/code", rooms[1])).await;
    let code = body["code"].as_str().unwrap_or_default();
    assert!((0..20).all(|n| code.contains(&format!("<{n}>"))), "{code}");
    drop(poisoned);
}
