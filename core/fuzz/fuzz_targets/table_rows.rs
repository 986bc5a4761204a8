//! Flat event rows (`ticket::table`): the CSV and data-frame loaders.
//!
//! The input is a JSON array of row objects or, if it is not one, CSV text: a header line of
//! column names and one row a line (comma-separated, `"…"` quoting with `""` for a quote),
//! every cell a string as a CSV reader gives it. The rows are loaded into the leak fixture
//! with a ticket in each of eight states, and:
//! - an event read from a row writes a row (`event_to_row`) that reads back to it;
//! - loading row by row, a refused row changes nothing, and the errors are those of loading
//!   all rows at once (`table::load_with`), which ends in the same ledger;
//! - the loaded ledger's log loads back into an equal ledger;
//! - every ticket writes a flat row (`ticket_to_row`).
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};
use wangge::ticket::{table, Ledger, Taxonomy, Trust};
use wangge_fuzz::{fingerprint, leak_hierarchy, states_ledger};

type Row = Map<String, Value>;

fn csv_line(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => cells.push(std::mem::take(&mut cell)),
            (_, c) => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

fn rows_of(text: &str) -> Vec<Row> {
    if let Ok(rows) = serde_json::from_str::<Vec<Row>>(text) {
        return rows;
    }
    let mut lines = text.lines();
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let header = csv_line(header);
    lines
        .map(|line| {
            header
                .iter()
                .cloned()
                .zip(csv_line(line).into_iter().map(Value::String))
                .collect()
        })
        .collect()
}

fn check(mut ledger: Ledger, rows: &[Row], trust: Trust) {
    let mut batch = ledger.clone();
    let batch_errors = table::load_with(&mut batch, rows, trust);
    let mut errors = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let before = fingerprint(&ledger);
        let bad = table::load_with(&mut ledger, std::slice::from_ref(row), trust);
        if let Some((n, e)) = bad.into_iter().next() {
            assert_eq!(n, 1);
            assert_eq!(
                fingerprint(&ledger),
                before,
                "row {} was refused ({e}) but changed the ledger",
                i + 1
            );
            errors.push((i + 1, e.code()));
        }
    }
    let batch_codes: Vec<_> = batch_errors.iter().map(|(n, e)| (*n, e.code())).collect();
    assert_eq!(batch_codes, errors, "one by one and all at once");
    assert_eq!(
        fingerprint(&batch),
        fingerprint(&ledger),
        "one by one and all at once"
    );
    let log = ledger.to_jsonl();
    let mut back = Ledger::new(ledger.hierarchy().clone(), ledger.taxonomy().clone());
    back.load_jsonl(&log, trust)
        .unwrap_or_else(|e| panic!("the log of the loaded ledger does not load: {e}\n{log}"));
    assert_eq!(fingerprint(&back), fingerprint(&ledger), "log round trip");
    for t in ledger.tickets() {
        let _ = table::ticket_to_row(&t.snapshot());
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = wangge_fuzz::text(data) else {
        return;
    };
    let rows = rows_of(text);
    if rows.is_empty() || rows.len() > 64 {
        return;
    }
    for row in &rows {
        if let Ok(event) = table::event_from_row(row, 0) {
            let written = table::event_to_row(&event);
            let back = table::event_from_row(&written, 0).unwrap_or_else(|e| {
                panic!("the row written for {event:?} does not read back: {e}\n{written:?}")
            });
            assert_eq!(back, event, "row {row:?} → event → row {written:?}");
        }
    }
    check(states_ledger(), &rows, Trust::Checked);
    check(
        Ledger::new(Arc::new(leak_hierarchy()), Arc::new(Taxonomy::default())),
        &rows,
        Trust::History,
    );
});
