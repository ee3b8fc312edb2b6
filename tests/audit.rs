//! Issue 12 point 5 regressions (the reliability audit, docs/notes/audit.md): failures
//! the OS can cause at start-up are a message and an exit status, not a panic (an
//! abort in release builds, and a hang when the panic itself cannot allocate).

#[path = "support/bounded.rs"]
mod bounded;

use std::process::Command;

const EXE: &str = env!("CARGO_BIN_EXE_procbox");

/// The script thread's 256 MiB stack cannot be mapped under a 150 MB address-space
/// limit (procbox itself fits): before the fix that was a panic, which hung while
/// printing its backtrace with no memory left.
#[test]
fn a_script_thread_the_os_refuses_is_a_clear_error() {
    let out = bounded::output_within(
        Command::new("sh").args(["-c", "ulimit -v 150000 && exec \"$0\" -e 'print(\"ran\")'", EXE]),
        30,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(stderr.starts_with("procbox: cannot start the script thread:"), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    assert!(out.stdout.is_empty());
}

/// Sizes a script or a file chooses used to reach an allocation that aborts
/// procbox: `fs.readSync(fd, length)` with a huge length, and `readFileSync` of a
/// sparse file claiming a terabyte (Node refuses files over 2 GiB). Both are
/// catchable errors now.
#[test]
fn huge_read_sizes_are_errors_not_aborts() {
    let path = std::env::temp_dir().join(format!("procbox-audit-sparse-{}", std::process::id()));
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(1 << 40).unwrap();
    drop(f);
    let script = format!(
        r#"
        let fs = require("fs");
        try {{ fs.readSync(0, 1099511627776); }} catch (e) {{ print(`readSync: ${{e.name}} ${{e.code}}`); }}
        try {{ fs.readFileSync("{0}"); }} catch (e) {{ print(`readFileSync: ${{e.code}}`); }}
        fs.readFile("{0}", |err, data| print(`readFile: ${{err.code}}`));
        "#,
        path.display()
    );
    let out = bounded::output_within(Command::new(EXE).args(["-e", &script]), 60);
    let _ = std::fs::remove_file(&path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout,
        "readSync: RangeError ERR_OUT_OF_RANGE\nreadFileSync: EFBIG\nreadFile: EFBIG\n",
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}
