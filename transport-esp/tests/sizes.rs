//! `size_of` of the kiosk client's state, with generous bounds. With the
//! connection, delay and cnonce source lent by reference (`&mut`), the
//! figure is the client's own state; on the device add the connection's
//! size. Print with
//! `cargo test --release -p minted-connect-esp --test sizes -- --nocapture`.

#[path = "support/common.rs"]
mod common;
#[path = "support/memory_connection.rs"]
#[allow(dead_code)]
mod memory_connection;

use std::mem::size_of;

use common::{RecordingDelay, StdRng};
use memory_connection::MemoryConnection;
use minted_connect_esp::{ClientBuffers, ClientConfig, EspClient};

/// Prints `size_of::<T>()` and checks it against `bound`.
fn size<T>(name: &str, bound: usize) -> bool {
    let size = size_of::<T>();
    println!("{name:<40} {size:>6} bytes (bound {bound})");
    size <= bound
}

#[test]
fn sizes_stay_within_their_bounds() {
    let within = [
        size::<ClientBuffers>("ClientBuffers", 13 * 1024),
        size::<ClientConfig<'_>>("ClientConfig", 256),
        size::<EspClient<'_, &mut MemoryConnection, &mut RecordingDelay, &mut StdRng>>(
            "EspClient (connection, delay, rng by &mut)",
            2 * 1024,
        ),
        size::<EspClient<'_, MemoryConnection, RecordingDelay, StdRng>>(
            "EspClient (test connection by value)",
            4 * 1024,
        ),
    ];
    assert!(within.iter().all(|&ok| ok), "a type outgrew its bound");
}
