//! The birthdate rule.

use super::errors::Rule;
use super::text::scan;
use crate::model::Date;

/// birthdate: exactly `YYYY-MM-DD` and a real calendar date (the page's
/// pattern `^[9999-99-99]$` is malformed and is not applied literally).
///
/// ```
/// use minted_connect_core::validate::{parse_birthdate, Rule};
/// assert_eq!(parse_birthdate("2000-02-29").map(|d| d.day()), Ok(29));
/// assert_eq!(parse_birthdate("31-01-1970"), Err(Rule::InvalidDate));
/// ```
pub fn parse_birthdate(value: &str) -> Result<Date, Rule> {
    // A date that parses is ten digits and hyphens: no control character.
    Date::parse(value).map_err(|_| {
        if scan(value).control {
            Rule::ControlCharacter
        } else {
            Rule::InvalidDate
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn matches_the_checks_in_order(value in "[0-9\\-\u{0}\u{85}a]{8,11}") {
            let expected = if scan(&value).control {
                Err(Rule::ControlCharacter)
            } else {
                Date::parse(&value).map_err(|_| Rule::InvalidDate)
            };
            proptest::prop_assert_eq!(parse_birthdate(&value), expected);
        }
    }

    #[test]
    fn calendar_dates() {
        assert!(parse_birthdate("2000-02-29").is_ok());
        assert!(parse_birthdate("1970-01-31").is_ok());
        for bad in [
            "1900-02-29",
            "2023-02-30",
            "1970-1-31",
            "31-01-1970",
            "9999-99-99",
            "19700131",
        ] {
            assert_eq!(parse_birthdate(bad), Err(Rule::InvalidDate), "{bad}");
        }
        assert_eq!(
            parse_birthdate("1970-01-3\u{0}"),
            Err(Rule::ControlCharacter)
        );
    }
}
