//! Giving memory the server no longer needs back to the operating system.
//!
//! glibc keeps memory freed by a thread in that thread's arena for reuse and only gives the
//! top of the heap back. Start-up (migrations, seeding the problem library, parsing
//! configuration) and bursts of load leave megabytes free in the arenas that an idle
//! appliance would otherwise keep resident for good. `malloc_trim` releases every free page
//! of every arena; it is cheap enough to run once after start-up and then now and then.
//! Likewise the embedded problem files are read once, when the library is seeded, and their
//! pages of the executable need not stay mapped afterwards.

use std::time::Duration;

/// How often a running server gives freed memory back.
const TRIM_INTERVAL: Duration = Duration::from_secs(60);

/// Gives free heap pages back to the operating system (a no-op without glibc).
pub fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only inspects and shrinks glibc's own heap structures under their
    // locks; it takes no pointers from us.
    unsafe {
        libc::malloc_trim(0);
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

/// Unmaps the whole pages of `data`, read-only bytes embedded in the executable, from this
/// process. Reading them later faults them back in from the file, unchanged.
pub fn release_embedded(data: &'static [u8]) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sysconf has no preconditions.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096).max(1);
        let start = (data.as_ptr() as usize).next_multiple_of(page);
        let end = (data.as_ptr() as usize + data.len()) / page * page;
        if end > start {
            // SAFETY: [start, end) lies inside `data`, which is part of the executable's
            // read-only, file-backed mapping and never written; MADV_DONTNEED on such pages
            // only drops them from the page tables, and the next read maps the same bytes
            // from the file again.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
            }
        }
    }
}
