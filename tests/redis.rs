//! `require("redis")` against a real server: every case under tests/redis/cases/
//! (`NAME.rhai` and its expected `NAME.out`, last line `[exit N]`) runs with its own
//! server, reached through `REDIS_URL`; a `NAME.js` twin beside it runs the same
//! steps on the real node-redis (tests/redis/node_modules, pinned by the lockfile)
//! and must print the same. Then the reconnect test kills and restarts the server.
//! Without `redis-server` every test is reported ignored, with the reason.

#[path = "support/needs.rs"]
#[macro_use]
mod needs;

#[path = "support/redis_server.rs"]
mod redis_server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use redis_server::{RedisServer, skip};

#[path = "support/peer.rs"]
mod peer;

const EXE: &str = env!("CARGO_BIN_EXE_procbox");
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/redis");

fn shown(o: &Output) -> String {
    use std::os::unix::process::ExitStatusExt;
    let code = o.status.code().unwrap_or_else(|| 128 + o.status.signal().unwrap_or(0));
    format!("{}[exit {code}]\n", String::from_utf8_lossy(&o.stdout))
}

fn run(program: &str, script: &Path, url: &str) -> Output {
    let mut cmd = Command::new("timeout");
    cmd.arg("60").arg(program).arg(script).current_dir(DIR).env("REDIS_URL", url);
    cmd.env("NODE_PATH", format!("{DIR}/node_modules"));
    cmd.output().expect("run")
}

fn node_ready() -> bool {
    Path::new(DIR).join("node_modules/redis").exists()
        && Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success())
}

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(Path::new(DIR).join("cases"))
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == "rhai") && p.with_extension("out").exists());
    v.sort();
    v
}

fn golden_cases_and_node_twins() {
    if skip("golden_cases_and_node_twins") {
        return;
    }
    let filter = std::env::var("REDIS_CASE").ok();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failed = Vec::new();
    for script in cases() {
        let name = script.file_stem().unwrap().to_string_lossy().into_owned();
        if filter.as_ref().is_some_and(|f| !name.contains(f.as_str())) {
            continue;
        }
        let want = std::fs::read_to_string(script.with_extension("out")).unwrap();
        let server = RedisServer::start(&name).unwrap();
        let got = run(EXE, &script, &server.url());
        drop(server);
        let got_text = shown(&got);
        if update && got_text != want {
            std::fs::write(script.with_extension("out"), &got_text).unwrap();
        } else if got_text != want {
            failed.push(format!(
                "{name} (procbox)\n--- expected\n{want}+++ got\n{got_text}stderr:\n{}",
                String::from_utf8_lossy(&got.stderr)
            ));
        }
        let twin = script.with_extension("js");
        if twin.exists() {
            if !node_ready() {
                eprintln!("{name}: node twin SKIPPED: node or tests/redis/node_modules missing (npm ci)");
                continue;
            }
            let server = RedisServer::start(&format!("{name}-node")).unwrap();
            let got = run("node", &twin, &server.url());
            drop(server);
            let got_text = shown(&got);
            if got_text != want {
                failed.push(format!(
                    "{name} (node twin)\n--- expected\n{want}+++ got\n{got_text}stderr:\n{}",
                    String::from_utf8_lossy(&got.stderr)
                ));
            }
        }
    }
    assert!(failed.is_empty(), "{} failed:\n{}", failed.len(), failed.join("\n"));
}

