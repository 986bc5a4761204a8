//! Reading [`Trigger`], [`Response`] and [`Effect`] from their JSON shapes, internally tagged
//! by `type` (`{"type": "deadline_missed", "deadline": "handle"}`), through a flat record per
//! enum instead of serde's `Content` buffering (see `crate::flat`). The written form is the
//! derived `Serialize`; the tests below read back every variant and refuse foreign, missing
//! and mistyped fields by name.

use serde::de::{self, Deserializer};
use serde::Deserialize;

use super::decide::Effect;
use super::policy::{Response, Trigger};
use crate::flat::{check, need, present};
use crate::hierarchy::NodeKind;
use crate::repeats::RepeatScope;
use crate::sla::Amount;
use crate::ticket::{Action, DeadlineKind};

#[derive(Clone, Copy)]
enum TriggerKind {
    DeadlineMissed,
    DeadlineApproaching,
    Refusal,
    RepeatedComplaints,
    CrossesBoundaries,
    Returns,
    Unsatisfied,
    SummonsLate,
}

crate::names::deserialize_by_name!(TriggerKind {
    DeadlineMissed = "deadline_missed",
    DeadlineApproaching = "deadline_approaching",
    Refusal = "refusal",
    RepeatedComplaints = "repeated_complaints",
    CrossesBoundaries = "crosses_boundaries",
    Returns = "returns",
    Unsatisfied = "unsatisfied",
    SummonsLate = "summons_late",
});

