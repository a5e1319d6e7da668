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

/// Every byte's low seven bits.
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
/// Every byte's high bit.
const HIGHS: u64 = 0x8080_8080_8080_8080;
/// One in every byte.
const ONES: u64 = 0x0101_0101_0101_0101;

/// Whether all eight bytes of `word` are printable ASCII (0x20–0x7E): with
/// the high bit masked off, `m + 0x60` sets it exactly when `m >= 0x20`
/// and `m + 0x01` exactly when `m == 0x7F`, never carrying.
#[inline]
fn printable_word(word: u64) -> bool {
    let low = word & LOW7;
    let at_least_space = low.wrapping_add(ONES.wrapping_mul(0x60));
    let delete = low.wrapping_add(ONES);
    (word | delete | !at_least_space) & HIGHS == 0
}

/// The high bit of every byte of `word` that is zero (exact per byte: with
/// the high bit masked off, adding 0x7F never carries into the next byte).
#[inline]
fn zero_bytes(word: u64) -> u64 {
    !(((word & LOW7).wrapping_add(LOW7)) | word) & HIGHS
}

/// Counts code points and looks for control characters, eight bytes at a
/// time (SWAR, branch-free): a code point starts at every byte that is not
/// `10xxxxxx`; the controls are the ASCII bytes below 0x20 and 0x7F, and
/// U+0080–U+009F, encoded as `C2 80`–`C2 9F`. The tail is padded with
/// spaces, which are neither.
pub(crate) fn scan(value: &str) -> TextScan {
    let bytes = value.as_bytes();
    let (chunks, tail) = bytes.as_chunks::<8>();
    // The tail in the low bytes (first byte lowest), spaces above it: from
    // the last eight bytes when there are that many, else byte by byte.
    let spaces = ONES.wrapping_mul(u64::from(b' '));
    let padded = match (bytes.last_chunk::<8>(), tail.len()) {
        (_, 0) => spaces,
        (Some(last), len) => {
            let unused = 8 * (8 - len as u32);
            (u64::from_le_bytes(*last) >> unused) | (spaces << (64 - unused))
        }
        (None, _) => tail
            .iter()
            .rev()
            .fold(spaces, |word, &byte| (word << 8) | u64::from(byte)),
    };
    let mut continuation = 0usize;
    let mut control = 0u64;
    // The high bit of byte 0 set when the previous word ended with C2.
    let mut c2_carry = 0u64;
    for word in chunks
        .iter()
        .map(|chunk| u64::from_le_bytes(*chunk))
        .chain(core::iter::once(padded))
    {
        if printable_word(word) {
            // Eight code points, no control, and the last byte is not C2.
            c2_carry = 0;
            continue;
        }
        // 10xxxxxx: bit 7 set, bit 6 (moved up to bit 7 by the shift) clear;
        // summed across the bytes by a multiply (at most 8, no overflow).
        let cont = word & !(word << 1) & HIGHS;
        continuation += ((cont >> 7).wrapping_mul(ONES) >> 56) as usize;
        // ASCII (bit 7 clear) below 0x20 or equal to 0x7F.
        let low = word & LOW7;
        let at_least_space = low.wrapping_add(ONES.wrapping_mul(0x60));
        let delete = low.wrapping_add(ONES);
        control |= !word & (!at_least_space | delete) & HIGHS;
        // C2 followed by 100xxxxx (0x80–0x9F).
        let c2 = zero_bytes(word ^ ONES.wrapping_mul(0xC2));
        let c1_second = zero_bytes((word ^ HIGHS) & ONES.wrapping_mul(0xE0));
        control |= ((c2 << 8) | c2_carry) & c1_second;
        c2_carry = c2 >> 56;
    }
    TextScan {
        // At most one continuation byte per byte.
        chars: bytes.len().saturating_sub(continuation),
        control: control != 0,
    }
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
    value.map(trim).filter(|v| !v.is_empty())
}

