//! Action documents: `Action`, `NewTicket`, `Event` and `BulkAction` read from JSON (the
//! boundary reader `wangge::document::read_json`, as the bindings use it).
//!
//! - What reads writes JSON that reads back to an equal value (from text and from a value).
//! - An action that reads, wrapped in an event, survives the flat-row form
//!   (`table::event_to_row` → `table::event_from_row`).
//! - Against a ledger with a ticket in each of eight states: `can`, `why_not` and `check`
//!   agree for every actor; applying it (on a copy) succeeds exactly when `check` said so,
//!   with the state `check` predicted, and a refusal leaves the ledger exactly as it was.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wangge::document::{read_json, read_value};
use wangge::ticket::{table, Action, BulkAction, Event, Ledger, NewTicket};
use wangge_fuzz::{base_time, fingerprint, states_ledger, ACTORS, STATE_TICKETS};

fn round_trip<T>(text: &str) -> Option<T>
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let value: T = read_json(text).ok()?;
    let written = serde_json::to_string(&value).expect("a value read serializes");
    let back: T =
        read_json(&written).unwrap_or_else(|e| panic!("{written} does not read back: {e}"));
    assert_eq!(back, value, "{written}");
    let as_value = serde_json::to_value(&value).expect("a value read serializes");
    let back: T = read_value(as_value)
        .unwrap_or_else(|e| panic!("{written} does not read back as a value: {e}"));
    assert_eq!(back, value, "{written} (as a value)");
    Some(value)
}

fn fixture() -> &'static (Ledger, String) {
    static FIXTURE: OnceLock<(Ledger, String)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let l = states_ledger();
        let f = fingerprint(&l);
        (l, f)
    })
}

fn against_ledger(action: &Action, pick: usize) {
    let (ledger, print) = fixture();
    let at = base_time().plus_seconds(86_400);
    for (n, ticket) in STATE_TICKETS.iter().enumerate() {
        let key = ledger.key(ticket).expect("a fixture ticket");
        for actor in ACTORS {
            let checked = ledger
                .actor_key(actor)
                .and_then(|a| ledger.check(key, a, at, action));
            let can = ledger.can(ticket, actor, at, action);
            let why = ledger.why_not(ticket, actor, at, action);
            assert_eq!(
                can,
                checked.is_ok(),
                "{ticket} {actor} {action:?}: can {can} but check {checked:?}"
            );
            assert_eq!(
                why.is_none(),
                can,
                "{ticket} {actor} {action:?}: can {can} but why_not {why:?}"
            );
        }
        // Apply with one actor per ticket (a different one for each input).
        let actor = ACTORS[(pick + n) % ACTORS.len()];
        // `check` takes a resolved actor; `apply` resolves it after its own first checks.
        let checked = match ledger.actor_key(actor) {
            Ok(a) => ledger.check(key, a, at, action),
            Err(_) => Err(wangge::ticket::TicketError::UnknownActor {
                actor: actor.to_owned(),
            }),
        };
        let mut copy = ledger.clone();
        let applied = copy.apply(ticket, actor, at, action.clone());
        let unknown_actor = ledger.actor_key(actor).is_err();
        match (&checked, &applied) {
            (Err(_), Err(_)) if unknown_actor => assert_eq!(
                &fingerprint(&copy),
                print,
                "{ticket} {actor} {action:?}: a refused action changed the ledger"
            ),
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{ticket} {actor} {action:?}"),
            (Err(a), Err(b)) => {
                assert_eq!(a.code(), b.code(), "{ticket} {actor} {action:?}");
                assert_eq!(
                    &fingerprint(&copy),
                    print,
                    "{ticket} {actor} {action:?}: a refused action changed the ledger"
                );
            }
            _ => panic!("{ticket} {actor} {action:?}: check {checked:?} but apply {applied:?}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = wangge_fuzz::text(data) else {
        return;
    };
    if let Some(action) = round_trip::<Action>(text) {
        // A report's event is on the ticket it creates.
        let ticket = match &action {
            Action::Report(t) => t.id.clone(),
            _ => "T1".parse().expect("a ticket id"),
        };
        let event = Event {
            ticket,
            seq: 3,
            at: base_time(),
            actor: wangge::ticket::Actor::parse(wangge_fuzz::WORKER).expect("an actor"),
            action: action.clone(),
        };
        // The flat-row form is exact for what a ledger records (checked by `ledger_ops` and
        // `table_rows`); for any action, it is stable after one pass.
        if let Ok(once) = table::event_from_row(&table::event_to_row(&event), 0) {
            let row = table::event_to_row(&once);
            let twice = table::event_from_row(&row, 0)
                .unwrap_or_else(|e| panic!("the row of {once:?} does not read back: {e}\n{row:?}"));
            assert_eq!(twice, once, "row {row:?}");
        }
        against_ledger(&action, data.len());
    }
    round_trip::<NewTicket>(text);
    round_trip::<Event>(text);
    round_trip::<BulkAction>(text);
});
