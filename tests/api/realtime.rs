//! The session room over real WebSockets: a y-websocket client built on yrs edits the shared
//! document, and JSON clients use the event channel.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{self, Message as WsMessage};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use yrs::encoding::read::Cursor;
use yrs::sync::protocol::{MessageReader, SyncMessage};
use yrs::sync::{Awareness, Message};
use yrs::updates::decoder::{Decode, DecoderV1};
use yrs::updates::encoder::Encode;
use yrs::{Doc, GetString, Map, ReadTxn, Text, TextRef, Transact, Update};

use crate::{Client, Server};

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub(crate) const WAIT: Duration = Duration::from_secs(20);

/// Opens a WebSocket as `client` (its cookie, if any); on refusal, the HTTP status and body.
pub(crate) async fn open(client: &Client, path: &str) -> Result<Socket, (u16, Value)> {
    let url = format!("{}{path}", client.base.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().expect("request");
    if let Some(cookie) = &client.cookie {
        request.headers_mut().insert("cookie", HeaderValue::from_str(cookie).expect("cookie header"));
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tungstenite::Error::Http(response)) => {
            let body = response.body().as_deref().unwrap_or_default();
            Err((response.status().as_u16(), serde_json::from_slice(body).unwrap_or(Value::Null)))
        }
        Err(err) => panic!("cannot connect to {path}: {err}"),
    }
}

/// The starter code the problem page shows for two-sum in `language`.
pub(crate) async fn starter_code(client: &Client, language: &str) -> String {
    let (status, body) = client.get_json("/api/problems/two-sum").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["problem"]["starterCode"][language].as_str().expect("starter code").to_string()
}

