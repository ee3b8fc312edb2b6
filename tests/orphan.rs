//! The seed's orphan example (`scripts/orphan.rhai`): the parent passes its listening
//! socket to a forked child and exits; the child keeps answering HTTP, re-parented.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

// Runs on support/needs.rs (harness = false): without curl the test is reported
// ignored, with the reason; it has a deadline.
#[path = "support/needs.rs"]
#[macro_use]
mod needs;

fn main() -> std::process::ExitCode {
    needs::run(tests![Curl: orphan_child_keeps_serving_after_its_parent_exited])
}

const EXE: &str = env!("CARGO_BIN_EXE_procbox");
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/orphan.rhai");

/// Kills the orphan even when an assertion fails.
struct Reap(i32);

impl Drop for Reap {
    fn drop(&mut self) {
        unsafe { libc::kill(self.0, libc::SIGKILL) };
    }
}

fn field(text: &str, after: &str) -> i32 {
    let start = text.find(after).unwrap_or_else(|| panic!("no {after:?} in {text:?}")) + after.len();
    text[start..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap()
}

fn orphan_child_keeps_serving_after_its_parent_exited() {
    // The orphan inherits our stdout pipe, so read the parent's two lines, not to EOF.
    let mut parent_proc = Command::new(EXE).args([SCRIPT, "0"]).stdout(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(parent_proc.stdout.take().unwrap()).lines();
    let text = format!("{}\n{}", lines.next().unwrap().unwrap(), lines.next().unwrap().unwrap());
    assert!(parent_proc.wait().unwrap().success(), "the parent exits by itself");
    let (child, parent, port) = (field(&text, "pid: "), field(&text, "ppid: "), field(&text, "port "));
    let _reap = Reap(child);
    let page =
        Command::new("curl").args(["-s", "--max-time", "20", &format!("http://127.0.0.1:{port}/")]).output().unwrap();
    let page = String::from_utf8_lossy(&page.stdout);
    assert_eq!(field(&page, "pid: "), child, "answered by the forked child: {page:?}");
    let new_parent = field(&page, "ppid: ");
    assert_ne!(new_parent, parent, "the child was re-parented when its parent exited");
}
