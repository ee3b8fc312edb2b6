//! The REPL: `procbox` on a terminal, or `procbox -i`.
//!
//! Two threads: rustyline reads lines on its own ([`editor`]) while this one turns
//! the event loop, so timers fire, children report and signals arrive while the
//! prompt waits, and what they print appears above the prompt ([`printer`]). Each
//! complete input is evaluated in one long-lived session ([`session`]); an open
//! brace, bracket, call or backtick string asks for more with `... ` ([`input`]).
//! Errors are shown and the session goes on ([`report`]); Ctrl-C stops running code
//! ([`interrupt`]). Leaving is `process.exit()`: the `exit` listeners run.

mod commands;
mod complete;
mod editor;
mod input;
mod interrupt;
mod printer;
mod report;
mod session;
mod terminal;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use crate::runtime::Runtime;
use complete::{Catalog, Table};
use editor::{Editor, Input};
use printer::Park;
use session::Session;

pub struct Repl {
    rt: Runtime,
    /// The prompt keeps the loop alive for the whole session.
    _hold: crate::event_loop::Hold,
    editor: Editor,
    session: Session,
    catalog: Catalog,
    table: Arc<Mutex<Table>>,
    /// Lines of an input that is not complete yet.
    pending: Vec<String>,
    /// Ctrl-C was pressed on an empty line: the next one leaves.
    armed: bool,
    /// stdin is a terminal (otherwise rustyline shows no prompt, so we do).
    tty: bool,
}

/// Runs the REPL until the user leaves; never returns.
pub fn run(mut rt: Runtime) -> ! {
    interrupt::watch(&mut rt.engine);
    interrupt::shield();
    terminal::save();
    let tty = std::io::stdin().is_terminal();
    let table = Arc::new(Mutex::new(Table::default()));
    let park = Arc::new(Park::default());
    let history = if tty { history_file() } else { None };
    let mut editor = match Editor::start(&rt.st, history, table.clone(), park.clone()) {
        Ok(e) => e,
        Err(e) => {
            rt.st.eprint(&format!("procbox: cannot start the REPL: {e}\n"));
            rt.finish(1)
        }
    };
    if let Some(p) = editor.printer.take() {
        printer::install(&rt.st, p, park);
    }
    // After the printer's own exit hook, which parks the editor first.
    rt.st.at_exit.borrow_mut().push(Rc::new(|| {
        if terminal::is_raw() {
            terminal::restore();
        }
    }));
    if let Some(w) = editor.warning.take() {
        rt.st.eprint(&w);
    }
    let session = Session::default();
    let defined = session.defined.clone();
    rt.st.on_uncaught.replace(Some(Rc::new(move |rt, err, at| report::show(rt, err, at, &defined))));
    // The prompt is a handle like Node's stdin: the loop stays alive and its poll
    // blocks (until a timer, I/O, a signal or the editor's answer).
    let hold = rt.st.hold();
    let catalog = Catalog::new(&rt.engine);
    let mut repl = Repl { rt, _hold: hold, editor, session, catalog, table, pending: Vec::new(), armed: false, tty };
    repl.refresh_completions();
    repl.main()
}

/// `$PROCBOX_REPL_HISTORY` (empty: none), else `~/.procbox_repl_history`, as Node
/// does with `NODE_REPL_HISTORY` and `~/.node_repl_history`.
fn history_file() -> Option<PathBuf> {
    match std::env::var_os("PROCBOX_REPL_HISTORY") {
        Some(p) if p.is_empty() => None,
        Some(p) => Some(PathBuf::from(p)),
        None => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".procbox_repl_history")),
    }
}

impl Repl {
    fn main(&mut self) -> ! {
        loop {
            let prompt = if self.pending.is_empty() { "> " } else { "... " };
            match self.read(prompt) {
                Input::Line(line) => {
                    self.armed = false;
                    self.line(line);
                }
                Input::Interrupted { typed } => self.interrupted(typed),
                Input::Eof => self.leave(),
            }
        }
    }

    /// Shows `prompt` and turns the event loop until the editor answers.
    fn read(&mut self, prompt: &str) -> Input {
        // What was printed so far is on the screen before the prompt is drawn.
        self.rt.st.flush();
        // A script listener for SIGINT may have come and gone.
        interrupt::shield();
        if !self.tty {
            self.rt.st.print(prompt);
            self.rt.st.flush();
        }
        self.editor.request(prompt);
        loop {
            if let Some(input) = self.editor.try_input() {
                return input;
            }
            self.rt.run_once();
        }
    }

    fn line(&mut self, line: String) {
        if self.pending.is_empty() && commands::run(self, &line) {
            return;
        }
        if !self.pending.is_empty() && line.trim() == ".break" {
            self.pending.clear();
            return;
        }
        self.pending.push(line);
        let text = self.pending.join("\n");
        if text.trim().is_empty() {
            self.pending.clear();
            return;
        }
        if input::incomplete(&self.rt.engine, &text) {
            return;
        }
        self.pending.clear();
        self.session.eval(&self.rt, &text, None);
        self.refresh_completions();
    }

    /// Ctrl-C at the prompt: drop the line or the unfinished input; on an empty
    /// prompt, warn, and leave on the second one.
    fn interrupted(&mut self, typed: bool) {
        if typed || !self.pending.is_empty() {
            self.pending.clear();
            self.armed = false;
        } else if self.armed {
            self.leave();
        } else {
            self.armed = true;
            self.rt.st.print("(To exit, press Ctrl+C again or Ctrl+D or type .exit)\n");
        }
    }

    fn refresh_completions(&self) {
        self.catalog.fill(&self.table, &self.rt.scope.borrow(), self.session.functions());
    }

    /// Leaving is `process.exit()`: `exit` listeners, then the end.
    fn leave(&mut self) -> ! {
        let code = self.rt.st.exit_code.get().unwrap_or(0);
        self.rt.exit(code)
    }
}
