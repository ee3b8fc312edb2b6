//! `--format json`: one JSON object per line (start, each check, summary), so a CI
//! step can stream it or read it with `jq`.

use std::io::Write;
use std::time::Duration;

use serde_json::{Value, json};

use super::{Plan, Reporter, Tally, runner_name, unified};
use crate::testcmd::check::{Outcome, Verdict};

pub struct Json;

fn emit(v: Value) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{v}").ok();
    out.flush().ok();
}

impl Reporter for Json {
    fn start(&mut self, plan: &Plan) {
        let (node, why) = match &plan.node {
            Some(Ok(v)) => (json!(v), Value::Null),
            Some(Err(e)) => (Value::Null, json!(e)),
            None => (Value::Null, Value::Null),
        };
        emit(json!({"type": "start", "checks": plan.checks, "cases": plan.cases, "jobs": plan.jobs,
            "node": node, "node_skipped_because": why}));
    }

    fn result(&mut self, o: &Outcome, _: &Tally) {
        let mut v = json!({"type": "check", "name": o.name, "runner": runner_name(o.kind),
            "ms": o.took.as_millis() as u64, "updated": o.updated});
        match &o.verdict {
            Verdict::Passed => v["result"] = json!("passed"),
            Verdict::Skipped(why) => {
                v["result"] = json!("skipped");
                v["reason"] = json!(why);
            }
            Verdict::Failed(problems) => {
                v["result"] = json!("failed");
                let list: Vec<Value> = problems
                    .iter()
                    .map(|p| {
                        let mut e = json!({"what": p.what, "note": p.note});
                        if let Some((exp, got)) = &p.diff {
                            e["expected"] = json!(exp);
                            e["got"] = json!(got);
                            e["diff"] = json!(unified(exp, got));
                            e["printed"] = json!(p.printed);
                        }
                        e
                    })
                    .collect();
                v["problems"] = Value::Array(list);
            }
        }
        emit(v);
    }

    fn finish(&mut self, t: &Tally, took: Duration) {
        emit(json!({"type": "summary", "passed": t.passed, "failed": t.failed, "skipped": t.skipped,
            "updated": t.updated, "ms": took.as_millis() as u64}));
    }
}
