//! Working time (工作时间): weekly spans, holidays (法定节假日) and make-up working days (调休上班).
//!
//! A [`Calendar`] has a weekly pattern of working spans (several a day, e.g. 08:30–12:00 and
//! 14:00–17:30, each half-open `[start, end)` at minute precision), dated exceptions that make
//! a day a holiday or a working day, and a fixed UTC offset (+08:00 by default; China has one
//! time zone and no daylight saving time). A make-up working day uses the spans of an
//! ordinary working day (Monday's, unless the exception gives its own).
//!
//! All arithmetic is exact to the second and allocation-free:
//! - [`Calendar::add_working_seconds`]: the instant at which `n` seconds of working time have
//!   elapsed since `t`. Counting starts at the next working span if `t` is outside working
//!   time; adding exactly the rest of a span lands on the span's end (17:30, not the next
//!   morning); adding 0 returns `t`.
//! - [`Calendar::add_working_days`]: the end of working time on the n-th working day after
//!   the day of `t` (the day of `t` is not counted, as in the Civil Code).
//! - [`Calendar::working_seconds_between`]: working time elapsed between two instants.
//! - [`Calendar::period_end_date`] / [`Calendar::period_deadline`]: the Civil Code's count of
//!   periods in days (Arts. 200–203).
//!
//! Every computation is checked: a negative amount, or a result beyond the supported
//! instants (years -9999 to 9999), is a typed error, never a saturated or wrapped value.
//!
//! # Coverage: a calendar knows its years
//!
//! The State Council publishes each year's holidays and make-up working days in a notice
//! (国务院办公厅关于部分节假日安排的通知), usually in November or December of the year
//! before; no rule computes them. A calendar therefore declares the years it has the notice
//! for ([`Calendar::covers`]). A computation that reaches a day outside them — a deadline
//! set in December that runs into a year whose notice is not loaded — is refused with
//! [`CalendarError::BeyondCoverage`] naming the first such date, unless the calendar opts in
//! to treating those days as ordinary weeks of its weekly pattern
//! ([`BeyondCoverage::OrdinaryWeeks`], `"beyondCoverage": "ordinary_weeks"`). A calendar that
//! declares no year at all ([`Calendar::standard`]) is a plain weekly pattern and is never
//! beyond its coverage.
//!
//! [`Calendar::china`] is the office pattern with the notices this version ships, as data
//! (`calendar/cn-YYYY.txt` in the crate): 2025 (国办发明电〔2024〕12号) and 2026 (State
//! Council General Office notice of 4 November 2025). Adding a year is one small text:
//! a `covers YYYY` line and one line per dated exception, passed to
//! [`Calendar::with_exceptions_text`].
//!
//! ```
//! use wangge::calendar::{BeyondCoverage, Calendar};
//! use wangge::time::Timestamp;
//!
//! // 2025: the Spring Festival holiday runs 28 Jan – 4 Feb; Sunday 26 Jan is a working day.
//! let cal = Calendar::standard().with_exceptions_text(
//!     "2025-01-26 working 春节调休\n2025-01-28 holiday 春节\n",
//! )?;
//! let t: Timestamp = "2025-01-24T16:00:00+08:00".parse()?; // a Friday
//! let due = cal.add_working_seconds(t, 2 * 3600)?;
//! assert_eq!(due.to_string(), "2025-01-26T09:00:00+08:00"); // Sunday, a make-up day
//! assert_eq!(cal.working_seconds_between(t, due)?, 2 * 3600);
//!
//! // The shipped schedule knows 2025 and 2026, and nothing after.
//! let china = Calendar::china();
//! let t: Timestamp = "2025-12-31T16:00:00+08:00".parse()?;
//! // 1–3 Jan 2026 are holidays, Sunday 4 Jan is a make-up working day.
//! assert_eq!(china.add_working_seconds(t, 2 * 3600)?.to_string(), "2026-01-04T09:00:00+08:00");
//! let late: Timestamp = "2026-12-31T16:00:00+08:00".parse()?;
//! let err = china.add_working_seconds(late, 2 * 3600).unwrap_err();
//! assert_eq!(err.code(), "calendar.beyond_coverage"); // 2027's notice is not loaded
//! let lenient = china.with_beyond_coverage(BeyondCoverage::OrdinaryWeeks);
//! assert_eq!(lenient.add_working_seconds(late, 2 * 3600)?.to_string(), "2027-01-01T09:00:00+08:00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::time::{Date, Timestamp, Weekday, CHINA_OFFSET_SECONDS, SECONDS_PER_DAY};

