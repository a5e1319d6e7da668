//! Shared code of the `minted` program and the library examples.
//!
//! - [`body`]: customer fields from the vendor's JSON body shape or from
//!   flags, validated by the core (wrong JSON types reported per field).
//! - [`dry_run`]: the exact request an operation would send, with
//!   `Authorization` redacted.
//! - [`outcome`]: the program's exit codes and one-line error messages.
//! - [`target`]: `Host` and path prefix of a base URL.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod body;
pub mod dry_run;
pub mod outcome;
pub mod target;
