//! Asking before acting: whether an action would be accepted ([`Ledger::check`], [`Ledger::can`],
//! [`Ledger::why_not`], [`Ledger::who_can`], [`Ledger::simulate`]), the errors of the authority's
//! refusals, and the checks that do not depend on a ticket's state (texts, assignees).

use super::*;

impl Ledger {
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
            // As `apply` answers: a report of another id is refused for that, and one of
            // this ticket's own id is a duplicate.
            if let Some(rec) = self.tickets.get(key.index()) {
                if rec.id != new.id {
                    return Err(TicketError::InvalidTicketId {
                        ticket: rec.id.to_string(),
                        reason: "a report must carry the ticket's own id",
                    });
                }
                return Err(TicketError::DuplicateTicket {
                    ticket: new.id.to_string(),
                });
            }
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
    ) -> Option<crate::ticket::Denial> {
        let result = match action {
            Action::Report(new) => self.check_report(ticket, new, actor, at),
            _ => self.require(ticket).and_then(|key| {
                let actor = self.actor_key(actor)?;
                self.check(key, actor, at, action).map(|_| ())
            }),
        };
        result
            .err()
            .map(|e| crate::ticket::Denial::new(e, self.authority.name()))
    }

    pub(super) fn check_report(
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
    ) -> Result<Vec<crate::ticket::Actor>, TicketError> {
        let key = self.require(ticket)?;
        let mut out = Vec::new();
        if self.check(key, ActorKey::SYSTEM, at, action).is_ok() {
            out.push(crate::ticket::Actor::System);
        }
        for node in self.hierarchy.nodes() {
            if let Some(k) = self.hierarchy.key(node.id.as_str()) {
                if self.check(key, ActorKey::node(k), at, action).is_ok() {
                    out.push(crate::ticket::Actor::Node(node.id.clone()));
                }
            }
        }
        Ok(out)
    }

    /// Reports a ticket by `@system` and applies `then` (by `@system`, in order) as one step:
    /// either all of it goes in or nothing changes. The error carries the position of the
    /// refused step (0: the report, `i`: `then[i - 1]`). Used by importers, whose tickets
    /// arrive with a history.
    pub(crate) fn report_with_history(
        &mut self,
        new: &NewTicket,
        at: Timestamp,
        then: &[(Timestamp, Action)],
    ) -> Result<TicketKey, (usize, TicketError)> {
        let system = ActorKey::SYSTEM;
        self.prepare_report(new, system, at, Mode::LIVE)
            .map_err(|e| (0, e))?;
        if !then.is_empty() {
            // A dry run on an empty copy (the steps concern this ticket alone).
            let mut scratch = Ledger::with_authority(
                self.hierarchy.clone(),
                self.taxonomy.clone(),
                self.authority.clone(),
            );
            scratch.levels = self.levels.clone();
            let key = scratch
                .report_key(new, system, at, Mode::LIVE)
                .map_err(|e| (0, e))?;
            for (i, (t, action)) in then.iter().enumerate() {
                scratch
                    .apply_key(key, system, *t, action)
                    .map_err(|e| (i + 1, e))?;
            }
        }
        let key = self
            .report_key(new, system, at, Mode::LIVE)
            .map_err(|e| (0, e))?;
        for (i, (t, action)) in then.iter().enumerate() {
            self.apply_key(key, system, *t, action)
                .map_err(|e| (i + 1, e))?;
        }
        Ok(key)
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
        scratch.rule_names = self.rule_names.clone();
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
        scratch.rule_names = self.rule_names.clone();
        scratch.tickets.push(rec.clone());
        steps
            .iter()
            .map(|(actor, at, action)| scratch.step(TicketKey(0), actor.0, *at, action, Mode::LIVE))
            .collect()
    }

    // ----- reporting and acting ------------------------------------------------------------

    /// The error for a target outside the actor's territory or a department's jurisdiction.
    #[cold]
    pub(super) fn out_of_jurisdiction(
        &self,
        rec: &Rec,
        actor: u32,
        action: ActionKind,
        target: NodeKey,
        reason: crate::ticket::OutOfJurisdictionReason,
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
    pub(super) fn denied(
        &self,
        rec: &Rec,
        actor: u32,
        action: ActionKind,
        denied: Denied,
    ) -> TicketError {
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
}

pub(super) fn opt_text(
    text: &mut impl FnMut(&str) -> Result<u32, TicketError>,
    value: &Option<String>,
) -> Result<u32, TicketError> {
    match value {
        Some(s) => text(s),
        None => Ok(NONE),
    }
}

pub(super) fn check_text(ticket: &str, s: &str) -> Result<(), TicketError> {
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
pub(super) fn check_assignee(h: &Hierarchy, key: NodeKey) -> Result<(), &'static str> {
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
