//! procbox: Rhai scripts with Node's process model. This file reads the command line
//! and hands the script to the runtime.

mod api;
mod child;
mod event_loop;
mod ipc;
mod net;
mod nodeipc;
mod pool;
mod repl;
mod runtime;
mod signals;
mod sys;
mod value;

use std::io::{IsTerminal, Read};

use runtime::{Launch, Runtime};

const HELP: &str = "\
Usage: procbox [options] [script.rhai [arguments]]
       procbox -e 'code' [arguments]

Runs a Rhai script with Node's process model: the process object, an event loop
(nextTick, promises, timers, immediates, I/O, signals), child processes and IPC.

Options:
  -e, --eval CODE      run CODE instead of a file
  -i, --interactive    start the REPL even when stdin is not a terminal
  --contain            every child gets killTree + lifeline; procbox becomes a
                       subreaper and ends what is left of its tree at exit
  -h, --help           show this help
  -v, --version        print the version

With no script and stdin not a terminal, the script is read from stdin.
";

/// Rhai recurses on the native stack; debug builds need far more than 8 MiB.
const STACK: usize = 256 << 20;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let worker = std::thread::Builder::new().name("procbox".into()).stack_size(STACK).spawn(move || run(args));
    let code = worker.expect("start the script thread").join().unwrap_or(70);
    std::process::exit(code);
}

fn fail(msg: &str, code: i32) -> i32 {
    eprintln!("procbox: {msg}");
    code
}

fn run(mut args: Vec<String>) -> i32 {
    // `--contain` may come first, before the script or the other options.
    let contain = args.get(1).is_some_and(|a| a == "--contain");
    if contain {
        args.remove(1);
        CONTAIN.store(true, std::sync::atomic::Ordering::Relaxed);
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
fn new_runtime(launch: Launch) -> std::io::Result<Runtime> {
    let rt = Runtime::new(launch)?;
    if CONTAIN.load(std::sync::atomic::Ordering::Relaxed) && api::contain::enable(&rt.st, None).is_err() {
        return Err(std::io::Error::last_os_error());
    }
    Ok(rt)
}

fn read_stdin() -> std::io::Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s)
}
