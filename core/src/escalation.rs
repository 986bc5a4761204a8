//! Escalation (升级): rules as data, a pure engine, the whistle (吹哨报到), and what-if replay.
//!
//! An [`EscalationPolicy`] is a list of [`Rule`]s, each a [`Trigger`] and the [`Response`]s
//! it calls for. [`evaluate`] looks at a ledger at an instant and returns [`Decision`]s —
//! which ticket, which action, which rule and why — in a deterministic order. Nothing
//! changes until the decisions are applied with [`apply`], which goes through the ticket
//! lifecycle (so every action is authorized, logged and replayable) and records a
//! `rule_fired` event for each firing, so that evaluating again never fires the same rule
//! twice for the same breach.
//!
//! Triggers:
//! - a deadline missed (超时), with an optional grace period; a warning before a deadline;
//! - a refusal recorded on the ticket (a responsible party will not act);
//! - repeated complaints (重复投诉): N or more tickets of the same category on the same
//!   compound or building within a window;
//! - a ticket that touches several grids or departments (it was bounced between them);
//! - a return count (退单) at or over a limit;
//! - an unsatisfied return visit;
//! - a summoned department late to sign for a whistle or to report (recorded on the ticket
//!   as the rule's subject, and counted by the metrics).
//!
//! Responses: remind (催办); escalate one level or to a named level, never above the
//! policy's top level (a unit with no parent stops there); whistle the departments with
//! jurisdiction over the ticket's unit for its category, each with its own deadlines to
//! sign for (报到) and to report; mark supervised (督办); and a notification record for the
//! host system (the library sends nothing itself).
//!
//! The engine finds what is due from the ledger's deadline index and attention set, so a
//! sweep touches the tickets that are due, not the whole ledger.

use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::hierarchy::{category_matches, Hierarchy, NodeId, NodeKey, NodeKind};
use crate::sla::{Amount, PolicyError, ServiceLevels};
use crate::ticket::{
    Action, ActionKind, ActorKey, DeadlineKind, Ledger, TicketError, TicketId, TicketKey,
    TicketState, TicketView,
};
use crate::time::Timestamp;

/// Which tickets count as repeats of each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RepeatScope {
    /// Tickets within the same compound (小区).
    Compound,
    /// Tickets within the same building (楼栋).
    Building,
}

/// What makes a rule fire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
#[non_exhaustive]
pub enum Trigger {
    /// A deadline was missed (超时), after an optional grace period.
    DeadlineMissed {
        /// Which deadline.
        deadline: DeadlineKind,
        /// How long after the deadline the rule waits.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grace: Option<Amount>,
    },
    /// A deadline is near: within `before` of falling due (a reminder, 预警).
    DeadlineApproaching {
        /// Which deadline.
        deadline: DeadlineKind,
        /// How long before it.
        before: Amount,
    },
    /// A responsible party's refusal was recorded on the ticket.
    Refusal,
    /// `count` or more tickets of the same category on the same place within `within_days`
    /// days (the ticket itself included).
    RepeatedComplaints {
        /// How many tickets.
        count: u32,
        /// The window, in calendar days.
        within_days: u32,
        /// Per compound or per building.
        per: RepeatScope,
    },
    /// The ticket has been dispatched to at least `grids` different grids or summoned or
    /// been dispatched to at least `departments` different departments.
    CrossesBoundaries {
        /// Distinct grids.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grids: Option<u32>,
        /// Distinct departments.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        departments: Option<u32>,
    },
    /// The ticket has been returned (退单) at least `at_least` times.
    Returns {
        /// The limit.
        at_least: u32,
    },
    /// A return visit found the resident unsatisfied.
    Unsatisfied,
    /// A summoned department missed its deadline to sign for the whistle or to report.
    SummonsLate,
}

