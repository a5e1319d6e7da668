//! The `WWW-Authenticate` parser and the digest session behind it.
//!
//! Input: up to seven parts separated by `0xFF` (a byte UTF-8 never holds;
//! each part is read as UTF-8 with invalid sequences replaced): the header
//! values, one per line (split on LF only, so a CR stays inside a value),
//! then username, password, method, request-target, body and an
//! `Authentication-Info` value. Absent parts take the client's usual values,
//! so a bare header value is a readable seed.
//!
//! Checked, besides "never panics":
//! - `find_digest_challenge` → `DigestSession::accept_challenge`: either the
//!   session holds exactly the unescaped realm, nonce and opaque, or it
//!   refuses one of them as too long and holds nothing;
//! - `authorize` into a small buffer: `Ok` within it or `BufferTooSmall`,
//!   and `nc` advances only on `Ok`; into a buffer of
//!   `max_authorization_len(username, uri)` (at least `MAX_AUTHORIZATION_LEN`)
//!   it succeeds whenever method, uri and username are sendable, and stays
//!   within that bound;
//! - the value is UTF-8 without CR, LF or any ASCII control but HTAB (no
//!   header injection), ASCII unless a non-ASCII username goes out in quotes or the
//!   challenge's realm, nonce or opaque was not ASCII;
//! - a server's view: the value parses as `Digest` auth-params, each name
//!   once; realm, nonce, opaque, uri, algorithm, qop, nc and the username
//!   (plain, `username*` or userhash) say what the session holds; and the
//!   `response` recomputed here from those parameters with independent
//!   MD5/SHA-256/SHA-512/256 code and the password equals the one sent.
//! - after `accept_authentication_info`, the same holds for the next value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use md5::{Digest, Md5};
use minted_connect_core::auth::{
    Algorithm, CnonceSource, Credentials, DigestChallenge, DigestError, DigestField, DigestSession,
    MAX_AUTHORIZATION_LEN, Qop, find_digest_challenge, max_authorization_len,
};
use sha2::{Sha256, Sha512_256};

/// A counting cnonce source: deterministic, different on every call.
struct Counter(u8);

impl CnonceSource for Counter {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for b in dest {
            self.0 = self.0.wrapping_add(37);
            *b = self.0;
        }
    }
}

fn tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// H(data) in lowercase hex, written independently of the core.
fn h(algorithm: Algorithm, data: &[u8]) -> String {
    let bytes: Vec<u8> = match algorithm {
        Algorithm::Md5 | Algorithm::Md5Sess => Md5::digest(data).to_vec(),
        Algorithm::Sha256 | Algorithm::Sha256Sess => Sha256::digest(data).to_vec(),
        Algorithm::Sha512_256 | Algorithm::Sha512_256Sess => Sha512_256::digest(data).to_vec(),
    };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The auth-params of an `Authorization` value, read as a server would.
fn server_params(value: &str) -> Vec<(String, String)> {
    let mut rest = value
        .strip_prefix("Digest ")
        .expect("starts with `Digest `");
    let mut params: Vec<(String, String)> = Vec::new();
    loop {
        let eq = rest.find('=').expect("name=value");
        let name = &rest[..eq];
        assert!(
            !name.is_empty() && name.bytes().all(tchar),
            "bad param name {name:?}"
        );
        rest = &rest[eq + 1..];
        let mut text = String::new();
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut chars = quoted.char_indices();
            let end = loop {
                match chars.next().expect("unterminated quoted-string") {
                    (_, '\\') => text.push(chars.next().expect("escape at the end").1),
                    (at, '"') => break at,
                    (_, c) => text.push(c),
                }
            };
            rest = &quoted[end + 1..];
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            text.push_str(&rest[..end]);
            assert!(
                !text.is_empty() && text.bytes().all(tchar),
                "bad token {text:?}"
            );
            rest = &rest[end..];
        }
        assert!(params.iter().all(|(n, _)| n != name), "{name} twice");
        params.push((name.to_owned(), text));
        if rest.is_empty() {
            return params;
        }
        rest = rest.strip_prefix(", ").expect("params joined by `, `");
    }
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("%XX"));
            i += 3;
        } else {
            assert!(
                tchar(bytes[i]) && bytes[i] != b'%',
                "unencoded {:?}",
                bytes[i] as char
            );
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

struct Request<'a> {
    username: &'a str,
    password: &'a str,
    method: &'a str,
    uri: &'a str,
    body: &'a [u8],
}

