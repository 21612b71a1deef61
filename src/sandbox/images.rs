//! Building runtime images without any registry: a Debian root file system (`debootstrap
//! --variant=minbase`, once per suite) from the apt mirror this machine is configured with, the
//! image's packages installed into a copy of it by apt inside a chroot (with the suite's security
//! and point-release updates, and backports where asked), bundled toolchains unpacked, the
//! image's setup script run, then a streamed `tar` imported by the Docker engine.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use bollard::Docker;
use bollard::query_parameters::CreateImageOptions;
use bytes::Bytes;
use futures::StreamExt;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

use super::bundles;
use super::runtimes::ImageSpec;
use crate::cli::say;

/// The image label holding [`ImageSpec::recipe_hash`] of the recipe it was built from.
pub const RECIPE_LABEL: &str = "org.coderoom.recipe";

/// Debian's release code names, to recognise the host's Debian archive among its apt sources.
const DEBIAN_SUITES: &[&str] = &["bullseye", "bookworm", "trixie", "forky", "duke", "sid"];

/// Every image runs the sandbox agent, a Python program.
const AGENT_PACKAGES: &[&str] = &["python3"];

const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Where the Debian archive and its security archive are, read from this machine's apt
/// configuration (`CODEROOM_APT_MIRROR` and `CODEROOM_APT_SECURITY_MIRROR` override them).
#[derive(Debug, Clone)]
pub struct Mirrors {
    pub archive: String,
    pub security: Option<String>,
    /// The host's apt settings an image build needs to reach the same mirrors (e.g. a snapshot
    /// mirror whose release files are past their validity, a proxy), read once per build.
    pub host_settings: String,
}

impl Mirrors {
    pub fn configured() -> anyhow::Result<Self> {
        let sources = apt_sources();
        let from_env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        let archive = from_env("CODEROOM_APT_MIRROR")
            .or_else(|| sources.iter().find(|(_, suite)| DEBIAN_SUITES.contains(&suite.as_str())).map(|(uri, _)| uri.clone()))
            .context("no Debian archive among the apt sources in /etc/apt/sources.list*; set CODEROOM_APT_MIRROR to a Debian mirror URL")?;
        let security = from_env("CODEROOM_APT_SECURITY_MIRROR").or_else(|| {
            sources
                .iter()
                .find(|(_, suite)| {
                    suite.strip_suffix("-security").is_some_and(|release| DEBIAN_SUITES.contains(&release))
                })
                .map(|(uri, _)| uri.clone())
        });
        Ok(Self { archive, security, host_settings: host_apt_settings() })
    }

    /// The image's `sources.list`: the suite, its updates, its security archive (when this
    /// machine knows one) and, when asked, its backports.
    fn sources_list(&self, suite: &str, backports: bool) -> String {
        let mut list = format!("deb {0} {suite} main\ndeb {0} {suite}-updates main\n", self.archive);
        if let Some(security) = &self.security {
            list.push_str(&format!("deb {security} {suite}-security main\n"));
        }
        if backports {
            list.push_str(&format!("deb {} {suite}-backports main\n", self.archive));
        }
        list
    }
}

/// Every (URI, suite) of the configured binary apt sources: deb822 `.sources` files first,
/// then the classic `sources.list` format.
fn apt_sources() -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("/etc/apt/sources.list.d")
        .map(|dir| dir.filter_map(|entry| entry.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    let mut sources = Vec::new();
    for path in files.iter().filter(|path| path.extension().is_some_and(|ext| ext == "sources")) {
        sources.extend(sources_from_deb822(&std::fs::read_to_string(path).unwrap_or_default()));
    }
    let lists = std::iter::once(PathBuf::from("/etc/apt/sources.list"))
        .chain(files.iter().filter(|path| path.extension().is_some_and(|ext| ext == "list")).cloned());
    for path in lists {
        sources.extend(sources_from_list(&std::fs::read_to_string(path).unwrap_or_default()));
    }
    sources
}

fn sources_from_deb822(text: &str) -> Vec<(String, String)> {
    let mut sources = Vec::new();
    for stanza in text.split("\n\n") {
        let field = |name: &str| {
            stanza.lines().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                (key.trim().eq_ignore_ascii_case(name)).then(|| value.trim().to_string())
            })
        };
        if !field("Types").is_some_and(|types| types.split_whitespace().any(|t| t == "deb")) {
            continue;
        }
        let (Some(uris), Some(suites)) = (field("URIs"), field("Suites")) else { continue };
        if let Some(uri) = uris.split_whitespace().next() {
            sources.extend(suites.split_whitespace().map(|suite| (uri.to_string(), suite.to_string())));
        }
    }
    sources
}

