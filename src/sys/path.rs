//! Node's `path.posix`, ported from `lib/path.js` line for line so the edge cases
//! (trailing slashes, `..` past the root, empty segments, a leading `//`) come out
//! the same. Node indexes UTF-16 code units; every index here lands next to an
//! ASCII `/` or `.`, so byte indices give the same slices.

pub const SEP: &str = "/";
pub const DELIMITER: &str = ":";

/// Resolves `.` and `..` in a path without its leading slash (`normalizeString`).
// Slices by byte index are safe here: every index is a '/' position (ASCII) or the end, so a char boundary.
#[allow(clippy::string_slice)]
fn normalize_string(path: &str, allow_above_root: bool) -> String {
    let bytes = path.as_bytes();
    let mut res = String::new();
    let mut last_segment_length = 0usize;
    let mut last_slash: isize = -1;
    let mut dots: i32 = 0;
    let mut code = 0u8;
    let mut i = 0usize;
    while i <= bytes.len() {
        if i < bytes.len() {
            code = bytes[i];
        } else if code == b'/' {
            break;
        } else {
            code = b'/';
        }
        if code == b'/' {
            if last_slash == i as isize - 1 || dots == 1 { // an empty segment or `.`: skipped
            } else if dots == 2 {
                if res.len() < 2 || last_segment_length != 2 || !res.ends_with("..") {
                    if res.len() > 2 {
                        match res.rfind('/') {
                            None => {
                                res.clear();
                                last_segment_length = 0;
                            }
                            Some(idx) => {
                                res.truncate(idx);
                                last_segment_length =
                                    (res.len() as isize - 1 - res.rfind('/').map_or(-1, |x| x as isize)) as usize;
                            }
                        }
                        last_slash = i as isize;
                        dots = 0;
                        i += 1;
                        continue;
                    } else if !res.is_empty() {
                        res.clear();
                        last_segment_length = 0;
                        last_slash = i as isize;
                        dots = 0;
                        i += 1;
                        continue;
                    }
                }
                if allow_above_root {
                    res.push_str(if res.is_empty() { ".." } else { "/.." });
                    last_segment_length = 2;
                }
            } else {
                let seg = &path[(last_slash + 1) as usize..i];
                if !res.is_empty() {
                    res.push('/');
                }
                res.push_str(seg);
                last_segment_length = (i as isize - last_slash - 1) as usize;
            }
            last_slash = i as isize;
            dots = 0;
        } else if code == b'.' && dots != -1 {
            dots += 1;
        } else {
            dots = -1;
        }
        i += 1;
    }
    res
}

/// `path.resolve(...paths)` against `cwd`.
pub fn resolve(paths: &[&str], cwd: &str) -> String {
    let mut resolved = String::new();
    let mut absolute = false;
    for p in paths.iter().rev() {
        if p.is_empty() {
            continue;
        }
        resolved = format!("{p}/{resolved}");
        absolute = p.starts_with('/');
        if absolute {
            break;
        }
    }
    if !absolute {
        resolved = format!("{cwd}/{resolved}");
        absolute = cwd.starts_with('/');
    }
    let norm = normalize_string(&resolved, !absolute);
    if absolute {
        format!("/{norm}")
    } else if norm.is_empty() {
        ".".into()
    } else {
        norm
    }
}

pub fn normalize(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let absolute = path.starts_with('/');
    let trailing = path.ends_with('/');
    let mut p = normalize_string(path, !absolute);
    if p.is_empty() {
        if absolute {
            return "/".into();
        }
        return if trailing { "./".into() } else { ".".into() };
    }
    if trailing {
        p.push('/');
    }
    if absolute { format!("/{p}") } else { p }
}

pub fn is_absolute(path: &str) -> bool {
    path.starts_with('/')
}

pub fn join(paths: &[&str]) -> String {
    let parts: Vec<&str> = paths.iter().copied().filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return ".".into();
    }
    normalize(&parts.join("/"))
}

