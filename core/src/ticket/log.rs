//! The serialized event log: JSON lines with a hash chain and optional Ed25519 signatures
//! (a public contract, version 1).
//!
//! Each event is one line:
//!
//! ```json
//! {"v":1,"ticket":"T1","seq":1,"at":"2025-03-03T09:10:00+08:00","actor":"340404001001","action":{"type":"file"},"digest":"9f2c…"}
//! ```
//!
//! - `v` is the format version (1); `ticket`, `seq`, `at`, `actor` and `action` are the
//!   fields of [`Event`]; `action` carries a `type` tag (the snake_case [`ActionKind`](super::ActionKind)).
//! - `digest` is the lowercase hex SHA-256 of the previous event's digest of the same ticket
//!   (32 raw bytes; 32 zero bytes for `seq` 0) followed by the line's bytes without the
//!   `digest` member, i.e. the line as written with `,"digest":"…"` removed. `digest` is
//!   always the last member, and a reader hashes the bytes it read, so any edit of a line —
//!   even of its spacing — breaks the chain. Lines end with LF; a line ending in CR (a log
//!   converted to CRLF) is refused as malformed, since the bytes are no longer those that
//!   were sealed; so are blank lines and spaces or tabs around a line's JSON (the writer
//!   writes none, and an end record's line is not hashed). Each ticket's events
//!   form a chain, so logs of different tickets can be interleaved, split by territory and
//!   processed in parallel.
//! - A log ends with an end record, `{"v":1,"end":{"events":N,"digest":"…"}}`: `events`
//!   counts the event lines since the previous end record (a file may hold several
//!   segments, e.g. one per street), and `digest` is the SHA-256 over, for each ticket in
//!   order of first appearance in the segment, its id, a newline, and its last digest. It
//!   catches a segment cut short or events dropped from the end of a ticket's chain.
//!
//! Digests are computed when the log is written, not when events are appended: the ledger
//! keeps 16 bytes per event in memory instead of 48, and the chain is the export's integrity
//! check. Reading verifies every digest, every `seq`, and every end record, and reports the
//! first bad line (1-based) with [`LogError`].
//!
//! The hash chain has no key: it catches accidents and careless edits, but whoever edits a
//! log can compute every digest again. Signed logs add a key.
//!
//! # Signed logs
//!
//! A writer given a secret key ([`LogWriter::signed`], [`Ledger::to_jsonl_signed`]) signs
//! every end record with Ed25519 (RFC 8032, deterministic: the same log signed twice is the
//! same text). The signed end record has two more members, always last and in this order:
//!
//! ```json
//! {"v":1,"end":{"events":4,"digest":"…","key":"d75a980182b10ab7","signature":"…"}}
//! ```
//!
//! - `key` identifies the signing key: the first 8 bytes of its 32-byte public key, 16
//!   lowercase hex digits. It is a name for diagnostics, not the key: a reader verifies
//!   with the public key its caller gives ([`LogReader::with_key`],
//!   [`Ledger::load_jsonl_verified`]), never with anything found in the log.
//! - `signature` is the 64-byte Ed25519 signature, 128 lowercase hex digits, of the message
//!   made of, in order:
//!   1. the 22 bytes `wangge.log.v1.segment` and a newline (domain separation: the format
//!      and its version, so no signature over anything else can pass for one),
//!   2. the segment's index in the file (0 for the first end record), 8 bytes big-endian,
//!   3. `events`, 8 bytes big-endian,
//!   4. the segment digest (the raw 32 bytes of `digest`),
//!   5. the sequence digest: SHA-256 over, for each event line of the segment in the order
//!      of the lines, its ticket's index in the order of first appearance in the segment
//!      (0 for the first ticket), 4 bytes big-endian. The chains fix each ticket's events;
//!      this fixes how the tickets' chains are interleaved,
//!   6. the previous segment's signature (64 raw bytes; 64 zero bytes for the first
//!      segment), which chains the segments of a file.
//!
//! A reader with a public key requires a signed end record for every segment: one without
//! `key` and `signature` is [`LogError::UnsignedSegment`]; one that names another key, or
//! whose signature does not verify (RFC 8032 verification with the strict checks: no
//! small-order points, no non-canonical scalars), is [`LogError::BadSignature`]; both name
//! the line of the end record and the reader's key identifier. A log that does not end with
//! an end record is [`LogError::Truncated`] as before. Without a key, signatures are not
//! verified, but their form is: a signed end record needs both members, in lowercase hex of
//! the right length, or it is [`LogError::Malformed`].
//!
//! The format stays version 1: the two members are optional and an unsigned log is the same
//! text as before. A reader of an earlier release refuses a signed log as malformed (its end
//! records then had no other members), so no reader takes a signed log for a verified one
//! without checking it. A signed file is verified whole, from its first line: its segments
//! are numbered and chained, so a file cut into parts, or files joined, do not verify.
//!
//! ## What a signature protects against
//!
//! With the public key, a reader detects, whoever did it without the secret key:
//!
//! - an edited event (any byte of its line: the chain breaks, or, re-sealed with new digests
//!   and a new end record, the signature no longer matches),
//! - events dropped, added or reordered, within a ticket's chain or across tickets,
//! - a segment cut short (the end record no longer matches),
//! - a log re-sealed after an edit, or signed with another key,
//! - whole segments dropped, repeated or reordered within a file, except the last ones (see
//!   below), and an unsigned log given where a signed one is required.
//!
//! It does not detect:
//!
//! - the loss of whole segments at the end of a file, cut just after an end record: what is
//!   left is a genuine signed log of fewer segments. A caller that knows how many events or
//!   segments to expect, or keeps the last signature it wrote, can check that itself;
//! - the replay of a whole older log that was genuinely signed with the same key (a log
//!   carries no date of its own; compare with what you expect);
//! - anything done with the secret key: whoever holds it signs what they like, so keep it
//!   out of the hands of those the log is meant to hold to account, and verify with a key
//!   you got from its owner, not from the log;
//! - anything before the writer sees the events: a ledger that recorded a false event signs
//!   it faithfully. The authority ([`Trust::Checked`]) and the lifecycle are checked again on
//!   replay, but a signature says who sealed a log, not that its events are true.
//!
//! The cost is one Ed25519 signature per segment when writing and one verification per
//! segment when reading, and 4 more bytes hashed per event: writing and reading a signed log
//! of a million events in one segment took the time of an unsigned one, within the noise of
//! the measurement. [`Ledger::load_jsonl_verified`] replays a segment's events only once its
//! signature verifies, so it holds one segment's events in memory (cut a very large log into
//! segments to bound that); in the same measurement it took up to a quarter longer than
//! [`Ledger::load_jsonl`].
//!
//! # Checkpoints
//!
//! An end record closes its segment: the chains start again after it, so a segment holds
//! whole chains, which suits a log exported at once. A log kept by appending — a service
//! that stores each action's lines before acknowledging it — cannot close a segment after
//! every append. It writes a checkpoint instead ([`LogWriter::checkpoint`]):
//!
//! ```json
//! {"v":1,"checkpoint":{"events":2,"digest":"…","key":"d75a980182b10ab7","signature":"…"}}
//! ```
//!
//! - A checkpoint has the members of an end record, with the same rules (`key` and
//!   `signature` only when signed, both or neither), but the chains go on after it: the next
//!   event of a ticket has the next `seq` and links to its last digest.
//! - End records and checkpoints are both *seals*, and every seal covers the event lines
//!   since the previous seal of the file (or its start): `events` counts them, `digest` is
//!   taken over the tickets with events among them (in order of first appearance among
//!   them, each ticket's id, a newline and its last digest), and the sequence digest of a
//!   signature numbers those tickets in the same order. In a log without checkpoints this is
//!   exactly the end record defined above.
//! - A signed checkpoint's message is that of an end record (the numbered, chained list
//!   above) with the 25 bytes `wangge.log.v1.checkpoint` and a newline in place of the
//!   segment tag: seals are numbered together (index 0 for the first seal of the file,
//!   whichever kind), each signature chains to the previous seal's, and a checkpoint's
//!   signature never passes for an end record's.
//! - A log may end with a checkpoint as well as with an end record. A reader with a key
//!   requires every seal to be signed; [`Ledger::load_jsonl_verified`] replays events once
//!   the seal after them verifies.
//!
//! What a signature protects against is as above, with checkpoints in place of segments:
//! in particular, a log cut just after a checkpoint is a genuine signed log of fewer
//! events, so a store that must not lose its tail keeps its own count (a database that
//! commits each append with its checkpoint does). Checkpoints are an addition to version 1
//! like the signatures: a log without them is the same text as before, and a reader of an
//! earlier release refuses a log with them as malformed.
//!
//! # Reading on several threads
//!
//! Chains are per ticket and every line states its own digest, so most of the work of
//! reading (parsing the lines and hashing them) can be shared between threads: with
//! [`read_events_parallel`], [`read_events_verified_parallel`] and
//! [`Ledger::load_jsonl_parallel`] the caller says how many threads to use (the library does
//! not look at the machine). The result is exactly the one-thread reader's: the same events,
//! or the same error at the same line (the argument is in the docs of the module that does
//! it, `parallel.rs`, and a property test compares the two on edited logs). What stays on
//! one thread is the walk that checks each chain's order and the end records, and replaying
//! into a ledger. On a target without threads (WebAssembly) the work is done on the calling
//! thread.

