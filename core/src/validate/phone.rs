//! The phone rule.

use super::errors::Rule;
use super::text::{limit, scan};
use crate::model::{PHONE_MAX_CHARS, PHONE_MAX_DIGITS, PHONE_MIN_DIGITS};

/// phone: an optional single leading `+`, then ASCII digits with optional
/// separators (space, hyphen, parentheses); 7–15 digits; at most 32
/// characters in all (ours, so that the field has a fixed size).
///
/// ```
/// use minted_connect_core::validate::{check_phone, Rule};
/// assert_eq!(check_phone("+90 532 280 80 35"), Ok(()));
/// assert_eq!(check_phone("(0532) 280-80-35"), Ok(()));
/// assert_eq!(check_phone("12345"), Err(Rule::InvalidPhone));
/// ```
pub fn check_phone(value: &str) -> Result<(), Rule> {
    // The usual case first: only digits and separators after the `+`, so
    // ASCII without controls, one code point per byte.
    let Some(digits) = count_digits(value) else {
        // Something else: the rules in their order (control, length, form).
        let whole = scan(value);
        return Err(if whole.control {
            Rule::ControlCharacter
        } else if whole.chars > PHONE_MAX_CHARS {
            Rule::TooLong {
                max: limit(PHONE_MAX_CHARS),
            }
        } else {
            Rule::InvalidPhone
        });
    };
    if value.len() > PHONE_MAX_CHARS {
        Err(Rule::TooLong {
            max: limit(PHONE_MAX_CHARS),
        })
    } else if (PHONE_MIN_DIGITS..=PHONE_MAX_DIGITS).contains(&digits) {
        Ok(())
    } else {
        Err(Rule::InvalidPhone)
    }
}

/// The digits of an optional `+` followed by digits and separators (space,
/// hyphen, parentheses); `None` if any other byte occurs.
fn count_digits(value: &str) -> Option<usize> {
    let rest = value.strip_prefix('+').unwrap_or(value);
    let mut digits = 0usize;
    for byte in rest.bytes() {
        match byte {
            // At most one per byte: cannot overflow.
            b'0'..=b'9' => digits += 1,
            b' ' | b'-' | b'(' | b')' => {}
            _ => return None,
        }
    }
    Some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule as it was written first: scan, then the bytes.
    fn check_phone_reference(value: &str) -> Result<(), Rule> {
        let whole = scan(value);
        if whole.control {
            return Err(Rule::ControlCharacter);
        }
        if whole.chars > PHONE_MAX_CHARS {
            return Err(Rule::TooLong {
                max: limit(PHONE_MAX_CHARS),
            });
        }
        let rest = value.strip_prefix('+').unwrap_or(value);
        let mut digits = 0usize;
        for byte in rest.bytes() {
            match byte {
                b'0'..=b'9' => digits += 1,
                b' ' | b'-' | b'(' | b')' => {}
                _ => return Err(Rule::InvalidPhone),
            }
        }
        if (PHONE_MIN_DIGITS..=PHONE_MAX_DIGITS).contains(&digits) {
            Ok(())
        } else {
            Err(Rule::InvalidPhone)
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_path_matches_the_rules_in_order(value in crate::validate::text::tricky_string(40)) {
            proptest::prop_assert_eq!(check_phone(&value), check_phone_reference(&value));
        }

        #[test]
        fn phone_shaped_values_match(value in "[+]?[0-9 ()\\-]{0,40}[a\t]?") {
            proptest::prop_assert_eq!(check_phone(&value), check_phone_reference(&value));
        }
    }

    #[test]
    fn digits_and_separators() {
        for ok in [
            "1234567",
            "+123456789012345",
            "+90 532 280 80 35",
            "0 (532) 280-80-35",
            "+(9)0-5-3-2-2-8-0-8-0-3-5",
            "+ 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 ",
        ] {
            assert_eq!(check_phone(ok), Ok(()), "{ok}");
        }
        for bad in [
            "123456",
            "+1234567890123456",
            "++1234567",
            "12+34567",
            "1234567x",
            "１２３４５６７",
            "+",
            "",
            "1234.567",
            "1234567/8",
        ] {
            assert_eq!(check_phone(bad), Err(Rule::InvalidPhone), "{bad}");
        }
        assert_eq!(check_phone("123\t4567"), Err(Rule::ControlCharacter));
        // 33 characters: too long even though the digits are fine.
        assert_eq!(
            check_phone("+1 2 3 4 5 6 7 8 9 0 1 2 3 4 5   "),
            Err(Rule::TooLong { max: 32 })
        );
    }
}
