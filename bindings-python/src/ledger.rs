//! The ledger of tickets as a shared handle, with the bulk loaders and exporters.

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple};
use serde_json::{Map, Value};
use wangge::sla::ServiceLevels;
use wangge::ticket::log::{PublicKey, SigningKey};
use wangge::ticket::{
    table, Action, BulkAction, DeadlineKind, Event, Ledger as Core, NewTicket, Taxonomy,
    TicketError, TicketState, Trust,
};
use wangge::time::Timestamp;

use crate::authority::{authority_of, Authority};
use crate::convert::{
    self, datetime, enum_of, i64_column, json, opt_datetime, plain, timestamp, to_py, u32_column,
    u8_array, u8s, without_gc,
};
use crate::errors::{err, error_object, guard, malformed, IntoPyResult, RowError};
use crate::escalation::{service_policy, Calendar};
use crate::hierarchy::Hierarchy;
use crate::shared::Shared;

/// A ledger of tickets (工单台账) over a hierarchy. Every action goes through the closed-loop
/// lifecycle; a refused one raises and changes nothing. Safe to share between threads; bulk
/// calls release the GIL.
#[pyclass(frozen, module = "wangge._wangge")]
pub struct Ledger {
    pub(crate) inner: Shared<Core>,
}

/// Bad rows: `(1-based row number, exception)` pairs.
pub(crate) type BadRows<'py> = Vec<(usize, Bound<'py, PyAny>)>;

pub(crate) fn bad_rows<'py>(
    py: Python<'py>,
    bad: Vec<(usize, wangge::Error)>,
) -> PyResult<BadRows<'py>> {
    bad.into_iter()
        .map(|(i, e)| Ok((i, error_object(py, &e)?)))
        .collect()
}

fn taxonomy(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Taxonomy> {
    match obj {
        None => Ok(Taxonomy::default()),
        Some(o) if o.is_none() => Ok(Taxonomy::default()),
        Some(o) => match o.cast::<PyString>() {
            Ok(s) => Taxonomy::from_json(&s.to_cow()?).py(),
            Err(_) => {
                let text = json(o)?.to_string();
                Taxonomy::from_json(&text).py()
            }
        },
    }
}

/// An empty ledger under an authority (the default when none is given).
fn empty(
    hierarchy: Arc<wangge::hierarchy::Hierarchy>,
    taxonomy: Arc<Taxonomy>,
    authority: Option<&Bound<'_, PyAny>>,
) -> PyResult<Core> {
    let authority = authority_of(authority)?.unwrap_or_default();
    Core::checked(hierarchy, taxonomy, authority).py()
}

/// `trusted=True`: the history is trusted (authority not checked).
fn trust(trusted: bool) -> Trust {
    if trusted {
        Trust::History
    } else {
        Trust::Checked
    }
}

fn unknown_ticket(ticket: &str) -> PyErr {
    err(TicketError::UnknownTicket {
        ticket: ticket.to_owned(),
    })
}

fn rows_of(list: &Bound<'_, PyAny>) -> PyResult<Vec<Map<String, Value>>> {
    let mut rows = Vec::new();
    let iter = list
        .try_iter()
        .map_err(|_| malformed("expected a list of rows (dicts)"))?;
    for (i, item) in iter.enumerate() {
        match json(&item?)? {
            Value::Object(m) => rows.push(m),
            other => {
                return Err(malformed(format!(
                    "row {}: expected a dict, got {other}",
                    i + 1
                )))
            }
        }
    }
    Ok(rows)
}

/// Columns (name → list of cells) as rows; every column must have the same length.
/// Columns named in `epoch` hold instants as Unix seconds (integers; `None` for absent).
fn rows_of_columns(
    columns: &Bound<'_, PyDict>,
    epoch: &[String],
) -> PyResult<Vec<Map<String, Value>>> {
    let mut cols: Vec<(String, Vec<Value>)> = Vec::new();
    for (k, v) in columns.iter() {
        let name = convert::text(&k)?;
        let mut cells = Vec::with_capacity(v.len().unwrap_or(0));
        if epoch.contains(&name) {
            for cell in v.try_iter()? {
                let cell = cell?;
                if cell.is_none() {
                    cells.push(Value::Null);
                } else {
                    let s: i64 = cell.extract()?;
                    let t = Timestamp::from_unix_seconds(s).py()?;
                    cells.push(Value::String(t.to_string()));
                }
            }
        } else if let Ok(list) = v.cast::<PyList>() {
            for cell in list.iter() {
                cells.push(json(&cell)?);
            }
        } else {
            for cell in v.try_iter()? {
                cells.push(json(&cell?)?);
            }
        }
        cols.push((name, cells));
    }
    let n = cols.first().map_or(0, |(_, c)| c.len());
    if let Some((name, c)) = cols.iter().find(|(_, c)| c.len() != n) {
        return Err(malformed(format!(
            "column {name:?} has {} cells, the first column {n}",
            c.len()
        )));
    }
    let mut rows: Vec<Map<String, Value>> = (0..n).map(|_| Map::new()).collect();
    for (name, cells) in cols {
        for (row, cell) in rows.iter_mut().zip(cells) {
            if !cell.is_null() {
                row.insert(name.clone(), cell);
            }
        }
    }
    Ok(rows)
}

/// The union of the rows' keys in first-seen order, with each key's position.
fn column_names(
    rows: &[Map<String, Value>],
) -> (Vec<&str>, std::collections::HashMap<&str, usize>) {
    let mut names: Vec<&str> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for r in rows {
        for k in r.keys() {
            if !index.contains_key(k.as_str()) {
                index.insert(k.as_str(), names.len());
                names.push(k.as_str());
            }
        }
    }
    (names, index)
}

fn cell<'py>(py: Python<'py>, v: Option<&Value>) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        None | Some(Value::Null) => py.None().into_bound(py),
        Some(Value::String(s)) => PyString::new(py, s).into_any(),
        Some(Value::Bool(b)) => pyo3::types::PyBool::new(py, *b).to_owned().into_any(),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => i.into_pyobject(py)?.into_any(),
            None => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Some(v) => PyString::new(py, &v.to_string()).into_any(),
    })
}

