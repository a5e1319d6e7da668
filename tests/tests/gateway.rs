//! The core's blocking gateway client (the call flow over the core's
//! HTTP/1.1 codec) against the sandbox over real TCP sockets: request
//! counts of the digest session, keep-alive, the sandbox's faults, and the
//! API's errors.

use std::io::{self, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use minted_connect_core::auth::{CnonceSource, Credentials};
use minted_connect_core::call::{AuthFailure, Authentication, CallError, Delay, RetryPolicy};
use minted_connect_core::gateway::{Connect, GatewayBuffers, GatewayClient, GatewayError};
use minted_connect_core::json::ApiError;
use minted_connect_core::model::{CustomerCreate, CustomerUpdate};
use minted_connect_core::request::RequestSettings;
use minted_connect_core::validate::{CreateInput, CustomerInput, Field, ValidationProfile};
use minted_connect_tests::sandbox::{
    Faults, RetryAfterFault, Sandbox, SandboxConfig, SandboxHandle, Times,
};

/// A `TcpStream` as an `embedded_io` stream.
struct Socket(TcpStream);

#[derive(Debug)]
struct SocketError(io::Error);

impl std::fmt::Display for SocketError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SocketError {}

impl embedded_io::Error for SocketError {
    fn kind(&self) -> embedded_io::ErrorKind {
        embedded_io::ErrorKind::Other
    }
}

impl embedded_io::ErrorType for Socket {
    type Error = SocketError;
}

impl embedded_io::Read for Socket {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, SocketError> {
        self.0.read(buf).map_err(SocketError)
    }
}

impl embedded_io::Write for Socket {
    fn write(&mut self, buf: &[u8]) -> Result<usize, SocketError> {
        self.0.write(buf).map_err(SocketError)
    }

    fn flush(&mut self) -> Result<(), SocketError> {
        self.0.flush().map_err(SocketError)
    }
}

/// Connects to the sandbox with a read timeout.
struct Tcp {
    addr: SocketAddr,
}

impl Connect for Tcp {
    type Connection = Socket;
    type Error = io::Error;

    fn connect(&mut self) -> Result<Socket, io::Error> {
        let stream = TcpStream::connect_timeout(&self.addr, Duration::from_secs(2))?;
        stream.set_read_timeout(Some(Duration::from_secs(2)))?;
        stream.set_nodelay(true)?;
        Ok(Socket(stream))
    }
}

/// Records the waits instead of sleeping them away.
#[derive(Default)]
struct Waits(Vec<u32>);

impl Delay for Waits {
    fn delay_ms(&mut self, ms: u32) {
        self.0.push(ms);
    }
}

/// Random cnonces from the OS-seeded std hasher (enough for tests).
struct Rng(u64);

impl CnonceSource for Rng {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *byte = self.0 as u8;
        }
    }
}

fn example_update() -> CustomerUpdate {
    let input = CustomerInput {
        firstname: Some("Mehmet"),
        lastname: Some("Gülbilge"),
        fullname: Some("Mehmet Gülbilge"),
        email: Some("mehmet.gulbilge@example.com"),
        phone: Some("+90 532 280 80 35"),
        gender: Some("M"),
        identity_number: Some("12345677938"),
        birthdate: Some("1970-01-31"),
        ..CustomerInput::default()
    };
    CustomerUpdate::validate(&input, ValidationProfile::Lenient).unwrap()
}

type Client<'a> = GatewayClient<'a, Tcp, &'a mut Waits, Rng>;