use std::io;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ledger::Recent;
use super::{Action, Actor, Event, Ledger, TicketError, TicketId, Trust};
use crate::hierarchy::Hierarchy;
use crate::intern::Interner;
use crate::ticket::Taxonomy;
use crate::time::Timestamp;
use std::sync::Arc;

mod fast;
mod parallel;

pub(crate) use fast::{ActionRef, LineRef, ReportRef};

/// The version written in the `v` field.
pub const LOG_VERSION: u32 = 1;

/// Why a serialized log was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum LogError {
    /// A line is not valid JSON for the log format.
    #[error("line {line}: malformed log record: {message}")]
    Malformed {
        /// The 1-based line number.
        line: usize,
        /// What the parser said.
        message: String,
    },
    /// A line has an unsupported version.
    #[error("line {line}: unsupported log version {version} (this library reads version 1)")]
    UnsupportedVersion {
        /// The 1-based line number.
        line: usize,
        /// The version found.
        version: u32,
    },
    /// An event was edited, dropped or reordered: the first bad line.
    #[error("line {line}: tampered log for ticket {ticket:?} at seq {seq}: {reason}")]
    Tampered {
        /// The 1-based line number of the first bad record.
        line: usize,
        /// The ticket.
        ticket: String,
        /// The `seq` found on that line.
        seq: u32,
        /// What does not match.
        reason: &'static str,
    },
    /// The log ends without its end record, or an end record does not match the events
    /// before it (events dropped at the end of a chain, or a cut file).
    #[error("line {line}: truncated log: {reason}")]
    Truncated {
        /// The 1-based line number where the problem shows.
        line: usize,
        /// What is missing.
        reason: &'static str,
    },
    /// An event is intact but the lifecycle refuses it.
    #[error("line {line}: event refused on replay: {error}")]
    Replay {
        /// The 1-based line number.
        line: usize,
        /// Why it was refused.
        error: TicketError,
    },
    /// The reader was given a public key and a segment's end record carries no signature.
    #[error("line {line}: the segment is not signed (a signature by key {key} is required)")]
    UnsignedSegment {
        /// The 1-based line number of the end record.
        line: usize,
        /// The identifier of the reader's key (see [`PublicKey::key_id`]).
        key: String,
    },
    /// The reader was given a public key and a segment's signature does not verify with it.
    #[error("line {line}: bad signature (expected key {key}, the record names {found}): {reason}")]
    BadSignature {
        /// The 1-based line number of the end record.
        line: usize,
        /// The identifier of the reader's key.
        key: String,
        /// The key identifier the end record names.
        found: String,
        /// What does not match.
        reason: &'static str,
    },
    /// A key given by the caller was refused (no line: [`LogError::line`] is 0).
    #[error("invalid {kind} key ({length} bytes): {reason}")]
    InvalidKey {
        /// `"secret"` or `"public"`.
        kind: &'static str,
        /// The number of bytes given.
        length: usize,
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl LogError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            LogError::Malformed { .. } => "log.malformed",
            LogError::UnsupportedVersion { .. } => "log.unsupported_version",
            LogError::Tampered { .. } => "log.tampered",
            LogError::Truncated { .. } => "log.truncated",
            LogError::Replay { .. } => "log.replay_refused",
            LogError::UnsignedSegment { .. } => "log.unsigned_segment",
            LogError::BadSignature { .. } => "log.bad_signature",
            LogError::InvalidKey { .. } => "log.invalid_key",
        }
    }

    /// The 1-based line number the error names; 0 for [`LogError::InvalidKey`], which is
    /// about a key given by the caller, not about a line.
    pub fn line(&self) -> usize {
        match self {
            LogError::Malformed { line, .. }
            | LogError::UnsupportedVersion { line, .. }
            | LogError::Tampered { line, .. }
            | LogError::Truncated { line, .. }
            | LogError::Replay { line, .. }
            | LogError::UnsignedSegment { line, .. }
            | LogError::BadSignature { line, .. } => *line,
            LogError::InvalidKey { .. } => 0,
        }
    }
}

