//! Instants and civil dates (时间).
//!
//! The library never reads the clock: every function that depends on "now" takes a
//! [`Timestamp`] argument. A timestamp is an exact instant, stored as whole seconds since
//! the Unix epoch (UTC). On every boundary (JSON, Python, JavaScript) it is written as an
//! RFC 3339 / ISO-8601 string **with an explicit offset**; wangge writes China Standard Time
//! (`+08:00`) and reads any offset. A string without an offset ("naive" time) is refused,
//! because it does not name an instant.
//!
//! Civil dates ([`Date`], e.g. a holiday) are calendar days without a time zone; they are
//! parsed and validated by the [`jiff`] crate.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Seconds in a day.
pub const SECONDS_PER_DAY: i64 = 86_400;

/// China Standard Time, UTC+08:00, in seconds east of UTC. China has one time zone and no
/// daylight saving time.
pub const CHINA_OFFSET_SECONDS: i32 = 8 * 3600;

/// An error reading a time or a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum TimeError {
    /// The text is not an RFC 3339 instant with an offset (e.g. `2025-01-26T09:00:00+08:00`).
    #[error("invalid instant {input:?}: {reason}")]
    InvalidInstant {
        /// The text that was given.
        input: String,
        /// Why it was refused.
        reason: String,
    },
    /// The text is not a civil date `YYYY-MM-DD`.
    #[error("invalid date {input:?}: {reason}")]
    InvalidDate {
        /// The text that was given.
        input: String,
        /// Why it was refused.
        reason: String,
    },
    /// The instant lies outside the supported range (years -9999 to 9999).
    #[error("instant out of range: {seconds} seconds since the Unix epoch")]
    OutOfRange {
        /// The offending value.
        seconds: i64,
    },
}

impl TimeError {
    /// The stable error code (the same in Rust, Python and JavaScript).
    pub fn code(&self) -> &'static str {
        match self {
            TimeError::InvalidInstant { .. } => "time.invalid_instant",
            TimeError::InvalidDate { .. } => "time.invalid_date",
            TimeError::OutOfRange { .. } => "time.out_of_range",
        }
    }
}

/// An exact instant: whole seconds since 1970-01-01T00:00:00Z.
///
/// ```
/// use wangge::time::Timestamp;
/// let t: Timestamp = "2025-01-26T09:00:00+08:00".parse().unwrap();
/// assert_eq!(t.to_string(), "2025-01-26T09:00:00+08:00");
/// assert_eq!(t, "2025-01-26T01:00:00Z".parse().unwrap());
/// assert!("2025-01-26T09:00:00".parse::<Timestamp>().is_err()); // no offset: refused
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(i64);

/// The smallest supported instant (-9999-01-01T00:00:00Z).
const MIN_SECONDS: i64 = -377_705_116_800;
/// The largest supported instant (9999-12-30T00:00:00Z, leaving a day of room for offsets).
const MAX_SECONDS: i64 = 253_402_128_000;

impl Timestamp {
    /// The Unix epoch.
    pub const EPOCH: Timestamp = Timestamp(0);

    /// An instant from seconds since the Unix epoch; refused outside years -9999..=9999.
    pub fn from_unix_seconds(seconds: i64) -> Result<Timestamp, TimeError> {
        if (MIN_SECONDS..=MAX_SECONDS).contains(&seconds) {
            Ok(Timestamp(seconds))
        } else {
            Err(TimeError::OutOfRange { seconds })
        }
    }

    /// Seconds since the Unix epoch.
    pub const fn unix_seconds(self) -> i64 {
        self.0
    }

    /// This instant moved by a (possibly negative) number of seconds, saturating at the
    /// supported range.
    pub fn plus_seconds(self, seconds: i64) -> Timestamp {
        Timestamp(
            self.0
                .saturating_add(seconds)
                .clamp(MIN_SECONDS, MAX_SECONDS),
        )
    }

    /// Seconds from `earlier` to `self` (negative if `self` is earlier).
    pub const fn seconds_since(self, earlier: Timestamp) -> i64 {
        self.0 - earlier.0
    }

    /// The local civil day and second of day at an offset (seconds east of UTC).
    pub fn local_day_and_second(self, offset_seconds: i32) -> (i64, i64) {
        let local = self.0 + i64::from(offset_seconds);
        (
            local.div_euclid(SECONDS_PER_DAY),
            local.rem_euclid(SECONDS_PER_DAY),
        )
    }

    /// The instant at a local day number (days since 1970-01-01) and second of day.
    pub fn from_local_day_and_second(day: i64, second: i64, offset_seconds: i32) -> Timestamp {
        Timestamp(
            (day * SECONDS_PER_DAY + second - i64::from(offset_seconds))
                .clamp(MIN_SECONDS, MAX_SECONDS),
        )
    }

    /// RFC 3339 text at the given offset (seconds east of UTC).
    pub fn to_rfc3339_at(self, offset_seconds: i32) -> String {
        let offset =
            jiff::tz::Offset::from_seconds(offset_seconds).unwrap_or(jiff::tz::Offset::UTC);
        match jiff::Timestamp::from_second(self.0) {
            Ok(ts) => ts.display_with_offset(offset).to_string(),
            Err(_) => format!("@{}", self.0),
        }
    }

