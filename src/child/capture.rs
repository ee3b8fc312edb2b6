//! Output buffering for `exec`/`execFile`: bytes are kept up to `maxBuffer`; the chunk
//! that crosses the limit is cut at it, and the caller then kills the child (Node's
//! `ERR_CHILD_PROCESS_STDIO_MAXBUFFER`, with the output so far).

#[derive(Debug)]
pub struct Capture {
    buf: Vec<u8>,
    /// `None` is Node's `maxBuffer: Infinity`.
    max: Option<usize>,
    overflowed: bool,
}

impl Capture {
    pub fn new(max: Option<usize>) -> Capture {
        Capture { buf: Vec::new(), max, overflowed: false }
    }

    /// Keeps `chunk`; false once the total went over the limit (the excess is
    /// dropped, and so is everything after).
    pub fn push(&mut self, chunk: &[u8]) -> bool {
        if self.overflowed {
            return false;
        }
        match self.max {
            Some(max) if self.buf.len() + chunk.len() > max => {
                let room = max - self.buf.len();
                self.buf.extend_from_slice(&chunk[..room]);
                self.overflowed = true;
                false
            }
            _ => {
                self.buf.extend_from_slice(chunk);
                true
            }
        }
    }

    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }
}

#[cfg(test)]
mod tests {
    use super::Capture;

    #[test]
    fn cuts_at_the_limit() {
        let mut c = Capture::new(Some(5));
        assert!(c.push(b"abc"));
        assert!(c.push(b"de"));
        assert!(!c.push(b"fgh"));
        assert!(!c.push(b"ij"));
        assert_eq!(c.take(), b"abcde");
        let mut unlimited = Capture::new(None);
        assert!(unlimited.push(&[0; 10_000]));
    }
}