/// An event line as serde writes it: the layout [`fast::write_line_ref`] writes by hand (a test
/// compares them).
#[cfg(test)]
#[derive(Serialize)]
struct LineOut<'a> {
    v: u32,
    ticket: &'a TicketId,
    seq: u32,
    at: Timestamp,
    actor: &'a Actor,
    action: &'a Action,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineIn {
    v: u32,
    #[serde(default)]
    ticket: Option<TicketId>,
    #[serde(default)]
    seq: Option<u32>,
    #[serde(default)]
    at: Option<Timestamp>,
    #[serde(default)]
    actor: Option<Actor>,
    #[serde(default)]
    action: Option<Action>,
    #[serde(default)]
    digest: Option<String>,
    #[serde(default)]
    end: Option<EndRecord>,
    #[serde(default)]
    checkpoint: Option<EndRecord>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct EndRecord {
    events: u64,
    digest: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    signature: Option<String>,
}

#[derive(Serialize)]
struct SealOut<'a> {
    v: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<&'a EndRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checkpoint: Option<&'a EndRecord>,
}

fn hex(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    hex_into(&mut out, bytes);
    String::from_utf8(out).unwrap_or_default()
}

/// Appends lowercase hex digits of `bytes`.
fn hex_into(out: &mut Vec<u8>, bytes: &[u8]) {
    let nib = |n: u8| if n < 10 { b'0' + n } else { b'a' + (n - 10) };
    out.extend(bytes.iter().flat_map(|b| [nib(b >> 4), nib(b & 15)]));
}

/// Per-segment state shared by the writer and the reader: the heads of the chains, and what
/// the next seal (end record or checkpoint) covers.
#[derive(Default)]
struct Chains {
    order: Interner,
    /// The head (last seq and digest) of each ticket's chain, at the index `order` gives the
    /// ticket (dense, in order of first appearance).
    heads: Vec<(u32, [u8; 32])>,
    /// The index of the ticket of the last event: events of one ticket usually come
    /// together, and then the ticket is looked up once.
    last: Option<u32>,
    /// The event lines since the previous seal.
    events: u64,
    /// With a key: the hash of the ticket index (order of first appearance since the
    /// previous seal) of each event in line order, which seals how the tickets' chains are
    /// interleaved.
    sequence: Option<Sha256>,
    /// The tickets since the last checkpoint of the segment; `None` before its first
    /// checkpoint, when what the next seal covers is the whole segment (and a ticket's index
    /// in it is its index in `order`: no bookkeeping for logs without checkpoints).
    span: Option<Span>,
}

/// The tickets with events since the last checkpoint, in order of first appearance since it.
#[derive(Default)]
struct Span {
    /// The segment index (in [`Chains::order`]) of each ticket of the span, in order.
    tickets: Vec<u32>,
    /// For each segment index, its index in `tickets` ([`NOT_IN_SPAN`] if it has none).
    index: Vec<u32>,
}

const NOT_IN_SPAN: u32 = u32::MAX;

impl Span {
    /// The span index of the ticket at segment index `i`, adding it if new.
    fn enter(&mut self, i: u32) -> u32 {
        let at = i as usize;
        if self.index.len() <= at {
            self.index.resize(at + 1, NOT_IN_SPAN);
        }
        match self.index.get_mut(at) {
            Some(s) if *s != NOT_IN_SPAN => *s,
            Some(s) => {
                *s = self.tickets.len() as u32;
                self.tickets.push(i);
                *s
            }
            None => i,
        }
    }

    fn clear(&mut self) {
        for &i in &self.tickets {
            if let Some(s) = self.index.get_mut(i as usize) {
                *s = NOT_IN_SPAN;
            }
        }
        self.tickets.clear();
    }
}

/// What a seal covers: its event count and digest, and, when keyed, its sequence digest.
struct Sealed {
    events: u64,
    digest: [u8; 32],
    sequence: [u8; 32],
}

/// The two records that seal the events before them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SealKind {
    /// An end record: closes the segment (the chains start again after it).
    End,
    /// A checkpoint: seals the events since the previous seal; the chains go on.
    Checkpoint,
}

impl Chains {
    fn keyed() -> Chains {
        Chains {
            sequence: Some(Sha256::new()),
            ..Chains::default()
        }
    }

    /// The index of a ticket seen in this segment.
    fn index(&self, ticket: &str) -> Option<u32> {
        match self.last {
            Some(i) if self.order.get(i) == Some(ticket) => Some(i),
            _ => self.order.find(ticket),
        }
    }

    /// Sets the head of a ticket's chain after an event (`i`: the ticket's index in the
    /// segment, `None` if not seen in it).
    fn set_at(&mut self, i: Option<u32>, ticket: &str, seq: u32, digest: [u8; 32]) {
        let i = match i {
            Some(i) => i,
            None => self.order.intern(ticket),
        };
        match self.heads.get_mut(i as usize) {
            Some(head) => *head = (seq, digest),
            // A new ticket: interned indices are dense, so it is the next one.
            None => self.heads.push((seq, digest)),
        }
        self.last = Some(i);
        let s = match &mut self.span {
            Some(span) => span.enter(i),
            None => i,
        };
        if let Some(sequence) = &mut self.sequence {
            sequence.update(s.to_be_bytes());
        }
        self.events += 1;
    }

    /// Seals the events since the previous seal; an end record also closes the segment.
    fn seal(&mut self, kind: SealKind) -> Sealed {
        let mut hasher = Sha256::new();
        let mut add = |i: u32| {
            if let (Some(ticket), Some((_, digest))) =
                (self.order.get(i), self.heads.get(i as usize))
            {
                hasher.update(ticket.as_bytes());
                hasher.update(b"\n");
                hasher.update(digest);
            }
        };
        match &self.span {
            Some(span) => span.tickets.iter().for_each(|&i| add(i)),
            None => (0..self.heads.len() as u32).for_each(add),
        }
        let keyed = self.sequence.is_some();
        let sealed = Sealed {
            events: self.events,
            digest: hasher.finalize().into(),
            sequence: self
                .sequence
                .take()
                .map(|h| h.finalize().into())
                .unwrap_or([0; 32]),
        };
        match kind {
            SealKind::End => {
                *self = if keyed {
                    Chains::keyed()
                } else {
                    Chains::default()
                };
            }
            SealKind::Checkpoint => {
                self.events = 0;
                self.sequence = keyed.then(Sha256::new);
                self.span.get_or_insert_with(Span::default).clear();
            }
        }
        sealed
    }
}

/// The domain separation tag that starts every signed end record's message (format and
/// version).
const SIGNING_CONTEXT: &[u8] = b"wangge.log.v1.segment\n";

/// The tag that starts every signed checkpoint's message: another tag, so a checkpoint's
/// signature never passes for an end record's, nor the other way round.
const CHECKPOINT_CONTEXT: &[u8] = b"wangge.log.v1.checkpoint\n";

