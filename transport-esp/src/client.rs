//! The kiosk client: the four customer operations over one embedded-svc
//! [`Connection`], driven by the core's [`Call`].
//!
//! The client owns the connection, a [`Delay`] for the waits between
//! attempts, a [`CnonceSource`] and the [`DigestSession`], which it keeps
//! across operations: after the first challenge every request carries its
//! `Authorization` pre-emptively, so each later operation is one round trip.
//! Every buffer is lent by the caller; nothing is allocated.

use core::fmt;

use embedded_svc::http::client::Connection;
use minted_connect_core::auth::{CnonceSource, DigestSession};
use minted_connect_core::call::{
    Authentication, Call, CallBuffers, Delay, FailureDecision, Operation, Outcome, RetryPolicy,
    Step,
};
use minted_connect_core::json::InvalidDetails;
use minted_connect_core::model::{Customer, CustomerCreate, CustomerUpdate};
use minted_connect_core::request::RequestSettings;

use crate::error::{Error, ProtocolError};
use crate::exchange::{Failure, Reconnect, exchange};
use crate::url::{BaseUrlError, MAX_URL_LEN, check_base_url_with};

/// What the client needs to know about the API and how to talk to it.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct ClientConfig<'a> {
    /// `https://host[:port]`, without a path (see [`check_base_url`](crate::url::check_base_url)).
    pub base_url: &'a str,
    /// `x-client-id`, `api-version`, `Accept-Language`, `User-Agent`.
    pub settings: RequestSettings<'a>,
    /// How requests authenticate (digest with the partner's credentials).
    pub authentication: Authentication<'a>,
    /// Attempts and backoff (the core's policy: 3 attempts, 200 ms doubling).
    pub retry: RetryPolicy,
    /// Accept `http://` to hosts other than loopback (default false).
    pub allow_plain_http: bool,
}

impl<'a> ClientConfig<'a> {
    /// The vendor's default settings and the default retry policy.
    pub const fn new(base_url: &'a str, authentication: Authentication<'a>) -> Self {
        ClientConfig {
            base_url,
            settings: RequestSettings::new(),
            authentication,
            retry: RetryPolicy::new(),
            allow_plain_http: false,
        }
    }

    /// The same configuration with other header settings.
    pub const fn with_settings(mut self, settings: RequestSettings<'a>) -> Self {
        self.settings = settings;
        self
    }

    /// The same configuration with another retry policy.
    pub const fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The same configuration accepting plain `http://` to any host — only
    /// for a closed network where something else encrypts the traffic.
    pub const fn allow_plain_http(mut self) -> Self {
        self.allow_plain_http = true;
        self
    }
}

/// The buffers of a client: the core's [`CallBuffers`] (body, path,
/// `Authorization`, the decoded record, a 422's details) and the full URL.
/// About 12 KiB: on a device, keep it in a `static` or leak a `Box` once
/// rather than putting it on a task's stack.
pub struct ClientBuffers {
    call: CallBuffers,
    url: [u8; MAX_URL_LEN],
}

impl ClientBuffers {
    /// Zeroed buffers.
    pub const fn new() -> Self {
        ClientBuffers {
            call: CallBuffers::new(),
            url: [0; MAX_URL_LEN],
        }
    }
}

impl Default for ClientBuffers {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ClientBuffers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The contents are personal data and credentials.
        f.write_str("ClientBuffers { .. }")
    }
}

/// The Minted Connect customer API over an embedded-svc HTTP connection.
///
/// `C` is the connection (`EspHttpConnection` on the device, or `&mut` one),
/// `D` waits between attempts, `R` supplies the digest cnonces and the
/// backoff jitter (`esp_random` on the device).
pub struct EspClient<'a, C: Connection, D, R> {
    connection: C,
    reconnect: Option<Reconnect<C>>,
    delay: D,
    cnonce: R,
    base_url: &'a str,
    settings: RequestSettings<'a>,
    authentication: Authentication<'a>,
    retry: RetryPolicy,
    session: DigestSession,
    buffers: &'a mut ClientBuffers,
    response: &'a mut [u8],
    last_requests: u16,
}

impl<C: Connection, D, R> fmt::Debug for EspClient<'_, C, D, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EspClient")
            .field("base_url", &self.base_url)
            .field("authentication", &self.authentication)
            .field("digest_session", &self.session.has_challenge())
            .field("response_buffer", &self.response.len())
            .field("last_requests", &self.last_requests)
            .finish_non_exhaustive()
    }
}

