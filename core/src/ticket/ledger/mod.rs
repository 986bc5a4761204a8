//! The ledger: many tickets over one hierarchy.
//!
//! - this file: the [`Ledger`] itself (its storage), keys, constructors and lookups by id;
//! - [`mod@write`]: reporting and applying (validate, then commit: the fold replay shares);
//! - [`codec`]: an action encoded into the compact stored event and decoded back;
//! - [`guards`]: asking before acting (check, can, why not, who can, simulate);
//! - [`indexes`]: the indexes and the queries and deadline sweeps they answer;
//! - [`views`]: reading a ticket and the events;
//! - [`replay`]: rebuilding from events; [`bulk`]: many actions in one call.

use std::hash::BuildHasher;
use std::sync::Arc;

use hashbrown::HashTable;
use serde::{Deserialize, Serialize};

use super::authority::Authority;
use super::guard::{self, Denied};
use super::machine::{next_state, Facts, Refusal};
use super::record::{
    Events, Extra, Op, RawEvent, Rec, SummonsRec, FLAG_EXTENDED, FLAG_EXTENSION_PENDING,
    FLAG_SUPERVISED, FLAG_VERIFIED_ON_SITE, FLAG_VERIFY_FIRST, NONE, NO_TEXT, SYSTEM,
};
use super::{
    Action, ActionKind, Actor, DeadlineKind, Deadlines, Event, NewTicket, RejectReason,
    Satisfaction, Summons, Taxonomy, TicketError, TicketId, TicketSnapshot, TicketState,
};
use crate::hash::{DenseMap, IdState};
use crate::hierarchy::{Hierarchy, NodeId, NodeKey, NodeKind};
use crate::intern::Interner;
use crate::sla::ServiceLevels;
use crate::time::Timestamp;

use super::service::moves_clocks;

mod bulk;
mod codec;
#[cfg(feature = "arrow")]
mod columns;
mod guards;
mod indexes;
mod replay;
mod views;
mod write;

pub use bulk::{BulkAction, BulkItem, BulkReport};
pub(crate) use replay::Recent;
pub use replay::ReplayError;
pub use views::{TicketFacts, TicketView};
// The submodules' helpers, for one another (each starts with `use super::*`).
#[allow(unused_imports)]
use self::{codec::*, guards::*, indexes::*, write::*};

/// How many tickets [`Ledger::touch`] reads ahead at a time: the next due tickets of a sweep,
/// the next items of `apply_coded` and `apply_bulk` (batches of 8, 16, 32 and 64 were
/// measured on W3; 32 was best).
pub(crate) const TOUCHED: usize = 32;

/// The most tickets a ledger holds: ticket keys are 32-bit, and the last one is kept free.
const MAX_TICKETS: u64 = u32::MAX as u64;

/// The longest free-text field accepted, in bytes.
pub const MAX_TEXT_LEN: usize = 65_536;

/// A compact handle for a ticket of one ledger (its position in insertion order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TicketKey(u32);

impl TicketKey {
    /// The dense index.
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// The key at a dense index.
    pub const fn from_index(index: u32) -> TicketKey {
        TicketKey(index)
    }
}

/// A resolved actor: the host system or a node key of the ledger's hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActorKey(u32);

impl ActorKey {
    /// The host system.
    pub const SYSTEM: ActorKey = ActorKey(SYSTEM);

    /// A node of the hierarchy.
    pub const fn node(key: NodeKey) -> ActorKey {
        ActorKey(key.raw())
    }

    /// The node, unless this is the host system.
    pub(crate) const fn node_key(self) -> Option<NodeKey> {
        if self.0 == SYSTEM {
            None
        } else {
            Some(NodeKey::from_index(self.0))
        }
    }
}

/// Data an action adds besides its event: texts, summons, and where a return after an
/// escalation goes.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    texts: Vec<Box<str>>,
    summons: Vec<SummonsRec>,
    return_to: Option<NodeKey>,
    /// A rule name to add to the ledger's table of rule names (at the index the event names).
    rule_name: Option<Box<str>>,
}

