//! Writing and reading event lines without serde: the fast paths of [`LogWriter::write`]
//! and [`parse_line`].
//!
//! [`write_line`] lays out an event line by hand, byte for byte as serde_json writes it (a
//! property test compares them on generated events, escapes included).
//!
//! Nearly every line of a log is an event line exactly as [`LogWriter`] wrote it: the members
//! in the writer's order, no spaces, strings without escapes. [`event_line`] reads such a
//! line in one pass and builds the event with the same constructors the serde reader calls
//! (each value goes through its type's own `Deserialize`, the action through the same
//! table of fields). It decides nothing: whatever it does not recognise — another order,
//! spaces, an escape, a null, a number where it expects text, a duplicate, a value a type
//! refuses — makes it return `None`, and the line is read by serde, which gives the event or
//! the error. So the two paths agree by construction on every line the fast path takes;
//! property tests (below) check it on generated lines and on lines edited at random and
//! member by member. The WebAssembly module leaves the reading half out (serde reads every
//! line there): it would cost some 6 KB of the module's gzip budget.

#[cfg(not(target_arch = "wasm32"))]
use super::{unhex, ParsedEvent};
#[cfg(not(target_arch = "wasm32"))]
use crate::ticket::action_de::{action_from_pairs, Simple};
use crate::ticket::{
    Action, ActionKind, Channel, Event, NewTicket, Priority, RequestType, Satisfaction,
};
use crate::time::{SameDay, Timestamp};
#[cfg(not(target_arch = "wasm32"))]
use serde::Deserialize;

/// An event line's members, borrowed from wherever they live: a decoded [`Event`], or a
/// ledger's record (so that writing a ledger's log builds no event per line).
pub(crate) struct LineRef<'a> {
    pub(crate) ticket: &'a str,
    pub(crate) seq: u32,
    pub(crate) at: Timestamp,
    pub(crate) actor: &'a str,
    pub(crate) action: ActionRef<'a>,
}

/// An action as the writer lays it out: the actions of every lifecycle by their members,
/// any other as an [`Action`].
pub(crate) enum ActionRef<'a> {
    Report(ReportRef<'a>),
    Dispatch {
        to: &'a str,
    },
    Handle {
        outcome: &'a str,
    },
    Verify {
        passed: bool,
        note: Option<&'a str>,
    },
    Visit {
        satisfaction: Satisfaction,
    },
    /// An action without members.
    Bare(ActionKind),
    Other(&'a Action),
}

/// The members of a report, in the order of [`NewTicket`]'s fields.
pub(crate) struct ReportRef<'a> {
    pub(crate) id: &'a str,
    pub(crate) category: &'a str,
    pub(crate) channel: Channel,
    pub(crate) unit: &'a str,
    pub(crate) holder: Option<&'a str>,
    pub(crate) reporter: Option<&'a str>,
    pub(crate) priority: Priority,
    pub(crate) request_type: RequestType,
    pub(crate) verify_first: bool,
    pub(crate) description: Option<&'a str>,
}

