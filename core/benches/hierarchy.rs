//! Hierarchy benchmarks: building an 11,111-unit city, routing 1,000,000 tickets up their
//! escalation chains, and jurisdiction lookups.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;
mod common;

use common::{build_city, random_grids};

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("hierarchy");
    g.sample_size(10);
    g.bench_function("build 11,111 units", |b| b.iter(|| black_box(build_city())));

    let h = build_city();
    let _ = h.chain_keys(h.key("c").unwrap()); // build the index once
    let tickets = random_grids(&h, 1_000_000);
    let (mut out, mut ends) = (Vec::new(), Vec::new());
    h.chains_into(&tickets, &mut out, &mut ends);
    g.throughput(Throughput::Elements(tickets.len() as u64));
    g.bench_function("1M escalation chains into a buffer", |b| {
        b.iter(|| {
            h.chains_into(black_box(&tickets), &mut out, &mut ends);
            black_box(out.len())
        })
    });
    g.bench_function("1M escalation chains as slices (zero copy)", |b| {
        b.iter(|| {
            let mut total = 0usize;
            for k in &tickets {
                total += h.chain_keys(*k).len();
            }
            black_box(total)
        })
    });
    let few = &tickets[..100_000];
    g.throughput(Throughput::Elements(few.len() as u64));
    let mut buf = Vec::new();
    g.bench_function("100k jurisdiction lookups", |b| {
        b.iter(|| {
            let mut total = 0usize;
            for (i, k) in few.iter().enumerate() {
                buf.clear();
                let cat = if i % 2 == 0 {
                    "event.construction"
                } else {
                    "facility.road"
                };
                h.departments_for_key(*k, cat, &mut buf);
                total += buf.len();
            }
            black_box(total)
        })
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("index rebuild after a mutation", |b| {
        b.iter_batched(
            || {
                let mut h2 = h.clone();
                h2.rename("c", "city").unwrap();
                h2
            },
            |h2| black_box(h2.chain_keys(h2.key("c").unwrap()).len()),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
