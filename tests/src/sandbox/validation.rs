//! The request-body rules: the JSON body is parsed with `serde_json`, wrong
//! JSON types become a `422` for that field, and the strings go through the
//! client core's own validation (`minted_connect_core::validate`, profile
//! `Lenient`), so the sandbox and the client can never disagree on a rule.
//!
//! Laravel-like preparation: strings are trimmed and `""` counts as `null`
//! before the rules run. A body that is not JSON, or not a JSON object, is a
//! `400`. A request without a JSON `Content-Type` is read as an empty object
//! (Laravel does not parse its body), so it fails the `required` rules.
//!
//! The values stored are the ones the core accepted (trimmed; gender and
//! birthdate as the core prints them); whether a field is set, cleared
//! (`null` or `""`) or kept (absent) comes from the body.

use minted_connect_core::model::{CustomerCreate, CustomerUpdate};
use minted_connect_core::validate::{
    CreateInput, CustomerInput, FieldError, Rule, ValidationErrors, ValidationProfile,
};
use serde_json::{Map, Value};

use super::messages::Problem;
use super::store::{CustomerChanges, FieldChange};

/// One rejected field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldIssue {
    /// The JSON key.
    pub(crate) field: &'static str,
    /// Why.
    pub(crate) problem: Problem,
}

/// Why a body was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Not JSON, or not a JSON object: `400`.
    Malformed,
    /// Broken rules: `422`, in field order.
    Invalid(Vec<FieldIssue>),
}

/// The customer fields of a body, in the order of the documentation.
const CUSTOMER_FIELDS: [&str; 9] = [
    "firstname",
    "middlename",
    "lastname",
    "fullname",
    "email",
    "phone",
    "gender",
    "identity_number",
    "birthdate",
];

/// One body field after Laravel's preparation.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Prepared {
    Absent,
    Null,
    Text(String),
    WrongType,
}

impl Prepared {
    fn as_str(&self) -> Option<&str> {
        match self {
            Prepared::Text(s) => Some(s),
            _ => None,
        }
    }

    fn change(&self) -> FieldChange {
        match self {
            Prepared::Absent | Prepared::WrongType => None,
            Prepared::Null => Some(None),
            Prepared::Text(s) => Some(Some(s.clone())),
        }
    }
}

fn parse_object(body: &[u8], is_json: bool) -> Result<Map<String, Value>, BodyError> {
    if !is_json {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(BodyError::Malformed),
    }
}

fn prepare(map: &Map<String, Value>, key: &str) -> Prepared {
    match map.get(key) {
        None => Prepared::Absent,
        Some(Value::Null) => Prepared::Null,
        Some(Value::String(s)) => {
            let trimmed = s.trim();
            if trimmed.is_empty() {
                Prepared::Null
            } else {
                Prepared::Text(trimmed.to_owned())
            }
        }
        Some(_) => Prepared::WrongType,
    }
}

struct PreparedCustomer {
    fields: [Prepared; 9],
}

impl PreparedCustomer {
    fn from_map(map: &Map<String, Value>) -> Self {
        PreparedCustomer {
            fields: CUSTOMER_FIELDS.map(|key| prepare(map, key)),
        }
    }

    fn wrong_types(&self) -> Vec<&'static str> {
        CUSTOMER_FIELDS
            .iter()
            .zip(&self.fields)
            .filter(|(_, p)| **p == Prepared::WrongType)
            .map(|(k, _)| *k)
            .collect()
    }

    /// The core's input: strings only (`null` and wrong types are absent).
    fn input(&self) -> CustomerInput<'_> {
        let [f, m, l, full, e, p, g, i, b] = &self.fields;
        CustomerInput {
            firstname: f.as_str(),
            middlename: m.as_str(),
            lastname: l.as_str(),
            fullname: full.as_str(),
            email: e.as_str(),
            phone: p.as_str(),
            gender: g.as_str(),
            identity_number: i.as_str(),
            birthdate: b.as_str(),
        }
    }

    /// The store changes: presence from the body, values from the core.
    fn changes(&self, valid: &Validated<'_>) -> CustomerChanges {
        let [f, m, l, full, e, p, g, i, b] = &self.fields;
        let set = |prepared: &Prepared, value: Option<String>| match prepared {
            Prepared::Text(_) => Some(value),
            other => other.change(),
        };
        CustomerChanges {
            firstname: set(f, Some(valid.firstname.to_owned())),
            middlename: set(m, valid.middlename.map(str::to_owned)),
            lastname: set(l, Some(valid.lastname.to_owned())),
            fullname: set(full, valid.fullname.map(str::to_owned)),
            email: set(e, Some(valid.email.to_owned())),
            phone: set(p, Some(valid.phone.to_owned())),
            gender: set(g, valid.gender.clone()),
            identity_number: set(i, Some(valid.identity_number.to_owned())),
            birthdate: set(b, valid.birthdate.clone()),
        }
    }
}

