//! Hex digits as the wire formats read them: chunk sizes (HTTP/1.1) and
//! `\uXXXX` escapes (JSON).

/// The value of one ASCII hex digit, either case.
pub(crate) fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::hex_digit;

    #[test]
    fn every_byte_is_a_digit_exactly_when_it_is_hex() {
        for byte in 0..=u8::MAX {
            let expected = char::from(byte).to_digit(16).map(|d| d as u8);
            assert_eq!(hex_digit(byte), expected, "{byte:#04x}");
        }
    }
}
