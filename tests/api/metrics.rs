//! `/metrics`: who may scrape it (this machine without a proxy, or the bearer token), that it
//! parses as Prometheus's text format, and that it moves when requests and jobs run.

use std::collections::HashMap;

use reqwest::StatusCode;
use serde_json::json;

use crate::{Server, assert_error};

/// Every sample of a Prometheus text exposition, by series (`name{labels}`); panics on a line
/// that is neither a comment nor a sample, or on a sample without a number.
fn parse_exposition(text: &str) -> HashMap<String, f64> {
    let mut samples = HashMap::new();
    for line in text.lines().filter(|line| !line.is_empty()) {
        if let Some(comment) = line.strip_prefix("# ") {
            let kind = comment.split_whitespace().next().unwrap_or_default();
            assert!(kind == "HELP" || kind == "TYPE", "unknown comment: {line}");
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("not a sample: {line}"));
        let name_end = series.find('{').unwrap_or(series.len());
        let name = &series[..name_end];
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "bad metric name in {line}"
        );
        if name_end < series.len() {
            assert!(series.ends_with('}'), "unterminated labels in {line}");
        }
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("not a number in {line}"));
        samples.insert(series.to_string(), value);
    }
    samples
}

async fn scrape(server: &Server) -> HashMap<String, f64> {
    let response = server.anon().get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap_or_default().to_string();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    parse_exposition(&response.text().await.expect("body"))
}

fn value(samples: &HashMap<String, f64>, series: &str) -> f64 {
    samples.get(series).copied().unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_parse_and_move_when_requests_and_jobs_run() {
    let server = Server::start();
    let before = scrape(&server).await;
    for gauge in ["coderoom_sandbox_jobs_queued", "coderoom_rooms_open", "coderoom_document_writes_queued"] {
        assert!(before.contains_key(gauge), "{gauge} missing");
    }
    let (client, me) = server.user("Measured").await;
    let email = me["email"].as_str().expect("email");
    let (status, _) =
        server.anon().post_json("/api/auth/login", json!({ "email": email, "password": "wrong password" })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    server.login(email, crate::PASSWORD).await;
    let code = "def twoSum(nums, target):\n    seen = {}\n    for i, x in enumerate(nums):\n        if target - x in seen:\n            return [seen[target - x], i]\n        seen[x] = i\n";
    let (status, body) =
        client.post_json("/api/problems/two-sum/submit", json!({"language": "python", "code": code})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = client.get_json("/api/sessions/no-such-session").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let after = scrape(&server).await;
    let jobs = "coderoom_sandbox_jobs_total{language=\"python\",outcome=\"ok\"}";
    assert_eq!(value(&after, jobs), value(&before, jobs) + 1.0, "one judged job");
    let submits = "coderoom_http_requests_total{method=\"POST\",route=\"/api/problems/{slug}/submit\",status=\"200\"}";
    assert_eq!(value(&after, submits), 1.0, "submit counted under its route template");
    // A path is never a label: the unknown session is counted under the route's template.
    assert!(after.keys().all(|series| !series.contains("no-such-session")));
    assert_eq!(
        value(&after, "coderoom_http_requests_total{method=\"GET\",route=\"/api/sessions/{id}\",status=\"404\"}"),
        1.0
    );
    assert_eq!(value(&after, "coderoom_sign_ins_total{outcome=\"failed\"}"), 1.0);
    assert_eq!(value(&after, "coderoom_sign_ins_total{outcome=\"ok\"}"), 1.0);
    let durations = "coderoom_sandbox_job_duration_seconds_count{language=\"python\"}";
    assert!(value(&after, durations) >= 1.0, "job duration histogram");

    // Every series the shipped Grafana dashboard queries exists.
    let dashboard = std::fs::read_to_string("docs/grafana-dashboard.json").expect("dashboard");
    let names: Vec<&str> = after.keys().map(|series| series.split('{').next().unwrap_or_default()).collect();
    let mut queried: Vec<&str> = dashboard
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|word| word.starts_with("coderoom_"))
        .collect();
    queried.dedup();
    assert!(queried.len() >= 10, "{queried:?}");
    for name in queried {
        assert!(names.contains(&name), "the dashboard queries {name}, which /metrics does not serve");
    }
}

#[tokio::test]
async fn metrics_are_for_this_machine_or_the_token_holder() {
    let server = Server::start();
    // A reverse proxy on this machine forwards other people's requests: not local.
    let proxied = server.anon().http.get(format!("{}/metrics", server.url)).header("x-forwarded-for", "192.0.2.7");
    let response = proxied.send().await.expect("GET");
    assert_error(crate::json_of(response).await, StatusCode::FORBIDDEN, "this machine only");

    let guarded = Server::start_with_env(&[("CODEROOM_METRICS_TOKEN", "scrape-token-5")]);
    let get = |token: &'static str| {
        guarded
            .anon()
            .http
            .get(format!("{}/metrics", guarded.url))
            .header("x-forwarded-for", "192.0.2.7")
            .bearer_auth(token)
            .send()
    };
    assert_error(crate::json_of(get("wrong").await.expect("GET")).await, StatusCode::UNAUTHORIZED, "not valid");
    assert_eq!(get("scrape-token-5").await.expect("GET").status(), StatusCode::OK);
    let (status, config) = guarded.anon().get_json("/api/config").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!config.to_string().contains("scrape-token-5"), "the token never reaches the browser");

    let off = Server::start_with_env(&[("CODEROOM_METRICS_ENABLED", "false")]);
    assert_error(off.anon().get_json("/metrics").await, StatusCode::NOT_FOUND, "turned off");
}
