//! Event columns as the ledger writes them (plain vectors, one value per present field) and
//! their assembly into an Arrow record batch.

use std::sync::Arc;

use arrow_array::types::{Int32Type, Int8Type};
use arrow_array::{
    ArrayRef, BooleanArray, DictionaryArray, Int32Array, Int8Array, RecordBatch, StringArray,
    TimestampSecondArray, UInt32Array,
};
use arrow_buffer::{bit_util, BooleanBuffer, Buffer, MutableBuffer, NullBuffer, OffsetBuffer};
use arrow_schema::{ArrowError, SchemaRef};

use super::{Kind, FIELDS, ZONE};

/// An action's field, in the order of the schema's columns after the envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Field {
    Category,
    Channel,
    Unit,
    Holder,
    Reporter,
    Priority,
    RequestType,
    VerifyFirst,
    Description,
    Reason,
    Note,
    To,
    Outcome,
    Passed,
    Satisfaction,
    Until,
    Granted,
    Into,
    ReturnTo,
    Departments,
    SignBy,
    ReportBy,
    Department,
    Party,
    Deadline,
    Due,
    Rule,
    Breach,
    Subject,
    RecheckAt,
    State,
    Status,
}

/// The values of one field: the rows that have it, and their values (numbers in `ints`,
/// texts as `bytes` cut at `ends`).
#[derive(Default)]
struct Present {
    rows: Vec<u32>,
    ints: Vec<i64>,
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

/// The events of a run of tickets as columns: the envelope dense, the action's fields
/// sparse (most events have one or two), made dense with null bitmaps at the end.
#[derive(Default)]
pub(crate) struct EventColumns {
    ticket: Vec<i32>,
    seq: Vec<u32>,
    at: Vec<i64>,
    actor: Vec<i32>,
    kind: Vec<i8>,
    fields: Vec<Present>,
}

impl EventColumns {
    pub(crate) fn new() -> EventColumns {
        EventColumns {
            fields: (0..FIELDS.len()).map(|_| Present::default()).collect(),
            ..EventColumns::default()
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.ticket.len()
    }

    /// Starts a row; returns its index.
    pub(crate) fn push_envelope(
        &mut self,
        ticket: i32,
        seq: u32,
        at: i64,
        actor: i32,
        kind: i8,
    ) -> u32 {
        let row = u32::try_from(self.ticket.len()).unwrap_or(u32::MAX);
        self.ticket.push(ticket);
        self.seq.push(seq);
        self.at.push(at);
        self.actor.push(actor);
        self.kind.push(kind);
        row
    }

    fn field(&mut self, f: Field, row: u32) -> Option<&mut Present> {
        let p = self.fields.get_mut(f as usize)?;
        p.rows.push(row);
        Some(p)
    }

    /// A dictionary key (a node, an enum's index, a category) or a number.
    pub(crate) fn small(&mut self, f: Field, row: u32, v: i32) {
        if let Some(p) = self.field(f, row) {
            p.ints.push(i64::from(v));
        }
    }

    pub(crate) fn time(&mut self, f: Field, row: u32, v: i64) {
        if let Some(p) = self.field(f, row) {
            p.ints.push(v);
        }
    }

    pub(crate) fn flag(&mut self, f: Field, row: u32, v: bool) {
        if let Some(p) = self.field(f, row) {
            p.ints.push(i64::from(v));
        }
    }

    pub(crate) fn text(&mut self, f: Field, row: u32, v: &str) {
        if let Some(p) = self.field(f, row) {
            p.bytes.extend_from_slice(v.as_bytes());
            p.ends.push(p.bytes.len());
        }
    }

    pub(crate) fn opt_text(&mut self, f: Field, row: u32, v: Option<&str>) {
        if let Some(v) = v {
            self.text(f, row, v);
        }
    }

    /// The record batch, with the dictionaries' values: the tickets of the batch (the
    /// `ticket` column's keys count from the first), every node key (and `@system` last).
    pub(crate) fn finish(
        self,
        schema: SchemaRef,
        tickets: ArrayRef,
        first_ticket: i32,
        dicts: &super::Dictionaries,
    ) -> Result<RecordBatch, ArrowError> {
        let n = self.len();
        let ticket: Vec<i32> = self.ticket.iter().map(|k| k - first_ticket).collect();
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(DictionaryArray::<Int32Type>::try_new(
                Int32Array::from(ticket),
                tickets,
            )?),
            Arc::new(UInt32Array::from(self.seq)),
            Arc::new(TimestampSecondArray::from(self.at).with_timezone(ZONE)),
            Arc::new(DictionaryArray::<Int32Type>::try_new(
                Int32Array::from(self.actor),
                dicts.nodes.clone(),
            )?),
            Arc::new(DictionaryArray::<Int8Type>::try_new(
                Int8Array::from(self.kind),
                dicts.kinds.clone(),
            )?),
        ];
        for ((_, kind), p) in FIELDS.iter().zip(self.fields) {
            columns.push(p.into_array(n, *kind, dicts)?);
        }
        RecordBatch::try_new(schema, columns)
    }
}

impl Present {
    /// The bitmap of the rows present, or `None` when every row is.
    fn nulls(&self, n: usize) -> Option<NullBuffer> {
        if self.rows.len() == n {
            return None;
        }
        let mut bits = MutableBuffer::new_null(n);
        for r in &self.rows {
            bit_util::set_bit(bits.as_slice_mut(), *r as usize);
        }
        Some(NullBuffer::new(BooleanBuffer::new(bits.into(), 0, n)))
    }

