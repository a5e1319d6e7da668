//! The proof that the server-side digest is not the client's code checking
//! itself: the real `curl --digest` against MD5 and SHA-256 sandboxes.
//! Skipped (with a message) only when curl is not installed; `.ci/run`
//! installs it.
#![forbid(unsafe_code)]

use std::process::Command;

use minted_connect_tests::sandbox::{Algorithm, QopMode, Sandbox, SandboxConfig, SandboxHandle};

fn curl_available() -> bool {
    match Command::new("curl").arg("--version").output() {
        Ok(output) if output.status.success() => true,
        _ => {
            eprintln!("SKIPPED: curl is not installed; the curl --digest proof did not run");
            false
        }
    }
}

/// Runs curl and returns the final status code it reports.
fn curl(sandbox: &SandboxHandle, password: &str, extra: &[&str], path: &str) -> u16 {
    let output = Command::new("curl")
        .args([
            "-sS",
            "--max-time",
            "10",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
        ])
        .arg("--digest")
        .args(["-u", &format!("{}:{password}", sandbox.username())])
        .args(["-H", "x-client-id: web"])
        .args(extra)
        .arg(format!("{}{path}", sandbox.base_url()))
        .output()
        .expect("run curl");
    assert!(
        output.status.success(),
        "curl failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("status code")
}

fn statuses(sandbox: &SandboxHandle) -> Vec<u16> {
    sandbox.requests().iter().map(|r| r.status).collect()
}

fn prove(algorithm: Algorithm, qop: QopMode) {
    let sandbox = Sandbox::start(SandboxConfig {
        algorithm,
        qop,
        ..SandboxConfig::default()
    })
    .expect("start");
    let path = "/partner/customer/MTD0018232";

    let ok = curl(&sandbox, "s3cret", &[], path);
    let ok_log = statuses(&sandbox);
    eprintln!("curl --digest {algorithm} qop={qop}, right password: {ok}, server saw {ok_log:?}");
    assert_eq!(ok, 200);
    assert_eq!(ok_log, [401, 200]);
    assert!(sandbox.requests()[1].authorized);

    sandbox.clear_log();
    let bad = curl(&sandbox, "wrong", &[], path);
    let bad_log = statuses(&sandbox);
    eprintln!("curl --digest {algorithm} qop={qop}, wrong password: {bad}, server saw {bad_log:?}");
    assert_eq!(bad, 401);
    assert_eq!(bad_log, [401, 401]);

    // A PATCH with a body and a query string in the uri.
    sandbox.clear_log();
    let body = r#"{"firstname":"Curl","lastname":"Gülbilge","email":"curl@example.com","phone":"+90 532 280 80 35","identity_number":"12345677938"}"#;
    let patched = curl(
        &sandbox,
        "s3cret",
        &[
            "-X",
            "PATCH",
            "-H",
            "Content-Type: application/json",
            "--data-binary",
            body,
        ],
        "/partner/customer/MTD0018232?source=curl",
    );
    eprintln!(
        "curl --digest {algorithm} PATCH: {patched}, server saw {:?}",
        statuses(&sandbox)
    );
    assert_eq!(patched, 200);
    assert_eq!(
        sandbox
            .customer("MTD0018232")
            .and_then(|c| c.firstname)
            .as_deref(),
        Some("Curl")
    );
}

#[test]
fn curl_digest_md5() {
    if curl_available() {
        prove(Algorithm::Md5, QopMode::Auth);
    }
}

#[test]
fn curl_digest_sha256() {
    if curl_available() {
        prove(Algorithm::Sha256, QopMode::Auth);
    }
}

#[test]
fn curl_digest_md5_sess_and_rfc_2069() {
    if curl_available() {
        prove(Algorithm::Md5Sess, QopMode::Auth);
        prove(Algorithm::Md5, QopMode::None);
    }
}

#[test]
fn curl_digest_sha256_sess() {
    if curl_available() {
        prove(Algorithm::Sha256Sess, QopMode::Auth);
    }
}
