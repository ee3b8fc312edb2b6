//! How callbacks compare: whether a native call's context would store the same
//! context as a home's (`same_global`, `same_short`, `same_text`), whether a working
//! copy of the global state is still clean, and whether two function pointers are the
//! same function with the same captured cells (`removeListener`).

use std::rc::Rc;

use rhai::{Dynamic, FnPtr, GlobalRuntimeState, ImmutableString};

/// Field by field, what a call made in either state could observe: the same function
/// libraries and imports (the same modules, not just equal ones), source, constants,
/// resolver and counters. Call level and operation count are reset in a store, so
/// they do not count. Of the block depth (`scope_level`) Rhai only reads whether it is
/// 0 (top-level constants) unless a variable-definition filter is installed, and we
/// install none; comparing it exactly would never match in a chain, where each link
/// registers from one block deeper than the last. Anything unusual (a tag set) is
/// simply not shared.
///
/// Checked once per registration (`setImmediate` in a loop), so cheaply: each list as
/// one slice (a small vector's length and data each test where it lives), imports
/// only when there are any, the source by pointer before text.
pub(super) fn same_global(a: &GlobalRuntimeState, b: &GlobalRuntimeState) -> bool {
    let (la, lb) = (a.lib.as_slice(), b.lib.as_slice());
    la.len() == lb.len()
        && la.iter().zip(lb).all(|(x, y)| Rc::ptr_eq(x, y))
        && a.num_imports() == b.num_imports()
        && (a.num_imports() == 0
            || a.scan_imports_raw().zip(b.scan_imports_raw()).all(|((n, m), (o, p))| n == o && Rc::ptr_eq(m, p)))
        && same_text(&a.source, &b.source)
        && a.num_modules_loaded == b.num_modules_loaded
        && (a.scope_level == 0) == (b.scope_level == 0)
        && a.always_search_scope == b.always_search_scope
        && same_rc(&a.embedded_module_resolver, &b.embedded_module_resolver)
        && same_rc(&a.constants, &b.constants)
        && a.tag.is_unit()
        && b.tag.is_unit()
}

/// What a call could have left changed in the working copy, cheaply: the fields
/// [`same_global`] compares, by length or pointer.
pub(super) fn still_clean(now: &GlobalRuntimeState, stored: &GlobalRuntimeState) -> bool {
    now.level == stored.level
        && now.lib.len() == stored.lib.len()
        && now.num_imports() == stored.num_imports()
        && now.num_modules_loaded == stored.num_modules_loaded
        && now.scope_level == stored.scope_level
        && now.always_search_scope == stored.always_search_scope
        && same_rc(&now.constants, &stored.constants)
        && match (&now.source, &stored.source) {
            (None, None) => true,
            (Some(a), Some(b)) => a.ptr_eq(b),
            _ => false,
        }
        && now.tag.is_unit()
}

/// `kept == name`, by address first: a closure registered again shares its name's
/// text with the one kept (which keeps that text alive, so equal addresses are equal
/// text).
pub(super) fn same_name(kept: &ImmutableString, name: &str) -> bool {
    (kept.as_ptr() == name.as_ptr() && kept.len() == name.len()) || kept.as_str() == name
}

/// `a == b` for a native function's name, checked at every registration: a name of 8
/// to 16 bytes (`nextTick`, `setTimeout`, `setImmediate`) is compared as two
/// overlapping words in place, without the call to `memcmp` that `==` makes.
pub(super) fn same_short(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if !(8..=16).contains(&n) {
        return a == b;
    }
    let word = |s: &[u8], at: usize| s.get(at..at + 8).and_then(|w| <[u8; 8]>::try_from(w).ok());
    word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8)
}

/// Two optional shared strings, by pointer first: a script's calls all carry its one
/// source string, so the text (a path) is compared only when they differ.
fn same_text(a: &Option<ImmutableString>, b: &Option<ImmutableString>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => x.ptr_eq(y) || x == y,
        _ => false,
    }
}

fn same_rc<T>(a: &Option<Rc<T>>, b: &Option<Rc<T>>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

pub fn same_fn(a: &FnPtr, b: &FnPtr) -> bool {
    a.fn_name() == b.fn_name()
        && a.curry().len() == b.curry().len()
        && a.curry().iter().zip(b.curry()).all(|(x, y)| same_value(x, y))
}

/// Captured variables are shared cells: identical when they are the same cell.
fn same_value(x: &Dynamic, y: &Dynamic) -> bool {
    if x.is_shared() && y.is_shared() {
        let (px, py) = (x.read_lock::<Dynamic>(), y.read_lock::<Dynamic>());
        return match (px, py) {
            (Some(a), Some(b)) => std::ptr::eq(&*a, &*b),
            _ => false,
        };
    }
    x.type_name() == y.type_name() && x.to_string() == y.to_string()
}
