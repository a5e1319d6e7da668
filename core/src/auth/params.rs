//! The RFC 9110 §11 challenge grammar as a stream of items over one header
//! value, and the borrowed parameter values it yields.
//!
//! ```text
//! challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//! auth-param = token BWS "=" BWS ( token / quoted-string )
//! ```
//! A list element that starts with `token BWS "="` is a parameter of the
//! current challenge; any other element starts a new challenge. That is the
//! only way to tell where one challenge ends in
//! `Basic realm="x", Digest realm="y", nonce="n"`, and commas inside
//! quoted-strings never split anything.
//!
//! Guarantees: no panic and no allocation on any input, and linear time: each
//! call to `next` consumes input or ends the stream. After a syntax error the
//! stream yields [`Malformed`] once, skips to the next comma outside a
//! quoted-string, and goes on, so one broken challenge does not hide a good
//! one later in the line. Lenient where servers are sloppy: an unquoted
//! value may also hold `/` and `=` (an unquoted base64 nonce), and HTAB
//! counts as a space.

use core::fmt;

/// A parameter value as it appeared on the wire: the text between the quotes
/// of a quoted-string (its `\`-escapes still in place), or a bare token.
///
/// Hashes, comparisons, [`Display`](fmt::Display) and [`len`](Self::len) use
/// the **unescaped** value (`"DOMAIN\\host"` means `DOMAIN\host`); the raw
/// text is there for logging. Most values have no escapes, and
/// [`as_str`](Self::as_str) then gives them without copying.
#[derive(Clone, Copy)]
pub struct ParamValue<'a> {
    raw: &'a str,
    escaped: bool,
}

impl<'a> ParamValue<'a> {
    /// A value whose text is taken as is (a token, or a quoted-string without
    /// backslashes).
    pub(crate) const fn plain(raw: &'a str) -> Self {
        Self {
            raw,
            escaped: false,
        }
    }

    /// A piece of quoted-string text, escapes included (a qop list item).
    pub(crate) fn from_raw(raw: &'a str) -> Self {
        Self {
            raw,
            escaped: raw.contains('\\'),
        }
    }

    /// The text between the quotes, escapes included.
    pub const fn raw(&self) -> &'a str {
        self.raw
    }

    /// The value itself, when it has no escapes (the common case); `None`
    /// when it must be unescaped through [`unescaped`](Self::unescaped).
    pub const fn as_str(&self) -> Option<&'a str> {
        if self.escaped { None } else { Some(self.raw) }
    }

    /// The unescaped value, as consecutive string slices of the input.
    ///
    /// ```
    /// use minted_connect_core::auth::find_digest_challenge;
    /// let c = find_digest_challenge([r#"Digest realm="DOMAIN\\host", nonce="n""#])?;
    /// let mut realm = heapless::String::<32>::new();
    /// for piece in c.realm().unescaped() {
    ///     realm.push_str(piece).map_err(|_| "too long")?;
    /// }
    /// assert_eq!(realm, r"DOMAIN\host");
    /// assert_eq!(c.realm().raw(), r"DOMAIN\\host");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unescaped(&self) -> Unescaped<'a> {
        Unescaped {
            rest: self.raw,
            escaped: self.escaped,
        }
    }

    /// Length in bytes of the unescaped value.
    pub fn len(&self) -> usize {
        self.unescaped().map(str::len).sum()
    }

    /// Whether the unescaped value is empty (`opaque=""`).
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Whether the unescaped value equals `other`, ignoring ASCII case (for
    /// `stale="FALSE"`, `charset=utf-8`, `algorithm=md5`…).
    pub fn eq_ignore_ascii_case(&self, other: &str) -> bool {
        self.len() == other.len()
            && self
                .bytes()
                .zip(other.bytes())
                .all(|(a, b)| a.eq_ignore_ascii_case(&b))
    }

    /// The unescaped bytes.
    fn bytes(&self) -> impl Iterator<Item = u8> + 'a {
        self.unescaped().flat_map(str::bytes)
    }
}

