//! The sans-IO driver of one operation, shared by every transport.
//!
//! A [`Call`] owns every protocol decision of one update, get, create or
//! remove: the request's method, path, headers and body; digest
//! authentication (answering a challenge, pre-emptive reuse, stale nonces);
//! which failures are retried and how long to wait; and decoding the answer
//! into a typed result. A transport only moves bytes.
//!
//! # The transport contract, in order
//! 1. [`Call::new`] — checks the settings, builds the path and encodes the
//!    body. An error here means nothing may be sent.
//! 2. [`Call::request`] — the [`Request`] to send: method, path (append it
//!    to the base URL), header pairs (send all, in order, exactly as given;
//!    they include `Authorization` and `Content-Length`), body.
//! 3. Send it and read the response. Then either
//!    - [`Call::response`] with the status, every `WWW-Authenticate` value,
//!      `Authentication-Info`, `Retry-After` and the whole body; or, when the
//!      exchange broke,
//!    - [`Call::transport_failed`] with a [`TransportFailure`]:
//!      [`NotSent`](TransportFailure::NotSent) when the request cannot have
//!      reached the server (connect, DNS or TLS failed; the head was not
//!      written), [`MaybeSent`](TransportFailure::MaybeSent) when it may have
//!      (a write, a read or a timeout after the head went out; a body cut
//!      short), [`ResponseUnusable`](TransportFailure::ResponseUnusable)
//!      when a response arrived but cannot be handed over (larger than the
//!      transport's limit, not HTTP).
//! 4. [`Step::SendAgain`] / [`FailureDecision::Retry`]: wait `delay_ms`
//!    (through a [`Delay`] or a sleep) and go back to 2.
//!    [`Step::Done`] or an error ends the call; so does
//!    [`FailureDecision::GiveUp`], after which the transport reports its own
//!    error for the failure.
//!
//! Calling these out of order gives [`CallError::OutOfOrder`] (or
//! `GiveUp`), never a panic.
//!
//! # What is retried
//! At most [`RetryPolicy::max_attempts`] attempts in all (default 3), with
//! exponential backoff and jitter:
//!
//! | failure | update | get, remove | create |
//! |---|---|---|---|
//! | not sent (connect, DNS, TLS) | retried | retried | retried |
//! | 429 (`Retry-After` in seconds up to [`RetryPolicy::max_retry_after_s`]), 502, 503, 504 | retried | retried | not retried |
//! | may have been sent (timeout, connection cut, body cut short) | not retried | not retried | not retried |
//! | response unusable (too large, not HTTP) | not retried | not retried | not retried |
//!
//! Update is retried because it sends the full required set, so a repeat
//! leaves the same record; create never is once its body may have arrived,
//! since a second delivery could create a second customer. A request that
//! may have been sent is not repeated so that every failure ends within the
//! transport's timeout (plus the waits). Authentication resends do not count
//! as attempts; they are bounded by [`MAX_AUTH_RESENDS`].
//!
//! # Digest authentication
//! The [`DigestSession`] outlives the call: after the first challenge every
//! request carries `Authorization` pre-emptively, so an operation costs one
//! round trip. A 401 answers as follows: to a request without
//! `Authorization`, or one that reused an older nonce → resend with the new
//! challenge; with `stale=true` → resend with the new nonce; to a request
//! that answered a fresh challenge, without `stale` → the credentials were
//! rejected. `Authentication-Info: nextnonce` is followed.
//!
//! ```
//! use minted_connect_core::call::{Authentication, Call, CallBuffers, Operation, Outcome,
//!     Response, RetryPolicy, Step};
//! use minted_connect_core::auth::{CnonceSource, DigestSession};
//! use minted_connect_core::request::RequestSettings;
//!
//! struct Counter(u8);
//! impl CnonceSource for Counter {
//!     fn fill_bytes(&mut self, dest: &mut [u8]) {
//!         dest.iter_mut().for_each(|b| { self.0 = self.0.wrapping_add(1); *b = self.0 });
//!     }
//! }
//!
//! let settings = RequestSettings::new();
//! let mut session = DigestSession::new();
//! let mut buffers = CallBuffers::new();
//! let mut rng = Counter(0);
//! let mut call = Call::new(Operation::Get { id: "MTD0018232" }, &settings,
//!     Authentication::None, &mut session, RetryPolicy::new(), &mut buffers)?;
//!
//! let request = call.request(&mut rng)?;
//! assert_eq!((request.method.as_str(), request.path), ("GET", "/partner/customer/MTD0018232"));
//! drop(request); // it borrows the call's buffers until it has been sent
//!
//! let body = br#"{"data":{"external_id":"MTD0018232"},"success":true,"code":0,"message":""}"#;
//! match call.response(&Response::new(200, body), &mut rng)? {
//!     Step::Done(Outcome::Customer) => {
//!         assert_eq!(call.customer().external_id.as_deref(), Some("MTD0018232"))
//!     }
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), minted_connect_core::call::CallError>(())
//! ```

use core::fmt;

use heapless::Vec;

use crate::auth::{
    ChallengeError, CnonceSource, Credentials, DigestError, DigestSession, MAX_AUTHORIZATION_LEN,
    find_digest_challenge,
};
use crate::json::{
    ApiError, EncodeError, InvalidDetails, MAX_CREATE_BODY_LEN, MAX_UPDATE_BODY_LEN,
    decode_customer_response_into, decode_remove_response, encode_create, encode_update,
    invalid_details_into,
};
use crate::log::{log_debug, log_warn};
use crate::model::{Customer, CustomerCreate, CustomerUpdate};
use crate::request::{
    CUSTOMER_COLLECTION_PATH, HeaderValueError, MAX_PATH_LEN, MAX_REQUEST_HEADERS, Method,
    PathError, RequestSettings, check_header_value, customer_path, write_decimal,
};

/// The most times one call resends because of a digest challenge (a first
/// challenge, then a stale nonce), so no server can make a client loop.
pub const MAX_AUTH_RESENDS: u8 = 2;

/// The largest body any operation sends.
pub const MAX_BODY_LEN: usize = if MAX_CREATE_BODY_LEN > MAX_UPDATE_BODY_LEN {
    MAX_CREATE_BODY_LEN
} else {
    MAX_UPDATE_BODY_LEN
};

/// One operation of the customer API.
#[derive(Clone, Copy, Debug)]
pub enum Operation<'a> {
    /// `PATCH /partner/customer/{id}`.
    Update {
        /// The external customer id.
        id: &'a str,
        /// The validated body.
        customer: &'a CustomerUpdate,
    },
    /// `GET /partner/customer/{id}`.
    Get {
        /// The external customer id.
        id: &'a str,
    },
    /// `POST /partner/customer`.
    Create {
        /// The validated body, with its `external_id`.
        customer: &'a CustomerCreate,
    },
    /// `DELETE /partner/customer/{id}` (inferred; the page is not public).
    Remove {
        /// The external customer id.
        id: &'a str,
    },
}

