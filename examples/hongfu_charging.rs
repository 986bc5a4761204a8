//! 弘湖社区 (三和镇, 淮南高新区): where to put the e-bike charging piles (充电桩选点).
//!
//! Bottom up (自下而上): each grid's Party branch calls a residents' consultation meeting
//! (居民协商会) of the grid's residents on its proposed site, decided by the residents'
//! meeting rule of the Organic Law of Urban Residents' Committees, Art. 9 (more than half of
//! the residents aged 18+, or of the household representatives, attend; more than half of
//! those attending agree). The community then sums up which sites go ahead.
//!
//! Run with `cargo run -p wangge --example hongfu_charging`.

#[path = "article/mod.rs"]
mod article;

use std::sync::Arc;

use wangge::consultation::{Choice, Rule, Scope, Vote, VoteSpec};

/// A grid's proposed site, and how many household representatives and second adults
/// attend and agree.
struct Site {
    grid: u32,
    place: &'static str,
    reps: (u32, u32),
    others: (u32, u32),
}

const SITES: [Site; 3] = [
    Site {
        grid: 1,
        place: "西湖春天小区3栋北侧空地",
        reps: (10, 8),
        others: (4, 3),
    },
    Site {
        grid: 2,
        place: "第2网格自行车棚旁",
        reps: (6, 4),
        others: (2, 1),
    },
    Site {
        grid: 3,
        place: "幼儿园围墙外侧",
        reps: (8, 4),
        others: (4, 2),
    },
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let h = article::hongfu()?;
    let roll = article::hongfu_residents()?;
    let on = "2025-04-12".parse()?;
    let rule = Rule::residents_meeting();
    println!(
        "{} 充电桩选点 charging-pile sites, led by {}",
        article::name(&h, "340471100001"),
        article::name(&h, "hh-dw")
    );
    println!("表决规则 rule: {} / {}", rule.name.zh, rule.name.en);
    let mut summary = Vec::new();
    for Site {
        grid: g,
        place: site,
        reps: (reps, reps_agree),
        others: (others, others_agree),
    } in SITES
    {
        let grid = format!("340471100001{g:03}");
        let electorate = Arc::new(roll.electorate(&h, &Scope::Territory(grid.parse()?), on)?);
        let branch = h.leading_party_org(&grid)?.map_or("—", |n| n.name.as_str());
        println!(
            "\n{} 居民协商会 (called by {branch}): site 选点 {site}; {} residents aged 18+, {} households",
            article::name(&h, &grid),
            electorate.totals().persons,
            electorate.totals().households
        );
        let mut vote = Vote::open(
            electorate,
            VoteSpec {
                id: format!("hh-g{g}-charging"),
                agenda: format!("充电桩选址：{site}"),
                rule: rule.clone(),
                opens_at: article::at("2025-04-12T19:00:00+08:00")?,
                closes_at: article::at("2025-04-12T21:00:00+08:00")?,
            },
        )?;
        let during = article::at("2025-04-12T20:00:00+08:00")?;
        for n in 1..=reps {
            let choice = if n <= reps_agree {
                Choice::Agree
            } else {
                Choice::Oppose
            };
            vote.cast(&format!("g{g}-{n}a"), choice, during)?;
        }
        for n in 1..=others {
            let choice = if n <= others_agree {
                Choice::Agree
            } else {
                Choice::Oppose
            };
            vote.cast(&format!("g{g}-{n}b"), choice, during)?;
        }
        vote.close(article::at("2025-04-12T21:00:00+08:00")?)?;
        let outcome = vote.outcome();
        println!(
            "  出席 attending: {} residents ({} household representatives); 同意 agree: {}",
            outcome.tally.participants().persons,
            outcome.tally.participants().households,
            outcome.tally.agree.persons
        );
        article::print_outcome(&outcome);
        summary.push((article::name(&h, &grid), site, outcome.passed));
    }
    println!(
        "\n社区汇总 community summary ({}):",
        article::name(&h, "hh-dw")
    );
    for (grid, site, passed) in &summary {
        let verdict = if *passed {
            "通过，安装 passed: install"
        } else {
            "未通过，重新选点 not passed: find another site"
        };
        println!("  {grid}: {site} — {verdict}");
    }
    let passing = summary.iter().filter(|s| s.2).count();
    println!("  {passing} of {} sites go ahead", summary.len());
    if passing != 2 {
        return Err("expected two sites to pass".into());
    }
    Ok(())
}
