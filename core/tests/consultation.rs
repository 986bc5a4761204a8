//! Consultation: boundary tests written from the law, the article's cases (世纪新城 elevator,
//! 弘湖社区 charging piles, 稻香村 周末议事厅 statistics), every error variant, and property
//! tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::HashMap;
use std::sync::Arc;

use proptest::prelude::*;
use wangge::consultation::{
    AgendaItem, Area, Basis, Bilingual, CastBallot, Choice, Comparison, Condition, ConditionGroup,
    Consent, ConsultationError, Decision, Denominator, Electorate, ElectorateKind, ExclusiveUnit,
    Forum, ForumKind, ForumRecords, Fraction, Household, Margin, Member, NonVoterPolicy, Numerator,
    Outcome, Owner, OwnerRoll, Period, Quantity, Resident, ResidentRoll, ResidentsGroup, Rule,
    Scope, Session, Tally, Vote, VoteRecord, VoteSpec, Weights,
};
use wangge::hierarchy::{Hierarchy, NodeId, NodeKind};
use wangge::time::{Date, Timestamp};

// ----- helpers ---------------------------------------------------------------------------

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

const OPENS: &str = "2025-03-01T08:00:00+08:00";
const DURING: &str = "2025-03-05T10:00:00+08:00";
const CLOSES: &str = "2025-03-15T18:00:00+08:00";

fn nid(s: &str) -> NodeId {
    NodeId::new(s).unwrap()
}

/// A compound `c` with one building `b`; owner `o{i}` holds unit `u{i}` with `areas[i]`.
fn compound(areas: &[&str]) -> (Hierarchy, OwnerRoll) {
    let mut h = Hierarchy::new();
    h.add("c", NodeKind::Compound, "小区").unwrap();
    h.add("b", NodeKind::Building, "1幢").unwrap();
    h.contain("c", "b").unwrap();
    let mut roll = OwnerRoll::new();
    for (i, area) in areas.iter().enumerate() {
        roll.add_owner(Owner::new(format!("o{i}"))).unwrap();
        roll.add_unit(unit(&format!("u{i}"), "b", None, area, &format!("o{i}")))
            .unwrap();
    }
    (h, roll)
}

fn unit(id: &str, building: &str, label: Option<&str>, area: &str, owner: &str) -> ExclusiveUnit {
    ExclusiveUnit {
        id: id.into(),
        building: nid(building),
        building_unit: label.map(str::to_owned),
        area: area.parse().unwrap(),
        owner: owner.into(),
    }
}

fn spec(id: &str, rule: Rule) -> VoteSpec {
    VoteSpec {
        id: id.into(),
        agenda: "议题".into(),
        rule,
        opens_at: ts(OPENS),
        closes_at: ts(CLOSES),
    }
}

fn open(e: &Arc<Electorate>, rule: Rule) -> Vote {
    Vote::open(Arc::clone(e), spec("v1", rule)).unwrap()
}

fn whole(h: &Hierarchy, roll: &OwnerRoll) -> Arc<Electorate> {
    Arc::new(roll.electorate(h, &Scope::Compound(nid("c"))).unwrap())
}

fn cast_all(vote: &mut Vote, ballots: &[(&str, Choice)]) {
    for (voter, choice) in ballots {
        vote.cast(voter, *choice, ts(DURING)).unwrap();
    }
}

fn equal_areas(n: usize) -> Vec<&'static str> {
    vec!["100.00"; n]
}

fn owners(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("o{i}")).collect()
}

fn ballots(ids: &[String], choice: Choice) -> Vec<(&str, Choice)> {
    ids.iter().map(|i| (i.as_str(), choice)).collect()
}

// ----- Area ------------------------------------------------------------------------------

#[test]
fn area_parse_and_display() {
    for (text, hundredths, shown) in [
        ("89.57", 8957, "89.57"),
        ("89.5", 8950, "89.50"),
        ("89", 8900, "89.00"),
        ("0.01", 1, "0.01"),
        ("089.57", 8957, "89.57"),
        ("10000000", 1_000_000_000, "10000000.00"),
    ] {
        let a: Area = text.parse().unwrap();
        assert_eq!(a.hundredths(), hundredths, "{text}");
        assert_eq!(a.to_string(), shown);
        assert_eq!(a.to_string().parse::<Area>().unwrap(), a);
    }
    for bad in [
        "",
        ".5",
        "5.",
        "-1",
        "+1",
        "1e3",
        "1,000.00",
        "89.575",
        " 89",
        "89 ",
        "NaN",
        "1.2.3",
        "99999999999999999999",
    ] {
        let err = bad.parse::<Area>().unwrap_err();
        assert_eq!(err.code(), "consultation.invalid_area", "{bad:?}");
    }
    assert_eq!(Area::from_hundredths(654_321).grouped(), "6,543.21");
    assert_eq!(Area::from_hundredths(1_000_000).grouped(), "10,000.00");
    assert_eq!(Area::from_hundredths(5).grouped(), "0.05");
    assert_eq!(Area::MAX_UNIT.grouped(), "10,000,000.00");
    assert_eq!(
        serde_json::to_string(&Area::from_hundredths(8957)).unwrap(),
        "\"89.57\""
    );
    assert_eq!(
        serde_json::from_str::<Area>("\"89.57\"")
            .unwrap()
            .hundredths(),
        8957
    );
    assert!(
        serde_json::from_str::<Area>("89.57").is_err(),
        "areas are strings, never floats"
    );
}

// ----- boundaries written from the law ---------------------------------------------------

/// Civil Code Art. 278: "应当由专有部分面积占比三分之二以上的业主且人数占比三分之二以上的业主参与
/// 表决" — two thirds or more (三分之二以上), and by Art. 1259 "以上" includes the number itself.
#[test]
fn exactly_two_thirds_participating_is_enough() {
    let (h, roll) = compound(&equal_areas(9));
    let e = whole(&h, &roll);
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    let six = owners(0..6);
    cast_all(&mut vote, &ballots(&six, Choice::Agree));
    let out = vote.outcome();
    let part = &out.groups[0].conditions;
    // 600.00 of 900.00 m² and 6 of 9 owners: exactly two thirds.
    assert!(part[0].held && part[1].held);
    assert_eq!(part[0].counted, Quantity::Area("600.00".parse().unwrap()));
    assert_eq!(part[0].of, Quantity::Area("900.00".parse().unwrap()));
    assert_eq!(
        part[0].margin,
        Some(Margin::Spare(Quantity::Area(Area::ZERO)))
    );
    assert_eq!(part[1].margin, Some(Margin::Spare(Quantity::Count(0))));
    assert!(out.passed && out.quorum);
    assert_eq!(
        part[0].explanation.zh,
        "参与表决的专有部分面积 600.00㎡ / 总面积 900.00㎡，达到三分之二以上（富余 0.00㎡）"
    );
    assert_eq!(
        part[0].explanation.en,
        "participating area 600.00 m² of 900.00 m² is at least two thirds (0.00 m² to spare)"
    );
}

#[test]
fn one_owner_less_than_two_thirds_is_not_enough() {
    let (h, roll) = compound(&equal_areas(9));
    let e = whole(&h, &roll);
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    let five = owners(0..5);
    cast_all(&mut vote, &ballots(&five, Choice::Agree));
    let out = vote.outcome();
    let part = &out.groups[0].conditions;
    assert!(!part[0].held && !part[1].held);
    assert!(!out.passed && !out.quorum);
    assert_eq!(
        part[0].margin,
        Some(Margin::Short(Quantity::Area("100.00".parse().unwrap())))
    );
    assert_eq!(part[1].margin, Some(Margin::Short(Quantity::Count(1))));
    assert_eq!(
        part[0].explanation.zh,
        "参与表决的专有部分面积 500.00㎡ / 总面积 900.00㎡，未达到三分之二以上（差 100.00㎡）"
    );
    assert_eq!(
        part[1].explanation.en,
        "participating owners 5 of 9 is below two thirds (1 owner short)"
    );
    assert!(out
        .explanation
        .zh
        .contains("未通过（参与表决未达到法定要求）"));
}

/// Area and headcount are both required (且): exactly 2/3 of the area by fewer than 2/3 of
/// the owners is not enough, and the shortfall is counted to the hundredth of a m².
#[test]
fn participation_needs_area_and_headcount() {
    // o0 holds 600.00 of 900.00 m²; 8 small owners hold 300.00.
    let mut areas = vec!["600.00"];
    areas.extend(vec!["37.50"; 8]);
    let (h, roll) = compound(&areas);
    let e = whole(&h, &roll);
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    cast_all(&mut vote, &[("o0", Choice::Agree)]);
    let out = vote.outcome();
    let c = &out.groups[0].conditions;
    assert!(c[0].held, "600/900 of the area is exactly two thirds");
    assert!(!c[1].held, "1 of 9 owners is not");
    assert_eq!(c[1].margin, Some(Margin::Short(Quantity::Count(5))));
    assert!(!out.passed);

    // A needed area that is not a whole hundredth is rounded up: 2/3 of 100.00 m² is
    // 66.666… m², so 66.67 m² is the least that is "two thirds or more".
    let (h, roll) = compound(&["66.66", "0.01", "33.33"]);
    let e = whole(&h, &roll);
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    cast_all(&mut vote, &[("o0", Choice::Agree), ("o2", Choice::Agree)]);
    let c = &vote.outcome().groups[0].conditions[0];
    assert!(c.held);
    assert_eq!(c.needed, Some(Quantity::Area("66.67".parse().unwrap())));
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    cast_all(&mut vote, &[("o0", Choice::Agree), ("o1", Choice::Agree)]);
    assert!(
        vote.outcome().groups[0].conditions[0].held,
        "66.67 m² reached exactly"
    );
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    cast_all(&mut vote, &[("o0", Choice::Agree)]);
    let c = &vote.outcome().groups[0].conditions[0];
    assert!(!c.held);
    assert_eq!(
        c.margin,
        Some(Margin::Short(Quantity::Area("0.01".parse().unwrap())))
    );
}

