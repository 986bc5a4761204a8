//! Applying many actions in one call: by keys ([`BulkItem`]) or by ids ([`BulkAction`]), each
//! refused item reported by its row number and changing nothing.
//!
//! Rows are numbered from 1 (the first item is row 1) in every bulk result of the library:
//! here, [`Ledger::apply_coded`], [`Ledger::report_coded`], `Vote::cast_many`, the table
//! loaders, division-code and Open311 imports, and a replay's [`ReplayError`].

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
pub struct BulkReport<E = TicketError> {
    /// The ticket's state after each item (unchanged for a refused item; `None` for a ticket
    /// the ledger does not have).
    pub states: Vec<Option<TicketState>>,
    /// The refused items, by row number (from 1), with the reason. Refused items changed
    /// nothing.
    pub errors: Vec<(usize, E)>,
}

impl<E> BulkReport<E> {
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
            if i % super::TOUCHED == 0 {
                // Items in time order name tickets all over the ledger: their records and
                // logs are read ahead, a few at a time (`Ledger::touch`).
                self.touch(items.get(i..).unwrap_or_default(), |item| item.ticket);
            }
            match self.step(item.ticket, item.actor.0, item.at, &item.action, Mode::LIVE) {
                Ok(state) => report.states.push(Some(state)),
                Err(e) => {
                    let state = self.tickets.get(item.ticket.index()).map(|r| r.state);
                    report.states.push(state);
                    report.errors.push((i + 1, e));
                }
            }
        }
        report
    }

    /// Applies many actions given by ids (the bindings' `apply_many`), each on its own, as
    /// [`Ledger::apply`] would: a refused row is reported by its number (from 1) and changes
    /// nothing; the others go through in order. A row may arrive already failed (a binding
    /// that could not convert it, e.g. an unreadable time, passes its error through), so one
    /// numbering covers conversion and domain errors alike and no row aborts the batch.
    pub fn apply_many<E: From<TicketError>>(
        &mut self,
        items: impl IntoIterator<Item = Result<BulkAction, E>>,
    ) -> BulkReport<E> {
        let mut report = BulkReport {
            states: Vec::new(),
            errors: Vec::new(),
        };
        for (i, item) in items.into_iter().enumerate() {
            let item = match item {
                Ok(item) => item,
                Err(e) => {
                    report.states.push(None);
                    report.errors.push((i + 1, e));
                    continue;
                }
            };
            let before = self.key(&item.ticket);
            match self.apply(&item.ticket, &item.actor, item.at, item.action) {
                Ok(state) => report.states.push(Some(state)),
                Err(e) => {
                    let state = before
                        .or_else(|| self.key(&item.ticket))
                        .and_then(|k| self.tickets.get(k.index()))
                        .map(|r| r.state);
                    report.states.push(state);
                    report.errors.push((i + 1, E::from(e)));
                }
            }
        }
        report
    }
}
