//! The RFC 7616 algorithms and qop values, and hashing into lowercase hex.
//!
//! Hashes are streamed (`update(user); update(b":"); …`), so no formatting
//! buffer is needed; the only scratch is a [`HexDigest`] of at most 64 bytes.

use core::fmt;

use md5::{Digest as _, Md5};
use sha2::Sha256;
#[cfg(feature = "sha512-256")]
use sha2::Sha512_256;

use super::limits::MAX_HEX_LEN;

/// A digest algorithm from the IANA "HTTP Digest Algorithm Values" registry.
///
/// SHA-512-256 is FIPS 180-4 SHA-512/256 (its own initial values), not a
/// truncated SHA-512; RFC 7616 erratum 4897 corrects the RFC's example.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Algorithm {
    /// `MD5`: the default when a challenge names no algorithm.
    Md5,
    /// `MD5-sess`.
    Md5Sess,
    /// `SHA-256`: mandatory to implement in RFC 7616.
    Sha256,
    /// `SHA-256-sess`.
    Sha256Sess,
    /// `SHA-512-256` (feature `sha512-256`: SHA-512's compression adds
    /// about 20 KB of code, which a kiosk should not carry for an
    /// algorithm the vendor does not use).
    #[cfg(feature = "sha512-256")]
    Sha512_256,
    /// `SHA-512-256-sess` (feature `sha512-256`).
    #[cfg(feature = "sha512-256")]
    Sha512_256Sess,
}

impl Algorithm {
    /// Every supported algorithm, in registry order.
    #[cfg(feature = "sha512-256")]
    pub const ALL: [Algorithm; 6] = [
        Self::Md5,
        Self::Md5Sess,
        Self::Sha256,
        Self::Sha256Sess,
        Self::Sha512_256,
        Self::Sha512_256Sess,
    ];

    /// Every supported algorithm, in registry order.
    #[cfg(not(feature = "sha512-256"))]
    pub const ALL: [Algorithm; 4] = [Self::Md5, Self::Md5Sess, Self::Sha256, Self::Sha256Sess];

    /// The RFC token, e.g. `SHA-256-sess`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Md5Sess => "MD5-sess",
            Self::Sha256 => "SHA-256",
            Self::Sha256Sess => "SHA-256-sess",
            #[cfg(feature = "sha512-256")]
            Self::Sha512_256 => "SHA-512-256",
            #[cfg(feature = "sha512-256")]
            Self::Sha512_256Sess => "SHA-512-256-sess",
        }
    }

    /// The algorithm named by `token`, compared case-insensitively (servers
    /// send `md5`, `MD5-SESS`…); `None` for anything else.
    ///
    /// ```
    /// use minted_connect_core::auth::Algorithm;
    /// assert_eq!(Algorithm::from_token("sha-256"), Some(Algorithm::Sha256));
    /// assert_eq!(Algorithm::from_token("SHA-1"), None);
    /// ```
    pub fn from_token(token: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(token))
    }

    /// Whether this is a `-sess` variant, whose H(A1) also covers the nonce
    /// and cnonce.
    pub const fn is_sess(self) -> bool {
        match self {
            Self::Md5Sess | Self::Sha256Sess => true,
            #[cfg(feature = "sha512-256")]
            Self::Sha512_256Sess => true,
            _ => false,
        }
    }

    /// Length of this algorithm's hex digests: 32 for MD5, 64 otherwise.
    pub const fn hex_len(self) -> usize {
        match self {
            Self::Md5 | Self::Md5Sess => 32,
            _ => 64,
        }
    }

    /// A fresh hasher for this algorithm.
    pub(crate) fn hasher(self) -> Hasher {
        match self {
            Self::Md5 | Self::Md5Sess => Hasher::Md5(Md5::new()),
            Self::Sha256 | Self::Sha256Sess => Hasher::Sha256(Sha256::new()),
            #[cfg(feature = "sha512-256")]
            Self::Sha512_256 | Self::Sha512_256Sess => Hasher::Sha512_256(Sha512_256::new()),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The quality of protection used for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Qop {
    /// `auth`: method and uri are protected.
    Auth,
    /// `auth-int`: the request body is hashed too.
    AuthInt,
}

impl Qop {
    /// The RFC token: `auth` or `auth-int`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Auth => "auth",
            Self::AuthInt => "auth-int",
        }
    }
}

