//! The ledger's events as plain columns, read straight from the compact records (no
//! [`Event`] is built, no text copied but the texts themselves): what [`crate::arrow`] turns
//! into Arrow arrays. Each value is the one [`Ledger::events`] decodes for the same event,
//! written as a flat row writes it ([`crate::ticket::table::event_to_row`]); the tests in
//! `core/tests/arrow.rs` check that on every action kind.

use super::*;
use crate::arrow::columns::{EventColumns, Field};

impl Ledger {
    /// The number of node keys ever assigned (removed nodes keep theirs): the size of the
    /// node dictionary of a column export.
    pub(crate) fn node_keys(&self) -> usize {
        self.hierarchy.key_count()
    }

    /// The events of the tickets with keys in `tickets`, appended to `out`, in ticket then
    /// sequence order.
    pub(crate) fn event_columns(&self, tickets: std::ops::Range<usize>, out: &mut EventColumns) {
        let system = i32::try_from(self.node_keys()).unwrap_or(i32::MAX);
        let node = |k: u32| i32::try_from(k).unwrap_or(i32::MAX);
        let first = tickets.start;
        for (i, rec) in self.tickets.get(tickets).unwrap_or(&[]).iter().enumerate() {
            let key = i32::try_from(i + first).unwrap_or(i32::MAX);
            for (seq, ev) in rec.events().iter().enumerate() {
                let row = out.push_envelope(
                    key,
                    u32::try_from(seq).unwrap_or(u32::MAX),
                    rec.t0 + i64::from(ev.dt),
                    if ev.actor == SYSTEM {
                        system
                    } else {
                        node(ev.actor)
                    },
                    ev.op.kind as i8,
                );
                self.action_columns(rec, ev.op, row, out);
            }
        }
    }

