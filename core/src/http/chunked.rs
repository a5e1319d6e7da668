//! The chunked transfer coding (RFC 9112 §7.1), decoded in place.
//!
//! [`ChunkedDecoder`] is a byte-driven state machine: it takes raw body bytes
//! in any split (a chunk border may fall anywhere, inside a size line, a CRLF
//! or a UTF-8 sequence), moves the data bytes to the front of the same slice
//! and drops sizes, extensions and trailers. It never reads past the final
//! CRLF, checks every chunk size against the body cap before the data
//! arrives, uses checked arithmetic (a size of 2^64 is an error, not a wrap),
//! and never panics.

use super::error::{ReadError, ReadPhase};
use super::limits::{MAX_CHUNK_LINE_LEN, MAX_TRAILERS_LEN};
use crate::hex::hex_digit;

/// What one [`ChunkedDecoder::decode_in_place`] call did, counted in the
/// slice it was given: `input_used` raw bytes consumed, `output_used` data
/// bytes now at the front of the slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Decoded {
    /// Raw bytes consumed; less than the slice only when the body ended, and
    /// the bytes after it belong to whatever follows the response.
    pub input_used: usize,
    /// Decoded data bytes, now at `slice[..output_used]`.
    pub output_used: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Expecting the first hex digit of a chunk size.
    SizeStart,
    /// Inside the hex digits.
    Size(u64),
    /// Spaces after the digits, before `;` or CR.
    SizeSpace(u64),
    /// Inside chunk extensions (ignored).
    Extension(u64),
    /// CR of the size line seen; expecting LF.
    SizeLf(u64),
    /// This many data bytes still to come.
    Data(usize),
    /// Expecting the CR after chunk data.
    DataCr,
    /// Expecting the LF after chunk data.
    DataLf,
    /// At the start of a trailer line or of the final CRLF.
    TrailerStart,
    /// Inside a trailer field line; `true` once its colon was seen.
    Trailer(bool),
    /// CR of a trailer line seen; expecting LF.
    TrailerLf,
    /// CR of the final empty line seen; expecting LF.
    EndLf,
    /// The body is complete.
    Done,
}

/// Decodes a chunked body in place, across as many calls as the reads need.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ChunkedDecoder {
    state: StateRepr,
    max_body: usize,
    decoded: usize,
    line_len: usize,
    trailers_len: usize,
}

/// `State` behind a newtype so that the public type's `defmt::Format` derive
/// does not expose the private enum's variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StateRepr(State);

#[cfg(feature = "defmt")]
impl defmt::Format for StateRepr {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{=str}", self.0.name());
    }
}

impl State {
    #[cfg(feature = "defmt")]
    fn name(self) -> &'static str {
        match self {
            Self::SizeStart
            | Self::Size(_)
            | Self::SizeSpace(_)
            | Self::Extension(_)
            | Self::SizeLf(_) => "size",
            Self::Data(_) | Self::DataCr | Self::DataLf => "data",
            Self::TrailerStart | Self::Trailer(_) | Self::TrailerLf | Self::EndLf => "trailers",
            Self::Done => "done",
        }
    }
}

impl ChunkedDecoder {
    /// A decoder for a body of at most `max_body` decoded bytes; a chunk size
    /// that would exceed it is [`ReadError::BodyTooLarge`] before its data is read.
    pub fn new(max_body: usize) -> Self {
        Self {
            state: StateRepr(State::SizeStart),
            max_body,
            decoded: 0,
            line_len: 0,
            trailers_len: 0,
        }
    }

    /// True once the last chunk, the trailers and the final CRLF were read.
    pub fn is_done(&self) -> bool {
        self.state.0 == State::Done
    }

    /// Data bytes decoded so far, over all calls.
    pub fn decoded_len(&self) -> usize {
        self.decoded
    }

    /// How many more raw bytes the caller may read without reading past the
    /// end of this body, whatever follows it: a lower bound on what is left
    /// (at least 1 until [`is_done`](Self::is_done), then 0). Reading at most
    /// this much keeps a kept-alive connection's next response unread.
    pub fn safe_read_len(&self) -> usize {
        // Every body ends with at least "0\r\n\r\n" after the current chunk.
        let after_data = |size: u64, extra: usize| -> usize {
            usize::try_from(size)
                .unwrap_or(usize::MAX)
                .saturating_add(extra)
        };
        match self.state.0 {
            State::SizeStart => 5,
            State::Size(0) | State::SizeSpace(0) | State::Extension(0) => 4,
            State::Size(n) | State::SizeSpace(n) | State::Extension(n) => after_data(n, 2 + 2 + 5),
            State::SizeLf(0) => 3,
            State::SizeLf(n) => after_data(n, 1 + 2 + 5),
            State::Data(n) => n.saturating_add(2 + 5),
            State::DataCr => 7,
            State::DataLf => 6,
            State::TrailerStart => 2,
            State::Trailer(_) => 4,
            State::TrailerLf => 3,
            State::EndLf => 1,
            State::Done => 0,
        }
    }

