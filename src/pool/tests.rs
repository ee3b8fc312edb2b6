//! The core's rules, driven by hand: each test plays the bindings' part (spawn,
//! ready, answers, exits, the clock) and checks the actions that come out.
//!
//! `libc::SIGTERM` here is a signal number, used as data; no libc function is called here
//! (system calls are [`crate::sys`]'s).

use super::*;

pub(super) type P = Pool<&'static str, u32>;

pub(super) fn cfg(max: usize) -> Config {
    Config::with_max(max)
}

pub(super) fn take(p: &mut P) -> Vec<Action<&'static str, u32>> {
    std::iter::from_fn(|| p.next_action()).collect()
}

pub(super) fn spawned(actions: &[Action<&'static str, u32>]) -> Vec<WorkerId> {
    actions.iter().filter_map(|a| if let Action::Spawn(w) = a { Some(*w) } else { None }).collect()
}

pub(super) fn sends(actions: &[Action<&'static str, u32>]) -> Vec<(WorkerId, &'static str)> {
    actions
        .iter()
        .filter_map(|a| if let Action::Send { worker, payload, .. } = a { Some((*worker, *payload)) } else { None })
        .collect()
}

pub(super) fn fails(actions: &[Action<&'static str, u32>]) -> Vec<(u32, Failure)> {
    actions
        .iter()
        .filter_map(
            |a| if let Action::Fail { ticket, failure, .. } = a { Some((*ticket, failure.clone())) } else { None },
        )
        .collect()
}

/// A pool of `max` plain workers, all ready, nothing queued.
pub(super) fn warm(max: usize, tagged: bool) -> (P, Vec<WorkerId>) {
    let mut p = P::new(cfg(max));
    for i in 0..max {
        p.submit("warm", 1000 + i as u32, 0).unwrap();
    }
    let ws = spawned(&take(&mut p));
    for &w in &ws {
        p.ready(w, tagged, 0);
    }
    let warmups = sends(&take(&mut p));
    for (w, _) in warmups {
        p.complete(w, None, true, 1).unwrap();
    }
    take(&mut p);
    (p, ws)
}

#[test]
fn never_more_workers_than_max_and_fifo() {
    // The seed's cap allowed cpus + 1 workers.
    let mut p = P::new(cfg(2));
    for (i, job) in ["a", "b", "c", "d", "e"].into_iter().enumerate() {
        p.submit(job, i as u32, 0).unwrap();
    }
    let ws = spawned(&take(&mut p));
    assert_eq!(ws.len(), 2);
    p.ready(ws[1], false, 1);
    p.ready(ws[0], false, 1);
    assert_eq!(sends(&take(&mut p)), [(ws[1], "a"), (ws[0], "b")]);
    assert_eq!(p.complete(ws[0], None, true, 2), Some((2, 1)));
    assert_eq!(sends(&take(&mut p)), [(ws[0], "c")]);
    let s = p.stats();
    assert_eq!((s.workers, s.busy, s.idle, s.queued, s.completed), (2, 2, 0, 2, 1));
}

#[test]
fn a_crash_fails_exactly_the_running_job_and_the_queue_goes_on() {
    let (mut p, ws) = warm(1, false);
    for (i, job) in ["a", "b", "c"].into_iter().enumerate() {
        p.submit(job, i as u32, 10).unwrap();
    }
    assert_eq!(sends(&take(&mut p)), [(ws[0], "a")]);
    p.exited(ws[0], None, Some(9), 20);
    let acts = take(&mut p);
    assert_eq!(fails(&acts), [(0, Failure::Crashed { code: None, signal: Some(9) })]);
    let repl = spawned(&acts);
    assert_eq!(repl.len(), 1, "a replacement, because jobs wait");
    // A late exit report or a stray answer from the dead worker changes nothing.
    p.exited(ws[0], Some(1), None, 21);
    assert_eq!(p.complete(ws[0], None, true, 21), None);
    assert!(take(&mut p).is_empty());
    p.ready(repl[0], false, 30);
    assert_eq!(sends(&take(&mut p)), [(repl[0], "b")]);
    assert_eq!(p.complete(repl[0], None, true, 31), Some((3, 1)));
    assert_eq!(sends(&take(&mut p)), [(repl[0], "c")]);
    let s = p.stats();
    assert_eq!((s.failed, s.respawned, s.completed), (1, 1, 2));
}

#[test]
fn prefetched_jobs_go_back_to_the_head_of_the_queue_in_order() {
    let (mut p, ws) = warm(1, true);
    for (i, job) in ["a", "b", "c", "d"].into_iter().enumerate() {
        p.submit(job, i as u32, 10).unwrap();
    }
    // The warm-up measured a 1 µs job: short jobs are pipelined, 4 deep.
    assert_eq!(sends(&take(&mut p)), [(ws[0], "a"), (ws[0], "b"), (ws[0], "c"), (ws[0], "d")]);
    assert_eq!(p.stats().queued, 3);
    p.submit("e", 4, 11).unwrap();
    p.exited(ws[0], Some(3), None, 12);
    let acts = take(&mut p);
    assert_eq!(fails(&acts), [(0, Failure::Crashed { code: Some(3), signal: None })]);
    let repl = spawned(&acts)[0];
    p.ready(repl, true, 13);
    // No run time measured on it yet, but the pool's estimate holds: pipelined again.
    let order: Vec<_> = sends(&take(&mut p)).into_iter().map(|(_, j)| j).collect();
    assert_eq!(order, ["b", "c", "d", "e"]);
}

#[test]
fn tagged_answers_name_their_job_and_stray_ones_are_ignored() {
    let (mut p, ws) = warm(1, true);
    p.submit("a", 0, 10).unwrap();
    p.submit("b", 1, 10).unwrap();
    let ids: Vec<JobId> =
        take(&mut p).iter().filter_map(|a| if let Action::Send { job, .. } = a { Some(*job) } else { None }).collect();
    assert_eq!(p.complete(ws[0], Some(999), true, 11), None);
    assert_eq!(p.ticket(ws[0], ids[1]), Some(&1));
    assert_eq!(p.complete(ws[0], Some(ids[0]), false, 12), Some((ids[0], 0)));
    assert_eq!(p.complete(ws[0], Some(ids[1]), true, 13), Some((ids[1], 1)));
    let s = p.stats();
    assert_eq!((s.failed, s.idle), (1, 1));
}

#[test]
fn long_jobs_and_plain_workers_are_never_pipelined() {
    let (mut p, ws) = warm(1, false);
    p.submit("a", 0, 10).unwrap();
    p.submit("b", 1, 10).unwrap();
    assert_eq!(sends(&take(&mut p)), [(ws[0], "a")], "plain: one job at a time");

    let (mut p, ws) = warm(1, true);
    p.submit("long", 0, 10).unwrap();
    take(&mut p);
    p.complete(ws[0], None, true, 10 + 50_000).unwrap();
    p.submit("a", 1, 60_000).unwrap();
    p.submit("b", 2, 60_000).unwrap();
    assert_eq!(sends(&take(&mut p)), [(ws[0], "a")], "a 50 ms job raised the estimate at once");
}

#[test]
fn a_larger_pipeline_budget_sends_longer_jobs_ahead() {
    // pipelineBudget: 100 ms. A job estimated at 50 ms goes behind one (50 < 100),
    // not behind two (100).
    let mut c = cfg(1);
    c.pipeline_budget = 100_000;
    let mut p = P::new(c);
    p.submit("long", 0, 0).unwrap();
    let w = spawned(&take(&mut p))[0];
    p.ready(w, true, 0);
    take(&mut p);
    p.complete(w, None, true, 50_000).unwrap();
    for (i, job) in ["a", "b", "c"].into_iter().enumerate() {
        p.submit(job, 1 + i as u32, 50_000).unwrap();
    }
    assert_eq!(sends(&take(&mut p)), [(w, "a"), (w, "b")]);
}

#[test]
fn a_job_past_its_timeout_fails_and_its_worker_is_killed_then_replaced() {
    let mut c = cfg(1);
    c.task_timeout = Some(100);
    c.kill_grace = 50;
    let mut p = P::new(c);
    p.submit("hang", 7, 0).unwrap();
    p.submit("next", 8, 0).unwrap();
    let w = spawned(&take(&mut p))[0];
    p.ready(w, false, 10);
    take(&mut p);
    assert_eq!(p.next_deadline(), Some(110));
    p.tick(109);
    assert!(take(&mut p).is_empty());
    p.tick(110);
    let acts = take(&mut p);
    assert_eq!(fails(&acts), [(7, Failure::TimedOut)]);
    assert!(acts.contains(&Action::Signal(w, Sig::Term)));
    let repl = spawned(&acts);
    assert_eq!(repl.len(), 1);
    assert_eq!(p.next_deadline(), Some(160));
    p.tick(160);
    assert_eq!(take(&mut p), [Action::Signal(w, Sig::Kill)]);
    p.exited(w, None, Some(9), 161);
    assert!(take(&mut p).is_empty(), "its job already failed; nothing fails twice");
    p.ready(repl[0], false, 170);
    assert_eq!(sends(&take(&mut p)), [(repl[0], "next")]);
}

#[test]
fn a_full_queue_refuses_jobs() {
    let mut c = cfg(1);
    c.max_queue = Some(1);
    let mut p = P::new(c);
    // Cold: one job for the starting worker, one waiting, then full.
    assert!(p.submit("a", 0, 0).is_ok());
    assert!(p.submit("b", 1, 0).is_ok());
    assert_eq!(p.submit("c", 2, 0), Err((2, Failure::QueueFull)));
    assert_eq!(p.stats().refused, 1);
}

#[test]
fn workers_are_recycled_after_max_tasks() {
    let mut c = cfg(1);
    c.max_tasks_per_worker = Some(2);
    let mut p = P::new(c);
    for (i, j) in ["a", "b", "c"].into_iter().enumerate() {
        p.submit(j, i as u32, 0).unwrap();
    }
    let w = spawned(&take(&mut p))[0];
    p.ready(w, true, 0);
    p.complete(w, None, true, 1);
    p.complete(w, None, true, 2);
    let acts = take(&mut p);
    assert!(acts.contains(&Action::Stop(w)));
    let repl = spawned(&acts);
    assert_eq!(repl.len(), 1);
    p.exited(w, Some(0), None, 3);
    p.ready(repl[0], true, 4);
    assert_eq!(sends(&take(&mut p)), [(repl[0], "c")]);
    assert_eq!(p.stats().respawned, 1);
}

#[test]
fn idle_workers_above_min_leave_after_idle_timeout() {
    let mut c = cfg(3);
    c.min = 1;
    c.idle_timeout = Some(1000);
    c.kill_grace = 1000;
    let mut p = P::new(c);
    assert_eq!(spawned(&take(&mut p)).len(), 1, "min workers start at once");
    for i in 0..3 {
        p.submit("j", i, 0).unwrap();
    }
    let mut ws = spawned(&take(&mut p));
    assert_eq!(ws.len(), 2, "the min worker is starting: it takes one");
    ws.insert(0, 1);
    for &w in &ws {
        p.ready(w, false, 10);
    }
    take(&mut p);
    for &w in &ws {
        p.complete(w, None, true, 20);
    }
    assert_eq!(p.next_deadline(), Some(1020));
    p.tick(1020);
    let stops: Vec<_> = take(&mut p).into_iter().filter(|a| matches!(a, Action::Stop(_))).collect();
    assert_eq!(stops.len(), 2, "down to min");
    assert_eq!(p.stats().idle, 1);
    assert_eq!(p.next_deadline(), Some(2020), "only the escalation of the slow stops");
}

#[test]
fn close_finishes_the_queue_then_stops_the_workers() {
    let (mut p, ws) = warm(2, false);
    p.submit("a", 0, 0).unwrap();
    p.submit("b", 1, 0).unwrap();
    p.submit("c", 2, 0).unwrap();
    take(&mut p);
    p.close(1);
    assert_eq!(p.submit("d", 3, 1), Err((3, Failure::Closed)));
    assert!(take(&mut p).is_empty(), "all busy");
    p.complete(ws[0], None, true, 2);
    assert_eq!(sends(&take(&mut p)).len(), 1, "c still runs");
    p.complete(ws[1], None, true, 3);
    assert_eq!(take(&mut p), [Action::Stop(ws[1])]);
    p.complete(ws[0], None, true, 4);
    assert_eq!(take(&mut p), [Action::Stop(ws[0])]);
    assert!(p.wants_ref() && !p.finished());
    p.exited(ws[0], Some(0), None, 5);
    p.exited(ws[1], Some(0), None, 5);
    assert!(p.finished() && !p.wants_ref());
    assert!(take(&mut p).is_empty(), "no replacement after close");
}

#[test]
fn terminate_fails_everything_and_escalates() {
    let mut c = cfg(1);
    c.kill_grace = 100;
    let mut p = P::new(c);
    p.submit("a", 0, 0).unwrap();
    p.submit("b", 1, 0).unwrap();
    let w = spawned(&take(&mut p))[0];
    p.ready(w, false, 0);
    take(&mut p);
    p.terminate(10);
    let acts = take(&mut p);
    assert_eq!(fails(&acts), [(0, Failure::Terminated), (1, Failure::Terminated)]);
    assert!(acts.contains(&Action::Signal(w, Sig::Term)));
    p.tick(110);
    assert_eq!(take(&mut p), [Action::Signal(w, Sig::Kill)]);
    p.exited(w, None, Some(9), 111);
    assert!(p.finished());
    assert!(take(&mut p).is_empty());
}

#[test]
fn a_worker_script_that_cannot_start_fails_the_queue_after_three_tries() {
    let mut p = P::new(cfg(1));
    p.submit("a", 0, 0).unwrap();
    p.submit("b", 1, 0).unwrap();
    for round in 0..3 {
        let w = spawned(&take(&mut p));
        assert_eq!(w.len(), 1, "round {round}");
        p.exited(w[0], Some(1), None, round);
    }
    let acts = take(&mut p);
    assert!(spawned(&acts).is_empty());
    let failure = Failure::StartFailed { code: Some(1), signal: None };
    assert_eq!(fails(&acts), [(0, failure.clone()), (1, failure)]);
    assert!(!p.wants_ref());
    // New work gets one more try.
    p.submit("c", 2, 10).unwrap();
    let w = spawned(&take(&mut p));
    assert_eq!(w.len(), 1);
    p.ready(w[0], false, 11);
    assert_eq!(sends(&take(&mut p)), [(w[0], "c")]);
}

#[test]
fn liveness_follows_work() {
    let mut c = cfg(1);
    c.min = 1;
    let mut p = P::new(c);
    let w = spawned(&take(&mut p))[0];
    assert!(!p.wants_ref(), "a starting min worker is no work");
    p.submit("a", 0, 0).unwrap();
    assert!(p.wants_ref());
    p.ready(w, false, 1);
    p.complete(w, None, true, 2);
    assert!(!p.wants_ref(), "idle workers do not keep the process alive");
}

#[test]
fn stats_report_mean_run_and_wait_times() {
    let mut p = P::new(cfg(1));
    p.submit("a", 0, 0).unwrap();
    p.submit("b", 1, 0).unwrap();
    let w = spawned(&take(&mut p))[0];
    p.ready(w, false, 100);
    p.complete(w, None, true, 300);
    p.complete(w, None, true, 400);
    let s = p.stats();
    assert_eq!((s.run_count, s.wait_count), (2, 2));
    assert_eq!(s.mean_run(), 150.0);
    assert_eq!(s.mean_wait(), 200.0);
}

#[test]
fn a_worker_whose_channel_closes_is_killed_and_its_job_fails_at_its_exit() {
    let (mut p, ws) = warm(2, false);
    p.submit("a", 0, 10).unwrap();
    let w = sends(&take(&mut p))[0].0;
    let other = if w == ws[0] { ws[1] } else { ws[0] };
    p.disconnected(w, 11);
    assert_eq!(take(&mut p), [Action::Signal(w, Sig::Term)]);
    p.submit("b", 1, 12).unwrap();
    assert_eq!(sends(&take(&mut p)), [(other, "b")], "no new job for it");
    p.exited(w, None, Some(libc::SIGTERM), 13);
    let failure = Failure::Crashed { code: None, signal: Some(libc::SIGTERM) };
    assert_eq!(fails(&take(&mut p)), [(0, failure)]);
}

#[test]
fn jobs_sent_ahead_say_so_and_the_default_pipeline_is_16_deep() {
    let (mut p, ws) = warm(1, true);
    for i in 0..20 {
        p.submit("j", i, 10).unwrap();
    }
    let ahead: Vec<bool> = take(&mut p)
        .iter()
        .filter_map(|a| if let Action::Send { ahead, .. } = a { Some(*ahead) } else { None })
        .collect();
    // The first starts an idle worker (written at once); the rest wait behind it.
    assert_eq!(ahead.len(), config::PIPELINE);
    assert!(!ahead[0] && ahead[1..].iter().all(|&a| a), "{ahead:?}");
    assert_eq!(p.stats().queued, 20 - 1);
    p.complete(ws[0], None, true, 11).unwrap();
    assert_eq!(sends(&take(&mut p)).len(), 1, "one answer, one more sent ahead");
}
