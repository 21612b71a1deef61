//! HTTPS served by coderoom itself: its own authority (`auto`), the company's certificate
//! (`files`, reloaded when replaced), and certificates that cannot serve stopping the start.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

use crate::{BINARY, Server};

const NAME: &str = "coderoom.test";

fn port_of(url: &str) -> u16 {
    url.rsplit(':').next().and_then(|port| port.parse().ok()).expect("port in the URL")
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// A client that trusts only `ca_pem` and reaches `names` at the server's loopback port.
fn client_trusting(ca_pem: &[u8], port: u16, names: &[&str]) -> reqwest::Client {
    let mut builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .tls_certs_only([reqwest::Certificate::from_pem(ca_pem).expect("CA PEM")])
        .tls_info(true)
        .redirect(reqwest::redirect::Policy::none());
    for name in names {
        builder = builder.resolve(name, loopback(port));
    }
    builder.build().expect("client")
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").expect("host name").trim().to_ascii_lowercase()
}

#[tokio::test]
async fn auto_mode_serves_names_that_its_authority_verifies() {
    let mut server =
        Server::start_with_env(&[("CODEROOM_TLS_MODE", "auto"), ("CODEROOM_TLS_NAMES", "[\"coderoom.test\"]")]);
    assert!(server.url.starts_with("https://127.0.0.1:"), "{}", server.url);
    let port = port_of(&server.url);
    let ca_path = server.data_dir.join("tls/ca.crt");
    let ca_pem = std::fs::read(&ca_path).expect("the authority's certificate is in the data folder");
    let key_mode = std::fs::metadata(server.data_dir.join("tls/ca.key")).expect("ca.key").permissions();
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&key_mode) & 0o777, 0o600);

    // Every configured name, the host name, localhost and the loopback address verify
    // against the authority alone.
    let host = hostname();
    let client = client_trusting(&ca_pem, port, &[NAME, &host, "localhost"]);
    for base in [
        format!("https://{NAME}:{port}"),
        format!("https://{host}:{port}"),
        format!("https://localhost:{port}"),
        format!("https://127.0.0.1:{port}"),
    ] {
        let response = client.get(format!("{base}/readyz")).send().await.unwrap_or_else(|e| panic!("{base}: {e}"));
        assert_eq!(response.status(), StatusCode::OK, "{base}");
        let hsts = response.headers().get("strict-transport-security").and_then(|v| v.to_str().ok());
        assert_eq!(hsts, Some("max-age=31536000"), "{base}");
    }
    // A name the certificate was not issued for is refused by the same client.
    let stranger = client_trusting(&ca_pem, port, &["other.test"]);
    assert!(stranger.get(format!("https://other.test:{port}/health")).send().await.is_err());

    // The authority is offered for download, the same as the file.
    let response = client.get(format!("https://{NAME}:{port}/ca.crt")).send().await.expect("ca.crt");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/x-x509-ca-cert");
    assert_eq!(response.bytes().await.expect("body").as_ref(), ca_pem.as_slice());

    // curl, as a person would check it, and HTTP/2 negotiated.
    let output = Command::new("curl")
        .args(["-sS", "-o", "/dev/null", "-w", "%{http_version}", "--cacert"])
        .arg(&ca_path)
        .args(["--resolve", &format!("{NAME}:{port}:127.0.0.1"), &format!("https://{NAME}:{port}/health")])
        .output()
        .expect("run curl");
    assert!(output.status.success(), "curl: {}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "2");

    // Signing in over HTTPS sets a Secure cookie.
    server.http = client.clone();
    server.url = format!("https://{NAME}:{port}");
    let response = server
        .anon()
        .post(
            "/api/auth/register",
            json!({ "name": "Tess", "email": "tess@example.test", "password": "correct horse battery" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let cookie = response.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(cookie.contains("; Secure"), "{cookie}");

    // A restart keeps the authority (devices trusted it once) and the certificate.
    let served = served_certificate(&client, &format!("https://{NAME}:{port}/health")).await;
    let data_dir = server.data_dir.clone();
    let temp = server.take_temp();
    server.kill();
    let again =
        Server::start_in(&data_dir, &[("CODEROOM_TLS_MODE", "auto"), ("CODEROOM_TLS_NAMES", "[\"coderoom.test\"]")]);
    assert_eq!(std::fs::read(&ca_path).expect("ca.crt"), ca_pem);
    let port = port_of(&again.url);
    let client = client_trusting(&ca_pem, port, &[NAME]);
    assert_eq!(served_certificate(&client, &format!("https://{NAME}:{port}/health")).await, served);
    drop(again);
    drop(temp);
}

async fn served_certificate(client: &reqwest::Client, url: &str) -> Vec<u8> {
    let response = client.get(url).send().await.expect("request");
    let info = response.extensions().get::<reqwest::tls::TlsInfo>().expect("TLS info");
    info.peer_certificate().expect("a certificate").to_vec()
}

#[tokio::test]
async fn plain_http_on_the_https_port_is_redirected_and_offers_the_authority() {
    let redirect_port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
    let redirect_bind = format!("127.0.0.1:{redirect_port}");
    let server =
        Server::start_with_env(&[("CODEROOM_TLS_MODE", "auto"), ("CODEROOM_TLS_REDIRECT_BIND", &redirect_bind)]);
    let port = port_of(&server.url);
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    // Plain HTTP on the HTTPS port itself, and on the separate redirect port.
    for http_port in [port, redirect_port] {
        let response =
            plain.get(format!("http://127.0.0.1:{http_port}/session/abc?x=1")).send().await.expect("plain GET");
        assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(response.headers()["location"], format!("https://127.0.0.1:{port}/session/abc?x=1").as_str());
    }
    let response = plain.get(format!("http://127.0.0.1:{port}/")).header("host", "").send().await.expect("no host");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let ca_file = std::fs::read(server.data_dir.join("tls/ca.crt")).expect("ca.crt");
    for http_port in [port, redirect_port] {
        let response = plain.get(format!("http://127.0.0.1:{http_port}/ca.crt")).send().await.expect("plain ca.crt");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.bytes().await.expect("body").as_ref(), ca_file.as_slice());
    }
    let ca = ca_file;

    // A client that connects and says nothing does not hold up anyone else.
    let _silent = TcpStream::connect(loopback(port)).await.expect("connect");
    let client = client_trusting(&ca, port, &[]);
    let started = Instant::now();
    let response = client.get(format!("https://127.0.0.1:{port}/health")).send().await.expect("health");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn websockets_work_over_tls() {
    let mut server =
        Server::start_with_env(&[("CODEROOM_TLS_MODE", "auto"), ("CODEROOM_TLS_NAMES", "[\"coderoom.test\"]")]);
    let port = port_of(&server.url);
    let ca_pem = std::fs::read(server.data_dir.join("tls/ca.crt")).expect("ca.crt");
    server.http = client_trusting(&ca_pem, port, &[NAME]);
    server.url = format!("https://{NAME}:{port}");
    let (host, _) = server.interviewer("Wes").await;
    let (status, body) = host.post_json("/api/sessions", json!({ "problem": "two-sum" })).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["session"]["id"].as_str().expect("id");

    let stream = tls_connect(&ca_pem, port, NAME).await;
    let mut request = format!("wss://{NAME}:{port}/api/sessions/{id}/events").into_client_request().expect("request");
    let cookie = host.cookie.clone().expect("cookie");
    request.headers_mut().insert("cookie", HeaderValue::from_str(&cookie).expect("cookie header"));
    let (mut socket, _) = tokio_tungstenite::client_async(request, stream).await.expect("WebSocket over TLS");
    let frame = tokio::time::timeout(Duration::from_secs(20), socket.next()).await.expect("a frame").expect("open");
    let welcome: Value = serde_json::from_str(frame.expect("frame").to_text().expect("text")).expect("JSON");
    assert_eq!(welcome["type"], "welcome");
}

async fn tls_connect(ca_pem: &[u8], port: u16, name: &str) -> TlsStream<TcpStream> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem) {
        roots.add(cert.expect("CA")).expect("root");
    }
    let config =
        ClientConfig::builder_with_provider(Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
    let tcp = TcpStream::connect(loopback(port)).await.expect("connect");
    let name = ServerName::try_from(name.to_string()).expect("server name");
    TlsConnector::from(Arc::new(config)).connect(name, tcp).await.expect("TLS handshake")
}

/// A company authority and the certificates it issues, written as PEM files.
struct CompanyAuthority {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

impl CompanyAuthority {
    fn new() -> Self {
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::default();
        params.distinguished_name.push(DnType::CommonName, "Example Corp test authority");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let pem = params.self_signed(&key).expect("CA").pem();
        Self { issuer: Issuer::new(params, key), pem }
    }

    /// Writes `cert.pem`/`key.pem` into `dir` for `names`, valid from `from` for `days` days;
    /// replaced by rename, as deployment tools do.
    fn issue(&self, dir: &Path, names: &[&str], from: time::OffsetDateTime, days: i64) -> (PathBuf, PathBuf) {
        let key = KeyPair::generate().expect("key");
        let mut params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).expect("params");
        params.not_before = from;
        params.not_after = from + time::Duration::days(days);
        let cert = params.signed_by(&key, &self.issuer).expect("sign");
        let (cert_path, key_path) = (dir.join("cert.pem"), dir.join("key.pem"));
        std::fs::write(dir.join("key.tmp"), key.serialize_pem()).expect("write key");
        std::fs::write(dir.join("cert.tmp"), cert.pem()).expect("write cert");
        std::fs::rename(dir.join("key.tmp"), &key_path).expect("rename key");
        std::fs::rename(dir.join("cert.tmp"), &cert_path).expect("rename cert");
        (cert_path, key_path)
    }
}

fn files_env<'a>(cert: &'a Path, key: &'a Path) -> Vec<(&'static str, String)> {
    vec![
        ("CODEROOM_TLS_MODE", "files".to_string()),
        ("CODEROOM_TLS_CERT", cert.display().to_string()),
        ("CODEROOM_TLS_KEY", key.display().to_string()),
        ("CODEROOM_PUBLIC_URL", format!("https://{NAME}")),
    ]
}

async fn request_on(stream: &mut TlsStream<TcpStream>) -> String {
    stream
        .write_all(format!("GET /health HTTP/1.1\r\nHost: {NAME}\r\nConnection: keep-alive\r\n\r\n").as_bytes())
        .await
        .expect("write");
    let mut buffer = vec![0u8; 4096];
    let read =
        tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buffer)).await.expect("answer").expect("read");
    String::from_utf8_lossy(&buffer[..read]).to_string()
}

