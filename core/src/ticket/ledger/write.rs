//! The write path: reporting a ticket, applying an action ([`Ledger::step`]: validate, then
//! [`commit`]), and the fold that live actions and replay share.

use super::*;

impl Ledger {
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

    /// Checks a report and builds the ticket's record (with its first event), without
    /// changing anything.
    pub(super) fn prepare_report(
        &self,
        new: &NewTicket,
        actor: ActorKey,
        at: Timestamp,
        mode: Mode,
    ) -> Result<Rec, TicketError> {
        let h = &*self.hierarchy;
        if !super::super::within_ticket_years(at) {
            return Err(TicketError::TimeOutOfRange {
                ticket: new.id.to_string(),
                at,
            });
        }
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
        // A unit usually reports in its own territory, and a report in a log names the
        // default taker: each guess costs one comparison of ids, where a lookup in a city's
        // hierarchy is a cache miss. The answers are the lookups' (`Hierarchy::key_hinted`).
        let unit = match actor.node_key() {
            Some(a) => h.key_hinted(new.unit.as_str(), a),
            None => h.key(new.unit.as_str()),
        }
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
                let k = h
                    .key_hinted(id.as_str(), default_holder)
                    .ok_or_else(|| unknown_unit(id))?;
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
            // Room for the main loop (report, file, dispatch, acknowledge, handle, verify,
            // visit) and the deadlines service levels set on the way.
            log: Events::with_capacity(10),
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
            log_len: 0,
        };
        if mode.authorize {
            guard::authorize(h, &self.authority, &rec, actor.0, ActionKind::Report)
                .map_err(|d| self.denied(&rec, actor.0, ActionKind::Report, d))?;
            // Naming a taker other than the default one is a dispatch, checked as one. The
            // default taker named explicitly (as every report in a log names it) is not: the
            // report is the same as one that leaves it out, live and on replay.
            if new.holder.is_some() && holder != default_holder {
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
        let index = u32::try_from(self.tickets.len())
            .ok()
            .filter(|i| *i < u32::MAX)
            .ok_or(TicketError::CapacityExceeded {
                tickets: self.tickets.len(),
                more: 1,
            })?;
        // An empty description or reporter is not stored, as no empty text of an action is:
        // it reads back as absent (so the event is the same in a log, a replay and a flat
        // row, where an empty cell is an absent value).
        let mut aux = NO_TEXT;
        if let Some(d) = new.description.as_deref().filter(|d| !d.is_empty()) {
            rec.extra = Some(Box::new(Extra {
                texts: vec![d.into()],
                summons: Vec::new(),
            }));
            aux = 0;
        }
        if let Some(r) = new.reporter.as_deref().filter(|r| !r.is_empty()) {
            rec.reporter = self.reporters.intern(r);
        }
        rec.push_event(RawEvent {
            dt: 0,
            actor: actor.0,
            op: Op {
                kind: ActionKind::Report,
                small: 0,
                aux,
                arg: holder.raw(),
            },
        });
        let (tickets, state) = (&self.tickets, &self.by_id_state);
        self.by_id
            .insert_unique(state.hash_one(new.id.as_str()), index, |i| {
                tickets
                    .get(*i as usize)
                    .map(|r| state.hash_one(r.id.as_str()))
                    .unwrap_or(0)
            });
        let wanted = if mode.live {
            self.deadlines_after(&rec, None)?
        } else {
            None
        };
        self.by_unit.entry(unit.raw()).or_default().push(index);
        // Reports usually come in time order: then this is a push.
        // The new key is above every key in the index, so it goes after every ticket
        // reported at or before `at`.
        let t = at.unix_seconds();
        let tickets = &self.tickets;
        let reported_by = |k: &u32| tickets.get(*k as usize).is_some_and(|r| r.t0 <= t);
        if self.by_report.last().is_none_or(reported_by) {
            // In time order: a push, without a search that touches a ticket per step.
            self.by_report.push(index);
        } else {
            let pos = self.by_report.partition_point(reported_by);
            self.by_report.insert(pos, index);
        }
        self.tickets.push(rec);
        if let Some(wanted) = wanted {
            self.record_deadlines(TicketKey(index), at, wanted);
        }
        Ok(TicketKey(index))
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
        let (op, next, mut pending) = self.validate(key, actor, at, action, mode)?;
        let unknown = || TicketError::UnknownTicket {
            ticket: format!("#{}", key.0),
        };
        let rec = self.tickets.get(key.index()).ok_or_else(unknown)?;
        let dt = at.seconds_since(Timestamp::EPOCH) - rec.t0;
        let event = RawEvent {
            dt: u32::try_from(dt).unwrap_or(0),
            actor,
            op,
        };
        // Deadlines are computed before anything changes, so that a refusal changes nothing.
        let wanted = if mode.live && next.is_open() && moves_clocks(action.kind()) {
            self.deadlines_after(rec, Some(&event))?
        } else {
            None
        };
        if let Some(name) = pending.rule_name.take() {
            // Nothing can refuse the action from here on. The name goes at the index the
            // event names: the table's length when the action was validated.
            self.rule_names.intern(&name);
        }
        let rec = self.tickets.get_mut(key.index()).ok_or_else(unknown)?;
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
                self.due.remove(&Due::new(*k, *t, key.0));
            }
            for (t, k) in &new_summons {
                self.due.insert(Due::new(*k, *t, key.0));
            }
        }
        if !open {
            self.attention.remove(key.0);
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
        if let Some(wanted) = wanted {
            self.record_deadlines(key, at, wanted);
        }
        Ok(next)
    }

    /// Commits an event generated by the ledger itself (a renewed deadline), which is valid
    /// by construction in any open state.
    pub(in crate::ticket) fn commit_internal(&mut self, key: TicketKey, event: RawEvent) {
        let Some(rec) = self.tickets.get_mut(key.index()) else {
            return;
        };
        let old = rec.dues;
        let state = rec.state;
        commit(rec, event, state, Pending::default());
        let (t0, dues) = (rec.t0, rec.dues);
        self.reindex(key, t0, old, dues);
    }
}

/// The fold: applies one validated event to a ticket. Live actions and replay both come
/// through here, so a ticket's state is exactly the fold of its log.
pub(super) fn commit(rec: &mut Rec, ev: RawEvent, next: TicketState, pending: Pending) {
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
                .events()
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
                    .events()
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
        ActionKind::RuleFired | ActionKind::Recheck | ActionKind::Import => {}
    }
    if !pending.texts.is_empty() || !summons.is_empty() {
        let extra = rec.extra.get_or_insert_with(Box::default);
        extra.texts.extend(pending.texts);
        extra.summons.append(&mut summons);
    }
    rec.state = next;
    // A ticket that is closed or merged gives back room for two events or more (32 bytes,
    // the least the allocator can split off): most tickets are closed, and they are most of
    // a year's memory. A rejected ticket keeps its room: a rejection is often reopened, and
    // growing the log again costs more than the room.
    rec.push_event(ev);
    if matches!(next, TicketState::Closed | TicketState::Merged)
        && rec.log.capacity() - rec.events().len() >= 2
    {
        rec.trim_log();
    }
}
