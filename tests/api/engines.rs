//! The sandbox on two Docker engines: this machine's engine on its socket, and a second dockerd
//! (scripts/start-second-docker.sh) reached over tcp://127.0.0.1:2376 with mutual TLS. A burst
//! spreads over both; the second engine's dockerd is killed while it runs jobs; every request
//! is answered in time, and work goes on on the engine that is left.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{Client, Server};

const SECOND_SOCKET: &str = "unix:///var/run/coderoom-docker2.sock";
const SECOND_PIDFILE: &str = "/var/run/coderoom-docker2.pid";
const SECOND_TLS: &str = "/var/lib/coderoom-docker2/tls";
const SETUP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/start-second-docker.sh");
/// Longest any request of the test may take, a failure included.
const ANSWER_BOUND: Duration = Duration::from_secs(45);

fn second_engine_answers() -> bool {
    Path::new(SECOND_TLS).join("client-key.pem").is_file()
        && Command::new("docker").args(["-H", SECOND_SOCKET, "info"]).output().is_ok_and(|out| out.status.success())
}

fn start_second_engine() {
    let status = Command::new("bash").arg(SETUP).status().expect("run start-second-docker.sh");
    assert!(status.success(), "scripts/start-second-docker.sh failed");
}

/// Brings the second engine back however the test ends, for the next run.
struct Restart;

impl Drop for Restart {
    fn drop(&mut self) {
        start_second_engine();
    }
}

fn config(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("coderoom.toml");
    let toml = format!(
        r#"[sandbox]
warm_containers = 2
judge_reserved_jobs = 0
api_requests_per_minute = 0
max_queued_per_user = 32
# The jobs sleep 2.5 s; on a loaded machine Python's start can push that past the default 3 s
# wall clock, which is not what this test is about.
run_timeout = 15000

[[sandbox.docker_hosts]]
name = "local"
url = "unix:///var/run/docker.sock"
capacity = 3

[[sandbox.docker_hosts]]
name = "remote"
url = "tcp://127.0.0.1:2376"
capacity = 3
tls_ca = "{SECOND_TLS}/ca.pem"
tls_cert = "{SECOND_TLS}/client-cert.pem"
tls_key = "{SECOND_TLS}/client-key.pem"
"#
    );
    std::fs::write(&path, toml).expect("write coderoom.toml");
    path
}

fn sleeper(seconds: f64, tag: usize) -> Value {
    let source = format!("import time\ntime.sleep({seconds})\nprint('done {tag}')");
    json!({"language": "python", "version": "3.x", "files": [{"name": "main.py", "content": source}]})
}

/// `tag`'s request: its status, body and how long it took.
async fn timed_execute(client: &Client, body: Value) -> (StatusCode, Value, Duration) {
    let started = Instant::now();
    let answered = tokio::time::timeout(ANSWER_BOUND, client.post_json("/api/v2/execute", body)).await;
    let (status, body) = answered.unwrap_or_else(|_| panic!("no answer within {ANSWER_BOUND:?}"));
    (status, body, started.elapsed())
}

async fn burst(client: &Client, seconds: f64, count: usize) -> Vec<(StatusCode, Value, Duration)> {
    let requests = (0..count).map(|tag| timed_execute(client, sleeper(seconds, tag)));
    futures::future::join_all(requests).await
}

fn assert_ran(answer: &(StatusCode, Value, Duration), tag: usize) {
    let (status, body, _) = answer;
    assert_eq!(*status, StatusCode::OK, "job {tag}: {body}");
    assert_eq!(body["run"]["stdout"], format!("done {tag}\n"), "job {tag}: {body}");
}

/// A sample of `/metrics`: the value of the series `name{engine="<engine>"}`, 0 when absent.
async fn engine_metric(client: &Client, name: &str, engine: &str) -> f64 {
    let text = client.get("/metrics").await.text().await.expect("metrics");
    let series = format!("{name}{{engine=\"{engine}\"}} ");
    text.lines()
        .find_map(|line| line.strip_prefix(&series))
        .map_or(0.0, |value| value.trim().parse().expect("metric value"))
}

async fn engine_report(client: &Client, engine: &str) -> Value {
    let (_, ready) = client.get_json("/readyz").await;
    let engines = ready["components"]["sandbox"]["engines"].as_array().cloned().unwrap_or_default();
    engines.into_iter().find(|report| report["name"] == engine).unwrap_or(Value::Null)
}

