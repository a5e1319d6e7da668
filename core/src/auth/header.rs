//! Writing the `Authorization` value into a caller's buffer.
//!
//! Parameters come in the order of RFC 7616 §3.9.1 (`username`, `realm`,
//! `uri`, `algorithm`, `nonce`, `nc`, `cnonce`, `qop`, `response`, `opaque`,
//! `userhash`), joined by `", "`. `username`, `realm`, `uri`, `nonce`,
//! `cnonce`, `response` and `opaque` are quoted with `"` and `\` escaped;
//! `algorithm`, `nc`, `qop` and `userhash` are bare tokens. Callers check
//! beforehand that no value holds a control character, so nothing written
//! here can end the header line.

use super::algorithm::Qop;
use super::error::DigestError;

/// How the username goes on the wire.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Username<'a> {
    /// `username="…"`, escaped.
    Quoted(&'a str),
    /// `username*=UTF-8''…`, percent-encoded (RFC 8187), for a non-ASCII name
    /// when the server announced `charset=UTF-8` and no userhash.
    Extended(&'a str),
    /// `username="<hex>"` plus `userhash=true`.
    Hashed(&'a str),
}

/// The parameters of one `Authorization` value, all unescaped.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AuthorizationParts<'a> {
    pub(crate) username: Username<'a>,
    pub(crate) realm: &'a str,
    pub(crate) uri: &'a str,
    /// Echoed only when the challenge had an `algorithm` parameter.
    pub(crate) algorithm: Option<&'a str>,
    pub(crate) nonce: &'a str,
    /// `nc`, `cnonce` and `qop`: sent only with a qop.
    pub(crate) qop: Option<(Qop, &'a [u8; 8], &'a str)>,
    pub(crate) response: &'a str,
    pub(crate) opaque: Option<&'a str>,
}

/// Writes `parts` into `out`; returns the length written.
pub(crate) fn write_authorization(
    out: &mut [u8],
    parts: &AuthorizationParts<'_>,
) -> Result<usize, DigestError> {
    let mut w = Writer { out, len: 0 };
    w.raw(b"Digest ")?;
    match parts.username {
        Username::Quoted(name) | Username::Hashed(name) => w.quoted(b"username", name)?,
        Username::Extended(name) => {
            w.raw(b"username*=UTF-8''")?;
            w.percent_encoded(name)?;
        }
    }
    w.next_quoted(b"realm", parts.realm)?;
    w.next_quoted(b"uri", parts.uri)?;
    if let Some(algorithm) = parts.algorithm {
        w.next_token(b"algorithm", algorithm.as_bytes())?;
    }
    w.next_quoted(b"nonce", parts.nonce)?;
    if let Some((qop, nc, cnonce)) = parts.qop {
        w.next_token(b"nc", nc)?;
        w.next_quoted(b"cnonce", cnonce)?;
        w.next_token(b"qop", qop.as_str().as_bytes())?;
    }
    w.next_quoted(b"response", parts.response)?;
    if let Some(opaque) = parts.opaque {
        w.next_quoted(b"opaque", opaque)?;
    }
    if let Username::Hashed(_) = parts.username {
        w.next_token(b"userhash", b"true")?;
    }
    Ok(w.len)
}

/// Appends to the caller's buffer; any overflow is [`DigestError::BufferTooSmall`].
struct Writer<'o> {
    out: &'o mut [u8],
    len: usize,
}

impl Writer<'_> {
    fn raw(&mut self, bytes: &[u8]) -> Result<(), DigestError> {
        let end = self
            .len
            .checked_add(bytes.len())
            .ok_or(DigestError::BufferTooSmall)?;
        self.out
            .get_mut(self.len..end)
            .ok_or(DigestError::BufferTooSmall)?
            .copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    /// `name="value"`, with `"` and `\` escaped.
    fn quoted(&mut self, name: &[u8], value: &str) -> Result<(), DigestError> {
        self.raw(name)?;
        self.raw(b"=\"")?;
        // Byte-wise: both specials are ASCII, so no UTF-8 decoding is needed.
        let mut rest = value.as_bytes();
        loop {
            let at = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\')
                .unwrap_or(rest.len());
            let (head, tail) = rest.split_at_checked(at).unwrap_or((rest, &[]));
            self.raw(head)?;
            let Some((&special, tail)) = tail.split_first() else {
                break;
            };
            self.raw(&[b'\\', special])?;
            rest = tail;
        }
        self.raw(b"\"")
    }

    fn next_quoted(&mut self, name: &[u8], value: &str) -> Result<(), DigestError> {
        self.raw(b", ")?;
        self.quoted(name, value)
    }

    fn next_token(&mut self, name: &[u8], value: &[u8]) -> Result<(), DigestError> {
        self.raw(b", ")?;
        self.raw(name)?;
        self.raw(b"=")?;
        self.raw(value)
    }

    /// RFC 8187 `value-chars`: `attr-char` as is, every other byte as `%XX`
    /// (uppercase, as in RFC 7616 §3.9.2: `J%C3%A4s%C3%B8n%20Doe`).
    fn percent_encoded(&mut self, value: &str) -> Result<(), DigestError> {
        const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";
        for &b in value.as_bytes() {
            if is_attr_char(b) {
                self.raw(&[b])?;
            } else {
                let hi = UPPER_HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
                let lo = UPPER_HEX
                    .get(usize::from(b & 0x0f))
                    .copied()
                    .unwrap_or(b'0');
                self.raw(&[b'%', hi, lo])?;
            }
        }
        Ok(())
    }
}

/// RFC 8187 `attr-char`.
const fn is_attr_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
        )
}

/// Bytes `value` takes between the quotes once `"` and `\` are escaped.
pub(crate) fn escaped_len(value: &str) -> usize {
    value.len() + value.bytes().filter(|&b| b == b'"' || b == b'\\').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts<'a>(username: Username<'a>) -> AuthorizationParts<'a> {
        AuthorizationParts {
            username,
            realm: r#"a "quoted" \realm"#,
            uri: "/x?y=1",
            algorithm: None,
            nonce: "n",
            qop: None,
            response: "r",
            opaque: Some(""),
        }
    }

    fn write(p: &AuthorizationParts<'_>) -> ([u8; 256], usize) {
        let mut out = [0u8; 256];
        let n = write_authorization(&mut out, p).unwrap();
        (out, n)
    }

    #[test]
    fn quotes_and_backslashes_are_escaped() {
        let (out, n) = write(&parts(Username::Quoted("a\\b")));
        assert_eq!(
            core::str::from_utf8(&out[..n]).unwrap(),
            r#"Digest username="a\\b", realm="a \"quoted\" \\realm", uri="/x?y=1", nonce="n", response="r", opaque="""#
        );
        assert_eq!(escaped_len(r#"a "quoted" \realm"#), 20);
    }

    #[test]
    fn the_extended_username_is_percent_encoded() {
        let (out, n) = write(&parts(Username::Extended("J\u{e4}s\u{f8}n Doe!")));
        assert!(out[..n].starts_with(b"Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe!, realm="));
    }

    #[test]
    fn every_short_buffer_is_refused() {
        let p = AuthorizationParts {
            qop: Some((Qop::AuthInt, b"0000000a", "c")),
            algorithm: Some("MD5-sess"),
            ..parts(Username::Hashed("abc"))
        };
        let (full, n) = write(&p);
        assert!(full[..n].ends_with(b", userhash=true"));
        for len in 0..n {
            let mut out = [0u8; 256];
            assert_eq!(
                write_authorization(&mut out[..len], &p),
                Err(DigestError::BufferTooSmall)
            );
        }
    }
}