/// The bytes a seal's signature covers (see the [module docs](crate::ticket::log#signed-logs)).
fn segment_message(kind: SealKind, index: u64, sealed: &Sealed, previous: &[u8; 64]) -> Vec<u8> {
    let context = match kind {
        SealKind::End => SIGNING_CONTEXT,
        SealKind::Checkpoint => CHECKPOINT_CONTEXT,
    };
    let mut m = Vec::with_capacity(context.len() + 8 + 8 + 32 + 32 + 64);
    m.extend_from_slice(context);
    m.extend_from_slice(&index.to_be_bytes());
    m.extend_from_slice(&sealed.events.to_be_bytes());
    m.extend_from_slice(&sealed.digest);
    m.extend_from_slice(&sealed.sequence);
    m.extend_from_slice(previous);
    m
}

/// Lowercase hex text of exactly `N` bytes.
fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    // A digit's value, or 0xFF: invalid digits set high bits in `bad` (one test at the end
    // instead of a branch per digit: this runs on every line of a log).
    let nib = |c: u8| {
        let (d, a) = (c.wrapping_sub(b'0'), c.wrapping_sub(b'a'));
        if d < 10 {
            d
        } else if a < 6 {
            a + 10
        } else {
            0xFF
        }
    };
    if text.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    let mut bad = 0u8;
    for (o, pair) in out.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
        let (hi, lo) = match pair {
            [hi, lo] => (nib(*hi), nib(*lo)),
            _ => (0xFF, 0xFF),
        };
        bad |= hi | lo;
        *o = (hi << 4) | (lo & 15);
    }
    (bad & 0xF0 == 0).then_some(out)
}

/// The length of a key identifier in bytes (the first bytes of the public key).
const KEY_ID_BYTES: usize = 8;

/// A secret key that signs logs: an Ed25519 (RFC 8032) secret key of 32 bytes that the caller
/// generated and keeps. The library never generates keys nor uses randomness to sign;
/// Ed25519 signatures are deterministic, so the same log signed twice is the same text.
///
/// ```
/// use wangge::ticket::log::SigningKey;
///
/// let key = SigningKey::from_bytes(&[7; 32]);
/// assert_eq!(key.public_key().key_id().len(), 16);
/// assert!(SigningKey::from_slice(&[7; 31]).is_err());
/// ```
#[derive(Clone)]
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// The key of a 32-byte secret.
    pub fn from_bytes(secret: &[u8; 32]) -> SigningKey {
        SigningKey(ed25519_dalek::SigningKey::from_bytes(secret))
    }

    /// The key of a secret given as bytes: exactly 32 of them, or [`LogError::InvalidKey`].
    pub fn from_slice(secret: &[u8]) -> Result<SigningKey, LogError> {
        let bytes: &[u8; 32] = secret.try_into().map_err(|_| LogError::InvalidKey {
            kind: "secret",
            length: secret.len(),
            reason: "an Ed25519 secret key is 32 bytes",
        })?;
        Ok(SigningKey::from_bytes(bytes))
    }

    /// The public key that verifies this key's signatures.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }
}

impl std::fmt::Debug for SigningKey {
    /// Shows the key identifier, never the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SigningKey")
            .field(&self.public_key().key_id())
            .finish()
    }
}

/// A public key that verifies signed logs: an Ed25519 public key of 32 bytes.
///
/// ```
/// use wangge::ticket::log::{PublicKey, SigningKey};
///
/// let public = SigningKey::from_bytes(&[7; 32]).public_key();
/// assert_eq!(PublicKey::from_bytes(&public.to_bytes()), Ok(public.clone()));
/// // Not a point of the curve, or of small order (anyone could forge for it): refused.
/// assert_eq!(PublicKey::from_bytes(&[0; 32]).unwrap_err().code(), "log.invalid_key");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(ed25519_dalek::VerifyingKey);

impl PublicKey {
    /// The key of 32 bytes: [`LogError::InvalidKey`] if they are not a point of the curve
    /// or a weak key (of small order, for which signatures can be forged).
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<PublicKey, LogError> {
        let invalid = |reason| LogError::InvalidKey {
            kind: "public",
            length: 32,
            reason,
        };
        let key = ed25519_dalek::VerifyingKey::from_bytes(bytes)
            .map_err(|_| invalid("the bytes are not an Ed25519 public key (not a curve point)"))?;
        if key.is_weak() {
            return Err(invalid(
                "a weak Ed25519 public key (of small order): anyone could forge its signatures",
            ));
        }
        Ok(PublicKey(key))
    }

    /// The key of bytes given as a slice: exactly 32, or [`LogError::InvalidKey`].
    pub fn from_slice(bytes: &[u8]) -> Result<PublicKey, LogError> {
        let array: &[u8; 32] = bytes.try_into().map_err(|_| LogError::InvalidKey {
            kind: "public",
            length: bytes.len(),
            reason: "an Ed25519 public key is 32 bytes",
        })?;
        PublicKey::from_bytes(array)
    }

    /// The 32 bytes of the key.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The key identifier written in signed end records: the first 8 bytes of the public key
    /// as 16 lowercase hex digits. It names the key for diagnostics; it is not the key, and
    /// a reader verifies with the key its caller gives, never with one found in the log.
    pub fn key_id(&self) -> String {
        hex(self.0.as_bytes().get(..KEY_ID_BYTES).unwrap_or_default())
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("PublicKey")
            .field(&hex(self.0.as_bytes()))
            .finish()
    }
}

fn chain_digest(prev: &[u8; 32], canonical: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(prev);
    hasher.update(canonical);
    hasher.update(b"}");
    hasher.finalize().into()
}

/// The line without its closing `,"digest":"…"}` (the closing brace is hashed separately,
/// see [`chain_digest`]).
fn canonical_bytes<'a>(line: &'a str, digest: &str) -> Option<&'a [u8]> {
    let suffix_len = ",\"digest\":\"".len() + digest.len() + "\"}".len();
    let cut = line.len().checked_sub(suffix_len)?;
    let (head, tail) = line.split_at_checked(cut)?;
    let expected = tail.strip_prefix(",\"digest\":\"")?.strip_suffix("\"}")?;
    (expected == digest).then_some(head.as_bytes())
}

/// Writes events as hash-chained JSON lines (see the [module docs](self)), with signed end
/// records when made by [`LogWriter::signed`].
pub struct LogWriter<W: io::Write> {
    out: W,
    chains: Chains,
    buf: Vec<u8>,
    /// The date of the previous line, reused by the next one on the same day.
    last_day: crate::time::SameDay,
    signer: Option<Keyed<SigningKey>>,
}

/// A key with the state of the chain of segment signatures it signs or verifies.
struct Keyed<K> {
    key: K,
    key_id: String,
    /// The index of the next segment in the file.
    index: u64,
    /// The previous segment's signature (zeros before the first).
    previous: [u8; 64],
}

