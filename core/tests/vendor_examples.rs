//! The vendor's examples end to end: validate → encode → serde_json, and the
//! documented 200 response (plain and PHP-escaped) decoded exactly.

use minted_connect_core::json::{
    ApiError, DecodeError, MAX_CREATE_BODY_LEN, MAX_UPDATE_BODY_LEN, ResponseField,
    decode_customer_response, encode_create, encode_update, invalid_details,
};
use minted_connect_core::model::{
    Customer, CustomerCreate, CustomerUpdate, Date, Gender, NAME_CAPACITY, Timestamp,
};
use minted_connect_core::validate::{CreateInput, CustomerInput, Field, Rule, ValidationProfile};
use serde_json::{Value, json};

/// The vendor's example body (its e-mail is hidden on the page; any valid
/// address stands in).
fn vendor_input() -> CustomerInput<'static> {
    CustomerInput {
        firstname: Some("Mehmet"),
        middlename: Some(""),
        lastname: Some("Gülbilge"),
        fullname: Some("Mehmet Gülbilge"),
        email: Some("mehmet.gulbilge@example.com"),
        phone: Some("+90 532 280 80 35"),
        gender: Some("M"),
        identity_number: Some("12345677938"),
        birthdate: Some("1970-01-31"),
    }
}

fn encode(update: &CustomerUpdate) -> Value {
    let mut buf = [0u8; MAX_UPDATE_BODY_LEN];
    let len = encode_update(update, &mut buf).unwrap();
    serde_json::from_slice(&buf[..len]).unwrap()
}

#[test]
fn vendor_update_example_is_accepted_and_round_trips() {
    let update = CustomerUpdate::validate(&vendor_input(), ValidationProfile::Lenient).unwrap();
    assert_eq!(
        encode(&update),
        json!({
            "firstname": "Mehmet",
            "lastname": "Gülbilge",
            "fullname": "Mehmet Gülbilge",
            "email": "mehmet.gulbilge@example.com",
            "phone": "+90 532 280 80 35",
            "gender": "M",
            "identity_number": "12345677938",
            "birthdate": "1970-01-31"
        })
    );
    // The strict profile refuses the vendor's identity number (bad checksum).
    let errors =
        CustomerUpdate::validate(&vendor_input(), ValidationProfile::StrictTcKimlik).unwrap_err();
    assert_eq!(errors.as_slice().len(), 1);
    assert_eq!(
        errors.rule(Field::IdentityNumber),
        Some(Rule::InvalidIdentityNumber)
    );
}

#[test]
fn encoded_bytes_are_exact() {
    let update = CustomerUpdate::validate(&vendor_input(), ValidationProfile::Lenient).unwrap();
    let mut buf = [0u8; MAX_UPDATE_BODY_LEN];
    let len = encode_update(&update, &mut buf).unwrap();
    assert_eq!(
        std::str::from_utf8(&buf[..len]).unwrap(),
        r#"{"firstname":"Mehmet","lastname":"Gülbilge","fullname":"Mehmet Gülbilge","email":"mehmet.gulbilge@example.com","phone":"+90 532 280 80 35","gender":"M","identity_number":"12345677938","birthdate":"1970-01-31"}"#
    );
    // Every shorter buffer is refused, never overrun.
    for size in 0..len {
        let mut small = vec![0u8; size];
        assert!(encode_update(&update, &mut small).is_err(), "{size}");
    }
}

#[test]
fn clearing_the_middlename_sends_an_empty_string() {
    let mut input = vendor_input();
    input.middlename = Some("Ali");
    let mut update = CustomerUpdate::validate(&input, ValidationProfile::Lenient).unwrap();
    assert_eq!(encode(&update)["middlename"], "Ali");
    update.clear_middlename();
    assert_eq!(update.middlename(), None);
    assert_eq!(encode(&update)["middlename"], "");
}

