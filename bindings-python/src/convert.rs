//! Conversions between Python objects and the core's types: instants, dates, documents and
//! flat rows.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

use wangge::time::{Date, TimeError, Timestamp};

use crate::errors::{err, malformed};

static FROMTIMESTAMP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static CHINA_TZ: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static FROMISOFORMAT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn invalid_instant(input: String, reason: &str) -> PyErr {
    err(TimeError::InvalidInstant {
        input,
        reason: reason.to_owned(),
    })
}

/// An instant from an aware `datetime` (or a pandas `Timestamp`) or an RFC 3339 string with an
/// offset. Naive datetimes are refused with `wangge.TimeError`; a fraction of a second is dropped.
pub fn timestamp(obj: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text = s.to_cow()?;
        return text.parse::<Timestamp>().map_err(err);
    }
    if obj.hasattr("utcoffset")? && obj.hasattr("timestamp")? {
        let repr = obj.repr().map(|r| r.to_string()).unwrap_or_default();
        let offset = obj.call_method0("utcoffset")?;
        if offset.is_none() {
            return Err(invalid_instant(
                repr,
                "a naive datetime names no instant: give an aware datetime (with tzinfo, e.g. timezone(timedelta(hours=8))) or an RFC 3339 string with an offset",
            ));
        }
        // Instants are kept to the second: a fraction is dropped (the start of its second),
        // as the core reads RFC 3339 text with one.
        let seconds: f64 = obj.call_method0("timestamp")?.extract()?;
        if !seconds.is_finite() {
            return Err(invalid_instant(repr, "not a finite instant"));
        }
        return Timestamp::from_epoch_millis(seconds.floor() * 1000.0).map_err(err);
    }
    let repr = obj.repr().map(|r| r.to_string()).unwrap_or_default();
    if obj.hasattr("isoformat")? {
        return Err(invalid_instant(
            repr,
            "a date is not an instant: give an aware datetime or an RFC 3339 string",
        ));
    }
    Err(invalid_instant(
        repr,
        "expected an aware datetime or an RFC 3339 string with an offset",
    ))
}

/// An aware `datetime` at UTC+08:00.
pub fn datetime<'py>(py: Python<'py>, t: Timestamp) -> PyResult<Bound<'py, PyAny>> {
    let from = FROMTIMESTAMP.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py
            .import("datetime")?
            .getattr("datetime")?
            .getattr("fromtimestamp")?
            .unbind())
    })?;
    let tz = CHINA_TZ.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        let dt = py.import("datetime")?;
        let delta = dt.getattr("timedelta")?.call1((0, 8 * 3600))?;
        Ok(dt.getattr("timezone")?.call1((delta,))?.unbind())
    })?;
    from.bind(py)
        .call1((t.unix_seconds(), tz.bind(py)))
        .map_err(|_| {
            err(TimeError::OutOfRange {
                seconds: t.unix_seconds(),
            })
        })
}

/// An optional aware `datetime`.
pub fn opt_datetime<'py>(py: Python<'py>, t: Option<Timestamp>) -> PyResult<Bound<'py, PyAny>> {
    match t {
        Some(t) => datetime(py, t),
        None => Ok(py.None().into_bound(py)),
    }
}

/// A civil date from a `datetime.date` or a `YYYY-MM-DD` string (a `datetime` is refused:
/// it is an instant, not a day).
pub fn date(obj: &Bound<'_, PyAny>) -> PyResult<Date> {
    if let Ok(s) = obj.cast::<PyString>() {
        return s.to_cow()?.parse::<Date>().map_err(err);
    }
    if obj.hasattr("isoformat")? && !obj.hasattr("hour")? {
        let text: String = obj.call_method0("isoformat")?.extract()?;
        return text.parse::<Date>().map_err(err);
    }
    let repr = obj.repr().map(|r| r.to_string()).unwrap_or_default();
    Err(err(TimeError::InvalidDate {
        input: repr,
        reason: "expected a datetime.date or a YYYY-MM-DD string".to_owned(),
    }))
}

