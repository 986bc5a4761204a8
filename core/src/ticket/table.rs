//! Flat rows: tickets and events as one-level records, for CSV files and data frames.
//!
//! An event row has the columns `ticket`, `at`, `actor` and `type` (the action), then the
//! action's own fields as columns (`to`, `reason`, `outcome`, `satisfaction`, …; a report row
//! carries the new ticket's `category`, `unit`, `channel`, …). Nested values (a reject
//! reason, a list of departments) are JSON text in their column; `departments` may also be a
//! `;`-separated list. Empty cells are absent values. `seq` may be given (it is checked) or
//! left out (events of a ticket are then taken in row order). `at` is the event's time, so
//! the `at` of a `recheck` action (when to look again) is the column `recheckAt`.
//!
//! ```
//! use std::sync::Arc;
//! use serde_json::json;
//! use wangge::hierarchy::{Hierarchy, NodeKind};
//! use wangge::ticket::{table, Ledger, Taxonomy};
//!
//! let mut h = Hierarchy::new();
//! h.add("c1", NodeKind::Community, "新建社区")?;
//! h.add("g1", NodeKind::Grid, "第一网格")?;
//! h.contain("c1", "g1")?;
//! h.add("zx", NodeKind::OperationsCentre, "网格化服务管理站")?;
//! h.supervise("zx", "c1")?;
//! let mut ledger = Ledger::new(Arc::new(h), Arc::new(Taxonomy::default()));
//! let rows = vec![
//!     json!({"ticket": "T1", "at": "2025-03-03T09:00:00+08:00", "actor": "g1", "type": "report",
//!            "category": "livelihood.parking", "unit": "g1"}),
//!     json!({"ticket": "T1", "at": "2025-03-03T09:04:00+08:00", "actor": "g1", "type": "file"}),
//!     json!({"ticket": "T1", "at": "2025-03-03T09:05:00+08:00", "actor": "zx", "type": "file"}),
//!     json!({"ticket": "T1", "at": "2025-03-03T09:06:00+08:00", "actor": "zx", "type": "visit"}),
//! ];
//! let rows: Vec<_> = rows.into_iter().filter_map(|r| r.as_object().cloned()).collect();
//! let bad = table::load(&mut ledger, &rows);
//! // Row 2: the grid may not file its own case (the supervising centre files it);
//! // row 4: a visit needs a satisfaction, and a filed ticket cannot be visited.
//! assert_eq!(bad.iter().map(|(row, e)| (*row, e.code())).collect::<Vec<_>>(),
//!            [(2, "ticket.unauthorized"), (4, "input.malformed")]);
//! assert_eq!(ledger.events("T1")?.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde_json::{Map, Value};

use super::{Event, Ledger, TicketSnapshot, Trust};
use crate::Error;

const ENVELOPE: [&str; 5] = ["ticket", "seq", "at", "actor", "type"];
/// The column of an action's own `at` (a `recheck`'s), which the envelope's `at` (the event's
/// time) would otherwise overwrite.
const ACTION_AT: &str = "recheckAt";
/// Whether a column of an action of this kind may hold JSON text: a reject's reason (an
/// object) and a whistle's departments (a list). Every other `reason` is text, read as it is
/// even when it looks like JSON.
fn json_column(kind: &str, key: &str) -> bool {
    match key {
        "departments" => true,
        "reason" => kind == "reject",
        _ => false,
    }
}

fn cell_to_value(kind: &str, key: &str, v: &Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s)
            if json_column(kind, key) && (s.starts_with('{') || s.starts_with('[')) =>
        {
            serde_json::from_str(s).ok().or_else(|| Some(v.clone()))
        }
        Value::String(s) if key == "departments" => Some(Value::Array(
            s.split(';')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(|x| Value::String(x.to_owned()))
                .collect(),
        )),
        Value::String(s) if matches!(key, "passed" | "granted" | "verifyFirst") => {
            match s.as_str() {
                "true" | "1" | "True" | "TRUE" => Some(Value::Bool(true)),
                "false" | "0" | "False" | "FALSE" => Some(Value::Bool(false)),
                _ => Some(v.clone()),
            }
        }
        Value::Number(n) if key == "seq" => Some(Value::Number(n.clone())),
        other => Some(other.clone()),
    }
}

