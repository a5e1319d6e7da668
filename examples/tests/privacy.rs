//! The `minted` binary's failures never print personal data or a
//! password: each failing case runs the built binary with the example
//! customer's data and scans everything it wrote (stdout and stderr) for
//! the identity number, the e-mail, the phone (as written and as digits),
//! the birth date and the passwords.
#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};

use minted_connect_tests::sandbox::{
    EXAMPLE_CUSTOMER_ID, Sandbox, SandboxConfig, SandboxHandle, TURKISH_CUSTOMER_ID,
};

const CUSTOMER_JSON: &str = "examples/data/customer.json";

const WRONG_PASSWORD: &str = "wr0ng-pa55";

/// What must never appear in the output of a failing run.
const SECRETS: [&str; 8] = [
    "12345677938",
    "mehmet.gulbilge@example.com",
    "+90 532 280 80 35",
    "905322808035",
    "5322808035",
    "1970-01-31",
    "s3cret",
    WRONG_PASSWORD,
];

/// The example customer's data as flags, with a first name that is too
/// short and an e-mail without a top-level domain.
const INVALID_FLAGS: [&str; 12] = [
    "--firstname",
    "Me",
    "--lastname",
    "Gülbilge",
    "--email",
    "mehmet.gulbilge@example",
    "--phone",
    "+90 532 280 80 35 35 35 35 35",
    "--identity-number",
    "12345677938",
    "--birthdate",
    "1970-01-31",
];

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

/// Runs `minted` with `args` and only the given `MINTED_*` variables;
/// checks that it failed and that nothing it wrote holds a secret.
fn assert_fails_cleanly(case: &str, args: &[&str], env: &[(&str, &str)]) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_minted"));
    command
        .args(args)
        .current_dir(workspace_root())
        .stdin(Stdio::null());
    for name in [
        "MINTED_BASE_URL",
        "MINTED_USERNAME",
        "MINTED_PASSWORD",
        "MINTED_CLIENT_ID",
        "MINTED_API_VERSION",
        "MINTED_LANG",
    ] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let output = command.output().expect("minted runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "{case}: expected a failure\n{stdout}{stderr}"
    );
    assert!(!stderr.is_empty(), "{case}: says what went wrong");
    for secret in SECRETS {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{case}: {secret:?} in the output\nstdout: {stdout}\nstderr: {stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "{case}: {stderr}");
}

fn sandbox() -> SandboxHandle {
    Sandbox::start(SandboxConfig::default()).expect("the sandbox starts")
}

#[test]
fn a_422_does_not_echo_the_customer() {
    // The example customer's e-mail belongs to the example customer.
    assert_fails_cleanly(
        "422 (e-mail taken)",
        &[
            "--sandbox",
            "update",
            TURKISH_CUSTOMER_ID,
            "--json",
            CUSTOMER_JSON,
        ],
        &[],
    );
    assert_fails_cleanly(
        "422 (external id taken)",
        &[
            "--sandbox",
            "create",
            "--external-id",
            EXAMPLE_CUSTOMER_ID,
            "--json",
            CUSTOMER_JSON,
        ],
        &[],
    );
}

#[test]
fn a_404_does_not_echo_the_customer() {
    assert_fails_cleanly(
        "404 (update)",
        &[
            "--sandbox",
            "update",
            "NO-SUCH-CUSTOMER",
            "--json",
            CUSTOMER_JSON,
        ],
        &[],
    );
    assert_fails_cleanly("404 (get)", &["--sandbox", "get", "NO-SUCH-CUSTOMER"], &[]);
}

#[test]
fn a_wrong_password_is_not_printed() {
    let sandbox = sandbox();
    let base_url = sandbox.base_url();
    for args in [
        vec!["update", EXAMPLE_CUSTOMER_ID, "--json", CUSTOMER_JSON],
        vec!["get", EXAMPLE_CUSTOMER_ID],
    ] {
        let mut full = vec!["--base-url", base_url.as_str()];
        full.extend(args);
        assert_fails_cleanly(
            "wrong password",
            &full,
            &[
                ("MINTED_USERNAME", sandbox.username()),
                ("MINTED_PASSWORD", WRONG_PASSWORD),
            ],
        );
    }
    assert!(
        sandbox.request_count() > 0,
        "the requests reached the sandbox"
    );
}

#[test]
fn validation_errors_do_not_echo_the_values() {
    let mut update = vec!["--sandbox", "update", EXAMPLE_CUSTOMER_ID];
    update.extend(INVALID_FLAGS);
    assert_fails_cleanly("validation (update)", &update, &[]);

    let mut create = vec!["--sandbox", "create", "--external-id", "MTD NEW"];
    create.extend(INVALID_FLAGS);
    assert_fails_cleanly("validation (create)", &create, &[]);

    let mut dry_run = update.clone();
    dry_run.push("--dry-run");
    assert_fails_cleanly("validation (dry run)", &dry_run, &[]);

    // 12345677938 fails the TC Kimlik checksum.
    assert_fails_cleanly(
        "validation (--strict-tr)",
        &[
            "--sandbox",
            "--strict-tr",
            "update",
            EXAMPLE_CUSTOMER_ID,
            "--json",
            CUSTOMER_JSON,
        ],
        &[],
    );
}

#[test]
fn a_password_in_the_base_url_is_not_printed() {
    let sandbox = sandbox();
    let with_password = format!("http://{}:s3cret@{}", sandbox.username(), sandbox.addr());
    assert_fails_cleanly(
        "password in --base-url",
        &["--base-url", &with_password, "get", EXAMPLE_CUSTOMER_ID],
        &[],
    );
    assert_fails_cleanly(
        "password in MINTED_BASE_URL",
        &["get", EXAMPLE_CUSTOMER_ID],
        &[("MINTED_BASE_URL", &with_password)],
    );
}
