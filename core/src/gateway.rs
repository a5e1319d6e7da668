//! A blocking client for gateways that have a socket but no HTTP client:
//! the [`call`](crate::call) flow over the [`http`](crate::http) codec on
//! one kept-alive connection.
//!
//! The gateway supplies a [`Connect`] (open a TCP or TLS stream that
//! implements `embedded_io::{Read, Write}`, with its own timeouts), a
//! [`Delay`] and a [`CnonceSource`], and lends every buffer. Nothing is
//! allocated. The connection is kept while the server allows it
//! (`Connection: close` or a body framed by the end of the stream close
//! it); a kept connection the server closed in the meantime is opened again
//! and the request resent, since it cannot have been processed.
//!
//! ```no_run
//! # use minted_connect_core::gateway::{Connect, GatewayBuffers, GatewayClient};
//! # use minted_connect_core::call::{Authentication, Delay, RetryPolicy};
//! # use minted_connect_core::auth::{CnonceSource, Credentials};
//! # use minted_connect_core::request::RequestSettings;
//! # struct Tcp; struct Socket; struct Wait; struct Rng;
//! # impl embedded_io::ErrorType for Socket { type Error = embedded_io::ErrorKind; }
//! # impl embedded_io::Read for Socket { fn read(&mut self, _: &mut [u8]) -> Result<usize, Self::Error> { Ok(0) } }
//! # impl embedded_io::Write for Socket { fn write(&mut self, b: &[u8]) -> Result<usize, Self::Error> { Ok(b.len()) }
//! #     fn flush(&mut self) -> Result<(), Self::Error> { Ok(()) } }
//! # impl Connect for Tcp { type Connection = Socket; type Error = embedded_io::ErrorKind;
//! #     fn connect(&mut self) -> Result<Socket, Self::Error> { Ok(Socket) } }
//! # impl Delay for Wait { fn delay_ms(&mut self, _: u32) {} }
//! # impl CnonceSource for Rng { fn fill_bytes(&mut self, d: &mut [u8]) { d.fill(4) } }
//! let mut buffers = GatewayBuffers::new();
//! let mut response = [0u8; 4096];
//! let auth = Authentication::Digest(Credentials { username: "partner", password: "s3cret" });
//! let mut client = GatewayClient::new(Tcp, "api.staging.mintedconnect.com", RequestSettings::new(),
//!     auth, RetryPolicy::new(), Wait, Rng, &mut buffers, &mut response);
//! let customer = client.get("MTD0018232")?;
//! # Ok::<(), minted_connect_core::gateway::GatewayError<embedded_io::ErrorKind, embedded_io::ErrorKind>>(())
//! ```

use core::fmt;

use embedded_io::{Read, Write};

use crate::auth::{CnonceSource, DigestSession, MAX_AUTHORIZATION_LEN};
use crate::call::{
    Authentication, Call, CallBuffers, CallError, Delay, FailureDecision, Operation, Outcome,
    Response, RetryPolicy, Step, TransportFailure,
};
use crate::http::{
    Limits, ReadError, ReadPhase, RequestHead, WriteError, read_response, write_request,
};
use crate::json::InvalidDetails;
use crate::model::{Customer, CustomerCreate, CustomerUpdate};
use crate::request::{MAX_HEADER_VALUE_LEN, MAX_PATH_LEN, MAX_REQUEST_HEADERS, RequestSettings};

/// Bytes for an encoded request head: the request line, `Host`, the
/// `Authorization` value and room for the other headers.
pub const HEAD_BUFFER_LEN: usize = MAX_PATH_LEN + MAX_AUTHORIZATION_LEN + MAX_HEADER_VALUE_LEN;

/// The most `WWW-Authenticate` lines handed to the digest parser.
const MAX_CHALLENGE_LINES: usize = 4;

/// Opens connections to the API server.
pub trait Connect {
    /// A connected stream (TCP, or TLS over TCP), with read and write
    /// timeouts set.
    type Connection: Read + Write;
    /// Why connecting failed.
    type Error;

    /// Opens a connection to the server.
    fn connect(&mut self) -> Result<Self::Connection, Self::Error>;
}

/// The request-side buffers of a [`GatewayClient`]: the call's buffers and
/// the encoded head.
pub struct GatewayBuffers {
    call: CallBuffers,
    head: [u8; HEAD_BUFFER_LEN],
}

impl GatewayBuffers {
    /// Zeroed buffers.
    pub const fn new() -> Self {
        GatewayBuffers {
            call: CallBuffers::new(),
            head: [0; HEAD_BUFFER_LEN],
        }
    }
}