/// A `datetime.date`.
pub fn py_date<'py>(py: Python<'py>, d: Date) -> PyResult<Bound<'py, PyAny>> {
    let from = FROMISOFORMAT.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py
            .import("datetime")?
            .getattr("date")?
            .getattr("fromisoformat")?
            .unbind())
    })?;
    from.bind(py).call1((d.to_string(),))
}

/// Runs `f` with CPython's cyclic garbage collector paused (if it was running), for
/// conversions that build a large tree of fresh dicts and lists: every 700 new containers
/// the collector scans the young ones, and every so often the whole growing result again;
/// data built from Rust values cannot form a cycle, so the scans find nothing. The collector
/// is restarted when `f` returns, fails or panics. The GIL is held throughout, so no other
/// Python thread runs while it is paused.
pub fn without_gc<'py, R>(py: Python<'py>, f: impl FnOnce() -> PyResult<R>) -> PyResult<R> {
    struct Resume<'py>(Option<Bound<'py, PyModule>>);
    impl Drop for Resume<'_> {
        fn drop(&mut self) {
            if let Some(gc) = &self.0 {
                // Restarting cannot fail in CPython; if it did, the collector stays paused,
                // which changes no result.
                let _ = gc.call_method0("enable");
            }
        }
    }
    let gc = py.import("gc")?;
    let running = gc.call_method0("isenabled")?.is_truthy()?;
    let _resume = if running {
        gc.call_method0("disable")?;
        Resume(Some(gc))
    } else {
        Resume(None)
    };
    f()
}

/// Any serializable value as plain Python data (dicts, lists, strings, numbers).
pub fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(|e| malformed(e.to_string()))
}

/// How deep a Python value may nest when it is read as JSON (serde_json's own limit): deeper,
/// or a value that contains itself, is refused with `input.malformed` instead of exhausting
/// the stack.
pub const MAX_DEPTH: usize = 128;

/// A JSON value from a Python object: dicts, lists, tuples, strings, numbers, booleans and
/// `None`; aware datetimes become RFC 3339 strings, dates `YYYY-MM-DD`, NaN and pandas' NaT
/// become `null` (a missing value in a data frame). Anything else is refused with
/// `input.malformed` naming its type (it is never written as its `str()`), as are infinite
/// numbers, dict keys that are not strings or numbers, and values nested deeper than
/// [`MAX_DEPTH`] levels or containing themselves.
pub fn json(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    json_at(obj, 0)
}

fn not_json(what: String) -> PyErr {
    malformed(format!("{what} is not a JSON value"))
}

fn finite(v: f64, obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if v.is_nan() {
        return Ok(Value::Null);
    }
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        return Ok(Value::from(v as i64));
    }
    serde_json::Number::from_f64(v)
        .map(Value::Number)
        .ok_or_else(|| not_json(format!("the number {}", repr(obj))))
}

fn repr(obj: &Bound<'_, PyAny>) -> String {
    obj.repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "?".to_owned())
}

