//! Digest authentication against published and verified vectors
//! (`shared/spec/digest-auth.md` §2), the parser pitfalls of its §4, the
//! session's counting rules, and properties: no input panics, every written
//! value parses back to what the session holds.

use minted_connect_core::auth::{
    Algorithm, ChallengeError, CnonceSource, Credentials, DigestChallenge, DigestError,
    DigestField, DigestSession, MAX_AUTHORIZATION_LEN, NONCE_CAPACITY, OPAQUE_CAPACITY, Qop,
    ResponseInputs, compute_response, find_digest_challenge, max_authorization_len,
};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// Helpers

/// A test randomness source: counts up, so every draw differs.
struct Counter(u8);

impl CnonceSource for Counter {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for b in dest {
            self.0 = self.0.wrapping_add(1);
            *b = self.0;
        }
    }
}

fn session_for(values: &[&str]) -> DigestSession {
    let challenge = find_digest_challenge(values.iter().copied()).expect("a usable challenge");
    let mut session = DigestSession::new();
    session
        .accept_challenge(&challenge, &mut Counter(0))
        .expect("fits");
    session
}

fn with_cnonce(
    session: &mut DigestSession,
    credentials: Credentials<'_>,
    method: &str,
    uri: &str,
    body: &[u8],
    cnonce: &str,
) -> String {
    let mut out = [0u8; MAX_AUTHORIZATION_LEN];
    let n = session
        .authorize_with_cnonce(&credentials, method, uri, body, cnonce, &mut out)
        .expect("authorized");
    String::from_utf8(out[..n].to_vec()).expect("UTF-8")
}

fn authorize(session: &mut DigestSession, method: &str, uri: &str) -> String {
    let mut out = [0u8; MAX_AUTHORIZATION_LEN];
    let n = session
        .authorize(
            &Credentials::new("alice", "secret"),
            method,
            uri,
            b"",
            &mut Counter(7),
            &mut out,
        )
        .expect("authorized");
    String::from_utf8(out[..n].to_vec()).expect("UTF-8")
}

/// The value of parameter `name` in a written `Authorization` value.
fn param<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=");
    let start = value.find(&key)? + key.len();
    let rest = &value[start..];
    Some(match rest.strip_prefix('"') {
        Some(quoted) => &quoted[..quoted.find('"')?],
        None => &rest[..rest.find(',').unwrap_or(rest.len())],
    })
}

// ---------------------------------------------------------------------------
// RFC 7616 §3.9.1

const MUFASA: Credentials<'static> = Credentials {
    username: "Mufasa",
    password: "Circle of Life",
};
const RFC7616_NONCE: &str = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
const RFC7616_CNONCE: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
const RFC7616_SHA256: &str = r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;
const RFC7616_MD5: &str = r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;

fn rfc7616_inputs(algorithm: Algorithm, qop: Qop) -> ResponseInputs<'static> {
    ResponseInputs {
        algorithm,
        qop: Some(qop),
        username: MUFASA.username,
        realm: "http-auth@example.org",
        password: MUFASA.password,
        method: "GET",
        uri: "/dir/index.html",
        nonce: RFC7616_NONCE,
        nc: 1,
        cnonce: RFC7616_CNONCE,
        body: b"",
    }
}

#[test]
fn rfc7616_sha256_full_header() {
    // The RFC sends SHA-256 first, then MD5: the first supported one wins.
    let mut session = session_for(&[RFC7616_SHA256, RFC7616_MD5]);
    assert_eq!(session.algorithm(), Algorithm::Sha256);
    assert_eq!(session.qop(), Some(Qop::Auth));
    let value = with_cnonce(
        &mut session,
        MUFASA,
        "GET",
        "/dir/index.html",
        b"",
        RFC7616_CNONCE,
    );
    // RFC 7616 §3.9.1, its line folds written as single spaces.
    assert_eq!(
        value,
        r#"Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#
    );
    assert_eq!(value.len(), 361);
}

#[test]
fn rfc7616_md5_full_header() {
    let mut session = session_for(&[RFC7616_MD5]);
    let value = with_cnonce(
        &mut session,
        MUFASA,
        "GET",
        "/dir/index.html",
        b"",
        RFC7616_CNONCE,
    );
    assert_eq!(
        value,
        r#"Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="8ca523f5e9506fed4657c9700eebdbec", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#
    );
    assert_eq!(
        compute_response(&rfc7616_inputs(Algorithm::Md5, Qop::Auth)).as_str(),
        "8ca523f5e9506fed4657c9700eebdbec"
    );
}

