//! The customer fields of a request as the user gave them — from a JSON file
//! in the vendor's body shape, or from command-line flags — and their
//! validation by the core.
//!
//! JSON rules (issue 6's contract):
//! - the document is one object with the vendor's keys (`firstname`,
//!   `middlename`, `lastname`, `fullname`, `email`, `phone`, `gender`,
//!   `identity_number`, `birthdate`, and `external_id` for a create); an
//!   unknown or repeated key is refused, so a typo never goes unnoticed;
//! - `null` means absent, and so does `""` for an optional field (the core's
//!   rule); a required field that is `null` or `""` is [`Rule::Required`];
//! - a value that is not a string (a number, a boolean, an array, an
//!   object) is [`Rule::WrongType`] for that field, reported together with
//!   every other failing field.
//!
//! Error texts name fields, never values: the input is personal data.

use std::fmt;

use minted_connect_core::model::{CustomerCreate, CustomerUpdate};
use minted_connect_core::validate::{
    CreateInput, CustomerInput, Field, FieldError, Rule, ValidationErrors, ValidationProfile,
};
use serde::Deserialize;
use serde_json::Value;

/// The body keys, as the vendor's JSON has them (plus `external_id`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBody {
    #[serde(default)]
    external_id: Option<Value>,
    #[serde(default)]
    firstname: Option<Value>,
    #[serde(default)]
    middlename: Option<Value>,
    #[serde(default)]
    lastname: Option<Value>,
    #[serde(default)]
    fullname: Option<Value>,
    #[serde(default)]
    email: Option<Value>,
    #[serde(default)]
    phone: Option<Value>,
    #[serde(default)]
    gender: Option<Value>,
    #[serde(default)]
    identity_number: Option<Value>,
    #[serde(default)]
    birthdate: Option<Value>,
}

/// Why a JSON document could not be read as a customer body.
///
/// Its `Display` never quotes the document's values.
#[derive(Debug)]
pub struct JsonInputError {
    reason: String,
}

impl fmt::Display for JsonInputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for JsonInputError {}

/// Customer fields as owned text, with the fields that had a wrong JSON type.
///
/// ```
/// use minted_connect_examples::body::CustomerFields;
/// use minted_connect_core::validate::{Field, Rule, ValidationProfile};
///
/// let fields = CustomerFields::from_json(br#"{"firstname": 5, "middlename": null}"#)?;
/// let errors = fields.validate_update(ValidationProfile::Lenient).unwrap_err();
/// assert_eq!(errors.rule(Field::Firstname), Some(Rule::WrongType));
/// assert_eq!(errors.rule(Field::Lastname), Some(Rule::Required));
/// assert!(!errors.contains(Field::Middlename));
/// # Ok::<(), minted_connect_examples::body::JsonInputError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CustomerFields {
    /// `external_id` (create only).
    pub external_id: Option<String>,
    /// `firstname`.
    pub firstname: Option<String>,
    /// `middlename`.
    pub middlename: Option<String>,
    /// `lastname`.
    pub lastname: Option<String>,
    /// `fullname`.
    pub fullname: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `phone`.
    pub phone: Option<String>,
    /// `gender`.
    pub gender: Option<String>,
    /// `identity_number`.
    pub identity_number: Option<String>,
    /// `birthdate`.
    pub birthdate: Option<String>,
    /// Fields whose JSON value was not a string (nor `null`).
    wrong_type: Vec<Field>,
}

/// Only field names: the values are personal data.
impl fmt::Debug for CustomerFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let present: Vec<&str> = self
            .present()
            .into_iter()
            .map(|field| field.name())
            .collect();
        f.debug_struct("CustomerFields")
            .field("present", &present)
            .field("wrong_type", &self.wrong_type)
            .finish()
    }
}

