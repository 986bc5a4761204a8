//! The guards: an action checked against the ledger's [`Authority`] — the actor's roles
//! relative to the ticket, the separation-of-duty conflicts, the jurisdiction of a dispatch or
//! a whistle, and where a return goes after an escalation. Everything here reads the ticket
//! and the hierarchy's query index and allocates nothing.

use super::authority::{Authority, Conflict, DispatchScope, ReturnAfterEscalation, Role, RoleSet};
use super::record::{Rec, NONE, SYSTEM};
use super::ActionKind;
use crate::hierarchy::{category_matches, Hierarchy, NodeKey, NodeKind};

/// Why the guards refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Denied {
    /// The actor holds none of the roles allowed to take the action.
    Role(RoleSet),
    /// The actor belongs to a conflict set excluded from the action.
    Conflict(Conflict),
}

/// Whether `a` is `unit`, serves it, or is a member of it (a unit's or an organisation's
/// staff).
fn is_staff(h: &Hierarchy, unit: NodeKey, a: NodeKey) -> bool {
    let ix = h.index();
    a == unit || ix.served_by(unit).contains(&a) || ix.members(unit).contains(&a)
}

/// Whether the actor holds a role relative to a ticket.
pub(crate) fn has_role(h: &Hierarchy, rec: &Rec, actor: u32, role: Role) -> bool {
    if actor == SYSTEM {
        return role == Role::System;
    }
    let ix = h.index();
    let a = NodeKey::from_index(actor);
    let home = rec.home;
    match role {
        Role::System => false,
        Role::Holder => is_staff(h, rec.holder, a),
        Role::Dispatcher => {
            rec.dispatcher != NONE && is_staff(h, NodeKey::from_index(rec.dispatcher), a)
        }
        Role::Territorial => a == home || ix.served_by(home).contains(&a),
        Role::TerritorialAncestor => {
            (a != home && ix.is_within(home, a))
                || ix
                    .serves(a)
                    .iter()
                    .any(|u| *u != home && ix.is_within(home, *u))
        }
        Role::Party => ix.leads(a).iter().any(|u| ix.is_within(home, *u)),
        Role::Supervisor => ix.supervises(a).iter().any(|u| ix.is_within(home, *u)),
        Role::Commander => ix.commands(a).iter().any(|u| ix.is_within(home, *u)),
        Role::Summoned => rec.summons().iter().any(|s| s.department == a),
        Role::Place => {
            ix.is_within(rec.unit, a) || ix.serves(a).iter().any(|u| ix.is_within(rec.unit, *u))
        }
    }
}

/// Whether the actor belongs to a conflict set of a ticket.
pub(crate) fn in_conflict(h: &Hierarchy, rec: &Rec, actor: u32, conflict: Conflict) -> bool {
    let node = (actor != SYSTEM).then(|| NodeKey::from_index(actor));
    let holder_side = node.is_some_and(|a| is_staff(h, rec.holder, a));
    match conflict {
        Conflict::Holder => holder_side,
        Conflict::Handler => {
            holder_side
                || rec
                    .log
                    .iter()
                    .any(|e| e.op.kind == ActionKind::Handle && e.actor == actor)
        }
        Conflict::Requester => {
            holder_side
                || rec
                    .log
                    .iter()
                    .rev()
                    .find(|e| e.op.kind == ActionKind::RequestExtension)
                    .is_some_and(|e| e.actor == actor)
        }
        Conflict::Returner => {
            let mut events = rec.log.iter().rev().filter(|e| {
                matches!(
                    e.op.kind,
                    ActionKind::Return | ActionKind::Dispatch | ActionKind::Escalate
                )
            });
            match events.next() {
                Some(ret) if ret.op.kind == ActionKind::Return => {
                    // The unit that returned it: the target of the dispatch or escalation
                    // before the return.
                    let returning = events.next().map(|e| NodeKey::from_index(e.op.arg));
                    ret.actor == actor
                        || node.zip(returning).is_some_and(|(a, u)| is_staff(h, u, a))
                }
                _ => false,
            }
        }
    }
}

/// Checks an action's roles and conflicts.
pub(crate) fn authorize(
    h: &Hierarchy,
    authority: &Authority,
    rec: &Rec,
    actor: u32,
    kind: ActionKind,
) -> Result<(), Denied> {
    let roles = authority.roles(kind);
    if !roles.iter().any(|r| has_role(h, rec, actor, r)) {
        return Err(Denied::Role(roles));
    }
    match authority
        .conflicts(kind)
        .find(|c| in_conflict(h, rec, actor, *c))
    {
        Some(c) => Err(Denied::Conflict(c)),
        None => Ok(()),
    }
}

