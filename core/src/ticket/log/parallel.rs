//! Reading a log on several threads, when the caller asks for it.
//!
//! Most of the cost of reading a log is in parsing each line and hashing it, and neither
//! needs anything from the lines before: a line's chain needs only the digest of the event
//! before it in its ticket's chain, and every line states its own digest. So the reader
//!
//! 1. parses the lines, split into one run of whole lines per thread;
//! 2. walks them in order, on one thread, checking what needs the order (each event's `seq`
//!    in its chain, the seals and the key they name) and noting for each event the digest the
//!    event before it in its chain *claims*, and for each signed seal the message its
//!    signature must verify (made from the previous seal's signature as stored);
//! 3. verifies the signatures and hashes the events on all threads, each event against that
//!    claimed digest.
//!
//! If every event's digest is the hash of its predecessor's claimed digest and its own
//! bytes, then by induction along each chain every claimed digest is the digest the one-
//! thread reader computes, and the end records were checked against the same digests. If
//! not, the first line (in line order) whose hash does not match is the line where the
//! one-thread reader stops too: every event before it matched. Likewise a signature: the
//! one-thread reader verifies each against the previous seal's signature as stored, which is
//! the message the walk made, so the first seal (in line order) whose signature fails is
//! where it stops, unless a hash fails before it. Every error is therefore the one
//! [`LogReader`] gives, at the same line, and the events are the same.
//!
//! Threads are the caller's choice (the library reads nothing of the machine), and on a
//! target without threads (WebAssembly) or when a thread cannot be started the work is done
//! on the calling thread.

use super::*;
use crate::threads::on_threads;

/// A log read by [`read_parallel`]: its lines as parsed, the lines of the end records and
/// checkpoints that verified, and the first error.
pub(super) struct Read<'a> {
    runs: Vec<Run<'a>>,
    pub(super) ends: Vec<usize>,
    pub(super) error: Option<LogError>,
}

impl<'a> Read<'a> {
    /// The events before the first error, in line order, with their lines.
    pub(super) fn events(self) -> impl Iterator<Item = (usize, Event)> + 'a {
        let stop = self.error.as_ref().map_or(usize::MAX, LogError::line);
        self.runs
            .into_iter()
            .flat_map(|run| {
                let first = run.first_line;
                let lines = run
                    .lines
                    .into_iter()
                    .enumerate()
                    .filter(|(_, l)| matches!(l, Line::Event { .. }))
                    .map(move |(i, _)| first + i);
                lines.zip(run.events)
            })
            .take_while(move |(line, _)| *line < stop)
    }

    /// The events of a log read without error, in line order: the first run's events stay
    /// where they are (growing a large vector moves its pages, not its bytes) and the other
    /// runs' are moved after them in one copy each. This is the one copy of events that is not
    /// shared between threads.
    pub(super) fn into_events(self) -> Result<Vec<Event>, LogError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let total: usize = self.runs.iter().map(|r| r.events.len()).sum();
        let mut runs = self.runs.into_iter();
        let mut out = runs.next().map(|r| r.events).unwrap_or_default();
        out.reserve_exact(total.saturating_sub(out.len()));
        for mut run in runs {
            out.append(&mut run.events);
        }
        out.shrink_to_fit();
        Ok(out)
    }
}

/// A line of a run as parsed: an event line's hashed bytes and claimed digest (its event is
/// in [`Run::events`]), or an end record.
enum Line<'a> {
    Event {
        canonical: Option<&'a [u8]>,
        claim: Option<[u8; 32]>,
    },
    Seal(SealKind, Box<EndRecord>),
}

/// A run of lines: what each parsed to (up to the first error in the run), the events of its
/// event lines, and for each line the digest its event links to (set by the walk in order).
struct Run<'a> {
    first_line: usize,
    lines: Vec<Line<'a>>,
    events: Vec<Event>,
    prev: Vec<[u8; 32]>,
    error: Option<LogError>,
}

/// Splits `text` into about `parts` runs of whole lines, each with its first line number.
fn runs(text: &str, parts: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::with_capacity(parts);
    let target = text.len() / parts.max(1) + 1;
    let mut rest = text;
    let mut line = 1;
    while !rest.is_empty() {
        // Searched as bytes: `target` may fall inside a character (Chinese texts), a
        // newline never does, so the cut after it is a character boundary.
        let cut = rest
            .as_bytes()
            .get(target..)
            .and_then(|tail| tail.iter().position(|&b| b == b'\n'))
            .map_or(rest.len(), |i| target + i + 1);
        let (run, tail) = rest.split_at_checked(cut).unwrap_or((rest, ""));
        out.push((line, run));
        line += newlines(run.as_bytes());
        rest = tail;
    }
    out
}

/// The number of newlines in `bytes`, counted in blocks of 255 bytes with a byte-wide
/// count per block, which the compiler turns into wide vector compares; counted byte by
/// byte into a `usize`, the count took half the walk that cannot be shared between threads.
fn newlines(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|block| {
            let n = block
                .iter()
                .fold(0u8, |n, &b| n.wrapping_add(u8::from(b == b'\n')));
            usize::from(n)
        })
        .sum()
}

