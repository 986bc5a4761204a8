//! Authority (职责分工): who may take each action on a ticket, and who may not.
//!
//! The point of grid governance and of the 12345 hotline (接诉即办) is that someone other
//! than the handler watches the clock and checks the work. In GB/T 30428 (数字化城市管理信息
//! 系统) the supervision centre (监督中心) files and closes cases and sends a collector or grid
//! worker to verify them, the command centre (指挥中心) dispatches and rules on returns and
//! extensions, and departments only handle and report back. In the 12345 loop the hotline
//! centre dispatches (派单), approves extensions (延期) and returns (退单) and makes the return
//! visit (回访); the handling unit (承办单位) handles and replies. Deadlines come from the
//! service standard, not from the handler. The 三率 (response, resolution and satisfaction
//! rates) mean something only if the handling unit cannot edit its own deadline or rate its
//! own work.
//!
//! An [`Authority`] says this as data, relative to the ticket:
//! - **who may take each action**, as a list of [`Role`]s (the holder and its staff, the
//!   territorial unit 属地 and the units above it, the Party organisation leading them, the
//!   supervising and commanding centres, summoned departments, the host system);
//! - **separation of duties** (职责分离), as [`Separation`]s: an action the actor may take by
//!   role is still refused when the actor belongs to a [`Conflict`] set of the ticket —
//!   whoever handled a ticket may not verify, close or rate it; whoever asked for an extension
//!   or returned a ticket may not decide it; the holder may not set its own deadline;
//! - **where a ticket may be dispatched** ([`DispatchScope`]): within the dispatcher's
//!   territory, or to a department whose jurisdiction covers the ticket's place and category;
//! - **where a return goes after an escalation** ([`ReturnAfterEscalation`]).
//!
//! The ledger checks every action against its authority: live actions, bulk and coded
//! application, every loader and the replay of a log (a log whose events break the authority
//! is refused at the offending line unless the caller asks for trusted history, see
//! [`Trust`](super::Trust)). The lifecycle is checked first: an action the state machine
//! refuses is `ticket.illegal_transition` whoever takes it; only then are roles, conflicts and
//! jurisdiction checked.
//!
//! # Roles
//!
//! | role | 中文 | who, relative to the ticket |
//! |---|---|---|
//! | `system` | 系统 | the host system, `@system` (the escalation and service-level engines) |
//! | `holder` | 承办单位 | the node holding the ticket, the people serving it (a grid's workers) and its members (a department's or company's staff) |
//! | `dispatcher` | 派遣方 | the dispatcher of record (the node a return would go back to) and its staff |
//! | `territorial` | 属地 | the responsible territorial unit and the people and organisations serving it |
//! | `territorial_ancestor` | 上级属地 | a unit above the responsible unit, and those serving it |
//! | `party` | 党组织 | a Party organisation leading the responsible unit or a unit above it |
//! | `supervisor` | 监督中心 | a centre with a `supervises` edge to the responsible unit or a unit above it, and its members |
//! | `commander` | 指挥中心 | a centre with a `commands` edge to the responsible unit or a unit above it, and its members |
//! | `summoned` | 被吹哨部门 | a department summoned by a whistle on the ticket |
//! | `place` | 事发地 | the unit where the ticket arose or a unit above it, and those serving them |
//!
//! Supervising and commanding centres are nodes of kind
//! [`OperationsCentre`](crate::hierarchy::NodeKind::OperationsCentre) (城市运行管理服务中心,
//! 网格化服务管理中心) or [`HotlineCentre`](crate::hierarchy::NodeKind::HotlineCentre) (12345
//! 热线中心) with `supervises` and `commands` edges to the territorial units they cover; their
//! staff join them with `member_of`.
//!
//! # Presets
//!
//! - [`Authority::gbt30428`] (the default of a new ledger): the seven-step loop of GB/T 30428
//!   — the supervision centre files, rejects, merges, verifies (or a territorial unit it
//!   sends), closes and makes the return visit; the command centre dispatches, suspends,
//!   parks and decides extensions; the holder signs for, handles, returns and asks for
//!   extensions; departments sign for and report on whistles.
//! - [`Authority::hotline12345`]: the 12345 loop — the hotline centre takes, files,
//!   dispatches, decides extensions, verifies replies and makes the return visit; the
//!   handling unit (and only it) signs for, handles, returns and asks for extensions, and may
//!   blow the whistle (街乡吹哨、部门报到).
//! - [`Authority::legacy_permissive`]: the rule of versions before 0.2 ("the holder and
//!   anyone acting for the territory may do anything"), kept **only** to replay histories
//!   recorded under it. It is marked `migration` and is never a default.
//!
//! # The document (`wangge.authority`, version 1)
//!
//! ```json
//! {
//!   "format": "wangge.authority", "version": 1, "name": "gbt30428",
//!   "allow": {"file": ["supervisor"], "handle": ["holder"], "rule_fired": ["system"], "…": []},
//!   "separate": [{"actions": ["verify", "close", "visit"], "excludes": "handler"}],
//!   "dispatchTo": "jurisdiction",
//!   "returnAfterEscalation": "command_centre"
//! }
//! ```
//!
//! - `allow` lists every action kind (snake_case [`ActionKind`] names), each with the roles
//!   that may take it (an empty list: nobody). A missing or unknown action is refused.
//! - `separate` lists separation-of-duty constraints: each names actions and the
//!   [`Conflict`] set whose members may not take them.
//! - `dispatchTo`: `jurisdiction` (default) or `anywhere` (migration only).
//! - `returnAfterEscalation`: `command_centre` (default), `escalator` or `previous_holder`
//!   (migration only).
//! - `description` (optional text) and `migration` (optional, default `false`).
//! - Unknown fields are refused.
//!
//! Unless `migration` is `true`, a document must keep the separation of duties this library
//! promises; anything else is refused with [`AuthorityError::Unsafe`] or
//! [`AuthorityError::MissingSeparation`]:
//! - `rule_fired`, `recheck` and `import` are taken by `system` only (`import`, the
//!   newest kind, may be left out of a document: it then defaults to `["system"]`);
//! - `set_deadline` by `system` and `commander` only, and never by the holder (a `holder`
//!   separation);
//! - `verify`, `close` and `visit` carry a `handler` separation;
//! - `decide_extension` carries a `requester` separation, `dispatch` a `returner` separation;
//! - `dispatchTo` is `jurisdiction`, `returnAfterEscalation` is not `previous_holder`.
//!
//! ```
//! use wangge::ticket::authority::{Authority, Role};
//! use wangge::ticket::ActionKind;
//!
//! let a = Authority::gbt30428();
//! assert!(a.allows(ActionKind::File, Role::Supervisor));
//! assert!(!a.allows(ActionKind::File, Role::Holder));
//! // A document round-trips, and an unsafe one is refused.
//! let again = Authority::from_json(&a.to_json())?;
//! assert_eq!(again, a);
//! let unsafe_doc = a.to_json().replace(r#""rule_fired":["system"]"#, r#""rule_fired":["holder"]"#);
//! assert_eq!(Authority::from_json(&unsafe_doc).unwrap_err().code(), "authority.unsafe");
//! # Ok::<(), wangge::ticket::authority::AuthorityError>(())
//! ```

