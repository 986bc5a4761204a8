//! Tickets: every transition, every refusal, the leak case end to end, the serialized log,
//! and property tests over random action sequences.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;
use proptest::prelude::*;
use std::sync::Arc;
use wangge::hierarchy::NodeKind;
use wangge::ticket::authority::Authority;
use wangge::ticket::log::{read_events, LogError};
use wangge::ticket::{
    Action, ActionKind, Channel, DeadlineKind, Ledger, NewTicket, RejectReason, Satisfaction,
    Taxonomy, TicketError, TicketState,
};
use wangge::time::Timestamp;

fn new(id: &str) -> NewTicket {
    NewTicket::new(id, "livelihood.repair", BUILDING).unwrap()
}

fn dispatch(to: &str) -> Action {
    Action::Dispatch {
        to: to.parse().unwrap(),
    }
}

fn code(r: Result<TicketState, TicketError>) -> &'static str {
    r.expect_err("expected a refusal").code()
}

/// Drives T1 to `in_progress` in grid 1, held by the grid.
fn in_progress(l: &mut Ledger) {
    l.report(new("T1"), WORKER, t(0)).unwrap();
    l.apply("T1", CENTRE, t(1), Action::File).unwrap();
    l.apply("T1", CENTRE, t(2), dispatch(GRID)).unwrap();
    l.apply("T1", WORKER, t(3), Action::Acknowledge).unwrap();
}

#[test]
fn the_main_loop() {
    let mut l = ledger();
    in_progress(&mut l);
    let v = l.get("T1").unwrap();
    assert_eq!(v.state(), TicketState::InProgress);
    assert_eq!(l.hierarchy().id(v.holder()).unwrap().as_str(), GRID);
    // Default taker: the grid above the building.
    assert_eq!(
        l.hierarchy().id(v.responsible_unit()).unwrap().as_str(),
        GRID
    );
    assert_eq!(
        l.apply(
            "T1",
            WORKER,
            t(10),
            Action::Handle {
                outcome: "修好了".into()
            }
        ),
        Ok(TicketState::Handled)
    );
    assert_eq!(
        l.apply(
            "T1",
            CENTRE,
            t(11),
            Action::Verify {
                passed: false,
                note: Some("还在漏".into())
            }
        ),
        Ok(TicketState::InProgress)
    );
    l.apply(
        "T1",
        WORKER,
        t(12),
        Action::Handle {
            outcome: "再修".into(),
        },
    )
    .unwrap();
    assert_eq!(
        l.apply(
            "T1",
            CENTRE,
            t(13),
            Action::Verify {
                passed: true,
                note: None
            }
        ),
        Ok(TicketState::Verified)
    );
    assert_eq!(
        l.apply(
            "T1",
            CENTRE,
            t(14),
            Action::Visit {
                satisfaction: Satisfaction::Unsatisfied
            }
        ),
        Ok(TicketState::InProgress)
    );
    l.apply(
        "T1",
        WORKER,
        t(15),
        Action::Handle {
            outcome: "彻底修好".into(),
        },
    )
    .unwrap();
    l.apply(
        "T1",
        CENTRE,
        t(16),
        Action::Verify {
            passed: true,
            note: None,
        },
    )
    .unwrap();
    // The grid's worker handled it: he may not make the return visit; the centre's staff do.
    assert_eq!(
        code(l.apply(
            "T1",
            WORKER,
            t(17),
            Action::Visit {
                satisfaction: Satisfaction::Satisfied
            }
        )),
        "ticket.unauthorized"
    );
    assert_eq!(
        l.apply(
            "T1",
            CENTRE_STAFF,
            t(17),
            Action::Visit {
                satisfaction: Satisfaction::BasicallySatisfied
            }
        ),
        Ok(TicketState::Closed)
    );
    let s = l.get("T1").unwrap().snapshot();
    assert_eq!(s.reopens, 1);
    assert_eq!(s.satisfaction, Some(Satisfaction::BasicallySatisfied));
    assert_eq!(s.ended_at, Some(t(17)));
    assert_eq!(s.events, 12);
    // Closed: reopen goes back to in progress and counts.
    assert_eq!(
        l.apply("T1", CENTRE, t(20), Action::Reopen { reason: None }),
        Ok(TicketState::InProgress)
    );
    assert_eq!(l.get("T1").unwrap().snapshot().reopens, 2);
}

#[test]
fn verification_before_filing_and_rejection() {
    let mut l = ledger();
    let mut n = new("T1");
    n.verify_first = true;
    n.channel = Channel::Hotline12345;
    l.report(n, COMMUNITY, t(0)).unwrap();
    assert_eq!(
        code(l.apply("T1", CENTRE, t(1), Action::File)),
        "ticket.illegal_transition"
    );
    l.apply("T1", WORKER, t(2), Action::ConfirmOnSite).unwrap();
    assert_eq!(
        code(l.apply("T1", WORKER, t(2), Action::ConfirmOnSite)),
        "ticket.illegal_transition"
    );
    assert_eq!(
        l.apply("T1", CENTRE, t(3), Action::File),
        Ok(TicketState::Filed)
    );

    l.report(new("T2"), COMMUNITY, t(0)).unwrap();
    assert_eq!(
        code(l.apply("T2", CENTRE, t(1), Action::ConfirmOnSite)),
        "ticket.illegal_transition"
    );
    let dup = |of: &str| Action::Reject {
        reason: RejectReason::Duplicate {
            of: of.parse().unwrap(),
        },
        note: None,
    };
    assert_eq!(
        code(l.apply("T2", CENTRE, t(1), dup("T2"))),
        "ticket.invalid_target"
    );
    assert_eq!(
        code(l.apply("T2", CENTRE, t(1), dup("T9"))),
        "ticket.unknown_ticket"
    );
    assert_eq!(
        l.apply("T2", CENTRE, t(1), dup("T1")),
        Ok(TicketState::Rejected)
    );
    assert_eq!(
        code(l.apply("T2", CENTRE, t(2), Action::File)),
        "ticket.illegal_transition"
    );
    assert_eq!(
        l.apply(
            "T2",
            CENTRE,
            t(3),
            Action::Reopen {
                reason: Some("不是重复".into())
            }
        ),
        Ok(TicketState::Reported)
    );
    assert_eq!(
        l.apply(
            "T2",
            CENTRE,
            t(4),
            Action::Reject {
                reason: RejectReason::OutOfScope,
                note: Some("不属于受理范围".into())
            }
        ),
        Ok(TicketState::Rejected)
    );
}

#[test]
fn return_goes_back_to_the_dispatcher_and_counts() {
    let mut l = ledger();
    l.report(new("T1"), WORKER, t(0)).unwrap();
    l.apply("T1", CENTRE, t(1), Action::File).unwrap();
    // The grid holds it; the community dispatches it to the property manager.
    l.apply("T1", CENTRE, t(2), dispatch(PROPERTY)).unwrap();
    assert_eq!(
        l.apply(
            "T1",
            PROPERTY,
            t(3),
            Action::Return {
                reason: "不属于物业".into()
            }
        ),
        Ok(TicketState::Filed)
    );
    let s = l.get("T1").unwrap().snapshot();
    assert_eq!((s.returns, s.holder.as_str()), (1, GRID));
    // Dispatch to a person: the grid worker signs for it himself.
    l.apply("T1", CENTRE, t(4), dispatch(WORKER)).unwrap();
    l.apply("T1", WORKER, t(5), Action::Acknowledge).unwrap();
    // Buildings and compounds cannot hold tickets.
    l.report(new("T2"), WORKER, t(0)).unwrap();
    l.apply("T2", CENTRE, t(1), Action::File).unwrap();
    assert_eq!(
        code(l.apply("T2", CENTRE, t(2), dispatch(BUILDING))),
        "ticket.invalid_target"
    );
    assert_eq!(
        code(l.apply("T2", CENTRE, t(2), dispatch("nope"))),
        "ticket.unknown_unit"
    );
}

