//! Tickets (工单): resident requests and problems found on patrol, handled in a closed loop
//! (清单化、闭环式管理) with an append-only event log.
//!
//! A ticket follows the seven steps of GB/T 30428 (数字化城市管理信息系统) and the 12345
//! hotline loop (接诉即办): it is reported, filed (立案) or rejected (不予立案), dispatched
//! (派遣) to a unit or a person, signed for (签收) or returned (退单), handled (处置),
//! verified on site (核查), and closed (结案) after a return visit (回访) records the
//! resident's satisfaction. It can be suspended (挂起), extended (延期), parked (挂账),
//! merged into an original, escalated (升级) up the hierarchy, and can summon departments by
//! blowing the whistle (吹哨); each summoned department signs for it (报到) and reports its
//! part done.
//!
//! # The state machine
//!
//! One `match` in [`machine::next_state`] decides every transition; this table is that
//! match ("open" means any state but closed, rejected and merged):
//!
//! | action | from | to | guard |
//! |---|---|---|---|
//! | `report` | — | reported | creates the ticket |
//! | `confirm_on_site` 现场核实 | reported | reported | the report requires verification before filing |
//! | `file` 立案 | reported | filed | verified on site if that was required |
//! | `reject` 不予立案 | reported | rejected | a duplicate must name another ticket |
//! | `reopen` | rejected / closed | reported / in_progress | |
//! | `dispatch` 派遣 | filed | dispatched | the target is a unit, organisation or person that can act |
//! | `acknowledge` 签收 | dispatched | in_progress | |
//! | `return` 退单 | dispatched, in_progress | filed | back to the dispatcher; counted |
//! | `handle` 处置完成 | in_progress | handled | every summoned department reported or released |
//! | `verify` 核查 | handled | verified / in_progress | passed / failed |
//! | `visit` 回访 | verified | closed / in_progress | satisfied or basically satisfied / unsatisfied (counted as a reopening) |
//! | `close` 结案 | verified | closed | closing without a return visit |
//! | `suspend` 挂起 | filed, dispatched, in_progress, handled | suspended | |
//! | `resume` | suspended | the state it was suspended from | |
//! | `request_extension` 延期申请 | dispatched, in_progress | same | none pending; before the handling deadline |
//! | `decide_extension` | dispatched, in_progress | same | one pending; granting moves the deadline |
//! | `park` 挂账 | in_progress | parked | an extension was granted before |
//! | `unpark` | parked | in_progress | |
//! | `merge` 合并 | reported, filed, dispatched, in_progress, suspended | merged | into another ticket that is not merged |
//! | `escalate` 升级 | filed, dispatched, in_progress | dispatched | to a strict ancestor of the responsible unit |
//! | `whistle` 吹哨 | dispatched, in_progress | same | departments not already summoned |
//! | `sign_whistle` 报到 | dispatched, in_progress | same | by a summoned department, once |
//! | `report_whistle` | dispatched, in_progress | same | by a summoned department that signed, once |
//! | `release_whistle` | dispatched, in_progress | same | an outstanding summons |
//! | `record_refusal` | dispatched, in_progress | same | a responsible party refused (e.g. a shop owner) |
//! | `supervise` 督办, `remind` 催办, `set_deadline`, `rule_fired`, `recheck` | open | same | |
//!
//! # Who may act
//!
//! Every action is checked against the ledger's [`Authority`] (see [`authority`]): the
//! actor must hold one of the [roles](authority::Role) the authority allows for the action,
//! relative to the ticket (its holder and staff, the territorial unit 属地 and the units above
//! it, the Party organisation leading them, the supervising and commanding centres, summoned
//! departments, the host system `@system`), and must not belong to a set the authority
//! excludes from it (separation of duties: whoever handled a ticket may not verify, close or
//! rate it; whoever asked for an extension or returned a ticket may not decide it; the holder
//! never sets its own deadline; `rule_fired` and `recheck` are the host system's alone). A
//! dispatch goes within the dispatcher's territory or to a department whose jurisdiction
//! covers the ticket's place and category. A new ledger uses [`Authority::gbt30428`].
//!
//! The lifecycle is checked first (an action the state machine refuses is
//! [`TicketError::IllegalTransition`] whoever takes it), then the roles
//! ([`TicketError::Unauthorized`]), the conflicts ([`TicketError::SeparationOfDuty`]) and the
//! jurisdiction ([`TicketError::OutOfJurisdiction`]). [`Ledger::can`] and
//! [`Ledger::why_not`] ask before acting; [`Ledger::who_can`] lists who could act.
//! Authentication (who is really calling) is the host's job.
//!
//! # The event log
//!
//! Every accepted action becomes an [`Event`] appended to the ticket's log, and the ticket's
//! state is a fold over that log: [`Ledger::replay`] rebuilds it exactly. A refused action
//! changes nothing, neither the state nor the log. Times come from the caller and may not go
//! backwards within a ticket. Logs serialize to JSON lines with a hash chain (see [`log`]).

