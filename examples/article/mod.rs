//! The article's settings, built through the public API. Shared by the Rust examples
//! (`#[path = "article/mod.rs"] mod article;`).
#![allow(dead_code)]

use wangge::geo::CoordSystem;
use wangge::hierarchy::{Boundary, Hierarchy, HierarchyError, NodeKind};

/// A rectangle of a map (west, south, east, north, in degrees) as a boundary.
pub fn rect(west: f64, south: f64, east: f64, north: f64) -> Boundary {
    Boundary::polygon(vec![vec![
        [west, south],
        [east, south],
        [east, north],
        [west, north],
        [west, south],
    ]])
}

/// Where 新建社区 and its grids are drawn, on a GCJ-02 map (as AMap and Tencent show it):
/// an illustrative layout, not a survey — the community a rectangle of about 940 m by 670 m
/// in 八公山区, its ten grids five abreast in two rows (grid 1 in the south-west corner, grid 6
/// above it), 矿工新村小区 inside grid 3.
pub const XINJIAN_MAP: [f64; 4] = [116.820, 32.630, 116.830, 32.636];

/// The boundary of grid `g` (1 to 10) of 新建社区, on [`XINJIAN_MAP`]'s layout.
pub fn xinjian_grid(g: u32) -> Boundary {
    let [west, south, _, _] = XINJIAN_MAP;
    let (row, col) = (f64::from((g - 1) / 5), f64::from((g - 1) % 5));
    rect(
        west + 0.002 * col,
        south + 0.003 * row,
        west + 0.002 * (col + 1.0),
        south + 0.003 * (row + 1.0),
    )
}

/// 安徽省 → 淮南市 → 八公山区 → 毕家岗街道 → 新建社区 with its 10 grids. Each grid has a Party
/// branch (led by the community Party committee), a grid leader and two grid workers. The
/// street's grid management centre (网格化服务管理中心) supervises and commands the street
/// (GB/T 30428: it files, dispatches, verifies and makes the return visit), with one member
/// of staff. Ids are statistical division codes; grids use Beijing-style 15-digit grid codes.
/// The community, its grids and 矿工新村小区 carry boundaries on a GCJ-02 map
/// ([`XINJIAN_MAP`]).
pub fn xinjian() -> Result<Hierarchy, HierarchyError> {
    let mut h = Hierarchy::with_coordinate_system(CoordSystem::Gcj02);
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
    // On the map: the community, each grid, and the compound inside grid 3.
    let [west, south, east, north] = XINJIAN_MAP;
    h.set_boundary("340404001001", Some(rect(west, south, east, north)))?;
    for g in 1..=10 {
        h.set_boundary(&format!("340404001001{g:03}"), Some(xinjian_grid(g)))?;
    }
    h.set_boundary("xj-kgxq", Some(rect(116.8245, 32.6310, 116.8255, 32.6320)))?;
    centre(
        &mut h,
        "340404001000-zx",
        "毕家岗街道网格化服务管理中心",
        "340404001000",
    )?;
    Ok(h)
}

/// A street's or district's operations centre that supervises and commands it (监督中心 and
/// 指挥中心 in one, as most 网格化服务管理中心 are), with one member of staff (`<id>-1`).
pub fn centre(h: &mut Hierarchy, id: &str, name: &str, area: &str) -> Result<(), HierarchyError> {
    h.add(id, NodeKind::OperationsCentre, name)?;
    h.supervise(id, area)?;
    h.command(id, area)?;
    let staff = format!("{id}-1");
    h.add(&staff, NodeKind::Staff, &format!("{name}值班员"))?;
    h.join(&staff, id)
}

/// 淮南市 → 淮南高新区 → 三和镇 → 弘湖社区 (three grids, each with a Party branch and a grid
/// worker) with 西湖春天小区 (a residential building and the shop building with the
/// restaurant) in grid 1, the zone's market regulation, urban management and housing
/// departments, which have jurisdiction over repairs and market matters in the zone, and the
/// zone's city operations centre (城市运行管理服务中心), which supervises and commands it.
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
    centre(
        &mut h,
        "gx-yyzx",
        "淮南高新区城市运行管理服务中心",
        "340471000000",
    )?;
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

