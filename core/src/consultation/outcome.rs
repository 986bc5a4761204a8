//! Deciding a rule on a tally, with an exact explanation (表决结果).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::area::group_thousands;
use super::tally::{Choice, Tally, VoterIndex, Weights};
use super::{
    Area, Basis, Bilingual, Comparison, Condition, ConditionGroup, Consent, ConsultationError,
    Denominator, Electorate, ElectorateKind, Fraction, NonVoterPolicy, Numerator, Rule, Scope,
};

/// The `format` field of a serialized outcome.
pub const OUTCOME_FORMAT: &str = "wangge.consultation.outcome";

/// An amount on one basis: an area (JSON string `"6543.21"`) or a count (JSON integer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Quantity {
    /// An area.
    Area(Area),
    /// A number of owners, persons, households or representatives.
    Count(u64),
}

impl Quantity {
    /// The amount `raw` on a basis (area in hundredths).
    pub const fn on(basis: Basis, raw: u64) -> Quantity {
        match basis {
            Basis::Area => Quantity::Area(Area::from_hundredths(raw)),
            _ => Quantity::Count(raw),
        }
    }

    /// The raw amount (area in hundredths).
    pub const fn raw(self) -> u64 {
        match self {
            Quantity::Area(a) => a.hundredths(),
            Quantity::Count(n) => n,
        }
    }
}

/// How far a condition is from its threshold, holding the denominator fixed: how much
/// could be lost and the condition still hold, or how much more is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Margin {
    /// The count exceeds the least sufficient count by this much (富余).
    Spare(Quantity),
    /// The count falls short of the least sufficient count by this much (差).
    Short(Quantity),
}

/// One condition, counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConditionOutcome {
    /// The condition.
    pub condition: Condition,
    /// The numerator as counted.
    pub counted: Quantity,
    /// The denominator as counted.
    pub of: Quantity,
    /// The least count that satisfies the condition against this denominator (`None` when
    /// the denominator is zero: a share of nobody never satisfies a condition).
    pub needed: Option<Quantity>,
    /// Whether the condition holds.
    pub held: bool,
    /// `counted - needed`, as spare or short (`None` when the denominator is zero).
    pub margin: Option<Margin>,
    /// The condition in words.
    pub explanation: Bilingual,
}

/// One group of conditions, counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GroupOutcome {
    /// The group's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Bilingual>,
    /// Whether every condition holds.
    pub held: bool,
    /// Whether every participation condition holds.
    pub quorum: bool,
    /// The conditions.
    pub conditions: Vec<ConditionOutcome>,
}

/// One required individual consent, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsentOutcome {
    /// The consent required.
    pub consent: Consent,
    /// The voter who must give it.
    pub voter: String,
    /// Their ballot, if any.
    pub choice: Option<Choice>,
    /// Whether they agreed.
    pub given: bool,
}

/// Weight of non-voters added to a majority under
/// [`NonVoterPolicy::CountedWithMajority`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NonVoterAllocation {
    /// The basis.
    pub basis: Basis,
    /// The majority choice that received the non-voters.
    pub choice: Choice,
    /// The weight added.
    pub amount: Quantity,
}

/// The outcome of a vote: passed or failed, every condition with its counts and exact
/// margin, and an explanation in Chinese and English. Plain serde data (a top-level
/// document, `"format": "wangge.consultation.outcome"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Outcome {
    /// Always `"wangge.consultation.outcome"`.
    pub format: String,
    /// Always 1.
    pub version: u32,
    /// The vote id, if the outcome is of a [`Vote`](super::Vote).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote: Option<String>,
    /// The rule id.
    pub rule: String,
    /// The rule's name.
    pub rule_name: Bilingual,
    /// The electorate's kind.
    pub electorate: ElectorateKind,
    /// The scope.
    pub scope: Scope,
    /// Whether the vote is closed (the outcome is final).
    pub closed: bool,
    /// Whether the rule is satisfied (通过).
    pub passed: bool,
    /// Whether the participation conditions of at least one group hold (for a residents'
    /// meeting: whether it could be held, 能够举行).
    pub quorum: bool,
    /// The eligible totals.
    pub eligible: Weights,
    /// The ballots as cast.
    pub tally: Tally,
    /// The counts the rule was decided on: the ballots, plus non-voters counted with the
    /// majority where the electorate's policy says so.
    pub counted: Tally,
    /// What the non-voter policy added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub non_voters: Vec<NonVoterAllocation>,
    /// Every group of conditions.
    pub groups: Vec<GroupOutcome>,
    /// Every required individual consent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consents: Vec<ConsentOutcome>,
    /// The outcome in words.
    pub explanation: Bilingual,
}