impl Default for GatewayBuffers {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for GatewayBuffers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("GatewayBuffers { .. }")
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for GatewayBuffers {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "GatewayBuffers {{ .. }}")
    }
}

/// Why an operation of a [`GatewayClient`] failed. `C` is the connector's
/// error, `E` the connection's.
#[derive(Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum GatewayError<C, E> {
    /// The call's verdict: invalid input (nothing sent), authentication,
    /// or the API's error.
    Call(CallError),
    /// Connecting failed (after the retries).
    Connect(C),
    /// Writing the request failed.
    Write(WriteError<E>),
    /// Reading the response failed, or it was not valid HTTP.
    Read(ReadError<E>),
}

impl<C: fmt::Display, E: fmt::Display> fmt::Display for GatewayError<C, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GatewayError::Call(error) => error.fmt(f),
            GatewayError::Connect(error) => write!(f, "cannot connect: {error}"),
            GatewayError::Write(error) => write!(f, "sending the request failed: {error}"),
            GatewayError::Read(error) => write!(f, "reading the response failed: {error}"),
        }
    }
}

impl<C, E> core::error::Error for GatewayError<C, E>
where
    C: core::error::Error + 'static,
    E: core::error::Error + 'static,
{
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            GatewayError::Call(error) => Some(error),
            GatewayError::Connect(error) => Some(error),
            GatewayError::Write(error) => Some(error),
            GatewayError::Read(error) => Some(error),
        }
    }
}

type ErrorOf<C> = GatewayError<
    <C as Connect>::Error,
    <<C as Connect>::Connection as embedded_io::ErrorType>::Error,
>;

/// The customer API over a [`Connect`]; see the [module documentation](self).
pub struct GatewayClient<'a, C: Connect, D, R> {
    connector: C,
    connection: Option<C::Connection>,
    /// The held connection has already carried a response.
    reused: bool,
    host: &'a str,
    settings: RequestSettings<'a>,
    authentication: Authentication<'a>,
    policy: RetryPolicy,
    limits: Limits,
    delay: D,
    rng: R,
    session: DigestSession,
    buffers: &'a mut GatewayBuffers,
    response: &'a mut [u8],
    last_requests: u16,
    connections_opened: u32,
}

impl<C: Connect, D, R> fmt::Debug for GatewayClient<'_, C, D, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatewayClient")
            .field("host", &self.host)
            .field("authentication", &self.authentication)
            .field("connected", &self.connection.is_some())
            .field("digest_session", &self.session.has_challenge())
            .field("last_requests", &self.last_requests)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "defmt")]
impl<C: Connect, D, R> defmt::Format for GatewayClient<'_, C, D, R> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "GatewayClient {{ host: {=str}, connected: {=bool}, digest_session: {=bool}, last_requests: {=u16} }}",
            self.host,
            self.connection.is_some(),
            self.session.has_challenge(),
            self.last_requests
        )
    }
}

/// How one exchange broke.
enum Broken<C, E> {
    Connect(C),
    Write(WriteError<E>),
    Read(ReadError<E>),
}

