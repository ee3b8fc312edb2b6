//! The runtime as the [`ListenHost`] of `crate::io::listener`: its poller, its
//! liveness count, an unref'd timer and its at-exit hooks. Shared by `net.Server`
//! and node-ipc's server.

use std::cell::RefCell;
use std::os::fd::RawFd;
use std::rc::Rc;

use rhai::{Dynamic, Engine};

use crate::event_loop::{Hold, Ready};
use crate::io::listener::{ListenHost, Listener};
use crate::runtime::{Runtime, Source, State, Task};

pub struct RtHost(pub Rc<State>);

impl RtHost {
    pub fn shared(st: &Rc<State>) -> Rc<dyn ListenHost<Runtime>> {
        Rc::new(RtHost(st.clone()))
    }
}

impl ListenHost<Runtime> for RtHost {
    fn watch(&self, fd: RawFd, l: Rc<Listener<Runtime>>) -> std::io::Result<u64> {
        self.0.watch(fd, l, true, false)
    }

    fn unwatch(&self, fd: RawFd, token: u64) {
        self.0.unwatch(fd, token);
    }

    fn hold(&self) -> Hold {
        self.0.hold()
    }

    fn after(&self, ms: u64, f: Box<dyn FnOnce()>) {
        let f = RefCell::new(Some(f));
        let task = Task::Native(Rc::new(move |_: &Engine| {
            if let Some(f) = f.borrow_mut().take() {
                f();
            }
            Ok(Dynamic::UNIT)
        }));
        let id = self.0.timer_start_at(self.0.now(), ms, task);
        self.0.timer_set_ref(id, false);
    }

    fn at_exit(&self, f: Box<dyn Fn()>) {
        self.0.at_exit.borrow_mut().push(Rc::from(f));
    }
}

impl Source for Listener<Runtime> {
    fn on_ready(&self, rt: &Runtime, _ready: Ready) {
        Listener::on_ready(self, rt);
    }
}
