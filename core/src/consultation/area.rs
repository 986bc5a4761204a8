//! Exclusive floor area (专有部分面积) as an exact integer.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ConsultationError;

/// A floor area in exact hundredths of a square metre (0.01 m²), the precision of the real
/// estate register (不动产登记簿). Never a floating-point number.
///
/// Written as a decimal string with two places, `"89.57"`; parsed from `"89.57"`, `"89.5"` or
/// `"89"` (digits, an optional point and at most two decimals: no sign, no exponent, no
/// grouping commas). On every boundary (JSON, Python, JavaScript) an area is that string, so
/// totals above 2^53 hundredths stay exact in JavaScript.
///
/// A single exclusive unit has a positive area of at most [`Area::MAX_UNIT`] (10^7 m²), and a
/// roll holds at most `u32::MAX` units, so every sum of areas fits a `u64`, and every product
/// of such a sum with a rule's fraction fits a `u128`.
///
/// ```
/// use wangge::consultation::Area;
/// let a: Area = "89.57".parse()?;
/// assert_eq!(a.hundredths(), 8957);
/// assert_eq!(a.to_string(), "89.57");
/// assert_eq!(Area::from_hundredths(654_321).grouped(), "6,543.21");
/// assert!("89.575".parse::<Area>().is_err()); // finer than the register: refused
/// assert!("-1".parse::<Area>().is_err());
/// # Ok::<(), wangge::consultation::ConsultationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Area(u64);

impl Area {
    /// No area.
    pub const ZERO: Area = Area(0);
    /// The largest exclusive area of one unit: 10,000,000 m² (10^9 hundredths).
    pub const MAX_UNIT: Area = Area(1_000_000_000);

    /// An area from hundredths of a square metre.
    pub const fn from_hundredths(hundredths: u64) -> Area {
        Area(hundredths)
    }

    /// An area from whole square metres, or `None` if it overflows.
    pub const fn from_square_metres(square_metres: u64) -> Option<Area> {
        match square_metres.checked_mul(100) {
            Some(h) => Some(Area(h)),
            None => None,
        }
    }

    /// The area in hundredths of a square metre.
    pub const fn hundredths(self) -> u64 {
        self.0
    }

    /// The sum, or `None` on overflow.
    pub const fn checked_add(self, other: Area) -> Option<Area> {
        match self.0.checked_add(other.0) {
            Some(h) => Some(Area(h)),
            None => None,
        }
    }

    /// The difference, or `None` if `other` is larger.
    pub const fn checked_sub(self, other: Area) -> Option<Area> {
        match self.0.checked_sub(other.0) {
            Some(h) => Some(Area(h)),
            None => None,
        }
    }

    /// The area with thousands separators, as written in explanations: `"6,543.21"`.
    pub fn grouped(self) -> String {
        format!("{}.{:02}", group_thousands(self.0 / 100), self.0 % 100)
    }
}

/// `1234567` → `"1,234,567"`.
pub(crate) fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl FromStr for Area {
    type Err = ConsultationError;
    fn from_str(s: &str) -> Result<Area, ConsultationError> {
        let invalid = |reason: &'static str| ConsultationError::InvalidArea {
            input: s.to_owned(),
            reason,
        };
        let (whole, frac) = match s.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (s, None),
        };
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid(
                "an area is written as digits with an optional point and at most two decimals, e.g. \"89.57\"",
            ));
        }
        let cents = match frac {
            None => 0,
            Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => {
                return Err(invalid(
                    "an area is written as digits with an optional point and at most two decimals, e.g. \"89.57\"",
                ))
            }
            Some(f) if f.len() > 2 => {
                return Err(invalid(
                    "an area has at most two decimals (hundredths of a square metre)",
                ))
            }
            Some(f) => {
                let v: u64 = f.parse().map_err(|_| invalid("invalid decimals"))?;
                if f.len() == 1 {
                    v * 10
                } else {
                    v
                }
            }
        };
        let whole: u64 = whole
            .parse()
            .map_err(|_| invalid("the area is too large"))?;
        whole
            .checked_mul(100)
            .and_then(|h| h.checked_add(cents))
            .map(Area)
            .ok_or_else(|| invalid("the area is too large"))
    }
}

impl Serialize for Area {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Area {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Area, D::Error> {
        crate::strict_json::parse_str(deserializer, str::parse)
    }
}
