//! A string or an array of strings, as JSON and JavaScript write it: the
//! `aud` claim (RFC 7519 §4.1.3) and the `resource` option (RFC 8707).

use serde::de::{Deserialize, Deserializer, SeqAccess, Visitor};
use std::fmt;

/// Most strings read from one array: an audience list or a resource list
/// has a handful.
pub const MAX_ITEMS: usize = 64;

/// One string, or several.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct OneOrMany(pub Vec<String>);

impl OneOrMany {
    /// The strings, one or many.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StringOrSeq;

        impl<'de> Visitor<'de> for StringOrSeq {
            type Value = OneOrMany;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    if items.len() == MAX_ITEMS {
                        return Err(serde::de::Error::invalid_length(
                            MAX_ITEMS + 1,
                            &"at most 64 strings",
                        ));
                    }
                    items.push(item);
                }
                Ok(OneOrMany(items))
            }
        }

        deserializer.deserialize_any(StringOrSeq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_string_or_an_array_of_strings() {
        let one: OneOrMany = serde_json::from_str(r#""a""#).unwrap();
        assert_eq!(one.as_slice(), ["a"]);
        let many: OneOrMany = serde_json::from_str(r#"["a","b"]"#).unwrap();
        assert_eq!(many.as_slice(), ["a", "b"]);
        for bad in ["5", r#"["a",5]"#, "{}", "null"] {
            assert!(serde_json::from_str::<OneOrMany>(bad).is_err(), "{bad}");
        }
        let long = format!("[{}]", vec![r#""x""#; MAX_ITEMS + 1].join(","));
        assert!(serde_json::from_str::<OneOrMany>(&long).is_err());
    }
}
