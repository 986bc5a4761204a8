//! Working-time calendars, service levels and the escalation engine.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use wangge::calendar::{BeyondCoverage, Calendar as CoreCalendar};
use wangge::escalation::{self as engine, Decision, EscalationPolicy as CorePolicy};
use wangge::sla::{ServiceLevels, ServicePolicy};
use wangge::ticket::Action;

use crate::convert::{
    date, datetime, enum_of, i64_array, i64s, json, plain, py_date, timestamp, to_py, without_gc,
};
use crate::errors::{error_object, guard, IntoPyResult};
use crate::ledger::Ledger;

/// JSON text of a document given as a dict or as text.
pub(crate) fn json_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    match obj.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?.into_owned()),
        Err(_) => Ok(json(obj)?.to_string()),
    }
}

/// A service policy from a dict or JSON text, validated.
pub(crate) fn service_policy(obj: &Bound<'_, PyAny>) -> PyResult<ServicePolicy> {
    ServicePolicy::from_json(&json_text(obj)?).py()
}

/// A working calendar (工作日历): weekly spans, holidays and make-up working days. Immutable.
#[pyclass(frozen, module = "wangge._wangge")]
pub struct Calendar {
    pub(crate) inner: CoreCalendar,
}

#[pymethods]
impl Calendar {
    /// A calendar from its JSON document (a dict or JSON text).
    #[new]
    fn new(document: &Bound<'_, PyAny>) -> PyResult<Calendar> {
        guard(|| {
            Ok(Calendar {
                inner: CoreCalendar::from_json(&json_text(document)?).py()?,
            })
        })
    }

    /// Monday to Friday 08:30–12:00 and 14:00–17:30 at +08:00, no exceptions (not an official
    /// holiday schedule): a plain weekly pattern, covering no year.
    #[staticmethod]
    fn standard() -> Calendar {
        Calendar {
            inner: CoreCalendar::standard(),
        }
    }

    /// The standard office week with the State Council holiday notices shipped with this
    /// version (2025 and 2026), covering those years: a computation that reaches another year
    /// raises `calendar.beyond_coverage`.
    #[staticmethod]
    fn china() -> Calendar {
        Calendar {
            inner: CoreCalendar::china(),
        }
    }

    /// The years whose holiday notice this calendar holds (empty: a plain weekly pattern).
    #[getter]
    fn covers(&self) -> Vec<i16> {
        self.inner.covers().to_vec()
    }

