//! The room's whiteboard: a second shared document with the editor's guarantees and access
//! rules, its caps, its read-only board after the end, and design problems.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::invitations::{accept, interview, invite, token_of};
use crate::realtime::{Editor, open};
use crate::{Server, assert_error};

fn rectangle(id: &str, index: &str, label: &str) -> Value {
    json!({
        "id": id, "type": "rectangle", "index": index, "version": 1, "versionNonce": 7, "isDeleted": false,
        "x": 10, "y": 20, "width": 120, "height": 60, "angle": 0, "strokeColor": "#1e1e1e",
        "backgroundColor": "transparent", "strokeWidth": 2, "opacity": 100, "customData": { "label": label },
    })
}

fn text(id: &str, index: &str, words: &str) -> Value {
    json!({
        "id": id, "type": "text", "index": index, "version": 1, "isDeleted": false,
        "x": 20, "y": 40, "width": 100, "height": 25, "text": words, "fontSize": 20,
    })
}

fn ids(board: &Value) -> Vec<String> {
    board["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .map(|s| s["id"].as_str().unwrap_or_default().into())
        .collect()
}

/// Two people draw at once and see each other's shapes; a third who joins late gets the whole
/// board; acknowledged strokes survive `kill -9`; the board is readable as JSON and SVG.
#[tokio::test]
async fn two_people_draw_at_once_a_late_joiner_sees_all_and_the_board_survives_kill_9() {
    let mut server = Server::start();
    let temp = server.take_temp();
    let data_dir = server.data_dir.clone();
    let (host, id) = interview(&server).await;
    let (candidate, _) = accept(&server, &token_of(&invite(&host, &id, "candidate").await), "Cleo").await;

    let mut host_board = Editor::connect_board(&host, &id, true).await;
    let mut candidate_board = Editor::connect_board(&candidate, &id, true).await;
    host_board.draw(rectangle("api", "a0", "API")).await;
    candidate_board.draw(rectangle("db", "a1", "DB")).await;
    host_board.draw(text("label", "a2", "Load balancer")).await;
    host_board.pump_until(|b| b.shapes().len() == 3 && b.saved == 2).await;
    candidate_board.pump_until(|b| b.shapes().len() == 3 && b.saved == 1).await;
    assert_eq!(host_board.shapes(), ["api", "db", "label"]);

    // The code document is another document: the board's shapes are not in it, nor its log.
    let code = Editor::connect(&host, &id, false).await;
    assert!(!code.code().contains("API"));

    let mut late = Editor::connect_board(&host, &id, false).await;
    late.pump_until(|b| b.shapes().len() == 3).await;

    // Concurrent changes of one shape converge to the same state everywhere.
    let mut moved = rectangle("api", "a0", "API");
    moved["x"] = json!(300);
    moved["version"] = json!(2);
    let mut recoloured = rectangle("api", "a0", "API");
    recoloured["strokeColor"] = json!("#e03131");
    recoloured["version"] = json!(2);
    host_board.draw(moved).await;
    candidate_board.draw(recoloured).await;
    host_board.pump_until(|b| b.saved == 3).await;
    candidate_board.pump_until(|b| b.saved == 2).await;
    host_board.drain(Duration::from_millis(300)).await;
    candidate_board.drain(Duration::from_millis(300)).await;
    let (_, seen_by_host) = host.get_json(&format!("/api/sessions/{id}/whiteboard")).await;
    let (status, seen_by_candidate) = candidate.get_json(&format!("/api/sessions/{id}/whiteboard")).await;
    assert_eq!(status, StatusCode::OK, "{seen_by_candidate}");
    assert_eq!(seen_by_host, seen_by_candidate);
    assert_eq!(ids(&seen_by_host), ["api", "db", "label"], "in stacking order");

    let acknowledged = seen_by_host.clone();
    server.kill();
    let restarted = Server::start_in(&data_dir, &[]);
    // Same cookie, new address: the sign-in is in the database too.
    let host = crate::Client { base: restarted.url.clone(), ..host };
    let (status, after) = host.get_json(&format!("/api/sessions/{id}/whiteboard")).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(after, acknowledged, "every acknowledged stroke survived kill -9");
    let mut reopened = Editor::connect_board(&host, &id, false).await;
    reopened.pump_until(|b| b.shapes().len() == 3).await;

    let response = host.get(&format!("/api/sessions/{id}/whiteboard?format=svg")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap_or_default().to_string();
    assert!(content_type.starts_with("image/svg+xml"), "{content_type}");
    assert!(response.headers()["content-security-policy"].to_str().unwrap_or_default().contains("default-src 'none'"));
    let svg = response.text().await.expect("svg");
    assert!(svg.starts_with("<svg") && svg.contains("Load balancer") && svg.contains("<rect"), "{svg}");
    assert_error(
        host.get_json(&format!("/api/sessions/{id}/whiteboard?format=png")).await,
        StatusCode::BAD_REQUEST,
        "format",
    );
    drop(temp);
}

/// The board has the editor's access rule; after the end it is read-only; the report has it.
#[tokio::test]
async fn the_board_is_for_the_room_read_only_after_the_end_and_in_the_report() {
    let server = Server::start();
    let (host, id) = interview(&server).await;
    let (candidate, _) = accept(&server, &token_of(&invite(&host, &id, "candidate").await), "Cleo").await;
    let (stranger, _) = server.interviewer("Sam").await;
    let board = format!("/api/sessions/{id}/whiteboard");
    let socket = format!("/api/collab/{id}/board");

    assert_error(server.anon().get_json(&board).await, StatusCode::UNAUTHORIZED, "");
    assert_eq!(open(&server.anon(), &socket).await.err().map(|e| e.0), Some(401));
    assert_error(stranger.get_json(&board).await, StatusCode::FORBIDDEN, "host and participants");
    assert_eq!(open(&stranger, &socket).await.err().map(|e| e.0), Some(403));
    let (admin, _) = server.admin("Ada").await;
    assert_eq!(admin.get_json(&board).await.0, StatusCode::OK, "administrators look in");

    let mut drawing = Editor::connect_board(&candidate, &id, true).await;
    drawing.draw(text("t", "a0", "Queue")).await;
    drawing.pump_until(|b| b.saved == 1).await;

    // A person removed by the host loses the board at once, like the editor.
    let (observer, joined) = accept(&server, &token_of(&invite(&host, &id, "interviewer").await), "Ivo").await;
    let mut observer_board = Editor::connect_board(&observer, &id, false).await;
    observer_board.pump_until(|b| b.shapes() == ["t"]).await;
    let observer_id = joined["user"]["id"].as_str().expect("id");
    let remove = format!("/api/sessions/{id}/participants/{observer_id}/remove");
    assert_eq!(host.post_empty_json(&remove).await.0, StatusCode::OK);
    observer_board.pump_until(|b| b.closed.is_some()).await;
    assert_eq!(observer_board.closed.map(u16::from), Some(4403));

    assert_eq!(host.post_empty_json(&format!("/api/sessions/{id}/end")).await.0, StatusCode::OK);
    drawing.pump_until(|b| b.closed.is_some()).await;
    assert_eq!(drawing.closed.map(u16::from), Some(4409), "the end closes the board's sockets too");
    assert_eq!(open(&candidate, &socket).await.err().map(|e| e.0), Some(409), "no drawing after the end");
    let (status, ended) = candidate.get_json(&board).await;
    assert_eq!((status, ids(&ended)), (StatusCode::OK, vec!["t".to_string()]), "the final board stays readable");

    let (status, report) = host.get_json(&format!("/api/sessions/{id}/report")).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["report"]["whiteboard"]["elements"][0]["text"], "Queue");
    let markdown = host.get(&format!("/api/sessions/{id}/report?format=md")).await.text().await.expect("md");
    assert!(markdown.contains("## Whiteboard") && markdown.contains("- Queue"), "{markdown}");
}

/// More shapes than the cap: the update is refused before it is applied, the sender is told;
/// a flood is cut off.
#[tokio::test]
async fn a_board_past_its_shape_cap_refuses_the_update_with_a_clear_reason() {
    let server = Server::start_with_env(&[
        ("CODEROOM_REALTIME_MAX_BOARD_ELEMENTS", "3"),
        ("CODEROOM_REALTIME_MESSAGES_PER_SECOND", "20"),
        ("CODEROOM_REALTIME_MESSAGE_BURST", "30"),
    ]);
    let (_, config) = server.anon().get_json("/api/config").await;
    assert_eq!(config["whiteboard"]["maxElements"], 3);
    let (host, id) = interview(&server).await;
    let mut board = Editor::connect_board(&host, &id, true).await;
    for (n, index) in ["a0", "a1", "a2"].iter().enumerate() {
        board.draw(rectangle(&format!("s{n}"), index, "box")).await;
    }
    board.pump_until(|b| b.saved == 3).await;
    board.draw(rectangle("s3", "a3", "one too many")).await;
    board.pump_until(|b| b.closed.is_some()).await;
    assert_eq!(board.closed.map(u16::from), Some(1009));
    assert_eq!(board.close_reason.as_deref(), Some("the whiteboard is full"));
    let (_, stored) = host.get_json(&format!("/api/sessions/{id}/whiteboard")).await;
    assert_eq!(ids(&stored), ["s0", "s1", "s2"], "the refused shape was never applied");
    // Changing a shape on a full board is still allowed.
    let mut again = Editor::connect_board(&host, &id, true).await;
    let mut moved = rectangle("s0", "a0", "box");
    moved["version"] = json!(2);
    again.draw(moved).await;
    again.pump_until(|b| b.saved == 1).await;
    assert!(again.closed.is_none());

    // A flood of updates is cut off like the editor's.
    for version in 3..80 {
        let mut moved = rectangle("s1", "a1", "box");
        moved["version"] = json!(version);
        again.draw(moved).await;
    }
    again.pump_until(|b| b.closed.is_some()).await;
    assert_eq!((again.closed.map(u16::from), again.close_reason.as_deref()), (Some(1008), Some("too many messages")));
}

/// A design prompt: no signature, nothing to run; its guidance reaches interviewers only.
#[tokio::test]
async fn a_design_problem_has_guidance_for_interviewers_and_nothing_to_judge() {
    let server = Server::start();
    let (host, _) = server.interviewer("Hana").await;
    let (status, list) = host.get_json("/api/problems").await;
    assert_eq!(status, StatusCode::OK);
    let design: Vec<&Value> =
        list["problems"].as_array().expect("list").iter().filter(|p| p["kind"] == "design").collect();
    assert!(design.len() >= 3, "three design prompts ship: {design:?}");
    let (_, detail) = host.get_json("/api/problems/design-url-shortener").await;
    let problem = &detail["problem"];
    assert_eq!((problem["kind"].clone(), problem["signature"].clone()), (json!("design"), Value::Null));
    assert!(problem.get("guidance").is_none(), "guidance is never in the statement");
    assert_eq!(problem["starterCode"], json!({}));

    let (status, guidance) = host.get_json("/api/problems/design-url-shortener/guidance").await;
    assert_eq!(status, StatusCode::OK);
    assert!(guidance["guidance"].as_str().unwrap_or_default().contains("base-62"));
    let (candidate_account, _) = server.user("Cody").await;
    assert_error(
        candidate_account.get_json("/api/problems/design-url-shortener/guidance").await,
        StatusCode::FORBIDDEN,
        "interviewers",
    );
    assert_error(
        server.anon().get_json("/api/problems/design-url-shortener/guidance").await,
        StatusCode::UNAUTHORIZED,
        "",
    );

    let (status, created) = host.post_json("/api/sessions", json!({ "problem": "design-url-shortener" })).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["session"]["id"].as_str().expect("id").to_string();
    let (guest, _) = accept(&server, &token_of(&invite(&host, &id, "candidate").await), "Cleo").await;
    let (status, guidance) = host.get_json(&format!("/api/sessions/{id}/guidance")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(guidance["guidance"].as_str().unwrap_or_default().contains("Follow-ups"));
    let session_guidance = format!("/api/sessions/{id}/guidance");
    assert_error(guest.get_json(&session_guidance).await, StatusCode::FORBIDDEN, "");
    assert_error(server.anon().get_json(&session_guidance).await, StatusCode::UNAUTHORIZED, "");
    let (stranger, _) = server.interviewer("Sam").await;
    assert_error(stranger.get_json(&session_guidance).await, StatusCode::FORBIDDEN, "");
    let (admin, _) = server.admin("Ada").await;
    assert_eq!(admin.get_json(&session_guidance).await.0, StatusCode::OK, "administrators read the record");
    assert_eq!(admin.get_json("/api/problems/design-url-shortener/guidance").await.0, StatusCode::OK);
    assert_error(guest.get_json("/api/problems/design-url-shortener/guidance").await, StatusCode::FORBIDDEN, "");

    let code = Editor::connect(&guest, &id, false).await;
    assert!(code.code().contains("Design: Design a URL Shortener"), "{}", code.code());
    let attempt = json!({ "language": "python", "code": "print(1)", "sessionId": id });
    assert_error(
        guest.post_json("/api/problems/design-url-shortener/run", attempt.clone()).await,
        StatusCode::BAD_REQUEST,
        "design problem",
    );
    assert_error(
        guest.post_json("/api/problems/design-url-shortener/submit", attempt).await,
        StatusCode::BAD_REQUEST,
        "design problem",
    );
}
