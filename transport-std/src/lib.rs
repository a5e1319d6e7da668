//! # minted-connect-std
//!
//! The desktop and server client of the Minted Connect partner API: the
//! core's protocol ([`minted_connect_core`]) over a blocking
//! [ureq](https://docs.rs/ureq) agent with rustls TLS.
//!
//! **In scope:** configuration ([`Config`]), sockets, TLS, timeouts, reading
//! a bounded response, waiting between attempts, mapping failures to one
//! [`Error`]. **Out of scope:** every protocol decision — the request body,
//! digest authentication, what is retried and what a status means — which
//! the core's [`call`](minted_connect_core::call) driver makes.
//!
//! ```no_run
//! use minted_connect_std::{Client, Config, Credentials, CustomerInput, Error};
//!
//! let mut config = Config::staging();
//! config.credentials = Credentials::digest("partner", "s3cret");
//! let client = Client::new(config)?;
//!
//! match client.get("MTD0018232") {
//!     Ok(customer) => println!("{customer:?}"),
//!     Err(error) if error.is_not_found() => println!("no such customer"),
//!     Err(error) => return Err(error),
//! }
//!
//! // Validation runs before any I/O: this sends nothing.
//! let input = CustomerInput { email: Some("not an address"), ..CustomerInput::default() };
//! assert!(matches!(client.update_input("MTD0018232", &input), Err(Error::Validation(_))));
//! # Ok::<(), Error>(())
//! ```
//!
//! ## Guarantees
//! - `https` is required for every host but loopback unless
//!   [`Config::allow_plain_http`] is set; checked before any I/O.
//! - Redirects are never followed, so `Authorization` never reaches
//!   another host; a 3xx is reported as [`Error::Api`].
//! - No timeout is infinite; a response body is never read past
//!   [`Config::max_response_bytes`] + 1 bytes.
//! - The password lives in a zeroizing container and no `Debug` shows it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod base_url;
mod client;
mod config;
mod error;
mod exchange;
mod random;
mod resolver;

pub use client::Client;
pub use config::{
    Config, Credentials, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT,
    DEFAULT_USER_AGENT, RootCertificate, STAGING_BASE_URL,
};
pub use error::{
    ConfigError, Error, ProtocolError, ProtocolErrorKind, TransportError, TransportErrorKind,
};
pub use random::OsRandom;

/// The core, for the types not re-exported here.
pub use minted_connect_core;
pub use minted_connect_core::call::{AuthFailure, RetryPolicy};
pub use minted_connect_core::json::ApiError;
pub use minted_connect_core::model::{Customer, CustomerCreate, CustomerUpdate};
pub use minted_connect_core::validate::{
    CreateInput, CustomerInput, ValidationErrors, ValidationProfile,
};