impl<'a> LineRef<'a> {
    pub(crate) fn of(event: &'a Event) -> LineRef<'a> {
        LineRef {
            ticket: event.ticket.as_str(),
            seq: event.seq,
            at: event.at,
            actor: event.actor.as_str(),
            action: ActionRef::of(&event.action),
        }
    }
}

impl<'a> ActionRef<'a> {
    fn of(action: &'a Action) -> ActionRef<'a> {
        match action {
            Action::Report(t) => ActionRef::Report(ReportRef::of(t)),
            Action::Dispatch { to } => ActionRef::Dispatch { to: to.as_str() },
            Action::Handle { outcome } => ActionRef::Handle { outcome },
            Action::Verify { passed, note } => ActionRef::Verify {
                passed: *passed,
                note: note.as_deref(),
            },
            Action::Visit { satisfaction } => ActionRef::Visit {
                satisfaction: *satisfaction,
            },
            _ if action.has_members() => ActionRef::Other(action),
            _ => ActionRef::Bare(action.kind()),
        }
    }
}

impl<'a> ReportRef<'a> {
    fn of(t: &'a NewTicket) -> ReportRef<'a> {
        ReportRef {
            id: t.id.as_str(),
            category: &t.category,
            channel: t.channel,
            unit: t.unit.as_str(),
            holder: t.holder.as_ref().map(|h| h.as_str()),
            reporter: t.reporter.as_deref(),
            priority: t.priority,
            request_type: t.request_type,
            verify_first: t.verify_first,
            description: t.description.as_deref(),
        }
    }
}

/// Writes an event line without its digest member and closing brace, byte for byte as
/// serde_json writes the members `v`, `ticket`, `seq`, `at`, `actor` and `action` in that
/// order (a test compares them): strings that need no escape are copied, the others and
/// actions with members are written by serde_json.
#[cfg(test)]
pub(super) fn write_line(buf: &mut Vec<u8>, event: &Event) -> std::io::Result<()> {
    write_line_ref(buf, &LineRef::of(event), &mut SameDay::default())
}

/// [`write_line`] for a line's borrowed members; `last` holds the date of the writer's
/// previous line.
pub(super) fn write_line_ref(
    buf: &mut Vec<u8>,
    line: &LineRef<'_>,
    last: &mut SameDay,
) -> std::io::Result<()> {
    buf.extend_from_slice(b"{\"v\":1,\"ticket\":");
    write_str(buf, line.ticket)?;
    buf.extend_from_slice(b",\"seq\":");
    let mut digits = [0u8; 10];
    let mut n = line.seq;
    let mut i = digits.len();
    loop {
        i -= 1;
        if let Some(d) = digits.get_mut(i) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || i == 0 {
            break;
        }
    }
    buf.extend_from_slice(digits.get(i..).unwrap_or_default());
    buf.extend_from_slice(b",\"at\":\"");
    buf.extend_from_slice(
        line.at
            .rfc3339_same_day(crate::time::CHINA_OFFSET_SECONDS, last)
            .as_str()
            .as_bytes(),
    );
    buf.extend_from_slice(b"\",\"actor\":");
    write_str(buf, line.actor)?;
    buf.extend_from_slice(b",\"action\":");
    write_action(buf, &line.action)?;
    buf.push(b'}');
    Ok(())
}

/// An action as serde_json writes it: the actions of every lifecycle (no members, or the
/// members of a report, a dispatch, a handling, a verification and a visit) laid out by
/// hand, the others through serde (a property test compares the two on every kind).
fn write_action(buf: &mut Vec<u8>, action: &ActionRef<'_>) -> std::io::Result<()> {
    let member = |buf: &mut Vec<u8>, name: &[u8]| {
        buf.extend_from_slice(b",\"");
        buf.extend_from_slice(name);
        buf.extend_from_slice(b"\":");
    };
    let open = |buf: &mut Vec<u8>, kind: &str| {
        buf.extend_from_slice(b"{\"type\":\"");
        buf.extend_from_slice(kind.as_bytes());
        buf.push(b'"');
    };
    match action {
        // Every ticket's first line.
        ActionRef::Report(t) => {
            open(buf, "report");
            member(buf, b"id");
            write_str(buf, t.id)?;
            member(buf, b"category");
            write_str(buf, t.category)?;
            member(buf, b"channel");
            write_str(buf, t.channel.as_str())?;
            member(buf, b"unit");
            write_str(buf, t.unit)?;
            if let Some(holder) = t.holder {
                member(buf, b"holder");
                write_str(buf, holder)?;
            }
            if let Some(reporter) = t.reporter {
                member(buf, b"reporter");
                write_str(buf, reporter)?;
            }
            member(buf, b"priority");
            write_str(buf, t.priority.as_str())?;
            member(buf, b"requestType");
            write_str(buf, t.request_type.as_str())?;
            member(buf, b"verifyFirst");
            buf.extend_from_slice(if t.verify_first { b"true" } else { b"false" });
            if let Some(description) = t.description {
                member(buf, b"description");
                write_str(buf, description)?;
            }
        }
        ActionRef::Dispatch { to } => {
            open(buf, "dispatch");
            member(buf, b"to");
            write_str(buf, to)?;
        }
        ActionRef::Handle { outcome } => {
            open(buf, "handle");
            member(buf, b"outcome");
            write_str(buf, outcome)?;
        }
        ActionRef::Verify { passed, note } => {
            open(buf, "verify");
            member(buf, b"passed");
            buf.extend_from_slice(if *passed { b"true" } else { b"false" });
            if let Some(note) = note {
                member(buf, b"note");
                write_str(buf, note)?;
            }
        }
        ActionRef::Visit { satisfaction } => {
            open(buf, "visit");
            member(buf, b"satisfaction");
            write_str(buf, satisfaction.as_str())?;
        }
        ActionRef::Other(action) => {
            return serde_json::to_writer(&mut *buf, action).map_err(std::io::Error::other);
        }
        ActionRef::Bare(kind) => open(buf, kind.as_str()),
    }
    buf.push(b'}');
    Ok(())
}

/// A JSON string: copied when nothing in it needs an escape, else written by serde_json.
fn write_str(buf: &mut Vec<u8>, s: &str) -> std::io::Result<()> {
    if s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        return serde_json::to_writer(&mut *buf, s).map_err(std::io::Error::other);
    }
    buf.push(b'"');
    buf.extend_from_slice(s.as_bytes());
    buf.push(b'"');
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
/// The members an action may carry besides its `type` (a `report` has the most: nine).
const MAX_PAIRS: usize = 16;

#[cfg(not(target_arch = "wasm32"))]
/// The length of `,"digest":"` + 64 hex digits + `"}`.
const DIGEST_MEMBER: usize = 11 + 64 + 2;

#[cfg(not(target_arch = "wasm32"))]
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

#[cfg(not(target_arch = "wasm32"))]
impl<'a> Cursor<'a> {
    fn lit(&mut self, s: &str) -> Option<()> {
        let rest = self.text.as_bytes().get(self.pos..)?;
        rest.starts_with(s.as_bytes()).then(|| self.pos += s.len())
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// A string without escapes or control characters (anything else is left to serde).
    fn string(&mut self) -> Option<&'a str> {
        self.lit("\"")?;
        let start = self.pos;
        let rest = self.text.as_bytes().get(start..)?;
        let len = rest
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)?;
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        self.pos = start + len + 1;
        // The cut is between ASCII bytes, so on character boundaries.
        self.text.get(start..start + len)
    }

