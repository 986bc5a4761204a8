//! Inputs found by the fuzz targets (`core/fuzz`, see `docs/FUZZING.md`) that broke an
//! invariant, kept as ordinary tests once fixed. Each test names its target.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;
use wangge::ticket::{table, Action, NewTicket, Trust};

/// `ledger_ops`: a report with an empty reporter (or description) was recorded with the
/// empty text, but its flat row reads an empty cell as absent, so the event did not survive
/// `event_to_row` → `event_from_row`. An empty text is now not stored, as for every other
/// text of an action: it reads back as absent everywhere.
#[test]
fn an_empty_reporter_or_description_reads_back_as_absent() {
    let mut l = ledger();
    let mut ticket = NewTicket::new("T0", "livelihood.repair", ZONE).unwrap();
    ticket.reporter = Some(String::new());
    ticket.description = Some(String::new());
    l.report(ticket, CITY, t(0)).unwrap();
    let snapshot = l.get("T0").unwrap().snapshot();
    assert_eq!(snapshot.reporter, None);
    assert_eq!(snapshot.description, None);
    for event in l.all_events() {
        let row = table::event_to_row(&event);
        assert_eq!(table::event_from_row(&row, event.seq).unwrap(), event);
    }
    let mut back = ledger();
    back.load_jsonl(&l.to_jsonl(), Trust::Checked).unwrap();
    assert_eq!(back.to_jsonl(), l.to_jsonl());
}

/// `ledger_ops`: a report that leaves the taker to the default (the grid above the unit)
/// was accepted live, but its event names the taker, and on replay a named taker was
/// checked as a dispatch: the compound reporting in itself "may not report to" its grid, so
/// the ledger's own log did not load. Naming the default taker is now the same as leaving
/// it out.
#[test]
fn a_report_to_the_default_taker_replays_as_it_was_accepted() {
    let mut l = ledger();
    let ticket = NewTicket::new("T3", "livelihood.parking", COMPOUND).unwrap();
    l.report(ticket.clone(), COMPOUND, t(0)).unwrap();
    let mut back = ledger();
    back.load_jsonl(&l.to_jsonl(), Trust::Checked).unwrap();
    assert_eq!(back.to_jsonl(), l.to_jsonl());
    // Named explicitly, the default taker is accepted too; another taker is still a dispatch.
    let mut named = ticket.clone();
    named.id = "T4".parse().unwrap();
    named.holder = Some(GRID.parse().unwrap());
    l.report(named, COMPOUND, t(1)).unwrap();
    let mut elsewhere = ticket;
    elsewhere.id = "T5".parse().unwrap();
    elsewhere.holder = Some(GRID2.parse().unwrap());
    assert_eq!(
        l.report(elsewhere, COMPOUND, t(2)).unwrap_err().code(),
        "ticket.out_of_jurisdiction"
    );
}

/// `action`: `check` of a report action on an existing ticket said `duplicate_ticket` (naming
/// the report's id, which may not exist) where `apply` says the report does not carry the
/// ticket's own id.
#[test]
fn check_refuses_a_report_of_another_id_as_apply_does() {
    let mut l = ledger();
    l.report(
        NewTicket::new("R", "livelihood.repair", BUILDING).unwrap(),
        WORKER,
        t(0),
    )
    .unwrap();
    let other = Action::Report(Box::new(
        NewTicket::new("T1", "livelihood.repair", BUILDING).unwrap(),
    ));
    let key = l.key("R").unwrap();
    let actor = l.actor_key(WORKER).unwrap();
    let checked = l.check(key, actor, t(1), &other).unwrap_err();
    let applied = l.apply("R", WORKER, t(1), other).unwrap_err();
    assert_eq!(checked.code(), "ticket.invalid_id");
    assert_eq!(checked.code(), applied.code());
    let same = Action::Report(Box::new(
        NewTicket::new("R", "livelihood.repair", BUILDING).unwrap(),
    ));
    assert_eq!(
        l.check(key, actor, t(1), &same).unwrap_err().code(),
        l.apply("R", WORKER, t(1), same).unwrap_err().code()
    );
}

/// `ledger_ops`: a `recheck` action's own `at` (when to look again) was written to the flat
/// row's `at` column, overwriting the event's time, so the row read back as another event
/// (the event at the recheck's instant, the recheck without one). It is now the column
/// `recheckAt`.
#[test]
fn a_recheck_keeps_its_own_instant_in_a_flat_row() {
    use wangge::ticket::{Actor, DeadlineKind, Event};
    let event = Event {
        ticket: "T0".parse().unwrap(),
        seq: 2,
        at: t(0),
        actor: Actor::parse(CITY).unwrap(),
        action: Action::Recheck {
            deadline: DeadlineKind::Reply,
            at: Some(t(14_640)),
        },
    };
    let row = table::event_to_row(&event);
    assert_eq!(row["at"], t(0).to_string());
    assert_eq!(row["recheckAt"], t(14_640).to_string());
    assert_eq!(table::event_from_row(&row, 0).unwrap(), event);
}

/// `ledger_ops`: a flat row's `reason` column was read as JSON whenever it looked like JSON
/// (for a reject, whose reason is an object), so a suspension "{"a":1}" or a return "[1]"
/// written to a row did not read back. Only a reject's reason is JSON now.
#[test]
fn a_text_reason_that_looks_like_json_reads_back_as_text() {
    use wangge::ticket::{Actor, Event};
    for action in [
        Action::Suspend {
            reason: "{\"a\":1}".into(),
        },
        Action::Return {
            reason: "[1]".into(),
        },
        Action::Reopen {
            reason: Some("{}".into()),
        },
    ] {
        let event = Event {
            ticket: "T0".parse().unwrap(),
            seq: 3,
            at: t(0),
            actor: Actor::parse(WORKER).unwrap(),
            action,
        };
        let row = table::event_to_row(&event);
        assert_eq!(table::event_from_row(&row, 0).unwrap(), event, "{row:?}");
    }
    // A reject's reason is still read from its JSON text.
    let mut row = serde_json::Map::new();
    for (k, v) in [
        ("ticket", "T0"),
        ("at", "2025-03-03T09:00:00+08:00"),
        ("actor", CENTRE),
        ("type", "reject"),
        ("reason", "{\"kind\":\"duplicate\",\"of\":\"T1\"}"),
    ] {
        row.insert(k.into(), v.into());
    }
    let event = table::event_from_row(&row, 1).unwrap();
    assert_eq!(
        table::event_from_row(&table::event_to_row(&event), 1).unwrap(),
        event
    );
}