impl<W: io::Write> LogWriter<W> {
    /// A writer into any byte sink (a `Vec<u8>`, a file opened by the caller, …).
    pub fn new(out: W) -> LogWriter<W> {
        LogWriter {
            out,
            chains: Chains::default(),
            buf: Vec::with_capacity(512),
            last_day: crate::time::SameDay::default(),
            signer: None,
        }
    }

    /// A writer whose end records are signed with `key` (see
    /// [Signed logs](crate::ticket::log#signed-logs)).
    ///
    /// ```
    /// use wangge::ticket::log::{LogWriter, SigningKey};
    ///
    /// let key = SigningKey::from_bytes(&[7; 32]);
    /// let text = String::from_utf8(LogWriter::signed(Vec::new(), &key).finish()?).unwrap();
    /// assert!(text.starts_with(r#"{"v":1,"end":{"events":0,"digest":""#));
    /// assert!(text.contains(&format!(r#","key":"{}","signature":""#, key.public_key().key_id())));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn signed(out: W, key: &SigningKey) -> LogWriter<W> {
        LogWriter {
            chains: Chains::keyed(),
            signer: Some(Keyed {
                key: key.clone(),
                key_id: key.public_key().key_id(),
                index: 0,
                previous: [0; 64],
            }),
            ..LogWriter::new(out)
        }
    }

    /// Writes one event; events of a ticket must come in `seq` order.
    pub fn write(&mut self, event: &Event) -> io::Result<()> {
        self.write_ref(&LineRef::of(event))
    }

    /// [`LogWriter::write`] for an event's borrowed members.
    pub(crate) fn write_ref(&mut self, line: &LineRef<'_>) -> io::Result<()> {
        self.buf.clear();
        fast::write_line_ref(&mut self.buf, line, &mut self.last_day)?;
        let ticket = line.ticket;
        let i = self.chains.index(ticket);
        let prev = i
            .and_then(|i| self.chains.heads.get(i as usize))
            .map_or([0; 32], |(_, d)| *d);
        // Hash the line without its closing brace, then the brace (see `chain_digest`), and
        // replace the brace by the digest member.
        self.buf.pop();
        let digest = chain_digest(&prev, &self.buf);
        self.chains.set_at(i, ticket, line.seq, digest);
        self.buf.extend_from_slice(b",\"digest\":\"");
        hex_into(&mut self.buf, &digest);
        self.buf.extend_from_slice(b"\"}\n");
        self.out.write_all(&self.buf)
    }

    /// Writes the end record of the current segment (signed if the writer has a key).
    pub fn end_segment(&mut self) -> io::Result<()> {
        self.seal(SealKind::End)
    }

    /// Writes a checkpoint (signed if the writer has a key): a record that seals the events
    /// written since the previous end record or checkpoint without closing the segment, so
    /// later events go on with their chains. A log kept by appending (a service's store)
    /// writes one after each append; a reader accepts a log that ends with one (see
    /// [Checkpoints](crate::ticket::log#checkpoints)).
    ///
    /// ```
    /// use wangge::ticket::log::{read_events_verified, LogWriter, SigningKey};
    /// # use wangge::ticket::{Action, Actor, Event};
    /// # let ev = |seq: u32| -> Result<Event, Box<dyn std::error::Error>> { Ok(Event {
    /// #     ticket: "T1".parse()?, seq, at: "2025-03-03T09:00:00+08:00".parse()?,
    /// #     actor: Actor::parse("zx")?, action: Action::File }) };
    ///
    /// let key = SigningKey::from_bytes(&[7; 32]);
    /// let mut log = LogWriter::signed(Vec::new(), &key);
    /// log.write(&ev(0)?)?;
    /// log.checkpoint()?; // e.g. the end of one append to a store
    /// log.write(&ev(1)?)?; // the chain goes on: seq 1
    /// log.checkpoint()?;
    /// let text = String::from_utf8(std::mem::take(log.get_mut()))?;
    /// assert_eq!(read_events_verified(&text, &key.public_key())?.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn checkpoint(&mut self) -> io::Result<()> {
        self.seal(SealKind::Checkpoint)
    }

    fn seal(&mut self, kind: SealKind) -> io::Result<()> {
        use ed25519_dalek::Signer;
        let sealed = self.chains.seal(kind);
        let (key, signature) = match &mut self.signer {
            Some(s) => {
                let message = segment_message(kind, s.index, &sealed, &s.previous);
                let signature = s.key.0.sign(&message).to_bytes();
                s.index += 1;
                s.previous = signature;
                (Some(s.key_id.clone()), Some(hex(&signature)))
            }
            None => (None, None),
        };
        let record = EndRecord {
            events: sealed.events,
            digest: hex(&sealed.digest),
            key,
            signature,
        };
        let (end, checkpoint) = match kind {
            SealKind::End => (Some(&record), None),
            SealKind::Checkpoint => (None, Some(&record)),
        };
        serde_json::to_writer(
            &mut self.out,
            &SealOut {
                v: LOG_VERSION,
                end,
                checkpoint,
            },
        )
        .map_err(io::Error::other)?;
        self.out.write_all(b"\n")
    }

    /// The sink, e.g. to take the lines written so far out of a `Vec<u8>` (a service that
    /// appends each action's lines to its store as they are written; the writer keeps the
    /// chains, so later lines continue them).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Writes the end record and returns the sink.
    pub fn finish(mut self) -> io::Result<W> {
        self.end_segment()?;
        Ok(self.out)
    }
}

/// Reads and verifies hash-chained JSON lines, one line at a time; made by
/// [`LogReader::with_key`], it also requires every seal (end record or checkpoint) to be
/// signed by that key.
#[derive(Default)]
pub struct LogReader {
    chains: Chains,
    line: usize,
    open_segment: bool,
    verifier: Option<Keyed<PublicKey>>,
    /// When set, signatures are collected here instead of verified as they are read (the
    /// parallel reader verifies them on its threads).
    deferred: Option<Vec<SignatureCheck>>,
}

/// A seal's signature to verify: the seal's line, the key identifier it names, the message
/// and the signature.
struct SignatureCheck {
    line: usize,
    found: String,
    message: Vec<u8>,
    signature: [u8; 64],
}

impl SignatureCheck {
    fn verify(&self, v: &Keyed<PublicKey>) -> Result<(), LogError> {
        let sig = ed25519_dalek::Signature::from_bytes(&self.signature);
        if v.key.0.verify_strict(&self.message, &sig).is_err() {
            return Err(LogError::BadSignature {
                line: self.line,
                key: v.key_id.clone(),
                found: self.found.clone(),
                reason: "the signature does not match the segment: its events were edited and sealed again, or a segment or checkpoint before it was dropped or moved",
            });
        }
        Ok(())
    }
}

/// What one line of a log held.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Record {
    /// An event, verified against its chain.
    Event(Event),
    /// A verified end record closing a segment.
    End,
    /// A verified checkpoint: the events before it are sealed (and, with a key, signed); the
    /// segment goes on.
    Checkpoint,
}

