//! The ledger's indexes and the queries they answer: tickets by state, holder, category, unit
//! and report time, and the deadline index the escalation engine sweeps.

use super::*;
use crate::sorted::Range;

/// The due-index kind of a summoned department's sign-for deadline.
pub(crate) const DUE_SUMMONS_SIGN: u8 = 4;

/// The due-index kind of a summoned department's report deadline.
pub(crate) const DUE_SUMMONS_REPORT: u8 = 5;

/// An entry of the deadline index, (kind, due, ticket), packed into one integer that orders
/// the same way: comparing one `u128` is several times cheaper than comparing the tuple, and
/// a sweep's index updates are mostly comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Due(u128);

impl Due {
    pub(crate) fn new(kind: u8, due: i64, ticket: u32) -> Due {
        // Flipping the sign bit orders an i64's bits as unsigned.
        let due = u64::from_ne_bytes(due.to_ne_bytes()) ^ (1 << 63);
        Due(u128::from(kind) << 96 | u128::from(due) << 32 | u128::from(ticket))
    }

    pub(crate) fn kind(self) -> u8 {
        u8::try_from(self.0 >> 96).unwrap_or(u8::MAX)
    }

    pub(crate) fn at(self) -> i64 {
        let bits = u64::try_from((self.0 >> 32) & u128::from(u64::MAX)).unwrap_or(0) ^ (1 << 63);
        i64::from_ne_bytes(bits.to_ne_bytes())
    }

    pub(crate) fn ticket(self) -> u32 {
        u32::try_from(self.0 & u128::from(u32::MAX)).unwrap_or(0)
    }

    /// The entries of one kind due up to `until` (inclusive).
    fn range(kind: u8, until: i64) -> (Due, Due) {
        (Due::new(kind, i64::MIN, 0), Due::new(kind, until, u32::MAX))
    }
}

