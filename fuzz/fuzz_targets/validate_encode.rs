//! Validation + encoding of arbitrary field values.
//!
//! Input: [`FieldValues`], read by its `Arbitrary` impl from byte 0 (flags:
//! bit 0 strict profile, bit 1 create instead of update, bit 2 clear the
//! middle name) and then up to ten values separated by `0xFF`: external_id,
//! firstname, middlename, lastname, fullname, email, phone, gender,
//! identity_number, birthdate. A value that is exactly `0xFE` is absent
//! (`None`); other bytes are read as UTF-8 (invalid sequences become U+FFFD).
//! Neither byte ever occurs in UTF-8, so every string is reachable, and a
//! fixture body is a readable seed (see `seeds/validate_encode/`).
//!
//! Checked, besides "never panics":
//! - the `ValidationErrors` are exactly the fields whose own public check
//!   (`check_*`, `parse_*`, after trimming) fails, with that rule, in body
//!   order, never empty on `Err`; and the simple rules agree with an
//!   independent oracle written here from the docs (trimming with
//!   `str::trim`, code points counted with `chars()`, controls with
//!   `char::is_control`, the e-mail rule transcribed from its docs);
//! - `CustomerUpdate::validate_into` a body already holding other values
//!   gives exactly what `validate` gives;
//! - valid ⇒ `encode_update` / `encode_create` into a `MAX_*_BODY_LEN`
//!   buffer succeeds, the exact length fits and one byte less does not; the
//!   body parses with serde_json to exactly the trimmed values (absent
//!   optional fields left out, `"middlename":""` when cleared); and the
//!   core's own response decoder reads the same values back from it.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use minted_connect_core::json::{
    MAX_CREATE_BODY_LEN, MAX_UPDATE_BODY_LEN, decode_customer_response, encode_create,
    encode_update,
};
use minted_connect_core::model::{Customer, CustomerCreate, CustomerUpdate};
use minted_connect_core::validate::{
    CreateInput, CustomerInput, Field, FieldError, Rule, ValidationErrors, ValidationProfile,
    check_email, check_external_id, check_fullname, check_identity_number, check_name, check_phone,
    parse_birthdate, parse_gender, trim_optional,
};
use serde_json::{Map, Value};

/// Raw values for every field of a create (an update ignores `external_id`).
#[derive(Debug, Default)]
struct FieldValues {
    strict: bool,
    create: bool,
    clear_middlename: bool,
    /// external_id, then the nine customer fields in body order.
    values: [Option<String>; 10],
}

impl<'a> Arbitrary<'a> for FieldValues {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let flags = u8::arbitrary(u)?;
        let rest = u.bytes(u.len())?;
        let mut values: [Option<String>; 10] = Default::default();
        for (slot, raw) in values.iter_mut().zip(rest.split(|b| *b == 0xFF)) {
            *slot = (raw != [0xFE]).then(|| String::from_utf8_lossy(raw).into_owned());
        }
        Ok(FieldValues {
            strict: flags & 1 != 0,
            create: flags & 2 != 0,
            clear_middlename: flags & 4 != 0,
            values,
        })
    }

    fn arbitrary_take_rest(mut u: Unstructured<'a>) -> arbitrary::Result<Self> {
        Self::arbitrary(&mut u)
    }
}

/// The nine customer fields, in body order, with the rule each obeys.
const FIELDS: [Field; 9] = [
    Field::Firstname,
    Field::Middlename,
    Field::Lastname,
    Field::Fullname,
    Field::Email,
    Field::Phone,
    Field::Gender,
    Field::IdentityNumber,
    Field::Birthdate,
];

fn is_optional(field: Field) -> bool {
    matches!(
        field,
        Field::Middlename | Field::Fullname | Field::Gender | Field::Birthdate
    )
}

/// The field's own public check on a trimmed value.
fn field_check(field: Field, value: &str, profile: ValidationProfile) -> Result<(), Rule> {
    match field {
        Field::ExternalId => check_external_id(value),
        Field::Firstname | Field::Middlename | Field::Lastname => check_name(value),
        Field::Fullname => check_fullname(value),
        Field::Email => check_email(value),
        Field::Phone => check_phone(value),
        Field::Gender => parse_gender(value).map(|_| ()),
        Field::IdentityNumber => check_identity_number(value, profile),
        Field::Birthdate => parse_birthdate(value).map(|_| ()),
        other => unreachable!("{other:?}"),
    }
}

