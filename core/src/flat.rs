//! Reading internally tagged enums (`{"type": "…", …fields}`) through a flat record.
//!
//! serde's derived reader for an internally tagged enum buffers the whole object into its
//! `Content` tree before it looks at the tag, and then reads every variant from that tree: a
//! second reader of every field type, some kilobytes of WebAssembly per enum. Instead, each
//! such enum is read once into a record of every field any of its variants has (each an
//! `Option`), and then checked here against the fields its tag requires and allows, named in
//! one table per enum. [`crate::ticket`]'s `Action` is read the same way (`action_de.rs`).

use serde::de;

/// The fields present, one bit each in the order of the enum's table of fields.
pub(crate) fn present(flags: &[bool]) -> u64 {
    flags
        .iter()
        .enumerate()
        .fold(0, |acc, (i, &on)| if on { acc | 1 << i } else { acc })
}

/// The bits of `names` in a table of fields (a name not in the table has none).
pub(crate) fn bits(fields: &[&str], names: &[&str]) -> u64 {
    fields
        .iter()
        .enumerate()
        .filter(|(_, f)| names.contains(f))
        .fold(0, |acc, (i, _)| acc | 1 << i)
}

/// Refuses a field the variant does not take and a field it requires that is absent, naming
/// the field, the variant (`kind`) and what is read (`what`, e.g. `trigger`).
pub(crate) fn check<E: de::Error>(
    fields: &[&str],
    present: u64,
    required: &[&str],
    optional: &[&str],
    kind: &str,
    what: &str,
) -> Result<(), E> {
    let (required, optional) = (bits(fields, required), bits(fields, optional));
    let name = |bits: u64| {
        fields
            .get(bits.trailing_zeros() as usize)
            .copied()
            .unwrap_or("?")
    };
    let foreign = present & !(required | optional);
    if foreign != 0 {
        return Err(E::custom(format_args!(
            "unknown field `{}` in a `{kind}` {what}",
            name(foreign)
        )));
    }
    let missing = required & !present;
    if missing != 0 {
        return Err(E::custom(format_args!(
            "missing field `{}` in a `{kind}` {what}",
            name(missing)
        )));
    }
    Ok(())
}

/// A field [`check`] found present: its value, or serde's "missing field" error (never
/// reached after a successful check; it spares a panic path).
pub(crate) fn need<T, E: de::Error>(value: Option<T>, field: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(field))
}
