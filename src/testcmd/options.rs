//! The command line of `procbox test`.

use std::path::PathBuf;
use std::time::Duration;

pub const HELP: &str = "\
Usage: procbox test [PATH...] [options]

Runs every NAME.rhai that has a NAME.out beside it under PATH (default: tests/),
each in its own procbox process, and compares its stdout, exit status and stderr
with the expected ones.

Beside NAME.rhai:
  NAME.out      expected stdout, then a last line [exit N] (unless NAME.status)
  NAME.err      expected stderr (without it, stderr must be empty)
  NAME.status   expected exit status; NAME.out is then stdout alone
  NAME.args     arguments, one per line        NAME.stdin    fed to stdin
  NAME.env      KEY=VALUE lines to add         NAME.timeout  e.g. 30s, 500ms
  NAME.js       the Node twin, checked with --node

Wildcards in expected files: <PID> digits, <DIR> the case's directory, <EXEC> the
procbox binary, <PATH> non-space characters, <ANY> the rest of a line, and a line
<...> for any number of lines.

Options:
      --filter TEXT    only checks whose name contains TEXT (repeatable)
      --skip TEXT      leave out checks whose name contains TEXT (repeatable)
      --exact          --filter names a check exactly
  -u, --update         write what the scripts print back as the expectations,
                       keeping the wildcards of lines that still match; a
                       NAME.rhai named directly gets its first NAME.out
  -j, --jobs N         cases run at once (default: the number of CPUs)
      --node           also run each NAME.js twin with node (skipped, and counted
                       apart, when node is not installed)
      --timeout MS     per-case timeout (default 10000); after it the case's
                       process group is killed and the case fails
      --format FMT     pretty (default), tap or json (JSON lines)
      --list           list the checks instead of running them
  -h, --help           show this help

Exit status: 0 when no check failed, 1 when one did, 2 for a usage error.
";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    Pretty,
    Tap,
    Json,
}

#[derive(Debug)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub filters: Vec<String>,
    pub skips: Vec<String>,
    pub exact: bool,
    pub update: bool,
    pub jobs: usize,
    pub node: bool,
    pub timeout: Duration,
    pub format: Format,
    pub list: bool,
    pub help: bool,
}

impl Options {
    /// Whether a check with this name is selected.
    pub fn selects(&self, name: &str) -> bool {
        let hit = |f: &String| if self.exact { name == f } else { name.contains(f.as_str()) };
        (self.filters.is_empty() || self.filters.iter().any(hit))
            && !self.skips.iter().any(|s| name.contains(s.as_str()))
    }
}

pub fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        paths: Vec::new(),
        filters: Vec::new(),
        skips: Vec::new(),
        exact: false,
        update: false,
        jobs: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        node: false,
        timeout: Duration::from_secs(10),
        format: Format::Pretty,
        list: false,
        help: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        // --opt=value is the same as --opt value.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value =
            |name: &str| inline.clone().or_else(|| it.next().cloned()).ok_or(format!("{name} needs a value"));
        match flag {
            "-h" | "--help" => o.help = true,
            "-u" | "--update" => o.update = true,
            "--node" => o.node = true,
            "--list" => o.list = true,
            "--exact" => o.exact = true,
            "--filter" => o.filters.push(value(flag)?),
            "--skip" => o.skips.push(value(flag)?),
            "-j" | "--jobs" => {
                let v = value(flag)?;
                o.jobs = v.parse().ok().filter(|&n| n > 0).ok_or(format!("--jobs: {v:?} is not a positive number"))?;
            }
            "--timeout" => {
                let v = value(flag)?;
                let ms: u64 =
                    v.parse().ok().filter(|&n| n > 0).ok_or(format!("--timeout: {v:?} is not milliseconds"))?;
                o.timeout = Duration::from_millis(ms);
            }
            "--format" => {
                o.format = match value(flag)?.as_str() {
                    "pretty" => Format::Pretty,
                    "tap" => Format::Tap,
                    "json" => Format::Json,
                    other => return Err(format!("--format: {other:?} is not pretty, tap or json")),
                }
            }
            "--" => o.paths.extend(it.by_ref().map(PathBuf::from)),
            f if f.starts_with('-') && f.len() > 1 => {
                return Err(format!("unknown option {f} (see procbox test --help)"));
            }
            _ => o.paths.push(PathBuf::from(arg)),
        }
    }
    if o.paths.is_empty() {
        o.paths.push(PathBuf::from("tests"));
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Result<Options, String> {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn flags_values_and_defaults() {
        let o =
            p(&["a", "--filter", "x", "--filter=y", "-j", "3", "--timeout=250", "--format", "tap", "--node"]).unwrap();
        assert_eq!(o.paths, vec![PathBuf::from("a")]);
        assert_eq!(o.filters, vec!["x", "y"]);
        assert_eq!((o.jobs, o.timeout, o.format, o.node), (3, Duration::from_millis(250), Format::Tap, true));
        assert_eq!(p(&[]).unwrap().paths, vec![PathBuf::from("tests")]);
        assert!(p(&["--jobs", "0"]).is_err());
        assert!(p(&["--format", "xml"]).is_err());
        assert!(p(&["--bogus"]).is_err());
        assert!(p(&["--filter"]).is_err());
    }

    #[test]
    fn selection() {
        let o = p(&["--filter", "timers/", "--skip", "slow"]).unwrap();
        assert!(o.selects("tests/cases/timers/a.rhai"));
        assert!(!o.selects("tests/cases/timers/slow.rhai"));
        assert!(!o.selects("tests/cases/fs/a.rhai"));
        let o = p(&["--exact", "--filter", "a.rhai"]).unwrap();
        assert!(o.selects("a.rhai") && !o.selects("b/a.rhai"));
    }
}