/// Why a calendar was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum CalendarError {
    /// A span is not `HH:MM`–`HH:MM` within 00:00–24:00 with start before end.
    #[error("invalid working span {span:?} on {day}: {reason}")]
    InvalidSpan {
        /// The weekday or date.
        day: String,
        /// The span as given.
        span: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// Two spans of a day overlap.
    #[error("working spans {first} and {second} overlap on {day}")]
    OverlappingSpans {
        /// The weekday or date.
        day: String,
        /// The first span.
        first: String,
        /// The second span.
        second: String,
    },
    /// The same date has two exceptions.
    #[error("date {date} has two exceptions")]
    DuplicateException {
        /// The date.
        date: String,
    },
    /// The weekly pattern has no working time, so no deadline could ever fall due.
    #[error("the weekly pattern has no working time")]
    NoWorkingTime,
    /// The UTC offset is not of the form `+HH:MM`, or not a civil offset (-12:00 to +14:00,
    /// the range of the world's time zones).
    #[error("invalid UTC offset {offset:?}: a civil offset is +HH:MM from -12:00 to +14:00")]
    InvalidOffset {
        /// The offset as given.
        offset: String,
    },
    /// A line of an exceptions list is not `YYYY-MM-DD holiday|working [name]`.
    #[error("line {line} of the exceptions list ({text:?}): {reason}")]
    InvalidLine {
        /// The 1-based line number.
        line: usize,
        /// The line.
        text: String,
        /// What is wrong.
        reason: String,
    },
    /// The document is not a calendar of a supported format and version.
    #[error("unsupported calendar document: format {format:?} version {version}")]
    UnsupportedFormat {
        /// The format found.
        format: String,
        /// The version found.
        version: u32,
    },
    /// The document is not valid JSON for the calendar format.
    #[error("malformed calendar document: {message}")]
    Malformed {
        /// What the parser said.
        message: String,
    },
    /// A computation reached a date in a year whose holiday notice the calendar does not
    /// have (see [`Calendar::covers`]), and the calendar does not treat such years as
    /// ordinary weeks ([`BeyondCoverage::OrdinaryWeeks`]).
    #[error("{date} is beyond the years this calendar covers ({covers}): load that year's holiday notice, or opt in to ordinary weeks beyond coverage")]
    BeyondCoverage {
        /// The first date reached outside the covered years.
        date: String,
        /// The covered years, e.g. `2025–2026`.
        covers: String,
    },
    /// A year that no date can have (outside -9999..=9999).
    #[error("invalid year {year}: years are -9999 to 9999")]
    InvalidYear {
        /// The year given.
        year: i64,
    },
    /// An amount of time that cannot be added (a negative amount).
    #[error("invalid amount {amount}: {reason}")]
    InvalidAmount {
        /// The amount, with its unit.
        amount: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The result would lie outside the supported instants (years -9999 to 9999).
    #[error("{amount} after {from} is beyond the supported range of instants")]
    OutOfRange {
        /// The starting instant or date.
        from: String,
        /// The amount, with its unit.
        amount: String,
    },
}

impl CalendarError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            CalendarError::InvalidSpan { .. } => "calendar.invalid_span",
            CalendarError::OverlappingSpans { .. } => "calendar.overlapping_spans",
            CalendarError::DuplicateException { .. } => "calendar.duplicate_exception",
            CalendarError::NoWorkingTime => "calendar.no_working_time",
            CalendarError::InvalidOffset { .. } => "calendar.invalid_offset",
            CalendarError::InvalidLine { .. } => "calendar.invalid_line",
            CalendarError::UnsupportedFormat { .. } => "calendar.unsupported_format",
            CalendarError::Malformed { .. } => "calendar.malformed",
            CalendarError::BeyondCoverage { .. } => "calendar.beyond_coverage",
            CalendarError::InvalidYear { .. } => "calendar.invalid_year",
            CalendarError::InvalidAmount { .. } => "calendar.invalid_amount",
            CalendarError::OutOfRange { .. } => "calendar.out_of_range",
        }
    }
}

/// A working span of a day, `[start, end)` in seconds since midnight (minute precision).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// A span from minutes since midnight (`end` may be 1440, i.e. 24:00).
    pub fn from_minutes(start: u32, end: u32) -> Option<Span> {
        (start < end && end <= 1440).then_some(Span {
            start: start * 60,
            end: end * 60,
        })
    }

    /// Its start in seconds since midnight.
    pub fn start_second(self) -> u32 {
        self.start
    }

    /// Its end in seconds since midnight.
    pub fn end_second(self) -> u32 {
        self.end
    }

    fn len(self) -> i64 {
        i64::from(self.end - self.start)
    }

    /// Working seconds of this span within `[from, to)` (seconds of the day).
    fn overlap(self, from: i64, to: i64) -> i64 {
        (i64::from(self.end).min(to) - i64::from(self.start).max(from)).max(0)
    }
}

fn hhmm(seconds: u32) -> String {
    format!("{:02}:{:02}", seconds / 3600, seconds % 3600 / 60)
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", hhmm(self.start), hhmm(self.end))
    }
}

fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

impl Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        [hhmm(self.start), hhmm(self.end)].serialize(serializer)
    }
}

/// A span as written in JSON: `["08:30", "12:00"]`, checked when the calendar is built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct RawSpan(String, String);

/// What an exception makes of a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// 放假: no working time.
    Holiday,
    /// 调休上班: a working day.
    Working,
}

/// What a calendar does with days in years it does not cover (see the
/// [module documentation](self#coverage-a-calendar-knows-its-years)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BeyondCoverage {
    /// Refuse with [`CalendarError::BeyondCoverage`], naming the first such date (the
    /// default).
    #[default]
    Refuse,
    /// Treat them as ordinary weeks of the weekly pattern: no holidays, no make-up days.
    OrdinaryWeeks,
}

impl BeyondCoverage {
    /// The name used in documents and by the bindings (`refuse`, `ordinary_weeks`).
    pub const fn as_str(self) -> &'static str {
        match self {
            BeyondCoverage::Refuse => "refuse",
            BeyondCoverage::OrdinaryWeeks => "ordinary_weeks",
        }
    }
}

