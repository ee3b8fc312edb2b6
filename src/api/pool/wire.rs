//! What pool and worker say to each other over the fork channel, and the errors a
//! job can end with.
//!
//! A worker started by a pool finds `PROCBOX_POOL_WORKER` in its environment and,
//! once its main script has run, sends `{"cmd":"NODE_POOL_READY","tagged":bool}`
//! (a `NODE_` message: internal, never a `message` event). Then:
//! - a plain worker (the seed's `process.on("message", …)`) gets the job itself as the
//!   message, and its next message is the result;
//! - a tagged worker (the `worker(|job| …)` helper) gets `{"__pool":id,"job":…}` and
//!   answers `{"__pool":id,"result":…}`, `{"__pool":id,"error":…}`, or any number of
//!   `{"__pool":id,"progress":…}` first.
//!
//! `libc::SIGKILL` here is a signal number, used as data; no libc function is called here
//! (system calls are [`crate::sys`]'s).

use rhai::{Dynamic, INT, Map};

use crate::pool::{Failure, JobId};
use crate::signals;
use crate::value::error;
use crate::value::json::{self, push_u64};

/// Set in a worker's environment by the pool, to the pool's pid (and removed by the
/// worker at start).
pub const WORKER_ENV: &str = "PROCBOX_POOL_WORKER";
pub const READY_CMD: &str = "NODE_POOL_READY";

pub fn ready_message(tagged: bool) -> String {
    format!("{{\"cmd\":\"{READY_CMD}\",\"tagged\":{tagged}}}")
}

/// The job as a tagged worker receives it: the channel's line, newline included.
pub fn envelope_line(job: JobId, payload: &str) -> Vec<u8> {
    tagged_line(job, "job", payload)
}

/// `{"__pool":job,"kind":json}` and the newline: a tagged line around JSON text.
pub fn tagged_line(job: u64, kind: &str, json: &str) -> Vec<u8> {
    let mut out = head(job, kind, json.len());
    out.push_str(json);
    out.push_str("}\n");
    out.into_bytes()
}

/// An answer of a tagged worker (`kind` is `result`, `error` or `progress`) as the
/// channel's line, the value stringified straight into it; `None` (nothing made)
/// where `JSON.stringify` gives nothing (a function).
pub fn answer_line(job: u64, kind: &str, v: &Dynamic) -> Option<Vec<u8>> {
    let mut out = head(job, kind, 16);
    if !json::stringify_into(&mut out, v, "") {
        return None;
    }
    out.push_str("}\n");
    Some(out.into_bytes())
}

/// `{"__pool":job,"kind":`, in a buffer with room for `room` more bytes and the end:
/// sent once per job each way, where `format!` and a copy into the line cost about a
/// thousand instructions.
fn head(job: u64, kind: &str, room: usize) -> String {
    let mut out = String::with_capacity(room + kind.len() + 36);
    out.push_str("{\"__pool\":");
    push_u64(&mut out, job);
    out.push_str(",\"");
    out.push_str(kind);
    out.push_str("\":");
    out
}

/// A tagged line's parts, read from its text: `{"__pool":id,"kind":value}` exactly as
/// [`tagged_line`] writes it (no spaces, a plain id, one more key), else `None`, and
/// the line is decoded and sorted the usual way ([`classify`], `Side::take`), which
/// gives the same outcome for these shapes. `value` is still to be parsed: text that
/// is no single JSON value (more keys after it) fails there, and is declined too.
pub fn split_tagged(line: &[u8]) -> Option<(JobId, &[u8], &[u8])> {
    let rest = line.strip_prefix(b"{\"__pool\":")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    // At most 18 digits (always an integer to the parser), no leading zero.
    if digits == 0 || digits > 18 || (digits > 1 && rest.first() == Some(&b'0')) {
        return None;
    }
    let (id, rest) = rest.split_at(digits);
    let id = id.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
    let rest = rest.strip_prefix(b",\"")?;
    let quote = memchr::memchr(b'"', rest)?;
    let (kind, rest) = rest.split_at(quote);
    let value = rest.strip_prefix(b"\":")?.strip_suffix(b"}")?;
    Some((id, kind, value))
}

/// A tagged line's value, parsed as the whole line's parse would have made it;
/// `None` if it is not exactly one JSON value (the line is then decoded whole).
pub fn tagged_value(value: &[u8]) -> Option<Dynamic> {
    crate::value::json_seed::from_slice(value).ok()
}

/// A message from a worker, as the pool reads it.
pub enum Incoming {
    Ready {
        tagged: bool,
    },
    /// Another internal message (`NODE_HANDLE`…): the channel deals with it.
    Internal(Dynamic),
    Result(JobId, Dynamic),
    Error(JobId, Dynamic),
    Progress(JobId, Dynamic),
    /// Untagged: a plain worker's answer, or a stray message.
    Plain(Dynamic),
}

/// The job id of a tagged message: `__pool` holding a non-negative integer.
pub fn job_id(m: &Map) -> Option<JobId> {
    m.get("__pool")?.as_int().ok().and_then(|i: INT| JobId::try_from(i).ok())
}

