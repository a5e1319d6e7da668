//! The fault matrix of the kiosk transport: one test per fault, over the
//! host's `TcpConnection` (`support/tcp_connection.rs`, a stand-in for
//! esp-idf-svc's `EspHttpConnection` with a per-read timeout) against the
//! sandbox's fault switches or the raw fault server
//! (`minted_connect_tests::fault_server`).
//!
//! Every test asserts the documented [`Error`] class (the stage and what
//! the core was told, for a transport error), that the operation ended
//! within its time bound (the connection's read timeout, plus the waits the
//! server asked for with `Retry-After`, plus 1 s; the waits are real
//! sleeps here), that the client neither panicked nor hung (the operation
//! runs on its own thread with a deadline), and — against the sandbox —
//! that the store holds either the record as it was or the whole update.
//!
//! Each test prints one row of the table `fault | transport | error |
//! elapsed`: `cargo test -p minted-connect-esp --test fault_matrix --
//! --nocapture --test-threads 1` prints the whole table.

#[path = "support/common.rs"]
mod common;
#[path = "support/tcp_connection.rs"]
mod tcp_connection;

use std::io;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use common::StdRng;
use minted_connect_core::json::{ApiError, DecodeError};
use minted_connect_core::model::CustomerUpdate;
use minted_connect_core::validate::{CustomerInput, ValidationProfile};
use minted_connect_esp::{
    Authentication, ClientBuffers, ClientConfig, Credentials, Delay, Error, EspClient,
    ProtocolError, RetryPolicy, Stage, TransportError, TransportFailure,
};
use minted_connect_tests::fault_server::{Fault, FaultServer, RedirectPair, refused_base_url};
use minted_connect_tests::sandbox::{
    DEFAULT_PASSWORD, DEFAULT_USERNAME, EXAMPLE_CUSTOMER_ID, FaultScope, Faults, RetryAfterFault,
    Sandbox, SandboxConfig, SandboxHandle, StoredCustomer, Times,
};
use tcp_connection::{TcpConfig, TcpConnection, TcpError};

/// The connection's read (and write) timeout.
const TIMEOUT: Duration = Duration::from_secs(1);
/// The slack the issue allows past the bound.
const SLACK: Duration = Duration::from_secs(1);
/// Past this the operation counts as hung (the test fails, not waits).
const HANG: Duration = Duration::from_secs(10);
/// The lent response buffer: the largest body accepted.
const RESPONSE_BUFFER: usize = 4096;

/// Three attempts with short backoff, `Retry-After` honoured up to 30 s.
const POLICY: RetryPolicy = RetryPolicy {
    max_attempts: 3,
    base_delay_ms: 10,
    max_delay_ms: 50,
    max_retry_after_s: 30,
};

/// The update every test sends: every field differs from the seeded record.
const UPDATE: CustomerInput<'static> = CustomerInput {
    firstname: Some("Ayşe"),
    middlename: Some("Nur"),
    lastname: Some("Yılmaz"),
    fullname: Some("Ayşe Nur Yılmaz"),
    email: Some("ayse.yilmaz@example.com"),
    phone: Some("+90 532 111 22 33"),
    gender: Some("F"),
    identity_number: Some("10000000146"),
    birthdate: Some("1985-06-15"),
};

/// Waits for real, so the measured time includes the retry waits.
#[derive(Debug)]
struct Sleep;

impl Delay for Sleep {
    fn delay_ms(&mut self, ms: u32) {
        thread::sleep(Duration::from_millis(u64::from(ms)));
    }
}

type Client = EspClient<'static, TcpConnection, Sleep, StdRng>;

fn open() -> Result<TcpConnection, TcpError> {
    Ok(TcpConnection::new(TcpConfig {
        read_timeout: Some(TIMEOUT),
        ..TcpConfig::default()
    }))
}

/// A client whose buffers live for the rest of the test process (a few
/// KiB per test), so that it can run on a thread of its own.
fn client(base_url: &str, authentication: Authentication<'static>) -> Client {
    let base_url: &'static str = Box::leak(base_url.to_owned().into_boxed_str());
    let buffers: &'static mut ClientBuffers = Box::leak(Box::new(ClientBuffers::new()));
    let response: &'static mut [u8] = Box::leak(vec![0; RESPONSE_BUFFER].into_boxed_slice());
    let config = ClientConfig::new(base_url, authentication).with_retry(POLICY);
    EspClient::new(
        open().expect("a connection"),
        Sleep,
        StdRng::new(),
        config,
        buffers,
        response,
    )
    .expect("a valid base URL")
    .with_reconnect(open)
}

