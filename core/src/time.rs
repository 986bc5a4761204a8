//! Instants and civil dates (时间).
//!
//! The library never reads the clock: every function that depends on "now" takes a
//! [`Timestamp`] argument. A timestamp is an exact instant, stored as whole seconds since
//! the Unix epoch (UTC). On every boundary (JSON, Python, JavaScript) it is written as an
//! RFC 3339 / ISO-8601 string **with an explicit offset**; wangge writes China Standard Time
//! (`+08:00`) and reads any offset. A string without an offset ("naive" time) is refused,
//! because it does not name an instant.
//!
//! Civil dates ([`Date`], e.g. a holiday) are calendar days without a time zone, held and
//! validated as [`jiff`] civil dates. Conversions between dates and day numbers, and the RFC
//! 3339 reader and writer, are small exact arithmetic of our own (tested against jiff on every
//! day of ±2,000 years): jiff's general parser handles time zones and annotations we do not
//! need and would double the size of the WebAssembly module.

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

    /// An instant from milliseconds since the Unix epoch, as JavaScript's `Date` counts them
    /// (or a float count of seconds times 1,000): the start of the second it falls in.
    /// Refused when not finite or outside years -9999..=9999, naming the value.
    ///
    /// ```
    /// use wangge::time::Timestamp;
    /// let t = Timestamp::from_epoch_millis(1_740_963_600_999.0)?;
    /// assert_eq!(t.to_string(), "2025-03-03T09:00:00+08:00");
    /// assert!(Timestamp::from_epoch_millis(f64::NAN).is_err());
    /// assert!(Timestamp::from_epoch_millis(1e300).is_err());
    /// # Ok::<(), wangge::time::TimeError>(())
    /// ```
    pub fn from_epoch_millis(ms: f64) -> Result<Timestamp, TimeError> {
        let seconds = (ms / 1000.0).floor();
        if !seconds.is_finite() || seconds < MIN_SECONDS as f64 || seconds > MAX_SECONDS as f64 {
            return Err(TimeError::InvalidInstant {
                input: format!("{ms:?} ms since the epoch"),
                reason: "not a finite instant within years -9999..=9999".to_owned(),
            });
        }
        Timestamp::from_unix_seconds(seconds as i64)
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

    /// RFC 3339 text at the given offset (seconds east of UTC, a whole number of minutes):
    /// `2025-01-26T09:00:00+08:00`, or `…Z` at offset 0.
    pub fn to_rfc3339_at(self, offset_seconds: i32) -> String {
        self.rfc3339_at(offset_seconds).as_str().to_owned()
    }

    /// RFC 3339 text at an offset, on the stack (what the writers of logs and documents
    /// use: no allocation, no formatting machinery).
    pub(crate) fn rfc3339_at(self, offset_seconds: i32) -> Rfc3339 {
        let (day, second) = self.local_day_and_second(offset_seconds);
        let (y, mo, d) = civil_from_day_number(day);
        if let (Ok(year @ 0..=9999), Ok(second)) = (u32::try_from(y), u32::try_from(second)) {
            // The usual case, laid out at fixed places: every log line and document has
            // times, and this is most of the cost of writing them.
            let two = |v: u32| [b'0' + (v / 10 % 10) as u8, b'0' + (v % 10) as u8];
            let [y0, y1] = two(year / 100);
            let [y2, y3] = two(year);
            let [mo0, mo1] = two(mo);
            let [d0, d1] = two(d);
            let [h0, h1] = two(second / 3600);
            let [mi0, mi1] = two(second / 60 % 60);
            let [s0, s1] = two(second % 60);
            let mut out = Rfc3339 {
                bytes: [0; 32],
                len: 19,
            };
            let head = [
                y0, y1, y2, y3, b'-', mo0, mo1, b'-', d0, d1, b'T', h0, h1, b':', mi0, mi1, b':',
                s0, s1,
            ];
            if let Some(slot) = out.bytes.get_mut(..19) {
                slot.copy_from_slice(&head);
            }
            out.offset(offset_seconds);
            return out;
        }
        let mut out = Rfc3339::default();
        if y < 0 {
            out.push(b'-');
            out.digits(y.unsigned_abs(), 6);
        } else {
            out.digits(y.unsigned_abs(), 4);
        }
        out.push(b'-');
        out.digits(u64::from(mo), 2);
        out.push(b'-');
        out.digits(u64::from(d), 2);
        out.push(b'T');
        let second = second.unsigned_abs();
        out.digits(second / 3600, 2);
        out.push(b':');
        out.digits(second % 3600 / 60, 2);
        out.push(b':');
        out.digits(second % 60, 2);
        out.offset(offset_seconds);
        out
    }

    /// The civil date of this instant at an offset (seconds east of UTC).
    pub fn date_at(self, offset_seconds: i32) -> Date {
        Date::from_day_number(self.local_day_and_second(offset_seconds).0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.rfc3339_at(CHINA_OFFSET_SECONDS).as_str())
    }
}