fn sources_from_list(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace().peekable();
            if words.next()? != "deb" {
                return None;
            }
            if words.peek().is_some_and(|w| w.starts_with('[')) {
                // Skip "[option=value ...]", which may span several words.
                for word in words.by_ref() {
                    if word.ends_with(']') {
                        break;
                    }
                }
            }
            Some((words.next()?.to_string(), words.next()?.to_string()))
        })
        .collect()
}

/// A build's scratch folder, removed however the build ends (after unmounting what a
/// chroot step left mounted, so that the removal never reaches outside it).
pub struct Workspace(PathBuf);

impl Workspace {
    pub fn new() -> anyhow::Result<Self> {
        let path = PathBuf::from(format!("/var/tmp/coderoom-images-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).with_context(|| format!("cannot create {}", path.display()))?;
        Ok(Self(path))
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        if let Ok(roots) = std::fs::read_dir(&self.0) {
            for root in roots.flatten() {
                let _ = std::process::Command::new("umount").arg("-l").arg(root.path().join("proc")).output();
            }
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `/proc` mounted in a root file system for the duration of the chroot steps (package
/// scripts and toolchains read it).
struct ProcMount(PathBuf);

impl ProcMount {
    async fn new(root: &Path) -> anyhow::Result<Self> {
        let target = root.join("proc");
        run("mount", Command::new("mount").args(["-t", "proc", "proc"]).arg(&target)).await?;
        Ok(Self(target))
    }
}

impl Drop for ProcMount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.0).output();
    }
}

fn spinner(multi: &MultiProgress, prefix: String) -> ProgressBar {
    let bar = multi.add(ProgressBar::new_spinner());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {prefix:.bold} [{elapsed_precise}] {pos:>5} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_prefix(prefix);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

async fn run(what: &str, command: &mut Command) -> anyhow::Result<()> {
    let output = command.output().await.with_context(|| format!("cannot run {what}"))?;
    if !output.status.success() {
        bail!(
            "{what} failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// Runs a command, showing its output lines on `bar`; on failure, the error carries the last
/// lines it printed.
async fn run_streamed(what: &str, mut command: Command, bar: &ProgressBar) -> anyhow::Result<()> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot run {what}"))?;
    let stdout = child.stdout.take().context("stdout")?;
    let stderr = child.stderr.take().context("stderr")?;
    let errors = tokio::spawn(async move {
        let mut text = String::new();
        let _ = BufReader::new(stderr).read_to_string(&mut text).await;
        text
    });
    let mut lines = BufReader::new(stdout).lines();
    let mut tail: std::collections::VecDeque<String> = std::collections::VecDeque::new();
    while let Some(line) = lines.next_line().await? {
        bar.inc(1);
        bar.set_message(line.trim_start_matches("I: ").chars().take(100).collect::<String>());
        if tail.len() == 15 {
            tail.pop_front();
        }
        tail.push_back(line);
    }
    let status = child.wait().await?;
    let errors = errors.await.unwrap_or_default();
    if !status.success() {
        bar.abandon_with_message("failed");
        bail!("{what} failed ({status}): {}\n{}", errors.trim(), Vec::from(tail).join("\n"));
    }
    Ok(())
}

/// Builds the minimal root file system of `suite` (shared by every image of that suite).
pub async fn bootstrap(
    workspace: &Workspace,
    suite: &str,
    mirrors: &Mirrors,
    multi: &MultiProgress,
) -> anyhow::Result<PathBuf> {
    ensure_debootstrap().await?;
    let root = workspace.0.join(format!("base-{suite}"));
    say!("debootstrap {suite} from the configured apt mirror");
    let bar = spinner(multi, format!("{suite} debootstrap"));
    let mut command = Command::new("debootstrap");
    command
        .arg("--variant=minbase")
        .arg(format!("--include={}", AGENT_PACKAGES.join(",")))
        .arg(suite)
        .arg(&root)
        .arg(&mirrors.archive);
    if let Err(err) = run_streamed("debootstrap", command, &bar).await {
        let log = std::fs::read_to_string(root.join("debootstrap/debootstrap.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect();
        bail!("{err:#}\n{}", tail.join("\n"));
    }
    bar.finish_with_message("base root file system ready");
    say!("{suite}: base root file system ready after {:.0?}", bar.elapsed());
    Ok(root)
}

/// A Docker engine an image is imported into.
pub struct Target {
    pub name: String,
    pub docker: Docker,
}

/// Builds one image from a copy of its suite's base root file system and imports it into each
/// target engine under `spec.name`.
pub async fn build(
    targets: &[Target],
    spec: &ImageSpec,
    base: &Path,
    workspace: &Workspace,
    mirrors: &Mirrors,
    multi: &MultiProgress,
) -> anyhow::Result<()> {
    let slug: String = spec.name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let root = workspace.0.join(format!("root-{slug}"));
    run("cp", Command::new("cp").arg("-a").arg(base).arg(&root)).await?;
    let bar = spinner(multi, spec.name.clone());
    {
        let _proc = ProcMount::new(&root).await?;
        prepare_apt(&root, &spec.suite, mirrors, !spec.backports.is_empty())?;
        let apt = "apt-get -q -y -o Dpkg::Options::=--force-unsafe-io -o APT::Install-Recommends=false";
        let mut script = format!(
            "export DEBIAN_FRONTEND=noninteractive\n{apt} update\n{apt} upgrade\n{apt} install {}\n",
            spec.packages.join(" ")
        );
        if !spec.backports.is_empty() {
            script.push_str(&format!("{apt} install -t {}-backports {}\n", spec.suite, spec.backports.join(" ")));
        }
        script.push_str("apt-get clean\n");
        say!(
            "{}: installing {} packages{}",
            spec.name,
            spec.packages.len(),
            if spec.backports.is_empty() {
                String::new()
            } else {
                format!(" and {} from backports", spec.backports.len())
            }
        );
        run_streamed("apt-get", chroot(&root, &script), &bar)
            .await
            .with_context(|| format!("installing the packages of {}", spec.name))?;
        for bundle in &spec.bundles {
            unpack_bundle(&root, bundle).await?;
        }
        if let Some(setup) = &spec.setup {
            say!("{}: running the image's setup script", spec.name);
            bar.set_message("setup script");
            run_streamed("the setup script", chroot(&root, setup), &bar).await?;
        }
    }
    // Build-time files, package archives and lists are not needed at run time.
    for leftover in ["etc/resolv.conf", "etc/apt/apt.conf.d/00coderoom-build", "usr/sbin/policy-rc.d"] {
        let _ = std::fs::remove_file(root.join(leftover));
    }
    for leftover in ["var/cache/apt/archives", "var/lib/apt/lists"] {
        clear_dir(&root.join(leftover));
    }
    bar.finish_with_message("root file system ready; importing");
    for target in targets {
        import(target, &root, spec, multi).await?;
    }
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}

fn chroot(root: &Path, script: &str) -> Command {
    let mut command = Command::new("chroot");
    command
        .arg(root)
        .args(["/bin/sh", "-ec", script])
        .env_clear()
        .env("PATH", PATH)
        .env("HOME", "/root")
        .env("LANG", "C.UTF-8");
    command
}

/// The lines of the host's `apt-config dump` that concern reaching its mirrors: validity and
/// date checks and proxies, nothing else.
fn host_apt_settings() -> String {
    let host = std::process::Command::new("apt-config").arg("dump").output().map(|out| out.stdout).unwrap_or_default();
    String::from_utf8_lossy(&host)
        .lines()
        .filter(|line| {
            ["Acquire::Check-Valid-Until ", "Acquire::Check-Date ", "Acquire::http::Proxy ", "Acquire::https::Proxy "]
                .iter()
                .any(|key| line.starts_with(key))
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

/// Sources, name resolution and the host's apt settings for reaching its mirror, and no
/// service starts.
fn prepare_apt(root: &Path, suite: &str, mirrors: &Mirrors, backports: bool) -> anyhow::Result<()> {
    std::fs::write(root.join("etc/apt/sources.list"), mirrors.sources_list(suite, backports))?;
    let _ = std::fs::copy("/etc/resolv.conf", root.join("etc/resolv.conf"));
    std::fs::write(root.join("etc/apt/apt.conf.d/00coderoom-build"), &mirrors.host_settings)?;
    let policy = root.join("usr/sbin/policy-rc.d");
    std::fs::write(&policy, "#!/bin/sh\nexit 101\n")?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&policy, std::fs::Permissions::from_mode(0o755))?;
    Ok(())
}

async fn unpack_bundle(root: &Path, name: &str) -> anyhow::Result<()> {
    let (archive, commands) = bundles::contents(name)?;
    let target = root.join("usr/local/lib").join(name);
    std::fs::create_dir_all(&target)?;
    let mut tar = Command::new("tar")
        .arg("-xzf")
        .arg("-")
        .arg("-C")
        .arg(&target)
        .stdin(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("cannot run tar")?;
    let mut stdin = tar.stdin.take().context("tar stdin")?;
    stdin.write_all(archive).await?;
    drop(stdin);
    let status = tar.wait().await?;
    if !status.success() {
        bail!("unpacking the bundled {name} failed ({status})");
    }
    for command in commands {
        let link = root.join("usr/local/bin").join(command);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(format!("/usr/local/lib/{name}/{command}"), &link)?;
    }
    Ok(())
}

fn clear_dir(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

async fn ensure_debootstrap() -> anyhow::Result<()> {
    let found = Command::new("sh").arg("-c").arg("command -v debootstrap").stdout(Stdio::null()).status().await?;
    if found.success() {
        return Ok(());
    }
    let installed = Command::new("apt-get").args(["install", "-y", "debootstrap"]).status().await?;
    if !installed.success() {
        bail!("debootstrap is missing and `apt-get install -y debootstrap` failed");
    }
    Ok(())
}

/// Streams `tar -c` of the root file system into the engine's image import.
async fn import(target: &Target, root: &Path, spec: &ImageSpec, multi: &MultiProgress) -> anyhow::Result<()> {
    let name = spec.name.as_str();
    let (repo, tag) = match name.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo.to_string(), tag.to_string()),
        _ => (name.to_string(), "latest".to_string()),
    };
    let bar = spinner(multi, format!("{name} import into {}", target.name));
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {prefix:.bold} [{elapsed_precise}] {bytes} {binary_bytes_per_sec} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    let mut tar = Command::new("tar")
        .arg("-C")
        .arg(root)
        .args(["--numeric-owner", "-c", "."])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("cannot run tar")?;
    let stdout = tar.stdout.take().context("tar stdout")?;
    let counter = bar.clone();
    let body = futures::stream::unfold(stdout, move |mut stdout| {
        let counter = counter.clone();
        async move {
            let mut buffer = vec![0u8; 1 << 20];
            match stdout.read(&mut buffer).await {
                Ok(0) => None,
                Ok(n) => {
                    buffer.truncate(n);
                    counter.inc(n as u64);
                    Some((Ok(Bytes::from(buffer)), stdout))
                }
                Err(err) => Some((Err(err), stdout)),
            }
        }
    });
    let options = CreateImageOptions {
        from_src: Some("-".into()),
        repo: Some(repo),
        tag: Some(tag),
        changes: vec![
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
            "LABEL org.coderoom.runtime=1".into(),
            format!("LABEL {RECIPE_LABEL}={}", spec.recipe_hash()),
        ],
        ..Default::default()
    };
    let mut progress = target.docker.create_image(Some(options), Some(bollard::body_try_stream(body)), None);
    while let Some(step) = progress.next().await {
        let step = step.with_context(|| format!("Docker engine {} refused the image", target.name))?;
        if let Some(status) = step.status {
            bar.set_message(status);
        }
    }
    let status = tar.wait().await?;
    if !status.success() {
        bail!("tar of the root file system failed ({status})");
    }
    bar.finish_with_message("imported");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_of_both_formats() {
        let deb822 = "Types: deb\nURIs: http://mirror.invalid/x\nSuites: nodistro\n\nTypes: deb\nURIs: http://mirror.invalid/debian\nSuites: bookworm bookworm-updates\nComponents: main\n";
        let sources = sources_from_deb822(deb822);
        assert!(sources.contains(&("http://mirror.invalid/debian".into(), "bookworm-updates".into())));
        assert_eq!(sources.first(), Some(&("http://mirror.invalid/x".into(), "nodistro".into())));
        let list = "# c\ndeb [arch=amd64 signed-by=/k] http://mirror.invalid/d bookworm main\n";
        assert_eq!(sources_from_list(list), vec![("http://mirror.invalid/d".into(), "bookworm".into())]);
    }

    #[test]
    fn an_image_of_another_release_uses_the_same_archive() {
        let mirrors = Mirrors {
            archive: "http://mirror.invalid/debian".into(),
            security: Some("http://mirror.invalid/debian-security".into()),
            host_settings: String::new(),
        };
        let list = mirrors.sources_list("trixie", true);
        for line in [
            "deb http://mirror.invalid/debian trixie main",
            "deb http://mirror.invalid/debian trixie-updates main",
            "deb http://mirror.invalid/debian-security trixie-security main",
            "deb http://mirror.invalid/debian trixie-backports main",
        ] {
            assert!(list.lines().any(|l| l == line), "{line} in {list}");
        }
        assert!(!mirrors.sources_list("trixie", false).contains("backports"));
    }
}
