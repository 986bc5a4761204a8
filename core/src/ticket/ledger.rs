//! The ledger: many tickets over one hierarchy, with lookups, bulk application and a
//! deadline index.

use std::collections::BTreeSet;
use std::sync::Arc;

use hashbrown::HashTable;
use serde::{Deserialize, Serialize};

use super::authority::Authority;
use super::guard::{self, Denied};
use super::machine::{next_state, Facts, Refusal};
use super::record::{
    Extra, Op, RawEvent, Rec, SummonsRec, FLAG_EXTENDED, FLAG_EXTENSION_PENDING, FLAG_SUPERVISED,
    FLAG_VERIFIED_ON_SITE, FLAG_VERIFY_FIRST, NONE, NO_TEXT, SYSTEM,
};
use super::{
    Action, ActionKind, Actor, DeadlineKind, Deadlines, Event, NewTicket, RejectReason,
    Satisfaction, Summons, Taxonomy, TicketError, TicketId, TicketSnapshot, TicketState,
};
use crate::hierarchy::{Hierarchy, NodeId, NodeKey, NodeKind};
use crate::intern::{hash_str, Interner};
use crate::sla::ServiceLevels;
use crate::time::Timestamp;

use super::service::moves_clocks;

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
}

/// One item of a bulk application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkItem {
    /// The ticket.
    pub ticket: TicketKey,
    /// Who acts.
    pub actor: ActorKey,
    /// When.
    pub at: Timestamp,
    /// What.
    pub action: Action,
}

/// One item of a bulk application by ids, as the bindings receive it (see
/// [`Ledger::apply_many`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkAction {
    /// The ticket's id.
    pub ticket: String,
    /// Who acts: `"@system"` or a node id.
    pub actor: String,
    /// When.
    pub at: Timestamp,
    /// What.
    pub action: Action,
}

/// The result of a bulk application: one entry per item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkReport {
    /// The ticket's state after each item (unchanged for a refused item; `None` for a ticket
    /// the ledger does not have).
    pub states: Vec<Option<TicketState>>,
    /// The refused items, by position, with the reason. Refused items changed nothing.
    pub errors: Vec<(usize, TicketError)>,
}

impl BulkReport {
    /// How many items were applied.
    pub fn applied(&self) -> usize {
        self.states.len() - self.errors.len()
    }
}

/// Data an action adds besides its event: texts, summons, and where a return after an
/// escalation goes.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    texts: Vec<Box<str>>,
    summons: Vec<SummonsRec>,
    return_to: Option<NodeKey>,
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
    by_id: HashTable<u32>,
    reporters: Interner,
    /// Deadlines of open tickets: (due, ticket, kind) with kinds 0–3 the [`DeadlineKind`]s
    /// and 4, 5 a summoned department's sign-for and report deadlines.
    due: BTreeSet<(i64, u32, u8)>,
    /// Open tickets with an event that an escalation rule may react to (a return, a refusal,
    /// an unsatisfied visit, a dispatch, a whistle, a reopening).
    attention: BTreeSet<u32>,
    /// Tickets by the unit where they arose.
    by_unit: rustc_hash::FxHashMap<u32, Vec<u32>>,
    /// Deadline index entries moved by the engine (`recheck`): (ticket, kind) → the index key,
    /// or `i64::MAX` when no rule can fire for the current due instant any more.
    rechecks: rustc_hash::FxHashMap<(u32, u8), i64>,
    /// Tickets by report time, sorted.
    by_report: Vec<(i64, u32)>,
    pub(super) levels: Option<Arc<ServiceLevels>>,
}

/// The `small` code of an escalation whose return destination is stored as a text (a node
/// key too large for the op's spare bits); 0 means no destination, anything else the high
/// byte of the key plus one.
const RETURN_TO_TEXT: u8 = u8::MAX;

/// A node key in an op's spare bits (`small`, `aux`): the high byte plus one and the low 16
/// bits, for keys below `(RETURN_TO_TEXT - 1) << 16`; `None` for larger keys.
fn pack_key(key: u32) -> Option<(u8, u16)> {
    let high = u8::try_from(key >> 16)
        .ok()
        .filter(|h| *h < RETURN_TO_TEXT - 1)?;
    Some((high + 1, u16::try_from(key & 0xFFFF).ok()?))
}

/// The key [`pack_key`] packed, or `None` for "no key" (0) and the text marker.
fn unpack_key(small: u8, aux: u16) -> Option<u32> {
    match small {
        0 | RETURN_TO_TEXT => None,
        high => Some((u32::from(high - 1) << 16) | u32::from(aux)),
    }
}

/// The due-index kind of a summoned department's sign-for deadline.
pub(crate) const DUE_SUMMONS_SIGN: u8 = 4;
/// The due-index kind of a summoned department's report deadline.
pub(crate) const DUE_SUMMONS_REPORT: u8 = 5;

