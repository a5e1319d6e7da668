//! The full request URL: the caller's base URL followed by the core's path,
//! built in a fixed buffer (embedded-svc's `initiate_request` takes a full
//! URL, not a request-target).
//!
//! The base URL is checked once, when the client is made: `http://` or
//! `https://`, a host, and no path, query or fragment (a trailing `/` is
//! dropped). A path prefix is refused because the core computes the digest
//! `uri` from its own path: a prefix would make the server's digest check
//! fail on every request.

use core::fmt;

use minted_connect_core::request::MAX_PATH_LEN;

/// The longest base URL accepted (`https://` and a host name of up to 247
/// bytes, with its port).
pub const MAX_BASE_URL_LEN: usize = 256;

/// The longest full URL: the base URL and the longest path the core builds.
pub const MAX_URL_LEN: usize = MAX_BASE_URL_LEN + MAX_PATH_LEN;

/// Why a base URL was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum BaseUrlError {
    /// It does not start with `http://` or `https://`.
    Scheme,
    /// Nothing follows the scheme.
    MissingHost,
    /// It has a path, a query or a fragment after the host.
    HasPath,
    /// It contains whitespace or a control character.
    InvalidCharacter,
    /// It is longer than [`MAX_BASE_URL_LEN`].
    TooLong,
    /// Plain `http://` to a host that is not loopback: credentials and
    /// personal data would cross the network unencrypted (see
    /// [`ClientConfig::allow_plain_http`](crate::ClientConfig::allow_plain_http)).
    PlainHttp,
    /// It carries `user:password@`: credentials belong in the configuration.
    UserInfo,
}

impl fmt::Display for BaseUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BaseUrlError::Scheme => "the base URL must start with http:// or https://",
            BaseUrlError::MissingHost => "the base URL has no host",
            BaseUrlError::HasPath => {
                "the base URL must not have a path, query or fragment (the API paths are fixed)"
            }
            BaseUrlError::InvalidCharacter => {
                "the base URL contains whitespace or a control character"
            }
            BaseUrlError::TooLong => "the base URL is longer than MAX_BASE_URL_LEN",
            BaseUrlError::PlainHttp => {
                "plain http is refused for hosts other than loopback: use https"
            }
            BaseUrlError::UserInfo => {
                "the base URL must not carry user:password@ (configure the credentials)"
            }
        })
    }
}

impl core::error::Error for BaseUrlError {}

/// Checks a base URL and returns it without a trailing `/`.
///
/// ```
/// use minted_connect_esp::url::{check_base_url, BaseUrlError};
/// assert_eq!(check_base_url("https://api.staging.mintedconnect.com/")?,
///     "https://api.staging.mintedconnect.com");
/// assert_eq!(check_base_url("https://example.com/v2"), Err(BaseUrlError::HasPath));
/// # Ok::<(), BaseUrlError>(())
/// ```
pub fn check_base_url(base_url: &str) -> Result<&str, BaseUrlError> {
    check_base_url_with(base_url, false)
}

/// [`check_base_url`], and with `allow_plain_http` also `http://` to any
/// host (a closed network behind a TLS-terminating gateway, for example).
///
/// ```
/// use minted_connect_esp::url::{check_base_url, check_base_url_with, BaseUrlError};
/// assert_eq!(check_base_url("http://api.example.com"), Err(BaseUrlError::PlainHttp));
/// assert!(check_base_url("http://127.0.0.1:8080").is_ok());
/// assert!(check_base_url_with("http://gateway.local", true).is_ok());
/// ```
pub fn check_base_url_with(base_url: &str, allow_plain_http: bool) -> Result<&str, BaseUrlError> {
    if base_url.len() > MAX_BASE_URL_LEN {
        return Err(BaseUrlError::TooLong);
    }
    if base_url.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err(BaseUrlError::InvalidCharacter);
    }
    let (authority, https) = match base_url.strip_prefix("https://") {
        Some(rest) => (rest, true),
        None => (
            base_url
                .strip_prefix("http://")
                .ok_or(BaseUrlError::Scheme)?,
            false,
        ),
    };
    let authority = authority.strip_suffix('/').unwrap_or(authority);
    if authority.is_empty() {
        return Err(BaseUrlError::MissingHost);
    }
    if authority.contains(['/', '?', '#']) {
        return Err(BaseUrlError::HasPath);
    }
    if authority.contains('@') {
        return Err(BaseUrlError::UserInfo);
    }
    if !https && !allow_plain_http && !is_loopback(authority) {
        return Err(BaseUrlError::PlainHttp);
    }
    Ok(base_url.strip_suffix('/').unwrap_or(base_url))
}

