//! Working-time calendars, service levels and the escalation engine.

use wangge::calendar::{BeyondCoverage, Calendar as CoreCalendar};
use wangge::escalation::{self as engine, Decision, EscalationPolicy as CorePolicy};
use wangge::sla::{ServiceLevels, ServicePolicy};
use wangge::time::{Date, Timestamp};
use wasm_bindgen::prelude::*;

use crate::convert::{err, json_text, malformed, to_js, ts, whole};
use crate::ledger::Ledger;
use crate::types::*;

/// A working calendar (工作日历): weekly spans, holidays and make-up working days.
#[wasm_bindgen]
pub struct Calendar {
    pub(crate) inner: CoreCalendar,
}

#[wasm_bindgen]
impl Calendar {
    /// A calendar from its JSON document (object or text); `Calendar.standard()` otherwise.
    #[wasm_bindgen(constructor)]
    pub fn new(document: JsCalendarDocument) -> Result<Calendar, JsValue> {
        let text = json_text(document.into())?;
        Ok(Calendar {
            inner: CoreCalendar::from_json(&text).map_err(err)?,
        })
    }

    /// Monday to Friday 08:30–12:00 and 14:00–17:30 at +08:00, no exceptions (not an official
    /// holiday schedule): a plain weekly pattern, covering no year.
    pub fn standard() -> Calendar {
        Calendar {
            inner: CoreCalendar::standard(),
        }
    }

    /// The standard office week with the State Council holiday notices shipped with this
    /// version (2025 and 2026), covering those years: a computation that reaches another year
    /// throws `calendar.beyond_coverage`.
    pub fn china() -> Calendar {
        Calendar {
            inner: CoreCalendar::china(),
        }
    }

    /// The years whose holiday notice this calendar holds (empty: a plain weekly pattern).
    #[wasm_bindgen(getter)]
    pub fn covers(&self) -> Vec<i16> {
        self.inner.covers().to_vec()
    }

    /// What computations do with days outside the covered years: `"refuse"` or
    /// `"ordinary_weeks"`.
    #[wasm_bindgen(getter, js_name = beyondCoverage)]
    pub fn beyond_coverage(&self) -> String {
        self.inner.beyond_coverage().as_str().to_owned()
    }

    /// This calendar with another treatment of days outside the covered years (`"refuse"` or
    /// `"ordinary_weeks"`).
    #[wasm_bindgen(js_name = withBeyondCoverage)]
    pub fn with_beyond_coverage(&self, beyond: &str) -> Result<Calendar, JsValue> {
        let beyond: BeyondCoverage =
            serde_json::from_value(serde_json::Value::String(beyond.to_owned()))
                .map_err(|e| malformed(&format!("withBeyondCoverage: {beyond:?}: {e}")))?;
        Ok(Calendar {
            inner: self.inner.clone().with_beyond_coverage(beyond),
        })
    }

    /// This calendar with exceptions from lines `YYYY-MM-DD holiday|working [name]`.
    #[wasm_bindgen(js_name = withExceptionsText)]
    pub fn with_exceptions_text(&self, text: &str) -> Result<Calendar, JsValue> {
        Ok(Calendar {
            inner: self.inner.clone().with_exceptions_text(text).map_err(err)?,
        })
    }

    /// Whether an instant is working time.
    #[wasm_bindgen(js_name = isWorkingTime)]
    pub fn is_working_time(&self, at: JsInstant) -> Result<bool, JsValue> {
        self.inner.is_working_time(ts(at)?).map_err(err)
    }

    /// Whether a date (`YYYY-MM-DD`) is a working day.
    #[wasm_bindgen(js_name = isWorkingDay)]
    pub fn is_working_day(&self, date: &str) -> Result<bool, JsValue> {
        let d: Date = date.parse().map_err(err)?;
        self.inner.is_working_day(d).map_err(err)
    }

    /// The instant `minutes` of working time after `at`.
    #[wasm_bindgen(js_name = addWorkingMinutes)]
    pub fn add_working_minutes(&self, at: JsInstant, minutes: f64) -> Result<String, JsValue> {
        if minutes.is_nan() {
            return Err(malformed("addWorkingMinutes: minutes is NaN"));
        }
        let at = ts(at)?;
        // `as` saturates: an amount beyond i64 is beyond every instant, which the core refuses
        // (calendar.out_of_range), as it refuses a negative one (calendar.invalid_amount).
        let due = if minutes.fract() == 0.0 {
            self.inner.add_working_minutes(at, minutes as i64)
        } else {
            self.inner
                .add_working_seconds(at, (minutes * 60.0).round() as i64)
        };
        Ok(due.map_err(err)?.to_string())
    }