// ---------------------------------------------------------------------------
// RFC 7616 §3.9.2: SHA-512-256, charset=UTF-8, userhash (erratum 4897 values)

#[cfg(feature = "sha512-256")]
const JASON: Credentials<'static> = Credentials {
    username: "J\u{e4}s\u{f8}n Doe",
    password: "Secret, or not?",
};
#[cfg(feature = "sha512-256")]
const RFC7616_SHA512_256: &str = r#"Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", charset=UTF-8, userhash=true"#;
#[cfg(feature = "sha512-256")]
const JASON_CNONCE: &str = "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v";

#[test]
#[cfg(feature = "sha512-256")]
fn rfc7616_sha512_256_userhash_full_header() {
    let challenge = DigestChallenge::parse(RFC7616_SHA512_256).unwrap();
    assert!(challenge.userhash() && challenge.charset_utf8());
    let mut session = session_for(&[RFC7616_SHA512_256]);
    let value = with_cnonce(&mut session, JASON, "GET", "/doe.json", b"", JASON_CNONCE);
    assert_eq!(
        value,
        r#"Digest username="793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b", realm="api@example.org", uri="/doe.json", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", nc=00000001, cnonce="NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", qop=auth, response="3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", userhash=true"#
    );
}

#[test]
#[cfg(feature = "sha512-256")]
fn rfc7616_sha512_256_username_star_without_userhash() {
    // The RFC's alternative for clients that do not hash: username*, same response.
    let header = RFC7616_SHA512_256.replace(", userhash=true", "");
    let mut session = session_for(&[&header]);
    let value = with_cnonce(&mut session, JASON, "GET", "/doe.json", b"", JASON_CNONCE);
    assert!(
        value.starts_with(
            r#"Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm="api@example.org""#
        ),
        "{value}"
    );
    assert!(!value.contains("userhash"));
    assert_eq!(
        param(&value, "response"),
        Some("3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5")
    );
    // Without charset=UTF-8 the name goes out in quotes, as UTF-8.
    let header = header.replace(", charset=UTF-8", "");
    let mut session = session_for(&[&header]);
    let value = with_cnonce(&mut session, JASON, "GET", "/doe.json", b"", JASON_CNONCE);
    assert!(
        value.starts_with("Digest username=\"J\u{e4}s\u{f8}n Doe\", "),
        "{value}"
    );
    assert_eq!(
        param(&value, "response"),
        Some("3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5")
    );
}

// ---------------------------------------------------------------------------
// RFC 2617 §3.5 and RFC 2069 (erratum 749)

const RFC2617: &str = r#"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#;

#[test]
fn rfc2617_vector() {
    let mut session = session_for(&[RFC2617]);
    let value = with_cnonce(
        &mut session,
        Credentials::new("Mufasa", "Circle Of Life"),
        "GET",
        "/dir/index.html",
        b"",
        "0a4f113b",
    );
    // No algorithm in the challenge: none is sent back.
    assert_eq!(
        value,
        r#"Digest username="Mufasa", realm="testrealm@host.com", uri="/dir/index.html", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", nc=00000001, cnonce="0a4f113b", qop=auth, response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41""#
    );
}

#[test]
fn rfc2069_vector_without_qop() {
    let header = r#"Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#;
    let mut session = session_for(&[header]);
    assert_eq!(session.qop(), None);
    let mut out = [0u8; 512];
    let mut rng = Counter(0);
    let n = session
        .authorize(
            &Credentials::new("Mufasa", "CircleOfLife"),
            "GET",
            "/dir/index.html",
            b"",
            &mut rng,
            &mut out,
        )
        .unwrap();
    assert_eq!(
        std::str::from_utf8(&out[..n]).unwrap(),
        r#"Digest username="Mufasa", realm="testrealm@host.com", uri="/dir/index.html", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", response="1949323746fe6a43ef61f9606e7febea", opaque="5ccc069c403ebaf9f0171e9517f40e41""#
    );
    // No cnonce is drawn when none is sent.
    assert_eq!(rng.0, 0);
}

// ---------------------------------------------------------------------------
// digest-auth.md §2.4: -sess and auth-int (derived)

