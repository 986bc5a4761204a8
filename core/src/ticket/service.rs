//! Deadlines from service levels, kept in the log as `set_deadline` events.

use std::sync::Arc;

use super::ledger::{Ledger, TicketKey, TicketView};
use super::record::{Op, RawEvent, Rec, NONE, NO_TEXT, SYSTEM};
use super::{ActionKind, DeadlineKind, Satisfaction, TicketError};
use crate::calendar::CalendarError;
use crate::sla::ServiceLevels;
use crate::time::Timestamp;

/// Whether an action can move a deadline's clock.
pub(crate) fn moves_clocks(kind: ActionKind) -> bool {
    matches!(
        kind,
        ActionKind::Report
            | ActionKind::Dispatch
            | ActionKind::Escalate
            | ActionKind::Handle
            | ActionKind::Verify
            | ActionKind::Visit
            | ActionKind::Reopen
            | ActionKind::Resume
            | ActionKind::DecideExtension
    )
}

/// The deadlines a ticket should carry under some service levels, computed from its log
/// and `extra`, an event about to be committed (see [`crate::sla`]); `NONE` where the policy
/// sets no target or the clock has not started.
pub(crate) fn compute(
    rec: &Rec,
    levels: &ServiceLevels,
    category: &str,
    extra: Option<&RawEvent>,
) -> Result<[u32; 4], CalendarError> {
    let Some(rule) = levels
        .policy
        .rule_for(category, rec.priority, rec.request_type)
    else {
        return Ok([NONE; 4]);
    };
    let cal = &levels.calendar;
    // Clock starts, the granted extension and the pauses, from one pass over the log.
    let (mut ack, mut handle, mut verify) = (None, None, None);
    let mut grant: Option<(u32, u32)> = None;
    let mut requested = NONE;
    let mut suspended: Option<u32> = None;
    let mut pauses: Vec<(u32, u32)> = Vec::new();
    let log = || rec.events().iter().chain(extra);
    for e in log() {
        let restart_handle = |handle: &mut Option<u32>, grant: &mut Option<(u32, u32)>| {
            *handle = Some(e.dt);
            *grant = None;
        };
        match e.op.kind {
            // The clocks of `RESTARTED_BY_ESCALATION`.
            ActionKind::Dispatch | ActionKind::Escalate => {
                ack = Some(e.dt);
                restart_handle(&mut handle, &mut grant);
            }
            // `small` marks a reopening of a closed ticket (not of a rejected report).
            ActionKind::Reopen if e.op.small != 0 => restart_handle(&mut handle, &mut grant),
            ActionKind::Verify if e.op.small == 0 => restart_handle(&mut handle, &mut grant),
            ActionKind::Visit if e.op.small == Satisfaction::Unsatisfied as u8 => {
                restart_handle(&mut handle, &mut grant)
            }
            ActionKind::Handle => verify = Some(e.dt),
            ActionKind::RequestExtension => requested = e.op.arg,
            ActionKind::DecideExtension if e.op.small != 0 && requested != NONE => {
                grant = Some((e.dt, requested));
            }
            ActionKind::Suspend => suspended = Some(e.dt),
            ActionKind::Resume => {
                if let Some(s) = suspended.take() {
                    pauses.push((s, e.dt));
                }
            }
            _ => {}
        }
    }
    let time = |dt: u32| rec.time(dt);
    let due = |kind: DeadlineKind, start: Option<u32>| -> Result<u32, CalendarError> {
        let (Some(amount), Some(start)) = (rule.targets.get(kind), start) else {
            return Ok(NONE);
        };
        let (mut due, from) = match (kind, grant) {
            (DeadlineKind::Handle, Some((at, until))) => (time(until), at),
            _ => (amount.after(time(start), cal)?, start),
        };
        for (s, e) in pauses.iter().filter(|(s, _)| *s >= from) {
            if time(*s) < due {
                due = amount.shift(due, time(*s), time(*e), cal)?;
            }
        }
        Ok(u32::try_from(due.unix_seconds() - rec.t0)
            .ok()
            .filter(|v| *v != NONE)
            .unwrap_or(NONE - 1))
    };
    Ok([
        due(DeadlineKind::Acknowledge, ack)?,
        due(DeadlineKind::Handle, handle)?,
        due(DeadlineKind::Verify, verify)?,
        due(DeadlineKind::Reply, log().next().map(|e| e.dt))?,
    ])
}

/// The deadline clocks a dispatch or an escalation restarts (the arm of [`compute`] for
/// them): each with a target gets a new due instant counted from the action.
const RESTARTED_BY_ESCALATION: [DeadlineKind; 2] =
    [DeadlineKind::Acknowledge, DeadlineKind::Handle];

