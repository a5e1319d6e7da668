//! The local sandbox of the Minted Connect customer API, and helpers for the
//! cross-crate tests.
#![forbid(unsafe_code)]