pub(crate) async fn session_with_guest(server: &Server) -> (Client, Client, String) {
    let (host, _) = server.interviewer("Hana").await;
    let (guest, _) = server.user("Gus").await;
    let (status, body) = host.post_json("/api/sessions", json!({ "problem": "two-sum", "visibility": "open" })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["session"]["id"].as_str().expect("id").to_string();
    assert_eq!(guest.post_empty_json(&format!("/api/sessions/{id}/join")).await.0, StatusCode::OK);
    (host, guest, id)
}

/// A y-websocket client: a yrs document kept in sync with the server's.
pub(crate) struct Editor {
    pub(crate) socket: Socket,
    doc: Doc,
    text: TextRef,
    /// Saved notices received (only with `?ack=1`).
    pub(crate) saved: u64,
    synced: bool,
    pub(crate) closed: Option<CloseCode>,
    /// The reason the server gave when it closed the connection.
    pub(crate) close_reason: Option<String>,
    /// Everyone's cursors as this client knows them.
    awareness: Awareness,
}

impl Editor {
    pub(crate) async fn connect(client: &Client, session: &str, ack: bool) -> Self {
        Self::connect_to(client, &format!("/api/collab/{session}"), ack).await
    }

    /// The session's whiteboard instead of its code.
    pub(crate) async fn connect_board(client: &Client, session: &str, ack: bool) -> Self {
        Self::connect_to(client, &format!("/api/collab/{session}/board"), ack).await
    }

    async fn connect_to(client: &Client, path: &str, ack: bool) -> Self {
        let path = format!("{path}{}", if ack { "?ack=1" } else { "" });
        let socket = open(client, &path).await.unwrap_or_else(|refused| panic!("collab refused: {refused:?}"));
        let doc = Doc::new();
        let text = doc.get_or_insert_text("code");
        let mut editor = Self {
            socket,
            awareness: Awareness::new(doc.clone()),
            doc,
            text,
            saved: 0,
            synced: false,
            closed: None,
            close_reason: None,
        };
        let step1 = Message::Sync(SyncMessage::SyncStep1(editor.doc.transact().state_vector()));
        editor.send(&step1).await;
        editor.pump_until(|e| e.synced).await;
        editor
    }

    pub(crate) async fn send(&mut self, message: &Message) {
        self.socket.send(WsMessage::Binary(message.encode_v1().into())).await.expect("send");
    }

    pub(crate) fn code(&self) -> String {
        self.text.get_string(&self.doc.transact())
    }

    fn language(&self) -> Option<String> {
        let txn = self.doc.transact();
        match txn.get_map("meta")?.get(&txn, "language")? {
            yrs::Out::Any(yrs::Any::String(language)) => Some(language.to_string()),
            _ => None,
        }
    }

    /// Inserts text locally and sends the update, as a provider does.
    /// Makes any change to the text (and the meta map) and sends it as one update.
    pub(crate) async fn edit(&mut self, change: impl FnOnce(&TextRef, &yrs::MapRef, &mut yrs::TransactionMut)) {
        let before = self.doc.transact().state_vector();
        let meta = self.doc.get_or_insert_map("meta");
        {
            let mut txn = self.doc.transact_mut();
            change(&self.text, &meta, &mut txn);
        }
        let update = self.doc.transact().encode_state_as_update_v1(&before);
        self.send(&Message::Sync(SyncMessage::Update(update))).await;
    }

    /// Puts a shape on the board (`elements` map, keyed by the shape's id, as JSON text) as a
    /// browser does.
    pub(crate) async fn draw(&mut self, shape: Value) {
        let before = self.doc.transact().state_vector();
        let elements = self.doc.get_or_insert_map("elements");
        {
            let id = shape["id"].as_str().expect("a shape id").to_string();
            let value = yrs::Any::String(shape.to_string().into());
            let mut txn = self.doc.transact_mut();
            elements.insert(&mut txn, id, value);
        }
        let update = self.doc.transact().encode_state_as_update_v1(&before);
        self.send(&Message::Sync(SyncMessage::Update(update))).await;
    }

    /// The ids of the shapes on the board as this client knows it, sorted.
    pub(crate) fn shapes(&self) -> Vec<String> {
        let txn = self.doc.transact();
        let mut ids: Vec<String> =
            txn.get_map("elements").map(|map| map.keys(&txn).map(str::to_string).collect()).unwrap_or_default();
        ids.sort();
        ids
    }

    pub(crate) async fn insert(&mut self, at_end: bool, chunk: &str) {
        let before = self.doc.transact().state_vector();
        {
            let mut txn = self.doc.transact_mut();
            let index = if at_end { self.text.len(&txn) } else { 0 };
            self.text.insert(&mut txn, index, chunk);
        }
        let update = self.doc.transact().encode_state_as_update_v1(&before);
        self.send(&Message::Sync(SyncMessage::Update(update))).await;
    }

    /// Handles one incoming frame; `false` once the connection is closed.
    pub(crate) async fn step(&mut self, wait: Duration) -> bool {
        let frame = match tokio::time::timeout(wait, self.socket.next()).await {
            Err(_) => return true,
            Ok(None) => {
                self.closed.get_or_insert(CloseCode::Abnormal);
                return false;
            }
            Ok(Some(Err(_))) => {
                self.closed.get_or_insert(CloseCode::Abnormal);
                return false;
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let data = match frame {
            WsMessage::Binary(data) => data,
            WsMessage::Close(close) => {
                self.close_reason = close.as_ref().map(|c| c.reason.to_string());
                self.closed = Some(close.map_or(CloseCode::Status, |c| c.code));
                return false;
            }
            _ => return true,
        };
        let mut decoder = DecoderV1::new(Cursor::new(&data));
        let messages: Vec<Message> = MessageReader::new(&mut decoder).collect::<Result<_, _>>().expect("valid frame");
        for message in messages {
            match message {
                Message::Sync(SyncMessage::SyncStep1(sv)) => {
                    let update = self.doc.transact().encode_state_as_update_v1(&sv);
                    self.send(&Message::Sync(SyncMessage::SyncStep2(update))).await;
                }
                Message::Sync(SyncMessage::SyncStep2(update)) => {
                    self.apply(&update);
                    self.synced = true;
                }
                Message::Sync(SyncMessage::Update(update)) => self.apply(&update),
                Message::Custom(100, _) => self.saved += 1,
                Message::Awareness(update) => {
                    self.awareness.apply_update(update).expect("valid awareness");
                }
                _ => {}
            }
        }
        true
    }

    /// Announces this client's cursor, as y-monaco does through the provider.
    pub(crate) async fn announce(&mut self, name: &str) {
        let state = json!({ "user": { "name": name, "color": "#30bced" } });
        self.awareness.set_local_state(state).expect("state");
        let update = self.awareness.update().expect("update");
        self.send(&Message::Awareness(update)).await;
    }

    /// Names in the awareness states this client currently sees.
    pub(crate) fn cursors(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .awareness
            .iter()
            .filter_map(|(_, state)| state.data)
            .filter_map(|json| serde_json::from_str::<Value>(&json).ok())
            .filter_map(|state| state["user"]["name"].as_str().map(str::to_string))
            .collect();
        names.sort();
        names
    }

    fn apply(&mut self, update: &[u8]) {
        let update = Update::decode_v1(update).expect("server sent a valid update");
        self.doc.transact_mut().apply_update(update).expect("applies");
    }

    pub(crate) async fn pump_until(&mut self, done: impl Fn(&Self) -> bool) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while !done(self) {
            assert!(tokio::time::Instant::now() < deadline, "timed out; document is {:?}", self.code());
            if !self.step(Duration::from_millis(50)).await {
                assert!(done(self), "connection closed ({:?}) before the condition held", self.closed);
                return;
            }
        }
    }

    /// Reads whatever arrives within `wait`.
    pub(crate) async fn drain(&mut self, wait: Duration) {
        let deadline = tokio::time::Instant::now() + wait;
        while tokio::time::Instant::now() < deadline {
            if !self.step(Duration::from_millis(10)).await {
                return;
            }
        }
    }
}

/// Next JSON event of type `kind`, skipping others.
pub(crate) async fn next_event(socket: &mut Socket, kind: &str) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let frame = tokio::time::timeout(left, socket.next())
            .await
            .unwrap_or_else(|_| panic!("no `{kind}` event in time"))
            .unwrap_or_else(|| panic!("closed while waiting for `{kind}`"))
            .expect("frame");
        if let WsMessage::Text(text) = frame {
            let event: Value = serde_json::from_str(&text).expect("JSON event");
            if event["type"] == kind {
                return event;
            }
        }
    }
}

