//! HTTPS served by coderoom itself. Browsers grant the camera, the microphone and the
//! clipboard only to secure origins, so a server reached by an intranet name needs TLS:
//! `auto` issues certificates from coderoom's own authority, `files` serves the company's,
//! `off` leaves TLS to a proxy in front (or to loopback, which browsers already trust).
//!
//! The certificate in use sits behind a lock that handshakes read; renewal (auto) and
//! reloading (files: when the files change, or on SIGHUP) replace it without touching the
//! connections already open.
//!
//! HTTP/2 is offered (ALPN `h2`) without RFC 8441's WebSockets inside it: the rooms answer
//! WebSocket upgrades on GET, so browsers open their WebSockets over HTTP/1.1.

mod authority;
mod config;
mod files;
mod listener;

use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use anyhow::Context;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

pub use self::authority::{Authority, ca_cert_path};
pub use self::config::{TlsConfig, TlsMode};
pub use self::listener::{TlsListener, redirect_router};
use crate::app::AppState;
use crate::config::Config;
use crate::error::AppError;

/// How often the certificate files are looked at for changes (`files` mode).
const FILES_POLL: Duration = Duration::from_secs(2);
/// How often the server certificate's remaining lifetime is checked (`auto` mode).
const RENEWAL_CHECK: Duration = Duration::from_secs(6 * 3600);

/// TLS for a server that is about to listen.
pub struct Tls {
    pub mode: TlsMode,
    current: Arc<CurrentCert>,
    pub server_config: Arc<rustls::ServerConfig>,
    /// `auto` mode: the authority, offered at `/ca.crt` and used for renewals.
    pub authority: Option<Authority>,
}

/// The certificate handed to every new handshake.
#[derive(Debug)]
struct CurrentCert(RwLock<Arc<CertifiedKey>>);

impl CurrentCert {
    fn get(&self) -> Arc<CertifiedKey> {
        self.0.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    fn replace(&self, key: Arc<CertifiedKey>) {
        *self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner) = key;
    }
}

impl ResolvesServerCert for CurrentCert {
    fn resolve(&self, _client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.get())
    }
}

/// Loads or creates what the configured mode needs; `None` when TLS is off. Any certificate
/// problem stops the start with the file and the reason.
pub fn prepare(config: &Config) -> anyhow::Result<Option<Tls>> {
    let mode = config.tls.effective_mode(&config.bind);
    let (loaded, authority) = match mode {
        TlsMode::Off => return Ok(None),
        TlsMode::Files => (load_files(config)?, None),
        TlsMode::Auto => {
            let authority = Authority::load_or_create(&config.data_dir)?;
            let loaded = authority.server_certificate(&config.data_dir, &auto_names(config))?;
            (loaded, Some(authority))
        }
    };
    tracing::info!(mode = mode.as_str(), names = %loaded.leaf.names().join(", "),
        expires = %files::format_time(loaded.leaf.not_after), "serving HTTPS");
    let current = Arc::new(CurrentCert(RwLock::new(loaded.key)));
    let mut server_config = rustls::ServerConfig::builder_with_provider(files::provider())
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_no_client_auth()
        .with_cert_resolver(current.clone());
    server_config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Some(Tls { mode, current, server_config: Arc::new(server_config), authority }))
}

fn load_files(config: &Config) -> anyhow::Result<files::Loaded> {
    let (Some(cert), Some(key)) = (&config.tls.cert, &config.tls.key) else {
        anyhow::bail!("tls.cert and tls.key are required when tls.mode is `files`");
    };
    let names = required_names(config.public_url.as_deref(), &config.tls.names);
    files::load(cert, key, &names).map_err(|problem| anyhow::anyhow!("{problem}"))
}

impl Tls {
    /// Keeps the certificate current for as long as the server runs.
    pub fn spawn_maintenance(self: &Arc<Self>, config: Arc<Config>) {
        let tls = self.clone();
        match self.mode {
            TlsMode::Off => {}
            TlsMode::Auto => {
                tokio::spawn(async move {
                    loop {
                        tokio::time::sleep(RENEWAL_CHECK).await;
                        tls.renew(&config);
                    }
                });
            }
            TlsMode::Files => {
                tokio::spawn(async move { tls.watch_files(&config).await });
            }
        }
    }

