//! The request writer: a checked request head into a lent buffer, then the
//! head and body to any [`embedded_io::Write`].
//!
//! Guarantees: every part of the head is checked before the first byte is
//! written (no CR/LF/NUL injection, token names, no second `Host`); a line is
//! written whole or not at all; nothing panics, whatever the input or the
//! writer does (a writer that accepts zero bytes is an error, not the panic
//! of `embedded_io::Write::write_all`).

use embedded_io::Write;

use super::cursor::{LineCursor, Overflow};
use super::error::{HeadError, HeadPart, WriteError};

/// Bytes of the longest `Content-Length: <usize>\r\n` line that
/// [`write_request`] may add to a head (16 + 20 digits + 2).
pub const CONTENT_LENGTH_LINE_MAX: usize = 38;

/// The head of one HTTP/1.1 request, borrowed from the caller.
///
/// Header pairs are `&[(&str, &str)]`, the currency of embedded-svc and
/// reqwless, so nothing is copied. `Host` is written from `host`, right after
/// the request line; do not repeat it in `headers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RequestHead<'a> {
    /// The method, a token such as `GET` or `PATCH` (case-sensitive).
    pub method: &'a str,
    /// The request-target exactly as sent: path and query, already
    /// percent-encoded (visible ASCII, no spaces).
    pub target: &'a str,
    /// The `Host` value: host name or address, with `:port` when it is not
    /// the scheme's default.
    pub host: &'a str,
    /// Further header fields as `(name, value)` pairs, written in order.
    pub headers: &'a [(&'a str, &'a str)],
}

impl RequestHead<'_> {
    /// Bytes [`encode_head`] writes for this head (whole head, final blank
    /// line included), or `None` if that overflows `usize`. Lets a caller size
    /// its buffer; [`write_request`] may add up to
    /// [`CONTENT_LENGTH_LINE_MAX`] more. Does not check the head.
    pub fn encoded_len(&self) -> Option<usize> {
        let mut total: usize = 0;
        emit(self, None, &mut |parts: &[&[u8]]| {
            for part in parts {
                total = total.checked_add(part.len()).ok_or(Overflow)?;
            }
            Ok(())
        })
        .ok()?;
        Some(total)
    }
}

/// Encodes `head` into `out` and returns the bytes written.
///
/// Writes `METHOD target HTTP/1.1`, `Host`, each pair of `headers` in order,
/// and the blank line; adds nothing else (see [`encode_head_for_body`] for the
/// `Content-Length` rule). Every part is checked first, so on error `out`
/// holds nothing useful; on [`HeadError::OutputTooSmall`] it holds only
/// whole lines.
///
/// ```
/// use minted_connect_core::http::{encode_head, RequestHead};
/// let head = RequestHead { method: "GET", target: "/partner/customer/42", host: "api.example",
///     headers: &[("x-client-id", "web")] };
/// let mut out = [0u8; 128];
/// let n = encode_head(&head, &mut out)?;
/// assert_eq!(&out[..n], b"GET /partner/customer/42 HTTP/1.1\r\nHost: api.example\r\nx-client-id: web\r\n\r\n");
/// # Ok::<(), minted_connect_core::http::HeadError>(())
/// ```
pub fn encode_head(head: &RequestHead<'_>, out: &mut [u8]) -> Result<usize, HeadError> {
    check_head(head)?;
    write_lines(head, None, out)
}

