//! Raw input → [`CustomerUpdate`] / [`CustomerCreate`], every failure at once.

use heapless::String;

use super::date::parse_birthdate;
use super::email::check_email;
use super::errors::{Field, FieldError, Rule, ValidationErrors};
use super::external_id::check_external_id;
use super::identity::check_identity_number;
use super::input::{CreateInput, CustomerInput, ValidationProfile};
use super::phone::check_phone;
use super::text::{check_fullname, check_name, limit, parse_gender, trim_optional, trim_required};
use crate::model::customer_fields::CustomerFields;
use crate::model::{CustomerCreate, CustomerUpdate};

/// Copies a checked value into its fixed-capacity field. Cannot fail after
/// the field's rule passed (capacities are limit × 4 bytes); reported as
/// too long rather than panicking if it ever did.
fn store<const N: usize>(field: Field, value: &str) -> Result<String<N>, FieldError> {
    String::try_from(value).map_err(|_| FieldError::new(field, Rule::TooLong { max: limit(N / 4) }))
}

/// Records the failure, if any, and passes the success on.
fn note<T>(errors: &mut ValidationErrors, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|error| errors.push(error)).ok()
}

fn required<const N: usize>(
    field: Field,
    raw: Option<&str>,
    check: impl FnOnce(&str) -> Result<(), Rule>,
) -> Result<String<N>, FieldError> {
    let value = trim_required(field, raw)?;
    check(value).map_err(|rule| FieldError::new(field, rule))?;
    store(field, value)
}

fn optional<const N: usize>(
    field: Field,
    raw: Option<&str>,
    check: impl FnOnce(&str) -> Result<(), Rule>,
) -> Result<Option<String<N>>, FieldError> {
    match trim_optional(raw) {
        None => Ok(None),
        Some(value) => {
            check(value).map_err(|rule| FieldError::new(field, rule))?;
            store(field, value).map(Some)
        }
    }
}

fn optional_parsed<T>(
    field: Field,
    raw: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, Rule>,
) -> Result<Option<T>, FieldError> {
    trim_optional(raw)
        .map(parse)
        .transpose()
        .map_err(|rule| FieldError::new(field, rule))
}

/// Checks every customer field, recording each failure; `None` if any failed.
fn validate_fields(
    input: &CustomerInput<'_>,
    profile: ValidationProfile,
    errors: &mut ValidationErrors,
) -> Option<CustomerFields> {
    let firstname = note(
        errors,
        required(Field::Firstname, input.firstname, check_name),
    );
    let middlename = note(
        errors,
        optional(Field::Middlename, input.middlename, check_name),
    );
    let lastname = note(
        errors,
        required(Field::Lastname, input.lastname, check_name),
    );
    let fullname = note(
        errors,
        optional(Field::Fullname, input.fullname, check_fullname),
    );
    let email = note(errors, required(Field::Email, input.email, check_email));
    let phone = note(errors, required(Field::Phone, input.phone, check_phone));
    let gender = note(
        errors,
        optional_parsed(Field::Gender, input.gender, parse_gender),
    );
    let identity_number = note(
        errors,
        required(Field::IdentityNumber, input.identity_number, |v| {
            check_identity_number(v, profile)
        }),
    );
    let birthdate = note(
        errors,
        optional_parsed(Field::Birthdate, input.birthdate, parse_birthdate),
    );
    Some(CustomerFields {
        firstname: firstname?,
        middlename: middlename?,
        lastname: lastname?,
        fullname: fullname?,
        email: email?,
        phone: phone?,
        gender: gender?,
        identity_number: identity_number?,
        birthdate: birthdate?,
    })
}

impl CustomerUpdate {
    /// Checks `input` against every rule of the Update page and builds the
    /// body, or reports every failing field at once.
    ///
    /// ```
    /// use minted_connect_core::model::CustomerUpdate;
    /// use minted_connect_core::validate::{CustomerInput, ValidationProfile};
    ///
    /// // The vendor's example body (its "" middlename means absent).
    /// let input = CustomerInput {
    ///     firstname: Some("Mehmet"),
    ///     middlename: Some(""),
    ///     lastname: Some("Gülbilge"),
    ///     fullname: Some("Mehmet Gülbilge"),
    ///     email: Some("mehmet@example.com"),
    ///     phone: Some("+90 532 280 80 35"),
    ///     gender: Some("M"),
    ///     identity_number: Some("12345677938"),
    ///     birthdate: Some("1970-01-31"),
    /// };
    /// let update = CustomerUpdate::validate(&input, ValidationProfile::Lenient)?;
    /// assert_eq!(update.birthdate().map(|d| d.to_string()).as_deref(), Some("1970-01-31"));
    /// # Ok::<(), minted_connect_core::validate::ValidationErrors>(())
    /// ```
    pub fn validate(
        input: &CustomerInput<'_>,
        profile: ValidationProfile,
    ) -> Result<CustomerUpdate, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        match validate_fields(input, profile, &mut errors) {
            Some(fields) if errors.is_empty() => Ok(CustomerUpdate {
                fields,
                clear_middlename: false,
            }),
            _ => Err(errors),
        }
    }
}

impl CustomerCreate {
    /// Checks `input` (the `external_id` rule plus every rule of an update:
    /// see [`CustomerCreate`] for why the same fields are required) and
    /// builds the body, or reports every failing field at once.
    ///
    /// ```
    /// use minted_connect_core::model::CustomerCreate;
    /// use minted_connect_core::validate::{CreateInput, CustomerInput, Field, Rule, ValidationProfile};
    ///
    /// let input = CreateInput { external_id: Some("a b"), customer: CustomerInput::default() };
    /// let errors = CustomerCreate::validate(&input, ValidationProfile::Lenient).unwrap_err();
    /// assert_eq!(errors.rule(Field::ExternalId), Some(Rule::InvalidCharacter));
    /// assert_eq!(errors.rule(Field::Email), Some(Rule::Required));
    /// ```
    pub fn validate(
        input: &CreateInput<'_>,
        profile: ValidationProfile,
    ) -> Result<CustomerCreate, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let external_id = note(
            &mut errors,
            required(Field::ExternalId, input.external_id, check_external_id),
        );
        let fields = validate_fields(&input.customer, profile, &mut errors);
        match (external_id, fields) {
            (Some(external_id), Some(fields)) if errors.is_empty() => Ok(CustomerCreate {
                external_id,
                fields,
            }),
            _ => Err(errors),
        }
    }
}
