//! Typed slots: per-area state on the runtime state, one value per type, as Deno's
//! `OpState`. A binding looks its slot up once, when it is registered or when it
//! creates an object, and keeps the `Rc<T>` in that object: no hash lookup lands on
//! a per-event path. Values live as long as the runtime state (the process).

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Default)]
pub struct Slots(RefCell<HashMap<TypeId, Rc<dyn Any>>>);

impl Slots {
    /// The value of type `T`, if one was put.
    pub fn get<T: 'static>(&self) -> Option<Rc<T>> {
        let any = self.0.borrow().get(&TypeId::of::<T>()).cloned()?;
        any.downcast::<T>().ok()
    }

    /// The value of type `T`, made by `init` the first time. `init` may itself use
    /// the slots (no borrow is held while it runs).
    pub fn get_or_init<T: 'static>(&self, init: impl FnOnce() -> T) -> Rc<T> {
        if let Some(v) = self.get::<T>() {
            return v;
        }
        let v = Rc::new(init());
        // `init` may have put a `T` itself: the first one stays.
        let any = self.0.borrow_mut().entry(TypeId::of::<T>()).or_insert_with(|| v.clone() as Rc<dyn Any>).clone();
        any.downcast::<T>().unwrap_or(v)
    }

    /// Puts `value` as the `T`, replacing one put before; returns the stored `Rc`.
    pub fn put<T: 'static>(&self, value: T) -> Rc<T> {
        self.put_rc(Rc::new(value))
    }

    /// [`Slots::put`] for a value already shared (built with `Rc::new_cyclic`).
    pub fn put_rc<T: 'static>(&self, value: Rc<T>) -> Rc<T> {
        self.0.borrow_mut().insert(TypeId::of::<T>(), value.clone() as Rc<dyn Any>);
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn one_value_per_type() {
        let slots = Slots::default();
        assert!(slots.get::<Cell<u32>>().is_none());
        let a = slots.get_or_init(|| Cell::new(1u32));
        a.set(2);
        assert_eq!(slots.get_or_init(|| Cell::new(9u32)).get(), 2, "init runs once");
        assert_eq!(slots.get::<Cell<u32>>().map(|c| c.get()), Some(2));
        assert!(slots.get::<Cell<u64>>().is_none(), "types are apart");
        slots.put(Cell::new(5u32));
        assert_eq!(slots.get::<Cell<u32>>().map(|c| c.get()), Some(5));
    }

    #[test]
    fn init_may_use_the_slots() {
        let slots = Slots::default();
        let v = slots.get_or_init(|| *slots.get_or_init(|| 7u8) as u16 + 1);
        assert_eq!(*v, 8);
        assert_eq!(slots.get::<u8>().map(|v| *v), Some(7));
    }
}
