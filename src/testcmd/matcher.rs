//! Expected text with wildcards against what a case printed.
//!
//! The wildcards are few and explicit: `<PID>` (one or more digits), `<DIR>` (the
//! case's directory), `<EXEC>` (the procbox binary), `<PATH>` (a run of non-space
//! characters), `<ANY>` (the rest of a line: any characters, possibly none), and a
//! line that is exactly `<...>` (any number of lines, possibly none). Any other `<`
//! is literal text, so `<DATE>` in an expected file means the six characters.
//!
//! [`reconcile`] aligns the expected lines with the printed ones (an edit distance in
//! which matching lines and `<...>` runs cost nothing) and rebuilds the printed text
//! with the expected line kept wherever it still matches. That one text serves both
//! the diff shown for a failure (only real differences show, not `<PID>` against
//! `4711`) and `--update` (which keeps the wildcards of lines that still match).

/// The values the exact wildcards stand for in one case.
pub struct Ctx<'a> {
    pub dir: &'a str,
    pub exec: &'a str,
}

/// The line that stands for any number of lines.
pub const ANY_LINES: &str = "<...>";

/// Above this many line pairs the alignment would be slow; compare line by line.
const MAX_CELLS: usize = 4_000_000;

/// Whether `got` is one line matching the expected line `pat`.
pub fn line_matches(pat: &str, got: &str, ctx: &Ctx) -> bool {
    let Some(i) = pat.find('<') else { return pat == got };
    let (lit, rest) = pat.split_at(i);
    let Some(got) = got.strip_prefix(lit) else { return false };
    // `from` is always past a matched prefix, a digit run or a char boundary; `get`
    // says no instead of panicking if it ever is not.
    let tail = |after: &str, from: usize| got.get(from..).is_some_and(|g| line_matches(after, g, ctx));
    if let Some(after) = rest.strip_prefix("<DIR>") {
        return got.starts_with(ctx.dir) && tail(after, ctx.dir.len());
    }
    if let Some(after) = rest.strip_prefix("<EXEC>") {
        return got.starts_with(ctx.exec) && tail(after, ctx.exec.len());
    }
    if let Some(after) = rest.strip_prefix("<PID>") {
        let n = got.bytes().take_while(u8::is_ascii_digit).count();
        return (1..=n).rev().any(|k| tail(after, k));
    }
    if let Some(after) = rest.strip_prefix("<PATH>") {
        let n: usize = got.chars().take_while(|c| !c.is_whitespace()).map(char::len_utf8).sum();
        return (1..=n).rev().any(|k| got.is_char_boundary(k) && tail(after, k));
    }
    if let Some(after) = rest.strip_prefix("<ANY>") {
        return (0..=got.len()).rev().any(|k| got.is_char_boundary(k) && tail(after, k));
    }
    // A `<` that starts no wildcard is literal.
    match (rest.strip_prefix('<'), got.strip_prefix('<')) {
        (Some(rest), Some(got)) => line_matches(rest, got, ctx),
        _ => false,
    }
}

/// What the printed text is, put in the expected file's terms.
pub struct Reconciled {
    /// The printed text matches the expected one.
    pub matches: bool,
    /// The printed text with each line that matches its expected line replaced by
    /// that line (wildcards kept), runs taken by `<...>` as `<...>`, and the rest
    /// with the case's directory and the binary's path put back as `<DIR>`/`<EXEC>`.
    pub text: String,
}

