//! Detection: which rules fire for which tickets at an instant — deadlines missed or near,
//! refusals, repeated complaints, boundaries crossed, returns, unsatisfied visits and late
//! summons — and why.

use crate::calendar::{Calendar, CalendarError};
use crate::hierarchy::{Hierarchy, NodeId, NodeKey, NodeKind};
use crate::repeats::RepeatRule;
use crate::ticket::{ActionKind, DeadlineKind, Ledger, TicketKey, TicketView};
use crate::time::Timestamp;

use super::policy::{rule_applies, EscalationPolicy, Trigger};
use crate::text::SharedStr;

/// Why a rule fires; rendered into a reason only for the firings that are kept.
#[derive(Debug, Clone)]
pub(super) enum Why {
    Missed(DeadlineKind, Timestamp),
    Approaching(DeadlineKind, Timestamp),
    SummonsLate {
        department: NodeKey,
        by: Timestamp,
        signing: bool,
    },
    Refusal(Timestamp),
    Unsatisfied(Timestamp),
    Returns(u32),
    Crosses {
        grids: usize,
        departments: usize,
    },
    Repeats {
        same: usize,
        within_days: u32,
        per: NodeKind,
    },
}

impl Why {
    /// The reason, in Chinese and English, as the decisions of one firing share it.
    pub(super) fn reason(&self, h: &Hierarchy) -> SharedStr {
        match self {
            // The commonest reasons (one for each deadline firing), laid out without the
            // formatting machinery or an intermediate `String`.
            Why::Missed(kind, due) => deadline_reason(*kind, *due, " 已超时 / missed"),
            Why::Approaching(kind, due) => {
                deadline_reason(*kind, *due, " 即将到期 / falls due soon")
            }
            _ => SharedStr::from(self.render(h)),
        }
    }

    fn render(&self, h: &Hierarchy) -> String {
        match self {
            Why::Missed(kind, due) => format!("{} {due} 已超时 / missed", deadline_label(*kind)),
            Why::Approaching(kind, due) => {
                format!("{} {due} 即将到期 / falls due soon", deadline_label(*kind))
            }
            Why::SummonsLate {
                department,
                by,
                signing,
            } => {
                let d = h.id(*department).map(NodeId::as_str).unwrap_or("?");
                if *signing {
                    format!("{d} 未在 {by} 前报到 / did not sign for the whistle by {by}")
                } else {
                    format!("{d} 未在 {by} 前报告 / did not report its part by {by}")
                }
            }
            Why::Refusal(t) => format!("{t} 记录责任方拒不履行 / a responsible party refused"),
            Why::Unsatisfied(t) => format!("{t} 回访不满意 / unsatisfied at the return visit"),
            Why::Returns(n) => format!("退单 {n} 次 / returned {n} times"),
            Why::Crosses { grids, departments } => format!(
                "涉及 {grids} 个网格、{departments} 个部门 / touches {grids} grids and {departments} departments"
            ),
            Why::Repeats {
                same,
                within_days,
                per,
            } => format!(
                "{same} 件同类诉求 {within_days} 天内来自同一{} / {same} tickets of this category from the same {per} within {within_days} days",
                per.chinese()
            ),
        }
    }
}

/// `<deadline label> <due><tail>`, as `format!` would write it.
fn deadline_reason(kind: DeadlineKind, due: Timestamp, tail: &str) -> SharedStr {
    let due = due.rfc3339_at(crate::time::CHINA_OFFSET_SECONDS);
    let parts = [deadline_label(kind), " ", due.as_str(), tail];
    // Laid out on the stack and copied once into the shared text (a `String` first cost a
    // second allocation for every firing).
    let mut buf = [0u8; 256];
    let mut len = 0;
    for part in parts {
        match buf.get_mut(len..len + part.len()) {
            Some(slot) => slot.copy_from_slice(part.as_bytes()),
            None => return SharedStr::from(parts.concat()),
        }
        len += part.len();
    }
    match std::str::from_utf8(buf.get(..len).unwrap_or_default()) {
        Ok(text) => SharedStr::from(text),
        Err(_) => SharedStr::from(parts.concat()),
    }
}

/// One rule firing for one ticket.
#[derive(Debug, Clone)]
pub(super) struct Firing {
    /// The rule's position in the policy.
    pub(super) rule: usize,
    pub(super) breach: Timestamp,
    pub(super) subject: Option<NodeKey>,
    pub(super) why: Why,
}

pub(super) fn deadline_label(kind: DeadlineKind) -> &'static str {
    match kind {
        DeadlineKind::Acknowledge => "签收时限 acknowledgement deadline",
        DeadlineKind::Handle => "处置时限 handling deadline",
        DeadlineKind::Verify => "核查时限 verification deadline",
        DeadlineKind::Reply => "答复时限 reply deadline",
    }
}

/// What a sweep evaluates against.
pub(super) struct Context<'a> {
    pub(super) now: Timestamp,
    pub(super) policy: &'a EscalationPolicy,
    pub(super) calendar: &'a Calendar,
    pub(super) horizon: Timestamp,
    /// Whether some rule reacts to what other rules do (a warning on a renewed deadline,
    /// a boundary crossed by a whistle): then decisions are checked on a copy of the ticket
    /// and evaluated again there.
    pub(super) reactive: bool,
}

