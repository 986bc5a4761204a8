//! 新建社区 (Xinjian community, 毕家岗街道, 八公山区, 淮南市): the article's first case.
//!
//! Builds the community's grid system — 社区党委 → 网格党支部 → 网格长 → 网格员 — and prints
//! each grid's escalation chain (升级链), the Party organisation that leads it and its staff,
//! and where it lies on the map (the grids are drawn on a GCJ-02 map, as AMap shows them).
//! A resident's phone gives a GPS fix (WGS-84): wangge converts it and finds the unit it
//! falls in (定位), 矿工新村小区 in grid 3. Then plays the article's parking story there as
//! a ticket under GB/T 30428's separation of duties: a grid worker of that grid reports the
//! residents' wish for longer free parking (上报); the street's grid management centre files it and dispatches
//! it to the property manager (立案, 派遣) while the community Party committee follows it up
//! (督办); the property manager extends free parking from 2 to 4 hours (处置) but may not
//! verify or close its own work; the grid worker verifies on site (核查) and the centre's
//! return visit closes it (回访, 结案). The ledger answers, before each step, who may act
//! and why not.
//!
//! Run with `cargo run -p wangge --example xinjian` (or `make demo`).

#[path = "article/mod.rs"]
mod article;

use std::sync::Arc;

use wangge::geo::{CoordSystem, MapPoint};
use wangge::hierarchy::NodeKind;
use wangge::ticket::{Action, Ledger, NewTicket, RequestType, Satisfaction, Taxonomy};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let h = article::xinjian()?;
    println!(
        "新建社区 (Xinjian community): {} nodes, {} edges",
        h.len(),
        h.edge_count()
    );
    println!("社区党委—网格党支部—网格长—网格员 (committee → branch → leader → workers)\n");
    for grid in h.descendants_of_kind("340404001001", NodeKind::Grid)? {
        let chain: Vec<String> = h
            .chain(grid.id.as_str())?
            .map(|n| format!("{}({})", n.name, n.kind.chinese()))
            .collect();
        let branch = h
            .leading_party_org(grid.id.as_str())?
            .map(|n| n.name.as_str())
            .unwrap_or("—");
        let staff: Vec<String> = h
            .staff(grid.id.as_str())?
            .map(|n| format!("{} {}", n.kind.chinese(), n.name))
            .collect();
        println!("{} [{}]", grid.name, grid.id);
        println!("  升级链 escalation chain: {}", chain.join(" → "));
        println!(
            "  党组织 led by: {branch}; 人员 staff: {}",
            staff.join(", ")
        );
        if let Some(b) = &grid.boundary {
            let [west, south, east, north] = b.bbox();
            println!(
                "  地图 on the map ({}): {south:.3}–{north:.3}°N, {west:.3}–{east:.3}°E",
                h.coordinate_system()
            );
        }
    }
    let compound = h.node("xj-kgxq").ok_or("compound missing")?;
    let grid = h.grid_of("xj-kgxq-1")?.ok_or("grid missing")?;
    println!(
        "\n{} (building 矿工新村1栋) belongs to {}; its Party organisation is {}",
        compound.name,
        grid.name,
        h.leading_party_org("xj-kgxq-1")?
            .map(|n| n.name.as_str())
            .unwrap_or("—")
    );
    // A resident's phone reports from where she stands: GPS gives WGS-84 numbers, which a
    // Chinese map (GCJ-02) shows some 500 m away. A point names its system, so the numbers
    // cannot be taken for map coordinates by mistake.
    let fix = MapPoint::new(CoordSystem::Wgs84, 32.633628, 116.819763)?;
    let on_map = fix.to(CoordSystem::Gcj02);
    let unit = h
        .locate(fix)
        .and_then(|k| h.id(k))
        .ok_or("the fix is in no unit")?
        .to_string();
    println!(
        "\n定位 a resident's GPS fix ({:.6}°N, {:.6}°E, WGS-84) is at ({:.6}, {:.6}) on the GCJ-02 map: \
         in {} ({}), grid {}",
        fix.lat,
        fix.lng,
        on_map.lat,
        on_map.lng,
        article::name(&h, &unit),
        unit,
        h.grid_of(&unit)?.map_or("—", |g| g.name.as_str()),
    );
    let misread = MapPoint::new(CoordSystem::Gcj02, fix.lat, fix.lng)?;
    println!(
        "  the same numbers read as map coordinates would land in: {}",
        h.locate(misread)
            .and_then(|k| h.id(k))
            .map_or("no unit of 新建社区".to_owned(), |id| article::name(
                &h,
                id.as_str()
            ))
    );
    parking(h, &unit)
}