/// Checks one `Authorization` value the way the server would verify it.
fn verify(
    value: &[u8],
    session: &DigestSession,
    challenge: &DigestChallenge<'_>,
    req: &Request<'_>,
) {
    let text = std::str::from_utf8(value).expect("the value is UTF-8");
    // Header-safe bytes: no CR, LF, NUL or other ASCII control but HTAB.
    // (Unicode C1 controls such as U+0085 are obs-text bytes on the wire
    // and can come only from the challenge; see the ASCII check below.)
    assert!(
        !value.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7F),
        "control character in {text:?}"
    );
    let params = server_params(text);
    let get = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };

    let algorithm = session.algorithm();
    assert_eq!(get("algorithm"), challenge.algorithm_token());
    if let Some(token) = get("algorithm") {
        assert_eq!(Algorithm::from_token(token), Some(algorithm));
    }
    let realm = get("realm").expect("realm");
    assert_eq!(realm, session.realm());
    let nonce = get("nonce").expect("nonce");
    assert_eq!(nonce, session.nonce());
    assert_eq!(get("opaque"), session.opaque());
    assert_eq!(get("uri"), Some(req.uri));

    // The username, in whichever form it went.
    let non_ascii_quoted = if challenge.userhash() {
        assert_eq!(get("userhash"), Some("true"));
        let sent = get("username").expect("hashed username");
        assert_eq!(
            sent,
            h(algorithm, format!("{}:{realm}", req.username).as_bytes())
        );
        false
    } else if let Some(ext) = get("username*") {
        assert!(get("username").is_none(), "username and username*");
        assert!(challenge.charset_utf8() && !req.username.is_ascii());
        let encoded = ext.strip_prefix("UTF-8''").expect("UTF-8'' prefix");
        assert_eq!(percent_decode(encoded), req.username.as_bytes());
        false
    } else {
        assert_eq!(get("username"), Some(req.username));
        assert_eq!(get("userhash"), None);
        !req.username.is_ascii()
    };
    // The docs say ASCII unless a non-ASCII username goes out in quotes;
    // a challenge whose quoted realm, nonce or opaque holds obs-text (bytes
    // 0x80–0xFF, allowed by RFC 9110) is echoed as is, so that is the other
    // way to non-ASCII (reported; see README).
    let echoed_non_ascii =
        !realm.is_ascii() || !nonce.is_ascii() || get("opaque").is_some_and(|o| !o.is_ascii());
    if !text.is_ascii() {
        assert!(
            non_ascii_quoted || echoed_non_ascii,
            "non-ASCII value: {text:?}"
        );
    }

    // The response, recomputed from what was sent.
    let qop = session.qop();
    assert_eq!(get("qop"), qop.map(Qop::as_str));
    let mut a1 = h(
        algorithm,
        format!("{}:{realm}:{}", req.username, req.password).as_bytes(),
    );
    let a2 = match qop {
        Some(Qop::AuthInt) => format!("{}:{}:{}", req.method, req.uri, h(algorithm, req.body)),
        _ => format!("{}:{}", req.method, req.uri),
    };
    let ha2 = h(algorithm, a2.as_bytes());
    let expected = match qop {
        Some(qop) => {
            let nc = get("nc").expect("nc");
            assert_eq!(nc, format!("{:08x}", session.nonce_count()));
            let cnonce = get("cnonce").expect("cnonce");
            assert!(!cnonce.is_empty() && !cnonce.contains([':', '"', '\\']));
            if algorithm.is_sess() {
                a1 = h(algorithm, format!("{a1}:{nonce}:{cnonce}").as_bytes());
            }
            h(
                algorithm,
                format!("{a1}:{nonce}:{nc}:{cnonce}:{}:{ha2}", qop.as_str()).as_bytes(),
            )
        }
        None => {
            assert!(get("nc").is_none() && get("cnonce").is_none());
            h(algorithm, format!("{a1}:{nonce}:{ha2}").as_bytes())
        }
    };
    assert_eq!(get("response"), Some(expected.as_str()), "{text}");
}