pub(super) fn summons_dues(rec: &Rec) -> Vec<(i64, u8)> {
    let mut out = Vec::new();
    if !rec.state.is_open() {
        return out;
    }
    for s in rec.summons().iter().filter(|s| s.outstanding()) {
        if s.signed == NONE && s.sign_due != NONE {
            out.push((rec.t0 + i64::from(s.sign_due), DUE_SUMMONS_SIGN));
        }
        if s.report_due != NONE {
            out.push((rec.t0 + i64::from(s.report_due), DUE_SUMMONS_REPORT));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The entries of several kinds' ranges of the deadline index, merged into one sequence
/// ordered by (due, ticket, kind), without collecting them: a single kind with entries
/// (the usual case) reads straight through.
enum MergeDue<'a> {
    One(Range<'a, Due>),
    Many(Box<[std::iter::Peekable<Range<'a, Due>>; 4]>),
}

impl<'a> MergeDue<'a> {
    fn new(kinds: [Range<'a, Due>; 4]) -> Self {
        if kinds.iter().filter(|k| !k.is_empty()).count() > 1 {
            return MergeDue::Many(Box::new(kinds.map(Iterator::peekable)));
        }
        let one = kinds.into_iter().find(|k| !k.is_empty());
        MergeDue::One(one.unwrap_or_default())
    }
}

impl Iterator for MergeDue<'_> {
    type Item = Due;

    #[inline]
    fn next(&mut self) -> Option<Due> {
        match self {
            MergeDue::One(kind) => kind.next(),
            MergeDue::Many(kinds) => {
                // (due, ticket, kind) in one integer: the entry rotated so that its kind
                // comes last.
                let order = |d: Due| d.0.rotate_left(32);
                let mut best: Option<(usize, u128)> = None;
                for (i, it) in kinds.iter_mut().enumerate() {
                    if let Some(&d) = it.peek() {
                        if best.is_none_or(|(_, b)| order(d) < b) {
                            best = Some((i, order(d)));
                        }
                    }
                }
                let (i, _) = best?;
                kinds.get_mut(i).and_then(Iterator::next)
            }
        }
    }

    fn fold<B, F: FnMut(B, Due) -> B>(self, init: B, f: F) -> B {
        match self {
            MergeDue::One(kind) => kind.fold(init, f),
            many => {
                let mut f = f;
                let mut acc = init;
                for d in many {
                    acc = f(acc, d);
                }
                acc
            }
        }
    }
}

impl Ledger {
    /// All tickets in insertion order.
    pub fn tickets(&self) -> impl Iterator<Item = TicketView<'_>> + '_ {
        self.tickets.iter().zip(0u32..).map(|(rec, k)| TicketView {
            ledger: self,
            key: TicketKey(k),
            rec,
        })
    }

    /// The tickets in a state.
    pub fn in_state(&self, state: TicketState) -> impl Iterator<Item = TicketView<'_>> + '_ {
        self.tickets().filter(move |t| t.state() == state)
    }

    /// The tickets currently held by a node.
    pub fn held_by(&self, holder: &str) -> impl Iterator<Item = TicketView<'_>> + '_ {
        let key = self.hierarchy.key_ever(holder);
        self.tickets().filter(move |t| Some(t.rec.holder) == key)
    }

    /// The tickets of a category and its subcategories (`livelihood` covers
    /// `livelihood.parking`).
    pub fn in_category<'a>(
        &'a self,
        category: &'a str,
    ) -> impl Iterator<Item = TicketView<'a>> + 'a {
        self.tickets()
            .filter(move |t| crate::hierarchy::category_matches(category, t.category()))
    }

    /// The tickets that arose within a unit's subtree (the unit itself included).
    pub fn within(&self, unit: &str) -> impl Iterator<Item = TicketView<'_>> + '_ {
        let area = self.hierarchy.key(unit);
        self.tickets()
            .filter(move |t| area.is_some_and(|a| self.hierarchy.is_within(t.rec.unit, a)))
    }

    /// Deadlines falling due up to `until` (inclusive) on open tickets, earliest first, from
    /// the deadline index (only the due entries are touched). Whether a deadline still runs
    /// in the ticket's state is for the caller to check ([`DeadlineKind::runs_in`]).
    pub fn due_until(
        &self,
        until: Timestamp,
    ) -> impl Iterator<Item = (Timestamp, TicketKey, DeadlineKind)> + '_ {
        let until = until.unix_seconds();
        // Index kinds 0–3 are the deadline kinds.
        let kinds = [0u8, 1, 2, 3].map(|kind| {
            let (low, high) = Due::range(kind, until);
            self.due.range(low, high)
        });
        MergeDue::new(kinds).map(|d| {
            (
                Timestamp::EPOCH.plus_seconds(d.at()),
                TicketKey(d.ticket()),
                DeadlineKind::from_u8(d.kind()),
            )
        })
    }

    /// The index entries falling due up to `until` of the kinds whose bits are set in
    /// `kinds` (bit `k` for index kind `k`), kind by kind, each kind earliest first: only
    /// those entries are touched.
    pub(crate) fn due_of_kinds(
        &self,
        until: Timestamp,
        kinds: u8,
    ) -> impl Iterator<Item = (i64, TicketKey, u8)> + '_ {
        let until = until.unix_seconds();
        (0..=DUE_SUMMONS_REPORT)
            .filter(move |kind| kinds & (1 << kind) != 0)
            .flat_map(move |kind| {
                let (low, high) = Due::range(kind, until);
                self.due
                    .range(low, high)
                    .map(|d| (d.at(), TicketKey(d.ticket()), d.kind()))
            })
    }

    /// Tickets with a summoned department's deadline (to sign for, or to report) falling due
    /// up to `until`, earliest first.
    pub fn summons_due_until(
        &self,
        until: Timestamp,
    ) -> impl Iterator<Item = (Timestamp, TicketKey)> + '_ {
        let mut all: Vec<(i64, u32)> = self
            .due_of_kinds(until, (1 << DUE_SUMMONS_SIGN) | (1 << DUE_SUMMONS_REPORT))
            .map(|(t, k, _)| (t, k.0))
            .collect();
        all.sort_unstable();
        all.into_iter()
            .map(|(t, k)| (Timestamp::EPOCH.plus_seconds(t), TicketKey(k)))
    }

    /// Open tickets with an event an escalation rule may react to (returns, refusals,
    /// unsatisfied visits, dispatches, whistles, reopenings), in key order.
    pub fn needing_attention(&self) -> impl Iterator<Item = TicketKey> + '_ {
        self.attention.iter().map(TicketKey)
    }

    /// The ids of tickets given by key, in the order given (keys not in the ledger are
    /// skipped): what the bindings return for the key iterators above.
    pub fn ids_of(&self, keys: impl IntoIterator<Item = TicketKey>) -> Vec<String> {
        keys.into_iter()
            .filter_map(|k| self.view(k).map(|v| v.id().to_string()))
            .collect()
    }

    /// [`due_until`](Self::due_until) with ticket ids: `(deadline, ticket id, kind)`, in
    /// deadline order.
    pub fn due_ids_until(&self, until: Timestamp) -> Vec<(Timestamp, String, DeadlineKind)> {
        self.due_until(until)
            .filter_map(|(t, k, d)| self.view(k).map(|v| (t, v.id().to_string(), d)))
            .collect()
    }

    /// The tickets reported in `[from, to]`, by report time.
    pub fn reported_between(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> impl Iterator<Item = TicketKey> + '_ {
        let t0 = |k: &u32| self.tickets.get(*k as usize).map_or(i64::MAX, |r| r.t0);
        let lo = self
            .by_report
            .partition_point(|k| t0(k) < from.unix_seconds());
        let hi = self
            .by_report
            .partition_point(|k| t0(k) <= to.unix_seconds());
        self.by_report
            .get(lo..hi.max(lo))
            .unwrap_or(&[])
            .iter()
            .map(|k| TicketKey(*k))
    }

    /// The tickets that arose in exactly this unit, in key order.
    pub fn arisen_in(&self, unit: NodeKey) -> &[u32] {
        self.by_unit.get(&unit.raw()).map(|v| &v[..]).unwrap_or(&[])
    }

    pub(super) fn reindex(&mut self, key: TicketKey, t0: i64, old: [u32; 4], new: [u32; 4]) {
        for (kind, (o, n)) in old.iter().zip(new.iter()).enumerate() {
            if o == n {
                continue;
            }
            let kind = u8::try_from(kind).unwrap_or(0);
            if *o != NONE {
                self.unindex(key, kind, t0 + i64::from(*o));
            }
            if *n != NONE {
                self.due.insert(Due::new(kind, t0 + i64::from(*n), key.0));
            }
        }
    }

    /// Removes a deadline's index entry, wherever a `recheck` moved it.
    pub(super) fn unindex(&mut self, key: TicketKey, kind: u8, due: i64) {
        match self.rechecks.remove(&(key.0, kind)) {
            Some(moved) => {
                self.due.remove(&Due::new(kind, moved, key.0));
            }
            None => {
                self.due.remove(&Due::new(kind, due, key.0));
            }
        }
    }

    /// Moves a deadline's index entry to `at` (or out of the index).
    pub(super) fn recheck(&mut self, key: TicketKey, kind: u8, due: Option<i64>, at: Option<i64>) {
        let Some(due) = due else { return };
        self.unindex(key, kind, due);
        let moved = at.unwrap_or(i64::MAX);
        self.rechecks.insert((key.0, kind), moved);
        if at.is_some() {
            self.due.insert(Due::new(kind, moved, key.0));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Due;
    use proptest::prelude::*;

    proptest! {
        /// A packed entry reads back as it was made and orders as the tuple (kind, due,
        /// ticket), over every due instant an i64 holds.
        #[test]
        fn packed_entries_order_as_tuples(
            a in (0u8..6, any::<i64>(), any::<u32>()),
            b in (0u8..6, any::<i64>(), any::<u32>()),
        ) {
            let (x, y) = (Due::new(a.0, a.1, a.2), Due::new(b.0, b.1, b.2));
            prop_assert_eq!((x.kind(), x.at(), x.ticket()), a);
            prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            let (low, high) = Due::range(a.0, b.1);
            prop_assert_eq!((low..=high).contains(&x), a.1 <= b.1);
        }
    }
}