impl Outcome {
    /// The outcome as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

// ----- binding and deciding --------------------------------------------------------------

/// Checks a rule against an electorate and resolves its required consents to voters.
pub(crate) fn bind(
    rule: &Rule,
    electorate: &Electorate,
) -> Result<Vec<(Consent, VoterIndex)>, ConsultationError> {
    rule.validate()?;
    if let Some(basis) = rule.bases().find(|b| !electorate.kind().has(*b)) {
        return Err(ConsultationError::BasisUnavailable {
            rule: rule.id.clone(),
            basis,
            electorate: electorate.kind(),
        });
    }
    rule.must_agree
        .iter()
        .map(|c| {
            let voter = match c {
                Consent::Unit(unit) => electorate.voter_of_unit(unit)?,
                Consent::Voter(v) => electorate.voter(v)?,
            };
            Ok((c.clone(), voter))
        })
        .collect()
}

/// What a decision needs to know about its electorate.
pub(crate) struct Context<'a> {
    pub(crate) kind: ElectorateKind,
    pub(crate) scope: &'a Scope,
    pub(crate) eligible: &'a Weights,
    pub(crate) policy: NonVoterPolicy,
}

impl Electorate {
    pub(crate) fn context(&self) -> Context<'_> {
        Context {
            kind: self.kind(),
            scope: self.scope(),
            eligible: self.totals(),
            policy: self.non_voter_policy(),
        }
    }
}

/// The counts a rule is decided on: the tally, plus non-voters under the electorate's
/// policy.
pub(crate) fn effective(ctx: &Context<'_>, tally: &Tally) -> Tally {
    if ctx.policy == NonVoterPolicy::NotCounted {
        return *tally;
    }
    let mut out = *tally;
    for (basis, choice, amount) in allocations(ctx, tally) {
        let w = out.of_mut(choice);
        w.set(basis, w.get(basis) + amount);
    }
    out
}

fn allocations<'a>(
    ctx: &'a Context<'a>,
    tally: &Tally,
) -> impl Iterator<Item = (Basis, Choice, u64)> + 'a {
    let tally = *tally;
    let on = ctx.policy == NonVoterPolicy::CountedWithMajority;
    ctx.kind
        .bases()
        .iter()
        .filter(move |_| on)
        .filter_map(move |basis| {
            let cast = tally.participants().get(*basis);
            let non_voters = ctx.eligible.get(*basis).saturating_sub(cast);
            let majority = Choice::ALL
                .into_iter()
                .find(|c| 2 * u128::from(tally.of(*c).get(*basis)) > u128::from(cast))?;
            (non_voters > 0).then_some((*basis, majority, non_voters))
        })
}

/// Numerator and denominator of a condition.
fn measure(cond: &Condition, eligible: &Weights, t: &Tally) -> (u64, u64) {
    let b = cond.basis;
    let (a, o, ab) = (t.agree.get(b), t.oppose.get(b), t.abstain.get(b));
    let counted = match cond.numerator {
        Numerator::Participants => a + o + ab,
        Numerator::Agreeing => a,
        Numerator::Opposing => o,
        Numerator::Abstaining => ab,
        Numerator::NotOpposing => a + ab,
    };
    let of = match cond.denominator {
        Denominator::Eligible => eligible.get(b),
        Denominator::Participants => a + o + ab,
    };
    (counted, of)
}

fn condition_holds(cond: &Condition, eligible: &Weights, t: &Tally) -> bool {
    let (counted, of) = measure(cond, eligible, t);
    cond.fraction.compare(cond.comparison, counted, of)
}

fn group_holds(g: &ConditionGroup, eligible: &Weights, t: &Tally) -> bool {
    g.conditions.iter().all(|c| condition_holds(c, eligible, t))
}

/// Whether the rule passes on these counts (no allocation). `counted` is the effective
/// tally.
pub(crate) fn passes(
    rule: &Rule,
    eligible: &Weights,
    counted: &Tally,
    consents: &[(Consent, VoterIndex)],
    choice_of: impl Fn(VoterIndex) -> Option<Choice>,
) -> bool {
    (rule.groups.is_empty()
        || rule
            .groups
            .iter()
            .any(|g| group_holds(g, eligible, counted)))
        && consents
            .iter()
            .all(|(_, v)| choice_of(*v) == Some(Choice::Agree))
}

