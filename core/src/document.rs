//! Documents (文档): the versioned JSON contracts the library reads and writes, and the one
//! rule by which values given as JSON cross a boundary.
//!
//! Every versioned document (`{"format": "wangge.…", "version": 1, …}`) implements
//! [`Document`]: its format name and version, a reader that checks the format, the version and
//! every value (a document that reads is a valid one), and a writer whose output reads back to
//! an equal value. The bindings expose every document through this one trait, so a hierarchy,
//! a calendar or a rule is read and written the same way from Rust, Python and JavaScript.
//!
//! [`read_json`] is how any other value given as JSON (an action, a new ticket, an option
//! record) is read at a boundary: the same error text whether the caller gave JSON text or
//! an object that a binding wrote as JSON for it. A syntax error names its line and column
//! (they are the caller's); a value of the wrong shape does not (the position would be in text
//! the caller may never have seen).
//!
//! ```
//! use wangge::document::Document;
//! use wangge::hierarchy::{Hierarchy, NodeKind};
//!
//! let mut h = Hierarchy::new();
//! h.add("g1", NodeKind::Grid, "第一网格")?;
//! let text = Document::to_json(&h);
//! let back = <Hierarchy as Document>::from_json(&text)?;
//! assert_eq!(Document::to_json(&back), text);
//! assert_eq!(Hierarchy::FORMAT, "wangge.hierarchy");
//! # Ok::<(), wangge::Error>(())
//! ```

use serde::de::DeserializeOwned;

use crate::Error;

/// A versioned JSON document (`{"format": FORMAT, "version": VERSION, …}`).
///
/// Reading checks the format name and version (an unknown one is refused with the type's
/// own error, naming what was found) and every value; writing is deterministic, and what is
/// written reads back to an equal value.
pub trait Document: Sized {
    /// The `format` member, e.g. `"wangge.hierarchy"`.
    const FORMAT: &'static str;
    /// The `version` member this library reads and writes.
    const VERSION: u32;
    /// Reads the document from JSON text, with every check of the type's own reader.
    fn from_json(text: &str) -> Result<Self, Error>;
    /// Writes the document as compact JSON text.
    fn to_json(&self) -> String;
}

/// A value given as JSON text, read at a boundary (see the module docs): a syntax error keeps
/// its position, a value of the wrong shape is described without one, so that the message is
/// the same whichever way the value was given.
pub fn read_json<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    crate::strict_json::from_str(text).map_err(|e| Error::Malformed {
        message: message(&e),
    })
}

/// A value already parsed as JSON, read with the same messages as [`read_json`].
pub fn read_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, Error> {
    crate::strict_json::from_value(value).map_err(|e| Error::Malformed {
        message: message(&e),
    })
}

/// serde_json's message for an error: with its position for a syntax error or an early end,
/// without it for a value of the wrong shape.
pub fn message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if e.is_data() && e.line() != 0 {
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        if let Some(bare) = text.strip_suffix(&suffix) {
            return bare.to_owned();
        }
    }
    text
}

macro_rules! document {
    ($ty:ty, $format:expr, $version:expr) => {
        impl Document for $ty {
            const FORMAT: &'static str = $format;
            const VERSION: u32 = $version;
            fn from_json(text: &str) -> Result<Self, Error> {
                <$ty>::from_json(text).map_err(Error::from)
            }
            fn to_json(&self) -> String {
                <$ty>::to_json(self)
            }
        }
    };
}

document!(
    crate::hierarchy::Hierarchy,
    crate::hierarchy::FORMAT_NAME,
    crate::hierarchy::FORMAT_VERSION
);
document!(crate::calendar::Calendar, "wangge.calendar", 2);
document!(crate::sla::ServicePolicy, "wangge.service_policy", 1);
document!(crate::ticket::Taxonomy, "wangge.taxonomy", 1);
document!(
    crate::ticket::authority::Authority,
    crate::ticket::authority::FORMAT_NAME,
    crate::ticket::authority::FORMAT_VERSION
);
document!(
    crate::consultation::Rule,
    crate::consultation::RULE_FORMAT,
    1
);
document!(
    crate::consultation::OwnerRoll,
    crate::consultation::OWNER_ROLL_FORMAT,
    1
);
document!(
    crate::consultation::ResidentRoll,
    crate::consultation::RESIDENT_ROLL_FORMAT,
    1
);
document!(
    crate::metrics::MetricsPartial,
    crate::metrics::METRICS_PARTIAL_FORMAT,
    1
);
document!(
    crate::escalation::EscalationPolicy,
    "wangge.escalation_policy",
    1
);

