//! The transport over an in-memory `Connection` with canned responses: the
//! order of calls, the headers it passes, body limits and error mapping,
//! without a server. The connection panics, like esp-idf-svc, if `status()`
//! or `header()` is called before the response is initiated.

#[path = "support/common.rs"]
mod common;
#[path = "support/memory_connection.rs"]
mod memory_connection;

use common::{RecordingDelay, StdRng, example_update, new_customer};
use embedded_svc::http::Method;
use memory_connection::{Canned, MemoryConnection, MemoryError};
use minted_connect_core::json::ApiError;
use minted_connect_core::validate::Field;
use minted_connect_esp::url::BaseUrlError;
use minted_connect_esp::{
    Authentication, ClientBuffers, ClientConfig, Credentials, Error, EspClient, ProtocolError,
    RetryPolicy, Stage, TransportFailure,
};

const CHALLENGE: Canned = Canned {
    status: 401,
    headers: &[
        (
            "WWW-Authenticate",
            "Digest realm=\"minted-sandbox\", nonce=\"bm9uY2Ux\", qop=\"auth\", algorithm=MD5",
        ),
        ("Content-Type", "application/json"),
    ],
    body: br#"{"data":[],"success":false,"code":401,"message":"Unauthorized"}"#,
};

const RECORD: &[u8] = br#"{"data":{"id":2,"external_id":"MTD0018232","company_id":2000000,"user_id":null,"firstname":"Mehmet","middlename":null,"lastname":"G\u00fclbilge","fullname":"Mehmet G\u00fclbilge","email":"mehmet.gulbilge@example.com","phone":"+90 532 280 80 35","gender":"M","identity_number":"12345677938","birthdate":"1970-01-31","created_at":"2023-03-05 04:51:18","updated_at":"2023-03-05 04:51:19"},"success":true,"code":0,"message":""}"#;

const OK: Canned = Canned {
    status: 200,
    headers: &[("Content-Type", "application/json")],
    body: RECORD,
};

const AUTH: Authentication<'static> = Authentication::Digest(Credentials {
    username: "partner",
    password: "s3cret",
});

