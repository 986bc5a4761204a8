//! Case categories (案件分类): a configurable taxonomy of dotted codes.

use crate::hash::IdMap;
use serde::{Deserialize, Serialize};

/// One category: a dotted code (`livelihood.parking`), names in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Category {
    /// The code; the part before the last dot is the parent category.
    pub code: String,
    /// The Chinese name.
    pub name: String,
    /// The English name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name_en: String,
}

/// Why a taxonomy was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum TaxonomyError {
    /// A code is not a dotted code of letters, digits, `_` and `-`.
    #[error("invalid category code {code:?}")]
    InvalidCode {
        /// The code given (`category` in the error's details).
        #[serde(rename = "category")]
        code: String,
    },
    /// A code appears twice.
    #[error("category {code:?} appears twice")]
    DuplicateCode {
        /// The code given (`category` in the error's details).
        #[serde(rename = "category")]
        code: String,
    },
    /// A code's parent (the part before its last dot) is not in the taxonomy.
    #[error("category {code:?} has no parent {parent:?} in the taxonomy")]
    MissingParent {
        /// The code given (`category` in the error's details).
        #[serde(rename = "category")]
        code: String,
        /// The parent it needs.
        parent: String,
    },
    /// More than 65,535 categories.
    #[error("a taxonomy holds at most 65535 categories")]
    TooMany,
    /// The document is not a wangge taxonomy of a supported version, or not valid JSON.
    #[error("malformed taxonomy document: {message}")]
    Malformed {
        /// What is wrong.
        message: String,
    },
}

impl TaxonomyError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            TaxonomyError::InvalidCode { .. } => "taxonomy.invalid_code",
            TaxonomyError::DuplicateCode { .. } => "taxonomy.duplicate_code",
            TaxonomyError::MissingParent { .. } => "taxonomy.missing_parent",
            TaxonomyError::TooMany => "taxonomy.too_many",
            TaxonomyError::Malformed { .. } => "taxonomy.malformed",
        }
    }
}

/// A taxonomy of case categories. Parents come before children; codes are checked.
///
/// [`Taxonomy::default`] covers the four duties of grid workers in the article (信息采报,
/// 政策宣传, 矛盾调解, 民生服务) and the facility (部件) and event (事件) classes of digital
/// city management (GB/T 30428). Hosts can load their own from JSON:
///
/// ```json
/// {"format": "wangge.taxonomy", "version": 1,
///  "categories": [{"code": "livelihood", "name": "民生服务", "nameEn": "Livelihood services"}]}
/// ```
///
/// ```
/// use wangge::ticket::Taxonomy;
/// let t = Taxonomy::default();
/// assert_eq!(t.get("livelihood.parking").unwrap().name, "停车");
/// assert!(t.get("livelihood.unknown").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxonomy {
    categories: Vec<Category>,
    by_code: IdMap<String, u16>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TaxonomyDocument {
    format: String,
    version: u32,
    categories: Vec<Category>,
}

impl Taxonomy {
    /// A taxonomy from categories (parents before children).
    pub fn new(categories: Vec<Category>) -> Result<Taxonomy, TaxonomyError> {
        if categories.len() > usize::from(u16::MAX) {
            return Err(TaxonomyError::TooMany);
        }
        let mut by_code = IdMap::default();
        for (i, c) in categories.iter().enumerate() {
            let valid = !c.code.is_empty()
                && c.code.split('.').all(|p| {
                    !p.is_empty()
                        && p.chars()
                            .all(|ch| ch.is_alphanumeric() || ch == '_' || ch == '-')
                });
            if !valid {
                return Err(TaxonomyError::InvalidCode {
                    code: c.code.clone(),
                });
            }
            if let Some((parent, _)) = c.code.rsplit_once('.') {
                if !by_code.contains_key(parent) {
                    return Err(TaxonomyError::MissingParent {
                        code: c.code.clone(),
                        parent: parent.to_owned(),
                    });
                }
            }
            let index = u16::try_from(i).map_err(|_| TaxonomyError::TooMany)?;
            if by_code.insert(c.code.clone(), index).is_some() {
                return Err(TaxonomyError::DuplicateCode {
                    code: c.code.clone(),
                });
            }
        }
        Ok(Taxonomy {
            categories,
            by_code,
        })
    }

    /// A category by code.
    pub fn get(&self, code: &str) -> Option<&Category> {
        self.index(code).and_then(|i| self.by_index(i))
    }

    /// The dense index of a code.
    pub fn index(&self, code: &str) -> Option<u16> {
        self.by_code.get(code).copied()
    }

    /// The category at a dense index.
    pub fn by_index(&self, index: u16) -> Option<&Category> {
        self.categories.get(usize::from(index))
    }

