//! The accumulator: each ticket's contribution, split by the instant each part is counted
//! at, added, taken back when the ticket changes, and merged exactly across parts.

use crate::hash::{DenseMap, IdMap};

use crate::calendar::{Calendar, CalendarError};
use crate::consultation::ForumRecords;
use crate::hierarchy::{Hierarchy, NodeId, NodeKey, NodeKind};
use crate::repeats::RepeatRule;
use crate::ticket::{Ledger, Satisfaction, TicketFacts, TicketKey, TicketState, TicketView};
use crate::time::{civil_from_day_number, Date, Timestamp, Weekday};

use super::report::{
    Counts, DepartmentWhistles, ForumSummary, GridLoad, GroupBy, HandlingTime, MetricsOptions,
    MetricsReport, MetricsRow, PeriodBy, Rate, Rates,
};

type RowKey = (u32, i64);
const NO_GROUP: u32 = u32::MAX;
const OUT_OF_RANGE: i64 = i64::MIN;

/// An accumulator's counts by key, for [`super::MetricsPartial`]: rows (group, period,
/// counts, handling times), departments' figures, grids' open tickets.
#[derive(Default)]
pub(super) struct State {
    pub rows: Vec<(Option<NodeKey>, i64, Counts, Vec<i64>)>,
    pub departments: Vec<(NodeKey, DeptAcc)>,
    pub grids: Vec<(NodeKey, u64)>,
}

#[derive(Debug, Clone, Default)]
struct RowAcc {
    counts: Counts,
    /// Handling times (unordered; sorted when a report is made).
    handling: Vec<i64>,
    handling_sum: i128,
}

/// A summoned department's whistle figures (also what [`super::MetricsPartial`] carries).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct DeptAcc {
    pub summoned: u64,
    pub signed: u64,
    pub signed_on_time: u64,
    pub reported: u64,
    pub reported_on_time: u64,
    pub released: u64,
}