fn summons_dues(rec: &Rec) -> Vec<(i64, u8)> {
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
            reporters: Interner::default(),
            due: BTreeSet::new(),
            attention: BTreeSet::new(),
            by_unit: rustc_hash::FxHashMap::default(),
            by_report: Vec::new(),
            rechecks: rustc_hash::FxHashMap::default(),
            levels: None,
        }
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

    /// Reserves room for more tickets.
    pub fn reserve(&mut self, additional: usize) {
        self.tickets.reserve(additional);
        let tickets = &self.tickets;
        self.by_id.reserve(additional, |i| {
            tickets
                .get(*i as usize)
                .map(|r| hash_str(r.id.as_str()))
                .unwrap_or(0)
        });
    }

    /// The key of a ticket.
    pub fn key(&self, id: &str) -> Option<TicketKey> {
        let tickets = &self.tickets;
        self.by_id
            .find(hash_str(id), |i| {
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

    /// A ticket by key.
    pub fn view(&self, key: TicketKey) -> Option<TicketView<'_>> {
        self.tickets.get(key.index()).map(|rec| TicketView {
            ledger: self,
            key,
            rec,
        })
    }

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
        self.due
            .range(..=(until.unix_seconds(), u32::MAX, u8::MAX))
            .filter(|(_, _, d)| *d < DUE_SUMMONS_SIGN)
            .map(|(t, k, d)| {
                (
                    Timestamp::EPOCH.plus_seconds(*t),
                    TicketKey(*k),
                    DeadlineKind::from_u8(*d),
                )
            })
    }

    /// Tickets with a summoned department's deadline (to sign for, or to report) falling due
    /// up to `until`, earliest first.
    pub fn summons_due_until(
        &self,
        until: Timestamp,
    ) -> impl Iterator<Item = (Timestamp, TicketKey)> + '_ {
        self.due
            .range(..=(until.unix_seconds(), u32::MAX, u8::MAX))
            .filter(|(_, _, d)| *d >= DUE_SUMMONS_SIGN)
            .map(|(t, k, _)| (Timestamp::EPOCH.plus_seconds(*t), TicketKey(*k)))
    }

    /// Open tickets with an event an escalation rule may react to (returns, refusals,
    /// unsatisfied visits, dispatches, whistles, reopenings), in key order.
    pub fn needing_attention(&self) -> impl Iterator<Item = TicketKey> + '_ {
        self.attention.iter().map(|k| TicketKey(*k))
    }

    /// The tickets reported in `[from, to]`, by report time.
    pub fn reported_between(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> impl Iterator<Item = TicketKey> + '_ {
        let lo = self
            .by_report
            .partition_point(|(t, _)| *t < from.unix_seconds());
        let hi = self
            .by_report
            .partition_point(|(t, _)| *t <= to.unix_seconds());
        self.by_report
            .get(lo..hi.max(lo))
            .unwrap_or(&[])
            .iter()
            .map(|(_, k)| TicketKey(*k))
    }

    /// The tickets that arose in exactly this unit, in key order.
    pub fn arisen_in(&self, unit: NodeKey) -> &[u32] {
        self.by_unit.get(&unit.raw()).map(|v| &v[..]).unwrap_or(&[])
    }

    /// Checks an action against a ticket as it stands, without applying it: `Ok` with the
    /// state it would lead to, or the error applying it would give.
    pub fn check(
        &self,
        key: TicketKey,
        actor: ActorKey,
        at: Timestamp,
        action: &Action,
    ) -> Result<TicketState, TicketError> {
        if let Action::Report(new) = action {
            return Err(TicketError::DuplicateTicket {
                ticket: new.id.to_string(),
            });
        }
        self.validate(key, actor.0, at, action, Mode::LIVE)
            .map(|(_, next, _)| next)
    }

    /// Whether `actor` may take `action` on `ticket` at `at` (nothing changes): the answer a
    /// front end needs to enable a button. See [`Ledger::why_not`] for the reason.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use wangge::hierarchy::{Hierarchy, NodeKind};
    /// use wangge::ticket::{Action, Ledger, NewTicket, Taxonomy};
    ///
    /// let mut h = Hierarchy::new();
    /// h.add("s1", NodeKind::Street, "毕家岗街道")?;
    /// h.add("c1", NodeKind::Community, "新建社区")?;
    /// h.add("g1", NodeKind::Grid, "第一网格")?;
    /// h.contain("s1", "c1")?;
    /// h.contain("c1", "g1")?;
    /// h.add("w1", NodeKind::GridWorker, "网格员")?;
    /// h.serve("w1", "g1")?;
    /// h.add("ctr", NodeKind::OperationsCentre, "街道网格化服务管理中心")?;
    /// h.supervise("ctr", "s1")?;
    /// let mut ledger = Ledger::new(Arc::new(h), Arc::new(Taxonomy::default()));
    /// let at = "2025-03-03T09:00:00+08:00".parse()?;
    /// ledger.report(NewTicket::new("T1", "livelihood.parking", "g1")?, "w1", at)?;
    /// assert!(ledger.can("T1", "ctr", at, &Action::File));
    /// assert!(!ledger.can("T1", "w1", at, &Action::File));
    /// let why = ledger.why_not("T1", "w1", at, &Action::File).unwrap();
    /// assert_eq!(why.code, "ticket.unauthorized");
    /// assert_eq!(why.rule, "allow.file");
    /// println!("{} / {}", why.en, why.zh); // ... 立案只能由：监督中心 进行 ...
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn can(&self, ticket: &str, actor: &str, at: Timestamp, action: &Action) -> bool {
        self.why_not(ticket, actor, at, action).is_none()
    }

    /// Why `actor` may not take `action` on `ticket` at `at`, or `None` if it may: the rule
    /// that refuses (an authority rule, a separation of duties, the jurisdiction, the
    /// lifecycle), in English and Chinese, with the error applying it would give.
    pub fn why_not(
        &self,
        ticket: &str,
        actor: &str,
        at: Timestamp,
        action: &Action,
    ) -> Option<super::Denial> {
        let result = match action {
            Action::Report(new) => self.check_report(ticket, new, actor, at),
            _ => self.require(ticket).and_then(|key| {
                let actor = self.actor_key(actor)?;
                self.check(key, actor, at, action).map(|_| ())
            }),
        };
        result
            .err()
            .map(|e| super::Denial::new(e, self.authority.name()))
    }

    fn check_report(
        &self,
        ticket: &str,
        new: &NewTicket,
        actor: &str,
        at: Timestamp,
    ) -> Result<(), TicketError> {
        if new.id.as_str() != ticket {
            return Err(TicketError::InvalidTicketId {
                ticket: ticket.to_owned(),
                reason: "a report must carry the ticket's own id",
            });
        }
        let actor = self.actor_key(actor)?;
        self.prepare_report(new, actor, at, Mode::LIVE).map(|_| ())
    }

    /// Everyone who could take `action` on `ticket` at `at` now: `@system` and the live nodes
    /// of the hierarchy that pass every check, in key order (e.g. to list who could have
    /// verified a ticket, or to offer a dispatcher a choice).
    pub fn who_can(
        &self,
        ticket: &str,
        at: Timestamp,
        action: &Action,
    ) -> Result<Vec<super::Actor>, TicketError> {
        let key = self.require(ticket)?;
        let mut out = Vec::new();
        if self.check(key, ActorKey::SYSTEM, at, action).is_ok() {
            out.push(super::Actor::System);
        }
        for node in self.hierarchy.nodes() {
            if let Some(k) = self.hierarchy.key(node.id.as_str()) {
                if self.check(key, ActorKey::node(k), at, action).is_ok() {
                    out.push(super::Actor::Node(node.id.clone()));
                }
            }
        }
        Ok(out)
    }

    /// A one-ticket copy of this ledger (the ticket is at key 0), for dry runs.
    pub fn scratch(&self, key: TicketKey) -> Option<Ledger> {
        let rec = self.tickets.get(key.index())?;
        let mut scratch = Ledger::with_authority(
            self.hierarchy.clone(),
            self.taxonomy.clone(),
            self.authority.clone(),
        );
        scratch.levels = self.levels.clone();
        scratch.reporters = self.reporters.clone();
        scratch.tickets.push(rec.clone());
        Some(scratch)
    }

    /// Applies a sequence of actions to a copy of one ticket and returns each result,
    /// leaving the ledger untouched (a dry run, e.g. to check an engine's decisions).
    pub fn simulate(
        &self,
        key: TicketKey,
        steps: &[(ActorKey, Timestamp, Action)],
    ) -> Vec<Result<TicketState, TicketError>> {
        let Some(rec) = self.tickets.get(key.index()) else {
            return steps
                .iter()
                .map(|_| {
                    Err(TicketError::UnknownTicket {
                        ticket: format!("#{}", key.0),
                    })
                })
                .collect();
        };
        let mut scratch = Ledger::with_authority(
            self.hierarchy.clone(),
            self.taxonomy.clone(),
            self.authority.clone(),
        );
        scratch.levels = self.levels.clone();
        scratch.tickets.push(rec.clone());
        steps
            .iter()
            .map(|(actor, at, action)| scratch.step(TicketKey(0), actor.0, *at, action, Mode::LIVE))
            .collect()
    }

    // ----- reporting and acting ------------------------------------------------------------

    /// Reports a new ticket (上报). The actor must act for the unit that takes the case (or be
    /// the host system).
    pub fn report(
        &mut self,
        ticket: NewTicket,
        actor: &str,
        at: Timestamp,
    ) -> Result<TicketKey, TicketError> {
        let actor = self.actor_key(actor)?;
        self.report_key(&ticket, actor, at, Mode::LIVE)
    }

    /// Applies an action to a ticket and returns its new state.
    pub fn apply(
        &mut self,
        ticket: &str,
        actor: &str,
        at: Timestamp,
        action: Action,
    ) -> Result<TicketState, TicketError> {
        if let Action::Report(new) = action {
            if new.id.as_str() != ticket {
                return Err(TicketError::InvalidTicketId {
                    ticket: ticket.to_owned(),
                    reason: "a report must carry the ticket's own id",
                });
            }
            return self.report(*new, actor, at).map(|_| TicketState::Reported);
        }
        let key = self.require(ticket)?;
        let actor = self.actor_key(actor)?;
        self.apply_key(key, actor, at, &action)
    }

    /// Applies an action to a ticket by key (the fast path).
    pub fn apply_key(
        &mut self,
        key: TicketKey,
        actor: ActorKey,
        at: Timestamp,
        action: &Action,
    ) -> Result<TicketState, TicketError> {
        self.step(key, actor.0, at, action, Mode::LIVE)
    }

    /// Applies many actions, each on its own: a refused item is reported and changes
    /// nothing, the others go through in order.
    pub fn apply_bulk(&mut self, items: &[BulkItem]) -> BulkReport {
        let mut report = BulkReport {
            states: Vec::with_capacity(items.len()),
            errors: Vec::new(),
        };
        for (i, item) in items.iter().enumerate() {
            match self.step(item.ticket, item.actor.0, item.at, &item.action, Mode::LIVE) {
                Ok(state) => report.states.push(Some(state)),
                Err(e) => {
                    let state = self.tickets.get(item.ticket.index()).map(|r| r.state);
                    report.states.push(state);
                    report.errors.push((i, e));
                }
            }
        }
        report
    }

    /// Applies many actions given by ids (the bindings' `apply_many`), each on its own, as
    /// [`Ledger::apply`] would: a refused item is reported by its position (0-based) and
    /// changes nothing; the others go through in order.
    pub fn apply_many(&mut self, items: impl IntoIterator<Item = BulkAction>) -> BulkReport {
        let mut report = BulkReport::default();
        for (i, item) in items.into_iter().enumerate() {
            let before = self.key(&item.ticket);
            match self.apply(&item.ticket, &item.actor, item.at, item.action) {
                Ok(state) => report.states.push(Some(state)),
                Err(e) => {
                    let state = before
                        .or_else(|| self.key(&item.ticket))
                        .and_then(|k| self.tickets.get(k.index()))
                        .map(|r| r.state);
                    report.states.push(state);
                    report.errors.push((i, e));
                }
            }
        }
        report
    }

    /// Checks a report and builds the ticket's record (with its first event), without
    /// changing anything.
    fn prepare_report(
        &self,
        new: &NewTicket,
        actor: ActorKey,
        at: Timestamp,
        mode: Mode,
    ) -> Result<Rec, TicketError> {
        let h = &*self.hierarchy;
        if self.key(new.id.as_str()).is_some() {
            return Err(TicketError::DuplicateTicket {
                ticket: new.id.to_string(),
            });
        }
        let category =
            self.taxonomy
                .index(&new.category)
                .ok_or_else(|| TicketError::UnknownCategory {
                    category: new.category.clone(),
                })?;
        let unknown_unit = |id: &NodeId| TicketError::UnknownUnit {
            unit: id.to_string(),
        };
        let unit = h
            .key(new.unit.as_str())
            .ok_or_else(|| unknown_unit(&new.unit))?;
        if !h.kind_of(unit).is_some_and(NodeKind::is_territorial) {
            return Err(TicketError::InvalidTarget {
                ticket: new.id.to_string(),
                state: TicketState::Reported,
                action: ActionKind::Report,
                target: new.unit.to_string(),
                reason: "a ticket arises in a territorial unit",
            });
        }
        // The default taker: the nearest unit at grid level or above.
        let default_holder = h
            .chain_keys(unit)
            .iter()
            .find(|k| {
                h.kind_of(**k)
                    .and_then(NodeKind::level)
                    .is_some_and(|l| l <= 5)
            })
            .copied()
            .unwrap_or(unit);
        let holder = match &new.holder {
            Some(id) => {
                let k = h.key(id.as_str()).ok_or_else(|| unknown_unit(id))?;
                check_assignee(h, k).map_err(|reason| TicketError::InvalidTarget {
                    ticket: new.id.to_string(),
                    state: TicketState::Reported,
                    action: ActionKind::Report,
                    target: id.to_string(),
                    reason,
                })?;
                k
            }
            None => default_holder,
        };
        let home = if h.kind_of(holder).is_some_and(NodeKind::is_territorial) {
            holder
        } else {
            default_holder
        };
        for text in [&new.description, &new.reporter].into_iter().flatten() {
            check_text(new.id.as_str(), text)?;
        }
        let t0 = at.unix_seconds();
        let rec = Rec {
            id: new.id.clone(),
            // Room for the main loop: report, file, dispatch, acknowledge, handle, verify, visit.
            log: Vec::with_capacity(7),
            extra: None,
            t0,
            dues: [NONE; 4],
            unit,
            holder,
            home,
            dispatcher: NONE,
            reporter: NONE,
            category,
            state: TicketState::Reported,
            resume: TicketState::Reported,
            priority: new.priority,
            channel: new.channel,
            request_type: new.request_type,
            satisfaction: u8::MAX,
            flags: if new.verify_first {
                FLAG_VERIFY_FIRST
            } else {
                0
            },
            returns: 0,
            reopens: 0,
            escalations: 0,
            reminders: 0,
            refusals: 0,
        };
        if mode.authorize {
            guard::authorize(h, &self.authority, &rec, actor.0, ActionKind::Report)
                .map_err(|d| self.denied(&rec, actor.0, ActionKind::Report, d))?;
            if new.holder.is_some() {
                guard::dispatchable(h, &self.authority, actor.0, unit, || &new.category, holder)
                    .map_err(|reason| TicketError::OutOfJurisdiction {
                        ticket: new.id.to_string(),
                        action: ActionKind::Report,
                        actor: self.actor_name(actor.0),
                        target: self.node_name(holder),
                        reason,
                    })?;
            }
        }
        Ok(rec)
    }

    /// Reports a new ticket by keys (the typed-array path): checked like [`Ledger::report`].
    pub(crate) fn report_key_live(
        &mut self,
        new: &NewTicket,
        actor: ActorKey,
        at: Timestamp,
    ) -> Result<TicketKey, TicketError> {
        self.report_key(new, actor, at, Mode::LIVE)
    }

    pub(crate) fn report_key(
        &mut self,
        new: &NewTicket,
        actor: ActorKey,
        at: Timestamp,
        mode: Mode,
    ) -> Result<TicketKey, TicketError> {
        let mut rec = self.prepare_report(new, actor, at, mode)?;
        let holder = rec.holder;
        let unit = rec.unit;
        let index = u32::try_from(self.tickets.len()).map_err(|_| TicketError::TimeOutOfRange {
            ticket: new.id.to_string(),
            at,
        })?;
        let mut aux = NO_TEXT;
        if let Some(d) = &new.description {
            rec.extra = Some(Box::new(Extra {
                texts: vec![d.as_str().into()],
                summons: Vec::new(),
            }));
            aux = 0;
        }
        if let Some(r) = &new.reporter {
            rec.reporter = self.reporters.intern(r);
        }
        rec.log.push(RawEvent {
            dt: 0,
            actor: actor.0,
            op: Op {
                kind: ActionKind::Report,
                small: 0,
                aux,
                arg: holder.raw(),
            },
        });
        let tickets = &self.tickets;
        self.by_id
            .insert_unique(hash_str(new.id.as_str()), index, |i| {
                tickets
                    .get(*i as usize)
                    .map(|r| hash_str(r.id.as_str()))
                    .unwrap_or(0)
            });
        self.by_unit.entry(unit.raw()).or_default().push(index);
        // Reports usually come in time order: then this is a push.
        let entry = (at.unix_seconds(), index);
        let pos = self.by_report.partition_point(|e| *e <= entry);
        self.by_report.insert(pos, entry);
        self.tickets.push(rec);
        if mode.live && self.levels.is_some() {
            self.renew_deadlines(TicketKey(index), at);
        }
        Ok(TicketKey(index))
    }

    /// The error for a target outside the actor's territory or a department's jurisdiction.
    #[cold]
    fn out_of_jurisdiction(
        &self,
        rec: &Rec,
        actor: u32,
        action: ActionKind,
        target: NodeKey,
        reason: super::OutOfJurisdictionReason,
    ) -> TicketError {
        TicketError::OutOfJurisdiction {
            ticket: rec.id.to_string(),
            action,
            actor: self.actor_name(actor),
            target: self.node_name(target),
            reason,
        }
    }

    /// The error for a refusal of the guards.
    #[cold]
    fn denied(&self, rec: &Rec, actor: u32, action: ActionKind, denied: Denied) -> TicketError {
        match denied {
            Denied::Role(roles) => TicketError::Unauthorized {
                ticket: rec.id.to_string(),
                state: rec.state,
                action,
                actor: self.actor_name(actor),
                holder: self.node_name(rec.holder),
                allowed: roles,
            },
            Denied::Conflict(conflict) => TicketError::SeparationOfDuty {
                ticket: rec.id.to_string(),
                state: rec.state,
                action,
                actor: self.actor_name(actor),
                conflict,
            },
        }
    }

    /// Validates an action, then commits it through [`commit`], the same fold that replay
    /// uses. Nothing is changed before every check has passed.
    pub(crate) fn step(
        &mut self,
        key: TicketKey,
        actor: u32,
        at: Timestamp,
        action: &Action,
        mode: Mode,
    ) -> Result<TicketState, TicketError> {
        let (op, next, pending) = self.validate(key, actor, at, action, mode)?;
        let rec = self
            .tickets
            .get_mut(key.index())
            .ok_or_else(|| TicketError::UnknownTicket {
                ticket: format!("#{}", key.0),
            })?;
        let old_dues = rec.dues;
        let kind = action.kind();
        let whistling = matches!(
            kind,
            ActionKind::Whistle
                | ActionKind::SignWhistle
                | ActionKind::ReportWhistle
                | ActionKind::ReleaseWhistle
        );
        let old_summons = if whistling || !rec.summons().is_empty() {
            summons_dues(rec)
        } else {
            Vec::new()
        };
        let dt = at.seconds_since(Timestamp::EPOCH) - rec.t0;
        let event = RawEvent {
            dt: u32::try_from(dt).unwrap_or(0),
            actor,
            op,
        };
        commit(rec, event, next, pending);
        let (t0, dues, open) = (rec.t0, rec.dues, rec.state.is_open());
        let new_summons = if old_summons.is_empty() && !whistling {
            Vec::new()
        } else {
            summons_dues(rec)
        };
        let unsatisfied = matches!(
            action,
            Action::Visit {
                satisfaction: Satisfaction::Unsatisfied
            }
        );
        if old_dues != dues || !open {
            self.reindex(key, t0, old_dues, if open { dues } else { [NONE; 4] });
        }
        if let Action::Recheck { deadline, at } = action {
            if open {
                let due = (dues.get(*deadline as usize).copied())
                    .filter(|d| *d != NONE)
                    .map(|d| t0 + i64::from(d));
                self.recheck(key, *deadline as u8, due, at.map(Timestamp::unix_seconds));
            }
        }
        if old_summons != new_summons {
            for (t, k) in &old_summons {
                self.due.remove(&(*t, key.0, *k));
            }
            for (t, k) in &new_summons {
                self.due.insert((*t, key.0, *k));
            }
        }
        if !open {
            self.attention.remove(&key.0);
        } else if unsatisfied
            || matches!(
                kind,
                ActionKind::Return
                    | ActionKind::RecordRefusal
                    | ActionKind::Dispatch
                    | ActionKind::Whistle
                    | ActionKind::Reopen
            )
        {
            self.attention.insert(key.0);
        }
        if mode.live && self.levels.is_some() && moves_clocks(action.kind()) {
            self.renew_deadlines(key, at);
        }
        Ok(next)
    }

    /// Commits an event generated by the ledger itself (a renewed deadline), which is valid
    /// by construction in any open state.
    pub(super) fn commit_internal(&mut self, key: TicketKey, event: RawEvent) {
        let Some(rec) = self.tickets.get_mut(key.index()) else {
            return;
        };
        let old = rec.dues;
        let state = rec.state;
        commit(rec, event, state, Pending::default());
        let (t0, dues) = (rec.t0, rec.dues);
        self.reindex(key, t0, old, dues);
    }

    fn reindex(&mut self, key: TicketKey, t0: i64, old: [u32; 4], new: [u32; 4]) {
        for (kind, (o, n)) in old.iter().zip(new.iter()).enumerate() {
            if o == n {
                continue;
            }
            let kind = u8::try_from(kind).unwrap_or(0);
            if *o != NONE {
                self.unindex(key, kind, t0 + i64::from(*o));
            }
            if *n != NONE {
                self.due.insert((t0 + i64::from(*n), key.0, kind));
            }
        }
    }

    /// Removes a deadline's index entry, wherever a `recheck` moved it.
    fn unindex(&mut self, key: TicketKey, kind: u8, due: i64) {
        match self.rechecks.remove(&(key.0, kind)) {
            Some(moved) => {
                self.due.remove(&(moved, key.0, kind));
            }
            None => {
                self.due.remove(&(due, key.0, kind));
            }
        }
    }

    /// Moves a deadline's index entry to `at` (or out of the index).
    fn recheck(&mut self, key: TicketKey, kind: u8, due: Option<i64>, at: Option<i64>) {
        let Some(due) = due else { return };
        self.unindex(key, kind, due);
        let moved = at.unwrap_or(i64::MAX);
        self.rechecks.insert((key.0, kind), moved);
        if at.is_some() {
            self.due.insert((moved, key.0, kind));
        }
    }

    fn validate(
        &self,
        key: TicketKey,
        actor: u32,
        at: Timestamp,
        action: &Action,
        mode: Mode,
    ) -> Result<(Op, TicketState, Pending), TicketError> {
        let h = &*self.hierarchy;
        let rec = self
            .tickets
            .get(key.index())
            .ok_or_else(|| TicketError::UnknownTicket {
                ticket: format!("#{}", key.0),
            })?;
        let kind = action.kind();
        let ticket = || rec.id.to_string();
        let illegal = |reason: &'static str| TicketError::IllegalTransition {
            ticket: rec.id.to_string(),
            state: rec.state,
            action: kind,
            reason,
        };
        let invalid = |target: &str, reason: &'static str| TicketError::InvalidTarget {
            ticket: rec.id.to_string(),
            state: rec.state,
            action: kind,
            target: target.to_owned(),
            reason,
        };
        // Time.
        let dt = at.unix_seconds() - rec.t0;
        let last = rec.last_dt();
        if dt < i64::from(last) {
            return Err(TicketError::TimeWentBackwards {
                ticket: ticket(),
                last: rec.time(last),
                at,
            });
        }
        let to_dt = |t: Timestamp| -> Result<u32, TicketError> {
            u32::try_from(t.unix_seconds() - rec.t0)
                .ok()
                .filter(|v| *v != NONE)
                .ok_or_else(|| TicketError::TimeOutOfRange {
                    ticket: rec.id.to_string(),
                    at: t,
                })
        };
        let dt = to_dt(at)?;
        // The state machine.
        let summons = rec.summons();
        let facts = Facts {
            verification_pending: rec.has(FLAG_VERIFY_FIRST) && !rec.has(FLAG_VERIFIED_ON_SITE),
            verification_required: rec.has(FLAG_VERIFY_FIRST),
            whistle_outstanding: summons.iter().any(SummonsRec::outstanding),
            extension_pending: rec.has(FLAG_EXTENSION_PENDING),
            extended: rec.has(FLAG_EXTENDED),
            resume_to: rec.resume,
        };
        let next = next_state(rec.state, action, &facts).map_err(|r| match r {
            Refusal::Illegal(reason) => illegal(reason),
            Refusal::WhistleOutstanding => TicketError::WhistleOutstanding {
                ticket: ticket(),
                departments: summons
                    .iter()
                    .filter(|s| s.outstanding())
                    .map(|s| self.node_name(s.department))
                    .collect(),
            },
        })?;
        // Who may act: the authority's roles and separations (skipped for trusted
        // history). Replay never checks references to other tickets: a log written ticket
        // by ticket may name an original before its report.
        let live = mode.live;
        if mode.authorize {
            guard::authorize(h, &self.authority, rec, actor, kind)
                .map_err(|d| self.denied(rec, actor, kind, d))?;
        }
        let mut return_to = None;
        // The action's own data.
        let mut texts: Vec<Box<str>> = Vec::new();
        let mut new_summons: Vec<SummonsRec> = Vec::new();
        let base = rec.extra.as_ref().map(|x| x.texts.len()).unwrap_or(0);
        let mut text = |s: &str| -> Result<u32, TicketError> {
            check_text(rec.id.as_str(), s)?;
            if s.is_empty() {
                // An empty text is not stored: it reads back as absent.
                return Ok(NONE);
            }
            let i = base + texts.len();
            if i >= usize::from(NO_TEXT) {
                return Err(TicketError::TextTooLong {
                    ticket: rec.id.to_string(),
                    len: s.len(),
                });
            }
            texts.push(s.into());
            Ok(u32::try_from(i).unwrap_or(NONE))
        };
        let short = |i: u32| u16::try_from(i).unwrap_or(NO_TEXT);
        let node = |id: &NodeId| {
            h.key(id.as_str()).ok_or_else(|| TicketError::UnknownUnit {
                unit: id.to_string(),
            })
        };
        let op = |small: u8, aux: u16, arg: u32| Op {
            kind,
            small,
            aux,
            arg,
        };
        let op = match action {
            Action::Report(_) => return Err(illegal("the ticket already exists")),
            Action::ConfirmOnSite
            | Action::File
            | Action::Acknowledge
            | Action::Close
            | Action::Resume
            | Action::Unpark => op(0, NO_TEXT, NONE),
            Action::Reject { reason, note } => {
                let (code, first) = match reason {
                    RejectReason::Duplicate { of } => {
                        if of == &rec.id {
                            return Err(invalid(
                                of.as_str(),
                                "a ticket is not a duplicate of itself",
                            ));
                        }
                        if live {
                            self.require(of.as_str())?;
                        }
                        (0, text(of.as_str())?)
                    }
                    RejectReason::OutOfScope => (1, NONE),
                    RejectReason::InsufficientInformation => (2, NONE),
                };
                let note = match note {
                    Some(n) => short(text(n)?),
                    None => NO_TEXT,
                };
                op(code, note, first)
            }
            Action::Reopen { reason } => op(
                u8::from(rec.state == TicketState::Closed),
                NO_TEXT,
                opt_text(&mut text, reason)?,
            ),
            Action::Dispatch { to } => {
                let target = node(to)?;
                check_assignee(h, target).map_err(|reason| invalid(to.as_str(), reason))?;
                if mode.authorize {
                    let category = || {
                        self.taxonomy
                            .by_index(rec.category)
                            .map(|c| c.code.as_str())
                            .unwrap_or("")
                    };
                    guard::dispatchable(h, &self.authority, actor, rec.unit, category, target)
                        .map_err(|why| self.out_of_jurisdiction(rec, actor, kind, target, why))?;
                }
                op(0, NO_TEXT, target.raw())
            }
            Action::Return { reason } => op(0, NO_TEXT, text(reason)?),
            Action::Handle { outcome } => op(0, NO_TEXT, text(outcome)?),
            Action::Verify { passed, note } => {
                op(u8::from(*passed), NO_TEXT, opt_text(&mut text, note)?)
            }
            Action::Visit { satisfaction } => op(*satisfaction as u8, NO_TEXT, NONE),
            Action::Suspend { reason } | Action::Park { reason } => op(0, NO_TEXT, text(reason)?),
            Action::RequestExtension { until, reason } => {
                let due = rec.due(DeadlineKind::Handle);
                if due != NONE && dt > due {
                    return Err(TicketError::ExtensionTooLate {
                        ticket: ticket(),
                        due: rec.time(due),
                        at,
                    });
                }
                if *until <= at {
                    return Err(invalid(
                        &until.to_string(),
                        "an extension asks for a later deadline",
                    ));
                }
                let until = to_dt(*until)?;
                op(0, short(text(reason)?), until)
            }
            Action::DecideExtension { granted } => op(u8::from(*granted), NO_TEXT, NONE),
            Action::Merge { into } => {
                if into == &rec.id {
                    return Err(invalid(
                        into.as_str(),
                        "a ticket cannot be merged into itself",
                    ));
                }
                if live {
                    let other = self.require(into.as_str())?;
                    if self
                        .tickets
                        .get(other.index())
                        .is_some_and(|o| o.state == TicketState::Merged)
                    {
                        return Err(invalid(into.as_str(), "the original is itself merged"));
                    }
                }
                op(0, NO_TEXT, text(into.as_str())?)
            }
            Action::Escalate {
                to,
                return_to: back,
            } => {
                let target = match to {
                    Some(id) => node(id)?,
                    None => h.parent_key(rec.home).ok_or_else(|| {
                        invalid(
                            &self.node_name(rec.home),
                            "the responsible unit has no higher unit",
                        )
                    })?,
                };
                if target == rec.home || !h.is_within(rec.home, target) {
                    return Err(invalid(
                        &self.node_name(target),
                        "escalation goes to a unit above the responsible unit",
                    ));
                }
                let expected = guard::return_after_escalation(h, &self.authority, actor, target);
                return_to = match back {
                    // A recorded destination is kept on replay (the log says where returns
                    // went when it was written); a live caller must name the authority's.
                    Some(id) => {
                        let k = node(id)?;
                        if live && expected != Some(k) {
                            return Err(invalid(
                                id.as_str(),
                                "a return after an escalation goes where the authority says (returnAfterEscalation); leave returnTo out",
                            ));
                        }
                        Some(k)
                    }
                    // Absent: the authority's rule, unless the history is trusted (a log of
                    // the previous-holder rule records no destination).
                    None if mode.authorize => expected,
                    None => None,
                };
                // Where a return goes, in the op's spare bits (a node key below 2^24 - 2^17,
                // as every real hierarchy has) or, beyond, as a text.
                let (small, aux) = match return_to {
                    None => (0, NO_TEXT),
                    Some(k) => match pack_key(k.raw()) {
                        Some(packed) => packed,
                        None => (RETURN_TO_TEXT, short(text(self.node_name(k).as_str())?)),
                    },
                };
                op(small, aux, target.raw())
            }
            Action::Whistle {
                departments,
                sign_by,
                report_by,
            } => {
                if departments.is_empty() {
                    return Err(invalid("", "a whistle summons at least one department"));
                }
                let sign_due = sign_by.map(to_dt).transpose()?.unwrap_or(NONE);
                let report_due = report_by.map(to_dt).transpose()?.unwrap_or(NONE);
                for (i, d) in departments.iter().enumerate() {
                    let k = node(d)?;
                    if h.kind_of(k) != Some(NodeKind::Department) {
                        return Err(invalid(d.as_str(), "only departments are summoned"));
                    }
                    if mode.authorize {
                        guard::summonable(h, &self.authority, rec.unit, k)
                            .map_err(|why| self.out_of_jurisdiction(rec, actor, kind, k, why))?;
                    }
                    let repeated = departments.iter().take(i).any(|x| x == d)
                        || summons.iter().any(|s| s.department == k && s.outstanding());
                    if repeated {
                        return Err(invalid(d.as_str(), "the department is already summoned"));
                    }
                    new_summons.push(SummonsRec {
                        department: k,
                        summoned: dt,
                        sign_due,
                        report_due,
                        signed: NONE,
                        reported: NONE,
                        released: NONE,
                    });
                }
                let count = u16::try_from(new_summons.len()).unwrap_or(u16::MAX);
                op(0, count, u32::try_from(summons.len()).unwrap_or(NONE))
            }
            Action::SignWhistle => {
                if !summons
                    .iter()
                    .any(|s| s.department.raw() == actor && s.outstanding() && s.signed == NONE)
                {
                    return Err(illegal(
                        "the department has already signed for this whistle",
                    ));
                }
                op(0, NO_TEXT, NONE)
            }
            Action::ReportWhistle { note } => {
                if !summons
                    .iter()
                    .any(|s| s.department.raw() == actor && s.outstanding() && s.signed != NONE)
                {
                    return Err(illegal(
                        "the department must sign for the whistle (报到) before reporting, once",
                    ));
                }
                op(0, NO_TEXT, opt_text(&mut text, note)?)
            }
            Action::ReleaseWhistle { department } => {
                let k = node(department)?;
                if !summons.iter().any(|s| s.department == k && s.outstanding()) {
                    return Err(invalid(
                        department.as_str(),
                        "no outstanding summons of this department",
                    ));
                }
                op(0, NO_TEXT, k.raw())
            }
            Action::RecordRefusal { party, note } => {
                let party = text(party)?;
                let note = match note {
                    Some(n) => short(text(n)?),
                    None => NO_TEXT,
                };
                op(0, note, party)
            }
            Action::Supervise { note } => op(0, NO_TEXT, opt_text(&mut text, note)?),
            Action::Remind { deadline } => op(*deadline as u8, NO_TEXT, NONE),
            Action::SetDeadline { deadline, due } => op(*deadline as u8, NO_TEXT, to_dt(*due)?),
            Action::Recheck { deadline, at } => op(
                *deadline as u8,
                NO_TEXT,
                at.map(to_dt).transpose()?.unwrap_or(NONE),
            ),
            Action::RuleFired {
                rule,
                breach,
                subject,
            } => {
                if rule.is_empty() {
                    return Err(invalid("", "a rule has a name"));
                }
                let breach = to_dt(*breach)?;
                let name = short(text(rule)?);
                match subject {
                    Some(s) => {
                        text(s.as_str())?;
                        op(1, name, breach)
                    }
                    None => op(0, name, breach),
                }
            }
        };
        Ok((
            op,
            next,
            Pending {
                texts,
                summons: new_summons,
                return_to,
            },
        ))
    }

    pub(crate) fn node_name(&self, key: NodeKey) -> String {
        self.hierarchy
            .id(key)
            .map(|id| id.to_string())
            .unwrap_or_else(|| format!("#{}", key.raw()))
    }

    pub(crate) fn actor_name(&self, actor: u32) -> String {
        if actor == SYSTEM {
            super::SYSTEM_ACTOR.to_owned()
        } else {
            self.node_name(NodeKey::from_index(actor))
        }
    }

    fn node_id(&self, key: NodeKey) -> NodeId {
        self.hierarchy
            .id(key)
            .cloned()
            .unwrap_or_else(|| NodeId::unchecked(format!("#{}", key.raw())))
    }

    fn actor(&self, actor: u32) -> Actor {
        if actor == SYSTEM {
            Actor::System
        } else {
            Actor::Node(self.node_id(NodeKey::from_index(actor)))
        }
    }

    /// The events of a ticket, in order.
    pub fn events(&self, id: &str) -> Result<Vec<Event>, TicketError> {
        let key = self.require(id)?;
        Ok(self.events_of(key).collect())
    }

    /// The events of a ticket by key.
    pub fn events_of(&self, key: TicketKey) -> impl Iterator<Item = Event> + '_ {
        let rec = self.tickets.get(key.index());
        rec.into_iter().flat_map(move |rec| {
            rec.log
                .iter()
                .enumerate()
                .map(move |(seq, ev)| self.decode(rec, seq, ev))
        })
    }

    /// An estimate of the heap memory held by the tickets (logs, texts, summons, the id
    /// index and the deadline index), in bytes, excluding the shared hierarchy and taxonomy.
    pub fn heap_size(&self) -> usize {
        use std::mem::size_of;
        let tickets: usize = self
            .tickets
            .iter()
            .map(|r| {
                r.id.as_str().len()
                    + r.log.capacity() * size_of::<RawEvent>()
                    + r.extra.as_ref().map_or(0, |x| {
                        size_of::<Extra>()
                            + x.texts.capacity() * size_of::<Box<str>>()
                            + x.texts.iter().map(|t| t.len()).sum::<usize>()
                            + x.summons.capacity() * size_of::<SummonsRec>()
                    })
            })
            .sum();
        tickets
            + self.tickets.capacity() * size_of::<Rec>()
            + self.by_id.capacity() * (size_of::<u32>() + 1)
            + self.due.len() * (size_of::<(i64, u32, u8)>() + 8)
            + self.by_report.capacity() * size_of::<(i64, u32)>()
            + self
                .by_unit
                .values()
                .map(|v| v.capacity() * 4 + 32)
                .sum::<usize>()
            + self.attention.len() * 8
    }

    /// Every event of every ticket, ticket by ticket in insertion order.
    pub fn all_events(&self) -> impl Iterator<Item = Event> + '_ {
        (0..self.tickets.len())
            .flat_map(move |i| self.events_of(TicketKey(u32::try_from(i).unwrap_or(u32::MAX))))
    }

    /// The number of events of all tickets.
    pub fn event_count(&self) -> usize {
        self.tickets.iter().map(|r| r.log.len()).sum()
    }

    fn decode(&self, rec: &Rec, seq: usize, ev: &RawEvent) -> Event {
        let op = ev.op;
        let text = |i: u32| rec.text(i).unwrap_or_default().to_owned();
        let opt = |i: u32| rec.text(i).map(str::to_owned);
        let id =
            |i: u32| TicketId::new(rec.text(i).unwrap_or("?")).unwrap_or_else(|_| rec.id.clone());
        let node = |k: u32| self.node_id(NodeKey::from_index(k));
        let at = |dt: u32| rec.time(dt);
        let action = match op.kind {
            ActionKind::Report => Action::Report(Box::new(NewTicket {
                id: rec.id.clone(),
                category: self
                    .taxonomy
                    .by_index(rec.category)
                    .map(|c| c.code.clone())
                    .unwrap_or_default(),
                channel: rec.channel,
                unit: node(rec.unit.raw()),
                holder: Some(node(op.arg)),
                reporter: self.reporters.get(rec.reporter).map(str::to_owned),
                priority: rec.priority,
                request_type: rec.request_type,
                verify_first: rec.has(FLAG_VERIFY_FIRST),
                description: opt(u32::from(op.aux)),
            })),
            ActionKind::ConfirmOnSite => Action::ConfirmOnSite,
            ActionKind::File => Action::File,
            ActionKind::Reject => Action::Reject {
                reason: match op.small {
                    0 => RejectReason::Duplicate { of: id(op.arg) },
                    1 => RejectReason::OutOfScope,
                    _ => RejectReason::InsufficientInformation,
                },
                note: opt(u32::from(op.aux)),
            },
            ActionKind::Reopen => Action::Reopen {
                reason: opt(op.arg),
            },
            ActionKind::Dispatch => Action::Dispatch { to: node(op.arg) },
            ActionKind::Acknowledge => Action::Acknowledge,
            ActionKind::Return => Action::Return {
                reason: text(op.arg),
            },
            ActionKind::Handle => Action::Handle {
                outcome: text(op.arg),
            },
            ActionKind::Verify => Action::Verify {
                passed: op.small != 0,
                note: opt(op.arg),
            },
            ActionKind::Visit => Action::Visit {
                satisfaction: Satisfaction::from_u8(op.small),
            },
            ActionKind::Close => Action::Close,
            ActionKind::Suspend => Action::Suspend {
                reason: text(op.arg),
            },
            ActionKind::Resume => Action::Resume,
            ActionKind::RequestExtension => Action::RequestExtension {
                until: at(op.arg),
                reason: text(u32::from(op.aux)),
            },
            ActionKind::DecideExtension => Action::DecideExtension {
                granted: op.small != 0,
            },
            ActionKind::Park => Action::Park {
                reason: text(op.arg),
            },
            ActionKind::Unpark => Action::Unpark,
            ActionKind::Merge => Action::Merge { into: id(op.arg) },
            ActionKind::Escalate => Action::Escalate {
                to: Some(node(op.arg)),
                return_to: match (op.small, unpack_key(op.small, op.aux)) {
                    (RETURN_TO_TEXT, _) => rec
                        .text(u32::from(op.aux))
                        .and_then(|s| NodeId::new(s).ok()),
                    (_, key) => key.map(node),
                },
            },
            ActionKind::Whistle => {
                let batch: Vec<&SummonsRec> = rec
                    .summons()
                    .iter()
                    .skip(op.arg as usize)
                    .take(usize::from(op.aux))
                    .collect();
                let first = batch.first();
                Action::Whistle {
                    departments: batch.iter().map(|s| node(s.department.raw())).collect(),
                    sign_by: first.and_then(|s| rec.opt_time(s.sign_due)),
                    report_by: first.and_then(|s| rec.opt_time(s.report_due)),
                }
            }
            ActionKind::SignWhistle => Action::SignWhistle,
            ActionKind::ReportWhistle => Action::ReportWhistle { note: opt(op.arg) },
            ActionKind::ReleaseWhistle => Action::ReleaseWhistle {
                department: node(op.arg),
            },
            ActionKind::RecordRefusal => Action::RecordRefusal {
                party: text(op.arg),
                note: opt(u32::from(op.aux)),
            },
            ActionKind::Supervise => Action::Supervise { note: opt(op.arg) },
            ActionKind::Remind => Action::Remind {
                deadline: DeadlineKind::from_u8(op.small),
            },
            ActionKind::Recheck => Action::Recheck {
                deadline: DeadlineKind::from_u8(op.small),
                at: rec.opt_time(op.arg),
            },
            ActionKind::RuleFired => Action::RuleFired {
                rule: text(u32::from(op.aux)),
                breach: at(op.arg),
                subject: (op.small != 0)
                    .then(|| rec.text(u32::from(op.aux) + 1))
                    .flatten()
                    .and_then(|s| NodeId::new(s).ok()),
            },
            ActionKind::SetDeadline => Action::SetDeadline {
                deadline: DeadlineKind::from_u8(op.small),
                due: at(op.arg),
            },
        };
        Event {
            ticket: rec.id.clone(),
            seq: u32::try_from(seq).unwrap_or(u32::MAX),
            at: at(ev.dt),
            actor: self.actor(ev.actor),
            action,
        }
    }

    /// Rebuilds a ledger from events (of any number of tickets, interleaved or not), applying
    /// each through the same transition function as live actions, under the default
    /// authority with every event checked ([`Trust::Checked`]). Each ticket's events must
    /// start with its report and come in `seq` order. See [`Ledger::replay_into`] for another
    /// authority or a trusted history.
    pub fn replay(
        hierarchy: Arc<Hierarchy>,
        taxonomy: Arc<Taxonomy>,
        events: impl IntoIterator<Item = Event>,
    ) -> Result<Ledger, ReplayError> {
        let mut ledger = Ledger::new(hierarchy, taxonomy);
        ledger.replay_into(events, Trust::Checked)?;
        Ok(ledger)
    }

    /// Appends logged events to this ledger, under its authority and with the given trust
    /// (see [`Trust`]): the lifecycle (states, targets, times) is always checked, the
    /// authority unless the history is trusted; references to other tickets (duplicates,
    /// merges) are not. Stops at the first refused event; the events before it stay applied.
    pub fn replay_into(
        &mut self,
        events: impl IntoIterator<Item = Event>,
        trust: Trust,
    ) -> Result<(), ReplayError> {
        for (position, event) in events.into_iter().enumerate() {
            self.replay_event(&event, trust)
                .map_err(|error| ReplayError { position, error })?;
        }
        Ok(())
    }

    /// Appends one logged event, checked against the authority (see [`Ledger::replay_into`]).
    pub fn replay_one(&mut self, event: &Event) -> Result<TicketState, TicketError> {
        self.replay_event(event, Trust::Checked)
    }

    /// Appends one logged event with the given trust (see [`Trust`]).
    pub fn replay_event(
        &mut self,
        event: &Event,
        trust: Trust,
    ) -> Result<TicketState, TicketError> {
        let mode = Mode::replay(trust);
        let actor = match &event.actor {
            Actor::System => ActorKey::SYSTEM,
            Actor::Node(id) => {
                ActorKey::node(self.hierarchy.key_ever(id.as_str()).ok_or_else(|| {
                    TicketError::UnknownActor {
                        actor: id.to_string(),
                    }
                })?)
            }
        };
        let expected = self
            .key(event.ticket.as_str())
            .and_then(|k| self.tickets.get(k.index()))
            .map(|r| r.log.len())
            .unwrap_or(0);
        if usize::try_from(event.seq).ok() != Some(expected) {
            return Err(TicketError::IllegalTransition {
                ticket: event.ticket.to_string(),
                state: self
                    .get(event.ticket.as_str())
                    .map(|t| t.state())
                    .unwrap_or(TicketState::Reported),
                action: event.action.kind(),
                reason: "events must come in sequence, starting with the report",
            });
        }
        match &event.action {
            Action::Report(new) => {
                if new.id != event.ticket {
                    return Err(TicketError::InvalidTicketId {
                        ticket: event.ticket.to_string(),
                        reason: "a report must carry the ticket's own id",
                    });
                }
                self.report_key(new, actor, event.at, mode)
                    .map(|_| TicketState::Reported)
            }
            action => {
                let key = self.require(event.ticket.as_str())?;
                self.step(key, actor.0, event.at, action, mode)
            }
        }
    }
}