    /// The end of working time on the n-th working day after the day of `at`.
    #[wasm_bindgen(js_name = addWorkingDays)]
    pub fn add_working_days(&self, at: JsInstant, days: f64) -> Result<String, JsValue> {
        let days = whole(days, "addWorkingDays: days", u32::MAX)?;
        Ok(self
            .inner
            .add_working_days(ts(at)?, days)
            .map_err(err)?
            .to_string())
    }

    /// Working minutes between two instants (0 if `to` is not after `from`).
    #[wasm_bindgen(js_name = workingMinutesBetween)]
    pub fn working_minutes_between(&self, from: JsInstant, to: JsInstant) -> Result<f64, JsValue> {
        Ok(self
            .inner
            .working_seconds_between(ts(from)?, ts(to)?)
            .map_err(err)? as f64
            / 60.0)
    }

    /// The next instant inside working time.
    #[wasm_bindgen(js_name = nextWorkingInstant)]
    pub fn next_working_instant(&self, at: JsInstant) -> Result<String, JsValue> {
        Ok(self
            .inner
            .next_working_instant(ts(at)?)
            .map_err(err)?
            .to_string())
    }

    /// The last day of a period of `days` days from `start` (Civil Code Arts. 200–203).
    #[wasm_bindgen(js_name = periodEndDate)]
    pub fn period_end_date(&self, start: &str, days: f64) -> Result<String, JsValue> {
        let days = whole(days, "periodEndDate: days", u32::MAX)?;
        let d: Date = start.parse().map_err(err)?;
        Ok(self
            .inner
            .period_end_date(d, days)
            .map_err(err)?
            .to_string())
    }

    /// When such a period ends: 24:00 of its last day.
    #[wasm_bindgen(js_name = periodDeadline)]
    pub fn period_deadline(&self, start: JsInstant, days: f64) -> Result<String, JsValue> {
        let days = whole(days, "periodDeadline: days", u32::MAX)?;
        Ok(self
            .inner
            .period_deadline(ts(start)?, days)
            .map_err(err)?
            .to_string())
    }

    /// Working-time additions of many instants at once (epoch milliseconds in and out). A
    /// negative or non-finite amount, or an instant that is not one (NaN, beyond years
    /// -9999..=9999), is refused naming it.
    #[wasm_bindgen(js_name = addWorkingSecondsMany)]
    pub fn add_working_seconds_many(
        &self,
        at_ms: &[f64],
        seconds: f64,
    ) -> Result<Vec<f64>, JsValue> {
        if !seconds.is_finite() || seconds < 0.0 || seconds.fract() != 0.0 {
            return Err(malformed(&format!(
                "addWorkingSecondsMany: seconds must be a whole non-negative number, not {seconds}"
            )));
        }
        let n = seconds as i64;
        at_ms
            .iter()
            .map(|ms| {
                let at = Timestamp::from_epoch_millis(*ms).map_err(err)?;
                let due = self.inner.add_working_seconds(at, n).map_err(err)?;
                Ok(due.unix_seconds() as f64 * 1000.0)
            })
            .collect()
    }
}

pub(crate) fn service_policy(value: JsValue) -> Result<ServicePolicy, JsValue> {
    let text = json_text(value)?;
    ServicePolicy::from_json(&text).map_err(err)
}

/// A service policy (a document or JSON text), checked, as a document.
#[wasm_bindgen(js_name = servicePolicyDocument)]
pub fn service_policy_document(policy: JsServicePolicy) -> Result<JsServicePolicyOut, JsValue> {
    Ok(to_js(&service_policy(policy.into())?)?.unchecked_into())
}

/// The 12345 hotline deadlines of Guangdong (enquiry 2, help/suggestion 10, complaint/report
/// 15 working days).
#[wasm_bindgen(js_name = servicePolicyGuangdong12345)]
pub fn service_policy_guangdong() -> Result<JsServicePolicyOut, JsValue> {
    Ok(to_js(&ServicePolicy::hotline_12345_guangdong())?.unchecked_into())
}

/// Beijing's draft service standard (emergency 2 h, utilities 24 h, ordinary 7 days, complex
/// 15 days).
#[wasm_bindgen(js_name = servicePolicyBeijing)]
pub fn service_policy_beijing() -> Result<JsServicePolicyOut, JsValue> {
    Ok(to_js(&ServicePolicy::beijing_draft())?.unchecked_into())
}

/// An escalation policy (升级规则): rules as data, evaluated by a pure engine.
#[wasm_bindgen]
pub struct EscalationPolicy {
    inner: CorePolicy,
}

/// Decisions of the engine, kept on the Rust side so that applying them does not read them
/// back from JS. `toArray()` shows them; `select()` keeps some.
#[wasm_bindgen]
pub struct Decisions {
    inner: Vec<Decision>,
}