impl<'a, C, D, R> GatewayClient<'a, C, D, R>
where
    C: Connect,
    D: Delay,
    R: CnonceSource,
{
    /// A client for `host` (the `Host` header: name, and `:port` when not
    /// the scheme's default). Response heads and bodies are read into
    /// `response`; its length bounds them (4 KiB holds any customer record).
    #[allow(
        clippy::too_many_arguments,
        reason = "each is a separate resource the caller owns"
    )]
    pub fn new(
        connector: C,
        host: &'a str,
        settings: RequestSettings<'a>,
        authentication: Authentication<'a>,
        policy: RetryPolicy,
        delay: D,
        rng: R,
        buffers: &'a mut GatewayBuffers,
        response: &'a mut [u8],
    ) -> Self {
        GatewayClient {
            connector,
            connection: None,
            reused: false,
            host,
            settings,
            authentication,
            policy,
            limits: Limits::DEFAULT,
            delay,
            rng,
            session: DigestSession::new(),
            buffers,
            response,
            last_requests: 0,
            connections_opened: 0,
        }
    }

    /// The same client with other head and body limits (the response
    /// buffer bounds them too).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// `PATCH /partner/customer/{id}`; returns a copy of the stored record
    /// (use [`run`](Self::run) and [`last_customer`](Self::last_customer)
    /// to read it in place).
    pub fn update(&mut self, id: &str, customer: &CustomerUpdate) -> Result<Customer, ErrorOf<C>> {
        let outcome = self.run(Operation::Update { id, customer })?;
        self.record(outcome)
    }

    /// `GET /partner/customer/{id}`.
    pub fn get(&mut self, id: &str) -> Result<Customer, ErrorOf<C>> {
        let outcome = self.run(Operation::Get { id })?;
        self.record(outcome)
    }

    /// `POST /partner/customer` (never resent once it may have arrived).
    pub fn create(&mut self, customer: &CustomerCreate) -> Result<Customer, ErrorOf<C>> {
        let outcome = self.run(Operation::Create { customer })?;
        self.record(outcome)
    }

    /// The record of the last update, get or create that succeeded.
    pub fn last_customer(&self) -> &Customer {
        self.buffers.call.customer()
    }

    /// What the 422 of the last operation that failed with
    /// [`ApiError::Invalid`](crate::json::ApiError::Invalid) said.
    pub fn last_invalid_details(&self) -> &InvalidDetails {
        self.buffers.call.invalid_details()
    }

    fn record(&self, outcome: Outcome) -> Result<Customer, ErrorOf<C>> {
        match outcome {
            Outcome::Customer => Ok(self.buffers.call.customer().clone()),
            Outcome::Removed => Err(GatewayError::Call(CallError::OutOfOrder)),
        }
    }

    /// `DELETE /partner/customer/{id}`.
    pub fn remove(&mut self, id: &str) -> Result<(), ErrorOf<C>> {
        self.run(Operation::Remove { id }).map(|_| ())
    }

    /// Runs one operation to its end.
    pub fn run(&mut self, operation: Operation<'_>) -> Result<Outcome, ErrorOf<C>> {
        self.last_requests = 0;
        let repeatable = operation.is_repeatable();
        let GatewayBuffers {
            call: call_buffers,
            head,
        } = &mut *self.buffers;
        let mut call = Call::new(
            operation,
            &self.settings,
            self.authentication,
            &mut self.session,
            self.policy,
            call_buffers,
        )
        .map_err(GatewayError::Call)?;
        let result = loop {
            let attempt = exchange(
                &mut self.connector,
                &mut self.connection,
                &mut self.reused,
                &mut self.connections_opened,
                self.host,
                self.limits,
                &mut call,
                head,
                self.response,
                &mut self.rng,
                repeatable,
            );
            match attempt {
                Ok(Ok(Step::Done(outcome))) => break Ok(outcome),
                Ok(Ok(Step::SendAgain { delay_ms })) => {
                    if delay_ms > 0 {
                        self.delay.delay_ms(delay_ms);
                    }
                }
                Ok(Err(error)) => break Err(GatewayError::Call(error)),
                Err((failure, broken)) => {
                    self.connection = None;
                    match call.transport_failed(failure, &mut self.rng) {
                        FailureDecision::Retry { delay_ms } => self.delay.delay_ms(delay_ms),
                        FailureDecision::GiveUp => {
                            break Err(match broken {
                                Broken::Connect(e) => GatewayError::Connect(e),
                                Broken::Write(e) => GatewayError::Write(e),
                                Broken::Read(e) => GatewayError::Read(e),
                            });
                        }
                    }
                }
            }
        };
        self.last_requests = call.requests_made();
        result
    }

    /// Requests the last operation sent.
    pub fn last_request_count(&self) -> u16 {
        self.last_requests
    }

    /// Connections opened since the client was made.
    pub fn connections_opened(&self) -> u32 {
        self.connections_opened
    }

    /// Closes the held connection (the next operation opens one).
    pub fn disconnect(&mut self) {
        self.connection = None;
    }
}

impl<C, E> From<CallError> for GatewayError<C, E> {
    fn from(error: CallError) -> Self {
        GatewayError::Call(error)
    }
}

