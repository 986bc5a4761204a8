//! Arrow columns in and out (feature `arrow`): a ledger's events and tickets as Arrow record
//! batches, and a ledger loaded from events.
//!
//! Analysts hold hotline and grid data by the tens of millions of events; Arrow is how
//! pandas, polars, DuckDB and Parquet exchange such tables without copying them. The core
//! stays free of I/O: it builds and reads record batches; writing Parquet, or handing the
//! batches to Python through the Arrow C stream interface, is the caller's (the Python
//! binding does the latter).
//!
//! # The events schema (`wangge.events`, version 1)
//! One row per event, in ticket then sequence order. The columns are those of a flat row
//! ([`crate::ticket::table`]), typed:
//!
//! | column | Arrow type |
//! |---|---|
//! | `ticket`, `actor` | dictionary (`int32` keys) of UTF-8 |
//! | `seq` | `uint32` |
//! | `at` and the action's instants (`until`, `signBy`, `reportBy`, `due`, `breach`, `recheckAt`) | `timestamp[s, tz=+08:00]` |
//! | `type` and the action's enumerations (`channel`, `priority`, `requestType`, `satisfaction`, `deadline`, `state`) | dictionary (`int8` keys) of UTF-8, the snake_case names |
//! | nodes (`unit`, `holder`, `to`, `returnTo`, `department`, `subject`) and `category` | dictionary (`int32` keys) of UTF-8 |
//! | `verifyFirst`, `passed`, `granted` | `bool` |
//! | texts (`reporter`, `description`, `reason`, `note`, `outcome`, `into`, `departments`, `party`, `rule`, `status`) | UTF-8 |
//!
//! A column is null where the event's action has no such field. As in a flat row, a
//! reject's reason is JSON text and a whistle's departments a `;`-separated list. The
//! schema's metadata carries `wangge.format` = `wangge.events` and `wangge.version` = `1`.
//!
//! Reading ([`load_events`]) is more lenient: any subset of the columns, in any order;
//! texts as UTF-8, large UTF-8, string views or dictionaries of them; instants as
//! timestamps of any unit with a time zone, or RFC 3339 text; `seq` as any integer type or
//! absent. Each row is read as a flat row is, with the same errors.
//!
//! ```
//! use std::sync::Arc;
//! use wangge::hierarchy::{Hierarchy, NodeKind};
//! use wangge::ticket::{Action, Ledger, NewTicket, Taxonomy, Trust};
//! use wangge::time::Timestamp;
//!
//! let mut h = Hierarchy::new();
//! h.add("c1", NodeKind::Community, "新建社区")?;
//! h.add("g1", NodeKind::Grid, "第一网格")?;
//! h.contain("c1", "g1")?;
//! let (h, tax) = (Arc::new(h), Arc::new(Taxonomy::default()));
//! let mut ledger = Ledger::new(h.clone(), tax.clone());
//! let t: Timestamp = "2025-03-03T09:00:00+08:00".parse()?;
//! ledger.report(NewTicket::new("T1", "livelihood.parking", "g1")?, "g1", t)?;
//!
//! let batches = wangge::arrow::events(&ledger, 1 << 20)?;
//! assert_eq!(batches[0].num_rows(), 1);
//! let mut copy = Ledger::new(h, tax);
//! let bad = wangge::arrow::load_events(&mut copy, &batches[0], Trust::Checked, 0)?;
//! assert!(bad.is_empty());
//! assert_eq!(copy.events("T1")?, ledger.events("T1")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field as ArrowField, Schema, SchemaRef, TimeUnit};

use crate::ticket::{
    ActionKind, Channel, DeadlineKind, Ledger, Priority, RequestType, Satisfaction, TicketState,
};

pub(crate) mod columns;
mod load;
mod tickets;

pub use load::{load_events, ColumnError};
pub use tickets::{ticket_schema, tickets, TICKETS_FORMAT};
/// The Arrow crates this module's signatures use (their versions are part of this API): build
/// and read batches with these to be sure of the same types.
pub use {arrow_array, arrow_schema};

/// The time zone of every instant column: China time.
pub(crate) const ZONE: &str = "+08:00";

/// The name and version of the events schema, in its metadata.
pub const EVENTS_FORMAT: (&str, &str) = ("wangge.events", "1");

/// The enumerations an action field may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Vocab {
    Channel,
    Priority,
    RequestType,
    Satisfaction,
    Deadline,
    State,
}

impl Vocab {
    fn names(self) -> Vec<&'static str> {
        match self {
            Vocab::Channel => Channel::ALL.iter().map(|v| v.as_str()).collect(),
            Vocab::Priority => Priority::ALL.iter().map(|v| v.as_str()).collect(),
            Vocab::RequestType => RequestType::ALL.iter().map(|v| v.as_str()).collect(),
            Vocab::Satisfaction => Satisfaction::ALL.iter().map(|v| v.as_str()).collect(),
            Vocab::Deadline => DeadlineKind::ALL.iter().map(|v| v.as_str()).collect(),
            Vocab::State => TicketState::ALL.iter().map(|v| v.as_str()).collect(),
        }
    }
}

/// How an action field is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Node,
    Category,
    Enum(Vocab),
    Time,
    Flag,
    Text,
}

