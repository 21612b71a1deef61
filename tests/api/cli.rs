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
    let (ok, out) = coderoom(&data_dir, &["users", "set-role", "int@example.test", "interviewer"]);
    assert!(ok, "{out}");
    let (ok, out) =
        coderoom(&data_dir, &["users", "reset-password", "int@example.test", "--password", "brand new password"]);
    assert!(ok, "{out}");
    let (ok, out) = coderoom(&data_dir, &["users", "list"]);
    assert!(ok && out.contains("root@example.test") && out.contains("interviewer"), "{out}");
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

#[cfg(unix)]
fn mode_of(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}

/// Files a backup left beside its destination other than the destination itself.
fn leftovers(folder: &std::path::Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(folder)
        .expect("read dir")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| !keep.contains(&name.as_str()))
        .collect()
}

#[test]
fn backups_are_private_and_complete_and_restore_wants_an_empty_store() {
    let temp = tempfile::tempdir().expect("tempdir");
    let data_dir = temp.path().join("data");
    let (ok, out) = coderoom(
        &data_dir,
        &["users", "create", "--name", "Root", "--email", "root@example.test", "--password", "root password"],
    );
    assert!(ok, "{out}");
    let backups = temp.path().join("backups");
    std::fs::create_dir_all(&backups).expect("mkdir");
    let file = backups.join("coderoom.surql");
    std::fs::write(&file, "an older backup").expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }

    let (ok, out) = coderoom(&data_dir, &["backup", file.to_str().expect("utf8"), "--bind", "127.0.0.1:1"]);
    assert!(ok, "{out}");
    #[cfg(unix)]
    assert_eq!(mode_of(&file), 0o600, "a backup holds password hashes");
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(text.contains("root@example.test") && !text.contains("an older backup"), "{text:.200}");
    assert!(leftovers(&backups, &["coderoom.surql"]).is_empty(), "{:?}", leftovers(&backups, &["coderoom.surql"]));

    // A backup that cannot be taken leaves the older one as it was and no partial file.
    std::fs::write(&file, "an older backup").expect("write");
    let locked = Server::start_in(&data_dir, &[]);
    let (ok, out) = coderoom(&data_dir, &["backup", file.to_str().expect("utf8"), "--bind", "127.0.0.1:1"]);
    assert!(!ok, "the database is held by the server: {out}");
    drop(locked);
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "an older backup");
    assert!(leftovers(&backups, &["coderoom.surql"]).is_empty(), "{:?}", leftovers(&backups, &["coderoom.surql"]));
    let (ok, out) = coderoom(&data_dir, &["backup", file.to_str().expect("utf8"), "--bind", "127.0.0.1:1"]);
    assert!(ok, "{out}");

    // Restoring over existing data is refused unless forced; into an empty folder it just works.
    let (ok, out) = coderoom(&data_dir, &["restore", file.to_str().expect("utf8")]);
    assert!(!ok && out.contains("already holds accounts") && out.contains("--force"), "{out}");
    let (ok, out) = coderoom(&data_dir, &["restore", file.to_str().expect("utf8"), "--force"]);
    assert!(ok, "{out}");
    let empty = temp.path().join("empty");
    let (ok, out) = coderoom(&empty, &["restore", file.to_str().expect("utf8")]);
    assert!(ok, "{out}");
    let (ok, out) = coderoom(&empty, &["users", "list"]);
    assert!(ok && out.contains("root@example.test"), "{out}");
}

/// Text that does not compress, so that the database stores it at full size.
fn incompressible(len: usize) -> String {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            char::from(b'a' + (state % 26) as u8)
        })
        .collect()
}

/// Runs a command and returns whether it succeeded, its output, and its peak resident memory
/// in KiB, read from `/proc` while it runs (the kernel's `ru_maxrss` would also count the
/// memory of this test process, which the child shares until it executes the binary).
#[cfg(target_os = "linux")]
fn run_measured(command: &mut Command) -> (bool, String, u64) {
    use std::io::Read;
    let mut child = command.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn();
    let child = child.as_mut().expect("spawn");
    let (mut stdout, mut stderr) = (child.stdout.take().expect("stdout"), child.stderr.take().expect("stderr"));
    let readers = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    let status = loop {
        let high_water = std::fs::read_to_string(&status_file).ok().and_then(|status| {
            status.lines().find_map(|line| line.strip_prefix("VmHWM:")?.trim().strip_suffix("kB")?.trim().parse().ok())
        });
        peak_kib = peak_kib.max(high_water.unwrap_or(0));
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    (status.success(), readers.join().expect("output"), peak_kib)
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_live_backup_is_streamed_to_disk() {
    let server = Server::start();
    let (admin, _) = server.admin("Ada").await;
    let (_, body) = admin.get_json("/api/admin/problems/two-sum").await;
    let mut problem = body["problem"].clone();
    problem["slug"] = json!("large-statement");
    let statement_mib = 40;
    problem["description"] = json!(incompressible(statement_mib * 1024 * 1024));
    let (status, body) = admin.post_json("/api/admin/problems", problem).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let temp = tempfile::tempdir().expect("tempdir");
    let file = temp.path().join("live.surql");
    let port = server.url.rsplit(':').next().expect("port").to_string();
    let (ok, out, peak_kib) = run_measured(
        Command::new(BINARY)
            .arg("backup")
            .arg(&file)
            .args(["--bind", &format!("127.0.0.1:{port}"), "--data-dir"])
            .arg(&server.data_dir)
            .env("CODEROOM_LOG_LEVEL", "error"),
    );
    assert!(ok, "{out}");
    let size_mib = std::fs::metadata(&file).expect("backup").len() / (1024 * 1024);
    eprintln!("live backup of {size_mib} MiB: the command's peak resident memory {} MiB", peak_kib / 1024);
    assert!(size_mib >= statement_mib as u64, "{size_mib} MiB");
    assert!(peak_kib / 1024 < size_mib, "the backup was held in memory: peak {} MiB", peak_kib / 1024);
    assert_eq!(mode_of(&file), 0o600);
}
