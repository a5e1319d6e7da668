//! A gateway with a bare socket and no HTTP client: the core's own HTTP/1.1
//! codec (`minted_connect_core::gateway`) over a `std::net::TcpStream`.
//!
//! ```sh
//! cargo run -p minted-connect-examples --example gateway_raw_socket
//! ```
//!
//! The request path allocates nothing: validation, the JSON body, the
//! digest answer, the request head and the response all live in the
//! buffers below (on the stack here; in `static`s on a microcontroller).
//! Only the socket is std: on a device, implement [`Connect`] over your
//! stack's TCP (or TLS) socket with `embedded_io::{Read, Write}` and keep
//! the rest as it is.
//!
//! By default it starts the local sandbox in-process. Set
//! `MINTED_GATEWAY_ADDR=host:port` (plain HTTP, e.g. a TLS-terminating
//! proxy on the gateway) with `MINTED_USERNAME` / `MINTED_PASSWORD` to talk
//! to another server. The vendor's servers speak https only: for them,
//! wrap the `TcpStream` in a TLS stream inside [`Connect::connect`].
#![forbid(unsafe_code)]

use std::error::Error;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use embedded_io_adapters::std::FromStd;
use minted_connect_core::auth::{CnonceSource, Credentials};
use minted_connect_core::call::{Authentication, Delay, RetryPolicy};
use minted_connect_core::gateway::{Connect, GatewayBuffers, GatewayClient};
use minted_connect_core::model::CustomerUpdate;
use minted_connect_core::request::RequestSettings;
use minted_connect_core::validate::{CustomerInput, ValidationProfile};
use minted_connect_tests::sandbox::Sandbox;

/// Opens a TCP connection with timeouts; the adapter gives it
/// `embedded_io::{Read, Write}`.
struct TcpConnector {
    addr: SocketAddr,
    timeout: Duration,
}

impl Connect for TcpConnector {
    type Connection = FromStd<TcpStream>;
    type Error = std::io::Error;

    fn connect(&mut self) -> Result<Self::Connection, Self::Error> {
        let stream = TcpStream::connect_timeout(&self.addr, self.timeout)?;
        stream.set_read_timeout(Some(self.timeout))?;
        stream.set_write_timeout(Some(self.timeout))?;
        stream.set_nodelay(true)?;
        Ok(FromStd::new(stream))
    }
}

/// Waits between retries (an RTOS delay on a device).
struct Sleep;

impl Delay for Sleep {
    fn delay_ms(&mut self, ms: u32) {
        std::thread::sleep(Duration::from_millis(u64::from(ms)));
    }
}

/// Digest cnonces and retry jitter. Any CSPRNG will do (a hardware RNG on
/// a device); this one asks the operating system.
struct Random(minted_connect_std::OsRandom);

impl CnonceSource for Random {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        self.0.fill_bytes(dest);
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    // The server: the sandbox unless MINTED_GATEWAY_ADDR names another.
    let (host, username, password, _sandbox) = match std::env::var("MINTED_GATEWAY_ADDR") {
        Ok(addr) => (
            addr,
            std::env::var("MINTED_USERNAME")?,
            std::env::var("MINTED_PASSWORD")?,
            None,
        ),
        Err(_) => {
            let sandbox = Sandbox::start_default()?;
            println!("using the local sandbox at {}", sandbox.base_url());
            (
                sandbox.addr().to_string(),
                sandbox.username().to_owned(),
                sandbox.password().to_owned(),
                Some(sandbox),
            )
        }
    };
    let addr = host
        .to_socket_addrs()?
        .next()
        .ok_or("MINTED_GATEWAY_ADDR resolves to no address")?;

    // --- From here on nothing is allocated. ---

    // Validate first: nothing is sent unless every field passes.
    let input = CustomerInput {
        firstname: Some("Mehmet"),
        lastname: Some("Gülbilge"),
        fullname: Some("Mehmet Gülbilge"),
        email: Some("mehmet.gulbilge@example.com"),
        phone: Some("+90 532 280 80 35"),
        gender: Some("M"),
        identity_number: Some("12345677938"),
        birthdate: Some("1970-01-31"),
        ..CustomerInput::default()
    };
    let update = match CustomerUpdate::validate(&input, ValidationProfile::Lenient) {
        Ok(update) => update,
        Err(errors) => {
            // Names the fields and rules, never the values.
            eprintln!("invalid input, nothing sent: {errors}");
            return Err(errors.into());
        }
    };

    // Every buffer the client needs, lent by the caller.
    let mut buffers = GatewayBuffers::new();
    let mut response = [0u8; 4096];
    let mut settings = RequestSettings::new();
    settings.accept_language = "en";
    let authentication = Authentication::Digest(Credentials {
        username: &username,
        password: &password,
    });
    let mut client = GatewayClient::new(
        TcpConnector {
            addr,
            timeout: Duration::from_secs(10),
        },
        &host,
        settings,
        authentication,
        RetryPolicy::new(),
        Sleep,
        Random(minted_connect_std::OsRandom::new()),
        &mut buffers,
        &mut response,
    );

    // allocation-counter counts this thread's allocations while the
    // closure runs (the sandbox allocates freely on its own threads).
    let mut result = None;
    let counted =
        allocation_counter::measure(|| result = Some(client.update("MTD0018232", &update)));
    match result.ok_or("the update did not run")? {
        // `Debug` masks the identity number, e-mail, phone and birth date.
        Ok(customer) => println!("updated: {customer:?}"),
        Err(error) => {
            eprintln!("update failed: {error}");
            return Err(error.into());
        }
    }
    println!(
        "{} request(s) (the first answers the digest challenge), {} allocation(s)",
        client.last_request_count(),
        counted.count_total
    );

    // The digest session and the kept-alive connection are reused: one
    // request, no new connection.
    let mut result = None;
    let counted_get = allocation_counter::measure(|| result = Some(client.get("MTD0018232")));
    let customer = result.ok_or("the get did not run")??;
    println!(
        "fetched {} in {} request(s), {} allocation(s); {} connection(s) opened in all",
        customer.external_id.as_deref().unwrap_or("?"),
        client.last_request_count(),
        counted_get.count_total,
        client.connections_opened()
    );
    if counted.count_total + counted_get.count_total != 0 {
        return Err("the request path allocated".into());
    }
    Ok(())
}

#[test]
fn runs_against_the_sandbox() {
    // Only against the in-process sandbox, never a configured server.
    if std::env::var_os("MINTED_GATEWAY_ADDR").is_none() {
        main().expect("the example runs");
    }
}
