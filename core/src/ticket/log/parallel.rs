//! Reading a log on several threads, when the caller asks for it.
//!
//! Most of the cost of reading a log is in parsing each line and hashing it, and neither
//! needs anything from the lines before: a line's chain needs only the digest of the event
//! before it in its ticket's chain, and every line states its own digest. So the reader
//!
//! 1. parses the lines, split into runs of whole lines (several per thread, taken by the
//!    threads as they come free), and hashes there each event whose predecessor in its chain
//!    is the line just before it (a log written ticket after ticket) or that starts a chain:
//!    if the walk accepts the line, that predecessor's claimed digest is the one the walk
//!    finds (below);
//! 2. walks them in order, on the calling thread, each run as soon as it and the runs before
//!    it are parsed (so the walk overlaps the parsing of the later runs), checking what needs
//!    the order (each event's `seq` in its chain, the seals and the key they name) and noting
//!    for each event the digest the event before it in its chain *claims*, and for each signed
//!    seal the message its signature must verify (made from the previous seal's signature as
//!    stored); the walked run's events join the result;
//! 3. verifies the signatures and hashes the remaining events on all threads, each event
//!    against that claimed digest.
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

/// A log read by [`read_parallel`]: its lines as parsed, the events of the runs the walk
/// reached (in line order), the lines of the end records and checkpoints that verified, and
/// the first error.
pub(super) struct Read<'a> {
    runs: Vec<Run<'a>>,
    events: Vec<Event>,
    pub(super) ends: Vec<usize>,
    pub(super) error: Option<LogError>,
}

impl<'a> Read<'a> {
    /// The events before the first error, in line order, with their lines.
    pub(super) fn events(self) -> impl Iterator<Item = (usize, Event)> + 'a {
        let stop = self.error.as_ref().map_or(usize::MAX, LogError::line);
        // The walk moved the events of every run it reached, in order (and the first error is
        // in one of those runs).
        self.runs
            .into_iter()
            .filter(|run| run.walked)
            .flat_map(|run| {
                let first = run.first_line;
                run.lines
                    .into_iter()
                    .enumerate()
                    .filter(|(_, l)| matches!(l, Line::Event { .. }))
                    .map(move |(i, _)| first + i)
            })
            .zip(self.events)
            .take_while(move |(line, _)| *line < stop)
    }

    /// The events of a log read without error, in line order: the walk moved them into one
    /// vector as it went, while the threads parsed the runs after.
    pub(super) fn into_events(self) -> Result<Vec<Event>, LogError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.events),
        }
    }
}

/// A line of a run as parsed: an event line's hashed bytes and claimed digest (its event is
/// in [`Run::events`]), or an end record.
enum Line<'a> {
    Event {
        canonical: Option<&'a [u8]>,
        claim: Option<[u8; 32]>,
        /// Whether the line's digest matches, when that was decided while parsing (see
        /// [`parse_run`]); `None` leaves it to the walk's predecessor.
        matches: Option<bool>,
    },
    Seal(SealKind, Box<EndRecord>),
}

/// A run of lines: what each parsed to (up to the first error in the run), the events of its
/// event lines, and for each line the digest its event links to (set by the walk in order).
struct Run<'a> {
    first_line: usize,
    /// Whether the walk reached the run, and then where its events are in [`Read::events`]
    /// (they were moved there: `events` is left empty).
    walked: bool,
    offset: usize,
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

/// Below this many events left to hash after the walk, they are hashed on the calling thread
/// (starting threads would cost more).
const PARALLEL_HASHES: usize = 4096;

/// Runs per thread: the walk in order (step 2) takes each run as soon as it is parsed, so with
/// several runs per thread it overlaps the parsing of the later ones, and only the last run's
/// walk is left when the parsing ends. On the ticket bench's 730,140-event log, read on 2
/// threads, 4 runs per thread gave 1.48–1.55× one thread, 16 gave 1.76–1.84×, 32 gave
/// 1.78–1.90× (medians of 7 alternating runs).
const RUNS_PER_THREAD: usize = 32;

