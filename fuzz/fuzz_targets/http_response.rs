//! The HTTP/1.1 response reader: arbitrary bytes as a server's stream.
//!
//! Input layout (so that a raw response is a readable seed):
//! - byte 0, flags: bit 0 reads with `read_response_to_head`; bit 1 ends the
//!   stream with an I/O error instead of EOF; bits 2–4 pick the [`Limits`],
//!   bits 5–7 the size of the caller's buffer (tables below);
//! - byte 1: `n`, the number of read sizes (`n % 16`), then `n` bytes: the
//!   sizes of successive reads, used in turn (0 = as much as asked);
//! - the rest: the bytes the server sends.
//!
//! Checked, besides "never panics and never hangs":
//! - on `Ok`: status in 100..=999 and not an interim 1xx other than 101;
//!   `body().len() <= limits.max_body`; the head within its cap; head, body
//!   and excess within the buffer; `keep_alive` only without excess and with
//!   a delimited body;
//! - the reader is never asked for zero bytes (that `Ok(0)` would read as
//!   EOF) and never called again after EOF or an error;
//! - what the reader handed out is accounted for: the excess is exactly the
//!   last bytes read; with `Content-Length` (or no body) the head and body
//!   are exactly the stream bytes before it, and the body has the declared
//!   length; a body to EOF is the rest of the stream; a chunked body equals
//!   what a small strict reference decoder makes of the same bytes.
#![no_main]

use embedded_io::{ErrorKind, ErrorType, Read};
use libfuzzer_sys::fuzz_target;
use minted_connect_core::http::{
    Framing, Limits, MAX_HEAD_LEN, Response, read_response, read_response_to_head,
};

const LIMITS: [Limits; 8] = [
    Limits::DEFAULT,
    Limits::new(64, 64),
    Limits::new(256, 16),
    Limits::new(1024, 0),
    Limits::new(MAX_HEAD_LEN, usize::MAX),
    Limits::new(0, 0),
    Limits::new(usize::MAX, 1),
    Limits::new(120, 4096),
];

const BUFFER_SIZES: [usize; 8] = [8192, 512, 70_000, 64, 0, 1, 2048, 20_000];

/// The server's side of the connection: the stream in reads of the given
/// sizes, then EOF (or an error), checking how the reader is used.
struct Wire<'a> {
    stream: &'a [u8],
    pos: usize,
    sizes: &'a [u8],
    turn: usize,
    fail_at_end: bool,
    ended: bool,
}

impl ErrorType for Wire<'_> {
    type Error = ErrorKind;
}

