//! The owners' roll (业主名册) of a compound: owners, their exclusive units (专有部分), the
//! electorate they form in a scope, and the roll's JSON document.

use super::*;

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
    owner_index: IdMap<String, u32>,
    unit_index: IdMap<String, u32>,
    developer: Option<u32>,
    non_voters: NonVoterPolicy,
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
        let mut building_keys: IdMap<&str, NodeKey> = IdMap::default();
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
        match crate::strict_json::from_str::<OwnerRollDocument>(text) {
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