impl Operation<'_> {
    /// The HTTP method.
    pub const fn method(&self) -> Method {
        match self {
            Operation::Update { .. } => Method::Patch,
            Operation::Get { .. } => Method::Get,
            Operation::Create { .. } => Method::Post,
            Operation::Remove { .. } => Method::Delete,
        }
    }

    /// Whether sending it twice leaves the same result as sending it once,
    /// so that it may be resent after it may have reached the server.
    pub const fn is_repeatable(&self) -> bool {
        !matches!(self, Operation::Create { .. })
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Operation<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        // The ids are the partner's keys, not personal data; bodies are.
        match self {
            Operation::Update { id, .. } => defmt::write!(f, "Update {{ id: {=str} }}", id),
            Operation::Get { id } => defmt::write!(f, "Get {{ id: {=str} }}", id),
            Operation::Create { customer } => {
                defmt::write!(
                    f,
                    "Create {{ external_id: {=str} }}",
                    customer.external_id()
                )
            }
            Operation::Remove { id } => defmt::write!(f, "Remove {{ id: {=str} }}", id),
        }
    }
}

/// How requests authenticate.
#[derive(Clone, Copy, Default)]
pub enum Authentication<'a> {
    /// No `Authorization` header.
    #[default]
    None,
    /// HTTP Digest (RFC 7616) with the partner's username and password.
    Digest(Credentials<'a>),
    /// A pre-computed `Authorization` value, sent as given.
    Preset(&'a str),
}

impl fmt::Debug for Authentication<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Authentication::None => f.write_str("None"),
            Authentication::Digest(credentials) => {
                f.debug_tuple("Digest").field(credentials).finish()
            }
            Authentication::Preset(_) => f.write_str("Preset(<redacted>)"),
        }
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Authentication<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        match self {
            Authentication::None => defmt::write!(f, "None"),
            Authentication::Digest(credentials) => defmt::write!(f, "Digest({})", credentials),
            Authentication::Preset(_) => defmt::write!(f, "Preset(<redacted>)"),
        }
    }
}

/// When and how long to retry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u8,
    /// The wait before the first retry; doubled for each later one.
    pub base_delay_ms: u32,
    /// The longest computed wait.
    pub max_delay_ms: u32,
    /// The longest `Retry-After` honoured, in seconds; a server asking for
    /// more ends the call with [`ApiError::RateLimited`] or
    /// [`ApiError::Server`] so the caller can decide.
    pub max_retry_after_s: u32,
}

impl RetryPolicy {
    /// 3 attempts, 200 ms doubling up to 5 s, `Retry-After` up to 30 s.
    pub const fn new() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay_ms: 200,
            max_delay_ms: 5_000,
            max_retry_after_s: 30,
        }
    }

    /// One attempt, no retries.
    pub const fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::new()
        }
    }

    /// The wait before retry number `retry` (1-based): `base × 2^(retry-1)`
    /// capped at `max_delay_ms`, then "equal jitter" — half fixed, half
    /// random — so kiosks that failed together do not retry together.
    fn backoff_ms(&self, retry: u8, rng: &mut dyn CnonceSource) -> u32 {
        let shift = u32::from(retry.saturating_sub(1)).min(16);
        let full = self
            .base_delay_ms
            .saturating_mul(1 << shift)
            .min(self.max_delay_ms);
        let half = full / 2;
        let mut random = [0u8; 4];
        rng.fill_bytes(&mut random);
        let jitter = u32::from_le_bytes(random)
            .checked_rem(full - half + 1)
            .unwrap_or(0);
        half + jitter
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new()
    }
}

/// The buffers of a call: body, path, `Authorization`, the
/// `Content-Length` digits, the decoded record and a 422's details. About
/// 11 KiB; a client keeps one (in a `static` on a kiosk) and lends it to
/// each call, so that no stack frame holds a body, a `Customer` or
/// [`InvalidDetails`].
pub struct CallBuffers {
    body: [u8; MAX_BODY_LEN],
    path: [u8; MAX_PATH_LEN],
    authorization: [u8; MAX_AUTHORIZATION_LEN],
    content_length: [u8; 20],
    customer: Customer,
    invalid: InvalidDetails,
}

impl CallBuffers {
    /// Zeroed buffers.
    pub const fn new() -> Self {
        CallBuffers {
            body: [0; MAX_BODY_LEN],
            path: [0; MAX_PATH_LEN],
            authorization: [0; MAX_AUTHORIZATION_LEN],
            content_length: [0; 20],
            customer: Customer::new(),
            invalid: InvalidDetails::new(),
        }
    }

    /// The record of the last call that ended in [`Outcome::Customer`].
    pub fn customer(&self) -> &Customer {
        &self.customer
    }

    /// Moves that record out (leaving an empty one).
    pub fn take_customer(&mut self) -> Customer {
        core::mem::take(&mut self.customer)
    }

    /// What the body of the last call that ended in [`ApiError::Invalid`]
    /// (a 422) said: the server's message and per-field messages.
    pub fn invalid_details(&self) -> &InvalidDetails {
        &self.invalid
    }
}

impl Default for CallBuffers {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for CallBuffers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // They hold personal data and credentials.
        f.write_str("CallBuffers { .. }")
    }
}

/// The request a transport sends now.
#[derive(Clone)]
pub struct Request<'c> {
    /// The method.
    pub method: Method,
    /// The request target, to append to the base URL (already encoded).
    pub path: &'c str,
    /// Every header to send, in order. `Host` is the transport's.
    pub headers: Vec<(&'static str, &'c str), MAX_REQUEST_HEADERS>,
    /// The body (empty for get and remove).
    pub body: &'c [u8],
}

/// What the call needs of a response.
#[derive(Clone, Copy)]
pub struct Response<'r> {
    /// The status code.
    pub status: u16,
    /// Every `WWW-Authenticate` value (one per header line).
    pub www_authenticate: &'r [&'r str],
    /// `Authentication-Info`, if any.
    pub authentication_info: Option<&'r str>,
    /// `Retry-After`, if any.
    pub retry_after: Option<&'r str>,
    /// The whole body, de-chunked.
    pub body: &'r [u8],
}