/// Aligns `expected` (with wildcards) and `got`; see the module header.
pub fn reconcile(expected: &str, got: &str, ctx: &Ctx) -> Reconciled {
    let pat: Vec<&str> = expected.lines().collect();
    let lines: Vec<&str> = got.lines().collect();
    let same_end = expected.ends_with('\n') == got.ends_with('\n') || expected.is_empty() || got.is_empty();
    let (n, m) = (pat.len(), lines.len());
    if (n + 1).saturating_mul(m + 1) > MAX_CELLS {
        let matches = n == m && pat.iter().zip(&lines).all(|(p, g)| line_matches(p, g, ctx));
        let text = if matches { expected.to_string() } else { placeholders(got, ctx) };
        return Reconciled { matches: matches && same_end, text };
    }
    let eq = |i: usize, j: usize| line_matches(pat[i], lines[j], ctx);
    let a = Align::new(&pat, m, &eq);
    let matches = a.cost(0, 0) == 0 && same_end;
    if matches {
        return Reconciled { matches, text: expected.to_string() };
    }
    // Walk one cheapest alignment, preferring matches, and write what it says.
    let mut out: Vec<String> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        let here = a.cost(i, j);
        if i < n && pat[i] == ANY_LINES {
            out.push(ANY_LINES.to_string());
            if a.cost(i + 1, j) == here {
                i += 1;
                continue;
            }
            // Take lines until the run can close on the next expected line.
            j += 1;
            while a.close(i + 1, j) != a.absorb(i, j) {
                j += 1;
            }
            i += 1;
            if i < n && pat[i] != ANY_LINES {
                out.push(pat[i].to_string());
                i += 1;
                j += 1;
            }
        } else if i < n && j < m && eq(i, j) && a.cost(i + 1, j + 1) == here {
            out.push(pat[i].to_string());
            i += 1;
            j += 1;
        } else if i < n && j < m && 2 + a.cost(i + 1, j + 1) == here {
            // A changed line: the new one takes the old one's place.
            out.push(placeholders(lines[j], ctx));
            i += 1;
            j += 1;
        } else if j < m && (i == n || 1 + a.cost(i, j + 1) == here) {
            out.push(placeholders(lines[j], ctx));
            j += 1;
        } else {
            i += 1;
        }
    }
    let mut text = out.join("\n");
    if got.ends_with('\n') && !text.is_empty() {
        text.push('\n');
    }
    Reconciled { matches, text }
}

const INF: u32 = u32::MAX / 4;

/// The alignment tables. `cost(i, j)`: the fewest unmatched lines aligning
/// `pat[i..]` with `got[j..]` (a deleted expected line or an added printed line
/// costs 1, a match or a line taken by `<...>` nothing). A `<...>` that took lines
/// must be followed at once by a match of the next expected line (or the end), so
/// it cannot swallow the lines around a difference and hide them.
struct Align {
    w: usize,
    cost: Vec<u32>,
    absorb: Vec<u32>,
    close: Vec<u32>,
}

impl Align {
    fn new(pat: &[&str], m: usize, eq: &dyn Fn(usize, usize) -> bool) -> Align {
        let (n, w) = (pat.len(), m + 1);
        let size = (n + 2) * w;
        let mut t = Align { w, cost: vec![INF; size], absorb: vec![INF; size], close: vec![INF; size] };
        for i in (0..=n).rev() {
            for j in (0..=m).rev() {
                let k = i * w + j;
                if i == n {
                    t.cost[k] = (m - j) as u32;
                    t.close[k] = if j == m { 0 } else { INF };
                    continue;
                }
                if pat[i] == ANY_LINES {
                    // absorb(i, j): inside a run that already took got[..j].
                    let more = if j < m { t.absorb[k + 1] } else { INF };
                    t.absorb[k] = more.min(t.close[(i + 1) * w + j]);
                    let take = if j < m { t.absorb[k + 1] } else { INF };
                    t.cost[k] = t.cost[(i + 1) * w + j].min(take);
                } else {
                    let mut b = 1 + t.cost[(i + 1) * w + j];
                    if j < m {
                        b = b.min(1 + t.cost[k + 1]);
                        if eq(i, j) {
                            b = b.min(t.cost[(i + 1) * w + j + 1]);
                        }
                    }
                    t.cost[k] = b;
                }
                // close: the next expected line must be the end, another <...>, or match.
                t.close[k] = if pat[i] == ANY_LINES {
                    t.cost[k]
                } else if j < m && eq(i, j) {
                    t.cost[(i + 1) * w + j + 1]
                } else {
                    INF
                };
            }
        }
        t
    }