/// The consents of a rule, checked against the ballots.
pub(crate) fn consent_outcomes(
    electorate: &Electorate,
    consents: &[(Consent, VoterIndex)],
    choice_of: impl Fn(VoterIndex) -> Option<Choice>,
) -> Vec<ConsentOutcome> {
    consents
        .iter()
        .map(|(consent, v)| {
            let choice = choice_of(*v);
            ConsentOutcome {
                consent: consent.clone(),
                voter: electorate.voter_id(*v).unwrap_or_default().to_owned(),
                choice,
                given: choice == Some(Choice::Agree),
            }
        })
        .collect()
}

/// The full outcome with explanations.
pub(crate) fn outcome(
    rule: &Rule,
    ctx: &Context<'_>,
    tally: &Tally,
    consents: Vec<ConsentOutcome>,
    vote: Option<&str>,
    closed: bool,
) -> Outcome {
    let kind = ctx.kind;
    let eligible = *ctx.eligible;
    let counted = effective(ctx, tally);
    let groups: Vec<GroupOutcome> = rule
        .groups
        .iter()
        .map(|g| {
            let conditions: Vec<ConditionOutcome> = g
                .conditions
                .iter()
                .map(|c| condition_outcome(kind, c, &eligible, &counted))
                .collect();
            GroupOutcome {
                label: g.label.clone(),
                held: conditions.iter().all(|c| c.held),
                quorum: conditions
                    .iter()
                    .filter(|c| c.condition.is_participation())
                    .all(|c| c.held),
                conditions,
            }
        })
        .collect();
    let non_voters: Vec<NonVoterAllocation> = allocations(ctx, tally)
        .map(|(basis, choice, amount)| NonVoterAllocation {
            basis,
            choice,
            amount: Quantity::on(basis, amount),
        })
        .collect();
    let groups_ok = groups.is_empty() || groups.iter().any(|g| g.held);
    let quorum = groups.is_empty() || groups.iter().any(|g| g.quorum);
    let passed = groups_ok && consents.iter().all(|c| c.given);
    let explanation = explain(rule, kind, passed, quorum, &groups, &consents, &non_voters);
    Outcome {
        format: OUTCOME_FORMAT.to_owned(),
        version: 1,
        vote: vote.map(str::to_owned),
        rule: rule.id.clone(),
        rule_name: rule.name.clone(),
        electorate: kind,
        scope: ctx.scope.clone(),
        closed,
        passed,
        quorum,
        eligible,
        tally: *tally,
        counted,
        non_voters,
        groups,
        consents,
        explanation,
    }
}

impl Rule {
    /// Decides this rule from counts alone: the eligible totals and the tally of an
    /// electorate of `kind` (e.g. paper ballots counted by hand, 纸质票统计结果), with a
    /// non-voter policy. Refused for a rule that requires individual consents (they need
    /// ballots), a basis the kind lacks, or a tally that exceeds the eligible totals
    /// ([`ConsultationError::InconsistentTally`]).
    pub fn decide_counts(
        &self,
        kind: ElectorateKind,
        scope: &Scope,
        eligible: &Weights,
        tally: &Tally,
        policy: NonVoterPolicy,
    ) -> Result<Outcome, ConsultationError> {
        self.validate()?;
        if !self.must_agree.is_empty() {
            return Err(ConsultationError::InvalidRule {
                rule: self.id.clone(),
                reason: "a rule with required consents is decided from ballots, not counts".into(),
            });
        }
        if let Some(basis) = self.bases().find(|b| !kind.has(*b)) {
            return Err(ConsultationError::BasisUnavailable {
                rule: self.id.clone(),
                basis,
                electorate: kind,
            });
        }
        for basis in Basis::ALL {
            let cast = Choice::ALL
                .iter()
                .try_fold(0u64, |sum, c| sum.checked_add(tally.of(*c).get(basis)));
            let available = if kind.has(basis) {
                eligible.get(basis)
            } else {
                0
            };
            match cast {
                Some(cast) if cast <= available => {}
                _ => {
                    return Err(ConsultationError::InconsistentTally {
                        basis,
                        counted: cast.map_or_else(
                            || "overflow".to_owned(),
                            |c| Quantity::on(basis, c).to_string(),
                        ),
                        eligible: Quantity::on(basis, available).to_string(),
                    })
                }
            }
        }
        let ctx = Context {
            kind,
            scope,
            eligible,
            policy,
        };
        Ok(outcome(self, &ctx, tally, Vec::new(), None, true))
    }
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Quantity::Area(a) => write!(f, "{a} m²"),
            Quantity::Count(n) => write!(f, "{n}"),
        }
    }
}

