//! The report: options, rows, counts, rates and their formulas, the figures one can rank or
//! check ([`Metric`]), and thresholds.

use serde::{Deserialize, Serialize};

use crate::consultation::{ForumStats, ForumStatsRow};
use crate::hierarchy::{NodeId, NodeKind};
use crate::time::Date;

use super::RepeatPlace;

/// How rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum GroupBy {
    /// One group for everything.
    #[default]
    All,
    /// By the ancestor-or-self of each ticket's unit at this level (street and town share a
    /// level).
    Level(NodeKind),
    /// By every department that held the ticket.
    Department,
}

/// How rows are split in time (calendar days in the calendar's time zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum PeriodBy {
    /// One period for all time.
    #[default]
    All,
    /// Calendar days.
    Day,
    /// Weeks from Monday.
    Week,
    /// Calendar months.
    Month,
    /// One custom range of days, both ends included; everything outside is left out.
    Range {
        /// The first day.
        from: Date,
        /// The last day.
        to: Date,
    },
}

/// A weight as an exact fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weight {
    /// Numerator.
    pub num: u64,
    /// Denominator (0 is read as 1).
    pub den: u64,
}
/// Options of a metrics computation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct MetricsOptions {
    /// Grouping.
    pub group_by: GroupBy,
    /// Periods.
    pub period_by: PeriodBy,
    /// How much a "basically satisfied" visit counts in the satisfaction rate (1 by
    /// default).
    pub basically_satisfied: Weight,
    /// The window of repeat complaints, in days.
    pub repeat_window_days: u32,
    /// Where repeats are counted.
    pub repeat_place: RepeatPlace,
}

impl Default for MetricsOptions {
    fn default() -> MetricsOptions {
        MetricsOptions {
            group_by: GroupBy::All,
            period_by: PeriodBy::All,
            basically_satisfied: Weight { num: 1, den: 1 },
            repeat_window_days: 30,
            repeat_place: RepeatPlace::Compound,
        }
    }
}

/// A rate with its numerator and denominator. `value` is absent when the denominator is 0.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// Numerator (scaled by the weight's denominator for weighted rates).
    pub num: u64,
    /// Denominator (likewise scaled).
    pub den: u64,
    /// `num / den`, or none.
    pub value: Option<f64>,
}

impl Rate {
    /// A rate from a numerator and a denominator.
    pub fn new(num: u64, den: u64) -> Rate {
        Rate {
            num,
            den,
            value: (den > 0).then(|| num as f64 / den as f64),
        }
    }

    /// Compares exactly with a fraction `n / d`: `Some(Less | Equal | Greater)`, or none
    /// when the rate has no value.
    pub fn cmp_fraction(&self, n: u64, d: u64) -> Option<std::cmp::Ordering> {
        (self.den > 0 && d > 0).then(|| {
            (u128::from(self.num) * u128::from(d)).cmp(&(u128::from(n) * u128::from(self.den)))
        })
    }
}

/// The counts of a row (see the [formulas](crate::metrics#formulas)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Counts {
    pub received: u64,
    pub filed: u64,
    pub rejected: u64,
    pub closed: u64,
    pub due: u64,
    pub due_closed: u64,
    pub closed_on_time: u64,
    pub signed: u64,
    pub signed_on_time: u64,
    pub visited: u64,
    pub satisfied: u64,
    pub basically_satisfied: u64,
    pub unsatisfied: u64,
    pub resolved: u64,
    pub returns: u64,
    pub reopens: u64,
    pub escalations: u64,
    pub whistles: u64,
    pub repeat_complaints: u64,
}

impl Counts {
    pub(super) fn is_zero(&self) -> bool {
        *self == Counts::default()
    }

    /// Adds the counts of another part (exact: every count is a sum).
    pub fn add(&mut self, o: &Counts) {
        let pairs = [
            (&mut self.received, o.received),
            (&mut self.filed, o.filed),
            (&mut self.rejected, o.rejected),
            (&mut self.closed, o.closed),
            (&mut self.due, o.due),
            (&mut self.due_closed, o.due_closed),
            (&mut self.closed_on_time, o.closed_on_time),
            (&mut self.signed, o.signed),
            (&mut self.signed_on_time, o.signed_on_time),
            (&mut self.visited, o.visited),
            (&mut self.satisfied, o.satisfied),
            (&mut self.basically_satisfied, o.basically_satisfied),
            (&mut self.unsatisfied, o.unsatisfied),
            (&mut self.resolved, o.resolved),
            (&mut self.returns, o.returns),
            (&mut self.reopens, o.reopens),
            (&mut self.escalations, o.escalations),
            (&mut self.whistles, o.whistles),
            (&mut self.repeat_complaints, o.repeat_complaints),
        ];
        for (a, b) in pairs {
            *a = a.saturating_add(b);
        }
    }
}

