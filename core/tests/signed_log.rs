//! Signed logs: Ed25519 signatures on segment end records, what they catch (edits re-sealed
//! without the key, dropped or moved segments, another key, unsigned logs) and what they do
//! not (the loss of whole final segments), and a property test flipping every byte.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use common::*;
use proptest::prelude::*;
use wangge::ticket::log::{
    read_events, read_events_parallel, read_events_verified, read_events_verified_parallel,
    LogError, LogReader, LogWriter, PublicKey, Record, SigningKey,
};
use wangge::ticket::{Action, Event, Ledger, NewTicket, Satisfaction, Trust};

/// RFC 8032 section 7.1, test 1.
const RFC8032_SECRET: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const RFC8032_PUBLIC: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn key() -> SigningKey {
    SigningKey::from_slice(&unhex(RFC8032_SECRET)).unwrap()
}

fn other() -> SigningKey {
    SigningKey::from_bytes(&[42; 32])
}

fn new(id: &str) -> NewTicket {
    NewTicket::new(id, "livelihood.repair", BUILDING).unwrap()
}

/// Two tickets, interleaved in time.
fn sample() -> Ledger {
    let mut l = ledger();
    l.report(new("T1"), WORKER, t(0)).unwrap();
    l.report(new("T2"), WORKER, t(1)).unwrap();
    l.apply("T1", CENTRE, t(2), Action::File).unwrap();
    l.apply(
        "T1",
        CENTRE,
        t(3),
        Action::Dispatch {
            to: GRID.parse().unwrap(),
        },
    )
    .unwrap();
    l.apply("T2", CENTRE, t(4), Action::File).unwrap();
    l
}

fn load(l: &Ledger, text: &str, key: &PublicKey) -> Result<Ledger, LogError> {
    Ledger::from_jsonl_verified(l.hierarchy().clone(), l.taxonomy().clone(), text, key)
}

/// A log of the given segments (lists of events: a segment holds whole chains), signed or not.
fn segments(parts: &[&[Event]], key: Option<&SigningKey>) -> String {
    let mut w = match key {
        Some(k) => LogWriter::signed(Vec::new(), k),
        None => LogWriter::new(Vec::new()),
    };
    for (i, part) in parts.iter().enumerate() {
        for e in *part {
            w.write(e).unwrap();
        }
        if i + 1 < parts.len() {
            w.end_segment().unwrap();
        }
    }
    String::from_utf8(w.finish().unwrap()).unwrap()
}

/// The end record members of a line.
fn end_of(line: &str) -> serde_json::Value {
    serde_json::from_str::<serde_json::Value>(line).unwrap()["end"].clone()
}

#[test]
fn the_rfc8032_test_key() {
    let k = key();
    assert_eq!(k.public_key().to_bytes().to_vec(), unhex(RFC8032_PUBLIC));
    assert_eq!(k.public_key().key_id(), "d75a980182b10ab7");
    assert_eq!(
        format!("{k:?}"),
        "SigningKey(\"d75a980182b10ab7\")",
        "Debug never shows the secret"
    );
    let e = SigningKey::from_slice(&[1; 33]).unwrap_err();
    assert_eq!(
        (e.code(), e.line()),
        ("log.invalid_key", 0),
        "a key error names no line"
    );
    assert_eq!(
        PublicKey::from_slice(&[1; 31]).unwrap_err(),
        LogError::InvalidKey {
            kind: "public",
            length: 31,
            reason: "an Ed25519 public key is 32 bytes"
        }
    );
    // The identity point (small order) decodes but is weak: refused.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert_eq!(
        PublicKey::from_bytes(&identity).unwrap_err().code(),
        "log.invalid_key"
    );
}

