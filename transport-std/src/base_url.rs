//! The checked base URL: scheme, authority and an optional path prefix.
//!
//! Guarantees once [`BaseUrl::parse`] succeeds: the scheme is `http` or
//! `https`, there is a host, no user info, query or fragment, `http` is used
//! only for loopback hosts unless explicitly allowed, and [`BaseUrl::url`]
//! joins the prefix and an API path with exactly one `/` between them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ureq::http::Uri;

use crate::error::ConfigError;

/// A base URL checked by [`BaseUrl::parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BaseUrl {
    /// `scheme://authority` followed by the path prefix without a trailing
    /// slash (possibly empty).
    root: String,
}

/// `url` with any `user:password@` in its authority replaced by `***@` and
/// any query by `?***`, so that an error message or `Debug` output never
/// repeats a password or an API key.
pub(crate) fn redact_url(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let mut out = match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &rest[at..]),
        None => url.to_owned(),
    };
    if let Some(query) = out.find('?') {
        let end = out[query..].find('#').map_or(out.len(), |i| query + i);
        out.replace_range(query..end, "?***");
    }
    out
}

impl BaseUrl {
    /// Checks `base_url`; `allow_plain_http` lifts the https requirement for
    /// non-loopback hosts.
    pub(crate) fn parse(base_url: &str, allow_plain_http: bool) -> Result<Self, ConfigError> {
        let bad = |reason: &'static str| ConfigError::BaseUrl {
            url: redact_url(base_url),
            reason,
        };
        if base_url.contains('#') {
            return Err(bad("a fragment (#…) is not allowed"));
        }
        let uri: Uri = base_url
            .parse()
            .map_err(|_| bad("it is not an absolute http(s) URL"))?;
        let https = match uri.scheme_str() {
            Some(scheme) if scheme.eq_ignore_ascii_case("https") => true,
            Some(scheme) if scheme.eq_ignore_ascii_case("http") => false,
            Some(_) => return Err(bad("the scheme must be https (or http)")),
            None => return Err(bad("it is not an absolute http(s) URL")),
        };
        let authority = uri
            .authority()
            .ok_or_else(|| bad("it is not an absolute http(s) URL"))?;
        if authority.as_str().contains('@') {
            return Err(bad(
                "user info (user:password@) is not allowed; set credentials",
            ));
        }
        let host = authority.host();
        if host.is_empty() {
            return Err(bad("it has no host"));
        }
        if uri.query().is_some() {
            return Err(bad("a query (?…) is not allowed"));
        }
        if !https && !allow_plain_http && !is_loopback(host) {
            return Err(ConfigError::PlainHttpRefused {
                host: host.to_owned(),
            });
        }
        let prefix = uri.path().trim_end_matches('/');
        let scheme = if https { "https" } else { "http" };
        Ok(BaseUrl {
            root: format!("{scheme}://{}{prefix}", authority.as_str()),
        })
    }

    /// The full URL of an API path (which starts with `/`).
    pub(crate) fn url(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.root.len() + path.len());
        url.push_str(&self.root);
        url.push_str(path);
        url
    }
}

/// `localhost` (and its subdomains, RFC 6761), `127.0.0.0/8` and `::1`.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return match ip {
            IpAddr::V4(v4) => v4.is_loopback(),
            IpAddr::V6(v6) => {
                v6 == Ipv6Addr::LOCALHOST
                    || v6
                        .to_ipv4_mapped()
                        .is_some_and(|v4| Ipv4Addr::is_loopback(&v4))
            }
        };
    }
    let lower = bare.to_ascii_lowercase();
    lower == "localhost" || lower.ends_with(".localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_never_repeat_user_info() {
        let error = BaseUrl::parse("https://partner:s3cret@api.example.com/", false).unwrap_err();
        let text = error.to_string();
        assert!(
            !text.contains("s3cret") && !text.contains("partner"),
            "{text}"
        );
        assert!(text.contains("***@api.example.com"), "{text}");
        assert_eq!(redact_url("a:b@h/x@y"), "***@h/x@y");
        assert_eq!(redact_url("https://h/p"), "https://h/p");
        assert_eq!(
            redact_url("https://h/?api_key=s3cret#f"),
            "https://h/?***#f"
        );
    }

    fn url(base: &str, path: &str) -> String {
        BaseUrl::parse(base, false).unwrap().url(path)
    }

    #[test]
    fn trailing_slash_and_prefix() {
        let path = "/partner/customer/MTD1";
        for base in [
            "https://api.staging.mintedconnect.com",
            "https://api.staging.mintedconnect.com/",
        ] {
            assert_eq!(
                url(base, path),
                "https://api.staging.mintedconnect.com/partner/customer/MTD1"
            );
        }
        for base in [
            "https://gw.example.com/minted",
            "https://gw.example.com/minted/",
        ] {
            assert_eq!(
                url(base, path),
                "https://gw.example.com/minted/partner/customer/MTD1"
            );
        }
        assert_eq!(
            url("http://127.0.0.1:8080//", path),
            "http://127.0.0.1:8080/partner/customer/MTD1"
        );
    }

    #[test]
    fn plain_http_only_for_loopback() {
        for ok in [
            "http://127.0.0.1:1",
            "http://127.9.8.7",
            "http://localhost:8080",
            "http://LOCALHOST.",
            "http://[::1]:8080/x",
            "http://api.localhost",
        ] {
            assert!(BaseUrl::parse(ok, false).is_ok(), "{ok}");
        }
        for refused in [
            "http://api.staging.mintedconnect.com",
            "http://10.0.0.1",
            "http://128.0.0.1",
            "http://localhost.example.com",
            "http://[::2]",
        ] {
            assert!(
                matches!(
                    BaseUrl::parse(refused, false),
                    Err(ConfigError::PlainHttpRefused { .. })
                ),
                "{refused}"
            );
            assert!(BaseUrl::parse(refused, true).is_ok(), "{refused}");
        }
    }

    #[test]
    fn malformed_urls() {
        for bad in [
            "",
            "api.staging.mintedconnect.com",
            "/partner",
            "ftp://example.com",
            "https://user:pw@example.com",
            "https://example.com/?a=b",
            "https://example.com/#x",
            "https://exa mple.com",
        ] {
            assert!(
                matches!(BaseUrl::parse(bad, true), Err(ConfigError::BaseUrl { .. })),
                "{bad}"
            );
        }
    }
}
