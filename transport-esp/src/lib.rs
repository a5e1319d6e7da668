//! # minted-connect-esp
//!
//! The Minted Connect customer API for ESP-IDF kiosks: a `no_std`, no-alloc
//! transport generic over embedded-svc's blocking HTTP client
//! [`Connection`](embedded_svc::http::client::Connection). On the device the
//! connection is esp-idf-svc's `EspHttpConnection`; on the host the tests run
//! it over a `TcpStream` against the local sandbox.
//!
//! **In scope:** moving bytes for the core's call driver
//! (`minted_connect_core::call`): the full URL, the core's headers (always
//! with an explicit `Content-Length` when there is a body), the body, the
//! response status, `WWW-Authenticate`, `Authentication-Info`, `Retry-After`
//! and the body into a lent buffer; waiting between attempts through the
//! caller's [`Delay`]; mapping connection errors.
//!
//! **Out of scope:** every protocol decision (digest, retries, what a status
//! means), which the core makes; Wi-Fi, TLS and sockets, which the
//! connection owns.
//!
//! ```no_run
//! use embedded_svc::http::client::Connection;
//! use minted_connect_esp::{
//!     Authentication, ClientBuffers, ClientConfig, CnonceSource, Credentials, Delay, EspClient,
//! };
//! use minted_connect_core::model::CustomerUpdate;
//!
//! struct Wait;
//! impl Delay for Wait {
//!     fn delay_ms(&mut self, _ms: u32) { /* FreeRtos::delay_ms(ms) on the device */ }
//! }
//! struct Random;
//! impl CnonceSource for Random {
//!     fn fill_bytes(&mut self, dest: &mut [u8]) { /* esp_random() on the device */ }
//! }
//!
//! fn update<C: Connection>(connection: C, customer: &CustomerUpdate) {
//!     let mut buffers = ClientBuffers::new();
//!     let mut response = [0u8; 4096];
//!     let auth = Authentication::Digest(Credentials { username: "partner", password: "s3cret" });
//!     let config = ClientConfig::new("https://api.staging.mintedconnect.com", auth);
//!     let mut client = EspClient::new(connection, Wait, Random, config, &mut buffers,
//!         &mut response).expect("a valid base URL");
//!     match client.update("MTD0018232", customer) {
//!         Ok(_record) => { /* the stored record */ }
//!         Err(error) => { /* `Display` and `Debug` hold no personal data */ let _ = error; }
//!     }
//! }
//! ```
//!
//! Every operation of a primed client is one round trip: the digest session
//! is kept across operations, so only the first one sees the server's
//! challenge (two requests).
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod client;
mod error;
mod exchange;
#[cfg(feature = "defmt")]
mod fmt_defmt;
pub mod url;

pub use client::{ClientBuffers, ClientConfig, EspClient};
pub use error::{Error, InvalidRequest, ProtocolError, Stage, TransportError};
pub use minted_connect_core::auth::{CnonceSource, Credentials};
pub use minted_connect_core::call::{
    Authentication, Delay, Operation, Outcome, RetryPolicy, TransportFailure,
};
pub use minted_connect_core::request::RequestSettings;