/// A replay stopped at an event that the lifecycle refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("event {position} (0-based) was refused: {error}")]
pub struct ReplayError {
    /// The position of the refused event in the input (0-based).
    pub position: usize,
    /// Why it was refused.
    pub error: TicketError,
}

fn opt_text(
    text: &mut impl FnMut(&str) -> Result<u32, TicketError>,
    value: &Option<String>,
) -> Result<u32, TicketError> {
    match value {
        Some(s) => text(s),
        None => Ok(NONE),
    }
}

fn check_text(ticket: &str, s: &str) -> Result<(), TicketError> {
    if s.len() > MAX_TEXT_LEN {
        Err(TicketError::TextTooLong {
            ticket: ticket.to_owned(),
            len: s.len(),
        })
    } else {
        Ok(())
    }
}

/// Whether a node can hold a ticket: anything but a compound, a building or a centre.
fn check_assignee(h: &Hierarchy, key: NodeKey) -> Result<(), &'static str> {
    match h.kind_of(key) {
        Some(NodeKind::Compound | NodeKind::Building) => {
            Err("a compound or a building cannot hold a ticket; dispatch to who serves it")
        }
        Some(k) if k.is_centre() => Err(
            "a centre supervises and commands; it does not hold tickets (dispatch to a unit, department or person)",
        ),
        Some(_) => Ok(()),
        None => Err("unknown node"),
    }
}

