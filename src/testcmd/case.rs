//! What a case is: `NAME.rhai` with `NAME.out` beside it, found under the given paths,
//! and the files around it that say how to run it and what it must print.
//!
//! Beside `NAME.rhai`:
//! - `NAME.out`: the expected stdout, then a last line `[exit N]` (unless `NAME.status`);
//! - `NAME.err`: the expected stderr; without it stderr must be empty;
//! - `NAME.status`: the expected exit status (then `.out` is stdout alone);
//! - `NAME.args`: arguments, one per line; `NAME.stdin`: fed to stdin (else /dev/null);
//! - `NAME.env`: `KEY=VALUE` lines added to the environment (`#` comments);
//! - `NAME.timeout`: this case's timeout, `500ms`, `30s` or plain milliseconds;
//! - `NAME.js`: the Node twin, run with `node` under `--node`, must print the same
//!   `.out` and status (stderr is not compared: Node's stack traces are its own).

use std::path::{Path, PathBuf};
use std::time::Duration;

/// One case, as discovered.
pub struct Case {
    /// The script, as a path under what the user named.
    pub script: PathBuf,
    /// The directory it runs in, absolute and canonical (what `<DIR>` stands for).
    pub dir: PathBuf,
    /// `NAME.js` when it exists.
    pub twin: Option<PathBuf>,
}

impl Case {
    /// The check's name for the script: its path as found.
    pub fn name(&self) -> String {
        self.script.display().to_string()
    }

    pub fn twin_name(&self) -> Option<String> {
        self.twin.as_ref().map(|t| t.display().to_string())
    }

    /// A file beside the script with another extension.
    pub fn file(&self, ext: &str) -> PathBuf {
        self.script.with_extension(ext)
    }

    /// Reads `ext` beside the script if it exists.
    pub fn read(&self, ext: &str) -> Result<Option<String>, String> {
        let p = self.file(ext);
        match std::fs::read_to_string(&p) {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("cannot read {}: {e}", p.display())),
        }
    }

    /// Loads what the files around the script say.
    pub fn spec(&self, default_timeout: Duration) -> Result<Spec, String> {
        let args = self.read("args")?.map(|s| s.lines().map(String::from).collect()).unwrap_or_default();
        let stdin = Some(self.file("stdin")).filter(|p| p.exists());
        let env = match self.read("env")? {
            Some(text) => parse_env(&text).map_err(|e| format!("{}: {e}", self.file("env").display()))?,
            None => Vec::new(),
        };
        let timeout = match self.read("timeout")? {
            Some(text) => {
                parse_duration(text.trim()).map_err(|e| format!("{}: {e}", self.file("timeout").display()))?
            }
            None => default_timeout,
        };
        let status = match self.read("status")? {
            Some(text) => Some(
                text.trim().parse::<i32>().map_err(|_| format!("{}: not a number", self.file("status").display()))?,
            ),
            None => None,
        };
        let out = self.read("out")?.unwrap_or_default();
        let err = self.read("err")?;
        Ok(Spec { args, stdin, env, timeout, status, out, err })
    }
}

/// How to run a case and what it must print.
pub struct Spec {
    pub args: Vec<String>,
    pub stdin: Option<PathBuf>,
    pub env: Vec<(String, String)>,
    pub timeout: Duration,
    /// From `.status`; `None` means the status is the last line of `.out`.
    pub status: Option<i32>,
    pub out: String,
    /// From `.err`; `None` means stderr must be empty.
    pub err: Option<String>,
}

fn parse_env(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut vars = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('=') {
            Some((k, v)) if !k.is_empty() => vars.push((k.trim_end().to_string(), v.to_string())),
            _ => return Err(format!("line {}: expected KEY=VALUE", n + 1)),
        }
    }
    Ok(vars)
}

/// `250ms`, `30s`, or a plain number of milliseconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("bad duration {text:?} (say 500ms, 30s or a number of milliseconds)");
    let (num, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000)
    } else {
        (text, 1)
    };
    let n: u64 = num.trim().parse().map_err(|_| bad())?;
    Ok(Duration::from_millis(n.checked_mul(scale).ok_or_else(bad)?))
}

/// Every case under `paths` (directories searched recursively, in name order;
/// a `.rhai` file named directly is a case if its `.out` exists, or under `--update`
/// (`new_cases`), when its `.out` is still to be written: a directory's other
/// scripts without one are helpers, never cases).
pub fn discover(paths: &[PathBuf], new_cases: bool) -> Result<Vec<Case>, String> {
    let mut cases = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_dir() {
            walk(p, &mut cases)?;
        } else if let Some(c) = as_case(p, !new_cases)? {
            cases.push(c);
        } else {
            return Err(format!("{} is not a case (a NAME.rhai with a NAME.out beside it)", p.display()));
        }
    }
    Ok(cases)
}

fn walk(dir: &Path, cases: &mut Vec<Case>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // Dependencies and build output hold no cases of the user's, and can be huge.
        if name.starts_with('.') || name == "node_modules" || name == "target" {
            continue;
        }
        if p.is_dir() {
            walk(&p, cases)?;
        } else if let Some(c) = as_case(&p, true)? {
            cases.push(c);
        }
    }
    Ok(())
}

fn as_case(p: &Path, need_out: bool) -> Result<Option<Case>, String> {
    if p.extension().is_none_or(|e| e != "rhai") || (need_out && !p.with_extension("out").is_file()) {
        return Ok(None);
    }
    let parent = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let dir = std::fs::canonicalize(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let twin = Some(p.with_extension("js")).filter(|t| t.is_file());
    Ok(Some(Case { script: p.to_path_buf(), dir, twin }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_env_lines() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1500"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("soon").is_err());
        let env = parse_env("# comment\nA=1\n\nB = x=y\n").unwrap();
        assert_eq!(env, vec![("A".into(), "1".into()), ("B".into(), " x=y".into())]);
        assert!(parse_env("NOEQUALS\n").is_err());
    }
}
