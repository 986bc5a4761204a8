//! Escalation benchmarks: 1,000,000 open tickets with handling deadlines spread over 30 days
//! and 30 daily sweeps that escalate the overdue ones, with deadlines renewed in working time.
//! Reports (a) finding what is due from the deadline index versus a full scan, and (b) the
//! whole sweeps (evaluate and apply through the lifecycle).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use common::{build_city_with_centres, centre_of, random_grids, Rng};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use wangge::calendar::Calendar;
use wangge::escalation::{
    evaluate, evaluate_parallel, sweep, sweep_parallel, EscalationPolicy, Response, Rule, Trigger,
};
use wangge::hierarchy::NodeKind;
use wangge::sla::{Amount, ServiceLevels, ServicePolicy, Targets};
use wangge::ticket::{Action, ActorKey, DeadlineKind, Ledger, NewTicket, Taxonomy, TicketKey};
use wangge::time::Timestamp;

const N: usize = 1_000_000;

fn calendar() -> Calendar {
    Calendar::china()
}

fn policy() -> EscalationPolicy {
    EscalationPolicy {
        format: "wangge.escalation_policy".into(),
        version: 1,
        name: "bench".into(),
        top: Some(NodeKind::District),
        rules: vec![Rule {
            name: "handle-overdue".into(),
            category: None,
            when: Trigger::DeadlineMissed {
                deadline: DeadlineKind::Handle,
                grace: None,
            },
            then: vec![Response::Escalate { to: None }],
        }],
    }
}

/// 1M tickets dispatched to their grids, each with a handling deadline at a random instant
/// within 30 days; service levels (5 working days to handle) renew deadlines on escalation.
fn prepared() -> Ledger {
    let h = Arc::new(build_city_with_centres());
    let mut l = Ledger::new(h.clone(), Arc::new(Taxonomy::default()));
    l.reserve(N);
    let t0: Timestamp = "2025-03-02T20:00:00+08:00".parse().unwrap();
    let mut rng = Rng(11);
    for (i, grid) in random_grids(&h, N).into_iter().enumerate() {
        let id = h.id(grid).unwrap().to_string();
        let key = l
            .report(
                NewTicket::new(&format!("T{i:07}"), "livelihood.repair", &id).unwrap(),
                &id,
                t0,
            )
            .unwrap();
        let centre = ActorKey::node(centre_of(&h, grid));
        l.apply_key(key, centre, t0, &Action::File).unwrap();
        l.apply_key(
            key,
            centre,
            t0,
            &Action::Dispatch {
                to: id.parse().unwrap(),
            },
        )
        .unwrap();
        let due = t0.plus_seconds(3600 + rng.below(30 * 86_400) as i64);
        l.apply_key(
            key,
            ActorKey::SYSTEM,
            t0,
            &Action::SetDeadline {
                deadline: DeadlineKind::Handle,
                due,
            },
        )
        .unwrap();
    }
    let levels = ServiceLevels {
        policy: ServicePolicy::uniform(
            "bench",
            Targets {
                handle: Some(Amount::WorkingDays(5)),
                ..Targets::default()
            },
        ),
        calendar: calendar(),
    };
    // Attach the levels without recomputing: the deadlines above stand until an escalation.
    l.attach_service_levels(Arc::new(levels));
    l
}

fn days(n: i64) -> Timestamp {
    "2025-03-03T09:00:00+08:00"
        .parse::<Timestamp>()
        .unwrap()
        .plus_seconds(n * 86_400)
}

fn bench(c: &mut Criterion) {
    let cal = calendar();
    let p = policy();
    let template = prepared();
    let mut g = c.benchmark_group("escalation");
    g.sample_size(10);

    // (a)+(b): evaluate and apply, 30 daily sweeps.
    {
        let mut l = template.clone();
        let start = Instant::now();
        let mut decisions = 0;
        let mut eval_time = 0.0;
        let (mut index_time, mut scan_time, mut due_found) = (0.0, 0.0, 0usize);
        for d in 1..=30 {
            // (a) Finding what is due now: the index, then a full scan for comparison.
            let now = days(d);
            let s = Instant::now();
            let by_index = l
                .due_until(now)
                .filter(|(_, _, k)| *k == DeadlineKind::Handle)
                .count();
            index_time += s.elapsed().as_secs_f64();
            let s = Instant::now();
            let by_scan = l
                .tickets()
                .filter(|t| {
                    t.state().is_open()
                        && t.deadline(DeadlineKind::Handle)
                            .is_some_and(|due| due <= now)
                })
                .count();
            scan_time += s.elapsed().as_secs_f64();
            black_box(by_scan);
            due_found += by_index;
            let s = Instant::now();
            let ds = evaluate(days(d), &l, &p, &cal).unwrap();
            eval_time += s.elapsed().as_secs_f64();
            decisions += ds.len();
            wangge::escalation::apply(&mut l, &ds, days(d));
        }
        let total = start.elapsed().as_secs_f64();
        let escalations: u64 = l.tickets().map(|t| u64::from(t.escalations())).sum();
        println!(
            "escalation/(a) in the sweeps: index {:.2} ms for {} due entries vs full scan {:.0} ms = {:.0}x",
            index_time * 1e3,
            due_found,
            scan_time * 1e3,
            scan_time / index_time
        );
        let total = total - index_time - scan_time;
        println!(
            "escalation/one run: 30 sweeps in {:.0} ms (evaluate {:.0} ms, apply {:.0} ms); {} decisions, {} escalations",
            total * 1e3,
            eval_time * 1e3,
            (total - eval_time) * 1e3,
            decisions,
            escalations
        );
    }
    // The same sweeps with the evaluation on 2 threads (same decisions; one measured run).
    {
        let mut l = template.clone();
        let (mut eval_time, mut total, mut decisions) = (0.0, 0.0, 0);
        for d in 1..=30 {
            let s = Instant::now();
            let ds = evaluate_parallel(days(d), &l, &p, &cal, 2).unwrap();
            eval_time += s.elapsed().as_secs_f64();
            decisions += ds.len();
            wangge::escalation::apply(&mut l, &ds, days(d));
            total += s.elapsed().as_secs_f64();
        }
        println!(
            "escalation/one run, evaluation on 2 threads: 30 sweeps in {:.0} ms (evaluate {:.0} ms, apply {:.0} ms); {} decisions",
            total * 1e3,
            eval_time * 1e3,
            (total - eval_time) * 1e3,
            decisions
        );
    }
    g.throughput(Throughput::Elements(30));
    g.bench_function("(a)+(b) 30 sweeps over 1M open tickets", |b| {
        b.iter_batched(
            || template.clone(),
            |mut l| {
                for d in 1..=30 {
                    black_box(sweep(&mut l, days(d), &p, &cal).unwrap().len());
                }
                l
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function(
        "(a)+(b) 30 sweeps over 1M open tickets, evaluation on 2 threads",
        |b| {
            b.iter_batched(
                || template.clone(),
                |mut l| {
                    for d in 1..=30 {
                        black_box(sweep_parallel(&mut l, days(d), &p, &cal, 2).unwrap().len());
                    }
                    l
                },
                BatchSize::PerIteration,
            )
        },
    );
    g.finish();
    let _ = TicketKey::from_index(0);
}

criterion_group!(benches, bench);
criterion_main!(benches);
