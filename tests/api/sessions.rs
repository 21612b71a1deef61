use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{Server, assert_error};

/// A session open to every signed-in user (pair programming), which the join tests need;
/// interviews entered by link are in `invitations.rs`.
async fn create(client: &crate::Client, problem: &str) -> Value {
    let body = json!({ "problem": problem, "visibility": "open" });
    let (status, body) = client.post_json("/api/sessions", body).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["session"].clone()
}

#[tokio::test]
async fn create_show_and_list_without_emails() {
    let server = Server::start();
    let (host, host_user) = server.interviewer("Hana").await;
    let session = create(&host, "two-sum").await;
    assert_eq!(session["problem"], json!({"slug": "two-sum", "title": "Two Sum", "difficulty": "easy"}));
    assert_eq!(session["difficulty"], "easy");
    assert_eq!(session["status"], "active");
    assert_eq!(session["host"], json!({"id": host_user["id"], "name": "Hana", "image": null}));
    assert_eq!(session["participant"], Value::Null);
    assert_eq!(session["seats"], 2);
    for key in ["id", "callId", "createdAt", "updatedAt", "endedAt"] {
        assert!(session.get(key).is_some(), "session lacks {key}");
    }

    let (status, shown) = host.get_json(&format!("/api/sessions/{}", session["id"].as_str().unwrap_or_default())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown["session"]["id"], session["id"]);

    let (other, _) = server.interviewer("Omar").await;
    create(&other, "maximum-subarray").await;
    // Everyone sees the sessions they host or sit in; administrators see them all.
    let (status, active) = other.get_json("/api/sessions/active").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(active["sessions"].as_array().map(Vec::len), Some(1), "{active}");
    let (admin, _) = server.admin("Ada").await;
    let (status, active) = admin.get_json("/api/sessions/active").await;
    assert_eq!(status, StatusCode::OK);
    let sessions = active["sessions"].as_array().expect("sessions");
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0]["problem"]["slug"], "maximum-subarray", "newest first");
    assert!(!active.to_string().contains('@'), "an email leaked: {active}");
}

#[tokio::test]
async fn invalid_creates_are_rejected() {
    let server = Server::start();
    let (host, _) = server.interviewer("Ivy").await;
    assert_error(
        host.post_json("/api/sessions", json!({"problem": "no-such-problem"})).await,
        StatusCode::BAD_REQUEST,
        "Unknown problem",
    );
    assert_error(host.post_json("/api/sessions", json!({})).await, StatusCode::BAD_REQUEST, "problem");
    assert_error(
        host.post_json("/api/sessions", json!({"problem": "two-sum", "difficulty": "impossible"})).await,
        StatusCode::BAD_REQUEST,
        "difficulty",
    );
    assert_error(
        host.post_json("/api/sessions", json!({"problem": "two-sum", "difficulty": "hard"})).await,
        StatusCode::BAD_REQUEST,
        "Difficulty follows the problem",
    );
    let missing = host.get_json("/api/sessions/doesnotexist").await;
    assert_error(missing, StatusCode::NOT_FOUND, "Session not found");
    let weird = host.get_json("/api/sessions/%27%3B%20DELETE").await;
    assert_error(weird, StatusCode::NOT_FOUND, "Session not found");
}