/// The e-mail rule exactly as `check_email`'s docs state it, written
/// plainly: no control character, at most 254 code points, exactly one `@`;
/// the local part a dot-atom of RFC 5322 `atext` or non-ASCII non-whitespace,
/// at most 64 code points; the domain non-empty labels of at most 63 code
/// points, ASCII letters, digits and `-` or non-ASCII alphanumerics, not
/// starting or ending with `-`.
fn documented_email(value: &str) -> bool {
    let atext = |c: char| {
        if c.is_ascii() {
            c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
        } else {
            !c.is_whitespace()
        }
    };
    let label_char = |c: char| {
        if c.is_ascii() {
            c.is_ascii_alphanumeric() || c == '-'
        } else {
            c.is_alphanumeric()
        }
    };
    if value.chars().any(char::is_control) || value.chars().count() > 254 {
        return false;
    }
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !domain.contains('@')
        && !local.is_empty()
        && local.chars().count() <= 64
        && local
            .split('.')
            .all(|atom| !atom.is_empty() && atom.chars().all(atext))
        && !domain.is_empty()
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.chars().count() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(label_char)
        })
}

/// An independent reading of the simple rules, from the docs.
fn oracle(field: Field, value: &str) -> Option<bool> {
    let chars = value.chars().count();
    let control = value.chars().any(char::is_control);
    let digits = value.bytes().filter(u8::is_ascii_digit).count();
    Some(match field {
        Field::Firstname | Field::Middlename | Field::Lastname => {
            !control && (3..=40).contains(&chars)
        }
        Field::Fullname => !control && chars <= 255,
        Field::Gender => value == "M" || value == "F",
        Field::Phone => {
            let rest = value.strip_prefix('+').unwrap_or(value);
            chars <= 32
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b" -()".contains(&b))
                && (7..=15).contains(&digits)
        }
        Field::ExternalId => {
            (3..=40).contains(&chars)
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        }
        Field::Birthdate => {
            let b = value.as_bytes();
            if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
                return Some(false);
            }
            let num = |s: &[u8]| std::str::from_utf8(s).ok()?.parse::<u32>().ok();
            let (Some(y), Some(m), Some(d)) = (num(&b[..4]), num(&b[5..7]), num(&b[8..])) else {
                return Some(false);
            };
            if !b
                .iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
            {
                return Some(false);
            }
            let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
            let days = match m {
                1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                4 | 6 | 9 | 11 => 30,
                2 if leap => 29,
                2 => 28,
                _ => 0,
            };
            (1..=9999).contains(&y) && (1..=days).contains(&d)
        }
        Field::Email => documented_email(value),
        _ => return None,
    })
}

/// The documented trimming (`str::trim`: Unicode White_Space; empty means
/// absent), checked against the core's `trim_optional`.
fn trimmed(raw: Option<&str>) -> Option<&str> {
    let expected = raw.map(str::trim).filter(|v| !v.is_empty());
    assert_eq!(trim_optional(raw), expected, "trim_optional({raw:?})");
    expected
}

/// The failures validation must report, in body order.
fn expected_errors(
    fields: &[(Field, Option<&str>)],
    profile: ValidationProfile,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for &(field, raw) in fields {
        let rule = match trimmed(raw) {
            None if is_optional(field) => continue,
            None => Err(Rule::Required),
            Some(value) => {
                let result = field_check(field, value, profile);
                if let Some(ok) = oracle(field, value) {
                    assert_eq!(result.is_ok(), ok, "{field}: {value:?} → {result:?}");
                }
                result
            }
        };
        if let Err(rule) = rule {
            errors.push(FieldError::new(field, rule));
        }
    }
    errors
}

/// The JSON object a valid body must parse to.
fn expected_json(fields: &[(Field, Option<&str>)], clear_middlename: bool) -> Map<String, Value> {
    let mut map = Map::new();
    for &(field, raw) in fields {
        if let Some(value) = trimmed(raw) {
            map.insert(field.name().to_owned(), Value::String(value.to_owned()));
        }
    }
    if clear_middlename {
        map.insert("middlename".to_owned(), Value::String(String::new()));
    }
    map
}

/// Encoding succeeds in the documented buffer, needs exactly its length,
/// and the body parses to `expected`; the core decodes it back too.
fn check_body(
    encode: impl Fn(&mut [u8]) -> Result<usize, minted_connect_core::json::EncodeError>,
    max: usize,
    expected: &Map<String, Value>,
) {
    let mut buf = vec![0u8; max];
    let len = encode(&mut buf).expect("a valid body fits MAX_*_BODY_LEN");
    let body = &buf[..len];
    let mut exact = vec![0u8; len];
    assert_eq!(encode(&mut exact), Ok(len), "the exact length does not fit");
    assert_eq!(&exact[..], body);
    if len > 0 {
        assert!(encode(&mut exact[..len - 1]).is_err(), "one byte less fits");
    }
    let parsed: Value = serde_json::from_slice(body).expect("the body is valid JSON");
    assert_eq!(
        parsed.as_object(),
        Some(expected),
        "{}",
        String::from_utf8_lossy(body)
    );

    // What we send, our own decoder reads back unchanged.
    let mut envelope = br#"{"success":true,"data":"#.to_vec();
    envelope.extend_from_slice(body);
    envelope.push(b'}');
    let customer = decode_customer_response(200, &envelope, None).expect("the core reads its body");
    compare_customer(&customer, expected);
}

