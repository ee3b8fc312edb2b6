//! Gives back the page-table entries of code that only start-up ran.
//!
//! An idle forked child's resident set is mostly code: building the engine touches
//! registration code all over the binary, and the kernel maps 64 KiB around each
//! touched page, so about 4.5 MiB of procbox's 5.6 MiB of text stays resident though
//! a child waiting for messages runs a few pages of it. The pages are clean copies of
//! the files (shared page cache, never written), so dropping this process's mappings
//! of them loses nothing: what runs later faults back in from the cache. Only
//! executable mappings are touched: read-only data can be relocated memory (RELRO)
//! whose contents exist nowhere else.

use std::sync::atomic::{AtomicBool, Ordering};

/// Once per process: drops the mappings of every file-backed executable segment.
pub fn release_code_pages() {
    static DONE: AtomicBool = AtomicBool::new(false);
    if DONE.swap(true, Ordering::Relaxed) {
        return;
    }
    let Ok(maps) = std::fs::read_to_string("/proc/self/maps") else { return };
    for (start, end) in maps.lines().filter_map(code_segment) {
        // SAFETY: the range is a whole mapping of this process, executable, private and
        // not writable, backed by a file: MADV_DONTNEED only drops page-table entries,
        // and the next access reads the same bytes back from the file's cache.
        unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED) };
    }
}

/// `start-end r-xp offset dev inode /path`: the range of a file-backed code mapping.
fn code_segment(line: &str) -> Option<(usize, usize)> {
    let mut fields = line.split_whitespace();
    let range = fields.next()?;
    if fields.next()? != "r-xp" || !fields.nth(3).is_some_and(|path| path.starts_with('/')) {
        return None;
    }
    let (a, b) = range.split_once('-')?;
    Some((usize::from_str_radix(a, 16).ok()?, usize::from_str_radix(b, 16).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_file_backed_code() {
        let line = "559b45537000-559b45aaf000 r-xp 00142000 fe:00 5874173  /usr/bin/procbox";
        assert_eq!(code_segment(line), Some((0x559b45537000, 0x559b45aaf000)));
        assert_eq!(code_segment("559b45aaf000-559b45af6000 r--p 006b9000 fe:00 5874173 /usr/bin/procbox"), None);
        assert_eq!(code_segment("7ffd4590000-7ffd4592000 r-xp 00000000 00:00 0 [vdso]"), None);
        assert_eq!(code_segment("7f0000000000-7f0000001000 r-xp 00000000 00:00 0"), None);
        // After it, the process still runs its code (faulted back in).
        release_code_pages();
        assert_eq!(format!("{}", 6 * 7), "42");
    }
}
