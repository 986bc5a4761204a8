//! A ledger loaded from Arrow record batches of events (see the module's documentation for
//! what is read).

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int16Type, Int32Type, Int64Type, Int8Type, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, BooleanArray, RecordBatch};
use arrow_buffer::NullBuffer;
use arrow_schema::{DataType, TimeUnit};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::ticket::action_de::{action_from_pairs, Simple};
use crate::ticket::table::{event_from_row, required_text};
use crate::ticket::{Action, Actor, ActorKey, Ledger, TicketId, TicketKey, Trust};
use crate::time::{Timestamp, CHINA_OFFSET_SECONDS};
use crate::Error;

/// Why a table of events could not be read at all (a bad row is reported with its row
/// instead, and the other rows are loaded).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[non_exhaustive]
pub enum ColumnError {
    /// A column every event needs (`ticket`, `at`, `actor`, `type`) is not in the table.
    #[error("the column `{column}` is missing: every event needs it")]
    MissingColumn {
        /// The column's name.
        column: String,
    },
    /// A column of a type that is not read (e.g. a float, a naive timestamp, a list).
    #[error("the column `{column}` has the type {data_type}; expected {expected}")]
    UnsupportedType {
        /// The column's name.
        column: String,
        /// Its Arrow type, as Arrow writes it.
        data_type: String,
        /// What would be read.
        expected: &'static str,
    },
}

impl ColumnError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            ColumnError::MissingColumn { .. } => "input.missing_column",
            ColumnError::UnsupportedType { .. } => "input.column_type",
        }
    }
}

/// A column of text: UTF-8 of any offset size, string views, or a dictionary of them (its
/// values read once, so that a row costs an index).
enum Text<'a> {
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
    Dict {
        index: Ints<'a>,
        values: Vec<Option<&'a str>>,
    },
}

impl<'a> Text<'a> {
    fn of(array: &'a dyn Array) -> Option<Text<'a>> {
        Some(match array.data_type() {
            DataType::Utf8 => Text::Utf8(array.as_string::<i32>()),
            DataType::LargeUtf8 => Text::Large(array.as_string::<i64>()),
            DataType::Utf8View => Text::View(array.as_string_view()),
            DataType::Dictionary(_, _) => {
                let d = array.as_any_dictionary_opt()?;
                let values = Text::of(d.values().as_ref())?;
                let values = (0..d.values().len())
                    .map(|v| {
                        if values.is_null(v) {
                            None
                        } else {
                            values.get(v)
                        }
                    })
                    .collect();
                Text::Dict {
                    index: Ints::of(d.keys())?,
                    values,
                }
            }
            _ => return None,
        })
    }

    /// The text of a row that is not null (see [`Column::get`]), or of a dictionary's value.
    #[inline]
    fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Text::Utf8(a) => (i < a.len()).then(|| a.value(i)),
            Text::Large(a) => (i < a.len()).then(|| a.value(i)),
            Text::View(a) => (i < a.len()).then(|| a.value(i)),
            Text::Dict { index, values } => *values.get(index.key(i)?)?,
        }
    }

    fn is_null(&self, i: usize) -> bool {
        match self {
            Text::Utf8(a) => a.is_null(i),
            Text::Large(a) => a.is_null(i),
            Text::View(a) => a.is_null(i),
            Text::Dict { index, values } => index
                .key(i)
                .is_none_or(|v| values.get(v).is_none_or(Option::is_none)),
        }
    }
}

/// A cell as read.
#[derive(Clone, Copy)]
enum Cell<'a> {
    Text(&'a str),
    Bool(bool),
    /// An instant: whole seconds, and nanoseconds beyond them.
    Time(i64, i64),
    Int(i128),
}

/// A column of a type this reads, with its nulls (a dictionary's: its keys').
struct Column<'a> {
    nulls: Option<NullBuffer>,
    values: Values<'a>,
}

