//! Ticket benchmarks: 1,000,000 tickets driven through the six main transitions in bulk
//! (10% also escalated, 5% rejected then reopened), memory per closed ticket, and writing and
//! verifying the hash-chained log.
//!
//! The transitions run under the default authority (`gbt30428`: the district's operations
//! centre files, dispatches and calls back, the community verifies, the grid handles) and,
//! for comparison in the same run, under `legacy_permissive` with the actors of earlier
//! versions (the community files, dispatches, verifies and calls back): the cost of the
//! separation-of-duty checks.
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

use common::{build_city_with_centres, reported, reported_under, workload};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use wangge::ticket::authority::Authority;
use wangge::ticket::log::{read_events, read_events_parallel};
use wangge::ticket::{BulkItem, Ledger, TicketKey, Trust};

const N: usize = 1_000_000;

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn bench(c: &mut Criterion) {
    let h = Arc::new(build_city_with_centres());
    let mut g = c.benchmark_group("ticket");
    g.sample_size(10);

    // One measured run outside criterion for the memory figures; then the separation-of-duty
    // checks against the permissive rule of earlier versions, alternating runs in one process.
    {
        let before = rss_kib();
        let mut ledger = reported(&h, N);
        let items = workload(&ledger, 7);
        let start = Instant::now();
        let report = ledger.apply_bulk(&items);
        let elapsed = start.elapsed();
        assert!(report.errors.is_empty(), "{:?}", &report.errors[..1]);
        drop(report);
        drop(items);
        let after = rss_kib();
        let closed = ledger.tickets().filter(|t| !t.state().is_open()).count();
        println!(
            "ticket/one run: {} transitions in {:.1} ms = {:.1} M/s; {} closed; heap {} B/ticket; RSS growth {} B/ticket (includes the hash index)",
            items_len(&ledger),
            elapsed.as_secs_f64() * 1e3,
            items_len(&ledger) as f64 / elapsed.as_secs_f64() / 1e6,
            closed,
            ledger.heap_size() / N,
            match (before, after) {
                (Some(b), Some(a)) => ((a.saturating_sub(b)) * 1024 / N as u64).to_string(),
                _ => "n/a".into(),
            }
        );
    }
    {
        let strict = reported(&h, N);
        let strict_items = workload(&strict, 7);
        let legacy = reported_under(&h, N, Authority::legacy_permissive());
        let legacy_items = workload(&legacy, 7);
        let time = |template: &Ledger, items: &[BulkItem]| {
            let mut l = template.clone();
            let start = Instant::now();
            let report = l.apply_bulk(items);
            let elapsed = start.elapsed().as_secs_f64();
            assert!(report.errors.is_empty(), "{:?}", &report.errors[..1]);
            elapsed
        };
        let (mut s, mut p) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            s.push(time(&strict, &strict_items));
            p.push(time(&legacy, &legacy_items));
        }
        s.sort_by(f64::total_cmp);
        p.sort_by(f64::total_cmp);
        println!(
            "ticket/authority: W2 median of 5 alternating runs: gbt30428 {:.1} ms, legacy_permissive {:.1} ms: the separation-of-duty checks cost {:+.1}%",
            s[2] * 1e3,
            p[2] * 1e3,
            (s[2] / p[2] - 1.0) * 100.0
        );
    }

    let template = reported(&h, N);
    let items = workload(&template, 7);
    g.throughput(Throughput::Elements(items.len() as u64));
    g.bench_function(
        "1M tickets x 6 transitions, bulk, ticket after ticket",
        |b| {
            b.iter_batched(
                || template.clone(),
                |mut ledger| {
                    let report = ledger.apply_bulk(black_box(&items));
                    black_box(report.errors.len());
                    ledger
                },
                BatchSize::PerIteration,
            )
        },
    );
    let legacy = reported_under(&h, N, Authority::legacy_permissive());
    let legacy_items = workload(&legacy, 7);
    g.bench_function(
        "1M tickets x 6 transitions, bulk, ticket after ticket, legacy_permissive",
        |b| {
            b.iter_batched(
                || legacy.clone(),
                |mut ledger| {
                    let report = ledger.apply_bulk(black_box(&legacy_items));
                    black_box(report.errors.len());
                    ledger
                },
                BatchSize::PerIteration,
            )
        },
    );
    drop((legacy, legacy_items));
    // The same transitions phase by phase across all tickets (a day's processing).
    let mut phased = items.clone();
    phased.sort_by_key(|i| (i.at, i.ticket));
    g.bench_function(
        "1M tickets x 6 transitions, bulk, interleaved by time",
        |b| {
            b.iter_batched(
                || template.clone(),
                |mut ledger| {
                    let report = ledger.apply_bulk(black_box(&phased));
                    black_box(report.errors.len());
                    ledger
                },
                BatchSize::PerIteration,
            )
        },
    );
    drop(phased);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("report 1M tickets", |b| {
        b.iter(|| black_box(reported(&h, N).len()))
    });

    // Logs: 100,000 closed tickets.
    let mut small = reported(&h, 100_000);
    let small_items = workload(&small, 9);
    small.apply_bulk(&small_items);
    let events = small.event_count() as u64;
    let text = small.to_jsonl();
    println!(
        "ticket/log: {} events, {:.0} bytes per line",
        events,
        text.len() as f64 / events as f64
    );
    // Verification on two threads against one, alternating runs in one process (the
    // machine's noise moves both alike).
    {
        let time = |threads: usize| {
            let start = Instant::now();
            let n = if threads == 1 {
                read_events(&text).unwrap().len()
            } else {
                read_events_parallel(&text, threads).unwrap().len()
            };
            let elapsed = start.elapsed().as_secs_f64();
            assert_eq!(n as u64, events);
            elapsed
        };
        let (mut one, mut two) = (Vec::new(), Vec::new());
        for _ in 0..7 {
            one.push(time(1));
            two.push(time(2));
        }
        one.sort_by(f64::total_cmp);
        two.sort_by(f64::total_cmp);
        println!(
            "ticket/log threads: read and verify, median of 7 alternating runs: 1 thread {:.1} ms ({:.2} M events/s), 2 threads {:.1} ms ({:.2} M events/s): {:.2}x",
            one[3] * 1e3,
            events as f64 / one[3] / 1e6,
            two[3] * 1e3,
            events as f64 / two[3] / 1e6,
            one[3] / two[3]
        );
    }
    g.throughput(Throughput::Elements(events));
    g.bench_function("write 100k tickets' logs with digests", |b| {
        b.iter(|| {
            black_box(
                small
                    .write_jsonl(Vec::with_capacity(text.len()))
                    .unwrap()
                    .len(),
            )
        })
    });
    g.bench_function("read and verify 100k tickets' logs", |b| {
        b.iter(|| black_box(read_events(&text).unwrap().len()))
    });
    g.bench_function("read and verify 100k tickets' logs, 2 threads", |b| {
        b.iter(|| black_box(read_events_parallel(&text, 2).unwrap().len()))
    });
    g.bench_function(
        "read, verify and replay 100k tickets' logs, 2 threads",
        |b| {
            b.iter(|| {
                let mut l = Ledger::new(small.hierarchy().clone(), small.taxonomy().clone());
                black_box(
                    l.load_jsonl_parallel(&text, Trust::Checked, None, 2)
                        .unwrap(),
                )
            })
        },
    );
    g.bench_function("read, verify and replay 100k tickets' logs", |b| {
        b.iter(|| {
            black_box(
                Ledger::from_jsonl(small.hierarchy().clone(), small.taxonomy().clone(), &text)
                    .unwrap()
                    .len(),
            )
        })
    });
    g.finish();
    let _ = TicketKey::from_index(0);
}

fn items_len(ledger: &Ledger) -> usize {
    // Every event but the report is a transition.
    ledger.event_count() - ledger.len()
}

criterion_group!(benches, bench);
criterion_main!(benches);
