//! node-ipc's wire format from the outside: raw sockets against procbox's node-ipc
//! server and client (tests/node-ipc/probe-*.rhai), checking the bytes procbox
//! writes and what it does with bytes node-ipc 9.x mishandles: frames followed by a
//! partial one, malformed and reserved frames, oversized frames, a partial frame at
//! close, and binary data in raw mode.

#[path = "support/peer.rs"]
mod peer;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Command;

use peer::{DIR, EXE, Peer};

fn probe_server(args: &[&str]) -> (Peer, TcpStream) {
    let mut cmd = Command::new(EXE);
    cmd.arg(format!("{DIR}/probe-server.rhai")).args(args);
    let mut s = Peer::spawn("probe server", cmd);
    let ready = s.next_line();
    let port: u16 = ready.strip_prefix("ready ").and_then(|p| p.parse().ok()).expect("ready PORT");
    let sock = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.expect("connect");
    (s, sock)
}

/// Reads one frame (up to and with the `\f`).
fn read_frame(sock: &mut TcpStream) -> Vec<u8> {
    sock.set_read_timeout(Some(peer::DEADLINE)).unwrap();
    let mut out = Vec::new();
    let mut b = [0u8; 1];
    while out.last() != Some(&0x0c) {
        assert_eq!(sock.read(&mut b).unwrap(), 1, "the peer closed mid-frame: {:?}", String::from_utf8_lossy(&out));
        out.push(b[0]);
    }
    out
}

#[test]
fn complete_frames_arrive_before_the_partial_one_that_follows() {
    let (mut s, mut sock) = probe_server(&[]);
    sock.write_all(b"{\"type\":\"a\",\"data\":1}\x0c{\"type\":\"b\",\"data\":{\"x\":[1]}}\x0c{\"type\":\"c\",\"da")
        .unwrap();
    // node-ipc 9.x holds both back until the third frame is complete.
    s.expect("a 1");
    s.expect("b {\"x\":[1]}");
    sock.write_all(b"ta\":\"done\"}\x0c").unwrap();
    s.expect("c \"done\"");
}

#[test]
fn bad_frames_are_errors_and_the_connection_goes_on() {
    let (mut s, mut sock) = probe_server(&[]);
    sock.write_all(b"not json\x0c{\"type\":3}\x0c[1]\x0c{\"type\":\"connect\"}\x0c\xff\xfe\x0c{\"type\":\"ok\"}\x0c")
        .unwrap();
    s.expect("error ERR_IPC_INVALID_JSON \"not json\"");
    s.expect("error ERR_IPC_INVALID_MESSAGE \"{\\\"type\\\":3}\"");
    s.expect("error ERR_IPC_INVALID_MESSAGE \"[1]\"");
    s.expect("error ERR_IPC_RESERVED_EVENT \"{\\\"type\\\":\\\"connect\\\"}\"");
    s.expect("error ERR_IPC_INVALID_JSON \"\u{fffd}\u{fffd}\"");
    s.expect("ok null");
    // Still usable both ways.
    sock.write_all(b"{\"type\":\"hello\",\"data\":{\"id\":\"raw\"}}\x0c").unwrap();
    assert_eq!(read_frame(&mut sock), b"{\"type\":\"welcome\",\"data\":{\"id\":\"raw\"}}\x0c");
    s.expect("hello {\"id\":\"raw\"}");
}

#[test]
fn oversized_frames_are_refused_and_the_connection_stays_usable() {
    let (mut s, mut sock) = probe_server(&["64"]);
    let big = format!("{{\"type\":\"a\",\"data\":\"{}\"}}\x0c", "x".repeat(100));
    sock.write_all(big.as_bytes()).unwrap();
    sock.write_all(b"{\"type\":\"after\",\"data\":2}\x0c").unwrap();
    let err = s.next_line();
    assert!(err.starts_with("error ERR_IPC_FRAME_TOO_LARGE \"{\\\"type\\\":\\\"a\\\""), "{err}");
    s.expect("after 2");
    // A big frame trickled in is refused once past the cap, not buffered whole.
    for chunk in big.as_bytes().chunks(30) {
        sock.write_all(chunk).unwrap();
    }
    sock.write_all(b"{\"type\":\"after\",\"data\":3}\x0c").unwrap();
    let err = s.next_line();
    assert!(err.starts_with("error ERR_IPC_FRAME_TOO_LARGE"), "{err}");
    s.expect("after 3");
}

