//! A small, strict JSON tokenizer over a UTF-8-checked body.
//!
//! Strict means RFC 8259: no comments, no trailing commas, no leading
//! zeros, no raw control characters in strings, only the defined escapes,
//! surrogate escapes only in pairs. Values the decoder does not read are
//! still checked by [`Parser::skip_value`], iteratively (no recursion), up
//! to [`MAX_DEPTH`] levels. Every step is bounds-checked: any input gives a
//! value or a [`DecodeError`](super::DecodeError), never a panic.

use heapless::string::StringView;

use super::word_error::WordError;
use crate::hex::hex_digit;

/// The deepest nesting of arrays and objects the decoder accepts.
pub const MAX_DEPTH: usize = 64;

/// A string token: the raw text between the quotes, checked.
#[derive(Clone, Copy, Debug)]
pub(crate) struct JsonStr<'a> {
    /// The text between the quotes, escapes not yet decoded.
    pub(crate) raw: &'a str,
    /// Whether `raw` holds a backslash.
    pub(crate) escapes: Escapes,
}

/// Whether a string token holds a backslash: a word wide rather than a
/// `bool`, so that a `JsonStr` has no padding bytes. LLVM copies the
/// padding after a `bool` as two overlapping 4-byte moves, and reading it
/// back stalls store forwarding (the same stall as [`WordError`] removes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub(crate) enum Escapes {
    /// The text between the quotes is the string.
    Absent = 0,
    /// Escapes must be decoded.
    Present = 1,
}

/// The escape after the backslash at `bytes[at]` is checked; returns the
/// decoded char and the index just past the escape.
/// How many bytes at the start of `bytes` a string holds as they are: not
/// `"`, `\\` or a control character. Eight bytes per step (SWAR), as a
/// string's text is most of a body's bytes.
#[inline]
fn plain_run(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    const QUOTES: u64 = u64::from_le_bytes([b'"'; 8]);
    const BACKSLASHES: u64 = u64::from_le_bytes([b'\\'; 8]);
    const SPACES: u64 = u64::from_le_bytes([0x20; 8]);
    let mut run = 0;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let Ok(chunk) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let word = u64::from_le_bytes(chunk);
        let quote = word ^ QUOTES;
        let backslash = word ^ BACKSLASHES;
        // A byte's high bit is set where it is zero (`quote`, `backslash`) or
        // below 0x20 (`word`). Borrows can also mark bytes after the first
        // hit, never before it: the lowest mark is the first special byte.
        let marks = (quote.wrapping_sub(ONES) & !quote
            | backslash.wrapping_sub(ONES) & !backslash
            | word.wrapping_sub(SPACES) & !word)
            & HIGH;
        if marks != 0 {
            return run + (marks.trailing_zeros() / 8) as usize;
        }
        run += 8;
    }
    run + chunks
        .remainder()
        .iter()
        .take_while(|&&b| b != b'"' && b != b'\\' && b >= 0x20)
        .count()
}

fn decode_escape(bytes: &[u8], at: usize) -> Result<(char, usize), WordError> {
    let kind = *bytes
        .get(at.wrapping_add(1))
        .ok_or(WordError::UNEXPECTED_END)?;
    let simple = match kind {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => return decode_unicode_escape(bytes, at),
        _ => return Err(WordError::invalid_escape(at)),
    };
    Ok((simple, at.saturating_add(2)))
}

/// Four hex digits at `bytes[at..at + 4]`.
fn hex4(bytes: &[u8], at: usize, escape_at: usize) -> Result<u32, WordError> {
    let Some(digits) = bytes.get(at..at.saturating_add(4)) else {
        // Too short: a wrong digit before the end is still the error.
        let rest = bytes.get(at..).unwrap_or_default();
        return Err(if rest.iter().all(|&b| hex_digit(b).is_some()) {
            WordError::UNEXPECTED_END
        } else {
            WordError::invalid_escape(escape_at)
        });
    };
    digits.iter().try_fold(0u32, |value, &byte| {
        hex_digit(byte)
            .map(|digit| (value << 4) | u32::from(digit))
            .ok_or(WordError::invalid_escape(escape_at))
    })
}

