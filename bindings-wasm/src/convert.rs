//! Conversions at the boundary: values, times and errors.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wangge::time::Timestamp;
use wasm_bindgen::prelude::*;

// Values cross the boundary as JSON (`JSON.parse` / `JSON.stringify` on the JS side, serde_json
// on ours): one serde implementation per type instead of two keeps the module small, and the
// shapes are exactly the documented JSON contracts.

/// A Rust value as a plain JS value (JSON-compatible: numbers, objects, arrays).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(|e| malformed(&e.to_string()))?;
    js_sys::JSON::parse(&text).map_err(|_| malformed("unserializable value"))
}

/// A JS value (a plain object, or a JSON string) as a Rust value.
pub fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, JsValue> {
    let text = json_text(value)?;
    wangge::document::read_json(&text).map_err(err)
}

/// Grows the module's memory once, by room for what an input of `bytes` bytes will become.
///
/// Rust's allocator on wasm32 grows the linear memory by what each request needs, rounded up
/// to 64 KiB, and V8 may run a full garbage collection of the JS heap at each grow (it counts
/// the memory as external). Building a large value out of many small allocations, such as the
/// millions of strings of a 1M-unit owner roll, then grows the memory thousands of times while
/// the JS heap holds the input: 14.7 s for 1M units against 0.37 s for 100k, most of it in the
/// collector (Node 22). One block of three times the input, allocated and freed at once, is
/// left to the allocator as free space, so the value is built without further grows. A linear
/// memory never shrinks anyway; if the block cannot be had, nothing is reserved.
pub fn reserve_heap(bytes: usize) {
    const SMALL: usize = 1 << 20;
    if bytes < SMALL {
        return;
    }
    let mut block: Vec<u8> = Vec::new();
    if block.try_reserve_exact(bytes.saturating_mul(3)).is_ok() {
        // Keep the optimizer from removing an allocation nothing reads.
        std::hint::black_box(&mut block);
    }
}

/// A JS value (object or JSON text) as JSON text.
pub fn json_text(value: JsValue) -> Result<String, JsValue> {
    let text = json_text_of(value)?;
    reserve_heap(text.len());
    Ok(text)
}

fn json_text_of(value: JsValue) -> Result<String, JsValue> {
    if let Some(text) = value.as_string() {
        // A bare string is JSON text if it looks like a document, else a JSON string value.
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            return Ok(text);
        }
        return serde_json::to_string(&text).map_err(|e| malformed(&e.to_string()));
    }
    if value.is_undefined() {
        return Ok("null".to_owned());
    }
    js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| malformed("the value cannot be written as JSON"))
}

/// A core document as a plain JS object: its JSON text (the core's writer, the same bytes as
/// `toJson()`), parsed. One path for every document (see [`document_methods!`]).
pub fn document_value<D: wangge::document::Document>(document: &D) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&document.to_json()).map_err(|_| malformed("unserializable document"))
}

/// `toJson()` and `toDocument()` for a class wrapping a core [`wangge::document::Document`]:
/// one generic binding path for every document.
macro_rules! document_methods {
    ($class:ident, $out:ty, |$this:ident| $inner:expr) => {
        #[wasm_bindgen]
        impl $class {
            /// The document as JSON text (compact; reads back to an equal value).
            #[wasm_bindgen(js_name = toJson)]
            pub fn to_json(&self) -> String {
                let $this = self;
                wangge::document::Document::to_json($inner)
            }

            /// The document as a plain object.
            #[wasm_bindgen(js_name = toDocument)]
            pub fn to_document(&self) -> Result<$out, JsValue> {
                let $this = self;
                Ok(crate::convert::document_value($inner)?.unchecked_into())
            }
        }
    };
}
pub(crate) use document_methods;

/// An optional argument as a JS value (`undefined` when absent).
pub fn opt<T: Into<JsValue>>(value: Option<T>) -> JsValue {
    value.map_or(JsValue::UNDEFINED, Into::into)
}

/// An instant from an ISO-8601 string.
pub fn ts(value: crate::types::JsInstant) -> Result<Timestamp, JsValue> {
    let value: JsValue = value.into();
    if let Some(text) = value.as_string() {
        return text.parse::<Timestamp>().map_err(err);
    }
    if let Some(date) = value.dyn_ref::<js_sys::Date>() {
        return Timestamp::from_epoch_millis(date.get_time()).map_err(err);
    }
    if let Some(ms) = value.as_f64() {
        return Timestamp::from_epoch_millis(ms).map_err(err);
    }
    Err(err(wangge::time::TimeError::InvalidInstant {
        input: describe(&value),
        reason: "expected an instant: RFC 3339 text with an offset, a Date, or milliseconds since the epoch".to_owned(),
    }))
}

/// A whole number from a JS number: refused (`input.malformed`, naming the value) unless it is
/// finite, integral and within `0..=max`. wasm-bindgen would otherwise wrap a negative number
/// to a huge one and read NaN as 0.
pub fn whole(value: f64, what: &str, max: u32) -> Result<u32, JsValue> {
    if value.is_finite() && value.fract() == 0.0 && (0.0..=f64::from(max)).contains(&value) {
        return Ok(value as u32);
    }
    // As JS writes the number.
    let shown = match value {
        v if v == f64::INFINITY => "Infinity".to_owned(),
        v if v == f64::NEG_INFINITY => "-Infinity".to_owned(),
        v => v.to_string(),
    };
    Err(malformed(&format!(
        "{what} must be a whole number from 0 to {max}, not {shown}"
    )))
}

/// A short description of a JS value for an error message.
fn describe(value: &JsValue) -> String {
    if value.is_undefined() {
        "undefined".to_owned()
    } else if value.is_null() {
        "null".to_owned()
    } else if let Some(b) = value.as_bool() {
        b.to_string()
    } else if value.is_object() {
        "an object".to_owned()
    } else {
        format!(
            "a value of type {}",
            value.js_typeof().as_string().unwrap_or_default()
        )
    }
}

fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Properties of a thrown error that its data may not overwrite.
const RESERVED: [&str; 5] = ["name", "message", "code", "stack", "details"];

/// A wangge error as a thrown `Error`: `name` is `WanggeError`, `code` the stable code, and
/// each field of the error's data a camelCase property (and all of it, snake_case as in Rust
/// and Python, in `details`).
pub fn err(e: impl Into<wangge::Error>) -> JsValue {
    let e: wangge::Error = e.into();
    let error = js_sys::Error::new(&e.to_string());
    error.set_name("WanggeError");
    let obj: &JsValue = error.as_ref();
    let _ = js_sys::Reflect::set(obj, &"code".into(), &e.code().into());
    let details = e.details();
    if let serde_json::Value::Object(map) = &details {
        for (k, v) in map {
            let key = camel(k);
            // The Error's own properties are never overwritten by its data.
            if RESERVED.contains(&key.as_str()) {
                continue;
            }
            if let Ok(v) = to_js(v) {
                let _ = js_sys::Reflect::set(obj, &key.into(), &v);
            }
        }
    }
    if let Ok(d) = to_js(&details) {
        let _ = js_sys::Reflect::set(obj, &"details".into(), &d);
    }
    error.into()
}

/// An error for input that could not be read at all.
pub fn malformed(message: &str) -> JsValue {
    err(wangge::Error::Malformed {
        message: message.to_owned(),
    })
}