pub(crate) async fn send_json(socket: &mut Socket, event: Value) {
    socket.send(WsMessage::Text(event.to_string().into())).await.expect("send");
}

/// The close code and reason a socket ends with, reading past any other frames.
pub(crate) async fn close_frame(socket: &mut Socket) -> Option<(u16, String)> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, socket.next()).await.expect("closed in time") {
            Some(Ok(WsMessage::Close(frame))) => return frame.map(|f| (u16::from(f.code), f.reason.to_string())),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return None,
        }
    }
}

/// The close code a socket ends with, reading past any other frames.
pub(crate) async fn close_code(socket: &mut Socket) -> Option<CloseCode> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match tokio::time::timeout(left, socket.next()).await.expect("closed in time") {
            Some(Ok(WsMessage::Close(frame))) => return frame.map(|f| f.code),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return None,
        }
    }
}

#[tokio::test]
async fn two_editors_converge_and_a_late_joiner_gets_everything() {
    let server = Server::start();
    let (admin, _) = server.admin("Ada").await;
    let (host, guest, id) = session_with_guest(&server).await;

    let mut alice = Editor::connect(&host, &id, false).await;
    let mut bob = Editor::connect(&guest, &id, false).await;
    let starter = starter_code(&host, "javascript").await;
    assert_eq!(alice.code(), starter, "the problem's starter code is seeded");
    assert_eq!(alice.code(), bob.code());
    assert_eq!(alice.language().as_deref(), Some("javascript"));

    // Both type at once, without waiting for each other.
    for n in 0..40 {
        alice.insert(false, &format!("[a{n}]")).await;
        bob.insert(true, &format!("[b{n}]")).await;
    }
    let complete = |e: &Editor| {
        let code = e.code();
        (0..40).all(|n| code.contains(&format!("[a{n}]")) && code.contains(&format!("[b{n}]")))
    };
    alice.pump_until(complete).await;
    bob.pump_until(complete).await;
    alice.drain(Duration::from_millis(200)).await;
    bob.drain(Duration::from_millis(200)).await;
    assert_eq!(alice.code(), bob.code(), "converged");

    let late = Editor::connect(&admin, &id, false).await;
    assert_eq!(late.code(), alice.code(), "a late joiner receives the full state");
    assert_eq!(late.language().as_deref(), Some("javascript"));

    let (status, body) = guest.get_json(&format!("/api/sessions/{id}/code")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "code": alice.code(), "language": "javascript" }));
}

