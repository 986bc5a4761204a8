//! Rolls and electorates: who may vote, with what weight (业主名册, 居民名册).
//!
//! - this file: the [`Scope`] of a vote, the kinds of electorate, the [`Electorate`] itself
//!   (who may vote, with precomputed weights) and how a roll builds one;
//! - [`owners`]: the owners' roll (业主名册) and its JSON document;
//! - [`residents`]: the residents' roll (居民名册): households, residents and groups.

mod owners;
mod residents;

pub use owners::{ExclusiveUnit, Owner, OwnerRoll, OwnerRollDocument, OWNER_ROLL_FORMAT};
pub use residents::{
    Household, Resident, ResidentRoll, ResidentRollDocument, ResidentsGroup, RESIDENT_ROLL_FORMAT,
};

use std::fmt;
use std::sync::Arc;

use crate::hash::{IdMap, IdSet};
use serde::{Deserialize, Serialize};

use super::error::check_id;
use super::tally::{
    Accumulator, CastBallot, Choice, Tally, VoterIndex, VoterWeight, Weights, HEADCOUNT,
    HOUSEHOLDS, PERSONS, REPRESENTATIVES,
};
use super::{Area, Basis, ConsultationError};
use crate::hierarchy::{Hierarchy, NodeId, NodeKey, NodeKind};
use crate::time::Date;

type Result<T, E = ConsultationError> = std::result::Result<T, E>;

/// Who a vote is about (表决范围), resolved against the [`Hierarchy`].
///
/// JSON: `{"compound": "id"}`, `{"building": "id"}`,
/// `{"building_unit": {"building": "id", "unit": "2"}}`, `{"territory": "id"}`,
/// `"whole_roll"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Every unit in the buildings of a compound (小区): the buildings are the compound's
    /// descendants in the hierarchy.
    Compound(NodeId),
    /// Every unit of one building (幢, 楼栋).
    Building(NodeId),
    /// Every unit of one building unit (单元, a stairwell/entrance) of a building, e.g.
    /// building 3, unit "2": the owners concerned by an elevator.
    BuildingUnit {
        /// The building.
        building: NodeId,
        /// The building unit label, e.g. `"2"`.
        unit: String,
    },
    /// Everyone placed anywhere within a territorial unit (a community, a grid, …): e.g.
    /// the residents of one grid for a resident consultation meeting (居民协商会).
    Territory(NodeId),
    /// Everyone on the roll, without consulting the hierarchy.
    WholeRoll,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Compound(id) => write!(f, "compound {:?}", id.as_str()),
            Scope::Building(id) => write!(f, "building {:?}", id.as_str()),
            Scope::BuildingUnit { building, unit } => {
                write!(f, "building {:?} unit {:?}", building.as_str(), unit)
            }
            Scope::Territory(id) => write!(f, "territory {:?}", id.as_str()),
            Scope::WholeRoll => f.write_str("the whole roll"),
        }
    }
}

/// The kind of roll an electorate was drawn from, which fixes its bases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ElectorateKind {
    /// Owners (业主): bases area and headcount.
    Owners,
    /// Residents (居民): bases persons (aged 18+), households and elected representatives.
    Residents,
    /// A forum's members (议事成员): bases persons and representatives.
    Members,
}

impl ElectorateKind {
    /// The bases an electorate of this kind counts.
    pub const fn bases(self) -> &'static [Basis] {
        match self {
            ElectorateKind::Owners => &[Basis::Area, Basis::Headcount],
            ElectorateKind::Residents => {
                &[Basis::Persons, Basis::Households, Basis::Representatives]
            }
            ElectorateKind::Members => &[Basis::Persons, Basis::Representatives],
        }
    }

    /// Whether this kind counts a basis.
    pub fn has(self, basis: Basis) -> bool {
        self.bases().contains(&basis)
    }

    /// The snake_case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            ElectorateKind::Owners => "owners",
            ElectorateKind::Residents => "residents",
            ElectorateKind::Members => "members",
        }
    }
}

