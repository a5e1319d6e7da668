//! What every request of the customer API carries: the method, the path with
//! the external customer id percent-encoded, and the header settings.
//!
//! Nothing here performs I/O; [`call`](crate::call) assembles these pieces
//! into the request a transport sends.

use core::fmt;

use crate::model::EXTERNAL_CUSTOMER_ID_CAPACITY;
use crate::validate::{FieldError, validate_external_customer_id};

/// `POST` target of Create Customer; the other operations append `/{id}`.
pub const CUSTOMER_COLLECTION_PATH: &str = "/partner/customer";

/// The longest path [`customer_path`] can produce: the collection, `/`, and
/// an id of 110 code points of 4 bytes each, every byte percent-encoded.
pub const MAX_PATH_LEN: usize =
    CUSTOMER_COLLECTION_PATH.len() + 1 + EXTERNAL_CUSTOMER_ID_CAPACITY * 3;

/// `x-client-id` when none is configured (the vendor's example sends `web`).
pub const DEFAULT_CLIENT_ID: &str = "web";

/// `Accept-Language` when none is configured: the API's messages default to
/// Turkish.
pub const DEFAULT_ACCEPT_LANGUAGE: &str = "tr";

/// `User-Agent` when none is configured.
pub const DEFAULT_USER_AGENT: &str = concat!("minted-connect/", env!("CARGO_PKG_VERSION"));

/// The most header pairs a request carries: `Content-Type`, `Accept`,
/// `x-client-id`, `api-version`, `Accept-Language`, `User-Agent`,
/// `Content-Length`, `Authorization`.
pub const MAX_REQUEST_HEADERS: usize = 8;

/// The longest header value accepted from configuration (a pre-computed
/// `Authorization` included); keeps every request head bounded.
pub const MAX_HEADER_VALUE_LEN: usize = 1024;

/// The HTTP methods the customer API uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Method {
    /// Get Customer.
    Get,
    /// Create Customer.
    Post,
    /// Update Customer.
    Patch,
    /// Remove Customer.
    Delete,
}

impl Method {
    /// The method token as sent on the request line.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The headers every request carries, as configured by the integrator.
///
/// ```
/// use minted_connect_core::request::RequestSettings;
/// let settings = RequestSettings { api_version: Some("3"), ..RequestSettings::new() };
/// assert_eq!(settings.client_id, "web");
/// assert!(settings.check().is_ok());
/// let broken = RequestSettings { client_id: "web\r\nX-Evil: 1", ..settings };
/// assert!(broken.check().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RequestSettings<'a> {
    /// `x-client-id` (required by the API).
    pub client_id: &'a str,
    /// `api-version`; not sent when `None` (the vendor's examples show 2 and 3).
    pub api_version: Option<&'a str>,
    /// `Accept-Language`: `tr` or `en` for the server's messages.
    pub accept_language: &'a str,
    /// `User-Agent`.
    pub user_agent: &'a str,
}

impl RequestSettings<'static> {
    /// The defaults: client `web`, no `api-version`, Turkish, this crate's
    /// user agent.
    pub const fn new() -> Self {
        RequestSettings {
            client_id: DEFAULT_CLIENT_ID,
            api_version: None,
            accept_language: DEFAULT_ACCEPT_LANGUAGE,
            user_agent: DEFAULT_USER_AGENT,
        }
    }
}

impl Default for RequestSettings<'static> {
    fn default() -> Self {
        Self::new()
    }
}

impl RequestSettings<'_> {
    /// Checks every value with [`check_header_value`], so that no
    /// configuration can inject a header or break the request head.
    pub fn check(&self) -> Result<(), HeaderValueError> {
        check_header_value("x-client-id", self.client_id)?;
        if let Some(version) = self.api_version {
            check_header_value("api-version", version)?;
        }
        check_header_value("Accept-Language", self.accept_language)?;
        check_header_value("User-Agent", self.user_agent)
    }
}

/// What is wrong with a header value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum HeaderProblem {
    /// Empty or only whitespace.
    Empty,
    /// A control character (CR, LF, NUL, …; tab is allowed).
    ControlCharacter,
    /// Longer than [`MAX_HEADER_VALUE_LEN`] bytes.
    TooLong,
}

/// A configured header value that cannot be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct HeaderValueError {
    /// The header whose value was refused.
    pub header: &'static str,
    /// Why.
    pub problem: HeaderProblem,
}

impl fmt::Display for HeaderValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.problem {
            HeaderProblem::Empty => "is empty",
            HeaderProblem::ControlCharacter => "contains a control character",
            HeaderProblem::TooLong => "is too long",
        };
        write!(f, "the {} header value {why}", self.header)
    }
}

