//! Random operation sequences on a ledger over the leak fixture (structured with
//! `arbitrary`): reports and every kind of action, by any node or the host system or an
//! unknown actor, at times that mostly go forward and sometimes back; bulk applications,
//! escalation sweeps and questions (`check`, `can`, `why_not`, `who_can`, `simulate`). The
//! authority is one of the three presets, with or without service levels attached.
//!
//! Checks:
//! - `check`, `can`, `why_not` and `simulate` agree with what `apply` then does (the same
//!   state, or the same error code; `simulate`, which works on a copy of the one ticket, for
//!   actions that name no other ticket), and asking changes nothing;
//! - a refused report or action leaves the ledger exactly as it was (its log, every ticket's
//!   snapshot and every index: the fingerprint of `wangge_fuzz::fingerprint`);
//! - `apply_many` does what applying its items one by one does; a refused sweep changes
//!   nothing;
//! - at the end, the ledger's log loads (checked) into a fresh ledger with the same
//!   fingerprint; so do its events replayed directly and its events as flat rows, and every
//!   event survives the flat-row form exactly.
#![no_main]

use std::sync::Arc;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use wangge::calendar::Calendar;
use wangge::escalation::{self, EscalationPolicy};
use wangge::sla::{ServiceLevels, ServicePolicy};
use wangge::ticket::authority::Authority;
use wangge::ticket::{
    table, Action, BulkAction, Channel, DeadlineKind, Ledger, NewTicket, Priority, RejectReason,
    RequestType, Satisfaction, TicketError, TicketState, Trust,
};
use wangge::time::Timestamp;
use wangge_fuzz::{base_time, fingerprint, leak_hierarchy, ACTORS};

const TICKETS: [&str; 5] = ["T0", "T1", "T2", "T3", "T4"];
const CATEGORIES: [&str; 4] = [
    "livelihood.repair",
    "livelihood.parking",
    "event",
    "no.such",
];
const TEXTS: [&str; 10] = [
    "修好了",
    "x",
    "[1]",
    "{\"a\":1}",
    "a;b",
    " ",
    "\"",
    "true",
    "0",
    "line\nbreak",
];

#[derive(Arbitrary, Debug, Clone)]
enum Text {
    Empty,
    Fixed(u8),
    Free(String),
}

impl Text {
    fn get(&self) -> String {
        match self {
            Text::Empty => String::new(),
            Text::Fixed(i) => TEXTS[usize::from(*i) % TEXTS.len()].to_owned(),
            Text::Free(s) => s.chars().take(40).collect(),
        }
    }
}

/// When an operation happens, relative to the clock.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum When {
    /// The clock moves forward by this many minutes.
    Later(u16),
    /// Now.
    Now,
    /// This many minutes before now (the clock stays).
    Earlier(u8),
}

#[derive(Arbitrary, Debug, Clone)]
enum Act {
    ConfirmOnSite,
    File,
    Reject {
        kind: u8,
        of: u8,
        note: Option<Text>,
    },
    Reopen {
        reason: Option<Text>,
    },
    Dispatch {
        to: u8,
    },
    Acknowledge,
    Return {
        reason: Text,
    },
    Handle {
        outcome: Text,
    },
    Verify {
        passed: bool,
        note: Option<Text>,
    },
    Visit {
        satisfaction: u8,
    },
    Close,
    Suspend {
        reason: Text,
    },
    Resume,
    RequestExtension {
        hours: u16,
        reason: Text,
    },
    DecideExtension {
        granted: bool,
    },
    Park {
        reason: Text,
    },
    Unpark,
    Merge {
        into: u8,
    },
    Escalate {
        to: Option<u8>,
        return_to: Option<u8>,
    },
    Whistle {
        departments: Vec<u8>,
        sign_by: Option<u16>,
        report_by: Option<u16>,
    },
    SignWhistle,
    ReportWhistle {
        note: Option<Text>,
    },
    ReleaseWhistle {
        department: u8,
    },
    RecordRefusal {
        party: Text,
        note: Option<Text>,
    },
    Supervise {
        note: Option<Text>,
    },
    Remind {
        deadline: u8,
    },
    SetDeadline {
        deadline: u8,
        hours: i16,
    },
    RuleFired {
        rule: Text,
        hours: i16,
        subject: Option<u8>,
    },
    Recheck {
        deadline: u8,
        hours: Option<i16>,
    },
}

