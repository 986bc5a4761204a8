//! Importing Open311 GeoReport v2 requests as real servers write them: numbers for ids and
//! codes, a single object, units found from `lat`/`long` through the hierarchy's boundaries
//! or a default, and `agency_responsible` as free text.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use std::sync::Arc;

use serde_json::json;
use wangge::geo::CoordSystem;
use wangge::hierarchy::{Boundary, Hierarchy, NodeKind};
use wangge::interop::open311::{import, import_document, ImportOptions};
use wangge::ticket::{Category, Ledger, Taxonomy};

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Boundary {
    Boundary::polygon(vec![vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]])
}

/// A community with two grids drawn on a GCJ-02 map, and a taxonomy with a numeric code.
fn ledger() -> Ledger {
    let mut h = Hierarchy::with_coordinate_system(CoordSystem::Gcj02);
    h.add("c1", NodeKind::Community, "新建社区").unwrap();
    h.add("g1", NodeKind::Grid, "第一网格").unwrap();
    h.add("g2", NodeKind::Grid, "第二网格").unwrap();
    h.contain("c1", "g1").unwrap();
    h.contain("c1", "g2").unwrap();
    h.set_boundary("c1", Some(rect(116.40, 39.90, 116.42, 39.92)))
        .unwrap();
    h.set_boundary("g1", Some(rect(116.40, 39.90, 116.41, 39.92)))
        .unwrap();
    h.set_boundary("g2", Some(rect(116.41, 39.90, 116.42, 39.92)))
        .unwrap();
    let mut categories = Taxonomy::default().categories().to_vec();
    categories.push(Category {
        code: "001".into(),
        name: "Cans left out 24x7".into(),
        name_en: "Cans left out 24x7".into(),
    });
    Ledger::new(Arc::new(h), Arc::new(Taxonomy::new(categories).unwrap()))
}

