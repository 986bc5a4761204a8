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
//! - `rule_fired` and `recheck` are taken by `system` only;
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

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal / $zh:literal / $en:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        crate::names::deserialize_by_name!($name: ALL, as_str);

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The snake_case name used in documents.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The Chinese term.
            pub const fn chinese(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            /// A short English description.
            pub const fn english(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = AuthorityError;
            fn from_str(s: &str) -> Result<$name, AuthorityError> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|k| k.as_str() == s)
                    .ok_or_else(|| AuthorityError::Malformed {
                        message: format!("unknown {} {s:?}", stringify!($name)),
                    })
            }
        }
    };
}

named_enum! {
    /// A role relative to a ticket (see the [module table](self#roles)).
    Role {
        /// 系统: the host system, `@system`.
        System = "system" / "系统" / "the host system",
        /// 承办单位: the holder, the people serving it and its members.
        Holder = "holder" / "承办单位" / "the holder and its staff",
        /// 派遣方: the dispatcher of record and its staff.
        Dispatcher = "dispatcher" / "派遣方" / "the dispatcher",
        /// 属地: the responsible territorial unit and those serving it.
        Territorial = "territorial" / "属地" / "the territorial unit",
        /// 上级属地: a unit above the responsible unit and those serving it.
        TerritorialAncestor = "territorial_ancestor" / "上级属地" / "a unit above the territorial unit",
        /// 党组织: a Party organisation leading the responsible unit or a unit above it.
        Party = "party" / "党组织" / "the leading Party organisation",
        /// 监督中心: a supervising centre covering the ticket, and its members.
        Supervisor = "supervisor" / "监督中心" / "the supervising centre",
        /// 指挥中心: a commanding centre covering the ticket, and its members.
        Commander = "commander" / "指挥中心" / "the commanding centre",
        /// 被吹哨部门: a department summoned on the ticket.
        Summoned = "summoned" / "被吹哨部门" / "a summoned department",
        /// 事发地: the unit where the ticket arose or a unit above it, and those serving them.
        Place = "place" / "事发地" / "the place where it arose",
    }
}

named_enum! {
    /// A set of actors of a ticket excluded from some actions (separation of duties, 职责分离).
    Conflict {
        /// 处置方: the unit holding the ticket when it was handled (the holder, once handled),
        /// its staff, and every actor who recorded a `handle` on the ticket.
        Handler = "handler" / "处置方" / "whoever handled the ticket",
        /// 延期申请方: the holder and its staff, and the actor of the pending extension request.
        Requester = "requester" / "延期申请方" / "whoever asked for the extension",
        /// 退单方: the actor of the latest return not yet decided by a dispatch, and the unit
        /// that returned the ticket with its staff.
        Returner = "returner" / "退单方" / "whoever returned the ticket",
        /// 承办方: the holder and its staff.
        Holder = "holder" / "承办方" / "the holder of the ticket",
    }
}

named_enum! {
    /// Where a ticket may be dispatched (and, on a report, who may be named to take it).
    DispatchScope {
        /// 属地派遣: to a unit within the dispatcher's territory (or a person or organisation
        /// serving one), or to a department whose jurisdiction covers the ticket's place and
        /// category. The host system's territory is the whole hierarchy.
        Jurisdiction = "jurisdiction" / "辖区内派遣" / "within the dispatcher's territory or a department's jurisdiction",
        /// 任意派遣: anywhere (migration only).
        Anywhere = "anywhere" / "任意派遣" / "anywhere",
    }
}

named_enum! {
    /// Where a return (退单) goes after an escalation: the body that rules on it.
    ReturnAfterEscalation {
        /// The nearest centre commanding the unit escalated to (指挥中心); else the escalating
        /// actor if it is a node; else the unit escalated to itself.
        CommandCentre = "command_centre" / "指挥中心" / "the commanding centre",
        /// The escalating actor (升级发起方); for the host system, the nearest commanding
        /// centre; else the unit escalated to itself.
        Escalator = "escalator" / "升级发起方" / "the escalating body",
        /// The unit that held the ticket before the escalation — the one that may just have
        /// missed its deadline (migration only).
        PreviousHolder = "previous_holder" / "原承办单位" / "the previous holder",
    }
}

