//! The authority (职责分工) as a handle: who may take each action on a ticket.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use wangge::ticket::authority::Authority as Core;
use wangge::ticket::ActionKind;

use crate::convert::{json, to_py};
use crate::errors::{guard, IntoPyResult};

/// Who may take each action on a ticket, and who may not (separation of duties, 职责分离):
/// the `wangge.authority` document. Build one from a preset's name (`"gbt30428"`, the
/// default of a new ledger, `"hotline12345"`, or `"legacy_permissive"` for migration only),
/// a document dict or JSON text. Immutable; pickles through its document.
#[pyclass(frozen, module = "wangge._wangge")]
pub struct Authority {
    pub(crate) inner: Arc<Core>,
}

/// An authority from a Python value: an `Authority`, a preset's name, JSON text or a dict.
pub(crate) fn authority_of(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Arc<Core>>> {
    let Some(o) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    if let Ok(a) = o.cast::<Authority>() {
        return Ok(Some(a.get().inner.clone()));
    }
    let core = match o.cast::<PyString>() {
        Ok(s) => {
            let text = s.to_cow()?;
            if text.trim_start().starts_with('{') {
                Core::from_json(&text).py()?
            } else {
                Core::preset(&text).py()?
            }
        }
        Err(_) => Core::from_json(&json(o)?.to_string()).py()?,
    };
    Ok(Some(Arc::new(core)))
}

fn action(name: &str) -> PyResult<ActionKind> {
    name.parse::<ActionKind>().py()
}

#[pymethods]
impl Authority {
    /// An authority from a preset's name, a document dict or JSON text.
    #[new]
    fn new(document: &Bound<'_, PyAny>) -> PyResult<Authority> {
        guard(|| {
            let inner = authority_of(Some(document))?
                .ok_or_else(|| crate::errors::malformed("an authority needs a document"))?;
            Ok(Authority { inner })
        })
    }

    /// A preset by name.
    #[staticmethod]
    fn preset(name: &str) -> PyResult<Authority> {
        guard(|| {
            Ok(Authority {
                inner: Arc::new(Core::preset(name).py()?),
            })
        })
    }

    /// The names of the presets.
    #[classattr]
    const PRESETS: [&'static str; 3] = Core::PRESETS;

    /// The authority's name.
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// Whether it is a migration authority (exempt from the separation of duties).
    #[getter]
    fn migration(&self) -> bool {
        self.inner.is_migration()
    }

    /// The roles that may take an action (snake_case names).
    fn roles(&self, action: &str) -> PyResult<Vec<&'static str>> {
        guard(|| {
            Ok(self
                .inner
                .roles(self::action(action)?)
                .iter()
                .map(|r| r.as_str())
                .collect())
        })
    }

    /// The conflict sets excluded from an action (separation of duties).
    fn conflicts(&self, action: &str) -> PyResult<Vec<&'static str>> {
        guard(|| {
            Ok(self
                .inner
                .conflicts(self::action(action)?)
                .map(|c| c.as_str())
                .collect())
        })
    }

    /// The document as a dict (`toDocument()` in JS).
    fn to_document<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.inner.to_document()))
    }

    /// The document as a dict (the older name of `to_document`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.to_document(py)
    }

    /// The document as JSON text.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Authority>()
            .is_ok_and(|o| *o.get().inner == *self.inner)
    }

    fn __repr__(&self) -> String {
        format!("Authority({:?})", self.inner.name())
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let class = py.get_type::<Authority>();
        PyTuple::new(
            py,
            [
                class.into_any(),
                PyTuple::new(py, [self.inner.to_json()])?.into_any(),
            ],
        )
    }
}
