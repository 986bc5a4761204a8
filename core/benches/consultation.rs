//! Consultation benchmarks: a compound of 5,000 owners (5,200 units in 50 buildings), a
//! vote with 4,000 ballots, tallied and decided under both Civil Code Art. 278 presets; the
//! O(1) per-ballot update; and 1,000 tallies of 4,000 ballots (the workload the Python and
//! JavaScript bindings repeat).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use wangge::consultation::{
    Area, CastBallot, Choice, Electorate, ExclusiveUnit, Owner, OwnerRoll, Rule, Scope, Vote,
    VoteSpec,
};
use wangge::hierarchy::{Hierarchy, NodeId, NodeKind};
use wangge::time::Timestamp;

/// A deterministic pseudo-random sequence (xorshift), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// 5,000 owners: 4,800 with one unit, 200 with two; areas 60.00–150.00 m².
fn compound() -> (Hierarchy, OwnerRoll) {
    let mut h = Hierarchy::new();
    h.add("c", NodeKind::Compound, "小区").unwrap();
    for b in 0..50 {
        let id = format!("b{b}");
        h.add(&id, NodeKind::Building, &id).unwrap();
        h.contain("c", &id).unwrap();
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut roll = OwnerRoll::new();
    for o in 0..5_000 {
        roll.add_owner(Owner::new(format!("o{o}"))).unwrap();
    }
    for u in 0..5_200usize {
        let owner = if u < 5_000 { u } else { (u - 5_000) * 25 };
        roll.add_unit(ExclusiveUnit {
            id: format!("u{u}"),
            building: NodeId::new(format!("b{}", u % 50)).unwrap(),
            building_unit: Some(format!("{}", (u / 50) % 4 + 1)),
            area: Area::from_hundredths(6_000 + rng.next() % 9_001),
            owner: format!("o{owner}"),
        })
        .unwrap();
    }
    (h, roll)
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn open(e: &Arc<Electorate>, rule: Rule) -> Vote {
    Vote::open(
        Arc::clone(e),
        VoteSpec {
            id: "v".into(),
            agenda: "议题".into(),
            rule,
            opens_at: ts("2025-03-01T08:00:00+08:00"),
            closes_at: ts("2025-03-15T18:00:00+08:00"),
        },
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let (h, roll) = compound();
    let e = Arc::new(
        roll.electorate(&h, &Scope::Compound(NodeId::new("c").unwrap()))
            .unwrap(),
    );
    assert_eq!(e.len(), 5_000);

    // 4,000 ballots in a shuffled order: 70% agree, 20% oppose, 10% abstain.
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut order: Vec<usize> = (0..5_000).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, (rng.next() % (i as u64 + 1)) as usize);
    }
    let ballots: Vec<CastBallot> = order[..4_000]
        .iter()
        .map(|o| CastBallot {
            voter: e.voter(&format!("o{o}")).unwrap(),
            choice: match rng.next() % 10 {
                0..=6 => Choice::Agree,
                7 | 8 => Choice::Oppose,
                _ => Choice::Abstain,
            },
        })
        .collect();
    let ids: Vec<String> = ballots
        .iter()
        .map(|b| e.voter_id(b.voter).unwrap().to_owned())
        .collect();
    let during = ts("2025-03-05T10:00:00+08:00");
    let presets = [
        ("Art. 278 ordinary", Rule::civil_code_278_ordinary()),
        ("Art. 278 items 6-8", Rule::civil_code_278_special()),
    ];
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    for (id, b) in ids.iter().zip(&ballots) {
        vote.cast(id, b.choice, during).unwrap();
    }

    let mut g = c.benchmark_group("consultation");
    g.bench_function(
        "electorate of 5,000 owners (5,200 units, compound scope)",
        |b| {
            let scope = Scope::Compound(NodeId::new("c").unwrap());
            b.iter(|| black_box(roll.electorate(&h, &scope).unwrap()))
        },
    );
    g.throughput(Throughput::Elements(4_000));
    g.bench_function("full tally of 4,000 ballots (checked)", |b| {
        b.iter(|| black_box(e.tally(black_box(&ballots)).unwrap()))
    });
    g.bench_function("recount of a vote's 4,000 ballots", |b| {
        b.iter(|| black_box(black_box(&vote).recount()))
    });
    for (name, rule) in &presets {
        g.bench_function(format!("tally + decide 4,000 ballots, {name}"), |b| {
            b.iter(|| black_box(rule.passes(&e, black_box(&ballots)).unwrap()))
        });
        g.bench_function(format!("tally + outcome with explanation, {name}"), |b| {
            b.iter(|| black_box(rule.evaluate(&e, black_box(&ballots)).unwrap()))
        });
    }

    // The per-ballot update: casting 1,000 more ballots into a vote that already holds
    // `before` ballots costs the same per ballot whatever `before` is (the running tally is
    // updated in O(1); the ballot list grows by amortized doubling).
    g.throughput(Throughput::Elements(1_000));
    for before in [0usize, 3_000] {
        let mut base = open(&e, Rule::civil_code_278_special());
        for (id, b) in ids.iter().zip(&ballots).take(before) {
            base.cast(id, b.choice, during).unwrap();
        }
        let next = &ids[before..before + 1_000];
        let choices: Vec<Choice> = ballots[before..before + 1_000]
            .iter()
            .map(|b| b.choice)
            .collect();
        g.bench_function(format!("cast 1,000 ballots after {before}"), |b| {
            b.iter_batched_ref(
                || base.clone(),
                |v| {
                    for (id, choice) in next.iter().zip(&choices) {
                        v.cast(black_box(id), *choice, during).unwrap();
                    }
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.throughput(Throughput::Elements(1));
    g.bench_function("decide a running tally (Vote::passes)", |b| {
        b.iter(|| black_box(black_box(&vote).passes()))
    });

    // What the bindings repeat: 1,000 tallies of 4,000 ballots, decided under both presets.
    g.throughput(Throughput::Elements(1_000 * 4_000));
    g.sample_size(20);
    g.bench_function("1,000 tallies of 4,000 ballots, both presets", |b| {
        b.iter(|| {
            let mut passed = 0u32;
            for i in 0..1_000 {
                let rule = &presets[i % 2].1;
                passed += u32::from(rule.passes(&e, black_box(&ballots)).unwrap());
            }
            black_box(passed)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
