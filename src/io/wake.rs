//! `Wake<C>`: a descriptor written by another thread or a signal handler to wake the
//! loop, libuv's `uv_async_t` (and the internal watcher of its signal pipe): the fs
//! work queue's eventfd, the signal self-pipe, the REPL editor's wake pipe. It is an
//! io handle like a stream's or a listener's ([`Handle`]: the owned descriptor, its
//! token and interest, its liveness), so the reactor calls only io objects; its
//! binding hears [`Handler::ready`] with the descriptor to read, in the poll phase.
//!
//! A wake is watched for reading from [`Wake::open`] for good: the reactor's table
//! keeps it (and so its binding) for the reactor's life, as the runtime keeps its
//! signal pipe and work queue; nothing closes one.
//!
//! It never holds the loop (never active, as libuv's internal async handles are
//! unref'd): whoever waits on it keeps the loop alive by its own means (each fs job
//! is a request while it runs; the signal pipe and the REPL's wake keep nothing
//! alive).

use std::os::fd::{BorrowedFd, OwnedFd};
use std::rc::Rc;

use super::events::Handler;
use super::handle::Handle;
use super::reactor::{Interest, Reactor, Ready, Source, Token};
use crate::sys::errno::SysResult;

pub struct Wake<C: ?Sized> {
    handle: Handle<C>,
    to: Rc<dyn Handler<C>>,
}

impl<C: ?Sized + 'static> Wake<C> {
    /// Opens `fd` (non-blocking) in `reactor`, watched for reading, for good; `to`
    /// hears it is readable. Returns its token (the runtime looks for the signal
    /// pipe's among the ready ones). A failure to watch closes `fd`.
    pub fn open(reactor: &Rc<Reactor<C>>, fd: OwnedFd, to: Rc<dyn Handler<C>>) -> SysResult<Token> {
        Self::open_kept(reactor, fd, to).map(|(token, _)| token)
    }

    /// [`Wake::open`], also handing back the wake, whose owner acts on its descriptor
    /// ([`Wake::fd`]: the idle grace arms its timer so, with no second descriptor).
    pub fn open_kept(reactor: &Rc<Reactor<C>>, fd: OwnedFd, to: Rc<dyn Handler<C>>) -> SysResult<(Token, Rc<Self>)> {
        let w = Rc::new(Wake { handle: Handle::new(fd, reactor), to });
        let token = w.handle.open(w.clone());
        if let Err(e) = w.handle.set_interest(Interest::READ) {
            // Out of the table: the last reference goes, and the handle closes `fd`.
            drop(w);
            reactor.close_token(token);
            return Err(e);
        }
        Ok((token, w))
    }

    /// The descriptor (open for the reactor's life, as the wake is).
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.handle.fd()
    }
}

impl<C: ?Sized + 'static> Source<C> for Wake<C> {
    fn on_ready(&self, cx: &C, _ready: Ready) {
        self.to.ready(cx, self.handle.fd());
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::os::fd::{AsFd, BorrowedFd};

    use super::*;
    use crate::event_loop::Counts;
    use crate::io::events::Event;

    /// Records what each wake-up read.
    #[derive(Default)]
    struct Reads(RefCell<Vec<Vec<u8>>>);

    impl Handler<()> for Reads {
        fn event(&self, _cx: &(), ev: Event) -> bool {
            panic!("a wake sends no events, got {ev:?}");
        }
        fn ready(&self, _cx: &(), fd: BorrowedFd<'_>) {
            let mut buf = [0u8; 16];
            let n = nix::unistd::read(fd, &mut buf).expect("readable");
            self.0.borrow_mut().push(buf.get(..n).unwrap_or_default().to_vec());
        }
    }

    #[test]
    fn wakes_its_binding_with_the_descriptor_and_never_holds_the_loop() {
        let live = Rc::new(Counts::default());
        let reactor = Rc::new(Reactor::<()>::new(live.clone()).expect("epoll"));
        let (r, w) = crate::sys::fd::wake_pipe().expect("pipe");
        let reads = Rc::new(Reads::default());
        let token = Wake::open(&reactor, r, reads.clone()).expect("watch");
        assert_eq!(reactor.watched(), vec![Interest::READ]);
        assert_eq!((live.handles(), live.requests()), (0, 0), "a wake keeps nothing alive");
        assert_eq!(reactor.wait(0).expect("wait").len(), 0, "nothing written: not ready");
        crate::sys::fd::write_some(w.as_fd(), b"!").expect("write");
        let ready = reactor.wait(1000).expect("wait");
        assert_eq!(ready.iter().map(|r| r.token).collect::<Vec<_>>(), vec![token]);
        for r in ready {
            reactor.dispatch(&(), r);
        }
        assert_eq!(*reads.0.borrow(), vec![b"!".to_vec()]);
        // The table keeps the wake, and so its binding, with nobody else holding it.
        assert_eq!(Rc::strong_count(&reads), 2);
        assert_eq!(reactor.open_count(), 1);
    }
}
