//! The response reader: one response from any [`embedded_io::Read`] into one
//! caller buffer, head first, then the body right after it.
//!
//! Guarantees: the head is parsed once (httparse runs only when a blank line
//! has arrived, so slow peers do not make it quadratic); the body is read by
//! `Content-Length`, by chunked coding (decoded in place, contiguous), or to
//! EOF; a body over the cap is refused from its declared size before it is
//! read; after the head, no read goes past the end of the response, and any
//! bytes the head read took beyond it are reported in [`Response::excess`],
//! never dropped silently. Nothing panics, whatever the peer sends.

use core::fmt;

use embedded_io::Read;

use super::chunked::ChunkedDecoder;
use super::error::{ReadError, ReadPhase};
use super::head::{Framing, ResponseHead};
use super::limits::{Limits, MAX_HEAD_LEN, MAX_INTERIM_RESPONSES};

/// A complete response whose head, body and excess bytes live in the
/// caller's buffer.
///
/// Holds the parsed head (an index, no re-parsing) and three slices of the
/// buffer. `Debug` and `defmt` show the status and sizes only, never header
/// values or body bytes (which carry nonces and personal data).
#[derive(Clone, PartialEq, Eq)]
pub struct Response<'b> {
    head: ResponseHead,
    head_bytes: &'b [u8],
    body: &'b [u8],
    excess: &'b [u8],
    framing: Framing,
    keep_alive: bool,
}

impl<'b> Response<'b> {
    /// The status code (100 to 999; never an interim 1xx other than 101).
    pub fn status(&self) -> u16 {
        self.head.status()
    }

    /// The reason phrase; empty when absent or not ASCII. Informational only.
    pub fn reason(&self) -> &'b str {
        self.head.reason(self.head_bytes)
    }

    /// The minor HTTP version: 1 for HTTP/1.1, 0 for HTTP/1.0.
    pub fn minor_version(&self) -> u8 {
        self.head.minor_version()
    }

    /// The first value of the header `name` (ASCII case-insensitive).
    ///
    /// Values that are not valid UTF-8 are treated as absent, so the first
    /// UTF-8 value wins; [`ResponseHead::raw_values`] (through
    /// [`head`](Self::head) and [`head_bytes`](Self::head_bytes)) gives raw bytes.
    pub fn header(&self, name: &str) -> Option<&'b str> {
        self.headers(name).next()
    }

    /// Every UTF-8 value of the header `name`, in order: several
    /// `WWW-Authenticate` lines come out one by one.
    pub fn headers<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'b str> + 's {
        self.head.values(self.head_bytes, name)
    }

    /// The body, decoded (chunk framing removed), contiguous.
    pub fn body(&self) -> &'b [u8] {
        self.body
    }

    /// Whether the connection may carry the next request: HTTP/1.1 unless
    /// `Connection: close`, HTTP/1.0 only with `Connection: keep-alive`, and
    /// never when the body ran to EOF, the head had both `Transfer-Encoding`
    /// and `Content-Length`, or bytes beyond the response arrived
    /// ([`excess`](Self::excess) is not empty).
    pub fn keep_alive(&self) -> bool {
        self.keep_alive
    }

    /// Bytes read past the end of this response (only the head read can take
    /// them: a server that sent more than it framed, or pipelining). A client
    /// that does not pipeline closes the connection when this is not empty;
    /// [`keep_alive`](Self::keep_alive) is then false.
    pub fn excess(&self) -> &'b [u8] {
        self.excess
    }

    /// How the body was delimited.
    pub fn framing(&self) -> Framing {
        self.framing
    }

    /// The parsed head, for lookups beyond [`header`](Self::header).
    pub fn head(&self) -> &ResponseHead {
        &self.head
    }

    /// The raw head bytes the [`head`](Self::head) indexes into.
    pub fn head_bytes(&self) -> &'b [u8] {
        self.head_bytes
    }
}

impl fmt::Debug for Response<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status())
            .field("fields", &self.head.field_count())
            .field("framing", &self.framing)
            .field("body_len", &self.body.len())
            .field("excess_len", &self.excess.len())
            .field("keep_alive", &self.keep_alive)
            .finish()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Response<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Response {{ status: {=u16}, body_len: {=usize}, keep_alive: {=bool} }}",
            self.status(),
            self.body.len(),
            self.keep_alive
        );
    }
}