fn json_at(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > MAX_DEPTH {
        return Err(malformed(format!(
            "a value nested deeper than {MAX_DEPTH} levels (or one that contains itself)"
        )));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(Value::Bool(obj.extract()?));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(not_json(format!(
            "the integer {} (beyond 64 bits)",
            repr(obj)
        )));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return finite(f.value(), obj);
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let key = if let Ok(s) = k.cast::<PyString>() {
                s.to_cow()?.into_owned()
            } else if k.is_instance_of::<PyInt>() || k.is_instance_of::<PyFloat>() {
                // As Python's json module writes them.
                k.str()?.to_cow()?.into_owned()
            } else {
                return Err(not_json(format!("a dict key {}", repr(&k))));
            };
            map.insert(key, json_at(&v, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(l) = obj.cast::<PyList>() {
        return l
            .iter()
            .map(|v| json_at(&v, depth + 1))
            .collect::<PyResult<_>>()
            .map(Value::Array);
    }
    if let Ok(t) = obj.cast::<PyTuple>() {
        return t
            .iter()
            .map(|v| json_at(&v, depth + 1))
            .collect::<PyResult<_>>()
            .map(Value::Array);
    }
    let type_name = obj.get_type().name()?.to_cow()?.into_owned();
    if type_name == "NaTType" {
        return Ok(Value::Null);
    }
    if obj.hasattr("utcoffset")? && obj.hasattr("hour")? {
        return timestamp(obj).map(|t| Value::String(t.to_string()));
    }
    if obj.hasattr("isoformat")? {
        return date(obj).map(|d| Value::String(d.to_string()));
    }
    // numpy's and pandas' scalars: booleans, integers and floats.
    if type_name.starts_with("bool") {
        if let Ok(b) = obj.is_truthy() {
            return Ok(Value::Bool(b));
        }
    }
    if type_name.starts_with("int") || type_name.starts_with("uint") {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
    }
    if type_name.starts_with("float") {
        if let Ok(f) = obj.extract::<f64>() {
            return finite(f, obj);
        }
    }
    // An exact decimal (an area, say) keeps its digits: its text, as the documents write
    // exact amounts.
    if type_name == "Decimal" && obj.call_method0("is_finite")?.is_truthy()? {
        return Ok(Value::String(obj.str()?.to_cow()?.into_owned()));
    }
    // Other sequences and mappings (numpy arrays, pandas series, mappings that are not
    // dicts) are not read: convert them with `.tolist()` / `dict(...)` first.
    Err(not_json(format!(
        "a value of type {type_name} ({})",
        repr(obj)
    )))
}

/// A typed document from a Python object (a dict as in the core's serde contract, or a JSON
/// string); `wrap` turns a parse error into the right module error.
pub fn doc<T: DeserializeOwned>(
    obj: &Bound<'_, PyAny>,
    wrap: impl Fn(String) -> wangge::Error,
) -> PyResult<T> {
    let message = |e: wangge::Error| match e {
        wangge::Error::Malformed { message } => crate::errors::to_py(&wrap(message)),
        other => crate::errors::to_py(&other),
    };
    if let Ok(s) = obj.cast::<PyString>() {
        // JSON text if it looks like a document, else a bare string value (an enum name).
        let text = s.to_cow()?;
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            return wangge::document::read_json(&text).map_err(message);
        }
        return wangge::document::read_value(Value::String(text.into_owned())).map_err(message);
    }
    wangge::document::read_value(json(obj)?).map_err(message)
}

/// A document with `input.malformed` as its parse error.
pub fn plain<T: DeserializeOwned>(obj: &Bound<'_, PyAny>) -> PyResult<T> {
    doc(obj, |message| wangge::Error::Malformed { message })
}

/// A string or a value: the text of a string, else the `str()` of the object.
pub fn text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    match obj.cast::<PyString>() {
        Ok(s) => Ok(s.to_cow()?.into_owned()),
        Err(_) => Ok(obj.str()?.to_cow()?.into_owned()),
    }
}

/// Reads a whole text file, refusing anything that is not UTF-8.
pub fn read_file(path: &str) -> Result<String, wangge::Error> {
    std::fs::read_to_string(path).map_err(|e| wangge::Error::Malformed {
        message: format!("cannot read {path:?}: {e}"),
    })
}

/// Writes a text file.
pub fn write_file(path: &str, text: &str) -> Result<(), wangge::Error> {
    std::fs::write(path, text).map_err(|e| wangge::Error::Malformed {
        message: format!("cannot write {path:?}: {e}"),
    })
}

/// A snake_case enum value (`"grid"`, `"in_progress"`, …) from its name.
pub fn enum_of<T: DeserializeOwned>(name: &str) -> PyResult<T> {
    serde_json::from_value(Value::String(name.to_owned()))
        .map_err(|e| malformed(format!("{name:?}: {e}")))
}

static ARRAY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn array_type(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    Ok(ARRAY
        .get_or_try_init(py, || -> PyResult<Py<PyAny>> {
            Ok(py.import("array")?.getattr("array")?.unbind())
        })?
        .bind(py))
}

/// The raw bytes of a packed numeric buffer: `bytes`, `bytearray`, or anything with
/// `tobytes()` and an `itemsize` of `size` (an `array.array`, a NumPy array). `None` for other
/// objects (lists and tuples are read item by item instead).
fn packed<'py>(
    obj: &Bound<'py, PyAny>,
    size: usize,
) -> PyResult<Option<Bound<'py, pyo3::types::PyBytes>>> {
    if let Ok(b) = obj.cast::<pyo3::types::PyBytes>() {
        return Ok(Some(b.clone()));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return Ok(None);
    }
    if obj.hasattr("tobytes")? {
        if let Ok(item) = obj.getattr("itemsize").and_then(|i| i.extract::<usize>()) {
            if item != size {
                return Err(malformed(format!(
                    "a packed array of {size}-byte items was expected, not {item}-byte items"
                )));
            }
        }
        let b = obj.call_method0("tobytes")?;
        let b = b
            .cast_into::<pyo3::types::PyBytes>()
            .map_err(|_| malformed("tobytes() did not return bytes"))?;
        return Ok(Some(b));
    }
    Ok(None)
}

