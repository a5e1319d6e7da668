//! Why an operation failed: the same seven classes as the desktop transport,
//! generic over the connection's error.
//!
//! Nothing here holds personal data: the API errors and the core's errors
//! mask it themselves, and the connection error is the connection's own
//! (an `EspError` on the device: an error code).

use core::fmt;

use minted_connect_core::call::{AuthFailure, CallError, TransportFailure};
use minted_connect_core::json::{ApiError, DecodeError, EncodeError};
use minted_connect_core::request::{HeaderValueError, PathError};

/// Why an operation failed. `E` is the connection's error
/// (`<C as embedded_svc::io::ErrorType>::Error`).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The request could not be built from the given values: an invalid
    /// customer id, a header value, a body too large, a URL too long.
    /// Nothing was sent.
    Validation(InvalidRequest),
    /// The API answered with an error: not found (404), invalid parameters
    /// (422, with the server's per-field messages), `success: false`, or an
    /// unexpected status.
    Api(ApiError),
    /// Authentication failed (refused credentials, `403`, an unusable
    /// challenge). The digest session is cleared where the core decides so.
    Authentication(AuthFailure),
    /// `429` after the retries, or with a `Retry-After` longer than the
    /// policy honours.
    RateLimited {
        /// The server's `Retry-After` in seconds, when it sent one.
        retry_after: Option<u32>,
    },
    /// A `5xx` after the retries (or at once, for a create).
    Server {
        /// The status code.
        status: u16,
    },
    /// The connection failed and the call gave up (after the retries it
    /// allows; never for a create whose request may have arrived).
    Transport(TransportError<E>),
    /// The response could not be used: too large for the lent buffer, cut
    /// short, or a body that does not decode.
    Protocol(ProtocolError),
}

/// A request that could not be built. Nothing was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum InvalidRequest {
    /// The external customer id broke its rule (or the path buffer is too small).
    Path(PathError),
    /// A header value from the settings or a preset `Authorization` is unsafe.
    Header(HeaderValueError),
    /// The body does not fit its buffer.
    Encode(EncodeError),
    /// The base URL and the path do not fit [`MAX_URL_LEN`](crate::url::MAX_URL_LEN)
    /// (cannot happen with a checked base URL; kept for safety).
    UrlTooLong,
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidRequest::Path(error) => error.fmt(f),
            InvalidRequest::Header(error) => error.fmt(f),
            InvalidRequest::Encode(error) => error.fmt(f),
            InvalidRequest::UrlTooLong => f.write_str("the request URL does not fit its buffer"),
        }
    }
}

impl core::error::Error for InvalidRequest {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            InvalidRequest::Path(error) => Some(error),
            InvalidRequest::Header(error) => Some(error),
            InvalidRequest::Encode(error) => Some(error),
            InvalidRequest::UrlTooLong => None,
        }
    }
}

/// Which step of the exchange the connection failed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Stage {
    /// `initiate_request`: connecting, TLS, sending the request head
    /// (reported to the core as [`TransportFailure::NotSent`]).
    Open,
    /// Writing the request body.
    SendBody,
    /// `initiate_response`: finishing the request and reading the response head.
    Receive,
    /// Reading the response body.
    ReadBody,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Open => "opening the request",
            Stage::SendBody => "sending the request body",
            Stage::Receive => "receiving the response head",
            Stage::ReadBody => "reading the response body",
        })
    }
}

/// The connection's error, where it happened, and what the core was told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransportError<E> {
    /// The step that failed.
    pub stage: Stage,
    /// What the core was told (it decided not to retry, or the retries ran out).
    pub failure: TransportFailure,
    /// The connection's error.
    pub source: E,
}

