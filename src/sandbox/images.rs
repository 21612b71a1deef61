//! Building runtime images without any registry: `debootstrap --variant=minbase` from the apt
//! mirror this machine is configured with, then a streamed `tar` imported by the Docker engine.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use bollard::Docker;
use bollard::query_parameters::CreateImageOptions;
use bytes::Bytes;
use futures::StreamExt;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;

use super::runtimes::ImageSpec;
use crate::cli::say;

/// The image label holding [`ImageSpec::recipe_hash`] of the recipe it was built from.
pub const RECIPE_LABEL: &str = "org.coderoom.recipe";

/// The first mirror URI of the configured apt sources serving `suite` (deb822 `.sources`
/// files first, then the classic `sources.list` format). `CODEROOM_APT_MIRROR` overrides it.
pub fn apt_mirror(suite: &str) -> anyhow::Result<String> {
    if let Ok(mirror) = std::env::var("CODEROOM_APT_MIRROR")
        && !mirror.is_empty()
    {
        return Ok(mirror);
    }
    let mut deb822: Vec<PathBuf> = std::fs::read_dir("/etc/apt/sources.list.d")
        .map(|dir| dir.filter_map(|entry| entry.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    deb822.retain(|path| path.extension().is_some_and(|ext| ext == "sources"));
    deb822.sort();
    for path in &deb822 {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if let Some(uri) = mirror_from_deb822(&text, suite) {
            return Ok(uri);
        }
    }
    let mut lists = vec![PathBuf::from("/etc/apt/sources.list")];
    if let Ok(dir) = std::fs::read_dir("/etc/apt/sources.list.d") {
        lists.extend(
            dir.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|ext| ext == "list")),
        );
    }
    for path in &lists {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if let Some(uri) = mirror_from_list(&text, suite) {
            return Ok(uri);
        }
    }
    bail!("no apt source for Debian {suite} in /etc/apt/sources.list*; set CODEROOM_APT_MIRROR to a Debian mirror URL")
}

fn mirror_from_deb822(text: &str, suite: &str) -> Option<String> {
    for stanza in text.split("\n\n") {
        let field = |name: &str| {
            stanza.lines().find_map(|line| {
                let (key, value) = line.split_once(':')?;
                (key.trim().eq_ignore_ascii_case(name)).then(|| value.trim().to_string())
            })
        };
        let is_deb = field("Types").is_some_and(|types| types.split_whitespace().any(|t| t == "deb"));
        let has_suite = field("Suites").is_some_and(|suites| suites.split_whitespace().any(|s| s == suite));
        if is_deb
            && has_suite
            && let Some(uri) = field("URIs").and_then(|uris| uris.split_whitespace().next().map(str::to_string))
        {
            return Some(uri);
        }
    }
    None
}

fn mirror_from_list(text: &str, suite: &str) -> Option<String> {
    text.lines().find_map(|line| {
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
        let uri = words.next()?;
        (words.next()? == suite).then(|| uri.to_string())
    })
}

/// Removes the temporary root file system however the build ends.
struct TempRoot(PathBuf);

impl Drop for TempRoot {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
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

/// Builds one image and imports it into the engine under `spec.name`.
pub async fn build(docker: &Docker, spec: &ImageSpec, multi: &MultiProgress) -> anyhow::Result<()> {
    let mirror = apt_mirror(&spec.suite)?;
    ensure_debootstrap().await?;
    let temp = TempRoot(PathBuf::from(format!("/var/tmp/coderoom-rootfs-{}-{}", std::process::id(), spec.suite)));
    let _ = std::fs::remove_dir_all(&temp.0);
    let root = temp.0.join("rootfs");

    // Plain lines as well as the bars: CI logs are not terminals, where indicatif draws nothing.
    say!("{}: debootstrap {} ({} packages) from the configured apt mirror", spec.name, spec.suite, spec.packages.len());
    let bar = spinner(multi, format!("{} debootstrap", spec.name));
    let mut child = Command::new("debootstrap")
        .arg("--variant=minbase")
        .arg(format!("--include={}", spec.packages.join(",")))
        .arg(&spec.suite)
        .arg(&root)
        .arg(&mirror)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("cannot run debootstrap (it needs root)")?;
    let stdout = child.stdout.take().context("debootstrap stdout")?;
    let stderr = child.stderr.take().context("debootstrap stderr")?;
    let errors = tokio::spawn(async move {
        let mut text = String::new();
        let _ = BufReader::new(stderr).read_to_string(&mut text).await;
        text
    });
    let mut lines = BufReader::new(stdout).lines();
    while let Some(line) = lines.next_line().await? {
        bar.inc(1);
        bar.set_message(line.trim_start_matches("I: ").to_string());
    }
    let status = child.wait().await?;
    let errors = errors.await.unwrap_or_default();
    if !status.success() {
        bar.abandon_with_message("failed");
        let log = std::fs::read_to_string(root.join("debootstrap/debootstrap.log")).unwrap_or_default();
        let tail: Vec<&str> = log.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect();
        bail!("debootstrap failed ({status}): {}\n{}", errors.trim(), tail.join("\n"));
    }
    bar.finish_with_message("root file system ready");
    say!("{}: root file system ready after {:.0?}; importing", spec.name, bar.elapsed());
    if let Some(script) = &spec.setup {
        say!("{}: running the image's setup script", spec.name);
        let output = Command::new("chroot")
            .arg(&root)
            .args(["/bin/sh", "-ec", script])
            .env_clear()
            .env("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
            .env("HOME", "/root")
            .output()
            .await
            .context("cannot run chroot")?;
        if !output.status.success() {
            bail!(
                "the setup script failed ({}): {}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    // Package archives and lists are not needed at run time.
    for leftover in ["var/cache/apt/archives", "var/lib/apt/lists"] {
        clear_dir(&root.join(leftover));
    }

    import(docker, &root, spec, multi).await
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
async fn import(docker: &Docker, root: &Path, spec: &ImageSpec, multi: &MultiProgress) -> anyhow::Result<()> {
    let name = spec.name.as_str();
    let (repo, tag) = match name.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo.to_string(), tag.to_string()),
        _ => (name.to_string(), "latest".to_string()),
    };
    let bar = spinner(multi, format!("{name} import"));
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
    let mut progress = docker.create_image(Some(options), Some(bollard::body_try_stream(body)), None);
    while let Some(step) = progress.next().await {
        let step = step.context("the Docker engine refused the image")?;
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
    fn mirrors_from_sources() {
        let deb822 = "Types: deb\nURIs: http://mirror.invalid/x\nSuites: nodistro\n\nTypes: deb\nURIs: http://mirror.invalid/debian\nSuites: bookworm bookworm-updates\nComponents: main\n";
        assert_eq!(mirror_from_deb822(deb822, "bookworm").as_deref(), Some("http://mirror.invalid/debian"));
        let list = "# c\ndeb [arch=amd64 signed-by=/k] http://mirror.invalid/d bookworm main\n";
        assert_eq!(mirror_from_list(list, "bookworm").as_deref(), Some("http://mirror.invalid/d"));
    }
}
