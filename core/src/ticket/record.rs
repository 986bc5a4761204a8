//! The compact in-memory form of a ticket and its log, and the plain-data snapshot.
//!
//! A ticket keeps its log as 16-byte events: a time offset from the report (u32 seconds),
//! the actor's [`NodeKey`] and an 8-byte operation whose data are keys, small codes and
//! indices into the ticket's own text table. Public [`Event`](super::Event)s and
//! [`TicketSnapshot`]s are decoded from it on demand.

use serde::{Deserialize, Serialize};

use super::{
    ActionKind, Channel, DeadlineKind, Priority, RequestType, Satisfaction, TicketId, TicketState,
};
use crate::hierarchy::{NodeId, NodeKey};
use crate::time::Timestamp;

/// "No value" for u32 fields (keys, offsets, text indices).
pub(crate) const NONE: u32 = u32::MAX;
/// "No text" for u16 text indices.
pub(crate) const NO_TEXT: u16 = u16::MAX;
/// The actor value of the host system.
pub(crate) const SYSTEM: u32 = u32::MAX;

pub(crate) const FLAG_VERIFY_FIRST: u8 = 1;
pub(crate) const FLAG_VERIFIED_ON_SITE: u8 = 2;
pub(crate) const FLAG_SUPERVISED: u8 = 4;
pub(crate) const FLAG_EXTENSION_PENDING: u8 = 8;
pub(crate) const FLAG_EXTENDED: u8 = 16;

/// One operation of the compact log. The meaning of `small`, `aux` and `arg` depends on the
/// kind (see `Ledger::encode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Op {
    pub kind: ActionKind,
    pub small: u8,
    pub aux: u16,
    pub arg: u32,
}

/// One event of the compact log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawEvent {
    /// Seconds since the ticket's report.
    pub dt: u32,
    /// The actor's key, or [`SYSTEM`].
    pub actor: u32,
    pub op: Op,
}

/// A summoned department, compactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SummonsRec {
    pub department: NodeKey,
    pub summoned: u32,
    pub sign_due: u32,
    pub report_due: u32,
    pub signed: u32,
    pub reported: u32,
    pub released: u32,
}

impl SummonsRec {
    pub(crate) fn outstanding(&self) -> bool {
        self.reported == NONE && self.released == NONE
    }
}

/// The rarely used parts of a ticket, boxed so that most tickets pay one pointer for them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Extra {
    pub texts: Vec<Box<str>>,
    pub summons: Vec<SummonsRec>,
}

/// A ticket in the ledger.
#[derive(Debug, Clone)]
pub(crate) struct Rec {
    pub id: TicketId,
    pub log: Events,
    pub extra: Option<Box<Extra>>,
    /// The report time (seconds since the Unix epoch); every other time is an offset.
    pub t0: i64,
    /// Deadlines as offsets from `t0`, by [`DeadlineKind`]; `NONE` when unset.
    pub dues: [u32; 4],
    pub unit: NodeKey,
    pub holder: NodeKey,
    /// The responsible territorial unit (属地).
    pub home: NodeKey,
    pub dispatcher: u32,
    pub reporter: u32,
    pub category: u16,
    pub state: TicketState,
    pub resume: TicketState,
    pub priority: Priority,
    pub channel: Channel,
    pub request_type: RequestType,
    /// The last satisfaction recorded, as its index, or 255.
    pub satisfaction: u8,
    pub flags: u8,
    pub returns: u16,
    pub reopens: u16,
    pub escalations: u16,
    pub reminders: u16,
    pub refusals: u16,
    /// The number of events in `log`, up to 255 (a longer log counts its own).
    pub log_len: u8,
}

/// A ticket's log: its events, then room for more. The record says how many events there
/// are (see [`Rec::events`]).
///
/// One boxed slice (16 bytes in the record, where a `Vec` takes 24: the record of a closed
/// ticket, with its log and indexes, fits in 256 bytes). The room is filled with padding
/// events, which no real event can equal (only a report has the report's kind, and a report
/// is at offset 0). The record keeps the number of events in a byte; a log of 255 events or
/// more keeps it in its last slot while that is padding (and is full otherwise). A clone
/// keeps the room, so a cloned ledger (say, for a what-if) grows as the original would.
#[derive(Clone, Default)]
pub(crate) struct Events(Box<[RawEvent]>);