/// A dated exception to the weekly pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// The day.
    pub date: Date,
    /// Holiday or working day.
    pub kind: DayKind,
    /// A name, e.g. `春节` or `春节调休`.
    pub name: String,
    /// Working spans of a working day (empty: the ordinary working day's spans).
    pub spans: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawException {
    date: Date,
    kind: DayKind,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    spans: Vec<RawSpan>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawWeek {
    #[serde(default)]
    monday: Vec<RawSpan>,
    #[serde(default)]
    tuesday: Vec<RawSpan>,
    #[serde(default)]
    wednesday: Vec<RawSpan>,
    #[serde(default)]
    thursday: Vec<RawSpan>,
    #[serde(default)]
    friday: Vec<RawSpan>,
    #[serde(default)]
    saturday: Vec<RawSpan>,
    #[serde(default)]
    sunday: Vec<RawSpan>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawCalendar {
    format: String,
    version: u32,
    #[serde(default = "default_offset")]
    utc_offset: String,
    week: RawWeek,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    covers: Vec<i64>,
    #[serde(default, skip_serializing_if = "is_refuse")]
    beyond_coverage: BeyondCoverage,
    #[serde(default)]
    exceptions: Vec<RawException>,
}

fn is_refuse(b: &BeyondCoverage) -> bool {
    *b == BeyondCoverage::Refuse
}

fn default_offset() -> String {
    "+08:00".to_owned()
}

/// A working calendar. See the [module documentation](self).
///
/// JSON (`wangge.calendar` version 2; version 1, which has no `covers` and no
/// `beyondCoverage`, is still read):
///
/// ```json
/// {"format": "wangge.calendar", "version": 2, "utcOffset": "+08:00",
///  "week": {"monday": [["08:30", "12:00"], ["14:00", "17:30"]], "tuesday": [["08:30", "12:00"]],
///           "saturday": [], "sunday": []},
///  "covers": [2025], "beyondCoverage": "refuse",
///  "exceptions": [{"date": "2025-01-26", "kind": "working", "name": "春节调休"},
///                 {"date": "2025-01-28", "kind": "holiday", "name": "春节"}]}
/// ```
///
/// `covers` lists the years whose holiday notice the exceptions hold (none: a plain weekly
/// pattern); `beyondCoverage` is `"refuse"` (the default) or `"ordinary_weeks"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    offset: i32,
    week: [Vec<Span>; 7],
    day_seconds: [i64; 7],
    week_seconds: i64,
    working_weekdays: i64,
    /// Sorted by day number.
    exceptions: Vec<(i64, Exception)>,
    workday: Vec<Span>,
    /// The covered years, sorted and distinct.
    covers: Vec<i16>,
    /// The covered years as merged ranges of day numbers `[first, last]`.
    covered: Vec<(i64, i64)>,
    beyond: BeyondCoverage,
    /// Working time by day over the covered years, built on first use.
    table: Precomputed,
}

/// Cumulative working time over a range of days, so that adding working time or working days
/// inside the range is a lookup and a binary search rather than a walk day by day.
#[derive(Debug, Clone)]
struct Table {
    /// The day number of the first day.
    first: i64,
    /// `secs[i]`: the working seconds of the days `[first, first + i)`.
    secs: Vec<i64>,
    /// `days[i]`: the working days among `[first, first + i)`.
    days: Vec<u32>,
    /// `spans[i]`: where the spans of day `first + i` come from, so that finding them is an
    /// index rather than a search of the exceptions: the weekday (0–6, Monday first), or `7 +`
    /// the exception's position ([`Table::SEARCH`] beyond what 16 bits hold).
    spans: Vec<u16>,
}

impl Table {
    /// The table of the covered years (from the first covered day to the last), or none
    /// for a plain weekly pattern (whose walk skips whole weeks anyway).
    fn build(cal: &Calendar) -> Option<Table> {
        let (first, _) = *cal.covered.first()?;
        let (_, last) = *cal.covered.last()?;
        let n = usize::try_from(last - first + 1).ok()?;
        let (mut secs, mut days) = (Vec::with_capacity(n + 1), Vec::with_capacity(n + 1));
        let mut spans = Vec::with_capacity(n);
        let (mut s, mut d) = (0i64, 0u32);
        secs.push(s);
        days.push(d);
        let mut cursor = cal.days_from(first);
        for _ in 0..n {
            let of_day = cursor.spans();
            s += of_day.iter().map(|s| s.len()).sum::<i64>();
            d += u32::from(!of_day.is_empty());
            secs.push(s);
            days.push(d);
            let source = match cal.exception_index(cursor.day) {
                Some(k) => u16::try_from(k + 7).unwrap_or(Table::SEARCH),
                None => u16::try_from(Weekday::from_day_number(cursor.day).index())
                    .unwrap_or(Table::SEARCH),
            };
            spans.push(source);
            cursor.advance();
        }
        Some(Table {
            first,
            secs,
            days,
            spans,
        })
    }

    /// In [`Table::spans`]: search the exceptions.
    const SEARCH: u16 = u16::MAX;

    /// The index of `day` in the table (0 for its first day), if it lies in the table.
    fn index(&self, day: i64) -> Option<usize> {
        usize::try_from(day - self.first)
            .ok()
            .filter(|i| *i + 1 < self.secs.len())
    }
}

/// The first index at or after `from` where the nondecreasing `v` reaches `target` (`v.len()`
/// if none): galloping from `from`, since targets usually lie a few days ahead.
fn first_reaching<T: Copy + PartialOrd>(v: &[T], from: usize, target: T) -> usize {
    let (mut lo, mut step) = (from, 1);
    while let Some(x) = v.get(lo + step) {
        if *x >= target {
            break;
        }
        lo += step;
        step *= 2;
    }
    let hi = (lo + step + 1).min(v.len());
    lo + v
        .get(lo..hi)
        .map_or(0, |w| w.partition_point(|x| *x < target))
}

/// The lazily built [`Table`] of a calendar: derived data, so two calendars are equal
/// whether or not theirs is built yet.
#[derive(Clone, Default)]
struct Precomputed(std::sync::OnceLock<Option<Table>>);

impl PartialEq for Precomputed {
    fn eq(&self, _: &Precomputed) -> bool {
        true
    }
}

impl Eq for Precomputed {}

impl fmt::Debug for Precomputed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Precomputed(built)"
        } else {
            "Precomputed(not built)"
        })
    }
}

fn check_spans(day: &str, mut spans: Vec<Span>) -> Result<Vec<Span>, CalendarError> {
    spans.sort();
    for pair in spans.windows(2) {
        if let [a, b] = pair {
            if b.start < a.end {
                return Err(CalendarError::OverlappingSpans {
                    day: day.to_owned(),
                    first: a.to_string(),
                    second: b.to_string(),
                });
            }
        }
    }
    Ok(spans)
}

fn parse_span(day: &str, raw: &RawSpan) -> Result<Span, CalendarError> {
    let invalid = |reason| CalendarError::InvalidSpan {
        day: day.to_owned(),
        span: format!("{}–{}", raw.0, raw.1),
        reason,
    };
    let start = parse_hhmm(&raw.0).ok_or_else(|| invalid("times are HH:MM from 00:00 to 24:00"))?;
    let end = parse_hhmm(&raw.1).ok_or_else(|| invalid("times are HH:MM from 00:00 to 24:00"))?;
    Span::from_minutes(start, end).ok_or_else(|| invalid("a span starts before it ends"))
}

/// The civil UTC offsets in seconds: from -12:00 (Baker Island) to +14:00 (Line Islands).
const CIVIL_OFFSETS: std::ops::RangeInclusive<i32> = -12 * 3600..=14 * 3600;

fn parse_offset(s: &str) -> Result<i32, CalendarError> {
    let invalid = || CalendarError::InvalidOffset {
        offset: s.to_owned(),
    };
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'+') => (1, s.get(1..).unwrap_or("")),
        Some(b'-') => (-1, s.get(1..).unwrap_or("")),
        _ => return Err(invalid()),
    };
    let minutes = parse_hhmm(rest).ok_or_else(invalid)?;
    let seconds = i32::try_from(minutes)
        .map(|m| sign * m * 60)
        .map_err(|_| invalid())?;
    if !CIVIL_OFFSETS.contains(&seconds) {
        return Err(invalid());
    }
    Ok(seconds)
}

fn format_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let m = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

