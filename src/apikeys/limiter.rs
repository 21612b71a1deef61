//! The Piston API's rate limit: a token bucket per caller (API key, user or client address),
//! so that one caller cannot keep the sandbox busy for everyone else.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Callers remembered at once; beyond this, callers whose bucket has refilled are forgotten
/// (they lose nothing), and if that is not enough, everyone starts afresh.
const MAX_CALLERS: usize = 10_000;

pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    /// `per_minute = 0` turns the limit off.
    pub fn new(per_minute: u32, burst: u32) -> Self {
        Self {
            per_second: f64::from(per_minute) / 60.0,
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Spends one request of `caller`'s allowance; `Err(seconds until the next one)` when none is left.
    pub fn take(&self, caller: &str) -> Result<(), u64> {
        if self.per_second == 0.0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|poison| poison.into_inner());
        if buckets.len() >= MAX_CALLERS && !buckets.contains_key(caller) {
            buckets.retain(|_, bucket| self.refilled(bucket, now) < self.burst);
            if buckets.len() >= MAX_CALLERS {
                buckets.clear();
            }
        }
        let bucket = buckets.entry(caller.to_string()).or_insert(Bucket { tokens: self.burst, at: now });
        bucket.tokens = self.refilled(bucket, now);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - bucket.tokens) / self.per_second).ceil().max(1.0) as u64)
        }
    }

    fn refilled(&self, bucket: &Bucket, now: Instant) -> f64 {
        (bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * self.per_second).min(self.burst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_rate_per_caller() {
        let limiter = RateLimiter::new(60, 3);
        assert!((0..3).all(|_| limiter.take("a").is_ok()));
        assert_eq!(limiter.take("a"), Err(1), "one per second after the burst");
        assert!(limiter.take("b").is_ok(), "others are not affected");
        let slow = RateLimiter::new(6, 1);
        assert!(slow.take("a").is_ok());
        assert_eq!(slow.take("a"), Err(10));
        assert!((0..100).all(|_| RateLimiter::new(0, 1).take("a").is_ok()), "0 = unlimited");
    }
}