/// Whether the host of `authority` (`host[:port]`) is this machine:
/// `localhost`, 127.0.0.0/8 or `[::1]`.
fn is_loopback(authority: &str) -> bool {
    let host = if authority.starts_with('[') {
        authority
            .split(']')
            .next()
            .map_or("", |h| h.trim_start_matches('['))
    } else {
        authority.split(':').next().unwrap_or("")
    };
    if host.eq_ignore_ascii_case("localhost") || host == "::1" {
        return true;
    }
    let mut octets = 0;
    for (i, part) in host.split('.').enumerate() {
        let Ok(value) = part.parse::<u8>() else {
            return false;
        };
        if i == 0 && value != 127 {
            return false;
        }
        octets += 1;
    }
    octets == 4
}

/// Writes `base_url` (already checked) followed by `path` into `out`; `None`
/// when they do not fit.
pub(crate) fn join<'b>(base_url: &str, path: &str, out: &'b mut [u8]) -> Option<&'b str> {
    let total = base_url.len().checked_add(path.len())?;
    let target = out.get_mut(..total)?;
    let (head, tail) = target.split_at_mut(base_url.len());
    head.copy_from_slice(base_url.as_bytes());
    tail.copy_from_slice(path.as_bytes());
    // Both parts are `&str`, so the concatenation is UTF-8.
    core::str::from_utf8(target).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            check_base_url("http://127.0.0.1:8080"),
            Ok("http://127.0.0.1:8080")
        );
        assert_eq!(
            check_base_url("http://127.0.0.1:8080/"),
            Ok("http://127.0.0.1:8080")
        );
        assert_eq!(check_base_url("ftp://x"), Err(BaseUrlError::Scheme));
        assert_eq!(check_base_url("https://"), Err(BaseUrlError::MissingHost));
        assert_eq!(check_base_url("https:///"), Err(BaseUrlError::MissingHost));
        assert_eq!(check_base_url("https://a//"), Err(BaseUrlError::HasPath));
        assert_eq!(check_base_url("https://a?x=1"), Err(BaseUrlError::HasPath));
        assert_eq!(
            check_base_url("https://a b"),
            Err(BaseUrlError::InvalidCharacter)
        );
        assert_eq!(
            check_base_url("https://a\r\n"),
            Err(BaseUrlError::InvalidCharacter)
        );
        let mut long = [b'a'; MAX_BASE_URL_LEN + 1];
        long[..8].copy_from_slice(b"https://");
        let long = core::str::from_utf8(&long).unwrap();
        assert_eq!(check_base_url(long), Err(BaseUrlError::TooLong));
        assert!(check_base_url(&long[..MAX_BASE_URL_LEN]).is_ok());
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://localhost:80",
            "http://[::1]:8080",
            "https://api.example.com",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for refused in [
            "http://api.staging.mintedconnect.com",
            "http://10.0.0.1",
            "http://127.0.0.1.example.com",
            "http://localhost.example.com",
            "http://[::2]",
        ] {
            assert_eq!(
                check_base_url(refused),
                Err(BaseUrlError::PlainHttp),
                "{refused}"
            );
            assert!(check_base_url_with(refused, true).is_ok(), "{refused}");
        }
        assert_eq!(
            check_base_url("https://user:pw@api.example.com"),
            Err(BaseUrlError::UserInfo)
        );
    }

    #[test]
    fn joins_in_a_fixed_buffer() {
        let mut buf = [0u8; MAX_URL_LEN];
        assert_eq!(
            join("https://h", "/partner/customer/A", &mut buf),
            Some("https://h/partner/customer/A")
        );
        let mut small = [0u8; 10];
        assert_eq!(join("https://h", "/partner", &mut small), None);
    }
}
