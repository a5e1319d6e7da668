//! The server side of HTTP Digest authentication (RFC 7616, RFC 2617 and the
//! RFC 2069 form without qop), written on `md-5` and `sha2` directly and
//! modelled on Apache's `mod_auth_digest` with `AuthDigestNcCheck On`.
//!
//! It is deliberately independent of the client core's `auth` module, so a
//! client bug cannot be mirrored by the server that tests it.
//!
//! Answers, in the order the checks run (Apache's order):
//! - no `Authorization`, or another scheme → `401` with a fresh challenge;
//! - unparsable header, a missing `username`/`realm`/`nonce`/`uri`/`response`,
//!   `qop` without `cnonce`/`nc`, an `nc` that is not 8 hex digits, or a `uri`
//!   that differs from the request-target → `400`;
//! - wrong realm, unknown user, another algorithm (absent means `MD5`), a qop
//!   the server did not offer (or none when it offered one) → `401`;
//! - `opaque` missing or changed → `401` with `stale=true` (Apache does this,
//!   so a client that never echoes `opaque` loops unless it bounds retries);
//! - a wrong `response` (wrong password) → `401` without `stale`;
//! - a nonce the server never issued → `401` without `stale`;
//! - an `nc` not greater than the last one accepted for that nonce (a replay)
//!   → `401` without `stale`;
//! - an expired nonce (lifetime, or [`DigestServer::expire_all`]) or a spent one
//!   (use limit reached) → `401` with `stale=true`;
//! - otherwise the request is authorized and the nonce use is counted.
//!
//! Nonces look like Apache's: 12 base64 characters (issue time and a counter,
//! so they may contain `=`, `+`, `/`) followed by 40 hex characters of a keyed
//! SHA-256. `opaque` is 12 base64 characters, fixed for the server's life.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use md5::Md5;
use sha2::{Digest, Sha256};

use super::config::{Algorithm, QopMode, SandboxConfig};

/// How many nonces the server remembers; older ones are forgotten.
const MAX_NONCES: usize = 4096;

/// The result of checking one request's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Let the request through.
    Authorized(Grant),
    /// Answer 401 with a new challenge.
    Unauthorized {
        /// Whether the challenge carries `stale=true`.
        stale: bool,
        /// Why (for the console log).
        reason: &'static str,
    },
    /// Answer 400.
    BadRequest(&'static str),
}

/// What the `Authentication-Info` header needs from an authorized request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Grant {
    ha1: String,
    nonce: String,
    uri: String,
    qop: Option<String>,
    nc: Option<String>,
    cnonce: Option<String>,
}

#[derive(Debug)]
struct NonceState {
    issued: Instant,
    uses: u32,
    last_nc: u32,
    expired: bool,
}

#[derive(Debug, Default)]
struct NonceTable {
    states: HashMap<String, NonceState>,
    order: VecDeque<String>,
    counter: u32,
}

/// The digest verifier of one sandbox.
#[derive(Debug)]
pub(crate) struct DigestServer {
    realm: String,
    username: String,
    password: String,
    algorithm: Algorithm,
    qop: QopMode,
    max_uses: Option<u32>,
    lifetime: Option<Duration>,
    next_nonce: bool,
    opaque: String,
    secret: [u8; 32],
    nonces: Mutex<NonceTable>,
}

impl DigestServer {
    /// A verifier for the configured realm, user and policy.
    pub(crate) fn new(config: &SandboxConfig) -> DigestServer {
        let mut secret = [0u8; 32];
        fill_random(&mut secret);
        let mut opaque = [0u8; 9];
        fill_random(&mut opaque);
        DigestServer {
            realm: config.realm.clone(),
            username: config.username.clone(),
            password: config.password.clone(),
            algorithm: config.algorithm,
            qop: config.qop,
            max_uses: config.nonce_max_uses,
            lifetime: config.nonce_lifetime,
            next_nonce: config.next_nonce,
            opaque: base64(&opaque),
            secret,
            nonces: Mutex::new(NonceTable::default()),
        }
    }

    fn table(&self) -> MutexGuard<'_, NonceTable> {
        self.nonces.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Issues and remembers a new nonce.
    fn issue_nonce(&self) -> String {
        let mut table = self.table();
        table.counter = table.counter.wrapping_add(1);
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut raw = [0u8; 8];
        raw[..4].copy_from_slice(&(secs as u32).to_be_bytes());
        raw[4..].copy_from_slice(&table.counter.to_be_bytes());
        let mut mac = Sha256::new();
        mac.update(self.secret);
        mac.update(raw);
        let mac = hex(&mac.finalize());
        let nonce = format!("{}{}", base64(&raw), mac.get(..40).unwrap_or(&mac));
        table.states.insert(
            nonce.clone(),
            NonceState {
                issued: Instant::now(),
                uses: 0,
                last_nc: 0,
                expired: false,
            },
        );
        table.order.push_back(nonce.clone());
        while table.order.len() > MAX_NONCES {
            if let Some(old) = table.order.pop_front() {
                table.states.remove(&old);
            }
        }
        nonce
    }