/// `\uXXXX`, or a `\uD8xx\uDCxx` surrogate pair, at `bytes[at]`.
fn decode_unicode_escape(bytes: &[u8], at: usize) -> Result<(char, usize), WordError> {
    let first = hex4(bytes, at.saturating_add(2), at)?;
    let after = at.saturating_add(6);
    let code = match first {
        0xD800..=0xDBFF => {
            match (bytes.get(after), bytes.get(after.saturating_add(1))) {
                (Some(b'\\'), Some(b'u')) => {}
                (None, _) | (Some(b'\\'), None) => return Err(WordError::UNEXPECTED_END),
                _ => return Err(WordError::lone_surrogate(at)),
            }
            let second = hex4(bytes, after.saturating_add(2), after)?;
            if !(0xDC00..=0xDFFF).contains(&second) {
                return Err(WordError::lone_surrogate(at));
            }
            let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
            return char::from_u32(code)
                .map(|c| (c, after.saturating_add(6)))
                .ok_or(WordError::lone_surrogate(at));
        }
        0xDC00..=0xDFFF => return Err(WordError::lone_surrogate(at)),
        code => code,
    };
    char::from_u32(code)
        .map(|c| (c, after))
        .ok_or(WordError::invalid_escape(at))
}

impl<'a> JsonStr<'a> {
    /// Decodes the string, handing the text to `push` in pieces; stops with
    /// `Ok(false)` as soon as `push` returns `false` (the sink is full).
    // `dyn`: one copy of the loop for every sink (each `String<N>` capacity
    // would otherwise get its own), at one indirect call per piece.
    pub(crate) fn unescape(&self, push: &mut dyn FnMut(&str) -> bool) -> Result<bool, WordError> {
        if self.escapes == Escapes::Absent {
            return Ok(push(self.raw));
        }
        let bytes = self.raw.as_bytes();
        let mut start = 0;
        let mut at: usize = 0;
        loop {
            // The parser checked the string: only a `\\` or its end stops
            // the run.
            at = at.saturating_add(plain_run(bytes.get(at..).unwrap_or_default()));
            if bytes.get(at) != Some(&b'\\') {
                break;
            }
            let run = self.raw.get(start..at).ok_or(WordError::syntax(at))?;
            if !run.is_empty() && !push(run) {
                return Ok(false);
            }
            let (c, next) = decode_escape(bytes, at)?;
            let mut utf8 = [0u8; 4];
            if !push(c.encode_utf8(&mut utf8)) {
                return Ok(false);
            }
            start = next;
            at = next;
        }
        let run = self.raw.get(start..).ok_or(WordError::syntax(start))?;
        Ok(run.is_empty() || push(run))
    }

    /// Decodes into `out`; `Ok(false)` if it did not fit (`out` then holds
    /// an unspecified prefix).
    pub(crate) fn decode_into(&self, out: &mut StringView) -> Result<bool, WordError> {
        out.clear();
        if self.escapes == Escapes::Absent {
            // The common case, without the indirect call.
            return Ok(out.push_str(self.raw).is_ok());
        }
        self.unescape(&mut |piece| out.push_str(piece).is_ok())
    }

    /// Decodes into `out`, cutting at a character boundary when it does not
    /// fit; returns whether it was cut.
    pub(crate) fn decode_truncating(&self, out: &mut StringView) -> Result<bool, WordError> {
        out.clear();
        let mut cut = false;
        self.unescape(&mut |piece| {
            if out.push_str(piece).is_ok() {
                return true;
            }
            let room = out.capacity().saturating_sub(out.len());
            let mut end = room.min(piece.len());
            while !piece.is_char_boundary(end) {
                end = end.saturating_sub(1);
            }
            let _ = out.push_str(piece.get(..end).unwrap_or(""));
            cut = true;
            false
        })?;
        Ok(cut)
    }

    /// Whether the decoded string equals `key` (keys are compared decoded,
    /// so `"\u0069d"` is `id`).
    #[inline]
    pub(crate) fn matches(&self, key: &str) -> bool {
        if self.escapes == Escapes::Absent {
            return self.raw == key;
        }
        self.matches_escaped(key)
    }