impl CustomerFields {
    /// Reads a JSON document in the vendor's body shape.
    ///
    /// Fails (without quoting any value) when the bytes are not JSON, the
    /// document is not an object, or a key is unknown or repeated. A value
    /// of the wrong type is not an error here: it is reported by
    /// [`validate_update`](Self::validate_update) /
    /// [`validate_create`](Self::validate_create) with every other field.
    pub fn from_json(bytes: &[u8]) -> Result<Self, JsonInputError> {
        let value: Value = serde_json::from_slice(bytes).map_err(|e| JsonInputError {
            reason: format!("the JSON cannot be read: {}", describe_syntax_error(&e)),
        })?;
        if !value.is_object() {
            return Err(JsonInputError {
                reason: "the JSON must be one object with the customer's fields, like \
                         examples/data/customer.json"
                    .to_owned(),
            });
        }
        // Keys are checked on the text, not on `value`: a Map keeps only the
        // last of two equal keys.
        let raw: RawBody = serde_json::from_slice(bytes).map_err(|e| JsonInputError {
            reason: format!("the JSON has {}", describe_shape_error(&e)),
        })?;
        let mut fields = CustomerFields::default();
        let mut take = |value: Option<Value>, field: Field| match value {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => Some(text),
            Some(_) => {
                fields.wrong_type.push(field);
                None
            }
        };
        let external_id = take(raw.external_id, Field::ExternalId);
        let firstname = take(raw.firstname, Field::Firstname);
        let middlename = take(raw.middlename, Field::Middlename);
        let lastname = take(raw.lastname, Field::Lastname);
        let fullname = take(raw.fullname, Field::Fullname);
        let email = take(raw.email, Field::Email);
        let phone = take(raw.phone, Field::Phone);
        let gender = take(raw.gender, Field::Gender);
        let identity_number = take(raw.identity_number, Field::IdentityNumber);
        let birthdate = take(raw.birthdate, Field::Birthdate);
        Ok(CustomerFields {
            external_id,
            firstname,
            middlename,
            lastname,
            fullname,
            email,
            phone,
            gender,
            identity_number,
            birthdate,
            wrong_type: fields.wrong_type,
        })
    }

    /// Whether no field is set (nor given with a wrong type).
    pub fn is_empty(&self) -> bool {
        self.present().is_empty() && self.wrong_type.is_empty()
    }

    /// The fields that have a value, in body order.
    pub fn present(&self) -> Vec<Field> {
        [
            (Field::ExternalId, &self.external_id),
            (Field::Firstname, &self.firstname),
            (Field::Middlename, &self.middlename),
            (Field::Lastname, &self.lastname),
            (Field::Fullname, &self.fullname),
            (Field::Email, &self.email),
            (Field::Phone, &self.phone),
            (Field::Gender, &self.gender),
            (Field::IdentityNumber, &self.identity_number),
            (Field::Birthdate, &self.birthdate),
        ]
        .into_iter()
        .filter(|(_, value)| value.is_some())
        .map(|(field, _)| field)
        .collect()
    }

    /// The fields as the core's raw input.
    pub fn input(&self) -> CustomerInput<'_> {
        CustomerInput {
            firstname: self.firstname.as_deref(),
            middlename: self.middlename.as_deref(),
            lastname: self.lastname.as_deref(),
            fullname: self.fullname.as_deref(),
            email: self.email.as_deref(),
            phone: self.phone.as_deref(),
            gender: self.gender.as_deref(),
            identity_number: self.identity_number.as_deref(),
            birthdate: self.birthdate.as_deref(),
        }
    }

    /// Validates the fields as an update body (`external_id` is not part of
    /// it). Every failing field is reported, wrong JSON types included.
    pub fn validate_update(
        &self,
        profile: ValidationProfile,
    ) -> Result<CustomerUpdate, ValidationErrors> {
        let wrong: Vec<Field> = self
            .wrong_type
            .iter()
            .copied()
            .filter(|field| *field != Field::ExternalId)
            .collect();
        merge(&wrong, CustomerUpdate::validate(&self.input(), profile))
    }

    /// Validates the fields as a create body.
    pub fn validate_create(
        &self,
        profile: ValidationProfile,
    ) -> Result<CustomerCreate, ValidationErrors> {
        let input = CreateInput {
            external_id: self.external_id.as_deref(),
            customer: self.input(),
        };
        merge(&self.wrong_type, CustomerCreate::validate(&input, profile))
    }
}

/// The core's verdict with the wrong-type fields added: a field given with
/// the wrong type reports [`Rule::WrongType`] (not the `Required` the core
/// saw for the missing value); the list stays in body order.
fn merge<T>(
    wrong_type: &[Field],
    result: Result<T, ValidationErrors>,
) -> Result<T, ValidationErrors> {
    if wrong_type.is_empty() {
        return result;
    }
    let core = result.err().unwrap_or_default();
    let mut errors = ValidationErrors::new();
    for field in Field::ALL {
        if wrong_type.contains(&field) {
            errors.push(FieldError::new(field, Rule::WrongType));
        } else if let Some(rule) = core.rule(field) {
            errors.push(FieldError::new(field, rule));
        }
    }
    Err(errors)
}

/// A JSON syntax error as position and category, never the offending text.
fn describe_syntax_error(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Eof => "it ends too early",
        Category::Syntax => "it is not valid JSON",
        Category::Data => "it is not valid JSON",
        Category::Io => "it could not be read",
    };
    format!("{what} (line {}, column {})", error.line(), error.column())
}

