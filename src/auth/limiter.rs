//! Counts sign-in attempts per key (e-mail address, client address) in a sliding window, so
//! password guessing is slowed without a database write per attempt.
//!
//! An attempt is counted *before* the password is checked: a burst of parallel guesses at one
//! account cannot all slip in while the first ones are still being verified. A successful
//! sign-in gives its own attempt back afterwards. The map holds at most `max_keys` entries;
//! when a flood of distinct keys fills it with live entries, new keys are refused until the
//! window frees some, which keeps memory bounded at the cost of briefly refusing strangers.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept at most; each holds up to `max_attempts` instants, so the map stays a few MiB.
pub const DEFAULT_MAX_KEYS: usize = 50_000;

pub struct AttemptLimiter {
    window: Duration,
    max_attempts: usize,
    max_keys: usize,
    attempts: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Why an attempt was not admitted, with the seconds until one would be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// This key used up its attempts.
    Exhausted { retry_after_secs: u64 },
    /// Too many distinct keys are being tried at once.
    Crowded { retry_after_secs: u64 },
}

impl AttemptLimiter {
    pub fn new(max_attempts: u32, window: Duration, max_keys: usize) -> Self {
        Self { window, max_attempts: max_attempts as usize, max_keys, attempts: Mutex::new(HashMap::new()) }
    }

    /// Counts an attempt under every key, or none of them when any key is exhausted.
    pub fn admit(&self, keys: &[String]) -> Result<(), Refused> {
        let now = Instant::now();
        let mut attempts = self.attempts.lock().unwrap_or_else(|poison| poison.into_inner());
        for key in keys {
            if let Some(times) = attempts.get_mut(key) {
                self.forget_expired(times, now);
                if times.len() >= self.max_attempts {
                    let oldest = times.front().copied().unwrap_or(now);
                    let retry_after_secs = self.window.saturating_sub(now.duration_since(oldest)).as_secs().max(1);
                    return Err(Refused::Exhausted { retry_after_secs });
                }
            }
        }
        let new_keys = keys.iter().filter(|key| !attempts.contains_key(*key)).count();
        if attempts.len() + new_keys > self.max_keys {
            attempts.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < self.window));
            if attempts.len() + new_keys > self.max_keys {
                return Err(Refused::Crowded { retry_after_secs: self.window.as_secs().max(1) });
            }
        }
        for key in keys {
            attempts.entry(key.clone()).or_default().push_back(now);
        }
        Ok(())
    }

    /// Gives back the newest attempt counted under `key` (it turned out to be a success).
    pub fn give_back(&self, key: &str) {
        let mut attempts = self.attempts.lock().unwrap_or_else(|poison| poison.into_inner());
        if let Some(times) = attempts.get_mut(key) {
            times.pop_back();
            if times.is_empty() {
                attempts.remove(key);
            }
        }
    }

    /// Forgets every attempt under `key`.
    pub fn clear(&self, key: &str) {
        self.attempts.lock().unwrap_or_else(|poison| poison.into_inner()).remove(key);
    }

    fn forget_expired(&self, times: &mut VecDeque<Instant>, now: Instant) {
        while times.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            times.pop_front();
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.attempts.lock().unwrap_or_else(|poison| poison.into_inner()).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_string()).collect()
    }

    #[test]
    fn counts_before_the_outcome_and_locks_every_key_together() {
        let limiter = AttemptLimiter::new(2, Duration::from_secs(60), 100);
        assert!(limiter.admit(&keys(&["a", "ip"])).is_ok());
        assert!(limiter.admit(&keys(&["a", "ip"])).is_ok());
        assert!(matches!(limiter.admit(&keys(&["a", "ip"])), Err(Refused::Exhausted { .. })));
        // `ip` is exhausted too, so another address from it is refused and not counted.
        assert!(limiter.admit(&keys(&["b", "ip"])).is_err());
        assert!(limiter.admit(&keys(&["b"])).is_ok());
        limiter.clear("a");
        limiter.give_back("ip");
        assert!(limiter.admit(&keys(&["a", "ip"])).is_ok());
    }

    #[test]
    fn a_flood_of_distinct_keys_stays_bounded() {
        let limiter = AttemptLimiter::new(5, Duration::from_secs(60), 10);
        for n in 0..10 {
            assert!(limiter.admit(&[format!("k{n}")]).is_ok());
        }
        assert!(matches!(limiter.admit(&keys(&["new"])), Err(Refused::Crowded { .. })));
        assert_eq!(limiter.len(), 10);
        // Known keys still work while the map is full.
        assert!(limiter.admit(&keys(&["k3"])).is_ok());

        let expiring = AttemptLimiter::new(5, Duration::from_millis(1), 10);
        for n in 0..10 {
            assert!(expiring.admit(&[format!("k{n}")]).is_ok());
        }
        std::thread::sleep(Duration::from_millis(5));
        assert!(expiring.admit(&keys(&["new"])).is_ok(), "expired entries make room");
        assert_eq!(expiring.len(), 1);
    }
}