    /// Decodes the raw bytes in `buf`, moving their data to `buf[..output_used]`.
    ///
    /// Consumes all of `buf` unless the body ends inside it
    /// ([`is_done`](Self::is_done)); the bytes after `input_used` are then
    /// untouched. Call again with the next raw bytes; a caller that reads at
    /// most [`safe_read_len`](Self::safe_read_len) per call never sees any.
    /// Errors: [`ReadError::BadChunkSize`], [`ReadError::BadChunkCrlf`],
    /// [`ReadError::BadChunkExtension`], [`ReadError::BadTrailer`],
    /// [`ReadError::TrailersTooLarge`], [`ReadError::BodyTooLarge`].
    pub fn decode_in_place<E>(&mut self, buf: &mut [u8]) -> Result<Decoded, ReadError<E>> {
        let mut input = 0usize;
        let mut output = 0usize;
        while input < buf.len() && !self.is_done() {
            if let State::Data(remaining) = self.state.0 {
                let available = buf.len().saturating_sub(input);
                let take = remaining.min(available);
                move_front(buf, input, take, output);
                input = input.saturating_add(take);
                output = output.saturating_add(take);
                self.decoded = self.decoded.saturating_add(take);
                let left = remaining.saturating_sub(take);
                self.state.0 = if left == 0 {
                    State::DataCr
                } else {
                    State::Data(left)
                };
            } else {
                let byte = buf.get(input).copied().unwrap_or_default();
                self.step(byte)?;
                input = input.saturating_add(1);
            }
        }
        Ok(Decoded {
            input_used: input,
            output_used: output,
        })
    }

    /// The error for a stream that ended before the body was complete, or
    /// `None` if it was complete: for a transport that sees EOF.
    pub fn finish<E>(&self) -> Result<(), ReadError<E>> {
        if self.is_done() {
            Ok(())
        } else {
            Err(ReadError::UnexpectedEof {
                during: ReadPhase::Body,
            })
        }
    }

    /// Advances over one framing byte (never called in `Data`).
    fn step<E>(&mut self, b: u8) -> Result<(), ReadError<E>> {
        use State::*;
        let in_size_line = matches!(
            self.state.0,
            SizeStart | Size(_) | SizeSpace(_) | Extension(_) | SizeLf(_)
        );
        if in_size_line {
            self.line_len = self.line_len.saturating_add(1);
            if self.line_len > MAX_CHUNK_LINE_LEN {
                return Err(match self.state.0 {
                    Extension(_) => ReadError::BadChunkExtension,
                    _ => ReadError::BadChunkSize,
                });
            }
        }
        if matches!(self.state.0, TrailerStart | Trailer(_) | TrailerLf | EndLf) {
            self.trailers_len = self.trailers_len.saturating_add(1);
            if self.trailers_len > MAX_TRAILERS_LEN {
                return Err(ReadError::TrailersTooLarge);
            }
        }
        self.state.0 = match (self.state.0, b) {
            (SizeStart, _) => Size(u64::from(hex_digit(b).ok_or(ReadError::BadChunkSize)?)),
            (Size(n), _) if hex_digit(b).is_some() => {
                let digit = u64::from(hex_digit(b).unwrap_or_default());
                Size(
                    n.checked_mul(16)
                        .and_then(|n| n.checked_add(digit))
                        .ok_or(ReadError::BadChunkSize)?,
                )
            }
            (Size(_) | SizeSpace(_) | Extension(_), b'\n') => return Err(ReadError::BadChunkCrlf),
            (Size(n) | SizeSpace(n), b' ' | b'\t') => SizeSpace(n),
            (Size(n) | SizeSpace(n) | Extension(n), b'\r') => SizeLf(n),
            (Size(n) | SizeSpace(n), b';') => Extension(n),
            (Size(_) | SizeSpace(_), _) => return Err(ReadError::BadChunkSize),
            (Extension(n), _) if b == b'\t' || !is_control(b) => Extension(n),
            (Extension(_), _) => return Err(ReadError::BadChunkExtension),
            (SizeLf(0), b'\n') => TrailerStart,
            (SizeLf(n), b'\n') => Data(self.admit(n)?),
            (SizeLf(_), _) => return Err(ReadError::BadChunkCrlf),
            (DataCr, b'\r') => DataLf,
            (DataLf, b'\n') => {
                self.line_len = 0;
                SizeStart
            }
            (DataCr | DataLf, _) => return Err(ReadError::BadChunkCrlf),
            (TrailerStart, b'\r') => EndLf,
            (TrailerStart, _) if is_tchar(b) => Trailer(false),
            (TrailerStart, _) => return Err(ReadError::BadTrailer),
            (Trailer(false), b':') => Trailer(true),
            (Trailer(false), _) if is_tchar(b) => Trailer(false),
            (Trailer(true), b'\r') => TrailerLf,
            (Trailer(true), _) if b == b'\t' || !is_control(b) => Trailer(true),
            (Trailer(_), _) => return Err(ReadError::BadTrailer),
            (TrailerLf, b'\n') => TrailerStart,
            (TrailerLf, _) => return Err(ReadError::BadTrailer),
            (EndLf, b'\n') => Done,
            (EndLf, _) => return Err(ReadError::BadChunkCrlf),
            (Data(n), _) => Data(n),
            (Done, _) => Done,
        };
        Ok(())
    }

