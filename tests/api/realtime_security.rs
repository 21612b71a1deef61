//! The rooms under attack: frames built to make the server allocate, cursor and document
//! growth, and access that ends while sockets are open (leaving, an account disabled or
//! demoted, the session's end, and connections racing that end).

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use yrs::sync::Message;

use crate::realtime::{Editor, close_frame, next_event, open, send_json, session_with_guest};
use crate::{Client, Server};

/// Resident and peak resident memory of a process, in KiB.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc status");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("no {name} in /proc/{pid}/status"))
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Sends `frames` over one editor socket while reading everything the server sends back;
/// returns the bytes received and the close code, reading at most `cap` bytes.
async fn attack(client: &Client, session: &str, frames: Vec<Vec<u8>>, cap: usize) -> (usize, Option<u16>) {
    let socket = open(client, &format!("/api/collab/{session}")).await.expect("attacker connects");
    let (mut sink, mut stream) = socket.split();
    let reader = tokio::spawn(async move {
        let mut received = 0usize;
        loop {
            match tokio::time::timeout(Duration::from_secs(15), stream.next()).await {
                Ok(Some(Ok(WsMessage::Binary(data)))) => {
                    received += data.len();
                    if received > cap {
                        return (received, None);
                    }
                }
                Ok(Some(Ok(WsMessage::Close(frame)))) => return (received, frame.map(|f| u16::from(f.code))),
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(_)) | None) | Err(_) => return (received, None),
            }
        }
    });
    for frame in frames {
        if sink.send(WsMessage::Binary(frame.into())).await.is_err() {
            break;
        }
    }
    tokio::time::timeout(Duration::from_secs(60), reader).await.expect("reader finished").expect("reader")
}

/// A room holding `kib` KiB of text, with two editors in it.
async fn full_room(server: &Server, kib: usize) -> (Client, Client, String, Editor, Editor) {
    let (host, guest, id) = session_with_guest(server).await;
    let mut alice = Editor::connect(&host, &id, false).await;
    let mut bob = Editor::connect(&guest, &id, false).await;
    let line = "let total = values.iter().map(|v| v * 2).sum::<i64>(); // padding\n";
    let chunk: String = line.repeat(64 * 1024 / line.len());
    for _ in 0..kib / 64 {
        alice.insert(true, &chunk).await;
    }
    let want = (kib / 64) * chunk.len();
    bob.pump_until(|e| e.code().len() >= want).await;
    (host, guest, id, alice, bob)
}

#[tokio::test]
async fn a_frame_packed_with_sync_requests_cannot_balloon_memory() {
    let server = Server::start();
    let (_host, guest, id, mut alice, mut bob) = full_room(&server, 256).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (rss_before, peak_before) = memory_kib(server.pid());

    // The measured attack: 50 frames of 10 KB, each message a SyncStep1 with an empty state
    // vector (asking for the whole document) or an awareness query.
    let mut frame = Vec::new();
    while frame.len() < 10_000 {
        frame.extend_from_slice(&[0, 0, 1, 0]);
        frame.push(3);
    }
    let (received, code) = attack(&guest, &id, vec![frame; 50], 64 << 20).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (rss_after, peak_after) = memory_kib(server.pid());

    assert!(received < 2 << 20, "the server sent {received} bytes back to one frame's worth of queries");
    assert_eq!(code, Some(1008), "the offender is closed for policy");
    let grown = rss_after.saturating_sub(rss_before);
    let peak = peak_after.saturating_sub(peak_before);
    assert!(grown < 64 * 1024, "resident memory grew by {grown} KiB");
    assert!(peak < 96 * 1024, "peak resident memory grew by {peak} KiB");

    // The room and the other editors never noticed.
    alice.insert(false, "still here ").await;
    bob.pump_until(|e| e.code().starts_with("still here ")).await;
    assert!(alice.closed.is_none() && bob.closed.is_none());
}

#[tokio::test]
async fn declared_counts_cannot_reserve_memory() {
    let server = Server::start();
    let (host, guest, id) = session_with_guest(&server).await;
    let mut alice = Editor::connect(&host, &id, false).await;
    let (_, peak_before) = memory_kib(server.pid());
    // A few bytes each that declare 2^27 entries: a state vector, cursor states, an update.
    let huge = [0x80, 0x80, 0x80, 0x40];
    let step1 = [&[0u8, 0, 4][..], &huge].concat();
    let awareness = [&[1u8, 4][..], &huge].concat();
    let update = [&[0u8, 2, 4][..], &huge].concat();
    for frame in [step1, awareness, update] {
        let (_, code) = attack(&guest, &id, vec![frame], 1 << 20).await;
        assert_eq!(code, Some(1007), "an impossible count is an invalid message");
    }
    let (_, peak_after) = memory_kib(server.pid());
    let peak = peak_after.saturating_sub(peak_before);
    assert!(peak < 64 * 1024, "peak resident memory grew by {peak} KiB");
    alice.insert(true, "fine").await;
    let mut late = Editor::connect(&guest, &id, false).await;
    late.pump_until(|e| e.code().ends_with("fine")).await;
}

