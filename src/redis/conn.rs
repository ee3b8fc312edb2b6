//! One Redis connection as a state machine, without I/O: the binding feeds it the
//! bytes read, takes the bytes to write once per tick (so every command issued in a
//! tick goes out in one write: automatic pipelining), and tells it when the socket
//! connected or went away.
//!
//! Replies come back in command order, so each command leaves a waiter (the caller's
//! token `T` and how many replies it expects) in a FIFO. In pub/sub mode the server
//! also pushes `message`/`pmessage` arrays; those become [`Event::Message`] and do not
//! consume a waiter. `SUBSCRIBE a b` expects one confirmation per channel.
//!
//! While the connection is down, commands wait in a bounded offline queue; commands
//! already written when it went down are handed back to be rejected (they may or may
//! not have run: the caller decides, as node-redis does). On reconnect the handshake
//! (AUTH/SELECT/CLIENT SETNAME) and the subscriptions go first.

use std::collections::{BTreeSet, VecDeque};

use super::resp::{self, Reply};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Not connected, and no connection wanted (before `connect()`, after `quit()`).
    Closed,
    /// A connection is being made (first time or after a drop).
    Connecting,
    Open,
}

struct Waiter<T> {
    token: T,
    /// Replies still expected (more than one for SUBSCRIBE with several channels).
    expect: usize,
    /// A subscribe-family command: its replies are confirmations arrays.
    pubsub: bool,
}

/// What the bytes fed in produced.
#[derive(Debug, PartialEq)]
pub enum Event<T> {
    /// The reply (or error reply) to the command that left `token`.
    Reply(T, Reply),
    /// A published message: `pattern` is set for a `pSubscribe` match.
    Message { pattern: Option<Vec<u8>>, channel: Vec<u8>, message: Vec<u8> },
    /// The server sent something that is not RESP2, or a reply nobody waited for:
    /// the connection can no longer be trusted.
    Protocol(String),
}

pub struct Conn<T> {
    phase: Phase,
    out: Vec<u8>,
    sent: VecDeque<Waiter<T>>,
    offline: VecDeque<(Vec<u8>, Waiter<T>)>,
    max_offline: usize,
    input: Vec<u8>,
    channels: BTreeSet<Vec<u8>>,
    patterns: BTreeSet<Vec<u8>>,
    attempts: u32,
}

/// Why a command was not queued.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The client is closed (`connect()` not called, or `quit()`/`disconnect()` done).
    Closed,
    /// The offline queue is full.
    Full,
}

fn upper(a: &[u8]) -> Vec<u8> {
    a.to_ascii_uppercase()
}