#[test]
fn suspension_pauses_deadlines() {
    let mut l = ledger();
    in_progress(&mut l);
    l.apply(
        "T1",
        "@system",
        t(4),
        Action::SetDeadline {
            deadline: DeadlineKind::Handle,
            due: t(100),
        },
    )
    .unwrap();
    // The holder may not stop its own clock; the command centre suspends.
    let suspend = Action::Suspend {
        reason: "等待产权单位".into(),
    };
    assert_eq!(
        code(l.apply("T1", WORKER, t(10), suspend.clone())),
        "ticket.unauthorized"
    );
    assert_eq!(
        l.apply("T1", CENTRE, t(10), suspend),
        Ok(TicketState::Suspended)
    );
    assert_eq!(
        l.get("T1").unwrap().snapshot().suspended_from,
        Some(TicketState::InProgress)
    );
    assert_eq!(
        code(l.apply(
            "T1",
            WORKER,
            t(11),
            Action::Handle {
                outcome: "x".into()
            }
        )),
        "ticket.illegal_transition"
    );
    assert_eq!(
        l.apply("T1", WORKER, t(70), Action::Resume),
        Ok(TicketState::InProgress)
    );
    // 60 minutes suspended: the deadline moved by 60 minutes.
    assert_eq!(
        l.get("T1").unwrap().deadline(DeadlineKind::Handle),
        Some(t(160))
    );
    assert_eq!(l.due_until(t(200)).count(), 1);
}

#[test]
fn extensions_and_parking() {
    let mut l = ledger();
    in_progress(&mut l);
    assert_eq!(
        code(l.apply("T1", WORKER, t(5), Action::Park { reason: "x".into() })),
        "ticket.illegal_transition"
    );
    l.apply(
        "T1",
        "@system",
        t(4),
        Action::SetDeadline {
            deadline: DeadlineKind::Handle,
            due: t(100),
        },
    )
    .unwrap();
    let ask = |until: i64| Action::RequestExtension {
        until: t(until),
        reason: "需要协调".into(),
    };
    assert_eq!(
        code(l.apply(
            "T1",
            WORKER,
            t(5),
            Action::DecideExtension { granted: true }
        )),
        "ticket.illegal_transition"
    );
    assert_eq!(
        code(l.apply("T1", WORKER, t(5), ask(4))),
        "ticket.invalid_target"
    );
    l.apply("T1", WORKER, t(5), ask(500)).unwrap();
    assert_eq!(
        code(l.apply("T1", WORKER, t(6), ask(600))),
        "ticket.illegal_transition"
    );
    l.apply(
        "T1",
        CENTRE,
        t(7),
        Action::DecideExtension { granted: false },
    )
    .unwrap();
    assert_eq!(
        l.get("T1").unwrap().deadline(DeadlineKind::Handle),
        Some(t(100))
    );
    // After the deadline an extension can no longer be requested.
    assert_eq!(
        code(l.apply("T1", WORKER, t(101), ask(600))),
        "ticket.extension_too_late"
    );
    assert_eq!(
        code(l.apply("T1", WORKER, t(6), ask(500))),
        "ticket.time_went_backwards"
    );
    l.apply("T1", WORKER, t(99), ask(500)).unwrap();
    l.apply(
        "T1",
        CENTRE,
        t(100),
        Action::DecideExtension { granted: true },
    )
    .unwrap();
    assert_eq!(
        l.get("T1").unwrap().deadline(DeadlineKind::Handle),
        Some(t(500))
    );
    assert_eq!(
        l.apply(
            "T1",
            CENTRE,
            t(600),
            Action::Park {
                reason: "延期后仍未解决".into()
            }
        ),
        Ok(TicketState::Parked)
    );
    assert_eq!(
        l.apply("T1", CENTRE, t(700), Action::Unpark),
        Ok(TicketState::InProgress)
    );
}

#[test]
fn merging() {
    let mut l = ledger();
    in_progress(&mut l);
    l.report(new("T2"), WORKER, t(0)).unwrap();
    l.report(new("T3"), WORKER, t(0)).unwrap();
    assert_eq!(
        code(l.apply(
            "T2",
            CENTRE,
            t(1),
            Action::Merge {
                into: "T2".parse().unwrap()
            }
        )),
        "ticket.invalid_target"
    );
    assert_eq!(
        l.apply(
            "T2",
            CENTRE,
            t(1),
            Action::Merge {
                into: "T1".parse().unwrap()
            }
        ),
        Ok(TicketState::Merged)
    );
    assert_eq!(
        code(l.apply(
            "T3",
            CENTRE,
            t(1),
            Action::Merge {
                into: "T2".parse().unwrap()
            }
        )),
        "ticket.invalid_target"
    );
    assert_eq!(
        l.get("T2")
            .unwrap()
            .snapshot()
            .merged_into
            .unwrap()
            .as_str(),
        "T1"
    );
    assert_eq!(
        code(l.apply("T2", CENTRE, t(2), Action::File)),
        "ticket.illegal_transition"
    );
}

#[test]
fn authorization() {
    let mut l = ledger();
    l.report(new("T1"), WORKER, t(0)).unwrap();
    // A grid worker of another grid, a department, the system and an unknown actor.
    for (actor, code_) in [
        (WORKER2, "ticket.unauthorized"),
        (SMR, "ticket.unauthorized"),
        ("@system", "ticket.unauthorized"),
        ("ghost", "ticket.unknown_actor"),
    ] {
        let e = l.apply("T1", actor, t(1), Action::File).unwrap_err();
        assert_eq!(e.code(), code_, "{actor}");
        if let TicketError::Unauthorized {
            actor: a,
            ticket,
            action,
            ..
        } = e
        {
            assert_eq!(
                (a.as_str(), ticket.as_str(), action),
                (actor, "T1", ActionKind::File)
            );
        }
    }
    // Neither may the community or its Party committee file (gbt30428: the supervision
    // centre files); the centre and its staff may.
    for actor in [COMMUNITY, PARTY, TOWN] {
        assert_eq!(
            code(l.apply("T1", actor, t(1), Action::File)),
            "ticket.unauthorized"
        );
    }
    l.apply("T1", CENTRE_STAFF, t(1), Action::File).unwrap();
    // Units above the territorial unit and the leading Party committee may supervise.
    l.apply("T1", TOWN, t(2), Action::Supervise { note: None })
        .unwrap();
    l.apply("T1", PARTY, t(2), Action::Supervise { note: None })
        .unwrap();
    l.apply(
        "T1",
        "@system",
        t(3),
        Action::Remind {
            deadline: DeadlineKind::Reply,
        },
    )
    .unwrap();
    // The system cannot report for a unit it has no taker for? It can: it is the host.
    l.report(new("T2"), "@system", t(0)).unwrap();
    // A worker of grid 2 cannot report in grid 1.
    assert_eq!(
        l.report(new("T3"), WORKER2, t(0)).unwrap_err().code(),
        "ticket.unauthorized"
    );
}

#[test]
fn report_refusals() {
    let mut l = ledger();
    l.report(new("T1"), WORKER, t(0)).unwrap();
    assert_eq!(
        l.report(new("T1"), WORKER, t(0)).unwrap_err().code(),
        "ticket.duplicate_ticket"
    );
    let mut bad = new("T2");
    bad.category = "nope".into();
    assert_eq!(
        l.report(bad, WORKER, t(0)).unwrap_err().code(),
        "ticket.unknown_category"
    );
    assert_eq!(
        l.report(
            NewTicket::new("T3", "livelihood", "ghost").unwrap(),
            WORKER,
            t(0)
        )
        .unwrap_err()
        .code(),
        "ticket.unknown_unit"
    );
    assert_eq!(
        l.report(
            NewTicket::new("T3", "livelihood", WORKER).unwrap(),
            WORKER,
            t(0)
        )
        .unwrap_err()
        .code(),
        "ticket.invalid_target"
    );
    assert_eq!(
        NewTicket::new("a b", "livelihood", GRID)
            .unwrap_err()
            .code(),
        "ticket.invalid_id"
    );
    assert_eq!(
        l.apply("T9", WORKER, t(1), Action::File)
            .unwrap_err()
            .code(),
        "ticket.unknown_ticket"
    );
    assert_eq!(
        l.apply("T1", WORKER, t(-1), Action::File)
            .unwrap_err()
            .code(),
        "ticket.time_went_backwards"
    );
    let far = Timestamp::from_unix_seconds(t(0).unix_seconds() + (u32::MAX as i64) + 10).unwrap();
    assert_eq!(
        l.apply("T1", WORKER, far, Action::File).unwrap_err().code(),
        "ticket.time_out_of_range"
    );
    let long = "长".repeat(30_000);
    assert_eq!(
        l.apply(
            "T1",
            CENTRE,
            t(1),
            Action::Reject {
                reason: RejectReason::OutOfScope,
                note: Some(long)
            }
        )
        .unwrap_err()
        .code(),
        "ticket.text_too_long"
    );
    assert_eq!(
        "bogus".parse::<TicketState>().unwrap_err().code(),
        "ticket.unknown_name"
    );
    assert_eq!(l.len(), 1);
}