impl fmt::Debug for Request<'_> {
    /// Header names only (`Authorization` is a credential) and the body's
    /// length (it holds personal data).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Names<'h, 'c>(&'h [(&'static str, &'c str)]);
        impl fmt::Debug for Names<'_, '_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list()
                    .entries(self.0.iter().map(|(name, _)| name))
                    .finish()
            }
        }
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &Names(&self.headers))
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl fmt::Debug for Response<'_> {
    /// The body's length only: it holds personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("www_authenticate", &self.www_authenticate)
            .field("authentication_info", &self.authentication_info)
            .field("retry_after", &self.retry_after)
            .field("body_len", &self.body.len())
            .finish()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Request<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        // Headers carry credentials and the body personal data.
        defmt::write!(
            f,
            "Request {{ method: {}, path: {=str}, headers: {=usize}, body: {=usize} bytes }}",
            self.method,
            self.path,
            self.headers.len(),
            self.body.len()
        )
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Response<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Response {{ status: {=u16}, challenges: {=usize}, body: {=usize} bytes }}",
            self.status,
            self.www_authenticate.len(),
            self.body.len()
        )
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for CallBuffers {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "CallBuffers {{ .. }}")
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Call<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Call {{ method: {}, attempts: {=u8}, auth_resends: {=u8}, requests: {=u16} }}",
            self.operation.method(),
            self.attempts,
            self.auth_resends,
            self.requests
        )
    }
}

impl<'r> Response<'r> {
    /// The parts of a response read by the core's own codec: every
    /// `WWW-Authenticate` line (up to `challenges.len()`, the rest ignored),
    /// `Authentication-Info`, `Retry-After` and the body.
    pub fn from_http(response: &crate::http::Response<'r>, challenges: &'r mut [&'r str]) -> Self {
        let mut count = 0;
        for (slot, value) in challenges
            .iter_mut()
            .zip(response.headers("WWW-Authenticate"))
        {
            *slot = value;
            count += 1;
        }
        Response {
            status: response.status(),
            www_authenticate: challenges.get(..count).unwrap_or(&[]),
            authentication_info: response.header("Authentication-Info"),
            retry_after: response.header("Retry-After"),
            body: response.body(),
        }
    }

    /// A response with only a status and a body.
    pub const fn new(status: u16, body: &'r [u8]) -> Self {
        Response {
            status,
            www_authenticate: &[],
            authentication_info: None,
            retry_after: None,
            body,
        }
    }
}

/// How an exchange broke (see the module's transport contract).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum TransportFailure {
    /// The request cannot have reached the server.
    NotSent,
    /// The request may have reached the server; no usable response came.
    MaybeSent,
    /// A response came but cannot be used (too large, not HTTP).
    ResponseUnusable,
}

/// The call's answer to a [`TransportFailure`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum FailureDecision {
    /// Wait, then ask for the request again.
    Retry {
        /// Milliseconds to wait.
        delay_ms: u32,
    },
    /// Stop; the transport reports its error.
    GiveUp,
}

/// Waits between attempts where there is no std clock (a kiosk's RTOS
/// delay, an embassy timer behind a blocking shim).
pub trait Delay {
    /// Blocks for `ms` milliseconds.
    fn delay_ms(&mut self, ms: u32);
}

impl<T: Delay + ?Sized> Delay for &mut T {
    fn delay_ms(&mut self, ms: u32) {
        (**self).delay_ms(ms);
    }
}

/// What the transport does after a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Step {
    /// Wait `delay_ms` (0 for an authentication resend) and send
    /// [`Call::request`] again.
    SendAgain {
        /// Milliseconds to wait.
        delay_ms: u32,
    },
    /// The operation succeeded.
    Done(Outcome),
}

/// The result of a successful operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Outcome {
    /// Update, get and create: the stored record is in
    /// [`Call::customer`] (and [`CallBuffers::customer`] once the call is
    /// gone) — decoded in place, never moved through the stack.
    Customer,
    /// Remove.
    Removed,
}

/// Why authentication failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum AuthFailure {
    /// The server refused the digest answer to a fresh challenge: wrong
    /// username or password.
    CredentialsRejected,
    /// 401 without digest authentication configured (none, or a preset
    /// `Authorization` the server refused).
    Unauthorized,
    /// 403: authenticated, but not allowed.
    Forbidden,
    /// A 401 whose challenges offer no usable digest.
    Challenge(ChallengeError),
    /// The challenge could not be answered (a field over its capacity).
    Digest(DigestError),
    /// The server kept challenging beyond [`MAX_AUTH_RESENDS`].
    TooManyChallenges,
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthFailure::CredentialsRejected => {
                f.write_str("the server rejected the username or password (HTTP 401)")
            }
            AuthFailure::Unauthorized => {
                f.write_str("the server requires authentication (HTTP 401)")
            }
            AuthFailure::Forbidden => f.write_str("access denied (HTTP 403)"),
            AuthFailure::Challenge(error) => write!(f, "unusable digest challenge: {error}"),
            AuthFailure::Digest(error) => write!(f, "cannot answer the digest challenge: {error}"),
            AuthFailure::TooManyChallenges => {
                f.write_str("the server kept asking for authentication")
            }
        }
    }
}

impl core::error::Error for AuthFailure {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            AuthFailure::Challenge(error) => Some(error),
            AuthFailure::Digest(error) => Some(error),
            _ => None,
        }
    }
}

/// Why a call ended without its result.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum CallError {
    /// A configured header value cannot be sent (nothing was sent).
    Header(HeaderValueError),
    /// The external customer id is invalid (nothing was sent).
    Path(PathError),
    /// The body did not fit (nothing was sent).
    Encode(EncodeError),
    /// Authentication failed.
    Authentication(AuthFailure),
    /// The API answered with an error (404, 422, 429, 5xx, …) or a body
    /// that could not be decoded.
    Api(ApiError),
    /// The transport called the call's methods out of order, or after it
    /// ended.
    OutOfOrder,
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Header(error) => error.fmt(f),
            CallError::Path(error) => error.fmt(f),
            CallError::Encode(error) => error.fmt(f),
            CallError::Authentication(error) => error.fmt(f),
            CallError::Api(error) => error.fmt(f),
            CallError::OutOfOrder => f.write_str("the transport drove the call out of order"),
        }
    }
}

impl core::error::Error for CallError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            CallError::Header(error) => Some(error),
            CallError::Path(error) => Some(error),
            CallError::Encode(error) => Some(error),
            CallError::Authentication(error) => Some(error),
            CallError::Api(error) => Some(error),
            CallError::OutOfOrder => None,
        }
    }
}

