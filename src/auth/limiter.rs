//! Counts failed sign-ins per key (e-mail address, client address) in a sliding window,
//! so password guessing is slowed without a database write per attempt.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct AttemptLimiter {
    window: Duration,
    max_failures: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl AttemptLimiter {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self { window, max_failures: max_failures as usize, failures: Mutex::new(HashMap::new()) }
    }

    /// `Err(seconds until the next attempt is allowed)` when the key is locked out.
    pub fn check(&self, key: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|poison| poison.into_inner());
        let Some(times) = failures.get_mut(key) else {
            return Ok(());
        };
        while times.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            times.pop_front();
        }
        if times.len() < self.max_failures {
            return Ok(());
        }
        let oldest = times.front().copied().unwrap_or(now);
        Err(self.window.saturating_sub(now.duration_since(oldest)).as_secs().max(1))
    }

    pub fn record_failure(&self, key: &str) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|poison| poison.into_inner());
        // Bound memory under a flood of distinct keys: forget entries whose window has passed.
        if failures.len() > 10_000 {
            failures.retain(|_, times| times.back().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        failures.entry(key.to_string()).or_default().push_back(now);
    }

    pub fn clear(&self, key: &str) {
        self.failures.lock().unwrap_or_else(|poison| poison.into_inner()).remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_failures_and_clears() {
        let limiter = AttemptLimiter::new(2, Duration::from_secs(60));
        assert!(limiter.check("a").is_ok());
        limiter.record_failure("a");
        limiter.record_failure("a");
        assert!(limiter.check("a").is_err());
        assert!(limiter.check("b").is_ok());
        limiter.clear("a");
        assert!(limiter.check("a").is_ok());
    }
}
