//! Arrow through the Arrow PyCapsule interface: a ledger's events handed to pyarrow, polars,
//! DuckDB or pandas without a copy (`__arrow_c_stream__`), and a ledger loaded from any
//! object that offers one. The columns are the core's (`wangge::arrow`); this file only
//! moves them across the C stream interface.

use std::borrow::Cow;
use std::ffi::CStr;

use arrow_array::ffi_stream::{FFI_ArrowArrayStream, RecordBatchStreamReader};
use arrow_array::{RecordBatch, RecordBatchIterator};
use arrow_schema::SchemaRef;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

use wangge::ticket::{Ledger as Core, Trust};

use crate::errors::err;
use crate::ledger::{bad_rows, BadRows};
use crate::shared::Shared;

/// The capsule name the Arrow PyCapsule interface gives a stream.
const STREAM: &CStr = c"arrow_array_stream";

/// Record batches held for a consumer: anything that reads the Arrow PyCapsule interface
/// takes them (`pyarrow.table(s)`, `polars.from_arrow(s)`, `duckdb.arrow(s)`), each time it
/// asks, without copying the columns.
#[pyclass(module = "wangge._wangge", frozen)]
#[cfg_attr(test, derive(Debug, PartialEq))]
pub struct ArrowStream {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

#[pymethods]
impl ArrowStream {
    /// The Arrow PyCapsule interface: a capsule holding an `ArrowArrayStream` of the batches.
    /// A requested schema other than the stream's own is not honoured (the consumer casts).
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let reader = RecordBatchIterator::new(
            self.batches.clone().into_iter().map(Ok),
            self.schema.clone(),
        );
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, STREAM)
    }

    /// The number of rows in all batches.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The number of batches.
    #[getter]
    fn num_batches(&self) -> usize {
        self.batches.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "ArrowStream({} rows in {} batches, {} columns)",
            self.num_rows(),
            self.batches.len(),
            self.schema.fields().len()
        )
    }
}

/// Takes the stream out of an object's `__arrow_c_stream__` capsule.
fn stream_of(data: &Bound<'_, PyAny>) -> PyResult<RecordBatchStreamReader> {
    if !data.hasattr("__arrow_c_stream__")? {
        return Err(PyTypeError::new_err(format!(
            "expected an Arrow table or stream (an object with __arrow_c_stream__, e.g. a pyarrow Table or a polars DataFrame), not {}",
            data.get_type().name()?
        )));
    }
    let capsule = data.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.cast::<PyCapsule>()?;
    let ptr = capsule.pointer_checked(Some(STREAM))?;
    // SAFETY: a capsule named "arrow_array_stream" holds an `ArrowArrayStream` (the Arrow
    // PyCapsule interface); `from_raw` moves the stream out and marks the capsule's released,
    // so the capsule's destructor does not release it a second time.
    #[allow(unsafe_code)]
    let stream = unsafe { FFI_ArrowArrayStream::from_raw(ptr.as_ptr().cast()) };
    RecordBatchStreamReader::try_new(stream)
        .map_err(|e| PyTypeError::new_err(format!("not a readable Arrow stream: {e}")))
}

/// `Ledger.events_arrow` (see its documentation in `ledger.rs`).
pub fn events(inner: &Shared<Core>, py: Python<'_>, batch_rows: usize) -> PyResult<ArrowStream> {
    let batches = inner
        .read_detached(py, |l| wangge::arrow::events(l, batch_rows))
        .map_err(|e| PyTypeError::new_err(e.to_string()))?;
    Ok(ArrowStream {
        schema: wangge::arrow::event_schema(),
        batches,
    })
}

/// `Ledger.tickets_arrow` (see its documentation in `ledger.rs`).
pub fn tickets(inner: &Shared<Core>, py: Python<'_>) -> PyResult<ArrowStream> {
    let batch = inner
        .read_detached(py, wangge::arrow::tickets)
        .map_err(|e| PyTypeError::new_err(e.to_string()))?;
    Ok(ArrowStream {
        schema: wangge::arrow::ticket_schema(),
        batches: vec![batch],
    })
}

