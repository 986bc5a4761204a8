//! The article's settings, built through the public API. Shared by the Rust examples
//! (`#[path = "article/mod.rs"] mod article;`).
#![allow(dead_code)]

use wangge::hierarchy::{Hierarchy, HierarchyError, NodeKind};

/// 安徽省 → 淮南市 → 八公山区 → 毕家岗街道 → 新建社区 with its 10 grids. Each grid has a Party
/// branch (led by the community Party committee), a grid leader and two grid workers.
/// Ids are statistical division codes; grids use Beijing-style 15-digit grid codes.
pub fn xinjian() -> Result<Hierarchy, HierarchyError> {
    let mut h = Hierarchy::new();
    let territory = [
        ("340000000000", NodeKind::Province, "安徽省", None),
        (
            "340400000000",
            NodeKind::City,
            "淮南市",
            Some("340000000000"),
        ),
        (
            "340404000000",
            NodeKind::District,
            "八公山区",
            Some("340400000000"),
        ),
        (
            "340404001000",
            NodeKind::Street,
            "毕家岗街道",
            Some("340404000000"),
        ),
        (
            "340404001001",
            NodeKind::Community,
            "新建社区",
            Some("340404001000"),
        ),
    ];
    for (id, kind, name, parent) in territory {
        h.add(id, kind, name)?;
        if let Some(parent) = parent {
            h.contain(parent, id)?;
        }
    }
    h.add("340404001001-dw", NodeKind::PartyCommittee, "新建社区党委")?;
    h.lead("340404001001-dw", "340404001001")?;
    h.add(
        "340404001001-jwh",
        NodeKind::ResidentsCommittee,
        "新建社区居委会",
    )?;
    h.serve("340404001001-jwh", "340404001001")?;
    h.lead("340404001001-dw", "340404001001-jwh")?;
    let workers = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
    for (g, surname) in (1..=10).zip(workers) {
        let grid = format!("340404001001{g:03}");
        h.add(&grid, NodeKind::Grid, &format!("新建社区第{g}网格"))?;
        h.contain("340404001001", &grid)?;
        let branch = format!("{grid}-zb");
        h.add(&branch, NodeKind::PartyBranch, &format!("第{g}网格党支部"))?;
        h.lead("340404001001-dw", &branch)?;
        h.lead(&branch, &grid)?;
        let leader = format!("{grid}-wgz");
        h.add(&leader, NodeKind::GridLeader, &format!("{surname}网格长"))?;
        h.serve(&leader, &grid)?;
        for w in 1..=2 {
            let worker = format!("{grid}-wgy{w}");
            h.add(
                &worker,
                NodeKind::GridWorker,
                &format!("{surname}网格员{w}"),
            )?;
            h.serve(&worker, &grid)?;
        }
    }
    // A compound with its property manager in grid 3 (the parking story happens here).
    h.add("xj-kgxq", NodeKind::Compound, "矿工新村小区")?;
    h.contain("340404001001003", "xj-kgxq")?;
    h.add("xj-kgxq-1", NodeKind::Building, "矿工新村1栋")?;
    h.contain("xj-kgxq", "xj-kgxq-1")?;
    h.add("xj-kgxq-wy", NodeKind::PropertyManager, "矿工新村物业")?;
    h.serve("xj-kgxq-wy", "xj-kgxq")?;
    Ok(h)
}