#[test]
fn sess_vectors() {
    for (algorithm, token, response) in [
        (
            Algorithm::Md5Sess,
            "MD5-sess",
            "e783283f46242139c486a698fec7211d",
        ),
        (
            Algorithm::Sha256Sess,
            "SHA-256-sess",
            "2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7",
        ),
    ] {
        assert_eq!(
            compute_response(&rfc7616_inputs(algorithm, Qop::Auth)).as_str(),
            response
        );
        let header = RFC7616_MD5.replace("algorithm=MD5", &format!("algorithm={token}"));
        let mut session = session_for(&[&header]);
        assert_eq!(session.algorithm(), algorithm);
        let value = with_cnonce(
            &mut session,
            MUFASA,
            "GET",
            "/dir/index.html",
            b"",
            RFC7616_CNONCE,
        );
        assert_eq!(param(&value, "response"), Some(response));
        assert_eq!(param(&value, "algorithm"), Some(token));
    }
}

#[test]
fn auth_int_vectors_with_an_empty_body() {
    for (algorithm, token, response) in [
        (Algorithm::Md5, "MD5", "8804a53d3640a40a4f73cea12c5ba451"),
        (
            Algorithm::Sha256,
            "SHA-256",
            "8bdf6f15638e260831e905028de5450562816d093c9bfc5c13d3a46adcdde940",
        ),
    ] {
        assert_eq!(
            compute_response(&rfc7616_inputs(algorithm, Qop::AuthInt)).as_str(),
            response
        );
        // auth-int is used only when it is the sole option.
        let header = RFC7616_MD5
            .replace("qop=\"auth, auth-int\"", "qop=\"auth-int\"")
            .replace("algorithm=MD5", &format!("algorithm={token}"));
        let mut session = session_for(&[&header]);
        assert_eq!(session.qop(), Some(Qop::AuthInt));
        let value = with_cnonce(
            &mut session,
            MUFASA,
            "GET",
            "/dir/index.html",
            b"",
            RFC7616_CNONCE,
        );
        assert_eq!(param(&value, "response"), Some(response));
        assert_eq!(param(&value, "qop"), Some("auth-int"));
        // The body is part of the hash.
        let other = with_cnonce(
            &mut session,
            MUFASA,
            "GET",
            "/dir/index.html",
            b"{}",
            RFC7616_CNONCE,
        );
        assert_ne!(param(&other, "response"), Some(response));
    }
}

// ---------------------------------------------------------------------------
// digest-auth.md §2.5: accepted by Apache 2.4.71

#[test]
fn apache_vectors() {
    let alice = Credentials::new("alice", "secret");
    let mut session = session_for(&[
        r#"Digest realm="partner", nonce="cCQIM85hBgA=2c1725d8d76fc65ebf58294420e825aefc2c91a4", algorithm=MD5, qop="auth""#,
    ]);
    let value = with_cnonce(
        &mut session,
        alice,
        "GET",
        "/api/hello?x=1&y=two",
        b"",
        "YzQ5MjliMjdjNDkyNzE2ODk2OTQ4NWMzZDlhZjI1ZWU=",
    );
    assert_eq!(param(&value, "uri"), Some("/api/hello?x=1&y=two"));
    assert_eq!(
        param(&value, "response"),
        Some("06de9ff978d218d0642e2e6bd5c9295c")
    );

    // The second request on a nonce sends nc=00000002.
    let mut session = session_for(&[
        r#"Digest realm="partner", nonce="FMGSNM5hBgA=06191882233a6409a40fffc6b8308d72a6a4ab21", algorithm=MD5, qop="auth""#,
    ]);
    with_cnonce(&mut session, alice, "GET", "/api/a", b"", "first");
    let value = with_cnonce(
        &mut session,
        alice,
        "GET",
        "/api/b?q=1",
        b"",
        "Y2QyYjkxOTU3OTE3MmJhMjhkNWM4ZDg1NjViNzIxNjQ=",
    );
    assert_eq!(param(&value, "nc"), Some("00000002"));
    assert_eq!(
        param(&value, "response"),
        Some("bdbc54599cbb91374a66b3b3a4b34e0a")
    );

    // The server's rspauth: the response formula with an empty method.
    let rspauth = compute_response(&ResponseInputs {
        algorithm: Algorithm::Md5,
        qop: Some(Qop::Auth),
        username: "alice",
        realm: "partner",
        password: "secret",
        method: "",
        uri: "/localonce/hi.txt",
        nonce: "AQAAAAAAAAA=a8da12ea6f11575e0617aca6c19afe4ae729f3a2",
        nc: 1,
        cnonce: "0a4f113b",
        body: b"",
    });
    assert_eq!(rspauth.as_str(), "72b6638dc4a51d7067489cf924bebca1");
}

// ---------------------------------------------------------------------------
// Parser pitfalls (digest-auth.md §2.5 shapes and §4)

fn parse(value: &str) -> Result<DigestChallenge<'_>, ChallengeError> {
    DigestChallenge::parse(value)
}

