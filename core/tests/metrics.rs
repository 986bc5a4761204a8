//! Metrics: a hand-computed ledger covering every figure (empty denominators included),
//! rankings and thresholds, the incremental accumulator against the batch computation,
//! additivity over the hierarchy, the 稻香村街道 forum statistics, and Open311 interop.
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
use wangge::consultation::{AgendaItem, Decision, Forum, ForumKind, ForumRecords, Session};
use wangge::hierarchy::NodeKind;
use wangge::interop::open311;
use wangge::metrics::{
    check, compute, rank, GroupBy, Metric, MetricsAccumulator, MetricsOptions, MetricsPartial,
    PeriodBy, Threshold, Weight,
};
use wangge::sla::{Amount, ServiceLevels, ServicePolicy, Targets};
use wangge::ticket::{Action, Ledger, NewTicket, RejectReason, Satisfaction, TicketKey};

fn levels() -> Arc<ServiceLevels> {
    Arc::new(ServiceLevels {
        policy: ServicePolicy::uniform(
            "test",
            Targets {
                acknowledge: Some(Amount::WorkingMinutes(30)),
                handle: Some(Amount::WorkingHours(2)),
                verify: None,
                reply: None,
            },
        ),
        calendar: Calendar::standard(),
    })
}

fn go(l: &mut Ledger, id: &str, actor: &str, m: i64, a: Action) {
    l.apply(id, actor, t(m), a)
        .unwrap_or_else(|e| panic!("{id} at {m}: {e}"));
}

/// Six tickets whose every figure is computed by hand in the test below.
fn sample() -> Ledger {
    let mut l = ledger();
    l.set_service_levels(Some(levels()), t(0)).unwrap();
    let repair = |id: &str, unit: &str| NewTicket::new(id, "livelihood.repair", unit).unwrap();
    for id in ["A", "B", "C", "D", "F"] {
        l.report(repair(id, BUILDING), WORKER, t(0)).unwrap();
    }
    l.report(repair("E", GRID2), WORKER2, t(0)).unwrap();
    let g = || Action::Dispatch {
        to: GRID.parse().unwrap(),
    };
    for id in ["A", "B", "C", "F"] {
        go(&mut l, id, CENTRE, 5, Action::File);
        go(&mut l, id, CENTRE, 10, g());
    }
    // A: on time everywhere, satisfied.
    go(&mut l, "A", WORKER, 20, Action::Acknowledge);
    go(
        &mut l,
        "A",
        WORKER,
        60,
        Action::Handle {
            outcome: "ok".into(),
        },
    );
    go(
        &mut l,
        "A",
        CENTRE,
        70,
        Action::Verify {
            passed: true,
            note: None,
        },
    );
    go(
        &mut l,
        "A",
        CENTRE,
        80,
        Action::Visit {
            satisfaction: Satisfaction::Satisfied,
        },
    );
    // B: signed late (09:50 > 09:40), closed late (12:20 > 11:10), basically satisfied.
    go(&mut l, "B", WORKER, 50, Action::Acknowledge);
    go(
        &mut l,
        "B",
        WORKER,
        180,
        Action::Handle {
            outcome: "ok".into(),
        },
    );
    go(
        &mut l,
        "B",
        CENTRE,
        190,
        Action::Verify {
            passed: true,
            note: None,
        },
    );
    go(
        &mut l,
        "B",
        CENTRE,
        200,
        Action::Visit {
            satisfaction: Satisfaction::BasicallySatisfied,
        },
    );
    // C: unsatisfied, reopened.
    go(&mut l, "C", WORKER, 15, Action::Acknowledge);
    go(
        &mut l,
        "C",
        WORKER,
        30,
        Action::Handle {
            outcome: "ok".into(),
        },
    );
    go(
        &mut l,
        "C",
        CENTRE,
        40,
        Action::Verify {
            passed: true,
            note: None,
        },
    );
    go(
        &mut l,
        "C",
        CENTRE,
        50,
        Action::Visit {
            satisfaction: Satisfaction::Unsatisfied,
        },
    );
    // D: not filed. E: filed in grid 2. F: returned once and dispatched again.
    go(
        &mut l,
        "D",
        CENTRE,
        5,
        Action::Reject {
            reason: RejectReason::OutOfScope,
            note: None,
        },
    );
    go(&mut l, "E", CENTRE, 5, Action::File);
    go(
        &mut l,
        "F",
        GRID,
        12,
        Action::Return {
            reason: "不归我们".into(),
        },
    );
    go(&mut l, "F", CENTRE, 13, g());
    l
}