fn condition_outcome(
    kind: ElectorateKind,
    cond: &Condition,
    eligible: &Weights,
    t: &Tally,
) -> ConditionOutcome {
    let (counted, of) = measure(cond, eligible, t);
    let held = cond.fraction.compare(cond.comparison, counted, of);
    let needed = cond.fraction.needed(cond.comparison, of);
    let margin = needed.map(|n| {
        if counted >= n {
            Margin::Spare(Quantity::on(cond.basis, counted - n))
        } else {
            Margin::Short(Quantity::on(cond.basis, n - counted))
        }
    });
    let explanation = explain_condition(kind, cond, counted, of, margin);
    ConditionOutcome {
        condition: *cond,
        counted: Quantity::on(cond.basis, counted),
        of: Quantity::on(cond.basis, of),
        needed: needed.map(|n| Quantity::on(cond.basis, n)),
        held,
        margin,
        explanation,
    }
}

// ----- words -----------------------------------------------------------------------------

fn participating(kind: ElectorateKind) -> (&'static str, &'static str) {
    match kind {
        ElectorateKind::Owners => ("参与表决的", "participating"),
        _ => ("出席的", "attending"),
    }
}

fn basis_words(kind: ElectorateKind, basis: Basis) -> (&'static str, &'static str) {
    match (basis, kind) {
        (Basis::Area, _) => ("专有部分面积", "area"),
        (Basis::Headcount, _) => ("业主人数", "owners"),
        (Basis::Persons, ElectorateKind::Residents) => {
            ("十八周岁以上居民人数", "residents aged 18+")
        }
        (Basis::Persons, _) => ("成员人数", "members"),
        (Basis::Households, _) => ("户代表", "household representatives"),
        (Basis::Representatives, ElectorateKind::Residents) => {
            ("居民小组代表人数", "elected representatives")
        }
        (Basis::Representatives, _) => ("代表人数", "representatives"),
    }
}

fn eligible_words(kind: ElectorateKind, basis: Basis) -> &'static str {
    match (basis, kind) {
        (Basis::Area, _) => "总面积",
        (Basis::Headcount, _) => "业主总人数",
        (Basis::Persons, ElectorateKind::Residents) => "十八周岁以上居民总人数",
        (Basis::Persons, _) => "成员总数",
        (Basis::Households, _) => "总户数",
        (Basis::Representatives, ElectorateKind::Residents) => "居民小组代表总数",
        (Basis::Representatives, _) => "代表总数",
    }
}

fn fraction_words(f: Fraction) -> (String, String) {
    let named = match (f.num(), f.den()) {
        (1, 2) => Some(("半数", "half")),
        (2, 3) => Some(("三分之二", "two thirds")),
        (3, 4) => Some(("四分之三", "three quarters")),
        (1, 3) => Some(("三分之一", "one third")),
        (1, 4) => Some(("四分之一", "one quarter")),
        (1, 5) => Some(("五分之一", "one fifth")),
        (4, 5) => Some(("五分之四", "four fifths")),
        (1, 1) => Some(("全部", "all")),
        (0, 1) => Some(("零", "zero")),
        _ => None,
    };
    match named {
        Some((zh, en)) => (zh.to_owned(), en.to_owned()),
        None => (format!("{}分之{}", f.den(), f.num()), f.to_string()),
    }
}

fn quantity_zh(basis: Basis, raw: u64) -> String {
    match basis {
        Basis::Area => format!("{}㎡", Area::from_hundredths(raw).grouped()),
        Basis::Households => format!("{}户", group_thousands(raw)),
        _ => format!("{}人", group_thousands(raw)),
    }
}

fn quantity_en(basis: Basis, raw: u64) -> String {
    match basis {
        Basis::Area => format!("{} m²", Area::from_hundredths(raw).grouped()),
        _ => group_thousands(raw),
    }
}

/// An amount with its unit, for margins: "123.45 m²", "3 owners", "1 household".
fn amount_en(kind: ElectorateKind, basis: Basis, raw: u64) -> String {
    if basis == Basis::Area {
        return quantity_en(basis, raw);
    }
    let (singular, plural) = match (basis, kind) {
        (Basis::Headcount, _) => ("owner", "owners"),
        (Basis::Persons, ElectorateKind::Residents) => ("resident", "residents"),
        (Basis::Persons, _) => ("member", "members"),
        (Basis::Households, _) => ("household", "households"),
        _ => ("representative", "representatives"),
    };
    format!(
        "{} {}",
        group_thousands(raw),
        if raw == 1 { singular } else { plural }
    )
}

