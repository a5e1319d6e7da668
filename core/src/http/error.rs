//! The codec's error types: one small enum per operation, one variant per failure.
//!
//! All are `Copy` (when the I/O error is), carry no heap data, implement
//! `Display` and `core::error::Error`, and `defmt::Format` with the `defmt`
//! feature. None is a catch-all: a caller can act on each variant.

use core::fmt;

/// Which part of a [`RequestHead`](super::RequestHead) a [`HeadError`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum HeadPart {
    /// The request method (`GET`, `PATCH`, …).
    Method,
    /// The request-target (path and query).
    Target,
    /// The `Host` value.
    Host,
    /// The name of the header pair at `index` in `RequestHead::headers`.
    HeaderName {
        /// Position of the pair in `RequestHead::headers`.
        index: usize,
    },
    /// The value of the header pair at `index` in `RequestHead::headers`.
    HeaderValue {
        /// Position of the pair in `RequestHead::headers`.
        index: usize,
    },
}

impl fmt::Display for HeadPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Method => f.write_str("method"),
            Self::Target => f.write_str("request-target"),
            Self::Host => f.write_str("host"),
            Self::HeaderName { index } => write!(f, "name of header {index}"),
            Self::HeaderValue { index } => write!(f, "value of header {index}"),
        }
    }
}

/// Why a request head could not be encoded.
///
/// Every check runs before the first byte is written, so a refused head never
/// reaches the wire in part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum HeadError {
    /// The output buffer cannot hold the whole head; it holds only whole lines.
    /// [`RequestHead::encoded_len`](super::RequestHead::encoded_len) tells the size needed.
    OutputTooSmall,
    /// The part is empty where HTTP requires at least one character.
    Empty {
        /// The empty part.
        part: HeadPart,
    },
    /// The part contains CR, LF, NUL or another control character (header
    /// values may contain HTAB): writing it could inject a header or a request.
    ControlCharacter {
        /// The part holding the control character.
        part: HeadPart,
    },
    /// The part contains a character its grammar forbids: a non-token
    /// character in a method or header name, a space or non-ASCII byte in the
    /// request-target or host.
    InvalidCharacter {
        /// The part holding the character.
        part: HeadPart,
    },
    /// A `Host` pair was given in `headers`; the head writes `Host` itself
    /// from `RequestHead::host`, and two `Host` fields make servers answer 400.
    HostInHeaders {
        /// Position of the pair in `RequestHead::headers`.
        index: usize,
    },
    /// A `Content-Length` pair does not equal the length of the body given to
    /// [`write_request`](super::write_request) (or is not a decimal number).
    ContentLengthMismatch {
        /// Position of the pair in `RequestHead::headers`.
        index: usize,
    },
    /// A `Transfer-Encoding` pair was given with a body; the writer always
    /// frames the body by `Content-Length`.
    TransferEncodingNotSupported {
        /// Position of the pair in `RequestHead::headers`.
        index: usize,
    },
}

impl fmt::Display for HeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutputTooSmall => f.write_str("output buffer too small for the request head"),
            Self::Empty { part } => write!(f, "{part} is empty"),
            Self::ControlCharacter { part } => write!(f, "{part} contains a control character"),
            Self::InvalidCharacter { part } => write!(f, "{part} contains an invalid character"),
            Self::HostInHeaders { index } => {
                write!(f, "header {index} is Host, which the head writes itself")
            }
            Self::ContentLengthMismatch { index } => {
                write!(
                    f,
                    "Content-Length of header {index} does not match the body"
                )
            }
            Self::TransferEncodingNotSupported { index } => {
                write!(
                    f,
                    "header {index} is Transfer-Encoding, which the writer does not support"
                )
            }
        }
    }
}

impl core::error::Error for HeadError {}

/// Why [`write_request`](super::write_request) failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum WriteError<E> {
    /// The head was refused before anything was written.
    Head(HeadError),
    /// The writer failed; part of the request may have been sent, so the
    /// connection must be closed.
    Io(E),
    /// The writer accepted zero bytes of a non-empty slice (it cannot take
    /// more); part of the request may have been sent.
    WriteZero,
}

impl<E: fmt::Display> fmt::Display for WriteError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Head(e) => write!(f, "invalid request head: {e}"),
            Self::Io(e) => write!(f, "write failed: {e}"),
            Self::WriteZero => f.write_str("writer accepted zero bytes"),
        }
    }
}

impl<E: core::error::Error> core::error::Error for WriteError<E> {}

impl<E> From<HeadError> for WriteError<E> {
    fn from(e: HeadError) -> Self {
        Self::Head(e)
    }
}

/// Where the stream ended, for [`ReadError::UnexpectedEof`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ReadPhase {
    /// Before any byte of a response: typically a kept-alive connection the
    /// server had closed. Reconnect; resend only if the request is idempotent.
    BeforeResponse,
    /// Inside the status line or header fields.
    Head,
    /// Inside the body (its bytes, chunk framing or trailers).
    Body,
}

impl fmt::Display for ReadPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::BeforeResponse => "before the response",
            Self::Head => "in the response head",
            Self::Body => "in the response body",
        })
    }
}

