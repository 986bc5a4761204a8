//! Reading a GeoReport v2 document, JSON or XML, and telling what it is.
//!
//! Both formats become the same JSON shape, so one importer reads both: an XML element with
//! element children becomes an object (a name that repeats becomes a list; the containers of
//! the specification, `service_requests`, `services`, `attributes`, `values`, `errors`,
//! always become lists), an element with text becomes that text, trimmed, and an empty
//! element or one marked `xsi:nil="true"` becomes `null`.
//!
//! What servers write and the specification allows or shows is accepted: a list or a single
//! object, `{"service_requests": […]}` around a list, numbers for ids and codes, and bare
//! numbers with leading zeros (the specification's own JSON examples write `"service_code":
//! 001`, which strict JSON forbids): those are read as the text they show.

use serde_json::{Map, Value};

use super::error::{Open311Error, ServerError};

/// A GeoReport v2 document, by what it answers.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Document {
    /// Service requests (`GET /requests`, `GET /requests/{id}`), as JSON objects.
    Requests(Vec<Value>),
    /// Services (`GET /services`), as JSON objects.
    Services(Vec<Value>),
    /// A service definition (`GET /services/{code}`), as a JSON object.
    ServiceDefinition(Value),
    /// Receipts: what `POST /requests` and `GET /tokens/{token}` answer (ids, tokens,
    /// notices), as JSON objects.
    Receipts(Vec<Value>),
    /// An error document.
    Errors(Vec<ServerError>),
}

impl Document {
    /// The kind's short name: `requests`, `services`, `definition`, `receipts` or `errors`.
    pub fn name(&self) -> &'static str {
        match self {
            Document::Requests(_) => "requests",
            Document::Services(_) => "services",
            Document::ServiceDefinition(_) => "definition",
            Document::Receipts(_) => "receipts",
            Document::Errors(_) => "errors",
        }
    }

    /// The service requests of a request list; an error document is the server's errors
    /// (`open311.server_error`), any other kind `open311.wrong_document`.
    pub fn into_requests(self) -> Result<Vec<Value>, Open311Error> {
        self.into_list("service requests", |d| match d {
            Document::Requests(items) => Ok(items),
            other => Err(other),
        })
    }

    /// The services of a service list; refused as [`Document::into_requests`] refuses.
    pub fn into_services(self) -> Result<Vec<Value>, Open311Error> {
        self.into_list("a list of services", |d| match d {
            Document::Services(items) => Ok(items),
            other => Err(other),
        })
    }

    fn into_list(
        self,
        expected: &'static str,
        take: impl FnOnce(Document) -> Result<Vec<Value>, Document>,
    ) -> Result<Vec<Value>, Open311Error> {
        match take(self) {
            Ok(items) => Ok(items),
            Err(Document::Errors(errors)) => Err(Open311Error::ServerErrors { errors }),
            Err(other) => Err(Open311Error::WrongDocument {
                expected,
                found: other.kind(),
            }),
        }
    }

    /// What the document is, in words (as errors name it).
    pub fn kind(&self) -> &'static str {
        match self {
            Document::Requests(_) => "a list of service requests",
            Document::Services(_) => "a list of services",
            Document::ServiceDefinition(_) => "a service definition",
            Document::Receipts(_) => "request receipts (ids or tokens)",
            Document::Errors(_) => "an error document",
        }
    }
}

/// Reads a GeoReport v2 document from its text, JSON or XML (told by its first character).
///
/// ```
/// use wangge::interop::open311::{read, Document};
/// let xml = "<errors><error><code>403</code><description>Invalid api_key</description></error></errors>";
/// assert!(matches!(read(xml)?, Document::Errors(e) if e[0].code == "403"));
/// let json = r#"[{"service_request_id": 638344, "service_code": 006, "status": "open"}]"#;
/// let Document::Requests(r) = read(json)? else { panic!() };
/// assert_eq!(r[0]["service_code"], "006");
/// # Ok::<(), wangge::interop::open311::Open311Error>(())
/// ```
pub fn read(text: &str) -> Result<Document, Open311Error> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    match body.as_bytes().first() {
        Some(b'<') => classify(xml_value(body)?),
        Some(b'[' | b'{') => {
            let fixed = quote_leading_zeros(body);
            let value: Value =
                serde_json::from_str(&fixed).map_err(|e| Open311Error::Malformed {
                    message: format!("not valid JSON: {e}"),
                })?;
            classify(value)
        }
        _ => Err(Open311Error::Malformed {
            message: "expected a JSON list or object, or an XML document".to_owned(),
        }),
    }
}

