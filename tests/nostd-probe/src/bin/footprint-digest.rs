//! Footprint: Digest alone: challenge parsing, session, `Authorization` (every
//! algorithm the core supports is linked: the challenge picks one at run time).
#![no_std]
#![no_main]
// The entry point needs `#[unsafe(no_mangle)]`.
#![allow(unsafe_code)]

#[path = "../../footprint/common.rs"]
mod common;

#[unsafe(no_mangle)]
extern "C" fn main(argc: i32, _argv: *const *const u8) -> i32 {
    common::exit_code(common::digest(common::seed(argc)))
}
