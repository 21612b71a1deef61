//! The vocabulary every configuration section shares: the finding a section's check reports
//! ([`Problem`]), the redacting type of secret settings ([`Secret`]) and the checks several
//! sections make. Sections live in their domains and `config` composes them; this module
//! depends on none of them, so a domain never has to import `config` back.

use serde::{Deserialize, Serialize};

/// One thing wrong with a configuration, located by key (and line when read from a file).
#[derive(Debug, Clone)]
pub struct Problem {
    pub key: String,
    pub message: String,
    pub line: Option<usize>,
}

impl Problem {
    pub fn new(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self { key: key.into(), message: message.into(), line: None }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}: {}", self.key, self.message),
            None => write!(f, "{}: {}", self.key, self.message),
        }
    }
}

/// A secret setting (keys, passwords, tokens): `Debug` and serialisation (what `config show`
/// prints) show `(hidden)`, so that neither a log line nor a printed configuration holds it;
/// the code that uses it reads it as a `str`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl std::ops::Deref for Secret {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("(hidden)")
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("(hidden)")
    }
}

/// Whether a setting holds an http:// or https:// URL.
pub fn is_http_url(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}
