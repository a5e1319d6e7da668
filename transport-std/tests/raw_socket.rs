//! Real-socket tests against scripted servers: what goes on the wire,
//! redirects, timeouts, size limits, truncation, refused connections and
//! configuration refused before any I/O.

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::{
    REMOVED_BODY, RawRequest, RawServer, closed_port, json_response, write_ignoring_errors,
};
use minted_connect_std::{
    ApiError, Client, Config, ConfigError, Credentials, Error, ProtocolErrorKind, RetryPolicy,
    TransportErrorKind,
};

fn config(base_url: &str) -> Config {
    let mut config = Config::new(base_url);
    config.retry_policy = RetryPolicy::none();
    config
}

fn removed(stream: &mut TcpStream, _: &RawRequest) -> bool {
    write_ignoring_errors(
        stream,
        json_response(200, "OK", "", REMOVED_BODY).as_bytes(),
    );
    true
}

#[test]
fn the_request_carries_the_cores_headers_under_the_base_path() {
    let server = RawServer::start(removed);
    let mut config = config(&format!("{}/gateway/", server.base_url()));
    config.api_version = Some("3".to_owned());
    config.accept_language = "en".to_owned();
    config.credentials = Credentials::preset("Token abc123");
    let client = Client::new(config).unwrap();

    client.remove("MTD/0018 232").unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        request.request_line(),
        "DELETE /gateway/partner/customer/MTD%2F0018%20232 HTTP/1.1"
    );
    assert_eq!(request.header_values("x-client-id"), ["web"]);
    assert_eq!(request.header_values("api-version"), ["3"]);
    assert_eq!(request.header_values("accept-language"), ["en"]);
    assert_eq!(request.header_values("authorization"), ["Token abc123"]);
    assert_eq!(request.header_values("accept"), ["application/json"]);
    let agent = request.header_values("user-agent");
    assert_eq!(agent.len(), 1);
    assert!(agent[0].starts_with("minted-connect"), "{agent:?}");
    assert!(!request.head.to_ascii_lowercase().contains("ureq"));
    assert_eq!(client.requests_sent(), 1);
}

#[test]
fn a_redirect_is_not_followed_and_authorization_stays_home() {
    let elsewhere = RawServer::start(removed);
    let location = format!("{}/partner/customer/MTD1", elsewhere.base_url());
    let redirecting = RawServer::start(move |stream, _| {
        let head = format!(
            "HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n"
        );
        write_ignoring_errors(stream, head.as_bytes());
        true
    });
    let mut config = Config::new(redirecting.base_url());
    config.credentials = Credentials::preset("Token secret-for-home-only");
    let client = Client::new(config).unwrap();

    for result in [client.get("MTD1").map(drop), client.remove("MTD1")] {
        let error = result.unwrap_err();
        assert!(
            matches!(
                error.api(),
                Some(ApiError::UnexpectedStatus { status: 307 })
            ),
            "{error:?}"
        );
    }
    assert_eq!(redirecting.requests().len(), 2, "a 3xx is not retried");
    assert_eq!(
        elsewhere.connections(),
        0,
        "nothing may reach the other host"
    );
}

