//! Footprint: the comparison — serde-json-core `to_slice` of the same
//! update body and `from_slice_escaped` of the same 200 into
//! `heapless::String` fields of the core's capacities (no validation).
#![no_std]
#![no_main]
// The entry point needs `#[unsafe(no_mangle)]`.
#![allow(unsafe_code)]

use core::hint::black_box;

use serde::{Deserialize, Serialize};

#[path = "../../footprint/common.rs"]
mod common;

type Text<const N: usize> = heapless::String<N>;

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

#[derive(Deserialize)]
struct Envelope {
    data: Option<Record>,
    success: Option<bool>,
    code: Option<i64>,
    message: Option<Text<256>>,
}

#[derive(Deserialize)]
struct Record {
    id: Option<u64>,
    external_id: Option<Text<440>>,
    company_id: Option<u64>,
    user_id: Option<u64>,
    firstname: Option<Text<160>>,
    middlename: Option<Text<160>>,
    lastname: Option<Text<160>>,
    fullname: Option<Text<1020>>,
    email: Option<Text<1020>>,
    phone: Option<Text<128>>,
    gender: Option<Text<16>>,
    identity_number: Option<Text<160>>,
    birthdate: Option<Text<10>>,
    created_at: Option<Text<19>>,
    updated_at: Option<Text<19>>,
}

fn run() -> Option<()> {
    let body = UpdateBody {
        firstname: black_box("Mehmet"),
        middlename: None,
        lastname: black_box("Gülbilge"),
        fullname: Some(black_box("Mehmet Gülbilge")),
        email: black_box("mehmet.gulbilge@example.com"),
        phone: black_box("+90 532 280 80 35"),
        gender: Some(black_box("M")),
        identity_number: black_box("12345677938"),
        birthdate: Some(black_box("1970-01-31")),
    };
    let mut out = [0u8; 2048];
    let len = serde_json_core::to_slice(&body, &mut out).ok()?;
    black_box(&out[..len]);
    let mut scratch = [0u8; 1024];
    let (envelope, _) =
        serde_json_core::from_slice_escaped::<Envelope>(black_box(common::RECORD), &mut scratch)
            .ok()?;
    let record = envelope.data?;
    black_box((
        envelope.success,
        envelope.code,
        envelope.message,
        record.id,
        record.company_id,
        record.user_id,
        record.firstname,
        record.middlename,
        record.lastname,
        record.fullname,
        record.email,
        record.phone,
        record.gender,
        record.identity_number,
        record.birthdate,
        record.created_at,
        record.updated_at,
    ));
    (record.external_id.as_deref() == Some("MTD0018232")).then_some(())
}

#[unsafe(no_mangle)]
extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    common::exit_code(run())
}