/// Why a response could not be read.
///
/// `E` is the reader's I/O error. The sans-IO pieces
/// ([`ResponseHead::parse`](super::ResponseHead::parse),
/// [`ChunkedDecoder`](super::ChunkedDecoder)) return this type too, generic
/// in `E`, so a transport driving them itself gets the same variants. After
/// any error the connection is in an unknown state and must be closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ReadError<E> {
    /// The reader failed.
    Io(E),
    /// The stream ended before the response was complete.
    UnexpectedEof {
        /// Where it ended.
        during: ReadPhase,
    },
    /// The head did not end within `limit` bytes (the smaller of
    /// [`Limits::max_head`](super::Limits::max_head), the buffer and
    /// [`MAX_HEAD_LEN`](super::MAX_HEAD_LEN)).
    HeadTooLarge {
        /// The effective cap, in bytes.
        limit: usize,
    },
    /// The body is longer than `limit` bytes (the smaller of
    /// [`Limits::max_body`](super::Limits::max_body) and the buffer space after
    /// the head). Detected from `Content-Length` or a chunk size before the
    /// body is read.
    BodyTooLarge {
        /// The effective cap, in bytes.
        limit: usize,
    },
    /// The status line is not `HTTP/1.x NNN reason` (bad version, code or reason).
    MalformedStatusLine,
    /// A header line is malformed (bad name, value or line ending).
    MalformedHeader,
    /// The head has more than [`MAX_HEADERS`](super::MAX_HEADERS) fields.
    TooManyHeaders,
    /// More than [`MAX_INTERIM_RESPONSES`](super::MAX_INTERIM_RESPONSES)
    /// 1xx responses came before the final one.
    TooManyInterimResponses,
    /// A `Content-Length` value is not a decimal number that fits in 64 bits.
    InvalidContentLength,
    /// Two `Content-Length` values differ (a sign of response smuggling).
    ConflictingContentLength,
    /// `Transfer-Encoding` is not exactly `chunked` (gzip, or chunked not last).
    UnsupportedTransferEncoding,
    /// A chunk-size line does not start with hex digits, or the size does not
    /// fit in 64 bits, or the line is longer than
    /// [`MAX_CHUNK_LINE_LEN`](super::MAX_CHUNK_LINE_LEN).
    BadChunkSize,
    /// A chunk size line or chunk data is not followed by CRLF (data longer
    /// than its size, a bare LF, or a bad final line).
    BadChunkCrlf,
    /// A chunk extension contains a control character or runs past
    /// [`MAX_CHUNK_LINE_LEN`](super::MAX_CHUNK_LINE_LEN).
    BadChunkExtension,
    /// A trailer line is not `name: value` or holds a control character.
    BadTrailer,
    /// The trailer section is longer than [`MAX_TRAILERS_LEN`](super::MAX_TRAILERS_LEN).
    TrailersTooLarge,
}

impl<E: fmt::Display> fmt::Display for ReadError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "read failed: {e}"),
            Self::UnexpectedEof { during } => write!(f, "stream ended {during}"),
            Self::HeadTooLarge { limit } => write!(f, "response head larger than {limit} bytes"),
            Self::BodyTooLarge { limit } => write!(f, "response body larger than {limit} bytes"),
            Self::MalformedStatusLine => f.write_str("malformed status line"),
            Self::MalformedHeader => f.write_str("malformed header line"),
            Self::TooManyHeaders => f.write_str("too many header fields"),
            Self::TooManyInterimResponses => f.write_str("too many 1xx responses"),
            Self::InvalidContentLength => f.write_str("invalid Content-Length"),
            Self::ConflictingContentLength => f.write_str("conflicting Content-Length values"),
            Self::UnsupportedTransferEncoding => f.write_str("unsupported Transfer-Encoding"),
            Self::BadChunkSize => f.write_str("bad chunk size"),
            Self::BadChunkCrlf => f.write_str("missing CRLF in chunked body"),
            Self::BadChunkExtension => f.write_str("bad chunk extension"),
            Self::BadTrailer => f.write_str("bad trailer line"),
            Self::TrailersTooLarge => f.write_str("trailer section too large"),
        }
    }
}

impl<E: core::error::Error> core::error::Error for ReadError<E> {}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use embedded_io::ErrorKind;
    use std::string::ToString;

    fn is_error<E: core::error::Error>(_: &E) {}

    #[test]
    fn every_variant_displays_and_is_an_error() {
        let read: [ReadError<ErrorKind>; 16] = [
            ReadError::Io(ErrorKind::ConnectionReset),
            ReadError::UnexpectedEof {
                during: ReadPhase::Body,
            },
            ReadError::HeadTooLarge { limit: 1 },
            ReadError::BodyTooLarge { limit: 2 },
            ReadError::MalformedStatusLine,
            ReadError::MalformedHeader,
            ReadError::TooManyHeaders,
            ReadError::TooManyInterimResponses,
            ReadError::InvalidContentLength,
            ReadError::ConflictingContentLength,
            ReadError::UnsupportedTransferEncoding,
            ReadError::BadChunkSize,
            ReadError::BadChunkCrlf,
            ReadError::BadChunkExtension,
            ReadError::BadTrailer,
            ReadError::TrailersTooLarge,
        ];
        for e in &read {
            is_error(e);
            assert!(!e.to_string().is_empty());
        }
        assert_eq!(read[1].to_string(), "stream ended in the response body");
        let write: [WriteError<ErrorKind>; 3] = [
            WriteError::Head(HeadError::HostInHeaders { index: 2 }),
            WriteError::Io(ErrorKind::BrokenPipe),
            WriteError::WriteZero,
        ];
        for e in &write {
            is_error(e);
            assert!(!e.to_string().is_empty());
        }
        assert_eq!(
            HeadError::ControlCharacter {
                part: HeadPart::HeaderValue { index: 3 }
            }
            .to_string(),
            "value of header 3 contains a control character"
        );
    }
}