impl Events {
    /// An empty slot of the room; the last one, in a long log, says how many events come
    /// before the room.
    const fn pad(len: u32) -> RawEvent {
        RawEvent {
            dt: NONE,
            actor: NONE,
            op: Op {
                kind: ActionKind::Report,
                small: 0,
                aux: NO_TEXT,
                arg: len,
            },
        }
    }

    fn is_pad(e: &RawEvent) -> bool {
        e.dt == NONE && e.op.kind == ActionKind::Report
    }

    /// No events, room for `n`.
    pub(crate) fn with_capacity(n: usize) -> Events {
        Events(vec![Self::pad(0); n].into_boxed_slice())
    }

    /// The number of events it can hold without growing.
    pub(crate) fn capacity(&self) -> usize {
        self.0.len()
    }

    /// The number of events of a long log (255 or more), from its last slot.
    fn long_len(&self) -> usize {
        match self.0.last() {
            Some(last) if Self::is_pad(last) => last.op.arg as usize,
            _ => self.0.len(),
        }
    }

    /// Puts an event after the first `len`, growing the room by half (at least 4 slots) when
    /// it is full: a lifecycle is 7 to 12 events, and doubling would leave a closed ticket's
    /// log half empty.
    fn push_after(&mut self, len: usize, event: RawEvent) {
        debug_assert!(!Self::is_pad(&event), "a report is at offset 0");
        if len == self.0.len() {
            let mut grown = std::mem::take(&mut self.0).into_vec();
            let more = (len / 2).max(4);
            grown.reserve_exact(more);
            grown.resize(len + more, Self::pad(0));
            self.0 = grown.into_boxed_slice();
        }
        if let Some(slot) = self.0.get_mut(len) {
            *slot = event;
        }
        if len + 1 >= usize::from(u8::MAX) {
            if let Some(last) = self.0.last_mut().filter(|e| Self::is_pad(e)) {
                *last = Self::pad(u32::try_from(len + 1).unwrap_or(NONE));
            }
        }
    }

    /// Gives back the room after the first `len` (the allocator splits it off in place).
    fn shrink_to(&mut self, len: usize) {
        if len < self.0.len() {
            let mut events = std::mem::take(&mut self.0).into_vec();
            events.truncate(len);
            self.0 = events.into_boxed_slice();
        }
    }
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Events(room for {})", self.0.len())
    }
}

impl Rec {
    pub(crate) fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// The ticket's events: the record's count of them, without reading the log's room.
    pub(crate) fn events(&self) -> &[RawEvent] {
        let len = match self.log_len {
            u8::MAX => self.log.long_len(),
            n => usize::from(n),
        };
        self.log.0.get(..len).unwrap_or(&[])
    }

    /// Appends an event to the log.
    pub(crate) fn push_event(&mut self, event: RawEvent) {
        let len = self.events().len();
        self.log.push_after(len, event);
        self.log_len = u8::try_from(len + 1).unwrap_or(u8::MAX);
    }

    /// Gives back the log's room.
    pub(crate) fn trim_log(&mut self) {
        let len = self.events().len();
        self.log.shrink_to(len);
    }

    pub(crate) fn last_dt(&self) -> u32 {
        self.events().last().map(|e| e.dt).unwrap_or(0)
    }

    pub(crate) fn time(&self, dt: u32) -> Timestamp {
        Timestamp::EPOCH.plus_seconds(self.t0 + i64::from(dt))
    }

    pub(crate) fn opt_time(&self, dt: u32) -> Option<Timestamp> {
        (dt != NONE).then(|| self.time(dt))
    }

    pub(crate) fn text(&self, index: u32) -> Option<&str> {
        if index == NONE || index == u32::from(NO_TEXT) {
            return None;
        }
        self.extra
            .as_ref()
            .and_then(|x| x.texts.get(index as usize))
            .map(|s| &**s)
    }

