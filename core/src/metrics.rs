//! Evaluation metrics (考核指标): the digital-city bulletin figures, the 12345 "三率", and
//! more, computed in one place so that every runtime reports the same number.
//!
//! A [`MetricsReport`] has one row per group (a level of the hierarchy, a department, or
//! everything) and period (day, week, month, a custom range, or all time; periods are
//! calendar days in the calendar's time zone). Every figure is a count or a [`Rate`] with its
//! numerator and denominator; a rate with an empty denominator has no value (never a
//! division by zero or NaN).
//!
//! # Formulas
//!
//! A ticket belongs to the group of its unit (the ancestor-or-self of the unit where it arose
//! at the grouping level), or, when grouping by department, to every department that held
//! it. Each figure is counted in the period of the instant named below.
//!
//! | figure | counted when | definition |
//! |---|---|---|
//! | `received` 受理数 | reported | tickets reported |
//! | `filed` 立案数 | reported | of those, filed at least once |
//! | `rejected` 不予立案数 | reported | of those, rejected now |
//! | `closed` 结案数 | closed | tickets closed (closed now) |
//! | `due` 应结案数 | closing deadline | tickets whose closing deadline (the reply deadline, else the handling deadline) falls in the period |
//! | `dueClosed` | closing deadline | of those, closed now |
//! | `closedOnTime` 按期结案数 | closing deadline | of those, closed at or before the deadline |
//! | **closing rate** 结案率 | | `dueClosed / due` |
//! | **on-time closing rate** 按期结案率 | | `closedOnTime / due` |
//! | `signed` | first signing | tickets first signed for with an acknowledgement deadline in force |
//! | `signedOnTime` | first signing | of those, signed at or before that deadline |
//! | **response rate** 响应率 | | `signedOnTime / signed` |
//! | `visited` 参评件数 | reported | tickets with a return visit (the last visit counts) |
//! | `satisfied`, `basicallySatisfied`, `unsatisfied` | reported | by the last visit |
//! | `resolved` 已解决 | reported | closed through a satisfied or basically satisfied visit |
//! | **resolution rate** 解决率 | | `resolved / visited` |
//! | **satisfaction rate** 满意率 | | `(satisfied + w × basicallySatisfied) / visited`, with the weight `w` of [`MetricsOptions::basically_satisfied`] (1 by default; ½ and 0 are common) |
//! | `returns` 退单数, `reopens`, `escalations` 升级数, `whistles` 吹哨数 | reported | summed over the tickets |
//! | `repeatComplaints` 重复投诉 | reported | tickets with an earlier ticket (inserted before it) of the same category at the same compound or building (or unit) within the repeat window |
//! | handling time 处置时长 | reported | working time from the first dispatch to the first handling after it: count, mean, 50th/90th/95th percentile (nearest rank) |
//!
//! Besides the rows: the whistle punctuality of every summoned department (signed for and
//! reported within their deadlines), the load of every grid (open tickets per person serving
//! it), and, when forum records are given, the forum statistics (sessions, consultations,
//! problems solved).
//!
//! [`MetricsAccumulator`] keeps the same report up to date as events are applied: it caches
//! each ticket's facts and, when a ticket changes, takes its old contribution out and puts
//! its new one in, so it always equals the batch computation.
//!
//! ```
//! use std::sync::Arc;
//! use wangge::calendar::Calendar;
//! use wangge::hierarchy::{Hierarchy, NodeKind};
//! use wangge::metrics::{compute, GroupBy, MetricsOptions, PeriodBy};
//! use wangge::ticket::{Ledger, NewTicket, Taxonomy};
//!
//! let mut h = Hierarchy::new();
//! h.add("s", NodeKind::Street, "街道")?;
//! h.add("g", NodeKind::Grid, "网格")?;
//! h.contain("s", "g")?;
//! let mut ledger = Ledger::new(Arc::new(h), Arc::new(Taxonomy::default()));
//! ledger.report(NewTicket::new("T1", "livelihood", "g")?, "g", "2025-03-03T09:00:00+08:00".parse()?)?;
//! let options = MetricsOptions { group_by: GroupBy::Level(NodeKind::Street), period_by: PeriodBy::Month, ..Default::default() };
//! let report = compute(&ledger, &Calendar::standard(), &options, None);
//! assert_eq!(report.rows[0].group.as_ref().unwrap().as_str(), "s");
//! assert_eq!(report.rows[0].period, "2025-03");
//! assert_eq!(report.rows[0].counts.received, 1);
//! assert_eq!(report.rows[0].rates.closing.value, None); // nothing due: no rate
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::consultation::{ForumRecords, ForumStats, ForumStatsRow};
use crate::hierarchy::{Hierarchy, NodeId, NodeKey, NodeKind};
use crate::ticket::{Ledger, Satisfaction, TicketFacts, TicketKey, TicketState, TicketView};
use crate::time::{civil_from_day_number, Date, Timestamp, Weekday};

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