impl<E: fmt::Display> fmt::Display for TransportError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "connection failed while {}: {}", self.stage, self.source)?;
        match self.failure {
            TransportFailure::NotSent => f.write_str(" (the request was not sent)"),
            TransportFailure::MaybeSent => {
                f.write_str(" (the request may have reached the server)")
            }
            TransportFailure::ResponseUnusable => f.write_str(" (the response was unusable)"),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for TransportError<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// A response that could not be used (or a connection that broke the
/// `Connection` contract without an error of its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ProtocolError {
    /// The body is larger than the lent response buffer (known from
    /// `Content-Length`, or found by reading one byte past the buffer; the
    /// rest is not read).
    BodyTooLarge {
        /// The size of the response buffer.
        limit: usize,
    },
    /// The body ended before its `Content-Length`.
    BodyTruncated {
        /// The announced length.
        expected: u64,
        /// The bytes received.
        received: usize,
    },
    /// The body is not the JSON the API documents.
    Malformed(DecodeError),
    /// The connection accepted zero bytes of the request body.
    WriteStalled,
    /// The connection is still in the request phase after an earlier
    /// failure and cannot start a new request (esp-idf-svc would panic).
    /// Give the client a fresh one ([`EspClient::replace_connection`](crate::EspClient::replace_connection)),
    /// or let it open one itself ([`EspClient::with_reconnect`](crate::EspClient::with_reconnect)).
    ConnectionStuck,
    /// The connection reported success from `initiate_response` but no
    /// response is initiated (a broken `Connection` implementation).
    ResponseNotInitiated,
    /// The core reported its steps out of order, or an error this version
    /// of the transport does not know (a bug: please report it).
    Internal,
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::BodyTooLarge { limit } => {
                write!(
                    f,
                    "the response body is larger than the {limit}-byte buffer"
                )
            }
            ProtocolError::BodyTruncated { expected, received } => write!(
                f,
                "the response body ended after {received} of {expected} bytes"
            ),
            ProtocolError::Malformed(error) => write!(f, "the response body is malformed: {error}"),
            ProtocolError::WriteStalled => f.write_str("the connection accepted no bytes"),
            ProtocolError::ConnectionStuck => {
                f.write_str("the connection is stuck mid-request after an earlier failure")
            }
            ProtocolError::ResponseNotInitiated => {
                f.write_str("the connection did not initiate the response")
            }
            ProtocolError::Internal => f.write_str("internal error in the call driver"),
        }
    }
}

impl core::error::Error for ProtocolError {}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(error) => write!(f, "invalid request: {error}"),
            Error::Api(error) => write!(f, "the API refused the request: {error}"),
            Error::Authentication(error) => write!(f, "authentication failed: {error}"),
            Error::RateLimited {
                retry_after: Some(secs),
            } => write!(f, "rate limited (retry after {secs} s)"),
            Error::RateLimited { retry_after: None } => f.write_str("rate limited"),
            Error::Server { status } => write!(f, "server error ({status})"),
            Error::Transport(error) => error.fmt(f),
            Error::Protocol(error) => error.fmt(f),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Error::Validation(error) => Some(error),
            Error::Api(error) => Some(error),
            Error::Transport(error) => Some(&error.source),
            Error::Protocol(error) => Some(error),
            Error::Authentication(_) | Error::RateLimited { .. } | Error::Server { .. } => None,
        }
    }
}

impl<E> Error<E> {
    /// The error the core's verdict maps to.
    pub(crate) fn from_call(error: CallError) -> Self {
        match error {
            CallError::Header(error) => Error::Validation(InvalidRequest::Header(error)),
            CallError::Path(error) => Error::Validation(InvalidRequest::Path(error)),
            CallError::Encode(error) => Error::Validation(InvalidRequest::Encode(error)),
            CallError::Authentication(failure) => Error::Authentication(failure),
            CallError::Api(error) => Self::from_api(error),
            _ => Error::Protocol(ProtocolError::Internal),
        }
    }

    fn from_api(error: ApiError) -> Self {
        match error {
            ApiError::RateLimited { retry_after } => Error::RateLimited { retry_after },
            ApiError::Server { status } => Error::Server { status },
            ApiError::Malformed(error) => Error::Protocol(ProtocolError::Malformed(error)),
            other => Error::Api(other),
        }
    }

    /// Whether the request may have reached the server (relevant for a
    /// create that failed: look the customer up before creating it again).
    pub fn may_have_been_sent(&self) -> bool {
        match self {
            Error::Validation(_) => false,
            Error::Transport(error) => error.failure != TransportFailure::NotSent,
            _ => true,
        }
    }
}
