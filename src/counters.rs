//! Events counted where they happen: sandbox jobs, sign-ins, room relay messages, database
//! errors. Any module may count one without depending on the web layer; `metrics` describes
//! the series and serves them at `/metrics`.

use std::time::Duration;

/// One finished sandbox job: `outcome` is `ok`, `busy` (the queue refused it) or
/// `unavailable` (the engine failed it).
pub fn sandbox_job(language: &str, outcome: &'static str, waited: Duration, ran: Duration) {
    let language = language.to_owned();
    metrics::counter!("coderoom_sandbox_jobs_total", "language" => language.clone(), "outcome" => outcome).increment(1);
    metrics::histogram!("coderoom_sandbox_queue_wait_seconds").record(waited.as_secs_f64());
    if outcome == "ok" {
        metrics::histogram!("coderoom_sandbox_job_duration_seconds", "language" => language).record(ran.as_secs_f64());
    }
}

/// A sandbox job sent to the engine named `engine` (a name from the configuration).
pub fn sandbox_engine_job(engine: &str) {
    metrics::counter!("coderoom_sandbox_engine_jobs_total", "engine" => engine.to_owned()).increment(1);
}

/// A password sign-in: `ok`, `failed` (wrong email or password) or `refused` (too many
/// failures from that address or for that account).
pub fn sign_in(outcome: &'static str) {
    metrics::counter!("coderoom_sign_ins_total", "outcome" => outcome).increment(1);
}

/// A room message shared with other instances: `sent`, `received` or `dropped`.
pub fn room_relay(direction: &'static str) {
    metrics::counter!("coderoom_room_relay_messages_total", "direction" => direction).increment(1);
}

/// A database call that failed (counted where the error becomes an answer).
pub fn database_error() {
    metrics::counter!("coderoom_database_errors_total").increment(1);
}
