//! Rules chosen by name and rules given as data (`{"preset": …}` or a rule document): the
//! presets, their reader (a flat record checked against one table of fields per preset) and
//! [`RuleSpec`], which reads either form.

use super::*;

/// A built-in rule chosen by name (for rules written as data): JSON
/// `{"preset": "civil_code_278_special"}`, `{"preset": "elevator_installation", "units": ["3-2-101"]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "preset", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RulePreset {
    /// [`Rule::civil_code_278_ordinary`].
    #[serde(rename = "civil_code_278_ordinary")]
    CivilCode278Ordinary,
    /// [`Rule::civil_code_278_special`].
    #[serde(rename = "civil_code_278_special")]
    CivilCode278Special,
    /// [`Rule::civil_code_279_unanimity`] over the owners concerned.
    #[serde(rename = "civil_code_279_unanimity")]
    CivilCode279Unanimity {
        /// The owners concerned.
        owners: Vec<String>,
    },
    /// [`Rule::residents_meeting`].
    ResidentsMeeting,
    /// [`Rule::elevator_installation`] with the units physically used.
    ElevatorInstallation {
        /// The units whose owners must agree individually.
        units: Vec<String>,
    },
    /// [`Rule::consensus_of_attendees`] on a basis.
    ConsensusOfAttendees {
        /// The basis.
        basis: Basis,
    },
    /// [`Rule::two_thirds_of_representatives`].
    TwoThirdsOfRepresentatives,
}

impl RulePreset {
    /// The rule.
    pub fn rule(&self) -> Rule {
        match self {
            RulePreset::CivilCode278Ordinary => Rule::civil_code_278_ordinary(),
            RulePreset::CivilCode278Special => Rule::civil_code_278_special(),
            RulePreset::CivilCode279Unanimity { owners } => {
                Rule::civil_code_279_unanimity(owners.iter().cloned())
            }
            RulePreset::ResidentsMeeting => Rule::residents_meeting(),
            RulePreset::ElevatorInstallation { units } => {
                Rule::elevator_installation(units.iter().cloned())
            }
            RulePreset::ConsensusOfAttendees { basis } => Rule::consensus_of_attendees(*basis),
            RulePreset::TwoThirdsOfRepresentatives => Rule::two_thirds_of_representatives(),
        }
    }
}

/// A preset as read: the name and every field any preset takes, checked against the fields
/// its name takes (see `crate::flat`: no `Content` buffering of the object).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlatPreset {
    preset: PresetName,
    owners: Option<Vec<String>>,
    units: Option<Vec<String>>,
    basis: Option<Basis>,
}

#[derive(Clone, Copy)]
enum PresetName {
    CivilCode278Ordinary,
    CivilCode278Special,
    CivilCode279Unanimity,
    ResidentsMeeting,
    ElevatorInstallation,
    ConsensusOfAttendees,
    TwoThirdsOfRepresentatives,
}

crate::names::deserialize_by_name!(PresetName {
    CivilCode278Ordinary = "civil_code_278_ordinary",
    CivilCode278Special = "civil_code_278_special",
    CivilCode279Unanimity = "civil_code_279_unanimity",
    ResidentsMeeting = "residents_meeting",
    ElevatorInstallation = "elevator_installation",
    ConsensusOfAttendees = "consensus_of_attendees",
    TwoThirdsOfRepresentatives = "two_thirds_of_representatives",
});

impl<'de> Deserialize<'de> for RulePreset {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<RulePreset, D::Error> {
        use crate::flat::{check, need, present};
        const FIELDS: [&str; 3] = ["owners", "units", "basis"];
        let f = FlatPreset::deserialize(d)?;
        let on = present(&[f.owners.is_some(), f.units.is_some(), f.basis.is_some()]);
        use PresetName as P;
        let (name, required): (&str, &[&str]) = match f.preset {
            P::CivilCode278Ordinary => ("civil_code_278_ordinary", &[]),
            P::CivilCode278Special => ("civil_code_278_special", &[]),
            P::CivilCode279Unanimity => ("civil_code_279_unanimity", &["owners"]),
            P::ResidentsMeeting => ("residents_meeting", &[]),
            P::ElevatorInstallation => ("elevator_installation", &["units"]),
            P::ConsensusOfAttendees => ("consensus_of_attendees", &["basis"]),
            P::TwoThirdsOfRepresentatives => ("two_thirds_of_representatives", &[]),
        };
        check(&FIELDS, on, required, &[], name, "preset")?;
        Ok(match f.preset {
            P::CivilCode278Ordinary => RulePreset::CivilCode278Ordinary,
            P::CivilCode278Special => RulePreset::CivilCode278Special,
            P::CivilCode279Unanimity => RulePreset::CivilCode279Unanimity {
                owners: need(f.owners, "owners")?,
            },
            P::ResidentsMeeting => RulePreset::ResidentsMeeting,
            P::ElevatorInstallation => RulePreset::ElevatorInstallation {
                units: need(f.units, "units")?,
            },
            P::ConsensusOfAttendees => RulePreset::ConsensusOfAttendees {
                basis: need(f.basis, "basis")?,
            },
            P::TwoThirdsOfRepresentatives => RulePreset::TwoThirdsOfRepresentatives,
        })
    }
}

/// A rule written out in full or named as a preset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RuleSpec {
    /// A preset.
    Preset(RulePreset),
    /// A rule in full.
    Rule(Rule),
}

impl RuleSpec {
    /// A preset (`{"preset": …}`) or a rule document, from JSON text, with the typed errors
    /// of [`Rule::from_json`] for a rule in full.
    ///
    /// ```
    /// use wangge::consultation::RuleSpec;
    /// let rule = RuleSpec::from_json(r#"{"preset": "civil_code_278_special"}"#)?.rule()?;
    /// assert_eq!(rule.id, "civil_code_278_special");
    /// # Ok::<(), wangge::consultation::ConsultationError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<RuleSpec, ConsultationError> {
        #[derive(Deserialize)]
        struct Probe {
            #[serde(default)]
            preset: Option<serde::de::IgnoredAny>,
        }
        let malformed = |e: serde_json::Error| ConsultationError::Malformed {
            message: e.to_string(),
        };
        let probe: Probe = crate::strict_json::from_str(text).map_err(malformed)?;
        if probe.preset.is_some() {
            Ok(RuleSpec::Preset(
                crate::strict_json::from_str(text).map_err(malformed)?,
            ))
        } else {
            Ok(RuleSpec::Rule(Rule::from_json(text)?))
        }
    }

    /// The rule, checked.
    pub fn rule(self) -> Result<Rule, ConsultationError> {
        let rule = match self {
            RuleSpec::Preset(p) => p.rule(),
            RuleSpec::Rule(r) => r,
        };
        rule.validate()?;
        Ok(rule)
    }
}