/// The accepted values, borrowed from the core's `CustomerUpdate` or
/// `CustomerCreate`.
struct Validated<'a> {
    firstname: &'a str,
    middlename: Option<&'a str>,
    lastname: &'a str,
    fullname: Option<&'a str>,
    email: &'a str,
    phone: &'a str,
    gender: Option<String>,
    identity_number: &'a str,
    birthdate: Option<String>,
}

macro_rules! validated_from {
    ($model:expr) => {{
        let m = $model;
        Validated {
            firstname: m.firstname(),
            middlename: m.middlename(),
            lastname: m.lastname(),
            fullname: m.fullname(),
            email: m.email(),
            phone: m.phone(),
            gender: m.gender().map(|g| g.to_string()),
            identity_number: m.identity_number(),
            birthdate: m.birthdate().map(|d| d.to_string()),
        }
    }};
}

/// The sandbox's view of a core rule.
fn problem(rule: Rule) -> Problem {
    match rule {
        Rule::Required => Problem::Required,
        Rule::TooShort { min } => Problem::TooShort { min },
        Rule::TooLong { max } => Problem::TooLong { max },
        Rule::ControlCharacter => Problem::ControlCharacter,
        Rule::InvalidEmail => Problem::InvalidEmail,
        Rule::InvalidPhone => Problem::InvalidPhone,
        Rule::InvalidGender => Problem::InvalidGender,
        Rule::InvalidIdentityNumber => Problem::InvalidIdentityNumber,
        Rule::InvalidDate => Problem::InvalidDate,
        Rule::InvalidCharacter => Problem::InvalidCharacter,
        Rule::WrongType => Problem::WrongType,
        _ => Problem::Invalid,
    }
}

fn issues_of(errors: &ValidationErrors) -> Vec<FieldIssue> {
    errors
        .iter()
        .map(|&FieldError { field, rule }| FieldIssue {
            field: field.name(),
            problem: problem(rule),
        })
        .collect()
}

/// Merges the wrong-type fields with the rule errors: a field of the wrong
/// type reports only that, and the issues follow the documented field order.
fn merge(wrong: Vec<&'static str>, rules: Vec<FieldIssue>, order: &[&str]) -> Vec<FieldIssue> {
    let mut issues: Vec<FieldIssue> = rules
        .into_iter()
        .filter(|issue| !wrong.contains(&issue.field))
        .collect();
    issues.extend(wrong.into_iter().map(|field| FieldIssue {
        field,
        problem: Problem::WrongType,
    }));
    issues.sort_by_key(|issue| order.iter().position(|k| *k == issue.field));
    issues
}

/// Validates a PATCH body.
pub(crate) fn validate_update(body: &[u8], is_json: bool) -> Result<CustomerChanges, BodyError> {
    let map = parse_object(body, is_json)?;
    let customer = PreparedCustomer::from_map(&map);
    let wrong = customer.wrong_types();
    match CustomerUpdate::validate(&customer.input(), ValidationProfile::Lenient) {
        Ok(update) if wrong.is_empty() => Ok(customer.changes(&validated_from!(&update))),
        Ok(_) => Err(BodyError::Invalid(merge(
            wrong,
            Vec::new(),
            &CUSTOMER_FIELDS,
        ))),
        Err(errors) => Err(BodyError::Invalid(merge(
            wrong,
            issues_of(&errors),
            &CUSTOMER_FIELDS,
        ))),
    }
}

/// Validates a POST body; returns the external id and the fields.
pub(crate) fn validate_create(
    body: &[u8],
    is_json: bool,
) -> Result<(String, CustomerChanges), BodyError> {
    let map = parse_object(body, is_json)?;
    let customer = PreparedCustomer::from_map(&map);
    let external_id = prepare(&map, "external_id");
    let mut wrong = customer.wrong_types();
    if external_id == Prepared::WrongType {
        wrong.push("external_id");
    }
    let mut order = vec!["external_id"];
    order.extend(CUSTOMER_FIELDS);
    let input = CreateInput {
        external_id: external_id.as_str(),
        customer: customer.input(),
    };
    match CustomerCreate::validate(&input, ValidationProfile::Lenient) {
        Ok(create) if wrong.is_empty() => Ok((
            create.external_id().to_owned(),
            customer.changes(&validated_from!(&create)),
        )),
        Ok(_) => Err(BodyError::Invalid(merge(wrong, Vec::new(), &order))),
        Err(errors) => Err(BodyError::Invalid(merge(wrong, issues_of(&errors), &order))),
    }
}
