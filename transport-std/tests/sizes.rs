//! `size_of` of the desktop client, with a generous bound. The client keeps
//! its call buffers boxed, so the figure is what a `Client` on the stack or
//! in a struct costs. Print with
//! `cargo test --release -p minted-connect-std --test sizes -- --nocapture`.

use std::mem::size_of;

use minted_connect_std::{Client, Config, Error};

/// Prints `size_of::<T>()` and checks it against `bound`.
fn size<T>(name: &str, bound: usize) -> bool {
    let size = size_of::<T>();
    println!("{name:<16} {size:>6} bytes (bound {bound})");
    size <= bound
}

#[test]
fn sizes_stay_within_their_bounds() {
    let within = [
        size::<Client>("Client", 2 * 1024),
        size::<Config>("Config", 1024),
        size::<Error>("Error", 256),
    ];
    assert!(within.iter().all(|&ok| ok), "a type outgrew its bound");
}
