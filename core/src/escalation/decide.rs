//! Decisions: turning firings into [`Decision`]s and their [`Effect`]s, [`evaluate`] over a
//! ledger, and [`apply`] them through the ticket lifecycle.

use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError};
use crate::hierarchy::{Hierarchy, NodeId, NodeKey, NodeKind};
use crate::ticket::{
    Action, ActorKey, DeadlineKind, Ledger, TicketError, TicketId, TicketKey, TicketState,
    TicketView, TOUCHED,
};
use crate::time::Timestamp;

use super::detect::{deadline_label, detect, repeated_complaints, Context, Firing, Why};
use super::policy::{rule_applies, EscalationPolicy, Response, Trigger};
use crate::text::SharedStr;

/// What a decision does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
#[non_exhaustive]
pub enum Effect {
    /// A lifecycle action by `@system`.
    Act {
        /// The action.
        action: Action,
    },
    /// A notification record for the host system to deliver.
    Notify {
        /// To whom.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
        /// The message.
        message: String,
    },
}

/// One decision of the engine.
///
/// A sweep makes millions of these, so the texts a firing's decisions have in common are
/// [`SharedStr`]s, shared rather than copied: the rule's name (one per rule and evaluation),
/// the trigger's name (static) and the reason (written once per firing). They read and
/// serialize as plain strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Decision {
    /// The ticket.
    pub ticket: TicketId,
    /// The rule that fired (empty for a `recheck`).
    pub rule: SharedStr,
    /// Its trigger (snake_case name).
    pub trigger: SharedStr,
    /// What fired it: the deadline missed or approached, or the triggering event's time.
    pub breach: Timestamp,
    /// The department concerned, for a late summons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<NodeId>,
    /// Why, in Chinese and English.
    pub reason: SharedStr,
    /// What to do.
    pub effect: Effect,
}

/// The target of an escalation from `home`: one level up, or the nearest strict ancestor of
/// a given level, never above `top`.
pub fn escalation_target(
    h: &Hierarchy,
    home: NodeKey,
    to: Option<NodeKind>,
    top: Option<NodeKind>,
) -> Option<NodeKey> {
    let chain = h.chain_keys(home);
    let above = chain.get(1..).unwrap_or(&[]);
    let level = |k: &NodeKey| h.kind_of(*k).and_then(NodeKind::level).unwrap_or(0);
    let mut target = match to {
        None => above.first().copied(),
        Some(kind) => above.iter().find(|k| h.kind_of(**k) == Some(kind)).copied(),
    }?;
    if let Some(top_level) = top.and_then(NodeKind::level) {
        if level(&target) < top_level {
            // The highest ancestor still at or below the top level.
            target = above
                .iter()
                .rev()
                .find(|k| level(k) >= top_level)
                .copied()?;
        }
    }
    Some(target)
}

/// Evaluates a policy over a ledger at `now` and returns the decisions, in a deterministic
/// order (by ticket, then rule, then breach). The ledger is not changed; apply the
/// decisions with [`apply`]. Working-time amounts are counted in `calendar`.
///
/// The hierarchy is the ledger's own ([`Ledger::hierarchy`]), so tickets and units can never
/// be mismatched. Candidates come from the ledger's deadline index (up to the farthest
/// warning horizon), its summons deadlines, its attention set and its recent reports, so a
/// sweep touches what is due rather than every ticket. Deadline entries that no rule can act
/// on any more get a `recheck` decision that moves them out of the index (or to the next
/// rule's threshold), so later sweeps do not visit them again.
///
/// When a rule reacts to what others do (a warning on a deadline an escalation renews, a
/// boundary crossed by a whistle), each ticket's decisions are checked on a copy of the
/// ticket and evaluated again there until nothing new fires, so that evaluating again at the
/// same instant after applying them yields nothing.
pub fn evaluate(
    now: Timestamp,
    ledger: &Ledger,
    policy: &EscalationPolicy,
    calendar: &Calendar,
) -> Result<Vec<Decision>, CalendarError> {
    evaluate_parallel(now, ledger, policy, calendar, 1)
}

/// The fewest candidate tickets worth a thread of their own.
const PER_THREAD: usize = 4_096;

