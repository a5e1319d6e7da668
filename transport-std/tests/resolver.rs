//! The client's resolver over real sockets (`src/resolver.rs` has the unit
//! tests: IP literals need no lookup, names are cached for a minute):
//!
//! - a host name resolves and the client talks to it, on one connection;
//! - a name that does not resolve is a [`TransportErrorKind::Dns`] error,
//!   and since nothing was sent even a create is tried again.

use std::time::{Duration, Instant};

use minted_connect_std::{
    Client, Config, CreateInput, Credentials, CustomerInput, Error, RetryPolicy, TransportErrorKind,
};
use minted_connect_tests::sandbox::{
    DEFAULT_PASSWORD, DEFAULT_USERNAME, EXAMPLE_CUSTOMER_ID, Sandbox, SandboxConfig,
};

/// RFC 6761: `.invalid` never resolves.
const UNRESOLVABLE: &str = "https://minted-connect-resolver-test.invalid";

/// Three attempts with short backoff.
const POLICY: RetryPolicy = RetryPolicy {
    max_attempts: 3,
    base_delay_ms: 10,
    max_delay_ms: 50,
    max_retry_after_s: 30,
};

#[test]
fn a_host_name_resolves() {
    let sandbox = Sandbox::start(SandboxConfig::default()).expect("the sandbox starts");
    let port = sandbox.addr().port();
    let mut config = Config::new(format!("http://localhost:{port}"));
    config.credentials = Credentials::digest(DEFAULT_USERNAME, DEFAULT_PASSWORD);
    let client = Client::new(config).unwrap();
    for _ in 0..3 {
        let customer = client.get(EXAMPLE_CUSTOMER_ID).unwrap();
        assert_eq!(customer.external_id.as_deref(), Some(EXAMPLE_CUSTOMER_ID));
    }
    // One challenge, then three authorized gets.
    assert_eq!(client.requests_sent(), 4);
    assert_eq!(sandbox.requests().len(), 4);
}

#[test]
fn an_unresolvable_name_is_a_dns_error() {
    let mut config = Config::new(UNRESOLVABLE);
    config.retry_policy = RetryPolicy::none();
    config.timeout = Duration::from_secs(5);
    let client = Client::new(config).unwrap();
    let started = Instant::now();
    let error = client.get(EXAMPLE_CUSTOMER_ID).unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::Dns, "{error:?}");
    assert!(
        error.to_string().contains("cannot resolve the host"),
        "{error}"
    );
    // Bounded by the timeout (plus slack), whatever the system resolver does.
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_failed_lookup_counts_as_not_sent() {
    // A create is repeated only when the request cannot have reached the
    // server: a failed lookup is such a case.
    let mut config = Config::new(UNRESOLVABLE);
    config.retry_policy = POLICY;
    config.timeout = Duration::from_secs(5);
    let client = Client::new(config).unwrap();
    let input = CreateInput {
        external_id: Some("MTD-NEW-0001"),
        customer: CustomerInput {
            firstname: Some("Mehmet"),
            lastname: Some("Gülbilge"),
            email: Some("mehmet.gulbilge@example.com"),
            phone: Some("+90 532 111 22 33"),
            identity_number: Some("10000000146"),
            ..CustomerInput::default()
        },
    };
    let error = client.create_input(&input).unwrap_err();
    assert!(
        matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::Dns),
        "{error:?}"
    );
    assert_eq!(client.requests_sent(), 3);
}
