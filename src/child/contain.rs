//! Containment applied between fork and exec: the child's own process group
//! (`killTree`), its lifeline (`PR_SET_PDEATHSIG` with the parent re-check), its
//! resource limits (rlimits), and the PID namespace it may be born into.
//!
//! Like the rest of the spawn path, the parent prepares everything ([`prepare`],
//! called while building the `Plan`), and the child ([`apply`]) only makes raw system
//! calls on that prepared data: it runs on the parent's memory (`CLONE_VM`) and must
//! not allocate. The PID namespace is not a step of the child: it is a `clone` flag
//! ([`Prepared::clone_flags`]); the child only writes its user-namespace maps when an
//! unprivileged parent needed a user namespace to get one.
//!
//! Order in the child (after stdio, `chdir` and `setuid`, right before the
//! permissions module and `execve`): user-namespace maps, process group, rlimits,
//! then the lifeline last, because a credential change clears `PDEATHSIG`.

use nix::errno::Errno;
use std::ffi::CString;

/// A resource limit: which one, as the script names it, and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// CPU seconds: SIGXCPU at the limit, SIGKILL one second later.
    Cpu(u64),
    /// Address space in bytes (`RLIMIT_AS`): allocations fail beyond it.
    Memory(u64),
    /// Open descriptors (`RLIMIT_NOFILE`).
    Files(u64),
    /// Largest file the child may write (`RLIMIT_FSIZE`): SIGXFSZ, or EFBIG.
    FileSize(u64),
    /// Processes of the child's user (`RLIMIT_NPROC`; the kernel ignores it for root).
    Procs(u64),
    /// Largest core dump (`RLIMIT_CORE`).
    Core(u64),
}

impl Limit {
    /// The rlimit resource and its (soft, hard) values.
    fn rlimit(self) -> (libc::__rlimit_resource_t, u64, u64) {
        match self {
            // The hard limit one second above the soft one: the child first gets the
            // catchable SIGXCPU, and SIGKILL only if it goes on.
            Limit::Cpu(s) => (libc::RLIMIT_CPU, s, s.saturating_add(1)),
            Limit::Memory(b) => (libc::RLIMIT_AS, b, b),
            Limit::Files(n) => (libc::RLIMIT_NOFILE, n, n),
            Limit::FileSize(b) => (libc::RLIMIT_FSIZE, b, b),
            Limit::Procs(n) => (libc::RLIMIT_NPROC, n, n),
            Limit::Core(b) => (libc::RLIMIT_CORE, b, b),
        }
    }
}

/// What a child asks for; plain data, part of [`super::Command`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contain {
    /// Its own process group, so a kill reaches its descendants.
    pub kill_tree: bool,
    /// SIGKILL when procbox dies.
    pub lifeline: bool,
    pub limits: Vec<Limit>,
    /// Pid 1 of a new PID namespace (in a user namespace when unprivileged).
    pub pid_ns: bool,
}

impl Contain {
    /// Which limit explains a death: SIGXCPU or a SIGKILL after the CPU limit is
    /// the CPU limit, SIGXFSZ the file-size limit. `cpu_ms` is the child's CPU time.
    pub fn limit_hit(&self, signal: Option<i32>, cpu_ms: u64) -> Option<&'static str> {
        let cpu = self.limits.iter().find_map(|l| if let Limit::Cpu(s) = l { Some(*s) } else { None });
        match signal? {
            libc::SIGXCPU if cpu.is_some() => Some("cpu"),
            libc::SIGKILL if cpu.is_some_and(|s| cpu_ms >= s * 1000) => Some("cpu"),
            libc::SIGXFSZ if self.limits.iter().any(|l| matches!(l, Limit::FileSize(_))) => Some("fileSize"),
            _ => None,
        }
    }
}

