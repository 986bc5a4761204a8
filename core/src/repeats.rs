//! Repeated complaints (重复投诉), one rule for the whole library: tickets of the same
//! category at the same place — a compound or a building, with everything under it — reported
//! within a window of days. The escalation trigger `repeated_complaints` and the metric
//! `repeatComplaints` both ask [`RepeatRule::same`]; they differ only in what they do with
//! the answer:
//!
//! - escalation counts every such ticket, the ticket itself included, and fires when there
//!   are at least `count`; a ticket outside any compound (or building) is not counted;
//! - metrics count a ticket as a repeat when an earlier ticket (inserted into the ledger
//!   before it) is among them, so that a ticket's figure never changes as later tickets
//!   arrive; a ticket outside any compound (or building) is compared within its own unit.

use serde::Serialize;

use crate::hierarchy::{Hierarchy, NodeKey, NodeKind};
use crate::ticket::{Ledger, TicketKey, TicketView};
use crate::time::Timestamp;

/// Where repeated complaints (重复投诉) are counted: among the tickets of the same compound
/// or of the same building. Serialized as `"compound"` or `"building"`.
///
/// `wangge::escalation::RepeatScope` is the canonical name of this type (the `per` of a
/// [`Trigger::RepeatedComplaints`](crate::escalation::Trigger::RepeatedComplaints));
/// `wangge::metrics::RepeatPlace` (the `repeat_place` of the metrics options) is the same
/// type under its older name, kept so that existing code compiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RepeatScope {
    /// The same compound (小区).
    #[default]
    Compound,
    /// The same building (楼栋).
    Building,
}

impl RepeatScope {
    /// The kind of node the place is.
    pub(crate) fn kind(self) -> NodeKind {
        match self {
            RepeatScope::Compound => NodeKind::Compound,
            RepeatScope::Building => NodeKind::Building,
        }
    }
}

/// The repeated-complaint rule: the same category, at the same place of kind `per`, within
/// `within_days` calendar days (of 86,400 seconds) up to a ticket's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RepeatRule {
    /// Per compound or per building.
    pub(crate) per: RepeatScope,
    /// The window, in days.
    pub(crate) within_days: u32,
}

impl RepeatRule {
    /// The place where a ticket that arose at `unit` is compared: the unit itself if it is
    /// of the rule's kind, else its nearest ancestor of that kind; none outside any.
    pub(crate) fn place(&self, h: &Hierarchy, unit: NodeKey) -> Option<NodeKey> {
        let kind = self.per.kind();
        if h.kind_of(unit) == Some(kind) {
            Some(unit)
        } else {
            h.ancestor_key_of_kind(unit, kind)
        }
    }

    /// The tickets `v` counts with at `place`: those of its category that arose at `place`
    /// or under it and were reported in `[v's report − window, v's report]` — `v` itself
    /// among them — and, with `inserted_before`, only those inserted into the ledger before
    /// that ticket. Unit by unit, latest inserted first, so that a search for any one stops
    /// at the nearest.
    pub(crate) fn same<'l>(
        &self,
        ledger: &'l Ledger,
        v: &TicketView<'_>,
        place: NodeKey,
        inserted_before: Option<TicketKey>,
    ) -> impl Iterator<Item = TicketKey> + 'l {
        let before = inserted_before.map(|k| u32::try_from(k.index()).unwrap_or(u32::MAX));
        self.same_within(ledger, v, place, move |_, list| {
            // Lists are in insertion order.
            before.map_or(list.len(), |b| list.partition_point(|k| *k < b))
        })
    }

    /// [`Self::same`] with the tickets of each unit cut to a prefix of its list (in
    /// insertion order) of the length `end` gives for the unit and its list. A caller that
    /// visits tickets in insertion order knows, for every unit, how many of its tickets came
    /// before the one at hand, and saves the search of each list.
    pub(crate) fn same_within<'l>(
        &self,
        ledger: &'l Ledger,
        v: &TicketView<'_>,
        place: NodeKey,
        end: impl Fn(NodeKey, &[u32]) -> usize + 'l,
    ) -> impl Iterator<Item = TicketKey> + 'l {
        let h = &**ledger.hierarchy();
        let counts = self.counts_with(v);
        std::iter::once(place)
            .chain(h.descendant_keys(place).iter().copied())
            .flat_map(move |u| {
                let list = ledger.arisen_in(u);
                list.get(..end(u, list)).unwrap_or(&[]).iter().rev()
            })
            .map(|k| TicketKey::from_index(*k))
            .filter(move |k| {
                ledger
                    .view(*k)
                    .is_some_and(|o| counts(o.category_index(), o.reported_at()))
            })
    }

    /// Whether a ticket of a category (by index) reported at an instant counts with `v`,
    /// wherever it arose: the same category, reported within the window up to `v`'s report.
    pub(crate) fn counts_with(&self, v: &TicketView<'_>) -> impl Fn(u16, Timestamp) -> bool {
        let window = i64::from(self.within_days) * 86_400;
        let (from, to) = (v.reported_at().plus_seconds(-window), v.reported_at());
        let category = v.category_index();
        move |c, at| c == category && at >= from && at <= to
    }
}