#[test]
fn the_specifications_example_with_numbers_and_coordinates() {
    let mut l = ledger();
    // GeoReport v2's GET /requests example, numbers as the specification writes them, placed
    // in g2 by its coordinates (WGS-84: GCJ-02 is some 600 m east and 100 m north here).
    let wgs = wangge::geo::MapPoint::new(CoordSystem::Gcj02, 39.91, 116.415)
        .unwrap()
        .to(CoordSystem::Wgs84);
    let request = json!({
        "service_request_id": 638344, "status": "closed", "status_notes": "Duplicate request.",
        "service_name": "Sidewalk and Curb Issues", "service_code": "001",
        "description": null, "agency_responsible": null, "service_notice": null,
        "requested_datetime": "2010-04-14T06:37:38-08:00",
        "updated_datetime": "2010-04-14T06:37:38-08:00", "expected_datetime": "2010-04-15T06:37:38-08:00",
        "address": "8TH AVE and JUDAH ST", "address_id": 545483, "zipcode": 94122,
        "lat": wgs.lat, "long": wgs.lng, "media_url": "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"
    });
    let imported = import_document(&mut l, &request, &ImportOptions::default()).unwrap();
    assert!(imported.errors.is_empty(), "{imported:?}");
    assert_eq!(imported.tickets[0].as_str(), "638344");
    let v = l.get("638344").unwrap();
    assert_eq!(l.hierarchy().id(v.unit()).unwrap().as_str(), "g2");
    // Closed as the server says, the note and the expected time kept.
    assert_eq!(v.state(), wangge::ticket::TicketState::Closed);
    assert_eq!(
        v.deadlines().reply,
        Some("2010-04-15T06:37:38-08:00".parse().unwrap())
    );
    let last = v.events().last().unwrap();
    assert_eq!(
        last.action,
        wangge::ticket::Action::Import {
            state: wangge::ticket::TicketState::Closed,
            status: "closed".into(),
            note: Some("Duplicate request.".into())
        }
    );
    assert_eq!(last.actor, wangge::ticket::Actor::System);
    // What the ticket does not carry is listed, the foreign address id and the point too.
    let fields: Vec<&str> = imported.unmapped.iter().map(|u| u.field.as_str()).collect();
    for f in ["address_id", "lat", "long", "media_url", "zipcode"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    for f in [
        "status",
        "status_notes",
        "expected_datetime",
        "updated_datetime",
    ] {
        assert!(!fields.contains(&f), "{f} in {fields:?}");
    }
}

#[test]
fn agencies_as_text_defaults_and_refusals() {
    let mut l = ledger();
    let requests = json!([
        // An agency that is not one of our nodes is kept as text, not a refusal.
        {"service_request_id": "A1", "service_code": "001", "address_id": "g1",
         "agency_responsible": "Public Works Department", "requested_datetime": "2025-03-04T10:00:00.123+08:00"},
        // An agency that is ours holds the ticket.
        {"service_request_id": "A2", "service_code": "001", "address_id": "g1",
         "agency_responsible": "c1", "requested_datetime": "2025-03-04T10:00:00Z"},
        // Nowhere to place it: refused, naming what it had.
        {"service_request_id": "A3", "service_code": "001", "address": "somewhere",
         "requested_datetime": "2025-03-04T10:00:00Z"},
        // Coordinates outside every boundary and no default: refused.
        {"service_request_id": "A4", "service_code": "001", "lat": "10.0", "long": "10.0",
         "requested_datetime": "2025-03-04T10:00:00Z"}
    ]);
    let imported = import(&mut l, requests.as_array().unwrap());
    assert_eq!(imported.tickets.len(), 2);
    let agency = imported
        .unmapped
        .iter()
        .find(|u| u.request.as_deref() == Some("A1") && u.field == "agency_responsible")
        .unwrap();
    assert_eq!(agency.value, "Public Works Department");
    assert_eq!(
        l.hierarchy()
            .id(l.get("A2").unwrap().holder())
            .unwrap()
            .as_str(),
        "c1"
    );
    let errors: Vec<(usize, &str, String)> = imported
        .errors
        .iter()
        .map(|e| (e.row, e.error.code(), e.error.to_string()))
        .collect();
    assert_eq!(errors[0].0, 3);
    assert_eq!(errors[0].1, "open311.invalid_field");
    assert!(
        errors[0].2.starts_with(r#"address "somewhere""#),
        "{errors:?}"
    );
    assert_eq!(errors[1].0, 4);
    assert!(
        errors[1].2.starts_with(r#"lat/long "10, 10""#),
        "{errors:?}"
    );
    // With a default unit, both land there.
    let options = ImportOptions {
        default_unit: Some("c1".parse().unwrap()),
        ..ImportOptions::default()
    };
    let again = json!([requests[2].clone(), requests[3].clone()]);
    let imported = import_document(&mut l, &again, &options).unwrap();
    assert!(imported.errors.is_empty(), "{imported:?}");
    assert_eq!(
        l.hierarchy()
            .id(l.get("A3").unwrap().unit())
            .unwrap()
            .as_str(),
        "c1"
    );
}

#[test]
fn an_import_is_the_systems_and_only_right_after_the_report() {
    use wangge::ticket::{Action, TicketState};
    let mut l = ledger();
    let at = |s: &str| -> wangge::time::Timestamp { s.parse().unwrap() };
    let mut t = wangge::ticket::NewTicket::new("I1", "001", "g1").unwrap();
    t.holder = None;
    l.report(t, "@system", at("2025-03-04T10:00:00+08:00"))
        .unwrap();
    let close = Action::Import {
        state: TicketState::Closed,
        status: "closed".into(),
        note: None,
    };
    let before = serde_json::to_value(l.get("I1").unwrap().snapshot()).unwrap();
    // Nobody but the host system imports a state: not the unit that holds the case.
    let e = l
        .apply("I1", "c1", at("2025-03-04T11:00:00+08:00"), close.clone())
        .unwrap_err();
    assert_eq!(e.code(), "ticket.unauthorized");
    // A state that needs data an import does not carry is refused.
    let e = l
        .apply(
            "I1",
            "@system",
            at("2025-03-04T11:00:00+08:00"),
            Action::Import {
                state: TicketState::Suspended,
                status: "on hold".into(),
                note: None,
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), "ticket.illegal_transition");
    assert_eq!(
        serde_json::to_value(l.get("I1").unwrap().snapshot()).unwrap(),
        before
    );
    // Once something has happened to the ticket here, its state is this ledger's.
    l.apply(
        "I1",
        "@system",
        at("2025-03-04T11:00:00+08:00"),
        Action::Supervise { note: None },
    )
    .unwrap();
    let e = l
        .apply("I1", "@system", at("2025-03-04T12:00:00+08:00"), close)
        .unwrap_err();
    assert_eq!(e.code(), "ticket.illegal_transition");
    assert_eq!(l.get("I1").unwrap().state(), TicketState::Reported);
}

#[test]
fn service_lists_keep_dotted_codes_with_their_parents() {
    use wangge::interop::open311::import_services;
    let services = json!([
        {"service_code": "a", "service_name": "A", "type": "realtime"},
        {"service_code": "a.b", "service_name": "A/B", "type": "realtime"},
        {"service_code": "c.d", "service_name": "C/D", "group": "Roads", "type": "realtime"},
        {"service_code": "a.b", "service_name": "again", "type": "realtime"},
        {"service_code": "bad code", "service_name": "?", "type": "realtime"}
    ]);
    let out = import_services(services.as_array().unwrap());
    let codes: Vec<(&str, &str)> = out
        .taxonomy
        .categories()
        .iter()
        .map(|c| (c.code.as_str(), c.name.as_str()))
        .collect();
    assert_eq!(
        codes,
        [("a", "A"), ("a.b", "A/B"), ("c", "Roads"), ("c.d", "C/D")]
    );
    let rows: Vec<usize> = out.errors.iter().map(|e| e.row).collect();
    assert_eq!(rows, [4, 5]);
}
