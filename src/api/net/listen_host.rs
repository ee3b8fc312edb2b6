//! The runtime as the [`ListenHost`] of `crate::io::listener`: an unref'd timer and
//! its at-exit hooks (the listener reaches the reactor through its `Handle`). Shared
//! by `net.Server` and node-ipc's server.

use std::cell::RefCell;
use std::rc::Rc;

use rhai::{Dynamic, Engine};

use crate::io::listener::ListenHost;
use crate::runtime::{State, Task};

pub struct RtHost(pub Rc<State>);

impl RtHost {
    pub fn shared(st: &Rc<State>) -> Rc<dyn ListenHost> {
        Rc::new(RtHost(st.clone()))
    }
}

impl ListenHost for RtHost {
    fn after(&self, ms: u64, f: Box<dyn FnOnce()>) {
        let f = RefCell::new(Some(f));
        let task = Task::Native(Rc::new(move |_: &Engine| {
            if let Some(f) = f.borrow_mut().take() {
                f();
            }
            Ok(Dynamic::UNIT)
        }));
        self.0.timer_start_unref(ms, task);
    }

    fn at_exit(&self, f: Box<dyn Fn()>) {
        self.0.at_exit.borrow_mut().push(Rc::from(f));
    }
}