/// Where repeat complaints are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RepeatPlace {
    /// The same compound (or, outside compounds, the same unit).
    #[default]
    Compound,
    /// The same building (or, outside buildings, the same unit).
    Building,
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

/// The counts of a row (see the [formulas](self#formulas)).
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
    fn is_zero(&self) -> bool {
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

// ----- the accumulator -----------------------------------------------------------------------

type RowKey = (u32, i64);
const NO_GROUP: u32 = u32::MAX;
const OUT_OF_RANGE: i64 = i64::MIN;

#[derive(Debug, Clone, Default)]
struct RowAcc {
    counts: Counts,
    /// Handling times (unordered; sorted when a report is made).
    handling: Vec<i64>,
    handling_sum: i128,
}

#[derive(Debug, Clone, Copy, Default)]
struct DeptAcc {
    summoned: u64,
    signed: u64,
    signed_on_time: u64,
    reported: u64,
    reported_on_time: u64,
    released: u64,
}

/// The groups a ticket counts in (usually one, so no allocation).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Groups {
    One(u32),
    Many(Vec<u32>),
}

impl Groups {
    fn as_slice(&self) -> &[u32] {
        match self {
            Groups::One(g) => std::slice::from_ref(g),
            Groups::Many(v) => v,
        }
    }
}

/// A ticket's contribution, by the instant each part is counted at: the figures counted at
/// the report, at the closing, at the closing deadline and at the first signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parts {
    report: (i64, ReportPart),
    closed: Option<i64>,
    /// (period, closed, closed on time)
    due: Option<(i64, bool, bool)>,
    /// (period, on time)
    signed: Option<(i64, bool)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ReportPart {
    filed: bool,
    rejected: bool,
    repeat: bool,
    visit: Option<Satisfaction>,
    resolved: bool,
    returns: u32,
    reopens: u32,
    escalations: u32,
    summons: u32,
}

/// Adds one part to a row's counts (`sign` < 0 takes it back).
fn add_report(c: &mut Counts, p: &ReportPart, sign: i8) {
    let f = |a: &mut u64, b: u64| {
        *a = if sign >= 0 {
            a.wrapping_add(b)
        } else {
            a.wrapping_sub(b)
        }
    };
    f(&mut c.received, 1);
    f(&mut c.filed, u64::from(p.filed));
    f(&mut c.rejected, u64::from(p.rejected));
    f(&mut c.repeat_complaints, u64::from(p.repeat));
    f(&mut c.returns, u64::from(p.returns));
    f(&mut c.reopens, u64::from(p.reopens));
    f(&mut c.escalations, u64::from(p.escalations));
    f(&mut c.whistles, u64::from(p.summons));
    if let Some(s) = p.visit {
        f(&mut c.visited, 1);
        match s {
            Satisfaction::Satisfied => f(&mut c.satisfied, 1),
            Satisfaction::BasicallySatisfied => f(&mut c.basically_satisfied, 1),
            Satisfaction::Unsatisfied => f(&mut c.unsatisfied, 1),
        }
        f(&mut c.resolved, u64::from(p.resolved));
    }
}

