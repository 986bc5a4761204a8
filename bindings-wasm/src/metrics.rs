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
        let value: JsValue = crate::convert::opt(options);
        let options: MetricsOptions = if value.is_undefined() || value.is_null() {
            MetricsOptions::default()
        } else {
            from_js(value)?
        };
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

/// Imports Open311 service requests (a list, or one request as `GET /requests/{id}` returns
/// it) as reported tickets; unmapped fields and bad requests are reported, never dropped. A
/// request is placed by `address_id` when it is one of our units, else by `lat`/`long`
/// (WGS-84) in the hierarchy's boundaries, else in `options.defaultUnit`.
#[wasm_bindgen(js_name = open311Import)]
pub fn open311_import(
    ledger: &mut Ledger,
    requests: JsOpen311Document,
    options: Option<JsOpen311ImportOptions>,
) -> Result<JsOpen311Import, JsValue> {
    let document: serde_json::Value = from_js(requests.into())?;
    if !(document.is_array() || document.is_object()) {
        return Err(crate::convert::malformed(
            "expected an array of Open311 service requests or one request (an object)",
        ));
    }
    let options: JsValue = crate::convert::opt(options);
    let options: open311::ImportOptions = if options.is_undefined() || options.is_null() {
        open311::ImportOptions::default()
    } else {
        from_js(options)?
    };
    let imported = open311::import_document(&mut ledger.inner, &document, &options);
    let errors: Vec<serde_json::Value> = imported
        .errors
        .into_iter()
        .map(|(i, e)| {
            let e = wangge::Error::from(e);
            serde_json::json!({"index": i, "code": e.code(), "message": e.to_string()})
        })
        .collect();
    let out = serde_json::json!({
        "tickets": imported.tickets,
        "unmapped": imported.unmapped,
        "errors": errors,
    });
    Ok(to_js(&out)?.unchecked_into())
}