// ----- shared by the story examples ---------------------------------------------------------

use wangge::calendar::{Calendar, CalendarError};
use wangge::consultation::{Household, Outcome, Resident, ResidentRoll};
use wangge::hierarchy::NodeId;
use wangge::ticket::{Action, Ledger, TicketError, TicketState};
use wangge::time::{Date, TimeError, Timestamp};

/// An instant from RFC 3339 text, e.g. `2025-03-03T09:00:00+08:00`.
pub fn at(text: &str) -> Result<Timestamp, TimeError> {
    text.parse()
}

/// China's 2025 working calendar (holidays and make-up working days) from `examples/data`.
pub fn calendar_2025() -> Result<Calendar, CalendarError> {
    Calendar::from_json(include_str!("../data/cn-2025.calendar.json"))
}

/// The name of a node, or its id if it is unknown.
pub fn name(h: &Hierarchy, id: &str) -> String {
    h.node(id).map_or_else(|| id.to_owned(), |n| n.name.clone())
}

/// The name of the unit, organisation or person holding a ticket.
pub fn holder_name(ledger: &Ledger, ticket: &str) -> String {
    ledger
        .get(ticket)
        .and_then(|v| ledger.hierarchy().node_by_key(v.holder()))
        .map_or_else(|| "—".to_owned(), |n| n.name.clone())
}

/// Applies an action to a ticket and prints the step with the new state (Chinese and
/// English) and who holds the ticket now.
pub fn step(
    ledger: &mut Ledger,
    ticket: &str,
    actor: &str,
    when: Timestamp,
    label: &str,
    action: Action,
) -> Result<TicketState, TicketError> {
    let state = ledger.apply(ticket, actor, when, action)?;
    println!(
        "  {label} [{}]: {} {state}, 持有 held by {}",
        name(ledger.hierarchy(), actor),
        state.chinese(),
        holder_name(ledger, ticket)
    );
    Ok(state)
}

/// Prints a vote's outcome: the verdict, every condition with its exact margin, every
/// required consent, and the explanation in Chinese and English.
pub fn print_outcome(outcome: &Outcome) {
    let verdict = if outcome.passed {
        "通过 passed"
    } else {
        "未通过 not passed"
    };
    println!("  结果 outcome: {verdict} ({})", outcome.rule_name.zh);
    for group in &outcome.groups {
        if let Some(label) = &group.label {
            println!("   [{} / {}]", label.zh, label.en);
        }
        for c in &group.conditions {
            let margin = match c.margin {
                Some(wangge::consultation::Margin::Spare(q)) => format!("富余 spare {q}"),
                Some(wangge::consultation::Margin::Short(q)) => format!("差 short {q}"),
                None => "—".to_owned(),
            };
            let needed = c.needed.map_or_else(|| "—".to_owned(), |q| q.to_string());
            println!(
                "   {} {}: {} / {} (需 needed {needed}; {margin})",
                if c.held { "✓" } else { "✗" },
                c.explanation.zh,
                c.counted,
                c.of
            );
        }
    }
    for c in &outcome.consents {
        let choice = c.choice.map_or("未投票 no ballot", |ch| ch.chinese());
        println!(
            "   {} 本人同意 consent of {} ({}): {choice}",
            if c.given { "✓" } else { "✗" },
            c.voter,
            c.consent.id()
        );
    }
    println!("  说明: {}", outcome.explanation.zh);
    println!("  Explanation: {}", outcome.explanation.en);
}

