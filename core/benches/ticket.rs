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

use common::{build_city_with_centres, centre_of, random_grids, Rng};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use wangge::hierarchy::Hierarchy;
use wangge::ticket::authority::Authority;
use wangge::ticket::log::{read_events, read_events_parallel};
use wangge::ticket::{
    Action, ActorKey, BulkItem, Ledger, NewTicket, RejectReason, Satisfaction, Taxonomy, TicketKey,
    Trust,
};
use wangge::time::Timestamp;

const N: usize = 1_000_000;

/// Reports `n` tickets at random grids under the default authority.
fn reported(h: &Arc<Hierarchy>, n: usize) -> Ledger {
    reported_under(h, n, Authority::gbt30428())
}

/// Reports `n` tickets at random grids under an authority.
fn reported_under(h: &Arc<Hierarchy>, n: usize, authority: Authority) -> Ledger {
    let mut ledger = Ledger::with_authority(
        h.clone(),
        Arc::new(Taxonomy::default()),
        Arc::new(authority),
    );
    ledger.reserve(n);
    let t0: Timestamp = "2025-03-03T09:00:00+08:00".parse().unwrap();
    for (i, grid) in random_grids(h, n).into_iter().enumerate() {
        let id = h.id(grid).unwrap().to_string();
        let ticket = NewTicket::new(&format!("T{i:07}"), "livelihood.repair", &id).unwrap();
        ledger.report(ticket, &id, t0).unwrap();
    }
    ledger
}

/// The transitions of every ticket, ticket after ticket, by the actors of the ledger's
/// authority: under a migration authority, the community does what the centre does.
fn workload(ledger: &Ledger, seed: u64) -> Vec<BulkItem> {
    let legacy = ledger.authority().is_migration();
    let h = ledger.hierarchy();
    let t0: Timestamp = "2025-03-03T09:00:00+08:00".parse().unwrap();
    let mut rng = Rng(seed);
    let mut items = Vec::with_capacity(ledger.len() * 7);
    for v in ledger.tickets() {
        let ticket = v.key();
        let grid = v.holder();
        let community = h.parent_key(grid).unwrap();
        let (g, c) = (ActorKey::node(grid), ActorKey::node(community));
        // Who supervises and commands: the district's centre (or, before, the community).
        let z = if legacy {
            c
        } else {
            ActorKey::node(centre_of(h, grid))
        };
        let grid_id = h.id(grid).unwrap().clone();
        let mut minute = 0;
        let mut push = |actor: ActorKey, action: Action| {
            minute += 10;
            items.push(BulkItem {
                ticket,
                actor,
                at: t0.plus_seconds(minute * 60),
                action,
            });
        };
        let roll = rng.below(100);
        if roll < 5 {
            push(
                z,
                Action::Reject {
                    reason: RejectReason::InsufficientInformation,
                    note: None,
                },
            );
            push(z, Action::Reopen { reason: None });
        }
        push(z, Action::File);
        push(z, Action::Dispatch { to: grid_id });
        push(g, Action::Acknowledge);
        let mut holder = g;
        if (5..15).contains(&roll) {
            push(
                ActorKey::SYSTEM,
                Action::Escalate {
                    to: None,
                    return_to: None,
                },
            );
            push(c, Action::Acknowledge);
            holder = c;
        }
        push(
            holder,
            Action::Handle {
                outcome: String::new(),
            },
        );
        // The community verifies the grid's work; its own work (after an escalation) is
        // verified by the centre (separation of duties).
        let verifier = if holder == c { z } else { c };
        push(
            verifier,
            Action::Verify {
                passed: true,
                note: None,
            },
        );
        push(
            z,
            Action::Visit {
                satisfaction: Satisfaction::Satisfied,
            },
        );
    }
    items
}

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