impl<T> Conn<T> {
    pub fn new(max_offline: usize) -> Self {
        Conn {
            phase: Phase::Closed,
            out: Vec::new(),
            sent: VecDeque::new(),
            offline: VecDeque::new(),
            max_offline,
            input: Vec::new(),
            channels: BTreeSet::new(),
            patterns: BTreeSet::new(),
            attempts: 0,
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// A connection attempt starts (commands now wait in the offline queue).
    pub fn connecting(&mut self) {
        self.phase = Phase::Connecting;
    }

    /// The socket is connected: `handshake` (each with its token) goes first, then
    /// the re-subscriptions, then what waited offline, all in the next write.
    pub fn connected(&mut self, handshake: Vec<(Vec<Vec<u8>>, T)>, resubscribe: impl Fn() -> T) {
        self.phase = Phase::Open;
        self.attempts = 0;
        for (args, token) in handshake {
            resp::encode(&mut self.out, &args);
            self.sent.push_back(Waiter { token, expect: 1, pubsub: false });
        }
        for (verb, set) in [(&b"SUBSCRIBE"[..], &self.channels), (&b"PSUBSCRIBE"[..], &self.patterns)] {
            if set.is_empty() {
                continue;
            }
            let mut args = vec![verb.to_vec()];
            args.extend(set.iter().cloned());
            resp::encode(&mut self.out, &args);
            self.sent.push_back(Waiter { token: resubscribe(), expect: set.len(), pubsub: true });
        }
        while let Some((bytes, w)) = self.offline.pop_front() {
            self.out.extend_from_slice(&bytes);
            self.sent.push_back(w);
        }
    }

    /// The socket went away: the waiters of commands already written (their fate is
    /// unknown) are handed back; the offline queue and subscriptions are kept for the
    /// next connection unless `closing`, when the offline queue is handed back too.
    pub fn disconnected(&mut self, closing: bool) -> Vec<T> {
        self.phase = if closing { Phase::Closed } else { Phase::Connecting };
        self.out.clear();
        self.input.clear();
        let mut lost: Vec<T> = self.sent.drain(..).map(|w| w.token).collect();
        if closing {
            lost.extend(self.offline.drain(..).map(|(_, w)| w.token));
            self.channels.clear();
            self.patterns.clear();
        }
        lost
    }

    /// node-redis's default reconnect strategy: `min(retries * 50, 500)` ms.
    pub fn next_delay(&mut self) -> u64 {
        self.attempts += 1;
        (u64::from(self.attempts) * 50).min(500)
    }

    /// Queues one command. Subscribe-family commands update the subscription sets
    /// (so a reconnect restores them) and expect one reply per channel.
    pub fn command(&mut self, args: &[Vec<u8>], token: T) -> Result<(), (Refused, T)> {
        if self.phase == Phase::Closed {
            return Err((Refused::Closed, token));
        }
        let verb = args.first().map(|a| upper(a)).unwrap_or_default();
        let names = &args[1.min(args.len())..];
        let (pubsub, expect) = match verb.as_slice() {
            b"SUBSCRIBE" | b"PSUBSCRIBE" => (true, names.len().max(1)),
            b"UNSUBSCRIBE" | b"PUNSUBSCRIBE" => {
                let set = if verb[0] == b'P' { &self.patterns } else { &self.channels };
                (true, if names.is_empty() { set.len().max(1) } else { names.len() })
            }
            _ => (false, 1),
        };
        if pubsub {
            let set = if verb[0] == b'P' { &mut self.patterns } else { &mut self.channels };
            match verb.as_slice() {
                b"SUBSCRIBE" | b"PSUBSCRIBE" => set.extend(names.iter().cloned()),
                _ if names.is_empty() => set.clear(),
                _ => names.iter().for_each(|n| {
                    set.remove(n);
                }),
            }
        }
        let w = Waiter { token, expect, pubsub };
        if self.phase == Phase::Open {
            resp::encode(&mut self.out, args);
            self.sent.push_back(w);
            return Ok(());
        }
        if self.offline.len() >= self.max_offline {
            return Err((Refused::Full, w.token));
        }
        let mut bytes = Vec::new();
        resp::encode(&mut bytes, args);
        self.offline.push_back((bytes, w));
        Ok(())
    }

    /// The bytes to write now (everything queued since the last call).
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    #[cfg(test)]
    pub fn has_output(&self) -> bool {
        !self.out.is_empty()
    }

    pub fn subscribed(&self) -> bool {
        !self.channels.is_empty() || !self.patterns.is_empty()
    }

    /// Pub/sub pushes can arrive: something is subscribed, or a subscribe-family
    /// command is waiting (its own confirmation may follow a late message).
    fn pubsub_mode(&self) -> bool {
        self.subscribed() || self.sent.iter().any(|w| w.pubsub)
    }

    /// Feeds bytes read from the socket; returns what they completed, in order.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event<T>> {
        self.input.extend_from_slice(bytes);
        let mut events = Vec::new();
        let mut used = 0;
        loop {
            match resp::next(&self.input[used..]) {
                Ok(Some((reply, n))) => {
                    used += n;
                    if let Some(e) = self.on_reply(reply) {
                        events.push(e);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    events.push(Event::Protocol(e));
                    used = self.input.len();
                    break;
                }
            }
        }
        self.input.drain(..used);
        events
    }

    fn on_reply(&mut self, reply: Reply) -> Option<Event<T>> {
        if self.pubsub_mode()
            && let Reply::Array(items) = &reply
        {
            let kind = items.first().and_then(Reply::bytes).map(upper);
            match (kind.as_deref(), items.len()) {
                (Some(b"MESSAGE"), 3) => {
                    let mut it = items.iter().skip(1).map(|r| r.bytes().unwrap_or_default().to_vec());
                    let (channel, message) = (it.next()?, it.next()?);
                    return Some(Event::Message { pattern: None, channel, message });
                }
                (Some(b"PMESSAGE"), 4) => {
                    let mut it = items.iter().skip(1).map(|r| r.bytes().unwrap_or_default().to_vec());
                    let (pattern, channel, message) = (it.next()?, it.next()?, it.next()?);
                    return Some(Event::Message { pattern: Some(pattern), channel, message });
                }
                _ => {}
            }
        }
        let Some(front) = self.sent.front_mut() else {
            return Some(Event::Protocol("a reply came that no command waited for".into()));
        };
        front.expect -= 1;
        if front.expect > 0 && !matches!(reply, Reply::Error(_)) {
            return None;
        }
        let w = self.sent.pop_front()?;
        Some(Event::Reply(w.token, reply))
    }
}
