//! The fields shared by the update and create bodies.

use core::fmt;

use heapless::String;

use super::capacity::{
    EMAIL_CAPACITY, FULLNAME_CAPACITY, IDENTITY_NUMBER_CAPACITY, NAME_CAPACITY, PHONE_CAPACITY,
};
use super::date::Date;
use super::gender::Gender;
use super::mask::{Masked, MaskedOption};

/// The validated customer fields of a request body. Built only by
/// `validate`, so every value obeys its rule and fits its capacity.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct CustomerFields {
    pub(crate) firstname: String<NAME_CAPACITY>,
    pub(crate) middlename: Option<String<NAME_CAPACITY>>,
    pub(crate) lastname: String<NAME_CAPACITY>,
    pub(crate) fullname: Option<String<FULLNAME_CAPACITY>>,
    pub(crate) email: String<EMAIL_CAPACITY>,
    pub(crate) phone: String<PHONE_CAPACITY>,
    pub(crate) gender: Option<Gender>,
    pub(crate) identity_number: String<IDENTITY_NUMBER_CAPACITY>,
    pub(crate) birthdate: Option<Date>,
}

impl CustomerFields {
    /// Every field empty or absent: the blank that validation fills in
    /// place (it is never handed out unfilled).
    pub(crate) const fn empty() -> Self {
        CustomerFields {
            firstname: String::new(),
            middlename: None,
            lastname: String::new(),
            fullname: None,
            email: String::new(),
            phone: String::new(),
            gender: None,
            identity_number: String::new(),
            birthdate: None,
        }
    }

    /// Writes the fields into a `debug_struct`, masking personal data.
    pub(crate) fn debug_fields(&self, s: &mut fmt::DebugStruct<'_, '_>) {
        let birthdate = self.birthdate.map(Date::to_ascii);
        let birthdate = birthdate
            .as_ref()
            .and_then(|b| core::str::from_utf8(b).ok());
        s.field("firstname", &self.firstname.as_str())
            .field("middlename", &self.middlename.as_deref())
            .field("lastname", &self.lastname.as_str())
            .field("fullname", &self.fullname.as_deref())
            .field("email", &Masked(&self.email))
            .field("phone", &Masked(&self.phone))
            .field("gender", &self.gender)
            .field("identity_number", &Masked(&self.identity_number))
            .field("birthdate", &MaskedOption(birthdate));
    }
}

/// Accessors shared by [`super::CustomerUpdate`] and [`super::CustomerCreate`].
macro_rules! customer_field_accessors {
    () => {
        /// First name, trimmed, 3–40 code points.
        pub fn firstname(&self) -> &str {
            &self.fields.firstname
        }

        /// Middle name, trimmed, 3–40 code points; `None` when absent.
        pub fn middlename(&self) -> Option<&str> {
            self.fields.middlename.as_deref()
        }

        /// Last name, trimmed, 3–40 code points.
        pub fn lastname(&self) -> &str {
            &self.fields.lastname
        }

        /// Full name, trimmed, at most 255 code points; `None` when absent.
        pub fn fullname(&self) -> Option<&str> {
            self.fields.fullname.as_deref()
        }

        /// E-mail address, trimmed and checked.
        pub fn email(&self) -> &str {
            &self.fields.email
        }

        /// Phone number as entered (trimmed): an optional `+`, 7–15 digits
        /// and separators.
        pub fn phone(&self) -> &str {
            &self.fields.phone
        }

        /// Gender; `None` when absent.
        pub fn gender(&self) -> Option<$crate::model::Gender> {
            self.fields.gender
        }

        /// Identity number, trimmed (checked as a TC Kimlik No only under
        /// the strict profile).
        pub fn identity_number(&self) -> &str {
            &self.fields.identity_number
        }

        /// Birth date; `None` when absent.
        pub fn birthdate(&self) -> Option<$crate::model::Date> {
            self.fields.birthdate
        }
    };
}

pub(crate) use customer_field_accessors;
