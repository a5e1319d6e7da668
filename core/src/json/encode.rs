//! The request bodies, emitted by hand into a lent buffer.
//!
//! A small emitter instead of `serde-json-core::to_slice`: it writes the
//! fixed key prefixes as whole byte runs and copies string values in runs
//! between the bytes that need escaping, which makes it several times
//! faster. Output is compact JSON in the order of the vendor's example;
//! absent optional fields are left out. Strings escape `"`, `\` and every
//! control character below U+0020 (which validation already refuses);
//! non-ASCII is written as raw UTF-8.

use super::errors::EncodeError;
use crate::model::customer_fields::CustomerFields;
use crate::model::{
    CustomerCreate, CustomerUpdate, DATE_LEN, EXTERNAL_ID_MAX_CHARS, FULLNAME_CAPACITY,
    IDENTITY_NUMBER_CAPACITY, NAME_CAPACITY, PHONE_MAX_CHARS,
};

/// The longest e-mail value a valid body can carry, in bytes: a 64-code-point
/// local part of 4-byte characters, `@`, and 189 code points of domain in
/// three labels (63 + 63 + 61) of 4-byte letters with two dots.
const EMAIL_MAX_BYTES: usize = 64 * 4 + 1 + (63 + 63 + 61) * 4 + 2;

/// Bytes of one `"key":"value"` member with the longest value.
const fn member(key: &str, value_max: usize) -> usize {
    key.len() + 5 + value_max
}

/// The longest update body: every field present at its longest (names and
/// identity_number 40 four-byte code points, fullname 255, the longest
/// e-mail address, a 32-character phone). Size the buffer of
/// [`encode_update`] with it.
pub const MAX_UPDATE_BODY_LEN: usize = 2 // { }
    + member("firstname", NAME_CAPACITY)
    + member("middlename", NAME_CAPACITY)
    + member("lastname", NAME_CAPACITY)
    + member("fullname", FULLNAME_CAPACITY)
    + member("email", EMAIL_MAX_BYTES)
    + member("phone", PHONE_MAX_CHARS)
    + member("gender", 1)
    + member("identity_number", IDENTITY_NUMBER_CAPACITY)
    + member("birthdate", DATE_LEN)
    + 8; // commas

/// The longest create body: the longest update body plus an `external_id`
/// of 40 ASCII characters. Size the buffer of [`encode_create`] with it.
pub const MAX_CREATE_BODY_LEN: usize =
    MAX_UPDATE_BODY_LEN + member("external_id", EXTERNAL_ID_MAX_CHARS) + 1;

/// Every byte's low seven bits.
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
/// Every byte's high bit.
const HIGHS: u64 = 0x8080_8080_8080_8080;
/// One in every byte.
const ONES: u64 = 0x0101_0101_0101_0101;

/// Whether none of the eight bytes of `word` needs escaping: no `"`, `\`
/// or byte below 0x20. Exact per byte: bytes with the high bit set (UTF-8
/// beyond ASCII) never need it, and with the high bit masked off the
/// additions below never carry into the next byte.
#[inline]
fn plain_word(word: u64) -> bool {
    let low = word & LOW7;
    // High bit set where the byte is not zero: (x & 0x7F) + 0x7F | x.
    let nonzero = |x: u64| ((x & LOW7).wrapping_add(LOW7) | x) & HIGHS;
    let at_least_space = low.wrapping_add(ONES.wrapping_mul(0x60));
    let not_quote = nonzero(low ^ ONES.wrapping_mul(u64::from(b'"')));
    let not_backslash = nonzero(low ^ ONES.wrapping_mul(u64::from(b'\\')));
    let ok = word | (at_least_space & not_quote & not_backslash);
    ok & HIGHS == HIGHS
}

/// Whether no byte of `bytes` needs escaping: eight bytes at a time, the
/// last eight (overlapping the others) covering the tail.
#[inline]
fn is_plain(bytes: &[u8]) -> bool {
    match bytes.last_chunk::<8>() {
        Some(last) => {
            let (chunks, _) = bytes.as_chunks::<8>();
            chunks
                .iter()
                .all(|chunk| plain_word(u64::from_le_bytes(*chunk)))
                && plain_word(u64::from_le_bytes(*last))
        }
        None => bytes
            .iter()
            .all(|&byte| byte >= 0x20 && byte != b'"' && byte != b'\\'),
    }
}