#[derive(Debug, Clone)]
struct Cached {
    groups: Groups,
    facts: TicketFacts,
    /// (received period, working seconds) of the handling time.
    handling: Option<(i64, i64)>,
    /// (dispatched, handled) the handling time was computed from.
    handled_span: Option<(Timestamp, Timestamp)>,
    repeat: bool,
    open_grid: Option<NodeKey>,
    summons: Vec<(NodeKey, SummonsFact)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct SummonsFact {
    signed: Option<bool>,
    reported: Option<bool>,
    released: bool,
}

/// An incremental metrics computation: observe tickets as they change, read a report at
/// any time. It always equals [`compute`] over the same ledger: [`compute`] is this
/// accumulator observing every ticket once.
#[derive(Debug, Clone)]
pub struct MetricsAccumulator {
    options: MetricsOptions,
    calendar: Calendar,
    range: Option<(i64, i64)>,
    rows: FxHashMap<RowKey, RowAcc>,
    departments: FxHashMap<NodeKey, DeptAcc>,
    grid_open: FxHashMap<NodeKey, u64>,
    cache: Vec<Option<Cached>>,
    /// Whether tickets are remembered between observations (false for a one-pass batch).
    incremental: bool,
}

impl MetricsAccumulator {
    /// An empty accumulator.
    pub fn new(options: MetricsOptions, calendar: Calendar) -> MetricsAccumulator {
        let range = match options.period_by {
            PeriodBy::Range { from, to } => Some((from.day_number(), to.day_number())),
            _ => None,
        };
        MetricsAccumulator {
            options,
            calendar,
            range,
            rows: FxHashMap::default(),
            departments: FxHashMap::default(),
            grid_open: FxHashMap::default(),
            cache: Vec::new(),
            incremental: true,
        }
    }

    /// Takes a ticket's current state into account (call after every change to it). Only
    /// the parts of its contribution that changed are taken out and put back.
    pub fn observe(&mut self, ledger: &Ledger, key: TicketKey) {
        let Some(v) = ledger.view(key) else { return };
        if !self.incremental {
            let new = self.cached(ledger, &v, None);
            self.apply_diff(None, &new);
            return;
        }
        let slot = key.index();
        if self.cache.len() <= slot {
            self.cache.resize_with(slot + 1, || None);
        }
        let old = self.cache.get_mut(slot).and_then(Option::take);
        let new = self.cached(ledger, &v, old.as_ref());
        self.apply_diff(old.as_ref(), &new);
        if let Some(c) = self.cache.get_mut(slot) {
            *c = Some(new);
        }
    }

    /// Merges the accumulator of another part into this one, exactly: counts add, handling
    /// times are pooled (so percentiles are those of the whole), department and grid figures
    /// add. This is how a ledger split by territory (one part per street, say, each with its
    /// own ledger over the same hierarchy) is measured in parallel — each worker observes its
    /// part, the results are merged, and the report equals the one computed over all the
    /// tickets at once.
    ///
    /// Both must use the same options and calendar and ledgers over the same hierarchy (node
    /// keys are compared, not ids); parts must not share tickets. The merged accumulator no
    /// longer tracks individual tickets: call [`MetricsAccumulator::report`] on it, and do
    /// not [`observe`](MetricsAccumulator::observe) a ticket it already counts.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use wangge::calendar::Calendar;
    /// # use wangge::hierarchy::{Hierarchy, NodeKind};
    /// # use wangge::metrics::{compute, MetricsAccumulator, MetricsOptions};
    /// # use wangge::ticket::{Ledger, NewTicket, Taxonomy};
    /// let mut h = Hierarchy::new();
    /// h.add("c", NodeKind::Community, "社区")?;
    /// for g in ["g1", "g2"] { h.add(g, NodeKind::Grid, g)?; h.contain("c", g)?; }
    /// let h = Arc::new(h);
    /// let at = "2025-03-03T09:00:00+08:00".parse()?;
    /// let mut parts = Vec::new();
    /// for g in ["g1", "g2"] {
    ///     let mut l = Ledger::new(h.clone(), Arc::new(Taxonomy::default()));
    ///     l.report(NewTicket::new(&format!("T-{g}"), "livelihood.repair", g)?, "c", at)?;
    ///     parts.push(l);
    /// }
    /// let (options, cal) = (MetricsOptions::default(), Calendar::standard());
    /// let mut total = MetricsAccumulator::new(options.clone(), cal.clone());
    /// for part in &parts {
    ///     let mut acc = MetricsAccumulator::new(options.clone(), cal.clone());
    ///     acc.observe_all(part);
    ///     total.merge(acc);
    /// }
    /// assert_eq!(total.report(&parts[0], None).rows[0].counts.received, 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn merge(&mut self, other: MetricsAccumulator) {
        for (k, r) in other.rows {
            let row = self.rows.entry(k).or_default();
            row.counts.add(&r.counts);
            row.handling.extend(r.handling);
            row.handling_sum = row.handling_sum.saturating_add(r.handling_sum);
        }
        for (k, d) in other.departments {
            let e = self.departments.entry(k).or_default();
            e.summoned = e.summoned.saturating_add(d.summoned);
            e.signed = e.signed.saturating_add(d.signed);
            e.signed_on_time = e.signed_on_time.saturating_add(d.signed_on_time);
            e.reported = e.reported.saturating_add(d.reported);
            e.reported_on_time = e.reported_on_time.saturating_add(d.reported_on_time);
            e.released = e.released.saturating_add(d.released);
        }
        for (k, n) in other.grid_open {
            let e = self.grid_open.entry(k).or_default();
            *e = e.saturating_add(n);
        }
        self.cache.clear();
        self.incremental = false;
    }

