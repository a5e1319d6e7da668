//! The core's JSON and digest costs, side by side with serde_json and
//! serde-json-core on the same inputs (see `BENCHMARKS.md`).
//!
//! - `encode_update`: the vendor's example update body — validate + encode
//!   (also with `validate_into` into a reused caller-owned body, and encode
//!   alone) against serde_json `to_writer` into a reused `Vec` and
//!   serde-json-core `to_slice`, both serializing an already-built struct
//!   of borrowed strings (they check nothing).
//! - `decode_200`: the vendor's 200 response, as printed in the docs and as
//!   PHP's `json_encode` sends it (`\u00fc`, `\/`, a surrogate pair) —
//!   `decode_customer_response` against serde_json `from_slice` into
//!   `String` fields and serde-json-core `from_slice_escaped` into
//!   `heapless::String` fields of the core's capacities.
//! - `digest`: one `Authorization` value for a request (qop=auth), MD5 and
//!   SHA-256, on a session that already holds the challenge; and the first
//!   request of a session (parse the challenge, accept it, authorize).
//!
//! Run: `cargo bench -p minted-connect-core --bench codec`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use minted_connect_core::auth::MAX_AUTHORIZATION_LEN;
use minted_connect_core::auth::{CnonceSource, Credentials, DigestSession, find_digest_challenge};
use minted_connect_core::json::{
    MAX_UPDATE_BODY_LEN, decode_customer_response, decode_customer_response_into, encode_update,
};
use minted_connect_core::model::{
    Customer, CustomerUpdate, EMAIL_CAPACITY, EXTERNAL_CUSTOMER_ID_CAPACITY, FULLNAME_CAPACITY,
    GENDER_TEXT_CAPACITY, IDENTITY_NUMBER_CAPACITY, NAME_CAPACITY, PHONE_CAPACITY,
};
use minted_connect_core::validate::{CustomerInput, ValidationProfile};
use serde::{Deserialize, Serialize};

/// The vendor's example update (its e-mail is hidden on the page; any valid
/// address stands in).
const INPUT: CustomerInput<'static> = CustomerInput {
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

/// The same body for serde: borrowed strings, absent options left out.
#[derive(Serialize)]
struct UpdateBody<'a> {
    firstname: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    middlename: Option<&'a str>,
    lastname: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fullname: Option<&'a str>,
    email: &'a str,
    phone: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    gender: Option<&'a str>,
    identity_number: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    birthdate: Option<&'a str>,
}

const BODY: UpdateBody<'static> = UpdateBody {
    firstname: "Mehmet",
    middlename: None,
    lastname: "Gülbilge",
    fullname: Some("Mehmet Gülbilge"),
    email: "mehmet.gulbilge@example.com",
    phone: "+90 532 280 80 35",
    gender: Some("M"),
    identity_number: "12345677938",
    birthdate: Some("1970-01-31"),
};

/// The vendor's documented 200 response, exactly as printed.
const VENDOR_200: &str = include_str!("../tests/fixtures/vendor_200.json");

/// The same record as PHP's `json_encode` sends it: compact, non-ASCII as
/// `\uXXXX` (a surrogate pair beyond the BMP), `/` as `\/`.
const PHP_200: &str = include_str!("../tests/fixtures/php_200.json");

/// `PHP_200` for serde-json-core, which rejects surrogate pairs: the emoji
/// is replaced by a BMP escape of the same length (`\u263a\u263a`).
fn php_200_bmp() -> String {
    let bmp = PHP_200.replace(r"\ud83d\ude00", r"\u263a\u263a");
    assert_eq!(bmp.len(), PHP_200.len());
    assert_ne!(bmp, PHP_200);
    bmp
}

