//! The spec's rules, checked before anything is sent.
//!
//! [`CustomerUpdate::validate`](crate::model::CustomerUpdate::validate) and
//! [`CustomerCreate::validate`](crate::model::CustomerCreate::validate) turn
//! raw [`CustomerInput`] / [`CreateInput`] into the request bodies and report
//! every failing field at once in [`ValidationErrors`]; each
//! [`FieldError`] names the [`Field`] and the [`Rule`].
//!
//! Common to every field:
//! - surrounding whitespace is trimmed first;
//! - lengths count Unicode code points (as the server's `mb_strlen`), not
//!   bytes, UTF-16 units or graphemes;
//! - control characters (Unicode Cc: U+0000–U+001F, U+007F–U+009F) are
//!   refused; quotes, backslashes, `<>&` and format characters such as U+200D
//!   are ordinary characters;
//! - a required field that is absent, `""` or whitespace-only is
//!   [`Rule::Required`]; an optional field that is absent, `""` or
//!   whitespace-only is simply absent.
//!
//! The per-field checks are public (`check_*`, `parse_*`), take an already
//! trimmed value and return the [`Rule`] that failed. None of them panics or
//! allocates.

mod customer;
mod date;
mod email;
mod errors;
mod external_id;
mod identity;
mod input;
mod phone;
mod text;

pub use date::parse_birthdate;
pub use email::check_email;
pub use errors::{Field, FieldError, MAX_FIELD_ERRORS, Rule, ValidationErrors};
pub use external_id::{check_external_id, validate_external_customer_id};
pub use identity::{check_identity_number, is_valid_tc_kimlik};
pub use input::{CreateInput, CustomerInput, ValidationProfile};
pub use phone::check_phone;
#[cfg(test)]
pub(crate) use text::tricky_string as tricky_string_for_tests;
pub use text::{check_fullname, check_name, parse_gender, trim_optional, trim_required};
