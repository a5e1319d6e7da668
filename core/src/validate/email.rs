//! The e-mail rule: a dot-atom local part, an LDH domain, UTF-8 allowed.

use super::errors::Rule;
use super::text::{limit, scan};
use crate::model::{EMAIL_LABEL_MAX_CHARS, EMAIL_LOCAL_MAX_CHARS, EMAIL_MAX_CHARS};

/// Whether `c` may appear in a dot-atom between dots: RFC 5322 `atext`, or
/// any non-ASCII character that is not whitespace (RFC 6532 `UTF8-non-ascii`).
fn is_atext(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
    } else {
        !c.is_whitespace()
    }
}

/// Whether `c` may appear in a domain label: ASCII letters, digits and `-`,
/// or a non-ASCII letter or digit (an internationalized domain, RFC 6531).
fn is_label_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '-'
    } else {
        c.is_alphanumeric()
    }
}

/// email: exactly one `@`; the local part a dot-atom (no leading, trailing or
/// doubled dot, no spaces) of at most 64 code points; the domain labels
/// non-empty, at most 63 code points, letters/digits/hyphen, not starting or
/// ending with a hyphen; the whole address at most 254 code points.
///
/// ```
/// use minted_connect_core::validate::{check_email, Rule};
/// assert_eq!(check_email("mehmet@example.com"), Ok(()));
/// assert_eq!(check_email("çağrı@örnek.com.tr"), Ok(()));
/// assert_eq!(check_email("a..b@example.com"), Err(Rule::InvalidEmail));
/// ```
pub fn check_email(value: &str) -> Result<(), Rule> {
    // The usual case first: a valid ASCII address is made of `atext`, label
    // characters, dots and one `@`, so it has no control character and one
    // code point per byte.
    if ascii_email_ok(value.as_bytes()) {
        return if value.len() > EMAIL_MAX_CHARS {
            Err(Rule::TooLong {
                max: limit(EMAIL_MAX_CHARS),
            })
        } else {
            Ok(())
        };
    }
    let whole = scan(value);
    if whole.control {
        return Err(Rule::ControlCharacter);
    }
    if whole.chars > EMAIL_MAX_CHARS {
        return Err(Rule::TooLong {
            max: limit(EMAIL_MAX_CHARS),
        });
    }
    // An ASCII address (one code point per byte) was refused above.
    if whole.chars != value.len() && general_email_ok(value) {
        Ok(())
    } else {
        Err(Rule::InvalidEmail)
    }
}

/// RFC 5322 `atext` (ASCII): letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
const ATEXT: u8 = 1;
/// A domain label's ASCII characters: letters, digits and `-`.
const LABEL: u8 = 2;

/// The classes of every byte: [`ATEXT`], [`LABEL`], both or none (every
/// byte above 0x7F).
// Indexing in a constant is checked at compile time: it cannot panic at run
// time.
#[allow(clippy::indexing_slicing)]
const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte = 0usize;
    while byte < 128 {
        table[byte] = match byte as u8 {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => ATEXT | LABEL,
            b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'/' | b'=' | b'?' | b'^'
            | b'_' | b'`' | b'{' | b'|' | b'}' | b'~' => ATEXT,
            _ => 0,
        };
        byte += 1;
    }
    table
};

/// Whether `byte` is in `class`.
#[inline]
fn is(class: u8, byte: u8) -> bool {
    CLASSES.get(usize::from(byte)).copied().unwrap_or(0) & class != 0
}

/// The address rule in one pass over the bytes, for ASCII addresses: the
/// same answer as [`general_email_ok`] for any ASCII value (whose
/// code-point counts are byte counts), and `false` for any other (a byte
/// above 0x7F is in no class).
fn ascii_email_ok(bytes: &[u8]) -> bool {
    // The local part up to the first `@`, checked as it is found: a
    // dot-atom of 1–64 bytes, atoms of `atext` between single dots.
    // `after_dot`: a dot here would be leading or doubled.
    let mut after_dot = true;
    let mut at = None;
    for (index, &byte) in bytes.iter().enumerate() {
        if is(ATEXT, byte) {
            after_dot = false;
        } else if byte == b'.' && !after_dot {
            after_dot = true;
        } else if byte == b'@' {
            at = Some(index);
            break;
        } else {
            return false;
        }
    }
    let Some(at) = at else {
        return false;
    };
    (1..=EMAIL_LOCAL_MAX_CHARS).contains(&at)
        && !after_dot
        && ascii_domain_ok(bytes.get(at + 1..).unwrap_or_default())
}

/// Labels of 1–63 letters, digits and hyphens, not starting or ending with a
/// hyphen, between single dots (a second `@` is not a label character).
fn ascii_domain_ok(domain: &[u8]) -> bool {
    let mut label_len = 0usize;
    let mut previous = b'.';
    for &byte in domain {
        if byte == b'.' {
            if label_len == 0 || previous == b'-' {
                return false;
            }
            label_len = 0;
        } else if is(LABEL, byte) {
            if label_len == 0 && byte == b'-' {
                return false;
            }
            label_len += 1;
            if label_len > EMAIL_LABEL_MAX_CHARS {
                return false;
            }
        } else {
            return false;
        }
        previous = byte;
    }
    label_len != 0 && previous != b'-'
}

