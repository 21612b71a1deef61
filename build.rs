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
    } else {
        if !web.join("node_modules").exists() {
            let install = if web.join("package-lock.json").exists() { "ci" } else { "install" };
            run(Command::new("npm").args([install, "--no-audit", "--no-fund"]).current_dir(web), "npm install");
        }
        run(Command::new("npm").args(["run", "build"]).current_dir(web), "npm run build");
    }
    bundle_typescript(web);
    bundle_node(web);
}

/// npm's name for the target architecture, as in the per-platform packages' names.
fn npm_arch() -> &'static str {
    match std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default().as_str() {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        other => other.to_string().leak(),
    }
}

/// Packs TypeScript's native compiler for the target platform (an npm dependency of the web
/// app): the compiler, its licence, and the ECMAScript library declarations (not the DOM's:
/// programs here run under Node.js).
fn bundle_typescript(web: &Path) {
    let package = web.join(format!("node_modules/@typescript/typescript-linux-{}", npm_arch()));
    pack_bundle("typescript", &package, "s,^lib/,,", |package| {
        let mut members: Vec<String> = std::fs::read_dir(package.join("lib"))
            .expect("read the TypeScript package")
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .filter(|name| {
                name == "tsc"
                    || (name.starts_with("lib.")
                        && name.ends_with(".d.ts")
                        && !name.contains("dom")
                        && !name.contains("webworker"))
            })
            .map(|name| format!("lib/{name}"))
            .collect();
        members.sort();
        members.extend(["LICENSE".to_string(), "NOTICE.txt".to_string()]);
        members
    });
}

/// Packs Node.js's official build for the target platform (an optional npm dependency of the
/// web app): one executable, statically linked against its OpenSSL and ICU and carrying its
/// start-up snapshot, which starts in well under half the time of Debian's shared build.
fn bundle_node(web: &Path) {
    let package = web.join(format!("node_modules/node-linux-{}", npm_arch()));
    pack_bundle("node", &package, "s,^bin/,,", |_| vec!["bin/node".to_string(), "LICENSE".to_string()]);
}

/// Packs `members(package)` of an installed npm package, renamed by the tar `transform`, into
/// `$OUT_DIR/bundles/NAME.tar.gz` with the package's version beside it, for
/// `src/sandbox/bundles.rs`. Without the package (no node_modules), an empty archive and
/// version: `runtimes build` then says how to get it.
fn pack_bundle(name: &str, package: &Path, transform: &str, members: impl FnOnce(&Path) -> Vec<String>) {
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("bundles");
    std::fs::create_dir_all(&out).expect("create the bundles folder");
    println!("cargo:rerun-if-changed={}", package.join("package.json").display());
    let archive = out.join(format!("{name}.tar.gz"));
    let version_file = out.join(format!("{name}.version"));
    let version = std::fs::read_to_string(package.join("package.json")).ok().and_then(|text| {
        // The manifest's top-level "version" (no JSON parser among build dependencies).
        let rest = &text[text.find("\"version\"")? + "\"version\"".len()..];
        let value = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
        Some(value[..value.find('"')?].to_string())
    });
    let Some(version) = version else {
        std::fs::write(&archive, b"").expect("write the empty archive");
        std::fs::write(&version_file, "").expect("write the version");
        return;
    };
    let status = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(package)
        .args(["--owner=0", "--group=0", &format!("--transform={transform}")])
        .args(members(package))
        .status()
        .expect("run tar");
    assert!(status.success(), "packing {name} failed: {status}");
    std::fs::write(&version_file, version).expect("write the version");
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