fn by_grid() -> MetricsOptions {
    MetricsOptions {
        group_by: GroupBy::Level(NodeKind::Grid),
        period_by: PeriodBy::Month,
        ..MetricsOptions::default()
    }
}

#[test]
fn every_figure_by_hand() {
    let l = sample();
    let r = compute(&l, &Calendar::standard(), &by_grid(), None).unwrap();
    assert_eq!(r.rows.len(), 2);
    let g1 = &r.rows[0];
    assert_eq!(
        (g1.group.as_ref().unwrap().as_str(), g1.period.as_str()),
        (GRID, "2025-03")
    );
    let c = &g1.counts;
    assert_eq!((c.received, c.filed, c.rejected, c.closed), (5, 4, 1, 2));
    assert_eq!((c.due, c.due_closed, c.closed_on_time), (4, 2, 1));
    assert_eq!((c.signed, c.signed_on_time), (3, 2));
    assert_eq!(
        (
            c.visited,
            c.satisfied,
            c.basically_satisfied,
            c.unsatisfied,
            c.resolved
        ),
        (3, 1, 1, 1, 2)
    );
    assert_eq!(
        (c.returns, c.reopens, c.escalations, c.whistles),
        (1, 1, 0, 0)
    );
    assert_eq!(c.repeat_complaints, 4, "B, C, D and F repeat A");
    let rate = |x: &wangge::metrics::Rate| (x.num, x.den);
    assert_eq!(rate(&g1.rates.closing), (2, 4));
    assert_eq!(g1.rates.closing.value, Some(0.5));
    assert_eq!(rate(&g1.rates.on_time_closing), (1, 4));
    assert_eq!(rate(&g1.rates.response), (2, 3));
    assert_eq!(rate(&g1.rates.resolution), (2, 3));
    assert_eq!(rate(&g1.rates.satisfaction), (2, 3));
    // Handling times: A 50 min, B 2 h 50 min, C 20 min of working time.
    let h = &g1.handling;
    assert_eq!((h.count, h.mean_seconds), (3, Some(4800.0)));
    assert_eq!(
        (h.p50_seconds, h.p90_seconds, h.p95_seconds),
        (Some(3000), Some(10200), Some(10200))
    );
    // Grid 2: one filed ticket; every rate has an empty denominator and no value.
    let g2 = &r.rows[1];
    assert_eq!((g2.counts.received, g2.counts.filed), (1, 1));
    for x in [
        g2.rates.closing,
        g2.rates.on_time_closing,
        g2.rates.response,
        g2.rates.resolution,
        g2.rates.satisfaction,
    ] {
        assert_eq!((x.den, x.value), (0, None));
    }
    assert_eq!(
        (
            g2.handling.count,
            g2.handling.mean_seconds,
            g2.handling.p50_seconds
        ),
        (0, None, None)
    );
    // "Basically satisfied" counted as half: (1 + ½) / 3 = 3/6.
    let half = MetricsOptions {
        basically_satisfied: Weight { num: 1, den: 2 },
        ..by_grid()
    };
    let r2 = compute(&l, &Calendar::standard(), &half, None).unwrap();
    assert_eq!(rate(&r2.rows[0].rates.satisfaction), (3, 6));
    // Load per grid: grid 1 has C and F open and one worker; grid 2 has E and one worker.
    let load: Vec<(String, u64, u64)> = r
        .grids
        .iter()
        .map(|g| (g.grid.to_string(), g.open, g.staff))
        .collect();
    assert_eq!(load, [(GRID.to_owned(), 2, 1), (GRID2.to_owned(), 1, 1)]);
    // All together, and by day.
    let all = compute(&l, &Calendar::standard(), &MetricsOptions::default(), None).unwrap();
    assert_eq!(
        (
            all.rows.len(),
            all.rows[0].counts.received,
            all.rows[0].period.as_str()
        ),
        (1, 6, "all")
    );
    let day = compute(
        &l,
        &Calendar::standard(),
        &MetricsOptions {
            period_by: PeriodBy::Day,
            ..MetricsOptions::default()
        },
        None,
    )
    .unwrap();
    assert_eq!(day.rows[0].period, "2025-03-03");
}

