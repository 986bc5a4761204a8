//! The ticket state machine as one pure function.
//!
//! [`next_state`] is the whole lifecycle: given a state, an action and a few facts about the
//! ticket, it returns the next state or the reason for refusal. It is checked against the
//! table in the [ticket module docs](super#the-state-machine) and property-tested against
//! the ledger. Everything else the ledger does (authorization, targets, counters, the log)
//! happens around it.

use super::{Action, Satisfaction, TicketState};

/// Facts about a ticket, besides its state, that decide whether an action is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// The report must be verified on site before filing and has not been.
    pub verification_pending: bool,
    /// The report was marked as needing verification on site.
    pub verification_required: bool,
    /// A summoned department has neither reported nor been released.
    pub whistle_outstanding: bool,
    /// An extension request awaits a decision.
    pub extension_pending: bool,
    /// An extension has been granted before.
    pub extended: bool,
    /// The state a suspended ticket resumes to.
    pub resume_to: TicketState,
}

/// Why [`next_state`] refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The action is not allowed; the text says why.
    Illegal(&'static str),
    /// The ticket cannot be handled while summoned departments are outstanding.
    WhistleOutstanding,
}

/// Whether [`Action::Import`] may set a ticket to `state`: every state but those that need
/// data an import does not carry (the state to resume to, the granted extension, the original).
pub const fn importable(state: TicketState) -> bool {
    !matches!(
        state,
        TicketState::Suspended | TicketState::Parked | TicketState::Merged
    )
}

/// The next state after `action`, or why the action is refused.
///
/// ```
/// use wangge::ticket::machine::{next_state, Facts};
/// use wangge::ticket::{Action, TicketState};
/// let facts = Facts {
///     verification_pending: false, verification_required: false, whistle_outstanding: false,
///     extension_pending: false, extended: false, resume_to: TicketState::Reported,
/// };
/// assert_eq!(next_state(TicketState::Reported, &Action::File, &facts), Ok(TicketState::Filed));
/// assert!(next_state(TicketState::Closed, &Action::File, &facts).is_err());
/// ```
pub fn next_state(
    state: TicketState,
    action: &Action,
    facts: &Facts,
) -> Result<TicketState, Refusal> {
    use Action as A;
    use Refusal::*;
    use TicketState as S;
    let open = state.is_open();
    match (state, action) {
        (_, A::Report(_)) => Err(Illegal("the ticket already exists")),
        (S::Reported, A::Import { state, .. }) if importable(*state) => Ok(*state),
        (_, A::Import { .. }) if state == S::Reported => Err(Illegal(
            "a suspended, parked or merged state cannot be imported (it needs data an import does not carry)",
        )),
        (_, A::Import { .. }) => Err(Illegal(
            "a state is imported only into a ticket just reported",
        )),
        (S::Reported, A::ConfirmOnSite) if !facts.verification_required => {
            Err(Illegal("the report does not require verification on site"))
        }
        (S::Reported, A::ConfirmOnSite) if !facts.verification_pending => {
            Err(Illegal("the report was already verified on site"))
        }
        (S::Reported, A::ConfirmOnSite) => Ok(S::Reported),
        (S::Reported, A::File) if facts.verification_pending => Err(Illegal(
            "the report must be verified on site (现场核实) before it is filed",
        )),
        (S::Reported, A::File) => Ok(S::Filed),
        (S::Reported, A::Reject { .. }) => Ok(S::Rejected),
        (S::Rejected, A::Reopen { .. }) => Ok(S::Reported),
        (S::Closed, A::Reopen { .. }) => Ok(S::InProgress),
        (S::Filed, A::Dispatch { .. }) => Ok(S::Dispatched),
        (S::Dispatched, A::Acknowledge) => Ok(S::InProgress),
        (S::Dispatched | S::InProgress, A::Return { .. }) => Ok(S::Filed),
        (S::InProgress, A::Handle { .. }) if facts.whistle_outstanding => Err(WhistleOutstanding),
        (S::InProgress, A::Handle { .. }) => Ok(S::Handled),
        (S::Handled, A::Verify { passed: true, .. }) => Ok(S::Verified),
        (S::Handled, A::Verify { passed: false, .. }) => Ok(S::InProgress),
        (S::Verified, A::Visit { satisfaction }) => Ok(match satisfaction {
            Satisfaction::Satisfied | Satisfaction::BasicallySatisfied => S::Closed,
            Satisfaction::Unsatisfied => S::InProgress,
        }),
        (S::Verified, A::Close) => Ok(S::Closed),
        (S::Filed | S::Dispatched | S::InProgress | S::Handled, A::Suspend { .. }) => {
            Ok(S::Suspended)
        }
        (S::Suspended, A::Resume) => Ok(facts.resume_to),
        (S::Dispatched | S::InProgress, A::RequestExtension { .. }) if facts.extension_pending => {
            Err(Illegal("an extension request is already pending"))
        }
        (S::Dispatched | S::InProgress, A::RequestExtension { .. }) => Ok(state),
        (S::Dispatched | S::InProgress, A::DecideExtension { .. }) if !facts.extension_pending => {
            Err(Illegal("no extension request is pending"))
        }
        (S::Dispatched | S::InProgress, A::DecideExtension { .. }) => Ok(state),
        (S::InProgress, A::Park { .. }) if !facts.extended => Err(Illegal(
            "only a case still unsolved after a granted extension is parked (挂账)",
        )),
        (S::InProgress, A::Park { .. }) => Ok(S::Parked),
        (S::Parked, A::Unpark) => Ok(S::InProgress),
        (
            S::Reported | S::Filed | S::Dispatched | S::InProgress | S::Suspended,
            A::Merge { .. },
        ) => Ok(S::Merged),
        (S::Filed | S::Dispatched | S::InProgress, A::Escalate { .. }) => Ok(S::Dispatched),
        (
            S::Dispatched | S::InProgress,
            A::Whistle { .. } | A::SignWhistle | A::ReportWhistle { .. } | A::ReleaseWhistle { .. },
        ) => Ok(state),
        (S::Dispatched | S::InProgress, A::RecordRefusal { .. }) => Ok(state),
        (
            _,
            A::Supervise { .. }
            | A::Remind { .. }
            | A::SetDeadline { .. }
            | A::RuleFired { .. }
            | A::Recheck { .. },
        ) if open => Ok(state),
        (S::Closed | S::Rejected | S::Merged, _) => Err(Illegal("the ticket is no longer open")),
        _ => Err(Illegal("the action is not allowed in this state")),
    }
}
