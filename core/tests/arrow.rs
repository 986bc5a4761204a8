//! Arrow columns in and out (`wangge::arrow`, feature `arrow`). The round trip of every
//! action kind runs over the conformance corpus (`conformance.rs`, `arrow_round_trip`);
//! these tests check the schema, the lenient reader and the errors.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

mod common;

use std::sync::Arc;

use wangge::arrow::{arrow_array, arrow_schema};

use arrow_array::types::Int32Type;
use arrow_array::{
    ArrayRef, DictionaryArray, Int64Array, LargeStringArray, RecordBatch, StringArray,
    StringViewArray, TimestampMillisecondArray, TimestampSecondArray,
};
use common::*;
use serde_json::{Map, Value};
use wangge::arrow::{event_schema, events, load_events, ColumnError, EVENTS_FORMAT};
use wangge::ticket::{table, Action, Ledger, NewTicket, Trust};

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).unwrap()
}

fn texts(values: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

#[test]
fn the_export_has_the_documented_schema() {
    let mut l = ledger();
    l.report(
        NewTicket::new("T1", "livelihood.repair", BUILDING).unwrap(),
        WORKER,
        t(0),
    )
    .unwrap();
    l.apply("T1", CENTRE, t(1), Action::File).unwrap();
    let batches = events(&l, 1000).unwrap();
    assert_eq!(batches.len(), 1);
    let b = &batches[0];
    assert_eq!(b.schema(), event_schema());
    assert_eq!(b.schema().metadata()["wangge.format"], EVENTS_FORMAT.0);
    assert_eq!(b.schema().metadata()["wangge.version"], EVENTS_FORMAT.1);
    assert_eq!(b.num_rows(), 2);
    assert_eq!(b.num_columns(), 5 + 32);
    let kinds = b.column_by_name("type").unwrap();
    let kinds = kinds
        .as_any()
        .downcast_ref::<DictionaryArray<arrow_array::types::Int8Type>>()
        .unwrap();
    let names = kinds.downcast_dict::<StringArray>().unwrap();
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        [Some("report"), Some("file")]
    );
    let at = b.column_by_name("at").unwrap();
    let at = at.as_any().downcast_ref::<TimestampSecondArray>().unwrap();
    assert_eq!(at.timezone(), Some("+08:00"));
    assert_eq!(at.value(1), t(1).unix_seconds());
    // Only the report has a unit; the file row's is null.
    let unit = b.column_by_name("unit").unwrap();
    assert_eq!((unit.is_null(0), unit.is_null(1)), (false, true));
    let unit = unit
        .as_any()
        .downcast_ref::<DictionaryArray<Int32Type>>()
        .unwrap();
    let unit = unit.downcast_dict::<StringArray>().unwrap();
    assert_eq!(unit.into_iter().next().flatten(), Some(BUILDING));
}

#[test]
fn an_empty_ledger_exports_no_batch() {
    assert!(events(&ledger(), 1000).unwrap().is_empty());
}