/// Runs `test` with a gateway client for `sandbox` using `password`.
fn with_client<T>(
    sandbox: &SandboxHandle,
    password: &str,
    test: impl FnOnce(&mut Client<'_>) -> T,
) -> (T, Vec<u32>) {
    let mut buffers = GatewayBuffers::new();
    let mut response = vec![0u8; 8192];
    let mut waits = Waits::default();
    let host = format!("127.0.0.1:{}", sandbox.port());
    let auth = Authentication::Digest(Credentials {
        username: sandbox.username(),
        password,
    });
    let policy = RetryPolicy {
        base_delay_ms: 1,
        ..RetryPolicy::new()
    };
    let result = {
        let mut client = GatewayClient::new(
            Tcp {
                addr: sandbox.addr(),
            },
            &host,
            RequestSettings::new(),
            auth,
            policy,
            &mut waits,
            Rng(0x9E37_79B9_7F4A_7C15),
            &mut buffers,
            &mut response,
        );
        test(&mut client)
    };
    (result, waits.0)
}

#[test]
fn five_updates_on_one_session_cost_six_requests_on_one_connection() {
    let sandbox = Sandbox::start_default().unwrap();
    let update = example_update();
    let ((counts, connections), _) = with_client(&sandbox, "s3cret", |client| {
        let mut counts = Vec::new();
        for _ in 0..5 {
            let record = client.update("MTD0018232", &update).unwrap();
            assert_eq!(record.external_id.as_deref(), Some("MTD0018232"));
            assert_eq!(record.lastname.as_deref(), Some("Gülbilge"));
            counts.push(client.last_request_count());
        }
        (counts, client.connections_opened())
    });
    assert_eq!(counts, [2, 1, 1, 1, 1]);
    assert_eq!(sandbox.request_count(), 6);
    assert_eq!(
        connections, 1,
        "keep-alive: one connection for every request"
    );
    let log = sandbox.requests();
    assert!(!log[0].had_authorization());
    assert!(log[1..].iter().all(|r| r.had_authorization()));
    let stored = sandbox.customer("MTD0018232").unwrap();
    assert_eq!(stored.phone.as_deref(), Some("+90 532 280 80 35"));
}

#[test]
fn a_stale_nonce_in_the_middle_costs_exactly_one_more_request() {
    let sandbox = Sandbox::start_default().unwrap();
    let update = example_update();
    let (counts, _) = with_client(&sandbox, "s3cret", |client| {
        let mut counts = Vec::new();
        for i in 0..5 {
            if i == 2 {
                sandbox.expire_nonces();
            }
            client.update("MTD0018232", &update).unwrap();
            counts.push(client.last_request_count());
        }
        counts
    });
    assert_eq!(counts, [2, 1, 2, 1, 1]);
    assert_eq!(sandbox.request_count(), 7);
}

#[test]
fn a_wrong_password_costs_two_requests_and_is_an_authentication_error() {
    let sandbox = Sandbox::start_default().unwrap();
    let before = sandbox.customer("MTD0018232").unwrap();
    let (result, _) = with_client(&sandbox, "wrong", |client| {
        let error = client.update("MTD0018232", &example_update()).unwrap_err();
        (error, client.last_request_count())
    });
    let (error, count) = result;
    assert!(
        matches!(
            error,
            GatewayError::Call(CallError::Authentication(AuthFailure::CredentialsRejected))
        ),
        "{error:?}"
    );
    assert_eq!(count, 2);
    assert_eq!(sandbox.request_count(), 2);
    assert_eq!(sandbox.customer("MTD0018232").unwrap(), before);
}

#[test]
fn nonces_with_a_use_limit_and_next_nonce_are_followed() {
    let config = SandboxConfig {
        nonce_max_uses: Some(2),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).unwrap();
    let (counts, _) = with_client(&sandbox, "s3cret", |client| {
        (0..4)
            .map(|_| {
                client.get("MTD0018233").unwrap();
                client.last_request_count()
            })
            .collect::<Vec<_>>()
    });
    // A nonce is good for two requests: the third is answered stale and
    // resent at once with the new nonce.
    assert_eq!(counts, [2, 1, 2, 1]);
    assert_eq!(sandbox.request_count(), 6);

    let config = SandboxConfig {
        next_nonce: true,
        nonce_max_uses: Some(1),
        ..SandboxConfig::default()
    };
    let sandbox = Sandbox::start(config).unwrap();
    let (counts, _) = with_client(&sandbox, "s3cret", |client| {
        (0..4)
            .map(|_| {
                client.get("MTD0018233").unwrap();
                client.last_request_count()
            })
            .collect::<Vec<_>>()
    });
    // Each response hands over the next nonce, so one use per nonce never
    // costs a stale round trip.
    assert_eq!(counts, [2, 1, 1, 1]);
}

#[test]
fn get_create_remove_not_found_and_invalid() {
    let sandbox = Sandbox::start_default().unwrap();
    with_client(&sandbox, "s3cret", |client| {
        let record = client.get("MTD0018234").unwrap();
        assert!(record.firstname.is_some());

        let input = CreateInput {
            external_id: Some("GW-0001"),
            customer: CustomerInput {
                firstname: Some("Ayşe"),
                lastname: Some("Yılmaz"),
                email: Some("ayse.gateway@example.com"),
                phone: Some("+90 532 111 22 33"),
                identity_number: Some("10000000146"),
                ..CustomerInput::default()
            },
        };
        let create = CustomerCreate::validate(&input, ValidationProfile::Lenient).unwrap();
        let created = client.create(&create).unwrap();
        assert_eq!(created.external_id.as_deref(), Some("GW-0001"));
        assert_eq!(created.lastname.as_deref(), Some("Yılmaz"));

        client.remove("GW-0001").unwrap();
        let error = client.get("GW-0001").unwrap_err();
        assert!(
            matches!(
                error,
                GatewayError::Call(CallError::Api(ApiError::NotFound))
            ),
            "{error:?}"
        );

        // A second customer's e-mail: the server refuses it with a 422
        // naming the field.
        let taken = CustomerInput {
            email: Some("mehmet.gulbilge@example.com"),
            ..input.customer
        };
        let update = CustomerUpdate::validate(&taken, ValidationProfile::Lenient).unwrap();
        let error = client.update("MTD0018233", &update).unwrap_err();
        match error {
            GatewayError::Call(CallError::Api(ApiError::Invalid)) => {
                let details = client.last_invalid_details();
                assert!(
                    details.messages_for(Field::Email).next().is_some(),
                    "{details}"
                );
            }
            other => panic!("{other:?}"),
        }
    });
    assert!(sandbox.customer("GW-0001").is_none());
}

#[test]
fn connection_close_and_chunked_responses_work_with_a_new_connection_each_time() {
    let sandbox = Sandbox::start_default().unwrap();
    sandbox.set_faults(Faults {
        connection_close: true,
        chunked: true,
        ..Faults::default()
    });
    let ((counts, connections), _) = with_client(&sandbox, "s3cret", |client| {
        let counts: Vec<u16> = (0..3)
            .map(|_| {
                client.update("MTD0018232", &example_update()).unwrap();
                client.last_request_count()
            })
            .collect();
        (counts, client.connections_opened())
    });
    assert_eq!(counts, [2, 1, 1]);
    assert_eq!(connections, 4);
}

#[test]
fn unavailable_is_retried_after_retry_after_and_stops_at_the_limit() {
    let sandbox = Sandbox::start_default().unwrap();
    sandbox.set_faults(Faults {
        unavailable: Some(RetryAfterFault {
            retry_after: 1,
            times: Times::Always,
        }),
        ..Faults::default()
    });
    let (result, waits) = with_client(&sandbox, "s3cret", |client| {
        let error = client.get("MTD0018232").unwrap_err();
        (error, client.last_request_count())
    });
    let (error, count) = result;
    assert!(
        matches!(
            error,
            GatewayError::Call(CallError::Api(ApiError::Server { status: 503 }))
        ),
        "{error:?}"
    );
    assert_eq!(count, 3);
    assert_eq!(waits, [1000, 1000]);
}

#[test]
fn a_truncated_body_is_a_read_error_and_an_oversized_one_is_refused() {
    let sandbox = Sandbox::start_default().unwrap();
    let update = example_update();
    sandbox.set_faults(Faults {
        truncated_body: true,
        scope: minted_connect_tests::sandbox::FaultScope::AuthorizedOnly,
        ..Faults::default()
    });
    let (error, _) = with_client(&sandbox, "s3cret", |client| {
        client.update("MTD0018232", &update).unwrap_err()
    });
    assert!(
        matches!(
            error,
            GatewayError::Read(minted_connect_core::http::ReadError::UnexpectedEof { .. })
        ),
        "{error:?}"
    );

    sandbox.set_faults(Faults {
        oversized_body: Some(64 * 1024),
        ..Faults::default()
    });
    let (error, _) = with_client(&sandbox, "s3cret", |client| {
        client.get("MTD0018232").unwrap_err()
    });
    assert!(
        matches!(
            error,
            GatewayError::Read(
                minted_connect_core::http::ReadError::BodyTooLarge { .. }
                    | minted_connect_core::http::ReadError::HeadTooLarge { .. }
            )
        ),
        "{error:?}"
    );
}
