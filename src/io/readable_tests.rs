//! The flow state's rules, one test per decision a binding asks it for.

use super::*;

#[test]
fn buffers_until_flowing_then_ends_once() {
    let mut i = Readable::default();
    assert_eq!(i.push(b"ab".to_vec()), None);
    i.set_eof();
    assert!(!i.take_end(), "nothing consumed the data yet");
    assert_eq!(i.pop(), None);
    assert!(i.resume());
    assert_eq!(i.pop(), Some(b"ab".to_vec()));
    assert!(i.take_end());
    assert!(!i.take_end(), "only once");
    assert!(!i.readable());
    let mut quiet = Readable::default();
    quiet.set_eof();
    assert!(!quiet.take_end(), "no consumer");
    assert!(quiet.take_end_at_eof(), "nothing was sent: a socket ends without a consumer");
}

#[test]
fn unread_data_never_ends_even_at_eof() {
    let mut i = Readable::default();
    i.push(b"x".to_vec());
    i.set_eof();
    assert!(!i.take_end_at_eof());
    i.pause();
    assert!(!i.take_end(), "paused: the data waits, so does end");
    assert!(i.readable());
}

#[test]
fn flowing_delivers_directly_and_pause_holds() {
    let mut i = Readable::default();
    i.resume();
    assert_eq!(i.push(b"x".to_vec()), Some(b"x".to_vec()));
    i.pause();
    assert!(i.is_paused());
    assert_eq!(i.push(b"y".to_vec()), None);
    assert_eq!(i.len(), 1);
    assert_eq!(i.pop(), None, "paused: nothing is handed out");
    i.resume();
    assert_eq!(i.push(b"z".to_vec()), None, "order: z waits behind y");
    assert_eq!(i.pop(), Some(b"y".to_vec()));
    assert_eq!(i.pop(), Some(b"z".to_vec()));
    assert_eq!(i.len(), 0);
}

#[test]
fn one_flow_pass_queued_at_a_time() {
    let mut i = Readable::default();
    assert!(i.resume(), "first resume queues a pass");
    assert!(!i.resume(), "already queued");
    i.pause();
    assert!(!i.resume(), "still queued: pause does not cancel it");
    i.start_flow();
    assert!(i.resume(), "the pass ran: a new one");
}

#[test]
fn a_data_listener_resumes_unless_paused() {
    let mut i = Readable::default();
    assert!(i.listener_resumes(), "undecided");
    i.pause();
    assert!(!i.listener_resumes(), "pause() wins over a later listener");
    i.resume();
    assert!(i.listener_resumes());
}

#[test]
fn reads_ahead_up_to_the_limit_and_on_while_flowing() {
    let mut i = Readable::new(4);
    assert!(i.wants_read());
    i.push(b"abc".to_vec());
    assert!(i.wants_read(), "3 < 4");
    i.push(b"d".to_vec());
    assert!(!i.wants_read(), "read-ahead full");
    i.pause();
    assert!(!i.wants_read());
    i.resume();
    assert!(i.wants_read(), "flowing reads whatever waits");
    i.set_eof();
    assert!(!i.wants_read(), "nothing after EOF");
}

#[test]
fn no_read_ahead_reads_only_while_flowing() {
    let mut i = Readable::new(0);
    assert!(!i.wants_read(), "undecided: stdin is not read");
    i.resume();
    assert!(i.wants_read());
    i.pause();
    assert!(!i.wants_read());
    i.resume();
    assert_eq!(i.push(b"a".to_vec()), Some(b"a".to_vec()), "flowing: nothing is kept");
}

#[test]
fn destroy_drops_data_and_end_never_comes() {
    let mut i = Readable::default();
    i.push(b"abc".to_vec());
    i.destroy();
    assert_eq!(i.len(), 0);
    assert!(!i.wants_read());
    i.resume();
    assert_eq!(i.pop(), None);
    assert!(!i.take_end());
    assert!(!i.take_end_at_eof());
    assert!(!i.readable());
}

#[test]
fn drain_takes_everything_flowing_or_not() {
    let mut i = Readable::default();
    i.push(b"a".to_vec());
    i.push(b"b".to_vec());
    assert_eq!(i.drain(), vec![b"a".to_vec(), b"b".to_vec()]);
    assert!(i.is_empty());
    assert_eq!(i.len(), 0);
}

#[test]
fn a_flow_pass_stops_when_a_listener_pauses_and_at_an_error() {
    let state = RefCell::new(Readable::default());
    for c in [b"a", b"b", b"c"] {
        state.borrow_mut().push(c.to_vec());
    }
    assert!(state.borrow_mut().resume());
    let mut got = Vec::new();
    let r: Result<(), ()> = flow(&state, |c| {
        got.push(c);
        state.borrow_mut().pause();
        Ok(())
    });
    assert_eq!((r, got), (Ok(()), vec![b"a".to_vec()]), "paused after the first chunk");
    assert!(state.borrow_mut().resume(), "the pass ran: a new one may be queued");
    let r = flow(&state, |c| if c == b"b" { Err("thrown") } else { Ok(()) });
    assert_eq!(r, Err("thrown"));
    assert_eq!(state.borrow().len(), 1, "c still waits");
}