    /// Observes every ticket of a ledger.
    pub fn observe_all(&mut self, ledger: &Ledger) {
        for i in 0..ledger.len() {
            self.observe(
                ledger,
                TicketKey::from_index(u32::try_from(i).unwrap_or(u32::MAX)),
            );
        }
    }

    fn cached(&self, ledger: &Ledger, v: &TicketView<'_>, old: Option<&Cached>) -> Cached {
        let h = &**ledger.hierarchy();
        let f = v.facts();
        let groups = match old {
            Some(o) if self.options.group_by != GroupBy::Department => o.groups.clone(),
            _ => self.groups_of(h, v),
        };
        let repeat = match old {
            Some(o) => o.repeat,
            None => is_repeat(ledger, v, &self.options),
        };
        let received = self.period(f.reported_at);
        let handled_span = f.first_dispatch.zip(f.first_handled);
        let handling = match (old, handled_span) {
            (Some(o), Some(span)) if o.handled_span == Some(span) => o.handling,
            (_, Some((a, b))) => Some((received, self.calendar.working_seconds_between(a, b))),
            _ => None,
        };
        let open_grid = if f.state.is_open() {
            if h.kind_of(v.unit()) == Some(NodeKind::Grid) {
                Some(v.unit())
            } else {
                h.ancestor_key_of_kind(v.unit(), NodeKind::Grid)
            }
        } else {
            None
        };
        let summons = if f.summons > 0 {
            v.snapshot()
                .summons
                .iter()
                .filter_map(|s| {
                    let on_time = |at: Option<Timestamp>, by: Option<Timestamp>| {
                        at.map(|at| by.is_none_or(|by| at <= by))
                    };
                    Some((
                        h.key_ever(s.department.as_str())?,
                        SummonsFact {
                            signed: on_time(s.signed_at, s.sign_by),
                            reported: on_time(s.reported_at, s.report_by),
                            released: s.released_at.is_some(),
                        },
                    ))
                })
                .collect()
        } else {
            Vec::new()
        };
        Cached {
            groups,
            facts: f,
            handling,
            handled_span,
            repeat,
            open_grid,
            summons,
        }
    }

    fn groups_of(&self, h: &Hierarchy, v: &TicketView<'_>) -> Groups {
        match self.options.group_by {
            GroupBy::All => Groups::One(NO_GROUP),
            GroupBy::Level(kind) => {
                let level = kind.level();
                Groups::One(
                    h.chain_keys(v.unit())
                        .iter()
                        .find(|k| h.kind_of(**k).and_then(NodeKind::level) == level)
                        .map_or(NO_GROUP, |k| k.raw()),
                )
            }
            GroupBy::Department => {
                let mut d: Vec<u32> = v
                    .assignees()
                    .filter(|k| h.kind_of(*k) == Some(NodeKind::Department))
                    .map(NodeKey::raw)
                    .collect();
                d.sort_unstable();
                d.dedup();
                Groups::Many(d)
            }
        }
    }

