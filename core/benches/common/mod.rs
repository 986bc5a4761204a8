//! Shared benchmark fixtures.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

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

/// [`build_city`] with an operations centre per district (`zx.<d>`) that supervises and
/// commands it (GB/T 30428), for the ticket workloads under the default authority.
pub fn build_city_with_centres() -> Hierarchy {
    let mut h = build_city();
    for d in 0..10 {
        let (centre, district) = (format!("zx.{d}"), format!("c.{d}"));
        h.add(&centre, NodeKind::OperationsCentre, &centre).unwrap();
        h.supervise(&centre, &district).unwrap();
        h.command(&centre, &district).unwrap();
    }
    h
}

/// The operations centre of a unit's district (see [`build_city_with_centres`]).
pub fn centre_of(h: &Hierarchy, unit: NodeKey) -> NodeKey {
    let district = h
        .chain_keys(unit)
        .iter()
        .copied()
        .find(|k| h.kind_of(*k) == Some(NodeKind::District))
        .unwrap();
    let id = h.id(district).unwrap().as_str().replace("c.", "zx.");
    h.key(&id).unwrap()
}

/// A deterministic pseudo-random sequence (xorshift), so runs are comparable.
pub fn random_grids(h: &Hierarchy, n: usize) -> Vec<NodeKey> {
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

/// A deterministic xorshift generator.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
