//! Tickets as an Arrow record batch: one row per ticket, the columns of a ticket's flat row
//! ([`crate::ticket::table::ticket_to_row`]) typed, from each ticket's snapshot.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, StringBuilder, StringDictionaryBuilder, TimestampSecondBuilder, UInt32Builder,
};
use arrow_array::types::{Int32Type, Int8Type};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, SchemaRef};

use super::{dictionary, time_type, ZONE};
use crate::ticket::Ledger;
use crate::time::Timestamp;

/// The name and version of the tickets schema, in its metadata.
pub const TICKETS_FORMAT: (&str, &str) = ("wangge.tickets", "1");

/// How a ticket column is stored.
enum Col {
    Text(StringBuilder),
    Dict(StringDictionaryBuilder<Int32Type>),
    Enum(StringDictionaryBuilder<Int8Type>),
    Time(TimestampSecondBuilder),
    Flag(BooleanBuilder),
    Count(UInt32Builder),
}

impl Col {
    fn data_type(&self) -> DataType {
        match self {
            Col::Text(_) => DataType::Utf8,
            Col::Dict(_) => dictionary(DataType::Int32),
            Col::Enum(_) => dictionary(DataType::Int8),
            Col::Time(_) => time_type(),
            Col::Flag(_) => DataType::Boolean,
            Col::Count(_) => DataType::UInt32,
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Col::Text(b) => Arc::new(b.finish()),
            Col::Dict(b) => Arc::new(b.finish()),
            Col::Enum(b) => Arc::new(b.finish()),
            Col::Time(b) => Arc::new(b.finish().with_timezone(ZONE)),
            Col::Flag(b) => Arc::new(b.finish()),
            Col::Count(b) => Arc::new(b.finish()),
        }
    }

    fn text(&mut self, v: Option<&str>) {
        match self {
            Col::Text(b) => b.append_option(v),
            Col::Dict(b) => match v {
                Some(v) => {
                    b.append_value(v);
                }
                None => b.append_null(),
            },
            Col::Enum(b) => match v {
                Some(v) => {
                    b.append_value(v);
                }
                None => b.append_null(),
            },
            _ => {}
        }
    }

    fn time(&mut self, v: Option<Timestamp>) {
        if let Col::Time(b) = self {
            b.append_option(v.map(Timestamp::unix_seconds));
        }
    }

    fn flag(&mut self, v: bool) {
        if let Col::Flag(b) = self {
            b.append_value(v);
        }
    }

    fn count(&mut self, v: u32) {
        if let Col::Count(b) = self {
            b.append_value(v);
        }
    }
}

fn columns() -> Vec<(&'static str, Col, bool)> {
    let text = || Col::Text(StringBuilder::new());
    let dict = || Col::Dict(StringDictionaryBuilder::new());
    let en = || Col::Enum(StringDictionaryBuilder::new());
    let time = || Col::Time(TimestampSecondBuilder::new());
    let flag = || Col::Flag(BooleanBuilder::new());
    let count = || Col::Count(UInt32Builder::new());
    vec![
        ("id", text(), false),
        ("state", en(), false),
        ("category", dict(), false),
        ("channel", en(), false),
        ("priority", en(), false),
        ("requestType", en(), false),
        ("unit", dict(), false),
        ("holder", dict(), false),
        ("responsibleUnit", dict(), false),
        ("dispatcher", dict(), true),
        ("reporter", text(), true),
        ("description", text(), true),
        ("reportedAt", time(), false),
        ("updatedAt", time(), false),
        ("endedAt", time(), true),
        ("satisfaction", en(), true),
        ("suspendedFrom", en(), true),
        ("verifyFirst", flag(), false),
        ("verifiedOnSite", flag(), false),
        ("supervised", flag(), false),
        ("extensionPending", flag(), false),
        ("extended", flag(), false),
        ("returns", count(), false),
        ("reopens", count(), false),
        ("escalations", count(), false),
        ("reminders", count(), false),
        ("refusals", count(), false),
        ("events", count(), false),
        ("deadlineAcknowledge", time(), true),
        ("deadlineHandle", time(), true),
        ("deadlineVerify", time(), true),
        ("deadlineReply", time(), true),
        ("summons", text(), false),
        ("mergedInto", text(), true),
    ]
}

/// The schema of [`tickets`] (see `docs/ARROW.md`).
pub fn ticket_schema() -> SchemaRef {
    let fields: Vec<Field> = columns()
        .iter()
        .map(|(name, col, nullable)| Field::new(*name, col.data_type(), *nullable))
        .collect();
    super::schema(fields, TICKETS_FORMAT)
}

/// Every ticket of a ledger as one record batch of the [`ticket_schema`], in insertion
/// order: the values of each ticket's snapshot ([`crate::ticket::TicketView::snapshot`]),
/// the summons as JSON text.
pub fn tickets(ledger: &Ledger) -> Result<RecordBatch, ArrowError> {
    let mut cols = columns();
    for view in ledger.tickets() {
        let t = view.snapshot();
        // As a flat row writes it: through a JSON value (its keys in order).
        let summons = serde_json::to_value(&t.summons)
            .map(|v| v.to_string())
            .unwrap_or_else(|_| "[]".to_owned());
        let mut c = cols.iter_mut().map(|(_, col, _)| col);
        let mut next = || c.next();
        let texts = [
            Some(t.id.as_str()),
            Some(t.state.as_str()),
            Some(t.category.as_str()),
            Some(t.channel.as_str()),
            Some(t.priority.as_str()),
            Some(t.request_type.as_str()),
            Some(t.unit.as_str()),
            Some(t.holder.as_str()),
            Some(t.responsible_unit.as_str()),
            t.dispatcher.as_ref().map(|d| d.as_str()),
            t.reporter.as_deref(),
            t.description.as_deref(),
        ];
        for v in texts {
            if let Some(col) = next() {
                col.text(v);
            }
        }
        for v in [Some(t.reported_at), Some(t.updated_at), t.ended_at] {
            if let Some(col) = next() {
                col.time(v);
            }
        }
        for v in [
            t.satisfaction.map(|s| s.as_str()),
            t.suspended_from.map(|s| s.as_str()),
        ] {
            if let Some(col) = next() {
                col.text(v);
            }
        }
        for v in [
            t.verify_first,
            t.verified_on_site,
            t.supervised,
            t.extension_pending,
            t.extended,
        ] {
            if let Some(col) = next() {
                col.flag(v);
            }
        }
        for v in [
            t.returns,
            t.reopens,
            t.escalations,
            t.reminders,
            t.refusals,
            t.events,
        ] {
            if let Some(col) = next() {
                col.count(v);
            }
        }
        let d = &t.deadlines;
        for v in [d.acknowledge, d.handle, d.verify, d.reply] {
            if let Some(col) = next() {
                col.time(v);
            }
        }
        for v in [
            Some(summons.as_str()),
            t.merged_into.as_ref().map(|m| m.as_str()),
        ] {
            if let Some(col) = next() {
                col.text(v);
            }
        }
    }
    let arrays: Vec<ArrayRef> = cols.iter_mut().map(|(_, col, _)| col.finish()).collect();
    RecordBatch::try_new(ticket_schema(), arrays)
}
