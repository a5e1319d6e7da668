//! Trimming, code-point counting and the plain text rules (names, fullname,
//! gender).

use super::errors::{Field, FieldError, Rule};
use crate::model::{FULLNAME_MAX_CHARS, Gender, NAME_MAX_CHARS, NAME_MIN_CHARS};

/// The code-point count of a value and whether it holds a control character.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TextScan {
    /// Unicode code points.
    pub(crate) chars: usize,
    /// Whether a Unicode Cc character (U+0000–U+001F, U+007F–U+009F) occurs.
    pub(crate) control: bool,
}

/// Counts code points and looks for control characters in one pass over the
/// bytes: a code point starts at every byte that is not `10xxxxxx`;
/// U+0080–U+009F are encoded as `C2 80`–`C2 9F`.
pub(crate) fn scan(value: &str) -> TextScan {
    let mut chars = 0usize;
    let mut control = false;
    let mut after_c2 = false;
    for &byte in value.as_bytes() {
        chars = chars.saturating_add(usize::from(byte & 0xC0 != 0x80));
        control |= byte < 0x20 || byte == 0x7F || (after_c2 && (0x80..=0x9F).contains(&byte));
        after_c2 = byte == 0xC2;
    }
    TextScan { chars, control }
}

/// Turns a `usize` limit into the `u16` of a [`Rule`].
pub(crate) fn limit(value: usize) -> u16 {
    u16::try_from(value).unwrap_or(u16::MAX)
}

/// Checks the control-character rule and the `min..=max` code-point range.
pub(crate) fn check_length(value: &str, min: usize, max: usize) -> Result<TextScan, Rule> {
    let scan = scan(value);
    if scan.control {
        Err(Rule::ControlCharacter)
    } else if scan.chars < min {
        Err(Rule::TooShort { min: limit(min) })
    } else if scan.chars > max {
        Err(Rule::TooLong { max: limit(max) })
    } else {
        Ok(scan)
    }
}

/// Trims a required value: absent, `""` or whitespace-only is
/// [`Rule::Required`] for `field`.
///
/// ```
/// use minted_connect_core::validate::{trim_required, Field, Rule};
/// assert_eq!(trim_required(Field::Firstname, Some("  Ada ")), Ok("Ada"));
/// assert_eq!(trim_required(Field::Firstname, Some(" \t")).unwrap_err().rule, Rule::Required);
/// ```
pub fn trim_required(field: Field, value: Option<&str>) -> Result<&str, FieldError> {
    trim_optional(value).ok_or(FieldError::new(field, Rule::Required))
}

/// Trims an optional value: absent, `""` or whitespace-only is `None`.
pub fn trim_optional(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// firstname, middlename, lastname: 3–40 code points, no control characters.
pub fn check_name(value: &str) -> Result<(), Rule> {
    check_length(value, NAME_MIN_CHARS, NAME_MAX_CHARS).map(|_| ())
}

/// fullname: at most 255 code points, no control characters.
pub fn check_fullname(value: &str) -> Result<(), Rule> {
    check_length(value, 0, FULLNAME_MAX_CHARS).map(|_| ())
}

/// gender: exactly `M` or `F`.
pub fn parse_gender(value: &str) -> Result<Gender, Rule> {
    if scan(value).control {
        return Err(Rule::ControlCharacter);
    }
    Gender::from_code(value).ok_or(Rule::InvalidGender)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_counts_code_points_and_controls() {
        let s = scan("aé€😀");
        assert_eq!((s.chars, s.control), (4, false));
        assert!(scan("a\u{0}").control);
        assert!(scan("a\u{7f}").control);
        assert!(scan("a\u{80}").control);
        assert!(scan("a\u{9f}b").control);
        assert!(!scan("a\u{a0}b").control);
        assert!(!scan("\u{200d}\u{c2}\u{c3}").control);
        assert!(!scan("Ā").control); // C4 80: a continuation 0x80 not after C2
        for c in (0u32..0x110000).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let s = c.encode_utf8(&mut buf);
            assert_eq!(scan(s).control, c.is_control(), "{c:?}");
            assert_eq!(scan(s).chars, 1);
        }
    }

    fn repeat(c: char, n: usize) -> heapless::String<400> {
        let mut s = heapless::String::new();
        for _ in 0..n {
            s.push(c).unwrap();
        }
        s
    }

    #[test]
    fn name_edges_with_wide_characters() {
        for c in ['a', 'ü', '€', '😀'] {
            assert_eq!(
                check_name(&repeat(c, 2)),
                Err(Rule::TooShort { min: 3 }),
                "{c}"
            );
            assert_eq!(check_name(&repeat(c, 3)), Ok(()), "{c}");
            assert_eq!(check_name(&repeat(c, 40)), Ok(()), "{c}");
            assert_eq!(
                check_name(&repeat(c, 41)),
                Err(Rule::TooLong { max: 40 }),
                "{c}"
            );
        }
        assert_eq!(check_name("O'Neil \"Q\" <&> \\"), Ok(()));
        assert_eq!(check_name("Ali\u{200d}ye"), Ok(()));
        assert_eq!(check_name("Ali\u{85}ye"), Err(Rule::ControlCharacter));
        assert_eq!(check_name("Ali\nye"), Err(Rule::ControlCharacter));
    }

    #[test]
    fn fullname_edges() {
        let mut s: heapless::String<1100> = heapless::String::new();
        for _ in 0..255 {
            s.push('😀').unwrap();
        }
        assert_eq!(check_fullname(&s), Ok(()));
        s.push('a').unwrap();
        assert_eq!(check_fullname(&s), Err(Rule::TooLong { max: 255 }));
    }

    #[test]
    fn gender_codes() {
        assert_eq!(parse_gender("M"), Ok(Gender::M));
        assert_eq!(parse_gender("F"), Ok(Gender::F));
        for bad in ["m", "f", "MF", "X", "Male", "M\u{0}"] {
            assert!(parse_gender(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn trimming() {
        assert_eq!(trim_optional(Some("  ")), None);
        assert_eq!(trim_optional(Some("")), None);
        assert_eq!(trim_optional(None), None);
        assert_eq!(trim_optional(Some("\u{3000}x\n")), Some("x"));
    }
}
