//! Issue 12 regressions: inputs that used to abort procbox (a panic is an abort in
//! release builds, so `try` could not save the process) and a closed stdout/stderr
//! that never ended it. Every run is bounded by a deadline: a hang fails the test.

#[path = "support/bounded.rs"]
mod bounded;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

const EXE: &str = env!("CARGO_BIN_EXE_procbox");

#[test]
fn invalid_env_names_and_values_throw_and_children_see_our_env() {
    let script = r#"
        for k in ["A=B", "", "A\0B"] {
            try { process.env[k] = "1"; print("no throw"); } catch (e) { print(`${e.name} ${e.code}`); }
        }
        try { process.env["OK"] = "a\0b"; } catch (e) { print(e.message); }
        try { process.env.remove("A=B"); } catch (e) { print(e.code); }
        process.env["PROCBOX_T"] = "x=y";
        print(process.env["PROCBOX_T"]);
        let cp = require("child_process");
        print(cp.execSync("echo \"$PROCBOX_T\"").to_string().trim());
        process.env.remove("PROCBOX_T");
        print(cp.execSync("echo \"[${PROCBOX_T}]\"").to_string().trim());
    "#;
    let out = bounded::output_within(Command::new(EXE).args(["-e", script]), 30);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "TypeError ERR_INVALID_ARG_VALUE\nTypeError ERR_INVALID_ARG_VALUE\nTypeError ERR_INVALID_ARG_VALUE\n\
         The argument 'value' must be a string without null bytes. Received 'a\\x00b'\n\
         ERR_INVALID_ARG_VALUE\nx=y\nx=y\n[]\n"
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn bad_node_channel_fd_is_a_clear_start_up_error() {
    for (value, why) in
        [("-1", "is negative"), ("abc", "is not a descriptor number"), ("987", "is not an open descriptor")]
    {
        let out =
            bounded::output_within(Command::new(EXE).args(["-e", "print(\"ran\")"]).env("NODE_CHANNEL_FD", value), 30);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "NODE_CHANNEL_FD={value}: {err}");
        assert!(err.contains(why) && err.contains("cannot open the IPC channel"), "{value}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(out.stdout.is_empty());
    }
    // Empty means no channel, as in Node (`if (process.env.NODE_CHANNEL_FD)`).
    let out = bounded::output_within(Command::new(EXE).args(["-e", "print(\"ran\")"]).env("NODE_CHANNEL_FD", ""), 30);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "ran\n");
}

/// Runs `script`, reads one line from the stream `fd` (1 or 2) like `| head -1`, then
/// closes the reader; procbox must notice and end on its own.
fn close_after_one_line(script: &str, fd: i32) -> (std::process::ExitStatus, String) {
    use std::io::{BufRead, BufReader};
    let mut cmd = Command::new(EXE);
    cmd.args(["-e", script]).stdin(Stdio::null());
    if fd == 1 {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    } else {
        cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    }
    let mut child = cmd.spawn().unwrap();
    let (mut line, mut rest) = (String::new(), String::new());
    if fd == 1 {
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    } else {
        BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
    }
    assert_eq!(line, "x\n");
    // The reader is gone now (dropped above); a hang here is the bug.
    let Some(status) = bounded::wait_within(&mut child, Duration::from_secs(20)) else {
        panic!("procbox kept running after its {} reader went away: {script}", ["", "stdout", "stderr"][fd as usize]);
    };
    if fd == 1 {
        child.stderr.take().unwrap().read_to_string(&mut rest).unwrap();
    }
    (status, rest)
}

#[test]
fn closed_stdout_ends_a_busy_loop_and_a_timer_writer() {
    for script in
        ["loop { print(\"x\") }", "setInterval(|| console.log(\"x\"), 1)", "loop { process.stdout.write(\"x\\n\") }"]
    {
        let (status, stderr) = close_after_one_line(script, 1);
        assert_eq!(status.code(), Some(1), "{script}: {stderr}");
        assert!(stderr.contains("write EPIPE"), "{script}: {stderr}");
    }
}

#[test]
fn closed_stderr_ends_the_process_too() {
    for script in ["loop { process.stderr.write(\"x\\n\") }", "setInterval(|| console.error(\"x\"), 1)"] {
        assert_eq!(close_after_one_line(script, 2).0.code(), Some(1), "{script}");
    }
}

#[test]
fn an_error_listener_on_stdout_gets_epipe() {
    let script = r#"
        process.stdout.on("error", |e| { console.error(`listener: ${e.code} ${e.syscall}`); process.exit(3); });
        setInterval(|| console.log("x"), 1);
    "#;
    let (status, stderr) = close_after_one_line(script, 1);
    assert_eq!(status.code(), Some(3), "{stderr}");
    assert_eq!(stderr, "listener: EPIPE write\n");
}