impl Calendar {
    /// A calendar from a weekly pattern (Monday first), exceptions and an offset in seconds
    /// east of UTC.
    pub fn new(
        week: [Vec<Span>; 7],
        exceptions: Vec<Exception>,
        offset_seconds: i32,
    ) -> Result<Calendar, CalendarError> {
        if !CIVIL_OFFSETS.contains(&offset_seconds) {
            return Err(CalendarError::InvalidOffset {
                offset: format_offset(offset_seconds),
            });
        }
        let mut checked: [Vec<Span>; 7] = Default::default();
        for (slot, (spans, day)) in checked.iter_mut().zip(week.into_iter().zip(Weekday::ALL)) {
            *slot = check_spans(day.as_str(), spans)?;
        }
        let day_seconds = checked
            .each_ref()
            .map(|spans| spans.iter().map(|s| s.len()).sum::<i64>());
        let week_seconds: i64 = day_seconds.iter().sum();
        if week_seconds == 0 {
            return Err(CalendarError::NoWorkingTime);
        }
        let workday = checked
            .iter()
            .find(|s| !s.is_empty())
            .cloned()
            .unwrap_or_default();
        let mut cal = Calendar {
            offset: offset_seconds,
            working_weekdays: day_seconds.iter().filter(|s| **s > 0).count() as i64,
            week: checked,
            day_seconds,
            week_seconds,
            exceptions: Vec::new(),
            workday,
            covers: Vec::new(),
            covered: Vec::new(),
            beyond: BeyondCoverage::Refuse,
            table: Precomputed::default(),
        };
        for e in exceptions {
            cal.add_exception(e)?;
        }
        Ok(cal)
    }

    /// Monday to Friday, 08:30–12:00 and 14:00–17:30, UTC+08:00, no exceptions. This is a
    /// common office pattern, **not** an official holiday schedule: add the year's holidays
    /// and make-up days with [`Calendar::with_exceptions_text`].
    pub fn standard() -> Calendar {
        let day = vec![
            Span {
                start: 8 * 3600 + 1800,
                end: 12 * 3600,
            },
            Span {
                start: 14 * 3600,
                end: 17 * 3600 + 1800,
            },
        ];
        let week = [
            day.clone(),
            day.clone(),
            day.clone(),
            day.clone(),
            day,
            Vec::new(),
            Vec::new(),
        ];
        Calendar::new(week, Vec::new(), CHINA_OFFSET_SECONDS).unwrap_or_else(|_| Calendar {
            offset: CHINA_OFFSET_SECONDS,
            week: Default::default(),
            day_seconds: [0; 7],
            week_seconds: 0,
            working_weekdays: 0,
            exceptions: Vec::new(),
            workday: Vec::new(),
            covers: Vec::new(),
            covered: Vec::new(),
            beyond: BeyondCoverage::Refuse,
            table: Precomputed::default(),
        })
    }

    /// The office pattern of [`Calendar::standard`] with the State Council's holiday notices
    /// that ship with this version (2025 and 2026), covering those years: a computation that
    /// reaches another year is refused (see the
    /// [module documentation](self#coverage-a-calendar-knows-its-years)). Load a later
    /// year's notice with [`Calendar::with_exceptions_text`].
    pub fn china() -> Calendar {
        let mut cal = Calendar::standard();
        for (_, text) in CHINA_NOTICES {
            cal = match cal.clone().with_exceptions_text(text) {
                Ok(c) => c,
                Err(_) => cal,
            };
        }
        cal
    }

    /// The years whose holiday notice this calendar holds, sorted (empty: a plain weekly
    /// pattern, never beyond its coverage).
    pub fn covers(&self) -> &[i16] {
        &self.covers
    }

    /// What computations do with days outside the covered years.
    pub fn beyond_coverage(&self) -> BeyondCoverage {
        self.beyond
    }

    /// This calendar with another treatment of days outside the covered years.
    pub fn with_beyond_coverage(mut self, beyond: BeyondCoverage) -> Calendar {
        self.beyond = beyond;
        self
    }

    /// Declares that the exceptions hold the holiday notice of `year`.
    pub fn cover_year(&mut self, year: i64) -> Result<(), CalendarError> {
        let y = i16::try_from(year)
            .ok()
            .filter(|y| (-9999..=9999).contains(y))
            .ok_or(CalendarError::InvalidYear { year })?;
        if let Err(pos) = self.covers.binary_search(&y) {
            self.covers.insert(pos, y);
            self.covered = merged_years(&self.covers);
            self.table = Precomputed::default();
        }
        Ok(())
    }

    /// `Ok` if every day from `from` to `to` (day numbers, inclusive) is covered, or the
    /// calendar is not refusing; else the first uncovered day.
    fn reach(&self, from: i64, to: i64) -> Result<(), CalendarError> {
        if self.covers.is_empty() || self.beyond == BeyondCoverage::OrdinaryWeeks {
            return Ok(());
        }
        let mut day = from;
        for &(first, last) in &self.covered {
            if last < day {
                continue;
            }
            if first > day {
                break;
            }
            if to <= last {
                return Ok(());
            }
            day = last + 1;
        }
        Err(CalendarError::BeyondCoverage {
            date: Date::from_day_number(day).to_string(),
            covers: self.covers_text(),
        })
    }

    fn table(&self) -> Option<&Table> {
        self.table.0.get_or_init(|| Table::build(self)).as_ref()
    }

    fn covers_text(&self) -> String {
        let mut out = String::new();
        for &(first, last) in &self.covered {
            let (a, b) = (
                Date::from_day_number(first).year(),
                Date::from_day_number(last).year(),
            );
            if !out.is_empty() {
                out.push_str(", ");
            }
            if a == b {
                out.push_str(&a.to_string());
            } else {
                out.push_str(&format!("{a}–{b}"));
            }
        }
        out
    }

    /// Adds one dated exception.
    pub fn add_exception(&mut self, mut e: Exception) -> Result<(), CalendarError> {
        let day = e.date.day_number();
        let pos = self.exceptions.partition_point(|(d, _)| *d < day);
        if self.exceptions.get(pos).is_some_and(|(d, _)| *d == day) {
            return Err(CalendarError::DuplicateException {
                date: e.date.to_string(),
            });
        }
        e.spans = match e.kind {
            DayKind::Holiday => Vec::new(),
            DayKind::Working if e.spans.is_empty() => self.workday.clone(),
            DayKind::Working => check_spans(&e.date.to_string(), e.spans)?,
        };
        self.exceptions.insert(pos, (day, e));
        self.table = Precomputed::default();
        Ok(())
    }

