//! The command line: `serve` (the default) and the administration commands. Each command
//! is a thin call into the domain that owns the work.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use serde_json::json;

use crate::auth::{self, Role, password, store};
use crate::config::{self, Config};
use crate::{apikeys, app, db, problems, record, sandbox, tls};

/// Prints one line of command output. A reader that leaves early (`coderoom problems list |
/// head`) ends the command the way SIGPIPE ends a Unix tool (status 141), where `println!`
/// would panic.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::write_line(format_args!($($arg)*))
    };
}
pub(crate) use say;

pub fn write_line(line: std::fmt::Arguments) {
    match writeln!(io::stdout().lock(), "{line}") {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => std::process::exit(141),
        Err(err) => {
            eprintln!("error: cannot write the output: {err}");
            std::process::exit(1);
        }
    }
}

#[derive(Parser)]
#[command(name = "coderoom", version, about = "Self-hosted coding interviews: one binary, one command")]
pub struct Cli {
    /// Configuration file (TOML). Settings there are overridden by CODEROOM_* variables.
    #[arg(long, global = true, env = "CODEROOM_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on, e.g. 127.0.0.1:8080 (overrides file and environment).
    #[arg(long, global = true)]
    pub bind: Option<String>,
    /// Folder for the database and the generated secret (overrides file and environment).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the server (the default when no command is given).
    Serve,
    /// Inspect configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Manage accounts (the server must be stopped when the database is embedded).
    #[command(subcommand)]
    Users(UsersCommand),
    /// Manage the problem library: list, show, add, import, export, validate, remove.
    #[command(subcommand)]
    Problems(problems::cli::ProblemsCommand),
    /// Build, list, check and test the code-execution runtimes.
    Runtimes(sandbox::cli::RuntimesArgs),
    /// Create, list and revoke API keys of the Piston API (works while the server runs, too).
    #[command(subcommand)]
    Apikeys(apikeys::cli::ApiKeysCommand),
    /// Manage the scorecard rubrics: list, show, import, default, remove (works while the
    /// server runs, too).
    #[command(subcommand)]
    Rubrics(record::rubrics::RubricsCommand),
    /// Write the whole database to FILE (works while the server runs, too).
    Backup { file: PathBuf },
    /// Show the audit log, newest first: sign-ins, role changes, removals, keys, backups
    /// (works while the server runs, too).
    Audit(crate::audit::cli::AuditArgs),
    /// Load FILE into an empty database (server stopped).
    Restore {
        file: PathBuf,
        /// Delete everything the database holds first, so that the backup replaces it.
        #[arg(long)]
        force: bool,
    },
    /// Exit 0 when the server at the configured address is ready (for container health checks).
    Healthcheck,
    /// Print the OpenAPI 3.1 document of the HTTP API (as served at /api/openapi.json).
    Openapi,
    /// HTTPS: coderoom's certificate authority and the mode in force.
    #[command(subcommand)]
    Tls(TlsCommand),
}

#[derive(Subcommand)]
pub enum TlsCommand {
    /// Print the authority's certificate (created when missing, in `auto` mode) and, on
    /// standard error, how to trust it: `coderoom tls ca > coderoom-ca.crt`.
    Ca,
    /// Print the mode in force: auto, files or off.
    Mode,
}

#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Validate a configuration file and report every problem with its line and key.
    Check {
        file: Option<PathBuf>,
        /// Also check that the configured Clerk and Stream endpoints answer with these keys.
        #[arg(long)]
        online: bool,
    },
    /// Print the effective configuration (secrets hidden).
    Show,
}

#[derive(Subcommand)]
pub enum UsersCommand {
    /// Create an account.
    Create(CreateUser),
    /// List accounts.
    List,
    /// Change an account's role.
    SetRole { email: String, role: Role },
    /// Set a new password (printed when not given) and sign the user out everywhere.
    ResetPassword {
        email: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// Allow an address to register when registration is invite-only.
    Invite { email: String },
    /// Block an account from signing in.
    Disable { email: String },
    /// Allow a disabled account to sign in again.
    Enable { email: String },
}

#[derive(Args)]
pub struct CreateUser {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub email: String,
    /// Printed when not given.
    #[arg(long)]
    pub password: Option<String>,
    #[arg(long, value_enum, default_value = "interviewer")]
    pub role: Role,
}

impl Cli {
    /// The configuration: file ← environment ← these flags.
    pub fn load_config(&self) -> anyhow::Result<Config> {
        let mut config = Config::load(self.config.as_deref())?;
        if let Some(bind) = &self.bind {
            config.bind = bind.clone();
        }
        if let Some(dir) = &self.data_dir {
            config.data_dir = dir.clone();
        }
        config.bind_addr()?;
        Ok(config)
    }
}

pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => app::serve(config).await,
        Command::Config(ConfigCommand::Check { file, online }) => {
            let file = file.or(cli.config).context("give the file to check: coderoom config check FILE")?;
            anyhow::ensure!(check_config(&file, online)?, "{} has problems", file.display());
            Ok(())
        }
        Command::Config(ConfigCommand::Show) => show_config(config),
        Command::Users(command) => users(command, &config).await,
        Command::Problems(command) => problems::cli::run(command, &config).await,
        Command::Runtimes(command) => sandbox::cli::run_cli(command, &config).await,
        Command::Apikeys(command) => apikeys::cli::run(command, &config).await,
        Command::Rubrics(command) => record::rubrics::run(command, &config).await,
        Command::Backup { file } => backup(&config, &file).await,
        Command::Audit(args) => crate::audit::cli::run(args, &config).await,
        Command::Healthcheck => healthcheck(&config).await,
        Command::Openapi => {
            say!("{}", serde_json::to_string_pretty(crate::openapi::document())?);
            Ok(())
        }
        Command::Tls(command) => tls_command(command, &config),
        Command::Restore { file, force } => {
            let db = open_db(&config).await?;
            // Restore reads the problem library's tables to refuse overwriting imported problems.
            problems::store::ensure_schema(&db).await?;
            db::restore(&db, &file, force).await?;
            // Written into the restored database, so that its log says where its state came from.
            let event = crate::audit::Event::new("backup.restored").by(crate::audit::Actor::command_line());
            crate::audit::record(&db, event.detail(json!({ "file": file.display().to_string(), "force": force })))
                .await;
            say!("restored {}", file.display());
            Ok(())
        }
    }
}

