//! Metrics, rankings, thresholds and Open311.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use serde_json::{Map, Value};
use wangge::interop::open311;
use wangge::metrics::{self, Metric, MetricsOptions, MetricsReport, Threshold};

use crate::consultation::ForumRecords;
use crate::convert::{enum_of, plain, to_py};
use crate::errors::{error_object, guard, IntoPyResult};
use crate::escalation::Calendar;
use crate::ledger::Ledger;

/// Metrics options given from Python (a dict or JSON text; `None` for the defaults).
fn options_of(options: Option<&Bound<'_, PyAny>>) -> PyResult<MetricsOptions> {
    match options {
        Some(o) if !o.is_none() => plain(o),
        _ => Ok(MetricsOptions::default()),
    }
}

/// A metrics report (三率, closing and on-time rates, returns, escalations, whistle
/// punctuality, grid load, forum statistics), computed by the core. Immutable.
#[pyclass(frozen, module = "wangge._wangge")]
pub struct Metrics {
    inner: MetricsReport,
}

/// Flattens nested objects into one level (`rates.satisfaction` → `rates_satisfaction`),
/// moving the leaves out of the value.
pub(crate) fn flatten(prefix: &str, v: Value, out: &mut Map<String, Value>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if prefix.is_empty() {
                    flatten(&k, v, out);
                } else {
                    flatten(&format!("{prefix}_{k}"), v, out);
                }
            }
        }
        other => {
            out.insert(prefix.to_owned(), other);
        }
    }
}

pub(crate) fn flat_rows<T: serde::Serialize>(items: &[T]) -> Vec<Map<String, Value>> {
    items
        .iter()
        .map(|item| {
            let mut out = Map::new();
            if let Ok(v) = serde_json::to_value(item) {
                flatten("", v, &mut out);
            }
            out
        })
        .collect()
}

#[pymethods]
impl Metrics {
    /// Every metric over a ledger, grouped and split in time as the options say (a dict such
    /// as `{"groupBy": "street", "periodBy": "month"}`); forum statistics when records are
    /// given. Releases the GIL.
    #[new]
    #[pyo3(signature = (ledger, calendar, options = None, *, forums = None))]
    fn new(
        py: Python<'_>,
        ledger: &Ledger,
        calendar: &Calendar,
        options: Option<&Bound<'_, PyAny>>,
        forums: Option<&ForumRecords>,
    ) -> PyResult<Metrics> {
        guard(|| {
            let options: MetricsOptions = match options {
                Some(o) if !o.is_none() => plain(o)?,
                _ => MetricsOptions::default(),
            };
            let inner = ledger.inner.read_detached(py, |l| {
                metrics::compute(l, &calendar.inner, &options, forums.map(|f| &f.inner))
            });
            Ok(Metrics { inner: inner.py()? })
        })
    }