    /// The civil date of this instant at an offset (seconds east of UTC).
    pub fn date_at(self, offset_seconds: i32) -> Date {
        Date::from_day_number(self.local_day_and_second(offset_seconds).0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339_at(CHINA_OFFSET_SECONDS))
    }
}

impl FromStr for Timestamp {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Timestamp, TimeError> {
        let invalid = |reason: String| TimeError::InvalidInstant {
            input: s.to_owned(),
            reason,
        };
        let ts: jiff::Timestamp = s.parse().map_err(|e: jiff::Error| invalid(e.to_string()))?;
        if ts.subsec_nanosecond() != 0 {
            return Err(invalid("fractions of a second are not supported".into()));
        }
        Timestamp::from_unix_seconds(ts.as_second())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The (year, month 1–12, day 1–31) of a day number (days since 1970-01-01), by the
/// proleptic Gregorian calendar. Pure arithmetic (Howard Hinnant's `civil_from_days`), for hot
/// loops that bucket many instants by month; it agrees with [`Date`] on every day (tested).
pub fn civil_from_day_number(day: i64) -> (i64, u32, u32) {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

/// A civil date (a calendar day, no time zone), written `YYYY-MM-DD`.
///
/// ```
/// use wangge::time::{Date, Weekday};
/// let d: Date = "2025-01-26".parse().unwrap();
/// assert_eq!(d.weekday(), Weekday::Sunday);
/// assert_eq!(d.plus_days(7).to_string(), "2025-02-02");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(jiff::civil::Date);

/// Day number of 1970-01-01 relative to jiff's computations; see [`Date::day_number`].
const EPOCH_DATE: jiff::civil::Date = jiff::civil::Date::constant(1970, 1, 1);

impl Date {
    /// A date from year, month (1–12) and day (1–31).
    pub fn new(year: i16, month: i8, day: i8) -> Result<Date, TimeError> {
        jiff::civil::Date::new(year, month, day)
            .map(Date)
            .map_err(|e| TimeError::InvalidDate {
                input: format!("{year:04}-{month:02}-{day:02}"),
                reason: e.to_string(),
            })
    }

    /// The year.
    pub fn year(self) -> i16 {
        self.0.year()
    }
    /// The month, 1–12.
    pub fn month(self) -> i8 {
        self.0.month()
    }
    /// The day of the month, 1–31.
    pub fn day(self) -> i8 {
        self.0.day()
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn day_number(self) -> i64 {
        let span = self.0.since((jiff::Unit::Day, EPOCH_DATE));
        span.map(|s| i64::from(s.get_days())).unwrap_or(0)
    }

    /// The date with a given day number (days since 1970-01-01); saturates at the supported
    /// range.
    pub fn from_day_number(day: i64) -> Date {
        let day = day.clamp(-4_371_587, 2_932_896);
        let span = jiff::Span::new().try_days(day).unwrap_or_default();
        Date(EPOCH_DATE.checked_add(span).unwrap_or(EPOCH_DATE))
    }

    /// The date `days` later (earlier if negative).
    pub fn plus_days(self, days: i64) -> Date {
        Date::from_day_number(self.day_number() + days)
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        Weekday::from_day_number(self.day_number())
    }

    /// The first instant of this day at an offset (seconds east of UTC).
    pub fn start_at(self, offset_seconds: i32) -> Timestamp {
        Timestamp::from_local_day_and_second(self.day_number(), 0, offset_seconds)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Date {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Date, TimeError> {
        s.parse::<jiff::civil::Date>()
            .map(Date)
            .map_err(|e| TimeError::InvalidDate {
                input: s.to_owned(),
                reason: e.to_string(),
            })
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    /// All days, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// The snake_case name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Weekday::Monday => "monday",
            Weekday::Tuesday => "tuesday",
            Weekday::Wednesday => "wednesday",
            Weekday::Thursday => "thursday",
            Weekday::Friday => "friday",
            Weekday::Saturday => "saturday",
            Weekday::Sunday => "sunday",
        }
    }

    /// 0 for Monday … 6 for Sunday.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The weekday of a day number (days since 1970-01-01, a Thursday).
    pub fn from_day_number(day: i64) -> Weekday {
        match (day + 3).rem_euclid(7) {
            0 => Weekday::Monday,
            1 => Weekday::Tuesday,
            2 => Weekday::Wednesday,
            3 => Weekday::Thursday,
            4 => Weekday::Friday,
            5 => Weekday::Saturday,
            _ => Weekday::Sunday,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_arithmetic_agrees_with_jiff() {
        for day in (-800_000..800_000).step_by(7).chain(-1000..1000) {
            let d = Date::from_day_number(day);
            assert_eq!(
                civil_from_day_number(day),
                (i64::from(d.year()), d.month() as u32, d.day() as u32),
                "{day}"
            );
            assert_eq!(d.day_number(), day);
        }
    }
}
