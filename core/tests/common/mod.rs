//! Shared fixtures: the article's 西湖春天小区 leak setting.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use wangge::hierarchy::{Hierarchy, NodeKind};
use wangge::ticket::{Ledger, Taxonomy};
use wangge::time::Timestamp;

pub const CITY: &str = "340400000000";
pub const ZONE: &str = "340471000000";
pub const TOWN: &str = "340471100000";
pub const COMMUNITY: &str = "340471100001";
pub const GRID: &str = "340471100001001";
pub const GRID2: &str = "340471100001002";
pub const COMPOUND: &str = "xhct";
pub const BUILDING: &str = "xhct-3";
pub const WORKER: &str = "hh-wgy1";
pub const WORKER2: &str = "hh-wgy2";
pub const PARTY: &str = "hh-dw";
pub const SMR: &str = "gx-scjg";
pub const CG: &str = "gx-cg";
pub const ZJ: &str = "gx-zj";
pub const PROPERTY: &str = "xhct-wy";
/// The zone's operations centre (城市运行管理服务中心): supervises and commands the zone.
pub const CENTRE: &str = "gx-yyzx";
/// A member of the centre's staff.
pub const CENTRE_STAFF: &str = "gx-yyzx-1";

/// 淮南市 → 淮南高新区 → 三和镇 → 弘湖社区 → two grids; 西湖春天小区 in grid 1 with a
/// building; the community Party committee; grid workers; three departments of the zone; the
/// zone's operations centre (supervision and command, GB/T 30428) with one member of staff.
pub fn leak_hierarchy() -> Hierarchy {
    let mut h = Hierarchy::new();
    h.add(CITY, NodeKind::City, "淮南市").unwrap();
    h.add(ZONE, NodeKind::District, "淮南高新区").unwrap();
    h.add(TOWN, NodeKind::Town, "三和镇").unwrap();
    h.add(COMMUNITY, NodeKind::Community, "弘湖社区").unwrap();
    h.add(GRID, NodeKind::Grid, "弘湖社区第一网格").unwrap();
    h.add(GRID2, NodeKind::Grid, "弘湖社区第二网格").unwrap();
    h.add(COMPOUND, NodeKind::Compound, "西湖春天小区").unwrap();
    h.add(BUILDING, NodeKind::Building, "西湖春天3栋").unwrap();
    for (p, c) in [
        (CITY, ZONE),
        (ZONE, TOWN),
        (TOWN, COMMUNITY),
        (COMMUNITY, GRID),
        (COMMUNITY, GRID2),
        (GRID, COMPOUND),
        (COMPOUND, BUILDING),
    ] {
        h.contain(p, c).unwrap();
    }
    h.add(PARTY, NodeKind::PartyCommittee, "弘湖社区党委")
        .unwrap();
    h.lead(PARTY, COMMUNITY).unwrap();
    h.add(WORKER, NodeKind::GridWorker, "网格员甲").unwrap();
    h.serve(WORKER, GRID).unwrap();
    h.add(WORKER2, NodeKind::GridWorker, "网格员乙").unwrap();
    h.serve(WORKER2, GRID2).unwrap();
    h.add(PROPERTY, NodeKind::PropertyManager, "西湖春天物业")
        .unwrap();
    h.serve(PROPERTY, COMPOUND).unwrap();
    for (id, name) in [
        (SMR, "高新区市场监管局"),
        (CG, "高新区城管局"),
        (ZJ, "高新区住建局"),
    ] {
        h.add(id, NodeKind::Department, name).unwrap();
        h.grant_jurisdiction(id, ZONE, &["livelihood.repair", "event"])
            .unwrap();
    }
    h.add(
        CENTRE,
        NodeKind::OperationsCentre,
        "高新区城市运行管理服务中心",
    )
    .unwrap();
    h.supervise(CENTRE, ZONE).unwrap();
    h.command(CENTRE, ZONE).unwrap();
    h.add(CENTRE_STAFF, NodeKind::Staff, "中心值班员").unwrap();
    h.join(CENTRE_STAFF, CENTRE).unwrap();
    h
}

pub fn ledger() -> Ledger {
    Ledger::new(Arc::new(leak_hierarchy()), Arc::new(Taxonomy::default()))
}

/// `2025-03-03T09:00:00+08:00` plus minutes.
pub fn t(minutes: i64) -> Timestamp {
    "2025-03-03T09:00:00+08:00"
        .parse::<Timestamp>()
        .unwrap()
        .plus_seconds(minutes * 60)
}
