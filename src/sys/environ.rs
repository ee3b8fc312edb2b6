//! procbox's own copy of the environment: `process.env` reads and writes it, and
//! children are started with it. The real process environment is read once and
//! never written: `setenv` from a program with threads (fs workers, the resolver) is
//! undefined behaviour, and `std::env::set_var` panics on names with `=` or NUL.
//!
//! Writes are validated here and refused with an [`Invalid`] describing why, which
//! the bindings turn into a catchable `ERR_INVALID_ARG_VALUE`.

use std::sync::{Mutex, MutexGuard, OnceLock};

/// Where a name without `/` is searched when the child's environment has no `PATH`
/// (libuv's and glibc's `_PATH_DEFPATH`). Here, below both `child` and `perm`.
pub const DEFAULT_PATH: &str = "/usr/bin:/bin";

/// Variables in the order the process received them; new ones go at the end.
type Vars = Vec<(String, String)>;

fn vars() -> MutexGuard<'static, Vars> {
    static VARS: OnceLock<Mutex<Vars>> = OnceLock::new();
    let m = VARS.get_or_init(|| {
        // UTF-8 text is kept as it is (no copy); other bytes become U+FFFD.
        let text = |s: std::ffi::OsString| s.into_string().unwrap_or_else(|s| s.to_string_lossy().into_owned());
        let initial = std::env::vars_os().map(|(k, v)| (text(k), text(v))).collect();
        Mutex::new(initial)
    });
    // A panic while holding the lock can't leave the list half-written (each
    // operation is one push/remove/assignment), so a poisoned lock is still usable.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A refused write: which argument ("name" or "value") and the text received.
#[derive(Debug, PartialEq)]
pub struct Invalid {
    pub argument: &'static str,
    pub reason: &'static str,
    pub received: String,
}

impl Invalid {
    /// Node's `ERR_INVALID_ARG_VALUE` wording.
    pub fn message(&self) -> String {
        format!("The argument '{}' {}. Received '{}'", self.argument, self.reason, self.received.replace('\0', "\\x00"))
    }
}

fn check_name(name: &str) -> Result<(), Invalid> {
    if name.is_empty() || name.contains('=') || name.contains('\0') {
        return Err(Invalid {
            argument: "name",
            reason: "must be a non-empty string without '=' or null bytes",
            received: name.to_string(),
        });
    }
    Ok(())
}

pub fn get(name: &str) -> Option<String> {
    vars().iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// Sets `name` to `value` (both checked first, so nothing changes on error).
pub fn set(name: &str, value: &str) -> Result<(), Invalid> {
    check_name(name)?;
    if value.contains('\0') {
        let reason = "must be a string without null bytes";
        return Err(Invalid { argument: "value", reason, received: value.to_string() });
    }
    let mut vars = vars();
    match vars.iter_mut().find(|(k, _)| k == name) {
        Some((_, v)) => *v = value.to_string(),
        None => vars.push((name.to_string(), value.to_string())),
    }
    Ok(())
}

/// Removes `name`; a name that could never be set is refused like `set` refuses it.
pub fn remove(name: &str) -> Result<(), Invalid> {
    check_name(name)?;
    vars().retain(|(k, _)| k != name);
    Ok(())
}

/// Keeps only the variables `keep` accepts (`--allow-env`, at start-up): the
/// others are neither shown to the script nor given to children.
pub fn retain(keep: impl Fn(&str) -> bool) {
    vars().retain(|(k, _)| keep(k));
}

/// Every variable, in order: what a child gets when no `env` option is given.
pub fn snapshot() -> Vars {
    vars().clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The map is process-wide and the test harness runs tests on threads: the test
    /// that writes must not run while the other compares snapshots.
    fn serial() -> MutexGuard<'static, ()> {
        static LOCK: Mutex<()> = Mutex::new(());
        LOCK.lock().unwrap_or_else(|e| e.into_inner())
    }

    #[test]
    fn bad_names_and_values_are_refused_without_change() {
        let _serial = serial();
        let before = snapshot();
        for name in ["A=B", "", "A\0B"] {
            assert_eq!(set(name, "1").unwrap_err().argument, "name");
            assert_eq!(remove(name).unwrap_err().argument, "name");
        }
        let e = set("PROCBOX_ENV_TEST_NUL", "a\0b").unwrap_err();
        assert_eq!(e.message(), "The argument 'value' must be a string without null bytes. Received 'a\\x00b'");
        assert_eq!(snapshot(), before);
    }

    #[test]
    fn set_get_remove_stay_in_our_map() {
        let _serial = serial();
        set("PROCBOX_ENV_TEST_SET", "x=y").unwrap();
        assert_eq!(get("PROCBOX_ENV_TEST_SET").as_deref(), Some("x=y"));
        assert!(std::env::var_os("PROCBOX_ENV_TEST_SET").is_none(), "the real environment is untouched");
        assert!(snapshot().contains(&("PROCBOX_ENV_TEST_SET".into(), "x=y".into())));
        remove("PROCBOX_ENV_TEST_SET").unwrap();
        assert_eq!(get("PROCBOX_ENV_TEST_SET"), None);
    }
}