    /// The report as a dict (`rows`, `departments`, `grids`, `forums`).
    fn report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.inner))
    }

    /// The rows (one per group and period) flattened to one level (`counts_reported`,
    /// `rates_satisfaction`, …), for a DataFrame.
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &flat_rows(&self.inner.rows)))
    }

    /// Whistle punctuality per department, flattened.
    fn departments<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &flat_rows(&self.inner.departments)))
    }

    /// Load per grid, flattened.
    fn grids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &flat_rows(&self.inner.grids)))
    }

    /// The flattened rows (`"rows"`), departments or grids as an Arrow record batch, through
    /// the Arrow PyCapsule interface (`pyarrow.table(m.to_arrow())`).
    #[pyo3(signature = (what = "rows"))]
    fn to_arrow(&self, what: &str) -> PyResult<crate::arrow::ArrowStream> {
        guard(|| {
            let rows = match what {
                "rows" => flat_rows(&self.inner.rows),
                "departments" => flat_rows(&self.inner.departments),
                "grids" => flat_rows(&self.inner.grids),
                other => {
                    return Err(pyo3::exceptions::PyValueError::new_err(format!(
                        "what must be 'rows', 'departments' or 'grids', not {other:?}"
                    )))
                }
            };
            crate::arrow::rows_stream(&rows)
        })
    }

    /// Ranks the rows of one period by a metric (ties share a rank), best first.
    #[pyo3(signature = (metric, *, period = "all", lowest_first = false))]
    fn rank<'py>(
        &self,
        py: Python<'py>,
        metric: &str,
        period: &str,
        lowest_first: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let m: Metric = enum_of(metric)?;
            to_py(py, &metrics::rank(&self.inner, m, period, lowest_first))
        })
    }

    /// The rows that break thresholds (dicts `{"metric", "atLeast"|"atMost"}` with exact
    /// weights `{"num", "den"}`).
    fn check<'py>(
        &self,
        py: Python<'py>,
        thresholds: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let t: Vec<Threshold> = plain(thresholds)?;
            to_py(py, &metrics::check(&self.inner, &t))
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Metrics>()
            .map(|o| o.get().inner == self.inner)
            .unwrap_or(false)
    }

    fn __repr__(&self) -> String {
        format!(
            "Metrics(rows={}, departments={}, grids={})",
            self.inner.rows.len(),
            self.inner.departments.len(),
            self.inner.grids.len()
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let text = serde_json::to_string(&slf.get().inner)
            .map_err(|e| crate::errors::malformed(e.to_string()))?;
        let ctor = py.get_type::<Metrics>().getattr("_from_json")?;
        let args = PyTuple::new(py, [text])?;
        PyTuple::new(py, [ctor, args.into_any()])
    }

    /// A report from its JSON text (as pickled).
    #[staticmethod]
    fn _from_json(text: &str) -> PyResult<Metrics> {
        guard(|| {
            Ok(Metrics {
                inner: serde_json::from_str(text)
                    .map_err(|e| crate::errors::malformed(e.to_string()))?,
            })
        })
    }
}

/// Every ticket as an Open311 GeoReport v2 service request (dicts).
#[pyfunction]
pub fn open311_requests<'py>(py: Python<'py>, ledger: &Ledger) -> PyResult<Bound<'py, PyAny>> {
    guard(|| {
        let v = ledger.inner.read_detached(py, open311::requests);
        to_py(py, &v)
    })
}

/// Every ticket as an Open311 GeoReport v2 service request, as one Arrow record batch (the
/// request's fields as columns, typed by their values; instants as timestamps), through the
/// Arrow PyCapsule interface.
#[pyfunction]
pub fn open311_arrow(py: Python<'_>, ledger: &Ledger) -> PyResult<crate::arrow::ArrowStream> {
    guard(|| {
        let requests = ledger.inner.read_detached(py, open311::requests);
        crate::arrow::rows_stream(&flat_rows(&requests))
    })
}

/// The ledger's taxonomy as Open311 services (dicts).
#[pyfunction]
pub fn open311_services<'py>(py: Python<'py>, ledger: &Ledger) -> PyResult<Bound<'py, PyAny>> {
    guard(|| {
        let v = ledger.inner.read(py, |l| open311::services(l.taxonomy()));
        to_py(py, &v)
    })
}

/// An Open311 document: its text (JSON or XML) or its JSON already read (lists, dicts).
fn open311_document(doc: &Bound<'_, PyAny>) -> PyResult<open311::Document> {
    if let Ok(s) = doc.cast::<pyo3::types::PyString>() {
        return open311::read(&s.to_cow()?).map_err(|e| crate::errors::to_py(&e.into()));
    }
    if let Ok(b) = doc.cast::<pyo3::types::PyBytes>() {
        let text = std::str::from_utf8(b.as_bytes())
            .map_err(|e| crate::errors::malformed(format!("not UTF-8 text: {e}")))?;
        return open311::read(text).map_err(|e| crate::errors::to_py(&e.into()));
    }
    let value: Value = plain(doc)?;
    open311::classify(value).map_err(|e| crate::errors::to_py(&e.into()))
}

