//! A ledger kept in an [`EventStore`]: every action is checked by the core, its events are
//! written to the store, and only then is it acknowledged.

use std::sync::Arc;

use wangge::hierarchy::Hierarchy;
use wangge::ticket::authority::Authority;
use wangge::ticket::log::{
    read_events_verified, LogError, LogReader, LogWriter, Record, SigningKey,
};
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
    /// A stored line is not what the core writes for its event or checkpoint (the store
    /// changed it).
    #[error("stored line {line} is not the line the core writes for its record")]
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
    /// The log writer, its chains (and the chain of its signatures) continuing the stored
    /// ones.
    writer: LogWriter<Vec<u8>>,
    /// The key that signs each append's checkpoint, if any.
    key: Option<SigningKey>,
    store: S,
    lines: usize,
}

impl<S: EventStore> Service<S> {
    /// Opens a store: reads every line, verifies each ticket's hash chain and the checkpoint
    /// that seals each append, replays the events under `authority` (every event checked, as
    /// live actions are), and checks that the core writes each event and checkpoint as the
    /// line stored. New appends are sealed by unsigned checkpoints; see
    /// [`Service::open_signed`].
    pub fn open(
        hierarchy: Arc<Hierarchy>,
        taxonomy: Arc<Taxonomy>,
        authority: Arc<Authority>,
        store: S,
    ) -> Result<Service<S>, ServiceError> {
        Service::open_with(hierarchy, taxonomy, authority, store, None)
    }

    /// [`Service::open`] for a store whose appends are signed: each append ends with a
    /// checkpoint signed by `key` (Ed25519; see `wangge::ticket::log`, "Checkpoints"), and
    /// opening requires every stored checkpoint to verify with its public key. Whoever can
    /// write to the database but does not hold the key cannot edit, add, drop or reorder
    /// events without the store failing to open (except cutting whole appends off the end,
    /// which the database's own durability rules out; see the crate's README).
    pub fn open_signed(
        hierarchy: Arc<Hierarchy>,
        taxonomy: Arc<Taxonomy>,
        authority: Arc<Authority>,
        store: S,
        key: &SigningKey,
    ) -> Result<Service<S>, ServiceError> {
        Service::open_with(hierarchy, taxonomy, authority, store, Some(key.clone()))
    }

    fn open_with(
        hierarchy: Arc<Hierarchy>,
        taxonomy: Arc<Taxonomy>,
        authority: Arc<Authority>,
        store: S,
        key: Option<SigningKey>,
    ) -> Result<Service<S>, ServiceError> {
        let (ledger, writer, lines) =
            rebuild(&hierarchy, &taxonomy, &authority, &store, key.as_ref())?;
        Ok(Service {
            hierarchy,
            taxonomy,
            authority,
            ledger,
            writer,
            key,
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

    /// Writes the events of `ticket` from `from` on and the checkpoint that seals them, as
    /// one append.
    fn persist(&mut self, ticket: &str, from: usize) -> Result<(), ServiceError> {
        let events: Vec<Event> = self.ledger.events(ticket)?.into_iter().skip(from).collect();
        for e in &events {
            // Writing into a Vec cannot fail.
            let _ = self.writer.write(e);
        }
        let _ = self.writer.checkpoint();
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
                    self.key.as_ref(),
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
    key: Option<&SigningKey>,
) -> Result<(Ledger, LogWriter<Vec<u8>>, usize), ServiceError> {
    let lines = store.lines()?;
    // The reader checks the chains and each checkpoint's count and digest; the signatures
    // are checked by signing each checkpoint again (Ed25519 signatures are deterministic, so
    // a stored signature is genuine exactly when it is the one the key gives; signing costs
    // about a third of verifying).
    let mut reader = LogReader::new();
    let mut writer = match key {
        Some(key) => LogWriter::signed(Vec::new(), key),
        None => LogWriter::new(Vec::new()),
    };
    let mut ledger = Ledger::with_authority(hierarchy.clone(), taxonomy.clone(), authority.clone());
    for (i, line) in lines.iter().enumerate() {
        // The writer writes what it would have written: the event, or the checkpoint (signed
        // again), which must be the line stored.
        match reader.read_line(line)? {
            Record::Event(event) => {
                ledger
                    .replay_event(&event, Trust::Checked)
                    .map_err(|error| ReplayError { row: i + 1, error })?;
                let _ = writer.write(&event);
            }
            Record::Checkpoint => {
                let _ = writer.checkpoint();
            }
            // A store holds one segment, sealed by checkpoints.
            _ => return Err(ServiceError::NotVerbatim { line: i + 1 }),
        }
        let written = std::mem::take(writer.get_mut());
        if written.strip_suffix(b"\n") != Some(line.as_bytes()) {
            // Why, when the key says (unsigned, another key, a bad signature).
            if let Some(key) = key {
                let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
                read_events_verified(&text, &key.public_key())?;
            }
            return Err(ServiceError::NotVerbatim { line: i + 1 });
        }
    }
    if !lines.is_empty() {
        // Every append ends with its checkpoint.
        reader.finish()?;
    }
    Ok((ledger, writer, lines.len()))
}