/// Rows as columns: the union of the keys in first-seen order, `None` where a row lacks one.
fn columns_of<'py>(py: Python<'py>, rows: &[Map<String, Value>]) -> PyResult<Bound<'py, PyDict>> {
    let (names, index) = column_names(rows);
    let mut columns: Vec<Vec<Option<&Value>>> =
        names.iter().map(|_| vec![None; rows.len()]).collect();
    for (i, r) in rows.iter().enumerate() {
        for (k, v) in r {
            if let Some(c) = index.get(k.as_str()).and_then(|c| columns.get_mut(*c)) {
                if let Some(slot) = c.get_mut(i) {
                    *slot = Some(v);
                }
            }
        }
    }
    let out = PyDict::new(py);
    for (name, values) in names.iter().zip(columns) {
        let cells = values
            .into_iter()
            .map(|v| cell(py, v))
            .collect::<PyResult<Vec<_>>>()?;
        out.set_item(*name, PyList::new(py, cells)?)?;
    }
    Ok(out)
}

fn read_csv_rows(path: &str) -> Result<Vec<Map<String, Value>>, wangge::Error> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| wangge::Error::Malformed {
        message: format!("cannot read {path:?}: {e}"),
    })?;
    let headers = reader
        .headers()
        .map_err(|e| wangge::Error::Malformed {
            message: format!("{path}: {e}"),
        })?
        .clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let mut row = Map::new();
        match record {
            Ok(r) => {
                for (h, v) in headers.iter().zip(r.iter()) {
                    if !v.is_empty() {
                        let value = if h == "seq" {
                            v.parse::<u64>()
                                .map(Value::from)
                                .unwrap_or_else(|_| Value::String(v.to_owned()))
                        } else {
                            Value::String(v.to_owned())
                        };
                        row.insert(h.to_owned(), value);
                    }
                }
            }
            // A record the CSV reader refuses still takes its row number: an empty type makes
            // the core refuse it with its own error.
            Err(e) => {
                row.insert("type".into(), Value::String(format!("<unreadable: {e}>")));
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

fn write_csv_rows(path: &str, rows: &[Map<String, Value>]) -> Result<(), wangge::Error> {
    let io = |e: csv::Error| wangge::Error::Malformed {
        message: format!("cannot write {path:?}: {e}"),
    };
    let (names, _) = column_names(rows);
    let mut w = csv::Writer::from_path(path).map_err(io)?;
    w.write_record(&names).map_err(io)?;
    for r in rows {
        w.write_record(names.iter().map(|n| match r.get(*n) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(v) => v.to_string(),
        }))
        .map_err(io)?;
    }
    w.flush().map_err(|e| wangge::Error::Malformed {
        message: format!("cannot write {path:?}: {e}"),
    })
}

/// Rows, their line numbers, and the unreadable lines.
type ParsedLines = (
    Vec<Map<String, Value>>,
    Vec<usize>,
    Vec<(usize, wangge::Error)>,
);

/// The bytes of a key: `bytes` or `bytearray` (hex text is refused: `bytes.fromhex` reads it).
fn key_bytes(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(b.to_vec());
    }
    Err(malformed(format!(
        "a key is 32 bytes (bytes or bytearray), got {}",
        obj.get_type().name()?
    )))
}

/// An optional signing key (`signing_key=`).
fn signing_key(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<SigningKey>> {
    match obj {
        Some(o) if !o.is_none() => Ok(Some(SigningKey::from_slice(&key_bytes(o)?).py()?)),
        _ => Ok(None),
    }
}

/// An optional public key (`public_key=`).
fn public_key(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Option<PublicKey>> {
    match obj {
        Some(o) if !o.is_none() => Ok(Some(PublicKey::from_slice(&key_bytes(o)?).py()?)),
        _ => Ok(None),
    }
}

/// The log of a ledger, signed if a key is given.
fn write_log(l: &Core, key: Option<&SigningKey>) -> String {
    match key {
        Some(k) => l.to_jsonl_signed(k),
        None => l.to_jsonl(),
    }
}

/// The public key (32 bytes) of an Ed25519 secret key (32 bytes), for verifying the logs it
/// signs (`Ledger.to_jsonl(signing_key=…)`, `Ledger.from_jsonl(…, public_key=…)`). The
/// library never generates keys: make the secret with `secrets.token_bytes(32)` or your key
/// store, and keep it.
#[pyfunction]
#[pyo3(name = "public_key")]
pub fn public_key_of<'py>(
    py: Python<'py>,
    secret: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    guard(|| {
        let key = SigningKey::from_slice(&key_bytes(secret)?).py()?;
        Ok(PyBytes::new(py, &key.public_key().to_bytes()))
    })
}

/// Parses JSON-lines rows; unreadable lines are reported with their line number.
fn jsonl_rows(text: &str) -> ParsedLines {
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(m)) => {
                rows.push(m);
                lines.push(i + 1);
            }
            Ok(other) => bad.push((
                i + 1,
                wangge::Error::Malformed {
                    message: format!("line {}: expected an object, got {other}", i + 1),
                },
            )),
            Err(e) => bad.push((
                i + 1,
                wangge::Error::Malformed {
                    message: format!("line {}: {e}", i + 1),
                },
            )),
        }
    }
    (rows, lines, bad)
}

