//! Integration tests: each test starts the real `coderoom` binary on 127.0.0.1 with its own
//! fresh data folder and talks to it over HTTP, as a browser or API client would — except those
//! in `in_process`, which call the library's router directly (no process, no socket).

mod access;
mod accounts;
mod admin;
mod audit;
mod cli;
mod cluster;
mod contract;
mod durability;
mod engines;
mod in_process;
mod integrations;
mod invitations;
mod judge_integrity;
mod metrics;
mod operations;
mod piston_access;
mod piston_client;
mod problem_files;
mod problems;
mod realtime;
mod realtime_security;
mod record;
mod sandbox;
mod sessions;
mod tls;
mod whiteboard;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

pub const BINARY: &str = env!("CARGO_BIN_EXE_coderoom");

/// A running coderoom process. Killed (SIGKILL) when dropped.
pub struct Server {
    pub url: String,
    pub data_dir: PathBuf,
    child: Child,
    _temp: Option<tempfile::TempDir>,
    pub http: reqwest::Client,
    /// The first-run setup token the server printed (none when it already had an administrator).
    pub setup_token: Option<String>,
    /// The administrator [`Server::admin`] created first, who promotes any later ones.
    first_admin: tokio::sync::Mutex<Option<Client>>,
}

impl Server {
    /// A server with a fresh data folder.
    pub fn start() -> Self {
        Self::start_with_env(&[])
    }

    pub fn start_with_env(env: &[(&str, &str)]) -> Self {
        let temp = tempfile::tempdir().expect("temp dir");
        let data_dir = temp.path().join("data");
        let mut server = Self::start_in(&data_dir, env);
        server._temp = Some(temp);
        server
    }

    /// A server on an existing data folder (for restarts), listening on a free port.
    pub fn start_in(data_dir: &Path, env: &[(&str, &str)]) -> Self {
        let mut command = Command::new(BINARY);
        command
            .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir)
            .env("CODEROOM_LOG_LEVEL", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        for (key, value) in env {
            command.env(key, value);
        }
        Self::spawn(command, data_dir)
    }

