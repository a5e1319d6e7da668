//! The `data` object of a customer response → [`Customer`].

use heapless::String;
use heapless::string::StringView;

use super::errors::{DecodeError, ResponseField};
use super::parser::{Escapes, JsonStr, Parser};
use super::word_error::WordError;
use crate::model::{Customer, Date, Timestamp};

/// The keys of the record, matched decoded.
const KEYS: [(&str, ResponseField); 15] = [
    ("id", ResponseField::Id),
    ("external_id", ResponseField::ExternalId),
    ("company_id", ResponseField::CompanyId),
    ("user_id", ResponseField::UserId),
    ("firstname", ResponseField::Firstname),
    ("middlename", ResponseField::Middlename),
    ("lastname", ResponseField::Lastname),
    ("fullname", ResponseField::Fullname),
    ("email", ResponseField::Email),
    ("phone", ResponseField::Phone),
    ("gender", ResponseField::Gender),
    ("identity_number", ResponseField::IdentityNumber),
    ("birthdate", ResponseField::Birthdate),
    ("created_at", ResponseField::CreatedAt),
    ("updated_at", ResponseField::UpdatedAt),
];

/// The field a key names, with its bit for duplicate detection. Plain keys
/// (the common case) are matched without decoding.
fn lookup(key: &JsonStr<'_>) -> Option<(ResponseField, u32)> {
    let index = if key.escapes == Escapes::Present {
        KEYS.iter().position(|(name, _)| key.matches(name))?
    } else {
        match key.raw {
            "id" => 0,
            "external_id" => 1,
            "company_id" => 2,
            "user_id" => 3,
            "firstname" => 4,
            "middlename" => 5,
            "lastname" => 6,
            "fullname" => 7,
            "email" => 8,
            "phone" => 9,
            "gender" => 10,
            "identity_number" => 11,
            "birthdate" => 12,
            "created_at" => 13,
            "updated_at" => 14,
            _ => return None,
        }
    };
    let (_, field) = KEYS.get(index)?;
    Some((*field, u32::try_from(index).ok()?))
}

/// What [`text_into`] found.
enum Text {
    /// A string or number, stored.
    Stored,
    /// `null`.
    Null,
    /// A string or number longer than the field's capacity.
    TooLong,
    /// Any other value (skipped).
    WrongType,
}

/// A text field, decoded straight into `dest` (no intermediate copy of the
/// fixed-capacity buffer): a string (unescaped) or a number (kept as its
/// literal text, for a PHP backend that sends numeric columns as numbers);
/// `null` → `None`. `dest` is `None` on entry (the record was cleared and
/// each key is read once) and stays `None` unless a value was stored.
// Generic only in the capacity; the work is in `text_into`, once. Out of
// line: one small copy per capacity rather than one per field.
#[inline(never)]
fn text<const N: usize>(
    p: &mut Parser<'_>,
    field: ResponseField,
    dest: &mut Option<String<N>>,
) -> Result<Result<(), WordError>, WordError> {
    let error = match text_into(p, dest.get_or_insert_with(String::new).as_mut_view())? {
        Text::Stored => return Ok(Ok(())),
        Text::Null => None,
        Text::TooLong => Some(DecodeError::TooLong { field, capacity: N }),
        Text::WrongType => Some(DecodeError::WrongType { field }),
    };
    *dest = None;
    Ok(error.map_or(Ok(()), |error| Err(error.into())))
}

/// Reads a text value into `out` (cleared first when a string or number).
fn text_into(p: &mut Parser<'_>, out: &mut StringView) -> Result<Text, WordError> {
    let fits = match p.peek()? {
        b'n' => {
            p.literal(b"null")?;
            return Ok(Text::Null);
        }
        b'"' => p.string()?.decode_into(out)?,
        b'-' | b'0'..=b'9' => {
            let number = p.number()?;
            out.clear();
            out.push_str(number).is_ok()
        }
        _ => {
            p.skip_value()?;
            return Ok(Text::WrongType);
        }
    };
    Ok(if fits { Text::Stored } else { Text::TooLong })
}

/// A short text value (dates, timestamps) into a scratch buffer.
fn short_text(
    p: &mut Parser<'_>,
    field: ResponseField,
    scratch: &mut Option<String<32>>,
) -> Result<Result<(), WordError>, WordError> {
    text(p, field, scratch).map(|inner| {
        inner.map_err(|error| match DecodeError::from(error) {
            DecodeError::TooLong { .. } => DecodeError::InvalidValue { field }.into(),
            _ => error,
        })
    })
}

/// An id: a non-negative integer, or a string of digits (tolerated for a
/// PHP backend without integer casts); `null` → `None`.
fn id(
    p: &mut Parser<'_>,
    field: ResponseField,
) -> Result<Result<Option<u64>, WordError>, WordError> {
    let mut buf: String<24> = String::new();
    let digits = match p.peek()? {
        b'n' => {
            p.literal(b"null")?;
            return Ok(Ok(None));
        }
        b'"' => {
            if !p.string()?.decode_into(buf.as_mut_view())? {
                return Ok(Err(DecodeError::InvalidValue { field }.into()));
            }
            buf.as_str()
        }
        b'-' | b'0'..=b'9' => p.number()?,
        _ => {
            p.skip_value()?;
            return Ok(Err(DecodeError::WrongType { field }.into()));
        }
    };
    Ok(parse_u64(digits)
        .map(Some)
        .ok_or(DecodeError::InvalidValue { field }.into()))
}

