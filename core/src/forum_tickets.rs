//! The bridge between consultation and tickets: a decision taken in a consultation forum
//! (协商议定) that resolves a ticket (工单) is carried into the ticket lifecycle here.
//!
//! [`crate::consultation`] only keeps the link (a decision's ticket id, listed by
//! [`ForumRecords::ticket_resolutions`]) and knows nothing of the ticket lifecycle;
//! [`crate::ticket`] knows nothing of forums. This module sits above both and adds
//! [`ForumRecords::resolve_tickets`], which applies the `handle` actions to a [`Ledger`].

use crate::consultation::{ForumRecords, TicketResolution};
use crate::ticket::{Action, Ledger, TicketError, TicketState};
use crate::time::Timestamp;

impl ForumRecords {
    /// Resolves, through the ticket lifecycle, every ticket that a solved decision is linked
    /// to: each gets a `handle` action by `actor` at `at` whose outcome names the forum, the
    /// session and the decision (协商议定). A ticket the lifecycle refuses (unknown, not in
    /// progress, unauthorized actor, …) is reported with its error and left unchanged.
    pub fn resolve_tickets(
        &self,
        ledger: &mut Ledger,
        actor: &str,
        at: Timestamp,
    ) -> Vec<(
        TicketResolution,
        std::result::Result<TicketState, TicketError>,
    )> {
        self.ticket_resolutions()
            .into_iter()
            .map(|r| {
                let outcome = format!(
                    "协商议定 decided by consultation ({} {} {}): {}",
                    r.forum, r.session, r.date, r.decision
                );
                let result = ledger.apply(&r.ticket, actor, at, Action::Handle { outcome });
                (r, result)
            })
            .collect()
    }
}
