//! 世纪新城小区 (丁岗社区, 南七街道, 蜀山区, 合肥市): adding elevators (加装电梯) to building 5.
//!
//! The owners' committee (业委会), formed in 2019 under the community Party committee with
//! four veteran Party members, organises a vote per building unit (单元) under the elevator
//! rule: Civil Code Art. 278 item 7 (two thirds or more participating by area and by owners,
//! three quarters or more of the participating area and owners agreeing) plus the individual
//! consent of the ground-floor owner whose flat the shaft uses. In unit 1 that owner opposes
//! (light, air, quiet and privacy), so the vote fails however large the majority; in unit 2
//! the owners agree after the Party members' door-to-door work, and it passes.
//!
//! Run with `cargo run -p wangge --example elevator`.

#[path = "article/mod.rs"]
mod article;

use std::sync::Arc;

use wangge::consultation::{Choice, OwnerRoll, Rule, Scope, Vote, VoteSpec};
use wangge::hierarchy::{EdgeKind, NodeKind};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut h = article::shijixincheng()?;
    // The owners' committee with its veteran Party members (老党员) among its members.
    for (id, who) in [
        ("sjxc-ywh-wcg", "吴昌庚(业委会主任)"),
        ("sjxc-ywh-wlg", "吴留高"),
    ] {
        h.add(id, NodeKind::PartyMember, who)?;
        h.join(id, "sjxc-ywh")?;
    }
    let committee = h.node("sjxc-ywh").ok_or("owners' committee missing")?;
    let members: Vec<&str> = h
        .sources("sjxc-ywh", EdgeKind::MemberOf)?
        .into_iter()
        .map(|n| n.name.as_str())
        .collect();
    let leaders = h.sources("sjxc-ywh", EdgeKind::Leads)?;
    let leader = leaders.first().map_or("—", |n| n.name.as_str());
    println!(
        "{} serves {}, led by {}; members 成员: {}",
        committee.name,
        article::name(&h, "sjxc"),
        leader,
        members.join(", ")
    );
    let roll = OwnerRoll::from_json(&article::shijixincheng_roll().to_string())?;
    println!(
        "业主名册 owners' roll of {}: {} flats, {} owners",
        article::name(&h, "sjxc-5"),
        roll.units().len(),
        roll.owners().len()
    );
    let opens = article::at("2020-05-01T08:00:00+08:00")?;
    let closes = article::at("2020-05-15T18:00:00+08:00")?;
    let cast_at = article::at("2020-05-03T10:00:00+08:00")?;
    let mut results = Vec::new();
    for entrance in ["1", "2"] {
        let scope = Scope::BuildingUnit {
            building: "sjxc-5".parse()?,
            unit: entrance.into(),
        };
        let electorate = Arc::new(roll.electorate(&h, &scope)?);
        let shaft = format!("5-{entrance}-101");
        let mut vote = Vote::open(
            electorate.clone(),
            VoteSpec {
                id: format!("sjxc-5-{entrance}-elevator"),
                agenda: format!("5幢{entrance}单元加装电梯"),
                rule: Rule::elevator_installation([shaft.as_str()]),
                opens_at: opens,
                closes_at: closes,
            },
        )?;
        let totals = electorate.totals();
        println!(
            "\n{} (agenda: elevator for unit {entrance}): {} owners, {} m² eligible",
            vote.agenda(),
            totals.headcount,
            totals.area
        );
        let ballots = ballots(entrance);
        for (unit, choice) in &ballots {
            let owner = roll.unit(unit).ok_or("unit missing")?.owner.clone();
            // The owner of two flats (5-2-601, 5-2-602) votes once.
            if vote.choice_of(electorate.voter(&owner)?).is_some() {
                continue;
            }
            vote.cast(&owner, *choice, cast_at)?;
            if *choice != Choice::Agree {
                println!(
                    "  {unit} 业主 {owner}: {} {}",
                    choice.chinese(),
                    choice.as_str()
                );
            }
        }
        vote.close(closes)?;
        let outcome = vote.outcome();
        println!(
            "  ballots 票数 {}: agree {} / oppose {} / abstain {} (by owners)",
            outcome.tally.ballots,
            outcome.tally.agree.headcount,
            outcome.tally.oppose.headcount,
            outcome.tally.abstain.headcount
        );
        // Exact counts: in unit 2, 8 of 10 owners is exactly "three quarters or more" with 0
        // to spare (以上 includes the boundary, Civil Code Art. 1259).
        article::print_outcome(&outcome);
        results.push((entrance, outcome.passed));
    }
    println!();
    for (entrance, passed) in &results {
        let verdict = if *passed {
            "加装 install"
        } else {
            "暂缓 not now: mediation"
        };
        println!("5幢{entrance}单元 unit {entrance}: {verdict}");
    }
    if results != [("1", false), ("2", true)] {
        return Err("expected unit 1 to fail and unit 2 to pass".into());
    }
    Ok(())
}

/// The ballots by flat: in unit 1 the ground-floor owner of 5-1-101 (where the shaft lands)
/// and the owner of 5-1-102 oppose; in unit 2 the owner of 5-2-101 agrees, the owner of
/// 5-2-102 still opposes, 5-2-201 abstains and 5-2-202 does not vote.
fn ballots(entrance: &str) -> Vec<(String, Choice)> {
    let mut out = Vec::new();
    for floor in 1..=6 {
        for door in 1..=2 {
            let flat = format!("5-{entrance}-{floor}0{door}");
            let choice = match (entrance, floor, door) {
                ("1", 1, _) => Choice::Oppose,
                ("2", 1, 2) => Choice::Oppose,
                ("2", 2, 1) => Choice::Abstain,
                ("2", 2, 2) => continue,
                _ => Choice::Agree,
            };
            out.push((flat, choice));
        }
    }
    out
}