#[tokio::test]
async fn join_leave_end_lifecycle() {
    let server = Server::start();
    let (host, _) = server.interviewer("Host").await;
    let (guest, guest_user) = server.user("Guest").await;
    let (third, _) = server.user("Third").await;
    let session = create(&host, "valid-palindrome").await;
    let id = session["id"].as_str().expect("id").to_string();

    let (status, joined) = guest.post_empty_json(&format!("/api/sessions/{id}/join")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(joined["session"]["participant"]["id"], guest_user["id"]);
    assert_eq!(joined["session"]["participants"].as_array().map(Vec::len), Some(1));

    let (again, _) = guest.post_empty_json(&format!("/api/sessions/{id}/join")).await;
    assert_eq!(again, StatusCode::OK, "joining twice is idempotent");
    let (host_join, _) = host.post_empty_json(&format!("/api/sessions/{id}/join")).await;
    assert_eq!(host_join, StatusCode::OK, "the host rejoining is idempotent");
    assert_error(
        third.post_empty_json(&format!("/api/sessions/{id}/join")).await,
        StatusCode::CONFLICT,
        "Session is full",
    );

    assert_error(
        host.post_empty_json(&format!("/api/sessions/{id}/leave")).await,
        StatusCode::BAD_REQUEST,
        "host cannot leave",
    );
    let (left, body) = guest.post_empty_json(&format!("/api/sessions/{id}/leave")).await;
    assert_eq!(left, StatusCode::OK);
    assert_eq!(body["session"]["participant"], Value::Null);
    assert_error(
        guest.post_empty_json(&format!("/api/sessions/{id}/leave")).await,
        StatusCode::BAD_REQUEST,
        "not a participant",
    );
    let (third_join, _) = third.post_empty_json(&format!("/api/sessions/{id}/join")).await;
    assert_eq!(third_join, StatusCode::OK, "a freed seat can be taken");

    assert_error(
        third.post_empty_json(&format!("/api/sessions/{id}/end")).await,
        StatusCode::FORBIDDEN,
        "Only the host",
    );
    let (ended, body) = host.post_empty_json(&format!("/api/sessions/{id}/end")).await;
    assert_eq!(ended, StatusCode::OK);
    assert_eq!(body["session"]["status"], "completed");
    assert!(body["session"]["endedAt"].is_string());
    assert!(body["message"].is_string());
    assert_error(
        host.post_empty_json(&format!("/api/sessions/{id}/end")).await,
        StatusCode::BAD_REQUEST,
        "already completed",
    );
    assert_error(
        guest.post_empty_json(&format!("/api/sessions/{id}/join")).await,
        StatusCode::BAD_REQUEST,
        "completed session",
    );

    let (_, active) = host.get_json("/api/sessions/active").await;
    assert_eq!(active["sessions"].as_array().map(Vec::len), Some(0));
    for (client, expected) in [(&host, 1), (&third, 1), (&guest, 0)] {
        let (status, recent) = client.get_json("/api/sessions/my-recent").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(recent["sessions"].as_array().map(Vec::len), Some(expected), "{recent}");
    }
}

#[tokio::test]
async fn exactly_one_of_many_racing_joiners_wins() {
    let server = Arc::new(Server::start());
    let (host, _) = server.interviewer("Racer Host").await;
    let mut joiners = Vec::new();
    for n in 0..8 {
        joiners.push(server.user(&format!("Racer{n}")).await.0);
    }
    for round in 0..3 {
        let id = create(&host, "two-sum").await["id"].as_str().expect("id").to_string();
        assert_eq!(race_to_join(&joiners, &id).await, 1, "round {round}");
        let (_, shown) = host.get_json(&format!("/api/sessions/{id}")).await;
        assert_eq!(shown["session"]["participants"].as_array().map(Vec::len), Some(1));
    }
}

/// Every client asks to join session `id` at the same moment; how many got a seat (the others
/// must be told the session is full).
pub(crate) async fn race_to_join(joiners: &[crate::Client], id: &str) -> usize {
    let barrier = Arc::new(tokio::sync::Barrier::new(joiners.len()));
    let tasks: Vec<_> = joiners
        .iter()
        .cloned()
        .map(|client| {
            let barrier = barrier.clone();
            let path = format!("/api/sessions/{id}/join");
            tokio::spawn(async move {
                barrier.wait().await;
                client.post_empty_json(&path).await
            })
        })
        .collect();
    let mut wins = 0;
    for task in tasks {
        let (status, body) = task.await.expect("task");
        match status {
            StatusCode::OK => wins += 1,
            StatusCode::CONFLICT => assert_eq!(body["message"], "Session is full"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    wins
}

#[tokio::test]
async fn listings_page_with_limit_and_before() {
    let server = Server::start_with_env(&[("CODEROOM_SESSIONS_MAX_ACTIVE_PER_HOST", "50")]);
    let (host, _) = server.interviewer("Pager").await;
    let mut ids = Vec::new();
    for _ in 0..25 {
        ids.push(create(&host, "two-sum").await["id"].as_str().expect("id").to_string());
    }
    let (_, first) = host.get_json("/api/sessions/active").await;
    let first = first["sessions"].as_array().expect("sessions").clone();
    assert_eq!(first.len(), 20, "at most 20 by default");
    let cursor = first.last().expect("last")["createdAt"].as_str().expect("createdAt").to_string();
    let (status, rest) = host.get_json(&format!("/api/sessions/active?limit=10&before={}", urlencode(&cursor))).await;
    assert_eq!(status, StatusCode::OK, "{rest}");
    assert_eq!(rest["sessions"].as_array().map(Vec::len), Some(5));
    assert_error(host.get_json("/api/sessions/active?limit=0").await, StatusCode::BAD_REQUEST, "limit");
    assert_error(host.get_json("/api/sessions/active?limit=abc").await, StatusCode::BAD_REQUEST, "query");
    assert_error(host.get_json("/api/sessions/active?before=yesterday").await, StatusCode::BAD_REQUEST, "before");

    // The host's completed sessions page the same way, newest first.
    for id in &ids {
        let (status, _) = host.post_empty_json(&format!("/api/sessions/{id}/end")).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (_, recent) = host.get_json("/api/sessions/my-recent").await;
    let recent = recent["sessions"].as_array().expect("sessions").clone();
    let shown: Vec<_> = recent.iter().map(|s| s["id"].as_str().expect("id").to_string()).collect();
    let newest: Vec<_> = ids.iter().rev().take(20).cloned().collect();
    assert_eq!(shown, newest);
    let cursor = recent.last().expect("last")["createdAt"].as_str().expect("createdAt").to_string();
    let (status, rest) = host.get_json(&format!("/api/sessions/my-recent?before={}", urlencode(&cursor))).await;
    assert_eq!(status, StatusCode::OK, "{rest}");
    let rest: Vec<_> = rest["sessions"].as_array().expect("sessions").iter().map(|s| s["id"].clone()).collect();
    let oldest: Vec<_> = ids.iter().take(5).rev().map(|id| json!(id)).collect();
    assert_eq!(rest, oldest);
}

fn urlencode(text: &str) -> String {
    text.replace(':', "%3A").replace('+', "%2B")
}

#[tokio::test]
async fn hosts_cannot_flood_sessions() {
    let server = Server::start_with_env(&[("CODEROOM_SESSIONS_MAX_ACTIVE_PER_HOST", "2")]);
    let (host, _) = server.interviewer("Flood").await;
    create(&host, "two-sum").await;
    create(&host, "two-sum").await;
    assert_error(
        host.post_json("/api/sessions", json!({"problem": "two-sum"})).await,
        StatusCode::CONFLICT,
        "already host",
    );
}

#[tokio::test]
async fn seats_are_configurable() {
    let server = Server::start_with_env(&[("CODEROOM_SESSIONS_SEATS", "3")]);
    let (host, _) = server.interviewer("Three").await;
    let id = create(&host, "two-sum").await["id"].as_str().expect("id").to_string();
    for name in ["One", "Two"] {
        let (client, _) = server.user(name).await;
        assert_eq!(client.post_empty_json(&format!("/api/sessions/{id}/join")).await.0, StatusCode::OK);
    }
    let (late, _) = server.user("Late").await;
    assert_error(late.post_empty_json(&format!("/api/sessions/{id}/join")).await, StatusCode::CONFLICT, "full");
}