    /// A `u32` written as JSON writes it: `0`, or digits without a leading zero.
    fn u32(&mut self) -> Option<u32> {
        let rest = self.text.as_bytes().get(self.pos..)?;
        let len = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        let digits = rest.get(..len)?;
        if len == 0 || (len > 1 && digits.first() == Some(&b'0')) {
            return None;
        }
        let mut n: u32 = 0;
        for &d in digits {
            n = n.checked_mul(10)?.checked_add(u32::from(d - b'0'))?;
        }
        self.pos += len;
        Some(n)
    }

    /// A string or a boolean.
    fn simple(&mut self) -> Option<Simple<'a>> {
        match self.peek()? {
            b'"' => self.string().map(Simple::Str),
            b't' => self.lit("true").map(|()| Simple::Bool(true)),
            b'f' => self.lit("false").map(|()| Simple::Bool(false)),
            _ => None,
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
/// A value read by its type's `Deserialize` from a string, as serde_json would hand it over.
fn from_str<'a, T: Deserialize<'a>>(s: &'a str) -> Option<T> {
    T::deserialize(serde::de::value::BorrowedStrDeserializer::<
        serde::de::value::Error,
    >::new(s))
    .ok()
}

#[cfg(not(target_arch = "wasm32"))]
/// The event of a line (without its LF) in the writer's layout, or `None` (see the module
/// docs): the caller then reads the line with serde.
pub(super) fn event_line(text: &str) -> Option<ParsedEvent<'_>> {
    let cut = text.len().checked_sub(DIGEST_MEMBER)?;
    let (body, member) = text.split_at_checked(cut)?;
    let claim = member
        .strip_prefix(",\"digest\":\"")?
        .strip_suffix("\"}")
        .and_then(unhex::<32>)?;
    let mut c = Cursor { text: body, pos: 0 };
    c.lit("{\"v\":1,\"ticket\":")?;
    let ticket = from_str(c.string()?)?;
    c.lit(",\"seq\":")?;
    let seq = c.u32()?;
    c.lit(",\"at\":")?;
    let at = from_str(c.string()?)?;
    c.lit(",\"actor\":")?;
    let actor = from_str(c.string()?)?;
    c.lit(",\"action\":{\"type\":")?;
    let kind = c.string()?;
    let mut pairs = [("", Simple::Bool(false)); MAX_PAIRS];
    let mut n = 0;
    while c.lit("}").is_none() {
        c.lit(",")?;
        let key = c.string()?;
        c.lit(":")?;
        let value = c.simple()?;
        *pairs.get_mut(n)? = (key, value);
        n += 1;
    }
    // The action's object closes the body: the digest member follows it.
    if c.pos != body.len() {
        return None;
    }
    let action = action_from_pairs(kind, pairs.get(..n)?)?;
    Some(ParsedEvent {
        event: Event {
            ticket,
            seq,
            at,
            actor,
            action,
        },
        canonical: Some(body.as_bytes()),
        claim: Some(claim),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::super::{parse_json, LogWriter, Parsed};
    use super::*;
    use crate::hierarchy::NodeId;
    use crate::ticket::{
        Action, Actor, Channel, DeadlineKind, NewTicket, Priority, RejectReason, RequestType,
        Satisfaction, TicketId,
    };
    use crate::time::Timestamp;
    use proptest::prelude::*;

    /// Text with the characters that make the fast path step aside (quotes, backslashes,
    /// controls) and some it must read (Chinese, spaces).
    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec![
                "a", "b", "1", "网", "格", " ", "\"", "\\", "\n", "\u{1}", "/", "é", "{", "}", ",",
                ":",
            ]),
            0..6,
        )
        .prop_map(|parts| parts.concat())
    }

