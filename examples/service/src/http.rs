//! Open311 GeoReport v2 over HTTP (<https://wiki.open311.org/GeoReport_v2>), and staff
//! endpoints for the lifecycle.
//!
//! # GeoReport v2, under `/open311/v2/`
//!
//! Every resource in XML (the specification's required format) and JSON, chosen by the
//! extension:
//!
//! | request | answer |
//! |---|---|
//! | `GET services.{xml,json}` | the taxonomy as services |
//! | `GET services/{code}.{xml,json}` | the service's definition (no attributes: wangge services have no metadata); 404 for an unknown code |
//! | `POST requests.{xml,json}` | a new ticket, reported by `@system` now; the body `application/x-www-form-urlencoded` with `api_key`, `service_code`, and `lat`/`long` (WGS-84, located in the hierarchy's boundaries) or `address_id` (a unit id); `description`, `account_id`, `device_id` optional. Answers `[{service_request_id, service_notice, account_id}]` |
//! | `GET requests.{xml,json}` | requests, newest first: `service_request_id` (comma-separated; the other filters are then ignored), `service_code` (comma-separated), `start_date`, `end_date` (W3C times), `status` (`open`, `closed`, comma-separated); without dates the last 90 days; at most 1,000, or `page_size` (at most 1,000) from `page` (from 1) |
//! | `GET requests/{id}.{xml,json}` | one request, as a list of one; 404 if unknown |
//!
//! Every GeoReport answer carries `Access-Control-Allow-Origin: *`, so a web page (the
//! browser demo) can read it and post reports as forms (a simple request: no preflight).
//! `jurisdiction_id`, when given, must be the service's (else 404). Errors are the
//! specification's error documents, `[{code, description}]` or `<errors><error>…`, with status
//! 400 (a bad or missing field, a body that is not a form), 403 (no or a wrong `api_key`), 404
//! (an unknown resource, service or request), 413 (a body over 64 KiB).
//!
//! # Staff, under `/staff/`
//!
//! `Authorization: Bearer <token>`; each token stands for one node of the hierarchy (the
//! actor), configured when the service starts (see [`Config::tokens`]). A missing or unknown
//! token is 401.
//!
//! | request | answer |
//! |---|---|
//! | `POST tickets/{id}/actions` | JSON body `{"action": {…}, "at": "…"?}` (an action as the core reads it; `at` defaults to now): applied as the token's actor, under the core's authority and separation of duties; `{"state": …}` once stored, or 403 with the rule that refuses (`code`, `rule`, `en`, `zh`), 404 for an unknown ticket, 400 for a bad body |
//! | `POST tickets/{id}/why_not` | the same body: `{"allowed": true}` or `{"allowed": false, code, rule, en, zh}`, so a front end can grey out a button |
//! | `GET tickets/{id}` | the ticket's snapshot |

// Handlers return early with a rendered error document (`Result<_, Response>`): the error is
// the answer, built once, never propagated further.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};
use wangge::geo::{CoordSystem, MapPoint};
use wangge::interop::open311::{self, ServiceRequest};
use wangge::ticket::{Action, NewTicket};
use wangge::time::Timestamp;

use crate::service::{Service, ServiceError};
use crate::store::SqliteStore;

/// The largest body accepted.
pub const BODY_LIMIT: usize = 64 * 1024;

/// What the service is configured with.
#[derive(Clone)]
pub struct Config {
    /// The jurisdiction (`jurisdiction_id`).
    pub jurisdiction: String,
    /// API keys that may `POST requests`.
    pub api_keys: Vec<String>,
    /// Staff tokens, each standing for a node id (the actor).
    pub tokens: HashMap<String, String>,
    /// The clock (the library never reads one; the service does).
    pub clock: Arc<dyn Fn() -> Timestamp + Send + Sync>,
}