    /// Whether a category pattern (`*`, a code, or a code's prefix; see
    /// [`category_matches`](crate::hierarchy::category_matches)) matches a category here.
    pub fn matches_any(&self, pattern: &str) -> bool {
        self.categories()
            .iter()
            .any(|c| crate::hierarchy::category_matches(pattern, &c.code))
    }

    /// All categories, parents before children.
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// The number of categories.
    pub fn len(&self) -> usize {
        self.categories.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty()
    }

    /// The taxonomy as JSON (`wangge.taxonomy` version 1).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a taxonomy from JSON.
    ///
    /// A document that is not JSON, or of another format or version, is
    /// `taxonomy.malformed`; a readable document with bad categories gets the error of the
    /// first bad category (invalid code, duplicate, missing parent).
    pub fn from_json(text: &str) -> Result<Taxonomy, TaxonomyError> {
        let doc: TaxonomyDocument =
            crate::strict_json::from_str(text).map_err(|e| TaxonomyError::Malformed {
                message: e.to_string(),
            })?;
        if doc.format != "wangge.taxonomy" || doc.version != 1 {
            return Err(TaxonomyError::Malformed {
                message: format!(
                    "unsupported taxonomy format {:?} version {}",
                    doc.format, doc.version
                ),
            });
        }
        Taxonomy::new(doc.categories)
    }
}

impl Serialize for Taxonomy {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        TaxonomyDocument {
            format: "wangge.taxonomy".to_owned(),
            version: 1,
            categories: self.categories.clone(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Taxonomy {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Taxonomy, D::Error> {
        let doc = TaxonomyDocument::deserialize(deserializer)?;
        if doc.format != "wangge.taxonomy" || doc.version != 1 {
            return Err(serde::de::Error::custom(format!(
                "unsupported taxonomy format {:?} version {}",
                doc.format, doc.version
            )));
        }
        Taxonomy::new(doc.categories).map_err(serde::de::Error::custom)
    }
}

const DEFAULT: &[(&str, &str, &str)] = &[
    ("info", "信息采报", "Information reports"),
    ("info.population", "人口信息", "Population information"),
    ("info.hazard", "安全隐患", "Safety hazards"),
    ("policy", "政策宣传", "Policy outreach"),
    ("policy.social_security", "社保政策", "Social security"),
    ("policy.elderly", "养老政策", "Elderly care policy"),
    ("mediation", "矛盾调解", "Dispute mediation"),
    ("mediation.neighbour", "邻里纠纷", "Neighbour disputes"),
    (
        "mediation.property",
        "物业纠纷",
        "Property-management disputes",
    ),
    ("mediation.family", "家庭纠纷", "Family disputes"),
    ("livelihood", "民生服务", "Livelihood services"),
    ("livelihood.parking", "停车", "Parking"),
    ("livelihood.charging", "充电桩", "EV charging"),
    ("livelihood.elder_canteen", "老年助餐", "Elder canteens"),
    ("livelihood.elevator", "加装电梯", "Elevator installation"),
    (
        "livelihood.utilities",
        "水电气热",
        "Water, power, gas, heating",
    ),
    ("livelihood.repair", "维修", "Repairs"),
    ("livelihood.pest_control", "病虫害防治", "Pest control"),
    (
        "livelihood.greening",
        "绿化养护",
        "Tree trimming and greenery",
    ),
    ("facility", "部件", "Facilities (部件)"),
    ("facility.public_utilities", "公用设施", "Public utilities"),
    (
        "facility.roads_traffic",
        "道路交通设施",
        "Roads and traffic",
    ),
    (
        "facility.city_appearance",
        "市容环境设施",
        "City appearance",
    ),
    ("facility.greenery", "园林绿化设施", "Greenery"),
    ("facility.buildings_land", "房屋土地", "Buildings and land"),
    ("facility.other", "其他设施", "Other facilities"),
    ("event", "事件", "Events (事件)"),
    (
        "event.appearance_environment",
        "市容环境",
        "Appearance and environment",
    ),
    ("event.advertising", "宣传广告", "Advertising"),
    ("event.construction", "施工管理", "Construction"),
    ("event.street_order", "街面秩序", "Street order"),
    ("event.market", "市场监管", "Market supervision"),
    ("event.emergency", "突发事件", "Emergencies"),
    ("event.other", "其他事件", "Other events"),
];

impl Default for Taxonomy {
    fn default() -> Taxonomy {
        let categories = DEFAULT
            .iter()
            .map(|(code, name, en)| Category {
                code: (*code).to_owned(),
                name: (*name).to_owned(),
                name_en: (*en).to_owned(),
            })
            .collect();
        Taxonomy::new(categories).unwrap_or(Taxonomy {
            categories: Vec::new(),
            by_code: IdMap::default(),
        })
    }
}