    /// What computations do with days outside the covered years: `"refuse"` or
    /// `"ordinary_weeks"`.
    #[getter]
    fn beyond_coverage(&self) -> &'static str {
        self.inner.beyond_coverage().as_str()
    }

    /// This calendar with another treatment of days outside the covered years (`"refuse"` or
    /// `"ordinary_weeks"`).
    fn with_beyond_coverage(&self, beyond: &str) -> PyResult<Calendar> {
        guard(|| {
            let beyond: BeyondCoverage = enum_of(beyond)?;
            Ok(Calendar {
                inner: self.inner.clone().with_beyond_coverage(beyond),
            })
        })
    }

    /// This calendar with exceptions from lines `YYYY-MM-DD holiday|working [name]` and
    /// `covers YYYY` lines (the years whose notice the text holds).
    fn with_exceptions_text(&self, text: &str) -> PyResult<Calendar> {
        guard(|| {
            Ok(Calendar {
                inner: self.inner.clone().with_exceptions_text(text).py()?,
            })
        })
    }

    /// The JSON document as a dict.
    fn to_document<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.inner))
    }

    /// The JSON document as text.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Whether an instant is working time.
    fn is_working_time(&self, at: &Bound<'_, PyAny>) -> PyResult<bool> {
        guard(|| self.inner.is_working_time(timestamp(at)?).py())
    }

    /// Whether a date (a `datetime.date` or `YYYY-MM-DD`) is a working day.
    fn is_working_day(&self, day: &Bound<'_, PyAny>) -> PyResult<bool> {
        guard(|| self.inner.is_working_day(date(day)?).py())
    }

    /// The instant `minutes` of working time after `at`.
    fn add_working_minutes<'py>(
        &self,
        py: Python<'py>,
        at: &Bound<'py, PyAny>,
        minutes: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let t = self
                .inner
                .add_working_minutes(timestamp(at)?, minutes)
                .py()?;
            datetime(py, t)
        })
    }

    /// The end of working time on the n-th working day after the day of `at`.
    fn add_working_days<'py>(
        &self,
        py: Python<'py>,
        at: &Bound<'py, PyAny>,
        days: u32,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| datetime(py, self.inner.add_working_days(timestamp(at)?, days).py()?))
    }

    /// Working minutes between two instants (0 if `end` is not after `start`).
    fn working_minutes_between(
        &self,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
    ) -> PyResult<f64> {
        guard(|| {
            Ok(self
                .inner
                .working_seconds_between(timestamp(start)?, timestamp(end)?)
                .py()? as f64
                / 60.0)
        })
    }

    /// The next instant inside working time.
    fn next_working_instant<'py>(
        &self,
        py: Python<'py>,
        at: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| datetime(py, self.inner.next_working_instant(timestamp(at)?).py()?))
    }

    /// The last day of a period of `days` days from `start` (Civil Code Arts. 200–203).
    fn period_end_date<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        days: u32,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| py_date(py, self.inner.period_end_date(date(start)?, days).py()?))
    }

    /// When such a period ends: 24:00 of its last day.
    fn period_deadline<'py>(
        &self,
        py: Python<'py>,
        start: &Bound<'py, PyAny>,
        days: u32,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            datetime(
                py,
                self.inner.period_deadline(timestamp(start)?, days).py()?,
            )
        })
    }

    /// Working-time additions of many instants at once (Unix seconds in, as a list or an
    /// `array('q')`, and out, as an `array('q')`; releases the GIL).
    fn add_working_seconds_many<'py>(
        &self,
        py: Python<'py>,
        at: &Bound<'py, PyAny>,
        seconds: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let ts = i64s(at)?
                .iter()
                .map(|s| wangge::time::Timestamp::from_unix_seconds(*s))
                .collect::<Result<Vec<_>, _>>()
                .py()?;
            let out = py.detach(|| {
                ts.iter()
                    .map(|t| {
                        self.inner
                            .add_working_seconds(*t, seconds)
                            .map(|t| t.unix_seconds())
                    })
                    .collect::<Result<Vec<i64>, _>>()
            });
            i64_array(py, &out.py()?)
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Calendar>()
            .map(|o| o.get().inner == self.inner)
            .unwrap_or(false)
    }

    fn __repr__(&self) -> String {
        format!(
            "Calendar(utc_offset_seconds={}, exceptions={})",
            self.inner.offset_seconds(),
            self.inner.exceptions().count()
        )
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let args = PyTuple::new(py, [slf.get().inner.to_json()])?;
        PyTuple::new(py, [py.get_type::<Calendar>().into_any(), args.into_any()])
    }
}

/// The 12345 hotline deadlines of Guangdong (enquiry 2, help/suggestion 10,
/// complaint/report 15 working days), as a dict.
#[pyfunction]
pub fn service_policy_guangdong_12345(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    guard(|| to_py(py, &ServicePolicy::hotline_12345_guangdong()))
}

/// Beijing's draft service standard (emergency 2 h, utilities 24 h, ordinary 7 days,
/// complex 15 days), as a dict.
#[pyfunction]
pub fn service_policy_beijing(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    guard(|| to_py(py, &ServicePolicy::beijing_draft()))
}

/// A service policy (a dict or JSON text) checked, as a dict.
#[pyfunction]
pub fn service_policy_document<'py>(
    py: Python<'py>,
    policy: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    guard(|| to_py(py, &service_policy(policy)?))
}

/// A service policy scaled by `percent` / 100 (e.g. 80 for a 20% shorter deadline).
#[pyfunction]
#[pyo3(signature = (policy, percent))]
pub fn scale_service_policy<'py>(
    py: Python<'py>,
    policy: &Bound<'py, PyAny>,
    percent: u32,
) -> PyResult<Bound<'py, PyAny>> {
    guard(|| to_py(py, &service_policy(policy)?.scaled(percent).py()?))
}