impl fmt::Display for ElectorateKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether eligible voters who cast no ballot are counted with the majority.
///
/// Ministry of Housing guidance 建房〔2009〕274号 (业主大会和业主委员会指导规则), Art. 26: "未参与
/// 表决的业主，其投票权数是否可以计入已表决的多数票，由管理规约或者业主大会议事规则规定。" —
/// whether owners who did not vote are counted with the majority is left to each
/// community's own rules, so it is a per-electorate setting, off by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NonVoterPolicy {
    /// Only ballots count (the default).
    #[default]
    NotCounted,
    /// Counted with the majority (计入已表决的多数票), precisely: on each basis separately, if
    /// one choice holds **more than half** of the weight cast on that basis, the weight of
    /// every eligible voter who cast no ballot is added to that choice — they count as
    /// participants voting with that majority. If no choice holds more than half of the
    /// weight cast on a basis (a tie, a split, or no ballot at all), nothing is added on that
    /// basis. Required individual consents ([`Rule::must_agree`](super::Rule::must_agree))
    /// are never presumed: they need a ballot. The adjustment is made on every evaluation,
    /// so an outcome before closing shows what closing now would give.
    ///
    /// Under this policy one more ballot can end a majority (e.g. turn 2 agree / 1 oppose
    /// into 2 / 2), after which the non-voters no longer count and counted participation
    /// drops: participation is monotone in ballots only under [`NonVoterPolicy::NotCounted`].
    /// For the Art. 278 presets, turning an opposing ballot into an agreeing one still never
    /// turns a pass into a fail (tested).
    CountedWithMajority,
}

fn to_u32(n: usize) -> Result<u32> {
    u32::try_from(n)
        .ok()
        .filter(|n| *n < u32::MAX)
        .ok_or(ConsultationError::CapacityExceeded {
            limit: u64::from(u32::MAX - 1),
        })
}

/// A scope resolved against a hierarchy.
enum Filter<'a> {
    All,
    Within(NodeKey),
    Building(NodeKey),
    BuildingUnit(NodeKey, &'a str),
}

impl<'a> Filter<'a> {
    fn resolve(h: &Hierarchy, scope: &'a Scope) -> Result<Filter<'a>> {
        let node = |id: &NodeId, expected: &'static str, ok: fn(NodeKind) -> bool| {
            let key = h
                .key(id.as_str())
                .ok_or_else(|| ConsultationError::UnknownNode { id: id.to_string() })?;
            match h.kind_of(key) {
                Some(kind) if ok(kind) => Ok(key),
                Some(found) => Err(ConsultationError::ScopeKind {
                    id: id.to_string(),
                    expected,
                    found,
                }),
                None => Err(ConsultationError::UnknownNode { id: id.to_string() }),
            }
        };
        Ok(match scope {
            Scope::Compound(id) => {
                Filter::Within(node(id, "compound", |k| k == NodeKind::Compound)?)
            }
            Scope::Building(id) => {
                Filter::Building(node(id, "building", |k| k == NodeKind::Building)?)
            }
            Scope::BuildingUnit { building, unit } => {
                check_id("building unit", unit)?;
                Filter::BuildingUnit(
                    node(building, "building", |k| k == NodeKind::Building)?,
                    unit.as_str(),
                )
            }
            Scope::Territory(id) => {
                Filter::Within(node(id, "territorial unit", NodeKind::is_territorial)?)
            }
            Scope::WholeRoll => Filter::All,
        })
    }

    fn contains(&self, h: &Hierarchy, place: NodeKey, label: Option<&str>) -> bool {
        match self {
            Filter::All => true,
            Filter::Within(area) => h.is_within(place, *area),
            Filter::Building(b) => place == *b,
            Filter::BuildingUnit(b, u) => place == *b && label == Some(*u),
        }
    }
}

/// A member of a forum's electorate (e.g. the participants of a 周末议事厅 session).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Member {
    /// The member id.
    pub id: String,
    /// Whether the member is a representative (代表), counted on the representatives basis.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub representative: bool,
}

