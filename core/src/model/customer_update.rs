//! The body of `PATCH /partner/customer/{external_customer_id}`.

use core::fmt;

use super::customer_fields::{CustomerFields, customer_field_accessors};

/// The validated body of an Update Customer request.
///
/// Build it with [`CustomerUpdate::validate`] from a
/// [`CustomerInput`](crate::validate::CustomerInput); encode it with
/// [`encode_update`](crate::json::encode_update). firstname, lastname, email,
/// phone and identity_number are always present (the spec marks them
/// required); middlename, fullname, gender and birthdate are sent only when
/// set, so an absent optional field is left out of the PATCH body.
///
/// # Clearing the middle name
/// An empty or whitespace-only input means "absent", and an absent field is
/// left out of the body, so plain input can never clear a stored middle name.
/// To clear it, call [`CustomerUpdate::clear_middlename`]: the body then
/// carries `"middlename": ""`, exactly as in the vendor's own example. The
/// backend (Laravel) turns `""` into null before validating. Whether it
/// then stores null is not documented: if its rule refuses null, the answer
/// is a 422 ([`ApiError::Invalid`](crate::json::ApiError::Invalid)), never a
/// silent change. No other field can be cleared through this call.
///
/// ```
/// use minted_connect_core::model::CustomerUpdate;
/// use minted_connect_core::validate::{CustomerInput, ValidationProfile};
///
/// let input = CustomerInput {
///     firstname: Some("Mehmet"),
///     lastname: Some("Gülbilge"),
///     email: Some("mehmet@example.com"),
///     phone: Some("+90 532 280 80 35"),
///     identity_number: Some("12345677938"),
///     ..CustomerInput::default()
/// };
/// let mut update = CustomerUpdate::validate(&input, ValidationProfile::default())?;
/// assert_eq!(update.lastname(), "Gülbilge");
/// assert_eq!(update.middlename(), None);
/// update.clear_middlename();
/// assert!(update.clears_middlename());
/// assert_eq!(
///     format!("{update:?}").contains("*******7938"),
///     true,
///     "identity numbers are masked"
/// );
/// # Ok::<(), minted_connect_core::validate::ValidationErrors>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct CustomerUpdate {
    pub(crate) fields: CustomerFields,
    pub(crate) clear_middlename: bool,
}

impl CustomerUpdate {
    customer_field_accessors!();

    /// Asks the server to clear the stored middle name: drops any middle
    /// name this update carries and sends `"middlename": ""` instead (see
    /// the type's docs for what is and is not known about the effect).
    pub fn clear_middlename(&mut self) {
        self.fields.middlename = None;
        self.clear_middlename = true;
    }

    /// Whether the body asks the server to clear the middle name.
    pub fn clears_middlename(&self) -> bool {
        self.clear_middlename
    }
}

impl fmt::Debug for CustomerUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("CustomerUpdate");
        self.fields.debug_fields(&mut s);
        s.field("clear_middlename", &self.clear_middlename).finish()
    }
}