#[test]
fn a_signed_log_verifies_with_its_key_and_reads_without_one() {
    let l = sample();
    let text = l.to_jsonl_signed(&key());
    // The events are the same lines as in the unsigned log; only the end record differs.
    let plain = l.to_jsonl();
    let (body, end) = text.trim_end().rsplit_once('\n').unwrap();
    assert!(plain.starts_with(body));
    let end = end_of(end);
    assert_eq!(end["key"], "d75a980182b10ab7");
    assert_eq!(end["signature"].as_str().unwrap().len(), 128);
    assert_eq!(
        end["digest"],
        end_of(plain.trim_end().rsplit_once('\n').unwrap().1)["digest"]
    );
    // Deterministic: signed twice, the same text.
    assert_eq!(l.to_jsonl_signed(&key()), text);

    let back = load(&l, &text, &key().public_key()).unwrap();
    assert_eq!(back.to_jsonl_signed(&key()), text);
    assert_eq!(
        read_events_verified(&text, &key().public_key()).unwrap(),
        l.all_events().collect::<Vec<_>>()
    );
    // Without a key the signature is not checked.
    assert_eq!(read_events(&text).unwrap().len(), 5);
}

#[test]
fn another_key_or_no_signature_is_refused() {
    let l = sample();
    let text = l.to_jsonl_signed(&key());
    let e = load(&l, &text, &other().public_key()).unwrap_err();
    assert_eq!(
        e,
        LogError::BadSignature {
            line: 6,
            key: other().public_key().key_id(),
            found: "d75a980182b10ab7".into(),
            reason: "the segment is signed by another key",
        }
    );
    // Signed by another key, checked with ours.
    let e = load(&l, &l.to_jsonl_signed(&other()), &key().public_key()).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.bad_signature", 6));
    // The key identifier copied over another key's signature: the signature fails.
    let forged = l
        .to_jsonl_signed(&other())
        .replace(&other().public_key().key_id(), &key().public_key().key_id());
    let e = load(&l, &forged, &key().public_key()).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.bad_signature", 6));
    assert!(e.to_string().contains("sealed again"), "{e}");
    // Unsigned.
    let e = load(&l, &l.to_jsonl(), &key().public_key()).unwrap_err();
    assert_eq!(
        e,
        LogError::UnsignedSegment {
            line: 6,
            key: "d75a980182b10ab7".into()
        }
    );
    assert_eq!(e.code(), "log.unsigned_segment");
    // Cut: still truncated.
    let cut: String = text.lines().take(5).map(|s| format!("{s}\n")).collect();
    let e = load(&l, &cut, &key().public_key()).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.truncated", 6));
}

#[test]
fn an_edit_sealed_again_without_the_key_is_refused() {
    let l = sample();
    let text = l.to_jsonl_signed(&key());
    let signed_end = end_of(text.lines().last().unwrap());
    // The attacker edits an event and computes every digest again, but cannot sign.
    let mut events: Vec<Event> = l.all_events().collect();
    events[3].at = t(30);
    let resealed_plain = segments(&[&events], None);
    let mut end = end_of(resealed_plain.lines().last().unwrap());
    end["key"] = signed_end["key"].clone();
    end["signature"] = signed_end["signature"].clone();
    let resealed = resealed_plain
        .lines()
        .take(5)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
        + &serde_json::json!({"v": 1, "end": end}).to_string()
        + "\n";
    // The chain is whole: without a key it reads.
    assert_eq!(read_events(&resealed).unwrap()[3].at, t(30));
    let e = load(&l, &resealed, &key().public_key()).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.bad_signature", 6));
}

#[test]
fn the_interleaving_of_tickets_is_sealed_by_the_signature() {
    let l = sample();
    let text = l.to_jsonl_signed(&key());
    let mut lines: Vec<&str> = text.lines().collect();
    // T1's events come first (lines 1-3), then T2's (4-5): moving T2's report before T1's
    // last event keeps every chain and the end digest.
    lines.swap(2, 3);
    let moved = lines.join("\n") + "\n";
    assert_eq!(read_events(&moved).unwrap().len(), 5, "the chains hold");
    let e = read_events_verified(&moved, &key().public_key()).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.bad_signature", 6));
}