/// A column of numbers handed over by Python: read in place from the bytes of a packed
/// buffer when they are aligned for the type (as CPython lays bytes out), else copied.
/// Reading a million-row column in place saves a copy into new memory, whose page faults
/// were a quarter of a bulk call.
pub enum Column<'py, T> {
    /// The bytes of a packed buffer, aligned and a whole number of items.
    Bytes(Bound<'py, pyo3::types::PyBytes>),
    /// The values, copied.
    Owned(Vec<T>),
}

impl<T: bytemuck::Pod> Column<'_, T> {
    /// The values.
    pub fn as_slice(&self) -> &[T] {
        match self {
            // Checked when the column was made; the bytes cannot change.
            Column::Bytes(b) => bytemuck::try_cast_slice(b.as_bytes()).unwrap_or(&[]),
            Column::Owned(v) => v,
        }
    }
}

/// A column from a list, a tuple, or a packed buffer of items of `T`'s size; `what` names
/// the items in the error for a list that does not hold them.
fn column<'py, T>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Column<'py, T>>
where
    T: bytemuck::Pod + for<'a> pyo3::FromPyObject<'a, 'py>,
{
    let size = std::mem::size_of::<T>();
    if let Some(bytes) = packed(obj, size)? {
        let raw = bytes.as_bytes();
        if raw.len() % size != 0 {
            return Err(malformed(format!(
                "a packed array of {size}-byte items has a partial item"
            )));
        }
        if bytemuck::try_cast_slice::<u8, T>(raw).is_ok() {
            return Ok(Column::Bytes(bytes));
        }
        let values = raw
            .chunks_exact(size)
            .map(bytemuck::pod_read_unaligned)
            .collect();
        return Ok(Column::Owned(values));
    }
    obj.extract::<Vec<T>>()
        .map(Column::Owned)
        .map_err(|e| malformed(format!("expected a list of {what}: {e}")))
}

/// Unsigned 32-bit integers (see [`u32s`]), read in place when they can be.
pub fn u32_column<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Column<'py, u32>> {
    column(obj, "non-negative integers")
}

/// Signed 64-bit integers (see [`i64s`]), read in place when they can be.
pub fn i64_column<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Column<'py, i64>> {
    column(obj, "integers")
}

/// Unsigned 32-bit integers from a list, a tuple, or a packed buffer (`array('I')`, NumPy
/// `uint32`, `bytes` in native byte order).
pub fn u32s(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u32>> {
    Ok(match u32_column(obj)? {
        Column::Owned(v) => v,
        c => c.as_slice().to_vec(),
    })
}

/// Signed 64-bit integers from a list, a tuple, or a packed buffer (`array('q')`, NumPy
/// `int64`, `bytes`).
pub fn i64s(obj: &Bound<'_, PyAny>) -> PyResult<Vec<i64>> {
    Ok(match i64_column(obj)? {
        Column::Owned(v) => v,
        c => c.as_slice().to_vec(),
    })
}

/// Bytes (codes, choices) from `bytes`, a list of small integers, or a packed buffer.
pub fn u8s(obj: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Some(bytes) = packed(obj, 1)? {
        return Ok(bytes.as_bytes().to_vec());
    }
    obj.extract::<Vec<u8>>()
        .map_err(|e| malformed(format!("expected a list of integers 0–255: {e}")))
}

/// An `array.array('I')` holding the values (no Python object per item).
pub fn u32_array<'py>(py: Python<'py>, values: &[u32]) -> PyResult<Bound<'py, PyAny>> {
    packed_array(py, "I", values)
}