/// How the request in flight authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AuthUse {
    /// No `Authorization` (none configured, or no challenge yet).
    Without,
    /// A nonce from an earlier request or operation.
    Reused,
    /// The answer to a challenge this call just received.
    Fresh,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// [`Call::request`] is next.
    Ready,
    /// A request is out; [`Call::response`] or
    /// [`Call::transport_failed`] is next.
    Sent(AuthUse),
    /// The call ended.
    Finished,
}

/// The driver of one operation; see the [module documentation](self).
pub struct Call<'c> {
    operation: Operation<'c>,
    settings: &'c RequestSettings<'c>,
    authentication: Authentication<'c>,
    session: &'c mut DigestSession,
    policy: RetryPolicy,
    buffers: &'c mut CallBuffers,
    path_len: usize,
    body_len: usize,
    state: State,
    /// The digest session holds a challenge this call received.
    fresh_challenge: bool,
    attempts: u8,
    auth_resends: u8,
    requests: u16,
}

impl fmt::Debug for Call<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.operation.method())
            .field("state", &self.state)
            .field("attempts", &self.attempts)
            .field("auth_resends", &self.auth_resends)
            .field("requests", &self.requests)
            .finish_non_exhaustive()
    }
}

impl<'c> Call<'c> {
    /// Prepares `operation`: checks the header settings (and a preset
    /// `Authorization`), builds the path, encodes the body. Nothing may be
    /// sent when this fails.
    pub fn new(
        operation: Operation<'c>,
        settings: &'c RequestSettings<'c>,
        authentication: Authentication<'c>,
        session: &'c mut DigestSession,
        policy: RetryPolicy,
        buffers: &'c mut CallBuffers,
    ) -> Result<Self, CallError> {
        settings.check().map_err(CallError::Header)?;
        if let Authentication::Preset(value) = authentication {
            check_header_value("Authorization", value).map_err(CallError::Header)?;
        }
        let path_len = match operation {
            Operation::Update { id, .. } | Operation::Get { id } | Operation::Remove { id } => {
                customer_path(id, &mut buffers.path)
                    .map_err(CallError::Path)?
                    .len()
            }
            Operation::Create { .. } => {
                let path = CUSTOMER_COLLECTION_PATH.as_bytes();
                buffers
                    .path
                    .get_mut(..path.len())
                    .ok_or(CallError::Path(PathError::BufferTooSmall))?
                    .copy_from_slice(path);
                path.len()
            }
        };
        let body_len = match operation {
            Operation::Update { customer, .. } => {
                encode_update(customer, &mut buffers.body).map_err(CallError::Encode)?
            }
            Operation::Create { customer } => {
                encode_create(customer, &mut buffers.body).map_err(CallError::Encode)?
            }
            Operation::Get { .. } | Operation::Remove { .. } => 0,
        };
        Ok(Call {
            operation,
            settings,
            authentication,
            session,
            policy,
            buffers,
            path_len,
            body_len,
            state: State::Ready,
            fresh_challenge: false,
            attempts: 1,
            auth_resends: 0,
            requests: 0,
        })
    }

    /// The request to send now. `rng` supplies the digest cnonce.
    pub fn request(&mut self, rng: &mut dyn CnonceSource) -> Result<Request<'_>, CallError> {
        if self.state != State::Ready {
            return Err(CallError::OutOfOrder);
        }
        let method = self.operation.method();
        let CallBuffers {
            body,
            path,
            authorization,
            content_length,
            ..
        } = &mut *self.buffers;
        let path = path
            .get(..self.path_len)
            .and_then(|bytes| core::str::from_utf8(bytes).ok())
            .ok_or(CallError::OutOfOrder)?;
        let body: &[u8] = body.get(..self.body_len).ok_or(CallError::OutOfOrder)?;

        let (authorization, auth_use) = match self.authentication {
            Authentication::None => (None, AuthUse::Without),
            Authentication::Preset(value) => (Some(value), AuthUse::Without),
            Authentication::Digest(credentials) if self.session.has_challenge() => {
                let len = self
                    .session
                    .authorize(
                        &credentials,
                        method.as_str(),
                        path,
                        body,
                        rng,
                        authorization,
                    )
                    .map_err(|e| CallError::Authentication(AuthFailure::Digest(e)))?;
                let value = authorization
                    .get(..len)
                    .and_then(|bytes| core::str::from_utf8(bytes).ok())
                    .ok_or(CallError::Authentication(AuthFailure::Digest(
                        DigestError::BufferTooSmall,
                    )))?;
                let auth_use = if self.fresh_challenge {
                    AuthUse::Fresh
                } else {
                    AuthUse::Reused
                };
                (Some(value), auth_use)
            }
            Authentication::Digest(_) => (None, AuthUse::Without),
        };

        let settings = self.settings;
        let mut headers = Vec::new();
        let mut add = |pair| headers.push(pair).map_err(|_| CallError::OutOfOrder);
        let has_body = !body.is_empty();
        if has_body {
            add(("Content-Type", "application/json"))?;
        }
        add(("Accept", "application/json"))?;
        add(("x-client-id", settings.client_id))?;
        if let Some(version) = settings.api_version {
            add(("api-version", version))?;
        }
        add(("Accept-Language", settings.accept_language))?;
        add(("User-Agent", settings.user_agent))?;
        if has_body || matches!(method, Method::Patch | Method::Post) {
            add((
                "Content-Length",
                write_decimal(body.len() as u64, content_length),
            ))?;
        }
        if let Some(value) = authorization {
            add(("Authorization", value))?;
        }

