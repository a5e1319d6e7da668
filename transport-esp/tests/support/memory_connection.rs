//! An in-memory embedded-svc `Connection`: every request is answered by the
//! next canned response of a script. `no_std`, no alloc (only `core` and
//! embedded-svc), so the no_std probe can use the same code.
//!
//! Like esp-idf-svc, it panics when `status()`, `header()` or `split()` is
//! called before the response is initiated: a test using it proves the
//! transport never does that.

use core::fmt;

use embedded_svc::http::client::Connection;
use embedded_svc::http::{Headers, Method, Status};
use embedded_svc::io::{ErrorKind, ErrorType, Read, Write};

/// One canned response.
#[derive(Clone, Copy, Debug)]
pub struct Canned {
    /// The status code; 0 makes `initiate_response` fail and leaves the
    /// connection in the request phase (as esp-idf-svc does after a
    /// failed `fetch_headers`).
    pub status: u16,
    /// The response headers.
    pub headers: &'static [(&'static str, &'static str)],
    /// The body.
    pub body: &'static [u8],
}

/// What the connection saw of one request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    /// The method.
    pub method: Option<Method>,
    /// The `Content-Length` header's value, if one was given.
    pub content_length: Option<usize>,
    /// The body bytes written.
    pub body_len: usize,
    /// Whether an `Authorization` header was given.
    pub authorized: bool,
}

/// The most requests recorded.
pub const MAX_SEEN: usize = 8;

/// Why the in-memory connection failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryError {
    /// A request came after the script's last response.
    ScriptEnded,
    /// A call out of the connection's order.
    OutOfOrder,
    /// The canned failure of `initiate_response` (status 0).
    Broken,
}

impl fmt::Display for MemoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MemoryError::ScriptEnded => "no canned response left",
            MemoryError::OutOfOrder => "connection used out of order",
            MemoryError::Broken => "connection broken while waiting for the response",
        })
    }
}

impl core::error::Error for MemoryError {}

impl embedded_svc::io::Error for MemoryError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::Other
    }
}

/// The response head (status and headers).
#[derive(Debug)]
pub struct MemoryHead {
    status: u16,
    headers: &'static [(&'static str, &'static str)],
}

impl Status for MemoryHead {
    fn status(&self) -> u16 {
        self.status
    }

    fn status_message(&self) -> Option<&'_ str> {
        None
    }
}

impl Headers for MemoryHead {
    fn header(&self, name: &str) -> Option<&'_ str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

/// The response body, handed out at most `chunk` bytes per read.
#[derive(Debug)]
pub struct MemoryBody {
    body: &'static [u8],
    position: usize,
    chunk: usize,
}

impl ErrorType for MemoryBody {
    type Error = MemoryError;
}

impl Read for MemoryBody {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, MemoryError> {
        let rest = self.body.get(self.position..).unwrap_or(&[]);
        let n = rest.len().min(buf.len()).min(self.chunk);
        if let (Some(dst), Some(src)) = (buf.get_mut(..n), rest.get(..n)) {
            dst.copy_from_slice(src);
        }
        self.position += n;
        Ok(n)
    }
}

/// There is no raw connection.
#[derive(Debug)]
pub struct NoRawConnection;

impl ErrorType for NoRawConnection {
    type Error = MemoryError;
}

impl Read for NoRawConnection {
    fn read(&mut self, _: &mut [u8]) -> Result<usize, MemoryError> {
        Err(MemoryError::OutOfOrder)
    }
}

impl Write for NoRawConnection {
    fn write(&mut self, _: &[u8]) -> Result<usize, MemoryError> {
        Err(MemoryError::OutOfOrder)
    }

    fn flush(&mut self) -> Result<(), MemoryError> {
        Err(MemoryError::OutOfOrder)
    }
}

/// Answers each request with the next canned response.
#[derive(Debug)]
pub struct MemoryConnection {
    script: &'static [Canned],
    next: usize,
    head: MemoryHead,
    body: MemoryBody,
    request_open: bool,
    response_open: bool,
    seen: [Seen; MAX_SEEN],
    requests: usize,
}

impl MemoryConnection {
    /// A connection that plays `script`, handing out the whole body per read.
    pub const fn new(script: &'static [Canned]) -> Self {
        MemoryConnection {
            script,
            next: 0,
            head: MemoryHead {
                status: 0,
                headers: &[],
            },
            body: MemoryBody {
                body: &[],
                position: 0,
                chunk: usize::MAX,
            },
            request_open: false,
            response_open: false,
            seen: [Seen {
                method: None,
                content_length: None,
                body_len: 0,
                authorized: false,
            }; MAX_SEEN],
            requests: 0,
        }
    }