/// A residents' roll of `households` two-adult households placed in a territorial unit:
/// household `<prefix>-h<n>` with its representative `<prefix>-<n>a` and a second adult
/// `<prefix>-<n>b`.
pub fn two_adult_households(
    place: &str,
    prefix: &str,
    households: u32,
) -> Result<(Vec<Household>, Vec<Resident>), Box<dyn std::error::Error>> {
    let born: Date = "1965-06-01".parse()?;
    let mut hs = Vec::new();
    let mut rs = Vec::new();
    for n in 1..=households {
        let id = format!("{prefix}-h{n}");
        hs.push(Household {
            id: id.clone(),
            representative: format!("{prefix}-{n}a"),
            place: Some(NodeId::new(place)?),
            building_unit: None,
        });
        for who in ["a", "b"] {
            rs.push(Resident {
                id: format!("{prefix}-{n}{who}"),
                household: id.clone(),
                birth_date: born,
            });
        }
    }
    Ok((hs, rs))
}

/// The residents of the three grids of 弘湖社区 (ten two-adult households in each grid;
/// grid 1's live in 西湖春天3栋), for the charging-pile consultations.
pub fn hongfu_residents() -> Result<ResidentRoll, Box<dyn std::error::Error>> {
    let mut households = Vec::new();
    let mut residents = Vec::new();
    for (g, place) in [
        (1, "xhct-3"),
        (2, "340471100001002"),
        (3, "340471100001003"),
    ] {
        let (h, r) = two_adult_households(place, &format!("g{g}"), 10)?;
        households.extend(h);
        residents.extend(r);
    }
    Ok(ResidentRoll::new(households, residents, Vec::new())?)
}

/// Adds Party members to a Party branch (joined to it, 党员加入支部).
pub fn add_party_members(
    h: &mut Hierarchy,
    branch: &str,
    names: &[&str],
) -> Result<Vec<String>, HierarchyError> {
    let mut ids = Vec::new();
    for (i, member) in names.iter().enumerate() {
        let id = format!("{branch}-dy{}", i + 1);
        h.add(&id, NodeKind::PartyMember, &format!("党员{member}"))?;
        h.join(&id, branch)?;
        ids.push(id);
    }
    Ok(ids)
}

/// 合肥市 → 蜀山区 → 稻香村街道 → 合作化南路社区 → 安高城市天地小区, with the community Party
/// committee, the residents' committee (社居委), the compound's deliberation committee
/// (议事委员会) and its property manager. Codes below the district are illustrative.
pub fn daoxiangcun() -> Result<Hierarchy, HierarchyError> {
    let mut h = Hierarchy::new();
    let territory = [
        ("340100000000", NodeKind::City, "合肥市", None),
        (
            "340104000000",
            NodeKind::District,
            "蜀山区",
            Some("340100000000"),
        ),
        ("dxc", NodeKind::Street, "稻香村街道", Some("340104000000")),
        ("hzhnl", NodeKind::Community, "合作化南路社区", Some("dxc")),
        (
            "agcstd",
            NodeKind::Compound,
            "安高城市天地小区",
            Some("hzhnl"),
        ),
    ];
    for (id, kind, name, parent) in territory {
        h.add(id, kind, name)?;
        if let Some(parent) = parent {
            h.contain(parent, id)?;
        }
    }
    h.add("dxc-dgw", NodeKind::PartyCommittee, "稻香村街道党工委")?;
    h.lead("dxc-dgw", "dxc")?;
    h.add("hzhnl-dw", NodeKind::PartyCommittee, "合作化南路社区党委")?;
    h.lead("hzhnl-dw", "hzhnl")?;
    h.add(
        "hzhnl-sjw",
        NodeKind::ResidentsCommittee,
        "合作化南路社居委",
    )?;
    h.serve("hzhnl-sjw", "hzhnl")?;
    h.add(
        "agcstd-ysh",
        NodeKind::DeliberationCommittee,
        "安高城市天地小区议事委员会",
    )?;
    h.serve("agcstd-ysh", "agcstd")?;
    h.lead("hzhnl-dw", "agcstd-ysh")?;
    h.add("agcstd-wy", NodeKind::PropertyManager, "安高城市天地物业")?;
    h.serve("agcstd-wy", "agcstd")?;
    Ok(h)
}