impl core::error::Error for HeaderValueError {}

/// Checks a header value before it can reach a request head: not empty, no
/// control character but tab (so no CR/LF injection), at most
/// [`MAX_HEADER_VALUE_LEN`] bytes. Non-ASCII UTF-8 is allowed (RFC 9110
/// `obs-text`).
///
/// ```
/// use minted_connect_core::request::{check_header_value, HeaderProblem};
/// assert!(check_header_value("x-client-id", "kiosk-12").is_ok());
/// let error = check_header_value("x-client-id", "a\nb").unwrap_err();
/// assert_eq!(error.problem, HeaderProblem::ControlCharacter);
/// ```
pub fn check_header_value(header: &'static str, value: &str) -> Result<(), HeaderValueError> {
    let fail = |problem| Err(HeaderValueError { header, problem });
    if value.trim().is_empty() {
        fail(HeaderProblem::Empty)
    } else if value.len() > MAX_HEADER_VALUE_LEN {
        fail(HeaderProblem::TooLong)
    } else if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        fail(HeaderProblem::ControlCharacter)
    } else {
        Ok(())
    }
}

/// Why a path could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum PathError {
    /// The external customer id breaks its rule (empty, too long, control
    /// characters).
    InvalidId(FieldError),
    /// The lent buffer is shorter than the path; [`MAX_PATH_LEN`] always fits.
    BufferTooSmall,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::InvalidId(error) => error.fmt(f),
            PathError::BufferTooSmall => f.write_str("the path buffer is too small"),
        }
    }
}

impl core::error::Error for PathError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            PathError::InvalidId(error) => Some(error),
            PathError::BufferTooSmall => None,
        }
    }
}

/// Writes `/partner/customer/{id}` into `out`, the id validated and every
/// byte outside the RFC 3986 unreserved set (`A-Z a-z 0-9 - . _ ~`)
/// percent-encoded, so no id can change the path, add a query or smuggle a
/// header.
///
/// ```
/// use minted_connect_core::request::{customer_path, MAX_PATH_LEN};
/// let mut buf = [0u8; MAX_PATH_LEN];
/// assert_eq!(customer_path("MTD0018232", &mut buf)?, "/partner/customer/MTD0018232");
/// assert_eq!(customer_path("a/b c?ş", &mut buf)?, "/partner/customer/a%2Fb%20c%3F%C5%9F");
/// # Ok::<(), minted_connect_core::request::PathError>(())
/// ```
pub fn customer_path<'b>(id: &str, out: &'b mut [u8]) -> Result<&'b str, PathError> {
    validate_external_customer_id(id).map_err(PathError::InvalidId)?;
    let mut writer = ByteWriter { out, len: 0 };
    writer.push_all(CUSTOMER_COLLECTION_PATH.as_bytes())?;
    writer.push(b'/')?;
    for &byte in id.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            writer.push(byte)?;
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            let high = HEX.get(usize::from(byte >> 4)).copied().unwrap_or(b'0');
            let low = HEX.get(usize::from(byte & 0x0f)).copied().unwrap_or(b'0');
            writer.push_all(&[b'%', high, low])?;
        }
    }
    let ByteWriter { out, len } = writer;
    let written = out.get(..len).ok_or(PathError::BufferTooSmall)?;
    // Only ASCII was written.
    core::str::from_utf8(written).map_err(|_| PathError::BufferTooSmall)
}

struct ByteWriter<'b> {
    out: &'b mut [u8],
    len: usize,
}

impl ByteWriter<'_> {
    fn push(&mut self, byte: u8) -> Result<(), PathError> {
        let slot = self
            .out
            .get_mut(self.len)
            .ok_or(PathError::BufferTooSmall)?;
        *slot = byte;
        self.len += 1;
        Ok(())
    }

    fn push_all(&mut self, bytes: &[u8]) -> Result<(), PathError> {
        bytes.iter().try_for_each(|&b| self.push(b))
    }
}