/// Civil Code Art. 278 items 6–8: "应当经参与表决专有部分面积四分之三以上的业主且参与表决人数
/// 四分之三以上的业主同意" — exactly three quarters agreeing passes an item-7 vote.
#[test]
fn exactly_three_quarters_agreeing_passes_item_7() {
    let (h, roll) = compound(&equal_areas(8));
    let e = whole(&h, &roll);
    let mut vote = open(&e, Rule::civil_code_278_special());
    let agree = owners(0..6);
    let oppose = owners(6..8);
    cast_all(&mut vote, &ballots(&agree, Choice::Agree));
    cast_all(&mut vote, &ballots(&oppose, Choice::Oppose));
    let out = vote.outcome();
    assert!(out.passed, "{}", out.explanation.en);
    let c = &out.groups[0].conditions;
    assert_eq!(c[2].margin, Some(Margin::Spare(Quantity::Area(Area::ZERO))));
    assert_eq!(c[3].margin, Some(Margin::Spare(Quantity::Count(0))));
    assert_eq!(
        c[3].explanation.zh,
        "同意的业主人数 6人 / 参与表决的业主人数 8人，达到四分之三以上（富余 0人）"
    );

    // One agreeing owner fewer (5 agree, 3 oppose): fails by one owner and 100.00 m².
    let mut vote = open(&e, Rule::civil_code_278_special());
    let agree = owners(0..5);
    let oppose = owners(5..8);
    cast_all(&mut vote, &ballots(&agree, Choice::Agree));
    cast_all(&mut vote, &ballots(&oppose, Choice::Oppose));
    let out = vote.outcome();
    assert!(!out.passed);
    let c = &out.groups[0].conditions;
    assert_eq!(
        c[2].margin,
        Some(Margin::Short(Quantity::Area("100.00".parse().unwrap())))
    );
    assert_eq!(c[3].margin, Some(Margin::Short(Quantity::Count(1))));
}

/// "应当经参与表决专有部分面积过半数的业主且参与表决人数过半数的业主同意": exactly half is not
/// more than half (Art. 1259: "超过" excludes the number itself).
#[test]
fn exactly_half_fails_an_ordinary_vote() {
    let (h, roll) = compound(&equal_areas(6));
    let e = whole(&h, &roll);
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    let agree = owners(0..3);
    let oppose = owners(3..6);
    cast_all(&mut vote, &ballots(&agree, Choice::Agree));
    cast_all(&mut vote, &ballots(&oppose, Choice::Oppose));
    let out = vote.outcome();
    assert!(out.quorum);
    assert!(!out.passed);
    let c = &out.groups[0].conditions;
    // 300.00 of 600.00 m²: 300.01 m² would be more than half.
    assert_eq!(c[2].needed, Some(Quantity::Area("300.01".parse().unwrap())));
    assert_eq!(
        c[2].margin,
        Some(Margin::Short(Quantity::Area("0.01".parse().unwrap())))
    );
    assert_eq!(c[3].margin, Some(Margin::Short(Quantity::Count(1))));
    assert_eq!(
        c[2].explanation.zh,
        "同意的专有部分面积 300.00㎡ / 参与表决的专有部分面积 600.00㎡，未过半数（差 0.01㎡）"
    );
    assert_eq!(
        c[2].explanation.en,
        "agreeing area 300.00 m² of 600.00 m² participating is not more than half (0.01 m² short)"
    );

    // Abstentions take part but do not agree: 3 agree, 2 oppose, 1 abstains is still
    // exactly half.
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    let agree = owners(0..3);
    let oppose = owners(3..5);
    cast_all(&mut vote, &ballots(&agree, Choice::Agree));
    cast_all(&mut vote, &ballots(&oppose, Choice::Oppose));
    cast_all(&mut vote, &[("o5", Choice::Abstain)]);
    assert!(!vote.outcome().passed);
    // One more agreeing owner passes.
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    let agree = owners(0..4);
    let oppose = owners(4..6);
    cast_all(&mut vote, &ballots(&agree, Choice::Agree));
    cast_all(&mut vote, &ballots(&oppose, Choice::Oppose));
    assert!(vote.outcome().passed);
}

/// SPC interpretation Art. 9: "同一买受人拥有一个以上专有部分的，按一人计算".
#[test]
fn one_owner_with_three_units_counts_once_in_headcount_and_thrice_in_area() {
    let (h, mut roll) = compound(&["90.00", "110.00"]);
    roll.add_owner(Owner::new("zhang")).unwrap();
    for (u, a) in [("z1", "80.00"), ("z2", "90.00"), ("z3", "100.00")] {
        roll.add_unit(unit(u, "b", None, a, "zhang")).unwrap();
    }
    let e = whole(&h, &roll);
    assert_eq!(e.len(), 3);
    assert_eq!(e.totals().headcount, 3, "5 units, 3 owners");
    assert_eq!(e.totals().area.to_string(), "470.00");
    let zhang = e.voter("zhang").unwrap();
    assert_eq!(e.weights_of(zhang).unwrap().headcount, 1);
    assert_eq!(e.weights_of(zhang).unwrap().area.to_string(), "270.00");
    for u in ["z1", "z2", "z3"] {
        assert_eq!(e.voter_of_unit(u).unwrap(), zhang);
    }
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    cast_all(&mut vote, &[("zhang", Choice::Agree)]);
    assert_eq!(vote.tally().agree.headcount, 1);
    assert_eq!(vote.tally().agree.area.to_string(), "270.00");
    // One ballot per owner, not per unit.
    let err = vote.cast("zhang", Choice::Agree, ts(DURING)).unwrap_err();
    assert_eq!(err.code(), "consultation.duplicate_ballot");
}

/// SPC interpretation Art. 9: "建设单位尚未出卖和虽已出卖但尚未交付的部分……按一人计算".
#[test]
fn developer_unsold_units_count_as_one_owner() {
    let (h, mut roll) = compound(&["90.00", "90.00"]);
    roll.add_owner(Owner::developer("dev")).unwrap();
    for i in 0..4 {
        roll.add_unit(unit(&format!("unsold{i}"), "b", None, "120.00", "dev"))
            .unwrap();
    }
    let e = whole(&h, &roll);
    assert_eq!(e.totals().headcount, 3, "two buyers and the developer");
    assert_eq!(e.totals().area.to_string(), "660.00");
    let dev = e.voter("dev").unwrap();
    assert_eq!(e.weights_of(dev).unwrap().headcount, 1);
    assert_eq!(e.weights_of(dev).unwrap().area.to_string(), "480.00");
    // A second developer would break "count together as one owner".
    let err = roll.add_owner(Owner::developer("dev2")).unwrap_err();
    assert_eq!(
        err,
        ConsultationError::MultipleDevelopers {
            first: "dev".into(),
            second: "dev2".into()
        }
    );
}

// ----- residents' meeting (居民会议) -------------------------------------------------------

/// Six households h0..h5, each with residents r{2k} (the representative) and r{2k+1}, all
/// adults; groups g1 = [r0, r7] and g2 = [r2, r9]: 12 persons, 6 households, 4 elected
/// representatives.
fn residents() -> ResidentRoll {
    let households = (0..6)
        .map(|k| Household {
            id: format!("h{k}"),
            representative: format!("r{}", 2 * k),
            place: None,
            building_unit: None,
        })
        .collect();
    let residents = (0..12)
        .map(|i| Resident {
            id: format!("r{i}"),
            household: format!("h{}", i / 2),
            birth_date: day("1970-01-01"),
        })
        .collect();
    let groups = vec![
        ResidentsGroup {
            id: "g1".into(),
            representatives: vec!["r0".into(), "r7".into()],
        },
        ResidentsGroup {
            id: "g2".into(),
            representatives: vec!["r2".into(), "r9".into()],
        },
    ];
    ResidentRoll::new(households, residents, groups).unwrap()
}

fn residents_electorate() -> Arc<Electorate> {
    Arc::new(
        residents()
            .electorate(&Hierarchy::new(), &Scope::WholeRoll, day("2025-03-01"))
            .unwrap(),
    )
}

/// 城市居民委员会组织法 Art. 9: "居民会议必须有全体十八周岁以上的居民、户的代表或者居民小组选举的代表
/// 的过半数出席，才能举行" — exactly half attending on every basis: not held.
#[test]
fn residents_meeting_with_exactly_half_attending_is_not_held() {
    let e = residents_electorate();
    assert_eq!(
        (
            e.totals().persons,
            e.totals().households,
            e.totals().representatives
        ),
        (12, 6, 4)
    );
    let mut vote = open(&e, Rule::residents_meeting());
    // r0..r5: 6 of 12 persons, 3 of 6 household representatives (r0, r2, r4), 2 of 4
    // elected representatives (r0, r2).
    let six: Vec<String> = (0..6).map(|i| format!("r{i}")).collect();
    cast_all(&mut vote, &ballots(&six, Choice::Agree));
    let out = vote.outcome();
    assert!(
        !out.quorum,
        "exactly half attending on every basis: not held"
    );
    assert!(!out.passed);
    assert!(out.groups.iter().all(|g| !g.quorum));
    assert!(
        out.explanation.zh.contains("会议不能举行"),
        "{}",
        out.explanation.zh
    );
    assert!(out.explanation.en.contains("the meeting cannot be held"));
    assert_eq!(
        out.groups[0].conditions[0].explanation.zh,
        "出席的十八周岁以上居民人数 6人 / 十八周岁以上居民总人数 12人，未过半数（差 1人）"
    );

    // One more adult attends: more than half of the persons, so it is held, and all agree.
    vote.cast("r11", Choice::Agree, ts(DURING)).unwrap();
    let out = vote.outcome();
    assert!(out.quorum && out.passed);
    assert!(out.groups[0].held && !out.groups[1].held && !out.groups[2].held);
}

