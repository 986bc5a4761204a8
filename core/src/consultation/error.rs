use serde::Serialize;

use super::{Basis, ElectorateKind};
use crate::hierarchy::NodeKind;
use crate::time::Timestamp;

/// Why a roll, rule, vote or forum record was refused. A refused operation changes nothing:
/// a refused ballot leaves the vote, its ballots and its running tally exactly as they were.
///
/// Every variant names the ids and values involved; [`ConsultationError::code`] gives a
/// stable code (`"consultation.*"`) that is the same in Rust, Python and JavaScript.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ConsultationError {
    /// An id is empty, longer than 128 bytes, or contains whitespace or control characters.
    #[error("invalid {what} id {id:?}: {reason}")]
    InvalidId {
        /// What the id names (`"owner"`, `"unit"`, `"vote"`, …).
        what: &'static str,
        /// The id given.
        id: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// An area is not a decimal with at most two places, is zero or exceeds 10^7 m² for a
    /// unit, or is too large.
    #[error("invalid area {input:?}: {reason}")]
    InvalidArea {
        /// The text or value given.
        input: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// An owner with this id is already on the roll.
    #[error("owner {owner:?} is already on the roll")]
    DuplicateOwner {
        /// The owner id.
        owner: String,
    },
    /// An exclusive unit with this id is already on the roll.
    #[error("exclusive unit {unit:?} is already on the roll")]
    DuplicateUnit {
        /// The unit id.
        unit: String,
    },
    /// No owner with this id is on the roll.
    #[error("no owner {owner:?} on the roll")]
    UnknownOwner {
        /// The owner id.
        owner: String,
    },
    /// No exclusive unit with this id is on the roll.
    #[error("no exclusive unit {unit:?} on the roll")]
    UnknownUnit {
        /// The unit id.
        unit: String,
    },
    /// A second owner is flagged as the developer; the developer's unsold and undelivered
    /// units count together as one owner, so a roll has at most one developer.
    #[error("{second:?} cannot be flagged as the developer: {first:?} already is (the developer's units count as one owner)")]
    MultipleDevelopers {
        /// The owner already flagged.
        first: String,
        /// The owner refused.
        second: String,
    },
    /// A resident with this id is already on the roll.
    #[error("resident {resident:?} is already on the roll")]
    DuplicateResident {
        /// The resident id.
        resident: String,
    },
    /// No resident with this id is on the roll.
    #[error("no resident {resident:?} on the roll")]
    UnknownResident {
        /// The resident id.
        resident: String,
    },
    /// A household with this id is already on the roll.
    #[error("household {household:?} is already on the roll")]
    DuplicateHousehold {
        /// The household id.
        household: String,
    },
    /// A resident names a household that is not on the roll.
    #[error("resident {resident:?} names household {household:?}, which is not on the roll")]
    UnknownHousehold {
        /// The household id.
        household: String,
        /// The resident naming it.
        resident: String,
    },
    /// A household's representative (户代表) is not a resident of that household.
    #[error("{resident:?} cannot represent household {household:?}: not a resident of it")]
    RepresentativeNotInHousehold {
        /// The household.
        household: String,
        /// The named representative.
        resident: String,
    },
    /// A residents' group (居民小组) with this id is already on the roll.
    #[error("residents' group {group:?} is already on the roll")]
    DuplicateGroup {
        /// The group id.
        group: String,
    },
    /// A residents' group does not have 2 to 3 distinct elected representatives.
    #[error("residents' group {group:?} has {representatives} distinct representative(s); each group elects 2 to 3")]
    InvalidGroup {
        /// The group id.
        group: String,
        /// How many distinct representatives it names.
        representatives: usize,
    },
    /// A member with this id is already in the forum's electorate.
    #[error("member {member:?} is listed twice")]
    DuplicateMember {
        /// The member id.
        member: String,
    },
    /// The scope names a node that is not in the hierarchy.
    #[error("no node {id:?} in the hierarchy")]
    UnknownNode {
        /// The node id.
        id: String,
    },
    /// The scope names a node of the wrong kind (e.g. `Scope::Building` naming a compound).
    #[error("{id:?} is a {found}, not a {expected}")]
    ScopeKind {
        /// The node id.
        id: String,
        /// What the scope needs (`"compound"`, `"building"`, `"territorial unit"`).
        expected: &'static str,
        /// The node's kind.
        found: NodeKind,
    },
    /// An exclusive unit's building (or a household's place) is not a live node of the
    /// right kind in the hierarchy.
    #[error("{unit:?} lies in {building:?}, which is not a {expected} in the hierarchy")]
    UnknownBuilding {
        /// The unit or household.
        unit: String,
        /// The node it names.
        building: String,
        /// What the node must be (`"building"` or `"territorial unit"`).
        expected: &'static str,
    },
    /// Nobody eligible lies in the scope: no fraction of an empty electorate is defined.
    #[error("nobody eligible in scope {scope}")]
    EmptyScope {
        /// The scope.
        scope: String,
    },
    /// The roll or electorate would exceed the number of entries it can index.
    #[error("more than {limit} entries")]
    CapacityExceeded {
        /// The limit.
        limit: u64,
    },
    /// A fraction has a zero denominator or exceeds one.
    #[error(
        "invalid fraction {num}/{den}: the denominator must be positive and the fraction at most 1"
    )]
    InvalidFraction {
        /// The numerator.
        num: u64,
        /// The denominator.
        den: u64,
    },
    /// The rule is malformed (no condition and no required consent, an empty group, a
    /// condition that can never hold, …).
    #[error("invalid rule {rule:?}: {reason}")]
    InvalidRule {
        /// The rule id.
        rule: String,
        /// Why it was refused.
        reason: String,
    },
    /// The rule counts a basis that this electorate does not have (e.g. area in a
    /// residents' meeting).
    #[error("rule {rule:?} counts {basis}, which a {electorate} electorate does not have")]
    BasisUnavailable {
        /// The rule id.
        rule: String,
        /// The basis.
        basis: Basis,
        /// The electorate's kind.
        electorate: ElectorateKind,
    },
    /// A tally counts more on a basis than is eligible (or a basis the electorate lacks).
    #[error("the tally counts {counted} on {basis}, more than the {eligible} eligible")]
    InconsistentTally {
        /// The basis.
        basis: Basis,
        /// What the tally counts on it.
        counted: String,
        /// What is eligible on it.
        eligible: String,
    },
    /// A numeric choice code is not 0 (agree), 1 (oppose) or 2 (abstain).
    #[error("unknown choice code {code} (0 agree, 1 oppose, 2 abstain)")]
    UnknownChoiceCode {
        /// The code given.
        code: u8,
    },
    /// A voter position is not a voter of the electorate (positions are `0..len`).
    #[error("no voter at position {position} (the electorate has {len})")]
    UnknownVoterPosition {
        /// The position given.
        position: u32,
        /// How many voters there are.
        len: usize,
    },
    /// The id is not on the roll the electorate was drawn from.
    #[error("{voter:?} is not on the roll")]
    UnknownVoter {
        /// The id given.
        voter: String,
    },
    /// The voter (or unit) is on the roll but outside this vote's scope.
    #[error("{voter:?} is not in scope {scope}")]
    VoterNotInScope {
        /// The voter or unit id.
        voter: String,
        /// The scope of the vote.
        scope: String,
    },
    /// The person is in scope but has no vote on any basis (e.g. a resident under 18 who
    /// represents nobody, an owner without an exclusive unit).
    #[error("{voter:?} is not eligible: {reason}")]
    NotEligible {
        /// The id given.
        voter: String,
        /// Why.
        reason: &'static str,
    },
    /// The voter has already cast a ballot in this vote (each voter votes once).
    #[error("{voter:?} already voted{}{}", vote.as_ref().map(|v| format!(" in {v:?}")).unwrap_or_default(), first_at.map(|t| format!(" at {t}")).unwrap_or_default())]
    DuplicateBallot {
        /// The vote id (`None` for a bare list of ballots).
        vote: Option<String>,
        /// The voter id.
        voter: String,
        /// When the first ballot was cast (`None` for a bare list of ballots).
        first_at: Option<Timestamp>,
    },
    /// The vote is closed.
    #[error("vote {vote:?} was closed at {closed_at}")]
    VoteClosed {
        /// The vote id.
        vote: String,
        /// When it was closed.
        closed_at: Timestamp,
    },
    /// The ballot is dated after the vote's closing time.
    #[error("ballot of {voter:?} at {at} is after vote {vote:?} closed at {closes_at}")]
    BallotAfterClosing {
        /// The vote id.
        vote: String,
        /// The voter id.
        voter: String,
        /// The ballot's time.
        at: Timestamp,
        /// The vote's closing time.
        closes_at: Timestamp,
    },
    /// The ballot is dated before the vote opened.
    #[error("ballot of {voter:?} at {at} is before vote {vote:?} opened at {opens_at}")]
    BallotBeforeOpening {
        /// The vote id.
        vote: String,
        /// The voter id.
        voter: String,
        /// The ballot's time.
        at: Timestamp,
        /// The vote's opening time.
        opens_at: Timestamp,
    },
    /// A vote must close after it opens (and cannot be closed before it opened).
    #[error("vote {vote:?} opens at {opens_at} and cannot close at {closes_at}")]
    InvalidClosingTime {
        /// The vote id.
        vote: String,
        /// The opening time.
        opens_at: Timestamp,
        /// The closing time asked for.
        closes_at: Timestamp,
    },
    /// No written proxy (委托书) from the principal to this proxy is registered.
    #[error("{proxy:?} holds no registered written proxy from {principal:?} in vote {vote:?}")]
    ProxyNotAuthorized {
        /// The vote id.
        vote: String,
        /// Who tried to vote.
        proxy: String,
        /// For whom.
        principal: String,
    },
    /// The principal already registered a written proxy to someone in this vote.
    #[error("{principal:?} already authorized {existing:?} as proxy in vote {vote:?}")]
    DuplicateProxy {
        /// The vote id.
        vote: String,
        /// The principal.
        principal: String,
        /// The proxy already registered.
        existing: String,
    },
    /// A written proxy from a voter to themselves: a proxy acts for someone else.
    #[error("{principal:?} cannot authorize themselves as proxy in vote {vote:?}")]
    SelfProxy {
        /// The vote id.
        vote: String,
        /// The principal (and would-be proxy).
        principal: String,
    },
    /// A forum with this id is already recorded.
    #[error("forum {forum:?} is already recorded")]
    DuplicateForum {
        /// The forum id.
        forum: String,
    },
    /// No forum with this id is recorded.
    #[error("no forum {forum:?}")]
    UnknownForum {
        /// The forum id.
        forum: String,
    },
    /// A session with this id is already recorded.
    #[error("session {session:?} is already recorded")]
    DuplicateSession {
        /// The session id.
        session: String,
    },
    /// A period ends before it starts.
    #[error("period {from} to {to} ends before it starts")]
    InvalidPeriod {
        /// First day.
        from: crate::time::Date,
        /// Last day.
        to: crate::time::Date,
    },
    /// The document is not of the expected format and version.
    #[error("unsupported document: format {format:?} version {version} (expected {expected:?} version 1)")]
    UnsupportedFormat {
        /// The expected `format`.
        expected: &'static str,
        /// The `format` found.
        format: String,
        /// The `version` found.
        version: u32,
    },
    /// The document is not valid JSON for its format, or a record contradicts its context.
    #[error("malformed document: {message}")]
    Malformed {
        /// What went wrong.
        message: String,
    },
}

