//! The live process tree under a pid, read from `/proc`: what `process.children()`,
//! `child.tree()` and the REPL's `.ps` show, and what containment walks to find
//! the descendants left at exit.
//!
//! One pass over `/proc/[pid]/stat` gives every process's parent; the tree is then
//! built in memory, and only the descendants' command lines are read. A process may
//! end while we read: it is simply left out.

use std::collections::HashMap;
use std::sync::OnceLock;

/// One process, as `/proc/[pid]/stat` and `cmdline` describe it.
#[derive(Clone, Debug, PartialEq)]
pub struct Proc {
    pub pid: i32,
    pub ppid: i32,
    pub pgid: i32,
    pub sid: i32,
    /// The command line joined with spaces, or `[comm]` when it is empty (a zombie,
    /// a kernel thread).
    pub command: String,
    /// The state letter: `R`, `S`, `D`, `T`, `Z` (zombie)…
    pub state: char,
    /// Resident memory in bytes.
    pub rss: u64,
    /// User + system CPU time in ms.
    pub cpu_ms: u64,
    /// Start time in ms since the Unix epoch.
    pub started_ms: u64,
    /// 1 for a child of the root, 2 for a grandchild…
    pub depth: usize,
}

/// The fields of one `/proc/[pid]/stat` line that matter here.
#[derive(Clone, Debug)]
struct Stat {
    comm: String,
    state: char,
    ppid: i32,
    pgid: i32,
    sid: i32,
    ticks: u64,
    start: u64,
    rss_pages: u64,
}

fn parse_stat(text: &str) -> Option<Stat> {
    // The command name is in parentheses and may itself hold ") ": split at the last.
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text.get(open + 1..close)?.to_string();
    let f: Vec<&str> = text.get(close + 2..)?.split(' ').collect();
    // f[0] is field 3 (state); field n is f[n - 3].
    let num = |n: usize| f.get(n - 3).and_then(|v| v.parse::<i64>().ok());
    Some(Stat {
        comm,
        state: f.first()?.chars().next()?,
        ppid: num(4)? as i32,
        pgid: num(5)? as i32,
        sid: num(6)? as i32,
        ticks: (num(14)? + num(15)?) as u64,
        start: num(22)? as u64,
        rss_pages: num(24)?.max(0) as u64,
    })
}

/// Reads small `/proc` files with open, read and close only (`fs::read` would add a
/// `statx` and a `lseek` per file, useless for `/proc`), into a reused buffer.
#[derive(Default)]
struct Reader {
    path: String,
    buf: Vec<u8>,
}

impl Reader {
    fn read(&mut self, pid: i32, file: &str) -> Option<&[u8]> {
        use std::fmt::Write;
        use std::io::Read;
        self.path.clear();
        let _ = write!(self.path, "/proc/{pid}/{file}");
        let mut f = std::fs::File::open(&self.path).ok()?;
        self.buf.clear();
        let mut len = 0;
        loop {
            if self.buf.len() < len + 4096 {
                self.buf.resize(len + 4096, 0);
            }
            match f.read(&mut self.buf[len..]) {
                Ok(0) => break,
                Ok(n) => len += n,
                Err(_) => return None,
            }
        }
        Some(&self.buf[..len])
    }

    fn stat(&mut self, pid: i32) -> Option<Stat> {
        parse_stat(std::str::from_utf8(self.read(pid, "stat")?).ok()?)
    }
}

fn read_stat(pid: i32) -> Option<Stat> {
    Reader::default().stat(pid)
}

/// Clock ticks per second and page size.
fn units() -> (u64, u64) {
    (crate::sys::task::clock_ticks(), crate::sys::task::page_size())
}

/// The boot time in ms since the epoch (`btime` of `/proc/stat`), read once.
fn boot_ms() -> u64 {
    static BOOT: OnceLock<u64> = OnceLock::new();
    *BOOT.get_or_init(|| {
        let text = std::fs::read_to_string("/proc/stat").unwrap_or_default();
        let secs = text.lines().find_map(|l| l.strip_prefix("btime ")).and_then(|v| v.trim().parse::<u64>().ok());
        secs.unwrap_or(0) * 1000
    })
}

/// Every process's stat, by pid.
fn all(r: &mut Reader) -> HashMap<i32, Stat> {
    let mut out = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else { return out };
    for e in dir.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else { continue };
        if let Some(s) = r.stat(pid) {
            out.insert(pid, s);
        }
    }
    out
}

fn command(r: &mut Reader, pid: i32, comm: &str) -> String {
    let raw = r.read(pid, "cmdline").unwrap_or_default();
    let parts: Vec<String> =
        raw.split(|&b| b == 0).filter(|p| !p.is_empty()).map(|p| String::from_utf8_lossy(p).into_owned()).collect();
    if parts.is_empty() { format!("[{comm}]") } else { parts.join(" ") }
}

