//! The transport over a real `TcpStream` (`support/tcp_connection.rs`)
//! against the local sandbox: every operation, the API's errors, digest
//! (challenge, pre-emptive reuse, stale nonce) counted through the
//! sandbox's request log, and the faults a kiosk meets on a bad network.

#[path = "support/common.rs"]
mod common;
#[path = "support/tcp_connection.rs"]
mod tcp_connection;

use std::io;
use std::time::Duration;

use common::{RecordingDelay, StdRng, example_update, new_customer};
use minted_connect_core::json::ApiError;
use minted_connect_esp::{
    Authentication, ClientBuffers, ClientConfig, Credentials, Error, EspClient, ProtocolError,
    Stage, TransportFailure,
};
use minted_connect_tests::sandbox::{
    EXAMPLE_CUSTOMER_ID, FaultScope, Faults, RetryAfterFault, Sandbox, SandboxConfig,
    SandboxHandle, Times,
};
use tcp_connection::{TcpConfig, TcpConnection, TcpError};

type Client<'a> = EspClient<'a, TcpConnection, &'a mut RecordingDelay, StdRng>;

/// What a client borrows besides the sandbox.
struct Parts {
    base_url: String,
    buffers: Box<ClientBuffers>,
    response: Vec<u8>,
    delay: RecordingDelay,
}

impl Parts {
    fn new(sandbox: &SandboxHandle, response_limit: usize) -> Self {
        Parts {
            base_url: sandbox.base_url(),
            buffers: Box::new(ClientBuffers::new()),
            response: vec![0; response_limit],
            delay: RecordingDelay::default(),
        }
    }

    /// A client over `open()`, which it also calls to replace a connection
    /// a failure left mid-request.
    fn client<'a>(&'a mut self, sandbox: &'a SandboxHandle, open: Open) -> Client<'a> {
        let auth = Authentication::Digest(Credentials {
            username: sandbox.username(),
            password: sandbox.password(),
        });
        EspClient::new(
            open().expect("a connection"),
            &mut self.delay,
            StdRng::new(),
            ClientConfig::new(&self.base_url, auth),
            &mut self.buffers,
            &mut self.response,
        )
        .expect("the sandbox's base URL is valid")
        .with_reconnect(open)
    }
}

type Open = fn() -> Result<TcpConnection, TcpError>;

fn tcp() -> Result<TcpConnection, TcpError> {
    Ok(TcpConnection::new(TcpConfig::default()))
}

/// A read timeout of 300 ms.
fn impatient_tcp() -> Result<TcpConnection, TcpError> {
    Ok(TcpConnection::new(TcpConfig {
        read_timeout: Some(Duration::from_millis(300)),
        ..TcpConfig::default()
    }))
}

/// One body byte per read.
fn one_byte_tcp() -> Result<TcpConnection, TcpError> {
    Ok(TcpConnection::new(TcpConfig {
        read_chunk: 1,
        ..TcpConfig::default()
    }))
}

fn start() -> SandboxHandle {
    Sandbox::start(SandboxConfig::default()).expect("the sandbox starts")
}

/// `(status, had Authorization)` of every logged request.
fn log(sandbox: &SandboxHandle) -> Vec<(u16, bool)> {
    sandbox
        .requests()
        .iter()
        .map(|r| (r.status, r.had_authorization()))
        .collect()
}

/// Primes the digest session with a get (two requests), then clears the log.
fn prime(client: &mut Client<'_>, sandbox: &SandboxHandle) {
    client
        .get(EXAMPLE_CUSTOMER_ID)
        .expect("the example customer");
    assert_eq!(client.last_request_count(), 2);
    sandbox.clear_log();
}

