//! # minted-connect-core
//!
//! The `no_std`, no-alloc core of the Minted Connect partner API client.
//! Every decision lives here; transports only move bytes.
//!
//! Layers, in the order data flows:
//! - [`model`]: plain types with documented capacities.
//! - [`validate`]: the spec's rules; every failing field reported at once.
//! - [`json`]: the request body into a lent buffer; envelopes decoded back.
//! - [`request`]: method, path and headers of each operation.
//! - [`auth`]: RFC 7616 digest authentication (challenge parser, session).
//! - [`http`]: an HTTP/1.1 codec over `embedded-io` for gateways with a bare socket.
//! - [`call`]: the sans-IO driver of one operation, shared by every transport.
//! - [`gateway`]: a blocking client over the codec, for a bare socket.
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

pub mod auth;
pub mod call;
pub mod gateway;
mod hex;
pub mod http;
pub mod json;
mod log;
pub mod model;
pub mod request;
pub mod validate;
