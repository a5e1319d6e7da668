//! The one error type of the client, sorted by what the caller should do.
//!
//! | variant | what happened | what to do |
//! |---|---|---|
//! | [`Error::Validation`] | the input broke a field rule; **nothing was sent** | fix the named fields |
//! | [`Error::Invalid`] | 422: the server refused the parameters, with its field messages | fix the named fields |
//! | [`Error::Api`] | 404, another 4xx or 3xx, `success: false` | fix the request or the id |
//! | [`Error::Authentication`] | wrong username or password, 403, an unusable challenge | fix the credentials |
//! | [`Error::RateLimited`] | 429 after the retries | wait `retry_after`, then try again |
//! | [`Error::Server`] | 5xx after the retries | try again later |
//! | [`Error::Transport`] | DNS, connect, TLS, timeout, broken connection | check the network, the URL, the CA |
//! | [`Error::Protocol`] | a response too large, truncated or malformed | report it to the server's operator |
//! | [`Error::Config`] | a bad base URL, plain http, a header value, a certificate | fix the [`Config`](crate::Config) |
//!
//! `Display` is one line that says what went wrong and what to do; the
//! underlying cause (an I/O error, a TLS error, a decode error) is reached
//! through [`std::error::Error::source`], never repeated in the line.

use std::error::Error as StdError;
use std::fmt;

use minted_connect_core::call::AuthFailure;
use minted_connect_core::json::{ApiError, InvalidDetails};
use minted_connect_core::request::HeaderValueError;
use minted_connect_core::validate::ValidationErrors;

/// A boxed cause.
pub(crate) type Cause = Box<dyn StdError + Send + Sync + 'static>;

/// Why an operation failed; see the [module docs](self) for what to do.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The input broke one or more field rules (every failing field is
    /// listed), or the external customer id is empty, too long or contains
    /// control characters. Nothing was sent.
    Validation(ValidationErrors),
    /// The API answered `422`: it refused the parameters. What it said, its
    /// message and per-field messages, as far as they could be read. Boxed:
    /// the details hold the messages in fixed-capacity fields (about
    /// 1.6 KB).
    Invalid(Box<InvalidDetails>),
    /// The API answered with another error about this request: `404`
    /// ([`ApiError::NotFound`]), another 4xx or a redirect
    /// ([`ApiError::UnexpectedStatus`]; redirects are never followed), or
    /// `success: false` ([`ApiError::Rejected`]). Boxed: a rejection keeps
    /// the server's message (up to 192 bytes).
    Api(Box<ApiError>),
    /// Authentication failed: the username or password was refused, the
    /// server answered 403, or its challenge could not be answered.
    Authentication(AuthFailure),
    /// The server answered `429` on every attempt, or asked to wait longer
    /// than the retry policy allows.
    RateLimited {
        /// The server's `Retry-After`, in seconds, if it sent one.
        retry_after: Option<u32>,
    },
    /// The server answered 5xx on every attempt (or for a create, which is
    /// not repeated once it may have arrived).
    Server {
        /// The last status code.
        status: u16,
        /// How many requests the operation made.
        requests: u16,
    },
    /// The exchange failed below HTTP: DNS, connect, TLS, a timeout, a
    /// broken connection. The cause is the [`source`](StdError::source).
    Transport(TransportError),
    /// The server's response could not be used: larger than the limit,
    /// truncated, or malformed.
    Protocol(ProtocolError),
    /// The configuration cannot work; nothing was sent.
    Config(ConfigError),
    /// A bug in this crate or the core (a body that does not fit its
    /// buffer, steps made out of order). Please report it.
    Internal(Cause),
}

