//! Builds the web app (web/ → web/dist) so that `cargo build` alone yields a binary with
//! the interface inside. Needs Node.js ≥ 20 and npm. Set CODEROOM_SKIP_WEB_BUILD=1 to
//! embed whatever web/dist already holds (for example one built in an earlier stage).

use std::path::Path;
use std::process::Command;

fn main() {
    for path in
        ["web/src", "web/index.html", "web/package.json", "web/package-lock.json", "web/vite.config.ts", "web/public"]
    {
        println!("cargo:rerun-if-changed={path}");
    }
    println!("cargo:rerun-if-env-changed=CODEROOM_SKIP_WEB_BUILD");

    let web = Path::new("web");
    let dist = web.join("dist");
    if std::env::var_os("CODEROOM_SKIP_WEB_BUILD").is_some() || !web.join("package.json").exists() {
        ensure_placeholder(&dist);
        return;
    }
    if !web.join("node_modules").exists() {
        let install = if web.join("package-lock.json").exists() { "ci" } else { "install" };
        run(Command::new("npm").args([install, "--no-audit", "--no-fund"]).current_dir(web), "npm install");
    }
    run(Command::new("npm").args(["run", "build"]).current_dir(web), "npm run build");
}

fn run(command: &mut Command, what: &str) {
    match command.status() {
        Ok(status) if status.success() => {}
        Ok(status) => panic!("{what} failed with {status}; the web app needs Node.js 20+ and npm (see README)"),
        Err(err) => panic!("cannot run {what}: {err}; install Node.js 20+ and npm, or set CODEROOM_SKIP_WEB_BUILD=1"),
    }
}

/// rust-embed needs the folder to exist; without a web build, serve a page that says so.
fn ensure_placeholder(dist: &Path) {
    if dist.join("index.html").exists() {
        return;
    }
    std::fs::create_dir_all(dist).expect("create web/dist");
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>coderoom</title><p>This coderoom binary was built without its web app.</p>",
    )
    .expect("write placeholder index.html");
}
