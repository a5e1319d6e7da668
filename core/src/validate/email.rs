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
    let whole = scan(value);
    if whole.control {
        return Err(Rule::ControlCharacter);
    }
    if whole.chars > EMAIL_MAX_CHARS {
        return Err(Rule::TooLong {
            max: limit(EMAIL_MAX_CHARS),
        });
    }
    let (local, domain) = value.split_once('@').ok_or(Rule::InvalidEmail)?;
    if domain.contains('@') {
        return Err(Rule::InvalidEmail);
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
    if local_ok && domain_ok {
        Ok(())
    } else {
        Err(Rule::InvalidEmail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    extern crate std;
    use std::format;
    use std::string::String;

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
