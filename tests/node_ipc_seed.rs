//! The seed's "Socket 通信" pair, scripts/socket-server.rhai and socket-client.rhai,
//! run together: the client says hello, the server answers, the client is killed
//! and the server reports the disconnect. Their whole output must be
//! scripts/socket-{server,client}.pair.out (`UPDATE_GOLDEN=1` rewrites them).
//!
//! The Node originals (scripts/socket-*.js, on the real node-ipc 9.2.1) run too, in
//! every pairing with procbox. node-ipc also logs its own internals to stdout (the
//! seed does not set `silent`), so a Node peer's output must contain the expected
//! lines in order rather than be equal to them.

#[path = "support/peer.rs"]
mod peer;

// Runs on support/needs.rs (harness = false): tests needing node and npm are reported
// ignored, with the reason, where those are missing; every test has a deadline.
#[path = "support/needs.rs"]
#[macro_use]
mod needs;

use std::process::Command;
use std::time::{Duration, Instant};

use peer::{DEADLINE, EXE, Impl, Peer, free_port, node_ipc_ready};

const SCRIPTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts");

fn command(imp: Impl, script: &str, port: u16) -> Command {
    let mut c = match imp {
        Impl::Procbox => {
            let mut c = Command::new(EXE);
            c.arg(format!("{SCRIPTS}/{script}.rhai"));
            c
        }
        Impl::Node => {
            let mut c = Command::new("node");
            c.arg(format!("{SCRIPTS}/{script}.js"));
            c.env("NODE_PATH", format!("{}/node_modules", peer::DIR));
            c
        }
    };
    c.env("IPC_PORT", port.to_string());
    c
}

/// True once something listens on 127.0.0.1:`port` (the seed's server prints nothing
/// when it starts, and a probe connection would show in its output).
fn listening(port: u16) -> bool {
    let want = format!("0100007F:{port:04X} 00000000:0000 0A");
    std::fs::read_to_string("/proc/net/tcp").is_ok_and(|t| t.lines().any(|l| l.contains(&want)))
}

fn wait_listening(port: u16) {
    let until = Instant::now() + DEADLINE;
    while !listening(port) {
        assert!(Instant::now() < until, "nothing listens on port {port}");
        // The kernel's table is the only signal there is: look again shortly.
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn expected(name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(format!("{SCRIPTS}/{name}.pair.out")).unwrap();
    text.lines().map(String::from).collect()
}

/// Exact for procbox; for Node, the expected lines in order among node-ipc's logs.
fn check(p: &mut Peer, imp: Impl, want: &[String]) {
    for w in want {
        match imp {
            Impl::Procbox => p.expect(w),
            Impl::Node => {
                p.wait_for(w, |l| l == w);
            }
        }
    }
}

fn pair(server_impl: Impl, client_impl: Impl) {
    let port = free_port();
    let mut server =
        Peer::spawn(&format!("{server_impl:?} socket-server"), command(server_impl, "socket-server", port));
    wait_listening(port);
    let mut client =
        Peer::spawn(&format!("{client_impl:?} socket-client"), command(client_impl, "socket-client", port));
    let (server_want, client_want) = (expected("socket-server"), expected("socket-client"));
    check(&mut client, client_impl, &client_want);
    check(&mut server, server_impl, &server_want[..1]);
    client.kill();
    check(&mut server, server_impl, &server_want[1..]);
    server.kill();
    if server_impl == Impl::Procbox {
        assert_eq!(server.rest(), Vec::<String>::new(), "nothing more from the server");
    }
    if client_impl == Impl::Procbox {
        assert_eq!(client.rest(), Vec::<String>::new(), "nothing more from the client");
    }
}

fn seed_pair_procbox() {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        return update();
    }
    pair(Impl::Procbox, Impl::Procbox);
}

fn seed_pair_with_node_peers() {
    if node_ipc_ready() {
        pair(Impl::Procbox, Impl::Node);
        pair(Impl::Node, Impl::Procbox);
        pair(Impl::Node, Impl::Node);
    }
}

/// `UPDATE_GOLDEN=1`: record what the procbox pair prints.
fn update() {
    let port = free_port();
    let mut server = Peer::spawn("socket-server", command(Impl::Procbox, "socket-server", port));
    wait_listening(port);
    let mut client = Peer::spawn("socket-client", command(Impl::Procbox, "socket-client", port));
    let c = [client.next_line(), client.next_line()];
    let first = server.next_line();
    client.kill();
    let s = [first, server.next_line(), server.next_line(), server.next_line()];
    std::fs::write(format!("{SCRIPTS}/socket-client.pair.out"), c.join("\n") + "\n").unwrap();
    std::fs::write(format!("{SCRIPTS}/socket-server.pair.out"), s.join("\n") + "\n").unwrap();
}

fn main() -> std::process::ExitCode {
    needs::run(tests![Nothing: seed_pair_procbox, Npm: seed_pair_with_node_peers])
}
