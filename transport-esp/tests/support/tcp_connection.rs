//! A std embedded-svc `Connection` over a real `TcpStream`: a small HTTP/1.1
//! client for the host tests, standing in for esp-idf-svc's
//! `EspHttpConnection`.
//!
//! - `initiate_request` opens a new connection to the URL's `IP:port` (only
//!   `http://` with an IP literal: the sandbox) and writes the request head:
//!   the request line, `Host`, the given headers verbatim, `Connection: close`.
//! - The body goes through `Write`; `initiate_response` reads the response
//!   head and parses it with `httparse`.
//! - The body is read by `Content-Length`, chunked framing, or until close.
//!   Two different `Content-Length` values are a malformed head.
//!   A connection closed before the body's end is an `UnexpectedEof` error.
//! - Like esp-idf-svc it panics when `status()`, `header()` or `split()` is
//!   called before the response is initiated, and when a new request is
//!   started while a failed one is still in the request phase.
//!
//! The head and the body reader are separate fields, so `split()` borrows
//! two fields (no unsafe). Nothing here allocates: the buffers are fixed
//! arrays, headers are kept as offsets into the head buffer, and the socket
//! address is parsed, not resolved.

#![allow(dead_code)]

use std::fmt;
use std::io::{self, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use embedded_svc::http::client::Connection;
use embedded_svc::http::{Headers, Method, Status};
use embedded_svc::io::{ErrorKind, ErrorType, Read, Write};

/// The largest response head.
pub const HEAD_LEN: usize = 8192;
/// The most response header lines kept.
pub const MAX_HEADERS: usize = 32;
/// The largest request head.
const REQUEST_HEAD_LEN: usize = 8192;

/// Options of the test connection.
#[derive(Clone, Copy, Debug)]
pub struct TcpConfig {
    /// The socket read timeout (`None`: wait forever).
    pub read_timeout: Option<Duration>,
    /// The most bytes one `Read::read` of the body returns (1: one byte per read).
    pub read_chunk: usize,
}

impl Default for TcpConfig {
    fn default() -> Self {
        TcpConfig {
            read_timeout: Some(Duration::from_secs(10)),
            read_chunk: usize::MAX,
        }
    }
}

/// Why the test connection failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpError {
    /// A socket error.
    Io(io::ErrorKind),
    /// The URL is not `http://IP:port/path`.
    BadUrl,
    /// The request or response head does not fit its buffer.
    HeadTooLarge,
    /// The response head or the chunked framing is malformed.
    Malformed,
    /// A call out of the connection's order.
    OutOfOrder,
}

impl From<io::Error> for TcpError {
    fn from(error: io::Error) -> Self {
        TcpError::Io(error.kind())
    }
}

impl fmt::Display for TcpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TcpError::Io(kind) => write!(f, "socket error: {kind}"),
            TcpError::BadUrl => f.write_str("not an http://IP:port URL"),
            TcpError::HeadTooLarge => f.write_str("head too large"),
            TcpError::Malformed => f.write_str("malformed response"),
            TcpError::OutOfOrder => f.write_str("connection used out of order"),
        }
    }
}

impl std::error::Error for TcpError {}

impl embedded_svc::io::Error for TcpError {
    fn kind(&self) -> ErrorKind {
        match self {
            TcpError::Io(io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) => {
                ErrorKind::TimedOut
            }
            TcpError::Io(io::ErrorKind::ConnectionRefused) => ErrorKind::ConnectionRefused,
            TcpError::Io(io::ErrorKind::ConnectionReset) => ErrorKind::ConnectionReset,
            TcpError::Io(io::ErrorKind::ConnectionAborted) => ErrorKind::ConnectionAborted,
            TcpError::Io(io::ErrorKind::BrokenPipe) => ErrorKind::BrokenPipe,
            TcpError::Io(io::ErrorKind::Interrupted) => ErrorKind::Interrupted,
            TcpError::BadUrl => ErrorKind::InvalidInput,
            TcpError::Malformed | TcpError::HeadTooLarge => ErrorKind::InvalidData,
            _ => ErrorKind::Other,
        }
    }
}

/// The parsed response head: the raw bytes and header offsets into them.
pub struct ResponseHead {
    buf: [u8; HEAD_LEN],
    status: u16,
    /// `(name start, name end, value start, value end)`.
    lines: [(usize, usize, usize, usize); MAX_HEADERS],
    count: usize,
}

impl fmt::Debug for ResponseHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseHead")
            .field("status", &self.status)
            .field("headers", &self.count)
            .finish()
    }
}

impl ResponseHead {
    fn text(&self, start: usize, end: usize) -> &str {
        self.buf
            .get(start..end)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .unwrap_or("")
    }
}