/// Reads one response from `r` into `buf` and returns it.
///
/// Interim 1xx responses (`100 Continue`) are skipped (101 is returned: the
/// connection is then no longer HTTP). The head may take
/// `min(limits.max_head, buf.len(), MAX_HEAD_LEN)` bytes, the body
/// `min(limits.max_body, space left after the head)`. 204 and 304 have no
/// body; use [`read_response_to_head`] after a `HEAD` request. On any error
/// close the connection.
///
/// ```
/// use minted_connect_core::http::{read_response, Limits};
/// let mut wire: &[u8] = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
/// let mut buf = [0u8; 256];
/// let res = read_response(&mut wire, &mut buf, Limits::default())?;
/// assert_eq!((res.status(), res.body(), res.keep_alive()), (200, &b"{}"[..], true));
/// # Ok::<(), minted_connect_core::http::ReadError<core::convert::Infallible>>(())
/// ```
pub fn read_response<'b, R: Read + ?Sized>(
    r: &mut R,
    buf: &'b mut [u8],
    limits: Limits,
) -> Result<Response<'b>, ReadError<R::Error>> {
    read(r, buf, limits, false)
}

/// [`read_response`] for the answer to a `HEAD` request: never a body,
/// whatever `Content-Length` says.
pub fn read_response_to_head<'b, R: Read + ?Sized>(
    r: &mut R,
    buf: &'b mut [u8],
    limits: Limits,
) -> Result<Response<'b>, ReadError<R::Error>> {
    read(r, buf, limits, true)
}

fn read<'b, R: Read + ?Sized>(
    r: &mut R,
    buf: &'b mut [u8],
    limits: Limits,
    request_was_head: bool,
) -> Result<Response<'b>, ReadError<R::Error>> {
    let head_cap = limits.max_head.min(MAX_HEAD_LEN).min(buf.len());
    let mut filled = 0usize;
    let mut interim = 0usize;
    let head = loop {
        let head = read_head(r, buf, head_cap, &mut filled, interim > 0)?;
        if !head.is_interim() || head.status() == 101 {
            break head;
        }
        interim = interim.saturating_add(1);
        if interim > MAX_INTERIM_RESPONSES {
            return Err(ReadError::TooManyInterimResponses);
        }
        let rest = filled.saturating_sub(head.len());
        move_front(buf, head.len(), rest);
        filled = rest;
    };
    let body_start = head.len();
    let framing = head.framing(buf.get(..body_start).unwrap_or_default(), request_was_head)?;
    let body_cap = limits.max_body.min(buf.len().saturating_sub(body_start));
    let too_large = ReadError::BodyTooLarge { limit: body_cap };

    // (body end, excess start, excess end) as offsets into `buf`.
    let (body_end, excess_start) = match framing {
        Framing::NoBody => (body_start, body_start),
        Framing::ContentLength(len) => {
            let len = usize::try_from(len)
                .ok()
                .filter(|l| *l <= body_cap)
                .ok_or(too_large)?;
            let end = body_start.saturating_add(len);
            if filled < end {
                let dst = buf.get_mut(filled..end).unwrap_or_default();
                read_exact(r, dst)?;
                filled = end;
            }
            (end, end)
        }
        Framing::Chunked => {
            let (end, excess_start, new_filled) =
                read_chunked(r, buf, body_start, filled, body_cap)?;
            filled = new_filled;
            (end, excess_start)
        }
        Framing::UntilClose => {
            let cap_end = body_start.saturating_add(body_cap);
            if filled > cap_end {
                return Err(too_large);
            }
            loop {
                if filled == cap_end {
                    // The buffer is full: the body fits only if EOF follows.
                    let mut probe = [0u8; 1];
                    if read_some(r, &mut probe)? == 0 {
                        break;
                    }
                    return Err(too_large);
                }
                let n = read_some(r, buf.get_mut(filled..cap_end).unwrap_or_default())?;
                if n == 0 {
                    break;
                }
                filled = filled.saturating_add(n);
            }
            (filled, filled)
        }
    };

    let buf: &'b [u8] = buf;
    let excess = buf.get(excess_start..filled).unwrap_or_default();
    Ok(Response {
        keep_alive: head.keep_alive(framing) && excess.is_empty(),
        head_bytes: buf.get(..body_start).unwrap_or_default(),
        body: buf.get(body_start..body_end).unwrap_or_default(),
        excess,
        framing,
        head,
    })
}

