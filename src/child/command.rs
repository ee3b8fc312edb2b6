//! What to run: the program, its argv and environment, its directory, its stdio and
//! its session. Plain data; [`super::spawn`] turns it into a process.

use std::os::fd::RawFd;

/// What the child gets at one stdio index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stdio {
    /// A new pipe (a socketpair above index 2, which is two-way); the parent keeps
    /// the other end.
    Pipe,
    /// The parent's own descriptor at the same index.
    Inherit,
    /// `/dev/null` for indexes 0–2; nothing above.
    Ignore,
    /// This descriptor of the parent, by number: Node's `stdio: [n]` names it so, the
    /// parent keeps owning it, and the child only `dup2`s the number (see `spawn`).
    Fd(RawFd),
}

#[derive(Clone, Debug, Default)]
pub struct Command {
    /// The program: a path, or a name looked up in the `PATH` of [`Command::env`].
    pub file: String,
    /// The whole argv, `argv[0]` included.
    pub argv: Vec<String>,
    /// The child's complete environment.
    pub env: Vec<(String, String)>,
    pub cwd: Option<String>,
    pub stdio: Vec<Stdio>,
    /// A new session and process group (`setsid`), no controlling terminal.
    pub detached: bool,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    /// The permission policy's kernel confinement, built before the spawn.
    pub confine: Option<std::sync::Arc<crate::perm::kernel::Confinement>>,
    /// Process group, lifeline, limits, PID namespace (`super::contain`).
    pub contain: super::contain::Contain,
}

pub use crate::sys::environ::DEFAULT_PATH;

impl Command {
    /// A command running `file` with `args` (argv[0] is `file`), the current
    /// environment and pipes for stdin, stdout and stderr, as `spawn` defaults to.
    #[cfg(test)]
    pub fn new(file: &str, args: &[&str]) -> Command {
        Command {
            file: file.to_string(),
            argv: std::iter::once(file).chain(args.iter().copied()).map(String::from).collect(),
            env: crate::sys::environ::snapshot(),
            stdio: vec![Stdio::Pipe; 3],
            ..Command::default()
        }
    }

    /// The paths `execve` is tried on, in order: the file itself when it names a
    /// path, else each `PATH` directory of the child's environment.
    pub fn candidates(&self) -> Vec<String> {
        if self.file.contains('/') {
            return vec![self.file.clone()];
        }
        let path = self.env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.as_str()).unwrap_or(DEFAULT_PATH);
        path.split(':')
            .map(|dir| {
                if dir.is_empty() { self.file.clone() } else { format!("{}/{}", dir.trim_end_matches('/'), self.file) }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_lookup_uses_the_child_env() {
        let mut c = Command::new("ls", &[]);
        c.env = vec![("PATH".into(), "/a:/b/:".into())];
        assert_eq!(c.candidates(), ["/a/ls", "/b/ls", "ls"]);
        c.env.clear();
        assert_eq!(c.candidates(), ["/usr/bin/ls", "/bin/ls"]);
        c.file = "./x".into();
        assert_eq!(c.candidates(), ["./x"]);
    }
}
