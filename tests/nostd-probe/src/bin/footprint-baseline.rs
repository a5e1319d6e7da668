//! Footprint: Nothing but the entry point and the panic handler: the scaffold every
//! other footprint binary shares.
#![no_std]
#![no_main]
// The entry point needs `#[unsafe(no_mangle)]`.
#![allow(unsafe_code)]

use core::hint::black_box;

#[path = "../../footprint/common.rs"]
mod common;

#[unsafe(no_mangle)]
extern "C" fn main(argc: i32, _argv: *const *const u8) -> i32 {
    common::exit_code((black_box(argc) >= 0).then_some(()))
}