    /// This calendar with exceptions read from lines `YYYY-MM-DD holiday|working [name]`,
    /// and `covers YYYY [YYYY…]` lines declaring the years whose notice the text holds (blank
    /// lines and `#` comments skipped). Every bad line is an error naming its number.
    ///
    /// ```text
    /// # 国务院办公厅关于2026年部分节假日安排的通知
    /// covers 2026
    /// 2026-01-01 holiday 元旦
    /// 2026-01-04 working 元旦调休
    /// ```
    pub fn with_exceptions_text(mut self, text: &str) -> Result<Calendar, CalendarError> {
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bad = |reason: String| CalendarError::InvalidLine {
                line: i + 1,
                text: raw.to_owned(),
                reason,
            };
            if let Some(years) = line.strip_prefix("covers") {
                let mut any = false;
                for word in years.split_whitespace() {
                    let year: i64 = word
                        .parse()
                        .map_err(|_| bad(format!("expected a year, found {word:?}")))?;
                    self.cover_year(year).map_err(|e| bad(e.to_string()))?;
                    any = true;
                }
                if !any {
                    return Err(bad("`covers` names no year".to_owned()));
                }
                continue;
            }
            let mut parts = line.splitn(3, char::is_whitespace);
            let date: Date = parts
                .next()
                .unwrap_or("")
                .parse()
                .map_err(|e: crate::time::TimeError| bad(e.to_string()))?;
            let kind = match parts.next().map(str::trim) {
                Some("holiday") => DayKind::Holiday,
                Some("working") => DayKind::Working,
                other => {
                    return Err(bad(format!(
                        "expected `holiday` or `working`, found {:?}",
                        other.unwrap_or("")
                    )))
                }
            };
            let name = parts.next().unwrap_or("").trim().to_owned();
            self.add_exception(Exception {
                date,
                kind,
                name,
                spans: Vec::new(),
            })
            .map_err(|e| bad(e.to_string()))?;
        }
        Ok(self)
    }

    /// The UTC offset in seconds east of UTC.
    pub fn offset_seconds(&self) -> i32 {
        self.offset
    }

    /// The exceptions, by date.
    pub fn exceptions(&self) -> impl Iterator<Item = &Exception> + '_ {
        self.exceptions.iter().map(|(_, e)| e)
    }

    /// The weekly pattern's spans of a weekday.
    pub fn weekly_spans(&self, day: Weekday) -> &[Span] {
        self.week.get(day.index()).map(|v| &v[..]).unwrap_or(&[])
    }

    fn exception_index(&self, day: i64) -> Option<usize> {
        self.exceptions.binary_search_by_key(&day, |(d, _)| *d).ok()
    }

    /// The working spans of a local day: from the table once it is built (an index), else
    /// by searching the exceptions.
    fn spans_of(&self, day: i64) -> &[Span] {
        let indexed = self.table.0.get().and_then(Option::as_ref).and_then(|t| {
            let source = *t.spans.get(t.index(day)?)?;
            match source.checked_sub(7) {
                None => self.week.get(usize::from(source)).map(|v| &v[..]),
                Some(_) if source == Table::SEARCH => None,
                Some(k) => self
                    .exceptions
                    .get(usize::from(k))
                    .map(|(_, e)| &e.spans[..]),
            }
        });
        indexed.unwrap_or_else(|| self.spans_searched(day))
    }

    /// The working spans of a local day, by searching the exceptions (the definition the
    /// table's index follows).
    fn spans_searched(&self, day: i64) -> &[Span] {
        match self
            .exception_index(day)
            .and_then(|i| self.exceptions.get(i))
        {
            Some((_, e)) => &e.spans,
            None => self.weekly_spans(Weekday::from_day_number(day)),
        }
    }

    fn regular_seconds(&self, day: i64) -> i64 {
        self.day_seconds
            .get(Weekday::from_day_number(day).index())
            .copied()
            .unwrap_or(0)
    }

    /// The working spans of a date.
    pub fn spans_on(&self, date: Date) -> Result<&[Span], CalendarError> {
        let day = date.day_number();
        self.reach(day, day)?;
        Ok(self.spans_of(day))
    }

    /// Whether a date has working time (工作日).
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        Ok(!self.spans_on(date)?.is_empty())
    }

    /// Whether an instant lies inside a working span.
    pub fn is_working_time(&self, t: Timestamp) -> Result<bool, CalendarError> {
        let (day, sec) = t.local_day_and_second(self.offset);
        self.reach(day, day)?;
        Ok(self
            .spans_of(day)
            .iter()
            .any(|s| i64::from(s.start) <= sec && sec < i64::from(s.end)))
    }

    /// The first instant at or after `t` inside working time.
    pub fn next_working_instant(&self, t: Timestamp) -> Result<Timestamp, CalendarError> {
        let (start, mut sec) = t.local_day_and_second(self.offset);
        let mut days = self.days_from(start);
        loop {
            self.reach(start, days.day)?;
            if let Some(s) = days.spans().iter().find(|s| i64::from(s.end) > sec) {
                let at = sec.max(i64::from(s.start));
                return self.instant(days.day, at, t, || "the next working instant".to_owned());
            }
            days.advance();
            sec = 0;
        }
    }

    /// A cursor over consecutive days from `day`, without a search per day.
    fn days_from(&self, day: i64) -> DayCursor<'_> {
        DayCursor {
            cal: self,
            day,
            weekday: Weekday::from_day_number(day).index(),
            next: self.exceptions.partition_point(|(d, _)| *d < day),
        }
    }

    /// The instant at a local day and second, refused beyond the supported instants.
    fn instant(
        &self,
        day: i64,
        sec: i64,
        from: impl fmt::Display,
        amount: impl FnOnce() -> String,
    ) -> Result<Timestamp, CalendarError> {
        day.checked_mul(SECONDS_PER_DAY)
            .and_then(|s| s.checked_add(sec - i64::from(self.offset)))
            .and_then(|s| Timestamp::from_unix_seconds(s).ok())
            .ok_or_else(|| CalendarError::OutOfRange {
                from: from.to_string(),
                amount: amount(),
            })
    }

    /// The instant at which `n` seconds of working time have elapsed since `t`. See the
    /// [module documentation](self) for the boundary rules. A negative `n` is refused.
    pub fn add_working_seconds(&self, t: Timestamp, n: i64) -> Result<Timestamp, CalendarError> {
        let amount = || format!("{n} working seconds");
        if n < 0 {
            return Err(CalendarError::InvalidAmount {
                amount: amount(),
                reason: "working time is added, not subtracted",
            });
        }
        let (start, sec) = t.local_day_and_second(self.offset);
        if n == 0 {
            self.reach(start, start)?;
            return Ok(t);
        }
        let (day, at) = self.add_seconds_raw(start, sec, n);
        let due = self.instant(day, at, t, amount)?;
        self.reach(start, day)?;
        Ok(due)
    }

    /// [`Calendar::add_working_seconds`] of `minutes` minutes, checked: a negative amount is
    /// [`CalendarError::InvalidAmount`] and one beyond every instant is
    /// [`CalendarError::OutOfRange`], both naming the minutes.
    pub fn add_working_minutes(
        &self,
        t: Timestamp,
        minutes: i64,
    ) -> Result<Timestamp, CalendarError> {
        let amount = || format!("{minutes} working minutes");
        if minutes < 0 {
            return Err(CalendarError::InvalidAmount {
                amount: amount(),
                reason: "working time is added, not subtracted",
            });
        }
        let seconds = minutes
            .checked_mul(60)
            .ok_or_else(|| CalendarError::OutOfRange {
                from: t.to_string(),
                amount: amount(),
            })?;
        self.add_working_seconds(t, seconds).map_err(|e| match e {
            CalendarError::OutOfRange { from, .. } => CalendarError::OutOfRange {
                from,
                amount: amount(),
            },
            other => other,
        })
    }

    /// The local day and second at which `n > 0` working seconds have elapsed since `sec` of
    /// `day`, by the weekly pattern and the exceptions.
    fn add_seconds_raw(&self, day: i64, sec: i64, n: i64) -> (i64, i64) {
        self.add_seconds_table(day, sec, n)
            .unwrap_or_else(|| self.add_seconds_walk(day, sec, n))
    }

    /// [`Calendar::add_seconds_raw`] from the table: the working seconds before `sec` of
    /// `day` plus `n` is a target the cumulative seconds reach on one day, found by binary
    /// search; that day's spans place it. None when the target lies outside the table.
    fn add_seconds_table(&self, day: i64, sec: i64, n: i64) -> Option<(i64, i64)> {
        let table = self.table()?;
        let i = table.index(day)?;
        let spans = self.spans_of(day);
        let before: i64 = spans.iter().map(|s| s.overlap(0, sec)).sum();
        let target = table.secs.get(i)?.checked_add(before)?.checked_add(n)?;
        // The first day whose cumulative seconds (through its end) reach the target.
        let end = first_reaching(&table.secs, i, target);
        let d = end
            .checked_sub(1)
            .filter(|d| *d >= i && end < table.secs.len())?;
        let mut remaining = target - table.secs.get(d)?;
        let day = table.first + i64::try_from(d).ok()?;
        for s in self.spans_of(day) {
            if remaining <= s.len() {
                return Some((day, i64::from(s.start) + remaining));
            }
            remaining -= s.len();
        }
        None
    }

    /// [`Calendar::add_seconds_raw`] day by day.
    fn add_seconds_walk(&self, day: i64, mut sec: i64, n: i64) -> (i64, i64) {
        let mut days = self.days_from(day);
        let mut remaining = n;
        loop {
            for s in days.spans() {
                if i64::from(s.end) <= sec {
                    continue;
                }
                let from = sec.max(i64::from(s.start));
                let available = i64::from(s.end) - from;
                if remaining <= available {
                    return (days.day, from + remaining);
                }
                remaining -= available;
            }
            days.advance();
            sec = 0;
            // Skip whole weeks without exceptions.
            if remaining > self.week_seconds {
                let weeks = (remaining - 1) / self.week_seconds;
                let k = weeks.min(days.clear_weeks());
                days.skip_weeks(k);
                remaining -= k * self.week_seconds;
            }
        }
    }

    /// The end of working time on the n-th working day after the day of `t` (the day of
    /// `t` is not counted). `n = 0` returns `t`.
    pub fn add_working_days(&self, t: Timestamp, n: u32) -> Result<Timestamp, CalendarError> {
        let (start, _) = t.local_day_and_second(self.offset);
        if n == 0 {
            self.reach(start, start)?;
            return Ok(t);
        }
        if let Some(day) = self.nth_working_day_table(start, n) {
            let end = self.spans_of(day).last().map_or(0, |s| i64::from(s.end));
            let due = self.instant(day, end, t, || format!("{n} working days"))?;
            self.reach(start, day)?;
            return Ok(due);
        }
        let mut days = self.days_from(start);
        let mut remaining = i64::from(n);
        loop {
            days.advance();
            // Skip whole weeks without exceptions.
            if remaining > self.working_weekdays {
                let weeks = (remaining - 1) / self.working_weekdays;
                let k = weeks.min(days.clear_weeks());
                days.skip_weeks(k);
                remaining -= k * self.working_weekdays;
            }
            if let Some(last) = days.spans().last() {
                remaining -= 1;
                if remaining == 0 {
                    let due = self.instant(days.day, i64::from(last.end), t, || {
                        format!("{n} working days")
                    })?;
                    self.reach(start, days.day)?;
                    return Ok(due);
                }
            }
        }
    }

    /// The `n`-th working day (`n > 0`) after `start` from the table: the first day by which
    /// the count of working days reaches the count through `start` plus `n`.
    fn nth_working_day_table(&self, start: i64, n: u32) -> Option<i64> {
        let table = self.table()?;
        let i = table.index(start)?;
        let target = table.days.get(i + 1)?.checked_add(n)?;
        let end = first_reaching(&table.days, i + 1, target);
        (end < table.days.len()).then(|| table.first + i64::try_from(end).unwrap_or(i64::MAX) - 1)
    }

    /// Working time between two instants, in seconds (0 if `b <= a`).
    pub fn working_seconds_between(
        &self,
        a: Timestamp,
        b: Timestamp,
    ) -> Result<i64, CalendarError> {
        if b <= a {
            return Ok(0);
        }
        let (da, sa) = a.local_day_and_second(self.offset);
        let (db, sb) = b.local_day_and_second(self.offset);
        // Up to midnight, the day `b` starts adds nothing.
        self.reach(da, if sb == 0 { db - 1 } else { db })?;
        Ok(self.seconds_between_raw(da, sa, db, sb))
    }

    fn seconds_between_raw(&self, da: i64, sa: i64, db: i64, sb: i64) -> i64 {
        let part = |day: i64, from: i64, to: i64| -> i64 {
            self.spans_of(day).iter().map(|s| s.overlap(from, to)).sum()
        };
        if da == db {
            return part(da, sa, sb);
        }
        part(da, sa, SECONDS_PER_DAY) + self.full_days(da + 1, db) + part(db, 0, sb)
    }

    /// Working seconds of the whole days `[from, to)`.
    fn full_days(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        if let Some(table) = self.table() {
            let (a, b) = (
                usize::try_from(from - table.first).ok(),
                usize::try_from(to - table.first).ok(),
            );
            if let (Some(a), Some(b)) = (
                a.and_then(|a| table.secs.get(a)),
                b.and_then(|b| table.secs.get(b)),
            ) {
                return b - a;
            }
        }
        let n = to - from;
        let weeks = n / 7;
        let mut total = weeks * self.week_seconds;
        for d in from + weeks * 7..to {
            total += self.regular_seconds(d);
        }
        let start = self.exceptions.partition_point(|(d, _)| *d < from);
        for (d, e) in self
            .exceptions
            .iter()
            .skip(start)
            .take_while(|(d, _)| *d < to)
        {
            total += e.spans.iter().map(|s| s.len()).sum::<i64>() - self.regular_seconds(*d);
        }
        total
    }

    /// The last day of a period of `days` days starting on `start`, by the Civil Code:
    ///
    /// > 第二百零一条 按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算。
    /// > 第二百零三条 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日。
    ///
    /// (Art. 201: the first day is not counted; Art. 203: if the last day is a statutory
    /// holiday, the period ends on the day after the holiday.) Rest days of this calendar
    /// count as holidays.
    pub fn period_end_date(&self, start: Date, days: u32) -> Result<Date, CalendarError> {
        let first = start.day_number();
        let mut day = first + i64::from(days);
        loop {
            if day > LAST_DAY {
                return Err(CalendarError::OutOfRange {
                    from: start.to_string(),
                    amount: format!("a period of {days} days"),
                });
            }
            self.reach(first, day)?;
            if !self.spans_of(day).is_empty() {
                return Ok(Date::from_day_number(day));
            }
            day += 1;
        }
    }

    /// The instant a period of `days` days starting at `start` ends: 24:00 of
    /// [`Calendar::period_end_date`] (Art. 203: 期间的最后一日的截止时间为二十四时).
    pub fn period_deadline(&self, start: Timestamp, days: u32) -> Result<Timestamp, CalendarError> {
        let (day, _) = start.local_day_and_second(self.offset);
        let end = self.period_end_date(Date::from_day_number(day), days)?;
        self.instant(end.day_number() + 1, 0, start, || {
            format!("a period of {days} days")
        })
    }

    /// The calendar as JSON (`wangge.calendar` version 1).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a calendar from JSON.
    pub fn from_json(text: &str) -> Result<Calendar, CalendarError> {
        let raw: RawCalendar =
            crate::strict_json::from_str(text).map_err(|e| CalendarError::Malformed {
                message: e.to_string(),
            })?;
        Calendar::try_from(raw)
    }
}