/// The article's leak at 西湖春天小区, driven by hand.
#[test]
fn the_leak_case() {
    let mut l = ledger();
    let mut n = NewTicket::new("XHCT-2025-001", "livelihood.repair", BUILDING).unwrap();
    n.channel = Channel::ResidentVisit;
    n.reporter = Some("resident-0001".into());
    n.verify_first = true;
    n.holder = Some(COMMUNITY.parse().unwrap());
    n.description = Some("商铺楼饭店二层卫生间漏水到住宅楼入户大厅".into());
    let id = "XHCT-2025-001";
    l.report(n, COMMUNITY, t(0)).unwrap();
    // The grid worker does not act for the community's case; the community does.
    assert_eq!(
        code(l.apply(id, WORKER, t(30), Action::ConfirmOnSite)),
        "ticket.unauthorized"
    );
    l.apply(id, COMMUNITY, t(30), Action::ConfirmOnSite)
        .unwrap();
    // The community holds the case but does not file it: the centre does.
    assert_eq!(
        code(l.apply(id, COMMUNITY, t(40), Action::File)),
        "ticket.unauthorized"
    );
    l.apply(id, CENTRE, t(40), Action::File).unwrap();
    l.apply(id, CENTRE, t(41), dispatch(GRID)).unwrap();
    l.apply(id, WORKER, t(45), Action::Acknowledge).unwrap();
    l.apply(
        id,
        WORKER,
        t(60 * 24),
        Action::RecordRefusal {
            party: "饭店店主".into(),
            note: Some("不愿出钱维修".into()),
        },
    )
    .unwrap();
    // The community (the territorial unit) escalates to the town (三和镇).
    assert_eq!(
        l.apply(
            id,
            COMMUNITY,
            t(60 * 25),
            Action::Escalate {
                to: Some(TOWN.parse().unwrap()),
                return_to: None,
            }
        ),
        Ok(TicketState::Dispatched)
    );
    // The community no longer acts for the case: it is below the town now. A return would
    // go to the zone's command centre, not back to the grid that held it.
    assert_eq!(
        code(l.apply(id, COMMUNITY, t(60 * 26), Action::Acknowledge)),
        "ticket.unauthorized"
    );
    assert_eq!(
        l.get(id).unwrap().snapshot().dispatcher.unwrap().as_str(),
        CENTRE
    );
    l.apply(id, TOWN, t(60 * 26), Action::Acknowledge).unwrap();
    let whistle = Action::Whistle {
        departments: vec![
            SMR.parse().unwrap(),
            CG.parse().unwrap(),
            ZJ.parse().unwrap(),
        ],
        sign_by: Some(t(60 * 27)),
        report_by: Some(t(60 * 24 * 5)),
    };
    l.apply(id, TOWN, t(60 * 26), whistle).unwrap();
    // Not before every department has reported.
    match l
        .apply(
            id,
            TOWN,
            t(60 * 26),
            Action::Handle {
                outcome: "x".into(),
            },
        )
        .unwrap_err()
    {
        TicketError::WhistleOutstanding { departments, .. } => {
            assert_eq!(departments, [SMR, CG, ZJ])
        }
        e => panic!("{e}"),
    }
    assert_eq!(
        code(l.apply(id, SMR, t(60 * 26), Action::ReportWhistle { note: None })),
        "ticket.illegal_transition"
    );
    for d in [SMR, CG, ZJ] {
        l.apply(id, d, t(60 * 26 + 20), Action::SignWhistle)
            .unwrap();
    }
    assert_eq!(
        code(l.apply(id, SMR, t(60 * 26 + 21), Action::SignWhistle)),
        "ticket.illegal_transition"
    );
    assert_eq!(
        code(l.apply(id, WORKER2, t(60 * 26 + 21), Action::SignWhistle)),
        "ticket.unauthorized"
    );
    for d in [SMR, CG, ZJ] {
        l.apply(
            id,
            d,
            t(60 * 30),
            Action::ReportWhistle {
                note: Some("现场责令店主维修".into()),
            },
        )
        .unwrap();
    }
    l.apply(
        id,
        TOWN,
        t(60 * 48),
        Action::Handle {
            outcome: "店主已维修卫生间".into(),
        },
    )
    .unwrap();
    // The town handled it: it may not verify its own work (职责分离); the centre does.
    assert_eq!(
        code(l.apply(
            id,
            TOWN,
            t(60 * 49),
            Action::Verify {
                passed: true,
                note: None,
            },
        )),
        "ticket.separation_of_duty"
    );
    l.apply(
        id,
        CENTRE,
        t(60 * 49),
        Action::Verify {
            passed: true,
            note: None,
        },
    )
    .unwrap();
    assert_eq!(
        l.apply(
            id,
            CENTRE_STAFF,
            t(60 * 50),
            Action::Visit {
                satisfaction: Satisfaction::Satisfied
            }
        ),
        Ok(TicketState::Closed)
    );
    let s = l.get(id).unwrap().snapshot();
    assert_eq!((s.escalations, s.refusals, s.summons.len()), (1, 1, 3));
    assert!(s
        .summons
        .iter()
        .all(|x| x.signed_at == Some(t(60 * 26 + 20)) && x.reported_at == Some(t(60 * 30))));
    assert_eq!(s.responsible_unit.as_str(), TOWN);
    // The log round-trips and replays to the same ticket.
    let text = l.to_jsonl();
    let back = Ledger::from_jsonl(l.hierarchy().clone(), l.taxonomy().clone(), &text).unwrap();
    assert_eq!(back.get(id).unwrap().snapshot(), s);
    assert_eq!(back.to_jsonl(), text);
}

#[test]
fn whistle_release_and_refusals() {
    let mut l = ledger();
    in_progress(&mut l);
    l.apply(
        "T1",
        CENTRE,
        t(4),
        Action::Whistle {
            departments: vec![SMR.parse().unwrap()],
            sign_by: None,
            report_by: None,
        },
    )
    .unwrap();
    let again = Action::Whistle {
        departments: vec![SMR.parse().unwrap()],
        sign_by: None,
        report_by: None,
    };
    assert_eq!(
        code(l.apply("T1", CENTRE, t(5), again)),
        "ticket.invalid_target"
    );
    let not_dept = Action::Whistle {
        departments: vec![GRID.parse().unwrap()],
        sign_by: None,
        report_by: None,
    };
    assert_eq!(
        code(l.apply("T1", CENTRE, t(5), not_dept)),
        "ticket.invalid_target"
    );
    let empty = Action::Whistle {
        departments: vec![],
        sign_by: None,
        report_by: None,
    };
    assert_eq!(
        code(l.apply("T1", CENTRE, t(5), empty)),
        "ticket.invalid_target"
    );
    assert_eq!(
        code(l.apply(
            "T1",
            CENTRE,
            t(5),
            Action::ReleaseWhistle {
                department: CG.parse().unwrap()
            }
        )),
        "ticket.invalid_target"
    );
    l.apply(
        "T1",
        CENTRE,
        t(6),
        Action::ReleaseWhistle {
            department: SMR.parse().unwrap(),
        },
    )
    .unwrap();
    l.apply(
        "T1",
        WORKER,
        t(7),
        Action::Handle {
            outcome: "ok".into(),
        },
    )
    .unwrap();
}

