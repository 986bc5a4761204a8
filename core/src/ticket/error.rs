use serde::Serialize;

use super::authority::{Conflict, RoleSet};
use super::{ActionKind, TicketState};
use crate::calendar::CalendarError;
use crate::time::Timestamp;

/// Why an action on a ticket was refused. A refused action changes nothing: neither the
/// ticket's state nor its log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum TicketError {
    /// The ticket id is empty, too long, or contains whitespace or control characters.
    #[error("invalid ticket id {ticket:?}: {reason}")]
    InvalidTicketId {
        /// The id given.
        ticket: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// No ticket with this id in the ledger.
    #[error("no ticket {ticket:?}")]
    UnknownTicket {
        /// The id given.
        ticket: String,
    },
    /// A ticket with this id already exists.
    #[error("ticket {ticket:?} already exists")]
    DuplicateTicket {
        /// The id given.
        ticket: String,
    },
    /// The actor is neither `@system` nor a live node of the hierarchy.
    #[error("unknown actor {actor:?}")]
    UnknownActor {
        /// The actor given.
        actor: String,
    },
    /// A unit named by the action is not a live node of the hierarchy.
    #[error("unknown unit {unit:?}")]
    UnknownUnit {
        /// The id given.
        unit: String,
    },
    /// The category is not in the ledger's taxonomy.
    #[error("unknown case category {category:?}")]
    UnknownCategory {
        /// The code given.
        category: String,
    },
    /// A name is not one of the known values (a state, a channel, a priority, …).
    #[error("unknown {what} {name:?}")]
    UnknownName {
        /// What was being named.
        what: &'static str,
        /// The text given (`value` in the error's details).
        #[serde(rename = "value")]
        name: String,
    },
    /// The action is not allowed in the ticket's current state.
    #[error("ticket {ticket:?} is {state}: cannot {action} ({reason})")]
    IllegalTransition {
        /// The ticket.
        ticket: String,
        /// Its current state.
        state: TicketState,
        /// The attempted action.
        action: ActionKind,
        /// Why not.
        reason: &'static str,
    },
    /// The actor holds none of the roles the ledger's authority allows to take this action
    /// on this ticket.
    #[error("{actor:?} may not {action} ticket {ticket:?} (held by {holder:?}, state {state}): only {allowed} may")]
    Unauthorized {
        /// The ticket.
        ticket: String,
        /// Its current state.
        state: TicketState,
        /// The attempted action.
        action: ActionKind,
        /// The actor.
        actor: String,
        /// The current holder.
        holder: String,
        /// The roles that may take the action (a list of role names in the details).
        allowed: RoleSet,
    },
    /// The actor holds a role that may take the action, but belongs to a set the authority
    /// excludes from it (separation of duties, 职责分离): e.g. whoever handled a ticket
    /// verifying, closing or rating it, or a holder setting its own deadline.
    #[error("{actor:?} may not {action} ticket {ticket:?} (state {state}): the {conflict} may not (separation of duties)")]
    SeparationOfDuty {
        /// The ticket.
        ticket: String,
        /// Its current state.
        state: TicketState,
        /// The attempted action.
        action: ActionKind,
        /// The actor.
        actor: String,
        /// The conflict set the actor belongs to.
        conflict: Conflict,
    },
    /// A dispatch (or the holder named in a report, or a summoned department) lies outside
    /// the actor's territory or the department's jurisdiction.
    #[error("ticket {ticket:?}: {actor:?} may not {action} to {target:?}: {reason}")]
    OutOfJurisdiction {
        /// The ticket.
        ticket: String,
        /// The attempted action.
        action: ActionKind,
        /// The dispatcher (the actor).
        actor: String,
        /// The unit, person or department it was sent to.
        target: String,
        /// Why not.
        reason: OutOfJurisdictionReason,
    },
    /// The action names a target that is not acceptable (e.g. dispatching to a building,
    /// escalating to a unit that is not above the responsible unit).
    #[error("ticket {ticket:?} ({state}): cannot {action} to {target:?}: {reason}")]
    InvalidTarget {
        /// The ticket.
        ticket: String,
        /// Its current state.
        state: TicketState,
        /// The attempted action.
        action: ActionKind,
        /// The target given.
        target: String,
        /// Why not.
        reason: &'static str,
    },
    /// Time may not go backwards within a ticket.
    #[error("ticket {ticket:?}: {at} is before its last event at {last}")]
    TimeWentBackwards {
        /// The ticket.
        ticket: String,
        /// The time of its last event.
        last: Timestamp,
        /// The time given.
        at: Timestamp,
    },
    /// The ticket cannot be handled while summoned departments have not reported.
    #[error("ticket {ticket:?}: departments {departments:?} have not reported their part")]
    WhistleOutstanding {
        /// The ticket.
        ticket: String,
        /// The departments still outstanding.
        departments: Vec<String>,
    },
    /// An extension must be requested before the handling deadline.
    #[error("ticket {ticket:?}: extension requested at {at}, after the deadline {due}")]
    ExtensionTooLate {
        /// The ticket.
        ticket: String,
        /// The handling deadline.
        due: Timestamp,
        /// The time of the request.
        at: Timestamp,
    },
    /// A time lies outside the years tickets are dated in ([`TICKET_YEARS`](super::TICKET_YEARS),
    /// 2000–2099 China time), or too far from the ticket's report.
    #[error(
        "ticket {ticket:?}: time {at} is out of range (tickets are dated 2000–2099, China time)"
    )]
    TimeOutOfRange {
        /// The ticket.
        ticket: String,
        /// The time given.
        at: Timestamp,
    },
    /// The ledger has no room for more tickets: it holds at most 4,294,967,295 (ticket keys
    /// are 32-bit), and only as many as memory allows.
    #[error("the ledger holds {tickets} tickets and has no room for {more} more (at most 4294967295, and as many as memory allows)")]
    CapacityExceeded {
        /// The tickets it holds.
        tickets: usize,
        /// The tickets asked room for.
        more: usize,
    },
    /// A text field is longer than 65,536 bytes.
    #[error("ticket {ticket:?}: a text field of {len} bytes is longer than 65536")]
    TextTooLong {
        /// The ticket.
        ticket: String,
        /// Its length.
        len: usize,
    },
    /// A category pattern (of a jurisdiction or a service rule) matches no category of the
    /// taxonomy, so it could never apply.
    #[error(
        "{used_by} names case category {pattern:?}, which matches no category of the taxonomy"
    )]
    UnmatchedCategory {
        /// The pattern.
        pattern: String,
        /// Where it is used.
        used_by: String,
    },
    /// The ticket's deadlines under the attached service levels cannot be computed: the
    /// calendar does not cover a day they reach ([`CalendarError::BeyondCoverage`]), or they
    /// lie beyond the supported instants. The error's code is the calendar's.
    #[error("ticket {ticket:?}: its deadlines cannot be computed: {error}")]
    Calendar {
        /// The ticket.
        ticket: String,
        /// Why.
        error: CalendarError,
    },
}

