//! The digest module's error types: one for reading a challenge, one for
//! keeping a session and writing `Authorization`.
//!
//! Both are `Copy`, carry no heap data, implement `Display` and
//! `core::error::Error`, and `defmt::Format` with the `defmt` feature.

use core::fmt;

/// Why [`find_digest_challenge`](super::find_digest_challenge) found no usable
/// Digest challenge.
///
/// When several Digest challenges are present and none is usable, the error
/// of the first one is reported; syntax errors outside any Digest challenge
/// are reported only when no Digest challenge was seen at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ChallengeError {
    /// No `WWW-Authenticate` value holds a Digest challenge (only Basic,
    /// Bearer… or nothing at all).
    NoDigestChallenge,
    /// The Digest challenge names an `algorithm` this client does not
    /// implement (e.g. `SHA-1` or a future token).
    UnsupportedAlgorithm,
    /// The Digest challenge has a `qop` list without `auth` or `auth-int`
    /// (e.g. only `auth-conf`).
    UnsupportedQop,
    /// The Digest challenge uses a `-sess` algorithm but offers no `qop`:
    /// the session key needs a `cnonce`, which may only be sent with `qop`.
    MissingQop,
    /// The Digest challenge has no `realm`, which every response hashes.
    MissingRealm,
    /// The Digest challenge has no `nonce`.
    MissingNonce,
    /// The header value breaks the RFC 9110 challenge grammar: an
    /// unterminated or ill-escaped quoted-string, a control character, a
    /// missing comma or `=`, a token68 after `Digest`, or one parameter given
    /// twice in the Digest challenge.
    Malformed,
}

impl fmt::Display for ChallengeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoDigestChallenge => "no Digest challenge in WWW-Authenticate",
            Self::UnsupportedAlgorithm => "Digest challenge with an unsupported algorithm",
            Self::UnsupportedQop => "Digest challenge offers neither qop auth nor auth-int",
            Self::MissingQop => "Digest challenge with a -sess algorithm but no qop",
            Self::MissingRealm => "Digest challenge without realm",
            Self::MissingNonce => "Digest challenge without nonce",
            Self::Malformed => "malformed WWW-Authenticate value",
        })
    }
}

impl core::error::Error for ChallengeError {}

/// Which value a [`DigestError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum DigestField {
    /// The challenge's `realm`.
    Realm,
    /// The challenge's `nonce` (or an `Authentication-Info` `nextnonce`).
    Nonce,
    /// The challenge's `opaque`.
    Opaque,
    /// The caller's username.
    Username,
    /// The request method.
    Method,
    /// The request-target sent as `uri`.
    Uri,
    /// A caller-chosen `cnonce`.
    Cnonce,
}

impl fmt::Display for DigestField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Realm => "realm",
            Self::Nonce => "nonce",
            Self::Opaque => "opaque",
            Self::Username => "username",
            Self::Method => "method",
            Self::Uri => "uri",
            Self::Cnonce => "cnonce",
        })
    }
}

/// Why a [`DigestSession`](super::DigestSession) could not take a challenge
/// or write an `Authorization` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum DigestError {
    /// `authorize` was called before any challenge was accepted (or after
    /// [`clear`](super::DigestSession::clear)).
    NoChallenge,
    /// The output buffer cannot hold the whole value; nothing usable was
    /// written and the nonce count did not advance.
    /// [`MAX_AUTHORIZATION_LEN`](super::MAX_AUTHORIZATION_LEN) bytes always
    /// suffice within its documented assumptions.
    BufferTooSmall,
    /// A challenge value is longer than its capacity in the session
    /// ([`REALM_CAPACITY`](super::REALM_CAPACITY),
    /// [`NONCE_CAPACITY`](super::NONCE_CAPACITY),
    /// [`OPAQUE_CAPACITY`](super::OPAQUE_CAPACITY)), or a caller's cnonce is
    /// longer than [`MAX_CNONCE_LEN`](super::MAX_CNONCE_LEN). The session is
    /// left cleared, never truncated.
    TooLong {
        /// The value that did not fit.
        field: DigestField,
    },
    /// The value is empty where it must not be, or holds a character that
    /// cannot be sent: a method that is not a token, a `uri` with a space,
    /// control, quote, backslash or non-ASCII byte, a username with a control
    /// character that would go into a quoted-string, a cnonce with `"`, `\`,
    /// `:` or a non-visible character.
    Invalid {
        /// The offending value.
        field: DigestField,
    },
    /// The nonce has been used 2³² − 1 times; `nc` cannot go higher. A new
    /// challenge restarts the count.
    NonceCountExhausted,
}

impl fmt::Display for DigestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoChallenge => f.write_str("no digest challenge accepted yet"),
            Self::BufferTooSmall => {
                f.write_str("output buffer too small for the Authorization value")
            }
            Self::TooLong { field } => write!(f, "{field} is longer than its capacity"),
            Self::Invalid { field } => {
                write!(
                    f,
                    "{field} is empty or holds a character that cannot be sent"
                )
            }
            Self::NonceCountExhausted => f.write_str("nonce count exhausted"),
        }
    }
}

impl core::error::Error for DigestError {}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    fn is_error<E: core::error::Error>(_: &E) {}

    #[test]
    fn every_variant_displays_and_is_an_error() {
        let challenge = [
            ChallengeError::NoDigestChallenge,
            ChallengeError::UnsupportedAlgorithm,
            ChallengeError::UnsupportedQop,
            ChallengeError::MissingQop,
            ChallengeError::MissingRealm,
            ChallengeError::MissingNonce,
            ChallengeError::Malformed,
        ];
        for e in &challenge {
            is_error(e);
            assert!(!e.to_string().is_empty());
        }
        let digest = [
            DigestError::NoChallenge,
            DigestError::BufferTooSmall,
            DigestError::TooLong {
                field: DigestField::Nonce,
            },
            DigestError::Invalid {
                field: DigestField::Uri,
            },
            DigestError::NonceCountExhausted,
        ];
        for e in &digest {
            is_error(e);
            assert!(!e.to_string().is_empty());
        }
        assert_eq!(digest[2].to_string(), "nonce is longer than its capacity");
    }
}