    pub(crate) fn summons(&self) -> &[SummonsRec] {
        self.extra.as_ref().map(|x| &x.summons[..]).unwrap_or(&[])
    }

    pub(crate) fn due(&self, kind: DeadlineKind) -> u32 {
        self.dues.get(kind as usize).copied().unwrap_or(NONE)
    }
}

/// The deadlines of a ticket (时限), those that are set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Deadlines {
    /// To sign for the dispatch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledge: Option<Timestamp>,
    /// To finish handling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<Timestamp>,
    /// To verify on site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<Timestamp>,
    /// To reply to the resident.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<Timestamp>,
}

impl Deadlines {
    /// The deadline of one kind.
    pub fn get(&self, kind: DeadlineKind) -> Option<Timestamp> {
        match kind {
            DeadlineKind::Acknowledge => self.acknowledge,
            DeadlineKind::Handle => self.handle,
            DeadlineKind::Verify => self.verify,
            DeadlineKind::Reply => self.reply,
        }
    }
}

/// A summoned department (吹哨报到) as plain data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Summons {
    /// The department.
    pub department: NodeId,
    /// When it was summoned.
    pub summoned_at: Timestamp,
    /// When it must sign for the whistle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_by: Option<Timestamp>,
    /// When it must report its part done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_by: Option<Timestamp>,
    /// When it signed (报到).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_at: Option<Timestamp>,
    /// When it reported its part done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_at: Option<Timestamp>,
    /// When it was released without reporting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub released_at: Option<Timestamp>,
}

/// Everything about a ticket as plain data (ids resolved), e.g. for a dashboard, a
/// DataFrame row or an equality check after a replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TicketSnapshot {
    /// The id.
    pub id: TicketId,
    /// The current state.
    pub state: TicketState,
    /// The category code.
    pub category: String,
    /// How it came in.
    pub channel: Channel,
    /// How urgent it is.
    pub priority: Priority,
    /// What is asked for.
    pub request_type: RequestType,
    /// Where it arose.
    pub unit: NodeId,
    /// Who holds it now.
    pub holder: NodeId,
    /// The responsible territorial unit (属地).
    pub responsible_unit: NodeId,
    /// Who dispatched it to the holder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispatcher: Option<NodeId>,
    /// The reporter's opaque id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reporter: Option<String>,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When it was reported.
    pub reported_at: Timestamp,
    /// When its last event happened.
    pub updated_at: Timestamp,
    /// When it was last closed, rejected or merged, if it is now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    /// The last satisfaction recorded at a return visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<Satisfaction>,
    /// The state it will resume to, if suspended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended_from: Option<TicketState>,
    /// It must be verified on site before filing.
    pub verify_first: bool,
    /// It was verified on site.
    pub verified_on_site: bool,
    /// It is under supervision (督办).
    pub supervised: bool,
    /// An extension request awaits a decision.
    pub extension_pending: bool,
    /// An extension was granted.
    pub extended: bool,
    /// Times returned (退单).
    pub returns: u32,
    /// Times reopened (unsatisfied visits and reopenings).
    pub reopens: u32,
    /// Times escalated.
    pub escalations: u32,
    /// Reminders sent (催办).
    pub reminders: u32,
    /// Refusals recorded.
    pub refusals: u32,
    /// The deadlines that are set.
    pub deadlines: Deadlines,
    /// The departments summoned, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub summons: Vec<Summons>,
    /// The original it was merged into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<TicketId>,
    /// The number of events in its log.
    pub events: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The memory budget of a ticket depends on these sizes; see `Ledger::heap_size`.
    #[test]
    fn compact_sizes() {
        assert_eq!(std::mem::size_of::<Op>(), 8);
        assert_eq!(std::mem::size_of::<RawEvent>(), 16);
        assert!(
            std::mem::size_of::<Rec>() <= 112,
            "{}",
            std::mem::size_of::<Rec>()
        );
    }
}
