//! Arrow benchmarks (feature `arrow`): the W2 ledger (1,000,000 tickets through the
//! lifecycle, about 7 million events) written as Arrow record batches, and loaded back from
//! them, on one core. Also prints, from one measured run, the rows per second of both and of
//! the JSON-lines log for comparison.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use std::sync::Arc;
use std::time::Instant;

use common::{build_city_with_centres, reported, workload};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use wangge::arrow::arrow_array::RecordBatch;
use wangge::ticket::{Ledger, Trust};

const N: usize = 1_000_000;
const BATCH: usize = 1 << 20;

fn closed_ledger() -> Ledger {
    let h = Arc::new(build_city_with_centres());
    let mut ledger = reported(&h, N);
    let items = workload(&ledger, 7);
    let report = ledger.apply_bulk(&items);
    assert!(report.errors.is_empty());
    ledger
}

fn bench(c: &mut Criterion) {
    let ledger = closed_ledger();
    let events = ledger.event_count() as u64;
    let empty = || {
        let (h, t, a) = (ledger.hierarchy(), ledger.taxonomy(), ledger.authority());
        Ledger::with_authority(h.clone(), t.clone(), a.clone())
    };
    // One measured run of each, for rows per second.
    let s = Instant::now();
    let batches = wangge::arrow::events(&ledger, BATCH).unwrap();
    let out = s.elapsed().as_secs_f64();
    let timed_load = |trust| {
        let s = Instant::now();
        let mut copy = empty();
        load_all(&mut copy, &batches, trust);
        let secs = s.elapsed().as_secs_f64();
        assert_eq!(copy.event_count(), ledger.event_count());
        secs
    };
    let load = timed_load(Trust::Checked);
    let trusted = timed_load(Trust::History);
    let s = Instant::now();
    let text = ledger.to_jsonl();
    let write = s.elapsed().as_secs_f64();
    let s = Instant::now();
    let mut back = empty();
    back.load_jsonl(&text, Trust::Checked).unwrap();
    let read = s.elapsed().as_secs_f64();
    let m = |secs: f64| events as f64 / secs / 1e6;
    println!(
        "arrow/one run: {events} events; to Arrow {:.0} ms ({:.1} M rows/s), from Arrow {:.0} ms ({:.2} M events/s; trusted history {:.2} M/s); JSON lines write {:.2} M/s, read {:.2} M/s",
        out * 1e3, m(out), load * 1e3, m(load), m(trusted), m(write), m(read)
    );
    let mut g = c.benchmark_group("arrow");
    g.sample_size(10);
    g.throughput(Throughput::Elements(events));
    g.bench_function("events to Arrow (1M tickets)", |b| {
        b.iter(|| wangge::arrow::events(&ledger, BATCH).unwrap())
    });
    g.bench_function("Arrow to ledger, checked (1M tickets)", |b| {
        b.iter_batched(
            empty,
            |mut l| {
                load_all(&mut l, &batches, Trust::Checked);
                l
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// Loads every batch into `ledger`, numbering rows on across batches; every row must load.
fn load_all(ledger: &mut Ledger, batches: &[RecordBatch], trust: Trust) {
    let mut first = 0;
    for b in batches {
        let bad = wangge::arrow::load_events(ledger, b, trust, first).unwrap();
        assert!(bad.is_empty(), "{:?}", bad.first());
        first += b.num_rows();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