/// `authorize` into a small and a large buffer, checking both.
fn authorize_twice(
    session: &mut DigestSession,
    challenge: &DigestChallenge<'_>,
    req: &Request<'_>,
    small_len: usize,
    rng: &mut Counter,
) {
    let credentials = Credentials::new(req.username, req.password);
    let sendable = !req.method.is_empty()
        && req.method.bytes().all(tchar)
        && !req.uri.is_empty()
        && req
            .uri
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
        && (challenge.userhash()
            || (challenge.charset_utf8() && !req.username.is_ascii())
            || !req.username.bytes().any(|b| b.is_ascii_control()));

    let mut small = vec![0u8; small_len];
    let before = session.nonce_count();
    match session.authorize(&credentials, req.method, req.uri, req.body, rng, &mut small) {
        Ok(len) => {
            assert!(len <= small_len);
            assert_eq!(session.nonce_count(), before + 1);
            verify(&small[..len], session, challenge, req);
        }
        Err(DigestError::BufferTooSmall) => assert_eq!(session.nonce_count(), before),
        Err(DigestError::Invalid { field }) => {
            assert!(!sendable, "{field:?} refused");
            assert!(matches!(
                field,
                DigestField::Method | DigestField::Uri | DigestField::Username
            ));
            assert_eq!(session.nonce_count(), before);
        }
        Err(other) => panic!("small buffer: {other:?}"),
    }

    let bound = max_authorization_len(req.username.len(), req.uri.len());
    let mut large = vec![0u8; bound.max(MAX_AUTHORIZATION_LEN)];
    let before = session.nonce_count();
    match session.authorize(&credentials, req.method, req.uri, req.body, rng, &mut large) {
        Ok(len) => {
            assert!(sendable, "sent despite unsendable input");
            assert!(len <= bound, "{len} over the documented bound {bound}");
            assert_eq!(session.nonce_count(), before + 1);
            verify(&large[..len], session, challenge, req);
        }
        Err(error) => {
            assert!(!sendable, "large buffer: {error:?}");
            assert!(matches!(error, DigestError::Invalid { .. }), "{error:?}");
            assert_eq!(session.nonce_count(), before);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let parts: Vec<String> = data
        .split(|b| *b == 0xFF)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect();
    let part = |i: usize, default: &'static str| parts.get(i).map_or(default, String::as_str);
    let lines: Vec<&str> = part(0, "").split('\n').collect();
    let req = Request {
        username: part(1, "alice"),
        password: part(2, "secret"),
        method: part(3, "PATCH"),
        uri: part(4, "/partner/customer/MTD0018232"),
        body: part(5, "{\"firstname\":\"Mehmet\"}").as_bytes(),
    };
    let small_len = data.len().wrapping_mul(7) % 600;

    for line in &lines {
        let _ = DigestChallenge::parse(line);
    }
    let challenge = match find_digest_challenge(lines.iter().copied()) {
        Ok(challenge) => challenge,
        Err(error) => {
            let _ = format!("{error} {error:?}");
            return;
        }
    };

    let mut rng = Counter(data.first().copied().unwrap_or(0));
    let mut session = DigestSession::new();
    if let Err(error) = session.accept_challenge(&challenge, &mut rng) {
        assert!(
            matches!(
                error,
                DigestError::TooLong {
                    field: DigestField::Realm | DigestField::Nonce | DigestField::Opaque
                }
            ),
            "{error:?}"
        );
        assert!(!session.has_challenge());
        return;
    }
    assert!(session.has_challenge());
    assert_eq!(
        session.realm(),
        challenge.realm().unescaped().collect::<String>()
    );
    assert_eq!(
        session.nonce(),
        challenge.nonce().unescaped().collect::<String>()
    );
    assert_eq!(
        session.opaque().map(str::to_owned),
        challenge
            .opaque()
            .map(|o| o.unescaped().collect::<String>())
    );
    assert_eq!(session.algorithm(), challenge.algorithm());
    assert_eq!(session.qop(), challenge.qop());
    assert_eq!(session.nonce_count(), 0);

    authorize_twice(&mut session, &challenge, &req, small_len, &mut rng);

    if let Some(info) = parts.get(6) {
        session.accept_authentication_info(info);
        assert!(session.has_challenge());
        assert_eq!(
            session.realm(),
            challenge.realm().unescaped().collect::<String>()
        );
        authorize_twice(&mut session, &challenge, &req, small_len, &mut rng);
    }
});