/// [`evaluate`] on up to `threads` threads, when the caller asks for it (the library reads
/// nothing of the machine; 0 or 1 is [`evaluate`]). The tickets to look at are split into
/// runs, each run decided on a thread, and the decisions joined in order. A ticket's
/// decisions depend only on the ledger as it stands and on that ticket, so the result is
/// exactly [`evaluate`]'s: the same decisions in the same order, or the same error (the
/// first in ticket order). On WebAssembly, or for a small sweep, the work stays on the
/// calling thread.
pub fn evaluate_parallel(
    now: Timestamp,
    ledger: &Ledger,
    policy: &EscalationPolicy,
    calendar: &Calendar,
    threads: usize,
) -> Result<Vec<Decision>, CalendarError> {
    evaluate_keyed(now, ledger, policy, calendar, threads).map(|e| e.decisions)
}

/// Decisions with the key of each ticket's run of them, so that a sweep applies them
/// without looking the tickets up by id again.
struct Evaluated {
    decisions: Vec<Decision>,
    /// (the index of a ticket's first decision, its key), in order.
    runs: Vec<(usize, TicketKey)>,
}

impl Evaluated {
    /// Applies the decisions as [`apply`] does; a sweep keeps no results (a refusal changes
    /// nothing, and the decisions are what it returns).
    fn apply(&self, ledger: &mut Ledger, now: Timestamp) {
        let ends = self
            .runs
            .iter()
            .skip(1)
            .map(|(start, _)| *start)
            .chain([self.decisions.len()]);
        for (i, (&(start, key), end)) in self.runs.iter().zip(ends).enumerate() {
            if i % TOUCHED == 0 {
                ledger.touch(self.runs.get(i..).unwrap_or_default(), |(_, key)| *key);
            }
            apply_run(
                ledger,
                key,
                self.decisions.get(start..end).unwrap_or(&[]),
                now,
            );
        }
    }
}

/// Applies one ticket's run of decisions (a refusal changes nothing).
fn apply_run(ledger: &mut Ledger, key: TicketKey, decisions: &[Decision], now: Timestamp) {
    for d in decisions {
        if let Effect::Act { action } = &d.effect {
            let _ = ledger.apply_key(key, ActorKey::SYSTEM, now, action);
        }
    }
}

fn evaluate_keyed(
    now: Timestamp,
    ledger: &Ledger,
    policy: &EscalationPolicy,
    calendar: &Calendar,
    threads: usize,
) -> Result<Evaluated, CalendarError> {
    Prepared::new(now, ledger, policy, calendar)?.evaluate(ledger, threads)
}

/// What an evaluation prepares before it looks at any ticket: its context, the candidate
/// tickets (each with the deadline kinds found due in the index, a bit per kind), the
/// repeated complaints by ticket and the texts decisions share.
struct Prepared<'a> {
    ctx: Context<'a>,
    candidates: Vec<(TicketKey, u8)>,
    repeats: Vec<(TicketKey, Firing)>,
    shared: SharedTexts,
}

/// What one thread of an evaluation reuses from ticket to ticket.
struct Worker {
    buffers: Buffers,
    firings: Vec<Firing>,
}

impl Worker {
    /// A worker for a run of `candidates` tickets.
    fn for_run(candidates: usize) -> Worker {
        Worker {
            buffers: Buffers {
                effects: Vec::new(),
                acts: Vec::new(),
                reasons: Reasons::for_run(candidates),
            },
            firings: Vec::new(),
        }
    }
}