crate::names::deserialize_by_name!(RepeatScope { Compound = "compound", Building = "building" });

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{RepeatRule, RepeatScope};
    use crate::calendar::Calendar;
    use crate::escalation::{evaluate, EscalationPolicy, Response, Rule, Trigger};
    use crate::hierarchy::{Hierarchy, NodeKind};
    use crate::metrics::{compute, MetricsOptions, PeriodBy, RepeatPlace};
    use crate::ticket::{Ledger, NewTicket, Taxonomy};
    use crate::time::Timestamp;

    /// On one small ledger (tickets inserted in report order), the escalation trigger with a
    /// count of 2 and the metric agree on every ticket that lies in a place of the rule's
    /// kind; outside one, escalation never fires and the metrics compare within the unit.
    #[test]
    fn escalation_and_metrics_agree_on_repeats() {
        let mut h = Hierarchy::new();
        for (id, kind) in [
            ("c", NodeKind::Community),
            ("g", NodeKind::Grid),
            ("p", NodeKind::Compound),
            ("b1", NodeKind::Building),
            ("b2", NodeKind::Building),
            ("q", NodeKind::Compound),
        ] {
            h.add(id, kind, id).unwrap();
        }
        for (parent, child) in [("c", "g"), ("g", "p"), ("p", "b1"), ("p", "b2"), ("g", "q")] {
            h.contain(parent, child).unwrap();
        }
        let mut ledger = Ledger::new(Arc::new(h), Arc::new(Taxonomy::default()));
        let day = |d: i64| {
            "2025-03-03T09:00:00+08:00"
                .parse::<Timestamp>()
                .unwrap()
                .plus_seconds(d * 86_400)
        };
        // One ticket a day, so that daily metrics rows are one ticket each.
        let tickets = [
            ("T1", "livelihood.repair", "b1", 0),
            ("T2", "livelihood.parking", "b1", 1), // another category
            ("T3", "livelihood.repair", "q", 2),   // another compound
            ("T4", "livelihood.repair", "b2", 3),  // T1's compound, another building
            ("T5", "livelihood.repair", "p", 4),   // the compound, in no building
            ("T6", "livelihood.repair", "b1", 40), // the others are out of its window
            ("T7", "livelihood.repair", "b1", 45), // T6's building
            ("T8", "livelihood.repair", "g", 46),  // in no compound
        ];
        for (id, category, unit, d) in tickets {
            ledger
                .report(
                    NewTicket::new(id, category, unit).unwrap(),
                    "@system",
                    day(d),
                )
                .unwrap();
        }
        let calendar = Calendar::standard();
        for per in [RepeatScope::Compound, RepeatScope::Building] {
            // Escalation, evaluated at every report.
            let policy = EscalationPolicy {
                rules: vec![Rule {
                    name: "repeats".to_owned(),
                    category: None,
                    when: Trigger::RepeatedComplaints {
                        count: 2,
                        within_days: 30,
                        per,
                    },
                    then: vec![Response::Supervise],
                }],
                ..EscalationPolicy::standard()
            };
            let mut fired: Vec<&str> = Vec::new();
            for (.., d) in tickets {
                for decision in evaluate(day(d), &ledger, &policy, &calendar).unwrap() {
                    if let Some(t) = tickets.iter().find(|t| t.0 == decision.ticket.as_str()) {
                        fired.push(t.0);
                    }
                }
            }
            fired.sort_unstable();
            fired.dedup();
            // The metrics, one row a day.
            let place: RepeatPlace = per; // the same type under its metrics name
            let options = MetricsOptions {
                period_by: PeriodBy::Day,
                repeat_window_days: 30,
                repeat_place: place,
                ..MetricsOptions::default()
            };
            let report = compute(&ledger, &calendar, &options, None).unwrap();
            let rows: Vec<_> = report
                .rows
                .iter()
                .filter(|r| r.counts.received == 1)
                .collect();
            assert_eq!(rows.len(), tickets.len());
            let counted: Vec<&str> = tickets
                .iter()
                .zip(&rows)
                .filter(|(_, r)| r.counts.repeat_complaints == 1)
                .map(|(t, _)| t.0)
                .collect();
            let (inside, outside): (&[&str], &[&str]) = match per {
                RepeatScope::Compound => (&["T4", "T5", "T7"], &["T8"]),
                RepeatScope::Building => (&["T7"], &["T5", "T8"]),
            };
            assert_eq!(fired, inside, "{per:?}");
            let mut both = [inside, outside].concat();
            both.sort_unstable();
            assert_eq!(counted, both, "{per:?}");
            // They agree wherever the rule has a place; elsewhere escalation never fires.
            let rule = RepeatRule {
                per,
                within_days: 30,
            };
            let h = &**ledger.hierarchy();
            for (id, _, unit, _) in tickets {
                if h.key(unit).and_then(|u| rule.place(h, u)).is_some() {
                    assert_eq!(fired.contains(&id), counted.contains(&id), "{per:?} {id}");
                } else {
                    assert!(!fired.contains(&id), "{per:?} {id}");
                }
            }
        }
    }
}