const DIGEST_MISMATCH: &str = "the digest does not match the event's content and chain";

/// One line read, before it is checked against its chain: the part of reading that needs
/// no state (see [`parse_line`]).
enum Parsed<'a> {
    Event(ParsedEvent<'a>),
    Seal(SealKind, EndRecord),
}

/// An event line read but not yet checked against its chain.
struct ParsedEvent<'a> {
    event: Event,
    /// The line without its trailing digest member (`None`: the digest member is not last).
    canonical: Option<&'a [u8]>,
    /// The digest the line claims (`None`: not 64 lowercase hex digits, so no digest).
    claim: Option<[u8; 32]>,
}

/// The error for an event whose digest or place in its chain is wrong.
fn tampered(event: &Event, line: usize, reason: &'static str) -> LogError {
    LogError::Tampered {
        line,
        ticket: event.ticket.to_string(),
        seq: event.seq,
        reason,
    }
}

/// Reads one line (without its LF) as JSON of the log format.
fn parse_line(line: usize, text: &str) -> Result<Parsed<'_>, LogError> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    if text.ends_with('\r') {
        // The digests cover the bytes of each line as written (LF-ended); a log whose
        // line ends were converted is an edited log, not the one that was sealed.
        return Err(LogError::Malformed {
            line,
            message: "the line ends in a carriage return: a wangge log is written with LF line ends, and one converted to CRLF has been edited".to_owned(),
        });
    }
    if text.trim().is_empty() {
        // The writer writes no blank line, and blank lines are outside every digest: one
        // added anywhere would be an edit nothing detects.
        return Err(LogError::Malformed {
            line,
            message: "a blank line: a wangge log has none".to_owned(),
        });
    }
    if text.trim_matches([' ', '\t', '\r']).len() != text.len() {
        // Nor spaces around a line's JSON: an event's digest covers its bytes, but an end
        // record's line is not hashed, and would take them unnoticed.
        return Err(LogError::Malformed {
            line,
            message: "spaces before or after the line's JSON: a wangge log has none".to_owned(),
        });
    }
    // Lines as the writer lays them out are read without serde; any other is read by serde,
    // which gives the verdict (see `fast`).
    // (Not in the WebAssembly module, where size counts more: serde reads every line there.)
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(event) = fast::event_line(text) {
        return Ok(Parsed::Event(event));
    }
    parse_json(line, text)
}

/// Reads one line (without its LF, not blank) as JSON of the log format, with serde.
fn parse_json(line: usize, text: &str) -> Result<Parsed<'_>, LogError> {
    let parsed: LineIn = crate::strict_json::from_str(text).map_err(|e| LogError::Malformed {
        line,
        message: e.to_string(),
    })?;
    if parsed.v != LOG_VERSION {
        return Err(LogError::UnsupportedVersion {
            line,
            version: parsed.v,
        });
    }
    match (parsed.end, parsed.checkpoint) {
        (Some(end), None) => return Ok(Parsed::Seal(SealKind::End, end)),
        (None, Some(checkpoint)) => return Ok(Parsed::Seal(SealKind::Checkpoint, checkpoint)),
        (Some(_), Some(_)) => {
            return Err(LogError::Malformed {
                line,
                message: "a line is an end record or a checkpoint, not both".to_owned(),
            })
        }
        (None, None) => {}
    }
    let malformed = |what: &str| LogError::Malformed {
        line,
        message: format!("an event line needs {what}"),
    };
    let ticket = parsed.ticket.ok_or_else(|| malformed("`ticket`"))?;
    let seq = parsed.seq.ok_or_else(|| malformed("`seq`"))?;
    let digest = parsed.digest.ok_or_else(|| malformed("`digest`"))?;
    let event = Event {
        ticket,
        seq,
        at: parsed.at.ok_or_else(|| malformed("`at`"))?,
        actor: parsed.actor.ok_or_else(|| malformed("`actor`"))?,
        action: parsed.action.ok_or_else(|| malformed("`action`"))?,
    };
    // The canonical bytes are the line as written without its trailing digest member.
    Ok(Parsed::Event(ParsedEvent {
        event,
        canonical: canonical_bytes(text, &digest),
        claim: unhex::<32>(&digest),
    }))
}

impl LogReader {
    /// A reader at the start of a log.
    pub fn new() -> LogReader {
        LogReader::default()
    }

    /// A reader at the start of a log whose every end record and checkpoint must carry a
    /// valid signature by `key` (see [Signed logs](crate::ticket::log#signed-logs)): one
    /// without is [`LogError::UnsignedSegment`], one that does not verify
    /// [`LogError::BadSignature`]. Events are returned as they are read, before the signature
    /// of the seal after them is checked: hold them until [`Record::End`] or
    /// [`Record::Checkpoint`] before acting on them.
    pub fn with_key(key: &PublicKey) -> LogReader {
        LogReader {
            chains: Chains::keyed(),
            verifier: Some(Keyed {
                key: key.clone(),
                key_id: key.key_id(),
                index: 0,
                previous: [0; 64],
            }),
            ..LogReader::default()
        }
    }

    /// Reads and verifies the next line.
    pub fn read_line(&mut self, text: &str) -> Result<Record, LogError> {
        self.line += 1;
        let line = self.line;
        match parse_line(line, text)? {
            Parsed::Seal(kind, end) => self.read_end(line, kind, end),
            Parsed::Event(parsed) => {
                let (i, prev) = self.link(line, &parsed.event, parsed.canonical.is_some())?;
                let computed = parsed
                    .canonical
                    .map(|c| chain_digest(&prev, c))
                    .unwrap_or_default();
                if parsed.claim != Some(computed) {
                    return Err(tampered(&parsed.event, line, DIGEST_MISMATCH));
                }
                self.chains
                    .set_at(i, parsed.event.ticket.as_str(), parsed.event.seq, computed);
                self.open_segment = true;
                Ok(Record::Event(parsed.event))
            }
        }
    }

    /// Checks where an event goes in its chain (its `seq`, and that its digest member ends
    /// the line) and returns the digest it links to.
    /// Also returns the ticket's index in the segment, for [`Chains::set_at`].
    fn link(
        &self,
        line: usize,
        event: &Event,
        last_member: bool,
    ) -> Result<(Option<u32>, [u8; 32]), LogError> {
        let i = self.chains.index(event.ticket.as_str());
        let (expected_seq, prev) = match i.and_then(|i| self.chains.heads.get(i as usize)) {
            Some((last, digest)) => (last.checked_add(1), *digest),
            None => (Some(0), [0; 32]),
        };
        if Some(event.seq) != expected_seq {
            return Err(tampered(
                event,
                line,
                "out of sequence: an event before it was dropped or moved",
            ));
        }
        if !last_member {
            return Err(tampered(
                event,
                line,
                "the digest member is not the last member of the line",
            ));
        }
        Ok((i, prev))
    }