#[tokio::test]
async fn cursor_state_is_capped_per_client() {
    let server = Server::start();
    let (host, guest, id) = session_with_guest(&server).await;
    let mut alice = Editor::connect(&host, &id, false).await;
    alice.announce("Hana").await;

    // One cursor whose state is 64 KiB: too big.
    let mut bloated = Editor::connect(&guest, &id, false).await;
    bloated.announce(&"x".repeat(64 * 1024)).await;
    bloated.pump_until(|e| e.closed.is_some()).await;
    assert_eq!(bloated.closed, Some(CloseCode::Size));

    // Many small cursors from one connection: more clients than one browser tab has.
    let mut crowd = Editor::connect(&guest, &id, false).await;
    let mut update = yrs::sync::AwarenessUpdate { clients: Default::default() };
    for client in 0..64u64 {
        let entry = yrs::sync::awareness::AwarenessUpdateEntry {
            clock: 1,
            json: format!("{{\"user\":{{\"name\":\"bot{client}\"}}}}").into(),
        };
        update.clients.insert(yrs::ClientID::new(10_000 + client), entry);
    }
    crowd.send(&Message::Awareness(update)).await;
    crowd.pump_until(|e| e.closed.is_some()).await;
    assert_eq!(crowd.closed, Some(CloseCode::Policy));

    // Nobody else saw any of it, and cursors still work.
    let mut carol = Editor::connect(&host, &id, false).await;
    carol.announce("Carol").await;
    alice.pump_until(|e| e.cursors() == ["Carol", "Hana"]).await;
    assert!(alice.closed.is_none());
}

#[tokio::test]
async fn the_document_size_is_capped() {
    let server = Server::start_with_env(&[("CODEROOM_REALTIME_MAX_DOCUMENT_KB", "64")]);
    let (host, guest, id) = session_with_guest(&server).await;
    let mut alice = Editor::connect(&host, &id, false).await;
    let mut bob = Editor::connect(&guest, &id, false).await;
    bob.insert(true, &"y".repeat(80 * 1024)).await;
    bob.pump_until(|e| e.closed.is_some()).await;
    assert_eq!(bob.closed, Some(CloseCode::Size));

    alice.insert(true, "// small edit").await;
    let mut late = Editor::connect(&guest, &id, false).await;
    late.pump_until(|e| e.code().ends_with("// small edit")).await;
    assert!(!late.code().contains("yyyy"), "the oversized edit was refused");
    let (status, body) = host.get_json(&format!("/api/sessions/{id}/code")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body["code"].as_str().unwrap_or_default().contains("yyyy"));
}

/// The person's event channel and editor in a room.
async fn sockets_of(client: &Client, id: &str) -> (crate::realtime::Socket, Editor) {
    let mut events = open(client, &format!("/api/sessions/{id}/events")).await.expect("events");
    next_event(&mut events, "welcome").await;
    (events, Editor::connect(client, id, false).await)
}

async fn assert_closed(events: &mut crate::realtime::Socket, editor: &mut Editor, code: u16, reason: &str) {
    assert_eq!(close_frame(events).await, Some((code, reason.to_string())));
    editor.pump_until(|e| e.closed.is_some()).await;
    assert_eq!(editor.closed, Some(CloseCode::from(code)));
    assert_eq!(editor.close_reason.as_deref(), Some(reason));
}

#[tokio::test]
async fn leaving_closes_the_persons_sockets_and_nobody_elses() {
    let server = Server::start();
    let (host, guest, id) = session_with_guest(&server).await;
    let (mut host_events, mut host_editor) = sockets_of(&host, &id).await;
    let (mut guest_events, mut guest_editor) = sockets_of(&guest, &id).await;

    assert_eq!(guest.post_empty_json(&format!("/api/sessions/{id}/leave")).await.0, StatusCode::OK);
    assert_closed(&mut guest_events, &mut guest_editor, 4403, "You left the session").await;

    // The host stays, and the one who left cannot come back in without joining again.
    loop {
        let presence = next_event(&mut host_events, "presence").await;
        if presence["peers"].as_array().is_some_and(|peers| peers.len() == 1) {
            break;
        }
    }
    host_editor.insert(true, "// host still typing").await;
    let mut second = Editor::connect(&host, &id, false).await;
    second.pump_until(|e| e.code().ends_with("// host still typing")).await;
    let (status, _) = open(&guest, &format!("/api/collab/{id}")).await.expect_err("no longer a member");
    assert_eq!(status, 403);
    assert!(host_editor.closed.is_none());
}