    /// Checks a chunk of `size` bytes against the cap before its data is read.
    fn admit<E>(&self, size: u64) -> Result<usize, ReadError<E>> {
        usize::try_from(size)
            .ok()
            .filter(|size| {
                self.decoded
                    .checked_add(*size)
                    .is_some_and(|total| total <= self.max_body)
            })
            .ok_or(ReadError::BodyTooLarge {
                limit: self.max_body,
            })
    }
}

/// Moves `buf[src..src + len]` to `buf[dst..dst + len]` (`dst <= src`).
/// The ranges are checked first, so `copy_within` cannot panic; a range that
/// does not fit is left alone (the decoder's counts never produce one).
fn move_front(buf: &mut [u8], src: usize, len: usize, dst: usize) {
    let fits = src.checked_add(len).is_some_and(|end| end <= buf.len()) && dst <= src;
    if fits && dst != src {
        buf.copy_within(src..src.saturating_add(len), dst);
    }
}

fn is_control(b: u8) -> bool {
    b < 0x20 || b == 0x7f
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::convert::Infallible;

    /// Decodes `raw` split into pieces of `step` bytes, as a reader would
    /// deliver them, compacting like `read_response` does. Returns the body.
    fn decode_split(
        raw: &[u8],
        step: usize,
        max_body: usize,
    ) -> Result<([u8; 512], usize, usize), ReadError<Infallible>> {
        let mut buf = [0u8; 512];
        let mut out = 0;
        let mut fed = 0;
        let mut dec = ChunkedDecoder::new(max_body);
        while !dec.is_done() {
            if fed == raw.len() {
                dec.finish::<Infallible>()?;
            }
            let n = step.min(raw.len() - fed);
            buf[out..out + n].copy_from_slice(&raw[fed..fed + n]);
            let d = dec.decode_in_place(&mut buf[out..out + n])?;
            fed += d.input_used;
            out += d.output_used;
            assert!(d.input_used == n || dec.is_done());
        }
        Ok((buf, out, fed))
    }

    const WIKI: &[u8] = b"4\r\nWiki\r\n6;name=\"va;l\"\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nExpires: never\r\nX-T:\t1\r\n\r\n";

    #[test]
    fn every_split_gives_the_same_body() {
        for step in 1..=WIKI.len() {
            let (buf, n, used) = decode_split(WIKI, step, 100).unwrap();
            assert_eq!(&buf[..n], b"Wikipedia in \r\n\r\nchunks.", "step {step}");
            assert_eq!(used, WIKI.len());
        }
    }

    #[test]
    fn bytes_after_the_body_are_not_consumed() {
        let mut raw = [0u8; 64];
        let body = b"3\r\nabc\r\n0\r\n\r\nHTTP/1.1";
        raw[..body.len()].copy_from_slice(body);
        let mut dec = ChunkedDecoder::new(100);
        let d = dec
            .decode_in_place::<Infallible>(&mut raw[..body.len()])
            .unwrap();
        assert!(dec.is_done());
        assert_eq!(
            d,
            Decoded {
                input_used: body.len() - 8,
                output_used: 3
            }
        );
        assert_eq!(&raw[..3], b"abc");
        assert_eq!(&raw[d.input_used..body.len()], b"HTTP/1.1");
    }

    #[test]
    fn safe_read_len_never_overshoots() {
        // Feeding exactly safe_read_len() bytes each time ends exactly at the end.
        for raw in [
            WIKI,
            b"0\r\n\r\n",
            b"1\r\nx\r\n0\r\n\r\n",
            b"10\r\n0123456789abcdef\r\n0;e\r\n\r\n",
        ] {
            let mut dec = ChunkedDecoder::new(100);
            let mut buf = [0u8; 128];
            let mut fed = 0;
            while !dec.is_done() {
                let n = dec.safe_read_len();
                assert!(n >= 1 && fed + n <= raw.len(), "overshoot at {fed}");
                buf[..n].copy_from_slice(&raw[fed..fed + n]);
                let d = dec.decode_in_place::<Infallible>(&mut buf[..n]).unwrap();
                assert_eq!(d.input_used, n);
                fed += n;
            }
            assert_eq!(fed, raw.len());
            assert_eq!(dec.safe_read_len(), 0);
        }
    }

    #[test]
    fn bad_chunks_are_typed() {
        let cases: &[(&[u8], ReadError<Infallible>)] = &[
            (b"x\r\n", ReadError::BadChunkSize),
            (b"\r\n", ReadError::BadChunkSize),
            (b" 1\r\n", ReadError::BadChunkSize),
            (b"1x\r\n", ReadError::BadChunkSize),
            (b"1 2\r\n", ReadError::BadChunkSize),
            (b"10000000000000000\r\n", ReadError::BadChunkSize),
            (
                b"FFFFFFFFFFFFFFFF\r\n",
                ReadError::BodyTooLarge { limit: 100 },
            ),
            (b"65\r\n", ReadError::BodyTooLarge { limit: 100 }),
            (
                b"64\r\n",
                ReadError::UnexpectedEof {
                    during: ReadPhase::Body,
                },
            ),
            (b"1\n", ReadError::BadChunkCrlf),
            (b"1\rx", ReadError::BadChunkCrlf),
            (b"1;a\x00\r\n", ReadError::BadChunkExtension),
            (b"1;a\nb\r\n", ReadError::BadChunkCrlf),
            (b"1\r\nab\r\n", ReadError::BadChunkCrlf),
            (b"1\r\na\n", ReadError::BadChunkCrlf),
            (b"1\r\na\rx", ReadError::BadChunkCrlf),
            (b"0\r\n\rx", ReadError::BadChunkCrlf),
            (b"0\r\n x: 1\r\n\r\n", ReadError::BadTrailer),
            (b"0\r\n: 1\r\n\r\n", ReadError::BadTrailer),
            (b"0\r\nnocolon\r\n\r\n", ReadError::BadTrailer),
            (b"0\r\nx: a\x01\r\n\r\n", ReadError::BadTrailer),
            (b"0\r\nx: 1\rx", ReadError::BadTrailer),
            (b"0\r\nx: 1\n", ReadError::BadTrailer),
        ];
        for (raw, want) in cases {
            for step in [1, 3, raw.len()] {
                let got = decode_split(raw, step, 100).map(|(_, n, _)| n);
                assert_eq!(
                    got,
                    Err(*want),
                    "{:?} step {step}",
                    core::str::from_utf8(raw)
                );
            }
        }
    }

    #[test]
    fn long_size_lines_and_trailers_are_bounded() {
        let mut raw = [b'0'; 2048];
        assert_eq!(
            decode_split(&raw, 7, 100).map(|r| r.1),
            Err(ReadError::BadChunkSize)
        );
        raw[..3].copy_from_slice(b"1;a");
        raw[3..].fill(b'x');
        assert_eq!(
            decode_split(&raw, 7, 100).map(|r| r.1),
            Err(ReadError::BadChunkExtension)
        );
        let mut dec = ChunkedDecoder::new(10);
        let mut start = *b"0\r\n";
        dec.decode_in_place::<Infallible>(&mut start).unwrap();
        let mut line = *b"x-a: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n";
        let mut result = Ok(Decoded {
            input_used: 0,
            output_used: 0,
        });
        for _ in 0..200 {
            result = dec.decode_in_place::<Infallible>(&mut line);
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(ReadError::TrailersTooLarge));
    }

    #[test]
    fn body_cap_counts_all_chunks() {
        assert_eq!(
            decode_split(b"5\r\nabcde\r\n5\r\nfghij\r\n0\r\n\r\n", 4, 10).map(|r| r.1),
            Ok(10)
        );
        assert_eq!(
            decode_split(b"5\r\nabcde\r\n6\r\nfghijk\r\n0\r\n\r\n", 4, 10).map(|r| r.1),
            Err(ReadError::BodyTooLarge { limit: 10 })
        );
    }
}
