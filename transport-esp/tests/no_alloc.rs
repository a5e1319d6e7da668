//! The transport's request path allocates nothing: allocation-counter's
//! global allocator counts on the test's own thread (the sandbox allocates freely on
//! its threads) while the client runs operations over the allocation-free
//! `TcpConnection` (its buffers are allocated once, before counting).

#[path = "support/common.rs"]
mod common;
#[path = "support/tcp_connection.rs"]
mod tcp_connection;

use common::{RecordingDelay, StdRng, example_update, new_customer};
use minted_connect_esp::{Authentication, ClientBuffers, ClientConfig, Credentials, EspClient};
use minted_connect_tests::sandbox::{EXAMPLE_CUSTOMER_ID, Sandbox, SandboxConfig};
use tcp_connection::{TcpConfig, TcpConnection};

/// The allocations `f` makes on this thread (allocation-counter's global
/// allocator counts per thread).
fn allocations_in<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let mut result = None;
    let info = allocation_counter::measure(|| result = Some(f()));
    (result.expect("measure runs the closure"), info.count_total)
}

#[test]
fn the_counter_sees_allocations() {
    let (_, n) = allocations_in(|| std::hint::black_box(vec![1u8; 16]));
    assert_eq!(n, 1);
}

#[test]
fn every_operation_runs_without_allocating() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let base_url = sandbox.base_url();
    let mut buffers = Box::new(ClientBuffers::new());
    let mut response = vec![0u8; 4096];
    let mut delay = RecordingDelay::default();
    let customer = example_update();
    let created = new_customer("KIOSK-0009", "kiosk9@example.com");
    let auth = Authentication::Digest(Credentials {
        username: sandbox.username(),
        password: sandbox.password(),
    });
    let mut client = EspClient::new(
        TcpConnection::new(TcpConfig::default()),
        &mut delay,
        StdRng::new(),
        ClientConfig::new(&base_url, auth),
        &mut buffers,
        &mut response,
    )
    .unwrap();

    let (result, first) = allocations_in(|| client.update(EXAMPLE_CUSTOMER_ID, &customer));
    result.unwrap();
    assert_eq!(client.last_request_count(), 2);
    let (result, get) = allocations_in(|| client.get(EXAMPLE_CUSTOMER_ID));
    result.unwrap();
    let (result, create) = allocations_in(|| client.create(&created));
    result.unwrap();
    let (result, remove) = allocations_in(|| client.remove("KIOSK-0009"));
    result.unwrap();
    let (result, not_found) = allocations_in(|| client.get("KIOSK-0009"));
    assert!(result.is_err());
    assert_eq!(client.last_request_count(), 1);
    assert_eq!(
        [first, get, create, remove, not_found],
        [0; 5],
        "allocations per operation: challenge+update, get, create, remove, 404"
    );
}