#[test]
fn trimming_and_absent_optionals() {
    let input = CustomerInput {
        firstname: Some("  Mehmet\t"),
        middlename: Some("   "),
        fullname: Some(""),
        gender: Some(" "),
        birthdate: None,
        ..vendor_input()
    };
    let update = CustomerUpdate::validate(&input, ValidationProfile::Lenient).unwrap();
    assert_eq!(update.firstname(), "Mehmet");
    let body = encode(&update);
    for absent in ["middlename", "fullname", "gender", "birthdate"] {
        assert!(body.get(absent).is_none(), "{absent}");
    }
}

#[test]
fn every_failing_field_is_reported_at_once() {
    let input = CustomerInput {
        firstname: Some("Al"),
        middlename: Some("X\u{1}Y"),
        lastname: Some(&"ğ".repeat(41)),
        fullname: Some(&"😀".repeat(256)),
        email: Some("not-an-email"),
        phone: Some("12-34"),
        gender: Some("K"),
        identity_number: Some(" "),
        birthdate: Some("1970-02-30"),
    };
    let errors = CustomerUpdate::validate(&input, ValidationProfile::Lenient).unwrap_err();
    let got: Vec<_> = errors.iter().map(|e| (e.field, e.rule)).collect();
    assert_eq!(
        got,
        [
            (Field::Firstname, Rule::TooShort { min: 3 }),
            (Field::Middlename, Rule::ControlCharacter),
            (Field::Lastname, Rule::TooLong { max: 40 }),
            (Field::Fullname, Rule::TooLong { max: 255 }),
            (Field::Email, Rule::InvalidEmail),
            (Field::Phone, Rule::InvalidPhone),
            (Field::Gender, Rule::InvalidGender),
            (Field::IdentityNumber, Rule::Required),
            (Field::Birthdate, Rule::InvalidDate),
        ]
    );
    let create = CreateInput {
        external_id: Some("ab"),
        customer: input,
    };
    let errors = CustomerCreate::validate(&create, ValidationProfile::Lenient).unwrap_err();
    assert_eq!(errors.len(), 10);
    assert_eq!(errors.as_slice()[0].field, Field::ExternalId);
}

#[test]
fn name_edges_through_the_whole_pipeline() {
    for c in ['a', 'ş', '€', '😀'] {
        for (n, ok) in [(2, false), (3, true), (40, true), (41, false)] {
            let name = c.to_string().repeat(n);
            for field in [Field::Firstname, Field::Middlename, Field::Lastname] {
                let mut input = vendor_input();
                let padded = format!("  {name} ");
                match field {
                    Field::Firstname => input.firstname = Some(&padded),
                    Field::Middlename => input.middlename = Some(&padded),
                    _ => input.lastname = Some(&padded),
                }
                let result = CustomerUpdate::validate(&input, ValidationProfile::Lenient);
                assert_eq!(result.is_ok(), ok, "{field} {c} ×{n}");
                if let Ok(update) = result {
                    assert_eq!(encode(&update)[field.name()], name.as_str());
                }
            }
        }
    }
}

