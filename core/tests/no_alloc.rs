//! The core allocates nothing: allocation-counter's global allocator
//! counts the allocations of this thread while each step runs —
//! validation, encode, decode (the vendor's 200 and its PHP-escaped form),
//! digest (challenge parse + authorize, MD5 and SHA-256), and one whole
//! update through `call::Call` and the HTTP/1.1 codec over in-memory bytes
//! (request → 401 challenge → request → 200 decoded). The buffers are
//! allocated once, before counting, as a caller would own them.

#[path = "support/update_flow.rs"]
mod update_flow;

use update_flow::{CHALLENGE_MD5, CHALLENGE_SHA256, FlowBuffers, PHP_200, VENDOR_200};

/// The allocations `f` makes on this thread, and its result.
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
fn validation_and_encode_allocate_nothing() {
    let mut buffers = FlowBuffers::boxed();
    let ((), validate) = allocations_in(|| update_flow::validate(&mut buffers));
    let (len, encode) = allocations_in(|| update_flow::encode(&mut buffers));
    assert!(len > 100);
    assert_eq!([validate, encode], [0, 0], "validate, encode");
}

#[test]
fn decoding_allocates_nothing() {
    let mut customer = minted_connect_core::model::Customer::new();
    for (name, body) in [("vendor", VENDOR_200), ("php", PHP_200)] {
        let (len, n) = allocations_in(|| update_flow::decode(body, &mut customer));
        assert_eq!(len, "MTD0018232".len());
        assert_eq!(customer.external_id.as_deref(), Some("MTD0018232"));
        assert_eq!(n, 0, "decode of the {name} 200");
    }
}

#[test]
fn serde_json_allocates_for_the_same_body() {
    // The comparison of BENCHMARKS.md: serde_json into String fields.
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Envelope {
        data: Record,
        message: String,
    }
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Record {
        external_id: Option<String>,
        firstname: Option<String>,
        middlename: Option<String>,
        lastname: Option<String>,
        fullname: Option<String>,
        email: Option<String>,
        phone: Option<String>,
        identity_number: Option<String>,
        created_at: Option<String>,
        updated_at: Option<String>,
    }
    let (envelope, n) =
        allocations_in(|| serde_json::from_str::<Envelope>(VENDOR_200).expect("valid JSON"));
    assert_eq!(envelope.data.external_id.as_deref(), Some("MTD0018232"));
    println!("serde_json from_str of the vendor's 200 into String fields: {n} allocations");
    assert_eq!(n, 7, "one per non-empty string");
}

#[test]
fn digest_allocates_nothing() {
    let mut buffers = FlowBuffers::boxed();
    update_flow::validate(&mut buffers);
    update_flow::encode(&mut buffers);
    for challenge in [CHALLENGE_MD5, CHALLENGE_SHA256] {
        let (len, n) = allocations_in(|| update_flow::digest(&mut buffers, challenge));
        assert!(buffers.authorization[..len].starts_with(b"Digest "));
        assert_eq!(n, 0, "{challenge}");
    }
}

#[test]
fn a_whole_update_through_the_call_and_codec_allocates_nothing() {
    let mut buffers = FlowBuffers::boxed();
    // Once to warm up anything lazily initialised outside the core.
    update_flow::update_flow(&mut buffers);
    let (id_len, n) = allocations_in(|| update_flow::update_flow(&mut buffers));
    assert_eq!(id_len, "MTD0018232".len());
    assert_eq!(n, 0, "validate → call → 401 → digest → 200 → decode");
}

#[test]
fn a_refused_update_and_its_details_allocate_nothing() {
    let mut buffers = FlowBuffers::boxed();
    update_flow::refused_flow(&mut buffers);
    let (fields, n) = allocations_in(|| update_flow::refused_flow(&mut buffers));
    assert_eq!(fields, 2);
    assert_eq!(n, 0, "validate → call → 401 → digest → 422 → details");
}
