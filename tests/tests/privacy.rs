//! Personal data and credentials never reach `Debug` (or `Display`) output:
//! every public type of the core and both transports that holds the example
//! customer's data, a password or a preset `Authorization` is formatted and
//! scanned for them — in text, and as the decimal byte lists `Debug` prints
//! for `&[u8]`.
//!
//! `defmt` output is not scanned here: a host test cannot install a `defmt`
//! global logger without `unsafe` (forbidden in every crate). The `defmt`
//! impls were reviewed instead (see `core/src/model/defmt.rs`): they print
//! the same masked wrappers as `Debug`.
#![forbid(unsafe_code)]

#[path = "../../transport-esp/tests/support/memory_connection.rs"]
#[allow(dead_code)]
mod memory_connection;

use std::fmt::Debug;

use memory_connection::{Canned, MemoryConnection};
use minted_connect_core::auth::{CnonceSource, Credentials, DigestSession};
use minted_connect_core::call::{
    Authentication, Call, CallBuffers, Delay, Operation, Response, RetryPolicy,
};
use minted_connect_core::json::decode_customer_response;
use minted_connect_core::model::{CustomerCreate, CustomerUpdate};
use minted_connect_core::request::RequestSettings;
use minted_connect_core::validate::{CreateInput, CustomerInput, ValidationProfile};
use minted_connect_esp::{ClientBuffers, ClientConfig, EspClient};
use minted_connect_tests::fault_server::CUSTOMER_BODY;
use minted_connect_tests::sandbox::{
    DEFAULT_PASSWORD, DEFAULT_USERNAME, EXAMPLE_CUSTOMER_ID, Sandbox, SandboxConfig,
    TURKISH_CUSTOMER_ID,
};

/// The example customer's identity number, e-mail, phone (as written and
/// as digits), birth date; the sandbox's password, a wrong password and a
/// preset `Authorization` value.
const SECRETS: [&str; 9] = [
    "12345677938",
    "mehmet.gulbilge@example.com",
    "+90 532 280 80 35",
    "905322808035",
    "5322808035",
    "1970-01-31",
    DEFAULT_PASSWORD,
    "wr0ng-pa55",
    "pr3set-t0ken",
];

const PRESET: &str = "Token pr3set-t0ken";

fn example_input() -> CustomerInput<'static> {
    CustomerInput {
        firstname: Some("Mehmet"),
        lastname: Some("Gülbilge"),
        fullname: Some("Mehmet Gülbilge"),
        email: Some("mehmet.gulbilge@example.com"),
        phone: Some("+90 532 280 80 35"),
        gender: Some("M"),
        identity_number: Some("12345677938"),
        birthdate: Some("1970-01-31"),
        ..CustomerInput::default()
    }
}

fn example_create_input() -> CreateInput<'static> {
    CreateInput {
        external_id: Some("MTD-NEW-0001"),
        customer: example_input(),
    }
}

/// Fails when `shown` holds a secret, as text or as a `Debug` byte list.
fn assert_clean(what: &str, shown: &str) {
    for secret in SECRETS {
        assert!(!shown.contains(secret), "{what} shows {secret:?}:\n{shown}");
        let bytes = format!("{:?}", secret.as_bytes());
        let bytes = bytes.trim_start_matches('[').trim_end_matches(']');
        assert!(
            !shown.contains(bytes),
            "{what} shows {secret:?} as bytes:\n{shown}"
        );
    }
}

fn assert_debug_clean(what: &str, value: &impl Debug) {
    assert_clean(what, &format!("{value:?}"));
    assert_clean(what, &format!("{value:#?}"));
}

struct Counter(u8);

impl CnonceSource for Counter {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest {
            self.0 = self.0.wrapping_add(1);
            *byte = self.0;
        }
    }
}

struct NoWait;

impl Delay for NoWait {
    fn delay_ms(&mut self, _: u32) {}
}

#[test]
fn core_models_mask_personal_data() {
    let update = CustomerUpdate::validate(&example_input(), ValidationProfile::Lenient).unwrap();
    assert_debug_clean("CustomerUpdate", &update);
    let create =
        CustomerCreate::validate(&example_create_input(), ValidationProfile::Lenient).unwrap();
    assert_debug_clean("CustomerCreate", &create);
    let customer = decode_customer_response(200, CUSTOMER_BODY.as_bytes(), None).unwrap();
    assert_eq!(customer.identity_number.as_deref(), Some("12345677938"));
    assert_debug_clean("Customer", &customer);
    // The masked tail is all that is left.
    assert!(format!("{customer:?}").contains("*******7938"));

    assert_debug_clean(
        "Operation::Update",
        &Operation::Update {
            id: EXAMPLE_CUSTOMER_ID,
            customer: &update,
        },
    );
    assert_debug_clean(
        "Operation::Create",
        &Operation::Create { customer: &create },
    );
}

/// The raw input the caller hands to validation is personal data too.
#[test]
fn core_inputs_mask_personal_data() {
    assert_debug_clean("CustomerInput", &example_input());
    assert_debug_clean("CreateInput", &example_create_input());
}

#[test]
fn core_credentials_hide_the_password() {
    let credentials = Credentials::new(DEFAULT_USERNAME, DEFAULT_PASSWORD);
    assert_debug_clean("Credentials", &credentials);
    assert_debug_clean(
        "Authentication::Digest",
        &Authentication::Digest(credentials),
    );
    assert_debug_clean("Authentication::Preset", &Authentication::Preset(PRESET));
}