/// Texts of every kind, RFC 3339 instants, integer `seq` and millisecond timestamps are
/// read; a bad row is reported with its number (counted on from `first_row`) and the error
/// the same row gets as a flat row, and the good rows are kept.
#[test]
fn the_reader_takes_other_types_and_reports_every_bad_row() {
    let at = [t(0), t(1), t(2), t(3), t(4)].map(|x| x.unix_seconds() * 1000);
    let cols: Vec<(&str, ArrayRef)> = vec![
        (
            "ticket",
            Arc::new(LargeStringArray::from(vec!["T1", "T1", "T1", "T2", "T1"])),
        ),
        (
            "at",
            Arc::new(TimestampMillisecondArray::from(at.to_vec()).with_timezone("Asia/Shanghai")),
        ),
        (
            "actor",
            Arc::new(StringViewArray::from(vec![
                WORKER, CENTRE, CENTRE, CENTRE, CENTRE,
            ])),
        ),
        (
            "type",
            texts(&[
                Some("report"),
                Some("file"),
                Some("fly"),
                Some("file"),
                Some("dispatch"),
            ]),
        ),
        (
            "seq",
            Arc::new(Int64Array::from(vec![Some(0), None, None, None, Some(2)])),
        ),
        (
            "category",
            texts(&[Some("livelihood.repair"), None, None, None, None]),
        ),
        ("unit", texts(&[Some(BUILDING), None, None, None, None])),
        ("to", texts(&[None, None, None, None, Some(GRID)])),
        ("note", Arc::new(arrow_array::NullArray::new(5))),
    ];
    let b = batch(cols.clone());
    let mut l = ledger();
    let bad = load_events(&mut l, &b, Trust::Checked, 100).unwrap();
    let got: Vec<(usize, &str)> = bad.iter().map(|(r, e)| (*r, e.code())).collect();
    assert_eq!(
        got,
        [(103, "input.malformed"), (104, "ticket.unknown_ticket")]
    );
    assert!(bad[0].1.to_string().contains("fly"), "{}", bad[0].1);
    assert_eq!(l.events("T1").unwrap().len(), 3);
    assert_eq!(l.get("T1").unwrap().state().as_str(), "dispatched");

    // The same rows as flat rows: the same verdicts.
    let mut flat = ledger();
    let rows: Vec<Map<String, Value>> = (0..b.num_rows())
        .map(|i| {
            let mut m = Map::new();
            for (name, col) in &cols {
                if col.is_valid(i) && col.data_type() != &arrow_schema::DataType::Null {
                    let v = match *name {
                        "at" => Value::String(
                            wangge::time::Timestamp::from_unix_seconds(at[i] / 1000)
                                .unwrap()
                                .to_string(),
                        ),
                        "seq" => {
                            Value::from(col.as_any().downcast_ref::<Int64Array>().unwrap().value(i))
                        }
                        "ticket" => Value::String(
                            col.as_any()
                                .downcast_ref::<LargeStringArray>()
                                .unwrap()
                                .value(i)
                                .into(),
                        ),
                        "actor" => Value::String(
                            col.as_any()
                                .downcast_ref::<StringViewArray>()
                                .unwrap()
                                .value(i)
                                .into(),
                        ),
                        _ => Value::String(
                            col.as_any()
                                .downcast_ref::<StringArray>()
                                .unwrap()
                                .value(i)
                                .into(),
                        ),
                    };
                    m.insert((*name).to_owned(), v);
                }
            }
            m
        })
        .collect();
    let flat_bad = table::load(&mut flat, &rows);
    let flat_got: Vec<(usize, String)> = flat_bad
        .iter()
        .map(|(r, e)| (r + 100, e.to_string()))
        .collect();
    let arrow_got: Vec<(usize, String)> = bad.iter().map(|(r, e)| (*r, e.to_string())).collect();
    assert_eq!(arrow_got, flat_got);
    assert_eq!(
        flat.all_events().collect::<Vec<_>>(),
        l.all_events().collect::<Vec<_>>()
    );
}