    fn renew(&self, config: &Config) {
        let Some(authority) = &self.authority else { return };
        match authority.server_certificate(&config.data_dir, &auto_names(config)) {
            Ok(loaded) if loaded.key.cert.first() != self.current.get().cert.first() => {
                self.current.replace(loaded.key)
            }
            Ok(_) => {}
            Err(err) => tracing::error!(error = %format!("{err:#}"), "cannot renew the server certificate"),
        }
    }

    /// Reloads `tls.cert`/`tls.key` when either changes or on SIGHUP. A pair that cannot
    /// serve is reported and the previous certificate stays in use.
    async fn watch_files(&self, config: &Config) {
        let (Some(cert), Some(key)) = (config.tls.cert.clone(), config.tls.key.clone()) else { return };
        let names = required_names(config.public_url.as_deref(), &config.tls.names);
        let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()).ok();
        let mut seen = (modified(&cert), modified(&key));
        let mut interval = tokio::time::interval(FILES_POLL);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let forced = tokio::select! {
                _ = interval.tick() => false,
                Some(()) = async { match hangup.as_mut() { Some(signal) => signal.recv().await, None => std::future::pending().await } } => true,
            };
            let now = (modified(&cert), modified(&key));
            if !forced && now == seen {
                continue;
            }
            seen = now;
            match files::load(&cert, &key, &names) {
                Ok(loaded) => {
                    tracing::info!(expires = %files::format_time(loaded.leaf.not_after), "reloaded the TLS certificate");
                    self.current.replace(loaded.key);
                }
                Err(problem) => {
                    tracing::error!(%problem, "the new TLS certificate cannot be served; keeping the previous one")
                }
            }
        }
    }
}

fn modified(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// Names a certificate must cover: `public_url`'s host and `tls.names`.
pub fn required_names(public_url: Option<&str>, names: &[String]) -> Vec<String> {
    let mut required: Vec<String> = public_url.and_then(url_host).into_iter().collect();
    for name in names {
        push_unique(&mut required, name.trim());
    }
    required
}

/// Everything people may type to reach this machine: the configured names, the host name,
/// its addresses and loopback.
fn auto_names(config: &Config) -> Vec<String> {
    let mut names = required_names(config.public_url.as_deref(), &config.tls.names);
    for name in authority::machine_names().iter().map(String::as_str).chain(["localhost", "127.0.0.1", "::1"]) {
        push_unique(&mut names, name);
    }
    names
}

fn push_unique(names: &mut Vec<String>, name: &str) {
    let name = name.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    if !name.is_empty() && !names.contains(&name) {
        names.push(name);
    }
}

/// The host of an `http(s)://host[:port][/path]` URL.
fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split_once(']')?.0,
        None => authority.split(':').next()?,
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// `GET /ca.crt` on the main listener.
pub fn routes() -> crate::openapi::ApiRouter {
    crate::openapi::ApiRouter::new().routes(utoipa_axum::routes!(ca_certificate))
}

/// coderoom's own certificate authority, to be trusted by the devices that open it over HTTPS
/// (`tls.mode = "auto"`; 404 otherwise).
#[utoipa::path(get, path = "/ca.crt", tag = "operations", security(()),
    responses((status = 200, description = "The authority's certificate (PEM)", content_type = "application/x-x509-ca-cert", body = String)))]
async fn ca_certificate(State(state): State<AppState>) -> Result<Response, AppError> {
    if state.config.tls.effective_mode(&state.config.bind) != TlsMode::Auto {
        return Err(AppError::not_found("coderoom does not issue its own certificates here (tls.mode is not `auto`)"));
    }
    let pem = std::fs::read_to_string(ca_cert_path(&state.config.data_dir))
        .map_err(|_| AppError::not_found("No certificate authority has been created yet"))?;
    Ok(ca_response(pem))
}