impl Trigger {
    /// The snake_case name of the trigger.
    pub fn name(&self) -> &'static str {
        match self {
            Trigger::DeadlineMissed { .. } => "deadline_missed",
            Trigger::DeadlineApproaching { .. } => "deadline_approaching",
            Trigger::Refusal => "refusal",
            Trigger::RepeatedComplaints { .. } => "repeated_complaints",
            Trigger::CrossesBoundaries { .. } => "crosses_boundaries",
            Trigger::Returns { .. } => "returns",
            Trigger::Unsatisfied => "unsatisfied",
            Trigger::SummonsLate => "summons_late",
        }
    }
}

/// What a rule does when it fires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
#[non_exhaustive]
pub enum Response {
    /// 催办: remind the holder.
    Remind,
    /// 升级: escalate one level up, or to the nearest ancestor of a named level.
    Escalate {
        /// The level to escalate to; one level up if absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<NodeKind>,
    },
    /// 吹哨: summon the departments with jurisdiction over the ticket's unit for its
    /// category.
    Whistle {
        /// Time to sign for it (报到), e.g. 1 hour.
        sign_within: Amount,
        /// Time to report the part done, e.g. 3 or 5 working days.
        report_within: Amount,
    },
    /// 督办: mark the ticket supervised.
    Supervise,
    /// A notification record for the host system.
    Notify {
        /// To whom (free text for the host: a role, a unit id, a channel).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
        /// The message.
        message: String,
    },
}

/// One rule: a trigger, an optional category filter and responses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rule {
    /// A unique name (recorded on the ticket when the rule fires).
    pub name: String,
    /// Only tickets of this category pattern (`*` or absent: all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// When it fires.
    pub when: Trigger,
    /// What it does, in order.
    pub then: Vec<Response>,
}

/// An escalation policy (升级规则). JSON (`wangge.escalation_policy` version 1):
///
/// ```json
/// {"format": "wangge.escalation_policy", "version": 1, "name": "standard", "top": "district",
///  "rules": [
///    {"name": "handle-overdue", "when": {"type": "deadline_missed", "deadline": "handle"},
///     "then": [{"type": "escalate"}, {"type": "supervise"}]},
///    {"name": "refusal-whistle", "when": {"type": "refusal"},
///     "then": [{"type": "whistle", "signWithin": {"hours": 1}, "reportWithin": {"workingDays": 3}}]}
///  ]}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EscalationPolicy {
    /// Always `"wangge.escalation_policy"`.
    #[serde(default = "policy_format")]
    pub format: String,
    /// Always 1.
    #[serde(default = "one")]
    pub version: u32,
    /// A name.
    pub name: String,
    /// The highest level a ticket may be escalated to (e.g. `district`); no limit if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top: Option<NodeKind>,
    /// The rules.
    pub rules: Vec<Rule>,
}

fn policy_format() -> String {
    "wangge.escalation_policy".to_owned()
}

fn one() -> u32 {
    1
}