/// Decisions of the escalation engine (a sequence of dicts), kept on the Rust side so that
/// applying them does not read them back.
#[pyclass(frozen, sequence, module = "wangge._wangge")]
pub struct Decisions {
    inner: Vec<Decision>,
}

#[pymethods]
impl Decisions {
    /// Decisions from dicts (as `to_list()` gives them).
    #[new]
    fn new(decisions: &Bound<'_, PyAny>) -> PyResult<Decisions> {
        guard(|| {
            Ok(Decisions {
                inner: plain(decisions)?,
            })
        })
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __getitem__<'py>(&self, py: Python<'py>, index: isize) -> PyResult<Bound<'py, PyAny>> {
        let n = self.inner.len() as isize;
        let i = if index < 0 { index + n } else { index };
        match usize::try_from(i).ok().and_then(|i| self.inner.get(i)) {
            Some(d) => to_py(py, d),
            None => Err(pyo3::exceptions::PyIndexError::new_err(
                "decision index out of range",
            )),
        }
    }

    /// The decisions as dicts (with CPython's cyclic collector paused while they are built:
    /// they cannot form a cycle).
    fn to_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            without_gc(py, || {
                let mut dicts = DecisionDicts::new(py);
                let list = pyo3::types::PyList::empty(py);
                for d in &self.inner {
                    list.append(dicts.decision(d)?)?;
                }
                Ok(list.into_any())
            })
        })
    }

    /// The decisions as an Arrow record batch, one row each with nested values flattened
    /// (`effect_action_type`, …), through the Arrow PyCapsule interface.
    fn to_arrow(&self) -> PyResult<crate::arrow::ArrowStream> {
        guard(|| decisions_stream(&self.inner))
    }

    /// The decisions at the given positions, in that order.
    fn select(&self, indices: Vec<usize>) -> Decisions {
        Decisions {
            inner: indices
                .iter()
                .filter_map(|i| self.inner.get(*i).cloned())
                .collect(),
        }
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Decisions>()
            .map(|o| o.get().inner == self.inner)
            .unwrap_or(false)
    }

    fn __repr__(&self) -> String {
        format!("Decisions(len={})", self.inner.len())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let list = to_py(py, &slf.get().inner)?;
        let args = PyTuple::new(py, [list])?;
        PyTuple::new(py, [py.get_type::<Decisions>().into_any(), args.into_any()])
    }
}

/// An escalation policy (升级规则): rules as data, evaluated by a pure engine. Immutable.
#[pyclass(frozen, module = "wangge._wangge")]
pub struct EscalationPolicy {
    inner: CorePolicy,
}

#[pymethods]
impl EscalationPolicy {
    /// A policy from its JSON document (a dict or JSON text), validated.
    #[new]
    fn new(document: &Bound<'_, PyAny>) -> PyResult<EscalationPolicy> {
        guard(|| {
            Ok(EscalationPolicy {
                inner: CorePolicy::from_json(&json_text(document)?).py()?,
            })
        })
    }

    /// The built-in policy assembled from published practice (reminders before deadlines,
    /// escalation when one is missed or a party refuses, a whistle answered within 1 hour and
    /// reported on within 3 working days); see the core's `EscalationPolicy::standard`.
    #[staticmethod]
    fn standard() -> EscalationPolicy {
        EscalationPolicy {
            inner: CorePolicy::standard(),
        }
    }