impl PartialEq for ParamValue<'_> {
    /// Compares unescaped values: `"a\b"` equals `ab`.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.bytes().eq(other.bytes())
    }
}

impl Eq for ParamValue<'_> {}

impl PartialEq<str> for ParamValue<'_> {
    fn eq(&self, other: &str) -> bool {
        self.len() == other.len() && self.bytes().eq(other.bytes())
    }
}

impl PartialEq<&str> for ParamValue<'_> {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl fmt::Display for ParamValue<'_> {
    /// Writes the unescaped value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.unescaped().try_for_each(|piece| f.write_str(piece))
    }
}

impl fmt::Debug for ParamValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for piece in self.unescaped() {
            for c in piece.escape_debug() {
                fmt::Write::write_char(f, c)?;
            }
        }
        f.write_str("\"")
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for ParamValue<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "\"{=str}\"", self.raw);
    }
}

/// Iterator over the pieces of an unescaped [`ParamValue`]: runs of plain
/// text, and each escaped character on its own.
#[derive(Debug, Clone)]
pub struct Unescaped<'a> {
    rest: &'a str,
    escaped: bool,
}

impl<'a> Iterator for Unescaped<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        if !self.escaped {
            return Some(core::mem::take(&mut self.rest));
        }
        if let Some(after) = self.rest.strip_prefix('\\') {
            // `\x` stands for `x`; a lone trailing backslash (never produced
            // by the parser) stands for nothing.
            let len = after.chars().next().map_or(0, char::len_utf8);
            let (ch, rest) = after.split_at_checked(len)?;
            self.rest = rest;
            return (!ch.is_empty()).then_some(ch);
        }
        let end = self.rest.find('\\').unwrap_or(self.rest.len());
        let (piece, rest) = self.rest.split_at_checked(end)?;
        self.rest = rest;
        Some(piece)
    }
}

/// One list element of a header value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item<'a> {
    /// The start of a challenge, e.g. `Digest` or `Basic`.
    Scheme(&'a str),
    /// A token68 after a scheme (`Basic dXNlcg==`); its text is not needed.
    Token68,
    /// `name=value`.
    Param(&'a str, ParamValue<'a>),
}

/// The element broke the grammar; the stream has skipped past it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed;

/// The items of one header value, in order.
#[derive(Debug, Clone)]
pub(crate) struct Items<'a> {
    text: &'a str,
    pos: usize,
    /// Start of the current list element, where a resync scan begins.
    element_start: usize,
    /// A scheme was just yielded; a token68 or first parameter may follow.
    after_scheme: bool,
}

impl<'a> Items<'a> {
    /// The items of `text`, one `WWW-Authenticate` or `Authentication-Info` value.
    pub(crate) const fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            element_start: 0,
            after_scheme: false,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// Advances over bytes matching `accept`; returns the text passed over.
    fn take_while(&mut self, accept: fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(accept) {
            self.pos += 1;
        }
        self.text.get(start..self.pos).unwrap_or("")
    }

    /// Skips spaces and tabs; returns how many.
    fn skip_ows(&mut self) -> usize {
        self.take_while(is_ows).len()
    }

