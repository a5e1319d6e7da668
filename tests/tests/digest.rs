//! Digest authentication over real HTTP: the challenge, every algorithm and
//! qop, stale nonces (use limit, lifetime, expire_nonces), replays, wrong
//! passwords, uri mismatches and Authentication-Info.
#![forbid(unsafe_code)]

mod common;

use std::time::Duration;

use common::{Api, DigestClient, digest_params, fresh_challenge, with_authorization};
use minted_connect_tests::sandbox::{Algorithm, QopMode, Sandbox, SandboxConfig, SandboxHandle};

const TARGET: &str = "/partner/customer/MTD0018232";

fn start(config: SandboxConfig) -> SandboxHandle {
    Sandbox::start(config).expect("start the sandbox")
}

fn client(sandbox: &SandboxHandle) -> DigestClient {
    let challenge = fresh_challenge(sandbox, "GET", TARGET);
    DigestClient::from_challenge(&challenge, sandbox.username(), sandbox.password())
}

fn get(sandbox: &SandboxHandle, digest: &mut DigestClient) -> common::RawResponse {
    let auth = digest.authorize("GET", TARGET, b"");
    with_authorization(sandbox, "GET", TARGET, &auth, b"")
}

fn is_stale(response: &common::RawResponse) -> bool {
    let challenge = response.header("www-authenticate").expect("challenge");
    digest_params(challenge).get("stale").map(String::as_str) == Some("true")
}

