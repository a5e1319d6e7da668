//! Update one customer from a desktop or server program with
//! `minted-connect-std`.
//!
//! ```sh
//! cargo run -p minted-connect-examples --example update_customer
//! ```
//!
//! With `MINTED_BASE_URL` (and `MINTED_USERNAME` / `MINTED_PASSWORD`) set it
//! talks to that server; otherwise it starts the local sandbox in-process and
//! uses its demo credentials, so it runs anywhere without an account.
#![forbid(unsafe_code)]

use std::error::Error;

use minted_connect_std::{Client, Config, Credentials, CustomerInput};
use minted_connect_tests::sandbox::Sandbox;

fn main() -> Result<(), Box<dyn Error>> {
    // 1. Configure: the base URL and the digest credentials. Everything else
    //    (x-client-id "web", Accept-Language "tr", timeouts, retries) has a
    //    documented default on `Config`.
    let (mut config, _sandbox) = match std::env::var("MINTED_BASE_URL") {
        Ok(base_url) => {
            let mut config = Config::new(base_url);
            config.credentials = Credentials::digest(
                std::env::var("MINTED_USERNAME")?,
                std::env::var("MINTED_PASSWORD")?,
            );
            (config, None)
        }
        Err(_) => {
            let sandbox = Sandbox::start_default()?;
            println!("using the local sandbox at {}", sandbox.base_url());
            let mut config = Config::new(sandbox.base_url());
            config.credentials = Credentials::digest(sandbox.username(), sandbox.password());
            (config, Some(sandbox))
        }
    };
    config.accept_language = "en".to_owned();
    let client = Client::new(config)?;

    // 2. The fields, as the user typed them. `update_input` trims and
    //    validates them (every failing field is reported, nothing is sent on
    //    failure), then sends the PATCH.
    let input = CustomerInput {
        firstname: Some("Mehmet"),
        lastname: Some("Gülbilge"),
        fullname: Some("Mehmet Gülbilge"),
        email: Some("mehmet.gulbilge@example.com"),
        phone: Some("+90 532 280 80 35"),
        gender: Some("M"),
        identity_number: Some("12345677938"),
        birthdate: Some("1970-01-31"),
        ..CustomerInput::default()
    };
    match client.update_input("MTD0018232", &input) {
        Ok(customer) => {
            // `Debug` masks the identity number, e-mail, phone and birth date.
            println!("updated: {customer:?}");
            println!(
                "{} request(s) sent (the first one answers the digest challenge)",
                client.requests_sent()
            );
        }
        Err(error) if error.is_not_found() => println!("no such customer"),
        Err(error) => {
            // One line that says what to do; never the values.
            eprintln!("update failed: {error}");
            return Err(error.into());
        }
    }

    // 3. Later calls reuse the digest session: one request each.
    let before = client.requests_sent();
    let customer = client.get("MTD0018232")?;
    println!(
        "fetched {} with {} more request(s)",
        customer.external_id.as_deref().unwrap_or("?"),
        client.requests_sent() - before
    );
    Ok(())
}

#[test]
fn runs_against_the_sandbox() {
    // Only against the in-process sandbox, never a configured server.
    if std::env::var_os("MINTED_BASE_URL").is_none() {
        main().expect("the example runs");
    }
}