impl<'a> Prepared<'a> {
    fn new(
        now: Timestamp,
        ledger: &Ledger,
        policy: &'a EscalationPolicy,
        calendar: &'a Calendar,
    ) -> Result<Prepared<'a>, CalendarError> {
        let rules = &policy.rules;
        let has = |f: fn(&Trigger) -> bool| rules.iter().any(|r| f(&r.when));
        let mut horizon = now;
        for r in rules {
            if let Trigger::DeadlineApproaching { before, .. } = &r.when {
                horizon = horizon.max(before.after(now, calendar)?);
            }
        }
        let ctx = Context {
            now,
            policy,
            calendar,
            horizon,
            reactive: has(|t| {
                matches!(
                    t,
                    Trigger::DeadlineApproaching { .. } | Trigger::CrossesBoundaries { .. }
                )
            }),
        };
        let mut candidates: Vec<(TicketKey, u8)> = Vec::new();
        // Only the deadline kinds some rule watches are visited: an entry of another kind is
        // never due for this policy (and gets no bookkeeping `recheck`).
        let watched = rules.iter().fold(0u8, |bits, r| match &r.when {
            Trigger::DeadlineMissed { deadline, .. }
            | Trigger::DeadlineApproaching { deadline, .. } => bits | 1 << (*deadline as u8),
            _ => bits,
        });
        candidates.extend(
            ledger
                .due_of_kinds(ctx.horizon, watched)
                .map(|(_, k, kind)| (k, 1u8 << kind)),
        );
        if has(|t| matches!(t, Trigger::SummonsLate)) {
            candidates.extend(ledger.summons_due_until(now).map(|(_, k)| (k, 0)));
        }
        if has(|t| {
            matches!(
                t,
                Trigger::Refusal
                    | Trigger::Unsatisfied
                    | Trigger::Returns { .. }
                    | Trigger::CrossesBoundaries { .. }
            )
        }) {
            candidates.extend(ledger.needing_attention().map(|k| (k, 0)));
        }
        let mut repeats = repeated_complaints(ledger, &ctx);
        candidates.extend(repeats.iter().map(|(k, _)| (*k, 0)));
        candidates.sort_unstable_by_key(|(k, _)| *k);
        candidates.dedup_by(|a, b| {
            if a.0 == b.0 {
                b.1 |= a.1;
                true
            } else {
                false
            }
        });
        repeats.sort_by_key(|(k, _)| *k);
        Ok(Prepared {
            ctx,
            candidates,
            repeats,
            shared: SharedTexts::of(policy),
        })
    }

    /// The threads an evaluation asked for `threads` runs on: one for a sweep too small to
    /// split.
    fn threads(&self, threads: usize) -> usize {
        threads.min(self.candidates.len() / PER_THREAD)
    }

    /// Decides about every candidate, on up to `threads` threads.
    fn evaluate(&self, ledger: &Ledger, threads: usize) -> Result<Evaluated, CalendarError> {
        let candidates = &self.candidates;
        let decide = |run: &[(TicketKey, u8)]| -> Result<Evaluated, CalendarError> {
            // Room for a decision per candidate, which most sweeps take (an overdue ticket
            // gets its firing recorded and acted on); growing step by step copied the
            // decisions over and over. What is left is given back at the end.
            let mut out = Evaluated {
                decisions: Vec::with_capacity(run.len()),
                runs: Vec::new(),
            };
            let mut worker = Worker::for_run(run.len());
            for batch in run.chunks(TOUCHED) {
                ledger.touch(batch, |c| c.0);
                for &(key, kinds) in batch {
                    self.decide(ledger, key, kinds, &mut worker, &mut out)?;
                }
            }
            out.decisions.shrink_to_fit();
            Ok(out)
        };
        let threads = self.threads(threads);
        if threads <= 1 {
            return decide(candidates);
        }
        let runs: Vec<&[(TicketKey, u8)]> = candidates
            .chunks(candidates.len().div_ceil(threads))
            .collect();
        let mut all = Evaluated {
            decisions: Vec::new(),
            runs: Vec::new(),
        };
        for part in crate::threads::on_threads(&runs, |run| decide(run)) {
            let mut part = part?;
            let offset = all.decisions.len();
            all.runs
                .extend(part.runs.iter().map(|(start, key)| (start + offset, *key)));
            all.decisions.append(&mut part.decisions);
        }
        Ok(all)
    }

    /// Whether deciding about the candidates can no longer be refused once it has begun, so
    /// that a sweep may apply each ticket's decisions before it decides about the next and
    /// still apply nothing when the evaluation is refused. Only working-time arithmetic
    /// refuses (an instant beyond the calendar's coverage): the warning horizon, computed
    /// already; a whistle's deadlines, the same for every ticket; a grace after a missed
    /// deadline, which depends on each ticket's deadline and is tried here for every
    /// candidate. A reactive policy applies decisions to copies of tickets and detects
    /// again there, with deadlines nobody can foresee: its sweeps evaluate everything
    /// first.
    fn cannot_fail(&self, ledger: &Ledger) -> bool {
        let ctx = &self.ctx;
        if ctx.reactive {
            return false;
        }
        ctx.policy.rules.iter().all(|rule| {
            let whistles = rule.then.iter().all(|r| match r {
                Response::Whistle {
                    sign_within,
                    report_within,
                } => [sign_within, report_within]
                    .iter()
                    .all(|a| a.after(ctx.now, ctx.calendar).is_ok()),
                _ => true,
            });
            let graces = match &rule.when {
                Trigger::DeadlineMissed {
                    deadline,
                    grace: Some(grace),
                } => self.candidates.iter().all(|(key, _)| {
                    ledger
                        .view(*key)
                        .and_then(|v| v.deadline(*deadline))
                        .is_none_or(|due| grace.after(due, ctx.calendar).is_ok())
                }),
                _ => true,
            };
            whistles && graces
        })
    }

    /// Decides about one candidate ticket (with the deadline kinds found due for it),
    /// appending its decisions, and its run of them, to `out`.
    fn decide(
        &self,
        ledger: &Ledger,
        key: TicketKey,
        kinds: u8,
        worker: &mut Worker,
        out: &mut Evaluated,
    ) -> Result<(), CalendarError> {
        let ctx = &self.ctx;
        let Some(v) = ledger.view(key) else {
            return Ok(());
        };
        let firings = &mut worker.firings;
        firings.clear();
        detect(ledger, &v, ctx, firings)?;
        // `repeats` is sorted by ticket: this ticket's are one slice of it.
        let from = self.repeats.partition_point(|(k, _)| *k < key);
        let to = self.repeats.partition_point(|(k, _)| *k <= key);
        firings.extend(
            self.repeats
                .get(from..to)
                .unwrap_or(&[])
                .iter()
                .map(|(_, f)| f.clone()),
        );
        settle(ledger, &v, ctx, firings);
        let rechecks = rechecks(&v, ctx, kinds, firings)?;
        if !firings.is_empty() || !rechecks.is_empty() {
            let start = out.decisions.len();
            let ticket = Ticket {
                key,
                firings,
                rechecks,
            };
            decide_ticket(
                ledger,
                ctx,
                &self.shared,
                ticket,
                &mut worker.buffers,
                &mut out.decisions,
            )?;
            if out.decisions.len() > start {
                out.runs.push((start, key));
            }
        }
        Ok(())
    }
}