impl Error {
    /// Whether trying the same operation again later may succeed (rate
    /// limits, server errors, transport failures).
    pub fn is_temporary(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::Server { .. } => true,
            Error::Transport(error) => error.kind != TransportErrorKind::Tls,
            Error::Protocol(error) => error.kind == ProtocolErrorKind::Truncated,
            _ => false,
        }
    }

    /// Whether the API answered `404 Not Found`.
    pub fn is_not_found(&self) -> bool {
        matches!(self.api(), Some(ApiError::NotFound))
    }

    /// What a 422 said, for [`Error::Invalid`].
    pub fn invalid_details(&self) -> Option<&InvalidDetails> {
        match self {
            Error::Invalid(details) => Some(details),
            _ => None,
        }
    }

    /// The API's answer, for [`Error::Api`].
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(error) => Some(error),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(errors) => write!(f, "invalid input, nothing was sent: {errors}"),
            Error::Invalid(details) => {
                write!(f, "the API refused the parameters (422): {details}")
            }
            Error::Api(error) => match **error {
                ApiError::NotFound => {
                    f.write_str("customer not found (404): check the external customer id")
                }
                _ => write!(f, "the API refused the request: {error}"),
            },
            Error::Authentication(failure) => {
                write!(f, "authentication failed: {failure}; check the credentials")
            }
            Error::RateLimited {
                retry_after: Some(secs),
            } => write!(f, "rate limited (429): wait {secs} s before trying again"),
            Error::RateLimited { retry_after: None } => {
                f.write_str("rate limited (429): slow down and try again later")
            }
            Error::Server { status, requests } => write!(
                f,
                "server error {status} after {requests} request(s): try again later"
            ),
            Error::Transport(error) => error.fmt(f),
            Error::Protocol(error) => error.fmt(f),
            Error::Config(error) => error.fmt(f),
            Error::Internal(_) => {
                f.write_str("internal error in minted-connect: please report this bug")
            }
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            // Their text is already in the line.
            Error::Validation(_)
            | Error::Invalid(_)
            | Error::Api(_)
            | Error::Authentication(_)
            | Error::RateLimited { .. }
            | Error::Server { .. } => None,
            Error::Transport(error) => error.source(),
            Error::Protocol(error) => error.source(),
            Error::Config(error) => error.source(),
            Error::Internal(cause) => Some(cause.as_ref()),
        }
    }
}

impl From<ValidationErrors> for Error {
    fn from(errors: ValidationErrors) -> Self {
        Error::Validation(errors)
    }
}

impl From<ConfigError> for Error {
    fn from(error: ConfigError) -> Self {
        Error::Config(error)
    }
}

/// What kind of transport failure happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The host name did not resolve. Nothing was sent.
    Dns,
    /// The connection was refused or could not be made. Nothing was sent.
    Connect,
    /// The TLS handshake failed: an untrusted or mismatched certificate, no
    /// common protocol. Nothing was sent.
    Tls,
    /// A timeout ([`Config::connect_timeout`](crate::Config::connect_timeout)
    /// or [`Config::timeout`](crate::Config::timeout)) expired.
    Timeout,
    /// The connection broke while the request or the response was under way.
    Io,
    /// The proxy refused or failed the connection.
    Proxy,
}

/// A failure below HTTP, with its cause as [`source`](StdError::source).
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    target: String,
    cause: Cause,
}

impl TransportError {
    pub(crate) fn new(kind: TransportErrorKind, target: &str, cause: Cause) -> Self {
        TransportError {
            kind,
            target: target.to_owned(),
            cause,
        }
    }

    /// What kind of failure it was.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = &self.target;
        match self.kind {
            TransportErrorKind::Dns => write!(
                f,
                "cannot resolve the host of {target}: check the base URL and the DNS settings"
            ),
            TransportErrorKind::Connect => write!(
                f,
                "cannot connect to {target}: check that the server is up and reachable"
            ),
            TransportErrorKind::Tls => write!(
                f,
                "TLS handshake with {target} failed: the certificate is not trusted or not for \
                 this host (a private CA goes in root_certificates)"
            ),
            TransportErrorKind::Timeout => write!(
                f,
                "{target} did not answer in time: try again later or raise the timeout"
            ),
            TransportErrorKind::Io => write!(
                f,
                "the connection to {target} broke during the exchange: try again"
            ),
            TransportErrorKind::Proxy => {
                write!(
                    f,
                    "the proxy failed the connection to {target}: check the proxy"
                )
            }
        }
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(self.cause.as_ref())
    }
}

/// What was wrong with a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtocolErrorKind {
    /// The body is longer than
    /// [`Config::max_response_bytes`](crate::Config::max_response_bytes);
    /// it was not read further.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The connection closed before the body was complete.
    Truncated,
    /// The HTTP framing (status line, headers, chunks) is broken.
    MalformedHttp,
    /// The body is not the JSON envelope the API documents.
    MalformedBody,
}

/// An unusable response, with its cause (if any) as
/// [`source`](StdError::source).
#[derive(Debug)]
pub struct ProtocolError {
    kind: ProtocolErrorKind,
    cause: Option<Cause>,
}

