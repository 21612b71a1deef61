//! Problem folders on disk: file names that are paths are refused, and neither import nor
//! export follows a symbolic link.

use std::path::Path;
use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{BINARY, Server, assert_error};

/// Runs a `coderoom` command; `bind` selects a running server, or none (`127.0.0.1:1`).
fn coderoom(data_dir: &Path, bind: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new(BINARY)
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--bind", bind])
        .env("CODEROOM_LOG_LEVEL", "error")
        .output()
        .expect("run coderoom");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[tokio::test]
async fn solution_names_that_are_paths_are_refused_and_never_leave_the_export_folder() {
    let server = Server::start();
    let (admin, _) = server.admin("Ada").await;
    let (status, body) = admin.get_json("/api/admin/problems/two-sum").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut problem: Value = body["problem"].clone();
    problem["slug"] = json!("escape-test");
    for bad in ["../../../escape.py", "/tmp/escape.py", "sub/escape.py", "..\\escape.py", ".."] {
        let mut attempt = problem.clone();
        attempt["solutions"][bad] = json!("def twoSum(nums, target):\n    return []\n");
        let answer = admin.post_json("/api/admin/problems", attempt).await;
        assert_error(answer, StatusCode::BAD_REQUEST, "plain file name");
    }
    let mut rejected = problem.clone();
    rejected["rejected"]["../wrong_answer-x.py"] = json!("def twoSum(nums, target):\n    return []\n");
    assert_error(admin.post_json("/api/admin/problems", rejected).await, StatusCode::BAD_REQUEST, "plain file name");

    // Nothing the export writes lands outside its folder.
    let temp = tempfile::tempdir().expect("tempdir");
    let export = temp.path().join("deep").join("export");
    let port = server.url.rsplit(':').next().expect("port");
    let (ok, out) =
        coderoom(&server.data_dir, &format!("127.0.0.1:{port}"), &["problems", "export", path_str(&export)]);
    assert!(ok, "{out}");
    assert!(!out.contains("escape-test"), "{out}");
    assert!(!temp.path().join("escape.py").exists() && !temp.path().join("deep").join("escape.py").exists());
}

#[test]
fn import_refuses_symbolic_links_and_export_does_not_write_through_them() {
    let temp = tempfile::tempdir().expect("tempdir");
    let data = temp.path().join("data");
    let out = temp.path().join("out");
    let (ok, text) = coderoom(&data, "127.0.0.1:1", &["problems", "export", path_str(&out), "two-sum"]);
    assert!(ok, "{text}");
    let folder = out.join("two-sum");
    let solution = folder.join("solutions").join("solution.py");
    assert!(solution.is_file(), "{text}");

    // A solution that is a link to a file elsewhere is refused, not read.
    let secret = temp.path().join("secret.py");
    std::fs::write(&secret, "def twoSum(nums, target):\n    return [0, 1]  # not for import\n").expect("write");
    std::fs::remove_file(&solution).expect("remove");
    std::os::unix::fs::symlink(&secret, &solution).expect("symlink");
    let (ok, text) = coderoom(&data, "127.0.0.1:1", &["problems", "import", path_str(&folder)]);
    assert!(!ok && text.contains("symbolic link"), "{text}");
    let (ok, text) = coderoom(&data, "127.0.0.1:1", &["problems", "show", "two-sum", "--json"]);
    assert!(ok && !text.contains("not for import"), "{text}");

    // A linked folder inside a folder of problems is refused too.
    let library = temp.path().join("library");
    std::fs::create_dir_all(&library).expect("mkdir");
    std::os::unix::fs::symlink(&folder, library.join("linked")).expect("symlink");
    let (ok, text) = coderoom(&data, "127.0.0.1:1", &["problems", "import", path_str(&library)]);
    assert!(!ok && text.contains("symbolic link"), "{text}");

    // Exporting again over the planted link leaves the link's target untouched.
    let (ok, text) = coderoom(&data, "127.0.0.1:1", &["problems", "export", path_str(&out), "two-sum"]);
    assert!(!ok && text.contains("symbolic links are not followed"), "{text}");
    let kept = std::fs::read_to_string(&secret).expect("read");
    assert!(kept.contains("not for import"), "the export wrote through the link: {kept}");
}