    fn token(&mut self) -> Result<&'a str, Malformed> {
        let token = self.take_while(is_tchar);
        if token.is_empty() {
            Err(Malformed)
        } else {
            Ok(token)
        }
    }

    /// `BWS "=" BWS value`, then the end of the element.
    fn param_value(&mut self, name: &'a str) -> Result<Item<'a>, Malformed> {
        self.skip_ows();
        if self.peek() != Some(b'=') {
            return Err(Malformed);
        }
        self.pos += 1;
        self.skip_ows();
        let value = if self.peek() == Some(b'"') {
            self.quoted_string()?
        } else {
            let token = self.take_while(is_unquoted_value_byte);
            if token.is_empty() {
                return Err(Malformed);
            }
            ParamValue::plain(token)
        };
        self.end_of_element()?;
        Ok(Item::Param(name, value))
    }

    /// A quoted-string starting at the opening quote.
    fn quoted_string(&mut self) -> Result<ParamValue<'a>, Malformed> {
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        loop {
            match self.peek() {
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    self.pos += 1;
                    if !self.peek().is_some_and(is_quoted_pair_byte) {
                        return Err(Malformed);
                    }
                    self.pos += 1;
                }
                Some(b) if is_qdtext(b) => self.pos += 1,
                _ => return Err(Malformed),
            }
        }
        let raw = self.text.get(start..self.pos).ok_or(Malformed)?;
        self.pos += 1;
        Ok(ParamValue { raw, escaped })
    }

    /// Optional spaces, then a comma (consumed) or the end of the value.
    fn end_of_element(&mut self) -> Result<(), Malformed> {
        self.skip_ows();
        match self.peek() {
            None => Ok(()),
            Some(b',') => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(Malformed),
        }
    }

    /// Consumes a token68 and the end of its element, or consumes nothing.
    fn try_token68(&mut self) -> bool {
        let start = self.pos;
        if self.take_while(is_token68_byte).is_empty() {
            return false;
        }
        self.take_while(|b| b == b'=');
        if self.end_of_element().is_ok() {
            true
        } else {
            self.pos = start;
            false
        }
    }

    /// What follows a scheme: nothing, a token68 or its first parameter.
    /// `None` when the element (and the challenge's parameters) ended.
    fn after_scheme(&mut self) -> Option<Result<Item<'a>, Malformed>> {
        let spaces = self.skip_ows();
        match self.peek() {
            None | Some(b',') => None,
            Some(_) if spaces == 0 => Some(Err(Malformed)),
            Some(_) if self.try_token68() => Some(Ok(Item::Token68)),
            Some(_) => Some(self.token().and_then(|name| self.param_value(name))),
        }
    }

    /// A list element: a parameter, or a scheme starting a new challenge.
    fn element(&mut self) -> Result<Item<'a>, Malformed> {
        let name = self.token()?;
        let after_name = self.pos;
        self.skip_ows();
        if self.peek() == Some(b'=') {
            return self.param_value(name);
        }
        self.pos = after_name;
        self.after_scheme = true;
        Ok(Item::Scheme(name))
    }

    /// Skips from the start of the broken element to just past the next comma
    /// outside a quoted-string (or to the end).
    fn resync(&mut self) {
        self.after_scheme = false;
        self.pos = self.element_start;
        let mut in_quotes = false;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' if in_quotes => self.pos += 1,
                b'"' => in_quotes = !in_quotes,
                b',' if !in_quotes => return,
                _ => {}
            }
        }
        self.pos = self.text.len();
    }
}

impl<'a> Iterator for Items<'a> {
    type Item = Result<Item<'a>, Malformed>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = if core::mem::take(&mut self.after_scheme) {
            self.after_scheme()
        } else {
            None
        };
        let item = match item {
            Some(item) => item,
            None => {
                // Empty list elements (`, ,`) are allowed and skipped.
                self.take_while(|b| b == b',' || is_ows(b));
                self.peek()?;
                self.element_start = self.pos;
                self.element()
            }
        };
        if item.is_err() {
            self.resync();
        }
        Some(item)
    }
}

/// SP or HTAB.
const fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `tchar`: the characters of a token (RFC 9110 §5.6.2).
pub(crate) const fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

/// The characters of a token68 before its `=` padding (RFC 9110 §11.2).
const fn is_token68_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
}

/// A token, leniently extended with `/` and `=` for unquoted base64 values.
const fn is_unquoted_value_byte(b: u8) -> bool {
    is_tchar(b) || b == b'/' || b == b'='
}

/// `qdtext`: anything but controls (HTAB allowed), `"` and `\`; bytes of
/// non-ASCII characters count as `obs-text`.
const fn is_qdtext(b: u8) -> bool {
    b == b'\t' || (b >= 0x20 && b != 0x7f && b != b'"' && b != b'\\')
}