impl<'a, C, D, R> EspClient<'a, C, D, R>
where
    C: Connection,
    D: Delay,
    R: CnonceSource,
{
    /// A client over `connection`. Response bodies are read into `response`:
    /// its length is the largest body accepted (2–4 KiB holds any customer
    /// record; a larger body is [`ProtocolError::BodyTooLarge`]).
    ///
    /// Fails only when the base URL is refused.
    pub fn new(
        connection: C,
        delay: D,
        cnonce: R,
        config: ClientConfig<'a>,
        buffers: &'a mut ClientBuffers,
        response: &'a mut [u8],
    ) -> Result<Self, BaseUrlError> {
        let base_url = check_base_url_with(config.base_url, config.allow_plain_http)?;
        Ok(EspClient {
            connection,
            reconnect: None,
            delay,
            cnonce,
            base_url,
            settings: config.settings,
            authentication: config.authentication,
            retry: config.retry,
            session: DigestSession::new(),
            buffers,
            response,
            last_requests: 0,
        })
    }

    /// Lets the client open a fresh connection with `open` when the held one
    /// is stuck in the request phase after a failed write or response
    /// (esp-idf-svc cannot start a new request then, and panics if asked
    /// to). Without it such a client answers
    /// [`ProtocolError::ConnectionStuck`] until
    /// [`replace_connection`](Self::replace_connection) is called.
    ///
    /// On the device: `fn open() -> Result<EspHttpConnection, EspError> {
    /// EspHttpConnection::new(&config()) }`.
    pub fn with_reconnect(mut self, open: fn() -> Result<C, C::Error>) -> Self {
        self.reconnect = Some(open);
        self
    }

    /// `PATCH /partner/customer/{id}`: replaces the customer's fields and
    /// returns the stored record. Retried when nothing was sent and on
    /// 429/502/503/504.
    pub fn update(
        &mut self,
        id: &str,
        customer: &CustomerUpdate,
    ) -> Result<Customer, Error<C::Error>> {
        let outcome = self.run(Operation::Update { id, customer })?;
        self.record(outcome)
    }

    /// `GET /partner/customer/{id}`.
    pub fn get(&mut self, id: &str) -> Result<Customer, Error<C::Error>> {
        let outcome = self.run(Operation::Get { id })?;
        self.record(outcome)
    }

    /// `POST /partner/customer`. Never sent again once it may have reached
    /// the server (see [`Error::may_have_been_sent`]).
    pub fn create(&mut self, customer: &CustomerCreate) -> Result<Customer, Error<C::Error>> {
        let outcome = self.run(Operation::Create { customer })?;
        self.record(outcome)
    }

    /// `DELETE /partner/customer/{id}` (the endpoint is inferred: its page
    /// is not public).
    pub fn remove(&mut self, id: &str) -> Result<(), Error<C::Error>> {
        match self.run(Operation::Remove { id })? {
            Outcome::Removed => Ok(()),
            Outcome::Customer => Err(Error::Protocol(ProtocolError::Internal)),
        }
    }

    /// The record of the last update, get or create that succeeded, where
    /// it was decoded (in the lent [`ClientBuffers`]): read it here instead
    /// of taking the copy `update`/`get`/`create` return to keep a 3.5 KiB
    /// `Customer` off a small task stack (call [`run`](Self::run)).
    pub fn last_customer(&self) -> &Customer {
        self.buffers.call.customer()
    }

    /// What the 422 of the last operation that failed with
    /// `Error::Api(ApiError::Invalid)` said (the server's message and its
    /// per-field messages), kept in the lent [`ClientBuffers`] so that the
    /// error itself stays small.
    pub fn last_invalid_details(&self) -> &InvalidDetails {
        self.buffers.call.invalid_details()
    }

    fn record(&self, outcome: Outcome) -> Result<Customer, Error<C::Error>> {
        match outcome {
            Outcome::Customer => Ok(self.buffers.call.customer().clone()),
            Outcome::Removed => Err(Error::Protocol(ProtocolError::Internal)),
        }
    }

    /// Runs one operation to its end: the core decides, this moves bytes.
    pub fn run(&mut self, operation: Operation<'_>) -> Result<Outcome, Error<C::Error>> {
        self.last_requests = 0;
        let ClientBuffers {
            call: call_buffers,
            url,
        } = &mut *self.buffers;
        let mut call = Call::new(
            operation,
            &self.settings,
            self.authentication,
            &mut self.session,
            self.retry,
            call_buffers,
        )
        .map_err(Error::from_call)?;
        let result = loop {
            let attempt = exchange(
                &mut self.connection,
                self.reconnect,
                self.base_url,
                url,
                &mut call,
                self.response,
                &mut self.cnonce,
            );
            match attempt {
                Ok(Step::Done(outcome)) => break Ok(outcome),
                Ok(Step::SendAgain { delay_ms }) => {
                    if delay_ms > 0 {
                        self.delay.delay_ms(delay_ms);
                    }
                }
                Err(Failure::End(error)) => break Err(error),
                Err(Failure::Broken(failure, error)) => {
                    // A connection left mid-request cannot carry a retry
                    // without a way to open another: report what broke it.
                    if self.reconnect.is_none() && self.connection.is_request_initiated() {
                        break Err(error);
                    }
                    match call.transport_failed(failure, &mut self.cnonce) {
                        FailureDecision::Retry { delay_ms } => self.delay.delay_ms(delay_ms),
                        FailureDecision::GiveUp => break Err(error),
                    }
                }
            }
        };
        self.last_requests = call.requests_made();
        result
    }

    /// How many requests the last operation sent (2 for the first digest
    /// exchange, 1 once the session is primed, more after retries).
    pub fn last_request_count(&self) -> u16 {
        self.last_requests
    }

    /// Whether the digest session holds a challenge, so the next request
    /// authenticates pre-emptively.
    pub fn has_digest_session(&self) -> bool {
        self.session.has_challenge()
    }

    /// Forgets the digest nonce (for example after the credentials changed).
    pub fn forget_digest_session(&mut self) {
        self.session.clear();
    }

    /// The connection (for its own settings or statistics).
    pub fn connection(&mut self) -> &mut C {
        &mut self.connection
    }

    /// Puts in a new connection and returns the old one (for example after
    /// [`ProtocolError::ConnectionStuck`]). The digest session is kept.
    pub fn replace_connection(&mut self, connection: C) -> C {
        core::mem::replace(&mut self.connection, connection)
    }

    /// Gives the connection back.
    pub fn release(self) -> C {
        self.connection
    }
}