#[test]
fn the_call_and_its_buffers_hide_what_they_carry() {
    let update = CustomerUpdate::validate(&example_input(), ValidationProfile::Lenient).unwrap();
    let settings = RequestSettings::new();
    let mut session = DigestSession::new();
    let mut buffers = CallBuffers::new();
    let mut call = Call::new(
        Operation::Update {
            id: EXAMPLE_CUSTOMER_ID,
            customer: &update,
        },
        &settings,
        Authentication::Preset(PRESET),
        &mut session,
        RetryPolicy::new(),
        &mut buffers,
    )
    .unwrap();
    assert_debug_clean("Call", &call);
    call.request(&mut Counter(0)).unwrap();
    assert_debug_clean("Call (sent)", &call);
    // The call's borrows end here: the buffers hold the encoded body.
    assert_debug_clean("CallBuffers", &buffers);
    assert_debug_clean("DigestSession", &session);
}

/// The request a transport sends: its `defmt` form shows only the method,
/// the path and sizes ("headers carry credentials and the body personal
/// data"); its `Debug` form must not show more.
#[test]
fn the_request_hides_its_authorization_and_body() {
    let update = CustomerUpdate::validate(&example_input(), ValidationProfile::Lenient).unwrap();
    let settings = RequestSettings::new();
    let mut session = DigestSession::new();
    let mut buffers = CallBuffers::new();
    let mut call = Call::new(
        Operation::Update {
            id: EXAMPLE_CUSTOMER_ID,
            customer: &update,
        },
        &settings,
        Authentication::Preset(PRESET),
        &mut session,
        RetryPolicy::new(),
        &mut buffers,
    )
    .unwrap();
    let request = call.request(&mut Counter(0)).unwrap();
    assert_debug_clean("call::Request", &request);
}

/// The response a transport hands in: its `defmt` form shows only the
/// status and sizes; its `Debug` form must not show the body.
#[test]
fn the_response_hides_its_body() {
    let response = Response::new(200, CUSTOMER_BODY.as_bytes());
    assert_debug_clean("call::Response", &response);
}

#[test]
fn the_desktop_types_hide_what_they_carry() {
    use minted_connect_std::{Client, Config, Credentials as StdCredentials, RetryPolicy};

    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let mut config = Config::new(sandbox.base_url());
    config.credentials = StdCredentials::digest(DEFAULT_USERNAME, DEFAULT_PASSWORD);
    config.retry_policy = RetryPolicy::none();
    assert_debug_clean("std Credentials", &config.credentials);
    assert_debug_clean("std Credentials::preset", &StdCredentials::preset(PRESET));
    assert_debug_clean("std Config", &config);
    let client = Client::new(config.clone()).unwrap();
    assert_debug_clean("std Client", &client);

    // Every error the example customer's data can run into.
    let mut errors = Vec::new();
    let invalid = CustomerInput {
        firstname: Some("Me"),
        email: Some("mehmet.gulbilge@example"),
        phone: Some("+90 532 280 80 35 35 35 35"),
        ..example_input()
    };
    errors.push(
        client
            .update_input(EXAMPLE_CUSTOMER_ID, &invalid)
            .unwrap_err(),
    );
    // The e-mail belongs to another customer: a 422 from the server.
    errors.push(
        client
            .update_input(TURKISH_CUSTOMER_ID, &example_input())
            .unwrap_err(),
    );
    errors.push(client.get("NO-SUCH-CUSTOMER").unwrap_err());
    errors.push(
        client
            .create_input(&CreateInput {
                external_id: Some(EXAMPLE_CUSTOMER_ID),
                ..example_create_input()
            })
            .unwrap_err(),
    );
    let mut wrong = config;
    wrong.credentials = StdCredentials::digest(DEFAULT_USERNAME, "wr0ng-pa55");
    let wrong = Client::new(wrong).unwrap();
    errors.push(
        wrong
            .update_input(EXAMPLE_CUSTOMER_ID, &example_input())
            .unwrap_err(),
    );
    assert_debug_clean("std Client after a rejected password", &wrong);

    for error in &errors {
        assert_debug_clean("std Error", error);
        assert_clean("std Error (Display)", &error.to_string());
    }
}

#[test]
fn the_kiosk_types_hide_what_they_carry() {
    static SCRIPT: [Canned; 2] = [
        Canned {
            status: 200,
            headers: &[],
            body: CUSTOMER_BODY.as_bytes(),
        },
        Canned {
            status: 422,
            headers: &[],
            body: br#"{"message":"The email has already been taken.","errors":{"email":["The email has already been taken."]},"data":[],"success":false,"code":422}"#,
        },
    ];
    let update = CustomerUpdate::validate(&example_input(), ValidationProfile::Lenient).unwrap();
    for authentication in [
        Authentication::Digest(Credentials::new(DEFAULT_USERNAME, DEFAULT_PASSWORD)),
        Authentication::Preset(PRESET),
    ] {
        let config = ClientConfig::new("https://api.staging.mintedconnect.com", authentication);
        assert_debug_clean("esp ClientConfig", &config);
        let mut buffers = Box::new(ClientBuffers::new());
        let mut response = vec![0; 4096];
        let mut client = EspClient::new(
            MemoryConnection::new(&SCRIPT),
            NoWait,
            Counter(0),
            config,
            &mut buffers,
            &mut response,
        )
        .unwrap();
        let customer = client.update(EXAMPLE_CUSTOMER_ID, &update).unwrap();
        assert_debug_clean("esp Customer", &customer);
        assert_debug_clean("EspClient", &client);
        let error = client.update(TURKISH_CUSTOMER_ID, &update).unwrap_err();
        assert_debug_clean("esp Error", &error);
        assert_clean("esp Error (Display)", &error.to_string());
        // The buffers still hold the last body and response.
        drop(client);
        assert_debug_clean("esp ClientBuffers", &buffers);
    }
}
