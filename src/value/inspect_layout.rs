//! How `util.inspect` lays out an object's or array's entries (Node's
//! `reduceToSingleString`, `isBelowBreakLength` and `groupArrayElements`, with
//! `compact: 3` and `breakLength: 80`): on one line when the entries fit and the value
//! nests at most three levels, otherwise one entry per line; arrays of more than six
//! entries are first grouped into aligned columns.

pub const BREAK_LENGTH: usize = 80;
/// Node's default `compact`.
const COMPACT: usize = 3;

/// JavaScript's `length` of a string: UTF-16 code units.
fn js_len(s: &str) -> usize {
    s.encode_utf16().count()
}

fn below_break_length(items: &[String], start: usize, base: &str) -> bool {
    let mut total = items.len() + start;
    if total + items.len() > BREAK_LENGTH {
        return false;
    }
    for s in items {
        total += js_len(s);
        if total > BREAK_LENGTH {
            return false;
        }
    }
    base.is_empty() || !base.contains('\n')
}

/// The layout of one object or array. `nested`: how many levels below this one the
/// last formatted entry reached (Node's `currentDepth - recurseTimes`); `numbers`:
/// for an array, whether every item is a number (right-aligned columns).
pub struct Layout<'a> {
    pub base: &'a str,
    pub open: &'a str,
    pub close: &'a str,
    pub indent: usize,
    pub nested: usize,
    pub array: Option<ArrayInfo>,
}

pub struct ArrayInfo {
    pub numbers: bool,
    /// A trailing `... n more items` entry, not grouped.
    pub has_more: bool,
}

impl Layout<'_> {
    pub fn reduce(&self, mut items: Vec<String>) -> String {
        let entries = items.len();
        if let Some(info) = &self.array
            && entries > 6
        {
            items = group(items, info, self.indent);
        }
        let base = if self.base.is_empty() { String::new() } else { format!("{} ", self.base) };
        if self.nested < COMPACT && entries == items.len() {
            let start = items.len() + self.indent + js_len(self.open) + js_len(self.base) + 10;
            if below_break_length(&items, start, self.base) {
                let joined = items.join(", ");
                if !joined.contains('\n') {
                    return format!("{base}{} {joined} {}", self.open, self.close);
                }
            }
        }
        let ind = format!("\n{}", " ".repeat(self.indent));
        format!("{base}{}{ind}  {}{ind}{}", self.open, items.join(&format!(",{ind}  ")), self.close)
    }
}

/// Node's `groupArrayElements`: short entries in columns, as many as make a roughly
/// square block (at most 15 and `compact * 4`), numbers right-aligned.
fn group(items: Vec<String>, info: &ArrayInfo, indent: usize) -> Vec<String> {
    let sep = 2;
    let count = items.len() - usize::from(info.has_more);
    let lens: Vec<usize> = items.iter().map(|s| js_len(s)).collect();
    let total: usize = lens[..count].iter().map(|l| l + sep).sum();
    let max_len = lens[..count].iter().copied().max().unwrap_or(0);
    let actual_max = max_len + sep;
    if !(actual_max * 3 + indent < BREAK_LENGTH && (total as f64 / actual_max as f64 > 5.0 || max_len <= 6)) {
        return items;
    }
    let average_bias = (actual_max as f64 - total as f64 / items.len() as f64).sqrt();
    let biased_max = (actual_max as f64 - 3.0 - average_bias).max(1.0);
    let columns = [
        ((2.5 * biased_max * count as f64).sqrt() / biased_max).round() as usize,
        (BREAK_LENGTH - indent) / actual_max,
        COMPACT * 4,
        15,
    ]
    .into_iter()
    .min()
    .unwrap_or(1);
    if columns <= 1 {
        return items;
    }
    let max_line: Vec<usize> =
        (0..columns).map(|i| (i..count).step_by(columns).map(|j| lens[j]).max().unwrap_or(0) + sep).collect();
    let pad = |s: String, width: usize, start: bool| {
        let fill = " ".repeat(width.saturating_sub(js_len(&s)));
        if start { format!("{fill}{s}") } else { format!("{s}{fill}") }
    };
    let mut out = Vec::new();
    for i in (0..count).step_by(columns) {
        let end = (i + columns).min(count);
        let mut line = String::new();
        for j in i..end - 1 {
            line.push_str(&pad(format!("{}, ", items[j]), max_line[j - i], info.numbers));
        }
        let j = end - 1;
        if info.numbers {
            line.push_str(&pad(items[j].clone(), max_line[j - i] - sep, true));
        } else {
            line.push_str(&items[j]);
        }
        out.push(line);
    }
    if info.has_more {
        out.push(items[count].clone());
    }
    out
}