    /// The JSON document as a dict.
    fn to_document<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.inner))
    }

    /// The JSON document as text.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The decisions at `now`, in a deterministic order; nothing changes until they are
    /// applied. `threads` > 1 evaluates a large sweep on that many threads, with the same
    /// result. Releases the GIL.
    #[pyo3(signature = (ledger, *, now, calendar, threads = 1))]
    fn evaluate(
        &self,
        py: Python<'_>,
        ledger: &Ledger,
        now: &Bound<'_, PyAny>,
        calendar: &Calendar,
        threads: usize,
    ) -> PyResult<Decisions> {
        guard(|| {
            let now = timestamp(now)?;
            let inner = ledger.inner.read_detached(py, |l| {
                engine::evaluate_parallel(now, l, &self.inner, &calendar.inner, threads)
            });
            Ok(Decisions { inner: inner.py()? })
        })
    }

    /// Applies decisions through the ticket lifecycle, as `@system` at `now`. Returns one
    /// dict per decision: `{"index", "state"}` or `{"index", "error"}` (the exception).
    #[pyo3(signature = (ledger, decisions, *, now))]
    fn apply<'py>(
        &self,
        py: Python<'py>,
        ledger: &Ledger,
        decisions: &Decisions,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        guard(|| {
            let now = timestamp(now)?;
            let applied = ledger
                .inner
                .write_detached(py, |l| engine::apply(l, &decisions.inner, now));
            applied
                .into_iter()
                .map(|a| {
                    let d = pyo3::types::PyDict::new(py);
                    d.set_item("index", a.index)?;
                    match a.result {
                        Ok(state) => d.set_item("state", state.as_str())?,
                        Err(e) => d.set_item("error", error_object(py, &e.into())?)?,
                    }
                    Ok(d.into_any())
                })
                .collect()
        })
    }

    /// Evaluates and applies; returns the decisions taken. `threads` > 1 evaluates a large
    /// sweep on that many threads, with the same result. Releases the GIL.
    #[pyo3(signature = (ledger, *, now, calendar, threads = 1))]
    fn sweep(
        &self,
        py: Python<'_>,
        ledger: &Ledger,
        now: &Bound<'_, PyAny>,
        calendar: &Calendar,
        threads: usize,
    ) -> PyResult<Decisions> {
        guard(|| {
            let now = timestamp(now)?;
            let inner = ledger.inner.write_detached(py, |l| {
                engine::sweep_parallel(l, now, &self.inner, &calendar.inner, threads)
            });
            Ok(Decisions { inner: inner.py()? })
        })
    }

    /// Compares this policy (with the `policy` service levels) against an alternative over a
    /// ledger's history up to `horizon`, without touching it. Returns the report as a dict.
    /// Releases the GIL.
    #[pyo3(signature = (ledger, *, policy, calendar, alternative, alternative_policy, horizon))]
    #[allow(clippy::too_many_arguments)]
    fn what_if<'py>(
        &self,
        py: Python<'py>,
        ledger: &Ledger,
        policy: &Bound<'py, PyAny>,
        calendar: &Calendar,
        alternative: &EscalationPolicy,
        alternative_policy: &Bound<'py, PyAny>,
        horizon: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let base = ServiceLevels {
                policy: service_policy(policy)?,
                calendar: calendar.inner.clone(),
            };
            let alt = ServiceLevels {
                policy: service_policy(alternative_policy)?,
                calendar: calendar.inner.clone(),
            };
            let horizon = timestamp(horizon)?;
            let report = ledger.inner.read_detached(py, |l| {
                engine::what_if(l, (&base, &self.inner), (&alt, &alternative.inner), horizon)
            });
            to_py(py, &report.py()?)
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<EscalationPolicy>()
            .map(|o| o.get().inner == self.inner)
            .unwrap_or(false)
    }

    fn __repr__(&self) -> String {
        format!("EscalationPolicy(rules={})", self.inner.rules.len())
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let args = PyTuple::new(py, [slf.get().inner.to_json()])?;
        PyTuple::new(
            py,
            [
                py.get_type::<EscalationPolicy>().into_any(),
                args.into_any(),
            ],
        )
    }
}

/// Decisions as dicts, built member by member: the shape serde gives them (`to_py`, which
/// `Decisions[i]` uses; a test compares the two on every kind of decision), at a fraction of
/// the cost. A sweep's decisions share their texts (the rule's name, the trigger's, the
/// reason of a due instant): each shared text becomes one Python string, however many
/// decisions name it, and consecutive decisions of a ticket share its id. The kinds a sweep
/// makes by the million (escalations, their `rule_fired` markers and the index's
/// `recheck`s) are built here; the other actions go through `to_py`.
struct DecisionDicts<'py> {
    py: Python<'py>,
    /// Shared texts by address and length: the decisions are borrowed for the whole
    /// conversion, so one address holds one text.
    texts: std::collections::HashMap<(usize, usize), Bound<'py, PyString>>,
    ticket: Option<(wangge::ticket::TicketId, Bound<'py, PyString>)>,
}