/// How far a replayed history is trusted.
///
/// A log, a table of events or a list of events is the record of actions taken in the past.
/// By default ([`Trust::Checked`]) every replayed event is checked like a live action against
/// the ledger's [`Authority`] over the hierarchy as it is now — the roles, the separation of
/// duties, the jurisdiction of dispatches — so a history in which a handler closed its own
/// work, or a hand-edited log re-chained by someone who recomputed the digests, is refused at
/// the offending event.
///
/// [`Trust::History`] ("trusted history") skips those checks: for histories recorded under
/// another authority (e.g. before the separation of duties, with
/// [`Authority::legacy_permissive`]) or over a hierarchy that changed since (people who
/// acted then have moved on). The lifecycle, targets, times and texts are checked in both
/// modes; references to other tickets (duplicates, merges) are not checked on replay in
/// either (a log written ticket by ticket may name an original before its report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trust {
    /// Every event is checked against the authority (the default).
    #[default]
    Checked,
    /// The events are trusted to have been authorized when they were taken.
    History,
}

/// What a step checks: live actions check everything; replay checks authority unless the
/// history is trusted, and never references to other tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mode {
    pub(crate) authorize: bool,
    pub(crate) live: bool,
}

impl Mode {
    pub(crate) const LIVE: Mode = Mode {
        authorize: true,
        live: true,
    };

    pub(crate) const fn replay(trust: Trust) -> Mode {
        Mode {
            authorize: matches!(trust, Trust::Checked),
            live: false,
        }
    }
}