mod action;
pub(crate) mod action_de;
pub mod authority;
mod coded;
mod error;
mod guard;
mod ledger;
pub mod log;
pub mod machine;
mod record;
mod service;
pub mod table;
mod taxonomy;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::hierarchy::NodeId;
use crate::time::Timestamp;

pub use crate::text::SharedStr;
pub use crate::vocabulary::{Channel, DeadlineKind, Priority, RequestType, Satisfaction};
pub use action::{Action, ActionKind};
pub use authority::{Authority, Denial};
pub use coded::{coded_action, CodedReport, ACTION_CODES};
pub use error::{OutOfJurisdictionReason, TicketError};
pub(crate) use ledger::TOUCHED;
pub use ledger::{
    ActorKey, BulkAction, BulkItem, BulkReport, Ledger, ReplayError, TicketFacts, TicketKey,
    TicketView, Trust, MAX_TEXT_LEN,
};
pub use record::{Deadlines, Summons, TicketSnapshot};
pub use taxonomy::{Category, Taxonomy, TaxonomyError};

/// The years a ticket's events may be dated in, China time: 2000 to 2099. Grid governance
/// began in 2004 and 12345 hotline records in ledgers start in the 2000s; a time outside is
/// a partner system's mistake (an epoch default of 1970, a year typed as 2200), refused with
/// [`TicketError::TimeOutOfRange`].
pub const TICKET_YEARS: std::ops::RangeInclusive<i16> = 2000..=2099;

/// Whether an instant lies within [`TICKET_YEARS`] (China time).
pub fn within_ticket_years(t: crate::time::Timestamp) -> bool {
    // 2000-01-01T00:00:00+08:00 and 2100-01-01T00:00:00+08:00.
    (946_656_000..4_102_416_000).contains(&t.unix_seconds())
}

/// The id of a ticket, chosen by the caller (e.g. a 12345 work-order number).
///
/// Non-empty, at most 128 bytes, no whitespace or control characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TicketId(compact_str::CompactString);

impl TicketId {
    /// Checks and wraps an id.
    pub fn new(id: impl AsRef<str>) -> Result<TicketId, TicketError> {
        let id = id.as_ref();
        let reason = if id.is_empty() {
            Some("a ticket id must not be empty")
        } else if id.len() > 128 {
            Some("a ticket id must be at most 128 bytes")
        } else if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Some("a ticket id must not contain whitespace or control characters")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(TicketError::InvalidTicketId {
                ticket: id.to_owned(),
                reason,
            }),
            None => Ok(TicketId(compact_str::CompactString::new(id))),
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for TicketId {
    type Err = TicketError;
    fn from_str(s: &str) -> Result<TicketId, TicketError> {
        TicketId::new(s)
    }
}

impl Serialize for TicketId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TicketId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<TicketId, D::Error> {
        crate::strict_json::parse_str(deserializer, |s| TicketId::new(s))
    }
}

/// The state of a ticket. See the [module table](self#the-state-machine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum TicketState {
    /// 已上报: reported, waiting to be filed.
    Reported,
    /// 不予立案: not filed (duplicate, out of scope, not enough information).
    Rejected,
    /// 已立案: filed, waiting to be dispatched.
    Filed,
    /// 已派遣: dispatched, waiting to be signed for.
    Dispatched,
    /// 处置中: signed for and being handled.
    InProgress,
    /// 处置完成: handled, waiting for verification on site.
    Handled,
    /// 核查通过: verified, waiting for the return visit.
    Verified,
    /// 已结案: closed.
    Closed,
    /// 挂起: waiting on someone else; the clock is paused.
    Suspended,
    /// 挂账: unsolved after an extension, kept in the problem bank.
    Parked,
    /// 已合并: a duplicate merged into its original.
    Merged,
}