/// ASCII digits → `u64`, `None` on anything else or on overflow.
pub(crate) fn parse_u64(digits: &str) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.bytes().try_fold(0u64, |acc, b| {
        let digit = u64::from(b.checked_sub(b'0').filter(|d| *d <= 9)?);
        acc.checked_mul(10)?.checked_add(digit)
    })
}

/// Decodes `data` (the next token must be `{`) into `out`. Syntax errors
/// end the walk; a field error (wrong type, too long, bad value, duplicate)
/// is returned as the inner error after the whole object was walked, so the
/// caller can still read the rest of the envelope.
pub(crate) fn decode_customer(
    p: &mut Parser<'_>,
    out: &mut Customer,
) -> Result<Result<(), DecodeError>, WordError> {
    p.object_start()?;
    let mut first = true;
    let mut seen: u32 = 0;
    let mut failure: Option<WordError> = None;
    while let Some(key) = p.next_key(&mut first)? {
        let Some((field, bit)) = lookup(&key) else {
            p.skip_value()?;
            continue;
        };
        if failure.is_some() {
            p.skip_value()?;
            continue;
        }
        let mask = 1u32 << bit;
        if seen & mask != 0 {
            p.skip_value()?;
            failure = Some(DecodeError::DuplicateField { field }.into());
            continue;
        }
        seen |= mask;
        let mut scratch: Option<String<32>> = None;
        let result = match field {
            ResponseField::Id => id(p, field)?.map(|v| out.id = v),
            ResponseField::CompanyId => id(p, field)?.map(|v| out.company_id = v),
            ResponseField::UserId => id(p, field)?.map(|v| out.user_id = v),
            ResponseField::ExternalId => text(p, field, &mut out.external_id)?,
            ResponseField::Firstname => text(p, field, &mut out.firstname)?,
            ResponseField::Middlename => text(p, field, &mut out.middlename)?,
            ResponseField::Lastname => text(p, field, &mut out.lastname)?,
            ResponseField::Fullname => text(p, field, &mut out.fullname)?,
            ResponseField::Email => text(p, field, &mut out.email)?,
            ResponseField::Phone => text(p, field, &mut out.phone)?,
            ResponseField::Gender => text(p, field, &mut out.gender_text)?,
            ResponseField::IdentityNumber => text(p, field, &mut out.identity_number)?,
            ResponseField::Birthdate => short_text(p, field, &mut scratch)?.and_then(|()| {
                out.birthdate = birthdate(scratch.as_deref())
                    .ok_or(WordError::from(DecodeError::InvalidValue { field }))?;
                Ok(())
            }),
            ResponseField::CreatedAt => short_text(p, field, &mut scratch)?.and_then(|()| {
                out.created_at = timestamp(scratch.as_deref())
                    .ok_or(WordError::from(DecodeError::InvalidValue { field }))?;
                Ok(())
            }),
            ResponseField::UpdatedAt => short_text(p, field, &mut scratch)?.and_then(|()| {
                out.updated_at = timestamp(scratch.as_deref())
                    .ok_or(WordError::from(DecodeError::InvalidValue { field }))?;
                Ok(())
            }),
            // The envelope's fields are not in `KEYS`.
            _ => {
                p.skip_value()?;
                Ok(())
            }
        };
        if let Err(error) = result {
            failure = Some(error);
        }
    }
    Ok(failure.map_or(Ok(()), |error| Err(error.into())))
}

/// A birthdate: `null` or `""` → none; `YYYY-MM-DD`, optionally followed by
/// a time (`T…` or ` …`, as a Laravel date cast may add) → the date; anything
/// else → `None` (an invalid value).
fn birthdate(text: Option<&str>) -> Option<Option<Date>> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Some(None);
    };
    let (date, rest) = text.split_at_checked(10)?;
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    Date::parse(date).ok().map(Some)
}

/// A timestamp: `null` or `""` → none; exactly `YYYY-MM-DD HH:MM:SS` → kept.
fn timestamp(text: Option<&str>) -> Option<Option<Timestamp>> {
    match text.filter(|t| !t.is_empty()) {
        None => Some(None),
        Some(text) => Timestamp::parse(text).ok().map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u64_digits() {
        assert_eq!(parse_u64("0"), Some(0));
        assert_eq!(parse_u64("18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64("18446744073709551616"), None);
        assert_eq!(parse_u64(""), None);
        assert_eq!(parse_u64("-1"), None);
        assert_eq!(parse_u64("1.0"), None);
        assert_eq!(parse_u64("1e3"), None);
    }

    #[test]
    fn lenient_birthdates() {
        assert_eq!(birthdate(None), Some(None));
        assert_eq!(birthdate(Some("")), Some(None));
        let d = Date::parse("1970-01-31").ok();
        assert_eq!(birthdate(Some("1970-01-31")), Some(d));
        assert_eq!(birthdate(Some("1970-01-31T00:00:00.000000Z")), Some(d));
        assert_eq!(birthdate(Some("1970-01-31 00:00:00")), Some(d));
        assert_eq!(birthdate(Some("1970-01-31x")), None);
        assert_eq!(birthdate(Some("1970-02-31")), None);
        assert_eq!(birthdate(Some("31.01.1970")), None);
        assert_eq!(birthdate(Some("çççççç")), None);
    }
}
