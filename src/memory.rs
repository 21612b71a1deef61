//! Returning freed heap memory to the operating system.
//!
//! glibc keeps memory freed by a thread in that thread's arena for reuse and only gives the
//! top of the heap back. Start-up (migrations, seeding the problem library, parsing
//! configuration) and bursts of load leave megabytes free in the arenas that an idle
//! appliance would otherwise keep resident for good. `malloc_trim` releases every free page
//! of every arena; it is cheap enough to run once after start-up and then now and then.

use std::time::Duration;

/// How often a running server gives freed memory back.
const TRIM_INTERVAL: Duration = Duration::from_secs(60);

/// Gives free heap pages back to the operating system (a no-op without glibc).
pub fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            fn malloc_trim(pad: usize) -> std::ffi::c_int;
        }
        // SAFETY: malloc_trim only inspects and shrinks glibc's own heap structures under
        // their locks; it takes no pointers from us.
        unsafe {
            malloc_trim(0);
        }
    }
}

/// Trims once now and then every [`TRIM_INTERVAL`] for as long as the runtime lives.
pub fn spawn_periodic_release() {
    release_free_heap();
    tokio::spawn(async {
        let mut ticks = tokio::time::interval(TRIM_INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            // Inline rather than on a blocking thread: it takes well under a millisecond
            // here, and a new thread would get an arena of its own.
            release_free_heap();
        }
    });
}
