//! The no_std probe: the whole update flow — validate, encode, digest,
//! HTTP/1.1 codec, decode — in a binary with no `std`, no `alloc`, its own
//! panic handler and no global allocator. It fails to link ("found duplicate
//! lang item `panic_impl`", "no global memory allocator found") if either
//! reaches the core. It runs against canned server bytes and exits 0 when
//! every step gave the expected result.
#![no_std]
#![no_main]
// The entry point needs `#[unsafe(no_mangle)]`; the library crates stay
// `forbid(unsafe_code)`.
#![allow(unsafe_code)]

use core::hint::black_box;
use core::panic::PanicInfo;

use minted_connect_core::auth::{CnonceSource, Credentials, DigestSession};
use minted_connect_core::call::{
    Authentication, Call, CallBuffers, Operation, Outcome, Response, RetryPolicy, Step,
};
use minted_connect_core::http::{Limits, RequestHead, read_response, write_request};
use minted_connect_core::model::CustomerUpdate;
use minted_connect_core::request::RequestSettings;
use minted_connect_core::validate::{CustomerInput, ValidationProfile};
use minted_connect_esp::{ClientBuffers, ClientConfig, Delay, EspClient};

// The in-memory embedded-svc connection of transport-esp's tests: `core`
// and embedded-svc only, so it links here too.
#[path = "../../../transport-esp/tests/support/memory_connection.rs"]
#[allow(dead_code)]
mod memory_connection;
use memory_connection::{Canned, MemoryConnection};

#[link(name = "c")]
unsafe extern "C" {}

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    loop {}
}

/// A xorshift source seeded from the process arguments: enough for a probe,
/// and not a constant the optimiser could fold.
struct Xorshift(u32);

impl CnonceSource for Xorshift {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 17;
            self.0 ^= self.0 << 5;
            *byte = self.0 as u8;
        }
    }
}

const CHALLENGE: &[u8] = b"HTTP/1.1 401 Unauthorized\r\n\
WWW-Authenticate: Digest realm=\"minted-sandbox\", nonce=\"cCQIM85hBgA=2c1725d8d76fc65ebf58294420e825aefc2c91a4\", algorithm=SHA-256, qop=\"auth\", opaque=\"a\"\r\n\
Content-Type: application/json\r\n\
Content-Length: 2\r\n\r\n{}";

/// The vendor's 200 response body (392 bytes).
macro_rules! record {
    () => {
        "{\"data\":{\"id\":2,\"external_id\":\"MTD0018232\",\"company_id\":2000000,\"user_id\":null,\
\"firstname\":\"Mehmet\",\"middlename\":null,\"lastname\":\"G\\u00fclbilge\",\
\"fullname\":\"Mehmet G\\u00fclbilge\",\"email\":\"mehmet.gulbilge@example.com\",\"phone\":null,\
\"gender\":null,\"identity_number\":null,\"birthdate\":null,\"created_at\":\"2023-03-05 04:51:18\",\
\"updated_at\":\"2023-03-05 04:51:18\"},\"success\":true,\"code\":0,\"message\":\"\"}"
    };
}

const CHALLENGE_VALUE: &str = "Digest realm=\"minted-sandbox\", nonce=\"cCQIM85hBgA=2c1725d8d76fc65ebf58294420e825aefc2c91a4\", algorithm=SHA-256, qop=\"auth\", opaque=\"a\"";

const ACCEPTED: &[u8] = concat!(
    "HTTP/1.1 200 OK\r\n\
Content-Type: application/json\r\n\
Transfer-Encoding: chunked\r\n\r\n\
188\r\n",
    record!(),
    "\r\n0\r\n\r\n"
)
.as_bytes();

/// One exchange through the codec: the request goes out into `wire`, the
/// canned `reply` comes back into `buf`, and the call decides.
fn exchange(
    call: &mut Call<'_>,
    rng: &mut Xorshift,
    reply: &[u8],
    wire: &mut [u8],
    buf: &mut [u8],
) -> Option<Step> {
    {
        // The request borrows the call until it is written.
        let request = call.request(rng).ok()?;
        let head = RequestHead {
            method: request.method.as_str(),
            target: request.path,
            host: "127.0.0.1",
            headers: &request.headers,
        };
        let mut out: &mut [u8] = wire;
        let mut head_scratch = [0u8; 1024];
        write_request(&mut out, &head, request.body, &mut head_scratch).ok()?;
    }
    let mut input: &[u8] = black_box(reply);
    let response = read_response(&mut input, buf, Limits::default()).ok()?;
    let mut challenges: [&str; 2] = [""; 2];
    let mut count = 0;
    for (slot, value) in challenges
        .iter_mut()
        .zip(response.headers("WWW-Authenticate"))
    {
        *slot = value;
        count += 1;
    }
    let parts = Response {
        status: response.status(),
        www_authenticate: challenges.get(..count)?,
        authentication_info: response.header("Authentication-Info"),
        retry_after: response.header("Retry-After"),
        body: response.body(),
    };
    call.response(&parts, rng).ok()
}

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
        body: record!().as_bytes(),
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
        Xorshift(seed | 1),
        config,
        &mut buffers,
        &mut response,
    )
    .ok()?;
    let record = client.update(black_box("MTD0018232"), customer).ok()?;
    (record.external_id.as_deref() == Some("MTD0018232") && client.last_request_count() == 2)
        .then_some(())
}

fn run(seed: u32) -> Option<()> {
    let input = CustomerInput {
        firstname: Some(black_box("Mehmet")),
        lastname: Some(black_box("Gülbilge")),
        fullname: Some(black_box("Mehmet Gülbilge")),
        email: Some(black_box("mehmet.gulbilge@example.com")),
        phone: Some(black_box("+90 532 280 80 35")),
        gender: Some(black_box("M")),
        identity_number: Some(black_box("12345677938")),
        birthdate: Some(black_box("1970-01-31")),
        ..CustomerInput::default()
    };
    let customer = CustomerUpdate::validate(&input, ValidationProfile::Lenient).ok()?;
    run_esp(seed, &customer)?;
    let settings = RequestSettings::new();
    let mut session = DigestSession::new();
    let mut buffers = CallBuffers::new();
    let mut rng = Xorshift(seed | 1);
    let auth = Authentication::Digest(Credentials {
        username: black_box("partner"),
        password: black_box("s3cret"),
    });
    let mut call = Call::new(
        Operation::Update {
            id: black_box("MTD0018232"),
            customer: &customer,
        },
        &settings,
        auth,
        &mut session,
        RetryPolicy::new(),
        &mut buffers,
    )
    .ok()?;
    let mut wire = [0u8; 4096];
    let mut buf = [0u8; 2048];
    match exchange(&mut call, &mut rng, CHALLENGE, &mut wire, &mut buf)? {
        Step::SendAgain { .. } => {}
        Step::Done(_) => return None,
    }
    match exchange(&mut call, &mut rng, ACCEPTED, &mut wire, &mut buf)? {
        Step::Done(Outcome::Customer) => {
            (call.customer().external_id.as_deref() == Some("MTD0018232")).then_some(())
        }
        _ => None,
    }
}

#[unsafe(no_mangle)]
extern "C" fn main(argc: i32, _argv: *const *const u8) -> i32 {
    match run(black_box(argc as u32).wrapping_mul(2_654_435_761)) {
        Some(()) => 0,
        None => 1,
    }
}
