//! The response head, parsed once: status, version, reason and a
//! fixed-capacity index of `(name, value)` byte ranges into the caller's bytes.
//!
//! [`ResponseHead::parse`] runs httparse once on a complete head; afterwards
//! lookups walk the index, never the bytes again. The head does not borrow the
//! bytes (so it can live in a transport's state); its accessors take the same
//! bytes again and use checked `get`, so bytes that do not match give `None`,
//! never a panic.

use core::fmt;

use super::error::ReadError;
use super::limits::{MAX_HEAD_LEN, MAX_HEADERS};

/// A byte range of the head, as `u16` offsets (heads are at most [`MAX_HEAD_LEN`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Span {
    start: u16,
    end: u16,
}

impl Span {
    /// The range `sub` occupies inside `base`, if it lies inside it.
    fn of(base: &[u8], sub: &[u8]) -> Option<Self> {
        let start = (sub.as_ptr() as usize).checked_sub(base.as_ptr() as usize)?;
        let end = start.checked_add(sub.len())?;
        if end > base.len() {
            return None;
        }
        Some(Self {
            start: u16::try_from(start).ok()?,
            end: u16::try_from(end).ok()?,
        })
    }

    fn get(self, bytes: &[u8]) -> Option<&[u8]> {
        bytes.get(usize::from(self.start)..usize::from(self.end))
    }
}

/// Name and value ranges of one header field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FieldSpan {
    name: Span,
    value: Span,
}

/// How the body of a response is delimited (RFC 9112 §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Framing {
    /// No body: a response to HEAD, or status 1xx, 204 or 304.
    NoBody,
    /// Exactly this many bytes follow the head.
    ContentLength(u64),
    /// `Transfer-Encoding: chunked`; decode with [`ChunkedDecoder`](super::ChunkedDecoder).
    Chunked,
    /// Neither length nor chunking: the body ends when the server closes the
    /// connection, which therefore cannot be reused.
    UntilClose,
}

/// The parsed head of one response: status line and an index of its fields.
///
/// Built once by [`ResponseHead::parse`]; about 280 bytes, no borrow.
#[derive(Clone, PartialEq, Eq)]
pub struct ResponseHead {
    fields: heapless::Vec<FieldSpan, MAX_HEADERS>,
    reason: Span,
    len: u16,
    status: u16,
    minor_version: u8,
    connection_close: bool,
    connection_keep_alive: bool,
    has_transfer_encoding: bool,
    has_content_length: bool,
}

impl ResponseHead {
    /// Parses the head at the start of `input`.
    ///
    /// Returns `Ok(None)` while the head is incomplete (read more and call
    /// again with the longer input), or the head, whose [`len`](Self::len) is
    /// the input used: the body starts right after it. Leading empty lines
    /// are skipped. Errors: [`ReadError::MalformedStatusLine`],
    /// [`ReadError::MalformedHeader`], [`ReadError::TooManyHeaders`], and
    /// [`ReadError::HeadTooLarge`] beyond [`MAX_HEAD_LEN`]. `E` is free: the
    /// parser does no I/O.
    pub fn parse<E>(input: &[u8]) -> Result<Option<Self>, ReadError<E>> {
        let mut raw = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Response::new(&mut raw);
        let len = match parsed.parse(input) {
            Ok(httparse::Status::Complete(len)) => len,
            Ok(httparse::Status::Partial) if input.len() >= MAX_HEAD_LEN => {
                return Err(ReadError::HeadTooLarge {
                    limit: MAX_HEAD_LEN,
                });
            }
            Ok(httparse::Status::Partial) => return Ok(None),
            Err(e) => return Err(map_httparse(e)),
        };
        let len = u16::try_from(len).map_err(|_| ReadError::HeadTooLarge {
            limit: MAX_HEAD_LEN,
        })?;
        let status = parsed
            .code
            .filter(|code| (100..=999).contains(code))
            .ok_or(ReadError::MalformedStatusLine)?;
        let minor_version = parsed.version.ok_or(ReadError::MalformedStatusLine)?;
        let reason = match parsed.reason {
            Some(r) if !r.is_empty() => {
                Span::of(input, r.as_bytes()).ok_or(ReadError::MalformedStatusLine)?
            }
            _ => Span::default(),
        };
        let mut head = Self {
            fields: heapless::Vec::new(),
            reason,
            len,
            status,
            minor_version,
            connection_close: false,
            connection_keep_alive: false,
            has_transfer_encoding: false,
            has_content_length: false,
        };
        for field in parsed.headers.iter() {
            let span = FieldSpan {
                name: Span::of(input, field.name.as_bytes()).ok_or(ReadError::MalformedHeader)?,
                value: Span::of(input, field.value).ok_or(ReadError::MalformedHeader)?,
            };
            head.fields
                .push(span)
                .map_err(|_| ReadError::TooManyHeaders)?;
            let name = field.name;
            if name.eq_ignore_ascii_case("connection") {
                for token in list_items(field.value) {
                    head.connection_close |= token.eq_ignore_ascii_case(b"close");
                    head.connection_keep_alive |= token.eq_ignore_ascii_case(b"keep-alive");
                }
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                head.has_transfer_encoding = true;
            } else if name.eq_ignore_ascii_case("content-length") {
                head.has_content_length = true;
            }
        }
        Ok(Some(head))
    }

