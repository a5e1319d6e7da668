//! The RFC 7616 §3.4 formulas: H(A1), H(A2), `response` and `userhash`.
//!
//! ```text
//! A1       = username ":" realm ":" password                       (plain)
//! A1       = H(username ":" realm ":" password) ":" nonce ":" cnonce   (-sess)
//! A2       = method ":" uri                       (auth, or no qop)
//! A2       = method ":" uri ":" H(body)           (auth-int)
//! response = H( H(A1) ":" nonce ":" nc ":" cnonce ":" qop ":" H(A2) )
//! response = H( H(A1) ":" nonce ":" H(A2) )         (no qop: RFC 2069)
//! userhash = H( username ":" realm )
//! ```
//! Every value is the unescaped text; A1 always uses the plain username, even
//! when `userhash` hides it on the wire (RFC 7616 §3.9.2, curl PR #8066).

use core::fmt;

use super::algorithm::{Algorithm, HexDigest, Qop, lower_hex};
use super::credentials::Redacted;

/// Everything one `response` depends on, for [`compute_response`].
///
/// `Debug` never shows the password.
#[derive(Clone, Copy)]
pub struct ResponseInputs<'a> {
    /// The challenge's algorithm.
    pub algorithm: Algorithm,
    /// The qop sent, or `None` for the RFC 2069 formula (then `nc` and
    /// `cnonce` are ignored, except that a `-sess` A1 still uses `cnonce`).
    pub qop: Option<Qop>,
    /// The plain username.
    pub username: &'a str,
    /// The unescaped realm.
    pub realm: &'a str,
    /// The password.
    pub password: &'a str,
    /// The request method, as sent. Empty for the server's `rspauth`
    /// (RFC 7616 §3.5: A2 = `":" uri`).
    pub method: &'a str,
    /// The request-target, as sent (query included).
    pub uri: &'a str,
    /// The unescaped nonce.
    pub nonce: &'a str,
    /// The nonce count, written as 8 lowercase hex digits.
    pub nc: u32,
    /// The client nonce.
    pub cnonce: &'a str,
    /// The request body; hashed only for `auth-int`.
    pub body: &'a [u8],
}

impl fmt::Debug for ResponseInputs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseInputs")
            .field("algorithm", &self.algorithm)
            .field("qop", &self.qop)
            .field("username", &self.username)
            .field("realm", &self.realm)
            .field("password", &Redacted)
            .field("method", &self.method)
            .field("uri", &self.uri)
            .field("nonce", &self.nonce)
            .field("nc", &self.nc)
            .field("cnonce", &self.cnonce)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// The `response` value for `inputs`: a pure function, for tests and for
/// callers that assemble `Authorization` themselves.
///
/// ```
/// use minted_connect_core::auth::{compute_response, Algorithm, Qop, ResponseInputs};
/// // RFC 7616 §3.9.1, SHA-256.
/// let response = compute_response(&ResponseInputs {
///     algorithm: Algorithm::Sha256,
///     qop: Some(Qop::Auth),
///     username: "Mufasa",
///     realm: "http-auth@example.org",
///     password: "Circle of Life",
///     method: "GET",
///     uri: "/dir/index.html",
///     nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
///     nc: 1,
///     cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
///     body: b"",
/// });
/// assert_eq!(response.as_str(), "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
/// ```
pub fn compute_response(inputs: &ResponseInputs<'_>) -> HexDigest {
    let ha1 = ha1(inputs);
    let ha2 = ha2(inputs);
    let mut h = inputs.algorithm.hasher();
    h.update_all(&[ha1.as_bytes(), b":", inputs.nonce.as_bytes(), b":"]);
    if let Some(qop) = inputs.qop {
        h.update_all(&[
            &nc_text(inputs.nc),
            b":",
            inputs.cnonce.as_bytes(),
            b":",
            qop.as_str().as_bytes(),
            b":",
        ]);
    }
    h.update(ha2.as_bytes());
    h.finish()
}

/// The `userhash` form of a username: H(username ":" realm), in hex.
///
/// ```
/// use minted_connect_core::auth::{userhash, Algorithm};
/// // H("Mufasa:http-auth@example.org") with SHA-256.
/// assert_eq!(userhash(Algorithm::Sha256, "Mufasa", "http-auth@example.org").as_str().len(), 64);
/// # #[cfg(feature = "sha512-256")]
/// // RFC 7616 §3.9.2 with real SHA-512/256 (erratum 4897).
/// assert_eq!(
///     userhash(Algorithm::Sha512_256, "J\u{e4}s\u{f8}n Doe", "api@example.org").as_str(),
///     "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b"
/// );
/// ```
pub fn userhash(algorithm: Algorithm, username: &str, realm: &str) -> HexDigest {
    let mut h = algorithm.hasher();
    h.update_all(&[username.as_bytes(), b":", realm.as_bytes()]);
    h.finish()
}

/// H(A1): a password equivalent, never shown or returned publicly.
fn ha1(inputs: &ResponseInputs<'_>) -> HexDigest {
    let mut h = inputs.algorithm.hasher();
    h.update_all(&[
        inputs.username.as_bytes(),
        b":",
        inputs.realm.as_bytes(),
        b":",
        inputs.password.as_bytes(),
    ]);
    let plain = h.finish();
    if !inputs.algorithm.is_sess() {
        return plain;
    }
    let mut h = inputs.algorithm.hasher();
    h.update_all(&[
        plain.as_bytes(),
        b":",
        inputs.nonce.as_bytes(),
        b":",
        inputs.cnonce.as_bytes(),
    ]);
    h.finish()
}

