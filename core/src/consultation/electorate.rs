//! Rolls and electorates: who may vote, with what weight (业主名册, 居民名册).

use std::fmt;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
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

/// An owner on the roll (业主): a person, or the co-owners of a unit together.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Owner {
    /// The owner id.
    pub id: String,
    /// Whether this is the developer (开发建设单位) holding unsold or undelivered units. All its
    /// units count as one owner; a roll has at most one developer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub developer: bool,
}

impl Owner {
    /// An owner who is not the developer.
    pub fn new(id: impl Into<String>) -> Owner {
        Owner {
            id: id.into(),
            developer: false,
        }
    }

    /// The developer (开发建设单位).
    pub fn developer(id: impl Into<String>) -> Owner {
        Owner {
            id: id.into(),
            developer: true,
        }
    }
}

/// An exclusive unit (专有部分): a flat, a shop, with its registered exclusive floor area.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExclusiveUnit {
    /// The unit id (e.g. `"3-2-101"`).
    pub id: String,
    /// The building (a hierarchy node of kind [`NodeKind::Building`]).
    pub building: NodeId,
    /// The building unit / entrance label (单元), e.g. `"2"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building_unit: Option<String>,
    /// The exclusive floor area: as in the real estate register (不动产登记簿); if not yet
    /// registered, as surveyed; if not yet surveyed, as in the sales contract (SPC
    /// interpretation on building ownership, Art. 8).
    pub area: Area,
    /// The owner's id.
    pub owner: String,
}

/// The `format` field of a serialized owners' roll.
pub const OWNER_ROLL_FORMAT: &str = "wangge.consultation.owner_roll";

/// The owners' roll (业主名册) of a compound: owners and their exclusive units.
///
/// Headcount follows the Supreme People's Court interpretation on building ownership
/// (最高人民法院关于审理建筑物区分所有权纠纷案件适用法律若干问题的解释), Art. 9: "业主人数，按照
/// 专有部分的数量计算，一个专有部分按一人计算。但建设单位尚未出卖和虽已出卖但尚未交付的部分，
/// 以及同一买受人拥有一个以上专有部分的，按一人计算" — one exclusive unit counts as one owner;
/// one owner holding several units counts once; the developer's unsold or undelivered units
/// count together as one owner. Each owner on the roll is therefore one voter with headcount
/// 1 and the area of all their units in scope.
///
/// ```
/// use wangge::consultation::{ExclusiveUnit, Owner, OwnerRoll, Scope};
/// use wangge::hierarchy::{Hierarchy, NodeId, NodeKind};
///
/// let mut h = Hierarchy::new();
/// h.add("c1", NodeKind::Compound, "世纪新城小区").unwrap();
/// h.add("b1", NodeKind::Building, "1幢").unwrap();
/// h.contain("c1", "b1").unwrap();
///
/// let mut roll = OwnerRoll::new();
/// roll.add_owner(Owner::new("wang"))?;
/// roll.add_owner(Owner::developer("dev"))?;
/// for (unit, owner, area) in [("101", "wang", "89.57"), ("102", "wang", "90.00"),
///                             ("201", "dev", "89.57"), ("202", "dev", "90.00")] {
///     roll.add_unit(ExclusiveUnit { id: unit.into(), building: NodeId::new("b1").unwrap(),
///         building_unit: Some("1".into()), area: area.parse()?, owner: owner.into() })?;
/// }
/// let e = roll.electorate(&h, &Scope::Compound(NodeId::new("c1").unwrap()))?;
/// assert_eq!(e.totals().headcount, 2);            // wang once, the developer once
/// assert_eq!(e.totals().area.to_string(), "359.14");
/// # Ok::<(), wangge::consultation::ConsultationError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OwnerRoll {
    owners: Vec<Owner>,
    units: Vec<ExclusiveUnit>,
    owner_index: FxHashMap<String, u32>,
    unit_index: FxHashMap<String, u32>,
    developer: Option<u32>,
    non_voters: NonVoterPolicy,
}

