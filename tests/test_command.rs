//! `procbox test` from the outside: each test writes a few small cases into a scratch
//! directory (they are written here rather than kept under tests/, where a plain
//! `procbox test` would find the failing ones) and checks the command's exit
//! status, summary line, diffs and machine formats.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

// Runs on support/needs.rs (harness = false): the Node test is reported ignored,
// with the reason, where node is missing; every test has a deadline.
#[path = "support/needs.rs"]
#[macro_use]
mod needs;
#[path = "support/bounded.rs"]
mod bounded;

const EXE: &str = env!("CARGO_BIN_EXE_procbox");

fn main() -> std::process::ExitCode {
    needs::run(tests![
        Nothing: a_passing_case_exits_0_with_the_summary_line,
        Nothing: a_failing_case_shows_a_unified_diff_and_exits_1,
        Nothing: a_timeout_kills_the_process_group_and_shows_what_was_printed,
        Nothing: ctrl_c_on_the_run_ends_the_cases_it_was_running,
        Nothing: stderr_noise_fails_unless_an_err_file_expects_it,
        Nothing: wildcards_match_pids_paths_and_runs_of_lines,
        Nothing: update_writes_expectations_back_keeping_wildcards,
        Nothing: tap_output_has_a_plan_and_one_line_per_check,
        Nothing: json_output_is_one_object_per_line,
        Nothing: twins_are_skipped_and_counted_apart_without_node,
        Node: a_twin_must_print_what_the_case_expects,
        Nothing: list_filter_and_usage_errors,
    ])
}

/// A scratch directory of cases, removed when dropped.
struct Fixture(PathBuf);

