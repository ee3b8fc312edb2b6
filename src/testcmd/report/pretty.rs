//! The default report, for people. On a terminal: a progress bar (checks done of
//! all, failures so far, elapsed time) with each failure printed above it as it
//! comes, its diff coloured. Elsewhere (CI, `cargo test`): one line per check, so a
//! log shows what ran. Either way it ends with the names of the failed checks and the
//! line `N passed, N failed, N skipped`.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use console::Style;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Plan, Reporter, Tally, count, unified};
use crate::testcmd::check::{Outcome, Problem, Verdict};

pub struct Pretty {
    bar: Option<ProgressBar>,
    color: bool,
}

impl Pretty {
    pub fn new() -> Pretty {
        Pretty { bar: None, color: console::colors_enabled() }
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color { style.apply_to(text).to_string() } else { text.to_string() }
    }

    /// Prints above the bar (or plainly when there is none).
    fn say(&self, text: &str) {
        let write = || {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes()).ok();
            out.flush().ok();
        };
        match &self.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    fn problem(&self, p: &Problem) -> String {
        let mut s = format!("  {}", self.paint(Style::new().bold(), p.what));
        if let Some(note) = &p.note {
            s.push_str(&format!(": {note}"));
        }
        s.push('\n');
        if let Some((exp, got)) = &p.diff {
            for line in unified(exp, got).lines() {
                let style = match line.as_bytes().first() {
                    Some(b'-') if !line.starts_with("---") => Style::new().red(),
                    Some(b'+') if !line.starts_with("+++") => Style::new().green(),
                    Some(b'@') => Style::new().cyan(),
                    _ => Style::new(),
                };
                s.push_str(&format!("    {}\n", self.paint(style, line)));
            }
        }
        s
    }
}

fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

impl Reporter for Pretty {
    fn start(&mut self, plan: &Plan) {
        let node = match &plan.node {
            Some(Ok(v)) => format!(", node twins on node {v}"),
            Some(Err(why)) => format!(", node twins skipped: {why}"),
            None => String::new(),
        };
        let (checks, cases) = (count(plan.checks, "check"), count(plan.cases, "case"));
        let head = format!("running {checks} of {cases}, {} at a time{node}\n", plan.jobs);
        if std::io::stdout().is_terminal() && std::io::stderr().is_terminal() && plan.checks > 0 {
            let bar = ProgressBar::with_draw_target(Some(plan.checks as u64), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{bar:40.cyan/blue} {pos}/{len} checks, {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            bar.set_style(style);
            bar.set_message("0 failed");
            bar.enable_steady_tick(Duration::from_millis(250));
            self.bar = Some(bar);
        }
        self.say(&head);
    }

    fn result(&mut self, o: &Outcome, tally: &Tally) {
        let updated = if o.updated { " (expectations updated)" } else { "" };
        match &o.verdict {
            Verdict::Passed if self.bar.is_none() => self.say(&format!(
                "{}      {} ({}){updated}\n",
                self.paint(Style::new().green(), "ok"),
                o.name,
                ms(o.took)
            )),
            Verdict::Passed if o.updated => self.say(&format!("updated {}\n", o.name)),
            Verdict::Passed => {}
            Verdict::Skipped(why) if self.bar.is_none() => {
                self.say(&format!("{} {} ({why})\n", self.paint(Style::new().yellow(), "skipped"), o.name))
            }
            Verdict::Skipped(_) => {}
            Verdict::Failed(problems) => {
                let mut s =
                    format!("{}    {} ({})\n", self.paint(Style::new().red().bold(), "FAIL"), o.name, ms(o.took));
                for p in problems {
                    s.push_str(&self.problem(p));
                }
                self.say(&s);
            }
        }
        if let Some(bar) = &self.bar {
            let failed = format!("{} failed", tally.failed);
            bar.set_message(if tally.failed > 0 { self.paint(Style::new().red(), &failed) } else { failed });
            bar.inc(1);
        }
    }

    fn finish(&mut self, t: &Tally, took: Duration) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        let mut s = String::from("\n");
        for (why, n) in &t.skip_reasons {
            s.push_str(&format!("skipped {}: {why}\n", count(*n, "check")));
        }
        if t.updated > 0 {
            s.push_str(&format!("updated the expectations of {}\n", count(t.updated, "case")));
        }
        if !t.failures.is_empty() {
            s.push_str("failed:\n");
            for name in &t.failures {
                s.push_str(&format!("    {name}\n"));
            }
        }
        s.push_str(&format!("finished in {:.1} s\n", took.as_secs_f64()));
        let line = t.line();
        let style = if t.failed > 0 { Style::new().red().bold() } else { Style::new().green().bold() };
        s.push_str(&format!("{}\n", self.paint(style, &line)));
        self.say(&s);
    }
}
