//! What the caller lends for each `Authorization`: credentials and randomness.
//!
//! Neither is stored by the session. The password never appears in `Debug`
//! or `defmt` output.

use core::fmt;

/// A username and password, borrowed for one `authorize` call.
///
/// Both are hashed as their UTF-8 bytes (what curl, requests and http-auth
/// do; RFC 7613 normalisation is not applied). `Debug` and `defmt` show the
/// username (an account name, not personal data) and never the password:
///
/// ```
/// use minted_connect_core::auth::Credentials;
/// let c = Credentials::new("alice", "s3cret");
/// assert_eq!(format!("{c:?}"), r#"Credentials { username: "alice", password: <redacted> }"#);
/// ```
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    /// The account name, sent as `username` (or hashed, with `userhash`).
    pub username: &'a str,
    /// The password; only ever hashed.
    pub password: &'a str,
}

impl<'a> Credentials<'a> {
    /// Credentials from a username and password.
    pub const fn new(username: &'a str, password: &'a str) -> Self {
        Self { username, password }
    }
}

/// Prints `<redacted>` unquoted, so it cannot be mistaken for a value.
pub(crate) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &Redacted)
            .finish()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Credentials<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Credentials {{ username: {=str}, password: <redacted> }}",
            self.username
        );
    }
}

/// Randomness for the client nonce (`cnonce`), supplied by the caller.
///
/// The core has no entropy of its own: on an ESP32 implement it over
/// `esp_random()`, on a host over `getrandom`. The bytes need not be
/// cryptographically strong for digest's purposes (they only have to differ
/// between requests), but a real random source is expected; never return a
/// constant outside tests.
///
/// ```
/// use minted_connect_core::auth::CnonceSource;
/// /// A test source: counts up. Not for production.
/// struct Counter(u8);
/// impl CnonceSource for Counter {
///     fn fill_bytes(&mut self, dest: &mut [u8]) {
///         for b in dest {
///             self.0 = self.0.wrapping_add(1);
///             *b = self.0;
///         }
///     }
/// }
/// ```
pub trait CnonceSource {
    /// Fills `dest` with random bytes.
    fn fill_bytes(&mut self, dest: &mut [u8]);
}

impl<T: CnonceSource + ?Sized> CnonceSource for &mut T {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        (**self).fill_bytes(dest);
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::format;

    #[test]
    fn debug_hides_the_password() {
        let c = Credentials::new("Mufasa", "Circle of Life");
        let shown = format!("{c:?}");
        assert!(shown.contains("Mufasa"));
        assert!(!shown.contains("Circle"));
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn a_mutable_reference_is_a_source() {
        struct Fives;
        impl CnonceSource for Fives {
            fn fill_bytes(&mut self, dest: &mut [u8]) {
                dest.fill(5);
            }
        }
        fn draw(mut rng: impl CnonceSource) -> [u8; 2] {
            let mut b = [0; 2];
            rng.fill_bytes(&mut b);
            b
        }
        let mut fives = Fives;
        assert_eq!(draw(&mut fives), [5, 5]);
        let dynamic: &mut dyn CnonceSource = &mut fives;
        assert_eq!(draw(dynamic), [5, 5]);
    }
}
