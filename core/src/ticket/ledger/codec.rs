//! Encoding an action into the compact event a ticket stores ([`Ledger::validate`] checks it
//! against the lifecycle, the authority and the hierarchy on the way) and decoding it back
//! ([`Ledger::decode`]). `tests/ticket.rs` round-trips every action kind through both.

use super::*;

/// The `small` code of an escalation whose return destination is stored as a text (a node
/// key too large for the op's spare bits); 0 means no destination, anything else the high
/// byte of the key plus one.
pub(super) const RETURN_TO_TEXT: u8 = u8::MAX;

/// How a `rule_fired` event stores its rule's name (in `small`; `aux` is the index): in the
/// ledger's table of rule names...
pub(super) const RULE_BY_NAME_TABLE: u8 = 0;
/// ...in the ticket's texts, followed by the subject's id...
pub(super) const RULE_WITH_SUBJECT: u8 = 1;
/// ...or in the ticket's texts, without a subject (when the table is full).
pub(super) const RULE_IN_TEXTS: u8 = 2;

/// A node key in an op's spare bits (`small`, `aux`): the high byte plus one and the low 16
/// bits, for keys below `(RETURN_TO_TEXT - 1) << 16`; `None` for larger keys.
pub(super) fn pack_key(key: u32) -> Option<(u8, u16)> {
    let high = u8::try_from(key >> 16)
        .ok()
        .filter(|h| *h < RETURN_TO_TEXT - 1)?;
    Some((high + 1, u16::try_from(key & 0xFFFF).ok()?))
}

/// The key [`pack_key`] packed, or `None` for "no key" (0) and the text marker.
pub(super) fn unpack_key(small: u8, aux: u16) -> Option<u32> {
    match small {
        0 | RETURN_TO_TEXT => None,
        high => Some((u32::from(high - 1) << 16) | u32::from(aux)),
    }
}