        self.requests = self.requests.saturating_add(1);
        self.state = State::Sent(auth_use);
        log_debug!("minted: {} request {}", method.as_str(), self.requests);
        Ok(Request {
            method,
            path,
            headers,
            body,
        })
    }

    /// Takes the response to the request in flight and decides.
    pub fn response(
        &mut self,
        response: &Response<'_>,
        rng: &mut dyn CnonceSource,
    ) -> Result<Step, CallError> {
        let State::Sent(auth_use) = self.state else {
            return Err(CallError::OutOfOrder);
        };
        self.state = State::Finished;
        let status = response.status;
        log_debug!("minted: HTTP {}", status);

        let digest = matches!(self.authentication, Authentication::Digest(_));
        if digest && let Some(info) = response.authentication_info {
            self.session.accept_authentication_info(info);
        }
        match status {
            401 if digest => return self.challenged(response, auth_use, rng),
            401 => return Err(CallError::Authentication(AuthFailure::Unauthorized)),
            403 => return Err(CallError::Authentication(AuthFailure::Forbidden)),
            _ => {}
        }
        // A request that got past authentication settles the challenge.
        self.fresh_challenge = false;

        let retry_after = response.retry_after.and_then(parse_retry_after);
        if matches!(status, 429 | 502 | 503 | 504)
            && self.operation.is_repeatable()
            && self.attempts < self.policy.max_attempts
        {
            let delay_ms = match retry_after {
                Some(seconds) if seconds > self.policy.max_retry_after_s => None,
                Some(seconds) => Some(seconds.saturating_mul(1000)),
                None => Some(self.policy.backoff_ms(self.attempts, rng)),
            };
            if let Some(delay_ms) = delay_ms {
                self.attempts += 1;
                self.state = State::Ready;
                log_warn!("minted: HTTP {}, retrying in {} ms", status, delay_ms);
                return Ok(Step::SendAgain { delay_ms });
            }
        }

        if status == 422 {
            invalid_details_into(response.body, &mut self.buffers.invalid);
        }
        let outcome = match self.operation {
            Operation::Remove { .. } => decode_remove_response(status, response.body, retry_after)
                .map(|()| Outcome::Removed),
            _ => decode_customer_response_into(
                status,
                response.body,
                retry_after,
                &mut self.buffers.customer,
            )
            .map(|()| Outcome::Customer),
        };
        outcome.map(Step::Done).map_err(CallError::Api)
    }

    /// A 401 while digest is configured.
    fn challenged(
        &mut self,
        response: &Response<'_>,
        auth_use: AuthUse,
        rng: &mut dyn CnonceSource,
    ) -> Result<Step, CallError> {
        let fail = |failure| Err(CallError::Authentication(failure));
        let challenge = match find_digest_challenge(response.www_authenticate.iter().copied()) {
            Ok(challenge) => challenge,
            Err(error) => return fail(AuthFailure::Challenge(error)),
        };
        if auth_use == AuthUse::Fresh && !challenge.stale() {
            // Our answer to a challenge of this very call was refused.
            self.session.clear();
            return fail(AuthFailure::CredentialsRejected);
        }
        if self.auth_resends >= MAX_AUTH_RESENDS {
            self.session.clear();
            return fail(AuthFailure::TooManyChallenges);
        }
        if let Err(error) = self.session.accept_challenge(&challenge, rng) {
            return fail(AuthFailure::Digest(error));
        }
        self.auth_resends += 1;
        self.fresh_challenge = true;
        self.state = State::Ready;
        log_debug!("minted: digest challenge, resending");
        Ok(Step::SendAgain { delay_ms: 0 })
    }

    /// The exchange of the request in flight broke; decides whether to
    /// send it again.
    pub fn transport_failed(
        &mut self,
        failure: TransportFailure,
        rng: &mut dyn CnonceSource,
    ) -> FailureDecision {
        if !matches!(self.state, State::Sent(_)) {
            self.state = State::Finished;
            return FailureDecision::GiveUp;
        }
        // Only a request that cannot have arrived is sent again: after a
        // timeout or a cut response the server may still be working on it,
        // and a retry would also stretch the caller's timeout several times.
        let may_retry = failure == TransportFailure::NotSent;
        if may_retry && self.attempts < self.policy.max_attempts {
            let delay_ms = self.policy.backoff_ms(self.attempts, rng);
            self.attempts += 1;
            self.state = State::Ready;
            log_warn!("minted: transport failure, retrying in {} ms", delay_ms);
            FailureDecision::Retry { delay_ms }
        } else {
            self.state = State::Finished;
            FailureDecision::GiveUp
        }
    }

    /// The record decoded by the last [`Call::response`] that gave
    /// [`Outcome::Customer`] (empty before).
    pub fn customer(&self) -> &Customer {
        &self.buffers.customer
    }

    /// What the 422 that ended this call (with [`ApiError::Invalid`]) said;
    /// see [`CallBuffers::invalid_details`].
    pub fn invalid_details(&self) -> &InvalidDetails {
        &self.buffers.invalid
    }

    /// How many requests this call has handed out so far.
    pub fn requests_made(&self) -> u16 {
        self.requests
    }
}

