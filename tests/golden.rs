//! The golden suite: every `.rhai` script under `tests/cases/` and `scripts/` that
//! has an expected-output file beside it is run and compared.
//!
//! Beside `NAME.rhai`:
//! - `NAME.out`: the expected stdout, then a last line `[exit N]` with the status.
//! - `NAME.err` (optional): the expected stderr; without it stderr is not compared.
//! - `NAME.args` (optional): command-line arguments, one per line.
//! - `NAME.stdin` (optional): fed to the script's stdin (otherwise /dev/null).
//! - `NAME.js` (optional): the Node twin; it must give the same `.out` under `node`.
//!
//! Wildcards in expected files, and nothing else fuzzy: `<PID>` (digits), `<DIR>`
//! (the case's directory), `<EXEC>` (the procbox binary), `<PATH>` (any run of
//! non-space characters). `UPDATE_GOLDEN=1` rewrites `.out`/`.err` from what procbox
//! printed (putting `<DIR>`/`<EXEC>` back). Without `node` on PATH the twin checks
//! fail, unless `PROCBOX_SKIP_NODE=1`, which reports them as skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(60);

struct Case {
    script: PathBuf,
    twin: bool,
}

fn find(dir: &Path, out: &mut Vec<Case>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            find(&p, out);
        } else if p.extension().is_some_and(|e| e == "rhai") && p.with_extension("out").exists() {
            out.push(Case { twin: p.with_extension("js").exists(), script: p });
        }
    }
}

struct Run {
    stdout: String,
    stderr: String,
    status: String,
}