/// Reads until a complete head sits at the start of `buf`; `filled` counts
/// the bytes in `buf` (it may already hold some, and ends up holding what
/// the reads brought, body bytes included).
fn read_head<R: Read + ?Sized>(
    r: &mut R,
    buf: &mut [u8],
    head_cap: usize,
    filled: &mut usize,
    after_interim: bool,
) -> Result<ResponseHead, ReadError<R::Error>> {
    let mut scan_from = 0usize;
    let mut leading_blank = 0usize;
    loop {
        let window = buf.get(..(*filled).min(head_cap)).unwrap_or_default();
        // Empty lines before the status line (httparse skips them) are not
        // the end of a head; skipping them here keeps the scan linear.
        leading_blank = leading_blank.saturating_add(
            window
                .get(leading_blank..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count(),
        );
        scan_from = scan_from.max(leading_blank);
        while let Some(end) = find_blank_line(window, scan_from) {
            if let Some(head) = ResponseHead::parse(window.get(..end).unwrap_or_default())? {
                return Ok(head);
            }
            // A blank line before the status line (httparse skips those).
            scan_from = end.saturating_sub(1);
        }
        scan_from = window.len().saturating_sub(2);
        if *filled >= head_cap {
            return Err(ReadError::HeadTooLarge { limit: head_cap });
        }
        let n = read_some(r, buf.get_mut(*filled..).unwrap_or_default())?;
        if n == 0 {
            let during = if *filled == 0 && !after_interim {
                ReadPhase::BeforeResponse
            } else {
                ReadPhase::Head
            };
            return Err(ReadError::UnexpectedEof { during });
        }
        *filled = filled.saturating_add(n);
    }
}

/// The end of the first blank line (`\n\n` or `\n\r\n`) that starts at or
/// after `from`: where a head may end.
fn find_blank_line(window: &[u8], from: usize) -> Option<usize> {
    let tail = window.get(from..)?;
    (0..tail.len()).find_map(|i| {
        let blank = match tail.get(i..)? {
            [b'\n', b'\n', ..] => 2,
            [b'\n', b'\r', b'\n', ..] => 3,
            _ => return None,
        };
        from.checked_add(i)?.checked_add(blank)
    })
}

/// Reads a chunked body whose first raw bytes are `buf[body_start..filled]`.
/// Returns (decoded body end, excess start, filled), all offsets into `buf`.
fn read_chunked<R: Read + ?Sized>(
    r: &mut R,
    buf: &mut [u8],
    body_start: usize,
    filled: usize,
    body_cap: usize,
) -> Result<(usize, usize, usize), ReadError<R::Error>> {
    let mut decoder = ChunkedDecoder::new(body_cap);
    let mut raw_start = body_start;
    let mut raw_end = filled;
    loop {
        let raw = buf.get_mut(raw_start..raw_end).unwrap_or_default();
        let done = decoder.decode_in_place(raw)?;
        let out_end = raw_start.saturating_add(done.output_used);
        if decoder.is_done() {
            return Ok((out_end, raw_start.saturating_add(done.input_used), raw_end));
        }
        // Everything was consumed: read the next raw bytes right after the
        // decoded data, never more than the body has left.
        let want = decoder.safe_read_len();
        if out_end < buf.len() {
            let end = out_end.saturating_add(want).min(buf.len());
            let n = read_some(r, buf.get_mut(out_end..end).unwrap_or_default())?;
            if n == 0 {
                return Err(ReadError::UnexpectedEof {
                    during: ReadPhase::Body,
                });
            }
            raw_start = out_end;
            raw_end = out_end.saturating_add(n);
        } else {
            // The data fills the buffer; only framing can follow (any more
            // data is refused by the decoder's cap), one byte at a time.
            let mut byte = [0u8; 1];
            if read_some(r, &mut byte)? == 0 {
                return Err(ReadError::UnexpectedEof {
                    during: ReadPhase::Body,
                });
            }
            if decoder.decode_in_place(&mut byte)?.output_used != 0 {
                return Err(ReadError::BodyTooLarge { limit: body_cap });
            }
            if decoder.is_done() {
                return Ok((out_end, out_end, out_end));
            }
            raw_start = out_end;
            raw_end = out_end;
        }
    }
}

/// One read; a reader claiming more bytes than the slice holds is clamped.
fn read_some<R: Read + ?Sized>(r: &mut R, dst: &mut [u8]) -> Result<usize, ReadError<R::Error>> {
    let n = r.read(dst).map_err(ReadError::Io)?;
    Ok(n.min(dst.len()))
}

/// Fills `dst` exactly; EOF first is [`ReadPhase::Body`].
fn read_exact<R: Read + ?Sized>(r: &mut R, mut dst: &mut [u8]) -> Result<(), ReadError<R::Error>> {
    while !dst.is_empty() {
        let n = read_some(r, dst)?;
        if n == 0 {
            return Err(ReadError::UnexpectedEof {
                during: ReadPhase::Body,
            });
        }
        dst = dst.get_mut(n..).unwrap_or_default();
    }
    Ok(())
}

/// Moves `buf[from..from + len]` to the front; ranges checked, never panics.
fn move_front(buf: &mut [u8], from: usize, len: usize) {
    if from.checked_add(len).is_some_and(|end| end <= buf.len()) {
        buf.copy_within(from..from.saturating_add(len), 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{MAX_HEADERS, ReadPhase};
    use embedded_io::ErrorKind;

    /// An in-memory connection that returns at most `step` bytes per read
    /// (reqwless' one-byte-per-read connection when `step` is 1), then EOF
    /// or `fail` once its bytes are used up.
    struct Wire<'a> {
        data: &'a [u8],
        pos: usize,
        step: usize,
        fail: Option<ErrorKind>,
    }

    impl<'a> Wire<'a> {
        fn new(data: &'a [u8], step: usize) -> Self {
            Self {
                data,
                pos: 0,
                step,
                fail: None,
            }
        }
        fn unread(&self) -> &'a [u8] {
            &self.data[self.pos..]
        }
    }

    impl embedded_io::ErrorType for Wire<'_> {
        type Error = ErrorKind;
    }

    impl Read for Wire<'_> {
        fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
            let n = self.step.min(buf.len()).min(self.data.len() - self.pos);
            if n == 0
                && !buf.is_empty()
                && let Some(e) = self.fail
            {
                return Err(e);
            }
            buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }

    macro_rules! json_body {
        () => {
            r#"{"success":true,"code":0,"message":"","data":{"firstname":"Gülbilge","lastname":"\u00c7elik","note":"😀 ok"}}"#
        };
    }
    const BODY: &[u8] = json_body!().as_bytes();

    const LENGTH: &[u8] = concat!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 112\r\n\r\n",
        json_body!()
    )
    .as_bytes();

    /// The same body in four chunks whose borders cut `ü`, the `\u00c7`
    /// escape and the emoji; with extensions and trailers.
    const CHUNKED: &[u8] =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n\