#[derive(Arbitrary, Debug, Clone)]
struct Report {
    ticket: u8,
    unit: u8,
    holder: Option<u8>,
    category: u8,
    channel: u8,
    priority: u8,
    request_type: u8,
    verify_first: bool,
    reporter: Option<Text>,
    description: Option<Text>,
}

#[derive(Arbitrary, Debug, Clone)]
enum Op {
    Report {
        report: Report,
        actor: u8,
        when: When,
    },
    Apply {
        ticket: u8,
        actor: u8,
        when: When,
        act: Act,
    },
    Many {
        items: Vec<(u8, u8, When, Act)>,
    },
    Sweep {
        when: When,
    },
    Ask {
        ticket: u8,
        actor: u8,
        when: When,
        act: Act,
    },
}

#[derive(Arbitrary, Debug)]
struct Input {
    authority: u8,
    service_levels: bool,
    ops: Vec<Op>,
}

fn pick<T: Copy>(items: &[T], i: u8) -> T {
    items[usize::from(i) % items.len()]
}

fn node(i: u8) -> wangge::hierarchy::NodeId {
    // Nodes only: the host system and "nobody" are not node ids of the fixture, but "nobody"
    // is a well-formed id of no node.
    let ids = &ACTORS[..ACTORS.len()];
    let id = pick(ids, i);
    let id = if id == "@system" { "ghost" } else { id };
    id.parse().expect("a well-formed node id")
}

struct Clock(Timestamp);

impl Clock {
    fn at(&mut self, when: When) -> Timestamp {
        match when {
            When::Later(m) => {
                self.0 = self.0.plus_seconds(i64::from(m) * 60);
                self.0
            }
            When::Now => self.0,
            When::Earlier(m) => self.0.plus_seconds(-i64::from(m) * 60),
        }
    }
}