fn to_u32(n: usize) -> Result<u32> {
    u32::try_from(n)
        .ok()
        .filter(|n| *n < u32::MAX)
        .ok_or(ConsultationError::CapacityExceeded {
            limit: u64::from(u32::MAX - 1),
        })
}

impl OwnerRoll {
    /// An empty roll.
    pub fn new() -> OwnerRoll {
        OwnerRoll::default()
    }

    /// A roll from owners and units, checked as by [`OwnerRoll::add_owner`] and
    /// [`OwnerRoll::add_unit`].
    pub fn from_parts(
        owners: impl IntoIterator<Item = Owner>,
        units: impl IntoIterator<Item = ExclusiveUnit>,
    ) -> Result<OwnerRoll> {
        let mut roll = OwnerRoll::new();
        for o in owners {
            roll.add_owner(o)?;
        }
        for u in units {
            roll.add_unit(u)?;
        }
        Ok(roll)
    }

    /// Adds an owner. Refused if the id is invalid or taken, or if it is a second developer.
    pub fn add_owner(&mut self, owner: Owner) -> Result<()> {
        check_id("owner", &owner.id)?;
        if self.owner_index.contains_key(&owner.id) {
            return Err(ConsultationError::DuplicateOwner { owner: owner.id });
        }
        let ix = to_u32(self.owners.len())?;
        if owner.developer {
            if let Some(first) = self.developer.and_then(|d| self.owners.get(d as usize)) {
                return Err(ConsultationError::MultipleDevelopers {
                    first: first.id.clone(),
                    second: owner.id,
                });
            }
            self.developer = Some(ix);
        }
        self.owner_index.insert(owner.id.clone(), ix);
        self.owners.push(owner);
        Ok(())
    }

    /// Adds an exclusive unit. Refused if the id is invalid or taken, the building-unit
    /// label is invalid, the owner is not on the roll, or the area is zero or above
    /// [`Area::MAX_UNIT`].
    pub fn add_unit(&mut self, unit: ExclusiveUnit) -> Result<()> {
        check_id("unit", &unit.id)?;
        if let Some(label) = &unit.building_unit {
            check_id("building unit", label)?;
        }
        if self.unit_index.contains_key(&unit.id) {
            return Err(ConsultationError::DuplicateUnit { unit: unit.id });
        }
        if !self.owner_index.contains_key(&unit.owner) {
            return Err(ConsultationError::UnknownOwner { owner: unit.owner });
        }
        if unit.area == Area::ZERO {
            return Err(ConsultationError::InvalidArea {
                input: unit.area.to_string(),
                reason: "an exclusive unit's area must be positive",
            });
        }
        if unit.area > Area::MAX_UNIT {
            return Err(ConsultationError::InvalidArea {
                input: unit.area.to_string(),
                reason: "an exclusive unit's area must be at most 10,000,000 m²",
            });
        }
        let ix = to_u32(self.units.len())?;
        self.unit_index.insert(unit.id.clone(), ix);
        self.units.push(unit);
        Ok(())
    }

    /// The owners, in the order added.
    pub fn owners(&self) -> &[Owner] {
        &self.owners
    }

    /// The units, in the order added.
    pub fn units(&self) -> &[ExclusiveUnit] {
        &self.units
    }

    /// An owner by id.
    pub fn owner(&self, id: &str) -> Option<&Owner> {
        self.owner_index
            .get(id)
            .and_then(|i| self.owners.get(*i as usize))
    }

    /// A unit by id.
    pub fn unit(&self, id: &str) -> Option<&ExclusiveUnit> {
        self.unit_index
            .get(id)
            .and_then(|i| self.units.get(*i as usize))
    }

    /// The non-voter policy of this compound's meeting rules (off by default).
    pub fn non_voter_policy(&self) -> NonVoterPolicy {
        self.non_voters
    }

    /// Sets the non-voter policy ([`NonVoterPolicy`]).
    pub fn set_non_voter_policy(&mut self, policy: NonVoterPolicy) {
        self.non_voters = policy;
    }