impl<'py> DecisionDicts<'py> {
    fn new(py: Python<'py>) -> DecisionDicts<'py> {
        DecisionDicts {
            py,
            texts: std::collections::HashMap::new(),
            ticket: None,
        }
    }

    fn text(&mut self, s: &str) -> Bound<'py, PyString> {
        let py = self.py;
        self.texts
            .entry((s.as_ptr() as usize, s.len()))
            .or_insert_with(|| PyString::new(py, s))
            .clone()
    }

    fn ticket(&mut self, id: &wangge::ticket::TicketId) -> Bound<'py, PyString> {
        match &self.ticket {
            Some((last, text)) if last == id => text.clone(),
            _ => {
                let text = PyString::new(self.py, id.as_str());
                self.ticket = Some((id.clone(), text.clone()));
                text
            }
        }
    }

    fn decision(&mut self, d: &Decision) -> PyResult<Bound<'py, PyDict>> {
        let py = self.py;
        let out = PyDict::new(py);
        out.set_item(pyo3::intern!(py, "ticket"), self.ticket(&d.ticket))?;
        out.set_item(pyo3::intern!(py, "rule"), self.text(&d.rule))?;
        out.set_item(pyo3::intern!(py, "trigger"), self.text(&d.trigger))?;
        out.set_item(pyo3::intern!(py, "breach"), d.breach.to_string())?;
        if let Some(subject) = &d.subject {
            out.set_item(pyo3::intern!(py, "subject"), subject.as_str())?;
        }
        out.set_item(pyo3::intern!(py, "reason"), self.text(&d.reason))?;
        let effect = match &d.effect {
            engine::Effect::Act { action } => {
                let effect = PyDict::new(py);
                effect.set_item(pyo3::intern!(py, "type"), pyo3::intern!(py, "act"))?;
                effect.set_item(pyo3::intern!(py, "action"), self.action(action)?)?;
                effect.into_any()
            }
            other => to_py(py, other)?,
        };
        out.set_item(pyo3::intern!(py, "effect"), effect)?;
        Ok(out)
    }

    fn action(&mut self, action: &Action) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        let out = PyDict::new(py);
        let kind = pyo3::intern!(py, "type");
        match action {
            Action::Escalate { to, return_to } => {
                out.set_item(kind, pyo3::intern!(py, "escalate"))?;
                if let Some(to) = to {
                    out.set_item(pyo3::intern!(py, "to"), to.as_str())?;
                }
                if let Some(r) = return_to {
                    out.set_item(pyo3::intern!(py, "returnTo"), r.as_str())?;
                }
            }
            Action::RuleFired {
                rule,
                breach,
                subject,
            } => {
                out.set_item(kind, pyo3::intern!(py, "rule_fired"))?;
                out.set_item(pyo3::intern!(py, "rule"), self.text(rule))?;
                out.set_item(pyo3::intern!(py, "breach"), breach.to_string())?;
                if let Some(subject) = subject {
                    out.set_item(pyo3::intern!(py, "subject"), subject.as_str())?;
                }
            }
            Action::Recheck { deadline, at } => {
                out.set_item(kind, pyo3::intern!(py, "recheck"))?;
                out.set_item(pyo3::intern!(py, "deadline"), deadline.to_string())?;
                if let Some(at) = at {
                    out.set_item(pyo3::intern!(py, "at"), at.to_string())?;
                }
            }
            other => return to_py(py, other),
        }
        Ok(out.into_any())
    }
}