/// An `array.array` of `typecode` holding the values, from their bytes as they lie in memory
/// (native byte order, as the array's own): copied into a `bytes` and from it into the array,
/// with no byte-by-byte copy before.
fn packed_array<'py, T: bytemuck::Pod>(
    py: Python<'py>,
    typecode: &str,
    values: &[T],
) -> PyResult<Bound<'py, PyAny>> {
    array_of_bytes(
        py,
        typecode,
        pyo3::types::PyBytes::new(py, bytemuck::cast_slice(values)),
    )
}

/// An `array.array` of `typecode` from the bytes of its items (native byte order).
pub fn array_of_bytes<'py>(
    py: Python<'py>,
    typecode: &str,
    bytes: Bound<'py, pyo3::types::PyBytes>,
) -> PyResult<Bound<'py, PyAny>> {
    let a = array_type(py)?.call1((typecode,))?;
    a.call_method1("frombytes", (bytes,))?;
    Ok(a)
}

/// An `array.array('B')` holding the values.
pub fn u8_array<'py>(py: Python<'py>, values: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    let a = array_type(py)?.call1(("B",))?;
    a.call_method1("frombytes", (pyo3::types::PyBytes::new(py, values),))?;
    Ok(a)
}

/// An `array.array('q')` holding the values.
pub fn i64_array<'py>(py: Python<'py>, values: &[i64]) -> PyResult<Bound<'py, PyAny>> {
    packed_array(py, "q", values)
}

/// The most places of [`str_keys`]'s table (2^16, 1 MB).
const STR_KEY_BITS: u32 = 16;

/// The keys of the strings of a Python iterable (not a `str` itself), each found by `lookup`.
///
/// A column of ids names the same `str` objects over and over (a million tickets' units are
/// a few thousand strings), so each object's key is remembered by the object's address, in
/// a table of up to 65,536 places, at most twice the items' number (a later object takes an
/// earlier one's place when their addresses hash alike). The table holds a reference to
/// every object it remembers, so that no other string can take a remembered one's address
/// while the call runs, whatever the iterable.
pub(crate) fn str_keys(
    ids: &Bound<'_, PyAny>,
    mut lookup: impl FnMut(&str) -> PyResult<u32>,
) -> PyResult<Vec<u32>> {
    if ids.is_instance_of::<PyString>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "expected a sequence of str, not a str",
        ));
    }
    // An iterator of unknown length gets 4,096 places.
    let len = ids.len().ok();
    let bits = len.map_or(12, |n| {
        (usize::BITS - n.leading_zeros()).clamp(4, STR_KEY_BITS)
    });
    let len = len.unwrap_or(0);
    let mut memo: Vec<Option<(Bound<'_, PyAny>, u32)>> = vec![None; 1 << bits];
    let mut keys = Vec::with_capacity(len);
    for item in ids.try_iter()? {
        let item = item?;
        // Objects are 16-byte aligned: the address's low bits say nothing.
        let address = item.as_ptr() as usize as u64 >> 4;
        let place = address.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits);
        let mut find = |item: &Bound<'_, PyAny>| lookup(&item.cast::<PyString>()?.to_cow()?);
        let key = match memo.get_mut(place as usize) {
            Some(Some((seen, key))) if seen.is(&item) => *key,
            Some(slot) => {
                let key = find(&item)?;
                *slot = Some((item, key));
                key
            }
            None => find(&item)?,
        };
        keys.push(key);
    }
    Ok(keys)
}