/// "会议的决定，由出席人的过半数通过": decided on the basis on which the meeting was held.
#[test]
fn residents_meeting_held_by_household_representatives() {
    let e = residents_electorate();
    let mut vote = open(&e, Rule::residents_meeting());
    // The representatives of h0..h3 attend: 4 of 6 households, only 4 of 12 persons.
    cast_all(
        &mut vote,
        &[
            ("r0", Choice::Agree),
            ("r2", Choice::Agree),
            ("r4", Choice::Agree),
            ("r6", Choice::Oppose),
        ],
    );
    let out = vote.outcome();
    assert!(out.quorum && out.passed, "{}", out.explanation.zh);
    assert!(!out.groups[0].quorum && out.groups[1].held);
    // Two of the four attending households opposing: exactly half, not passed.
    let mut vote = open(&e, Rule::residents_meeting());
    cast_all(
        &mut vote,
        &[
            ("r0", Choice::Agree),
            ("r2", Choice::Agree),
            ("r4", Choice::Oppose),
            ("r6", Choice::Oppose),
        ],
    );
    let out = vote.outcome();
    assert!(out.quorum && !out.passed);
    assert!(out.explanation.zh.contains("任一组条件满足即可"));
}

#[test]
fn residents_aged_18_on_the_meeting_day() {
    let households = vec![Household {
        id: "h".into(),
        representative: "mum".into(),
        place: None,
        building_unit: None,
    }];
    let residents = vec![
        Resident {
            id: "mum".into(),
            household: "h".into(),
            birth_date: day("1980-06-01"),
        },
        Resident {
            id: "son".into(),
            household: "h".into(),
            birth_date: day("2007-03-01"),
        },
        Resident {
            id: "leap".into(),
            household: "h".into(),
            birth_date: day("2008-02-29"),
        },
    ];
    let roll = ResidentRoll::new(households, residents, vec![]).unwrap();
    let at = |d: &str| {
        roll.electorate(&Hierarchy::new(), &Scope::WholeRoll, day(d))
            .unwrap()
    };
    let e = at("2025-02-28");
    assert_eq!(e.totals().persons, 1);
    let err = e.voter("son").unwrap_err();
    assert_eq!(err.code(), "consultation.not_eligible");
    assert_eq!(at("2025-03-01").totals().persons, 2, "18 on his birthday");
    assert_eq!(at("2026-02-28").totals().persons, 2, "born 29 Feb: not yet");
    assert_eq!(
        at("2026-03-01").totals().persons,
        3,
        "born 29 Feb: 18 on 1 March"
    );
}

// ----- non-voters (建房〔2009〕274号 Art. 26) ----------------------------------------------

#[test]
fn non_voters_counted_with_the_majority_when_the_compound_says_so() {
    let (h, mut roll) = compound(&equal_areas(10));
    let four = owners(0..4);
    let two = owners(4..6);
    // Default: only ballots count. 6 of 10 take part: below two thirds.
    let e = whole(&h, &roll);
    assert_eq!(e.non_voter_policy(), NonVoterPolicy::NotCounted);
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    cast_all(&mut vote, &ballots(&four, Choice::Agree));
    cast_all(&mut vote, &ballots(&two, Choice::Oppose));
    let out = vote.outcome();
    assert!(!out.passed && out.non_voters.is_empty());
    assert_eq!(out.counted, out.tally);

    // Counted with the majority: agree holds 4 of 6 cast (more than half) on both bases, so
    // the 4 non-voters count as agreeing participants: 10 of 10 take part, 8 agree.
    roll.set_non_voter_policy(NonVoterPolicy::CountedWithMajority);
    let e = whole(&h, &roll);
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    cast_all(&mut vote, &ballots(&four, Choice::Agree));
    cast_all(&mut vote, &ballots(&two, Choice::Oppose));
    let out = vote.outcome();
    assert!(out.passed, "{}", out.explanation.zh);
    assert_eq!(out.tally.agree.headcount, 4, "the ballots are unchanged");
    assert_eq!(out.counted.agree.headcount, 8);
    assert_eq!(out.counted.agree.area.to_string(), "800.00");
    assert_eq!(out.non_voters.len(), 2);
    assert_eq!(out.non_voters[1].basis, Basis::Headcount);
    assert_eq!(out.non_voters[1].choice, Choice::Agree);
    assert_eq!(out.non_voters[1].amount, Quantity::Count(4));
    assert!(out
        .explanation
        .zh
        .contains("未参与表决的业主计入已表决的多数票"));

    // A tie has no majority: nothing is added, participation stays at 6 of 10.
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    let three_a = owners(0..3);
    let three_o = owners(3..6);
    cast_all(&mut vote, &ballots(&three_a, Choice::Agree));
    cast_all(&mut vote, &ballots(&three_o, Choice::Oppose));
    let out = vote.outcome();
    assert!(out.non_voters.is_empty() && !out.quorum);

    // An opposing majority takes the non-voters with it: participation met, rejected.
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    cast_all(&mut vote, &ballots(&two, Choice::Agree));
    cast_all(&mut vote, &ballots(&four, Choice::Oppose));
    let out = vote.outcome();
    assert!(out.quorum && !out.passed);
    assert_eq!(out.counted.oppose.headcount, 8);

    // Required consents are never presumed.
    let mut vote = open(&e, Rule::elevator_installation(["u9"]));
    cast_all(&mut vote, &ballots(&owners(0..6), Choice::Agree));
    let out = vote.outcome();
    assert!(out.groups[0].held && !out.passed);
    assert_eq!(out.consents[0].choice, None);

    // The setting travels with the roll.
    let back = OwnerRoll::from_json(&roll.to_json()).unwrap();
    assert_eq!(back.non_voter_policy(), NonVoterPolicy::CountedWithMajority);
    assert_eq!(back, roll);
}

// ----- proxies, times, tallies -----------------------------------------------------------

#[test]
fn written_proxy() {
    let (h, roll) = compound(&equal_areas(3));
    let e = whole(&h, &roll);
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    vote.register_proxy("o0", "o0-daughter").unwrap();
    vote.cast_by_proxy("o0-daughter", "o0", Choice::Agree, ts(DURING))
        .unwrap();
    let b = &vote.ballots()[0];
    assert_eq!(e.voter_id(b.voter), Some("o0"));
    assert_eq!(b.proxy.as_deref(), Some("o0-daughter"));
    // An owner may also hold another owner's proxy and cast both ballots.
    vote.register_proxy("o2", "o1").unwrap();
    vote.cast("o1", Choice::Oppose, ts(DURING)).unwrap();
    vote.cast_by_proxy("o1", "o2", Choice::Agree, ts(DURING))
        .unwrap();
    assert_eq!(vote.tally().ballots, 3);
    assert_eq!(vote.choice_of(e.voter("o2").unwrap()), Some(Choice::Agree));
    assert_eq!(vote.proxies().len(), 2);
}

#[test]
fn running_tally_equals_full_tally_and_electorate_tally() {
    let (h, roll) = compound(&["89.57", "102.33", "76.10", "120.00", "95.25"]);
    let e = whole(&h, &roll);
    let mut vote = open(&e, Rule::civil_code_278_special());
    cast_all(
        &mut vote,
        &[
            ("o3", Choice::Agree),
            ("o0", Choice::Oppose),
            ("o4", Choice::Abstain),
            ("o1", Choice::Agree),
        ],
    );
    assert_eq!(vote.tally(), &vote.recount());
    assert_eq!(&e.tally(vote.cast_ballots()).unwrap(), vote.tally());
    assert_eq!(vote.tally().agree.area.to_string(), "222.33");
    assert_eq!(vote.tally().participants().area.to_string(), "407.15");
    assert_eq!(vote.tally().participants().headcount, 4);
    assert!(vote.passes() == vote.outcome().passed);
    // The standalone evaluation agrees with the vote.
    let mut standalone = Rule::civil_code_278_special()
        .evaluate(&e, vote.cast_ballots())
        .unwrap();
    let mut from_vote = vote.outcome();
    standalone.vote = None;
    from_vote.vote = None;
    from_vote.closed = true;
    assert_eq!(standalone, from_vote);
}

#[test]
fn vote_record_round_trip_and_replay() {
    let (h, roll) = compound(&equal_areas(4));
    let e = whole(&h, &roll);
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    vote.register_proxy("o1", "friend").unwrap();
    vote.cast("o0", Choice::Agree, ts(DURING)).unwrap();
    vote.cast_by_proxy("friend", "o1", Choice::Oppose, ts(DURING))
        .unwrap();
    vote.cast("o2", Choice::Agree, ts(DURING)).unwrap();
    vote.close(ts(CLOSES)).unwrap();
    let record = vote.to_record();
    let json = serde_json::to_string(&record).unwrap();
    let back: VoteRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back, record);
    let replayed = Vote::replay(Arc::clone(&e), &back).unwrap();
    assert_eq!(replayed.outcome(), vote.outcome());
    assert!(replayed.is_closed());
    // Replaying over another scope is refused.
    let other = Arc::new(roll.electorate(&h, &Scope::Building(nid("b"))).unwrap());
    assert_eq!(
        Vote::replay(other, &back).unwrap_err().code(),
        "consultation.malformed"
    );
}

// ----- the article: 世纪新城小区 elevators --------------------------------------------------

/// 合肥市 → 蜀山区 → 南七街道 → 丁岗社区 → 世纪新城小区 → 3幢 with building units 1 and 2,
/// six floors of two flats each. In unit 2 one owner holds both flats of the fifth floor.
fn shijixincheng() -> (Hierarchy, OwnerRoll) {
    let mut h = Hierarchy::new();
    h.add("340100", NodeKind::City, "合肥市").unwrap();
    h.add("340104", NodeKind::District, "蜀山区").unwrap();
    h.add("340104005", NodeKind::Street, "南七街道").unwrap();
    h.add("340104005001", NodeKind::Community, "丁岗社区")
        .unwrap();
    h.add("sjxc", NodeKind::Compound, "世纪新城小区").unwrap();
    h.add("sjxc-3", NodeKind::Building, "3幢").unwrap();
    h.contain("340100", "340104").unwrap();
    h.contain("340104", "340104005").unwrap();
    h.contain("340104005", "340104005001").unwrap();
    h.contain("340104005001", "sjxc").unwrap();
    h.contain("sjxc", "sjxc-3").unwrap();

    let mut roll = OwnerRoll::new();
    for u in 1..=2 {
        for floor in 1..=6 {
            for door in 1..=2 {
                let id = format!("3-{u}-{floor}0{door}");
                let owner = if u == 2 && floor == 5 {
                    "o-3-2-5xx".to_owned()
                } else {
                    format!("o-{id}")
                };
                if roll.owner(&owner).is_none() {
                    roll.add_owner(Owner::new(&owner)).unwrap();
                }
                let area = if door == 1 { "89.57" } else { "102.33" };
                roll.add_unit(unit(&id, "sjxc-3", Some(&u.to_string()), area, &owner))
                    .unwrap();
            }
        }
    }
    (h, roll)
}

