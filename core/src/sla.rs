//! Service levels (服务时限): which deadlines a ticket gets, and when they fall due.
//!
//! A [`ServicePolicy`] maps (category, priority, request type) to [`Targets`]: how long to
//! sign for a dispatch, to handle, to verify and to reply, each an [`Amount`] of working or
//! calendar time. The first matching rule wins.
//!
//! Each deadline has a clock: signing for and handling run from the latest
//! dispatch or escalation (so an escalated ticket gets fresh deadlines, renewed in working
//! time), verification from the latest handling, the reply from the report. A deadline is
//! the instant at which its budget has been used up, counting only working time for working
//! amounts, and never counting time the ticket spent suspended (挂起) after its clock
//! started. A granted extension (延期) replaces the handling deadline by the instant granted,
//! later suspensions still pushing it back. Because deadlines are computed from the log and
//! the budget, a policy change keeps the time already accrued: the new budget is measured
//! from the same clock start.
//!
//! A ledger with [`ServiceLevels`] attached ([`Ledger::set_service_levels`]) records every
//! change of a computed deadline as a `set_deadline` event (by `@system`), so the log stays
//! the single source of truth and replays without the policy.
//!
//! [`Ledger::set_service_levels`]: crate::ticket::Ledger::set_service_levels

use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError};
use crate::hierarchy::category_matches;
use crate::time::Timestamp;
use crate::vocabulary::{DeadlineKind, Priority, RequestType};

/// An amount of time, in working or calendar units.
///
/// Serialized as a one-key object: `{"workingHours": 2}`, `{"workingDays": 15}`,
/// `{"hours": 24}`, `{"days": 7}`, `{"minutes": 30}`, `{"workingMinutes": 90}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Amount {
    /// Minutes of working time.
    WorkingMinutes(u32),
    /// Hours of working time.
    WorkingHours(u32),
    /// Working days (工作日): until the end of working time on the n-th working day after
    /// the start day.
    WorkingDays(u32),
    /// Minutes of calendar (wall-clock) time.
    Minutes(u32),
    /// Hours of calendar time.
    Hours(u32),
    /// Calendar days counted by the Civil Code rule (Arts. 200–203): the first day is not
    /// counted, a period ending on a rest day ends on the next working day, at 24:00.
    Days(u32),
}

impl Amount {
    /// The instant this amount after `start`. Refused when the calendar does not cover a
    /// day the count reaches ([`CalendarError::BeyondCoverage`]) or the result is beyond the
    /// supported instants.
    pub fn after(self, start: Timestamp, calendar: &Calendar) -> Result<Timestamp, CalendarError> {
        let wall = |seconds: i64| {
            Timestamp::from_unix_seconds(start.unix_seconds() + seconds).map_err(|_| {
                CalendarError::OutOfRange {
                    from: start.to_string(),
                    amount: format!("{self:?}"),
                }
            })
        };
        match self {
            Amount::WorkingMinutes(m) => calendar.add_working_seconds(start, i64::from(m) * 60),
            Amount::WorkingHours(h) => calendar.add_working_seconds(start, i64::from(h) * 3600),
            Amount::WorkingDays(d) => calendar.add_working_days(start, d),
            Amount::Minutes(m) => wall(i64::from(m) * 60),
            Amount::Hours(h) => wall(i64::from(h) * 3600),
            Amount::Days(d) => calendar.period_deadline(start, d),
        }
    }

    /// Whether the amount counts working time only.
    pub fn is_working_time(self) -> bool {
        matches!(
            self,
            Amount::WorkingMinutes(_) | Amount::WorkingHours(_) | Amount::WorkingDays(_)
        )
    }

    /// Moves `due` later by the time of a pause `[from, to)`: the working time of the pause
    /// for working amounts, its wall-clock length otherwise.
    pub fn shift(
        self,
        due: Timestamp,
        from: Timestamp,
        to: Timestamp,
        calendar: &Calendar,
    ) -> Result<Timestamp, CalendarError> {
        if self.is_working_time() {
            calendar.add_working_seconds(due, calendar.working_seconds_between(from, to)?)
        } else {
            let pause = to.seconds_since(from).max(0);
            Timestamp::from_unix_seconds(due.unix_seconds() + pause).map_err(|_| {
                CalendarError::OutOfRange {
                    from: due.to_string(),
                    amount: format!("a pause of {pause} seconds"),
                }
            })
        }
    }