fn ca_response(pem: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/x-x509-ca-cert"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"coderoom-ca.crt\""),
        ],
        pem,
    )
        .into_response()
}

/// Where a device downloads the authority: `public_url`, else this machine's name (or the
/// bound address) and port.
pub fn ca_url(config: &Config) -> anyhow::Result<String> {
    if let Some(url) = &config.public_url {
        return Ok(format!("{}/ca.crt", url.trim_end_matches('/')));
    }
    let addr = config.bind_addr()?;
    let host = match addr.ip() {
        ip if ip.is_unspecified() => authority::host_name().unwrap_or_else(|| "HOST".into()),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    Ok(format!("https://{host}:{}/ca.crt", addr.port()))
}

/// How to trust the authority on the usual systems (printed by `coderoom tls ca`).
pub fn trust_instructions(authority: &Authority, ca_url: &str) -> String {
    format!(
        "Trust this authority once on every device that opens coderoom.
SHA-256 fingerprint: {fingerprint}
Get it: {ca_url}   (or: coderoom tls ca > coderoom-ca.crt)
  Windows:        certutil -addstore -f Root coderoom-ca.crt   (as administrator)
  macOS:          sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain coderoom-ca.crt
  Debian, Ubuntu: sudo cp coderoom-ca.crt /usr/local/share/ca-certificates/ && sudo update-ca-certificates
  Chrome, Chromium on Linux: certutil -d sql:$HOME/.pki/nssdb -A -t C,, -n coderoom -i coderoom-ca.crt
  Firefox:        Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import
  iPhone, iPad:   open the link in Safari, install the profile, then Settings > General > About >
                  Certificate Trust Settings > turn on full trust
  Android:        Settings > Security > Encryption & credentials > Install a certificate > CA certificate",
        fingerprint = authority.fingerprint(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_hosts() {
        assert_eq!(url_host("https://Coderoom.Corp:8443/x").as_deref(), Some("coderoom.corp"));
        assert_eq!(url_host("http://10.1.2.3").as_deref(), Some("10.1.2.3"));
        assert_eq!(url_host("https://[fd00::1]:8080/").as_deref(), Some("fd00::1"));
        assert_eq!(url_host("nonsense"), None);
    }

    #[test]
    fn certificate_names() {
        assert!(authority::san("coderoom.corp").is_some());
        assert!(authority::san("*.corp.example").is_some());
        assert!(authority::san("10.1.2.3").is_some());
        assert!(authority::san("bad name").is_none());
        assert!(authority::san("-x.corp").is_none());
        assert!(authority::san("").is_none());
    }

    #[test]
    fn issued_certificate_covers_the_names_and_chains_to_the_authority() {
        let dir = tempfile::tempdir().expect("tempdir");
        let authority = Authority::load_or_create(dir.path()).expect("authority");
        let names = vec!["coderoom.test".to_string(), "10.9.8.7".to_string()];
        let loaded = authority.server_certificate(dir.path(), &names).expect("issue");
        assert!(loaded.leaf.covers("coderoom.test") && loaded.leaf.covers("10.9.8.7"));
        assert!(!loaded.leaf.covers("other.test"));
        assert!(loaded.leaf.remaining() > authority::RENEW_BEFORE);
        // The same authority comes back from disk and keeps the certificate it issued.
        let again = Authority::load_or_create(dir.path()).expect("reload");
        assert_eq!(again.cert_pem, authority.cert_pem);
        let kept = again.server_certificate(dir.path(), &names).expect("kept");
        assert_eq!(kept.key.cert.first(), loaded.key.cert.first());
        // A new name means a new certificate.
        let more = vec!["coderoom.test".to_string(), "new.test".to_string()];
        let reissued = again.server_certificate(dir.path(), &more).expect("reissue");
        assert_ne!(reissued.key.cert.first(), loaded.key.cert.first());
        let mode = std::fs::metadata(dir.path().join("tls/ca.key")).expect("key").permissions();
        assert_eq!(std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777, 0o600);
    }
}
