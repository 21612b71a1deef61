//! Candidates join by link without an account; the interviewer runs the room: invitation
//! links, guests limited to their one session, removal, and who may host.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::realtime::{Editor, close_frame, next_event, open};
use crate::{Client, Server, assert_error, session_cookie};

/// A live interview (entered by link only) hosted by a new interviewer: (host, session id).
pub(crate) async fn interview(server: &Server) -> (Client, String) {
    let (host, _) = server.interviewer("Hana").await;
    let (status, body) = host.post_json("/api/sessions", json!({ "problem": "two-sum" })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["session"]["visibility"], "invite");
    (host, body["session"]["id"].as_str().expect("id").to_string())
}

pub(crate) async fn invite(host: &Client, session: &str, role: &str) -> Value {
    let (status, body) = host.post_json(&format!("/api/sessions/{session}/invites"), json!({ "role": role })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["invite"].clone()
}

pub(crate) fn token_of(invite: &Value) -> String {
    invite["token"].as_str().expect("token").to_string()
}

/// Opens the link in a browser with no account: a guest client signed in to that session.
pub(crate) async fn accept(server: &Server, token: &str, name: &str) -> (Client, Value) {
    let mut guest = server.anon();
    let response = guest.post(&format!("/api/invites/{token}/accept"), json!({ "name": name })).await;
    assert_eq!(response.status(), StatusCode::OK, "accept");
    let cookie = session_cookie(&response).expect("accepting signs the guest in");
    assert!(
        response.headers().get_all("set-cookie").iter().any(|v| {
            let text = v.to_str().unwrap_or_default();
            text.contains("HttpOnly") && text.contains("SameSite=Strict")
        }),
        "guest cookie flags"
    );
    guest.cookie = Some(cookie);
    let body: Value = response.json().await.expect("json");
    (guest, body)
}

async fn invite_status(host: &Client, session: &str, invite_id: &Value) -> String {
    let (status, body) = host.get_json(&format!("/api/sessions/{session}/invites")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let found = body["invites"].as_array().expect("invites").iter().find(|i| &i["id"] == invite_id).cloned();
    found.expect("the invite is listed")["status"].as_str().expect("status").to_string()
}

#[tokio::test]
async fn a_candidate_opens_the_link_types_a_name_and_is_in_the_room() {
    let server = Server::start();
    let (host, id) = interview(&server).await;
    let mut host_events = open(&host, &format!("/api/sessions/{id}/events")).await.expect("host events");
    next_event(&mut host_events, "welcome").await;

    let link = invite(&host, &id, "candidate").await;
    let token = token_of(&link);
    assert!(token.len() >= 22, "at least 128 bits: {token}");
    assert!(link["url"].as_str().is_some_and(|url| url.ends_with(&format!("/join/{token}"))), "{link}");
    assert_eq!(link["role"], "candidate");
    assert_eq!(link["status"], "unused");
    assert!(link["expiresAt"].is_string());

    // What the link shows to anyone holding it: the session's title and host, nothing more.
    let (status, info) = server.anon().get_json(&format!("/api/invites/{token}")).await;
    assert_eq!(status, StatusCode::OK, "{info}");
    assert_eq!(info["session"], json!({ "id": id, "problemTitle": "Two Sum", "hostName": "Hana", "status": "active" }));
    assert_eq!(
        (info["role"].clone(), info["valid"].clone(), info["rejoin"].clone()),
        (json!("candidate"), json!(true), json!(false))
    );
    assert_eq!(invite_status(&host, &id, &link["id"]).await, "opened");

    let (guest, joined) = accept(&server, &token, "Carla Candidate").await;
    assert_eq!(joined["user"]["role"], "guest");
    assert_eq!(joined["user"]["sessionId"], json!(id));
    assert_eq!(joined["session"]["participants"][0]["name"], "Carla Candidate");
    assert_eq!(invite_status(&host, &id, &link["id"]).await, "in_room");
    // The host's page hears about the new person at once.
    next_event(&mut host_events, "session").await;

    // The guest is in the room: the session, its problem, the editor and the events.
    assert_eq!(guest.get_json(&format!("/api/sessions/{id}")).await.0, StatusCode::OK);
    assert_eq!(guest.get_json("/api/problems/two-sum").await.0, StatusCode::OK);
    let mut editor = Editor::connect(&guest, &id, false).await;
    editor.insert(true, "# hello from the candidate").await;
    let mut guest_events = open(&guest, &format!("/api/sessions/{id}/events")).await.expect("guest events");
    next_event(&mut guest_events, "welcome").await;
    let (status, me) = guest.get_json("/api/me").await;
    assert_eq!((status, me["user"]["name"].clone()), (StatusCode::OK, json!("Carla Candidate")));

    // Opening the link again in the same browser returns to the same seat.
    let (status, again) = server.anon().get_json(&format!("/api/invites/{token}")).await;
    assert_eq!((status, again["valid"].clone()), (StatusCode::OK, json!(false)), "used by someone else: {again}");
    let (status, mine) = guest.get_json(&format!("/api/invites/{token}")).await;
    assert_eq!((status, mine["rejoin"].clone()), (StatusCode::OK, json!(true)));
    let (status, back) = guest.post_json(&format!("/api/invites/{token}/accept"), json!({ "name": "Carla" })).await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(back["user"]["id"], joined["user"]["id"]);
    assert_eq!(back["session"]["participants"].as_array().map(Vec::len), Some(1));
    // A second browser cannot take the used link's seat.
    assert_error(
        server.anon().post_json(&format!("/api/invites/{token}/accept"), json!({ "name": "Mallory" })).await,
        StatusCode::CONFLICT,
        "already joined",
    );
}

#[tokio::test]
async fn a_guest_reaches_nothing_outside_the_session() {
    let server = Server::start();
    let (host, id) = interview(&server).await;
    let (_, other) = interview(&server).await;
    let (guest, _) = accept(&server, &token_of(&invite(&host, &id, "candidate").await), "Gina").await;

    for path in [
        "/api/problems".to_string(),
        "/api/problems/valid-palindrome".to_string(),
        "/api/problems/two-sum/submissions".to_string(),
        "/api/sessions/active".to_string(),
        "/api/sessions/my-recent".to_string(),
        format!("/api/sessions/{other}"),
        format!("/api/sessions/{other}/messages"),
        format!("/api/sessions/{other}/code"),
        format!("/api/sessions/{id}/invites"),
        "/api/admin/users".to_string(),
        "/api/admin/problems".to_string(),
        "/api/admin/backup".to_string(),
        "/api/admin/apikeys".to_string(),
        "/api/v2/runtimes".to_string(),
    ] {
        let (status, body) = guest.get_json(&path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        assert!(body["message"].is_string(), "{path}: {body}");
    }
    let code = json!({ "language": "python", "code": "print(1)" });
    for (path, body) in [
        ("/api/sessions".to_string(), json!({ "problem": "two-sum" })),
        (format!("/api/sessions/{other}/join"), json!({})),
        (format!("/api/sessions/{id}/invites"), json!({ "role": "candidate" })),
        (format!("/api/sessions/{id}/end"), json!({})),
        ("/api/problems/two-sum/run".to_string(), code.clone()),
        (
            "/api/problems/two-sum/run".to_string(),
            json!({ "language": "python", "code": "print(1)", "sessionId": other }),
        ),
        (
            "/api/v2/execute".to_string(),
            json!({ "language": "python", "version": "*", "files": [{ "content": "print(1)" }] }),
        ),
    ] {
        let (status, response) = guest.post_json(&path, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {response}");
    }
    for path in [format!("/api/collab/{other}"), format!("/api/sessions/{other}/events")] {
        let (status, _) = open(&guest, &path).await.expect_err("another session's room");
        assert_eq!(status, 403, "{path}");
    }
    // Their own session, its messages and code stay open to them.
    for path in
        [format!("/api/sessions/{id}"), format!("/api/sessions/{id}/messages"), format!("/api/sessions/{id}/code")]
    {
        assert_eq!(guest.get_json(&path).await.0, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn two_browsers_racing_for_one_link_get_one_seat() {
    let server = Arc::new(Server::start());
    let (host, _) = server.interviewer("Racer").await;
    for round in 0..3 {
        let (status, body) = host.post_json("/api/sessions", json!({ "problem": "two-sum" })).await;
        assert_eq!(status, StatusCode::CREATED);
        let id = body["session"]["id"].as_str().expect("id").to_string();
        let token = token_of(&invite(&host, &id, "candidate").await);
        let barrier = Arc::new(tokio::sync::Barrier::new(6));
        let tasks: Vec<_> = (0..6)
            .map(|n| {
                let (barrier, client, path) = (barrier.clone(), server.anon(), format!("/api/invites/{token}/accept"));
                tokio::spawn(async move {
                    barrier.wait().await;
                    client.post_json(&path, json!({ "name": format!("Browser {n}") })).await
                })
            })
            .collect();
        let mut wins = 0;
        for task in tasks {
            match task.await.expect("task") {
                (StatusCode::OK, _) => wins += 1,
                (StatusCode::CONFLICT, _) => {}
                (other, body) => panic!("round {round}: {other} {body}"),
            }
        }
        assert_eq!(wins, 1, "round {round}");
        let (_, shown) = host.get_json(&format!("/api/sessions/{id}")).await;
        assert_eq!(shown["session"]["participants"].as_array().map(Vec::len), Some(1), "{shown}");
    }
}

#[tokio::test]
async fn removing_a_guest_closes_their_sockets_and_their_link() {
    let server = Server::start();
    let (host, id) = interview(&server).await;
    let link = invite(&host, &id, "candidate").await;
    let token = token_of(&link);
    let (guest, joined) = accept(&server, &token, "Rex").await;
    let guest_id = joined["user"]["id"].as_str().expect("id").to_string();
    let mut guest_events = open(&guest, &format!("/api/sessions/{id}/events")).await.expect("events");
    next_event(&mut guest_events, "welcome").await;
    let mut guest_editor = Editor::connect(&guest, &id, false).await;

    let remove = format!("/api/sessions/{id}/participants/{guest_id}/remove");
    let (someone, _) = server.interviewer("Someone").await;
    assert_error(someone.post_empty_json(&remove).await, StatusCode::FORBIDDEN, "Only the host");
    assert_error(guest.post_empty_json(&remove).await, StatusCode::FORBIDDEN, "");
    assert_eq!(server.anon().post_empty_json(&remove).await.0, StatusCode::UNAUTHORIZED);
    let (status, body) = host.post_empty_json(&remove).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["session"]["participants"], json!([]), "the seat is free");

    let reason = "You were removed from the session by the interviewer".to_string();
    assert_eq!(close_frame(&mut guest_events).await, Some((4403, reason.clone())));
    guest_editor.pump_until(|e| e.closed.is_some()).await;
    assert_eq!(guest_editor.close_reason, Some(reason));
    assert_eq!(guest.get_json(&format!("/api/sessions/{id}")).await.0, StatusCode::UNAUTHORIZED, "signed out");
    assert_error(server.anon().get_json(&format!("/api/invites/{token}")).await, StatusCode::GONE, "withdrawn");
    assert_error(
        server.anon().post_json(&format!("/api/invites/{token}/accept"), json!({ "name": "Rex again" })).await,
        StatusCode::GONE,
        "withdrawn",
    );
    assert_eq!(invite_status(&host, &id, &link["id"]).await, "revoked");
    assert_error(host.post_empty_json(&remove).await, StatusCode::NOT_FOUND, "not in the session");
    let host_id = body["session"]["host"]["id"].as_str().expect("host id").to_string();
    let remove_host = format!("/api/sessions/{id}/participants/{host_id}/remove");
    assert_error(host.post_empty_json(&remove_host).await, StatusCode::BAD_REQUEST, "host cannot be removed");

    // A new link seats someone new.
    let (_, next) = accept(&server, &token_of(&invite(&host, &id, "candidate").await), "Next").await;
    assert_eq!(next["session"]["participants"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn revoked_expired_unknown_and_ended_links_are_refused() {
    let server = Server::start();
    let (host, id) = interview(&server).await;
    let link = invite(&host, &id, "candidate").await;
    let token = token_of(&link);

    let (candidate, _) = server.user("Cid").await;
    let (other_interviewer, _) = server.interviewer("Otto").await;
    let links = format!("/api/sessions/{id}/invites");
    let revoke = format!("/api/invites/{}", link["id"].as_str().expect("id"));
    // Links are the host's (and administrators'): anonymous 401, any other account 403.
    let anon = server.anon();
    assert_eq!(anon.get_json(&links).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(anon.post_json(&links, json!({ "role": "candidate" })).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(anon.delete_json(&revoke).await.0, StatusCode::UNAUTHORIZED);
    for outsider in [&candidate, &other_interviewer] {
        assert_error(outsider.get_json(&links).await, StatusCode::FORBIDDEN, "Only the host");
        assert_error(
            outsider.post_json(&links, json!({ "role": "candidate" })).await,
            StatusCode::FORBIDDEN,
            "Only the host",
        );
        assert_error(outsider.delete_json(&revoke).await, StatusCode::FORBIDDEN, "Only the host");
    }
    let (admin, _) = server.admin("Ada").await;
    assert_eq!(admin.get_json(&links).await.0, StatusCode::OK, "administrators manage any session's links");
    let (status, revoked) = host.delete_json(&revoke).await;
    assert_eq!((status, revoked["invite"]["status"].clone()), (StatusCode::OK, json!("revoked")), "{revoked}");
    assert_error(server.anon().get_json(&format!("/api/invites/{token}")).await, StatusCode::GONE, "withdrawn");

    for unknown in ["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "short", "%27%20OR%201%3D1"] {
        assert_error(
            server.anon().get_json(&format!("/api/invites/{unknown}")).await,
            StatusCode::NOT_FOUND,
            "not valid",
        );
    }
    let fresh = token_of(&invite(&host, &id, "candidate").await);
    for bad in [
        json!({ "name": "" }),
        json!({ "name": "x".repeat(101) }),
        json!({ "name": "Ann", "email": "nope" }),
        json!({}),
    ] {
        let (status, body) = server.anon().post_json(&format!("/api/invites/{fresh}/accept"), bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let expiry = |hours: i64| json!({ "role": "candidate", "expiresInHours": hours });
    for hours in [0, 9000] {
        let (status, _) = host.post_json(&format!("/api/sessions/{id}/invites"), expiry(hours)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{hours} hours");
    }
    assert_error(
        host.post_json(&format!("/api/sessions/{id}/invites"), json!({ "role": "owner" })).await,
        StatusCode::BAD_REQUEST,
        "",
    );

    assert_eq!(host.post_empty_json(&format!("/api/sessions/{id}/end")).await.0, StatusCode::OK);
    assert_error(server.anon().get_json(&format!("/api/invites/{fresh}")).await, StatusCode::GONE, "ended");
    let (status, _) = server.anon().post_json(&format!("/api/invites/{fresh}/accept"), json!({ "name": "Late" })).await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(invite_status(&host, &id, &json!(link["id"])).await, "revoked");
}

#[tokio::test]
async fn interviews_are_entered_by_link_and_listed_only_to_their_people() {
    let server = Server::start();
    let (host, id) = interview(&server).await;
    let (candidate, _) = server.user("Cand").await;
    assert_error(
        candidate.post_json("/api/sessions", json!({ "problem": "two-sum" })).await,
        StatusCode::FORBIDDEN,
        "Only interviewers",
    );
    assert_error(
        candidate.post_empty_json(&format!("/api/sessions/{id}/join")).await,
        StatusCode::FORBIDDEN,
        "invitation",
    );
    assert_error(
        candidate.get_json(&format!("/api/sessions/{id}")).await,
        StatusCode::FORBIDDEN,
        "not in this session",
    );
    let (_, listed) = candidate.get_json("/api/sessions/active").await;
    assert_eq!(listed["sessions"], json!([]), "nobody sees others' interviews");

    // A co-interviewer signed in with their account takes an interviewer link's seat as themselves.
    let (co, co_user) = server.interviewer("Cole").await;
    let token = token_of(&invite(&host, &id, "interviewer").await);
    let (status, body) = co.post_json(&format!("/api/invites/{token}/accept"), json!({ "name": "ignored" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["session"]["interviewers"][0]["id"], co_user["id"]);
    assert_eq!(body["session"]["participants"], json!([]), "no candidate seat taken");
    let (_, listed) = co.get_json("/api/sessions/active").await;
    assert_eq!(listed["sessions"][0]["id"], json!(id));
    let mut events = open(&co, &format!("/api/sessions/{id}/events")).await.expect("co-interviewer events");
    let welcome = next_event(&mut events, "welcome").await;
    assert_eq!(welcome["role"], "interviewer");

    // Pair programming: a session open to every signed-in user keeps Join.
    let (status, open_session) =
        host.post_json("/api/sessions", json!({ "problem": "two-sum", "visibility": "open" })).await;
    assert_eq!(status, StatusCode::CREATED);
    let open_id = open_session["session"]["id"].as_str().expect("id");
    assert_eq!(candidate.post_empty_json(&format!("/api/sessions/{open_id}/join")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn everyone_may_host_when_the_server_says_so() {
    let server = Server::start_with_env(&[("CODEROOM_SESSIONS_WHO_MAY_HOST", "everyone")]);
    let (candidate, _) = server.user("Pat").await;
    let (status, body) = candidate.post_json("/api/sessions", json!({ "problem": "two-sum" })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, config) = server.anon().get_json("/api/config").await;
    assert_eq!(config["hostRoles"], json!(["admin", "interviewer", "candidate"]));
}
