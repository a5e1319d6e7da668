//! Every fault switch, observed over a real socket.
#![forbid(unsafe_code)]

mod common;

use std::time::{Duration, Instant};

use common::{Api, Conn};
use minted_connect_tests::sandbox::{
    FaultScope, Faults, RetryAfterFault, Sandbox, SandboxConfig, SandboxHandle, Times,
};

const DELAY: Duration = Duration::from_millis(300);

fn start_with(faults: Faults) -> SandboxHandle {
    Sandbox::start(SandboxConfig {
        faults,
        ..SandboxConfig::default()
    })
    .expect("start the sandbox")
}

fn send_get(conn: &mut Conn, target: &str) {
    conn.send("GET", target, &[("x-client-id", "web")], b"");
}

#[test]
fn slow_head_delays_the_status_line() {
    let sandbox = start_with(Faults {
        slow_head: Some(DELAY),
        ..Faults::default()
    });
    let mut conn = Conn::open(sandbox.addr());
    let started = Instant::now();
    send_get(&mut conn, "/partner/customer/MTD0018232");
    let (status, _) = conn.read_head().unwrap();
    assert_eq!(status, 401);
    assert!(started.elapsed() >= DELAY, "{:?}", started.elapsed());
    // With the fault off, it is immediate.
    sandbox.clear_faults();
    let started = Instant::now();
    let _ = common::request(sandbox.addr(), "GET", "/", &[], b"");
    assert!(started.elapsed() < DELAY);
}

#[test]
fn slow_body_sends_half_then_pauses() {
    let sandbox = start_with(Faults {
        slow_body: Some(DELAY),
        ..Faults::default()
    });
    let mut conn = Conn::open(sandbox.addr());
    let started = Instant::now();
    send_get(&mut conn, "/partner/customer/MTD0018232");
    let (status, headers) = conn.read_head().unwrap();
    assert_eq!(status, 401);
    assert!(started.elapsed() < DELAY, "the head is not delayed");
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse().unwrap())
        .expect("Content-Length");
    // The first body byte arrives before the pause…
    assert_eq!(conn.read_rest_until(1), 1);
    assert!(started.elapsed() < DELAY, "{:?}", started.elapsed());
    // …the rest only after it.
    assert_eq!(conn.read_rest_until(len - 1), len - 1);
    assert!(started.elapsed() >= DELAY, "{:?}", started.elapsed());
}

#[test]
fn truncated_body_closes_before_content_length() {
    let sandbox = start_with(Faults {
        truncated_body: true,
        ..Faults::default()
    });
    let mut conn = Conn::open(sandbox.addr());
    send_get(&mut conn, "/partner/customer/MTD0018232");
    let (status, headers) = conn.read_head().unwrap();
    assert_eq!(status, 401);
    let announced: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| v.parse().unwrap())
        .expect("Content-Length");
    let received = conn.read_rest().expect("the server closes the connection");
    assert!(!received.is_empty());
    assert!(
        received.len() < announced,
        "{} of {announced}",
        received.len()
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&received).is_err());
}

#[test]
fn oversized_body_is_padded_and_still_valid() {
    let sandbox = start_with(Faults {
        oversized_body: Some(64 * 1024),
        ..Faults::default()
    });
    let mut api = Api::new(&sandbox);
    let response = api.get("MTD0018232");
    assert_eq!(response.status, 200);
    assert!(response.body.len() >= 64 * 1024, "{}", response.body.len());
    assert!(response.body.len() < 64 * 1024 + 16);
    let body = response.json();
    assert_eq!(body["data"]["external_id"], "MTD0018232");
    assert!(body["padding"].as_str().unwrap().len() > 60_000);
}