    fn period(&self, t: Timestamp) -> i64 {
        let (day, _) = t.local_day_and_second(self.calendar.offset_seconds());
        match self.options.period_by {
            PeriodBy::All => 0,
            PeriodBy::Day => day,
            PeriodBy::Week => day - Weekday::from_day_number(day).index() as i64,
            PeriodBy::Month => {
                let (y, m, _) = civil_from_day_number(day);
                y * 12 + i64::from(m) - 1
            }
            PeriodBy::Range { .. } => match self.range {
                Some((from, to)) if day >= from && day <= to => 0,
                _ => OUT_OF_RANGE,
            },
        }
    }

    fn parts(&self, f: &TicketFacts, repeat: bool, received: i64) -> Parts {
        Parts {
            report: (
                received,
                ReportPart {
                    filed: f.filed,
                    rejected: f.state == TicketState::Rejected,
                    repeat,
                    visit: f.last_visit,
                    resolved: f.closed_at.is_some()
                        && f.last_visit.is_some_and(|s| s != Satisfaction::Unsatisfied),
                    returns: f.returns,
                    reopens: f.reopens,
                    escalations: f.escalations,
                    summons: f.summons,
                },
            ),
            closed: f.closed_at.map(|c| self.period(c)),
            due: f.closing_due.map(|due| {
                (
                    self.period(due),
                    f.closed_at.is_some(),
                    f.closed_at.is_some_and(|c| c <= due),
                )
            }),
            signed: f
                .first_acknowledged
                .zip(f.acknowledge_due)
                .map(|(signed, due)| (self.period(signed), signed <= due)),
        }
    }

    fn parts_of(&self, c: &Cached) -> Parts {
        self.parts(&c.facts, c.repeat, self.period(c.facts.reported_at))
    }

