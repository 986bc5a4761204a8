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
use wangge::hierarchy::{Hierarchy, NodeKey, NodeKind};

/// 1 city → 10 districts → 100 streets → 1,000 communities → 10,000 grids.
pub fn build_city() -> Hierarchy {
    let mut h = Hierarchy::new();
    h.add("c", NodeKind::City, "city").unwrap();
    for d in 0..10 {
        let did = format!("c.{d}");
        h.add(&did, NodeKind::District, &did).unwrap();
        h.contain("c", &did).unwrap();
        for s in 0..10 {
            let sid = format!("{did}.{s}");
            h.add(&sid, NodeKind::Street, &sid).unwrap();
            h.contain(&did, &sid).unwrap();
            for m in 0..10 {
                let mid = format!("{sid}.{m}");
                h.add(&mid, NodeKind::Community, &mid).unwrap();
                h.contain(&sid, &mid).unwrap();
                for g in 0..10 {
                    let gid = format!("{mid}.{g}");
                    h.add(&gid, NodeKind::Grid, &gid).unwrap();
                    h.contain(&mid, &gid).unwrap();
                }
            }
        }
        let dept = format!("dept.{d}");
        h.add(&dept, NodeKind::Department, &dept).unwrap();
        h.grant_jurisdiction(&dept, &did, &["event"]).unwrap();
    }
    h.add("dept.city", NodeKind::Department, "city dept")
        .unwrap();
    h.grant_jurisdiction("dept.city", "c", &["event.construction", "facility"])
        .unwrap();
    h
}

/// A deterministic pseudo-random sequence (xorshift), so runs are comparable.
fn random_grids(h: &Hierarchy, n: usize) -> Vec<NodeKey> {
    let grids: Vec<NodeKey> = h
        .nodes_of_kind(NodeKind::Grid)
        .map(|g| h.key(g.id.as_str()).unwrap())
        .collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            grids[(x % grids.len() as u64) as usize]
        })
        .collect()
}

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
