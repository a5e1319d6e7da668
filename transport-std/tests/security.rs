//! The security pass of the desktop transport, over real sockets against
//! the sandbox (whose hyper server logs every header it parsed, so an
//! injected header line would show up as a header of its own):
//!
//! - `https` is required for every host but loopback;
//! - no user-supplied value can add a header line or break the request
//!   line: client id, api-version, language, user agent, preset
//!   `Authorization`, digest username, external customer id;
//! - a URL with credentials in it never reaches an error message.
//!
//! `Authorization` never reaching another host is the redirect row of
//! `fault_matrix.rs`; `raw_socket.rs` has the first header-injection and
//! plain-http tests, which these extend.

use minted_connect_std::{
    AuthFailure, Client, Config, ConfigError, Credentials, Error, RetryPolicy,
};
use minted_connect_tests::sandbox::{
    DEFAULT_PASSWORD, DEFAULT_USERNAME, EXAMPLE_CUSTOMER_ID, LoggedRequest, Sandbox, SandboxConfig,
    SandboxHandle,
};

/// Puts a value into one setting of a config.
type SetValue = fn(&mut Config, &str);

/// Ways to end a header line early or smuggle bytes into it.
const INJECTIONS: [&str; 6] = [
    "x\r\nX-Evil: 1",
    "x\nX-Evil: 1",
    "x\rX-Evil: 1",
    "x\0X-Evil: 1",
    "x\u{7f}X-Evil: 1",
    "x\r\n\r\nGET /evil HTTP/1.1",
];

fn sandbox() -> SandboxHandle {
    Sandbox::start(SandboxConfig::default()).expect("the sandbox starts")
}

fn config(sandbox: &SandboxHandle) -> Config {
    let mut config = Config::new(sandbox.base_url());
    config.credentials = Credentials::digest(DEFAULT_USERNAME, DEFAULT_PASSWORD);
    config.retry_policy = RetryPolicy::none();
    config
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
    for host in [
        "http://api.staging.mintedconnect.com",
        "http://API.STAGING.MINTEDCONNECT.COM:80/",
        "http://10.0.0.1:8080",
        "http://192.168.1.10",
        "http://[fe80::1]",
        "http://127.0.0.1.nip.io",
        "http://localhost.example.com",
    ] {
        let error = Client::new(Config::new(host)).unwrap_err();
        assert!(
            matches!(error, Error::Config(ConfigError::PlainHttpRefused { .. })),
            "{host}: {error:?}"
        );
    }
    for loopback in [
        "http://127.0.0.1:1",
        "http://127.1.2.3",
        "http://localhost:8080",
        "http://[::1]:8080",
    ] {
        assert!(Client::new(Config::new(loopback)).is_ok(), "{loopback}");
    }
    for secure in [
        "https://api.staging.mintedconnect.com",
        "HTTPS://api.staging.mintedconnect.com",
    ] {
        assert!(Client::new(Config::new(secure)).is_ok(), "{secure}");
    }
}

#[test]
fn no_setting_can_inject_a_header() {
    let sandbox = sandbox();
    for value in INJECTIONS {
        let settings: [(&str, SetValue); 6] = [
            ("client id", |c, v| c.client_id = v.to_owned()),
            ("api-version", |c, v| c.api_version = Some(v.to_owned())),
            ("language", |c, v| c.accept_language = v.to_owned()),
            ("user agent", |c, v| c.user_agent = v.to_owned()),
            ("preset Authorization", |c, v| {
                c.credentials = Credentials::preset(v);
            }),
            ("digest username", |c, v| {
                c.credentials = Credentials::digest(v, DEFAULT_PASSWORD);
            }),
        ];
        for (what, set) in settings {
            let mut config = config(&sandbox);
            set(&mut config, value);
            let error = Client::new(config).unwrap_err();
            assert!(
                matches!(error, Error::Config(ConfigError::Header(_))),
                "{what} {value:?}: {error:?}"
            );
        }
    }
    assert_eq!(sandbox.request_count(), 0, "refused before any I/O");
}