/// The day number of 9999-12-31, the last supported date.
const LAST_DAY: i64 = 2_932_896;

/// The State Council's holiday notices that ship with this version, by year.
pub const CHINA_NOTICES: [(i16, &str); 2] = [
    (2025, include_str!("calendar/cn-2025.txt")),
    (2026, include_str!("calendar/cn-2026.txt")),
];

/// Covered years as merged ranges of day numbers.
fn merged_years(years: &[i16]) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for &y in years {
        let y = i64::from(y);
        let first = crate::time::day_number_from_civil(y, 1, 1);
        let last = crate::time::day_number_from_civil(y, 12, 31);
        match out.last_mut() {
            Some((_, end)) if *end + 1 == first => *end = last,
            _ => out.push((first, last)),
        }
    }
    out
}

/// Walks consecutive days, keeping the weekday and the next exception at hand.
struct DayCursor<'a> {
    cal: &'a Calendar,
    day: i64,
    weekday: usize,
    /// Index of the first exception at or after `day`.
    next: usize,
}

impl<'a> DayCursor<'a> {
    fn spans(&self) -> &'a [Span] {
        match self.cal.exceptions.get(self.next) {
            Some((d, e)) if *d == self.day => &e.spans,
            _ => self
                .cal
                .week
                .get(self.weekday)
                .map(|v| &v[..])
                .unwrap_or(&[]),
        }
    }

    fn advance(&mut self) {
        if self
            .cal
            .exceptions
            .get(self.next)
            .is_some_and(|(d, _)| *d == self.day)
        {
            self.next += 1;
        }
        self.day += 1;
        self.weekday = (self.weekday + 1) % 7;
    }

    /// How many whole weeks from `day` contain no exception.
    fn clear_weeks(&self) -> i64 {
        self.cal
            .exceptions
            .get(self.next)
            .map_or(i64::MAX, |(d, _)| (d - self.day) / 7)
    }

    fn skip_weeks(&mut self, k: i64) {
        self.day += 7 * k;
    }
}

