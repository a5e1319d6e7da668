//! RFC 7616 HTTP Digest authentication: challenge parsing, response
//! computation and the session state that makes later requests pre-emptive.
//!
//! The flow, for a client that keeps one [`DigestSession`]:
//! 1. A request without `Authorization` gets `401` with `WWW-Authenticate`.
//!    [`find_digest_challenge`] takes **all** its values and returns the first
//!    Digest challenge this client supports ([`DigestChallenge`]);
//!    [`DigestSession::accept_challenge`] stores it.
//! 2. [`DigestSession::authorize`] writes the `Authorization` value for each
//!    request (method, request-target, body) into a caller buffer, counting
//!    `nc` up and drawing a fresh `cnonce` from the caller's [`CnonceSource`].
//!    Later requests do the same without waiting for a 401.
//! 3. After a response, [`DigestSession::accept_authentication_info`] follows
//!    a `nextnonce`. A new 401 goes back to step 1 (with
//!    [`DigestChallenge::stale`] telling whether only the nonce expired); how
//!    often to resend is the caller's policy.
//!
//! Supported: MD5, SHA-256 and (feature `sha512-256`) SHA-512-256, with
//! their `-sess` variants; qop `auth` (preferred) and `auth-int`; challenges without qop (the RFC 2069
//! formula, sending no `cnonce`, `nc` or `qop`); `opaque` echoed unchanged,
//! even empty; `userhash`; `charset=UTF-8` (a non-ASCII username then goes
//! out as `username*`). [`compute_response`] and [`userhash`] expose the pure
//! formulas.
//!
//! Guarantees: `no_std`, no allocation, no `unsafe`, no panic on any input;
//! credentials are never stored, and never appear in `Debug` or `defmt`
//! output; a value that does not fit is an error, never truncated.
//!
//! Not done: verifying `rspauth` (optional in RFC 7616, and proxies drop
//! `Authentication-Info`), RFC 7613 normalisation of username and password
//! (they are hashed as given, in UTF-8), the `domain` parameter.
//!
//! # Capacities
//! | value | capacity (bytes as sent) |
//! |---|---|
//! | realm | [`REALM_CAPACITY`] = 128 |
//! | nonce | [`NONCE_CAPACITY`] = 256 |
//! | opaque | [`OPAQUE_CAPACITY`] = 128 |
//! | `Authorization` value | [`MAX_AUTHORIZATION_LEN`] = 1 501, for a username ≤ [`MAX_USERNAME_LEN`] and a uri ≤ [`MAX_URI_LEN`] |
//!
//! ```
//! use minted_connect_core::auth::{
//!     find_digest_challenge, CnonceSource, Credentials, DigestSession, MAX_AUTHORIZATION_LEN,
//! };
//! # struct Rng(u8);
//! # impl CnonceSource for Rng {
//! #     fn fill_bytes(&mut self, dest: &mut [u8]) { for b in dest { self.0 = self.0.wrapping_add(1); *b = self.0 } }
//! # }
//! let mut rng = Rng(0); // esp_random() or getrandom in real code
//! let mut session = DigestSession::new();
//!
//! // The 401's WWW-Authenticate values.
//! let challenge = find_digest_challenge([
//!     r#"Basic realm="partner""#,
//!     r#"Digest realm="partner", nonce="cCQIM85hBgA=2c17", algorithm=MD5, qop="auth""#,
//! ])?;
//! session.accept_challenge(&challenge, &mut rng)?;
//!
//! let credentials = Credentials::new("alice", "secret");
//! let mut value = [0u8; MAX_AUTHORIZATION_LEN];
//! let len = session.authorize(&credentials, "PATCH", "/partner/customer/42", b"{}", &mut rng, &mut value)?;
//! let value = core::str::from_utf8(&value[..len])?;
//! assert!(value.starts_with(r#"Digest username="alice", realm="partner", uri="/partner/customer/42", algorithm=MD5, nonce="cCQIM85hBgA=2c17", nc=00000001, cnonce=""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod algorithm;
mod challenge;
mod compute;
mod credentials;
mod error;
mod header;
mod limits;
mod params;
mod session;

pub use algorithm::{Algorithm, HexDigest, Qop};
pub use challenge::{DigestChallenge, find_digest_challenge};
pub use compute::{ResponseInputs, compute_response, userhash};
pub use credentials::{CnonceSource, Credentials};
pub use error::{ChallengeError, DigestError, DigestField};
pub use limits::{
    CNONCE_LEN, MAX_AUTHORIZATION_LEN, MAX_CNONCE_LEN, MAX_URI_LEN, MAX_USERNAME_LEN,
    NONCE_CAPACITY, OPAQUE_CAPACITY, REALM_CAPACITY, max_authorization_len,
};
pub use params::{ParamValue, Unescaped};
pub use session::DigestSession;
