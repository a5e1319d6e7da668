//! Shared code of the `minted` program and the library examples.
#![forbid(unsafe_code)]
