//! A faithful local stand-in of the vendor's customer API.
//!
//! Start one with [`Sandbox::start`]; it serves on `127.0.0.1` on a
//! background thread until its [`SandboxHandle`] is dropped. See the crate
//! docs for the HTTP behaviour.

mod config;
mod digest;
mod faults;
pub mod json_php;
mod log;
pub mod messages;
mod server;
mod store;
mod validation;

pub use config::{
    Algorithm, DEFAULT_NONCE_LIFETIME, DEFAULT_PASSWORD, DEFAULT_REALM, DEFAULT_USERNAME,
    MAX_REQUEST_BODY, QopMode, SandboxConfig,
};
pub use faults::{FaultScope, Faults, RetryAfterFault, Times};
pub use log::LoggedRequest;
pub use server::{Sandbox, SandboxHandle};
pub use store::{
    COMPANY_ID, CustomerChanges, EMOJI_CUSTOMER_ID, EXAMPLE_CUSTOMER_ID, FieldChange,
    StoredCustomer, TURKISH_CUSTOMER_ID,
};