async fn wait_until_healthy(client: &Client, engine: &str, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let report = engine_report(client, engine).await;
        if report["healthy"] == true && report["missing"] == json!([]) {
            return;
        }
        assert!(Instant::now() < deadline, "engine {engine} not healthy after {within:?}: {report}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
async fn jobs_spread_over_two_engines_and_survive_losing_one() {
    if !second_engine_answers() {
        if std::env::var_os("CI").is_none() {
            eprintln!("skipped: the second Docker engine is not set up (run scripts/start-second-docker.sh)");
            return;
        }
        start_second_engine();
    }
    let started = Instant::now();
    let _restart = Restart;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(dir.path());
    let server = Server::start_with_env(&[("CODEROOM_CONFIG", config.to_str().expect("path"))]);
    let client = server.user("Engine Tester").await.0;
    wait_until_healthy(&client, "local", Duration::from_secs(20)).await;
    wait_until_healthy(&client, "remote", Duration::from_secs(20)).await;

    // Jobs at once are spread by load: both engines take some.
    let answers = burst(&client, 0.5, 12).await;
    for (tag, answer) in answers.iter().enumerate() {
        assert_ran(answer, tag);
    }
    let local = engine_metric(&client, "coderoom_sandbox_engine_jobs_total", "local").await;
    let remote = engine_metric(&client, "coderoom_sandbox_engine_jobs_total", "remote").await;
    eprintln!("burst of 12: {local} jobs on local, {remote} on remote (TLS)");
    assert_eq!(local + remote, 12.0);
    assert!(local >= 3.0 && remote >= 3.0, "local {local}, remote {remote}");
    assert_eq!(engine_metric(&client, "coderoom_sandbox_engine_capacity", "remote").await, 3.0);

    // The second engine's dockerd dies while it runs jobs of a burst.
    let burst_client = client.clone();
    let failing_burst = tokio::spawn(async move { burst(&burst_client, 2.5, 12).await });
    let deadline = Instant::now() + Duration::from_secs(20);
    while engine_metric(&client, "coderoom_sandbox_engine_jobs_running", "remote").await < 2.0 {
        assert!(Instant::now() < deadline, "no jobs reached the remote engine");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Into their programs (each sleeps 2.5 s), even on a busy machine.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let pid = std::fs::read_to_string(SECOND_PIDFILE).expect("second dockerd pid file");
    let killed = Command::new("kill").args(["-KILL", pid.trim()]).status().expect("kill");
    assert!(killed.success());
    let killed_at = Instant::now();
    let answers = failing_burst.await.expect("burst");
    let mut lost = 0;
    for (tag, answer) in answers.iter().enumerate() {
        let (status, body, _) = answer;
        if *status == StatusCode::SERVICE_UNAVAILABLE {
            // Only a job whose program had started on the lost engine is not moved elsewhere.
            let message = body["message"].as_str().unwrap_or_default();
            assert!(message.contains("the sandbox engine remote stopped while running this job"), "{body}");
            lost += 1;
        } else {
            assert_ran(answer, tag);
        }
    }
    let slowest = answers.iter().map(|(_, _, took)| *took).max().unwrap_or_default();
    eprintln!(
        "burst of 12 with the remote engine killed: {lost} answered 503, {} ran; slowest answer {slowest:.1?}, all in {:.1?} after the kill",
        12 - lost,
        killed_at.elapsed()
    );
    assert!((1..=3).contains(&lost), "the remote engine ran at most 3 jobs when it died, and at least one: {lost}");

    // Drained: still ready on the engine that is left, and new jobs run there.
    let (status, ready) = client.get_json("/readyz").await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["components"]["sandbox"]["status"], "ok", "{ready}");
    assert_eq!(engine_report(&client, "remote").await["healthy"], false);
    assert_eq!(engine_metric(&client, "coderoom_sandbox_engine_healthy", "remote").await, 0.0);
    let remote_before = engine_metric(&client, "coderoom_sandbox_engine_jobs_total", "remote").await;
    for (tag, answer) in burst(&client, 0.1, 4).await.iter().enumerate() {
        assert_ran(answer, tag);
    }
    assert_eq!(engine_metric(&client, "coderoom_sandbox_engine_jobs_total", "remote").await, remote_before);

    // The engine comes back: the next health check returns it to the rotation.
    start_second_engine();
    wait_until_healthy(&client, "remote", Duration::from_secs(40)).await;
    for (tag, answer) in burst(&client, 0.5, 6).await.iter().enumerate() {
        assert_ran(answer, tag);
    }
    assert!(engine_metric(&client, "coderoom_sandbox_engine_jobs_total", "remote").await > remote_before);
    eprintln!("two-engine test took {:.1?}", started.elapsed());
}