#[test]
fn rankings_and_thresholds() {
    let l = sample();
    let r = compute(&l, &Calendar::standard(), &by_grid(), None).unwrap();
    let ranked = rank(&r, Metric::Received, "2025-03", false);
    assert_eq!(
        ranked
            .iter()
            .map(|x| (x.rank, x.group.as_ref().unwrap().to_string()))
            .collect::<Vec<_>>(),
        [(1, GRID.to_owned()), (2, GRID2.to_owned())]
    );
    // Grid 2 has no closing rate: it is listed last, unranked.
    let ranked = rank(&r, Metric::ClosingRate, "2025-03", false);
    assert_eq!(
        (ranked[0].rank, ranked[1].rank, ranked[1].value),
        (1, 0, None)
    );
    // Ties share a rank, ordered by id.
    let ranked = rank(&r, Metric::Escalations, "2025-03", true);
    assert_eq!((ranked[0].rank, ranked[1].rank), (1, 1));
    let flags = check(
        &r,
        &[
            Threshold {
                metric: Metric::SatisfactionRate,
                at_least: Some(Weight { num: 85, den: 100 }),
                at_most: None,
            },
            Threshold {
                metric: Metric::ResponseRate,
                at_least: Some(Weight { num: 92, den: 100 }),
                at_most: None,
            },
            Threshold {
                metric: Metric::Returns,
                at_least: None,
                at_most: Some(Weight { num: 0, den: 1 }),
            },
        ],
    );
    let got: Vec<(String, Metric)> = flags
        .iter()
        .map(|f| (f.group.as_ref().unwrap().to_string(), f.metric))
        .collect();
    assert_eq!(
        got,
        [
            (GRID.to_owned(), Metric::SatisfactionRate),
            (GRID.to_owned(), Metric::ResponseRate),
            (GRID.to_owned(), Metric::Returns)
        ]
    );
    // Exactly at the threshold is not flagged: 2/3 ≥ 2/3.
    let at = check(
        &r,
        &[Threshold {
            metric: Metric::ResponseRate,
            at_least: Some(Weight { num: 2, den: 3 }),
            at_most: None,
        }],
    );
    assert!(at.is_empty());
}

#[test]
fn whistle_punctuality_per_department() {
    let mut l = sample();
    go(
        &mut l,
        "C",
        CENTRE,
        60,
        Action::Whistle {
            departments: vec![SMR.parse().unwrap(), CG.parse().unwrap()],
            sign_by: Some(t(120)),
            report_by: Some(t(600)),
        },
    );
    go(&mut l, "C", SMR, 100, Action::SignWhistle);
    go(&mut l, "C", CG, 130, Action::SignWhistle);
    go(&mut l, "C", SMR, 500, Action::ReportWhistle { note: None });
    go(&mut l, "C", CG, 700, Action::ReportWhistle { note: None });
    let r = compute(&l, &Calendar::standard(), &by_grid(), None).unwrap();
    let d: Vec<(String, u64, u64, u64)> = r
        .departments
        .iter()
        .map(|d| {
            (
                d.department.to_string(),
                d.summoned,
                d.signed_on_time,
                d.reported_on_time,
            )
        })
        .collect();
    assert_eq!(d, [(CG.to_owned(), 1, 0, 0), (SMR.to_owned(), 1, 1, 1)]);
    assert_eq!(r.rows[0].counts.whistles, 2);
}