/// The longest valid values of every field: the body is exactly the
/// documented maximum.
#[test]
fn the_largest_valid_body_fits_exactly() {
    let name = "😀".repeat(40);
    let fullname = "😀".repeat(255);
    // 64 + 1 + 63 + 1 + 63 + 1 + 61 = 254 code points of 4-byte letters.
    let cjk = '\u{20000}';
    let email = format!(
        "{}@{}.{}.{}",
        "😀".repeat(64),
        cjk.to_string().repeat(63),
        cjk.to_string().repeat(63),
        cjk.to_string().repeat(61)
    );
    let phone = "+(1-2-3-4-5-6-7-8-9-0-1-2-3-4-5)";
    assert_eq!(phone.len(), 32);
    let identity = "😀".repeat(40);
    let input = CustomerInput {
        firstname: Some(&name),
        middlename: Some(&name),
        lastname: Some(&name),
        fullname: Some(&fullname),
        email: Some(&email),
        phone: Some(phone),
        gender: Some("F"),
        identity_number: Some(&identity),
        birthdate: Some("2000-02-29"),
    };
    let update = CustomerUpdate::validate(&input, ValidationProfile::Lenient).unwrap();
    let mut buf = [0u8; MAX_UPDATE_BODY_LEN];
    assert_eq!(encode_update(&update, &mut buf), Ok(MAX_UPDATE_BODY_LEN));
    let parsed: Value = serde_json::from_slice(&buf).unwrap();
    assert_eq!(parsed["email"], email.as_str());

    let external_id = "A".repeat(40);
    let create = CustomerCreate::validate(
        &CreateInput {
            external_id: Some(&external_id),
            customer: input,
        },
        ValidationProfile::Lenient,
    )
    .unwrap();
    let mut buf = [0u8; MAX_CREATE_BODY_LEN];
    assert_eq!(encode_create(&create, &mut buf), Ok(MAX_CREATE_BODY_LEN));
    let parsed: Value = serde_json::from_slice(&buf).unwrap();
    assert_eq!(parsed["external_id"], external_id.as_str());
    assert_eq!(parsed["firstname"], name.as_str());

    // Escaped characters take fewer bytes than 4-byte ones: still fits.
    let quotes = "\"\\".repeat(20);
    let input = CustomerInput {
        firstname: Some(&quotes),
        ..vendor_input()
    };
    let update = CustomerUpdate::validate(&input, ValidationProfile::Lenient).unwrap();
    assert_eq!(encode(&update)["firstname"], quotes.as_str());
    assert!(quotes.len() * 2 <= NAME_CAPACITY);
}

const VENDOR_200: &str = include_str!("fixtures/vendor_200.json");

fn vendor_customer() -> Customer {
    Customer {
        id: Some(2),
        external_id: Some("MTD0018232".try_into().unwrap()),
        company_id: Some(2_000_000),
        user_id: None,
        firstname: Some("Mehmet".try_into().unwrap()),
        middlename: None,
        lastname: Some("Gülbilge".try_into().unwrap()),
        fullname: Some("Mehmet Gülbilge".try_into().unwrap()),
        email: Some("mehmet.gulbilge@example.com".try_into().unwrap()),
        phone: None,
        gender_text: None,
        identity_number: None,
        birthdate: None,
        created_at: Some(Timestamp::parse("2023-03-05 04:51:18").unwrap()),
        updated_at: Some(Timestamp::parse("2023-03-05 04:51:18").unwrap()),
    }
}

#[test]
fn vendor_200_decodes_exactly() {
    let customer = decode_customer_response(200, VENDOR_200.as_bytes(), None).unwrap();
    assert_eq!(customer, vendor_customer());
    // serde_json agrees on every documented field.
    let ours = serde_json::to_value(&customer).unwrap();
    let theirs: Value = serde_json::from_str(VENDOR_200).unwrap();
    assert_eq!(ours, theirs["data"]);
}

/// PHP's json_encode: every non-ASCII character as `\uXXXX` (surrogate
/// pairs beyond the BMP), `/` as `\/`.
fn php_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 || !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

const PHP_200: &str = r#"{"message":"","code":0,"meta":{"trace":[{"a":[1,2.5e-3,{"b":null}]},[]],"x":{}},
 "data":{"updated_at":"2023-03-05 04:51:18","wallets":[{"id":7,"currency":"XAU","balance":"0.10",
 "nested":{"deep":[[[{"k":"v\"\\\/"}]]]},"empty":[]}],"gender":"M","lastname":"G\u00fclbilge",
 "fullname":"Mehmet G\u00fclbilge \/ \ud83d\ude00","id":2,"external_id":"MTD\/0018232",
 "birthdate":"1970-01-31","email":"mehmet\u002egulbilge@example.com","company_id":2000000,
 "firstname":"Mehmet","identity_number":"12345677938","phone":"+90 532 280 80 35",
 "created_at":"2023-03-05 04:51:18","unknown_null":null,"unknown_bool":false,"middlename":"\u015e\u00fckr\u00fc"},
 "success":true,"links":[]}"#;

