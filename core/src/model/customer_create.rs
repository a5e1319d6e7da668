//! The body of `POST /partner/customer`.

use core::fmt;

use heapless::String;

use super::capacity::EXTERNAL_ID_CAPACITY;
use super::customer_fields::{CustomerFields, customer_field_accessors};

/// The validated body of a Create Customer request: the partner's own
/// `external_id` plus the customer fields of an update.
///
/// # Which fields are required
/// The create page marks every field but `external_id` optional. This client
/// requires the same set as Update — firstname, lastname, email, phone and
/// identity_number — because a customer without them is of little use to a
/// kiosk, and because every later Update must send them anyway: a record
/// created without them could not be updated until the caller has them.
/// middlename, fullname, gender and birthdate stay optional and are left out
/// of the body when absent.
///
/// ```
/// use minted_connect_core::model::CustomerCreate;
/// use minted_connect_core::validate::{CreateInput, CustomerInput, ValidationProfile};
///
/// let input = CreateInput {
///     external_id: Some("MTD0018232"),
///     customer: CustomerInput {
///         firstname: Some("Mehmet"),
///         lastname: Some("Gülbilge"),
///         email: Some("mehmet@example.com"),
///         phone: Some("+90 532 280 80 35"),
///         identity_number: Some("12345677938"),
///         gender: Some("M"),
///         ..CustomerInput::default()
///     },
/// };
/// let create = CustomerCreate::validate(&input, ValidationProfile::Lenient)?;
/// assert_eq!(create.external_id(), "MTD0018232");
/// # Ok::<(), minted_connect_core::validate::ValidationErrors>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct CustomerCreate {
    pub(crate) external_id: String<EXTERNAL_ID_CAPACITY>,
    pub(crate) fields: CustomerFields,
}

impl CustomerCreate {
    /// The partner's own id for the customer: 3–40 of `[A-Za-z0-9_-]`.
    pub fn external_id(&self) -> &str {
        &self.external_id
    }

    customer_field_accessors!();
}

impl fmt::Debug for CustomerCreate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("CustomerCreate");
        s.field("external_id", &self.external_id.as_str());
        self.fields.debug_fields(&mut s);
        s.finish()
    }
}
