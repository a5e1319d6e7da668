//! The pieces of the update flow, each behind one function, for the
//! footprint binaries (`src/bin/footprint-*.rs`): each binary calls only
//! its part, and LTO drops the rest, so `size -A` of each binary minus
//! `footprint-baseline` is that part's share of `.text`.
//!
//! Every input goes through `black_box`, so nothing is folded at compile
//! time; every binary exits 0 when its part gave the expected result.
#![allow(dead_code)]

use core::hint::black_box;
use core::panic::PanicInfo;

use minted_connect_core::auth::{
    CnonceSource, Credentials, DigestSession, MAX_AUTHORIZATION_LEN, find_digest_challenge,
};
use minted_connect_core::call::{
    Authentication, Call, CallBuffers, Operation, Outcome, Response, RetryPolicy, Step,
};
use minted_connect_core::http::{Limits, RequestHead, read_response, write_request};
use minted_connect_core::json::{MAX_UPDATE_BODY_LEN, decode_customer_response, encode_update};
use minted_connect_core::model::CustomerUpdate;
use minted_connect_core::request::RequestSettings;
use minted_connect_core::validate::{CustomerInput, ValidationProfile};

#[link(name = "c")]
unsafe extern "C" {}

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    loop {}
}

/// A xorshift cnonce source seeded from the process arguments.
pub struct Xorshift(pub u32);

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

/// A seed the optimiser cannot know.
pub fn seed(argc: i32) -> u32 {
    black_box(argc as u32).wrapping_mul(2_654_435_761) | 1
}

/// The process exit code for a part's result.
pub fn exit_code(ok: Option<()>) -> i32 {
    match ok {
        Some(()) => 0,
        None => 1,
    }
}

pub const CHALLENGE_VALUE: &str = "Digest realm=\"minted-sandbox\", nonce=\"cCQIM85hBgA=2c1725d8d76fc65ebf58294420e825aefc2c91a4\", algorithm=SHA-256, qop=\"auth\", opaque=\"a\"";

pub const CHALLENGE: &[u8] = b"HTTP/1.1 401 Unauthorized\r\n\
WWW-Authenticate: Digest realm=\"minted-sandbox\", nonce=\"cCQIM85hBgA=2c1725d8d76fc65ebf58294420e825aefc2c91a4\", algorithm=SHA-256, qop=\"auth\", opaque=\"a\"\r\n\
Content-Type: application/json\r\n\
Content-Length: 2\r\n\r\n{}";

/// The vendor's 200 response body as PHP sends it (392 bytes).
macro_rules! record {
    () => {
        "{\"data\":{\"id\":2,\"external_id\":\"MTD0018232\",\"company_id\":2000000,\"user_id\":null,\
\"firstname\":\"Mehmet\",\"middlename\":null,\"lastname\":\"G\\u00fclbilge\",\
\"fullname\":\"Mehmet G\\u00fclbilge\",\"email\":\"mehmet.gulbilge@example.com\",\"phone\":null,\
\"gender\":null,\"identity_number\":null,\"birthdate\":null,\"created_at\":\"2023-03-05 04:51:18\",\
\"updated_at\":\"2023-03-05 04:51:18\"},\"success\":true,\"code\":0,\"message\":\"\"}"
    };
}

pub const RECORD: &[u8] = record!().as_bytes();

pub const ACCEPTED: &[u8] = concat!(
    "HTTP/1.1 200 OK\r\n\
Content-Type: application/json\r\n\
Transfer-Encoding: chunked\r\n\r\n\
188\r\n",
    record!(),
    "\r\n0\r\n\r\n"
)
.as_bytes();

/// The vendor's example customer.
pub fn input() -> CustomerInput<'static> {
    CustomerInput {
        firstname: Some(black_box("Mehmet")),
        lastname: Some(black_box("Gülbilge")),
        fullname: Some(black_box("Mehmet Gülbilge")),
        email: Some(black_box("mehmet.gulbilge@example.com")),
        phone: Some(black_box("+90 532 280 80 35")),
        gender: Some(black_box("M")),
        identity_number: Some(black_box("12345677938")),
        birthdate: Some(black_box("1970-01-31")),
        ..CustomerInput::default()
    }
}

/// Validation alone.
pub fn validate() -> Option<CustomerUpdate> {
    CustomerUpdate::validate(&input(), ValidationProfile::Lenient).ok()
}

/// Validation and the PATCH body.
pub fn encode() -> Option<()> {
    let update = validate()?;
    let mut body = [0u8; MAX_UPDATE_BODY_LEN];
    let len = encode_update(&update, &mut body).ok()?;
    (black_box(&body[..len]).first() == Some(&b'{')).then_some(())
}

/// Decoding the 200 alone.
pub fn decode() -> Option<()> {
    let customer = decode_customer_response(200, black_box(RECORD), None).ok()?;
    (customer.external_id.as_deref() == Some("MTD0018232")).then_some(())
}

/// The digest alone: parse the challenge, accept it, authorize one PATCH.
pub fn digest(seed: u32) -> Option<()> {
    let mut rng = Xorshift(seed);
    let mut session = DigestSession::new();
    let challenge = find_digest_challenge([black_box(CHALLENGE_VALUE)]).ok()?;
    session.accept_challenge(&challenge, &mut rng).ok()?;
    let mut out = [0u8; MAX_AUTHORIZATION_LEN];
    let len = session
        .authorize(
            &Credentials::new(black_box("partner"), black_box("s3cret")),
            "PATCH",
            black_box("/partner/customer/MTD0018232"),
            black_box(b"{}"),
            &mut rng,
            &mut out,
        )
        .ok()?;
    (black_box(&out[..len]).first() == Some(&b'D')).then_some(())
}

/// The HTTP/1.1 codec alone: a request head and body written, the chunked
/// 200 read back.
pub fn codec() -> Option<()> {
    let headers = [
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
        ("x-client-id", black_box("web")),
        ("Content-Length", "2"),
    ];
    let head = RequestHead {
        method: black_box("PATCH"),
        target: black_box("/partner/customer/MTD0018232"),
        host: black_box("127.0.0.1"),
        headers: &headers,
    };
    let mut wire = [0u8; 1024];
    let mut scratch = [0u8; 1024];
    {
        let mut out: &mut [u8] = &mut wire;
        write_request(&mut out, &head, black_box(b"{}"), &mut scratch).ok()?;
    }
    let mut input: &[u8] = black_box(ACCEPTED);
    let mut buf = [0u8; 2048];
    let response = read_response(&mut input, &mut buf, Limits::default()).ok()?;
    (response.status() == 200 && response.body().len() == RECORD.len()).then_some(())
}

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
    let mut challenges = [""; 2];
    call.response(&Response::from_http(&response, &mut challenges), rng)
        .ok()
}

/// The whole update flow of the core: validate, then a `Call` (encode)
/// through the codec — 401 challenge, digest, 200 decoded.
pub fn flow(seed: u32) -> Option<()> {
    let customer = validate()?;
    let settings = RequestSettings::new();
    let mut session = DigestSession::new();
    let mut buffers = CallBuffers::new();
    let mut rng = Xorshift(seed);
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