/// Sorts a worker's message (already a script value: parsed once, never converted).
pub fn classify(v: Dynamic, tagged: bool) -> Incoming {
    if !v.is_map() {
        return Incoming::Plain(v);
    }
    let cmd = crate::ipc::framing::command(&v);
    if let Some(cmd) = cmd {
        if cmd == READY_CMD {
            let m = v.read_lock::<Map>();
            let tagged = m.and_then(|m| m.get("tagged").and_then(|t| t.as_bool().ok())).unwrap_or(false);
            return Incoming::Ready { tagged };
        }
        if cmd.starts_with("NODE_") {
            return Incoming::Internal(v);
        }
    }
    if tagged {
        let mut v = v;
        let found = v.write_lock::<Map>().and_then(|mut m| {
            let id = job_id(&m)?;
            for (kind, make) in [
                ("result", Incoming::Result as fn(JobId, Dynamic) -> Incoming),
                ("error", Incoming::Error),
                ("progress", Incoming::Progress),
            ] {
                if let Some(x) = m.remove(kind) {
                    return Some(make(id, x));
                }
            }
            None
        });
        return found.unwrap_or(Incoming::Plain(v));
    }
    Incoming::Plain(v)
}

/// What a job threw, as the caller's `err`: an Error map (a thrown string or number
/// becomes the message of one).
pub fn error_value(v: Dynamic) -> Dynamic {
    if v.is_map() {
        return v;
    }
    error::error("Error", &crate::api::to_text(&v), None).into()
}

fn with(mut m: Map, fields: &[(&str, Dynamic)]) -> Map {
    for (k, v) in fields {
        m.insert((*k).into(), v.clone());
    }
    m
}

fn opt(v: Option<i32>) -> Dynamic {
    v.map(|c| Dynamic::from(c as i64)).unwrap_or(Dynamic::UNIT)
}

fn signal_name(s: Option<i32>) -> Dynamic {
    s.and_then(signals::name).map(Dynamic::from).unwrap_or(Dynamic::UNIT)
}

/// How a death reads: "exited with code 3", "was killed by SIGKILL".
fn ending(code: Option<i32>, signal: Option<i32>) -> String {
    match (code, signal.and_then(signals::name)) {
        (_, Some(name)) => format!("was killed by {name}"),
        (Some(c), None) => format!("exited with code {c}"),
        (None, None) => "exited".into(),
    }
}

