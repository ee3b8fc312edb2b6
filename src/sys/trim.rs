//! Gives back the pages an idle process holds only because it ran once: clean copies
//! of its files (code, read-only data), and free heap.
//!
//! An idle forked child's resident set is mostly file pages: building the engine
//! touches registration code all over the binary, handling one message touches Rhai's
//! evaluator, and the kernel maps 64 KiB around each touched page (fault-around), so
//! 2.5–5 MiB of procbox's 6.3 MiB of text, and most of its read-only data (relocation
//! table, constants, unwind tables), stay resident though a waiting child runs a few
//! pages of them. Those pages are clean copies of the files (shared page cache, never
//! written), so dropping this process's mappings of them loses nothing: what runs later
//! faults back in from the cache. A mapping is dropped only when the kernel says it is
//! file-backed, private, not writable and holds no anonymous (copied-on-write) page:
//! relocated read-only data (RELRO) exists nowhere else and is left alone.
//!
//! [`tune_heap`] is the other end: how the heap grows and shrinks while the process runs.

/// Drops the page-table entries of every clean read-only file mapping, and returns
/// free heap pages to the kernel. Costs one read of `/proc/self/smaps` (about a
/// hundred microseconds); whatever is used again faults back in.
pub fn release_idle_pages() {
    if let Ok(smaps) = std::fs::read_to_string("/proc/self/smaps") {
        for (start, end) in clean_file_mappings(&smaps) {
            // SAFETY: the range is a whole mapping of this process that the kernel just
            // reported private, not writable, backed by a file and without anonymous
            // pages: every resident page is the file's own content, so MADV_DONTNEED
            // only drops page-table entries and the next access reads the same bytes
            // back from the page cache. Nothing in this process makes such a mapping
            // writable (RELRO is never unprotected again).
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED) };
        }
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns whole free pages of the allocator's arenas to
    // the kernel (madvise); it takes the arenas' locks like any allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Sets malloc's tunables; call before the first thread is spawned.
///
/// One arena: the script runs on a thread of its own (for its stack), and glibc gives
/// a second thread a fresh arena that grows one `mprotect` call per 4 KiB page: about
/// 65 system calls while the engine is built. The main heap grows by `brk` with a
/// 128 KiB pad, and the process has one busy thread at a time anyway (the main thread
/// only waits for the script thread; file-system workers and the REPL's threads
/// allocate little), so sharing one arena costs no contention.
///
/// Fixed thresholds: a stream reads a busy pipe in chunks of up to 1 MiB, each a new
/// buffer handed to the script. With glibc's defaults a 1 MiB block is `mmap`ed, or
/// (once the dynamic threshold rose) carved from the heap top and given back by `brk`
/// when freed, so every read faulted in 256 fresh zeroed pages: `bench/child/run`'s
/// pipe read 1 GiB at 0.3 GB/s (Node 1.3) with 778 `brk` calls per 256 MiB. Blocks
/// under 4 MiB now come from the heap and a freed top under 8 MiB stays for the next
/// read (3–4 GB/s). What a waiting forked child holds is still given back by
/// [`release_idle_pages`] (`malloc_trim`), which ignores the trim threshold.
pub fn tune_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets tunables of the allocator; M_ARENA_MAX,
    // M_MMAP_THRESHOLD (at most 32 MiB on 64-bit) and M_TRIM_THRESHOLD are valid
    // parameters with valid values. No other thread exists yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    }
}

/// Blocks from this size up are mapped alone (and unmapped when freed).
const MMAP_THRESHOLD: i32 = 4 << 20;
/// Free memory at the heap's top beyond this is given back at once.
const TRIM_THRESHOLD: i32 = 8 << 20;

/// The ranges of the mappings in an smaps text that may be dropped: file-backed
/// (a path), private, not writable, and with `Anonymous: 0 kB`.
fn clean_file_mappings(smaps: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    for line in smaps.lines() {
        if let Some(range) = mapping_header(line) {
            current = range;
        } else if let Some(kb) = line.strip_prefix("Anonymous:")
            && let Some(range) = current.take()
            && kb.trim().trim_end_matches("kB").trim() == "0"
        {
            out.push(range);
        }
    }
    out
}

/// A mapping's header line (`start-end perms offset dev inode [path]`): `Some(range)`
/// when the mapping is a candidate, `Some(None)` for any other mapping, `None` when the
/// line is not a header.
fn mapping_header(line: &str) -> Option<Option<(usize, usize)>> {
    let mut fields = line.split_whitespace();
    let (a, b) = fields.next()?.split_once('-')?;
    let perms = fields.next()?;
    let (start, end) = (usize::from_str_radix(a, 16).ok()?, usize::from_str_radix(b, 16).ok()?);
    let path = fields.nth(3);
    let private_read_only = perms.len() == 4 && perms.starts_with('r') && perms.ends_with('p') && !perms.contains('w');
    let candidate = private_read_only && path.is_some_and(|p| p.starts_with('/')) && end > start;
    Some(candidate.then_some((start, end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMAPS: &str = "\
559b45400000-559b45537000 r--p 00000000 fe:00 5874173  /usr/bin/procbox
Size:               1244 kB
Rss:                 784 kB
Anonymous:             0 kB
559b45537000-559b45aaf000 r-xp 00142000 fe:00 5874173  /usr/bin/procbox
Rss:                2540 kB
Anonymous:             0 kB
559b45aaf000-559b45af6000 r--p 006b9000 fe:00 5874173  /usr/bin/procbox
Rss:                 304 kB
Anonymous:           304 kB
559b45af6000-559b45af8000 rw-p 00700000 fe:00 5874173  /usr/bin/procbox
Anonymous:             8 kB
7f0000000000-7f0000001000 rw-p 00000000 00:00 0
Anonymous:             4 kB
7ffd4590000-7ffd4592000 r-xp 00000000 00:00 0  [vdso]
Anonymous:             0 kB
7f0000002000-7f0000003000 r--s 00000000 00:05 12  /dev/shm/x
Anonymous:             0 kB
";

    #[test]
    fn only_clean_private_read_only_file_mappings() {
        // The relocated read-only data (anonymous pages), data, anonymous memory, the
        // vdso and a shared mapping stay.
        assert_eq!(
            clean_file_mappings(SMAPS),
            vec![(0x559b45400000, 0x559b45537000), (0x559b45537000, 0x559b45aaf000)]
        );
        assert_eq!(mapping_header("Rss:                 784 kB"), None);
    }

    #[test]
    fn the_process_runs_on_after_a_release() {
        let text = String::from("still here");
        release_idle_pages();
        // Code, read-only data and the heap fault back in.
        assert_eq!(format!("{} {}", text, 6 * 7), "still here 42");
        release_idle_pages();
        assert_eq!(text.len(), 10);
    }
}
