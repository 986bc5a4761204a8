//! Real GeoReport v2 documents written by others (tests/open311/documents, sources in
//! tests/open311/SOURCES.md) import as tests/open311/manifest.json says, which
//! tests/open311/expect.py wrote from the documents without wangge. The Python and JS suites
//! run the same manifest.

use std::path::PathBuf;

use serde_json::Value;
use wangge::hierarchy::{Hierarchy, NodeKind};
use wangge::interop::open311::{
    import_services, import_services_text, import_text, read, services_named, Document,
    ImportOptions, Open311Error,
};
use wangge::ticket::{Ledger, TicketState};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/open311")
}

#[test]
fn every_real_document_imports_as_the_manifest_says() {
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("manifest.json")).unwrap())
            .unwrap();
    let documents = manifest["documents"].as_array().unwrap();
    assert!(documents.len() >= 10);
    for d in documents {
        let file = d["file"].as_str().unwrap();
        let text = std::fs::read_to_string(dir().join("documents").join(file)).unwrap();
        let kind = d["kind"].as_str().unwrap();
        let doc = read(&text);
        if kind == "malformed" {
            assert_eq!(doc.unwrap_err().code(), "open311.malformed", "{file}");
            continue;
        }
        let doc = doc.unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(doc.name(), kind, "{file}");
        match doc {
            Document::Requests(items) => {
                let services = import_services(&services_named(&items));
                assert!(services.errors.is_empty(), "{file}: {:?}", services.errors);
                assert_eq!(
                    services.taxonomy.categories().len() as u64,
                    d["services"].as_u64().unwrap()
                );
                let mut h = Hierarchy::new();
                h.add("city", NodeKind::City, "City").unwrap();
                let mut ledger = Ledger::new(h.into(), services.taxonomy.into());
                let options = ImportOptions {
                    default_unit: Some("city".parse().unwrap()),
                    local_offset: d["localOffset"].as_str().map(str::to_owned),
                    ..ImportOptions::default()
                };
                let imported = import_text(&mut ledger, &text, &options).unwrap();
                assert!(imported.errors.is_empty(), "{file}: {:?}", imported.errors);
                assert_eq!(
                    imported.tickets.len() as u64,
                    d["tickets"].as_u64().unwrap(),
                    "{file}"
                );
                assert_eq!(
                    imported.duplicates.len() as u64,
                    d["duplicates"].as_u64().unwrap(),
                    "{file}"
                );
                let closed = ledger
                    .tickets()
                    .filter(|v| v.state() == TicketState::Closed)
                    .count();
                assert_eq!(closed as u64, d["closed"].as_u64().unwrap(), "{file}");
                // Importing the same document again finds every ticket there already.
                let again = import_text(&mut ledger, &text, &options).unwrap();
                assert!(again.tickets.is_empty(), "{file}");
                assert!(
                    again
                        .errors
                        .iter()
                        .all(|e| e.error.code() == "open311.refused"),
                    "{file}"
                );
            }
            Document::Services(_) => {
                let services = import_services_text(&text).unwrap();
                assert!(services.errors.is_empty(), "{file}: {:?}", services.errors);
                assert_eq!(
                    services.taxonomy.categories().len() as u64,
                    d["services"].as_u64().unwrap(),
                    "{file}"
                );
            }
            Document::Errors(errors) => {
                let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
                let expected: Vec<&str> = d["codes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap())
                    .collect();
                assert_eq!(codes, expected, "{file}");
                let mut ledger = Ledger::new(Hierarchy::new().into(), Default::default());
                let refused =
                    import_text(&mut ledger, &text, &ImportOptions::default()).unwrap_err();
                assert!(
                    matches!(refused, Open311Error::ServerErrors { .. }),
                    "{file}"
                );
            }
            other => {
                let mut ledger = Ledger::new(Hierarchy::new().into(), Default::default());
                let refused =
                    import_text(&mut ledger, &text, &ImportOptions::default()).unwrap_err();
                assert_eq!(
                    refused.code(),
                    "open311.wrong_document",
                    "{file}: {other:?}"
                );
            }
        }
    }
}

#[test]
fn the_boston_list_keeps_what_it_cannot_map_and_says_what_it_assumed() {
    let text = std::fs::read_to_string(dir().join("documents/boston_requests_1000.json")).unwrap();
    let Document::Requests(items) = read(&text).unwrap() else {
        panic!()
    };
    let services = import_services(&services_named(&items));
    let mut h = Hierarchy::new();
    h.add("boston", NodeKind::City, "Boston").unwrap();
    let mut ledger = Ledger::new(h.into(), services.taxonomy.into());
    let options = ImportOptions {
        default_unit: Some("boston".parse().unwrap()),
        ..Default::default()
    };
    let imported = import_text(&mut ledger, &text, &options).unwrap();
    // The record without an id or a request time: a derived id, dated when it was updated.
    let derived: Vec<_> = imported
        .assumed
        .iter()
        .filter(|a| a.field == "service_request_id")
        .collect();
    assert_eq!(derived.len(), 1);
    assert!(derived[0].request.starts_with("open311-"));
    let v = ledger.get(&derived[0].request).unwrap();
    assert_eq!(
        v.reported_at(),
        "2019-12-25T15:18:26-05:00".parse().unwrap()
    );
    // Photos and notes are kept, as given.
    assert!(imported.unmapped.iter().any(|u| u.field == "media_url"));
    // A closed request's note is on its import event, and its export says it again.
    let closed = ledger
        .tickets()
        .find(|v| v.state() == TicketState::Closed)
        .unwrap();
    let request = wangge::interop::open311::request(&ledger, &closed);
    assert_eq!(request.status, "closed");
    let original = items
        .iter()
        .find(|r| r["service_request_id"] == closed.id().as_str())
        .unwrap();
    assert_eq!(
        request.status_notes.as_deref(),
        original["status_notes"].as_str()
    );
}