#[test]
fn segments_are_chained() {
    // Three tickets, one segment each (a segment holds whole chains: 3, 2 and 1 events).
    let mut l = sample();
    l.report(new("T3"), WORKER, t(5)).unwrap();
    let events: Vec<Event> = l.all_events().collect();
    let (a, b, c) = (&events[..3], &events[3..5], &events[5..]);
    let k = key();
    let pk = k.public_key();
    let whole = segments(&[a, b, c], Some(&k));
    assert_eq!(read_events_verified(&whole, &pk).unwrap(), events);
    let lines: Vec<&str> = whole.lines().collect();
    assert_eq!(lines.len(), 9);
    let join = |parts: &[&[&str]]| parts.concat().join("\n") + "\n";
    let (s0, s1, s2) = (&lines[..4], &lines[4..7], &lines[7..]);
    // A segment dropped from the middle: the next one's signature chains to it.
    let e = read_events_verified(&join(&[s0, s2]), &pk).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.bad_signature", 6));
    // The first one dropped: the next is not segment 0.
    let e = read_events_verified(&join(&[s1, s2]), &pk).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.bad_signature", 3));
    // Two swapped (their chains hold without a key).
    let two = segments(&[b, c], Some(&k));
    assert_eq!(read_events_verified(&two, &pk).unwrap().len(), 3);
    let la: Vec<&str> = two.lines().collect();
    let swapped = join(&[&la[3..], &la[..3]]);
    assert_eq!(read_events(&swapped).unwrap().len(), 3);
    let e = read_events_verified(&swapped, &pk).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.bad_signature", 2));
    // A segment repeated.
    let e = read_events_verified(&join(&[s0, s0]), &pk).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.bad_signature", 8));
    // Not detected (documented): whole final segments cut off after an end record.
    assert_eq!(
        read_events_verified(&join(&[s0, s1]), &pk).unwrap(),
        events[..5]
    );
}

#[test]
fn the_signature_members_are_checked_without_a_key() {
    let text = sample().to_jsonl_signed(&key());
    let last = text.lines().last().unwrap().to_owned();
    let end = end_of(&last);
    let sig = end["signature"].as_str().unwrap().to_owned();
    let with_end = |e: serde_json::Value| {
        let body: String = text.lines().take(5).map(|s| format!("{s}\n")).collect();
        body + &serde_json::json!({"v": 1, "end": e}).to_string() + "\n"
    };
    let mut bad = Vec::new();
    let mut no_key = end.clone();
    no_key.as_object_mut().unwrap().remove("key");
    bad.push(no_key);
    let mut no_sig = end.clone();
    no_sig.as_object_mut().unwrap().remove("signature");
    bad.push(no_sig);
    let mut upper = end.clone();
    upper["signature"] = sig.to_uppercase().into();
    bad.push(upper);
    let mut short = end.clone();
    short["signature"] = sig[..126].into();
    bad.push(short);
    let mut long_key = end.clone();
    long_key["key"] = RFC8032_PUBLIC.into();
    bad.push(long_key);
    for e in bad {
        let err = read_events(&with_end(e.clone())).unwrap_err();
        assert_eq!((err.code(), err.line()), ("log.malformed", 6), "{e}");
    }
    // The reader reports a verified end record as `End`.
    let mut r = LogReader::with_key(&key().public_key());
    let records: Vec<Record> = text.lines().map(|l| r.read_line(l).unwrap()).collect();
    assert_eq!(records.last(), Some(&Record::End));
    r.finish().unwrap();
}

#[test]
fn loading_into_a_ledger_checks_trust_and_key() {
    let l = sample();
    let text = l.to_jsonl_signed(&key());
    let mut into = ledger();
    assert_eq!(
        into.load_jsonl_verified(&text, Trust::Checked, &key().public_key())
            .unwrap(),
        5
    );
    let mut wrong = ledger();
    assert_eq!(
        wrong
            .load_jsonl_verified(&text, Trust::History, &other().public_key())
            .unwrap_err()
            .code(),
        "log.bad_signature"
    );
}

const ACTORS: [&str; 6] = [WORKER, COMMUNITY, CENTRE, CENTRE_STAFF, SMR, "@system"];

fn arb_action() -> impl Strategy<Value = Action> {
    let node = prop::sample::select(vec![GRID, GRID2, COMMUNITY, SMR]);
    prop_oneof![
        Just(Action::File),
        Just(Action::Acknowledge),
        Just(Action::Close),
        node.prop_map(|n| Action::Dispatch {
            to: n.parse().unwrap()
        }),
        Just(Action::Handle {
            outcome: "已处理，居民满意".into()
        }),
        Just(Action::Return {
            reason: "不属于本单位".into()
        }),
    ]
}

