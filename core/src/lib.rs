//! # minted-connect-core
//!
//! The `no_std`, no-alloc core of the Minted Connect partner API client.
//! Every decision lives here; transports only move bytes.
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