    fn apply_diff(&mut self, old: Option<&Cached>, new: &Cached) {
        let same_groups = old.is_some_and(|o| o.groups == new.groups);
        let old_parts = old.map(|o| self.parts_of(o));
        let new_parts = self.parts_of(new);
        if !same_groups || old_parts != Some(new_parts) {
            if let (Some(o), Some(p)) = (old, old_parts) {
                for g in o.groups.as_slice() {
                    self.add_parts(*g, &p, Some(&new_parts).filter(|_| same_groups), -1);
                }
            }
            for g in new.groups.as_slice() {
                let unchanged = old_parts.filter(|_| same_groups);
                self.add_parts(*g, &new_parts, unchanged.as_ref(), 1);
            }
        }
        let before = old.and_then(|o| o.handling);
        if !same_groups || before != new.handling {
            if let Some(o) = old {
                for g in o.groups.as_slice() {
                    self.add_handling(*g, before, -1);
                }
            }
            for g in new.groups.as_slice() {
                self.add_handling(*g, new.handling, 1);
            }
        }
        let before = old.and_then(|o| o.open_grid);
        if before != new.open_grid {
            if let Some(g) = before {
                if let Some(n) = self.grid_open.get_mut(&g) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        self.grid_open.remove(&g);
                    }
                }
            }
            if let Some(g) = new.open_grid {
                *self.grid_open.entry(g).or_default() += 1;
            }
        }
        let old_summons = old.map(|o| &o.summons[..]).unwrap_or(&[]);
        if old_summons != &new.summons[..] {
            for (dept, s) in old_summons {
                self.add_summons(*dept, s, -1);
            }
            for (dept, s) in &new.summons {
                self.add_summons(*dept, s, 1);
            }
        }
    }

    /// Adds (or takes back) the parts that differ from `other` (all of them if none).
    fn add_parts(&mut self, group: u32, p: &Parts, other: Option<&Parts>, sign: i8) {
        let skip = |same: bool| other.is_some() && same;
        if !skip(other.is_some_and(|o| o.report == p.report)) {
            let (period, part) = p.report;
            self.with_row(group, period, sign, |c| add_report(c, &part, sign));
        }
        let f = |a: &mut u64, b: bool| {
            if b {
                *a = if sign >= 0 {
                    a.wrapping_add(1)
                } else {
                    a.wrapping_sub(1)
                };
            }
        };
        if !skip(other.is_some_and(|o| o.closed == p.closed)) {
            if let Some(period) = p.closed {
                self.with_row(group, period, sign, |c| f(&mut c.closed, true));
            }
        }
        if !skip(other.is_some_and(|o| o.due == p.due)) {
            if let Some((period, closed, on_time)) = p.due {
                self.with_row(group, period, sign, |c| {
                    f(&mut c.due, true);
                    f(&mut c.due_closed, closed);
                    f(&mut c.closed_on_time, on_time);
                });
            }
        }
        if !skip(other.is_some_and(|o| o.signed == p.signed)) {
            if let Some((period, on_time)) = p.signed {
                self.with_row(group, period, sign, |c| {
                    f(&mut c.signed, true);
                    f(&mut c.signed_on_time, on_time);
                });
            }
        }
    }

    fn with_row(&mut self, group: u32, period: i64, sign: i8, change: impl FnOnce(&mut Counts)) {
        if period == OUT_OF_RANGE {
            return;
        }
        let row = self.rows.entry((group, period)).or_default();
        change(&mut row.counts);
        if sign < 0 && row.counts.is_zero() && row.handling.is_empty() {
            self.rows.remove(&(group, period));
        }
    }

    fn add_handling(&mut self, group: u32, sample: Option<(i64, i64)>, sign: i8) {
        let Some((period, h)) = sample else { return };
        if period == OUT_OF_RANGE {
            return;
        }
        let row = self.rows.entry((group, period)).or_default();
        if sign > 0 {
            row.handling.push(h);
            row.handling_sum += i128::from(h);
            return;
        }
        if let Some(i) = row.handling.iter().position(|x| *x == h) {
            row.handling.swap_remove(i);
            row.handling_sum -= i128::from(h);
        }
        if row.counts.is_zero() && row.handling.is_empty() {
            self.rows.remove(&(group, period));
        }
    }

    fn add_summons(&mut self, dept: NodeKey, s: &SummonsFact, sign: i8) {
        let d = self.departments.entry(dept).or_default();
        let f = |a: &mut u64, b: bool| {
            if b {
                *a = if sign > 0 {
                    *a + 1
                } else {
                    a.saturating_sub(1)
                };
            }
        };
        f(&mut d.summoned, true);
        f(&mut d.signed, s.signed.is_some());
        f(&mut d.signed_on_time, s.signed == Some(true));
        f(&mut d.reported, s.reported.is_some());
        f(&mut d.reported_on_time, s.reported == Some(true));
        f(&mut d.released, s.released);
    }

    /// The report as it stands.
    pub fn report(&self, ledger: &Ledger, forums: Option<&ForumRecords>) -> MetricsReport {
        let h = &**ledger.hierarchy();
        let w = self.options.basically_satisfied;
        let wden = w.den.max(1);
        let mut keys: Vec<&RowKey> = self.rows.keys().collect();
        keys.sort_unstable();
        let mut labels: FxHashMap<i64, String> = FxHashMap::default();
        for (_, period) in &keys {
            labels.entry(*period).or_insert_with(|| self.label(*period));
        }
        let rows = keys
            .into_iter()
            .filter_map(|k| self.rows.get(k).map(|r| (k, r)))
            .map(|((group, period), r)| {
                let c = &r.counts;
                let node = (*group != NO_GROUP).then(|| NodeKey::from_index(*group));
                MetricsRow {
                    group: node.and_then(|n| h.id(n)).cloned(),
                    group_name: node.and_then(|n| h.node_by_key(n)).map(|n| n.name.clone()),
                    period: labels.get(period).cloned().unwrap_or_default(),
                    counts: *c,
                    rates: Rates {
                        closing: Rate::new(c.due_closed, c.due),
                        on_time_closing: Rate::new(c.closed_on_time, c.due),
                        response: Rate::new(c.signed_on_time, c.signed),
                        resolution: Rate::new(c.resolved, c.visited),
                        satisfaction: Rate::new(
                            c.satisfied * wden + c.basically_satisfied * w.num,
                            c.visited * wden,
                        ),
                    },
                    handling: handling(r),
                }
            })
            .collect();
        let mut departments: Vec<DepartmentWhistles> = self
            .departments
            .iter()
            .filter(|(_, d)| d.summoned > 0)
            .map(|(k, d)| DepartmentWhistles {
                department: h
                    .id(*k)
                    .cloned()
                    .unwrap_or_else(|| NodeId::unchecked(format!("#{}", k.raw()))),
                name: h
                    .node_by_key(*k)
                    .map(|n| n.name.clone())
                    .unwrap_or_default(),
                summoned: d.summoned,
                signed: d.signed,
                signed_on_time: d.signed_on_time,
                reported: d.reported,
                reported_on_time: d.reported_on_time,
                released: d.released,
                sign_punctuality: Rate::new(d.signed_on_time, d.summoned),
                report_punctuality: Rate::new(
                    d.reported_on_time,
                    d.summoned.saturating_sub(d.released),
                ),
            })
            .collect();
        departments.sort_by(|a, b| a.department.cmp(&b.department));
        let mut grids: Vec<GridLoad> = h
            .nodes_of_kind(NodeKind::Grid)
            .filter_map(|g| {
                let key = h.key(g.id.as_str())?;
                let open = self.grid_open.get(&key).copied().unwrap_or(0);
                let staff = h.served_by_keys(key).len() as u64;
                Some(GridLoad {
                    grid: g.id.clone(),
                    name: g.name.clone(),
                    open,
                    staff,
                    per_staff: Rate::new(open, staff),
                })
            })
            .collect();
        grids.sort_by(|a, b| a.grid.cmp(&b.grid));
        MetricsReport {
            rows,
            departments,
            grids,
            forums: forums.map(|f| ForumSummary {
                total: f.stats(None, None).unwrap_or_default(),
                by_forum: f.by_forum(None),
            }),
        }
    }

    fn label(&self, period: i64) -> String {
        match self.options.period_by {
            PeriodBy::All => "all".to_owned(),
            PeriodBy::Day | PeriodBy::Week => Date::from_day_number(period).to_string(),
            PeriodBy::Month => format!(
                "{:04}-{:02}",
                period.div_euclid(12),
                period.rem_euclid(12) + 1
            ),
            PeriodBy::Range { from, to } => format!("{from}..{to}"),
        }
    }
}