enum Values<'a> {
    Text(Text<'a>),
    Bool(&'a BooleanArray),
    Time {
        raw: &'a [i64],
        per_second: i64,
    },
    Int(Ints<'a>),
    /// A column of Arrow's null type (pandas writes an all-empty object column so).
    Null,
}

/// A column of integers of any width, read in place.
enum Ints<'a> {
    I8(&'a [i8]),
    I16(&'a [i16]),
    I32(&'a [i32]),
    I64(&'a [i64]),
    U8(&'a [u8]),
    U16(&'a [u16]),
    U32(&'a [u32]),
    U64(&'a [u64]),
}

impl<'a> Ints<'a> {
    fn of(array: &'a dyn Array) -> Option<Ints<'a>> {
        macro_rules! of {
            ($($t:ty => $v:ident),*) => {
                $(if let Some(k) = array.as_primitive_opt::<$t>() {
                    return Some(Ints::$v(k.values()));
                })*
            };
        }
        of!(Int8Type => I8, Int16Type => I16, Int32Type => I32, Int64Type => I64,
            UInt8Type => U8, UInt16Type => U16, UInt32Type => U32, UInt64Type => U64);
        None
    }

    #[inline]
    fn get(&self, i: usize) -> Option<i128> {
        Some(match self {
            Ints::I8(v) => i128::from(*v.get(i)?),
            Ints::I16(v) => i128::from(*v.get(i)?),
            Ints::I32(v) => i128::from(*v.get(i)?),
            Ints::I64(v) => i128::from(*v.get(i)?),
            Ints::U8(v) => i128::from(*v.get(i)?),
            Ints::U16(v) => i128::from(*v.get(i)?),
            Ints::U32(v) => i128::from(*v.get(i)?),
            Ints::U64(v) => i128::from(*v.get(i)?),
        })
    }

    /// A dictionary's key: a non-negative integer that fits.
    #[inline]
    fn key(&self, i: usize) -> Option<usize> {
        usize::try_from(self.get(i)?).ok()
    }
}

impl<'a> Column<'a> {
    fn of(name: &str, array: &'a dyn Array) -> Result<Column<'a>, ColumnError> {
        Ok(Column {
            nulls: array.nulls().cloned(),
            values: Values::of(name, array)?,
        })
    }

    /// The cell of a row, `None` where it is null.
    #[inline]
    fn get(&self, i: usize) -> Option<Cell<'a>> {
        if self.nulls.as_ref().is_some_and(|n| n.is_null(i)) {
            return None;
        }
        self.values.get(i)
    }
}

impl<'a> Values<'a> {
    fn of(name: &str, array: &'a dyn Array) -> Result<Values<'a>, ColumnError> {
        let unsupported = |expected| ColumnError::UnsupportedType {
            column: name.to_owned(),
            data_type: array.data_type().to_string(),
            expected,
        };
        if let Some(t) = Text::of(array) {
            return Ok(Values::Text(t));
        }
        match array.data_type() {
            DataType::Boolean => Ok(Values::Bool(array.as_boolean())),
            DataType::Null => Ok(Values::Null),
            DataType::Timestamp(unit, Some(_)) => {
                let (raw, per_second): (&[i64], i64) = match unit {
                    TimeUnit::Second => (array.as_primitive::<TimestampSecondType>().values(), 1),
                    TimeUnit::Millisecond => (
                        array.as_primitive::<TimestampMillisecondType>().values(),
                        1_000,
                    ),
                    TimeUnit::Microsecond => (
                        array.as_primitive::<TimestampMicrosecondType>().values(),
                        1_000_000,
                    ),
                    TimeUnit::Nanosecond => (
                        array.as_primitive::<TimestampNanosecondType>().values(),
                        1_000_000_000,
                    ),
                };
                Ok(Values::Time { raw, per_second })
            }
            DataType::Timestamp(_, None) => Err(unsupported(
                "a timestamp with a time zone (a naive time does not say which instant it is)",
            )),
            _ => match Ints::of(array) {
                Some(v) => Ok(Values::Int(v)),
                None => Err(unsupported(
                    "text, a boolean, an integer or a timestamp with a time zone",
                )),
            },
        }
    }

    #[inline]
    fn get(&self, i: usize) -> Option<Cell<'a>> {
        match self {
            Values::Text(t) => t.get(i).map(Cell::Text),
            Values::Bool(a) => (i < a.len()).then(|| Cell::Bool(a.value(i))),
            Values::Time { raw, per_second } => {
                let v = *raw.get(i)?;
                let nanos = v.rem_euclid(*per_second) * (1_000_000_000 / per_second);
                Some(Cell::Time(v.div_euclid(*per_second), nanos))
            }
            Values::Int(v) => v.get(i).map(Cell::Int),
            Values::Null => None,
        }
    }
}

/// An instant as the library takes it, or the error naming it.
fn instant(column: &str, seconds: i64, nanos: i64) -> Result<Timestamp, Error> {
    if nanos != 0 {
        return Err(Error::Malformed {
            message: format!(
                "`{column}`: {seconds}.{nanos:09} seconds since the epoch has a fraction of a second; instants are whole seconds"
            ),
        });
    }
    Timestamp::from_unix_seconds(seconds).map_err(Error::from)
}

/// A cell as a flat row holds it.
fn value(column: &str, cell: Cell<'_>) -> Result<Value, Error> {
    Ok(match cell {
        Cell::Text(s) => Value::String(s.to_owned()),
        Cell::Bool(b) => Value::Bool(b),
        Cell::Int(v) => i64::try_from(v)
            .map(Value::from)
            .or_else(|_| u64::try_from(v).map(Value::from))
            .unwrap_or(Value::Null),
        Cell::Time(s, n) => {
            Value::String(instant(column, s, n)?.to_rfc3339_at(CHINA_OFFSET_SECONDS))
        }
    })
}

/// The columns of a batch, the envelope's by name and the rest in order.
struct Columns<'a> {
    ticket: Column<'a>,
    at: Column<'a>,
    actor: Column<'a>,
    kind: Column<'a>,
    seq: Option<Column<'a>>,
    rest: Vec<(&'a str, Column<'a>)>,
    /// Which of `rest` are not null in each row, in column order: row `i`'s are
    /// `present[starts[i]..starts[i + 1]]`. Most of an event's columns are null, so a row
    /// reads its few cells instead of testing every column.
    starts: Vec<usize>,
    present: Vec<u32>,
}

impl<'a> Columns<'a> {
    fn of(batch: &'a RecordBatch) -> Result<Columns<'a>, ColumnError> {
        let schema = batch.schema_ref();
        let mut rest = Vec::new();
        let (mut ticket, mut at, mut actor, mut kind, mut seq) = (None, None, None, None, None);
        for (field, array) in schema.fields().iter().zip(batch.columns()) {
            let name = field.name().as_str();
            let column = Column::of(name, array.as_ref())?;
            match name {
                "ticket" => ticket = Some(column),
                "at" => at = Some(column),
                "actor" => actor = Some(column),
                "type" => kind = Some(column),
                "seq" => seq = Some(column),
                _ => rest.push((name, column)),
            }
        }
        let need = |c: Option<Column<'a>>, name: &str| {
            c.ok_or_else(|| ColumnError::MissingColumn {
                column: name.to_owned(),
            })
        };
        let (starts, present) = present(batch.num_rows(), &rest);
        Ok(Columns {
            ticket: need(ticket, "ticket")?,
            at: need(at, "at")?,
            actor: need(actor, "actor")?,
            kind: need(kind, "type")?,
            seq,
            rest,
            starts,
            present,
        })
    }

    /// The row as a flat row (every cell that is there), for the flat-row reader.
    fn row(&self, i: usize) -> Result<Map<String, Value>, Error> {
        let mut row = Map::new();
        let envelope = [
            ("ticket", Some(&self.ticket)),
            ("at", Some(&self.at)),
            ("actor", Some(&self.actor)),
            ("type", Some(&self.kind)),
            ("seq", self.seq.as_ref()),
        ];
        let cells = envelope
            .into_iter()
            .filter_map(|(n, c)| c.map(|c| (n, c)))
            .chain(self.rest.iter().map(|(n, c)| (*n, c)));
        for (name, column) in cells {
            if let Some(cell) = column.get(i) {
                row.insert(name.to_owned(), value(name, cell)?);
            }
        }
        Ok(row)
    }

    /// The row read without a flat row, when every cell is simple; `None` sends it to the
    /// flat-row reader, which gives the verdict (the event, or the error) either way.
    fn fast(
        &self,
        i: usize,
        next: impl Fn() -> u32,
        pairs: &mut Vec<(&'a str, Simple<'a>)>,
        bare: &mut [Option<Action>],
    ) -> Option<Row<'a>> {
        let text = |c: &Column<'a>| match c.get(i) {
            Some(Cell::Text(s)) => Some(s),
            _ => None,
        };
        let (ticket, actor, kind) = (text(&self.ticket)?, text(&self.actor)?, text(&self.kind)?);
        let at = match self.at.get(i)? {
            Cell::Time(s, 0) => Timestamp::from_unix_seconds(s).ok()?,
            _ => return None,
        };
        let seq = match self.seq.as_ref().and_then(|c| c.get(i)) {
            None => next(),
            Some(Cell::Int(v)) => u32::try_from(v).ok()?,
            Some(_) => return None,
        };
        pairs.clear();
        if kind == "report" {
            pairs.push(("id", Simple::Str(ticket)));
        }
        let (from, to) = (*self.starts.get(i)?, *self.starts.get(i + 1)?);
        for &c in self.present.get(from..to)? {
            let (name, column) = self.rest.get(c as usize)?;
            let key = if *name == "recheckAt" { "at" } else { name };
            // Not null (that is what `present` lists): the value alone.
            match column.values.get(i) {
                None => {}
                Some(Cell::Text("")) if !required_text(kind, name) => {}
                Some(Cell::Text(s)) => pairs.push((key, Simple::Str(s))),
                Some(Cell::Bool(b)) => pairs.push((key, Simple::Bool(b))),
                Some(Cell::Time(s, 0)) => {
                    pairs.push((key, Simple::Time(Timestamp::from_unix_seconds(s).ok()?)))
                }
                Some(_) => return None,
            }
        }
        // An action without data (`file`, `acknowledge`, ...) is the same every time its kind
        // comes: read once per kind.
        let slot = if pairs.is_empty() {
            Columns::dictionary_key(&self.kind, i).and_then(|k| bare.get_mut(k))
        } else {
            None
        };
        let action = match slot {
            Some(Some(action)) => action.clone(),
            Some(slot) => slot.insert(action_from_pairs(kind, pairs)?).clone(),
            None => action_from_pairs(kind, pairs)?,
        };
        Some(Row {
            ticket,
            seq,
            at,
            actor,
            action,
        })
    }

    /// A row's dictionary key in a column, when the column is a dictionary and the cell
    /// is not null.
    fn dictionary_key(column: &Column<'_>, i: usize) -> Option<usize> {
        if column.nulls.as_ref().is_some_and(|n| n.is_null(i)) {
            return None;
        }
        match &column.values {
            Values::Text(Text::Dict { index, .. }) => index.key(i),
            _ => None,
        }
    }

    /// The number of values of a column's dictionary (0 for a column of another type).
    fn dictionary_len(column: &Column<'_>) -> usize {
        match &column.values {
            Values::Text(Text::Dict { values, .. }) => values.len(),
            _ => 0,
        }
    }
}

/// A row read by [`Columns::fast`]: the event's parts, its ids as text.
struct Row<'a> {
    ticket: &'a str,
    seq: u32,
    at: Timestamp,
    actor: &'a str,
    action: Action,
}

/// Keys resolved once per value of a dictionary column (a batch names each ticket about as
/// many times as it has events, and its few actors thousands of times).
struct ResolvedKeys {
    tickets: Vec<Option<TicketKey>>,
    actors: Vec<Option<ActorKey>>,
}

impl ResolvedKeys {
    /// The event of a fast row, replayed with its keys from the cache where it can be;
    /// `None` when the row must go to the flat-row reader for its verdict (an actor or a
    /// ticket id that does not parse).
    fn replay(
        &mut self,
        columns: &Columns<'_>,
        i: usize,
        row: &Row<'_>,
        ledger: &mut Ledger,
        trust: Trust,
    ) -> Option<Result<(), Error>> {
        let slot = Columns::dictionary_key(&columns.actor, i);
        let actor = match slot.and_then(|k| self.actors.get(k).copied().flatten()) {
            Some(a) => a,
            None => match ledger.replay_actor(&Actor::parse(row.actor).ok()?) {
                Ok(a) => {
                    if let Some(c) = slot.and_then(|k| self.actors.get_mut(k)) {
                        *c = Some(a);
                    }
                    a
                }
                Err(e) => return Some(Err(e.into())),
            },
        };
        let slot = Columns::dictionary_key(&columns.ticket, i);
        let key = match slot.and_then(|k| self.tickets.get(k).copied().flatten()) {
            Some(k) => Some(k),
            None => {
                let k = ledger.key(row.ticket);
                if k.is_none() && !matches!(row.action, Action::Report(_)) {
                    // Not a ticket of the ledger: the verdict depends on whether the id
                    // is a ticket id at all, which the flat-row reader decides.
                    TicketId::new(row.ticket).ok()?;
                }
                k
            }
        };
        let result =
            ledger.replay_resolved(row.ticket, key, row.seq, row.at, actor, &row.action, trust);
        if let (Ok((_, k)), Some(c)) = (&result, slot.and_then(|k| self.tickets.get_mut(k))) {
            *c = Some(*k);
        }
        Some(result.map(|_| ()).map_err(Error::from))
    }
}

/// The columns that are not null in each row (see [`Columns::present`]), read column by
/// column from the validity bitmaps.
fn present(rows: usize, rest: &[(&str, Column<'_>)]) -> (Vec<usize>, Vec<u32>) {
    let each = |column: &Column<'_>, f: &mut dyn FnMut(usize)| match (&column.values, &column.nulls)
    {
        (Values::Null, _) => {}
        (_, Some(nulls)) => nulls.valid_indices().for_each(f),
        (_, None) => (0..rows).for_each(f),
    };
    // Counted per row, then summed into where each row's cells start.
    let mut starts = vec![0usize; rows + 1];
    for (_, column) in rest {
        each(column, &mut |i| {
            if let Some(n) = starts.get_mut(i + 1) {
                *n += 1;
            }
        });
    }
    let mut total = 0;
    for s in &mut starts {
        total += *s;
        *s = total;
    }
    let mut next = starts.clone();
    let mut present = vec![0u32; total];
    for (c, (_, column)) in (0u32..).zip(rest) {
        each(column, &mut |i| {
            if let Some(at) = next.get_mut(i) {
                if let Some(slot) = present.get_mut(*at) {
                    *slot = c;
                }
                *at += 1;
            }
        });
    }
    (starts, present)
}

/// Loads a record batch of events into a ledger, row by row as [`crate::ticket::table`]
/// loads flat rows: the lifecycle is checked, and the authority unless `trust` is
/// [`Trust::History`]. Returns every bad row with its number (1-based, counted from
/// `first_row`, so that the rows of several batches number on) and error; the good rows
/// are kept. A table the reader cannot read at all (a missing or unreadable column) is a
/// [`ColumnError`], and nothing is loaded.
pub fn load_events(
    ledger: &mut Ledger,
    batch: &RecordBatch,
    trust: Trust,
    first_row: usize,
) -> Result<Vec<(usize, Error)>, ColumnError> {
    let columns = Columns::of(batch)?;
    // Room for the batch's new tickets at once, rather than growing the tables by doubling.
    let reports = (0..batch.num_rows())
        .filter(|&i| matches!(columns.kind.get(i), Some(Cell::Text("report"))))
        .count();
    ledger.reserve(reports);
    let mut bad = Vec::new();
    let mut pairs = Vec::new();
    let mut bare = vec![None; Columns::dictionary_len(&columns.kind)];
    let mut keys = ResolvedKeys {
        tickets: vec![None; Columns::dictionary_len(&columns.ticket)],
        actors: vec![None; Columns::dictionary_len(&columns.actor)],
    };
    for i in 0..batch.num_rows() {
        // Without a `seq`, an event's number is the count of its ticket's events so far.
        let next = |ledger: &Ledger| match columns.ticket.get(i) {
            Some(Cell::Text(t)) if columns.seq.as_ref().and_then(|c| c.get(i)).is_none() => ledger
                .get(t)
                .map_or(0, |v| u32::try_from(v.event_count()).unwrap_or(u32::MAX)),
            _ => 0,
        };
        let result = match columns.fast(i, || next(ledger), &mut pairs, &mut bare) {
            Some(row) => keys.replay(&columns, i, &row, ledger, trust),
            None => None,
        };
        let result = result.unwrap_or_else(|| {
            columns
                .row(i)
                .and_then(|row| event_from_row(&row, next(ledger)))
                .and_then(|e| {
                    ledger
                        .replay_event(&e, trust)
                        .map(|_| ())
                        .map_err(Error::from)
                })
        });
        if let Err(e) = result {
            bad.push((first_row + i + 1, e));
        }
    }
    Ok(bad)
}