    /// The status code, 100 to 999.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The minor HTTP version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    pub fn minor_version(&self) -> u8 {
        self.minor_version
    }

    /// Bytes of the head, final blank line included: where the body starts.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Always false: a parsed head holds at least a status line. Present
    /// because a `len` without `is_empty` surprises readers (and clippy).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of header fields.
    pub fn field_count(&self) -> usize {
        self.fields.len()
    }

    /// True for an interim (1xx) response, which precedes the final one.
    pub fn is_interim(&self) -> bool {
        (100..200).contains(&self.status)
    }

    /// The reason phrase (may be empty; empty too when it is not ASCII).
    pub fn reason<'a>(&self, input: &'a [u8]) -> &'a str {
        self.reason
            .get(input)
            .and_then(|r| core::str::from_utf8(r).ok())
            .unwrap_or_default()
    }

    /// Every field as `(name, raw value)`, in order. Values may hold
    /// non-UTF-8 bytes (obs-text).
    pub fn fields<'a>(&self, input: &'a [u8]) -> impl Iterator<Item = (&'a str, &'a [u8])> {
        self.fields.iter().filter_map(move |f| {
            let name = core::str::from_utf8(f.name.get(input)?).ok()?;
            Some((name, f.value.get(input)?))
        })
    }

    /// Raw values of every field named `name` (ASCII case-insensitive), in order.
    pub fn raw_values<'s, 'a>(
        &'s self,
        input: &'a [u8],
        name: &'s str,
    ) -> impl Iterator<Item = &'a [u8]> {
        self.fields(input)
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// Values of every field named `name` that are valid UTF-8, in order;
    /// values that are not UTF-8 are treated as absent.
    pub fn values<'s, 'a>(
        &'s self,
        input: &'a [u8],
        name: &'s str,
    ) -> impl Iterator<Item = &'a str> {
        self.raw_values(input, name)
            .filter_map(|v| core::str::from_utf8(v).ok())
    }

    /// The first UTF-8 value of the field `name` (see [`values`](Self::values)).
    pub fn value<'a>(&self, input: &'a [u8], name: &str) -> Option<&'a str> {
        self.values(input, name).next()
    }

    /// How the body is delimited.
    ///
    /// `request_was_head`: the request was `HEAD`, so there is no body
    /// whatever the head says. Otherwise 1xx, 204 and 304 have no body;
    /// `Transfer-Encoding` wins over `Content-Length` (RFC 9112 §6.3) and must
    /// be exactly `chunked`; all `Content-Length` values (several fields, or a
    /// comma list) must be the same number. `Content-Length` and
    /// `Transfer-Encoding` are only checked when they matter.
    pub fn framing<E>(
        &self,
        input: &[u8],
        request_was_head: bool,
    ) -> Result<Framing, ReadError<E>> {
        if request_was_head || self.is_interim() || self.status == 204 || self.status == 304 {
            return Ok(Framing::NoBody);
        }
        if self.has_transfer_encoding {
            let mut codings = self
                .raw_values(input, "transfer-encoding")
                .flat_map(list_items)
                .filter(|item| !item.is_empty());
            let only_chunked = codings
                .next()
                .is_some_and(|c| c.eq_ignore_ascii_case(b"chunked"))
                && codings.next().is_none();
            return if only_chunked {
                Ok(Framing::Chunked)
            } else {
                Err(ReadError::UnsupportedTransferEncoding)
            };
        }
        if self.has_content_length {
            let mut length = None;
            for item in self
                .raw_values(input, "content-length")
                .flat_map(list_items)
            {
                let n = parse_length(item).ok_or(ReadError::InvalidContentLength)?;
                match length {
                    Some(first) if first != n => return Err(ReadError::ConflictingContentLength),
                    _ => length = Some(n),
                }
            }
            return length
                .map(Framing::ContentLength)
                .ok_or(ReadError::InvalidContentLength);
        }
        Ok(Framing::UntilClose)
    }

    /// Whether the connection may carry the next request after this response.
    ///
    /// HTTP/1.1 keeps the connection unless `Connection: close`; HTTP/1.0
    /// closes it unless `Connection: keep-alive`. Whatever the headers say, a
    /// body delimited by close, a 101, or a head with both `Transfer-Encoding`
    /// and `Content-Length` (a smuggling sign, RFC 9112 §6.3) close it.
    pub fn keep_alive(&self, framing: Framing) -> bool {
        let persistent = if self.minor_version >= 1 {
            !self.connection_close
        } else {
            self.connection_keep_alive && !self.connection_close
        };
        persistent
            && framing != Framing::UntilClose
            && self.status != 101
            && !(self.has_transfer_encoding && self.has_content_length)
    }
}