    /// The electorate of a scope: every owner with at least one unit in it, weighted by the
    /// area of their units in it and counting once. Every unit's building must be a live
    /// building of the hierarchy (checked for every scope but [`Scope::WholeRoll`], which
    /// does not consult the hierarchy).
    pub fn electorate(&self, hierarchy: &Hierarchy, scope: &Scope) -> Result<Electorate> {
        let filter = Filter::resolve(hierarchy, scope)?;
        let mut b = Builder::new(ElectorateKind::Owners, scope.clone(), self.non_voters);
        b.reserve(self.owners.len(), self.units.len());
        let mut voter_of_owner = vec![u32::MAX; self.owners.len()];
        let mut has_unit = vec![false; self.owners.len()];
        let mut building_keys: FxHashMap<&str, NodeKey> = FxHashMap::default();
        for unit in &self.units {
            let owner_ix = self.owner_index.get(&unit.owner).copied().ok_or_else(|| {
                ConsultationError::UnknownOwner {
                    owner: unit.owner.clone(),
                }
            })?;
            if let Some(h) = has_unit.get_mut(owner_ix as usize) {
                *h = true;
            }
            let in_scope = match filter {
                Filter::All => true,
                _ => {
                    let key = match building_keys.get(unit.building.as_str()) {
                        Some(k) => *k,
                        None => {
                            let k = building_key(hierarchy, unit)?;
                            building_keys.insert(unit.building.as_str(), k);
                            k
                        }
                    };
                    filter.contains(hierarchy, key, unit.building_unit.as_deref())
                }
            };
            if !in_scope {
                b.excluded_units.insert(unit.id.clone().into_boxed_str());
                continue;
            }
            let slot = voter_of_owner.get_mut(owner_ix as usize).ok_or_else(|| {
                ConsultationError::UnknownOwner {
                    owner: unit.owner.clone(),
                }
            })?;
            if *slot == u32::MAX {
                *slot = b.push(
                    &unit.owner,
                    VoterWeight {
                        area: 0,
                        mask: HEADCOUNT,
                    },
                )?;
            }
            let voter = *slot;
            if let Some(w) = b.weights.get_mut(voter as usize) {
                w.area += unit.area.hundredths();
            }
            b.units.insert(unit.id.clone().into_boxed_str(), voter);
        }
        for (i, owner) in self.owners.iter().enumerate() {
            if voter_of_owner.get(i) == Some(&u32::MAX) {
                let why = if has_unit.get(i) == Some(&true) {
                    Exclusion::OutOfScope
                } else {
                    Exclusion::NotEligible("holds no exclusive unit on the roll")
                };
                b.excluded.insert(owner.id.clone().into_boxed_str(), why);
            }
        }
        b.finish()
    }

    /// The electorate of the whole roll, without a hierarchy.
    pub fn whole_electorate(&self) -> Result<Electorate> {
        self.electorate(&Hierarchy::new(), &Scope::WholeRoll)
    }

    /// The roll as a document.
    pub fn to_document(&self) -> OwnerRollDocument {
        OwnerRollDocument {
            format: OWNER_ROLL_FORMAT.to_owned(),
            version: 1,
            non_voters: self.non_voters,
            owners: self.owners.clone(),
            units: self.units.clone(),
        }
    }

    /// A roll from a document, checking everything.
    pub fn from_document(doc: OwnerRollDocument) -> Result<OwnerRoll> {
        if doc.format != OWNER_ROLL_FORMAT || doc.version != 1 {
            return Err(ConsultationError::UnsupportedFormat {
                expected: OWNER_ROLL_FORMAT,
                format: doc.format,
                version: doc.version,
            });
        }
        let mut roll = OwnerRoll::from_parts(doc.owners, doc.units)?;
        roll.non_voters = doc.non_voters;
        Ok(roll)
    }