#[tokio::test]
async fn disabling_or_demoting_an_account_closes_its_sockets() {
    let server = Server::start();
    let (admin, _) = server.admin("Ada").await;
    let (host, guest, id) = session_with_guest(&server).await;
    let (_, guest_user) = guest.get_json("/api/me").await;
    let guest_id = guest_user["user"]["id"].as_str().expect("id").to_string();
    let (mut guest_events, mut guest_editor) = sockets_of(&guest, &id).await;
    let (mut host_events, _host_editor) = sockets_of(&host, &id).await;

    let changed = change_user(&admin, &guest_id, json!({ "disabled": true })).await;
    assert_eq!(changed.0, StatusCode::OK, "{}", changed.1);
    assert_closed(&mut guest_events, &mut guest_editor, 4403, "Your account was disabled").await;

    // A second administrator looks into the room, then loses the role.
    let (_, ivy_user) = server.user("Ivy").await;
    let ivy_id = ivy_user["id"].as_str().expect("id").to_string();
    let promoted = change_user(&admin, &ivy_id, json!({ "role": "admin" })).await;
    assert_eq!(promoted.0, StatusCode::OK);
    let ivy = sign_in(&server, ivy_user["email"].as_str().expect("email")).await;
    let (mut ivy_events, mut ivy_editor) = sockets_of(&ivy, &id).await;
    let demoted = change_user(&admin, &ivy_id, json!({ "role": "interviewer" })).await;
    assert_eq!(demoted.0, StatusCode::OK);
    assert_closed(&mut ivy_events, &mut ivy_editor, 4401, "Your role was changed; sign in again").await;

    // The host's channel carried on.
    send_json(&mut host_events, json!({ "type": "ping" })).await;
    next_event(&mut host_events, "pong").await;
    drop(host);
}

async fn change_user(admin: &Client, id: &str, changes: Value) -> (StatusCode, Value) {
    admin.patch_json(&format!("/api/admin/users/{id}"), changes).await
}

async fn sign_in(server: &Server, email: &str) -> Client {
    let mut client = server.anon();
    let response = client.post("/api/auth/login", json!({ "email": email, "password": "correct horse battery" })).await;
    assert_eq!(response.status(), StatusCode::OK);
    client.cookie = crate::session_cookie(&response);
    client
}

#[tokio::test]
async fn run_and_submit_refuse_an_ended_session() {
    let server = Server::start();
    let (host, guest, id) = session_with_guest(&server).await;
    assert_eq!(host.post_empty_json(&format!("/api/sessions/{id}/end")).await.0, StatusCode::OK);
    let body = json!({ "language": "python", "code": "class Solution: pass", "sessionId": id });
    for action in ["run", "submit"] {
        let (status, reply) = guest.post_json(&format!("/api/problems/two-sum/{action}"), body.clone()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{action}: {reply}");
        assert!(reply["message"].as_str().unwrap_or_default().contains("ended"), "{reply}");
    }
}

#[tokio::test]
async fn sockets_racing_the_end_are_closed_too() {
    let server = Server::start();
    let (host, guest, id) = session_with_guest(&server).await;
    // Openers that connect back to back, so that some connection is always half-way in
    // (authorised, not yet in the room) when the session ends.
    let mut openers = Vec::new();
    for n in 0..6 {
        let client = if n % 2 == 0 { guest.clone() } else { host.clone() };
        let path = if n < 3 { format!("/api/sessions/{id}/events") } else { format!("/api/collab/{id}") };
        openers.push(tokio::spawn(async move {
            let mut sockets = Vec::new();
            while sockets.len() < 150 {
                match open(&client, &path).await {
                    Ok(socket) => sockets.push(socket),
                    Err((409, _)) => break,
                    Err(other) => panic!("{path}: {other:?}"),
                }
            }
            let mut codes = Vec::new();
            for mut socket in sockets {
                codes.push(close_frame(&mut socket).await.map(|(code, _)| code));
            }
            codes
        }));
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(host.post_empty_json(&format!("/api/sessions/{id}/end")).await.0, StatusCode::OK);
    let mut total = 0;
    for opener in openers {
        let codes = opener.await.expect("opener");
        total += codes.len();
        assert!(codes.iter().all(|code| *code == Some(4409)), "a socket outlived the end: {codes:?}");
    }
    assert!(total > 6, "only {total} sockets opened");
}