    /// The same, handing out at most `chunk` body bytes per read.
    pub const fn with_read_chunk(mut self, chunk: usize) -> Self {
        self.body.chunk = chunk;
        self
    }

    /// How many requests were initiated.
    pub fn requests(&self) -> usize {
        self.requests
    }

    /// What the first [`MAX_SEEN`] requests looked like.
    pub fn seen(&self) -> &[Seen] {
        self.seen.get(..self.requests.min(MAX_SEEN)).unwrap_or(&[])
    }

    fn must_be_responding(&self, what: &str) {
        // esp-idf-svc panics in the same place.
        assert!(self.response_open, "{what} called before initiate_response");
    }
}

impl ErrorType for MemoryConnection {
    type Error = MemoryError;
}

impl Status for MemoryConnection {
    fn status(&self) -> u16 {
        self.must_be_responding("status()");
        self.head.status()
    }

    fn status_message(&self) -> Option<&'_ str> {
        None
    }
}

impl Headers for MemoryConnection {
    fn header(&self, name: &str) -> Option<&'_ str> {
        self.must_be_responding("header()");
        self.head.header(name)
    }
}

impl Read for MemoryConnection {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, MemoryError> {
        if !self.response_open {
            return Err(MemoryError::OutOfOrder);
        }
        self.body.read(buf)
    }
}

impl Write for MemoryConnection {
    fn write(&mut self, buf: &[u8]) -> Result<usize, MemoryError> {
        if !self.request_open {
            return Err(MemoryError::OutOfOrder);
        }
        if let Some(seen) = self.seen.get_mut(self.requests.wrapping_sub(1)) {
            seen.body_len += buf.len();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), MemoryError> {
        Ok(())
    }
}

impl Connection for MemoryConnection {
    type Headers = MemoryHead;
    type Read = MemoryBody;
    type RawConnectionError = MemoryError;
    type RawConnection = NoRawConnection;

    fn initiate_request<'a>(
        &'a mut self,
        method: Method,
        _uri: &'a str,
        headers: &'a [(&'a str, &'a str)],
    ) -> Result<(), MemoryError> {
        // esp-idf-svc panics in the same place ("connection is not in initial phase").
        assert!(!self.request_open, "initiate_request called mid-request");
        self.response_open = false;
        if self.next >= self.script.len() {
            return Err(MemoryError::ScriptEnded);
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
        };
        if let Some(seen) = self.seen.get_mut(self.requests) {
            *seen = Seen {
                method: Some(method),
                content_length: header("Content-Length").and_then(|v| v.parse().ok()),
                body_len: 0,
                authorized: header("Authorization").is_some(),
            };
        }
        self.requests += 1;
        self.request_open = true;
        Ok(())
    }

    fn is_request_initiated(&self) -> bool {
        self.request_open
    }

    fn initiate_response(&mut self) -> Result<(), MemoryError> {
        if !self.request_open {
            return Err(MemoryError::OutOfOrder);
        }
        let canned = self.script.get(self.next).ok_or(MemoryError::ScriptEnded)?;
        self.next += 1;
        if canned.status == 0 {
            return Err(MemoryError::Broken);
        }
        self.head = MemoryHead {
            status: canned.status,
            headers: canned.headers,
        };
        self.body.body = canned.body;
        self.body.position = 0;
        self.request_open = false;
        self.response_open = true;
        Ok(())
    }

    fn is_response_initiated(&self) -> bool {
        self.response_open
    }

    fn split(&mut self) -> (&MemoryHead, &mut MemoryBody) {
        self.must_be_responding("split()");
        (&self.head, &mut self.body)
    }

    fn raw_connection(&mut self) -> Result<&mut NoRawConnection, MemoryError> {
        Err(MemoryError::OutOfOrder)
    }
}
