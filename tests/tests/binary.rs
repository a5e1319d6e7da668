//! The `minted-sandbox` binary: first stdout line is the base URL, the
//! credentials follow, the flags reach the server.
#![forbid(unsafe_code)]

mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

use common::{DigestClient, request};

struct Running {
    child: Child,
    base_url: String,
    rest: Vec<String>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn run(args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_minted-sandbox"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start minted-sandbox");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let base_url = lines.next().expect("a first line").expect("utf-8");
    let rest = lines.take(3).map(|l| l.expect("utf-8")).collect();
    Running {
        child,
        base_url,
        rest,
    }
}

fn addr(base_url: &str) -> SocketAddr {
    base_url
        .strip_prefix("http://")
        .expect("http:// base URL")
        .parse()
        .expect("an address")
}

#[test]
fn prints_base_url_and_credentials_then_serves() {
    let running = run(&[
        "--quiet",
        "--algorithm",
        "SHA-256",
        "--username",
        "kiosk",
        "--password",
        "pa55",
    ]);
    assert!(
        running.base_url.starts_with("http://127.0.0.1:"),
        "{}",
        running.base_url
    );
    assert_eq!(running.rest[0], "username: kiosk");
    assert_eq!(running.rest[1], "password: pa55");
    assert!(running.rest[2].contains("SHA-256"), "{:?}", running.rest);
    let addr = addr(&running.base_url);
    let target = "/partner/customer/MTD0018232";
    let challenge = request(addr, "GET", target, &[], b"");
    assert_eq!(challenge.status, 401);
    let mut digest = DigestClient::from_challenge(
        challenge.header("www-authenticate").unwrap(),
        "kiosk",
        "pa55",
    );
    assert_eq!(digest.algorithm, "SHA-256");
    let auth = digest.authorize("GET", target, b"");
    let response = request(
        addr,
        "GET",
        target,
        &[("x-client-id", "web"), ("Authorization", &auth)],
        b"",
    );
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["data"]["external_id"], "MTD0018232");
}

#[test]
fn fault_flags_reach_the_server() {
    let running = run(&[
        "--quiet",
        "--unavailable",
        "9",
        "--unavailable-times",
        "1",
        "--chunked",
    ]);
    let addr = addr(&running.base_url);
    let first = request(addr, "GET", "/", &[], b"");
    assert_eq!(first.status, 503);
    assert_eq!(first.header("retry-after"), Some("9"));
    assert!(first.chunked);
    let second = request(addr, "GET", "/", &[], b"");
    assert_eq!(second.status, 404);
}

#[test]
fn bad_flags_are_refused() {
    for args in [
        &["--algorithm", "SHA-512"][..],
        &["--qop", "auth-conf"],
        &["--algorithm", "MD5-sess", "--qop", "none"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_minted-sandbox"))
            .args(args)
            .output()
            .expect("run minted-sandbox");
        assert!(!output.status.success(), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}
