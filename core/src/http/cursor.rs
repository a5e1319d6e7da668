//! A write cursor over a caller's buffer that writes a line whole or not at all.
//!
//! Taken from ureq-proto's `Writer::try_write`: the position is recorded
//! before a line, and restored if any part of the line overflows, so
//! `out[..pos]` only ever holds complete lines.

/// Appends lines to a lent buffer; rewinds a line that does not fit.
#[derive(Debug)]
pub(crate) struct LineCursor<'o> {
    out: &'o mut [u8],
    pos: usize,
}

/// The line did not fit; the cursor is back where the line started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overflow;

impl<'o> LineCursor<'o> {
    /// A cursor at the start of `out`.
    pub(crate) fn new(out: &'o mut [u8]) -> Self {
        Self { out, pos: 0 }
    }

    /// Bytes of whole lines written so far.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// Appends the concatenation of `parts` as one line (the caller includes
    /// the CRLF), or rewinds to the line's start and reports [`Overflow`].
    pub(crate) fn line(&mut self, parts: &[&[u8]]) -> Result<(), Overflow> {
        let start = self.pos;
        for part in parts {
            if self.push(part).is_err() {
                self.pos = start;
                return Err(Overflow);
            }
        }
        Ok(())
    }

    fn push(&mut self, bytes: &[u8]) -> Result<(), Overflow> {
        let end = self.pos.checked_add(bytes.len()).ok_or(Overflow)?;
        let dst = self.out.get_mut(self.pos..end).ok_or(Overflow)?;
        dst.copy_from_slice(bytes);
        self.pos = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_that_does_not_fit_is_rewound() {
        let mut buf = [0u8; 8];
        let mut c = LineCursor::new(&mut buf);
        assert_eq!(c.line(&[b"ab", b"\r\n"]), Ok(()));
        assert_eq!(c.line(&[b"cde", b"fg", b"\r\n"]), Err(Overflow));
        assert_eq!(c.position(), 4);
        assert_eq!(c.line(&[b"cd\r\n"]), Ok(()));
        assert_eq!(c.position(), 8);
        assert_eq!(&buf, b"ab\r\ncd\r\n");
    }
}