/// Encodes `head` for a request whose body is `body_len` bytes: the rule
/// [`write_request`] uses, exposed for transports that send the body themselves.
///
/// - a `Content-Length` pair in `headers` must equal `body_len`
///   ([`HeadError::ContentLengthMismatch`] otherwise);
/// - without one, `Content-Length: body_len` is added when the body is not
///   empty or the method is `POST`, `PUT` or `PATCH` (whose empty body must
///   still be announced, or some servers and esp-idf wait for one);
/// - a `Transfer-Encoding` pair is refused: the body is always sent whole.
pub fn encode_head_for_body(
    head: &RequestHead<'_>,
    body_len: usize,
    out: &mut [u8],
) -> Result<usize, HeadError> {
    check_head(head)?;
    let mut has_length = false;
    for (index, (name, value)) in head.headers.iter().enumerate() {
        if name.eq_ignore_ascii_case("content-length") {
            if parse_decimal(value.trim_matches([' ', '\t'])) != Some(body_len) {
                return Err(HeadError::ContentLengthMismatch { index });
            }
            has_length = true;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(HeadError::TransferEncodingNotSupported { index });
        }
    }
    let announces_body = matches!(head.method, "POST" | "PUT" | "PATCH");
    let add = (!has_length && (body_len > 0 || announces_body)).then_some(body_len);
    write_lines(head, add, out)
}

/// Writes the request — head, then `body` — to `w`, and flushes it.
///
/// The head is encoded into `scratch` by [`encode_head_for_body`] (so a
/// missing `Content-Length` is added; a wrong one is refused) before anything
/// is written. When head and body both fit in `scratch` they go out in one
/// write, so a plain TCP socket sends them together instead of waiting for
/// Nagle's algorithm between two small writes. `scratch` needs
/// [`RequestHead::encoded_len`] + [`CONTENT_LENGTH_LINE_MAX`] bytes at most.
///
/// ```
/// use minted_connect_core::http::{write_request, RequestHead};
/// let head = RequestHead { method: "PATCH", target: "/c/1", host: "h", headers: &[] };
/// let mut wire = [0u8; 128];
/// let mut w: &mut [u8] = &mut wire;
/// let mut scratch = [0u8; 128];
/// write_request(&mut w, &head, b"{}", &mut scratch)?;
/// let left = w.len();
/// assert_eq!(&wire[..128 - left], b"PATCH /c/1 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}");
/// # Ok::<(), minted_connect_core::http::WriteError<embedded_io::SliceWriteError>>(())
/// ```
pub fn write_request<W: Write + ?Sized>(
    w: &mut W,
    head: &RequestHead<'_>,
    body: &[u8],
    scratch: &mut [u8],
) -> Result<(), WriteError<W::Error>> {
    let head_len = encode_head_for_body(head, body.len(), scratch)?;
    let together = head_len
        .checked_add(body.len())
        .and_then(|end| scratch.get_mut(head_len..end));
    if let Some(tail) = together {
        tail.copy_from_slice(body);
        let all = head_len.saturating_add(body.len());
        write_all(w, scratch.get(..all).unwrap_or_default())?;
    } else {
        write_all(w, scratch.get(..head_len).unwrap_or_default())?;
        write_all(w, body)?;
    }
    w.flush().map_err(WriteError::Io)
}

/// `write_all` that reports a writer accepting zero bytes instead of panicking.
fn write_all<W: Write + ?Sized>(w: &mut W, mut bytes: &[u8]) -> Result<(), WriteError<W::Error>> {
    while !bytes.is_empty() {
        match w.write(bytes) {
            Ok(0) => return Err(WriteError::WriteZero),
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
            Err(e) => return Err(WriteError::Io(e)),
        }
    }
    Ok(())
}

fn write_lines(
    head: &RequestHead<'_>,
    content_length: Option<usize>,
    out: &mut [u8],
) -> Result<usize, HeadError> {
    let mut cursor = LineCursor::new(out);
    emit(head, content_length, &mut |parts: &[&[u8]]| {
        cursor.line(parts)
    })
    .map_err(|Overflow| HeadError::OutputTooSmall)?;
    Ok(cursor.position())
}

/// Receives one line of the head as parts to concatenate.
type LineSink<'f> = dyn FnMut(&[&[u8]]) -> Result<(), Overflow> + 'f;

