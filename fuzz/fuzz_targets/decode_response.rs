//! Response decoding: status code + body → `Customer` / `()` / `ApiError`.
//!
//! Input: the first two bytes are the status (big-endian `u16`), the rest is
//! the body. Checked, besides "never panics":
//! - `Ok` only for a 2xx status, and every other status maps to the error
//!   variant the docs name for it;
//! - a body the core accepts is valid JSON for serde_json too (the core's
//!   tokenizer is documented as strict RFC 8259), and every record field it
//!   decoded equals what serde_json reads from `data` (so unescaping, key
//!   matching and null handling agree with an independent parser);
//! - the decoded `Customer` re-serialised with serde_json is valid JSON whose
//!   fields equal the record's;
//! - `decode_customer_response_into` a record still holding every field of
//!   an earlier decode gives the same result and, on `Ok`, the same record
//!   (nothing left over from before);
//! - `decode_remove_response` agrees on the status classification, and the
//!   422 details never exceed their documented capacities.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minted_connect_core::json::{
    ApiError, FIELD_MESSAGE_CAPACITY, FIELD_NAME_CAPACITY, MAX_FIELD_MESSAGES,
    SERVER_MESSAGE_CAPACITY, decode_customer_response, decode_customer_response_into,
    decode_remove_response, invalid_details,
};
use minted_connect_core::model::Customer;
use serde_json::Value;

/// A record with every field set, to decode into before each input.
const FULL_RECORD: &[u8] = br#"{"data":{"id":2,"external_id":"MTD0018232","company_id":2000000,"user_id":7,
"firstname":"Mehmet","middlename":"Ali","lastname":"G\u00fclbilge","fullname":"Mehmet G\u00fclbilge",
"email":"mehmet@example.com","phone":"+90 532 280 80 35","gender":"M","identity_number":"12345677938",
"birthdate":"1970-01-31","created_at":"2023-03-05 04:51:18","updated_at":"2023-03-05 04:51:18"},
"success":true,"code":0,"message":""}"#;

/// The error the docs promise for a status other than 2xx.
fn check_status_error(status: u16, error: &ApiError, retry_after: Option<u32>) {
    match (status, error) {
        (401 | 403, ApiError::Unauthorized { status: s }) => assert_eq!(*s, status),
        (404, ApiError::NotFound) => {}
        (422, ApiError::Invalid) => {}
        (429, ApiError::RateLimited { retry_after: r }) => assert_eq!(*r, retry_after),
        (500..=599, ApiError::Server { status: s }) => assert_eq!(*s, status),
        (s, ApiError::UnexpectedStatus { status: got }) if !matches!(s, 200..=299 | 401 | 403 | 404 | 422 | 429 | 500..=599) =>
        {
            assert_eq!(*got, status)
        }
        _ => panic!("status {status} decoded as {error:?}"),
    }
}

/// The text fields of a record: (JSON key, decoded value).
fn text_fields(c: &Customer) -> [(&'static str, Option<&str>); 10] {
    [
        ("external_id", c.external_id.as_deref()),
        ("firstname", c.firstname.as_deref()),
        ("middlename", c.middlename.as_deref()),
        ("lastname", c.lastname.as_deref()),
        ("fullname", c.fullname.as_deref()),
        ("email", c.email.as_deref()),
        ("phone", c.phone.as_deref()),
        ("gender", c.gender_text.as_deref()),
        ("identity_number", c.identity_number.as_deref()),
        ("birthdate", None), // compared separately below
    ]
}

/// Whether serde_json refused the body only for a reason the core may
/// legitimately accept: a number too large for an `f64` (the core checks
/// number syntax, not range, in values it skips).
fn only_number_range(error: &serde_json::Error) -> bool {
    error.to_string().contains("number out of range")
}

/// The record the core decoded equals what serde_json reads from `data`.
fn check_against_serde_json(body: &[u8], customer: &Customer) {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) if only_number_range(&error) => return,
        Err(error) => panic!("the core accepted a body serde_json refuses: {error}"),
    };
    let data = value
        .get("data")
        .and_then(Value::as_object)
        .expect("Ok without a data object");
    assert_ne!(
        value.get("success"),
        Some(&Value::Bool(false)),
        "Ok despite success:false"
    );
    for (key, decoded) in text_fields(customer) {
        if key == "birthdate" {
            continue;
        }
        match data.get(key) {
            None | Some(Value::Null) => assert_eq!(decoded, None, "{key}"),
            Some(Value::String(s)) => assert_eq!(decoded, Some(s.as_str()), "{key}"),
            // A number is kept as its source text; serde_json may print it
            // differently, so only presence is compared.
            Some(Value::Number(_)) => assert!(decoded.is_some(), "{key}"),
            Some(other) => panic!("{key}: Ok with a {other:?}"),
        }
    }
    for (key, decoded) in [
        ("id", customer.id),
        ("company_id", customer.company_id),
        ("user_id", customer.user_id),
    ] {
        match data.get(key) {
            None | Some(Value::Null) => assert_eq!(decoded, None, "{key}"),
            Some(Value::String(s)) => assert_eq!(decoded, s.parse::<u64>().ok(), "{key}"),
            Some(Value::Number(n)) => {
                if let Some(n) = n.as_u64() {
                    assert_eq!(decoded, Some(n), "{key}");
                }
            }
            Some(other) => panic!("{key}: Ok with a {other:?}"),
        }
    }
    // Dates and timestamps: `null` and `""` are absent; a birthdate may
    // carry a time after its ten date characters, which is dropped.
    let same_text = |key: &str, decoded: Option<String>, len: Option<usize>| match data.get(key) {
        None | Some(Value::Null) => assert_eq!(decoded, None, "{key}"),
        Some(Value::String(s)) if s.is_empty() => assert_eq!(decoded, None, "{key}"),
        Some(Value::String(s)) => {
            let expected = len.and_then(|n| s.get(..n)).unwrap_or(s);
            assert_eq!(decoded.as_deref(), Some(expected), "{key}")
        }
        Some(other) => panic!("{key}: Ok with a {other:?}"),
    };
    same_text(
        "birthdate",
        customer.birthdate.map(|d| d.to_string()),
        Some(10),
    );
    same_text(
        "created_at",
        customer.created_at.as_ref().map(|t| t.as_str().to_owned()),
        None,
    );
    same_text(
        "updated_at",
        customer.updated_at.as_ref().map(|t| t.as_str().to_owned()),
        None,
    );
}