impl EscalationPolicy {
    /// Checks the format fields, unique non-empty rule names and territorial levels.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.format != "wangge.escalation_policy" || self.version != 1 {
            return Err(PolicyError::UnsupportedFormat {
                format: self.format.clone(),
                version: self.version,
            });
        }
        let invalid = |rule: &str, reason: &str| PolicyError::InvalidRule {
            rule: rule.to_owned(),
            reason: reason.to_owned(),
        };
        if self.top.is_some_and(|k| !k.is_territorial()) {
            return Err(invalid("", "the top level must be a territorial level"));
        }
        for (i, r) in self.rules.iter().enumerate() {
            if r.name.is_empty() {
                return Err(invalid("", "every rule needs a name"));
            }
            if self.rules.iter().take(i).any(|o| o.name == r.name) {
                return Err(invalid(&r.name, "rule names must be unique"));
            }
            if r.then.is_empty() {
                return Err(invalid(&r.name, "a rule needs at least one response"));
            }
            for resp in &r.then {
                if let Response::Escalate { to: Some(k) } = resp {
                    if !k.is_territorial() {
                        return Err(invalid(&r.name, "escalation goes to a territorial level"));
                    }
                }
            }
            if let Trigger::RepeatedComplaints { count, .. } = r.when {
                if count < 2 {
                    return Err(invalid(&r.name, "a repeat needs a count of at least 2"));
                }
            }
        }
        Ok(())
    }

    /// Reads and validates a policy from JSON.
    pub fn from_json(text: &str) -> Result<EscalationPolicy, PolicyError> {
        let p: EscalationPolicy =
            serde_json::from_str(text).map_err(|e| PolicyError::Malformed {
                message: e.to_string(),
            })?;
        p.validate()?;
        Ok(p)
    }

    /// The policy as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A policy assembled from the practices in `docs/DOMAIN.md` §3: a reminder 2 working hours
    /// before the handling deadline; a formal reminder and supervision once it is missed;
    /// escalation one level up after a working day's grace; escalation and a whistle (sign
    /// within 1 hour, report within 3 working days) when a responsible party refuses;
    /// supervision of a ticket returned twice or visited unsatisfied; supervision and a
    /// notice for a department late to a whistle; a notice for 3 complaints of the same
    /// category in one compound within 30 days. Escalation never goes above the district.
    pub fn standard() -> EscalationPolicy {
        let rule = |name: &str, when: Trigger, then: Vec<Response>| Rule {
            name: name.to_owned(),
            category: None,
            when,
            then,
        };
        EscalationPolicy {
            format: policy_format(),
            version: 1,
            name: "standard".to_owned(),
            top: Some(NodeKind::District),
            rules: vec![
                rule(
                    "handle-warning",
                    Trigger::DeadlineApproaching {
                        deadline: DeadlineKind::Handle,
                        before: Amount::WorkingHours(2),
                    },
                    vec![Response::Remind],
                ),
                rule(
                    "handle-overdue",
                    Trigger::DeadlineMissed {
                        deadline: DeadlineKind::Handle,
                        grace: None,
                    },
                    vec![Response::Remind, Response::Supervise],
                ),
                rule(
                    "handle-overdue-escalate",
                    Trigger::DeadlineMissed {
                        deadline: DeadlineKind::Handle,
                        grace: Some(Amount::WorkingDays(1)),
                    },
                    vec![Response::Escalate { to: None }],
                ),
                rule(
                    "refusal",
                    Trigger::Refusal,
                    vec![
                        Response::Escalate { to: None },
                        Response::Whistle {
                            sign_within: Amount::Hours(1),
                            report_within: Amount::WorkingDays(3),
                        },
                    ],
                ),
                rule(
                    "returned-twice",
                    Trigger::Returns { at_least: 2 },
                    vec![Response::Supervise],
                ),
                rule(
                    "unsatisfied",
                    Trigger::Unsatisfied,
                    vec![Response::Supervise],
                ),
                rule(
                    "summons-late",
                    Trigger::SummonsLate,
                    vec![
                        Response::Supervise,
                        Response::Notify {
                            to: Some("district-evaluation".to_owned()),
                            message: "summoned department late (部门报到超时)".to_owned(),
                        },
                    ],
                ),
                rule(
                    "repeated-complaints",
                    Trigger::RepeatedComplaints {
                        count: 3,
                        within_days: 30,
                        per: RepeatScope::Compound,
                    },
                    vec![Response::Notify {
                        to: None,
                        message: "repeated complaints (重复投诉)".to_owned(),
                    }],
                ),
            ],
        }
    }
}

/// What a decision does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
#[non_exhaustive]
pub enum Effect {
    /// A lifecycle action by `@system`.
    Act {
        /// The action.
        action: Action,
    },
    /// A notification record for the host system to deliver.
    Notify {
        /// To whom.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
        /// The message.
        message: String,
    },
}

/// One decision of the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Decision {
    /// The ticket.
    pub ticket: TicketId,
    /// The rule that fired.
    pub rule: String,
    /// Its trigger (snake_case name).
    pub trigger: String,
    /// What fired it: the deadline missed or approached, or the triggering event's time.
    pub breach: Timestamp,
    /// The department concerned, for a late summons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<NodeId>,
    /// Why, in Chinese and English.
    pub reason: String,
    /// What to do.
    pub effect: Effect,
}

