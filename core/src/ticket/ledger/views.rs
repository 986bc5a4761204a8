//! Reading tickets: [`TicketView`] over a ticket's stored record, its [`TicketFacts`], and the
//! events of one ticket or of the whole ledger.

use super::*;

impl Ledger {
    /// The events of a ticket, in order.
    pub fn events(&self, id: &str) -> Result<Vec<Event>, TicketError> {
        let key = self.require(id)?;
        Ok(self.events_of(key).collect())
    }

    /// The events of a ticket by key.
    pub fn events_of(&self, key: TicketKey) -> impl Iterator<Item = Event> + '_ {
        let rec = self.tickets.get(key.index());
        rec.into_iter().flat_map(move |rec| {
            rec.events()
                .iter()
                .enumerate()
                .map(move |(seq, ev)| self.decode(rec, seq, ev))
        })
    }

    /// An estimate of the heap memory held by the tickets (logs, texts, summons, the id
    /// index, the deadline index, and the tables of reporters and of rule names), in bytes,
    /// excluding the shared hierarchy and taxonomy.
    pub fn heap_size(&self) -> usize {
        use std::mem::size_of;
        let tickets: usize = self
            .tickets
            .iter()
            .map(|r| {
                // Ids of up to 24 bytes live inside the record.
                (if r.id.0.is_heap_allocated() {
                    r.id.0.capacity()
                } else {
                    0
                }) + r.log.capacity() * size_of::<RawEvent>()
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
            + self.due.heap_size()
            + self.by_report.capacity() * size_of::<u32>()
            + self
                .by_unit
                .values()
                .map(|v| v.capacity() * 4 + 32)
                .sum::<usize>()
            + self.attention.heap_size()
            + self.reporters.heap_size()
            + self.rule_names.heap_size()
    }

    /// Every event of every ticket, ticket by ticket in insertion order.
    pub fn all_events(&self) -> impl Iterator<Item = Event> + '_ {
        (0..self.tickets.len())
            .flat_map(move |i| self.events_of(TicketKey(u32::try_from(i).unwrap_or(u32::MAX))))
    }

    /// The number of events of all tickets.
    pub fn event_count(&self) -> usize {
        self.tickets.iter().map(|r| r.events().len()).sum()
    }
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
    pub(in crate::ticket) ledger: &'a Ledger,
    pub(in crate::ticket) key: TicketKey,
    pub(in crate::ticket) rec: &'a Rec,
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
        self.rec.events().len()
    }

    /// Its events, in order.
    pub fn events(&self) -> impl Iterator<Item = Event> + 'a {
        let (ledger, rec) = (self.ledger, self.rec);
        rec.events()
            .iter()
            .enumerate()
            .map(move |(seq, ev)| ledger.decode(rec, seq, ev))
    }

    /// The times of its events of one kind, in order.
    pub fn times_of(&self, kind: ActionKind) -> impl Iterator<Item = Timestamp> + 'a {
        let rec = self.rec;
        rec.events()
            .iter()
            .filter(move |e| e.op.kind == kind)
            .map(move |e| rec.time(e.dt))
    }

    /// The time of its last event of one kind.
    pub fn last_time_of(&self, kind: ActionKind) -> Option<Timestamp> {
        let rec = self.rec;
        rec.events()
            .iter()
            .rev()
            .find(|e| e.op.kind == kind)
            .map(|e| rec.time(e.dt))
    }

    /// The time of its last unsatisfied return visit.
    pub fn last_unsatisfied_visit(&self) -> Option<Timestamp> {
        let rec = self.rec;
        rec.events()
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
            .events()
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
        // Looked up once, on the first firing at this breach.
        let mut in_table = None;
        rec.events().iter().any(|e| {
            e.op.kind == ActionKind::RuleFired
                && rec.time(e.op.arg) == breach
                && match (subject, e.op.small) {
                    (Some(s), RULE_WITH_SUBJECT) => {
                        rec.text(u32::from(e.op.aux)) == Some(rule)
                            && rec.text(u32::from(e.op.aux) + 1) == Some(s)
                    }
                    (None, RULE_BY_NAME_TABLE) => {
                        *in_table.get_or_insert_with(|| self.ledger.rule_names.find(rule))
                            == Some(u32::from(e.op.aux))
                    }
                    (None, RULE_IN_TEXTS) => rec.text(u32::from(e.op.aux)) == Some(rule),
                    _ => false,
                }
        })
    }

    /// How urgent it is.
    pub fn priority(&self) -> crate::ticket::Priority {
        self.rec.priority
    }

    /// What is asked for.
    pub fn request_type(&self) -> crate::ticket::RequestType {
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
        for e in rec.events().iter() {
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
                ActionKind::Import => {
                    let state = TicketState::from_u8(e.op.small);
                    f.filed |= !matches!(state, TicketState::Reported | TicketState::Rejected);
                }
                _ => {}
            }
            let closes = matches!(e.op.kind, ActionKind::Close)
                || (e.op.kind == ActionKind::Import && e.op.small == TicketState::Closed as u8)
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
            .events()
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
                .events()
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
            events: u32::try_from(rec.events().len()).unwrap_or(u32::MAX),
        }
    }
}
