//! Rules as data: thresholds, bases, denominators and comparisons (表决规则).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::check_id;
use super::ConsultationError;

mod presets;
pub use presets::{RulePreset, RuleSpec};

/// A text in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Bilingual {
    /// The Chinese text.
    pub zh: String,
    /// The English text.
    pub en: String,
}

impl Bilingual {
    /// A text from its Chinese and English versions.
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Bilingual {
        Bilingual {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

/// What is counted (计票基数).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Exclusive floor area (专有部分面积), in hundredths of a square metre.
    Area,
    /// Owners counted by the Supreme People's Court rule (业主人数): one exclusive unit is one
    /// owner, one owner of several units counts once, the developer's unsold or undelivered
    /// units count as one owner together.
    Headcount,
    /// Persons: residents aged 18 or more (十八周岁以上的居民), or the members of a forum.
    Persons,
    /// Households, through their representatives (户代表).
    Households,
    /// Elected representatives (居民小组选举的代表, 2–3 per residents' group), or the
    /// representatives among a forum's members.
    Representatives,
}

impl Basis {
    /// Every basis.
    pub const ALL: [Basis; 5] = [
        Basis::Area,
        Basis::Headcount,
        Basis::Persons,
        Basis::Households,
        Basis::Representatives,
    ];

    /// The snake_case name used in every serialized format.
    pub const fn as_str(self) -> &'static str {
        match self {
            Basis::Area => "area",
            Basis::Headcount => "headcount",
            Basis::Persons => "persons",
            Basis::Households => "households",
            Basis::Representatives => "representatives",
        }
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whose weight is counted above the line of a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Numerator {
    /// Everyone who took part (参与表决 / 出席): agreeing, opposing and abstaining. Read as
    /// `"attendees"` too.
    #[serde(alias = "attendees")]
    Participants,
    /// Those who agree (同意).
    Agreeing,
    /// Those who oppose (反对). A condition on opposition is not monotone in agreement; use
    /// it for rules that measure opposition.
    Opposing,
    /// Those who abstain (弃权).
    Abstaining,
    /// Those who took part and did not oppose (agreeing and abstaining): "no objection"
    /// (无异议), the basis of consensus rules.
    NotOpposing,
}

/// What a condition's count is divided by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Denominator {
    /// Everyone eligible in the vote's scope (全体): total area, total owners, all residents
    /// aged 18+, all households, all elected representatives.
    Eligible,
    /// Those who took part (参与表决的 / 出席的). Read as `"attendees"` too.
    #[serde(alias = "attendees")]
    Participants,
}

/// How a count is compared with a fraction of its denominator. The words follow Civil Code
/// Article 1259: "民法所称的“以上”、“以下”、“以内”、“届满”，包括本数；所称的“不满”、“超过”、
/// “以外”，不包括本数。"
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// "or more" (以上): the boundary itself is enough. `count / total >= fraction`.
    AtLeast,
    /// "more than" (过半数, 超过): the boundary itself is not enough.
    /// `count / total > fraction`.
    MoreThan,
}

/// An exact fraction `num/den` with `0 <= num <= den` and `den > 0`.
///
/// Comparisons cross-multiply in `u128` (`count × den` against `num × total`): never a
/// floating-point number, and no overflow for any `u64` counts.
///
/// ```
/// use wangge::consultation::{Comparison, Fraction};
/// let two_thirds = Fraction::TWO_THIRDS;
/// assert!(two_thirds.compare(Comparison::AtLeast, 2, 3)); // exactly 2/3: "以上" includes it
/// assert!(!Fraction::HALF.compare(Comparison::MoreThan, 1, 2)); // exactly 1/2: not "过半数"
/// assert!(Fraction::new(1, 0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    deny_unknown_fields,
    try_from = "FractionRepr",
    into = "FractionRepr"
)]
pub struct Fraction {
    num: u64,
    den: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FractionRepr {
    num: u64,
    den: u64,
}

/// The first improper fraction of a rule document, as its typed error.
fn fraction_error(text: &str) -> Option<ConsultationError> {
    let doc: serde_json::Value = serde_json::from_str(text).ok()?;
    let groups = doc.get("groups")?.as_array()?;
    groups
        .iter()
        .filter_map(|g| g.get("conditions")?.as_array())
        .flatten()
        .filter_map(|c| c.get("fraction"))
        .find_map(|f| {
            let num = f.get("num")?.as_u64()?;
            let den = f.get("den")?.as_u64()?;
            Fraction::new(num, den).err()
        })
}

impl TryFrom<FractionRepr> for Fraction {
    type Error = ConsultationError;
    fn try_from(r: FractionRepr) -> Result<Fraction, ConsultationError> {
        Fraction::new(r.num, r.den)
    }
}

impl From<Fraction> for FractionRepr {
    fn from(f: Fraction) -> FractionRepr {
        FractionRepr {
            num: f.num,
            den: f.den,
        }
    }
}

impl Fraction {
    /// One half (半数 / 二分之一).
    pub const HALF: Fraction = Fraction { num: 1, den: 2 };
    /// Two thirds (三分之二).
    pub const TWO_THIRDS: Fraction = Fraction { num: 2, den: 3 };
    /// Three quarters (四分之三).
    pub const THREE_QUARTERS: Fraction = Fraction { num: 3, den: 4 };
    /// All (全部).
    pub const ALL: Fraction = Fraction { num: 1, den: 1 };
    /// Nothing (零): with [`Comparison::MoreThan`], "at least one".
    pub const ZERO: Fraction = Fraction { num: 0, den: 1 };