/// The rates of a row.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rates {
    /// 结案率: `dueClosed / due`.
    pub closing: Rate,
    /// 按期结案率: `closedOnTime / due`.
    pub on_time_closing: Rate,
    /// 响应率: `signedOnTime / signed`.
    pub response: Rate,
    /// 解决率: `resolved / visited`.
    pub resolution: Rate,
    /// 满意率: `(satisfied + w × basicallySatisfied) / visited`.
    pub satisfaction: Rate,
}

impl Rates {
    /// The rates of a row's counts, a basically satisfied visit weighing `w` (see the
    /// [formulas](crate::metrics#formulas)).
    pub(super) fn of(c: &Counts, w: Weight) -> Rates {
        let wden = w.den.max(1);
        Rates {
            closing: Rate::new(c.due_closed, c.due),
            on_time_closing: Rate::new(c.closed_on_time, c.due),
            response: Rate::new(c.signed_on_time, c.signed),
            resolution: Rate::new(c.resolved, c.visited),
            satisfaction: Rate::new(
                c.satisfied * wden + c.basically_satisfied * w.num,
                c.visited * wden,
            ),
        }
    }
}

/// Handling time in working seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HandlingTime {
    /// Tickets measured.
    pub count: u64,
    /// Mean working seconds.
    pub mean_seconds: Option<f64>,
    /// Median (nearest rank).
    pub p50_seconds: Option<i64>,
    /// 90th percentile.
    pub p90_seconds: Option<i64>,
    /// 95th percentile.
    pub p95_seconds: Option<i64>,
}

impl HandlingTime {
    /// Count, mean and nearest-rank percentiles of handling times (in any order) whose sum
    /// is `sum`.
    pub(super) fn of(samples: &[i64], sum: i128) -> HandlingTime {
        let count = samples.len() as u64;
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        let pct = |p: u64| -> Option<i64> {
            // Nearest rank: the value at rank ceil(p/100 × n).
            let rank = (p * count).div_ceil(100).max(1);
            sorted
                .get(usize::try_from(rank).ok()?.checked_sub(1)?)
                .copied()
        };
        HandlingTime {
            count,
            mean_seconds: (count > 0).then(|| sum as f64 / count as f64),
            p50_seconds: pct(50),
            p90_seconds: pct(90),
            p95_seconds: pct(95),
        }
    }
}

/// One row of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MetricsRow {
    /// The group's id (a unit or a department), none for `all`.
    pub group: Option<NodeId>,
    /// The group's name.
    pub group_name: Option<String>,
    /// The period's label: `all`, `2025-03-03` (a day, or the Monday of a week), `2025-03`,
    /// or `2025-03-01..2025-03-31`.
    pub period: String,
    /// The counts.
    pub counts: Counts,
    /// The rates.
    pub rates: Rates,
    /// Handling time.
    pub handling: HandlingTime,
}

/// Whistle punctuality of one department (部门报到考核).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DepartmentWhistles {
    /// The department.
    pub department: NodeId,
    /// Its name.
    pub name: String,
    /// Times summoned.
    pub summoned: u64,
    /// Signed for (报到), at all.
    pub signed: u64,
    /// Signed for within the deadline (or without one).
    pub signed_on_time: u64,
    /// Reported their part, at all.
    pub reported: u64,
    /// Reported within the deadline (or without one).
    pub reported_on_time: u64,
    /// Released without reporting.
    pub released: u64,
    /// `signedOnTime / summoned`.
    pub sign_punctuality: Rate,
    /// `reportedOnTime / (summoned − released)`.
    pub report_punctuality: Rate,
}

/// The load of one grid: open tickets per person serving it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GridLoad {
    /// The grid.
    pub grid: NodeId,
    /// Its name.
    pub name: String,
    /// Open tickets that arose in it.
    pub open: u64,
    /// People serving it (grid leaders, workers, …).
    pub staff: u64,
    /// `open / staff`.
    pub per_staff: Rate,
}

/// Forum statistics in a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ForumSummary {
    /// All forums together.
    pub total: ForumStats,
    /// Each forum.
    pub by_forum: Vec<ForumStatsRow>,
}

