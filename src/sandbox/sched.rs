//! Admission control: at most `max_running` jobs at once, bounded queues behind them, and
//! round-robin hand-over between callers so that one caller's burst cannot starve the others.
//!
//! Jobs come in two lanes. The judge's (run/submit of signed-in people, and the command line)
//! goes first: a freed slot is handed to a waiting judge job before any Piston API job, and
//! `reserved_for_judge` slots are never given to the API, so a flood through the public API
//! cannot make a candidate's submit wait behind it. Each lane has its own queue of
//! `max_queued` places.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

/// Caller names starting with this are Piston API callers; everything else is the judge's.
const API_PREFIX: &str = "piston-api/";

/// The scheduler's name for a Piston API caller (`key:…`, `user:…`, `addr:…`).
pub fn api_caller(id: &str) -> String {
    format!("{API_PREFIX}{id}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lane {
    Judge,
    Api,
}

impl Lane {
    fn of(caller: &str) -> Self {
        if caller.starts_with(API_PREFIX) { Self::Api } else { Self::Judge }
    }
}

#[derive(Debug)]
pub enum Rejection {
    /// The queue (or this caller's share of it) is full.
    Full { retry_after_secs: u64 },
    /// Waited too long for a slot.
    TimedOut { retry_after_secs: u64 },
}

pub struct Scheduler {
    state: Mutex<State>,
    reserved_for_judge: usize,
    max_queued: usize,
    max_queued_per_user: usize,
    max_wait: Duration,
}

/// The waiting callers of one lane.
#[derive(Default)]
struct Queue {
    queued: usize,
    waiting: HashMap<String, VecDeque<oneshot::Sender<()>>>,
    /// Callers with waiters, in the order they are served next.
    turn: VecDeque<String>,
}

impl Queue {
    /// The next live waiter, taking callers in turn; closed waiters (timed out) are dropped.
    fn hand_over(&mut self) -> bool {
        while let Some(caller) = self.turn.pop_front() {
            let Some(waiters) = self.waiting.get_mut(&caller) else { continue };
            let next = waiters.pop_front();
            if waiters.is_empty() {
                self.waiting.remove(&caller);
            } else {
                self.turn.push_back(caller);
            }
            if let Some(sender) = next {
                self.queued -= 1;
                if sender.send(()).is_ok() {
                    return true;
                }
            }
        }
        false
    }

    /// Forgets a caller's waiters that gave up, so they no longer hold queue places.
    fn forget_closed(&mut self, caller: &str) {
        let Some(waiters) = self.waiting.get_mut(caller) else { return };
        let before = waiters.len();
        waiters.retain(|sender| !sender.is_closed());
        self.queued -= before - waiters.len();
        if waiters.is_empty() {
            self.waiting.remove(caller);
            self.turn.retain(|queued| queued != caller);
        }
    }
}

#[derive(Default)]
struct State {
    /// Slots in all: what the healthy Docker engines take at once.
    max_running: usize,
    /// Most slots the API lane may hold at once.
    max_running_api: usize,
    running: usize,
    running_api: usize,
    judge: Queue,
    api: Queue,
    /// Exponential moving average of job duration, for Retry-After.
    average_ms: f64,
}

impl State {
    /// `reserved_for_judge` is capped so that the API keeps at least one slot.
    fn set_capacity(&mut self, max_running: usize, reserved_for_judge: usize) {
        self.max_running = max_running.max(1);
        self.max_running_api = self.max_running - reserved_for_judge.min(self.max_running - 1);
    }

    fn queue(&mut self, lane: Lane) -> &mut Queue {
        match lane {
            Lane::Judge => &mut self.judge,
            Lane::Api => &mut self.api,
        }
    }
}

/// A running slot; dropping it hands the slot to the next waiter.
pub struct Permit {
    scheduler: Arc<Scheduler>,
    lane: Lane,
    started: Instant,
}

impl Scheduler {
    pub fn new(
        max_running: usize,
        max_queued: usize,
        max_queued_per_user: usize,
        reserved_for_judge: usize,
        max_wait: Duration,
    ) -> Arc<Self> {
        let mut state = State { average_ms: 200.0, ..State::default() };
        state.set_capacity(max_running, reserved_for_judge);
        Arc::new(Self {
            state: Mutex::new(state),
            reserved_for_judge,
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

    fn retry_after(&self, state: &State, lane: Lane) -> u64 {
        let (ahead, slots) = match lane {
            Lane::Judge => (state.judge.queued, state.max_running),
            Lane::Api => (state.judge.queued + state.api.queued, state.max_running_api),
        };
        let waves = (ahead as f64 + 1.0) / slots as f64;
        ((waves * state.average_ms) / 1000.0).ceil().max(1.0) as u64
    }

    fn may_start(&self, state: &State, lane: Lane) -> bool {
        state.running < state.max_running
            && state.judge.queued == 0
            && match lane {
                Lane::Judge => true,
                Lane::Api => state.running_api < state.max_running_api && state.api.queued == 0,
            }
    }

    fn start(self: &Arc<Self>, state: &mut State, lane: Lane) -> Permit {
        state.running += 1;
        if lane == Lane::Api {
            state.running_api += 1;
        }
        Permit { scheduler: self.clone(), lane, started: Instant::now() }
    }

    pub async fn acquire(self: &Arc<Self>, caller: &str) -> Result<Permit, Rejection> {
        let lane = Lane::of(caller);
        let receiver = {
            let mut state = self.lock();
            if self.may_start(&state, lane) {
                return Ok(self.start(&mut state, lane));
            }
            let retry_after_secs = self.retry_after(&state, lane);
            let queue = state.queue(lane);
            let mine = queue.waiting.get(caller).map_or(0, VecDeque::len);
            if queue.queued >= self.max_queued || mine >= self.max_queued_per_user {
                return Err(Rejection::Full { retry_after_secs });
            }
            let (sender, receiver) = oneshot::channel();
            if mine == 0 {
                queue.turn.push_back(caller.to_string());
            }
            queue.waiting.entry(caller.to_string()).or_default().push_back(sender);
            queue.queued += 1;
            receiver
        };
        // The slot was counted for this lane by whoever handed it over.
        let mut receiver = receiver;
        if let Ok(Ok(())) = tokio::time::timeout(self.max_wait, &mut receiver).await {
            return Ok(Permit { scheduler: self.clone(), lane, started: Instant::now() });
        }
        let mut state = self.lock();
        // Hand-overs happen under this lock: one may have reached us just as the wait ended
        // (then the slot is ours); after `close` none can.
        if receiver.try_recv().is_ok() {
            return Ok(Permit { scheduler: self.clone(), lane, started: Instant::now() });
        }
        receiver.close();
        state.queue(lane).forget_closed(caller);
        Err(Rejection::TimedOut { retry_after_secs: self.retry_after(&state, lane) })
    }

    fn release(&self, lane: Lane, elapsed: Duration) {
        let mut state = self.lock();
        state.average_ms = state.average_ms * 0.9 + elapsed.as_secs_f64() * 1000.0 * 0.1;
        if lane == Lane::Api {
            state.running_api -= 1;
        }
        // After the capacity shrank, slots beyond it are given up rather than handed over.
        if state.running <= state.max_running && Self::hand_over(&mut state) {
            return;
        }
        state.running -= 1;
    }

    /// Passes a slot (already counted in `running`) to the next waiter, the judge's first.
    fn hand_over(state: &mut State) -> bool {
        if state.judge.hand_over() {
            return true;
        }
        if state.running_api < state.max_running_api && state.api.hand_over() {
            state.running_api += 1;
            return true;
        }
        false
    }

    /// Sets the number of slots (the capacity of the engines that answer). Slots it adds go to
    /// waiters at once; running jobs beyond a smaller number finish, and their slots are not
    /// handed on.
    pub fn set_capacity(&self, max_running: usize) {
        let mut state = self.lock();
        state.set_capacity(max_running, self.reserved_for_judge);
        while state.running < state.max_running {
            state.running += 1;
            if !Self::hand_over(&mut state) {
                state.running -= 1;
                break;
            }
        }
    }

    /// (running, queued) for readiness reports.
    pub fn load(&self) -> (usize, usize) {
        let state = self.lock();
        (state.running, state.judge.queued + state.api.queued)
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.scheduler.release(self.lane, self.started.elapsed());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bounded_and_fair() {
        let scheduler = Scheduler::new(1, 3, 2, 1, Duration::from_secs(5));
        let first = scheduler.acquire("a").await.expect("slot");
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (i, caller) in ["a", "a", "b"].into_iter().enumerate() {
            let scheduler = scheduler.clone();
            let order = order.clone();
            tasks.push(tokio::spawn(async move {
                let _permit = scheduler.acquire(caller).await.expect("queued");
                order.lock().expect("lock").push(format!("{caller}{i}"));
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

    #[tokio::test]
    async fn the_judge_keeps_its_slots_and_goes_first() {
        let scheduler = Scheduler::new(2, 1, 2, 1, Duration::from_secs(5));
        let order = Arc::new(Mutex::new(Vec::new()));
        let wait_in_line = |caller: String| {
            let scheduler = scheduler.clone();
            let order = order.clone();
            tokio::spawn(async move {
                let permit = scheduler.acquire(&caller).await;
                order.lock().expect("lock").push(caller);
                permit.map(|_| ())
            })
        };
        let flooder = api_caller("key:flood");
        let api_job = scheduler.acquire(&flooder).await.expect("the API's one slot");
        // The API's second job waits although a slot is free: that slot is the judge's.
        let waiting_api = wait_in_line(flooder.clone());
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(scheduler.load(), (1, 1));
        assert!(matches!(scheduler.acquire(&flooder).await, Err(Rejection::Full { .. })), "API queue full");
        let judge = scheduler.acquire("user-1").await.expect("the judge starts at once");
        assert_eq!(scheduler.load(), (2, 1));
        // The full API queue does not refuse the judge, who waits in a queue of its own.
        let waiting_judge = wait_in_line("user-2".into());
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(scheduler.load(), (2, 2));
        // The API job ends: the judge's waiter gets the slot before the API's.
        drop(api_job);
        waiting_judge.await.expect("task").expect("judge served");
        waiting_api.await.expect("task").expect("API served");
        assert_eq!(*order.lock().expect("lock"), vec!["user-2".to_string(), flooder]);
        drop(judge);
        assert_eq!(scheduler.load(), (0, 0));
    }

    #[tokio::test]
    async fn capacity_follows_the_engines_that_answer() {
        let scheduler = Scheduler::new(2, 4, 4, 0, Duration::from_secs(5));
        let first = scheduler.acquire("a").await.expect("slot");
        let second = scheduler.acquire("b").await.expect("slot");
        // An engine went away: one slot is left, and the running jobs finish.
        scheduler.set_capacity(1);
        let waiting = {
            let scheduler = scheduler.clone();
            tokio::spawn(async move { scheduler.acquire("c").await.map(|_| ()) })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        drop(first);
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(scheduler.load(), (1, 1), "the slot beyond the capacity is not handed on");
        // It came back: the waiter starts without waiting for a job to end.
        scheduler.set_capacity(2);
        waiting.await.expect("task").expect("served");
        drop(second);
        assert_eq!(scheduler.load(), (0, 0));
    }

    #[tokio::test]
    async fn waiters_that_gave_up_free_their_places() {
        let scheduler = Scheduler::new(1, 1, 1, 0, Duration::from_millis(30));
        let running = scheduler.acquire("a").await.expect("slot");
        assert!(matches!(scheduler.acquire("b").await, Err(Rejection::TimedOut { .. })));
        assert_eq!(scheduler.load(), (1, 0));
        drop(running);
        assert_eq!(scheduler.load(), (0, 0));
    }
}
