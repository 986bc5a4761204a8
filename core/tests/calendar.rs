//! Working-time calendars: the 2025 schedule of China with its make-up working days, the
//! Civil Code period rule, every error variant, and property tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;
use wangge::calendar::{BeyondCoverage, Calendar, CalendarError, DayKind, Exception, Span};
use wangge::time::{Date, Timestamp};

fn cn2025() -> Calendar {
    Calendar::standard()
        .with_exceptions_text(include_str!("../src/calendar/cn-2025.txt"))
        .unwrap()
}

fn at(s: &str) -> Timestamp {
    format!("{s}+08:00").parse().unwrap()
}

fn show(t: Timestamp) -> String {
    t.to_string().trim_end_matches("+08:00").to_owned()
}

const H: i64 = 3600;

#[test]
fn spring_festival_and_make_up_days() {
    let c = cn2025();
    // Friday 16:00 + 2 working hours: 1.5 h on Friday, then Sunday 26 Jan is a working day.
    assert_eq!(
        show(
            c.add_working_seconds(at("2025-01-24T16:00:00"), 2 * H)
                .unwrap()
        ),
        "2025-01-26T09:00:00"
    );
    // Monday 27 Jan 17:00 + 1 h: half an hour, then the holiday to 4 Feb, then Wednesday.
    assert_eq!(
        show(c.add_working_seconds(at("2025-01-27T17:00:00"), H).unwrap()),
        "2025-02-05T09:00:00"
    );
    // Lunch break: 11:30 + 1 h = 14:30.
    assert_eq!(
        show(c.add_working_seconds(at("2025-03-03T11:30:00"), H).unwrap()),
        "2025-03-03T14:30:00"
    );
    // Exactly the rest of the day lands on the closing time, not the next morning.
    assert_eq!(
        show(
            c.add_working_seconds(at("2025-03-03T17:00:00"), 1800)
                .unwrap()
        ),
        "2025-03-03T17:30:00"
    );
    assert_eq!(
        c.add_working_seconds(at("2025-03-03T03:00:00"), 0).unwrap(),
        at("2025-03-03T03:00:00")
    );
    // Working days: the day itself is not counted.
    let days = |n| show(c.add_working_days(at("2025-01-24T10:00:00"), n).unwrap());
    assert_eq!(days(1), "2025-01-26T17:30:00"); // the Sunday make-up day
    assert_eq!(days(2), "2025-01-27T17:30:00");
    assert_eq!(days(3), "2025-02-05T17:30:00");
    assert_eq!(days(6), "2025-02-08T17:30:00"); // the Saturday make-up day
    assert_eq!(days(7), "2025-02-10T17:30:00");
    assert!(c.is_working_time(at("2025-01-26T10:00:00")).unwrap());
    assert!(!c.is_working_time(at("2025-01-25T10:00:00")).unwrap());
    assert!(!c.is_working_time(at("2025-01-29T10:00:00")).unwrap());
    assert!(!c.is_working_time(at("2025-01-27T12:30:00")).unwrap());
    assert!(c.is_working_day("2025-02-08".parse().unwrap()).unwrap());
    assert!(!c.is_working_day("2025-01-01".parse().unwrap()).unwrap());
    assert_eq!(
        show(c.next_working_instant(at("2025-01-28T09:00:00")).unwrap()),
        "2025-02-05T08:30:00"
    );
}

