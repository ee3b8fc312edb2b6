//! Issue 14 with real processes: what a script starts does not outlive it or
//! escape its kill. Descendants are found and counted through /proc; every wait
//! has a deadline and none is a sleep that wins a race.

#[path = "support/bounded.rs"]
mod bounded;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EXE: &str = env!("CARGO_BIN_EXE_procbox");
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/contain");

/// `(ppid, state)` from /proc/PID/stat, `None` once it is gone.
fn stat(pid: i32) -> Option<(i32, char)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = text.rsplit_once(')')?;
    let mut f = rest.split_whitespace();
    let state = f.next()?.chars().next()?;
    Some((f.next()?.parse().ok()?, state))
}

/// Dead: no such process, or a zombie (reparented to an init that may not reap).
fn gone(pid: i32) -> bool {
    stat(pid).is_none_or(|(_, s)| s == 'Z')
}

/// The live descendants of `root`, by parent pid, from one pass over /proc.
fn descendants(root: i32) -> Vec<i32> {
    let all: Vec<(i32, i32, char)> = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| stat(pid).map(|(ppid, s)| (pid, ppid, s)))
        .collect();
    let mut out = Vec::new();
    let mut frontier = vec![root];
    while let Some(p) = frontier.pop() {
        for &(pid, ppid, s) in &all {
            if ppid == p {
                frontier.push(pid);
                if s != 'Z' {
                    out.push(pid);
                }
            }
        }
    }
    out
}

/// Kills what a failing test left behind.
struct Reap(Vec<i32>);

