//! Raw, unchecked input and the validation profile.

use core::fmt;

use crate::model::mask::MaskedOption;

/// Raw customer fields as the user gave them; `None` means absent.
///
/// Values are trimmed before they are checked; for the optional fields
/// (middlename, fullname, gender, birthdate) `""` and whitespace-only mean
/// absent, exactly like `None`.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct CustomerInput<'a> {
    /// First name (required, 3–40 code points).
    pub firstname: Option<&'a str>,
    /// Middle name (optional, 3–40 code points).
    pub middlename: Option<&'a str>,
    /// Last name (required, 3–40 code points).
    pub lastname: Option<&'a str>,
    /// Full name (optional, at most 255 code points).
    pub fullname: Option<&'a str>,
    /// E-mail address (required).
    pub email: Option<&'a str>,
    /// Phone number (required).
    pub phone: Option<&'a str>,
    /// Gender, `M` or `F` (optional).
    pub gender: Option<&'a str>,
    /// Identity number (required).
    pub identity_number: Option<&'a str>,
    /// Birth date, `YYYY-MM-DD` (optional).
    pub birthdate: Option<&'a str>,
}

/// Raw input of a create: the partner's `external_id` plus the customer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CreateInput<'a> {
    /// The partner's own id for the customer (required, 3–40 of `[A-Za-z0-9_-]`).
    pub external_id: Option<&'a str>,
    /// The customer fields (the same rules as an update).
    pub customer: CustomerInput<'a>,
}

impl fmt::Debug for CustomerInput<'_> {
    /// Masks identity_number, email, phone and birthdate, like the models.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomerInput")
            .field("firstname", &self.firstname)
            .field("middlename", &self.middlename)
            .field("lastname", &self.lastname)
            .field("fullname", &self.fullname)
            .field("email", &MaskedOption(self.email))
            .field("phone", &MaskedOption(self.phone))
            .field("gender", &self.gender)
            .field("identity_number", &MaskedOption(self.identity_number))
            .field("birthdate", &MaskedOption(self.birthdate))
            .finish()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for CustomerInput<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        // Names and gender only; the identifying fields are not logged at
        // all (present or absent).
        defmt::write!(
            f,
            "CustomerInput {{ firstname: {}, lastname: {}, email: {=bool}, phone: {=bool}, identity_number: {=bool}, birthdate: {=bool} }}",
            self.firstname,
            self.lastname,
            self.email.is_some(),
            self.phone.is_some(),
            self.identity_number.is_some(),
            self.birthdate.is_some()
        )
    }
}

/// How identity_number is checked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ValidationProfile {
    /// identity_number is any non-empty string of at most 40 code points
    /// without control characters. The spec sets no format, and the vendor's
    /// own example `12345677938` fails the TC Kimlik checksum.
    #[default]
    Lenient,
    /// identity_number must be a valid 11-digit TC Kimlik No (first digit not
    /// 0, both check digits right).
    StrictTcKimlik,
}