    /// Verifies an end record or a checkpoint: its count and digest, and its signature if the
    /// reader has a key.
    fn read_end(
        &mut self,
        line: usize,
        kind: SealKind,
        end: EndRecord,
    ) -> Result<Record, LogError> {
        let sealed = self.chains.seal(kind);
        self.open_segment = false;
        let (what, record) = match kind {
            SealKind::End => ("end record", Record::End),
            SealKind::Checkpoint => ("checkpoint", Record::Checkpoint),
        };
        // The signature's format is checked with or without a key.
        let signed = match (end.key, end.signature) {
            (None, None) => None,
            (Some(key), Some(signature)) => {
                let malformed = |message: String| LogError::Malformed { line, message };
                if unhex::<KEY_ID_BYTES>(&key).is_none() {
                    return Err(malformed(format!(
                        "the {what}'s `key` must be 16 lowercase hex digits"
                    )));
                }
                let signature = unhex::<64>(&signature).ok_or_else(|| {
                    malformed(format!(
                        "the {what}'s `signature` must be 128 lowercase hex digits"
                    ))
                })?;
                Some((key, signature))
            }
            _ => {
                return Err(LogError::Malformed {
                    line,
                    message: format!("a signed {what} needs both `key` and `signature`"),
                })
            }
        };
        if end.events != sealed.events || unhex::<32>(&end.digest) != Some(sealed.digest) {
            return Err(LogError::Truncated {
                line,
                reason: match kind {
                    SealKind::End => "the end record does not match the events before it (events dropped or the segment cut)",
                    SealKind::Checkpoint => "the checkpoint does not match the events since the previous seal (events dropped or the log cut)",
                },
            });
        }
        let Some(v) = &mut self.verifier else {
            return Ok(record);
        };
        let Some((found, signature)) = signed else {
            return Err(LogError::UnsignedSegment {
                line,
                key: v.key_id.clone(),
            });
        };
        let bad = |reason| LogError::BadSignature {
            line,
            key: v.key_id.clone(),
            found: found.clone(),
            reason,
        };
        if found != v.key_id {
            return Err(bad("the segment is signed by another key"));
        }
        let message = segment_message(kind, v.index, &sealed, &v.previous);
        let check = SignatureCheck {
            line,
            found,
            message,
            signature,
        };
        match &mut self.deferred {
            // The parallel reader checks the signatures on its threads (see `parallel.rs`).
            Some(deferred) => deferred.push(check),
            None => check.verify(v)?,
        }
        v.index += 1;
        v.previous = signature;
        Ok(record)
    }

    /// Checks that the log ended with an end record or a checkpoint.
    pub fn finish(self) -> Result<(), LogError> {
        if self.open_segment || self.line == 0 {
            return Err(LogError::Truncated {
                line: self.line + 1,
                reason: "the log does not end with an end record or a checkpoint",
            });
        }
        Ok(())
    }
}

/// Reads and verifies a whole log held in memory, returning its events.
pub fn read_events(text: &str) -> Result<Vec<Event>, LogError> {
    read_events_with(LogReader::new(), text)
}

/// Reads and verifies a whole signed log held in memory, returning its events: every segment
/// must be signed by `key` (see [Signed logs](crate::ticket::log#signed-logs)).
pub fn read_events_verified(text: &str, key: &PublicKey) -> Result<Vec<Event>, LogError> {
    read_events_with(LogReader::with_key(key), text)
}

/// [`read_events`] on up to `threads` threads: the same events, or the same error at the
/// same line (see [Reading on several threads](crate::ticket::log#reading-on-several-threads)).
///
/// ```
/// use std::sync::Arc;
/// use wangge::hierarchy::{Hierarchy, NodeKind};
/// use wangge::ticket::log::{read_events, read_events_parallel};
/// use wangge::ticket::{Ledger, NewTicket, Taxonomy};
///
/// let mut h = Hierarchy::new();
/// h.add("g1", NodeKind::Grid, "第一网格")?;
/// let mut ledger = Ledger::new(Arc::new(h), Arc::new(Taxonomy::default()));
/// for i in 0..100 {
///     let t = NewTicket::new(&format!("T{i}"), "livelihood.repair", "g1")?;
///     ledger.report(t, "g1", "2025-03-03T09:00:00+08:00".parse()?)?;
/// }
/// let log = ledger.to_jsonl();
/// assert_eq!(read_events_parallel(&log, 4)?, read_events(&log)?);
/// let edited = log.replacen("livelihood.repair", "livelihood.noise", 1);
/// assert_eq!(read_events_parallel(&edited, 4), read_events(&edited));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_events_parallel(text: &str, threads: usize) -> Result<Vec<Event>, LogError> {
    if threads <= 1 {
        return read_events(text);
    }
    parallel::read_parallel(text, None, threads).into_events()
}

/// [`read_events_verified`] on up to `threads` threads (see [`read_events_parallel`]).
pub fn read_events_verified_parallel(
    text: &str,
    key: &PublicKey,
    threads: usize,
) -> Result<Vec<Event>, LogError> {
    if threads <= 1 {
        return read_events_verified(text, key);
    }
    parallel::read_parallel(text, Some(key), threads).into_events()
}

fn read_events_with(mut reader: LogReader, text: &str) -> Result<Vec<Event>, LogError> {
    // Room for every line as short as an event line gets (a hundred and fifty bytes or so):
    // growing a large vector step by step copied it over and over. Room beyond the events is
    // address space, never touched.
    let mut events = Vec::with_capacity(text.len() / 128 + 1);
    for line in text.split_terminator('\n') {
        if let Record::Event(e) = reader.read_line(line)? {
            events.push(e);
        }
    }
    reader.finish()?;
    // Giving back the room moves no event (the allocator trims in place).
    events.shrink_to_fit();
    Ok(events)
}

impl Ledger {
    /// Writes every ticket's log as hash-chained JSON lines, ending with an end record.
    pub fn write_jsonl<W: io::Write>(&self, out: W) -> io::Result<W> {
        let mut writer = LogWriter::new(out);
        self.each_line(|line| writer.write_ref(line))?;
        writer.finish()
    }

    /// Writes every ticket's log like [`Ledger::write_jsonl`], with end records signed by
    /// `key` (see [Signed logs](crate::ticket::log#signed-logs)).
    pub fn write_jsonl_signed<W: io::Write>(&self, out: W, key: &SigningKey) -> io::Result<W> {
        let mut writer = LogWriter::signed(out, key);
        self.each_line(|line| writer.write_ref(line))?;
        writer.finish()
    }

    /// The whole log as a string of JSON lines.
    pub fn to_jsonl(&self) -> String {
        self.write_jsonl(Vec::new())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    }

