//! Size limits of the response reader, each a named, documented constant.
//!
//! Every loop of the reader is bounded by one of these numbers, so no peer can
//! make it read forever or index past the caller's buffer.

/// Most header fields one response head may carry.
///
/// The API answers with about ten fields; proxies and CDNs add a few more, and
/// a 401 may carry several `WWW-Authenticate` lines. More than this is refused
/// with [`ReadError::TooManyHeaders`](super::ReadError::TooManyHeaders); the
/// parsed head keeps one 8-byte span per field, so 32 cost 256 bytes.
pub const MAX_HEADERS: usize = 32;

/// Largest response head the reader accepts, whatever [`Limits::max_head`] says.
///
/// Header positions are stored as `u16` offsets to keep [`ResponseHead`](super::ResponseHead)
/// small; a head longer than 64 KiB is refused as
/// [`ReadError::HeadTooLarge`](super::ReadError::HeadTooLarge).
pub const MAX_HEAD_LEN: usize = u16::MAX as usize;

/// Most interim (1xx) responses skipped before the final one.
///
/// A server sends at most one `100 Continue` per request; the bound stops a
/// peer that streams interim heads forever
/// ([`ReadError::TooManyInterimResponses`](super::ReadError::TooManyInterimResponses)).
pub const MAX_INTERIM_RESPONSES: usize = 4;

/// Longest chunk-size line (size, extensions and CRLF) of a chunked body.
///
/// Extensions are ignored but still read; the bound stops a peer that sends an
/// endless extension or endless leading zeros.
pub const MAX_CHUNK_LINE_LEN: usize = 1024;

/// Longest trailer section (all trailer lines) of a chunked body.
///
/// Trailers are read and dropped; the bound stops a peer that sends endless
/// trailer lines ([`ReadError::TrailersTooLarge`](super::ReadError::TrailersTooLarge)).
pub const MAX_TRAILERS_LEN: usize = 4096;

/// Caps on how much of one response the reader accepts.
///
/// The effective cap is always the smaller of the limit and the space left in
/// the caller's buffer: the head may take at most `max_head` bytes of it, the
/// body at most `max_body` of what remains after the head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Limits {
    /// Most bytes of a response head, status line and final blank line included.
    pub max_head: usize,
    /// Most bytes of a (decoded) response body.
    pub max_body: usize,
}

impl Limits {
    /// Default head cap: 4 KiB.
    ///
    /// The API's heads are well under 1 KiB, a digest challenge is about 200
    /// bytes, and [`MAX_HEADERS`] fields of 100 bytes still fit; on a gateway
    /// with little RAM the head must not eat the body's share of the buffer.
    pub const DEFAULT_MAX_HEAD: usize = 4 * 1024;

    /// Default body cap: 16 KiB.
    ///
    /// The largest envelope (a customer record with every field at its
    /// capacity, PHP `\uXXXX` escapes, and a `wallets` array on Get) stays far
    /// below it; the JSON decoder needs the whole body in one slice anyway, so
    /// the real cap on a small device is the buffer the caller lends.
    pub const DEFAULT_MAX_BODY: usize = 16 * 1024;

    /// The defaults, usable in `const` context.
    pub const DEFAULT: Self = Self::new(Self::DEFAULT_MAX_HEAD, Self::DEFAULT_MAX_BODY);

    /// Limits with the given caps, so they can be built in `const` context.
    pub const fn new(max_head: usize, max_body: usize) -> Self {
        Self { max_head, max_body }
    }
}

impl Default for Limits {
    /// [`Limits::DEFAULT`]: 4 KiB head, 16 KiB body.
    fn default() -> Self {
        Self::DEFAULT
    }
}