impl Default for Calendar {
    fn default() -> Calendar {
        Calendar::standard()
    }
}

fn raw_spans(spans: &[Span]) -> Vec<RawSpan> {
    spans
        .iter()
        .map(|s| RawSpan(hhmm(s.start), hhmm(s.end)))
        .collect()
}

impl From<&Calendar> for RawCalendar {
    fn from(c: &Calendar) -> RawCalendar {
        let w = |d: Weekday| raw_spans(c.weekly_spans(d));
        RawCalendar {
            format: "wangge.calendar".to_owned(),
            version: 2,
            utc_offset: format_offset(c.offset),
            week: RawWeek {
                monday: w(Weekday::Monday),
                tuesday: w(Weekday::Tuesday),
                wednesday: w(Weekday::Wednesday),
                thursday: w(Weekday::Thursday),
                friday: w(Weekday::Friday),
                saturday: w(Weekday::Saturday),
                sunday: w(Weekday::Sunday),
            },
            covers: c.covers.iter().map(|y| i64::from(*y)).collect(),
            beyond_coverage: c.beyond,
            exceptions: c
                .exceptions()
                .map(|e| RawException {
                    date: e.date,
                    kind: e.kind,
                    name: e.name.clone(),
                    spans: if e.kind == DayKind::Working && e.spans != c.workday {
                        raw_spans(&e.spans)
                    } else {
                        Vec::new()
                    },
                })
                .collect(),
        }
    }
}

