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
//! let report = compute(&ledger, &Calendar::standard(), &options, None)?;
//! assert_eq!(report.rows[0].group.as_ref().unwrap().as_str(), "s");
//! assert_eq!(report.rows[0].period, "2025-03");
//! assert_eq!(report.rows[0].counts.received, 1);
//! assert_eq!(report.rows[0].rates.closing.value, None); // nothing due: no rate
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod accumulator;
mod partial;
mod rankings;
mod report;

pub use accumulator::{compute, MetricsAccumulator};
pub use partial::{
    merge_partials, partial_of, MetricsPartial, PartialDepartment, PartialError, PartialGrid,
    PartialRow, METRICS_PARTIAL_FORMAT,
};
pub use rankings::{rank, Ranked};
pub use report::{
    check, grid_load, Counts, DepartmentWhistles, Flag, ForumSummary, GridLoad, GroupBy,
    HandlingTime, Metric, MetricsOptions, MetricsReport, MetricsRow, PeriodBy, Rate, Rates,
    Threshold, Weight,
};

/// Where repeat complaints are counted: the same type as
/// [`escalation::RepeatScope`](crate::escalation::RepeatScope), its canonical name, under the
/// name the metrics options have always used.
pub use crate::repeats::RepeatScope as RepeatPlace;