/// The date part of the last RFC 3339 text a writer made, so that the next time on the same
/// local day only lays out the time of day (a log's events come ticket by ticket, mostly a
/// few on the same day).
#[derive(Default)]
pub(crate) struct SameDay {
    /// The offset and local day of `text`, when its date is at the usual places.
    day: Option<(i32, i64)>,
    text: Rfc3339,
}

impl Timestamp {
    /// [`Timestamp::rfc3339_at`], reusing the date of the previous time when it falls on
    /// the same local day: the same text.
    pub(crate) fn rfc3339_same_day(self, offset_seconds: i32, last: &mut SameDay) -> Rfc3339 {
        let (day, second) = self.local_day_and_second(offset_seconds);
        if last.day == Some((offset_seconds, day)) {
            if let Ok(second) = u32::try_from(second) {
                let mut out = last.text.clone();
                let two = |v: u32| [b'0' + (v / 10 % 10) as u8, b'0' + (v % 10) as u8];
                let [h0, h1] = two(second / 3600);
                let [mi0, mi1] = two(second / 60 % 60);
                let [s0, s1] = two(second % 60);
                if let Some(slot) = out.bytes.get_mut(11..19) {
                    slot.copy_from_slice(&[h0, h1, b':', mi0, mi1, b':', s0, s1]);
                }
                return out;
            }
        }
        let out = self.rfc3339_at(offset_seconds);
        // Years 0–9999: the time of day at bytes 11 to 18.
        let usual = out.bytes.get(10) == Some(&b'T') && out.bytes.get(4) == Some(&b'-');
        last.day = usual.then_some((offset_seconds, day));
        last.text = out.clone();
        out
    }
}

/// RFC 3339 text held on the stack (at most `-999999-12-31T23:59:59+14:00`, 28 bytes).
#[derive(Default, Clone)]
pub(crate) struct Rfc3339 {
    bytes: [u8; 32],
    len: usize,
}

impl Rfc3339 {
    /// Appends the offset: `Z`, or `±hh:mm`.
    fn offset(&mut self, offset_seconds: i32) {
        if offset_seconds == 0 {
            self.push(b'Z');
        } else {
            self.push(if offset_seconds < 0 { b'-' } else { b'+' });
            let m = u64::from(offset_seconds.unsigned_abs() / 60);
            self.digits(m / 60, 2);
            self.push(b':');
            self.digits(m % 60, 2);
        }
    }