impl TicketState {
    /// Every state.
    pub const ALL: [TicketState; 11] = [
        TicketState::Reported,
        TicketState::Rejected,
        TicketState::Filed,
        TicketState::Dispatched,
        TicketState::InProgress,
        TicketState::Handled,
        TicketState::Verified,
        TicketState::Closed,
        TicketState::Suspended,
        TicketState::Parked,
        TicketState::Merged,
    ];

    /// Whether the ticket is still open (not closed, rejected or merged).
    pub const fn is_open(self) -> bool {
        !matches!(
            self,
            TicketState::Closed | TicketState::Rejected | TicketState::Merged
        )
    }

    /// The state stored as `self as u8` (the compact log), `Reported` for anything else.
    pub(crate) fn from_u8(v: u8) -> TicketState {
        TicketState::ALL
            .get(usize::from(v))
            .copied()
            .unwrap_or(TicketState::Reported)
    }

    /// The snake_case name used in every serialized format.
    pub const fn as_str(self) -> &'static str {
        match self {
            TicketState::Reported => "reported",
            TicketState::Rejected => "rejected",
            TicketState::Filed => "filed",
            TicketState::Dispatched => "dispatched",
            TicketState::InProgress => "in_progress",
            TicketState::Handled => "handled",
            TicketState::Verified => "verified",
            TicketState::Closed => "closed",
            TicketState::Suspended => "suspended",
            TicketState::Parked => "parked",
            TicketState::Merged => "merged",
        }
    }

    /// The Chinese term.
    pub const fn chinese(self) -> &'static str {
        match self {
            TicketState::Reported => "已上报",
            TicketState::Rejected => "不予立案",
            TicketState::Filed => "已立案",
            TicketState::Dispatched => "已派遣",
            TicketState::InProgress => "处置中",
            TicketState::Handled => "处置完成",
            TicketState::Verified => "核查通过",
            TicketState::Closed => "已结案",
            TicketState::Suspended => "挂起",
            TicketState::Parked => "挂账",
            TicketState::Merged => "已合并",
        }
    }
}

impl fmt::Display for TicketState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TicketState {
    type Err = TicketError;
    fn from_str(s: &str) -> Result<TicketState, TicketError> {
        TicketState::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| TicketError::UnknownName {
                what: "state",
                name: s.to_owned(),
            })
    }
}

// Reads the vocabulary enums (crate::vocabulary) from their snake_case names, refusing
// anything else with `TicketError::UnknownName`.
macro_rules! from_str_by_name {
    ($($name:ident),+) => {$(
        impl FromStr for $name {
            type Err = TicketError;
            fn from_str(s: &str) -> Result<$name, TicketError> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|k| k.as_str() == s)
                    .ok_or_else(|| TicketError::UnknownName { what: stringify!($name), name: s.to_owned() })
            }
        }
    )+};
}

from_str_by_name!(Channel, Priority, RequestType, Satisfaction, DeadlineKind);

