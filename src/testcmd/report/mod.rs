//! How results are shown: a reporter gets the plan, each check's outcome as it comes
//! in (from whichever job finished), and the end. Three of them: `pretty` for people
//! (a progress bar on a terminal, a diff per failure), `tap` and `json` for machines.

mod json;
mod pretty;
mod tap;

use std::time::Duration;

use super::check::{Kind, Outcome, Verdict};
use super::options::Format;

/// What is about to run.
pub struct Plan {
    pub checks: usize,
    pub cases: usize,
    pub jobs: usize,
    /// Under `--node`: node's version, or why the twins are skipped.
    pub node: Option<Result<String, String>>,
}

/// The counts so far; the summary line is made of them.
#[derive(Default)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub updated: usize,
    pub failures: Vec<String>,
    /// Why checks were skipped, each reason once, with its count.
    pub skip_reasons: Vec<(String, usize)>,
}

impl Tally {
    pub fn add(&mut self, o: &Outcome) {
        match &o.verdict {
            Verdict::Passed => self.passed += 1,
            Verdict::Failed(_) => {
                self.failed += 1;
                self.failures.push(o.name.clone());
            }
            Verdict::Skipped(why) => {
                self.skipped += 1;
                match self.skip_reasons.iter_mut().find(|(r, _)| r == why) {
                    Some((_, n)) => *n += 1,
                    None => self.skip_reasons.push((why.clone(), 1)),
                }
            }
        }
        self.updated += o.updated as usize;
    }

    /// The closing line, in the form test runners and CI read.
    pub fn line(&self) -> String {
        format!("{} passed, {} failed, {} skipped", self.passed, self.failed, self.skipped)
    }
}

pub trait Reporter {
    fn start(&mut self, plan: &Plan);
    fn result(&mut self, outcome: &Outcome, tally: &Tally);
    fn finish(&mut self, tally: &Tally, took: Duration);
}

pub fn new(format: Format) -> Box<dyn Reporter> {
    match format {
        Format::Pretty => Box::new(pretty::Pretty::new()),
        Format::Tap => Box::new(tap::Tap::default()),
        Format::Json => Box::new(json::Json),
    }
}

pub fn runner_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Procbox => "procbox",
        Kind::Node => "node",
    }
}

/// `1 check`, `2 checks`.
pub fn count(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

/// A unified diff of expected against got, three lines of context.
pub fn unified(expected: &str, got: &str) -> String {
    similar::TextDiff::from_lines(expected, got).unified_diff().context_radius(3).header("expected", "got").to_string()
}