#[test]
fn qop_quoted_unquoted_and_listed() {
    for header in [
        r#"Digest realm="r", nonce="n", qop=auth"#,
        r#"Digest realm="r", nonce="n", qop="auth""#,
        r#"Digest realm="r", nonce="n", qop="auth, auth-int""#,
        r#"Digest realm="r", nonce="n", qop="auth-int,auth""#,
        r#"Digest realm="r", nonce="n", qop=" AUTH-INT ,	Auth ""#,
    ] {
        let c = parse(header).unwrap();
        assert_eq!(c.qop(), Some(Qop::Auth), "{header}");
    }
    // The single chosen token is hashed and sent, never the list.
    let mut session = session_for(&[r#"Digest realm="r", nonce="n", qop="auth, auth-int""#]);
    let value = authorize(&mut session, "GET", "/");
    assert_eq!(param(&value, "qop"), Some("auth"));
}

#[test]
fn first_supported_challenge_wins_across_lines_and_within_one() {
    let one_line = format!("{RFC7616_SHA256}, {RFC7616_MD5}");
    assert_eq!(parse(&one_line).unwrap().algorithm(), Algorithm::Sha256);
    let md5_first = format!("{RFC7616_MD5}, {RFC7616_SHA256}");
    assert_eq!(parse(&md5_first).unwrap().algorithm(), Algorithm::Md5);
    // Unknown algorithms are skipped, in the same line or an earlier one.
    let c = find_digest_challenge([
        r#"Digest realm="a", nonce="1", algorithm=SHA-1, qop=auth"#,
        r#"Digest realm="b", nonce="2", algorithm=UNKNOWN-sess, Digest realm="c", nonce="3", qop=auth"#,
    ])
    .unwrap();
    assert_eq!(c.realm(), "c");
    assert_eq!(c.algorithm(), Algorithm::Md5);
    assert_eq!(c.algorithm_token(), None);
    assert_eq!(
        parse(r#"Digest realm="a", nonce="1", algorithm=SHA-1"#),
        Err(ChallengeError::UnsupportedAlgorithm)
    );
}

#[test]
fn digest_among_other_schemes() {
    fn expected(c: DigestChallenge<'_>) {
        assert_eq!(c.realm(), "partner");
        assert_eq!(c.nonce(), "n1");
    }
    expected(parse(r#"Basic realm="partner", Digest realm="partner", nonce="n1""#).unwrap());
    expected(parse(r#"Negotiate, Bearer abc.def==, Digest realm="partner", nonce="n1""#).unwrap());
    expected(
        parse(r#"Newauth realm="apps", type=1, title="Login to \"apps\"", Digest realm="partner", nonce="n1""#)
            .unwrap(),
    );
    expected(
        find_digest_challenge([
            r#"Basic realm="partner""#,
            r#"Digest realm="partner", nonce="n1""#,
        ])
        .unwrap(),
    );
    expected(
        find_digest_challenge([r#"Digest realm="partner", nonce="n1""#, "Basic realm=\"x\""])
            .unwrap(),
    );
    assert_eq!(
        find_digest_challenge([r#"Basic realm="Digest""#, "Bearer"]),
        Err(ChallengeError::NoDigestChallenge)
    );
    assert_eq!(
        find_digest_challenge(std::iter::empty()),
        Err(ChallengeError::NoDigestChallenge)
    );
}

#[test]
fn a_realm_containing_digest_does_not_confuse() {
    let c =
        parse(r#"Digest realm="Digest realm=\"evil\", nonce=\"evil\"", nonce="good", qop=auth"#)
            .unwrap();
    assert_eq!(c.realm(), r#"Digest realm="evil", nonce="evil""#);
    assert_eq!(c.nonce(), "good");
    let c =
        parse(r#"Basic realm="Digest, Digest realm=x", Digest realm="Digest", nonce="n""#).unwrap();
    assert_eq!(c.realm(), "Digest");
    // IIS names its realm "Digest" and sends unquoted tokens, charset in lowercase.
    let c = parse(
        r#"Digest qop="auth",algorithm=MD5-sess,nonce="+Upgraded+v18bdb7daaaf885e3a7b1e39039d976e512ff3246a1b92d80155c15e4fbd5870ccb7ed388c9f44648e00a2a0b48703914b45344f6ad5d5544e",charset=utf-8,realm="Digest""#,
    )
    .unwrap();
    assert_eq!(c.realm(), "Digest");
    assert_eq!(c.algorithm(), Algorithm::Md5Sess);
    assert!(c.charset_utf8());
}

#[test]
fn empty_opaque_and_quoted_stale() {
    let c = parse(r#"Digest realm="r", nonce="n", opaque="", stale="FALSE""#).unwrap();
    assert_eq!(c.opaque().map(|o| o.is_empty()), Some(true));
    assert!(!c.stale());
    let mut session = session_for(&[r#"Digest realm="r", nonce="n", opaque="", qop=auth"#]);
    assert_eq!(session.opaque(), Some(""));
    let value = authorize(&mut session, "GET", "/");
    assert!(value.ends_with(r#", opaque="""#), "{value}");
    // No opaque in the challenge: none sent.
    let mut session = session_for(&[r#"Digest realm="r", nonce="n", qop=auth"#]);
    assert!(!authorize(&mut session, "GET", "/").contains("opaque"));
}

#[test]
fn escapes_are_undone_before_hashing() {
    let mut session = session_for(&[r#"Digest realm="DOMAIN\\host", nonce="n", qop=auth"#]);
    assert_eq!(session.realm(), r"DOMAIN\host");
    let value = with_cnonce(
        &mut session,
        Credentials::new("Mufasa", "pw"),
        "GET",
        "/",
        b"",
        "c",
    );
    assert!(value.contains(r#" realm="DOMAIN\\host", "#), "{value}");
    assert_eq!(
        param(&value, "response"),
        Some("ef9f29900bbaaa32a395f364bb135372")
    );
}

#[test]
fn names_and_keyword_values_ignore_case() {
    let c = parse(
        "digest REALM=\"r\", Nonce=\"n\", ALGORITHM=sha-256, QOP=AUTH, STALE=True, USERHASH=TRUE, CharSet=\"utf-8\"",
    )
    .unwrap();
    assert_eq!(c.algorithm(), Algorithm::Sha256);
    assert_eq!(c.algorithm_token(), Some("sha-256"));
    assert_eq!(c.qop(), Some(Qop::Auth));
    assert!(c.stale() && c.userhash() && c.charset_utf8());
    // The server's spelling is echoed.
    let mut session = session_for(&["DIGEST realm=\"r\", nonce=\"n\", algorithm=md5, qop=auth"]);
    assert_eq!(
        param(&authorize(&mut session, "GET", "/"), "algorithm"),
        Some("md5")
    );
}

#[test]
fn spacing_variants() {
    for header in [
        r#"Digest realm="x",qop="auth",nonce="1",opaque="o""#,
        "Digest  realm = \"x\" ,\tqop=auth ,nonce=1,, opaque=\"o\" ",
        "Digest\trealm=\"x\", qop=auth, nonce=1, opaque=o",
    ] {
        let c = parse(header).unwrap();
        assert!(c.realm() == "x" && c.nonce() == "1", "{header}");
        assert_eq!(c.opaque().map(|o| o == "o"), Some(true), "{header}");
    }
}

#[test]
fn missing_parts_and_garbage_are_typed_errors() {
    assert_eq!(
        parse(r#"Digest realm="r""#),
        Err(ChallengeError::MissingNonce)
    );
    assert_eq!(
        parse(r#"Digest nonce="n""#),
        Err(ChallengeError::MissingRealm)
    );
    assert_eq!(parse("Digest"), Err(ChallengeError::MissingRealm));
    assert_eq!(parse("Digest dGVzdA=="), Err(ChallengeError::Malformed));
    assert_eq!(
        parse(r#"Digest realm="r", nonce="n"#),
        Err(ChallengeError::Malformed)
    );
    assert_eq!(
        parse(r#"Digest realm="r" nonce="n""#),
        Err(ChallengeError::Malformed)
    );
    assert_eq!(
        parse("Digest realm=\"r\u{7}\", nonce=n"),
        Err(ChallengeError::Malformed)
    );
    assert_eq!(parse("@@@ \u{0} ==="), Err(ChallengeError::Malformed));
    assert_eq!(parse(""), Err(ChallengeError::NoDigestChallenge));
    assert_eq!(parse("Basic"), Err(ChallengeError::NoDigestChallenge));
    // A broken challenge does not hide a good one after it…
    let c = parse(r#"Digest realm="r" oops, Digest realm="ok", nonce="n""#).unwrap();
    assert_eq!(c.realm(), "ok");
    // …and when none is usable, the first Digest challenge's error is reported.
    assert_eq!(
        find_digest_challenge([
            r#"Digest realm="r""#,
            r#"Digest realm="r", nonce="n", algorithm=SHA-1"#,
            "garbage\"",
        ]),
        Err(ChallengeError::MissingNonce)
    );
}

#[test]
fn field_lines_form_one_list() {
    // RFC 9110 §5.3: two field lines mean the same as one comma-joined line.
    let c = find_digest_challenge([r#"Digest realm="r""#, r#"nonce="n", qop=auth"#]).unwrap();
    assert!(c.realm() == "r" && c.nonce() == "n");
    assert_eq!(c.qop(), Some(Qop::Auth));
}

// ---------------------------------------------------------------------------
// Session behaviour

#[test]
fn nc_counts_per_nonce_and_restarts() {
    let mut session = session_for(&[r#"Digest realm="r", nonce="one", qop=auth"#]);
    for expected in ["00000001", "00000002", "00000003"] {
        let value = authorize(&mut session, "GET", "/");
        assert_eq!(param(&value, "nc"), Some(expected));
    }
    assert_eq!(session.nonce_count(), 3);

    // A new challenge (stale or not) restarts at 1.
    let stale = parse(r#"Digest realm="r", nonce="two", qop=auth, stale=true"#).unwrap();
    assert!(stale.stale());
    session.accept_challenge(&stale, &mut Counter(0)).unwrap();
    let value = authorize(&mut session, "GET", "/");
    assert_eq!(
        (param(&value, "nc"), param(&value, "nonce")),
        (Some("00000001"), Some("two"))
    );
    authorize(&mut session, "GET", "/");

    // nextnonce restarts at 1 with the new nonce…
    session.accept_authentication_info(
        r#"rspauth="72b6", nextnonce="AgAAAAAAAAA=9358ac19", cnonce="0a4f113b", nc=00000001, qop=auth"#,
    );
    assert_eq!(session.nonce(), "AgAAAAAAAAA=9358ac19");
    let value = authorize(&mut session, "GET", "/");
    assert_eq!(param(&value, "nc"), Some("00000001"));
    assert_eq!(param(&value, "nonce"), Some("AgAAAAAAAAA=9358ac19"));

    // …but repeating the current nonce does not reset the count, and
    // anything else is ignored.
    session.accept_authentication_info(r#"nextnonce="AgAAAAAAAAA=9358ac19""#);
    session.accept_authentication_info(r#"rspauth="b18b", cnonce="x", nc=00000001, qop=auth"#);
    session.accept_authentication_info("\"garbage, nextnonce=");
    session.accept_authentication_info(r#"nextnonce="""#);
    let too_long = format!(r#"nextnonce="{}""#, "n".repeat(NONCE_CAPACITY + 1));
    session.accept_authentication_info(&too_long);
    assert_eq!(session.nonce(), "AgAAAAAAAAA=9358ac19");
    let value = authorize(&mut session, "GET", "/");
    assert_eq!(param(&value, "nc"), Some("00000002"));
}

#[test]
fn every_request_gets_a_fresh_cnonce_from_the_rng() {
    let mut session = session_for(&[r#"Digest realm="r", nonce="n", qop=auth"#]);
    let mut rng = Counter(0);
    let mut seen = Vec::new();
    for _ in 0..3 {
        let mut out = [0u8; 512];
        let n = session
            .authorize(
                &Credentials::new("u", "p"),
                "GET",
                "/",
                b"",
                &mut rng,
                &mut out,
            )
            .unwrap();
        let value = std::str::from_utf8(&out[..n]).unwrap().to_owned();
        let cnonce = param(&value, "cnonce").unwrap().to_owned();
        assert_eq!(cnonce.len(), 32);
        assert!(
            cnonce
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert!(!seen.contains(&cnonce));
        seen.push(cnonce);
    }
    assert_eq!(seen[0], "0102030405060708090a0b0c0d0e0f10");
}

#[test]
fn the_real_method_and_uri_of_each_request_are_hashed() {
    let mut session = session_for(&[r#"Digest realm="r", nonce="n", qop=auth"#]);
    let get = with_cnonce(
        &mut session,
        Credentials::new("u", "p"),
        "GET",
        "/a?x=1",
        b"",
        "c",
    );
    let patch = with_cnonce(
        &mut session,
        Credentials::new("u", "p"),
        "PATCH",
        "/a?x=1",
        b"",
        "c",
    );
    assert_eq!(param(&get, "uri"), Some("/a?x=1"));
    let expected = |method: &'static str, nc: u32| {
        compute_response(&ResponseInputs {
            algorithm: Algorithm::Md5,
            qop: Some(Qop::Auth),
            username: "u",
            realm: "r",
            password: "p",
            method,
            uri: "/a?x=1",
            nonce: "n",
            nc,
            cnonce: "c",
            body: b"",
        })
    };
    assert_eq!(param(&get, "response"), Some(expected("GET", 1).as_str()));
    assert_eq!(
        param(&patch, "response"),
        Some(expected("PATCH", 2).as_str())
    );
}

#[test]
fn a_short_buffer_is_an_error_and_does_not_count() {
    let mut session = session_for(&[RFC7616_SHA256]);
    let full = with_cnonce(
        &mut session,
        MUFASA,
        "GET",
        "/dir/index.html",
        b"",
        RFC7616_CNONCE,
    );
    assert_eq!(session.nonce_count(), 1);
    let mut out = [0u8; 361];
    for len in [0, 1, 100, 360] {
        assert_eq!(
            session.authorize_with_cnonce(
                &MUFASA,
                "GET",
                "/dir/index.html",
                b"",
                RFC7616_CNONCE,
                &mut out[..len]
            ),
            Err(DigestError::BufferTooSmall)
        );
    }
    assert_eq!(session.nonce_count(), 1);
    let n = session
        .authorize_with_cnonce(
            &MUFASA,
            "GET",
            "/dir/index.html",
            b"",
            RFC7616_CNONCE,
            &mut out,
        )
        .unwrap();
    assert_eq!(n, 361);
    assert_eq!(
        param(std::str::from_utf8(&out).unwrap(), "nc"),
        Some("00000002")
    );
    assert_eq!(full.len(), n);
}

#[test]
fn over_long_values_clear_the_session() {
    let mut session = session_for(&[RFC7616_SHA256]);
    let long_nonce = format!(
        r#"Digest realm="r", nonce="{}""#,
        "n".repeat(NONCE_CAPACITY + 1)
    );
    assert_eq!(
        session.accept_challenge(&parse(&long_nonce).unwrap(), &mut Counter(0)),
        Err(DigestError::TooLong {
            field: DigestField::Nonce
        })
    );
    assert!(!session.has_challenge());
    assert_eq!(
        (session.realm(), session.nonce(), session.opaque()),
        ("", "", None)
    );
    let mut out = [0u8; 64];
    assert_eq!(
        session.authorize(&MUFASA, "GET", "/", b"", &mut Counter(0), &mut out),
        Err(DigestError::NoChallenge)
    );

    let exact = format!(
        r#"Digest realm="r", nonce="{}""#,
        "n".repeat(NONCE_CAPACITY)
    );
    session
        .accept_challenge(&parse(&exact).unwrap(), &mut Counter(0))
        .unwrap();
    assert_eq!(session.nonce().len(), NONCE_CAPACITY);

    let long_opaque = format!(
        r#"Digest realm="r", nonce="n", opaque="{}""#,
        "o".repeat(OPAQUE_CAPACITY + 1)
    );
    assert_eq!(
        session.accept_challenge(&parse(&long_opaque).unwrap(), &mut Counter(0)),
        Err(DigestError::TooLong {
            field: DigestField::Opaque
        })
    );
    assert!(!session.has_challenge());
}

#[test]
fn clear_forgets_the_challenge() {
    let mut session = session_for(&[RFC7616_MD5]);
    assert!(session.has_challenge());
    session.clear();
    assert!(!session.has_challenge());
    assert_eq!(session.nonce_count(), 0);
}

#[test]
fn debug_output_never_shows_the_password() {
    let credentials = Credentials::new("Mufasa", "Circle of Life");
    let shown = format!("{credentials:?} {credentials:#?}");
    assert!(shown.contains("Mufasa") && !shown.contains("Circle"));

    let mut session = session_for(&[RFC7616_SHA256]);
    authorize(&mut session, "GET", "/");
    let shown = format!("{session:?} {session:#?}");
    assert!(
        !shown.contains("Circle") && !shown.contains("secret"),
        "{shown}"
    );
    assert!(!shown.contains(RFC7616_NONCE), "{shown}");

    let inputs = rfc7616_inputs(Algorithm::Md5, Qop::Auth);
    assert!(!format!("{inputs:?}").contains("Circle"));
}

// ---------------------------------------------------------------------------
// Properties

/// Header-ish text: the grammar's special characters, keywords and noise.
fn headerish() -> impl Strategy<Value = String> {
    let piece = proptest::sample::select(vec![
        "Digest",
        "Basic",
        " ",
        "\t",
        ",",
        "=",
        "\"",
        "\\",
        "realm",
        "nonce",
        "opaque",
        "qop",
        "auth",
        "auth-int",
        "algorithm",
        "MD5-sess",
        "SHA-256",
        "userhash=true",
        "charset=UTF-8",
        "nextnonce",
        "abc==",
        "é",
        "\u{1}",
        "\r\n",
    ]);
    prop::collection::vec(piece, 0..48).prop_map(|pieces| pieces.concat())
}

/// `value` as a quoted-string.
fn quote(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The qop parameter of a generated challenge: absent, a token, quoted, a list.
const QOP_PARAMS: [&str; 4] = [
    "",
    ", qop=auth",
    ", qop=\"auth-int\"",
    ", qop=\"auth, auth-int\"",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_input_panics_the_parser(
        any_text in any::<String>(),
        header in headerish(),
        out_len in 0usize..600,
    ) {
        for value in [any_text.as_str(), header.as_str(), &format!("Digest {any_text}")] {
            let mut session = DigestSession::new();
            if let Ok(challenge) = find_digest_challenge([value, header.as_str()])
                && session.accept_challenge(&challenge, &mut Counter(0)).is_ok()
            {
                let mut out = vec![0u8; out_len];
                let result =
                    session.authorize(&MUFASA, "GET", "/", b"", &mut Counter(0), &mut out);
                if let Ok(n) = result {
                    prop_assert!(n <= out_len);
                }
            }
            session.accept_authentication_info(value);
            session.accept_authentication_info(&header);
        }
    }

    #[test]
    fn every_written_value_parses_back(
        realm in "[ -~]{0,40}",
        nonce in "[ -~]{0,60}",
        opaque in proptest::option::of("[ -~]{0,40}"),
        algorithm in proptest::option::of(proptest::sample::select(Algorithm::ALL.to_vec())),
        qop in proptest::sample::select(QOP_PARAMS.to_vec()),
        userhash in any::<bool>(),
        charset in any::<bool>(),
        username in any::<String>(),
        uri in "[!-~]{1,60}",
        body in prop::collection::vec(any::<u8>(), 0..32),
        out_len in 0usize..1200,
    ) {
        let mut header = format!("Digest realm={}, nonce={}", quote(&realm), quote(&nonce));
        if let Some(opaque) = &opaque {
            header += &format!(", opaque={}", quote(opaque));
        }
        if let Some(algorithm) = algorithm {
            header += &format!(", algorithm={algorithm}");
        }
        header += qop;
        if userhash {
            header += ", userhash=true";
        }
        if charset {
            header += ", charset=UTF-8";
        }
        let challenge = match find_digest_challenge([header.as_str()]) {
            Err(ChallengeError::MissingQop) => {
                prop_assert!(algorithm.is_some_and(Algorithm::is_sess) && qop.is_empty());
                return Ok(());
            }
            other => other.expect("a well-formed challenge"),
        };
        prop_assert_eq!(challenge.realm(), realm.as_str());
        let mut session = DigestSession::new();
        session.accept_challenge(&challenge, &mut Counter(0)).expect("short values fit");

        let mut out = vec![0u8; out_len];
        let credentials = Credentials::new(&username, "pw");
        let bound = max_authorization_len(username.len(), uri.len());
        match session.authorize(&credentials, "PUT", &uri, &body, &mut Counter(9), &mut out) {
            Ok(n) => {
                prop_assert!(n <= out_len && n <= bound);
                let written = std::str::from_utf8(&out[..n]).expect("UTF-8");
                prop_assert!(!written.contains(['\r', '\n']));
                let back = DigestChallenge::parse(written).expect("parses back");
                prop_assert_eq!(back.realm(), realm.as_str());
                prop_assert_eq!(back.nonce(), nonce.as_str());
                prop_assert_eq!(back.opaque().map(|o| o.to_string()), opaque.clone());
                prop_assert_eq!(back.algorithm(), algorithm.unwrap_or(Algorithm::Md5));
                prop_assert_eq!(back.qop(), session.qop());
                prop_assert_eq!(written.contains(" nc="), session.qop().is_some());
                prop_assert_eq!(back.userhash(), userhash);
            }
            Err(DigestError::BufferTooSmall) => prop_assert!(out_len < bound),
            Err(DigestError::Invalid { field: DigestField::Uri }) => {
                prop_assert!(uri.contains(['"', '\\']));
            }
            Err(DigestError::Invalid { field: DigestField::Username }) => {
                prop_assert!(username.bytes().any(|b| b.is_ascii_control()));
            }
            Err(e) => prop_assert!(false, "unexpected {e:?}"),
        }
    }
}
