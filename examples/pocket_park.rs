//! 新建社区 口袋公园 (the pocket park, 2021): a plot that more than 50 households had turned
//! into vegetable gardens is to become a park.
//!
//! First the grid's Party branch meets (支部会议): its Party members, joined to the branch in
//! the hierarchy, agree to give up their own gardens first (党员带头). Then the residents'
//! consultation (居民协商会) of the gardening households of the grid agrees to the plan. Both
//! votes use the consensus rule (协商一致: nobody who attends opposes; abstaining is not
//! opposing), and each outcome is printed with its explanation.
//!
//! Run with `cargo run -p wangge --example pocket_park`.

#[path = "article/mod.rs"]
mod article;

use std::sync::Arc;

use wangge::consultation::{
    Basis, Choice, Electorate, Member, ResidentRoll, Rule, Scope, Vote, VoteSpec,
};
use wangge::hierarchy::EdgeKind;

const GRID: &str = "340404001001005";
const BRANCH: &str = "340404001001005-zb";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut h = article::xinjian()?;
    let names = ["孙", "马", "朱", "胡", "郭", "何", "高"];
    article::add_party_members(&mut h, BRANCH, &names)?;
    println!(
        "{} ({}) 口袋公园 pocket park: the idle plot farmed by 52 households",
        article::name(&h, GRID),
        article::name(&h, "340404001001")
    );

    // 1. The branch meeting: the electorate is the branch's members in the hierarchy.
    let members: Vec<Member> = h
        .sources(BRANCH, EdgeKind::MemberOf)?
        .into_iter()
        .map(|n| Member::new(n.id.as_str()))
        .collect();
    println!(
        "\n1. {} 支部会议 branch meeting: {} Party members",
        article::name(&h, BRANCH),
        members.len()
    );
    let electorate = Arc::new(Electorate::members(members)?);
    let mut vote = Vote::open(
        electorate.clone(),
        VoteSpec {
            id: "xj-g5-branch-2021-03".into(),
            agenda: "党员带头放弃菜园，支持改建口袋公园".into(),
            rule: Rule::consensus_of_attendees(Basis::Persons),
            opens_at: article::at("2021-03-06T19:00:00+08:00")?,
            closes_at: article::at("2021-03-06T21:00:00+08:00")?,
        },
    )?;
    let during = article::at("2021-03-06T20:00:00+08:00")?;
    // One member is away; everyone present agrees.
    for (_, id) in electorate.voters().take(names.len() - 1) {
        vote.cast(id, Choice::Agree, during)?;
    }
    vote.close(article::at("2021-03-06T21:00:00+08:00")?)?;
    println!("  议题 agenda: {}", vote.agenda());
    let branch = vote.outcome();
    article::print_outcome(&branch);

    // 2. The residents' consultation of the gardening households of the grid.
    let (households, residents) = article::two_adult_households(GRID, "xj5", 52)?;
    let roll = ResidentRoll::new(households, residents, Vec::new())?;
    let on = "2021-03-20".parse()?;
    let electorate = Arc::new(roll.electorate(&h, &Scope::Territory(GRID.parse()?), on)?);
    println!(
        "\n2. 居民协商会 residents' consultation of {}: {} households, {} residents aged 18+",
        article::name(&h, GRID),
        electorate.totals().households,
        electorate.totals().persons
    );
    let mut vote = Vote::open(
        electorate,
        VoteSpec {
            id: "xj-g5-residents-2021-03".into(),
            agenda: "闲置地块改建口袋公园（菜园让路）".into(),
            rule: Rule::consensus_of_attendees(Basis::Households),
            opens_at: article::at("2021-03-20T09:00:00+08:00")?,
            closes_at: article::at("2021-03-20T11:30:00+08:00")?,
        },
    )?;
    let during = article::at("2021-03-20T10:00:00+08:00")?;
    // 48 household representatives attend: 46 agree, 2 abstain, nobody opposes.
    for n in 1..=48 {
        let choice = if n <= 46 {
            Choice::Agree
        } else {
            Choice::Abstain
        };
        vote.cast(&format!("xj5-{n}a"), choice, during)?;
    }
    vote.close(article::at("2021-03-20T11:30:00+08:00")?)?;
    println!("  议题 agenda: {}", vote.agenda());
    let residents = vote.outcome();
    article::print_outcome(&residents);

    let done = branch.passed && residents.passed;
    println!(
        "\n{}",
        if done {
            "支部先行、居民一致同意: the plan goes ahead; no resident stopped the works."
        } else {
            "the plan is not agreed yet"
        }
    );
    if !done {
        return Err("expected both votes to pass".into());
    }
    Ok(())
}