/// Tells what a document already read as JSON is (see [`read`]).
pub fn classify(value: Value) -> Result<Document, Open311Error> {
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut obj) => {
            if let Some(Value::Array(_)) = obj.get("service_requests") {
                if obj.len() == 1 {
                    return classify(obj.remove("service_requests").unwrap_or_default());
                }
            }
            if obj.contains_key("attributes") && obj.contains_key("service_code") {
                return Ok(Document::ServiceDefinition(Value::Object(obj)));
            }
            vec![Value::Object(obj)]
        }
        other => {
            return Err(Open311Error::Malformed {
                message: format!(
                    "expected a list of service requests or one request (an object), found {}",
                    kind_of(&other)
                ),
            })
        }
    };
    let is = |pred: &dyn Fn(&Map<String, Value>) -> bool| {
        !items.is_empty() && items.iter().all(|v| v.as_object().is_some_and(pred))
    };
    let has = |o: &Map<String, Value>, keys: &[&str]| keys.iter().any(|k| o.contains_key(*k));
    if is(&|o| has(o, &["code", "description"]) && !has(o, REQUEST_KEYS) && o.len() <= 2) {
        return Ok(Document::Errors(items.iter().map(server_error).collect()));
    }
    if is(&|o| {
        has(o, &["metadata", "type", "keywords", "group"])
            && o.contains_key("service_code")
            && !has(o, &["status", "requested_datetime", "service_request_id"])
    }) {
        return Ok(Document::Services(items));
    }
    if is(&|o| {
        has(o, &["token", "service_request_id"])
            && o.keys().all(|k| {
                matches!(
                    k.as_str(),
                    "token" | "service_request_id" | "service_notice" | "account_id"
                )
            })
    }) {
        return Ok(Document::Receipts(items));
    }
    Ok(Document::Requests(items))
}

/// Keys only a service request has.
const REQUEST_KEYS: &[&str] = &[
    "service_request_id",
    "service_code",
    "status",
    "requested_datetime",
];

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn server_error(v: &Value) -> ServerError {
    let text = |k: &str| match v.get(k) {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    ServerError {
        code: text("code"),
        description: text("description"),
    }
}

/// Puts quotes around bare numbers written with leading zeros (`001` → `"001"`), outside
/// strings: strict JSON forbids them, the specification's examples write them for codes.
fn quote_leading_zeros(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let (mut i, mut in_string, mut prev) = (0, false, b'[');
    while let Some(&c) = b.get(i) {
        if in_string {
            match c {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'0' if matches!(prev, b':' | b'[' | b',')
                && b.get(i + 1).is_some_and(u8::is_ascii_digit) =>
            {
                let end = (i..b.len())
                    .find(|&j| !b.get(j).is_some_and(u8::is_ascii_digit))
                    .unwrap_or(b.len());
                let o = out.get_or_insert_with(|| String::with_capacity(text.len() + 8));
                o.push_str(text.get(copied..i).unwrap_or(""));
                o.push('"');
                o.push_str(text.get(i..end).unwrap_or(""));
                o.push('"');
                copied = end;
                i = end;
                prev = b'0';
                continue;
            }
            _ => {}
        }
        if !c.is_ascii_whitespace() {
            prev = c;
        }
        i += 1;
    }
    match out {
        None => std::borrow::Cow::Borrowed(text),
        Some(mut o) => {
            o.push_str(text.get(copied..).unwrap_or(""));
            std::borrow::Cow::Owned(o)
        }
    }
}

/// Containers the specification defines, by the name of their items: always lists.
const LISTS: &[(&str, &str)] = &[
    ("service_requests", "request"),
    ("services", "service"),
    ("attributes", "attribute"),
    ("values", "value"),
    ("errors", "error"),
];

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

fn xml_value(text: &str) -> Result<Value, Open311Error> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        Open311Error::Malformed {
            message: format!("not well-formed XML: {e}"),
        }
    })?;
    let root = doc.root_element();
    let name = root.tag_name().name();
    match name {
        "error" => {
            // An older draft's bare `<error>text</error>`.
            let description = root.text().unwrap_or("").trim().to_owned();
            Ok(Value::Array(vec![serde_json::json!({
                "code": "", "description": description
            })]))
        }
        "service_requests" | "services" | "errors" => Ok(element(root)),
        "service_definition" => {
            let mut v = element(root);
            // The older shape puts `attribute`s directly under the definition.
            if let Value::Object(o) = &mut v {
                if let Some(a) = o.remove("attribute") {
                    let list = match a {
                        Value::Array(items) => items,
                        one => vec![one],
                    };
                    o.insert("attributes".to_owned(), Value::Array(list));
                }
            }
            Ok(v)
        }
        other => Err(Open311Error::Malformed {
            message: format!(
                "the root element <{other}> is not one of GeoReport v2 (service_requests, services, service_definition, errors)"
            ),
        }),
    }
}

fn element(node: roxmltree::Node<'_, '_>) -> Value {
    let children: Vec<roxmltree::Node<'_, '_>> =
        node.children().filter(|c| c.is_element()).collect();
    let name = node.tag_name().name();
    if let Some((_, item)) = LISTS.iter().find(|(list, _)| *list == name) {
        if children.iter().all(|c| c.tag_name().name() == *item) {
            return Value::Array(children.into_iter().map(element).collect());
        }
    }
    if children.is_empty() {
        if node.attribute((XSI, "nil")) == Some("true") {
            return Value::Null;
        }
        let text: String = node
            .children()
            .filter(|c| c.is_text())
            .filter_map(|c| c.text())
            .collect();
        let text = text.trim();
        return if text.is_empty() {
            Value::Null
        } else {
            Value::String(text.to_owned())
        };
    }
    let mut obj = Map::new();
    // The keys whose value is a list because the element repeats.
    let mut lists: Vec<String> = Vec::new();
    for c in children {
        let key = c.tag_name().name().to_owned();
        let v = element(c);
        match obj.get_mut(&key) {
            None => {
                obj.insert(key, v);
            }
            Some(Value::Array(items)) if lists.contains(&key) => items.push(v),
            Some(first) => {
                let was = std::mem::take(first);
                *first = Value::Array(vec![was, v]);
                lists.push(key);
            }
        }
    }
    Value::Object(obj)
}
