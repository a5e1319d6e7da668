//! What a [`Client`](crate::Client) is built from.
//!
//! [`Config::new`] takes the base URL and fills every other field with a
//! documented default; change the public fields before building the client.
//! Nothing here is checked until [`Client::new`](crate::Client::new), which
//! refuses a bad base URL, plain `http` to a non-loopback host, a header value
//! that could break the request head and unreadable certificates — all before
//! any I/O.

use std::fmt;
use std::time::Duration;

use minted_connect_core::call::RetryPolicy;
use minted_connect_core::request::{DEFAULT_ACCEPT_LANGUAGE, DEFAULT_CLIENT_ID};
use minted_connect_core::validate::ValidationProfile;
use zeroize::Zeroizing;

use crate::base_url::redact_url;

/// The vendor's staging server.
pub const STAGING_BASE_URL: &str = "https://api.staging.mintedconnect.com";

/// The default connect timeout: 10 s.
///
/// TCP and TLS setup take well under a second on a working network; 10 s
/// still covers two lost SYNs (Linux retransmits after 1 s and 3 s) on a
/// poor link, yet a dead or blackholed host is reported quickly.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The default timeout of one whole exchange (connect, send, response head
/// and body): 30 s.
///
/// A request is a few kilobytes and so is the answer; a PHP backend that has
/// not answered in 30 s (its usual `max_execution_time`) is not going to.
/// It applies to each attempt: see [`Config::timeout`] for the worst case
/// of a whole operation.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default response body limit: 64 KiB.
///
/// The largest customer envelope or 422 answer is a few kilobytes; 64 KiB
/// leaves room for fields the vendor adds while a misbehaving server cannot
/// make the client buffer more than that.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// The `User-Agent` sent unless the config names another.
pub const DEFAULT_USER_AGENT: &str = concat!("minted-connect-std/", env!("CARGO_PKG_VERSION"));

/// How requests authenticate.
///
/// `Debug` never shows the password or a preset value:
///
/// ```
/// use minted_connect_std::Credentials;
/// let credentials = Credentials::digest("partner", "s3cret");
/// assert!(!format!("{credentials:?}").contains("s3cret"));
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Credentials {
    /// HTTP Digest (RFC 7616): the client answers the server's challenge and
    /// authenticates later requests pre-emptively.
    Digest {
        /// The partner user name.
        username: String,
        /// The password, wiped from memory when dropped.
        password: Zeroizing<String>,
    },
    /// A caller-supplied `Authorization` value sent as is (a gateway may hold
    /// a pre-computed credential). Wiped from memory when dropped.
    Preset(Zeroizing<String>),
    /// No `Authorization` header.
    #[default]
    None,
}

impl Credentials {
    /// Digest credentials.
    pub fn digest(username: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials::Digest {
            username: username.into(),
            password: Zeroizing::new(password.into()),
        }
    }

    /// A preset `Authorization` value.
    pub fn preset(authorization: impl Into<String>) -> Self {
        Credentials::Preset(Zeroizing::new(authorization.into()))
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Digest { username, .. } => f
                .debug_struct("Digest")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            Credentials::Preset(_) => f.write_str("Preset(<redacted>)"),
            Credentials::None => f.write_str("None"),
        }
    }
}

/// A trusted root certificate for a private certificate authority.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RootCertificate {
    /// One certificate in DER (binary) form.
    Der(Vec<u8>),
    /// One or more certificates in PEM form (`-----BEGIN CERTIFICATE-----`);
    /// other PEM items (keys) are ignored.
    Pem(Vec<u8>),
}

impl fmt::Debug for RootCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RootCertificate::Der(bytes) => write!(f, "Der({} bytes)", bytes.len()),
            RootCertificate::Pem(bytes) => write!(f, "Pem({} bytes)", bytes.len()),
        }
    }
}

