//! A script function kept to be called later by the loop.
//!
//! A Rhai `FnPtr` is only a name plus curried captures; calling it later needs the
//! context it was registered in (imports, function libraries, source). We keep that
//! context (`NativeCallContextStore`, reset to call level 0) and the number of
//! parameters the function declares, so it receives as many of Node's arguments as it
//! asked for: `|| …`, `|code| …` and `|code, signal| …` all work.
//!
//! Scheduling is hot (`setImmediate` in a loop, a `nextTick` chain), and a stored
//! context costs two strings and a copy of the global state to make and to drop. The
//! store is never written after it is made, so callbacks registered from the same call
//! site in the same state share one ([`Home`]): the last one is kept and reused when
//! the next registration's context is equal to it.
//!
//! Calling is hot too. Rhai's `FnPtr::call_raw` copies the stored global state and
//! makes a fresh scope and function-resolution cache on every call; a home instead
//! keeps one working copy of each ([`Fast`]) and calls through
//! `FnPtr::call_raw_in_state` (our rhai addition), resetting what a call may leave
//! behind. A callback that runs while its home's copy is in use (an `emit` inside a
//! listener registered at the same place) takes Rhai's ordinary path.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use rhai::{
    Caches, Dynamic, Engine, FnPtr, GlobalRuntimeState, ImmutableString, LinkedScript, NativeCallContext,
    NativeCallContextStore, Scope,
};

use super::RhaiResult;
use rare::{copy_global, first_cache, rebind, reset, too_deep, unbind, unframe};
pub use same::same_fn;
use same::{same_global, same_name, same_short, still_clean};

/// Nesting limit for script → host → script calls (emit inside a listener…). Each
/// stored context restarts Rhai's own call-level count, so we keep our own.
const MAX_NESTING: usize = 256;

// The runtime's own bookkeeping of calls into scripts (nesting depth, arity memo,
// last home), used where no `State` is at hand: not per-area state, so not a slot.
thread_local! {
    static NESTING: Cell<usize> = const { Cell::new(0) };
    static ARITY: RefCell<HashMap<(ImmutableString, usize), Option<usize>>> = RefCell::new(HashMap::new());
    /// The home of the last callback made, for the next one from the same place. Weak:
    /// it must not keep modules alive once no callback uses it.
    static LAST_HOME: RefCell<Weak<Home>> = const { RefCell::new(Weak::new()) };
    /// The last callback made, shared by the next one made from a copy of the same
    /// function pointer in the same context (see [`Callback`]). Weak: it keeps no
    /// function alive once its tasks ran.
    static LAST_KEPT: RefCell<Weak<Kept>> = const { RefCell::new(Weak::new()) };
}

/// A handle: a copy is one reference count, and a task holding one is small (a queued
/// `nextTick` or `setImmediate` writes its task to fresh memory, whose first touch costs
/// about 0.4 ns a byte here). The same function given again from the same place (a
/// `setImmediate(cb)` in a loop, each link of a chain) shares the last one made
/// (`LAST_KEPT`).
#[derive(Clone)]
pub struct Callback(Rc<Kept>);

/// What a callback keeps: the function, its home and its arity.
struct Kept {
    f: FnPtr,
    home: Rc<Home>,
    /// Declared parameters (without captures); `None` for native functions.
    arity: Option<usize>,
    /// The script function `f` was last found to call (see [`Linked`]).
    linked: RefCell<Option<Linked>>,
}

/// A script function found for a callback, with what it was found for: the first
/// function library of the working state (a module, by address: rhai searches that one)
/// and the number of arguments. Found once, not by a hash search on every call.
struct Linked {
    lib: usize,
    num_args: usize,
    script: LinkedScript,
}

impl Kept {
    fn new(f: FnPtr, home: Rc<Home>, arity: Option<usize>) -> Kept {
        Kept { f, home, arity, linked: RefCell::new(None) }
    }

    /// Finds the script function to call (once per callback, or when the library or
    /// the argument count changed): `None` if there is none.
    #[cold]
    #[inline(never)]
    fn link(&self, global: &GlobalRuntimeState, lib: usize, num_args: usize) -> Option<()> {
        let script = self.f.linked_script(global, num_args)?;
        *self.linked.borrow_mut() = Some(Linked { lib, num_args, script });
        Some(())
    }
}

/// The stored context callbacks are called in, shared by those registered alike.
struct Home {
    store: NativeCallContextStore,
    /// The last arity looked up here: (function name, captures, arity). A loop
    /// registers the same function over and over; this spares the map lookup.
    last_arity: RefCell<Option<(ImmutableString, usize, Option<usize>)>>,
    /// The working state calls run in, made at the first call.
    fast: RefCell<Fast>,
}

