use reqwest::StatusCode;
use serde_json::json;

use crate::Server;

/// Every write the server acknowledged is still there after `kill -9` and a restart.
#[tokio::test]
async fn acknowledged_writes_survive_kill_9() {
    let mut server = Server::start_with_env(&[("CODEROOM_SESSIONS_MAX_ACTIVE_PER_HOST", "100")]);
    let temp = server.take_temp();
    let data_dir = server.data_dir.clone();
    let (host, host_user) = server.register("Kim", "kim@example.test", "durable password").await;
    let (guest, _) = server.register("Lee", "lee@example.test", "durable password").await;
    let mut ids = Vec::new();
    for n in 0..30 {
        let (status, body) = host.post_json("/api/sessions", json!({"problem": "two-sum"})).await;
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
