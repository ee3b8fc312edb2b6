//! `procbox test`: golden-output testing of scripts. Each `NAME.rhai` with a
//! `NAME.out` beside it runs in its own procbox process, and its stdout, exit status
//! and stderr are compared with the expected ones (see `case` for the files, and
//! `matcher` for the wildcards). Under `--node` the Node twin `NAME.js` must print
//! the same. Cases run in parallel, each with a timeout that kills its process group.
//!
//! Nothing here knows Rhai: a case is a process to run and texts to compare, and the
//! procbox binary runs itself (`current_exe`) for each case.

mod case;
mod check;
mod interrupt;
mod matcher;
mod options;
mod report;
mod runner;

use std::sync::Mutex;
use std::sync::mpsc::channel;
use std::time::Instant;

use check::{Kind, Settings};
use report::{Plan, Tally};

/// Runs `procbox test ARGS…`; returns the exit status.
pub fn main(args: &[String]) -> i32 {
    let opts = match options::parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("procbox test: {e}");
            return 2;
        }
    };
    if opts.help {
        print!("{}", options::HELP);
        return 0;
    }
    let cases = match case::discover(&opts.paths, opts.update) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("procbox test: {e}");
            return 2;
        }
    };
    // The checks of each case, in the order they run: its script, then its twin.
    let mut work: Vec<(usize, Vec<Kind>)> = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let mut kinds = Vec::new();
        if opts.selects(&c.name()) {
            kinds.push(Kind::Procbox);
        }
        if c.twin_name().is_some_and(|t| opts.node && opts.selects(&t)) {
            kinds.push(Kind::Node);
        }
        if !kinds.is_empty() {
            work.push((i, kinds));
        }
    }
    if opts.list {
        for (i, kinds) in &work {
            for k in kinds {
                let c = &cases[*i];
                println!("{}", if *k == Kind::Procbox { c.name() } else { c.twin_name().unwrap_or_default() });
            }
        }
        return 0;
    }
    let exec = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("procbox test: cannot find the procbox binary: {e}");
            return 2;
        }
    };
    let wants_node = work.iter().any(|(_, k)| k.contains(&Kind::Node));
    let node = if wants_node { runner::node_version() } else { Err("no twins selected".into()) };
    let plan = Plan {
        checks: work.iter().map(|(_, k)| k.len()).sum(),
        cases: work.len(),
        jobs: opts.jobs.min(work.len().max(1)),
        node: wants_node.then(|| node.clone()),
    };
    let settings = Settings { exec, timeout: opts.timeout, update: opts.update, node };
    let mut reporter = report::new(opts.format);
    let mut tally = Tally::default();
    let start = Instant::now();
    reporter.start(&plan);
    let queue = Mutex::new(work.into_iter());
    let (tx, rx) = channel();
    interrupt::install();
    std::thread::scope(|s| {
        for slot in 0..plan.jobs {
            let (tx, queue, cases, settings) = (tx.clone(), &queue, &cases, &settings);
            s.spawn(move || {
                loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                    let Some((i, kinds)) = next else { break };
                    // The twin runs after the script, so it sees what --update wrote.
                    for k in kinds {
                        if tx.send(check::check(&cases[i], k, settings, slot)).is_err() {
                            return;
                        }
                    }
                }
            });
        }
        drop(tx);
        for outcome in rx {
            tally.add(&outcome);
            reporter.result(&outcome, &tally);
        }
    });
    tally.failures.sort();
    reporter.finish(&tally, start.elapsed());
    if tally.failed > 0 { 1 } else { 0 }
}
