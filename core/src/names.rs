//! Reading unit enums by name with one shared visitor.
//!
//! serde's derived `Deserialize` for an enum generates a field visitor, an enum visitor and
//! their instantiations for every deserializer, 2–8 KB of WebAssembly per enum; the library has
//! some thirty such enums. Here every unit enum is read the same way: the deserializer is asked
//! for a string and one non-generic visitor looks it up in the enum's table of names. The
//! names are the ones its derived `Serialize` writes (a test round-trips every variant), and
//! the error for an unknown name is serde's own "unknown variant" message.

use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// The names of an enum's values: `name(i)` is the `i`th, `None` past the end. Aliases (old
/// spellings still read) come after the canonical names, from index `canonical` on.
#[derive(Clone, Copy)]
pub(crate) struct Names {
    pub(crate) name: fn(usize) -> Option<&'static str>,
    pub(crate) canonical: usize,
}

struct NameVisitor(Names);

impl Names {
    fn find(self, text: &str) -> Option<usize> {
        (0..)
            .map_while(|i| (self.name)(i).map(|n| (i, n)))
            .find_map(|(i, n)| (n == text).then_some(i))
    }

    fn list(self) -> String {
        let mut out = String::new();
        for i in 0..self.canonical {
            if let Some(n) = (self.name)(i) {
                if !out.is_empty() {
                    out.push_str(", ");
                }
                out.push('`');
                out.push_str(n);
                out.push('`');
            }
        }
        out
    }
}

impl<'de> Visitor<'de> for NameVisitor {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "one of {}", self.0.list())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.0.find(v).ok_or_else(|| {
            E::custom(format_args!(
                "unknown variant `{v}`, expected one of {}",
                self.0.list()
            ))
        })
    }
}

/// The index of the name a deserializer holds, in `names`.
pub(crate) fn index<'de, D: Deserializer<'de>>(d: D, names: Names) -> Result<usize, D::Error> {
    d.deserialize_str(NameVisitor(names))
}

/// Implements `Deserialize` for a unit enum by name. Two forms:
///
/// - `deserialize_by_name!(Kind: ALL, as_str)` for an enum with `Kind::ALL` (every value)
///   and `Kind::as_str` (its serialized name);
/// - `deserialize_by_name!(Kind { A = "a", B = "b" })` listing the names.
///
/// Either takes `aliases { "old" => Kind::A }` at the end.
macro_rules! deserialize_by_name {
    ($ty:ident : $all:ident, $as_str:ident $(, aliases { $($alias:literal => $avalue:expr),* $(,)? })?) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                const ALIASES: &[(&str, $ty)] = &[$($(($alias, $avalue)),*)?];
                fn name(i: usize) -> Option<&'static str> {
                    match $ty::$all.get(i) {
                        Some(v) => Some(v.$as_str()),
                        None => ALIASES.get(i - $ty::$all.len()).map(|a| a.0),
                    }
                }
                let i = $crate::names::index(
                    d,
                    $crate::names::Names { name, canonical: $ty::$all.len() },
                )?;
                $ty::$all
                    .get(i)
                    .copied()
                    .or_else(|| ALIASES.get(i - $ty::$all.len()).map(|a| a.1))
                    .ok_or_else(|| <D::Error as serde::de::Error>::custom("name table out of step"))
            }
        }

        #[cfg(test)]
        impl $crate::names::NameTable for $ty {
            fn entries() -> Vec<($ty, &'static str, bool)> {
                let aliases: &[(&str, $ty)] = &[$($(($alias, $avalue)),*)?];
                $ty::$all
                    .iter()
                    .map(|v| (*v, v.$as_str(), true))
                    .chain(aliases.iter().map(|a| (a.1, a.0, false)))
                    .collect()
            }
        }
    };
    ($ty:ident { $($variant:ident = $name:literal),+ $(,)? } $(aliases { $($alias:literal => $avalue:expr),* $(,)? })?) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
                const VALUES: &[($ty, &str)] = &[$(($ty::$variant, $name)),+ $($(, ($avalue, $alias))*)?];
                const CANONICAL: usize = [$($name),+].len();
                fn name(i: usize) -> Option<&'static str> {
                    VALUES.get(i).map(|v| v.1)
                }
                let i = $crate::names::index(d, $crate::names::Names { name, canonical: CANONICAL })?;
                VALUES
                    .get(i)
                    .map(|v| v.0)
                    .ok_or_else(|| <D::Error as serde::de::Error>::custom("name table out of step"))
            }
        }

        #[cfg(test)]
        impl $crate::names::NameTable for $ty {
            fn entries() -> Vec<($ty, &'static str, bool)> {
                let canonical = [$($name),+].len();
                let values: &[($ty, &str)] = &[$(($ty::$variant, $name)),+ $($(, ($avalue, $alias))*)?];
                values.iter().enumerate().map(|(i, v)| (v.0, v.1, i < canonical)).collect()
            }
        }
    };
}

