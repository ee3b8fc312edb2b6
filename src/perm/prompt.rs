//! Deno's prompt for a denied operation, in the REPL on a terminal:
//! `allow run of "/usr/bin/curl"? [y/N/a]`. `y` grants that resource for the rest
//! of the session, `a` all of that permission, anything else refuses. Off unless
//! switched on ([`enable`]): scripts never prompt unless `--prompt`.

use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use super::rule::Grant;
use super::{Denied, Perm};

static ON: AtomicBool = AtomicBool::new(false);

/// Switches prompting on or off (the REPL on a terminal, `--prompt`, `--no-prompt`).
pub fn enable(on: bool) {
    ON.store(on, Ordering::Relaxed);
}

/// What an answer means.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    No,
    Once,
    All,
}

pub fn parse_answer(line: &str) -> Answer {
    match line.trim() {
        "y" | "Y" | "yes" => Answer::Once,
        "a" | "A" | "all" => Answer::All,
        _ => Answer::No,
    }
}

/// Asks on the terminal; `true` when the user granted it (the policy is widened
/// for this process, so the same question is not asked twice). A resource taken
/// away by a `--deny-…` flag is never offered.
pub fn ask(d: &Denied) -> bool {
    if !ON.load(Ordering::Relaxed) || d.message.contains("--deny-") {
        return false;
    }
    let Ok(tty) = std::fs::OpenOptions::new().read(true).write(true).open("/dev/tty") else { return false };
    let mut out = &tty;
    let _ = write!(out, "allow {} of \"{}\"? [y/N/a] ", d.perm.word(), d.resource);
    let _ = out.flush();
    let mut line = String::new();
    if std::io::BufReader::new(&tty).read_line(&mut line).is_err() {
        return false;
    }
    grant(d.perm, &d.resource, parse_answer(&line))
}

/// Widens the current policy by the answer; `true` unless it was a no.
pub fn grant(p: Perm, resource: &str, a: Answer) -> bool {
    let Some(cur) = super::current() else { return true };
    let mut next = (*cur).clone();
    let rule = next.rule_mut(p);
    match a {
        Answer::No => return false,
        Answer::All => rule.allow = Grant::All,
        Answer::Once => {
            if let Grant::Some(list) = &mut rule.allow {
                list.push(resource.to_string());
            }
        }
    }
    super::set_current(Some(next));
    super::kernel::forget_cache();
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers() {
        assert_eq!(parse_answer("y\n"), Answer::Once);
        assert_eq!(parse_answer("a"), Answer::All);
        assert_eq!(parse_answer(""), Answer::No);
        assert_eq!(parse_answer("n"), Answer::No);
    }
}
