//! The versioned documents besides hierarchies and calendars (which have their own targets):
//! taxonomies, authorities, service policies, escalation policies, consultation rules and
//! rule specs, owners' and residents' rolls, forum records. The first byte picks the kind;
//! the rest is the document's JSON text.
//!
//! For every kind, a document that reads writes (`Document::to_json`) text that reads back to
//! a document writing the same text. Then, per kind:
//! - taxonomy: lookups by code and by index agree; the Open311 services list is built;
//! - authority: over the eight-state fixture, everyone `who_can` lists `can` act, and
//!   `why_not` is empty exactly when `can` holds;
//! - service policy: it validates, scales, and, attached to the fixture ledger with the
//!   standard calendar, sets deadlines that survive the log round trip (refused, it changes
//!   nothing);
//! - escalation policy: it validates; after a sweep of the fixture ledger (and a second one
//!   at the same instant) the ledger's log reloads, checked, into an equal ledger, and a
//!   refused sweep changes nothing;
//! - rules: they validate; a spec's rule round-trips; a roll's electorate is built; forum
//!   records give their statistics.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use wangge::calendar::Calendar;
use wangge::consultation::{ForumRecords, OwnerRoll, ResidentRoll, Rule, RuleSpec};
use wangge::document::Document;
use wangge::escalation::{self, EscalationPolicy};
use wangge::sla::{ServiceLevels, ServicePolicy};
use wangge::ticket::authority::Authority;
use wangge::ticket::{Action, Ledger, Priority, RequestType, Taxonomy, Trust};
use wangge_fuzz::{base_time, fingerprint, states_ledger, ACTORS, STATE_TICKETS};

fn round_trip<D: Document>(text: &str) -> Option<D> {
    let d = D::from_json(text).ok()?;
    let written = d.to_json();
    let back = D::from_json(&written).unwrap_or_else(|e| {
        panic!(
            "{}: the written document does not read: {e}\n{written}",
            D::FORMAT
        )
    });
    assert_eq!(
        back.to_json(),
        written,
        "{}: write → read → write",
        D::FORMAT
    );
    Some(d)
}

fn fixture() -> &'static Ledger {
    static FIXTURE: OnceLock<Ledger> = OnceLock::new();
    FIXTURE.get_or_init(states_ledger)
}

fn reloads(ledger: &Ledger, trust: Trust) {
    let log = ledger.to_jsonl();
    let mut back = Ledger::with_authority(
        ledger.hierarchy().clone(),
        ledger.taxonomy().clone(),
        ledger.authority().clone(),
    );
    back.load_jsonl(&log, trust)
        .unwrap_or_else(|e| panic!("the log does not reload ({trust:?}): {e}\n{log}"));
    assert_eq!(fingerprint(&back), fingerprint(ledger), "log round trip");
}

fn taxonomy(text: &str) {
    let Some(tx) = round_trip::<Taxonomy>(text) else {
        return;
    };
    for (i, c) in tx.categories().iter().enumerate() {
        assert_eq!(tx.get(&c.code).map(|x| &x.code), Some(&c.code));
        let index = tx.index(&c.code).expect("a category has an index");
        assert_eq!(usize::from(index), i, "{}", c.code);
        assert_eq!(tx.by_index(index).map(|x| &x.code), Some(&c.code));
    }
    let services = wangge::interop::open311::services(&tx);
    assert_eq!(services.len(), tx.len());
}

fn authority(text: &str) {
    let Some(a) = round_trip::<Authority>(text) else {
        return;
    };
    let pretty = Authority::from_json(&a.to_json_pretty())
        .unwrap_or_else(|e| panic!("the indented authority does not read: {e}"));
    assert_eq!(pretty.to_json(), a.to_json());
    let mut ledger = fixture().clone();
    ledger.set_authority(Arc::new(a));
    let at = base_time().plus_seconds(86_400);
    let actions = [
        Action::File,
        Action::Acknowledge,
        Action::Close,
        Action::Supervise { note: None },
        Action::Verify {
            passed: true,
            note: None,
        },
        Action::Dispatch {
            to: wangge_fuzz::GRID.parse().expect("a node id"),
        },
    ];
    for ticket in STATE_TICKETS {
        for action in &actions {
            let who = ledger
                .who_can(ticket, at, action)
                .expect("a fixture ticket");
            for actor in &who {
                assert!(
                    ledger.can(ticket, actor.as_str(), at, action),
                    "{ticket} {action:?}: who_can lists {actor} but can says no"
                );
            }
            for actor in ACTORS {
                let can = ledger.can(ticket, actor, at, action);
                assert_eq!(ledger.why_not(ticket, actor, at, action).is_none(), can);
                if can && actor != "nobody" {
                    assert!(
                        who.iter().any(|w| w.as_str() == actor),
                        "{ticket} {action:?}: {actor} can but who_can omits it: {who:?}"
                    );
                }
            }
        }
    }
}

