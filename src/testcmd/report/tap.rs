//! `--format tap`: TAP version 13, the plan first, failures with a YAML block
//! (what differed, and the unified diff), skips as `# SKIP reason`.

use std::io::Write;
use std::time::Duration;

use super::{Plan, Reporter, Tally, unified};
use crate::testcmd::check::{Outcome, Verdict};

#[derive(Default)]
pub struct Tap {
    n: usize,
}

/// A YAML scalar on one line: JSON's quoting is valid YAML.
fn quoted(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

impl Reporter for Tap {
    fn start(&mut self, plan: &Plan) {
        println!("TAP version 13");
        println!("1..{}", plan.checks);
        if let Some(Err(why)) = &plan.node {
            println!("# node twins skipped: {why}");
        }
    }

    fn result(&mut self, o: &Outcome, _: &Tally) {
        self.n += 1;
        let mut out = std::io::stdout().lock();
        match &o.verdict {
            Verdict::Passed => writeln!(out, "ok {} - {}", self.n, o.name),
            Verdict::Skipped(why) => writeln!(out, "ok {} - {} # SKIP {why}", self.n, o.name),
            Verdict::Failed(problems) => {
                let mut s = format!("not ok {} - {}\n  ---\n  problems:\n", self.n, o.name);
                for p in problems {
                    s.push_str(&format!("    - what: {}\n", p.what));
                    if let Some(note) = &p.note {
                        s.push_str(&format!("      note: {}\n", quoted(note)));
                    }
                    if let Some((exp, got)) = &p.diff {
                        s.push_str("      diff: |\n");
                        for line in unified(exp, got).lines() {
                            s.push_str(&format!("        {line}\n"));
                        }
                    }
                }
                s.push_str("  ...");
                writeln!(out, "{s}")
            }
        }
        .ok();
        out.flush().ok();
    }

    fn finish(&mut self, t: &Tally, took: Duration) {
        println!("# {} in {:.1} s", t.line(), took.as_secs_f64());
    }
}