/// Every per-ticket trigger that holds now (repeated complaints aside), appended to `out`
/// (a buffer a sweep reuses from ticket to ticket).
pub(super) fn detect(
    ledger: &Ledger,
    v: &TicketView<'_>,
    ctx: &Context<'_>,
    out: &mut Vec<Firing>,
) -> Result<(), CalendarError> {
    let h = &**ledger.hierarchy();
    let (now, cal) = (ctx.now, ctx.calendar);
    if !v.state().is_open() {
        return Ok(());
    }
    let mut snapshot = None;
    for (ri, rule) in ctx.policy.rules.iter().enumerate() {
        if !rule_applies(rule, v.category()) {
            continue;
        }
        let mut fire = |breach: Timestamp, subject: Option<NodeKey>, why: Why| {
            out.push(Firing {
                rule: ri,
                breach,
                subject,
                why,
            })
        };
        match &rule.when {
            Trigger::DeadlineMissed { deadline, grace } => {
                let Some(due) = v
                    .deadline(*deadline)
                    .filter(|_| deadline.runs_in(v.state()))
                else {
                    continue;
                };
                let threshold = match grace {
                    Some(g) => g.after(due, cal)?,
                    None => due,
                };
                if now > threshold {
                    fire(due, None, Why::Missed(*deadline, due));
                }
            }
            Trigger::DeadlineApproaching { deadline, before } => {
                let Some(due) = v
                    .deadline(*deadline)
                    .filter(|_| deadline.runs_in(v.state()))
                else {
                    continue;
                };
                if now <= due && before.after(now, cal)? >= due {
                    fire(due, None, Why::Approaching(*deadline, due));
                }
            }
            Trigger::SummonsLate => {
                let snapshot = snapshot.get_or_insert_with(|| v.snapshot());
                for s in &snapshot.summons {
                    if s.reported_at.is_some() || s.released_at.is_some() {
                        continue;
                    }
                    let late = match (s.signed_at, s.sign_by, s.report_by) {
                        (None, Some(by), _) if now > by => Some((by, true)),
                        (_, _, Some(by)) if now > by => Some((by, false)),
                        _ => None,
                    };
                    if let (Some((by, signing)), Some(department)) =
                        (late, h.key_ever(s.department.as_str()))
                    {
                        fire(
                            by,
                            Some(department),
                            Why::SummonsLate {
                                department,
                                by,
                                signing,
                            },
                        );
                    }
                }
            }
            Trigger::RepeatedComplaints { .. } => {}
            other => {
                if let Some((breach, why)) = event_trigger(h, v, other) {
                    fire(breach, None, why);
                }
            }
        }
    }
    Ok(())
}

/// Firings of repeated-complaint rules among the tickets reported within their windows.
pub(super) fn repeated_complaints(ledger: &Ledger, ctx: &Context<'_>) -> Vec<(TicketKey, Firing)> {
    let h = &**ledger.hierarchy();
    let mut out = Vec::new();
    for (ri, rule) in ctx.policy.rules.iter().enumerate() {
        let Trigger::RepeatedComplaints {
            count,
            within_days,
            per,
        } = rule.when
        else {
            continue;
        };
        let repeats = RepeatRule { per, within_days };
        let window = i64::from(within_days) * 86_400;
        for key in ledger.reported_between(ctx.now.plus_seconds(-window), ctx.now) {
            let Some(v) = ledger.view(key) else { continue };
            if !v.state().is_open() || !rule_applies(rule, v.category()) {
                continue;
            }
            let Some(place) = repeats.place(h, v.unit()) else {
                continue;
            };
            let same = repeats.same(ledger, &v, place, None).count();
            if same >= count as usize {
                out.push((
                    key,
                    Firing {
                        rule: ri,
                        breach: v.reported_at(),
                        subject: None,
                        why: Why::Repeats {
                            same,
                            within_days,
                            per: per.kind(),
                        },
                    },
                ));
            }
        }
    }
    out
}

fn event_trigger(h: &Hierarchy, v: &TicketView<'_>, trigger: &Trigger) -> Option<(Timestamp, Why)> {
    match trigger {
        Trigger::Refusal => v
            .last_time_of(ActionKind::RecordRefusal)
            .map(|t| (t, Why::Refusal(t))),
        Trigger::Unsatisfied => v.last_unsatisfied_visit().map(|t| (t, Why::Unsatisfied(t))),
        Trigger::Returns { at_least } => {
            let n = usize::try_from(*at_least).unwrap_or(usize::MAX).max(1);
            v.times_of(ActionKind::Return)
                .nth(n - 1)
                .map(|t| (t, Why::Returns(v.returns())))
        }
        Trigger::CrossesBoundaries { grids, departments } => {
            let mut seen_grids: Vec<NodeKey> = Vec::new();
            let mut seen_depts: Vec<NodeKey> = Vec::new();
            for k in v.assignees().chain(v.summoned()) {
                if h.kind_of(k) == Some(NodeKind::Department) {
                    if !seen_depts.contains(&k) {
                        seen_depts.push(k);
                    }
                    continue;
                }
                let grid = if h.kind_of(k) == Some(NodeKind::Grid) {
                    Some(k)
                } else {
                    h.acts_for(k)
                        .iter()
                        .find(|u| h.kind_of(**u) == Some(NodeKind::Grid))
                        .copied()
                };
                if let Some(g) = grid {
                    if !seen_grids.contains(&g) {
                        seen_grids.push(g);
                    }
                }
            }
            let hit = grids.is_some_and(|n| seen_grids.len() >= n as usize)
                || departments.is_some_and(|n| seen_depts.len() >= n as usize);
            hit.then(|| {
                // The breach is the ticket's latest dispatch or whistle (not the engine's own
                // escalation), so the rule fires once per crossing.
                let t = [
                    v.last_time_of(ActionKind::Dispatch),
                    v.last_time_of(ActionKind::Whistle),
                ]
                .into_iter()
                .flatten()
                .max()
                .unwrap_or_else(|| v.reported_at());
                (
                    t,
                    Why::Crosses {
                        grids: seen_grids.len(),
                        departments: seen_depts.len(),
                    },
                )
            })
        }
        _ => None,
    }
}