/// H(A2).
fn ha2(inputs: &ResponseInputs<'_>) -> HexDigest {
    let mut h = inputs.algorithm.hasher();
    h.update_all(&[inputs.method.as_bytes(), b":", inputs.uri.as_bytes()]);
    if inputs.qop == Some(Qop::AuthInt) {
        let mut body = inputs.algorithm.hasher();
        body.update(inputs.body);
        h.update_all(&[b":", body.finish().as_bytes()]);
    }
    h.finish()
}

/// `nc` as sent: 8 lowercase hex digits (`%08x`).
pub(crate) fn nc_text(nc: u32) -> [u8; 8] {
    let mut out = [0u8; 8];
    lower_hex(&nc.to_be_bytes(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC7616: ResponseInputs<'static> = ResponseInputs {
        algorithm: Algorithm::Md5,
        qop: Some(Qop::Auth),
        username: "Mufasa",
        realm: "http-auth@example.org",
        password: "Circle of Life",
        method: "GET",
        uri: "/dir/index.html",
        nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
        nc: 1,
        cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
        body: b"",
    };

    fn with(algorithm: Algorithm, qop: Option<Qop>) -> ResponseInputs<'static> {
        ResponseInputs {
            algorithm,
            qop,
            ..RFC7616
        }
    }

    #[test]
    fn derived_ha1_and_ha2_of_rfc7616_3_9_1() {
        let md5 = with(Algorithm::Md5, Some(Qop::Auth));
        assert_eq!(ha1(&md5).as_str(), "3d78807defe7de2157e2b0b6573a855f");
        assert_eq!(ha2(&md5).as_str(), "39aff3a2bab6126f332b942af96d3366");
        let sha = with(Algorithm::Sha256, Some(Qop::Auth));
        assert_eq!(
            ha1(&sha).as_str(),
            "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232"
        );
        assert_eq!(
            ha2(&sha).as_str(),
            "9a3fdae9a622fe8de177c24fa9c070f2b181ec85e15dcbdc32e10c82ad450b04"
        );
    }

    #[test]
    fn derived_sess_and_auth_int_values() {
        assert_eq!(
            ha1(&with(Algorithm::Md5Sess, Some(Qop::Auth))).as_str(),
            "2b3d906f52651c3136e1502b3d6f38ee"
        );
        assert_eq!(
            ha1(&with(Algorithm::Sha256Sess, Some(Qop::Auth))).as_str(),
            "bca21f4c7d7e8bf70d96361085370c7d219947abc1b8cd628f710917b89bed5b"
        );
        assert_eq!(
            ha2(&with(Algorithm::Md5, Some(Qop::AuthInt))).as_str(),
            "76b926065592515b4fc702c0da67b40f"
        );
        assert_eq!(
            ha2(&with(Algorithm::Sha256, Some(Qop::AuthInt))).as_str(),
            "e55d48abdc6cb0f1b9fea25a08d4508fc5117157c00a35877bd1b4c2e962ca9e"
        );
    }

    #[test]
    fn rspauth_is_the_response_with_an_empty_method() {
        let md5 = ResponseInputs {
            method: "",
            ..RFC7616
        };
        assert_eq!(
            compute_response(&md5).as_str(),
            "9b712497bc9f91499fbcca1dfc5f09a5"
        );
        let sha = ResponseInputs {
            algorithm: Algorithm::Sha256,
            ..md5
        };
        assert_eq!(
            compute_response(&sha).as_str(),
            "86d3b25618d41854ca5039a5d7e53ff6355d5134a9b1fb088a78ac3c462195a0"
        );
    }

    #[test]
    fn apache_h_a1() {
        let inputs = ResponseInputs {
            username: "alice",
            realm: "partner",
            password: "secret",
            ..RFC7616
        };
        assert_eq!(ha1(&inputs).as_str(), "48ef835ddb12421814991b899461b579");
    }

    #[test]
    #[cfg(feature = "sha512-256")]
    fn sha512_256_ha1_uses_the_plain_username() {
        let inputs = ResponseInputs {
            algorithm: Algorithm::Sha512_256,
            username: "J\u{e4}s\u{f8}n Doe",
            realm: "api@example.org",
            password: "Secret, or not?",
            ..RFC7616
        };
        assert_eq!(
            ha1(&inputs).as_str(),
            "2d3d9f12c9f3d30011259dc5fecee005ae24de40e3e1f61806d03e65f1e6024f"
        );
    }

    #[test]
    fn nc_is_eight_lowercase_hex_digits() {
        assert_eq!(&nc_text(1), b"00000001");
        assert_eq!(&nc_text(0xabc), b"00000abc");
        assert_eq!(&nc_text(u32::MAX), b"ffffffff");
    }

    #[test]
    fn debug_hides_the_password() {
        extern crate std;
        let shown = std::format!("{RFC7616:?}");
        assert!(!shown.contains("Circle"));
        assert!(shown.contains("<redacted>"));
    }
}