/// The envelope for serde_json: every text an owned `String`.
#[derive(Deserialize)]
#[allow(dead_code)]
struct StdEnvelope {
    data: Option<StdRecord>,
    success: Option<bool>,
    code: Option<i64>,
    message: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct StdRecord {
    id: Option<u64>,
    external_id: Option<String>,
    company_id: Option<u64>,
    user_id: Option<u64>,
    firstname: Option<String>,
    middlename: Option<String>,
    lastname: Option<String>,
    fullname: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    gender: Option<String>,
    identity_number: Option<String>,
    birthdate: Option<String>,
    created_at: Option<String>,
    updated_at: Option<String>,
}

type HString<const N: usize> = heapless::String<N>;

/// The envelope for serde-json-core: `heapless::String`s of the core's
/// capacities.
#[derive(Deserialize)]
#[allow(dead_code)]
struct CoreEnvelope {
    data: Option<CoreRecord>,
    success: Option<bool>,
    code: Option<i64>,
    message: Option<HString<256>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct CoreRecord {
    id: Option<u64>,
    external_id: Option<HString<EXTERNAL_CUSTOMER_ID_CAPACITY>>,
    company_id: Option<u64>,
    user_id: Option<u64>,
    firstname: Option<HString<NAME_CAPACITY>>,
    middlename: Option<HString<NAME_CAPACITY>>,
    lastname: Option<HString<NAME_CAPACITY>>,
    fullname: Option<HString<FULLNAME_CAPACITY>>,
    email: Option<HString<EMAIL_CAPACITY>>,
    phone: Option<HString<PHONE_CAPACITY>>,
    gender: Option<HString<GENDER_TEXT_CAPACITY>>,
    identity_number: Option<HString<IDENTITY_NUMBER_CAPACITY>>,
    birthdate: Option<HString<10>>,
    created_at: Option<HString<19>>,
    updated_at: Option<HString<19>>,
}

// Each contender is one named function that is never inlined, so that
// `valgrind --tool=callgrind` can count its instructions per call (the
// machine-independent figure in BENCHMARKS.md); the call costs the same
// couple of nanoseconds for every contender.

#[inline(never)]
fn minted_validate_encode(input: &CustomerInput<'_>, out: &mut [u8]) -> usize {
    let update = CustomerUpdate::validate(input, ValidationProfile::Lenient).unwrap();
    encode_update(&update, out).unwrap()
}

#[inline(never)]
fn minted_validate_into_encode(
    input: &CustomerInput<'_>,
    slot: &mut CustomerUpdate,
    out: &mut [u8],
) -> usize {
    CustomerUpdate::validate_into(input, ValidationProfile::Lenient, slot).unwrap();
    encode_update(slot, out).unwrap()
}

#[inline(never)]
fn minted_validate(input: &CustomerInput<'_>) -> CustomerUpdate {
    CustomerUpdate::validate(input, ValidationProfile::Lenient).unwrap()
}

#[inline(never)]
fn minted_encode(update: &CustomerUpdate, out: &mut [u8]) -> usize {
    encode_update(update, out).unwrap()
}

#[inline(never)]
fn serde_json_to_writer(body: &UpdateBody<'_>, reused: &mut Vec<u8>) -> usize {
    reused.clear();
    serde_json::to_writer(&mut *reused, body).unwrap();
    reused.len()
}

#[inline(never)]
fn serde_json_core_to_slice(body: &UpdateBody<'_>, out: &mut [u8]) -> usize {
    serde_json_core::to_slice(body, out).unwrap()
}

#[inline(never)]
fn minted_decode(body: &[u8]) -> Customer {
    decode_customer_response(200, body, None).unwrap()
}

/// What a kiosk and the call driver run: into a record that stays put.
#[inline(never)]
fn minted_decode_into(body: &[u8], out: &mut Customer) {
    decode_customer_response_into(200, body, None, out).unwrap()
}

#[inline(never)]
fn serde_json_from_slice(body: &[u8]) -> StdEnvelope {
    serde_json::from_slice(body).unwrap()
}

#[inline(never)]
fn serde_json_core_from_slice_escaped(body: &[u8], scratch: &mut [u8]) -> CoreEnvelope {
    serde_json_core::from_slice_escaped(body, scratch)
        .unwrap()
        .0
}

fn encode(c: &mut Criterion) {
    let update = CustomerUpdate::validate(&INPUT, ValidationProfile::Lenient).unwrap();
    let mut buf = [0u8; MAX_UPDATE_BODY_LEN];
    let len = encode_update(&update, &mut buf).unwrap();
    // Every contender writes the same bytes.
    let mut reused = Vec::with_capacity(512);
    serde_json::to_writer(&mut reused, &BODY).unwrap();
    assert_eq!(reused, &buf[..len]);
    let core_len = serde_json_core::to_slice(&BODY, &mut buf).unwrap();
    assert_eq!(&buf[..core_len], &reused[..]);
    // The body slot `validate_into` fills, reused across iterations (as a
    // kiosk would keep one); it starts out holding another customer.
    let other = CustomerInput {
        firstname: Some("Ahmet"),
        ..INPUT
    };
    let mut slot = CustomerUpdate::validate(&other, ValidationProfile::Lenient).unwrap();
    let into_len = minted_validate_into_encode(&INPUT, &mut slot, &mut buf);
    assert_eq!(&buf[..into_len], &reused[..]);

    let mut group = c.benchmark_group("encode_update");
    group.bench_function("minted_validate_encode", |b| {
        b.iter(|| minted_validate_encode(black_box(&INPUT), black_box(&mut buf)))
    });
    group.bench_function("minted_validate_into_encode", |b| {
        b.iter(|| {
            minted_validate_into_encode(
                black_box(&INPUT),
                black_box(&mut slot),
                black_box(&mut buf),
            )
        })
    });
    group.bench_function("minted_encode", |b| {
        b.iter(|| minted_encode(black_box(&update), black_box(&mut buf)))
    });
    group.bench_function("minted_validate", |b| {
        b.iter(|| minted_validate(black_box(&INPUT)))
    });
    group.bench_function("serde_json_to_writer", |b| {
        b.iter(|| serde_json_to_writer(black_box(&BODY), &mut reused))
    });
    group.bench_function("serde_json_core_to_slice", |b| {
        b.iter(|| serde_json_core_to_slice(black_box(&BODY), black_box(&mut buf)))
    });
    group.finish();
}

fn decode(c: &mut Criterion) {
    // Every contender reads the same values.
    for body in [VENDOR_200, PHP_200] {
        let ours = minted_decode(body.as_bytes());
        let data = serde_json_from_slice(body.as_bytes()).data.unwrap();
        assert_eq!(ours.fullname.as_deref(), data.fullname.as_deref());
        assert_eq!(ours.lastname.as_deref(), Some("Gülbilge"));
    }
    let mut scratch = [0u8; 512];
    assert!(
        serde_json_core::from_slice_escaped::<CoreEnvelope>(PHP_200.as_bytes(), &mut scratch)
            .is_err(),
        "serde-json-core 0.7 rejects surrogate pairs"
    );
    let php_bmp = php_200_bmp();
    for body in [VENDOR_200, php_bmp.as_str()] {
        let envelope = serde_json_core_from_slice_escaped(body.as_bytes(), &mut scratch);
        assert_eq!(envelope.data.unwrap().lastname.as_deref(), Some("Gülbilge"));
    }

    let mut group = c.benchmark_group("decode_200");
    let inputs = [
        ("vendor", VENDOR_200, VENDOR_200),
        ("php", PHP_200, php_bmp.as_str()),
    ];
    for (name, body, body_for_core) in inputs {
        let body = body.as_bytes();
        group.bench_with_input(BenchmarkId::new("minted", name), body, |b, body| {
            b.iter(|| minted_decode(black_box(body)))
        });
        let mut record = Customer::new();
        group.bench_with_input(BenchmarkId::new("minted_into", name), body, |b, body| {
            b.iter(|| minted_decode_into(black_box(body), &mut record))
        });
        group.bench_with_input(
            BenchmarkId::new("serde_json_from_slice", name),
            body,
            |b, body| b.iter(|| serde_json_from_slice(black_box(body))),
        );
        group.bench_with_input(
            BenchmarkId::new("serde_json_core_from_slice_escaped", name),
            body_for_core.as_bytes(),
            |b, body| b.iter(|| serde_json_core_from_slice_escaped(black_box(body), &mut scratch)),
        );
    }
    group.finish();
}

/// A xorshift cnonce source (the benches measure hashing, not entropy).
struct Xorshift(u64);

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

/// The sandbox's challenge with `algorithm` named.
fn challenge(algorithm: &str) -> String {
    format!(
        "Digest realm=\"minted-sandbox\", \
         nonce=\"cCQIM85hBgA=2c1725d8d76fc65ebf58294420e825aefc2c91a4\", \
         algorithm={algorithm}, qop=\"auth\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""
    )
}

/// What one request's `Authorization` needs besides the session.
struct DigestRequest<'a> {
    credentials: Credentials<'a>,
    uri: &'a str,
    body: &'a [u8],
}

#[inline(never)]
fn minted_authorize(
    session: &mut DigestSession,
    request: &DigestRequest<'_>,
    rng: &mut Xorshift,
    out: &mut [u8],
) -> usize {
    session
        .authorize(
            &request.credentials,
            "PATCH",
            request.uri,
            request.body,
            rng,
            out,
        )
        .unwrap()
}

#[inline(never)]
fn minted_challenge_and_authorize(
    header: &str,
    request: &DigestRequest<'_>,
    rng: &mut Xorshift,
    out: &mut [u8],
) -> usize {
    let mut session = DigestSession::new();
    let parsed = find_digest_challenge([header]).unwrap();
    session.accept_challenge(&parsed, rng).unwrap();
    minted_authorize(&mut session, request, rng, out)
}

fn digest(c: &mut Criterion) {
    let update = CustomerUpdate::validate(&INPUT, ValidationProfile::Lenient).unwrap();
    let mut body = [0u8; MAX_UPDATE_BODY_LEN];
    let body_len = encode_update(&update, &mut body).unwrap();
    let request = DigestRequest {
        credentials: Credentials::new("partner", "s3cret"),
        uri: "/partner/customer/MTD0018232",
        body: &body[..body_len],
    };
    let mut rng = Xorshift(0x9e37_79b9_7f4a_7c15);
    let mut out = [0u8; MAX_AUTHORIZATION_LEN];

    let mut group = c.benchmark_group("digest");
    for (name, algorithm) in [("md5", "MD5"), ("sha256", "SHA-256")] {
        let header = challenge(algorithm);
        let mut session = DigestSession::new();
        let parsed = find_digest_challenge([header.as_str()]).unwrap();
        session.accept_challenge(&parsed, &mut rng).unwrap();
        let len = minted_authorize(&mut session, &request, &mut rng, &mut out);
        assert!(out[..len].starts_with(b"Digest "));

        group.bench_function(BenchmarkId::new("authorize", name), |b| {
            b.iter(|| minted_authorize(&mut session, black_box(&request), &mut rng, &mut out))
        });
        group.bench_function(BenchmarkId::new("challenge_and_authorize", name), |b| {
            b.iter(|| {
                minted_challenge_and_authorize(
                    black_box(&header),
                    black_box(&request),
                    &mut rng,
                    &mut out,
                )
            })
        });
    }
    group.finish();
}

/// Paired timing for `iter_custom`: ours and theirs alternate in batches
/// of 16, and both batches are timed. Criterion gets the side its function
/// is named after; both sides are also summed here over every batch
/// (warm-up included) of the group's two functions, so [`PairTotals::print`]
/// compares the contenders over the very same batches. Criterion's two
/// medians come from two windows seconds apart, and this machine drifts
/// between windows by several per cent.
#[derive(Default)]
struct PairTotals {
    ours: Duration,
    theirs: Duration,
    operations: u64,
}

impl PairTotals {
    fn run(
        &mut self,
        iters: u64,
        report_ours: bool,
        mut ours: impl FnMut(),
        mut theirs: impl FnMut(),
    ) -> Duration {
        const BATCH: u64 = 16;
        let mut reported = Duration::ZERO;
        let mut left = iters;
        while left > 0 {
            let n = left.min(BATCH);
            // The reported side runs first in each batch, so over the two
            // functions each contender runs first half of the time (which
            // one goes first moves the times by a few per cent).
            let start = Instant::now();
            for _ in 0..n {
                if report_ours { ours() } else { theirs() }
            }
            let between = Instant::now();
            for _ in 0..n {
                if report_ours { theirs() } else { ours() }
            }
            let end = Instant::now();
            let (first, second) = (between - start, end - between);
            let (ours_time, theirs_time) = if report_ours {
                (first, second)
            } else {
                (second, first)
            };
            self.ours += ours_time;
            self.theirs += theirs_time;
            reported += first;
            left -= n;
        }
        self.operations += iters;
        reported
    }