/// The server goes away (SIGKILL) and comes back on the same socket: the clients
/// report the loss and keep retrying with backoff; commands issued meanwhile wait in
/// the offline queue and run after the reconnect; the subscriber re-subscribes.
fn reconnect_after_the_server_is_killed_and_restarted() {
    if skip("reconnect_after_the_server_is_killed_and_restarted") {
        return;
    }
    let mut server = RedisServer::start("reconnect").unwrap();
    let mut cmd = Command::new(EXE);
    cmd.arg(Path::new(DIR).join("reconnect.rhai")).env("REDIS_URL", server.url());
    let mut p = peer::Peer::spawn("reconnect.rhai", cmd);
    p.expect("subscribed");
    p.expect("message before: 1");
    server.kill();
    p.wait_for("pub's loss", |l| l == "pub error Socket closed unexpectedly");
    p.send("away");
    p.wait_for("the offline commands", |l| l == "queued");
    server.restart();
    p.wait_for("the offline GET", |l| l == "offline get: queued while away");
    p.wait_for("the message after the reconnect", |l| l == "message after: 2");
    p.wait_for("the end", |l| l == "done");
    p.close_stdin();
    assert!(p.wait_exit().success());
}

/// The seed's middleware example (scripts/middleware-parent.rhai forking
/// middleware-child.rhai, talking through Redis pub/sub) in every pairing of procbox
/// and Node on the real node-redis: each side publishes and subscribes, so the
/// mixed pairings are the interop test both ways. Expected: the .redis.out beside it.
fn middleware_example_every_pairing() {
    if skip("middleware_example_every_pairing") {
        return;
    }
    let scripts = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts");
    let want = std::fs::read_to_string(format!("{scripts}/middleware-parent.redis.out")).unwrap();
    // (name, parent's runtime, the child's script and runtime when not the parent's own)
    type Pairing<'a> = (&'a str, &'a str, Option<(&'a str, &'a str)>);
    let pairings: [Pairing; 4] = [
        ("procbox → procbox", "procbox", None),
        ("procbox → node", "procbox", Some(("./middleware-child.js", "node"))),
        ("node → procbox", "node", Some(("./middleware-child.rhai", EXE))),
        ("node → node", "node", None),
    ];
    let mut failed = Vec::new();
    for (name, parent, child) in pairings {
        let uses_node = parent == "node" || child.is_some_and(|c| c.1 == "node");
        if uses_node && !node_ready() {
            eprintln!("middleware {name}: SKIPPED: node or tests/redis/node_modules missing (npm ci)");
            continue;
        }
        let server = RedisServer::start("middleware").unwrap();
        let script = if parent == "node" { "middleware-parent.js" } else { "middleware-parent.rhai" };
        let mut cmd = Command::new("timeout");
        cmd.arg("60").arg(if parent == "node" { "node" } else { EXE }).arg(script).current_dir(scripts);
        cmd.env("REDIS_URL", server.url()).env("NODE_PATH", format!("{DIR}/node_modules"));
        if let Some((path, exec)) = child {
            cmd.env("CHILD", path).env("CHILD_EXEC", exec);
        }
        let out = cmd.output().unwrap();
        let got = shown(&out);
        if got != want {
            failed.push(format!(
                "{name}\n--- expected\n{want}+++ got\n{got}stderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// The pool across machines with 2 `procbox worker` processes; the one running job
/// 5 is SIGKILLed mid-job. The other takes the job over (XAUTOCLAIM after the
/// visibility timeout) and every job settles exactly once at the caller.
fn distributed_pool_survives_a_worker_killed_mid_job() {
    if skip("distributed_pool_survives_a_worker_killed_mid_job") {
        return;
    }
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let server = RedisServer::start("pool-kill").unwrap();
    let pool_dir = Path::new(DIR).join("pool");
    let marker_dir = server.dir.join("markers");
    std::fs::create_dir_all(&marker_dir).unwrap();
    let worker = || {
        Command::new(EXE)
            .args(["worker", "--redis", &server.url(), "--queue", "kill-test", "--concurrency", "1"])
            .args(["--visibility", "1000", "slow.worker.rhai"])
            .current_dir(&pool_dir)
            .env("MARKER_DIR", &marker_dir)
            .stdout(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut workers = [worker(), worker()];
    let caller = Command::new("timeout")
        .args(["60", EXE, "caller.rhai"])
        .current_dir(&pool_dir)
        .env("REDIS_URL", server.url())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait (with a deadline) for job 5 to be running, then kill its worker.
    let marker = marker_dir.join("started-5");
    let start = Instant::now();
    let pid = loop {
        if let Ok(text) = std::fs::read_to_string(&marker)
            && let Ok(pid) = text.trim().parse::<u32>()
        {
            break pid;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "job 5 never started");
        std::thread::sleep(Duration::from_millis(10));
    };
    let victim = workers.iter_mut().find(|w| w.id() == pid).expect("job 5 runs in one of our workers");
    victim.kill().unwrap();
    victim.wait().unwrap();
    let out = caller.wait_with_output().unwrap();
    for w in workers.iter_mut() {
        // SAFETY: kill(2) on the pid of a child we spawned and have not reaped yet.
        unsafe { libc::kill(w.id() as i32, libc::SIGTERM) };
        w.wait().unwrap();
    }
    let results: Vec<String> = (0..20).map(|n| format!("{n}:{}", n * 10)).collect();
    let want = format!(
        "{}\nsettled more or less than once: 0\ncompleted 20 failed 0 outstanding 0\nevery answer counted by worker: true\nclosed\n",
        results.join(" ")
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), want, "stderr: {}", String::from_utf8_lossy(&out.stderr));
}

/// Starts `n` `procbox worker` processes for `queue` on `server`, running
/// tests/redis/pool/double.worker.rhai; stopped (SIGTERM, then reaped) by the guard.
struct Workers(Vec<std::process::Child>);

impl Workers {
    fn start(server: &RedisServer, queue: &str, n: usize) -> Workers {
        let pool_dir = Path::new(DIR).join("pool");
        Workers(
            (0..n)
                .map(|_| {
                    Command::new(EXE)
                        .args(["worker", "--redis", &server.url(), "--queue", queue, "double.worker.rhai"])
                        .current_dir(&pool_dir)
                        .spawn()
                        .unwrap()
                })
                .collect(),
        )
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for w in &mut self.0 {
            // SAFETY: kill(2) on the pid of a child we spawned and have not reaped yet.
            unsafe { libc::kill(w.id() as i32, libc::SIGTERM) };
            let _ = w.wait();
        }
    }
}

fn run_in_pool_dir(program: &str, script: &str, server: &RedisServer) -> String {
    let out = Command::new("timeout")
        .args(["60", program, script])
        .current_dir(Path::new(DIR).join("pool"))
        .env("REDIS_URL", server.url())
        .env("NODE_PATH", format!("{DIR}/node_modules"))
        .output()
        .unwrap();
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// `pool(script, #{redis, queue})` with the local pool's API, against one worker.
fn distributed_pool_api() {
    if skip("distributed_pool_api") {
        return;
    }
    let server = RedisServer::start("pool-api").unwrap();
    let _workers = Workers::start(&server, "api", 1);
    let want = std::fs::read_to_string(Path::new(DIR).join("pool/api.out")).unwrap();
    assert_eq!(run_in_pool_dir(EXE, "api.rhai", &server), want);
}

/// Jobs submitted from Node with node-redis in the documented format, answered by a
/// `procbox worker`.
fn distributed_pool_formats_from_node() {
    if skip("distributed_pool_formats_from_node") {
        return;
    }
    if !node_ready() {
        eprintln!("distributed_pool_formats_from_node: SKIPPED: node or tests/redis/node_modules missing");
        return;
    }
    let server = RedisServer::start("pool-node").unwrap();
    let _workers = Workers::start(&server, "node", 1);
    let want = std::fs::read_to_string(Path::new(DIR).join("pool/node-client.out")).unwrap();
    assert_eq!(run_in_pool_dir("node", "node-client.js", &server), want);
}

fn main() -> std::process::ExitCode {
    needs::run(tests![
        Redis: golden_cases_and_node_twins,
        Redis: reconnect_after_the_server_is_killed_and_restarted,
        Redis: middleware_example_every_pairing,
        Redis: distributed_pool_survives_a_worker_killed_mid_job,
        Redis: distributed_pool_api,
        RedisNode: distributed_pool_formats_from_node,
    ])
}