#[test]
fn a_partial_frame_at_close_is_reported() {
    let (mut s, mut sock) = probe_server(&[]);
    sock.write_all(b"{\"type\":\"hello\",\"data\":{\"id\":\"half\"}}\x0c{\"type\":\"b\",\"data\"").unwrap();
    s.expect("hello {\"id\":\"half\"}");
    sock.shutdown(Shutdown::Write).unwrap();
    s.expect("error ERR_IPC_INCOMPLETE_FRAME \"{\\\"type\\\":\\\"b\\\",\\\"data\\\"\"");
    // The socket took the id of the payload that named one, as node-ipc does.
    s.expect("gone half");
}

#[test]
fn raw_mode_keeps_binary_data_intact() {
    let (mut s, mut sock) = probe_server(&["1024", "raw"]);
    let bytes = [0xde, 0xad, 0xbe, 0xef, 0x0c, 0xff, 0x00, 0x80];
    sock.write_all(&bytes).unwrap();
    // One write may still arrive as several reads: join what the server saw.
    let mut seen = String::new();
    while seen.len() < bytes.len() * 2 {
        let line = s.next_line();
        seen.push_str(line.strip_prefix("data ").unwrap_or_else(|| panic!("unexpected {line:?}")));
    }
    assert_eq!(seen, "deadbeef0cff0080");
    let mut back = [0u8; 8];
    sock.set_read_timeout(Some(peer::DEADLINE)).unwrap();
    sock.read_exact(&mut back).unwrap();
    assert_eq!(back, bytes, "echoed verbatim");
}

#[test]
fn the_client_speaks_the_wire_format_and_reports_a_partial_frame() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut cmd = Command::new(EXE);
    cmd.arg(format!("{DIR}/probe-client.rhai")).arg(port.to_string());
    let mut c = Peer::spawn("probe client", cmd);
    let (mut sock, _) = listener.accept().unwrap();
    c.expect("connect");
    // Byte for byte what node-ipc 9.2.1 writes (reference/anchors.md A.2).
    assert_eq!(
        read_frame(&mut sock),
        "{\"type\":\"hello\",\"data\":{\"id\":\"probe\",\"text\":\"caf\u{e9} \\f\"}}\x0c".as_bytes()
    );
    sock.write_all(
        b"{\"type\":\"a\",\"data\":1}\x0c{\"type\":\"disconnect\"}\x0c{\"type\":\"b\",\"data\":[2]}\x0c{\"type\":\"a\"",
    )
    .unwrap();
    c.expect("a 1");
    c.expect("error ERR_IPC_RESERVED_EVENT");
    c.expect("b [2]");
    drop(sock);
    c.expect("error ERR_IPC_INCOMPLETE_FRAME");
    // maxRetries 0: no retry, so the end of the connection is the end of the client.
    c.expect("disconnect");
    c.expect("destroy");
    assert!(c.wait_exit().success());
}

/// Reads frames until the peer closes; returns how many, checking they come in order.
fn count_frames(mut sock: TcpStream) -> usize {
    let mut all = Vec::new();
    sock.set_read_timeout(Some(peer::DEADLINE)).unwrap();
    sock.read_to_end(&mut all).unwrap();
    let frames: Vec<&[u8]> = all.split(|&b| b == 0x0c).collect();
    assert_eq!(frames.last(), Some(&&b""[..]), "the stream ends on a delimiter");
    for (i, f) in frames[..frames.len() - 1].iter().enumerate() {
        assert!(f.starts_with(b"{\"type\":\"chunk\",\"data\":{\"filler\":\""), "frame {i}");
        assert!(f.ends_with(format!("\",\"i\":{i}}}}}").as_bytes()), "frame {i} in order");
    }
    frames.len() - 1
}

fn flush_case(mode: &str) {
    // 512 × 64 KiB: far more than the socket buffers hold, so most of it is still
    // queued in procbox when the script exits or disconnects.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut cmd = Command::new(EXE);
    cmd.arg(format!("{DIR}/flush-client.rhai")).args([&port.to_string(), mode, "512", "65536"]);
    let mut c = Peer::spawn(&format!("flush client ({mode})"), cmd);
    let (sock, _) = listener.accept().unwrap();
    let reader = std::thread::spawn(move || count_frames(sock));
    assert!(c.wait_exit().success(), "{}", c.stderr());
    assert_eq!(reader.join().unwrap(), 512);
}

#[test]
fn emits_before_process_exit_are_delivered() {
    flush_case("exit");
}

#[test]
fn emits_before_disconnect_are_delivered() {
    flush_case("disconnect");
}
