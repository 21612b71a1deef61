//! The interviewer's record: who may read it, the replay against what the editor held, notes and
//! scorecards through a crash, rubrics, the time box and the past-interviews list.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use yrs::{Map, Text};

use crate::invitations::{accept, interview, invite, token_of};
use crate::realtime::{Editor, next_event, open, send_json};
use crate::{Client, Server};

const PYTHON_TWO_SUM: &str = "class Solution:\n    def twoSum(self, nums, target):\n        seen = {}\n        for i, n in enumerate(nums):\n            if target - n in seen:\n                return [seen[target - n], i]\n            seen[n] = i\n";

/// An interview with a host, a co-interviewer, and a candidate who came by link.
struct Interview {
    host: Client,
    co: Client,
    candidate: Client,
    candidate_id: String,
    id: String,
}

async fn full_interview(server: &Server) -> Interview {
    let (host, id) = interview(server).await;
    let (co, _) = server.interviewer("Cole").await;
    let token = token_of(&invite(&host, &id, "interviewer").await);
    let (status, body) = co.post_json(&format!("/api/invites/{token}/accept"), json!({ "name": "x" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = token_of(&invite(&host, &id, "candidate").await);
    let (candidate, body) = accept(server, &token, "Casey").await;
    let candidate_id = body["user"]["id"].as_str().expect("guest id").to_string();
    Interview { host, co, candidate, candidate_id, id }
}

fn record_paths(id: &str) -> Vec<(&'static str, String, Option<Value>)> {
    vec![
        ("GET", format!("/api/sessions/{id}/notes"), None),
        ("PUT", format!("/api/sessions/{id}/notes"), Some(json!({ "markdown": "x" }))),
        ("GET", format!("/api/sessions/{id}/notes/all"), None),
        ("GET", format!("/api/sessions/{id}/scorecard"), None),
        ("PUT", format!("/api/sessions/{id}/scorecard"), Some(json!({ "comments": "x" }))),
        ("GET", format!("/api/sessions/{id}/scorecards"), None),
        ("GET", format!("/api/sessions/{id}/timeline"), None),
        ("GET", format!("/api/sessions/{id}/replay"), None),
        ("GET", format!("/api/sessions/{id}/code?at=0"), None),
        ("GET", format!("/api/sessions/{id}/report"), None),
        ("GET", format!("/api/sessions/{id}/report?format=md"), None),
    ]
}

async fn call(client: &Client, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    match method {
        "PUT" => client.put_json(path, body.unwrap_or(Value::Null)).await,
        _ => {
            let response = client.get(path).await;
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
        }
    }
}

#[tokio::test]
async fn the_record_is_for_the_host_co_interviewers_and_admins_only() {
    let server = Server::start();
    let room = full_interview(&server).await;
    let (admin, _) = server.admin("Ada").await;
    let (stranger, _) = server.interviewer("Stan").await;
    let (candidate_account, _) = server.user("Cand").await;
    // A co-interviewer without an account, who opened an interviewer link as a guest.
    let token = token_of(&invite(&room.host, &room.id, "interviewer").await);
    let (guest_co, _) = accept(&server, &token, "Gale").await;
    let (_, elsewhere) = room.host.post_json("/api/sessions", json!({ "problem": "two-sum" })).await;
    let elsewhere = elsewhere["session"]["id"].as_str().expect("id").to_string();
    for (method, path, body) in record_paths(&elsewhere) {
        let (status, reply) = call(&guest_co, method, &path, body.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a guest co-interviewer elsewhere: {method} {path}: {reply}");
    }
    for (method, path, body) in record_paths(&room.id) {
        let readers = [
            ("host", &room.host),
            ("co-interviewer", &room.co),
            ("guest co-interviewer", &guest_co),
            ("admin", &admin),
        ];
        for (who, client) in readers {
            let (status, reply) = call(client, method, &path, body.clone()).await;
            assert_eq!(status, StatusCode::OK, "{who} {method} {path}: {reply}");
        }
        for (who, client) in
            [("candidate guest", &room.candidate), ("stranger", &stranger), ("candidate account", &candidate_account)]
        {
            let (status, reply) = call(client, method, &path, body.clone()).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{who} {method} {path}: {reply}");
            assert!(reply["message"].is_string(), "{who} {method} {path}: JSON error: {reply}");
        }
        let (status, reply) = call(&server.anon(), method, &path, body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "anonymous {method} {path}: {reply}");
    }
    // The candidate keeps the room's own routes: the code now, without `at`.
    let (status, _) = room.candidate.get_json(&format!("/api/sessions/{}/code", room.id)).await;
    assert_eq!(status, StatusCode::OK);
    // Only an administrator reopens a scorecard; candidates and strangers see no rubrics.
    let reopen = format!("/api/sessions/{}/scorecards/{}/reopen", room.id, "nobody");
    assert_eq!(room.host.post_empty_json(&reopen).await.0, StatusCode::FORBIDDEN);
    assert_eq!(room.candidate.get_json("/api/rubrics").await.0, StatusCode::FORBIDDEN);
    assert_eq!(guest_co.get_json("/api/rubrics").await.0, StatusCode::OK, "a guest co-interviewer picks a rubric");
    assert_eq!(guest_co.get_json("/api/interviews").await.0, StatusCode::FORBIDDEN);
    assert_eq!(candidate_account.get_json("/api/rubrics").await.0, StatusCode::FORBIDDEN);
    assert_eq!(candidate_account.get_json("/api/interviews").await.0, StatusCode::FORBIDDEN);
    assert_eq!(room.candidate.get_json("/api/interviews").await.0, StatusCode::FORBIDDEN);
    // The candidate's socket carries nothing of the record.
    let mut events = open(&room.candidate, &format!("/api/sessions/{}/events", room.id)).await.expect("events");
    let welcome = next_event(&mut events, "welcome").await;
    assert!(!welcome.to_string().contains("notes") && !welcome.to_string().contains("scorecard"), "{welcome}");
}

/// One change an editor makes to the text and the meta map.
type Change = dyn Fn(&yrs::TextRef, &yrs::MapRef, &mut yrs::TransactionMut);

/// Waits until `editor` has been told its `count` updates are on disk.
async fn saved(editor: &mut Editor, count: u64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while editor.saved < count {
        assert!(tokio::time::Instant::now() < deadline, "edits not acknowledged");
        editor.drain(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_replay_rebuilds_what_the_editor_held_at_every_recorded_moment() {
    let server = Server::start();
    let room = full_interview(&server).await;
    let mut events = open(&room.candidate, &format!("/api/sessions/{}/events", room.id)).await.expect("events");
    next_event(&mut events, "welcome").await;
    let mut candidate = Editor::connect(&room.candidate, &room.id, true).await;
    let mut host = Editor::connect(&room.host, &room.id, true).await;

    // Known edits, a little apart: what the editor held after each one.
    let mut held = vec![candidate.code()];
    let paste = "def helper(values):\n    return sorted(set(values))\n".repeat(4);
    let paste_chars = paste.chars().count();
    let edits: Vec<Box<Change>> = vec![
        Box::new(|text, meta, txn| {
            let len = text.len(txn);
            text.remove_range(txn, 0, len);
            meta.insert(txn, "language", "python");
        }),
        Box::new(|text, _, txn| text.insert(txn, 0, "# plan: a map of seen values\n")),
        Box::new(|text, _, txn| {
            let len = text.len(txn);
            text.insert(txn, len, PYTHON_TWO_SUM);
        }),
        Box::new(|text, _, txn| text.remove_range(txn, 2, 5)),
        Box::new(move |text, _, txn| {
            let len = text.len(txn);
            text.insert(txn, len, &paste);
        }),
        Box::new(|text, _, txn| text.insert(txn, 0, "# ünïcode ✓ 🦀\n")),
    ];
    for (n, edit) in edits.iter().enumerate() {
        // The host makes one of the edits: each step keeps its author.
        host.drain(Duration::from_millis(30)).await;
        let editor = if n == 3 { &mut host } else { &mut candidate };
        let before = editor.saved;
        editor.edit(edit).await;
        saved(editor, before + 1).await;
        tokio::time::sleep(Duration::from_millis(120)).await;
        candidate.drain(Duration::from_millis(30)).await;
        held.push(candidate.code());
    }
    // The candidate leaves the tab and comes back, runs the code.
    send_json(&mut events, json!({ "type": "focus", "visible": false })).await;
    send_json(&mut events, json!({ "type": "focus", "visible": false })).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    send_json(&mut events, json!({ "type": "focus", "visible": true })).await;
    let run = json!({ "language": "python", "code": PYTHON_TWO_SUM, "sessionId": room.id });
    let (status, result) = room.candidate.post_json("/api/problems/two-sum/run", run).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    tokio::time::sleep(Duration::from_millis(300)).await;

    let (status, replay) = room.host.get_json(&format!("/api/sessions/{}/replay", room.id)).await;
    assert_eq!(status, StatusCode::OK, "{replay}");
    let replay = &replay["replay"];
    let steps = replay["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), edits.len() + 1, "the starter code, then each edit: {replay}");
    assert!(steps[0]["author"].is_null(), "the starter code has no author");
    let authors = replay["authors"].as_array().expect("authors");
    let name_of = |step: &Value| authors[step["author"].as_u64().expect("author") as usize]["name"].clone();
    assert_eq!(name_of(&steps[1]), "Casey");
    assert_eq!(name_of(&steps[4]), "Hana");
    assert_eq!(steps[1]["language"], "python");
    let ats: Vec<i64> = steps.iter().map(|s| s["at"].as_i64().expect("at")).collect();
    assert!(ats.windows(2).all(|w| w[0] <= w[1]), "in order: {ats:?}");

    // The code at each recorded moment, and between moments, is what the editor held then.
    let code_at = |at: i64| {
        let client = room.host.clone();
        let path = format!("/api/sessions/{}/code?at={at}", room.id);
        async move { client.get_json(&path).await.1 }
    };
    for (n, at) in ats.iter().enumerate() {
        let body = code_at(*at).await;
        assert_eq!(body["code"].as_str(), Some(held[n].as_str()), "after step {n} at {at} ms");
        assert_eq!(body["at"], json!(at));
        if let Some(next) = ats.get(n + 1).filter(|next| **next > at + 1) {
            let between = code_at((at + next) / 2).await;
            assert_eq!(between["code"].as_str(), Some(held[n].as_str()), "between steps {n} and {}", n + 1);
        }
    }
    assert_eq!(code_at(ats[1]).await["language"], "python");
    assert_eq!(code_at(ats[0]).await["language"], "javascript");
    // The replay's steps, applied as the browser applies them, give the same code.
    let mut code: Vec<u16> = replay["initial"]["code"].as_str().expect("initial").encode_utf16().collect();
    for (n, step) in steps.iter().enumerate() {
        for op in step["ops"].as_array().expect("ops") {
            let index = op[0].as_u64().expect("index") as usize;
            let delete = op[1].as_u64().expect("delete") as usize;
            code.splice(index..index + delete, op[2].as_str().expect("insert").encode_utf16());
        }
        assert_eq!(String::from_utf16_lossy(&code), held[n], "replayed step {n}");
    }
    let bad = room.host.get_json(&format!("/api/sessions/{}/code?at=-5", room.id)).await;
    assert_eq!(bad.0, StatusCode::BAD_REQUEST, "{}", bad.1);

    // The timeline: join, language, paste (its size), focus (repeats dropped), run, ended.
    assert_eq!(room.host.post_empty_json(&format!("/api/sessions/{}/end", room.id)).await.0, StatusCode::OK);
    let (status, timeline) = room.co.get_json(&format!("/api/sessions/{}/timeline", room.id)).await;
    assert_eq!(status, StatusCode::OK, "{timeline}");
    let events: &Vec<Value> = timeline["events"].as_array().expect("events");
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().expect("kind")).collect();
    let of = |kind: &str| events.iter().filter(|e| e["kind"] == kind).cloned().collect::<Vec<_>>();
    assert!(of("join").iter().any(|e| e["user"]["id"] == json!(room.candidate_id)), "{kinds:?}");
    assert_eq!(of("language")[0]["language"], "python");
    let pastes: Vec<Value> = of("paste").iter().map(|p| p["chars"].clone()).collect();
    assert_eq!(pastes, vec![json!(PYTHON_TWO_SUM.chars().count()), json!(paste_chars)], "large pastes only: {kinds:?}");
    assert!(of("paste").iter().all(|p| p["user"]["name"] == "Casey"));
    let focus: Vec<Value> = of("focus").iter().map(|e| e["visible"].clone()).collect();
    assert_eq!(focus, vec![json!(false), json!(true)]);
    let runs = of("run");
    assert_eq!(runs.len(), 1, "{kinds:?}");
    assert_eq!(runs[0]["verdict"], "accepted", "{}", runs[0]);
    assert!(runs[0]["tests"].as_array().is_some_and(|t| !t.is_empty() && t.iter().all(|t| t["status"] == "passed")));
    assert_eq!(kinds.last(), Some(&"ended"), "{kinds:?}");
    let ats: Vec<i64> = events.iter().map(|e| e["at"].as_i64().expect("at")).collect();
    assert!(ats.windows(2).all(|w| w[0] <= w[1]), "in order: {ats:?}");
}

#[tokio::test]
async fn notes_and_scorecards_survive_kill_9_and_a_submitted_scorecard_is_locked() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut server = Server::start_in(data.path(), &[]);
    let room = full_interview(&server).await;
    let (admin, _) = server.admin("Ada").await;
    let notes_path = format!("/api/sessions/{}/notes", room.id);
    let card_path = format!("/api/sessions/{}/scorecard", room.id);

    let markdown = "## Casey\n- asked about duplicates first\n- O(n) with a map";
    let (status, saved) = room.host.put_json(&notes_path, json!({ "markdown": markdown })).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["notes"]["markdown"], markdown);
    assert!(saved["notes"]["updatedAt"].is_string());
    let (_, co_notes) = room.co.put_json(&notes_path, json!({ "markdown": "co: strong on testing" })).await;
    assert_eq!(co_notes["notes"]["markdown"], "co: strong on testing");
    let too_long = "x".repeat(100_001);
    assert_eq!(room.host.put_json(&notes_path, json!({ "markdown": too_long })).await.0, StatusCode::PAYLOAD_TOO_LARGE);

    // A blank draft on the default rubric, then ratings; submit needs every criterion.
    let (_, blank) = room.host.get_json(&card_path).await;
    let card = &blank["scorecard"];
    assert!(card["rubric"]["criteria"].is_array(), "{blank}");
    assert_eq!(card["status"], "draft");
    assert_eq!(card["rubricId"], "standard");
    let criteria: Vec<String> = card["rubric"]["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(criteria, ["problem_solving", "code_quality", "communication", "testing"]);
    let bad = room.host.put_json(&card_path, json!({ "ratings": { "problem_solving": 5 } })).await;
    assert_eq!(bad.0, StatusCode::BAD_REQUEST, "{}", bad.1);
    let bad = room.host.put_json(&card_path, json!({ "ratings": { "charisma": 3 } })).await;
    assert_eq!(bad.0, StatusCode::BAD_REQUEST, "{}", bad.1);
    let partial = json!({ "ratings": { "problem_solving": 4 }, "recommendation": "yes", "comments": "good" });
    assert_eq!(room.host.put_json(&card_path, partial).await.0, StatusCode::OK);
    let early = room.host.post_empty_json(&format!("{card_path}/submit")).await;
    assert_eq!(early.0, StatusCode::BAD_REQUEST, "{}", early.1);
    let ratings: serde_json::Map<String, Value> = criteria.iter().map(|c| (c.clone(), json!(3))).collect();
    let full = json!({ "ratings": ratings, "recommendation": "strong_yes", "comments": "Clear and careful." });
    assert_eq!(room.host.put_json(&card_path, full.clone()).await.0, StatusCode::OK);
    let (status, submitted) = room.host.post_empty_json(&format!("{card_path}/submit")).await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    assert_eq!(submitted["scorecard"]["status"], "submitted");
    let locked = room.host.put_json(&card_path, full.clone()).await;
    assert_eq!(locked.0, StatusCode::CONFLICT, "{}", locked.1);

    // The co-interviewer's draft, acknowledged, then the crash.
    let co_card = json!({ "ratings": { "testing": 4 }, "recommendation": "yes", "comments": "draft" });
    assert_eq!(room.co.put_json(&card_path, co_card).await.0, StatusCode::OK);
    server.kill();
    let restarted = Server::start_in(data.path(), &[]);
    let at = |client: &Client| Client { base: restarted.url.clone(), ..client.clone() };
    let (host, co, admin) = (at(&room.host), at(&room.co), at(&admin));

    let (_, notes) = host.get_json(&notes_path).await;
    assert_eq!(notes["notes"]["markdown"], markdown, "acknowledged notes survive kill -9");
    let (_, card) = host.get_json(&card_path).await;
    assert_eq!(card["scorecard"]["status"], "submitted");
    assert_eq!(card["scorecard"]["recommendation"], "strong_yes");
    let (_, co_card) = co.get_json(&card_path).await;
    assert_eq!(co_card["scorecard"]["comments"], "draft");
    assert_eq!(co_card["scorecard"]["ratings"]["testing"], 4);

    // Others' scorecards only after submitting one's own; notes of others after the end.
    let listing = format!("/api/sessions/{}/scorecards", room.id);
    let (_, seen) = co.get_json(&listing).await;
    assert_eq!(seen["scorecards"], json!([]), "nothing before submitting: {seen}");
    let (_, seen) = host.get_json(&listing).await;
    assert_eq!(seen["scorecards"].as_array().map(Vec::len), Some(1), "{seen}");
    let (_, seen) = admin.get_json(&listing).await;
    assert_eq!(seen["scorecards"][0]["recommendation"], "strong_yes", "administrators see submitted ones: {seen}");
    let (_, all) = co.get_json(&format!("{notes_path}/all")).await;
    assert_eq!(all["notes"].as_array().map(Vec::len), Some(1), "only their own during the interview: {all}");
    assert_eq!(host.post_empty_json(&format!("/api/sessions/{}/end", room.id)).await.0, StatusCode::OK);
    let (_, all) = co.get_json(&format!("{notes_path}/all")).await;
    assert_eq!(all["notes"].as_array().map(Vec::len), Some(2), "everyone's after the end: {all}");
    let (status, edited) = host.put_json(&notes_path, json!({ "markdown": format!("{markdown}\n- hire") })).await;
    assert_eq!(status, StatusCode::OK, "notes stay editable after the end: {edited}");

    // An administrator reopens a submitted scorecard; its author may edit it again.
    let (_, session) = host.get_json(&format!("/api/sessions/{}", room.id)).await;
    let host_id = session["session"]["host"]["id"].as_str().expect("host id").to_string();
    let reopen = format!("/api/sessions/{}/scorecards/{host_id}/reopen", room.id);
    assert_eq!(host.post_empty_json(&reopen).await.0, StatusCode::FORBIDDEN);
    let (status, reopened) = admin.post_empty_json(&reopen).await;
    assert_eq!(status, StatusCode::OK, "{reopened}");
    assert_eq!(reopened["scorecard"]["status"], "draft");
    assert_eq!(host.put_json(&card_path, full).await.0, StatusCode::OK);

    // The report carries it all, as JSON and as Markdown.
    let (status, report) = admin.get_json(&format!("/api/sessions/{}/report", room.id)).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let report = &report["report"];
    assert_eq!(report["session"]["participants"][0]["name"], "Casey");
    assert_eq!(report["notes"].as_array().map(Vec::len), Some(2));
    assert!(report["timeline"].as_array().is_some_and(|t| t.iter().any(|e| e["kind"] == "ended")));
    let response = admin.get(&format!("/api/sessions/{}/report?format=md", room.id)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/markdown"));
    let text = response.text().await.expect("markdown");
    assert!(text.starts_with("# Interview: Two Sum"), "{text}");
    assert!(text.contains("- Candidate: Casey") && text.contains("asked about duplicates first"), "{text}");
}

#[tokio::test]
async fn administrators_manage_rubrics_and_interviewers_pick_them() {
    let server = Server::start();
    let (admin, _) = server.admin("Ada").await;
    let (interviewer, _) = server.interviewer("Ivy").await;
    let design = json!({
        "name": "System design",
        "description": "For design rounds",
        "criteria": [
            { "id": "requirements", "name": "Requirements", "guidance": "4: asked about scale first" },
            { "id": "trade_offs", "name": "Trade-offs", "guidance": "" },
        ],
    });
    assert_eq!(interviewer.put_json("/api/rubrics/design", design.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(interviewer.delete_json("/api/rubrics/standard").await.0, StatusCode::FORBIDDEN);
    assert_eq!(interviewer.post_empty_json("/api/rubrics/standard/default").await.0, StatusCode::FORBIDDEN);
    assert_eq!(interviewer.get_json("/api/admin/rubrics").await.0, StatusCode::FORBIDDEN);
    for path in ["/api/rubrics", "/api/admin/rubrics", "/api/interviews"] {
        assert_eq!(server.anon().get_json(path).await.0, StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(server.anon().put_json("/api/rubrics/design", design.clone()).await.0, StatusCode::UNAUTHORIZED);
    let (status, listed) = admin.get_json("/api/admin/rubrics").await;
    assert_eq!((status, listed["rubrics"][0]["id"].clone()), (StatusCode::OK, json!("standard")));
    let (status, saved) = admin.put_json("/api/rubrics/design", design.clone()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["rubric"]["isDefault"], false);
    for (id, body) in [
        ("Bad Id", design.clone()),
        ("empty", json!({ "name": "x", "criteria": [] })),
        ("twice", json!({ "name": "x", "criteria": [{ "id": "a", "name": "A" }, { "id": "a", "name": "B" }] })),
    ] {
        let refused = admin.put_json(&format!("/api/rubrics/{}", id.replace(' ', "%20")), body).await;
        assert_eq!(refused.0, StatusCode::BAD_REQUEST, "{id}: {}", refused.1);
    }
    let (_, listed) = interviewer.get_json("/api/rubrics").await;
    let ids: Vec<&str> =
        listed["rubrics"].as_array().expect("rubrics").iter().map(|r| r["id"].as_str().expect("id")).collect();
    assert_eq!(ids, ["standard", "design"], "the default first");

    // A scorecard filled against a rubric keeps its criteria when the rubric goes.
    let (status, session) = interviewer.post_json("/api/sessions", json!({ "problem": "two-sum" })).await;
    assert_eq!(status, StatusCode::CREATED);
    let card_path = format!("/api/sessions/{}/scorecard", session["session"]["id"].as_str().expect("id"));
    let (status, card) =
        interviewer.put_json(&card_path, json!({ "rubricId": "design", "ratings": { "trade_offs": 2 } })).await;
    assert_eq!(status, StatusCode::OK, "{card}");
    assert_eq!(card["scorecard"]["rubric"]["name"], "System design");
    let (status, made) = admin.post_empty_json("/api/rubrics/design/default").await;
    assert_eq!((status, made["rubric"]["isDefault"].clone()), (StatusCode::OK, json!(true)));
    assert_eq!(admin.delete_json("/api/rubrics/standard").await.0, StatusCode::OK);
    assert_eq!(admin.delete_json("/api/rubrics/design").await.0, StatusCode::CONFLICT, "the last one stays");
    let (_, card) = interviewer.get_json(&card_path).await;
    assert_eq!(card["scorecard"]["rubric"]["criteria"][1]["id"], "trade_offs");
}

#[tokio::test]
async fn the_time_box_starts_with_the_candidate_and_past_interviews_are_searchable() {
    let server = Server::start();
    let (host, _) = server.interviewer("Hana").await;
    let (status, created) =
        host.post_json("/api/sessions", json!({ "problem": "two-sum", "timeBoxMinutes": 45 })).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let session = &created["session"];
    let id = session["id"].as_str().expect("id").to_string();
    assert_eq!(session["timeBoxMinutes"], 45);
    assert!(session["startedAt"].is_null() && session["endsAt"].is_null(), "{session}");
    let refused = host.post_json("/api/sessions", json!({ "problem": "two-sum", "timeBoxMinutes": 0 })).await;
    assert_eq!(refused.0, StatusCode::BAD_REQUEST);

    let token = token_of(&invite(&host, &id, "candidate").await);
    let (candidate, _) = accept(&server, &token, "Casey Quinn").await;
    let (_, now) = host.get_json(&format!("/api/sessions/{id}")).await;
    let started = now["session"]["startedAt"].as_str().expect("the clock starts with the candidate");
    let ends = now["session"]["endsAt"].as_str().expect("ends");
    let minutes = |a: &str, b: &str| {
        let parse =
            |t: &str| time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).expect("time");
        (parse(b) - parse(a)).whole_minutes()
    };
    assert_eq!(minutes(started, ends), 45);

    let timer = format!("/api/sessions/{id}/timer");
    assert_eq!(candidate.put_json(&timer, json!({ "minutes": 90 })).await.0, StatusCode::FORBIDDEN);
    assert_eq!(host.put_json(&timer, json!({ "minutes": 9999 })).await.0, StatusCode::BAD_REQUEST);
    let (status, changed) = host.put_json(&timer, json!({ "minutes": 30 })).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(minutes(started, changed["session"]["endsAt"].as_str().expect("ends")), 30);
    let (_, cleared) = host.put_json(&timer, json!({ "minutes": null })).await;
    assert!(cleared["session"]["endsAt"].is_null());

    // Past interviews: the host's, searchable by candidate; the duration once ended.
    let (status, other) = host.post_json("/api/sessions", json!({ "problem": "reverse-string" })).await;
    assert_eq!(status, StatusCode::CREATED, "{other}");
    assert_eq!(host.post_empty_json(&format!("/api/sessions/{id}/end")).await.0, StatusCode::OK);
    let (status, all) = host.get_json("/api/interviews").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert_eq!(all["interviews"].as_array().map(Vec::len), Some(2), "{all}");
    let (_, found) = host.get_json("/api/interviews?q=quinn").await;
    let found = found["interviews"].as_array().expect("interviews").clone();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["id"], json!(id));
    assert!(found[0]["durationMs"].as_i64().is_some_and(|ms| ms >= 0));
    let (_, completed) = host.get_json("/api/interviews?status=completed&limit=1").await;
    assert_eq!(completed["interviews"].as_array().map(Vec::len), Some(1));
    let (_, others) = server.interviewer("Otto").await.0.get_json("/api/interviews").await;
    assert_eq!(others["interviews"], json!([]), "nobody sees others' interviews");
    assert_eq!(host.get_json("/api/interviews?limit=0").await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn rubrics_from_the_command_line_with_the_server_running_or_stopped() {
    let mut server = Server::start();
    let file = server.data_dir.join("design.toml");
    std::fs::write(
        &file,
        "id = \"design\"\nname = \"System design\"\n\n[[criteria]]\nid = \"scale\"\nname = \"Scale\"\nguidance = \"4: estimates load first\"\n",
    )
    .expect("write rubric");
    let path = file.to_str().expect("path");
    let (ok, out) = crate::piston_access::coderoom(&server, &["rubrics", "import", path]);
    assert!(ok, "{out}");
    let (ok, out) = crate::piston_access::coderoom(&server, &["rubrics", "default", "design"]);
    assert!(ok, "{out}");
    let (ok, listed) = crate::piston_access::coderoom(&server, &["rubrics", "list"]);
    assert!(ok && listed.contains("design") && listed.contains("(default)") && listed.contains("standard"), "{listed}");
    let (interviewer, _) = server.interviewer("Ivy").await;
    let (_, rubrics) = interviewer.get_json("/api/rubrics").await;
    assert_eq!(rubrics["rubrics"][0]["id"], "design", "{rubrics}");

    assert!(server.terminate().success());
    let (ok, out) = crate::piston_access::coderoom(&server, &["rubrics", "remove", "standard"]);
    assert!(ok, "{out}");
    let (ok, shown) = crate::piston_access::coderoom(&server, &["rubrics", "show", "design"]);
    assert!(ok && shown.contains("\"guidance\": \"4: estimates load first\""), "{shown}");
    let (ok, out) = crate::piston_access::coderoom(&server, &["rubrics", "remove", "design"]);
    assert!(!ok && out.contains("last rubric"), "{out}");
}
