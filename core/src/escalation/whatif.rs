//! What-if: two (service levels, escalation policy) pairs compared over a historical ledger.

use serde::{Deserialize, Serialize};

use crate::calendar::CalendarError;
use crate::hierarchy::NodeKind;
use crate::sla::{Amount, ServiceLevels};
use crate::ticket::{ActionKind, DeadlineKind, Ledger, TicketId, TicketView};
use crate::time::Timestamp;

use super::decide::escalation_target;
use super::policy::{rule_applies, EscalationPolicy, Response, Trigger};

/// What happened (or would have happened) to one ticket's handling deadline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Course {
    /// Handling deadlines missed before the ticket was handled (or before the horizon).
    pub breaches: u32,
    /// Escalations the policy's `deadline_missed` rules would take for them.
    pub escalations: u32,
    /// The territorial level the ticket would end at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<NodeKind>,
}

/// One ticket in a what-if report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketWhatIf {
    /// The ticket.
    pub ticket: TicketId,
    /// Under the baseline.
    pub baseline: Course,
    /// Under the alternative.
    pub alternative: Course,
}

/// Totals of a what-if report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIfTotals {
    /// Tickets analysed (dispatched at least once).
    pub tickets: u64,
    /// Tickets with at least one breach, baseline.
    pub breached_baseline: u64,
    /// Tickets with at least one breach, alternative.
    pub breached_alternative: u64,
    /// Breaches, baseline.
    pub breaches_baseline: u64,
    /// Breaches, alternative.
    pub breaches_alternative: u64,
    /// Escalations, baseline.
    pub escalations_baseline: u64,
    /// Escalations, alternative.
    pub escalations_alternative: u64,
    /// Tickets whose course differs.
    pub changed: u64,
}

/// A what-if report: per ticket whose course differs, and in total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIf {
    /// Tickets whose course differs between baseline and alternative.
    pub changed: Vec<TicketWhatIf>,
    /// Totals over all tickets.
    pub totals: WhatIfTotals,
}

/// Compares two (service levels, escalation policy) pairs over a historical ledger, without
/// touching it.
///
/// The actual timeline is held fixed: each ticket's first dispatch starts its handling clock
/// and its first handling after that stops it (tickets still open stop at `horizon`);
/// suspensions pause it. Under each pair, every time the handling deadline passes before the
/// clock stops is a breach; if the policy has a `deadline_missed` rule for the handling
/// deadline that escalates, the breach escalates the ticket (one level, or to the named
/// level, never above the top) and a new deadline is counted from the breach. The report
/// says how many tickets would have breached and escalated, how often, and at which level
/// they would have ended.
pub fn what_if(
    ledger: &Ledger,
    baseline: (&ServiceLevels, &EscalationPolicy),
    alternative: (&ServiceLevels, &EscalationPolicy),
    horizon: Timestamp,
) -> Result<WhatIf, CalendarError> {
    let mut changed = Vec::new();
    let mut totals = WhatIfTotals::default();
    for v in ledger.tickets() {
        let (Some(a), Some(b)) = (
            course(ledger, &v, baseline, horizon)?,
            course(ledger, &v, alternative, horizon)?,
        ) else {
            continue;
        };
        totals.tickets += 1;
        totals.breached_baseline += u64::from(a.breaches > 0);
        totals.breached_alternative += u64::from(b.breaches > 0);
        totals.breaches_baseline += u64::from(a.breaches);
        totals.breaches_alternative += u64::from(b.breaches);
        totals.escalations_baseline += u64::from(a.escalations);
        totals.escalations_alternative += u64::from(b.escalations);
        if a != b {
            totals.changed += 1;
            changed.push(TicketWhatIf {
                ticket: v.id().clone(),
                baseline: a,
                alternative: b,
            });
        }
    }
    Ok(WhatIf { changed, totals })
}

fn course(
    ledger: &Ledger,
    v: &TicketView<'_>,
    (levels, policy): (&ServiceLevels, &EscalationPolicy),
    horizon: Timestamp,
) -> Result<Option<Course>, CalendarError> {
    let h = &**ledger.hierarchy();
    let Some(start) = v.times_of(ActionKind::Dispatch).next() else {
        return Ok(None);
    };
    let stop = v
        .times_of(ActionKind::Handle)
        .find(|t| *t >= start)
        .unwrap_or(horizon)
        .min(horizon.max(start));
    let Some(amount) = levels
        .policy
        .rule_for(v.category(), v.priority(), v.request_type())
        .and_then(|rule| rule.targets.handle)
    else {
        return Ok(None);
    };
    let cal = &levels.calendar;
    let pauses: Vec<(Timestamp, Timestamp)> = v
        .times_of(ActionKind::Suspend)
        .zip(v.times_of(ActionKind::Resume))
        .filter(|(s, _)| *s >= start)
        .collect();
    let due_from = |from: Timestamp| -> Result<Timestamp, CalendarError> {
        let mut due = amount.after(from, cal)?;
        for (s, e) in &pauses {
            if *s >= from && *s < due {
                due = amount.shift(due, *s, *e, cal)?;
            }
        }
        Ok(due)
    };
    let escalating: Vec<(Option<NodeKind>, Option<Amount>)> = policy
        .rules
        .iter()
        .filter(|r| rule_applies(r, v.category()))
        .filter_map(|r| match r.when {
            Trigger::DeadlineMissed {
                deadline: DeadlineKind::Handle,
                grace,
            } => r.then.iter().find_map(|resp| match resp {
                Response::Escalate { to } => Some((*to, grace)),
                _ => None,
            }),
            _ => None,
        })
        .collect();
    // The unit the first dispatch came from is where the ticket starts.
    let mut home = v
        .assignees()
        .next()
        .and_then(|a| {
            if h.kind_of(a).is_some_and(NodeKind::is_territorial) {
                Some(a)
            } else {
                None
            }
        })
        .unwrap_or_else(|| v.unit());
    let mut c = Course {
        level: h.kind_of(home),
        ..Course::default()
    };
    let mut due = due_from(start)?;
    // Bounded: a breach per deadline period until the clock stops.
    while due < stop && c.breaches < 1000 {
        c.breaches += 1;
        let mut next_from = due;
        if let Some((to, grace)) = escalating.first() {
            let at = match grace {
                Some(g) => g.after(due, cal)?,
                None => due,
            };
            if at < stop {
                if let Some(target) = escalation_target(h, home, *to, policy.top) {
                    home = target;
                    c.escalations += 1;
                    c.level = h.kind_of(home);
                    next_from = at;
                }
            }
        }
        let next = due_from(next_from)?;
        if next <= due {
            break;
        }
        due = next;
    }
    Ok(Some(c))
}