/// Many tickets over one hierarchy and one taxonomy.
///
/// The ledger owns (a shared pointer to) the hierarchy its tickets refer to, so tickets and
/// hierarchy can never be mismatched. All mutation goes through the lifecycle: a refused
/// action returns a [`TicketError`] and leaves every ticket exactly as it was.
///
/// ```
/// use std::sync::Arc;
/// use wangge::hierarchy::{Hierarchy, NodeKind};
/// use wangge::ticket::{Action, Ledger, NewTicket, Satisfaction, Taxonomy, TicketState};
/// use wangge::time::Timestamp;
///
/// let mut h = Hierarchy::new();
/// h.add("s1", NodeKind::Street, "毕家岗街道")?;
/// h.add("c1", NodeKind::Community, "新建社区")?;
/// h.add("g1", NodeKind::Grid, "第一网格")?;
/// h.contain("s1", "c1")?;
/// h.contain("c1", "g1")?;
/// h.add("w1", NodeKind::GridWorker, "网格员")?;
/// h.serve("w1", "g1")?;
/// // The street's grid management centre supervises and commands (GB/T 30428).
/// h.add("zx", NodeKind::OperationsCentre, "毕家岗街道网格化服务管理中心")?;
/// h.supervise("zx", "s1")?;
/// h.command("zx", "s1")?;
/// let mut ledger = Ledger::new(Arc::new(h), Arc::new(Taxonomy::default()));
///
/// let t = |s: &str| -> Timestamp { s.parse().unwrap() };
/// ledger.report(NewTicket::new("T1", "livelihood.parking", "g1")?, "w1", t("2025-03-03T09:00:00+08:00"))?;
/// ledger.apply("T1", "zx", t("2025-03-03T09:10:00+08:00"), Action::File)?;
/// ledger.apply("T1", "zx", t("2025-03-03T09:20:00+08:00"), Action::Dispatch { to: "g1".parse()? })?;
/// ledger.apply("T1", "w1", t("2025-03-03T09:30:00+08:00"), Action::Acknowledge)?;
/// // Nobody closes a ticket that was not handled and verified:
/// assert!(ledger.apply("T1", "zx", t("2025-03-03T10:00:00+08:00"), Action::Close).is_err());
/// ledger.apply("T1", "w1", t("2025-03-05T16:00:00+08:00"), Action::Handle { outcome: "延长免费停车".into() })?;
/// // The grid that handled it may not verify its own work (职责分离):
/// let own = ledger.apply("T1", "w1", t("2025-03-06T09:00:00+08:00"), Action::Verify { passed: true, note: None });
/// assert_eq!(own.unwrap_err().code(), "ticket.separation_of_duty");
/// ledger.apply("T1", "c1", t("2025-03-06T09:00:00+08:00"), Action::Verify { passed: true, note: None })?;
/// let state = ledger.apply("T1", "zx", t("2025-03-06T10:00:00+08:00"),
///     Action::Visit { satisfaction: Satisfaction::Satisfied })?;
/// assert_eq!(state, TicketState::Closed);
/// assert_eq!(ledger.events("T1")?.len(), 7);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Ledger {
    hierarchy: Arc<Hierarchy>,
    authority: Arc<Authority>,
    pub(super) taxonomy: Arc<Taxonomy>,
    pub(super) tickets: Vec<Rec>,
    /// Tickets by id: the ids come from outside, so the table hashes them with a keyed
    /// state of its own (see [`crate::hash`]).
    by_id: HashTable<u32>,
    by_id_state: IdState,
    reporters: Interner,
    /// The names of the escalation rules that fired, each stored once for the whole ledger:
    /// a `rule_fired` event without a subject names its rule by index here, so a sweep's
    /// firings store no text per ticket and compare rule names as integers.
    rule_names: Interner,
    /// Deadlines of open tickets: (kind, due, ticket) with kinds 0–3 the [`DeadlineKind`]s
    /// and 4, 5 a summoned department's sign-for and report deadlines. Ordered by kind first,
    /// so that a sweep visits only the kinds its rules watch.
    due: crate::sorted::SortedChunks<Due>,
    /// Open tickets with an event that an escalation rule may react to (a return, a refusal,
    /// an unsatisfied visit, a dispatch, a whistle, a reopening).
    attention: crate::bitset::KeySet,
    /// Tickets by the unit where they arose (node keys: dense indices, see [`DenseMap`]).
    by_unit: DenseMap<u32, Vec<u32>>,
    /// Deadline index entries moved by the engine (`recheck`): (ticket, kind) → the index key,
    /// or `i64::MAX` when no rule can fire for the current due instant any more.
    rechecks: DenseMap<(u32, u8), i64>,
    /// Tickets by report time (then key), sorted: 4 bytes a ticket, the time read from the
    /// ticket's record.
    by_report: Vec<u32>,
    pub(super) levels: Option<Arc<ServiceLevels>>,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("tickets", &self.tickets.len())
            .field("events", &self.event_count())
            .field("hierarchy_nodes", &self.hierarchy.len())
            .field("categories", &self.taxonomy.len())
            .finish()
    }
}

impl Ledger {
    /// An empty ledger over a hierarchy and a taxonomy, under the default authority
    /// ([`Authority::gbt30428`]; see [`Ledger::with_authority`]).
    pub fn new(hierarchy: Arc<Hierarchy>, taxonomy: Arc<Taxonomy>) -> Ledger {
        Ledger::with_authority(hierarchy, taxonomy, Arc::new(Authority::default()))
    }

    /// An empty ledger over a hierarchy and a taxonomy, under an authority (who may take
    /// each action; see [`super::authority`]).
    pub fn with_authority(
        hierarchy: Arc<Hierarchy>,
        taxonomy: Arc<Taxonomy>,
        authority: Arc<Authority>,
    ) -> Ledger {
        Ledger {
            hierarchy,
            authority,
            taxonomy,
            tickets: Vec::new(),
            by_id: HashTable::new(),
            by_id_state: IdState::default(),
            reporters: Interner::default(),
            rule_names: Interner::default(),
            due: Default::default(),
            attention: crate::bitset::KeySet::default(),
            by_unit: DenseMap::default(),
            by_report: Vec::new(),
            rechecks: DenseMap::default(),
            levels: None,
        }
    }