/// [`Contain`] turned into what the child reads: numbers and C strings only.
pub struct Prepared {
    group: bool,
    lifeline: bool,
    /// Our pid, for the lifeline's re-check after arming.
    parent: libc::pid_t,
    rlimits: Vec<(libc::__rlimit_resource_t, libc::rlimit)>,
    pid_ns: bool,
    /// `Some` when the namespace needs a user namespace too (we are not root): the
    /// contents of `/proc/self/uid_map` and `gid_map` (our ids as root inside).
    maps: Option<(CString, CString)>,
}

/// Prepares `c` in the parent. `detached` children already lead a session.
pub fn prepare(c: &Contain, detached: bool) -> Prepared {
    // SAFETY: getpid/geteuid/getegid cannot fail and touch no memory.
    let (parent, uid, gid) = unsafe { (libc::getpid(), libc::geteuid(), libc::getegid()) };
    let maps = (c.pid_ns && uid != 0).then(|| {
        let map = |id: u32| CString::new(format!("0 {id} 1")).expect("digits only");
        (map(uid), map(gid))
    });
    Prepared {
        group: c.kill_tree && !detached,
        lifeline: c.lifeline,
        parent,
        rlimits: c
            .limits
            .iter()
            .map(|l| {
                let (res, soft, hard) = l.rlimit();
                // Limits only lower: above our own hard limit the kernel would refuse
                // (EPERM without CAP_SYS_RESOURCE), and that hard limit applies anyway.
                let mut cur = libc::rlimit { rlim_cur: 0, rlim_max: libc::RLIM_INFINITY };
                // SAFETY: getrlimit writes only `cur`.
                unsafe { libc::getrlimit(res, &mut cur) };
                (res, libc::rlimit { rlim_cur: soft.min(cur.rlim_max), rlim_max: hard.min(cur.rlim_max) })
            })
            .collect(),
        pid_ns: c.pid_ns,
        maps,
    }
}

impl Prepared {
    /// Flags the clone needs on top of procbox's own.
    pub fn clone_flags(&self) -> libc::c_int {
        match (self.pid_ns, self.maps.is_some()) {
            (false, _) => 0,
            (true, false) => libc::CLONE_NEWPID,
            (true, true) => libc::CLONE_NEWPID | libc::CLONE_NEWUSER,
        }
    }
}

/// Writes `text` to a `/proc/self` file with raw calls (no allocation).
///
/// # Safety
/// Only in the spawned child, on prepared data.
unsafe fn write_file(path: &std::ffi::CStr, text: &[u8]) -> Result<(), i32> {
    // SAFETY: a NUL-terminated path and a buffer that outlive the calls.
    unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return Err(Errno::last_raw());
        }
        let n = libc::write(fd, text.as_ptr().cast(), text.len());
        let e = Errno::last_raw();
        libc::close(fd);
        if n != text.len() as isize { Err(e) } else { Ok(()) }
    }
}

/// The child's containment steps; `Err(errno)` fails the spawn.
///
/// # Safety
/// Only in the spawned child before `execve`: it changes the calling process.
pub unsafe fn apply(p: &Prepared) -> Result<(), i32> {
    // SAFETY: raw system calls on data prepared by the parent, which waits for us.
    unsafe {
        if let Some((uid_map, gid_map)) = &p.maps {
            // An unprivileged process may map only its own ids, and only after
            // giving up setgroups in the namespace.
            write_file(c"/proc/self/setgroups", b"deny")?;
            write_file(c"/proc/self/uid_map", uid_map.as_bytes())?;
            write_file(c"/proc/self/gid_map", gid_map.as_bytes())?;
        }
        if p.group && libc::setpgid(0, 0) < 0 {
            return Err(Errno::last_raw());
        }
        for (res, lim) in &p.rlimits {
            if libc::setrlimit(*res, lim) < 0 {
                return Err(Errno::last_raw());
            }
        }
        if p.lifeline {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong, 0, 0, 0) < 0 {
                return Err(Errno::last_raw());
            }
            // The arming race: if procbox died before the prctl, nothing will fire,
            // and we have been re-parented. (In a new PID namespace our parent is
            // outside it and getppid() is 0: procbox is alive while it waits on the
            // vfork, and the lifeline then covers what follows.)
            let ppid = libc::getppid();
            if ppid != p.parent && !(p.pid_ns && ppid == 0) {
                libc::_exit(128 + libc::SIGKILL);
            }
        }
        Ok(())
    }
}