fn run(program: &str, script: &Path) -> Result<Run, String> {
    let dir = script.parent().unwrap();
    let args: Vec<String> = std::fs::read_to_string(script.with_extension("args"))
        .map(|s| s.lines().map(String::from).collect())
        .unwrap_or_default();
    let stdin = match std::fs::File::open(script.with_extension("stdin")) {
        Ok(f) => Stdio::from(f),
        Err(_) => Stdio::null(),
    };
    let mut child = Command::new(program)
        .arg(script.file_name().unwrap())
        .args(&args)
        .current_dir(dir)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {program}: {e}"))?;
    let (mut so, mut se) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let t1 = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut so, &mut s).ok();
        s
    });
    let t2 = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut se, &mut s).ok();
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            break st;
        }
        if start.elapsed() > TIMEOUT {
            child.kill().ok();
            child.wait().ok();
            return Err(format!("timed out after {TIMEOUT:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    use std::os::unix::process::ExitStatusExt;
    let status = match (status.code(), status.signal()) {
        (Some(c), _) => format!("[exit {c}]"),
        (None, Some(s)) => format!("[exit {}]", 128 + s),
        _ => "[exit ?]".into(),
    };
    let stdout = String::from_utf8_lossy(&t1.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&t2.join().unwrap()).into_owned();
    Ok(Run { stdout, stderr, status })
}

/// Matches one line against an expected line with wildcards.
fn line_matches(exp: &str, got: &str, dir: &str, exe: &str) -> bool {
    if let Some(i) = exp.find('<') {
        let (lit, rest) = exp.split_at(i);
        let Some(got) = got.strip_prefix(lit) else { return false };
        for (tok, exact) in [("<DIR>", Some(dir)), ("<EXEC>", Some(exe)), ("<PID>", None), ("<PATH>", None)] {
            let Some(after) = rest.strip_prefix(tok) else { continue };
            return match (tok, exact) {
                (_, Some(v)) => got.strip_prefix(v).is_some_and(|g| line_matches(after, g, dir, exe)),
                ("<PID>", _) => {
                    let n = got.chars().take_while(|c| c.is_ascii_digit()).count();
                    (1..=n).any(|k| line_matches(after, &got[k..], dir, exe))
                }
                _ => {
                    let n = got.chars().take_while(|c| !c.is_whitespace()).map(char::len_utf8).sum::<usize>();
                    (1..=n).rev().any(|k| got.is_char_boundary(k) && line_matches(after, &got[k..], dir, exe))
                }
            };
        }
        return got.strip_prefix('<').is_some_and(|g| line_matches(&rest[1..], g, dir, exe));
    }
    exp == got
}

fn text_matches(exp: &str, got: &str, dir: &str, exe: &str) -> bool {
    let (e, g): (Vec<&str>, Vec<&str>) = (exp.lines().collect(), got.lines().collect());
    e.len() == g.len()
        && e.iter().zip(&g).all(|(a, b)| line_matches(a, b, dir, exe))
        && exp.ends_with('\n') == got.ends_with('\n')
}

fn diff(exp: &str, got: &str) -> String {
    let mut out = String::from("    --- expected\n    +++ got\n");
    let (e, g): (Vec<&str>, Vec<&str>) = (exp.lines().collect(), got.lines().collect());
    for i in 0..e.len().max(g.len()) {
        match (e.get(i), g.get(i)) {
            (Some(a), Some(b)) if a == b => out.push_str(&format!("     {a}\n")),
            (a, b) => {
                if let Some(a) = a {
                    out.push_str(&format!("    -{a}\n"));
                }
                if let Some(b) = b {
                    out.push_str(&format!("    +{b}\n"));
                }
            }
        }
    }
    out
}

fn check(case: &Case, program: &str, exe: &str, is_twin: bool) -> Result<(), String> {
    let dir = std::fs::canonicalize(case.script.parent().unwrap()).unwrap().display().to_string();
    let script = if is_twin { case.script.with_extension("js") } else { case.script.clone() };
    let r = run(program, &script)?;
    let expected_out = std::fs::read_to_string(case.script.with_extension("out")).unwrap_or_default();
    let got_out = format!(
        "{}{}{}\n",
        r.stdout,
        if r.stdout.is_empty() || r.stdout.ends_with('\n') { "" } else { "\n" },
        r.status
    );
    let err_file = case.script.with_extension("err");
    if !is_twin && std::env::var_os("UPDATE_GOLDEN").is_some() {
        let unplace = |s: &str| s.replace(&dir, "<DIR>").replace(exe, "<EXEC>");
        std::fs::write(case.script.with_extension("out"), unplace(&got_out)).unwrap();
        if err_file.exists() {
            std::fs::write(&err_file, unplace(&r.stderr)).unwrap();
        }
        return Ok(());
    }
    let mut problems = String::new();
    if !text_matches(&expected_out, &got_out, &dir, exe) {
        problems.push_str(&format!("  stdout + status differ:\n{}", diff(&expected_out, &got_out)));
    }
    if let (false, Ok(expected_err)) = (is_twin, std::fs::read_to_string(&err_file))
        && !text_matches(&expected_err, &r.stderr, &dir, exe)
    {
        problems.push_str(&format!("  stderr differs:\n{}", diff(&expected_err, &r.stderr)));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        if r.stderr.trim().is_empty() || err_file.exists() {
            return Err(problems);
        }
        Err(format!(
            "{problems}  (stderr was:)\n{}",
            r.stderr.lines().map(|l| format!("    {l}\n")).collect::<String>()
        ))
    }
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let exe = env!("CARGO_BIN_EXE_procbox");
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let mut cases = Vec::new();
    find(&root.join("tests/cases"), &mut cases);
    find(&root.join("scripts"), &mut cases);
    cases.retain(|c| filter.is_empty() || filter.iter().any(|f| c.script.display().to_string().contains(f)));
    let node = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    let skip_node = std::env::var_os("PROCBOX_SKIP_NODE").is_some();

    let jobs: Mutex<Vec<(usize, bool)>> = Mutex::new(
        cases
            .iter()
            .enumerate()
            .flat_map(|(i, c)| std::iter::once((i, false)).chain(c.twin.then_some((i, true))))
            .rev()
            .collect(),
    );
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                loop {
                    let Some((i, twin)) = jobs.lock().unwrap().pop() else { break };
                    let case = &cases[i];
                    let name = case.script.strip_prefix(&root).unwrap_or(&case.script).display().to_string();
                    let (label, outcome) = if !twin {
                        (name, Some(check(case, exe, exe, false)))
                    } else if node {
                        (format!("{name} (node twin)"), Some(check(case, "node", exe, true)))
                    } else if skip_node {
                        (format!("{name} (node twin)"), None)
                    } else {
                        (
                            format!("{name} (node twin)"),
                            Some(Err("node is not installed (set PROCBOX_SKIP_NODE=1 to skip twins)".into())),
                        )
                    };
                    let line = match &outcome {
                        Some(Ok(())) => format!("ok      {label}"),
                        Some(Err(e)) => format!("FAIL    {label}\n{e}"),
                        None => format!("SKIPPED {label} (node not installed)"),
                    };
                    println!("{line}");
                    results.lock().unwrap().push(outcome);
                }
            });
        }
    });
    let results = results.into_inner().unwrap();
    let failed = results.iter().filter(|r| matches!(r, Some(Err(_)))).count();
    let skipped = results.iter().filter(|r| r.is_none()).count();
    println!("\ngolden: {} passed, {failed} failed, {skipped} skipped", results.len() - failed - skipped);
    if failed > 0 {
        std::process::exit(1);
    }
}
