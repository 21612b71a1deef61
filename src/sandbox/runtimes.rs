//! The runtime registry: which languages exist, in which image, and how to compile and run them.
//! Loaded from `config/runtimes.toml` (embedded) or the file named by `sandbox.runtimes_file`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use serde::Deserialize;

/// The registry shipped inside the binary.
pub const EMBEDDED: &str = include_str!("../../config/runtimes.toml");

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
    pub packages: Vec<String>,
    /// A shell script run inside the root file system once the packages are installed
    /// (e.g. to precompile headers).
    #[serde(default)]
    pub setup: Option<String>,
}

impl ImageSpec {
    /// Identifies the recipe; stored on the built image so that `coderoom runtimes check`
    /// notices an image built from an older recipe.
    pub fn recipe_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for part in [&self.suite, &self.packages.join(" "), self.setup.as_deref().unwrap_or_default()] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hex::encode(&hasher.finalize()[..8])
    }
}

fn default_suite() -> String {
    "bookworm".into()
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
    /// Conventional main file name (smoke tests, examples).
    pub file: String,
    pub compile: Option<String>,
    pub run: String,
    #[serde(default)]
    pub env: HashMap<String, String>,
    #[serde(default)]
    pub limits: RuntimeLimits,
    /// A program that reads one line of stdin and prints `coderoom smoke ok <line>`.
    pub smoke: String,
}

pub type Runtime = Arc<RuntimeSpec>;

#[derive(Debug, Clone)]
pub struct Registry {
    pub images: Vec<ImageSpec>,
    pub runtimes: Vec<Runtime>,
}

impl Registry {
    /// The embedded registry, or the override file when one is configured.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        match path {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
                Self::parse(&text).with_context(|| format!("invalid runtime registry {}", path.display()))
            }
            None => Self::parse(EMBEDDED).context("invalid embedded runtime registry"),
        }
    }

    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let file: RegistryFile = toml::from_str(text)?;
        for runtime in &file.runtime {
            if Version::parse(&runtime.version).is_none() {
                bail!("runtime {} has an invalid version {:?}", runtime.language, runtime.version);
            }
        }
        Ok(Self { images: file.image, runtimes: file.runtime.into_iter().map(Arc::new).collect() })
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
        let changes: [fn(&mut ImageSpec); 3] = [
            |spec| spec.suite = "trixie".into(),
            |spec| spec.packages.push("make".into()),
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
            assert!(registry.image(&rt.image).is_some(), "image of {}", rt.language);
        }
    }
}
