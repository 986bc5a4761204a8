//! Errors at the boundary: every `wangge::Error` becomes an instance of one exception class of
//! `wangge.errors`, chosen by its stable code, with the code and the error's data as attributes;
//! every panic is caught and becomes `wangge.InternalError`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The exception class (in `wangge.errors`) for a stable error code. This is the one mapping
/// from the core's codes to Python classes.
pub fn class_for(code: &str) -> &'static str {
    match code {
        "ticket.illegal_transition" => "IllegalTransition",
        "ticket.unauthorized" => "Unauthorized",
        "ticket.separation_of_duty" => "SeparationOfDuty",
        "ticket.out_of_jurisdiction" => "OutOfJurisdiction",
        "log.tampered" | "log.truncated" | "log.unsigned_segment" | "log.bad_signature" => {
            "TamperedLog"
        }
        "input.malformed" => "MalformedInput",
        "internal.panic" => "InternalError",
        _ => match code.split_once('.').map(|(prefix, _)| prefix) {
            Some("hierarchy") => "HierarchyError",
            Some("division") => "DivisionCodeError",
            Some("ticket") => "TicketError",
            Some("log") => "LogError",
            Some("authority") => "AuthorityError",
            Some("taxonomy") => "TaxonomyError",
            Some("calendar") => "CalendarError",
            Some("time") => "TimeError",
            Some("policy") => "PolicyError",
            Some("consultation") => "QuorumError",
            Some("geo") => "GeoError",
            Some("open311") => "Open311Error",
            Some("metrics") => "MetricsError",
            Some("input") => "MalformedInput",
            _ => "WanggeError",
        },
    }
}

/// Attribute names an error's data may not overwrite.
const RESERVED: [&str; 5] = ["args", "code", "details", "message", "with_traceback"];

/// Builds the exception object for a code, a message and the error's data.
pub fn exception<'py>(
    py: Python<'py>,
    code: &str,
    message: &str,
    details: &serde_json::Value,
) -> PyResult<Bound<'py, PyAny>> {
    let module = py.import("wangge.errors")?;
    let class = module
        .getattr(class_for(code))
        .or_else(|_| module.getattr("WanggeError"))?;
    let exc = class.call1((message,))?;
    exc.setattr("code", code)?;
    let data = match pythonize::pythonize(py, details) {
        Ok(d) => d,
        Err(_) => PyDict::new(py).into_any(),
    };
    if let serde_json::Value::Object(map) = details {
        let set = |key: &str, value: &serde_json::Value| -> PyResult<()> {
            if RESERVED.contains(&key) || exc.hasattr(key).unwrap_or(true) {
                return Ok(());
            }
            // A detail that cannot be set stays readable in `details`.
            if let Ok(v) = pythonize::pythonize(py, value) {
                let _ = exc.setattr(key, v);
            }
            Ok(())
        };
        for (k, v) in map {
            set(k, v)?;
        }
        // A replayed event's error: its own data is flattened too (ticket, state, action, …).
        if let Some(serde_json::Value::Object(inner)) = map.get("error") {
            for (k, v) in inner {
                set(k, v)?;
            }
        }
    }
    exc.setattr("details", data)?;
    Ok(exc)
}

/// A `wangge::Error` as an exception object (for lists of bad rows).
pub fn error_object<'py>(py: Python<'py>, err: &wangge::Error) -> PyResult<Bound<'py, PyAny>> {
    exception(py, err.code(), &err.to_string(), &err.details())
}

/// A `wangge::Error` as a Python exception.
pub fn to_py(err: &wangge::Error) -> PyErr {
    Python::attach(
        |py| match exception(py, err.code(), &err.to_string(), &err.details()) {
            Ok(exc) => PyErr::from_value(exc),
            Err(e) => e,
        },
    )
}

/// Converts any error of the core (a module error) to a Python exception.
pub fn err<E: Into<wangge::Error>>(e: E) -> PyErr {
    to_py(&e.into())
}

/// A result of the core as a Python result.
pub trait IntoPyResult<T> {
    /// Maps the error through [`to_py`].
    fn py(self) -> PyResult<T>;
}

impl<T, E: Into<wangge::Error>> IntoPyResult<T> for Result<T, E> {
    fn py(self) -> PyResult<T> {
        self.map_err(err)
    }
}

/// An input that could not be read at all (`input.malformed`).
pub fn malformed(message: impl Into<String>) -> PyErr {
    to_py(&wangge::Error::Malformed {
        message: message.into(),
    })
}

/// Runs an entry point, turning a panic into `wangge.InternalError` (an `Exception`), so that
/// no `PanicException` (a `BaseException`) ever reaches Python.
pub fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            let message = format!("internal error in wangge (please report it): {what}");
            Err(Python::attach(|py| {
                let details = serde_json::json!({ "message": what });
                match exception(py, "internal.panic", &message, &details) {
                    Ok(exc) => PyErr::from_value(exc),
                    Err(_) => PyException::new_err(message),
                }
            }))
        }
    }
}

/// A row of a bulk call refused: the binding could not convert it, or the core refused it.
/// The core numbers both kinds alike (rows from 1), so no row aborts the batch.
pub(crate) enum RowError<E> {
    Conversion(PyErr),
    Refused(E),
}

impl From<wangge::consultation::ConsultationError>
    for RowError<wangge::consultation::ConsultationError>
{
    fn from(e: wangge::consultation::ConsultationError) -> Self {
        RowError::Refused(e)
    }
}

impl From<wangge::ticket::TicketError> for RowError<wangge::ticket::TicketError> {
    fn from(e: wangge::ticket::TicketError) -> Self {
        RowError::Refused(e)
    }
}

impl<E: Into<wangge::Error>> RowError<E> {
    /// The exception to report for the row.
    pub(crate) fn into_pyerr(self) -> PyErr {
        match self {
            RowError::Conversion(e) => e,
            RowError::Refused(e) => err(e),
        }
    }
}