/// A cursor over the lent buffer that refuses to write past its end.
struct Out<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl Out<'_> {
    #[inline]
    fn raw(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        let end = self
            .len
            .checked_add(bytes.len())
            .ok_or(EncodeError::BufferTooSmall)?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(EncodeError::BufferTooSmall)?
            .copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    /// The contents of a JSON string (without quotes), escaped. A value
    /// that needs no escape (the usual case, see [`is_plain`]) is copied
    /// whole; any other goes byte by byte.
    fn escaped(&mut self, text: &str) -> Result<(), EncodeError> {
        let bytes = text.as_bytes();
        if is_plain(bytes) {
            return self.raw(bytes);
        }
        let mut start = 0;
        for (at, &byte) in bytes.iter().enumerate() {
            let short: &[u8] = match byte {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0x08 => b"\\b",
                0x0C => b"\\f",
                0x00..=0x1F => b"",
                _ => continue,
            };
            self.raw(bytes.get(start..at).unwrap_or_default())?;
            if short.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let hi = HEX.get(usize::from(byte >> 4)).copied().unwrap_or(b'0');
                let lo = HEX.get(usize::from(byte & 0x0F)).copied().unwrap_or(b'0');
                self.raw(&[b'\\', b'u', b'0', b'0', hi, lo])?;
            } else {
                self.raw(short)?;
            }
            start = at.saturating_add(1);
        }
        self.raw(bytes.get(start..).unwrap_or_default())
    }

    /// `prefix` (`{"key":"` or `,"key":"`), the escaped value, `"`. Inlined,
    /// so that the prefix is copied with its length known.
    #[inline(always)]
    fn member(&mut self, prefix: &[u8], value: &str) -> Result<(), EncodeError> {
        self.raw(prefix)?;
        self.value_rest(value)
    }

    /// The escaped value and the closing `"`.
    #[inline(never)]
    fn value_rest(&mut self, value: &str) -> Result<(), EncodeError> {
        self.escaped(value)?;
        self.raw(b"\"")
    }
}

/// Writes the customer members; `open` is the prefix before `firstname`.
fn fields(
    out: &mut Out<'_>,
    open: &[u8],
    f: &CustomerFields,
    clear_middlename: bool,
) -> Result<(), EncodeError> {
    out.member(open, &f.firstname)?;
    match &f.middlename {
        Some(middlename) => out.member(b",\"middlename\":\"", middlename)?,
        None if clear_middlename => out.raw(b",\"middlename\":\"\"")?,
        None => {}
    }
    out.member(b",\"lastname\":\"", &f.lastname)?;
    if let Some(fullname) = &f.fullname {
        out.member(b",\"fullname\":\"", fullname)?;
    }
    out.member(b",\"email\":\"", &f.email)?;
    out.member(b",\"phone\":\"", &f.phone)?;
    if let Some(gender) = f.gender {
        out.member(b",\"gender\":\"", gender.as_str())?;
    }
    out.member(b",\"identity_number\":\"", &f.identity_number)?;
    if let Some(birthdate) = f.birthdate {
        out.raw(b",\"birthdate\":\"")?;
        out.raw(&birthdate.to_ascii())?;
        out.raw(b"\"")?;
    }
    out.raw(b"}")
}

/// Writes the PATCH body of `update` into `out` and returns the bytes used.
///
/// ```
/// use minted_connect_core::json::{encode_update, MAX_UPDATE_BODY_LEN};
/// use minted_connect_core::model::CustomerUpdate;
/// use minted_connect_core::validate::{CustomerInput, ValidationProfile};
///
/// let input = CustomerInput {
///     firstname: Some("Mehmet"),
///     lastname: Some("Gülbilge"),
///     email: Some("mehmet@example.com"),
///     phone: Some("+90 532 280 80 35"),
///     gender: Some("M"),
///     identity_number: Some("12345677938"),
///     ..CustomerInput::default()
/// };
/// let update = CustomerUpdate::validate(&input, ValidationProfile::Lenient)?;
/// let mut buf = [0u8; MAX_UPDATE_BODY_LEN];
/// let len = encode_update(&update, &mut buf)?;
/// assert_eq!(
///     core::str::from_utf8(&buf[..len])?,
///     r#"{"firstname":"Mehmet","lastname":"Gülbilge","email":"mehmet@example.com","phone":"+90 532 280 80 35","gender":"M","identity_number":"12345677938"}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn encode_update(update: &CustomerUpdate, out: &mut [u8]) -> Result<usize, EncodeError> {
    let mut out = Out { buf: out, len: 0 };
    fields(
        &mut out,
        b"{\"firstname\":\"",
        &update.fields,
        update.clear_middlename,
    )?;
    Ok(out.len)
}

