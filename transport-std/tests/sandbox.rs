//! The client against the sandbox over real sockets: the four operations,
//! the API's errors, and the request counts of digest authentication and
//! retries, read from the sandbox's request log.

use std::time::{Duration, Instant};

use minted_connect_std::minted_connect_core::json::ApiError;
use minted_connect_std::minted_connect_core::validate::Field;
use minted_connect_std::{
    AuthFailure, Client, Config, CreateInput, Credentials, CustomerInput, Error, ProtocolErrorKind,
    RetryPolicy, TransportErrorKind,
};
use minted_connect_tests::sandbox::{
    DEFAULT_PASSWORD, DEFAULT_USERNAME, EXAMPLE_CUSTOMER_ID, FaultScope, Faults, RetryAfterFault,
    Sandbox, SandboxConfig, SandboxHandle, TURKISH_CUSTOMER_ID, Times,
};

fn sandbox() -> SandboxHandle {
    Sandbox::start(SandboxConfig::default()).expect("sandbox starts")
}

fn config(sandbox: &SandboxHandle) -> Config {
    let mut config = Config::new(sandbox.base_url());
    config.credentials = Credentials::digest(DEFAULT_USERNAME, DEFAULT_PASSWORD);
    config.retry_policy = RetryPolicy {
        base_delay_ms: 10,
        ..RetryPolicy::new()
    };
    config
}

fn client(sandbox: &SandboxHandle) -> Client {
    Client::new(config(sandbox)).expect("valid config")
}

const MEHMET: CustomerInput<'static> = CustomerInput {
    firstname: Some("Mehmet"),
    middlename: None,
    lastname: Some("Gülbilge"),
    fullname: Some("Mehmet Gülbilge"),
    email: Some("mehmet.gulbilge@example.com"),
    phone: Some("+90 532 280 80 35"),
    gender: Some("M"),
    identity_number: Some("12345677938"),
    birthdate: Some("1970-01-31"),
};

/// The statuses the sandbox answered, in order.
fn statuses(sandbox: &SandboxHandle) -> Vec<u16> {
    sandbox.requests().iter().map(|r| r.status).collect()
}

#[test]
fn update_changes_the_stored_customer() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    let input = CustomerInput {
        firstname: Some("Ayşe"),
        ..MEHMET
    };
    let customer = client.update_input(EXAMPLE_CUSTOMER_ID, &input).unwrap();
    assert_eq!(customer.firstname.as_deref(), Some("Ayşe"));
    assert_eq!(
        sandbox
            .customer(EXAMPLE_CUSTOMER_ID)
            .and_then(|c| c.firstname)
            .as_deref(),
        Some("Ayşe")
    );
    // The first operation meets the challenge: 401, then the answer.
    assert_eq!(statuses(&sandbox), [401, 200]);
    let patch = &sandbox.requests()[1];
    assert_eq!(patch.method, "PATCH");
    assert_eq!(
        patch.path,
        format!("/partner/customer/{EXAMPLE_CUSTOMER_ID}")
    );
    assert!(patch.authorized);
    assert_eq!(patch.header("x-client-id"), Some("web"));
    assert_eq!(patch.header("accept-language"), Some("tr"));
}

#[test]
fn get_returns_the_record() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    let customer = client.get(TURKISH_CUSTOMER_ID).unwrap();
    assert_eq!(customer.external_id.as_deref(), Some(TURKISH_CUSTOMER_ID));
    let stored = sandbox.customer(TURKISH_CUSTOMER_ID).unwrap();
    assert_eq!(customer.firstname.as_deref(), stored.firstname.as_deref());
    assert_eq!(customer.email.as_deref(), stored.email.as_deref());
}

#[test]
fn create_stores_a_new_customer() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    let input = CreateInput {
        external_id: Some("MTD-NEW-0001"),
        customer: CustomerInput {
            email: Some("yeni.musteri@example.com"),
            ..MEHMET
        },
    };
    let customer = client.create_input(&input).unwrap();
    assert_eq!(customer.external_id.as_deref(), Some("MTD-NEW-0001"));
    let stored = sandbox.customer("MTD-NEW-0001").expect("stored");
    assert_eq!(stored.email.as_deref(), Some("yeni.musteri@example.com"));
    assert_eq!(
        sandbox.requests().last().map(|r| r.method.as_str()),
        Some("POST")
    );
}

#[test]
fn remove_deletes_and_a_second_get_is_not_found() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    client.remove(TURKISH_CUSTOMER_ID).unwrap();
    assert!(sandbox.customer(TURKISH_CUSTOMER_ID).is_none());
    let error = client.get(TURKISH_CUSTOMER_ID).unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
}

