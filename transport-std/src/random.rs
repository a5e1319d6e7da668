//! Digest cnonces and retry jitter from the operating system.
//!
//! [`OsRandom`] fills from the OS CSPRNG (`getrandom`). Should that ever
//! fail, it falls back to SipHash keyed by std's per-process random keys
//! over a counter and the clock: never a constant, never a panic.

use std::hash::{BuildHasher, Hasher, RandomState};
use std::time::{SystemTime, UNIX_EPOCH};

use minted_connect_core::auth::CnonceSource;

/// A [`CnonceSource`] over the operating system's random generator.
#[derive(Debug)]
pub struct OsRandom {
    fallback: RandomState,
    counter: u64,
}

impl OsRandom {
    /// A new source.
    pub fn new() -> Self {
        OsRandom {
            fallback: RandomState::new(),
            counter: 0,
        }
    }

    fn fill_fallback(&mut self, dest: &mut [u8]) {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        for chunk in dest.chunks_mut(8) {
            self.counter = self.counter.wrapping_add(1);
            let mut hasher = self.fallback.build_hasher();
            hasher.write_u64(self.counter);
            hasher.write_u128(nanos);
            let word = hasher.finish().to_le_bytes();
            chunk.copy_from_slice(word.get(..chunk.len()).unwrap_or(&word));
        }
    }
}

impl Default for OsRandom {
    fn default() -> Self {
        Self::new()
    }
}

impl CnonceSource for OsRandom {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        if getrandom::fill(dest).is_err() {
            self.fill_fallback(dest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_constant() {
        let mut rng = OsRandom::new();
        let (mut a, mut b) = ([0u8; 16], [0u8; 16]);
        rng.fill_bytes(&mut a);
        rng.fill_bytes(&mut b);
        assert_ne!(a, b);
        let (mut c, mut d) = ([0u8; 13], [0u8; 13]);
        rng.fill_fallback(&mut c);
        rng.fill_fallback(&mut d);
        assert_ne!(c, d);
        assert_ne!(c, [0; 13]);
    }
}
