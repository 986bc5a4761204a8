//! Working-time calendars: the 2025 schedule of China with its make-up working days, the
//! Civil Code period rule, every error variant, and property tests.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;
use wangge::calendar::{Calendar, DayKind, Exception, Span};
use wangge::time::{Date, Timestamp};

fn cn2025() -> Calendar {
    Calendar::standard()
        .with_exceptions_text(include_str!("data/cn-2025.txt"))
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
        show(c.add_working_seconds(at("2025-01-24T16:00:00"), 2 * H)),
        "2025-01-26T09:00:00"
    );
    // Monday 27 Jan 17:00 + 1 h: half an hour, then the holiday to 4 Feb, then Wednesday.
    assert_eq!(
        show(c.add_working_seconds(at("2025-01-27T17:00:00"), H)),
        "2025-02-05T09:00:00"
    );
    // Lunch break: 11:30 + 1 h = 14:30.
    assert_eq!(
        show(c.add_working_seconds(at("2025-03-03T11:30:00"), H)),
        "2025-03-03T14:30:00"
    );
    // Exactly the rest of the day lands on the closing time, not the next morning.
    assert_eq!(
        show(c.add_working_seconds(at("2025-03-03T17:00:00"), 1800)),
        "2025-03-03T17:30:00"
    );
    assert_eq!(
        c.add_working_seconds(at("2025-03-03T03:00:00"), 0),
        at("2025-03-03T03:00:00")
    );
    // Working days: the day itself is not counted.
    let days = |n| show(c.add_working_days(at("2025-01-24T10:00:00"), n));
    assert_eq!(days(1), "2025-01-26T17:30:00"); // the Sunday make-up day
    assert_eq!(days(2), "2025-01-27T17:30:00");
    assert_eq!(days(3), "2025-02-05T17:30:00");
    assert_eq!(days(6), "2025-02-08T17:30:00"); // the Saturday make-up day
    assert_eq!(days(7), "2025-02-10T17:30:00");
    assert!(c.is_working_time(at("2025-01-26T10:00:00")));
    assert!(!c.is_working_time(at("2025-01-25T10:00:00")));
    assert!(!c.is_working_time(at("2025-01-29T10:00:00")));
    assert!(!c.is_working_time(at("2025-01-27T12:30:00")));
    assert!(c.is_working_day("2025-02-08".parse().unwrap()));
    assert!(!c.is_working_day("2025-01-01".parse().unwrap()));
    assert_eq!(
        show(c.next_working_instant(at("2025-01-28T09:00:00"))),
        "2025-02-05T08:30:00"
    );
}

#[test]
fn national_day() {
    let c = cn2025();
    // 15 working days from Friday 26 Sep: 28, 29, 30 Sep; 9, 10, 11 (Sat) Oct; 13–17; 20–23.
    assert_eq!(
        show(c.add_working_days(at("2025-09-26T09:00:00"), 15)),
        "2025-10-23T17:30:00"
    );
    assert_eq!(
        show(c.add_working_days(at("2025-09-26T09:00:00"), 1)),
        "2025-09-28T17:30:00"
    );
    // 30 Sep 12:00 → 9 Oct 09:30: 3.5 h on 30 Sep and 1 h on 9 Oct.
    assert_eq!(
        c.working_seconds_between(at("2025-09-30T12:00:00"), at("2025-10-09T09:30:00")),
        4 * H + 1800
    );
    // Across the whole holiday and make-up day: 26 Sep 09:00 → 13 Oct 09:00.
    // 26 Sep: 6.5 h; 28, 29, 30 Sep, 9, 10, 11 Oct: 6 × 7 h; 13 Oct: 0.5 h.
    assert_eq!(
        c.working_seconds_between(at("2025-09-26T09:00:00"), at("2025-10-13T09:00:00")),
        49 * H
    );
    assert_eq!(
        show(c.add_working_seconds(at("2025-09-30T16:00:00"), 2 * H)),
        "2025-10-09T09:00:00"
    );
    // Whole year: 261 weekdays, 18 of them holidays, 5 make-up days: 248 working days of 7 h.
    assert_eq!(
        c.working_seconds_between(at("2025-01-01T00:00:00"), at("2026-01-01T00:00:00")),
        248 * 7 * H
    );
}

#[test]
fn civil_code_periods() {
    let c = cn2025();
    let d = |s: &str| -> Date { s.parse().unwrap() };
    // The first day is not counted.
    assert_eq!(c.period_end_date(d("2025-03-03"), 3), d("2025-03-06"));
    // A period ending on a holiday ends on the next working day.
    assert_eq!(c.period_end_date(d("2025-09-26"), 5), d("2025-10-09"));
    // A period ending on a Saturday make-up working day ends that day.
    assert_eq!(c.period_end_date(d("2025-10-04"), 7), d("2025-10-11"));
    // A period ending on an ordinary Sunday moves to Monday.
    assert_eq!(c.period_end_date(d("2025-03-02"), 7), d("2025-03-10"));
    // It ends at 24:00 of its last day.
    assert_eq!(
        show(c.period_deadline(at("2025-09-26T15:00:00"), 5)),
        "2025-10-10T00:00:00"
    );
}

#[test]
fn json_and_text_formats() {
    let c = cn2025();
    let text = c.to_json();
    assert!(text.starts_with(r#"{"format":"wangge.calendar","version":1,"utcOffset":"+08:00","week":{"monday":[["08:30","12:00"],["14:00","17:30"]]"#), "{text}");
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
            r#"{"format":"wangge.calendar","version":2,"week":{}}"#
        )),
        "calendar.unsupported_format"
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
        let r = c.add_working_seconds(t, n);
        prop_assert_eq!(c.working_seconds_between(t, r), n);
        if n > 0 {
            // Inside working time, or at the closing end of a span.
            prop_assert!(c.is_working_time(r) || c.is_working_time(r.plus_seconds(-1)));
            // And not later than needed: one second earlier is not enough.
            prop_assert!(c.working_seconds_between(t, r.plus_seconds(-1)) < n);
        }
    }

    #[test]
    fn elapsed_is_additive_and_bounded(c in arb_calendar(), a in arb_instant(), b in arb_instant(), x in arb_instant()) {
        let mut v = [a, b, x];
        v.sort();
        let [a, b, x] = v;
        prop_assert_eq!(c.working_seconds_between(a, b) + c.working_seconds_between(b, x), c.working_seconds_between(a, x));
        prop_assert!(c.working_seconds_between(a, x) <= x.seconds_since(a));
        prop_assert_eq!(c.working_seconds_between(x, a), 0);
    }

    #[test]
    fn adding_is_monotone(c in arb_calendar(), t in arb_instant(), dt in 0i64..86400, n in 0i64..50 * 3600, m in 0i64..3600) {
        prop_assert!(c.add_working_seconds(t, n) <= c.add_working_seconds(t, n + m));
        prop_assert!(c.add_working_seconds(t, n) <= c.add_working_seconds(t.plus_seconds(dt), n));
    }

    #[test]
    fn working_days_end_on_working_days(c in arb_calendar(), t in arb_instant(), n in 1u32..25) {
        let r = c.add_working_days(t, n);
        prop_assert!(c.is_working_time(r.plus_seconds(-1)));
        prop_assert!(r > t);
        prop_assert!(c.add_working_days(t, n + 1) > r);
    }

    #[test]
    fn json_round_trip(c in arb_calendar()) {
        prop_assert_eq!(Calendar::from_json(&c.to_json()).unwrap(), c);
    }
}