/// Why a rule fires; rendered into a reason only for the firings that are kept.
#[derive(Debug, Clone)]
enum Why {
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

#[derive(Debug, Clone)]
struct Firing {
    rule: usize,
    breach: Timestamp,
    subject: Option<NodeKey>,
    why: Why,
}

fn deadline_label(kind: DeadlineKind) -> &'static str {
    match kind {
        DeadlineKind::Acknowledge => "签收时限 acknowledgement deadline",
        DeadlineKind::Handle => "处置时限 handling deadline",
        DeadlineKind::Verify => "核查时限 verification deadline",
        DeadlineKind::Reply => "答复时限 reply deadline",
    }
}

fn rule_applies(rule: &Rule, category: &str) -> bool {
    rule.category
        .as_deref()
        .is_none_or(|p| category_matches(p, category))
}

/// The target of an escalation from `home`: one level up, or the nearest strict ancestor of
/// a given level, never above `top`.
pub fn escalation_target(
    h: &Hierarchy,
    home: NodeKey,
    to: Option<NodeKind>,
    top: Option<NodeKind>,
) -> Option<NodeKey> {
    let chain = h.chain_keys(home);
    let above = chain.get(1..).unwrap_or(&[]);
    let level = |k: &NodeKey| h.kind_of(*k).and_then(NodeKind::level).unwrap_or(0);
    let mut target = match to {
        None => above.first().copied(),
        Some(kind) => above.iter().find(|k| h.kind_of(**k) == Some(kind)).copied(),
    }?;
    if let Some(top_level) = top.and_then(NodeKind::level) {
        if level(&target) < top_level {
            // The highest ancestor still at or below the top level.
            target = above
                .iter()
                .rev()
                .find(|k| level(k) >= top_level)
                .copied()?;
        }
    }
    Some(target)
}

struct Context<'a> {
    now: Timestamp,
    policy: &'a EscalationPolicy,
    calendar: &'a Calendar,
    horizon: Timestamp,
    /// Whether some rule reacts to what other rules do (a warning on a renewed deadline,
    /// a boundary crossed by a whistle): then decisions are checked on a copy of the ticket
    /// and evaluated again there.
    reactive: bool,
}

/// Evaluates a policy over a ledger at `now` and returns the decisions, in a deterministic
/// order (by ticket, then rule, then breach). The ledger is not changed; apply the
/// decisions with [`apply`]. Working-time amounts are counted in `calendar`.
///
/// The hierarchy is the ledger's own ([`Ledger::hierarchy`]), so tickets and units can never
/// be mismatched. Candidates come from the ledger's deadline index (up to the farthest
/// warning horizon), its summons deadlines, its attention set and its recent reports, so a
/// sweep touches what is due rather than every ticket. Deadline entries that no rule can act
/// on any more get a `recheck` decision that moves them out of the index (or to the next
/// rule's threshold), so later sweeps do not visit them again.
///
/// When a rule reacts to what others do (a warning on a deadline an escalation renews, a
/// boundary crossed by a whistle), each ticket's decisions are checked on a copy of the
/// ticket and evaluated again there until nothing new fires, so that evaluating again at the
/// same instant after applying them yields nothing.
pub fn evaluate(
    now: Timestamp,
    ledger: &Ledger,
    policy: &EscalationPolicy,
    calendar: &Calendar,
) -> Vec<Decision> {
    let rules = &policy.rules;
    let has = |f: fn(&Trigger) -> bool| rules.iter().any(|r| f(&r.when));
    let ctx = Context {
        now,
        policy,
        calendar,
        horizon: rules
            .iter()
            .filter_map(|r| match &r.when {
                Trigger::DeadlineApproaching { before, .. } => Some(before.after(now, calendar)),
                _ => None,
            })
            .fold(now, |a, b| a.max(b)),
        reactive: has(|t| {
            matches!(
                t,
                Trigger::DeadlineApproaching { .. } | Trigger::CrossesBoundaries { .. }
            )
        }),
    };
    // Candidates, each with the deadline kinds found due in the index (a bit per kind).
    let mut candidates: Vec<(TicketKey, u8)> = Vec::new();
    if has(|t| {
        matches!(
            t,
            Trigger::DeadlineMissed { .. } | Trigger::DeadlineApproaching { .. }
        )
    }) {
        candidates.extend(
            ledger
                .due_until(ctx.horizon)
                .map(|(_, k, kind)| (k, 1u8 << (kind as u8))),
        );
    }
    if has(|t| matches!(t, Trigger::SummonsLate)) {
        candidates.extend(ledger.summons_due_until(now).map(|(_, k)| (k, 0)));
    }
    if has(|t| {
        matches!(
            t,
            Trigger::Refusal
                | Trigger::Unsatisfied
                | Trigger::Returns { .. }
                | Trigger::CrossesBoundaries { .. }
        )
    }) {
        candidates.extend(ledger.needing_attention().map(|k| (k, 0)));
    }
    let mut repeats = repeated_complaints(ledger, &ctx);
    candidates.extend(repeats.iter().map(|(k, _)| (*k, 0)));
    candidates.sort_unstable_by_key(|(k, _)| *k);
    candidates.dedup_by(|a, b| {
        if a.0 == b.0 {
            b.1 |= a.1;
            true
        } else {
            false
        }
    });
    repeats.sort_by_key(|(k, _)| *k);

    let mut decisions = Vec::new();
    for (key, kinds) in candidates {
        let Some(v) = ledger.view(key) else { continue };
        let mut firings = detect(ledger, &v, &ctx);
        firings.extend(
            repeats
                .iter()
                .filter(|(k, _)| *k == key)
                .map(|(_, f)| f.clone()),
        );
        settle(ledger, &v, &ctx, &mut firings);
        let rechecks = rechecks(&v, &ctx, kinds, &firings);
        if !firings.is_empty() || !rechecks.is_empty() {
            decide_ticket(ledger, &ctx, key, firings, rechecks, &mut decisions);
        }
    }
    decisions
}