    /// A `WWW-Authenticate` value with a fresh nonce, in Apache's order:
    /// `Digest realm="…", nonce="…", algorithm=MD5, opaque="…"[, stale=true][, qop="auth"]`.
    pub(crate) fn challenge(&self, stale: bool) -> String {
        let mut value = format!(
            "Digest realm=\"{}\", nonce=\"{}\", algorithm={}, opaque=\"{}\"",
            self.realm,
            self.issue_nonce(),
            self.algorithm.token(),
            self.opaque
        );
        if stale {
            value.push_str(", stale=true");
        }
        if let Some(qop) = self.qop.challenge_value() {
            value.push_str(&format!(", qop=\"{qop}\""));
        }
        value
    }

    /// Marks every nonce issued so far as expired: the next request that uses
    /// one gets `401` with `stale=true`.
    pub(crate) fn expire_all(&self) {
        for state in self.table().states.values_mut() {
            state.expired = true;
        }
    }

    fn hash(&self, parts: &[&[u8]]) -> String {
        if self.algorithm.is_sha256() {
            hash_parts::<Sha256>(parts)
        } else {
            hash_parts::<Md5>(parts)
        }
    }

    /// Checks the credentials of one request. `target` is the request-target
    /// exactly as on the request line, `body` the request body (for auth-int).
    pub(crate) fn check(
        &self,
        method: &str,
        target: &str,
        authorization: Option<&[u8]>,
        body: &[u8],
    ) -> Outcome {
        let unauthorized = |stale, reason| Outcome::Unauthorized { stale, reason };
        let Some(raw) = authorization else {
            return unauthorized(false, "no credentials");
        };
        let Ok(text) = std::str::from_utf8(raw) else {
            return Outcome::BadRequest("Authorization is not UTF-8");
        };
        let params = match parse_credentials(text) {
            Err(why) => return Outcome::BadRequest(why),
            Ok(None) => return unauthorized(false, "not a Digest credential"),
            Ok(Some(params)) => params,
        };
        let get = |name: &str| params.get(name).map(String::as_str);
        let (Some(username), Some(realm), Some(nonce), Some(uri), Some(response)) = (
            get("username"),
            get("realm"),
            get("nonce"),
            get("uri"),
            get("response"),
        ) else {
            return Outcome::BadRequest("a required digest parameter is missing");
        };
        let qop = get("qop").map(str::to_ascii_lowercase);
        let cnonce = get("cnonce");
        let nc = get("nc");
        if qop.is_some() && (cnonce.is_none() || nc.is_none()) {
            return Outcome::BadRequest("qop without cnonce or nc");
        }
        let nc_value = match nc {
            Some(text) => match parse_nc(text) {
                Some(value) => Some(value),
                None => return Outcome::BadRequest("nc is not 8 hex digits"),
            },
            None => None,
        };
        if uri != target {
            return Outcome::BadRequest("uri does not match the request-target");
        }
        if realm != self.realm {
            return unauthorized(false, "wrong realm");
        }
        if username != self.username {
            return unauthorized(false, "unknown user");
        }
        let algorithm = get("algorithm").unwrap_or("MD5");
        if !algorithm.eq_ignore_ascii_case(self.algorithm.token()) {
            return unauthorized(false, "another algorithm");
        }
        match (&qop, self.qop) {
            (Some(_), QopMode::None) => return unauthorized(false, "qop not offered"),
            (None, mode) if mode != QopMode::None => return unauthorized(false, "qop missing"),
            (Some(q), mode) if !mode.allows(q) => return unauthorized(false, "qop not offered"),
            _ => {}
        }
        if get("opaque") != Some(self.opaque.as_str()) {
            return unauthorized(true, "opaque missing or changed");
        }

        let mut ha1 = self.hash(&[
            username.as_bytes(),
            realm.as_bytes(),
            self.password.as_bytes(),
        ]);
        let cnonce_bytes = cnonce.unwrap_or("").as_bytes();
        if self.algorithm.is_sess() {
            ha1 = self.hash(&[ha1.as_bytes(), nonce.as_bytes(), cnonce_bytes]);
        }
        let ha2 = if qop.as_deref() == Some("auth-int") {
            let body_hash = self.hash(&[body]);
            self.hash(&[method.as_bytes(), uri.as_bytes(), body_hash.as_bytes()])
        } else {
            self.hash(&[method.as_bytes(), uri.as_bytes()])
        };
        let expected = match (&qop, nc) {
            (Some(q), Some(nc)) => self.hash(&[
                ha1.as_bytes(),
                nonce.as_bytes(),
                nc.as_bytes(),
                cnonce_bytes,
                q.as_bytes(),
                ha2.as_bytes(),
            ]),
            _ => self.hash(&[ha1.as_bytes(), nonce.as_bytes(), ha2.as_bytes()]),
        };
        if !constant_time_eq_ignore_case(expected.as_bytes(), response.as_bytes()) {
            return unauthorized(false, "wrong response (password)");
        }

        let mut table = self.table();
        let Some(state) = table.states.get_mut(nonce) else {
            return unauthorized(false, "nonce not issued by this server");
        };
        if let Some(nc) = nc_value
            && nc <= state.last_nc
        {
            return unauthorized(false, "replayed or non-increasing nc");
        }
        if state.expired || self.lifetime.is_some_and(|l| state.issued.elapsed() > l) {
            return unauthorized(true, "nonce expired");
        }
        if self.max_uses.is_some_and(|max| state.uses >= max) {
            return unauthorized(true, "nonce use limit reached");
        }
        state.uses += 1;
        if let Some(nc) = nc_value {
            state.last_nc = nc;
        }
        Outcome::Authorized(Grant {
            ha1,
            nonce: nonce.to_owned(),
            uri: uri.to_owned(),
            qop,
            nc: nc.map(str::to_owned),
            cnonce: cnonce.map(str::to_owned),
        })
    }

