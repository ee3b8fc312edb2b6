//! Starting a child: what to run, with which stdio, limits and permissions, turned
//! into a [`sys::spawn::Plan`](crate::sys::spawn::Plan) and handed to `sys::spawn`,
//! which does the `clone(CLONE_VM | CLONE_VFORK)` and the child's steps up to
//! `execve` (see there for the order and why the child may not allocate).
//!
//! Here: the C strings (`PATH` candidates, argv, `KEY=value` environment), the
//! stdio plan (a pipe or socketpair per `Pipe` index, the parent keeping its end
//! non-blocking; `/dev/null` for `Ignore`; a number for `Inherit` and Node's
//! `stdio: [n]`), and the containment and confinement prepared for this child. The
//! child ends of the pipes are owned here until the child has exec'd (the plan
//! borrows them), then closed.

use std::ffi::CString;
use std::os::fd::{AsFd, OwnedFd, RawFd};

use super::command::{Command, Stdio};
use super::confine;
use crate::sys::errno::{Errno, SysResult};
use crate::sys::fd as pipe;
use crate::sys::spawn::{self as sys, Source};

/// A started child: its pid and, per stdio index, the parent's end of a pipe.
#[derive(Debug)]
pub struct Spawned {
    pub pid: i32,
    pub fds: Vec<Option<OwnedFd>>,
}

fn cstring(s: &str) -> SysResult<CString> {
    CString::new(s).map_err(|_| Errno::EINVAL)
}

/// `KEY=VALUE`, one entry of the child's environment, built from the bytes: a
/// `format!` per variable was about a third of a pipe spawn's instructions.
fn env_entry(k: &str, v: &str) -> SysResult<CString> {
    let mut b = Vec::with_capacity(k.len() + v.len() + 2);
    b.extend_from_slice(k.as_bytes());
    b.push(b'=');
    b.extend_from_slice(v.as_bytes());
    CString::new(b).map_err(|_| Errno::EINVAL)
}