/// Drops firings already recorded on the ticket, and orders and dedups the rest.
fn settle(ledger: &Ledger, v: &TicketView<'_>, ctx: &Context<'_>, firings: &mut Vec<Firing>) {
    let h = &**ledger.hierarchy();
    firings.retain(|f| {
        let Some(rule) = ctx.policy.rules.get(f.rule) else {
            return false;
        };
        let subject = f.subject.and_then(|k| h.id(k)).map(NodeId::as_str);
        !v.has_fired(&rule.name, f.breach, subject)
    });
    firings.sort_by_key(|f| (f.rule, f.breach, f.subject));
    firings.dedup_by(|a, b| (a.rule, a.breach, a.subject) == (b.rule, b.breach, b.subject));
}

/// For each deadline found in the index: when the engine next needs to look at it. `None`
/// inside means never again for its current due instant.
fn rechecks(
    v: &TicketView<'_>,
    ctx: &Context<'_>,
    kinds: u8,
    firings: &[Firing],
) -> Vec<(DeadlineKind, Option<Timestamp>)> {
    let mut out = Vec::new();
    for kind in DeadlineKind::ALL.iter().copied() {
        if kinds & (1 << (kind as u8)) == 0 {
            continue;
        }
        let Some(due) = v.deadline(kind) else {
            continue;
        };
        let mut next: Option<Timestamp> = None;
        let mut stay = false;
        if kind.runs_in(v.state()) {
            for (ri, rule) in ctx.policy.rules.iter().enumerate() {
                if !rule_applies(rule, v.category()) {
                    continue;
                }
                let fired = || {
                    firings.iter().any(|f| f.rule == ri && f.breach == due)
                        || v.has_fired(&rule.name, due, None)
                };
                match &rule.when {
                    Trigger::DeadlineMissed { deadline, grace }
                        if *deadline == kind && !fired() =>
                    {
                        let at = grace
                            .map_or(due, |g| g.after(due, ctx.calendar))
                            .plus_seconds(1);
                        next = Some(next.map_or(at, |n| n.min(at)));
                    }
                    Trigger::DeadlineApproaching { deadline, .. }
                        if *deadline == kind && ctx.now <= due && !fired() =>
                    {
                        stay = true;
                    }
                    _ => {}
                }
            }
        }
        if !stay && next != Some(due) {
            out.push((kind, next));
        }
    }
    out
}

