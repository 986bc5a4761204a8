//! Division-code import (`Hierarchy::import_division_codes`).
//!
//! The input is a JSON array of `{"code", "name"}` rows (as the conformance cases give them)
//! or, if it is not one, CSV-like lines `code,name` (or `code<TAB>name`). The rows are
//! imported into an empty hierarchy and into the leak fixture, and:
//! - every row is either added or reported, once, with a 1-based row number, in row order;
//! - the hierarchy grows by exactly the rows added, each of which is a node afterwards;
//! - the result still round-trips through its JSON document;
//! - importing the same rows again adds nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wangge::hierarchy::{DivisionRow, Hierarchy};

fn rows_of(text: &str) -> Vec<DivisionRow> {
    if let Ok(rows) = serde_json::from_str::<Vec<DivisionRow>>(text) {
        return rows;
    }
    text.lines()
        .map(|line| {
            let (code, name) = line.split_once([',', '\t']).unwrap_or((line, ""));
            DivisionRow::new(code.trim(), name.trim())
        })
        .collect()
}

fn check(mut h: Hierarchy, rows: &[DivisionRow]) {
    let before = h.len();
    let report = h.import_division_codes(rows);
    assert_eq!(
        report.added.len() + report.errors.len(),
        rows.len(),
        "every row is added or reported: {report:?}"
    );
    assert_eq!(h.len(), before + report.added.len(), "{report:?}");
    for id in &report.added {
        assert!(
            h.node(id.as_str()).is_some(),
            "{id:?} was added but is not a node"
        );
    }
    let mut last = 0;
    for e in &report.errors {
        assert!(
            e.row > last && e.row <= rows.len(),
            "row numbers: {report:?}"
        );
        last = e.row;
    }
    let text = h.to_json();
    let back = Hierarchy::from_json(&text)
        .unwrap_or_else(|e| panic!("the imported hierarchy does not read back: {e}\n{text}"));
    assert_eq!(back.to_json(), text);
    let again = h.import_division_codes(rows);
    assert!(
        again.added.is_empty(),
        "a second import added {:?}",
        again.added
    );
    assert_eq!(h.to_json(), text, "a second import changed the hierarchy");
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = wangge_fuzz::text(data) else {
        return;
    };
    let rows = rows_of(text);
    if rows.len() > 256 {
        return;
    }
    check(Hierarchy::new(), &rows);
    check(wangge_fuzz::leak_hierarchy(), &rows);
});