/// A client with a preset `Authorization`, so that the fault server sees
/// one on the first request (and a redirect could carry it elsewhere).
fn raw_client(base_url: &str) -> Client {
    client(
        base_url,
        Authentication::Preset("Token home-host-only-t0ken"),
    )
}

/// A digest client of the sandbox, its session primed (a challenge and an
/// authorized get), the log cleared: the next operation is one authorized
/// request.
fn primed_client(sandbox: &SandboxHandle) -> Client {
    let mut client = client(
        &sandbox.base_url(),
        Authentication::Digest(Credentials {
            username: DEFAULT_USERNAME,
            password: DEFAULT_PASSWORD,
        }),
    );
    client
        .get(EXAMPLE_CUSTOMER_ID)
        .expect("the example customer");
    sandbox.clear_log();
    client
}

/// What one faulted operation gave.
struct Run {
    error: Error<TcpError>,
    elapsed: Duration,
    requests: u16,
}

/// Runs an update of the example customer on its own thread: a panic or a
/// hang fails the test with a message instead of taking the harness down.
fn update(mut client: Client) -> Run {
    let customer =
        CustomerUpdate::validate(&UPDATE, ValidationProfile::Lenient).expect("a valid update");
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let started = Instant::now();
        let result = client.update(EXAMPLE_CUSTOMER_ID, &customer);
        let elapsed = started.elapsed();
        let _ = tx.send((result, elapsed, client.last_request_count()));
    });
    match rx.recv_timeout(HANG) {
        Ok((Ok(customer), _, _)) => panic!("the fault went unnoticed: {customer:?}"),
        Ok((Err(error), elapsed, requests)) => Run {
            error,
            elapsed,
            requests,
        },
        Err(RecvTimeoutError::Timeout) => panic!("the operation hung for {HANG:?}"),
        Err(RecvTimeoutError::Disconnected) => panic!("the client panicked"),
    }
}

/// The error's class in one short phrase, for the table.
fn class(error: &Error<TcpError>) -> String {
    match error {
        Error::Transport(e) => format!("Transport({:?}, {:?}, {:?})", e.stage, e.failure, e.source),
        Error::Protocol(e) => format!("Protocol({e:?})"),
        Error::Api(ApiError::UnexpectedStatus { status }) => {
            format!("Api(UnexpectedStatus {status})")
        }
        Error::Server { status } => format!("Server({status})"),
        Error::RateLimited { retry_after } => format!("RateLimited(retry_after {retry_after:?})"),
        other => format!("{other:?}"),
    }
}

/// Checks the time bound, and prints the table row.
fn finish(fault: &str, run: &Run, waits: Duration) {
    println!(
        "| {fault} | esp | {} | {:.2} s |",
        class(&run.error),
        run.elapsed.as_secs_f64()
    );
    let bound = TIMEOUT + waits + SLACK;
    assert!(
        run.elapsed < bound,
        "{fault}: {:?} is over the bound {bound:?}",
        run.elapsed
    );
    assert!(!run.error.to_string().is_empty());
}

fn sandbox_with(faults: Faults) -> (SandboxHandle, Client, StoredCustomer) {
    let sandbox = Sandbox::start(SandboxConfig::default()).expect("the sandbox starts");
    let client = primed_client(&sandbox);
    let before = sandbox.customer(EXAMPLE_CUSTOMER_ID).expect("seeded");
    sandbox.set_faults(Faults {
        scope: FaultScope::AuthorizedOnly,
        ..faults
    });
    (sandbox, client, before)
}

/// The store holds the record as it was or the whole update: never part.
fn assert_no_partial_update(sandbox: &SandboxHandle, before: &StoredCustomer) {
    let after = sandbox.customer(EXAMPLE_CUSTOMER_ID).expect("still stored");
    if after == *before {
        return;
    }
    let fields = [
        (&after.firstname, UPDATE.firstname),
        (&after.middlename, UPDATE.middlename),
        (&after.lastname, UPDATE.lastname),
        (&after.fullname, UPDATE.fullname),
        (&after.email, UPDATE.email),
        (&after.phone, UPDATE.phone),
        (&after.gender, UPDATE.gender),
        (&after.identity_number, UPDATE.identity_number),
        (&after.birthdate, UPDATE.birthdate),
    ];
    for (stored, sent) in fields {
        assert_eq!(stored.as_deref(), sent, "a partial update: {after:?}");
    }
}

