//! Bindings registered at their module's first `require`, not at start-up.
//!
//! Registering a function costs about 900 instructions and 200 bytes of heap; procbox
//! has about 1 950, and `require("redis")`, `require("fs")` and `require("node-ipc")`
//! alone account for more than half. Their functions all take a value of their own
//! types first (the module object, a client, a `Stats`), and only the module object
//! leads to those values, so they are registered when the module object is first made
//! ([`load`]), through rhai's `DeferredFns` (vendor/README.md): before that no script
//! can reach them, after it they are found as if registered up front.
//!
//! An area defers its functions in its `register` with [`defer`], keyed by its module
//! object's type, and calls [`load`] before making a value of its types;
//! `api::register` serves every deferred set from the global module that holds the
//! globals ([`install`]): a module of its own would be one more for every function
//! lookup that misses to walk.

use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

use rhai::{DeferredFns, Engine, Module};

use crate::runtime::State;

/// The deferred set of the area whose module object has type `M`.
struct Set<M>(DeferredFns, PhantomData<fn() -> M>);

/// Sets made by [`defer`], waiting for [`install`].
#[derive(Default)]
struct Pending(RefCell<Vec<DeferredFns>>);

/// `fill` registers the area's functions (as its `register` did) at the first
/// [`load::<M>`].
pub fn defer<M: 'static>(st: &Rc<State>, fill: fn(&mut Engine, &Rc<State>)) {
    // Weak: the set lives in the state's slots, and the state must not own itself.
    let weak = Rc::downgrade(st);
    let fns = DeferredFns::new(move |engine| {
        if let Some(st) = weak.upgrade() {
            fill(engine, &st);
        }
    });
    st.slots.get_or_init(Pending::default).0.borrow_mut().push(fns.clone());
    st.slots.put(Set::<M>(fns, PhantomData));
}

/// Registers the functions of the area keyed `M`, the first time. Call before making
/// any value of the area's types: a call resolved without them stays "not found" for
/// the rest of that evaluation.
pub fn load<M: 'static>(st: &State) {
    if let Some(set) = st.slots.get::<Set<M>>() {
        set.0.load();
    }
}

/// Makes `holder` (a global module) serve every set deferred so far; called once,
/// after the areas registered.
pub fn install(holder: &mut Module, st: &State) {
    let Some(pending) = st.slots.get::<Pending>() else { return };
    for fns in pending.0.borrow_mut().drain(..) {
        holder.add_deferred_fns(fns);
    }
}