    /// The numbers spread over every row (zero where absent).
    fn dense<T: Copy + Default>(&self, n: usize, cast: impl Fn(i64) -> T) -> Vec<T> {
        let mut out = vec![T::default(); n];
        for (r, v) in self.rows.iter().zip(&self.ints) {
            if let Some(slot) = out.get_mut(*r as usize) {
                *slot = cast(*v);
            }
        }
        out
    }

    fn into_array(
        self,
        n: usize,
        kind: Kind,
        dicts: &super::Dictionaries,
    ) -> Result<ArrayRef, ArrowError> {
        let nulls = self.nulls(n);
        let narrow = |v: i64| i32::try_from(v).unwrap_or(0);
        Ok(match kind {
            Kind::Node | Kind::Category => {
                let values = if kind == Kind::Node {
                    &dicts.nodes
                } else {
                    &dicts.categories
                };
                let keys = Int32Array::new(self.dense(n, narrow).into(), nulls);
                Arc::new(DictionaryArray::<Int32Type>::try_new(keys, values.clone())?)
            }
            Kind::Enum(vocab) => {
                let keys = Int8Array::new(
                    self.dense(n, |v| i8::try_from(v).unwrap_or(0)).into(),
                    nulls,
                );
                let values: ArrayRef = Arc::new(StringArray::from(vocab.names()));
                Arc::new(DictionaryArray::<Int8Type>::try_new(keys, values)?)
            }
            Kind::Time => Arc::new(
                TimestampSecondArray::new(self.dense(n, |v| v).into(), nulls).with_timezone(ZONE),
            ),
            Kind::Flag => {
                let mut bits = MutableBuffer::new_null(n);
                for (r, v) in self.rows.iter().zip(&self.ints) {
                    if *v != 0 {
                        bit_util::set_bit(bits.as_slice_mut(), *r as usize);
                    }
                }
                Arc::new(BooleanArray::new(
                    BooleanBuffer::new(bits.into(), 0, n),
                    nulls,
                ))
            }
            Kind::Text => {
                // Offsets: each absent row is an empty slice at the previous end.
                let mut offsets: Vec<i32> = Vec::with_capacity(n + 1);
                offsets.push(0);
                let mut last = 0i32;
                for (r, end) in self.rows.iter().zip(&self.ends) {
                    offsets.resize(*r as usize + 1, last);
                    last = i32::try_from(*end).map_err(|_| {
                        ArrowError::InvalidArgumentError(
                            "a text column over 2 GiB: export in smaller batches".into(),
                        )
                    })?;
                    offsets.push(last);
                }
                offsets.resize(n + 1, last);
                let offsets = OffsetBuffer::new(offsets.into());
                Arc::new(StringArray::try_new(
                    offsets,
                    Buffer::from_vec(self.bytes),
                    nulls,
                )?)
            }
        })
    }
}