#[test]
fn shijixincheng_elevator_one_unit_fails_one_passes() {
    let (h, roll) = shijixincheng();
    let scope = |u: &str| Scope::BuildingUnit {
        building: nid("sjxc-3"),
        unit: u.into(),
    };
    let compound = roll.electorate(&h, &Scope::Compound(nid("sjxc"))).unwrap();
    assert_eq!(
        compound.totals().headcount,
        23,
        "24 flats, one owner holds two"
    );
    assert_eq!(compound.totals().area.to_string(), "2302.80");
    let community = roll
        .electorate(&h, &Scope::Territory(nid("340104005001")))
        .unwrap();
    assert_eq!(community.totals(), compound.totals());

    // Unit 1: the ground-floor owners fear for light, air and privacy; the owner of
    // 3-1-101, where the shaft lands, opposes.
    let unit1 = Arc::new(roll.electorate(&h, &scope("1")).unwrap());
    assert_eq!(unit1.totals().headcount, 12);
    let mut vote = Vote::open(
        Arc::clone(&unit1),
        VoteSpec {
            id: "sjxc-3-1-elevator".into(),
            agenda: "3幢1单元加装电梯".into(),
            rule: Rule::elevator_installation(["3-1-101"]),
            opens_at: ts("2020-05-01T08:00:00+08:00"),
            closes_at: ts("2020-05-31T18:00:00+08:00"),
        },
    )
    .unwrap();
    for floor in 1..=6 {
        for door in 1..=2 {
            let choice = if floor == 1 {
                Choice::Oppose
            } else {
                Choice::Agree
            };
            vote.cast(
                &format!("o-3-1-{floor}0{door}"),
                choice,
                ts("2020-05-10T19:30:00+08:00"),
            )
            .unwrap();
        }
    }
    // An owner of unit 2 has no vote on unit 1's elevator.
    let err = vote
        .cast("o-3-2-101", Choice::Agree, ts("2020-05-10T19:30:00+08:00"))
        .unwrap_err();
    assert_eq!(err.code(), "consultation.voter_not_in_scope");
    vote.close(ts("2020-05-31T18:00:00+08:00")).unwrap();
    let out = vote.outcome();
    println!("{}\n{}\n", out.explanation.zh, out.explanation.en);
    assert!(out.closed && out.quorum);
    assert!(out.groups[0].held, "10 of 12 agree: above three quarters");
    assert!(
        !out.passed,
        "the owner of the ground-floor unit used by the shaft opposes"
    );
    assert_eq!(out.consents[0].voter, "o-3-1-101");
    assert_eq!(out.consents[0].choice, Some(Choice::Oppose));
    assert!(out
        .explanation
        .zh
        .contains("须本人同意：专有部分 3-1-101 的业主 o-3-1-101反对"));
    assert!(out
        .explanation
        .en
        .contains("the owner of unit 3-1-101 (o-3-1-101) opposed"));
    assert!(out
        .explanation
        .zh
        .starts_with("既有住宅加装电梯（民法典第二百七十八条第七项）：未通过。"));

    // Unit 2: after the Party members' door-to-door work, everyone agrees but one who
    // abstains; the owner of both fifth-floor flats votes once.
    let unit2 = Arc::new(roll.electorate(&h, &scope("2")).unwrap());
    assert_eq!(unit2.totals().headcount, 11);
    let mut vote = Vote::open(
        Arc::clone(&unit2),
        VoteSpec {
            id: "sjxc-3-2-elevator".into(),
            agenda: "3幢2单元加装电梯".into(),
            rule: Rule::elevator_installation(["3-2-101"]),
            opens_at: ts("2020-05-01T08:00:00+08:00"),
            closes_at: ts("2020-05-31T18:00:00+08:00"),
        },
    )
    .unwrap();
    for (voter, _) in unit2
        .voters()
        .map(|(v, id)| (id.to_owned(), v))
        .collect::<Vec<_>>()
    {
        let choice = if voter == "o-3-2-602" {
            Choice::Abstain
        } else {
            Choice::Agree
        };
        vote.cast(&voter, choice, ts("2020-05-12T20:00:00+08:00"))
            .unwrap();
    }
    vote.close(ts("2020-05-31T18:00:00+08:00")).unwrap();
    let out = vote.outcome();
    println!("{}\n{}", out.explanation.zh, out.explanation.en);
    assert!(out.passed, "{}", out.explanation.en);
    let c = &out.groups[0].conditions;
    assert_eq!(c[3].counted, Quantity::Count(10));
    assert_eq!(c[3].of, Quantity::Count(11));
    assert_eq!(
        c[2].explanation.zh,
        "同意的专有部分面积 1,049.07㎡ / 参与表决的专有部分面积 1,151.40㎡，达到四分之三以上（富余 185.52㎡）"
    );
    assert!(out.consents[0].given);
    let json = out.to_json();
    assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), out);
}

// ----- the article: 弘湖社区 charging piles -------------------------------------------------

/// 淮南市 → 淮南高新区 → 三和镇 → 弘湖社区 → three grids, each with one compound building;
/// four households of two adults per grid.
fn honghu() -> (Hierarchy, ResidentRoll) {
    let mut h = Hierarchy::new();
    h.add("340400", NodeKind::City, "淮南市").unwrap();
    h.add("340471", NodeKind::District, "淮南高新区").unwrap();
    h.add("340471100", NodeKind::Town, "三和镇").unwrap();
    h.add("honghu", NodeKind::Community, "弘湖社区").unwrap();
    h.contain("340400", "340471").unwrap();
    h.contain("340471", "340471100").unwrap();
    h.contain("340471100", "honghu").unwrap();
    h.add("xhct", NodeKind::Compound, "西湖春天小区").unwrap();
    let mut households = Vec::new();
    let mut residents = Vec::new();
    for g in 1..=3 {
        let grid = format!("honghu-g{g}");
        h.add(&grid, NodeKind::Grid, &format!("第{g}网格")).unwrap();
        h.contain("honghu", &grid).unwrap();
        let building = format!("{grid}-b1");
        h.add(&building, NodeKind::Building, &format!("{g}号楼"))
            .unwrap();
        if g == 1 {
            h.contain(&grid, "xhct").unwrap();
            h.contain("xhct", &building).unwrap();
        } else {
            h.contain(&grid, &building).unwrap();
        }
        for k in 0..4 {
            let hh = format!("g{g}-h{k}");
            households.push(Household {
                id: hh.clone(),
                representative: format!("{hh}-a"),
                place: Some(nid(&building)),
                building_unit: None,
            });
            for who in ["a", "b"] {
                residents.push(Resident {
                    id: format!("{hh}-{who}"),
                    household: hh.clone(),
                    birth_date: day("1975-09-01"),
                });
            }
        }
    }
    (h, ResidentRoll::new(households, residents, vec![]).unwrap())
}

#[test]
fn honghu_charging_piles_consensus_per_grid() {
    let (h, roll) = honghu();
    let on = day("2023-04-08");
    let rule = Rule::consensus_of_attendees(Basis::Persons);
    let mut records = ForumRecords::new();
    let mut passed = Vec::new();
    for g in 1..=3 {
        let grid = format!("honghu-g{g}");
        let e = Arc::new(
            roll.electorate(&h, &Scope::Territory(nid(&grid)), on)
                .unwrap(),
        );
        assert_eq!(e.totals().persons, 8);
        records
            .add_forum(Forum {
                id: format!("{grid}-xsh"),
                name: format!("第{g}网格党支部居民协商会"),
                kind: ForumKind::ResidentConsultation,
                host: Some(nid(&grid)),
            })
            .unwrap();
        let mut session = 0;
        let mut opposing = if g == 2 { 1 } else { 0 }; // grid 2 disagrees on the site at first
        loop {
            session += 1;
            let mut vote = Vote::open(
                Arc::clone(&e),
                VoteSpec {
                    id: format!("{grid}-charging-{session}"),
                    agenda: "充电桩选点".into(),
                    rule: rule.clone(),
                    opens_at: ts("2023-04-08T09:00:00+08:00"),
                    closes_at: ts("2023-04-08T11:00:00+08:00"),
                },
            )
            .unwrap();
            // Six of eight attend; those not opposing agree or abstain.
            for (i, (_, id)) in e.voters().take(6).enumerate() {
                let choice = if i < opposing {
                    Choice::Oppose
                } else if i == 5 {
                    Choice::Abstain
                } else {
                    Choice::Agree
                };
                vote.cast(id, choice, ts("2023-04-08T10:00:00+08:00"))
                    .unwrap();
            }
            if g == 1 {
                let err = vote
                    .cast("g2-h0-a", Choice::Agree, ts("2023-04-08T10:00:00+08:00"))
                    .unwrap_err();
                assert_eq!(err.code(), "consultation.voter_not_in_scope");
            }
            vote.close(ts("2023-04-08T11:00:00+08:00")).unwrap();
            let out = vote.outcome();
            if opposing > 0 {
                assert!(!out.passed);
                assert_eq!(
                    out.groups[0].conditions[0].explanation.zh,
                    "未反对的十八周岁以上居民人数 5人 / 出席的十八周岁以上居民人数 6人，未达到全部（差 1人）"
                );
            } else {
                assert!(out.passed, "{}", out.explanation.zh);
            }
            records
                .record(Session {
                    id: format!("{grid}-xsh-{session}"),
                    forum: format!("{grid}-xsh"),
                    date: on.plus_days(7 * (session - 1)),
                    convener: format!("{grid}-branch"),
                    participants: 6,
                    agenda: vec![AgendaItem {
                        issue: format!("{grid}-charging"),
                        title: "电瓶车充电桩选点".into(),
                        decisions: if out.passed {
                            vec![Decision {
                                text: "按协商方案安装充电桩".into(),
                                ticket: Some(format!("HH-{grid}-charging")),
                                solved: true,
                                vote: Some(vote.id().to_owned()),
                            }]
                        } else {
                            vec![]
                        },
                    }],
                })
                .unwrap();
            if out.passed {
                passed.push((g, session));
                break;
            }
            opposing = 0; // after a week of talks, nobody opposes
        }
    }
    assert_eq!(passed, [(1, 1), (2, 2), (3, 1)]);
    let s = records.stats(None, None).unwrap();
    assert_eq!((s.sessions, s.consultations, s.problems_solved), (4, 4, 3));
    assert_eq!(s.participants, 24);
    let tickets: Vec<String> = records
        .ticket_resolutions()
        .into_iter()
        .map(|t| t.ticket)
        .collect();
    assert_eq!(
        tickets,
        [
            "HH-honghu-g1-charging",
            "HH-honghu-g2-charging",
            "HH-honghu-g3-charging"
        ]
    );
}