#[test]
fn challenge_has_apache_shape() {
    let sandbox = start(SandboxConfig::default());
    let challenge = fresh_challenge(&sandbox, "GET", TARGET);
    assert!(
        challenge.starts_with("Digest realm=\"minted-sandbox\", nonce=\""),
        "{challenge}"
    );
    assert!(
        challenge.contains(", algorithm=MD5, opaque=\""),
        "{challenge}"
    );
    assert!(challenge.ends_with(", qop=\"auth\""), "{challenge}");
    let params = digest_params(&challenge);
    assert_eq!(params["nonce"].len(), 52);
    assert!(params["nonce"][12..].bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(!params.contains_key("stale"));
    // Every challenge has a new nonce and the same opaque.
    let again = digest_params(&fresh_challenge(&sandbox, "GET", TARGET));
    assert_ne!(again["nonce"], params["nonce"]);
    assert_eq!(again["opaque"], params["opaque"]);

    let sha = start(SandboxConfig {
        algorithm: Algorithm::Sha256Sess,
        qop: QopMode::Both,
        realm: "partner api".into(),
        ..SandboxConfig::default()
    });
    let params = digest_params(&fresh_challenge(&sha, "GET", TARGET));
    assert_eq!(params["algorithm"], "SHA-256-sess");
    assert_eq!(params["qop"], "auth,auth-int");
    assert_eq!(params["realm"], "partner api");

    let legacy = start(SandboxConfig {
        qop: QopMode::None,
        ..SandboxConfig::default()
    });
    let challenge = fresh_challenge(&legacy, "GET", TARGET);
    assert!(
        !challenge.contains("qop"),
        "RFC 2069 challenge: {challenge}"
    );
}

#[test]
fn every_algorithm_and_qop_authorizes() {
    for algorithm in [
        Algorithm::Md5,
        Algorithm::Sha256,
        Algorithm::Md5Sess,
        Algorithm::Sha256Sess,
    ] {
        for qop in [
            QopMode::Auth,
            QopMode::AuthInt,
            QopMode::Both,
            QopMode::None,
        ] {
            if algorithm.is_sess() && qop == QopMode::None {
                assert!(
                    Sandbox::start(SandboxConfig {
                        algorithm,
                        qop,
                        ..SandboxConfig::default()
                    })
                    .is_err()
                );
                continue;
            }
            let sandbox = start(SandboxConfig {
                algorithm,
                qop,
                ..SandboxConfig::default()
            });
            let mut api = Api::new(&sandbox);
            let response = api.patch("MTD0018232", common::EXAMPLE_BODY);
            assert_eq!(
                response.status,
                200,
                "{algorithm} {qop}: {}",
                response.body_text()
            );
            // Preemptive reuse of the nonce (nc 2) works too, with no new 401.
            assert_eq!(api.get("MTD0018232").status, 200, "{algorithm} {qop}");
            let statuses: Vec<u16> = sandbox.requests().iter().map(|r| r.status).collect();
            assert_eq!(statuses, [401, 200, 200], "{algorithm} {qop}");
        }
    }
}

#[test]
fn auth_int_covers_the_body() {
    let sandbox = start(SandboxConfig {
        qop: QopMode::AuthInt,
        ..SandboxConfig::default()
    });
    let challenge = fresh_challenge(&sandbox, "PATCH", TARGET);
    let mut digest = DigestClient::from_challenge(&challenge, "partner", "s3cret");
    assert_eq!(digest.qop.as_deref(), Some("auth-int"));
    // Signed for one body, sent with another.
    let auth = digest.authorize("PATCH", TARGET, b"{\"firstname\":\"x\"}");
    let response = with_authorization(
        &sandbox,
        "PATCH",
        TARGET,
        &auth,
        common::EXAMPLE_BODY.as_bytes(),
    );
    assert_eq!(response.status, 401);
    assert!(!is_stale(&response));
}

#[test]
fn wrong_password_is_401_without_stale() {
    let sandbox = start(SandboxConfig::default());
    let challenge = fresh_challenge(&sandbox, "GET", TARGET);
    let mut digest = DigestClient::from_challenge(&challenge, "partner", "wrong");
    let response = get(&sandbox, &mut digest);
    assert_eq!(response.status, 401);
    assert!(!is_stale(&response));
    assert_eq!(response.json()["message"], "Kimlik doğrulaması başarısız.");
    // Wrong user name too.
    let mut other = DigestClient::from_challenge(&challenge, "guest", "s3cret");
    assert_eq!(get(&sandbox, &mut other).status, 401);
    // And a wrong password on an expired nonce is still not stale (Apache).
    let mut late = DigestClient::from_challenge(&challenge, "partner", "wrong");
    sandbox.expire_nonces();
    let response = get(&sandbox, &mut late);
    assert_eq!(response.status, 401);
    assert!(!is_stale(&response));
    let log = sandbox.requests();
    assert!(log.iter().all(|r| !r.authorized));
}

#[test]
fn nonce_use_limit_makes_it_stale() {
    let sandbox = start(SandboxConfig {
        nonce_max_uses: Some(2),
        ..SandboxConfig::default()
    });
    let mut digest = client(&sandbox);
    assert_eq!(get(&sandbox, &mut digest).status, 200);
    assert_eq!(get(&sandbox, &mut digest).status, 200);
    let spent = get(&sandbox, &mut digest);
    assert_eq!(spent.status, 401);
    assert!(is_stale(&spent));
    // The new nonce works from nc=1.
    let mut fresh = DigestClient::from_challenge(
        spent.header("www-authenticate").unwrap(),
        "partner",
        "s3cret",
    );
    assert_eq!(get(&sandbox, &mut fresh).status, 200);
    let stale_flags: Vec<bool> = sandbox.requests().iter().map(|r| r.stale).collect();
    assert_eq!(stale_flags, [false, false, false, true, false]);
}

#[test]
fn nonce_lifetime_makes_it_stale() {
    let sandbox = start(SandboxConfig {
        nonce_lifetime: Some(Duration::from_millis(200)),
        ..SandboxConfig::default()
    });
    let mut digest = client(&sandbox);
    assert_eq!(get(&sandbox, &mut digest).status, 200);
    std::thread::sleep(Duration::from_millis(300));
    let expired = get(&sandbox, &mut digest);
    assert_eq!(expired.status, 401);
    assert!(is_stale(&expired));
}

#[test]
fn expire_nonces_makes_the_next_request_stale() {
    let sandbox = start(SandboxConfig::default());
    let mut api = Api::new(&sandbox);
    assert_eq!(api.get("MTD0018232").status, 200);
    sandbox.expire_nonces();
    sandbox.clear_log();
    // The helper answers the stale challenge once.
    assert_eq!(api.get("MTD0018232").status, 200);
    let log = sandbox.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].status, log[0].stale, log[0].had_authorization()),
        (401, true, true)
    );
    assert_eq!((log[1].status, log[1].authorized), (200, true));
}

#[test]
fn replayed_or_lower_nc_is_401_without_stale() {
    let sandbox = start(SandboxConfig::default());
    let mut digest = client(&sandbox);
    let first = digest.authorize("GET", TARGET, b"");
    assert_eq!(
        with_authorization(&sandbox, "GET", TARGET, &first, b"").status,
        200
    );
    let replay = with_authorization(&sandbox, "GET", TARGET, &first, b"");
    assert_eq!(replay.status, 401);
    assert!(!is_stale(&replay));
    // Jump to nc=5 (gaps are allowed), then go back to 3.
    digest.nc = 4;
    assert_eq!(get(&sandbox, &mut digest).status, 200);
    digest.nc = 2;
    let lower = get(&sandbox, &mut digest);
    assert_eq!(lower.status, 401);
    assert!(!is_stale(&lower));
}

#[test]
fn unknown_nonce_and_missing_opaque() {
    let sandbox = start(SandboxConfig::default());
    let mut digest = client(&sandbox);
    let real_nonce = digest.nonce.clone();
    digest.nonce = "AAAAAAAAAAA=0000000000000000000000000000000000000000".into();
    let forged = get(&sandbox, &mut digest);
    assert_eq!(forged.status, 401);
    assert!(!is_stale(&forged));
    // No opaque: Apache answers stale=true.
    digest.nonce = real_nonce;
    digest.echo_opaque = false;
    let no_opaque = get(&sandbox, &mut digest);
    assert_eq!(no_opaque.status, 401);
    assert!(is_stale(&no_opaque));
    digest.echo_opaque = true;
    assert_eq!(get(&sandbox, &mut digest).status, 200);
}