/// A metrics report (plain serde data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MetricsReport {
    /// One row per group and period, ordered by group (hierarchy order) then period.
    pub rows: Vec<MetricsRow>,
    /// Whistle punctuality per department, by department id.
    pub departments: Vec<DepartmentWhistles>,
    /// Load per grid, by grid id.
    pub grids: Vec<GridLoad>,
    /// Forum statistics, if forum records were given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forums: Option<ForumSummary>,
}

/// A figure to rank or check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
#[non_exhaustive]
pub enum Metric {
    Received,
    Filed,
    Rejected,
    Closed,
    Due,
    Returns,
    Escalations,
    Whistles,
    RepeatComplaints,
    ClosingRate,
    OnTimeClosingRate,
    ResponseRate,
    ResolutionRate,
    SatisfactionRate,
    MeanHandlingSeconds,
}

/// A value as an exact fraction (counts have denominator 1).
pub(super) fn value(row: &MetricsRow, metric: Metric) -> Option<(u128, u128)> {
    let c = &row.counts;
    let count = |n: u64| Some((u128::from(n), 1));
    let rate = |r: &Rate| (r.den > 0).then(|| (u128::from(r.num), u128::from(r.den)));
    match metric {
        Metric::Received => count(c.received),
        Metric::Filed => count(c.filed),
        Metric::Rejected => count(c.rejected),
        Metric::Closed => count(c.closed),
        Metric::Due => count(c.due),
        Metric::Returns => count(c.returns),
        Metric::Escalations => count(c.escalations),
        Metric::Whistles => count(c.whistles),
        Metric::RepeatComplaints => count(c.repeat_complaints),
        Metric::ClosingRate => rate(&row.rates.closing),
        Metric::OnTimeClosingRate => rate(&row.rates.on_time_closing),
        Metric::ResponseRate => rate(&row.rates.response),
        Metric::ResolutionRate => rate(&row.rates.resolution),
        Metric::SatisfactionRate => rate(&row.rates.satisfaction),
        Metric::MeanHandlingSeconds => (row.handling.count > 0).then(|| {
            // Ranked by the exact mean: sum / count.
            let mean = row.handling.mean_seconds.unwrap_or(0.0);
            ((mean * 1000.0).round().max(0.0) as u128, 1000)
        }),
    }
}

/// `at_most` (fractions compared exactly, e.g. 85/100).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Threshold {
    /// The metric.
    pub metric: Metric,
    /// The lowest acceptable value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<Weight>,
    /// The highest acceptable value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<Weight>,
}

/// A row that breaks a threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Flag {
    /// The group.
    pub group: Option<NodeId>,
    /// The period.
    pub period: String,
    /// The metric.
    pub metric: Metric,
    /// Its value.
    pub value: f64,
    /// The threshold broken.
    pub threshold: Threshold,
}

/// Flags every row whose value breaks a threshold (e.g. a satisfaction rate under 85% or a
/// response rate under 92%). Rows without a value are not flagged.
pub fn check(report: &MetricsReport, thresholds: &[Threshold]) -> Vec<Flag> {
    let mut out = Vec::new();
    for row in &report.rows {
        for t in thresholds {
            let Some((n, d)) = value(row, t.metric) else {
                continue;
            };
            let below = t
                .at_least
                .is_some_and(|w| n * u128::from(w.den.max(1)) < u128::from(w.num) * d);
            let above = t
                .at_most
                .is_some_and(|w| n * u128::from(w.den.max(1)) > u128::from(w.num) * d);
            if below || above {
                out.push(Flag {
                    group: row.group.clone(),
                    period: row.period.clone(),
                    metric: t.metric,
                    value: n as f64 / d as f64,
                    threshold: *t,
                });
            }
        }
    }
    out
}

/// The load of one grid by id, from a report.
pub fn grid_load<'a>(report: &'a MetricsReport, grid: &str) -> Option<&'a GridLoad> {
    report.grids.iter().find(|g| g.grid.as_str() == grid)
}

crate::names::deserialize_by_name!(Metric { Received = "received", Filed = "filed", Rejected = "rejected", Closed = "closed", Due = "due", Returns = "returns", Escalations = "escalations", Whistles = "whistles", RepeatComplaints = "repeat_complaints", ClosingRate = "closing_rate", OnTimeClosingRate = "on_time_closing_rate", ResponseRate = "response_rate", ResolutionRate = "resolution_rate", SatisfactionRate = "satisfaction_rate", MeanHandlingSeconds = "mean_handling_seconds" });
