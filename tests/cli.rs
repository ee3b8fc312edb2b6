//! Behaviour that a golden file cannot show: command-line flags, signals sent from
//! outside, a slow reader on stdout, stdin as a pipe.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;

const EXE: &str = env!("CARGO_BIN_EXE_procbox");

// Every process a test starts is killed if it outlives a deadline: a hang fails.
#[path = "support/bounded.rs"]
mod bounded;

/// Waits for a child, but never forever: a hang is a failure, not a stuck CI run.
fn wait(child: &mut std::process::Child) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if std::time::Instant::now() > deadline {
            child.kill().ok();
            panic!("procbox did not end within 30 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// SIGINT back to its default in the child: a test run started in the background
/// has it ignored, and the child would inherit that.
fn default_sigint(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec only signal(2), which is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        })
    }
}

fn procbox(args: &[&str]) -> std::process::Output {
    bounded::output(Command::new(EXE).args(args))
}

#[test]
fn help_and_version() {
    let help = procbox(&["--help"]);
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("Usage: procbox"));
    let v = procbox(&["--version"]);
    assert_eq!(String::from_utf8_lossy(&v.stdout), format!("procbox v{}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn eval_gets_its_arguments() {
    let out = procbox(&["-e", "console.log(process.argv.len(), process.argv[1], process.execArgv[0])", "a", "b"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "3 a -e\n");
}

#[test]
fn missing_file_and_bad_option_fail_clearly() {
    let out = procbox(&["/no/such/script.rhai"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open /no/such/script.rhai"));
    assert_eq!(procbox(&["--bogus-flag"]).status.code(), Some(9));
}

#[test]
fn script_from_stdin() {
    let mut child = bounded::spawn(Command::new(EXE).stdin(Stdio::piped()).stdout(Stdio::piped()));
    child.stdin.take().unwrap().write_all(b"setTimeout(|| print(`from stdin ${1 + 1}`), 1);").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "from stdin 2\n");
}

#[test]
fn stdin_data_and_end() {
    let script = r#"process.stdin.setEncoding("utf8");
        let total = "";
        process.stdin.on("data", |chunk| total += chunk);
        process.stdin.on("end", || { let n = total.len(); total = total.trim(); console.log(`got ${n} chars: ${total}`) });"#;
    let mut child = bounded::spawn(Command::new(EXE).args(["-e", script]).stdin(Stdio::piped()).stdout(Stdio::piped()));
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"hello ").unwrap();
    stdin.flush().unwrap();
    stdin.write_all(b"world\n").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "got 12 chars: hello world\n");
    assert!(out.status.success());
}

/// The seed's signal demo: SIGINT reaches the listener, Ctrl-D (EOF) ends it.
#[test]
fn sigint_listener_then_eof() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/signal.rhai");
    let mut child =
        bounded::spawn(default_sigint(Command::new(EXE).arg(script).stdin(Stdio::piped()).stdout(Stdio::piped())));
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert_eq!(first, format!("本进程的id是: {}", child.id()));
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    assert_eq!(lines.next().unwrap().unwrap(), "Received SIGINT. Press Control-D to exit.");
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    assert_eq!(lines.next().unwrap().unwrap(), "Received SIGINT. Press Control-D to exit.");
    drop(child.stdin.take());
    assert!(lines.next().is_none());
    assert_eq!(wait(&mut child).code(), Some(0));
}

/// With no SIGINT listener, Ctrl-C kills even a script stuck in `loop {}`.
#[test]
fn sigint_kills_busy_loop() {
    let mut child = bounded::spawn(default_sigint(
        Command::new(EXE).args(["-e", "print(\"looping\"); loop {}"]).stdout(Stdio::piped()),
    ));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line, "looping\n");
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    assert_eq!(wait(&mut child).signal(), Some(libc::SIGINT));
}

/// A signal listener alone does not keep the process alive.
#[test]
fn signal_listener_alone_exits() {
    let out = procbox(&["-e", "process.on(\"SIGINT\", || {}); console.log(\"listener only\")"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "listener only\n");
    assert!(out.status.success());
}

/// Node loses all but ~64 KiB here; procbox loses nothing.
#[test]
fn exit_flushes_everything_to_a_slow_pipe() {
    let script = r#"let chunk = "x"; chunk.pad(1024 * 1024 - 1, "x"); chunk += "\n";
        for i in 0..4 { process.stdout.write(chunk); }
        process.exit(0);"#;
    let mut child = bounded::spawn(Command::new(EXE).args(["-e", script]).stdout(Stdio::piped()));
    let mut out = child.stdout.take().unwrap();
    // The slow reader is the point of the test: the writer must wait for it.
    std::thread::sleep(Duration::from_millis(300));
    let mut got = Vec::new();
    out.read_to_end(&mut got).unwrap();
    assert_eq!(got.len(), 4 * 1024 * 1024);
    assert!(wait(&mut child).success());
}

#[test]
fn syntax_error_reports_position() {
    let out = procbox(&["-e", "let x = 1;\nlet y = (2 + ;"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "[eval]:2:14\nlet y = (2 + ;\n             ^\n\nSyntaxError: Unexpected ';'\n"
    );
}
