//! Ballots, weights and tallies (计票).

use serde::{Deserialize, Serialize};

use super::{Area, Basis};

/// A ballot's choice (表决意见).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// 同意.
    Agree,
    /// 反对.
    Oppose,
    /// 弃权: takes part (counts as participating, 参与表决 / 出席) without agreeing.
    Abstain,
}

impl Choice {
    /// Every choice.
    pub const ALL: [Choice; 3] = [Choice::Agree, Choice::Oppose, Choice::Abstain];

    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// The choice of a numeric code, for the typed-array entry points of the bindings (one
    /// table for every runtime): 0 agree, 1 oppose, 2 abstain; anything else is refused.
    ///
    /// ```
    /// use wangge::consultation::Choice;
    /// assert_eq!(Choice::from_code(2)?, Choice::Abstain);
    /// assert_eq!(Choice::from_code(3).unwrap_err().code(), "consultation.unknown_choice_code");
    /// # Ok::<(), wangge::consultation::ConsultationError>(())
    /// ```
    #[inline]
    pub fn from_code(code: u8) -> Result<Choice, super::ConsultationError> {
        Choice::decode(code).ok_or(super::ConsultationError::UnknownChoiceCode { code })
    }

    /// The one table of choice codes (see [`Choice::from_code`]), for the hot loops: an
    /// `Option`, always inlined, so that no `Result` is built per ballot (at opt-level "z",
    /// as in the WebAssembly module, that was not optimised away and halved tally speed).
    #[inline(always)]
    pub(crate) const fn decode(code: u8) -> Option<Choice> {
        match code {
            0 => Some(Choice::Agree),
            1 => Some(Choice::Oppose),
            2 => Some(Choice::Abstain),
            _ => None,
        }
    }

    /// The Chinese word.
    pub const fn chinese(self) -> &'static str {
        match self {
            Choice::Agree => "同意",
            Choice::Oppose => "反对",
            Choice::Abstain => "弃权",
        }
    }

    /// The snake_case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Choice::Agree => "agree",
            Choice::Oppose => "oppose",
            Choice::Abstain => "abstain",
        }
    }
}

/// A voter's position in an [`Electorate`](super::Electorate): `0..electorate.len()`.
/// Meaningful only for the electorate that issued it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VoterIndex(pub(crate) u32);

impl VoterIndex {
    /// The position as a dense index.
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// The raw value.
    pub const fn raw(self) -> u32 {
        self.0
    }
}

/// A ballot in its compact form (8 bytes): who, and what. This is what tallies read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CastBallot {
    /// The voter.
    pub voter: VoterIndex,
    /// The choice.
    pub choice: Choice,
}

/// Weights on every basis: of one voter, of everyone eligible, or of the ballots of one
/// choice. Bases that an electorate does not have are zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Weights {
    /// Exclusive floor area (专有部分面积).
    pub area: Area,
    /// Owners (业主人数).
    pub headcount: u64,
    /// Residents aged 18+ or forum members (人数).
    pub persons: u64,
    /// Household representatives (户代表).
    pub households: u64,
    /// Elected representatives (代表).
    pub representatives: u64,
}

impl Weights {
    /// The weight on one basis (area in hundredths of a square metre).
    pub const fn get(&self, basis: Basis) -> u64 {
        match basis {
            Basis::Area => self.area.hundredths(),
            Basis::Headcount => self.headcount,
            Basis::Persons => self.persons,
            Basis::Households => self.households,
            Basis::Representatives => self.representatives,
        }
    }

    /// Sets the weight on one basis.
    pub fn set(&mut self, basis: Basis, value: u64) {
        match basis {
            Basis::Area => self.area = Area::from_hundredths(value),
            Basis::Headcount => self.headcount = value,
            Basis::Persons => self.persons = value,
            Basis::Households => self.households = value,
            Basis::Representatives => self.representatives = value,
        }
    }

    /// The sum on every basis. Sums of one electorate never overflow (see [`Area`]).
    pub fn plus(&self, other: &Weights) -> Weights {
        Weights {
            area: Area::from_hundredths(self.area.hundredths() + other.area.hundredths()),
            headcount: self.headcount + other.headcount,
            persons: self.persons + other.persons,
            households: self.households + other.households,
            representatives: self.representatives + other.representatives,
        }
    }

