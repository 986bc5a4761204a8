//! The escalation engine: a test per trigger and response, service levels and deadline
//! renewal, the article's leak case driven by the engine, what-if replay, and property tests
//! (idempotence, determinism, monotonicity).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::sync::Arc;

use common::*;
use proptest::prelude::*;
use wangge::calendar::Calendar;
use wangge::escalation::{
    apply, evaluate, evaluate_parallel, sweep, sweep_parallel, what_if, Effect, EscalationPolicy,
    RepeatScope, Response, Rule, Trigger,
};
use wangge::hierarchy::NodeKind;
use wangge::sla::{Amount, ServiceLevels, ServicePolicy, Targets};
use wangge::ticket::{Action, DeadlineKind, Ledger, NewTicket, Satisfaction, TicketState};
use wangge::time::Timestamp;

fn cal() -> Calendar {
    Calendar::standard()
        .with_exceptions_text(include_str!("../src/calendar/cn-2025.txt"))
        .unwrap()
}

/// Acknowledge within 30 working minutes, handle within 2 working hours.
fn levels() -> Arc<ServiceLevels> {
    Arc::new(ServiceLevels {
        policy: ServicePolicy::uniform(
            "test",
            Targets {
                acknowledge: Some(Amount::WorkingMinutes(30)),
                handle: Some(Amount::WorkingHours(2)),
                verify: Some(Amount::WorkingDays(1)),
                reply: Some(Amount::WorkingDays(5)),
            },
        ),
        calendar: cal(),
    })
}

fn policy(rules: Vec<Rule>) -> EscalationPolicy {
    let p = EscalationPolicy {
        format: "wangge.escalation_policy".into(),
        version: 1,
        name: "test".into(),
        top: Some(NodeKind::District),
        rules,
    };
    p.validate().unwrap();
    p
}

fn rule(name: &str, when: Trigger, then: Vec<Response>) -> Rule {
    Rule {
        name: name.into(),
        category: None,
        when,
        then,
    }
}

/// A rule that fires when a deadline is missed (after a grace, if any).
fn missed(name: &str, deadline: DeadlineKind, grace: Option<Amount>, then: Vec<Response>) -> Rule {
    rule(name, Trigger::DeadlineMissed { deadline, grace }, then)
}

fn sla_ledger() -> Ledger {
    let mut l = ledger();
    l.set_service_levels(Some(levels()), t(0)).unwrap();
    l
}

fn hhmm(ts: Timestamp) -> String {
    ts.to_string()[11..16].to_owned()
}

/// T1 reported at 09:00 Monday 3 March 2025 in grid 1, filed and dispatched to the grid at 09:10.
fn dispatched(l: &mut Ledger, id: &str) {
    l.report(
        NewTicket::new(id, "livelihood.repair", BUILDING).unwrap(),
        WORKER,
        t(0),
    )
    .unwrap();
    l.apply(id, CENTRE, t(5), Action::File).unwrap();
    l.apply(
        id,
        CENTRE,
        t(10),
        Action::Dispatch {
            to: GRID.parse().unwrap(),
        },
    )
    .unwrap();
}

/// The kind of every decision's effect, the deadline index's bookkeeping (`recheck`)
/// included.
fn kinds(d: &[wangge::escalation::Decision]) -> Vec<String> {
    d.iter().map(kind).collect()
}

/// The decisions' actions, leaving out the deadline index's bookkeeping (`recheck`).
fn actions(d: &[wangge::escalation::Decision]) -> Vec<String> {
    d.iter()
        .filter(|d| d.trigger != "recheck")
        .map(kind)
        .collect()
}

fn kind(d: &wangge::escalation::Decision) -> String {
    match &d.effect {
        Effect::Act { action } => action.kind().to_string(),
        Effect::Notify { .. } => "notify".into(),
        other => format!("{other:?}"),
    }
}

/// A reminder when the deadline to sign for is missed (after a grace), and `then` when the
/// handling deadline is.
fn ack_then_handle(ack_grace: Amount, then: Vec<Response>) -> EscalationPolicy {
    policy(vec![
        missed(
            "ack-late",
            DeadlineKind::Acknowledge,
            Some(ack_grace),
            vec![Response::Remind],
        ),
        missed("handle-late", DeadlineKind::Handle, None, then),
    ])
}

/// Evaluates and keeps the firings (not the index bookkeeping).
fn firing(
    now: Timestamp,
    l: &Ledger,
    p: &EscalationPolicy,
    c: &Calendar,
) -> Vec<wangge::escalation::Decision> {
    evaluate(now, l, p, c)
        .unwrap()
        .into_iter()
        .filter(|d| d.trigger != "recheck")
        .collect()
}

