//! The decoder's internal error: a [`DecodeError`] packed in one word.
//!
//! Why not `DecodeError` itself: its tag is one byte at offset 0, followed
//! by padding. In a `Result<JsonStr, DecodeError>` that byte lies over the
//! low byte of the string's pointer, and LLVM moves such a result (and a
//! `DecodeError` with a field) in byte-split pieces, down to two
//! overlapping 4-byte moves for seven bytes. Reading a word back from
//! pieces defeats the CPU's store forwarding: `perf` put about 40 % of a
//! decode's samples on those reloads (see `BENCHMARKS.md`, Decode). A `u64`
//! lies over the pointer whole, so both sides of a result move as whole
//! words. The public API still returns `DecodeError`; the conversion
//! happens once, on the error path.

use super::errors::{DecodeError, ResponseField};

/// A [`DecodeError`] as `kind | field << 8 | value << 16`, where `value` is
/// the offset or the capacity. Lossless for every value below 2^48 (256
/// TiB, more than any body in memory); higher bits are dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WordError(u64);

const UNEXPECTED_END: u64 = 0;
const INVALID_UTF8: u64 = 1;
const SYNTAX: u64 = 2;
const INVALID_ESCAPE: u64 = 3;
const LONE_SURROGATE: u64 = 4;
const CONTROL_CHARACTER: u64 = 5;
const INVALID_NUMBER: u64 = 6;
const TOO_DEEP: u64 = 7;
const TRAILING_CHARACTERS: u64 = 8;
const NOT_AN_OBJECT: u64 = 9;
const MISSING_DATA: u64 = 10;
const DATA_NOT_OBJECT: u64 = 11;
const WRONG_TYPE: u64 = 12;
const TOO_LONG: u64 = 13;
const INVALID_VALUE: u64 = 14;
const DUPLICATE_FIELD: u64 = 15;

impl WordError {
    /// [`DecodeError::UnexpectedEnd`].
    pub(crate) const UNEXPECTED_END: WordError = WordError(UNEXPECTED_END);

    const fn pack(kind: u64, field: u8, value: usize) -> WordError {
        WordError(kind | (field as u64) << 8 | (value as u64) << 16)
    }

    // The parser builds its errors with the `const fn`s below rather than
    // `WordError::from(DecodeError::…)`: measured, going through `From`
    // made `footprint-flow` 0.8 KB larger at opt-level z.
    const fn at(kind: u64, offset: usize) -> WordError {
        WordError::pack(kind, 0, offset)
    }

    /// [`DecodeError::InvalidUtf8`].
    pub(crate) const fn invalid_utf8(offset: usize) -> WordError {
        WordError::at(INVALID_UTF8, offset)
    }

    /// [`DecodeError::Syntax`].
    pub(crate) const fn syntax(offset: usize) -> WordError {
        WordError::at(SYNTAX, offset)
    }

    /// [`DecodeError::InvalidEscape`].
    pub(crate) const fn invalid_escape(offset: usize) -> WordError {
        WordError::at(INVALID_ESCAPE, offset)
    }

    /// [`DecodeError::LoneSurrogate`].
    pub(crate) const fn lone_surrogate(offset: usize) -> WordError {
        WordError::at(LONE_SURROGATE, offset)
    }

    /// [`DecodeError::ControlCharacter`].
    pub(crate) const fn control_character(offset: usize) -> WordError {
        WordError::at(CONTROL_CHARACTER, offset)
    }

    /// [`DecodeError::InvalidNumber`].
    pub(crate) const fn invalid_number(offset: usize) -> WordError {
        WordError::at(INVALID_NUMBER, offset)
    }

    /// [`DecodeError::TooDeep`].
    pub(crate) const fn too_deep(offset: usize) -> WordError {
        WordError::at(TOO_DEEP, offset)
    }

    /// [`DecodeError::TrailingCharacters`].
    pub(crate) const fn trailing_characters(offset: usize) -> WordError {
        WordError::at(TRAILING_CHARACTERS, offset)
    }
}