/// The escaped byte of a quoted-pair: HTAB, SP, VCHAR or obs-text.
const fn is_quoted_pair_byte(b: u8) -> bool {
    b == b'\t' || (b >= 0x20 && b != 0x7f)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::format;
    use std::string::String;
    use std::vec::Vec;

    /// The items of `text`, written compactly for comparison.
    fn items(text: &str) -> Vec<String> {
        Items::new(text)
            .map(|item| match item {
                Ok(Item::Scheme(s)) => format!("S:{s}"),
                Ok(Item::Token68) => String::from("T68"),
                Ok(Item::Param(n, v)) => format!("{n}={v}"),
                Err(Malformed) => String::from("ERR"),
            })
            .collect()
    }

    #[test]
    fn challenges_and_params_are_told_apart() {
        assert_eq!(
            items(r#"Basic realm="Digest, x", Digest realm="y",nonce=n , qop="auth, auth-int""#),
            [
                "S:Basic",
                "realm=Digest, x",
                "S:Digest",
                "realm=y",
                "nonce=n",
                "qop=auth, auth-int"
            ]
        );
        assert_eq!(
            items("Negotiate, Basic dXNlcjpw==, Bearer abc=, Digest realm = x"),
            [
                "S:Negotiate",
                "S:Basic",
                "T68",
                "S:Bearer",
                "T68",
                "S:Digest",
                "realm=x"
            ]
        );
        assert_eq!(items(" , ,\t"), Vec::<String>::new());
        assert_eq!(items("Digest"), ["S:Digest"]);
    }

    #[test]
    fn escapes_are_kept_raw_and_undone_on_read() {
        let mut it = Items::new(r#"realm="a\"b\\c\d""#);
        let Some(Ok(Item::Param("realm", v))) = it.next() else {
            panic!("not a param");
        };
        assert_eq!(v.raw(), r#"a\"b\\c\d"#);
        assert_eq!(v.as_str(), None);
        assert_eq!(format!("{v}"), r#"a"b\cd"#);
        assert_eq!(v.len(), 6);
        assert!(v == r#"a"b\cd"#);
        assert_eq!(
            v.unescaped().collect::<Vec<_>>(),
            ["a", "\"", "b", "\\", "c", "d"]
        );
        assert_eq!(it.next(), None);
        // An escaped non-ASCII character stays whole.
        let v = ParamValue {
            raw: r"x\äy\",
            escaped: true,
        };
        assert_eq!(v.unescaped().collect::<Vec<_>>(), ["x", "ä", "y"]);
    }

    #[test]
    fn errors_resync_at_the_next_comma_outside_quotes() {
        assert_eq!(
            items(r#"Digest realm="a" nonce="b", Basic realm="x,y""#),
            ["S:Digest", "ERR", "S:Basic", "realm=x,y"]
        );
        assert_eq!(
            items(r#"Digest realm="unterminated, Basic"#),
            ["S:Digest", "ERR"]
        );
        assert_eq!(items("Digest\"x\", Basic"), ["S:Digest", "ERR", "S:Basic"]);
        assert_eq!(items("@@@, realm=, Digest"), ["ERR", "ERR", "S:Digest"]);
        assert_eq!(items("realm=\"a\u{1}b\", x=y"), ["ERR", "x=y"]);
        assert_eq!(items("realm=\"a\\\u{7f}\""), ["ERR"]);
        assert_eq!(items("a=b=c, d=/e+f=="), ["a=b=c", "d=/e+f=="]);
    }

    #[test]
    fn comparisons_ignore_case_and_escapes() {
        let v = ParamValue {
            raw: r"F\ALSE",
            escaped: true,
        };
        assert!(v.eq_ignore_ascii_case("false"));
        assert!(!v.eq_ignore_ascii_case("fals"));
        assert_eq!(v, ParamValue::plain("FALSE"));
        assert_ne!(v, ParamValue::plain("false"));
        assert_eq!(format!("{v:?}"), "\"FALSE\"");
        assert!(ParamValue::plain("").is_empty());
    }
}