/// A set of roles, compactly.
#[derive(Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct RoleSet(u16);

impl fmt::Debug for RoleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl RoleSet {
    /// No role.
    pub const EMPTY: RoleSet = RoleSet(0);

    /// Whether the set holds a role.
    pub const fn contains(self, role: Role) -> bool {
        self.0 & (1 << role as u16) != 0
    }

    /// The set with one more role.
    #[must_use]
    pub const fn with(self, role: Role) -> RoleSet {
        RoleSet(self.0 | 1 << role as u16)
    }

    /// The roles, in [`Role::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.iter().copied().filter(move |r| self.contains(*r))
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The raw bits: bit `i` is the role `Role::ALL[i]`.
    pub(crate) const fn bits(self) -> u16 {
        self.0
    }
}

impl fmt::Display for RoleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("nobody");
        }
        for (i, r) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(r.as_str())?;
        }
        Ok(())
    }
}

impl Serialize for RoleSet {
    /// A list of role names.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> RoleSet {
        iter.into_iter().fold(RoleSet::EMPTY, RoleSet::with)
    }
}

/// A separation-of-duty constraint: members of the `excludes` set may not take `actions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Separation {
    /// The actions constrained (snake_case action kinds).
    pub actions: Vec<String>,
    /// Who may not take them.
    pub excludes: Conflict,
}

/// The authority document, version 1 (a public contract; see the [module docs](self)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthorityDocument {
    /// Always `"wangge.authority"`.
    pub format: String,
    /// Always 1.
    pub version: u32,
    /// The name of the authority (a preset's name, or the host's own).
    pub name: String,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Every action kind with the roles that may take it.
    pub allow: BTreeMap<String, Vec<Role>>,
    /// Separation-of-duty constraints.
    #[serde(default)]
    pub separate: Vec<Separation>,
    /// Where tickets may be dispatched.
    #[serde(default = "default_dispatch")]
    pub dispatch_to: DispatchScope,
    /// Where a return goes after an escalation.
    #[serde(default = "default_return")]
    pub return_after_escalation: ReturnAfterEscalation,
    /// A migration authority, exempt from the safety invariants (for replaying old histories).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub migration: bool,
}

fn default_dispatch() -> DispatchScope {
    DispatchScope::Jurisdiction
}

fn default_return() -> ReturnAfterEscalation {
    ReturnAfterEscalation::CommandCentre
}

/// Why an authority document was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum AuthorityError {
    /// The document is not valid JSON for the format.
    #[error("malformed authority document: {message}")]
    Malformed {
        /// What the parser said.
        message: String,
    },
    /// The document has another format or version.
    #[error("unsupported authority document {format:?} version {version} (this library reads wangge.authority version 1)")]
    UnsupportedFormat {
        /// The format found.
        format: String,
        /// The version found.
        version: u32,
    },
    /// An action named in the document is not an action kind.
    #[error("unknown action {action:?} in the authority document")]
    UnknownAction {
        /// The name given.
        action: String,
    },
    /// An action kind is missing from `allow`.
    #[error("the authority document does not say who may {action}")]
    MissingAction {
        /// The action kind.
        action: String,
    },
    /// The document would let the supervised supervise themselves.
    #[error("unsafe authority: {action}: {rule}")]
    Unsafe {
        /// The action concerned.
        action: String,
        /// The rule broken.
        rule: &'static str,
    },
    /// A required separation of duties is missing.
    #[error("unsafe authority: {action} needs a separation excluding the {excludes}")]
    MissingSeparation {
        /// The action concerned.
        action: String,
        /// The conflict set that must be excluded.
        excludes: Conflict,
    },
    /// No preset has this name.
    #[error(
        "unknown authority preset {name:?} (known: gbt30428, hotline12345, legacy_permissive)"
    )]
    UnknownPreset {
        /// The name given.
        name: String,
    },
}

impl AuthorityError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            AuthorityError::Malformed { .. } => "authority.malformed",
            AuthorityError::UnsupportedFormat { .. } => "authority.unsupported_format",
            AuthorityError::UnknownAction { .. } => "authority.unknown_action",
            AuthorityError::MissingAction { .. } => "authority.missing_action",
            AuthorityError::Unsafe { .. } => "authority.unsafe",
            AuthorityError::MissingSeparation { .. } => "authority.missing_separation",
            AuthorityError::UnknownPreset { .. } => "authority.unknown_preset",
        }
    }
}