#[test]
fn escalation_targets() {
    let mut l = ledger();
    in_progress(&mut l);
    // To a unit that is not above: refused.
    assert_eq!(
        code(l.apply(
            "T1",
            CENTRE,
            t(5),
            Action::Escalate {
                to: Some(GRID2.parse().unwrap()),
                return_to: None,
            }
        )),
        "ticket.invalid_target"
    );
    assert_eq!(
        code(l.apply(
            "T1",
            CENTRE,
            t(5),
            Action::Escalate {
                to: Some(GRID.parse().unwrap()),
                return_to: None,
            }
        )),
        "ticket.invalid_target"
    );
    // Default: the parent of the responsible unit.
    l.apply(
        "T1",
        "@system",
        t(5),
        Action::Escalate {
            to: None,
            return_to: None,
        },
    )
    .unwrap();
    assert_eq!(l.get("T1").unwrap().snapshot().holder.as_str(), COMMUNITY);
    for (i, unit) in [TOWN, ZONE, CITY].into_iter().enumerate() {
        l.apply(
            "T1",
            "@system",
            t(6 + i as i64),
            Action::Escalate {
                to: None,
                return_to: None,
            },
        )
        .unwrap();
        assert_eq!(l.get("T1").unwrap().snapshot().holder.as_str(), unit);
    }
    assert_eq!(
        code(l.apply(
            "T1",
            "@system",
            t(10),
            Action::Escalate {
                to: None,
                return_to: None
            }
        )),
        "ticket.invalid_target"
    );
}

#[test]
fn bulk_reports_every_bad_item() {
    use wangge::ticket::{ActorKey, BulkItem};
    let mut l = ledger();
    let k1 = l.report(new("T1"), WORKER, t(0)).unwrap();
    let k2 = l.report(new("T2"), WORKER, t(0)).unwrap();
    let c = l.actor_key(CENTRE).unwrap();
    let items = vec![
        BulkItem {
            ticket: k1,
            actor: c,
            at: t(1),
            action: Action::File,
        },
        BulkItem {
            ticket: k2,
            actor: ActorKey::SYSTEM,
            at: t(1),
            action: Action::File,
        },
        BulkItem {
            ticket: k1,
            actor: c,
            at: t(2),
            action: Action::File,
        },
        BulkItem {
            ticket: k2,
            actor: c,
            at: t(2),
            action: Action::File,
        },
    ];
    let before = l.get("T2").unwrap().snapshot();
    let report = l.apply_bulk(&items);
    assert_eq!(
        report.states,
        [
            Some(TicketState::Filed),
            Some(TicketState::Reported),
            Some(TicketState::Filed),
            Some(TicketState::Filed)
        ]
    );
    let bad: Vec<(usize, &str)> = report.errors.iter().map(|(i, e)| (*i, e.code())).collect();
    assert_eq!(
        bad,
        [(2, "ticket.unauthorized"), (3, "ticket.illegal_transition")]
    );
    assert_eq!(report.applied(), 2);
    assert_ne!(l.get("T2").unwrap().snapshot(), before);
    // By ids: an unknown ticket has no state (not "reported").
    // A row that could not be read arrives as its error and is numbered like the others.
    let report = l.apply_many([
        Ok(wangge::ticket::BulkAction {
            ticket: "T9".into(),
            actor: CENTRE.into(),
            at: t(3),
            action: Action::File,
        }),
        Err(wangge::Error::Malformed {
            message: "row 2: no time".into(),
        }),
        Ok(wangge::ticket::BulkAction {
            ticket: "T1".into(),
            actor: CENTRE.into(),
            at: t(3),
            action: dispatch(GRID),
        }),
    ]);
    assert_eq!(report.states, [None, None, Some(TicketState::Dispatched)]);
    let bad: Vec<(usize, &str)> = report.errors.iter().map(|(i, e)| (*i, e.code())).collect();
    assert_eq!(bad, [(1, "ticket.unknown_ticket"), (2, "input.malformed")]);
}

#[test]
fn queries() {
    let mut l = ledger();
    in_progress(&mut l);
    l.report(
        NewTicket::new("T2", "livelihood.parking", GRID2).unwrap(),
        WORKER2,
        t(0),
    )
    .unwrap();
    assert_eq!(l.in_state(TicketState::InProgress).count(), 1);
    assert_eq!(l.held_by(GRID).count(), 1);
    assert_eq!(l.in_category("livelihood").count(), 2);
    assert_eq!(l.in_category("livelihood.parking").count(), 1);
    assert_eq!(l.within(COMPOUND).count(), 1);
    assert_eq!(l.within(COMMUNITY).count(), 2);
    assert_eq!(l.within(GRID2).count(), 1);
}

proptest! {
    /// `reported_between` lists the tickets reported in the window, by report time and then
    /// in the order they were reported, whatever order the reports came in.
    #[test]
    fn reported_between_is_the_window_by_report_time(
        minutes in prop::collection::vec(0i64..50, 0..40),
        from in 0i64..50,
        len in 0i64..50,
    ) {
        let mut l = ledger();
        for (i, m) in minutes.iter().enumerate() {
            l.report(new(&format!("T{i}")), WORKER, t(*m)).unwrap();
        }
        let got: Vec<String> = l
            .reported_between(t(from), t(from + len))
            .map(|k| l.view(k).unwrap().id().to_string())
            .collect();
        let mut want: Vec<(i64, usize)> = minutes
            .iter()
            .enumerate()
            .filter(|(_, m)| (from..=from + len).contains(*m))
            .map(|(i, m)| (*m, i))
            .collect();
        want.sort();
        let want: Vec<String> = want.into_iter().map(|(_, i)| format!("T{i}")).collect();
        prop_assert_eq!(got, want);
    }
}

// ----- the serialized log ------------------------------------------------------------------

fn sample_log() -> (Ledger, String) {
    let mut l = ledger();
    in_progress(&mut l);
    l.apply(
        "T1",
        WORKER,
        t(10),
        Action::Handle {
            outcome: "修好了".into(),
        },
    )
    .unwrap();
    l.report(new("T2"), WORKER, t(1)).unwrap();
    l.apply("T2", CENTRE, t(2), Action::File).unwrap();
    let text = l.to_jsonl();
    (l, text)
}

fn reread(l: &Ledger, text: &str) -> Result<Ledger, LogError> {
    Ledger::from_jsonl(l.hierarchy().clone(), l.taxonomy().clone(), text)
}

