//! Vote records (`wangge.consultation.vote`, `Vote::replay`) over the 世纪新城 owners' roll
//! and hierarchy of the examples.
//!
//! A record that reads (strictly) and replays over the electorate of its scope gives a vote
//! whose own record reads back (JSON round trip) and replays to the same record; the vote's
//! outcome says it passed exactly when `passes` does, and so does its rule evaluated over
//! the vote's ballots; the running tally equals a recount; the outcome's JSON reads back.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use wangge::consultation::{Outcome, OwnerRoll, Vote, VoteRecord};
use wangge::document::read_json;
use wangge::hierarchy::Hierarchy;

fn fixture() -> &'static (Hierarchy, OwnerRoll) {
    static FIXTURE: OnceLock<(Hierarchy, OwnerRoll)> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let h = Hierarchy::from_json(include_str!(
            "../../../examples/data/shijixincheng.hierarchy.json"
        ))
        .expect("the example hierarchy reads");
        let roll = OwnerRoll::from_json(include_str!(
            "../../../examples/data/shijixincheng.roll.json"
        ))
        .expect("the example roll reads");
        (h, roll)
    })
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = wangge_fuzz::text(data) else {
        return;
    };
    let Ok(record) = read_json::<VoteRecord>(text) else {
        return;
    };
    let (h, roll) = fixture();
    let Ok(electorate) = roll.electorate(h, &record.scope) else {
        return;
    };
    let electorate = Arc::new(electorate);
    let Ok(vote) = Vote::replay(electorate.clone(), &record) else {
        return;
    };
    let own = vote.to_record();
    let json = serde_json::to_string(&own).expect("a record serializes");
    let back: VoteRecord =
        read_json(&json).unwrap_or_else(|e| panic!("a vote's record does not read: {e}\n{json}"));
    assert_eq!(back, own, "record JSON round trip");
    let again = Vote::replay(electorate.clone(), &own)
        .unwrap_or_else(|e| panic!("a vote's own record does not replay: {e}\n{json}"));
    assert_eq!(again.to_record(), own, "replay of the vote's record");

    let outcome = vote.outcome();
    assert_eq!(outcome.passed, vote.passes(), "outcome and passes");
    assert_eq!(vote.recount(), *vote.tally(), "running tally and recount");
    let evaluated = vote
        .rule()
        .evaluate(vote.electorate(), vote.cast_ballots())
        .unwrap_or_else(|e| panic!("the vote's rule does not evaluate its ballots: {e}"));
    assert_eq!(
        evaluated.passed, outcome.passed,
        "rule.evaluate and the vote's outcome"
    );
    let text = outcome.to_json();
    let read: Outcome =
        read_json(&text).unwrap_or_else(|e| panic!("an outcome does not read: {e}\n{text}"));
    assert_eq!(read, outcome, "outcome JSON round trip");
});
