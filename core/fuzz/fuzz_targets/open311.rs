//! Open311 GeoReport v2 import (`interop::open311::import`).
//!
//! The input is a JSON array of service requests (or one request). They are imported into
//! the eight-state fixture ledger, and:
//! - any text reads (`open311::read`, JSON or XML) to a document or a typed error;
//! - every request is imported, refused or found a duplicate of an earlier one, once; the
//!   ledger grows by the tickets imported;
//! - imported one at a time, a refused request changes nothing, and the outcome is that of
//!   importing them all at once;
//! - every imported ticket exports (`open311::request`) a service request that reads back as
//!   one, and that imports into an empty ledger as the same ticket (its reporter aside, which
//!   an export does not carry) with no field left unmapped.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use wangge::interop::open311::{self, ServiceRequest};
use wangge::ticket::{Ledger, Taxonomy};
use wangge_fuzz::{fingerprint, leak_hierarchy, states_ledger};

fn snapshot_without_reporter(ledger: &Ledger, id: &str) -> Value {
    let view = ledger.get(id).expect("an imported ticket");
    let mut v = serde_json::to_value(view.snapshot()).expect("a snapshot serializes");
    if let Some(o) = v.as_object_mut() {
        o.remove("reporter");
    }
    v
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = wangge_fuzz::text(data) else {
        return;
    };
    let _ = open311::read(text);
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let requests = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    if requests.len() > 64 {
        return;
    }
    let mut all = states_ledger();
    let before = all.len();
    let imported = open311::import(&mut all, &requests);
    assert_eq!(
        imported.tickets.len() + imported.errors.len() + imported.duplicates.len(),
        requests.len(),
        "{imported:?}"
    );
    assert_eq!(all.len(), before + imported.tickets.len());
    if !imported.duplicates.is_empty() {
        // One at a time, a repeated request is refused as a used id instead.
        return;
    }

    let mut one_by_one = states_ledger();
    let mut errors = Vec::new();
    for (i, request) in requests.iter().enumerate() {
        let print = fingerprint(&one_by_one);
        let r = open311::import(&mut one_by_one, std::slice::from_ref(request));
        if let Some(e) = r.errors.first().map(|e| &e.error) {
            assert_eq!(
                fingerprint(&one_by_one),
                print,
                "request {i} refused ({e}) changed the ledger"
            );
            // Refused requests are numbered from 1.
            errors.push((i + 1, e.code()));
        }
    }
    let batch: Vec<_> = imported
        .errors
        .iter()
        .map(|e| (e.row, e.error.code()))
        .collect();
    assert_eq!(batch, errors);
    assert_eq!(fingerprint(&one_by_one), fingerprint(&all));

    for id in &imported.tickets {
        let view = all.get(id.as_str()).expect("an imported ticket");
        let exported = open311::request(&all, &view);
        let value = serde_json::to_value(&exported).expect("a request serializes");
        let read: ServiceRequest = serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("an exported request does not read: {e}\n{value}"));
        assert_eq!(read, exported);
        let mut fresh = Ledger::new(Arc::new(leak_hierarchy()), Arc::new(Taxonomy::default()));
        let again = open311::import(&mut fresh, std::slice::from_ref(&value));
        assert!(
            again.errors.is_empty(),
            "an exported request does not import: {:?}\n{value}",
            again.errors
        );
        assert!(
            again.unmapped.is_empty(),
            "an exported request leaves fields unmapped: {:?}",
            again.unmapped
        );
        assert_eq!(
            snapshot_without_reporter(&fresh, id.as_str()),
            snapshot_without_reporter(&all, id.as_str()),
            "export → import changed the ticket"
        );
    }
});