impl Status for ResponseHead {
    fn status(&self) -> u16 {
        self.status
    }

    fn status_message(&self) -> Option<&'_ str> {
        None
    }
}

impl Headers for ResponseHead {
    /// The first line with this name (embedded-svc has no multi-value lookup).
    fn header(&self, name: &str) -> Option<&'_ str> {
        self.lines[..self.count]
            .iter()
            .find(|(ns, ne, _, _)| self.text(*ns, *ne).eq_ignore_ascii_case(name))
            .map(|(_, _, vs, ve)| self.text(*vs, *ve))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Framing {
    Length(u64),
    ChunkSize,
    ChunkData(u64),
    ChunkDataEnd,
    Trailer,
    UntilClose,
    Done,
}

/// The response body over the socket.
pub struct BodyReader {
    stream: Option<TcpStream>,
    buf: [u8; HEAD_LEN],
    start: usize,
    end: usize,
    framing: Framing,
    chunk: usize,
}

impl fmt::Debug for BodyReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyReader")
            .field("framing", &self.framing)
            .finish_non_exhaustive()
    }
}

impl BodyReader {
    /// Buffered bytes, reading the socket when none are left (0: closed).
    fn fill(&mut self) -> Result<usize, TcpError> {
        if self.start == self.end {
            let stream = self.stream.as_mut().ok_or(TcpError::OutOfOrder)?;
            let n = stream.read(&mut self.buf)?;
            self.start = 0;
            self.end = n;
        }
        Ok(self.end - self.start)
    }

    fn next_byte(&mut self) -> Result<u8, TcpError> {
        if self.fill()? == 0 {
            return Err(TcpError::Io(io::ErrorKind::UnexpectedEof));
        }
        let byte = self.buf[self.start];
        self.start += 1;
        Ok(byte)
    }

    /// Reads one line (up to LF) and returns whether it was empty.
    fn skip_line(&mut self) -> Result<bool, TcpError> {
        let mut empty = true;
        loop {
            match self.next_byte()? {
                b'\n' => return Ok(empty),
                b'\r' => {}
                _ => empty = false,
            }
        }
    }

    fn chunk_size(&mut self) -> Result<u64, TcpError> {
        let mut size: u64 = 0;
        let mut digits = 0;
        loop {
            let byte = self.next_byte()?;
            let digit = match byte {
                b'0'..=b'9' => byte - b'0',
                b'a'..=b'f' => byte - b'a' + 10,
                b'A'..=b'F' => byte - b'A' + 10,
                b';' | b'\r' | b'\n' if digits > 0 => {
                    if byte != b'\n' {
                        self.skip_line()?;
                    }
                    return Ok(size);
                }
                _ => return Err(TcpError::Malformed),
            };
            digits += 1;
            size = size
                .checked_mul(16)
                .and_then(|s| s.checked_add(u64::from(digit)))
                .ok_or(TcpError::Malformed)?;
        }
    }

    /// Copies buffered body bytes (at most `limit`) into `out`.
    fn copy(&mut self, out: &mut [u8], limit: u64) -> Result<usize, TcpError> {
        let available = self.fill()?;
        let n = available
            .min(out.len())
            .min(usize::try_from(limit).unwrap_or(usize::MAX));
        out[..n].copy_from_slice(&self.buf[self.start..self.start + n]);
        self.start += n;
        Ok(n)
    }
}

impl ErrorType for BodyReader {
    type Error = TcpError;
}

impl Read for BodyReader {
    fn read(&mut self, out: &mut [u8]) -> Result<usize, TcpError> {
        let cap = out.len().min(self.chunk);
        let out = &mut out[..cap];
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            match self.framing {
                Framing::Done => return Ok(0),
                Framing::Length(0) => self.framing = Framing::Done,
                Framing::Length(rest) => {
                    let n = self.copy(out, rest)?;
                    if n == 0 {
                        return Err(TcpError::Io(io::ErrorKind::UnexpectedEof));
                    }
                    self.framing = Framing::Length(rest - n as u64);
                    return Ok(n);
                }
                Framing::UntilClose => return self.copy(out, u64::MAX),
                Framing::ChunkSize => {
                    self.framing = match self.chunk_size()? {
                        0 => Framing::Trailer,
                        size => Framing::ChunkData(size),
                    };
                }
                Framing::ChunkData(rest) => {
                    let n = self.copy(out, rest)?;
                    if n == 0 {
                        return Err(TcpError::Io(io::ErrorKind::UnexpectedEof));
                    }
                    let rest = rest - n as u64;
                    self.framing = if rest == 0 {
                        Framing::ChunkDataEnd
                    } else {
                        Framing::ChunkData(rest)
                    };
                    return Ok(n);
                }
                Framing::ChunkDataEnd => {
                    if !self.skip_line()? {
                        return Err(TcpError::Malformed);
                    }
                    self.framing = Framing::ChunkSize;
                }
                Framing::Trailer => {
                    if self.skip_line()? {
                        self.framing = Framing::Done;
                    }
                }
            }
        }
    }
}