impl From<DecodeError> for WordError {
    fn from(error: DecodeError) -> WordError {
        match error {
            DecodeError::UnexpectedEnd => WordError::UNEXPECTED_END,
            DecodeError::InvalidUtf8 { offset } => WordError::invalid_utf8(offset),
            DecodeError::Syntax { offset } => WordError::syntax(offset),
            DecodeError::InvalidEscape { offset } => WordError::invalid_escape(offset),
            DecodeError::LoneSurrogate { offset } => WordError::lone_surrogate(offset),
            DecodeError::ControlCharacter { offset } => WordError::control_character(offset),
            DecodeError::InvalidNumber { offset } => WordError::invalid_number(offset),
            DecodeError::TooDeep { offset } => WordError::too_deep(offset),
            DecodeError::TrailingCharacters { offset } => WordError::trailing_characters(offset),
            DecodeError::NotAnObject => WordError(NOT_AN_OBJECT),
            DecodeError::MissingData => WordError(MISSING_DATA),
            DecodeError::DataNotObject => WordError(DATA_NOT_OBJECT),
            DecodeError::WrongType { field } => WordError::pack(WRONG_TYPE, field as u8, 0),
            DecodeError::TooLong { field, capacity } => {
                WordError::pack(TOO_LONG, field as u8, capacity)
            }
            DecodeError::InvalidValue { field } => WordError::pack(INVALID_VALUE, field as u8, 0),
            DecodeError::DuplicateField { field } => {
                WordError::pack(DUPLICATE_FIELD, field as u8, 0)
            }
        }
    }
}

impl From<WordError> for DecodeError {
    fn from(word: WordError) -> DecodeError {
        let value = usize::try_from(word.0 >> 16).unwrap_or(usize::MAX);
        let field = ResponseField::ALL
            .get(usize::from((word.0 >> 8) as u8))
            .copied()
            .unwrap_or(ResponseField::Data);
        match word.0 & 0xFF {
            INVALID_UTF8 => DecodeError::InvalidUtf8 { offset: value },
            SYNTAX => DecodeError::Syntax { offset: value },
            INVALID_ESCAPE => DecodeError::InvalidEscape { offset: value },
            LONE_SURROGATE => DecodeError::LoneSurrogate { offset: value },
            CONTROL_CHARACTER => DecodeError::ControlCharacter { offset: value },
            INVALID_NUMBER => DecodeError::InvalidNumber { offset: value },
            TOO_DEEP => DecodeError::TooDeep { offset: value },
            TRAILING_CHARACTERS => DecodeError::TrailingCharacters { offset: value },
            NOT_AN_OBJECT => DecodeError::NotAnObject,
            MISSING_DATA => DecodeError::MissingData,
            DATA_NOT_OBJECT => DecodeError::DataNotObject,
            WRONG_TYPE => DecodeError::WrongType { field },
            TOO_LONG => DecodeError::TooLong {
                field,
                capacity: value,
            },
            INVALID_VALUE => DecodeError::InvalidValue { field },
            DUPLICATE_FIELD => DecodeError::DuplicateField { field },
            // Only this module builds a `WordError`, with the kinds above;
            // `UNEXPECTED_END` is this one.
            _ => DecodeError::UnexpectedEnd,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_survives_the_round_trip() {
        let offsets = [0, 1, 255, 256, 494, 65_535, 1 << 40, (1 << 48) - 1];
        for offset in offsets {
            let errors = [
                DecodeError::InvalidUtf8 { offset },
                DecodeError::Syntax { offset },
                DecodeError::InvalidEscape { offset },
                DecodeError::LoneSurrogate { offset },
                DecodeError::ControlCharacter { offset },
                DecodeError::InvalidNumber { offset },
                DecodeError::TooDeep { offset },
                DecodeError::TrailingCharacters { offset },
            ];
            for error in errors {
                assert_eq!(DecodeError::from(WordError::from(error)), error);
            }
        }
        for error in [
            DecodeError::UnexpectedEnd,
            DecodeError::NotAnObject,
            DecodeError::MissingData,
            DecodeError::DataNotObject,
        ] {
            assert_eq!(DecodeError::from(WordError::from(error)), error);
        }
        for (index, field) in ResponseField::ALL.into_iter().enumerate() {
            assert_eq!(field as usize, index, "ALL is in declaration order");
            for capacity in [0, 1, 32, 255, 256, 4096] {
                let error = DecodeError::TooLong { field, capacity };
                assert_eq!(DecodeError::from(WordError::from(error)), error);
            }
            for error in [
                DecodeError::WrongType { field },
                DecodeError::InvalidValue { field },
                DecodeError::DuplicateField { field },
            ] {
                assert_eq!(DecodeError::from(WordError::from(error)), error);
            }
        }
    }

    #[test]
    fn one_word() {
        assert_eq!(core::mem::size_of::<WordError>(), 8);
    }
}
