//! Turning what a script or a flag names into what rules hold: absolute paths with
//! symbolic links resolved (so a link inside an allowed directory that points
//! outside it is judged by where it points, as the kernel's Landlock judges it),
//! and programs found on `PATH` as `execvp` would find them.

use std::path::{Component, Path, PathBuf};

/// `p` made absolute against the current directory, `.` and `..` folded away.
pub fn lexical(p: &str) -> PathBuf {
    let base = if p.starts_with('/') {
        PathBuf::from("/")
    } else {
        PathBuf::from(crate::sys::task::cwd().unwrap_or_default())
    };
    let mut out = base;
    for c in Path::new(p).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(s) => out.push(s),
            _ => {}
        }
    }
    out
}

/// The real path of `p`: the longest existing prefix resolved by `realpath`, the
/// rest appended (a file about to be created is judged by its directory).
pub fn path(p: &str) -> String {
    let abs = lexical(p);
    let mut head = abs.as_path();
    let mut tail: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(head) {
            let mut out = real;
            for t in tail.iter().rev() {
                out.push(t);
            }
            return out.display().to_string();
        }
        match (head.parent(), head.file_name()) {
            (Some(parent), Some(name)) => {
                tail.push(name);
                head = parent;
            }
            _ => return abs.display().to_string(),
        }
    }
}

fn executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// The program `execvp` would start for `file` with this `PATH`, as a real path;
/// `None` when there is none (the spawn then fails with ENOENT by itself).
pub fn program(file: &str, path_var: Option<&str>) -> Option<String> {
    if file.contains('/') {
        return Some(path(file));
    }
    let dirs = path_var.unwrap_or(crate::sys::environ::DEFAULT_PATH);
    dirs.split(':').map(|d| Path::new(if d.is_empty() { "." } else { d }).join(file)).find(|c| executable(c)).map(|c| {
        let s = c.display().to_string();
        path(&s)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_folds_dots() {
        assert_eq!(lexical("/a/./b/../c"), PathBuf::from("/a/c"));
        assert_eq!(lexical("/.."), PathBuf::from("/"));
    }

    #[test]
    fn missing_tail_kept_and_links_resolved() {
        let dir = std::env::temp_dir().join(format!("procbox-resolve-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let link = dir.join("link");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink("/etc", &link).unwrap();
        assert_eq!(path(&format!("{}/passwd", link.display())), "/etc/passwd");
        assert_eq!(path(&format!("{}/new/file", link.display())), "/etc/new/file");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn programs_found_on_path() {
        let sh = program("sh", Some("/nonexistent:/bin")).unwrap();
        assert!(sh.starts_with('/') && !sh.contains("nonexistent"), "{sh}");
        assert_eq!(program("no-such-program-xyz", Some("/bin")), None);
    }
}
