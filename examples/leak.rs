//! 西湖春天小区 (弘湖社区, 三和镇, 淮南高新区): the article's leak, "社区吹哨、部门报到".
//!
//! A restaurant's toilet in the shop building leaks into a residential lobby. A resident
//! comes to 弘湖社区 (居民来访); the community verifies on site (现场核查); the zone's city
//! operations centre (城市运行管理服务中心, supervision and command under GB/T 30428) files
//! the case and sends the grid worker; the shop owner refuses to pay for the repair (拒不维修).
//! The standard escalation policy reacts to the refusal: it escalates the case to 三和镇 and
//! blows the whistle (吹哨) for the three departments of 淮南高新区 with jurisdiction (市场监管,
//! 城管, 住建), which sign for it (报到) and report. The town has it handled; it may not verify
//! its own work, so the centre verifies it and makes the return visit; the event log is
//! written as JSON lines and read back.
//!
//! Run with `cargo run -p wangge --example leak`.

#[path = "article/mod.rs"]
mod article;

use std::sync::Arc;

use wangge::escalation::{self, Effect, EscalationPolicy};
use wangge::sla::{ServiceLevels, ServicePolicy};
use wangge::ticket::{
    Action, ActionKind, Channel, DeadlineKind, Ledger, NewTicket, Satisfaction, Taxonomy,
    TicketState,
};