/// One request and its response. The outer error is a broken exchange for
/// the call to judge; the inner result is the call's verdict.
#[allow(clippy::too_many_arguments, reason = "disjoint borrows of the client")]
#[allow(clippy::type_complexity, reason = "the two error layers are the point")]
fn exchange<C: Connect>(
    connector: &mut C,
    held: &mut Option<C::Connection>,
    reused: &mut bool,
    opened: &mut u32,
    host: &str,
    limits: Limits,
    call: &mut Call<'_>,
    head_buf: &mut [u8],
    response_buf: &mut [u8],
    rng: &mut dyn CnonceSource,
    repeatable: bool,
) -> Result<Result<Step, CallError>, (TransportFailure, BrokenOf<C>)> {
    let request = match call.request(rng) {
        Ok(request) => request,
        Err(error) => return Ok(Err(error)),
    };
    // The header pairs are copied out so that the request (whose Vec has
    // a destructor) ends here and the call can take the response.
    let mut pairs = [("", ""); MAX_REQUEST_HEADERS];
    let mut count = 0;
    for (slot, pair) in pairs.iter_mut().zip(request.headers.iter()) {
        *slot = *pair;
        count += 1;
    }
    let (method, target, body) = (request.method, request.path, request.body);
    drop(request);
    let head = RequestHead {
        method: method.as_str(),
        target,
        host,
        headers: pairs.get(..count).unwrap_or(&[]),
    };
    let mut link = Link {
        connector,
        held,
        reused,
        opened,
    };
    // A kept connection that the server closed while idle fails at once,
    // before any response: the server dropped it rather than answer, so a
    // repeatable request goes out once more on a new connection (a create
    // is left to the call's judgement, which does not resend it).
    let idle_closed = (
        TransportFailure::MaybeSent,
        Broken::Read(ReadError::UnexpectedEof {
            during: ReadPhase::BeforeResponse,
        }),
    );
    match link.send_and_read(&head, body, head_buf, &mut *response_buf, limits) {
        Ok(response) => return Ok(hand_over(call, &response, rng)),
        Err(Attempt::Broken(failure, broken)) => return Err((failure, broken)),
        Err(Attempt::ClosedWhileIdle) if !repeatable => return Err(idle_closed),
        Err(Attempt::ClosedWhileIdle) => {}
    }
    match link.send_and_read(&head, body, head_buf, &mut *response_buf, limits) {
        Ok(response) => Ok(hand_over(call, &response, rng)),
        Err(Attempt::Broken(failure, broken)) => Err((failure, broken)),
        Err(Attempt::ClosedWhileIdle) => Err(idle_closed),
    }
}

type BrokenOf<C> =
    Broken<<C as Connect>::Error, <<C as Connect>::Connection as embedded_io::ErrorType>::Error>;

/// Why one try of an exchange did not give a response.
enum Attempt<C, E> {
    /// A kept connection turned out closed (before any response byte).
    ClosedWhileIdle,
    /// The exchange broke.
    Broken(TransportFailure, Broken<C, E>),
}

/// The connection slot of a client and how it was used.
struct Link<'l, C: Connect> {
    connector: &'l mut C,
    held: &'l mut Option<C::Connection>,
    reused: &'l mut bool,
    opened: &'l mut u32,
}

impl<C: Connect> Link<'_, C> {
    /// Writes the request and reads the response, on the held connection
    /// or a new one.
    fn send_and_read<'b>(
        &mut self,
        head: &RequestHead<'_>,
        body: &[u8],
        head_buf: &mut [u8],
        response_buf: &'b mut [u8],
        limits: Limits,
    ) -> Result<
        crate::http::Response<'b>,
        Attempt<C::Error, <C::Connection as embedded_io::ErrorType>::Error>,
    > {
        let connection = match self.held {
            Some(connection) => connection,
            None => {
                let connection = self
                    .connector
                    .connect()
                    .map_err(|e| Attempt::Broken(TransportFailure::NotSent, Broken::Connect(e)))?;
                *self.opened = self.opened.saturating_add(1);
                *self.reused = false;
                self.held.insert(connection)
            }
        };
        let was_reused = *self.reused;
        if let Err(error) = write_request(connection, head, body, head_buf) {
            *self.held = None;
            return Err(match error {
                WriteError::Io(_) | WriteError::WriteZero if was_reused => Attempt::ClosedWhileIdle,
                WriteError::Head(_) => {
                    Attempt::Broken(TransportFailure::NotSent, Broken::Write(error))
                }
                _ => Attempt::Broken(TransportFailure::MaybeSent, Broken::Write(error)),
            });
        }
        match read_response(connection, response_buf, limits) {
            Ok(response) => {
                if response.keep_alive() && response.excess().is_empty() {
                    *self.reused = true;
                } else {
                    *self.held = None;
                }
                Ok(response)
            }
            Err(error) => {
                *self.held = None;
                Err(match error {
                    ReadError::UnexpectedEof {
                        during: ReadPhase::BeforeResponse,
                    } if was_reused => Attempt::ClosedWhileIdle,
                    ReadError::Io(_) | ReadError::UnexpectedEof { .. } => {
                        Attempt::Broken(TransportFailure::MaybeSent, Broken::Read(error))
                    }
                    _ => Attempt::Broken(TransportFailure::ResponseUnusable, Broken::Read(error)),
                })
            }
        }
    }
}

/// Hands the parts of a response the call needs over to it.
fn hand_over(
    call: &mut Call<'_>,
    response: &crate::http::Response<'_>,
    rng: &mut dyn CnonceSource,
) -> Result<Step, CallError> {
    let mut challenges = [""; MAX_CHALLENGE_LINES];
    call.response(&Response::from_http(response, &mut challenges), rng)
}
