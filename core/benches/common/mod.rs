//! Shared benchmark fixtures.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::sync::Arc;

use wangge::hierarchy::{Hierarchy, NodeKey, NodeKind};
use wangge::ticket::authority::Authority;
use wangge::ticket::{
    Action, ActorKey, BulkItem, Ledger, NewTicket, RejectReason, Satisfaction, Taxonomy,
};
use wangge::time::Timestamp;

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

/// Reports `n` tickets at random grids under the default authority.
pub fn reported(h: &Arc<Hierarchy>, n: usize) -> Ledger {
    reported_under(h, n, Authority::gbt30428())
}

/// Reports `n` tickets at random grids under an authority.
pub fn reported_under(h: &Arc<Hierarchy>, n: usize, authority: Authority) -> Ledger {
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
pub fn workload(ledger: &Ledger, seed: u64) -> Vec<BulkItem> {
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