// Slices by byte index are safe here: indices are 1 (after the leading '/'), a '/' position + 1, or the end: boundaries.
#[allow(clippy::string_slice)]
pub fn relative(from: &str, to: &str, cwd: &str) -> String {
    if from == to {
        return String::new();
    }
    let from = resolve(&[from], cwd);
    let to = resolve(&[to], cwd);
    if from == to {
        return String::new();
    }
    let (f, t) = (from.as_bytes(), to.as_bytes());
    let from_start = 1usize;
    let from_end = f.len();
    let from_len = from_end - from_start;
    let to_start = 1usize;
    let to_len = t.len() - to_start;
    let length = from_len.min(to_len);
    let mut last_common_sep: isize = -1;
    let mut i = 0usize;
    while i < length {
        let fc = f[from_start + i];
        if fc != t[to_start + i] {
            break;
        } else if fc == b'/' {
            last_common_sep = i as isize;
        }
        i += 1;
    }
    if i == length {
        if to_len > length {
            if t[to_start + i] == b'/' {
                return to[to_start + i + 1..].to_string();
            }
            if i == 0 {
                return to[to_start + i..].to_string();
            }
        } else if from_len > length {
            if f[from_start + i] == b'/' {
                last_common_sep = i as isize;
            } else if i == 0 {
                last_common_sep = 0;
            }
        }
    }
    let mut out = String::new();
    let mut j = (from_start as isize + last_common_sep + 1) as usize;
    while j <= from_end {
        if j == from_end || f[j] == b'/' {
            out.push_str(if out.is_empty() { ".." } else { "/.." });
        }
        j += 1;
    }
    out.push_str(&to[(to_start as isize + last_common_sep) as usize..]);
    out
}

// Slices by byte index are safe here: `end` is the index of a '/' (ASCII): a char boundary.
#[allow(clippy::string_slice)]
pub fn dirname(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let b = path.as_bytes();
    let has_root = b[0] == b'/';
    let mut end: isize = -1;
    let mut matched_slash = true;
    for i in (1..b.len()).rev() {
        if b[i] == b'/' {
            if !matched_slash {
                end = i as isize;
                break;
            }
        } else {
            matched_slash = false;
        }
    }
    if end == -1 {
        return if has_root { "/".into() } else { ".".into() };
    }
    if has_root && end == 1 {
        return "//".into();
    }
    path[..end as usize].to_string()
}

pub fn basename(path: &str, suffix: Option<&str>) -> String {
    let b = path.as_bytes();
    let mut start = 0usize;
    let mut end: isize = -1;
    let mut matched_slash = true;
    if let Some(suffix) = suffix.filter(|s| !s.is_empty() && s.len() <= path.len()) {
        if suffix == path {
            return String::new();
        }
        let sb = suffix.as_bytes();
        let mut ext_idx: isize = sb.len() as isize - 1;
        let mut first_non_slash_end: isize = -1;
        for i in (0..b.len()).rev() {
            let code = b[i];
            if code == b'/' {
                if !matched_slash {
                    start = i + 1;
                    break;
                }
            } else {
                if first_non_slash_end == -1 {
                    matched_slash = false;
                    first_non_slash_end = i as isize + 1;
                }
                if ext_idx >= 0 {
                    if code == sb[ext_idx as usize] {
                        ext_idx -= 1;
                        if ext_idx == -1 {
                            end = i as isize;
                        }
                    } else {
                        ext_idx = -1;
                        end = first_non_slash_end;
                    }
                }
            }
        }
        if start as isize == end {
            end = first_non_slash_end;
        } else if end == -1 {
            end = b.len() as isize;
        }
        return slice(path, start, end as usize);
    }
    for i in (0..b.len()).rev() {
        if b[i] == b'/' {
            if !matched_slash {
                start = i + 1;
                break;
            }
        } else if end == -1 {
            matched_slash = false;
            end = i as isize + 1;
        }
    }
    if end == -1 {
        return String::new();
    }
    slice(path, start, end as usize)
}