// The code: this file holds the `Authority` itself (presets, reading and checking a document,
// the queries the ledger asks); `roles` the roles, conflicts and scopes a document names;
// `document` the JSON document and its errors; `denial` the explanation of a refusal.

mod denial;
mod document;
mod roles;
#[cfg(test)]
mod tests;

pub use denial::Denial;
pub use document::{AuthorityDocument, AuthorityError, Separation};
pub(crate) use roles::role_list;
pub use roles::{Conflict, DispatchScope, ReturnAfterEscalation, Role, RoleSet};

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::ActionKind;

/// The `format` field of an authority document.
pub const FORMAT_NAME: &str = "wangge.authority";
/// The `version` field written by this library, and the only one it reads.
pub const FORMAT_VERSION: u32 = 1;

const N_ACTIONS: usize = ActionKind::ALL.len();

/// Who may take each action on a ticket, with the separation-of-duty constraints, in a form
/// checked in a few instructions per action. Built from an [`AuthorityDocument`] (validated)
/// or a preset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    doc: AuthorityDocument,
    allow: [RoleSet; N_ACTIONS],
    separate: [u8; N_ACTIONS],
}

const GBT30428: &str = include_str!("gbt30428.json");
const HOTLINE12345: &str = include_str!("hotline12345.json");
const LEGACY: &str = include_str!("legacy_permissive.json");

impl Default for Authority {
    /// The default of a new ledger: [`Authority::gbt30428`].
    fn default() -> Authority {
        Authority::gbt30428()
    }
}