/// The action fields' columns, in [`columns::Field`] order.
pub(crate) const FIELDS: [(&str, Kind); 32] = [
    ("category", Kind::Category),
    ("channel", Kind::Enum(Vocab::Channel)),
    ("unit", Kind::Node),
    ("holder", Kind::Node),
    ("reporter", Kind::Text),
    ("priority", Kind::Enum(Vocab::Priority)),
    ("requestType", Kind::Enum(Vocab::RequestType)),
    ("verifyFirst", Kind::Flag),
    ("description", Kind::Text),
    ("reason", Kind::Text),
    ("note", Kind::Text),
    ("to", Kind::Node),
    ("outcome", Kind::Text),
    ("passed", Kind::Flag),
    ("satisfaction", Kind::Enum(Vocab::Satisfaction)),
    ("until", Kind::Time),
    ("granted", Kind::Flag),
    ("into", Kind::Text),
    ("returnTo", Kind::Node),
    ("departments", Kind::Text),
    ("signBy", Kind::Time),
    ("reportBy", Kind::Time),
    ("department", Kind::Node),
    ("party", Kind::Text),
    ("deadline", Kind::Enum(Vocab::Deadline)),
    ("due", Kind::Time),
    ("rule", Kind::Text),
    ("breach", Kind::Time),
    ("subject", Kind::Node),
    ("recheckAt", Kind::Time),
    ("state", Kind::Enum(Vocab::State)),
    ("status", Kind::Text),
];

fn time_type() -> DataType {
    DataType::Timestamp(TimeUnit::Second, Some(ZONE.into()))
}

fn dictionary(key: DataType) -> DataType {
    DataType::Dictionary(Box::new(key), Box::new(DataType::Utf8))
}

/// The schema of [`events`] (see the module's documentation).
pub fn event_schema() -> SchemaRef {
    let mut fields = vec![
        ArrowField::new("ticket", dictionary(DataType::Int32), false),
        ArrowField::new("seq", DataType::UInt32, false),
        ArrowField::new("at", time_type(), false),
        ArrowField::new("actor", dictionary(DataType::Int32), false),
        ArrowField::new("type", dictionary(DataType::Int8), false),
    ];
    for (name, kind) in FIELDS {
        let data_type = match kind {
            Kind::Node | Kind::Category => dictionary(DataType::Int32),
            Kind::Enum(_) => dictionary(DataType::Int8),
            Kind::Time => time_type(),
            Kind::Flag => DataType::Boolean,
            Kind::Text => DataType::Utf8,
        };
        fields.push(ArrowField::new(name, data_type, true));
    }
    schema(fields, EVENTS_FORMAT)
}

/// A schema with its format's name and version in the metadata.
pub(crate) fn schema(fields: Vec<ArrowField>, (format, version): (&str, &str)) -> SchemaRef {
    let metadata = [
        ("wangge.format".to_owned(), format.to_owned()),
        ("wangge.version".to_owned(), version.to_owned()),
    ];
    Arc::new(Schema::new_with_metadata(
        fields,
        metadata
            .into_iter()
            .collect::<std::collections::HashMap<_, _>>(),
    ))
}

/// The dictionaries' values shared by every batch of an export.
pub(crate) struct Dictionaries {
    /// Every node id by key, then `@system` (the actor of automatic actions).
    nodes: ArrayRef,
    kinds: ArrayRef,
    categories: ArrayRef,
}

impl Dictionaries {
    fn of(ledger: &Ledger) -> Dictionaries {
        let h = ledger.hierarchy();
        let nodes: Vec<String> = (0..ledger.node_keys())
            .map(|k| {
                let key =
                    crate::hierarchy::NodeKey::from_index(u32::try_from(k).unwrap_or(u32::MAX));
                h.id(key)
                    .map_or_else(|| format!("#{k}"), |id| id.to_string())
            })
            .chain([crate::ticket::SYSTEM_ACTOR.to_owned()])
            .collect();
        let tax = ledger.taxonomy();
        let categories: Vec<&str> = (0..tax.len())
            .map(|i| {
                u16::try_from(i)
                    .ok()
                    .and_then(|i| tax.by_index(i))
                    .map_or("", |c| c.code.as_str())
            })
            .collect();
        Dictionaries {
            nodes: Arc::new(StringArray::from(nodes)),
            kinds: Arc::new(StringArray::from(
                ActionKind::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>(),
            )),
            categories: Arc::new(StringArray::from(categories)),
        }
    }
}

/// Every event of a ledger as record batches of the [`event_schema`], in ticket then
/// sequence order, each of about `batch_rows` rows (a ticket's events stay in one batch).
/// Built straight from the ledger's compact records: ids, nodes and names are dictionary
/// keys, so a row costs a few integers plus the texts it holds.
pub fn events(ledger: &Ledger, batch_rows: usize) -> Result<Vec<RecordBatch>, ArrowError> {
    let dicts = Dictionaries::of(ledger);
    let schema = event_schema();
    let mut batches = Vec::new();
    let mut start = 0;
    let mut rows = 0;
    let counts: Vec<usize> = ledger.tickets().map(|t| t.event_count()).collect();
    for (i, n) in counts.iter().enumerate() {
        rows += n;
        if rows >= batch_rows.max(1) || i + 1 == counts.len() {
            batches.push(batch(ledger, start..i + 1, &schema, &dicts)?);
            start = i + 1;
            rows = 0;
        }
    }
    Ok(batches)
}

fn batch(
    ledger: &Ledger,
    tickets: std::ops::Range<usize>,
    schema: &SchemaRef,
    dicts: &Dictionaries,
) -> Result<RecordBatch, ArrowError> {
    let mut cols = columns::EventColumns::new();
    ledger.event_columns(tickets.clone(), &mut cols);
    let ids: Vec<&str> = ledger
        .tickets()
        .skip(tickets.start)
        .take(tickets.len())
        .map(|t| t.id().as_str())
        .collect();
    let first = i32::try_from(tickets.start)
        .map_err(|_| ArrowError::InvalidArgumentError("more than 2^31 tickets".into()))?;
    cols.finish(
        schema.clone(),
        Arc::new(StringArray::from(ids)),
        first,
        dicts,
    )
}
