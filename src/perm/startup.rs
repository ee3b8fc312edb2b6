//! Applying the permission flags at start-up: the policy (intersected with the
//! one a parent procbox handed down in `PROCBOX_PERMISSIONS`), the check that the
//! kernel can enforce it for children, the environment `--allow-env` leaves, and
//! whether denials prompt.

use super::flags::{self, Options};
use super::{ENV_VAR, Perm, host, kernel, prompt};
use crate::sys::environ;

/// Variables procbox itself reads at start-up, whatever `--allow-env` says.
const INTERNAL_VARS: &[&str] = &["NODE_CHANNEL_FD", "NODE_CHANNEL_SERIALIZATION_MODE", "PROCBOX_POOL_WORKER"];

/// Carries `--sandbox=best-effort` to a child procbox next to the policy.
pub const SANDBOX_VAR: &str = "PROCBOX_SANDBOX";

static BEST_EFFORT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `--sandbox=best-effort` (or a parent's): gaps are warnings.
pub fn best_effort() -> bool {
    BEST_EFFORT.load(std::sync::atomic::Ordering::Relaxed)
}

/// What `main` does next.
pub enum Next {
    Run,
    /// `--sandbox-report` printed; exit 0.
    Reported,
}

/// Parses and installs the flags; `Err` is the start-up error to print (exit 9 for
/// a bad flag, 1 for what the kernel cannot enforce: `(message, code)`).
pub fn apply(args: &[String], repl: bool) -> Result<Next, (String, i32)> {
    let inherited = environ::get(ENV_VAR);
    let _ = environ::remove(ENV_VAR);
    let path = environ::get("PATH");
    let o: Options = flags::parse(args, inherited.as_deref(), path.as_deref()).map_err(|e| (e, 9))?;
    if o.report {
        print!("{}", host::report(&host::probe()));
        return Ok(Next::Reported);
    }
    let best = o.best_effort || environ::get(SANDBOX_VAR).as_deref() == Some("best-effort");
    let _ = environ::remove(SANDBOX_VAR);
    BEST_EFFORT.store(best, std::sync::atomic::Ordering::Relaxed);
    prompt::enable(o.prompt.unwrap_or(repl && std::io::IsTerminal::is_terminal(&std::io::stdin())));
    let Some(policy) = o.policy else { return Ok(Next::Run) };
    match kernel::build(&policy, false, best) {
        Err(e) => return Err((format!("cannot enforce the permissions: {e}"), 1)),
        Ok((_, warnings)) => {
            for w in warnings {
                eprintln!("procbox: warning: {w}");
            }
        }
    }
    let env = policy.rule(Perm::Env).clone();
    environ::retain(|k| INTERNAL_VARS.contains(&k) || env.check(k) == super::rule::Verdict::Allowed);
    super::set_current(Some(policy));
    Ok(Next::Run)
}