/// The decisions as one Arrow record batch: the table `rows_stream` makes of their flattened
/// JSON (the same columns, in the same order, with the same types and cells; a test compares
/// the two), with the members of the common decisions (escalations, their `rule_fired`
/// markers, the index's `recheck`s, notifications) taken straight from the values, instants
/// as instants. Other actions and effects are flattened through JSON.
pub(crate) fn decisions_stream(decisions: &[Decision]) -> PyResult<crate::arrow::ArrowStream> {
    use crate::arrow::{Cell, FlatColumns};
    use serde_json::{Map, Value};
    use std::borrow::Cow;

    /// The flattened members of a value under a prefix (the JSON route).
    fn flat<T: serde::Serialize>(prefix: &str, value: &T) -> Map<String, Value> {
        let mut out = Map::new();
        if let Ok(v) = serde_json::to_value(value) {
            crate::metrics::flatten(prefix, v, &mut out);
        }
        out
    }
    // What goes through JSON, made first so that the rows can borrow it.
    let other: Vec<Option<Map<String, Value>>> = decisions
        .iter()
        .map(|d| match &d.effect {
            engine::Effect::Act { action } => match action {
                Action::Escalate { .. } | Action::RuleFired { .. } | Action::Recheck { .. } => None,
                other => Some(flat("effect_action", other)),
            },
            engine::Effect::Notify { .. } => None,
            other => Some(flat("effect", other)),
        })
        .collect();
    let mut columns = FlatColumns::new(decisions.len());
    let mut row: Vec<(Cow<'_, str>, Cell<'_>)> = Vec::with_capacity(16);
    for (d, other) in decisions.iter().zip(&other) {
        row.clear();
        let b = |name: &'static str, cell| (Cow::Borrowed(name), cell);
        row.push(b("breach", Cell::Time(d.breach)));
        row.push(b("reason", Cell::Text(&d.reason)));
        row.push(b("rule", Cell::Text(&d.rule)));
        if let Some(subject) = &d.subject {
            row.push(b("subject", Cell::Text(subject.as_str())));
        }
        row.push(b("ticket", Cell::Text(d.ticket.as_str())));
        row.push(b("trigger", Cell::Text(&d.trigger)));
        match &d.effect {
            engine::Effect::Act { action } => {
                row.push(b("effect_type", Cell::Text("act")));
                match action {
                    Action::Escalate { to, return_to } => {
                        row.push(b("effect_action_type", Cell::Text("escalate")));
                        if let Some(to) = to {
                            row.push(b("effect_action_to", Cell::Text(to.as_str())));
                        }
                        if let Some(r) = return_to {
                            row.push(b("effect_action_returnTo", Cell::Text(r.as_str())));
                        }
                    }
                    Action::RuleFired {
                        rule,
                        breach,
                        subject,
                    } => {
                        row.push(b("effect_action_type", Cell::Text("rule_fired")));
                        row.push(b("effect_action_rule", Cell::Text(rule)));
                        row.push(b("effect_action_breach", Cell::Time(*breach)));
                        if let Some(subject) = subject {
                            row.push(b("effect_action_subject", Cell::Text(subject.as_str())));
                        }
                    }
                    Action::Recheck { deadline, at } => {
                        row.push(b("effect_action_type", Cell::Text("recheck")));
                        row.push(b("effect_action_deadline", Cell::Text(deadline.as_str())));
                        if let Some(at) = at {
                            row.push(b("effect_action_at", Cell::Time(*at)));
                        }
                    }
                    _ => {}
                }
            }
            engine::Effect::Notify { to, message } => {
                row.push(b("effect_type", Cell::Text("notify")));
                row.push(b("effect_message", Cell::Text(message)));
                if let Some(to) = to {
                    row.push(b("effect_to", Cell::Text(to)));
                }
            }
            _ => {}
        }
        if let Some(other) = other {
            row.extend(
                other
                    .iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), Cell::Json(v))),
            );
        }
        // In the order of the names, as the flattened row's map gives them.
        row.sort_unstable_by(|x, y| x.0.cmp(&y.0));
        columns.row(row.drain(..));
    }
    columns.stream()
}