/// Dictionary-encoded ids (as `events` writes them), with bad actors and tickets among good
/// rows: the loader resolves each dictionary value once, and must still give each row the
/// flat-row reader's verdict, message for message.
#[test]
fn dictionary_ids_give_the_flat_rows_verdicts() {
    type R = (
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
    );
    let rows: [R; 12] = [
        ("T1", WORKER, "report", Some(BUILDING)),
        ("T9", CENTRE, "file", None), // a ticket the ledger does not have
        ("T1", "nobody", "file", None), // an actor the hierarchy lacks
        ("T1", CENTRE, "file", None),
        ("bad id!", CENTRE, "file", None), // not a ticket id at all
        ("T2", WORKER, "report", Some(BUILDING)),
        ("T1", "nobody", "acknowledge", None),
        ("T2", "no such!", "file", None), // not an actor id at all
        ("T2", CENTRE, "file", None),
        ("T1", CENTRE, "dispatch", None), // no target
        ("T9", WORKER, "report", Some("nowhere")),
        ("T2", CENTRE, "file", None), // filed twice
    ];
    let n = rows.len();
    let at: Vec<i64> = (0..n).map(|i| t(i as i64).unix_seconds()).collect();
    let dict = |f: fn(&R) -> &'static str| -> ArrayRef {
        Arc::new(rows.iter().map(f).collect::<DictionaryArray<Int32Type>>())
    };
    let unit: Vec<Option<&str>> = rows.iter().map(|r| r.3).collect();
    let category: Vec<Option<&str>> = rows
        .iter()
        .map(|r| (r.2 == "report").then_some("livelihood.repair"))
        .collect();
    let b = batch(vec![
        ("ticket", dict(|r| r.0)),
        (
            "at",
            Arc::new(TimestampSecondArray::from(at.clone()).with_timezone("+08:00")),
        ),
        ("actor", dict(|r| r.1)),
        ("type", dict(|r| r.2)),
        (
            "unit",
            Arc::new(unit.iter().copied().collect::<DictionaryArray<Int32Type>>()),
        ),
        ("category", texts(&category)),
    ]);
    let mut l = ledger();
    let bad = load_events(&mut l, &b, Trust::Checked, 0).unwrap();
    let rows: Vec<Map<String, Value>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut m = Map::new();
            m.insert("ticket".into(), r.0.into());
            m.insert(
                "at".into(),
                wangge::time::Timestamp::from_unix_seconds(at[i])
                    .unwrap()
                    .to_string()
                    .into(),
            );
            m.insert("actor".into(), r.1.into());
            m.insert("type".into(), r.2.into());
            if let Some(u) = r.3 {
                m.insert("unit".into(), u.into());
            }
            if let Some(c) = category[i] {
                m.insert("category".into(), c.into());
            }
            m
        })
        .collect();
    let mut flat = ledger();
    let flat_bad = table::load(&mut flat, &rows);
    let show = |bad: &[(usize, wangge::Error)]| -> Vec<(usize, String)> {
        bad.iter()
            .map(|(r, e)| (*r, format!("{}: {e}", e.code())))
            .collect()
    };
    assert_eq!(show(&bad), show(&flat_bad));
    assert_eq!(bad.len(), 8, "{:?}", show(&bad));
    assert_eq!(
        flat.all_events().collect::<Vec<_>>(),
        l.all_events().collect::<Vec<_>>()
    );
}

#[test]
fn a_fraction_of_a_second_is_refused_by_row() {
    let cols: Vec<(&str, ArrayRef)> = vec![
        ("ticket", texts(&[Some("T1")])),
        (
            "at",
            Arc::new(
                TimestampMillisecondArray::from(vec![t(0).unix_seconds() * 1000 + 500])
                    .with_timezone("+08:00"),
            ),
        ),
        ("actor", texts(&[Some(WORKER)])),
        ("type", texts(&[Some("report")])),
        ("category", texts(&[Some("livelihood.repair")])),
        ("unit", texts(&[Some(BUILDING)])),
    ];
    let mut l = ledger();
    let bad = load_events(&mut l, &batch(cols), Trust::Checked, 0).unwrap();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].0, 1);
    assert!(
        bad[0].1.to_string().contains("fraction of a second"),
        "{}",
        bad[0].1
    );
    assert_eq!(l.len(), 0);
}

#[test]
fn unreadable_tables_are_refused_whole() {
    let mut l = ledger();
    let no_actor = batch(vec![
        ("ticket", texts(&[Some("T1")])),
        ("at", texts(&[Some("2025-03-03T09:00:00+08:00")])),
        ("type", texts(&[Some("report")])),
    ]);
    let e = load_events(&mut l, &no_actor, Trust::Checked, 0).unwrap_err();
    assert_eq!(
        e,
        ColumnError::MissingColumn {
            column: "actor".into()
        }
    );
    assert_eq!(e.code(), "input.missing_column");
    let naive = batch(vec![
        ("ticket", texts(&[Some("T1")])),
        ("at", Arc::new(TimestampSecondArray::from(vec![0]))),
        ("actor", texts(&[Some(WORKER)])),
        ("type", texts(&[Some("report")])),
    ]);
    let e = load_events(&mut l, &naive, Trust::Checked, 0).unwrap_err();
    assert_eq!(e.code(), "input.column_type");
    assert!(
        e.to_string().contains("`at`") && e.to_string().contains("time zone"),
        "{e}"
    );
    let floats = batch(vec![
        ("ticket", texts(&[Some("T1")])),
        ("at", texts(&[Some("2025-03-03T09:00:00+08:00")])),
        ("actor", texts(&[Some(WORKER)])),
        ("type", texts(&[Some("report")])),
        (
            "priority",
            Arc::new(arrow_array::Float64Array::from(vec![1.0])),
        ),
    ]);
    let e = load_events(&mut l, &floats, Trust::Checked, 0).unwrap_err();
    assert!(
        matches!(&e, ColumnError::UnsupportedType { column, .. } if column == "priority"),
        "{e}"
    );
    assert_eq!(l.len(), 0);
    let err: wangge::Error = e.into();
    assert_eq!(err.code(), "input.column_type");
    assert_eq!(err.details()["column"], "priority");
}