    /// [`Ledger::with_authority`], checked: every case category a department's jurisdiction
    /// names must match a category of the taxonomy (see [`Ledger::check_references`]). This is
    /// how the bindings build ledgers from documents a partner system sent.
    pub fn checked(
        hierarchy: Arc<Hierarchy>,
        taxonomy: Arc<Taxonomy>,
        authority: Arc<Authority>,
    ) -> Result<Ledger, TicketError> {
        let ledger = Ledger::with_authority(hierarchy, taxonomy, authority);
        ledger.check_references()?;
        Ok(ledger)
    }

    /// Checks that the hierarchy's references into the taxonomy exist: each category pattern
    /// of a jurisdiction (`*`, a code, or a code's prefix) must match at least one category,
    /// else [`TicketError::UnmatchedCategory`] naming the pattern and the department. A
    /// pattern that matches nothing would give the department no case, silently.
    pub fn check_references(&self) -> Result<(), TicketError> {
        for edge in self.hierarchy.edges() {
            for pattern in &edge.categories {
                if !self.taxonomy.matches_any(pattern) {
                    return Err(TicketError::UnmatchedCategory {
                        pattern: pattern.clone(),
                        used_by: format!("the jurisdiction of {} over {}", edge.from, edge.to),
                    });
                }
            }
        }
        Ok(())
    }

    /// The hierarchy the tickets refer to.
    pub fn hierarchy(&self) -> &Arc<Hierarchy> {
        &self.hierarchy
    }

    /// The authority actions are checked against.
    pub fn authority(&self) -> &Arc<Authority> {
        &self.authority
    }

    /// Changes the authority for the actions to come (the events already recorded stay as
    /// they are).
    pub fn set_authority(&mut self, authority: Arc<Authority>) {
        self.authority = authority;
    }

    /// Changes the hierarchy (e.g. a new grid worker). Node keys are stable, so tickets keep
    /// referring to the same units; a unit that was removed keeps its id in every record.
    pub fn update_hierarchy<R>(&mut self, f: impl FnOnce(&mut Hierarchy) -> R) -> R {
        f(Arc::make_mut(&mut self.hierarchy))
    }

    /// The taxonomy of case categories.
    pub fn taxonomy(&self) -> &Arc<Taxonomy> {
        &self.taxonomy
    }

    /// The number of tickets.
    pub fn len(&self) -> usize {
        self.tickets.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.tickets.is_empty()
    }

    /// Reserves room for more tickets, as [`try_reserve`](Self::try_reserve) does, but aborts
    /// the process if the memory cannot be allocated (as `Vec::reserve` does).
    pub fn reserve(&mut self, additional: usize) {
        self.tickets.reserve(additional);
        let (tickets, state) = (&self.tickets, &self.by_id_state);
        self.by_id.reserve(additional, |i| {
            tickets
                .get(*i as usize)
                .map(|r| state.hash_one(r.id.as_str()))
                .unwrap_or(0)
        });
    }

    /// Reserves room for `additional` more tickets in the ledger's table and its index of
    /// ids, so that reporting that many does not grow them step by step (each growth of the
    /// index rehashes every id). Bindings call this with sizes that come from their users:
    /// more than the ledger can hold, or more than memory allows, is an error, never an abort.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use wangge::hierarchy::Hierarchy;
    /// use wangge::ticket::{Ledger, Taxonomy};
    /// let mut l = Ledger::new(Arc::new(Hierarchy::new()), Arc::new(Taxonomy::default()));
    /// l.try_reserve(1_000)?;
    /// let e = l.try_reserve(usize::MAX).unwrap_err();
    /// assert_eq!(e.code(), "ticket.capacity_exceeded");
    /// assert_eq!(l.len(), 0);
    /// # Ok::<(), wangge::ticket::TicketError>(())
    /// ```
    pub fn try_reserve(&mut self, additional: usize) -> Result<(), TicketError> {
        let full = TicketError::CapacityExceeded {
            tickets: self.tickets.len(),
            more: additional,
        };
        let total = self.tickets.len().checked_add(additional);
        if !total.is_some_and(|t| u64::try_from(t).is_ok_and(|t| t <= MAX_TICKETS)) {
            return Err(full);
        }
        self.tickets
            .try_reserve(additional)
            .map_err(|_| full.clone())?;
        let (tickets, state) = (&self.tickets, &self.by_id_state);
        self.by_id
            .try_reserve(additional, |i| {
                tickets
                    .get(*i as usize)
                    .map(|r| state.hash_one(r.id.as_str()))
                    .unwrap_or(0)
            })
            .map_err(|_| full)
    }