    pub fn spawn(mut command: Command, data_dir: &Path) -> Self {
        let mut child = command.spawn().expect("start coderoom");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut setup_token = None;
        let url = loop {
            let line = lines.next().expect("coderoom exited before it was ready").expect("read stdout");
            if let Some(token) = line.strip_prefix("setup token: ") {
                setup_token = Some(token.trim().to_string());
            }
            if let Some(rest) = line.strip_prefix("coderoom is listening on ") {
                break rest.split_whitespace().next().expect("url").to_string();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().expect("client");
        Self {
            url,
            data_dir: data_dir.to_path_buf(),
            child,
            _temp: None,
            http,
            setup_token,
            first_admin: tokio::sync::Mutex::new(None),
        }
    }

    /// The OS process id: for reading its memory from `/proc`, and sandbox containers carry it
    /// in their owner label.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGTERM, and the exit status once the server has shut down.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().expect("send SIGTERM");
        self.child.wait().expect("wait for exit")
    }

    pub fn take_temp(&mut self) -> Option<tempfile::TempDir> {
        self._temp.take()
    }

    pub fn anon(&self) -> Client {
        Client { base: self.url.clone(), http: self.http.clone(), cookie: None }
    }

    /// An administrator account: the first one is registered with the setup token the server
    /// printed, as a person setting up the server would; later ones are promoted by the first.
    pub async fn admin(&self, name: &str) -> (Client, Value) {
        let mut first_admin = self.first_admin.lock().await;
        let (client, user) = match first_admin.as_ref() {
            None => {
                let token = self.setup_token.as_deref().expect("the server printed no setup token");
                let body = json!({
                    "name": name, "email": unique_email(name), "password": PASSWORD, "setupToken": token,
                });
                self.register_with(body).await
            }
            Some(admin) => self.promoted(admin, name, "admin").await,
        };
        assert_eq!(user["role"], "admin", "{user}");
        first_admin.get_or_insert_with(|| client.clone());
        (client, user)
    }

    /// An interviewer account (who may host sessions), promoted by the first administrator.
    pub async fn interviewer(&self, name: &str) -> (Client, Value) {
        self.account_with_role(name, &unique_email(name), PASSWORD, "interviewer").await
    }

    /// A new account given `role` by the first administrator, signed in again.
    pub async fn account_with_role(&self, name: &str, email: &str, password: &str, role: &str) -> (Client, Value) {
        let admin = self.first_admin.lock().await.clone();
        let admin = match admin {
            Some(admin) => admin,
            None => self.admin("First Admin").await.0,
        };
        self.promoted_with(&admin, name, email, password, role).await
    }

    /// A new account given `role` by `admin`, signed in again (the change signed it out).
    async fn promoted(&self, admin: &Client, name: &str, role: &str) -> (Client, Value) {
        self.promoted_with(admin, name, &unique_email(name), PASSWORD, role).await
    }

    async fn promoted_with(
        &self,
        admin: &Client,
        name: &str,
        email: &str,
        password: &str,
        role: &str,
    ) -> (Client, Value) {
        let (_, user) = self.register(name, email, password).await;
        let id = user["id"].as_str().expect("user id");
        let (status, body) = admin.patch_json(&format!("/api/admin/users/{id}"), json!({ "role": role })).await;
        assert_eq!(status, StatusCode::OK, "make {email} {role}: {body}");
        self.login(email, password).await
    }

    /// Signs in with e-mail and password.
    pub async fn login(&self, email: &str, password: &str) -> (Client, Value) {
        let mut client = self.anon();
        let response = client.post("/api/auth/login", json!({ "email": email, "password": password })).await;
        assert_eq!(response.status(), StatusCode::OK, "login {email}");
        client.cookie = Some(session_cookie(&response).expect("login sets a cookie"));
        let body: Value = response.json().await.expect("json");
        (client, body["user"].clone())
    }

    /// Registers a new account (unique e-mail) and returns a client signed in as it.
    pub async fn user(&self, name: &str) -> (Client, Value) {
        self.register(name, &unique_email(name), PASSWORD).await
    }

    pub async fn register(&self, name: &str, email: &str, password: &str) -> (Client, Value) {
        self.register_with(json!({ "name": name, "email": email, "password": password })).await
    }

    /// Registers with the given request body.
    pub async fn register_with(&self, body: Value) -> (Client, Value) {
        let mut client = self.anon();
        let response = client.post("/api/auth/register", body.clone()).await;
        assert_eq!(response.status(), StatusCode::CREATED, "register {body}");
        client.cookie = Some(session_cookie(&response).expect("register sets a cookie"));
        let body: Value = response.json().await.expect("json");
        (client, body["user"].clone())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

const PASSWORD: &str = "correct horse battery";

fn unique_email(name: &str) -> String {
    format!("{}-{}@example.test", name.to_lowercase().replace(char::is_whitespace, "-"), uuid_like())
}

pub fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{:x}{}", nanos, COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// `name=value` of the session cookie a response sets.
pub fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("coderoom_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

/// An HTTP client that may carry a session cookie.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub cookie: Option<String>,
}

impl Client {
    fn with_cookie(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.cookie {
            Some(cookie) => request.header(COOKIE, cookie),
            None => request,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.with_cookie(self.http.get(format!("{}{path}", self.base))).send().await.expect("GET")
    }

    /// A POST with a body of any content type, for the tests of malformed requests.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        let request = self.http.post(format!("{}{path}", self.base)).header("content-type", content_type).body(body);
        self.with_cookie(request).send().await.expect("POST")
    }

    pub async fn post(&self, path: &str, body: Value) -> reqwest::Response {
        self.with_cookie(self.http.post(format!("{}{path}", self.base))).json(&body).send().await.expect("POST")
    }

    pub async fn post_empty(&self, path: &str) -> reqwest::Response {
        self.with_cookie(self.http.post(format!("{}{path}", self.base))).send().await.expect("POST")
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Value) {
        json_of(self.get(path).await).await
    }

    pub async fn post_json(&self, path: &str, body: Value) -> (StatusCode, Value) {
        json_of(self.post(path, body).await).await
    }

    pub async fn post_empty_json(&self, path: &str) -> (StatusCode, Value) {
        json_of(self.post_empty(path).await).await
    }

    pub async fn patch_json(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let request = self.http.patch(format!("{}{path}", self.base)).json(&body);
        json_of(self.with_cookie(request).send().await.expect("PATCH")).await
    }

    pub async fn put_json(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let request = self.http.put(format!("{}{path}", self.base)).json(&body);
        json_of(self.with_cookie(request).send().await.expect("PUT")).await
    }

    pub async fn delete_json(&self, path: &str) -> (StatusCode, Value) {
        json_of(self.with_cookie(self.http.delete(format!("{}{path}", self.base))).send().await.expect("DELETE")).await
    }
}

pub async fn json_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: not JSON ({content_type}): {text}"));
    (status, body)
}

/// Asserts an error response: the status and a JSON `{"message"}` containing `needle`.
pub fn assert_error(actual: (StatusCode, Value), status: StatusCode, needle: &str) {
    let (got, body) = actual;
    assert_eq!(got, status, "unexpected status, body {body}");
    let message = body["message"].as_str().unwrap_or_else(|| panic!("no message in {body}"));
    assert!(message.contains(needle), "message `{message}` lacks `{needle}`");
}