impl fmt::Display for Qop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One of the three hash functions, chosen at run time.
pub(crate) enum Hasher {
    Md5(Md5),
    Sha256(Sha256),
    #[cfg(feature = "sha512-256")]
    Sha512_256(Sha512_256),
}

impl Hasher {
    /// Feeds `bytes`.
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        match self {
            Self::Md5(h) => h.update(bytes),
            Self::Sha256(h) => h.update(bytes),
            #[cfg(feature = "sha512-256")]
            Self::Sha512_256(h) => h.update(bytes),
        }
    }

    /// Feeds each of `parts` in turn.
    pub(crate) fn update_all(&mut self, parts: &[&[u8]]) {
        for part in parts {
            self.update(part);
        }
    }

    /// The digest in lowercase hex.
    pub(crate) fn finish(self) -> HexDigest {
        match self {
            Self::Md5(h) => HexDigest::from_bytes(&h.finalize()),
            Self::Sha256(h) => HexDigest::from_bytes(&h.finalize()),
            #[cfg(feature = "sha512-256")]
            Self::Sha512_256(h) => HexDigest::from_bytes(&h.finalize()),
        }
    }
}

/// A digest as lowercase hex: 32 characters for MD5, 64 for the SHA-2 family.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HexDigest {
    hex: [u8; MAX_HEX_LEN],
    len: usize,
}

impl HexDigest {
    fn from_bytes(bytes: &[u8]) -> Self {
        let mut hex = [0u8; MAX_HEX_LEN];
        let len = lower_hex(bytes, &mut hex);
        Self { hex, len }
    }

    /// The hex text.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The hex text as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.hex.get(..self.len).unwrap_or(&[])
    }
}

impl fmt::Display for HexDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for HexDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HexDigest({})", self.as_str())
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for HexDigest {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "HexDigest({=str})", self.as_str());
    }
}

/// Writes `bytes` as lowercase hex into `out` (as many whole bytes as fit);
/// returns the number of characters written.
pub(crate) fn lower_hex(bytes: &[u8], out: &mut [u8]) -> usize {
    let mut written = 0;
    for (pair, byte) in out.chunks_exact_mut(2).zip(bytes) {
        for (slot, nibble) in pair.iter_mut().zip([byte >> 4, byte & 0x0f]) {
            *slot = hex_digit(nibble);
        }
        written += 2;
    }
    written
}

/// The lowercase hex digit of a nibble.
const fn hex_digit(nibble: u8) -> u8 {
    match nibble {
        0..=9 => b'0' + nibble,
        _ => b'a' + (nibble & 0x0f) - 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(algorithm: Algorithm, input: &[u8]) -> HexDigest {
        let mut h = algorithm.hasher();
        h.update(input);
        h.finish()
    }

    #[test]
    fn known_digests_of_the_empty_string() {
        assert_eq!(
            hex(Algorithm::Md5, b"").as_str(),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
        assert_eq!(
            hex(Algorithm::Sha256Sess, b"").as_str(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // FIPS 180-4 SHA-512/256 of "abc" (its own IV, not truncated SHA-512).
        #[cfg(feature = "sha512-256")]
        assert_eq!(
            hex(Algorithm::Sha512_256, b"abc").as_str(),
            "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"
        );
    }

    #[test]
    fn tokens_round_trip_case_insensitively() {
        for a in Algorithm::ALL {
            assert_eq!(Algorithm::from_token(a.as_str()), Some(a));
            let mut upper = [0u8; 16];
            let upper = &mut upper[..a.as_str().len()];
            upper.copy_from_slice(a.as_str().as_bytes());
            upper.make_ascii_uppercase();
            let upper = core::str::from_utf8(upper).unwrap();
            assert_eq!(Algorithm::from_token(upper), Some(a));
            assert_eq!(hex(a, b"x").as_str().len(), a.hex_len());
        }
        assert_eq!(Algorithm::from_token("MD5-sess "), None);
        assert_eq!(Algorithm::from_token(""), None);
        assert!(Algorithm::Sha256Sess.is_sess() && !Algorithm::Sha256.is_sess());
    }

    #[test]
    fn lower_hex_writes_whole_bytes_only() {
        let mut out = [b'.'; 5];
        assert_eq!(lower_hex(&[0x0f, 0xa0, 0xff], &mut out), 4);
        assert_eq!(&out, b"0fa0.");
    }
}