#[test]
fn national_day() {
    let c = cn2025();
    // 15 working days from Friday 26 Sep: 28, 29, 30 Sep; 9, 10, 11 (Sat) Oct; 13–17; 20–23.
    assert_eq!(
        show(c.add_working_days(at("2025-09-26T09:00:00"), 15).unwrap()),
        "2025-10-23T17:30:00"
    );
    assert_eq!(
        show(c.add_working_days(at("2025-09-26T09:00:00"), 1).unwrap()),
        "2025-09-28T17:30:00"
    );
    // 30 Sep 12:00 → 9 Oct 09:30: 3.5 h on 30 Sep and 1 h on 9 Oct.
    assert_eq!(
        c.working_seconds_between(at("2025-09-30T12:00:00"), at("2025-10-09T09:30:00"))
            .unwrap(),
        4 * H + 1800
    );
    // Across the whole holiday and make-up day: 26 Sep 09:00 → 13 Oct 09:00.
    // 26 Sep: 6.5 h; 28, 29, 30 Sep, 9, 10, 11 Oct: 6 × 7 h; 13 Oct: 0.5 h.
    assert_eq!(
        c.working_seconds_between(at("2025-09-26T09:00:00"), at("2025-10-13T09:00:00"))
            .unwrap(),
        49 * H
    );
    assert_eq!(
        show(
            c.add_working_seconds(at("2025-09-30T16:00:00"), 2 * H)
                .unwrap()
        ),
        "2025-10-09T09:00:00"
    );
    // Whole year: 261 weekdays, 18 of them holidays, 5 make-up days: 248 working days of 7 h.
    assert_eq!(
        c.working_seconds_between(at("2025-01-01T00:00:00"), at("2026-01-01T00:00:00"))
            .unwrap(),
        248 * 7 * H
    );
}

#[test]
fn civil_code_periods() {
    let c = cn2025();
    let d = |s: &str| -> Date { s.parse().unwrap() };
    // The first day is not counted.
    assert_eq!(
        c.period_end_date(d("2025-03-03"), 3).unwrap(),
        d("2025-03-06")
    );
    // A period ending on a holiday ends on the next working day.
    assert_eq!(
        c.period_end_date(d("2025-09-26"), 5).unwrap(),
        d("2025-10-09")
    );
    // A period ending on a Saturday make-up working day ends that day.
    assert_eq!(
        c.period_end_date(d("2025-10-04"), 7).unwrap(),
        d("2025-10-11")
    );
    // A period ending on an ordinary Sunday moves to Monday.
    assert_eq!(
        c.period_end_date(d("2025-03-02"), 7).unwrap(),
        d("2025-03-10")
    );
    // It ends at 24:00 of its last day.
    assert_eq!(
        show(c.period_deadline(at("2025-09-26T15:00:00"), 5).unwrap()),
        "2025-10-10T00:00:00"
    );
}

