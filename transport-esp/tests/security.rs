//! The security pass of the kiosk transport, over the host's
//! `TcpConnection` against the sandbox (whose hyper server logs every
//! header it parsed, so an injected header line would show up as a header
//! of its own):
//!
//! - the base URL must be `https` for every host but loopback;
//! - no user-supplied value can add a header line or break the request
//!   line: client id, api-version, language, user agent, preset
//!   `Authorization`, digest username, external customer id.
//!
//! `Authorization` never reaching another host is the redirect row of
//! `fault_matrix.rs`.

#[path = "support/common.rs"]
mod common;
#[path = "support/tcp_connection.rs"]
mod tcp_connection;

use common::{RecordingDelay, StdRng};
use minted_connect_core::call::AuthFailure;
use minted_connect_core::request::PathError;
use minted_connect_esp::url::check_base_url;
use minted_connect_esp::{
    Authentication, ClientBuffers, ClientConfig, Credentials, Error, EspClient, InvalidRequest,
    RequestSettings, RetryPolicy,
};
use minted_connect_tests::sandbox::{
    DEFAULT_PASSWORD, DEFAULT_USERNAME, EXAMPLE_CUSTOMER_ID, LoggedRequest, Sandbox, SandboxConfig,
    SandboxHandle,
};
use tcp_connection::{TcpConfig, TcpConnection, TcpError};

/// Ways to end a header line early or smuggle bytes into it.
const INJECTIONS: [&str; 6] = [
    "x\r\nX-Evil: 1",
    "x\nX-Evil: 1",
    "x\rX-Evil: 1",
    "x\0X-Evil: 1",
    "x\u{7f}X-Evil: 1",
    "x\r\n\r\nGET /evil HTTP/1.1",
];

const DIGEST: Authentication<'static> = Authentication::Digest(Credentials {
    username: DEFAULT_USERNAME,
    password: DEFAULT_PASSWORD,
});

fn sandbox() -> SandboxHandle {
    Sandbox::start(SandboxConfig::default()).expect("the sandbox starts")
}

/// Runs `get(id)` with a fresh client of `settings` and `authentication`.
fn get(
    sandbox: &SandboxHandle,
    settings: RequestSettings<'_>,
    authentication: Authentication<'_>,
    id: &str,
) -> Result<(), Error<TcpError>> {
    let base_url = sandbox.base_url();
    let mut buffers = Box::new(ClientBuffers::new());
    let mut response = vec![0; 4096];
    let mut delay = RecordingDelay::default();
    let config = ClientConfig::new(&base_url, authentication)
        .with_settings(settings)
        .with_retry(RetryPolicy::none());
    let mut client = EspClient::new(
        TcpConnection::new(TcpConfig::default()),
        &mut delay,
        StdRng::new(),
        config,
        &mut buffers,
        &mut response,
    )
    .expect("the sandbox's base URL");
    client.get(id).map(drop)
}

/// Whether any logged request carries a header it must not, or went to
/// another resource than a customer's.
fn injected(requests: &[LoggedRequest]) -> bool {
    requests
        .iter()
        .any(|r| r.header("x-evil").is_some() || !r.target.starts_with("/partner/customer/"))
}

#[test]
fn plain_http_is_refused_for_every_host_but_loopback() {
    for loopback in [
        "http://127.0.0.1:8080",
        "http://localhost:8080",
        "http://[::1]:8080",
    ] {
        assert!(check_base_url(loopback).is_ok(), "{loopback}");
    }
    assert!(check_base_url("https://api.staging.mintedconnect.com").is_ok());
    for remote in [
        "http://api.staging.mintedconnect.com",
        "http://10.0.0.1:8080",
        "http://192.168.1.10",
        "http://localhost.example.com",
    ] {
        assert!(
            check_base_url(remote).is_err(),
            "plain http to {remote} is accepted: credentials and personal data would \
             travel in clear text"
        );
    }
}