    fn push(&mut self, b: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    /// `v` in decimal, zero-padded to at least `width` digits.
    fn digits(&mut self, v: u64, width: u32) {
        // The usual case, two or four digits, without a loop; `% 10` keeps each below 10.
        let digit = |x: u64| b'0' + (x % 10) as u8;
        match (width, v) {
            (2, 0..=99) => {
                self.push(digit(v / 10));
                self.push(digit(v));
            }
            (4, 0..=9999) => {
                self.push(digit(v / 1000));
                self.push(digit(v / 100));
                self.push(digit(v / 10));
                self.push(digit(v));
            }
            _ => {
                let len = v.checked_ilog10().unwrap_or(0) + 1;
                for _ in len..width {
                    self.push(b'0');
                }
                for i in (0..len).rev() {
                    self.push(digit(v / 10u64.pow(i)));
                }
            }
        }
    }

    /// The text (ASCII by construction).
    pub(crate) fn as_str(&self) -> &str {
        self.bytes
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl FromStr for Timestamp {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Timestamp, TimeError> {
        parse_rfc3339(s).map_err(|reason| TimeError::InvalidInstant {
            input: s.to_owned(),
            reason: reason.to_owned(),
        })
    }
}

/// Reads `YYYY-MM-DD[T| ]HH:MM[:SS[.000…]](Z|±HH:MM|±HHMM)`: RFC 3339 with the common
/// variants of ISO 8601. The date is checked by jiff's civil calendar.
fn parse_rfc3339(s: &str) -> Result<Timestamp, &'static str> {
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| -> Option<i64> {
        let part = b.get(from..from + n)?;
        part.iter().try_fold(0i64, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let at = |i: usize| b.get(i).copied();
    let (neg, base) = match at(0) {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    // Expanded years (a sign and six digits, as ISO 8601 writes years before 0) or four digits.
    let width = if base == 1 { 6 } else { 4 };
    let year = digits(base, width).ok_or("expected a four-digit year")?;
    let year = if neg { -year } else { year };
    let mut i = base + width;
    if at(i) != Some(b'-') {
        return Err("expected `-` after the year");
    }
    let month = digits(i + 1, 2).ok_or("expected a two-digit month")?;
    if at(i + 3) != Some(b'-') {
        return Err("expected `-` after the month");
    }
    let day = digits(i + 4, 2).ok_or("expected a two-digit day")?;
    i += 6;
    let date = Date::new(
        i16::try_from(year).map_err(|_| "year out of range")?,
        i8::try_from(month).map_err(|_| "month out of range")?,
        i8::try_from(day).map_err(|_| "day out of range")?,
    )
    .map_err(|_| "not a valid calendar date")?;
    match at(i) {
        Some(b'T' | b't' | b' ') => i += 1,
        None => return Err("a time and an offset are required (e.g. T09:00:00+08:00)"),
        _ => return Err("expected `T` between the date and the time"),
    }
    let hour = digits(i, 2).ok_or("expected a two-digit hour")?;
    if at(i + 2) != Some(b':') {
        return Err("expected `:` after the hour");
    }
    let minute = digits(i + 3, 2).ok_or("expected two-digit minutes")?;
    i += 5;
    let mut second = 0;
    if at(i) == Some(b':') {
        second = digits(i + 1, 2).ok_or("expected two-digit seconds")?;
        i += 3;
        if matches!(at(i), Some(b'.' | b',')) {
            i += 1;
            let start = i;
            // Instants are kept to the second: a fraction (as `Date.toISOString()` and
            // Open311 servers write them) is dropped, so the instant is the start of its
            // second, as a clock that shows whole seconds reads it.
            while at(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            if i == start {
                return Err("expected digits after the decimal point");
            }
        }
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Err("the time of day is out of range");
    }
    let offset =
        match at(i) {
            Some(b'Z' | b'z') => {
                i += 1;
                0
            }
            Some(sign @ (b'+' | b'-')) => {
                let oh = digits(i + 1, 2).ok_or("expected a two-digit offset hour")?;
                let (om, len) = if at(i + 3) == Some(b':') {
                    (
                        digits(i + 4, 2).ok_or("expected two-digit offset minutes")?,
                        6,
                    )
                } else {
                    (digits(i + 3, 2).ok_or("expected offset minutes")?, 5)
                };
                if om > 59 {
                    return Err("the offset is out of range");
                }
                i += len;
                let o = oh * 3600 + om * 60;
                let o = if sign == b'-' { -o } else { o };
                // The world's civil offsets: from -12:00 to +14:00.
                if !(-12 * 3600..=14 * 3600).contains(&o) {
                    return Err("the offset is not a civil one (-12:00 to +14:00)");
                }
                o
            }
            None => return Err(
                "an offset is required (e.g. +08:00 or Z): a time without one is not an instant",
            ),
            _ => return Err("expected an offset (Z or ±HH:MM)"),
        };
    if i != b.len() {
        return Err("unexpected text after the offset");
    }
    let local = date.day_number() * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second;
    Timestamp::from_unix_seconds(local - offset).map_err(|_| "instant out of range")
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.rfc3339_at(CHINA_OFFSET_SECONDS).as_str())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Timestamp, D::Error> {
        crate::strict_json::parse_str(deserializer, str::parse)
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

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`);
/// the inverse of [`civil_from_day_number`].
pub fn day_number_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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
            .map_err(|_| TimeError::InvalidDate {
                input: format!("{year:04}-{month:02}-{day:02}"),
                reason: "no such day in the calendar (years -9999 to 9999)".to_owned(),
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
        day_number_from_civil(
            i64::from(self.0.year()),
            i64::from(self.0.month()),
            i64::from(self.0.day()),
        )
    }

    /// The date with a given day number (days since 1970-01-01); saturates at the supported
    /// range.
    pub fn from_day_number(day: i64) -> Date {
        let day = day.clamp(-4_371_587, 2_932_896);
        let (y, m, d) = civil_from_day_number(day);
        let date = jiff::civil::Date::new(
            i16::try_from(y).unwrap_or(1970),
            i8::try_from(m).unwrap_or(1),
            i8::try_from(d).unwrap_or(1),
        );
        Date(date.unwrap_or(EPOCH_DATE))
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
        let y = self.0.year();
        if y < 0 {
            write!(
                f,
                "-{:06}-{:02}-{:02}",
                -i32::from(y),
                self.0.month(),
                self.0.day()
            )
        } else {
            write!(f, "{:04}-{:02}-{:02}", y, self.0.month(), self.0.day())
        }
    }
}

impl FromStr for Date {
    type Err = TimeError;
    fn from_str(s: &str) -> Result<Date, TimeError> {
        let invalid = |reason: &str| TimeError::InvalidDate {
            input: s.to_owned(),
            reason: reason.to_owned(),
        };
        let (neg, rest) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let mut parts = rest.splitn(3, '-');
        let mut next = |len: usize, what: &str| -> Result<i64, TimeError> {
            let p = parts.next().unwrap_or("");
            if p.len() != len || !p.bytes().all(|c| c.is_ascii_digit()) {
                return Err(invalid(&format!(
                    "expected a {len}-digit {what} (YYYY-MM-DD)"
                )));
            }
            p.parse().map_err(|_| invalid(what))
        };
        let year = next(if neg { 6 } else { 4 }, "year")?;
        let month = next(2, "month")?;
        let day = next(2, "day")?;
        let year = if neg { -year } else { year };
        jiff::civil::Date::new(
            i16::try_from(year).map_err(|_| invalid("year out of range"))?,
            i8::try_from(month).map_err(|_| invalid("month out of range"))?,
            i8::try_from(day).map_err(|_| invalid("day out of range"))?,
        )
        .map(Date)
        .map_err(|_| invalid("no such day in the calendar (years -9999 to 9999)"))
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        crate::strict_json::parse_str(deserializer, str::parse)
    }
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
        let epoch = jiff::civil::Date::constant(1970, 1, 1);
        for day in (-800_000..800_000).step_by(7).chain(-1000..1000) {
            let d = Date::from_day_number(day);
            let by_jiff = epoch.checked_add(jiff::Span::new().days(day)).unwrap();
            assert_eq!(d.0, by_jiff, "{day}");
            assert_eq!(
                civil_from_day_number(day),
                (i64::from(d.year()), d.month() as u32, d.day() as u32),
                "{day}"
            );
            assert_eq!(d.day_number(), day);
            assert_eq!(d.to_string(), by_jiff.to_string());
            assert_eq!(
                d.weekday().index(),
                by_jiff.weekday().to_monday_zero_offset() as usize
            );
            assert_eq!(d.to_string().parse::<Date>().unwrap(), d);
        }
    }

    proptest::proptest! {
        /// Times are written as jiff writes them, at every instant and offset (the fixed
        /// layout of years 0–9999 and the general one around it).
        #[test]
        fn writing_agrees_with_jiff(
            seconds in proptest::prop_oneof![
                MIN_SECONDS..=MAX_SECONDS,
                -62_167_219_200i64..253_402_300_800,
                1_600_000_000i64..1_900_000_000,
            ],
            offset_minutes in proptest::prop_oneof![-(15 * 60 - 1)..(15 * 60), proptest::strategy::Just(480), proptest::strategy::Just(0)],
        ) {
            let ours = Timestamp(seconds).to_rfc3339_at(offset_minutes * 60);
            let at = jiff::Timestamp::from_second(seconds).unwrap();
            // UTC is written `Z`, as jiff writes a bare timestamp.
            let theirs = if offset_minutes == 0 {
                at.to_string()
            } else {
                at.display_with_offset(jiff::tz::Offset::from_seconds(offset_minutes * 60).unwrap())
                    .to_string()
            };
            proptest::prop_assert_eq!(ours, theirs);
        }

        /// A writer that reuses the date of its previous time writes every time as
        /// `rfc3339_at` does: times on one day and across days, at a few offsets, in any
        /// order, with years outside 0–9999 among them.
        #[test]
        fn reusing_the_day_writes_the_same_text(
            times in proptest::collection::vec(
                (
                    proptest::prop_oneof![
                        1_735_660_800i64..1_735_660_800 + 3 * 86_400,
                        MIN_SECONDS..=MAX_SECONDS,
                        -62_167_219_200i64 - 86_400..-62_167_219_200 + 86_400,
                    ],
                    proptest::prop_oneof![proptest::strategy::Just(480), proptest::strategy::Just(0), -(15 * 60 - 1)..(15 * 60)],
                ),
                1..40,
            ),
        ) {
            let mut last = SameDay::default();
            for (seconds, offset_minutes) in times {
                let at = Timestamp(seconds);
                let offset = offset_minutes * 60;
                let (ours, theirs) = (at.rfc3339_same_day(offset, &mut last), at.rfc3339_at(offset));
                proptest::prop_assert_eq!(ours.as_str(), theirs.as_str());
            }
        }
    }

    #[test]
    fn rfc3339_agrees_with_jiff() {
        for s in [
            "2025-01-26T09:00:00+08:00",
            "2025-01-26T01:00:00Z",
            "2024-02-29T23:59:59-05:30",
            "1969-12-31T23:59:59+00:00",
            "2025-03-03 09:00+0800",
            "2025-03-03T09:00:00.000+08:00",
        ] {
            let ours: Timestamp = s.parse().unwrap();
            let theirs: jiff::Timestamp = s
                .replace(' ', "T")
                .replace("+0800", "+08:00")
                .parse()
                .unwrap();
            assert_eq!(ours.unix_seconds(), theirs.as_second(), "{s}");
            assert_eq!(
                ours.to_rfc3339_at(8 * 3600),
                theirs
                    .display_with_offset(jiff::tz::Offset::constant(8))
                    .to_string()
            );
        }
        for bad in [
            "2025-01-26T09:00:00",
            "2025-02-30T09:00:00+08:00",
            "2025-01-26T24:00:00+08:00",
            "2025-01-26T09:00:00.+08:00",
            "2025-01-26T09:00:00+15:00",
            "2025-01-26T09:00:00-12:30",
            "2025-01-26T09:00:00+08:00x",
            "2025-1-26T09:00:00+08:00",
            "",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad}");
        }
        // A fraction of a second is dropped: the start of its second, before the epoch too.
        for (with, without) in [
            ("2025-01-26T09:00:00.999+08:00", "2025-01-26T09:00:00+08:00"),
            ("2025-01-26T01:00:59.5Z", "2025-01-26T01:00:59Z"),
            ("1969-12-31T23:59:59.75Z", "1969-12-31T23:59:59Z"),
            ("2025-01-26T09:00:00,25+08:00", "2025-01-26T09:00:00+08:00"),
        ] {
            let a: Timestamp = with.parse().unwrap();
            let b: Timestamp = without.parse().unwrap();
            assert_eq!(a, b, "{with}");
        }
    }
}

crate::names::deserialize_by_name!(Weekday: ALL, as_str);
