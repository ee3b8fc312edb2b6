//! Kernel-level tests of the confinement: real children under Landlock and
//! seccomp. Each one that needs a mechanism this kernel lacks says so on stderr
//! and returns (reported as skipped, with the reason).

use std::io::Read;
use std::os::fd::AsFd;
use std::sync::Arc;

use crate::child::reap::{Status, wait};
use crate::child::{Command, Stdio, spawn};
use crate::perm::rule::Grant;
use crate::perm::{Policy, host, kernel};

fn skip_without_landlock(min: i32) -> bool {
    let abi = host::landlock_abi();
    if abi < min {
        eprintln!("SKIPPED: needs Landlock ABI {min}, this kernel has {abi}");
        return true;
    }
    false
}

fn temp(name: &str) -> String {
    let d = std::env::temp_dir().join(format!("procbox-confine-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.display().to_string()
}

/// Runs `sh -c script` under `p`; stdout+stderr and the status.
fn run(p: &Policy, tmp: bool, script: &str) -> (String, Status) {
    let (c, _) = kernel::build(p, tmp, false).unwrap();
    let mut cmd = Command::new("/bin/sh", &["-c", &format!("exec 2>&1; {script}")]);
    cmd.stdio = vec![Stdio::Ignore, Stdio::Pipe, Stdio::Inherit];
    cmd.confine = Some(Arc::new(c));
    let sp = spawn(&cmd).unwrap();
    let fd = sp.fds.into_iter().nth(1).flatten().unwrap();
    // Clearing O_NONBLOCK on our own pipe end, to read it to EOF.
    crate::sys::fd::set_nonblocking(fd.as_fd(), false).unwrap();
    let mut out = String::new();
    std::fs::File::from(fd).read_to_string(&mut out).unwrap();
    (out, wait(sp.pid))
}

fn shell_policy() -> Policy {
    let mut p = Policy::closed();
    p.read.allow = Grant::All;
    let sh = crate::perm::resolve::program("sh", Some("/usr/bin:/bin")).unwrap();
    let echo = crate::perm::resolve::program("cat", Some("/usr/bin:/bin")).unwrap();
    p.run.allow = Grant::Some(vec![sh, echo]);
    p
}

#[test]
fn writes_only_where_allowed_and_parent_is_free() {
    if skip_without_landlock(1) {
        return;
    }
    let ok = temp("ok");
    let other = temp("other");
    let mut p = shell_policy();
    p.write.allow = Grant::Some(vec![ok.clone()]);
    let (out, st) = run(&p, false, &format!("echo a > {ok}/f && echo b > {other}/f; echo rc=$?"));
    assert!(out.contains("Permission denied"), "{out}");
    assert!(out.ends_with("rc=2\n"), "{out}");
    assert_eq!(st, Status::Exited(0));
    assert_eq!(std::fs::read_to_string(format!("{ok}/f")).unwrap(), "a\n");
    // The parent shares the child's memory (CLONE_VM) but not its domain.
    std::fs::write(format!("{other}/f"), "parent").unwrap();
    std::fs::remove_dir_all(ok).unwrap();
    std::fs::remove_dir_all(other).unwrap();
}

#[test]
fn runs_only_allowed_programs() {
    if skip_without_landlock(1) {
        return;
    }
    let (out, _) = run(&shell_policy(), false, "echo hi | cat; ls / >/dev/null; echo rc=$?");
    assert!(out.starts_with("hi\n"), "{out}");
    assert!(out.contains("Permission denied") && out.ends_with("rc=126\n"), "{out}");
}

fn bash_policy() -> Policy {
    let mut p = shell_policy();
    p.write.allow = Grant::All;
    if let (Grant::Some(l), Some(bash)) =
        (&mut p.run.allow, crate::perm::resolve::program("bash", Some("/usr/bin:/bin")))
    {
        l.push(bash);
    }
    p
}

/// `bash -c 'echo > /dev/tcp/127.0.0.1/PORT'`: bash's own TCP client.
fn connect_script(port: u16) -> String {
    format!("bash -c 'echo x > /dev/tcp/127.0.0.1/{port}' && echo connected {port}")
}

#[test]
fn no_network_means_no_ip_sockets() {
    if !host::seccomp() || crate::perm::resolve::program("bash", None).is_none() {
        eprintln!("SKIPPED: needs seccomp filters and bash");
        return;
    }
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let mut p = bash_policy();
    p.net.allow = Grant::Some(vec![]);
    let (out, _) = run(&p, false, &connect_script(port));
    assert!(out.contains("Operation not permitted") && !out.contains("connected"), "{out}");
    p.net.allow = Grant::All;
    let (out, _) = run(&p, false, &connect_script(port));
    assert!(out.contains("connected"), "{out}");
}

#[test]
fn tcp_ports_only_the_allowed_ones() {
    if skip_without_landlock(4) || crate::perm::resolve::program("bash", None).is_none() {
        return;
    }
    let (a, b) =
        (std::net::TcpListener::bind("127.0.0.1:0").unwrap(), std::net::TcpListener::bind("127.0.0.1:0").unwrap());
    let (pa, pb) = (a.local_addr().unwrap().port(), b.local_addr().unwrap().port());
    let mut p = bash_policy();
    p.net.allow = Grant::Some(vec![format!("127.0.0.1:{pa}")]);
    let (out, _) = run(&p, false, &format!("{}; {}", connect_script(pa), connect_script(pb)));
    assert!(out.contains(&format!("connected {pa}")), "{out}");
    assert!(!out.contains(&format!("connected {pb}")) && out.contains("Permission denied"), "{out}");
}

#[test]
fn private_tmp_is_empty_and_writable() {
    if skip_without_landlock(1) {
        return;
    }
    let marker = format!("/tmp/procbox-host-marker-{}", std::process::id());
    std::fs::write(&marker, "x").unwrap();
    let mut p = shell_policy();
    p.write.allow = Grant::Some(vec![]);
    // A name of this run's own, so what else lives in the host's /tmp cannot matter.
    let inside = format!("/tmp/procbox-private-{}", std::process::id());
    let (out, st) = run(&p, true, &format!("test -e {marker} && echo seen; echo hi > {inside} && cat {inside}"));
    std::fs::remove_file(&marker).unwrap();
    assert_eq!((out.as_str(), st), ("hi\n", Status::Exited(0)));
    assert!(!std::path::Path::new(&inside).exists(), "the child's {inside} reached the host's /tmp");
}

/// Where the time of a confined spawn goes (CPU of the children, which includes
/// the steps before exec): `cargo test --release -- --ignored spawn_cost --nocapture`.
#[test]
#[ignore]
fn spawn_cost() {
    let conf = |bpf: Vec<crate::sys::spawn::confine::Filter>, ruleset| {
        Some(Arc::new(kernel::Confinement { ruleset, bpf, tmp: false, tmp_access: 0 }))
    };
    let mut open = Policy::open();
    open.all = false;
    let (mut c, _) = kernel::build(&open, false, false).unwrap();
    let fd = c.ruleset.take();
    let mut rw = Policy::closed();
    rw.read.allow = Grant::All;
    rw.run.allow = Grant::Some(vec!["/usr/bin/true".into()]);
    rw.write.allow = Grant::Some(vec!["/tmp".into()]);
    let (full, _) = kernel::build(&rw, false, false).unwrap();
    let (mut rw_only, _) = kernel::build(&rw, false, false).unwrap();
    rw_only.bpf.clear();
    let variants = [
        ("run+write full", Some(Arc::new(full))),
        ("run+write landlock only", Some(Arc::new(rw_only))),
        ("none", None),
        ("nnp only", conf(Vec::new(), None)),
        ("nnp+seccomp", conf(std::mem::take(&mut c.bpf), None)),
        ("nnp+landlock scope", conf(Vec::new(), fd)),
    ];
    let cpu = crate::sys::task::children_cpu_us;
    for round in 0..2 {
        for (name, conf) in &variants {
            let before = cpu();
            for _ in 0..300 {
                let mut cmd = Command::new("/bin/true", &[]);
                cmd.stdio = vec![Stdio::Inherit; 3];
                cmd.confine = conf.clone();
                let sp = spawn(&cmd).unwrap();
                wait(sp.pid);
            }
            eprintln!("round {round} {name}: {:.1} us CPU per spawn", (cpu() - before) / 300.0);
        }
    }
}

/// The deny list: `keyctl` (250 on x86_64) fails with EPERM under the filter and
/// with another errno without it.
#[cfg(target_arch = "x86_64")]
#[test]
fn denied_system_calls_fail_with_eperm() {
    if !host::seccomp() || crate::perm::resolve::program("perl", None).is_none() {
        eprintln!("SKIPPED: needs seccomp filters and perl");
        return;
    }
    let mut p = Policy::open();
    p.all = false;
    let script = "perl -e 'syscall(250, 99999, 0, 0, 0, 0); print $! + 0, \"\\n\"'";
    let (out, _) = run(&p, false, script);
    assert_eq!(out, format!("{}\n", crate::sys::errno::Errno::EPERM as i32));
    let mut cmd = Command::new("/bin/sh", &["-c", script]);
    cmd.stdio = vec![Stdio::Ignore, Stdio::Pipe, Stdio::Inherit];
    let sp = spawn(&cmd).unwrap();
    let fd = sp.fds.into_iter().nth(1).flatten().unwrap();
    // Clearing O_NONBLOCK on our own pipe end, to read it to EOF.
    crate::sys::fd::set_nonblocking(fd.as_fd(), false).unwrap();
    let mut free = String::new();
    std::fs::File::from(fd).read_to_string(&mut free).unwrap();
    wait(sp.pid);
    assert_ne!(free, out, "without the filter keyctl fails otherwise");
}
