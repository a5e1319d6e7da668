//! Desktop and server transport for the Minted Connect client (over `ureq`).
//!
//! Not yet implemented: this crate is filled by the transport-std issue.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
