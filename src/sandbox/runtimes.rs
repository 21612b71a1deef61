//! The runtime registry: which languages exist, in which image, and how to compile and run them.
//! Loaded from `config/runtimes/` (embedded: one TOML file per image group, and `tests/` with a
//! test program per runtime) or from the file or folder named by `sandbox.runtimes_file`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use rust_embed::RustEmbed;
use serde::Deserialize;

/// The registry shipped inside the binary.
#[derive(RustEmbed)]
#[folder = "config/runtimes"]
struct Embedded;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    #[serde(default)]
    image: Vec<ImageSpec>,
    #[serde(default)]
    runtime: Vec<RuntimeSpec>,
}

/// How to build one runtime image from Debian packages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSpec {
    pub name: String,
    #[serde(default = "default_suite")]
    pub suite: String,
    /// Installed from the suite (with its security updates and point-release updates).
    pub packages: Vec<String>,
    /// Installed from `<suite>-backports`, where the stable release's version is too old.
    #[serde(default)]
    pub backports: Vec<String>,
    /// Toolchains carried inside the coderoom binary (see [`super::bundles`]), unpacked into
    /// `/usr/local/lib/<name>` with their commands linked into `/usr/local/bin`.
    #[serde(default)]
    pub bundles: Vec<String>,
    /// A shell script run inside the root file system once everything is installed
    /// (e.g. to precompile headers or a standard library).
    #[serde(default)]
    pub setup: Option<String>,
    /// Built by a plain `coderoom runtimes build` and kept warm at full strength; the other
    /// images are built on request (`--only`, `--all`).
    #[serde(default)]
    pub default: bool,
}

/// Bumped when the way images are assembled changes, so that every image is rebuilt.
const ASSEMBLY_VERSION: &str = "2";

impl ImageSpec {
    /// Identifies the recipe; stored on the built image so that `coderoom runtimes build`
    /// skips an image that is current and `runtimes check` notices one built from an older one.
    pub fn recipe_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        let bundles: Vec<String> = self
            .bundles
            .iter()
            .map(|name| format!("{name}@{}", super::bundles::version(name).unwrap_or("missing")))
            .collect();
        for part in [
            ASSEMBLY_VERSION,
            &self.suite,
            &self.packages.join(" "),
            &self.backports.join(" "),
            &bundles.join(" "),
            self.setup.as_deref().unwrap_or_default(),
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hex::encode(&hasher.finalize()[..8])
    }
}

fn default_suite() -> String {
    "trixie".into()
}

/// Per-runtime limits; each can only lower the `[sandbox]` maximum.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeLimits {
    pub compile_timeout: Option<u64>,
    pub run_timeout: Option<u64>,
    pub compile_cpu_time: Option<u64>,
    pub run_cpu_time: Option<u64>,
    pub compile_memory_limit: Option<u64>,
    pub run_memory_limit: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeSpec {
    pub language: String,
    pub version: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The toolchain name Piston reports when one toolchain provides several languages.
    pub runtime: Option<String>,
    pub image: String,
    /// `"<language> <version>"` of a runtime defined before this one whose file name, compile
    /// and run scripts and environment this one takes where it gives none (another version of
    /// the same toolchain in another image).
    #[serde(default)]
    pub like: Option<String>,
    /// Conventional main file name (test programs, examples).
    #[serde(default)]
    pub file: String,
    pub compile: Option<String>,
    #[serde(default)]
    pub run: String,
    #[serde(default)]
    pub env: HashMap<String, String>,
    #[serde(default)]
    pub limits: RuntimeLimits,
    /// The test program's file in the registry's `tests/` folder; it prints `OK`.
    pub test: String,
}

