//! Stack lines of error values: the frames of a Rhai error (where it happened, then
//! each call site outwards, as Node lists them), the receiver named in "o.m is not a
//! function", and the place a stack's top frame names (where the report's caret goes).

use rhai::{Dynamic, EvalAltResult, Map, Position};

use super::State;
use super::errors::{at, is_error_like};

/// Stack frames of a Rhai error, innermost first: where it happened (inside `func`,
/// `None` at top level or in a closure), then each call site.
pub fn frames(e: &EvalAltResult, src: Option<&str>, func: Option<&str>, out: &mut Vec<String>) {
    let call = match e {
        EvalAltResult::ErrorInFunctionCall(name, fsrc, inner, pos) => {
            let s = if fsrc.is_empty() { src } else { Some(fsrc.as_str()) };
            frames(inner, s, Some(name), out);
            *pos
        }
        EvalAltResult::ErrorInModule(path, inner, pos) => {
            frames(inner, Some(path), None, out);
            *pos
        }
        other => other.position(),
    };
    let Some(place) = at(&src.map(String::from), call) else { return };
    match func {
        Some(f) if !f.starts_with("anon$") => out.push(format!("{f} ({place})")),
        _ => out.push(place),
    }
}

/// `o.m` when the source at `pos` is a method call `o.m(…)`: the receiver's text, as
/// Node names it in "o.m is not a function".
// Slices by byte index are safe here: `start` comes from char_indices: a boundary.
#[allow(clippy::string_slice)]
pub fn receiver_at(st: &State, src: &Option<String>, pos: Position) -> Option<String> {
    let text = st.sources.borrow().get(src.as_ref()?).cloned()?;
    let line = text.lines().nth(pos.line()? - 1)?;
    let before: String = line.chars().take(pos.position()?.saturating_sub(1)).collect();
    let before = before.strip_suffix('.')?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_' || *c == '.')
        .last()
        .map(|(i, _)| i)?;
    let receiver = &before[start..];
    (!receiver.is_empty() && !receiver.starts_with('.')).then(|| receiver.to_string())
}

/// The identifier that starts at `pos` in a loaded source (the variable an error is
/// about).
pub fn word_at(st: &State, src: &Option<String>, pos: Position) -> Option<String> {
    let text = st.sources.borrow().get(src.as_ref()?).cloned()?;
    let line = text.lines().nth(pos.line()? - 1)?;
    let word: String =
        line.chars().skip(pos.position()?.saturating_sub(1)).take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!word.is_empty()).then_some(word)
}

/// The place (`path`, line and column) in the top frame of an error value's stack,
/// when it is a script the runtime loaded.
// Slices by byte index are safe here: `i + 2` is just past the ASCII " (" that rfind found.
#[allow(clippy::string_slice)]
pub fn top_place(st: &State, err: &Dynamic) -> Option<(String, Position)> {
    let stack = err.read_lock::<Map>()?.get("stack")?.to_string();
    let frame = stack.lines().find_map(|l| l.trim_start().strip_prefix("at "))?;
    let place = match frame.rfind(" (") {
        Some(i) => frame[i + 2..].strip_suffix(')')?,
        None => frame,
    };
    let mut parts = place.rsplitn(3, ':');
    let col: u16 = parts.next()?.parse().ok()?;
    let line: u16 = parts.next()?.parse().ok()?;
    let path = parts.next()?;
    st.sources.borrow().contains_key(path).then(|| (path.to_string(), Position::new(line, col)))
}

/// A thrown Error that left script functions: its one-frame stack (where `Error()`
/// made it) gets the name of the function it was made in and the call sites the error
/// passed on its way out. `None` when there is nothing to add.
pub fn with_calling_frames(err: &Dynamic, e: &EvalAltResult, src: Option<&str>) -> Option<Dynamic> {
    if !is_error_like(err) || !matches!(e, EvalAltResult::ErrorInFunctionCall(..)) {
        return None;
    }
    let mut m = err.read_lock::<Map>()?.clone();
    let stack = m.get("stack")?.to_string();
    let mut lines = stack.lines();
    let head = lines.next()?;
    let made = lines.next()?.trim_start().strip_prefix("at ")?.to_string();
    if lines.next().is_some() || made.contains(' ') {
        return None;
    }
    let mut frames_out = Vec::new();
    frames(e, src, None, &mut frames_out);
    let name = frames_out.first()?.split_once(" (").map(|(n, _)| n.to_string());
    let mut out = vec![match name {
        Some(n) => format!("{n} ({made})"),
        None => made,
    }];
    out.extend(frames_out.into_iter().skip(1));
    m.insert("stack".into(), format!("{head}\n    at {}", out.join("\n    at ")).into());
    Some(m.into())
}