impl Ledger {
    /// The deadline kinds (a bit per kind) an escalation of this ticket renews under the
    /// attached service levels: the clocks it restarts that have a target. A renewed due
    /// instant is counted from the escalation, so it is later than any deadline missed
    /// before it, and the deadline index entry moves.
    pub(crate) fn renewed_by_escalation(&self, v: &TicketView<'_>) -> u8 {
        let Some(rule) = self.levels.as_ref().and_then(|l| {
            l.policy
                .rule_for(v.category(), v.priority(), v.request_type())
        }) else {
            return 0;
        };
        RESTARTED_BY_ESCALATION
            .into_iter()
            .filter(|k| rule.targets.get(*k).is_some())
            .fold(0, |bits, k| bits | 1 << (k as u8))
    }

    /// The service levels deadlines are computed with, if any.
    pub fn service_levels(&self) -> Option<&Arc<ServiceLevels>> {
        self.levels.as_ref()
    }

    /// Attaches (or detaches) service levels. From now on every action that moves a clock
    /// records the deadlines it changes as `set_deadline` events by `@system`. Open tickets
    /// are brought up to date at `now` (or at their last event, if later): their deadlines are
    /// recomputed from their logs, so the time already accrued is kept and only the budget
    /// changes. Returns how many deadlines changed.
    ///
    /// Refused, with nothing changed (the previous levels stay attached), when a rule's
    /// category pattern matches no category of the taxonomy
    /// ([`TicketError::UnmatchedCategory`]) or some open ticket's deadlines cannot be computed
    /// ([`TicketError::Calendar`]).
    pub fn set_service_levels(
        &mut self,
        levels: Option<Arc<ServiceLevels>>,
        now: Timestamp,
    ) -> Result<usize, TicketError> {
        if let Some(l) = &levels {
            for rule in &l.policy.rules {
                let Some(pattern) = &rule.category else {
                    continue;
                };
                if !self.taxonomy.matches_any(pattern) {
                    return Err(TicketError::UnmatchedCategory {
                        pattern: pattern.clone(),
                        used_by: format!(
                            "service rule {:?} of policy {:?}",
                            rule.name, l.policy.name
                        ),
                    });
                }
            }
        }
        let previous = std::mem::replace(&mut self.levels, levels);
        if self.levels.is_none() {
            return Ok(0);
        }
        let mut plans = Vec::new();
        for (i, rec) in self.tickets.iter().enumerate() {
            if !rec.state.is_open() {
                continue;
            }
            let last = rec.time(rec.last_dt());
            let at = if now > last { now } else { last };
            match self.deadlines_after(rec, None) {
                Ok(Some(wanted)) => plans.push((i, at, wanted)),
                Ok(None) => {}
                Err(e) => {
                    self.levels = previous;
                    return Err(e);
                }
            }
        }
        let mut changed = 0;
        for (i, at, wanted) in plans {
            let key = TicketKey::from_index(u32::try_from(i).unwrap_or(u32::MAX));
            changed += self.record_deadlines(key, at, wanted);
        }
        Ok(changed)
    }

    /// Attaches service levels for the actions to come, without recomputing the deadlines
    /// already recorded: for a ledger whose deadlines already follow these levels (e.g. one
    /// replayed from its own log), where [`Ledger::set_service_levels`] would find nothing
    /// to change after a pass over every open ticket.
    pub fn attach_service_levels(&mut self, levels: Arc<ServiceLevels>) {
        self.levels = Some(levels);
    }

    /// The deadlines a ticket should carry once `extra` (an event about to be committed) is
    /// in its log, under the attached service levels (`None`: no levels attached).
    pub(crate) fn deadlines_after(
        &self,
        rec: &Rec,
        extra: Option<&RawEvent>,
    ) -> Result<Option<[u32; 4]>, TicketError> {
        let Some(levels) = &self.levels else {
            return Ok(None);
        };
        let category = self
            .taxonomy
            .by_index(rec.category)
            .map(|c| c.code.as_str())
            .unwrap_or("");
        compute(rec, levels, category, extra)
            .map(Some)
            .map_err(|error| TicketError::Calendar {
                ticket: rec.id.to_string(),
                error,
            })
    }

    /// Records, at `at`, the deadlines of an open ticket that differ from `wanted`.
    pub(crate) fn record_deadlines(
        &mut self,
        key: TicketKey,
        at: Timestamp,
        wanted: [u32; 4],
    ) -> usize {
        let Some(rec) = self.tickets.get(key.index()) else {
            return 0;
        };
        if !rec.state.is_open() {
            return 0;
        }
        let Ok(dt) = u32::try_from(at.unix_seconds() - rec.t0) else {
            return 0;
        };
        let mut changed = 0;
        for (kind, due) in wanted.into_iter().enumerate() {
            let current = rec_due(self, key, kind);
            if due == NONE || current == Some(due) {
                continue;
            }
            let event = RawEvent {
                dt,
                actor: SYSTEM,
                op: Op {
                    kind: ActionKind::SetDeadline,
                    small: u8::try_from(kind).unwrap_or(0),
                    aux: NO_TEXT,
                    arg: due,
                },
            };
            self.commit_internal(key, event);
            changed += 1;
        }
        changed
    }
}

fn rec_due(ledger: &Ledger, key: TicketKey, kind: usize) -> Option<u32> {
    ledger
        .tickets
        .get(key.index())
        .and_then(|r| r.dues.get(kind))
        .copied()
}