impl DeptAcc {
    fn add(&mut self, d: &DeptAcc) {
        self.summoned = self.summoned.saturating_add(d.summoned);
        self.signed = self.signed.saturating_add(d.signed);
        self.signed_on_time = self.signed_on_time.saturating_add(d.signed_on_time);
        self.reported = self.reported.saturating_add(d.reported);
        self.reported_on_time = self.reported_on_time.saturating_add(d.reported_on_time);
        self.released = self.released.saturating_add(d.released);
    }
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
    /// The period the ticket was received in.
    received: i64,
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
    /// Keyed by (node key, period): the periods come from the tickets' times, which a
    /// caller chooses, so the map is keyed (see [`crate::hash`]).
    rows: IdMap<RowKey, RowAcc>,
    /// Keyed by node keys, dense indices the hierarchy assigns.
    departments: DenseMap<NodeKey, DeptAcc>,
    grid_open: DenseMap<NodeKey, u64>,
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
            rows: IdMap::default(),
            departments: DenseMap::default(),
            grid_open: DenseMap::default(),
            cache: Vec::new(),
            incremental: true,
        }
    }

    /// An empty accumulator for one pass: each ticket is observed once and not remembered
    /// (as [`compute`] does), so it holds no per-ticket memory. For the parts of a ledger
    /// split by territory, observed on workers and then [merged](MetricsAccumulator::merge).
    /// Observing a ticket twice counts it twice.
    pub fn batch(options: MetricsOptions, calendar: Calendar) -> MetricsAccumulator {
        let mut acc = MetricsAccumulator::new(options, calendar);
        acc.incremental = false;
        acc
    }

    /// Takes a ticket's current state into account (call after every change to it). Only
    /// the parts of its contribution that changed are taken out and put back. Refused, with
    /// nothing counted, when the calendar does not cover the ticket's handling time.
    pub fn observe(&mut self, ledger: &Ledger, key: TicketKey) -> Result<(), CalendarError> {
        match ledger.view(key) {
            Some(v) => self.observe_view(ledger, &v, None),
            None => Ok(()),
        }
    }

    /// [`Self::observe`] for a ticket at hand; `seen`, when the caller visits tickets in
    /// insertion order, describes by unit the tickets that came before it.
    fn observe_view(
        &mut self,
        ledger: &Ledger,
        v: &TicketView<'_>,
        seen: Option<&Seen>,
    ) -> Result<(), CalendarError> {
        let key = v.key();
        if !self.incremental {
            let new = self.cached(ledger, v, None, seen)?;
            self.apply_diff(None, &new);
            return Ok(());
        }
        let slot = key.index();
        if self.cache.len() <= slot {
            self.cache.resize_with(slot + 1, || None);
        }
        let old = self.cache.get(slot).and_then(Option::as_ref);
        let new = self.cached(ledger, v, old, seen)?;
        let old = self.cache.get_mut(slot).and_then(Option::take);
        self.apply_diff(old.as_ref(), &new);
        if let Some(c) = self.cache.get_mut(slot) {
            *c = Some(new);
        }
        Ok(())
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
            self.departments.entry(k).or_default().add(&d);
        }
        for (k, n) in other.grid_open {
            let e = self.grid_open.entry(k).or_default();
            *e = e.saturating_add(n);
        }
        self.cache.clear();
        self.incremental = false;
    }

    /// The state a [`super::MetricsPartial`] writes: rows, departments and grids in key
    /// order, groups and nodes by key.
    pub(super) fn state(&self) -> State {
        let mut rows: Vec<_> = self
            .rows
            .iter()
            .map(|((group, period), r)| {
                let group = (*group != NO_GROUP).then(|| NodeKey::from_index(*group));
                (group, *period, r.counts, r.handling.clone())
            })
            .collect();
        rows.sort_unstable_by_key(|(g, p, _, _)| (g.map(NodeKey::raw), *p));
        let mut departments: Vec<_> = self.departments.iter().map(|(k, d)| (*k, *d)).collect();
        departments.sort_unstable_by_key(|(k, _)| k.raw());
        let mut grids: Vec<_> = self.grid_open.iter().map(|(k, n)| (*k, *n)).collect();
        grids.sort_unstable_by_key(|(k, _)| k.raw());
        State {
            rows,
            departments,
            grids,
        }
    }

    /// Merges a state read back from a [`super::MetricsPartial`], as [`Self::merge`] merges
    /// an accumulator.
    pub(super) fn merge_state(&mut self, state: State) {
        let mut other = MetricsAccumulator::batch(self.options.clone(), self.calendar.clone());
        for (group, period, counts, handling) in state.rows {
            let key = (group.map_or(NO_GROUP, NodeKey::raw), period);
            let row = other.rows.entry(key).or_default();
            row.counts.add(&counts);
            row.handling_sum = row
                .handling_sum
                .saturating_add(handling.iter().map(|h| i128::from(*h)).sum::<i128>());
            row.handling.extend(handling);
        }
        for (k, d) in state.departments {
            other.departments.entry(k).or_default().add(&d);
        }
        for (k, n) in state.grids {
            let e = other.grid_open.entry(k).or_default();
            *e = e.saturating_add(n);
        }
        self.merge(other);
    }

    /// Observes every ticket of a ledger; stops at the first ticket refused (see
    /// [`MetricsAccumulator::observe`]).
    pub fn observe_all(&mut self, ledger: &Ledger) -> Result<(), CalendarError> {
        let mut seen = Seen::default();
        for i in 0..ledger.len() {
            let key = TicketKey::from_index(u32::try_from(i).unwrap_or(u32::MAX));
            let Some(v) = ledger.view(key) else {
                continue;
            };
            if matches!(self.options.group_by, GroupBy::Level(_)) {
                seen.remember_group(v.unit(), || self.groups_of(ledger.hierarchy(), &v));
            }
            self.observe_view(ledger, &v, Some(&seen))?;
            seen.add(&v);
        }
        Ok(())
    }

    fn cached(
        &self,
        ledger: &Ledger,
        v: &TicketView<'_>,
        old: Option<&Cached>,
        seen: Option<&Seen>,
    ) -> Result<Cached, CalendarError> {
        let h = &**ledger.hierarchy();
        let f = v.facts();
        let groups = match old {
            Some(o) if self.options.group_by != GroupBy::Department => o.groups.clone(),
            _ => match seen.and_then(|s| s.group(v.unit())) {
                Some(group) => Groups::One(group),
                None => self.groups_of(h, v),
            },
        };
        let repeat = match old {
            Some(o) => o.repeat,
            None => is_repeat(ledger, v, &self.options, seen),
        };
        let received = self.period(f.reported_at);
        let handled_span = f.first_dispatch.zip(f.first_handled);
        let handling = match (old, handled_span) {
            (Some(o), Some(span)) if o.handled_span == Some(span) => o.handling,
            (_, Some((a, b))) => Some((received, self.calendar.working_seconds_between(a, b)?)),
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
        Ok(Cached {
            groups,
            facts: f,
            received,
            handling,
            handled_span,
            repeat,
            open_grid,
            summons,
        })
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
        self.parts(&c.facts, c.repeat, c.received)
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
        self.report_in(ledger.hierarchy(), forums)
    }

    /// [`MetricsAccumulator::report`] with only the hierarchy of the ledgers observed: for
    /// an accumulator that merged parts measured elsewhere
    /// ([`MetricsAccumulator::merge_partial`]), where no one ledger holds every ticket.
    pub fn report_in(&self, hierarchy: &Hierarchy, forums: Option<&ForumRecords>) -> MetricsReport {
        let h = hierarchy;
        let w = self.options.basically_satisfied;
        let mut keys: Vec<&RowKey> = self.rows.keys().collect();
        keys.sort_unstable();
        let mut labels: IdMap<i64, String> = IdMap::default();
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
                    rates: Rates::of(c, w),
                    handling: HandlingTime::of(&r.handling, r.handling_sum),
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

/// Whether a ticket repeats an earlier one (inserted before it) of the same category at the
/// same place within the window; outside any place of the kind, within its own unit.
/// `seen`, when given, describes by unit the tickets inserted before this one.
fn is_repeat(
    ledger: &Ledger,
    v: &TicketView<'_>,
    options: &MetricsOptions,
    seen: Option<&Seen>,
) -> bool {
    let rule = RepeatRule {
        per: options.repeat_place,
        within_days: options.repeat_window_days,
    };
    let unit = v.unit();
    let place = rule.place(ledger.hierarchy(), unit).unwrap_or(unit);
    let Some(seen) = seen else {
        return rule.same(ledger, v, place, Some(v.key())).next().is_some();
    };
    // The latest earlier ticket of each unit first: usually a repeat is among them.
    let counts = rule.counts_with(v);
    let h = ledger.hierarchy();
    let latest = |u: NodeKey| seen.latest.get(u.index()).and_then(|l| *l);
    if std::iter::once(place)
        .chain(h.descendant_keys(place).iter().copied())
        .filter_map(latest)
        .any(|(c, at)| counts(c, at))
    {
        return true;
    }
    rule.same_within(ledger, v, place, |u, list| {
        let n = seen.counts.get(u.index()).map_or(0, |n| *n as usize);
        n.min(list.len())
    })
    .next()
    .is_some()
}

/// What a pass over a ledger in insertion order has seen of each unit's tickets, by node
/// key: how many, which gives the tickets of a unit that came before the one at hand as the
/// first so many of the unit's list, without searching it; and the category and report time
/// of the latest, which answers most repeat checks without reading a record (half of a
/// city's metrics went to finding and reading that record, far from the cache).
///
/// It also remembers each unit's group when tickets are grouped by level: the walk up a
/// unit's chain reads a node's slot per level, and a city's tickets share a few thousand
/// units (the walk was a quarter of a city-year's metrics).
#[derive(Default)]
struct Seen {
    counts: Vec<u32>,
    latest: Vec<Option<(u16, Timestamp)>>,
    /// By unit, its group or [`UNKNOWN_GROUP`] (4 bytes a unit: a city's 37,000 units take
    /// 148 KB, which stays in the cache).
    groups: Vec<u32>,
}

/// A unit whose group is not remembered yet (no node key reaches it: a key is below the
/// number of nodes ever added, and a group is a node key or [`NO_GROUP`]).
const UNKNOWN_GROUP: u32 = u32::MAX - 1;

impl Seen {
    /// The group remembered for a unit.
    fn group(&self, unit: NodeKey) -> Option<u32> {
        self.groups
            .get(unit.index())
            .copied()
            .filter(|g| *g != UNKNOWN_GROUP)
    }

    /// Remembers a unit's single group, unless it is known already.
    fn remember_group(&mut self, unit: NodeKey, groups: impl FnOnce() -> Groups) {
        let u = unit.index();
        if self.groups.len() <= u {
            self.groups.resize(u + 1, UNKNOWN_GROUP);
        }
        if let Some(slot) = self.groups.get_mut(u).filter(|g| **g == UNKNOWN_GROUP) {
            if let Groups::One(group) = groups() {
                *slot = group;
            }
        }
    }

    fn add(&mut self, v: &TicketView<'_>) {
        let u = v.unit().index();
        if self.counts.len() <= u {
            self.counts.resize(u + 1, 0);
            self.latest.resize(u + 1, None);
        }
        if let Some(n) = self.counts.get_mut(u) {
            *n += 1;
        }
        if let Some(l) = self.latest.get_mut(u) {
            *l = Some((v.category_index(), v.reported_at()));
        }
    }
}

/// Computes every metric over a ledger (see the [formulas](crate::metrics#formulas)).
/// Refused when the calendar does not cover a ticket's handling time.
pub fn compute(
    ledger: &Ledger,
    calendar: &Calendar,
    options: &MetricsOptions,
    forums: Option<&ForumRecords>,
) -> Result<MetricsReport, CalendarError> {
    let mut acc = MetricsAccumulator::batch(options.clone(), calendar.clone());
    acc.observe_all(ledger)?;
    Ok(acc.report(ledger, forums))
}
#[allow(dead_code)]
fn _assert_send_sync() {
    fn f<T: Send + Sync>() {}
    f::<MetricsAccumulator>();
    f::<Hierarchy>();
}
