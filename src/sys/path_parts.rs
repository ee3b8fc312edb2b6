//! The last segment's half of Node's `path.posix` (`dirname`, `basename`,
//! `extname`, `parse`, `format`), ported from `lib/path.js` line for line as
//! `path.rs` is; byte indices land next to an ASCII `/` or `.` (see there).

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