/// `Ledger.load_arrow` (see its documentation in `ledger.rs`).
pub fn load<'py>(
    inner: &Shared<Core>,
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    trust: Trust,
) -> PyResult<BadRows<'py>> {
    let reader = stream_of(data)?;
    let result = inner.write_detached(py, |l| {
        let mut bad = Vec::new();
        let mut first = 0;
        for batch in reader {
            let batch = batch.map_err(|e| wangge::Error::Malformed {
                message: format!("reading the Arrow stream: {e}"),
            })?;
            bad.extend(wangge::arrow::load_events(l, &batch, trust, first)?);
            first += batch.num_rows();
        }
        Ok::<_, wangge::Error>(bad)
    });
    bad_rows(py, result.map_err(err)?)
}

/// Flat rows (one level of JSON values, e.g. a metrics report's rows or the decisions,
/// flattened) as one Arrow record batch: the columns in order of first appearance, each typed
/// by its values — booleans, whole numbers (`int64`), numbers (`float64`), instants (a text
/// column whose every value is an RFC 3339 instant with its offset, as the library writes
/// them) as `timestamp[s, tz=+08:00]`, other text as UTF-8, anything else (mixed, lists) as
/// JSON text; a column of nulls is Arrow's null type. A cell a row lacks is null.
pub fn rows_stream(rows: &[serde_json::Map<String, serde_json::Value>]) -> PyResult<ArrowStream> {
    let mut columns = FlatColumns::new(rows.len());
    for row in rows {
        columns.row(
            row.iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cell::Json(v))),
        );
    }
    columns.stream()
}

/// A cell of a flat row: a JSON value, or text and instants taken straight from typed
/// values (without going through JSON and, for instants, through text and back).
pub enum Cell<'a> {
    Json(&'a serde_json::Value),
    Text(&'a str),
    Time(wangge::time::Timestamp),
}

impl Cell<'_> {
    fn is_null(&self) -> bool {
        matches!(self, Cell::Json(serde_json::Value::Null))
    }

    fn json(&self) -> Option<&serde_json::Value> {
        match self {
            Cell::Json(v) => Some(v),
            _ => None,
        }
    }

    /// The instant, for a cell that is one or is text that reads as one.
    fn time(&self) -> Option<wangge::time::Timestamp> {
        match self {
            Cell::Time(t) => Some(*t),
            Cell::Text(s) => s.parse().ok(),
            Cell::Json(v) => v.as_str().and_then(|s| s.parse().ok()),
        }
    }

    fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Time(t) => Cow::Owned(t.to_string()),
            Cell::Json(serde_json::Value::String(s)) => Cow::Borrowed(s.as_str()),
            Cell::Json(other) => Cow::Owned(other.to_string()),
        }
    }
}

/// A column's JSON cells read as one type (`None` for an absent cell or another value).
fn values<'c, T: 'c>(
    cells: &'c [Option<Cell<'c>>],
    get: fn(&serde_json::Value) -> Option<T>,
) -> impl Iterator<Item = Option<T>> + 'c {
    cells
        .iter()
        .map(move |c| c.as_ref().and_then(Cell::json).and_then(get))
}

/// Flat rows gathered into columns as they come ([`rows_stream`]'s rules): a column per name
/// in order of first appearance, a hash lookup per cell.
pub struct FlatColumns<'a> {
    rows: usize,
    row: usize,
    names: Vec<Cow<'a, str>>,
    place: std::collections::HashMap<Cow<'a, str>, usize>,
    columns: Vec<Vec<Option<Cell<'a>>>>,
}