/// `Retry-After` in seconds. An HTTP-date needs a clock the core does not
/// have, so it counts as absent (the backoff applies).
fn parse_retry_after(value: &str) -> Option<u32> {
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(value.parse::<u32>().unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    extern crate std;

    use std::string::{String, ToString};
    use std::vec::Vec as StdVec;

    use super::*;
    use crate::validate::{CreateInput, CustomerInput, ValidationProfile};

    struct Counter(u32);

    impl CnonceSource for Counter {
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            for byte in dest {
                self.0 = self.0.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                *byte = (self.0 >> 16) as u8;
            }
        }
    }

    const RECORD: &[u8] = br#"{"data":{"id":2,"external_id":"MTD0018232","firstname":"Mehmet"},"success":true,"code":0,"message":""}"#;
    const CHALLENGE: &str =
        r#"Digest realm="minted-sandbox", nonce="n1", algorithm=MD5, qop="auth", opaque="o""#;
    const STALE: &str = r#"Digest realm="minted-sandbox", nonce="n2", algorithm=MD5, qop="auth", opaque="o", stale=true"#;

    /// A valid create body with `external_id`.
    fn new_customer(external_id: &str) -> CustomerCreate {
        let input = CreateInput {
            external_id: Some(external_id),
            customer: CustomerInput {
                firstname: Some("Ayşe"),
                lastname: Some("Yılmaz"),
                email: Some("ayse@example.com"),
                phone: Some("05321112233"),
                identity_number: Some("10000000146"),
                ..CustomerInput::default()
            },
        };
        CustomerCreate::validate(&input, ValidationProfile::Lenient).unwrap()
    }

    /// A call with the default retry policy.
    fn start<'c>(
        operation: Operation<'c>,
        settings: &'c RequestSettings<'c>,
        authentication: Authentication<'c>,
        session: &'c mut DigestSession,
        buffers: &'c mut CallBuffers,
    ) -> Call<'c> {
        Call::new(
            operation,
            settings,
            authentication,
            session,
            RetryPolicy::new(),
            buffers,
        )
        .unwrap()
    }

    fn update() -> CustomerUpdate {
        let input = CustomerInput {
            firstname: Some("Mehmet"),
            lastname: Some("Gülbilge"),
            email: Some("mehmet.gulbilge@example.com"),
            phone: Some("+90 532 280 80 35"),
            identity_number: Some("12345677938"),
            ..CustomerInput::default()
        };
        CustomerUpdate::validate(&input, ValidationProfile::Lenient).unwrap()
    }

    const DIGEST: Authentication<'static> = Authentication::Digest(Credentials {
        username: "partner",
        password: "s3cret",
    });

    struct Sent {
        method: &'static str,
        path: String,
        headers: StdVec<(String, String)>,
        body: StdVec<u8>,
    }

    impl Sent {
        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }
    }

    fn take(call: &mut Call<'_>, rng: &mut Counter) -> Sent {
        let request = call.request(rng).unwrap();
        Sent {
            method: request.method.as_str(),
            path: request.path.to_string(),
            headers: request
                .headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: request.body.to_vec(),
        }
    }

    fn challenge(status: u16, value: &'static [&'static str]) -> Response<'static> {
        Response {
            www_authenticate: value,
            ..Response::new(status, b"{}")
        }
    }

    #[test]
    fn update_request_has_every_header_in_order() {
        let customer = update();
        let settings = RequestSettings {
            api_version: Some("3"),
            ..RequestSettings::new()
        };
        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let mut rng = Counter(1);
        let mut call = start(
            Operation::Update {
                id: "MTD 1",
                customer: &customer,
            },
            &settings,
            Authentication::Preset("Bearer abc"),
            &mut session,
            &mut buffers,
        );
        let sent = take(&mut call, &mut rng);
        assert_eq!(sent.method, "PATCH");
        assert_eq!(sent.path, "/partner/customer/MTD%201");
        let names: StdVec<&str> = sent.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "Accept",
                "x-client-id",
                "api-version",
                "Accept-Language",
                "User-Agent",
                "Content-Length",
                "Authorization"
            ]
        );
        assert_eq!(
            sent.header("Content-Length").unwrap(),
            sent.body.len().to_string()
        );
        assert_eq!(sent.header("Authorization"), Some("Bearer abc"));
        assert_eq!(sent.header("x-client-id"), Some("web"));
        assert_eq!(sent.header("Accept-Language"), Some("tr"));
        let json: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
        assert_eq!(json["firstname"], "Mehmet");
        assert_eq!(call.requests_made(), 1);
    }

    #[test]
    fn get_and_remove_send_no_body_and_no_content_length() {
        let settings = RequestSettings::new();
        for operation in [Operation::Get { id: "x1" }, Operation::Remove { id: "x1" }] {
            let mut session = DigestSession::new();
            let mut buffers = CallBuffers::new();
            let mut call = start(
                operation,
                &settings,
                Authentication::None,
                &mut session,
                &mut buffers,
            );
            let sent = take(&mut call, &mut Counter(1));
            assert!(sent.body.is_empty());
            assert!(sent.header("Content-Length").is_none());
            assert!(sent.header("Content-Type").is_none());
            assert!(sent.header("Authorization").is_none());
        }
    }

    #[test]
    fn create_posts_to_the_collection() {
        let customer = new_customer("MTD-new_1");
        let settings = RequestSettings::new();
        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let mut call = start(
            Operation::Create {
                customer: &customer,
            },
            &settings,
            Authentication::None,
            &mut session,
            &mut buffers,
        );
        let sent = take(&mut call, &mut Counter(1));
        assert_eq!(
            (sent.method, sent.path.as_str()),
            ("POST", "/partner/customer")
        );
        let json: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
        assert_eq!(json["external_id"], "MTD-new_1");
        // Transports send the core's headers as given: a POST always
        // carries its length (esp-idf-svc would send an empty body without).
        assert_eq!(
            sent.header("Content-Length"),
            Some(sent.body.len().to_string().as_str())
        );
    }

    #[test]
    fn bad_settings_and_ids_send_nothing() {
        let settings = RequestSettings {
            client_id: "a\r\nX: y",
            ..RequestSettings::new()
        };
        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let error = Call::new(
            Operation::Get { id: "ok" },
            &settings,
            Authentication::None,
            &mut session,
            RetryPolicy::new(),
            &mut buffers,
        )
        .unwrap_err();
        assert!(matches!(
            error,
            CallError::Header(HeaderValueError {
                header: "x-client-id",
                ..
            })
        ));

        let settings = RequestSettings::new();
        let error = Call::new(
            Operation::Get { id: "" },
            &settings,
            Authentication::None,
            &mut session,
            RetryPolicy::new(),
            &mut buffers,
        )
        .unwrap_err();
        assert!(matches!(error, CallError::Path(PathError::InvalidId(_))));

        let error = Call::new(
            Operation::Get { id: "ok" },
            &settings,
            Authentication::Preset("x\ny"),
            &mut session,
            RetryPolicy::new(),
            &mut buffers,
        )
        .unwrap_err();
        assert!(matches!(
            error,
            CallError::Header(HeaderValueError {
                header: "Authorization",
                ..
            })
        ));
    }

    /// Runs `n` updates on one session against scripted answers: the first
    /// request of the session is challenged, every later one is accepted.
    #[test]
    fn digest_is_reused_after_the_first_challenge() {
        let customer = update();
        let settings = RequestSettings::new();
        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let mut rng = Counter(7);
        let mut total = 0;
        let mut ncs = StdVec::new();
        for i in 0..5 {
            let mut call = start(
                Operation::Update {
                    id: "MTD0018232",
                    customer: &customer,
                },
                &settings,
                DIGEST,
                &mut session,
                &mut buffers,
            );
            let sent = take(&mut call, &mut rng);
            if i == 0 {
                assert!(sent.header("Authorization").is_none());
                let step = call
                    .response(&challenge(401, &[CHALLENGE]), &mut rng)
                    .unwrap();
                assert!(matches!(step, Step::SendAgain { delay_ms: 0 }));
                let sent = take(&mut call, &mut rng);
                ncs.push(nc(sent.header("Authorization").unwrap()));
            } else {
                ncs.push(nc(sent.header("Authorization").unwrap()));
            }
            let step = call
                .response(&Response::new(200, RECORD), &mut rng)
                .unwrap();
            assert!(matches!(step, Step::Done(Outcome::Customer)));
            total += call.requests_made();
        }
        assert_eq!(total, 6);
        assert_eq!(
            ncs,
            ["00000001", "00000002", "00000003", "00000004", "00000005"]
        );
    }

    fn nc(authorization: &str) -> String {
        let start = authorization.find("nc=").unwrap() + 3;
        authorization[start..start + 8].to_string()
    }

    #[test]
    fn a_stale_nonce_costs_one_more_request() {
        let customer = update();
        let settings = RequestSettings::new();
        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let mut rng = Counter(3);
        let mut call = start(
            Operation::Update {
                id: "MTD0018232",
                customer: &customer,
            },
            &settings,
            DIGEST,
            &mut session,
            &mut buffers,
        );
        take(&mut call, &mut rng);
        call.response(&challenge(401, &[CHALLENGE]), &mut rng)
            .unwrap();
        let first = take(&mut call, &mut rng);
        assert!(
            first
                .header("Authorization")
                .unwrap()
                .contains("nonce=\"n1\"")
        );
        // The answer to the fresh challenge is stale: resend at once.
        let step = call.response(&challenge(401, &[STALE]), &mut rng).unwrap();
        assert!(matches!(step, Step::SendAgain { delay_ms: 0 }));
        let second = take(&mut call, &mut rng);
        let authorization = second.header("Authorization").unwrap();
        assert!(authorization.contains("nonce=\"n2\""));
        assert_eq!(nc(authorization), "00000001");
        call.response(&Response::new(200, RECORD), &mut rng)
            .unwrap();
        assert_eq!(call.requests_made(), 3);
    }

    #[test]
    fn a_wrong_password_costs_two_requests() {
        let customer = update();
        let settings = RequestSettings::new();
        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let mut rng = Counter(3);
        let mut call = start(
            Operation::Update {
                id: "MTD0018232",
                customer: &customer,
            },
            &settings,
            DIGEST,
            &mut session,
            &mut buffers,
        );
        take(&mut call, &mut rng);
        call.response(&challenge(401, &[CHALLENGE]), &mut rng)
            .unwrap();
        take(&mut call, &mut rng);
        let error = call
            .response(&challenge(401, &[CHALLENGE]), &mut rng)
            .unwrap_err();
        assert_eq!(
            error,
            CallError::Authentication(AuthFailure::CredentialsRejected)
        );
        assert_eq!(call.requests_made(), 2);
        assert!(!session.has_challenge());
    }

    #[test]
    fn a_rotated_nonce_without_stale_is_answered_once() {
        let settings = RequestSettings::new();
        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let mut rng = Counter(3);
        // Prime the session.
        {
            let mut call = start(
                Operation::Get { id: "a1" },
                &settings,
                DIGEST,
                &mut session,
                &mut buffers,
            );
            take(&mut call, &mut rng);
            call.response(&challenge(401, &[CHALLENGE]), &mut rng)
                .unwrap();
            take(&mut call, &mut rng);
            call.response(&Response::new(200, RECORD), &mut rng)
                .unwrap();
        }
        let mut call = start(
            Operation::Get { id: "a1" },
            &settings,
            DIGEST,
            &mut session,
            &mut buffers,
        );
        let sent = take(&mut call, &mut rng);
        assert!(sent.header("Authorization").is_some());
        // The server forgot the nonce and says nothing about staleness.
        let step = call
            .response(&challenge(401, &[CHALLENGE]), &mut rng)
            .unwrap();
        assert!(matches!(step, Step::SendAgain { delay_ms: 0 }));
        take(&mut call, &mut rng);
        // Refused again: now it is the credentials.
        let error = call
            .response(&challenge(401, &[CHALLENGE]), &mut rng)
            .unwrap_err();
        assert_eq!(
            error,
            CallError::Authentication(AuthFailure::CredentialsRejected)
        );
        assert_eq!(call.requests_made(), 2);
    }

    #[test]
    fn endless_stale_challenges_are_bounded() {
        let settings = RequestSettings::new();
        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let mut rng = Counter(3);
        let mut call = start(
            Operation::Get { id: "a1" },
            &settings,
            DIGEST,
            &mut session,
            &mut buffers,
        );
        let mut outcome = None;
        for _ in 0..10 {
            take(&mut call, &mut rng);
            match call.response(&challenge(401, &[STALE]), &mut rng) {
                Ok(_) => {}
                Err(error) => {
                    outcome = Some(error);
                    break;
                }
            }
        }
        assert_eq!(
            outcome,
            Some(CallError::Authentication(AuthFailure::TooManyChallenges))
        );
        assert_eq!(call.requests_made(), 1 + u16::from(MAX_AUTH_RESENDS));
    }

    #[test]
    fn a_401_without_a_digest_challenge_is_a_typed_error() {
        let settings = RequestSettings::new();
        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let mut rng = Counter(3);
        let mut call = start(
            Operation::Get { id: "a1" },
            &settings,
            DIGEST,
            &mut session,
            &mut buffers,
        );
        take(&mut call, &mut rng);
        let error = call
            .response(&challenge(401, &[r#"Basic realm="x""#]), &mut rng)
            .unwrap_err();
        assert!(matches!(
            error,
            CallError::Authentication(AuthFailure::Challenge(_))
        ));
    }

    #[test]
    fn unauthorized_and_forbidden_without_digest() {
        let settings = RequestSettings::new();
        for (status, auth, expected) in [
            (401, Authentication::None, AuthFailure::Unauthorized),
            (
                401,
                Authentication::Preset("Digest x"),
                AuthFailure::Unauthorized,
            ),
            (403, DIGEST, AuthFailure::Forbidden),
        ] {
            let mut session = DigestSession::new();
            let mut buffers = CallBuffers::new();
            let mut rng = Counter(3);
            let mut call = start(
                Operation::Get { id: "a1" },
                &settings,
                auth,
                &mut session,
                &mut buffers,
            );
            take(&mut call, &mut rng);
            let error = call
                .response(&Response::new(status, b""), &mut rng)
                .unwrap_err();
            assert_eq!(error, CallError::Authentication(expected));
        }
    }

    fn get_call<'c>(
        settings: &'c RequestSettings<'c>,
        session: &'c mut DigestSession,
        buffers: &'c mut CallBuffers,
        policy: RetryPolicy,
    ) -> Call<'c> {
        Call::new(
            Operation::Get { id: "a1" },
            settings,
            Authentication::None,
            session,
            policy,
            buffers,
        )
        .unwrap()
    }

    #[test]
    fn unavailable_is_retried_with_retry_after_then_gives_up() {
        let settings = RequestSettings::new();
        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let mut rng = Counter(3);
        let mut call = get_call(&settings, &mut session, &mut buffers, RetryPolicy::new());
        let busy = Response {
            retry_after: Some("2"),
            ..Response::new(503, b"<html>busy</html>")
        };
        for _ in 0..2 {
            take(&mut call, &mut rng);
            let step = call.response(&busy, &mut rng).unwrap();
            assert!(matches!(step, Step::SendAgain { delay_ms: 2000 }));
        }
        take(&mut call, &mut rng);
        let error = call.response(&busy, &mut rng).unwrap_err();
        assert_eq!(error, CallError::Api(ApiError::Server { status: 503 }));
        assert_eq!(call.requests_made(), 3);
        // The call has ended.
        assert_eq!(call.request(&mut rng).unwrap_err(), CallError::OutOfOrder);
    }

    #[test]
    fn retry_after_beyond_the_cap_ends_the_call() {
        let settings = RequestSettings::new();
        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let mut rng = Counter(3);
        let mut call = get_call(&settings, &mut session, &mut buffers, RetryPolicy::new());
        take(&mut call, &mut rng);
        let limited = Response {
            retry_after: Some("3600"),
            ..Response::new(429, b"")
        };
        let error = call.response(&limited, &mut rng).unwrap_err();
        assert_eq!(
            error,
            CallError::Api(ApiError::RateLimited {
                retry_after: Some(3600)
            })
        );
    }

    #[test]
    fn backoff_doubles_with_jitter_within_bounds() {
        let policy = RetryPolicy::new();
        let mut rng = Counter(99);
        for retry in 1..=8u8 {
            let full = (200u32 << (retry - 1)).min(5_000);
            for _ in 0..50 {
                let delay = policy.backoff_ms(retry, &mut rng);
                assert!(delay >= full / 2 && delay <= full, "{retry}: {delay}");
            }
        }
        let zero = RetryPolicy {
            base_delay_ms: 0,
            ..RetryPolicy::new()
        };
        assert_eq!(zero.backoff_ms(1, &mut rng), 0);
    }

    #[test]
    fn transport_failures_follow_the_operation() {
        let settings = RequestSettings::new();
        let customer = update();
        let create = new_customer("new-1");
        let cases = [
            (
                Operation::Update {
                    id: "a",
                    customer: &customer,
                },
                TransportFailure::MaybeSent,
                false,
            ),
            (
                Operation::Update {
                    id: "a",
                    customer: &customer,
                },
                TransportFailure::NotSent,
                true,
            ),
            (
                Operation::Get { id: "a" },
                TransportFailure::MaybeSent,
                false,
            ),
            (Operation::Get { id: "a" }, TransportFailure::NotSent, true),
            (
                Operation::Remove { id: "a" },
                TransportFailure::MaybeSent,
                false,
            ),
            (
                Operation::Remove { id: "a" },
                TransportFailure::NotSent,
                true,
            ),
            (
                Operation::Create { customer: &create },
                TransportFailure::MaybeSent,
                false,
            ),
            (
                Operation::Create { customer: &create },
                TransportFailure::NotSent,
                true,
            ),
            (
                Operation::Get { id: "a" },
                TransportFailure::ResponseUnusable,
                false,
            ),
        ];
        for (operation, failure, retried) in cases {
            let mut session = DigestSession::new();
            let mut buffers = CallBuffers::new();
            let mut rng = Counter(5);
            let mut call = start(
                operation,
                &settings,
                Authentication::None,
                &mut session,
                &mut buffers,
            );
            take(&mut call, &mut rng);
            let decision = call.transport_failed(failure, &mut rng);
            assert_eq!(
                matches!(decision, FailureDecision::Retry { .. }),
                retried,
                "{operation:?} {failure:?}"
            );
        }
    }

    #[test]
    fn attempts_are_bounded_across_failures_and_statuses() {
        let settings = RequestSettings::new();
        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let mut rng = Counter(3);
        let mut call = get_call(&settings, &mut session, &mut buffers, RetryPolicy::new());
        take(&mut call, &mut rng);
        assert!(matches!(
            call.transport_failed(TransportFailure::NotSent, &mut rng),
            FailureDecision::Retry { .. }
        ));
        take(&mut call, &mut rng);
        assert!(matches!(
            call.response(&Response::new(502, b"<html>"), &mut rng),
            Ok(Step::SendAgain { .. })
        ));
        take(&mut call, &mut rng);
        assert_eq!(
            call.transport_failed(TransportFailure::NotSent, &mut rng),
            FailureDecision::GiveUp
        );
        assert_eq!(call.requests_made(), 3);
    }

    #[test]
    fn create_is_not_retried_on_unavailable() {
        let settings = RequestSettings::new();
        let create = new_customer("new-1");
        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let mut rng = Counter(3);
        let mut call = start(
            Operation::Create { customer: &create },
            &settings,
            Authentication::None,
            &mut session,
            &mut buffers,
        );
        take(&mut call, &mut rng);
        let error = call
            .response(&Response::new(503, b""), &mut rng)
            .unwrap_err();
        assert_eq!(error, CallError::Api(ApiError::Server { status: 503 }));
    }

    #[test]
    fn api_errors_are_decoded() {
        let settings = RequestSettings::new();
        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let mut rng = Counter(3);
        let mut call = get_call(&settings, &mut session, &mut buffers, RetryPolicy::none());
        take(&mut call, &mut rng);
        let error = call
            .response(&Response::new(404, b"{}"), &mut rng)
            .unwrap_err();
        assert_eq!(error, CallError::Api(ApiError::NotFound));

        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let mut call = get_call(&settings, &mut session, &mut buffers, RetryPolicy::none());
        take(&mut call, &mut rng);
        let body = br#"{"message":"bad","errors":{"email":["The email has already been taken."]}}"#;
        let error = call
            .response(&Response::new(422, body), &mut rng)
            .unwrap_err();
        assert_eq!(error, CallError::Api(ApiError::Invalid));
        let details = call.invalid_details();
        assert_eq!(details.message.as_deref(), Some("bad"));
        assert_eq!(
            details.messages_for(crate::validate::Field::Email).next(),
            Some("The email has already been taken.")
        );
        assert!(core::mem::size_of::<CallError>() < 512);
    }

    #[test]
    fn out_of_order_calls_are_errors_not_panics() {
        let settings = RequestSettings::new();
        let mut session = DigestSession::new();
        let mut buffers = CallBuffers::new();
        let mut rng = Counter(3);
        let mut call = get_call(&settings, &mut session, &mut buffers, RetryPolicy::new());
        assert_eq!(
            call.response(&Response::new(200, RECORD), &mut rng)
                .unwrap_err(),
            CallError::OutOfOrder
        );
        assert_eq!(
            call.transport_failed(TransportFailure::NotSent, &mut rng),
            FailureDecision::GiveUp
        );
        assert_eq!(call.request(&mut rng).unwrap_err(), CallError::OutOfOrder);
    }

    #[test]
    fn retry_after_parsing() {
        assert_eq!(parse_retry_after("2"), Some(2));
        assert_eq!(parse_retry_after(" 120 "), Some(120));
        assert_eq!(parse_retry_after("99999999999"), Some(u32::MAX));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after(""), None);
    }

    #[test]
    fn debug_never_shows_credentials() {
        let auth = Authentication::Digest(Credentials {
            username: "partner",
            password: "s3cret",
        });
        let text = std::format!(
            "{auth:?} {:?}",
            Authentication::Preset("Digest secret-token")
        );
        assert!(!text.contains("s3cret"));
        assert!(!text.contains("secret-token"));
        let buffers = CallBuffers::new();
        assert_eq!(std::format!("{buffers:?}"), "CallBuffers { .. }");
    }
}