#[test]
fn an_unknown_id_is_not_found() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    let error = client.get("MTD9999999").unwrap_err();
    assert!(matches!(error.api(), Some(ApiError::NotFound)), "{error:?}");
    assert!(error.to_string().contains("404"));
    assert!(!error.is_temporary());
}

#[test]
fn a_422_carries_the_servers_field_messages() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    // Valid for the client, refused by the server: the id is taken.
    let input = CreateInput {
        external_id: Some(EXAMPLE_CUSTOMER_ID),
        customer: CustomerInput {
            email: Some("someone.else@example.com"),
            ..MEHMET
        },
    };
    let error = client.create_input(&input).unwrap_err();
    let Some(details) = error.invalid_details() else {
        panic!("{error:?}");
    };
    assert!(
        details
            .fields
            .iter()
            .any(|f| f.field.as_str() == "external_id"),
        "{details:?}"
    );
    assert!(details.messages_for(Field::ExternalId).next().is_some());
    let line = error.to_string();
    assert!(
        line.contains("external_id") && !line.contains('\n'),
        "{line}"
    );
    assert_eq!(sandbox.requests().last().map(|r| r.status), Some(422));
}

#[test]
fn a_validation_error_sends_nothing() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    let input = CustomerInput {
        email: Some("not an address"),
        phone: Some("12"),
        ..MEHMET
    };
    let error = client
        .update_input(EXAMPLE_CUSTOMER_ID, &input)
        .unwrap_err();
    let Error::Validation(errors) = &error else {
        panic!("{error:?}");
    };
    assert!(errors.contains(Field::Email) && errors.contains(Field::Phone));
    let bad_id = client.get("").unwrap_err();
    assert!(matches!(bad_id, Error::Validation(_)), "{bad_id:?}");
    assert_eq!(sandbox.request_count(), 0);
    assert_eq!(client.requests_sent(), 0);
}

#[test]
fn a_wrong_password_fails_after_exactly_two_requests() {
    let sandbox = sandbox();
    let mut config = config(&sandbox);
    config.credentials = Credentials::digest(DEFAULT_USERNAME, "not-the-password");
    let client = Client::new(config).unwrap();

    let error = client.get(EXAMPLE_CUSTOMER_ID).unwrap_err();
    assert!(
        matches!(
            error,
            Error::Authentication(AuthFailure::CredentialsRejected)
        ),
        "{error:?}"
    );
    assert_eq!(sandbox.request_count(), 2);
    let log = sandbox.requests();
    assert!(!log[0].had_authorization());
    assert!(log[1].had_authorization() && !log[1].authorized);
    assert!(!error.to_string().contains("not-the-password"));
}

#[test]
fn six_updates_on_one_client_cost_seven_requests() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    for n in 0..6 {
        let name = format!("Mehmet{n}");
        let input = CustomerInput {
            firstname: Some(&name),
            ..MEHMET
        };
        client.update_input(EXAMPLE_CUSTOMER_ID, &input).unwrap();
    }
    assert_eq!(sandbox.request_count(), 7);
    assert_eq!(client.requests_sent(), 7);
    let log = sandbox.requests();
    assert_eq!(log[0].status, 401);
    assert!(log[1..].iter().all(|r| r.status == 200 && r.authorized));
}

#[test]
fn a_stale_nonce_costs_exactly_one_more_request() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    client.get(EXAMPLE_CUSTOMER_ID).unwrap();
    assert_eq!(sandbox.request_count(), 2);

    sandbox.clear_log();
    sandbox.expire_nonces();
    client.update_input(EXAMPLE_CUSTOMER_ID, &MEHMET).unwrap();
    let log = sandbox.requests();
    assert_eq!(
        log.len(),
        2,
        "one pre-emptive request refused as stale, one resend"
    );
    assert_eq!((log[0].status, log[0].stale), (401, true));
    assert_eq!(log[1].status, 200);

    // And the session carries on pre-emptively.
    sandbox.clear_log();
    client.get(EXAMPLE_CUSTOMER_ID).unwrap();
    assert_eq!(sandbox.request_count(), 1);
}

#[test]
fn a_503_with_retry_after_is_retried_and_stops_at_the_limit() {
    let sandbox = sandbox();
    sandbox.set_faults(Faults {
        unavailable: Some(RetryAfterFault {
            retry_after: 1,
            times: Times::Always,
        }),
        ..Faults::default()
    });
    let client = client(&sandbox);
    let started = Instant::now();
    let error = client.get(EXAMPLE_CUSTOMER_ID).unwrap_err();
    let elapsed = started.elapsed();

    assert!(
        matches!(
            error,
            Error::Server {
                status: 503,
                requests: 3
            }
        ),
        "{error:?}"
    );
    assert_eq!(statuses(&sandbox), [503, 503, 503]);
    // Two waits of Retry-After: 1 s each.
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
    assert!(error.is_temporary());
}