/// The clock of the machine.
pub fn system_clock() -> Timestamp {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Timestamp::from_unix_seconds(secs).unwrap_or(Timestamp::EPOCH)
}

/// The service behind the routes.
pub struct App {
    service: Mutex<Service<SqliteStore>>,
    config: Config,
}

type Shared = Arc<App>;

/// The routes of the service.
pub fn router(service: Service<SqliteStore>, config: Config) -> Router {
    let app = Arc::new(App {
        service: Mutex::new(service),
        config,
    });
    let open311 = Router::new()
        .route("/open311/v2/{file}", get(list_get).post(requests_post))
        .route("/open311/v2/services/{file}", get(service_get))
        .route("/open311/v2/requests/{file}", get(request_get))
        .layer(axum::middleware::map_response(cors));
    Router::new()
        .merge(open311)
        .route("/staff/tickets/{id}", get(staff_ticket))
        .route("/staff/tickets/{id}/actions", post(staff_act))
        .route("/staff/tickets/{id}/why_not", post(staff_why_not))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(app)
}

/// Lets any page read the public GeoReport answers.
async fn cors(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::HeaderValue::from_static("*"),
    );
    response
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Json,
    Xml,
}

/// `requests.json` → (`requests`, JSON).
fn split(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    match ext {
        "json" => Some((name, Format::Json)),
        "xml" => Some((name, Format::Xml)),
        _ => None,
    }
}

/// An Open311 error document.
fn error(format: Format, status: StatusCode, description: impl Into<String>) -> Response {
    let description = description.into();
    match format {
        Format::Json => (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            json!([{"code": status.as_u16(), "description": description}]).to_string(),
        )
            .into_response(),
        Format::Xml => (
            status,
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<errors><error><code>{}</code><description>{}</description></error></errors>\n",
                status.as_u16(),
                escape(&description)
            ),
        )
            .into_response(),
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry are left out.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The order of the specification's elements, by item.
const ORDER: &[(&str, &[&str])] = &[
    (
        "service",
        &[
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        ],
    ),
    (
        "request",
        &[
            "service_request_id",
            "token",
            "status",
            "status_notes",
            "service_name",
            "service_code",
            "description",
            "agency_responsible",
            "service_notice",
            "account_id",
            "requested_datetime",
            "updated_datetime",
            "expected_datetime",
            "address",
            "address_id",
            "zipcode",
            "lat",
            "long",
            "media_url",
        ],
    ),
];

/// A JSON value as GeoReport v2 XML: objects become elements (an item's members in the
/// specification's order, then any others), lists repeat their item element, `null` an empty
/// element.
fn xml_of(root: &str, item: &str, items: &[Value]) -> String {
    fn value(out: &mut String, name: &str, v: &Value) {
        match v {
            Value::Null => out.push_str(&format!("<{name}/>")),
            Value::Object(m) => {
                out.push_str(&format!("<{name}>"));
                let order = ORDER
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or(&[][..], |(_, o)| *o);
                for k in order {
                    if let Some(x) = m.get(*k) {
                        value(out, k, x);
                    }
                }
                for (k, x) in m.iter().filter(|(k, _)| !order.contains(&k.as_str())) {
                    value(out, k, x);
                }
                out.push_str(&format!("</{name}>"));
            }
            Value::Array(a) => {
                for x in a {
                    value(out, name, x);
                }
            }
            Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", escape(s))),
            other => out.push_str(&format!("<{name}>{other}</{name}>")),
        }
    }
    let mut out = format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<{root}>");
    for v in items {
        value(&mut out, item, v);
    }
    out.push_str(&format!("</{root}>\n"));
    out
}

fn answer(format: Format, root: &str, item: &str, items: Vec<Value>) -> Response {
    match format {
        Format::Json => (
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            Value::Array(items).to_string(),
        )
            .into_response(),
        Format::Xml => (
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            xml_of(root, item, &items),
        )
            .into_response(),
    }
}

fn params(raw: Option<&str>) -> Result<Vec<(String, String)>, String> {
    serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|e| format!("query: {e}"))
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn check_jurisdiction(
    app: &App,
    params: &[(String, String)],
    format: Format,
) -> Result<(), Response> {
    match param(params, "jurisdiction_id") {
        Some(j) if j != app.config.jurisdiction => Err(error(
            format,
            StatusCode::NOT_FOUND,
            format!("jurisdiction_id {j:?} is not served here"),
        )),
        _ => Ok(()),
    }
}

/// Query or form parameters, in order.
type Params = Vec<(String, String)>;

/// What every GET reads first: the resource's name and format (`requests.json`), its query
/// parameters, and the jurisdiction; or the error document to answer.
fn resource<'a>(
    app: &App,
    file: &'a str,
    query: Option<&str>,
) -> Result<(&'a str, Format, Params), Response> {
    let Some((name, format)) = split(file) else {
        return Err(error(
            Format::Xml,
            StatusCode::NOT_FOUND,
            format!("no resource {file:?}"),
        ));
    };
    let params = params(query).map_err(|e| error(format, StatusCode::BAD_REQUEST, e))?;
    check_jurisdiction(app, &params, format)?;
    Ok((name, format, params))
}