#[test]
fn update_get_create_remove_with_one_round_trip_after_the_first() {
    let sandbox = start();
    let mut parts = Parts::new(&sandbox, 4096);
    let customer = example_update();
    let created = new_customer("KIOSK-0001", "ayse.yilmaz@example.com");
    let mut client = parts.client(&sandbox, tcp);

    let mut counts = Vec::new();
    let record = client.update(EXAMPLE_CUSTOMER_ID, &customer).unwrap();
    assert_eq!(record.external_id.as_deref(), Some(EXAMPLE_CUSTOMER_ID));
    assert_eq!(record.lastname.as_deref(), Some("Gülbilge"));
    counts.push(client.last_request_count());
    let record = client.get(EXAMPLE_CUSTOMER_ID).unwrap();
    assert_eq!(record.email.as_deref(), Some("mehmet.gulbilge@example.com"));
    counts.push(client.last_request_count());
    let record = client.create(&created).unwrap();
    assert_eq!(record.external_id.as_deref(), Some("KIOSK-0001"));
    assert!(sandbox.customer("KIOSK-0001").is_some());
    counts.push(client.last_request_count());
    client.remove("KIOSK-0001").unwrap();
    counts.push(client.last_request_count());
    client.update(EXAMPLE_CUSTOMER_ID, &customer).unwrap();
    counts.push(client.last_request_count());
    assert_eq!(counts, [2, 1, 1, 1, 1]);
    assert_eq!(client.connection().requests(), 6);
    drop(client);

    // The sandbox saw the same: one challenge, then only authorized requests.
    assert_eq!(
        log(&sandbox),
        [
            (401, false),
            (200, true),
            (200, true),
            (200, true),
            (200, true),
            (200, true)
        ]
    );
    let methods: Vec<String> = sandbox.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(
        methods,
        ["PATCH", "PATCH", "GET", "POST", "DELETE", "PATCH"]
    );
    // Every request with a body carried its exact Content-Length.
    for request in sandbox.requests() {
        let length = request
            .header("content-length")
            .map(|v| v.parse::<usize>().unwrap());
        match request.method.as_str() {
            "PATCH" | "POST" => assert_eq!(length, Some(request.body.len())),
            _ => assert!(length.is_none_or(|n| n == 0) && request.body.is_empty()),
        }
    }
    assert!(sandbox.customer("KIOSK-0001").is_none());
    assert!(parts.delay.waits().is_empty());
}

#[test]
fn not_found_and_invalid_keep_their_class() {
    let sandbox = start();
    let mut parts = Parts::new(&sandbox, 4096);
    let mut client = parts.client(&sandbox, tcp);
    let missing = client.get("NO-SUCH-CUSTOMER");
    assert!(
        matches!(missing, Err(Error::Api(ApiError::NotFound))),
        "{missing:?}"
    );
    let removed = client.remove("NO-SUCH-CUSTOMER");
    assert!(
        matches!(removed, Err(Error::Api(ApiError::NotFound))),
        "{removed:?}"
    );
    // An existing external_id on create is a 422 with per-field messages.
    let duplicate = new_customer(EXAMPLE_CUSTOMER_ID, "someone.else@example.com");
    let invalid = client.create(&duplicate);
    assert!(
        matches!(invalid, Err(Error::Api(ApiError::Invalid))),
        "{invalid:?}"
    );
    assert!(
        !client.last_invalid_details().fields.is_empty(),
        "{}",
        client.last_invalid_details()
    );
    assert!(invalid.unwrap_err().may_have_been_sent());
    drop(client);
    assert_eq!(
        log(&sandbox),
        [(401, false), (404, true), (404, true), (422, true)]
    );
}

#[test]
fn wrong_credentials_are_refused_after_one_challenge() {
    let sandbox = start();
    let mut parts = Parts::new(&sandbox, 4096);
    let auth = Authentication::Digest(Credentials {
        username: sandbox.username(),
        password: "not-the-password",
    });
    let mut client = EspClient::new(
        TcpConnection::new(TcpConfig::default()),
        &mut parts.delay,
        StdRng::new(),
        ClientConfig::new(&parts.base_url, auth),
        &mut parts.buffers,
        &mut parts.response,
    )
    .unwrap();
    let result = client.get(EXAMPLE_CUSTOMER_ID);
    assert!(
        matches!(result, Err(Error::Authentication(_))),
        "{result:?}"
    );
    assert_eq!(client.last_request_count(), 2);
    assert!(!client.has_digest_session());
    drop(client);
    assert_eq!(log(&sandbox), [(401, false), (401, true)]);
}

#[test]
fn a_stale_nonce_is_answered_once_with_the_new_one() {
    let sandbox = start();
    let mut parts = Parts::new(&sandbox, 4096);
    let customer = example_update();
    let mut client = parts.client(&sandbox, tcp);
    prime(&mut client, &sandbox);

    sandbox.expire_nonces();
    client.update(EXAMPLE_CUSTOMER_ID, &customer).unwrap();
    assert_eq!(client.last_request_count(), 2);
    // The new nonce is reused pre-emptively again.
    client.update(EXAMPLE_CUSTOMER_ID, &customer).unwrap();
    assert_eq!(client.last_request_count(), 1);
    drop(client);

    let requests = sandbox.requests();
    assert_eq!(log(&sandbox), [(401, true), (200, true), (200, true)]);
    assert!(
        requests[0].stale,
        "the expired nonce is answered with stale=true"
    );
    assert!(parts.delay.waits().is_empty());
}