#[test]
fn php_escaped_variant_decodes_exactly() {
    let customer = decode_customer_response(200, PHP_200.as_bytes(), None).unwrap();
    let expected = Customer {
        external_id: Some("MTD/0018232".try_into().unwrap()),
        fullname: Some("Mehmet Gülbilge / 😀".try_into().unwrap()),
        middlename: Some("Şükrü".try_into().unwrap()),
        phone: Some("+90 532 280 80 35".try_into().unwrap()),
        gender_text: Some("M".try_into().unwrap()),
        identity_number: Some("12345677938".try_into().unwrap()),
        birthdate: Some(Date::parse("1970-01-31").unwrap()),
        ..vendor_customer()
    };
    assert_eq!(customer, expected);
    assert_eq!(customer.gender(), Some(Gender::M));
    // And serde_json reads the same body to the same values.
    let theirs: Value = serde_json::from_str(PHP_200).unwrap();
    let ours = serde_json::to_value(&customer).unwrap();
    for (key, value) in ours.as_object().unwrap() {
        assert_eq!(&theirs["data"][key], value, "{key}");
    }
}

#[test]
fn php_escape_helper_round_trips_through_decoder() {
    let name = "Ğüşöçı \"x\" \\ / 😀𝔸";
    let body = format!(
        r#"{{"data":{{"firstname":"{}"}},"success":true}}"#,
        php_escape(name)
    );
    assert!(body.is_ascii());
    let customer = decode_customer_response(200, body.as_bytes(), None).unwrap();
    assert_eq!(customer.firstname.as_deref(), Some(name));
}

#[test]
fn every_truncation_of_a_response_is_an_error() {
    for body in [VENDOR_200, PHP_200] {
        let bytes = body.as_bytes();
        let end = body.trim_end().len();
        for cut in 0..end {
            let result = decode_customer_response(200, &bytes[..cut], None);
            assert!(
                matches!(result, Err(ApiError::Malformed(_))),
                "cut at {cut}: {result:?}"
            );
        }
        assert!(decode_customer_response(200, bytes, None).is_ok());
    }
}

#[test]
fn corrupted_bytes_never_panic() {
    for body in [VENDOR_200, PHP_200] {
        let bytes = body.as_bytes();
        for at in 0..bytes.len() {
            for replacement in [
                b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', b'x', 0x00, 0xC3, 0xFF,
            ] {
                let mut corrupted = bytes.to_vec();
                corrupted[at] = replacement;
                let _ = decode_customer_response(200, &corrupted, None);
                let _ = decode_customer_response(422, &corrupted, None);
            }
        }
    }
}