/// Runs `test` with a client over `connection` and a response buffer of `limit` bytes.
fn with_client<T>(
    connection: MemoryConnection,
    limit: usize,
    retry: RetryPolicy,
    test: impl FnOnce(&mut EspClient<'_, &mut MemoryConnection, &mut RecordingDelay, StdRng>) -> T,
) -> (T, MemoryConnection, RecordingDelay) {
    let mut connection = connection;
    let mut delay = RecordingDelay::default();
    let mut buffers = Box::new(ClientBuffers::new());
    let mut response = vec![0u8; limit];
    let config =
        ClientConfig::new("https://api.staging.mintedconnect.com/", AUTH).with_retry(retry);
    let result = {
        let mut client = EspClient::new(
            &mut connection,
            &mut delay,
            StdRng::new(),
            config,
            &mut buffers,
            &mut response,
        )
        .expect("a valid base URL");
        test(&mut client)
    };
    (result, connection, delay)
}

#[test]
fn first_call_answers_the_challenge_and_later_calls_are_preemptive() {
    static SCRIPT: [Canned; 4] = [CHALLENGE, OK, OK, OK];
    let customer = example_update();
    let ((first, second, third), connection, delay) = with_client(
        MemoryConnection::new(&SCRIPT),
        4096,
        RetryPolicy::new(),
        |client| {
            let first = client
                .update("MTD0018232", &customer)
                .map(|_| client.last_request_count());
            let second = client
                .get("MTD0018232")
                .map(|c| (c, client.last_request_count()));
            let third = client
                .update("MTD0018232", &customer)
                .map(|_| client.last_request_count());
            (first, second, third)
        },
    );
    assert_eq!(first.unwrap(), 2);
    let (record, count) = second.unwrap();
    assert_eq!(count, 1);
    assert_eq!(record.lastname.as_deref(), Some("Gülbilge"));
    assert_eq!(third.unwrap(), 1);
    assert_eq!(connection.requests(), 4);
    assert!(
        delay.waits().is_empty(),
        "an authentication resend does not wait"
    );

    let seen = connection.seen();
    assert!(!seen[0].authorized);
    assert!(seen[1..].iter().all(|s| s.authorized));
    // PATCH always carries an explicit Content-Length equal to the body.
    for patch in [seen[0], seen[1], seen[3]] {
        assert_eq!(patch.method, Some(Method::Patch));
        assert!(patch.body_len > 0);
        assert_eq!(patch.content_length, Some(patch.body_len));
    }
    // GET: no Content-Length pair (esp-idf-svc then opens it with length 0), no body.
    assert_eq!(seen[2].method, Some(Method::Get));
    assert_eq!(seen[2].content_length, None);
    assert_eq!(seen[2].body_len, 0);
}

#[test]
fn create_and_remove_send_what_the_core_built() {
    static SCRIPT: [Canned; 3] = [
        CHALLENGE,
        OK,
        Canned {
            status: 200,
            headers: &[],
            body: br#"{"data":[],"success":true,"code":0,"message":"Customer removed"}"#,
        },
    ];
    let customer = new_customer("KIOSK-0001", "ayse.yilmaz@example.com");
    let ((created, removed), connection, _) = with_client(
        MemoryConnection::new(&SCRIPT),
        4096,
        RetryPolicy::new(),
        |client| {
            (
                client.create(&customer).map(|_| ()),
                client.remove("KIOSK-0001"),
            )
        },
    );
    created.unwrap();
    removed.unwrap();
    let seen = connection.seen();
    assert_eq!(seen[1].method, Some(Method::Post));
    assert_eq!(seen[1].content_length, Some(seen[1].body_len));
    assert_eq!(seen[2].method, Some(Method::Delete));
    assert_eq!(seen[2].content_length, None);
}

#[test]
fn one_byte_per_read_gives_the_same_record() {
    static SCRIPT: [Canned; 2] = [CHALLENGE, OK];
    let (record, _, _) = with_client(
        MemoryConnection::new(&SCRIPT).with_read_chunk(1),
        4096,
        RetryPolicy::new(),
        |client| client.get("MTD0018232"),
    );
    let record = record.unwrap();
    assert_eq!(record.external_id.as_deref(), Some("MTD0018232"));
    assert_eq!(record.fullname.as_deref(), Some("Mehmet Gülbilge"));
}

#[test]
fn a_body_exactly_the_buffer_size_is_accepted() {
    static SCRIPT: [Canned; 2] = [CHALLENGE, OK];
    for chunk in [1, 7, usize::MAX] {
        let (record, _, _) = with_client(
            MemoryConnection::new(&SCRIPT).with_read_chunk(chunk),
            RECORD.len(),
            RetryPolicy::new(),
            |client| client.get("MTD0018232"),
        );
        assert!(record.is_ok(), "chunk {chunk}: {record:?}");
    }
}

#[test]
fn a_body_larger_than_the_buffer_is_refused_without_a_retry() {
    static SCRIPT: [Canned; 2] = [OK, OK];
    let (result, connection, _) = with_client(
        MemoryConnection::new(&SCRIPT),
        RECORD.len() - 1,
        RetryPolicy::new(),
        |client| client.get("MTD0018232"),
    );
    match result {
        Err(Error::Protocol(ProtocolError::BodyTooLarge { limit })) => {
            assert_eq!(limit, RECORD.len() - 1)
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    assert_eq!(connection.requests(), 1);
}

#[test]
fn an_announced_length_over_the_limit_is_refused_before_reading() {
    static SCRIPT: [Canned; 1] = [Canned {
        status: 200,
        headers: &[("Content-Length", "1048576")],
        body: RECORD,
    }];
    let (result, _, _) = with_client(
        MemoryConnection::new(&SCRIPT),
        4096,
        RetryPolicy::new(),
        |client| client.get("MTD0018232"),
    );
    assert!(matches!(
        result,
        Err(Error::Protocol(ProtocolError::BodyTooLarge { limit: 4096 }))
    ));
}

#[test]
fn a_body_shorter_than_its_content_length_is_truncated() {
    static SCRIPT: [Canned; 1] = [Canned {
        status: 200,
        headers: &[("Content-Length", "600")],
        body: RECORD,
    }];
    let (result, connection, _) = with_client(
        MemoryConnection::new(&SCRIPT),
        4096,
        RetryPolicy::new(),
        |client| client.update("MTD0018232", &example_update()),
    );
    match result {
        Err(Error::Protocol(ProtocolError::BodyTruncated { expected, received })) => {
            assert_eq!((expected, received), (600, RECORD.len()));
        }
        other => panic!("expected BodyTruncated, got {other:?}"),
    }
    assert_eq!(
        connection.requests(),
        1,
        "a cut response to an update is not retried"
    );
}

#[test]
fn a_connection_that_cannot_open_is_retried_then_reported() {
    static SCRIPT: [Canned; 0] = [];
    let (result, _, delay) = with_client(
        MemoryConnection::new(&SCRIPT),
        4096,
        RetryPolicy::new(),
        |client| client.update("MTD0018232", &example_update()),
    );
    match result {
        Err(Error::Transport(error)) => {
            assert_eq!(error.stage, Stage::Open);
            assert_eq!(error.failure, TransportFailure::NotSent);
            assert_eq!(error.source, MemoryError::ScriptEnded);
        }
        other => panic!("expected a transport error, got {other:?}"),
    }
    // Three attempts: two backoff waits, each in the upper half of 200 ms, 400 ms.
    let waits = delay.waits();
    assert_eq!(waits.len(), 2);
    assert!((100..=200).contains(&waits[0]), "{waits:?}");
    assert!((200..=400).contains(&waits[1]), "{waits:?}");
}

#[test]
fn unavailable_is_retried_after_retry_after_but_not_for_a_create() {
    const UNAVAILABLE: Canned = Canned {
        status: 503,
        headers: &[("Retry-After", "2")],
        body: br#"{"data":[],"success":false,"code":503,"message":"Service Unavailable"}"#,
    };
    static SCRIPT: [Canned; 3] = [CHALLENGE, UNAVAILABLE, OK];
    let (result, connection, delay) = with_client(
        MemoryConnection::new(&SCRIPT),
        4096,
        RetryPolicy::new(),
        |client| {
            client
                .update("MTD0018232", &example_update())
                .map(|_| client.last_request_count())
        },
    );
    assert_eq!(result.unwrap(), 3);
    assert_eq!(connection.requests(), 3);
    assert_eq!(delay.waits(), &[2000]);

    static CREATE: [Canned; 3] = [CHALLENGE, UNAVAILABLE, OK];
    let customer = new_customer("KIOSK-0002", "kiosk2@example.com");
    let (result, connection, delay) = with_client(
        MemoryConnection::new(&CREATE),
        4096,
        RetryPolicy::new(),
        |client| client.create(&customer),
    );
    assert!(
        matches!(result, Err(Error::Server { status: 503 })),
        "{result:?}"
    );
    assert_eq!(connection.requests(), 2);
    assert!(delay.waits().is_empty());
}

#[test]
fn api_errors_keep_their_class() {
    static SCRIPT: [Canned; 4] = [
        Canned {
            status: 404,
            headers: &[],
            body: br#"{"data":[],"success":false,"code":404,"message":"Record Not Found"}"#,
        },
        Canned {
            status: 422,
            headers: &[],
            body: br#"{"message":"The email has already been taken.","errors":{"email":["The email has already been taken."]},"data":[],"success":false,"code":422}"#,
        },
        Canned {
            status: 429,
            headers: &[("Retry-After", "120")],
            body: br#"{"data":[],"success":false,"code":429,"message":"Too Many Attempts."}"#,
        },
        Canned {
            status: 200,
            headers: &[],
            body: b"<html>not json</html>",
        },
    ];
    let ((not_found, (invalid, details), limited, malformed), _, _) = with_client(
        MemoryConnection::new(&SCRIPT),
        4096,
        RetryPolicy::new(),
        |client| {
            (
                client.get("MISSING-1"),
                {
                    let result = client.update("MTD0018232", &example_update());
                    (result, client.last_invalid_details().clone())
                },
                client.get("MTD0018232"),
                client.get("MTD0018232"),
            )
        },
    );
    assert!(
        matches!(not_found, Err(Error::Api(ApiError::NotFound))),
        "{not_found:?}"
    );
    assert!(
        matches!(invalid, Err(Error::Api(ApiError::Invalid))),
        "{invalid:?}"
    );
    // The 422's details stay in the client's buffers, not in the error.
    assert_eq!(details.code, Some(422));
    assert_eq!(
        details.messages_for(Field::Email).collect::<Vec<_>>(),
        ["The email has already been taken."]
    );
    assert!(
        matches!(
            limited,
            Err(Error::RateLimited {
                retry_after: Some(120)
            })
        ),
        "{limited:?}"
    );
    assert!(
        matches!(malformed, Err(Error::Protocol(ProtocolError::Malformed(_)))),
        "{malformed:?}"
    );
}

#[test]
fn refused_input_sends_nothing() {
    static SCRIPT: [Canned; 1] = [OK];
    let (result, connection, _) = with_client(
        MemoryConnection::new(&SCRIPT),
        4096,
        RetryPolicy::new(),
        |client| client.get("bad\r\nid"),
    );
    assert!(matches!(result, Err(Error::Validation(_))), "{result:?}");
    assert!(!result.unwrap_err().may_have_been_sent());
    assert_eq!(connection.requests(), 0);
}

#[test]
fn base_urls_with_a_path_are_refused() {
    let mut buffers = Box::new(ClientBuffers::new());
    let mut response = [0u8; 16];
    static SCRIPT: [Canned; 0] = [];
    let config = ClientConfig::new("https://example.com/api", AUTH);
    let client = EspClient::new(
        MemoryConnection::new(&SCRIPT),
        RecordingDelay::default(),
        StdRng::new(),
        config,
        &mut buffers,
        &mut response,
    );
    assert_eq!(client.err(), Some(BaseUrlError::HasPath));
}

#[test]
fn the_client_debug_holds_no_credentials_or_customer_data() {
    static SCRIPT: [Canned; 2] = [CHALLENGE, OK];
    let (debug, _, _) = with_client(
        MemoryConnection::new(&SCRIPT),
        4096,
        RetryPolicy::new(),
        |client| {
            let record = client.update("MTD0018232", &example_update()).unwrap();
            format!("{client:?} {record:?}")
        },
    );
    for secret in [
        "s3cret",
        "12345677938",
        "mehmet.gulbilge@example.com",
        "532 280",
    ] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
}

#[test]
fn a_connection_stuck_mid_request_is_replaced_or_reported_never_reused() {
    const BROKEN: Canned = Canned {
        status: 0,
        headers: &[],
        body: b"",
    };
    static SCRIPT: [Canned; 3] = [CHALLENGE, OK, BROKEN];
    static FRESH: [Canned; 1] = [OK];
    fn open() -> Result<MemoryConnection, MemoryError> {
        Ok(MemoryConnection::new(&FRESH))
    }
    let customer = example_update();
    for reconnect in [false, true] {
        let mut buffers = Box::new(ClientBuffers::new());
        let mut response = vec![0u8; 4096];
        let mut client = EspClient::new(
            MemoryConnection::new(&SCRIPT),
            RecordingDelay::default(),
            StdRng::new(),
            ClientConfig::new("https://api.staging.mintedconnect.com", AUTH),
            &mut buffers,
            &mut response,
        )
        .unwrap();
        if reconnect {
            client = client.with_reconnect(open);
        }
        client.update("MTD0018232", &customer).unwrap();
        match client.update("MTD0018232", &customer) {
            Err(Error::Transport(error)) => {
                assert_eq!(error.stage, Stage::Receive);
                assert_eq!(error.source, MemoryError::Broken);
            }
            other => panic!("expected a broken response, got {other:?}"),
        }
        let next = client.get("MTD0018232");
        if reconnect {
            // A fresh connection, and the digest session carried over.
            assert!(next.is_ok(), "{next:?}");
            assert_eq!(client.last_request_count(), 1);
            assert!(client.connection().seen()[0].authorized);
        } else {
            assert!(
                matches!(next, Err(Error::Protocol(ProtocolError::ConnectionStuck))),
                "{next:?}"
            );
            client.replace_connection(MemoryConnection::new(&FRESH));
            assert!(client.get("MTD0018232").is_ok());
        }
    }
}
