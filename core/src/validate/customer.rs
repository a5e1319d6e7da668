//! Raw input → [`CustomerUpdate`] / [`CustomerCreate`], every failure at once.

use heapless::String;
use heapless::string::StringView;

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

/// Copies a checked value into its fixed-capacity field, in place. Cannot
/// fail after the field's rule passed (capacities are limit × 4 bytes);
/// reported as too long rather than panicking if it ever did.
fn store(slot: &mut StringView, field: Field, value: &str) -> Result<(), FieldError> {
    slot.clear();
    slot.push_str(value).map_err(|_| {
        let max = limit(slot.capacity() / 4);
        FieldError::new(field, Rule::TooLong { max })
    })
}

/// Records the failure, if any.
fn note(errors: &mut ValidationErrors, result: Result<(), FieldError>) {
    if let Err(error) = result {
        errors.push(error);
    }
}

/// Trims and checks a required value and writes it into `slot`.
fn required(
    slot: &mut StringView,
    field: Field,
    raw: Option<&str>,
    check: impl FnOnce(&str) -> Result<(), Rule>,
) -> Result<(), FieldError> {
    let value = trim_required(field, raw)?;
    check(value).map_err(|rule| FieldError::new(field, rule))?;
    store(slot, field, value)
}

/// Trims and checks an optional value and writes it into `slot` (`None`
/// when absent).
fn optional<const N: usize>(
    slot: &mut Option<String<N>>,
    field: Field,
    raw: Option<&str>,
    check: impl FnOnce(&str) -> Result<(), Rule>,
) -> Result<(), FieldError> {
    match trim_optional(raw) {
        None => {
            *slot = None;
            Ok(())
        }
        Some(value) => {
            check(value).map_err(|rule| FieldError::new(field, rule))?;
            store(slot.insert(String::new()).as_mut_view(), field, value)
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

/// Checks every customer field and writes it into `fields` in place (no
/// copy of the 2.9 KiB body), recording each failure. `fields` is
/// meaningful only if no failure was recorded.
fn validate_fields(
    fields: &mut CustomerFields,
    input: &CustomerInput<'_>,
    profile: ValidationProfile,
    errors: &mut ValidationErrors,
) {
    let f = fields;
    note(
        errors,
        required(
            f.firstname.as_mut_view(),
            Field::Firstname,
            input.firstname,
            check_name,
        ),
    );
    note(
        errors,
        optional(
            &mut f.middlename,
            Field::Middlename,
            input.middlename,
            check_name,
        ),
    );
    note(
        errors,
        required(
            f.lastname.as_mut_view(),
            Field::Lastname,
            input.lastname,
            check_name,
        ),
    );
    note(
        errors,
        optional(
            &mut f.fullname,
            Field::Fullname,
            input.fullname,
            check_fullname,
        ),
    );
    note(
        errors,
        required(
            f.email.as_mut_view(),
            Field::Email,
            input.email,
            check_email,
        ),
    );
    note(
        errors,
        required(
            f.phone.as_mut_view(),
            Field::Phone,
            input.phone,
            check_phone,
        ),
    );
    match optional_parsed(Field::Gender, input.gender, parse_gender) {
        Ok(gender) => f.gender = gender,
        Err(error) => errors.push(error),
    }
    note(
        errors,
        required(
            f.identity_number.as_mut_view(),
            Field::IdentityNumber,
            input.identity_number,
            |v| check_identity_number(v, profile),
        ),
    );
    match optional_parsed(Field::Birthdate, input.birthdate, parse_birthdate) {
        Ok(birthdate) => f.birthdate = birthdate,
        Err(error) => errors.push(error),
    }
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
        // Built where it is returned: the body is filled in place, and only
        // replaced by the errors if a field failed.
        let mut result = Ok(CustomerUpdate {
            fields: CustomerFields::empty(),
            clear_middlename: false,
        });
        if let Ok(update) = &mut result {
            validate_fields(&mut update.fields, input, profile, &mut errors);
        }
        if !errors.is_empty() {
            result = Err(errors);
        }
        result
    }
}

impl CustomerUpdate {
    /// [`CustomerUpdate::validate`] into a body the caller owns (a `static`
    /// or a long-lived buffer on a kiosk), so that the 2.9 KiB body is never
    /// returned or moved through the stack. On error `out` holds an
    /// unspecified mix of the new values and must not be sent.
    ///
    /// ```
    /// use minted_connect_core::model::CustomerUpdate;
    /// use minted_connect_core::validate::{CustomerInput, ValidationProfile};
    ///
    /// let input = CustomerInput {
    ///     firstname: Some("Mehmet"), lastname: Some("Gülbilge"),
    ///     email: Some("mehmet@example.com"), phone: Some("+90 532 280 80 35"),
    ///     identity_number: Some("12345677938"), ..CustomerInput::default()
    /// };
    /// let mut body = CustomerUpdate::validate(&input, ValidationProfile::Lenient)?;
    /// let other = CustomerInput { firstname: Some("Ahmet"), ..input };
    /// CustomerUpdate::validate_into(&other, ValidationProfile::Lenient, &mut body)?;
    /// assert_eq!(body.firstname(), "Ahmet");
    /// # Ok::<(), minted_connect_core::validate::ValidationErrors>(())
    /// ```
    pub fn validate_into(
        input: &CustomerInput<'_>,
        profile: ValidationProfile,
        out: &mut CustomerUpdate,
    ) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        out.fields = CustomerFields::empty();
        out.clear_middlename = false;
        validate_fields(&mut out.fields, input, profile, &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
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
        let mut result = Ok(CustomerCreate {
            external_id: String::new(),
            fields: CustomerFields::empty(),
        });
        if let Ok(create) = &mut result {
            note(
                &mut errors,
                required(
                    create.external_id.as_mut_view(),
                    Field::ExternalId,
                    input.external_id,
                    check_external_id,
                ),
            );
            validate_fields(&mut create.fields, &input.customer, profile, &mut errors);
        }
        if !errors.is_empty() {
            result = Err(errors);
        }
        result
    }
}