    #[inline(never)]
    fn matches_escaped(&self, key: &str) -> bool {
        let mut rest = key;
        let equal = self.unescape(&mut |piece| match rest.strip_prefix(piece) {
            Some(tail) => {
                rest = tail;
                true
            }
            None => false,
        });
        equal == Ok(true) && rest.is_empty()
    }
}

/// The tokenizer state: the body and a position in it.
#[derive(Debug)]
pub(crate) struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    /// Checks that `body` is UTF-8 and starts at its first byte.
    pub(crate) fn new(body: &'a [u8]) -> Result<Parser<'a>, WordError> {
        let text =
            core::str::from_utf8(body).map_err(|e| WordError::invalid_utf8(e.valid_up_to()))?;
        Ok(Parser { text, pos: 0 })
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn at(&self, pos: usize) -> Option<u8> {
        self.bytes().get(pos).copied()
    }

    /// The error for the byte at the current position: the end, or syntax.
    fn unexpected(&self) -> WordError {
        if self.pos >= self.text.len() {
            WordError::UNEXPECTED_END
        } else {
            WordError::syntax(self.pos)
        }
    }

    #[inline]
    fn skip_ws(&mut self) {
        // Every token starts above the space: one test when there is no
        // whitespace (a compact body).
        if self.at(self.pos).is_none_or(|b| b > b' ') {
            return;
        }
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.at(self.pos) {
            self.pos = self.pos.saturating_add(1);
        }
    }

    /// The first byte of the next token, after whitespace.
    #[inline]
    pub(crate) fn peek(&mut self) -> Result<u8, WordError> {
        self.skip_ws();
        self.at(self.pos).ok_or(WordError::UNEXPECTED_END)
    }

    /// Consumes `byte` after whitespace.
    fn expect(&mut self, byte: u8) -> Result<(), WordError> {
        if self.peek()? == byte {
            self.pos = self.pos.saturating_add(1);
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    /// After the top-level value: only whitespace may follow.
    pub(crate) fn finish(&mut self) -> Result<(), WordError> {
        self.skip_ws();
        if self.pos < self.text.len() {
            Err(WordError::trailing_characters(self.pos))
        } else {
            Ok(())
        }
    }

    /// A string token (the next token must start with `"`). Inlined: the
    /// common case, a string without escapes, is one scan.
    #[inline]
    pub(crate) fn string(&mut self) -> Result<JsonStr<'a>, WordError> {
        // Callers have usually peeked at the quote already.
        if self.at(self.pos) == Some(b'"') {
            self.pos = self.pos.saturating_add(1);
        } else {
            self.expect(b'"')?;
        }
        let start = self.pos;
        let rest = self.bytes().get(start..).unwrap_or_default();
        let run = plain_run(rest);
        if rest.get(run) == Some(&b'"') {
            let end = start.saturating_add(run);
            let raw = self.text.get(start..end).ok_or(WordError::syntax(end))?;
            self.pos = end.saturating_add(1);
            return Ok(JsonStr {
                raw,
                escapes: Escapes::Absent,
            });
        }
        self.string_with_escapes(start, start.saturating_add(run))
    }

    /// The rest of a string token from `at`, where its first escape (or a
    /// control character, or the end) is.
    #[inline(never)]
    fn string_with_escapes(
        &mut self,
        start: usize,
        mut at: usize,
    ) -> Result<JsonStr<'a>, WordError> {
        let bytes = self.bytes();
        let mut escapes = Escapes::Absent;
        loop {
            let byte = *bytes.get(at).ok_or(WordError::UNEXPECTED_END)?;
            match byte {
                b'"' => break,
                b'\\' => {
                    escapes = Escapes::Present;
                    at = decode_escape(bytes, at)?.1;
                }
                0x00..=0x1F => return Err(WordError::control_character(at)),
                _ => at = at.saturating_add(1),
            }
            at = at.saturating_add(plain_run(bytes.get(at..).unwrap_or_default()));
        }
        let raw = self.text.get(start..at).ok_or(WordError::syntax(at))?;
        self.pos = at.saturating_add(1);
        Ok(JsonStr { raw, escapes })
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.at(self.pos) {
            self.pos = self.pos.saturating_add(1);
        }
        self.pos.saturating_sub(start)
    }

    /// A number token, checked against JSON's grammar; returns its text.
    pub(crate) fn number(&mut self) -> Result<&'a str, WordError> {
        self.skip_ws();
        let start = self.pos;
        let invalid = |p: &Parser<'_>| {
            if p.pos >= p.text.len() {
                WordError::UNEXPECTED_END
            } else {
                WordError::invalid_number(start)
            }
        };
        if self.at(self.pos) == Some(b'-') {
            self.pos = self.pos.saturating_add(1);
        }
        match self.at(self.pos) {
            Some(b'0') => self.pos = self.pos.saturating_add(1),
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(invalid(self)),
        }
        if self.at(self.pos) == Some(b'.') {
            self.pos = self.pos.saturating_add(1);
            if self.digits() == 0 {
                return Err(invalid(self));
            }
        }
        if let Some(b'e' | b'E') = self.at(self.pos) {
            self.pos = self.pos.saturating_add(1);
            if let Some(b'+' | b'-') = self.at(self.pos) {
                self.pos = self.pos.saturating_add(1);
            }
            if self.digits() == 0 {
                return Err(invalid(self));
            }
        }
        self.text
            .get(start..self.pos)
            .ok_or(WordError::invalid_number(start))
    }

    /// The literal `true`, `false` or `null` (whichever `word` is).
    pub(crate) fn literal(&mut self, word: &[u8]) -> Result<(), WordError> {
        self.skip_ws();
        let rest = self.bytes().get(self.pos..).unwrap_or_default();
        if rest.starts_with(word) {
            self.pos = self.pos.saturating_add(word.len());
            Ok(())
        } else if word.starts_with(rest) {
            Err(WordError::UNEXPECTED_END)
        } else {
            Err(WordError::syntax(self.pos))
        }
    }

    /// `true` or `false`.
    pub(crate) fn boolean(&mut self) -> Result<Option<bool>, WordError> {
        match self.peek()? {
            b't' => self.literal(b"true").map(|()| Some(true)),
            b'f' => self.literal(b"false").map(|()| Some(false)),
            _ => Ok(None),
        }
    }

    /// Consumes `null` if it comes next; returns whether it did.
    pub(crate) fn null(&mut self) -> Result<bool, WordError> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Consumes the `{` of an object.
    pub(crate) fn object_start(&mut self) -> Result<(), WordError> {
        self.expect(b'{')
    }

    /// The next key of an object, with its `:` consumed, or `None` after the
    /// closing `}`. `first` must start `true` for each object.
    #[inline]
    pub(crate) fn next_key(&mut self, first: &mut bool) -> Result<Option<JsonStr<'a>>, WordError> {
        let byte = self.peek()?;
        if byte == b'}' && *first {
            self.pos = self.pos.saturating_add(1);
            return Ok(None);
        }
        if !*first {
            match byte {
                b',' => self.pos = self.pos.saturating_add(1),
                b'}' => {
                    self.pos = self.pos.saturating_add(1);
                    return Ok(None);
                }
                _ => return Err(self.unexpected()),
            }
        }
        *first = false;
        if self.peek()? != b'"' {
            return Err(self.unexpected());
        }
        let key = self.string()?;
        self.expect(b':')?;
        Ok(Some(key))
    }

    /// Whether another element of an array follows (consuming the `,`), or
    /// not (consuming the `]`). `first` must start `true` for each array,
    /// after [`Parser::array_start`].
    pub(crate) fn next_element(&mut self, first: &mut bool) -> Result<bool, WordError> {
        let byte = self.peek()?;
        if byte == b']' {
            self.pos = self.pos.saturating_add(1);
            return Ok(false);
        }
        if !*first {
            if byte != b',' {
                return Err(self.unexpected());
            }
            self.pos = self.pos.saturating_add(1);
            self.peek()?;
        }
        *first = false;
        Ok(true)
    }

    /// Consumes the `[` of an array.
    pub(crate) fn array_start(&mut self) -> Result<(), WordError> {
        self.expect(b'[')
    }

    /// Skips one value of any type, checking it strictly. Iterative: the
    /// open containers are kept as bits of a `u64` (1 = object).
    pub(crate) fn skip_value(&mut self) -> Result<(), WordError> {
        let mut stack: u64 = 0;
        let mut depth: usize = 0;
        loop {
            // A value is expected here.
            match self.peek()? {
                open @ (b'{' | b'[') => {
                    if depth >= MAX_DEPTH {
                        return Err(WordError::too_deep(self.pos));
                    }
                    self.pos = self.pos.saturating_add(1);
                    let close = if open == b'{' { b'}' } else { b']' };
                    if self.peek()? == close {
                        self.pos = self.pos.saturating_add(1);
                    } else {
                        stack = (stack << 1) | u64::from(open == b'{');
                        depth = depth.saturating_add(1);
                        if open == b'{' {
                            self.member_key()?;
                        }
                        continue;
                    }
                }
                b'"' => {
                    self.string()?;
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                b'-' | b'0'..=b'9' => {
                    self.number()?;
                }
                _ => return Err(self.unexpected()),
            }
            // A value is complete: close containers until another value is due.
            loop {
                if depth == 0 {
                    return Ok(());
                }
                let in_object = stack & 1 == 1;
                match self.peek()? {
                    b',' => {
                        self.pos = self.pos.saturating_add(1);
                        if in_object {
                            self.member_key()?;
                        }
                        break;
                    }
                    b'}' if in_object => {}
                    b']' if !in_object => {}
                    _ => return Err(self.unexpected()),
                }
                self.pos = self.pos.saturating_add(1);
                stack >>= 1;
                depth = depth.saturating_sub(1);
            }
        }
    }

    /// A member's key and `:` inside a skipped object.
    fn member_key(&mut self) -> Result<(), WordError> {
        if self.peek()? != b'"' {
            return Err(self.unexpected());
        }
        self.string()?;
        self.expect(b':')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `plain_run` the slow way.
    fn plain_run_bytewise(bytes: &[u8]) -> usize {
        bytes
            .iter()
            .take_while(|&&b| b != b'"' && b != b'\\' && b >= 0x20)
            .count()
    }

    #[test]
    fn plain_run_stops_at_the_first_special_byte_wherever_it_is() {
        let specials = (0x00..0x20u8).chain([b'"', b'\\']);
        // Neighbours that stress the borrows: 0x00, 0x01, 0x20, 0x21, the
        // special bytes themselves, and UTF-8 bytes (high bit set).
        let fillers = [b'a', 0x21, 0x20, 0x80, 0xC4, 0xFF, b'"' + 1, b'\\' + 1];
        for special in specials {
            for filler in fillers {
                for len in 0..=24 {
                    for at in 0..=len {
                        let mut bytes = [filler; 24];
                        if let Some(b) = bytes.get_mut(at) {
                            *b = special;
                        }
                        // A second special byte after the first must not
                        // move the answer.
                        if let Some(b) = bytes.get_mut(at + 1) {
                            *b = 0x00;
                        }
                        let bytes = &bytes[..len];
                        assert_eq!(plain_run(bytes), plain_run_bytewise(bytes), "{bytes:02x?}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn plain_run_agrees_with_the_bytewise_scan(bytes in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::num::u8::ANY,
                proptest::strategy::Just(b'"'),
                proptest::strategy::Just(b'\\'),
                0x20u8..0x7F,
            ],
            0..64,
        )) {
            proptest::prop_assert_eq!(plain_run(&bytes), plain_run_bytewise(&bytes));
        }
    }

    extern crate std;
    use std::string::String;

    use super::super::errors::DecodeError;

    fn skip(body: &str) -> Result<(), DecodeError> {
        let mut p = Parser::new(body.as_bytes())?;
        p.skip_value()?;
        Ok(p.finish()?)
    }

    fn decode(body: &str) -> Result<String, DecodeError> {
        let mut p = Parser::new(body.as_bytes())?;
        let s = p.string()?;
        p.finish()?;
        let mut out = String::new();
        s.unescape(&mut |piece| {
            out.push_str(piece);
            true
        })?;
        Ok(out)
    }

    #[test]
    fn skips_valid_json() {
        for ok in [
            "0",
            "-0",
            "1.5e3",
            "-12.25E-2",
            "1e+9",
            "true",
            "false",
            "null",
            "\"x\\\"y\"",
            "[]",
            "{}",
            "[[]]",
            "[1,[2,{\"a\":[{}]}],\"s\"]",
            "{\"a\":{\"b\":[1,{\"c\":null}]},\"d\":1.5e3, \"e\" : [ true , false ] }",
            " \t\r\n[ ] ",
        ] {
            assert_eq!(skip(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn refuses_invalid_json() {
        for bad in [
            "",
            "01",
            "1.",
            ".5",
            "-",
            "1e",
            "+1",
            "nul",
            "nulx",
            "tru",
            "[1,]",
            "[,1]",
            "{,}",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "{1:2}",
            "[1 2]",
            "{\"a\":1 \"b\":2}",
            "[}",
            "{]",
            "\"abc",
            "\"a\u{1}b\"",
            "\"\\x\"",
            "\"\\u12g4\"",
            "nonsense",
            "[1]]",
            "{} {}",
            "\"\\ud83d\"",
            "\"\\ude00\"",
            "\"\\ud83d\\u0041\"",
            "'a'",
            "[NaN]",
            "[Infinity]",
        ] {
            assert!(skip(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn depth_limit() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert_eq!(skip(&ok), Ok(()));
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert!(matches!(skip(&deep), Err(DecodeError::TooDeep { .. })));
        let deep_obj = "{\"a\":".repeat(100) + "1" + &"}".repeat(100);
        assert!(matches!(skip(&deep_obj), Err(DecodeError::TooDeep { .. })));
    }

    #[test]
    fn unescapes_everything() {
        assert_eq!(decode(r#""G\u00fclbilge""#).unwrap(), "Gülbilge");
        assert_eq!(
            decode(r#""a\/b\\c\"d\b\f\n\r\t""#).unwrap(),
            "a/b\\c\"d\u{8}\u{c}\n\r\t"
        );
        assert_eq!(decode(r#""\ud83d\ude00 \uD83D\uDE00""#).unwrap(), "😀 😀");
        assert_eq!(decode(r#""\u0000\u001F\u20AC""#).unwrap(), "\u{0}\u{1f}€");
        assert_eq!(decode("\"raw ü 😀\"").unwrap(), "raw ü 😀");
        assert_eq!(decode(r#""\udbff\udfff""#).unwrap(), "\u{10ffff}");
        assert!(matches!(
            decode(r#""\ud83d""#),
            Err(DecodeError::LoneSurrogate { .. })
        ));
        assert!(matches!(
            decode(r#""\ud83dx""#),
            Err(DecodeError::LoneSurrogate { .. })
        ));
        assert!(matches!(
            decode(r#""\ude00\ud83d""#),
            Err(DecodeError::LoneSurrogate { .. })
        ));
        assert!(matches!(
            decode(r#""\ud83d\ud83d""#),
            Err(DecodeError::LoneSurrogate { .. })
        ));
        assert!(matches!(
            decode(r#""\q""#),
            Err(DecodeError::InvalidEscape { .. })
        ));
        assert_eq!(decode(r#""\ud83d\ude0"#), Err(DecodeError::UnexpectedEnd));
        assert_eq!(decode(r#""\ud83d"#), Err(DecodeError::UnexpectedEnd));
        assert_eq!(decode(r#""\ud83d\"#), Err(DecodeError::UnexpectedEnd));
    }

    #[test]
    fn keys_match_decoded() {
        let mut p = Parser::new(br#""\u0069d""#).unwrap();
        let key = p.string().unwrap();
        assert!(key.matches("id"));
        assert!(!key.matches("i"));
        assert!(!key.matches("idx"));
    }

    #[test]
    fn truncating_decode_cuts_at_char_boundary() {
        let mut p = Parser::new("\"aé😀b\"".as_bytes()).unwrap();
        let s = p.string().unwrap();
        let mut out: heapless::String<5> = heapless::String::new();
        assert_eq!(s.decode_truncating(out.as_mut_view()), Ok(true));
        assert_eq!(out.as_str(), "aé");
        let mut fits: heapless::String<8> = heapless::String::new();
        assert_eq!(s.decode_truncating(fits.as_mut_view()), Ok(false));
        assert_eq!(fits.as_str(), "aé😀b");
    }
}
