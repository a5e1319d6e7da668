//! The no_std probe: the whole update flow — validate, encode, digest,
//! HTTP/1.1 codec, decode — in a binary with no `std`, no `alloc`, its own
//! panic handler and no global allocator, then the same update through
//! transport-esp. It fails to link ("found duplicate lang item
//! `panic_impl`", "no global memory allocator found") if either reaches the
//! core or the transport. It runs against canned server bytes and exits 0
//! when every step gave the expected result.
#![no_std]
#![no_main]
// The entry point needs `#[unsafe(no_mangle)]`; the library crates stay
// `forbid(unsafe_code)`.
#![allow(unsafe_code)]

use core::hint::black_box;

use minted_connect_core::auth::Credentials;
use minted_connect_core::call::Authentication;
use minted_connect_core::model::CustomerUpdate;
use minted_connect_esp::{ClientBuffers, ClientConfig, Delay, EspClient};

// The flow, the canned responses and the panic handler, shared with the
// footprint binaries.
#[path = "../footprint/common.rs"]
mod common;
use common::{CHALLENGE_VALUE, RECORD, Xorshift};

// The in-memory embedded-svc connection of transport-esp's tests: `core`
// and embedded-svc only, so it links here too.
#[path = "../../../transport-esp/tests/support/memory_connection.rs"]
#[allow(dead_code)]
mod memory_connection;
use memory_connection::{Canned, MemoryConnection};

/// The kiosk path: the same update through transport-esp over an
/// in-memory embedded-svc connection (401 challenge, then 200).
static ESP_SCRIPT: [Canned; 2] = [
    Canned {
        status: 401,
        headers: &[("WWW-Authenticate", CHALLENGE_VALUE)],
        body: b"{}",
    },
    Canned {
        status: 200,
        headers: &[("Content-Type", "application/json")],
        body: RECORD,
    },
];

struct NoWait;

impl Delay for NoWait {
    fn delay_ms(&mut self, _ms: u32) {}
}

fn run_esp(seed: u32, customer: &CustomerUpdate) -> Option<()> {
    let mut buffers = ClientBuffers::new();
    let mut response = [0u8; 2048];
    let auth = Authentication::Digest(Credentials {
        username: black_box("partner"),
        password: black_box("s3cret"),
    });
    let config = ClientConfig::new(black_box("https://api.staging.mintedconnect.com"), auth);
    let mut client = EspClient::new(
        MemoryConnection::new(black_box(&ESP_SCRIPT)),
        NoWait,
        Xorshift(seed),
        config,
        &mut buffers,
        &mut response,
    )
    .ok()?;
    let record = client.update(black_box("MTD0018232"), customer).ok()?;
    (record.external_id.as_deref() == Some("MTD0018232") && client.last_request_count() == 2)
        .then_some(())
}

#[unsafe(no_mangle)]
extern "C" fn main(argc: i32, _argv: *const *const u8) -> i32 {
    let seed = common::seed(argc);
    let ok = common::validate()
        .and_then(|customer| run_esp(seed, &customer))
        .and_then(|()| common::flow(seed));
    common::exit_code(ok)
}