    /// This amount scaled by `percent` / 100, rounded down to the unit (at least 1 unless
    /// the amount was 0). Useful for what-if analyses ("a 20% shorter deadline").
    pub fn scaled(self, percent: u32) -> Amount {
        let s = |v: u32| -> u32 {
            let scaled = u64::from(v) * u64::from(percent) / 100;
            let scaled = u32::try_from(scaled).unwrap_or(u32::MAX);
            if v > 0 {
                scaled.max(1)
            } else {
                0
            }
        };
        match self {
            // Working days scale in working minutes of an 8-hour day would change the
            // meaning; scale the count of days instead.
            Amount::WorkingMinutes(v) => Amount::WorkingMinutes(s(v)),
            Amount::WorkingHours(v) => Amount::WorkingMinutes(s(v.saturating_mul(60))),
            Amount::WorkingDays(v) => Amount::WorkingDays(s(v)),
            Amount::Minutes(v) => Amount::Minutes(s(v)),
            Amount::Hours(v) => Amount::Minutes(s(v.saturating_mul(60))),
            Amount::Days(v) => Amount::Days(s(v)),
        }
    }
}

/// The deadlines a rule sets; unset targets give no deadline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Targets {
    /// To sign for a dispatch (签收).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledge: Option<Amount>,
    /// To finish handling (办结/处置).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<Amount>,
    /// To verify on site (核查).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<Amount>,
    /// To reply to the resident (答复).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<Amount>,
}

impl Targets {
    /// The target of one deadline kind.
    pub fn get(&self, kind: DeadlineKind) -> Option<Amount> {
        match kind {
            DeadlineKind::Acknowledge => self.acknowledge,
            DeadlineKind::Handle => self.handle,
            DeadlineKind::Verify => self.verify,
            DeadlineKind::Reply => self.reply,
        }
    }

    /// Every target scaled by `percent` / 100 (see [`Amount::scaled`]).
    pub fn scaled(&self, percent: u32) -> Targets {
        Targets {
            acknowledge: self.acknowledge.map(|a| a.scaled(percent)),
            handle: self.handle.map(|a| a.scaled(percent)),
            verify: self.verify.map(|a| a.scaled(percent)),
            reply: self.reply.map(|a| a.scaled(percent)),
        }
    }
}

/// One rule of a service policy: criteria (all optional) and targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceRule {
    /// A name for reports and explanations.
    pub name: String,
    /// A category pattern (`livelihood` covers `livelihood.parking`; `*` covers all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// A priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// A request type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_type: Option<RequestType>,
    /// The deadlines it sets.
    pub targets: Targets,
}

impl ServiceRule {
    /// Whether the rule applies to a ticket with these attributes.
    pub fn matches(&self, category: &str, priority: Priority, request_type: RequestType) -> bool {
        self.category
            .as_deref()
            .is_none_or(|p| category_matches(p, category))
            && self.priority.is_none_or(|p| p == priority)
            && self.request_type.is_none_or(|r| r == request_type)
    }
}

/// A service policy (时限标准): an ordered list of rules, the first match wins.
///
/// JSON (`wangge.service_policy` version 1):
///
/// ```json
/// {"format": "wangge.service_policy", "version": 1, "name": "12345 (Guangdong)",
///  "rules": [
///    {"name": "咨询", "requestType": "enquiry", "targets": {"acknowledge": {"workingHours": 2}, "handle": {"workingDays": 2}, "reply": {"workingDays": 2}}}
///  ]}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServicePolicy {
    /// Always `"wangge.service_policy"`.
    #[serde(default = "service_format")]
    pub format: String,
    /// Always 1.
    #[serde(default = "one")]
    pub version: u32,
    /// A name.
    pub name: String,
    /// The rules, first match wins.
    pub rules: Vec<ServiceRule>,
}

fn service_format() -> String {
    "wangge.service_policy".to_owned()
}

fn one() -> u32 {
    1
}

/// Why a policy was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum PolicyError {
    /// The document is not of a supported format and version.
    #[error("unsupported policy document: format {format:?} version {version}")]
    UnsupportedFormat {
        /// The format found.
        format: String,
        /// The version found.
        version: u32,
    },
    /// The document is not valid JSON for the format.
    #[error("malformed policy document: {message}")]
    Malformed {
        /// What the parser said.
        message: String,
    },
    /// A rule is inconsistent.
    #[error("policy rule {rule:?}: {reason}")]
    InvalidRule {
        /// The rule's name.
        rule: String,
        /// What is wrong.
        reason: String,
    },
    /// A scale of 0 %: every deadline would fall at the moment the ticket is filed.
    #[error("a policy cannot be scaled by {percent}%: give a positive percentage")]
    InvalidScale {
        /// The percentage given.
        percent: u32,
    },
}

impl PolicyError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            PolicyError::UnsupportedFormat { .. } => "policy.unsupported_format",
            PolicyError::Malformed { .. } => "policy.malformed",
            PolicyError::InvalidRule { .. } => "policy.invalid_rule",
            PolicyError::InvalidScale { .. } => "policy.invalid_scale",
        }
    }
}

fn rule(
    name: &str,
    category: Option<&str>,
    priority: Option<Priority>,
    request_type: Option<RequestType>,
    targets: Targets,
) -> ServiceRule {
    ServiceRule {
        name: name.to_owned(),
        category: category.map(str::to_owned),
        priority,
        request_type,
        targets,
    }
}

