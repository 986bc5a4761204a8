//! RFC 3339 instants and civil dates (`wangge::time`).
//!
//! - An instant that parses writes (`to_string`, at +08:00) text that parses back to the same
//!   instant, and so does its text at every civil offset whose local date is in range.
//! - A date that parses writes text that parses back to the same date; its day number maps
//!   back to it; the JSON readers agree with `FromStr`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wangge::time::{Date, Timestamp};

fn instant(s: &str) {
    let Ok(t) = s.parse::<Timestamp>() else {
        // The JSON reader refuses it too.
        let json = serde_json::to_string(s).expect("a string serializes");
        assert!(serde_json::from_str::<Timestamp>(&json).is_err(), "{s:?}");
        return;
    };
    let written = t.to_string();
    let back: Timestamp = written
        .parse()
        .unwrap_or_else(|e| panic!("{s:?} -> {written:?} does not parse: {e}"));
    assert_eq!(back, t, "{s:?} -> {written:?}");
    let json = serde_json::to_string(&t).expect("an instant serializes");
    assert_eq!(
        serde_json::from_str::<Timestamp>(&json).ok(),
        Some(t),
        "{json}"
    );
    // Every civil offset, in quarter hours, from -12:00 to +14:00.
    for quarter in -48..=56 {
        let offset = quarter * 900;
        let local = t.to_rfc3339_at(offset);
        let (day, _) = t.local_day_and_second(offset);
        // The local date must be a date the library supports (years -9999..=9999).
        if !(-4_371_587..=2_932_896).contains(&day) {
            continue;
        }
        let back: Timestamp = local
            .parse()
            .unwrap_or_else(|e| panic!("{s:?} at {offset}s -> {local:?} does not parse: {e}"));
        assert_eq!(back, t, "{s:?} at {offset}s -> {local:?}");
        assert_eq!(t.date_at(offset).day_number(), day, "{s:?} at {offset}");
    }
    // Epoch seconds and milliseconds round-trip.
    let secs = t.unix_seconds();
    assert_eq!(Timestamp::from_unix_seconds(secs).ok(), Some(t));
    assert_eq!(
        Timestamp::from_epoch_millis(secs as f64 * 1000.0).ok(),
        Some(t)
    );
}

fn date(s: &str) {
    let Ok(d) = s.parse::<Date>() else {
        let json = serde_json::to_string(s).expect("a string serializes");
        assert!(serde_json::from_str::<Date>(&json).is_err(), "{s:?}");
        return;
    };
    let written = d.to_string();
    let back: Date = written
        .parse()
        .unwrap_or_else(|e| panic!("{s:?} -> {written:?} does not parse: {e}"));
    assert_eq!(back, d, "{s:?} -> {written:?}");
    assert_eq!(Date::from_day_number(d.day_number()), d, "{s:?}");
    assert_eq!(
        Date::new(d.year(), d.month(), d.day()).ok(),
        Some(d),
        "{s:?}"
    );
    let json = serde_json::to_string(&d).expect("a date serializes");
    assert_eq!(serde_json::from_str::<Date>(&json).ok(), Some(d), "{json}");
    // A day later and back (the last supported day saturates).
    if d.day_number() < 2_932_896 {
        assert_eq!(d.plus_days(1).plus_days(-1), d, "{s:?}");
    }
    // The start of the day at +08:00 is on that day (when it is in range).
    let start = d.start_at(8 * 3600);
    if (-4_371_586..=2_932_895).contains(&d.day_number()) {
        assert_eq!(start.date_at(8 * 3600), d, "{s:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some(s) = wangge_fuzz::text(data) else {
        return;
    };
    instant(s);
    date(s);
    // A date followed by a time: the date part alone is read as a date.
    if let Some((d, _)) = s.split_once('T') {
        date(d);
    }
});
