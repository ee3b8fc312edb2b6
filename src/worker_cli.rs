//! `procbox worker --redis URL --queue NAME [--concurrency N] [--prefetch N]
//! [--visibility MS] [--max-deliveries N] script.rhai [args…]`: a worker of a pool
//! across machines. The command line becomes a call of the embedded
//! `stdlib/redis_worker.rhai`, run as the main script.

pub const USAGE: &str = "\
Usage: procbox worker --redis URL --queue NAME [--concurrency N] [--prefetch N]
                      [--visibility MS] [--max-deliveries N] script.rhai [args…]";

/// Rhai source text for a string.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The main script's text for `args` (what follows `worker`), and the worker
/// script's path; `Err` is the usage message with what was wrong.
pub fn script(args: &[String]) -> Result<(String, String), String> {
    let (mut url, mut queue, mut nums) = (None, None, Vec::new());
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let value = || args.get(i + 1).cloned().ok_or_else(|| format!("{a} needs a value\n{USAGE}"));
        match a {
            "--redis" => url = Some(value()?),
            "--queue" => queue = Some(value()?),
            "--concurrency" | "--prefetch" | "--visibility" | "--max-deliveries" => {
                let v = value()?;
                let n: u64 = v.parse().map_err(|_| format!("{a}: not a number: {v}\n{USAGE}"))?;
                let key = match a {
                    "--concurrency" => "concurrency",
                    "--prefetch" => "prefetch",
                    "--visibility" => "visibilityTimeout",
                    _ => "maxDeliveries",
                };
                nums.push(format!("{key}: {n}"));
            }
            _ if a.starts_with('-') => return Err(format!("unknown option {a}\n{USAGE}")),
            _ => break,
        }
        i += 2;
    }
    let (Some(url), Some(queue), Some(file)) = (url, queue, args.get(i)) else {
        return Err(format!("--redis, --queue and a worker script are required\n{USAGE}"));
    };
    let path = std::path::absolute(file).unwrap_or_else(|_| file.into()).display().to_string();
    if !std::path::Path::new(&path).is_file() {
        return Err(format!("cannot find worker script {file}"));
    }
    let text = format!(
        "import \"redis_worker\" as w;\nw::serve({}, {}, {}, #{{{}}});\n",
        quoted(&url),
        quoted(&queue),
        quoted(&path),
        nums.join(", ")
    );
    Ok((text, path))
}
