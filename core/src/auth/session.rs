//! The digest state a client keeps between requests, so that every request
//! after the first challenge is authenticated pre-emptively.
//!
//! The session stores the accepted challenge (realm, nonce, opaque,
//! algorithm, chosen qop, userhash, charset) and the nonce count; never the
//! credentials, which are lent to each [`DigestSession::authorize`] call.
//! Retry policy (when to resend after a 401, how often) belongs to the
//! caller; see [`DigestChallenge::stale`].

use core::fmt;

use heapless::String;
use heapless::string::StringView;

use super::algorithm::{Algorithm, Qop, lower_hex};
use super::challenge::DigestChallenge;
use super::compute::{ResponseInputs, compute_response, nc_text, userhash};
use super::credentials::{CnonceSource, Credentials};
use super::error::{DigestError, DigestField};
use super::header::{AuthorizationParts, Username, escaped_len, write_authorization};
use super::limits::{
    ALGORITHM_TOKEN_CAPACITY, CNONCE_LEN, MAX_CNONCE_LEN, NONCE_CAPACITY, OPAQUE_CAPACITY,
    REALM_CAPACITY,
};
use super::params::{Item, Items, ParamValue, is_tchar};

/// Digest state for one protection space: the last challenge and its nonce count.
///
/// Fixed size (624 bytes on 64-bit targets, see the [capacities](super#capacities)), no
/// lifetimes: keep one per server and credentials, across operations. Call
/// [`clear`](Self::clear) when the origin or the credentials change.
///
/// * `nc` counts the requests sent with the current nonce: the first
///   [`authorize`](Self::authorize) after [`accept_challenge`](Self::accept_challenge)
///   or a new `nextnonce` sends `00000001`, then `00000002`…
/// * The cnonce is fresh from the caller's [`CnonceSource`] for every request,
///   except with a `-sess` algorithm: there one cnonce is drawn per challenge
///   and kept, so the session key H(A1) stays the one of the first request
///   (RFC 7616 §3.4.2) while the nonce stays. A `nextnonce` re-keys: H(A1)
///   is computed from the current nonce, which is what a server that
///   recomputes it expects; a server that caches the first key across a
///   `nextnonce` would refuse the next request, and the call answers its
///   challenge once (a stale or rotated nonce costs one round trip).
/// * `Debug` and `defmt` show only realm, algorithm, qop, userhash and nc.
#[derive(Clone)]
pub struct DigestSession {
    realm: String<REALM_CAPACITY>,
    nonce: String<NONCE_CAPACITY>,
    opaque: Option<String<OPAQUE_CAPACITY>>,
    algorithm: Algorithm,
    algorithm_token: Option<String<ALGORITHM_TOKEN_CAPACITY>>,
    qop: Option<Qop>,
    userhash: bool,
    charset_utf8: bool,
    nc: u32,
    sess_cnonce: [u8; CNONCE_LEN],
    active: bool,
}

impl DigestSession {
    /// A session without a challenge.
    pub const fn new() -> Self {
        Self {
            realm: String::new(),
            nonce: String::new(),
            opaque: None,
            algorithm: Algorithm::Md5,
            algorithm_token: None,
            qop: None,
            userhash: false,
            charset_utf8: false,
            nc: 0,
            sess_cnonce: [b'0'; CNONCE_LEN],
            active: false,
        }
    }

    /// Whether a challenge is held, i.e. whether [`authorize`](Self::authorize)
    /// can answer pre-emptively.
    pub const fn has_challenge(&self) -> bool {
        self.active
    }

    /// Forgets the challenge; the next request goes out unauthenticated.
    pub fn clear(&mut self) {
        *self = Self::new();
    }

    /// Takes `challenge` (from a 401), replacing any earlier one; the next
    /// [`authorize`](Self::authorize) sends `nc=00000001`.
    ///
    /// Realm, nonce and opaque are unescaped into the session. A value longer
    /// than its capacity gives [`DigestError::TooLong`] naming it, and leaves
    /// the session cleared. `rng` is used only for a `-sess` algorithm.
    pub fn accept_challenge(
        &mut self,
        challenge: &DigestChallenge<'_>,
        rng: &mut dyn CnonceSource,
    ) -> Result<(), DigestError> {
        self.clear();
        if let Err(e) = self.store(challenge) {
            self.clear();
            return Err(e);
        }
        if self.algorithm.is_sess() {
            self.sess_cnonce = fresh_cnonce(rng);
        }
        self.active = true;
        Ok(())
    }

