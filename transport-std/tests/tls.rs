//! https against a local rustls server whose certificate a self-signed CA
//! (made with rcgen) issued: refused by default, accepted with that CA.

mod common;

use common::{REMOVED_BODY, TlsServer, json_response, test_pki};
use minted_connect_std::{Client, Config, Error, RetryPolicy, RootCertificate, TransportErrorKind};

fn server() -> (TlsServer, common::TestPki) {
    let pki = test_pki();
    let server = TlsServer::start(&pki, json_response(200, "OK", "", REMOVED_BODY));
    (server, pki)
}

#[test]
fn an_unknown_ca_is_refused_by_default() {
    let (server, _pki) = server();
    let mut config = Config::new(server.base_url());
    config.retry_policy = RetryPolicy::none();
    let client = Client::new(config).unwrap();

    let error = client.remove("MTD1").unwrap_err();
    match &error {
        Error::Transport(transport) => assert_eq!(transport.kind(), TransportErrorKind::Tls),
        other => panic!("{other:?}"),
    }
    assert!(std::error::Error::source(&error).is_some());
    assert!(error.to_string().contains("root_certificates"));
    assert_eq!(server.handshakes(), 1);
    assert_eq!(
        server.requests(),
        0,
        "no request crosses an untrusted handshake"
    );
}

#[test]
fn the_configured_ca_is_trusted_as_pem() {
    let (server, pki) = server();
    let mut config = Config::new(server.base_url());
    config.root_certificates = vec![RootCertificate::Pem(pki.ca_pem.into_bytes())];
    let client = Client::new(config).unwrap();

    client.remove("MTD1").unwrap();
    client.remove("MTD2").unwrap();
    assert_eq!(server.requests(), 2);
    assert_eq!(server.handshakes(), 1, "the connection is kept alive");
}

#[test]
fn the_configured_ca_is_trusted_as_der() {
    let (server, pki) = server();
    let mut config = Config::new(server.base_url());
    config.root_certificates = vec![RootCertificate::Der(pki.ca_der)];
    let client = Client::new(config).unwrap();
    client.remove("MTD1").unwrap();
    assert_eq!(server.requests(), 1);
}

#[test]
fn another_ca_does_not_vouch_for_the_server() {
    let (server, _pki) = server();
    let other = test_pki();
    let mut config = Config::new(server.base_url());
    config.root_certificates = vec![RootCertificate::Der(other.ca_der)];
    config.retry_policy = RetryPolicy::none();
    let client = Client::new(config).unwrap();
    let error = client.remove("MTD1").unwrap_err();
    assert!(
        matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::Tls),
        "{error:?}"
    );
}

#[test]
fn unreadable_certificates_are_a_config_error() {
    let mut config = Config::new("https://127.0.0.1:1");
    config.root_certificates = vec![RootCertificate::Pem(b"not a certificate".to_vec())];
    assert!(matches!(
        Client::new(config).unwrap_err(),
        Error::Config(minted_connect_std::ConfigError::Certificate(_))
    ));
}