fn row_errors<'py>(
    py: Python<'py>,
    errors: Vec<open311::RowError>,
) -> PyResult<Vec<(usize, Bound<'py, PyAny>)>> {
    errors
        .into_iter()
        .map(|e| Ok((e.row, error_object(py, &e.error.into())?)))
        .collect()
}

/// Imports an Open311 GeoReport v2 document as tickets: its text (JSON or XML, as `bytes` or
/// `str`), a list of request dicts, or one dict as `GET /requests/{id}` returns it. A request
/// is placed by `address_id` when it is one of our units, else by `lat`/`long` (WGS-84) in
/// the hierarchy's boundaries, else in `default_unit`; its state comes from its `status`
/// through the status table (`statuses` adds to it: `{"acknowledged": "filed"}`); times
/// without a zone are read at `local_offset` (`"-07:00"`). Returns a dict: `tickets` (ids
/// imported), `unmapped` (fields wangge has no place for, as given), `assumed` (what was
/// assumed, and why), `duplicates` (rows repeating an earlier row) and `errors` (`[(row,
/// exception)]`, rows from 1). An error document raises `Open311Error` (code
/// `open311.server_error`), as does a document of another kind.
#[pyfunction]
#[pyo3(signature = (ledger, requests, default_unit = None, *, statuses = None, local_offset = None))]
pub fn open311_import<'py>(
    py: Python<'py>,
    ledger: &Ledger,
    requests: &Bound<'py, PyAny>,
    default_unit: Option<&str>,
    statuses: Option<&Bound<'py, PyAny>>,
    local_offset: Option<String>,
) -> PyResult<Bound<'py, PyDict>> {
    guard(|| {
        let doc = open311_document(requests)?;
        let statuses = match statuses {
            Some(s) if !s.is_none() => serde_json::from_value(plain(s)?)
                .map_err(|e| crate::errors::malformed(format!("statuses: {e}")))?,
            _ => Default::default(),
        };
        let options = open311::ImportOptions {
            default_unit: default_unit
                .map(|u| u.parse::<wangge::hierarchy::NodeId>())
                .transpose()
                .py()?,
            statuses,
            local_offset,
        };
        let items = doc
            .into_requests()
            .map_err(|e| crate::errors::to_py(&e.into()))?;
        let imported = ledger
            .inner
            .write_detached(py, |l| open311::import_with(l, &items, &options))
            .map_err(|e| crate::errors::to_py(&e.into()))?;
        let out = PyDict::new(py);
        out.set_item("tickets", to_py(py, &imported.tickets)?)?;
        out.set_item("unmapped", to_py(py, &imported.unmapped)?)?;
        out.set_item("assumed", to_py(py, &imported.assumed)?)?;
        out.set_item("duplicates", to_py(py, &imported.duplicates)?)?;
        out.set_item("errors", row_errors(py, imported.errors)?)?;
        Ok(out)
    })
}

/// Reads an Open311 GeoReport v2 document (text, JSON or XML; or JSON already read) and says
/// what it is: a dict with `kind` (`requests`, `services`, `definition`, `receipts` or
/// `errors`) and `items` (the requests, services or receipts as dicts, the definition, or
/// the errors as `{code, description}`). Raises `Open311Error` (`open311.malformed`) for
/// anything else.
#[pyfunction]
pub fn open311_read<'py>(
    py: Python<'py>,
    document: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    guard(|| {
        let doc = open311_document(document)?;
        let out = PyDict::new(py);
        out.set_item("kind", doc.name())?;
        let items = match doc {
            open311::Document::Requests(v)
            | open311::Document::Services(v)
            | open311::Document::Receipts(v) => to_py(py, &v)?,
            open311::Document::ServiceDefinition(v) => to_py(py, &v)?,
            open311::Document::Errors(e) => to_py(py, &e)?,
            _ => to_py(py, &Value::Null)?,
        };
        out.set_item("items", items)?;
        Ok(out)
    })
}