/// Why a target lies outside the jurisdiction ([`TicketError::OutOfJurisdiction`]).
/// Serialized as its English sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutOfJurisdictionReason {
    /// A territorial unit outside the dispatcher's territory.
    OutsideTerritory,
    /// A department (or its staff) whose jurisdiction does not cover the ticket's place and
    /// category.
    DepartmentDoesNotCover,
    /// A person or organisation serving no unit within the dispatcher's territory.
    ServesNoUnitInside,
    /// A summoned department with no jurisdiction over the ticket's place.
    NoJurisdictionOverPlace,
}

impl OutOfJurisdictionReason {
    /// The reason as an English sentence.
    pub const fn as_str(self) -> &'static str {
        match self {
            OutOfJurisdictionReason::OutsideTerritory => {
                "the unit lies outside the dispatcher's territory"
            }
            OutOfJurisdictionReason::DepartmentDoesNotCover => {
                "the department's jurisdiction does not cover the ticket's place and category"
            }
            OutOfJurisdictionReason::ServesNoUnitInside => {
                "the assignee serves no unit within the dispatcher's territory"
            }
            OutOfJurisdictionReason::NoJurisdictionOverPlace => {
                "the department has no jurisdiction over the ticket's place"
            }
        }
    }
}

impl std::fmt::Display for OutOfJurisdictionReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for OutOfJurisdictionReason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl TicketError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            TicketError::InvalidTicketId { .. } => "ticket.invalid_id",
            TicketError::UnknownTicket { .. } => "ticket.unknown_ticket",
            TicketError::DuplicateTicket { .. } => "ticket.duplicate_ticket",
            TicketError::UnknownActor { .. } => "ticket.unknown_actor",
            TicketError::UnknownUnit { .. } => "ticket.unknown_unit",
            TicketError::UnknownCategory { .. } => "ticket.unknown_category",
            TicketError::UnknownName { .. } => "ticket.unknown_name",
            TicketError::IllegalTransition { .. } => "ticket.illegal_transition",
            TicketError::Unauthorized { .. } => "ticket.unauthorized",
            TicketError::SeparationOfDuty { .. } => "ticket.separation_of_duty",
            TicketError::OutOfJurisdiction { .. } => "ticket.out_of_jurisdiction",
            TicketError::InvalidTarget { .. } => "ticket.invalid_target",
            TicketError::TimeWentBackwards { .. } => "ticket.time_went_backwards",
            TicketError::WhistleOutstanding { .. } => "ticket.whistle_outstanding",
            TicketError::ExtensionTooLate { .. } => "ticket.extension_too_late",
            TicketError::TimeOutOfRange { .. } => "ticket.time_out_of_range",
            TicketError::TextTooLong { .. } => "ticket.text_too_long",
            TicketError::CapacityExceeded { .. } => "ticket.capacity_exceeded",
            TicketError::Calendar { error, .. } => error.code(),
            TicketError::UnmatchedCategory { .. } => "ticket.unmatched_category",
        }
    }
}