/// The parking story (停车): closed at community level.
fn parking(h: wangge::hierarchy::Hierarchy, unit: &str) -> Result<(), Box<dyn std::error::Error>> {
    let (grid, worker, party, property, centre, staff) = (
        "340404001001003",
        "340404001001003-wgy1",
        "340404001001-dw",
        "xj-kgxq-wy",
        "340404001000-zx",
        "340404001000-zx-1",
    );
    let mut ledger = Ledger::new(Arc::new(h), Arc::new(Taxonomy::default()));
    let id = "XJ-2025-0412";
    let base = article::at("2025-04-12T09:00:00+08:00")?;
    let t = |minutes: i64| base.plus_seconds(minutes * 60);
    // The ticket arises where the resident stood (located above).
    let mut ticket = NewTicket::new(id, "livelihood.parking", unit)?;
    ticket.request_type = RequestType::Suggestion;
    ticket.description = Some("节假日子女回家探亲，小区免费停车2小时太短，希望延长".into());
    ledger.report(ticket, worker, t(0))?;
    let h = ledger.hierarchy().clone();
    println!("\n停车诉求 the parking request ({id}, 停车 livelihood.parking):");
    println!(
        "  上报 reported [{}] at {} in {}: {} reported, 持有 held by {}",
        article::name(&h, worker),
        article::name(&h, unit),
        article::name(&h, grid),
        wangge::ticket::TicketState::Reported.chinese(),
        article::holder_name(&ledger, id)
    );
    println!(
        "  职责 roles under {}: who may file (立案)? {}",
        ledger.authority().name(),
        who(&ledger, id, t(60), &Action::File)?
    );
    article::step(&mut ledger, id, centre, t(60), "立案 filed", Action::File)?;
    let to = property.parse()?;
    article::step(
        &mut ledger,
        id,
        centre,
        t(65),
        "派遣 dispatched to 矿工新村物业",
        Action::Dispatch { to },
    )?;
    article::step(
        &mut ledger,
        id,
        party,
        t(66),
        "督办 the community Party committee follows it up",
        Action::Supervise {
            note: Some("社区党委协调物业".into()),
        },
    )?;
    article::step(
        &mut ledger,
        id,
        property,
        t(90),
        "签收 acknowledged",
        Action::Acknowledge,
    )?;
    let outcome = "周末及节假日免费停车时间由2小时延长至4小时 (free parking extended from 2 to 4 hours on weekends and holidays)";
    article::step(
        &mut ledger,
        id,
        property,
        t(60 * 48),
        "处置 handled",
        Action::Handle {
            outcome: outcome.into(),
        },
    )?;
    let verify = Action::Verify {
        passed: true,
        note: Some("物业已公示新停车规定".into()),
    };
    if let Some(why) = ledger.why_not(id, property, t(60 * 50), &verify) {
        println!("  核查 the property manager verifying its own work: refused");
        println!("    {} — {}", why.zh, why.en);
    }
    article::step(&mut ledger, id, worker, t(60 * 50), "核查 verified", verify)?;
    article::step(
        &mut ledger,
        id,
        staff,
        t(60 * 52),
        "回访 return visit: 满意 satisfied",
        Action::Visit {
            satisfaction: Satisfaction::Satisfied,
        },
    )?;
    let s = ledger.get(id).ok_or("ticket missing")?.snapshot();
    println!(
        "  最终 final: {} {}, {} events, satisfaction {}, responsible unit {}",
        s.state.chinese(),
        s.state,
        s.events,
        s.satisfaction.map_or("—", |x| x.chinese()),
        article::name(&h, s.responsible_unit.as_str())
    );
    println!("  处置结果 outcome: {outcome}");
    if s.state != wangge::ticket::TicketState::Closed {
        return Err("the parking ticket did not close".into());
    }
    Ok(())
}

/// The names of everyone who may take an action now.
fn who(
    ledger: &Ledger,
    id: &str,
    at: wangge::time::Timestamp,
    action: &Action,
) -> Result<String, Box<dyn std::error::Error>> {
    let h = ledger.hierarchy();
    let names: Vec<String> = ledger
        .who_can(id, at, action)?
        .iter()
        .map(|a| article::name(h, a.as_str()))
        .collect();
    Ok(names.join(", "))
}