#[test]
fn too_long_and_wrong_values_name_the_field() {
    let long = "a".repeat(NAME_CAPACITY + 1);
    let body = format!(r#"{{"data":{{"firstname":"{long}"}},"success":true}}"#);
    assert_eq!(
        decode_customer_response(200, body.as_bytes(), None),
        Err(ApiError::Malformed(DecodeError::TooLong {
            field: ResponseField::Firstname,
            capacity: NAME_CAPACITY
        }))
    );
    let exact = "😀".repeat(40);
    let body = format!(
        r#"{{"data":{{"lastname":"{}"}},"success":true}}"#,
        php_escape(&exact)
    );
    let customer = decode_customer_response(200, body.as_bytes(), None).unwrap();
    assert_eq!(customer.lastname.as_deref(), Some(exact.as_str()));

    let cases: [(&str, DecodeError); 7] = [
        (
            r#"{"id":-1}"#,
            DecodeError::InvalidValue {
                field: ResponseField::Id,
            },
        ),
        (
            r#"{"id":1.5}"#,
            DecodeError::InvalidValue {
                field: ResponseField::Id,
            },
        ),
        (
            r#"{"company_id":true}"#,
            DecodeError::WrongType {
                field: ResponseField::CompanyId,
            },
        ),
        (
            r#"{"email":{}}"#,
            DecodeError::WrongType {
                field: ResponseField::Email,
            },
        ),
        (
            r#"{"birthdate":"1970-02-30"}"#,
            DecodeError::InvalidValue {
                field: ResponseField::Birthdate,
            },
        ),
        (
            r#"{"created_at":"2023-03-05T04:51:18Z"}"#,
            DecodeError::InvalidValue {
                field: ResponseField::CreatedAt,
            },
        ),
        (
            r#"{"id":1,"id":2}"#,
            DecodeError::DuplicateField {
                field: ResponseField::Id,
            },
        ),
    ];
    for (data, error) in cases {
        let body = format!(r#"{{"success":true,"data":{data}}}"#);
        assert_eq!(
            decode_customer_response(200, body.as_bytes(), None),
            Err(ApiError::Malformed(error)),
            "{data}"
        );
    }
    // Tolerated: ids as digit strings, numbers in text fields, "" dates.
    let body =
        br#"{"data":{"id":"2","identity_number":12345677938,"birthdate":"","updated_at":""}}"#;
    let customer = decode_customer_response(200, body, None).unwrap();
    assert_eq!(customer.id, Some(2));
    assert_eq!(customer.identity_number.as_deref(), Some("12345677938"));
    assert_eq!(customer.birthdate, None);
}

#[test]
fn not_found_and_invalid_bodies() {
    let body = br#"{"success":false,"code":404,"message":"Record Not Found","data":[]}"#;
    assert_eq!(
        decode_customer_response(404, body, None),
        Err(ApiError::NotFound)
    );
    let body = br#"{"message":"The email field must be a valid email address. (and 1 more error)","errors":{"email":["The email field must be a valid email address."],"phone":["The phone field is required."]}}"#;
    assert_eq!(
        decode_customer_response(422, body, None),
        Err(ApiError::Invalid)
    );
    let details = invalid_details(body);
    assert_eq!(details.fields.len(), 2);
    assert_eq!(details.fields[1].known_field(), Some(Field::Phone));
    assert_eq!(
        details.messages_for(Field::Email).collect::<Vec<_>>(),
        ["The email field must be a valid email address."]
    );
    assert!(
        details
            .to_string()
            .contains("phone: The phone field is required.")
    );
}

#[test]
fn debug_output_masks_personal_data() {
    let update = CustomerUpdate::validate(&vendor_input(), ValidationProfile::Lenient).unwrap();
    let text = format!("{update:?}");
    assert!(text.contains("\"*******7938\""), "{text}");
    assert!(!text.contains("12345677938"));
    assert!(!text.contains("mehmet.gulbilge@"));
    assert!(!text.contains("532 280"));
    assert!(!text.contains("1970-01"), "{text}");
    assert!(text.contains("Gülbilge"));
    let customer = decode_customer_response(200, PHP_200.as_bytes(), None).unwrap();
    let text = format!("{customer:?}");
    assert!(!text.contains("12345677938") && !text.contains("mehmet.") && !text.contains("1970"));
}

#[test]
fn print_sizes() {
    use std::mem::size_of;
    println!("size_of CustomerUpdate = {}", size_of::<CustomerUpdate>());
    println!("size_of CustomerCreate = {}", size_of::<CustomerCreate>());
    println!("size_of Customer = {}", size_of::<Customer>());
    println!("size_of Date = {}", size_of::<Date>());
    println!("size_of Timestamp = {}", size_of::<Timestamp>());
    println!("size_of Gender = {}", size_of::<Gender>());
    println!(
        "size_of ValidationErrors = {}",
        size_of::<minted_connect_core::validate::ValidationErrors>()
    );
    println!("size_of ApiError = {}", size_of::<ApiError>());
    println!("size_of DecodeError = {}", size_of::<DecodeError>());
    println!(
        "size_of Result<Customer, ApiError> = {}",
        size_of::<Result<Customer, ApiError>>()
    );
    println!(
        "MAX_UPDATE_BODY_LEN = {MAX_UPDATE_BODY_LEN}, MAX_CREATE_BODY_LEN = {MAX_CREATE_BODY_LEN}"
    );
}