    fn node() -> impl Strategy<Value = NodeId> {
        prop::sample::select(vec!["g1", "c1", "网格1", "a\"b", "a\\b", "x.y-z"])
            .prop_map(|s| NodeId::new(s).unwrap())
    }

    fn ticket() -> impl Strategy<Value = TicketId> {
        prop::sample::select(vec!["T1", "T-2", "工单3", "T\"4", "T\\5"])
            .prop_map(|s| TicketId::new(s).unwrap())
    }

    fn time() -> impl Strategy<Value = Timestamp> {
        (0i64..10_000_000).prop_map(|s| {
            "2025-03-03T09:00:00+08:00"
                .parse::<Timestamp>()
                .unwrap()
                .plus_seconds(s)
        })
    }

    fn deadline() -> impl Strategy<Value = DeadlineKind> {
        prop::sample::select(vec![
            DeadlineKind::Acknowledge,
            DeadlineKind::Handle,
            DeadlineKind::Verify,
            DeadlineKind::Reply,
        ])
    }

    fn report() -> impl Strategy<Value = Action> {
        (
            ticket(),
            text(),
            node(),
            prop::option::of(node()),
            prop::option::of(text()),
            prop::option::of(text()),
            any::<bool>(),
            prop::sample::select(vec![Channel::GridPatrol, Channel::Hotline12345]),
            prop::sample::select(vec![Priority::Urgent, Priority::Normal]),
            prop::sample::select(vec![RequestType::Help, RequestType::Complaint]),
        )
            .prop_map(
                |(
                    id,
                    category,
                    unit,
                    holder,
                    reporter,
                    description,
                    verify_first,
                    channel,
                    priority,
                    request_type,
                )| {
                    Action::Report(Box::new(NewTicket {
                        id,
                        category,
                        channel,
                        unit,
                        holder,
                        reporter,
                        priority,
                        request_type,
                        verify_first,
                        description,
                    }))
                },
            )
    }