impl Ledger {
    #[inline(always)]
    pub(super) fn validate(
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
        if !super::super::within_ticket_years(at) {
            return Err(TicketError::TimeOutOfRange {
                ticket: ticket(),
                at,
            });
        }
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
        let mut rule_name = None;
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
        // A node by id, guessing `hint` first: comparing one id saves a lookup in the
        // hierarchy, a cache miss in a city's (the answer is the lookup's).
        let node_hinted = |id: &NodeId, hint: Option<NodeKey>| {
            match hint {
                Some(k) => h.key_hinted(id.as_str(), k),
                None => h.key(id.as_str()),
            }
            .ok_or_else(|| TicketError::UnknownUnit {
                unit: id.to_string(),
            })
        };
        let node = |id: &NodeId| node_hinted(id, None);
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
                let target = h.key_hinted(to.as_str(), rec.unit).ok_or_else(|| {
                    TicketError::UnknownUnit {
                        unit: to.to_string(),
                    }
                })?;
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
                    // One level up is the usual escalation (the engine's default).
                    Some(id) => node_hinted(id, h.parent_key(rec.home))?,
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
                        let k = node_hinted(id, expected)?;
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
                // The deadlines come after the whistle, and the report after the signing.
                for due in [sign_by, report_by].into_iter().flatten() {
                    if *due < at {
                        return Err(invalid(
                            &due.to_string(),
                            "a summons deadline cannot be before the whistle",
                        ));
                    }
                }
                if let (Some(sign), Some(report)) = (sign_by, report_by) {
                    if report < sign {
                        return Err(invalid(
                            &report.to_string(),
                            "the report-by time cannot be before the sign-by time",
                        ));
                    }
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
            Action::Import {
                state,
                status,
                note,
            } => {
                // Right after the report: nothing but the deadlines set with it since.
                let fresh = rec
                    .events()
                    .iter()
                    .skip(1)
                    .all(|e| e.op.kind == ActionKind::SetDeadline && e.actor == SYSTEM);
                if !fresh {
                    return Err(illegal(
                        "a state is imported only right after the report, before anything else happens to the ticket",
                    ));
                }
                if status.is_empty() {
                    return Err(invalid("", "an import names the other system's status"));
                }
                let note = match note {
                    Some(n) => short(text(n)?),
                    None => NO_TEXT,
                };
                op(*state as u8, note, text(status)?)
            }
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
                match subject {
                    Some(s) => {
                        // The subject follows the rule's name: both are stored.
                        let name = short(text(rule)?);
                        text(s.as_str())?;
                        op(RULE_WITH_SUBJECT, name, breach)
                    }
                    None => {
                        // The name, from the ledger's table of rule names (added on commit
                        // when new), or in the ticket's texts once the table is full.
                        let index = match self.rule_names.find(rule) {
                            Some(i) => Some(i),
                            None => {
                                check_text(rec.id.as_str(), rule)?;
                                let next = self.rule_names.len();
                                (next < usize::from(NO_TEXT)).then(|| {
                                    rule_name = Some(Box::from(rule.as_str()));
                                    u32::try_from(next).unwrap_or(NONE)
                                })
                            }
                        };
                        match index {
                            Some(i) => op(RULE_BY_NAME_TABLE, short(i), breach),
                            None => op(RULE_IN_TEXTS, short(text(rule)?), breach),
                        }
                    }
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
                rule_name,
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
            crate::ticket::SYSTEM_ACTOR.to_owned()
        } else {
            self.node_name(NodeKey::from_index(actor))
        }
    }

    pub(super) fn node_id(&self, key: NodeKey) -> NodeId {
        self.hierarchy
            .id(key)
            .cloned()
            .unwrap_or_else(|| NodeId::unchecked(format!("#{}", key.raw())))
    }

    pub(super) fn actor(&self, actor: u32) -> Actor {
        if actor == SYSTEM {
            Actor::System
        } else {
            Actor::Node(self.node_id(NodeKey::from_index(actor)))
        }
    }

    /// The rule a `rule_fired` event names.
    pub(super) fn rule_name<'a>(&'a self, rec: &'a Rec, op: Op) -> Option<&'a str> {
        match op.small {
            RULE_BY_NAME_TABLE => self.rule_names.get(u32::from(op.aux)),
            _ => rec.text(u32::from(op.aux)),
        }
    }

    /// Every event of every ticket, in the order of [`Ledger::all_events`], as the log
    /// writer takes them: the events of every lifecycle borrowed from the records (writing a
    /// log built an event per line, a seventh of the time), any other decoded.
    pub(crate) fn each_line<E>(
        &self,
        mut write: impl FnMut(&crate::ticket::log::LineRef<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        use crate::ticket::log::LineRef;
        for rec in &self.tickets {
            for (seq, ev) in rec.events().iter().enumerate() {
                match self.line_ref(rec, seq, ev) {
                    Some(line) => write(&line)?,
                    None => write(&LineRef::of(&self.decode(rec, seq, ev)))?,
                }
            }
        }
        Ok(())
    }

    /// An event's line borrowed from its record, as [`Ledger::decode`] would give it; `None`
    /// for the kinds left to `decode` and wherever a node is no longer in the hierarchy
    /// (`decode` names it by its key).
    fn line_ref<'a>(
        &'a self,
        rec: &'a Rec,
        seq: usize,
        ev: &RawEvent,
    ) -> Option<crate::ticket::log::LineRef<'a>> {
        use crate::ticket::log::{ActionRef, LineRef, ReportRef};
        let op = ev.op;
        let node = |k: u32| {
            self.hierarchy
                .id(NodeKey::from_index(k))
                .map(NodeId::as_str)
        };
        let action = match op.kind {
            ActionKind::Report => ActionRef::Report(ReportRef {
                id: rec.id.as_str(),
                category: self.taxonomy.by_index(rec.category)?.code.as_str(),
                channel: rec.channel,
                unit: node(rec.unit.raw())?,
                holder: Some(node(op.arg)?),
                reporter: self.reporters.get(rec.reporter),
                priority: rec.priority,
                request_type: rec.request_type,
                verify_first: rec.has(FLAG_VERIFY_FIRST),
                description: rec.text(u32::from(op.aux)),
            }),
            ActionKind::Dispatch => ActionRef::Dispatch { to: node(op.arg)? },
            ActionKind::Handle => ActionRef::Handle {
                outcome: rec.text(op.arg).unwrap_or_default(),
            },
            ActionKind::Verify => ActionRef::Verify {
                passed: op.small != 0,
                note: rec.text(op.arg),
            },
            ActionKind::Visit => ActionRef::Visit {
                satisfaction: Satisfaction::from_u8(op.small),
            },
            kind @ (ActionKind::File
            | ActionKind::Acknowledge
            | ActionKind::Close
            | ActionKind::ConfirmOnSite
            | ActionKind::Resume
            | ActionKind::Unpark) => ActionRef::Bare(kind),
            _ => return None,
        };
        Some(LineRef {
            ticket: rec.id.as_str(),
            seq: u32::try_from(seq).unwrap_or(u32::MAX),
            at: rec.time(ev.dt),
            actor: if ev.actor == SYSTEM {
                crate::ticket::SYSTEM_ACTOR
            } else {
                node(ev.actor)?
            },
            action,
        })
    }

