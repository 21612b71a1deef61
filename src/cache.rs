//! A small time-bounded read cache for hot, rarely-changing reads (the signed-in user on
//! every request, the live-session list every dashboard polls).
//!
//! Local writes call [`TtlCache::invalidate`] so this instance reads its own writes at once;
//! the time bound caps how stale a value can be when another instance sharing the database
//! wrote it. A load that raced with an invalidation is not stored, so a cleared entry cannot
//! be refilled with the value read before the write.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub struct TtlCache<K, V> {
    ttl: Duration,
    capacity: usize,
    entries: RwLock<HashMap<K, (Instant, V)>>,
    generation: AtomicU64,
    /// One load at a time, so that an expired hot entry is read from the database once
    /// rather than by every request that finds it expired.
    loading: tokio::sync::Mutex<()>,
}

impl<K: Hash + Eq + Clone, V: Clone> TtlCache<K, V> {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity,
            entries: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
            loading: tokio::sync::Mutex::new(()),
        }
    }

    /// The entry for `key` and whether it is still within its time bound.
    fn lookup(&self, key: &K) -> Option<(V, bool)> {
        let entries = self.entries.read().unwrap_or_else(|poison| poison.into_inner());
        entries.get(key).map(|(at, value)| (value.clone(), at.elapsed() < self.ttl))
    }

    /// The cached value, or `load()`'s result (cached when no write intervened). While one
    /// caller refreshes an expired entry, the others keep getting the expired value instead
    /// of queueing behind the database.
    pub async fn get_or_load<E, F, Fut>(&self, key: &K, load: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        let _guard = match self.lookup(key) {
            Some((value, true)) => return Ok(value),
            Some((stale, false)) => match self.loading.try_lock() {
                Ok(guard) => guard,
                Err(_) => return Ok(stale),
            },
            None => {
                let guard = self.loading.lock().await;
                if let Some((value, true)) = self.lookup(key) {
                    return Ok(value);
                }
                guard
            }
        };
        let generation = self.generation.load(Ordering::Acquire);
        let value = load().await?;
        let mut entries = self.entries.write().unwrap_or_else(|poison| poison.into_inner());
        if self.generation.load(Ordering::Acquire) == generation {
            if entries.len() >= self.capacity {
                entries.retain(|_, (at, _)| at.elapsed() < self.ttl);
                if entries.len() >= self.capacity {
                    entries.clear();
                }
            }
            entries.insert(key.clone(), (Instant::now(), value.clone()));
        }
        Ok(value)
    }

    /// Forgets everything: the next read of any key goes to the database.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries.write().unwrap_or_else(|poison| poison.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn caches_until_invalidated_or_expired() {
        let cache = TtlCache::new(Duration::from_millis(50), 10);
        let first: Result<u32, ()> = cache.get_or_load(&"k", || async { Ok(1) }).await;
        assert_eq!(first, Ok(1));
        assert_eq!(cache.get_or_load(&"k", || async { Ok::<_, ()>(2) }).await, Ok(1));
        cache.invalidate();
        assert_eq!(cache.get_or_load(&"k", || async { Ok::<_, ()>(3) }).await, Ok(3));
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(cache.get_or_load(&"k", || async { Ok::<_, ()>(4) }).await, Ok(4));
    }

    #[tokio::test]
    async fn a_load_racing_an_invalidation_is_not_stored() {
        let cache = TtlCache::new(Duration::from_secs(60), 10);
        let value = cache
            .get_or_load(&"k", || async {
                cache.invalidate();
                Ok::<_, ()>("stale")
            })
            .await;
        assert_eq!(value, Ok("stale"));
        assert_eq!(cache.get_or_load(&"k", || async { Ok::<_, ()>("fresh") }).await, Ok("fresh"));
    }
}
