//! The authority document (a public JSON contract, version 1): [`AuthorityDocument`] with its
//! [`Separation`] constraints, and [`AuthorityError`], why a document was refused.

use super::*;

/// A separation-of-duty constraint: members of the `excludes` set may not take `actions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Separation {
    /// The actions constrained (snake_case action kinds).
    pub actions: Vec<String>,
    /// Who may not take them.
    pub excludes: Conflict,
}

/// The authority document, version 1 (a public contract; see the [module docs](crate::ticket::authority)).
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
