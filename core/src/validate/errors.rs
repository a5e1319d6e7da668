//! What failed: the field, the rule, and the list of every failure.

use core::fmt;

use heapless::Vec;

/// A field of a request (the JSON key, or the path parameter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Field {
    /// The `{external_customer_id}` path parameter of Update, Get and Remove.
    ExternalCustomerId,
    /// `external_id` in the create body.
    ExternalId,
    /// `firstname`.
    Firstname,
    /// `middlename`.
    Middlename,
    /// `lastname`.
    Lastname,
    /// `fullname`.
    Fullname,
    /// `email`.
    Email,
    /// `phone`.
    Phone,
    /// `gender`.
    Gender,
    /// `identity_number`.
    IdentityNumber,
    /// `birthdate`.
    Birthdate,
}

impl Field {
    /// Every field, in body order (the path parameter first).
    pub const ALL: [Field; 11] = [
        Field::ExternalCustomerId,
        Field::ExternalId,
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

    /// The JSON key (`external_customer_id` for the path parameter).
    pub const fn name(self) -> &'static str {
        match self {
            Field::ExternalCustomerId => "external_customer_id",
            Field::ExternalId => "external_id",
            Field::Firstname => "firstname",
            Field::Middlename => "middlename",
            Field::Lastname => "lastname",
            Field::Fullname => "fullname",
            Field::Email => "email",
            Field::Phone => "phone",
            Field::Gender => "gender",
            Field::IdentityNumber => "identity_number",
            Field::Birthdate => "birthdate",
        }
    }

    /// The field with this JSON key, e.g. to match a server's 422 message.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.name() == name)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The rule a field broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Rule {
    /// A required field was absent, empty or whitespace-only.
    Required,
    /// Fewer code points than `min`.
    TooShort {
        /// The fewest code points allowed.
        min: u16,
    },
    /// More code points than `max`.
    TooLong {
        /// The most code points allowed.
        max: u16,
    },
    /// A control character (Unicode Cc) inside the value.
    ControlCharacter,
    /// Not an e-mail address: not exactly one `@`, a local part that is not
    /// a dot-atom of at most 64 characters, or a bad domain label.
    InvalidEmail,
    /// Not a phone number: an optional leading `+`, then 7–15 digits with
    /// spaces, hyphens or parentheses between them.
    InvalidPhone,
    /// Not exactly `M` or `F`.
    InvalidGender,
    /// Not a valid TC Kimlik No (only under
    /// [`ValidationProfile::StrictTcKimlik`](super::ValidationProfile)).
    InvalidIdentityNumber,
    /// Not a real calendar date in exactly `YYYY-MM-DD` form.
    InvalidDate,
    /// A character outside the field's set (`[A-Za-z0-9_-]` for `external_id`).
    InvalidCharacter,
    /// The value was not a string (for callers that build input from JSON
    /// or other typed sources; the validators here only see strings).
    WrongType,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Required => f.write_str("is required"),
            Rule::TooShort { min } => write!(f, "must be at least {min} characters"),
            Rule::TooLong { max } => write!(f, "must be at most {max} characters"),
            Rule::ControlCharacter => f.write_str("must not contain control characters"),
            Rule::InvalidEmail => f.write_str("is not a valid e-mail address"),
            Rule::InvalidPhone => {
                f.write_str("must be 7 to 15 digits, optionally with a leading + and spaces, hyphens or parentheses")
            }
            Rule::InvalidGender => f.write_str("must be M or F"),
            Rule::InvalidIdentityNumber => f.write_str("is not a valid TC Kimlik No"),
            Rule::InvalidDate => f.write_str("must be a real date in YYYY-MM-DD form"),
            Rule::InvalidCharacter => f.write_str("may contain only A-Z, a-z, 0-9, _ and -"),
            Rule::WrongType => f.write_str("must be a string"),
        }
    }
}

/// One failing field and the rule it broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FieldError {
    /// The field.
    pub field: Field,
    /// The rule it broke.
    pub rule: Rule,
}

impl FieldError {
    /// A failure of `field` against `rule`.
    pub const fn new(field: Field, rule: Rule) -> FieldError {
        FieldError { field, rule }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.field, self.rule)
    }
}

impl core::error::Error for FieldError {}

/// How many failures [`ValidationErrors`] holds: one per field, so every
/// failure of a body always fits.
pub const MAX_FIELD_ERRORS: usize = Field::ALL.len();

/// Every failing field of one validation, in body order (one entry per
/// field: the first rule it broke).
///
/// ```
/// use minted_connect_core::model::CustomerUpdate;
/// use minted_connect_core::validate::{CustomerInput, Field, Rule, ValidationProfile};
///
/// let input = CustomerInput { firstname: Some("Al"), ..CustomerInput::default() };
/// let errors = CustomerUpdate::validate(&input, ValidationProfile::Lenient).unwrap_err();
/// assert_eq!(errors.rule(Field::Firstname), Some(Rule::TooShort { min: 3 }));
/// assert_eq!(errors.rule(Field::Lastname), Some(Rule::Required));
/// assert_eq!(errors.len(), 5);
/// assert!(errors.to_string().starts_with("firstname must be at least 3 characters; lastname is required"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ValidationErrors {
    errors: Vec<FieldError, MAX_FIELD_ERRORS>,
}

impl ValidationErrors {
    /// An empty list.
    pub const fn new() -> ValidationErrors {
        ValidationErrors { errors: Vec::new() }
    }

    /// Adds a failure. A second failure of the same field is ignored, so the
    /// list can never overflow.
    pub fn push(&mut self, error: FieldError) {
        if !self.contains(error.field) {
            // Cannot fail: one entry per field and room for every field.
            let _ = self.errors.push(error);
        }
    }

    /// The number of failing fields.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// Whether no field failed.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The failures, in body order.
    pub fn iter(&self) -> core::slice::Iter<'_, FieldError> {
        self.errors.iter()
    }

    /// The failures as a slice.
    pub fn as_slice(&self) -> &[FieldError] {
        &self.errors
    }

    /// Whether `field` failed.
    pub fn contains(&self, field: Field) -> bool {
        self.rule(field).is_some()
    }

    /// The rule `field` broke, if it failed.
    pub fn rule(&self, field: Field) -> Option<Rule> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.rule)
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a FieldError;
    type IntoIter = core::slice::Iter<'a, FieldError>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.errors.is_empty() {
            return f.write_str("no validation errors");
        }
        for (i, error) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            error.fmt(f)?;
        }
        Ok(())
    }
}

impl core::error::Error for ValidationErrors {}
