//! The REPL driven as a person would: `procbox` on a pseudo-terminal, keys written to
//! the master side, the screen read back until the expected text shows up (or a
//! generous deadline passes, and the test fails showing what it saw).

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const EXE: &str = env!("CARGO_BIN_EXE_procbox");
const DEADLINE: Duration = Duration::from_secs(20);

// Every process a test starts is killed if it outlives a deadline: a hang fails.
#[path = "support/bounded.rs"]
mod bounded;

#[derive(Default)]
struct Screen {
    bytes: Vec<u8>,
    closed: bool,
}

struct Repl {
    master: File,
    /// Kept open to read the terminal mode after procbox exits.
    slave: OwnedFd,
    child: Child,
    screen: Arc<(Mutex<Screen>, Condvar)>,
    /// How much of the cleaned screen text earlier expectations consumed.
    seen: usize,
    /// Prompts the editor must have started before more keys are typed.
    prompts: usize,
    home: PathBuf,
}

/// A fresh directory (the REPL's HOME and working directory).
fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("procbox-repl-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Drops terminal escape sequences and carriage returns: what is left is the text.
fn clean(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        match c {
            '\x1b' => {
                if it.next() == Some('[') {
                    for c in it.by_ref() {
                        if ('\x40'..='\x7e').contains(&c) {
                            break;
                        }
                    }
                }
            }
            '\r' | '\x07' => {}
            c => out.push(c),
        }
    }
    out
}

/// What the line editor writes when it starts reading a line.
const EDITING: &[u8] = b"\x1b[?2004h";

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

impl Repl {
    fn start(tag: &str) -> Repl {
        Repl::start_in(temp_dir(tag), &[])
    }

    fn start_in(home: PathBuf, env: &[(&str, &str)]) -> Repl {
        let size = nix::pty::Winsize { ws_row: 24, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0 };
        let pty = nix::pty::openpty(Some(&size), None).expect("openpty");
        let io = |fd: &OwnedFd| Stdio::from(fd.try_clone().unwrap());
        let mut cmd = Command::new(EXE);
        cmd.current_dir(&home)
            .env("HOME", &home)
            .env("TERM", "xterm")
            .env_remove("PROCBOX_REPL_HISTORY")
            .stdin(io(&pty.slave))
            .stdout(io(&pty.slave))
            .stderr(io(&pty.slave));
        for (k, v) in env {
            cmd.env(k, v);
        }
        // A session of its own with the pty as controlling terminal, so Ctrl-C
        // typed while code runs becomes a SIGINT for procbox, as in a shell.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn procbox");
        let master = File::from(pty.master);
        let screen = Arc::new((Mutex::new(Screen::default()), Condvar::new()));
        let (mut reader, s) = (master.try_clone().unwrap(), screen.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                let mut scr = s.0.lock().unwrap();
                if n == 0 {
                    scr.closed = true;
                    s.1.notify_all();
                    return;
                }
                scr.bytes.extend_from_slice(&buf[..n]);
                s.1.notify_all();
            }
        });
        Repl { master, slave: pty.slave, child, screen, seen: 0, prompts: 1, home }
    }

    /// Writes keys at once, whatever procbox is doing (Ctrl-C while code runs).
    fn send(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).unwrap();
        self.master.flush().unwrap();
    }

    /// Waits until the line editor is reading (it turns bracketed paste on when it
    /// starts and off when it returns), then types `keys`. Keys typed between two
    /// prompts would meet the terminal in cooked mode, as they would for a person.
    fn type_keys(&mut self, keys: &str) {
        let start = Instant::now();
        let (lock, cv) = &*self.screen;
        let mut scr = lock.lock().unwrap();
        loop {
            let on = find_last(&scr.bytes, EDITING);
            let off = find_last(&scr.bytes, b"\x1b[?2004l");
            if count(&scr.bytes, EDITING) >= self.prompts && on > off {
                break;
            }
            let left = DEADLINE.checked_sub(start.elapsed());
            if scr.closed || left.is_none() {
                panic!("the editor never read; screen:\n{}", clean(&scr.bytes));
            }
            scr = cv.wait_timeout(scr, left.unwrap()).unwrap().0;
        }
        // Enter, Ctrl-C and Ctrl-D end this prompt: the next keys wait for another.
        if keys.contains(['\r', '\x03', '\x04']) {
            self.prompts = count(&scr.bytes, EDITING) + 1;
        }
        drop(scr);
        self.send(keys);
    }

    /// Waits until `needle` appears after what earlier expectations consumed;
    /// returns the text up to and including it.
    fn expect(&mut self, needle: &str) -> String {
        let start = Instant::now();
        let (lock, cv) = &*self.screen;
        let mut scr = lock.lock().unwrap();
        loop {
            let text = clean(&scr.bytes);
            if let Some(i) = text[self.seen.min(text.len())..].find(needle) {
                let end = self.seen + i + needle.len();
                let got = text[self.seen..end].to_string();
                self.seen = end;
                return got;
            }
            let left = DEADLINE.checked_sub(start.elapsed());
            if scr.closed || left.is_none() {
                panic!(
                    "expected {needle:?}; the screen after the last match was:\n{}",
                    &text[self.seen.min(text.len())..]
                );
            }
            scr = cv.wait_timeout(scr, left.unwrap()).unwrap().0;
        }
    }

    /// Types a line and waits for the next prompt; returns what was shown between.
    fn eval(&mut self, line: &str) -> String {
        self.type_keys(&format!("{line}\r"));
        self.expect(&format!("{line}\n"));
        let out = self.expect("> ");
        out[..out.len() - 2].to_string()
    }

    fn wait(&mut self) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "procbox did not exit; screen:\n{}",
                clean(&self.screen.0.lock().unwrap().bytes)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The pty is back in cooked mode (canonical input, echo).
    fn terminal_is_cooked(&self) -> bool {
        let t = nix::sys::termios::tcgetattr(&self.slave).unwrap();
        t.local_flags.contains(nix::sys::termios::LocalFlags::ICANON | nix::sys::termios::LocalFlags::ECHO)
    }
}