fn handling(r: &RowAcc) -> HandlingTime {
    let count = r.handling.len() as u64;
    let mut sorted = r.handling.clone();
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
        mean_seconds: (count > 0).then(|| r.handling_sum as f64 / count as f64),
        p50_seconds: pct(50),
        p90_seconds: pct(90),
        p95_seconds: pct(95),
    }
}

/// Whether a ticket repeats an earlier one (inserted before it) of the same category at the
/// same place within the window.
fn is_repeat(ledger: &Ledger, v: &TicketView<'_>, options: &MetricsOptions) -> bool {
    let h = &**ledger.hierarchy();
    let kind = match options.repeat_place {
        RepeatPlace::Compound => NodeKind::Compound,
        RepeatPlace::Building => NodeKind::Building,
    };
    let unit = v.unit();
    let place = if h.kind_of(unit) == Some(kind) {
        unit
    } else {
        h.ancestor_key_of_kind(unit, kind).unwrap_or(unit)
    };
    let window = i64::from(options.repeat_window_days) * 86_400;
    let (to, from) = (v.reported_at(), v.reported_at().plus_seconds(-window));
    let me = u32::try_from(v.key().index()).unwrap_or(u32::MAX);
    std::iter::once(place)
        .chain(h.descendant_keys(place).iter().copied())
        .any(|u| {
            let list = ledger.arisen_in(u);
            // Lists are in insertion order: look at the earlier tickets, latest first.
            let end = list.partition_point(|k| *k < me);
            list.get(..end).unwrap_or(&[]).iter().rev().any(|k| {
                ledger.view(TicketKey::from_index(*k)).is_some_and(|o| {
                    o.category_index() == v.category_index()
                        && o.reported_at() >= from
                        && o.reported_at() <= to
                })
            })
        })
}