// ----- the article: 稻香村街道 周末议事厅 statistics -----------------------------------------

/// 1,036 sessions, 484 consultations and 153 problems solved (2019–2024), generated across
/// twelve compounds' weekend halls. Some issues come back to a later session (a consultation
/// each time, a problem solved once).
fn daoxiangcun() -> ForumRecords {
    let mut r = ForumRecords::new();
    let forums = 12;
    for f in 0..forums {
        r.add_forum(Forum {
            id: format!("dxc-{f}"),
            name: if f == 0 {
                "安高城市天地小区周末议事厅".into()
            } else {
                format!("稻香村街道第{f}小区周末议事厅")
            },
            kind: ForumKind::WeekendDeliberationHall,
            host: None,
        })
        .unwrap();
    }
    let start = day("2019-06-01");
    let days = day("2024-05-31").day_number() - start.day_number();
    let sessions = 1036usize;
    let consultations = 484usize;
    // Which consultation each session holds (at most one here).
    let mut item_of_session: HashMap<usize, usize> = HashMap::new();
    for j in 0..consultations {
        item_of_session.insert(j * sessions / consultations, j);
    }
    let mut last_issue: HashMap<usize, (String, bool)> = HashMap::new();
    let (mut new_issues, mut solved) = (0usize, 0usize);
    for i in 0..sessions {
        let f = i % forums;
        let mut agenda = Vec::new();
        if let Some(j) = item_of_session.get(&i) {
            let (issue, is_solved) = match last_issue.get(&f) {
                Some(prev) if j % 10 == 9 => prev.clone(), // deliberated again
                _ => {
                    new_issues += 1;
                    let s = new_issues % 2 == 1 && solved < 153;
                    solved += usize::from(s);
                    (format!("dxc-issue-{new_issues}"), s)
                }
            };
            last_issue.insert(f, (issue.clone(), is_solved));
            let bridge = f == 0 && *j == 0;
            agenda.push(AgendaItem {
                issue,
                title: if bridge {
                    "景观桥木质桥面改造".into()
                } else {
                    format!("议题{j}")
                },
                decisions: if is_solved {
                    vec![Decision {
                        text: if bridge {
                            "桥面换成大理石".into()
                        } else {
                            "议定方案".into()
                        },
                        ticket: Some(format!("DXC-T-{j}")),
                        solved: true,
                        vote: None,
                    }]
                } else {
                    vec![]
                },
            });
        }
        r.record(Session {
            id: format!("dxc-s{i}"),
            forum: format!("dxc-{f}"),
            date: start.plus_days(i as i64 * days / sessions as i64),
            convener: "社区党委".into(),
            participants: 12,
            agenda,
        })
        .unwrap();
    }
    r
}

#[test]
fn daoxiangcun_weekend_hall_statistics() {
    let r = daoxiangcun();
    let s = r.stats(None, None).unwrap();
    assert_eq!(s.sessions, 1036, "开展活动1036期");
    assert_eq!(s.consultations, 484, "组织协商484次");
    assert_eq!(s.problems_solved, 153, "解决问题153个");
    // Per forum, the figures add up (each issue belongs to one hall).
    let rows = r.by_forum(None);
    assert_eq!(rows.len(), 12);
    let sum = |f: fn(&wangge::consultation::ForumStats) -> u64| -> u64 {
        rows.iter().map(|row| f(&row.stats)).sum()
    };
    assert_eq!(sum(|s| s.sessions), 1036);
    assert_eq!(sum(|s| s.consultations), 484);
    assert_eq!(sum(|s| s.problems_solved), 153);
    // Per month, in date order, adding up to the same totals.
    let months = r.by_month(None).unwrap();
    assert!(months
        .windows(2)
        .all(|w| (w[0].year, w[0].month) < (w[1].year, w[1].month)));
    assert_eq!(months.iter().map(|m| m.stats.sessions).sum::<u64>(), 1036);
    assert_eq!(
        months.iter().map(|m| m.stats.consultations).sum::<u64>(),
        484
    );
    assert_eq!(
        months.iter().map(|m| m.stats.problems_solved).sum::<u64>(),
        153
    );
    // A period.
    let y2019 = Period::new(day("2019-01-01"), day("2019-12-31")).unwrap();
    let early = r.stats(None, Some(y2019)).unwrap();
    assert!(early.sessions > 0 && early.sessions < 1036);
    let hall = r.stats(Some("dxc-0"), None).unwrap();
    assert_eq!(hall.sessions, 87);
    // The decisions that resolve tickets, e.g. the 景观桥 at 安高城市天地小区.
    let resolutions = r.ticket_resolutions();
    // 17 solved issues came back to a later session, where the solving decision is
    // recorded again: 170 resolutions of 153 distinct problems.
    assert_eq!(resolutions.len(), 153 + 17);
    let distinct: std::collections::HashSet<&str> =
        resolutions.iter().map(|t| t.issue.as_str()).collect();
    assert_eq!(distinct.len(), 153);
    assert!(resolutions
        .iter()
        .any(|t| t.decision == "桥面换成大理石" && t.forum == "dxc-0"));
    // The records round-trip through JSON.
    let json = serde_json::to_string(&r).unwrap();
    let back: ForumRecords = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
}

// ----- forums: members and custom rules -------------------------------------------------

#[test]
fn weekend_hall_two_thirds_of_representatives() {
    // 议事委员会: 3 owners' representatives, a residents' committee member, a Party member and
    // a property manager; only the first four are representatives.
    let e = Arc::new(
        Electorate::members([
            Member::representative("owner-rep-1"),
            Member::representative("owner-rep-2"),
            Member::representative("owner-rep-3"),
            Member::representative("sjw"),
            Member::new("party-member"),
            Member::new("property"),
        ])
        .unwrap(),
    );
    assert_eq!(e.kind(), ElectorateKind::Members);
    assert_eq!(e.totals().representatives, 4);
    let mut vote = open(&e, Rule::two_thirds_of_representatives());
    cast_all(
        &mut vote,
        &[
            ("owner-rep-1", Choice::Agree),
            ("owner-rep-2", Choice::Agree),
            ("party-member", Choice::Agree),
            ("property", Choice::Agree),
        ],
    );
    // 2 of 4 representatives: below two thirds, whatever the others say.
    assert!(!vote.outcome().passed);
    vote.cast("sjw", Choice::Agree, ts(DURING)).unwrap();
    let out = vote.outcome();
    assert!(out.passed);
    assert_eq!(
        out.groups[0].conditions[0].explanation.zh,
        "同意的代表人数 3人 / 代表总数 4人，达到三分之二以上（富余 0人）"
    );
    // Consensus with nobody attending does not hold.
    let vote = open(&e, Rule::consensus_of_attendees(Basis::Persons));
    let out = vote.outcome();
    assert!(!out.passed);
    assert_eq!(out.groups[0].conditions[0].margin, None);
    assert!(out.groups[0].conditions[0]
        .explanation
        .en
        .contains("nobody attended"));
}

#[test]
fn article_279_unanimity_of_the_owners_concerned() {
    let (h, roll) = compound(&equal_areas(6));
    let e = whole(&h, &roll);
    let rule = Rule::civil_code_279_unanimity(["o1", "o2"]);
    let mut vote = open(&e, rule.clone());
    cast_all(&mut vote, &[("o1", Choice::Agree), ("o3", Choice::Oppose)]);
    let out = vote.outcome();
    assert!(!out.passed && out.quorum && out.groups.is_empty());
    assert_eq!(out.consents[1].choice, None);
    vote.cast("o2", Choice::Agree, ts(DURING)).unwrap();
    assert!(
        vote.outcome().passed,
        "the owners not concerned do not matter"
    );
    // Counts alone cannot decide a consent rule.
    let err = rule
        .decide_counts(
            ElectorateKind::Owners,
            &Scope::WholeRoll,
            e.totals(),
            &Tally::default(),
            NonVoterPolicy::NotCounted,
        )
        .unwrap_err();
    assert_eq!(err.code(), "consultation.invalid_rule");
}

#[test]
fn rules_as_json() {
    let rule = Rule::elevator_installation(["3-1-101"]);
    let json = serde_json::to_value(&rule).unwrap();
    assert_eq!(json["format"], "wangge.consultation.rule");
    assert_eq!(json["version"], 1);
    assert_eq!(
        json["groups"][0]["conditions"][0],
        serde_json::json!({"basis": "area", "numerator": "participants",
            "denominator": "eligible", "fraction": {"num": 2, "den": 3},
            "comparison": "at_least"})
    );
    assert_eq!(json["mustAgree"], serde_json::json!([{"unit": "3-1-101"}]));
    assert_eq!(Rule::from_json(&rule.to_json()).unwrap(), rule);
    // A forum's own rule written by hand: "attendees" reads as "participants".
    let custom = r#"{"format": "wangge.consultation.rule", "version": 1, "id": "hall",
        "name": {"zh": "议事厅三分之二", "en": "hall two thirds"},
        "groups": [{"conditions": [{"basis": "persons", "numerator": "agreeing",
            "denominator": "attendees", "fraction": {"num": 2, "den": 3},
            "comparison": "at_least"}]}]}"#;
    let rule = Rule::from_json(custom).unwrap();
    assert_eq!(
        rule.groups[0].conditions[0].denominator,
        Denominator::Participants
    );
    // Typos are refused.
    let typo = custom.replace("\"comparison\"", "\"comparision\"");
    assert_eq!(
        Rule::from_json(&typo).unwrap_err().code(),
        "consultation.malformed"
    );
    let bad = custom.replace("\"den\": 3", "\"den\": 0");
    assert!(Rule::from_json(&bad).is_err());
    assert!(serde_json::from_str::<Rule>(&bad).is_err());
}