/// 安庆市: 菱湖社区 (大观区菱湖街道; two grids, 菱湖新村小区 and 宜铜新村, two co-building units
/// 共驻共建单位) and 云墅社区 (迎江区滨江街道; two grids, volunteer teams 志愿服务队 with their
/// volunteers, among them the "灭蚁卫士" led by the veteran 李前平); each street has its grid
/// management centre. Codes below the districts and the co-building units' names are
/// illustrative.
pub fn linghu_yunshu() -> Result<Hierarchy, HierarchyError> {
    let mut h = Hierarchy::new();
    let territory = [
        ("340800000000", NodeKind::City, "安庆市", None),
        (
            "340803000000",
            NodeKind::District,
            "大观区",
            Some("340800000000"),
        ),
        ("lhjd", NodeKind::Street, "菱湖街道", Some("340803000000")),
        ("lh", NodeKind::Community, "菱湖社区", Some("lhjd")),
        (
            "340802000000",
            NodeKind::District,
            "迎江区",
            Some("340800000000"),
        ),
        ("bjjd", NodeKind::Street, "滨江街道", Some("340802000000")),
        ("ys", NodeKind::Community, "云墅社区", Some("bjjd")),
    ];
    for (id, kind, name, parent) in territory {
        h.add(id, kind, name)?;
        if let Some(parent) = parent {
            h.contain(parent, id)?;
        }
    }
    for (community, label) in [("lh", "菱湖社区"), ("ys", "云墅社区")] {
        let committee = format!("{community}-dw");
        h.add(
            &committee,
            NodeKind::PartyCommittee,
            &format!("{label}党委"),
        )?;
        h.lead(&committee, community)?;
        for g in 1..=2 {
            let grid = format!("{community}-g{g}");
            h.add(&grid, NodeKind::Grid, &format!("{label}第{g}网格"))?;
            h.contain(community, &grid)?;
            let worker = format!("{grid}-wgy");
            h.add(
                &worker,
                NodeKind::GridWorker,
                &format!("{label}第{g}网格网格员"),
            )?;
            h.serve(&worker, &grid)?;
        }
    }
    h.add("lhxc", NodeKind::Compound, "菱湖新村小区")?;
    h.contain("lh-g1", "lhxc")?;
    h.add("ytxc", NodeKind::Compound, "宜铜新村")?;
    h.contain("lh-g2", "ytxc")?;
    for (id, unit_name) in [("lh-gj1", "辖区餐饮企业"), ("lh-gj2", "辖区供电所")] {
        h.add(id, NodeKind::CoBuildingUnit, unit_name)?;
        h.serve(id, "lh")?;
        h.lead("lh-dw", id)?;
    }
    let teams = [
        (
            "ys-my",
            "灭蚁卫士志愿服务队",
            &["李前平(退伍老兵)", "灭蚁志愿者"][..],
        ),
        ("ys-qj", "清江环保志愿服务队", &["环保志愿者"][..]),
        ("ys-hs", "红色邻里志愿服务队", &["邻里志愿者"][..]),
        ("ys-gcw", "广场舞志愿服务队", &["广场舞志愿者"][..]),
    ];
    for (team, team_name, volunteers) in teams {
        h.add(team, NodeKind::VolunteerTeam, team_name)?;
        h.serve(team, "ys")?;
        h.lead("ys-dw", team)?;
        for (i, v) in volunteers.iter().enumerate() {
            let id = format!("{team}-v{}", i + 1);
            h.add(&id, NodeKind::Volunteer, v)?;
            h.join(&id, team)?;
        }
    }
    centre(&mut h, "lhjd-zx", "菱湖街道网格化服务管理中心", "lhjd")?;
    centre(&mut h, "bjjd-zx", "滨江街道网格化服务管理中心", "bjjd")?;
    Ok(h)
}