#[tokio::test]
async fn outsiders_are_refused_before_the_upgrade() {
    let server = Server::start();
    let (host, _guest, id) = session_with_guest(&server).await;
    let (outsider, _) = server.user("Olga").await;
    for path in [format!("/api/collab/{id}"), format!("/api/sessions/{id}/events")] {
        let (status, body) = open(&server.anon(), &path).await.expect_err("anonymous refused");
        assert_eq!(status, 401, "{path}");
        assert!(body["message"].is_string(), "JSON error: {body}");
        let (status, body) = open(&outsider, &path).await.expect_err("outsider refused");
        assert_eq!(status, 403, "{path}: {body}");
        assert!(body["message"].as_str().unwrap_or_default().contains("host and participants"));
    }
    assert_eq!(open(&host, "/api/collab/no-such-session").await.err().map(|e| e.0), Some(404));
    assert_eq!(outsider.get_json(&format!("/api/sessions/{id}/messages")).await.0, StatusCode::FORBIDDEN);
    assert_eq!(outsider.get_json(&format!("/api/sessions/{id}/code")).await.0, StatusCode::FORBIDDEN);

    // The token also works as a query parameter (what a browser WebSocket can send).
    let token = host.cookie.as_deref().and_then(|c| c.strip_prefix("coderoom_session=")).expect("token");
    let anon = server.anon();
    assert!(open(&anon, &format!("/api/collab/{id}?token={token}")).await.is_ok());
}

#[tokio::test]
async fn chat_presence_and_signalling_then_history_survives_a_restart() {
    let mut server = Server::start();
    let temp = server.take_temp();
    let (host, guest, id) = session_with_guest(&server).await;
    let events = format!("/api/sessions/{id}/events");

    let mut host_socket = open(&host, &events).await.expect("host connects");
    let welcome = next_event(&mut host_socket, "welcome").await;
    assert_eq!(welcome["role"], "host");
    assert_eq!(welcome["iceServers"], json!([]));
    let host_peer = welcome["peerId"].as_str().expect("peer id").to_string();

    let mut guest_socket = open(&guest, &events).await.expect("guest connects");
    let welcome = next_event(&mut guest_socket, "welcome").await;
    assert_eq!(welcome["role"], "participant");
    let guest_peer = welcome["peerId"].as_str().expect("peer id").to_string();
    assert_eq!(welcome["peers"].as_array().map(Vec::len), Some(2), "{welcome}");
    let presence = next_event(&mut host_socket, "presence").await;
    let roles: Vec<&str> =
        presence["peers"].as_array().expect("peers").iter().filter_map(|p| p["role"].as_str()).collect();
    assert_eq!(roles, ["host", "participant"]);

    send_json(&mut guest_socket, json!({ "type": "chat", "text": "  hello from Gus  " })).await;
    for socket in [&mut host_socket, &mut guest_socket] {
        let chat = next_event(socket, "chat").await;
        assert_eq!(chat["message"]["text"], "hello from Gus");
        assert_eq!(chat["message"]["user"]["name"], "Gus");
        assert!(chat["message"]["id"].is_string() && chat["message"]["createdAt"].is_string(), "{chat}");
    }
    send_json(&mut guest_socket, json!({ "type": "chat", "text": "x".repeat(2001) })).await;
    assert!(
        next_event(&mut guest_socket, "error").await["message"].as_str().unwrap_or_default().contains("characters")
    );

    send_json(&mut host_socket, json!({ "type": "offer", "to": guest_peer, "sdp": "v=0 fake" })).await;
    let offer = next_event(&mut guest_socket, "offer").await;
    assert_eq!(offer["from"], host_peer.as_str());
    assert_eq!(offer["sdp"], "v=0 fake");
    assert_eq!(offer["user"]["name"], "Hana");
    send_json(&mut guest_socket, json!({ "type": "ice", "to": host_peer, "candidate": {"candidate": "c"} })).await;
    assert_eq!(next_event(&mut host_socket, "ice").await["from"], guest_peer.as_str());

    drop(guest_socket);
    let presence = next_event(&mut host_socket, "presence").await;
    assert_eq!(presence["peers"].as_array().map(Vec::len), Some(1), "the guest left");

    server.kill();
    let restarted = Server::start_in(&server.data_dir, &[]);
    let host = Client { base: restarted.url.clone(), ..host };
    let (status, body) = host.get_json(&format!("/api/sessions/{id}/messages")).await;
    assert_eq!(status, StatusCode::OK);
    let texts: Vec<&str> =
        body["messages"].as_array().expect("messages").iter().filter_map(|m| m["text"].as_str()).collect();
    assert_eq!(texts, ["hello from Gus"]);
    let mut socket = open(&host, &events).await.expect("reconnects");
    let welcome = next_event(&mut socket, "welcome").await;
    assert_eq!(welcome["messages"][0]["text"], "hello from Gus");
    drop(temp);
}