impl ConsultationError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            ConsultationError::InvalidId { .. } => "consultation.invalid_id",
            ConsultationError::InvalidArea { .. } => "consultation.invalid_area",
            ConsultationError::DuplicateOwner { .. } => "consultation.duplicate_owner",
            ConsultationError::DuplicateUnit { .. } => "consultation.duplicate_unit",
            ConsultationError::UnknownOwner { .. } => "consultation.unknown_owner",
            ConsultationError::UnknownUnit { .. } => "consultation.unknown_unit",
            ConsultationError::MultipleDevelopers { .. } => "consultation.multiple_developers",
            ConsultationError::DuplicateResident { .. } => "consultation.duplicate_resident",
            ConsultationError::UnknownResident { .. } => "consultation.unknown_resident",
            ConsultationError::DuplicateHousehold { .. } => "consultation.duplicate_household",
            ConsultationError::UnknownHousehold { .. } => "consultation.unknown_household",
            ConsultationError::RepresentativeNotInHousehold { .. } => {
                "consultation.representative_not_in_household"
            }
            ConsultationError::DuplicateGroup { .. } => "consultation.duplicate_group",
            ConsultationError::InvalidGroup { .. } => "consultation.invalid_group",
            ConsultationError::DuplicateMember { .. } => "consultation.duplicate_member",
            ConsultationError::UnknownNode { .. } => "consultation.unknown_node",
            ConsultationError::ScopeKind { .. } => "consultation.scope_kind",
            ConsultationError::UnknownBuilding { .. } => "consultation.unknown_building",
            ConsultationError::EmptyScope { .. } => "consultation.empty_scope",
            ConsultationError::CapacityExceeded { .. } => "consultation.capacity_exceeded",
            ConsultationError::InvalidFraction { .. } => "consultation.invalid_fraction",
            ConsultationError::InvalidRule { .. } => "consultation.invalid_rule",
            ConsultationError::BasisUnavailable { .. } => "consultation.basis_unavailable",
            ConsultationError::InconsistentTally { .. } => "consultation.inconsistent_tally",
            ConsultationError::UnknownVoter { .. } => "consultation.unknown_voter",
            ConsultationError::UnknownChoiceCode { .. } => "consultation.unknown_choice_code",
            ConsultationError::UnknownVoterPosition { .. } => "consultation.unknown_voter_position",
            ConsultationError::VoterNotInScope { .. } => "consultation.voter_not_in_scope",
            ConsultationError::NotEligible { .. } => "consultation.not_eligible",
            ConsultationError::DuplicateBallot { .. } => "consultation.duplicate_ballot",
            ConsultationError::VoteClosed { .. } => "consultation.vote_closed",
            ConsultationError::BallotAfterClosing { .. } => "consultation.ballot_after_closing",
            ConsultationError::BallotBeforeOpening { .. } => "consultation.ballot_before_opening",
            ConsultationError::InvalidClosingTime { .. } => "consultation.invalid_closing_time",
            ConsultationError::ProxyNotAuthorized { .. } => "consultation.proxy_not_authorized",
            ConsultationError::DuplicateProxy { .. } => "consultation.duplicate_proxy",
            ConsultationError::SelfProxy { .. } => "consultation.self_proxy",
            ConsultationError::DuplicateForum { .. } => "consultation.duplicate_forum",
            ConsultationError::UnknownForum { .. } => "consultation.unknown_forum",
            ConsultationError::DuplicateSession { .. } => "consultation.duplicate_session",
            ConsultationError::InvalidPeriod { .. } => "consultation.invalid_period",
            ConsultationError::UnsupportedFormat { .. } => "consultation.unsupported_format",
            ConsultationError::Malformed { .. } => "consultation.malformed",
        }
    }
}

/// The longest id accepted, in bytes (as for hierarchy node ids).
pub const MAX_ID_LEN: usize = 128;

/// Checks an id: non-empty, at most 128 bytes, no whitespace or control characters.
pub(crate) fn check_id(what: &'static str, id: &str) -> Result<(), ConsultationError> {
    let reason = if id.is_empty() {
        Some("an id must not be empty")
    } else if id.len() > MAX_ID_LEN {
        Some("an id must be at most 128 bytes")
    } else if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("an id must not contain whitespace or control characters")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ConsultationError::InvalidId {
            what,
            id: id.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}