    pub(crate) fn add_voter(&mut self, w: VoterWeight) {
        self.area = Area::from_hundredths(self.area.hundredths() + w.area);
        self.headcount += u64::from(w.mask & HEADCOUNT);
        self.persons += u64::from((w.mask & PERSONS) >> 1);
        self.households += u64::from((w.mask & HOUSEHOLDS) >> 2);
        self.representatives += u64::from((w.mask & REPRESENTATIVES) >> 3);
    }
}

pub(crate) const HEADCOUNT: u8 = 1;
pub(crate) const PERSONS: u8 = 2;
pub(crate) const HOUSEHOLDS: u8 = 4;
pub(crate) const REPRESENTATIVES: u8 = 8;

/// One voter's precomputed weight: area in hundredths, and one bit per counted basis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct VoterWeight {
    pub(crate) area: u64,
    pub(crate) mask: u8,
}

/// The sums of the ballots cast, per choice (计票结果).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Tally {
    /// How many ballots.
    pub ballots: u64,
    /// The weights of the agreeing ballots.
    pub agree: Weights,
    /// The weights of the opposing ballots.
    pub oppose: Weights,
    /// The weights of the abstaining ballots.
    pub abstain: Weights,
}

impl Tally {
    /// The weights of one choice.
    pub const fn of(&self, choice: Choice) -> &Weights {
        match choice {
            Choice::Agree => &self.agree,
            Choice::Oppose => &self.oppose,
            Choice::Abstain => &self.abstain,
        }
    }

    pub(crate) fn of_mut(&mut self, choice: Choice) -> &mut Weights {
        match choice {
            Choice::Agree => &mut self.agree,
            Choice::Oppose => &mut self.oppose,
            Choice::Abstain => &mut self.abstain,
        }
    }

    /// Everyone who took part: agreeing, opposing and abstaining (参与表决 / 出席).
    pub fn participants(&self) -> Weights {
        self.agree.plus(&self.oppose).plus(&self.abstain)
    }

    /// Adds one voter's ballot in O(1) (the running tally).
    pub(crate) fn add(&mut self, choice: Choice, w: VoterWeight) {
        self.ballots += 1;
        self.of_mut(choice).add_voter(w);
    }
}

/// Sums ballots with two additions each: area per choice, and a histogram of
/// (choice, basis bits) that is expanded into per-basis counts at the end.
pub(crate) struct Accumulator {
    area: [u64; 3],
    hist: [u32; 48],
}

impl Accumulator {
    pub(crate) fn new() -> Accumulator {
        Accumulator {
            area: [0; 3],
            hist: [0; 48],
        }
    }

    #[inline(always)]
    pub(crate) fn add(&mut self, choice: Choice, w: VoterWeight) {
        let c = choice.index();
        if let Some(a) = self.area.get_mut(c) {
            *a += w.area;
        }
        if let Some(h) = self.hist.get_mut((c << 4) | usize::from(w.mask & 15)) {
            *h += 1;
        }
    }

    pub(crate) fn finish(&self) -> Tally {
        let mut tally = Tally::default();
        for choice in Choice::ALL {
            let c = choice.index();
            let area = self.area.get(c).copied().unwrap_or(0);
            let weights = tally.of_mut(choice);
            weights.area = Area::from_hundredths(area);
            for mask in 0u8..16 {
                let n = self
                    .hist
                    .get((c << 4) | usize::from(mask))
                    .copied()
                    .map(u64::from)
                    .unwrap_or(0);
                if n == 0 {
                    continue;
                }
                if mask & HEADCOUNT != 0 {
                    weights.headcount += n;
                }
                if mask & PERSONS != 0 {
                    weights.persons += n;
                }
                if mask & HOUSEHOLDS != 0 {
                    weights.households += n;
                }
                if mask & REPRESENTATIVES != 0 {
                    weights.representatives += n;
                }
            }
        }
        tally.ballots = self.hist.iter().map(|n| u64::from(*n)).sum();
        tally
    }
}

crate::names::deserialize_by_name!(Choice: ALL, as_str);
