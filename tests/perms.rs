//! The permission flags end to end (issue 15): denials at the API level, the
//! kernel refusing what a permitted child tries, inheritance through two levels of
//! `fork`, narrowing and widening, per-child sandboxes, the loader-variable escape,
//! and `--sandbox-report`. Scripts live in `tests/perms/`. A test that needs a
//! kernel mechanism this host lacks is reported ignored, with the reason.

#[path = "support/needs.rs"]
#[macro_use]
mod needs;

#[path = "support/bounded.rs"]
mod bounded;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const EXE: &str = env!("CARGO_BIN_EXE_procbox");

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/perms")
}

/// `procbox FLAGS script ARGS` in tests/perms; (stdout, stderr, exit code).
fn procbox(flags: &[&str], script: &str, args: &[&str]) -> (String, String, i32) {
    let out = bounded::output(Command::new(EXE).args(flags).arg(script).args(args).current_dir(dir()));
    let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (s(&out.stdout), s(&out.stderr), out.status.code().unwrap_or(-1))
}

/// The Landlock ABI, from the report procbox prints.
fn landlock_abi() -> i32 {
    let (out, _, _) = procbox(&["--sandbox-report"], "", &[]);
    out.lines()
        .find(|l| l.starts_with("Landlock"))
        .and_then(|l| l.split("ABI ").nth(1))
        .and_then(|s| s.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("procbox-perms-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn each_flag_denies_at_the_api_level() {
    let d = dir().display().to_string();
    let flags = [
        "--allow-run=sh",
        &format!("--allow-read={d}"),
        &format!("--allow-write={d}/out"),
        "--allow-env=HOME",
        "--allow-net=127.0.0.1:1",
    ];
    let (out, err, code) = procbox(&flags, "api_denials.rhai", &[]);
    let expected = "\
ERR_ACCESS_DENIED ChildProcess Requires run access to \"curl\", run again with --allow-run=curl
allowed
ERR_ACCESS_DENIED FileSystemRead Requires read access to \"/etc/hostname\", run again with --allow-read=/etc/hostname
allowed
ERR_ACCESS_DENIED FileSystemWrite Requires write access to \"/tmp/procbox-perm-test\", run again with --allow-write=/tmp/procbox-perm-test
ERR_ACCESS_DENIED FileSystemRead Requires read access to \"/etc\", run again with --allow-read=/etc
ERR_ACCESS_DENIED Net Requires net access to \"example.com:80\", run again with --allow-net=example.com:80
ERR_ACCESS_DENIED Net Requires net access to \"127.0.0.1:8080\", run again with --allow-net=127.0.0.1:8080
ERR_ACCESS_DENIED Environment Requires env access to \"PATH\", run again with --allow-env=PATH
allowed
[\"HOME\"]
ERR_ACCESS_DENIED Environment LD_PRELOAD changes how programs load and is refused for children under a permission policy; run again with -A (--allow-all)
ERR_ACCESS_DENIED FileSystemRead Requires read access to \"/etc/passwd\", run again with --allow-read=/etc/passwd
ERR_ACCESS_DENIED Net Requires net access to \"127.0.0.1:9999\", run again with --allow-net=127.0.0.1:9999
ERR_ACCESS_DENIED Net Requires net access to \"127.0.0.1:9998\", run again with --allow-net=127.0.0.1:9998
";
    assert_eq!((out.as_str(), err.as_str(), code), (expected, "", 0));
}

fn loader_variables_pass_with_allow_all() {
    let script = r#"print(require("child_process").spawnSync("sh", ["-c", "echo $LD_PRELOAD"], #{env: #{LD_PRELOAD: "", PATH: "/usr/bin:/bin"}}).stdout.toString().len)"#;
    let o = bounded::output(Command::new(EXE).args(["-A", "-e", script]));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "1\n");
    // Under any other policy, setting it in process.env is refused at the spawn too.
    let script = r#"process.env["LD_PRELOAD"] = "/x.so"; try { require("child_process").spawnSync("sh", ["-c", "true"]) } catch (e) { print(e.code) }"#;
    let o = bounded::output(Command::new(EXE).args(["--allow-run=sh", "--allow-env", "-e", script]));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "ERR_ACCESS_DENIED\n");
}

fn the_kernel_refuses_what_a_permitted_shell_tries() {
    let out_dir = temp("kernel");
    let a = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let b = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let (pa, pb) = (a.local_addr().unwrap().port().to_string(), b.local_addr().unwrap().port().to_string());
    let o = out_dir.display().to_string();
    let flags = [
        "--allow-run=sh,bash,cat",
        "--allow-read",
        &format!("--allow-write={o}"),
        &format!("--allow-net=127.0.0.1:{pa}"),
    ];
    let (out, err, code) = procbox(&flags, "kernel_shell.rhai", &[&o, &pa, &pb]);
    let lines: Vec<&str> =
        out.lines().filter(|l| !l.contains("Permission denied") && !l.contains("Operation not permitted")).collect();
    assert_eq!(
        lines,
        ["ok", "write elsewhere refused", "ls refused", "port a connected", "port b refused"],
        "{out}{err}"
    );
    assert_eq!(code, 0);
    assert!(!Path::new("/tmp/procbox-kernel-escape").exists());
    std::fs::remove_dir_all(out_dir).unwrap();
}

fn fork_inherits_through_two_levels_and_only_narrows() {
    let d = dir().display().to_string();
    let (out, err, code) = procbox(&["--allow-run=sh,ls", &format!("--allow-read={d}")], "fork_parent.rhai", &[]);
    let expected = "\
parent ls: 0
widen: ERR_ACCESS_DENIED cannot give a child run access to \"/usr/bin/curl\": the parent does not have it
level 1: [\"ls ERR_ACCESS_DENIED\", \"kernel-ls-refused\", \"read ERR_ACCESS_DENIED\"]
level 2: [\"ls ERR_ACCESS_DENIED\", \"kernel-ls-refused\", \"read ERR_ACCESS_DENIED\"]
";
    assert_eq!((out.as_str(), err.as_str(), code), (expected, "", 0));
}

fn per_child_sandbox_without_flags() {
    let (out, err, code) = procbox(&[], "sandbox_child.rhai", &[]);
    let lines: Vec<&str> =
        out.lines().filter(|l| !l.contains("Permission denied") && !l.contains("Operation not permitted")).collect();
    let expected = [
        "write refused",
        "hi",
        "1",
        "net refused",
        "ls refused",
        "ERR_ACCESS_DENIED Requires run access to \"ls\", run again with --allow-run=ls",
        "ERR_INVALID_ARG_VALUE Unknown sandbox option 'colour' (known: read, write, net, run, env, tmp, pid, bestEffort)",
    ];
    assert_eq!(lines, expected, "{out}{err}");
    assert_eq!(code, 0);
}

fn sandbox_report_lists_this_host() {
    let (out, _, code) = procbox(&["--sandbox-report"], "", &[]);
    assert_eq!(code, 0);
    let firsts: Vec<&str> = out.lines().map(|l| l.split("  ").next().unwrap_or("")).collect();
    let expected = [
        "mechanism",
        "Landlock",
        "seccomp filter",
        "no_new_privs",
        "user namespaces",
        "PID namespace",
        "net namespace",
        "mount namespace",
        "cgroup v2",
        "pidfd",
        "subreaper",
        "",
        "flag",
        "--allow-run",
        "--allow-read",
        "--allow-write",
        "--allow-net",
        "--allow-env",
        "any flag",
        "sandbox.tmp",
    ];
    assert_eq!(firsts, expected, "{out}");
    let abi = landlock_abi();
    if abi > 0 {
        assert!(out.contains(&format!("Landlock           yes  ABI {abi}: fs read/write/execute")), "{out}");
    }
}

fn bad_flags_are_start_up_errors() {
    let (_, err, code) = procbox(&["--allow-run=no-such-program-xyz"], "-e", &["1"]);
    assert_eq!((err.as_str(), code), ("procbox: --allow-run=no-such-program-xyz: no such program on PATH\n", 9));
    let (_, err, code) = procbox(&["--sandbox=maybe"], "-e", &["1"]);
    assert_eq!(code, 9, "{err}");
}

/// The REPL on a terminal asks on a denial: `y` grants the resource for the
/// session, `n` refuses with the catchable error.
fn repl_prompts_on_a_terminal() {
    use std::io::{Read, Write};
    use std::os::unix::process::CommandExt;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    let pty = nix::pty::openpty(None, None).expect("openpty");
    let io = |fd: &std::os::fd::OwnedFd| Stdio::from(fd.try_clone().unwrap());
    let mut cmd = Command::new(EXE);
    cmd.arg("--allow-read=/tmp")
        .env("TERM", "dumb")
        .stdin(io(&pty.slave))
        .stdout(io(&pty.slave))
        .stderr(io(&pty.slave));
    // SAFETY: only async-signal-safe calls between fork and exec: a session of its
    // own with the pty as controlling terminal, so /dev/tty is the pty.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY as _, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("spawn procbox");
    drop(pty.slave);
    let mut master = std::fs::File::from(pty.master);
    let screen = Arc::new(Mutex::new(String::new()));
    let (mut reader, s) = (master.try_clone().unwrap(), screen.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = reader.read(&mut buf) {
            s.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let expect = |needle: &str, from: usize| -> usize {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = screen.lock().unwrap().clone();
            if let Some(i) = text[from..].find(needle) {
                return from + i + needle.len();
            }
            assert!(Instant::now() < deadline, "waited for {needle:?}, the screen shows:\n{text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let at = expect("> ", 0);
    master.write_all(b"require(\"fs\").readFileSync(\"/etc/hostname\", \"utf8\").len > 0\r").unwrap();
    let at = expect("allow read of \"/etc/hostname\"? [y/N/a] ", at);
    master.write_all(b"y\r").unwrap();
    let at = expect("true", at);
    master.write_all(b"require(\"fs\").readFileSync(\"/etc/passwd\", \"utf8\").len > 0\r").unwrap();
    let at = expect("allow read of \"/etc/passwd\"? [y/N/a] ", at);
    master.write_all(b"n\r").unwrap();
    expect("Requires read access to \"/etc/passwd\", run again with --allow-read=/etc/passwd", at);
    child.kill().ok();
    child.wait().ok();
}

fn main() -> std::process::ExitCode {
    needs::run(tests![
        Nothing: each_flag_denies_at_the_api_level,
        Nothing: loader_variables_pass_with_allow_all,
        Landlock4: the_kernel_refuses_what_a_permitted_shell_tries,
        Landlock1: fork_inherits_through_two_levels_and_only_narrows,
        Landlock1: per_child_sandbox_without_flags,
        Nothing: sandbox_report_lists_this_host,
        Nothing: bad_flags_are_start_up_errors,
        Nothing: repl_prompts_on_a_terminal,
    ])
}