    /// An event's own fields (see [`Ledger::decode`], which this follows case by case).
    fn action_columns(&self, rec: &Rec, op: Op, row: u32, out: &mut EventColumns) {
        let node = |k: u32| i32::try_from(k).unwrap_or(i32::MAX);
        let time = |dt: u32| rec.t0 + i64::from(dt);
        let text = |i: u32| rec.text(i).unwrap_or_default();
        let deadline = DeadlineKind::from_u8(op.small) as i32;
        // A node named by text (a return destination or a rule's subject beyond the packed
        // keys) is written from a node of the hierarchy, which keeps every id it ever had.
        let key_of = |id: &str| self.hierarchy.key_ever(id).map(|k| node(k.raw()));
        let ticket =
            |i: u32| TicketId::new(rec.text(i).unwrap_or("?")).unwrap_or_else(|_| rec.id.clone());
        match op.kind {
            ActionKind::Report => {
                out.small(Field::Category, row, i32::from(rec.category));
                out.small(Field::Channel, row, rec.channel as i32);
                out.small(Field::Unit, row, node(rec.unit.raw()));
                out.small(Field::Holder, row, node(op.arg));
                if let Some(r) = self.reporters.get(rec.reporter) {
                    out.text(Field::Reporter, row, r);
                }
                out.small(Field::Priority, row, rec.priority as i32);
                out.small(Field::RequestType, row, rec.request_type as i32);
                out.flag(Field::VerifyFirst, row, rec.has(FLAG_VERIFY_FIRST));
                out.opt_text(Field::Description, row, rec.text(u32::from(op.aux)));
            }
            ActionKind::ConfirmOnSite
            | ActionKind::File
            | ActionKind::Acknowledge
            | ActionKind::Close
            | ActionKind::Resume
            | ActionKind::Unpark
            | ActionKind::SignWhistle => {}
            ActionKind::Reject => {
                let reason = match op.small {
                    0 => RejectReason::Duplicate { of: ticket(op.arg) },
                    1 => RejectReason::OutOfScope,
                    _ => RejectReason::InsufficientInformation,
                };
                let json = serde_json::to_string(&reason).unwrap_or_default();
                out.text(Field::Reason, row, &json);
                out.opt_text(Field::Note, row, rec.text(u32::from(op.aux)));
            }
            ActionKind::Reopen => out.opt_text(Field::Reason, row, rec.text(op.arg)),
            ActionKind::Dispatch => out.small(Field::To, row, node(op.arg)),
            ActionKind::Return | ActionKind::Suspend | ActionKind::Park => {
                out.text(Field::Reason, row, text(op.arg));
            }
            ActionKind::Handle => out.text(Field::Outcome, row, text(op.arg)),
            ActionKind::Verify => {
                out.flag(Field::Passed, row, op.small != 0);
                out.opt_text(Field::Note, row, rec.text(op.arg));
            }
            ActionKind::Visit => {
                let s = Satisfaction::from_u8(op.small);
                out.small(Field::Satisfaction, row, s as i32);
            }
            ActionKind::RequestExtension => {
                out.time(Field::Until, row, time(op.arg));
                out.text(Field::Reason, row, text(u32::from(op.aux)));
            }
            ActionKind::DecideExtension => out.flag(Field::Granted, row, op.small != 0),
            ActionKind::Merge => {
                out.text(Field::Into, row, ticket(op.arg).as_str());
            }
            ActionKind::Escalate => {
                out.small(Field::To, row, node(op.arg));
                let back = match (op.small, unpack_key(op.small, op.aux)) {
                    (RETURN_TO_TEXT, _) => rec
                        .text(u32::from(op.aux))
                        .filter(|s| NodeId::from_text(s).is_ok())
                        .and_then(key_of),
                    (_, key) => key.map(node),
                };
                if let Some(k) = back {
                    out.small(Field::ReturnTo, row, k);
                }
            }
            ActionKind::Whistle => {
                let batch = rec
                    .summons()
                    .iter()
                    .skip(op.arg as usize)
                    .take(usize::from(op.aux));
                let departments: Vec<String> = batch
                    .clone()
                    .map(|s| self.node_name(s.department))
                    .collect();
                out.text(Field::Departments, row, &departments.join(";"));
                if let Some(first) = batch.clone().next() {
                    if first.sign_due != NONE {
                        out.time(Field::SignBy, row, time(first.sign_due));
                    }
                    if first.report_due != NONE {
                        out.time(Field::ReportBy, row, time(first.report_due));
                    }
                }
            }
            ActionKind::ReportWhistle | ActionKind::Supervise => {
                out.opt_text(Field::Note, row, rec.text(op.arg));
            }
            ActionKind::ReleaseWhistle => out.small(Field::Department, row, node(op.arg)),
            ActionKind::RecordRefusal => {
                out.text(Field::Party, row, text(op.arg));
                out.opt_text(Field::Note, row, rec.text(u32::from(op.aux)));
            }
            ActionKind::Remind => out.small(Field::Deadline, row, deadline),
            ActionKind::SetDeadline => {
                out.small(Field::Deadline, row, deadline);
                out.time(Field::Due, row, time(op.arg));
            }
            ActionKind::RuleFired => {
                out.text(
                    Field::Rule,
                    row,
                    self.rule_name(rec, op).unwrap_or_default(),
                );
                out.time(Field::Breach, row, time(op.arg));
                if op.small == RULE_WITH_SUBJECT {
                    let subject = rec
                        .text(u32::from(op.aux) + 1)
                        .filter(|s| NodeId::from_text(s).is_ok())
                        .and_then(key_of);
                    if let Some(k) = subject {
                        out.small(Field::Subject, row, k);
                    }
                }
            }
            ActionKind::Recheck => {
                out.small(Field::Deadline, row, deadline);
                if op.arg != NONE {
                    out.time(Field::RecheckAt, row, time(op.arg));
                }
            }
            ActionKind::Import => {
                out.small(Field::State, row, TicketState::from_u8(op.small) as i32);
                out.text(Field::Status, row, text(op.arg));
                out.opt_text(Field::Note, row, rec.text(u32::from(op.aux)));
            }
        }
    }
}
