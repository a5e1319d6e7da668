//! HTTP/1.1 codec over `embedded-io`, for gateways that have a socket but no
//! HTTP client.
//!
//! Sans-IO at heart: the request head is encoded into a lent buffer
//! ([`encode_head`], [`encode_head_for_body`]), the response head is parsed
//! from bytes ([`ResponseHead::parse`], [`ResponseHead::framing`]) and a
//! chunked body is decoded in place ([`ChunkedDecoder`]). [`write_request`]
//! and [`read_response`] drive those pieces over any blocking
//! [`embedded_io::Write`] / [`embedded_io::Read`].
//!
//! Guarantees: `no_std`, no allocation, no `unsafe`, no panic on any input
//! (every index is checked, every size uses checked arithmetic); a request
//! head is checked whole before a byte is written (no CR/LF injection); the
//! response head is parsed once; one caller buffer holds head and body; the
//! reader never reads past the end of a response once its head is parsed,
//! and reports in [`Response::excess`] what the head read took beyond it.
//!
//! Out of scope: sending chunked request bodies, content codings (gzip),
//! pipelining, `Expect: 100-continue` on the sending side, TLS, timeouts (the
//! transport's reader and writer carry those).
//!
//! # Blocking exchange: the calls, in order
//! 1. [`write_request`]`(&mut conn, &head, body, &mut scratch)` — head and
//!    body, flushed. `head.headers` carries `Authorization`, `Content-Length`
//!    (added if missing, refused if wrong) and the API headers; never `Host`.
//! 2. [`read_response`]`(&mut conn, &mut buf, limits)` (or
//!    [`read_response_to_head`] after `HEAD`) — returns [`Response`] borrowing
//!    `buf`: [`status`](Response::status),
//!    [`headers`](Response::headers)`("WWW-Authenticate")`,
//!    [`header`](Response::header)`("Authentication-Info")`,
//!    [`header`](Response::header)`("Retry-After")`, [`body`](Response::body).
//! 3. If [`Response::keep_alive`] is true, the next request may use the same
//!    connection; otherwise close it and connect again.
//! 4. On any error, close the connection. [`ReadError::UnexpectedEof`] with
//!    [`ReadPhase::BeforeResponse`] on a reused connection means the server
//!    had closed it: reconnect (and resend only if that is safe).
//!
//! ```
//! use minted_connect_core::http::{read_response, write_request, Limits, RequestHead};
//! // One in-memory "connection" per direction, for the example.
//! let mut sent = [0u8; 256];
//! let mut tx: &mut [u8] = &mut sent;
//! let mut rx: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
//!
//! let head = RequestHead { method: "GET", target: "/partner/customer/42", host: "api.example",
//!     headers: &[("x-client-id", "web")] };
//! let mut scratch = [0u8; 256];
//! write_request(&mut tx, &head, b"", &mut scratch).map_err(|_| "write")?;
//!
//! let mut buf = [0u8; 1024];
//! let res = read_response(&mut rx, &mut buf, Limits::default()).map_err(|_| "read")?;
//! assert_eq!((res.status(), res.body(), res.keep_alive()), (200, &b"{}"[..], true));
//! # Ok::<(), &str>(())
//! ```

mod chunked;
mod cursor;
mod error;
mod head;
mod limits;
mod request;
mod response;

pub use chunked::{ChunkedDecoder, Decoded};
pub use error::{HeadError, HeadPart, ReadError, ReadPhase, WriteError};
pub use head::{Framing, ResponseHead};
pub use limits::{
    Limits, MAX_CHUNK_LINE_LEN, MAX_HEAD_LEN, MAX_HEADERS, MAX_INTERIM_RESPONSES, MAX_TRAILERS_LEN,
};
pub use request::{
    CONTENT_LENGTH_LINE_MAX, RequestHead, encode_head, encode_head_for_body, write_request,
};
pub use response::{Response, read_response, read_response_to_head};

#[cfg(test)]
mod size_tests {
    extern crate std;
    use super::*;

    #[test]
    fn sizes() {
        std::println!(
            "Response {} ResponseHead {} ChunkedDecoder {} RequestHead {} Limits {} ReadError<ErrorKind> {} WriteError<ErrorKind> {} HeadError {}",
            size_of::<Response<'_>>(),
            size_of::<ResponseHead>(),
            size_of::<ChunkedDecoder>(),
            size_of::<RequestHead<'_>>(),
            size_of::<Limits>(),
            size_of::<ReadError<embedded_io::ErrorKind>>(),
            size_of::<WriteError<embedded_io::ErrorKind>>(),
            size_of::<HeadError>(),
        );
        assert!(size_of::<Response<'_>>() <= 384);
    }
}
