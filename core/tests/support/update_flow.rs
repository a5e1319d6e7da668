//! The whole update flow of a kiosk, step by step, over in-memory bytes:
//! validate → encode → (401 digest challenge) → digest `Authorization` →
//! HTTP/1.1 request head written, response read → decode of the 200.
//!
//! Shared by `no_alloc.rs` (counts allocations per step) and `stack.rs`
//! (measures the peak stack of each step). Every buffer a caller would own
//! lives in [`FlowBuffers`], which the tests keep off the measured stack.
#![allow(dead_code)]

use std::hint::black_box;

use minted_connect_core::auth::{
    CnonceSource, Credentials, DigestSession, MAX_AUTHORIZATION_LEN, find_digest_challenge,
};
use minted_connect_core::call::{
    Authentication, Call, CallBuffers, CallError, Operation, Outcome, Response, RetryPolicy, Step,
};
use minted_connect_core::http::{Limits, RequestHead, read_response, write_request};
use minted_connect_core::json::{
    ApiError, MAX_UPDATE_BODY_LEN, decode_customer_response_into, encode_update,
};
use minted_connect_core::model::{Customer, CustomerUpdate};
use minted_connect_core::request::RequestSettings;
use minted_connect_core::validate::{CustomerInput, ValidationProfile};

/// The vendor's example customer (every field set).
pub const INPUT: CustomerInput<'static> = CustomerInput {
    firstname: Some("Mehmet"),
    middlename: Some(""),
    lastname: Some("Gülbilge"),
    fullname: Some("Mehmet Gülbilge"),
    email: Some("mehmet.gulbilge@example.com"),
    phone: Some("+90 532 280 80 35"),
    gender: Some("M"),
    identity_number: Some("12345677938"),
    birthdate: Some("1970-01-31"),
};

/// The customer the flow updates.
pub const ID: &str = "MTD0018232";

/// The sandbox's SHA-256 challenge.
pub const CHALLENGE_SHA256: &str = "Digest realm=\"minted-sandbox\", \
    nonce=\"cCQIM85hBgA=2c1725d8d76fc65ebf58294420e825aefc2c91a4\", algorithm=SHA-256, \
    qop=\"auth\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

/// The same challenge for MD5.
pub const CHALLENGE_MD5: &str = "Digest realm=\"minted-sandbox\", \
    nonce=\"cCQIM85hBgA=2c1725d8d76fc65ebf58294420e825aefc2c91a4\", algorithm=MD5, \
    qop=\"auth\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

/// The vendor's documented 200 response, exactly as printed.
pub const VENDOR_200: &str = include_str!("../fixtures/vendor_200.json");

/// The same record as PHP's `json_encode` sends it: `\u00fc`, `\/` and a
/// surrogate pair.
pub const PHP_200: &str = include_str!("../fixtures/php_200.json");

/// The 401 the server answers a request without `Authorization` with.
pub const CHALLENGE_RESPONSE: &[u8] = b"HTTP/1.1 401 Unauthorized\r\n\
WWW-Authenticate: Digest realm=\"minted-sandbox\", nonce=\"cCQIM85hBgA=2c1725d8d76fc65ebf58294420e825aefc2c91a4\", algorithm=SHA-256, qop=\"auth\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\r\n\
Content-Type: application/json\r\n\
Content-Length: 2\r\n\r\n{}";

/// The 200 with the PHP-escaped record, chunked as the vendor's nginx sends it.
pub fn accepted_response() -> Vec<u8> {
    let mut bytes = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
Transfer-Encoding: chunked\r\n\r\n"
        .to_vec();
    bytes.extend_from_slice(format!("{:x}\r\n", PHP_200.len()).as_bytes());
    bytes.extend_from_slice(PHP_200.as_bytes());
    bytes.extend_from_slice(b"\r\n0\r\n\r\n");
    bytes
}

/// xorshift64: a test cnonce source.
#[derive(Debug)]
pub struct Xorshift(pub u64);

impl CnonceSource for Xorshift {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *byte = self.0 as u8;
        }
    }
}

/// Every buffer the caller of the flow owns (about 14 KiB): the call's
/// request buffers, the digest session, the wire out, the read buffer, the
/// head scratch, the body and `Authorization` buffers of the single steps,
/// and the canned 200.
pub struct FlowBuffers {
    pub call: CallBuffers,
    pub session: DigestSession,
    pub wire: [u8; 4096],
    pub read: [u8; 4096],
    pub head_scratch: [u8; 1024],
    pub body: [u8; MAX_UPDATE_BODY_LEN],
    pub authorization: [u8; MAX_AUTHORIZATION_LEN],
    pub accepted: Vec<u8>,
    pub update: Option<CustomerUpdate>,
    pub customer: Customer,
}

impl FlowBuffers {
    /// Boxed: the tests keep the buffers off the stack they measure.
    pub fn boxed() -> Box<Self> {
        Box::new(FlowBuffers {
            call: CallBuffers::new(),
            session: DigestSession::new(),
            wire: [0; 4096],
            read: [0; 4096],
            head_scratch: [0; 1024],
            body: [0; MAX_UPDATE_BODY_LEN],
            authorization: [0; MAX_AUTHORIZATION_LEN],
            accepted: accepted_response(),
            // The slot validation writes into; its contents are replaced.
            update: CustomerUpdate::validate(&INPUT, ValidationProfile::Lenient).ok(),
            customer: Customer::new(),
        })
    }
}

/// Validation of the vendor's example into `CustomerUpdate` (kept in the
/// caller's buffers).
#[inline(never)]
pub fn validate(buffers: &mut FlowBuffers) {
    // Into the caller's body, as a kiosk keeps it (in a static): the body
    // never travels through the stack.
    let slot = buffers.update.as_mut().expect("a body slot");
    CustomerUpdate::validate_into(black_box(&INPUT), ValidationProfile::Lenient, slot)
        .expect("the example is valid");
}

