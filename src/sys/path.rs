//! Node's `path.posix`, ported from `lib/path.js` line for line so the edge cases
//! (trailing slashes, `..` past the root, empty segments, a leading `//`) come out
//! the same. Node indexes UTF-16 code units; every index here lands next to an
//! ASCII `/` or `.`, so byte indices give the same slices. The last segment's
//! functions (`dirname` … `format`) are in `path_parts.rs`.

pub const SEP: &str = "/";
pub const DELIMITER: &str = ":";

#[path = "path_parts.rs"]
mod parts;
pub use parts::{basename, dirname, extname, format, parse};

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

#[cfg(test)]
#[path = "path_tests.rs"]
mod tests;