/// There is no raw connection.
#[derive(Debug)]
pub struct NoRawConnection;

impl ErrorType for NoRawConnection {
    type Error = TcpError;
}

impl Read for NoRawConnection {
    fn read(&mut self, _: &mut [u8]) -> Result<usize, TcpError> {
        Err(TcpError::OutOfOrder)
    }
}

impl Write for NoRawConnection {
    fn write(&mut self, _: &[u8]) -> Result<usize, TcpError> {
        Err(TcpError::OutOfOrder)
    }

    fn flush(&mut self) -> Result<(), TcpError> {
        Err(TcpError::OutOfOrder)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Idle,
    Request,
    Response,
}

/// An HTTP/1.1 connection per request over `TcpStream`.
#[derive(Debug)]
pub struct TcpConnection {
    config: TcpConfig,
    head: Box<ResponseHead>,
    body: Box<BodyReader>,
    phase: Phase,
    requests: usize,
}

impl TcpConnection {
    /// A connection with the given options (the buffers are allocated here,
    /// once; nothing is allocated per request).
    pub fn new(config: TcpConfig) -> Self {
        TcpConnection {
            config,
            head: Box::new(ResponseHead {
                buf: [0; HEAD_LEN],
                status: 0,
                lines: [(0, 0, 0, 0); MAX_HEADERS],
                count: 0,
            }),
            body: Box::new(BodyReader {
                stream: None,
                buf: [0; HEAD_LEN],
                start: 0,
                end: 0,
                framing: Framing::Done,
                chunk: config.read_chunk.max(1),
            }),
            phase: Phase::Idle,
            requests: 0,
        }
    }

    /// How many requests were initiated.
    pub fn requests(&self) -> usize {
        self.requests
    }

    fn must_be_responding(&self, what: &str) {
        // esp-idf-svc panics in the same place.
        assert!(
            self.phase == Phase::Response,
            "{what} called before initiate_response"
        );
    }

    fn stream(&mut self) -> Result<&mut TcpStream, TcpError> {
        self.body.stream.as_mut().ok_or(TcpError::OutOfOrder)
    }
}

impl ErrorType for TcpConnection {
    type Error = TcpError;
}

impl Status for TcpConnection {
    fn status(&self) -> u16 {
        self.must_be_responding("status()");
        self.head.status
    }

    fn status_message(&self) -> Option<&'_ str> {
        None
    }
}

impl Headers for TcpConnection {
    fn header(&self, name: &str) -> Option<&'_ str> {
        self.must_be_responding("header()");
        self.head.header(name)
    }
}

impl Read for TcpConnection {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, TcpError> {
        if self.phase != Phase::Response {
            return Err(TcpError::OutOfOrder);
        }
        self.body.read(buf)
    }
}

impl Write for TcpConnection {
    fn write(&mut self, buf: &[u8]) -> Result<usize, TcpError> {
        if self.phase != Phase::Request {
            return Err(TcpError::OutOfOrder);
        }
        Ok(self.stream()?.write(buf)?)
    }

    fn flush(&mut self) -> Result<(), TcpError> {
        Ok(self.stream()?.flush()?)
    }
}

fn method_token(method: Method) -> Option<&'static str> {
    Some(match method {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Patch => "PATCH",
        Method::Delete => "DELETE",
        Method::Put => "PUT",
        Method::Head => "HEAD",
        _ => return None,
    })
}

impl Connection for TcpConnection {
    type Headers = ResponseHead;
    type Read = BodyReader;
    type RawConnectionError = TcpError;
    type RawConnection = NoRawConnection;