/// Computes every metric over a ledger (see the [formulas](self#formulas)).
pub fn compute(
    ledger: &Ledger,
    calendar: &Calendar,
    options: &MetricsOptions,
    forums: Option<&ForumRecords>,
) -> MetricsReport {
    let mut acc = MetricsAccumulator::new(options.clone(), calendar.clone());
    acc.incremental = false;
    acc.observe_all(ledger);
    acc.report(ledger, forums)
}

// ----- rankings and thresholds -----------------------------------------------------------------

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
fn value(row: &MetricsRow, metric: Metric) -> Option<(u128, u128)> {
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

/// One ranked row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ranked {
    /// 1 for the best; equal values share a rank (1, 2, 2, 4).
    pub rank: u32,
    /// The group.
    pub group: Option<NodeId>,
    /// Its name.
    pub group_name: Option<String>,
    /// The period.
    pub period: String,
    /// The value (none ranks last, unranked).
    pub value: Option<f64>,
}

/// Ranks the rows of one period (四类排名) by a metric, best first: highest first, or lowest
/// first when `lowest_first` (e.g. returns). Equal values share a rank and are ordered by
/// group id; rows without a value come last with rank 0.
pub fn rank(
    report: &MetricsReport,
    metric: Metric,
    period: &str,
    lowest_first: bool,
) -> Vec<Ranked> {
    let mut rows: Vec<(&MetricsRow, Option<(u128, u128)>)> = report
        .rows
        .iter()
        .filter(|r| r.period == period)
        .map(|r| (r, value(r, metric)))
        .collect();
    let cmp = |a: &(u128, u128), b: &(u128, u128)| (a.0 * b.1).cmp(&(b.0 * a.1));
    rows.sort_by(|(ra, a), (rb, b)| {
        let by_value = match (a, b) {
            (Some(a), Some(b)) => {
                if lowest_first {
                    cmp(a, b)
                } else {
                    cmp(b, a)
                }
            }
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        by_value.then_with(|| ra.group.cmp(&rb.group))
    });
    let mut out: Vec<Ranked> = Vec::with_capacity(rows.len());
    let mut previous: Option<(u128, u128)> = None;
    let mut current = 0u32;
    for (i, (row, v)) in rows.iter().enumerate() {
        let rank = match v {
            None => 0,
            Some(v) => {
                if previous.is_none_or(|p| cmp(&p, v) != std::cmp::Ordering::Equal) {
                    current = u32::try_from(i + 1).unwrap_or(u32::MAX);
                    previous = Some(*v);
                }
                current
            }
        };
        out.push(Ranked {
            rank,
            group: row.group.clone(),
            group_name: row.group_name.clone(),
            period: row.period.clone(),
            value: v.map(|(n, d)| n as f64 / d as f64),
        });
    }
    out
}

/// A threshold on a metric: a row is flagged when its value is below `at_least` or above
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

#[allow(dead_code)]
fn _assert_send_sync() {
    fn f<T: Send + Sync>() {}
    f::<MetricsAccumulator>();
    f::<Hierarchy>();
}

crate::names::deserialize_by_name!(Metric { Received = "received", Filed = "filed", Rejected = "rejected", Closed = "closed", Due = "due", Returns = "returns", Escalations = "escalations", Whistles = "whistles", RepeatComplaints = "repeat_complaints", ClosingRate = "closing_rate", OnTimeClosingRate = "on_time_closing_rate", ResponseRate = "response_rate", ResolutionRate = "resolution_rate", SatisfactionRate = "satisfaction_rate", MeanHandlingSeconds = "mean_handling_seconds" });
crate::names::deserialize_by_name!(RepeatPlace { Compound = "compound", Building = "building" });