impl ServicePolicy {
    /// A policy of one rule: the same targets for every ticket.
    ///
    /// ```
    /// use wangge::sla::{Amount, ServicePolicy, Targets};
    /// let p = ServicePolicy::uniform("社区", Targets {
    ///     handle: Some(Amount::WorkingDays(3)),
    ///     ..Targets::default()
    /// });
    /// assert_eq!(p.rules.len(), 1);
    /// assert!(p.validate().is_ok());
    /// ```
    pub fn uniform(name: &str, targets: Targets) -> ServicePolicy {
        ServicePolicy {
            format: "wangge.service_policy".to_owned(),
            version: 1,
            name: name.to_owned(),
            rules: vec![rule("all", None, None, None, targets)],
        }
    }

    /// The first rule matching a ticket's attributes.
    pub fn rule_for(
        &self,
        category: &str,
        priority: Priority,
        request_type: RequestType,
    ) -> Option<&ServiceRule> {
        self.rules
            .iter()
            .find(|r| r.matches(category, priority, request_type))
    }

    /// Checks the format fields.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.format != "wangge.service_policy" || self.version != 1 {
            return Err(PolicyError::UnsupportedFormat {
                format: self.format.clone(),
                version: self.version,
            });
        }
        Ok(())
    }

    /// Reads a policy from JSON.
    pub fn from_json(text: &str) -> Result<ServicePolicy, PolicyError> {
        let p: ServicePolicy =
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

    /// The same policy with every target scaled by `percent` / 100 (what-if analyses).
    /// Refused for 0 % ([`PolicyError::InvalidScale`]); a target that is not zero stays at
    /// least one unit.
    pub fn scaled(&self, percent: u32) -> Result<ServicePolicy, PolicyError> {
        if percent == 0 {
            return Err(PolicyError::InvalidScale { percent });
        }
        Ok(ServicePolicy {
            name: format!("{} × {percent}%", self.name),
            rules: self
                .rules
                .iter()
                .map(|r| ServiceRule {
                    targets: r.targets.scaled(percent),
                    ..r.clone()
                })
                .collect(),
            ..self.clone()
        })
    }

    /// The 12345 hotline deadlines of Guangdong by request type: enquiries 2 working days;
    /// help requests and suggestions 10 working days; complaints and reports 15 working days.
    /// Signing for a dispatch within 2 working hours and verifying within 1 working day are
    /// added as common practice (not part of the published figure).
    pub fn hotline_12345_guangdong() -> ServicePolicy {
        let t = |days: u32| Targets {
            acknowledge: Some(Amount::WorkingHours(2)),
            handle: Some(Amount::WorkingDays(days)),
            verify: Some(Amount::WorkingDays(1)),
            reply: Some(Amount::WorkingDays(days)),
        };
        ServicePolicy {
            format: service_format(),
            version: 1,
            name: "12345 热线 (广东): 咨询2/求助建议10/投诉举报15个工作日".to_owned(),
            rules: vec![
                rule("咨询 enquiry", None, None, Some(RequestType::Enquiry), t(2)),
                rule("求助 help", None, None, Some(RequestType::Help), t(10)),
                rule(
                    "建议 suggestion",
                    None,
                    None,
                    Some(RequestType::Suggestion),
                    t(10),
                ),
                rule(
                    "投诉 complaint",
                    None,
                    None,
                    Some(RequestType::Complaint),
                    t(15),
                ),
                rule("举报 report", None, None, Some(RequestType::Report), t(15)),
            ],
        }
    }

    /// Beijing's draft service standard: emergencies 2 hours, water/power/gas/heating 24
    /// hours, ordinary requests 7 days, complex ones 15 days (calendar time; days by the
    /// Civil Code count).
    pub fn beijing_draft() -> ServicePolicy {
        let t = |amount: Amount| Targets {
            acknowledge: None,
            handle: Some(amount),
            verify: None,
            reply: Some(amount),
        };
        ServicePolicy {
            format: service_format(),
            version: 1,
            name: "北京 12345 服务标准(征求意见稿): 紧急2小时/水电气热24小时/一般7天/复杂15天"
                .to_owned(),
            rules: vec![
                rule(
                    "紧急 emergency",
                    None,
                    Some(Priority::Emergency),
                    None,
                    t(Amount::Hours(2)),
                ),
                rule(
                    "水电气热 utilities",
                    Some("livelihood.utilities"),
                    None,
                    None,
                    t(Amount::Hours(24)),
                ),
                rule(
                    "疑难复杂 complex",
                    None,
                    Some(Priority::Complex),
                    None,
                    t(Amount::Days(15)),
                ),
                rule("一般 ordinary", None, None, None, t(Amount::Days(7))),
            ],
        }
    }
}

/// A service policy and the working calendar it is counted in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ServiceLevels {
    /// The policy.
    pub policy: ServicePolicy,
    /// The calendar.
    pub calendar: Calendar,
}