    /// The key of a ticket.
    pub fn key(&self, id: &str) -> Option<TicketKey> {
        let tickets = &self.tickets;
        self.by_id
            .find(self.by_id_state.hash_one(id), |i| {
                tickets
                    .get(*i as usize)
                    .is_some_and(|r| r.id.as_str() == id)
            })
            .map(|i| TicketKey(*i))
    }

    fn require(&self, id: &str) -> Result<TicketKey, TicketError> {
        self.key(id).ok_or_else(|| TicketError::UnknownTicket {
            ticket: id.to_owned(),
        })
    }

    /// Resolves an actor: `"@system"` or the id of a live node.
    pub fn actor_key(&self, actor: &str) -> Result<ActorKey, TicketError> {
        if actor == super::SYSTEM_ACTOR {
            return Ok(ActorKey::SYSTEM);
        }
        self.hierarchy
            .key(actor)
            .map(ActorKey::node)
            .ok_or_else(|| TicketError::UnknownActor {
                actor: actor.to_owned(),
            })
    }

    /// A ticket by id.
    pub fn get(&self, id: &str) -> Option<TicketView<'_>> {
        self.key(id).and_then(|k| self.view(k))
    }

    /// A ticket by id, or `ticket.unknown_ticket` naming it.
    pub fn require_ticket(&self, id: &str) -> Result<TicketView<'_>, TicketError> {
        self.get(id).ok_or_else(|| TicketError::UnknownTicket {
            ticket: id.to_owned(),
        })
    }

    /// A ticket by key.
    pub fn view(&self, key: TicketKey) -> Option<TicketView<'_>> {
        self.tickets.get(key.index()).map(|rec| TicketView {
            ledger: self,
            key,
            rec,
        })
    }

    /// Reads the record, then the first event, of the tickets of the next [`TOUCHED`] items
    /// of `next`, one kind of read after the other for all of them: the reads of one
    /// pass do not depend on each other, so the processor waits for memory once per pass
    /// instead of once per ticket. A sweep calls this for its next due tickets, which lie
    /// scattered over the whole ledger, before working on them, and so do the bulk paths for
    /// their next items. A batch whose tickets run in the order of their keys, close together
    /// (each ticket's steps in a row, the next ticket after it), is left to the processor,
    /// which reads ahead along memory by itself: waiting for it here only added a wait per
    /// batch (W2 ran 15 % slower). It changes nothing.
    pub(crate) fn touch<T>(&self, next: &[T], key: impl Fn(&T) -> TicketKey) {
        let batch = next.get(..TOUCHED).unwrap_or(next);
        let (Some(first), Some(last)) = (batch.first(), batch.last()) else {
            return;
        };
        let (a, b) = (key(first).0, key(last).0);
        if a <= b && b - a <= 2 * TOUCHED as u32 {
            return;
        }
        let recs = || {
            batch
                .iter()
                .filter_map(|t| self.tickets.get(key(t).index()))
        };
        let states = recs().fold(0u8, |acc, r| acc ^ r.state as u8);
        std::hint::black_box(states);
        let kinds = recs().fold(0u8, |acc, r| {
            acc ^ r.events().first().map_or(0, |e| e.op.kind as u8)
        });
        std::hint::black_box(kinds);
    }
}