/// [`str::trim`], without decoding anything when the value starts and ends
/// with a visible ASCII character (the usual case): such a value has no
/// surrounding whitespace.
#[inline]
pub(crate) fn trim(value: &str) -> &str {
    match value.as_bytes() {
        [first, .., last] if first.is_ascii_graphic() && last.is_ascii_graphic() => value,
        [only] if only.is_ascii_graphic() => value,
        _ => value.trim(),
    }
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
    // `M` and `F` hold no control character: look for one only on failure.
    Gender::from_code(value).ok_or_else(|| {
        if scan(value).control {
            Rule::ControlCharacter
        } else {
            Rule::InvalidGender
        }
    })
}

/// Characters that exercise every branch of the fast paths: ASCII letters,
/// digits, the e-mail and phone punctuation, whitespace, controls (C0, DEL,
/// C1), C2-led non-controls, wider UTF-8 and Unicode whitespace.
#[cfg(test)]
pub(crate) const TRICKY: &[char] = &[
    'a', 'Z', 'm', '0', '9', '.', '@', '-', '+', '_', '!', '#', '~', '\'', '"', '\\', '(', ')',
    ' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '\u{0}', '\u{1f}', '\u{7f}', '\u{80}', '\u{85}',
    '\u{9f}', '\u{a0}', '\u{a9}', '\u{bf}', 'ç', 'ğ', 'ü', 'Ā', '€', '\u{200d}', '\u{3000}', '用',
    '😀', '１',
];

/// Strings of [`TRICKY`] characters, and arbitrary ones.
#[cfg(test)]
pub(crate) fn tricky_string(
    max: usize,
) -> impl proptest::strategy::Strategy<Value = std::string::String> {
    use proptest::prelude::*;
    prop_oneof![
        proptest::collection::vec(proptest::sample::select(TRICKY), 0..max)
            .prop_map(|chars| chars.into_iter().collect()),
        any::<std::string::String>(),
    ]
}

#[cfg(test)]
extern crate std;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The byte-at-a-time scan the SWAR one replaced.
    fn scan_reference(value: &str) -> TextScan {
        let mut chars = 0usize;
        let mut control = false;
        let mut after_c2 = false;
        for &byte in value.as_bytes() {
            chars += usize::from(byte & 0xC0 != 0x80);
            control |= byte < 0x20 || byte == 0x7F || (after_c2 && (0x80..=0x9F).contains(&byte));
            after_c2 = byte == 0xC2;
        }
        TextScan { chars, control }
    }

    proptest! {
        #[test]
        fn scan_matches_the_byte_loop(value in tricky_string(40)) {
            let (fast, slow) = (scan(&value), scan_reference(&value));
            prop_assert_eq!((fast.chars, fast.control), (slow.chars, slow.control));
            prop_assert_eq!(fast.chars, value.chars().count());
            prop_assert_eq!(fast.control, value.chars().any(char::is_control));
        }

        #[test]
        fn trim_matches_str_trim(value in tricky_string(12)) {
            prop_assert_eq!(trim(&value), value.trim());
        }

        #[test]
        fn gender_matches_the_checks_in_order(value in tricky_string(3)) {
            let expected = if scan_reference(&value).control {
                Err(Rule::ControlCharacter)
            } else {
                Gender::from_code(&value).ok_or(Rule::InvalidGender)
            };
            prop_assert_eq!(parse_gender(&value), expected);
        }
    }

    #[test]
    fn scan_every_word_boundary() {
        // A C1 control split across eight-byte words, and at every offset.
        for pad in 0..17 {
            let mut s = std::string::String::new();
            for _ in 0..pad {
                s.push('a');
            }
            let mut with = s.clone();
            with.push('\u{85}');
            assert!(scan(&with).control, "{pad}");
            let mut without = s.clone();
            without.push('\u{a9}');
            assert!(!scan(&without).control, "{pad}");
            assert_eq!(scan(&without).chars, pad + 1);
        }
    }

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
