//! The session's capacities and the bound on an `Authorization` value.
//!
//! Challenge values are stored in fixed buffers, so each has a named
//! capacity; a longer value is refused with
//! [`DigestError::TooLong`](super::DigestError::TooLong), never truncated (a
//! truncated nonce only earns another 401). Capacities count bytes **as sent**
//! between the quotes, i.e. after `"` and `\` are escaped again, so the
//! bound on the whole header below needs no factor for escaping.

/// Capacity of the stored `realm`, in bytes as sent.
///
/// Realms are short human-readable names (`partner`, `http-auth@example.org`,
/// IIS's `testrealm`); 128 leaves room for a descriptive sentence.
pub const REALM_CAPACITY: usize = 128;

/// Capacity of the stored `nonce`, in bytes as sent.
///
/// Apache's nonce is 52 bytes, the RFC 7616 examples use 44, PHP scripts
/// typically 13 to 40; IIS sends `+Upgraded+v1…` nonces of about 120 bytes
/// (seen in curl#870 and curl PR #9074). 256 keeps twice the longest seen.
pub const NONCE_CAPACITY: usize = 256;

/// Capacity of the stored `opaque`, in bytes as sent.
///
/// Apache sends 1 to a few bytes, the RFC examples 44; 128 is generous.
pub const OPAQUE_CAPACITY: usize = 128;

/// Length of the cnonce [`DigestSession::authorize`](super::DigestSession::authorize)
/// makes: 16 random bytes as 32 lowercase hex characters (128 bits, the size
/// of the RFC's example cnonces; hex has no `"`, `\` or `:`).
pub const CNONCE_LEN: usize = 32;

/// Longest cnonce accepted by
/// [`DigestSession::authorize_with_cnonce`](super::DigestSession::authorize_with_cnonce).
pub const MAX_CNONCE_LEN: usize = 64;

/// Username length, in UTF-8 bytes, assumed by [`MAX_AUTHORIZATION_LEN`].
/// Not enforced: a longer name works when the caller's buffer is large
/// enough, and gives [`DigestError::BufferTooSmall`](super::DigestError::BufferTooSmall)
/// otherwise.
pub const MAX_USERNAME_LEN: usize = 64;

/// Request-target length, in bytes, assumed by [`MAX_AUTHORIZATION_LEN`].
/// Not enforced, like [`MAX_USERNAME_LEN`]. The API's longest path
/// (`request::MAX_PATH_LEN`) is well below it.
pub const MAX_URI_LEN: usize = 512;

/// Longest `algorithm` token (`SHA-512-256-sess`), echoed in the server's spelling.
pub(crate) const ALGORITHM_TOKEN_CAPACITY: usize = 16;

/// Longest hex digest (SHA-256 and SHA-512/256: 64 characters).
pub(crate) const MAX_HEX_LEN: usize = 64;

/// An upper bound on the `Authorization` value for a username of
/// `username_len` UTF-8 bytes and a request-target of `uri_len` bytes,
/// whatever challenge the session holds.
///
/// Counts every parameter at once (`username*` at three bytes per username
/// byte plus `UTF-8''`, or `username` fully escaped, whichever is longer;
/// realm, nonce and opaque at capacity; the longest algorithm, a
/// [`MAX_CNONCE_LEN`] cnonce, `auth-int`, a 64-hex response, `userhash=true`).
/// Saturates instead of overflowing.
///
/// ```
/// use minted_connect_core::auth::{max_authorization_len, MAX_AUTHORIZATION_LEN};
/// assert!(max_authorization_len(5, 20) < MAX_AUTHORIZATION_LEN);
/// ```
pub const fn max_authorization_len(username_len: usize, uri_len: usize) -> usize {
    let ext = "username*=UTF-8''"
        .len()
        .saturating_add(username_len.saturating_mul(3));
    let quoted = "username=\"\""
        .len()
        .saturating_add(username_len.saturating_mul(2));
    let hashed = "username=\"\"".len() + MAX_HEX_LEN;
    let mut username = if ext > quoted { ext } else { quoted };
    if hashed > username {
        username = hashed;
    }
    let fixed = "Digest ".len()
        + ", realm=\"\"".len()
        + REALM_CAPACITY
        + ", uri=\"\"".len()
        + ", algorithm=".len()
        + ALGORITHM_TOKEN_CAPACITY
        + ", nonce=\"\"".len()
        + NONCE_CAPACITY
        + ", nc=00000000".len()
        + ", cnonce=\"\"".len()
        + MAX_CNONCE_LEN
        + ", qop=auth-int".len()
        + ", response=\"\"".len()
        + MAX_HEX_LEN
        + ", opaque=\"\"".len()
        + OPAQUE_CAPACITY
        + ", userhash=true".len();
    fixed.saturating_add(username).saturating_add(uri_len)
}

/// Buffer size that always holds [`DigestSession::authorize`](super::DigestSession::authorize)'s
/// output, assuming a username of at most [`MAX_USERNAME_LEN`] bytes and a
/// request-target of at most [`MAX_URI_LEN`] bytes (1 501 bytes).
///
/// Real values are far shorter: the RFC 7616 §3.9.1 SHA-256 example is 361
/// bytes. A caller short of RAM may lend less and handle
/// [`DigestError::BufferTooSmall`](super::DigestError::BufferTooSmall).
pub const MAX_AUTHORIZATION_LEN: usize = max_authorization_len(MAX_USERNAME_LEN, MAX_URI_LEN);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_is_what_the_docs_say() {
        assert_eq!(MAX_AUTHORIZATION_LEN, 1501);
        assert_eq!(max_authorization_len(usize::MAX, usize::MAX), usize::MAX);
        // Short names are bounded by the 64-hex userhash form.
        assert_eq!(max_authorization_len(0, 0), 780 + 75);
        assert_eq!(max_authorization_len(20, 0), 780 + 77);
    }
}
