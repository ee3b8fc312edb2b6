//! Output while the REPL runs: what timers, children and listeners print appears
//! above the prompt, and the line being typed is redrawn below it intact.
//!
//! rustyline's `ExternalPrinter` does the redrawing, but its `print` can block until
//! the editor thread reads the message, and that thread only reads while a prompt is
//! up. So the loop thread never calls it: output is queued (whole lines) for a
//! forwarder thread, and the loop thread waits for the queue to empty only with a
//! time limit (before a prompt, a fork, the exit), so it can never deadlock. When the
//! prompt is down, `print` writes straight to the terminal, in the same order.
//!
//! Leaving while a prompt is up (a timer calls `process.exit()`) must not lose the
//! last lines nor let the editor redraw the prompt over what follows: the editor
//! thread is parked in the highlighter (see [`Park`]) once it has shown everything,
//! then the terminal mode is restored and the rest is written directly.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rustyline::ExternalPrinter;

use super::terminal;
use crate::runtime::State;
use crate::runtime::output::{Sink, StdOutput, write_all};
use crate::sys::errno::SysResult;

/// At most this many queued messages before the loop thread waits for the terminal.
const CAP: usize = 256;
/// Consecutive writes are joined into messages up to this size.
const CHUNK: usize = 64 << 10;
/// How long a flush waits for the forwarder (it is stuck only in a rare race that
/// the next prompt undoes; output order is then the only loss).
const FLUSH_WAIT: Duration = Duration::from_millis(500);
/// Shown by the editor as an "external print" when leaving: it moves the cursor up
/// and down again, so it leaves nothing on the screen; the editor then parks.
const SENTINEL: &str = "\x1b[A\n";

/// Stops the editor thread for good when the process leaves.
#[derive(Default)]
pub struct Park {
    on: AtomicBool,
    parked: Mutex<bool>,
    cv: Condvar,
}

impl Park {
    /// Called by the editor before it draws a prompt: once leaving has begun, the
    /// editor thread waits here until the process ends.
    pub fn check(&self) {
        if !self.on.load(Ordering::SeqCst) {
            return;
        }
        // A lock is poisoned only by a panic, which aborts a release build: use the
        // data as it is (here and below) rather than panic a second time.
        *self.parked.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.cv.notify_all();
        loop {
            std::thread::park();
        }
    }

    /// Asks the editor to park and waits (up to `limit`) until it has.
    fn stop(&self, limit: Duration) {
        self.on.store(true, Ordering::SeqCst);
        let parked = self.parked.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = self.cv.wait_timeout_while(parked, limit, |p| !*p);
    }
}

enum Msg {
    Text(String),
    Sentinel,
}

#[derive(Default)]
struct Queue {
    items: VecDeque<Msg>,
    /// The forwarder is printing a message it took.
    busy: bool,
}

#[derive(Default)]
struct Shared {
    q: Mutex<Queue>,
    cv: Condvar,
}

/// The forwarder thread: hands messages to the editor's printer, in order.
fn forward(mut printer: Box<dyn ExternalPrinter + Send>, shared: Arc<Shared>) {
    loop {
        let msg = {
            let mut q = shared.q.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if let Some(m) = q.items.pop_front() {
                    q.busy = true;
                    break m;
                }
                q = shared.cv.wait(q).unwrap_or_else(PoisonError::into_inner);
            }
        };
        match msg {
            Msg::Text(s) => {
                if printer.print(s.clone()).is_err() {
                    let _ = write_all(StdOutput::Out, s.as_bytes());
                }
            }
            Msg::Sentinel => {
                let _ = printer.print(SENTINEL.into());
            }
        }
        shared.q.lock().unwrap_or_else(PoisonError::into_inner).busy = false;
        shared.cv.notify_all();
    }
}

/// The loop thread's side: the [`Sink`] behind `State::print` in the REPL.
pub struct Printer {
    shared: Arc<Shared>,
    /// Text after the last newline, held until the line is complete or a flush.
    line: Vec<u8>,
    park: Arc<Park>,
    st: Weak<State>,
    /// After leaving: everything goes straight to the descriptors.
    direct: bool,
    err_tty: bool,
}