fn compare_customer(c: &Customer, expected: &Map<String, Value>) {
    let get = |key: &str| expected.get(key).and_then(Value::as_str);
    assert_eq!(c.external_id.as_deref(), get("external_id"));
    assert_eq!(c.firstname.as_deref(), get("firstname"));
    assert_eq!(c.middlename.as_deref(), get("middlename"));
    assert_eq!(c.lastname.as_deref(), get("lastname"));
    assert_eq!(c.fullname.as_deref(), get("fullname"));
    assert_eq!(c.email.as_deref(), get("email"));
    assert_eq!(c.phone.as_deref(), get("phone"));
    assert_eq!(c.gender_text.as_deref(), get("gender"));
    assert_eq!(c.identity_number.as_deref(), get("identity_number"));
    assert_eq!(
        c.birthdate.map(|d| d.to_string()).as_deref(),
        get("birthdate")
    );
}

/// `validate_into` a body that still holds every field of an earlier
/// validation (and a cleared middle name) gives the same result, and on `Ok`
/// the same body: nothing is left over from before.
fn check_validate_into(
    input: &CustomerInput<'_>,
    profile: ValidationProfile,
    expected: &Result<CustomerUpdate, ValidationErrors>,
) {
    let full = CustomerInput {
        firstname: Some("Mehmet"),
        middlename: Some("Ali"),
        lastname: Some("Gülbilge"),
        fullname: Some("Mehmet Ali Gülbilge"),
        email: Some("mehmet@example.com"),
        phone: Some("+90 532 280 80 35"),
        gender: Some("M"),
        identity_number: Some("10000000146"),
        birthdate: Some("1970-01-31"),
    };
    let mut reused = CustomerUpdate::validate(&full, ValidationProfile::StrictTcKimlik)
        .expect("the full input is valid");
    reused.clear_middlename();
    match (
        CustomerUpdate::validate_into(input, profile, &mut reused),
        expected,
    ) {
        (Ok(()), Ok(update)) => assert!(&reused == update, "leftovers: {reused:?} vs {update:?}"),
        (Err(a), Err(b)) => assert_eq!(&a, b),
        (a, b) => panic!("validate_into gave {a:?}, validate {b:?}"),
    }
}

fn check_errors(errors: &ValidationErrors, expected: &[FieldError]) {
    assert!(!errors.is_empty(), "Err without a FieldError");
    assert_eq!(errors.as_slice(), expected);
}

fuzz_target!(|input: FieldValues| {
    let profile = if input.strict {
        ValidationProfile::StrictTcKimlik
    } else {
        ValidationProfile::Lenient
    };
    let v: Vec<Option<&str>> = input.values.iter().map(Option::as_deref).collect();
    let customer = CustomerInput {
        firstname: v[1],
        middlename: v[2],
        lastname: v[3],
        fullname: v[4],
        email: v[5],
        phone: v[6],
        gender: v[7],
        identity_number: v[8],
        birthdate: v[9],
    };
    let fields: Vec<(Field, Option<&str>)> =
        FIELDS.iter().copied().zip(v[1..].iter().copied()).collect();

    if input.create {
        let mut all = vec![(Field::ExternalId, v[0])];
        all.extend_from_slice(&fields);
        let expected = expected_errors(&all, profile);
        let create_input = CreateInput {
            external_id: v[0],
            customer,
        };
        match CustomerCreate::validate(&create_input, profile) {
            Ok(create) => {
                assert!(expected.is_empty(), "valid despite {expected:?}");
                assert_eq!(create.external_id(), trimmed(v[0]).unwrap_or_default());
                let json = expected_json(&all, false);
                check_body(
                    |out| encode_create(&create, out),
                    MAX_CREATE_BODY_LEN,
                    &json,
                );
            }
            Err(errors) => check_errors(&errors, &expected),
        }
    } else {
        let expected = expected_errors(&fields, profile);
        let result = CustomerUpdate::validate(&customer, profile);
        check_validate_into(&customer, profile, &result);
        match result {
            Ok(mut update) => {
                assert!(expected.is_empty(), "valid despite {expected:?}");
                assert_eq!(update.firstname(), trimmed(v[1]).unwrap_or_default());
                assert_eq!(update.middlename(), trimmed(v[2]));
                if input.clear_middlename {
                    update.clear_middlename();
                    assert!(update.clears_middlename() && update.middlename().is_none());
                }
                let mut json_fields = fields.clone();
                if input.clear_middlename {
                    json_fields[1].1 = None;
                }
                let json = expected_json(&json_fields, input.clear_middlename);
                check_body(
                    |out| encode_update(&update, out),
                    MAX_UPDATE_BODY_LEN,
                    &json,
                );
            }
            Err(errors) => check_errors(&errors, &expected),
        }
    }
});
