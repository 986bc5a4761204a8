//! The residents' roll (居民名册): households (户) with their representatives, residents,
//! residents' groups (居民小组), and the electorate they form in a scope on a day.

use super::*;

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

/// The `format` of a residents' roll document.
pub const RESIDENT_ROLL_FORMAT: &str = "wangge.consultation.resident_roll";

fn resident_roll_format() -> String {
    RESIDENT_ROLL_FORMAT.to_owned()
}

fn version_one() -> u32 {
    1
}

/// The residents' roll JSON format, version 1: households, residents and residents' groups.
/// `format` and `version` may be left out on input (they default to this format), so that a
/// bare `{households, residents, groups}` object reads as before.
///
/// ```json
/// {"format": "wangge.consultation.resident_roll", "version": 1,
///  "households": [{"id": "h1", "representative": "li"}],
///  "residents": [{"id": "li", "household": "h1", "birthDate": "1960-05-01"}],
///  "groups": []}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResidentRollDocument {
    /// `"wangge.consultation.resident_roll"`.
    #[serde(default = "resident_roll_format")]
    pub format: String,
    /// 1.
    #[serde(default = "version_one")]
    pub version: u32,
    /// The households.
    pub households: Vec<Household>,
    /// The residents.
    pub residents: Vec<Resident>,
    /// The groups of residents' representatives.
    #[serde(default)]
    pub groups: Vec<ResidentsGroup>,
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
        let mut household_ids: IdSet<&str> = IdSet::default();
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
        let mut resident_household: IdMap<&str, &str> = IdMap::default();
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
        let mut group_ids: IdSet<&str> = IdSet::default();
        for g in &groups {
            check_id("group", &g.id)?;
            if !group_ids.insert(g.id.as_str()) {
                return Err(ConsultationError::DuplicateGroup {
                    group: g.id.clone(),
                });
            }
            let mut reps: IdSet<&str> = IdSet::default();
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

    /// The roll as a document (`wangge.consultation.resident_roll` version 1).
    pub fn to_document(&self) -> ResidentRollDocument {
        ResidentRollDocument {
            format: RESIDENT_ROLL_FORMAT.to_owned(),
            version: 1,
            households: self.households.clone(),
            residents: self.residents.clone(),
            groups: self.groups.clone(),
        }
    }

    /// A roll from a document, checking everything [`ResidentRoll::new`] checks.
    pub fn from_document(doc: ResidentRollDocument) -> Result<ResidentRoll> {
        if doc.format != RESIDENT_ROLL_FORMAT || doc.version != 1 {
            return Err(ConsultationError::UnsupportedFormat {
                expected: RESIDENT_ROLL_FORMAT,
                format: doc.format,
                version: doc.version,
            });
        }
        ResidentRoll::new(doc.households, doc.residents, doc.groups)
    }

    /// The roll as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_document()).unwrap_or_default()
    }

    /// Reads a roll from JSON text, checking everything.
    pub fn from_json(text: &str) -> Result<ResidentRoll> {
        let doc: ResidentRollDocument =
            crate::strict_json::from_str(text).map_err(|e| ConsultationError::Malformed {
                message: crate::document::message(&e),
            })?;
        ResidentRoll::from_document(doc)
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
        let mut in_scope: IdMap<&str, &Household> = IdMap::default();
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
        let elected: IdSet<&str> = self
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