    /// The roll as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_document()).unwrap_or_default()
    }

    /// Reads a roll from JSON text, checking everything.
    ///
    /// An area that is not exact hundredths (e.g. `"-1"`, `"1.005"`) is
    /// `consultation.invalid_area` naming the unit's text, not a generic malformed document.
    pub fn from_json(text: &str) -> Result<OwnerRoll> {
        match serde_json::from_str::<OwnerRollDocument>(text) {
            Ok(doc) => OwnerRoll::from_document(doc),
            Err(e) => Err(area_error(text).unwrap_or(ConsultationError::Malformed {
                message: e.to_string(),
            })),
        }
    }
}

/// The first unit area of a roll document that does not parse, as its typed error.
fn area_error(text: &str) -> Option<ConsultationError> {
    let doc: serde_json::Value = serde_json::from_str(text).ok()?;
    doc.get("units")?
        .as_array()?
        .iter()
        .find_map(|u| match u.get("area")? {
            serde_json::Value::String(a) => a.parse::<Area>().err(),
            other => Some(ConsultationError::InvalidArea {
                input: other.to_string(),
                reason: "an area is written as a string of digits, e.g. \"89.57\"",
            }),
        })
}

/// The owners' roll JSON format, version 1.
///
/// ```json
/// {"format": "wangge.consultation.owner_roll", "version": 1, "nonVoters": "not_counted",
///  "owners": [{"id": "wang"}, {"id": "dev", "developer": true}],
///  "units": [{"id": "1-1-101", "building": "b1", "buildingUnit": "1", "area": "89.57",
///             "owner": "wang"}]}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OwnerRollDocument {
    /// Always `"wangge.consultation.owner_roll"`.
    pub format: String,
    /// Always 1.
    pub version: u32,
    /// The non-voter policy.
    #[serde(default)]
    pub non_voters: NonVoterPolicy,
    /// The owners.
    pub owners: Vec<Owner>,
    /// The exclusive units.
    pub units: Vec<ExclusiveUnit>,
}

impl Serialize for OwnerRoll {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_document().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for OwnerRoll {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<OwnerRoll, D::Error> {
        let doc = OwnerRollDocument::deserialize(deserializer)?;
        OwnerRoll::from_document(doc).map_err(serde::de::Error::custom)
    }
}

fn building_key(h: &Hierarchy, unit: &ExclusiveUnit) -> Result<NodeKey> {
    h.key(unit.building.as_str())
        .filter(|k| h.kind_of(*k) == Some(NodeKind::Building))
        .ok_or_else(|| ConsultationError::UnknownBuilding {
            unit: unit.id.clone(),
            building: unit.building.to_string(),
            expected: "building",
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

/// A resident on the residents' roll (居民).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resident {
    /// The resident id.
    pub id: String,
    /// The household the resident belongs to.
    pub household: String,
    /// The date of birth: a resident votes as a person from their 18th birthday (a person
    /// born on 29 February turns 18 on 1 March in a common year).
    pub birth_date: Date,
}

/// A household (户) with its representative (户代表).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Household {
    /// The household id.
    pub id: String,
    /// The representative: a resident of this household.
    pub representative: String,
    /// Where it lives: a building or any territorial unit of the hierarchy. A household
    /// without a place is only in [`Scope::WholeRoll`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<NodeId>,
    /// The building unit (单元) label, when `place` is a building.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building_unit: Option<String>,
}

/// A residents' group (居民小组) with its 2 to 3 elected representatives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResidentsGroup {
    /// The group id.
    pub id: String,
    /// The elected representatives (residents), 2 or 3.
    pub representatives: Vec<String>,
}

/// The residents' roll (居民名册): households, residents and residents' groups.
///
/// ```
/// use wangge::consultation::{Household, Resident, ResidentRoll, ResidentsGroup, Scope};
/// use wangge::hierarchy::Hierarchy;
///
/// let born = |s: &str| s.parse().unwrap();
/// let roll = ResidentRoll::new(
///     vec![Household { id: "h1".into(), representative: "li".into(), place: None,
///                      building_unit: None }],
///     vec![
///         Resident { id: "li".into(), household: "h1".into(), birth_date: born("1960-05-01") },
///         Resident { id: "xiao".into(), household: "h1".into(), birth_date: born("2010-05-01") },
///     ],
///     vec![],
/// )?;
/// let e = roll.electorate(&Hierarchy::new(), &Scope::WholeRoll, born("2025-06-01"))?;
/// assert_eq!(e.totals().persons, 1);    // the child is not 18
/// assert_eq!(e.totals().households, 1);
/// # Ok::<(), wangge::consultation::ConsultationError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResidentRoll {
    households: Vec<Household>,
    residents: Vec<Resident>,
    groups: Vec<ResidentsGroup>,
}

