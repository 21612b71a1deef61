//! Clerk and Stream, with everything local: RSA keys generated at test time, a JWKS endpoint
//! and a Stream stand-in served by an in-test HTTP server that records what it receives.

use std::net::SocketAddr;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::routing::get;
use base64::Engine;
use hmac::{Hmac, Mac};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::{BINARY, Server, assert_error};

const FRONTEND_HOST: &str = "clerk.example.test";
const ISSUER: &str = "https://clerk.example.test";
const APP_ORIGIN: &str = "http://app.example.test";
const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const STREAM_KEY: &str = "test-stream-key";
const STREAM_SECRET: &str = "test-stream-secret-0123456789abcdef";

/// What the stand-in received.
#[derive(Debug, Clone)]
struct Recorded {
    method: Method,
    path: String,
    query: String,
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone, Default)]
struct Vendor {
    jwks: Arc<Mutex<Value>>,
    jwks_downloads: Arc<Mutex<u32>>,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Vendor {
    /// Serves `/jwks` and records every other request (answered `201 {}` like Stream's API).
    async fn start() -> (Self, String) {
        let vendor = Vendor::default();
        let app = Router::new().route("/jwks", get(serve_jwks)).fallback(record).with_state(vendor.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        (vendor, format!("http://{addr}"))
    }

    fn set_keys(&self, keys: &[&TestKey]) {
        let set = JwkSet { keys: keys.iter().map(|key| key.jwk()).collect() };
        *self.jwks.lock().expect("lock") = serde_json::to_value(set).expect("jwks json");
    }

    fn downloads(&self) -> u32 {
        *self.jwks_downloads.lock().expect("lock")
    }

    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }

    async fn wait_for_requests(&self, count: usize) -> Vec<Recorded> {
        for _ in 0..100 {
            let requests = self.requests();
            if requests.len() >= count {
                return requests;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {count} requests, got {:#?}", self.requests());
    }
}

async fn serve_jwks(State(vendor): State<Vendor>) -> axum::Json<Value> {
    *vendor.jwks_downloads.lock().expect("lock") += 1;
    axum::Json(vendor.jwks.lock().expect("lock").clone())
}

async fn record(
    State(vendor): State<Vendor>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (axum::http::StatusCode, axum::Json<Value>) {
    let recorded =
        Recorded { method, path: uri.path().to_string(), query: uri.query().unwrap_or("").to_string(), headers, body };
    vendor.requests.lock().expect("lock").push(recorded);
    (axum::http::StatusCode::CREATED, axum::Json(json!({})))
}

/// An RSA key pair made by openssl for this test run, with its key id.
struct TestKey {
    kid: String,
    encoding: EncodingKey,
}

impl TestKey {
    fn generate(kid: &str) -> Self {
        let output = Command::new("openssl").args(["genrsa", "2048"]).output().expect("run openssl genrsa");
        assert!(output.status.success(), "openssl: {}", String::from_utf8_lossy(&output.stderr));
        let encoding = EncodingKey::from_rsa_pem(&output.stdout).expect("RSA key");
        Self { kid: kid.into(), encoding }
    }

    fn jwk(&self) -> Jwk {
        let mut jwk = Jwk::from_encoding_key(&self.encoding, Algorithm::RS256).expect("jwk");
        jwk.common.key_id = Some(self.kid.clone());
        jwk
    }

    /// A session token as Clerk signs it, with `claims` merged over valid defaults.
    fn token(&self, sub: &str, overrides: Value) -> String {
        self.token_with_kid(&self.kid, sub, overrides)
    }

    fn token_with_kid(&self, kid: &str, sub: &str, overrides: Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid.into());
        jsonwebtoken::encode(&header, &claims(sub, overrides), &self.encoding).expect("sign")
    }
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn claims(sub: &str, overrides: Value) -> Value {
    let now = now();
    let mut claims = json!({
        "sub": sub, "sid": "sess_test", "iss": ISSUER, "azp": APP_ORIGIN,
        "iat": now, "nbf": now - 2, "exp": now + 60, "v": 2, "jti": "jti_test",
    });
    for (key, value) in overrides.as_object().expect("object") {
        if value.is_null() {
            claims.as_object_mut().expect("object").remove(key);
        } else {
            claims[key] = value.clone();
        }
    }
    claims
}

fn publishable_key() -> String {
    format!("pk_test_{}", base64::engine::general_purpose::STANDARD.encode(format!("{FRONTEND_HOST}$")))
}

fn clerk_server(vendor_url: &str, extra: &[(&str, &str)]) -> Server {
    let jwks_url = format!("{vendor_url}/jwks");
    let publishable = publishable_key();
    let mut env = vec![
        ("CODEROOM_AUTH_PROVIDER", "clerk"),
        ("CODEROOM_CLERK_PUBLISHABLE_KEY", publishable.as_str()),
        ("CODEROOM_CLERK_JWKS_URL", jwks_url.as_str()),
        ("CODEROOM_CLERK_JWKS_MIN_REFRESH_SECS", "1"),
        ("CODEROOM_PUBLIC_URL", APP_ORIGIN),
        ("CODEROOM_CLERK_WEBHOOK_SECRET", WEBHOOK_SECRET),
    ];
    env.extend_from_slice(extra);
    Server::start_with_env(&env)
}

async fn me_with_bearer(server: &Server, token: &str) -> (StatusCode, Value) {
    let response = server.http.get(format!("{}/api/me", server.url)).bearer_auth(token).send().await.expect("GET");
    crate::json_of(response).await
}

async fn me_status(server: &Server, token: &str) -> StatusCode {
    me_with_bearer(server, token).await.0
}

#[tokio::test]
async fn clerk_session_tokens_are_verified_against_the_jwks() {
    let (vendor, vendor_url) = Vendor::start().await;
    let (first, second, stranger) =
        (TestKey::generate("kid_one"), TestKey::generate("kid_two"), TestKey::generate("kid_one"));
    vendor.set_keys(&[&first]);
    let server = clerk_server(&vendor_url, &[]);

    let (_, config) = server.anon().get_json("/api/config").await;
    assert_eq!(config["authProvider"], "clerk");
    assert_eq!(config["clerkPublishableKey"], publishable_key());
    assert!(!config.to_string().contains("whsec_"), "no secret in {config}");

    // A valid token, as a Bearer header and as Clerk's `__session` cookie; being the first
    // to appear makes nobody an administrator (that takes the setup token).
    let (status, me) = me_with_bearer(&server, &first.token("user_alice", json!({}))).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["user"]["id"], "clerk_user_alice");
    assert_eq!(me["user"]["role"], "candidate");
    let cookie = format!("__session={}", first.token("user_alice", json!({})));
    let by_cookie =
        server.http.get(format!("{}/api/me", server.url)).header("cookie", cookie).send().await.expect("GET");
    assert_eq!(by_cookie.status(), StatusCode::OK);
    let (status, bob) = me_with_bearer(&server, &first.token("user_bob", json!({"azp": null}))).await;
    assert_eq!(status, StatusCode::OK, "a token without azp is fine");
    assert_eq!(bob["user"]["role"], "candidate");

    let refused = [
        ("expired", first.token("user_alice", json!({"exp": now() - 30, "iat": now() - 90, "nbf": now() - 90}))),
        ("not yet valid", first.token("user_alice", json!({"nbf": now() + 60}))),
        ("wrong issuer", first.token("user_alice", json!({"iss": "https://evil.example.test"}))),
        ("no issuer", first.token("user_alice", json!({"iss": null}))),
        ("wrong azp", first.token("user_alice", json!({"azp": "https://evil.example.test"}))),
        ("wrong key, same kid", stranger.token("user_alice", json!({}))),
        ("alg none", unsigned_token(&claims("user_alice", json!({})))),
        ("HS256", hs256_token(&claims("user_alice", json!({})), "kid_one")),
        ("garbage", "not.a.jwt".to_string()),
    ];
    for (what, token) in &refused {
        assert_eq!(me_status(&server, token).await, StatusCode::UNAUTHORIZED, "{what} must be refused");
    }

    // Unknown key ids refetch the JWKS, but at most once per minimum interval.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let before = vendor.downloads();
    for _ in 0..10 {
        assert_eq!(me_status(&server, &first.token_with_kid("kid_unknown", "user_alice", json!({}))).await, 401);
    }
    assert!(vendor.downloads() - before <= 1, "JWKS downloads are bounded: {}", vendor.downloads() - before);

    // Rotation: the instance now signs with a new key; tokens with its kid are picked up.
    vendor.set_keys(&[&second]);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(me_status(&server, &second.token("user_alice", json!({}))).await, StatusCode::OK);
    assert_eq!(me_status(&server, &first.token("user_alice", json!({}))).await, StatusCode::UNAUTHORIZED);

    // Built-in accounts are off in Clerk mode, with a clear message.
    let register = server
        .anon()
        .post_json("/api/auth/register", json!({"name": "X", "email": "x@example.test", "password": "long enough pw"}))
        .await;
    assert_error(register, StatusCode::CONFLICT, "Clerk");
    let login =
        server.anon().post_json("/api/auth/login", json!({"email": "x@example.test", "password": "whatever1"})).await;
    assert_error(login, StatusCode::CONFLICT, "Clerk");
}

fn unsigned_token(claims: &Value) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = engine.encode(br#"{"alg":"none","typ":"JWT","kid":"kid_one"}"#);
    format!("{header}.{}.", engine.encode(claims.to_string()))
}

fn hs256_token(claims: &Value, kid: &str) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(kid.into());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(b"a shared secret")).expect("sign")
}

/// The `v1,…` Svix signature of a delivery.
fn svix_signature(secret: &str, id: &str, timestamp: i64, body: &str) -> String {
    let key = base64::engine::general_purpose::STANDARD.decode(secret.trim_start_matches("whsec_")).expect("secret");
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).expect("key");
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

/// Signs `body` with the endpoint's secret and delivers it, with one timestamp for both.
async fn deliver_signed(server: &Server, id: &str, body: &str) -> (StatusCode, Value) {
    let sent_at = now();
    deliver(server, id, sent_at, &svix_signature(WEBHOOK_SECRET, id, sent_at, body), body).await
}

async fn deliver(server: &Server, id: &str, timestamp: i64, signature: &str, body: &str) -> (StatusCode, Value) {
    let response = server
        .http
        .post(format!("{}/api/webhooks/clerk", server.url))
        .header("content-type", "application/json")
        .header("svix-id", id)
        .header("svix-timestamp", timestamp.to_string())
        .header("svix-signature", signature)
        .body(body.to_string())
        .send()
        .await
        .expect("POST");
    crate::json_of(response).await
}

fn user_event(kind: &str, id: &str, first_name: &str) -> String {
    json!({
        "type": kind,
        "object": "event",
        "data": {
            "id": id, "object": "user", "first_name": first_name, "last_name": "Hopper",
            "primary_email_address_id": "idn_1",
            "email_addresses": [{"id": "idn_1", "email_address": "grace@example.test"}],
            "image_url": "https://img.clerk.example.test/grace.png",
        }
    })
    .to_string()
}

#[tokio::test]
async fn clerk_webhooks_are_svix_verified_and_handled_once() {
    let (vendor, vendor_url) = Vendor::start().await;
    let key = TestKey::generate("kid_one");
    vendor.set_keys(&[&key]);
    let server = clerk_server(&vendor_url, &[]);
    let body = user_event("user.created", "user_grace", "Grace");
    // One timestamp for the signature and its delivery: the signature covers it, and the
    // steps below may straddle a second.
    let sent_at = now();
    let signature = svix_signature(WEBHOOK_SECRET, "msg_1", sent_at, &body);

    // Tampered body, stale timestamp, wrong secret: refused, and nothing is created.
    let tampered = body.replace("Grace", "Mallory");
    assert_error(
        deliver(&server, "msg_1", sent_at, &signature, &tampered).await,
        StatusCode::UNAUTHORIZED,
        "signature",
    );
    let stale_at = now() - 301;
    let stale = svix_signature(WEBHOOK_SECRET, "msg_1", stale_at, &body);
    assert_error(deliver(&server, "msg_1", stale_at, &stale, &body).await, StatusCode::BAD_REQUEST, "5 minutes");
    let other_secret = svix_signature("whsec_c2VjcmV0LW9mLWFub3RoZXItZW5kcG9pbnQ=", "msg_1", now(), &body);
    assert_error(deliver(&server, "msg_1", now(), &other_secret, &body).await, StatusCode::UNAUTHORIZED, "signature");
    assert_error(deliver(&server, "msg_1", now(), "", &body).await, StatusCode::BAD_REQUEST, "svix-signature");

    // Valid: the user exists before their first request, with Clerk's profile.
    let (status, reply) = deliver(&server, "msg_1", sent_at, &signature, &body).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(reply["handled"], true);
    let (status, me) = me_with_bearer(&server, &key.token("user_grace", json!({}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["name"], "Grace Hopper");
    assert_eq!(me["user"]["email"], "grace@example.test");
    assert_eq!(me["user"]["image"], "https://img.clerk.example.test/grace.png");
    assert_eq!(me["user"]["role"], "candidate", "being first makes nobody an administrator");
    // With the setup token the server printed, she becomes the administrator.
    let setup = server
        .http
        .post(format!("{}/api/auth/setup", server.url))
        .bearer_auth(key.token("user_grace", json!({})))
        .json(&json!({ "setupToken": server.setup_token.as_deref().expect("setup token") }))
        .send()
        .await
        .expect("POST");
    let (status, body) = crate::json_of(setup).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["role"], "admin");

    // A repeated delivery id is acknowledged but not acted on again.
    let renamed = user_event("user.updated", "user_grace", "Amazing Grace");
    let (status, reply) = deliver_signed(&server, "msg_1", &renamed).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(reply["duplicate"], true);
    assert_eq!(me_with_bearer(&server, &key.token("user_grace", json!({}))).await.1["user"]["name"], "Grace Hopper");
    // The same change under a new id is applied.
    assert_eq!(deliver_signed(&server, "msg_2", &renamed).await.0, StatusCode::OK);
    let me = me_with_bearer(&server, &key.token("user_grace", json!({}))).await.1;
    assert_eq!(me["user"]["name"], "Amazing Grace Hopper");
    assert_eq!(me["user"]["role"], "admin", "roles stay coderoom's");

    // Deleted in Clerk: the account can no longer be used.
    let deleted =
        json!({"type": "user.deleted", "data": {"id": "user_grace", "deleted": true, "object": "user"}}).to_string();
    assert_eq!(deliver_signed(&server, "msg_3", &deleted).await.0, StatusCode::OK);
    assert_eq!(me_status(&server, &key.token("user_grace", json!({}))).await, StatusCode::UNAUTHORIZED);
}

fn server_claims_of(token: &str) -> Value {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.validate_exp = false;
    validation.set_required_spec_claims::<&str>(&[]);
    jsonwebtoken::decode::<Value>(token, &DecodingKey::from_secret(STREAM_SECRET.as_bytes()), &validation)
        .expect("a token signed with the Stream secret")
        .claims
}

#[tokio::test]
async fn stream_tokens_and_rest_calls() {
    let (vendor, vendor_url) = Vendor::start().await;
    let server = Server::start_with_env(&[
        ("CODEROOM_STREAM_API_KEY", STREAM_KEY),
        ("CODEROOM_STREAM_API_SECRET", STREAM_SECRET),
        ("CODEROOM_STREAM_BASE_URL", &vendor_url),
    ]);
    let (_, config) = server.anon().get_json("/api/config").await;
    assert_eq!(config["streamApiKey"], STREAM_KEY);
    assert!(!config.to_string().contains(STREAM_SECRET));

    let (host, host_user) = server.interviewer("Hana").await;
    let (guest, guest_user) = server.user("Gus").await;
    let (status, chat) = host.get_json("/api/chat/token").await;
    assert_eq!(status, StatusCode::OK, "{chat}");
    assert_eq!(chat["userId"], host_user["id"]);
    assert_eq!(chat["userName"], "Hana");
    assert!(chat.get("userImage").is_some());
    let claims = server_claims_of(chat["token"].as_str().expect("token"));
    assert_eq!(claims["user_id"], host_user["id"]);
    let (iat, exp) = (claims["iat"].as_i64().expect("iat"), claims["exp"].as_i64().expect("exp"));
    assert!((iat - now()).abs() < 60 && exp - iat == 3600, "expiring token: {claims}");
    assert_eq!(server.anon().get_json("/api/chat/token").await.0, StatusCode::UNAUTHORIZED);

    let (status, created) = host.post_json("/api/sessions", json!({"problem": "two-sum", "visibility": "open"})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let session_id = created["session"]["id"].as_str().expect("id").to_string();
    let call_id = created["session"]["callId"].as_str().expect("callId").to_string();
    assert_eq!(guest.post_empty_json(&format!("/api/sessions/{session_id}/join")).await.0, StatusCode::OK);
    assert_eq!(host.post_empty_json(&format!("/api/sessions/{session_id}/end")).await.0, StatusCode::OK);

    let requests = vendor.wait_for_requests(7).await;
    let expected = [
        (Method::POST, "/users".to_string()),
        (Method::POST, format!("/api/v2/video/call/default/{call_id}")),
        (Method::POST, format!("/channels/messaging/{call_id}/query")),
        (Method::POST, "/users".to_string()),
        (Method::POST, format!("/channels/messaging/{call_id}")),
        (Method::POST, format!("/api/v2/video/call/default/{call_id}/delete")),
        (Method::DELETE, format!("/channels/messaging/{call_id}")),
    ];
    assert_eq!(requests.len(), expected.len(), "{requests:#?}");
    for (request, (method, path)) in requests.iter().zip(&expected) {
        assert_eq!((&request.method, &request.path), (method, path));
        assert!(request.query.split('&').any(|pair| pair == format!("api_key={STREAM_KEY}")), "{request:?}");
        assert_eq!(request.headers.get("stream-auth-type").and_then(|v| v.to_str().ok()), Some("jwt"));
        let authorization = request.headers.get("authorization").and_then(|v| v.to_str().ok()).expect("Authorization");
        assert!(!authorization.starts_with("Bearer"), "Stream wants the bare JWT");
        assert_eq!(server_claims_of(authorization)["server"], true);
    }
    let body = |index: usize| serde_json::from_slice::<Value>(&requests[index].body).expect("json body");
    assert_eq!(body(1)["data"]["created_by_id"], host_user["id"]);
    assert_eq!(body(2)["data"]["members"], json!([host_user["id"]]));
    assert!(body(3)["users"].get(guest_user["id"].as_str().expect("id")).is_some());
    assert_eq!(body(4)["add_members"], json!([guest_user["id"]]));
    assert_eq!(body(5)["hard"], true);
    assert!(requests[6].query.contains("hard_delete=true"));

    let (_, ready) = server.anon().get_json("/readyz").await;
    assert_eq!(ready["components"]["stream"]["status"], "ok", "{ready}");
}

#[tokio::test]
async fn stream_failures_never_break_sessions_and_no_keys_means_built_in() {
    let plain = Server::start();
    let (user, _) = plain.user("Noa").await;
    assert_error(user.get_json("/api/chat/token").await, StatusCode::NOT_FOUND, "not configured");
    assert_eq!(plain.anon().get_json("/api/config").await.1["streamApiKey"], Value::Null);

    // Stream unreachable (nothing listens on the port): sessions still work, and the
    // failure shows up in /readyz without making coderoom unready.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead_url = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let server = Server::start_with_env(&[
        ("CODEROOM_STREAM_API_KEY", STREAM_KEY),
        ("CODEROOM_STREAM_API_SECRET", STREAM_SECRET),
        ("CODEROOM_STREAM_BASE_URL", &dead_url),
    ]);
    let (host, _) = server.interviewer("Ola").await;
    let (status, created) = host.post_json("/api/sessions", json!({"problem": "two-sum"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["session"]["id"].as_str().expect("id");
    assert_eq!(host.post_empty_json(&format!("/api/sessions/{id}/end")).await.0, StatusCode::OK);
    for _ in 0..100 {
        let (status, ready) = server.anon().get_json("/readyz").await;
        if ready["components"]["stream"]["status"] == "degraded" {
            assert_eq!(status, StatusCode::OK);
            let shown = ready.to_string();
            assert!(!shown.contains(STREAM_SECRET), "{shown}");
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("Stream failures were not surfaced in /readyz");
}

#[test]
fn config_check_names_integration_keys_and_show_hides_secrets() {
    let temp = tempfile::tempdir().expect("tempdir");
    let file = temp.path().join("coderoom.toml");
    std::fs::write(
        &file,
        "[auth]\nprovider = \"clerk\"\n\n[clerk]\npublishable_key = \"pk_nope\"\nwebhook_secret = \"secret\"\n\n[stream]\napi_key = \"k\"\n",
    )
    .expect("write");
    let output = Command::new(BINARY).args(["config", "check"]).arg(&file).output().expect("run");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    for key in ["line 5: clerk.publishable_key", "line 6: clerk.webhook_secret", "stream.api_secret"] {
        assert!(text.contains(key), "`{key}` missing from:\n{text}");
    }

    let output = Command::new(BINARY)
        .args(["config", "show"])
        .env("CODEROOM_AUTH_PROVIDER", "clerk")
        .env("CODEROOM_CLERK_PUBLISHABLE_KEY", publishable_key())
        .env("CODEROOM_CLERK_SECRET_KEY", "sk_test_very_secret_value")
        .env("CODEROOM_CLERK_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("CODEROOM_STREAM_API_KEY", STREAM_KEY)
        .env("CODEROOM_STREAM_API_SECRET", STREAM_SECRET)
        .env("CODEROOM_STREAM_BASE_URL", "http://127.0.0.1:9")
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
    assert!(text.contains(&publishable_key()) && text.contains(STREAM_KEY), "{text}");
    assert!(text.contains("http://127.0.0.1:9"), "{text}");
    for secret in ["sk_test_very_secret_value", WEBHOOK_SECRET, STREAM_SECRET] {
        assert!(!text.contains(secret), "{secret} shown:\n{text}");
    }

    // Company sign-in: what it needs is named, a plain-http issuer off this machine is refused,
    // and the client secret is never shown.
    std::fs::write(&file, "[auth]\nprovider = \"oidc\"\n\n[oidc]\nissuer = \"http://sso.internal/realms/staff\"\n")
        .expect("write");
    let output = Command::new(BINARY).args(["config", "check"]).arg(&file).output().expect("run");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    for key in ["line 5: oidc.issuer", "oidc.client_id"] {
        assert!(text.contains(key), "`{key}` missing from:\n{text}");
    }
    let output = Command::new(BINARY)
        .args(["config", "show"])
        .env("CODEROOM_AUTH_PROVIDER", "oidc")
        .env("CODEROOM_OIDC_ISSUER", "https://sso.example.com/realms/staff")
        .env("CODEROOM_OIDC_CLIENT_ID", "coderoom")
        .env("CODEROOM_OIDC_CLIENT_SECRET", "oidc-very-secret-value")
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        text.contains("https://sso.example.com/realms/staff") && !text.contains("oidc-very-secret-value"),
        "{text}"
    );
}

#[tokio::test]
async fn config_check_online_reaches_clerk_and_stream() {
    let (vendor, vendor_url) = Vendor::start().await;
    vendor.set_keys(&[&TestKey::generate("kid_one")]);
    let temp = tempfile::tempdir().expect("tempdir");
    let file = temp.path().join("coderoom.toml");
    let write = |base: &str| {
        let text = format!(
            "[auth]\nprovider = \"clerk\"\n[clerk]\npublishable_key = \"{}\"\njwks_url = \"{base}/jwks\"\n\
             [stream]\napi_key = \"{STREAM_KEY}\"\napi_secret = \"{STREAM_SECRET}\"\nbase_url = \"{base}\"\n",
            publishable_key()
        );
        std::fs::write(&file, text).expect("write");
    };
    let check = |file: std::path::PathBuf| async move {
        tokio::task::spawn_blocking(move || {
            Command::new(BINARY).args(["config", "check", "--online"]).arg(&file).output().expect("run")
        })
        .await
        .expect("join")
    };
    write(&vendor_url);
    let output = check(file.clone()).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    let app_request = vendor.requests().into_iter().find(|r| r.path == "/app").expect("GET /app");
    assert_eq!(app_request.headers.get("stream-auth-type").and_then(|v| v.to_str().ok()), Some("jwt"));

    write("http://127.0.0.1:9");
    let output = check(file.clone()).await;
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success());
    assert!(text.contains("clerk: cannot load signing keys") && text.contains("stream:"), "{text}");
    assert!(!text.contains(STREAM_SECRET), "{text}");
}