#[test]
fn a_body_larger_than_the_buffer_is_refused_and_not_retried() {
    let sandbox = start();
    let mut parts = Parts::new(&sandbox, 2048);
    let mut client = parts.client(&sandbox, tcp);
    prime(&mut client, &sandbox);

    for chunked in [false, true] {
        sandbox.set_faults(Faults {
            oversized_body: Some(64 * 1024),
            chunked,
            scope: FaultScope::AuthorizedOnly,
            ..Faults::default()
        });
        let result = client.update(EXAMPLE_CUSTOMER_ID, &example_update());
        assert!(
            matches!(
                result,
                Err(Error::Protocol(ProtocolError::BodyTooLarge { limit: 2048 }))
            ),
            "chunked {chunked}: {result:?}"
        );
        assert_eq!(client.last_request_count(), 1);
    }
    sandbox.clear_faults();
    // The session survives: the next call is one authorized round trip.
    client.get(EXAMPLE_CUSTOMER_ID).unwrap();
    assert_eq!(client.last_request_count(), 1);
    drop(client);
    assert_eq!(log(&sandbox), [(200, true), (200, true), (200, true)]);
}

#[test]
fn the_server_closing_mid_body_is_a_transport_error() {
    let sandbox = start();
    let mut parts = Parts::new(&sandbox, 4096);
    let mut client = parts.client(&sandbox, tcp);
    prime(&mut client, &sandbox);

    // With a pause after the first half, the head and half the body are on
    // the wire before the server closes: the close is met mid-body.
    sandbox.set_faults(Faults {
        truncated_body: true,
        slow_body: Some(Duration::from_millis(100)),
        scope: FaultScope::AuthorizedOnly,
        ..Faults::default()
    });
    let result = client.update(EXAMPLE_CUSTOMER_ID, &example_update());
    match result {
        Err(Error::Transport(error)) => {
            assert_eq!(error.stage, Stage::ReadBody);
            assert_eq!(error.failure, TransportFailure::MaybeSent);
            assert_eq!(error.source, TcpError::Io(io::ErrorKind::UnexpectedEof));
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    // The update may have been applied: it is not sent again.
    assert_eq!(client.last_request_count(), 1);

    // Without the pause the server may close before the head is out: the
    // failure is met at the head or in the body, and is never retried.
    sandbox.set_faults(Faults {
        truncated_body: true,
        scope: FaultScope::AuthorizedOnly,
        ..Faults::default()
    });
    let result = client.update(EXAMPLE_CUSTOMER_ID, &example_update());
    match result {
        Err(Error::Transport(error)) => {
            assert!(
                matches!(error.stage, Stage::Receive | Stage::ReadBody),
                "{error:?}"
            );
            assert_eq!(error.failure, TransportFailure::MaybeSent);
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    assert_eq!(client.last_request_count(), 1);
    drop(client);
    assert_eq!(sandbox.request_count(), 2);
}

#[test]
fn a_slow_server_runs_into_the_read_timeout() {
    let sandbox = start();
    let mut parts = Parts::new(&sandbox, 4096);
    let mut client = parts.client(&sandbox, impatient_tcp);
    prime(&mut client, &sandbox);

    for (faults, stage) in [
        (
            Faults {
                slow_head: Some(Duration::from_secs(2)),
                ..Faults::default()
            },
            Stage::Receive,
        ),
        (
            Faults {
                slow_body: Some(Duration::from_secs(2)),
                ..Faults::default()
            },
            Stage::ReadBody,
        ),
    ] {
        sandbox.set_faults(faults);
        let result = client.get(EXAMPLE_CUSTOMER_ID);
        match result {
            Err(Error::Transport(error)) => {
                assert_eq!(error.stage, stage);
                assert_eq!(error.failure, TransportFailure::MaybeSent);
                assert!(
                    matches!(
                        error.source,
                        TcpError::Io(io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)
                    ),
                    "{error:?}"
                );
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        // A timeout is not retried (the request may have been handled).
        assert_eq!(client.last_request_count(), 1);
    }
    sandbox.clear_faults();
    // The connection the head timeout left mid-request was replaced, and
    // the digest session kept: one authorized round trip.
    client.get(EXAMPLE_CUSTOMER_ID).unwrap();
    assert_eq!(client.last_request_count(), 1);
}

#[test]
fn one_byte_per_read_over_chunked_and_sized_bodies() {
    let sandbox = start();
    let mut parts = Parts::new(&sandbox, 4096);
    let mut client = parts.client(&sandbox, one_byte_tcp);
    for chunked in [false, true] {
        sandbox.set_faults(Faults {
            chunked,
            ..Faults::default()
        });
        let record = client
            .update(EXAMPLE_CUSTOMER_ID, &example_update())
            .unwrap();
        assert_eq!(record.fullname.as_deref(), Some("Mehmet Gülbilge"));
        let record = client.get(EXAMPLE_CUSTOMER_ID).unwrap();
        assert_eq!(record.identity_number.as_deref(), Some("12345677938"));
    }
}

#[test]
fn unavailable_and_bad_gateway_are_retried_but_a_create_is_not() {
    let sandbox = start();
    let mut parts = Parts::new(&sandbox, 4096);
    let mut client = parts.client(&sandbox, tcp);
    prime(&mut client, &sandbox);

    sandbox.set_faults(Faults {
        unavailable: Some(RetryAfterFault {
            retry_after: 1,
            times: Times::Next(1),
        }),
        scope: FaultScope::AuthorizedOnly,
        ..Faults::default()
    });
    client
        .update(EXAMPLE_CUSTOMER_ID, &example_update())
        .unwrap();
    assert_eq!(client.last_request_count(), 2);

    sandbox.set_faults(Faults {
        bad_gateway: Some(Times::Next(1)),
        scope: FaultScope::AuthorizedOnly,
        ..Faults::default()
    });
    client.get(EXAMPLE_CUSTOMER_ID).unwrap();
    assert_eq!(client.last_request_count(), 2);

    sandbox.set_faults(Faults {
        unavailable: Some(RetryAfterFault {
            retry_after: 1,
            times: Times::Next(1),
        }),
        scope: FaultScope::AuthorizedOnly,
        ..Faults::default()
    });
    let created = new_customer("KIOSK-0003", "kiosk3@example.com");
    let result = client.create(&created);
    assert!(
        matches!(result, Err(Error::Server { status: 503 })),
        "{result:?}"
    );
    assert_eq!(client.last_request_count(), 1);

    sandbox.set_faults(Faults {
        rate_limited: Some(RetryAfterFault {
            retry_after: 120,
            times: Times::Always,
        }),
        scope: FaultScope::AuthorizedOnly,
        ..Faults::default()
    });
    let result = client.get(EXAMPLE_CUSTOMER_ID);
    assert!(
        matches!(
            result,
            Err(Error::RateLimited {
                retry_after: Some(120)
            })
        ),
        "{result:?}"
    );
    assert_eq!(
        client.last_request_count(),
        1,
        "120 s is over the policy's cap"
    );
    drop(client);

    let waits = parts.delay.waits();
    assert_eq!(waits[0], 1000, "Retry-After: 1 is honoured");
    assert!(
        (100..=200).contains(&waits[1]),
        "backoff after a 502: {waits:?}"
    );
    assert_eq!(waits.len(), 2);
    assert_eq!(
        sandbox
            .requests()
            .iter()
            .map(|r| r.status)
            .collect::<Vec<_>>(),
        [503, 200, 502, 200, 503, 429]
    );
}

#[test]
fn nothing_listening_is_not_sent_and_retried() {
    // A port that was free a moment ago: connecting is refused.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let base_url = format!("http://127.0.0.1:{port}");
    let mut buffers = Box::new(ClientBuffers::new());
    let mut response = vec![0; 1024];
    let mut delay = RecordingDelay::default();
    let auth = Authentication::Digest(Credentials {
        username: "partner",
        password: "s3cret",
    });
    let mut client = EspClient::new(
        TcpConnection::new(TcpConfig::default()),
        &mut delay,
        StdRng::new(),
        ClientConfig::new(&base_url, auth),
        &mut buffers,
        &mut response,
    )
    .unwrap();
    let result = client.update(EXAMPLE_CUSTOMER_ID, &example_update());
    match result {
        Err(Error::Transport(error)) => {
            assert_eq!(error.stage, Stage::Open);
            assert_eq!(error.failure, TransportFailure::NotSent);
            assert_eq!(error.source, TcpError::Io(io::ErrorKind::ConnectionRefused));
        }
        other => panic!("expected a refused connection, got {other:?}"),
    }
    assert_eq!(
        client.connection().requests(),
        0,
        "no connection was opened"
    );
    drop(client);
    assert_eq!(delay.waits().len(), 2, "three attempts");
}
