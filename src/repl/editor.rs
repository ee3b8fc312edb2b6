//! The line editor on its own thread.
//!
//! `Editor::readline` blocks, and the loop thread must keep turning while a prompt
//! waits (timers, child output, signals). So rustyline runs here: the loop thread
//! asks for a line with a prompt, goes on with the event loop, and a wake pipe
//! registered with the poller tells it when the answer is in the channel. History is
//! loaded at start and each line is appended to the file at once, so a session that
//! ends abruptly keeps what was typed.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex};

use rustyline::config::Configurer;
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{
    Cmd, ColorMode, CompletionType, ConditionalEventHandler, Config, Event, EventContext, EventHandler,
    ExternalPrinter, KeyEvent, RepeatCount,
};

use super::complete::{Helper, Table};
use super::printer::Park;
use crate::io::events::{Event as IoEvent, Handler};
use crate::io::wake::Wake;
use crate::runtime::{Runtime, State};

/// What the editor thread answers.
pub enum Input {
    Line(String),
    /// Ctrl-C; `typed` says whether the line had text (then it only clears it).
    Interrupted {
        typed: bool,
    },
    /// Ctrl-D on an empty line, the end of piped input, or a broken terminal.
    Eof,
}

/// The loop thread's handle on the editor thread.
pub struct Editor {
    requests: Sender<String>,
    inputs: Receiver<Input>,
    /// rustyline's printer, for `printer::install` (none when not on a terminal).
    pub printer: Option<Box<dyn ExternalPrinter + Send>>,
    /// A history file that could not be read.
    pub warning: Option<String>,
}

type Started = Result<(Option<Box<dyn ExternalPrinter + Send>>, Option<String>), String>;

impl Editor {
    pub fn start(
        st: &State,
        history: Option<PathBuf>,
        table: Arc<Mutex<Table>>,
        park: Arc<Park>,
    ) -> io::Result<Editor> {
        let (wake_r, wake_w) = crate::sys::fd::wake_pipe()?;
        Wake::open(st.reactor(), wake_r, Rc::new(WakeUp))?;
        let (req_tx, req_rx) = mpsc::channel::<String>();
        let (in_tx, in_rx) = mpsc::channel::<Input>();
        let (ready_tx, ready_rx) = mpsc::channel::<Started>();
        std::thread::Builder::new().name("repl-editor".into()).spawn(move || {
            let helper = Helper { table, park };
            let mut rl = match open(helper) {
                Ok(rl) => rl,
                Err(e) => return drop(ready_tx.send(Err(e.to_string()))),
            };
            let typed = Arc::new(AtomicBool::new(false));
            rl.bind_sequence(KeyEvent::ctrl('C'), EventHandler::Conditional(Box::new(CtrlC(typed.clone()))));
            let (save, warning) = load_history(&mut rl, history);
            let printer = rl.create_external_printer().ok().map(|p| Box::new(p) as Box<dyn ExternalPrinter + Send>);
            if ready_tx.send(Ok((printer, warning))).is_err() {
                return;
            }
            while let Ok(prompt) = req_rx.recv() {
                typed.store(false, Ordering::SeqCst);
                let input = match rl.readline(&prompt) {
                    Ok(line) => {
                        if !line.trim().is_empty() {
                            let _ = rl.add_history_entry(line.as_str());
                            if let Some(path) = &save {
                                let _ = rl.append_history(path);
                            }
                        }
                        Input::Line(line)
                    }
                    Err(ReadlineError::Interrupted) => Input::Interrupted { typed: typed.load(Ordering::SeqCst) },
                    Err(_) => Input::Eof,
                };
                if in_tx.send(input).is_err() {
                    break;
                }
                let _ = crate::sys::fd::write_some(wake_w.as_fd(), b"!");
            }
        })?;
        let started = ready_rx.recv().map_err(|_| io::Error::other("the line editor did not start"))?;
        let (printer, warning) = started.map_err(io::Error::other)?;
        Ok(Editor { requests: req_tx, inputs: in_rx, printer, warning })
    }

    /// Shows `prompt` and starts reading a line.
    pub fn request(&self, prompt: &str) {
        let _ = self.requests.send(prompt.to_string());
    }

    /// The answer, if it came (an editor thread that died reads as Eof).
    pub fn try_input(&self) -> Option<Input> {
        match self.inputs.try_recv() {
            Ok(input) => Some(input),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Input::Eof),
        }
    }
}

fn open(helper: Helper) -> rustyline::Result<rustyline::Editor<Helper, FileHistory>> {
    let config = Config::builder()
        .max_history_size(1000)?
        .history_ignore_dups(true)?
        .history_ignore_space(true)
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        // The highlighter is the parking spot used when leaving (see `printer`), and
        // rustyline calls it only with colours on; it adds no colour itself.
        .color_mode(ColorMode::Forced)
        .build();
    let mut rl = rustyline::Editor::with_config(config)?;
    // A parked editor must not leave the terminal in a synchronized update.
    rl.enable_synchronized_output(false);
    rl.set_helper(Some(helper));
    Ok(rl)
}

/// Loads the history; a file that exists but cannot be read is a warning, and is
/// then left alone (not overwritten) for the session.
fn load_history(
    rl: &mut rustyline::Editor<Helper, FileHistory>,
    path: Option<PathBuf>,
) -> (Option<PathBuf>, Option<String>) {
    let Some(path) = path else { return (None, None) };
    match rl.load_history(&path) {
        Ok(()) => (Some(path), None),
        Err(ReadlineError::Io(e)) if e.kind() == io::ErrorKind::NotFound => (Some(path), None),
        Err(e) => {
            let msg =
                format!("procbox: cannot read the REPL history {}: {e}; history will not be saved\n", path.display());
            (None, Some(msg))
        }
    }
}

/// Ctrl-C does what it always does (abandon the line); this notes whether the line
/// had text, which decides between "clear the line" and "press again to exit".
struct CtrlC(Arc<AtomicBool>);

impl ConditionalEventHandler for CtrlC {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, ctx: &EventContext) -> Option<Cmd> {
        self.0.store(!ctx.line().is_empty(), Ordering::SeqCst);
        None
    }
}

/// The wake pipe's binding (its read end is an `io::wake::Wake`): readiness only
/// ends the poll phase, the REPL then looks at the channel.
struct WakeUp;

impl Handler<Runtime> for WakeUp {
    fn event(&self, _: &Runtime, _: IoEvent) -> bool {
        true
    }

    fn ready(&self, _: &Runtime, pipe: BorrowedFd<'_>) {
        crate::sys::fd::drain(pipe);
    }
}
