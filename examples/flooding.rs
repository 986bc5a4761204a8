//! Hash flooding: ids chosen so that they all have the same FxHash.
//!
//! Until issue 15 the ledger and the hierarchy indexed ids with FxHash, which has no key:
//! whoever chooses the ids can choose their hashes. This example builds ids that all have
//! the same FxHash (rustc-hash 2.x; see `fx_colliding_ids`), then times reporting tickets
//! with them and adding nodes with them, beside ordinary ids, doubling the count each time,
//! and, for comparison, loading them into a table hashed with FxHash as the ledger's was.
//! Under FxHash every lookup scans all the ids before it (time × 4 when the count doubles);
//! under the keyed hasher the colliding ids cost what ordinary ids cost (time × 2).
//!
//! Run with `cargo run --release -p wangge --example flooding`.

use std::hash::BuildHasher;
use std::sync::Arc;
use std::time::Instant;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use wangge::hierarchy::{Hierarchy, NodeKind};
use wangge::ticket::{Ledger, NewTicket, Taxonomy};
use wangge::time::Timestamp;

/// rustc-hash 2.x hashes a string of 33 to 48 bytes in two lanes: the first 16 bytes give
/// `t1`, the next 16 `t2`, and the hash is a function of `(t1 ^ s1, t2 ^ s2)` where `s1`, `s2`
/// are the last 16 bytes. So pick 16-byte prefixes whose `t1 ^ X` is printable text and use
/// that text as `s1` (likewise `t2`, `Y`, `s2`): every combination of a first-lane and a
/// second-lane prefix then has the same hash. `lane` of each gives `lane²` ids.
fn fx_colliding_ids(lane: usize) -> Vec<String> {
    const SEED1: u64 = 0x243f_6a88_85a3_08d3;
    const SEED2: u64 = 0x1319_8a2e_0370_7344;
    const ZERO: u64 = 0xa409_3822_299f_31d0;
    fn mix(x: u64, y: u64) -> u64 {
        let full = u128::from(x) * u128::from(y);
        (full as u64) ^ ((full >> 64) as u64)
    }
    fn word(b: &[u8]) -> u64 {
        u64::from_le_bytes(b.try_into().unwrap_or_default())
    }
    let find = |tag: char, seed: u64, target: u64| -> Vec<(String, String)> {
        let mut out = Vec::with_capacity(lane);
        let mut i = 0u64;
        while out.len() < lane {
            let prefix = format!("{tag}{i:015}");
            let (a, b) = prefix.as_bytes().split_at_checked(8).unwrap_or_default();
            let tail = (mix(seed ^ word(a), ZERO ^ word(b)) ^ target).to_le_bytes();
            if tail.iter().all(|c| (0x21..0x7f).contains(c)) {
                out.push((prefix, tail.iter().map(|c| char::from(*c)).collect()));
            }
            i += 1;
        }
        out
    };
    let first = find('A', SEED1, u64::from_le_bytes(*b"flooding"));
    let second = find('B', SEED2, u64::from_le_bytes(*b"wangge!!"));
    let mut ids = Vec::with_capacity(lane * lane);
    for (p1, s1) in &first {
        for (p2, s2) in &second {
            ids.push(format!("{p1}{p2}{s1}{s2}"));
        }
    }
    ids
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

fn report_all(h: &Arc<Hierarchy>, ids: &[String]) -> Result<f64, Box<dyn std::error::Error>> {
    let at: Timestamp = "2025-03-03T09:00:00+08:00".parse()?;
    let mut ledger = Ledger::new(h.clone(), Arc::new(Taxonomy::default()));
    let start = Instant::now();
    for id in ids {
        ledger.report(NewTicket::new(id, "livelihood.repair", "g")?, "g", at)?;
    }
    let t = ms(start);
    assert_eq!(ledger.len(), ids.len());
    Ok(t)
}

fn add_all(ids: &[String]) -> Result<f64, Box<dyn std::error::Error>> {
    let mut h = Hierarchy::new();
    let start = Instant::now();
    for id in ids {
        h.add(id, NodeKind::Grid, "grid")?;
    }
    Ok(ms(start))
}

/// What the ledger's index did before: look the id up, then insert it, hashed with FxHash.
fn fx_table(ids: &[String]) -> f64 {
    let mut table: HashTable<u32> = HashTable::new();
    let start = Instant::now();
    for (i, id) in ids.iter().enumerate() {
        let hash = FxBuildHasher.hash_one(id.as_str());
        let seen = table.find(hash, |j| ids.get(*j as usize) == Some(id));
        assert!(seen.is_none());
        table.insert_unique(hash, i as u32, |j| {
            ids.get(*j as usize)
                .map_or(0, |s| FxBuildHasher.hash_one(s.as_str()))
        });
    }
    ms(start)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut h = Hierarchy::new();
    let levels = [
        ("c", NodeKind::City),
        ("d", NodeKind::District),
        ("s", NodeKind::Street),
        ("m", NodeKind::Community),
        ("g", NodeKind::Grid),
    ];
    for (i, (id, kind)) in levels.iter().enumerate() {
        h.add(id, *kind, id)?;
        if let Some((parent, _)) = i.checked_sub(1).and_then(|p| levels.get(p)) {
            h.contain(parent, id)?;
        }
    }
    let h = Arc::new(h);

    let colliding = fx_colliding_ids(182);
    let example = colliding.first().cloned().unwrap_or_default();
    let first = FxBuildHasher.hash_one(example.as_str());
    let same = colliding
        .iter()
        .filter(|id| FxBuildHasher.hash_one(id.as_str()) == first)
        .count();
    println!(
        "{} ids of {} bytes, {same} with the same FxHash, e.g. {example}",
        colliding.len(),
        example.len(),
    );
    println!();
    println!("ids     | report tickets (ms)   | add nodes (ms)        | FxHash table (ms)");
    println!("        | ordinary    colliding | ordinary    colliding | ordinary    colliding");
    for n in [2_000, 4_000, 8_000, 16_000, 32_000] {
        let ordinary: Vec<String> = (0..n).map(|i| format!("T{i:047}")).collect();
        let colliding = colliding.get(..n).unwrap_or_default();
        println!(
            "{n:>7} | {:>8.1} {:>12.1} | {:>8.1} {:>12.1} | {:>8.1} {:>12.1}",
            report_all(&h, &ordinary)?,
            report_all(&h, colliding)?,
            add_all(&ordinary)?,
            add_all(colliding)?,
            fx_table(&ordinary),
            fx_table(colliding),
        );
    }
    Ok(())
}
