//! Python bindings for wangge: translation only, the domain lives in `core/`.
//!
//! Conventions: documents and records cross the boundary as plain Python data in the core's
//! serde shapes (camelCase keys, snake_case enum values, times as RFC 3339 strings); times
//! given as arguments are aware `datetime`s or RFC 3339 strings, and times returned on their
//! own are aware `datetime`s at UTC+08:00. Errors are exceptions of `wangge.errors`.

mod arrow;
mod authority;
mod consultation;
mod convert;
mod errors;
mod escalation;
mod geo;
mod hierarchy;
mod ledger;
mod metrics;
mod shared;

use pyo3::prelude::*;

/// The version of the wangge core these bindings wrap.
pub const VERSION: &str = wangge::VERSION;

/// Checks an instant (an aware datetime or an RFC 3339 string) and returns it as an aware
/// datetime at UTC+08:00.
#[pyfunction]
fn instant<'py>(py: Python<'py>, at: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    errors::guard(|| convert::datetime(py, convert::timestamp(at)?))
}

/// The extension module `wangge._wangge`.
#[pymodule]
fn _wangge(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", VERSION)?;
    m.add("TICKET_STATES", ledger::state_names())?;
    m.add_class::<hierarchy::Hierarchy>()?;
    m.add_class::<ledger::Ledger>()?;
    m.add_class::<arrow::ArrowStream>()?;
    m.add_class::<authority::Authority>()?;
    m.add_class::<escalation::Calendar>()?;
    m.add_class::<escalation::EscalationPolicy>()?;
    m.add_class::<escalation::Decisions>()?;
    m.add_class::<consultation::OwnerRoll>()?;
    m.add_class::<consultation::ResidentRoll>()?;
    m.add_class::<consultation::Electorate>()?;
    m.add_class::<consultation::Rule>()?;
    m.add_class::<consultation::Vote>()?;
    m.add_class::<consultation::ForumRecords>()?;
    m.add_class::<metrics::Metrics>()?;
    m.add_function(wrap_pyfunction!(instant, m)?)?;
    m.add_function(wrap_pyfunction!(geo::convert_coords, m)?)?;
    m.add_function(wrap_pyfunction!(ledger::public_key_of, m)?)?;
    m.add_function(wrap_pyfunction!(
        escalation::service_policy_guangdong_12345,
        m
    )?)?;
    m.add_function(wrap_pyfunction!(escalation::service_policy_beijing, m)?)?;
    m.add_function(wrap_pyfunction!(escalation::service_policy_document, m)?)?;
    m.add_function(wrap_pyfunction!(escalation::scale_service_policy, m)?)?;
    m.add_function(wrap_pyfunction!(consultation::rule_document, m)?)?;
    m.add_function(wrap_pyfunction!(metrics::compute_metrics, m)?)?;
    m.add_function(wrap_pyfunction!(metrics::metrics_partial, m)?)?;
    m.add_function(wrap_pyfunction!(metrics::merge_metrics, m)?)?;
    m.add_function(wrap_pyfunction!(metrics::open311_arrow, m)?)?;
    m.add_function(wrap_pyfunction!(metrics::open311_requests, m)?)?;
    m.add_function(wrap_pyfunction!(metrics::open311_services, m)?)?;
    m.add_function(wrap_pyfunction!(metrics::open311_import, m)?)?;
    m.add_function(wrap_pyfunction!(metrics::open311_read, m)?)?;
    m.add_function(wrap_pyfunction!(metrics::open311_import_services, m)?)?;
    m.add_function(wrap_pyfunction!(metrics::open311_services_named, m)?)?;
    Ok(())
}