const TRIGGER_FIELDS: [&str; 9] = [
    "deadline",
    "grace",
    "before",
    "count",
    "withinDays",
    "per",
    "grids",
    "departments",
    "atLeast",
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FlatTrigger {
    #[serde(rename = "type")]
    kind: TriggerKind,
    deadline: Option<DeadlineKind>,
    grace: Option<Amount>,
    before: Option<Amount>,
    count: Option<u32>,
    within_days: Option<u32>,
    per: Option<RepeatScope>,
    grids: Option<u32>,
    departments: Option<u32>,
    at_least: Option<u32>,
}

impl<'de> Deserialize<'de> for Trigger {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Trigger, D::Error> {
        let f = FlatTrigger::deserialize(d)?;
        let on = present(&[
            f.deadline.is_some(),
            f.grace.is_some(),
            f.before.is_some(),
            f.count.is_some(),
            f.within_days.is_some(),
            f.per.is_some(),
            f.grids.is_some(),
            f.departments.is_some(),
            f.at_least.is_some(),
        ]);
        use TriggerKind as K;
        let (name, required, optional): (&str, &[&str], &[&str]) = match f.kind {
            K::DeadlineMissed => ("deadline_missed", &["deadline"], &["grace"]),
            K::DeadlineApproaching => ("deadline_approaching", &["deadline", "before"], &[]),
            K::Refusal => ("refusal", &[], &[]),
            K::RepeatedComplaints => ("repeated_complaints", &["count", "withinDays", "per"], &[]),
            K::CrossesBoundaries => ("crosses_boundaries", &[], &["grids", "departments"]),
            K::Returns => ("returns", &["atLeast"], &[]),
            K::Unsatisfied => ("unsatisfied", &[], &[]),
            K::SummonsLate => ("summons_late", &[], &[]),
        };
        check(&TRIGGER_FIELDS, on, required, optional, name, "trigger")?;
        Ok(match f.kind {
            K::DeadlineMissed => Trigger::DeadlineMissed {
                deadline: need(f.deadline, "deadline")?,
                grace: f.grace,
            },
            K::DeadlineApproaching => Trigger::DeadlineApproaching {
                deadline: need(f.deadline, "deadline")?,
                before: need(f.before, "before")?,
            },
            K::Refusal => Trigger::Refusal,
            K::RepeatedComplaints => Trigger::RepeatedComplaints {
                count: need(f.count, "count")?,
                within_days: need(f.within_days, "withinDays")?,
                per: need(f.per, "per")?,
            },
            K::CrossesBoundaries => Trigger::CrossesBoundaries {
                grids: f.grids,
                departments: f.departments,
            },
            K::Returns => Trigger::Returns {
                at_least: need(f.at_least, "atLeast")?,
            },
            K::Unsatisfied => Trigger::Unsatisfied,
            K::SummonsLate => Trigger::SummonsLate,
        })
    }
}

#[derive(Clone, Copy)]
enum ResponseKind {
    Remind,
    Escalate,
    Whistle,
    Supervise,
    Notify,
}

crate::names::deserialize_by_name!(ResponseKind {
    Remind = "remind",
    Escalate = "escalate",
    Whistle = "whistle",
    Supervise = "supervise",
    Notify = "notify",
});

const RESPONSE_FIELDS: [&str; 4] = ["to", "signWithin", "reportWithin", "message"];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FlatResponse {
    #[serde(rename = "type")]
    kind: ResponseKind,
    /// A level (`escalate`) or free text (`notify`).
    to: Option<String>,
    sign_within: Option<Amount>,
    report_within: Option<Amount>,
    message: Option<String>,
}

impl<'de> Deserialize<'de> for Response {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Response, D::Error> {
        let f = FlatResponse::deserialize(d)?;
        let on = present(&[
            f.to.is_some(),
            f.sign_within.is_some(),
            f.report_within.is_some(),
            f.message.is_some(),
        ]);
        use ResponseKind as K;
        let (name, required, optional): (&str, &[&str], &[&str]) = match f.kind {
            K::Remind => ("remind", &[], &[]),
            K::Escalate => ("escalate", &[], &["to"]),
            K::Whistle => ("whistle", &["signWithin", "reportWithin"], &[]),
            K::Supervise => ("supervise", &[], &[]),
            K::Notify => ("notify", &["message"], &["to"]),
        };
        check(&RESPONSE_FIELDS, on, required, optional, name, "response")?;
        Ok(match f.kind {
            K::Remind => Response::Remind,
            K::Escalate => Response::Escalate {
                to: match f.to {
                    Some(level) => Some(NodeKind::deserialize(de::value::StrDeserializer::<
                        D::Error,
                    >::new(&level))?),
                    None => None,
                },
            },
            K::Whistle => Response::Whistle {
                sign_within: need(f.sign_within, "signWithin")?,
                report_within: need(f.report_within, "reportWithin")?,
            },
            K::Supervise => Response::Supervise,
            K::Notify => Response::Notify {
                to: f.to,
                message: need(f.message, "message")?,
            },
        })
    }
}

#[derive(Clone, Copy)]
enum EffectKind {
    Act,
    Notify,
}

crate::names::deserialize_by_name!(EffectKind {
    Act = "act",
    Notify = "notify",
});

const EFFECT_FIELDS: [&str; 3] = ["action", "to", "message"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlatEffect {
    #[serde(rename = "type")]
    kind: EffectKind,
    action: Option<Action>,
    to: Option<String>,
    message: Option<String>,
}

impl<'de> Deserialize<'de> for Effect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Effect, D::Error> {
        let f = FlatEffect::deserialize(d)?;
        let on = present(&[f.action.is_some(), f.to.is_some(), f.message.is_some()]);
        let (name, required, optional): (&str, &[&str], &[&str]) = match f.kind {
            EffectKind::Act => ("act", &["action"], &[]),
            EffectKind::Notify => ("notify", &["message"], &["to"]),
        };
        check(&EFFECT_FIELDS, on, required, optional, name, "effect")?;
        Ok(match f.kind {
            EffectKind::Act => Effect::Act {
                action: need(f.action, "action")?,
            },
            EffectKind::Notify => Effect::Notify {
                to: f.to,
                message: need(f.message, "message")?,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consultation::{Basis, RulePreset};
    use crate::ticket::{ActionKind, Satisfaction};
    use serde::de::DeserializeOwned;
    use serde::Serialize;
    use std::fmt::Debug;

    /// Writes `value`, reads it back, and checks the text is written again unchanged.
    fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: T) {
        let text = serde_json::to_string(&value).unwrap_or_default();
        let back: T = serde_json::from_str(&text).unwrap_or_else(|e| unreachable!("{text}: {e}"));
        assert_eq!(back, value, "{text}");
        assert_eq!(serde_json::to_string(&back).unwrap_or_default(), text);
    }

    /// Reading `text` as a `T` fails with a message containing `needle`.
    fn refused<T: DeserializeOwned + Debug>(text: &str, needle: &str) {
        match serde_json::from_str::<T>(text) {
            Ok(v) => unreachable!("{text} read as {v:?}"),
            Err(e) => assert!(e.to_string().contains(needle), "{text}: {e}"),
        }
    }

    #[test]
    fn every_trigger_reads_back_what_it_writes() {
        let hours = Amount::WorkingHours(2);
        for t in [
            Trigger::DeadlineMissed {
                deadline: DeadlineKind::Handle,
                grace: None,
            },
            Trigger::DeadlineMissed {
                deadline: DeadlineKind::Acknowledge,
                grace: Some(Amount::Minutes(30)),
            },
            Trigger::DeadlineApproaching {
                deadline: DeadlineKind::Verify,
                before: hours,
            },
            Trigger::Refusal,
            Trigger::RepeatedComplaints {
                count: 3,
                within_days: 30,
                per: RepeatScope::Building,
            },
            Trigger::CrossesBoundaries {
                grids: Some(2),
                departments: None,
            },
            Trigger::CrossesBoundaries {
                grids: None,
                departments: Some(3),
            },
            Trigger::CrossesBoundaries {
                grids: None,
                departments: None,
            },
            Trigger::Returns { at_least: 2 },
            Trigger::Unsatisfied,
            Trigger::SummonsLate,
        ] {
            round_trip(t);
        }
    }

    #[test]
    fn every_response_reads_back_what_it_writes() {
        for r in [
            Response::Remind,
            Response::Escalate { to: None },
            Response::Escalate {
                to: Some(NodeKind::Street),
            },
            Response::Whistle {
                sign_within: Amount::Hours(1),
                report_within: Amount::WorkingDays(3),
            },
            Response::Supervise,
            Response::Notify {
                to: None,
                message: "超时".into(),
            },
            Response::Notify {
                to: Some("street-office".into()),
                message: "late".into(),
            },
        ] {
            round_trip(r);
        }
    }

    #[test]
    fn every_effect_reads_back_what_it_writes() {
        for e in [
            Effect::Act {
                action: Action::Supervise { note: None },
            },
            Effect::Act {
                action: Action::Visit {
                    satisfaction: Satisfaction::Satisfied,
                },
            },
            Effect::Notify {
                to: None,
                message: "m".into(),
            },
            Effect::Notify {
                to: Some("x".into()),
                message: "m".into(),
            },
        ] {
            round_trip(e);
        }
        assert_eq!(ActionKind::Supervise.as_str(), "supervise");
    }

    #[test]
    fn every_preset_reads_back_what_it_writes() {
        for p in [
            RulePreset::CivilCode278Ordinary,
            RulePreset::CivilCode278Special,
            RulePreset::CivilCode279Unanimity {
                owners: vec!["o1".into(), "o2".into()],
            },
            RulePreset::ResidentsMeeting,
            RulePreset::ElevatorInstallation {
                units: vec!["3-2-101".into()],
            },
            RulePreset::ConsensusOfAttendees {
                basis: Basis::Households,
            },
            RulePreset::TwoThirdsOfRepresentatives,
        ] {
            round_trip(p);
        }
    }

    #[test]
    fn foreign_missing_and_mistyped_fields_are_refused_by_name() {
        refused::<Trigger>(
            r#"{"type": "refusal", "count": 3}"#,
            "unknown field `count`",
        );
        refused::<Trigger>(
            r#"{"type": "deadline_missed", "before": {"hours": 1}, "deadline": "handle"}"#,
            "unknown field `before`",
        );
        refused::<Trigger>(
            r#"{"type": "returns", "colour": 1}"#,
            "unknown field `colour`",
        );
        refused::<Trigger>(r#"{"type": "deadline_missed"}"#, "missing field `deadline`");
        refused::<Trigger>(
            r#"{"type": "repeated_complaints", "count": 3, "per": "building"}"#,
            "missing field `withinDays`",
        );
        refused::<Trigger>(r#"{"type": "returns", "atLeast": "two"}"#, "invalid type");
        refused::<Trigger>(r#"{"type": "teleport"}"#, "unknown variant `teleport`");
        refused::<Trigger>(r#"{"count": 3}"#, "missing field `type`");

        refused::<Response>(
            r#"{"type": "remind", "to": "street"}"#,
            "unknown field `to`",
        );
        refused::<Response>(r#"{"type": "notify"}"#, "missing field `message`");
        refused::<Response>(
            r#"{"type": "whistle", "signWithin": {"hours": 1}}"#,
            "missing field `reportWithin`",
        );
        refused::<Response>(
            r#"{"type": "escalate", "to": "moon"}"#,
            "unknown variant `moon`",
        );
        refused::<Response>(r#"{"type": "notify", "message": 5}"#, "invalid type");

        refused::<Effect>(r#"{"type": "act"}"#, "missing field `action`");
        refused::<Effect>(
            r#"{"type": "act", "action": {"type": "close"}, "message": "m"}"#,
            "unknown field `message`",
        );
        refused::<Effect>(
            r#"{"type": "act", "action": {"type": "dispatch"}}"#,
            "missing field `to`",
        );

        refused::<RulePreset>(
            r#"{"preset": "residents_meeting", "units": []}"#,
            "unknown field `units`",
        );
        refused::<RulePreset>(
            r#"{"preset": "elevator_installation"}"#,
            "missing field `units`",
        );
        refused::<RulePreset>(
            r#"{"preset": "consensus_of_attendees", "basis": "votes"}"#,
            "unknown variant `votes`",
        );
        refused::<RulePreset>(r#"{"preset": "nope"}"#, "unknown variant `nope`");
    }
}