fn action(act: &Act, at: Timestamp) -> Action {
    let hours = |h: i64| at.plus_seconds(h * 3600);
    let deadline = |d: u8| pick(DeadlineKind::ALL, d);
    match act {
        Act::ConfirmOnSite => Action::ConfirmOnSite,
        Act::File => Action::File,
        Act::Reject { kind, of, note } => Action::Reject {
            reason: match kind % 3 {
                0 => RejectReason::Duplicate {
                    of: pick(&TICKETS, *of).parse().expect("a ticket id"),
                },
                1 => RejectReason::OutOfScope,
                _ => RejectReason::InsufficientInformation,
            },
            note: note.as_ref().map(Text::get),
        },
        Act::Reopen { reason } => Action::Reopen {
            reason: reason.as_ref().map(Text::get),
        },
        Act::Dispatch { to } => Action::Dispatch { to: node(*to) },
        Act::Acknowledge => Action::Acknowledge,
        Act::Return { reason } => Action::Return {
            reason: reason.get(),
        },
        Act::Handle { outcome } => Action::Handle {
            outcome: outcome.get(),
        },
        Act::Verify { passed, note } => Action::Verify {
            passed: *passed,
            note: note.as_ref().map(Text::get),
        },
        Act::Visit { satisfaction } => Action::Visit {
            satisfaction: pick(Satisfaction::ALL, *satisfaction),
        },
        Act::Close => Action::Close,
        Act::Suspend { reason } => Action::Suspend {
            reason: reason.get(),
        },
        Act::Resume => Action::Resume,
        Act::RequestExtension { hours: h, reason } => Action::RequestExtension {
            until: hours(i64::from(*h)),
            reason: reason.get(),
        },
        Act::DecideExtension { granted } => Action::DecideExtension { granted: *granted },
        Act::Park { reason } => Action::Park {
            reason: reason.get(),
        },
        Act::Unpark => Action::Unpark,
        Act::Merge { into } => Action::Merge {
            into: pick(&TICKETS, *into).parse().expect("a ticket id"),
        },
        Act::Escalate { to, return_to } => Action::Escalate {
            to: to.map(node),
            return_to: return_to.map(node),
        },
        Act::Whistle {
            departments,
            sign_by,
            report_by,
        } => Action::Whistle {
            departments: departments.iter().take(4).map(|d| node(*d)).collect(),
            sign_by: sign_by.map(|h| hours(i64::from(h))),
            report_by: report_by.map(|h| hours(i64::from(h))),
        },
        Act::SignWhistle => Action::SignWhistle,
        Act::ReportWhistle { note } => Action::ReportWhistle {
            note: note.as_ref().map(Text::get),
        },
        Act::ReleaseWhistle { department } => Action::ReleaseWhistle {
            department: node(*department),
        },
        Act::RecordRefusal { party, note } => Action::RecordRefusal {
            party: party.get(),
            note: note.as_ref().map(Text::get),
        },
        Act::Supervise { note } => Action::Supervise {
            note: note.as_ref().map(Text::get),
        },
        Act::Remind { deadline: d } => Action::Remind {
            deadline: deadline(*d),
        },
        Act::SetDeadline {
            deadline: d,
            hours: h,
        } => Action::SetDeadline {
            deadline: deadline(*d),
            due: hours(i64::from(*h)),
        },
        Act::RuleFired {
            rule,
            hours: h,
            subject,
        } => Action::RuleFired {
            rule: rule.get().into(),
            breach: hours(i64::from(*h)),
            subject: subject.map(node),
        },
        Act::Recheck {
            deadline: d,
            hours: h,
        } => Action::Recheck {
            deadline: deadline(*d),
            at: h.map(|h| hours(i64::from(h))),
        },
    }
}

fn new_ticket(r: &Report) -> Option<NewTicket> {
    let mut t = NewTicket::new(
        pick(&TICKETS, r.ticket),
        pick(&CATEGORIES, r.category),
        node(r.unit).as_str(),
    )
    .ok()?;
    t.holder = r.holder.map(node);
    t.channel = pick(Channel::ALL, r.channel);
    t.priority = pick(Priority::ALL, r.priority);
    t.request_type = pick(RequestType::ALL, r.request_type);
    t.verify_first = r.verify_first;
    t.reporter = r.reporter.as_ref().map(Text::get);
    t.description = r.description.as_ref().map(Text::get);
    Some(t)
}

fn same(a: &Result<TicketState, TicketError>, b: &Result<TicketState, TicketError>) -> bool {
    match (a, b) {
        (Ok(x), Ok(y)) => x == y,
        (Err(x), Err(y)) => x.code() == y.code(),
        _ => false,
    }
}