#[test]
fn log_format_is_documented() {
    let (l, text) = sample_log();
    let first = text.lines().next().unwrap();
    assert!(first.starts_with(r#"{"v":1,"ticket":"T1","seq":0,"at":"2025-03-03T09:00:00+08:00","actor":"hh-wgy1","action":{"type":"report","id":"T1","category":"livelihood.repair""#), "{first}");
    assert!(text
        .lines()
        .last()
        .unwrap()
        .starts_with(r#"{"v":1,"end":{"events":7,"digest":""#));
    assert_eq!(read_events(&text).unwrap().len(), 7);
    assert_eq!(reread(&l, &text).unwrap().to_jsonl(), text);
}

#[test]
fn tampering_is_detected_at_the_first_bad_line() {
    let (l, text) = sample_log();
    let lines: Vec<&str> = text.lines().collect();
    let join = |v: Vec<String>| v.join("\n") + "\n";
    // Edited: change the outcome text.
    let edited = join(lines.iter().map(|s| s.replace("修好了", "没修")).collect());
    let e = reread(&l, &edited).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.tampered", 5));
    // Dropped (middle of a chain).
    let mut dropped: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    dropped.remove(2);
    let e = reread(&l, &join(dropped)).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.tampered", 3));
    // Dropped at the end of a chain: the end record catches it.
    let mut tail: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    tail.remove(4);
    let e = reread(&l, &join(tail)).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.truncated", 7));
    // Reordered.
    let mut swapped: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    swapped.swap(1, 2);
    assert_eq!(reread(&l, &join(swapped)).unwrap_err().line(), 2);
    // Cut: no end record.
    let cut = join(
        lines[..lines.len() - 1]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    );
    assert_eq!(reread(&l, &cut).unwrap_err().code(), "log.truncated");
    // Garbage and wrong versions.
    assert_eq!(reread(&l, "{\n").unwrap_err().code(), "log.malformed");
    assert_eq!(
        reread(&l, "{\"v\":2}\n").unwrap_err().code(),
        "log.unsupported_version"
    );
}

// ----- property tests -----------------------------------------------------------------------

const ACTORS: [&str; 11] = [
    WORKER,
    WORKER2,
    COMMUNITY,
    TOWN,
    PARTY,
    SMR,
    CG,
    PROPERTY,
    CENTRE,
    CENTRE_STAFF,
    "@system",
];

fn arb_action() -> impl Strategy<Value = Action> {
    let node = prop::sample::select(vec![
        GRID, GRID2, COMMUNITY, TOWN, WORKER, PROPERTY, SMR, BUILDING, CENTRE,
    ]);
    let dept = prop::sample::select(vec![SMR, CG, ZJ]);
    let ticket = prop::sample::select(vec!["T0", "T1", "T2"]);
    prop_oneof![
        Just(Action::File),
        Just(Action::ConfirmOnSite),
        Just(Action::Acknowledge),
        Just(Action::Close),
        Just(Action::Resume),
        Just(Action::Unpark),
        Just(Action::SignWhistle),
        Just(Action::ReportWhistle { note: None }),
        node.clone().prop_map(|n| Action::Dispatch {
            to: n.parse().unwrap()
        }),
        prop::option::of(node).prop_map(|n| Action::Escalate {
            to: n.map(|n| n.parse().unwrap()),
            return_to: None,
        }),
        Just(Action::Return {
            reason: "not ours".into()
        }),
        Just(Action::Handle {
            outcome: "done".into()
        }),
        any::<bool>().prop_map(|passed| Action::Verify { passed, note: None }),
        prop::sample::select(Satisfaction::ALL.to_vec())
            .prop_map(|satisfaction| Action::Visit { satisfaction }),
        Just(Action::Suspend {
            reason: "wait".into()
        }),
        (1i64..500).prop_map(|m| Action::RequestExtension {
            until: t(m),
            reason: "more".into()
        }),
        any::<bool>().prop_map(|granted| Action::DecideExtension { granted }),
        Just(Action::Park {
            reason: "bank".into()
        }),
        ticket.clone().prop_map(|i| Action::Merge {
            into: i.parse().unwrap()
        }),
        ticket.prop_map(|i| Action::Reject {
            reason: RejectReason::Duplicate {
                of: i.parse().unwrap()
            },
            note: None
        }),
        Just(Action::Reject {
            reason: RejectReason::OutOfScope,
            note: None
        }),
        Just(Action::Reopen { reason: None }),
        prop::collection::vec(dept.clone(), 1..3).prop_map(|d| Action::Whistle {
            departments: d.into_iter().map(|x| x.parse().unwrap()).collect(),
            sign_by: Some(t(600)),
            report_by: None
        }),
        dept.prop_map(|d| Action::ReleaseWhistle {
            department: d.parse().unwrap()
        }),
        Just(Action::RecordRefusal {
            party: "店主".into(),
            note: None
        }),
        Just(Action::Supervise { note: None }),
        (0i64..400).prop_map(|m| Action::SetDeadline {
            deadline: DeadlineKind::Handle,
            due: t(m)
        }),
        Just(Action::Remind {
            deadline: DeadlineKind::Handle
        }),
    ]
}

fn arb_steps() -> impl Strategy<Value = Vec<(usize, usize, i64, Action)>> {
    prop::collection::vec(
        (0usize..3, 0usize..ACTORS.len(), 0i64..3, arb_action()),
        1..80,
    )
}

fn seeded() -> Ledger {
    let mut l = ledger();
    for i in 0..3 {
        let mut n = new(&format!("T{i}"));
        n.verify_first = i == 2;
        l.report(n, WORKER, t(0)).unwrap();
    }
    l
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn state_is_the_fold_of_the_log_and_refusals_change_nothing(steps in arb_steps()) {
        let mut l = seeded();
        let mut clock = 0i64;
        for (ticket, actor, dt, action) in steps {
            clock += dt;
            let id = format!("T{ticket}");
            let before_snapshot = l.get(&id).unwrap().snapshot();
            let before_log = l.events(&id).unwrap();
            let before_json = l.to_jsonl();
            if l.apply(&id, ACTORS[actor], t(clock), action).is_err() {
                prop_assert_eq!(l.get(&id).unwrap().snapshot(), before_snapshot);
                prop_assert_eq!(l.events(&id).unwrap(), before_log);
                prop_assert_eq!(l.to_jsonl(), before_json);
            }
        }
        // Replaying the events gives the same tickets; so does the JSON round trip.
        let replayed = Ledger::replay(l.hierarchy().clone(), l.taxonomy().clone(), l.all_events()).unwrap();
        let text = l.to_jsonl();
        let reread = Ledger::from_jsonl(l.hierarchy().clone(), l.taxonomy().clone(), &text).unwrap();
        for v in l.tickets() {
            prop_assert_eq!(replayed.get(v.id().as_str()).unwrap().snapshot(), v.snapshot());
            prop_assert_eq!(reread.get(v.id().as_str()).unwrap().snapshot(), v.snapshot());
        }
        prop_assert_eq!(reread.to_jsonl(), text);
    }

    #[test]
    fn tampering_with_any_single_event_is_detected(steps in arb_steps(), pick in any::<prop::sample::Index>(), edit in 0u8..3) {
        let mut l = seeded();
        let mut clock = 0i64;
        for (ticket, actor, dt, action) in steps {
            clock += dt;
            let _ = l.apply(&format!("T{ticket}"), ACTORS[actor], t(clock), action);
        }
        let text = l.to_jsonl();
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let events = lines.len() - 1;
        let i = pick.index(events);
        let mut bad = lines.clone();
        match edit {
            // Edit the time of one event by a second.
            0 => {
                let at = l.all_events().nth(i).unwrap().at;
                let later = at.plus_seconds(1).to_string();
                bad[i] = bad[i].replacen(&format!("\"at\":\"{at}\""), &format!("\"at\":\"{later}\""), 1);
            }
            1 => { bad.remove(i); }
            _ => {
                // Swap two events of the same ticket (the interleaving of different
                // tickets' chains carries no meaning).
                let all: Vec<_> = l.all_events().collect();
                prop_assume!(i + 1 < events && all[i].ticket == all[i + 1].ticket);
                bad.swap(i, i + 1);
            }
        }
        prop_assume!(bad != lines);
        let e = Ledger::from_jsonl(l.hierarchy().clone(), l.taxonomy().clone(), &(bad.join("\n") + "\n")).unwrap_err();
        prop_assert!(matches!(e.code(), "log.tampered" | "log.truncated"), "{}", e);
    }
}

/// Flat rows (CSV, data frames) read back to the same events, including texts that are
/// empty, nested reject reasons and lists of departments.
#[test]
fn flat_rows_round_trip() {
    use wangge::ticket::table;
    let mut l = ledger();
    let go = |l: &mut Ledger, id: &str, actor: &str, m: i64, a: Action| {
        l.apply(id, actor, t(m), a).unwrap();
    };
    l.report(
        NewTicket::new("R1", "livelihood.repair", BUILDING).unwrap(),
        WORKER,
        t(0),
    )
    .unwrap();
    go(&mut l, "R1", CENTRE, 1, Action::File);
    go(
        &mut l,
        "R1",
        CENTRE,
        2,
        Action::Dispatch {
            to: GRID.parse().unwrap(),
        },
    );
    go(&mut l, "R1", WORKER, 3, Action::Acknowledge);
    go(
        &mut l,
        "R1",
        CENTRE,
        4,
        Action::Whistle {
            departments: vec![SMR.parse().unwrap(), CG.parse().unwrap()],
            sign_by: Some(t(100)),
            report_by: None,
        },
    );
    go(
        &mut l,
        "R1",
        CENTRE,
        5,
        Action::ReleaseWhistle {
            department: SMR.parse().unwrap(),
        },
    );
    go(
        &mut l,
        "R1",
        CENTRE,
        6,
        Action::ReleaseWhistle {
            department: CG.parse().unwrap(),
        },
    );
    go(
        &mut l,
        "R1",
        WORKER,
        7,
        Action::Handle {
            outcome: String::new(),
        },
    );
    l.report(
        NewTicket::new("R2", "livelihood.repair", BUILDING).unwrap(),
        WORKER,
        t(0),
    )
    .unwrap();
    go(
        &mut l,
        "R2",
        CENTRE,
        1,
        Action::Reject {
            reason: wangge::ticket::RejectReason::Duplicate {
                of: "R1".parse().unwrap(),
            },
            note: Some("同一漏水".into()),
        },
    );
    let events: Vec<_> = l.all_events().collect();
    let rows: Vec<_> = events.iter().map(table::event_to_row).collect();
    let mut fresh = Ledger::new(l.hierarchy().clone(), l.taxonomy().clone());
    let bad = table::load(&mut fresh, &rows);
    assert!(bad.is_empty(), "{bad:?}");
    assert_eq!(fresh.all_events().collect::<Vec<_>>(), events);
}

// ----- separation of duties -------------------------------------------------------------------

/// The leak setting plus people who hold several roles at once: a centre member who also
/// serves grid 1, and one who is also on the property company's staff.
fn multi_role_ledger(authority: Authority) -> Ledger {
    let mut h = leak_hierarchy();
    h.add("both", NodeKind::Staff, "中心派驻网格员").unwrap();
    h.join("both", CENTRE).unwrap();
    h.serve("both", GRID).unwrap();
    h.add("pm-ctr", NodeKind::Staff, "物业兼中心人员").unwrap();
    h.join("pm-ctr", CENTRE).unwrap();
    h.join("pm-ctr", PROPERTY).unwrap();
    h.add("hz", NodeKind::HotlineCentre, "12345热线中心")
        .unwrap();
    h.supervise("hz", CITY).unwrap();
    h.command("hz", CITY).unwrap();
    h.join("pm-ctr", "hz").unwrap();
    Ledger::with_authority(
        Arc::new(h),
        Arc::new(Taxonomy::default()),
        Arc::new(authority),
    )
}

/// Every actor of [`multi_role_ledger`] but the host system.
const SINGLE_ACTORS: [&str; 17] = [
    WORKER,
    WORKER2,
    COMMUNITY,
    GRID,
    TOWN,
    ZONE,
    PARTY,
    SMR,
    CG,
    ZJ,
    PROPERTY,
    CENTRE,
    CENTRE_STAFF,
    "both",
    "pm-ctr",
    "hz",
    CITY,
];

#[test]
fn two_actors_can_close_what_one_cannot() {
    // Not vacuous: the centre and the grid worker together close a ticket, the same
    // sequence by either alone does not.
    let steps = [
        (CENTRE, Action::File),
        (CENTRE, dispatch(GRID)),
        (WORKER, Action::Acknowledge),
        (
            WORKER,
            Action::Handle {
                outcome: "修好".into(),
            },
        ),
        (
            CENTRE,
            Action::Verify {
                passed: true,
                note: None,
            },
        ),
        (CENTRE, Action::Close),
    ];
    for preset in [Authority::gbt30428(), Authority::hotline12345()] {
        let mut l = multi_role_ledger(preset);
        l.report(new("T1"), WORKER, t(0)).unwrap();
        for (i, (actor, action)) in steps.iter().enumerate() {
            l.apply("T1", actor, t(i as i64 + 1), action.clone())
                .unwrap();
        }
        assert_eq!(l.get("T1").unwrap().state(), TicketState::Closed);
        for alone in ["both", CENTRE, WORKER] {
            let mut l = multi_role_ledger(l.authority().as_ref().clone());
            l.report(new("T1"), WORKER, t(0)).unwrap();
            for (i, (_, action)) in steps.iter().enumerate() {
                let _ = l.apply("T1", alone, t(i as i64 + 1), action.clone());
            }
            assert_ne!(l.get("T1").unwrap().state(), TicketState::Closed, "{alone}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Under each real preset, no sequence of actions by one actor other than the host
    /// system takes a ticket from reported to closed: someone else must verify, close or
    /// rate the work (职责分离).
    #[test]
    fn no_single_actor_closes_a_ticket(
        hotline in any::<bool>(),
        who in 0usize..SINGLE_ACTORS.len(),
        reporter in 0usize..3,
        steps in prop::collection::vec((0i64..3, arb_action()), 1..60),
    ) {
        let preset = if hotline { Authority::hotline12345() } else { Authority::gbt30428() };
        let mut l = multi_role_ledger(preset);
        let actor = SINGLE_ACTORS[who];
        // The ticket is reported by the actor itself if it may, else by a grid worker or the
        // host system; then the actor alone acts.
        let by = [actor, WORKER, "@system"][reporter];
        if l.report(new("T1"), by, t(0)).is_err() {
            l.report(new("T1"), "@system", t(0)).unwrap();
        }
        l.report(new("T0"), "@system", t(0)).unwrap();
        let mut clock = 0i64;
        for (dt, action) in steps {
            clock += dt;
            let _ = l.apply("T1", actor, t(clock), action);
            prop_assert_ne!(l.get("T1").unwrap().state(), TicketState::Closed);
        }
    }
}

/// The names of every enum value are the same in serde, `as_str` and `FromStr` (the TypeScript
/// and Python types list the `as_str` names): a drift like `hotline12345` against
/// `hotline_12345` fails here.
#[test]
fn enum_names_agree_everywhere() {
    use wangge::ticket::{Priority, RequestType};
    fn check<T>(all: &[T])
    where
        T: serde::Serialize
            + serde::de::DeserializeOwned
            + std::str::FromStr
            + std::fmt::Display
            + PartialEq
            + std::fmt::Debug
            + Copy,
        <T as std::str::FromStr>::Err: std::fmt::Debug,
    {
        for v in all {
            let name = v.to_string();
            assert_eq!(serde_json::to_string(v).unwrap(), format!("\"{name}\""));
            assert_eq!(
                serde_json::from_str::<T>(&format!("\"{name}\"")).unwrap(),
                *v
            );
            assert_eq!(name.parse::<T>().unwrap(), *v);
        }
    }
    check(Channel::ALL);
    check(Priority::ALL);
    check(RequestType::ALL);
    check(Satisfaction::ALL);
    check(DeadlineKind::ALL);
    check(&TicketState::ALL);
    check(&ActionKind::ALL);
    // The old spelling of the hotline channel is still read.
    assert_eq!(
        serde_json::from_str::<Channel>("\"hotline12345\"").unwrap(),
        Channel::Hotline12345
    );
}

/// Every action, with all its optional fields and with none: each reads back as written
/// (the reader is hand-written, the writer derived), and every kind is covered.
#[test]
fn every_action_reads_back_what_it_writes() {
    use wangge::ticket::{ActionKind, Channel, NewTicket, Priority, RequestType};
    let id = |s: &str| s.parse::<wangge::hierarchy::NodeId>().unwrap();
    let tid = |s: &str| s.parse::<wangge::ticket::TicketId>().unwrap();
    let note = || Some("说明 note".to_owned());
    let mut full_report = NewTicket::new("T9", "env.litter", GRID).unwrap();
    full_report.channel = Channel::Hotline12345;
    full_report.holder = Some(id(COMMUNITY));
    full_report.reporter = Some("r-1".into());
    full_report.priority = Priority::Urgent;
    full_report.request_type = RequestType::Complaint;
    full_report.verify_first = true;
    full_report.description = Some("垃圾".into());
    let actions = vec![
        Action::Report(Box::new(NewTicket::new("T9", "env.litter", GRID).unwrap())),
        Action::Report(Box::new(full_report)),
        Action::ConfirmOnSite,
        Action::File,
        Action::Reject {
            reason: RejectReason::Duplicate { of: tid("T1") },
            note: note(),
        },
        Action::Reject {
            reason: RejectReason::OutOfScope,
            note: None,
        },
        Action::Reject {
            reason: RejectReason::InsufficientInformation,
            note: None,
        },
        Action::Reopen { reason: None },
        Action::Reopen {
            reason: Some("again".into()),
        },
        Action::Dispatch { to: id(WORKER) },
        Action::Acknowledge,
        Action::Return {
            reason: "not ours".into(),
        },
        Action::Handle {
            outcome: "done".into(),
        },
        Action::Verify {
            passed: false,
            note: note(),
        },
        Action::Verify {
            passed: true,
            note: None,
        },
        Action::Visit {
            satisfaction: Satisfaction::BasicallySatisfied,
        },
        Action::Close,
        Action::Suspend {
            reason: "wait".into(),
        },
        Action::Resume,
        Action::RequestExtension {
            until: t(90),
            reason: "parts".into(),
        },
        Action::DecideExtension { granted: true },
        Action::Park {
            reason: "bank".into(),
        },
        Action::Unpark,
        Action::Merge { into: tid("T0") },
        Action::Escalate {
            to: None,
            return_to: None,
        },
        Action::Escalate {
            to: Some(id(TOWN)),
            return_to: Some(id(CENTRE)),
        },
        Action::Whistle {
            departments: vec![id(SMR), id(CG)],
            sign_by: Some(t(5)),
            report_by: Some(t(50)),
        },
        Action::Whistle {
            departments: vec![id(SMR)],
            sign_by: None,
            report_by: None,
        },
        Action::SignWhistle,
        Action::ReportWhistle { note: note() },
        Action::ReportWhistle { note: None },
        Action::ReleaseWhistle {
            department: id(SMR),
        },
        Action::RecordRefusal {
            party: "店主".into(),
            note: note(),
        },
        Action::Supervise { note: None },
        Action::Remind {
            deadline: DeadlineKind::Reply,
        },
        Action::SetDeadline {
            deadline: DeadlineKind::Verify,
            due: t(7),
        },
        Action::RuleFired {
            rule: "r".into(),
            breach: t(3),
            subject: Some(id(SMR)),
        },
        Action::RuleFired {
            rule: "r".into(),
            breach: t(3),
            subject: None,
        },
        Action::Recheck {
            deadline: DeadlineKind::Handle,
            at: Some(t(8)),
        },
        Action::Recheck {
            deadline: DeadlineKind::Handle,
            at: None,
        },
        Action::Import {
            state: TicketState::InProgress,
            status: "In progress".into(),
            note: note(),
        },
        Action::Import {
            state: TicketState::Closed,
            status: "closed".into(),
            note: None,
        },
    ];
    let mut kinds: Vec<ActionKind> = actions.iter().map(Action::kind).collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds, ActionKind::ALL.to_vec(), "every kind is covered");
    for a in &actions {
        let text = serde_json::to_string(a).unwrap();
        let back: Action = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(&back, a, "{text}");
        // And through a serde_json::Value (another deserializer).
        let back: Action = serde_json::from_value(serde_json::from_str(&text).unwrap()).unwrap();
        assert_eq!(&back, a, "{text}");
    }
}

/// What the action reader refuses, each with a message naming the field.
#[test]
fn the_action_reader_refuses_foreign_missing_and_mistyped_fields() {
    let refuse = |text: &str, needle: &str| {
        let e = serde_json::from_str::<Action>(text)
            .expect_err(text)
            .to_string();
        assert!(e.contains(needle), "{text}: {e}");
    };
    refuse(r#"{"type": "dispatch"}"#, "missing field `to`");
    refuse(
        r#"{"type": "dispatch", "to": "g1", "note": "x"}"#,
        "unknown field `note` in a `dispatch` action",
    );
    refuse(r#"{"type": "file", "to": "g1"}"#, "unknown field `to`");
    refuse(
        r#"{"type": "dispatch", "to": "g1", "colour": "red"}"#,
        "unknown field `colour`",
    );
    refuse(r#"{"type": "teleport"}"#, "unknown variant `teleport`");
    refuse(r#"{"to": "g1"}"#, "missing field `type`");
    refuse(
        r#"{"type": "reject", "reason": "dup"}"#,
        "object with a `kind`",
    );
    refuse(
        r#"{"type": "return", "reason": {"kind": "out_of_scope"}}"#,
        "is text, not an object",
    );
    refuse(
        r#"{"type": "reject", "reason": {"kind": "duplicate"}}"#,
        "missing field `of`",
    );
    refuse(
        r#"{"type": "reject", "reason": {"kind": "out_of_scope", "of": "T1"}}"#,
        "unknown field `of`",
    );
    refuse(
        r#"{"type": "reject", "reason": {"kind": "out_of_scope", "x": 1}}"#,
        "unknown field `x`",
    );
    refuse(
        r#"{"type": "dispatch", "to": "g1", "to": "g2"}"#,
        "duplicate field `to`",
    );
    refuse(r#"{"type": "verify", "passed": "yes"}"#, "invalid type");
    refuse(
        r#"{"type": "report", "id": "T1", "unit": "g1"}"#,
        "missing field `category`",
    );
    refuse(
        r#"{"type": "visit", "satisfaction": "thrilled"}"#,
        "unknown variant `thrilled`",
    );
    // A null optional field reads as absent, as before.
    let a: Action = serde_json::from_str(r#"{"type": "escalate", "to": null}"#).unwrap();
    assert_eq!(
        a,
        Action::Escalate {
            to: None,
            return_to: None
        }
    );
}

/// The codec: every action kind, encoded into the stored event and decoded back, is the action
/// given (replayed as trusted history so that only the lifecycle, targets and texts are
/// checked; every optional field is exercised somewhere).
#[test]
fn every_action_kind_survives_the_stored_encoding() {
    use wangge::ticket::{
        ActionKind, Actor, Channel, Event, NewTicket, Priority, RequestType, Trust,
    };
    let id = |s: &str| s.parse::<wangge::hierarchy::NodeId>().unwrap();
    let tid = |s: &str| s.parse::<wangge::ticket::TicketId>().unwrap();
    let note = |s: &str| Some(s.to_owned());
    let mut a = NewTicket::new("A", "livelihood.repair", GRID).unwrap();
    a.channel = Channel::Hotline12345;
    a.holder = Some(id(COMMUNITY));
    a.reporter = Some("r-1".into());
    a.priority = Priority::Urgent;
    a.request_type = RequestType::Complaint;
    a.verify_first = true;
    a.description = Some("楼道漏水".into());
    let grid = || Actor::Node(id(GRID));
    let smr = || Actor::Node(id(SMR));
    // A report without a holder records the one it resolves to; name it to compare exactly.
    let plain = |ticket: &str, unit: &str| {
        let mut n = NewTicket::new(ticket, "livelihood.repair", unit).unwrap();
        n.holder = Some(id(GRID));
        Action::Report(Box::new(n))
    };
    let script: Vec<(&str, Actor, Action)> = vec![
        ("A", grid(), Action::Report(Box::new(a))),
        ("A", grid(), Action::ConfirmOnSite),
        ("A", grid(), Action::File),
        (
            "A",
            Actor::System,
            Action::SetDeadline {
                deadline: DeadlineKind::Handle,
                due: t(600),
            },
        ),
        ("A", grid(), Action::Dispatch { to: id(GRID) }),
        ("A", grid(), Action::Acknowledge),
        (
            "A",
            Actor::System,
            Action::Remind {
                deadline: DeadlineKind::Handle,
            },
        ),
        (
            "A",
            grid(),
            Action::Supervise {
                note: note("督办")
            },
        ),
        (
            "A",
            grid(),
            Action::RecordRefusal {
                party: "店主".into(),
                note: note("拒不维修"),
            },
        ),
        (
            "A",
            grid(),
            Action::Whistle {
                departments: vec![id(SMR), id(CG)],
                sign_by: Some(t(100)),
                report_by: Some(t(500)),
            },
        ),
        ("A", smr(), Action::SignWhistle),
        (
            "A",
            smr(),
            Action::ReportWhistle {
                note: note("已约谈"),
            },
        ),
        ("A", grid(), Action::ReleaseWhistle { department: id(CG) }),
        (
            "A",
            grid(),
            Action::RequestExtension {
                until: t(2000),
                reason: "等配件".into(),
            },
        ),
        ("A", grid(), Action::DecideExtension { granted: true }),
        (
            "A",
            Actor::System,
            Action::RuleFired {
                rule: "late-summons".into(),
                breach: t(100),
                subject: Some(id(SMR)),
            },
        ),
        (
            "A",
            Actor::System,
            Action::RuleFired {
                rule: "overdue".into(),
                breach: t(600),
                subject: None,
            },
        ),
        (
            "A",
            Actor::System,
            Action::Recheck {
                deadline: DeadlineKind::Handle,
                at: Some(t(700)),
            },
        ),
        (
            "A",
            Actor::System,
            Action::Recheck {
                deadline: DeadlineKind::Handle,
                at: None,
            },
        ),
        (
            "A",
            grid(),
            Action::Park {
                reason: "挂账".into(),
            },
        ),
        ("A", grid(), Action::Unpark),
        (
            "A",
            grid(),
            Action::Suspend {
                reason: "等待".into(),
            },
        ),
        ("A", grid(), Action::Resume),
        (
            "A",
            grid(),
            Action::Return {
                reason: "非本网格".into(),
            },
        ),
        (
            "A",
            grid(),
            Action::Escalate {
                to: Some(id(TOWN)),
                return_to: Some(id(CENTRE)),
            },
        ),
        ("A", grid(), Action::Acknowledge),
        (
            "A",
            grid(),
            Action::Escalate {
                to: None,
                return_to: None,
            },
        ),
        ("A", grid(), Action::Acknowledge),
        (
            "A",
            grid(),
            Action::Handle {
                outcome: "已修".into(),
            },
        ),
        (
            "A",
            grid(),
            Action::Verify {
                passed: false,
                note: note("仍漏"),
            },
        ),
        (
            "A",
            grid(),
            Action::Handle {
                outcome: "再修".into(),
            },
        ),
        (
            "A",
            grid(),
            Action::Verify {
                passed: true,
                note: None,
            },
        ),
        (
            "A",
            grid(),
            Action::Visit {
                satisfaction: Satisfaction::Unsatisfied,
            },
        ),
        (
            "A",
            grid(),
            Action::Handle {
                outcome: "三修".into(),
            },
        ),
        (
            "A",
            grid(),
            Action::Verify {
                passed: true,
                note: None,
            },
        ),
        ("A", grid(), Action::Close),
        (
            "A",
            grid(),
            Action::Reopen {
                reason: note("复发"),
            },
        ),
        (
            "A",
            grid(),
            Action::Handle {
                outcome: "根治".into(),
            },
        ),
        (
            "A",
            grid(),
            Action::Verify {
                passed: true,
                note: None,
            },
        ),
        (
            "A",
            grid(),
            Action::Visit {
                satisfaction: Satisfaction::BasicallySatisfied,
            },
        ),
        ("B", grid(), plain("B", GRID)),
        (
            "B",
            grid(),
            Action::Reject {
                reason: RejectReason::Duplicate { of: tid("A") },
                note: note("重复"),
            },
        ),
        ("B", grid(), Action::Reopen { reason: None }),
        (
            "B",
            grid(),
            Action::Reject {
                reason: RejectReason::OutOfScope,
                note: None,
            },
        ),
        ("B", grid(), Action::Reopen { reason: None }),
        (
            "B",
            grid(),
            Action::Reject {
                reason: RejectReason::InsufficientInformation,
                note: None,
            },
        ),
        ("C", grid(), plain("C", BUILDING)),
        ("C", grid(), Action::Merge { into: tid("A") }),
        ("D", grid(), plain("D", GRID)),
        (
            "D",
            Actor::System,
            Action::Import {
                state: TicketState::Closed,
                status: "closed".into(),
                note: note("Case Resolved."),
            },
        ),
    ];
    let mut seqs = std::collections::HashMap::new();
    let events: Vec<Event> = script
        .into_iter()
        .enumerate()
        .map(|(i, (ticket, actor, action))| {
            let seq = seqs.entry(ticket).or_insert(0u32);
            let e = Event {
                ticket: tid(ticket),
                seq: *seq,
                at: t(i as i64),
                actor,
                action,
            };
            *seq += 1;
            e
        })
        .collect();
    let mut kinds: Vec<ActionKind> = events.iter().map(|e| e.action.kind()).collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(
        kinds,
        ActionKind::ALL.to_vec(),
        "every kind is in the script"
    );
    let mut l = ledger();
    l.replay_into(events.clone(), Trust::History).unwrap();
    for ticket in ["A", "B", "C"] {
        let want: Vec<&Event> = events
            .iter()
            .filter(|e| e.ticket.as_str() == ticket)
            .collect();
        let got = l.events(ticket).unwrap();
        assert_eq!(got.len(), want.len(), "{ticket}");
        for (g, w) in got.iter().zip(want) {
            match (&g.action, &w.action) {
                // An escalation without a target records the unit it went to.
                (
                    Action::Escalate {
                        to: Some(_),
                        return_to: r1,
                    },
                    Action::Escalate {
                        to: None,
                        return_to: r2,
                    },
                ) => assert_eq!((r1, &g.at, &g.actor), (r2, &w.at, &w.actor)),
                _ => assert_eq!(g, w, "{ticket} #{}", w.seq),
            }
        }
    }
}

proptest! {
    /// The deadline index answers `due_until` exactly as a scan of the open tickets'
    /// deadlines does, ordered by (due, ticket, kind), after any sequence of deadlines set,
    /// moved and tickets rejected (closed), with several kinds due at once and many
    /// deadlines at one instant.
    #[test]
    fn due_until_matches_a_scan(
        ops in prop::collection::vec((0usize..40, 0usize..4, 1i64..60, any::<bool>()), 0..300),
        until in 0i64..70,
    ) {
        use DeadlineKind::{Acknowledge, Handle, Reply, Verify};
        let kinds = [Acknowledge, Handle, Verify, Reply];
        let mut l = ledger();
        let ids: Vec<String> = (0..40).map(|i| format!("T{i:02}")).collect();
        for id in &ids {
            l.report(new(id), WORKER, t(0)).unwrap();
        }
        for (step, (i, kind, due, reject)) in ops.into_iter().enumerate() {
            let at = t(0).plus_seconds(i64::try_from(step).unwrap());
            if reject && step % 7 == 0 {
                let refuse = Action::Reject { reason: RejectReason::OutOfScope, note: None };
                let _ = l.apply(&ids[i], CENTRE, at, refuse);
                continue;
            }
            let set = Action::SetDeadline {
                deadline: kinds[kind],
                due: t(due),
            };
            let _ = l.apply(&ids[i], "@system", at, set);
        }
        let mut scan = Vec::new();
        for v in l.tickets().filter(|v| v.state().is_open()) {
            for kind in kinds {
                if let Some(due) = v.deadline(kind).filter(|d| *d <= t(until)) {
                    scan.push((due, v.key(), kind as u8));
                }
            }
        }
        scan.sort();
        let index: Vec<_> = l.due_until(t(until)).map(|(d, k, kind)| (d, k, kind as u8)).collect();
        prop_assert_eq!(index, scan);
    }
}
