//! Arrow through the Arrow PyCapsule interface: a ledger's events handed to pyarrow, polars,
//! DuckDB or pandas without a copy (`__arrow_c_stream__`), and a ledger loaded from any
//! object that offers one. The columns are the core's (`wangge::arrow`); this file only
//! moves them across the C stream interface.

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
