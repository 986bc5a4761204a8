//! Escalation (升级): rules as data, a pure engine, the whistle (吹哨报到), and what-if replay.
//!
//! An [`EscalationPolicy`] is a list of [`Rule`]s, each a [`Trigger`] and the [`Response`]s
//! it calls for. [`evaluate`] looks at a ledger at an instant and returns [`Decision`]s —
//! which ticket, which action, which rule and why — in a deterministic order. Nothing
//! changes until the decisions are applied with [`apply`], which goes through the ticket
//! lifecycle (so every action is authorized, logged and replayable) and records a
//! `rule_fired` event for each firing, so that evaluating again never fires the same rule
//! twice for the same breach.
//!
//! Triggers:
//! - a deadline missed (超时), with an optional grace period; a warning before a deadline;
//! - a refusal recorded on the ticket (a responsible party will not act);
//! - repeated complaints (重复投诉): N or more tickets of the same category on the same
//!   compound or building within a window;
//! - a ticket that touches several grids or departments (it was bounced between them);
//! - a return count (退单) at or over a limit;
//! - an unsatisfied return visit;
//! - a summoned department late to sign for a whistle or to report (recorded on the ticket
//!   as the rule's subject, and counted by the metrics).
//!
//! Responses: remind (催办); escalate one level or to a named level, never above the
//! policy's top level (a unit with no parent stops there); whistle the departments with
//! jurisdiction over the ticket's unit for its category, each with its own deadlines to
//! sign for (报到) and to report; mark supervised (督办); and a notification record for the
//! host system (the library sends nothing itself).
//!
//! The engine finds what is due from the ledger's deadline index and attention set, so a
//! sweep touches the tickets that are due, not the whole ledger.

mod decide;
mod detect;
mod policy;
mod tagged_de;
mod whatif;

pub use crate::repeats::RepeatScope;
pub use crate::text::SharedStr;
pub use decide::{
    apply, escalation_target, evaluate, evaluate_parallel, sweep, sweep_parallel, Applied,
    Decision, Effect,
};
pub use policy::{EscalationPolicy, Response, Rule, Trigger};
pub use whatif::{what_if, Course, TicketWhatIf, WhatIf, WhatIfTotals};
