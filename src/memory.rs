//! Giving memory the server no longer needs back to the operating system.
//!
//! glibc keeps memory freed by a thread in that thread's arena for reuse and only gives the
//! top of the heap back. Start-up (migrations, seeding the problem library, parsing
//! configuration) and bursts of load leave megabytes free in the arenas that an idle
//! appliance would otherwise keep resident for good. `malloc_trim` releases every free page
//! of every arena; it is cheap enough to run once after start-up and then now and then.
//! Likewise the pages of the executable that only start-up used (embedded problem files read
//! once when the library is seeded, the code of migrations and seeding) need not stay mapped
//! afterwards.

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

/// Releases free heap and unused executable pages once now and then every [`TRIM_INTERVAL`]
/// for as long as the runtime lives.
pub fn spawn_periodic_release() {
    release_free_heap();
    release_executable_pages();
    tokio::spawn(async {
        let mut ticks = tokio::time::interval(TRIM_INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            // Inline rather than on a blocking thread: together they take a few milliseconds
            // once a minute, and a new thread would get an arena of its own.
            release_free_heap();
            release_executable_pages();
        }
    });
}

/// Unmaps the whole pages of `data`, read-only bytes embedded in the executable, from this
/// process. Reading them later faults them back in from the file, unchanged.
pub fn release_embedded(data: &'static [u8]) {
    drop_file_pages(data.as_ptr() as usize, data.as_ptr() as usize + data.len());
}

/// Unmaps the executable's pages from this process, so that what stays resident is what the
/// server uses from then on. The kernel maps code in 64 KiB runs around each first use, so
/// start-up (migrations, the query parser's first pass over them, seeding, configuration) and
/// any rarely used path leave some 40 MiB of a 90 MiB executable resident that an idle server
/// never touches again. Only mappings of the executable that hold no private (relocated or
/// written) page are dropped: every dropped page is an unchanged copy of the file, still in
/// the page cache, and the next use maps it again for the cost of a minor fault.
pub fn release_executable_pages() {
    #[cfg(target_os = "linux")]
    {
        let Ok(exe) = std::fs::read_link("/proc/self/exe") else { return };
        let Ok(smaps) = std::fs::read_to_string("/proc/self/smaps") else { return };
        for (range, clean) in executable_mappings(&smaps, &exe.to_string_lossy()) {
            if clean {
                drop_file_pages(range.0, range.1);
            }
        }
    }
}

/// The read-only mappings of `exe` in a `/proc/<pid>/smaps` text: their address range and
/// whether none of their pages is anonymous (a private copy the file does not have).
fn executable_mappings(smaps: &str, exe: &str) -> Vec<((usize, usize), bool)> {
    let mut mappings: Vec<((usize, usize), bool)> = Vec::new();
    let mut current = false;
    for line in smaps.lines() {
        let mut fields = line.split_whitespace();
        let first = fields.next().unwrap_or_default();
        if let Some((start, end)) = first.split_once('-').filter(|(start, _)| !start.ends_with(':')) {
            let perms = fields.next().unwrap_or_default();
            let path = line.split_whitespace().nth(5).unwrap_or_default();
            let range = (usize::from_str_radix(start, 16), usize::from_str_radix(end, 16));
            current = false;
            if let (Ok(start), Ok(end)) = range
                && path == exe
                && !perms.contains('w')
            {
                mappings.push(((start, end), true));
                current = true;
            }
        } else if current
            && first == "Anonymous:"
            && fields.next() != Some("0")
            && let Some(last) = mappings.last_mut()
        {
            last.1 = false;
        }
    }
    mappings
}

/// Drops the whole pages within [start, end) of a read-only, file-backed mapping from the
/// page tables.
fn drop_file_pages(start: usize, end: usize) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sysconf has no preconditions.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096).max(1);
        let start = start.next_multiple_of(page);
        let end = end / page * page;
        if end > start {
            // SAFETY: callers pass ranges of the executable's read-only, file-backed mapping
            // whose pages are unchanged copies of the file (embedded bytes never written, or
            // mappings with no anonymous page); MADV_DONTNEED on such pages only drops them
            // from the page tables, and the next access maps the same bytes from the file.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::executable_mappings;

    #[test]
    fn only_unwritten_read_only_mappings_of_the_executable_are_released() {
        let smaps = "\
1000-3000 r--p 00000000 fe:00 7 /opt/coderoom
Rss:                   8 kB
Anonymous:             0 kB
3000-5000 r-xp 00002000 fe:00 7 /opt/coderoom
Anonymous:             0 kB
5000-6000 r--p 00004000 fe:00 7 /opt/coderoom
Anonymous:             4 kB
6000-7000 rw-p 00005000 fe:00 7 /opt/coderoom
Anonymous:             0 kB
7000-8000 r-xp 00000000 fe:00 9 /usr/lib/libc.so.6
Anonymous:             0 kB
";
        assert_eq!(
            executable_mappings(smaps, "/opt/coderoom"),
            vec![((0x1000, 0x3000), true), ((0x3000, 0x5000), true), ((0x5000, 0x6000), false)]
        );
    }
}
