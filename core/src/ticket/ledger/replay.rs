//! Rebuilding a ledger from events: the same step as live actions, checking the authority
//! unless the history is trusted.

use super::*;

impl Ledger {
    /// Rebuilds a ledger from events (of any number of tickets, interleaved or not), applying
    /// each through the same transition function as live actions, under the default
    /// authority with every event checked ([`Trust::Checked`]). Each ticket's events must
    /// start with its report and come in `seq` order. See [`Ledger::replay_into`] for another
    /// authority or a trusted history.
    pub fn replay(
        hierarchy: Arc<Hierarchy>,
        taxonomy: Arc<Taxonomy>,
        events: impl IntoIterator<Item = Event>,
    ) -> Result<Ledger, ReplayError> {
        let mut ledger = Ledger::new(hierarchy, taxonomy);
        ledger.replay_into(events, Trust::Checked)?;
        Ok(ledger)
    }

    /// Appends logged events to this ledger, under its authority and with the given trust
    /// (see [`Trust`]): the lifecycle (states, targets, times) is always checked, the
    /// authority unless the history is trusted; references to other tickets (duplicates,
    /// merges) are not. Stops at the first refused event; the events before it stay applied.
    pub fn replay_into(
        &mut self,
        events: impl IntoIterator<Item = Event>,
        trust: Trust,
    ) -> Result<(), ReplayError> {
        for (i, event) in events.into_iter().enumerate() {
            self.replay_event(&event, trust)
                .map_err(|error| ReplayError { row: i + 1, error })?;
        }
        Ok(())
    }

    /// Appends one logged event, checked against the authority (see [`Ledger::replay_into`]).
    pub fn replay_one(&mut self, event: &Event) -> Result<TicketState, TicketError> {
        self.replay_event(event, Trust::Checked)
    }

    /// Appends one logged event with the given trust (see [`Trust`]).
    pub fn replay_event(
        &mut self,
        event: &Event,
        trust: Trust,
    ) -> Result<TicketState, TicketError> {
        let actor = self.replay_actor(&event.actor)?;
        let key = self.key(event.ticket.as_str());
        self.replay_keyed(event, actor, key, trust)
            .map(|(state, _)| state)
    }

    /// [`Ledger::replay_resolved`] for an event.
    fn replay_keyed(
        &mut self,
        event: &Event,
        actor: ActorKey,
        key: Option<TicketKey>,
        trust: Trust,
    ) -> Result<(TicketState, TicketKey), TicketError> {
        self.replay_resolved(
            event.ticket.as_str(),
            key,
            event.seq,
            event.at,
            actor,
            &event.action,
            trust,
        )
    }

    /// The key of an event's actor: a node the hierarchy has or had, or the system.
    pub(crate) fn replay_actor(&self, actor: &Actor) -> Result<ActorKey, TicketError> {
        match actor {
            Actor::System => Ok(ActorKey::SYSTEM),
            Actor::Node(id) => self
                .hierarchy
                .key_ever(id.as_str())
                .map(ActorKey::node)
                .ok_or_else(|| TicketError::UnknownActor {
                    actor: id.to_string(),
                }),
        }
    }

    /// [`Ledger::replay_event`] with the actor resolved and the ticket looked up (`key`,
    /// `None` for a ticket the ledger does not have): what a loader that caches keys calls.
    /// Returns the ticket's state and key (a report's new key).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn replay_resolved(
        &mut self,
        ticket: &str,
        key: Option<TicketKey>,
        seq: u32,
        at: Timestamp,
        actor: ActorKey,
        action: &Action,
        trust: Trust,
    ) -> Result<(TicketState, TicketKey), TicketError> {
        let mode = Mode::replay(trust);
        let rec = key.and_then(|k| self.tickets.get(k.index()));
        let expected = rec.map(|r| r.events().len()).unwrap_or(0);
        if usize::try_from(seq).ok() != Some(expected) {
            return Err(TicketError::IllegalTransition {
                ticket: ticket.to_owned(),
                state: rec.map(|r| r.state).unwrap_or(TicketState::Reported),
                action: action.kind(),
                reason: "events must come in sequence, starting with the report",
            });
        }
        match (action, key) {
            (Action::Report(new), _) => {
                if new.id.as_str() != ticket {
                    return Err(TicketError::InvalidTicketId {
                        ticket: ticket.to_owned(),
                        reason: "a report must carry the ticket's own id",
                    });
                }
                self.report_key(new, actor, at, mode)
                    .map(|k| (TicketState::Reported, k))
            }
            (action, Some(key)) => self
                .step(key, actor.0, at, action, mode)
                .map(|state| (state, key)),
            (_, None) => Err(TicketError::UnknownTicket {
                ticket: ticket.to_owned(),
            }),
        }
    }
}

/// The keys a log replay looked up last, compared before the ledger's and the hierarchy's
/// hash tables are searched: a log comes ticket by ticket, and a ticket's events name the
/// same few actors. A ticket's key and a node's key never change while a ledger loads (the
/// hierarchy is shared and immutable, and tickets are never removed), so a key remembered
/// here is the one the tables give.
#[derive(Default)]
pub(crate) struct Recent {
    ticket: Option<(TicketId, TicketKey)>,
    actors: [Option<(NodeId, ActorKey)>; RECENT_ACTORS],
    /// The slot the next new actor takes (round robin).
    next: usize,
}

/// The actors a [`Recent`] remembers: a lifecycle names three or four (the operations
/// centre, the grid, the community, the system).
const RECENT_ACTORS: usize = 4;

impl Ledger {
    /// [`Ledger::replay_event`] with the keys of recent events remembered in `recent`.
    pub(crate) fn replay_recent(
        &mut self,
        recent: &mut Recent,
        event: &Event,
        trust: Trust,
    ) -> Result<TicketState, TicketError> {
        let actor = match &event.actor {
            Actor::System => ActorKey::SYSTEM,
            Actor::Node(id) => {
                let known = recent.actors.iter().flatten().find(|(a, _)| a == id);
                match known {
                    Some((_, k)) => *k,
                    None => {
                        let k = self.replay_actor(&event.actor)?;
                        if let Some(slot) = recent.actors.get_mut(recent.next) {
                            *slot = Some((id.clone(), k));
                        }
                        recent.next = (recent.next + 1) % RECENT_ACTORS;
                        k
                    }
                }
            }
        };
        let key = match &recent.ticket {
            Some((id, k)) if *id == event.ticket => Some(*k),
            _ => self.key(event.ticket.as_str()),
        };
        let (state, key) = self.replay_keyed(event, actor, key, trust)?;
        if recent
            .ticket
            .as_ref()
            .is_none_or(|(id, _)| *id != event.ticket)
        {
            recent.ticket = Some((event.ticket.clone(), key));
        }
        Ok(state)
    }
}

/// A replay stopped at an event that the lifecycle refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("event {row} was refused: {error}")]
pub struct ReplayError {
    /// The row number of the refused event in the input (from 1).
    pub row: usize,
    /// Why it was refused.
    pub error: TicketError,
}
