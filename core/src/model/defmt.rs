//! `defmt::Format` for the models, masking personal data as `Debug` does.

use defmt::{Format, Formatter, write};

use super::customer_fields::CustomerFields;
use super::mask::split_masked;
use super::{Customer, CustomerCreate, CustomerUpdate, Date, Timestamp};

/// A masked value for `defmt`: `*` for each hidden code point, then the tail.
struct Masked<'a>(&'a str);

impl Format for Masked<'_> {
    fn format(&self, f: Formatter<'_>) {
        let (hidden, tail) = split_masked(self.0);
        for _ in 0..hidden {
            write!(f, "*");
        }
        write!(f, "{=str}", tail);
    }
}

/// An optional masked value for `defmt`.
struct MaskedOption<'a>(Option<&'a str>);

impl Format for MaskedOption<'_> {
    fn format(&self, f: Formatter<'_>) {
        match self.0 {
            Some(value) => write!(f, "Some({})", Masked(value)),
            None => write!(f, "None"),
        }
    }
}

fn birthdate_text(date: Option<Date>) -> Option<[u8; 10]> {
    date.map(Date::to_ascii)
}

impl Format for CustomerFields {
    fn format(&self, f: Formatter<'_>) {
        let birthdate = birthdate_text(self.birthdate);
        let birthdate = birthdate
            .as_ref()
            .and_then(|b| core::str::from_utf8(b).ok());
        write!(
            f,
            "firstname: {=str}, middlename: {}, lastname: {=str}, fullname: {}, email: {}, phone: {}, gender: {}, identity_number: {}, birthdate: {}",
            self.firstname.as_str(),
            self.middlename.as_deref(),
            self.lastname.as_str(),
            self.fullname.as_deref(),
            Masked(&self.email),
            Masked(&self.phone),
            self.gender,
            Masked(&self.identity_number),
            MaskedOption(birthdate),
        );
    }
}

impl Format for CustomerUpdate {
    fn format(&self, f: Formatter<'_>) {
        write!(
            f,
            "CustomerUpdate {{ {}, clear_middlename: {=bool} }}",
            self.fields, self.clear_middlename
        );
    }
}

impl Format for CustomerCreate {
    fn format(&self, f: Formatter<'_>) {
        write!(
            f,
            "CustomerCreate {{ external_id: {=str}, {} }}",
            self.external_id.as_str(),
            self.fields
        );
    }
}

impl Format for Timestamp {
    fn format(&self, f: Formatter<'_>) {
        write!(f, "{=str}", self.as_str());
    }
}

impl Format for Customer {
    fn format(&self, f: Formatter<'_>) {
        let birthdate = birthdate_text(self.birthdate);
        let birthdate = birthdate
            .as_ref()
            .and_then(|b| core::str::from_utf8(b).ok());
        write!(
            f,
            "Customer {{ id: {}, external_id: {}, company_id: {}, user_id: {}, firstname: {}, middlename: {}, lastname: {}, fullname: {}, email: {}, phone: {}, gender: {}, identity_number: {}, birthdate: {}, created_at: {}, updated_at: {} }}",
            self.id,
            self.external_id.as_deref(),
            self.company_id,
            self.user_id,
            self.firstname.as_deref(),
            self.middlename.as_deref(),
            self.lastname.as_deref(),
            self.fullname.as_deref(),
            MaskedOption(self.email.as_deref()),
            MaskedOption(self.phone.as_deref()),
            self.gender_text.as_deref(),
            MaskedOption(self.identity_number.as_deref()),
            MaskedOption(birthdate),
            self.created_at,
            self.updated_at,
        );
    }
}