impl Member {
    /// A member.
    pub fn new(id: impl Into<String>) -> Member {
        Member {
            id: id.into(),
            representative: false,
        }
    }

    /// A member who is a representative.
    pub fn representative(id: impl Into<String>) -> Member {
        Member {
            id: id.into(),
            representative: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Exclusion {
    OutOfScope,
    NotEligible(&'static str),
}

/// Who may vote in one scope, with precomputed weights (选民, 表决权).
///
/// Built from a roll ([`OwnerRoll::electorate`], [`ResidentRoll::electorate`]) or from a
/// list of members ([`Electorate::members`]). Each voter has a dense [`VoterIndex`] and a
/// weight kept in a flat array (area in hundredths and one bit per counted basis), so that
/// a tally is a single pass of two additions per ballot. The electorate also remembers who
/// is on the roll but not eligible here, so a refused ballot says why.
#[derive(Debug, Clone)]
pub struct Electorate {
    kind: ElectorateKind,
    scope: Scope,
    non_voters: NonVoterPolicy,
    ids: Vec<Arc<str>>,
    index: IdMap<Arc<str>, u32>,
    weights: Vec<VoterWeight>,
    units: IdMap<Box<str>, u32>,
    excluded: IdMap<Box<str>, Exclusion>,
    excluded_units: IdSet<Box<str>>,
    totals: Weights,
}

struct Builder {
    kind: ElectorateKind,
    scope: Scope,
    non_voters: NonVoterPolicy,
    ids: Vec<Arc<str>>,
    index: IdMap<Arc<str>, u32>,
    weights: Vec<VoterWeight>,
    units: IdMap<Box<str>, u32>,
    excluded: IdMap<Box<str>, Exclusion>,
    excluded_units: IdSet<Box<str>>,
}

impl Builder {
    fn new(kind: ElectorateKind, scope: Scope, non_voters: NonVoterPolicy) -> Builder {
        Builder {
            kind,
            scope,
            non_voters,
            ids: Vec::new(),
            index: IdMap::default(),
            weights: Vec::new(),
            units: IdMap::default(),
            excluded: IdMap::default(),
            excluded_units: IdSet::default(),
        }
    }

    fn reserve(&mut self, voters: usize, units: usize) {
        self.ids.reserve(voters);
        self.index.reserve(voters);
        self.weights.reserve(voters);
        self.units.reserve(units);
    }

    fn push(&mut self, id: &str, weight: VoterWeight) -> Result<u32> {
        let ix = to_u32(self.ids.len())?;
        let id: Arc<str> = Arc::from(id);
        self.index.insert(Arc::clone(&id), ix);
        self.ids.push(id);
        self.weights.push(weight);
        Ok(ix)
    }

    fn finish(self) -> Result<Electorate> {
        if self.ids.is_empty() {
            return Err(ConsultationError::EmptyScope {
                scope: self.scope.to_string(),
            });
        }
        let mut totals = Weights::default();
        for w in &self.weights {
            totals.add_voter(*w);
        }
        Ok(Electorate {
            kind: self.kind,
            scope: self.scope,
            non_voters: self.non_voters,
            ids: self.ids,
            index: self.index,
            weights: self.weights,
            units: self.units,
            excluded: self.excluded,
            excluded_units: self.excluded_units,
            totals,
        })
    }
}

impl Electorate {
    /// The electorate of a forum: its members, each counting 1 on the persons basis and,
    /// if a representative, 1 on the representatives basis. Its scope is
    /// [`Scope::WholeRoll`].
    pub fn members(members: impl IntoIterator<Item = Member>) -> Result<Electorate> {
        let mut b = Builder::new(
            ElectorateKind::Members,
            Scope::WholeRoll,
            NonVoterPolicy::NotCounted,
        );
        for m in members {
            check_id("member", &m.id)?;
            if b.index.contains_key(m.id.as_str()) {
                return Err(ConsultationError::DuplicateMember { member: m.id });
            }
            let mask = PERSONS | if m.representative { REPRESENTATIVES } else { 0 };
            b.push(&m.id, VoterWeight { area: 0, mask })?;
        }
        b.finish()
    }

    /// The kind of roll this electorate was drawn from.
    pub fn kind(&self) -> ElectorateKind {
        self.kind
    }

    /// The scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The non-voter policy.
    pub fn non_voter_policy(&self) -> NonVoterPolicy {
        self.non_voters
    }

    /// The electorate with another non-voter policy.
    pub fn with_non_voter_policy(mut self, policy: NonVoterPolicy) -> Electorate {
        self.non_voters = policy;
        self
    }

    /// The number of voters.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there is no voter (never true: an empty scope is refused).
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The eligible totals on every basis (the denominators "eligible").
    pub fn totals(&self) -> &Weights {
        &self.totals
    }

    /// The voter with this id, or why there is none: [`ConsultationError::UnknownVoter`],
    /// [`ConsultationError::VoterNotInScope`] or [`ConsultationError::NotEligible`].
    pub fn voter(&self, id: &str) -> Result<VoterIndex> {
        if let Some(ix) = self.index.get(id) {
            return Ok(VoterIndex(*ix));
        }
        Err(match self.excluded.get(id) {
            Some(Exclusion::OutOfScope) => ConsultationError::VoterNotInScope {
                voter: id.to_owned(),
                scope: self.scope.to_string(),
            },
            Some(Exclusion::NotEligible(reason)) => ConsultationError::NotEligible {
                voter: id.to_owned(),
                reason,
            },
            None => ConsultationError::UnknownVoter {
                voter: id.to_owned(),
            },
        })
    }

    /// The voter who owns an exclusive unit in scope, or [`ConsultationError::UnknownUnit`]
    /// / [`ConsultationError::VoterNotInScope`].
    pub fn voter_of_unit(&self, unit: &str) -> Result<VoterIndex> {
        if let Some(ix) = self.units.get(unit) {
            return Ok(VoterIndex(*ix));
        }
        if self.excluded_units.contains(unit) {
            Err(ConsultationError::VoterNotInScope {
                voter: unit.to_owned(),
                scope: self.scope.to_string(),
            })
        } else {
            Err(ConsultationError::UnknownUnit {
                unit: unit.to_owned(),
            })
        }
    }

    /// The voter at a dense position (`0..len()`), if any.
    pub fn voter_at(&self, index: u32) -> Option<VoterIndex> {
        ((index as usize) < self.len()).then_some(VoterIndex(index))
    }

    /// Ballots from the typed arrays of the bindings: voter positions and choice codes
    /// ([`Choice::from_code`]), in parallel. The first bad position or code is refused; lists
    /// of different lengths are malformed.
    pub fn coded_ballots(&self, voters: &[u32], choices: &[u8]) -> Result<Vec<CastBallot>> {
        if voters.len() != choices.len() {
            return Err(ConsultationError::Malformed {
                message: format!(
                    "{} voter positions but {} choices: the lists go in parallel",
                    voters.len(),
                    choices.len()
                ),
            });
        }
        // A plain loop into a vector of the right size: this is the hot path of dashboards
        // that tally thousands of ballot sets (the iterator form with `Result` items ran at
        // half the speed); the errors are the cold path.
        let mut ballots = Vec::with_capacity(voters.len());
        for (v, c) in voters.iter().zip(choices) {
            let Some(voter) = self.voter_at(*v) else {
                return Err(ConsultationError::UnknownVoterPosition {
                    position: *v,
                    len: self.len(),
                });
            };
            let Some(choice) = Choice::decode(*c) else {
                return Err(ConsultationError::UnknownChoiceCode { code: *c });
            };
            ballots.push(CastBallot { voter, choice });
        }
        Ok(ballots)
    }

    /// The id of a voter.
    pub fn voter_id(&self, voter: VoterIndex) -> Option<&str> {
        self.ids.get(voter.index()).map(|s| &**s)
    }

    /// The weights of one voter.
    pub fn weights_of(&self, voter: VoterIndex) -> Option<Weights> {
        self.weights.get(voter.index()).map(|w| {
            let mut out = Weights::default();
            out.add_voter(*w);
            out
        })
    }

    /// Every voter in index order.
    pub fn voters(&self) -> impl Iterator<Item = (VoterIndex, &str)> + '_ {
        self.ids
            .iter()
            .zip(0u32..)
            .map(|(id, i)| (VoterIndex(i), &**id))
    }

    /// A compact ballot for a voter id.
    pub fn ballot(&self, voter: &str, choice: Choice) -> Result<CastBallot> {
        Ok(CastBallot {
            voter: self.voter(voter)?,
            choice,
        })
    }

    pub(crate) fn weight(&self, voter: VoterIndex) -> Option<VoterWeight> {
        self.weights.get(voter.index()).copied()
    }

    /// The full tally of a list of ballots: one pass, two additions per ballot. Refused if
    /// a ballot names a voter index outside this electorate
    /// ([`ConsultationError::UnknownVoter`]) or a voter twice
    /// ([`ConsultationError::DuplicateBallot`] without vote or time).
    pub fn tally(&self, ballots: &[CastBallot]) -> Result<Tally> {
        let mut seen = vec![0u64; self.ids.len().div_ceil(64)];
        let mut acc = Accumulator::new();
        for b in ballots {
            let i = b.voter.index();
            let (Some(w), Some(word)) = (self.weights.get(i), seen.get_mut(i / 64)) else {
                return Err(ConsultationError::UnknownVoter {
                    voter: format!("#{}", b.voter.raw()),
                });
            };
            let bit = 1u64 << (i % 64);
            if *word & bit != 0 {
                return Err(ConsultationError::DuplicateBallot {
                    vote: None,
                    voter: self.voter_id(b.voter).unwrap_or_default().to_owned(),
                    first_at: None,
                });
            }
            *word |= bit;
            acc.add(b.choice, *w);
        }
        Ok(acc.finish())
    }

    /// The tally of ballots given as the bindings' typed arrays (voter positions and choice
    /// codes, in parallel) in one pass, without building the ballots: the same result and
    /// the same errors as [`Electorate::coded_ballots`] followed by [`Electorate::tally`].
    /// This is the hot path of dashboards that tally thousands of ballot sets.
    pub fn tally_coded(&self, voters: &[u32], choices: &[u8]) -> Result<Tally> {
        if voters.len() == choices.len() {
            let mut seen = vec![0u64; self.ids.len().div_ceil(64)];
            let mut acc = Accumulator::new();
            let mut clean = true;
            for (v, c) in voters.iter().zip(choices) {
                let i = *v as usize;
                let Some(choice) = Choice::decode(*c) else {
                    clean = false;
                    break;
                };
                let (Some(w), Some(word)) = (self.weights.get(i), seen.get_mut(i / 64)) else {
                    clean = false;
                    break;
                };
                let bit = 1u64 << (i % 64);
                if *word & bit != 0 {
                    clean = false;
                    break;
                }
                *word |= bit;
                acc.add(choice, *w);
            }
            if clean {
                return Ok(acc.finish());
            }
        }
        // The cold path: the two steps, which name the first error exactly as they do.
        self.tally(&self.coded_ballots(voters, choices)?)
    }

    /// The tally of ballots already known to be distinct and in range (a vote's own).
    pub(crate) fn tally_trusted(&self, ballots: &[CastBallot]) -> Tally {
        let mut acc = Accumulator::new();
        for b in ballots {
            if let Some(w) = self.weights.get(b.voter.index()) {
                acc.add(b.choice, *w);
            }
        }
        acc.finish()
    }
}

crate::names::deserialize_by_name!(NonVoterPolicy { NotCounted = "not_counted", CountedWithMajority = "counted_with_majority" });
crate::names::deserialize_by_name!(ElectorateKind { Owners = "owners", Residents = "residents", Members = "members" });
