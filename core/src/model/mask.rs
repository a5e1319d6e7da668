//! Masking of personal data in `Debug` and `defmt` output.

use core::fmt;

/// How many trailing characters of a value of `chars` code points are shown:
/// 4 for values of 8 or more, half (rounded down) for shorter ones.
pub(crate) const fn shown_chars(chars: usize) -> usize {
    if chars >= 8 { 4 } else { chars / 2 }
}

/// The visible tail of `value` and the number of hidden code points.
pub(crate) fn split_masked(value: &str) -> (usize, &str) {
    let chars = value.chars().count();
    let hidden = chars.saturating_sub(shown_chars(chars));
    let tail = value
        .char_indices()
        .nth(hidden)
        .and_then(|(at, _)| value.get(at..))
        .unwrap_or("");
    (hidden, tail)
}

/// A value shown as `*******7938` in `Debug` (and `defmt`) output.
pub(crate) struct Masked<'a>(pub(crate) &'a str);

impl fmt::Debug for Masked<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (hidden, tail) = split_masked(self.0);
        f.write_str("\"")?;
        for _ in 0..hidden {
            f.write_str("*")?;
        }
        f.write_str(tail)?;
        f.write_str("\"")
    }
}

/// Masks an optional value; `None` stays `None`.
pub(crate) struct MaskedOption<'a>(pub(crate) Option<&'a str>);

impl fmt::Debug for MaskedOption<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(value) => f.debug_tuple("Some").field(&Masked(value)).finish(),
            None => f.write_str("None"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    extern crate std;
    use std::format;

    #[test]
    fn masks_all_but_the_tail() {
        assert_eq!(format!("{:?}", Masked("12345677938")), "\"*******7938\"");
        assert_eq!(format!("{:?}", Masked("1234")), "\"**34\"");
        assert_eq!(format!("{:?}", Masked("ab")), "\"*b\"");
        assert_eq!(format!("{:?}", Masked("a")), "\"*\"");
        assert_eq!(format!("{:?}", Masked("")), "\"\"");
        assert_eq!(format!("{:?}", Masked("çağrı@ör.tr")), "\"*******r.tr\"");
        assert_eq!(format!("{:?}", MaskedOption(None)), "None");
    }
}