/// Parses a run of lines (step 1). An event line whose predecessor in its chain is the line
/// just before it (a log written ticket after ticket), or that starts its chain, is hashed
/// here: if the walk accepts the line, its predecessor's claimed digest is the one the walk
/// finds (a ticket's chain head is its latest event line, and an end record, which starts the
/// chains again, breaks the run of lines). The others are hashed after the walk (step 3).
fn parse_run(first_line: usize, run: &str) -> Run<'_> {
    // Room for every line as short as an event line gets (see `read_events_with`).
    let n = run.len() / 128 + 1;
    let (mut lines, mut events) = (Vec::with_capacity(n), Vec::<Event>::with_capacity(n));
    let mut error = None;
    // The claimed digest of the line before, when it was an event line.
    let mut previous: Option<[u8; 32]> = None;
    for (i, line) in run.split_terminator('\n').enumerate() {
        match parse_line(first_line + i, line) {
            Ok(Parsed::Event(p)) => {
                // (The walk checks that the line goes on from its chain's head: when the line
                // before is the same ticket's and the walk accepted both, it is that head.)
                let before = match (p.event.seq, events.last(), previous) {
                    (0, _, _) => Some([0; 32]),
                    (_, Some(last), Some(claim)) if last.ticket == p.event.ticket => Some(claim),
                    _ => None,
                };
                let matches =
                    before.map(|prev| p.canonical.map(|c| chain_digest(&prev, c)) == p.claim);
                lines.push(Line::Event {
                    canonical: p.canonical,
                    claim: p.claim,
                    matches,
                });
                previous = p.claim;
                events.push(p.event);
            }
            Ok(Parsed::Seal(kind, end)) => {
                previous = None;
                lines.push(Line::Seal(kind, Box::new(end)));
            }
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    Run {
        first_line,
        walked: false,
        offset: 0,
        prev: Vec::with_capacity(lines.len()),
        lines,
        events,
        error,
    }
}

/// Parses the runs on up to `threads` threads and hands each to `walk` in order as soon as it
/// and the runs before it are parsed; the calling thread parses too while the next run to walk
/// is not ready. Returns the runs in order. A thread that cannot be had leaves its runs to the
/// others (and at worst to the calling thread); on wasm32 everything is done here.
fn parse_and_walk<'a>(
    pieces: &[(usize, &'a str)],
    threads: usize,
    mut walk: impl FnMut(&mut Run<'a>),
) -> Vec<Run<'a>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc::{channel, TryRecvError};

    let n = pieces.len();
    let mut done: Vec<Run<'a>> = Vec::with_capacity(n);
    // The run at index `k`, with its index.
    let parse = |k: usize| (pieces.get(k)).map(|&(first, text)| (k, parse_run(first, text)));
    if threads <= 1 || cfg!(target_arch = "wasm32") {
        for (_, mut run) in (0..n).map_while(parse) {
            walk(&mut run);
            done.push(run);
        }
        return done;
    }
    let next = AtomicUsize::new(0);
    let mut parsed: Vec<Option<Run<'a>>> = (0..n).map(|_| None).collect();
    std::thread::scope(|scope| {
        let (tx, rx) = channel();
        for _ in 1..threads {
            let (tx, next, parse) = (tx.clone(), &next, &parse);
            // A worker that cannot be started leaves its share to the others.
            let _ = std::thread::Builder::new().spawn_scoped(scope, move || {
                while let Some(parsed) = parse(next.fetch_add(1, Ordering::Relaxed)) {
                    if tx.send(parsed).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut open = true;
        while done.len() < n {
            if let Some(mut run) = parsed.get_mut(done.len()).and_then(Option::take) {
                walk(&mut run);
                done.push(run);
                continue;
            }
            // The next run to walk is not parsed yet: take what the workers sent, else parse
            // the next unclaimed run here, else wait for the workers.
            let got = if open {
                match rx.try_recv() {
                    Ok(got) => Some(got),
                    Err(TryRecvError::Empty) => None,
                    Err(TryRecvError::Disconnected) => {
                        open = false;
                        None
                    }
                }
            } else {
                None
            };
            let got = got
                .or_else(|| parse(next.fetch_add(1, Ordering::Relaxed)))
                .or_else(|| if open { rx.recv().ok() } else { None });
            match got {
                Some((k, run)) => {
                    if let Some(slot) = parsed.get_mut(k) {
                        *slot = Some(run);
                    }
                }
                // Every run was claimed and the workers are gone without one of them: a
                // worker panicked, and the scope raises its panic here.
                None if !open => break,
                None => open = false,
            }
        }
    });
    done
}

/// Walks one run in order (step 2): each event's place in its chain and the digest it links
/// to, and the end records. Stops at the first error, which it leaves in `error`.
fn walk_run(
    reader: &mut LogReader,
    ends: &mut Vec<usize>,
    error: &mut Option<LogError>,
    run: &mut Run<'_>,
) {
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
            Line::Event {
                canonical, claim, ..
            } => match events.next() {
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
                *error = Some(e);
                return;
            }
        }
    }
    if let Some(e) = run.error.take() {
        *error = Some(e);
    }
}

/// Reads and verifies a log on up to `threads` threads (see the [module docs](self)).
pub(super) fn read_parallel<'a>(
    text: &'a str,
    key: Option<&PublicKey>,
    threads: usize,
) -> Read<'a> {
    let threads = threads.max(1);
    let parts = if threads > 1 {
        threads * RUNS_PER_THREAD
    } else {
        1
    };
    let pieces = runs(text, parts);

    // 1 and 2: parse (on the threads) and, in order, check the chains' order, the end records,
    //    and each event's predecessor (the digest it claims). The walk stops at the first
    //    error, which is then the error unless a hash before it does not match.
    let mut reader = match key {
        Some(key) => LogReader::with_key(key),
        None => LogReader::new(),
    };
    // Signatures are verified in step 3, on the threads.
    reader.deferred = Some(Vec::new());
    let mut ends = Vec::new();
    let mut error = None;
    // Room for an event per line (the runs' lines were counted when the text was split).
    let lines = pieces
        .last()
        .map_or(0, |(first, run)| first + newlines(run.as_bytes()));
    let mut all: Vec<Event> = Vec::with_capacity(lines);
    let runs = parse_and_walk(&pieces, threads, |run| {
        if error.is_some() {
            return;
        }
        // The run's events join the others once walked (here, while the threads parse the
        // runs after: the one copy of every event that cannot be shared out).
        run.walked = true;
        run.offset = all.len();
        walk_run(&mut reader, &mut ends, &mut error, run);
        all.append(&mut run.events);
    });
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

    //    Hash every event not hashed while parsing against its predecessor's claimed digest,
    //    a run per thread when there are many (`prev` is as long as the walk went).
    let mismatch_in = |run: &Run<'a>| {
        let mut events = all.get(run.offset..).unwrap_or(&[]).iter();
        run.lines
            .iter()
            .zip(&run.prev)
            .enumerate()
            .find_map(|(i, (l, prev))| match l {
                Line::Event {
                    canonical,
                    claim,
                    matches,
                } => {
                    let e = events.next()?;
                    let matches = matches
                        .unwrap_or_else(|| canonical.map(|c| chain_digest(prev, c)) == *claim);
                    (!matches).then(|| tampered(e, run.first_line + i, DIGEST_MISMATCH))
                }
                Line::Seal(..) => None,
            })
    };
    let left: usize = (runs.iter().filter(|r| r.walked).flat_map(|r| &r.lines))
        .filter(|l| matches!(l, Line::Event { matches: None, .. }))
        .count();
    let mismatch = if left >= PARALLEL_HASHES {
        on_threads(&runs, mismatch_in).into_iter().flatten().next()
    } else {
        runs.iter().find_map(mismatch_in)
    };
    // A mismatch or a bad signature comes before any error of step 2 (which stopped at its
    // line); of the two, the first in line order is the one the one-thread reader meets.
    let first = match (mismatch, bad_signature) {
        (Some(m), Some(b)) => Some(if b.line() < m.line() { b } else { m }),
        (m, b) => m.or(b),
    };
    let error = first.or(error);
    let stop = error.as_ref().map_or(usize::MAX, LogError::line);
    ends.retain(|line| *line < stop);
    // Giving back the room of the end records' lines moves no event.
    all.shrink_to_fit();
    Read {
        runs,
        events: all,
        ends,
        error,
    }
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
