//! The adaptive read size of a pipe stream (`ReadSize::Adaptive`), sans-IO: reads
//! start small (a child that prints a line gets a small buffer) and, each time one
//! comes back full, the pipe's kernel buffer is grown (`F_SETPIPE_SZ`, once: the
//! first grow asks for the most) and the reads with it, so a child that writes a lot
//! is read in big chunks with few wake-ups (`bench/child/run`'s pipe throughput).

/// The size of the read after one that got `n` bytes into a buffer of `size`: the
/// same unless the read was full; then `grow(max)` asks for a pipe buffer of `max`
/// bytes and says what the kernel gave (`None`: not a pipe, over the user's limit),
/// and the reads become that, at least double, at most `max`.
pub fn next(size: usize, n: usize, max: usize, grow: impl FnOnce(usize) -> Option<usize>) -> usize {
    if n < size || size >= max {
        return size;
    }
    let got = grow(max).unwrap_or(size);
    got.max(size * 2).min(max)
}

#[cfg(test)]
mod tests {
    use super::next;

    const K: usize = 1024;

    #[test]
    fn a_short_read_keeps_the_size_and_grows_nothing() {
        let mut asked = false;
        assert_eq!(
            next(64 * K, 100, 1024 * K, |_| {
                asked = true;
                Some(1024 * K)
            }),
            64 * K
        );
        assert!(!asked, "no F_SETPIPE_SZ for a read that did not fill the buffer");
    }

    #[test]
    fn a_full_read_grows_to_what_the_pipe_got() {
        let mut asked = None;
        let n = next(64 * K, 64 * K, 1024 * K, |want| {
            asked = Some(want);
            Some(1024 * K)
        });
        assert_eq!((n, asked), (1024 * K, Some(1024 * K)));
    }

    #[test]
    fn without_a_bigger_pipe_the_reads_double_up_to_the_max() {
        let mut size = 64 * K;
        let mut seen = vec![size];
        while size < 1024 * K {
            size = next(size, size, 1024 * K, |_| None);
            seen.push(size);
        }
        assert_eq!(seen, [64 * K, 128 * K, 256 * K, 512 * K, 1024 * K]);
        assert_eq!(next(size, size, 1024 * K, |_| panic!("no grow past the max")), 1024 * K);
    }

    #[test]
    fn a_pipe_smaller_than_double_still_doubles_the_reads() {
        assert_eq!(next(64 * K, 64 * K, 1024 * K, |_| Some(96 * K)), 128 * K);
        assert_eq!(next(512 * K, 512 * K, 1024 * K, |_| Some(4096 * K)), 1024 * K, "capped");
    }
}
