//! The parts of a base URL that appear in a request head: the `Host` value
//! and the path prefix.
//!
//! The full check of a base URL (scheme, https for non-loopback hosts, no
//! query or fragment) is `minted_connect_std::Client::new`'s; this module
//! only splits a URL the client has accepted, for `--dry-run`, and refuses
//! user info early so that no error message ever repeats a password typed
//! into a URL.

use std::fmt;

/// `Host` and path prefix of a base URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The authority as given (`host` or `host:port`), for `Host`.
    pub host: String,
    /// The path prefix without a trailing slash (`""` or `/minted`).
    pub prefix: String,
}

/// A base URL that cannot be split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetError {
    /// Not `http://…` or `https://…` with a host.
    NotHttp,
    /// `user:password@` in the URL; credentials belong in the environment.
    UserInfo,
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetError::NotHttp => f.write_str(
                "the base URL must be an absolute https:// URL such as \
                 https://api.staging.mintedconnect.com",
            ),
            TargetError::UserInfo => f.write_str(
                "the base URL must not contain user:password@; set MINTED_USERNAME and \
                 MINTED_PASSWORD instead",
            ),
        }
    }
}

impl std::error::Error for TargetError {}

impl Target {
    /// Splits `base_url`.
    ///
    /// ```
    /// use minted_connect_examples::target::Target;
    /// let target = Target::parse("https://gw.example.com:8443/minted/")?;
    /// assert_eq!(target.host, "gw.example.com:8443");
    /// assert_eq!(target.prefix, "/minted");
    /// # Ok::<(), minted_connect_examples::target::TargetError>(())
    /// ```
    pub fn parse(base_url: &str) -> Result<Target, TargetError> {
        let rest = strip_scheme(base_url.trim()).ok_or(TargetError::NotHttp)?;
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        if authority.contains('@') {
            return Err(TargetError::UserInfo);
        }
        if authority.is_empty() {
            return Err(TargetError::NotHttp);
        }
        let path = path.split(['?', '#']).next().unwrap_or("");
        Ok(Target {
            host: authority.to_owned(),
            prefix: path.trim_end_matches('/').to_owned(),
        })
    }

    /// The request-target for an API path (`prefix` + `path`).
    pub fn request_target(&self, path: &str) -> String {
        format!("{}{path}", self.prefix)
    }
}

fn strip_scheme(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    (scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_slash_makes_no_difference() {
        for url in ["http://127.0.0.1:8080", "http://127.0.0.1:8080/"] {
            let target = Target::parse(url).unwrap();
            assert_eq!(target.host, "127.0.0.1:8080");
            assert_eq!(
                target.request_target("/partner/customer/X"),
                "/partner/customer/X"
            );
        }
        let target = Target::parse("HTTPS://gw.example.com/minted//").unwrap();
        assert_eq!(
            target.request_target("/partner/customer"),
            "/minted/partner/customer"
        );
    }

    #[test]
    fn refuses_user_info_and_other_schemes() {
        assert_eq!(
            Target::parse("https://partner:s3cret@example.com"),
            Err(TargetError::UserInfo)
        );
        assert!(!TargetError::UserInfo.to_string().contains("s3cret"));
        for bad in ["ftp://x", "example.com", "https://", "https:///x"] {
            assert_eq!(Target::parse(bad), Err(TargetError::NotHttp), "{bad}");
        }
    }
}