/// Feeds the head's lines, in wire order, to `line`. The single place that
/// knows the layout, shared by [`encode_head`] and [`RequestHead::encoded_len`].
fn emit(
    head: &RequestHead<'_>,
    content_length: Option<usize>,
    line: &mut LineSink<'_>,
) -> Result<(), Overflow> {
    line(&[
        head.method.as_bytes(),
        b" ",
        head.target.as_bytes(),
        b" HTTP/1.1\r\n",
    ])?;
    line(&[b"Host: ", head.host.as_bytes(), b"\r\n"])?;
    for (name, value) in head.headers {
        line(&[name.as_bytes(), b": ", value.as_bytes(), b"\r\n"])?;
    }
    if let Some(len) = content_length {
        let mut digits = [0u8; 20];
        line(&[
            b"Content-Length: ",
            format_decimal(len, &mut digits),
            b"\r\n",
        ])?;
    }
    line(&[b"\r\n"])
}

/// Checks every part of the head; the first failing part is reported.
fn check_head(head: &RequestHead<'_>) -> Result<(), HeadError> {
    check_token(head.method, HeadPart::Method)?;
    check_visible(head.target, HeadPart::Target)?;
    check_visible(head.host, HeadPart::Host)?;
    for (index, (name, value)) in head.headers.iter().enumerate() {
        check_token(name, HeadPart::HeaderName { index })?;
        if name.eq_ignore_ascii_case("host") {
            return Err(HeadError::HostInHeaders { index });
        }
        check_value(value, HeadPart::HeaderValue { index })?;
    }
    Ok(())
}

fn is_control(b: u8) -> bool {
    b < 0x20 || b == 0x7f
}

/// RFC 9110 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn check_token(s: &str, part: HeadPart) -> Result<(), HeadError> {
    if s.is_empty() {
        return Err(HeadError::Empty { part });
    }
    if s.bytes().any(is_control) {
        return Err(HeadError::ControlCharacter { part });
    }
    if !s.bytes().all(is_tchar) {
        return Err(HeadError::InvalidCharacter { part });
    }
    Ok(())
}

/// Request-target and host: visible ASCII only (no space, no raw UTF-8).
fn check_visible(s: &str, part: HeadPart) -> Result<(), HeadError> {
    if s.is_empty() {
        return Err(HeadError::Empty { part });
    }
    if s.bytes().any(is_control) {
        return Err(HeadError::ControlCharacter { part });
    }
    if !s.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(HeadError::InvalidCharacter { part });
    }
    Ok(())
}

/// Field values: anything but control characters (HTAB allowed); UTF-8 passes.
fn check_value(s: &str, part: HeadPart) -> Result<(), HeadError> {
    if s.bytes().any(|b| is_control(b) && b != b'\t') {
        return Err(HeadError::ControlCharacter { part });
    }
    Ok(())
}

fn parse_decimal(s: &str) -> Option<usize> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.bytes().try_fold(0usize, |acc, b| {
        acc.checked_mul(10)?.checked_add(usize::from(b - b'0'))
    })
}

