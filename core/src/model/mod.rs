//! Plain customer types with documented, fixed capacities.
//!
//! - [`CustomerUpdate`]: the body of `PATCH /partner/customer/{id}`.
//! - [`CustomerCreate`]: the body of `POST /partner/customer`.
//! - [`Customer`]: the record the server returns in `data`.
//! - [`Gender`], [`Date`], [`Timestamp`]: the checked value types they use.
//!
//! Guarantees:
//! - Request bodies can only be built through validation
//!   ([`CustomerUpdate::validate`], [`CustomerCreate::validate`]), so every
//!   value they hold obeys the spec's rules.
//! - Every value that passes validation fits its field: each capacity in
//!   [`capacity`] is the rule's code-point limit × 4 bytes (the longest UTF-8
//!   encoding of one code point), so no valid input is ever refused for size.
//! - `Debug` (and `defmt::Format` with the `defmt` feature) masks
//!   identity_number, email, phone and birthdate: only the last 4 characters
//!   are shown (fewer for short values), e.g. `*******7938`.
//! - Nothing here allocates or panics.

pub mod capacity;
mod customer;
mod customer_create;
pub(crate) mod customer_fields;
mod customer_update;
mod date;
#[cfg(feature = "defmt")]
mod defmt;
mod gender;
pub(crate) mod mask;

pub use capacity::*;
pub use customer::Customer;
pub use customer_create::CustomerCreate;
pub use customer_update::CustomerUpdate;
pub use date::{Date, DateError, Timestamp, TimestampError};
pub use gender::Gender;