/// Whether an action's field is a text it requires: an empty cell there is the empty text,
/// elsewhere an absent value.
pub(crate) fn required_text(kind: &str, key: &str) -> bool {
    matches!(
        (kind, key),
        ("handle", "outcome")
            | (
                "return" | "suspend" | "park" | "request_extension",
                "reason"
            )
            | ("record_refusal", "party")
    )
}

/// An event from a flat row. `seq` is used when the row has none.
pub fn event_from_row(row: &Map<String, Value>, seq: u32) -> Result<Event, Error> {
    let mut action = Map::new();
    let mut new_ticket = Map::new();
    let get = |k: &str| row.get(k).and_then(|v| cell_to_value("", k, v));
    let kind = get("type").unwrap_or(Value::Null);
    let kind_name = kind.as_str().unwrap_or("");
    for (k, v) in row {
        if ENVELOPE.contains(&k.as_str()) {
            continue;
        }
        // An empty cell is an absent value, except for a text the action requires (an
        // empty outcome or reason written out must read back as itself).
        let required_text = required_text(kind_name, k);
        let cell = match v {
            Value::String(s) if s.is_empty() && required_text => Some(Value::String(String::new())),
            _ => cell_to_value(kind_name, k, v),
        };
        if let Some(v) = cell {
            if kind == "report" {
                new_ticket.insert(k.clone(), v);
            } else if k == ACTION_AT {
                action.insert("at".to_owned(), v);
            } else {
                action.insert(k.clone(), v);
            }
        }
    }
    if kind == "report" {
        if let Some(id) = get("ticket") {
            new_ticket.insert("id".to_owned(), id);
        }
        action = new_ticket;
    }
    action.insert("type".to_owned(), kind);
    // An absent or empty `seq` takes the next position; one that is there must be a
    // position (a whole number from 0), never silently replaced.
    let seq = match get("seq") {
        None | Some(Value::Null) => seq,
        Some(v) => v
            .as_u64()
            .and_then(|s| u32::try_from(s).ok())
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            .ok_or_else(|| Error::Malformed {
                message: format!("seq must be a whole number from 0, not {v}"),
            })?,
    };
    let event = serde_json::json!({
        "ticket": get("ticket"),
        "seq": seq,
        "at": get("at"),
        "actor": get("actor"),
        "action": Value::Object(action),
    });
    read_event(event)
}

/// Reads an assembled event. Natively straight from the `Value` (about 1.4x faster loading
/// of flat rows); in WebAssembly from its JSON text, with the reader every other event goes
/// through, because reading a `Value` instantiates a second reader of every action field
/// (module size). The message is the same either way: the one `from_value` gives, without a
/// position in a text the row does not have.
#[cfg(not(target_arch = "wasm32"))]
fn read_event(event: Value) -> Result<Event, Error> {
    crate::strict_json::from_value(event).map_err(|e| Error::Malformed {
        message: e.to_string(),
    })
}

#[cfg(target_arch = "wasm32")]
fn read_event(event: Value) -> Result<Event, Error> {
    crate::strict_json::from_str(&event.to_string()).map_err(|e| Error::Malformed {
        message: crate::document::message(&e),
    })
}

/// An event as a flat row (the inverse of [`event_from_row`]; nested values become JSON
/// text, departments a `;`-separated list).
pub fn event_to_row(event: &Event) -> Map<String, Value> {
    let mut row = Map::new();
    row.insert("ticket".into(), Value::String(event.ticket.to_string()));
    row.insert("seq".into(), Value::from(event.seq));
    row.insert("at".into(), Value::String(event.at.to_string()));
    row.insert("actor".into(), Value::String(event.actor.to_string()));
    if let Ok(Value::Object(action)) = serde_json::to_value(&event.action) {
        for (k, v) in action {
            if k == "id" {
                continue;
            }
            let v = match (k.as_str(), v) {
                ("departments", Value::Array(items)) => Value::String(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(";"),
                ),
                (_, v @ (Value::Object(_) | Value::Array(_))) => Value::String(v.to_string()),
                (_, v) => v,
            };
            let k = if k == "at" { ACTION_AT.to_owned() } else { k };
            row.insert(k, v);
        }
    }
    row
}