    fn store(&mut self, challenge: &DigestChallenge<'_>) -> Result<(), DigestError> {
        copy_into(
            self.realm.as_mut_view(),
            challenge.realm(),
            DigestField::Realm,
        )?;
        copy_into(
            self.nonce.as_mut_view(),
            challenge.nonce(),
            DigestField::Nonce,
        )?;
        if let Some(value) = challenge.opaque() {
            let mut opaque = String::new();
            copy_into(opaque.as_mut_view(), value, DigestField::Opaque)?;
            self.opaque = Some(opaque);
        }
        // A known token, so it always fits ALGORITHM_TOKEN_CAPACITY.
        self.algorithm_token = challenge
            .algorithm_token()
            .and_then(|token| String::try_from(token).ok());
        self.algorithm = challenge.algorithm();
        self.qop = challenge.qop();
        self.userhash = challenge.userhash();
        self.charset_utf8 = challenge.charset_utf8();
        self.nc = 0;
        Ok(())
    }

    /// Reads an `Authentication-Info` value (RFC 7615) and follows its
    /// `nextnonce`: later requests use the new nonce, `nc` restarting at 1.
    ///
    /// Everything else (`rspauth`, `qop`, `cnonce`, `nc`) is ignored;
    /// `rspauth` is not verified, since proxies drop the header anyway. A
    /// `nextnonce` equal to the current nonce keeps the count going; an
    /// empty or over-long one, garbage, or a call without a challenge change
    /// nothing.
    pub fn accept_authentication_info(&mut self, value: &str) {
        if !self.active {
            return;
        }
        let next = Items::new(value).find_map(|item| match item {
            Ok(Item::Param(name, value)) if name.eq_ignore_ascii_case("nextnonce") => Some(value),
            _ => None,
        });
        let Some(next) = next else { return };
        if next.is_empty() || next == self.nonce.as_str() {
            return;
        }
        if copy_into(self.nonce.as_mut_view(), next, DigestField::Nonce).is_ok() {
            self.nc = 0;
        }
    }

    /// Writes the `Authorization` header **value** (`Digest username="…", …`)
    /// for one request into `out`; returns its length.
    ///
    /// `method` and `uri` are exactly what the request line carries (the
    /// query string included); `body` is hashed only under `auth-int`. The
    /// nonce count advances only when the value was written. `out[..len]` is
    /// UTF-8 without control characters; it is ASCII unless a non-ASCII
    /// username goes out in quotes to a server without `charset=UTF-8`, or
    /// the challenge's realm, nonce or opaque held non-ASCII text (RFC 9110
    /// allows it in quoted strings; it is echoed as received, and an HTTP
    /// client that only sends visible ASCII will refuse the header). [`MAX_AUTHORIZATION_LEN`](super::MAX_AUTHORIZATION_LEN)
    /// bytes suffice within its assumptions; a shorter `out` may give
    /// [`DigestError::BufferTooSmall`].
    ///
    /// ```
    /// use minted_connect_core::auth::{CnonceSource, Credentials, DigestChallenge, DigestSession};
    /// struct Fixed;
    /// impl CnonceSource for Fixed {
    ///     fn fill_bytes(&mut self, dest: &mut [u8]) { dest.fill(0xab) } // tests only
    /// }
    /// let challenge = DigestChallenge::parse(r#"Digest realm="test", nonce="2""#)?;
    /// let mut session = DigestSession::new();
    /// session.accept_challenge(&challenge, &mut Fixed)?;
    /// let mut out = [0u8; 256];
    /// let n = session.authorize(&Credentials::new("guest", "pw"), "GET", "/uri", b"", &mut Fixed, &mut out)?;
    /// // No qop in the challenge: the RFC 2069 shape of the vendor's sample header.
    /// assert_eq!(
    ///     core::str::from_utf8(&out[..n])?,
    ///     r#"Digest username="guest", realm="test", uri="/uri", nonce="2", response="e326f5522fecb3b7a297ea2344900d8a""#
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn authorize(
        &mut self,
        credentials: &Credentials<'_>,
        method: &str,
        uri: &str,
        body: &[u8],
        rng: &mut dyn CnonceSource,
        out: &mut [u8],
    ) -> Result<usize, DigestError> {
        if !self.active {
            return Err(DigestError::NoChallenge);
        }
        let cnonce_bytes = match self.qop {
            None => [0; CNONCE_LEN],
            Some(_) if self.algorithm.is_sess() => self.sess_cnonce,
            Some(_) => fresh_cnonce(rng),
        };
        let cnonce = match self.qop {
            None => "",
            Some(_) => core::str::from_utf8(&cnonce_bytes).unwrap_or(""),
        };
        self.authorize_inner(credentials, method, uri, body, cnonce, out)
    }

