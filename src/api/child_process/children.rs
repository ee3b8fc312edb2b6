//! The runtime's running children: starting one (flushing our output, catching
//! SIGCHLD before it can exit), reaping ours when SIGCHLD arrives (`waitpid` on our
//! own pids only, orphans handed to the subreaper's path), and releasing the signal
//! when none is left.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use super::options::{self, Res};
use super::{ChildInner, ChildProcess, Readable, Stream, Writable, contain};
use crate::child::{Reaper, Stdio};
use crate::runtime::{Runtime, State};
use crate::sys::errno::Errno;
use crate::value::error;

/// Spawn failures Node reports as an `error` event rather than a throw.
const ASYNC_ERRORS: [Errno; 5] = [Errno::EACCES, Errno::EAGAIN, Errno::EMFILE, Errno::ENFILE, Errno::ENOENT];

/// This runtime's running children.
pub struct Children {
    pub(super) st: Rc<State>,
    me: Weak<Children>,
    reaper: RefCell<Reaper<Rc<ChildInner>>>,
}

/// This runtime's registry, a slot on the runtime state (the bindings keep the `Rc`).
pub fn children(st: &State) -> Rc<Children> {
    st.slots.get::<Children>().expect("child_process is registered")
}

/// Sets up this runtime's registry (once, when child_process is registered).
pub fn install(st: &Rc<State>) -> Rc<Children> {
    let c = Rc::new_cyclic(|me| Children { st: st.clone(), me: me.clone(), reaper: RefCell::new(Reaper::default()) });
    st.slots.put_rc(c)
}

impl Children {
    /// The SIGCHLD hook: reap ours, release the signal when none is left, then
    /// report each exit.
    fn reap(&self, rt: &Runtime) {
        let done = self.reaper.borrow_mut().reap();
        if self.reaper.borrow().is_empty() && !contain::contained(&self.st) {
            self.st.hook_signal(libc::SIGCHLD, None);
        }
        for (_, status, cpu, child) in done {
            child.exited(rt, status, cpu);
        }
        crate::api::contain::reap_orphans(rt, |pid| self.reaper.borrow().contains(pid));
    }

    /// Catches SIGCHLD for good: a subreaper reaps adopted orphans even with no
    /// child of its own running.
    pub fn hold_sigchld(&self) {
        let weak = self.me.clone();
        self.st.hook_signal(
            libc::SIGCHLD,
            Some(Rc::new(move |rt: &Runtime| {
                if let Some(c) = weak.upgrade() {
                    c.reap(rt)
                }
            })),
        );
    }

    /// Starts a child (flushing our output first, catching SIGCHLD before it can
    /// exit). Failures Node reports asynchronously give a child that emits `error`.
    pub(super) fn start(&self, spec: &options::Spawn) -> Res<ChildProcess> {
        let st = &self.st;
        st.flush();
        if self.reaper.borrow().is_empty() {
            self.hold_sigchld();
        }
        let (spawned, contained) = match contain::spawn(st, spec) {
            Ok(r) => r,
            Err(e) => {
                if self.reaper.borrow().is_empty() && !contain::contained(&self.st) {
                    st.hook_signal(libc::SIGCHLD, None);
                }
                return Err(e);
            }
        };
        match spawned {
            Ok(mut sp) => {
                let channel = spec.ipc.and_then(|i| sp.fds.get_mut(i).and_then(Option::take));
                let pid = sp.pid;
                let stdio = sp
                    .fds
                    .into_iter()
                    .enumerate()
                    .map(|(i, fd)| {
                        fd.map(|fd| {
                            if i == 0 {
                                let w = Writable::new(st, Some(fd));
                                w.set_peer(format!("the stdin of child {pid}"));
                                Stream::In(w)
                            } else {
                                Stream::Out(Readable::new(st, Some(fd)))
                            }
                        })
                    })
                    .collect();
                let guard = contain::Guard::new(Some(sp.pid), &contained);
                let c = ChildProcess::new(st, Some(sp.pid), spec.file.clone(), spec.args.clone(), stdio, guard);
                if let Some(fd) = channel {
                    c.attach_channel(fd);
                }
                self.reaper.borrow_mut().add(sp.pid, c.0.clone());
                c.announce();
                Ok(c)
            }
            Err(errno) => {
                if self.reaper.borrow().is_empty() && !contain::contained(&self.st) {
                    st.hook_signal(libc::SIGCHLD, None);
                }
                if !ASYNC_ERRORS.contains(&errno) {
                    return Err(error::throw(error::syscall("spawn", errno)));
                }
                let stdio = spec
                    .cmd
                    .stdio
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        (*s == Stdio::Pipe && spec.ipc != Some(i)).then(|| {
                            if i == 0 {
                                Stream::In(Writable::new(st, None))
                            } else {
                                Stream::Out(Readable::new(st, None))
                            }
                        })
                    })
                    .collect();
                let c = ChildProcess::new(
                    st,
                    None,
                    spec.file.clone(),
                    spec.args.clone(),
                    stdio,
                    contain::Guard::new(None, &contained),
                );
                c.fail_async(errno);
                Ok(c)
            }
        }
    }
}

impl Children {
    /// The groups our running `killTree` children lead (ended at a contained exit).
    pub fn live_groups(&self) -> Vec<i32> {
        self.reaper.borrow().data().filter_map(|c| c.guard.live_group()).collect()
    }
}