3d\r\n{\"success\":true,\"code\":0,\"message\":\"\",\"data\":{\"firstname\":\"G\xc3\r\n\
19;name=\"v;x\"\r\n\xbclbilge\",\"lastname\":\"\\u00\r\n\
12 ; q\r\nc7elik\",\"note\":\"\xf0\x9f\r\n\
8\r\n\x98\x80 ok\"}}\r\n\
0\r\nExpires: never\r\nX-Digest: sha-256=abc\r\n\r\n";

    const CHUNKED_HEAD: usize = 79;
    const LENGTH_HEAD: usize = LENGTH.len() - 112;

    const CONTINUE: &[u8] =
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";

    const CHALLENGE: &[u8] = b"HTTP/1.1 401 Unauthorized\r\n\
WWW-Authenticate: Basic realm=\"partner\"\r\n\
WWW-Authenticate: Digest realm=\"partner\", nonce=\"abc\", algorithm=SHA-256, qop=\"auth\"\r\n\
www-authenticate: Digest realm=\"partner\", nonce=\"abc\", algorithm=MD5, qop=\"auth\"\r\n\
Content-Length: 0\r\n\r\n";

    const CLOSE_422: &[u8] = b"HTTP/1.1 422 Unprocessable Entity\r\nConnection: close\r\nContent-Length: 27\r\n\r\n{\"message\":\"Parameter Err\"}";

    const HTTP10: &[u8] = b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello, until close";

    /// Self-delimiting fixtures, with the offset where the final head ends.
    const DELIMITED: &[(&[u8], usize)] = &[
        (LENGTH, LENGTH.len() - 112),
        (CHUNKED, CHUNKED_HEAD),
        (CONTINUE, CONTINUE.len() - 2),
        (CHALLENGE, CHALLENGE.len()),
        (CLOSE_422, CLOSE_422.len() - 27),
    ];

    fn read_all(
        data: &[u8],
        step: usize,
        buf: &mut [u8],
    ) -> Result<(u16, usize, bool), ReadError<ErrorKind>> {
        let mut wire = Wire::new(data, step);
        let res = read_response(&mut wire, buf, Limits::default())?;
        Ok((res.status(), res.body().len(), res.keep_alive()))
    }

    #[test]
    fn content_length_body() {
        let mut buf = [0u8; 512];
        let mut wire = Wire::new(LENGTH, usize::MAX);
        let res = read_response(&mut wire, &mut buf, Limits::default()).unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.reason(), "OK");
        assert_eq!(res.minor_version(), 1);
        assert_eq!(
            res.header("content-type"),
            Some("application/json; charset=utf-8")
        );
        assert_eq!(res.body(), BODY);
        assert_eq!(res.framing(), Framing::ContentLength(112));
        assert!(res.keep_alive());
        assert!(res.excess().is_empty());
    }

    #[test]
    fn chunked_body_with_cut_utf8_escapes_extensions_and_trailers() {
        let mut buf = [0u8; 512];
        let mut wire = Wire::new(CHUNKED, usize::MAX);
        let res = read_response(&mut wire, &mut buf, Limits::default()).unwrap();
        assert_eq!(res.body(), BODY);
        assert!(core::str::from_utf8(res.body()).is_ok());
        assert_eq!(res.framing(), Framing::Chunked);
        assert!(res.keep_alive());
        assert_eq!(res.header("expires"), None, "trailers are dropped");
        assert!(wire.unread().is_empty());
    }

    #[test]
    fn one_byte_reads_give_the_same_result_as_one_big_read() {
        for (fixture, _) in DELIMITED.iter().chain(&[(HTTP10, 0)]) {
            let mut big = [0u8; 512];
            let want = read_response(
                &mut Wire::new(fixture, usize::MAX),
                &mut big,
                Limits::default(),
            )
            .unwrap();
            for step in 1..=fixture.len() {
                let mut buf = [0u8; 512];
                let got = read_response(&mut Wire::new(fixture, step), &mut buf, Limits::default())
                    .unwrap();
                assert_eq!(
                    (
                        got.status(),
                        got.body(),
                        got.keep_alive(),
                        got.head_bytes(),
                        got.excess()
                    ),
                    (
                        want.status(),
                        want.body(),
                        want.keep_alive(),
                        want.head_bytes(),
                        want.excess()
                    ),
                    "step {step}"
                );
            }
        }
    }

    #[test]
    fn every_truncation_point_is_unexpected_eof() {
        for (fixture, head_end) in DELIMITED {
            for len in 0..fixture.len() {
                for step in [1, 7, usize::MAX] {
                    let mut buf = [0u8; 512];
                    let got = read_all(&fixture[..len], step, &mut buf);
                    let during = if len == 0 {
                        ReadPhase::BeforeResponse
                    } else if len < *head_end {
                        ReadPhase::Head
                    } else {
                        ReadPhase::Body
                    };
                    assert_eq!(
                        got,
                        Err(ReadError::UnexpectedEof { during }),
                        "len {len} step {step} of {fixture:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn truncated_until_close_head_is_unexpected_eof() {
        let head_end = HTTP10.len() - 18;
        for len in 1..head_end {
            let mut buf = [0u8; 512];
            assert_eq!(
                read_all(&HTTP10[..len], 1, &mut buf),
                Err(ReadError::UnexpectedEof {
                    during: ReadPhase::Head
                })
            );
        }
    }

    #[test]
    fn http10_reads_until_close_and_does_not_keep_alive() {
        let mut buf = [0u8; 512];
        let mut wire = Wire::new(HTTP10, 4);
        let res = read_response(&mut wire, &mut buf, Limits::default()).unwrap();
        assert_eq!(res.body(), b"hello, until close");
        assert_eq!(res.framing(), Framing::UntilClose);
        assert_eq!(res.minor_version(), 0);
        assert!(!res.keep_alive());
    }

    #[test]
    fn connection_close_is_reported() {
        let mut buf = [0u8; 512];
        let mut wire = Wire::new(CLOSE_422, usize::MAX);
        let res = read_response(&mut wire, &mut buf, Limits::default()).unwrap();
        assert_eq!(
            (res.status(), res.body()),
            (422, &b"{\"message\":\"Parameter Err\"}"[..])
        );
        assert!(!res.keep_alive());
    }

    #[test]
    fn continue_is_skipped() {
        for step in [1, 3, usize::MAX] {
            let mut buf = [0u8; 128];
            let mut wire = Wire::new(CONTINUE, step);
            let res = read_response(&mut wire, &mut buf, Limits::default()).unwrap();
            assert_eq!((res.status(), res.body()), (200, &b"{}"[..]));
            assert!(res.keep_alive());
        }
    }

    #[test]
    fn endless_interim_responses_are_refused() {
        let mut data = [0u8; 256];
        let one = b"HTTP/1.1 100 Continue\r\n\r\n";
        for i in 0..8 {
            data[i * one.len()..(i + 1) * one.len()].copy_from_slice(one);
        }
        let mut buf = [0u8; 256];
        assert_eq!(
            read_all(&data[..8 * one.len()], usize::MAX, &mut buf),
            Err(ReadError::TooManyInterimResponses)
        );
    }

    #[test]
    fn switching_protocols_is_returned_and_closes() {
        let mut buf = [0u8; 128];
        assert_eq!(
            read_all(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n",
                1,
                &mut buf
            ),
            Ok((101, 0, false))
        );
    }

    #[test]
    fn several_www_authenticate_lines() {
        let mut buf = [0u8; 512];
        let mut wire = Wire::new(CHALLENGE, 5);
        let res = read_response(&mut wire, &mut buf, Limits::default()).unwrap();
        assert_eq!(res.status(), 401);
        let mut values = res.headers("WWW-Authenticate");
        assert_eq!(values.next(), Some("Basic realm=\"partner\""));
        assert!(values.next().unwrap().contains("SHA-256"));
        assert!(values.next().unwrap().contains("MD5"));
        assert_eq!(values.next(), None);
        assert_eq!(
            res.header("www-authenticate"),
            Some("Basic realm=\"partner\"")
        );
        assert_eq!(res.headers("x-missing").count(), 0);
        assert!(res.body().is_empty());
        assert!(res.keep_alive());
    }

    #[test]
    fn two_content_lengths_are_refused() {
        let mut buf = [0u8; 128];
        let data = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 20\r\n\r\n{}";
        assert_eq!(
            read_all(data, usize::MAX, &mut buf),
            Err(ReadError::ConflictingContentLength)
        );
    }

    #[test]
    fn huge_sizes_are_errors_not_wraps() {
        let cases: &[(&[u8], ReadError<ErrorKind>)] = &[
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n",
                ReadError::InvalidContentLength,
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n",
                ReadError::BodyTooLarge { limit: 512 - 57 },
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
                ReadError::BadChunkSize,
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n",
                ReadError::BodyTooLarge { limit: 512 - 47 },
            ),
        ];
        for (data, want) in cases {
            for step in [1, usize::MAX] {
                let mut buf = [0u8; 512];
                assert_eq!(read_all(data, step, &mut buf), Err(*want), "{data:?}");
            }
        }
    }

    #[test]
    fn head_too_large() {
        let mut buf = [0u8; 512];
        let mut wire = Wire::new(LENGTH, 3);
        assert_eq!(
            read_response(&mut wire, &mut buf, Limits::new(40, 1024)).map(|r| r.status()),
            Err(ReadError::HeadTooLarge { limit: 40 })
        );
        let mut small = [0u8; 40];
        assert_eq!(
            read_all(LENGTH, usize::MAX, &mut small),
            Err(ReadError::HeadTooLarge { limit: 40 })
        );
        assert_eq!(
            read_all(LENGTH, usize::MAX, &mut []),
            Err(ReadError::HeadTooLarge { limit: 0 })
        );
        // Exactly the head's size is enough when the body is empty.
        let mut exact = [0u8; CHALLENGE.len()];
        assert_eq!(read_all(CHALLENGE, 1, &mut exact), Ok((401, 0, true)));
    }

    #[test]
    fn too_many_headers() {
        let mut data = [0u8; 1024];
        let mut n = 0;
        for part in core::iter::once(&b"HTTP/1.1 200 OK\r\n"[..])
            .chain(core::iter::repeat_n(&b"X-A: b\r\n"[..], MAX_HEADERS + 1))
            .chain(core::iter::once(&b"\r\n"[..]))
        {
            data[n..n + part.len()].copy_from_slice(part);
            n += part.len();
        }
        let mut buf = [0u8; 1024];
        assert_eq!(
            read_all(&data[..n], 16, &mut buf),
            Err(ReadError::TooManyHeaders)
        );
    }

    #[test]
    fn body_too_large_is_refused_before_reading_it() {
        // Content-Length: refused from the header; the body stays unread.
        let mut buf = [0u8; 512];
        let mut wire = Wire::new(LENGTH, 1);
        let got = read_response(&mut wire, &mut buf, Limits::new(1024, 100)).map(|r| r.status());
        assert_eq!(got, Err(ReadError::BodyTooLarge { limit: 100 }));
        assert_eq!(wire.unread(), BODY);
        // The buffer, not the limit, is the cap here.
        let mut buf = [0u8; 150];
        assert_eq!(
            read_all(LENGTH, 1, &mut buf),
            Err(ReadError::BodyTooLarge {
                limit: 150 - LENGTH_HEAD
            })
        );
        // Chunked: refused at the chunk size that crosses the cap.
        let mut buf = [0u8; 512];
        let mut wire = Wire::new(CHUNKED, 1);
        let got = read_response(&mut wire, &mut buf, Limits::new(1024, 80)).map(|r| r.status());
        assert_eq!(got, Err(ReadError::BodyTooLarge { limit: 80 }));
        assert!(wire.unread().starts_with(b"\xbclbilge"));
        // Until close: one byte more than fits.
        let mut buf = [0u8; 512];
        assert_eq!(
            read_response(&mut Wire::new(HTTP10, 4), &mut buf, Limits::new(1024, 17))
                .map(|r| r.status()),
            Err(ReadError::BodyTooLarge { limit: 17 })
        );
        assert_eq!(
            read_response(&mut Wire::new(HTTP10, 4), &mut buf, Limits::new(1024, 18))
                .map(|r| r.body().len()),
            Ok(18)
        );
    }

    #[test]
    fn body_exactly_filling_the_buffer() {
        for (fixture, head_len) in [(LENGTH, LENGTH_HEAD), (CHUNKED, CHUNKED_HEAD)] {
            for step in [1, 2, 4, usize::MAX] {
                // Exactly enough room: for chunked, the final framing is read
                // one byte at a time once the data fills the buffer.
                let mut buf = [0u8; 512];
                let mut wire = Wire::new(fixture, step);
                let res = read_response(&mut wire, &mut buf[..head_len + 112], Limits::default())
                    .unwrap();
                assert_eq!(res.body(), BODY, "step {step}");
                assert!(wire.unread().is_empty());
                // One byte less.
                let mut buf = [0u8; 512];
                assert_eq!(
                    read_all(fixture, step, &mut buf[..head_len + 111]),
                    Err(ReadError::BodyTooLarge { limit: 111 })
                );
            }
        }
    }

    #[test]
    fn nothing_after_the_response_is_lost() {
        const NEXT: &[u8] = b"HTTP/1.1 204 No Content\r\n\r\n";
        for fixture in [LENGTH, CHUNKED, CHALLENGE, CONTINUE] {
            let mut data = [0u8; 1024];
            data[..fixture.len()].copy_from_slice(fixture);
            data[fixture.len()..fixture.len() + NEXT.len()].copy_from_slice(NEXT);
            let data = &data[..fixture.len() + NEXT.len()];
            // One byte per read: the reader never goes past the response.
            let mut buf = [0u8; 512];
            let mut wire = Wire::new(data, 1);
            let res = read_response(&mut wire, &mut buf, Limits::default()).unwrap();
            assert!(res.excess().is_empty());
            assert!(res.keep_alive());
            assert_eq!(wire.unread(), NEXT);
            // One big read: the over-read bytes are reported, and the
            // connection is not kept.
            let mut buf = [0u8; 512];
            let mut wire = Wire::new(data, usize::MAX);
            let res = read_response(&mut wire, &mut buf, Limits::default()).unwrap();
            assert_eq!(res.excess(), NEXT);
            assert!(!res.keep_alive());
        }
        // A 204 then the next response, read in one go.
        let mut buf = [0u8; 128];
        let mut wire = Wire::new(
            b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n",
            usize::MAX,
        );
        let res = read_response(&mut wire, &mut buf, Limits::default()).unwrap();
        assert_eq!(
            (res.status(), res.excess()),
            (204, &b"HTTP/1.1 200 OK\r\n"[..])
        );
    }

    #[test]
    fn response_to_head_has_no_body() {
        let data = b"HTTP/1.1 200 OK\r\nContent-Length: 112\r\n\r\n";
        let mut buf = [0u8; 128];
        let mut wire = Wire::new(data, 1);
        let res = read_response_to_head(&mut wire, &mut buf, Limits::default()).unwrap();
        assert_eq!(
            (res.status(), res.body().len(), res.keep_alive()),
            (200, 0, true)
        );
        assert_eq!(res.framing(), Framing::NoBody);
        assert_eq!(res.header("content-length"), Some("112"));
    }

    #[test]
    fn lenient_head_forms() {
        let mut buf = [0u8; 128];
        assert_eq!(
            read_all(
                b"\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
                1,
                &mut buf
            ),
            Ok((200, 2, true))
        );
        assert_eq!(
            read_all(b"HTTP/1.1 200 OK\nContent-Length: 2\n\n{}", 1, &mut buf),
            Ok((200, 2, true))
        );
        assert_eq!(
            read_all(b"HTTP/1.1 200\r\nContent-Length: 2\r\n\r\n{}", 2, &mut buf),
            Ok((200, 2, true))
        );
    }

    #[test]
    fn io_errors_are_passed_through() {
        for (data, len) in [(LENGTH, 10), (LENGTH, 100), (CHUNKED, 120), (HTTP10, 50)] {
            let mut wire = Wire::new(&data[..len], 3);
            wire.fail = Some(ErrorKind::ConnectionReset);
            let mut buf = [0u8; 512];
            assert_eq!(
                read_response(&mut wire, &mut buf, Limits::default()).map(|r| r.status()),
                Err(ReadError::Io(ErrorKind::ConnectionReset))
            );
        }
    }

    #[test]
    fn malformed_responses_are_typed() {
        let cases: &[(&[u8], ReadError<ErrorKind>)] = &[
            (b"HTTP/1.1 2000 OK\r\n\r\n", ReadError::MalformedStatusLine),
            (b"<html>\n\n", ReadError::MalformedStatusLine),
            (
                b"HTTP/1.1 200 OK\r\nX Y: z\r\n\r\n",
                ReadError::MalformedHeader,
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
                ReadError::UnsupportedTransferEncoding,
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}x",
                ReadError::BadChunkCrlf,
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n",
                ReadError::BadChunkSize,
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;\x01\r\n",
                ReadError::BadChunkExtension,
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad\r\n\r\n",
                ReadError::BadTrailer,
            ),
        ];
        for (data, want) in cases {
            for step in [1, usize::MAX] {
                let mut buf = [0u8; 256];
                assert_eq!(read_all(data, step, &mut buf), Err(*want), "{data:?}");
            }
        }
    }

    #[test]
    fn a_reader_claiming_too_many_bytes_cannot_overrun() {
        struct Liar;
        impl embedded_io::ErrorType for Liar {
            type Error = ErrorKind;
        }
        impl Read for Liar {
            fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
                buf.fill(b'\n');
                Ok(buf.len() + 1000)
            }
        }
        let mut buf = [0u8; 64];
        assert_eq!(
            read_response(&mut Liar, &mut buf, Limits::default()).map(|r| r.status()),
            Err(ReadError::HeadTooLarge { limit: 64 })
        );
    }

    #[test]
    fn debug_shows_no_values() {
        extern crate std;
        let mut buf = [0u8; 512];
        let res =
            read_response(&mut Wire::new(CHALLENGE, 64), &mut buf, Limits::default()).unwrap();
        let text = std::format!("{res:?}");
        assert!(text.contains("401") && !text.contains("nonce"), "{text}");
    }

    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

            #[test]
            fn garbage_never_panics(data in proptest::collection::vec(any::<u8>(), 0..400), step in 1usize..64, size in 0usize..300) {
                let mut buf = [0u8; 300];
                let _ = read_all(&data, step, &mut buf[..size]);
            }

            #[test]
            fn mutated_fixtures_never_panic_nor_overrun(
                which in 0usize..5, at in any::<prop::sample::Index>(), byte in any::<u8>(),
                cut in any::<prop::sample::Index>(), step in 1usize..32,
            ) {
                let fixture = DELIMITED[which].0;
                let mut data = [0u8; 512];
                data[..fixture.len()].copy_from_slice(fixture);
                data[at.index(fixture.len())] = byte;
                let data = &data[..cut.index(fixture.len() + 1)];
                let mut buf = [0u8; 512];
                let mut wire = Wire::new(data, step);
                if let Ok(res) = read_response(&mut wire, &mut buf, Limits::default()) {
                    prop_assert!(res.body().len() <= 512);
                }
            }

            #[test]
            fn any_chunking_round_trips(body in proptest::collection::vec(any::<u8>(), 0..300), cuts in proptest::collection::vec(1usize..40, 1..20), step in 1usize..50) {
                let mut data = [0u8; 2048];
                let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
                data[..head.len()].copy_from_slice(head);
                let mut n = head.len();
                let mut pos = 0;
                let mut i = 0;
                while pos < body.len() {
                    let len = cuts[i % cuts.len()].min(body.len() - pos);
                    let size = std::format!("{len:x}\r\n");
                    data[n..n + size.len()].copy_from_slice(size.as_bytes());
                    n += size.len();
                    data[n..n + len].copy_from_slice(&body[pos..pos + len]);
                    n += len;
                    data[n..n + 2].copy_from_slice(b"\r\n");
                    n += 2;
                    pos += len;
                    i += 1;
                }
                data[n..n + 5].copy_from_slice(b"0\r\n\r\n");
                n += 5;
                let mut buf = [0u8; 2048];
                let mut wire = Wire::new(&data[..n], step);
                let res = read_response(&mut wire, &mut buf, Limits::default()).unwrap();
                prop_assert_eq!(res.body(), &body[..]);
                prop_assert!(wire.unread().is_empty());
            }
        }

        extern crate std;
    }
}
