//! The policy document (`wangge.escalation_policy`): triggers, responses, rules, reading,
//! checking and writing it, and the `standard` preset.

use serde::{Deserialize, Serialize};

use crate::hierarchy::{category_matches, NodeKind};
use crate::repeats::RepeatScope;
use crate::sla::{Amount, PolicyError};
use crate::ticket::DeadlineKind;

/// What makes a rule fire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
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

/// The level of a grid ([`NodeKind::level`]): the lowest level that handles cases.
const GRID_LEVEL: u8 = 5;

impl EscalationPolicy {
    /// Checks the format fields, unique non-empty rule names and the levels: `top` and every
    /// escalation's `to` are territorial levels from the grid up.
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
        // Cases are handled from the grid up: a compound or a building is a place, never a
        // level an escalation can reach (it goes up, and they lie below every grid).
        let handles = |k: NodeKind| k.level().is_some_and(|l| l <= GRID_LEVEL);
        if self.top.is_some_and(|k| !handles(k)) {
            return Err(invalid(
                "",
                "the top level must be a territorial level from the grid up",
            ));
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
                    if !handles(*k) {
                        return Err(invalid(
                            &r.name,
                            "escalation goes to a territorial level from the grid up",
                        ));
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
            crate::strict_json::from_str(text).map_err(|e| PolicyError::Malformed {
                message: e.to_string(),
            })?;
        p.validate()?;
        Ok(p)
    }

    /// The policy as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A policy assembled from published practice: cases move up the hierarchy when a
    /// deadline passes (超时), the responsible party refuses, or the same complaint repeats
    /// (重复投诉); a reminder comes before a deadline and a formal notice once it is missed;
    /// a summoned department signs for a whistle within 1 hour and reports within 3 working
    /// days (Nanjing Gulou's work-progress whistle; Beijing's 街乡吹哨、部门报到, 2018). Its rules:
    /// a reminder 2 working hours
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

/// Whether a rule looks at tickets of this category.
pub(super) fn rule_applies(rule: &Rule, category: &str) -> bool {
    rule.category
        .as_deref()
        .is_none_or(|p| category_matches(p, category))
}