/// `config check`: exit status 0 when valid, 1 with one line per problem otherwise.
pub fn check_config(file: &Path, online: bool) -> anyhow::Result<bool> {
    let mut problems = config::check_file(file)?;
    if online && problems.is_empty() {
        let text = std::fs::read_to_string(file)?;
        let config: Config = toml::from_str(&text)?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        problems.extend(runtime.block_on(crate::integrations::check_reachable(&config)));
    }
    for problem in &problems {
        say!("{}: {problem}", file.display());
    }
    if problems.is_empty() {
        say!("{}: ok", file.display());
    }
    Ok(problems.is_empty())
}

/// Secrets print as `(hidden)` (see `settings::Secret`).
fn show_config(config: Config) -> anyhow::Result<()> {
    say!("{}", toml::to_string_pretty(&config)?.trim_end());
    Ok(())
}

pub(crate) async fn open_db(config: &Config) -> anyhow::Result<db::Db> {
    db::connect(&config.database, &config.data_dir).await.context(
        "cannot open the database; if coderoom is running with the embedded database, stop it first \
         (or use the web administration)",
    )
}

async fn users(command: UsersCommand, config: &Config) -> anyhow::Result<()> {
    let db = open_db(config).await?;
    match command {
        UsersCommand::Create(new) => {
            let name = auth::normalize_name(&new.name).map_err(|e| anyhow::anyhow!("{e}"))?;
            let email = auth::normalize_email(&new.email).map_err(|e| anyhow::anyhow!("{e}"))?;
            let (password, generated) = password_or_generated(new.password);
            password::check_strength(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
            let hash = password::hash(password.clone()).await?;
            let user = store::NewUser { name: &name, email: &email, password_hash: &hash, role: new.role };
            match store::create(&db, user).await? {
                store::CreateOutcome::Created(record) => {
                    say!("created {} <{}> as {:?}", record.name, record.email, record.role);
                    if generated {
                        say!("password: {password}");
                    }
                }
                store::CreateOutcome::EmailTaken => anyhow::bail!("an account with {email} already exists"),
            }
        }
        UsersCommand::List => {
            for record in store::list(&db).await? {
                let state = if record.disabled { " (disabled)" } else { "" };
                say!("{:<12} {:<32} {}{state}", format!("{:?}", record.role).to_lowercase(), record.email, record.name);
            }
        }
        UsersCommand::SetRole { email, role } => {
            change_user(&db, &email, json!({ "role": role }), "user.role_changed", json!({ "to": role })).await?;
            say!("{email} is now {role:?}");
        }
        UsersCommand::ResetPassword { email, password: given } => {
            let (password, generated) = password_or_generated(given);
            password::check_strength(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
            let hash = password::hash(password.clone()).await?;
            change_user(&db, &email, json!({ "password_hash": hash }), "user.password_reset", json!(null)).await?;
            say!("password of {email} reset; existing sign-ins revoked");
            if generated {
                say!("password: {password}");
            }
        }
        UsersCommand::Invite { email } => {
            let email = auth::normalize_email(&email).map_err(|e| anyhow::anyhow!("{e}"))?;
            store::add_invite(&db, &email).await?;
            let event = crate::audit::Event::new("user.invited").by(crate::audit::Actor::command_line()).on(&email);
            crate::audit::record(&db, event).await;
            say!("{email} may now register");
        }
        UsersCommand::Disable { email } => {
            change_user(&db, &email, json!({ "disabled": true }), "user.disabled", json!(null)).await?;
            say!("{email} is disabled");
        }
        UsersCommand::Enable { email } => {
            change_user(&db, &email, json!({ "disabled": false }), "user.enabled", json!(null)).await?;
            say!("{email} is enabled");
        }
    }
    Ok(())
}

/// Applies `changes` to the account and records `action` (with `detail`, never the changes
/// themselves: one of them may be a password hash) in the audit log.
async fn change_user(
    db: &db::Db,
    email: &str,
    changes: serde_json::Value,
    action: &'static str,
    detail: serde_json::Value,
) -> anyhow::Result<()> {
    let email = email.trim().to_lowercase();
    let updated =
        store::update_by_email(db, &email, changes).await?.ok_or_else(|| anyhow::anyhow!("no account with {email}"))?;
    let event = crate::audit::Event::new(action).by(crate::audit::Actor::command_line()).on(&updated.id);
    crate::audit::record(db, event.detail(json!({ "email": email, "change": detail }))).await;
    Ok(())
}

fn password_or_generated(given: Option<String>) -> (String, bool) {
    match given {
        Some(password) => (password, false),
        None => (uuid::Uuid::new_v4().simple().to_string()[..20].to_string(), true),
    }
}

fn tls_command(command: TlsCommand, config: &Config) -> anyhow::Result<()> {
    let mode = config.tls.effective_mode(&config.bind);
    match command {
        TlsCommand::Mode => say!("{}", mode.as_str()),
        TlsCommand::Ca => {
            anyhow::ensure!(
                mode == tls::TlsMode::Auto,
                "tls.mode is `{}`: coderoom has no authority of its own to trust (that is `auto`)",
                mode.as_str()
            );
            let authority = tls::Authority::load_or_create(&config.data_dir)?;
            say!("{}", authority.cert_pem.trim_end());
            let ca_url = tls::ca_url(config)?;
            eprintln!(
                "{}\n{}",
                tls::ca_cert_path(&config.data_dir).display(),
                tls::trust_instructions(&authority, &ca_url)
            );
        }
    }
    Ok(())
}

/// A client for this machine's own server: over HTTPS it trusts coderoom's authority, or in
/// `files` mode any certificate (the company's names rarely include the loopback address).
fn local_client(config: &Config, timeout: std::time::Duration) -> anyhow::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder().timeout(timeout);
    match config.tls.effective_mode(&config.bind) {
        tls::TlsMode::Off => {}
        // Without an authority no server has served HTTPS from this data folder yet.
        tls::TlsMode::Auto => {
            if let Ok(pem) = std::fs::read(tls::ca_cert_path(&config.data_dir)) {
                builder = builder.tls_certs_only([reqwest::Certificate::from_pem(&pem)?]);
            }
        }
        tls::TlsMode::Files => builder = builder.tls_danger_accept_invalid_certs(true),
    }
    Ok(builder.build()?)
}

async fn healthcheck(config: &Config) -> anyhow::Result<()> {
    let response = local_client(config, std::time::Duration::from_secs(4))?
        .get(format!("{}/readyz", local_url(config)?))
        .send()
        .await?;
    anyhow::ensure!(response.status().is_success(), "not ready: {}", response.text().await.unwrap_or_default());
    Ok(())
}

/// How this machine reaches the configured listener (a wildcard bind is reached on loopback).
fn local_url(config: &Config) -> anyhow::Result<String> {
    let mut addr = config.bind_addr()?;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let scheme = if config.serves_tls() { "https" } else { "http" };
    Ok(format!("{scheme}://{addr}"))
}

/// The local server, when one is running, and an administrator's five-minute service token
/// for it: commands that must not open the embedded store beside it use its HTTP API.
pub(crate) struct RunningServer {
    pub base: String,
    pub client: reqwest::Client,
    pub token: String,
}

pub(crate) async fn running_server(
    config: &Config,
    timeout: std::time::Duration,
) -> anyhow::Result<Option<RunningServer>> {
    let base = local_url(config)?;
    let client = local_client(config, timeout)?;
    let running = client.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success());
    if !running {
        return Ok(None);
    }
    let secret = auth::token::load_or_create_secret(config.auth.secret.as_deref(), &config.data_dir)?;
    let token = auth::token::TokenKeys::new(&secret, 1).issue_service()?;
    Ok(Some(RunningServer { base, client, token }))
}

/// Through the running server when there is one (the embedded store allows one process),
/// straight from the database otherwise.
async fn backup(config: &Config, file: &Path) -> anyhow::Result<()> {
    if let Some(server) = running_server(config, std::time::Duration::from_secs(600)).await? {
        let RunningServer { base, client, token } = server;
        let mut response = client.get(format!("{base}/api/admin/backup")).bearer_auth(token).send().await?;
        anyhow::ensure!(response.status().is_success(), "the server refused the backup: {}", response.status());
        let mut out = db::BackupFile::create(file).await?;
        while let Some(chunk) = response.chunk().await.context("the backup download broke off")? {
            out.write(&chunk).await?;
        }
        let bytes = out.commit().await?;
        say!("backed up the running server at {base} to {} ({bytes} bytes)", file.display());
    } else {
        let db = open_db(config).await?;
        let event = crate::audit::Event::new("backup.written").by(crate::audit::Actor::command_line());
        crate::audit::record(&db, event.detail(json!({ "file": file.display().to_string() }))).await;
        let bytes = db::backup(&db, file).await?;
        say!("backed up {} to {} ({bytes} bytes)", config.data_dir.display(), file.display());
    }
    Ok(())
}