    /// A fraction; refused if `den` is zero or `num > den`.
    pub fn new(num: u64, den: u64) -> Result<Fraction, ConsultationError> {
        if den == 0 || num > den {
            Err(ConsultationError::InvalidFraction { num, den })
        } else {
            Ok(Fraction { num, den })
        }
    }

    /// The numerator.
    pub const fn num(self) -> u64 {
        self.num
    }

    /// The denominator.
    pub const fn den(self) -> u64 {
        self.den
    }

    /// Whether `count / total` compares with this fraction as asked, exactly. A zero total
    /// never satisfies a condition (a share of nobody is undefined).
    pub fn compare(self, comparison: Comparison, count: u64, total: u64) -> bool {
        if total == 0 {
            return false;
        }
        let lhs = u128::from(count) * u128::from(self.den);
        let rhs = u128::from(self.num) * u128::from(total);
        match comparison {
            Comparison::AtLeast => lhs >= rhs,
            Comparison::MoreThan => lhs > rhs,
        }
    }

    /// The smallest count that satisfies the comparison against `total`: `⌈num×total/den⌉`
    /// for "or more", `⌊num×total/den⌋ + 1` for "more than". `None` for a zero total.
    pub fn needed(self, comparison: Comparison, total: u64) -> Option<u64> {
        if total == 0 {
            return None;
        }
        let product = u128::from(self.num) * u128::from(total);
        let den = u128::from(self.den);
        let needed = match comparison {
            Comparison::AtLeast => product.div_ceil(den),
            Comparison::MoreThan => product / den + 1,
        };
        u64::try_from(needed).ok()
    }
}

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

/// One threshold: `numerator` measured on `basis` compared with `fraction` of
/// `denominator`. E.g. "participating area is two thirds or more of the total area":
/// `{basis: area, numerator: participants, denominator: eligible, fraction: 2/3, at_least}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Condition {
    /// What is counted.
    pub basis: Basis,
    /// Whose weight is above the line.
    pub numerator: Numerator,
    /// What it is divided by.
    pub denominator: Denominator,
    /// The threshold.
    pub fraction: Fraction,
    /// "or more" or "more than".
    pub comparison: Comparison,
}

impl Condition {
    /// A condition.
    pub const fn new(
        basis: Basis,
        numerator: Numerator,
        denominator: Denominator,
        fraction: Fraction,
        comparison: Comparison,
    ) -> Condition {
        Condition {
            basis,
            numerator,
            denominator,
            fraction,
            comparison,
        }
    }

