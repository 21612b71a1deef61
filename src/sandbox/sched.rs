//! Admission control: at most `max_running` jobs at once, a bounded queue behind them, and
//! round-robin hand-over between users so that one user's burst cannot starve the others.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

#[derive(Debug)]
pub enum Rejection {
    /// The queue (or this user's share of it) is full.
    Full { retry_after_secs: u64 },
    /// Waited too long for a slot.
    TimedOut { retry_after_secs: u64 },
}

pub struct Scheduler {
    state: Mutex<State>,
    max_running: usize,
    max_queued: usize,
    max_queued_per_user: usize,
    max_wait: Duration,
}

#[derive(Default)]
struct State {
    running: usize,
    queued: usize,
    waiting: HashMap<String, VecDeque<oneshot::Sender<()>>>,
    /// Users with waiters, in the order they are served next.
    turn: VecDeque<String>,
    /// Exponential moving average of job duration, for Retry-After.
    average_ms: f64,
}

/// A running slot; dropping it hands the slot to the next waiter.
pub struct Permit {
    scheduler: Arc<Scheduler>,
    started: Instant,
}

impl Scheduler {
    pub fn new(max_running: usize, max_queued: usize, max_queued_per_user: usize, max_wait: Duration) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(State { average_ms: 200.0, ..State::default() }),
            max_running: max_running.max(1),
            max_queued,
            max_queued_per_user: max_queued_per_user.max(1),
            max_wait,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the counters half-updated in a way that
        // matters more than refusing all work, so keep going with the inner value.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn retry_after(&self, state: &State) -> u64 {
        let waves = (state.queued as f64 + 1.0) / self.max_running as f64;
        ((waves * state.average_ms) / 1000.0).ceil().max(1.0) as u64
    }

    pub async fn acquire(self: &Arc<Self>, user: &str) -> Result<Permit, Rejection> {
        let receiver = {
            let mut state = self.lock();
            if state.running < self.max_running && state.queued == 0 {
                state.running += 1;
                return Ok(Permit { scheduler: self.clone(), started: Instant::now() });
            }
            let mine = state.waiting.get(user).map_or(0, VecDeque::len);
            if state.queued >= self.max_queued || mine >= self.max_queued_per_user {
                return Err(Rejection::Full { retry_after_secs: self.retry_after(&state) });
            }
            let (sender, receiver) = oneshot::channel();
            if mine == 0 {
                state.turn.push_back(user.to_string());
            }
            state.waiting.entry(user.to_string()).or_default().push_back(sender);
            state.queued += 1;
            receiver
        };
        match tokio::time::timeout(self.max_wait, receiver).await {
            Ok(Ok(())) => Ok(Permit { scheduler: self.clone(), started: Instant::now() }),
            // Our sender was dropped (cannot happen while the scheduler lives) or we timed out:
            // the hand-over skips closed receivers, so nothing leaks.
            _ => {
                let state = self.lock();
                Err(Rejection::TimedOut { retry_after_secs: self.retry_after(&state) })
            }
        }
    }

    fn release(&self, elapsed: Duration) {
        let mut state = self.lock();
        state.average_ms = state.average_ms * 0.9 + elapsed.as_secs_f64() * 1000.0 * 0.1;
        // Hand the slot to the first live waiter, taking users in turn.
        while let Some(user) = state.turn.pop_front() {
            let Some(queue) = state.waiting.get_mut(&user) else { continue };
            let next = queue.pop_front();
            let more = !queue.is_empty();
            if more {
                state.turn.push_back(user.clone());
            } else {
                state.waiting.remove(&user);
            }
            if let Some(sender) = next {
                state.queued -= 1;
                if sender.send(()).is_ok() {
                    return;
                }
            }
        }
        state.running -= 1;
    }

    /// (running, queued) for readiness reports.
    pub fn load(&self) -> (usize, usize) {
        let state = self.lock();
        (state.running, state.queued)
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.scheduler.release(self.started.elapsed());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bounded_and_fair() {
        let scheduler = Scheduler::new(1, 3, 2, Duration::from_secs(5));
        let first = scheduler.acquire("a").await.expect("slot");
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (i, user) in ["a", "a", "b"].into_iter().enumerate() {
            let scheduler = scheduler.clone();
            let order = order.clone();
            tasks.push(tokio::spawn(async move {
                let _permit = scheduler.acquire(user).await.expect("queued");
                order.lock().expect("lock").push(format!("{user}{i}"));
            }));
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        // a already has two waiting: a third is refused, but b still gets in line.
        assert!(matches!(scheduler.acquire("a").await, Err(Rejection::Full { .. })));
        drop(first);
        for task in tasks {
            task.await.expect("task");
        }
        // b is served between a's two jobs, not after both.
        assert_eq!(*order.lock().expect("lock"), vec!["a0", "b2", "a1"]);
        assert_eq!(scheduler.load(), (0, 0));
    }
}