/// The error a job fails with when its worker did not answer. `pid` is its worker's.
pub fn failure_error(f: &Failure, pid: Option<i32>, timeout_ms: Option<f64>, max_queue: Option<usize>) -> Dynamic {
    let who = pid.map(|p| format!("worker {p}")).unwrap_or_else(|| "the worker".into());
    let pid_v = opt(pid);
    let m = match f {
        Failure::Crashed { code, signal } => with(
            error::coded(
                "Error",
                "ERR_POOL_WORKER_EXIT",
                &format!("{who} {} while running the job", ending(*code, *signal)),
            ),
            &[("exitCode", opt(*code)), ("signal", signal_name(*signal)), ("pid", pid_v)],
        ),
        Failure::TimedOut => {
            let ms = timeout_ms.map(crate::value::js_number).unwrap_or_default();
            with(
                error::coded(
                    "Error",
                    "ERR_POOL_TASK_TIMEOUT",
                    &format!("job timed out after {ms} ms; {who} was killed"),
                ),
                &[("pid", pid_v)],
            )
        }
        Failure::QueueFull => {
            let n = max_queue.unwrap_or(0);
            error::coded("Error", "ERR_POOL_QUEUE_FULL", &format!("the pool's queue is full (maxQueue: {n})"))
        }
        Failure::Closed => error::coded("Error", "ERR_POOL_CLOSED", "the pool is closed"),
        Failure::Terminated => error::coded("Error", "ERR_POOL_TERMINATED", "the pool was terminated"),
        Failure::StartFailed { code, signal } => with(
            error::coded(
                "Error",
                "ERR_POOL_WORKER_INIT",
                &format!("workers keep failing to start (the last one {})", ending(*code, *signal)),
            ),
            &[("exitCode", opt(*code)), ("signal", signal_name(*signal))],
        ),
    };
    m.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Dynamic {
        crate::value::json_seed::from_slice(s.as_bytes()).unwrap()
    }

    fn text(v: &Dynamic) -> String {
        crate::value::json::stringify(v, "").unwrap()
    }

    /// A line without its newline, as the reader hands it over.
    fn line(l: Vec<u8>) -> String {
        let text = String::from_utf8(l).unwrap();
        text.strip_suffix('\n').expect("a line ends with a newline").to_string()
    }

    fn answer(id: u64, kind: &str, json: &str) -> String {
        line(answer_line(id, kind, &parse(json)).unwrap())
    }

    #[test]
    fn tagged_answers_are_told_apart() {
        assert!(matches!(classify(parse(&answer(7, "result", "[1]")), true), Incoming::Result(7, _)));
        assert!(matches!(classify(parse(&answer(7, "progress", "50")), true), Incoming::Progress(7, _)));
        assert!(matches!(classify(parse(&answer(7, "error", "{}")), true), Incoming::Error(7, _)));
        // A plain worker's answer that happens to look tagged is still its answer.
        assert!(matches!(classify(parse(&answer(7, "result", "1")), false), Incoming::Plain(_)));
        assert!(matches!(classify(parse(&ready_message(true)), false), Incoming::Ready { tagged: true }));
        assert!(matches!(classify(parse(r#"{"cmd":"NODE_HANDLE"}"#), false), Incoming::Internal(_)));
        assert!(matches!(classify(parse(r#""hello""#), true), Incoming::Plain(_)));
        // Not a job id: negative, fractional, a string; nor without an answer field.
        for m in [r#"{"__pool":-1,"result":1}"#, r#"{"__pool":1.5,"result":1}"#, r#"{"__pool":"1","result":1}"#] {
            assert!(matches!(classify(parse(m), true), Incoming::Plain(ref v) if text(v) == text(&parse(m))), "{m}");
        }
        assert!(matches!(classify(parse(r#"{"__pool":1,"other":1}"#), true), Incoming::Plain(_)));
        let Incoming::Result(3, v) = classify(parse(&answer(3, "result", r#"{"a":[1]}"#)), true) else { panic!() };
        assert_eq!(text(&v), r#"{"a":[1]}"#);
    }

    #[test]
    fn tagged_messages_spell_numbers_and_kinds() {
        for id in [0, 7, 10, 99, 1234567890, u64::MAX] {
            assert_eq!(answer(id, "progress", "[1]"), format!("{{\"__pool\":{id},\"progress\":[1]}}"));
            assert_eq!(line(envelope_line(id, "\"x\"")), format!("{{\"__pool\":{id},\"job\":\"x\"}}"));
        }
        assert_eq!(answer(1, "result", r#"{"s":"a\"b"}"#), r#"{"__pool":1,"result":{"s":"a\"b"}}"#);
        // Nothing to send: nothing made.
        let f = Dynamic::from(rhai::FnPtr::new("f").unwrap());
        assert!(answer_line(1, "result", &f).is_none());
    }

    /// The raw path must sort a line as the decoded one is sorted, or decline it.
    #[test]
    fn tagged_lines_split_as_they_decode() {
        let take = |l: &str| split_tagged(l.as_bytes()).and_then(|(id, k, v)| Some((id, k.to_vec(), tagged_value(v)?)));
        for (l, id, kind, v) in [
            (r#"{"__pool":7,"result":8}"#, 7, "result", "8"),
            (r#"{"__pool":0,"job":{"a":[1,"}"]}}"#, 0, "job", r#"{"a":[1,"}"]}"#),
            (r#"{"__pool":123456789012345678,"error":"x"}"#, 123456789012345678, "error", r#""x""#),
            (r#"{"__pool":3,"progress":null}"#, 3, "progress", "null"),
            (r#"{"__pool":3,"result":1.5}"#, 3, "result", "1.5"),
        ] {
            let (got_id, got_kind, got_v) = take(l).unwrap_or_else(|| panic!("{l} declined"));
            assert_eq!((got_id, got_kind.as_slice(), text(&got_v)), (id, kind.as_bytes(), v.to_string()), "{l}");
            // What the whole line decodes to: that id, that one kind, that value.
            let whole = parse(l);
            let m = whole.read_lock::<Map>().unwrap();
            assert_eq!((job_id(&m), m.len(), text(&m[kind])), (Some(id), 2, v.to_string()), "{l}");
        }
        for l in [
            r#"{"__pool":1,"result":1,"result":2}"#,
            r#"{"__pool":1,"result":1,"other":2}"#,
            r#"{"__pool":01,"result":1}"#,
            r#"{"__pool":-1,"result":1}"#,
            r#"{"__pool":1.0,"result":1}"#,
            r#"{"__pool":1234567890123456789,"result":1}"#,
            r#"{ "__pool":1,"result":1}"#,
            r#"{"__pool":1,"result":}"#,
            r#"{"__pool":1,"result":1"#,
            r#"{"__pool":1}"#,
            r#"{"__pool":1,"result":[1}"#,
        ] {
            assert!(take(l).is_none(), "{l} taken");
        }
    }

    #[test]
    fn envelopes_are_json() {
        assert_eq!(text(&parse(&line(envelope_line(3, r#"{"a":1}"#)))), r#"{"__pool":3,"job":{"a":1}}"#);
    }

    #[test]
    fn failures_read_well() {
        let e = failure_error(&Failure::Crashed { code: None, signal: Some(libc::SIGKILL) }, Some(42), None, None);
        let m = e.cast::<Map>();
        assert_eq!(m["message"].to_string(), "worker 42 was killed by SIGKILL while running the job");
        assert_eq!(m["code"].to_string(), "ERR_POOL_WORKER_EXIT");
        let e = failure_error(&Failure::TimedOut, Some(42), Some(250.0), None).cast::<Map>();
        assert_eq!(e["message"].to_string(), "job timed out after 250 ms; worker 42 was killed");
    }
}