#[test]
fn no_setting_can_inject_a_header() {
    let sandbox = sandbox();
    for value in INJECTIONS {
        let defaults = RequestSettings::new();
        let settings = [
            (
                "client id",
                RequestSettings {
                    client_id: value,
                    ..defaults
                },
            ),
            (
                "api-version",
                RequestSettings {
                    api_version: Some(value),
                    ..defaults
                },
            ),
            (
                "language",
                RequestSettings {
                    accept_language: value,
                    ..defaults
                },
            ),
            (
                "user agent",
                RequestSettings {
                    user_agent: value,
                    ..defaults
                },
            ),
        ];
        for (what, settings) in settings {
            let result = get(&sandbox, settings, DIGEST, EXAMPLE_CUSTOMER_ID);
            assert!(
                matches!(result, Err(Error::Validation(InvalidRequest::Header(_)))),
                "{what} {value:?}: {result:?}"
            );
        }
        let result = get(
            &sandbox,
            RequestSettings::new(),
            Authentication::Preset(value),
            EXAMPLE_CUSTOMER_ID,
        );
        assert!(
            matches!(result, Err(Error::Validation(InvalidRequest::Header(_)))),
            "preset Authorization {value:?}: {result:?}"
        );
    }
    assert_eq!(sandbox.request_count(), 0, "refused before any I/O");
}

#[test]
fn no_username_can_inject_a_header() {
    let sandbox = sandbox();
    for value in INJECTIONS {
        let authentication = Authentication::Digest(Credentials {
            username: value,
            password: DEFAULT_PASSWORD,
        });
        // The first request carries no Authorization; answering the
        // challenge with this username is refused.
        let result = get(
            &sandbox,
            RequestSettings::new(),
            authentication,
            EXAMPLE_CUSTOMER_ID,
        );
        assert!(
            matches!(result, Err(Error::Authentication(AuthFailure::Digest(_)))),
            "{value:?}: {result:?}"
        );
    }
    let requests = sandbox.requests();
    assert_eq!(requests.len(), INJECTIONS.len(), "one challenge each");
    assert!(requests.iter().all(|r| !r.had_authorization()));
    assert!(!injected(&requests));
}

#[test]
fn no_external_id_can_inject_a_header_or_leave_its_path_segment() {
    let sandbox = sandbox();
    for id in INJECTIONS {
        let result = get(&sandbox, RequestSettings::new(), DIGEST, id);
        assert!(
            matches!(
                result,
                Err(Error::Validation(InvalidRequest::Path(
                    PathError::InvalidId(_)
                )))
            ),
            "{id:?}: {result:?}"
        );
    }
    assert_eq!(sandbox.request_count(), 0, "refused before any I/O");

    for id in [
        "MTD 1 HTTP/1.1",
        "../evil",
        "x/../../evil",
        "x?evil=1",
        "x#evil",
        "x%2Fevil",
        "Gül\u{2028}evil",
    ] {
        sandbox.clear_log();
        let result = get(&sandbox, RequestSettings::new(), DIGEST, id);
        assert!(
            matches!(
                result,
                Err(Error::Api(minted_connect_core::json::ApiError::NotFound))
            ),
            "{id:?}: {result:?}"
        );
        let last = sandbox.requests().pop().expect("a request");
        let segment = last.target.strip_prefix("/partner/customer/").unwrap();
        assert!(
            !segment.contains(['/', '?', '#', ' ']),
            "{id:?} left its segment: {}",
            last.target
        );
        assert!(!injected(&sandbox.requests()));
    }
}

/// A dot-segment id (`.` or `..`) is sent as it is: `/partner/customer/..`,
/// which any URL normaliser (a proxy, a gateway, the server's router)
/// resolves to `/partner/` — another resource than the customer's.
#[test]
fn a_dot_segment_id_cannot_address_another_resource() {
    let sandbox = sandbox();
    for id in [".", ".."] {
        sandbox.clear_log();
        if let Err(Error::Validation(_)) = get(&sandbox, RequestSettings::new(), DIGEST, id) {
            continue;
        }
        let sent = sandbox.requests().pop().expect("a request");
        let segment = sent.target.rsplit('/').next().unwrap_or_default();
        assert!(
            segment != "." && segment != "..",
            "the id {id:?} went out as a dot-segment: {} {}",
            sent.method,
            sent.target
        );
    }
}