    fn cost(&self, i: usize, j: usize) -> u32 {
        self.cost[i * self.w + j]
    }

    fn absorb(&self, i: usize, j: usize) -> u32 {
        self.absorb[i * self.w + j]
    }

    fn close(&self, i: usize, j: usize) -> u32 {
        self.close[i * self.w + j]
    }
}

/// `text` with the case's directory and the binary's path written as wildcards.
pub fn placeholders(text: &str, ctx: &Ctx) -> String {
    let mut pairs = [(ctx.dir, "<DIR>"), (ctx.exec, "<EXEC>")];
    // The longer first, so a binary inside the case's directory stays `<EXEC>`.
    pairs.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
    pairs.iter().filter(|(v, _)| !v.is_empty()).fold(text.to_string(), |t, (v, w)| t.replace(v, w))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CTX: Ctx = Ctx { dir: "/cases/a", exec: "/bin/procbox" };

    #[test]
    fn wildcards_match_what_they_say_and_nothing_more() {
        assert!(line_matches("pid <PID> ok", "pid 4711 ok", &CTX));
        assert!(!line_matches("pid <PID> ok", "pid  ok", &CTX));
        assert!(!line_matches("pid <PID>", "pid 12a", &CTX));
        assert!(line_matches("at <DIR>/x.rhai:1", "at /cases/a/x.rhai:1", &CTX));
        assert!(!line_matches("at <DIR>/x.rhai", "at /cases/b/x.rhai", &CTX));
        assert!(line_matches("<EXEC> v1", "/bin/procbox v1", &CTX));
        assert!(line_matches("file <PATH> end", "file /tmp/x.sock end", &CTX));
        assert!(!line_matches("file <PATH> end", "file two words end", &CTX));
        assert!(line_matches("version <ANY>", "version 1.2.3 (x y)", &CTX));
        assert!(line_matches("version <ANY>", "version ", &CTX));
        assert!(line_matches("Date: <DATE>", "Date: <DATE>", &CTX));
        assert!(!line_matches("Date: <DATE>", "Date: Sat", &CTX));
    }

    #[test]
    fn any_lines_takes_none_or_many() {
        let exp = "start\n<...>\nend\n";
        assert!(reconcile(exp, "start\nend\n", &CTX).matches);
        assert!(reconcile(exp, "start\na\nb\nend\n", &CTX).matches);
        assert!(!reconcile(exp, "start\na\n", &CTX).matches);
    }

    #[test]
    fn trailing_newline_counts() {
        assert!(!reconcile("a\n", "a", &CTX).matches);
        assert!(reconcile("a", "a", &CTX).matches);
    }

    #[test]
    fn rewritten_text_keeps_wildcards_that_still_match() {
        let exp = "pid <PID>\n<...>\nold line\nat <DIR>/x\n";
        let got = "pid 99\nnoise\nnew line\nat /cases/a/x\n";
        let r = reconcile(exp, got, &CTX);
        assert!(!r.matches);
        assert_eq!(r.text, "pid <PID>\n<...>\nnoise\nnew line\nat <DIR>/x\n");
        // A run cannot swallow the lines around a difference.
        let got = "pid x\nat /cases/a/y\n";
        assert_eq!(reconcile(exp, got, &CTX).text, "pid x\n<...>\nat <DIR>/y\n");
        let r = reconcile("a\n<...>\nz\n", "a\nb\nc\nz\n", &CTX);
        assert!(r.matches);
        let r = reconcile("a\n<...>\nz\n", "a\nb\nc\nz\nextra\n", &CTX);
        assert_eq!(r.text, "a\n<...>\nz\nextra\n");
    }
}