#[test]
fn a_slow_body_trips_the_timeout() {
    let server = RawServer::start(|stream, _| {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{\"data\":";
        write_ignoring_errors(stream, head.as_bytes());
        thread::sleep(Duration::from_secs(6));
        false
    });
    let mut config = config(&server.base_url());
    let timeout = Duration::from_millis(1500);
    config.timeout = timeout;
    config.retry_policy = RetryPolicy::new();
    let client = Client::new(config).unwrap();

    let started = Instant::now();
    let error = client.get("MTD1").unwrap_err();
    let elapsed = started.elapsed();

    assert!(elapsed >= timeout, "{elapsed:?}");
    assert!(elapsed < timeout + Duration::from_secs(1), "{elapsed:?}");
    match &error {
        Error::Transport(transport) => assert_eq!(transport.kind(), TransportErrorKind::Timeout),
        other => panic!("{other:?}"),
    }
    assert!(std::error::Error::source(&error).is_some());
    assert_eq!(
        server.requests().len(),
        1,
        "a timeout after sending is not retried"
    );
}

#[test]
fn a_declared_oversized_body_is_refused_unread() {
    let written = Arc::new(AtomicU64::new(0));
    let counter = written.clone();
    let server = RawServer::start(move |stream, _| {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1073741824\r\n\r\n";
        write_ignoring_errors(stream, head.as_bytes());
        let chunk = vec![b' '; 64 * 1024];
        for _ in 0..16 * 1024 {
            if stream.write_all(&chunk).is_err() {
                break;
            }
            counter.fetch_add(chunk.len() as u64, Ordering::SeqCst);
        }
        false
    });
    let client = Client::new(config(&server.base_url())).unwrap();

    let started = Instant::now();
    let error = client.get("MTD1").unwrap_err();
    assert!(
        matches!(&error, Error::Protocol(p) if p.kind() == ProtocolErrorKind::TooLarge { limit: 65_536 }),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    // The server could only fill the socket buffers before the client hung up.
    thread::sleep(Duration::from_millis(300));
    assert!(written.load(Ordering::SeqCst) < 64 * 1024 * 1024);
}

#[test]
fn an_endless_chunked_body_is_refused_after_the_limit() {
    let written = Arc::new(AtomicU64::new(0));
    let counter = written.clone();
    let server = RawServer::start(move |stream, _| {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        write_ignoring_errors(stream, head.as_bytes());
        let payload = vec![b' '; 16 * 1024];
        let mut chunk = format!("{:x}\r\n", payload.len()).into_bytes();
        chunk.extend_from_slice(&payload);
        chunk.extend_from_slice(b"\r\n");
        // Up to 1 GiB: never sent whole unless the client reads it all.
        for _ in 0..64 * 1024 {
            if stream.write_all(&chunk).is_err() {
                break;
            }
            counter.fetch_add(payload.len() as u64, Ordering::SeqCst);
        }
        false
    });
    let mut config = config(&server.base_url());
    config.max_response_bytes = 10_000;
    let client = Client::new(config).unwrap();

    let error = client.get("MTD1").unwrap_err();
    assert!(
        matches!(&error, Error::Protocol(p) if p.kind() == ProtocolErrorKind::TooLarge { limit: 10_000 }),
        "{error:?}"
    );
    thread::sleep(Duration::from_millis(300));
    let sent = written.load(Ordering::SeqCst);
    assert!(sent < 64 * 1024 * 1024, "the server pushed {sent} bytes");
}

#[test]
fn a_truncated_body_is_a_protocol_error() {
    let server = RawServer::start(|stream, _| {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 120\r\n\r\n{\"data\":{\"external_id\":\"MT";
        write_ignoring_errors(stream, head.as_bytes());
        let _ = stream.shutdown(std::net::Shutdown::Both);
        false
    });
    let mut config = config(&server.base_url());
    config.retry_policy = RetryPolicy::new();
    let client = Client::new(config).unwrap();

    let error = client.get("MTD1").unwrap_err();
    assert!(
        matches!(&error, Error::Protocol(p) if p.kind() == ProtocolErrorKind::Truncated),
        "{error:?}"
    );
    assert!(std::error::Error::source(&error).is_some());
    assert_eq!(
        server.requests().len(),
        1,
        "an unusable response is not retried"
    );
}

#[test]
fn a_refused_connection_is_a_transport_error_after_the_retries() {
    let base_url = format!("http://127.0.0.1:{}", closed_port());
    let mut config = Config::new(base_url);
    config.retry_policy = RetryPolicy {
        base_delay_ms: 10,
        ..RetryPolicy::new()
    };
    let client = Client::new(config).unwrap();
    let error = client.get("MTD1").unwrap_err();
    match &error {
        Error::Transport(transport) => assert_eq!(transport.kind(), TransportErrorKind::Connect),
        other => panic!("{other:?}"),
    }
    // Nothing was sent, so the core retried up to the policy's attempts.
    assert_eq!(client.requests_sent(), 3);
    assert!(error.is_temporary());
    let line = error.to_string();
    assert!(
        line.contains("cannot connect") && !line.contains('\n'),
        "{line}"
    );
}

#[test]
fn plain_http_to_a_remote_host_is_refused_before_any_io() {
    let error = Client::new(Config::new("http://api.staging.mintedconnect.com")).unwrap_err();
    assert!(
        matches!(&error, Error::Config(ConfigError::PlainHttpRefused { host }) if host == "api.staging.mintedconnect.com"),
        "{error:?}"
    );
    assert!(error.to_string().contains("use https"));

    let mut allowed = Config::new("http://api.staging.mintedconnect.com");
    allowed.allow_plain_http = true;
    assert!(Client::new(allowed).is_ok());
    assert!(Client::new(Config::staging()).is_ok());
}

#[test]
fn header_injection_is_refused_before_any_io() {
    let server = RawServer::start(removed);
    let mut client_id = config(&server.base_url());
    client_id.client_id = "web\r\nX-Evil: 1".to_owned();
    let mut api_version = config(&server.base_url());
    api_version.api_version = Some("3\nX-Evil: 1".to_owned());
    let mut language = config(&server.base_url());
    language.accept_language = "tr\0".to_owned();
    let mut preset = config(&server.base_url());
    preset.credentials = Credentials::preset("Token a\r\nX-Evil: 1");
    let mut empty_id = config(&server.base_url());
    empty_id.client_id = String::new();

    for config in [client_id, api_version, language, preset, empty_id] {
        let error = Client::new(config).unwrap_err();
        assert!(
            matches!(error, Error::Config(ConfigError::Header(_))),
            "{error:?}"
        );
    }
    assert_eq!(server.connections(), 0);
}

#[test]
fn a_bad_base_url_is_a_config_error() {
    for url in [
        "",
        "api.example.com",
        "ftp://example.com",
        "https://u:p@example.com",
    ] {
        let error = Client::new(Config::new(url)).unwrap_err();
        assert!(
            matches!(error, Error::Config(ConfigError::BaseUrl { .. })),
            "{url}: {error:?}"
        );
    }
}
