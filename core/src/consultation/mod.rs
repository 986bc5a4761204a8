//! Consultation and voting (协商议事, "民事、民议、民决"): owners' and residents' votes
//! counted to the letter of the law, and the records of consultation forums.
//!
//! - **Rolls and electorates.** An [`OwnerRoll`] (业主名册) lists exclusive units (专有部分)
//!   with their registered area as an exact [`Area`] and their owner; a [`ResidentRoll`]
//!   (居民名册) lists households, residents and residents' groups. A [`Scope`] (a compound,
//!   a building, a building unit 单元, any territorial unit) resolved against the
//!   [`Hierarchy`](crate::hierarchy::Hierarchy) gives an [`Electorate`]: the eligible
//!   voters with precomputed weights in flat arrays.
//! - **Rules as data.** A [`Rule`] is one or more groups of [`Condition`]s (any group may
//!   hold) plus individual consents that must each be given. Each condition counts a
//!   [`Basis`] (area, headcount, persons, households, representatives), compares a
//!   [`Numerator`] with a [`Fraction`] of a [`Denominator`], "or more" (以上, includes the
//!   boundary) or "more than" (过半数 / 超过, excludes it) — Civil Code Art. 1259 — with exact
//!   integer cross-multiplication in `u128`. Presets: [`Rule::civil_code_278_ordinary`],
//!   [`Rule::civil_code_278_special`], [`Rule::civil_code_279_unanimity`],
//!   [`Rule::residents_meeting`], [`Rule::elevator_installation`],
//!   [`Rule::consensus_of_attendees`], [`Rule::two_thirds_of_representatives`].
//! - **Votes.** A [`Vote`] takes ballots (agree / oppose / abstain) in person or by written
//!   proxy (委托书), once each, within its time window (times are passed in), keeps a
//!   running [`Tally`] updated in O(1) per ballot, and gives an [`Outcome`]: passed or not,
//!   every condition with its counts and exact margin, and an explanation in Chinese and
//!   English.
//! - **Forum records.** [`ForumRecords`] keep sessions of 居民协商会, 周末议事厅, … with their
//!   agenda items and decisions (linked to tickets), and count sessions held, consultations
//!   and problems solved per forum and period.
//!
//! The thresholds that the law sets:
//!
//! - PRC Civil Code, Article 278: matters decided jointly by owners need participation by
//!   owners holding two thirds or more (三分之二以上) of the exclusive floor area AND two
//!   thirds or more of the number of owners. Items 6 to 8 need the consent of three quarters
//!   or more (四分之三以上) of the participating area AND of the participating owners; all
//!   other matters need more than half (过半数) of the participating area AND of the
//!   participating owners.
//! - Civil Code Article 1259: "以上" (or more) includes the number itself; "过半数" and
//!   "超过" (more than) do not. So exactly 2/3 participation is enough, exactly 1/2 approval
//!   is not.
//! - Owner headcount (SPC interpretation on building ownership, Art. 9): one exclusive unit
//!   counts as one owner, but one buyer holding several units counts once, and the
//!   developer's unsold or undelivered units count as one owner together.
//! - Residents' meeting (城市居民委员会组织法, Art. 9): it may be held only when more than
//!   half of the residents aged 18+, of the household representatives, or of the elected
//!   representatives attend; its decisions need more than half of those attending.
//! - Non-voters (建房〔2009〕274号, Art. 26): whether owners who did not vote are counted
//!   with the majority is each community's choice: [`NonVoterPolicy`], off by default.
//!
//! # Example: an elevator for one building unit (加装电梯)
//!
//! ```
//! use std::sync::Arc;
//! use wangge::consultation::{Choice, ExclusiveUnit, Owner, OwnerRoll, Rule, Scope, Vote, VoteSpec};
//! use wangge::hierarchy::{Hierarchy, NodeId, NodeKind};
//!
//! let mut h = Hierarchy::new();
//! h.add("sjxc", NodeKind::Compound, "世纪新城小区").unwrap();
//! h.add("sjxc-5", NodeKind::Building, "5幢").unwrap();
//! h.contain("sjxc", "sjxc-5").unwrap();
//!
//! // Unit 2 of building 5: six floors, two flats a floor.
//! let mut roll = OwnerRoll::new();
//! for floor in 1..=6 {
//!     for door in 1..=2 {
//!         let id = format!("5-2-{floor}0{door}");
//!         roll.add_owner(Owner::new(format!("owner-{id}")))?;
//!         roll.add_unit(ExclusiveUnit {
//!             id: id.clone(),
//!             building: NodeId::new("sjxc-5").unwrap(),
//!             building_unit: Some("2".into()),
//!             area: "89.57".parse()?,
//!             owner: format!("owner-{id}"),
//!         })?;
//!     }
//! }
//! let scope = Scope::BuildingUnit { building: NodeId::new("sjxc-5").unwrap(), unit: "2".into() };
//! let electorate = Arc::new(roll.electorate(&h, &scope)?);
//!
//! let at = |t: &str| t.parse().unwrap();
//! let mut vote = Vote::open(electorate, VoteSpec {
//!     id: "sjxc-5-2-elevator".into(),
//!     agenda: "5幢2单元加装电梯".into(),
//!     // the shaft lands on the ground-floor flat 5-2-101: its owner must agree in person
//!     rule: Rule::elevator_installation(["5-2-101"]),
//!     opens_at: at("2020-05-01T08:00:00+08:00"),
//!     closes_at: at("2020-05-15T18:00:00+08:00"),
//! })?;
//! for floor in 1..=6 {
//!     for door in 1..=2 {
//!         let choice = if floor == 1 && door == 1 { Choice::Oppose } else { Choice::Agree };
//!         vote.cast(&format!("owner-5-2-{floor}0{door}"), choice, at("2020-05-03T10:00:00+08:00"))?;
//!     }
//! }
//! vote.close(at("2020-05-15T18:00:00+08:00"))?;
//! let outcome = vote.outcome();
//! assert!(outcome.groups[0].held);   // 11 of 12 agree: well above three quarters
//! assert!(!outcome.passed);          // but the ground-floor owner opposes
//! assert!(outcome.explanation.zh.contains("专有部分 5-2-101 的业主 owner-5-2-101反对"));
//! # Ok::<(), wangge::consultation::ConsultationError>(())
//! ```