    fn initiate_request<'a>(
        &'a mut self,
        method: Method,
        uri: &'a str,
        headers: &'a [(&'a str, &'a str)],
    ) -> Result<(), TcpError> {
        // esp-idf-svc panics in the same place ("connection is not in initial phase").
        assert!(
            self.phase != Phase::Request,
            "initiate_request called mid-request"
        );
        self.body.stream = None;
        self.phase = Phase::Idle;
        let rest = uri.strip_prefix("http://").ok_or(TcpError::BadUrl)?;
        let (authority, path) = rest.split_at(rest.find('/').ok_or(TcpError::BadUrl)?);
        let address: SocketAddr = authority.parse().map_err(|_| TcpError::BadUrl)?;
        let token = method_token(method).ok_or(TcpError::BadUrl)?;

        let mut head = [0u8; REQUEST_HEAD_LEN];
        let mut cursor = io::Cursor::new(&mut head[..]);
        let written = (|| -> io::Result<()> {
            write!(cursor, "{token} {path} HTTP/1.1\r\nHost: {authority}\r\n")?;
            for (name, value) in headers {
                write!(cursor, "{name}: {value}\r\n")?;
            }
            cursor.write_all(b"Connection: close\r\n\r\n")
        })();
        written.map_err(|_| TcpError::HeadTooLarge)?;
        let len = cursor.position() as usize;

        let stream = TcpStream::connect_timeout(&address, Duration::from_secs(5))?;
        stream.set_read_timeout(self.config.read_timeout)?;
        stream.set_write_timeout(self.config.read_timeout)?;
        stream.set_nodelay(true)?;
        self.body.stream = Some(stream);
        self.requests += 1;
        self.stream()?.write_all(&head[..len])?;
        self.phase = Phase::Request;
        Ok(())
    }

    fn is_request_initiated(&self) -> bool {
        self.phase == Phase::Request
    }

    fn initiate_response(&mut self) -> Result<(), TcpError> {
        if self.phase != Phase::Request {
            return Err(TcpError::OutOfOrder);
        }
        self.stream()?.flush()?;
        let TcpConnection { head, body, .. } = self;
        let stream = body.stream.as_mut().ok_or(TcpError::OutOfOrder)?;
        let mut len = 0;
        let (head_end, framing) = loop {
            let n = stream.read(&mut head.buf[len..])?;
            if n == 0 {
                return Err(TcpError::Io(io::ErrorKind::UnexpectedEof));
            }
            len += n;
            let mut parsed = [httparse::EMPTY_HEADER; MAX_HEADERS];
            let mut response = httparse::Response::new(&mut parsed);
            match response.parse(&head.buf[..len]) {
                Ok(httparse::Status::Complete(end)) => {
                    let base = head.buf.as_ptr() as usize;
                    let offset = |s: &[u8]| s.as_ptr() as usize - base;
                    head.count = 0;
                    let mut framing = Framing::UntilClose;
                    let mut content_length: Option<u64> = None;
                    for (slot, line) in head.lines.iter_mut().zip(response.headers.iter()) {
                        let name = offset(line.name.as_bytes());
                        let value = offset(line.value);
                        *slot = (
                            name,
                            name + line.name.len(),
                            value,
                            value + line.value.len(),
                        );
                        head.count += 1;
                        let text = std::str::from_utf8(line.value).unwrap_or("");
                        if line.name.eq_ignore_ascii_case("Transfer-Encoding") && is_chunked(text) {
                            framing = Framing::ChunkSize;
                        } else if line.name.eq_ignore_ascii_case("Content-Length") {
                            // Two different lengths make the framing
                            // ambiguous (RFC 9112 §6.3); esp-idf's parser
                            // refuses them too.
                            let length: u64 =
                                text.trim().parse().map_err(|_| TcpError::Malformed)?;
                            if content_length.is_some_and(|first| first != length) {
                                return Err(TcpError::Malformed);
                            }
                            content_length = Some(length);
                            if framing == Framing::UntilClose {
                                framing = Framing::Length(length);
                            }
                        }
                    }
                    let status = response.code.ok_or(TcpError::Malformed)?;
                    if matches!(status, 100..=199 | 204 | 304) {
                        framing = Framing::Length(0);
                    }
                    head.status = status;
                    break (end, framing);
                }
                Ok(httparse::Status::Partial) if len == HEAD_LEN => {
                    return Err(TcpError::HeadTooLarge);
                }
                Ok(httparse::Status::Partial) => {}
                Err(_) => return Err(TcpError::Malformed),
            }
        };
        let leftover = len - head_end;
        body.buf[..leftover].copy_from_slice(&head.buf[head_end..len]);
        body.start = 0;
        body.end = leftover;
        body.framing = framing;
        self.phase = Phase::Response;
        Ok(())
    }

    fn is_response_initiated(&self) -> bool {
        self.phase == Phase::Response
    }

    fn split(&mut self) -> (&ResponseHead, &mut BodyReader) {
        self.must_be_responding("split()");
        (&self.head, &mut self.body)
    }

    fn raw_connection(&mut self) -> Result<&mut NoRawConnection, TcpError> {
        Err(TcpError::OutOfOrder)
    }
}

/// Whether `chunked` is among the transfer codings (no allocation).
fn is_chunked(codings: &str) -> bool {
    codings
        .split(',')
        .any(|coding| coding.trim().eq_ignore_ascii_case("chunked"))
}