/// Applies one action, checking it against the questions asked before and, if refused,
/// that it changed nothing.
fn apply(
    ledger: &mut Ledger,
    ticket: &str,
    actor: &str,
    at: Timestamp,
    action: &Action,
) -> Result<TicketState, TicketError> {
    let before = fingerprint(ledger);
    // `check` takes a resolved ticket and actor; `apply` resolves them after its own first
    // checks, so the two are compared when both resolve.
    let checked = ledger.key(ticket).and_then(|key| {
        let actor = ledger.actor_key(actor).ok()?;
        Some(ledger.check(key, actor, at, action))
    });
    // `simulate` runs on a copy of the one ticket, so it cannot answer for an action naming
    // another ticket (a merge, a duplicate): compared for the others only (reported with the
    // fuzz results).
    let names_another = matches!(
        action,
        Action::Merge { .. }
            | Action::Reject {
                reason: RejectReason::Duplicate { .. },
                ..
            }
    );
    let simulated = ledger
        .key(ticket)
        .filter(|_| !names_another)
        .and_then(|key| {
            let actor = ledger.actor_key(actor).ok()?;
            ledger.simulate(key, &[(actor, at, action.clone())]).pop()
        });
    let can = ledger.can(ticket, actor, at, action);
    let why = ledger.why_not(ticket, actor, at, action);
    assert_eq!(fingerprint(ledger), before, "asking changed the ledger");
    let result = ledger.apply(ticket, actor, at, action.clone());
    if let Some(checked) = &checked {
        assert!(
            same(checked, &result),
            "{ticket} {actor} {at} {action:?}: check {checked:?} but apply {result:?}"
        );
    }
    if let Some(simulated) = &simulated {
        assert!(
            same(simulated, &result),
            "{ticket} {actor} {at} {action:?}: simulate {simulated:?} but apply {result:?}"
        );
    }
    assert_eq!(
        can,
        result.is_ok(),
        "{ticket} {actor} {action:?}: can {can} but apply {result:?}"
    );
    assert_eq!(
        why.is_none(),
        result.is_ok(),
        "{ticket} {actor} {action:?}: why_not {why:?} but apply {result:?}"
    );
    if let Err(e) = &result {
        assert_eq!(
            fingerprint(ledger),
            before,
            "{ticket} {actor} {at} {action:?} was refused ({e}) but changed the ledger"
        );
    }
    result
}

fn fresh(ledger: &Ledger) -> Ledger {
    Ledger::with_authority(
        ledger.hierarchy().clone(),
        ledger.taxonomy().clone(),
        ledger.authority().clone(),
    )
}

fn finish(ledger: &Ledger) {
    let print = fingerprint(ledger);
    let log = ledger.to_jsonl();
    let mut loaded = fresh(ledger);
    loaded
        .load_jsonl(&log, Trust::Checked)
        .unwrap_or_else(|e| panic!("the live ledger's log does not load: {e}\n{log}"));
    assert_eq!(fingerprint(&loaded), print, "log → ledger");

    let events: Vec<_> = ledger.all_events().collect();
    let mut replayed = fresh(ledger);
    replayed
        .replay_into(events.clone(), Trust::Checked)
        .unwrap_or_else(|e| panic!("the live ledger's events do not replay: {e}"));
    assert_eq!(fingerprint(&replayed), print, "events → ledger");

    let mut rows = Vec::with_capacity(events.len());
    for e in &events {
        let row = table::event_to_row(e);
        let back = table::event_from_row(&row, e.seq)
            .unwrap_or_else(|err| panic!("the row of {e:?} does not read: {err}\n{row:?}"));
        assert_eq!(&back, e, "event → row → event: {row:?}");
        rows.push(row);
    }
    let mut from_rows = fresh(ledger);
    let bad = table::load(&mut from_rows, &rows);
    assert!(
        bad.is_empty(),
        "the live ledger's rows do not load: {bad:?}"
    );
    assert_eq!(fingerprint(&from_rows), print, "rows → ledger");
}