fn peer_certificate(stream: &TlsStream<TcpStream>) -> Vec<u8> {
    stream.get_ref().1.peer_certificates().and_then(|chain| chain.first()).expect("peer certificate").to_vec()
}

#[tokio::test]
async fn files_mode_reloads_a_replaced_certificate_without_dropping_connections() {
    let dir = tempfile::tempdir().expect("tempdir");
    let company = CompanyAuthority::new();
    let now = time::OffsetDateTime::now_utc();
    let (cert, key) = company.issue(dir.path(), &[NAME], now - time::Duration::hours(1), 90);
    let env = files_env(&cert, &key);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let server = Server::start_with_env(&env);
    let port = port_of(&server.url);

    let mut open = tls_connect(company.pem.as_bytes(), port, NAME).await;
    let first = peer_certificate(&open);
    assert!(request_on(&mut open).await.starts_with("HTTP/1.1 200"));

    company.issue(dir.path(), &[NAME], now - time::Duration::hours(1), 365);
    let deadline = Instant::now() + Duration::from_secs(20);
    let replaced = loop {
        let stream = tls_connect(company.pem.as_bytes(), port, NAME).await;
        let served = peer_certificate(&stream);
        if served != first {
            break served;
        }
        assert!(Instant::now() < deadline, "the replaced certificate was not picked up");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let on_disk = CertificateDer::pem_file_iter(&cert).expect("cert").next().expect("one").expect("PEM");
    assert_eq!(replaced, on_disk.to_vec());
    // The connection opened before the reload still answers.
    assert!(request_on(&mut open).await.starts_with("HTTP/1.1 200"));

    // A replacement that cannot serve (another name) is refused; the good one stays.
    company.issue(dir.path(), &["elsewhere.test"], now - time::Duration::hours(1), 365);
    Command::new("kill").args(["-HUP", &server_pid(&server)]).status().expect("SIGHUP");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let stream = tls_connect(company.pem.as_bytes(), port, NAME).await;
    assert_eq!(peer_certificate(&stream), replaced);
}

fn server_pid(server: &Server) -> String {
    // The harness keeps the child private; find it by its data folder, which is unique.
    let output = Command::new("pgrep").args(["-f", &server.data_dir.display().to_string()]).output().expect("pgrep");
    String::from_utf8_lossy(&output.stdout).lines().next().expect("server pid").trim().to_string()
}

/// Runs `coderoom serve` with `env` and returns its exit status and standard error.
fn failed_start(env: &[(&str, String)]) -> String {
    let data = tempfile::tempdir().expect("tempdir");
    let mut command = Command::new(BINARY);
    command
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(data.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run coderoom");
    assert!(!output.status.success(), "coderoom started with a certificate that cannot serve");
    String::from_utf8_lossy(&output.stderr).to_string()
}

#[test]
fn certificates_that_cannot_serve_stop_the_start_with_the_file_and_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let company = CompanyAuthority::new();
    let now = time::OffsetDateTime::now_utc();
    let missing = dir.path().join("missing.pem");
    let (cert, key) = company.issue(dir.path(), &[NAME], now - time::Duration::hours(1), 90);

    let mut env = files_env(&missing, &key);
    let stderr = failed_start(&env);
    assert!(stderr.contains(&format!("{}: cannot read it", missing.display())), "{stderr}");

    // Another certificate's key.
    let other = tempfile::tempdir().expect("tempdir");
    let (_, other_key) = company.issue(other.path(), &[NAME], now, 90);
    env = files_env(&cert, &other_key);
    let stderr = failed_start(&env);
    assert!(stderr.contains(&format!("{}: does not belong to the certificate", other_key.display())), "{stderr}");

    // Names that the certificate does not cover.
    let (cert, key) = company.issue(dir.path(), &["elsewhere.test"], now - time::Duration::hours(1), 90);
    let stderr = failed_start(&files_env(&cert, &key));
    assert!(stderr.contains(&format!("{}: is not valid for {NAME}", cert.display())), "{stderr}");

    // Expired.
    let (cert, key) = company.issue(dir.path(), &[NAME], now - time::Duration::days(100), 90);
    let stderr = failed_start(&files_env(&cert, &key));
    assert!(stderr.contains(&format!("{}: expired on", cert.display())), "{stderr}");

    // Not a certificate at all.
    std::fs::write(&cert, "hello").expect("write");
    let stderr = failed_start(&files_env(&cert, &key));
    assert!(stderr.contains(&format!("{}: contains no PEM certificate", cert.display())), "{stderr}");

    // `config check` reports the same, with the key and line.
    let file = dir.path().join("coderoom.toml");
    std::fs::write(
        &file,
        format!(
            "bind = \"0.0.0.0:8443\"\n\n[tls]\nmode = \"files\"\ncert = \"{}\"\nkey = \"{}\"\n",
            missing.display(),
            key.display()
        ),
    )
    .expect("write config");
    let output = Command::new(BINARY).args(["config", "check"]).arg(&file).output().expect("config check");
    assert!(!output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(&format!("line 5: tls.cert: {}: cannot read it", missing.display())), "{stdout}");
}

#[test]
fn tls_ca_prints_the_authority_and_how_to_trust_it() {
    let data = tempfile::tempdir().expect("tempdir");
    let output = Command::new(BINARY)
        .args(["tls", "ca", "--bind", "0.0.0.0:8443", "--data-dir"])
        .arg(data.path())
        .output()
        .expect("tls ca");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.trim_end(), std::fs::read_to_string(data.path().join("tls/ca.crt")).expect("ca.crt").trim_end());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for needle in ["SHA-256 fingerprint", "Windows", "macOS", "update-ca-certificates", "Firefox", ":8443/ca.crt"] {
        assert!(stderr.contains(needle), "`{needle}` missing from {stderr}");
    }
    let mode = Command::new(BINARY).args(["tls", "mode", "--bind", "127.0.0.1:8080"]).output().expect("tls mode");
    assert_eq!(String::from_utf8_lossy(&mode.stdout).trim(), "off");
    let mode = Command::new(BINARY).args(["tls", "mode", "--bind", "0.0.0.0:8080"]).output().expect("tls mode");
    assert_eq!(String::from_utf8_lossy(&mode.stdout).trim(), "auto");
}