const COMMUNITY: &str = "340471100001";
const GRID: &str = "340471100001001";
const WORKER: &str = "340471100001001-wgy";
const TOWN: &str = "340471100000";
const CENTRE: &str = "gx-yyzx";
const CENTRE_STAFF: &str = "gx-yyzx-1";
const DEPARTMENTS: [&str; 3] = ["gx-scjg", "gx-cg", "gx-zj"];
const ID: &str = "XHCT-2025-001";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let h = Arc::new(article::hongfu()?);
    let calendar = article::calendar_2025()?;
    let mut ledger = Ledger::new(h.clone(), Arc::new(Taxonomy::default()));
    let base = article::at("2025-03-03T09:00:00+08:00")?;
    let t = |minutes: i64| base.plus_seconds(minutes * 60);
    // Service levels (时限): sign within 2 working hours, handle within 3 working days,
    // reply to the resident within 5 working days, counted in China's 2025 calendar.
    let policy = ServicePolicy::from_json(
        r#"{"name": "弘湖社区", "rules": [{"name": "all", "targets": {"acknowledge":
            {"workingHours": 2}, "handle": {"workingDays": 3}, "reply": {"workingDays": 5}}}]}"#,
    )?;
    let levels = ServiceLevels {
        policy,
        calendar: calendar.clone(),
    };
    ledger.set_service_levels(Some(Arc::new(levels)), base)?;

    let mut ticket = NewTicket::new(ID, "livelihood.repair", "xhct-3")?;
    ticket.channel = Channel::ResidentVisit;
    ticket.holder = Some(COMMUNITY.parse()?);
    ticket.verify_first = true;
    ticket.reporter = Some("resident-0001".into());
    ticket.description = Some("商铺楼饭店二层卫生间漏水到住宅楼入户大厅".into());
    ledger.report(ticket, COMMUNITY, t(0))?;
    println!(
        "{ID} 居民来访 resident visit: 漏水 leak at {} ({}), 持有 held by {}",
        article::name(&h, "xhct-3"),
        article::name(&h, "xhct"),
        article::holder_name(&ledger, ID)
    );
    match ledger.apply(ID, COMMUNITY, t(5), Action::File) {
        Ok(state) => return Err(format!("filed before the on-site check: {state}").into()),
        Err(e) => println!(
            "  立案 file before the on-site check: refused ({})",
            e.code()
        ),
    }
    let before = [
        (
            COMMUNITY,
            30,
            "现场核查 verified on site",
            Action::ConfirmOnSite,
        ),
        (
            CENTRE,
            40,
            "立案 filed by the zone's operations centre",
            Action::File,
        ),
        (
            CENTRE,
            41,
            "派遣 dispatched to 第1网格",
            Action::Dispatch { to: GRID.parse()? },
        ),
        (WORKER, 45, "签收 acknowledged", Action::Acknowledge),
        (
            WORKER,
            60 * 24,
            "店主拒修 the shop owner refuses",
            Action::RecordRefusal {
                party: "饭店店主".into(),
                note: Some("不舍得花钱，一直不愿维修".into()),
            },
        ),
    ];
    for (actor, minutes, label, action) in before {
        article::step(&mut ledger, ID, actor, t(minutes), label, action)?;
    }
    if let Some(due) = ledger
        .get(ID)
        .and_then(|v| v.deadline(DeadlineKind::Handle))
    {
        println!("  处置时限 handling deadline (3 working days): {due}");
    }

    // The standard escalation policy reacts to the refusal.
    let now = t(60 * 24 + 10);
    let decisions = escalation::evaluate(now, &ledger, &EscalationPolicy::standard(), &calendar)?;
    println!("  升级规则 escalation engine (standard policy) proposes:");
    let bookkeeping = |a: &Action| matches!(a.kind(), ActionKind::Recheck | ActionKind::RuleFired);
    for d in &decisions {
        let what = match &d.effect {
            Effect::Act { action } if bookkeeping(action) => continue,
            Effect::Act { action } => action.kind().as_str().to_owned(),
            Effect::Notify { message, .. } => format!("notify: {message}"),
            other => format!("{other:?}"), // Effect is #[non_exhaustive]
        };
        println!("    rule \"{}\" → {what}: {}", d.rule, d.reason);
    }
    for applied in escalation::apply(&mut ledger, &decisions, now) {
        let state = applied.result?;
        let d = decisions.get(applied.index).ok_or("decision missing")?;
        if let Effect::Act { action } = &d.effect {
            if bookkeeping(action) {
                continue;
            }
            println!(
                "    applied by @system: {} → {} {state}",
                action.kind(),
                state.chinese()
            );
        }
    }
    let v = ledger.get(ID).ok_or("ticket missing")?;
    println!(
        "  上报三和镇 now held by {}; 吹哨 summoned: {}",
        article::holder_name(&ledger, ID),
        v.summoned()
            .filter_map(|k| h.node_by_key(k))
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    if v.responsible_unit() != h.require(TOWN)? {
        return Err("the case did not go up to 三和镇".into());
    }
    if let Some(s) = v.snapshot().summons.first() {
        let show =
            |t: Option<wangge::time::Timestamp>| t.map_or("—".to_owned(), |t| t.to_string());
        println!(
            "  报到时限 sign by {} (1 hour); 报告时限 report by {} (3 working days)",
            show(s.sign_by),
            show(s.report_by)
        );
    }
    let town_ack = "镇签收 the town acknowledges";
    article::step(
        &mut ledger,
        ID,
        TOWN,
        t(60 * 24 + 20),
        town_ack,
        Action::Acknowledge,
    )?;
    let early = Action::Handle {
        outcome: "x".into(),
    };
    if let Err(e) = ledger.apply(ID, TOWN, t(60 * 24 + 25), early) {
        println!(
            "  处置 handle before the departments report: refused ({})",
            e.code()
        );
    }
    let mut after: Vec<(&str, i64, String, Action)> = Vec::new();
    for (i, d) in (0..).zip(DEPARTMENTS) {
        let label = format!("报到 {} signs for the whistle", article::name(&h, d));
        after.push((d, 60 * 24 + 30 + i, label, Action::SignWhistle));
    }
    for (i, d) in (0..).zip(DEPARTMENTS) {
        let note = Some("综合执法队伍现场责令店主维修卫生间".into());
        let label = format!("报告 {} reports", article::name(&h, d));
        after.push((d, 60 * 26 + i, label, Action::ReportWhistle { note }));
    }
    let outcome = "店主修复卫生间防水层，入户大厅不再渗水".into();
    after.push((
        TOWN,
        60 * 48,
        "处置完成 handled".into(),
        Action::Handle { outcome },
    ));
    for (actor, minutes, label, action) in after.drain(..) {
        article::step(&mut ledger, ID, actor, t(minutes), &label, action)?;
    }
    let verify = Action::Verify {
        passed: true,
        note: None,
    };
    match ledger.apply(ID, TOWN, t(60 * 49), verify.clone()) {
        Ok(state) => return Err(format!("the town verified its own work: {state}").into()),
        Err(e) => println!(
            "  核查 the town verifying its own work: refused ({})",
            e.code()
        ),
    }
    after.extend([
        (
            CENTRE,
            60 * 49,
            "核查 verified by the operations centre".into(),
            verify,
        ),
        (
            CENTRE_STAFF,
            60 * 50,
            "回访 return visit: 满意 satisfied".into(),
            Action::Visit {
                satisfaction: Satisfaction::Satisfied,
            },
        ),
    ]);
    for (actor, minutes, label, action) in after {
        article::step(&mut ledger, ID, actor, t(minutes), &label, action)?;
    }

    let s = ledger.get(ID).ok_or("ticket missing")?.snapshot();
    println!(
        "结案 {} {}: {} events in the log, {} escalation(s), {} refusal(s), {} departments summoned",
        s.state.chinese(),
        s.state,
        ledger.event_count(),
        s.escalations,
        s.refusals,
        s.summons.len()
    );
    let log = ledger.to_jsonl();
    let back = Ledger::from_jsonl(ledger.hierarchy().clone(), ledger.taxonomy().clone(), &log)?;
    let same = back.get(ID).map(|v| v.snapshot()) == Some(s.clone()) && back.to_jsonl() == log;
    println!(
        "日志 JSONL log: {} lines; read back, hash chain verified and replayed: {}",
        log.lines().count(),
        if same {
            "identical 一致"
        } else {
            "DIFFERENT 不一致"
        }
    );
    if s.state != TicketState::Closed || !same {
        return Err("the leak did not end closed with a faithful log".into());
    }
    Ok(())
}