/// The descendants of `root`, depth first (each process before its children,
/// siblings by pid), without `root` itself.
pub fn descendants(root: i32) -> Vec<Proc> {
    let mut r = Reader::default();
    let stats = all(&mut r);
    let mut kids: HashMap<i32, Vec<i32>> = HashMap::new();
    for (&pid, s) in &stats {
        kids.entry(s.ppid).or_default().push(pid);
    }
    let (hz, page) = units();
    let boot = boot_ms();
    let mut out = Vec::new();
    let mut stack: Vec<(i32, usize)> = Vec::new();
    let push_kids = |stack: &mut Vec<(i32, usize)>, pid: i32, depth: usize| {
        if let Some(k) = kids.get(&pid) {
            let mut k = k.clone();
            k.sort_unstable_by(|a, b| b.cmp(a));
            stack.extend(k.into_iter().map(|p| (p, depth)));
        }
    };
    push_kids(&mut stack, root, 1);
    while let Some((pid, depth)) = stack.pop() {
        let s = &stats[&pid];
        out.push(Proc {
            pid,
            ppid: s.ppid,
            pgid: s.pgid,
            sid: s.sid,
            command: command(&mut r, pid, &s.comm),
            state: s.state,
            rss: s.rss_pages * page,
            cpu_ms: s.ticks * 1000 / hz,
            started_ms: boot + s.start * 1000 / hz,
            depth,
        });
        push_kids(&mut stack, pid, depth + 1);
    }
    out
}

/// The pids of `root`'s descendants that are not zombies (what containment must end).
pub fn live_descendants(root: i32) -> Vec<i32> {
    let stats = all(&mut Reader::default());
    let mut out = Vec::new();
    let mut frontier = vec![root];
    while let Some(p) = frontier.pop() {
        for (&pid, s) in &stats {
            if s.ppid == p {
                frontier.push(pid);
                if s.state != 'Z' {
                    out.push(pid);
                }
            }
        }
    }
    out
}

/// The command name of `pid` (`/proc/[pid]/stat`'s, which a zombie still has).
pub fn comm(pid: i32) -> Option<String> {
    read_stat(pid).map(|s| s.comm)
}

/// Whether any process is in group `pgid` (then the number cannot be reused).
pub fn group_exists(pgid: i32) -> bool {
    // Signal 0 only checks: no signal is sent.
    match crate::sys::process::kill(-pgid, 0) {
        Ok(()) => true,
        Err(e) => e == crate::sys::errno::Errno::EPERM,
    }
}

/// Prints a tree as an indented table (the REPL's `.ps`).
pub fn table(procs: &[Proc]) -> String {
    let mut out =
        format!("{:>7} {:>7} {:>7} {:>7} {:1} {:>9} {:>8}  COMMAND\n", "PID", "PPID", "PGID", "SID", "S", "RSS", "CPU");
    for p in procs {
        let indent = "  ".repeat(p.depth.saturating_sub(1));
        let cmd = if p.state == 'Z' { format!("{} <defunct>", p.command) } else { p.command.clone() };
        out.push_str(&format!(
            "{:>7} {:>7} {:>7} {:>7} {:1} {:>8}K {:>6}ms  {indent}{cmd}\n",
            p.pid,
            p.ppid,
            p.pgid,
            p.sid,
            p.state,
            p.rss / 1024,
            p.cpu_ms
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_with_a_paren_in_the_name() {
        let line = "42 (a) b) S 7 42 42 0 -1 4194560 1 0 0 0 3 4 0 0 20 0 1 0 1234 100 25 0";
        let s = parse_stat(line).unwrap();
        assert_eq!((s.comm.as_str(), s.state, s.ppid, s.pgid, s.sid), ("a) b", 'S', 7, 42, 42));
        assert_eq!((s.ticks, s.start, s.rss_pages), (7, 1234, 25));
    }

    #[test]
    fn finds_a_spawned_grandchild() {
        let mut c = crate::child::Command::new("sh", &["-c", "sleep 5 & wait"]);
        c.stdio = vec![crate::child::Stdio::Ignore; 3];
        let sp = crate::child::spawn(&c).unwrap();
        let me = std::process::id() as i32;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        let found = loop {
            let d = descendants(me);
            if d.iter().any(|p| p.ppid == sp.pid && p.command.starts_with("sleep"))
                || std::time::Instant::now() > deadline
            {
                break d;
            }
            std::thread::yield_now();
        };
        let sh = found.iter().find(|p| p.pid == sp.pid).expect("the child is listed");
        let sleep = found.iter().find(|p| p.ppid == sp.pid).expect("the grandchild is listed");
        assert_eq!(sleep.depth, sh.depth + 1);
        assert!(live_descendants(me).contains(&sleep.pid));
        // The grandchild we just found (its parent, our child, is not reaped, so the
        // sleep cannot have been re-parented and its pid reused).
        crate::sys::process::kill(sleep.pid, libc::SIGKILL).unwrap();
        crate::child::reap::wait(sp.pid);
    }
}