/// A shape error (unknown or repeated key). serde_json's text for these
/// names the key and the expected keys, never a value; keep only the part
/// before its position suffix.
fn describe_shape_error(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let text = match text.rfind(" at line ") {
        Some(at) => text.get(..at).unwrap_or(&text),
        None => &text,
    };
    // A key is named, a value is not: serde_json puts a value in its text
    // only for a type mismatch, which `RawBody` (all `Value`s) cannot have.
    format!("{text} (line {}, column {})", error.line(), error.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    const VENDOR: &[u8] = include_bytes!("../data/customer.json");

    #[test]
    fn vendor_body_validates_and_drops_the_empty_middlename() {
        let fields = CustomerFields::from_json(VENDOR).unwrap();
        assert_eq!(fields.middlename.as_deref(), Some(""));
        let update = fields.validate_update(ValidationProfile::Lenient).unwrap();
        assert_eq!(update.middlename(), None);
        assert_eq!(update.firstname(), "Mehmet");
        // The vendor's identity number fails the TC Kimlik checksum.
        let strict = fields
            .validate_update(ValidationProfile::StrictTcKimlik)
            .unwrap_err();
        assert_eq!(
            strict.rule(Field::IdentityNumber),
            Some(Rule::InvalidIdentityNumber)
        );
        assert_eq!(strict.len(), 1);
    }

    #[test]
    fn null_and_empty_optional_fields_are_absent() {
        let json = br#"{"firstname":"Mehmet","lastname":"Gulbilge","email":"m@example.com",
            "phone":"+90 532 280 80 35","identity_number":"1","middlename":null,
            "gender":"","birthdate":null,"fullname":""}"#;
        let update = CustomerFields::from_json(json)
            .unwrap()
            .validate_update(ValidationProfile::Lenient)
            .unwrap();
        assert_eq!(update.middlename(), None);
        assert_eq!(update.gender(), None);
        assert_eq!(update.birthdate(), None);
        assert_eq!(update.fullname(), None);
    }

    #[test]
    fn wrong_types_are_reported_with_the_other_failures() {
        let json = br#"{"firstname": 5, "lastname": ["x"], "email": "not-an-address",
            "phone": true, "identity_number": {"a": 1}, "gender": 1, "external_id": 7}"#;
        let fields = CustomerFields::from_json(json).unwrap();
        let errors = fields
            .validate_update(ValidationProfile::Lenient)
            .unwrap_err();
        let listed: Vec<(Field, Rule)> = errors.iter().map(|e| (e.field, e.rule)).collect();
        assert_eq!(
            listed,
            [
                (Field::Firstname, Rule::WrongType),
                (Field::Lastname, Rule::WrongType),
                (Field::Email, Rule::InvalidEmail),
                (Field::Phone, Rule::WrongType),
                (Field::Gender, Rule::WrongType),
                (Field::IdentityNumber, Rule::WrongType),
            ]
        );
        let errors = fields
            .validate_create(ValidationProfile::Lenient)
            .unwrap_err();
        assert_eq!(errors.rule(Field::ExternalId), Some(Rule::WrongType));
        assert!(!errors.to_string().contains("not-an-address"));
    }

    #[test]
    fn required_null_is_required() {
        let fields = CustomerFields::from_json(br#"{"email": null, "firstname": ""}"#).unwrap();
        let errors = fields
            .validate_update(ValidationProfile::Lenient)
            .unwrap_err();
        assert_eq!(errors.rule(Field::Email), Some(Rule::Required));
        assert_eq!(errors.rule(Field::Firstname), Some(Rule::Required));
    }

    #[test]
    fn unknown_repeated_and_malformed_documents_are_refused_without_values() {
        let secret = "12345677938";
        let cases: [&[u8]; 6] = [
            br#"{"first_name": "Mehmet"}"#,
            br#"{"email": "a@example.com", "email": "b@example.com"}"#,
            br#"["12345677938"]"#,
            br#"{"identity_number": "12345677938""#,
            br#"{"identity_number": 12345677938x}"#,
            b"",
        ];
        for case in cases {
            let error = CustomerFields::from_json(case).unwrap_err().to_string();
            assert!(!error.contains(secret), "{error}");
            assert!(!error.contains('\n'), "{error}");
        }
        let unknown = CustomerFields::from_json(cases[0]).unwrap_err().to_string();
        assert!(unknown.contains("first_name"), "{unknown}");
        let repeated = CustomerFields::from_json(cases[1]).unwrap_err().to_string();
        assert!(repeated.contains("duplicate field `email`"), "{repeated}");
        assert!(!repeated.contains("example.com"), "{repeated}");
    }

    #[test]
    fn debug_shows_names_not_values() {
        let fields = CustomerFields::from_json(VENDOR).unwrap();
        let shown = format!("{fields:?}");
        assert!(shown.contains("identity_number"));
        assert!(!shown.contains("12345677938") && !shown.contains("example.com"));
    }
}
