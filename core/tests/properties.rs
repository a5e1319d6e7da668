//! Property tests: encoding and decoding preserve every valid string, and
//! no input makes the decoder panic.

use minted_connect_core::json::{
    MAX_UPDATE_BODY_LEN, decode_customer_response, encode_update, invalid_details,
};
use minted_connect_core::model::CustomerUpdate;
use minted_connect_core::validate::{CustomerInput, ValidationProfile};
use proptest::prelude::*;

/// A name the rules accept: 3–40 code points, no control characters, no
/// surrounding whitespace (it would be trimmed).
fn valid_name() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{3,40}".prop_filter("trimmed", |s| s.trim() == s && s.chars().count() >= 3)
}

fn with_names(first: &str, full: &str) -> Option<CustomerUpdate> {
    let input = CustomerInput {
        firstname: Some(first),
        lastname: Some("Gülbilge"),
        fullname: Some(full),
        email: Some("a@b.c"),
        phone: Some("+90 532 280 80 35"),
        identity_number: Some(first),
        ..CustomerInput::default()
    };
    CustomerUpdate::validate(&input, ValidationProfile::Lenient).ok()
}

/// PHP-style JSON string contents: `\uXXXX` for everything non-ASCII.
fn php_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            c if (c as u32) < 0x20 || !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn valid_strings_survive_encoding(first in valid_name(), full in "[^\\p{Cc}]{0,255}") {
        let full = full.trim().to_owned();
        let update = with_names(&first, &full).expect("valid input");
        let mut buf = [0u8; MAX_UPDATE_BODY_LEN];
        let len = encode_update(&update, &mut buf).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&buf[..len]).unwrap();
        prop_assert_eq!(value["firstname"].as_str(), Some(first.as_str()));
        prop_assert_eq!(value["identity_number"].as_str(), Some(first.as_str()));
        if full.is_empty() {
            prop_assert!(value.get("fullname").is_none());
        } else {
            prop_assert_eq!(value["fullname"].as_str(), Some(full.as_str()));
        }
    }

    #[test]
    fn any_string_survives_decoding(text in "\\PC{0,40}", raw in any::<bool>()) {
        // Both raw UTF-8 (serde_json's escaping) and PHP's \u escaping.
        let escaped = if raw {
            let quoted = serde_json::to_string(&text).unwrap();
            quoted[1..quoted.len() - 1].to_owned()
        } else {
            php_escape(&text)
        };
        let body = format!(r#"{{"success":true,"data":{{"firstname":"{escaped}","x":["{escaped}"]}}}}"#);
        let customer = decode_customer_response(200, body.as_bytes(), None).unwrap();
        prop_assert_eq!(customer.firstname.as_deref(), Some(text.as_str()));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = decode_customer_response(200, &bytes, None);
        let _ = invalid_details(&bytes);
    }

    #[test]
    fn json_shaped_noise_never_panics(body in "[\\[\\]{}\",:0-9a-z\\\\ -]{0,64}") {
        let _ = decode_customer_response(200, body.as_bytes(), None);
        let _ = decode_customer_response(201, format!(r#"{{"data":{body}"#).as_bytes(), None);
        let _ = invalid_details(body.as_bytes());
    }

    #[test]
    fn decoder_agrees_with_serde_json_on_validity(body in "[\\[\\]{}\",:0-9a-z. -]{0,24}") {
        let wrapped = format!(r#"{{"data":{{}},"x":{body}}}"#);
        let ours = decode_customer_response(200, wrapped.as_bytes(), None).is_ok();
        let theirs = serde_json::from_str::<serde_json::Value>(&wrapped).is_ok();
        prop_assert_eq!(ours, theirs, "{}", wrapped);
    }
}