    /// Participation of `fraction` or more of the eligible (参与表决 … 以上).
    pub const fn participation_at_least(basis: Basis, fraction: Fraction) -> Condition {
        Condition::new(
            basis,
            Numerator::Participants,
            Denominator::Eligible,
            fraction,
            Comparison::AtLeast,
        )
    }

    /// Attendance of more than `fraction` of the eligible (… 过半数出席).
    pub const fn participation_more_than(basis: Basis, fraction: Fraction) -> Condition {
        Condition::new(
            basis,
            Numerator::Participants,
            Denominator::Eligible,
            fraction,
            Comparison::MoreThan,
        )
    }

    /// Agreement of `fraction` or more of the participants (参与表决 … 以上 … 同意).
    pub const fn agreement_at_least(basis: Basis, fraction: Fraction) -> Condition {
        Condition::new(
            basis,
            Numerator::Agreeing,
            Denominator::Participants,
            fraction,
            Comparison::AtLeast,
        )
    }

    /// Agreement of more than `fraction` of the participants (参与表决 … 过半数 … 同意).
    pub const fn agreement_more_than(basis: Basis, fraction: Fraction) -> Condition {
        Condition::new(
            basis,
            Numerator::Agreeing,
            Denominator::Participants,
            fraction,
            Comparison::MoreThan,
        )
    }

    /// Whether this condition measures participation (its numerator is the participants).
    pub const fn is_participation(&self) -> bool {
        matches!(self.numerator, Numerator::Participants)
    }
}

/// Conditions that must all hold together ("且", AND). A rule holds when any one of its
/// groups holds ("或者", OR), as with the three alternative bases of a residents' meeting.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConditionGroup {
    /// A label for explanations (e.g. "户代表 / household representatives").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Bilingual>,
    /// The conditions, all required.
    pub conditions: Vec<Condition>,
}

impl ConditionGroup {
    /// A group of conditions that must all hold.
    pub fn all(conditions: impl IntoIterator<Item = Condition>) -> ConditionGroup {
        ConditionGroup {
            label: None,
            conditions: conditions.into_iter().collect(),
        }
    }

    /// The group with a label.
    pub fn labelled(mut self, label: Bilingual) -> ConditionGroup {
        self.label = Some(label);
        self
    }
}

/// Someone whose own agreement is required, whatever the counts say (本人同意).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Consent {
    /// The owner of this exclusive unit (e.g. the ground-floor unit where an elevator shaft
    /// lands). JSON: `{"unit": "3-2-101"}`.
    Unit(String),
    /// This voter (an owner, a resident, a member). JSON: `{"voter": "owner-17"}`.
    Voter(String),
}

impl Consent {
    /// The id named.
    pub fn id(&self) -> &str {
        match self {
            Consent::Unit(id) | Consent::Voter(id) => id,
        }
    }
}

/// The `format` field of a serialized rule.
pub const RULE_FORMAT: &str = "wangge.consultation.rule";