    /// [`authorize`](Self::authorize) with a cnonce chosen by the caller, for
    /// tests (the RFC's base64 cnonces) and for callers with their own cnonce
    /// scheme. With a `-sess` algorithm the caller must then keep the cnonce
    /// fixed per challenge.
    ///
    /// When `qop` is in use the cnonce must be 1 to [`MAX_CNONCE_LEN`]
    /// visible ASCII characters other than `"`, `\` and `:`; otherwise it is
    /// ignored.
    pub fn authorize_with_cnonce(
        &mut self,
        credentials: &Credentials<'_>,
        method: &str,
        uri: &str,
        body: &[u8],
        cnonce: &str,
        out: &mut [u8],
    ) -> Result<usize, DigestError> {
        if self.qop.is_some() {
            check_cnonce(cnonce)?;
        }
        self.authorize_inner(credentials, method, uri, body, cnonce, out)
    }

    fn authorize_inner(
        &mut self,
        credentials: &Credentials<'_>,
        method: &str,
        uri: &str,
        body: &[u8],
        cnonce: &str,
        out: &mut [u8],
    ) -> Result<usize, DigestError> {
        if !self.active {
            return Err(DigestError::NoChallenge);
        }
        check_method(method)?;
        check_uri(uri)?;
        let name = credentials.username;
        let hashed = self
            .userhash
            .then(|| userhash(self.algorithm, name, &self.realm));
        let username = match &hashed {
            Some(hash) => Username::Hashed(hash.as_str()),
            None if self.charset_utf8 && !name.is_ascii() => Username::Extended(name),
            // A control character cannot go into a quoted-string.
            None if name.bytes().any(|b| b.is_ascii_control()) => {
                return Err(DigestError::Invalid {
                    field: DigestField::Username,
                });
            }
            None => Username::Quoted(name),
        };
        let nc = self
            .nc
            .checked_add(1)
            .ok_or(DigestError::NonceCountExhausted)?;
        let response = compute_response(&ResponseInputs {
            algorithm: self.algorithm,
            qop: self.qop,
            username: name,
            realm: &self.realm,
            password: credentials.password,
            method,
            uri,
            nonce: &self.nonce,
            nc,
            cnonce,
            body,
        });
        let nc_bytes = nc_text(nc);
        let parts = AuthorizationParts {
            username,
            realm: &self.realm,
            uri,
            algorithm: self.algorithm_token.as_deref(),
            nonce: &self.nonce,
            qop: self.qop.map(|qop| (qop, &nc_bytes, cnonce)),
            response: response.as_str(),
            opaque: self.opaque.as_deref(),
        };
        let len = write_authorization(out, &parts)?;
        self.nc = nc;
        Ok(len)
    }

    /// The unescaped realm; empty without a challenge.
    pub fn realm(&self) -> &str {
        &self.realm
    }

    /// The unescaped current nonce; empty without a challenge.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// The unescaped opaque, echoed with every request, when the challenge had one.
    pub fn opaque(&self) -> Option<&str> {
        self.opaque.as_deref()
    }

    /// The challenge's algorithm (MD5 without a challenge).
    pub const fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The qop in use; `None` for the RFC 2069 formula or without a challenge.
    pub const fn qop(&self) -> Option<Qop> {
        self.qop
    }

    /// Requests written with the current nonce (the `nc` of the last one).
    pub const fn nonce_count(&self) -> u32 {
        self.nc
    }
}

impl Default for DigestSession {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for DigestSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DigestSession")
            .field("has_challenge", &self.active)
            .field("realm", &self.realm.as_str())
            .field("algorithm", &self.algorithm)
            .field("qop", &self.qop)
            .field("userhash", &self.userhash)
            .field("nc", &self.nc)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for DigestSession {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "DigestSession {{ has_challenge: {=bool}, realm: {=str}, algorithm: {}, qop: {}, userhash: {=bool}, nc: {=u32}, .. }}",
            self.active,
            self.realm.as_str(),
            self.algorithm,
            self.qop,
            self.userhash,
            self.nc
        );
    }
}

