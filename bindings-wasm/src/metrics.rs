//! Metrics, rankings, thresholds and Open311.

use wangge::interop::open311;
use wangge::metrics::{self, Metric, MetricsOptions, MetricsReport, Threshold};
use wasm_bindgen::prelude::*;

use crate::consultation::ForumRecords;
use crate::convert::{err, from_js, to_js};
use crate::escalation::Calendar;
use crate::ledger::Ledger;
use crate::types::*;

/// A metrics report, kept on the Rust side for rankings and threshold checks.
#[wasm_bindgen]
pub struct Metrics {
    inner: MetricsReport,
}

#[wasm_bindgen]
impl Metrics {
    /// Every metric over a ledger (as in Python: `new Metrics(ledger, calendar, options)`),
    /// grouped and split in time as the options say. With forum statistics:
    /// [`Metrics::compute_with_forums`] (Python's `forums=` keyword).
    #[wasm_bindgen(constructor)]
    pub fn new(
        ledger: &Ledger,
        calendar: &Calendar,
        options: Option<JsMetricsOptions>,
    ) -> Result<Metrics, JsValue> {
        Metrics::build(ledger, calendar, options, None)
    }

    /// Every metric over a ledger (see the core's formulas), grouped and split in time as
    /// the options say; forum statistics when records are given.
    pub fn compute(
        ledger: &Ledger,
        calendar: &Calendar,
        options: Option<JsMetricsOptions>,
    ) -> Result<Metrics, JsValue> {
        Metrics::build(ledger, calendar, options, None)
    }

    /// [`Metrics::compute`] with the statistics of consultation forums.
    #[wasm_bindgen(js_name = computeWithForums)]
    pub fn compute_with_forums(
        ledger: &Ledger,
        calendar: &Calendar,
        options: Option<JsMetricsOptions>,
        forums: &ForumRecords,
    ) -> Result<Metrics, JsValue> {
        Metrics::build(ledger, calendar, options, Some(forums))
    }
}

impl Metrics {
    fn build(
        ledger: &Ledger,
        calendar: &Calendar,
        options: Option<JsMetricsOptions>,
        forums: Option<&ForumRecords>,
    ) -> Result<Metrics, JsValue> {
        let options = options_of(options)?;
        Ok(Metrics {
            inner: metrics::compute(
                &ledger.inner,
                &calendar.inner,
                &options,
                forums.map(|f| &f.inner),
            )
            .map_err(err)?,
        })
    }
}

#[wasm_bindgen]
impl Metrics {
    /// The report as a plain object.
    pub fn report(&self) -> Result<JsMetricsReport, JsValue> {
        Ok(to_js(&self.inner)?.unchecked_into())
    }

    /// Ranks the rows of one period by a metric (ties share a rank).
    pub fn rank(
        &self,
        metric: JsMetric,
        period: &str,
        lowest_first: bool,
    ) -> Result<JsRanked, JsValue> {
        let m: Metric = from_js(metric.into())?;
        Ok(to_js(&metrics::rank(&self.inner, m, period, lowest_first))?.unchecked_into())
    }

    /// The rows that break thresholds.
    pub fn check(&self, thresholds: JsThresholds) -> Result<JsFlags, JsValue> {
        let t: Vec<Threshold> = from_js(thresholds.into())?;
        Ok(to_js(&metrics::check(&self.inner, &t))?.unchecked_into())
    }
}

/// Every metric as a plain report object (see [`Metrics::compute`]).
#[wasm_bindgen(js_name = computeMetrics)]
pub fn compute_metrics(
    ledger: &Ledger,
    calendar: &Calendar,
    options: Option<JsMetricsOptions>,
) -> Result<JsMetricsReport, JsValue> {
    Metrics::build(ledger, calendar, options, None)?.report()
}

/// The partial metrics of one part of a ledger (a territory's tickets) as a
/// `wangge.metrics_partial` document (JSON text), for [`merge_metrics`] to merge where the
/// report is made.
#[wasm_bindgen(js_name = metricsPartial)]
pub fn metrics_partial(
    ledger: &Ledger,
    calendar: &Calendar,
    options: Option<JsMetricsOptions>,
) -> Result<String, JsValue> {
    let options = options_of(options)?;
    Ok(
        metrics::partial_of(&ledger.inner, &calendar.inner, &options)
            .map_err(err)?
            .to_json(),
    )
}

/// The report of the whole from its parts' `wangge.metrics_partial` documents (over copies
/// of the same hierarchy, with the same calendar and options): counts add, handling times
/// pool. Throws `metrics.unsupported_format` or `metrics.unknown_node` for a document it
/// cannot merge.
#[wasm_bindgen(js_name = mergeMetrics)]
pub fn merge_metrics(
    hierarchy: &crate::hierarchy::Hierarchy,
    calendar: &Calendar,
    partials: Vec<String>,
    options: Option<JsMetricsOptions>,
) -> Result<Metrics, JsValue> {
    let options = options_of(options)?;
    let parts = partials
        .iter()
        .map(|text| metrics::MetricsPartial::from_json(text))
        .collect::<Result<Vec<_>, _>>()
        .map_err(err)?;
    Ok(Metrics {
        inner: metrics::merge_partials(&hierarchy.inner, &calendar.inner, &options, &parts)
            .map_err(err)?,
    })
}

/// Options from JS, or the defaults.
fn options_of(options: Option<JsMetricsOptions>) -> Result<MetricsOptions, JsValue> {
    let value: JsValue = crate::convert::opt(options);
    if value.is_undefined() || value.is_null() {
        Ok(MetricsOptions::default())
    } else {
        from_js(value)
    }
}

