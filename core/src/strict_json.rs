//! JSON reading in which a struct is an object, never an array.
//!
//! serde's derived readers accept a struct written as a JSON array of its fields in order
//! (`["T1", "livelihood", "g1"]` for a new ticket), a form no wangge document documents and
//! no caller means. Reading through [`from_str`] sends every struct to the object reader only:
//! an array where an object is expected is refused with the same "invalid type" error as any
//! other wrong type. It also keeps the array half of every derived reader out of the
//! WebAssembly module, which is why the module's readers all come here.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

/// Reads `T` from JSON text, structs as objects only (see the module docs).
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(MapOnly(&mut de))?;
    de.end()?;
    Ok(value)
}

/// Reads `T` from a parsed JSON value, structs as objects only.
pub(crate) fn from_value<T: DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, serde_json::Error> {
    T::deserialize(MapOnly(value))
}

/// Reads a string and hands it to `parse`, borrowed from the input when the deserializer can
/// lend it. serde's own `Cow<str>` reader always copies the text into a `String`: that was an
/// allocation for every id, actor and timestamp of every log line read. The errors are
/// serde's for a string (`invalid type: …, expected a string`) and `parse`'s own.
pub(crate) fn parse_str<'de, D, T, E>(
    deserializer: D,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    E: std::fmt::Display,
{
    struct Text<F>(F);
    impl<'de, F, T, E> Visitor<'de> for Text<F>
    where
        F: FnOnce(&str) -> Result<T, E>,
        E: std::fmt::Display,
    {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<X: de::Error>(self, v: &str) -> Result<T, X> {
            (self.0)(v).map_err(X::custom)
        }
        fn visit_bytes<X: de::Error>(self, v: &[u8]) -> Result<T, X> {
            match std::str::from_utf8(v) {
                Ok(s) => self.visit_str(s),
                Err(_) => Err(X::invalid_value(de::Unexpected::Bytes(v), &self)),
            }
        }
    }
    deserializer.deserialize_str(Text(parse))
}

/// A deserializer that reads structs as maps and passes itself down to every nested value.
struct MapOnly<D>(D);

/// A visitor whose nested deserializers are wrapped in [`MapOnly`].
struct Wrap<V>(V);

/// A seed whose deserializer is wrapped in [`MapOnly`].
struct Seed<S>(S);

/// Access to a map, a sequence or an enum whose values are read through [`MapOnly`].
struct Access<A>(A);

macro_rules! forward {
    ($($method:ident)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                self.0.$method(Wrap(visitor))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for MapOnly<D> {
    type Error = D::Error;

    forward! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_unit_struct(name, Wrap(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_newtype_struct(name, Wrap(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple(len, Wrap(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_map(Wrap(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, Wrap(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! visit {
    ($($method:ident: $ty:ty)*) => {
        $(
            fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
                self.0.$method(v)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        self.0.expecting(f)
    }

    visit! {
        visit_bool: bool visit_i8: i8 visit_i16: i16 visit_i32: i32 visit_i64: i64
        visit_i128: i128 visit_u8: u8 visit_u16: u16 visit_u32: u32 visit_u64: u64
        visit_u128: u128 visit_f32: f32 visit_f64: f64 visit_char: char
        visit_str: &str visit_borrowed_str: &'de str visit_string: String
        visit_bytes: &[u8] visit_borrowed_bytes: &'de [u8] visit_byte_buf: Vec<u8>
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(MapOnly(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(MapOnly(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(Access(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Access(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(Access(data))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(MapOnly(d))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Access<A> {
    type Error = A::Error;
    type Variant = Access<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Access<A::Variant>), A::Error> {
        self.0
            .variant_seed(Seed(seed))
            .map(|(value, variant)| (value, Access(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Access<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        // As a map: the variant's fields as an object, never as an array.
        self.0.newtype_variant_seed(StructVariant(visitor))
    }
}

/// The fields of a struct variant, read as a map.
struct StructVariant<V>(V);

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for StructVariant<V> {
    type Value = V::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        d.deserialize_map(Wrap(self.0))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Point {
        x: u32,
        y: Option<String>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Shape {
        Dot,
        Line(Vec<Point>),
        Box { corner: Point },
    }

    #[test]
    fn reads_what_serde_json_reads_from_objects() {
        let text = r#"[{"x": 1, "y": "a"}, {"x": 2, "y": null}]"#;
        let ours: Vec<Point> = super::from_str(text).unwrap_or_default();
        let theirs: Vec<Point> = serde_json::from_str(text).unwrap_or_default();
        assert_eq!(ours, theirs);
        assert_eq!(ours.len(), 2);
        for text in [
            r#""dot""#,
            r#"{"line": [{"x": 3}]}"#,
            r#"{"box": {"corner": {"x": 4}}}"#,
        ] {
            let ours: Shape = super::from_str(text).unwrap_or(Shape::Dot);
            let theirs: Shape = serde_json::from_str(text).unwrap_or(Shape::Dot);
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn refuses_a_struct_written_as_an_array_and_keeps_every_other_error() {
        assert!(serde_json::from_str::<Point>(r#"[1, "a"]"#).is_ok());
        let e = super::from_str::<Point>(r#"[1, "a"]"#)
            .map(|_| ())
            .unwrap_err();
        assert!(e.to_string().contains("invalid type: sequence"), "{e}");
        for bad in [
            r#"{"x": "1"}"#,
            r#"{"x": 1, "z": 2}"#,
            r#"{"y": "a"}"#,
            r#"{"x": 1} x"#,
        ] {
            let ours = super::from_str::<Point>(bad)
                .map(|_| ())
                .unwrap_err()
                .to_string();
            let theirs = serde_json::from_str::<Point>(bad)
                .map(|_| ())
                .unwrap_err()
                .to_string();
            assert_eq!(ours, theirs, "{bad}");
        }
        let e = super::from_str::<Shape>(r#"{"box": [{"x": 1}]}"#)
            .map(|_| ())
            .unwrap_err();
        assert!(e.to_string().contains("invalid type: sequence"), "{e}");
        let e = super::from_value::<Point>(serde_json::json!([1, "a"]))
            .map(|_| ())
            .unwrap_err();
        assert!(e.to_string().contains("invalid type: sequence"), "{e}");
        let ok: Point =
            super::from_value(serde_json::json!({"x": 1})).unwrap_or(Point { x: 0, y: None });
        assert_eq!(ok, Point { x: 1, y: None });
    }
}
