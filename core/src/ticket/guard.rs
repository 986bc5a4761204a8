//! The guards: an action checked against the ledger's [`Authority`] — the actor's roles
//! relative to the ticket, the separation-of-duty conflicts, the jurisdiction of a dispatch or
//! a whistle, and where a return goes after an escalation. Everything here reads the ticket
//! and the hierarchy's query index and allocates nothing.

use super::authority::{Authority, Conflict, DispatchScope, ReturnAfterEscalation, Role, RoleSet};
use super::record::{Rec, NONE, SYSTEM};
use super::{ActionKind, OutOfJurisdictionReason as Why};
use crate::hierarchy::index::{Index, VIA_LEADS};
use crate::hierarchy::{category_matches, Hierarchy, NodeKey, NodeKind};

/// Why the guards refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Denied {
    /// The actor holds none of the roles allowed to take the action.
    Role(RoleSet),
    /// The actor belongs to a conflict set excluded from the action.
    Conflict(Conflict),
}

/// Whether `a` is `unit`, serves it (a territorial unit's staff), or is a member of it (an
/// organisation's staff). Only territorial units are served and only organisations have
/// members, so one list is looked at.
#[inline]
fn is_staff(ix: &Index, unit: NodeKey, a: NodeKey) -> bool {
    a == unit
        || if ix.in_tree(unit) {
            ix.served_by(unit).contains(&a)
        } else {
            ix.members(unit).contains(&a)
        }
}

const fn bit(role: Role) -> u16 {
    1 << role as u16
}

/// Whether the actor holds any of the `wanted` roles (bits of [`Role`]) relative to a ticket:
/// the roles defined in the authority module's docs, decided with as few lookups as
/// possible (the territorial roles and the Party's from one pass over the units the actor
/// acts for).
#[inline(always)]
fn holds_any(ix: &Index, rec: &Rec, actor: u32, wanted: u16) -> bool {
    if actor == SYSTEM {
        return wanted & bit(Role::System) != 0;
    }
    let a = NodeKey::from_index(actor);
    let has = |r: Role| wanted & bit(r) != 0;
    let (home, unit) = (rec.home, rec.unit);
    let within = |u: NodeKey, area: NodeKey| ix.is_within(u, area);
    // Most actions of the presets allow one role: answer those directly.
    const HOLDER: u16 = bit(Role::Holder);
    const SUPERVISOR: u16 = bit(Role::Supervisor);
    const COMMANDER: u16 = bit(Role::Commander);
    match wanted {
        HOLDER => return is_staff(ix, rec.holder, a),
        SUPERVISOR => return ix.supervises(a).iter().any(|u| within(home, *u)),
        COMMANDER => return ix.commands(a).iter().any(|u| within(home, *u)),
        _ => {}
    }
    if has(Role::Holder) && is_staff(ix, rec.holder, a) {
        return true;
    }
    if has(Role::Supervisor) && ix.supervises(a).iter().any(|u| within(home, *u)) {
        return true;
    }
    if has(Role::Commander) && ix.commands(a).iter().any(|u| within(home, *u)) {
        return true;
    }
    if has(Role::Summoned) && rec.summons().iter().any(|s| s.department == a) {
        return true;
    }
    if has(Role::Dispatcher)
        && rec.dispatcher != NONE
        && is_staff(ix, NodeKey::from_index(rec.dispatcher), a)
    {
        return true;
    }
    let acting = bit(Role::Territorial)
        | bit(Role::TerritorialAncestor)
        | bit(Role::Party)
        | bit(Role::Place);
    if wanted & acting != 0 {
        for (u, via) in ix.acting(a) {
            let u = *u;
            let hit = if *via == VIA_LEADS {
                has(Role::Party) && within(home, u)
            } else {
                (u == home && has(Role::Territorial))
                    || (u != home && has(Role::TerritorialAncestor) && within(home, u))
                    || (has(Role::Place) && within(unit, u))
            };
            if hit {
                return true;
            }
        }
    }
    false
}