/// Unescapes `value` into `dst`, refusing (before writing) a value whose
/// escaped form is longer than its capacity.
fn copy_into(
    dst: &mut StringView,
    value: ParamValue<'_>,
    field: DigestField,
) -> Result<(), DigestError> {
    let too_long = DigestError::TooLong { field };
    let sent_len = value
        .unescaped()
        .fold(0usize, |len, piece| len.saturating_add(escaped_len(piece)));
    if sent_len > dst.capacity() {
        return Err(too_long);
    }
    dst.clear();
    value
        .unescaped()
        .try_for_each(|piece| dst.push_str(piece))
        .map_err(|_| too_long)
}

/// 16 random bytes as 32 lowercase hex characters.
fn fresh_cnonce(rng: &mut dyn CnonceSource) -> [u8; CNONCE_LEN] {
    let mut random = [0u8; CNONCE_LEN / 2];
    rng.fill_bytes(&mut random);
    let mut hex = [0u8; CNONCE_LEN];
    lower_hex(&random, &mut hex);
    hex
}

fn check_method(method: &str) -> Result<(), DigestError> {
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(DigestError::Invalid {
            field: DigestField::Method,
        });
    }
    Ok(())
}

/// A request-target: visible ASCII, and no `"` or `\` (never valid in a URI).
fn check_uri(uri: &str) -> Result<(), DigestError> {
    let ok = |b: u8| b.is_ascii_graphic() && b != b'"' && b != b'\\';
    if uri.is_empty() || !uri.bytes().all(ok) {
        return Err(DigestError::Invalid {
            field: DigestField::Uri,
        });
    }
    Ok(())
}