// ----- every error variant ---------------------------------------------------------------

fn code<T: std::fmt::Debug>(r: Result<T, ConsultationError>) -> &'static str {
    r.unwrap_err().code()
}

#[test]
fn every_error_variant() {
    let mut codes = Vec::new();
    let mut check = |c: &'static str, expected: &str| {
        assert_eq!(c, expected);
        codes.push(c);
    };

    // Owners' roll.
    let (h, mut roll) = compound(&equal_areas(3));
    let before = roll.clone();
    check(
        code(roll.add_owner(Owner::new(""))),
        "consultation.invalid_id",
    );
    check(code("1.234".parse::<Area>()), "consultation.invalid_area");
    check(
        code(roll.add_unit(unit("zero", "b", None, "0", "o0"))),
        "consultation.invalid_area",
    );
    check(
        code(roll.add_unit(unit("huge", "b", None, "10000000.01", "o0"))),
        "consultation.invalid_area",
    );
    check(
        code(roll.add_owner(Owner::new("o0"))),
        "consultation.duplicate_owner",
    );
    check(
        code(roll.add_unit(unit("u0", "b", None, "1", "o0"))),
        "consultation.duplicate_unit",
    );
    check(
        code(roll.add_unit(unit("u9", "b", None, "1", "nobody"))),
        "consultation.unknown_owner",
    );
    roll.add_owner(Owner::developer("dev")).unwrap();
    check(
        code(roll.add_owner(Owner::developer("dev2"))),
        "consultation.multiple_developers",
    );
    assert_eq!(
        roll.owners().len(),
        before.owners().len() + 1,
        "refusals change nothing"
    );
    assert_eq!(roll.units(), before.units());

    // Scopes.
    check(
        code(roll.electorate(&h, &Scope::Compound(nid("nowhere")))),
        "consultation.unknown_node",
    );
    check(
        code(roll.electorate(&h, &Scope::Building(nid("c")))),
        "consultation.scope_kind",
    );
    let mut stray = roll.clone();
    stray
        .add_unit(unit("stray", "not-a-building", None, "50", "o0"))
        .unwrap();
    check(
        code(stray.electorate(&h, &Scope::Compound(nid("c")))),
        "consultation.unknown_building",
    );
    check(
        code(roll.electorate(
            &h,
            &Scope::BuildingUnit {
                building: nid("b"),
                unit: "9".into(),
            },
        )),
        "consultation.empty_scope",
    );

    // Residents' roll.
    let hh = |id: &str, rep: &str| Household {
        id: id.into(),
        representative: rep.into(),
        place: None,
        building_unit: None,
    };
    let res = |id: &str, household: &str| Resident {
        id: id.into(),
        household: household.into(),
        birth_date: day("1970-01-01"),
    };
    let group = |id: &str, reps: &[&str]| ResidentsGroup {
        id: id.into(),
        representatives: reps.iter().map(|r| (*r).to_owned()).collect(),
    };
    check(
        code(ResidentRoll::new(
            vec![hh("h", "a")],
            vec![res("a", "h"), res("a", "h")],
            vec![],
        )),
        "consultation.duplicate_resident",
    );
    check(
        code(ResidentRoll::new(
            vec![hh("h", "ghost")],
            vec![res("a", "h")],
            vec![],
        )),
        "consultation.unknown_resident",
    );
    check(
        code(ResidentRoll::new(
            vec![hh("h", "a"), hh("h", "a")],
            vec![res("a", "h")],
            vec![],
        )),
        "consultation.duplicate_household",
    );
    check(
        code(ResidentRoll::new(
            vec![hh("h", "a")],
            vec![res("a", "x")],
            vec![],
        )),
        "consultation.unknown_household",
    );
    check(
        code(ResidentRoll::new(
            vec![hh("h", "a"), hh("k", "a")],
            vec![res("a", "h"), res("b", "k")],
            vec![],
        )),
        "consultation.representative_not_in_household",
    );
    let two = || vec![res("a", "h"), res("b", "h"), res("c", "h"), res("d", "h")];
    check(
        code(ResidentRoll::new(
            vec![hh("h", "a")],
            two(),
            vec![group("g", &["a", "b"]), group("g", &["c", "d"])],
        )),
        "consultation.duplicate_group",
    );
    for reps in [&["a"][..], &["a", "b", "c", "d"], &["a", "a"]] {
        check(
            code(ResidentRoll::new(
                vec![hh("h", "a")],
                two(),
                vec![group("g", reps)],
            )),
            "consultation.invalid_group",
        );
    }
    check(
        code(Electorate::members([Member::new("x"), Member::new("x")])),
        "consultation.duplicate_member",
    );
    check(
        code(Electorate::members(Vec::<Member>::new())),
        "consultation.empty_scope",
    );
    let placed = ResidentRoll::new(
        vec![Household {
            place: Some(nid("nowhere")),
            ..hh("h", "a")
        }],
        vec![res("a", "h")],
        vec![],
    )
    .unwrap();
    check(
        code(placed.electorate(&h, &Scope::Compound(nid("c")), day("2025-01-01"))),
        "consultation.unknown_building",
    );
    // Capacity: more than u32::MAX - 1 entries cannot be built in a test; the variant exists.
    check(
        ConsultationError::CapacityExceeded { limit: 1 }.code(),
        "consultation.capacity_exceeded",
    );

    // Rules.
    check(code(Fraction::new(1, 0)), "consultation.invalid_fraction");
    check(code(Fraction::new(4, 3)), "consultation.invalid_fraction");
    let name = Bilingual::new("规则", "rule");
    let invalid_rules = [
        Rule {
            id: "r".into(),
            name: name.clone(),
            groups: vec![],
            must_agree: vec![],
        },
        Rule {
            id: "r".into(),
            name: name.clone(),
            groups: vec![ConditionGroup::all([])],
            must_agree: vec![],
        },
        Rule::new(
            "r",
            name.clone(),
            [Condition::agreement_more_than(Basis::Area, Fraction::ALL)],
        ),
        Rule::new(
            "r",
            name.clone(),
            [Condition::new(
                Basis::Area,
                Numerator::Participants,
                Denominator::Participants,
                Fraction::HALF,
                Comparison::AtLeast,
            )],
        ),
        Rule::civil_code_279_unanimity(["o1", "o1"]),
    ];
    for rule in &invalid_rules {
        check(code(rule.validate()), "consultation.invalid_rule");
    }
    let e = whole(&h, &roll);
    let members = Arc::new(Electorate::members([Member::new("m")]).unwrap());
    check(
        code(Vote::open(
            Arc::clone(&members),
            spec("v", Rule::civil_code_278_ordinary()),
        )),
        "consultation.basis_unavailable",
    );
    check(
        code(Vote::open(
            Arc::clone(&e),
            spec("v", Rule::elevator_installation(["nope"])),
        )),
        "consultation.unknown_unit",
    );
    let mut big = Tally::default();
    big.agree.headcount = e.totals().headcount + 1;
    check(
        code(Rule::civil_code_278_ordinary().decide_counts(
            ElectorateKind::Owners,
            e.scope(),
            e.totals(),
            &big,
            NonVoterPolicy::NotCounted,
        )),
        "consultation.inconsistent_tally",
    );

    // Votes.
    check(
        code(Vote::open(
            Arc::clone(&e),
            VoteSpec {
                closes_at: ts(OPENS),
                ..spec("v", Rule::civil_code_278_ordinary())
            },
        )),
        "consultation.invalid_closing_time",
    );
    check(
        code(Vote::open(
            Arc::clone(&e),
            spec("bad id", Rule::civil_code_278_ordinary()),
        )),
        "consultation.invalid_id",
    );
    let mut vote = open(&e, Rule::civil_code_278_ordinary());
    vote.register_proxy("o0", "proxy-0").unwrap();
    vote.cast("o1", Choice::Agree, ts(DURING)).unwrap();
    let snapshot = (vote.tally().to_owned(), vote.ballots().to_vec());
    check(
        code(vote.cast("stranger", Choice::Agree, ts(DURING))),
        "consultation.unknown_voter",
    );
    check(
        code(vote.cast("o1", Choice::Oppose, ts(DURING))),
        "consultation.duplicate_ballot",
    );
    let dup = vote.cast("o1", Choice::Oppose, ts(DURING)).unwrap_err();
    assert_eq!(
        dup,
        ConsultationError::DuplicateBallot {
            vote: Some("v1".into()),
            voter: "o1".into(),
            first_at: Some(ts(DURING))
        }
    );
    check(
        code(vote.cast("o2", Choice::Agree, ts("2025-03-15T18:00:01+08:00"))),
        "consultation.ballot_after_closing",
    );
    check(
        code(vote.cast("o2", Choice::Agree, ts("2025-03-01T07:59:59+08:00"))),
        "consultation.ballot_before_opening",
    );
    check(
        code(vote.cast_by_proxy("someone", "o0", Choice::Agree, ts(DURING))),
        "consultation.proxy_not_authorized",
    );
    check(
        code(vote.cast_by_proxy("proxy-0", "o2", Choice::Agree, ts(DURING))),
        "consultation.proxy_not_authorized",
    );
    check(
        code(vote.register_proxy("o0", "another")),
        "consultation.duplicate_proxy",
    );
    check(
        code(vote.register_proxy("o2", "o2")),
        "consultation.self_proxy",
    );
    check(
        code(vote.close(ts("2025-03-02T00:00:00+08:00"))),
        "consultation.invalid_closing_time",
    );
    assert_eq!((vote.tally().to_owned(), vote.ballots().to_vec()), snapshot);
    vote.close(ts(CLOSES)).unwrap();
    check(
        code(vote.cast("o2", Choice::Agree, ts(DURING))),
        "consultation.vote_closed",
    );
    check(
        code(vote.register_proxy("o2", "p")),
        "consultation.vote_closed",
    );
    check(code(vote.close(ts(CLOSES))), "consultation.vote_closed");
    assert_eq!((vote.tally().to_owned(), vote.ballots().to_vec()), snapshot);

    // Scope and eligibility of voters.
    let building_unit = {
        let mut r = OwnerRoll::new();
        r.add_owner(Owner::new("in")).unwrap();
        r.add_owner(Owner::new("out")).unwrap();
        r.add_owner(Owner::new("landless")).unwrap();
        r.add_unit(unit("in-1", "b", Some("1"), "80", "in"))
            .unwrap();
        r.add_unit(unit("out-1", "b", Some("2"), "80", "out"))
            .unwrap();
        r.electorate(
            &h,
            &Scope::BuildingUnit {
                building: nid("b"),
                unit: "1".into(),
            },
        )
        .unwrap()
    };
    check(
        code(building_unit.voter("out")),
        "consultation.voter_not_in_scope",
    );
    check(
        code(building_unit.voter_of_unit("out-1")),
        "consultation.voter_not_in_scope",
    );
    check(
        code(building_unit.voter("landless")),
        "consultation.not_eligible",
    );
    check(
        code(building_unit.voter_of_unit("elsewhere")),
        "consultation.unknown_unit",
    );
    let b = building_unit.ballot("in", Choice::Agree).unwrap();
    check(
        code(building_unit.tally(&[b, b])),
        "consultation.duplicate_ballot",
    );
    let outside = CastBallot {
        voter: e.voter("o2").unwrap(),
        choice: Choice::Agree,
    };
    check(
        code(building_unit.tally(&[outside])),
        "consultation.unknown_voter",
    );

    // Forum records.
    let mut r = ForumRecords::new();
    let forum = Forum {
        id: "f".into(),
        name: "周末议事厅".into(),
        kind: ForumKind::WeekendDeliberationHall,
        host: None,
    };
    r.add_forum(forum.clone()).unwrap();
    check(code(r.add_forum(forum)), "consultation.duplicate_forum");
    let session = Session {
        id: "s".into(),
        forum: "f".into(),
        date: day("2024-06-01"),
        convener: "社区党委".into(),
        participants: 9,
        agenda: vec![],
    };
    r.record(session.clone()).unwrap();
    check(
        code(r.record(session.clone())),
        "consultation.duplicate_session",
    );
    check(
        code(r.record(Session {
            id: "s2".into(),
            forum: "g".into(),
            ..session
        })),
        "consultation.unknown_forum",
    );
    check(code(r.stats(Some("g"), None)), "consultation.unknown_forum");
    check(
        code(Period::new(day("2024-02-01"), day("2024-01-31"))),
        "consultation.invalid_period",
    );

    // Documents.
    let doc = r#"{"format": "wangge.hierarchy", "version": 1, "id": "x",
        "name": {"zh": "x", "en": "x"}, "groups": []}"#;
    check(
        code(Rule::from_json(doc)),
        "consultation.unsupported_format",
    );
    check(code(OwnerRoll::from_json("{")), "consultation.malformed");

    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), 41, "every variant: {codes:?}");
    assert!(codes.iter().all(|c| c.starts_with("consultation.")));
}