fn explain_condition(
    kind: ElectorateKind,
    cond: &Condition,
    counted: u64,
    of: u64,
    margin: Option<Margin>,
) -> Bilingual {
    let b = cond.basis;
    let (part_zh, part_en) = participating(kind);
    let (basis_zh, basis_en) = basis_words(kind, b);
    let (num_zh, num_en) = match cond.numerator {
        Numerator::Participants => (part_zh, part_en),
        Numerator::Agreeing => ("同意的", "agreeing"),
        Numerator::Opposing => ("反对的", "opposing"),
        Numerator::Abstaining => ("弃权的", "abstaining"),
        Numerator::NotOpposing => ("未反对的", "non-opposing"),
    };
    let (den_zh, den_en) = match cond.denominator {
        Denominator::Eligible => (eligible_words(kind, b).to_owned(), String::new()),
        Denominator::Participants => (format!("{part_zh}{basis_zh}"), format!(" {part_en}")),
    };
    let mut zh = format!(
        "{num_zh}{basis_zh} {} / {den_zh} {}，",
        quantity_zh(b, counted),
        quantity_zh(b, of)
    );
    let mut en = format!(
        "{num_en} {basis_en} {} of {}{den_en} ",
        quantity_en(b, counted),
        quantity_en(b, of)
    );
    let Some(margin) = margin else {
        if of == 0 && cond.denominator == Denominator::Eligible {
            zh.push_str("本项无人具有表决资格，条件不能成立");
            en.push_str("(nobody is eligible on this basis): the condition cannot hold");
            return Bilingual { zh, en };
        }
        zh.push_str(if kind == ElectorateKind::Owners {
            "无人参与表决，条件不能成立"
        } else {
            "无人出席，条件不能成立"
        });
        en.push_str(if kind == ElectorateKind::Owners {
            "(nobody participated): the condition cannot hold"
        } else {
            "(nobody attended): the condition cannot hold"
        });
        return Bilingual { zh, en };
    };
    let (f_zh, f_en) = fraction_words(cond.fraction);
    let (held, amount) = match margin {
        Margin::Spare(q) => (true, q.raw()),
        Margin::Short(q) => (false, q.raw()),
    };
    let half = cond.fraction == Fraction::HALF;
    let verdict_zh = match (cond.comparison, held) {
        (Comparison::AtLeast, true) if cond.fraction == Fraction::ALL => "达到全部".to_owned(),
        (Comparison::AtLeast, false) if cond.fraction == Fraction::ALL => "未达到全部".to_owned(),
        (Comparison::AtLeast, true) => format!("达到{f_zh}以上"),
        (Comparison::AtLeast, false) => format!("未达到{f_zh}以上"),
        (Comparison::MoreThan, true) if half => "过半数".to_owned(),
        (Comparison::MoreThan, false) if half => "未过半数".to_owned(),
        (Comparison::MoreThan, true) => format!("超过{f_zh}"),
        (Comparison::MoreThan, false) => format!("未超过{f_zh}"),
    };
    let all = cond.fraction == Fraction::ALL && cond.comparison == Comparison::AtLeast;
    if all && held {
        // "All" has nothing to spare: say so plainly.
        zh.push_str("达到全部");
        en.push_str("is all of them");
        return Bilingual { zh, en };
    }
    let verdict_en = match (cond.comparison, held) {
        (Comparison::AtLeast, false) if all => "is not all".to_owned(),
        (Comparison::AtLeast, true) => format!("is at least {f_en}"),
        (Comparison::AtLeast, false) => format!("is below {f_en}"),
        (Comparison::MoreThan, true) => format!("is more than {f_en}"),
        (Comparison::MoreThan, false) => format!("is not more than {f_en}"),
    };
    let _ = write!(
        zh,
        "{verdict_zh}（{} {}）",
        if held { "富余" } else { "差" },
        quantity_zh(b, amount)
    );
    let _ = write!(
        en,
        "{verdict_en} ({} {})",
        amount_en(kind, b, amount),
        if held { "to spare" } else { "short" }
    );
    Bilingual { zh, en }
}