/// The fold: applies one validated event to a ticket. Live actions and replay both come
/// through here, so a ticket's state is exactly the fold of its log.
fn commit(rec: &mut Rec, ev: RawEvent, next: TicketState, pending: Pending) {
    let prev = rec.state;
    let op = ev.op;
    let key = |v: u32| NodeKey::from_index(v);
    let mut summons = pending.summons;
    match op.kind {
        ActionKind::Report
        | ActionKind::File
        | ActionKind::Reject
        | ActionKind::Acknowledge
        | ActionKind::Handle
        | ActionKind::Verify
        | ActionKind::Close
        | ActionKind::Park
        | ActionKind::Unpark
        | ActionKind::Merge => {}
        ActionKind::ConfirmOnSite => rec.flags |= FLAG_VERIFIED_ON_SITE,
        ActionKind::Reopen => {
            if op.small != 0 {
                rec.reopens = rec.reopens.saturating_add(1);
            }
        }
        ActionKind::Dispatch => {
            rec.dispatcher = rec.holder.raw();
            rec.holder = key(op.arg);
        }
        ActionKind::Return => {
            rec.holder = if rec.dispatcher == NONE {
                rec.home
            } else {
                key(rec.dispatcher)
            };
            rec.dispatcher = NONE;
            rec.returns = rec.returns.saturating_add(1);
        }
        ActionKind::Visit => {
            rec.satisfaction = op.small;
            if next == TicketState::InProgress {
                rec.reopens = rec.reopens.saturating_add(1);
            }
        }
        ActionKind::Suspend => rec.resume = prev,
        ActionKind::Resume => {
            // The clock was paused: move every deadline by the time spent suspended.
            let since = rec
                .log
                .iter()
                .rev()
                .find(|e| e.op.kind == ActionKind::Suspend)
                .map(|e| e.dt)
                .unwrap_or(ev.dt);
            let paused = ev.dt.saturating_sub(since);
            for due in rec.dues.iter_mut().filter(|d| **d != NONE) {
                *due = due.saturating_add(paused).min(NONE - 1);
            }
        }
        ActionKind::RequestExtension => rec.flags |= FLAG_EXTENSION_PENDING,
        ActionKind::DecideExtension => {
            rec.flags &= !FLAG_EXTENSION_PENDING;
            if op.small != 0 {
                rec.flags |= FLAG_EXTENDED;
                let until = rec
                    .log
                    .iter()
                    .rev()
                    .find(|e| e.op.kind == ActionKind::RequestExtension)
                    .map(|e| e.op.arg);
                if let (Some(until), Some(due)) =
                    (until, rec.dues.get_mut(DeadlineKind::Handle as usize))
                {
                    *due = until;
                }
            }
        }
        ActionKind::Escalate => {
            // A return goes where the authority said when the escalation was recorded; under
            // the rule of earlier versions, back to the previous holder.
            rec.dispatcher = pending.return_to.map_or(rec.holder.raw(), NodeKey::raw);
            rec.holder = key(op.arg);
            rec.home = key(op.arg);
            rec.escalations = rec.escalations.saturating_add(1);
        }
        ActionKind::Whistle => {}
        ActionKind::SignWhistle | ActionKind::ReportWhistle => {
            let signing = op.kind == ActionKind::SignWhistle;
            if let Some(extra) = rec.extra.as_mut() {
                if let Some(s) = extra.summons.iter_mut().find(|s| {
                    s.department.raw() == ev.actor
                        && s.outstanding()
                        && (s.signed == NONE) == signing
                }) {
                    if signing {
                        s.signed = ev.dt;
                    } else {
                        s.reported = ev.dt;
                    }
                }
            }
        }
        ActionKind::ReleaseWhistle => {
            if let Some(extra) = rec.extra.as_mut() {
                if let Some(s) = extra
                    .summons
                    .iter_mut()
                    .find(|s| s.department.raw() == op.arg && s.outstanding())
                {
                    s.released = ev.dt;
                }
            }
        }
        ActionKind::RecordRefusal => rec.refusals = rec.refusals.saturating_add(1),
        ActionKind::Supervise => rec.flags |= FLAG_SUPERVISED,
        ActionKind::Remind => rec.reminders = rec.reminders.saturating_add(1),
        ActionKind::SetDeadline => {
            if let Some(due) = rec.dues.get_mut(usize::from(op.small)) {
                *due = op.arg;
            }
        }
        ActionKind::RuleFired | ActionKind::Recheck => {}
    }
    if !pending.texts.is_empty() || !summons.is_empty() {
        let extra = rec.extra.get_or_insert_with(Box::default);
        extra.texts.extend(pending.texts);
        extra.summons.append(&mut summons);
    }
    rec.state = next;
    rec.log.push(ev);
}

