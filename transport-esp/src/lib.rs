//! ESP-IDF kiosk transport for the Minted Connect client (over `embedded-svc`).
//!
//! Not yet implemented: this crate is filled by the transport-esp issue.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
