//! Checked calendar dates (`YYYY-MM-DD`) and timestamps (`YYYY-MM-DD HH:MM:SS`).

use core::fmt;

use super::capacity::{DATE_LEN, TIMESTAMP_LEN};

/// The text was not a real calendar date in exactly `YYYY-MM-DD` form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub struct DateError;

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a real calendar date in YYYY-MM-DD form")
    }
}

impl core::error::Error for DateError {}

/// The text was not a real date and time in exactly `YYYY-MM-DD HH:MM:SS` form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub struct TimestampError;

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a real date and time in YYYY-MM-DD HH:MM:SS form")
    }
}

impl core::error::Error for TimestampError {}

/// A checked calendar date (proleptic Gregorian, years 0001–9999).
///
/// The vendor's pattern `^[9999-99-99]$` is malformed; its intent,
/// `YYYY-MM-DD` with a real date, is what [`Date::parse`] checks.
///
/// ```
/// use minted_connect_core::model::Date;
/// let date = Date::parse("2000-02-29")?;
/// assert_eq!((date.year(), date.month(), date.day()), (2000, 2, 29));
/// assert_eq!(date.to_string(), "2000-02-29");
/// assert!(Date::parse("1900-02-29").is_err());
/// assert!(Date::parse("1970-1-31").is_err());
/// # Ok::<(), minted_connect_core::model::DateError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

const fn is_leap(year: u16) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

const fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Reads `N` ASCII digits as a number; `None` if any byte is not a digit.
fn digits<const N: usize>(bytes: &[u8]) -> Option<u16> {
    let chunk: &[u8; N] = bytes.try_into().ok()?;
    let mut value: u16 = 0;
    for &b in chunk {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u16::from(b - b'0'))?;
    }
    Some(value)
}

impl Date {
    /// A checked date: year 1–9999, month 1–12, day within the month.
    pub const fn new(year: u16, month: u8, day: u8) -> Result<Date, DateError> {
        if year == 0 || year > 9999 || day == 0 || day > days_in_month(year, month) {
            return Err(DateError);
        }
        Ok(Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits, `-` separators, no
    /// surrounding whitespace) and checks that the date exists.
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let bytes = text.as_bytes();
        if bytes.len() != DATE_LEN || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
            return Err(DateError);
        }
        let year = bytes.get(0..4).and_then(digits::<4>).ok_or(DateError)?;
        let month = bytes.get(5..7).and_then(digits::<2>).ok_or(DateError)?;
        let day = bytes.get(8..10).and_then(digits::<2>).ok_or(DateError)?;
        let month = u8::try_from(month).map_err(|_| DateError)?;
        let day = u8::try_from(day).map_err(|_| DateError)?;
        Date::new(year, month, day)
    }

    /// The year, 1–9999.
    pub const fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub const fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1–31.
    pub const fn day(self) -> u8 {
        self.day
    }

    /// The date as the 10 ASCII bytes `YYYY-MM-DD`.
    pub const fn to_ascii(self) -> [u8; DATE_LEN] {
        let y = self.year;
        let (m, d) = (self.month, self.day);
        [
            b'0' + (y / 1000 % 10) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
            b'-',
            b'0' + m / 10 % 10,
            b'0' + m % 10,
            b'-',
            b'0' + d / 10 % 10,
            b'0' + d % 10,
        ]
    }
}

impl core::str::FromStr for Date {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Date, DateError> {
        Date::parse(text)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let ascii = self.to_ascii();
        let text = core::str::from_utf8(&ascii).map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(text)
    }
}

/// A checked `YYYY-MM-DD HH:MM:SS` timestamp, kept as text (the server's
/// `created_at` / `updated_at`; no time zone is stated, so none is assumed).
///
/// ```
/// use minted_connect_core::model::Timestamp;
/// let at = Timestamp::parse("2023-03-05 04:51:18")?;
/// assert_eq!(at.as_str(), "2023-03-05 04:51:18");
/// assert_eq!(at.date().day(), 5);
/// assert!(Timestamp::parse("2023-03-05T04:51:18Z").is_err());
/// # Ok::<(), minted_connect_core::model::TimestampError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    text: [u8; TIMESTAMP_LEN],
    date: Date,
}

impl Timestamp {
    /// Parses exactly `YYYY-MM-DD HH:MM:SS` with a real date, hour 0–23,
    /// minute and second 0–59.
    pub fn parse(text: &str) -> Result<Timestamp, TimestampError> {
        let bytes: &[u8; TIMESTAMP_LEN] = text.as_bytes().try_into().map_err(|_| TimestampError)?;
        let (date_part, time_part) = text.split_at_checked(DATE_LEN).ok_or(TimestampError)?;
        let date = Date::parse(date_part).map_err(|_| TimestampError)?;
        let time = time_part.as_bytes();
        if time.first() != Some(&b' ') || time.get(3) != Some(&b':') || time.get(6) != Some(&b':') {
            return Err(TimestampError);
        }
        let hour = time.get(1..3).and_then(digits::<2>).ok_or(TimestampError)?;
        let minute = time.get(4..6).and_then(digits::<2>).ok_or(TimestampError)?;
        let second = time.get(7..9).and_then(digits::<2>).ok_or(TimestampError)?;
        if hour > 23 || minute > 59 || second > 59 {
            return Err(TimestampError);
        }
        Ok(Timestamp { text: *bytes, date })
    }

    /// The timestamp as `YYYY-MM-DD HH:MM:SS`.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.text).unwrap_or("")
    }

    /// The date part.
    pub const fn date(&self) -> Date {
        self.date
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Timestamp").field(&self.as_str()).finish()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_dates_only() {
        for ok in [
            "2000-02-29",
            "1970-01-31",
            "0001-01-01",
            "9999-12-31",
            "2024-02-29",
        ] {
            let date = Date::parse(ok).unwrap();
            assert_eq!(&date.to_ascii(), ok.as_bytes());
        }
        for bad in [
            "1900-02-29",
            "2023-02-30",
            "1970-1-31",
            "31-01-1970",
            "1970-01-32",
            "1970-13-01",
            "1970-00-10",
            "1970-01-00",
            "0000-01-01",
            " 1970-01-31",
            "1970-01-31 ",
            "1970/01/31",
            "197a-01-31",
            "1970-01-3١",
            "",
            "2023-04-31",
            "+970-01-31",
        ] {
            assert_eq!(Date::parse(bad), Err(DateError), "{bad}");
        }
    }

    #[test]
    fn timestamps() {
        assert!(Timestamp::parse("2023-03-05 04:51:18").is_ok());
        assert!(Timestamp::parse("2023-03-05 23:59:59").is_ok());
        for bad in [
            "2023-03-05 24:00:00",
            "2023-03-05 04:60:18",
            "2023-03-05 04:51:60",
            "2023-02-30 04:51:18",
            "2023-03-05T04:51:18",
            "2023-03-05 04:51",
            "2023-03-05 4:51:18 ",
            "2023-03-05 04:51:18.000000Z",
            "",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }
}