/// A ticket snapshot as a flat row: deadlines as `deadline_<kind>` columns, summons as a
/// JSON text column.
pub fn ticket_to_row(t: &TicketSnapshot) -> Map<String, Value> {
    let mut row = match serde_json::to_value(t) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    if let Some(Value::Object(d)) = row.remove("deadlines") {
        for kind in ["acknowledge", "handle", "verify", "reply"] {
            let key = format!("deadline{}{}", &kind[..1].to_uppercase(), &kind[1..]);
            row.insert(key, d.get(kind).cloned().unwrap_or(Value::Null));
        }
    }
    if let Some(s) = row.remove("summons") {
        row.insert("summons".into(), Value::String(s.to_string()));
    } else {
        row.insert("summons".into(), Value::String("[]".into()));
    }
    for key in [
        "dispatcher",
        "reporter",
        "description",
        "endedAt",
        "satisfaction",
        "suspendedFrom",
        "mergedInto",
    ] {
        row.entry(key.to_owned()).or_insert(Value::Null);
    }
    row
}

/// Loads flat event rows into a ledger, replaying each as [`Ledger::replay_one`] does: the
/// lifecycle and the ledger's authority are checked (a row whose actor may not take its
/// action is refused). Every bad row is reported with its 1-based row number and error; good
/// rows are kept. A row without `seq` takes the next position in its ticket's log.
pub fn load(ledger: &mut Ledger, rows: &[Map<String, Value>]) -> Vec<(usize, Error)> {
    load_with(ledger, rows, Trust::Checked)
}

/// [`load`] with a chosen trust: [`Trust::History`] skips the authority checks (see
/// [`Trust`]).
pub fn load_with(
    ledger: &mut Ledger,
    rows: &[Map<String, Value>],
    trust: Trust,
) -> Vec<(usize, Error)> {
    let mut bad = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let ticket = row.get("ticket").and_then(Value::as_str).unwrap_or("");
        let next = ledger
            .get(ticket)
            .map(|v| u32::try_from(v.event_count()).unwrap_or(u32::MAX))
            .unwrap_or(0);
        let result = event_from_row(row, next)
            .and_then(|event| ledger.replay_event(&event, trust).map_err(Error::from));
        if let Err(e) = result {
            bad.push((i + 1, e));
        }
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The native reader (from the `Value`) and the WebAssembly one (from its text) give the
    /// same message for every kind of bad event, so that the runtimes agree.
    #[test]
    fn both_event_readers_give_the_same_message() {
        let good = serde_json::json!({
            "ticket": "T1", "seq": 0, "at": "2025-03-03T09:00:00+08:00", "actor": "g1",
            "action": {"type": "report", "category": "livelihood.repair", "unit": "g1"},
        });
        let mut cases = Vec::new();
        for (path, bad) in [
            (&["action", "type"][..], serde_json::json!("nonsense")),
            (&["action", "type"][..], serde_json::json!(5)),
            (&["action", "unit"][..], serde_json::json!(["g1"])),
            (&["action", "category"][..], serde_json::json!({"x": 1})),
            (&["action", "priority"][..], serde_json::json!("soon")),
            (&["action", "extra"][..], serde_json::json!(1)),
            (&["at"][..], serde_json::json!("yesterday")),
            (&["at"][..], serde_json::json!(1.5)),
            (&["seq"][..], serde_json::json!(-1)),
            (&["ticket"][..], serde_json::json!(null)),
            (&["actor"][..], serde_json::json!(true)),
        ] {
            let mut event = good.clone();
            let (last, parents) = path.split_last().unwrap();
            let mut at = &mut event;
            for p in parents {
                at = at.get_mut(*p).unwrap();
            }
            at.as_object_mut().unwrap().insert((*last).to_owned(), bad);
            cases.push(event);
        }
        for event in cases {
            let from_value = crate::strict_json::from_value::<Event>(event.clone())
                .unwrap_err()
                .to_string();
            let from_text = crate::strict_json::from_str::<Event>(&event.to_string())
                .map_err(|e| crate::document::message(&e))
                .unwrap_err();
            assert_eq!(from_value, from_text, "{event}");
        }
    }
}