#[test]
fn no_external_id_can_inject_a_header_or_leave_its_path_segment() {
    let sandbox = sandbox();
    let client = Client::new(config(&sandbox)).unwrap();
    for id in INJECTIONS {
        let error = client.get(id).unwrap_err();
        assert!(matches!(error, Error::Validation(_)), "{id:?}: {error:?}");
    }
    assert_eq!(sandbox.request_count(), 0, "refused before any I/O");

    // Everything else is percent-encoded into one path segment.
    for id in [
        "MTD 1 HTTP/1.1",
        "../evil",
        "x/../../evil",
        "x?evil=1",
        "x#evil",
        "x%2Fevil",
        "x;evil",
        "Gül\u{2028}evil",
    ] {
        let error = client.get(id).unwrap_err();
        assert!(error.is_not_found(), "{id:?}: {error:?}");
        let last = sandbox.requests().pop().expect("a request");
        let segment = last.target.strip_prefix("/partner/customer/").unwrap();
        assert!(
            !segment.contains(['/', '?', '#', ' ']),
            "{id:?} left its segment: {}",
            last.target
        );
    }
    assert!(!injected(&sandbox.requests()));
}

/// A dot-segment id (`.` or `..`) is sent as it is: `/partner/customer/..`,
/// which any URL normaliser (a proxy, a gateway, the server's router)
/// resolves to `/partner/` — another resource than the customer's.
#[test]
fn a_dot_segment_id_cannot_address_another_resource() {
    let sandbox = sandbox();
    let client = Client::new(config(&sandbox)).unwrap();
    for id in [".", ".."] {
        let sent = match client.remove(id) {
            Err(Error::Validation(_)) => continue,
            _ => sandbox.requests().pop().expect("a request"),
        };
        let segment = sent.target.rsplit('/').next().unwrap_or_default();
        assert!(
            segment != "." && segment != "..",
            "the id {id:?} went out as a dot-segment: {} {}",
            sent.method,
            sent.target
        );
    }
}

#[test]
fn a_quote_in_the_username_stays_inside_its_quoted_string() {
    let sandbox = sandbox();
    let mut config = config(&sandbox);
    config.credentials = Credentials::digest(r#"partner", realm="evil"#, DEFAULT_PASSWORD);
    let client = Client::new(config).unwrap();

    let error = client.get(EXAMPLE_CUSTOMER_ID).unwrap_err();
    assert!(
        matches!(
            error,
            Error::Authentication(AuthFailure::CredentialsRejected)
        ),
        "{error:?}"
    );
    let answered = sandbox
        .requests()
        .into_iter()
        .find_map(|r| r.authorization)
        .expect("the challenge was answered");
    assert!(
        answered.starts_with(r#"Digest username="partner\", realm=\"evil", realm="#),
        "{answered}"
    );
}

#[test]
fn credentials_in_a_base_url_never_reach_the_error_message() {
    for url in [
        "https://partner:s3cret@api.staging.mintedconnect.com",
        "http://partner:s3cret@127.0.0.1:1",
        "https://partner:s3cret@api.staging.mintedconnect.com/minted",
    ] {
        let error = Client::new(Config::new(url)).unwrap_err();
        assert!(
            matches!(error, Error::Config(ConfigError::BaseUrl { .. })),
            "{error:?}"
        );
        let shown = format!("{error} / {error:?}");
        assert!(!shown.contains("s3cret"), "{url}: {shown}");
    }
}

/// A query is refused, but the message repeats it, and a query is where
/// gateways put their keys (`?api_key=…`).
#[test]
fn a_key_in_a_refused_query_never_reaches_the_error_message() {
    let url = "https://api.staging.mintedconnect.com/?api_key=s3cret";
    let error = Client::new(Config::new(url)).unwrap_err();
    assert!(
        matches!(error, Error::Config(ConfigError::BaseUrl { .. })),
        "{error:?}"
    );
    let shown = format!("{error} / {error:?}");
    assert!(!shown.contains("s3cret"), "{url}: {shown}");
}

#[test]
fn proxy_credentials_never_reach_debug_output() {
    let mut config = Config::staging();
    config.proxy = Some("http://proxyuser:pr0xy-s3cret@127.0.0.1:3128".to_owned());
    let shown = format!("{config:?}");
    assert!(!shown.contains("pr0xy-s3cret"), "{shown}");
    let client = Client::new(config).unwrap();
    assert!(!format!("{client:?}").contains("pr0xy-s3cret"));
}