#[test]
fn a_503_that_clears_is_retried_to_success() {
    let sandbox = sandbox();
    sandbox.set_faults(Faults {
        unavailable: Some(RetryAfterFault {
            retry_after: 0,
            times: Times::Next(2),
        }),
        ..Faults::default()
    });
    let client = client(&sandbox);
    client.get(EXAMPLE_CUSTOMER_ID).unwrap();
    assert_eq!(statuses(&sandbox), [503, 503, 401, 200]);
}

#[test]
fn a_create_is_not_repeated_after_a_503() {
    let sandbox = sandbox();
    let client = client(&sandbox);
    client.get(EXAMPLE_CUSTOMER_ID).unwrap();
    sandbox.clear_log();
    sandbox.set_faults(Faults {
        unavailable: Some(RetryAfterFault {
            retry_after: 0,
            times: Times::Always,
        }),
        ..Faults::default()
    });
    let input = CreateInput {
        external_id: Some("MTD-NEW-0002"),
        customer: CustomerInput {
            email: Some("iki@example.com"),
            ..MEHMET
        },
    };
    let error = client.create_input(&input).unwrap_err();
    assert!(
        matches!(error, Error::Server { status: 503, .. }),
        "{error:?}"
    );
    assert_eq!(sandbox.request_count(), 1);
}

#[test]
fn a_long_retry_after_ends_as_rate_limited_at_once() {
    let sandbox = sandbox();
    sandbox.set_faults(Faults {
        rate_limited: Some(RetryAfterFault {
            retry_after: 120,
            times: Times::Always,
        }),
        ..Faults::default()
    });
    let client = client(&sandbox);
    let error = client.get(EXAMPLE_CUSTOMER_ID).unwrap_err();
    assert!(
        matches!(
            error,
            Error::RateLimited {
                retry_after: Some(120)
            }
        ),
        "{error:?}"
    );
    assert_eq!(sandbox.request_count(), 1);
    assert!(error.to_string().contains("120"));
}

#[test]
fn a_slow_body_from_the_sandbox_trips_the_timeout() {
    let sandbox = sandbox();
    sandbox.set_faults(Faults {
        slow_body: Some(Duration::from_secs(5)),
        scope: FaultScope::AuthorizedOnly,
        ..Faults::default()
    });
    let mut config = config(&sandbox);
    let timeout = Duration::from_secs(1);
    config.timeout = timeout;
    let client = Client::new(config).unwrap();
    let started = Instant::now();
    let error = client.get(EXAMPLE_CUSTOMER_ID).unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::Timeout),
        "{error:?}"
    );
    assert!(elapsed < timeout + Duration::from_secs(1), "{elapsed:?}");
}

#[test]
fn an_oversized_sandbox_response_is_refused() {
    let sandbox = sandbox();
    sandbox.set_faults(Faults {
        oversized_body: Some(100 * 1024),
        scope: FaultScope::AuthorizedOnly,
        ..Faults::default()
    });
    let client = client(&sandbox);
    let error = client.get(EXAMPLE_CUSTOMER_ID).unwrap_err();
    assert!(
        matches!(&error, Error::Protocol(p) if p.kind() == ProtocolErrorKind::TooLarge { limit: 65_536 }),
        "{error:?}"
    );
}

#[test]
fn a_truncated_sandbox_body_is_a_protocol_error() {
    let sandbox = sandbox();
    sandbox.set_faults(Faults {
        truncated_body: true,
        scope: FaultScope::AuthorizedOnly,
        ..Faults::default()
    });
    let client = client(&sandbox);
    let error = client.get(EXAMPLE_CUSTOMER_ID).unwrap_err();
    assert!(
        matches!(&error, Error::Protocol(p) if p.kind() == ProtocolErrorKind::Truncated),
        "{error:?}"
    );
}

#[test]
fn chunked_and_closing_responses_work() {
    let sandbox = sandbox();
    sandbox.set_faults(Faults {
        chunked: true,
        connection_close: true,
        ..Faults::default()
    });
    let client = client(&sandbox);
    for _ in 0..3 {
        client.get(EXAMPLE_CUSTOMER_ID).unwrap();
    }
    assert_eq!(sandbox.request_count(), 4);
}
