//! The serialized event log: JSON lines with a hash chain (a public contract, version 1).
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
//!   were sealed. Each ticket's events
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

use std::io;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Action, Actor, Event, Ledger, TicketError, TicketId, Trust};
use crate::hierarchy::Hierarchy;
use crate::intern::Interner;
use crate::ticket::Taxonomy;
use crate::time::Timestamp;
use rustc_hash::FxHashMap;
use std::sync::Arc;

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
        }
    }

    /// The 1-based line number the error names.
    pub fn line(&self) -> usize {
        match self {
            LogError::Malformed { line, .. }
            | LogError::UnsupportedVersion { line, .. }
            | LogError::Tampered { line, .. }
            | LogError::Truncated { line, .. }
            | LogError::Replay { line, .. } => *line,
        }
    }
}

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
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EndRecord {
    events: u64,
    digest: String,
}

#[derive(Serialize)]
struct EndOut<'a> {
    v: u32,
    end: &'a EndRecord,
}

fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(
            HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0'),
        ));
        s.push(char::from(
            HEX.get(usize::from(b & 15)).copied().unwrap_or(b'0'),
        ));
    }
    s
}

/// Per-segment state shared by the writer and the reader: the heads of the chains.
#[derive(Default)]
struct Chains {
    order: Interner,
    heads: FxHashMap<u32, (u32, [u8; 32])>,
    events: u64,
}

impl Chains {
    fn head(&self, ticket: &str) -> Option<(u32, [u8; 32])> {
        let i = self.order.find(ticket)?;
        self.heads.get(&i).copied()
    }

    fn set(&mut self, ticket: &str, seq: u32, digest: [u8; 32]) {
        let i = self.order.intern(ticket);
        self.heads.insert(i, (seq, digest));
        self.events += 1;
    }

    fn end(&mut self) -> EndRecord {
        let mut hasher = Sha256::new();
        let mut i = 0u32;
        while let Some(ticket) = self.order.get(i) {
            if let Some((_, digest)) = self.heads.get(&i) {
                hasher.update(ticket.as_bytes());
                hasher.update(b"\n");
                hasher.update(digest);
            }
            i += 1;
        }
        let record = EndRecord {
            events: self.events,
            digest: hex(&hasher.finalize()),
        };
        *self = Chains::default();
        record
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

fn hex_eq(text: &str, bytes: &[u8; 32]) -> bool {
    text.len() == 64
        && text
            .as_bytes()
            .chunks(2)
            .zip(bytes.iter())
            .all(|(pair, b)| {
                let nib = |c: u8| match c {
                    b'0'..=b'9' => Some(c - b'0'),
                    b'a'..=b'f' => Some(c - b'a' + 10),
                    _ => None,
                };
                match pair {
                    [hi, lo] => nib(*hi)
                        .zip(nib(*lo))
                        .is_some_and(|(h, l)| (h << 4 | l) == *b),
                    _ => false,
                }
            })
}

/// Writes events as hash-chained JSON lines (see the [module docs](self)).
pub struct LogWriter<W: io::Write> {
    out: W,
    chains: Chains,
    buf: Vec<u8>,
}

impl<W: io::Write> LogWriter<W> {
    /// A writer into any byte sink (a `Vec<u8>`, a file opened by the caller, …).
    pub fn new(out: W) -> LogWriter<W> {
        LogWriter {
            out,
            chains: Chains::default(),
            buf: Vec::with_capacity(512),
        }
    }

    /// Writes one event; events of a ticket must come in `seq` order.
    pub fn write(&mut self, event: &Event) -> io::Result<()> {
        self.buf.clear();
        serde_json::to_writer(
            &mut self.buf,
            &LineOut {
                v: LOG_VERSION,
                ticket: &event.ticket,
                seq: event.seq,
                at: event.at,
                actor: &event.actor,
                action: &event.action,
            },
        )
        .map_err(io::Error::other)?;
        let prev = self
            .chains
            .head(event.ticket.as_str())
            .map(|(_, d)| d)
            .unwrap_or([0; 32]);
        // Hash the line without its closing brace, then the brace (see `chain_digest`), and
        // replace the brace by the digest member.
        self.buf.pop();
        let digest = chain_digest(&prev, &self.buf);
        self.chains.set(event.ticket.as_str(), event.seq, digest);
        self.buf.extend_from_slice(b",\"digest\":\"");
        self.buf.extend_from_slice(hex(&digest).as_bytes());
        self.buf.extend_from_slice(b"\"}\n");
        self.out.write_all(&self.buf)
    }

    /// Writes the end record of the current segment.
    pub fn end_segment(&mut self) -> io::Result<()> {
        let end = self.chains.end();
        serde_json::to_writer(
            &mut self.out,
            &EndOut {
                v: LOG_VERSION,
                end: &end,
            },
        )
        .map_err(io::Error::other)?;
        self.out.write_all(b"\n")
    }

    /// Writes the end record and returns the sink.
    pub fn finish(mut self) -> io::Result<W> {
        self.end_segment()?;
        Ok(self.out)
    }
}

/// Reads and verifies hash-chained JSON lines, one line at a time.
#[derive(Default)]
pub struct LogReader {
    chains: Chains,
    line: usize,
    open_segment: bool,
}

/// What one line of a log held.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Record {
    /// An event, verified against its chain.
    Event(Event),
    /// A verified end record closing a segment.
    End,
    /// A blank line.
    Blank,
}

impl LogReader {
    /// A reader at the start of a log.
    pub fn new() -> LogReader {
        LogReader::default()
    }