/// A copy of the stored global state, with the caches and scope calls reuse.
///
/// The caches keep one function-resolution cache from call to call (what a body calls
/// is resolved once per home, not once per call), and the scope keeps the captured
/// variables of the closure called last bound (rhai's `js_bound_captures`): a closure
/// called again with the same captures (every link of a chain, every message to one
/// listener) binds only its own parameters. The kept binding holds the captured cells
/// until another closure of this home is called or the home is dropped.
#[derive(Default)]
struct Fast {
    global: Option<GlobalRuntimeState>,
    caches: Caches,
    scope: Scope<'static>,
    /// The function whose captures `scope` holds, if any (a copy: it keeps the list of
    /// captures alive, so the same list is the same closure).
    bound: Option<FnPtr>,
}

impl Callback {
    /// Keeps `f` with the context of the native call that received it.
    pub fn new(ctx: &NativeCallContext, f: FnPtr) -> Callback {
        Self::last_made(ctx, &f).unwrap_or_else(|| Self::keep(ctx, f))
    }

    /// [`Callback::new`] for a function the caller only lends: it is copied only when
    /// no callback kept already holds a copy of it.
    pub fn from_ref(ctx: &NativeCallContext, f: &FnPtr) -> Callback {
        Self::last_made(ctx, f).unwrap_or_else(|| Self::keep(ctx, f.clone()))
    }

    /// The callback made last, when it holds a copy of `f` made in the same context.
    fn last_made(ctx: &NativeCallContext, f: &FnPtr) -> Option<Callback> {
        // A function pointer's copies share their name and captures, so equal addresses
        // are the same function with the same captured cells, and its arity holds.
        let last = LAST_KEPT.with(|last| last.borrow().upgrade());
        last.filter(|k| k.f.is_copy_of(f) && k.home.matches(ctx)).map(Callback)
    }

    fn keep(ctx: &NativeCallContext, f: FnPtr) -> Callback {
        let home = home_for(ctx);
        let arity = home.arity_of(&f);
        let kept = Rc::new(Kept::new(f, home, arity));
        LAST_KEPT.with(|last| *last.borrow_mut() = Rc::downgrade(&kept));
        Callback(kept)
    }

    pub fn fn_ptr(&self) -> &FnPtr {
        &self.0.f
    }

    /// Parameters the script function declares (`None`: a native one, takes all).
    pub fn arity(&self) -> Option<usize> {
        self.0.arity
    }

    /// Calls the function with Node's arguments, cut or padded with `()` to its arity.
    /// The arguments are consumed (left `()`): a slice or an array serves as well as a
    /// `Vec`, so a caller with one or two arguments need not allocate a list.
    pub fn call(&self, engine: &Engine, mut args: impl AsMut<[Dynamic]>) -> RhaiResult {
        self.call_with(engine, args.as_mut(), false)
    }

    /// [`Callback::call`] for a caller that discards the function's value (a timer, an
    /// immediate, a nextTick): rhai is told so (`js_result_hints`), so a call such as
    /// `setImmediate(f)` that is the callback's last statement need not build the
    /// handle nobody receives.
    pub fn call_for_effect(&self, engine: &Engine, mut args: impl AsMut<[Dynamic]>) -> RhaiResult {
        self.call_with(engine, args.as_mut(), true)
    }

    // Every path but the common one (the fast call, the arity met or cut, no error) is
    // an out-of-line `#[cold]` function: inline, their code sat between the hot
    // blocks, and a chain link's code did not fit the instruction cache (issue 17).
    fn call_with(&self, engine: &Engine, args: &mut [Dynamic], unused: bool) -> RhaiResult {
        let Kept { home, arity, .. } = &*self.0;
        // More arguments than declared are cut off; fewer (rare) need a longer list.
        let args = match *arity {
            Some(n) if args.len() > n => args.get_mut(..n).unwrap_or_default(),
            Some(n) if args.len() < n => return self.call_padded(engine, args, n, unused),
            _ => args,
        };
        let depth = NESTING.with(|d| d.replace(d.get() + 1));
        if depth >= MAX_NESTING {
            return too_deep(depth);
        }
        let fast = match home.fast.try_borrow_mut() {
            Ok(mut fast) => home.call_fast(&mut fast, engine, &self.0, args, unused),
            Err(_) => None,
        };
        let mut r = match fast {
            Some(r) => r,
            None => self.call_slow(engine, args),
        };
        NESTING.with(|d| d.set(depth));
        if let Err(e) = &mut r {
            unframe(e);
        }
        r
    }

    /// [`Callback::call_with`] given fewer arguments than the function declares: the
    /// list padded with `()`.
    #[cold]
    #[inline(never)]
    fn call_padded(&self, engine: &Engine, args: &mut [Dynamic], n: usize, unused: bool) -> RhaiResult {
        let mut padded = args.iter_mut().map(std::mem::take).collect::<Vec<_>>();
        padded.resize(n, Dynamic::UNIT);
        self.call_with(engine, &mut padded, unused)
    }

    /// Rhai's ordinary path: no working state free, or no script function.
    #[cold]
    #[inline(never)]
    fn call_slow(&self, engine: &Engine, args: &mut [Dynamic]) -> RhaiResult {
        #[allow(deprecated)]
        let ctx = self.0.home.store.create_context(engine);
        self.0.f.call_raw(&ctx, None, args)
    }