/// Drops firings already recorded on the ticket, and orders and dedups the rest.
fn settle(ledger: &Ledger, v: &TicketView<'_>, ctx: &Context<'_>, firings: &mut Vec<Firing>) {
    let h = &**ledger.hierarchy();
    firings.retain(|f| {
        let Some(rule) = ctx.policy.rules.get(f.rule) else {
            return false;
        };
        let subject = f.subject.and_then(|k| h.id(k)).map(NodeId::as_str);
        !v.has_fired(&rule.name, f.breach, subject)
    });
    firings.sort_by_key(|f| (f.rule, f.breach, f.subject));
    firings.dedup_by(|a, b| (a.rule, a.breach, a.subject) == (b.rule, b.breach, b.subject));
}

/// For each deadline found in the index: when the engine next needs to look at it. `None`
/// inside means never again for its current due instant.
fn rechecks(
    v: &TicketView<'_>,
    ctx: &Context<'_>,
    kinds: u8,
    firings: &[Firing],
) -> Result<Vec<(DeadlineKind, Option<Timestamp>)>, CalendarError> {
    let mut out = Vec::new();
    for kind in DeadlineKind::ALL.iter().copied() {
        if kinds & (1 << (kind as u8)) == 0 {
            continue;
        }
        let Some(due) = v.deadline(kind) else {
            continue;
        };
        let mut next: Option<Timestamp> = None;
        let mut stay = false;
        if kind.runs_in(v.state()) {
            for (ri, rule) in ctx.policy.rules.iter().enumerate() {
                if !rule_applies(rule, v.category()) {
                    continue;
                }
                let fired = || {
                    firings.iter().any(|f| f.rule == ri && f.breach == due)
                        || v.has_fired(&rule.name, due, None)
                };
                match &rule.when {
                    Trigger::DeadlineMissed { deadline, grace }
                        if *deadline == kind && !fired() =>
                    {
                        let at = match grace {
                            Some(g) => g.after(due, ctx.calendar)?,
                            None => due,
                        }
                        .plus_seconds(1);
                        next = Some(next.map_or(at, |n| n.min(at)));
                    }
                    Trigger::DeadlineApproaching { deadline, .. }
                        if *deadline == kind && ctx.now <= due && !fired() =>
                    {
                        stay = true;
                    }
                    _ => {}
                }
            }
        }
        if !stay && next != Some(due) {
            out.push((kind, next));
        }
    }
    Ok(out)
}

/// The texts decisions share, made once per evaluation: each rule's name, the empty name of
/// a `recheck`, and the reason of a `recheck` that leaves the index, by deadline kind.
struct SharedTexts {
    rules: Vec<SharedStr>,
    none: SharedStr,
    no_rule_left: [SharedStr; 4],
}