    fn action() -> impl Strategy<Value = Action> {
        let note = || prop::option::of(text());
        prop_oneof![
            report(),
            Just(Action::File),
            Just(Action::ConfirmOnSite),
            Just(Action::Acknowledge),
            Just(Action::Close),
            Just(Action::Resume),
            Just(Action::Unpark),
            Just(Action::SignWhistle),
            note().prop_map(|note| Action::ReportWhistle { note }),
            note().prop_map(|note| Action::Supervise { note }),
            (ticket(), note()).prop_map(|(of, note)| Action::Reject {
                reason: RejectReason::Duplicate { of },
                note
            }),
            note().prop_map(|reason| Action::Reopen { reason }),
            node().prop_map(|to| Action::Dispatch { to }),
            text().prop_map(|reason| Action::Return { reason }),
            text().prop_map(|outcome| Action::Handle { outcome }),
            (any::<bool>(), note()).prop_map(|(passed, note)| Action::Verify { passed, note }),
            prop::sample::select(vec![Satisfaction::Satisfied, Satisfaction::Unsatisfied])
                .prop_map(|satisfaction| Action::Visit { satisfaction }),
            text().prop_map(|reason| Action::Suspend { reason }),
            (time(), text()).prop_map(|(until, reason)| Action::RequestExtension { until, reason }),
            any::<bool>().prop_map(|granted| Action::DecideExtension { granted }),
            text().prop_map(|reason| Action::Park { reason }),
            ticket().prop_map(|into| Action::Merge { into }),
            (prop::option::of(node()), prop::option::of(node()))
                .prop_map(|(to, return_to)| Action::Escalate { to, return_to }),
            (
                prop::collection::vec(node(), 1..3),
                prop::option::of(time()),
                prop::option::of(time())
            )
                .prop_map(|(departments, sign_by, report_by)| Action::Whistle {
                    departments,
                    sign_by,
                    report_by
                }),
            node().prop_map(|department| Action::ReleaseWhistle { department }),
            (text(), note()).prop_map(|(party, note)| Action::RecordRefusal { party, note }),
            deadline().prop_map(|deadline| Action::Remind { deadline }),
            (deadline(), time()).prop_map(|(deadline, due)| Action::SetDeadline { deadline, due }),
            (text(), time(), prop::option::of(node())).prop_map(|(rule, breach, subject)| {
                Action::RuleFired {
                    rule: rule.into(),
                    breach,
                    subject,
                }
            }),
            (deadline(), prop::option::of(time()))
                .prop_map(|(deadline, at)| Action::Recheck { deadline, at }),
        ]
    }

    fn event() -> impl Strategy<Value = Event> {
        (
            ticket(),
            prop_oneof![0u32..20, any::<u32>()],
            time(),
            prop::option::of(node()),
            action(),
        )
            .prop_map(|(ticket, seq, at, actor, action)| Event {
                ticket,
                seq,
                at,
                actor: actor.map_or(Actor::System, Actor::Node),
                action,
            })
    }

    /// The event line the writer writes for `event` (first in its chain), without its LF.
    fn line_of(event: &Event) -> String {
        let mut w = LogWriter::new(Vec::new());
        w.write(event).unwrap();
        let text = String::from_utf8(w.finish().unwrap()).unwrap();
        text.lines().next().unwrap().to_owned()
    }

    /// What the fast path read agrees with what serde reads from the same line.
    fn agrees(line: &str) -> Result<bool, TestCaseError> {
        let Some(fast) = event_line(line) else {
            return Ok(false);
        };
        match parse_json(1, line) {
            Ok(Parsed::Event(slow)) => {
                prop_assert_eq!(&fast.event, &slow.event, "line {}", line);
                prop_assert_eq!(fast.canonical, slow.canonical, "line {}", line);
                prop_assert_eq!(fast.claim, slow.claim, "line {}", line);
            }
            Ok(Parsed::Seal(..)) => prop_assert!(false, "serde read a seal: {}", line),
            Err(e) => prop_assert!(false, "serde refused what the fast path read: {line}: {e}"),
        }
        Ok(true)
    }

    /// Snippets a mutation inserts: JSON a careless or hostile editor might leave.
    const SNIPPETS: [&str; 18] = [
        ",\"note\":\"x\"",
        ",\"to\":\"g1\"",
        ",\"type\":\"file\"",
        ",\"note\":null",
        ",\"seq\":1",
        " ",
        "\\u0041",
        "\"",
        "0",
        "-",
        ".5",
        "e1",
        "true",
        "网",
        "}",
        "{",
        ",",
        "\u{0}",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Every line the writer writes reads to the same event on both paths, and the
        /// fast path takes every line without escapes, arrays or objects in its action.
        #[test]
        fn the_fast_path_reads_written_lines_as_serde_does(event in event()) {
            let line = line_of(&event);
            let taken = agrees(&line)?;
            let simple = !line.contains('\\')
                && !matches!(event.action, Action::Whistle { .. } | Action::Reject { .. });
            prop_assert_eq!(taken, simple, "line {}", line);
            if taken {
                prop_assert_eq!(&event_line(&line).unwrap().event, &event);
            }
        }

        /// The writer lays out a line byte for byte as serde_json writes it.
        #[test]
        fn the_writer_writes_what_serde_writes(event in event()) {
            let mut ours = Vec::new();
            write_line(&mut ours, &event).unwrap();
            let theirs = serde_json::to_vec(&super::super::LineOut {
                v: 1,
                ticket: &event.ticket,
                seq: event.seq,
                at: event.at,
                actor: &event.actor,
                action: &event.action,
            })
            .unwrap();
            prop_assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs).unwrap());
        }