#[test]
fn daoxiangcun_forum_statistics() {
    // 稻香村街道's weekend deliberation halls: 1,036 sessions, 484 consultations, 153 problems
    // solved — reproduced from generated records.
    let mut records = ForumRecords::new();
    for f in 0..12 {
        records
            .add_forum(Forum {
                id: format!("hall-{f}"),
                name: format!("周末议事厅{f}"),
                kind: ForumKind::WeekendDeliberationHall,
                host: None,
            })
            .unwrap();
    }
    let start: wangge::time::Date = "2019-06-01".parse().unwrap();
    let mut consultations = 0;
    let mut solved = 0;
    for s in 0..1036u32 {
        let mut agenda = Vec::new();
        if consultations < 484 && s % 2 == 0 {
            consultations += 1;
            let solves = solved < 153 && consultations % 3 == 0;
            if solves {
                solved += 1;
            }
            agenda.push(AgendaItem {
                issue: format!("issue-{consultations}"),
                title: "议题".into(),
                decisions: vec![Decision {
                    text: "议定".into(),
                    ticket: None,
                    solved: solves,
                    vote: None,
                }],
            });
        }
        records
            .record(Session {
                id: format!("s-{s}"),
                forum: format!("hall-{}", s % 12),
                date: start.plus_days(i64::from(s)),
                convener: "社区党委".into(),
                participants: 12,
                agenda,
            })
            .unwrap();
    }
    let l = sample();
    let r = compute(&l, &Calendar::standard(), &by_grid(), Some(&records)).unwrap();
    let f = r.forums.unwrap();
    assert_eq!(
        (
            f.total.sessions,
            f.total.consultations,
            f.total.problems_solved
        ),
        (1036, 484, 153)
    );
    assert_eq!(f.by_forum.len(), 12);
}

