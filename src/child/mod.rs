//! Child processes, without Rhai: describing a command, starting it, reaping it,
//! running it to completion synchronously, and capturing its output.
//!
//! - [`command`]: what to run (program, argv, environment, directory, stdio).
//! - [`spawn`]: starting it the way `posix_spawn` does (`clone(CLONE_VM | CLONE_VFORK)`),
//!   with exec failures reported through a close-on-exec pipe, as libuv does.
//! - [`confine`]: the child's side of a permission policy (Landlock, seccomp).
//! - [`contain`]: process group, lifeline, rlimits and PID namespace, between fork and exec.
//! - [`orphans`]: the subreaper's side: adopted orphans reaped, the tree ended at exit.
//! - [`tree`]: the live process tree from `/proc`.
//! - [`reap`]: `waitpid(pid, WNOHANG)` over our own children only.
//! - [`capture`]: output buffering with a `maxBuffer` limit (exec).
//! - [`sync`]: a private poll loop for `spawnSync` and friends.

pub mod capture;
pub mod command;
pub mod confine;
pub mod contain;
pub mod orphans;
pub mod reap;
pub mod spawn;
pub mod sync;
pub mod tree;

pub use command::{Command, Stdio};
pub use reap::{Reaper, Status};
pub use spawn::spawn;
