//! The external customer id (path) and the create body's `external_id`.

use super::errors::{Field, FieldError, Rule};
use super::text::{limit, scan};
use crate::model::{EXTERNAL_CUSTOMER_ID_MAX_CHARS, EXTERNAL_ID_MAX_CHARS, EXTERNAL_ID_MIN_CHARS};

/// The `{external_customer_id}` path parameter: non-empty (and not only
/// whitespace), at most 110 code points, no control characters, not `.` or
/// `..`. It is not
/// trimmed: the id is used exactly as given, percent-encoded by
/// [`customer_path`](crate::request::customer_path).
///
/// ```
/// use minted_connect_core::validate::{validate_external_customer_id, Field, Rule};
/// assert!(validate_external_customer_id("MTD0018232").is_ok());
/// let error = validate_external_customer_id("").unwrap_err();
/// assert_eq!((error.field, error.rule), (Field::ExternalCustomerId, Rule::Required));
/// ```
pub fn validate_external_customer_id(id: &str) -> Result<(), FieldError> {
    let fail = |rule| Err(FieldError::new(Field::ExternalCustomerId, rule));
    let whole = scan(id);
    if id.trim().is_empty() {
        fail(Rule::Required)
    } else if whole.control {
        fail(Rule::ControlCharacter)
    } else if whole.chars > EXTERNAL_CUSTOMER_ID_MAX_CHARS {
        fail(Rule::TooLong {
            max: limit(EXTERNAL_CUSTOMER_ID_MAX_CHARS),
        })
    } else if id == "." || id == ".." {
        // A dot segment: URL normalisation (in proxies and routers, and of
        // `%2E` alike) would turn it into another resource's path.
        fail(Rule::InvalidCharacter)
    } else {
        Ok(())
    }
}

/// `external_id` of a create body (already trimmed): 3–40 characters of
/// `[A-Za-z0-9_-]` (the page's `^[A-Za-z0-9-_]$` is malformed; this is its
/// intent).
///
/// ```
/// use minted_connect_core::validate::{check_external_id, Rule};
/// assert_eq!(check_external_id("MTD-0018_232"), Ok(()));
/// assert_eq!(check_external_id("MTD 1"), Err(Rule::InvalidCharacter));
/// ```
pub fn check_external_id(value: &str) -> Result<(), Rule> {
    let whole = scan(value);
    if whole.control {
        return Err(Rule::ControlCharacter);
    }
    if !value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(Rule::InvalidCharacter);
    }
    if whole.chars < EXTERNAL_ID_MIN_CHARS {
        Err(Rule::TooShort {
            min: limit(EXTERNAL_ID_MIN_CHARS),
        })
    } else if whole.chars > EXTERNAL_ID_MAX_CHARS {
        Err(Rule::TooLong {
            max: limit(EXTERNAL_ID_MAX_CHARS),
        })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    extern crate std;

    #[test]
    fn path_id() {
        let rule = |id: &str| validate_external_customer_id(id).err().map(|e| e.rule);
        assert_eq!(rule("a"), None);
        assert_eq!(rule("MTD 18/2ş"), None);
        assert_eq!(rule(""), Some(Rule::Required));
        assert_eq!(rule("  "), Some(Rule::Required));
        assert_eq!(rule("a\rb"), Some(Rule::ControlCharacter));
        assert_eq!(rule("a\u{9f}"), Some(Rule::ControlCharacter));
        assert_eq!(rule(&"😀".repeat(110)), None);
        assert_eq!(rule(&"😀".repeat(111)), Some(Rule::TooLong { max: 110 }));
        assert_eq!(rule("."), Some(Rule::InvalidCharacter));
        assert_eq!(rule(".."), Some(Rule::InvalidCharacter));
        assert_eq!(rule("..."), None);
        assert_eq!(rule(".a"), None);
    }

    #[test]
    fn create_external_id() {
        assert_eq!(check_external_id("abc"), Ok(()));
        assert_eq!(check_external_id("ab"), Err(Rule::TooShort { min: 3 }));
        assert_eq!(check_external_id(&"a".repeat(40)), Ok(()));
        assert_eq!(
            check_external_id(&"a".repeat(41)),
            Err(Rule::TooLong { max: 40 })
        );
        assert_eq!(check_external_id("abç"), Err(Rule::InvalidCharacter));
        assert_eq!(check_external_id("a.b"), Err(Rule::InvalidCharacter));
        assert_eq!(check_external_id("ab\u{0}"), Err(Rule::ControlCharacter));
    }
}