#[tokio::test]
async fn kill_9_while_editing_loses_nothing_acknowledged() {
    let mut server = Server::start();
    let temp = server.take_temp();
    let (host, _guest, id) = session_with_guest(&server).await;
    let mut editor = Editor::connect(&host, &id, true).await;
    let saved_before = editor.saved; // the initial sync may itself be logged
    let mut sent = 0;
    while sent < 2000 && editor.saved < saved_before + 150 {
        editor.insert(true, &format!("<{sent}>")).await;
        sent += 1;
        editor.drain(Duration::from_millis(1)).await;
    }
    // Kill at once: some edits are in flight, unacknowledged.
    server.kill();
    editor.drain(Duration::from_millis(100)).await;
    let acknowledged = editor.saved - saved_before;
    assert!(acknowledged >= 150, "only {acknowledged} of {sent} edits were acknowledged");

    let restarted = Server::start_in(&server.data_dir, &[]);
    let host = Client { base: restarted.url.clone(), ..host };
    let fresh = Editor::connect(&host, &id, false).await;
    let code = fresh.code();
    let missing: Vec<u64> = (0..acknowledged).filter(|n| !code.contains(&format!("<{n}>"))).collect();
    assert!(missing.is_empty(), "acknowledged edits lost after kill -9: {missing:?} (sent {sent})");
    let starter = starter_code(&host, "javascript").await;
    assert_eq!(code.matches(starter.as_str()).count(), 1, "starter code kept exactly once: {code:?}");
    drop(temp);
}

