use std::process::Command;

use reqwest::StatusCode;
use serde_json::json;

use crate::{BINARY, Server};

fn coderoom(data_dir: &std::path::Path, args: &[&str]) -> (bool, String) {
    let output = Command::new(BINARY)
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env("CODEROOM_LOG_LEVEL", "error")
        .output()
        .expect("run coderoom");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

#[test]
fn config_check_reports_line_and_key() {
    let temp = tempfile::tempdir().expect("tempdir");
    let file = temp.path().join("coderoom.toml");
    std::fs::write(
        &file,
        "bind = \"127.0.0.1:8080\"\n\n[sessions]\nseats = 1\n\n[auth]\nregistration = \"sometimes\"\n",
    )
    .expect("write");
    let output = Command::new(BINARY).args(["config", "check"]).arg(&file).output().expect("run");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    assert!(text.contains("line 7") && text.contains("auth.registration"), "{text}");

    std::fs::write(&file, "bind = \"127.0.0.1:8080\"\n[sessions]\nseats = 1\n").expect("write");
    let output = Command::new(BINARY).args(["config", "check"]).arg(&file).output().expect("run");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("line 3: sessions.seats"), "{text}");

    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/config/coderoom.example.toml");
    let output = Command::new(BINARY).args(["config", "check", example]).output().expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
}

#[test]
fn retired_settings_still_load() {
    // Files installed from an earlier example set `database.cache_mb`; they must keep starting.
    let temp = tempfile::tempdir().expect("tempdir");
    let file = temp.path().join("coderoom.toml");
    std::fs::write(&file, "[database]\ncache_mb = 16\n").expect("write");
    let output = Command::new(BINARY).args(["config", "check"]).arg(&file).output().expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    let output = Command::new(BINARY)
        .args(["config", "show", "--config"])
        .arg(&file)
        .env("CODEROOM_LOG_LEVEL", "warn")
        .output()
        .expect("run");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("database.cache_mb is no longer used"));
    assert!(!String::from_utf8_lossy(&output.stdout).contains("cache_mb"), "not written back");
}

#[tokio::test]
async fn users_commands_and_backup_restore() {
    let temp = tempfile::tempdir().expect("tempdir");
    let data_dir = temp.path().join("data");
    let (ok, out) = coderoom(
        &data_dir,
        &[
            "users",
            "create",
            "--name",
            "Root",
            "--email",
            "root@example.test",
            "--password",
            "root password",
            "--role",
            "admin",
        ],
    );
    assert!(ok, "{out}");
    let (ok, out) = coderoom(&data_dir, &["users", "create", "--name", "Int", "--email", "int@example.test"]);
    assert!(ok && out.contains("password: "), "{out}");
    let (ok, out) = coderoom(&data_dir, &["users", "set-role", "int@example.test", "candidate"]);
    assert!(ok, "{out}");
    let (ok, out) =
        coderoom(&data_dir, &["users", "reset-password", "int@example.test", "--password", "brand new password"]);
    assert!(ok, "{out}");
    let (ok, out) = coderoom(&data_dir, &["users", "list"]);
    assert!(ok && out.contains("root@example.test") && out.contains("candidate"), "{out}");
    let (ok, out) = coderoom(&data_dir, &["users", "set-role", "nobody@example.test", "admin"]);
    assert!(!ok && out.contains("no account"), "{out}");

    // Backup while the server runs: the command goes through the server.
    let server = Server::start_in(&data_dir, &[]);
    let mut client = server.anon();
    let login =
        client.post("/api/auth/login", json!({"email": "int@example.test", "password": "brand new password"})).await;
    assert_eq!(login.status(), StatusCode::OK);
    client.cookie = crate::session_cookie(&login);
    let (status, body) = client.post_json("/api/sessions", json!({"problem": "two-sum"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = body["session"]["id"].as_str().expect("id").to_string();
    let backup = temp.path().join("backup.surql");
    let port = server.url.rsplit(':').next().expect("port").to_string();
    let output = Command::new(BINARY)
        .args(["backup"])
        .arg(&backup)
        .args(["--bind", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(&data_dir)
        .output()
        .expect("backup");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    drop(server);

    // Restore into a fresh folder with the server stopped; the session and accounts come back.
    let restored_dir = temp.path().join("restored");
    let (ok, out) = coderoom(&restored_dir, &["restore", backup.to_str().expect("utf8")]);
    assert!(ok, "{out}");
    let restored = Server::start_in(&restored_dir, &[]);
    let mut client = restored.anon();
    let login =
        client.post("/api/auth/login", json!({"email": "int@example.test", "password": "brand new password"})).await;
    assert_eq!(login.status(), StatusCode::OK);
    client.cookie = crate::session_cookie(&login);
    let (status, _) = client.get_json(&format!("/api/sessions/{id}")).await;
    assert_eq!(status, StatusCode::OK);

    // And a backup with the server stopped goes straight to the database.
    drop(restored);
    let second = temp.path().join("offline.surql");
    let (ok, out) = coderoom(&restored_dir, &["backup", second.to_str().expect("utf8"), "--bind", "127.0.0.1:1"]);
    assert!(ok, "{out}");
    assert!(std::fs::metadata(&second).map(|m| m.len()).unwrap_or(0) > 0);
}

#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    // As in `coderoom config show | head -0`: the reader is gone before the first line.
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let temp = tempfile::tempdir().expect("temp dir");
    let output = Command::new(BINARY)
        .args(["config", "show", "--data-dir"])
        .arg(temp.path())
        .stdout(writer)
        .output()
        .expect("run coderoom");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(141), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
