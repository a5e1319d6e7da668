//! Kiosk firmware example: joins Wi-Fi, then sends one customer update to
//! the Minted Connect partner API over HTTPS with `minted-connect-esp`.
//!
//! Only the glue lives here (Wi-Fi, the ESP-IDF HTTP connection, the
//! delay and random sources); the request, digest authentication, retries
//! and error mapping are the host-tested transport. The log never shows
//! personal data: only status classes, counters and the server's numeric id.
//!
//! Build-time settings (environment variables): `WIFI_SSID`, `WIFI_PASS`,
//! `MINTED_USER`, `MINTED_PASSWORD`.
// The one unsafe call is the FFI function `esp_random`; it is allowed where
// it is made (`HardwareRandom::fill_bytes`) and nowhere else.
#![deny(unsafe_code)]

use core::convert::TryInto;
use core::time::Duration;

use embedded_svc::wifi::{AuthMethod, ClientConfiguration, Configuration as WifiConfiguration};
use esp_idf_svc::eventloop::EspSystemEventLoop;
use esp_idf_svc::hal::delay::FreeRtos;
use esp_idf_svc::hal::peripherals::Peripherals;
use esp_idf_svc::http::client::{Configuration as HttpConfiguration, EspHttpConnection};
use esp_idf_svc::log::EspLogger;
use esp_idf_svc::nvs::EspDefaultNvsPartition;
use esp_idf_svc::sys::EspError;
use esp_idf_svc::wifi::{BlockingWifi, EspWifi};
use log::{error, info};
use minted_connect_core::model::CustomerUpdate;
use minted_connect_core::validate::{CustomerInput, ValidationProfile};
use minted_connect_esp::{
    Authentication, ClientBuffers, ClientConfig, CnonceSource, Credentials, Delay, Error, EspClient,
};

const WIFI_SSID: &str = env!("WIFI_SSID");
const WIFI_PASS: &str = env!("WIFI_PASS");
const API_USER: &str = env!("MINTED_USER");
const API_PASSWORD: &str = env!("MINTED_PASSWORD");
/// The vendor's testing environment.
const BASE_URL: &str = "https://api.staging.mintedconnect.com";

/// Waits with the FreeRTOS scheduler (no std clock is needed).
struct FreeRtosDelay;

impl Delay for FreeRtosDelay {
    fn delay_ms(&mut self, ms: u32) {
        FreeRtos::delay_ms(ms);
    }
}

/// Digest cnonces and backoff jitter from the hardware RNG (random while
/// the radio is on).
struct HardwareRandom;

impl CnonceSource for HardwareRandom {
    #[allow(unsafe_code)]
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for chunk in dest.chunks_mut(4) {
            // SAFETY: esp_random has no preconditions; it reads the RNG register.
            let word = unsafe { esp_idf_svc::sys::esp_random() }.to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
}

/// A new HTTPS connection: the certificate bundle for TLS, a 2 KiB receive
/// buffer (a digest challenge header is longer than ESP-IDF's 512-byte
/// default), 1 KiB for the request head (it carries `Authorization`).
fn open_connection() -> Result<EspHttpConnection, EspError> {
    EspHttpConnection::new(&HttpConfiguration {
        buffer_size: Some(2048),
        buffer_size_tx: Some(1024),
        timeout: Some(Duration::from_secs(15)),
        crt_bundle_attach: Some(esp_idf_svc::sys::esp_crt_bundle_attach),
        ..Default::default()
    })
}

fn connect_wifi(wifi: &mut BlockingWifi<EspWifi<'static>>) -> Result<(), EspError> {
    wifi.set_configuration(&WifiConfiguration::Client(ClientConfiguration {
        ssid: WIFI_SSID
            .try_into()
            .expect("WIFI_SSID has at most 32 bytes"),
        password: WIFI_PASS
            .try_into()
            .expect("WIFI_PASS has at most 64 bytes"),
        auth_method: AuthMethod::WPA2Personal,
        ..Default::default()
    }))?;
    wifi.start()?;
    wifi.connect()?;
    wifi.wait_netif_up()?;
    info!("wifi up");
    Ok(())
}

/// What the kiosk form collected (example data).
fn form_input() -> CustomerInput<'static> {
    CustomerInput {
        firstname: Some("Mehmet"),
        lastname: Some("Gülbilge"),
        email: Some("mehmet.gulbilge@example.com"),
        phone: Some("+90 532 280 80 35"),
        identity_number: Some("12345677938"),
        ..CustomerInput::default()
    }
}

/// The error's class and numbers only: never a server message, which may
/// echo what the customer typed.
fn log_failure(error: &Error<EspError>) {
    match error {
        Error::Validation(_) => error!("update refused before sending (invalid request)"),
        Error::Api(_) => error!("the API refused the update (4xx)"),
        Error::Authentication(_) => error!("authentication failed"),
        Error::RateLimited { retry_after } => error!("rate limited, retry after {retry_after:?} s"),
        Error::Server { status } => error!("server error {status}"),
        Error::Transport(failure) => error!(
            "connection failed while {} ({:?}): {}",
            failure.stage, failure.failure, failure.source
        ),
        Error::Protocol(problem) => error!("unusable response: {problem}"),
        _ => error!("update failed"),
    }
}

fn main() -> Result<(), EspError> {
    esp_idf_svc::sys::link_patches();
    EspLogger::initialize_default();

    let peripherals = Peripherals::take()?;
    let sys_loop = EspSystemEventLoop::take()?;
    let nvs = EspDefaultNvsPartition::take()?;
    let mut wifi = BlockingWifi::wrap(
        EspWifi::new(peripherals.modem, sys_loop.clone(), Some(nvs))?,
        sys_loop,
    )?;
    connect_wifi(&mut wifi)?;

    let customer = match CustomerUpdate::validate(&form_input(), ValidationProfile::Lenient) {
        Ok(customer) => customer,
        Err(errors) => {
            // ValidationErrors names the fields and rules, never the values.
            error!("form input invalid: {errors}");
            return Ok(());
        }
    };

    // About 7 KiB of request buffers and 4 KiB for the response: on the
    // heap once, not on the task stack.
    let buffers: &'static mut ClientBuffers = Box::leak(Box::new(ClientBuffers::new()));
    let response: &'static mut [u8] = Box::leak(vec![0u8; 4096].into_boxed_slice());
    let auth = Authentication::Digest(Credentials {
        username: API_USER,
        password: API_PASSWORD,
    });
    let mut client = EspClient::new(
        open_connection()?,
        FreeRtosDelay,
        HardwareRandom,
        ClientConfig::new(BASE_URL, auth),
        buffers,
        response,
    )
    .expect("BASE_URL is a valid base URL")
    // A failed exchange can leave EspHttpConnection mid-request, where it
    // cannot start another: the client then opens a fresh one.
    .with_reconnect(open_connection);

    match client.update("MTD0018232", &customer) {
        Ok(record) => info!(
            "customer updated: server id {:?}, {} request(s)",
            record.id,
            client.last_request_count()
        ),
        Err(failure) => log_failure(&failure),
    }
    Ok(())
}