    pub(super) fn decode(&self, rec: &Rec, seq: usize, ev: &RawEvent) -> Event {
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
                        .and_then(|s| NodeId::from_text(s).ok()),
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
                rule: self.rule_name(rec, op).unwrap_or_default().into(),
                breach: at(op.arg),
                subject: (op.small == RULE_WITH_SUBJECT)
                    .then(|| rec.text(u32::from(op.aux) + 1))
                    .flatten()
                    .and_then(|s| NodeId::from_text(s).ok()),
            },
            ActionKind::SetDeadline => Action::SetDeadline {
                deadline: DeadlineKind::from_u8(op.small),
                due: at(op.arg),
            },
            ActionKind::Import => Action::Import {
                state: TicketState::from_u8(op.small),
                status: text(op.arg),
                note: opt(u32::from(op.aux)),
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

    /// When [`one_ticket`]'s ticket T1 is reported.
    const T1_REPORTED: &str = "2025-03-03T09:00:00+08:00";

    /// A ledger of one grid, its worker, and one ticket T1 the worker reported there.
    fn one_ticket() -> crate::ticket::Ledger {
        use crate::hierarchy::{Hierarchy, NodeKind};
        use crate::ticket::{Ledger, NewTicket, Taxonomy};
        use std::sync::Arc;

        let mut h = Hierarchy::new();
        h.add("g1", NodeKind::Grid, "第一网格").expect("grid");
        h.add("w1", NodeKind::GridWorker, "网格员").expect("worker");
        h.serve("w1", "g1").expect("serves");
        let mut l = Ledger::new(Arc::new(h), Arc::new(Taxonomy::default()));
        let t = T1_REPORTED.parse().expect("time");
        let new = NewTicket::new("T1", "livelihood.parking", "g1").expect("ticket");
        l.report(new, "w1", t).expect("reported");
        l
    }

    #[test]
    fn a_cloned_ledger_keeps_an_open_tickets_room_for_events() {
        let l = one_ticket();
        let room = |l: &crate::ticket::Ledger| l.tickets.first().map(|r| r.log.capacity());
        assert!(room(&l) > Some(1), "a report makes room for a lifecycle");
        let copy = l.clone();
        assert_eq!(room(&copy), room(&l));
        let events = |l: &crate::ticket::Ledger| l.tickets.first().map(|r| r.events().to_vec());
        assert_eq!(events(&copy), events(&l));
    }

    /// The events are what was pushed, whatever the room, also past the 255 events the
    /// record counts itself; the room grows by half and is given back; a clone keeps it.
    #[test]
    fn a_log_holds_its_events_and_room() {
        use crate::ticket::record::{Op, RawEvent, NONE, NO_TEXT, SYSTEM};
        use crate::ticket::ActionKind;

        let mut l = one_ticket();
        let Some(rec) = l.tickets.first_mut() else {
            panic!("one ticket")
        };
        rec.trim_log();
        assert_eq!(rec.log.capacity(), 1);
        let mut pushed = rec.events().to_vec();
        let mut rooms = vec![rec.log.capacity()];
        // Events by the host, of every kind but a report, at offsets up to the last a log
        // holds.
        let kinds: Vec<ActionKind> = (ActionKind::ALL.iter().copied())
            .filter(|k| *k != ActionKind::Report)
            .collect();
        for i in 0..600u32 {
            let e = RawEvent {
                dt: if i % 2 == 0 { NONE - 1 } else { i },
                actor: SYSTEM,
                op: Op {
                    kind: kinds[i as usize % kinds.len()],
                    small: 0,
                    aux: NO_TEXT,
                    arg: NONE,
                },
            };
            rec.push_event(e);
            pushed.push(e);
            assert_eq!(rec.events(), &pushed[..], "after {} events", pushed.len());
            if rooms.last() != Some(&rec.log.capacity()) {
                rooms.push(rec.log.capacity());
            }
            if i == 300 {
                let copy = rec.clone();
                assert_eq!(copy.log.capacity(), rec.log.capacity());
                assert_eq!(copy.events(), rec.events());
            }
        }
        assert_eq!(&rooms[..6], [1, 5, 9, 13, 19, 28]);
        rec.trim_log();
        assert_eq!(rec.log.capacity(), pushed.len());
        assert_eq!(rec.events(), &pushed[..]);
    }

    #[test]
    fn rule_names_go_to_the_ticket_texts_when_the_ledgers_table_is_full() {
        use crate::ticket::{Action, ActorKey, Ledger, TicketKey};

        let mut l = one_ticket();
        let t = T1_REPORTED.parse().expect("time");
        let key = TicketKey::from_index(0);
        let fire = |l: &mut Ledger, rule: &str| {
            let action = Action::RuleFired {
                rule: rule.into(),
                breach: t,
                subject: None,
            };
            l.apply_key(key, ActorKey::SYSTEM, t, &action)
                .expect("recorded");
        };
        fire(&mut l, "early");
        let heap = l.heap_size();
        for i in 1..usize::from(super::NO_TEXT) {
            l.rule_names.intern(&format!("r{i}"));
        }
        // The estimate counts the table: 65,534 names of 2 to 6 bytes, and their boxes.
        assert!(
            l.heap_size() > heap + 65_534 * 18,
            "{} vs {heap}",
            l.heap_size()
        );
        assert_eq!(l.rule_names.len(), usize::from(super::NO_TEXT));
        fire(&mut l, "late");
        fire(&mut l, "r7");
        let view = l.view(key).expect("ticket");
        let names: Vec<String> = l
            .events("T1")
            .expect("events")
            .into_iter()
            .filter_map(|e| match e.action {
                Action::RuleFired { rule, .. } => Some(rule.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["early", "late", "r7"]);
        for rule in ["early", "late", "r7"] {
            assert!(view.has_fired(rule, t, None), "{rule}");
            assert!(
                !view.has_fired(rule, t, Some("g1")),
                "{rule} has no subject"
            );
        }
        assert!(!view.has_fired("r8", t, None));
        assert_eq!(
            l.rule_names.find("late"),
            None,
            "the full table took no more"
        );
    }
}

crate::names::deserialize_by_name!(Trust { Checked = "checked", History = "history" });