impl RuntimeSpec {
    fn inherit(&mut self, model: &RuntimeSpec) {
        if self.file.is_empty() {
            self.file = model.file.clone();
        }
        if self.run.is_empty() {
            self.run = model.run.clone();
            self.compile = self.compile.take().or_else(|| model.compile.clone());
        }
        for (key, value) in &model.env {
            self.env.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
}

pub type Runtime = Arc<RuntimeSpec>;

#[derive(Debug, Clone)]
pub struct Registry {
    pub images: Vec<ImageSpec>,
    pub runtimes: Vec<Runtime>,
    tests: TestSource,
}

/// Where the registry's test programs are.
#[derive(Debug, Clone)]
enum TestSource {
    Embedded,
    Folder(PathBuf),
}

impl Registry {
    /// The embedded registry, or the replacement (a TOML file, or a folder like
    /// `config/runtimes/`) when one is configured.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let Some(path) = path else {
            let mut files: Vec<(String, String)> = Vec::new();
            for name in Embedded::iter().filter(|name| !name.contains('/') && name.ends_with(".toml")) {
                let file = Embedded::get(&name).context("embedded registry file")?;
                files.push((name.to_string(), String::from_utf8_lossy(&file.data).into_owned()));
            }
            return Self::parse_files(files, TestSource::Embedded).context("invalid embedded runtime registry");
        };
        let (files, tests) = if path.is_dir() {
            let mut names: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("cannot read {}", path.display()))?
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|file| file.extension().is_some_and(|ext| ext == "toml"))
                .collect();
            names.sort();
            (names, path.join("tests"))
        } else {
            (vec![path.to_path_buf()], path.parent().unwrap_or(Path::new(".")).join("tests"))
        };
        let mut texts = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            texts.push((file.display().to_string(), text));
        }
        Self::parse_files(texts, TestSource::Folder(tests))
            .with_context(|| format!("invalid runtime registry {}", path.display()))
    }

    /// One registry from several files (name, text), in the given order.
    fn parse_files(files: Vec<(String, String)>, tests: TestSource) -> anyhow::Result<Self> {
        let mut registry = Self { images: Vec::new(), runtimes: Vec::new(), tests };
        for (name, text) in files {
            let file: RegistryFile = toml::from_str(&text).with_context(|| name.clone())?;
            for runtime in &file.runtime {
                if Version::parse(&runtime.version).is_none() {
                    bail!("{name}: runtime {} has an invalid version {:?}", runtime.language, runtime.version);
                }
            }
            registry.images.extend(file.image);
            for mut runtime in file.runtime {
                if let Some(like) = runtime.like.clone() {
                    let Some(model) =
                        registry.runtimes.iter().find(|rt| format!("{} {}", rt.language, rt.version) == like)
                    else {
                        bail!("{name}: runtime {} is like {like:?}, which is not defined before it", runtime.language);
                    };
                    runtime.inherit(model);
                }
                if runtime.file.is_empty() || runtime.run.is_empty() {
                    bail!("{name}: runtime {}-{} needs a `file` and a `run` script", runtime.language, runtime.version);
                }
                registry.runtimes.push(Arc::new(runtime));
            }
        }
        for image in &registry.images {
            if let Some(unknown) = image.bundles.iter().find(|name| !super::bundles::known(name)) {
                bail!("image {} asks for the bundled toolchain {unknown:?}, which coderoom does not carry", image.name);
            }
        }
        for runtime in &registry.runtimes {
            if registry.image(&runtime.image).is_none() {
                bail!(
                    "runtime {}-{} names the image {:?}, which no [[image]] defines",
                    runtime.language,
                    runtime.version,
                    runtime.image
                );
            }
        }
        Ok(registry)
    }

    /// The text of a runtime's test program.
    pub fn test_program(&self, runtime: &RuntimeSpec) -> anyhow::Result<String> {
        match &self.tests {
            TestSource::Embedded => Embedded::get(&format!("tests/{}", runtime.test))
                .map(|file| String::from_utf8_lossy(&file.data).into_owned())
                .with_context(|| format!("no test program tests/{} in the embedded registry", runtime.test)),
            TestSource::Folder(folder) => {
                let path = folder.join(&runtime.test);
                std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read the test program {}", path.display()))
            }
        }
    }

    /// Piston's lookup: by name or alias, the highest version matching the range.
    pub fn find(&self, language: &str, range: &str) -> Option<Runtime> {
        let wanted = language.to_ascii_lowercase();
        self.runtimes
            .iter()
            .filter(|rt| rt.language == wanted || rt.aliases.contains(&wanted))
            .filter(|rt| Version::parse(&rt.version).is_some_and(|version| version_matches(&version, range)))
            .max_by_key(|rt| Version::parse(&rt.version))
            .cloned()
    }

    /// The runtime the judge uses for `language`: the newest one in a default image, so that
    /// installing more images (another Java, PyPy) never changes how submissions are judged;
    /// for a language no default image carries (C#, Swift), the newest one configured.
    pub fn judged(&self, language: &str) -> Option<Runtime> {
        let newest = |in_default_image: bool| {
            self.runtimes
                .iter()
                .filter(|rt| rt.language == language)
                .filter(|rt| !in_default_image || self.image(&rt.image).is_some_and(|image| image.default))
                .max_by_key(|rt| Version::parse(&rt.version))
                .cloned()
        };
        newest(true).or_else(|| newest(false))
    }

    pub fn image(&self, name: &str) -> Option<&ImageSpec> {
        self.images.iter().find(|image| image.name == name)
    }

    /// Runtimes whose language or alias is one of `names` (all when empty).
    pub fn select(&self, names: &[String]) -> anyhow::Result<Vec<Runtime>> {
        if names.is_empty() {
            return Ok(self.runtimes.clone());
        }
        let mut chosen: Vec<Runtime> = Vec::new();
        for name in names {
            let matches: Vec<&Runtime> = self
                .runtimes
                .iter()
                .filter(|rt| rt.language == *name || rt.aliases.iter().any(|alias| alias == name))
                .collect();
            if matches.is_empty() {
                bail!("unknown runtime {name:?}");
            }
            for rt in matches {
                if !chosen.iter().any(|c| Arc::ptr_eq(c, rt)) {
                    chosen.push(rt.clone());
                }
            }
        }
        Ok(chosen)
    }
}

