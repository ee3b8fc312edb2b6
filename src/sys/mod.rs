//! Rhai-free system facts and file-system operations behind `os`, `path` and `fs`:
//! what the machine is ([`host`]), Node's POSIX path algorithm ([`path`]), errno
//! names and messages as libuv gives them ([`errno`]), and the file operations
//! themselves ([`fs`]), with the worker threads that run them off the loop ([`work`]),
//! procbox's own copy of the environment ([`environ`]), and giving back start-up code
//! pages and free heap in an idle child ([`trim`]).

pub mod alarm;
pub mod environ;
pub mod errno;
pub mod fd;
pub mod fs;
pub mod host;
pub mod load;
pub mod path;
pub mod poll;
pub mod process;
pub mod signal;
pub mod sockaddr;
pub mod socket;
pub mod spawn;
pub mod task;
pub mod term;
pub mod trim;
pub mod work;