/// A decision rule as data (表决规则).
///
/// A rule passes when **any** of its condition groups holds (every condition of that group
/// holds) **and** every required consent ([`Rule::must_agree`]) is given by an agreeing
/// ballot. A rule with no group is a pure consent rule (e.g. Art. 279 unanimity).
///
/// Serialized as a top-level document:
///
/// ```json
/// {
///   "format": "wangge.consultation.rule",
///   "version": 1,
///   "id": "civil_code_278_ordinary",
///   "name": {"zh": "…", "en": "…"},
///   "groups": [{"conditions": [
///     {"basis": "area", "numerator": "participants", "denominator": "eligible",
///      "fraction": {"num": 2, "den": 3}, "comparison": "at_least"}
///   ]}],
///   "mustAgree": [{"unit": "3-2-101"}]
/// }
/// ```
///
/// ```
/// use wangge::consultation::Rule;
/// let rule = Rule::civil_code_278_ordinary();
/// let json = serde_json::to_string(&rule).unwrap();
/// assert_eq!(serde_json::from_str::<Rule>(&json).unwrap(), rule);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RuleDocument", into = "RuleDocument")]
pub struct Rule {
    /// A stable id (e.g. `"civil_code_278_ordinary"`).
    pub id: String,
    /// The name shown in explanations.
    pub name: Bilingual,
    /// Alternative groups of conditions; the rule holds if any group holds.
    pub groups: Vec<ConditionGroup>,
    /// Voters (or owners of units) who must each agree individually.
    pub must_agree: Vec<Consent>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RuleDocument {
    format: String,
    version: u32,
    id: String,
    name: Bilingual,
    #[serde(default)]
    groups: Vec<ConditionGroup>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    must_agree: Vec<Consent>,
}

impl TryFrom<RuleDocument> for Rule {
    type Error = ConsultationError;
    fn try_from(d: RuleDocument) -> Result<Rule, ConsultationError> {
        if d.format != RULE_FORMAT || d.version != 1 {
            return Err(ConsultationError::UnsupportedFormat {
                expected: RULE_FORMAT,
                format: d.format,
                version: d.version,
            });
        }
        let rule = Rule {
            id: d.id,
            name: d.name,
            groups: d.groups,
            must_agree: d.must_agree,
        };
        rule.validate()?;
        Ok(rule)
    }
}

impl From<Rule> for RuleDocument {
    fn from(r: Rule) -> RuleDocument {
        RuleDocument {
            format: RULE_FORMAT.to_owned(),
            version: 1,
            id: r.id,
            name: r.name,
            groups: r.groups,
            must_agree: r.must_agree,
        }
    }
}

impl Rule {
    /// A rule with an id, a name and one group of conditions.
    pub fn new(
        id: impl Into<String>,
        name: Bilingual,
        conditions: impl IntoIterator<Item = Condition>,
    ) -> Rule {
        Rule {
            id: id.into(),
            name,
            groups: vec![ConditionGroup::all(conditions)],
            must_agree: Vec::new(),
        }
    }

    /// The rule with one more alternative group.
    pub fn or(mut self, group: ConditionGroup) -> Rule {
        self.groups.push(group);
        self
    }

    /// The rule, additionally requiring these consents.
    pub fn requiring(mut self, consents: impl IntoIterator<Item = Consent>) -> Rule {
        self.must_agree.extend(consents);
        self
    }

    /// The rule as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads and validates a rule from JSON text.
    ///
    /// A fraction that is not a proper one (`{"num": 3, "den": 2}`, a zero denominator) is
    /// `consultation.invalid_fraction` with its terms, not a generic malformed document.
    pub fn from_json(text: &str) -> Result<Rule, ConsultationError> {
        let doc: RuleDocument = crate::strict_json::from_str(text).map_err(|e| {
            fraction_error(text).unwrap_or(ConsultationError::Malformed {
                message: e.to_string(),
            })
        })?;
        Rule::try_from(doc)
    }

    /// Checks the rule: a valid id; at least one group or one required consent; no empty
    /// group; no condition that can never hold ("more than all") or that is meaningless
    /// (participants measured against participants); no consent named twice.
    pub fn validate(&self) -> Result<(), ConsultationError> {
        check_id("rule", &self.id)?;
        let invalid = |reason: String| ConsultationError::InvalidRule {
            rule: self.id.clone(),
            reason,
        };
        if self.groups.is_empty() && self.must_agree.is_empty() {
            return Err(invalid(
                "a rule needs at least one condition group or one required consent".into(),
            ));
        }
        for (g, group) in self.groups.iter().enumerate() {
            if group.conditions.is_empty() {
                return Err(invalid(format!("groups[{g}] has no condition")));
            }
            for (c, cond) in group.conditions.iter().enumerate() {
                if cond.comparison == Comparison::MoreThan && cond.fraction.num == cond.fraction.den
                {
                    return Err(invalid(format!(
                        "groups[{g}].conditions[{c}]: more than all ({}) can never hold",
                        cond.fraction
                    )));
                }
                if cond.numerator == Numerator::Participants
                    && cond.denominator == Denominator::Participants
                {
                    return Err(invalid(format!(
                        "groups[{g}].conditions[{c}]: participants measured against participants is meaningless"
                    )));
                }
            }
        }
        for (i, consent) in self.must_agree.iter().enumerate() {
            check_id("consent", consent.id())?;
            if self.must_agree.iter().take(i).any(|c| c == consent) {
                return Err(invalid(format!("mustAgree names {:?} twice", consent.id())));
            }
        }
        Ok(())
    }

