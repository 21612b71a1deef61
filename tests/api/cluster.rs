//! Two coderoom instances against one SurrealDB server (the real `surreal` binary, built by
//! scripts/build-surrealdb-server.sh and named by `CODEROOM_SURREAL_BIN`): two people whose
//! connections land on different instances share one room, and joins racing on both
//! instances take exactly the free seats.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::realtime::{Editor, WAIT, close_frame, next_event, open, send_json, session_with_guest};
use crate::{Client, Server};

/// Same for both instances, so that a sign-in made on one is good on the other.
const SHARED_SECRET: &str = "cluster-test-secret-0123456789abcdef0123456789abcdef";

/// A SurrealDB server in memory on a free loopback port; killed when dropped.
struct SurrealServer {
    child: Child,
    url: String,
}

impl SurrealServer {
    /// `None` when no server binary was named (a plain `cargo test`): scripts/test.sh names it.
    fn start() -> Option<Self> {
        let Some(binary) = std::env::var_os("CODEROOM_SURREAL_BIN").map(PathBuf::from) else {
            assert!(std::env::var_os("CI").is_none(), "CODEROOM_SURREAL_BIN must name the surreal binary under CI");
            eprintln!("CODEROOM_SURREAL_BIN is not set: skipping (scripts/test.sh builds the server and sets it)");
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
        let address = format!("127.0.0.1:{port}");
        let child = Command::new(&binary)
            .args(["start", "--bind", &address, "--user", "root", "--pass", "root", "--log", "warn", "memory"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", binary.display()));
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(&address).is_err() {
            assert!(Instant::now() < deadline, "the SurrealDB server did not listen on {address}");
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(Self { child, url: format!("ws://{address}") })
    }

    /// A coderoom instance using this server.
    fn instance(&self, extra: &[(&str, &str)]) -> Server {
        let mut env = vec![
            ("CODEROOM_DATABASE_URL", self.url.as_str()),
            ("CODEROOM_DATABASE_USERNAME", "root"),
            ("CODEROOM_DATABASE_PASSWORD", "root"),
            ("CODEROOM_AUTH_SECRET", SHARED_SECRET),
        ];
        env.extend_from_slice(extra);
        Server::start_with_env(&env)
    }
}

impl Drop for SurrealServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The same account's client, pointed at another instance.
fn on(server: &Server, client: &Client) -> Client {
    Client { base: server.url.clone(), ..client.clone() }
}

fn names(presence: &Value) -> Vec<String> {
    let mut names: Vec<String> = presence
        .as_array()
        .map(|peers| peers.iter().filter_map(|peer| peer["user"]["name"].as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// Reads presence events until the list names exactly `expected`.
async fn presence_until(socket: &mut crate::realtime::Socket, expected: &[&str]) -> Value {
    loop {
        let presence = next_event(socket, "presence").await;
        if names(&presence["peers"]) == expected {
            return presence;
        }
    }
}

#[tokio::test]
async fn one_room_shared_by_two_instances() {
    let Some(surreal) = SurrealServer::start() else { return };
    let first = surreal.instance(&[]);
    let second = surreal.instance(&[]);
    let (host, _) = first.interviewer("Hana").await;
    let (guest, _) = first.user("Gus").await;
    let guest = on(&second, &guest);
    let (status, body) = host.post_json("/api/sessions", json!({ "problem": "two-sum", "visibility": "open" })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["session"]["id"].as_str().expect("id").to_string();
    let (status, body) = guest.post_empty_json(&format!("/api/sessions/{id}/join")).await;
    assert_eq!(status, StatusCode::OK, "joined on the second instance: {body}");

    // Presence: each instance lists the other's person.
    let events = format!("/api/sessions/{id}/events");
    let mut host_events = open(&host, &events).await.expect("host on the first instance");
    let welcome = next_event(&mut host_events, "welcome").await;
    let host_peer = welcome["peerId"].as_str().expect("peer id").to_string();
    let mut guest_events = open(&guest, &events).await.expect("guest on the second instance");
    let welcome = next_event(&mut guest_events, "welcome").await;
    let guest_peer = welcome["peerId"].as_str().expect("peer id").to_string();
    assert_ne!(host_peer, guest_peer, "peers of two instances are named apart");
    presence_until(&mut host_events, &["Gus", "Hana"]).await;
    if names(&welcome["peers"]) != ["Gus", "Hana"] {
        presence_until(&mut guest_events, &["Gus", "Hana"]).await;
    }

    // Chat both ways, and a WebRTC offer across.
    send_json(&mut guest_events, json!({ "type": "chat", "text": "hello from the second instance" })).await;
    for socket in [&mut guest_events, &mut host_events] {
        assert_eq!(next_event(socket, "chat").await["message"]["text"], "hello from the second instance");
    }
    send_json(&mut host_events, json!({ "type": "chat", "text": "and back" })).await;
    for socket in [&mut host_events, &mut guest_events] {
        assert_eq!(next_event(socket, "chat").await["message"]["text"], "and back");
    }
    send_json(&mut host_events, json!({ "type": "offer", "to": guest_peer, "sdp": "v=0 across" })).await;
    let offer = next_event(&mut guest_events, "offer").await;
    assert_eq!((offer["from"].as_str(), offer["sdp"].as_str()), (Some(host_peer.as_str()), Some("v=0 across")));

    // Edits on both instances converge, while both type at once.
    let mut host_editor = Editor::connect(&host, &id, true).await;
    let mut guest_editor = Editor::connect(&guest, &id, true).await;
    // Cursors too: each sees the other's.
    host_editor.announce("Hana").await;
    guest_editor.announce("Gus").await;
    guest_editor.pump_until(|editor| editor.cursors().contains(&"Hana".to_string())).await;
    host_editor.pump_until(|editor| editor.cursors().contains(&"Gus".to_string())).await;
    for round in 0..10 {
        host_editor.insert(false, &format!("<h{round}>")).await;
        guest_editor.insert(true, &format!("<g{round}>")).await;
    }
    let all_there = |editor: &Editor| {
        let code = editor.code();
        (0..10).all(|round| code.contains(&format!("<h{round}>")) && code.contains(&format!("<g{round}>")))
    };
    host_editor.pump_until(all_there).await;
    guest_editor.pump_until(all_there).await;
    assert_eq!(host_editor.code(), guest_editor.code(), "the two copies converged");
    host_editor.pump_until(|editor| editor.saved >= 10).await;
    guest_editor.pump_until(|editor| editor.saved >= 10).await;

    // The relay shows in the operator's metrics.
    let received = relayed(&second, "received").await;
    assert!(received >= 10.0, "the second instance received {received} relayed messages");

    // A result of a run on the first instance reaches the room on the second.
    let run = json!({ "language": "python", "code": "class Solution:\n    pass\n", "sessionId": id });
    let (status, body) = host.post_json("/api/problems/two-sum/run", run).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let shown = next_event(&mut guest_events, "result").await;
    assert_eq!(shown["result"]["user"]["name"], "Hana");

    // What either instance logged is read back by the other: the code both see.
    let (_, stored) = guest.get_json(&format!("/api/sessions/{id}/code")).await;
    assert_eq!(stored["code"].as_str(), Some(host_editor.code().as_str()));

    // The end on the first instance closes the sockets on the second.
    let (status, body) = host.post_empty_json(&format!("/api/sessions/{id}/end")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    next_event(&mut guest_events, "ended").await;
    let (code, _) = tokio::time::timeout(WAIT, close_frame(&mut guest_events))
        .await
        .expect("closed in time")
        .expect("a close frame");
    assert_eq!(code, 4409);
    guest_editor.pump_until(|editor| editor.closed.is_some()).await;
    assert_eq!(guest_editor.close_reason.as_deref(), Some("The interview has ended"));

    // Every logged edit survived on the server: a third instance reads the final code.
    let third = surreal.instance(&[]);
    let (_, stored) = on(&third, &host).get_json(&format!("/api/sessions/{id}/code")).await;
    assert_eq!(stored["code"].as_str(), Some(host_editor.code().as_str()));
}

#[tokio::test]
async fn racing_joiners_on_two_instances_take_exactly_the_free_seats() {
    let Some(surreal) = SurrealServer::start() else { return };
    // The host and five candidate seats.
    let seats = [("CODEROOM_SESSIONS_SEATS", "6")];
    let first = surreal.instance(&seats);
    let second = surreal.instance(&seats);
    let (host, _) = first.interviewer("Race Host").await;
    let mut joiners = Vec::new();
    for n in 0..20 {
        let (client, _) = first.user(&format!("Racer{n}")).await;
        // Half of them join through the other instance.
        joiners.push(if n % 2 == 0 { client } else { on(&second, &client) });
    }
    for round in 0..2 {
        let (status, body) =
            host.post_json("/api/sessions", json!({ "problem": "two-sum", "visibility": "open" })).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = body["session"]["id"].as_str().expect("id").to_string();
        let wins = crate::sessions::race_to_join(&joiners, &id).await;
        assert_eq!(wins, 5, "round {round}: exactly the five free seats");
        let (_, shown) = host.get_json(&format!("/api/sessions/{id}")).await;
        assert_eq!(shown["session"]["participants"].as_array().map(Vec::len), Some(5), "{shown}");
    }
}

/// The relay's count of messages in `direction` (`sent`, `received`) on `server`.
async fn relayed(server: &Server, direction: &str) -> f64 {
    let scrape = server.anon().get("/metrics").await.text().await.expect("metrics");
    let prefix = format!("coderoom_room_relay_messages_total{{direction=\"{direction}\"}} ");
    scrape
        .lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .and_then(|count| count.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn a_room_on_one_instance_relays_no_keystrokes_and_a_late_copy_catches_up() {
    let Some(surreal) = SurrealServer::start() else { return };
    let first = surreal.instance(&[]);
    let second = surreal.instance(&[]);
    let (host, guest, id) = session_with_guest(&first).await;

    // Both people on the first instance: their keystrokes stay there.
    let mut host_editor = Editor::connect(&host, &id, false).await;
    let mut guest_editor = Editor::connect(&guest, &id, false).await;
    let before = relayed(&first, "sent").await;
    for round in 0..30 {
        host_editor.insert(true, &format!("<{round}>")).await;
    }
    guest_editor.pump_until(|editor| editor.code().contains("<29>")).await;
    let sent = relayed(&first, "sent").await - before;
    assert!(sent < 10.0, "30 keystrokes in a room nobody else has open relayed {sent} messages");

    // The room opens on the second instance: its copy gets everything at once, the edits
    // still waiting for their log row included, and then follows live.
    let mut late = Editor::connect(&on(&second, &guest), &id, false).await;
    let everything = host_editor.code();
    late.pump_until(|editor| editor.code() == everything).await;
    host_editor.insert(false, "<after>").await;
    late.pump_until(|editor| editor.code().starts_with("<after>")).await;
}