    /// Same function (and same captures) as `f`: how `removeListener` finds a listener.
    pub fn is(&self, f: &FnPtr) -> bool {
        same_fn(&self.0.f, f)
    }

    /// The source (script path) the callback was registered from.
    pub fn source(&self) -> Option<&str> {
        self.0.home.store.source.as_deref()
    }

    /// Another function called in this callback's stored context, with every
    /// argument: how host code listens on an emitter (a `FnPtr::from_fn` closure)
    /// after the script call that gave it a context has returned.
    pub fn with_fn(&self, f: FnPtr) -> Callback {
        Callback(Rc::new(Kept::new(f, self.0.home.clone(), None)))
    }
}

/// The last home if `ctx` would store exactly the same context, else a new one.
fn home_for(ctx: &NativeCallContext) -> Rc<Home> {
    if let Some(home) = LAST_HOME.with(|last| last.borrow().upgrade()).filter(|h| h.matches(ctx)) {
        return home;
    }
    #[allow(deprecated)]
    let mut store = ctx.store_data();
    store.global.level = 0;
    store.global.num_operations = 0;
    let home = Rc::new(Home { store, last_arity: RefCell::new(None), fast: RefCell::default() });
    LAST_HOME.with(|last| *last.borrow_mut() = Rc::downgrade(&home));
    home
}

impl Home {
    /// True when `ctx.store_data()` would equal this store, once reset to level 0.
    fn matches(&self, ctx: &NativeCallContext) -> bool {
        let s = &self.store;
        // The position first: cheapest, and what differs between call sites.
        s.pos == ctx.call_position()
            && same_short(&s.fn_name, ctx.fn_name())
            && s.source.as_deref() == ctx.fn_source()
            && same_global(&s.global, ctx.global_runtime_state())
    }

    /// Calls `f` in the working copy of the stored state; `None` (nothing done) when
    /// `f` is no script function of that arity, which only `call_raw` can call.
    fn call_fast(
        &self,
        fast: &mut Fast,
        engine: &Engine,
        kept: &Kept,
        args: &mut [Dynamic],
        unused: bool,
    ) -> Option<RhaiResult> {
        let f = &kept.f;
        let Fast { global, caches, scope, bound } = fast;
        if global.is_none() {
            *global = Some(copy_global(&self.store.global));
        }
        let global = global.as_mut()?;
        // The script function, found once per callback (and again only if the state's
        // library or the argument count is not what it was found for). Nothing else
        // calls `kept`'s function in this home while `fast` is borrowed, so the cell is
        // never written while this borrow is held.
        let num_args = f.curry().len() + args.len();
        let lib = global.lib.first().map_or(0, |m| Rc::as_ptr(m) as usize);
        let fresh = matches!(&*kept.linked.borrow(), Some(l) if l.lib == lib && l.num_args == num_args);
        if !fresh {
            kept.link(global, lib, num_args)?;
        }
        let linked = kept.linked.borrow();
        let script = &linked.as_ref()?.script;
        // Each call counts its operations from zero, as a fresh copy would.
        global.num_operations = 0;
        // One resolution cache kept from call to call: otherwise the body's block makes
        // one and drops it, and every call resolves every function it calls again.
        if caches.fn_resolution_caches_len() == 0 {
            first_cache(caches);
        }
        // The captures left bound by the last call are this closure's, or go.
        // By address first (`is_copy_of`: a few pointer compares); `same_captures`
        // compares the names' text, a `memcmp` per call.
        let mut is_bound = bound.as_ref().is_some_and(|b| b.is_copy_of(f) || b.same_captures(f));
        if !is_bound && bound.is_some() {
            unbind(bound, scope);
        }
        // The body's value is discarded: rhai's hint for its last statement. Reset after,
        // whatever happened (taken by the body, or not reached).
        global.js_block_unused = unused;
        let pos = self.store.pos;
        let r = f.call_linked_in_bound_state(engine, global, caches, scope, &mut is_bound, pos, script, args);
        global.js_block_unused = false;
        if !(is_bound && bound.is_some()) {
            rebind(bound, scope, is_bound, f);
        }
        // A call restores the level, the scope and the imports; anything else it left
        // changed (it never should) costs a fresh state, caches and binding next time.
        if !still_clean(global, &self.store.global) {
            reset(fast);
        }
        Some(r)
    }

    fn arity_of(&self, f: &FnPtr) -> Option<usize> {
        let curried = f.curry().len();
        if let Some((name, c, arity)) = &*self.last_arity.borrow()
            && *c == curried
            && same_name(name, f.fn_name())
        {
            return *arity;
        }
        let arity = arity_of(f, &self.store);
        *self.last_arity.borrow_mut() = Some((f.fn_name().into(), curried, arity));
        arity
    }
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

mod rare;
mod same;
#[cfg(test)]
mod tests;