/// The record re-serialised with serde_json is valid JSON with the same values.
fn check_reserialised(customer: &Customer) {
    let json = serde_json::to_string(customer).expect("Customer serialises");
    let back: Value = serde_json::from_str(&json).expect("the serialised Customer is valid JSON");
    let object = back
        .as_object()
        .expect("a Customer serialises to an object");
    for (key, decoded) in text_fields(customer) {
        if key == "birthdate" {
            continue;
        }
        assert_eq!(object.get(key).and_then(Value::as_str), decoded, "{key}");
        assert!(object.contains_key(key), "{key} missing");
    }
    assert_eq!(object.get("id").and_then(Value::as_u64), customer.id);
    assert_eq!(
        object
            .get("birthdate")
            .and_then(Value::as_str)
            .map(str::to_owned),
        customer.birthdate.map(|d| d.to_string())
    );
    assert_eq!(
        object.get("updated_at").and_then(Value::as_str),
        customer.updated_at.as_ref().map(|t| t.as_str())
    );
}

fuzz_target!(|data: &[u8]| {
    let [hi, lo, body @ ..] = data else { return };
    let status = u16::from_be_bytes([*hi, *lo]);
    let retry_after = body.first().map(|b| u32::from(*b));
    let success = (200..=299).contains(&status);

    match decode_customer_response(status, body, retry_after) {
        Ok(customer) => {
            assert!(success, "Ok for status {status}");
            check_against_serde_json(body, &customer);
            check_reserialised(&customer);
        }
        Err(error) if !success => check_status_error(status, &error, retry_after),
        Err(error) => assert!(
            matches!(error, ApiError::Malformed(_) | ApiError::Rejected { .. }),
            "2xx decoded as {error:?}"
        ),
    }

    // Into a record that still holds an earlier, complete decode.
    let mut reused =
        decode_customer_response(200, FULL_RECORD, None).expect("the full record decodes");
    let into = decode_customer_response_into(status, body, retry_after, &mut reused);
    match (&into, decode_customer_response(status, body, retry_after)) {
        (Ok(()), Ok(fresh)) => assert!(reused == fresh, "leftovers: {reused:?} vs {fresh:?}"),
        (Err(a), Err(b)) => assert_eq!(*a, b),
        (a, b) => panic!("_into gave {a:?}, the plain decode {b:?}"),
    }

    match decode_remove_response(status, body, retry_after) {
        Ok(()) => assert!(success, "Ok for status {status}"),
        Err(error) if !success => check_status_error(status, &error, retry_after),
        Err(error) => assert!(
            matches!(error, ApiError::Malformed(_) | ApiError::Rejected { .. }),
            "2xx decoded as {error:?}"
        ),
    }

    let details = invalid_details(body);
    assert!(details.fields.len() <= MAX_FIELD_MESSAGES);
    assert!(
        details
            .message
            .as_ref()
            .is_none_or(|m| m.len() <= SERVER_MESSAGE_CAPACITY)
    );
    for entry in &details.fields {
        assert!(entry.field.len() <= FIELD_NAME_CAPACITY);
        assert!(entry.message.len() <= FIELD_MESSAGE_CAPACITY);
    }
});