#[test]
fn errors_serialize_with_their_fields() {
    let err = ConsultationError::VoterNotInScope {
        voter: "o-3-2-101".into(),
        scope: "building \"sjxc-3\" unit \"1\"".into(),
    };
    assert_eq!(
        serde_json::to_value(&err).unwrap(),
        serde_json::json!({"voter": "o-3-2-101", "scope": "building \"sjxc-3\" unit \"1\""})
    );
    assert_eq!(
        err.to_string(),
        "\"o-3-2-101\" is not in scope building \"sjxc-3\" unit \"1\""
    );
}

// ----- properties ------------------------------------------------------------------------

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![
        Just(Choice::Agree),
        Just(Choice::Oppose),
        Just(Choice::Abstain)
    ]
}

/// Owners with 1–3 units each, areas up to the 10^7 m² maximum, maybe a developer.
fn roll_strategy() -> impl Strategy<Value = OwnerRoll> {
    (
        prop::collection::vec(prop::collection::vec(1u64..=1_000_000_000, 1..=3), 1..=24),
        any::<bool>(),
    )
        .prop_map(|(owners, developer)| {
            let mut roll = OwnerRoll::new();
            for (i, units) in owners.iter().enumerate() {
                let owner = if i == 0 && developer {
                    Owner::developer("o0")
                } else {
                    Owner::new(format!("o{i}"))
                };
                roll.add_owner(owner).unwrap();
                for (k, area) in units.iter().enumerate() {
                    roll.add_unit(ExclusiveUnit {
                        id: format!("u{i}-{k}"),
                        building: nid("b"),
                        building_unit: None,
                        area: Area::from_hundredths(*area),
                        owner: format!("o{i}"),
                    })
                    .unwrap();
                }
            }
            roll
        })
}

fn monotone_condition(basis: Vec<Basis>) -> impl Strategy<Value = Condition> {
    (
        prop::sample::select(basis),
        prop_oneof![
            Just(Numerator::Participants),
            Just(Numerator::Agreeing),
            Just(Numerator::NotOpposing)
        ],
        prop_oneof![Just(Denominator::Eligible), Just(Denominator::Participants)],
        (1u64..=10).prop_flat_map(|den| (0..=den, Just(den))),
        prop_oneof![Just(Comparison::AtLeast), Just(Comparison::MoreThan)],
    )
        .prop_map(
            |(basis, numerator, mut denominator, (num, den), comparison)| {
                if numerator == Numerator::Participants {
                    denominator = Denominator::Eligible;
                }
                let num = if comparison == Comparison::MoreThan && num == den {
                    num - 1
                } else {
                    num
                };
                Condition::new(
                    basis,
                    numerator,
                    denominator,
                    Fraction::new(num, den).unwrap(),
                    comparison,
                )
            },
        )
}

/// Rules whose conditions only count participants, agreement or non-opposition.
fn monotone_rule(basis: Vec<Basis>) -> impl Strategy<Value = Rule> {
    prop_oneof![
        Just(Rule::civil_code_278_ordinary()),
        Just(Rule::civil_code_278_special()),
        prop::collection::vec(
            prop::collection::vec(monotone_condition(basis), 1..=4),
            1..=3
        )
        .prop_map(|groups| Rule {
            id: "random".into(),
            name: Bilingual::new("随机", "random"),
            groups: groups.into_iter().map(ConditionGroup::all).collect(),
            must_agree: vec![],
        }),
    ]
}

fn outcome_of(e: &Electorate, rule: &Rule, ballots: &[CastBallot]) -> Outcome {
    rule.evaluate(e, ballots).unwrap()
}

