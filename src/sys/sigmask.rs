//! Which thread a signal for the process lands on: every thread but the script's
//! blocks the asynchronous signals ([`block_async_in_this_thread`]), so the kernel
//! delivers them to the script's thread.

/// Blocks the asynchronous signals in the calling thread, for every thread but the
/// script's: a signal for the process then goes to the script's thread, so one it
/// sends itself (`process.kill(process.pid, …)`) is in the pipe when `kill` returns,
/// as in Node, where the script runs on the thread the signal lands on. (Left
/// unblocked elsewhere, the kernel may pick an idle thread, whose handler writes
/// the byte whenever that thread is scheduled: two signals sent one after the other
/// were then read in different loop turns on a loaded machine.) The faults a thread
/// causes itself stay unblocked.
pub fn block_async_in_this_thread() {
    use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};
    let mut set = SigSet::all();
    for s in [Signal::SIGSEGV, Signal::SIGBUS, Signal::SIGFPE, Signal::SIGILL, Signal::SIGTRAP, Signal::SIGSYS] {
        set.remove(s);
    }
    // Fails only for an invalid `how`.
    let _ = pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), None);
}
