//! Metrics benchmarks: every metric over a year of 1,000,000 tickets grouped by grid and by
//! month, and the incremental accumulator's events per second.
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
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wangge::calendar::Calendar;
use wangge::hierarchy::NodeKind;
use wangge::metrics::{compute, GroupBy, MetricsAccumulator, MetricsOptions, PeriodBy};
use wangge::sla::{Amount, ServiceLevels, ServicePolicy, Targets};
use wangge::ticket::{Action, ActorKey, BulkItem, Ledger, NewTicket, Satisfaction, Taxonomy};
use wangge::time::Timestamp;

fn n() -> usize {
    std::env::var("WANGGE_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn calendar() -> Calendar {
    Calendar::china()
}

/// A year of tickets: reported at random instants of 2025 at random grids, each driven
/// through the main loop; one in ten is still open.
fn year() -> (Ledger, Vec<BulkItem>) {
    let h = Arc::new(build_city_with_centres());
    let mut l = Ledger::new(h.clone(), Arc::new(Taxonomy::default()));
    let n = n();
    l.reserve(n);
    let levels = ServiceLevels {
        policy: ServicePolicy::uniform(
            "bench",
            Targets {
                acknowledge: Some(Amount::WorkingHours(2)),
                handle: Some(Amount::WorkingDays(5)),
                ..Targets::default()
            },
        ),
        calendar: calendar(),
    };
    l.set_service_levels(Some(Arc::new(levels)), Timestamp::EPOCH)
        .unwrap();
    let start: Timestamp = "2025-01-01T00:00:00+08:00".parse().unwrap();
    let mut rng = Rng(5);
    let mut items = Vec::with_capacity(n * 6);
    let grids = random_grids(&h, n);
    let mut times: Vec<(i64, usize)> = (0..n)
        .map(|i| (rng.below(364 * 86_400) as i64, i))
        .collect();
    times.sort_unstable();
    for (offset, i) in times {
        let grid = grids[i];
        let id = h.id(grid).unwrap().to_string();
        let t0 = start.plus_seconds(offset);
        let key = l
            .report(
                NewTicket::new(&format!("T{i:07}"), "livelihood.repair", &id).unwrap(),
                &id,
                t0,
            )
            .unwrap();
        // The district's centre files, dispatches and calls back; the community verifies.
        let (g, c, z) = (
            ActorKey::node(grid),
            ActorKey::node(h.parent_key(grid).unwrap()),
            ActorKey::node(centre_of(&h, grid)),
        );
        let mut at = t0;
        let mut push = |actor, action, minutes: u64| {
            at = at.plus_seconds(60 * minutes as i64);
            items.push(BulkItem {
                ticket: key,
                actor,
                at,
                action,
            });
        };
        push(z, Action::File, 5);
        push(
            z,
            Action::Dispatch {
                to: id.parse().unwrap(),
            },
            5 + rng.below(60),
        );
        push(g, Action::Acknowledge, rng.below(240));
        if rng.below(10) == 0 {
            continue;
        }
        push(
            g,
            Action::Handle {
                outcome: String::new(),
            },
            rng.below(7 * 24 * 60),
        );
        push(
            c,
            Action::Verify {
                passed: true,
                note: None,
            },
            rng.below(24 * 60),
        );
        let s = [Satisfaction::Satisfied, Satisfaction::BasicallySatisfied][rng.below(2) as usize];
        push(z, Action::Visit { satisfaction: s }, rng.below(24 * 60));
    }
    (l, items)
}

fn bench(c: &mut Criterion) {
    let cal = calendar();
    let options = MetricsOptions {
        group_by: GroupBy::Level(NodeKind::Grid),
        period_by: PeriodBy::Month,
        ..MetricsOptions::default()
    };
    let (reported, items) = year();
    // The incremental accumulator, observing after every event (one measured run).
    let mut l = reported.clone();
    let mut acc = MetricsAccumulator::new(options.clone(), cal.clone());
    let mut observe_time = 0.0;
    let s = Instant::now();
    acc.observe_all(&l).unwrap();
    observe_time += s.elapsed().as_secs_f64();
    let mut events = l.len();
    for chunk in items.chunks(100_000) {
        let report = l.apply_bulk(chunk);
        assert!(report.errors.is_empty(), "{:?}", report.errors.first());
        let s = Instant::now();
        for item in chunk {
            acc.observe(&l, item.ticket).unwrap();
        }
        observe_time += s.elapsed().as_secs_f64();
        events += chunk.len();
    }
    println!(
        "metrics/incremental: {events} events observed in {:.0} ms = {:.2} M events/s",
        observe_time * 1e3,
        events as f64 / observe_time / 1e6
    );
    let batch = compute(&l, &cal, &options, None).unwrap();
    assert_eq!(acc.report(&l, None), batch);
    println!(
        "metrics/report: {} rows, {} grids",
        batch.rows.len(),
        batch.grids.len()
    );
    let mut g = c.benchmark_group("metrics");
    g.sample_size(10);
    g.throughput(Throughput::Elements(l.len() as u64));
    g.bench_function("all metrics, 1M tickets, by grid and month", |b| {
        b.iter(|| black_box(compute(&l, &cal, &options, None).unwrap().rows.len()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