impl Fixture {
    fn new(tag: &str) -> Fixture {
        let dir = std::env::temp_dir().join(format!("procbox-testcmd-{}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("cases")).unwrap();
        Fixture(dir)
    }

    /// Writes `cases/NAME`.
    fn file(&self, name: &str, text: &str) -> &Fixture {
        std::fs::write(self.0.join("cases").join(name), text).unwrap();
        self
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.0.join("cases").join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// `procbox test ARGS` in the scratch directory.
    fn test(&self, args: &[&str]) -> Run {
        self.test_with(args, |_| {})
    }

    fn test_with(&self, args: &[&str], tweak: impl FnOnce(&mut Command)) -> Run {
        let mut cmd = Command::new(EXE);
        cmd.arg("test").args(args).current_dir(&self.0);
        tweak(&mut cmd);
        Run(bounded::output(&mut cmd))
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Run(Output);

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    fn code(&self) -> Option<i32> {
        self.0.status.code()
    }

    /// The last line, the summary.
    fn last_line(&self) -> String {
        self.stdout().lines().last().unwrap_or("").to_string()
    }

    fn show(&self) -> String {
        format!(
            "status {:?}\nstdout:\n{}\nstderr:\n{}",
            self.0.status,
            self.stdout(),
            String::from_utf8_lossy(&self.0.stderr)
        )
    }
}

fn passing(f: &Fixture) {
    f.file("pass.rhai", "console.log(\"hello\");\n").file("pass.out", "hello\n[exit 0]\n");
}

fn failing(f: &Fixture) {
    f.file("fail.rhai", "console.log(\"one\"); console.log(\"two\"); console.log(\"three\");\n");
    f.file("fail.out", "one\n2\nthree\n[exit 0]\n");
}

fn a_passing_case_exits_0_with_the_summary_line() {
    let f = Fixture::new("pass");
    passing(&f);
    f.file("status.rhai", "console.log(\"bye\"); process.exit(3);\n")
        .file("status.out", "bye\n")
        .file("status.status", "3\n");
    let r = f.test(&["cases"]);
    assert_eq!(r.code(), Some(0), "{}", r.show());
    assert!(r.stdout().contains("ok      cases/pass.rhai"), "{}", r.show());
    assert_eq!(r.last_line(), "2 passed, 0 failed, 0 skipped", "{}", r.show());
}

fn a_failing_case_shows_a_unified_diff_and_exits_1() {
    let f = Fixture::new("fail");
    passing(&f);
    failing(&f);
    f.file("status.rhai", "process.exit(3);\n").file("status.out", "").file("status.status", "0\n");
    let r = f.test(&["cases"]);
    assert_eq!(r.code(), Some(1), "{}", r.show());
    let out = r.stdout();
    assert!(out.contains("FAIL    cases/fail.rhai"), "{}", r.show());
    for line in ["--- expected", "+++ got", "@@ -1,4 +1,4 @@", " one", "-2", "+two", " three"] {
        assert!(
            out.lines().any(|l| l.trim_start_matches(' ') == line.trim_start() || l == format!("    {line}")),
            "{line:?} in {out}"
        );
    }
    assert!(out.contains("  exit status: expected 0, got exit 3\n"), "{}", r.show());
    assert!(out.contains("failed:\n    cases/fail.rhai\n    cases/status.rhai\n"), "{}", r.show());
    assert_eq!(r.last_line(), "1 passed, 2 failed, 0 skipped");
}

fn a_timeout_kills_the_process_group_and_shows_what_was_printed() {
    let f = Fixture::new("timeout");
    // The script starts a child in its group, says so, and never ends. The timeout
    // counts from the case's start, so it must leave room for procbox to start and
    // print first: 0.16 s at load 15 here, more on a loaded 2-core CI machine
    // (300 ms was too close). 3 s is a margin, not a wait: the test is about the kill.
    f.file(
        "slow.rhai",
        "let c = spawn(\"sleep\", [\"60\"]);\nconsole.log(`child ${c.pid}`);\nsetInterval(|| {}, 1000);\n",
    );
    f.file("slow.out", "child <PID>\n[exit 0]\n").file("slow.timeout", "3000ms");
    let t0 = Instant::now();
    let r = f.test(&["cases"]);
    assert!(t0.elapsed() < Duration::from_secs(20), "took {:?}", t0.elapsed());
    assert_eq!(r.code(), Some(1), "{}", r.show());
    let out = r.stdout();
    assert!(out.contains("timeout: timed out after 3000 ms: its process group was killed"), "{}", r.show());
    // What it printed so far is shown, the child line kept as its wildcard.
    assert!(out.contains("+[timed out after 3000 ms]") && out.contains("     child <PID>"), "{}", r.show());
    // The sleep started by the script was killed with the group: its pid is in what
    // the JSON report says the script printed.
    let r = f.test(&["cases", "--format", "json"]);
    let got = r.stdout();
    assert!(got.contains(r#""printed":"child "#), "{got}");
    let pid: u32 = got
        .split("\"printed\":\"child ")
        .nth(1)
        .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no child pid in {got}"));
    let until = Instant::now() + Duration::from_secs(10);
    while alive(pid) {
        assert!(Instant::now() < until, "the script's child {pid} outlived the timeout");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn ctrl_c_on_the_run_ends_the_cases_it_was_running() {
    let f = Fixture::new("ctrlc");
    // The case writes its child's pid where the test can see it, then spins.
    f.file(
        "spin.rhai",
        "let c = spawn(\"sleep\", [\"60\"]);\nrequire(\"fs\").writeFileSync(\"child.pid\", `${c.pid}`);\nloop {}\n",
    );
    f.file("spin.out", "never\n");
    let mut run = bounded::spawn(
        Command::new(EXE).args(["test", "cases", "--timeout", "50000"]).current_dir(&f.0).stdout(Stdio::null()),
    );
    let pid_file = f.0.join("cases/child.pid");
    let until = Instant::now() + Duration::from_secs(20);
    let pid: u32 = loop {
        if let Some(pid) = std::fs::read_to_string(&pid_file).ok().and_then(|s| s.trim().parse().ok()) {
            break pid;
        }
        assert!(Instant::now() < until, "the case never started");
        std::thread::sleep(Duration::from_millis(20));
    };
    // SAFETY: kill(2) on our own child, not yet waited for.
    unsafe { libc::kill(run.id() as i32, libc::SIGINT) };
    let status = run.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGINT), "{status:?}");
    let until = Instant::now() + Duration::from_secs(10);
    while alive(pid) {
        assert!(Instant::now() < until, "the case's child {pid} outlived the interrupted run");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Running, and not a zombie waiting for a reaper.
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|s| s.rsplit(')').next().and_then(|r| r.split_whitespace().next()) != Some("Z"))
}

fn stderr_noise_fails_unless_an_err_file_expects_it() {
    let f = Fixture::new("noise");
    f.file("noise.rhai", "console.log(\"out\");\nconsole.error(\"noise\");\n").file("noise.out", "out\n[exit 0]\n");
    let r = f.test(&["cases"]);
    assert_eq!(r.code(), Some(1), "{}", r.show());
    assert!(r.stdout().contains("stderr: no .err file, so stderr must be empty"), "{}", r.show());
    assert!(r.stdout().contains("    +noise"), "{}", r.show());
    f.file("noise.err", "noise\n");
    let r = f.test(&["cases"]);
    assert_eq!(r.code(), Some(0), "{}", r.show());
    f.file("noise.err", "other\n");
    assert_eq!(f.test(&["cases"]).code(), Some(1));
}

fn wildcards_match_pids_paths_and_runs_of_lines() {
    let f = Fixture::new("wild");
    f.file(
        "wild.rhai",
        "console.log(`pid ${process.pid}`);\nconsole.log(`dir ${process.cwd()}/x`);\n\
         console.log(`exec ${process.execPath}`);\nconsole.log(\"version 1.2.3 (built today)\");\n\
         console.log(\"path /tmp/some.sock end\");\nfor i in 0..3 { console.log(`line ${i}`); }\nconsole.log(\"end\");\n",
    );
    f.file("wild.out", "pid <PID>\ndir <DIR>/x\nexec <EXEC>\nversion <ANY>\npath <PATH> end\n<...>\nend\n[exit 0]\n");
    let r = f.test(&["cases"]);
    assert_eq!(r.code(), Some(0), "{}", r.show());
    // And they are not anything-goes: a wrong literal around them still fails.
    f.file("wild.out", "pid <PID>\ndir <DIR>/y\nexec <EXEC>\nversion <ANY>\npath <PATH> end\n<...>\nend\n[exit 0]\n");
    let r = f.test(&["cases"]);
    assert_eq!(r.code(), Some(1), "{}", r.show());
    assert!(r.stdout().contains("    -dir <DIR>/y\n    +dir <DIR>/x\n"), "{}", r.show());
}

fn update_writes_expectations_back_keeping_wildcards() {
    let f = Fixture::new("update");
    f.file("upd.rhai", "console.log(`pid ${process.pid}`);\nconsole.log(\"new text\");\nconsole.log(\"same\");\nconsole.error(\"warn\");\n");
    f.file("upd.out", "pid <PID>\nold text\nsame\n[exit 0]\n");
    let r = f.test(&["cases", "--update"]);
    assert_eq!(r.code(), Some(0), "{}", r.show());
    assert!(r.stdout().contains("updated the expectations of 1 case"), "{}", r.show());
    assert_eq!(f.read("upd.out"), "pid <PID>\nnew text\nsame\n[exit 0]\n");
    assert_eq!(f.read("upd.err"), "warn\n");
    let r = f.test(&["cases"]);
    assert_eq!(r.code(), Some(0), "{}", r.show());
    // A run that times out is never written back.
    f.file("hang.rhai", "setInterval(|| {}, 1000);\n").file("hang.out", "kept\n").file("hang.timeout", "200ms");
    assert_eq!(f.test(&["cases", "--update"]).code(), Some(1));
    assert_eq!(f.read("hang.out"), "kept\n");
    // A script named directly gets its first expectations; one without is no case.
    f.file("new.rhai", "print(\"first\");\n");
    assert_eq!(f.test(&["cases/new.rhai"]).code(), Some(2));
    let r = f.test(&["cases/new.rhai", "--update"]);
    assert_eq!(r.code(), Some(0), "{}", r.show());
    assert_eq!(f.read("new.out"), "first\n[exit 0]\n");
}

fn tap_output_has_a_plan_and_one_line_per_check() {
    let f = Fixture::new("tap");
    passing(&f);
    failing(&f);
    let r = f.test(&["cases", "--format", "tap"]);
    assert_eq!(r.code(), Some(1), "{}", r.show());
    let out = r.stdout();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(&lines[..2], ["TAP version 13", "1..2"], "{out}");
    let results: Vec<&str> =
        lines.iter().copied().filter(|l| l.starts_with("ok ") || l.starts_with("not ok ")).collect();
    assert_eq!(results.len(), 2, "{out}");
    assert!(results.iter().any(|l| l.ends_with(" - cases/pass.rhai") && l.starts_with("ok ")), "{out}");
    assert!(results.iter().any(|l| l.ends_with(" - cases/fail.rhai") && l.starts_with("not ok ")), "{out}");
    assert!(out.contains("  ---\n  problems:\n    - what: stdout\n      diff: |\n        --- expected\n"), "{out}");
    assert!(out.contains("        -2\n        +two\n"), "{out}");
    assert!(lines.last().unwrap().starts_with("# 1 passed, 1 failed, 0 skipped"), "{out}");
}

fn json_output_is_one_object_per_line() {
    let f = Fixture::new("json");
    passing(&f);
    failing(&f);
    let r = f.test(&["cases", "--format", "json"]);
    assert_eq!(r.code(), Some(1), "{}", r.show());
    let objs: Vec<serde_json::Value> =
        r.stdout().lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"))).collect();
    assert_eq!(objs.len(), 4, "{}", r.show());
    assert_eq!((objs[0]["type"].as_str(), objs[0]["checks"].as_u64()), (Some("start"), Some(2)));
    let check = |name: &str| objs.iter().find(|o| o["name"] == name).unwrap_or_else(|| panic!("no {name}"));
    assert_eq!(check("cases/pass.rhai")["result"], "passed");
    let fail = check("cases/fail.rhai");
    assert_eq!((fail["type"].as_str(), fail["result"].as_str()), (Some("check"), Some("failed")));
    assert_eq!(fail["problems"][0]["what"], "stdout");
    assert_eq!(fail["problems"][0]["got"], "one\ntwo\nthree\n[exit 0]\n");
    assert!(fail["problems"][0]["diff"].as_str().unwrap().contains("\n-2\n+two\n"));
    let last = &objs[3];
    assert_eq!(
        (last["type"].as_str(), last["passed"].as_u64(), last["failed"].as_u64()),
        (Some("summary"), Some(1), Some(1))
    );
}

fn twin(f: &Fixture) {
    f.file("twin.rhai", "console.log(\"same\");\n").file("twin.js", "console.log('same');\n");
    f.file("twin.out", "same\n[exit 0]\n");
}

fn twins_are_skipped_and_counted_apart_without_node() {
    let f = Fixture::new("nonode");
    twin(&f);
    let empty = f.0.join("empty-path");
    std::fs::create_dir(&empty).unwrap();
    let r = f.test_with(&["cases", "--node"], |c| {
        c.env("PATH", &empty);
    });
    assert_eq!(r.code(), Some(0), "{}", r.show());
    assert!(r.stdout().contains("skipped 1 check: node is not installed"), "{}", r.show());
    assert_eq!(r.last_line(), "1 passed, 0 failed, 1 skipped", "{}", r.show());
    // Without --node the twin is not a check at all.
    assert_eq!(f.test(&["cases"]).last_line(), "1 passed, 0 failed, 0 skipped");
}

fn a_twin_must_print_what_the_case_expects() {
    let f = Fixture::new("twin");
    twin(&f);
    let r = f.test(&["cases", "--node"]);
    assert_eq!(r.code(), Some(0), "{}", r.show());
    assert!(r.stdout().contains("ok      cases/twin.js"), "{}", r.show());
    f.file("twin.js", "console.log('different');\n");
    let r = f.test(&["cases", "--node"]);
    assert_eq!(r.code(), Some(1), "{}", r.show());
    assert!(r.stdout().contains("FAIL    cases/twin.js") && r.stdout().contains("    +different\n"), "{}", r.show());
    assert_eq!(r.last_line(), "1 passed, 1 failed, 0 skipped");
}

fn list_filter_and_usage_errors() {
    let f = Fixture::new("list");
    passing(&f);
    failing(&f);
    twin(&f);
    let r = f.test(&["cases", "--list", "--node"]);
    assert_eq!(r.stdout(), "cases/fail.rhai\ncases/pass.rhai\ncases/twin.rhai\ncases/twin.js\n");
    let r = f.test(&["cases", "--filter", "pass"]);
    assert_eq!((r.code(), r.last_line()), (Some(0), "1 passed, 0 failed, 0 skipped".to_string()), "{}", r.show());
    let r = f.test(&["cases", "--skip", "fail"]);
    assert_eq!(r.last_line(), "2 passed, 0 failed, 0 skipped", "{}", r.show());
    assert_eq!(f.test(&["cases", "--format", "xml"]).code(), Some(2));
    assert_eq!(f.test(&["no-such-dir"]).code(), Some(2));
    assert!(Path::new(EXE).exists());
}
