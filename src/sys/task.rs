//! The calling process's own attributes and what the kernel lets it use: its ids,
//! its working directory, the child-subreaper flag, clock ticks and page size, its children's CPU time, and
//! the probes `--sandbox-report` and the permission policy ask (Landlock's ABI,
//! seccomp). nix where it wraps the call; the Landlock version query is a raw
//! `syscall` (no wrapper in libc or nix), and so is the seccomp probe's `prctl`
//! (nix wraps no `PR_GET_SECCOMP`).

use nix::unistd::SysconfVar;

use super::errno::SysResult;

/// The real user id (the owner checks of the node-ipc socket directory).
pub fn uid() -> u32 {
    nix::unistd::getuid().as_raw()
}

/// The parent's pid (`process.ppid`).
pub fn parent_pid() -> i32 {
    nix::unistd::getppid().as_raw()
}

/// The effective user id.
pub fn euid() -> u32 {
    nix::unistd::geteuid().as_raw()
}

/// The effective group id.
pub fn egid() -> u32 {
    nix::unistd::getegid().as_raw()
}

/// This process's pid (`std::process::id`, as the `i32` system calls take).
pub fn pid() -> i32 {
    nix::unistd::getpid().as_raw()
}

/// The current working directory (`process.cwd()`).
pub fn cwd() -> SysResult<String> {
    nix::unistd::getcwd().map(|d| d.display().to_string())
}

/// Changes the working directory (`process.chdir`).
pub fn chdir(dir: &str) -> SysResult<()> {
    nix::unistd::chdir(dir)
}

/// Makes this process a child subreaper: orphaned descendants are re-parented to it.
pub fn become_subreaper() -> SysResult<()> {
    nix::sys::prctl::set_child_subreaper(true)
}

/// Whether the kernel knows the child-subreaper flag (the query succeeds).
pub fn has_subreaper() -> bool {
    nix::sys::prctl::get_child_subreaper().is_ok()
}

/// Clock ticks per second (`/proc` times are in ticks); at least 1.
pub fn clock_ticks() -> u64 {
    nix::unistd::sysconf(SysconfVar::CLK_TCK).ok().flatten().unwrap_or(100).max(1) as u64
}

/// The page size in bytes (`/proc` memory figures are in pages); at least 1.
pub fn page_size() -> u64 {
    nix::unistd::sysconf(SysconfVar::PAGE_SIZE).ok().flatten().unwrap_or(4096).max(1) as u64
}

/// CPU time (user + system, µs) of the reaped children of this process (the
/// confinement's spawn-cost measurement).
#[cfg(test)]
pub fn children_cpu_us() -> f64 {
    use nix::sys::resource::{UsageWho, getrusage};
    use nix::sys::time::TimeValLike;
    getrusage(UsageWho::RUSAGE_CHILDREN)
        .map_or(0.0, |u| (u.user_time().num_microseconds() + u.system_time().num_microseconds()) as f64)
}

/// `landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION)`: Landlock's
/// ABI version, 0 when Landlock is absent or disabled.
pub fn landlock_abi() -> i32 {
    // SAFETY: the version query reads no memory (NULL attributes, size 0).
    let v = unsafe { libc::syscall(libc::SYS_landlock_create_ruleset, std::ptr::null::<u8>(), 0usize, 1u32) };
    if v < 0 { 0 } else { v as i32 }
}

/// Whether seccomp filter mode exists: `PR_GET_SECCOMP` fails with EINVAL without
/// CONFIG_SECCOMP, and a filter is then refused too.
pub fn has_seccomp() -> bool {
    // SAFETY: PR_GET_SECCOMP only reads the calling thread's mode.
    unsafe { libc::prctl(libc::PR_GET_SECCOMP, 0, 0, 0, 0) >= 0 }
}
