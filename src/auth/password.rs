//! Password hashing with argon2id. Hashing is deliberately slow, so it runs on the
//! blocking pool instead of stalling the async workers.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::AppError;

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 256;

fn hasher() -> Argon2<'static> {
    // OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn check_strength(password: &str) -> Result<(), AppError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(AppError::bad_request(format!("Password must be at least {MIN_LENGTH} characters")));
    }
    if password.len() > MAX_LENGTH {
        return Err(AppError::bad_request(format!("Password must be at most {MAX_LENGTH} bytes")));
    }
    Ok(())
}

pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|err| anyhow::anyhow!("password hashing failed: {err}"))
    })
    .await?
}

/// True when `password` matches `stored`. A malformed stored hash counts as a mismatch.
pub async fn verify(password: String, stored: String) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        hasher().verify_password(password.as_bytes(), &parsed).is_ok()
    })
    .await
    .map_err(Into::into)
}

/// A hash of a random password: compared against when the e-mail is unknown, so that a
/// wrong address takes as long as a wrong password and does not reveal who has an account.
pub async fn decoy_hash() -> &'static str {
    static DECOY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DECOY
        .get_or_init(|| async {
            hash(uuid::Uuid::new_v4().to_string()).await.unwrap_or_else(|_| String::from("invalid"))
        })
        .await
}