#[test]
fn uri_must_equal_the_request_target() {
    let sandbox = start(SandboxConfig::default());
    let mut digest = client(&sandbox);
    let target = "/partner/customer/MTD0018232?lang=tr";
    // Signed without the query string (the classic bug): 400, like Apache.
    let auth = digest.authorize("GET", TARGET, b"");
    assert_eq!(
        with_authorization(&sandbox, "GET", target, &auth, b"").status,
        400
    );
    let auth = digest.authorize("GET", target, b"");
    assert_eq!(
        with_authorization(&sandbox, "GET", target, &auth, b"").status,
        200
    );
    // Another method than the one signed: 401.
    let auth = digest.authorize("GET", TARGET, b"");
    assert_eq!(
        with_authorization(&sandbox, "DELETE", TARGET, &auth, b"").status,
        401
    );
}

#[test]
fn algorithm_must_match() {
    let sandbox = start(SandboxConfig {
        algorithm: Algorithm::Sha256,
        ..SandboxConfig::default()
    });
    let mut digest = client(&sandbox);
    digest.algorithm = "MD5".into();
    assert_eq!(get(&sandbox, &mut digest).status, 401);
    digest.algorithm = "sha-256".into();
    assert_eq!(get(&sandbox, &mut digest).status, 200, "case-insensitive");
}

#[test]
fn rfc_2069_form_without_qop() {
    let sandbox = start(SandboxConfig {
        qop: QopMode::None,
        ..SandboxConfig::default()
    });
    let mut digest = client(&sandbox);
    assert_eq!(digest.qop, None);
    let auth = digest.authorize("GET", TARGET, b"");
    assert!(!auth.contains("nc="));
    let response = with_authorization(&sandbox, "GET", TARGET, &auth, b"");
    assert_eq!(response.status, 200);
    assert!(response.header("authentication-info").is_none());
    // A qop the server did not offer is refused.
    digest.qop = Some("auth".into());
    assert_eq!(get(&sandbox, &mut digest).status, 401);
}

#[test]
fn authentication_info_carries_a_valid_rspauth() {
    for qop in [QopMode::Auth, QopMode::AuthInt] {
        let sandbox = start(SandboxConfig {
            algorithm: Algorithm::Sha256,
            qop,
            ..SandboxConfig::default()
        });
        let mut digest = client(&sandbox);
        let response = get(&sandbox, &mut digest);
        assert_eq!(response.status, 200);
        let info = response
            .header("authentication-info")
            .expect("Authentication-Info");
        let params = digest_params(&format!("Digest {info}"));
        assert_eq!(
            params["rspauth"],
            digest.rspauth(TARGET, &response.body),
            "{qop}"
        );
        assert_eq!(params["cnonce"], digest.cnonce);
        assert_eq!(params["nc"], "00000001");
        assert!(!params.contains_key("nextnonce"));
    }
}

#[test]
fn nextnonce_when_enabled() {
    let sandbox = start(SandboxConfig {
        next_nonce: true,
        nonce_max_uses: Some(1),
        ..SandboxConfig::default()
    });
    let mut digest = client(&sandbox);
    for _ in 0..3 {
        let response = get(&sandbox, &mut digest);
        assert_eq!(response.status, 200);
        let info = response.header("authentication-info").unwrap();
        assert!(info.starts_with("rspauth=\""), "{info}");
        let next = digest_params(&format!("Digest {info}"))["nextnonce"].clone();
        assert_ne!(next, digest.nonce);
        // Following nextnonce (nc back to 1) costs no 401 even with one-use nonces.
        digest.nonce = next;
        digest.nc = 0;
    }
    assert_eq!(sandbox.request_count(), 4);
}

#[test]
fn other_schemes_get_a_challenge() {
    let sandbox = start(SandboxConfig::default());
    let response = with_authorization(&sandbox, "GET", TARGET, "Basic cGFydG5lcjpzM2NyZXQ=", b"");
    assert_eq!(response.status, 401);
    assert!(
        response
            .header("www-authenticate")
            .unwrap()
            .starts_with("Digest ")
    );
    // The vendor sample's shape (unquoted username, no qop) against a qop=auth server.
    let nonce = digest_params(&fresh_challenge(&sandbox, "GET", TARGET))["nonce"].clone();
    let sample = format!(
        "Digest username=guest, realm=\"minted-sandbox\", nonce=\"{nonce}\", uri=\"{TARGET}\", response=\"***\""
    );
    assert_eq!(
        with_authorization(&sandbox, "GET", TARGET, &sample, b"").status,
        401
    );
}