impl SharedTexts {
    fn of(policy: &EscalationPolicy) -> SharedTexts {
        SharedTexts {
            rules: policy
                .rules
                .iter()
                .map(|r| SharedStr::from(&*r.name))
                .collect(),
            none: SharedStr::default(),
            no_rule_left: [0, 1, 2, 3].map(|kind| {
                SharedStr::from(format!(
                    "{} 无待触发规则 / no rule left to fire",
                    deadline_label(DeadlineKind::from_u8(kind))
                ))
            }),
        }
    }

    fn rule(&self, index: usize) -> SharedStr {
        self.rules
            .get(index)
            .cloned()
            .unwrap_or_else(|| self.none.clone())
    }
}

/// What a sweep decides about one ticket: its firings and its index bookkeeping.
struct Ticket<'a> {
    key: TicketKey,
    firings: &'a mut Vec<Firing>,
    rechecks: Vec<(DeadlineKind, Option<Timestamp>)>,
}

/// Buffers a sweep reuses from ticket to ticket instead of allocating them for each (and
/// the firings' own, beside them).
struct Buffers {
    effects: Vec<Effect>,
    acts: Vec<Decision>,
    reasons: Reasons,
}

/// The reasons of deadline firings written lately in a sweep, by due instant, deadline kind
/// and trigger: tickets whose deadlines an escalation renewed at one sweep fall due at one
/// instant, and their firings then share one text instead of an allocation each.
///
/// A cache with one place per hash of the key (a later reason takes the place of an earlier
/// one with the same hash), not a map: losing a reason costs one more allocation, and
/// nothing else depends on what it keeps, so keys chosen to collide slow nothing down.
struct Reasons {
    places: Vec<Option<(Timestamp, u8, SharedStr)>>,
    /// The places are 2^bits.
    bits: u32,
}

/// The most places of [`Reasons`]: 2^14 (16,384), about 650 KB while a large sweep runs.
const REASON_BITS: u32 = 14;

impl Reasons {
    /// A cache for a run of `candidates` tickets: a place for each, up to 2^14 (made when
    /// the first deadline fires).
    fn for_run(candidates: usize) -> Reasons {
        Reasons {
            places: Vec::new(),
            bits: (usize::BITS - candidates.leading_zeros()).clamp(4, REASON_BITS),
        }
    }

    /// The reason of a firing, shared with earlier firings of the same deadline kind and
    /// due instant.
    fn of(&mut self, why: &Why, h: &Hierarchy) -> SharedStr {
        let (due, kind) = match why {
            Why::Missed(kind, due) => (*due, *kind as u8),
            Why::Approaching(kind, due) => (*due, *kind as u8 | 8),
            _ => return why.reason(h),
        };
        if self.places.is_empty() {
            self.places.resize(1 << self.bits, None);
        }
        // Fibonacci hashing: the high bits of the key times 2^64 / φ.
        let key = due.unix_seconds().unsigned_abs() ^ (u64::from(kind) << 56);
        let place = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - self.bits)) as usize;
        let Some(slot) = self.places.get_mut(place) else {
            return why.reason(h);
        };
        match slot {
            Some((d, k, text)) if *d == due && *k == kind => text.clone(),
            _ => {
                let text = why.reason(h);
                *slot = Some((due, kind, text.clone()));
                text
            }
        }
    }
}

/// The running state of one ticket's responses within a sweep.
struct GroupState {
    home: NodeKey,
    summoned: Vec<NodeKey>,
}

impl GroupState {
    fn of(v: &TicketView<'_>) -> GroupState {
        GroupState {
            home: v.responsible_unit(),
            summoned: v.outstanding_summons().collect(),
        }
    }
}