/// Writes the POST body of `create` into `out` and returns the bytes used:
/// `external_id` first, then the fields as [`encode_update`] writes them.
///
/// ```
/// use minted_connect_core::json::{encode_create, MAX_CREATE_BODY_LEN};
/// use minted_connect_core::model::CustomerCreate;
/// use minted_connect_core::validate::{CreateInput, CustomerInput, ValidationProfile};
///
/// let input = CreateInput {
///     external_id: Some("MTD0018232"),
///     customer: CustomerInput {
///         firstname: Some("Ada"),
///         lastname: Some("Lovelace"),
///         email: Some("ada@example.com"),
///         phone: Some("5322808035"),
///         identity_number: Some("X1"),
///         ..CustomerInput::default()
///     },
/// };
/// let create = CustomerCreate::validate(&input, ValidationProfile::Lenient)?;
/// let mut buf = [0u8; MAX_CREATE_BODY_LEN];
/// let len = encode_create(&create, &mut buf)?;
/// assert!(buf[..len].starts_with(br#"{"external_id":"MTD0018232","firstname":"Ada","#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn encode_create(create: &CustomerCreate, out: &mut [u8]) -> Result<usize, EncodeError> {
    let mut out = Out { buf: out, len: 0 };
    out.member(b"{\"external_id\":\"", &create.external_id)?;
    fields(&mut out, b",\"firstname\":\"", &create.fields, false)?;
    Ok(out.len)
}

#[cfg(test)]
mod tests {
    use super::*;

    extern crate std;
    use std::vec::Vec;

    /// The byte-at-a-time escaper the word-at-a-time check sits in front of.
    fn escaped_reference(text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for &byte in text.as_bytes() {
            match byte {
                b'"' => out.extend_from_slice(b"\\\""),
                b'\\' => out.extend_from_slice(b"\\\\"),
                b'\n' => out.extend_from_slice(b"\\n"),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\t' => out.extend_from_slice(b"\\t"),
                0x08 => out.extend_from_slice(b"\\b"),
                0x0C => out.extend_from_slice(b"\\f"),
                0x00..=0x1F => out.extend_from_slice(std::format!("\\u{byte:04x}").as_bytes()),
                _ => out.push(byte),
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn escaping_matches_the_byte_loop(text in crate::validate::tricky_string_for_tests(40)) {
            let mut buf = [0u8; 40 * 4 * 6];
            let mut out = Out { buf: &mut buf, len: 0 };
            out.escaped(&text).unwrap();
            let len = out.len;
            proptest::prop_assert_eq!(&buf[..len], &escaped_reference(&text)[..]);
        }
    }

    #[test]
    fn plain_word_is_exact_per_byte() {
        for byte in 0..=255u8 {
            for at in 0..8 {
                let mut word = *b"abcdefgh";
                word[at] = byte;
                let needs = byte < 0x20 || byte == b'"' || byte == b'\\';
                assert_eq!(
                    plain_word(u64::from_le_bytes(word)),
                    !needs,
                    "{byte:#x} at {at}"
                );
            }
        }
    }

    #[test]
    fn escapes_every_special_byte() {
        let mut buf = [0u8; 64];
        let mut out = Out {
            buf: &mut buf,
            len: 0,
        };
        out.escaped("a\"b\\c\n\r\t\u{8}\u{c}\u{0}\u{1f}\u{7f}é")
            .unwrap();
        let len = out.len;
        assert_eq!(
            core::str::from_utf8(&buf[..len]).unwrap(),
            "a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0000\\u001f\u{7f}é"
        );
    }

    #[test]
    fn refuses_to_overflow() {
        for size in 0..6 {
            let mut buf = [0u8; 8];
            let mut out = Out {
                buf: &mut buf[..size],
                len: 0,
            };
            assert_eq!(
                out.escaped("ab\"cd"),
                Err(EncodeError::BufferTooSmall),
                "{size}"
            );
        }
    }

    #[test]
    fn max_lengths() {
        assert_eq!(EMAIL_MAX_BYTES, 1007);
        assert_eq!(MAX_UPDATE_BODY_LEN, 2840);
        assert_eq!(MAX_CREATE_BODY_LEN, 2897);
    }
}
