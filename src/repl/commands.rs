//! The dot commands, with Node's names, messages and behaviour: `.help`, `.exit`,
//! `.break`, `.clear`, `.load FILE`, `.save FILE`, `.editor`; and procbox's own
//! `.ps`, the live tree of the session's descendants.

use super::Repl;
use super::editor::Input;

const HELP: &str = "\
.break    Sometimes you get stuck, this gets you out
.clear    Break, and also clear the local context
.editor   Enter editor mode
.exit     Exit the REPL
.help     Print this help message
.load     Load a script from a file into the REPL session
.ps       Print the tree of processes this session started
.save     Save all evaluated commands in this REPL session to a file

Press Ctrl+C to abort current expression, Ctrl+D to exit the REPL
";

/// True when `line` is a dot command (run here), false when it is code. As in Node,
/// `.5` and `..` are code, not commands.
pub fn run(repl: &mut Repl, line: &str) -> bool {
    let line = line.trim();
    let Some(rest) = line.strip_prefix('.') else { return false };
    if rest.is_empty() || rest.starts_with('.') || rest.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let (word, arg) = rest.split_once(char::is_whitespace).map(|(w, a)| (w, a.trim())).unwrap_or((rest, ""));
    match word {
        "help" => repl.rt.st.print(HELP),
        "exit" => repl.leave(),
        "break" => repl.pending.clear(),
        "clear" => {
            repl.pending.clear();
            repl.rt.st.print("Clearing context...\n");
            repl.session.clear(&repl.rt);
        }
        "load" => load(repl, arg),
        "save" => save(repl, arg),
        "editor" => editor(repl),
        "ps" => {
            let procs = crate::child::tree::descendants(std::process::id() as i32);
            repl.rt.st.print(&crate::child::tree::table(&procs));
        }
        _ => repl.rt.st.print("Invalid REPL keyword\n"),
    }
    true
}

fn load(repl: &mut Repl, file: &str) {
    match std::fs::read_to_string(file) {
        Ok(text) => {
            let name = std::path::absolute(file).map(|p| p.display().to_string()).unwrap_or_else(|_| file.into());
            repl.session.eval(&repl.rt, &text, Some(&name));
        }
        Err(_) => repl.rt.st.print(&format!("Failed to load: {file}\n")),
    }
}

fn save(repl: &mut Repl, file: &str) {
    let mut text = repl.session.inputs.join("\n");
    text.push('\n');
    match std::fs::write(file, text) {
        Ok(()) => repl.rt.st.print(&format!("Session saved to: {file}\n")),
        Err(_) => repl.rt.st.print(&format!("Failed to save: {file}\n")),
    }
}

/// Lines are collected as typed, with no prompt and no completeness check, until
/// Ctrl-D (evaluate them) or Ctrl-C (drop them).
fn editor(repl: &mut Repl) {
    repl.rt.st.print("// Entering editor mode (Ctrl+D to finish, Ctrl+C to cancel)\n");
    let mut lines: Vec<String> = Vec::new();
    loop {
        match repl.read("") {
            Input::Line(l) => lines.push(l),
            Input::Interrupted { .. } => return,
            Input::Eof => break,
        }
    }
    let text = lines.join("\n");
    if !text.trim().is_empty() {
        repl.session.eval(&repl.rt, &text, None);
        repl.refresh_completions();
    }
}