impl Printer {
    fn push(&self, msg: Msg) {
        let mut q = self.shared.q.lock().unwrap_or_else(PoisonError::into_inner);
        let deadline = Instant::now() + FLUSH_WAIT;
        while q.items.len() >= CAP {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else { break };
            q = self.shared.cv.wait_timeout(q, left).unwrap_or_else(PoisonError::into_inner).0;
        }
        match (q.items.back_mut(), msg) {
            (Some(Msg::Text(last)), Msg::Text(s)) if last.len() < CHUNK => last.push_str(&s),
            (_, m) => q.items.push_back(m),
        }
        self.shared.cv.notify_all();
    }

    /// Waits until the forwarder has handed everything over, at most `limit`.
    fn wait_idle(&self, limit: Duration) {
        let q = self.shared.q.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = self.shared.cv.wait_timeout_while(q, limit, |q| !q.items.is_empty() || q.busy);
    }

    /// Queues the held text, except an incomplete UTF-8 sequence at its end.
    fn send_held(&mut self) {
        let valid = match std::str::from_utf8(&self.line) {
            Ok(_) => self.line.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => self.line.len(),
        };
        if valid == 0 {
            return;
        }
        let rest = self.line.split_off(valid);
        let text = String::from_utf8_lossy(&std::mem::replace(&mut self.line, rest)).into_owned();
        self.push(Msg::Text(text));
    }

    fn exiting(&self) -> bool {
        self.st.upgrade().is_some_and(|st| st.exiting.get())
    }

    /// The process is ending: show what is queued, park the editor if it holds the
    /// terminal, give the terminal back, and write directly from now on.
    pub fn leave(&mut self) {
        if self.direct {
            return;
        }
        self.send_held();
        self.wait_idle(FLUSH_WAIT);
        if terminal::is_raw() {
            self.push(Msg::Sentinel);
            self.park.stop(FLUSH_WAIT);
            terminal::restore();
        }
        self.direct = true;
        let _ = write_all(StdOutput::Out, &std::mem::take(&mut self.line));
    }

    fn write(&mut self, to: StdOutput, bytes: &[u8]) -> SysResult<()> {
        if !self.direct && self.exiting() {
            self.leave();
        }
        if self.direct || (to == StdOutput::Err && !self.err_tty) {
            return write_all(to, bytes);
        }
        self.line.extend_from_slice(bytes);
        if let Some(end) = self.line.iter().rposition(|&b| b == b'\n') {
            let rest = self.line.split_off(end + 1);
            let text = String::from_utf8_lossy(&std::mem::replace(&mut self.line, rest)).into_owned();
            self.push(Msg::Text(text));
        }
        Ok(())
    }

    fn flush(&mut self) {
        if self.direct {
            return;
        }
        if self.exiting() {
            return self.leave();
        }
        self.send_held();
        self.wait_idle(FLUSH_WAIT);
    }
}

struct Handle(Rc<RefCell<Printer>>);

impl Sink for Handle {
    fn write(&mut self, to: StdOutput, bytes: &[u8]) -> SysResult<()> {
        self.0.borrow_mut().write(to, bytes)
    }

    fn flush(&mut self) -> SysResult<()> {
        self.0.borrow_mut().flush();
        Ok(())
    }
}

/// Routes the runtime's output through `printer` until the process ends.
pub fn install(st: &Rc<State>, printer: Box<dyn ExternalPrinter + Send>, park: Arc<Park>) {
    let shared = Arc::new(Shared::default());
    let s = shared.clone();
    if std::thread::Builder::new().name("repl-printer".into()).spawn(move || forward(printer, s)).is_err() {
        return; // output stays direct: correct, only less tidy at the prompt
    }
    let err_tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let p = Printer { shared, line: Vec::new(), park, st: Rc::downgrade(st), direct: false, err_tty };
    let p = Rc::new(RefCell::new(p));
    st.out.borrow_mut().sink = Some(Box::new(Handle(p.clone())));
    st.at_exit.borrow_mut().push(Rc::new(move || p.borrow_mut().leave()));
}