fn decide_ticket(
    ledger: &Ledger,
    ctx: &Context<'_>,
    shared: &SharedTexts,
    Ticket {
        key,
        firings,
        rechecks,
    }: Ticket<'_>,
    buffers: &mut Buffers,
    out: &mut Vec<Decision>,
) -> Result<(), CalendarError> {
    let h = &**ledger.hierarchy();
    let Some(v) = ledger.view(key) else {
        return Ok(());
    };
    let ticket = v.id().clone();
    let decision =
        |rule: SharedStr, trigger: &'static str, f: Option<&Firing>, reason: &SharedStr, effect| {
            Decision {
                ticket: ticket.clone(),
                rule,
                trigger: SharedStr::from_static(trigger),
                breach: f.map_or(ctx.now, |f| f.breach),
                subject: f.and_then(|f| f.subject).and_then(|k| h.id(k)).cloned(),
                reason: reason.clone(),
                effect,
            }
        };
    let recheck = |deadline: DeadlineKind, at: Option<Timestamp>| {
        let reason = match at {
            Some(t) => SharedStr::from(format!(
                "{} 复查于 {t} / look again at {t}",
                deadline_label(deadline)
            )),
            None => shared
                .no_rule_left
                .get(deadline as usize)
                .cloned()
                .unwrap_or_else(|| shared.none.clone()),
        };
        decision(
            shared.none.clone(),
            "recheck",
            None,
            &reason,
            Effect::Act {
                action: Action::Recheck { deadline, at },
            },
        )
    };
    if !ctx.reactive {
        // Check each action against the ticket as it stands (the engine's actions do not
        // depend on each other's state changes here).
        let mut state = GroupState::of(&v);
        let acts = &mut buffers.acts;
        acts.clear();
        for f in firings.iter() {
            let Some(rule) = ctx.policy.rules.get(f.rule) else {
                continue;
            };
            let reason = buffers.reasons.of(&f.why, h);
            let fired = Fired {
                firing: f,
                reason: &reason,
                name: shared.rule(f.rule),
            };
            responses(h, &v, ctx, fired, &mut state, &mut buffers.effects)?;
            for effect in buffers.effects.drain(..) {
                let keep = match &effect {
                    Effect::Act { action } => {
                        ledger.check(key, ActorKey::SYSTEM, ctx.now, action).is_ok()
                    }
                    Effect::Notify { .. } => true,
                };
                if keep {
                    acts.push(decision(
                        shared.rule(f.rule),
                        rule.when.name(),
                        Some(f),
                        &reason,
                        effect,
                    ));
                }
            }
        }
        // Index bookkeeping first (it refers to the deadlines as they stand now), except
        // for the deadlines an escalation below renews: renewing moves their entries.
        let renewed = renewed_by_escalation(ledger, &v, acts);
        out.extend(
            rechecks
                .iter()
                .filter(|(deadline, _)| renewed & (1 << (*deadline as u8)) == 0)
                .map(|(deadline, at)| recheck(*deadline, *at)),
        );
        out.append(acts);
        return Ok(());
    }
    // Index bookkeeping first: it refers to the deadlines as they stand now.
    for (deadline, at) in &rechecks {
        out.push(recheck(*deadline, *at));
    }
    // Apply the responses on a copy and look again until nothing new fires.
    let Some(mut scratch) = ledger.scratch(key) else {
        return Ok(());
    };
    let scratch_key = TicketKey::from_index(0);
    for (deadline, at) in &rechecks {
        let _ = scratch.apply_key(
            scratch_key,
            ActorKey::SYSTEM,
            ctx.now,
            &Action::Recheck {
                deadline: *deadline,
                at: *at,
            },
        );
    }
    for _round in 0..4 {
        if firings.is_empty() {
            break;
        }
        for f in firings.iter() {
            let Some(rule) = ctx.policy.rules.get(f.rule) else {
                continue;
            };
            let Some(sv) = scratch.view(scratch_key) else {
                break;
            };
            let mut state = GroupState::of(&sv);
            let reason = buffers.reasons.of(&f.why, h);
            let fired = Fired {
                firing: f,
                reason: &reason,
                name: shared.rule(f.rule),
            };
            responses(h, &sv, ctx, fired, &mut state, &mut buffers.effects)?;
            for effect in buffers.effects.drain(..) {
                let keep = match &effect {
                    Effect::Act { action } => scratch
                        .apply_key(scratch_key, ActorKey::SYSTEM, ctx.now, action)
                        .is_ok(),
                    Effect::Notify { .. } => true,
                };
                if keep {
                    out.push(decision(
                        shared.rule(f.rule),
                        rule.when.name(),
                        Some(f),
                        &reason,
                        effect,
                    ));
                }
            }
        }
        let Some(sv) = scratch.view(scratch_key) else {
            break;
        };
        firings.clear();
        detect(&scratch, &sv, ctx, firings)?;
        settle(&scratch, &sv, ctx, firings);
    }
    Ok(())
}

/// The deadline kinds (a bit per kind) that an escalation among `acts` renews under the
/// ledger's service levels ([`Ledger::renewed_by_escalation`]).
fn renewed_by_escalation(ledger: &Ledger, v: &TicketView<'_>, acts: &[Decision]) -> u8 {
    let escalates = acts.iter().any(|d| {
        matches!(
            d.effect,
            Effect::Act {
                action: Action::Escalate { .. }
            }
        )
    });
    if escalates {
        ledger.renewed_by_escalation(v)
    } else {
        0
    }
}