/// A caller's cnonce: visible ASCII without `"`, `\` or `:` (a colon would
/// make a `-sess` A1 ambiguous).
fn check_cnonce(cnonce: &str) -> Result<(), DigestError> {
    let field = DigestField::Cnonce;
    if cnonce.len() > MAX_CNONCE_LEN {
        return Err(DigestError::TooLong { field });
    }
    let ok = |b: u8| b.is_ascii_graphic() && !matches!(b, b'"' | b'\\' | b':');
    if cnonce.is_empty() || !cnonce.bytes().all(ok) {
        return Err(DigestError::Invalid { field });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::format;

    struct Zeros;
    impl CnonceSource for Zeros {
        fn fill_bytes(&mut self, dest: &mut [u8]) {
            dest.fill(0);
        }
    }

    fn session(header: &str) -> DigestSession {
        let mut s = DigestSession::new();
        s.accept_challenge(&DigestChallenge::parse(header).unwrap(), &mut Zeros)
            .unwrap();
        s
    }

    #[test]
    fn a_new_session_cannot_authorize() {
        let mut s = DigestSession::new();
        let mut out = [0u8; 64];
        let c = Credentials::new("u", "p");
        assert_eq!(
            s.authorize(&c, "GET", "/", b"", &mut Zeros, &mut out),
            Err(DigestError::NoChallenge)
        );
        assert_eq!(
            s.authorize_with_cnonce(&c, "GET", "/", b"", "x", &mut out),
            Err(DigestError::NoChallenge)
        );
        assert!(!s.has_challenge());
        s.accept_authentication_info(r#"nextnonce="abc""#);
        assert_eq!(s.nonce(), "");
    }

    #[test]
    fn escaped_values_are_stored_unescaped_and_sent_escaped() {
        let mut s = session(r#"Digest realm="DOMAIN\\host", nonce="a\"b", opaque="""#);
        assert_eq!(s.realm(), r"DOMAIN\host");
        assert_eq!(s.nonce(), r#"a"b"#);
        assert_eq!(s.opaque(), Some(""));
        let mut out = [0u8; 512];
        let n = s
            .authorize(
                &Credentials::new("u", "p"),
                "GET",
                "/",
                b"",
                &mut Zeros,
                &mut out,
            )
            .unwrap();
        let value = core::str::from_utf8(&out[..n]).unwrap();
        assert!(value.contains(r#"realm="DOMAIN\\host""#), "{value}");
        assert!(value.contains(r#"nonce="a\"b""#), "{value}");
        assert!(value.ends_with(r#"opaque="""#), "{value}");
    }

    #[test]
    fn capacities_count_the_escaped_form() {
        let exact = format!(
            r#"Digest realm="{}\\", nonce="n""#,
            "r".repeat(REALM_CAPACITY - 2)
        );
        assert_eq!(session(&exact).realm().len(), REALM_CAPACITY - 1);
        let over = format!(
            r#"Digest realm="{}\\", nonce="n""#,
            "r".repeat(REALM_CAPACITY - 1)
        );
        let mut s = session(r#"Digest realm="old", nonce="old""#);
        assert_eq!(
            s.accept_challenge(&DigestChallenge::parse(&over).unwrap(), &mut Zeros),
            Err(DigestError::TooLong {
                field: DigestField::Realm
            })
        );
        assert!(!s.has_challenge());
        assert_eq!(s.realm(), "");
    }

    #[test]
    fn values_that_cannot_be_sent_are_refused() {
        let mut s = session(r#"Digest realm="r", nonce="n", qop=auth"#);
        let mut out = [0u8; 512];
        let c = Credentials::new("u", "p");
        let invalid = |field| Err(DigestError::Invalid { field });
        for method in ["", "GE T", "GET\r\n"] {
            assert_eq!(
                s.authorize(&c, method, "/", b"", &mut Zeros, &mut out),
                invalid(DigestField::Method)
            );
        }
        for uri in ["", "/a b", "/a\"", "/a\\", "/\u{e4}", "/\r\nX: y"] {
            assert_eq!(
                s.authorize(&c, "GET", uri, b"", &mut Zeros, &mut out),
                invalid(DigestField::Uri)
            );
        }
        assert_eq!(
            s.authorize(
                &Credentials::new("a\nb", "p"),
                "GET",
                "/",
                b"",
                &mut Zeros,
                &mut out
            ),
            invalid(DigestField::Username)
        );
        for cnonce in ["", "a:b", "a\"b", "a b", "\u{e4}"] {
            assert_eq!(
                s.authorize_with_cnonce(&c, "GET", "/", b"", cnonce, &mut out),
                invalid(DigestField::Cnonce)
            );
        }
        assert_eq!(
            s.authorize_with_cnonce(&c, "GET", "/", b"", &"c".repeat(65), &mut out),
            Err(DigestError::TooLong {
                field: DigestField::Cnonce
            })
        );
        assert_eq!(s.nonce_count(), 0);
    }

    #[test]
    fn the_nonce_count_cannot_wrap() {
        let mut s = session(r#"Digest realm="r", nonce="n", qop=auth"#);
        s.nc = u32::MAX;
        let mut out = [0u8; 512];
        assert_eq!(
            s.authorize(
                &Credentials::new("u", "p"),
                "GET",
                "/",
                b"",
                &mut Zeros,
                &mut out
            ),
            Err(DigestError::NonceCountExhausted)
        );
    }

    #[test]
    fn sess_keeps_one_cnonce_per_challenge() {
        struct Counter(u8);
        impl CnonceSource for Counter {
            fn fill_bytes(&mut self, dest: &mut [u8]) {
                self.0 += 1;
                dest.fill(self.0);
            }
        }
        let mut rng = Counter(0);
        let mut s = DigestSession::new();
        let c =
            DigestChallenge::parse(r#"Digest realm="r", nonce="n", qop=auth, algorithm=MD5-sess"#)
                .unwrap();
        s.accept_challenge(&c, &mut rng).unwrap();
        let mut out = [0u8; 512];
        let creds = Credentials::new("u", "p");
        for _ in 0..2 {
            let n = s
                .authorize(&creds, "GET", "/", b"", &mut rng, &mut out)
                .unwrap();
            let value = core::str::from_utf8(&out[..n]).unwrap();
            assert!(
                value.contains(r#"cnonce="01010101010101010101010101010101""#),
                "{value}"
            );
            assert!(value.contains("algorithm=MD5-sess"), "{value}");
        }
        assert_eq!(rng.0, 1);
    }

    #[test]
    fn the_session_stays_small() {
        // 624 bytes on 64-bit targets: the three capacities plus about 100.
        assert!(
            size_of::<DigestSession>() <= REALM_CAPACITY + NONCE_CAPACITY + OPAQUE_CAPACITY + 128
        );
    }

    #[test]
    fn debug_is_minimal() {
        let s = session(r#"Digest realm="r", nonce="secret-nonce", opaque="op""#);
        let shown = format!("{s:?}");
        assert_eq!(
            shown,
            r#"DigestSession { has_challenge: true, realm: "r", algorithm: Md5, qop: None, userhash: false, nc: 0, .. }"#
        );
    }
}