/// The address rule for any address (after the control and length checks),
/// by code points.
fn general_email_ok(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    if domain.contains('@') {
        return false;
    }
    let local_ok = !local.is_empty()
        && local.chars().count() <= EMAIL_LOCAL_MAX_CHARS
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(is_atext));
    let domain_ok = !domain.is_empty()
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.chars().count() <= EMAIL_LABEL_MAX_CHARS
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(is_label_char)
        });
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    extern crate std;
    use std::format;
    use std::string::String;

    /// The rule as it was written first: scan, then by code points.
    fn check_email_reference(value: &str) -> Result<(), Rule> {
        let whole = scan(value);
        if whole.control {
            return Err(Rule::ControlCharacter);
        }
        if whole.chars > EMAIL_MAX_CHARS {
            return Err(Rule::TooLong {
                max: limit(EMAIL_MAX_CHARS),
            });
        }
        if general_email_ok(value) {
            Ok(())
        } else {
            Err(Rule::InvalidEmail)
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_path_matches_the_general_rule(value in crate::validate::text::tricky_string(30)) {
            proptest::prop_assert_eq!(check_email(&value), check_email_reference(&value));
        }

        #[test]
        fn ascii_addresses_match_the_general_rule(
            value in "[a-c.@\\-+_~!]{0,12}(@[a-c0-9.\\-]{0,8})?",
        ) {
            proptest::prop_assert_eq!(check_email(&value), check_email_reference(&value));
        }
    }

    #[test]
    fn long_ascii_addresses_match_the_general_rule() {
        for value in [
            format!("{}@b.c", "a".repeat(64)),
            format!("{}@b.c", "a".repeat(65)),
            format!("a@{}.c", "b".repeat(63)),
            format!("a@{}.c", "b".repeat(64)),
            format!(
                "{}@{}.{}.{}.e",
                "a".repeat(64),
                "b".repeat(63),
                "c".repeat(63),
                "d".repeat(60)
            ),
            format!(
                "{}@{}.{}.{}.e",
                "a".repeat(64),
                "b".repeat(63),
                "c".repeat(63),
                "d".repeat(59)
            ),
            format!("{}.@{}", "a".repeat(64), "b".repeat(300)),
        ] {
            assert_eq!(
                check_email(&value),
                check_email_reference(&value),
                "{value}"
            );
        }
    }

    #[test]
    fn accepts() {
        for ok in [
            "mehmet@example.com",
            "a@b",
            "first.last+tag@sub.example.co.uk",
            "o'neil@example.com",
            "!#$%&'*+-/=?^_`{|}~@example.com",
            "çağrı@örnek.com.tr",
            "用户@例子.广告",
            "x@xn--bcher-kva.example",
            "a@1.2.3.4",
        ] {
            assert_eq!(check_email(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn refuses() {
        for bad in [
            "plain",
            "@example.com",
            "a@",
            "a@@b",
            "a@b@c",
            ".a@b.c",
            "a.@b.c",
            "a..b@c.d",
            "a b@c.d",
            "a@b..c",
            "a@.b",
            "a@b.",
            "a@-b.c",
            "a@b-.c",
            "a@b_c.d",
            "\"a\"@b.c",
            "a(b)@c.d",
            "a@b c.d",
            "a\u{a0}b@c.d",
            "a@b\u{2014}.c",
        ] {
            assert_eq!(check_email(bad), Err(Rule::InvalidEmail), "{bad}");
        }
        assert_eq!(check_email("a\tb@c.d"), Err(Rule::ControlCharacter));
    }

    #[test]
    fn lengths() {
        let local64: String = "a".repeat(64);
        assert_eq!(check_email(&format!("{local64}@b.c")), Ok(()));
        assert_eq!(
            check_email(&format!("{local64}a@b.c")),
            Err(Rule::InvalidEmail)
        );
        let label63: String = "é".repeat(63);
        assert_eq!(check_email(&format!("a@{label63}.c")), Ok(()));
        assert_eq!(
            check_email(&format!("a@{label63}é.c")),
            Err(Rule::InvalidEmail)
        );
        // 254 code points in all: 64 + 1 + 63 + 1 + 63 + 1 + 61.
        let domain = format!("{}.{}.{}", "b".repeat(63), "c".repeat(63), "d".repeat(61));
        let max = format!("{local64}@{domain}");
        assert_eq!(max.chars().count(), 254);
        assert_eq!(check_email(&max), Ok(()));
        assert_eq!(
            check_email(&format!("{max}e")),
            Err(Rule::TooLong { max: 254 })
        );
    }
}