fn explain(
    rule: &Rule,
    kind: ElectorateKind,
    passed: bool,
    quorum: bool,
    groups: &[GroupOutcome],
    consents: &[ConsentOutcome],
    non_voters: &[NonVoterAllocation],
) -> Bilingual {
    let (part_zh, part_en) = if kind == ElectorateKind::Owners {
        ("参与表决", "participation")
    } else {
        ("出席", "attendance")
    };
    let mut zh = format!("{}：", rule.name.zh);
    let mut en = format!("{}: ", rule.name.en);
    if passed {
        zh.push_str("通过。");
        en.push_str("passed.");
    } else if !quorum && kind == ElectorateKind::Owners {
        let _ = write!(zh, "未通过（{part_zh}未达到法定要求）。");
        let _ = write!(en, "failed ({part_en} below the requirement).");
    } else if !quorum {
        let _ = write!(zh, "未通过（{part_zh}不足，会议不能举行）。");
        let _ = write!(
            en,
            "failed ({part_en} too low: the meeting cannot be held)."
        );
    } else {
        zh.push_str("未通过。");
        en.push_str("failed.");
    }
    if !non_voters.is_empty() {
        let (who_zh, who_en) = if kind == ElectorateKind::Owners {
            ("未参与表决的业主", "owners who did not vote")
        } else {
            ("未出席者", "absentees")
        };
        let _ = write!(zh, "{who_zh}计入已表决的多数票：");
        let _ = write!(en, " {who_en} are counted with the majority: ");
        let parts_zh: Vec<String> = non_voters
            .iter()
            .map(|a| {
                format!(
                    "{} {} 计入{}",
                    basis_words(kind, a.basis).0,
                    quantity_zh(a.basis, a.amount.raw()),
                    a.choice.chinese()
                )
            })
            .collect();
        let parts_en: Vec<String> = non_voters
            .iter()
            .map(|a| {
                format!(
                    "{} {} as {}",
                    basis_words(kind, a.basis).1,
                    quantity_en(a.basis, a.amount.raw()),
                    a.choice.as_str()
                )
            })
            .collect();
        let _ = write!(zh, "{}。", parts_zh.join("；"));
        let _ = write!(en, "{}.", parts_en.join("; "));
    }
    if groups.len() > 1 {
        zh.push_str("任一组条件满足即可：");
        en.push_str(" Any one group suffices:");
    }
    let mut group_zh = Vec::new();
    let mut group_en = Vec::new();
    for g in groups {
        let conds_zh: Vec<&str> = g
            .conditions
            .iter()
            .map(|c| c.explanation.zh.as_str())
            .collect();
        let conds_en: Vec<&str> = g
            .conditions
            .iter()
            .map(|c| c.explanation.en.as_str())
            .collect();
        match (&g.label, groups.len() > 1) {
            (Some(label), true) => {
                group_zh.push(format!("〔{}〕{}", label.zh, conds_zh.join("；")));
                group_en.push(format!("[{}] {}", label.en, conds_en.join("; ")));
            }
            _ => {
                group_zh.push(conds_zh.join("；"));
                group_en.push(conds_en.join("; "));
            }
        }
    }
    if !group_zh.is_empty() {
        let _ = write!(zh, "{}。", group_zh.join("；或"));
        let text = group_en.join("; or ");
        let mut chars = text.chars();
        let capitalized: String = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        let _ = write!(en, " {capitalized}.");
    }
    if !consents.is_empty() {
        zh.push_str("须本人同意：");
        en.push_str(" Individual consent required: ");
        let parts_zh: Vec<String> = consents
            .iter()
            .map(|c| {
                let who = match &c.consent {
                    Consent::Unit(u) => format!("专有部分 {u} 的业主 {}", c.voter),
                    Consent::Voter(v) => v.clone(),
                };
                let said = match c.choice {
                    Some(Choice::Agree) => "已同意",
                    Some(Choice::Oppose) => "反对",
                    Some(Choice::Abstain) => "弃权",
                    None => "未表决",
                };
                format!("{who}{said}")
            })
            .collect();
        let parts_en: Vec<String> = consents
            .iter()
            .map(|c| {
                let who = match &c.consent {
                    Consent::Unit(u) => format!("the owner of unit {u} ({})", c.voter),
                    Consent::Voter(v) => v.clone(),
                };
                let said = match c.choice {
                    Some(Choice::Agree) => "agreed",
                    Some(Choice::Oppose) => "opposed",
                    Some(Choice::Abstain) => "abstained",
                    None => "has not voted",
                };
                format!("{who} {said}")
            })
            .collect();
        let _ = write!(zh, "{}。", parts_zh.join("；"));
        let _ = write!(en, "{}.", parts_en.join("; "));
    }
    Bilingual { zh, en }
}