/// Whether a department has a jurisdiction edge over a place (or a unit above it), for a
/// category if one is given.
fn has_jurisdiction(h: &Hierarchy, dept: NodeKey, place: NodeKey, category: Option<&str>) -> bool {
    let ix = h.index();
    h.chain_keys(place).iter().any(|u| {
        ix.jurisdiction(*u).iter().any(|(d, patterns)| {
            *d == dept && category.is_none_or(|c| patterns.iter().any(|p| category_matches(p, c)))
        })
    })
}

/// Checks that a ticket arising at `place` in `category` may go to `target` when `actor`
/// sends it there (a dispatch, or the holder named in a report). `Err` says why not.
pub(crate) fn dispatchable(
    h: &Hierarchy,
    authority: &Authority,
    actor: u32,
    place: NodeKey,
    category: &str,
    target: NodeKey,
) -> Result<(), &'static str> {
    if authority.dispatch_to() == DispatchScope::Anywhere {
        return Ok(());
    }
    let ix = h.index();
    let kind = h.kind_of(target);
    // Departments: by jurisdiction over the place and category, whoever dispatches; so are
    // the people of a department.
    let departments: Vec<NodeKey> = if kind == Some(NodeKind::Department) {
        vec![target]
    } else {
        ix.memberships(target)
            .iter()
            .copied()
            .filter(|o| h.kind_of(*o) == Some(NodeKind::Department))
            .collect()
    };
    if !departments.is_empty() {
        return if departments
            .iter()
            .any(|d| has_jurisdiction(h, *d, place, Some(category)))
        {
            Ok(())
        } else {
            Err("the department's jurisdiction does not cover the ticket's place and category")
        };
    }
    if actor == SYSTEM {
        return Ok(());
    }
    let a = NodeKey::from_index(actor);
    // The dispatcher's territory: the unit it is, the units it serves or leads, the units it
    // commands (directly or as a centre's staff).
    let territory = || {
        std::iter::once(a)
            .filter(|a| h.kind_of(*a).is_some_and(NodeKind::is_territorial))
            .chain(ix.acts_for(a).iter().copied())
            .chain(ix.commands(a).iter().copied())
    };
    let inside = |unit: NodeKey| territory().any(|t| ix.is_within(unit, t));
    if kind.is_some_and(NodeKind::is_territorial) {
        return if inside(target) {
            Ok(())
        } else {
            Err("the unit lies outside the dispatcher's territory")
        };
    }
    // A person or an organisation: by the units it serves, itself or through the
    // organisations it belongs to.
    let serves_inside = ix.serves(target).iter().any(|u| inside(*u))
        || ix
            .memberships(target)
            .iter()
            .any(|o| ix.serves(*o).iter().any(|u| inside(*u)));
    if serves_inside {
        Ok(())
    } else {
        Err("the assignee serves no unit within the dispatcher's territory")
    }
}

/// Checks that a department may be summoned for a ticket arising at `place`: it has
/// jurisdiction over the place (for any category: a whistle may call a joint enforcement).
pub(crate) fn summonable(
    h: &Hierarchy,
    authority: &Authority,
    place: NodeKey,
    department: NodeKey,
) -> Result<(), &'static str> {
    if authority.dispatch_to() == DispatchScope::Anywhere
        || has_jurisdiction(h, department, place, None)
    {
        Ok(())
    } else {
        Err("the department has no jurisdiction over the ticket's place")
    }
}

/// Where a return goes after `actor` escalates a ticket to `target`; `None` keeps the rule of
/// earlier versions (back to the previous holder).
pub(crate) fn return_after_escalation(
    h: &Hierarchy,
    authority: &Authority,
    actor: u32,
    target: NodeKey,
) -> Option<NodeKey> {
    let ix = h.index();
    let centre = || {
        h.chain_keys(target)
            .iter()
            .find_map(|u| ix.commanded_by(*u).first().copied())
    };
    let escalator = (actor != SYSTEM).then(|| NodeKey::from_index(actor));
    match authority.return_after_escalation() {
        ReturnAfterEscalation::PreviousHolder => None,
        ReturnAfterEscalation::CommandCentre => Some(centre().or(escalator).unwrap_or(target)),
        ReturnAfterEscalation::Escalator => Some(escalator.or_else(centre).unwrap_or(target)),
    }
}