/// A firing with its texts: the reason, and the rule's name as the evaluation shares it.
struct Fired<'a> {
    firing: &'a Firing,
    reason: &'a str,
    name: SharedStr,
}

/// The effects of one firing, ending with its `rule_fired` marker, appended to `out`.
fn responses(
    h: &Hierarchy,
    v: &TicketView<'_>,
    ctx: &Context<'_>,
    fired: Fired<'_>,
    state: &mut GroupState,
    out: &mut Vec<Effect>,
) -> Result<(), CalendarError> {
    let Fired {
        firing: f,
        reason,
        name,
    } = fired;
    let Some(rule) = ctx.policy.rules.get(f.rule) else {
        return Ok(());
    };
    for resp in &rule.then {
        let action = match resp {
            Response::Remind => Some(Action::Remind {
                deadline: match rule.when {
                    Trigger::DeadlineMissed { deadline, .. }
                    | Trigger::DeadlineApproaching { deadline, .. } => deadline,
                    _ => DeadlineKind::Handle,
                },
            }),
            Response::Supervise => Some(Action::Supervise {
                note: Some(format!("{}: {reason}", rule.name)),
            }),
            Response::Escalate { to } => escalation_target(h, state.home, *to, ctx.policy.top)
                .and_then(|target| {
                    state.home = target;
                    h.id(target).map(|id| Action::Escalate {
                        to: Some(id.clone()),
                        return_to: None,
                    })
                }),
            Response::Whistle {
                sign_within,
                report_within,
            } => {
                let mut depts = Vec::new();
                h.departments_for_key(v.unit(), v.category(), &mut depts);
                depts.retain(|d| !state.summoned.contains(d));
                if depts.is_empty() {
                    None
                } else {
                    let sign_by = sign_within.after(ctx.now, ctx.calendar)?;
                    let report_by = report_within.after(ctx.now, ctx.calendar)?;
                    state.summoned.extend(depts.iter().copied());
                    Some(Action::Whistle {
                        departments: depts.iter().filter_map(|d| h.id(*d)).cloned().collect(),
                        sign_by: Some(sign_by),
                        report_by: Some(report_by),
                    })
                }
            }
            Response::Notify { to, message } => {
                out.push(Effect::Notify {
                    to: to.clone(),
                    message: message.clone(),
                });
                None
            }
        };
        if let Some(action) = action {
            out.push(Effect::Act { action });
        }
    }
    out.push(Effect::Act {
        action: Action::RuleFired {
            rule: name,
            breach: f.breach,
            subject: f.subject.and_then(|k| h.id(k)).cloned(),
        },
    });
    Ok(())
}

/// The outcome of applying one decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Applied {
    /// The decision's position in the input.
    pub index: usize,
    /// The ticket's state afterwards, or why the lifecycle refused the action.
    pub result: Result<TicketState, TicketError>,
}

/// Applies decisions through the ticket lifecycle, as `@system` at `now`, in order.
/// Notifications change nothing (the host delivers them); their `rule_fired` marker is what
/// records them. Returns one result per decision that acts.
pub fn apply(ledger: &mut Ledger, decisions: &[Decision], now: Timestamp) -> Vec<Applied> {
    let mut out = Vec::with_capacity(decisions.len());
    // Decisions come grouped by ticket: look each ticket up once.
    let mut last: Option<(&TicketId, Option<TicketKey>)> = None;
    for (index, d) in decisions.iter().enumerate() {
        if let Effect::Act { action } = &d.effect {
            let key = match last {
                Some((id, key)) if id == &d.ticket => key,
                _ => {
                    let key = ledger.key(d.ticket.as_str());
                    last = Some((&d.ticket, key));
                    key
                }
            };
            let result = match key {
                Some(key) => ledger.apply_key(key, ActorKey::SYSTEM, now, action),
                None => Err(TicketError::UnknownTicket {
                    ticket: d.ticket.to_string(),
                }),
            };
            out.push(Applied { index, result });
        }
    }
    out
}