#[test]
fn open311_round_trip() {
    let mut l = ledger();
    let mut n = NewTicket::new("XHCT-001", "livelihood.repair", BUILDING).unwrap();
    n.description = Some("卫生间漏水".into());
    n.reporter = Some("acct-42".into());
    n.holder = Some(COMMUNITY.parse().unwrap());
    l.report(n, COMMUNITY, t(0)).unwrap();
    l.update_hierarchy(|h| {
        h.set_place(
            COMPOUND,
            Some("淮南市高新区西湖春天小区".into()),
            Some(wangge::hierarchy::GeoPoint {
                lat: 32.6,
                lng: 116.9,
            }),
        )
    })
    .unwrap();
    let exported = open311::requests(&l);
    let json = serde_json::to_value(&exported).unwrap();
    let first = &json[0];
    assert_eq!(first["status"], "open");
    assert_eq!(first["status_notes"], "reported 已上报");
    assert_eq!(first["service_code"], "livelihood.repair");
    assert_eq!(first["agency_responsible"], COMMUNITY);
    assert_eq!(first["address"], "淮南市高新区西湖春天小区");
    assert_eq!(first["lat"], 32.6);
    assert_eq!(first["requested_datetime"], "2025-03-03T09:00:00+08:00");
    // Export then import into a fresh ledger: the same ticket, nothing unmapped.
    let mut fresh = Ledger::new(l.hierarchy().clone(), l.taxonomy().clone());
    let mut items = json.as_array().unwrap().clone();
    items[0]
        .as_object_mut()
        .unwrap()
        .insert("account_id".into(), "acct-42".into());
    let imported = open311::import(&mut fresh, &items);
    assert!(
        imported.errors.is_empty() && imported.unmapped.is_empty(),
        "{imported:?}"
    );
    let (a, b) = (
        l.get("XHCT-001").unwrap().snapshot(),
        fresh.get("XHCT-001").unwrap().snapshot(),
    );
    assert_eq!(
        (
            a.category,
            a.unit,
            a.holder,
            a.description,
            a.reporter,
            a.reported_at
        ),
        (
            b.category,
            b.unit,
            b.holder,
            b.description,
            b.reporter,
            b.reported_at
        )
    );
    // What cannot be mapped is reported, not dropped; bad requests are errors.
    let odd = serde_json::json!([
        {"service_request_id": "X2", "service_code": "livelihood", "address_id": GRID, "requested_datetime": "2025-03-04T10:00:00+08:00",
         "status": "closed", "email": "a@b.c", "expected_datetime": "2025-03-05T10:00:00+08:00"},
        {"service_request_id": "X3", "service_code": "nope", "address_id": GRID, "requested_datetime": "2025-03-04T10:00:00+08:00"},
        {"service_request_id": "X4", "service_code": "livelihood", "requested_datetime": "2025-03-04T10:00:00+08:00"}
    ]);
    let imported = open311::import(&mut fresh, odd.as_array().unwrap());
    // A closed request comes in closed, its expected time as the reply deadline.
    let fields: Vec<&str> = imported.unmapped.iter().map(|u| u.field.as_str()).collect();
    assert_eq!(fields, ["email"]);
    let x2 = fresh.get("X2").unwrap();
    assert_eq!(x2.state(), wangge::ticket::TicketState::Closed);
    assert_eq!(
        x2.deadlines().reply,
        Some("2025-03-05T10:00:00+08:00".parse().unwrap())
    );
    let errors: Vec<(usize, &str, String)> = imported
        .errors
        .iter()
        .map(|e| (e.row, e.error.code(), e.error.to_string()))
        .collect();
    assert_eq!(errors[0].0, 2);
    assert_eq!(errors[0].1, "open311.refused");
    assert!(
        errors[0].2.starts_with(r#"service_code "nope""#),
        "{errors:?}"
    );
    assert_eq!((errors[1].0, errors[1].1), (3, "open311.missing_field"));
    let services = open311::services(l.taxonomy());
    assert!(services
        .iter()
        .any(|s| s.service_code == "livelihood.parking" && s.group == "民生服务"));
}

// ----- property tests ----------------------------------------------------------------------

fn arb_steps() -> impl Strategy<Value = Vec<(usize, u8, u16)>> {
    prop::collection::vec((0usize..6, 0u8..12, 1u16..90), 1..60)
}

fn drive(steps: &[(usize, u8, u16)], mut observe: impl FnMut(&Ledger, TicketKey)) -> Ledger {
    let mut l = ledger();
    l.set_service_levels(Some(levels()), t(0)).unwrap();
    let units = [BUILDING, GRID, GRID2, COMPOUND, BUILDING, GRID2];
    let mut clock = 0i64;
    for (i, (which, op, dt)) in steps.iter().enumerate() {
        clock += i64::from(*dt);
        let id = format!("P{which}");
        let unit = units[*which];
        let holder = if unit == GRID2 { GRID2 } else { GRID };
        let worker = if unit == GRID2 { WORKER2 } else { WORKER };
        let r = match op {
            0 => l
                .report(
                    NewTicket::new(
                        &id,
                        if i % 2 == 0 {
                            "livelihood.repair"
                        } else {
                            "event"
                        },
                        unit,
                    )
                    .unwrap(),
                    worker,
                    t(clock),
                )
                .map(|_| wangge::ticket::TicketState::Reported),
            1 => l.apply(&id, CENTRE, t(clock), Action::File),
            2 => l.apply(
                &id,
                CENTRE,
                t(clock),
                Action::Dispatch {
                    to: holder.parse().unwrap(),
                },
            ),
            3 => l.apply(&id, worker, t(clock), Action::Acknowledge),
            4 => l.apply(
                &id,
                worker,
                t(clock),
                Action::Handle {
                    outcome: "x".into(),
                },
            ),
            5 => l.apply(
                &id,
                CENTRE,
                t(clock),
                Action::Verify {
                    passed: true,
                    note: None,
                },
            ),
            6 => l.apply(
                &id,
                CENTRE,
                t(clock),
                Action::Visit {
                    satisfaction: Satisfaction::ALL[i % 3],
                },
            ),
            7 => l.apply(&id, holder, t(clock), Action::Return { reason: "x".into() }),
            8 => l.apply(
                &id,
                CENTRE,
                t(clock),
                Action::Reject {
                    reason: RejectReason::OutOfScope,
                    note: None,
                },
            ),
            9 => l.apply(
                &id,
                COMMUNITY,
                t(clock),
                Action::Whistle {
                    departments: vec![SMR.parse().unwrap()],
                    sign_by: Some(t(clock + 60)),
                    report_by: None,
                },
            ),
            10 => l.apply(&id, SMR, t(clock), Action::SignWhistle),
            _ => l.apply(
                &id,
                "@system",
                t(clock),
                Action::Escalate {
                    to: None,
                    return_to: None,
                },
            ),
        };
        if r.is_ok() {
            observe(&l, l.key(&id).unwrap());
        }
    }
    l
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn incremental_equals_batch(steps in arb_steps(), day in any::<bool>()) {
        let options = MetricsOptions {
            group_by: GroupBy::Level(NodeKind::Grid),
            period_by: if day { PeriodBy::Day } else { PeriodBy::All },
            ..MetricsOptions::default()
        };
        let cal = Calendar::standard();
        let mut acc = MetricsAccumulator::new(options.clone(), cal.clone());
        let l = drive(&steps, |l, k| acc.observe(l, k).unwrap());
        prop_assert_eq!(acc.report(&l, None), compute(&l, &cal, &options, None).unwrap());
    }

    #[test]
    fn parts_split_by_territory_merge_exactly(steps in arb_steps(), day in any::<bool>()) {
        let l = drive(&steps, |_, _| {});
        let options = MetricsOptions {
            group_by: GroupBy::Level(NodeKind::Community),
            period_by: if day { PeriodBy::Day } else { PeriodBy::All },
            ..MetricsOptions::default()
        };
        let cal = Calendar::standard();
        let h = l.hierarchy().clone();
        let mut total = MetricsAccumulator::new(options.clone(), cal.clone());
        for grid in [GRID, GRID2] {
            // One part per grid: its tickets' events, replayed into a ledger of their own.
            let events: Vec<_> = l
                .tickets()
                .filter(|v| {
                    h.chain(v.snapshot().unit.as_str())
                        .unwrap()
                        .any(|n| n.id.as_str() == grid)
                })
                .flat_map(|v| v.events().collect::<Vec<_>>())
                .collect();
            let part = Ledger::replay(h.clone(), l.taxonomy().clone(), events).unwrap();
            let mut acc = MetricsAccumulator::new(options.clone(), cal.clone());
            acc.observe_all(&part).unwrap();
            total.merge(acc);
        }
        prop_assert_eq!(total.report(&l, None), compute(&l, &cal, &options, None).unwrap());
    }

    /// The same parts measured "elsewhere": each over its own copy of the hierarchy (other
    /// keys would do: the document names nodes by id), written as a `wangge.metrics_partial`
    /// document, read back and merged where the report is made, give the report of the whole.
    #[test]
    fn partial_documents_merge_exactly(steps in arb_steps(), month in any::<bool>()) {
        let l = drive(&steps, |_, _| {});
        let options = MetricsOptions {
            group_by: GroupBy::Level(NodeKind::Grid),
            period_by: if month { PeriodBy::Month } else { PeriodBy::Day },
            ..MetricsOptions::default()
        };
        let cal = Calendar::standard();
        let h = l.hierarchy().clone();
        let mut total = MetricsAccumulator::batch(options.clone(), cal.clone());
        for grid in [GRID, GRID2] {
            let events: Vec<_> = l
                .tickets()
                .filter(|v| h.chain(v.snapshot().unit.as_str()).unwrap().any(|n| n.id.as_str() == grid))
                .flat_map(|v| v.events().collect::<Vec<_>>())
                .collect();
            let copy = Arc::new((*h).clone());
            let part = Ledger::replay(copy.clone(), l.taxonomy().clone(), events).unwrap();
            let mut acc = MetricsAccumulator::batch(options.clone(), cal.clone());
            acc.observe_all(&part).unwrap();
            let text = acc.partial(&copy).to_json();
            let back = MetricsPartial::from_json(&text).unwrap();
            prop_assert_eq!(&back, &acc.partial(&copy));
            total.merge_partial(&back, &h).unwrap();
        }
        prop_assert_eq!(total.report_in(&h, None), compute(&l, &cal, &options, None).unwrap());
    }

    #[test]
    fn a_parent_is_the_sum_of_its_children(steps in arb_steps()) {
        let l = drive(&steps, |_, _| {});
        let cal = Calendar::standard();
        let grids = compute(&l, &cal, &MetricsOptions { group_by: GroupBy::Level(NodeKind::Grid), ..MetricsOptions::default() }, None).unwrap();
        let community = compute(&l, &cal, &MetricsOptions { group_by: GroupBy::Level(NodeKind::Community), ..MetricsOptions::default() }, None).unwrap();
        // Every ticket here arises in a grid of the one community.
        let sum = |f: fn(&wangge::metrics::Counts) -> u64| grids.rows.iter().map(|r| f(&r.counts)).sum::<u64>();
        let parent = community.rows.first().map(|r| r.counts).unwrap_or_default();
        prop_assert_eq!(sum(|c| c.received), parent.received);
        prop_assert_eq!(sum(|c| c.filed), parent.filed);
        prop_assert_eq!(sum(|c| c.closed), parent.closed);
        prop_assert_eq!(sum(|c| c.due), parent.due);
        prop_assert_eq!(sum(|c| c.closed_on_time), parent.closed_on_time);
        prop_assert_eq!(sum(|c| c.signed_on_time), parent.signed_on_time);
        prop_assert_eq!(sum(|c| c.visited), parent.visited);
        prop_assert_eq!(sum(|c| c.returns), parent.returns);
        prop_assert_eq!(sum(|c| c.escalations), parent.escalations);
        prop_assert_eq!(sum(|c| c.whistles), parent.whistles);
        prop_assert_eq!(sum(|c| c.repeat_complaints), parent.repeat_complaints);
    }

    #[test]
    fn open311_preserves_what_maps(steps in arb_steps()) {
        let l = drive(&steps, |_, _| {});
        let json = serde_json::to_value(open311::requests(&l)).unwrap();
        let mut fresh = Ledger::new(l.hierarchy().clone(), l.taxonomy().clone());
        let imported = open311::import(&mut fresh, json.as_array().unwrap());
        prop_assert!(imported.errors.is_empty(), "{:?}", imported.errors);
        for v in l.tickets() {
            let w = fresh.get(v.id().as_str()).unwrap();
            let (a, b) = (v.snapshot(), w.snapshot());
            prop_assert_eq!((&a.category, &a.unit, &a.holder, &a.description, a.reported_at), (&b.category, &b.unit, &b.holder, &b.description, b.reported_at));
            // The state (but those an import cannot set, which are listed), the deadlines
            // and the time of the last event travel.
            let listed = imported.unmapped.iter().any(|u| {
                u.request.as_deref() == Some(v.id().as_str()) && u.field == "extended_attributes.state"
            });
            if wangge::ticket::machine::importable(v.state()) {
                prop_assert_eq!(v.state(), w.state());
                prop_assert!(!listed);
                prop_assert_eq!(v.updated_at(), w.updated_at());
            } else {
                prop_assert!(listed);
            }
            prop_assert_eq!(v.deadlines(), w.deadlines());
        }
        // Nothing else is lost: the export of the imported ticket is the first export
        // (but the state that could not travel).
        let again = serde_json::to_value(open311::requests(&fresh)).unwrap();
        for (x, y) in json.as_array().unwrap().iter().zip(again.as_array().unwrap()) {
            if x["extended_attributes"]["state"] == y["extended_attributes"]["state"] {
                prop_assert_eq!(x, y);
            }
        }
    }
}

#[test]
fn partial_documents_of_another_format_or_hierarchy_are_refused() {
    let l = drive(&[], |_, _| {});
    let cal = Calendar::standard();
    let options = MetricsOptions::default();
    let mut acc = MetricsAccumulator::batch(options.clone(), cal.clone());
    let mut p = acc.partial(l.hierarchy());
    p.version = 2;
    let e = MetricsPartial::from_json(&p.to_json()).unwrap_err();
    assert_eq!(e.code(), "metrics.unsupported_format");
    assert_eq!(
        acc.merge_partial(&p, l.hierarchy()).unwrap_err().code(),
        "metrics.unsupported_format"
    );
    p.version = 1;
    p.grids.push(wangge::metrics::PartialGrid {
        grid: "nowhere".parse().unwrap(),
        open: 1,
    });
    let e = acc.merge_partial(&p, l.hierarchy()).unwrap_err();
    assert_eq!(e.code(), "metrics.unknown_node");
    assert!(e.to_string().contains("nowhere"));
    // Nothing of a refused document was merged.
    assert_eq!(
        acc.report_in(l.hierarchy(), None),
        compute(&l, &cal, &options, None).unwrap()
    );
}

/// Tickets of two categories at a building, its compound and two grids, reported on random
/// days in any order: the repeat counts of the batch computation (which visits the tickets
/// in insertion order and first compares each with the latest earlier ticket of each unit)
/// equal those of the accumulator observing each ticket as it is reported (which searches
/// the units' lists).
fn arb_reports() -> impl Strategy<Value = Vec<(usize, bool, i64)>> {
    prop::collection::vec((0usize..4, any::<bool>(), 0i64..90), 1..40)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn repeats_in_batch_equal_repeats_as_reported(reports in arb_reports(), building in any::<bool>()) {
        let units = [BUILDING, COMPOUND, GRID, GRID2];
        let options = MetricsOptions {
            group_by: GroupBy::All,
            period_by: PeriodBy::Day,
            repeat_place: if building {
                wangge::metrics::RepeatPlace::Building
            } else {
                wangge::metrics::RepeatPlace::Compound
            },
            ..MetricsOptions::default()
        };
        let cal = Calendar::standard();
        let mut l = ledger();
        let mut acc = MetricsAccumulator::new(options.clone(), cal.clone());
        for (i, (unit, repair, day)) in reports.iter().enumerate() {
            let category = if *repair { "livelihood.repair" } else { "livelihood.parking" };
            let key = l
                .report(
                    NewTicket::new(&format!("R{i}"), category, units[*unit]).unwrap(),
                    "@system",
                    t(day * 1440 + i as i64),
                )
                .unwrap();
            acc.observe(&l, key).unwrap();
        }
        prop_assert_eq!(acc.report(&l, None), compute(&l, &cal, &options, None).unwrap());
    }
}

/// A repeat behind a ticket of another category: the latest earlier ticket of the unit does
/// not match, an older one does.
#[test]
fn a_repeat_behind_another_category_counts() {
    let mut l = ledger();
    for (i, category) in [
        "livelihood.repair",
        "livelihood.parking",
        "livelihood.repair",
    ]
    .into_iter()
    .enumerate()
    {
        l.report(
            NewTicket::new(&format!("R{i}"), category, BUILDING).unwrap(),
            "@system",
            t(i as i64 * 1440),
        )
        .unwrap();
    }
    let options = MetricsOptions {
        group_by: GroupBy::All,
        period_by: PeriodBy::All,
        ..MetricsOptions::default()
    };
    let report = compute(&l, &Calendar::standard(), &options, None).unwrap();
    assert_eq!(report.rows[0].counts.repeat_complaints, 1);
}
