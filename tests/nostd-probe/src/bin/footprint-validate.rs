//! Footprint: Validation of the vendor's example alone.
#![no_std]
#![no_main]
// The entry point needs `#[unsafe(no_mangle)]`.
#![allow(unsafe_code)]

#[path = "../../footprint/common.rs"]
mod common;

#[unsafe(no_mangle)]
extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    common::exit_code(common::validate().map(|_| ()))
}
