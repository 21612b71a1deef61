//! The `[tls]` configuration section.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::settings::Problem;

/// How coderoom secures its listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsMode {
    /// HTTPS with certificates from coderoom's own authority in `<data_dir>/tls`.
    Auto,
    /// HTTPS with `tls.cert` and `tls.key` (e.g. from the company's authority).
    Files,
    /// Plain HTTP: for loopback use, or behind a proxy that terminates TLS.
    Off,
}

impl TlsMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Files => "files",
            Self::Off => "off",
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TlsConfig {
    /// Unset: `auto` unless `bind` is a loopback address (where browsers already treat plain
    /// HTTP as secure and nobody else can connect), `off` there.
    pub mode: Option<TlsMode>,
    /// More host names and addresses for the certificate in `auto` mode, and names the
    /// certificate must cover in `files` mode (with `public_url`'s host).
    pub names: Vec<String>,
    /// PEM certificate chain, leaf first (`files` mode).
    pub cert: Option<PathBuf>,
    /// PEM private key (`files` mode).
    pub key: Option<PathBuf>,
    /// A plain-HTTP listener, e.g. `0.0.0.0:80`, that redirects to HTTPS and serves `/ca.crt`.
    pub redirect_bind: Option<String>,
}

impl TlsConfig {
    /// The mode in force for a server listening on `bind`.
    pub fn effective_mode(&self, bind: &str) -> TlsMode {
        self.mode.unwrap_or_else(|| {
            let loopback = bind.parse::<SocketAddr>().is_ok_and(|addr| addr.ip().is_loopback());
            if loopback { TlsMode::Off } else { TlsMode::Auto }
        })
    }

    /// Problems with the settings, including certificate files that cannot be served: a
    /// server must never start half-working because of them.
    pub fn validate(&self, bind: &str, public_url: Option<&str>) -> Vec<Problem> {
        let mut problems = Vec::new();
        for name in &self.names {
            if super::authority::san(name).is_none() {
                problems.push(Problem::new("tls.names", format!("`{name}` is neither a host name nor an address")));
            }
        }
        if let Some(redirect) = &self.redirect_bind {
            if redirect.parse::<SocketAddr>().is_err() {
                problems.push(Problem::new(
                    "tls.redirect_bind",
                    format!("`{redirect}` is not an address such as 0.0.0.0:80"),
                ));
            } else if redirect == bind {
                problems.push(Problem::new("tls.redirect_bind", "must differ from bind"));
            }
        }
        let mode = self.effective_mode(bind);
        if mode == TlsMode::Off && self.redirect_bind.is_some() {
            problems.push(Problem::new("tls.redirect_bind", "needs TLS: set tls.mode to `auto` or `files`"));
        }
        if mode != TlsMode::Files {
            return problems;
        }
        match (&self.cert, &self.key) {
            (Some(cert), Some(key)) => {
                let names = super::required_names(public_url, &self.names);
                if let Err(problem) = super::files::load(cert, key, &names) {
                    problems.push(problem);
                }
            }
            (None, _) => problems.push(Problem::new("tls.cert", "is required when tls.mode is `files`")),
            (_, None) => problems.push(Problem::new("tls.key", "is required when tls.mode is `files`")),
        }
        problems
    }
}