impl<'a> FlatColumns<'a> {
    /// Room for `rows` rows.
    pub fn new(rows: usize) -> FlatColumns<'a> {
        FlatColumns {
            rows,
            row: 0,
            names: Vec::new(),
            place: std::collections::HashMap::new(),
            columns: Vec::new(),
        }
    }

    /// The next row's cells, in the order of its names (a row as a sorted map gives them).
    /// A null cell is absent, but its name makes a column.
    pub fn row(&mut self, cells: impl IntoIterator<Item = (Cow<'a, str>, Cell<'a>)>) {
        let (i, rows) = (self.row, self.rows);
        for (name, cell) in cells {
            let c = match self.place.get(&name) {
                Some(c) => *c,
                None => {
                    self.names.push(name.clone());
                    self.columns
                        .push(std::iter::repeat_with(|| None).take(rows).collect());
                    self.place.insert(name, self.columns.len() - 1);
                    self.columns.len() - 1
                }
            };
            if let Some(slot) = self.columns.get_mut(c).and_then(|col| col.get_mut(i)) {
                *slot = Some(cell).filter(|c| !c.is_null());
            }
        }
        self.row += 1;
    }

    /// The columns as one record batch, each typed by its cells.
    pub fn stream(self) -> PyResult<ArrowStream> {
        use arrow_array::{
            ArrayRef, BooleanArray, Float64Array, Int64Array, NullArray, StringArray,
            TimestampSecondArray,
        };
        use arrow_schema::{Field, Schema};
        use serde_json::Value;
        use std::sync::Arc;

        let rows = self.rows;
        let mut fields = Vec::new();
        let mut arrays: Vec<ArrayRef> = Vec::new();
        for (name, cells) in self.names.into_iter().zip(self.columns) {
            let present = || cells.iter().flatten();
            let json = |f: fn(&Value) -> bool| present().all(|c| c.json().is_some_and(f));
            let array: ArrayRef = if present().next().is_none() {
                Arc::new(NullArray::new(rows))
            } else if json(Value::is_boolean) {
                Arc::new(values(&cells, Value::as_bool).collect::<BooleanArray>())
            } else if json(Value::is_i64) {
                Arc::new(values(&cells, Value::as_i64).collect::<Int64Array>())
            } else if json(Value::is_number) {
                Arc::new(values(&cells, Value::as_f64).collect::<Float64Array>())
            } else if present().all(|c| c.time().is_some()) {
                let secs = cells.iter().map(|c| {
                    c.as_ref()
                        .and_then(Cell::time)
                        .map(wangge::time::Timestamp::unix_seconds)
                });
                Arc::new(
                    secs.collect::<TimestampSecondArray>()
                        .with_timezone("+08:00"),
                )
            } else {
                let text = cells.iter().map(|c| c.as_ref().map(Cell::text));
                Arc::new(text.collect::<StringArray>())
            };
            fields.push(Field::new(name, array.data_type().clone(), true));
            arrays.push(array);
        }
        let schema = Arc::new(Schema::new(fields));
        let batch = if arrays.is_empty() {
            RecordBatch::new_empty(schema.clone())
        } else {
            RecordBatch::try_new(schema.clone(), arrays)
                .map_err(|e| PyTypeError::new_err(e.to_string()))?
        };
        Ok(ArrowStream {
            schema,
            batches: vec![batch],
        })
    }
}