    /// The whole log as a string of JSON lines with a signed end record.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use wangge::hierarchy::{Hierarchy, NodeKind};
    /// use wangge::ticket::log::SigningKey;
    /// use wangge::ticket::{Ledger, Taxonomy, Trust};
    ///
    /// let mut h = Hierarchy::new();
    /// h.add("g1", NodeKind::Grid, "第一网格")?;
    /// let (h, t) = (Arc::new(h), Arc::new(Taxonomy::default()));
    /// let ledger = Ledger::new(h.clone(), t.clone());
    /// let key = SigningKey::from_bytes(&[7; 32]); // the caller's secret, never generated here
    /// let log = ledger.to_jsonl_signed(&key);
    ///
    /// // Verified with the public key: every segment must carry its signature.
    /// let mut copy = Ledger::new(h.clone(), t.clone());
    /// copy.load_jsonl_verified(&log, Trust::Checked, &key.public_key())?;
    /// // Another key, or a log without signatures, is refused.
    /// let other = SigningKey::from_bytes(&[8; 32]).public_key();
    /// let e = Ledger::new(h.clone(), t.clone())
    ///     .load_jsonl_verified(&log, Trust::Checked, &other)
    ///     .unwrap_err();
    /// assert_eq!((e.code(), e.line()), ("log.bad_signature", 1));
    /// let e = Ledger::new(h, t)
    ///     .load_jsonl_verified(&ledger.to_jsonl(), Trust::Checked, &key.public_key())
    ///     .unwrap_err();
    /// assert_eq!(e.code(), "log.unsigned_segment");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_jsonl_signed(&self, key: &SigningKey) -> String {
        self.write_jsonl_signed(Vec::new(), key)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    }

    /// Reads, verifies and replays a log into a new ledger under the default authority,
    /// checking every event against it ([`Trust::Checked`]). See [`Ledger::load_jsonl`] for
    /// another authority or a trusted history.
    pub fn from_jsonl(
        hierarchy: Arc<Hierarchy>,
        taxonomy: Arc<Taxonomy>,
        text: &str,
    ) -> Result<Ledger, LogError> {
        let mut ledger = Ledger::new(hierarchy, taxonomy);
        ledger.load_jsonl(text, Trust::Checked)?;
        Ok(ledger)
    }

    /// [`Ledger::from_jsonl`] for a signed log: every segment must be signed by `key`.
    pub fn from_jsonl_verified(
        hierarchy: Arc<Hierarchy>,
        taxonomy: Arc<Taxonomy>,
        text: &str,
        key: &PublicKey,
    ) -> Result<Ledger, LogError> {
        let mut ledger = Ledger::new(hierarchy, taxonomy);
        ledger.load_jsonl_verified(text, Trust::Checked, key)?;
        Ok(ledger)
    }

    /// Reads, verifies and replays a log into this ledger, under its authority and with the
    /// given trust (see [`Trust`]): a digest that does not match is [`LogError::Tampered`],
    /// an event the lifecycle or the authority refuses is [`LogError::Replay`] naming its
    /// line. Returns the number of events read. On error the ledger keeps the events before
    /// the bad line; load into a fresh ledger to get all or nothing.
    pub fn load_jsonl(&mut self, text: &str, trust: Trust) -> Result<usize, LogError> {
        self.load_jsonl_with(LogReader::new(), text, trust)
    }

    /// [`Ledger::load_jsonl`] for a signed log: every segment must be signed by `key` (an
    /// unsigned segment is [`LogError::UnsignedSegment`], a signature that does not verify
    /// [`LogError::BadSignature`]; see [Signed logs](crate::ticket::log#signed-logs)). A
    /// segment's events are replayed once its signature verifies (so this holds one
    /// segment's events in memory at a time): on error the ledger keeps the events of the
    /// segments that verified and replayed before the bad line.
    pub fn load_jsonl_verified(
        &mut self,
        text: &str,
        trust: Trust,
        key: &PublicKey,
    ) -> Result<usize, LogError> {
        self.load_jsonl_with(LogReader::with_key(key), text, trust)
    }

    /// [`Ledger::load_jsonl`] (or, with a key, [`Ledger::load_jsonl_verified`]) reading and
    /// verifying on up to `threads` threads: the same ledger, or the same error at the same
    /// line (see [Reading on several threads](crate::ticket::log#reading-on-several-threads)).
    /// Replaying is done in line order on the calling thread. One thread (or 0) is the
    /// one-thread loader itself.
    pub fn load_jsonl_parallel(
        &mut self,
        text: &str,
        trust: Trust,
        key: Option<&PublicKey>,
        threads: usize,
    ) -> Result<usize, LogError> {
        if threads <= 1 {
            return match key {
                Some(key) => self.load_jsonl_verified(text, trust, key),
                None => self.load_jsonl(text, trust),
            };
        }
        let read = parallel::read_parallel(text, key, threads);
        // As the one-thread loader: a signed log's events are replayed once their segment's
        // signature verified; an unsigned log's up to the first bad line.
        let replayable = match key {
            Some(_) => read.ends.last().copied().unwrap_or(0),
            None => usize::MAX,
        };
        let error = read.error.clone();
        let mut n = 0;
        let mut recent = Recent::default();
        for (line, event) in read.events().take_while(|(l, _)| *l < replayable) {
            self.replay_line(&mut recent, line, &event, trust)?;
            n += 1;
        }
        match error {
            Some(e) => Err(e),
            None => Ok(n),
        }
    }

    fn load_jsonl_with(
        &mut self,
        mut reader: LogReader,
        text: &str,
        trust: Trust,
    ) -> Result<usize, LogError> {
        // With a key, a segment's events are replayed only once its end record's signature
        // verifies: the ledger never takes an event from a segment that does not, and an
        // edited log is refused for its signature, not for what the edit did to the replay.
        let hold = reader.verifier.is_some();
        let mut held: Vec<(usize, Event)> = Vec::new();
        let mut n = 0;
        let mut recent = Recent::default();
        for line in text.split_terminator('\n') {
            match reader.read_line(line)? {
                Record::Event(event) if hold => held.push((reader.line, event)),
                Record::Event(event) => {
                    self.replay_line(&mut recent, reader.line, &event, trust)?;
                    n += 1;
                }
                Record::End | Record::Checkpoint => {
                    for (line, event) in held.drain(..) {
                        self.replay_line(&mut recent, line, &event, trust)?;
                        n += 1;
                    }
                }
            }
        }
        reader.finish()?;
        Ok(n)
    }

    fn replay_line(
        &mut self,
        recent: &mut Recent,
        line: usize,
        event: &Event,
        trust: Trust,
    ) -> Result<(), LogError> {
        self.replay_recent(recent, event, trust)
            .map(|_| ())
            .map_err(|error| LogError::Replay { line, error })
    }
}