fn state_str(s: TicketState) -> &'static str {
    s.as_str()
}

/// The states in the order of their codes (as returned by [`Ledger::apply_coded`]).
pub(crate) fn state_names() -> Vec<&'static str> {
    TicketState::ALL.iter().map(|s| s.as_str()).collect()
}

#[pymethods]
impl Ledger {
    /// An empty ledger over (a snapshot of) a hierarchy, with the default taxonomy or a given
    /// one (a dict or JSON text), under an authority (an `Authority`, a preset's name, a
    /// document; by default `"gbt30428"`).
    #[new]
    #[pyo3(signature = (hierarchy, taxonomy = None, *, authority = None))]
    fn new(
        py: Python<'_>,
        hierarchy: &Hierarchy,
        taxonomy: Option<&Bound<'_, PyAny>>,
        authority: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Ledger> {
        guard(|| {
            let t = Arc::new(self::taxonomy(taxonomy)?);
            Ok(Ledger::wrap(empty(hierarchy.arc(py), t, authority)?))
        })
    }

    /// Reads, verifies (hash chain, sequence, end records) and replays a JSON-lines log given
    /// as text, checking every event against the authority unless `trusted=True` (trusted
    /// history: for logs recorded under another authority or over a hierarchy that changed
    /// since). With `public_key` (32 bytes), every segment must be signed by that key
    /// (`log.unsigned_segment`, `log.bad_signature` otherwise). With `threads` above 1, the
    /// log is parsed and verified on that many threads (the same result; replay stays on one).
    /// Releases the GIL.
    #[staticmethod]
    #[pyo3(signature = (hierarchy, text, taxonomy = None, *, authority = None, trusted = false, public_key = None, threads = 1))]
    #[allow(clippy::too_many_arguments)]
    fn from_jsonl(
        py: Python<'_>,
        hierarchy: &Hierarchy,
        text: &str,
        taxonomy: Option<&Bound<'_, PyAny>>,
        authority: Option<&Bound<'_, PyAny>>,
        trusted: bool,
        public_key: Option<&Bound<'_, PyAny>>,
        threads: usize,
    ) -> PyResult<Ledger> {
        guard(|| {
            let key = self::public_key(public_key)?;
            let t = Arc::new(self::taxonomy(taxonomy)?);
            let mut l = empty(hierarchy.arc(py), t, authority)?;
            py.detach(|| l.load_jsonl_parallel(text, trust(trusted), key.as_ref(), threads))
                .py()?;
            Ok(Ledger::wrap(l))
        })
    }

    /// [`Ledger.from_jsonl`] from a file. Releases the GIL.
    #[staticmethod]
    #[pyo3(signature = (hierarchy, path, taxonomy = None, *, authority = None, trusted = false, public_key = None, threads = 1))]
    #[allow(clippy::too_many_arguments)]
    fn read_jsonl(
        py: Python<'_>,
        hierarchy: &Hierarchy,
        path: std::path::PathBuf,
        taxonomy: Option<&Bound<'_, PyAny>>,
        authority: Option<&Bound<'_, PyAny>>,
        trusted: bool,
        public_key: Option<&Bound<'_, PyAny>>,
        threads: usize,
    ) -> PyResult<Ledger> {
        guard(|| {
            let key = self::public_key(public_key)?;
            let t = Arc::new(self::taxonomy(taxonomy)?);
            let mut l = empty(hierarchy.arc(py), t, authority)?;
            py.detach(|| -> Result<usize, wangge::Error> {
                let text = convert::read_file(&path.to_string_lossy())?;
                Ok(l.load_jsonl_parallel(&text, trust(trusted), key.as_ref(), threads)?)
            })
            .py()?;
            Ok(Ledger::wrap(l))
        })
    }

    /// Rebuilds a ledger from events (dicts in the core's event shape), checking the
    /// lifecycle and (unless `trusted=True`) the authority. The first bad event raises (see
    /// `load_rows` for a loader that reports bad rows instead).
    #[staticmethod]
    #[pyo3(signature = (hierarchy, events, taxonomy = None, *, authority = None, trusted = false))]
    fn replay(
        py: Python<'_>,
        hierarchy: &Hierarchy,
        events: &Bound<'_, PyAny>,
        taxonomy: Option<&Bound<'_, PyAny>>,
        authority: Option<&Bound<'_, PyAny>>,
        trusted: bool,
    ) -> PyResult<Ledger> {
        guard(|| {
            let events: Vec<Event> = plain(events)?;
            let t = Arc::new(self::taxonomy(taxonomy)?);
            let mut l = empty(hierarchy.arc(py), t, authority)?;
            py.detach(|| l.replay_into(events, trust(trusted))).py()?;
            Ok(Ledger::wrap(l))
        })
    }

    /// The authority actions are checked against.
    #[getter]
    fn authority(&self, py: Python<'_>) -> Authority {
        Authority {
            inner: self.inner.read(py, |l| l.authority().clone()),
        }
    }

    /// Whether `actor` may take `action` on `ticket` at `at` (nothing changes).
    #[pyo3(signature = (ticket, *, actor, at, action))]
    fn can(
        &self,
        py: Python<'_>,
        ticket: &str,
        actor: &str,
        at: &Bound<'_, PyAny>,
        action: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        guard(|| {
            let a = action_of(action)?;
            let at = timestamp(at)?;
            Ok(self.inner.read(py, |l| l.can(ticket, actor, at, &a)))
        })
    }

    /// Why `actor` may not take `action` on `ticket` at `at`, or `None` if it may: a dict
    /// with `code`, `rule` (the rule that refuses), `en` and `zh` (the reason in English and
    /// Chinese) and `details` (the error's data).
    #[pyo3(signature = (ticket, *, actor, at, action))]
    fn why_not<'py>(
        &self,
        py: Python<'py>,
        ticket: &str,
        actor: &str,
        at: &Bound<'py, PyAny>,
        action: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let a = action_of(action)?;
            let at = timestamp(at)?;
            let denial = self.inner.read(py, |l| l.why_not(ticket, actor, at, &a));
            to_py(py, &denial)
        })
    }

    /// Everyone who may take `action` on `ticket` at `at`: `"@system"` and node ids.
    #[pyo3(signature = (ticket, *, at, action))]
    fn who_can(
        &self,
        py: Python<'_>,
        ticket: &str,
        at: &Bound<'_, PyAny>,
        action: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<String>> {
        guard(|| {
            let a = action_of(action)?;
            let at = timestamp(at)?;
            let who = self.inner.read(py, |l| l.who_can(ticket, at, &a)).py()?;
            Ok(who.iter().map(|a| a.as_str().to_owned()).collect())
        })
    }

    /// A snapshot of the hierarchy the tickets refer to.
    #[getter]
    fn hierarchy(&self, py: Python<'_>) -> Hierarchy {
        Hierarchy::wrap(self.inner.read(py, |l| l.hierarchy().clone()))
    }

    /// The taxonomy as a dict.
    fn taxonomy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let t = self.inner.read(py, |l| l.taxonomy().clone());
            to_py(py, &*t)
        })
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.inner.read(py, |l| l.len())
    }

    fn __contains__(&self, py: Python<'_>, ticket: &str) -> bool {
        self.inner.read(py, |l| l.key(ticket).is_some())
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        self.inner.read(py, |l| {
            format!(
                "Ledger(tickets={}, events={}, hierarchy_nodes={})",
                l.len(),
                l.event_count(),
                l.hierarchy().len()
            )
        })
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> bool {
        let Ok(o) = other.cast::<Ledger>() else {
            return false;
        };
        if std::ptr::eq(self, o.get()) {
            return true;
        }
        let a = self.inner.read(py, |l| l.all_events().collect::<Vec<_>>());
        let b = o
            .get()
            .inner
            .read(py, |l| l.all_events().collect::<Vec<_>>());
        a == b
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        guard(|| {
            let (h, t, log, levels, authority) = self.inner.read_detached(py, |l| {
                (
                    l.hierarchy().to_json(),
                    l.taxonomy().to_json(),
                    l.to_jsonl(),
                    l.service_levels()
                        .and_then(|s| serde_json::to_string(&**s).ok()),
                    l.authority().to_json(),
                )
            });
            let ctor = py.get_type::<Ledger>().getattr("_from_state")?;
            let args = (h, t, log, levels, authority).into_pyobject(py)?;
            PyTuple::new(py, [ctor, args.into_any()])
        })
    }

    /// Rebuilds a pickled ledger (hierarchy JSON, taxonomy JSON, the log, service levels,
    /// the authority). The log is the ledger's own: it is verified and replayed as trusted
    /// history.
    #[staticmethod]
    #[pyo3(signature = (hierarchy, taxonomy, log, levels, authority = None))]
    fn _from_state(
        py: Python<'_>,
        hierarchy: &str,
        taxonomy: &str,
        log: &str,
        levels: Option<&str>,
        authority: Option<&str>,
    ) -> PyResult<Ledger> {
        guard(|| {
            let authority = authority
                .map(wangge::ticket::authority::Authority::from_json)
                .transpose()
                .py()?;
            let l = py
                .detach(|| -> Result<Core, wangge::Error> {
                    let h = wangge::hierarchy::Hierarchy::from_json(hierarchy)?;
                    let t = Taxonomy::from_json(taxonomy)?;
                    let (h, t) = (Arc::new(h), Arc::new(t));
                    let mut l = Core::checked(h, t, Arc::new(authority.unwrap_or_default()))?;
                    l.load_jsonl(log, Trust::History)?;
                    if let Some(text) = levels {
                        let s: ServiceLevels =
                            serde_json::from_str(text).map_err(|e| wangge::Error::Malformed {
                                message: e.to_string(),
                            })?;
                        l.attach_service_levels(Arc::new(s));
                    }
                    Ok(l)
                })
                .py()?;
            Ok(Ledger::wrap(l))
        })
    }

    /// An independent copy.
    fn copy(&self, py: Python<'_>) -> Ledger {
        Ledger::wrap(self.inner.read(py, |l| l.clone()))
    }

    fn __copy__(&self, py: Python<'_>) -> Ledger {
        self.copy(py)
    }

    fn __deepcopy__(&self, py: Python<'_>, _memo: &Bound<'_, PyAny>) -> Ledger {
        self.copy(py)
    }

    /// The number of events of every ticket.
    #[getter]
    fn event_count(&self, py: Python<'_>) -> usize {
        self.inner.read(py, |l| l.event_count())
    }

    /// Reserves room for `additional` more tickets, so that reporting that many (in one
    /// `report_coded` call or many) does not grow the ledger's tables step by step. More than
    /// the ledger can hold or memory allows raises `TicketError` (`ticket.capacity_exceeded`).
    fn reserve(&self, py: Python<'_>, additional: usize) -> PyResult<()> {
        guard(|| {
            self.inner
                .write_detached(py, |l| l.try_reserve(additional))
                .map_err(err)
        })
    }

    /// Reports a new ticket (a dict: `id`, `category`, `unit`, and optionally `channel`,
    /// `priority`, `requestType`, `verifyFirst`, `holder`, `reporter`, `description`) as `actor` at `at`.
    #[pyo3(signature = (ticket, *, actor, at))]
    fn report(
        &self,
        py: Python<'_>,
        ticket: &Bound<'_, PyAny>,
        actor: &str,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        guard(|| {
            let t: NewTicket = plain(ticket)?;
            let at = timestamp(at)?;
            self.inner
                .write(py, |l| l.report(t, actor, at).map(|_| ()))
                .py()
        })
    }

    /// Applies an action (a dict with a `type`, e.g. `{"type": "dispatch", "to": "…"}`) and
    /// returns the new state.
    #[pyo3(signature = (ticket, *, actor, at, action))]
    fn apply(
        &self,
        py: Python<'_>,
        ticket: &str,
        actor: &str,
        at: &Bound<'_, PyAny>,
        action: &Bound<'_, PyAny>,
    ) -> PyResult<&'static str> {
        guard(|| {
            let a = action_of(action)?;
            let at = timestamp(at)?;
            self.inner
                .write(py, |l| l.apply(ticket, actor, at, a))
                .map(state_str)
                .py()
        })
    }

    /// Checks an action without applying it; returns the state it would lead to.
    #[pyo3(signature = (ticket, *, actor, at, action))]
    fn check(
        &self,
        py: Python<'_>,
        ticket: &str,
        actor: &str,
        at: &Bound<'_, PyAny>,
        action: &Bound<'_, PyAny>,
    ) -> PyResult<&'static str> {
        guard(|| {
            let a = action_of(action)?;
            let at = timestamp(at)?;
            self.inner.read(py, |l| -> PyResult<&'static str> {
                let key = l.key(ticket).ok_or_else(|| unknown_ticket(ticket))?;
                let actor = l.actor_key(actor).py()?;
                l.check(key, actor, at, &a).map(state_str).py()
            })
        })
    }

    /// Applies many actions (dicts with `ticket`, `actor`, `at`, `action`), each on its own.
    /// Returns `(states, errors)`: the state of each item's ticket afterwards (`None` for an
    /// unknown ticket or a row that could not be read), and `(row, exception)` for every
    /// refused row, numbered from 1. A row that cannot be read (a bad time, a missing field)
    /// is refused on its own; the batch goes on.
    fn apply_many<'py>(
        &self,
        py: Python<'py>,
        items: &Bound<'py, PyAny>,
    ) -> PyResult<(Vec<Option<&'static str>>, BadRows<'py>)> {
        guard(|| {
            let not_a_list = || {
                let got = items
                    .get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default();
                malformed(format!("apply_many: a list of action dicts, not {got}"))
            };
            if items.is_instance_of::<PyString>() || items.is_instance_of::<PyDict>() {
                return Err(not_a_list());
            }
            let rows: Vec<Result<BulkAction, RowError<TicketError>>> = items
                .try_iter()
                .map_err(|_| not_a_list())?
                .map(|item| {
                    item.and_then(|i| plain::<BulkAction>(&i))
                        .map_err(RowError::Conversion)
                })
                .collect();
            let report = self.inner.write_detached(py, |l| l.apply_many(rows));
            let states = report.states.iter().map(|s| s.map(state_str)).collect();
            report
                .errors
                .into_iter()
                .map(|(row, e)| Ok((row, e.into_pyerr().into_value(py).into_bound(py).into_any())))
                .collect::<PyResult<BadRows<'py>>>()
                .map(|errors| (states, errors))
        })
    }

    /// The key of a ticket (for the coded bulk entry points).
    fn ticket_key(&self, py: Python<'_>, ticket: &str) -> PyResult<u32> {
        guard(|| {
            self.inner
                .read(py, |l| l.key(ticket).map(|k| k.index()))
                .and_then(|k| u32::try_from(k).ok())
                .ok_or_else(|| unknown_ticket(ticket))
        })
    }

    /// Reports many tickets in one call (releases the GIL): ids, one category, and per
    /// ticket the unit key, the actor key and the time in Unix seconds. Returns
    /// `[(row, exception)]` for the refused ones, rows numbered from 1.
    fn report_coded<'py>(
        &self,
        py: Python<'py>,
        ids: Vec<String>,
        category: &str,
        units: &Bound<'py, PyAny>,
        actors: &Bound<'py, PyAny>,
        at: &Bound<'py, PyAny>,
    ) -> PyResult<BadRows<'py>> {
        guard(|| {
            let (units, actors, at) = (u32_column(units)?, u32_column(actors)?, i64_column(at)?);
            let (units, actors, at) = (units.as_slice(), actors.as_slice(), at.as_slice());
            let bad = self
                .inner
                .write_detached(py, |l| l.report_coded(&ids, category, units, actors, at))
                .py()?;
            bad_rows(py, bad)
        })
    }

    /// Applies many actions given as parallel lists or packed arrays (`array('I')` for keys
    /// and arguments, `array('q')` for times, `bytes`/`array('B')` for codes), in one call
    /// (releases the GIL): ticket
    /// keys, actor keys (`0xFFFFFFFF` for `@system`), times in Unix seconds, action codes and
    /// an argument per action. Codes: 0 file, 1 dispatch (arg: node key), 2 acknowledge,
    /// 3 handle, 4 verify (passed), 5 visit (arg: 0 satisfied, 1 basically satisfied,
    /// 2 unsatisfied), 6 escalate (arg: node key, or `0xFFFFFFFF` for one level up), 7 reject (out of scope), 8 reopen, 9 close,
    /// 10 supervise, 11 set the handling deadline (arg: minutes since the Unix epoch).
    /// Returns `(states, refused)`: the state code after each item as an `array('B')` (an
    /// index into `wangge.TICKET_STATES`) and the row numbers (from 1) of the refused items.
    fn apply_coded<'py>(
        &self,
        py: Python<'py>,
        tickets: &Bound<'py, PyAny>,
        actors: &Bound<'py, PyAny>,
        at: &Bound<'py, PyAny>,
        codes: &Bound<'py, PyAny>,
        args: &Bound<'py, PyAny>,
    ) -> PyResult<(Bound<'py, PyAny>, Vec<usize>)> {
        guard(|| {
            let (tickets, actors) = (u32_column(tickets)?, u32_column(actors)?);
            let (at, codes, args) = (i64_column(at)?, u8s(codes)?, u32_column(args)?);
            let (tickets, actors, at) = (tickets.as_slice(), actors.as_slice(), at.as_slice());
            let args = args.as_slice();
            let report = self
                .inner
                .write_detached(py, |l| l.apply_coded(tickets, actors, at, &codes, args))
                .py()?;
            let states: Vec<u8> = report
                .states
                .iter()
                .map(|s| s.map_or(u8::MAX, |s| s as u8))
                .collect();
            let refused = report.errors.iter().map(|(i, _)| *i).collect();
            Ok((u8_array(py, &states)?, refused))
        })
    }

    /// A ticket as a dict, or `None`.
    fn get<'py>(&self, py: Python<'py>, ticket: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let s = self.inner.read(py, |l| l.get(ticket).map(|v| v.snapshot()));
            match s {
                Some(s) => to_py(py, &s),
                None => Ok(py.None().into_bound(py)),
            }
        })
    }

    /// A ticket's state.
    fn state(&self, py: Python<'_>, ticket: &str) -> PyResult<&'static str> {
        guard(|| {
            self.inner
                .read(py, |l| l.require_ticket(ticket).map(|v| v.state().as_str()))
                .map_err(err)
        })
    }

    /// Every ticket as a dict (the core's snapshot shape).
    fn tickets<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let v = self.inner.read_detached(py, |l| {
                l.tickets().map(|t| t.snapshot()).collect::<Vec<_>>()
            });
            without_gc(py, || to_py(py, &v))
        })
    }

    /// The ids of the tickets in a state.
    fn in_state(&self, py: Python<'_>, state: &str) -> PyResult<Vec<String>> {
        guard(|| {
            let s: TicketState = enum_of(state)?;
            Ok(self
                .inner
                .read(py, |l| l.in_state(s).map(|t| t.id().to_string()).collect()))
        })
    }

    /// The ids of the tickets held by a node.
    fn held_by(&self, py: Python<'_>, holder: &str) -> PyResult<Vec<String>> {
        guard(|| {
            Ok(self.inner.read(py, |l| {
                l.held_by(holder).map(|t| t.id().to_string()).collect()
            }))
        })
    }

    /// The ids of the tickets of a category (and its subcategories).
    fn in_category(&self, py: Python<'_>, category: &str) -> PyResult<Vec<String>> {
        guard(|| {
            Ok(self.inner.read(py, |l| {
                l.in_category(category)
                    .map(|t| t.id().to_string())
                    .collect()
            }))
        })
    }

    /// The ids of the tickets that arose within a unit.
    fn within(&self, py: Python<'_>, unit: &str) -> PyResult<Vec<String>> {
        guard(|| {
            Ok(self
                .inner
                .read(py, |l| l.within(unit).map(|t| t.id().to_string()).collect()))
        })
    }

    /// The deadlines (`(due, ticket id, kind)`) falling due up to `until`, earliest first,
    /// from the ledger's deadline index.
    #[pyo3(signature = (until))]
    fn due_until<'py>(
        &self,
        py: Python<'py>,
        until: &Bound<'py, PyAny>,
    ) -> PyResult<Vec<(Bound<'py, PyAny>, String, &'static str)>> {
        guard(|| {
            let until = timestamp(until)?;
            let due = self.inner.read(py, |l| l.due_ids_until(until));
            due.into_iter()
                .map(|(t, id, d)| Ok((datetime(py, t)?, id, d.as_str())))
                .collect()
        })
    }

    /// The ids of the tickets the escalation engine must look at (open with a pending
    /// re-check or an outstanding summons).
    fn needing_attention(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        guard(|| Ok(self.inner.read(py, |l| l.ids_of(l.needing_attention()))))
    }

    /// The ids of the tickets reported between two instants (both included), in time order.
    fn reported_between(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<String>> {
        guard(|| {
            let (from, to) = (timestamp(start)?, timestamp(end)?);
            Ok(self
                .inner
                .read(py, |l| l.ids_of(l.reported_between(from, to))))
        })
    }

    /// A ticket's events as dicts.
    fn events<'py>(&self, py: Python<'py>, ticket: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let e = self.inner.read(py, |l| l.events(ticket)).py()?;
            to_py(py, &e)
        })
    }

    /// Every event of every ticket as dicts.
    fn all_events<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let v = self
                .inner
                .read_detached(py, |l| l.all_events().collect::<Vec<_>>());
            without_gc(py, || to_py(py, &v))
        })
    }

    /// A deadline of a ticket (`"acknowledge"`, `"handle"`, `"verify"`, `"reply"`) as an
    /// aware datetime, or `None`.
    fn deadline<'py>(
        &self,
        py: Python<'py>,
        ticket: &str,
        kind: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let k: DeadlineKind = kind.parse().py()?;
            let d = self
                .inner
                .read(py, |l| l.get(ticket).map(|v| v.deadline(k)))
                .ok_or_else(|| unknown_ticket(ticket))?;
            opt_datetime(py, d)
        })
    }

    /// When a ticket was reported, as an aware datetime.
    fn reported_at<'py>(&self, py: Python<'py>, ticket: &str) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let t = self
                .inner
                .read(py, |l| l.require_ticket(ticket).map(|v| v.reported_at()))
                .map_err(err)?;
            datetime(py, t)
        })
    }

    /// The hash-chained JSON-lines log; with `signing_key` (an Ed25519 secret key, 32 bytes)
    /// its end records are signed.
    #[pyo3(signature = (*, signing_key = None))]
    fn to_jsonl(&self, py: Python<'_>, signing_key: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        guard(|| {
            let key = self::signing_key(signing_key)?;
            Ok(self.inner.read_detached(py, |l| write_log(l, key.as_ref())))
        })
    }

    /// Writes the hash-chained JSON-lines log to a file, signed with `signing_key` if given
    /// (releases the GIL).
    #[pyo3(signature = (path, *, signing_key = None))]
    fn write_jsonl(
        &self,
        py: Python<'_>,
        path: std::path::PathBuf,
        signing_key: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        guard(|| {
            let key = self::signing_key(signing_key)?;
            self.inner
                .read_detached(py, |l| {
                    convert::write_file(&path.to_string_lossy(), &write_log(l, key.as_ref()))
                })
                .py()
        })
    }

    /// Attaches service levels (a service policy as a dict or JSON text, and a calendar;
    /// `policy=None` detaches) and brings the deadlines of open tickets up to date at `now`.
    /// Returns how many deadlines changed.
    #[pyo3(signature = (policy, calendar, *, now))]
    fn set_service_levels(
        &self,
        py: Python<'_>,
        policy: Option<&Bound<'_, PyAny>>,
        calendar: &Calendar,
        now: &Bound<'_, PyAny>,
    ) -> PyResult<usize> {
        guard(|| {
            let now = timestamp(now)?;
            let levels = match policy {
                Some(p) if !p.is_none() => Some(Arc::new(ServiceLevels {
                    policy: service_policy(p)?,
                    calendar: calendar.inner.clone(),
                })),
                _ => None,
            };
            self.inner
                .write_detached(py, |l| l.set_service_levels(levels, now))
                .py()
        })
    }

    /// The attached service levels (`{"policy": …, "calendar": …}`), or `None`.
    fn service_levels<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let s = self.inner.read(py, |l| l.service_levels().cloned());
            match s {
                Some(s) => to_py(py, &*s),
                None => Ok(py.None().into_bound(py)),
            }
        })
    }

    /// An estimate of the memory held by the tickets, in bytes.
    fn heap_size(&self, py: Python<'_>) -> usize {
        self.inner.read(py, |l| l.heap_size())
    }

    // ----- bulk loading (flat rows; bad rows are reported, good rows kept) -----

    /// Loads flat event rows (dicts with `ticket`, `at`, `actor`, `type` and the action's
    /// fields; see the core's `ticket::table`) into this ledger, replaying each: the
    /// lifecycle and (unless `trusted=True`) the ledger's authority are checked. Returns
    /// `[(row number, exception)]` for the bad rows, 1-based; good rows are kept. Releases the
    /// GIL while replaying.
    #[pyo3(signature = (rows, *, trusted = false))]
    fn load_rows<'py>(
        &self,
        py: Python<'py>,
        rows: &Bound<'py, PyAny>,
        trusted: bool,
    ) -> PyResult<BadRows<'py>> {
        guard(|| {
            let rows = rows_of(rows)?;
            let bad = self
                .inner
                .write_detached(py, |l| table::load_with(l, &rows, trust(trusted)));
            bad_rows(py, bad)
        })
    }

    /// Every event as Arrow record batches (schema `wangge.events` v1: ids, nodes and names
    /// dictionary-encoded, instants as `timestamp[s, +08:00]`), of about `batch_rows` rows
    /// each, built from the ledger's records with the GIL released. The result offers the
    /// Arrow PyCapsule interface: `pyarrow.table(...)`, `polars.from_arrow(...)` or DuckDB
    /// take it without a copy.
    #[pyo3(signature = (*, batch_rows = 1 << 20))]
    fn events_arrow(
        &self,
        py: Python<'_>,
        batch_rows: usize,
    ) -> PyResult<crate::arrow::ArrowStream> {
        guard(|| crate::arrow::events(&self.inner, py, batch_rows))
    }

    /// Every ticket as an Arrow record batch (schema `wangge.tickets` v1: the columns of
    /// `ticket_rows`, typed; node ids and names dictionary-encoded, instants as
    /// `timestamp[s, +08:00]`), through the Arrow PyCapsule interface.
    fn tickets_arrow(&self, py: Python<'_>) -> PyResult<crate::arrow::ArrowStream> {
        guard(|| crate::arrow::tickets(&self.inner, py))
    }

    /// Loads events from an Arrow table or stream (any object with `__arrow_c_stream__`: a
    /// pyarrow Table or RecordBatchReader, a polars DataFrame, an `ArrowStream`), row by row
    /// as [`Ledger.load_rows`] does, with the GIL released: returns `[(row, error)]` for every
    /// bad row (1-based over the whole stream); good rows are kept. A table that cannot be read
    /// at all (no `ticket`, `at`, `actor` or `type` column; a column of a type not read, such
    /// as a naive timestamp) raises `MalformedInput`, and nothing of that batch is loaded.
    #[pyo3(signature = (data, *, trusted = false))]
    fn load_arrow<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        trusted: bool,
    ) -> PyResult<BadRows<'py>> {
        guard(|| crate::arrow::load(&self.inner, py, data, trust(trusted)))
    }

    /// [`Ledger.load_rows`] from columns (a dict of column name → list of cells, e.g. from a
    /// DataFrame); `None`/NaN cells are absent values. Columns named in `epoch_seconds` hold
    /// instants as Unix seconds. When every column holds one plain type (text, booleans or
    /// whole numbers) they are read as one Arrow batch, as [`Ledger.load_arrow`] reads it,
    /// without a dict per row; otherwise row by row. The verdicts are the same either way.
    #[pyo3(signature = (columns, *, epoch_seconds = Vec::new(), trusted = false))]
    fn load_columns<'py>(
        &self,
        py: Python<'py>,
        columns: &Bound<'py, PyDict>,
        epoch_seconds: Vec<String>,
        trusted: bool,
    ) -> PyResult<BadRows<'py>> {
        guard(|| {
            if let Some(batch) = crate::arrow::batch_of_columns(columns, &epoch_seconds)? {
                let bad = self.inner.write_detached(py, |l| {
                    wangge::arrow::load_events(l, &batch, trust(trusted), 0)
                });
                return bad_rows(py, bad.map_err(wangge::Error::from).map_err(err)?);
            }
            let rows = rows_of_columns(columns, &epoch_seconds)?;
            let bad = self
                .inner
                .write_detached(py, |l| table::load_with(l, &rows, trust(trusted)));
            bad_rows(py, bad)
        })
    }

    /// [`Ledger.load_rows`] from a CSV file with a header row (row numbers count data rows
    /// from 1). Releases the GIL.
    #[pyo3(signature = (path, *, trusted = false))]
    fn load_csv<'py>(
        &self,
        py: Python<'py>,
        path: std::path::PathBuf,
        trusted: bool,
    ) -> PyResult<BadRows<'py>> {
        guard(|| {
            let bad = self
                .inner
                .write_detached(py, |l| -> Result<_, wangge::Error> {
                    let rows = read_csv_rows(&path.to_string_lossy())?;
                    Ok(table::load_with(l, &rows, trust(trusted)))
                })
                .py()?;
            bad_rows(py, bad)
        })
    }

    /// [`Ledger.load_rows`] from a JSON-lines file of flat rows, one object per line (row
    /// numbers are line numbers; unreadable lines are reported too). For wangge's own
    /// hash-chained log use [`Ledger.read_jsonl`]. Releases the GIL.
    #[pyo3(signature = (path, *, trusted = false))]
    fn load_jsonl_rows<'py>(
        &self,
        py: Python<'py>,
        path: std::path::PathBuf,
        trusted: bool,
    ) -> PyResult<BadRows<'py>> {
        guard(|| {
            let bad = self
                .inner
                .write_detached(py, |l| -> Result<_, wangge::Error> {
                    let text = convert::read_file(&path.to_string_lossy())?;
                    let (rows, lines, mut bad) = jsonl_rows(&text);
                    for (i, e) in table::load_with(l, &rows, trust(trusted)) {
                        let line = lines.get(i.wrapping_sub(1)).copied().unwrap_or(i);
                        bad.push((line, e));
                    }
                    bad.sort_by_key(|(i, _)| *i);
                    Ok(bad)
                })
                .py()?;
            bad_rows(py, bad)
        })
    }

    // ----- export -----

    /// Every ticket as a flat row (deadlines as `deadline<Kind>` columns).
    fn ticket_rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let rows = self.ticket_rows_vec(py);
            without_gc(py, || to_py(py, &rows))
        })
    }

    /// Every event as a flat row (the inverse of `load_rows`).
    fn event_rows<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let rows = self.event_rows_vec(py);
            without_gc(py, || to_py(py, &rows))
        })
    }

    /// The ticket rows as columns (a dict of lists, for a DataFrame).
    fn ticket_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        guard(|| {
            let rows = self.ticket_rows_vec(py);
            columns_of(py, &rows)
        })
    }

    /// The event rows as columns (a dict of lists, for a DataFrame).
    fn event_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        guard(|| {
            let rows = self.event_rows_vec(py);
            columns_of(py, &rows)
        })
    }

    /// Writes the event rows (`what="events"`) or the ticket rows (`what="tickets"`) to a
    /// CSV file (releases the GIL).
    #[pyo3(signature = (path, *, what = "events"))]
    fn write_csv(&self, py: Python<'_>, path: std::path::PathBuf, what: &str) -> PyResult<()> {
        guard(|| {
            let rows = match what {
                "events" => self.event_rows_vec(py),
                "tickets" => self.ticket_rows_vec(py),
                other => {
                    return Err(malformed(format!(
                        "write_csv: what must be \"events\" or \"tickets\", not {other:?}"
                    )))
                }
            };
            py.detach(|| write_csv_rows(&path.to_string_lossy(), &rows))
                .py()
        })
    }
}

impl Ledger {
    pub(crate) fn wrap(l: Core) -> Ledger {
        Ledger {
            inner: Shared::new(l),
        }
    }

    fn ticket_rows_vec(&self, py: Python<'_>) -> Vec<Map<String, Value>> {
        self.inner.read_detached(py, |l| {
            l.tickets()
                .map(|t| table::ticket_to_row(&t.snapshot()))
                .collect()
        })
    }

    fn event_rows_vec(&self, py: Python<'_>) -> Vec<Map<String, Value>> {
        self.inner.read_detached(py, |l| {
            l.all_events().map(|e| table::event_to_row(&e)).collect()
        })
    }
}

/// An action from a dict (or JSON text).
pub(crate) fn action_of(obj: &Bound<'_, PyAny>) -> PyResult<Action> {
    plain(obj)
}