#[test]
fn bad_gateway_html_page_for_the_next_requests() {
    let sandbox = start_with(Faults {
        bad_gateway: Some(Times::Next(2)),
        ..Faults::default()
    });
    let mut api = Api::new(&sandbox);
    for _ in 0..2 {
        let response = api.get("MTD0018232");
        assert_eq!(response.status, 502);
        assert!(
            response
                .header("content-type")
                .unwrap()
                .starts_with("text/html")
        );
        assert!(response.body_text().contains("<h1>502 Bad Gateway</h1>"));
        assert!(serde_json::from_slice::<serde_json::Value>(&response.body).is_err());
    }
    assert_eq!(api.get("MTD0018232").status, 200);
    assert_eq!(sandbox.faults().bad_gateway, Some(Times::Next(0)));
    let faults: Vec<Option<u16>> = sandbox.requests().iter().map(|r| r.status_fault).collect();
    assert_eq!(faults, [Some(502), Some(502), None, None]);
}

#[test]
fn unavailable_then_rate_limited_with_retry_after() {
    let sandbox = start_with(Faults {
        unavailable: Some(RetryAfterFault {
            retry_after: 7,
            times: Times::Next(1),
        }),
        rate_limited: Some(RetryAfterFault {
            retry_after: 3,
            times: Times::Always,
        }),
        ..Faults::default()
    });
    let mut api = Api::new(&sandbox);
    api.lang = Some("en");
    let first = api.get("MTD0018232");
    assert_eq!(first.status, 503);
    assert_eq!(first.header("retry-after"), Some("7"));
    assert_eq!(first.json()["code"], 503);
    for _ in 0..3 {
        let limited = api.get("MTD0018232");
        assert_eq!(limited.status, 429);
        assert_eq!(limited.header("retry-after"), Some("3"));
        assert_eq!(limited.json()["message"], "Too Many Attempts.");
    }
    sandbox.clear_faults();
    assert_eq!(api.get("MTD0018232").status, 200);
}

#[test]
fn chunked_transfer_encoding() {
    let sandbox = start_with(Faults {
        chunked: true,
        ..Faults::default()
    });
    let mut api = Api::new(&sandbox);
    let response = api.get("MTD0018233");
    assert_eq!(response.status, 200);
    assert!(response.chunked);
    assert!(response.header("content-length").is_none());
    assert_eq!(response.json()["data"]["external_id"], "MTD0018233");
    // On the wire: several chunks.
    let mut conn = Conn::open(sandbox.addr());
    conn.send("GET", "/", &[("Connection", "close")], b"");
    let raw = String::from_utf8(conn.read_rest().unwrap()).unwrap();
    assert!(
        raw.to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "{raw}"
    );
    let (_, body) = raw.split_once("\r\n\r\n").unwrap();
    assert!(
        body.matches("\r\n").count() >= 6,
        "more than one chunk: {body:?}"
    );
    assert!(body.ends_with("0\r\n\r\n"), "{raw:?}");
}

#[test]
fn connection_close_after_every_response() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    // Without the fault the connection is kept alive.
    let mut conn = Conn::open(sandbox.addr());
    assert_eq!(conn.request("GET", "/", &[], b"").status, 404);
    assert_eq!(conn.request("GET", "/", &[], b"").status, 404);

    sandbox.set_faults(Faults {
        connection_close: true,
        ..Faults::default()
    });
    let mut conn = Conn::open(sandbox.addr());
    let response = conn.request("GET", "/", &[], b"");
    assert_eq!(response.status, 404);
    assert_eq!(response.header("connection"), Some("close"));
    assert!(
        conn.read_rest().unwrap().is_empty(),
        "closed after the response"
    );
}

#[test]
fn authorized_only_scope_spares_the_challenge() {
    let sandbox = start_with(Faults {
        slow_head: Some(DELAY),
        scope: FaultScope::AuthorizedOnly,
        ..Faults::default()
    });
    let started = Instant::now();
    let challenge = common::fresh_challenge(&sandbox, "GET", "/partner/customer/MTD0018232");
    assert!(started.elapsed() < DELAY, "the 401 is not delayed");
    let mut digest = common::DigestClient::from_challenge(&challenge, "partner", "s3cret");
    let auth = digest.authorize("GET", "/partner/customer/MTD0018232", b"");
    let started = Instant::now();
    let response =
        common::with_authorization(&sandbox, "GET", "/partner/customer/MTD0018232", &auth, b"");
    assert_eq!(response.status, 200);
    assert!(started.elapsed() >= DELAY);
}