fn ballots_of(e: &Electorate, choices: &[Option<Choice>]) -> Vec<CastBallot> {
    e.voters()
        .zip(choices)
        .filter_map(|((voter, _), c)| c.map(|choice| CastBallot { voter, choice }))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    /// The one-pass coded tally and decision agree with building the ballots first, on
    /// valid input and on every kind of bad input (out-of-range positions, unknown codes,
    /// a voter twice, lists of different lengths): the same result or the same error.
    #[test]
    fn coded_tally_equals_the_two_steps(
        roll in roll_strategy(),
        rule in monotone_rule(vec![Basis::Area, Basis::Headcount]),
        raw in prop::collection::vec((0u32..30, prop_oneof![8 => 0u8..3, 1 => 3u8..=255]), 0..20),
        extra in prop::option::of(0u8..3),
    ) {
        let e = roll.whole_electorate().unwrap();
        let voters: Vec<u32> = raw.iter().map(|(v, _)| *v).collect();
        let mut choices: Vec<u8> = raw.iter().map(|(_, c)| *c).collect();
        if let Some(c) = extra {
            choices.push(c);
        }
        let two_steps = e.coded_ballots(&voters, &choices).and_then(|b| e.tally(&b));
        prop_assert_eq!(e.tally_coded(&voters, &choices), two_steps);
        let two_steps = e.coded_ballots(&voters, &choices).and_then(|b| rule.passes(&e, &b));
        prop_assert_eq!(rule.passes_coded(&e, &voters, &choices), two_steps);
    }

    /// Turning an oppose into an agree never turns a pass into a fail; a new participant
    /// never breaks a participation condition that held.
    #[test]
    fn outcomes_are_monotone(
        roll in roll_strategy(),
        rule in monotone_rule(vec![Basis::Area, Basis::Headcount]),
        choices in prop::collection::vec(prop::option::of(choice()), 24),
        pick in any::<prop::sample::Index>(),
        newcomer in choice(),
    ) {
        let e = roll.whole_electorate().unwrap();
        let choices = &choices[..e.len()];
        let before = outcome_of(&e, &rule, &ballots_of(&e, choices));

        let opposing: Vec<usize> = (0..choices.len()).filter(|i| choices[*i] == Some(Choice::Oppose)).collect();
        if !opposing.is_empty() {
            let mut changed = choices.to_vec();
            changed[opposing[pick.index(opposing.len())]] = Some(Choice::Agree);
            let after = outcome_of(&e, &rule, &ballots_of(&e, &changed));
            prop_assert!(!before.passed || after.passed);
            for (g0, g1) in before.groups.iter().zip(&after.groups) {
                for (c0, c1) in g0.conditions.iter().zip(&g1.conditions) {
                    prop_assert!(!c0.held || c1.held);
                }
            }
        }

        let absent: Vec<usize> = (0..choices.len()).filter(|i| choices[*i].is_none()).collect();
        if !absent.is_empty() {
            let mut changed = choices.to_vec();
            changed[absent[pick.index(absent.len())]] = Some(newcomer);
            let after = outcome_of(&e, &rule, &ballots_of(&e, &changed));
            prop_assert!(!before.quorum || after.quorum);
            for (g0, g1) in before.groups.iter().zip(&after.groups) {
                for (c0, c1) in g0.conditions.iter().zip(&g1.conditions) {
                    if c0.condition.is_participation() {
                        prop_assert!(!c0.held || c1.held);
                    }
                }
            }
        }
    }

    /// With non-voters counted with the majority, the Art. 278 presets stay monotone in
    /// agreement.
    #[test]
    fn presets_are_monotone_with_non_voters_counted(
        roll in roll_strategy(),
        special in any::<bool>(),
        choices in prop::collection::vec(prop::option::of(choice()), 24),
        pick in any::<prop::sample::Index>(),
    ) {
        let e = roll
            .whole_electorate()
            .unwrap()
            .with_non_voter_policy(NonVoterPolicy::CountedWithMajority);
        let rule = if special { Rule::civil_code_278_special() } else { Rule::civil_code_278_ordinary() };
        let choices = &choices[..e.len()];
        let before = outcome_of(&e, &rule, &ballots_of(&e, choices));
        let opposing: Vec<usize> = (0..choices.len()).filter(|i| choices[*i] == Some(Choice::Oppose)).collect();
        if !opposing.is_empty() {
            let mut changed = choices.to_vec();
            changed[opposing[pick.index(opposing.len())]] = Some(Choice::Agree);
            let after = outcome_of(&e, &rule, &ballots_of(&e, &changed));
            prop_assert!(!before.passed || after.passed);
        }
    }

    /// The order of the ballots never matters, and the running tally always equals the
    /// full tally.
    #[test]
    fn permuting_ballots_changes_nothing_and_running_equals_full(
        (roll, choices, order) in roll_strategy().prop_flat_map(|roll| {
            let n = roll.owners().len();
            (
                Just(roll),
                prop::collection::vec(prop::option::of(choice()), n),
                Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
            )
        }),
        rule in monotone_rule(vec![Basis::Area, Basis::Headcount]),
    ) {
        let e = Arc::new(roll.whole_electorate().unwrap());
        let ballots = ballots_of(&e, &choices);
        let mut permuted: Vec<CastBallot> = Vec::new();
        for i in &order {
            if let Some(choice) = choices[*i] {
                permuted.push(CastBallot { voter: e.voter(&format!("o{i}")).unwrap(), choice });
            }
        }
        prop_assert_eq!(outcome_of(&e, &rule, &ballots), outcome_of(&e, &rule, &permuted));

        let mut a = Vote::open(Arc::clone(&e), spec("a", rule.clone())).unwrap();
        let mut b = Vote::open(Arc::clone(&e), spec("a", rule.clone())).unwrap();
        for cb in &ballots {
            a.cast(e.voter_id(cb.voter).unwrap(), cb.choice, ts(DURING)).unwrap();
            prop_assert_eq!(a.tally(), &a.recount());
        }
        for cb in &permuted {
            b.cast(e.voter_id(cb.voter).unwrap(), cb.choice, ts(DURING)).unwrap();
        }
        prop_assert_eq!(a.tally(), b.tally());
        prop_assert_eq!(&e.tally(&ballots).unwrap(), a.tally());
        prop_assert_eq!(a.outcome(), b.outcome());
        prop_assert_eq!(a.passes(), a.outcome().passed);
    }

    /// Rolls of up to 10 million units of up to 10^7 m² each: totals up to 10^16
    /// hundredths of a m² and 10^7 owners. Every comparison is exact (the least sufficient
    /// count holds, one less does not), margins add up, and nothing overflows (tests run
    /// with overflow checks).
    #[test]
    fn no_overflow_at_ten_million_units(
        units in 1u64..=10_000_000,
        area_seed in any::<u64>(),
        split in prop::collection::vec(any::<u64>(), 6),
        rule in monotone_rule(vec![Basis::Area, Basis::Headcount]),
        policy in prop_oneof![Just(NonVoterPolicy::NotCounted), Just(NonVoterPolicy::CountedWithMajority)],
    ) {
        let max_area = units * Area::MAX_UNIT.hundredths();
        let area = 1 + area_seed % max_area;
        let eligible = Weights { area: Area::from_hundredths(area), headcount: units, ..Weights::default() };
        // Split each basis into agree / oppose / abstain / absent.
        let part = |total: u64, a: u64, b: u64| {
            let x = a % (total + 1);
            let y = b % (total - x + 1);
            let z = (a ^ b) % (total - x - y + 1);
            (x, y, z)
        };
        let (aa, ao, ab) = part(area, split[0], split[1]);
        let (ha, ho, hb) = part(units, split[2], split[3]);
        let tally = Tally {
            ballots: ha + ho + hb,
            agree: Weights { area: Area::from_hundredths(aa), headcount: ha, ..Weights::default() },
            oppose: Weights { area: Area::from_hundredths(ao), headcount: ho, ..Weights::default() },
            abstain: Weights { area: Area::from_hundredths(ab), headcount: hb, ..Weights::default() },
        };
        let out = rule
            .decide_counts(ElectorateKind::Owners, &Scope::WholeRoll, &eligible, &tally, policy)
            .unwrap();
        for g in &out.groups {
            for c in &g.conditions {
                let cond = c.condition;
                let (counted, of) = (c.counted.raw(), c.of.raw());
                prop_assert_eq!(c.held, cond.fraction.compare(cond.comparison, counted, of));
                match (c.needed, c.margin) {
                    (Some(needed), Some(Margin::Spare(m))) => {
                        prop_assert!(c.held);
                        prop_assert_eq!(counted, needed.raw() + m.raw());
                    }
                    (Some(needed), Some(Margin::Short(m))) => {
                        prop_assert!(!c.held);
                        prop_assert_eq!(counted + m.raw(), needed.raw());
                    }
                    (None, None) => prop_assert!(of == 0 && !c.held),
                    other => prop_assert!(false, "inconsistent {:?}", other),
                }
                if let Some(needed) = c.needed {
                    let n = needed.raw();
                    prop_assert!(cond.fraction.compare(cond.comparison, n, of));
                    prop_assert!(n == 0 || !cond.fraction.compare(cond.comparison, n - 1, of));
                }
            }
        }
        let json = out.to_json();
        prop_assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), out);
    }

    /// Rules and outcomes survive JSON unchanged.
    #[test]
    fn serde_round_trips(
        roll in roll_strategy(),
        rule in monotone_rule(vec![Basis::Area, Basis::Headcount]),
        choices in prop::collection::vec(prop::option::of(choice()), 24),
        consent in any::<bool>(),
    ) {
        let rule = if consent { rule.requiring([Consent::Unit("u0-0".into())]) } else { rule };
        let json = serde_json::to_string(&rule).unwrap();
        prop_assert_eq!(&serde_json::from_str::<Rule>(&json).unwrap(), &rule);
        let e = roll.whole_electorate().unwrap();
        let out = outcome_of(&e, &rule, &ballots_of(&e, &choices[..e.len()]));
        let json = serde_json::to_string_pretty(&out).unwrap();
        prop_assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), out);
        let roll_json = roll.to_json();
        prop_assert_eq!(OwnerRoll::from_json(&roll_json).unwrap(), roll);
    }
}

/// The boundary at the largest scale: 10^16 - 1 hundredths of a m² over 10^7 - 1 owners
/// (both divisible by 3).
#[test]
fn exact_two_thirds_at_the_largest_scale() {
    let area = 9_999_999_999_999_999u64;
    let owners = 9_999_999u64;
    let eligible = Weights {
        area: Area::from_hundredths(area),
        headcount: owners,
        ..Weights::default()
    };
    let tally = |a: u64, h: u64| Tally {
        ballots: h,
        agree: Weights {
            area: Area::from_hundredths(a),
            headcount: h,
            ..Weights::default()
        },
        ..Tally::default()
    };
    let decide = |t: Tally| {
        Rule::civil_code_278_ordinary()
            .decide_counts(
                ElectorateKind::Owners,
                &Scope::WholeRoll,
                &eligible,
                &t,
                NonVoterPolicy::NotCounted,
            )
            .unwrap()
    };
    let exact = decide(tally(area / 3 * 2, owners / 3 * 2));
    assert!(exact.passed);
    let short = decide(tally(area / 3 * 2 - 1, owners / 3 * 2));
    assert!(!short.passed);
    assert_eq!(
        short.groups[0].conditions[0].margin,
        Some(Margin::Short(Quantity::Area(Area::from_hundredths(1))))
    );
    assert_eq!(
        short.groups[0].conditions[0].explanation.zh,
        "参与表决的专有部分面积 66,666,666,666,666.65㎡ / 总面积 99,999,999,999,999.99㎡，未达到三分之二以上（差 0.01㎡）"
    );
}

/// A real roll of 10 million units of 10^7 m² each. It needs about 6.5 GB of memory and
/// 2.5 minutes in a release build (most of it allocating ids), so it is not part of the
/// default run: `cargo test --release -p wangge --test consultation -- --ignored ten_million`.
#[test]
#[ignore]
fn ten_million_unit_roll() {
    let n = 10_000_000usize;
    let mut roll = OwnerRoll::new();
    for i in 0..n {
        roll.add_owner(Owner::new(format!("o{i}"))).unwrap();
        roll.add_unit(ExclusiveUnit {
            id: format!("u{i}"),
            building: nid("b"),
            building_unit: None,
            area: Area::MAX_UNIT,
            owner: format!("o{i}"),
        })
        .unwrap();
    }
    let e = roll.whole_electorate().unwrap();
    assert_eq!(e.totals().area.hundredths(), 10_000_000_000_000_000);
    let ballots: Vec<CastBallot> = e
        .voters()
        .take(n / 3 * 2 + 1)
        .map(|(voter, _)| CastBallot {
            voter,
            choice: Choice::Agree,
        })
        .collect();
    let out = Rule::civil_code_278_special()
        .evaluate(&e, &ballots)
        .unwrap();
    assert!(out.passed, "{}", out.explanation.en);
}