/// Writes `value` in decimal ASCII into `out` and returns the digits
/// (`"0"` for zero). 20 bytes hold any `u64`.
///
/// ```
/// use minted_connect_core::request::write_decimal;
/// let mut digits = [0u8; 20];
/// assert_eq!(write_decimal(1024, &mut digits), "1024");
/// assert_eq!(write_decimal(u64::MAX, &mut digits), "18446744073709551615");
/// ```
pub fn write_decimal(value: u64, out: &mut [u8; 20]) -> &str {
    let mut start = out.len();
    let mut rest = value;
    for slot in out.iter_mut().rev() {
        // `rest % 10` is below 10.
        *slot = b'0' + (rest % 10) as u8;
        start -= 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.get(start..)
        .and_then(|digits| core::str::from_utf8(digits).ok())
        .unwrap_or("0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{Field, Rule};

    #[test]
    fn methods_are_their_tokens() {
        let all = [
            (Method::Get, "GET"),
            (Method::Post, "POST"),
            (Method::Patch, "PATCH"),
            (Method::Delete, "DELETE"),
        ];
        for (method, token) in all {
            assert_eq!(method.as_str(), token);
        }
    }

    #[test]
    fn unreserved_bytes_pass_and_everything_else_is_encoded() {
        let mut buf = [0u8; MAX_PATH_LEN];
        assert_eq!(
            customer_path("Az09-._~", &mut buf).unwrap(),
            "/partner/customer/Az09-._~"
        );
        assert_eq!(
            customer_path("../x", &mut buf).unwrap(),
            "/partner/customer/..%2Fx"
        );
        assert_eq!(
            customer_path("a#b%c&d=e+f", &mut buf).unwrap(),
            "/partner/customer/a%23b%25c%26d%3De%2Bf"
        );
        assert_eq!(
            customer_path("İ😀", &mut buf).unwrap(),
            "/partner/customer/%C4%B0%F0%9F%98%80"
        );
    }

    #[test]
    fn invalid_ids_are_refused_before_anything_is_written() {
        let mut buf = [0u8; MAX_PATH_LEN];
        let error = customer_path("", &mut buf).unwrap_err();
        assert_eq!(
            error,
            PathError::InvalidId(FieldError::new(Field::ExternalCustomerId, Rule::Required))
        );
        assert!(matches!(
            customer_path("a\r\nHost: evil", &mut buf),
            Err(PathError::InvalidId(FieldError {
                rule: Rule::ControlCharacter,
                ..
            }))
        ));
    }

    #[test]
    fn the_longest_id_fits_max_path_len_exactly() {
        let id: std::string::String = core::iter::repeat_n('😀', 110).collect();
        let mut buf = [0u8; MAX_PATH_LEN];
        let path = customer_path(&id, &mut buf).unwrap();
        assert_eq!(path.len(), MAX_PATH_LEN);
        let mut short = [0u8; MAX_PATH_LEN - 1];
        assert_eq!(
            customer_path(&id, &mut short),
            Err(PathError::BufferTooSmall)
        );
    }

    #[test]
    fn header_values_cannot_inject() {
        for bad in ["a\rb", "a\nb", "a\0b", "\x7f", "x\x1b"] {
            assert_eq!(
                check_header_value("x-client-id", bad).unwrap_err().problem,
                HeaderProblem::ControlCharacter,
                "{bad:?}"
            );
        }
        assert_eq!(
            check_header_value("x-client-id", "  ").unwrap_err().problem,
            HeaderProblem::Empty
        );
        let long = "a".repeat(MAX_HEADER_VALUE_LEN + 1);
        assert_eq!(
            check_header_value("User-Agent", &long).unwrap_err().problem,
            HeaderProblem::TooLong
        );
        assert!(check_header_value("User-Agent", "kiosk\t1 (ş)").is_ok());
    }

    #[test]
    fn settings_check_names_the_header() {
        let settings = RequestSettings {
            api_version: Some("3\n"),
            ..RequestSettings::new()
        };
        assert_eq!(settings.check().unwrap_err().header, "api-version");
        let settings = RequestSettings {
            accept_language: "",
            ..RequestSettings::new()
        };
        assert_eq!(settings.check().unwrap_err().header, "Accept-Language");
        assert!(RequestSettings::default().check().is_ok());
    }

    #[test]
    fn decimals() {
        let mut digits = [0u8; 20];
        assert_eq!(write_decimal(0, &mut digits), "0");
        assert_eq!(write_decimal(7, &mut digits), "7");
        assert_eq!(write_decimal(10, &mut digits), "10");
        assert_eq!(write_decimal(1234, &mut digits), "1234");
        assert_eq!(write_decimal(1024, &mut digits), "1024");
        assert_eq!(write_decimal(u64::MAX, &mut digits), "18446744073709551615");
    }

    extern crate std;
    use std::string::ToString;

    #[test]
    fn errors_display_their_cause() {
        let error = HeaderValueError {
            header: "x-client-id",
            problem: HeaderProblem::Empty,
        };
        assert_eq!(error.to_string(), "the x-client-id header value is empty");
        assert_eq!(
            PathError::BufferTooSmall.to_string(),
            "the path buffer is too small"
        );
    }
}