    /// Every basis the rule counts.
    pub fn bases(&self) -> impl Iterator<Item = Basis> + '_ {
        self.groups
            .iter()
            .flat_map(|g| g.conditions.iter().map(|c| c.basis))
    }

    // ----- presets -------------------------------------------------------------------------

    /// Civil Code Article 278, ordinary matters (民法典第二百七十八条, 一般事项, items 1–5
    /// and 9).
    ///
    /// "业主共同决定事项，应当由专有部分面积占比三分之二以上的业主且人数占比三分之二以上的业主
    /// 参与表决。……决定前款其他事项，应当经参与表决专有部分面积过半数的业主且参与表决人数过半数
    /// 的业主同意。" — participation by owners holding two thirds or more (三分之二以上) of the
    /// exclusive floor area AND two thirds or more of the number of owners; agreement by
    /// more than half (过半数) of the participating area AND of the participating owners.
    pub fn civil_code_278_ordinary() -> Rule {
        Rule::new(
            "civil_code_278_ordinary",
            Bilingual::new(
                "民法典第二百七十八条（一般事项）",
                "Civil Code Art. 278 (ordinary matters)",
            ),
            [
                Condition::participation_at_least(Basis::Area, Fraction::TWO_THIRDS),
                Condition::participation_at_least(Basis::Headcount, Fraction::TWO_THIRDS),
                Condition::agreement_more_than(Basis::Area, Fraction::HALF),
                Condition::agreement_more_than(Basis::Headcount, Fraction::HALF),
            ],
        )
    }

    /// Civil Code Article 278, items 6 to 8 (第六项至第八项): raising maintenance funds
    /// (筹集建筑物及其附属设施的维修资金), rebuilding or altering buildings and facilities
    /// (改建、重建建筑物及其附属设施), changing the use of common parts or using them for business
    /// (改变共有部分的用途或者利用共有部分从事经营活动).
    ///
    /// "决定前款第六项至第八项规定的事项，应当经参与表决专有部分面积四分之三以上的业主且参与表决
    /// 人数四分之三以上的业主同意。" — participation two thirds or more of area AND of owners;
    /// agreement three quarters or more (四分之三以上) of the participating area AND of the
    /// participating owners.
    pub fn civil_code_278_special() -> Rule {
        Rule::new(
            "civil_code_278_special",
            Bilingual::new(
                "民法典第二百七十八条（第六项至第八项）",
                "Civil Code Art. 278 (items 6 to 8)",
            ),
            [
                Condition::participation_at_least(Basis::Area, Fraction::TWO_THIRDS),
                Condition::participation_at_least(Basis::Headcount, Fraction::TWO_THIRDS),
                Condition::agreement_at_least(Basis::Area, Fraction::THREE_QUARTERS),
                Condition::agreement_at_least(Basis::Headcount, Fraction::THREE_QUARTERS),
            ],
        )
    }

    /// Civil Code Article 279: turning a dwelling into business premises needs the unanimous
    /// consent of the owners concerned (应当经有利害关系的业主一致同意). A rule with no counting
    /// condition: each named owner must cast an agreeing ballot.
    pub fn civil_code_279_unanimity(
        owners_concerned: impl IntoIterator<Item = impl Into<String>>,
    ) -> Rule {
        Rule {
            id: "civil_code_279_unanimity".into(),
            name: Bilingual::new(
                "民法典第二百七十九条（有利害关系的业主一致同意）",
                "Civil Code Art. 279 (unanimity of the owners concerned)",
            ),
            groups: Vec::new(),
            must_agree: owners_concerned
                .into_iter()
                .map(|o| Consent::Voter(o.into()))
                .collect(),
        }
    }

