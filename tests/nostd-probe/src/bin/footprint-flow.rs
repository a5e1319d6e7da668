//! Footprint: The whole update flow of the core: validate, encode, digest, codec,
//! decode, driven by `call::Call` (the no_std probe without transport-esp).
#![no_std]
#![no_main]
// The entry point needs `#[unsafe(no_mangle)]`.
#![allow(unsafe_code)]

#[path = "../../footprint/common.rs"]
mod common;

#[unsafe(no_mangle)]
extern "C" fn main(argc: i32, _argv: *const *const u8) -> i32 {
    common::exit_code(common::flow(common::seed(argc)))
}