fn lock(app: &App) -> std::sync::MutexGuard<'_, Service<SqliteStore>> {
    // A panic while holding the lock leaves the ledger as the store has it (every change is
    // stored before it is acknowledged), so the guard is taken back.
    app.service.lock().unwrap_or_else(|p| p.into_inner())
}

fn service_value(s: &open311::Service) -> Value {
    serde_json::to_value(s).unwrap_or(Value::Null)
}

fn request_value(r: &ServiceRequest) -> Value {
    let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
    // `extended_attributes` only when asked for (`extensions=true`), as the specification has it.
    if let Value::Object(m) = &mut v {
        m.remove("extended_attributes");
    }
    v
}

async fn list_get(
    State(app): State<Shared>,
    Path(file): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let (name, format, params) = match resource(&app, &file, q.as_deref()) {
        Ok(x) => x,
        Err(r) => return r,
    };
    match name {
        "services" => {
            let svc = lock(&app);
            let items = open311::services(svc.ledger().taxonomy())
                .iter()
                .map(service_value)
                .collect();
            answer(format, "services", "service", items)
        }
        "requests" => requests_get(&app, format, &params),
        _ => error(
            format,
            StatusCode::NOT_FOUND,
            format!("no resource {file:?}"),
        ),
    }
}

fn requests_get(app: &App, format: Format, params: &[(String, String)]) -> Response {
    let extensions = param(params, "extensions") == Some("true");
    let render = |r: ServiceRequest| {
        if extensions {
            serde_json::to_value(r).unwrap_or(Value::Null)
        } else {
            request_value(&r)
        }
    };
    let svc = lock(app);
    let ledger = svc.ledger();
    if let Some(ids) = param(params, "service_request_id") {
        let items = ids
            .split(',')
            .filter_map(|id| ledger.get(id.trim()))
            .map(|v| render(open311::request(ledger, &v)))
            .collect();
        return answer(format, "service_requests", "request", items);
    }
    let time = |name: &str| -> Result<Option<Timestamp>, Response> {
        param(params, name)
            .map(|s| {
                s.parse::<Timestamp>().map_err(|e| {
                    error(
                        format,
                        StatusCode::BAD_REQUEST,
                        format!("{name} {s:?}: {e}"),
                    )
                })
            })
            .transpose()
    };
    let (start, end) = match (time("start_date"), time("end_date")) {
        (Ok(s), Ok(e)) => (s, e),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let now = (app.config.clock)();
    let end = end.unwrap_or(now.plus_seconds(1));
    let start = start.unwrap_or_else(|| end.plus_seconds(-90 * 86_400));
    let codes: Option<Vec<&str>> =
        param(params, "service_code").map(|c| c.split(',').map(str::trim).collect());
    let statuses: Option<Vec<&str>> =
        param(params, "status").map(|c| c.split(',').map(str::trim).collect());
    if let Some(bad) = statuses
        .iter()
        .flatten()
        .find(|s| !matches!(**s, "open" | "closed"))
    {
        return error(
            format,
            StatusCode::BAD_REQUEST,
            format!("status {bad:?}: expected open or closed"),
        );
    }
    let number = |name: &str, default: usize| -> Result<usize, Response> {
        match param(params, name) {
            None => Ok(default),
            Some(s) => s.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                error(
                    format,
                    StatusCode::BAD_REQUEST,
                    format!("{name} {s:?}: expected a whole number from 1"),
                )
            }),
        }
    };
    let (page, size) = match (number("page", 1), number("page_size", 1000)) {
        (Ok(p), Ok(s)) => (p, s.min(1000)),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let mut keys: Vec<_> = ledger.reported_between(start, end).collect();
    keys.reverse(); // newest first
    let items: Vec<Value> = keys
        .into_iter()
        .filter_map(|k| ledger.view(k))
        .filter(|v| codes.as_ref().is_none_or(|c| c.contains(&v.category())))
        .filter(|v| {
            statuses.as_ref().is_none_or(|s| {
                s.contains(&if v.state().is_open() {
                    "open"
                } else {
                    "closed"
                })
            })
        })
        .skip((page - 1).saturating_mul(size))
        .take(size)
        .map(|v| render(open311::request(ledger, &v)))
        .collect();
    answer(format, "service_requests", "request", items)
}

