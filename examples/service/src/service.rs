//! A ledger kept in an [`EventStore`]: every action is checked by the core, its events are
//! written to the store, and only then is it acknowledged.

use std::sync::Arc;

use wangge::hierarchy::Hierarchy;
use wangge::ticket::authority::Authority;
use wangge::ticket::log::{LogError, LogReader, LogWriter, Record};
use wangge::ticket::{
    Action, Event, Ledger, NewTicket, ReplayError, Taxonomy, TicketError, TicketState, Trust,
};
use wangge::time::Timestamp;

use crate::store::{EventStore, StoreError};

/// Why the service refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The core refused the action (nothing was written).
    #[error(transparent)]
    Ticket(#[from] TicketError),
    /// The store failed; the action was not acknowledged (the ledger was rebuilt from the
    /// store, without it).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored line does not verify (a digest, a chain).
    #[error("the store's log does not verify: {0}")]
    Log(#[from] LogError),
    /// A stored event does not replay.
    #[error("the store's log does not replay: {0}")]
    Replay(#[from] ReplayError),
    /// A stored line is not what the core writes for its event (the store changed it).
    #[error("stored line {line} is not the line the core writes for its event")]
    NotVerbatim {
        /// The line (from 1).
        line: usize,
    },
}

/// A ledger whose every acknowledged action is durable in a store.
pub struct Service<S: EventStore> {
    hierarchy: Arc<Hierarchy>,
    taxonomy: Arc<Taxonomy>,
    authority: Arc<Authority>,
    ledger: Ledger,
    /// The log writer, its chains continuing the stored ones.
    writer: LogWriter<Vec<u8>>,
    store: S,
    lines: usize,
}

impl<S: EventStore> Service<S> {
    /// Opens a store: reads every line, verifies each ticket's hash chain, replays the events
    /// under `authority` (every event checked, as live actions are), and checks that the core
    /// writes each event as the line stored.
    pub fn open(
        hierarchy: Arc<Hierarchy>,
        taxonomy: Arc<Taxonomy>,
        authority: Arc<Authority>,
        store: S,
    ) -> Result<Service<S>, ServiceError> {
        let (ledger, writer, lines) = rebuild(&hierarchy, &taxonomy, &authority, &store)?;
        Ok(Service {
            hierarchy,
            taxonomy,
            authority,
            ledger,
            writer,
            store,
            lines,
        })
    }

    /// The ledger (read only: changes go through [`Service::report`] and [`Service::apply`]).
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// How many lines the store holds.
    pub fn stored_lines(&self) -> usize {
        self.lines
    }

    /// Reports a ticket; returns once its events are stored.
    pub fn report(
        &mut self,
        ticket: NewTicket,
        actor: &str,
        at: Timestamp,
    ) -> Result<TicketState, ServiceError> {
        let id = ticket.id.to_string();
        self.ledger.report(ticket, actor, at)?;
        self.persist(&id, 0)?;
        Ok(TicketState::Reported)
    }

    /// Applies an action; returns the new state once its events are stored.
    pub fn apply(
        &mut self,
        ticket: &str,
        actor: &str,
        at: Timestamp,
        action: Action,
    ) -> Result<TicketState, ServiceError> {
        let before = self
            .ledger
            .get(ticket)
            .map(|v| v.snapshot().events as usize)
            .ok_or_else(|| TicketError::UnknownTicket {
                ticket: ticket.to_owned(),
            })?;
        let state = self.ledger.apply(ticket, actor, at, action)?;
        self.persist(ticket, before)?;
        Ok(state)
    }

    /// Writes the events of `ticket` from `from` on, as one append.
    fn persist(&mut self, ticket: &str, from: usize) -> Result<(), ServiceError> {
        let events: Vec<Event> = self.ledger.events(ticket)?.into_iter().skip(from).collect();
        for e in &events {
            // Writing into a Vec cannot fail.
            let _ = self.writer.write(e);
        }
        let text = String::from_utf8(std::mem::take(self.writer.get_mut())).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        match self.store.append(&lines) {
            Ok(()) => {
                self.lines += lines.len();
                Ok(())
            }
            Err(e) => {
                // Not acknowledged: back to what the store holds.
                let (ledger, writer, lines) = rebuild(
                    &self.hierarchy,
                    &self.taxonomy,
                    &self.authority,
                    &self.store,
                )?;
                self.ledger = ledger;
                self.writer = writer;
                self.lines = lines;
                Err(e.into())
            }
        }
    }
}

/// The ledger, a writer continuing its chains, and the number of lines, from a store.
fn rebuild<S: EventStore>(
    hierarchy: &Arc<Hierarchy>,
    taxonomy: &Arc<Taxonomy>,
    authority: &Arc<Authority>,
    store: &S,
) -> Result<(Ledger, LogWriter<Vec<u8>>, usize), ServiceError> {
    let lines = store.lines()?;
    let mut reader = LogReader::new();
    let mut ledger = Ledger::with_authority(hierarchy.clone(), taxonomy.clone(), authority.clone());
    let mut writer = LogWriter::new(Vec::new());
    for (i, line) in lines.iter().enumerate() {
        let Record::Event(event) = reader.read_line(line)? else {
            continue;
        };
        ledger
            .replay_event(&event, Trust::Checked)
            .map_err(|error| ReplayError { row: i + 1, error })?;
        let _ = writer.write(&event);
        let written = std::mem::take(writer.get_mut());
        if written.strip_suffix(b"\n") != Some(line.as_bytes()) {
            return Err(ServiceError::NotVerbatim { line: i + 1 });
        }
    }
    Ok((ledger, writer, lines.len()))
}