    /// The `Authentication-Info` value for an authorized request whose
    /// response body is `body`: `rspauth` (when a qop was used) and, with the
    /// `next_nonce` setting, a fresh `nextnonce`. `None` when empty.
    pub(crate) fn authentication_info(&self, grant: &Grant, body: &[u8]) -> Option<String> {
        let mut parts = Vec::new();
        let qop_parts = match (&grant.qop, &grant.nc, &grant.cnonce) {
            (Some(qop), Some(nc), Some(cnonce)) => {
                let ha2 = if qop == "auth-int" {
                    let body_hash = self.hash(&[body]);
                    self.hash(&[b"", grant.uri.as_bytes(), body_hash.as_bytes()])
                } else {
                    self.hash(&[b"", grant.uri.as_bytes()])
                };
                let rspauth = self.hash(&[
                    grant.ha1.as_bytes(),
                    grant.nonce.as_bytes(),
                    nc.as_bytes(),
                    cnonce.as_bytes(),
                    qop.as_bytes(),
                    ha2.as_bytes(),
                ]);
                parts.push(format!("rspauth=\"{rspauth}\""));
                Some(format!(
                    "cnonce=\"{}\", nc={nc}, qop={qop}",
                    quote_escape(cnonce)
                ))
            }
            _ => None,
        };
        if self.next_nonce {
            parts.push(format!("nextnonce=\"{}\"", self.issue_nonce()));
        }
        parts.extend(qop_parts);
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// Parses `Digest k=v, k="v", …`. `Ok(None)` for another scheme. Values may be
/// quoted strings (with `\` escapes) or unquoted up to the next `,` or space
/// (as Apache accepts, e.g. the vendor sample's `username=guest`). Names are
/// lowercased; a repeated name is an error.
pub(crate) fn parse_credentials(
    header: &str,
) -> Result<Option<HashMap<String, String>>, &'static str> {
    let header = header.trim_matches([' ', '\t']);
    let (scheme, rest) = match header.find([' ', '\t']) {
        Some(i) => header.split_at(i),
        None => (header, ""),
    };
    if !scheme.eq_ignore_ascii_case("digest") {
        return Ok(None);
    }
    let mut params = HashMap::new();
    let mut it = rest.chars().peekable();
    let skip_ws = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
        while matches!(it.peek(), Some(' ' | '\t')) {
            it.next();
        }
    };
    loop {
        while matches!(it.peek(), Some(' ' | '\t' | ',')) {
            it.next();
        }
        if it.peek().is_none() {
            break;
        }
        let mut name = String::new();
        while let Some(&c) = it.peek() {
            if c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c) {
                name.push(c.to_ascii_lowercase());
                it.next();
            } else {
                break;
            }
        }
        if name.is_empty() {
            return Err("bad digest parameter name");
        }
        skip_ws(&mut it);
        if it.next() != Some('=') {
            return Err("digest parameter without '='");
        }
        skip_ws(&mut it);
        let mut value = String::new();
        if it.peek() == Some(&'"') {
            it.next();
            loop {
                match it.next() {
                    Some('\\') => match it.next() {
                        Some(c) => value.push(c),
                        None => return Err("unterminated quoted string"),
                    },
                    Some('"') => break,
                    Some(c) if c.is_control() && c != '\t' => {
                        return Err("control character in a digest parameter");
                    }
                    Some(c) => value.push(c),
                    None => return Err("unterminated quoted string"),
                }
            }
        } else {
            while let Some(&c) = it.peek() {
                if c == ',' || c == ' ' || c == '\t' {
                    break;
                }
                if c.is_control() || c == '"' {
                    return Err("bad character in a digest parameter");
                }
                value.push(c);
                it.next();
            }
            if value.is_empty() {
                return Err("empty digest parameter value");
            }
        }
        skip_ws(&mut it);
        if !matches!(it.peek(), None | Some(',')) {
            return Err("garbage after a digest parameter");
        }
        if params.insert(name, value).is_some() {
            return Err("repeated digest parameter");
        }
    }
    Ok(Some(params))
}

