//! One check: run a case's script (or its Node twin), compare what it printed with
//! the expectations, and under `--update` write the expectations back.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::case::{Case, Spec};
use super::matcher::{Ctx, reconcile};
use super::runner::{self, End, Job};

/// Which program runs the case.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Procbox,
    Node,
}

/// What the checks share.
pub struct Settings {
    /// The procbox binary (what `<EXEC>` stands for).
    pub exec: PathBuf,
    pub timeout: Duration,
    pub update: bool,
    /// `node --version`, or why the twins cannot run.
    pub node: Result<String, String>,
}

pub struct Outcome {
    pub name: String,
    pub kind: Kind,
    pub verdict: Verdict,
    pub took: Duration,
    /// `--update` wrote this case's expectations.
    pub updated: bool,
}

pub enum Verdict {
    Passed,
    Failed(Vec<Problem>),
    Skipped(String),
}

/// One way a check failed: a note, and the expected and printed texts when the
/// difference is in them (the printed one in the expected file's terms, see
/// `matcher::reconcile`, and as printed).
pub struct Problem {
    pub what: &'static str,
    pub note: Option<String>,
    pub diff: Option<(String, String)>,
    pub printed: Option<String>,
}

impl Problem {
    fn note(what: &'static str, note: String) -> Problem {
        Problem { what, note: Some(note), diff: None, printed: None }
    }

    fn diff(what: &'static str, note: Option<String>, expected: String, got: String, printed: &str) -> Problem {
        Problem { what, note, diff: Some((expected, got)), printed: Some(printed.to_string()) }
    }
}

/// Runs one check on job `slot` (see `interrupt`).
pub fn check(case: &Case, kind: Kind, set: &Settings, slot: usize) -> Outcome {
    let name = match kind {
        Kind::Procbox => case.name(),
        Kind::Node => case.twin_name().unwrap_or_default(),
    };
    let mut outcome = Outcome { name, kind, verdict: Verdict::Passed, took: Duration::ZERO, updated: false };
    if kind == Kind::Node
        && let Err(why) = &set.node
    {
        outcome.verdict = Verdict::Skipped(why.clone());
        return outcome;
    }
    let problems = match case.spec(set.timeout) {
        Ok(spec) => run_and_compare(case, kind, set, &spec, slot, &mut outcome),
        Err(e) => vec![Problem::note("case", e)],
    };
    if !problems.is_empty() {
        outcome.verdict = Verdict::Failed(problems);
    }
    outcome
}

fn run_and_compare(
    case: &Case,
    kind: Kind,
    set: &Settings,
    spec: &Spec,
    slot: usize,
    outcome: &mut Outcome,
) -> Vec<Problem> {
    let (program, script) = match kind {
        Kind::Procbox => (set.exec.as_path(), &case.script),
        Kind::Node => (Path::new("node"), case.twin.as_ref().expect("a twin check has a twin")),
    };
    let job = Job {
        program,
        script: Path::new(script.file_name().expect("a script is a file")),
        args: &spec.args,
        dir: &case.dir,
        stdin: spec.stdin.as_deref(),
        env: &spec.env,
        timeout: spec.timeout,
        slot,
    };
    let run = match runner::run(&job) {
        Ok(r) => r,
        Err(e) => return vec![Problem::note("start", e)],
    };
    outcome.took = run.took;
    let dir = case.dir.display().to_string();
    let exec = set.exec.display().to_string();
    let ctx = Ctx { dir: &dir, exec: &exec };
    let mut problems = Vec::new();
    if run.end == End::TimedOut {
        let ms = spec.timeout.as_millis();
        let note = format!("timed out after {ms} ms: its process group was killed; below is what it printed");
        problems.push(Problem::note("timeout", note));
    }
    let status_line = match run.end {
        End::Status(c) => format!("[exit {c}]"),
        End::TimedOut => format!("[timed out after {} ms]", spec.timeout.as_millis()),
    };
    let got_out = match spec.status {
        None => {
            let nl = if run.stdout.is_empty() || run.stdout.ends_with('\n') { "" } else { "\n" };
            format!("{}{nl}{status_line}\n", run.stdout)
        }
        Some(want) => {
            if run.end != End::Status(want) && run.end != End::TimedOut {
                problems.push(Problem::note(
                    "exit status",
                    format!("expected {want}, got {}", status_line.trim_matches(['[', ']'])),
                ));
            }
            run.stdout.clone()
        }
    };
    let out = reconcile(&spec.out, &got_out, &ctx);
    if !out.matches {
        problems.push(Problem::diff("stdout", None, spec.out.clone(), out.text.clone(), &got_out));
    }
    // Node's stderr (stack traces, its hints) is its own; only procbox's is pinned.
    let err = (kind == Kind::Procbox).then(|| reconcile(spec.err.as_deref().unwrap_or(""), &run.stderr, &ctx));
    if let Some(err) = err.as_ref().filter(|e| !e.matches) {
        let note = spec.err.is_none().then(|| "no .err file, so stderr must be empty".to_string());
        let expected = spec.err.clone().unwrap_or_default();
        problems.push(Problem::diff("stderr", note, expected, err.text.clone(), &run.stderr));
    }
    if set.update && kind == Kind::Procbox && run.end != End::TimedOut && !problems.is_empty() {
        match write_back(case, spec, &out.text, err.as_ref().map(|e| (e.matches, e.text.as_str())), run.end) {
            Ok(()) => {
                outcome.updated = true;
                return Vec::new();
            }
            Err(e) => problems.push(Problem::note("update", e)),
        }
    }
    problems
}

/// Writes what the case printed as its new expectations (wildcards kept where the
/// lines still match); an empty stderr removes the `.err` file.
fn write_back(case: &Case, spec: &Spec, out: &str, err: Option<(bool, &str)>, end: End) -> Result<(), String> {
    let write = |ext: &str, text: &str| {
        let p = case.file(ext);
        std::fs::write(&p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
    };
    if out != spec.out {
        write("out", out)?;
    }
    if let (Some(_), End::Status(code)) = (spec.status, end) {
        write("status", &format!("{code}\n"))?;
    }
    if let Some((false, text)) = err {
        if text.is_empty() {
            let p = case.file("err");
            std::fs::remove_file(&p).map_err(|e| format!("cannot remove {}: {e}", p.display()))?;
        } else {
            write("err", text)?;
        }
    }
    Ok(())
}
