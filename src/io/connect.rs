//! Connecting a stream: the addresses a name resolved to, tried in order until one
//! takes the connection, and a connect the kernel refused at once reported from the
//! poll phase like any other outcome (libuv's `delayed_error`), so a script always
//! hears `connect` or `error` after the call that started it returned.

use super::events::{Event, IoError, When};
use super::stream::{Phase, Stream};
use crate::net::Endpoint;
use crate::sys::errno::Errno;
use crate::sys::socket as sys;

impl<C: ?Sized + 'static> Stream<C> {
    /// Starts connecting an idle stream to the first of `targets`, falling back to
    /// the next ones: `Connect` (poll phase), or `Error` naming the last address,
    /// then `Close`.
    pub fn connect(&self, targets: Vec<Endpoint>) {
        if self.phase.get() != Phase::Idle {
            return;
        }
        if targets.is_empty() {
            let to = Endpoint::Tcp(([0, 0, 0, 0], 0).into());
            return self.destroy(Some(IoError::Connect { errno: Errno::EINVAL, to }));
        }
        *self.targets.borrow_mut() = targets.into();
        self.connect_next();
    }

    fn connect_next(&self) {
        loop {
            let Some(to) = self.targets.borrow().front().cloned() else { return };
            match sys::connect(&to) {
                Ok((fd, delayed)) => {
                    self.install(fd);
                    self.delayed_error.set(delayed);
                    self.phase.set(Phase::Connecting);
                    self.update();
                    return;
                }
                // No socket could be made for this address: the next one may do.
                Err(errno) => {
                    if self.targets.borrow().len() > 1 {
                        self.targets.borrow_mut().pop_front();
                        continue;
                    }
                    return self.destroy(Some(IoError::Connect { errno, to }));
                }
            }
        }
    }

    /// The connect finished (the socket became writable): open, or the next
    /// address, or the error.
    pub(super) fn on_connected(&self, cx: &C) {
        let connected = match self.delayed_error.take() {
            Some(e) => Err(e),
            None => match self.with_fd(sys::take_error) {
                Some(r) => r,
                None => return,
            },
        };
        if matches!(connected, Err(Errno::EINPROGRESS | Errno::EALREADY)) {
            return;
        }
        if let Err(errno) = connected {
            let failed = self.targets.borrow_mut().pop_front();
            if !self.targets.borrow().is_empty() {
                self.close_handle();
                return self.connect_next();
            }
            let to = failed.unwrap_or(Endpoint::Tcp(([0, 0, 0, 0], 0).into()));
            return self.destroy(Some(IoError::Connect { errno, to }));
        }
        self.targets.borrow_mut().clear();
        self.phase.set(Phase::Open);
        *self.remote.borrow_mut() = self.with_fd(sys::peer).flatten();
        self.flush(None);
        self.update();
        // Even when that first flush broke the stream: `connect`, then `error` and
        // `close` in the close phase, as the socket always did.
        self.emit(Some(cx), When::Now, Event::Connect);
    }
}
