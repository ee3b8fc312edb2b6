//! Tests of [`super::Reader`], the channel's read-side codec (its write side is the
//! stream's queue: `io::write_queue` and `io::stream_chan_tests`).

use super::*;
use serde_json::json;

fn null_fd() -> OwnedFd {
    std::fs::File::open("/dev/null").expect("/dev/null").into()
}

/// Feeds one read; the messages it completed, as JSON values, with whether each got
/// a descriptor and its size on the wire.
fn feed(r: &mut Reader, bytes: &[u8], fds: usize) -> Vec<(serde_json::Value, bool, usize)> {
    let mut got = Vec::new();
    r.feed(bytes, (0..fds).map(|_| null_fd()).collect(), true, |line| {
        let (frame, handle, size) = match line {
            Line::Now(i) => (i.frame, i.handle.is_some(), i.size),
            Line::Later(text) => (crate::ipc::framing::decode(text), false, text.len() + 1),
        };
        if let Frame::Message(v) = frame {
            let text = crate::value::json::stringify(&v, "").unwrap_or_default();
            got.push((serde_json::from_str(&text).unwrap_or_default(), handle, size));
        }
    });
    got
}

/// Which lines of one read come undecoded (`Later`), by their text.
fn later_lines(bytes: &[u8], later: bool) -> Vec<(String, bool)> {
    let mut got = Vec::new();
    Reader::default().feed(bytes, Vec::new(), later, |line| {
        got.push(match line {
            Line::Now(i) => (format!("{:?}", i.frame).chars().take(20).collect(), false),
            Line::Later(text) => (String::from_utf8_lossy(text).into_owned(), true),
        })
    });
    got
}

#[test]
fn plain_short_lines_may_be_decoded_later_the_others_now() {
    let long = format!("\"{}\"\n", "x".repeat(LATER_MAX));
    let text = format!(
        "{{\"a\":1}}\n[\"cmd\"]\n{{\"cmd\":\"NODE_HANDLE_ACK\"}}\n{{\"\\u0063md\":\"x\"}}\n\"a\\\"b\"\n{{oops\n{long}"
    );
    let got = later_lines(text.as_bytes(), true);
    let later: Vec<bool> = got.iter().map(|(_, l)| *l).collect();
    // A `cmd"` anywhere, any backslash, or a long line: decoded now. A malformed
    // line may wait (its error comes on its tick either way).
    assert_eq!(later, [true, false, false, false, false, true, false], "{got:?}");
    assert_eq!(got[0].0, "{\"a\":1}");
    assert!(later_lines(b"1\n2\n", false).iter().all(|(_, l)| !l), "not asked: all now");
}

#[test]
fn lines_arrive_in_order_with_their_sizes() {
    let mut r = Reader::default();
    let got = feed(&mut r, b"1\n\"abc\"\n{\"n\"", 0);
    assert_eq!(got, vec![(json!(1), false, 2), (json!("abc"), false, 6)]);
    assert_eq!(feed(&mut r, b":2}\n", 0), vec![(json!({"n": 2}), false, 8)]);
    assert!(r.finish().is_none());
}

#[test]
fn descriptors_on_ordinary_messages_are_closed() {
    let mut r = Reader::default();
    for i in 0..200 {
        let got = feed(&mut r, format!("{{\"n\":{i}}}\n").as_bytes(), 1);
        assert_eq!(got.len(), 1);
        assert!(!got[0].1, "an ordinary message gets no descriptor");
        assert_eq!(r.open_fds(), 0);
    }
    // A descriptor with a partial line waits for the line, then goes too.
    assert!(feed(&mut r, b"{\"cmd\":\"NODE_HANDLE\",\"type\":\"x\"", 1).is_empty());
    assert_eq!(r.open_fds(), 1);
    let got = feed(&mut r, b"}\n{\"cmd\":\"NODE_HANDLE\"}\n", 0);
    assert!(got[0].1, "the handle line claims the descriptor sent with its start");
    assert!(!got[1].1, "a handle line without a descriptor gets none");
    assert_eq!(r.open_fds(), 0);
}

#[test]
fn an_unclaimed_descriptor_before_a_handle_line_is_skipped() {
    let mut r = Reader::default();
    // Two reads, one descriptor each: the first one's line is no handle line.
    assert!(feed(&mut r, b"1", 1).is_empty());
    let got = feed(&mut r, b"\n{\"cmd\":\"NODE_HANDLE\"}\n", 1);
    assert_eq!(got.len(), 2);
    assert!(!got[0].1);
    assert!(got[1].1, "the handle line starts in the second read: its descriptor");
    assert_eq!(r.open_fds(), 0);
}

#[test]
fn the_eof_reports_a_partial_line_and_closes_descriptors() {
    let mut r = Reader::default();
    assert!(feed(&mut r, b"{\"cmd\":\"NODE_HANDLE\"", 2).is_empty());
    assert!(matches!(r.finish(), Some(Frame::Malformed { .. })));
    assert_eq!(r.open_fds(), 0);
    assert!(r.finish().is_none());
}

#[test]
fn malformed_lines_are_reported_and_the_next_ones_arrive() {
    let mut r = Reader::default();
    let mut kinds = Vec::new();
    r.feed(b"{oops\n7\n", Vec::new(), false, |line| {
        let Line::Now(i) = line else { return kinds.push("later") };
        kinds.push(match i.frame {
            Frame::Message(_) => "message",
            Frame::Malformed { .. } => "malformed",
            Frame::TooLarge(_) => "too large",
        })
    });
    assert_eq!(kinds, ["malformed", "message"]);
}

#[test]
fn the_stream_options_are_the_channels() {
    let o = stream_opts();
    assert_eq!(o.kind, Kind::UnixFds);
    assert_eq!(o.high_water, HIGH_WATER);
    assert_eq!(o.read_size, ReadSize::Reused(256 * 1024));
    assert!(!o.writes_keep_alive && o.write_error_keeps_reading);
}

#[test]
fn the_cmd_of_every_line_decoded_now_is_reported() {
    // One line per read (decoded now): the `cmd` field found, by any spelling of its
    // key, and none where the text only looks like one.
    let long = format!("{{\"pad\":\"{}\",\"cmd\":\"NODE_X\"}}", "y".repeat(40));
    let lines: [(&str, Option<&str>); 8] = [
        ("{\"n\":1}", None),
        ("{\"cmd\":\"NODE_HANDLE_ACK\"}", Some("NODE_HANDLE_ACK")),
        ("{\"\\u0063md\":\"NODE_Y\"}", Some("NODE_Y")),
        ("{\"a\":\"cmd\",\"cmd\":\"z\"}", Some("z")),
        ("{\"a\":\"cmd\\\"\"}", None),
        ("{\"cm\":1,\"md\":2}", None),
        ("[\"cmd\"]", None),
        (&long, Some("NODE_X")),
    ];
    for (line, want) in lines {
        let mut got = Vec::new();
        Reader::default().feed(format!("{line}\n").as_bytes(), Vec::new(), true, |l| {
            if let Line::Now(i) = l {
                got.push(i.cmd.map(|c| c.to_string()));
            }
        });
        assert_eq!(got, vec![want.map(String::from)], "{line}");
    }
}