/// Evaluates and applies in one step; returns the decisions taken. When the evaluation is
/// refused (a deadline beyond the calendar's coverage), nothing is applied.
///
/// The decisions and the ledger afterwards are those of [`evaluate`] then [`apply`]. When
/// the policy reacts to nothing the others do and nothing can refuse the evaluation once it
/// has begun (the graces and whistle deadlines are tried first), each ticket's decisions
/// are applied as soon as they are made, while the ticket is still in the processor's
/// cache; otherwise every ticket is evaluated first.
pub fn sweep(
    ledger: &mut Ledger,
    now: Timestamp,
    policy: &EscalationPolicy,
    calendar: &Calendar,
) -> Result<Vec<Decision>, CalendarError> {
    sweep_parallel(ledger, now, policy, calendar, 1)
}

/// [`sweep`] with the evaluation on up to `threads` threads ([`evaluate_parallel`]; the
/// decisions are applied on the calling thread, in order). The result is exactly
/// [`sweep`]'s. A sweep too small to split (up to 8,191 candidate tickets) runs as
/// [`sweep`] does.
pub fn sweep_parallel(
    ledger: &mut Ledger,
    now: Timestamp,
    policy: &EscalationPolicy,
    calendar: &Calendar,
    threads: usize,
) -> Result<Vec<Decision>, CalendarError> {
    let prepared = Prepared::new(now, ledger, policy, calendar)?;
    if prepared.threads(threads) <= 1 && prepared.cannot_fail(ledger) {
        // Each ticket's decisions are applied as soon as they are made, while the
        // ticket is still in the processor's cache. A ticket's decisions depend only on
        // the ledger's shared parts and on that ticket, which the decisions applied
        // before it have not touched: they are `evaluate`'s, and nothing can refuse the
        // evaluation half-way.
        let mut out = Evaluated {
            decisions: Vec::with_capacity(prepared.candidates.len()),
            runs: Vec::new(),
        };
        let mut worker = Worker::for_run(prepared.candidates.len());
        for batch in prepared.candidates.chunks(TOUCHED) {
            ledger.touch(batch, |c| c.0);
            for &(key, kinds) in batch {
                let start = out.decisions.len();
                prepared.decide(ledger, key, kinds, &mut worker, &mut out)?;
                apply_run(ledger, key, out.decisions.get(start..).unwrap_or(&[]), now);
            }
        }
        out.decisions.shrink_to_fit();
        return Ok(out.decisions);
    }
    let evaluated = prepared.evaluate(ledger, threads)?;
    evaluated.apply(ledger, now);
    Ok(evaluated.decisions)
}

#[cfg(test)]
mod tests {
    use super::{Reasons, Why};
    use crate::hierarchy::Hierarchy;
    use crate::ticket::DeadlineKind;
    use crate::time::Timestamp;

    /// A shared reason is the text the firing would have written itself: per due instant,
    /// deadline kind and trigger, however many firings ask, in whatever order, and whatever
    /// keys share a place.
    #[test]
    fn shared_reasons_are_each_firings_own_text() {
        let h = Hierarchy::new();
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let (a, b) = (
            t("2025-03-10T09:00:00+08:00"),
            t("2025-03-11T09:00:00+08:00"),
        );
        let whys = [
            Why::Missed(DeadlineKind::Handle, a),
            Why::Missed(DeadlineKind::Handle, b),
            Why::Missed(DeadlineKind::Verify, a),
            Why::Approaching(DeadlineKind::Handle, a),
            Why::Returns(2),
        ];
        let mut reasons = Reasons::for_run(1 << 20);
        for round in 0..3 {
            for why in whys.iter().chain(whys.iter().rev()) {
                assert_eq!(
                    reasons.of(why, &h),
                    why.reason(&h),
                    "round {round}: {why:?}"
                );
            }
        }
        // Five texts, all different; the four deadline reasons are kept (in four places).
        let texts: std::collections::BTreeSet<String> =
            whys.iter().map(|w| reasons.of(w, &h).to_string()).collect();
        assert_eq!(texts.len(), 5);
        assert_eq!(reasons.places.iter().flatten().count(), 4);
        // Many more keys than places, so that keys share places, some with the same due
        // instant and another kind or trigger: each firing still gets its own text.
        let base = t("2025-01-01T00:00:00+08:00");
        for _ in 0..2 {
            for i in 0..5_000 {
                let due = base.plus_seconds(i * 60);
                for kind in DeadlineKind::ALL.iter().copied() {
                    for why in [Why::Missed(kind, due), Why::Approaching(kind, due)] {
                        assert_eq!(reasons.of(&why, &h), why.reason(&h), "{why:?}");
                    }
                }
            }
        }
    }
}