fn service_policy(text: &str) {
    let Some(p) = round_trip::<ServicePolicy>(text) else {
        return;
    };
    assert_eq!(p.validate(), Ok(()), "a policy that reads is valid");
    for percent in [1, 50, 100, 250] {
        if let Ok(scaled) = p.scaled(percent) {
            let back = ServicePolicy::from_json(&scaled.to_json())
                .unwrap_or_else(|e| panic!("the policy scaled by {percent}% does not read: {e}"));
            assert_eq!(back.to_json(), scaled.to_json());
        }
    }
    for category in ["livelihood.repair", "event", "x"] {
        let _ = p.rule_for(category, Priority::default(), RequestType::default());
    }
    let mut ledger = fixture().clone();
    let levels = ServiceLevels {
        policy: p,
        calendar: Calendar::standard(),
    };
    let before = fingerprint(&ledger);
    if let Err(e) = ledger.set_service_levels(Some(Arc::new(levels)), base_time()) {
        assert_eq!(
            fingerprint(&ledger),
            before,
            "service levels were refused ({e}) but changed the ledger"
        );
    }
    reloads(&ledger, Trust::Checked);
}

fn escalation_policy(text: &str) {
    let Some(p) = round_trip::<EscalationPolicy>(text) else {
        return;
    };
    assert_eq!(p.validate(), Ok(()), "a policy that reads is valid");
    let calendar = Calendar::standard();
    let mut ledger = fixture().clone();
    let now = base_time().plus_seconds(30 * 86_400);
    let _ = escalation::evaluate(now, &ledger, &p, &calendar);
    for _ in 0..2 {
        let before = fingerprint(&ledger);
        if let Err(e) = escalation::sweep(&mut ledger, now, &p, &calendar) {
            assert_eq!(
                fingerprint(&ledger),
                before,
                "a sweep was refused ({e}) but changed the ledger"
            );
        }
        reloads(&ledger, Trust::Checked);
    }
}

fn rule(text: &str) {
    if let Some(r) = round_trip::<Rule>(text) {
        assert_eq!(r.validate(), Ok(()), "a rule that reads is valid");
        let _ = r.bases().count();
    }
}

fn rule_spec(text: &str) {
    let Ok(spec) = RuleSpec::from_json(text) else {
        return;
    };
    let Ok(r) = spec.rule() else {
        return;
    };
    let written = r.to_json();
    let back = Rule::from_json(&written)
        .unwrap_or_else(|e| panic!("the rule of a spec does not read: {e}\n{written}"));
    assert_eq!(back.to_json(), written);
}

fn owner_roll(text: &str) {
    let Some(roll) = round_trip::<OwnerRoll>(text) else {
        return;
    };
    let back = OwnerRoll::from_document(roll.to_document())
        .unwrap_or_else(|e| panic!("the roll's document does not read: {e}"));
    assert_eq!(back.to_json(), roll.to_json());
    let _ = roll.whole_electorate().map(|e| *e.totals());
}

fn resident_roll(text: &str) {
    let Some(roll) = round_trip::<ResidentRoll>(text) else {
        return;
    };
    let back = ResidentRoll::from_document(roll.to_document())
        .unwrap_or_else(|e| panic!("the roll's document does not read: {e}"));
    assert_eq!(back.to_json(), roll.to_json());
}

fn forum_records(text: &str) {
    let Some(records) = round_trip::<ForumRecords>(text) else {
        return;
    };
    let _ = records.stats(None, None);
    let _ = records.by_forum(None);
    let _ = records.by_month(None);
    let _ = records.ticket_resolutions();
    for f in records.forums() {
        let _ = records.stats(Some(f.id.as_str()), None);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((kind, rest)) = data.split_first() else {
        return;
    };
    let Some(text) = wangge_fuzz::text(rest) else {
        return;
    };
    match kind % 9 {
        0 => taxonomy(text),
        1 => authority(text),
        2 => service_policy(text),
        3 => escalation_policy(text),
        4 => rule(text),
        5 => rule_spec(text),
        6 => owner_roll(text),
        7 => resident_roll(text),
        _ => forum_records(text),
    }
});