impl Authority {
    /// The names of the presets.
    pub const PRESETS: [&'static str; 3] = ["gbt30428", "hotline12345", "legacy_permissive"];

    /// GB/T 30428's seven-step loop: supervision centre, command centre, handling units.
    pub fn gbt30428() -> Authority {
        Authority::builtin(GBT30428)
    }

    /// The 12345 hotline loop (接诉即办): the hotline centre and the handling units.
    pub fn hotline12345() -> Authority {
        Authority::builtin(HOTLINE12345)
    }

    /// The permissive rule of earlier versions, for replaying histories recorded under it
    /// (a migration authority: never use it for new work).
    pub fn legacy_permissive() -> Authority {
        Authority::builtin(LEGACY)
    }

    /// A preset by name: `gbt30428`, `hotline12345` or `legacy_permissive`.
    pub fn preset(name: &str) -> Result<Authority, AuthorityError> {
        match name {
            "gbt30428" => Ok(Authority::gbt30428()),
            "hotline12345" => Ok(Authority::hotline12345()),
            "legacy_permissive" => Ok(Authority::legacy_permissive()),
            _ => Err(AuthorityError::UnknownPreset {
                name: name.to_owned(),
            }),
        }
    }

    fn builtin(text: &str) -> Authority {
        // The presets are checked by the tests; an impossible failure falls back to an
        // authority that allows nothing but the host system's bookkeeping.
        Authority::from_json(text).unwrap_or_else(|_| Authority::nobody())
    }

    fn nobody() -> Authority {
        let allow = ActionKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), Vec::new()))
            .collect();
        let doc = AuthorityDocument {
            format: FORMAT_NAME.to_owned(),
            version: FORMAT_VERSION,
            name: "nobody".to_owned(),
            description: None,
            allow,
            separate: Vec::new(),
            dispatch_to: DispatchScope::Jurisdiction,
            return_after_escalation: ReturnAfterEscalation::CommandCentre,
            migration: false,
        };
        Authority {
            doc,
            allow: [RoleSet::EMPTY; N_ACTIONS],
            separate: [0; N_ACTIONS],
        }
    }

    /// Reads and validates a document.
    pub fn from_json(text: &str) -> Result<Authority, AuthorityError> {
        let doc: AuthorityDocument =
            crate::strict_json::from_str(text).map_err(|e| AuthorityError::Malformed {
                message: e.to_string(),
            })?;
        Authority::from_document(doc)
    }

    /// Validates a document (see the [module docs](self) for the rules).
    pub fn from_document(doc: AuthorityDocument) -> Result<Authority, AuthorityError> {
        if doc.format != FORMAT_NAME || doc.version != FORMAT_VERSION {
            return Err(AuthorityError::UnsupportedFormat {
                format: doc.format,
                version: doc.version,
            });
        }
        let kind = |name: &str| {
            ActionKind::from_str(name).map_err(|_| AuthorityError::UnknownAction {
                action: name.to_owned(),
            })
        };
        let mut allow = [RoleSet::EMPTY; N_ACTIONS];
        let mut seen = [false; N_ACTIONS];
        for (name, roles) in &doc.allow {
            let k = kind(name)?;
            if let (Some(slot), Some(s)) = (allow.get_mut(k as usize), seen.get_mut(k as usize)) {
                *slot = roles.iter().copied().collect();
                *s = true;
            }
        }
        // Kinds added after documents of this version were first written take their default
        // when absent: `import` is written by the host system only.
        for (k, roles) in [(ActionKind::Import, RoleSet::EMPTY.with(Role::System))] {
            if let (Some(slot), Some(s)) = (allow.get_mut(k as usize), seen.get_mut(k as usize)) {
                if !*s {
                    *slot = roles;
                    *s = true;
                }
            }
        }
        if let Some(missing) = ActionKind::ALL
            .iter()
            .find(|k| !seen.get(**k as usize).copied().unwrap_or(false))
        {
            return Err(AuthorityError::MissingAction {
                action: missing.as_str().to_owned(),
            });
        }
        let mut separate = [0u8; N_ACTIONS];
        for s in &doc.separate {
            for name in &s.actions {
                let k = kind(name)?;
                if let Some(bits) = separate.get_mut(k as usize) {
                    *bits |= 1 << s.excludes as u8;
                }
            }
        }
        let a = Authority {
            doc,
            allow,
            separate,
        };
        if !a.doc.migration {
            a.check_safety()?;
        }
        Ok(a)
    }

    fn check_safety(&self) -> Result<(), AuthorityError> {
        let unsafe_ = |action: ActionKind, rule: &'static str| AuthorityError::Unsafe {
            action: action.as_str().to_owned(),
            rule,
        };
        let only = |action: ActionKind, allowed: &[Role], rule: &'static str| {
            let roles = self.roles(action);
            if roles.iter().all(|r| allowed.contains(&r)) {
                Ok(())
            } else {
                Err(unsafe_(action, rule))
            }
        };
        only(
            ActionKind::RuleFired,
            &[Role::System],
            "rule_fired is written by @system only",
        )?;
        only(
            ActionKind::Recheck,
            &[Role::System],
            "recheck is written by @system only",
        )?;
        only(
            ActionKind::Import,
            &[Role::System],
            "import is written by @system only",
        )?;
        only(
            ActionKind::SetDeadline,
            &[Role::System, Role::Commander],
            "deadlines are set by @system from the service levels or by a commanding centre",
        )?;
        let needs = [
            (ActionKind::SetDeadline, Conflict::Holder),
            (ActionKind::Verify, Conflict::Handler),
            (ActionKind::Close, Conflict::Handler),
            (ActionKind::Visit, Conflict::Handler),
            (ActionKind::DecideExtension, Conflict::Requester),
            (ActionKind::Dispatch, Conflict::Returner),
        ];
        for (action, conflict) in needs {
            if !self.separates(action, conflict) {
                return Err(AuthorityError::MissingSeparation {
                    action: action.as_str().to_owned(),
                    excludes: conflict,
                });
            }
        }
        if self.doc.dispatch_to != DispatchScope::Jurisdiction {
            return Err(unsafe_(
                ActionKind::Dispatch,
                "tickets are dispatched within the dispatcher's jurisdiction (dispatchTo: jurisdiction)",
            ));
        }
        if self.doc.return_after_escalation == ReturnAfterEscalation::PreviousHolder {
            return Err(unsafe_(
                ActionKind::Escalate,
                "a return after an escalation may not go back to the unit that missed its deadline",
            ));
        }
        Ok(())
    }

    /// The document.
    pub fn to_document(&self) -> AuthorityDocument {
        self.doc.clone()
    }

    /// The document as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.doc).unwrap_or_default()
    }

    /// The document as indented JSON text.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.doc).unwrap_or_default()
    }

    /// The authority's name.
    pub fn name(&self) -> &str {
        &self.doc.name
    }

    /// Whether this is a migration authority (exempt from the safety invariants).
    pub fn is_migration(&self) -> bool {
        self.doc.migration
    }

    /// The roles that may take an action.
    pub fn roles(&self, action: ActionKind) -> RoleSet {
        self.allow
            .get(action as usize)
            .copied()
            .unwrap_or(RoleSet::EMPTY)
    }

    /// Whether a role may take an action.
    pub fn allows(&self, action: ActionKind, role: Role) -> bool {
        self.roles(action).contains(role)
    }

    /// Whether members of a conflict set are excluded from an action.
    pub fn separates(&self, action: ActionKind, conflict: Conflict) -> bool {
        self.separate
            .get(action as usize)
            .is_some_and(|bits| bits & (1 << conflict as u8) != 0)
    }

    /// The conflict sets excluded from an action, as bits (bit `i` is `Conflict::ALL[i]`).
    pub(crate) fn conflict_bits(&self, action: ActionKind) -> u8 {
        self.separate.get(action as usize).copied().unwrap_or(0)
    }

    /// The conflict sets excluded from an action.
    pub fn conflicts(&self, action: ActionKind) -> impl Iterator<Item = Conflict> + '_ {
        Conflict::ALL
            .iter()
            .copied()
            .filter(move |c| self.separates(action, *c))
    }

    /// Where tickets may be dispatched.
    pub fn dispatch_to(&self) -> DispatchScope {
        self.doc.dispatch_to
    }

    /// Where a return goes after an escalation.
    pub fn return_after_escalation(&self) -> ReturnAfterEscalation {
        self.doc.return_after_escalation
    }
}

impl Serialize for Authority {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.doc.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Authority {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Authority, D::Error> {
        let doc = AuthorityDocument::deserialize(deserializer)?;
        Authority::from_document(doc).map_err(serde::de::Error::custom)
    }
}
