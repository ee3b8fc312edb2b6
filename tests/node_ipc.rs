//! node-ipc interop: procbox and the real node-ipc 9.2.1 (installed from
//! tests/node-ipc/package-lock.json) as server and client of each other, over TCP
//! and a Unix socket, with broadcast and reconnect after a server restart.
//!
//! Both sides run the same peer protocol (tests/node-ipc/peer-*.{rhai,js}), so every
//! pairing must print the same lines; the Node↔Node pairing shows those lines are
//! node-ipc's own behaviour, not an expectation made up for procbox.

#[path = "support/peer.rs"]
mod peer;

// Runs on support/needs.rs (harness = false): tests needing node and npm are reported
// ignored, with the reason, where those are missing; every test has a deadline.
#[path = "support/needs.rs"]
#[macro_use]
mod needs;

use peer::{Impl, Peer, SocketPath, free_port, node_ipc_ready, socket_path};

#[derive(Clone, Copy, Debug)]
enum Transport {
    Tcp,
    Unix,
}

/// Where a server listens, as the peer scripts take it on the command line; the
/// guard removes a Unix socket file when the test is done.
fn address(t: Transport, tag: &str) -> (&'static str, String, Option<SocketPath>) {
    match t {
        Transport::Tcp => ("tcp", free_port().to_string(), None),
        Transport::Unix => {
            let p = socket_path(tag);
            ("unix", p.0.clone(), Some(p))
        }
    }
}

fn server(imp: Impl, t: &'static str, at: &str) -> Peer {
    let mut cmd = imp.command("peer-server");
    cmd.args([t, at]);
    let mut p = Peer::spawn(&format!("{imp:?} server"), cmd);
    p.expect(&format!("ready {at}"));
    p
}

fn client(imp: Impl, t: &'static str, at: &str, name: &str) -> Peer {
    let mut cmd = imp.command("peer-client");
    cmd.args([t, at, name]);
    Peer::spawn(&format!("{imp:?} client {name}"), cmd)
}

/// What the server prints for each echo, and the client for each reply: every
/// payload shape, with node-ipc's `{}` for an emit without data.
fn echoes() -> Vec<String> {
    [
        "\"caf\u{e9} \\f tab\\t\"",
        "0",
        "false",
        "{}",
        "[1,2,3]",
        "{\"a\":{\"b\":[true,null]},\"z\":\"\u{fc}\"}",
        "\"last\"",
    ]
    .iter()
    .map(|p| format!("echo {p}"))
    .collect()
}

/// The client's half of a session: connect (the `n`th time), hello, the echoes.
fn greet(c: &mut Peer, name: &str, n: usize) {
    c.expect(&format!("connect {n}"));
    c.expect(&format!("welcome {{\"id\":\"{name}\",\"n\":{n}}}"));
    c.expect_all(&echoes());
}

/// End of input makes the client disconnect on purpose: `disconnect`, `destroy`
/// (node-ipc 9.x emits both), and the process exits by itself.
fn part(c: &mut Peer) {
    c.close_stdin();
    c.expect("bye");
    c.expect("disconnect");
    c.expect("destroy");
    let st = c.wait_exit();
    assert!(st.success(), "{}: {st}\n{}", c.name, c.stderr());
}

fn session(server_impl: Impl, client_impl: Impl, t: Transport) {
    let (kind, at, _path) = address(t, "session");
    let mut s = server(server_impl, kind, &at);
    let mut c = client(client_impl, kind, &at, "alpha");
    greet(&mut c, "alpha", 1);
    s.expect("hello alpha");
    s.expect_all(&echoes());
    part(&mut c);
    s.expect("gone alpha");
}

fn node_client_to_procbox_server() {
    if node_ipc_ready() {
        session(Impl::Procbox, Impl::Node, Transport::Tcp);
        session(Impl::Procbox, Impl::Node, Transport::Unix);
    }
}

fn procbox_client_to_node_server() {
    if node_ipc_ready() {
        session(Impl::Node, Impl::Procbox, Transport::Tcp);
        session(Impl::Node, Impl::Procbox, Transport::Unix);
    }
}

fn the_expected_lines_are_node_ipcs_own() {
    if node_ipc_ready() {
        session(Impl::Node, Impl::Node, Transport::Tcp);
        session(Impl::Node, Impl::Node, Transport::Unix);
    }
}

fn procbox_to_procbox() {
    session(Impl::Procbox, Impl::Procbox, Transport::Tcp);
    session(Impl::Procbox, Impl::Procbox, Transport::Unix);
}

/// Two clients, one of each kind; the first asks for a broadcast and both get it.
fn broadcast(server_impl: Impl, first: Impl, second: Impl, t: Transport) {
    let (kind, at, _path) = address(t, "broadcast");
    let mut s = server(server_impl, kind, &at);
    let mut a = client(first, kind, &at, "a");
    greet(&mut a, "a", 1);
    let mut b = client(second, kind, &at, "b");
    greet(&mut b, "b", 1);
    a.send(r#"broadcast {"from":"a","n":[1,"two"]}"#);
    let news = r#"news {"from":"a","n":[1,"two"]}"#;
    a.expect(news);
    b.expect(news);
    s.wait_for("broadcast", |l| l.starts_with("broadcast "));
    part(&mut a);
    part(&mut b);
}

fn broadcast_reaches_node_and_procbox_clients() {
    if node_ipc_ready() {
        broadcast(Impl::Procbox, Impl::Node, Impl::Procbox, Transport::Tcp);
        broadcast(Impl::Procbox, Impl::Procbox, Impl::Node, Transport::Unix);
        broadcast(Impl::Node, Impl::Procbox, Impl::Node, Transport::Tcp);
        broadcast(Impl::Node, Impl::Node, Impl::Procbox, Transport::Unix);
    }
}

/// The server is killed under a connected client and started again at the same
/// address: the client retries (every 100 ms) and picks the session up again.
fn reconnect(server_impl: Impl, client_impl: Impl, t: Transport) {
    let (kind, at, _path) = address(t, "restart");
    let mut s = server(server_impl, kind, &at);
    let mut c = client(client_impl, kind, &at, "r");
    greet(&mut c, "r", 1);
    s.kill();
    c.expect("disconnect");
    // Failed retries print `error ECONNREFUSED` (or ENOENT) and `disconnect`.
    let _s2 = server(server_impl, kind, &at);
    c.wait_for("connect 2", |l| l == "connect 2" || !(l.starts_with("error ") || l == "disconnect"));
    c.expect("welcome {\"id\":\"r\",\"n\":2}");
    c.expect_all(&echoes());
    part(&mut c);
}

fn reconnect_after_the_server_restarts() {
    if node_ipc_ready() {
        reconnect(Impl::Node, Impl::Procbox, Transport::Tcp);
        reconnect(Impl::Node, Impl::Procbox, Transport::Unix);
        reconnect(Impl::Procbox, Impl::Node, Transport::Tcp);
        reconnect(Impl::Procbox, Impl::Node, Transport::Unix);
    }
}

fn procbox_reconnects_to_procbox() {
    reconnect(Impl::Procbox, Impl::Procbox, Transport::Unix);
}

fn main() -> std::process::ExitCode {
    needs::run(tests![
        Npm: node_client_to_procbox_server,
        Npm: procbox_client_to_node_server,
        Npm: the_expected_lines_are_node_ipcs_own,
        Nothing: procbox_to_procbox,
        Npm: broadcast_reaches_node_and_procbox_clients,
        Npm: reconnect_after_the_server_restarts,
        Nothing: procbox_reconnects_to_procbox,
    ])
}
