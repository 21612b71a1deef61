//! Password hashing with argon2id. Hashing is deliberately slow, so it runs on threads of its
//! own instead of stalling the async workers, and deliberately memory-hungry (19 MiB each), so
//! only a few run at once: the rest wait in a short queue, and when that is full the caller is
//! told the server is busy instead of the server growing without bound.

use std::sync::mpsc::{RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::error::AppError;

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 256;

/// OWASP's argon2id recommendation: 19 MiB, 2 iterations, 1 lane.
fn params() -> Params {
    Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid")
}

/// Argon2 working memory kept between hashes: a burst of sign-ins reuses the same few blocks
/// of 19 MiB instead of each hash freeing and reallocating its own (which leaves copies cached
/// in the allocator's arenas). Emptied once the hashing threads have been idle for
/// [`IDLE_RELEASE`], so an idle server does not hold 19 MiB per core for the sign-ins of the
/// morning.
static WORKING_MEMORY: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

/// How long the hashing threads wait for work before giving their memory back.
const IDLE_RELEASE: std::time::Duration = std::time::Duration::from_secs(1);

fn working_memory() -> std::sync::MutexGuard<'static, Vec<Vec<Block>>> {
    WORKING_MEMORY.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// The raw argon2 output for `password` and `salt` with the given settings.
fn compute(
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let blocks_needed = params.block_count();
    let argon2 = Argon2::new(algorithm, version, params);
    let kept = working_memory().pop();
    let mut blocks = match kept {
        Some(blocks) if blocks.len() == blocks_needed => blocks,
        _ => vec![Block::default(); blocks_needed],
    };
    let result = argon2.hash_password_into_with_memory(password, salt, out, &mut blocks[..]);
    working_memory().push(blocks);
    result
}

/// Gives the kept working memory back to the operating system.
fn release_working_memory() {
    let kept = std::mem::take(&mut *working_memory());
    if !kept.is_empty() {
        drop(kept);
        crate::memory::release_free_heap();
    }
}

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) for `password` with a new salt.
fn hash_now(password: &[u8]) -> anyhow::Result<String> {
    let failed = |err: &dyn std::fmt::Display| anyhow::anyhow!("password hashing failed: {err}");
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_bytes).map_err(|e| failed(&e))?;
    let mut output = [0u8; Params::DEFAULT_OUTPUT_LEN];
    compute(Algorithm::Argon2id, Version::V0x13, params(), password, salt_bytes, &mut output)
        .map_err(|e| failed(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params()).map_err(|e| failed(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&output).map_err(|e| failed(&e))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` gives the hash in the PHC string `stored`, with the settings recorded
/// there. Anything unreadable counts as a mismatch.
fn matches_now(password: &[u8], stored: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored) else { return false };
    let (Some(expected), Some(salt)) = (phc.hash, phc.salt) else { return false };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm) else { return false };
    let Ok(version) = phc.version.map_or(Ok(Version::V0x13), Version::try_from) else { return false };
    let Ok(params) = Params::try_from(&phc) else { return false };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_bytes) else { return false };
    let mut output = vec![0u8; expected.len()];
    if compute(algorithm, version, params, password, salt_bytes, &mut output).is_err() {
        return false;
    }
    // `Output`'s equality is constant-time.
    Output::new(&output).is_ok_and(|computed| computed == expected)
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

/// Hashes that may run at the same time: one per core keeps every core busy without
/// holding more argon2 memory than the machine can use at once.
fn worker_count() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get).clamp(1, 8)
}

/// Callers that may wait for a worker; a waiting caller holds a few bytes, not the 19 MiB of a
/// running hash.
const QUEUED_PER_WORKER: usize = 8;

type Job = Box<dyn FnOnce() + Send>;

/// Every argon2 computation of this process runs on one of a few threads of its own. Not the
/// shared blocking pool: its threads come and go, and each new one would keep its own 19 MiB
/// in its own allocator arena after the hash is done.
static JOBS: std::sync::LazyLock<SyncSender<Job>> = std::sync::LazyLock::new(|| {
    let workers = worker_count();
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Job>(workers * QUEUED_PER_WORKER);
    let receiver = Arc::new(Mutex::new(receiver));
    for n in 0..workers {
        let receiver = receiver.clone();
        let spawned = std::thread::Builder::new().name(format!("argon2-{n}")).spawn(move || {
            loop {
                let job = receiver.lock().unwrap_or_else(|poison| poison.into_inner()).recv_timeout(IDLE_RELEASE);
                let job = match job {
                    Ok(job) => job,
                    Err(RecvTimeoutError::Timeout) => {
                        release_working_memory();
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => break,
                };
                // A panicking job drops its reply channel (its caller sees an error); the
                // worker carries on.
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
        });
        if let Err(err) = spawned {
            tracing::error!(error = %err, "cannot start a password hashing thread");
        }
    }
    sender
});

/// Too many passwords are being checked already; the caller should answer 429 with a
/// `Retry-After` rather than queue without bound.
#[derive(Debug, thiserror::Error)]
#[error("the server is busy checking other passwords")]
pub struct Busy;

impl From<Busy> for AppError {
    fn from(_: Busy) -> Self {
        AppError::TooManyRequests {
            message: "The server is busy checking other sign-ins; try again in a moment".into(),
            retry_after_secs: 1,
        }
    }
}

/// Runs `work` on a hashing thread, or fails with [`Busy`] when the queue is full.
async fn gated<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = reply.send(work());
    });
    match JOBS.try_send(job) {
        Ok(()) => {}
        Err(TrySendError::Full(_)) => return Err(Busy.into()),
        Err(TrySendError::Disconnected(_)) => anyhow::bail!("no password hashing thread is running"),
    }
    answer.await.map_err(|_| anyhow::anyhow!("password hashing failed"))
}

/// The error an HTTP handler returns for a failed hash or verification: 429 when busy.
pub fn to_app_error(err: anyhow::Error) -> AppError {
    match err.downcast::<Busy>() {
        Ok(busy) => busy.into(),
        Err(other) => AppError::Internal(other),
    }
}

pub async fn hash(password: String) -> anyhow::Result<String> {
    gated(move || hash_now(password.as_bytes())).await?
}

/// True when `password` matches `stored`. A malformed stored hash counts as a mismatch.
pub async fn verify(password: String, stored: String) -> anyhow::Result<bool> {
    gated(move || matches_now(password.as_bytes(), &stored)).await
}

/// A hash of a random password: compared against when the e-mail is unknown, so that a
/// wrong address takes as long as a wrong password and does not reveal who has an account.
/// Not cached on failure: a placeholder that fails to parse would answer at once and give
/// the timing away.
pub async fn decoy_hash() -> anyhow::Result<&'static str> {
    static DECOY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DECOY.get_or_try_init(|| hash(uuid::Uuid::new_v4().to_string())).await.map(String::as_str)
}

#[cfg(test)]
mod tests {
    use argon2::PasswordVerifier;

    use super::*;

    #[test]
    fn hashes_are_standard_phc_strings_that_verify() {
        let hash = hash_now(b"correct horse").expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(matches_now(b"correct horse", &hash));
        assert!(!matches_now(b"correct horsf", &hash));
        assert!(!matches_now(b"correct horse", "not a hash"));
        // The argon2 crate's own verifier agrees, so hashes stored before keep working both ways.
        let parsed = PasswordHash::new(&hash).expect("parse");
        assert!(Argon2::default().verify_password(b"correct horse", &parsed).is_ok());
        let theirs = {
            use argon2::PasswordHasher;
            let salt = SaltString::generate(&mut OsRng);
            let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params());
            argon2.hash_password(b"older", &salt).expect("hash").to_string()
        };
        assert!(matches_now(b"older", &theirs));
    }
}
