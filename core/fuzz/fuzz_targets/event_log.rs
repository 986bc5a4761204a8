//! Event logs: hash-chained JSON lines (`ticket::log`), read, verified and replayed.
//!
//! The bytes are read twice:
//! - **as they are**: `read_events` and `Ledger::load_jsonl` (checked and trusted, over the
//!   leak fixture). A log that verifies is written again by `LogWriter` into one that
//!   verifies to the same events; a ledger that loaded it writes a log that loads into a
//!   ledger with the same state; a load that fails part-way leaves a ledger whose own log
//!   still loads to the same state.
//! - **re-sealed**: each line that holds an event's fields (with or without `v` and
//!   `digest`) is read as an event, the events of each ticket are renumbered from 0, and the
//!   list is written with fresh digests. That log must verify to exactly those events, so
//!   that the fuzzer reaches the replay behind the hash chain.
#![no_main]

use std::collections::HashMap;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use wangge::ticket::log::{read_events, LogWriter};
use wangge::ticket::{Event, Ledger, Taxonomy, Trust};
use wangge_fuzz::{fingerprint, leak_hierarchy};

fn write(events: &[Event]) -> String {
    let mut w = LogWriter::new(Vec::new());
    for e in events {
        w.write(e).expect("writing to memory");
    }
    String::from_utf8(w.finish().expect("writing to memory")).expect("a log is UTF-8")
}

fn empty_ledger() -> Ledger {
    Ledger::new(Arc::new(leak_hierarchy()), Arc::new(Taxonomy::default()))
}

/// Loads `text` into a fresh ledger with `trust`; whatever was loaded (all of it, or the
/// events before a bad line) writes a log that loads into an equal ledger.
fn load(text: &str, trust: Trust) {
    let mut ledger = empty_ledger();
    let result = ledger.load_jsonl(text, trust);
    let log = ledger.to_jsonl();
    let mut back = empty_ledger();
    back.load_jsonl(&log, trust).unwrap_or_else(|e| {
        panic!("the log of a loaded ledger does not load ({trust:?}): {e}\n{log}")
    });
    assert_eq!(
        fingerprint(&back),
        fingerprint(&ledger),
        "log → ledger → log → ledger ({trust:?})"
    );
    if let Ok(n) = result {
        assert_eq!(n, ledger.event_count(), "events read and events kept");
    }
}

fn event_of(line: &str) -> Option<Event> {
    let mut value: Value = serde_json::from_str(line).ok()?;
    let object = value.as_object_mut()?;
    object.remove("v");
    object.remove("digest");
    wangge::document::read_value(value).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = wangge_fuzz::text(data) else {
        return;
    };
    if text.len() > 64 * 1024 {
        return;
    }
    // As it is.
    if let Ok(events) = read_events(text) {
        let again = write(&events);
        assert_eq!(read_events(&again).ok().as_ref(), Some(&events), "{again}");
    }
    load(text, Trust::Checked);
    load(text, Trust::History);

    // Re-sealed.
    let mut next: HashMap<String, u32> = HashMap::new();
    let mut events = Vec::new();
    for line in text.lines().take(256) {
        if let Some(mut e) = event_of(line) {
            let seq = next.entry(e.ticket.to_string()).or_insert(0);
            e.seq = *seq;
            *seq += 1;
            events.push(e);
        }
    }
    if events.is_empty() {
        return;
    }
    let sealed = write(&events);
    let read = read_events(&sealed)
        .unwrap_or_else(|e| panic!("a freshly written log does not verify: {e}\n{sealed}"));
    assert_eq!(read, events, "written and read events differ\n{sealed}");
    load(&sealed, Trust::Checked);
    load(&sealed, Trust::History);
    // Replaying the list directly gives what loading its log gives.
    let mut from_log = empty_ledger();
    let logged = from_log.load_jsonl(&sealed, Trust::History);
    let mut replayed = empty_ledger();
    let direct = replayed.replay_into(events, Trust::History);
    assert_eq!(logged.is_ok(), direct.is_ok(), "{logged:?} vs {direct:?}");
    assert_eq!(
        fingerprint(&from_log),
        fingerprint(&replayed),
        "load_jsonl vs replay_into"
    );
});