/// Every ticket as an Open311 GeoReport v2 service request.
#[wasm_bindgen(js_name = open311Requests)]
pub fn open311_requests(ledger: &Ledger) -> Result<JsServiceRequests, JsValue> {
    Ok(to_js(&open311::requests(&ledger.inner))?.unchecked_into())
}

/// The ledger's taxonomy as Open311 services.
#[wasm_bindgen(js_name = open311Services)]
pub fn open311_services(ledger: &Ledger) -> Result<JsOpen311Services, JsValue> {
    Ok(to_js(&open311::services(ledger.inner.taxonomy()))?.unchecked_into())
}

/// An Open311 document: its text (JSON or XML) or its JSON already read (arrays, objects).
fn open311_document(value: JsValue) -> Result<open311::Document, JsValue> {
    if let Some(text) = value.as_string() {
        return open311::read(&text).map_err(crate::convert::err);
    }
    let document: serde_json::Value = from_js(value)?;
    open311::classify(document).map_err(crate::convert::err)
}

fn open311_requests_of(doc: open311::Document) -> Result<Vec<serde_json::Value>, JsValue> {
    match doc {
        open311::Document::Requests(items) => Ok(items),
        open311::Document::Errors(errors) => {
            Err(crate::convert::err(open311::Open311Error::ServerErrors {
                errors,
            }))
        }
        other => Err(crate::convert::err(open311::Open311Error::WrongDocument {
            expected: "service requests",
            found: other.kind(),
        })),
    }
}

fn open311_rows(errors: Vec<open311::RowError>) -> Vec<serde_json::Value> {
    errors
        .into_iter()
        .map(|e| {
            let mut v = crate::ledger::error_info(e.row, e.error);
            if let (Some(m), Some(r)) = (v.as_object_mut(), e.request) {
                m.insert("request".into(), r.into());
            }
            v
        })
        .collect()
}

/// Imports an Open311 GeoReport v2 document as tickets: its text (JSON or XML), an array of
/// requests, or one request as `GET /requests/{id}` returns it. A request is placed by
/// `address_id` when it is one of our units, else by `lat`/`long` (WGS-84) in the
/// hierarchy's boundaries, else in `options.defaultUnit`; its state comes from its `status`
/// through the status table (`options.statuses` adds to it); times without a zone are read
/// at `options.localOffset`. Unmapped fields, assumptions, duplicates and refused rows are
/// reported, never dropped. An error document or a document of another kind throws
/// (`open311.server_error`, `open311.wrong_document`).
#[wasm_bindgen(js_name = open311Import)]
pub fn open311_import(
    ledger: &mut Ledger,
    requests: JsOpen311Document,
    options: Option<JsOpen311ImportOptions>,
) -> Result<JsOpen311Import, JsValue> {
    let items = open311_requests_of(open311_document(requests.into())?)?;
    let options: JsValue = crate::convert::opt(options);
    let options: open311::ImportOptions = if options.is_undefined() || options.is_null() {
        open311::ImportOptions::default()
    } else {
        from_js(options)?
    };
    let imported =
        open311::import_with(&mut ledger.inner, &items, &options).map_err(crate::convert::err)?;
    let out = serde_json::json!({
        "tickets": imported.tickets,
        "unmapped": imported.unmapped,
        "assumed": imported.assumed,
        "duplicates": imported.duplicates,
        "errors": open311_rows(imported.errors),
    });
    Ok(to_js(&out)?.unchecked_into())
}

/// Reads an Open311 GeoReport v2 document (text, JSON or XML; or JSON already read) and says
/// what it is: `{kind, items}`, `kind` one of `requests`, `services`, `definition`,
/// `receipts`, `errors`. Anything else throws `open311.malformed`.
#[wasm_bindgen(js_name = open311Read)]
pub fn open311_read(document: JsOpen311Document) -> Result<JsOpen311Read, JsValue> {
    let doc = open311_document(document.into())?;
    let kind = doc.name();
    let items = match doc {
        open311::Document::Requests(v)
        | open311::Document::Services(v)
        | open311::Document::Receipts(v) => serde_json::Value::Array(v),
        open311::Document::ServiceDefinition(v) => v,
        open311::Document::Errors(e) => serde_json::to_value(e).unwrap_or_default(),
        _ => serde_json::Value::Null,
    };
    Ok(to_js(&serde_json::json!({"kind": kind, "items": items}))?.unchecked_into())
}

/// Imports an Open311 service list (`GET /services`: text, JSON or XML, or an array) into a
/// taxonomy: `{taxonomy, unmapped, errors}`, `taxonomy` a document for `new Ledger(hierarchy,
/// taxonomy)`.
#[wasm_bindgen(js_name = open311ImportServices)]
pub fn open311_import_services(
    services: JsOpen311Document,
) -> Result<JsOpen311ServicesImport, JsValue> {
    let items = open311_document(services.into())?
        .into_services()
        .map_err(crate::convert::err)?;
    let imported = open311::import_services(&items);
    let taxonomy: serde_json::Value =
        serde_json::from_str(&imported.taxonomy.to_json()).unwrap_or_default();
    let out = serde_json::json!({
        "taxonomy": taxonomy,
        "unmapped": imported.unmapped,
        "errors": open311_rows(imported.errors),
    });
    Ok(to_js(&out)?.unchecked_into())
}

/// The services a list of requests names (distinct `service_code`s with their
/// `service_name`s): a taxonomy for requests whose service list is not at hand
/// (`open311ImportServices(open311ServicesNamed(requests))`).
#[wasm_bindgen(js_name = open311ServicesNamed)]
pub fn open311_services_named(requests: JsOpen311Document) -> Result<JsOpen311Document, JsValue> {
    let items = open311_requests_of(open311_document(requests.into())?)?;
    Ok(to_js(&open311::services_named(&items))?.unchecked_into())
}
