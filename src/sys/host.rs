//! What `require("os")` reports, read the way libuv reads it on Linux: `/proc/stat`
//! and sysfs for CPUs, `/proc/meminfo` for memory, `/proc/loadavg`, `/proc/uptime`,
//! `uname(2)`, the password database for the user; and the allocator's heap (the
//! process's own ids and page size are in `sys::task`).

use std::ffi::CStr;

/// One CPU as `os.cpus()` lists it; times in milliseconds.
pub struct Cpu {
    pub model: String,
    /// MHz, from cpufreq (0 when the kernel does not expose it, as libuv reports).
    pub speed: i64,
    pub user: i64,
    pub nice: i64,
    pub sys: i64,
    pub idle: i64,
    pub irq: i64,
}

fn clock_ticks_ms() -> i64 {
    // SAFETY: sysconf only reads a configuration value.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 { 1000 / hz as i64 } else { 10 }
}

/// The online CPUs, one entry per `cpuN` line of `/proc/stat`.
pub fn cpus() -> Vec<Cpu> {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let models: Vec<String> = info
        .lines()
        .filter(|l| l.starts_with("model name"))
        .filter_map(|l| l.split_once(':').map(|(_, v)| v.trim().to_string()))
        .collect();
    let mult = clock_ticks_ms();
    let mut out = Vec::new();
    for line in stat.lines() {
        let Some(rest) = line.strip_prefix("cpu").filter(|r| r.starts_with(|c: char| c.is_ascii_digit())) else {
            continue;
        };
        let mut fields = rest.split_whitespace();
        let Some(Ok(n)) = fields.next().map(str::parse::<usize>) else { continue };
        let v: Vec<i64> = fields.map(|f| f.parse().unwrap_or(0)).collect();
        let at = |i: usize| v.get(i).copied().unwrap_or(0) * mult;
        let freq = std::fs::read_to_string(format!("/sys/devices/system/cpu/cpu{n}/cpufreq/scaling_cur_freq"))
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .map(|khz| khz / 1000)
            .unwrap_or(0);
        out.push(Cpu {
            model: models.get(n).or(models.first()).cloned().unwrap_or_else(|| "unknown".into()),
            speed: freq,
            user: at(0),
            nice: at(1),
            sys: at(2),
            idle: at(3),
            irq: at(5),
        });
    }
    out
}

/// The CPUs in this process's affinity mask (`None` when it cannot be read: a kernel
/// mask wider than `cpu_set_t`).
pub fn affinity_cpus() -> Option<usize> {
    // SAFETY: cpu_set_t is plain bits; sched_getaffinity fills it for our own pid.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    // SAFETY: the size passed is that of `set`, a live local the kernel writes into.
    // (nix's `sched_getaffinity` gives a `CpuSet` that cannot count its bits.)
    if unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) } == 0 {
        // SAFETY: counting bits of the set sched_getaffinity filled.
        Some(unsafe { libc::CPU_COUNT(&set) } as usize)
    } else {
        None
    }
}

/// `uv_available_parallelism`: the CPUs this process may run on (its affinity mask;
/// like libuv, and unlike Rust's std, a cgroup quota does not lower it).
pub fn available_parallelism() -> i64 {
    affinity_cpus().unwrap_or(0).max(1) as i64
}

/// The machine's name (`uname`'s nodename, which is what `gethostname` returns on
/// Linux), `localhost` when it cannot be read.
pub fn hostname() -> String {
    let [_, node, ..] = uname();
    if node.is_empty() { "localhost".into() } else { node }
}

/// The allocator's heap: (bytes it holds from the kernel, bytes in use), large
/// mappings included, as `process.memoryUsage()`'s `heapTotal`/`heapUsed` report it.
pub fn heap_usage() -> (i64, i64) {
    // SAFETY: mallinfo2 takes no arguments and returns a struct by value (glibc ≥ 2.33,
    // which the libc crate's binding requires; nix does not wrap it).
    let heap = unsafe { libc::mallinfo2() };
    ((heap.arena + heap.hblkhd) as i64, heap.uordblks as i64 + heap.hblkhd as i64)
}

fn meminfo(key: &str) -> i64 {
    let text = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(key).and_then(|r| r.strip_prefix(':')))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<i64>().ok())
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

pub fn total_memory() -> i64 {
    meminfo("MemTotal")
}

/// libuv's free memory is `MemAvailable`.
pub fn free_memory() -> i64 {
    meminfo("MemAvailable")
}

pub fn loadavg() -> [f64; 3] {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let mut it = text.split_whitespace().map(|f| f.parse::<f64>().unwrap_or(0.0));
    [it.next().unwrap_or(0.0), it.next().unwrap_or(0.0), it.next().unwrap_or(0.0)]
}

pub fn uptime() -> f64 {
    let text = std::fs::read_to_string("/proc/uptime").unwrap_or_default();
    text.split_whitespace().next().and_then(|f| f.parse().ok()).unwrap_or(0.0)
}

/// `uname(2)`: (sysname, nodename, release, version, machine).
pub fn uname() -> [String; 5] {
    // SAFETY: utsname is plain bytes; uname fills it with NUL-terminated strings.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: uname writes one utsname into the live local `u`.
    if unsafe { libc::uname(&mut u) } != 0 {
        return Default::default();
    }
    let s = |f: &[libc::c_char]| {
        // SAFETY: uname NUL-terminates every field within its array.
        unsafe { CStr::from_ptr(f.as_ptr()) }.to_string_lossy().into_owned()
    };
    [s(&u.sysname), s(&u.nodename), s(&u.release), s(&u.version), s(&u.machine)]
}

/// Node's `os.arch()` name for the build target.
pub fn arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        "x86" => "ia32",
        "powerpc64" => "ppc64",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        other => other,
    }
}

/// `os.tmpdir()`: `TMPDIR`, `TMP`, `TEMP`, else `/tmp`, without a trailing slash.
pub fn tmpdir() -> String {
    let dir = ["TMPDIR", "TMP", "TEMP"]
        .iter()
        .find_map(|k| crate::sys::environ::get(k).filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "/tmp".into());
    if dir.len() > 1
        && let Some(d) = dir.strip_suffix('/')
    {
        d.to_string()
    } else {
        dir
    }
}

/// The user database entry for our uid: (uid, gid, username, homedir, shell).
pub struct User {
    pub uid: i64,
    pub gid: i64,
    pub username: String,
    pub homedir: String,
    pub shell: Option<String>,
}

pub fn user_info() -> Option<User> {
    let (uid, gid) = (nix::unistd::geteuid(), nix::unistd::getegid());
    // getpwuid_r, its buffer grown on ERANGE; names that are not UTF-8 come lossy.
    let pw = nix::unistd::User::from_uid(uid).ok().flatten()?;
    let shell = pw.shell.to_string_lossy().into_owned();
    Some(User {
        uid: uid.as_raw() as i64,
        gid: gid.as_raw() as i64,
        username: pw.name,
        homedir: pw.dir.to_string_lossy().into_owned(),
        shell: (!shell.is_empty()).then_some(shell),
    })
}

/// `os.homedir()`: `HOME`, else the user database.
pub fn homedir() -> String {
    crate::sys::environ::get("HOME")
        .filter(|h| !h.is_empty())
        .or_else(|| user_info().map(|u| u.homedir))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_are_plausible() {
        assert!(!cpus().is_empty());
        assert!(available_parallelism() >= 1);
        assert!(total_memory() >= free_memory() && free_memory() > 0);
        assert!(uptime() > 0.0);
        assert_eq!(uname()[0], "Linux");
    }
}