/// Whether `errno` from a spawn that asked for a PID namespace means the kernel
/// refused the namespace (an exec failure gives ENOENT, EACCES…).
pub fn is_namespace_refusal(errno: i32) -> bool {
    matches!(errno, libc::EPERM | libc::EINVAL | libc::ENOSPC | libc::EUSERS)
}

/// Why the kernel refused a namespace, naming the setting to change where one is
/// known to be the cause.
pub fn namespace_refusal(errno: i32) -> String {
    let sysctl = |path: &str| std::fs::read_to_string(path).ok().map(|s| s.trim().to_string());
    // SAFETY: geteuid cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    let cause = if !root && sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns").as_deref() == Some("1") {
        "AppArmor restricts unprivileged user namespaces (sysctl kernel.apparmor_restrict_unprivileged_userns=1)"
            .to_string()
    } else if !root && sysctl("/proc/sys/kernel/unprivileged_userns_clone").as_deref() == Some("0") {
        "unprivileged user namespaces are disabled (sysctl kernel.unprivileged_userns_clone=0)".to_string()
    } else if sysctl("/proc/sys/user/max_user_namespaces").as_deref() == Some("0") && !root {
        "user namespaces are disabled (sysctl user.max_user_namespaces=0)".to_string()
    } else if sysctl("/proc/sys/user/max_pid_namespaces").as_deref() == Some("0") {
        "PID namespaces are disabled (sysctl user.max_pid_namespaces=0)".to_string()
    } else if errno == libc::ENOSPC || errno == libc::EUSERS {
        "the namespace limit is reached (user.max_user_namespaces / user.max_pid_namespaces)".to_string()
    } else if root {
        "the process lacks CAP_SYS_ADMIN (a container without it, or a seccomp policy)".to_string()
    } else {
        "the kernel does not allow this user to create user namespaces (a container or seccomp policy)".to_string()
    };
    let name = match errno {
        libc::EPERM => "EPERM",
        libc::EINVAL => "EINVAL",
        libc::ENOSPC => "ENOSPC",
        libc::EUSERS => "EUSERS",
        _ => "error",
    };
    format!("sandbox.pid: cannot create a PID namespace ({name}): {cause}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_hit_names_what_can_be_known() {
        let c = Contain { limits: vec![Limit::Cpu(1), Limit::FileSize(10)], ..Contain::default() };
        assert_eq!(c.limit_hit(Some(libc::SIGXCPU), 0), Some("cpu"));
        assert_eq!(c.limit_hit(Some(libc::SIGKILL), 1500), Some("cpu"));
        assert_eq!(c.limit_hit(Some(libc::SIGKILL), 10), None);
        assert_eq!(c.limit_hit(Some(libc::SIGXFSZ), 0), Some("fileSize"));
        assert_eq!(c.limit_hit(None, 5000), None);
        assert_eq!(Contain::default().limit_hit(Some(libc::SIGXCPU), 0), None);
    }

    #[test]
    fn prepare_builds_rlimits_and_flags() {
        let c = Contain { kill_tree: true, limits: vec![Limit::Cpu(2)], pid_ns: true, ..Contain::default() };
        let p = prepare(&c, false);
        assert!(p.group);
        assert_eq!(p.rlimits[0].1.rlim_cur, 2);
        assert_eq!(p.rlimits[0].1.rlim_max, 3);
        assert_ne!(p.clone_flags() & libc::CLONE_NEWPID, 0);
        assert!(!prepare(&c, true).group, "a detached child already leads a session");
    }
}