/// A ledger's export read back, in batches, gives the same ledger; a second load of the
/// same batches is refused row by row (the tickets exist) and changes nothing.
#[test]
fn batches_read_back_and_a_second_load_changes_nothing() {
    let mut l = ledger();
    for i in 0..50 {
        let id = format!("T{i}");
        l.report(
            NewTicket::new(&id, "livelihood.repair", BUILDING).unwrap(),
            WORKER,
            t(i),
        )
        .unwrap();
        l.apply(&id, CENTRE, t(i + 1), Action::File).unwrap();
        l.apply(
            &id,
            CENTRE,
            t(i + 2),
            Action::Dispatch {
                to: GRID.parse().unwrap(),
            },
        )
        .unwrap();
    }
    let batches = events(&l, 40).unwrap();
    assert!(batches.len() > 2);
    assert!(
        batches.iter().all(|b| b.num_rows() % 3 == 0),
        "a ticket's events stay in one batch"
    );
    let mut copy = Ledger::new(l.hierarchy().clone(), l.taxonomy().clone());
    let mut first = 0;
    for b in &batches {
        assert!(load_events(&mut copy, b, Trust::Checked, first)
            .unwrap()
            .is_empty());
        first += b.num_rows();
    }
    assert_eq!(copy.to_jsonl(), l.to_jsonl());
    let bad = load_events(&mut copy, &batches[0], Trust::Checked, 0).unwrap();
    assert_eq!(bad.len(), batches[0].num_rows());
    assert_eq!(copy.to_jsonl(), l.to_jsonl());
}

/// One row per ticket, in insertion order, with the documented schema; a ticket's instants
/// and counts are its snapshot's.
#[test]
fn the_tickets_batch_has_one_row_per_ticket() {
    let mut l = ledger();
    for i in 0..3 {
        let id = format!("T{i}");
        l.report(
            NewTicket::new(&id, "livelihood.repair", BUILDING).unwrap(),
            WORKER,
            t(i),
        )
        .unwrap();
    }
    l.apply("T1", CENTRE, t(5), Action::File).unwrap();
    let b = wangge::arrow::tickets(&l).unwrap();
    assert_eq!(b.schema(), wangge::arrow::ticket_schema());
    assert_eq!(b.schema().metadata()["wangge.format"], "wangge.tickets");
    assert_eq!(b.num_rows(), 3);
    let ids = b.column_by_name("id").unwrap();
    let ids = ids.as_any().downcast_ref::<StringArray>().unwrap();
    assert_eq!(
        ids.iter().collect::<Vec<_>>(),
        [Some("T0"), Some("T1"), Some("T2")]
    );
    let updated = b.column_by_name("updatedAt").unwrap();
    let updated = updated
        .as_any()
        .downcast_ref::<TimestampSecondArray>()
        .unwrap();
    assert_eq!(updated.value(1), t(5).unix_seconds());
    let events = b.column_by_name("events").unwrap();
    let events = events
        .as_any()
        .downcast_ref::<arrow_array::UInt32Array>()
        .unwrap();
    assert_eq!(events.values().to_vec(), [1, 2, 1]);
    assert!(b.column_by_name("endedAt").unwrap().is_null(0));
}