/// Who may take each action on a ticket, with the separation-of-duty constraints, in a form
/// checked in a few instructions per action. Built from an [`AuthorityDocument`] (validated)
/// or a preset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    doc: AuthorityDocument,
    allow: [RoleSet; N_ACTIONS],
    separate: [u8; N_ACTIONS],
}

const GBT30428: &str = include_str!("authority/gbt30428.json");
const HOTLINE12345: &str = include_str!("authority/hotline12345.json");
const LEGACY: &str = include_str!("authority/legacy_permissive.json");

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
            serde_json::from_str(text).map_err(|e| AuthorityError::Malformed {
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

/// Why an action may not be taken ([`Ledger::why_not`](super::Ledger::why_not)): the rule
/// that refuses, in English and Chinese, with the error applying the action would give — what
/// a front end shows beside a greyed-out button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Denial {
    /// The stable error code, e.g. `ticket.separation_of_duty`.
    pub code: &'static str,
    /// The rule that refuses: `allow.<action>` (no allowed role), `separate.<conflict>`
    /// (separation of duties), `jurisdiction.<action>`, `lifecycle.<state>.<action>`, or the
    /// error code for any other refusal.
    pub rule: String,
    /// The reason in English.
    pub en: String,
    /// The reason in Chinese.
    pub zh: String,
    /// The error's data.
    pub details: super::TicketError,
}

impl Denial {
    /// The denial for an error under an authority (named in the texts).
    pub fn new(error: super::TicketError, authority: &str) -> Denial {
        use super::TicketError as E;
        let (rule, en, zh) = match &error {
            E::Unauthorized {
                action,
                actor,
                allowed,
                ..
            } => {
                let (en, zh) = role_list(*allowed);
                (
                    format!("allow.{action}"),
                    format!("under {authority}, {action} may be taken only by {en}; {actor} is none of them"),
                    format!("按{authority}规则，{}只能由{zh}进行；{actor}不在其列", action.chinese()),
                )
            }
            E::SeparationOfDuty {
                action,
                actor,
                conflict,
                ..
            } => {
                let (en, zh) = match conflict {
                    Conflict::Handler => (
                        format!("{actor} handled this ticket or works for the unit that did: whoever handled a ticket may not {action} it"),
                        format!("{actor}是处置方或其人员：处置方不得{}自己处置的工单", action.chinese()),
                    ),
                    Conflict::Requester => (
                        format!("{actor} asked for the extension or holds the ticket: whoever asks for an extension may not decide it"),
                        format!("{actor}是延期申请方：申请方不得审批自己的延期申请"),
                    ),
                    Conflict::Returner => (
                        format!("{actor} returned this ticket: whoever returned a ticket may not decide the return by dispatching it again"),
                        format!("{actor}是退单方：退单方不得裁定（重新派遣）自己退回的工单"),
                    ),
                    Conflict::Holder => (
                        format!("{actor} holds this ticket: the holder may not {action} it itself"),
                        format!("{actor}是承办方：承办方不得自行{}", action.chinese()),
                    ),
                };
                (format!("separate.{conflict}"), en, zh)
            }
            E::OutOfJurisdiction {
                action,
                actor,
                target,
                reason,
                ..
            } => (
                format!("jurisdiction.{action}"),
                format!("{actor} may not {action} the ticket to {target}: {reason}"),
                format!(
                    "{actor}无权将工单{}至{target}：超出辖区或职责范围（{reason}）",
                    action.chinese()
                ),
            ),
            E::IllegalTransition {
                state,
                action,
                reason,
                ..
            } => (
                format!("lifecycle.{state}.{action}"),
                format!("the ticket is {state}: cannot {action} ({reason})"),
                format!(
                    "工单处于「{}」状态，不能{}（{reason}）",
                    state.chinese(),
                    action.chinese()
                ),
            ),
            other => {
                let zh = match other {
                    E::UnknownTicket { ticket } => format!("没有工单{ticket}"),
                    E::UnknownActor { actor } => format!("{actor}不是体系中的操作者"),
                    E::UnknownUnit { unit } => format!("单位{unit}不存在"),
                    E::UnknownCategory { category } => format!("类别{category}不在分类表中"),
                    E::InvalidTarget { target, reason, .. } => {
                        format!("目标{target}不符合要求（{reason}）")
                    }
                    E::TimeWentBackwards { at, last, .. } => {
                        format!("时间{at}早于工单上一事件{last}")
                    }
                    E::WhistleOutstanding { departments, .. } => {
                        format!("被吹哨部门{}尚未反馈，不能处置", departments.join("、"))
                    }
                    E::ExtensionTooLate { due, .. } => format!("延期须在处置时限{due}之前申请"),
                    _ => format!("操作被拒绝：{other}"),
                };
                (other.code().to_owned(), other.to_string(), zh)
            }
        };
        Denial {
            code: error.code(),
            rule,
            en,
            zh,
            details: error,
        }
    }
}

/// Lists role names, English and Chinese, for messages.
pub(crate) fn role_list(roles: RoleSet) -> (String, String) {
    if roles.is_empty() {
        return ("nobody".to_owned(), "任何人".to_owned());
    }
    let en: Vec<&str> = roles.iter().map(Role::english).collect();
    let zh: Vec<&str> = roles.iter().map(Role::chinese).collect();
    (en.join(", "), zh.join("、"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn presets_are_valid_documents_that_round_trip() {
        for name in Authority::PRESETS {
            let text = match name {
                "gbt30428" => GBT30428,
                "hotline12345" => HOTLINE12345,
                _ => LEGACY,
            };
            let a = Authority::from_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(a.name(), name);
            assert_eq!(Authority::from_json(&a.to_json()).unwrap(), a);
            assert_eq!(Authority::preset(name).unwrap(), a);
        }
        assert!(Authority::legacy_permissive().is_migration());
        assert!(!Authority::gbt30428().is_migration());
        assert_eq!(
            Authority::preset("lax").unwrap_err().code(),
            "authority.unknown_preset"
        );
    }

    #[test]
    fn the_real_presets_keep_the_separation_of_duties() {
        for a in [Authority::gbt30428(), Authority::hotline12345()] {
            for k in [ActionKind::RuleFired, ActionKind::Recheck] {
                assert_eq!(a.roles(k).iter().collect::<Vec<_>>(), [Role::System]);
            }
            for k in [
                ActionKind::File,
                ActionKind::Verify,
                ActionKind::Close,
                ActionKind::Visit,
                ActionKind::SetDeadline,
                ActionKind::DecideExtension,
                ActionKind::Suspend,
                ActionKind::Park,
            ] {
                assert!(!a.allows(k, Role::Holder), "{}: {k}", a.name());
            }
        }
    }

    #[test]
    fn unsafe_documents_are_refused() {
        let base = Authority::gbt30428().to_document();
        let edit = |f: &dyn Fn(&mut AuthorityDocument)| {
            let mut d = base.clone();
            f(&mut d);
            Authority::from_document(d).map(|_| ()).unwrap_err().code()
        };
        assert_eq!(
            edit(&|d| {
                d.allow.insert("set_deadline".into(), vec![Role::Holder]);
            }),
            "authority.unsafe"
        );
        assert_eq!(
            edit(&|d| d.separate.clear()),
            "authority.missing_separation"
        );
        assert_eq!(
            edit(&|d| {
                d.allow.remove("file");
            }),
            "authority.missing_action"
        );
        assert_eq!(
            edit(&|d| {
                d.allow.insert("teleport".into(), vec![]);
            }),
            "authority.unknown_action"
        );
        assert_eq!(
            edit(&|d| d.dispatch_to = DispatchScope::Anywhere),
            "authority.unsafe"
        );
        assert_eq!(
            edit(&|d| d.return_after_escalation = ReturnAfterEscalation::PreviousHolder),
            "authority.unsafe"
        );
        assert_eq!(edit(&|d| d.version = 2), "authority.unsupported_format");
        assert_eq!(
            Authority::from_json("{").unwrap_err().code(),
            "authority.malformed"
        );
        // The same edits pass in a migration document.
        let mut d = base.clone();
        d.migration = true;
        d.separate.clear();
        d.dispatch_to = DispatchScope::Anywhere;
        assert!(Authority::from_document(d).is_ok());
    }
}