impl DeadlineKind {
    /// Whether this deadline runs in a state: acknowledge while dispatched, handle while
    /// dispatched or in progress, verify while handled, reply until the ticket is closed.
    /// No deadline runs while a ticket is suspended or parked.
    pub const fn runs_in(self, state: TicketState) -> bool {
        use TicketState as S;
        match self {
            DeadlineKind::Acknowledge => matches!(state, S::Dispatched),
            DeadlineKind::Handle => matches!(state, S::Dispatched | S::InProgress),
            DeadlineKind::Verify => matches!(state, S::Handled),
            DeadlineKind::Reply => matches!(
                state,
                S::Reported | S::Filed | S::Dispatched | S::InProgress | S::Handled | S::Verified
            ),
        }
    }
}

/// Why a report was not filed (不予立案原因).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum RejectReason {
    /// 重复: a duplicate of another ticket.
    Duplicate {
        /// The original ticket.
        of: TicketId,
    },
    /// 不属于受理范围: out of scope.
    OutOfScope,
    /// 信息不全: not enough information.
    InsufficientInformation,
}

/// Who performs an action: a node of the hierarchy, or the host system running the
/// escalation engine. Serialized as the node id, or `"@system"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Actor {
    /// The host system (系统), for automatic actions.
    System,
    /// A unit, organisation or person of the hierarchy.
    Node(NodeId),
}

/// How [`Actor::System`] is written.
pub const SYSTEM_ACTOR: &str = "@system";

impl Actor {
    /// An actor from text: `"@system"` or a node id.
    pub fn parse(s: &str) -> Result<Actor, TicketError> {
        if s == SYSTEM_ACTOR {
            Ok(Actor::System)
        } else {
            NodeId::from_text(s)
                .map(Actor::Node)
                .map_err(|_| TicketError::UnknownActor {
                    actor: s.to_owned(),
                })
        }
    }

    /// The actor as text.
    pub fn as_str(&self) -> &str {
        match self {
            Actor::System => SYSTEM_ACTOR,
            Actor::Node(id) => id.as_str(),
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Actor {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Actor {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Actor, D::Error> {
        crate::strict_json::parse_str(deserializer, Actor::parse)
    }
}

/// A new ticket, as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewTicket {
    /// The ticket's id.
    pub id: TicketId,
    /// Its category code in the ledger's [`Taxonomy`].
    pub category: String,
    /// How it came in.
    #[serde(default)]
    pub channel: Channel,
    /// Where it arose: a territorial unit (typically a grid, compound or building).
    pub unit: NodeId,
    /// The unit that takes the case (受理单位); by default the nearest unit at grid level or
    /// above on the escalation chain of `unit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<NodeId>,
    /// An opaque id of the reporter (no personal data is required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter: Option<String>,
    /// How urgent it is.
    #[serde(default)]
    pub priority: Priority,
    /// What the resident asks for.
    #[serde(default)]
    pub request_type: RequestType,
    /// Whether it must be verified on site before it can be filed (公众举报须现场核实).
    #[serde(default)]
    pub verify_first: bool,
    /// A free-text description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl NewTicket {
    /// A ticket with defaults: found on grid patrol, normal priority, a request for help.
    pub fn new(id: &str, category: &str, unit: &str) -> Result<NewTicket, TicketError> {
        Ok(NewTicket {
            id: TicketId::new(id)?,
            category: category.to_owned(),
            channel: Channel::default(),
            unit: NodeId::from_text(unit).map_err(|_| TicketError::UnknownUnit {
                unit: unit.to_owned(),
            })?,
            holder: None,
            reporter: None,
            priority: Priority::default(),
            request_type: RequestType::default(),
            verify_first: false,
            description: None,
        })
    }
}

/// One entry of a ticket's log: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Event {
    /// The ticket.
    pub ticket: TicketId,
    /// The position in the ticket's log, from 0 (the report).
    pub seq: u32,
    /// When it happened.
    pub at: Timestamp,
    /// Who did it.
    pub actor: Actor,
    /// What was done.
    pub action: Action,
}

crate::names::deserialize_by_name!(TicketState: ALL, as_str);
