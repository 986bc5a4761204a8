//! Applying many actions in one call: by keys ([`BulkItem`]) or by ids ([`BulkAction`]), each
//! refused item reported by position and changing nothing.

use super::*;

/// One item of a bulk application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkItem {
    /// The ticket.
    pub ticket: TicketKey,
    /// Who acts.
    pub actor: ActorKey,
    /// When.
    pub at: Timestamp,
    /// What.
    pub action: Action,
}

/// One item of a bulk application by ids, as the bindings receive it (see
/// [`Ledger::apply_many`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkAction {
    /// The ticket's id.
    pub ticket: String,
    /// Who acts: `"@system"` or a node id.
    pub actor: String,
    /// When.
    pub at: Timestamp,
    /// What.
    pub action: Action,
}

/// The result of a bulk application: one entry per item.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkReport {
    /// The ticket's state after each item (unchanged for a refused item; `None` for a ticket
    /// the ledger does not have).
    pub states: Vec<Option<TicketState>>,
    /// The refused items, by position, with the reason. Refused items changed nothing.
    pub errors: Vec<(usize, TicketError)>,
}

impl BulkReport {
    /// How many items were applied.
    pub fn applied(&self) -> usize {
        self.states.len() - self.errors.len()
    }
}

impl Ledger {
    /// Applies many actions, each on its own: a refused item is reported and changes
    /// nothing, the others go through in order.
    pub fn apply_bulk(&mut self, items: &[BulkItem]) -> BulkReport {
        let mut report = BulkReport {
            states: Vec::with_capacity(items.len()),
            errors: Vec::new(),
        };
        for (i, item) in items.iter().enumerate() {
            match self.step(item.ticket, item.actor.0, item.at, &item.action, Mode::LIVE) {
                Ok(state) => report.states.push(Some(state)),
                Err(e) => {
                    let state = self.tickets.get(item.ticket.index()).map(|r| r.state);
                    report.states.push(state);
                    report.errors.push((i, e));
                }
            }
        }
        report
    }

    /// Applies many actions given by ids (the bindings' `apply_many`), each on its own, as
    /// [`Ledger::apply`] would: a refused item is reported by its position (0-based) and
    /// changes nothing; the others go through in order.
    pub fn apply_many(&mut self, items: impl IntoIterator<Item = BulkAction>) -> BulkReport {
        let mut report = BulkReport::default();
        for (i, item) in items.into_iter().enumerate() {
            let before = self.key(&item.ticket);
            match self.apply(&item.ticket, &item.actor, item.at, item.action) {
                Ok(state) => report.states.push(Some(state)),
                Err(e) => {
                    let state = before
                        .or_else(|| self.key(&item.ticket))
                        .and_then(|k| self.tickets.get(k.index()))
                        .map(|r| r.state);
                    report.states.push(state);
                    report.errors.push((i, e));
                }
            }
        }
        report
    }
}