/// What the evaluation metrics need to know about a ticket ([`TicketView::facts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketFacts {
    /// When it was reported.
    pub reported_at: Timestamp,
    /// Its state now.
    pub state: TicketState,
    /// Whether it was ever filed (立案).
    pub filed: bool,
    /// When it was closed, if it is closed now.
    pub closed_at: Option<Timestamp>,
    /// Its closing deadline: the reply deadline, or the handling deadline if it has none.
    pub closing_due: Option<Timestamp>,
    /// Its first dispatch.
    pub first_dispatch: Option<Timestamp>,
    /// Its first handling after the first dispatch.
    pub first_handled: Option<Timestamp>,
    /// Its first signing for a dispatch (签收).
    pub first_acknowledged: Option<Timestamp>,
    /// The acknowledgement deadline in force when it was first signed for.
    pub acknowledge_due: Option<Timestamp>,
    /// The satisfaction recorded at its last return visit.
    pub last_visit: Option<Satisfaction>,
    /// Times returned.
    pub returns: u32,
    /// Times reopened.
    pub reopens: u32,
    /// Times escalated.
    pub escalations: u32,
    /// Departments summoned (whistles).
    pub summons: u32,
}

/// A read-only view of one ticket.
#[derive(Debug, Clone, Copy)]
pub struct TicketView<'a> {
    ledger: &'a Ledger,
    key: TicketKey,
    rec: &'a Rec,
}