fn transport(run: &Run) -> TransportError<TcpError> {
    match &run.error {
        Error::Transport(error) => *error,
        other => panic!("expected a transport error, got {other:?}"),
    }
}

fn protocol(run: &Run) -> ProtocolError {
    match &run.error {
        Error::Protocol(error) => *error,
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

#[test]
fn connection_refused() {
    let run = update(raw_client(&refused_base_url().unwrap()));
    finish("connection refused", &run, Duration::from_millis(100));
    let error = transport(&run);
    assert_eq!(error.stage, Stage::Open);
    assert_eq!(error.failure, TransportFailure::NotSent);
    assert_eq!(error.source, TcpError::Io(io::ErrorKind::ConnectionRefused));
    assert_eq!(run.requests, 3, "nothing was sent: every attempt is made");
    assert!(!run.error.may_have_been_sent());
}

#[test]
fn reset_before_head() {
    let server = FaultServer::start(Fault::ResetBeforeHead).unwrap();
    let run = update(raw_client(&server.base_url()));
    finish("reset before head", &run, Duration::ZERO);
    let error = transport(&run);
    assert_eq!(error.stage, Stage::Receive);
    assert_eq!(error.failure, TransportFailure::MaybeSent);
    assert_eq!(error.source, TcpError::Io(io::ErrorKind::ConnectionReset));
    assert_eq!(
        server.requests().len(),
        1,
        "it may have arrived: not resent"
    );
}

#[test]
fn reset_after_head() {
    let server = FaultServer::start(Fault::ResetAfterHead).unwrap();
    let run = update(raw_client(&server.base_url()));
    finish("reset after head", &run, Duration::ZERO);
    let error = transport(&run);
    assert_eq!(error.stage, Stage::ReadBody);
    assert_eq!(error.failure, TransportFailure::MaybeSent);
    assert_eq!(error.source, TcpError::Io(io::ErrorKind::ConnectionReset));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn reset_mid_body() {
    let server = FaultServer::start(Fault::ResetMidBody).unwrap();
    let run = update(raw_client(&server.base_url()));
    finish("reset mid-body", &run, Duration::ZERO);
    let error = transport(&run);
    assert_eq!(error.stage, Stage::ReadBody);
    assert_eq!(error.failure, TransportFailure::MaybeSent);
    assert_eq!(error.source, TcpError::Io(io::ErrorKind::ConnectionReset));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn truncated_body_content_length() {
    let server = FaultServer::start(Fault::TruncatedLength).unwrap();
    let run = update(raw_client(&server.base_url()));
    finish("truncated body (Content-Length)", &run, Duration::ZERO);
    // The connection reports the early end of a sized body as an error of
    // its own (as esp-idf does), before the transport can count bytes.
    let error = transport(&run);
    assert_eq!(error.stage, Stage::ReadBody);
    assert_eq!(error.failure, TransportFailure::MaybeSent);
    assert_eq!(error.source, TcpError::Io(io::ErrorKind::UnexpectedEof));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn truncated_body_chunked() {
    let server = FaultServer::start(Fault::TruncatedChunked).unwrap();
    let run = update(raw_client(&server.base_url()));
    finish("truncated body (chunked)", &run, Duration::ZERO);
    let error = transport(&run);
    assert_eq!(error.stage, Stage::ReadBody);
    assert_eq!(error.failure, TransportFailure::MaybeSent);
    assert_eq!(error.source, TcpError::Io(io::ErrorKind::UnexpectedEof));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn slow_head() {
    let (sandbox, client, before) = sandbox_with(Faults {
        slow_head: Some(Duration::from_secs(4)),
        ..Faults::default()
    });
    let run = update(client);
    finish("slow head (4 s)", &run, Duration::ZERO);
    let error = transport(&run);
    assert_eq!(error.stage, Stage::Receive);
    assert_eq!(error.failure, TransportFailure::MaybeSent);
    assert!(
        matches!(
            error.source,
            TcpError::Io(io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
        ),
        "{error:?}"
    );
    assert!(run.elapsed >= TIMEOUT, "{:?}", run.elapsed);
    assert_eq!(run.requests, 1, "a timeout is not retried");
    assert_no_partial_update(&sandbox, &before);
}

#[test]
fn slow_body() {
    let (sandbox, client, before) = sandbox_with(Faults {
        slow_body: Some(Duration::from_secs(4)),
        ..Faults::default()
    });
    let run = update(client);
    finish("slow body (4 s pause)", &run, Duration::ZERO);
    let error = transport(&run);
    assert_eq!(error.stage, Stage::ReadBody);
    assert_eq!(error.failure, TransportFailure::MaybeSent);
    assert!(
        matches!(
            error.source,
            TcpError::Io(io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
        ),
        "{error:?}"
    );
    assert_eq!(run.requests, 1);
    assert_no_partial_update(&sandbox, &before);
}

#[test]
fn endless_503() {
    let server = FaultServer::start(Fault::EndlessUnavailable { retry_after: None }).unwrap();
    let run = update(raw_client(&server.base_url()));
    // Two backoff waits of at most 50 ms.
    finish("endless 503", &run, Duration::from_millis(100));
    assert!(
        matches!(run.error, Error::Server { status: 503 }),
        "{:?}",
        run.error
    );
    assert_eq!(run.requests, 3);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn rate_limited_with_retry_after() {
    let (sandbox, client, before) = sandbox_with(Faults {
        rate_limited: Some(RetryAfterFault {
            retry_after: 1,
            times: Times::Always,
        }),
        ..Faults::default()
    });
    let run = update(client);
    // Two waits of the server's 1 s.
    finish("429 with Retry-After: 1", &run, Duration::from_secs(2));
    assert!(
        matches!(
            run.error,
            Error::RateLimited {
                retry_after: Some(1)
            }
        ),
        "{:?}",
        run.error
    );
    assert!(
        run.elapsed >= Duration::from_secs(2),
        "Retry-After was honoured: {:?}",
        run.elapsed
    );
    assert_eq!(run.requests, 3);
    assert_eq!(sandbox.customer(EXAMPLE_CUSTOMER_ID), Some(before));
}

#[test]
fn html_502() {
    let (sandbox, client, before) = sandbox_with(Faults {
        bad_gateway: Some(Times::Always),
        ..Faults::default()
    });
    let run = update(client);
    finish("HTML 502", &run, Duration::from_millis(100));
    assert!(
        matches!(run.error, Error::Server { status: 502 }),
        "{:?}",
        run.error
    );
    assert_eq!(run.requests, 3);
    assert_eq!(sandbox.customer(EXAMPLE_CUSTOMER_ID), Some(before));
}

#[test]
fn invalid_utf8_json() {
    let server = FaultServer::start(Fault::InvalidUtf8).unwrap();
    let run = update(raw_client(&server.base_url()));
    finish("invalid UTF-8 in the JSON", &run, Duration::ZERO);
    assert!(
        matches!(
            protocol(&run),
            ProtocolError::Malformed(DecodeError::InvalidUtf8 { .. })
        ),
        "{:?}",
        run.error
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn oversized_body() {
    let (sandbox, client, before) = sandbox_with(Faults {
        oversized_body: Some(256 * 1024),
        ..Faults::default()
    });
    let run = update(client);
    finish("oversized body (256 KiB)", &run, Duration::ZERO);
    assert_eq!(
        protocol(&run),
        ProtocolError::BodyTooLarge {
            limit: RESPONSE_BUFFER
        }
    );
    assert_eq!(run.requests, 1);
    // The server applied the update before its answer grew too large.
    assert_no_partial_update(&sandbox, &before);
}

#[test]
fn two_content_lengths() {
    let server = FaultServer::start(Fault::TwoContentLengths).unwrap();
    let run = update(raw_client(&server.base_url()));
    finish("two different Content-Length", &run, Duration::ZERO);
    // embedded-svc shows one value per header name, so only the connection
    // can see the conflict; it refuses the head (esp-idf's parser does too).
    let error = transport(&run);
    assert_eq!(error.stage, Stage::Receive);
    assert_eq!(error.failure, TransportFailure::MaybeSent);
    assert_eq!(error.source, TcpError::Malformed);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn redirect_to_another_host() {
    for status in [302, 307] {
        let pair = RedirectPair::start(status).unwrap();
        let run = update(raw_client(&pair.redirecting.base_url()));
        finish(
            &format!("redirect {status} to another host"),
            &run,
            Duration::ZERO,
        );
        assert!(
            matches!(run.error, Error::Api(ApiError::UnexpectedStatus { status: s }) if s == status),
            "{:?}",
            run.error
        );
        // The home host got the credential; the other host got nothing.
        assert!(pair.redirecting.received_authorization());
        assert_eq!(
            pair.other_host.connections(),
            0,
            "the redirect was followed"
        );
        assert!(!pair.other_host.received_authorization());
    }
}
