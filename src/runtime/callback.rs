//! A script function kept to be called later by the loop.
//!
//! A Rhai `FnPtr` is only a name plus curried captures; calling it later needs the
//! context it was registered in (imports, function libraries, source). We keep that
//! context (`NativeCallContextStore`, reset to call level 0) and the number of
//! parameters the function declares, so it receives as many of Node's arguments as it
//! asked for: `|| …`, `|code| …` and `|code, signal| …` all work.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use rhai::{
    Dynamic, Engine, EvalAltResult, FnPtr, ImmutableString, NativeCallContext, NativeCallContextStore, Position,
};

use super::RhaiResult;

/// Nesting limit for script → host → script calls (emit inside a listener…). Each
/// stored context restarts Rhai's own call-level count, so we keep our own.
const MAX_NESTING: usize = 256;

thread_local! {
    static NESTING: Cell<usize> = const { Cell::new(0) };
    static ARITY: RefCell<HashMap<(ImmutableString, usize), Option<usize>>> = RefCell::new(HashMap::new());
}

#[derive(Clone)]
pub struct Callback(Rc<Inner>);

struct Inner {
    f: FnPtr,
    store: NativeCallContextStore,
    /// Declared parameters (without captures); `None` for native functions.
    arity: Option<usize>,
}

impl Callback {
    /// Keeps `f` with the context of the native call that received it.
    pub fn new(ctx: &NativeCallContext, f: FnPtr) -> Callback {
        #[allow(deprecated)]
        let mut store = ctx.store_data();
        store.global.level = 0;
        store.global.num_operations = 0;
        let arity = arity_of(&f, &store);
        Callback(Rc::new(Inner { f, store, arity }))
    }

    pub fn fn_ptr(&self) -> &FnPtr {
        &self.0.f
    }

    /// Calls the function with Node's arguments, cut or padded with `()` to its arity.
    pub fn call(&self, engine: &Engine, mut args: Vec<Dynamic>) -> RhaiResult {
        if let Some(n) = self.0.arity {
            args.resize(n, Dynamic::UNIT);
        }
        let depth = NESTING.with(|d| d.replace(d.get() + 1));
        if depth >= MAX_NESTING {
            NESTING.with(|d| d.set(depth));
            return Err(EvalAltResult::ErrorStackOverflow(Position::NONE).into());
        }
        #[allow(deprecated)]
        let ctx = self.0.store.create_context(engine);
        let r = self.0.f.call_raw(&ctx, None, args);
        NESTING.with(|d| d.set(depth));
        r
    }

    /// Same function (and same captures) as `f`: how `removeListener` finds a listener.
    pub fn is(&self, f: &FnPtr) -> bool {
        same_fn(&self.0.f, f)
    }

    /// The source (script path) the callback was registered from.
    pub fn source(&self) -> Option<&str> {
        self.0.store.source.as_deref()
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

fn arity_of(f: &FnPtr, store: &NativeCallContextStore) -> Option<usize> {
    let curried = f.curry().len();
    let key = (ImmutableString::from(f.fn_name()), curried);
    if let Some(hit) = ARITY.with(|a| a.borrow().get(&key).copied()) {
        return hit;
    }
    let found =
        store.global.lib.iter().find_map(|m| {
            m.iter_script_fn_info().find(|(_, _, name, _, _)| *name == f.fn_name()).map(|(_, _, _, n, _)| n)
        });
    let arity = found.map(|n| n.saturating_sub(curried));
    if found.is_some() {
        ARITY.with(|a| a.borrow_mut().insert(key, arity));
    }
    arity
}
