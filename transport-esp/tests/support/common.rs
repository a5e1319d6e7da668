//! What every transport test needs: a std cnonce source, a delay that
//! records its waits, and sample customers.
#![allow(dead_code)]

use std::hash::{BuildHasher, RandomState};

use minted_connect_core::model::{CustomerCreate, CustomerUpdate};
use minted_connect_core::validate::{CreateInput, CustomerInput, ValidationProfile};
use minted_connect_esp::{CnonceSource, Delay};

/// xorshift64*, seeded from std's per-process random hasher keys.
#[derive(Debug)]
pub struct StdRng(u64);

impl StdRng {
    /// A freshly seeded source.
    pub fn new() -> Self {
        StdRng(RandomState::new().hash_one(0x6d69_6e74_u64) | 1)
    }
}

impl CnonceSource for StdRng {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            *byte = (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8;
        }
    }
}

/// The most waits recorded.
pub const MAX_WAITS: usize = 16;

/// Records every wait without sleeping (the sandbox does not check the
/// client's timing), in a fixed array so that it never allocates.
#[derive(Debug, Default)]
pub struct RecordingDelay {
    waits: [u32; MAX_WAITS],
    count: usize,
}

impl RecordingDelay {
    /// The waits so far, in milliseconds.
    pub fn waits(&self) -> &[u32] {
        &self.waits[..self.count.min(MAX_WAITS)]
    }
}

impl Delay for RecordingDelay {
    fn delay_ms(&mut self, ms: u32) {
        if let Some(slot) = self.waits.get_mut(self.count) {
            *slot = ms;
        }
        self.count += 1;
    }
}

/// The vendor's example customer with every required field.
pub fn example_input() -> CustomerInput<'static> {
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

/// A validated update of the example customer.
pub fn example_update() -> CustomerUpdate {
    CustomerUpdate::validate(&example_input(), ValidationProfile::Lenient)
        .expect("the example customer is valid")
}

/// A validated create with its own id and e-mail.
pub fn new_customer(external_id: &'static str, email: &'static str) -> CustomerCreate {
    let input = CreateInput {
        external_id: Some(external_id),
        customer: CustomerInput {
            firstname: Some("Ayşe"),
            lastname: Some("Yılmaz"),
            email: Some(email),
            phone: Some("+90 532 111 22 33"),
            identity_number: Some("10000000146"),
            ..CustomerInput::default()
        },
    };
    CustomerCreate::validate(&input, ValidationProfile::Lenient).expect("a valid new customer")
}