impl TryFrom<RawCalendar> for Calendar {
    type Error = CalendarError;
    fn try_from(raw: RawCalendar) -> Result<Calendar, CalendarError> {
        if raw.format != "wangge.calendar" || !(1..=2).contains(&raw.version) {
            return Err(CalendarError::UnsupportedFormat {
                format: raw.format,
                version: raw.version,
            });
        }
        let offset = parse_offset(&raw.utc_offset)?;
        let parse = |day: Weekday, spans: &[RawSpan]| -> Result<Vec<Span>, CalendarError> {
            spans.iter().map(|s| parse_span(day.as_str(), s)).collect()
        };
        let w = &raw.week;
        let week = [
            parse(Weekday::Monday, &w.monday)?,
            parse(Weekday::Tuesday, &w.tuesday)?,
            parse(Weekday::Wednesday, &w.wednesday)?,
            parse(Weekday::Thursday, &w.thursday)?,
            parse(Weekday::Friday, &w.friday)?,
            parse(Weekday::Saturday, &w.saturday)?,
            parse(Weekday::Sunday, &w.sunday)?,
        ];
        let mut exceptions = Vec::with_capacity(raw.exceptions.len());
        for e in raw.exceptions {
            let day = e.date.to_string();
            let spans = e
                .spans
                .iter()
                .map(|s| parse_span(&day, s))
                .collect::<Result<Vec<_>, _>>()?;
            exceptions.push(Exception {
                date: e.date,
                kind: e.kind,
                name: e.name,
                spans,
            });
        }
        if raw.version == 1
            && (!raw.covers.is_empty() || raw.beyond_coverage != BeyondCoverage::Refuse)
        {
            return Err(CalendarError::Malformed {
                message: "`covers` and `beyondCoverage` are members of version 2".to_owned(),
            });
        }
        let mut cal = Calendar::new(week, exceptions, offset)?;
        for year in raw.covers {
            cal.cover_year(year)?;
        }
        Ok(cal.with_beyond_coverage(raw.beyond_coverage))
    }
}

impl Serialize for Calendar {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        RawCalendar::from(self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Calendar {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Calendar, D::Error> {
        let raw = RawCalendar::deserialize(deserializer)?;
        Calendar::try_from(raw).map_err(serde::de::Error::custom)
    }
}

crate::names::deserialize_by_name!(DayKind { Holiday = "holiday", Working = "working" });
crate::names::deserialize_by_name!(BeyondCoverage {
    Refuse = "refuse",
    OrdinaryWeeks = "ordinary_weeks"
});

#[cfg(test)]
mod table_tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use proptest::prelude::*;

    use super::{Calendar, SECONDS_PER_DAY};

    /// 2025-01-01 as a day number.
    const JAN_1_2025: i64 = 20_089;

    /// The working days after `start` counted one by one (the definition).
    fn nth_working_day_walk(cal: &Calendar, start: i64, n: u32) -> i64 {
        let (mut day, mut left) = (start, n);
        loop {
            day += 1;
            if !cal.spans_searched(day).is_empty() {
                left -= 1;
                if left == 0 {
                    return day;
                }
            }
        }
    }

    fn full_days_walk(cal: &Calendar, from: i64, to: i64) -> i64 {
        (from..to)
            .map(|d| cal.spans_searched(d).iter().map(|s| s.len()).sum::<i64>())
            .sum()
    }

    /// The table's index of each day's spans gives what the search of the exceptions gives,
    /// over the covered years and around them, and again after the calendar changes.
    #[test]
    fn the_spans_index_agrees_with_the_search() {
        let mut cal = Calendar::china();
        let days = JAN_1_2025 - 40..JAN_1_2025 + 800;
        assert!(cal.table().is_some(), "built");
        for day in days.clone() {
            assert_eq!(cal.spans_of(day), cal.spans_searched(day), "day {day}");
        }
        cal.add_exception(super::Exception {
            date: "2025-06-03".parse().unwrap(),
            kind: super::DayKind::Holiday,
            name: "test".into(),
            spans: Vec::new(),
        })
        .unwrap();
        assert!(cal.table().is_some(), "rebuilt");
        assert!(
            cal.spans_of(JAN_1_2025 + 153).is_empty(),
            "2025-06-03 is off now"
        );
        for day in days {
            assert_eq!(cal.spans_of(day), cal.spans_searched(day), "day {day}");
        }
    }

    proptest! {
        /// The precomputed table gives what the walk day by day gives, for instants in and
        /// around the covered years (2025–2026) and amounts up to two years.
        #[test]
        fn the_table_agrees_with_the_walk(
            day in JAN_1_2025 - 30..JAN_1_2025 + 760,
            sec in 0..SECONDS_PER_DAY,
            n in 1i64..40_000_000,
            days in 1u32..600,
            span in 0i64..800,
        ) {
            let cal = Calendar::china();
            assert!(cal.table().is_some());
            let walk = cal.add_seconds_walk(day, sec, n);
            prop_assert_eq!(cal.add_seconds_raw(day, sec, n), walk);
            if let Some(found) = cal.add_seconds_table(day, sec, n) {
                prop_assert_eq!(found, walk);
            }
            if let Some(found) = cal.nth_working_day_table(day, days) {
                prop_assert_eq!(found, nth_working_day_walk(&cal, day, days));
            }
            prop_assert_eq!(cal.full_days(day, day + span), full_days_walk(&cal, day, day + span));
        }
    }

    #[test]
    fn the_table_is_rebuilt_when_the_calendar_changes() {
        let mut cal = Calendar::china();
        // 2025-10-09 (Thursday) is a working day; with it a holiday, the first working day
        // after 2025-10-08 is the 10th.
        let oct_8 = JAN_1_2025 + 280;
        assert_eq!(cal.nth_working_day_table(oct_8, 1), Some(oct_8 + 1));
        cal.add_exception(super::Exception {
            date: super::Date::from_day_number(oct_8 + 1),
            kind: super::DayKind::Holiday,
            name: "test".to_owned(),
            spans: Vec::new(),
        })
        .unwrap();
        assert_eq!(cal.nth_working_day_table(oct_8, 1), Some(oct_8 + 2));
        assert_eq!(cal, cal.clone());
    }
}
