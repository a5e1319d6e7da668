//! The customer record the server returns in `data`.

use core::fmt;

use heapless::String;
use serde::ser::SerializeStruct;

use super::capacity::{
    EMAIL_CAPACITY, EXTERNAL_CUSTOMER_ID_CAPACITY, FULLNAME_CAPACITY, GENDER_TEXT_CAPACITY,
    IDENTITY_NUMBER_CAPACITY, NAME_CAPACITY, PHONE_CAPACITY,
};
use super::date::{Date, Timestamp};
use super::gender::Gender;
use super::mask::MaskedOption;

/// A customer record as returned in `data` by Update, Create and Get.
///
/// Every field is an `Option`: the vendor's examples return `null` for
/// fields its schema calls required, and the Get schema lists neither `id`,
/// `company_id`, `user_id` nor the timestamps. `wallets` and every unknown
/// field are ignored by the decoder. Text is kept as the server sent it
/// (after JSON unescaping); `gender` stays a string (the Get schema calls it
/// a plain string) and [`Customer::gender`] reads it as a [`Gender`].
///
/// Serializing a `Customer` (e.g. with `serde_json`) writes every documented
/// field name with the decoded value, `null` for an absent one. `Debug` and
/// `defmt` mask identity_number, email, phone and birthdate.
///
/// ```
/// use minted_connect_core::json::decode_customer_response;
/// let body = br#"{"data":{"id":2,"external_id":"MTD0018232","firstname":"Mehmet",
///   "lastname":"G\u00fclbilge","gender":"M"},"success":true,"code":0,"message":""}"#;
/// let customer = decode_customer_response(200, body, None)?;
/// assert_eq!(customer.lastname.as_deref(), Some("Gülbilge"));
/// assert_eq!(customer.gender(), Some(minted_connect_core::model::Gender::M));
/// # Ok::<(), minted_connect_core::json::ApiError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Customer {
    /// The server's numeric id.
    pub id: Option<u64>,
    /// The partner's id for the customer (1–110 characters).
    pub external_id: Option<String<EXTERNAL_CUSTOMER_ID_CAPACITY>>,
    /// The partner company's id.
    pub company_id: Option<u64>,
    /// The linked user's id (`null` in the vendor's example).
    pub user_id: Option<u64>,
    /// First name.
    pub firstname: Option<String<NAME_CAPACITY>>,
    /// Middle name.
    pub middlename: Option<String<NAME_CAPACITY>>,
    /// Last name.
    pub lastname: Option<String<NAME_CAPACITY>>,
    /// Full name.
    pub fullname: Option<String<FULLNAME_CAPACITY>>,
    /// E-mail address.
    pub email: Option<String<EMAIL_CAPACITY>>,
    /// Phone number.
    pub phone: Option<String<PHONE_CAPACITY>>,
    /// Gender exactly as the server sent it; see [`Customer::gender`].
    pub gender_text: Option<String<GENDER_TEXT_CAPACITY>>,
    /// Identity number.
    pub identity_number: Option<String<IDENTITY_NUMBER_CAPACITY>>,
    /// Birth date.
    pub birthdate: Option<Date>,
    /// When the record was created (`YYYY-MM-DD HH:MM:SS`).
    pub created_at: Option<Timestamp>,
    /// When the record was last changed (`YYYY-MM-DD HH:MM:SS`).
    pub updated_at: Option<Timestamp>,
}

impl Customer {
    /// A record with every field absent (`const`, so a buffer holding one
    /// can live in a `static`).
    pub const fn new() -> Self {
        Customer {
            id: None,
            external_id: None,
            company_id: None,
            user_id: None,
            firstname: None,
            middlename: None,
            lastname: None,
            fullname: None,
            email: None,
            phone: None,
            gender_text: None,
            identity_number: None,
            birthdate: None,
            created_at: None,
            updated_at: None,
        }
    }

    /// Sets every field to absent, in place.
    pub fn clear(&mut self) {
        self.id = None;
        self.external_id = None;
        self.company_id = None;
        self.user_id = None;
        self.firstname = None;
        self.middlename = None;
        self.lastname = None;
        self.fullname = None;
        self.email = None;
        self.phone = None;
        self.gender_text = None;
        self.identity_number = None;
        self.birthdate = None;
        self.created_at = None;
        self.updated_at = None;
    }

    /// The gender as [`Gender`] when the server sent exactly `M` or `F`.
    pub fn gender(&self) -> Option<Gender> {
        self.gender_text.as_deref().and_then(Gender::from_code)
    }
}

impl fmt::Debug for Customer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let birthdate = self.birthdate.map(Date::to_ascii);
        let birthdate = birthdate
            .as_ref()
            .and_then(|b| core::str::from_utf8(b).ok());
        f.debug_struct("Customer")
            .field("id", &self.id)
            .field("external_id", &self.external_id.as_deref())
            .field("company_id", &self.company_id)
            .field("user_id", &self.user_id)
            .field("firstname", &self.firstname.as_deref())
            .field("middlename", &self.middlename.as_deref())
            .field("lastname", &self.lastname.as_deref())
            .field("fullname", &self.fullname.as_deref())
            .field("email", &MaskedOption(self.email.as_deref()))
            .field("phone", &MaskedOption(self.phone.as_deref()))
            .field("gender", &self.gender_text.as_deref())
            .field(
                "identity_number",
                &MaskedOption(self.identity_number.as_deref()),
            )
            .field("birthdate", &MaskedOption(birthdate))
            .field(
                "created_at",
                &self.created_at.as_ref().map(Timestamp::as_str),
            )
            .field(
                "updated_at",
                &self.updated_at.as_ref().map(Timestamp::as_str),
            )
            .finish()
    }
}

impl serde::Serialize for Customer {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Customer", 15)?;
        s.serialize_field("id", &self.id)?;
        s.serialize_field("external_id", &self.external_id.as_deref())?;
        s.serialize_field("company_id", &self.company_id)?;
        s.serialize_field("user_id", &self.user_id)?;
        s.serialize_field("firstname", &self.firstname.as_deref())?;
        s.serialize_field("middlename", &self.middlename.as_deref())?;
        s.serialize_field("lastname", &self.lastname.as_deref())?;
        s.serialize_field("fullname", &self.fullname.as_deref())?;
        s.serialize_field("email", &self.email.as_deref())?;
        s.serialize_field("phone", &self.phone.as_deref())?;
        s.serialize_field("gender", &self.gender_text.as_deref())?;
        s.serialize_field("identity_number", &self.identity_number.as_deref())?;
        s.serialize_field("birthdate", &self.birthdate)?;
        s.serialize_field("created_at", &self.created_at)?;
        s.serialize_field("updated_at", &self.updated_at)?;
        s.end()
    }
}