impl Drop for Repl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

#[test]
fn values_are_echoed_like_node() {
    let mut r = Repl::start("echo");
    r.expect("> ");
    assert_eq!(r.eval("1 + 2"), "3\n");
    assert_eq!(r.eval(r#""abc""#), "'abc'\n");
    assert_eq!(r.eval("let x = 5;"), "");
    assert_eq!(r.eval("x * 2"), "10\n");
    assert_eq!(r.eval("()"), "");
    assert_eq!(r.eval("#{a: 1, b: [true, \"s\"]}"), "{ a: 1, b: [ true, 's' ] }\n");
}

#[test]
fn stdout_write_callbacks_come_after_the_write_through_the_printer() {
    let mut r = Repl::start("writecb");
    r.expect("> ");
    // The bytes go through the REPL's printer, not the stream: the callback still
    // comes, once, with no error.
    r.type_keys("process.stdout.write(\"out-1\\n\", |e| print(`cb-1 ${e == ()}`));\r");
    r.expect("out-1\n");
    r.expect("cb-1 true\n");
    r.type_keys("process.stderr.write(\"err-2\\n\", |e| print(`cb-2 ${e == ()}`));\r");
    r.expect("err-2\n");
    r.expect("cb-2 true\n");
    assert_eq!(r.eval("1 + 1"), "2\n");
}

#[test]
fn multi_line_function_then_call() {
    let mut r = Repl::start("multiline");
    r.expect("> ");
    r.type_keys("fn add(a, b) {\r");
    r.expect("... ");
    r.type_keys("  a + b\r");
    r.expect("... ");
    r.type_keys("}\r");
    r.expect("> ");
    assert_eq!(r.eval("add(2, 3)"), "5\n");
    // An open call and a backtick string span lines too.
    r.type_keys("add(40,\r");
    r.expect("... ");
    r.type_keys("2)\r");
    r.expect("\n42\n");
    r.type_keys("`one\r");
    r.expect("... ");
    r.type_keys("two`\r");
    r.expect("'one\\ntwo'");
}

#[test]
fn timer_fires_while_the_prompt_waits() {
    let mut r = Repl::start("timer");
    r.expect("> ");
    // The timer fires once the file `go` exists, which the test makes once the
    // half line is typed (a 300 ms timeout raced the typing on a loaded machine).
    // (Lines stay under the terminal's 100 columns: a wrapped echo is not one line.)
    r.eval(r#"let fs = require("fs");"#);
    r.eval(r#"let t = setInterval(|| if fs.existsSync("go") { fs.unlinkSync("go"); print("tick"); }, 20);"#);
    // Half a line is typed while the timer is pending; it survives the tick.
    r.type_keys("12");
    r.expect("12");
    std::fs::write(r.home.join("go"), "").unwrap();
    r.expect("tick\n");
    let after = r.expect("12");
    assert!(after.contains("> "), "prompt redrawn below the timer output: {after:?}");
    r.type_keys("3\r");
    r.expect("\n123\n");
}

#[test]
fn ctrl_c_interrupts_running_code_and_the_repl_survives() {
    let mut r = Repl::start("interrupt");
    r.expect("> ");
    r.type_keys("print(\"start\"); loop {}\r");
    r.expect("start\n");
    r.send("\x03");
    r.expect("Interrupted\n");
    r.expect("> ");
    assert_eq!(r.eval("1 + 1"), "2\n");
}

#[test]
fn dot_exit_runs_exit_listeners() {
    let mut r = Repl::start("exit");
    r.expect("> ");
    r.eval("process.on(\"exit\", |code| print(`bye ${code}`));");
    r.type_keys(".exit\r");
    r.expect("bye 0\n");
    assert_eq!(r.wait().code(), Some(0));
    assert!(r.terminal_is_cooked());
}

#[test]
fn process_exit_at_the_prompt_and_from_a_timer() {
    let mut r = Repl::start("pexit");
    r.expect("> ");
    r.type_keys("process.exit(4)\r");
    assert_eq!(r.wait().code(), Some(4));

    // A timer ends the process while the editor holds the terminal: its last line
    // is shown and the terminal is given back in cooked mode.
    let mut r = Repl::start("timer-exit");
    r.expect("> ");
    // The timer acts once the file `go` exists, made once "partial" is typed (a
    // 200 ms timeout could end the process before the test typed).
    r.eval(r#"let fs = require("fs");"#);
    r.eval(r#"let t = setInterval(|| if fs.existsSync("go") { print("done"); process.exit(3) }, 20);"#);
    r.type_keys("partial");
    r.expect("partial");
    std::fs::write(r.home.join("go"), "").unwrap();
    r.expect("done\n");
    assert_eq!(r.wait().code(), Some(3));
    assert!(r.terminal_is_cooked());
}

#[test]
fn errors_show_a_caret_and_the_session_goes_on() {
    let mut r = Repl::start("errors");
    r.expect("> ");
    let out = r.eval("let x = )");
    assert!(out.starts_with("let x = )\n        ^\n\nUncaught SyntaxError: "), "{out:?}");
    // (`y / 0` is Infinity, as in JavaScript.)
    let out = r.eval("let y = 1; y + nope");
    assert!(out.contains("\n               ^\n") && out.contains("Uncaught ReferenceError"), "{out:?}");
    let out = r.eval(r#"throw "boom""#);
    assert!(out.ends_with("Uncaught 'boom'\n"), "{out:?}");
    // A callback that throws later is reported too, and the REPL stays.
    r.eval(r#"let t = setTimeout(|| { throw "late" }, 10);"#);
    r.expect("Uncaught 'late'");
    r.type_keys("7\r");
    r.expect("\n7\n");
}

#[test]
fn state_persists_between_inputs() {
    let dir = temp_dir("persist");
    std::fs::write(dir.join("util.rhai"), "fn twice(x) { x * 2 }\n").unwrap();
    let mut r = Repl::start_in(dir, &[]);
    r.expect("> ");
    r.eval("let count = 0;");
    r.eval("let inc = || { count += 1; count };");
    assert_eq!(r.eval("inc.call()"), "1\n");
    assert_eq!(r.eval("inc.call() + 10"), "12\n");
    r.eval(r#"import "util" as u;"#);
    assert_eq!(r.eval("u::twice(21)"), "42\n");
    // A callback registered on an earlier line, fired by a later one.
    r.eval(r#"process.on("ping", |n| print(`pong ${n + count}`));"#);
    r.type_keys("process.emit(\"ping\", 1);\r");
    r.expect("pong 3\n");
}

#[test]
fn ctrl_c_clears_a_line_and_twice_leaves() {
    let mut r = Repl::start("ctrlc");
    r.expect("> ");
    r.type_keys("1 + ");
    r.type_keys("\x03");
    r.expect("> ");
    assert_eq!(r.eval("5"), "5\n");
    r.type_keys("\x03");
    r.expect("(To exit, press Ctrl+C again or Ctrl+D or type .exit)\n");
    r.type_keys("\x03");
    assert_eq!(r.wait().code(), Some(0));

    let mut r = Repl::start("ctrld");
    r.expect("> ");
    r.eval("process.exitCode = 2;");
    r.type_keys("\x04");
    assert_eq!(r.wait().code(), Some(2));
}

#[test]
fn dot_commands() {
    let mut r = Repl::start("dots");
    r.expect("> ");
    assert!(r.eval(".help").contains(".editor   Enter editor mode"));
    r.eval("let kept = 41;");
    let saved = r.eval(".save session.rhai");
    assert_eq!(saved, "Session saved to: session.rhai\n");
    assert_eq!(std::fs::read_to_string(r.home.join("session.rhai")).unwrap(), "let kept = 41;\n");
    assert_eq!(r.eval(".clear"), "Clearing context...\n");
    assert!(r.eval("kept").contains("Uncaught ReferenceError: kept is not defined"));
    r.eval(".load session.rhai");
    assert_eq!(r.eval("kept + 1"), "42\n");
    assert_eq!(r.eval(".nope"), "Invalid REPL keyword\n");

    r.type_keys(".editor\r");
    r.expect("// Entering editor mode (Ctrl+D to finish, Ctrl+C to cancel)\n");
    r.type_keys("let a = 1;\r");
    r.type_keys("a + kept\r");
    r.type_keys("\x04");
    r.expect("\n42\n");
}

#[test]
fn tab_completes_globals_members_and_variables() {
    let mut r = Repl::start("complete");
    r.expect("> ");
    r.eval("let my_long_name = 7;");
    r.type_keys("my_lo\t + 1\r");
    r.expect("\n8\n");
    r.type_keys("process.platfo\t\r");
    r.expect("\n'linux'\n");
    r.type_keys("process.stdout.isT\t\r");
    r.expect("\ntrue\n");
}

#[test]
fn history_is_kept_and_a_broken_file_is_only_a_warning() {
    let dir = temp_dir("history");
    let mut r = Repl::start_in(dir.clone(), &[]);
    r.expect("> ");
    r.eval("let remembered = 1;");
    r.type_keys(".exit\r");
    r.wait();
    let file = dir.join(".procbox_repl_history");
    assert!(std::fs::read_to_string(&file).unwrap().contains("let remembered = 1;"));
    // The next session recalls it with the up arrow.
    let mut r = Repl::start_in(dir.clone(), &[]);
    r.expect("> ");
    r.type_keys("\x1b[A\x1b[A\r");
    r.type_keys("remembered + 1\r");
    r.expect("\n2\n");
    drop(r);

    let dir = temp_dir("history-broken");
    let bad = dir.join("bad-history");
    std::fs::create_dir(&bad).unwrap();
    let mut r = Repl::start_in(dir, &[("PROCBOX_REPL_HISTORY", bad.to_str().unwrap())]);
    r.expect("cannot read the REPL history");
    r.expect("> ");
    assert_eq!(r.eval("1 + 1"), "2\n");
}

#[test]
fn interactive_flag_with_piped_stdin() {
    let mut child =
        bounded::spawn(Command::new(EXE).arg("-i").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()));
    child.stdin.take().unwrap().write_all(b"fn f(x) {\n  x + 1\n}\nf(1)\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "> ... ... > 2\n> ");
    assert!(out.status.success());
}

#[test]
fn ps_prints_the_session_tree_indented() {
    let mut r = Repl::start("ps");
    r.expect("> ");
    r.eval("let c = spawn(\"sh\", [\"-c\", \"sleep 30 & wait\"], #{killTree: true});");
    // Until the shell has started its sleep (a deadline, not a sleep).
    r.eval("let t0 = Date.now(); while process.children().len() < 2 && Date.now() - t0 < 10000 {}");
    let table = r.eval(".ps");
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].contains("PID") && lines[0].contains("COMMAND"), "{table}");
    let sh = lines.iter().find(|l| l.contains("sh -c sleep 30 & wait")).expect("the shell is listed");
    let sleep = lines.iter().find(|l| l.ends_with("sleep 30")).expect("its sleep is listed");
    let column = |l: &str, pat: &str| l.find(pat).unwrap();
    assert_eq!(column(sleep, "sleep 30"), column(sh, "sh -c") + 2, "the grandchild is indented:\n{table}");
    r.eval("c.kill();");
    r.type_keys(".exit\r");
    assert_eq!(r.wait().code(), Some(0));
}