#[tokio::test]
async fn session_end_reaches_everyone_and_freezes_the_document() {
    let server = Server::start();
    let (host, guest, id) = session_with_guest(&server).await;
    let events = format!("/api/sessions/{id}/events");
    let mut host_socket = open(&host, &events).await.expect("host");
    let mut guest_socket = open(&guest, &events).await.expect("guest");
    next_event(&mut host_socket, "welcome").await;
    next_event(&mut guest_socket, "welcome").await;
    let mut editor = Editor::connect(&guest, &id, false).await;
    editor.insert(true, "final answer").await;
    let mut watcher = Editor::connect(&host, &id, false).await;
    watcher.pump_until(|e| e.code().contains("final answer")).await;

    assert_eq!(host.post_empty_json(&format!("/api/sessions/{id}/end")).await.0, StatusCode::OK);
    // Everyone is told, then every socket of the room is closed with the reason the page shows.
    for socket in [&mut host_socket, &mut guest_socket] {
        assert_eq!(next_event(socket, "ended").await, json!({ "type": "ended" }));
        assert_eq!(close_frame(socket).await, Some((4409, "The interview has ended".to_string())));
    }
    for editor in [&mut editor, &mut watcher] {
        editor.pump_until(|e| e.closed.is_some()).await;
        assert_eq!(editor.closed, Some(CloseCode::from(4409)));
        assert_eq!(editor.close_reason.as_deref(), Some("The interview has ended"));
    }

    // The room cannot be entered again, so nothing more can be written to it.
    for path in [format!("/api/collab/{id}"), events.clone()] {
        let (status, body) = open(&guest, &path).await.expect_err("an ended room is not reopened");
        assert_eq!(status, 409, "{path}: {body}");
        assert!(body["message"].as_str().unwrap_or_default().contains("ended"), "{body}");
    }
    let (status, body) = host.get_json(&format!("/api/sessions/{id}/code")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["code"].as_str().unwrap_or_default().ends_with("final answer"), "{body}");
}

#[tokio::test]
async fn a_misbehaving_client_is_cut_off_without_hurting_the_others() {
    let server = Server::start_with_env(&[
        ("CODEROOM_REALTIME_MAX_MESSAGE_KB", "16"),
        ("CODEROOM_REALTIME_MESSAGES_PER_SECOND", "20"),
        ("CODEROOM_REALTIME_MESSAGE_BURST", "30"),
    ]);
    let (host, guest, id) = session_with_guest(&server).await;
    let mut alice = Editor::connect(&host, &id, false).await;
    let mut bob = Editor::connect(&guest, &id, false).await;

    // Flooding the event channel.
    let mut flooder = open(&guest, &format!("/api/sessions/{id}/events")).await.expect("events");
    for _ in 0..100 {
        if flooder.send(WsMessage::Text(r#"{"type":"ping"}"#.into())).await.is_err() {
            break;
        }
    }
    assert_eq!(close_code(&mut flooder).await, Some(CloseCode::Policy));

    // An oversized message and a malformed one on the document channel.
    let mut oversized = open(&guest, &format!("/api/collab/{id}")).await.expect("collab");
    let _ = oversized.send(WsMessage::Binary(vec![0u8; 64 * 1024].into())).await;
    assert!(matches!(close_code(&mut oversized).await, Some(CloseCode::Size) | None));
    let mut garbage = open(&guest, &format!("/api/collab/{id}")).await.expect("collab");
    let _ = garbage.send(WsMessage::Binary(vec![0, 9, 1, 2].into())).await;
    assert_eq!(close_code(&mut garbage).await, Some(CloseCode::Invalid));

    // The well-behaved editors never noticed.
    alice.insert(true, "still fine").await;
    bob.pump_until(|e| e.code().contains("still fine")).await;
    assert!(alice.closed.is_none() && bob.closed.is_none());
}

#[tokio::test]
async fn cursors_are_shared_and_vanish_when_a_peer_drops() {
    let server = Server::start();
    let (host, guest, id) = session_with_guest(&server).await;
    let mut alice = Editor::connect(&host, &id, false).await;
    let mut bob = Editor::connect(&guest, &id, false).await;
    alice.announce("Hana").await;
    bob.announce("Gus").await;
    alice.pump_until(|e| e.cursors() == ["Gus", "Hana"]).await;
    bob.pump_until(|e| e.cursors() == ["Gus", "Hana"]).await;
    // A newcomer is told about the cursors already there.
    let mut carol = Editor::connect(&host, &id, false).await;
    carol.pump_until(|e| e.cursors() == ["Gus", "Hana"]).await;

    // Bob's connection dies without a goodbye (no awareness "null" from him).
    drop(bob);
    alice.pump_until(|e| e.cursors() == ["Hana"]).await;
    carol.pump_until(|e| e.cursors() == ["Hana"]).await;
}