/// Everything a [`Client`](crate::Client) needs.
///
/// ```
/// use std::time::Duration;
/// use minted_connect_std::{Config, Credentials, STAGING_BASE_URL};
///
/// let mut config = Config::new(STAGING_BASE_URL);
/// config.credentials = Credentials::digest("partner", "s3cret");
/// config.api_version = Some("3".to_owned());
/// config.timeout = Duration::from_secs(15);
/// assert_eq!(config.client_id, "web");
/// assert_eq!(config.accept_language, "tr");
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct Config {
    /// The API's base URL, e.g. [`STAGING_BASE_URL`]. A path prefix is kept
    /// (`https://gw.example.com/minted` sends to
    /// `https://gw.example.com/minted/partner/customer/…`); a trailing slash
    /// makes no difference. No query, fragment or user info.
    pub base_url: String,
    /// How requests authenticate (default: none).
    pub credentials: Credentials,
    /// `x-client-id` (default `web`).
    pub client_id: String,
    /// `api-version`, sent only when set (default: not sent).
    pub api_version: Option<String>,
    /// `Accept-Language`: `tr` (default) or `en` select the language of the
    /// server's messages.
    pub accept_language: String,
    /// `User-Agent` (default [`DEFAULT_USER_AGENT`]).
    pub user_agent: String,
    /// How long to wait for the TCP connection and the TLS handshake
    /// (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub connect_timeout: Duration,
    /// How long one exchange may take from connecting to the last body byte
    /// (default [`DEFAULT_TIMEOUT`]). An operation makes at most
    /// `retry_policy.max_attempts` exchanges plus two authentication
    /// resends, with the retry delays between them, so its worst case is
    /// about `(max_attempts + 2) × timeout` plus the delays.
    pub timeout: Duration,
    /// When to retry (default [`RetryPolicy::new`]: 3 attempts, 200 ms
    /// backoff doubling up to 5 s, `Retry-After` honoured up to 30 s).
    pub retry_policy: RetryPolicy,
    /// The largest response body read (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`]); a larger one is refused after
    /// reading one byte more than this.
    pub max_response_bytes: usize,
    /// Allow `http://` to hosts other than loopback (default `false`).
    /// Plain http to `127.0.0.0/8`, `::1` and `localhost` is always allowed.
    pub allow_plain_http: bool,
    /// Root certificates for a private certificate authority. Empty (the
    /// default) trusts the Mozilla root set built into the client; when set,
    /// these replace it — a client talks to one host, whose chain ends either
    /// in a public or in your private authority.
    pub root_certificates: Vec<RootCertificate>,
    /// An HTTP proxy URL (`http://proxy:3128`); default none. Environment
    /// variables such as `HTTPS_PROXY` are not read.
    pub proxy: Option<String>,
    /// The rules applied by the `*_input` operations (default lenient).
    pub validation_profile: ValidationProfile,
}

impl fmt::Debug for Config {
    /// URLs without user info or query; credentials as `Credentials`
    /// prints them (never the password).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &redact_url(&self.base_url))
            .field("credentials", &self.credentials)
            .field("client_id", &self.client_id)
            .field("api_version", &self.api_version)
            .field("accept_language", &self.accept_language)
            .field("user_agent", &self.user_agent)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry_policy", &self.retry_policy)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_plain_http", &self.allow_plain_http)
            .field("root_certificates", &self.root_certificates.len())
            .field("proxy", &self.proxy.as_deref().map(redact_url))
            .field("validation_profile", &self.validation_profile)
            .finish()
    }
}

impl Config {
    /// A config for `base_url` with every other field at its default.
    pub fn new(base_url: impl Into<String>) -> Self {
        Config {
            base_url: base_url.into(),
            credentials: Credentials::None,
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            api_version: None,
            accept_language: DEFAULT_ACCEPT_LANGUAGE.to_owned(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry_policy: RetryPolicy::new(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_plain_http: false,
            root_certificates: Vec::new(),
            proxy: None,
            validation_profile: ValidationProfile::default(),
        }
    }

    /// A config for the vendor's staging server ([`STAGING_BASE_URL`]).
    pub fn staging() -> Self {
        Self::new(STAGING_BASE_URL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secrets() {
        let mut config = Config::staging();
        config.credentials = Credentials::digest("partner", "pa55-w0rd");
        let shown = format!("{config:?}");
        assert!(shown.contains("partner"));
        assert!(!shown.contains("pa55-w0rd"));
        let preset = Credentials::preset("Bearer t0ken-xyz");
        assert!(!format!("{preset:?}").contains("t0ken"));
    }

    #[test]
    fn defaults_are_finite_and_documented() {
        let config = Config::new("https://example.com");
        assert_eq!(config.connect_timeout, Duration::from_secs(10));
        assert_eq!(config.timeout, Duration::from_secs(30));
        assert_eq!(config.max_response_bytes, 65_536);
        assert_eq!(config.client_id, "web");
        assert_eq!(config.accept_language, "tr");
        assert!(!config.allow_plain_http);
    }
}