pub(crate) use deserialize_by_name;

/// Every (value, name, canonical?) of an enum read by name, for the test that its names are
/// the ones `Serialize` writes.
#[cfg(test)]
pub(crate) trait NameTable: Sized {
    fn entries() -> Vec<(Self, &'static str, bool)>;
}

#[cfg(test)]
mod tests {
    use super::NameTable;
    use serde::{de::DeserializeOwned, Serialize};
    use std::fmt::Debug;

    /// Every canonical name is what `Serialize` writes and reads back as its value; every
    /// alias reads as its value; anything else is refused with serde's message.
    fn agree<T: NameTable + Serialize + DeserializeOwned + PartialEq + Debug>() {
        let entries = T::entries();
        assert!(entries.iter().any(|e| e.2));
        for (value, name, canonical) in entries {
            if canonical {
                assert_eq!(
                    serde_json::to_value(&value).ok(),
                    Some(serde_json::json!(name))
                );
            }
            let back: T = serde_json::from_value(serde_json::json!(name))
                .unwrap_or_else(|e| unreachable!("{name}: {e}"));
            assert_eq!(back, value, "{name}");
        }
        let e = serde_json::from_str::<T>("\"no such name\"").err();
        let message = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.starts_with("unknown variant `no such name`, expected one of `"),
            "{message}"
        );
        assert!(serde_json::from_str::<T>("3").is_err());
    }

    #[test]
    fn every_enum_read_by_name_reads_what_it_writes() {
        use crate::calendar::DayKind;
        use crate::consultation::{
            Basis, Choice, Comparison, Denominator, ElectorateKind, ForumKind, NonVoterPolicy,
            Numerator,
        };
        use crate::hierarchy::{EdgeKind, NodeClass, NodeKind};
        use crate::metrics::Metric;
        use crate::ticket::authority::{Conflict, DispatchScope, ReturnAfterEscalation, Role};
        use crate::ticket::{
            ActionKind, Channel, DeadlineKind, Priority, RequestType, Satisfaction, TicketState,
            Trust,
        };
        agree::<NodeKind>();
        agree::<EdgeKind>();
        agree::<NodeClass>();
        agree::<TicketState>();
        agree::<ActionKind>();
        agree::<Channel>();
        agree::<Priority>();
        agree::<RequestType>();
        agree::<Satisfaction>();
        agree::<DeadlineKind>();
        agree::<Trust>();
        agree::<Role>();
        agree::<Conflict>();
        agree::<DispatchScope>();
        agree::<ReturnAfterEscalation>();
        agree::<Metric>();
        agree::<crate::escalation::RepeatScope>(); // also metrics::RepeatPlace
        agree::<ForumKind>();
        agree::<Numerator>();
        agree::<Denominator>();
        agree::<Comparison>();
        agree::<Basis>();
        agree::<NonVoterPolicy>();
        agree::<ElectorateKind>();
        agree::<DayKind>();
        agree::<Choice>();
        agree::<crate::time::Weekday>();
    }
}