    /// Prints both means and their ratio over the same batches.
    fn print(&self, group: &str) {
        let n = self.operations.max(1) as f64;
        println!(
            "{group}, same {} operations each: ours {:.1} ns, theirs {:.1} ns, ratio {:.3}",
            self.operations,
            self.ours.as_secs_f64() * 1e9 / n,
            self.theirs.as_secs_f64() * 1e9 / n,
            self.ours.as_secs_f64() / self.theirs.as_secs_f64().max(f64::MIN_POSITIVE),
        );
    }
}

/// The targets' comparisons, paired (see [`PairTotals`]): validate + encode
/// against serde_json `to_writer`, and the decode into a reused record
/// against serde_json `from_slice`.
fn paired_groups(c: &mut Criterion) {
    let mut slot = CustomerUpdate::validate(&INPUT, ValidationProfile::Lenient).unwrap();
    let mut buf = [0u8; MAX_UPDATE_BODY_LEN];
    let mut reused = Vec::with_capacity(512);
    let mut group = c.benchmark_group("encode_update_paired");
    let mut totals = PairTotals::default();
    for (name, report_ours) in [
        ("minted_validate_into_encode", true),
        ("serde_json_to_writer", false),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                totals.run(
                    iters,
                    report_ours,
                    || {
                        black_box(minted_validate_into_encode(
                            black_box(&INPUT),
                            black_box(&mut slot),
                            black_box(&mut buf),
                        ));
                    },
                    || {
                        black_box(serde_json_to_writer(black_box(&BODY), &mut reused));
                    },
                )
            })
        });
    }
    group.finish();
    totals.print("encode_update_paired (validate_into + encode / to_writer)");

    let mut group = c.benchmark_group("decode_200_paired");
    for (name, body) in [("vendor", VENDOR_200), ("php", PHP_200)] {
        let body = body.as_bytes();
        let mut record = Customer::new();
        let mut totals = PairTotals::default();
        for (contender, report_ours) in [("minted_into", true), ("serde_json_from_slice", false)] {
            group.bench_function(BenchmarkId::new(contender, name), |b| {
                b.iter_custom(|iters| {
                    totals.run(
                        iters,
                        report_ours,
                        || minted_decode_into(black_box(body), &mut record),
                        || drop(black_box(serde_json_from_slice(black_box(body)))),
                    )
                })
            });
        }
        totals.print(&format!(
            "decode_200_paired/{name} (minted_into / from_slice)"
        ));
    }
    group.finish();
}

criterion_group!(benches, encode, decode, digest, paired_groups);
criterion_main!(benches);