impl Document for crate::consultation::ForumRecords {
    const FORMAT: &'static str = crate::consultation::FORUM_RECORDS_FORMAT;
    const VERSION: u32 = 1;
    fn from_json(text: &str) -> Result<Self, Error> {
        let document: crate::consultation::ForumRecordsDocument = read_json(text)?;
        Ok(Self::from_document(document)?)
    }
    fn to_json(&self) -> String {
        serde_json::to_string(&self.to_document()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Probe {
        n: u32,
    }

    #[test]
    fn a_wrong_shape_reads_the_same_from_text_and_from_a_value() {
        let from_text = read_json::<Probe>(r#"{"n": "x"}"#).unwrap_err().to_string();
        let from_value = read_value::<Probe>(serde_json::json!({"n": "x"}))
            .unwrap_err()
            .to_string();
        assert_eq!(from_text, from_value);
        assert!(!from_text.contains("line"), "{from_text}");
    }

    #[test]
    fn a_syntax_error_keeps_its_position() {
        let e = read_json::<Probe>("{\"n\": 1,\n oops}")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2 column"), "{e}");
    }

    fn round_trip<D: Document + std::fmt::Debug>(text: &str) {
        let d = D::from_json(text).unwrap_or_else(|e| panic!("{}: {e}", D::FORMAT));
        let written = d.to_json();
        let again = D::from_json(&written).unwrap_or_else(|e| panic!("{}: {e}", D::FORMAT));
        assert_eq!(again.to_json(), written, "{}", D::FORMAT);
        let value: serde_json::Value = serde_json::from_str(&written).unwrap_or_default();
        assert_eq!(value["format"], D::FORMAT);
        assert_eq!(value["version"], D::VERSION);
        // Another version is refused.
        let mut other = value.clone();
        other["version"] = serde_json::json!(D::VERSION + 1);
        assert!(D::from_json(&other.to_string()).is_err(), "{}", D::FORMAT);
    }

    #[test]
    fn every_document_names_its_format_reads_what_it_writes_and_refuses_another_version() {
        use crate::calendar::Calendar;
        use crate::consultation::{OwnerRoll, Rule};
        use crate::hierarchy::Hierarchy;
        use crate::sla::ServicePolicy;
        use crate::ticket::authority::Authority;
        use crate::ticket::Taxonomy;
        // A hierarchy needs version 2 for another coordinate system (or boundaries), and
        // writes version 1, readable by earlier releases, without them.
        round_trip::<Hierarchy>(
            &Hierarchy::with_coordinate_system(crate::geo::CoordSystem::Gcj02).to_json(),
        );
        let v1 = Hierarchy::new().to_json();
        assert!(v1.contains(r#""version":1"#), "{v1}");
        assert_eq!(Hierarchy::from_json(&v1).unwrap_or_default().to_json(), v1);
        round_trip::<Calendar>(&Calendar::standard().to_json());
        round_trip::<Calendar>(&Calendar::china().to_json());
        round_trip::<ServicePolicy>(&ServicePolicy::hotline_12345_guangdong().to_json());
        round_trip::<Taxonomy>(&Taxonomy::default().to_json());
        round_trip::<Authority>(&Authority::default().to_json());
        round_trip::<Rule>(&Rule::civil_code_278_ordinary().to_json());
        round_trip::<crate::escalation::EscalationPolicy>(
            &crate::escalation::EscalationPolicy::standard().to_json(),
        );
        round_trip::<crate::consultation::ForumRecords>(
            r#"{"format":"wangge.consultation.forum_records","version":1,"forums":[],"sessions":[]}"#,
        );
        round_trip::<crate::consultation::ResidentRoll>(
            r#"{"households":[{"id":"h1","representative":"li"}],"residents":[{"id":"li","household":"h1","birthDate":"1960-05-01"}]}"#,
        );
        round_trip::<OwnerRoll>(
            r#"{"format":"wangge.consultation.owner_roll","version":1,"owners":[{"id":"o1"}],"units":[{"id":"1-101","building":"b1","area":"90.5","owner":"o1"}]}"#,
        );
    }
}
