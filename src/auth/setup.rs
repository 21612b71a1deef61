//! First-run setup. While no administrator exists, creating one takes a one-time setup
//! token that only whoever runs the server can see: `serve` prints it at start and keeps it in
//! `<data_dir>/setup-token` (mode 0600) until it is used, so a restart or `install.sh` shows
//! the same token. Anyone else on the network who registers first gets an ordinary account.
//! `coderoom users create --role admin` needs no token: it already runs as the server's owner.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;
use rand::RngCore;

use super::store;
use crate::db::Db;

pub const TOKEN_FILE: &str = "setup-token";

pub struct Setup {
    file: PathBuf,
    /// `None` once an administrator exists (at start, or since the token was used).
    token: Mutex<Option<String>>,
}

impl Setup {
    /// Reads or creates the token when the installation has no administrator yet; removes a
    /// leftover token file otherwise.
    pub async fn prepare(db: &Db, data_dir: &Path) -> anyhow::Result<Self> {
        let file = data_dir.join(TOKEN_FILE);
        let token = if store::count_active_admins(db).await? == 0 {
            Some(load_or_create(&file)?)
        } else {
            remove_file(&file);
            None
        };
        Ok(Self { file, token: Mutex::new(token) })
    }

    /// The token to show on the console at start, while one is needed.
    pub fn pending_token(&self) -> Option<String> {
        self.lock().clone()
    }

    /// Where the token is kept, for the console message.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Takes the token when `offered` is it: exactly one caller gets `Some`, and the token
    /// is gone for everyone else until that caller drops it without [`Redeemed::complete`]
    /// (the administrator could not be created after all).
    pub fn redeem(&self, offered: &str) -> Option<Redeemed<'_>> {
        let mut token = self.lock();
        let matches =
            token.as_deref().is_some_and(|expected| constant_time_eq(expected.as_bytes(), offered.trim().as_bytes()));
        if !matches {
            return None;
        }
        token.take().map(|token| Redeemed { setup: self, token: Some(token) })
    }

    /// The administrator exists: the token file goes, so it cannot be used again after a restart.
    pub fn finish(&self) {
        self.lock().take();
        remove_file(&self.file);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.token.lock().unwrap_or_else(|poison| poison.into_inner())
    }
}

/// A setup token taken by one request; given back when dropped unless completed.
pub struct Redeemed<'a> {
    setup: &'a Setup,
    token: Option<String>,
}

impl Redeemed<'_> {
    /// The administrator was created: the token is spent for good.
    pub fn complete(mut self) {
        self.token = None;
        self.setup.finish();
    }
}

impl Drop for Redeemed<'_> {
    fn drop(&mut self) {
        if let Some(token) = self.token.take() {
            *self.setup.lock() = Some(token);
        }
    }
}

/// Prints the token on the console (never into the log) while no administrator exists.
pub fn announce(setup: &Setup, url: &str) {
    if let Some(token) = setup.pending_token() {
        println!("coderoom has no administrator yet. Open {url}/register and enter this one-time setup token:");
        println!("setup token: {token}");
        println!(
            "(it is also in {}; `coderoom users create --role admin` creates an administrator without it)",
            setup.file().display()
        );
    }
}

fn load_or_create(file: &Path) -> anyhow::Result<String> {
    if let Ok(text) = std::fs::read_to_string(file)
        && text.trim().len() >= 16
    {
        return Ok(text.trim().to_string());
    }
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    remove_file(file);
    super::token::write_private(file, &token)?;
    Ok(token)
}

fn remove_file(file: &Path) {
    if let Err(err) = std::fs::remove_file(file)
        && err.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(file = %file.display(), error = %err, "cannot remove the setup token file");
    }
}

/// Compares secrets in time that depends only on their length.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_token_redeems_once() {
        let setup = Setup { file: PathBuf::from("/nonexistent/setup-token"), token: Mutex::new(Some("abc123".into())) };
        assert!(setup.redeem("abc12").is_none());
        assert!(setup.redeem("").is_none());
        let redeemed = setup.redeem(" abc123 ").expect("redeemed");
        assert!(setup.redeem("abc123").is_none(), "a token works once");
        drop(redeemed);
        let redeemed = setup.redeem("abc123").expect("given back when not completed");
        redeemed.complete();
        assert!(setup.redeem("abc123").is_none());
        assert!(setup.pending_token().is_none());
    }
}