impl ProtocolError {
    pub(crate) fn new(kind: ProtocolErrorKind, cause: Option<Cause>) -> Self {
        ProtocolError { kind, cause }
    }

    /// What was wrong.
    pub fn kind(&self) -> ProtocolErrorKind {
        self.kind
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ProtocolErrorKind::TooLarge { limit } => write!(
                f,
                "the response is larger than the {limit}-byte limit: raise max_response_bytes \
                 only if the server is trusted"
            ),
            ProtocolErrorKind::Truncated => {
                f.write_str("the response ended before its body was complete: try again")
            }
            ProtocolErrorKind::MalformedHttp => f.write_str(
                "the server sent a malformed HTTP response: check the base URL points at the API",
            ),
            ProtocolErrorKind::MalformedBody => f.write_str(
                "the server's response is not the API's JSON: check the base URL and api-version",
            ),
        }
    }
}

impl StdError for ProtocolError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.cause
            .as_deref()
            .map(|cause| cause as &(dyn StdError + 'static))
    }
}

/// A configuration that cannot work; found before any I/O.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not an absolute `https` (or `http`) URL without user
    /// info, query or fragment.
    BaseUrl {
        /// The URL as configured.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Plain `http` to a host that is not loopback, without
    /// [`Config::allow_plain_http`](crate::Config::allow_plain_http).
    PlainHttpRefused {
        /// The host.
        host: String,
    },
    /// A header value (client id, api-version, language, user agent, a
    /// preset `Authorization`) contains a control character or surrounding
    /// whitespace, or the client id is empty.
    Header(HeaderValueError),
    /// A root certificate could not be read.
    Certificate(Cause),
    /// The proxy URL could not be read.
    Proxy(Cause),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::BaseUrl { url, reason } => {
                write!(f, "invalid base URL {url:?}: {reason}")
            }
            ConfigError::PlainHttpRefused { host } => write!(
                f,
                "plain http to {host} is refused: use https (or set allow_plain_http)"
            ),
            ConfigError::Header(error) => {
                write!(f, "invalid configuration: {error}")
            }
            ConfigError::Certificate(_) => {
                f.write_str("a root certificate cannot be read: give one DER or PEM certificate")
            }
            ConfigError::Proxy(_) => {
                f.write_str("the proxy URL cannot be used: give http://host:port")
            }
        }
    }
}

impl StdError for ConfigError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            ConfigError::BaseUrl { .. }
            | ConfigError::PlainHttpRefused { .. }
            | ConfigError::Header(_) => None,
            ConfigError::Certificate(cause) | ConfigError::Proxy(cause) => Some(cause.as_ref()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_is_one_line_and_causes_chain() {
        let io = || -> Cause { Box::new(std::io::Error::other("boom")) };
        let errors = [
            Error::Validation(ValidationErrors::new()),
            Error::Api(Box::new(ApiError::NotFound)),
            Error::Api(Box::new(ApiError::UnexpectedStatus { status: 307 })),
            Error::Authentication(AuthFailure::CredentialsRejected),
            Error::RateLimited {
                retry_after: Some(30),
            },
            Error::RateLimited { retry_after: None },
            Error::Server {
                status: 503,
                requests: 3,
            },
            Error::Transport(TransportError::new(
                TransportErrorKind::Tls,
                "https://x",
                io(),
            )),
            Error::Protocol(ProtocolError::new(ProtocolErrorKind::Truncated, Some(io()))),
            Error::Config(ConfigError::PlainHttpRefused {
                host: "example.com".into(),
            }),
            Error::Config(ConfigError::Certificate(io())),
            Error::Internal(io()),
            Error::Invalid(Box::default()),
        ];
        for error in &errors {
            let line = error.to_string();
            assert!(!line.is_empty() && !line.contains('\n'), "{line}");
            assert!(!line.contains("boom"), "the cause is not repeated: {line}");
        }
        for index in [7, 8, 10, 11] {
            let cause = errors[index].source().expect("a cause");
            assert_eq!(cause.to_string(), "boom");
        }
        assert!(errors[9].source().is_none() && errors[1].source().is_none());
        assert!(errors[1].is_not_found());
        assert!(errors[6].is_temporary() && !errors[7].is_temporary());
        assert!(errors[12].invalid_details().is_some() && errors[12].api().is_none());
        assert!(errors[12].to_string().contains("422"));
    }
}