impl<'a> TicketView<'a> {
    /// The id.
    pub fn id(&self) -> &'a TicketId {
        &self.rec.id
    }

    /// The key in its ledger.
    pub fn key(&self) -> TicketKey {
        self.key
    }

    /// The current state.
    pub fn state(&self) -> TicketState {
        self.rec.state
    }

    /// The category code.
    pub fn category(&self) -> &'a str {
        self.ledger
            .taxonomy
            .by_index(self.rec.category)
            .map(|c| c.code.as_str())
            .unwrap_or("")
    }

    /// The dense category index in the ledger's taxonomy.
    pub fn category_index(&self) -> u16 {
        self.rec.category
    }

    /// The unit where it arose.
    pub fn unit(&self) -> NodeKey {
        self.rec.unit
    }

    /// Who holds it now.
    pub fn holder(&self) -> NodeKey {
        self.rec.holder
    }

    /// The responsible territorial unit (属地).
    pub fn responsible_unit(&self) -> NodeKey {
        self.rec.home
    }

    /// When it was reported.
    pub fn reported_at(&self) -> Timestamp {
        self.rec.time(0)
    }

    /// When its last event happened.
    pub fn updated_at(&self) -> Timestamp {
        self.rec.time(self.rec.last_dt())
    }

    /// A deadline, if set.
    pub fn deadline(&self, kind: DeadlineKind) -> Option<Timestamp> {
        self.rec.opt_time(self.rec.due(kind))
    }

    /// The number of events in its log.
    pub fn event_count(&self) -> usize {
        self.rec.log.len()
    }

    /// Its events, in order.
    pub fn events(&self) -> impl Iterator<Item = Event> + 'a {
        let (ledger, rec) = (self.ledger, self.rec);
        rec.log
            .iter()
            .enumerate()
            .map(move |(seq, ev)| ledger.decode(rec, seq, ev))
    }

    /// The times of its events of one kind, in order.
    pub fn times_of(&self, kind: ActionKind) -> impl Iterator<Item = Timestamp> + 'a {
        let rec = self.rec;
        rec.log
            .iter()
            .filter(move |e| e.op.kind == kind)
            .map(move |e| rec.time(e.dt))
    }

    /// The time of its last event of one kind.
    pub fn last_time_of(&self, kind: ActionKind) -> Option<Timestamp> {
        let rec = self.rec;
        rec.log
            .iter()
            .rev()
            .find(|e| e.op.kind == kind)
            .map(|e| rec.time(e.dt))
    }

    /// The time of its last unsatisfied return visit.
    pub fn last_unsatisfied_visit(&self) -> Option<Timestamp> {
        let rec = self.rec;
        rec.log
            .iter()
            .rev()
            .find(|e| {
                e.op.kind == ActionKind::Visit && e.op.small == Satisfaction::Unsatisfied as u8
            })
            .map(|e| rec.time(e.dt))
    }

    /// Everyone it was dispatched or escalated to, in order.
    pub fn assignees(&self) -> impl Iterator<Item = NodeKey> + 'a {
        self.rec
            .log
            .iter()
            .filter(|e| matches!(e.op.kind, ActionKind::Dispatch | ActionKind::Escalate))
            .map(|e| NodeKey::from_index(e.op.arg))
    }

    /// The departments summoned that have neither reported nor been released.
    pub fn outstanding_summons(&self) -> impl Iterator<Item = NodeKey> + 'a {
        self.rec
            .summons()
            .iter()
            .filter(|s| s.outstanding())
            .map(|s| s.department)
    }

    /// The departments it summoned, in order (with repeats).
    pub fn summoned(&self) -> impl Iterator<Item = NodeKey> + 'a {
        self.rec.summons().iter().map(|s| s.department)
    }

    /// Whether a `rule_fired` event records this rule, breach and subject.
    pub fn has_fired(&self, rule: &str, breach: Timestamp, subject: Option<&str>) -> bool {
        let rec = self.rec;
        rec.log.iter().any(|e| {
            e.op.kind == ActionKind::RuleFired
                && rec.time(e.op.arg) == breach
                && rec.text(u32::from(e.op.aux)) == Some(rule)
                && match subject {
                    Some(s) => e.op.small != 0 && rec.text(u32::from(e.op.aux) + 1) == Some(s),
                    None => e.op.small == 0,
                }
        })
    }

    /// How urgent it is.
    pub fn priority(&self) -> super::Priority {
        self.rec.priority
    }

    /// What is asked for.
    pub fn request_type(&self) -> super::RequestType {
        self.rec.request_type
    }

    /// Times returned (退单).
    pub fn returns(&self) -> u32 {
        u32::from(self.rec.returns)
    }

    /// Times escalated.
    pub fn escalations(&self) -> u32 {
        u32::from(self.rec.escalations)
    }

    /// Its deadlines as recorded.
    pub fn deadlines(&self) -> Deadlines {
        let rec = self.rec;
        Deadlines {
            acknowledge: rec.opt_time(rec.due(DeadlineKind::Acknowledge)),
            handle: rec.opt_time(rec.due(DeadlineKind::Handle)),
            verify: rec.opt_time(rec.due(DeadlineKind::Verify)),
            reply: rec.opt_time(rec.due(DeadlineKind::Reply)),
        }
    }

    /// The facts the evaluation metrics count, from one pass over the log.
    pub fn facts(&self) -> TicketFacts {
        let rec = self.rec;
        let mut f = TicketFacts {
            reported_at: rec.time(0),
            state: rec.state,
            filed: false,
            closed_at: None,
            closing_due: None,
            first_dispatch: None,
            first_handled: None,
            first_acknowledged: None,
            acknowledge_due: None,
            last_visit: None,
            returns: u32::from(rec.returns),
            reopens: u32::from(rec.reopens),
            escalations: u32::from(rec.escalations),
            summons: u32::try_from(rec.summons().len()).unwrap_or(u32::MAX),
        };
        let mut ack_due = NONE;
        for e in &rec.log {
            match e.op.kind {
                ActionKind::File => f.filed = true,
                ActionKind::Dispatch if f.first_dispatch.is_none() => {
                    f.first_dispatch = Some(rec.time(e.dt))
                }
                ActionKind::Handle if f.first_dispatch.is_some() && f.first_handled.is_none() => {
                    f.first_handled = Some(rec.time(e.dt))
                }
                ActionKind::SetDeadline if e.op.small == DeadlineKind::Acknowledge as u8 => {
                    ack_due = e.op.arg
                }
                ActionKind::Acknowledge if f.first_acknowledged.is_none() => {
                    f.first_acknowledged = Some(rec.time(e.dt));
                    f.acknowledge_due = rec.opt_time(ack_due);
                }
                ActionKind::Visit => f.last_visit = Some(Satisfaction::from_u8(e.op.small)),
                ActionKind::Close => {}
                _ => {}
            }
            let closes = matches!(e.op.kind, ActionKind::Close)
                || (e.op.kind == ActionKind::Visit
                    && e.op.small != Satisfaction::Unsatisfied as u8);
            if closes {
                f.closed_at = Some(rec.time(e.dt));
            }
        }
        if rec.state != TicketState::Closed {
            f.closed_at = None;
        }
        let reply = rec.due(DeadlineKind::Reply);
        let due = if reply != NONE {
            reply
        } else {
            rec.due(DeadlineKind::Handle)
        };
        f.closing_due = rec.opt_time(due);
        f
    }

    /// Every fact about the ticket as plain data.
    pub fn snapshot(&self) -> TicketSnapshot {
        let rec = self.rec;
        let l = self.ledger;
        let ended = (!rec.state.is_open()).then(|| rec.time(rec.last_dt()));
        let deadlines = Deadlines {
            acknowledge: rec.opt_time(rec.due(DeadlineKind::Acknowledge)),
            handle: rec.opt_time(rec.due(DeadlineKind::Handle)),
            verify: rec.opt_time(rec.due(DeadlineKind::Verify)),
            reply: rec.opt_time(rec.due(DeadlineKind::Reply)),
        };
        let merged_into = rec
            .log
            .iter()
            .rev()
            .find(|e| e.op.kind == ActionKind::Merge)
            .filter(|_| rec.state == TicketState::Merged)
            .and_then(|e| rec.text(e.op.arg))
            .and_then(|s| TicketId::new(s).ok());
        TicketSnapshot {
            id: rec.id.clone(),
            state: rec.state,
            category: self.category().to_owned(),
            channel: rec.channel,
            priority: rec.priority,
            request_type: rec.request_type,
            unit: l.node_id(rec.unit),
            holder: l.node_id(rec.holder),
            responsible_unit: l.node_id(rec.home),
            dispatcher: (rec.dispatcher != NONE)
                .then(|| l.node_id(NodeKey::from_index(rec.dispatcher))),
            reporter: l.reporters.get(rec.reporter).map(str::to_owned),
            description: rec
                .log
                .first()
                .and_then(|e| rec.text(u32::from(e.op.aux)))
                .map(str::to_owned),
            reported_at: rec.time(0),
            updated_at: rec.time(rec.last_dt()),
            ended_at: ended,
            satisfaction: (rec.satisfaction != u8::MAX)
                .then(|| Satisfaction::from_u8(rec.satisfaction)),
            suspended_from: (rec.state == TicketState::Suspended).then_some(rec.resume),
            verify_first: rec.has(FLAG_VERIFY_FIRST),
            verified_on_site: rec.has(FLAG_VERIFIED_ON_SITE),
            supervised: rec.has(FLAG_SUPERVISED),
            extension_pending: rec.has(FLAG_EXTENSION_PENDING),
            extended: rec.has(FLAG_EXTENDED),
            returns: u32::from(rec.returns),
            reopens: u32::from(rec.reopens),
            escalations: u32::from(rec.escalations),
            reminders: u32::from(rec.reminders),
            refusals: u32::from(rec.refusals),
            deadlines,
            summons: rec
                .summons()
                .iter()
                .map(|s| Summons {
                    department: l.node_id(s.department),
                    summoned_at: rec.time(s.summoned),
                    sign_by: rec.opt_time(s.sign_due),
                    report_by: rec.opt_time(s.report_due),
                    signed_at: rec.opt_time(s.signed),
                    reported_at: rec.opt_time(s.reported),
                    released_at: rec.opt_time(s.released),
                })
                .collect(),
            merged_into,
            events: u32::try_from(rec.log.len()).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{pack_key, unpack_key, RETURN_TO_TEXT};

    #[test]
    fn node_keys_pack_into_spare_bits_or_fall_back_to_text() {
        for key in [0, 1, 0xFFFF, 0x1_0000, 0xABCDE, 0xFD_FFFF] {
            let (small, aux) = pack_key(key).expect("fits");
            assert!(small != 0 && small != RETURN_TO_TEXT);
            assert_eq!(unpack_key(small, aux), Some(key));
        }
        for key in [0xFE_0000, 0xFF_FFFF, u32::MAX - 1] {
            assert_eq!(pack_key(key), None, "{key:#x} is stored as text");
        }
        assert_eq!(unpack_key(0, 0), None);
        assert_eq!(unpack_key(RETURN_TO_TEXT, 3), None);
    }
}

crate::names::deserialize_by_name!(Trust { Checked = "checked", History = "history" });
