//! `size_of` of every public model and of the call and session state, with
//! generous upper bounds so that a field that grows a type by kilobytes is
//! noticed. Print them with
//! `cargo test --release -p minted-connect-core --test sizes -- --nocapture`
//! (the figures are the same in debug and release; `BENCHMARKS.md` lists
//! them).

use std::mem::size_of;

use minted_connect_core::auth::{Credentials, DigestChallenge, DigestSession};
use minted_connect_core::call::{
    Authentication, Call, CallBuffers, CallError, Operation, Outcome, Request, Response,
    RetryPolicy, Step,
};
use minted_connect_core::gateway::GatewayBuffers;
use minted_connect_core::http::{ChunkedDecoder, Limits, ResponseHead};
use minted_connect_core::json::{ApiError, DecodeError, InvalidDetails};
use minted_connect_core::model::{
    Customer, CustomerCreate, CustomerUpdate, Date, Gender, Timestamp,
};
use minted_connect_core::request::RequestSettings;
use minted_connect_core::validate::{CreateInput, CustomerInput, ValidationErrors};

/// Prints `size_of::<T>()` and checks it against `bound`; returns whether
/// it is within.
fn size<T>(name: &str, bound: usize) -> bool {
    let size = size_of::<T>();
    println!("{name:<28} {size:>6} bytes (bound {bound})");
    size <= bound
}

#[test]
fn sizes_stay_within_their_bounds() {
    let within = [
        // The models.
        size::<CustomerUpdate>("CustomerUpdate", 4 * 1024),
        size::<CustomerCreate>("CustomerCreate", 4 * 1024),
        size::<Customer>("Customer", 5 * 1024),
        size::<CustomerInput<'_>>("CustomerInput", 256),
        size::<CreateInput<'_>>("CreateInput", 256),
        size::<Date>("Date", 8),
        size::<Timestamp>("Timestamp", 32),
        size::<Gender>("Gender", 1),
        size::<ValidationErrors>("ValidationErrors", 256),
        // Results and errors carried by value.
        size::<DecodeError>("DecodeError", 32),
        size::<InvalidDetails>("InvalidDetails", 3 * 1024),
        // Small: a 422's details stay in the call's buffers, out of every
        // `Result` frame.
        size::<ApiError>("ApiError", 256),
        size::<CallError>("CallError", 256),
        size::<Outcome>("Outcome", 5 * 1024),
        size::<Step>("Step", 5 * 1024),
        // Digest.
        size::<Credentials<'_>>("Credentials", 64),
        size::<DigestChallenge<'_>>("DigestChallenge", 256),
        size::<DigestSession>("DigestSession", 1024),
        // The call and the transports' shared state.
        size::<RequestSettings<'_>>("RequestSettings", 128),
        size::<RetryPolicy>("RetryPolicy", 32),
        size::<Authentication<'_>>("Authentication", 64),
        size::<Operation<'_>>("Operation", 64),
        size::<CallBuffers>("CallBuffers", 12 * 1024),
        size::<Call<'_>>("Call", 256),
        size::<Request<'_>>("Request", 512),
        size::<Response<'_>>("Response", 128),
        size::<GatewayBuffers>("GatewayBuffers", 16 * 1024),
        // The HTTP codec.
        size::<ResponseHead>("http::ResponseHead", 1024),
        size::<minted_connect_core::http::Response<'_>>("http::Response", 1024),
        size::<ChunkedDecoder>("http::ChunkedDecoder", 64),
        size::<Limits>("http::Limits", 32),
    ];
    assert!(within.iter().all(|&ok| ok), "a type outgrew its bound");
}