/// Every per-ticket trigger that holds now (repeated complaints aside).
fn detect(ledger: &Ledger, v: &TicketView<'_>, ctx: &Context<'_>) -> Vec<Firing> {
    let h = &**ledger.hierarchy();
    let (now, cal) = (ctx.now, ctx.calendar);
    let mut out = Vec::new();
    if !v.state().is_open() {
        return out;
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
                let threshold = grace.map_or(due, |g| g.after(due, cal));
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
                if now <= due && before.after(now, cal) >= due {
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
    out
}

/// Firings of repeated-complaint rules among the tickets reported within their windows.
fn repeated_complaints(ledger: &Ledger, ctx: &Context<'_>) -> Vec<(TicketKey, Firing)> {
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
        let window = i64::from(within_days) * 86_400;
        let kind = match per {
            RepeatScope::Compound => NodeKind::Compound,
            RepeatScope::Building => NodeKind::Building,
        };
        for key in ledger.reported_between(ctx.now.plus_seconds(-window), ctx.now) {
            let Some(v) = ledger.view(key) else { continue };
            if !v.state().is_open() || !rule_applies(rule, v.category()) {
                continue;
            }
            let unit = v.unit();
            let place = if h.kind_of(unit) == Some(kind) {
                Some(unit)
            } else {
                h.ancestor_key_of_kind(unit, kind)
            };
            let Some(place) = place else { continue };
            let (from, to) = (v.reported_at().plus_seconds(-window), v.reported_at());
            let same = std::iter::once(place)
                .chain(h.descendant_keys(place).iter().copied())
                .flat_map(|u| ledger.arisen_in(u).iter())
                .filter_map(|k| ledger.view(TicketKey::from_index(*k)))
                .filter(|o| {
                    o.category() == v.category() && o.reported_at() >= from && o.reported_at() <= to
                })
                .count();
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
                            per: kind,
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

/// The running state of one ticket's responses within a sweep.
struct GroupState {
    home: NodeKey,
    summoned: Vec<NodeKey>,
}

impl GroupState {
    fn of(v: &TicketView<'_>) -> GroupState {
        GroupState {
            home: v.responsible_unit(),
            summoned: v.outstanding_summons().collect(),
        }
    }
}

fn decide_ticket(
    ledger: &Ledger,
    ctx: &Context<'_>,
    key: TicketKey,
    mut firings: Vec<Firing>,
    rechecks: Vec<(DeadlineKind, Option<Timestamp>)>,
    out: &mut Vec<Decision>,
) {
    let h = &**ledger.hierarchy();
    let Some(v) = ledger.view(key) else { return };
    let ticket = v.id().clone();
    let decision =
        |rule: &str, trigger: &str, f: Option<&Firing>, reason: String, effect| Decision {
            ticket: ticket.clone(),
            rule: rule.to_owned(),
            trigger: trigger.to_owned(),
            breach: f.map_or(ctx.now, |f| f.breach),
            subject: f.and_then(|f| f.subject).and_then(|k| h.id(k)).cloned(),
            reason,
            effect,
        };
    // Index bookkeeping first: it refers to the deadlines as they stand now.
    for (deadline, at) in &rechecks {
        let reason = match at {
            Some(t) => format!(
                "{} 复查于 {t} / look again at {t}",
                deadline_label(*deadline)
            ),
            None => format!(
                "{} 无待触发规则 / no rule left to fire",
                deadline_label(*deadline)
            ),
        };
        out.push(decision(
            "",
            "recheck",
            None,
            reason,
            Effect::Act {
                action: Action::Recheck {
                    deadline: *deadline,
                    at: *at,
                },
            },
        ));
    }
    if !ctx.reactive {
        // Check each action against the ticket as it stands (the engine's actions do not
        // depend on each other's state changes here).
        let mut state = GroupState::of(&v);
        for f in &firings {
            let Some(rule) = ctx.policy.rules.get(f.rule) else {
                continue;
            };
            let reason = f.why.render(h);
            for effect in responses(h, &v, ctx, rule, f, &reason, &mut state) {
                let keep = match &effect {
                    Effect::Act { action } => {
                        ledger.check(key, ActorKey::SYSTEM, ctx.now, action).is_ok()
                    }
                    Effect::Notify { .. } => true,
                };
                if keep {
                    out.push(decision(
                        &rule.name,
                        rule.when.name(),
                        Some(f),
                        reason.clone(),
                        effect,
                    ));
                }
            }
        }
        return;
    }
    // Apply the responses on a copy and look again until nothing new fires.
    let Some(mut scratch) = ledger.scratch(key) else {
        return;
    };
    let scratch_key = TicketKey::from_index(0);
    for (deadline, at) in &rechecks {
        let _ = scratch.apply_key(
            scratch_key,
            ActorKey::SYSTEM,
            ctx.now,
            &Action::Recheck {
                deadline: *deadline,
                at: *at,
            },
        );
    }
    for _round in 0..4 {
        if firings.is_empty() {
            break;
        }
        for f in &firings {
            let Some(rule) = ctx.policy.rules.get(f.rule) else {
                continue;
            };
            let Some(sv) = scratch.view(scratch_key) else {
                break;
            };
            let mut state = GroupState::of(&sv);
            let reason = f.why.render(h);
            let effects = responses(h, &sv, ctx, rule, f, &reason, &mut state);
            for effect in effects {
                let keep = match &effect {
                    Effect::Act { action } => scratch
                        .apply_key(scratch_key, ActorKey::SYSTEM, ctx.now, action)
                        .is_ok(),
                    Effect::Notify { .. } => true,
                };
                if keep {
                    out.push(decision(
                        &rule.name,
                        rule.when.name(),
                        Some(f),
                        reason.clone(),
                        effect,
                    ));
                }
            }
        }
        let Some(sv) = scratch.view(scratch_key) else {
            break;
        };
        firings = detect(&scratch, &sv, ctx);
        settle(&scratch, &sv, ctx, &mut firings);
    }
}

/// The effects of one firing, ending with its `rule_fired` marker.
fn responses(
    h: &Hierarchy,
    v: &TicketView<'_>,
    ctx: &Context<'_>,
    rule: &Rule,
    f: &Firing,
    reason: &str,
    state: &mut GroupState,
) -> Vec<Effect> {
    let mut out = Vec::new();
    for resp in &rule.then {
        let action = match resp {
            Response::Remind => Some(Action::Remind {
                deadline: match rule.when {
                    Trigger::DeadlineMissed { deadline, .. }
                    | Trigger::DeadlineApproaching { deadline, .. } => deadline,
                    _ => DeadlineKind::Handle,
                },
            }),
            Response::Supervise => Some(Action::Supervise {
                note: Some(format!("{}: {reason}", rule.name)),
            }),
            Response::Escalate { to } => escalation_target(h, state.home, *to, ctx.policy.top)
                .and_then(|target| {
                    state.home = target;
                    h.id(target).map(|id| Action::Escalate {
                        to: Some(id.clone()),
                        return_to: None,
                    })
                }),
            Response::Whistle {
                sign_within,
                report_within,
            } => {
                let mut depts = Vec::new();
                h.departments_for_key(v.unit(), v.category(), &mut depts);
                depts.retain(|d| !state.summoned.contains(d));
                state.summoned.extend(depts.iter().copied());
                (!depts.is_empty()).then(|| Action::Whistle {
                    departments: depts.iter().filter_map(|d| h.id(*d)).cloned().collect(),
                    sign_by: Some(sign_within.after(ctx.now, ctx.calendar)),
                    report_by: Some(report_within.after(ctx.now, ctx.calendar)),
                })
            }
            Response::Notify { to, message } => {
                out.push(Effect::Notify {
                    to: to.clone(),
                    message: message.clone(),
                });
                None
            }
        };
        if let Some(action) = action {
            out.push(Effect::Act { action });
        }
    }
    out.push(Effect::Act {
        action: Action::RuleFired {
            rule: rule.name.clone(),
            breach: f.breach,
            subject: f.subject.and_then(|k| h.id(k)).cloned(),
        },
    });
    out
}

/// The outcome of applying one decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    /// The decision's position in the input.
    pub index: usize,
    /// The ticket's state afterwards, or why the lifecycle refused the action.
    pub result: Result<TicketState, TicketError>,
}

/// Applies decisions through the ticket lifecycle, as `@system` at `now`, in order.
/// Notifications change nothing (the host delivers them); their `rule_fired` marker is what
/// records them. Returns one result per decision that acts.
pub fn apply(ledger: &mut Ledger, decisions: &[Decision], now: Timestamp) -> Vec<Applied> {
    let mut out = Vec::new();
    // Decisions come grouped by ticket: look each ticket up once.
    let mut last: Option<(&TicketId, Option<TicketKey>)> = None;
    for (index, d) in decisions.iter().enumerate() {
        if let Effect::Act { action } = &d.effect {
            let key = match last {
                Some((id, key)) if id == &d.ticket => key,
                _ => {
                    let key = ledger.key(d.ticket.as_str());
                    last = Some((&d.ticket, key));
                    key
                }
            };
            let result = match key {
                Some(key) => ledger.apply_key(key, ActorKey::SYSTEM, now, action),
                None => Err(TicketError::UnknownTicket {
                    ticket: d.ticket.to_string(),
                }),
            };
            out.push(Applied { index, result });
        }
    }
    out
}

/// Evaluates and applies in one step; returns the decisions taken.
pub fn sweep(
    ledger: &mut Ledger,
    now: Timestamp,
    policy: &EscalationPolicy,
    calendar: &Calendar,
) -> Vec<Decision> {
    let decisions = evaluate(now, ledger, policy, calendar);
    apply(ledger, &decisions, now);
    decisions
}

// ----- what-if -----------------------------------------------------------------------------

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
) -> WhatIf {
    let mut changed = Vec::new();
    let mut totals = WhatIfTotals::default();
    for v in ledger.tickets() {
        let (Some(a), Some(b)) = (
            course(ledger, &v, baseline, horizon),
            course(ledger, &v, alternative, horizon),
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
    WhatIf { changed, totals }
}

fn course(
    ledger: &Ledger,
    v: &TicketView<'_>,
    (levels, policy): (&ServiceLevels, &EscalationPolicy),
    horizon: Timestamp,
) -> Option<Course> {
    let h = &**ledger.hierarchy();
    let start = v.times_of(ActionKind::Dispatch).next()?;
    let stop = v
        .times_of(ActionKind::Handle)
        .find(|t| *t >= start)
        .unwrap_or(horizon)
        .min(horizon.max(start));
    let rule = levels
        .policy
        .rule_for(v.category(), v.priority(), v.request_type())?;
    let amount = rule.targets.handle?;
    let cal = &levels.calendar;
    let pauses: Vec<(Timestamp, Timestamp)> = v
        .times_of(ActionKind::Suspend)
        .zip(v.times_of(ActionKind::Resume))
        .filter(|(s, _)| *s >= start)
        .collect();
    let due_from = |from: Timestamp| -> Timestamp {
        let mut due = amount.after(from, cal);
        for (s, e) in &pauses {
            if *s >= from && *s < due {
                due = amount.shift(due, *s, *e, cal);
            }
        }
        due
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
    let mut due = due_from(start);
    // Bounded: a breach per deadline period until the clock stops.
    while due < stop && c.breaches < 1000 {
        c.breaches += 1;
        let mut next_from = due;
        if let Some((to, grace)) = escalating.first() {
            let at = grace.map_or(due, |g| g.after(due, cal));
            if at < stop {
                if let Some(target) = escalation_target(h, home, *to, policy.top) {
                    home = target;
                    c.escalations += 1;
                    c.level = h.kind_of(home);
                    next_from = at;
                }
            }
        }
        let next = due_from(next_from);
        if next <= due {
            break;
        }
        due = next;
    }
    Some(c)
}

crate::names::deserialize_by_name!(RepeatScope { Compound = "compound", Building = "building" });