/// The PATCH body of the validated update; its length.
#[inline(never)]
pub fn encode(buffers: &mut FlowBuffers) -> usize {
    let update = buffers.update.as_ref().expect("validate first");
    encode_update(update, &mut buffers.body).expect("the buffer holds any body")
}

/// A 200 body decoded into the record, in the caller's slot (as the call
/// driver decodes into its `CallBuffers`).
#[inline(never)]
pub fn decode(body: &str, out: &mut Customer) -> usize {
    decode_customer_response_into(200, black_box(body.as_bytes()), None, out)
        .expect("the 200 decodes");
    out.external_id.as_deref().map_or(0, str::len)
}

/// A fresh session parses `challenge`, accepts it and authorizes one PATCH;
/// the `Authorization` length.
#[inline(never)]
pub fn digest(buffers: &mut FlowBuffers, challenge: &str) -> usize {
    let FlowBuffers {
        session,
        authorization,
        body,
        ..
    } = buffers;
    *session = DigestSession::new();
    let mut rng = Xorshift(0x9e37_79b9_7f4a_7c15);
    let parsed = find_digest_challenge([black_box(challenge)]).expect("a digest challenge");
    session
        .accept_challenge(&parsed, &mut rng)
        .expect("the challenge is usable");
    session
        .authorize(
            &Credentials::new("partner", "s3cret"),
            "PATCH",
            "/partner/customer/MTD0018232",
            &body[..100],
            &mut rng,
            authorization,
        )
        .expect("the Authorization fits")
}

/// The 422 the vendor's Laravel answers a refused update with.
pub const REFUSED_RESPONSE: &[u8] = b"HTTP/1.1 422 Unprocessable Content\r\n\
Content-Type: application/json\r\n\
Content-Length: 190\r\n\r\n\
{\"message\":\"The email field must be a valid email address. (and 1 more error)\",\
\"errors\":{\"email\":[\"The email field must be a valid email address.\"],\
\"phone\":[\"The phone field is required.\"]}}";

/// One exchange through the codec: the call's request written into `wire`,
/// the canned `reply` read into `read`, the call's decision.
fn exchange(
    call: &mut Call<'_>,
    rng: &mut Xorshift,
    reply: &[u8],
    wire: &mut [u8],
    read: &mut [u8],
    head_scratch: &mut [u8],
) -> Result<Step, CallError> {
    {
        let request = call.request(rng).expect("in order");
        let head = RequestHead {
            method: request.method.as_str(),
            target: request.path,
            host: "api.staging.mintedconnect.com",
            headers: &request.headers,
        };
        let mut out: &mut [u8] = wire;
        write_request(&mut out, &head, request.body, head_scratch).expect("the wire holds it");
    }
    let mut input: &[u8] = black_box(reply);
    let response = read_response(&mut input, read, Limits::default()).expect("a response");
    let mut challenges = [""; 2];
    call.response(&Response::from_http(&response, &mut challenges), rng)
}

/// The whole update as a kiosk runs it: validate, then one [`Call`]
/// (encode) → request without `Authorization` → 401 challenge → request
/// with the digest `Authorization` → 200 decoded. Returns the record's
/// `external_id` length.
#[inline(never)]
pub fn update_flow(buffers: &mut FlowBuffers) -> usize {
    run_update(buffers, false, |call, result| match result {
        Ok(Step::Done(Outcome::Customer)) => {
            assert_eq!(call.requests_made(), 2);
            call.customer().external_id.as_deref().map_or(0, str::len)
        }
        other => panic!("expected the record, got {other:?}"),
    })
}

/// The same update refused: 401 challenge → digest → 422, whose details
/// the call reads into its buffers. Returns how many field messages it
/// kept.
#[inline(never)]
pub fn refused_flow(buffers: &mut FlowBuffers) -> usize {
    run_update(buffers, true, |call, result| match result {
        Err(CallError::Api(ApiError::Invalid)) => {
            let details = call.invalid_details();
            assert_eq!(details.fields.len(), 2);
            details.fields.len()
        }
        other => panic!("expected a 422, got {other:?}"),
    })
}

/// Validate, start the call, answer its first request with the 401 and the
/// second with the 200 (or the 422 when `refuse`), and hand the call and
/// its last result to `check`.
fn run_update(
    buffers: &mut FlowBuffers,
    refuse: bool,
    check: impl FnOnce(&Call<'_>, Result<Step, CallError>) -> usize,
) -> usize {
    validate(buffers);
    let FlowBuffers {
        call,
        session,
        wire,
        read,
        head_scratch,
        accepted,
        update,
        ..
    } = buffers;
    *session = DigestSession::new();
    let update = update.as_ref().expect("validated");
    let settings = RequestSettings::new();
    let mut rng = Xorshift(0x2545_f491_4f6c_dd1d);
    let mut call = Call::new(
        Operation::Update {
            id: black_box(ID),
            customer: update,
        },
        &settings,
        Authentication::Digest(Credentials::new("partner", "s3cret")),
        session,
        RetryPolicy::new(),
        call,
    )
    .expect("the call starts");
    match exchange(
        &mut call,
        &mut rng,
        CHALLENGE_RESPONSE,
        wire,
        read,
        head_scratch,
    ) {
        Ok(Step::SendAgain { delay_ms: 0 }) => {}
        other => panic!("expected a resend after the challenge, got {other:?}"),
    }
    let reply: &[u8] = if refuse { REFUSED_RESPONSE } else { accepted };
    let result = exchange(&mut call, &mut rng, reply, wire, read, head_scratch);
    check(&call, result)
}