        /// Whatever an edit makes of a line, the fast path either steps aside or reads
        /// what serde reads.
        #[test]
        fn the_fast_path_never_reads_an_edited_line_otherwise(
            event in event(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..4, prop::sample::select(SNIPPETS.to_vec())), 1..4),
        ) {
            let mut chars: Vec<char> = line_of(&event).chars().collect();
            for (at, how, snippet) in edits {
                // Half the edits at a token's edge (after or before punctuation), where an
                // edit most often keeps the line JSON.
                let edges: Vec<usize> = (0..=chars.len())
                    .filter(|&i| {
                        let punct = |c: Option<&char>| matches!(c, Some('"' | ':' | ',' | '{' | '}'));
                        punct(i.checked_sub(1).and_then(|j| chars.get(j))) || punct(chars.get(i))
                    })
                    .collect();
                let i = if how % 2 == 0 {
                    edges[at.index(edges.len())]
                } else {
                    at.index(chars.len() + 1)
                };
                match how {
                    0 => { chars.splice(i..i, snippet.chars()); }
                    1 if i < chars.len() => { chars.remove(i); }
                    2 if i < chars.len() => { chars.splice(i..=i, snippet.chars()); }
                    _ => {
                        // Swap two neighbours (reorders members' punctuation).
                        if i + 1 < chars.len() { chars.swap(i, i + 1); }
                    }
                }
            }
            let line: String = chars.into_iter().collect();
            agrees(&line)?;
        }

        /// A member's value replaced by another value (of another type or form), or a
        /// member written twice: the fast path steps aside or reads what serde reads.
        #[test]
        fn the_fast_path_never_reads_an_edited_member_otherwise(
            event in event(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(VALUES.to_vec()), any::<bool>()), 1..3),
        ) {
            let mut line = line_of(&event);
            for (at, value, twice) in edits {
                let members = members(&line);
                let (key, start, end) = members[at.index(members.len())];
                line = if twice {
                    // The member again, right after itself.
                    let member = format!(",{}:{}", &line[key..start - 1], &line[start..end]);
                    format!("{}{member}{}", &line[..end], &line[end..])
                } else {
                    format!("{}{value}{}", &line[..start], &line[end..])
                };
                agrees(&line)?;
            }
        }
    }

    /// Values a member may be given instead of its own.
    const VALUES: [&str; 24] = [
        "0",
        "01",
        "-0",
        "1e2",
        "1.0",
        "7",
        "4294967295",
        "4294967296",
        "null",
        "true",
        "false",
        "\"x\"",
        "\"\"",
        "\"\\u0041\"",
        "\"2025-03-03T09:00:00+08:00\"",
        "\"2025-03-03T09:00:00.5+08:00\"",
        "\"2025-03-03 09:00:00+08:00\"",
        "\"@system\"",
        "\"g1\"",
        "\"file\"",
        "\"hotline12345\"",
        "\" g1\"",
        "[]",
        "{}",
    ];

    /// Each member with a simple value: (start of its key, start and end of its value).
    fn members(line: &str) -> Vec<(usize, usize, usize)> {
        let b = line.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            // A key: a string right after `{` or `,`, followed by `:`.
            if b[i] == b'"' && i > 0 && matches!(b[i - 1], b'{' | b',') {
                let Some(len) = b[i + 1..].iter().position(|&c| c == b'"') else {
                    break;
                };
                let colon = i + 1 + len + 1;
                if b.get(colon) == Some(&b':') {
                    let start = colon + 1;
                    let end = match b.get(start) {
                        Some(b'"') => b[start + 1..]
                            .iter()
                            .position(|&c| c == b'"')
                            .map(|l| start + 1 + l + 1),
                        Some(b'{' | b'[') => None,
                        _ => b[start..]
                            .iter()
                            .position(|&c| c == b',' || c == b'}')
                            .map(|l| start + l),
                    };
                    if let Some(end) = end {
                        out.push((i, start, end));
                        i = end;
                        continue;
                    }
                }
            }
            i += 1;
        }
        out
    }
}