impl ResidentRoll {
    /// A roll from its parts, checked: ids valid and unique; every resident's household on
    /// the roll; every household's representative a resident of it; every group with 2 to 3
    /// distinct representatives who are residents.
    pub fn new(
        households: Vec<Household>,
        residents: Vec<Resident>,
        groups: Vec<ResidentsGroup>,
    ) -> Result<ResidentRoll> {
        let mut household_ids: FxHashSet<&str> = FxHashSet::default();
        for h in &households {
            check_id("household", &h.id)?;
            if let Some(label) = &h.building_unit {
                check_id("building unit", label)?;
            }
            if !household_ids.insert(h.id.as_str()) {
                return Err(ConsultationError::DuplicateHousehold {
                    household: h.id.clone(),
                });
            }
        }
        let mut resident_household: FxHashMap<&str, &str> = FxHashMap::default();
        for r in &residents {
            check_id("resident", &r.id)?;
            if !household_ids.contains(r.household.as_str()) {
                return Err(ConsultationError::UnknownHousehold {
                    household: r.household.clone(),
                    resident: r.id.clone(),
                });
            }
            if resident_household
                .insert(r.id.as_str(), r.household.as_str())
                .is_some()
            {
                return Err(ConsultationError::DuplicateResident {
                    resident: r.id.clone(),
                });
            }
        }
        to_u32(residents.len())?;
        for h in &households {
            match resident_household.get(h.representative.as_str()) {
                Some(hh) if *hh == h.id => {}
                Some(_) => {
                    return Err(ConsultationError::RepresentativeNotInHousehold {
                        household: h.id.clone(),
                        resident: h.representative.clone(),
                    })
                }
                None => {
                    return Err(ConsultationError::UnknownResident {
                        resident: h.representative.clone(),
                    })
                }
            }
        }
        let mut group_ids: FxHashSet<&str> = FxHashSet::default();
        for g in &groups {
            check_id("group", &g.id)?;
            if !group_ids.insert(g.id.as_str()) {
                return Err(ConsultationError::DuplicateGroup {
                    group: g.id.clone(),
                });
            }
            let mut reps: FxHashSet<&str> = FxHashSet::default();
            for r in &g.representatives {
                if !resident_household.contains_key(r.as_str()) {
                    return Err(ConsultationError::UnknownResident {
                        resident: r.clone(),
                    });
                }
                reps.insert(r.as_str());
            }
            if !(2..=3).contains(&reps.len()) || reps.len() != g.representatives.len() {
                return Err(ConsultationError::InvalidGroup {
                    group: g.id.clone(),
                    representatives: reps.len(),
                });
            }
        }
        Ok(ResidentRoll {
            households,
            residents,
            groups,
        })
    }

    /// The households.
    pub fn households(&self) -> &[Household] {
        &self.households
    }

    /// The residents.
    pub fn residents(&self) -> &[Resident] {
        &self.residents
    }

    /// The residents' groups.
    pub fn groups(&self) -> &[ResidentsGroup] {
        &self.groups
    }