fn parse_nc(text: &str) -> Option<u32> {
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        u32::from_str_radix(text, 16).ok()
    } else {
        None
    }
}

fn hash_parts<D: Digest>(parts: &[&[u8]]) -> String {
    let mut hasher = D::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hasher.update(b":");
        }
        hasher.update(part);
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn constant_time_eq_ignore_case(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| {
        acc | (x.to_ascii_lowercase() ^ y.to_ascii_lowercase())
    }) == 0
}

fn quote_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = (n >> (18 - 6 * i)) & 63;
                out.push(char::from(ALPHABET[index as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Unpredictable bytes from the standard library's randomly keyed hasher
/// (good enough for a local test server's nonce key and opaque).
fn fill_random(dest: &mut [u8]) {
    let state = std::collections::hash_map::RandomState::new();
    for (i, chunk) in dest.chunks_mut(8).enumerate() {
        let mut hasher = state.build_hasher();
        hasher.write_usize(i);
        hasher.write_u128(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        let value = hasher.finish().to_le_bytes();
        chunk.copy_from_slice(&value[..chunk.len()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_7616_vectors() {
        // RFC 7616 §3.9.1 with the server's own hashing.
        let md5 = hash_parts::<Md5>(&[b"Mufasa", b"http-auth@example.org", b"Circle of Life"]);
        let ha2 = hash_parts::<Md5>(&[b"GET", b"/dir/index.html"]);
        let response = hash_parts::<Md5>(&[
            md5.as_bytes(),
            b"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            b"00000001",
            b"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            b"auth",
            ha2.as_bytes(),
        ]);
        assert_eq!(response, "8ca523f5e9506fed4657c9700eebdbec");
        let ha1 = hash_parts::<Sha256>(&[b"Mufasa", b"http-auth@example.org", b"Circle of Life"]);
        assert_eq!(
            ha1,
            "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232"
        );
        // RFC 2069 form (RFC 2617 §3.5 inputs, erratum 749 password).
        let ha1 = hash_parts::<Md5>(&[b"Mufasa", b"testrealm@host.com", b"CircleOfLife"]);
        let legacy = hash_parts::<Md5>(&[
            ha1.as_bytes(),
            b"dcd98b7102dd2f0e8b11d0f600bfb0c093",
            ha2.as_bytes(),
        ]);
        assert_eq!(legacy, "1949323746fe6a43ef61f9606e7febea");
    }

    #[test]
    fn parses_credentials() {
        let p = parse_credentials(
            r#"Digest username=guest, realm="te\"st",nonce="2", uri="/uri", response="***", qop=auth"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(p["username"], "guest");
        assert_eq!(p["realm"], "te\"st");
        assert_eq!(p["qop"], "auth");
        assert_eq!(
            parse_credentials("Basic YWxhZGRpbjpvcGVuc2VzYW1l"),
            Ok(None)
        );
        assert!(parse_credentials(r#"Digest realm="x"#).is_err());
        assert!(parse_credentials(r#"Digest a=1, a=2"#).is_err());
        assert!(parse_credentials(r#"Digest =1"#).is_err());
        assert!(parse_credentials("Digest a=\"x\" y").is_err());
    }

    #[test]
    fn base64_and_nonce_shape() {
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(b"fo"), "Zm8=");
        let server = DigestServer::new(&SandboxConfig::default());
        let nonce = server.issue_nonce();
        assert_eq!(nonce.len(), 52);
        assert!(nonce[12..].bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