/// Columns of Python cells (see `Ledger.load_columns`) as one record batch, when every
/// column is of one plain type: text, booleans, whole numbers (instants where named in
/// `epoch`), with `None` or NaN for absent values; a column of nothing but absent values is
/// Arrow's null type. `None` when a column holds anything else (or the envelope's columns
/// are not all there), for the flat-row reader to give its verdict on each cell; the two
/// readers give the same verdicts (`load_events`), this one without a map per row.
pub fn batch_of_columns(
    columns: &Bound<'_, pyo3::types::PyDict>,
    epoch: &[String],
) -> PyResult<Option<RecordBatch>> {
    use arrow_array::builder::{BooleanBuilder, StringBuilder};
    use arrow_array::{ArrayRef, Int64Array, NullArray, TimestampSecondArray};
    use arrow_schema::{Field, Schema};
    use pyo3::types::{PyBool, PyFloat, PyInt, PyString};
    use std::sync::Arc;

    /// An absent value: `None`, or NaN (pandas' missing value in an object column).
    fn absent(cell: &Bound<'_, PyAny>) -> bool {
        cell.is_none() || cell.cast::<PyFloat>().is_ok_and(|f| f.value().is_nan())
    }
    enum Builder {
        Text(StringBuilder),
        Bool(BooleanBuilder),
        /// Whole numbers, and whether they are instants (Unix seconds).
        Int(Vec<Option<i64>>, bool),
    }
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    let mut rows = None;
    for (k, v) in columns.iter() {
        let name = crate::convert::text(&k)?;
        let cells: Vec<Bound<'_, PyAny>> = v.try_iter()?.collect::<PyResult<_>>()?;
        if *rows.get_or_insert(cells.len()) != cells.len() {
            return Ok(None);
        }
        // In a column of instants only `None` is absent, as the flat-row reader has it (a NaN
        // there is an error, which that reader raises).
        let is_epoch = epoch.contains(&name);
        let absent = |cell: &Bound<'_, PyAny>| {
            if is_epoch {
                cell.is_none()
            } else {
                absent(cell)
            }
        };
        let first = cells.iter().find(|c| !absent(c));
        let mut builder = match first {
            None => {
                fields.push(Field::new(&name, arrow_schema::DataType::Null, true));
                arrays.push(Arc::new(NullArray::new(cells.len())));
                continue;
            }
            Some(c) if c.is_instance_of::<PyString>() => {
                Builder::Text(StringBuilder::with_capacity(cells.len(), cells.len() * 8))
            }
            Some(_) if is_epoch && first.and_then(int).is_none() => return Ok(None),
            Some(c) if c.is_instance_of::<PyBool>() => {
                Builder::Bool(BooleanBuilder::with_capacity(cells.len()))
            }
            Some(c) if c.is_instance_of::<PyInt>() => {
                Builder::Int(Vec::with_capacity(cells.len()), is_epoch)
            }
            Some(_) => return Ok(None),
        };
        for cell in &cells {
            let fits = match &mut builder {
                Builder::Text(b) if absent(cell) => {
                    b.append_null();
                    true
                }
                Builder::Bool(b) if absent(cell) => {
                    b.append_null();
                    true
                }
                Builder::Int(v, _) if absent(cell) => {
                    v.push(None);
                    true
                }
                Builder::Text(b) => match cell.cast::<PyString>() {
                    Ok(s) => {
                        b.append_value(s.to_cow()?);
                        true
                    }
                    Err(_) => false,
                },
                Builder::Bool(b) => match cell.cast::<PyBool>() {
                    Ok(v) => {
                        b.append_value(v.is_true());
                        true
                    }
                    Err(_) => false,
                },
                // An instant out of range is an error the flat-row reader raises.
                Builder::Int(v, time) => int(cell)
                    .filter(|x| !*time || wangge::time::Timestamp::from_unix_seconds(*x).is_ok())
                    .map(|x| v.push(Some(x)))
                    .is_some(),
            };
            if !fits {
                return Ok(None);
            }
        }
        let array: ArrayRef = match builder {
            Builder::Text(mut b) => Arc::new(b.finish()),
            Builder::Bool(mut b) => Arc::new(b.finish()),
            Builder::Int(v, false) => Arc::new(Int64Array::from(v)),
            Builder::Int(v, true) => {
                Arc::new(TimestampSecondArray::from(v).with_timezone("+08:00"))
            }
        };
        fields.push(Field::new(&name, array.data_type().clone(), true));
        arrays.push(array);
    }
    let needed = ["ticket", "at", "actor", "type"];
    if !needed.iter().all(|n| fields.iter().any(|f| f.name() == n)) {
        return Ok(None);
    }
    Ok(RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).ok())
}

/// A whole number that is a Python `int` (not a `bool`) and fits 64 bits.
fn int(cell: &Bound<'_, PyAny>) -> Option<i64> {
    if cell.is_instance_of::<pyo3::types::PyBool>() || !cell.is_instance_of::<pyo3::types::PyInt>()
    {
        return None;
    }
    cell.extract().ok()
}
