//! procbox: Rhai scripts with Node's process model. This file reads the command line
//! and hands the script to the runtime.

#![deny(clippy::undocumented_unsafe_blocks)]
// A str sliced inside a character panics, and release builds abort on panic: every
// byte-index slice of a string is either rewritten or allowed with the reason it is
// a boundary (docs/notes/audit.md).
#![deny(clippy::string_slice)]
// Outside tests, a value that may be absent is handled, or `expect`s with the reason
// it cannot be (the audit in docs/notes/audit.md lists them).
#![cfg_attr(not(test), deny(clippy::unwrap_used))]

mod api;
mod child;
mod event_loop;
mod io;
mod ipc;
mod net;
mod nodeipc;
mod perm;
mod pool;
mod redis;
mod repl;
mod runtime;
mod signals;
mod sys;
mod testcmd;
mod value;
mod worker_cli;

use std::io::{IsTerminal, Read};

use runtime::{Launch, Runtime};

const HELP: &str = "\
Usage: procbox [options] [script.rhai [arguments]]
       procbox -e 'code' [arguments]
       procbox test [PATH...] [options]   (see procbox test --help)

Runs a Rhai script with Node's process model: the process object, an event loop
(nextTick, promises, timers, immediates, I/O, signals), child processes and IPC.

       procbox worker --redis URL --queue NAME [--concurrency N] script.rhai

Options:
  -e, --eval CODE      run CODE instead of a file
  -i, --interactive    start the REPL even when stdin is not a terminal
  --contain            every child gets killTree + lifeline; procbox becomes a
                       subreaper and ends what is left of its tree at exit
  -h, --help           show this help
  -v, --version        print the version

Permissions (any of them denies by default what is not allowed; every child is
confined by the kernel too: Landlock, seccomp, no_new_privs):
  --allow-run[=PROG,…]    programs children may run   (--deny-run[=…])
  --allow-read[=PATH,…]   files that may be read      (--deny-read[=…])
  --allow-write[=PATH,…]  files that may be written   (--deny-write[=…])
  --allow-net[=HOST:PORT,…] connections and listening (--deny-net[=…])
  --allow-env[=VAR,…]     variables process.env shows and children get
  -A, --allow-all         everything (and LD_PRELOAD & co. for children)
  --sandbox=best-effort   warn instead of failing where the kernel cannot enforce
  --prompt, --no-prompt   ask on a denial (the REPL on a terminal asks by default)
  --sandbox-report        print what this host's kernel can enforce

With no script and stdin not a terminal, the script is read from stdin.
";

/// Rhai recurses on the native stack; debug builds need far more than 8 MiB.
const STACK: usize = 256 << 20;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    sys::trim::tune_heap();
    let worker = std::thread::Builder::new().name("procbox".into()).stack_size(STACK).spawn(move || run(args));
    // Signals for the process go to the script's thread (see the function).
    sys::process::block_async_signals_in_this_thread();
    // The thread's 256 MiB stack is a mapping the OS may refuse (`ulimit -v`, no
    // memory, the thread limit): say so and exit 1 rather than abort.
    let code = match worker {
        Ok(w) => w.join().unwrap_or(70),
        Err(e) => fail(&format!("cannot start the script thread: {e}"), 1),
    };
    std::process::exit(code);
}

fn fail(msg: &str, code: i32) -> i32 {
    eprintln!("procbox: {msg}");
    code
}

fn run(mut args: Vec<String>) -> i32 {
    // Leading procbox flags, before the script (or -e), in any order: `--contain` and
    // the permission flags (which also go to execArgv).
    let n = args.iter().skip(1).take_while(|a| *a == "--contain" || perm::flags::is_flag(a)).count();
    let mut perm_flags: Vec<String> = args.drain(1..1 + n).collect();
    if perm_flags.iter().any(|a| a == "--contain") {
        perm_flags.retain(|a| a != "--contain");
        CONTAIN.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    let repl = args.len() == 1 || matches!(args.get(1).map(String::as_str), Some("-i" | "--interactive"));
    match perm::startup::apply(&perm_flags, repl) {
        Ok(perm::startup::Next::Run) => {}
        Ok(perm::startup::Next::Reported) => return 0,
        Err((msg, code)) => return fail(&msg, code),
    }
    let exec = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_else(|_| args[0].clone());
    let first = args.get(1).map(String::as_str);
    let (name, text, argv, exec_argv) = match first {
        Some("-h" | "--help") => {
            print!("{HELP}");
            return 0;
        }
        Some("-v" | "--version") => {
            println!("procbox v{}", env!("CARGO_PKG_VERSION"));
            return 0;
        }
        // A script file named `test` runs as `procbox ./test`.
        Some("test") => return testcmd::main(&args[2..]),
        Some("-e" | "--eval") => {
            let Some(code) = args.get(2) else { return fail(&format!("{} requires an argument", args[1]), 9) };
            let argv = std::iter::once(exec.clone()).chain(args[3..].iter().cloned()).collect();
            ("[eval]".to_string(), code.clone(), argv, vec![args[1].clone(), code.clone()])
        }
        Some("-i" | "--interactive") => return start_repl(exec, vec![args[1].clone()]),
        Some("-") => match read_stdin() {
            Ok(text) => (
                "[stdin]".to_string(),
                text,
                std::iter::once(exec.clone()).chain(args[2..].iter().cloned()).collect(),
                vec![],
            ),
            Err(e) => return fail(&format!("cannot read stdin: {e}"), 1),
        },
        Some("worker") => match worker_cli::script(&args[2..]) {
            Ok((text, path)) => ("[worker]".to_string(), text, vec![exec.clone(), path], vec![]),
            Err(msg) => return fail(&msg, 9),
        },
        Some(opt) if opt.starts_with('-') => return fail(&format!("bad option: {opt} (see --help)"), 9),
        Some(file) => {
            let path = std::path::absolute(file).unwrap_or_else(|_| file.into()).display().to_string();
            match std::fs::read_to_string(file) {
                Ok(text) => {
                    let argv = [exec.clone(), path.clone()].into_iter().chain(args[2..].iter().cloned()).collect();
                    (path, text, argv, vec![])
                }
                Err(e) => return fail(&format!("cannot open {file}: {e}"), 1),
            }
        }
        None if std::io::stdin().is_terminal() => return start_repl(exec, vec![]),
        None => match read_stdin() {
            Ok(text) => ("[stdin]".to_string(), text, vec![exec.clone()], vec![]),
            Err(e) => return fail(&format!("cannot read stdin: {e}"), 1),
        },
    };
    // Node puts its own flags in execArgv: the permission flags are procbox's.
    let exec_argv = perm_flags.iter().cloned().chain(exec_argv).collect();
    let rt = match new_runtime(Launch { argv, exec_argv }) {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the event loop: {e}"), 1),
    };
    rt.run_main(&name, &text)
}

/// The REPL; `process.argv` is only the executable, as in Node.
fn start_repl(exec: String, exec_argv: Vec<String>) -> i32 {
    match new_runtime(Launch { argv: vec![exec], exec_argv }) {
        Ok(rt) => repl::run(rt),
        Err(e) => fail(&format!("cannot start the event loop: {e}"), 1),
    }
}

/// `--contain` was given.
static CONTAIN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The runtime, contained when `--contain` was given.
fn new_runtime(launch: Launch) -> sys::errno::SysResult<Runtime> {
    let rt = Runtime::new(launch, api::register)?;
    if CONTAIN.load(std::sync::atomic::Ordering::Relaxed) {
        api::contain::enable(&rt.st, None)?;
    }
    Ok(rt)
}

fn read_stdin() -> std::io::Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s)
}
