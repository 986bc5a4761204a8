//! Reading an [`Action`] (and a [`RejectReason`]) from its JSON shape.
//!
//! The shape is serde's internally tagged form, `{"type": "dispatch", "to": "…"}`, but the
//! derived reader for that form buffers every object into serde's `Content` tree before it
//! looks at the tag: slower on the hot path (every line of an event log holds an action), and
//! some 60 KB of WebAssembly for this enum alone. Here the object is read once into a flat
//! record of every field any action has, then checked against the fields its `type` allows
//! and requires, in one table. The written form is unchanged (still the derived `Serialize`);
//! `tests/ticket.rs` round-trips every action kind and refuses a foreign or missing field.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

use super::{
    Action, ActionKind, Channel, DeadlineKind, NewTicket, Priority, RejectReason, RequestType,
    Satisfaction, TicketId, TicketState,
};
use crate::hierarchy::NodeId;
use crate::time::Timestamp;

/// Every field an action may carry, as its bit in [`Flat::present`].
const FIELDS: [&str; 33] = [
    "id",
    "category",
    "channel",
    "unit",
    "holder",
    "reporter",
    "priority",
    "requestType",
    "verifyFirst",
    "description",
    "reason",
    "note",
    "to",
    "outcome",
    "passed",
    "satisfaction",
    "until",
    "granted",
    "into",
    "returnTo",
    "departments",
    "signBy",
    "reportBy",
    "department",
    "party",
    "deadline",
    "due",
    "rule",
    "breach",
    "subject",
    "at",
    "state",
    "status",
];

#[allow(clippy::indexing_slicing)] // const evaluation: out of bounds fails to compile
const fn bit(name: &str) -> u64 {
    let mut i = 0;
    while i < FIELDS.len() {
        if const_eq(FIELDS[i], name) {
            return 1 << i;
        }
        i += 1;
    }
    // A misspelt name in the table below fails to compile.
    #[allow(clippy::panic)]
    {
        panic!("not a field of any action")
    }
}

#[allow(clippy::indexing_slicing)] // i < len on both sides
const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The fields of one kind: those it requires and those it may carry besides.
struct Shape {
    required: u64,
    optional: u64,
}

macro_rules! fields {
    ($($name:literal),* $(,)?) => { 0 $(| bit($name))* };
}

/// The fields each kind takes, by [`ActionKind`] as `u8`.
const fn shape(kind: ActionKind) -> Shape {
    use ActionKind as K;
    let (required, optional) = match kind {
        K::Report => (
            fields!("id", "category", "unit"),
            fields!(
                "channel",
                "holder",
                "reporter",
                "priority",
                "requestType",
                "verifyFirst",
                "description"
            ),
        ),
        K::Reject => (fields!("reason"), fields!("note")),
        K::Reopen => (0, fields!("reason")),
        K::Dispatch => (fields!("to"), 0),
        K::Return | K::Suspend | K::Park => (fields!("reason"), 0),
        K::Handle => (fields!("outcome"), 0),
        K::Verify => (fields!("passed"), fields!("note")),
        K::Visit => (fields!("satisfaction"), 0),
        K::RequestExtension => (fields!("until", "reason"), 0),
        K::DecideExtension => (fields!("granted"), 0),
        K::Merge => (fields!("into"), 0),
        K::Escalate => (0, fields!("to", "returnTo")),
        K::Whistle => (fields!("departments"), fields!("signBy", "reportBy")),
        K::ReportWhistle | K::Supervise => (0, fields!("note")),
        K::ReleaseWhistle => (fields!("department"), 0),
        K::RecordRefusal => (fields!("party"), fields!("note")),
        K::Remind => (fields!("deadline"), 0),
        K::SetDeadline => (fields!("deadline", "due"), 0),
        K::RuleFired => (fields!("rule", "breach"), fields!("subject")),
        K::Recheck => (fields!("deadline"), fields!("at")),
        K::Import => (fields!("state", "status"), fields!("note")),
        K::ConfirmOnSite
        | K::File
        | K::Acknowledge
        | K::Close
        | K::Resume
        | K::Unpark
        | K::SignWhistle => (0, 0),
    };
    Shape { required, optional }
}

/// `reason` is a [`RejectReason`] object in `reject` and text elsewhere.
enum Reason {
    Text(String),
    Reject(RejectReason),
}

impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Reason, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Reason;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a reason: text, or an object with a `kind` for `reject`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Reason, E> {
                Ok(Reason::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Reason, E> {
                Ok(Reason::Text(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Reason, A::Error> {
                RejectReason::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(Reason::Reject)
            }
        }
        d.deserialize_any(V)
    }
}

/// Every field of every action, as read.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Flat {
    #[serde(rename = "type")]
    kind: ActionKind,
    id: Option<TicketId>,
    category: Option<String>,
    channel: Option<Channel>,
    unit: Option<NodeId>,
    holder: Option<NodeId>,
    reporter: Option<String>,
    priority: Option<Priority>,
    request_type: Option<RequestType>,
    verify_first: Option<bool>,
    description: Option<String>,
    reason: Option<Reason>,
    note: Option<String>,
    to: Option<NodeId>,
    outcome: Option<String>,
    passed: Option<bool>,
    satisfaction: Option<Satisfaction>,
    until: Option<Timestamp>,
    granted: Option<bool>,
    into: Option<TicketId>,
    return_to: Option<NodeId>,
    departments: Option<Vec<NodeId>>,
    sign_by: Option<Timestamp>,
    report_by: Option<Timestamp>,
    department: Option<NodeId>,
    party: Option<String>,
    deadline: Option<DeadlineKind>,
    due: Option<Timestamp>,
    rule: Option<String>,
    breach: Option<Timestamp>,
    subject: Option<NodeId>,
    at: Option<Timestamp>,
    state: Option<TicketState>,
    status: Option<String>,
}

impl Flat {
    /// The fields present, one bit each in the order of [`FIELDS`].
    fn present(&self) -> u64 {
        let flags = [
            self.id.is_some(),
            self.category.is_some(),
            self.channel.is_some(),
            self.unit.is_some(),
            self.holder.is_some(),
            self.reporter.is_some(),
            self.priority.is_some(),
            self.request_type.is_some(),
            self.verify_first.is_some(),
            self.description.is_some(),
            self.reason.is_some(),
            self.note.is_some(),
            self.to.is_some(),
            self.outcome.is_some(),
            self.passed.is_some(),
            self.satisfaction.is_some(),
            self.until.is_some(),
            self.granted.is_some(),
            self.into.is_some(),
            self.return_to.is_some(),
            self.departments.is_some(),
            self.sign_by.is_some(),
            self.report_by.is_some(),
            self.department.is_some(),
            self.party.is_some(),
            self.deadline.is_some(),
            self.due.is_some(),
            self.rule.is_some(),
            self.breach.is_some(),
            self.subject.is_some(),
            self.at.is_some(),
            self.state.is_some(),
            self.status.is_some(),
        ];
        flags
            .iter()
            .enumerate()
            .fold(0, |acc, (i, &on)| if on { acc | 1 << i } else { acc })
    }

    fn into_action<E: de::Error>(self) -> Result<Action, E> {
        let kind = self.kind;
        let shape = shape(kind);
        let present = self.present();
        let name = |bits: u64| {
            FIELDS
                .get(bits.trailing_zeros() as usize)
                .copied()
                .unwrap_or("?")
        };
        let foreign = present & !(shape.required | shape.optional);
        if foreign != 0 {
            return Err(E::custom(format_args!(
                "unknown field `{}` in a `{}` action",
                name(foreign),
                kind.as_str()
            )));
        }
        let missing = shape.required & !present;
        if missing != 0 {
            return Err(E::custom(format_args!(
                "missing field `{}` in a `{}` action",
                name(missing),
                kind.as_str()
            )));
        }
        // Every required field is present (checked above); `need` turns the Option into the
        // value without a panic path.
        fn need<T, E: de::Error>(v: Option<T>, field: &'static str) -> Result<T, E> {
            v.ok_or_else(|| E::missing_field(field))
        }
        let text = |r: Option<Reason>, kind: ActionKind| -> Result<Option<String>, E> {
            match r {
                None => Ok(None),
                Some(Reason::Text(t)) => Ok(Some(t)),
                Some(Reason::Reject(_)) => Err(E::custom(format_args!(
                    "the reason of a `{}` action is text, not an object",
                    kind.as_str()
                ))),
            }
        };
        use ActionKind as K;
        Ok(match kind {
            K::Report => Action::Report(Box::new(NewTicket {
                id: need(self.id, "id")?,
                category: need(self.category, "category")?,
                channel: self.channel.unwrap_or_default(),
                unit: need(self.unit, "unit")?,
                holder: self.holder,
                reporter: self.reporter,
                priority: self.priority.unwrap_or_default(),
                request_type: self.request_type.unwrap_or_default(),
                verify_first: self.verify_first.unwrap_or(false),
                description: self.description,
            })),
            K::ConfirmOnSite => Action::ConfirmOnSite,
            K::File => Action::File,
            K::Reject => match need(self.reason, "reason")? {
                Reason::Reject(reason) => Action::Reject {
                    reason,
                    note: self.note,
                },
                Reason::Text(_) => {
                    return Err(E::custom(
                        "the reason of a `reject` action is an object with a `kind`",
                    ))
                }
            },
            K::Reopen => Action::Reopen {
                reason: text(self.reason, kind)?,
            },
            K::Dispatch => Action::Dispatch {
                to: need(self.to, "to")?,
            },
            K::Acknowledge => Action::Acknowledge,
            K::Return => Action::Return {
                reason: need(text(self.reason, kind)?, "reason")?,
            },
            K::Handle => Action::Handle {
                outcome: need(self.outcome, "outcome")?,
            },
            K::Verify => Action::Verify {
                passed: need(self.passed, "passed")?,
                note: self.note,
            },
            K::Visit => Action::Visit {
                satisfaction: need(self.satisfaction, "satisfaction")?,
            },
            K::Close => Action::Close,
            K::Suspend => Action::Suspend {
                reason: need(text(self.reason, kind)?, "reason")?,
            },
            K::Resume => Action::Resume,
            K::RequestExtension => Action::RequestExtension {
                until: need(self.until, "until")?,
                reason: need(text(self.reason, kind)?, "reason")?,
            },
            K::DecideExtension => Action::DecideExtension {
                granted: need(self.granted, "granted")?,
            },
            K::Park => Action::Park {
                reason: need(text(self.reason, kind)?, "reason")?,
            },
            K::Unpark => Action::Unpark,
            K::Merge => Action::Merge {
                into: need(self.into, "into")?,
            },
            K::Escalate => Action::Escalate {
                to: self.to,
                return_to: self.return_to,
            },
            K::Whistle => Action::Whistle {
                departments: need(self.departments, "departments")?,
                sign_by: self.sign_by,
                report_by: self.report_by,
            },
            K::SignWhistle => Action::SignWhistle,
            K::ReportWhistle => Action::ReportWhistle { note: self.note },
            K::ReleaseWhistle => Action::ReleaseWhistle {
                department: need(self.department, "department")?,
            },
            K::RecordRefusal => Action::RecordRefusal {
                party: need(self.party, "party")?,
                note: self.note,
            },
            K::Supervise => Action::Supervise { note: self.note },
            K::Remind => Action::Remind {
                deadline: need(self.deadline, "deadline")?,
            },
            K::SetDeadline => Action::SetDeadline {
                deadline: need(self.deadline, "deadline")?,
                due: need(self.due, "due")?,
            },
            K::RuleFired => Action::RuleFired {
                rule: need(self.rule, "rule")?.into(),
                breach: need(self.breach, "breach")?,
                subject: self.subject,
            },
            K::Recheck => Action::Recheck {
                deadline: need(self.deadline, "deadline")?,
                at: self.at,
            },
            K::Import => Action::Import {
                state: need(self.state, "state")?,
                status: need(self.status, "status")?,
                note: self.note,
            },
        })
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Action, D::Error> {
        Flat::deserialize(d)?.into_action()
    }
}

/// Why a report was not filed, as read: `{"kind": "duplicate", "of": "…"}` or a kind alone.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlatReject {
    kind: RejectKind,
    of: Option<TicketId>,
}

#[derive(Clone, Copy)]
enum RejectKind {
    Duplicate,
    OutOfScope,
    InsufficientInformation,
}

crate::names::deserialize_by_name!(RejectKind {
    Duplicate = "duplicate",
    OutOfScope = "out_of_scope",
    InsufficientInformation = "insufficient_information",
});

impl<'de> Deserialize<'de> for RejectReason {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RejectReason, D::Error> {
        let flat = FlatReject::deserialize(d)?;
        match (flat.kind, flat.of) {
            (RejectKind::Duplicate, Some(of)) => Ok(RejectReason::Duplicate { of }),
            (RejectKind::Duplicate, None) => Err(de::Error::missing_field("of")),
            (RejectKind::OutOfScope, None) => Ok(RejectReason::OutOfScope),
            (RejectKind::InsufficientInformation, None) => {
                Ok(RejectReason::InsufficientInformation)
            }
            (_, Some(_)) => Err(de::Error::custom(
                "unknown field `of`: only a `duplicate` names another ticket",
            )),
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// A JSON value simple enough for [`action_from_pairs`]: text without escapes, or a boolean.
#[derive(Clone, Copy)]
pub(crate) enum Simple<'a> {
    Str(&'a str),
    Bool(bool),
    /// An instant already read (an Arrow timestamp): only the instant fields take it.
    #[cfg_attr(not(feature = "arrow"), allow(dead_code))]
    Time(Timestamp),
}

#[cfg(not(target_arch = "wasm32"))]
/// Reads a `T` from a simple value through `T`'s own `Deserialize`, as serde_json hands it a
/// string (`visit_borrowed_str`) or a boolean (`visit_bool`): the same value, or `None` where
/// serde_json would give an error.
fn simple<'a, T: Deserialize<'a>>(value: Simple<'a>) -> Option<T> {
    use serde::de::value::{BoolDeserializer, BorrowedStrDeserializer, Error};
    match value {
        Simple::Str(s) => T::deserialize(BorrowedStrDeserializer::<Error>::new(s)).ok(),
        Simple::Bool(b) => T::deserialize(BoolDeserializer::<Error>::new(b)).ok(),
        Simple::Time(_) => None,
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// [`fill`] for an instant field, which also takes an instant already read.
fn fill_time<'a>(slot: &mut Option<Timestamp>, value: Simple<'a>) -> Option<()> {
    match value {
        Simple::Time(t) if slot.is_none() => {
            *slot = Some(t);
            Some(())
        }
        _ => fill(slot, value),
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// Fills an optional field once: `None` (no action) for a second value of the same field or
/// a value the field's type does not read.
fn fill<'a, T: Deserialize<'a>>(slot: &mut Option<T>, value: Simple<'a>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(simple(value)?);
    Some(())
}

#[cfg(not(target_arch = "wasm32"))]
/// The action an object of simple members reads to, built as the serde reader builds it
/// (the same [`Flat`] record, checked by the same table), or `None` where the serde reader
/// gives an error or the object has a member this does not read (a null, a number, an array
/// or an object): the caller then reads the object with serde, which gives the verdict. The
/// fast path of reading a log line (`ticket::log`).
pub(crate) fn action_from_pairs<'a>(
    kind: &'a str,
    pairs: &[(&'a str, Simple<'a>)],
) -> Option<Action> {
    let mut f = Flat {
        kind: simple(Simple::Str(kind))?,
        id: None,
        category: None,
        channel: None,
        unit: None,
        holder: None,
        reporter: None,
        priority: None,
        request_type: None,
        verify_first: None,
        description: None,
        reason: None,
        note: None,
        to: None,
        outcome: None,
        passed: None,
        satisfaction: None,
        until: None,
        granted: None,
        into: None,
        return_to: None,
        departments: None,
        sign_by: None,
        report_by: None,
        department: None,
        party: None,
        deadline: None,
        due: None,
        rule: None,
        breach: None,
        subject: None,
        at: None,
        state: None,
        status: None,
    };
    for &(key, value) in pairs {
        match key {
            "id" => fill(&mut f.id, value),
            "category" => fill(&mut f.category, value),
            "channel" => fill(&mut f.channel, value),
            "unit" => fill(&mut f.unit, value),
            "holder" => fill(&mut f.holder, value),
            "reporter" => fill(&mut f.reporter, value),
            "priority" => fill(&mut f.priority, value),
            "requestType" => fill(&mut f.request_type, value),
            "verifyFirst" => fill(&mut f.verify_first, value),
            "description" => fill(&mut f.description, value),
            "reason" => fill(&mut f.reason, value),
            "note" => fill(&mut f.note, value),
            "to" => fill(&mut f.to, value),
            "outcome" => fill(&mut f.outcome, value),
            "passed" => fill(&mut f.passed, value),
            "satisfaction" => fill(&mut f.satisfaction, value),
            "until" => fill_time(&mut f.until, value),
            "granted" => fill(&mut f.granted, value),
            "into" => fill(&mut f.into, value),
            "returnTo" => fill(&mut f.return_to, value),
            "signBy" => fill_time(&mut f.sign_by, value),
            "reportBy" => fill_time(&mut f.report_by, value),
            "department" => fill(&mut f.department, value),
            "party" => fill(&mut f.party, value),
            "deadline" => fill(&mut f.deadline, value),
            "due" => fill_time(&mut f.due, value),
            "rule" => fill(&mut f.rule, value),
            "state" => fill(&mut f.state, value),
            "status" => fill(&mut f.status, value),
            "breach" => fill_time(&mut f.breach, value),
            "subject" => fill(&mut f.subject, value),
            "at" => fill_time(&mut f.at, value),
            // `departments` is an array, `type` twice a duplicate, anything else unknown.
            _ => None,
        }?;
    }
    f.into_action::<serde::de::value::Error>().ok()
}