async fn service_get(
    State(app): State<Shared>,
    Path(file): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let (code, format, _) = match resource(&app, &file, q.as_deref()) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let svc = lock(&app);
    if svc.ledger().taxonomy().get(code).is_none() {
        return error(
            format,
            StatusCode::NOT_FOUND,
            format!("no service {code:?}"),
        );
    }
    let definition = json!({"service_code": code, "attributes": []});
    match format {
        Format::Json => ([(header::CONTENT_TYPE, "application/json; charset=utf-8")], definition.to_string()).into_response(),
        Format::Xml => (
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_definition><service_code>{}</service_code><attributes/></service_definition>\n",
                escape(code)
            ),
        )
            .into_response(),
    }
}

async fn request_get(
    State(app): State<Shared>,
    Path(file): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let (id, format, _) = match resource(&app, &file, q.as_deref()) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let svc = lock(&app);
    let ledger = svc.ledger();
    match ledger.get(id) {
        Some(v) => answer(
            format,
            "service_requests",
            "request",
            vec![request_value(&open311::request(ledger, &v))],
        ),
        None => error(
            format,
            StatusCode::NOT_FOUND,
            format!("no service request {id:?}"),
        ),
    }
}

async fn requests_post(
    State(app): State<Shared>,
    Path(file): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(("requests", format)) = split(&file) else {
        return error(
            Format::Xml,
            StatusCode::NOT_FOUND,
            format!("no resource {file:?} to post to"),
        );
    };
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return error(
            format,
            StatusCode::BAD_REQUEST,
            "the body must be application/x-www-form-urlencoded",
        );
    }
    let params: Vec<(String, String)> = match serde_urlencoded::from_bytes(&body) {
        Ok(p) => p,
        Err(e) => return error(format, StatusCode::BAD_REQUEST, format!("body: {e}")),
    };
    if let Err(r) = check_jurisdiction(&app, &params, format) {
        return r;
    }
    match param(&params, "api_key") {
        Some(k) if app.config.api_keys.iter().any(|x| x == k) => {}
        Some(_) => return error(format, StatusCode::FORBIDDEN, "api_key is not valid"),
        None => return error(format, StatusCode::FORBIDDEN, "api_key is required"),
    }
    let Some(code) = param(&params, "service_code") else {
        return error(format, StatusCode::BAD_REQUEST, "service_code is required");
    };
    let app2 = app.clone();
    let (code, params) = (code.to_owned(), params.clone());
    // The store syncs to disk: off the async threads.
    let result = tokio::task::spawn_blocking(move || create(&app2, &code, &params, format)).await;
    match result {
        Ok(r) => r,
        Err(_) => error(
            format,
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request failed",
        ),
    }
}