impl fmt::Debug for ResponseHead {
    /// Status, version and field count only: values may carry credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseHead")
            .field("status", &self.status)
            .field("minor_version", &self.minor_version)
            .field("len", &self.len)
            .field("fields", &self.fields.len())
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for ResponseHead {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "ResponseHead {{ status: {=u16}, minor_version: {=u8}, len: {=u16}, fields: {=usize} }}",
            self.status,
            self.minor_version,
            self.len,
            self.fields.len()
        );
    }
}

fn map_httparse<E>(e: httparse::Error) -> ReadError<E> {
    match e {
        httparse::Error::TooManyHeaders => ReadError::TooManyHeaders,
        httparse::Error::HeaderName | httparse::Error::HeaderValue | httparse::Error::NewLine => {
            ReadError::MalformedHeader
        }
        httparse::Error::Status | httparse::Error::Version | httparse::Error::Token => {
            ReadError::MalformedStatusLine
        }
    }
}

/// The items of a comma-separated field value, with spaces and tabs trimmed.
pub(crate) fn list_items(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value.split(|&b| b == b',').map(trim_ows)
}

fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

/// A non-empty run of ASCII digits as `u64`; `None` on anything else or overflow.
fn parse_length(s: &[u8]) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.iter().try_fold(0u64, |acc, &b| {
        let digit = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        acc.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::convert::Infallible;

    fn parse(input: &[u8]) -> ResponseHead {
        ResponseHead::parse::<Infallible>(input).unwrap().unwrap()
    }

    #[test]
    fn fields_are_indexed_once_and_looked_up_case_insensitively() {
        let input: &[u8] = b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"a\"\r\nwww-authenticate: Digest realm=\"b\"\r\nContent-Length: 0\r\nX-Bin: \xff\r\n\r\nrest";
        let head = parse(input);
        assert_eq!(head.status(), 401);
        assert_eq!(head.reason(input), "Unauthorized");
        assert_eq!(head.len(), input.len() - 4);
        assert_eq!(head.field_count(), 4);
        let all: heapless::Vec<&str, 4> = head.values(input, "WWW-Authenticate").collect();
        assert_eq!(&all[..], &["Basic realm=\"a\"", "Digest realm=\"b\""]);
        assert_eq!(
            head.value(input, "x-bin"),
            None,
            "non-UTF-8 value is absent"
        );
        assert_eq!(head.raw_values(input, "x-bin").next(), Some(&b"\xff"[..]));
        assert_eq!(
            head.framing::<Infallible>(input, false),
            Ok(Framing::ContentLength(0))
        );
    }

    #[test]
    fn content_length_rules() {
        type Case = (&'static [u8], Result<Framing, ReadError<Infallible>>);
        let cases: &[Case] = &[
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
                Ok(Framing::ContentLength(5)),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n",
                Ok(Framing::ContentLength(5)),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
                Err(ReadError::ConflictingContentLength),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 5,6\r\n\r\n",
                Err(ReadError::ConflictingContentLength),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
                Err(ReadError::InvalidContentLength),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n",
                Err(ReadError::InvalidContentLength),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
                Err(ReadError::InvalidContentLength),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n",
                Err(ReadError::InvalidContentLength),
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n",
                Ok(Framing::ContentLength(u64::MAX)),
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                Ok(Framing::Chunked),
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\nContent-Length: 3\r\n\r\n",
                Ok(Framing::Chunked),
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                Err(ReadError::UnsupportedTransferEncoding),
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n",
                Err(ReadError::UnsupportedTransferEncoding),
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\n\r\n",
                Err(ReadError::UnsupportedTransferEncoding),
            ),
            (b"HTTP/1.1 200 OK\r\n\r\n", Ok(Framing::UntilClose)),
            (
                b"HTTP/1.1 204 No Content\r\nContent-Length: x\r\n\r\n",
                Ok(Framing::NoBody),
            ),
            (
                b"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n",
                Ok(Framing::NoBody),
            ),
        ];
        for (input, want) in cases {
            let head = parse(input);
            assert_eq!(
                &head.framing::<Infallible>(input, false),
                want,
                "{}",
                core::str::from_utf8(input).unwrap()
            );
            assert_eq!(head.framing::<Infallible>(input, true), Ok(Framing::NoBody));
        }
    }

    #[test]
    fn keep_alive_rules() {
        let cases: &[(&[u8], bool)] = &[
            (b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true),
            (
                b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
                false,
            ),
            (
                b"HTTP/1.1 200 OK\r\nConnection: Upgrade, Close\r\nContent-Length: 0\r\n\r\n",
                false,
            ),
            (b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false),
            (
                b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
                true,
            ),
            (b"HTTP/1.1 200 OK\r\n\r\n", false),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
                false,
            ),
        ];
        for (input, want) in cases {
            let head = parse(input);
            let framing = head.framing::<Infallible>(input, false).unwrap();
            assert_eq!(
                head.keep_alive(framing),
                *want,
                "{}",
                core::str::from_utf8(input).unwrap()
            );
        }
    }

    #[test]
    fn malformed_heads_are_typed() {
        let cases: &[(&[u8], ReadError<Infallible>)] = &[
            (b"HTTP/2.0 200 OK\r\n\r\n", ReadError::MalformedStatusLine),
            (b"HTTP/1.1 20 OK\r\n\r\n", ReadError::MalformedStatusLine),
            (b"HTTP/1.1 099 OK\r\n\r\n", ReadError::MalformedStatusLine),
            (b"ICY 200 OK\r\n\r\n", ReadError::MalformedStatusLine),
            (
                b"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
                ReadError::MalformedHeader,
            ),
            (
                b"HTTP/1.1 200 OK\r\nX: a\x01b\r\n\r\n",
                ReadError::MalformedHeader,
            ),
            (
                b"HTTP/1.1 200 OK\r\nX: a\rb\r\n\r\n",
                ReadError::MalformedHeader,
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                ResponseHead::parse::<Infallible>(input),
                Err(*want),
                "{input:?}"
            );
        }
    }

    #[test]
    fn too_many_headers() {
        let mut input = [0u8; 2048];
        let mut n = 0;
        for part in core::iter::once(&b"HTTP/1.1 200 OK\r\n"[..])
            .chain(core::iter::repeat_n(&b"X-A: b\r\n"[..], MAX_HEADERS + 1))
            .chain(core::iter::once(&b"\r\n"[..]))
        {
            input[n..n + part.len()].copy_from_slice(part);
            n += part.len();
        }
        assert_eq!(
            ResponseHead::parse::<Infallible>(&input[..n]),
            Err(ReadError::TooManyHeaders)
        );
    }

    #[test]
    fn partial_head_is_none() {
        let input: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        for end in 0..input.len() {
            assert_eq!(
                ResponseHead::parse::<Infallible>(&input[..end]),
                Ok(None),
                "{end}"
            );
        }
    }

    #[test]
    fn lookups_with_other_bytes_never_panic() {
        let input: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        let head = parse(input);
        assert_eq!(head.value(b"short", "content-length"), None);
        assert_eq!(head.reason(b""), "");
    }
}