/// Imports an Open311 service list (`GET /services`: text, JSON or XML, or a list of dicts)
/// into a taxonomy: a dict with `taxonomy` (a taxonomy document, for `Ledger(hierarchy,
/// taxonomy)`), `unmapped` (service fields a category does not carry) and `errors`
/// (`[(row, exception)]`).
#[pyfunction]
pub fn open311_import_services<'py>(
    py: Python<'py>,
    services: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    guard(|| {
        let items = open311_document(services)?
            .into_services()
            .map_err(|e| crate::errors::to_py(&e.into()))?;
        let imported = open311::import_services(&items);
        let out = PyDict::new(py);
        let doc: Value = serde_json::from_str(&imported.taxonomy.to_json())
            .map_err(|e| crate::errors::malformed(e.to_string()))?;
        out.set_item("taxonomy", to_py(py, &doc)?)?;
        out.set_item("unmapped", to_py(py, &imported.unmapped)?)?;
        out.set_item("errors", row_errors(py, imported.errors)?)?;
        Ok(out)
    })
}

/// The services a list of requests names (distinct `service_code`s with their
/// `service_name`s), as service dicts: a taxonomy for requests whose server's service list
/// is not at hand (`open311_import_services(open311_services_named(requests))`).
#[pyfunction]
pub fn open311_services_named<'py>(
    py: Python<'py>,
    requests: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    guard(|| {
        let items = open311_document(requests)?
            .into_requests()
            .map_err(|e| crate::errors::to_py(&e.into()))?;
        to_py(py, &open311::services_named(&items))
    })
}

/// Every metric as a plain report dict (`Metrics(ledger, calendar, options).report()` in one
/// call; `computeMetrics` in JS).
#[pyfunction]
#[pyo3(signature = (ledger, calendar, options = None))]
pub fn compute_metrics<'py>(
    py: Python<'py>,
    ledger: &Ledger,
    calendar: &Calendar,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    Metrics::new(py, ledger, calendar, options, None)?.report(py)
}

/// The metrics of one part of a split ledger as a `wangge.metrics_partial` document (JSON
/// text): what a worker (Dask, Spark, Ray) returns, to be merged exactly by
/// [`merge_metrics`]. Computed with the GIL released.
#[pyfunction]
#[pyo3(signature = (ledger, calendar, options = None))]
pub fn metrics_partial(
    py: Python<'_>,
    ledger: &Ledger,
    calendar: &Calendar,
    options: Option<&Bound<'_, PyAny>>,
) -> PyResult<String> {
    guard(|| {
        let options = options_of(options)?;
        let cal = calendar.inner.clone();
        let partial = ledger
            .inner
            .read_detached(py, move |l| metrics::partial_of(l, &cal, &options));
        Ok(partial.py()?.to_json())
    })
}

/// Merges the `wangge.metrics_partial` documents of the parts of a ledger (from
/// [`metrics_partial`], over the same hierarchy's ids, calendar and options) into the report
/// of the whole: counts add, handling times pool (percentiles of the whole). Raises
/// `MetricsError` for a document of another format or naming a node the hierarchy lacks.
#[pyfunction]
#[pyo3(signature = (hierarchy, calendar, partials, options = None))]
pub fn merge_metrics(
    py: Python<'_>,
    hierarchy: &crate::hierarchy::Hierarchy,
    calendar: &Calendar,
    partials: Vec<String>,
    options: Option<&Bound<'_, PyAny>>,
) -> PyResult<Metrics> {
    guard(|| {
        let options = options_of(options)?;
        let h = hierarchy.arc(py);
        let cal = calendar.inner.clone();
        let report = py.detach(move || -> Result<MetricsReport, wangge::Error> {
            let parts = partials
                .iter()
                .map(|text| metrics::MetricsPartial::from_json(text))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(metrics::merge_partials(&h, &cal, &options, &parts)?)
        });
        Ok(Metrics {
            inner: report.py()?,
        })
    })
}
