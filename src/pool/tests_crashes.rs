//! A worker dying with jobs sent ahead (issue 12 point 9): answers it gave before
//! dying settle their own jobs, the job it was running fails once (or is re-run as
//! often as `retries` allows, counted), and the ones it had only prefetched run
//! once, elsewhere. The bindings report a worker's answers before its exit (the
//! channel is read to its end first); these tests hold the core to its part.

use super::tests::{P, fails, sends, spawned, take, warm};
use super::*;

/// One tagged worker holding a, b, c, d (a running, the rest prefetched).
fn pipelined(retries: u32) -> (P, WorkerId, Vec<JobId>) {
    let (mut p, ws) = warm(1, true);
    p.cfg.retries = retries;
    for (i, job) in ["a", "b", "c", "d"].into_iter().enumerate() {
        p.submit(job, i as u32, 10).unwrap();
    }
    let ids: Vec<JobId> =
        take(&mut p).iter().filter_map(|a| if let Action::Send { job, .. } = a { Some(*job) } else { None }).collect();
    assert_eq!(ids.len(), 4, "all four sent ahead");
    (p, ws[0], ids)
}

#[test]
fn answers_received_before_a_death_settle_their_own_jobs() {
    let (mut p, w, ids) = pipelined(0);
    // a answered, then the worker died during b: the answer comes first.
    assert_eq!(p.complete(w, Some(ids[0]), true, 11), Some((ids[0], 0)));
    p.exited(w, Some(7), None, 12);
    let acts = take(&mut p);
    assert_eq!(fails(&acts), [(1, Failure::Crashed { code: Some(7), signal: None })], "b fails, not a");
    let repl = spawned(&acts)[0];
    p.ready(repl, true, 13);
    let order: Vec<_> = sends(&take(&mut p)).into_iter().map(|(_, j)| j).collect();
    assert_eq!(order, ["c", "d"], "b is not run again");
    // A late answer for b from the dead worker (or a replacement's answer for a job
    // it does not hold) settles nothing.
    assert_eq!(p.complete(w, Some(ids[1]), true, 14), None);
    assert_eq!(p.complete(repl, Some(ids[1]), true, 14), None);
    let s = p.stats();
    assert_eq!((s.completed, s.failed, s.retried, s.queued + s.running), (2, 1, 0, 2));
}

#[test]
fn answers_out_of_order_then_a_death_fail_only_the_unanswered_running_job() {
    let (mut p, w, ids) = pipelined(0);
    // a and b answered; the worker dies in c; d was only prefetched.
    p.complete(w, Some(ids[0]), true, 11).unwrap();
    p.complete(w, Some(ids[1]), false, 11).unwrap();
    p.exited(w, None, Some(9), 12);
    let acts = take(&mut p);
    assert_eq!(fails(&acts), [(2, Failure::Crashed { code: None, signal: Some(9) })]);
    p.ready(spawned(&acts)[0], true, 13);
    assert_eq!(sends(&take(&mut p)).into_iter().map(|(_, j)| j).collect::<Vec<_>>(), ["d"]);
}

#[test]
fn retries_rerun_the_crashed_job_first_and_count_it_then_fail_it_once() {
    let (mut p, w, ids) = pipelined(1);
    p.complete(w, Some(ids[0]), true, 11).unwrap();
    p.exited(w, Some(7), None, 12);
    let acts = take(&mut p);
    assert!(fails(&acts).is_empty(), "one retry left: b is not failed");
    let w2 = spawned(&acts)[0];
    p.ready(w2, true, 13);
    let sent: Vec<_> = take(&mut p)
        .into_iter()
        .filter_map(|a| if let Action::Send { job, payload, .. } = a { Some((job, payload)) } else { None })
        .collect();
    assert_eq!(sent.iter().map(|s| s.1).collect::<Vec<_>>(), ["b", "c", "d"], "b again, first");
    assert_eq!(sent[0].0, ids[1], "the same job, not a new one");
    assert_eq!(p.stats().retried, 1);
    // It dies again in b: no retry left, b fails (once), c and d go on.
    p.exited(w2, Some(7), None, 14);
    let acts = take(&mut p);
    assert_eq!(fails(&acts), [(1, Failure::Crashed { code: Some(7), signal: None })]);
    p.ready(spawned(&acts)[0], true, 15);
    assert_eq!(sends(&take(&mut p)).into_iter().map(|(_, j)| j).collect::<Vec<_>>(), ["c", "d"]);
    let s = p.stats();
    assert_eq!((s.completed, s.failed, s.retried), (2, 1, 1));
}

#[test]
fn a_clean_exit_with_nothing_held_fails_nothing_and_never_retries() {
    let (mut p, w, ids) = pipelined(3);
    for id in &ids {
        p.complete(w, Some(*id), true, 11).unwrap();
    }
    p.exited(w, Some(0), None, 12);
    assert!(fails(&take(&mut p)).is_empty());
    assert_eq!(p.stats().retried, 0);
}