fuzz_target!(|input: Input| {
    if input.ops.len() > 48 {
        return;
    }
    let authority = match input.authority % 3 {
        0 => Authority::gbt30428(),
        1 => Authority::hotline12345(),
        _ => Authority::legacy_permissive(),
    };
    let mut ledger = Ledger::with_authority(
        Arc::new(leak_hierarchy()),
        Arc::new(wangge::ticket::Taxonomy::default()),
        Arc::new(authority),
    );
    let mut clock = Clock(base_time());
    if input.service_levels {
        let levels = ServiceLevels {
            policy: ServicePolicy::hotline_12345_guangdong(),
            calendar: Calendar::standard(),
        };
        ledger
            .set_service_levels(Some(Arc::new(levels)), clock.0)
            .expect("the 12345 policy over the standard calendar applies to an empty ledger");
    }
    let policy = EscalationPolicy::standard();
    let calendar = Calendar::standard();
    for op in &input.ops {
        match op {
            Op::Report {
                report,
                actor,
                when,
            } => {
                let at = clock.at(*when);
                let Some(ticket) = new_ticket(report) else {
                    continue;
                };
                let before = fingerprint(&ledger);
                if let Err(e) = ledger.report(ticket.clone(), pick(&ACTORS, *actor), at) {
                    assert_eq!(
                        fingerprint(&ledger),
                        before,
                        "the report {ticket:?} was refused ({e}) but changed the ledger"
                    );
                }
            }
            Op::Apply {
                ticket,
                actor,
                when,
                act,
            } => {
                let at = clock.at(*when);
                let _ = apply(
                    &mut ledger,
                    pick(&TICKETS, *ticket),
                    pick(&ACTORS, *actor),
                    at,
                    &action(act, at),
                );
            }
            Op::Many { items } => {
                let items: Vec<BulkAction> = items
                    .iter()
                    .take(8)
                    .map(|(ticket, actor, when, act)| {
                        let at = clock.at(*when);
                        BulkAction {
                            ticket: pick(&TICKETS, *ticket).to_owned(),
                            actor: pick(&ACTORS, *actor).to_owned(),
                            at,
                            action: action(act, at),
                        }
                    })
                    .collect();
                let mut one_by_one = ledger.clone();
                let results: Vec<_> = items
                    .iter()
                    .map(|i| apply(&mut one_by_one, &i.ticket, &i.actor, i.at, &i.action))
                    .collect();
                let report = ledger.apply_many(items.into_iter().map(Ok::<_, TicketError>));
                let mut errors = report.errors.iter();
                let mut next_error = errors.next();
                for (i, r) in results.iter().enumerate() {
                    match (r, next_error) {
                        // Refused items are numbered from 1.
                        (Err(e), Some((n, f))) if *n == i + 1 => {
                            assert_eq!(e.code(), f.code(), "item {i}");
                            next_error = errors.next();
                        }
                        (Ok(s), _) => assert_eq!(report.states[i], Some(*s), "item {i}"),
                        _ => panic!("item {i}: one by one {r:?}, apply_many {report:?}"),
                    }
                }
                assert!(next_error.is_none(), "{report:?}");
                assert_eq!(fingerprint(&ledger), fingerprint(&one_by_one), "apply_many");
            }
            Op::Sweep { when } => {
                let at = clock.at(*when);
                let before = fingerprint(&ledger);
                let _ = escalation::evaluate(at, &ledger, &policy, &calendar);
                assert_eq!(fingerprint(&ledger), before, "evaluate changed the ledger");
                if let Err(e) = escalation::sweep(&mut ledger, at, &policy, &calendar) {
                    assert_eq!(
                        fingerprint(&ledger),
                        before,
                        "a sweep was refused ({e}) but changed the ledger"
                    );
                }
            }
            Op::Ask {
                ticket,
                actor,
                when,
                act,
            } => {
                let at = clock.at(*when);
                let ticket = pick(&TICKETS, *ticket);
                let action = action(act, at);
                let before = fingerprint(&ledger);
                if let Ok(who) = ledger.who_can(ticket, at, &action) {
                    for w in &who {
                        assert!(
                            ledger.can(ticket, w.as_str(), at, &action),
                            "{ticket} {action:?}: who_can lists {w} but can says no"
                        );
                    }
                    let actor = pick(&ACTORS, *actor);
                    if actor != "nobody" && ledger.can(ticket, actor, at, &action) {
                        assert!(
                            who.iter().any(|w| w.as_str() == actor),
                            "{ticket} {action:?}: {actor} can but who_can omits it: {who:?}"
                        );
                    }
                }
                assert_eq!(fingerprint(&ledger), before, "asking changed the ledger");
            }
        }
    }
    finish(&ledger);
});