/// Whether the actor belongs to a conflict set of a ticket.
#[inline]
fn in_conflict_in(ix: &Index, rec: &Rec, actor: u32, conflict: Conflict) -> bool {
    let node = (actor != SYSTEM).then(|| NodeKey::from_index(actor));
    let holder_side = || node.is_some_and(|a| is_staff(ix, rec.holder, a));
    match conflict {
        Conflict::Holder => holder_side(),
        Conflict::Handler => {
            holder_side()
                || rec
                    .events()
                    .iter()
                    .any(|e| e.actor == actor && e.op.kind == ActionKind::Handle)
        }
        Conflict::Requester => {
            holder_side()
                || rec
                    .events()
                    .iter()
                    .rev()
                    .find(|e| e.op.kind == ActionKind::RequestExtension)
                    .is_some_and(|e| e.actor == actor)
        }
        // A ticket never returned (the record counts returns) has no returner: the log,
        // a cache miss of its own, is not read.
        Conflict::Returner if rec.returns == 0 => false,
        Conflict::Returner => {
            let mut events = rec.events().iter().rev().filter(|e| {
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
                        || node.zip(returning).is_some_and(|(a, u)| is_staff(ix, u, a))
                }
                _ => false,
            }
        }
    }
}

/// Checks an action's roles and conflicts. On the hot path of every action: the role and
/// conflict sets are walked as bits, the hierarchy's index is looked up once.
#[inline(always)]
pub(crate) fn authorize(
    h: &Hierarchy,
    authority: &Authority,
    rec: &Rec,
    actor: u32,
    kind: ActionKind,
) -> Result<(), Denied> {
    let ix = h.index();
    let roles = authority.roles(kind);
    if !holds_any(ix, rec, actor, roles.bits()) {
        return Err(Denied::Role(roles));
    }
    let mut bits = authority.conflict_bits(kind);
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        if let Some(c) = Conflict::ALL.get(i) {
            if in_conflict_in(ix, rec, actor, *c) {
                return Err(Denied::Conflict(*c));
            }
        }
    }
    Ok(())
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
pub(crate) fn dispatchable<'a>(
    h: &Hierarchy,
    authority: &Authority,
    actor: u32,
    place: NodeKey,
    category: impl FnOnce() -> &'a str,
    target: NodeKey,
) -> Result<(), Why> {
    if authority.dispatch_to() == DispatchScope::Anywhere {
        return Ok(());
    }
    let ix = h.index();
    let a = NodeKey::from_index(actor);
    // The dispatcher's territory: the unit it is, the units it serves or leads, the units it
    // commands (directly or as a centre's staff); the host system's is the whole hierarchy.
    let inside = |unit: NodeKey| {
        actor == SYSTEM
            || ix.acting(a).iter().any(|(t, _)| ix.is_within(unit, *t))
            || ix.commands(a).iter().any(|t| ix.is_within(unit, *t))
    };
    if ix.in_tree(target) {
        return if inside(target) {
            Ok(())
        } else {
            Err(Why::OutsideTerritory)
        };
    }
    // Departments: by jurisdiction over the place and category, whoever dispatches; so are
    // the people of a department.
    let category = category();
    let covers = |d: NodeKey| has_jurisdiction(h, d, place, Some(category));
    let verdict = |ok: bool| {
        if ok {
            Ok(())
        } else {
            Err(Why::DepartmentDoesNotCover)
        }
    };
    if h.kind_of(target) == Some(NodeKind::Department) {
        return verdict(covers(target));
    }
    let is_department = |k: &NodeKey| h.kind_of(*k) == Some(NodeKind::Department);
    let mut departments = ix
        .memberships(target)
        .iter()
        .copied()
        .filter(is_department)
        .peekable();
    if departments.peek().is_some() {
        return verdict(departments.any(covers));
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
        Err(Why::ServesNoUnitInside)
    }
}

/// Checks that a department may be summoned for a ticket arising at `place`: it has
/// jurisdiction over the place (for any category: a whistle may call a joint enforcement).
pub(crate) fn summonable(
    h: &Hierarchy,
    authority: &Authority,
    place: NodeKey,
    department: NodeKey,
) -> Result<(), Why> {
    if authority.dispatch_to() == DispatchScope::Anywhere
        || has_jurisdiction(h, department, place, None)
    {
        Ok(())
    } else {
        Err(Why::NoJurisdictionOverPlace)
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