/// Starts `cmd`. `Err(errno)` when it could not run: ENOENT/EACCES from the exec,
/// ENOENT/ENOTDIR from `cwd`, EAGAIN from the process limit, EINVAL for a NUL byte.
pub fn spawn(cmd: &Command) -> SysResult<Spawned> {
    let candidates = cmd.candidates().iter().map(|s| cstring(s)).collect::<Result<Vec<_>, _>>()?;
    let argv = cmd.argv.iter().map(|s| cstring(s)).collect::<Result<Vec<_>, _>>()?;
    let env = cmd.env.iter().map(|(k, v)| env_entry(k, v)).collect::<Result<Vec<_>, _>>()?;
    let cwd = cmd.cwd.as_deref().map(cstring).transpose()?;

    // The child ends, owned here until the child has exec'd; `stdio` names them.
    let mut child_ends: Vec<Option<OwnedFd>> = Vec::with_capacity(cmd.stdio.len());
    let mut parent_fds = Vec::with_capacity(cmd.stdio.len());
    for (i, s) in cmd.stdio.iter().enumerate() {
        let (theirs, mine) = match *s {
            Stdio::Pipe => {
                let (mine, theirs) = match i {
                    0 => {
                        let (r, w) = pipe::pipe()?;
                        (w, r)
                    }
                    1 | 2 => pipe::pipe()?,
                    _ => pipe::socketpair()?,
                };
                pipe::set_nonblocking(mine.as_fd(), true)?;
                (Some(theirs), Some(mine))
            }
            _ => (None, None),
        };
        child_ends.push(theirs);
        parent_fds.push(mine);
    }
    let ignored = cmd.stdio.iter().take(3).any(|s| matches!(s, Stdio::Ignore));
    let null = if ignored { Some(pipe::dev_null()?) } else { None };
    let stdio = cmd
        .stdio
        .iter()
        .zip(&child_ends)
        .enumerate()
        .map(|(i, (s, end))| match (s, end, null) {
            (_, Some(end), _) => Source::Fd(end.as_fd()),
            (Stdio::Inherit, ..) => Source::Number(i as RawFd),
            (Stdio::Ignore, _, Some(null)) if i <= 2 => Source::Fd(null),
            (Stdio::Fd(n), ..) => Source::Number(*n),
            _ => Source::None,
        })
        .collect::<Vec<_>>();
    let confine = cmd.confine.as_deref().map(|c| confine::prepare(c, stdio.len(), cmd.uid)).transpose()?;
    let plan = sys::Plan {
        program: sys::exec::Program::new(candidates, argv, env),
        cwd,
        stdio,
        detached: cmd.detached,
        uid: cmd.uid,
        gid: cmd.gid,
        contain: super::contain::prepare(&cmd.contain, cmd.detached),
        confine,
    };
    let pid = sys::spawn(plan)?;
    drop(child_ends);
    Ok(Spawned { pid, fds: parent_fds })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::child::reap::{Status, wait};
    use std::io::Read;

    fn output(cmd: &Command) -> (String, Status) {
        let sp = spawn(cmd).unwrap();
        let mut out = String::new();
        let fd = sp.fds.into_iter().nth(1).flatten().unwrap();
        // Blocking reads until EOF: clear the parent end's O_NONBLOCK.
        pipe::set_nonblocking(fd.as_fd(), false).unwrap();
        let mut f = std::fs::File::from(fd);
        f.read_to_string(&mut out).unwrap();
        (out, wait(sp.pid))
    }

    #[test]
    fn runs_with_args_env_and_cwd() {
        let mut c = Command::new("sh", &["-c", "echo $0 $1 $FOO; pwd"]);
        c.argv.extend(["zero".into(), "one".into()]);
        c.env = vec![("FOO".into(), "bar".into()), ("PATH".into(), "/usr/bin:/bin".into())];
        c.cwd = Some("/".into());
        c.stdio = vec![Stdio::Ignore, Stdio::Pipe, Stdio::Inherit];
        assert_eq!(output(&c), ("zero one bar\n/\n".into(), Status::Exited(0)));
    }

    #[test]
    fn exec_failures_come_back_as_errno() {
        let mut c = Command::new("no-such-command-xyz", &[]);
        c.stdio = vec![Stdio::Ignore; 3];
        assert_eq!(spawn(&c).unwrap_err(), Errno::ENOENT);
        c.file = "/etc/passwd".into();
        assert_eq!(spawn(&c).unwrap_err(), Errno::EACCES);
        c.file = "sh".into();
        c.cwd = Some("/nonexistent-dir".into());
        assert_eq!(spawn(&c).unwrap_err(), Errno::ENOENT);
        c.cwd = None;
        c.env = vec![("PATH".into(), "/nonexistent".into())];
        assert_eq!(spawn(&c).unwrap_err(), Errno::ENOENT);
    }

    #[test]
    fn signals_are_reset_in_the_child() {
        use nix::sys::signal::{SigHandler, Signal, signal};
        // SAFETY: SIG_IGN installs no handler code; it only changes the disposition.
        unsafe { signal(Signal::SIGPIPE, SigHandler::SigIgn) }.unwrap();
        let mut c = Command::new("sh", &["-c", "grep -E '^Sig(Ign|Blk)' /proc/self/status"]);
        c.stdio = vec![Stdio::Ignore, Stdio::Pipe, Stdio::Inherit];
        let (out, _) = output(&c);
        assert_eq!(out, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
    }

    #[test]
    fn detached_child_gets_its_own_session() {
        let mut c = Command::new("sh", &["-c", "ps -o sid=,pgid= -p $$"]);
        c.stdio = vec![Stdio::Ignore, Stdio::Pipe, Stdio::Inherit];
        c.detached = true;
        let sp_out = output(&c).0;
        let ids: Vec<&str> = sp_out.split_whitespace().collect();
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[0], ids[1]);
        assert_ne!(ids[0], nix::unistd::getsid(None).unwrap().to_string());
    }
}