/// `String.prototype.slice` on byte indices: an empty string when `end <= start`,
/// and never a cut inside a character (a suffix match can stop mid-character).
fn slice(s: &str, start: usize, end: usize) -> String {
    if end <= start {
        return String::new();
    }
    String::from_utf8_lossy(&s.as_bytes()[start..end]).into_owned()
}

/// Where the extension of the last segment starts and ends: (startPart, startDot,
/// end), as `extname` and `parse` share it. `None` when there is no extension.
fn scan(path: &str, stop: usize) -> (usize, isize, isize, bool) {
    let b = path.as_bytes();
    let mut start_dot: isize = -1;
    let mut start_part = 0usize;
    let mut end: isize = -1;
    let mut matched_slash = true;
    let mut pre_dot_state = 0;
    let mut i = b.len();
    while i > stop {
        i -= 1;
        let c = b[i];
        if c == b'/' {
            if !matched_slash {
                start_part = i + 1;
                break;
            }
            continue;
        }
        if end == -1 {
            matched_slash = false;
            end = i as isize + 1;
        }
        if c == b'.' {
            if start_dot == -1 {
                start_dot = i as isize;
            } else if pre_dot_state != 1 {
                pre_dot_state = 1;
            }
        } else if start_dot != -1 {
            pre_dot_state = -1;
        }
    }
    let no_ext = start_dot == -1
        || end == -1
        || pre_dot_state == 0
        || (pre_dot_state == 1 && start_dot == end - 1 && start_dot == start_part as isize + 1);
    (start_part, start_dot, end, no_ext)
}

// Slices by byte index are safe here: `start_dot` is a '.' and `end` is just before a '/' or the end: boundaries.
#[allow(clippy::string_slice)]
pub fn extname(path: &str) -> String {
    let (_, start_dot, end, no_ext) = scan(path, 0);
    if no_ext { String::new() } else { path[start_dot as usize..end as usize].to_string() }
}

/// `path.parse`: root, dir, base, ext, name.
#[derive(Debug, Default, PartialEq)]
pub struct Parsed {
    pub root: String,
    pub dir: String,
    pub base: String,
    pub ext: String,
    pub name: String,
}

// Slices by byte index are safe here: indices are '/' or '.' positions (ASCII), one past a '/', or just before a '/' or the end.
#[allow(clippy::string_slice)]
pub fn parse(path: &str) -> Parsed {
    let mut ret = Parsed::default();
    if path.is_empty() {
        return ret;
    }
    let absolute = path.starts_with('/');
    let start = if absolute {
        ret.root = "/".into();
        1
    } else {
        0
    };
    let (start_part, start_dot, end, no_ext) = scan(path, start);
    if end != -1 {
        let s = if start_part == 0 && absolute { 1 } else { start_part };
        let end = end as usize;
        if no_ext {
            ret.base = path[s..end].to_string();
            ret.name = ret.base.clone();
        } else {
            let dot = start_dot as usize;
            ret.name = path[s..dot].to_string();
            ret.base = path[s..end].to_string();
            ret.ext = path[dot..end].to_string();
        }
    }
    if start_part > 0 {
        ret.dir = path[..start_part - 1].to_string();
    } else if absolute {
        ret.dir = "/".into();
    }
    ret
}

/// `path.format`: `dir` (or `root`), then `base` (or `name` + `ext`).
pub fn format(root: &str, dir: &str, base: &str, name: &str, ext: &str) -> String {
    let dir = if dir.is_empty() { root } else { dir };
    let base = if base.is_empty() {
        let dot = if ext.is_empty() || ext.starts_with('.') { "" } else { "." };
        format!("{name}{dot}{ext}")
    } else {
        base.to_string()
    };
    if dir.is_empty() {
        base
    } else if dir == root {
        format!("{dir}{base}")
    } else {
        format!("{dir}/{base}")
    }
}

#[cfg(test)]
#[path = "path_tests.rs"]
mod tests;