/// A ledger of up to four tickets after random actions (refused ones change nothing).
fn arb_ledger() -> impl Strategy<Value = Ledger> {
    arb_ledger_of(1..5, 0..40)
}

/// A ledger of `tickets` tickets and `steps` random actions on them (refused ones leave no
/// event).
fn arb_ledger_of(
    tickets: std::ops::Range<usize>,
    steps: std::ops::Range<usize>,
) -> impl Strategy<Value = Ledger> {
    (
        tickets,
        prop::collection::vec(
            (0usize..64, 0usize..ACTORS.len(), 0i64..3, arb_action()),
            steps,
        ),
    )
        .prop_map(|(tickets, steps)| {
            let mut l = ledger();
            for i in 0..tickets {
                l.report(new(&format!("T{i}")), WORKER, t(0)).unwrap();
            }
            let mut clock = 0;
            for (ticket, actor, dt, action) in steps {
                clock += dt;
                let _ = l.apply(
                    &format!("T{}", ticket % tickets),
                    ACTORS[actor],
                    t(clock),
                    action,
                );
            }
            l
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn signed_logs_verify_and_any_flipped_byte_is_refused(
        l in arb_ledger(),
        picks in prop::collection::vec((any::<prop::sample::Index>(), 1u8..=255), 16),
    ) {
        let k = key();
        let pk = k.public_key();
        let text = l.to_jsonl_signed(&k);
        let back = load(&l, &text, &pk).unwrap();
        prop_assert_eq!(back.all_events().collect::<Vec<_>>(), l.all_events().collect::<Vec<_>>());
        for v in l.tickets() {
            prop_assert_eq!(back.get(v.id().as_str()).unwrap().snapshot(), v.snapshot());
        }
        for (pick, mask) in picks {
            let mut bytes = text.clone().into_bytes();
            let i = pick.index(bytes.len());
            bytes[i] ^= mask;
            // Bytes that are no longer UTF-8 are no log text at all.
            if let Ok(flipped) = String::from_utf8(bytes) {
                let r = load(&l, &flipped, &pk);
                prop_assert!(r.is_err(), "byte {} ^ {:#04x} accepted", i, mask);
            }
        }
    }
}

/// A tab or a space after an end record (or before it), which JSON allows, is refused as
/// any other edit: the end record's line is outside every digest.
#[test]
fn spaces_around_a_line_are_refused() {
    let l = sample();
    let pk = key().public_key();
    let text = l.to_jsonl_signed(&key());
    let lines = text.lines().count();
    for (edited, line) in [
        (format!("{}\t", text.trim_end_matches('\n')), lines),
        (format!("{} \n", text.trim_end_matches('\n')), lines),
        (
            text.replacen("{\"v\":1,\"end\"", " {\"v\":1,\"end\"", 1),
            lines,
        ),
        (format!(" {text}"), 1),
    ] {
        match load(&l, &edited, &pk) {
            Err(LogError::Malformed { line: at, message }) => {
                assert_eq!(at, line, "{message}");
                assert!(message.contains("spaces"), "{message}");
            }
            other => panic!("{edited:?}: {other:?}"),
        }
    }
}

#[test]
fn every_byte_of_a_signed_log_is_covered() {
    let l = sample();
    assert_every_byte_covered(&l, &l.to_jsonl_signed(&key()));
}

/// Flipping any bit of five in any byte of a signed log of `l` makes it refused.
fn assert_every_byte_covered(l: &Ledger, text: &str) {
    let pk = key().public_key();
    for i in 0..text.len() {
        for mask in [0x01u8, 0x02, 0x20, 0x40, 0x80] {
            let mut bytes = text.to_owned().into_bytes();
            bytes[i] ^= mask;
            if let Ok(flipped) = String::from_utf8(bytes) {
                assert!(load(l, &flipped, &pk).is_err(), "byte {i} ^ {mask:#04x}");
            }
        }
    }
}

/// A log of events (in the order given) in one or two segments, signed or not, with a
/// checkpoint after every `every` events if asked.
fn log_of_events(
    events: Vec<Event>,
    two_segments: bool,
    key: Option<&SigningKey>,
    every: usize,
) -> String {
    if every > 0 {
        return checkpointed(&events, key, every, two_segments);
    }
    let first = events.first().map(|e| e.ticket.clone());
    let cut = if two_segments {
        events
            .iter()
            .position(|e| Some(&e.ticket) != first.as_ref())
            .unwrap_or(events.len())
    } else {
        events.len()
    };
    segments(
        &[&events[..cut], &events[cut..]][..if two_segments { 2 } else { 1 }],
        key,
    )
}

/// An edit of a log's text: flip a byte, drop, repeat or swap lines, add a blank line.
fn edit(text: &str, kind: u8, a: prop::sample::Index, b: prop::sample::Index) -> String {
    let mut lines: Vec<String> = text.split_terminator('\n').map(str::to_owned).collect();
    let (i, j) = (a.index(lines.len()), b.index(lines.len()));
    match kind % 5 {
        0 => {
            let mut bytes = text.as_bytes().to_vec();
            let k = a.index(bytes.len());
            bytes[k] ^= 0x01;
            return String::from_utf8(bytes).unwrap_or_else(|_| text.to_owned());
        }
        1 => {
            lines.remove(i);
        }
        2 => {
            let l = lines[i].clone();
            lines.insert(j, l);
        }
        3 => lines.swap(i, j),
        _ => lines.insert(i, String::new()),
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Reading on several threads gives what reading on one gives: the same events, or the
    /// same error at the same line, and a ledger loaded either way is the same.
    #[test]
    fn reading_on_several_threads_agrees_with_one(
        l in arb_ledger(),
        two_segments in any::<bool>(),
        signed in any::<bool>(),
        every in 0usize..4,
        edits in prop::collection::vec((0u8..5, any::<prop::sample::Index>(), any::<prop::sample::Index>()), 0..3),
        threads in 1usize..6,
        interleaved in any::<bool>(),
    ) {
        threads_agree(&l, two_segments, signed, every, edits, threads, interleaved)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The same on logs long enough that each thread parses runs of many lines, where the
    /// threads hash an event whose chain goes on from the line before.
    #[test]
    fn reading_longer_logs_on_several_threads_agrees_with_one(
        l in arb_ledger_of(2..24, 40..400),
        two_segments in any::<bool>(),
        every in prop_oneof![Just(0usize), 1usize..40],
        edits in prop::collection::vec((0u8..5, any::<prop::sample::Index>(), any::<prop::sample::Index>()), 0..3),
        threads in 2usize..5,
        interleaved in any::<bool>(),
    ) {
        threads_agree(&l, two_segments, false, every, edits, threads, interleaved)?;
    }
}

/// Reads a log of `l` (edited) on `threads` threads and on one, and loads it both ways: the
/// same events or error, the same ledger. The events go ticket after ticket (as a ledger
/// writes its log: the threads hash most of them while parsing), or interleaved (as a log
/// kept by appending: most are hashed after the walk).
fn threads_agree(
    l: &Ledger,
    two_segments: bool,
    signed: bool,
    every: usize,
    edits: Vec<(u8, prop::sample::Index, prop::sample::Index)>,
    threads: usize,
    interleaved: bool,
) -> Result<(), TestCaseError> {
    let k = key();
    let pk = k.public_key();
    let mut events: Vec<Event> = l.all_events().collect();
    if interleaved {
        events.sort_by_key(|e| e.seq);
    }
    let mut text = log_of_events(events, two_segments, signed.then_some(&k), every);
    for (kind, a, b) in edits {
        if !text.is_empty() {
            text = edit(&text, kind, a, b);
        }
    }
    prop_assert_eq!(read_events_parallel(&text, threads), read_events(&text));
    prop_assert_eq!(
        read_events_verified_parallel(&text, &pk, threads),
        read_events_verified(&text, &pk)
    );
    for key in [None, Some(&pk)] {
        let mut one = Ledger::new(l.hierarchy().clone(), l.taxonomy().clone());
        let mut many = one.clone();
        let r1 = match key {
            Some(key) => one.load_jsonl_verified(&text, Trust::Checked, key),
            None => one.load_jsonl(&text, Trust::Checked),
        };
        let r2 = many.load_jsonl_parallel(&text, Trust::Checked, key, threads);
        prop_assert_eq!(r2, r1);
        prop_assert_eq!(many.to_jsonl(), one.to_jsonl());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Checkpoints: seals that do not close the segment (a log kept by appending).

/// Events written with a checkpoint after every `every` events (and after the last), the
/// chains going on across them; with `end`, an end record last.
fn checkpointed(events: &[Event], key: Option<&SigningKey>, every: usize, end: bool) -> String {
    let mut w = match key {
        Some(k) => LogWriter::signed(Vec::new(), k),
        None => LogWriter::new(Vec::new()),
    };
    for (i, e) in events.iter().enumerate() {
        w.write(e).unwrap();
        if (i + 1) % every == 0 || i + 1 == events.len() {
            w.checkpoint().unwrap();
        }
    }
    if end {
        w.end_segment().unwrap();
    }
    String::from_utf8(std::mem::take(w.get_mut())).unwrap()
}

fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

#[test]
fn a_log_sealed_by_checkpoints_verifies_and_replays() {
    let l = sample();
    let events: Vec<Event> = l.all_events().collect();
    let pk = key().public_key();
    for every in 1..=events.len() {
        for end in [false, true] {
            let text = checkpointed(&events, Some(&key()), every, end);
            assert_eq!(
                read_events_verified(&text, &pk).unwrap(),
                events,
                "{every} {end}"
            );
            assert_eq!(read_events(&text).unwrap(), events);
            let back = load(&l, &text, &pk).unwrap();
            assert_eq!(back.to_jsonl(), l.to_jsonl());
            // The chains go on: one segment, seq counting on across checkpoints.
            assert!(text.contains(r#""seq":2"#));
        }
    }
    // The records read as checkpoints, and the log may end with one.
    let text = checkpointed(&events, Some(&key()), 2, false);
    let mut r = LogReader::with_key(&pk);
    let kinds: Vec<Record> = lines(&text)
        .iter()
        .map(|line| r.read_line(line).unwrap())
        .filter(|r| !matches!(r, Record::Event(_)))
        .collect();
    assert_eq!(kinds, vec![Record::Checkpoint; 3]);
    r.finish().unwrap();
}

#[test]
fn checkpoints_seal_what_came_since_the_previous_seal() {
    let l = sample();
    let events: Vec<Event> = l.all_events().collect();
    let (k, pk) = (key(), key().public_key());
    let text = checkpointed(&events, Some(&k), 2, false);
    let ls = lines(&text);
    // events 0 1 | cp | 2 3 | cp | 4 | cp   (lines 1 2 3 4 5 6 7 8)
    assert_eq!(ls.len(), 8);
    assert!(ls[2].contains(r#""checkpoint":{"events":2,"#));
    assert!(ls[7].contains(r#""checkpoint":{"events":1,"#));

    // Cut just after a checkpoint: a genuine log of fewer events (documented).
    let cut: String = ls[..6].concat();
    assert_eq!(read_events_verified(&cut, &pk).unwrap(), events[..4]);
    // Cut elsewhere: the events after the last checkpoint are not sealed.
    let cut: String = ls[..7].concat();
    let e = read_events_verified(&cut, &pk).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.truncated", 8));
    // A checkpoint dropped: the next one counts fewer events than it seals.
    let dropped: String = [&ls[..2], &ls[3..]].concat().concat();
    let e = read_events(&dropped).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.truncated", 5));
    // A checkpoint and its events dropped: the chains no longer link.
    let dropped: String = [&ls[..3], &ls[6..]].concat().concat();
    assert_eq!(read_events(&dropped).unwrap_err().code(), "log.tampered");
    // Checkpoints moved: the signatures are numbered and chained.
    let swapped: String = [&ls[..2], &ls[5..6], &ls[3..5], &ls[2..3], &ls[6..]]
        .concat()
        .concat();
    assert!(read_events_verified(&swapped, &pk).is_err());
    // A checkpoint's signature does not pass for an end record's (the last seal turned into
    // an end record keeps its count and digest, and its signature fails).
    let as_end: String = [&ls[..7], &[ls[7].replace("checkpoint", "end").as_str()][..]]
        .concat()
        .concat();
    assert_eq!(read_events(&as_end).unwrap(), events);
    let e = read_events_verified(&as_end, &pk).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.bad_signature", 8));
    // Unsigned checkpoints are refused where a key is required, read without one.
    let unsigned = checkpointed(&events, None, 2, false);
    assert_eq!(read_events(&unsigned).unwrap(), events);
    let e = read_events_verified(&unsigned, &pk).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.unsigned_segment", 3));
    // Another key.
    let other_text = checkpointed(&events, Some(&other()), 2, false);
    let e = read_events_verified(&other_text, &pk).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.bad_signature", 3));
    // A line that is both is malformed.
    let both = text.replacen(
        r#"{"v":1,"checkpoint":"#,
        r#"{"v":1,"end":{"events":0,"digest":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},"checkpoint":"#,
        1,
    );
    let e = read_events(&both).unwrap_err();
    assert_eq!((e.code(), e.line()), ("log.malformed", 3));
}

#[test]
fn every_byte_of_a_checkpointed_log_is_covered() {
    let l = sample();
    let text = checkpointed(&l.all_events().collect::<Vec<_>>(), Some(&key()), 2, false);
    assert_every_byte_covered(&l, &text);
}

/// The writer writes checkpoints as the conformance generator's own Ed25519 and hashing do
/// (tests/conformance/signed_logs.py, written from the documented contract): each log of
/// the checkpoint cases, rewritten from its events with seals at the same lines, is the
/// same text byte for byte.
#[test]
fn checkpoints_are_written_as_documented() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/conformance/tickets-signed.json"
    );
    let vectors: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let mut checked = 0;
    for case in vectors["cases"].as_array().unwrap() {
        if !case["name"].as_str().unwrap().starts_with("checkpoints: ") {
            continue;
        }
        for op in case["ops"].as_array().unwrap() {
            let Some(text) = op["text"].as_str() else {
                continue;
            };
            // Only the logs the generator wrote as they are (not the edited ones).
            if read_events_verified(text, &key().public_key()).is_err() {
                continue;
            }
            let mut w = LogWriter::signed(Vec::new(), &key());
            let mut r = LogReader::new();
            for line in lines(text) {
                match r.read_line(line).unwrap() {
                    Record::Event(e) => w.write(&e).unwrap(),
                    Record::Checkpoint => w.checkpoint().unwrap(),
                    Record::End => w.end_segment().unwrap(),
                    other => panic!("{other:?}"),
                }
            }
            let written = String::from_utf8(std::mem::take(w.get_mut())).unwrap();
            // Logs whose events the generator wrote with every member, as the writer does
            // (the others abbreviate reports; their seals are checked by reading them).
            let events = |t: &str| -> Vec<String> {
                lines(t)
                    .into_iter()
                    .filter(|l| l.contains(r#""ticket""#))
                    .map(str::to_owned)
                    .collect()
            };
            if events(&written) == events(text) {
                assert_eq!(written, text, "{}", case["name"]);
                checked += 1;
            }
        }
    }
    assert!(checked >= 3, "{checked} logs compared");
}

/// With a checkpoint after every event, any byte flipped reads the same on several threads
/// (where the signatures are verified on the threads, after the walk) as on one: the same
/// events or the same error at the same line, whether a signature, a digest or the form
/// fails first.
#[test]
fn a_flipped_byte_of_a_checkpointed_log_reads_the_same_on_several_threads() {
    let l = sample();
    let pk = key().public_key();
    let text = checkpointed(&l.all_events().collect::<Vec<_>>(), Some(&key()), 1, false);
    let mut kinds = std::collections::BTreeSet::new();
    for i in 0..text.len() {
        for mask in [0x01u8] {
            let mut bytes = text.clone().into_bytes();
            bytes[i] ^= mask;
            let Ok(flipped) = String::from_utf8(bytes) else {
                continue;
            };
            let one = read_events_verified(&flipped, &pk);
            if let Err(e) = &one {
                kinds.insert(e.code());
            }
            for threads in [2, 3] {
                assert_eq!(
                    read_events_verified_parallel(&flipped, &pk, threads),
                    one,
                    "byte {i} ^ {mask:#04x}, {threads} threads"
                );
            }
        }
    }
    assert!(
        kinds.contains("log.bad_signature") && kinds.contains("log.tampered"),
        "{kinds:?}"
    );
}

/// Texts with what a JSON writer must escape (quotes, backslashes, controls) and what it
/// copies (Chinese, spaces).
fn arb_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!["a", "网格", " ", "\"", "\\", "\n", "\u{1}", "/"]),
        0..4,
    )
    .prop_map(|parts| parts.concat())
}

/// Actions of every lifecycle, with and without their optional texts, and some others.
fn arb_rich_action() -> impl Strategy<Value = Action> {
    let node = prop::sample::select(vec![GRID, GRID2, COMMUNITY, SMR]);
    prop_oneof![
        Just(Action::File),
        Just(Action::Acknowledge),
        Just(Action::Close),
        Just(Action::ConfirmOnSite),
        Just(Action::Resume),
        Just(Action::Unpark),
        node.prop_map(|n| Action::Dispatch {
            to: n.parse().unwrap()
        }),
        arb_text().prop_map(|outcome| Action::Handle { outcome }),
        (any::<bool>(), prop::option::of(arb_text()))
            .prop_map(|(passed, note)| Action::Verify { passed, note }),
        prop::sample::select(Satisfaction::ALL.to_vec())
            .prop_map(|satisfaction| Action::Visit { satisfaction }),
        arb_text().prop_map(|reason| Action::Return { reason }),
        arb_text().prop_map(|reason| Action::Suspend { reason }),
        arb_text().prop_map(|reason| Action::Park { reason }),
        Just(Action::Escalate {
            to: None,
            return_to: None
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Writing a ledger's log (which lays out the lines of every lifecycle from the records)
    /// gives, byte for byte, the log of its events written one by one; so does the signed
    /// writer.
    #[test]
    fn a_ledgers_log_is_the_log_of_its_events(
        reports in prop::collection::vec(
            (
                (prop::option::of(arb_text()), prop::option::of(arb_text()), any::<bool>()),
                (arb_text(), any::<bool>(), prop::option::of(arb_text())),
                (prop::sample::select(Satisfaction::ALL.to_vec()), 0usize..8),
            ),
            1..4,
        ),
        steps in prop::collection::vec((0usize..4, 0usize..ACTORS.len(), 0i64..3, arb_rich_action()), 0..30),
    ) {
        let mut l = ledger();
        let mut clock = 0;
        // Each ticket through its lifecycle, up to a point.
        for (i, ((description, reporter, verify_first), (outcome, passed, note), (satisfaction, stop))) in
            reports.iter().enumerate()
        {
            let id = format!("T{i}");
            let mut n = new(&id);
            n.description = description.clone();
            n.reporter = reporter.clone();
            n.verify_first = *verify_first;
            l.report(n, WORKER, t(clock)).unwrap();
            let lifecycle = [
                (CENTRE, Action::File),
                (CENTRE, Action::Dispatch { to: GRID.parse().unwrap() }),
                (WORKER, Action::Acknowledge),
                (WORKER, Action::ConfirmOnSite),
                (WORKER, Action::Handle { outcome: outcome.clone() }),
                (CENTRE, Action::Verify { passed: *passed, note: note.clone() }),
                (CENTRE, Action::Visit { satisfaction: *satisfaction }),
            ];
            for (actor, action) in lifecycle.into_iter().take(*stop) {
                clock += 1;
                let _ = l.apply(&id, actor, t(clock), action);
            }
        }
        for (ticket, actor, dt, action) in steps {
            clock += dt;
            let _ = l.apply(&format!("T{}", ticket % reports.len()), ACTORS[actor], t(clock), action);
        }
        let mut one_by_one = LogWriter::new(Vec::new());
        for e in l.all_events() {
            one_by_one.write(&e).unwrap();
        }
        let expected = String::from_utf8(one_by_one.finish().unwrap()).unwrap();
        prop_assert_eq!(l.to_jsonl(), expected);
        let k = key();
        let mut signed = LogWriter::signed(Vec::new(), &k);
        for e in l.all_events() {
            signed.write(&e).unwrap();
        }
        let expected = String::from_utf8(signed.finish().unwrap()).unwrap();
        prop_assert_eq!(l.to_jsonl_signed(&k), expected);
    }
}