#[wasm_bindgen]
impl Decisions {
    /// How many decisions.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.inner.len()
    }

    /// The decisions as plain objects.
    #[wasm_bindgen(js_name = toArray)]
    pub fn to_array(&self) -> Result<JsDecisions, JsValue> {
        Ok(to_js(&self.inner)?.unchecked_into())
    }

    /// The decisions at the given positions, in that order.
    pub fn select(&self, indices: &[u32]) -> Decisions {
        Decisions {
            inner: indices
                .iter()
                .filter_map(|i| self.inner.get(*i as usize).cloned())
                .collect(),
        }
    }
}

#[wasm_bindgen]
impl EscalationPolicy {
    /// A policy from its JSON document (object or text), validated.
    #[wasm_bindgen(constructor)]
    pub fn new(document: JsEscalationPolicy) -> Result<EscalationPolicy, JsValue> {
        let text = json_text(document.into())?;
        Ok(EscalationPolicy {
            inner: CorePolicy::from_json(&text).map_err(err)?,
        })
    }

    /// The built-in policy assembled from published practice (reminders before deadlines,
    /// escalation when one is missed or a party refuses, a whistle answered within 1 hour and
    /// reported on within 3 working days); see the core's `EscalationPolicy::standard`.
    pub fn standard() -> EscalationPolicy {
        EscalationPolicy {
            inner: CorePolicy::standard(),
        }
    }

    /// The decisions at `now`, in a deterministic order; nothing changes until they are
    /// applied.
    pub fn evaluate(
        &self,
        ledger: &Ledger,
        now: JsInstant,
        calendar: &Calendar,
    ) -> Result<Decisions, JsValue> {
        Ok(Decisions {
            inner: engine::evaluate(ts(now)?, &ledger.inner, &self.inner, &calendar.inner)
                .map_err(err)?,
        })
    }

    /// Applies decisions through the ticket lifecycle, as `@system` at `now`.
    pub fn apply(
        &self,
        ledger: &mut Ledger,
        decisions: &Decisions,
        now: JsInstant,
    ) -> Result<JsApplied, JsValue> {
        let applied = engine::apply(&mut ledger.inner, &decisions.inner, ts(now)?);
        applied_js(applied)
    }

    /// Evaluates and applies; returns the decisions taken (as a handle: `length`,
    /// `toArray()`).
    pub fn sweep(
        &self,
        ledger: &mut Ledger,
        now: JsInstant,
        calendar: &Calendar,
    ) -> Result<Decisions, JsValue> {
        Ok(Decisions {
            inner: engine::sweep(&mut ledger.inner, ts(now)?, &self.inner, &calendar.inner)
                .map_err(err)?,
        })
    }

    /// Compares this policy (with `policy` service levels) against an alternative over a
    /// ledger's history, without touching it.
    #[wasm_bindgen(js_name = whatIf)]
    #[allow(clippy::too_many_arguments)]
    pub fn what_if(
        &self,
        ledger: &Ledger,
        policy: JsServicePolicy,
        calendar: &Calendar,
        alternative: &EscalationPolicy,
        alternative_policy: JsServicePolicy,
        horizon: JsInstant,
    ) -> Result<JsWhatIf, JsValue> {
        let base = ServiceLevels {
            policy: service_policy(policy.into())?,
            calendar: calendar.inner.clone(),
        };
        let alt = ServiceLevels {
            policy: service_policy(alternative_policy.into())?,
            calendar: calendar.inner.clone(),
        };
        let report = engine::what_if(
            &ledger.inner,
            (&base, &self.inner),
            (&alt, &alternative.inner),
            ts(horizon)?,
        )
        .map_err(err)?;
        Ok(to_js(&report)?.unchecked_into())
    }
}

fn applied_js(applied: Vec<engine::Applied>) -> Result<JsApplied, JsValue> {
    let v: Vec<serde_json::Value> = applied
        .into_iter()
        .map(|a| match a.result {
            Ok(state) => serde_json::json!({"index": a.index, "state": state}),
            Err(e) => {
                let e = wangge::Error::from(e);
                serde_json::json!({"index": a.index, "error": {"code": e.code(), "message": e.to_string()}})
            }
        })
        .collect();
    Ok(to_js(&v)?.unchecked_into())
}

/// A service policy scaled by `percent` / 100 (e.g. 80 for a 20% shorter deadline).
#[wasm_bindgen(js_name = scaleServicePolicy)]
pub fn scale_service_policy(
    policy: JsServicePolicy,
    percent: f64,
) -> Result<JsServicePolicyOut, JsValue> {
    let percent = whole(percent, "scaleServicePolicy: percent", u32::MAX)?;
    Ok(to_js(
        &service_policy(policy.into())?
            .scaled(percent)
            .map_err(err)?,
    )?
    .unchecked_into())
}

crate::convert::document_methods!(Calendar, JsCalendarDocumentOut, |c| &c.inner);
crate::convert::document_methods!(EscalationPolicy, JsEscalationPolicyOut, |p| &p.inner);