mod area;
mod electorate;
mod error;
mod forum;
mod outcome;
mod rule;
mod tally;
mod vote;

pub use area::Area;
pub use electorate::{
    Electorate, ElectorateKind, ExclusiveUnit, Household, Member, NonVoterPolicy, Owner, OwnerRoll,
    OwnerRollDocument, Resident, ResidentRoll, ResidentRollDocument, ResidentsGroup, Scope,
    OWNER_ROLL_FORMAT, RESIDENT_ROLL_FORMAT,
};
pub use error::{ConsultationError, MAX_ID_LEN};
pub use forum::{
    AgendaItem, Decision, Forum, ForumKind, ForumRecords, ForumRecordsDocument, ForumStats,
    ForumStatsRow, MonthStats, Period, Session, TicketResolution, FORUM_RECORDS_FORMAT,
};
pub use outcome::{
    ConditionOutcome, ConsentOutcome, GroupOutcome, Margin, NonVoterAllocation, Outcome, Quantity,
    OUTCOME_FORMAT,
};
pub use rule::{
    Basis, Bilingual, Comparison, Condition, ConditionGroup, Consent, Denominator, Fraction,
    Numerator, Rule, RulePreset, RuleSpec, RULE_FORMAT,
};
pub use tally::{CastBallot, Choice, Tally, VoterIndex, Weights};
pub use vote::{Ballot, BallotRecord, ProxyAuthorization, Vote, VoteRecord, VoteSpec, VOTE_FORMAT};

// Compile-time proof that votes and electorates can be shared across threads.
const _: fn() = || {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Vote>();
    assert_send_sync::<Electorate>();
    assert_send_sync::<OwnerRoll>();
};