fn create(app: &App, code: &str, params: &[(String, String)], format: Format) -> Response {
    let mut svc = lock(app);
    let h = svc.ledger().hierarchy().clone();
    if svc.ledger().taxonomy().get(code).is_none() {
        return error(
            format,
            StatusCode::BAD_REQUEST,
            format!("service_code {code:?} is not a service of this jurisdiction"),
        );
    }
    // Where: a unit id, or a point (WGS-84, as the specification has it) in a boundary.
    let unit = if let Some(a) = param(params, "address_id") {
        if h.key(a).is_none() {
            return error(
                format,
                StatusCode::BAD_REQUEST,
                format!("address_id {a:?} is not a place of this jurisdiction"),
            );
        }
        a.to_owned()
    } else {
        let number = |name: &str| param(params, name).map(|s| s.trim().parse::<f64>());
        match (number("lat"), number("long")) {
            (Some(Ok(lat)), Some(Ok(lng))) => {
                let point = match MapPoint::new(CoordSystem::Wgs84, lat, lng) {
                    Ok(p) => p,
                    Err(e) => {
                        return error(format, StatusCode::BAD_REQUEST, format!("lat/long: {e}"))
                    }
                };
                match h.locate(point).and_then(|k| h.id(k)) {
                    Some(id) => id.to_string(),
                    None => {
                        return error(
                            format,
                            StatusCode::BAD_REQUEST,
                            format!("lat/long {lat}, {lng} is outside this jurisdiction's grids"),
                        )
                    }
                }
            }
            (Some(Err(_)), _) | (_, Some(Err(_))) => {
                return error(
                    format,
                    StatusCode::BAD_REQUEST,
                    "lat and long must be numbers",
                )
            }
            _ => {
                return error(
                    format,
                    StatusCode::BAD_REQUEST,
                    "a location is required: lat and long, or address_id",
                )
            }
        }
    };
    let mut n = svc.ledger().len() + 1;
    let id = loop {
        let id = format!("{}-{n:06}", app.config.jurisdiction);
        if svc.ledger().get(&id).is_none() {
            break id;
        }
        n += 1;
    };
    let mut ticket = match NewTicket::new(&id, code, &unit) {
        Ok(t) => t,
        Err(e) => return error(format, StatusCode::BAD_REQUEST, e.to_string()),
    };
    ticket.channel = wangge::ticket::Channel::Online;
    ticket.description = param(params, "description").map(str::to_owned);
    ticket.reporter = param(params, "account_id")
        .or_else(|| param(params, "device_id"))
        .map(str::to_owned);
    let now = (app.config.clock)();
    match svc.report(ticket, wangge::ticket::SYSTEM_ACTOR, now) {
        Ok(_) => {
            let account = param(params, "account_id").map_or(Value::Null, Value::from);
            answer(
                format,
                "service_requests",
                "request",
                vec![
                    json!({"service_request_id": id, "service_notice": "", "account_id": account}),
                ],
            )
        }
        Err(ServiceError::Ticket(e)) => error(format, StatusCode::BAD_REQUEST, e.to_string()),
        Err(e) => error(format, StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

/// The staff member a bearer token stands for, or the 401 answer.
fn actor(app: &App, headers: &HeaderMap) -> Result<String, Response> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "))
        .and_then(|token| app.config.tokens.get(token.trim()).cloned())
        .ok_or_else(|| {
            staff_error(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "a valid bearer token is required",
            )
        })
}

/// The 404 answer for a ticket the ledger does not hold.
fn unknown_ticket(id: &str) -> Response {
    staff_error(
        StatusCode::NOT_FOUND,
        "ticket.unknown_ticket",
        format!("no ticket {id:?}"),
    )
}

fn staff_error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        axum::Json(json!({"code": code, "message": message.into()})),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StaffBody {
    action: Value,
    #[serde(default)]
    at: Option<Timestamp>,
}

fn staff_body(body: &Bytes) -> Result<(Action, Option<Timestamp>), Response> {
    let b: StaffBody = serde_json::from_slice(body)
        .map_err(|e| staff_error(StatusCode::BAD_REQUEST, "input.malformed", e.to_string()))?;
    let action: Action = wangge::document::read_json(&b.action.to_string())
        .map_err(|e| staff_error(StatusCode::BAD_REQUEST, e.code(), e.to_string()))?;
    Ok((action, b.at))
}

/// Who asks (401 without a valid token), for which action, at what time (400 for a bad body).
fn staff_request(
    app: &App,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(String, Action, Option<Timestamp>), Response> {
    let actor = actor(app, headers)?;
    let (action, at) = staff_body(body)?;
    Ok((actor, action, at))
}

async fn staff_ticket(
    State(app): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = actor(&app, &headers) {
        return r;
    }
    let svc = lock(&app);
    match svc.ledger().get(&id) {
        Some(v) => {
            axum::Json(serde_json::to_value(v.snapshot()).unwrap_or(Value::Null)).into_response()
        }
        None => unknown_ticket(&id),
    }
}

async fn staff_why_not(
    State(app): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (actor, action, at) = match staff_request(&app, &headers, &body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let at = at.unwrap_or_else(|| (app.config.clock)());
    let svc = lock(&app);
    if svc.ledger().get(&id).is_none() {
        return unknown_ticket(&id);
    }
    match svc.ledger().why_not(&id, &actor, at, &action) {
        None => axum::Json(json!({"allowed": true})).into_response(),
        Some(d) => axum::Json(
            json!({"allowed": false, "code": d.code, "rule": d.rule, "en": d.en, "zh": d.zh}),
        )
        .into_response(),
    }
}

async fn staff_act(
    State(app): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (actor, action, at) = match staff_request(&app, &headers, &body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let app2 = app.clone();
    let result = tokio::task::spawn_blocking(move || {
        let at = at.unwrap_or_else(|| (app2.config.clock)());
        let mut svc = lock(&app2);
        if svc.ledger().get(&id).is_none() {
            return unknown_ticket(&id);
        }
        // The action is kept for the explanation: a refused action changes nothing, so it is
        // asked of the ledger only when refused.
        match svc.apply(&id, &actor, at, action.clone()) {
            Ok(state) => axum::Json(json!({"state": state.as_str()})).into_response(),
            Err(ServiceError::Ticket(e)) => {
                let mut body = json!({"code": e.code(), "message": e.to_string()});
                let why = svc.ledger().why_not(&id, &actor, at, &action);
                if let (Some(d), Value::Object(m)) = (why, &mut body) {
                    m.insert("rule".into(), d.rule.into());
                    m.insert("en".into(), d.en.into());
                    m.insert("zh".into(), d.zh.into());
                }
                let status = if e.code().starts_with("ticket.unauthorized")
                    || e.code() == "ticket.separation_of_duty"
                    || e.code() == "ticket.out_of_jurisdiction"
                {
                    StatusCode::FORBIDDEN
                } else {
                    StatusCode::CONFLICT
                };
                (status, axum::Json(body)).into_response()
            }
            Err(e) => staff_error(StatusCode::INTERNAL_SERVER_ERROR, "store", e.to_string()),
        }
    })
    .await;
    result.unwrap_or_else(|_| {
        staff_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the action failed",
        )
    })
}
