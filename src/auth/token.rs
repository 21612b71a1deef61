//! Sign-in tokens: HS256 JWTs carried in an HttpOnly cookie or a Bearer header, signed with
//! a secret from the configuration or generated once into the data folder.

use std::path::Path;

use anyhow::Context;
use base64::Engine;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

pub const COOKIE_NAME: &str = "coderoom_session";
const SECRET_FILE: &str = "auth-secret";
const ISSUER: &str = "coderoom";
pub const SERVICE_SUBJECT: &str = "service:cli";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Matches the user's `token_version`; bumping it (password reset, disable) revokes old tokens.
    pub ver: i64,
    pub iat: u64,
    pub exp: u64,
    pub iss: String,
    /// This token's own id: logging out revokes exactly this token.
    pub jti: String,
}

#[derive(Clone)]
pub struct TokenKeys {
    /// Derives invitation links' tokens (see [`TokenKeys::link_token`]).
    links: Hmac<Sha256>,
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl_secs: u64,
}

impl TokenKeys {
    pub fn new(secret: &[u8], ttl_hours: u64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 30;
        let mut links = <Hmac<Sha256> as Mac>::new_from_slice(secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
        links.update(b"coderoom invitation links");
        Self {
            links,
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl_secs: ttl_hours * 3600,
        }
    }

    pub fn ttl_secs(&self) -> u64 {
        self.ttl_secs
    }

    pub fn issue(&self, user_id: &str, version: i64) -> anyhow::Result<String> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            ver: version,
            iat: now,
            exp: now + self.ttl_secs,
            iss: ISSUER.into(),
            jti: new_token_id(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).context("cannot sign token")
    }

    /// A short-lived administrator token for the command line, which can read the secret
    /// from the data folder and so already holds every key to the server.
    pub fn issue_service(&self) -> anyhow::Result<String> {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: SERVICE_SUBJECT.into(),
            ver: 0,
            iat: now,
            exp: now + 300,
            iss: ISSUER.into(),
            jti: new_token_id(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).context("cannot sign token")
    }

    /// The secret token of the link with this `id`: 192 bits that only the server can derive,
    /// so the database keeps only its hash yet the host can read the link again.
    pub fn link_token(&self, id: &str) -> String {
        let mut mac = self.links.clone();
        mac.update(id.as_bytes());
        let digest = mac.finalize().into_bytes();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..24])
    }

    /// The claims of a valid, unexpired token; `None` for anything else.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation).ok().map(|data| data.claims)
    }
}

fn new_token_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The configured secret, or the one stored in the data folder, created on first start.
/// 256 random bits, hex-encoded: a one-time value the server keeps only a digest of.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn load_or_create_secret(configured: Option<&str>, data_dir: &Path) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = configured {
        return Ok(secret.as_bytes().to_vec());
    }
    let path = data_dir.join(SECRET_FILE);
    if path.exists() {
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        let secret = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .with_context(|| format!("{} is not valid base64", path.display()))?;
        anyhow::ensure!(secret.len() >= 32, "{} holds a secret shorter than 32 bytes", path.display());
        return Ok(secret);
    }
    std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;
    let mut secret = vec![0u8; 48];
    rand::rng().fill_bytes(&mut secret);
    write_private(&path, &base64::engine::general_purpose::STANDARD.encode(&secret))?;
    Ok(secret)
}

/// Creates `path` (which must not exist) readable by the owner only, with its contents on disk.
pub(crate) fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    Ok(())
}