#[test]
fn service_levels_set_and_renew_deadlines() {
    let mut l = sla_ledger();
    dispatched(&mut l, "T1");
    let v = l.get("T1").unwrap();
    assert_eq!(
        hhmm(v.deadline(DeadlineKind::Acknowledge).unwrap()),
        "09:40"
    );
    assert_eq!(hhmm(v.deadline(DeadlineKind::Handle).unwrap()), "11:10");
    assert_eq!(
        v.deadline(DeadlineKind::Reply).unwrap().to_string(),
        "2025-03-10T17:30:00+08:00"
    );
    // Recorded as set_deadline events by @system, so the log replays without the policy.
    let text = l.to_jsonl();
    assert!(text.contains(r#""actor":"@system","action":{"type":"set_deadline","deadline":"handle","due":"2025-03-03T11:10:00+08:00"}"#));
    let back = Ledger::from_jsonl(l.hierarchy().clone(), l.taxonomy().clone(), &text).unwrap();
    assert_eq!(
        back.get("T1").unwrap().snapshot(),
        l.get("T1").unwrap().snapshot()
    );
    // Suspension pauses the clock in working time: 10:00 → 15:00 suspended = 3 working hours.
    l.apply(
        "T1",
        CENTRE,
        t(60),
        Action::Suspend {
            reason: "等待".into(),
        },
    )
    .unwrap();
    l.apply("T1", WORKER, t(360), Action::Resume).unwrap();
    assert_eq!(
        hhmm(l.get("T1").unwrap().deadline(DeadlineKind::Handle).unwrap()),
        "16:10"
    );
    // A policy change keeps the time accrued: the handling clock started at 09:10.
    let mut longer = (*levels()).clone();
    longer.policy.rules[0].targets.handle = Some(Amount::WorkingHours(3));
    l.set_service_levels(Some(Arc::new(longer)), t(400))
        .unwrap();
    assert_eq!(
        hhmm(l.get("T1").unwrap().deadline(DeadlineKind::Handle).unwrap()),
        "17:10"
    );
}

#[test]
fn missed_deadlines_remind_then_escalate_once_per_breach() {
    let mut l = sla_ledger();
    dispatched(&mut l, "T1");
    let p = policy(vec![
        rule(
            "ack-late",
            Trigger::DeadlineMissed {
                deadline: DeadlineKind::Acknowledge,
                grace: None,
            },
            vec![Response::Remind],
        ),
        rule(
            "handle-late",
            Trigger::DeadlineMissed {
                deadline: DeadlineKind::Handle,
                grace: None,
            },
            vec![Response::Escalate { to: None }],
        ),
    ]);
    let c = cal();
    assert!(firing(t(30), &l, &p, &c).is_empty()); // 09:30: nothing due yet
    let d = evaluate(t(60), &l, &p, &c).unwrap();
    assert_eq!(actions(&d), ["remind", "rule_fired"]);
    assert_eq!(d[1].rule, "ack-late");
    assert!(d[1].reason.contains("签收时限"), "{}", d[1].reason);
    apply(&mut l, &d, t(60));
    assert!(
        evaluate(t(60), &l, &p, &c).unwrap().is_empty(),
        "idempotent at the same instant"
    );
    assert!(
        evaluate(t(65), &l, &p, &c).unwrap().is_empty(),
        "never twice for the same breach"
    );
    l.apply("T1", WORKER, t(70), Action::Acknowledge).unwrap();
    // 12:20: the 11:10 handling deadline is missed: escalate to the community.
    let d = sweep(&mut l, t(200), &p, &c).unwrap();
    assert_eq!(actions(&d), ["escalate", "rule_fired"]);
    let s = l.get("T1").unwrap().snapshot();
    assert_eq!(
        (s.holder.as_str(), s.state, s.escalations),
        (COMMUNITY, TicketState::Dispatched, 1)
    );
    // Renewed in working time: 2 working hours from 12:20 skip the lunch break → 16:00.
    assert_eq!(hhmm(s.deadlines.handle.unwrap()), "16:00");
    assert!(firing(t(200), &l, &p, &c).is_empty());
    // Still not handled at 16:30: up again, to the town; then the district; never above.
    sweep(&mut l, t(450), &p, &c).unwrap();
    assert_eq!(l.get("T1").unwrap().snapshot().holder.as_str(), TOWN);
    sweep(&mut l, t(60 * 24 * 2), &p, &c).unwrap();
    assert_eq!(l.get("T1").unwrap().snapshot().holder.as_str(), ZONE);
    let d = sweep(&mut l, t(60 * 24 * 4), &p, &c).unwrap();
    let handle: Vec<_> = d
        .iter()
        .filter(|d| d.rule == "handle-late")
        .cloned()
        .collect();
    assert_eq!(
        actions(&handle),
        ["rule_fired"],
        "the top level stops escalation"
    );
    assert_eq!(l.get("T1").unwrap().snapshot().escalations, 3);
    // Nothing can fire for that deadline any more: it has left the index, so later sweeps
    // do not visit it again.
    let later = evaluate(t(60 * 24 * 30), &l, &p, &c).unwrap();
    assert!(later.iter().all(|d| d.rule != "handle-late"));
    apply(&mut l, &later, t(60 * 24 * 30));
    // Only the reply deadline, which no rule of this policy watches, is left in the index:
    // sweeps do not visit it (and record nothing about it).
    let left: Vec<_> = l.due_until(t(60 * 24 * 30)).map(|(_, _, k)| k).collect();
    assert_eq!(left, [DeadlineKind::Reply]);
    assert!(evaluate(t(60 * 24 * 31), &l, &p, &c).unwrap().is_empty());
}

#[test]
fn warnings_and_grace() {
    let mut l = sla_ledger();
    dispatched(&mut l, "T1");
    l.apply("T1", WORKER, t(15), Action::Acknowledge).unwrap();
    let p = policy(vec![
        rule(
            "warn",
            Trigger::DeadlineApproaching {
                deadline: DeadlineKind::Handle,
                before: Amount::WorkingMinutes(60),
            },
            vec![Response::Remind],
        ),
        rule(
            "late",
            Trigger::DeadlineMissed {
                deadline: DeadlineKind::Handle,
                grace: Some(Amount::WorkingMinutes(30)),
            },
            vec![Response::Supervise],
        ),
    ]);
    let c = cal();
    // Due 11:10: the warning window opens at 10:10.
    assert!(firing(t(60), &l, &p, &c).is_empty());
    assert_eq!(
        actions(&sweep(&mut l, t(80), &p, &c).unwrap()),
        ["remind", "rule_fired"]
    );
    assert!(firing(t(100), &l, &p, &c).is_empty());
    // Missed at 11:10; the grace of 30 working minutes ends at 11:40.
    assert!(firing(t(159), &l, &p, &c).is_empty());
    let d = sweep(&mut l, t(161), &p, &c).unwrap();
    assert_eq!(actions(&d), ["supervise", "rule_fired"]);
    assert!(l.get("T1").unwrap().snapshot().supervised);
    assert_eq!(l.get("T1").unwrap().snapshot().reminders, 1);
}

#[test]
fn returns_unsatisfied_and_boundaries() {
    let mut l = ledger();
    dispatched(&mut l, "T1");
    let p = policy(vec![
        rule(
            "returned",
            Trigger::Returns { at_least: 2 },
            vec![Response::Supervise],
        ),
        rule(
            "unsatisfied",
            Trigger::Unsatisfied,
            vec![Response::Notify {
                to: Some("street".into()),
                message: "回访不满意".into(),
            }],
        ),
        rule(
            "bounced",
            Trigger::CrossesBoundaries {
                grids: None,
                departments: Some(2),
            },
            vec![Response::Escalate {
                to: Some(NodeKind::Town),
            }],
        ),
    ]);
    let c = cal();
    l.apply(
        "T1",
        GRID,
        t(20),
        Action::Return {
            reason: "不归我们".into(),
        },
    )
    .unwrap();
    assert!(firing(t(21), &l, &p, &c).is_empty());
    l.apply(
        "T1",
        CENTRE,
        t(22),
        Action::Dispatch {
            to: SMR.parse().unwrap(),
        },
    )
    .unwrap();
    l.apply(
        "T1",
        SMR,
        t(23),
        Action::Return {
            reason: "不归我们".into(),
        },
    )
    .unwrap();
    let d = evaluate(t(24), &l, &p, &c).unwrap();
    assert_eq!(
        d.iter().map(|d| d.rule.as_str()).collect::<Vec<_>>(),
        ["returned", "returned"]
    );
    apply(&mut l, &d, t(24));
    l.apply(
        "T1",
        CENTRE,
        t(25),
        Action::Dispatch {
            to: CG.parse().unwrap(),
        },
    )
    .unwrap();
    // Two departments have now held it: escalate straight to the town.
    let d = sweep(&mut l, t(26), &p, &c).unwrap();
    assert_eq!(actions(&d), ["escalate", "rule_fired"]);
    assert_eq!(l.get("T1").unwrap().snapshot().holder.as_str(), TOWN);
    l.apply("T1", TOWN, t(27), Action::Acknowledge).unwrap();
    l.apply(
        "T1",
        TOWN,
        t(28),
        Action::Handle {
            outcome: "ok".into(),
        },
    )
    .unwrap();
    l.apply(
        "T1",
        CENTRE,
        t(29),
        Action::Verify {
            passed: true,
            note: None,
        },
    )
    .unwrap();
    l.apply(
        "T1",
        CENTRE,
        t(30),
        Action::Visit {
            satisfaction: Satisfaction::Unsatisfied,
        },
    )
    .unwrap();
    let d = sweep(&mut l, t(31), &p, &c).unwrap();
    assert_eq!(actions(&d), ["notify", "rule_fired"]);
    assert!(matches!(&d[0].effect, Effect::Notify { to: Some(to), .. } if to == "street"));
    assert!(firing(t(32), &l, &p, &c).is_empty());
}

#[test]
fn repeated_complaints_per_compound() {
    let mut l = ledger();
    let p = policy(vec![rule(
        "repeats",
        Trigger::RepeatedComplaints {
            count: 3,
            within_days: 30,
            per: RepeatScope::Compound,
        },
        vec![Response::Supervise],
    )]);
    let c = cal();
    let report = |l: &mut Ledger, id: &str, unit: &str, cat: &str, day: i64| {
        l.report(
            NewTicket::new(id, cat, unit).unwrap(),
            "@system",
            t(day * 24 * 60),
        )
        .unwrap();
    };
    report(&mut l, "A", BUILDING, "livelihood.repair", 0);
    report(&mut l, "B", COMPOUND, "livelihood.repair", 10);
    report(&mut l, "C", GRID2, "livelihood.repair", 11); // another place
    report(&mut l, "D", BUILDING, "livelihood.parking", 12); // another category
    assert!(firing(t(13 * 24 * 60), &l, &p, &c).is_empty());
    report(&mut l, "E", BUILDING, "livelihood.repair", 20);
    let d = sweep(&mut l, t(20 * 24 * 60 + 1), &p, &c).unwrap();
    assert_eq!(
        d.iter().map(|d| d.ticket.as_str()).collect::<Vec<_>>(),
        ["E", "E"]
    );
    assert!(d[0].reason.contains("3"), "{}", d[0].reason);
    // 41 days after A, a fourth complaint only has E and itself in its window.
    report(&mut l, "F", BUILDING, "livelihood.repair", 41);
    assert!(firing(t(41 * 24 * 60 + 1), &l, &p, &c).is_empty());
}

/// The article's leak at 西湖春天小区, driven by the engine: the owner's refusal escalates the
/// case to 三和镇 and whistles the three departments; one of them misses its report deadline
/// and is recorded.
#[test]
fn the_leak_case_driven_by_the_engine() {
    let mut l = sla_ledger();
    let p = policy(vec![
        rule(
            "refusal",
            Trigger::Refusal,
            vec![
                Response::Escalate {
                    to: Some(NodeKind::Town),
                },
                Response::Whistle {
                    sign_within: Amount::Hours(1),
                    report_within: Amount::WorkingDays(3),
                },
            ],
        ),
        rule(
            "summons-late",
            Trigger::SummonsLate,
            vec![
                Response::Supervise,
                Response::Notify {
                    to: Some("district-evaluation".into()),
                    message: "部门报到超时".into(),
                },
            ],
        ),
    ]);
    let c = cal();
    let id = "XHCT-2025-001";
    let mut n = NewTicket::new(id, "livelihood.repair", BUILDING).unwrap();
    n.holder = Some(COMMUNITY.parse().unwrap());
    n.verify_first = true;
    l.report(n, COMMUNITY, t(0)).unwrap();
    l.apply(id, COMMUNITY, t(30), Action::ConfirmOnSite)
        .unwrap();
    l.apply(id, CENTRE, t(40), Action::File).unwrap();
    l.apply(
        id,
        CENTRE,
        t(41),
        Action::Dispatch {
            to: GRID.parse().unwrap(),
        },
    )
    .unwrap();
    l.apply(id, WORKER, t(45), Action::Acknowledge).unwrap();
    l.apply(
        id,
        WORKER,
        t(60),
        Action::RecordRefusal {
            party: "饭店店主".into(),
            note: None,
        },
    )
    .unwrap();
    // 10:05 Monday: the engine escalates to the town and blows the whistle.
    let d = sweep(&mut l, t(65), &p, &c).unwrap();
    assert_eq!(actions(&d), ["escalate", "whistle", "rule_fired"]);
    let s = l.get(id).unwrap().snapshot();
    assert_eq!(
        (s.holder.as_str(), s.state),
        (TOWN, TicketState::Dispatched)
    );
    let depts: Vec<&str> = s.summons.iter().map(|x| x.department.as_str()).collect();
    assert_eq!(depts, [SMR, CG, ZJ]);
    assert_eq!(hhmm(s.summons[0].sign_by.unwrap()), "11:05");
    // Three working days from Monday 10:05: end of Thursday 6 March.
    assert_eq!(
        s.summons[0].report_by.unwrap().to_string(),
        "2025-03-06T17:30:00+08:00"
    );
    l.apply(id, TOWN, t(70), Action::Acknowledge).unwrap();
    for dept in [SMR, CG, ZJ] {
        l.apply(id, dept, t(90), Action::SignWhistle).unwrap();
    }
    l.apply(
        id,
        SMR,
        t(60 * 24),
        Action::ReportWhistle {
            note: Some("责令整改".into()),
        },
    )
    .unwrap();
    l.apply(id, CG, t(60 * 26), Action::ReportWhistle { note: None })
        .unwrap();
    // Friday 09:00: 住建 has not reported; the engine records it.
    let friday = t(60 * 24 * 4);
    let d = sweep(&mut l, friday, &p, &c).unwrap();
    assert_eq!(actions(&d), ["supervise", "notify", "rule_fired"]);
    assert_eq!(d[2].subject.as_ref().unwrap().as_str(), ZJ);
    assert!(firing(friday.plus_seconds(3600), &l, &p, &c).is_empty());
    l.apply(
        id,
        ZJ,
        friday.plus_seconds(7200),
        Action::ReportWhistle { note: None },
    )
    .unwrap();
    l.apply(
        id,
        TOWN,
        friday.plus_seconds(9000),
        Action::Handle {
            outcome: "店主已维修".into(),
        },
    )
    .unwrap();
    l.apply(
        id,
        CENTRE,
        friday.plus_seconds(9600),
        Action::Verify {
            passed: true,
            note: None,
        },
    )
    .unwrap();
    l.apply(
        id,
        CENTRE,
        friday.plus_seconds(10000),
        Action::Visit {
            satisfaction: Satisfaction::Satisfied,
        },
    )
    .unwrap();
    let s = l.get(id).unwrap().snapshot();
    assert_eq!(s.state, TicketState::Closed);
    let late = s
        .summons
        .iter()
        .find(|x| x.department.as_str() == ZJ)
        .unwrap();
    assert!(late.reported_at.unwrap() > late.report_by.unwrap());
    let fired: Vec<_> = l
        .events(id)
        .unwrap()
        .into_iter()
        .filter_map(|e| match e.action {
            Action::RuleFired { rule, subject, .. } => {
                Some((rule.to_string(), subject.map(|s| s.to_string())))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        fired,
        [
            ("refusal".to_owned(), None),
            ("summons-late".to_owned(), Some(ZJ.to_owned()))
        ]
    );
}

#[test]
fn policies_as_data() {
    let p = EscalationPolicy::standard();
    let text = p.to_json();
    assert_eq!(EscalationPolicy::from_json(&text).unwrap(), p);
    let bad = text.replace("\"handle-overdue\"", "\"handle-warning\"");
    assert_eq!(
        EscalationPolicy::from_json(&bad).unwrap_err().code(),
        "policy.invalid_rule"
    );
    assert_eq!(
        EscalationPolicy::from_json("{").unwrap_err().code(),
        "policy.malformed"
    );
    let v2 = text.replace("\"version\":1", "\"version\":2");
    assert_eq!(
        EscalationPolicy::from_json(&v2).unwrap_err().code(),
        "policy.unsupported_format"
    );
    let sp = ServicePolicy::hotline_12345_guangdong();
    assert_eq!(ServicePolicy::from_json(&sp.to_json()).unwrap(), sp);
    let bj = ServicePolicy::beijing_draft();
    use wangge::ticket::{Priority, RequestType};
    assert_eq!(
        bj.rule_for("livelihood.utilities", Priority::Normal, RequestType::Help)
            .unwrap()
            .targets
            .handle,
        Some(Amount::Hours(24))
    );
    assert_eq!(
        bj.rule_for(
            "livelihood.utilities",
            Priority::Emergency,
            RequestType::Help
        )
        .unwrap()
        .targets
        .handle,
        Some(Amount::Hours(2))
    );
    assert_eq!(
        bj.rule_for("mediation", Priority::Complex, RequestType::Help)
            .unwrap()
            .targets
            .handle,
        Some(Amount::Days(15))
    );
    assert_eq!(
        bj.rule_for("mediation", Priority::Normal, RequestType::Complaint)
            .unwrap()
            .targets
            .handle,
        Some(Amount::Days(7))
    );
    assert_eq!(
        sp.rule_for("x", Priority::Normal, RequestType::Complaint)
            .unwrap()
            .targets
            .handle,
        Some(Amount::WorkingDays(15))
    );
}

#[test]
fn what_if_a_shorter_deadline() {
    let mut l = sla_ledger();
    // Three tickets handled 1, 2.5 and 5 working hours after dispatch.
    for (i, minutes) in [60, 150, 300].into_iter().enumerate() {
        let id = format!("W{i}");
        dispatched(&mut l, &id);
        l.apply(&id, WORKER, t(11), Action::Acknowledge).unwrap();
        let done = cal().add_working_seconds(t(10), minutes * 60).unwrap();
        l.apply(
            &id,
            WORKER,
            done,
            Action::Handle {
                outcome: "ok".into(),
            },
        )
        .unwrap();
    }
    let before = l.to_jsonl();
    let base = levels();
    let mut short = (*base).clone();
    short.policy = short.policy.scaled(50).unwrap(); // 1 working hour
    assert_eq!(
        short.policy.scaled(0).unwrap_err().code(),
        "policy.invalid_scale"
    );
    let p = policy(vec![rule(
        "late",
        Trigger::DeadlineMissed {
            deadline: DeadlineKind::Handle,
            grace: None,
        },
        vec![Response::Escalate { to: None }],
    )]);
    let report = what_if(&l, (&base, &p), (&short, &p), t(60 * 24 * 7)).unwrap();
    assert_eq!(report.totals.tickets, 3);
    assert_eq!(
        (
            report.totals.breached_baseline,
            report.totals.breached_alternative
        ),
        (2, 2)
    );
    // Baseline 2 h: W1 (2.5 h) breaches once, W2 (5 h) twice. Alternative 1 h: W0 exactly on time,
    // W1 twice, W2 four times (escalated each time, capped at the district).
    assert_eq!(report.totals.breaches_baseline, 3);
    assert_eq!(report.totals.breaches_alternative, 6);
    assert_eq!(report.changed.len(), 2);
    assert_eq!(
        report.changed[1].alternative.level,
        Some(NodeKind::District)
    );
    assert_eq!(l.to_jsonl(), before, "what-if does not touch the ledger");
}

// ----- property tests ----------------------------------------------------------------------

fn scenario_ledger(ops: &[(u8, u8, u16)]) -> Ledger {
    let mut l = sla_ledger();
    for (i, (op, who, minutes)) in ops.iter().enumerate() {
        let id = format!("P{}", i % 4);
        let at = t(i64::from(*minutes) + i as i64 * 5);
        let actor = [WORKER, CENTRE, TOWN, SMR][usize::from(*who) % 4];
        let _ = match op % 8 {
            0 => l
                .report(
                    NewTicket::new(&id, "livelihood.repair", BUILDING).unwrap(),
                    WORKER,
                    at,
                )
                .map(|_| TicketState::Reported),
            1 => l.apply(&id, actor, at, Action::File),
            2 => l.apply(
                &id,
                actor,
                at,
                Action::Dispatch {
                    to: GRID.parse().unwrap(),
                },
            ),
            3 => l.apply(&id, actor, at, Action::Acknowledge),
            4 => l.apply(
                &id,
                actor,
                at,
                Action::RecordRefusal {
                    party: "x".into(),
                    note: None,
                },
            ),
            5 => l.apply(&id, actor, at, Action::Return { reason: "x".into() }),
            6 => l.apply(
                &id,
                actor,
                at,
                Action::Handle {
                    outcome: "x".into(),
                },
            ),
            _ => l.apply(&id, actor, at, Action::Suspend { reason: "x".into() }),
        };
    }
    l
}

fn arb_ops() -> impl Strategy<Value = Vec<(u8, u8, u16)>> {
    prop::collection::vec((0u8..8, 0u8..4, 0u16..300), 0..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn evaluation_is_deterministic_idempotent_and_monotone(ops in arb_ops(), steps in prop::collection::vec(1i64..2000, 1..6)) {
        let p = EscalationPolicy::standard();
        let c = cal();
        let mut l = scenario_ledger(&ops);
        let mut now = t(400);
        let level = |l: &Ledger, id: &str| l.get(id).map(|v| {
            let h = l.hierarchy();
            (v.escalations(), h.depth(v.responsible_unit()))
        });
        for dt in steps {
            now = now.plus_seconds(dt * 60);
            let before: Vec<_> = (0..4).map(|i| level(&l, &format!("P{i}"))).collect();
            let d1 = evaluate(now, &l, &p, &c).unwrap();
            let d2 = evaluate(now, &l, &p, &c).unwrap();
            prop_assert_eq!(&d1, &d2);
            let results = apply(&mut l, &d1, now);
            prop_assert!(results.iter().all(|r| r.result.is_ok()), "{:?}", results);
            prop_assert!(firing(now, &l, &p, &c).is_empty());
            for (i, b) in before.iter().enumerate() {
                let after = level(&l, &format!("P{i}"));
                if let (Some((e0, d0)), Some((e1, d1))) = (b, &after) {
                    prop_assert!(e1 >= e0);
                    prop_assert!(d1 <= d0, "a later sweep never moves a ticket down");
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `sweep` is `evaluate` then `apply`, whether it applies ticket by ticket (a policy that
    /// reacts to nothing) or evaluates first (the standard policy warns before deadlines):
    /// the same decisions and the same log, or the same refusal with nothing applied (a
    /// grace of up to 300 working days runs past the 2025 calendar).
    #[test]
    fn a_sweep_is_evaluate_then_apply(
        (n, spread, ack_every) in (1i64..60, 1i64..60, 1i64..5),
        ops in arb_ops(),
        steps in prop::collection::vec(1i64..2000, 1..6),
        grace in prop::option::of(0u32..300),
        reactive in any::<bool>(),
    ) {
        let p = if reactive {
            EscalationPolicy::standard()
        } else {
            policy(vec![
                missed(
                    "ack-late",
                    DeadlineKind::Acknowledge,
                    grace.map(Amount::WorkingDays),
                    vec![Response::Remind, Response::Supervise],
                ),
                missed(
                    "handle-late",
                    DeadlineKind::Handle,
                    None,
                    vec![Response::Escalate { to: None }],
                ),
                rule("refused", Trigger::Refusal, vec![Response::Supervise]),
            ])
        };
        let c = cal();
        // Dispatched tickets (deadlines to sign for and to handle), and a few more through
        // random steps (refusals, returns, suspensions).
        let mut one = many_dispatched(n, spread, ack_every);
        let more = scenario_ledger(&ops);
        for v in more.tickets() {
            let id = v.id().as_str();
            for e in more.events(id).unwrap() {
                let actor = e.actor.to_string();
                let _ = match &e.action {
                    Action::Report(new) => one.report((**new).clone(), &actor, e.at).map(|_| TicketState::Reported),
                    action => one.apply(id, &actor, e.at, action.clone()),
                };
            }
        }
        let mut two = one.clone();
        let mut now = t(400);
        for dt in steps {
            now = now.plus_seconds(dt * 60);
            let before = one.to_jsonl();
            match (sweep(&mut one, now, &p, &c), evaluate(now, &two, &p, &c)) {
                (Ok(s), Ok(d)) => {
                    apply(&mut two, &d, now);
                    prop_assert_eq!(s, d);
                }
                (Err(e), Err(f)) => {
                    prop_assert_eq!(e.to_string(), f.to_string());
                    prop_assert_eq!(one.to_jsonl(), before);
                }
                (s, d) => prop_assert!(false, "sweep {:?}, evaluate {:?}", s.map(|s| s.len()), d.map(|d| d.len())),
            }
            prop_assert_eq!(one.to_jsonl(), two.to_jsonl());
        }
    }
}

/// A passed forum decision resolves its ticket through the lifecycle (issue: consultation
/// decisions linked to tickets).
#[test]
fn forum_decision_resolves_a_ticket() {
    use wangge::consultation::{AgendaItem, Decision, Forum, ForumKind, ForumRecords, Session};
    let mut l = ledger();
    l.report(
        NewTicket::new("CP-1", "livelihood.charging", GRID).unwrap(),
        WORKER,
        t(0),
    )
    .unwrap();
    l.apply("CP-1", CENTRE, t(1), Action::File).unwrap();
    l.apply(
        "CP-1",
        CENTRE,
        t(2),
        Action::Dispatch {
            to: GRID.parse().unwrap(),
        },
    )
    .unwrap();
    l.apply("CP-1", WORKER, t(3), Action::Acknowledge).unwrap();
    let mut records = ForumRecords::new();
    records
        .add_forum(Forum {
            id: "hh-g1".into(),
            name: "第一网格居民协商会".into(),
            kind: ForumKind::ResidentConsultation,
            host: None,
        })
        .unwrap();
    records
        .record(Session {
            id: "hh-g1-1".into(),
            forum: "hh-g1".into(),
            date: "2025-03-08".parse().unwrap(),
            convener: "第一网格党支部".into(),
            participants: 23,
            agenda: vec![AgendaItem {
                issue: "charging".into(),
                title: "充电桩选点".into(),
                decisions: vec![
                    Decision {
                        text: "充电桩设在3栋北侧".into(),
                        ticket: Some("CP-1".into()),
                        solved: true,
                        vote: None,
                    },
                    Decision {
                        text: "另议".into(),
                        ticket: Some("CP-404".into()),
                        solved: true,
                        vote: None,
                    },
                ],
            }],
        })
        .unwrap();
    let results = records.resolve_tickets(&mut l, WORKER, t(60 * 24 * 5));
    assert_eq!(results[0].1, Ok(TicketState::Handled));
    assert_eq!(
        results[1].1.as_ref().unwrap_err().code(),
        "ticket.unknown_ticket"
    );
    match &l.events("CP-1").unwrap().last().unwrap().action {
        Action::Handle { outcome } => assert!(outcome.contains("充电桩设在3栋北侧"), "{outcome}"),
        a => panic!("{a:?}"),
    }
}

/// A deadline that would run past the calendar's covered years refuses the action that sets
/// it, with the calendar's code, and changes nothing: not the ticket, not its log.
#[test]
fn an_action_whose_deadline_is_beyond_coverage_is_refused_and_changes_nothing() {
    let mut l = sla_ledger(); // the 2025 notice only
    let late = |minutes: i64| {
        "2025-12-31T16:00:00+08:00"
            .parse::<Timestamp>()
            .unwrap()
            .plus_seconds(minutes * 60)
    };
    // Reported on 31 Dec 16:00: the reply deadline (5 working days) reaches 2026.
    let e = l
        .report(
            NewTicket::new("T9", "livelihood.repair", BUILDING).unwrap(),
            WORKER,
            late(0),
        )
        .unwrap_err();
    assert_eq!(e.code(), "calendar.beyond_coverage");
    assert!(e.to_string().contains("2026-01-01"), "{e}");
    assert_eq!(l.len(), 0);
    assert!(l.to_jsonl().lines().all(|line| line.contains("\"end\"")));
    // A ticket reported in time, dispatched late: the dispatch is refused, the rest stays.
    dispatched(&mut l, "T1");
    let before = l.to_jsonl();
    let state = l.get("T1").unwrap().snapshot();
    let e = l
        .apply(
            "T1",
            CENTRE,
            late(0),
            Action::Escalate {
                to: None,
                return_to: None,
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "calendar.beyond_coverage");
    assert_eq!(l.to_jsonl(), before);
    assert_eq!(l.get("T1").unwrap().snapshot(), state);
    // With the 2026 notice the same action goes through.
    let mut ok = ledger();
    let china = ServiceLevels {
        calendar: Calendar::china(),
        ..(*levels()).clone()
    };
    ok.set_service_levels(Some(Arc::new(china)), t(0)).unwrap();
    ok.report(
        NewTicket::new("T9", "livelihood.repair", BUILDING).unwrap(),
        WORKER,
        late(0),
    )
    .unwrap();
}

/// The deadline index is kept kind by kind (so that a sweep reads only the kinds its rules
/// watch); `due_until` still lists every kind's entries in one order: by due instant, then
/// ticket, then kind.
#[test]
fn due_until_merges_the_kinds_in_due_order() {
    let mut l = sla_ledger();
    for (id, minute) in [("T1", 0), ("T2", 3), ("T3", 7)] {
        l.report(
            NewTicket::new(id, "livelihood.repair", BUILDING).unwrap(),
            WORKER,
            t(minute),
        )
        .unwrap();
        l.apply(id, CENTRE, t(minute + 5), Action::File).unwrap();
        l.apply(
            id,
            CENTRE,
            t(minute + 10),
            Action::Dispatch {
                to: GRID.parse().unwrap(),
            },
        )
        .unwrap();
    }
    let all: Vec<_> = l.due_until(t(60 * 24 * 365)).collect();
    let mut expected = Vec::new();
    for v in l.tickets() {
        for kind in DeadlineKind::ALL.iter().copied() {
            if let Some(due) = v.deadline(kind) {
                expected.push((due, v.key(), kind));
            }
        }
    }
    expected.sort_by_key(|(due, key, kind)| (*due, *key, *kind as u8));
    assert!(expected.len() >= 6, "{expected:?}");
    assert_eq!(all, expected);
    // Up to an instant: a prefix of the same order.
    let cut = expected[2].0;
    let until: Vec<_> = l.due_until(cut).collect();
    let prefix: Vec<_> = expected.iter().copied().filter(|e| e.0 <= cut).collect();
    assert_eq!(until, prefix);
}

/// A ledger with service levels and `n` tickets (`M00000`, ...) reported at minute `i %
/// spread`, filed 5 and dispatched to the grid 10 minutes later; every `ack_every`-th is
/// signed for 10 minutes after that.
fn many_dispatched(n: i64, spread: i64, ack_every: i64) -> Ledger {
    let mut l = sla_ledger();
    for i in 0..n {
        let id = format!("M{i:05}");
        let at = i % spread;
        l.report(
            NewTicket::new(&id, "livelihood.repair", BUILDING).unwrap(),
            WORKER,
            t(at),
        )
        .unwrap();
        l.apply(&id, CENTRE, t(at + 5), Action::File).unwrap();
        l.apply(
            &id,
            CENTRE,
            t(at + 10),
            Action::Dispatch {
                to: GRID.parse().unwrap(),
            },
        )
        .unwrap();
        if i % ack_every == 0 {
            l.apply(&id, WORKER, t(at + 20), Action::Acknowledge)
                .unwrap();
        }
    }
    l
}

/// Evaluating on several threads gives exactly the decisions of one thread, in the same
/// order, on a sweep large enough to be split (over 8,192 tickets due; runs start at 4,096)
/// with several triggers (deadlines to sign for and to handle missed, a warning before the
/// handling deadline; reminders and escalations), sweep after sweep.
#[test]
fn evaluating_on_several_threads_agrees_with_one() {
    let mut one = many_dispatched(10_000, 50, 3);
    let p = policy(vec![
        missed(
            "ack-late",
            DeadlineKind::Acknowledge,
            None,
            vec![Response::Remind],
        ),
        rule(
            "handle-soon",
            Trigger::DeadlineApproaching {
                deadline: DeadlineKind::Handle,
                before: Amount::WorkingMinutes(30),
            },
            vec![Response::Remind],
        ),
        missed(
            "handle-late",
            DeadlineKind::Handle,
            None,
            vec![Response::Escalate { to: None }],
        ),
    ]);
    let c = cal();
    let mut many = one.clone();
    // The public two steps, which look each ticket up by id (a sweep applies by key).
    let mut two_steps = one.clone();
    let mut now = t(100);
    for step in [0, 60, 60 * 24] {
        now = now.plus_seconds(step * 60);
        let d1 = evaluate(now, &one, &p, &c).unwrap();
        assert!(d1.len() > 8_192, "{} decisions", d1.len());
        assert_eq!(evaluate_parallel(now, &one, &p, &c, 3).unwrap(), d1);
        let s1 = sweep(&mut one, now, &p, &c).unwrap();
        let s2 = sweep_parallel(&mut many, now, &p, &c, 2).unwrap();
        assert_eq!(s1, s2);
        assert_eq!(s1, d1);
        assert_eq!(one.event_count(), many.event_count());
        let d3 = evaluate(now, &two_steps, &p, &c).unwrap();
        assert_eq!(d3, d1);
        assert!(apply(&mut two_steps, &d3, now)
            .iter()
            .all(|a| a.result.is_ok()));
    }
    assert!(one.tickets().any(|v| v.escalations() > 0));
    for v in one.tickets() {
        let id = v.id().as_str();
        let events = one.events(id).unwrap();
        assert_eq!(many.events(id).unwrap(), events, "{id}");
        assert_eq!(two_steps.events(id).unwrap(), events, "{id}");
    }
}

/// A sweep with a policy that reacts to nothing applies each ticket's decisions as soon as
/// they are made: the decisions and the logs are those of evaluating every ticket first and
/// applying after, sweep after sweep (graces, reminders, escalations, supervision).
#[test]
fn a_sweep_applying_ticket_by_ticket_agrees_with_evaluating_first() {
    let mut one = many_dispatched(300, 40, 4);
    let p = ack_then_handle(
        Amount::WorkingMinutes(15),
        vec![Response::Escalate { to: None }, Response::Supervise],
    );
    let c = cal();
    let mut two_steps = one.clone();
    let mut acted = 0;
    for minutes in [30, 45, 100, 60 * 24, 60 * 24 * 3, 60 * 24 * 9] {
        let now = t(minutes);
        let d = evaluate(now, &two_steps, &p, &c).unwrap();
        apply(&mut two_steps, &d, now);
        let s = sweep(&mut one, now, &p, &c).unwrap();
        assert_eq!(s, d, "at {now}");
        acted += actions(&s).len();
    }
    assert!(acted > 600, "{acted} actions");
    for v in one.tickets() {
        let id = v.id().as_str();
        assert_eq!(
            one.events(id).unwrap(),
            two_steps.events(id).unwrap(),
            "{id}"
        );
    }
    assert_eq!(one.to_jsonl(), two_steps.to_jsonl());
}

/// When a grace runs past the calendar's coverage for a ticket in the middle of a sweep,
/// the sweep is refused and applies nothing, not even the decisions about the tickets
/// before it.
#[test]
fn a_sweep_refused_half_way_applies_nothing() {
    let mut l = sla_ledger(); // the 2025 notice only
    let dec = |s: &str| format!("2025-12-{s}+08:00").parse::<Timestamp>().unwrap();
    for (id, due) in [("A", "01T10:00:00"), ("B", "31T15:00:00")] {
        dispatched(&mut l, id);
        l.apply(
            id,
            "@system",
            dec("01T09:00:00"),
            Action::SetDeadline {
                deadline: DeadlineKind::Handle,
                due: dec(due),
            },
        )
        .unwrap();
    }
    let p = policy(vec![missed(
        "handle-late",
        DeadlineKind::Handle,
        Some(Amount::WorkingDays(3)),
        vec![Response::Remind],
    )]);
    let c = cal();
    let now = dec("31T16:00:00");
    let before = l.to_jsonl();
    // A is overdue past its grace; B's grace would end in 2026.
    let e = sweep(&mut l, now, &p, &c).unwrap_err();
    assert_eq!(e.code(), "calendar.beyond_coverage");
    assert_eq!(l.to_jsonl(), before);
    // With B's deadline moved past the sweep, the same sweep reminds A.
    l.apply(
        "B",
        "@system",
        now,
        Action::SetDeadline {
            deadline: DeadlineKind::Handle,
            due: dec("31T18:00:00"),
        },
    )
    .unwrap();
    let d = sweep(&mut l, now, &p, &c).unwrap();
    assert_eq!(actions(&d), ["remind", "rule_fired"]);
    assert_eq!(d[0].ticket.as_str(), "A");
}

/// A ticket's index bookkeeping comes before its actions in the decisions (it refers to the
/// deadlines as they stand before them), also when a sweep decides ticket by ticket.
#[test]
fn a_tickets_rechecks_come_before_its_actions() {
    let p = ack_then_handle(Amount::WorkingHours(2), vec![Response::Supervise]);
    let c = cal();
    let mut l = sla_ledger();
    dispatched(&mut l, "T1");
    // 11:20: the deadline to sign for (09:40) is missed but its grace runs to 11:40, so the
    // index is told to look again then; the handling deadline (11:10) fires, and stays, so
    // the index is told when to look at it next as well.
    let evaluated = evaluate(t(140), &l, &p, &c).unwrap();
    assert_eq!(
        kinds(&evaluated),
        ["recheck", "recheck", "supervise", "rule_fired"]
    );
    let swept = sweep(&mut l, t(140), &p, &c).unwrap();
    assert_eq!(kinds(&swept), kinds(&evaluated));
    assert!(l.get("T1").unwrap().snapshot().supervised);
}