    /// Reads and verifies the next line.
    pub fn read_line(&mut self, text: &str) -> Result<Record, LogError> {
        self.line += 1;
        let line = self.line;
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
            return Ok(Record::Blank);
        }
        let parsed: LineIn =
            crate::strict_json::from_str(text).map_err(|e| LogError::Malformed {
                line,
                message: e.to_string(),
            })?;
        if parsed.v != LOG_VERSION {
            return Err(LogError::UnsupportedVersion {
                line,
                version: parsed.v,
            });
        }
        if let Some(end) = parsed.end {
            let expected = self.chains.end();
            self.open_segment = false;
            if end.events != expected.events || end.digest != expected.digest {
                return Err(LogError::Truncated {
                    line,
                    reason: "the end record does not match the events before it (events dropped or the segment cut)",
                });
            }
            return Ok(Record::End);
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
        let tampered = |reason: &'static str| LogError::Tampered {
            line,
            ticket: event.ticket.to_string(),
            seq,
            reason,
        };
        let (expected_seq, prev) = match self.chains.head(event.ticket.as_str()) {
            Some((last, digest)) => (last.checked_add(1), digest),
            None => (Some(0), [0; 32]),
        };
        if Some(seq) != expected_seq {
            return Err(tampered(
                "out of sequence: an event before it was dropped or moved",
            ));
        }
        // The canonical bytes are the line as written without its trailing digest member.
        let canonical = canonical_bytes(text, &digest)
            .ok_or_else(|| tampered("the digest member is not the last member of the line"))?;
        let computed = chain_digest(&prev, canonical);
        if !hex_eq(&digest, &computed) {
            return Err(tampered(
                "the digest does not match the event's content and chain",
            ));
        }
        self.chains.set(event.ticket.as_str(), seq, computed);
        self.open_segment = true;
        Ok(Record::Event(event))
    }

    /// Checks that the log ended with an end record.
    pub fn finish(self) -> Result<(), LogError> {
        if self.open_segment || self.line == 0 {
            return Err(LogError::Truncated {
                line: self.line + 1,
                reason: "the log does not end with an end record",
            });
        }
        Ok(())
    }
}

/// Reads and verifies a whole log held in memory, returning its events.
pub fn read_events(text: &str) -> Result<Vec<Event>, LogError> {
    let mut reader = LogReader::new();
    let mut events = Vec::new();
    for line in text.split_terminator('\n') {
        if let Record::Event(e) = reader.read_line(line)? {
            events.push(e);
        }
    }
    reader.finish()?;
    Ok(events)
}

impl Ledger {
    /// Writes every ticket's log as hash-chained JSON lines, ending with an end record.
    pub fn write_jsonl<W: io::Write>(&self, out: W) -> io::Result<W> {
        let mut writer = LogWriter::new(out);
        for event in self.all_events() {
            writer.write(&event)?;
        }
        writer.finish()
    }

    /// The whole log as a string of JSON lines.
    pub fn to_jsonl(&self) -> String {
        self.write_jsonl(Vec::new())
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

    /// Reads, verifies and replays a log into this ledger, under its authority and with the
    /// given trust (see [`Trust`]): a digest that does not match is [`LogError::Tampered`],
    /// an event the lifecycle or the authority refuses is [`LogError::Replay`] naming its
    /// line. Returns the number of events read. On error the ledger keeps the events before
    /// the bad line; load into a fresh ledger to get all or nothing.
    pub fn load_jsonl(&mut self, text: &str, trust: Trust) -> Result<usize, LogError> {
        let mut reader = LogReader::new();
        let mut n = 0;
        for line in text.split_terminator('\n') {
            if let Record::Event(event) = reader.read_line(line)? {
                self.replay_event(&event, trust)
                    .map_err(|error| LogError::Replay {
                        line: reader.line,
                        error,
                    })?;
                n += 1;
            }
        }
        reader.finish()?;
        Ok(n)
    }
}
