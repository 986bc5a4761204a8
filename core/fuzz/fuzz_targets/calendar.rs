//! Working calendars: `wangge.calendar` documents (`Calendar::from_json`) and holiday
//! schedules as text (`Calendar::with_exceptions_text`, applied to the standard calendar and
//! to `Calendar::china()`).
//!
//! A calendar that reads writes JSON that reads back to an equal calendar. Then, for a few
//! instants of 2024–2026 and amounts of working time, whenever a computation is answered
//! (rather than refused, e.g. beyond the years the calendar covers):
//! - `next_working_instant(t)` is at or after `t`, in working time, with no working time
//!   between `t` and it;
//! - `add_working_seconds(t, n)` is at or after `t` with exactly `n` working seconds between;
//! - `add_working_days(t, n)` ends on a working day after the day of `t`, at the end of its
//!   last span;
//! - `period_end_date(d, n)` is a working day at least `n` days after `d`, and
//!   `period_deadline` is the start of the next day.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wangge::calendar::Calendar;
use wangge::time::{Date, Timestamp};

fn instants() -> [Timestamp; 6] {
    let base = wangge_fuzz::base_time(); // Monday 2025-03-03 09:00 +08:00
    let day = 86_400;
    [
        base,
        base.plus_seconds(-9 * 3600),            // midnight, +08:00
        base.plus_seconds(3 * 3600 + 1800),      // 12:30, between spans
        base.plus_seconds(-34 * day + 5 * 3600), // 2025-01-28 14:00, Spring Festival
        base.plus_seconds(-62 * day + 14 * 3600 + 59), // 2024-12-31 23:00:59
        base.plus_seconds(300 * day + 8 * 3600), // 2025-12-28 17:00
    ]
}

fn check(cal: &Calendar) {
    let written = cal.to_json();
    let back = Calendar::from_json(&written)
        .unwrap_or_else(|e| panic!("a calendar's JSON does not read: {e}\n{written}"));
    assert_eq!(&back, cal, "JSON round trip\n{written}");
    assert_eq!(back.to_json(), written);
    let offset = cal.offset_seconds();
    for t in instants() {
        if let Ok(next) = cal.next_working_instant(t) {
            assert!(next >= t, "next working instant {next} before {t}");
            assert_eq!(
                cal.is_working_time(next),
                Ok(true),
                "next working instant {next} of {t}\n{written}"
            );
            assert_eq!(cal.working_seconds_between(t, next), Ok(0), "{t} → {next}");
        }
        for n in [0, 1, 59, 3600, 8 * 3600 + 1, 40 * 3600] {
            if let Ok(u) = cal.add_working_seconds(t, n) {
                assert!(u >= t, "{t} + {n}s = {u}");
                assert_eq!(
                    cal.working_seconds_between(t, u),
                    Ok(n),
                    "{t} + {n}s = {u}\n{written}"
                );
            }
        }
        for n in [1u32, 2, 5, 15] {
            let Ok(u) = cal.add_working_days(t, n) else {
                continue;
            };
            assert!(u > t, "{t} + {n} days = {u}");
            // The end of the last span may be 24:00, i.e. the next day's midnight.
            let (day, second) = u.local_day_and_second(offset);
            let (day, second) = if second == 0 {
                (day - 1, 86_400)
            } else {
                (day, second)
            };
            let date = Date::from_day_number(day);
            assert_eq!(
                cal.is_working_day(date),
                Ok(true),
                "{t} + {n} days = {u}: not a working day\n{written}"
            );
            let last = cal
                .spans_on(date)
                .ok()
                .and_then(|s| s.last().map(|s| i64::from(s.end_second())));
            assert_eq!(
                last,
                Some(second),
                "{t} + {n} days = {u}: not the end of the day's work\n{written}"
            );
            let (t_day, _) = t.local_day_and_second(offset);
            assert!(
                day > t_day,
                "{t} + {n} days = {u}: not after the day of {t}"
            );
        }
        let start = t.date_at(offset);
        for n in [0u32, 1, 3, 7, 30] {
            let Ok(end) = cal.period_end_date(start, n) else {
                continue;
            };
            assert_eq!(
                cal.is_working_day(end),
                Ok(true),
                "{start} + {n} days = {end}: not a working day\n{written}"
            );
            assert!(end.day_number() >= start.day_number() + i64::from(n));
            if let Ok(deadline) = cal.period_deadline(t, n) {
                assert_eq!(
                    deadline,
                    end.plus_days(1).start_at(offset),
                    "{t} + {n} days"
                );
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(text) = wangge_fuzz::text(data) else {
        return;
    };
    if let Ok(cal) = Calendar::from_json(text) {
        check(&cal);
    }
    if let Ok(cal) = Calendar::standard().with_exceptions_text(text) {
        check(&cal);
    }
    if let Ok(cal) = Calendar::china().with_exceptions_text(text) {
        check(&cal);
    }
});
