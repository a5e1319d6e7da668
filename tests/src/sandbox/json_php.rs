//! A JSON value and an encoder that writes it the way PHP's `json_encode`
//! does with its default flags, which is what a Laravel backend sends.
//!
//! Guarantees of [`encode`]:
//! - every non-ASCII character is written as `\uXXXX` (lowercase hex), and a
//!   character outside the Basic Multilingual Plane (an emoji) as a UTF-16
//!   surrogate pair `\ud83d\ude80`;
//! - `/` is written as `\/`;
//! - `"` and `\` are escaped, `\b \f \n \r \t` use their short forms and every
//!   other control character is written as `\u00XX`;
//! - objects keep the member order they were built with (PHP arrays are
//!   ordered), and an empty PHP array is written as `[]`, as PHP does for
//!   `[]` whether it was meant as a list or a map.
//!
//! The output is pure ASCII and has no insignificant whitespace.

use std::fmt::Write as _;

/// A JSON value with ordered object members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string (escaped on output).
    Str(String),
    /// A list; an empty one is also how PHP writes an empty map.
    Array(Vec<Json>),
    /// An object whose members keep their insertion order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// A string value.
    pub fn str(value: impl Into<String>) -> Self {
        Json::Str(value.into())
    }

    /// A string, or `null` for `None`.
    pub fn opt_str(value: Option<&str>) -> Self {
        value.map_or(Json::Null, Json::str)
    }

    /// An object from `(key, value)` pairs, in order.
    pub fn object<K: Into<String>>(members: impl IntoIterator<Item = (K, Json)>) -> Self {
        Json::Object(members.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The empty PHP array, written `[]`.
    pub fn empty_array() -> Self {
        Json::Array(Vec::new())
    }

    /// Appends a member if this is an object; does nothing otherwise.
    pub fn push_member(&mut self, key: impl Into<String>, value: Json) {
        if let Json::Object(members) = self {
            members.push((key.into(), value));
        }
    }
}

/// Encodes `value` as PHP's `json_encode($value)` would.
pub fn encode(value: &Json) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Json, out: &mut String) {
    match value {
        Json::Null => out.push_str("null"),
        Json::Bool(true) => out.push_str("true"),
        Json::Bool(false) => out.push_str("false"),
        Json::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Json::Str(s) => escape_str(s, out),
        Json::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        Json::Object(members) if members.is_empty() => out.push_str("[]"),
        Json::Object(members) => {
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                escape_str(key, out);
                out.push(':');
                write_value(item, out);
            }
            out.push('}');
        }
    }
}

/// Writes `s` as a quoted JSON string with PHP's default escaping.
pub fn escape_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_php() {
        let v = Json::object([
            ("name", Json::str("Gülbilge / İşık 🚀")),
            ("ctl", Json::str("a\u{1}\n\"\\")),
            ("n", Json::Int(-7)),
            ("e", Json::empty_array()),
            ("o", Json::Object(Vec::new())),
            ("z", Json::Null),
        ]);
        assert_eq!(
            encode(&v),
            r#"{"name":"G\u00fclbilge \/ \u0130\u015f\u0131k \ud83d\ude80","ctl":"a\u0001\n\"\\","n":-7,"e":[],"o":[],"z":null}"#
        );
    }

    #[test]
    fn output_round_trips_through_serde_json() {
        let s = "Ayşe ğ ı İ 🌸 </script>";
        let encoded = encode(&Json::str(s));
        assert!(encoded.is_ascii());
        let back: String = serde_json::from_str(&encoded).unwrap();
        assert_eq!(back, s);
    }
}
