//! The connection state machine without a server: pipelining, reply order, partial
//! input, pub/sub pushes, offline queue bound, reconnect hand-back, URLs.

use super::conn::{Conn, Event, Phase, Refused};
use super::resp::{self, Reply};
use super::url::{self, Target};

fn args(s: &str) -> Vec<Vec<u8>> {
    s.split(' ').map(|a| a.as_bytes().to_vec()).collect()
}

fn open() -> Conn<u32> {
    let mut c = Conn::new(2);
    c.connecting();
    c.connected(vec![], || 0);
    c
}

#[test]
fn commands_of_a_tick_go_out_in_one_write() {
    let mut c = open();
    c.command(&args("SET k v"), 1).unwrap();
    c.command(&args("GET k"), 2).unwrap();
    assert_eq!(c.take_output(), b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n".to_vec());
    assert!(!c.has_output());
}

#[test]
fn replies_match_commands_in_order_across_partial_reads() {
    let mut c = open();
    c.command(&args("SET k v"), 1).unwrap();
    c.command(&args("GET k"), 2).unwrap();
    c.command(&args("GET nope"), 3).unwrap();
    assert!(c.feed(b"+OK\r\n$1\r").len() == 1);
    let ev = c.feed(b"\nv\r\n$-1\r\n-ERR boom\r\n");
    assert_eq!(ev[0], Event::Reply(2, Reply::Bulk(b"v".to_vec())));
    assert_eq!(ev[1], Event::Reply(3, Reply::Nil));
    assert!(matches!(ev[2], Event::Protocol(_)), "an unexpected reply is a protocol error");
}

#[test]
fn pubsub_pushes_do_not_consume_waiters() {
    let mut c = open();
    c.command(&args("SUBSCRIBE a b"), 1).unwrap();
    let ev = c.feed(b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n");
    assert_eq!(ev, vec![Event::Message { pattern: None, channel: b"a".to_vec(), message: b"hi".to_vec() }]);
    let ev = c.feed(b"*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n");
    assert!(matches!(ev[0], Event::Reply(1, Reply::Array(_))));
    assert!(c.subscribed());
}

#[test]
fn a_message_shaped_array_is_a_reply_outside_pubsub_mode() {
    let mut c = open();
    c.command(&args("LRANGE l 0 -1"), 7).unwrap();
    let ev = c.feed(b"*3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n");
    assert!(matches!(ev[0], Event::Reply(7, Reply::Array(_))));
}

#[test]
fn offline_queue_is_bounded_and_replayed_after_the_handshake() {
    let mut c: Conn<u32> = Conn::new(2);
    assert_eq!(c.command(&args("PING"), 1), Err((Refused::Closed, 1)));
    c.connecting();
    c.command(&args("PING"), 1).unwrap();
    c.command(&args("PING"), 2).unwrap();
    assert_eq!(c.command(&args("PING"), 3), Err((Refused::Full, 3)));
    assert!(!c.has_output());
    c.connected(vec![(args("SELECT 1"), 9)], || 0);
    let out = c.take_output();
    assert!(out.starts_with(b"*2\r\n$6\r\nSELECT"));
    let ev = c.feed(b"+OK\r\n+PONG\r\n+PONG\r\n");
    let tokens: Vec<u32> = ev.into_iter().map(|e| if let Event::Reply(t, _) = e { t } else { 0 }).collect();
    assert_eq!(tokens, vec![9, 1, 2]);
}

#[test]
fn a_drop_hands_back_written_commands_and_resubscribes_on_reconnect() {
    let mut c = open();
    c.command(&args("SUBSCRIBE ch"), 1).unwrap();
    c.command(&args("PSUBSCRIBE p*"), 2).unwrap();
    let _ = c.take_output();
    assert_eq!(c.disconnected(false), vec![1, 2]);
    assert_eq!(c.phase(), Phase::Connecting);
    assert_eq!((c.next_delay(), c.next_delay()), (50, 100));
    c.connected(vec![], || 5);
    let mut want = Vec::new();
    resp::encode(&mut want, &args("SUBSCRIBE ch"));
    resp::encode(&mut want, &args("PSUBSCRIBE p*"));
    assert_eq!(c.take_output(), want);
    assert_eq!(c.next_delay(), 50, "a connection resets the backoff");
    assert_eq!(c.disconnected(true), vec![5, 5]);
    assert!(!c.subscribed());
}

#[test]
fn unsubscribe_all_expects_one_reply_per_channel() {
    let mut c = open();
    c.command(&args("SUBSCRIBE a b"), 1).unwrap();
    c.command(&args("UNSUBSCRIBE"), 2).unwrap();
    let sub = b"*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n";
    let unsub = b"*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:0\r\n";
    assert_eq!(c.feed(sub).len(), 1);
    assert_eq!(c.feed(unsub).len(), 1);
    assert!(!c.subscribed());
}

#[test]
fn urls() {
    let o = url::parse("redis://:s%40cret@127.0.0.1:6380/3").unwrap();
    assert_eq!(o.target, Target::Tcp("127.0.0.1".into(), 6380));
    assert_eq!((o.password.as_deref(), o.database), (Some("s@cret"), 3));
    let o = url::parse("unix:///tmp/r.sock").unwrap();
    assert_eq!(o.target, Target::Unix("/tmp/r.sock".into()));
    assert_eq!(url::parse("redis://h").unwrap().target, Target::Tcp("h".into(), 6379));
    assert!(url::parse("http://h").is_err());
}
