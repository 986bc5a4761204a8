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

/// 淮南市 → 淮南高新区 → 三和镇 → 弘湖社区 (three grids, each with a Party branch and a grid
/// worker) with 西湖春天小区 (a residential building and the shop building with the
/// restaurant) in grid 1, and the zone's market regulation, urban management and housing
/// departments, which have jurisdiction over repairs and market matters in the zone.
pub fn hongfu() -> Result<Hierarchy, HierarchyError> {
    let mut h = Hierarchy::new();
    let territory = [
        ("340400000000", NodeKind::City, "淮南市", None),
        (
            "340471000000",
            NodeKind::District,
            "淮南高新区",
            Some("340400000000"),
        ),
        (
            "340471100000",
            NodeKind::Town,
            "三和镇",
            Some("340471000000"),
        ),
        (
            "340471100001",
            NodeKind::Community,
            "弘湖社区",
            Some("340471100000"),
        ),
    ];
    for (id, kind, name, parent) in territory {
        h.add(id, kind, name)?;
        if let Some(parent) = parent {
            h.contain(parent, id)?;
        }
    }
    h.add("hh-dw", NodeKind::PartyCommittee, "弘湖社区党委")?;
    h.lead("hh-dw", "340471100001")?;
    for g in 1..=3 {
        let grid = format!("340471100001{g:03}");
        h.add(&grid, NodeKind::Grid, &format!("弘湖社区第{g}网格"))?;
        h.contain("340471100001", &grid)?;
        h.add(
            &format!("{grid}-zb"),
            NodeKind::PartyBranch,
            &format!("第{g}网格党支部"),
        )?;
        h.lead("hh-dw", &format!("{grid}-zb"))?;
        h.lead(&format!("{grid}-zb"), &grid)?;
        h.add(
            &format!("{grid}-wgy"),
            NodeKind::GridWorker,
            &format!("第{g}网格网格员"),
        )?;
        h.serve(&format!("{grid}-wgy"), &grid)?;
    }
    h.add("xhct", NodeKind::Compound, "西湖春天小区")?;
    h.contain("340471100001001", "xhct")?;
    h.add("xhct-3", NodeKind::Building, "西湖春天3栋(住宅)")?;
    h.contain("xhct", "xhct-3")?;
    h.add("xhct-sp", NodeKind::Building, "西湖春天商铺楼")?;
    h.contain("xhct", "xhct-sp")?;
    h.add("xhct-wy", NodeKind::PropertyManager, "西湖春天物业")?;
    h.serve("xhct-wy", "xhct")?;
    for (id, name) in [
        ("gx-scjg", "淮南高新区市场监管局"),
        ("gx-cg", "淮南高新区城管局"),
        ("gx-zj", "淮南高新区住建局"),
    ] {
        h.add(id, NodeKind::Department, name)?;
        h.grant_jurisdiction(id, "340471000000", &["livelihood.repair", "event.market"])?;
    }
    Ok(h)
}

/// 合肥市 → 蜀山区 → 南七街道 → 丁岗社区 → 世纪新城小区 with building 5 (two building units,
/// 单元, six floors of two flats each) and its owners' committee (业委会).
pub fn shijixincheng() -> Result<Hierarchy, HierarchyError> {
    let mut h = Hierarchy::new();
    let territory = [
        ("340100000000", NodeKind::City, "合肥市", None),
        (
            "340104000000",
            NodeKind::District,
            "蜀山区",
            Some("340100000000"),
        ),
        (
            "340104002000",
            NodeKind::Street,
            "南七街道",
            Some("340104000000"),
        ),
        (
            "340104002003",
            NodeKind::Community,
            "丁岗社区",
            Some("340104002000"),
        ),
        (
            "sjxc",
            NodeKind::Compound,
            "世纪新城小区",
            Some("340104002003"),
        ),
        ("sjxc-5", NodeKind::Building, "世纪新城5幢", Some("sjxc")),
    ];
    for (id, kind, name, parent) in territory {
        h.add(id, kind, name)?;
        if let Some(parent) = parent {
            h.contain(parent, id)?;
        }
    }
    h.add("dg-dw", NodeKind::PartyCommittee, "丁岗社区党委")?;
    h.lead("dg-dw", "340104002003")?;
    h.add("sjxc-ywh", NodeKind::OwnersCommittee, "世纪新城小区业委会")?;
    h.serve("sjxc-ywh", "sjxc")?;
    h.lead("dg-dw", "sjxc-ywh")?;
    h.add("sjxc-wy", NodeKind::PropertyManager, "世纪新城物业")?;
    h.serve("sjxc-wy", "sjxc")?;
    Ok(h)
}

/// The owners' roll of building 5 of 世纪新城: units `5-<entrance>-<floor>0<door>`, flats of
/// 89.57 m² (door 1) and 76.32 m² (door 2); owner `o-<unit>` (one owner holds two flats on
/// the sixth floor of entrance 2, counted once in headcount).
pub fn shijixincheng_roll() -> serde_json::Value {
    let mut owners = Vec::new();
    let mut units = Vec::new();
    for entrance in 1..=2 {
        for floor in 1..=6 {
            for door in 1..=2 {
                let id = format!("5-{entrance}-{floor}0{door}");
                let owner = if entrance == 2 && floor == 6 {
                    "o-5-2-60x".to_owned()
                } else {
                    format!("o-{id}")
                };
                if !owners
                    .iter()
                    .any(|o: &serde_json::Value| o["id"] == owner.as_str())
                {
                    owners.push(serde_json::json!({ "id": owner }));
                }
                let area = if door == 1 { "89.57" } else { "76.32" };
                units.push(serde_json::json!({
                    "id": id, "building": "sjxc-5", "buildingUnit": entrance.to_string(),
                    "area": area, "owner": owner,
                }));
            }
        }
    }
    serde_json::json!({
        "format": "wangge.consultation.owner_roll",
        "version": 1,
        "owners": owners,
        "units": units,
    })
}