impl Read for Wire<'_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        assert!(
            !buf.is_empty(),
            "read with an empty buffer: its Ok(0) would mean EOF"
        );
        assert!(!self.ended, "read again after EOF or an error");
        let rest = &self.stream[self.pos..];
        if rest.is_empty() {
            self.ended = true;
            return if self.fail_at_end {
                Err(ErrorKind::ConnectionReset)
            } else {
                Ok(0)
            };
        }
        let size = match self.sizes {
            [] => usize::MAX,
            sizes => match sizes[self.turn % sizes.len()] {
                0 => usize::MAX,
                n => usize::from(n),
            },
        };
        self.turn += 1;
        let n = size.min(buf.len()).min(rest.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

/// A strict chunked decoder (RFC 9112 §7.1: hex size, `;`-extensions, CRLF,
/// data, CRLF, …, `0`, trailer lines, CRLF). `None` for anything it does not
/// accept; then nothing is compared.
fn reference_dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    fn line(raw: &mut &[u8]) -> Option<Vec<u8>> {
        let end = raw.windows(2).position(|w| w == b"\r\n")?;
        let text = raw[..end].to_vec();
        if text.contains(&b'\n') || text.contains(&b'\r') {
            return None;
        }
        *raw = &raw[end + 2..];
        Some(text)
    }
    let mut body = Vec::new();
    loop {
        let size_line = line(&mut raw)?;
        let digits = size_line.split(|b| *b == b';').next()?;
        if digits.is_empty() || digits.len() > 16 || !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let size = usize::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()?;
        if size == 0 {
            break;
        }
        if raw.len() < size + 2 || &raw[size..size + 2] != b"\r\n" {
            return None;
        }
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
    loop {
        let trailer = line(&mut raw)?;
        if trailer.is_empty() {
            break;
        }
        if !trailer.contains(&b':') {
            return None;
        }
    }
    raw.is_empty().then_some(body)
}

fn check(res: &Response<'_>, wire: &Wire<'_>, limits: Limits, buf_len: usize, to_head: bool) {
    let status = res.status();
    assert!((100..=999).contains(&status), "status {status}");
    assert!(
        status >= 200 || status == 101,
        "interim status {status} returned"
    );
    let (head, body, excess) = (res.head_bytes(), res.body(), res.excess());
    assert!(
        body.len() <= limits.max_body,
        "body {} over {}",
        body.len(),
        limits.max_body
    );
    let head_cap = limits.max_head.min(MAX_HEAD_LEN).min(buf_len);
    assert!(
        head.len() <= head_cap,
        "head {} over {head_cap}",
        head.len()
    );
    assert!(head.len() + body.len() + excess.len() <= buf_len);
    assert!(
        head.ends_with(b"\n\n") || head.ends_with(b"\n\r\n"),
        "head without a blank line"
    );
    if res.keep_alive() {
        assert!(excess.is_empty() && res.framing() != Framing::UntilClose);
    }
    if to_head {
        assert!(body.is_empty() && res.framing() == Framing::NoBody);
    }
    // Lookups never panic, whatever the head holds.
    let _ = res.reason();
    let _ = res.headers("WWW-Authenticate").count();
    let _ = res.header("content-length");

    let consumed = wire.pos;
    let stream = &wire.stream[..consumed];
    let end = consumed - excess.len();
    assert_eq!(&stream[end..], excess, "excess is not the last bytes read");
    match res.framing() {
        Framing::NoBody | Framing::ContentLength(_) | Framing::UntilClose => {
            let start = end
                .checked_sub(body.len() + head.len())
                .expect("head and body longer than what was read");
            assert_eq!(
                &stream[start..start + head.len()],
                head,
                "head bytes differ"
            );
            assert_eq!(&stream[start + head.len()..end], body, "body bytes differ");
        }
        Framing::Chunked => {
            // Without interim responses the head opens the stream and the
            // chunked bytes run from its end to the excess.
            if stream.starts_with(head)
                && let Some(expected) = reference_dechunk(&stream[head.len()..end])
            {
                assert_eq!(
                    body,
                    &expected[..],
                    "chunked body differs from the reference"
                );
            }
        }
        _ => {}
    }
    match res.framing() {
        Framing::ContentLength(n) => assert_eq!(body.len() as u64, n),
        Framing::NoBody => assert!(body.is_empty()),
        Framing::UntilClose => {
            assert!(excess.is_empty());
            assert_eq!(
                consumed,
                wire.stream.len(),
                "a body to EOF ended before EOF"
            );
        }
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let [flags, n, rest @ ..] = data else { return };
    let n = usize::from(*n % 16).min(rest.len());
    let (sizes, stream) = rest.split_at(n);
    let to_head = flags & 1 != 0;
    let limits = LIMITS[usize::from((flags >> 2) & 7)];
    let buf_len = BUFFER_SIZES[usize::from(flags >> 5)];
    let mut wire = Wire {
        stream,
        pos: 0,
        sizes,
        turn: 0,
        fail_at_end: flags & 2 != 0,
        ended: false,
    };
    let mut buf = vec![0u8; buf_len];
    let result = if to_head {
        read_response_to_head(&mut wire, &mut buf, limits)
    } else {
        read_response(&mut wire, &mut buf, limits)
    };
    match result {
        Ok(res) => check(&res, &wire, limits, buf_len, to_head),
        Err(error) => {
            // Errors format without panicking.
            let _ = format!("{error} {error:?}");
        }
    }
});