/// Reads and verifies a log on up to `threads` threads (see the [module docs](self)).
pub(super) fn read_parallel<'a>(
    text: &'a str,
    key: Option<&PublicKey>,
    threads: usize,
) -> Read<'a> {
    let threads = threads.max(1);
    // 1. Parse, one run of lines per thread.
    let mut runs: Vec<Run<'a>> = on_threads(&runs(text, threads), |&(first_line, run)| {
        // Room for every line as short as an event line gets (see `read_events_with`).
        let n = run.len() / 128 + 1;
        let (mut lines, mut events) = (Vec::with_capacity(n), Vec::with_capacity(n));
        let mut error = None;
        for (i, line) in run.split_terminator('\n').enumerate() {
            match parse_line(first_line + i, line) {
                Ok(Parsed::Event(p)) => {
                    lines.push(Line::Event {
                        canonical: p.canonical,
                        claim: p.claim,
                    });
                    events.push(p.event);
                }
                Ok(Parsed::Seal(kind, end)) => lines.push(Line::Seal(kind, Box::new(end))),
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        Run {
            first_line,
            prev: Vec::with_capacity(lines.len()),
            lines,
            events,
            error,
        }
    });

    // 2. In order: the chains' order, the end records, and each event's predecessor (the
    //    digest it claims). Stops at the first error, which is then the error unless a hash
    //    before it does not match.
    let mut reader = match key {
        Some(key) => LogReader::with_key(key),
        None => LogReader::new(),
    };
    // Signatures are verified in step 3, on the threads.
    reader.deferred = Some(Vec::new());
    let mut ends = Vec::new();
    let mut error = None;
    'runs: for run in &mut runs {
        let mut events = run.events.iter();
        for (i, l) in run.lines.iter_mut().enumerate() {
            let line = run.first_line + i;
            reader.line = line;
            let step = match l {
                Line::Seal(kind, end) => reader
                    .read_end(line, *kind, std::mem::take(&mut **end))
                    .map(|_| {
                        ends.push(line);
                        [0; 32]
                    }),
                Line::Event { canonical, claim } => match events.next() {
                    Some(e) => reader
                        .link(line, e, canonical.is_some())
                        .and_then(|(i, prev)| {
                            let claim = claim.ok_or_else(|| tampered(e, line, DIGEST_MISMATCH))?;
                            reader.chains.set_at(i, e.ticket.as_str(), e.seq, claim);
                            reader.open_segment = true;
                            Ok(prev)
                        }),
                    // One event per event line, by construction.
                    None => Ok([0; 32]),
                },
            };
            match step {
                Ok(prev) => run.prev.push(prev),
                Err(e) => {
                    error = Some(e);
                    break 'runs;
                }
            }
        }
        if let Some(e) = run.error.take() {
            error = Some(e);
            break;
        }
    }
    let checks = reader.deferred.take().unwrap_or_default();
    let verifier = reader.verifier.take();
    if error.is_none() {
        error = reader.finish().err();
    }

    // 3. Verify the seals' signatures (each message was made by the walk from the stored
    //    previous signature, so they do not depend on each other), split between the threads;
    //    the first failure in line order.
    let bad_signature = match &verifier {
        Some(v) if !checks.is_empty() => {
            let parts: Vec<&[SignatureCheck]> =
                checks.chunks(checks.len().div_ceil(threads)).collect();
            on_threads(&parts, |part| part.iter().find_map(|c| c.verify(v).err()))
                .into_iter()
                .flatten()
                .next()
        }
        _ => None,
    };

    //    Hash every event against its predecessor's claimed digest, a run per thread (`prev`
    //    is as long as the walk went).
    let mismatch = on_threads(&runs, |run| {
        let mut events = run.events.iter();
        run.lines
            .iter()
            .zip(&run.prev)
            .enumerate()
            .find_map(|(i, (l, prev))| match l {
                Line::Event { canonical, claim } => {
                    let e = events.next()?;
                    let digest = canonical.map(|c| chain_digest(prev, c));
                    (digest != *claim).then(|| tampered(e, run.first_line + i, DIGEST_MISMATCH))
                }
                Line::Seal(..) => None,
            })
    })
    .into_iter()
    .flatten()
    .next();
    // A mismatch or a bad signature comes before any error of step 2 (which stopped at its
    // line); of the two, the first in line order is the one the one-thread reader meets.
    let first = match (mismatch, bad_signature) {
        (Some(m), Some(b)) => Some(if b.line() < m.line() { b } else { m }),
        (m, b) => m.or(b),
    };
    let error = first.or(error);
    let stop = error.as_ref().map_or(usize::MAX, LogError::line);
    ends.retain(|line| *line < stop);
    Read { runs, ends, error }
}

#[cfg(test)]
mod tests {
    use super::runs;

    #[test]
    fn newlines_are_counted_in_blocks_as_one_by_one() {
        let text: String = (0..2000)
            .map(|i| {
                if i % 7 == 0 || i % 254 == 0 {
                    '\n'
                } else {
                    'x'
                }
            })
            .collect();
        for len in [0, 1, 254, 255, 256, 511, 1000, 2000] {
            let bytes = &text.as_bytes()[..len];
            let slow = bytes.iter().filter(|&&b| b == b'\n').count();
            assert_eq!(super::newlines(bytes), slow, "{len}");
        }
        assert_eq!(super::newlines(&[b'\n'; 1000]), 1000);
    }

    #[test]
    fn runs_cut_after_newlines_even_inside_chinese_text() {
        let text = "一二三\n四五六\n七八九\nabc\n";
        for parts in 1..8 {
            let r = runs(text, parts);
            assert_eq!(r.iter().map(|(_, t)| *t).collect::<String>(), text);
            let mut line = 1;
            for (first, run) in &r {
                assert_eq!(*first, line);
                assert!(run.ends_with('\n'));
                line += run.matches('\n').count();
            }
            // More than one run when asked for more than one (a cut inside a character
            // used to leave the rest as one run).
            assert!(
                r.len() <= parts && (parts == 1 || r.len() >= 2),
                "{parts}: {r:?}"
            );
        }
    }
}