    /// The electorate of a scope on a date: residents of the households in scope who are
    /// 18 or older on `on` (basis persons), household representatives (households) and
    /// elected group representatives (representatives). A resident in scope with none of
    /// these is not eligible. A household's place must be a live territorial unit (checked
    /// for every scope but [`Scope::WholeRoll`]).
    pub fn electorate(&self, hierarchy: &Hierarchy, scope: &Scope, on: Date) -> Result<Electorate> {
        let filter = Filter::resolve(hierarchy, scope)?;
        let mut in_scope: FxHashMap<&str, &Household> = FxHashMap::default();
        for h in &self.households {
            let inside = match (&filter, &h.place) {
                (Filter::All, _) => true,
                (_, None) => false,
                (_, Some(place)) => {
                    let key = hierarchy
                        .key(place.as_str())
                        .filter(|k| hierarchy.kind_of(*k).is_some_and(NodeKind::is_territorial))
                        .ok_or_else(|| ConsultationError::UnknownBuilding {
                            unit: h.id.clone(),
                            building: place.to_string(),
                            expected: "territorial unit",
                        })?;
                    filter.contains(hierarchy, key, h.building_unit.as_deref())
                }
            };
            if inside {
                in_scope.insert(h.id.as_str(), h);
            }
        }
        let elected: FxHashSet<&str> = self
            .groups
            .iter()
            .flat_map(|g| g.representatives.iter().map(String::as_str))
            .collect();
        let mut b = Builder::new(
            ElectorateKind::Residents,
            scope.clone(),
            NonVoterPolicy::NotCounted,
        );
        for r in &self.residents {
            let Some(household) = in_scope.get(r.household.as_str()) else {
                b.excluded
                    .insert(r.id.clone().into_boxed_str(), Exclusion::OutOfScope);
                continue;
            };
            let mut mask = 0;
            if is_adult(r.birth_date, on) {
                mask |= PERSONS;
            }
            if household.representative == r.id {
                mask |= HOUSEHOLDS;
            }
            if elected.contains(r.id.as_str()) {
                mask |= REPRESENTATIVES;
            }
            if mask == 0 {
                b.excluded.insert(
                    r.id.clone().into_boxed_str(),
                    Exclusion::NotEligible("under 18 and represents no household or group"),
                );
                continue;
            }
            b.push(&r.id, VoterWeight { area: 0, mask })?;
        }
        b.finish()
    }
}

/// Whether someone born on `birth` is 18 or older on `on`.
fn is_adult(birth: Date, on: Date) -> bool {
    (i32::from(birth.year()) + 18, birth.month(), birth.day())
        <= (i32::from(on.year()), on.month(), on.day())
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
    index: FxHashMap<Arc<str>, u32>,
    weights: Vec<VoterWeight>,
    units: FxHashMap<Box<str>, u32>,
    excluded: FxHashMap<Box<str>, Exclusion>,
    excluded_units: FxHashSet<Box<str>>,
    totals: Weights,
}

struct Builder {
    kind: ElectorateKind,
    scope: Scope,
    non_voters: NonVoterPolicy,
    ids: Vec<Arc<str>>,
    index: FxHashMap<Arc<str>, u32>,
    weights: Vec<VoterWeight>,
    units: FxHashMap<Box<str>, u32>,
    excluded: FxHashMap<Box<str>, Exclusion>,
    excluded_units: FxHashSet<Box<str>>,
}

impl Builder {
    fn new(kind: ElectorateKind, scope: Scope, non_voters: NonVoterPolicy) -> Builder {
        Builder {
            kind,
            scope,
            non_voters,
            ids: Vec::new(),
            index: FxHashMap::default(),
            weights: Vec::new(),
            units: FxHashMap::default(),
            excluded: FxHashMap::default(),
            excluded_units: FxHashSet::default(),
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
        voters
            .iter()
            .zip(choices)
            .map(|(v, c)| {
                let voter = self
                    .voter_at(*v)
                    .ok_or(ConsultationError::UnknownVoterPosition {
                        position: *v,
                        len: self.len(),
                    })?;
                Ok(CastBallot {
                    voter,
                    choice: Choice::from_code(*c)?,
                })
            })
            .collect()
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
