//! The floor for bench/child/spawn.rhai: the same N sequential spawns of /bin/true
//! with Rust's std::process::Command (posix_spawn underneath), no event loop.
//! Usage: std_spawn [N=500] [STDIO=inherit|pipe|ignore]
//! Prints: BENCH name=spawn_STDIO n=N ns=TOTAL
use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(500);
    let mode = args.get(2).cloned().unwrap_or_else(|| "inherit".into());
    let t = Instant::now();
    for _ in 0..n {
        let mut c = Command::new("/bin/true");
        let ok = match mode.as_str() {
            "pipe" => c.stdin(Stdio::piped()).output().map(|o| o.status.success()),
            "ignore" => {
                c.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status().map(|s| s.success())
            }
            _ => c.status().map(|s| s.success()),
        };
        assert!(ok.unwrap_or(false), "/bin/true failed");
    }
    println!("BENCH name=spawn_{mode} n={n} ns={}", t.elapsed().as_nanos());
}