#[test]
fn json_and_text_formats() {
    let c = cn2025();
    let text = c.to_json();
    assert!(text.starts_with(r#"{"format":"wangge.calendar","version":2,"utcOffset":"+08:00","week":{"monday":[["08:30","12:00"],["14:00","17:30"]]"#), "{text}");
    let back = Calendar::from_json(&text).unwrap();
    assert_eq!(back, c);
    assert_eq!(back.to_json(), text);
    assert_eq!(c.exceptions().count(), 33);
    assert_eq!(
        c.exceptions()
            .filter(|e| e.kind == DayKind::Working)
            .count(),
        5
    );
}

#[test]
fn every_error_variant() {
    let codes = |r: Result<Calendar, wangge::calendar::CalendarError>| r.unwrap_err().code();
    let doc = |week: &str, extra: &str| {
        format!(r#"{{"format":"wangge.calendar","version":1,"week":{{{week}}}{extra}}}"#)
    };
    assert_eq!(
        codes(Calendar::from_json(&doc(
            r#""monday":[["08:30","25:00"]]"#,
            ""
        ))),
        "calendar.invalid_span"
    );
    assert_eq!(
        codes(Calendar::from_json(&doc(
            r#""monday":[["12:00","08:00"]]"#,
            ""
        ))),
        "calendar.invalid_span"
    );
    assert_eq!(
        codes(Calendar::from_json(&doc(
            r#""monday":[["08:00","12:00"],["11:00","13:00"]]"#,
            ""
        ))),
        "calendar.overlapping_spans"
    );
    assert_eq!(
        codes(Calendar::from_json(&doc("", ""))),
        "calendar.no_working_time"
    );
    for offset in ["+19:00", "+15:00", "-12:30", "+14:01", "08:00"] {
        assert_eq!(
            codes(Calendar::from_json(&doc(
                r#""monday":[["08:00","12:00"]]"#,
                &format!(r#","utcOffset":"{offset}""#)
            ))),
            "calendar.invalid_offset",
            "{offset}"
        );
    }
    for offset in ["+14:00", "-12:00", "+05:45", "+00:00"] {
        assert!(
            Calendar::from_json(&doc(
                r#""monday":[["08:00","12:00"]]"#,
                &format!(r#","utcOffset":"{offset}""#)
            ))
            .is_ok(),
            "{offset}"
        );
    }
    assert_eq!(
        codes(Calendar::from_json(&doc(
            r#""monday":[["08:00","12:00"]]"#,
            r#","exceptions":[{"date":"2025-01-01","kind":"holiday"},{"date":"2025-01-01","kind":"working"}]"#
        ))),
        "calendar.duplicate_exception"
    );
    assert_eq!(
        codes(Calendar::from_json(
            r#"{"format":"wangge.calendar","version":3,"week":{}}"#
        )),
        "calendar.unsupported_format"
    );
    // Coverage is a version 2 member; a year must be a year.
    assert_eq!(
        codes(Calendar::from_json(&doc(
            r#""monday":[["08:00","12:00"]]"#,
            r#","covers":[2025]"#
        ))),
        "calendar.malformed"
    );
    assert_eq!(
        codes(Calendar::from_json(
            r#"{"format":"wangge.calendar","version":2,"week":{"monday":[["08:00","12:00"]]},"covers":[20250]}"#
        )),
        "calendar.invalid_year"
    );
    assert_eq!(
        codes(Calendar::standard().with_exceptions_text("covers 2025 twenty\n")),
        "calendar.invalid_line"
    );
    assert_eq!(
        codes(Calendar::standard().with_exceptions_text("covers\n")),
        "calendar.invalid_line"
    );
    assert_eq!(codes(Calendar::from_json("[")), "calendar.malformed");
    let e = Calendar::standard()
        .with_exceptions_text("2025-01-01 holiday\n\n2025-13-01 holiday\n")
        .unwrap_err();
    assert_eq!(e.code(), "calendar.invalid_line");
    assert!(e.to_string().contains("line 3"), "{e}");
    assert_eq!(
        codes(Calendar::standard().with_exceptions_text("2025-01-01 vacation")),
        "calendar.invalid_line"
    );
    assert_eq!(
        codes(Calendar::standard().with_exceptions_text("2025-01-01 holiday\n2025-01-01 working")),
        "calendar.invalid_line"
    );
}

// ----- property tests ------------------------------------------------------------------------

fn arb_calendar() -> impl Strategy<Value = Calendar> {
    let day = prop::collection::vec((0u32..1440, 1u32..600), 0..3).prop_map(|v| {
        let mut spans: Vec<Span> = Vec::new();
        let mut cursor = 0;
        for (gap, len) in v {
            let start = cursor + gap % 300;
            let end = (start + len).min(1440);
            if start < end {
                spans.push(Span::from_minutes(start, end).unwrap());
                cursor = end;
            }
        }
        spans
    });
    let exceptions = prop::collection::btree_map(0i64..120, (any::<bool>(), 60u32..300), 0..20);
    (prop::array::uniform7(day), exceptions, -12i32..14).prop_filter_map(
        "needs working time",
        |(week, exc, off)| {
            let base: Date = "2025-01-01".parse().unwrap();
            let exceptions = exc
                .into_iter()
                .map(|(d, (working, len))| Exception {
                    date: base.plus_days(d),
                    kind: if working {
                        DayKind::Working
                    } else {
                        DayKind::Holiday
                    },
                    name: String::new(),
                    spans: if working {
                        vec![Span::from_minutes(480, 480 + len).unwrap()]
                    } else {
                        vec![]
                    },
                })
                .collect();
            Calendar::new(week, exceptions, off * 3600).ok()
        },
    )
}

fn arb_instant() -> impl Strategy<Value = Timestamp> {
    (0i64..150 * 86400).prop_map(|s| at("2024-12-20T00:00:00").plus_seconds(s))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn add_then_measure_gives_the_amount(c in arb_calendar(), t in arb_instant(), n in 0i64..200 * 3600) {
        let r = c.add_working_seconds(t, n).unwrap();
        prop_assert_eq!(c.working_seconds_between(t, r).unwrap(), n);
        if n > 0 {
            // Inside working time, or at the closing end of a span.
            prop_assert!(c.is_working_time(r).unwrap() || c.is_working_time(r.plus_seconds(-1)).unwrap());
            // And not later than needed: one second earlier is not enough.
            prop_assert!(c.working_seconds_between(t, r.plus_seconds(-1)).unwrap() < n);
        }
    }

    #[test]
    fn elapsed_is_additive_and_bounded(c in arb_calendar(), a in arb_instant(), b in arb_instant(), x in arb_instant()) {
        let mut v = [a, b, x];
        v.sort();
        let [a, b, x] = v;
        prop_assert_eq!(c.working_seconds_between(a, b).unwrap() + c.working_seconds_between(b, x).unwrap(), c.working_seconds_between(a, x).unwrap());
        prop_assert!(c.working_seconds_between(a, x).unwrap() <= x.seconds_since(a));
        prop_assert_eq!(c.working_seconds_between(x, a).unwrap(), 0);
    }

    #[test]
    fn adding_is_monotone(c in arb_calendar(), t in arb_instant(), dt in 0i64..86400, n in 0i64..50 * 3600, m in 0i64..3600) {
        prop_assert!(c.add_working_seconds(t, n).unwrap() <= c.add_working_seconds(t, n + m).unwrap());
        prop_assert!(c.add_working_seconds(t, n).unwrap() <= c.add_working_seconds(t.plus_seconds(dt), n).unwrap());
    }

    #[test]
    fn working_days_end_on_working_days(c in arb_calendar(), t in arb_instant(), n in 1u32..25) {
        let r = c.add_working_days(t, n).unwrap();
        prop_assert!(c.is_working_time(r.plus_seconds(-1)).unwrap());
        prop_assert!(r > t);
        prop_assert!(c.add_working_days(t, n + 1).unwrap() > r);
    }

    #[test]
    fn json_round_trip(c in arb_calendar()) {
        prop_assert_eq!(Calendar::from_json(&c.to_json()).unwrap(), c);
    }
}

/// The 2026 notice (State Council General Office, 4 Nov 2025), shipped as data.
#[test]
fn the_2026_schedule() {
    let c = Calendar::china();
    assert_eq!(c.covers(), &[2025, 2026]);
    let d = |s: &str| -> Date { s.parse().unwrap() };
    let off = [
        "2026-01-01",
        "2026-01-02",
        "2026-01-03",
        "2026-02-15",
        "2026-02-16",
        "2026-02-20",
        "2026-02-23",
        "2026-04-06",
        "2026-05-01",
        "2026-05-05",
        "2026-06-19",
        "2026-06-22",
        "2026-09-25",
        "2026-10-01",
        "2026-10-07",
    ];
    for day in off {
        let expected = day == "2026-06-22"; // a Monday after the Dragon Boat holiday
        assert_eq!(c.is_working_day(d(day)).unwrap(), expected, "{day}");
    }
    for day in [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ] {
        assert!(
            c.is_working_day(d(day)).unwrap(),
            "{day} is a make-up working day"
        );
    }
    // Across the new year: Wednesday 31 Dec 2025 16:00 plus 2 working hours is Sunday 4 Jan.
    assert_eq!(
        show(
            c.add_working_seconds(at("2025-12-31T16:00:00"), 2 * H)
                .unwrap()
        ),
        "2026-01-04T09:00:00"
    );
    // The Spring Festival: Friday 13 Feb 17:00 plus 1 hour is Saturday 14 Feb (a working
    // day) 09:00; plus a working day more is Tuesday 24 Feb.
    assert_eq!(
        show(c.add_working_seconds(at("2026-02-13T17:00:00"), H).unwrap()),
        "2026-02-14T09:00:00"
    );
    assert_eq!(
        show(c.add_working_days(at("2026-02-13T10:00:00"), 2).unwrap()),
        "2026-02-24T17:30:00"
    );
    // 2026: 261 weekdays, 19 holidays on weekdays, 6 make-up days: 248 working days.
    assert_eq!(
        c.working_seconds_between(at("2026-01-01T00:00:00"), at("2027-01-01T00:00:00"))
            .unwrap(),
        248 * 7 * H
    );
}

/// A computation that reaches a year the calendar has no notice for is refused, naming the
/// first such date, unless the calendar opts in to ordinary weeks.
#[test]
fn beyond_coverage() {
    let c = Calendar::china();
    let beyond = |r: Result<Timestamp, CalendarError>| match r {
        Err(CalendarError::BeyondCoverage { date, covers }) => (date, covers),
        other => panic!("expected beyond coverage, got {other:?}"),
    };
    let (date, covers) = beyond(c.add_working_seconds(at("2026-12-31T16:00:00"), 2 * H));
    assert_eq!(
        (date.as_str(), covers.as_str()),
        ("2027-01-01", "2025–2026")
    );
    beyond(c.add_working_days(at("2026-12-25T10:00:00"), 10));
    beyond(c.next_working_instant(at("2024-12-31T18:00:00")));
    beyond(c.period_deadline(at("2026-12-20T10:00:00"), 15));
    assert_eq!(
        c.is_working_day("2027-03-01".parse().unwrap())
            .unwrap_err()
            .code(),
        "calendar.beyond_coverage"
    );
    assert_eq!(
        c.working_seconds_between(at("2026-12-31T09:00:00"), at("2027-01-04T10:00:00"))
            .unwrap_err()
            .code(),
        "calendar.beyond_coverage"
    );
    // Midnight at the end of the last covered day is still inside.
    assert!(c
        .working_seconds_between(at("2026-12-31T09:00:00"), at("2027-01-01T00:00:00"))
        .is_ok());
    // Opting in: ordinary weeks beyond the covered years.
    let lenient = c
        .clone()
        .with_beyond_coverage(BeyondCoverage::OrdinaryWeeks);
    assert_eq!(
        show(
            lenient
                .add_working_seconds(at("2026-12-31T16:00:00"), 2 * H)
                .unwrap()
        ),
        "2027-01-01T09:00:00"
    );
    let json = lenient.to_json();
    assert!(
        json.contains(r#""covers":[2025,2026],"beyondCoverage":"ordinary_weeks""#),
        "{json}"
    );
    assert_eq!(Calendar::from_json(&json).unwrap(), lenient);
    // A plain weekly pattern covers no year and is never beyond it.
    assert!(Calendar::standard()
        .add_working_days(at("2031-06-01T10:00:00"), 5)
        .is_ok());
    // Adding next year's notice is one small text.
    let next = c
        .with_exceptions_text("covers 2027\n2027-01-01 holiday 元旦\n")
        .unwrap();
    assert_eq!(next.covers(), &[2025, 2026, 2027]);
    assert_eq!(
        show(
            next.add_working_seconds(at("2026-12-31T16:00:00"), 2 * H)
                .unwrap()
        ),
        "2027-01-04T09:00:00"
    );
}

/// Amounts and results are checked: negative amounts and results beyond year 9999 are
/// typed errors, never a saturated instant.
#[test]
fn checked_arithmetic() {
    let c = Calendar::standard();
    let t = at("2025-03-03T09:00:00");
    assert_eq!(
        c.add_working_seconds(t, -60).unwrap_err().code(),
        "calendar.invalid_amount"
    );
    for n in [1_i64 << 62, i64::MAX] {
        assert_eq!(
            c.add_working_seconds(t, n).unwrap_err().code(),
            "calendar.out_of_range",
            "{n}"
        );
    }
    assert_eq!(
        c.add_working_days(t, u32::MAX).unwrap_err().code(),
        "calendar.out_of_range"
    );
    assert_eq!(
        c.period_end_date("9999-12-01".parse().unwrap(), 100)
            .unwrap_err()
            .code(),
        "calendar.out_of_range"
    );
    assert_eq!(
        c.period_deadline(t, u32::MAX).unwrap_err().code(),
        "calendar.out_of_range"
    );
}
