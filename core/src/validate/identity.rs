//! The identity_number rule and the TC Kimlik No checksum.

use super::errors::Rule;
use super::input::ValidationProfile;
use super::text::check_length;
use crate::model::IDENTITY_NUMBER_MAX_CHARS;

/// Whether `value` is a valid Turkish identity number (TC Kimlik No): 11
/// ASCII digits, the first not 0, the 10th equal to
/// `(7 × (d1+d3+d5+d7+d9) − (d2+d4+d6+d8)) mod 10`, the 11th equal to
/// `(d1+…+d10) mod 10`.
///
/// ```
/// use minted_connect_core::validate::is_valid_tc_kimlik;
/// assert!(is_valid_tc_kimlik("10000000146"));
/// assert!(!is_valid_tc_kimlik("12345677938")); // the vendor's example
/// ```
pub fn is_valid_tc_kimlik(value: &str) -> bool {
    let Ok(bytes) = <&[u8; 11]>::try_from(value.as_bytes()) else {
        return false;
    };
    if !bytes.iter().all(u8::is_ascii_digit) || bytes[0] == b'0' {
        return false;
    }
    let d = bytes.map(|b| i32::from(b - b'0'));
    let odd = d[0] + d[2] + d[4] + d[6] + d[8];
    let even = d[1] + d[3] + d[5] + d[7];
    let tenth = (odd * 7 - even).rem_euclid(10);
    let eleventh = (odd + even + d[9]).rem_euclid(10);
    tenth == d[9] && eleventh == d[10]
}

/// identity_number: at most 40 code points without control characters
/// (ours: the spec sets no limit); under
/// [`ValidationProfile::StrictTcKimlik`] also a valid TC Kimlik No.
pub fn check_identity_number(value: &str, profile: ValidationProfile) -> Result<(), Rule> {
    check_length(value, 1, IDENTITY_NUMBER_MAX_CHARS)?;
    match profile {
        ValidationProfile::StrictTcKimlik if !is_valid_tc_kimlik(value) => {
            Err(Rule::InvalidIdentityNumber)
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    extern crate std;

    #[test]
    fn tc_kimlik_checksum() {
        assert!(is_valid_tc_kimlik("10000000146"));
        assert!(!is_valid_tc_kimlik("10000000147"));
        assert!(!is_valid_tc_kimlik("10000000156"));
        assert!(!is_valid_tc_kimlik("00000000000"));
        assert!(!is_valid_tc_kimlik("1000000014"));
        assert!(!is_valid_tc_kimlik("100000001466"));
        assert!(!is_valid_tc_kimlik("1000000014a"));
        assert!(!is_valid_tc_kimlik("12345677938"));
    }

    #[test]
    fn profiles() {
        let lenient = ValidationProfile::Lenient;
        let strict = ValidationProfile::StrictTcKimlik;
        assert_eq!(check_identity_number("12345677938", lenient), Ok(()));
        assert_eq!(
            check_identity_number("12345677938", strict),
            Err(Rule::InvalidIdentityNumber)
        );
        assert_eq!(check_identity_number("10000000146", strict), Ok(()));
        assert_eq!(check_identity_number("X", lenient), Ok(()));
        assert_eq!(
            check_identity_number("A1\u{7}", lenient),
            Err(Rule::ControlCharacter)
        );
        let long = "😀".repeat(41);
        assert_eq!(check_identity_number(&long[4..], lenient), Ok(()));
        assert_eq!(
            check_identity_number(&long, lenient),
            Err(Rule::TooLong { max: 40 })
        );
    }
}
