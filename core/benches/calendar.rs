//! Working-time arithmetic: additions and elapsed time over the 2025 schedule.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use std::hint::black_box;

use common::Rng;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wangge::calendar::Calendar;
use wangge::time::Timestamp;

fn bench(c: &mut Criterion) {
    let cal = Calendar::china();
    let start: Timestamp = "2025-01-01T00:00:00+08:00".parse().unwrap();
    let mut rng = Rng(42);
    let instants: Vec<Timestamp> = (0..10_000)
        .map(|_| start.plus_seconds(rng.below(365 * 86_400) as i64))
        .collect();
    let mut g = c.benchmark_group("calendar");
    g.throughput(Throughput::Elements(instants.len() as u64 * 5));
    g.bench_function("add working time (2 h; 1, 3, 10, 15 working days)", |b| {
        b.iter(|| {
            let mut acc = 0i64;
            for t in &instants {
                acc ^= cal
                    .add_working_seconds(*t, 2 * 3600)
                    .unwrap()
                    .unix_seconds();
                for d in [1, 3, 10, 15] {
                    acc ^= cal.add_working_days(*t, d).unwrap().unix_seconds();
                }
            }
            black_box(acc)
        })
    });
    g.throughput(Throughput::Elements(instants.len() as u64));
    g.bench_function("add 10 working days as seconds", |b| {
        b.iter(|| {
            let mut acc = 0i64;
            for t in &instants {
                acc ^= cal
                    .add_working_seconds(*t, 10 * 7 * 3600)
                    .unwrap()
                    .unix_seconds();
            }
            black_box(acc)
        })
    });
    g.bench_function("working time between", |b| {
        b.iter(|| {
            let mut acc = 0i64;
            for w in instants.windows(2) {
                acc ^= cal.working_seconds_between(w[0], w[1]).unwrap();
            }
            black_box(acc)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