fn format_decimal(mut n: usize, digits: &mut [u8; 20]) -> &[u8] {
    let mut start = digits.len();
    loop {
        start = start.saturating_sub(1);
        if let Some(d) = digits.get_mut(start) {
            // n % 10 < 10, so the cast cannot truncate.
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || start == 0 {
            break;
        }
    }
    digits.get(start..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    const HEADERS: &[(&str, &str)] = &[
        ("Authorization", "Digest username=\"u\", realm=\"r\""),
        ("x-client-id", "web"),
        ("Accept-Language", "tr"),
        ("api-version", "3"),
        ("Content-Type", "application/json"),
        ("Content-Length", "18"),
    ];
    const BODY: &[u8] = b"{\"firstname\":\"Al\"}";

    fn patch() -> RequestHead<'static> {
        RequestHead {
            method: "PATCH",
            target: "/partner/customer/ext-1?x=1",
            host: "api.staging.mintedconnect.com",
            headers: HEADERS,
        }
    }

    const PATCH_WIRE: &[u8] = b"PATCH /partner/customer/ext-1?x=1 HTTP/1.1\r\n\
Host: api.staging.mintedconnect.com\r\n\
Authorization: Digest username=\"u\", realm=\"r\"\r\n\
x-client-id: web\r\n\
Accept-Language: tr\r\n\
api-version: 3\r\n\
Content-Type: application/json\r\n\
Content-Length: 18\r\n\
\r\n\
{\"firstname\":\"Al\"}";

    /// A writer that takes at most `step` bytes per call, into a fixed array.
    struct Wire {
        buf: [u8; 512],
        len: usize,
        step: usize,
        writes: usize,
        flushed: bool,
    }

    impl Wire {
        fn new(step: usize) -> Self {
            Self {
                buf: [0; 512],
                len: 0,
                step,
                writes: 0,
                flushed: false,
            }
        }
        fn bytes(&self) -> &[u8] {
            &self.buf[..self.len]
        }
    }

    impl embedded_io::ErrorType for Wire {
        type Error = embedded_io::ErrorKind;
    }

    impl Write for Wire {
        fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
            let n = buf.len().min(self.step).min(512 - self.len);
            if n == 0 && !buf.is_empty() {
                return Err(embedded_io::ErrorKind::WriteZero);
            }
            self.buf[self.len..self.len + n].copy_from_slice(&buf[..n]);
            self.len += n;
            self.writes += 1;
            Ok(n)
        }
        fn flush(&mut self) -> Result<(), Self::Error> {
            self.flushed = true;
            Ok(())
        }
    }

    #[test]
    fn patch_with_headers_and_body_is_byte_exact() {
        let mut w = Wire::new(usize::MAX);
        let mut scratch = [0u8; 512];
        write_request(&mut w, &patch(), BODY, &mut scratch).unwrap();
        assert_eq!(w.bytes(), PATCH_WIRE);
        assert_eq!(w.writes, 1, "head and body fit in scratch: one write");
        assert!(w.flushed);
    }

    #[test]
    fn patch_with_small_scratch_writes_head_then_body() {
        let mut w = Wire::new(3);
        let head_len = patch().encoded_len().unwrap();
        let mut scratch = [0u8; 512];
        write_request(&mut w, &patch(), BODY, &mut scratch[..head_len]).unwrap();
        assert_eq!(w.bytes(), PATCH_WIRE);
    }

    #[test]
    fn get_is_byte_exact() {
        let head = RequestHead {
            method: "GET",
            target: "/partner/customer/ext-1",
            host: "127.0.0.1:8080",
            headers: &[("x-client-id", "web")],
        };
        let mut out = [0u8; 128];
        let n = encode_head(&head, &mut out).unwrap();
        let want: &[u8] = b"GET /partner/customer/ext-1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nx-client-id: web\r\n\r\n";
        assert_eq!(&out[..n], want);
        assert_eq!(head.encoded_len(), Some(want.len()));
        // write_request adds no Content-Length to a GET without body.
        let mut w = Wire::new(usize::MAX);
        write_request(&mut w, &head, b"", &mut out).unwrap();
        assert_eq!(w.bytes(), want);
    }

    #[test]
    fn content_length_is_added_when_missing() {
        let head = RequestHead {
            method: "POST",
            target: "/c",
            host: "h",
            headers: &[],
        };
        let mut w = Wire::new(usize::MAX);
        let mut scratch = [0u8; 128];
        write_request(&mut w, &head, b"", &mut scratch).unwrap();
        assert_eq!(
            w.bytes(),
            b"POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"
        );
        let head = RequestHead {
            method: "DELETE",
            target: "/c",
            host: "h",
            headers: &[],
        };
        let mut w = Wire::new(usize::MAX);
        write_request(&mut w, &head, b"", &mut scratch).unwrap();
        assert_eq!(w.bytes(), b"DELETE /c HTTP/1.1\r\nHost: h\r\n\r\n");
        let mut w = Wire::new(usize::MAX);
        write_request(&mut w, &head, b"1234567890", &mut scratch).unwrap();
        assert_eq!(
            w.bytes(),
            b"DELETE /c HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n1234567890"
        );
    }

    #[test]
    fn wrong_content_length_and_transfer_encoding_are_refused() {
        let mut scratch = [0u8; 128];
        let mut w = Wire::new(usize::MAX);
        let head = RequestHead {
            method: "PATCH",
            target: "/c",
            host: "h",
            headers: &[("a", "b"), ("content-length", "3")],
        };
        assert_eq!(
            write_request(&mut w, &head, b"{}", &mut scratch),
            Err(WriteError::Head(HeadError::ContentLengthMismatch {
                index: 1
            }))
        );
        let head = RequestHead {
            method: "PATCH",
            target: "/c",
            host: "h",
            headers: &[("Content-Length", "+2")],
        };
        assert_eq!(
            write_request(&mut w, &head, b"{}", &mut scratch),
            Err(WriteError::Head(HeadError::ContentLengthMismatch {
                index: 0
            }))
        );
        let head = RequestHead {
            method: "PATCH",
            target: "/c",
            host: "h",
            headers: &[("Transfer-Encoding", "chunked")],
        };
        assert_eq!(
            write_request(&mut w, &head, b"{}", &mut scratch),
            Err(WriteError::Head(HeadError::TransferEncodingNotSupported {
                index: 0
            }))
        );
        assert_eq!(w.len, 0, "nothing written");
    }

    #[test]
    fn header_injection_is_refused() {
        let cases: &[(RequestHead<'_>, HeadError)] = &[
            (
                RequestHead {
                    method: "GET",
                    target: "/",
                    host: "h",
                    headers: &[("x-a", "ok\r\nInjected: 1")],
                },
                HeadError::ControlCharacter {
                    part: HeadPart::HeaderValue { index: 0 },
                },
            ),
            (
                RequestHead {
                    method: "GET",
                    target: "/",
                    host: "h",
                    headers: &[("x", "1"), ("x-a", "v\n")],
                },
                HeadError::ControlCharacter {
                    part: HeadPart::HeaderValue { index: 1 },
                },
            ),
            (
                RequestHead {
                    method: "GET",
                    target: "/",
                    host: "h",
                    headers: &[("x-a", "nul\0")],
                },
                HeadError::ControlCharacter {
                    part: HeadPart::HeaderValue { index: 0 },
                },
            ),
            (
                RequestHead {
                    method: "GET",
                    target: "/",
                    host: "h",
                    headers: &[("x-a\r\nEvil", "v")],
                },
                HeadError::ControlCharacter {
                    part: HeadPart::HeaderName { index: 0 },
                },
            ),
            (
                RequestHead {
                    method: "GET",
                    target: "/",
                    host: "h",
                    headers: &[("x a", "v")],
                },
                HeadError::InvalidCharacter {
                    part: HeadPart::HeaderName { index: 0 },
                },
            ),
            (
                RequestHead {
                    method: "GET",
                    target: "/",
                    host: "h",
                    headers: &[("x:a", "v")],
                },
                HeadError::InvalidCharacter {
                    part: HeadPart::HeaderName { index: 0 },
                },
            ),
            (
                RequestHead {
                    method: "GET",
                    target: "/",
                    host: "h",
                    headers: &[("", "v")],
                },
                HeadError::Empty {
                    part: HeadPart::HeaderName { index: 0 },
                },
            ),
            (
                RequestHead {
                    method: "GET",
                    target: "/",
                    host: "h",
                    headers: &[("HOST", "evil")],
                },
                HeadError::HostInHeaders { index: 0 },
            ),
            (
                RequestHead {
                    method: "GET",
                    target: "/ HTTP/1.1\r\nX: y",
                    host: "h",
                    headers: &[],
                },
                HeadError::ControlCharacter {
                    part: HeadPart::Target,
                },
            ),
            (
                RequestHead {
                    method: "GET",
                    target: "/a b",
                    host: "h",
                    headers: &[],
                },
                HeadError::InvalidCharacter {
                    part: HeadPart::Target,
                },
            ),
            (
                RequestHead {
                    method: "GET",
                    target: "/ü",
                    host: "h",
                    headers: &[],
                },
                HeadError::InvalidCharacter {
                    part: HeadPart::Target,
                },
            ),
            (
                RequestHead {
                    method: "GET",
                    target: "",
                    host: "h",
                    headers: &[],
                },
                HeadError::Empty {
                    part: HeadPart::Target,
                },
            ),
            (
                RequestHead {
                    method: "GET",
                    target: "/",
                    host: "h\r\nX: y",
                    headers: &[],
                },
                HeadError::ControlCharacter {
                    part: HeadPart::Host,
                },
            ),
            (
                RequestHead {
                    method: "GET",
                    target: "/",
                    host: "",
                    headers: &[],
                },
                HeadError::Empty {
                    part: HeadPart::Host,
                },
            ),
            (
                RequestHead {
                    method: "G T",
                    target: "/",
                    host: "h",
                    headers: &[],
                },
                HeadError::InvalidCharacter {
                    part: HeadPart::Method,
                },
            ),
            (
                RequestHead {
                    method: "GET\x7f",
                    target: "/",
                    host: "h",
                    headers: &[],
                },
                HeadError::ControlCharacter {
                    part: HeadPart::Method,
                },
            ),
        ];
        for (head, want) in cases {
            let mut out = [0u8; 256];
            assert_eq!(encode_head(head, &mut out), Err(*want), "{head:?}");
        }
    }

    #[test]
    fn tab_and_utf8_in_values_are_allowed() {
        let head = RequestHead {
            method: "GET",
            target: "/",
            host: "h",
            headers: &[("x-a", "a\tb ü")],
        };
        let mut out = [0u8; 64];
        let n = encode_head(&head, &mut out).unwrap();
        assert_eq!(
            &out[..n],
            "GET / HTTP/1.1\r\nHost: h\r\nx-a: a\tb ü\r\n\r\n".as_bytes()
        );
    }

    #[test]
    fn output_too_small_leaves_whole_lines_only() {
        let full = patch().encoded_len().unwrap();
        for size in 0..full {
            let mut out = [0xAAu8; 512];
            assert_eq!(
                encode_head(&patch(), &mut out[..size]),
                Err(HeadError::OutputTooSmall),
                "size {size}"
            );
        }
        let mut out = [0u8; 512];
        assert_eq!(encode_head(&patch(), &mut out[..full]), Ok(full));
    }

    #[test]
    fn write_zero_and_io_errors_are_reported() {
        struct Zero;
        impl embedded_io::ErrorType for Zero {
            type Error = embedded_io::ErrorKind;
        }
        impl Write for Zero {
            fn write(&mut self, _: &[u8]) -> Result<usize, Self::Error> {
                Ok(0)
            }
            fn flush(&mut self) -> Result<(), Self::Error> {
                Ok(())
            }
        }
        let mut scratch = [0u8; 256];
        assert_eq!(
            write_request(&mut Zero, &patch(), BODY, &mut scratch),
            Err(WriteError::WriteZero)
        );
        let mut full = Wire::new(usize::MAX);
        full.len = 500;
        assert_eq!(
            write_request(&mut full, &patch(), BODY, &mut scratch),
            Err(WriteError::Io(embedded_io::ErrorKind::WriteZero))
        );
    }

    #[test]
    fn decimal_formatting() {
        let mut d = [0u8; 20];
        assert_eq!(format_decimal(0, &mut d), b"0");
        assert_eq!(format_decimal(18, &mut d), b"18");
        assert_eq!(
            format_decimal(usize::MAX, &mut d),
            usize::MAX.to_string().as_bytes()
        );
        assert_eq!(parse_decimal("18446744073709551616"), None);
    }
}