impl Drop for Reap {
    fn drop(&mut self) {
        for &pid in &self.0 {
            // SAFETY: kill(2) on pids this test saw; at worst ESRCH.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

fn wait_until(deadline: Duration, mut f: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + deadline;
    while Instant::now() < end {
        if f() {
            return true;
        }
        std::thread::yield_now();
    }
    f()
}

#[test]
fn a_sigkilled_parent_takes_lifeline_children_grandchildren_and_a_busy_pool_along() {
    let _pids = pids_shared();
    let mut parent = Command::new(EXE).arg("tree.rhai").current_dir(DIR).stdout(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(parent.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "ready");
    let pid = parent.id() as i32;
    let tree = descendants(pid);
    let _reap = Reap(tree.clone());
    // sleep, middle procbox, its sleep, two pool workers.
    assert!(tree.len() >= 5, "the whole tree runs: {tree:?}");
    // SAFETY: kill(2) on our own child, not yet waited for.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    parent.wait().unwrap();
    // A deadline for a loaded machine, not a wait: the poll ends once all are gone.
    let all_gone = wait_until(Duration::from_secs(10), || tree.iter().all(|&p| gone(p)));
    let left: Vec<i32> = tree.iter().copied().filter(|&p| !gone(p)).collect();
    assert!(all_gone, "0 descendants left 10 s after the SIGKILL; left: {left:?}");
}

/// Runs a script with `-e`; returns its stdout, and asserts it succeeded.
fn run(code: &str) -> String {
    let out = bounded::output(Command::new(EXE).args(["-e", code]).current_dir(DIR));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{code}\nstdout: {text}\nstderr: {}", String::from_utf8_lossy(&out.stderr));
    text
}

/// [`run`] with a deadline of its own, for a script whose run time grows with the
/// machine's load (forks by the thousand): past it the test fails.
fn run_within(code: &str, secs: u64) -> String {
    let out = bounded::output_within(Command::new(EXE).args(["-e", code]).current_dir(DIR), secs);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{code}\nstdout: {text}\nstderr: {}", String::from_utf8_lossy(&out.stderr));
    text
}

fn field(text: &str, key: &str) -> i32 {
    let start = text.find(key).unwrap_or_else(|| panic!("no {key:?} in {text:?}")) + key.len();
    text[start..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap()
}

/// Pids printed by the script as `NAME [a, b, c]`.
fn pids(text: &str, name: &str) -> Vec<i32> {
    let line = text.lines().find_map(|l| l.strip_prefix(name)).unwrap_or_else(|| panic!("no {name} in {text}"));
    line.trim().trim_matches(|c| c == '[' || c == ']').split(", ").map(|p| p.trim().parse().unwrap()).collect()
}

#[test]
fn a_setsid_escaper_survives_kill_tree_but_not_a_pid_sandbox() {
    let _pids = pids_shared();
    // Once the shell, its sleep and the escaper run, the escaper leading its own
    // session (a deadline, no sleep), the script prints the tree and the escaper,
    // then kills the child.
    let script = |opts: &str| {
        format!(
            r#"let c = spawn("sh", ["-c", "setsid sleep 100 >/dev/null 2>&1 & echo started; sleep 100"], {opts});
            c.stdout.on("data", |d| {{
                let t0 = Date.now();
                let t = c.tree();
                while (t.len() < 3 || !t.some(|p| p.sid == p.pid && p.command == "sleep 100")) && Date.now() - t0 < 20000 {{ t = c.tree(); }}
                print(`tree ${{t.map(|p| p.pid)}}`);
                print(`escaper ${{t.filter(|p| p.sid == p.pid && p.command == "sleep 100").map(|p| p.pid)}}`);
                c.kill();
            }});
            c.on("exit", |code, sig| print(`exit ${{sig}}`));"#
        )
    };
    let out = run(&script("#{killTree: true}"));
    assert!(out.contains("exit SIGTERM"), "{out}");
    let tree = pids(&out, "tree ");
    let _reap = Reap(tree.clone());
    let escaper = pids(&out, "escaper ")[0];
    let others: Vec<i32> = tree.iter().copied().filter(|&p| p != escaper).collect();
    assert_eq!(others.len(), 2, "sh and its sleep: {out}");
    assert!(wait_until(Duration::from_secs(10), || others.iter().all(|&p| gone(p))), "the group is gone");
    assert!(!gone(escaper), "a setsid escaper leaves the group and survives killTree (documented)");

    let out = run(&script("#{sandbox: #{pid: true}}"));
    let tree = pids(&out, "tree ");
    let _reap = Reap(tree.clone());
    assert_eq!(tree.len(), 3, "sh, the escaper, sleep: {out}");
    assert_eq!(pids(&out, "escaper ").len(), 1, "{out}");
    // The kernel kills the namespace's processes before its init is reaped.
    assert!(tree.iter().all(|&p| gone(p)), "nothing survives the PID namespace's end: {out}");
}

#[test]
fn a_child_ignoring_sigterm_gets_sigkill_after_force_kill_after() {
    let _pids = pids_shared();
    let out = run(r#"
        let c = spawn("sh", ["-c", "trap '' TERM; echo armed; while :; do sleep 1; done"], #{killTree: true, forceKillAfter: 300});
        let t0 = 0;
        c.stdout.on("data", |x| { t0 = Date.now(); c.kill(); });
        c.on("exit", |code, sig| print(`exit ${code} ${sig} after ${Date.now() - t0} ms`));"#);
    assert!(out.starts_with("exit  SIGKILL after "), "{out}");
    let ms = field(&out, "after ");
    assert!((300..3000).contains(&ms), "SIGKILL came {ms} ms after the SIGTERM");
}

#[test]
fn each_rlimit_kills_or_fails_its_child() {
    let _pids = pids_shared();
    // A path of this run's own: test runs on one machine may overlap.
    let fsize = format!("/dev/shm/procbox-contain-fsize-{}", std::process::id());
    let script = r#"
        let show = |name, c| c.on("exit", |code, sig| print(`${name} code=${code} signal=${sig} limitHit=${c.limitHit}`));
        show.call("cpu", spawn("sh", ["-c", "while :; do :; done"], #{limits: #{cpu: 1}}));
        show.call("fileSize", spawn("sh", ["-c", "exec head -c 100000 /dev/zero > FSIZE"], #{limits: #{fileSize: 1000}}));
        show.call("files", spawn("sh", ["-c", "exec 3</dev/null 4</dev/null 5</dev/null 6</dev/null"], #{limits: #{files: 5}, stdio: "ignore"}));
        show.call("memory", spawn("dd", ["if=/dev/zero", "of=/dev/null", "bs=300M", "count=1"], #{limits: #{memory: 100000000}, stdio: "ignore"}));
        show.call("core", spawn("sh", ["-c", "test $(ulimit -c) = 0"], #{limits: #{core: 0}}));"#;
    let out = run(&script.replace("FSIZE", &fsize));
    let _ = std::fs::remove_file(&fsize);
    assert!(out.contains("cpu code= signal=SIGXCPU limitHit=cpu"), "{out}");
    assert!(out.contains("fileSize code= signal=SIGXFSZ limitHit=fileSize"), "{out}");
    assert!(out.contains("files code=2 signal= limitHit="), "{out}");
    assert!(out.contains("memory code=1 signal= limitHit="), "{out}");
    assert!(out.contains("core code=0 signal= limitHit="), "{out}");
}

#[test]
fn procs_fails_a_fork_for_an_ordinary_user() {
    let _pids = pids_shared();
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: needs root to start the child as another user");
        return;
    }
    // As uid 65534 with procs: 1, the shell is the user's only process: its fork fails.
    let out = run(r#"
        let c = spawn("sh", ["-c", "true & wait; echo forked"], #{uid: 65534, gid: 65534, limits: #{procs: 1}});
        c.stdout.on("data", |d| print(d.toString().trim()));
        c.on("exit", |code| print(`code=${code}`));"#);
    assert!(!out.contains("forked"), "{out}");
    assert!(out.contains("code=2"), "{out}");
}

/// The pid space, as the tests of this file use it (cargo runs them in threads): the
/// test that steers the next pid needs no other test forking while it tries (before,
/// its 20 tries failed when the thousand-orphan storm, or at times the other tests'
/// children, took the pids it asked for), so it takes this lock alone; the storm
/// takes it alone too; every other test shares it.
static PIDS: std::sync::RwLock<()> = std::sync::RwLock::new(());

fn pids_alone() -> std::sync::RwLockWriteGuard<'static, ()> {
    PIDS.write().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn pids_shared() -> std::sync::RwLockReadGuard<'static, ()> {
    PIDS.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[test]
fn a_thousand_orphans_are_adopted_and_reaped_with_no_zombie_left() {
    let _pids = pids_alone();
    // 2 000 forks: 15 s on a loaded 2-core machine, past the usual 60 s deadline with
    // more load; the deadlines here (300 s, and 120 s for the orphans to be reported
    // after the shell ended) are for a hang, and the poll ends as soon as all came.
    let out = run_within(
        r#"
        process.contain();
        let n = 0;
        let zombies = 0;
        process.on("orphan", |o| {
            if o.command == "true" && o.code == 0 { n += 1; }
            zombies = process.children().filter(|p| p.zombie).len();
        });
        let c = spawn("sh", ["-c", "i=0; while [ $i -lt 1000 ]; do (/bin/true &); i=$((i+1)); done"]);
        c.on("exit", |code| {
            let t0 = Date.now();
            let check = || {};
            check = || {
                if n < 1000 && Date.now() - t0 < 120000 { return setImmediate(check); }
                let left = process.children().filter(|p| p.zombie).len();
                print(`orphans=${n} zombies=${left} maxSeen=${zombies}`);
            };
            check.call();
        });"#,
        300,
    );
    assert!(out.starts_with("orphans=1000 zombies=0"), "{out}");
}

#[test]
fn a_kill_after_the_reap_never_signals_a_process_that_reuses_the_pid() {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: needs root to steer the next pid (ns_last_pid)");
        return;
    }
    let _pids = pids_alone();
    // The first child ends and is reaped; ns_last_pid makes the next child (the
    // decoy) get the same pid. A kill of the first one must reach nobody.
    let out = run(r#"
        let fs = require("fs");
        let first = spawn("true", [], #{killTree: true});
        first.on("exit", |a, b| {
            let decoy = ();
            for attempt in 0..20 {
                fs.writeFileSync("/proc/sys/kernel/ns_last_pid", `${first.pid - 1}`);
                decoy = spawn("sleep", ["30"]);
                if decoy.pid == first.pid { break; }
                decoy.kill("SIGKILL");
            }
            print(`same pid: ${decoy.pid == first.pid}`);
            print(`kill after reap: ${first.kill("SIGKILL")}`);
            decoy.on("exit", |code, sig| print(`decoy ended by ${sig}`));
            setImmediate(|| decoy.kill("SIGTERM"));
        });"#);
    assert!(out.contains("same pid: true"), "the pid was reused: {out}");
    assert!(out.contains("kill after reap: false"), "{out}");
    assert!(out.contains("decoy ended by SIGTERM"), "the decoy never got the SIGKILL: {out}");
}

#[test]
fn a_refused_pid_namespace_is_a_clear_error_or_with_best_effort_a_warning() {
    let _pids = pids_shared();
    // A user namespace of our own where PID namespaces are disabled: the limit is
    // per user namespace, so the host is untouched.
    let code = r#"
        try { spawn("true", #{sandbox: #{pid: true}}) } catch (e) { print(`${e.code}: ${e.message}`) }
        try { require("child_process").spawnSync("true", #{sandbox: #{pid: true}}) } catch (e) { print(`sync ${e.code}`) }
        process.on("warning", |w| print(`warning: ${w.message}`));
        spawn("sh", ["-c", "echo ran as pid $$"], #{sandbox: #{pid: true, bestEffort: true}, stdio: "inherit"});"#;
    let script = format!("echo 0 > /proc/sys/user/max_pid_namespaces && exec {EXE} -e '{code}'");
    let Ok(out) = Command::new("unshare").args(["-U", "-r", "sh", "-c", &script]).output() else {
        eprintln!("skipped: no unshare");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() && text.is_empty() {
        eprintln!("skipped: unshare -U refused: {}", String::from_utf8_lossy(&out.stderr));
        return;
    }
    let cause = "sandbox.pid: cannot create a PID namespace (ENOSPC): PID namespaces are disabled (sysctl user.max_pid_namespaces=0)";
    assert!(
        text.contains(&format!("ERR_SANDBOX_UNAVAILABLE: {cause}; set sandbox.bestEffort to run without it")),
        "{text}"
    );
    assert!(text.contains("sync ERR_SANDBOX_UNAVAILABLE"), "{text}");
    assert!(text.contains(&format!("warning: {cause}; running without it (bestEffort)")), "{text}");
    assert!(text.contains("ran as pid ") && !text.contains("ran as pid 1\n"), "{text}");
}

/// `procbox --contain` running `code`: the pids of its tree once it printed `ready`
/// (it prints the list itself), and the process.
fn contained(code: &str) -> (std::process::Child, Vec<i32>) {
    let mut p = Command::new(EXE).args(["--contain", "-e", code]).stdout(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(p.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let tree = pids(&first, "ready ");
    (p, tree)
}

/// The tree both tests start: a shell and its sleep, both ignoring SIGTERM (an
/// ignored disposition is inherited across exec), so only the SIGKILL ends them.
const STUBBORN: &str = r#"
    process.contain(#{grace: 300});
    let c = spawn("sh", ["-c", "trap '' TERM; sleep 100 & echo up; wait"]);
    c.stdout.on("data", |d| {
        let t0 = Date.now();
        while c.tree().len() < 2 && Date.now() - t0 < 20000 {}
        print(`ready ${process.children().map(|p| p.pid)}`);
        AFTER
    });"#;

#[test]
fn contain_ends_the_tree_at_exit_with_sigkill_after_the_grace() {
    let _pids = pids_shared();
    let (mut p, tree) = contained(&STUBBORN.replace("AFTER", "process.exit(0);"));
    let _reap = Reap(tree.clone());
    assert_eq!(tree.len(), 2, "{tree:?}");
    let status = p.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    // procbox waited for them: nothing is left once it has exited.
    assert!(tree.iter().all(|&p| gone(p)), "left: {:?}", tree.iter().filter(|&&p| !gone(p)).collect::<Vec<_>>());
}

#[test]
fn contain_ends_the_tree_on_sigterm_without_a_listener_then_dies_by_it() {
    let _pids = pids_shared();
    let (mut p, tree) = contained(&STUBBORN.replace("AFTER", "setInterval(|| (), 1000);"));
    let _reap = Reap(tree.clone());
    assert_eq!(tree.len(), 2, "{tree:?}");
    // SAFETY: kill(2) on our own child, not yet waited for.
    unsafe { libc::kill(p.id() as i32, libc::SIGTERM) };
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(p.wait().unwrap().signal(), Some(libc::SIGTERM), "dies by the signal, as Node would");
    assert!(tree.iter().all(|&p| gone(p)), "left: {:?}", tree.iter().filter(|&&p| !gone(p)).collect::<Vec<_>>());
}