    /// Residents' meeting (居民会议), Organic Law of Urban Residents' Committees
    /// (城市居民委员会组织法), Article 9: "居民会议必须有全体十八周岁以上的居民、户的代表或者居民
    /// 小组选举的代表的过半数出席，才能举行。会议的决定，由出席人的过半数通过。" — it may be held
    /// only when more than half of the residents aged 18+, of the household representatives,
    /// or of the elected representatives attend; its decisions need more than half of those
    /// attending.
    ///
    /// Three alternative groups, one per basis, each "attendance more than half of the
    /// eligible AND agreement more than half of the attendees" on that basis.
    pub fn residents_meeting() -> Rule {
        let group = |basis: Basis, zh: &str, en: &str| {
            ConditionGroup::all([
                Condition::participation_more_than(basis, Fraction::HALF),
                Condition::agreement_more_than(basis, Fraction::HALF),
            ])
            .labelled(Bilingual::new(zh, en))
        };
        Rule {
            id: "residents_meeting".into(),
            name: Bilingual::new(
                "城市居民委员会组织法第九条（居民会议）",
                "Organic Law of Urban Residents' Committees Art. 9 (residents' meeting)",
            ),
            groups: vec![
                group(Basis::Persons, "十八周岁以上的居民", "residents aged 18+"),
                group(Basis::Households, "户的代表", "household representatives"),
                group(
                    Basis::Representatives,
                    "居民小组选举的代表",
                    "elected representatives",
                ),
            ],
            must_agree: Vec::new(),
        }
    }

    /// Elevator installation in an existing building (既有住宅加装电梯): an alteration under
    /// Civil Code Art. 278 item 7 (改建), decided by the owners of the building unit (单元)
    /// or building concerned — two thirds or more participating by area AND by owners, three
    /// quarters or more of the participating area AND owners agreeing — plus the individual
    /// consent of the owner of every unit that the installation physically uses (e.g. the
    /// ground-floor unit where the shaft lands), as local rules require (Wuxi, Chaozhou).
    pub fn elevator_installation(
        units_physically_used: impl IntoIterator<Item = impl Into<String>>,
    ) -> Rule {
        let mut rule = Rule::civil_code_278_special();
        rule.id = "elevator_installation".into();
        rule.name = Bilingual::new(
            "既有住宅加装电梯（民法典第二百七十八条第七项）",
            "Elevator installation (Civil Code Art. 278 item 7)",
        );
        rule.must_agree = units_physically_used
            .into_iter()
            .map(|u| Consent::Unit(u.into()))
            .collect();
        rule
    }

    /// Consensus of those attending (协商一致, 无异议): at least one attendee, and nobody who
    /// attends opposes (abstaining is not opposing). For resident consultation meetings
    /// (居民协商会) and the weekend deliberation hall (周末议事厅).
    pub fn consensus_of_attendees(basis: Basis) -> Rule {
        Rule::new(
            "consensus_of_attendees",
            Bilingual::new(
                "协商一致（出席者无异议）",
                "consensus (no attendee opposes)",
            ),
            [Condition::new(
                basis,
                Numerator::NotOpposing,
                Denominator::Participants,
                Fraction::ALL,
                Comparison::AtLeast,
            )],
        )
    }

    /// Two thirds or more of all representatives agree (代表三分之二以上同意), e.g. for a
    /// deliberation committee (议事委员会).
    pub fn two_thirds_of_representatives() -> Rule {
        Rule::new(
            "two_thirds_of_representatives",
            Bilingual::new(
                "全体代表三分之二以上同意",
                "two thirds or more of all representatives agree",
            ),
            [Condition::new(
                Basis::Representatives,
                Numerator::Agreeing,
                Denominator::Eligible,
                Fraction::TWO_THIRDS,
                Comparison::AtLeast,
            )],
        )
    }
}

crate::names::deserialize_by_name!(Numerator { Participants = "participants", Agreeing = "agreeing", Opposing = "opposing", Abstaining = "abstaining", NotOpposing = "not_opposing" } aliases { "attendees" => Numerator::Participants });
crate::names::deserialize_by_name!(Denominator { Eligible = "eligible", Participants = "participants" } aliases { "attendees" => Denominator::Participants });
crate::names::deserialize_by_name!(Comparison { AtLeast = "at_least", MoreThan = "more_than" });
crate::names::deserialize_by_name!(Basis: ALL, as_str);