#[cfg(test)]
mod tests {
    use super::decisions_stream;
    use wangge::escalation::{Decision, Effect, SharedStr};
    use wangge::hierarchy::NodeId;
    use wangge::ticket::{Action, DeadlineKind, TicketId};
    use wangge::time::Timestamp;

    fn decision(ticket: &str, rule: &str, subject: Option<&str>, effect: Effect) -> Decision {
        Decision {
            ticket: TicketId::new(ticket).unwrap(),
            rule: SharedStr::from(rule),
            trigger: SharedStr::from_static("deadline_missed"),
            breach: t("2025-03-03T09:00:00+08:00"),
            subject: subject.map(|s| NodeId::new(s).unwrap()),
            reason: SharedStr::from("处理时限 2025-03-03T09:00:00+08:00 已过"),
            effect,
        }
    }

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn act(action: Action) -> Effect {
        Effect::Act { action }
    }

    /// The typed route gives the table of the decisions' flattened JSON (`rows_stream`),
    /// column for column, for decisions of every kind, alone and together.
    #[test]
    fn decisions_reach_arrow_as_their_flattened_json_does() {
        let id = |s: &str| NodeId::new(s).unwrap();
        let every = vec![
            decision(
                "T1",
                "late",
                None,
                act(Action::Escalate {
                    to: Some(id("c1")),
                    return_to: None,
                }),
            ),
            decision(
                "T1",
                "late",
                None,
                act(Action::Escalate {
                    to: None,
                    return_to: Some(id("zx")),
                }),
            ),
            decision(
                "T1",
                "late",
                None,
                act(Action::RuleFired {
                    rule: SharedStr::from("late"),
                    breach: t("2025-03-03T09:00:00+08:00"),
                    subject: None,
                }),
            ),
            decision(
                "T2",
                "unsigned",
                Some("smr"),
                act(Action::RuleFired {
                    rule: SharedStr::from("unsigned"),
                    breach: t("2025-03-04T10:30:00+08:00"),
                    subject: Some(id("smr")),
                }),
            ),
            decision(
                "T2",
                "",
                None,
                act(Action::Recheck {
                    deadline: DeadlineKind::Handle,
                    at: Some(t("2025-03-05T09:00:00+08:00")),
                }),
            ),
            decision(
                "T3",
                "",
                None,
                act(Action::Recheck {
                    deadline: DeadlineKind::Acknowledge,
                    at: None,
                }),
            ),
            decision(
                "T3",
                "soon",
                None,
                act(Action::Remind {
                    deadline: DeadlineKind::Handle,
                }),
            ),
            decision(
                "T3",
                "later",
                None,
                act(Action::Supervise {
                    note: Some("督办".into()),
                }),
            ),
            decision(
                "T4",
                "refusal",
                None,
                act(Action::Whistle {
                    departments: vec![id("smr"), id("cg")],
                    sign_by: Some(t("2025-03-03T10:00:00+08:00")),
                    report_by: None,
                }),
            ),
            decision(
                "T4",
                "soon",
                None,
                Effect::Notify {
                    to: Some("grid-leader".into()),
                    message: "快到期".into(),
                },
            ),
            decision(
                "T5",
                "unsigned",
                Some("cg"),
                Effect::Notify {
                    to: None,
                    message: "".into(),
                },
            ),
        ];
        let mut sets: Vec<Vec<Decision>> = every.iter().map(|d| vec![d.clone()]).collect();
        sets.push(every.clone());
        sets.push(every.iter().rev().cloned().collect());
        sets.push(Vec::new());
        // A rule whose name reads as an instant: in a column of such names, the column is
        // one of instants by both routes; beside another name, text by both.
        let instant = decision(
            "T6",
            "2025-03-03T09:00:00+08:00",
            None,
            act(Action::Remind {
                deadline: DeadlineKind::Handle,
            }),
        );
        sets.push(vec![instant.clone()]);
        sets.push(vec![instant, every[0].clone()]);
        for set in &sets {
            let generic = crate::arrow::rows_stream(&crate::metrics::flat_rows(set)).unwrap();
            assert_eq!(decisions_stream(set).unwrap(), generic, "{set:?}");
        }
    }
}
