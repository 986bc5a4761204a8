//! 稻香村街道 (蜀山区, 合肥市): the weekend deliberation hall (周末议事厅), set up in 2019 in
//! Party-service centres, stations and property rooms.
//!
//! Records a few months of sessions of two halls: 安高城市天地小区's, where the rotten wooden
//! deck of the landscape bridge (景观桥) is taken up, deliberated by the compound's
//! deliberation committee with Party members, the residents' committee, owners' and the
//! property manager's representatives, and settled with marble (大理石) by consensus; and
//! the street's own hall. Prints the statistics (sessions 开展活动, consultations 组织协商,
//! problems solved 解决问题), per hall and per month, and the tickets the decisions resolve.
//!
//! Run with `cargo run -p wangge --example daoxiangcun`.

#[path = "article/mod.rs"]
mod article;

use std::sync::Arc;

use wangge::consultation::{
    AgendaItem, Basis, Choice, Decision, Electorate, Forum, ForumKind, ForumRecords, Member, Rule,
    Session, Vote, VoteSpec,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let h = article::daoxiangcun()?;
    let mut records = ForumRecords::new();
    for (id, name, host) in [
        ("agcstd-zmyst", "安高城市天地小区周末议事厅", "agcstd"),
        ("dxc-zmyst", "稻香村街道党群服务中心周末议事厅", "dxc"),
    ] {
        let kind = ForumKind::WeekendDeliberationHall;
        records.add_forum(Forum {
            id: id.into(),
            name: name.into(),
            kind,
            host: Some(host.parse()?),
        })?;
        println!(
            "周末议事厅 weekend deliberation hall: {name} at {}",
            article::name(&h, host)
        );
    }

    // The bridge decision, put to the participants: consensus of those attending.
    let participants = [
        "小区党员李强",
        "小区党员甲",
        "社居委代表",
        "业主代表甲",
        "业主代表乙",
        "业主代表丙",
        "物业公司代表",
    ];
    let electorate = Electorate::members(participants.iter().map(|p| Member::representative(*p)))?;
    let mut vote = Vote::open(
        Arc::new(electorate),
        VoteSpec {
            id: "agcstd-bridge-vote".into(),
            agenda: "景观桥桥面换成大理石".into(),
            rule: Rule::consensus_of_attendees(Basis::Representatives),
            opens_at: article::at("2023-05-13T09:00:00+08:00")?,
            closes_at: article::at("2023-05-13T11:00:00+08:00")?,
        },
    )?;
    let during = article::at("2023-05-13T10:30:00+08:00")?;
    for p in participants {
        let choice = if p == "业主代表丙" {
            Choice::Abstain
        } else {
            Choice::Agree
        };
        vote.cast(p, choice, during)?;
    }
    vote.close(article::at("2023-05-13T11:00:00+08:00")?)?;
    println!(
        "\n{} (deliberation committee) puts the bridge to the participants ({}):",
        article::name(&h, "agcstd-ysh"),
        vote.agenda()
    );
    let outcome = vote.outcome();
    article::print_outcome(&outcome);

    // One agenda item a line (a session without items: `-`): session | forum | date |
    // participants | issue | title | decision | solved | ticket resolved (`-`: none).
    let bridge_solved = if outcome.passed { "solved" } else { "open" };
    let lines = format!(
        "\
agcstd-2023-04-15|agcstd-zmyst|2023-04-15|12|bridge|景观桥木质桥面改造|纳入议事项目，征集方案|open|-
agcstd-2023-04-15|agcstd-zmyst|2023-04-15|12|parking|小区夜间停车秩序|物业增设夜间巡查|solved|-
agcstd-2023-04-29|agcstd-zmyst|2023-04-29|20|-
agcstd-2023-05-13|agcstd-zmyst|2023-05-13|14|bridge|景观桥木质桥面改造|桥面换成大理石|{bridge_solved}|AGCSTD-2023-0412
dxc-2023-05-20|dxc-zmyst|2023-05-20|30|elderly-meals|老年人助餐需求|对接社区食堂试点|open|-
dxc-2023-05-20|dxc-zmyst|2023-05-20|30|garbage|垃圾分类投放点调整|投放点移至北门|solved|-
dxc-2023-06-17|dxc-zmyst|2023-06-17|26|elderly-meals|老年人助餐需求|助餐点6月底开餐|solved|-
agcstd-2023-06-24|agcstd-zmyst|2023-06-24|9|bridge-noise|景观桥施工噪音|网格员和党员上门了解情况，调整施工时间|solved|-"
    );
    let mut sessions: Vec<Session> = Vec::new();
    for line in lines.lines() {
        let f: Vec<&str> = line.split('|').collect();
        let (&[id, forum, date, participants], rest) = f.split_at_checked(4).ok_or("bad line")?
        else {
            return Err(format!("bad line: {line}").into());
        };
        if sessions.last().is_none_or(|s| s.id != id) {
            sessions.push(Session {
                id: id.into(),
                forum: forum.into(),
                date: date.parse()?,
                convener: "合作化南路社区党委".into(),
                participants: participants.parse()?,
                agenda: Vec::new(),
            });
        }
        if let (&[issue, title, text, solved, ticket], Some(session)) = (rest, sessions.last_mut())
        {
            let vote = (issue == "bridge" && ticket != "-").then(|| vote.id().to_owned());
            session.agenda.push(AgendaItem {
                issue: issue.into(),
                title: title.into(),
                decisions: vec![Decision {
                    text: text.into(),
                    ticket: (ticket != "-").then(|| ticket.into()),
                    solved: solved == "solved",
                    vote,
                }],
            });
        }
    }
    for session in sessions {
        records.record(session)?;
    }

    let total = records.stats(None, None)?;
    println!(
        "\n合计 total: 开展活动 {} sessions, 组织协商 {} consultations, 解决问题 {} problems solved, {} 人次 participants",
        total.sessions, total.consultations, total.problems_solved, total.participants
    );
    for row in records.by_forum(None) {
        let s = row.stats;
        println!(
            "  {}: {} sessions, {} consultations, {} solved",
            row.forum, s.sessions, s.consultations, s.problems_solved
        );
    }
    println!("按月 by month:");
    for m in records.by_month(None)? {
        let s = m.stats;
        println!(
            "  {}-{:02}: {} sessions, {} consultations, {} solved",
            m.year, m.month, s.sessions, s.consultations, s.problems_solved
        );
    }
    for r in records.ticket_resolutions() {
        println!(
            "工单 ticket {} resolved by \"{}\" ({} session {}, {})",
            r.ticket, r.decision, r.forum, r.session, r.date
        );
    }
    println!("(全街道 street-wide per the article: 1036 sessions, 484 consultations, 153 problems solved)");
    if (total.sessions, total.consultations, total.problems_solved) != (6, 7, 5) {
        return Err("unexpected forum statistics".into());
    }
    Ok(())
}
