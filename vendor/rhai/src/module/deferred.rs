//! (procbox patch) Functions registered only when the host first asks for them.
//!
//! A host with many functions behind a few entry points (procbox's `require("redis")`)
//! pays for every registration at start-up, whether a script uses them or not. A
//! [`DeferredFns`] holds the registration code instead; [`DeferredFns::load`] runs it,
//! once, into a blank [`Engine`] and keeps that engine's global namespace. A [`Module`]
//! given the handle ([`Module::add_deferred_fns`], any number of sets) consults those
//! functions after its own, once loaded, and is as if without them before.
//!
//! Only lookups a global module serves see them: functions (`get_fn`, `contains_fn`,
//! functions with [`Dynamic`][crate::Dynamic] parameters, listing), custom type display
//! names and type iterators. Not variables, sub-modules or the qualified index (an
//! `import`ed module's functions): a deferred set is for a global module.
//!
//! The host must load the set before any value reaching those functions exists (the
//! entry point that makes such values loads it first): a call resolved while the set
//! was not loaded is remembered as "not found" by that evaluation's resolution cache.

#![cfg(not(feature = "sync"))]

use super::Module;
use crate::{Engine, Shared};
use std::cell::{OnceCell, RefCell};
#[cfg(feature = "no_std")]
use std::prelude::v1::*;

/// The registration code that fills the set.
type Fill = Box<dyn FnOnce(&mut Engine)>;

struct Inner {
    /// Taken when loading starts.
    fill: RefCell<Option<Fill>>,
    /// Set when loading ends.
    module: OnceCell<Module>,
}

/// (procbox patch) A set of functions registered at the first [`load`][DeferredFns::load].
/// Clones share the set.
#[derive(Clone)]
pub struct DeferredFns(Shared<Inner>);

impl DeferredFns {
    /// A set whose functions `fill` registers (with [`Engine::register_fn`] and the like)
    /// into a blank engine, when the set is first loaded.
    #[must_use]
    pub fn new(fill: impl FnOnce(&mut Engine) + 'static) -> Self {
        Self(Shared::new(Inner {
            fill: RefCell::new(Some(Box::new(fill))),
            module: OnceCell::new(),
        }))
    }
    /// Registers the functions, the first time; later calls (and a call from inside the
    /// registration code) do nothing.
    pub fn load(&self) {
        let Some(fill) = self.0.fill.borrow_mut().take() else {
            return;
        };
        let mut engine = Engine::new_raw();
        fill(&mut engine);
        let module = engine
            .global_modules
            .drain(..)
            .next()
            .map(crate::func::shared_take_or_clone)
            .unwrap_or_default();
        let _ = self.0.module.set(module);
    }
    /// Have the functions been registered?
    #[inline(always)]
    #[must_use]
    pub fn is_loaded(&self) -> bool {
        self.0.module.get().is_some()
    }
    /// The functions, once loaded.
    #[inline(always)]
    #[must_use]
    pub(super) fn module(&self) -> Option<&Module> {
        self.0.module.get()
    }
}

impl std::fmt::Debug for DeferredFns {
    #[cold]
    #[inline(never)]
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.is_loaded() { "DeferredFns(loaded)" } else { "DeferredFns(not loaded)" })
    }
}

impl Module {
    /// (procbox patch) Serve the functions of `fns` after this module's own (and after the
    /// sets added before), once they are loaded (see [`DeferredFns`]).
    pub fn add_deferred_fns(&mut self, fns: DeferredFns) -> &mut Self {
        self.deferred.push(fns);
        self
    }
}