/// A runtime version: up to three numeric parts (extra text such as `+ds1` is ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u64, pub u64, pub u64);

impl Version {
    pub fn parse(text: &str) -> Option<Self> {
        let core = text.split(['+', '-', '~']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u64>());
        let major = parts.next()?.ok()?;
        let minor = parts.next().unwrap_or(Ok(0)).ok()?;
        let patch = parts.next().unwrap_or(Ok(0)).ok()?;
        Some(Self(major, minor, patch))
    }
}

/// A subset of node-semver ranges, which is what Piston clients send: `*`, `x`, exact
/// `3.11.2`, partial `3` / `3.11` / `3.x`, and the operators `^ ~ >= <= > < =`, several joined
/// by spaces (all must hold) or `||` (any may hold).
pub fn version_matches(version: &Version, range: &str) -> bool {
    range.split("||").any(|alternative| {
        let mut any = false;
        let all = alternative.split_whitespace().all(|term| {
            any = true;
            term_matches(version, term)
        });
        all && (any || alternative.trim().is_empty())
    })
}

fn term_matches(version: &Version, term: &str) -> bool {
    let (op, rest) = ["^", "~", ">=", "<=", ">", "<", "="]
        .iter()
        .find_map(|op| term.strip_prefix(op).map(|rest| (*op, rest)))
        .unwrap_or(("", term));
    let rest = rest.trim_start_matches('v');
    // Numeric parts given; a missing or wildcard part matches anything.
    let mut given: Vec<u64> = Vec::new();
    for part in rest.split(['+', '-']).next().unwrap_or("").split('.') {
        match part {
            "" | "*" | "x" | "X" => break,
            number => match number.parse::<u64>() {
                Ok(n) => given.push(n),
                Err(_) => return false,
            },
        }
    }
    let actual = [version.0, version.1, version.2];
    let padded = |fill: u64| {
        let mut v = [fill; 3];
        for (i, n) in given.iter().take(3).enumerate() {
            v[i] = *n;
        }
        Version(v[0], v[1], v[2])
    };
    let prefix_equal = given.iter().take(3).zip(actual.iter()).all(|(a, b)| a == b);
    match op {
        "" | "=" => prefix_equal,
        ">=" => *version >= padded(0),
        ">" => given.is_empty() || (!prefix_equal && *version > padded(0)),
        "<=" => prefix_equal || *version < padded(0),
        "<" => *version < padded(0),
        "~" => {
            // ~1.2.3 := >=1.2.3 <1.3.0 ; ~1 := 1.x
            let keep = given.len().clamp(1, 2);
            *version >= padded(0) && given.iter().take(keep).zip(actual.iter()).all(|(a, b)| a == b)
        }
        "^" => {
            // ^1.2.3 := >=1.2.3 <2.0.0 ; ^0.2.3 := >=0.2.3 <0.3.0
            let first_nonzero = given.iter().position(|n| *n != 0).unwrap_or(given.len().saturating_sub(1));
            let keep = (first_nonzero + 1).min(given.len());
            *version >= padded(0) && given.iter().take(keep).zip(actual.iter()).all(|(a, b)| a == b)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_of_an_image_recipe_changes_its_hash() {
        let registry = Registry::load(None).expect("embedded registry");
        let shipped = registry.images.first().expect("an image").clone();
        let hash = shipped.recipe_hash();
        assert_eq!(hash, shipped.clone().recipe_hash(), "stable");
        let changes: [fn(&mut ImageSpec); 5] = [
            |spec| spec.suite = "forky".into(),
            |spec| spec.packages.push("make".into()),
            |spec| spec.backports.push("make".into()),
            |spec| spec.bundles.push("typescript".into()),
            |spec| spec.setup = Some("true".into()),
        ];
        for change in changes {
            let mut changed = shipped.clone();
            change(&mut changed);
            assert_ne!(changed.recipe_hash(), hash);
        }
    }

    #[test]
    fn ranges() {
        let v = Version::parse("3.11.2").expect("version");
        for yes in
            ["*", "3", "3.x", "3.11", "3.11.2", "3.11.x", "^3.10", "~3.11", ">=3", "<4", "x", "2 || 3", ">=3.0.0 <4"]
        {
            assert!(version_matches(&v, yes), "{yes} should match");
        }
        for no in ["2", "3.12", "3.11.3", "^3.12", "~3.10", "<3", ">3.11.2", "abc", "4.x"] {
            assert!(!version_matches(&v, no), "{no} should not match");
        }
    }

    #[test]
    fn embedded_registry_is_valid() {
        let registry = Registry::load(None).expect("registry");
        for language in ["python", "javascript", "typescript", "java", "c", "c++", "go", "rust"] {
            assert!(registry.find(language, "*").is_some(), "{language}");
        }
        assert_eq!(registry.find("py", "3").map(|rt| rt.language.clone()), Some("python".into()));
        for rt in &registry.runtimes {
            let test = registry.test_program(rt).unwrap_or_default();
            assert!(test.contains("OK"), "{}-{} has a test program printing OK", rt.language, rt.version);
        }
        assert!(registry.images.iter().any(|image| image.default), "a default image");
        // Java 25 takes Java 21's scripts; `*` picks it, the judge keeps to the default image's.
        let (java21, java25) =
            (registry.find("java", "21").expect("java 21"), registry.find("java", "*").expect("java"));
        assert_eq!((java25.version.as_str(), &java25.compile, &java25.file), ("25.0.5", &java21.compile, &java21.file));
        assert_eq!(registry.judged("java").map(|rt| rt.version.clone()), Some(java21.version.clone()));
        assert_eq!(registry.find("pypy", "*").and_then(|rt| rt.runtime.clone()).as_deref(), Some("pypy"));
    }
}
