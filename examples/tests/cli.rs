//! The built `minted` binary against the sandbox: every command, every exit
//! code, dry runs, environment versus flags, JSON from stdin, ids that need
//! percent-encoding, the server's 422 messages — and no personal data or
//! password in any error line.
#![forbid(unsafe_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use minted_connect_tests::sandbox::{
    EXAMPLE_CUSTOMER_ID, Faults, RetryAfterFault, Sandbox, SandboxConfig, SandboxHandle,
    TURKISH_CUSTOMER_ID, Times,
};
use serde_json::Value;

const CUSTOMER_JSON: &str = "examples/data/customer.json";

/// Text that must never appear in an error line: the example customer's
/// personal data and the passwords the tests use.
const NEVER_IN_ERRORS: [&str; 7] = [
    "12345677938",
    "mehmet.gulbilge@example.com",
    "+90 532 280 80 35",
    "1970-01-31",
    "s3cret",
    "wrong-pa55",
    "panicked",
];

const VARIABLES: [&str; 6] = [
    "MINTED_BASE_URL",
    "MINTED_USERNAME",
    "MINTED_PASSWORD",
    "MINTED_CLIENT_ID",
    "MINTED_API_VERSION",
    "MINTED_LANG",
];

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The one JSON object on stdout.
    fn record(&self) -> Value {
        assert_eq!(self.code, 0, "{self:?}");
        assert_eq!(self.stdout.lines().count(), 1, "one line: {self:?}");
        let value: Value = serde_json::from_str(self.stdout.trim_end()).expect("JSON");
        assert!(value.is_object(), "{value}");
        value
    }

    /// The failure line; checks it is one `error: …` line.
    fn error(&self, code: i32) -> &str {
        assert_eq!(self.code, code, "{self:?}");
        assert!(self.stdout.is_empty(), "{self:?}");
        assert_eq!(self.stderr.lines().count(), 1, "one line: {self:?}");
        assert!(self.stderr.starts_with("error: "), "{self:?}");
        self.stderr.trim_end()
    }
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root")
        .to_path_buf()
}

fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_minted"));
    command.args(args).current_dir(workspace_root());
    for name in VARIABLES {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    command
}

/// Runs `minted` with only the given `MINTED_*` variables and optional stdin.
fn minted_with(args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Run {
    let mut command = command(args, env);
    command
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("start minted");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(input).expect("write stdin");
    }
    let output = child.wait_with_output().expect("minted ran");
    let run = Run {
        code: output.status.code().expect("an exit code, not a signal"),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    };
    if run.code != 0 {
        for secret in NEVER_IN_ERRORS {
            assert!(!run.stderr.contains(secret), "{secret:?} leaked: {run:?}");
        }
    }
    run
}

fn minted(args: &[&str], env: &[(&str, &str)]) -> Run {
    minted_with(args, env, None)
}

/// The sandbox's URL and demo credentials as environment variables.
fn env_for(sandbox: &SandboxHandle) -> Vec<(&'static str, String)> {
    vec![
        ("MINTED_BASE_URL", sandbox.base_url()),
        ("MINTED_USERNAME", sandbox.username().to_owned()),
        ("MINTED_PASSWORD", sandbox.password().to_owned()),
    ]
}

fn borrow<'e>(env: &'e [(&'static str, String)]) -> Vec<(&'static str, &'e str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// Runs against `sandbox` with its URL and credentials in the environment.
fn against(sandbox: &SandboxHandle, args: &[&str]) -> Run {
    minted(args, &borrow(&env_for(sandbox)))
}

fn sandbox() -> SandboxHandle {
    Sandbox::start_default().expect("start the sandbox")
}

fn sandbox_with(faults: Faults) -> SandboxHandle {
    Sandbox::start(SandboxConfig {
        faults,
        ..SandboxConfig::default()
    })
    .expect("start the sandbox")
}

/// A local port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

fn vendor_json() -> Value {
    let text = std::fs::read_to_string(workspace_root().join(CUSTOMER_JSON)).expect("read");
    serde_json::from_str(&text).expect("JSON")
}

// ---------------------------------------------------------------- success

#[test]
fn the_readme_command_updates_the_sandbox_and_prints_the_record() {
    let run = minted(
        &[
            "--sandbox",
            "update",
            EXAMPLE_CUSTOMER_ID,
            "--json",
            CUSTOMER_JSON,
        ],
        &[],
    );
    let record = run.record();
    assert!(run.stderr.is_empty(), "{run:?}");
    let sent = vendor_json();
    for key in [
        "firstname",
        "lastname",
        "fullname",
        "email",
        "phone",
        "gender",
        "identity_number",
        "birthdate",
    ] {
        assert_eq!(record[key], sent[key], "{key}");
    }
    assert_eq!(record["external_id"], EXAMPLE_CUSTOMER_ID);
    assert_eq!(record["id"], 2);
    assert_eq!(record["company_id"], 2_000_000);
    assert!(record["middlename"].is_null());
    assert!(record["user_id"].is_null());
    assert!(record["updated_at"].is_string() && record["created_at"].is_string());
    // Exactly the documented field names, not the envelope.
    let keys: Vec<&str> = record
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys.len(), 15, "{keys:?}");
    assert!(record.get("data").is_none() && record.get("success").is_none());
}

#[test]
fn sandbox_ignores_the_servers_and_credentials_in_the_environment() {
    let dead = format!("http://127.0.0.1:{}", closed_port());
    let run = minted(
        &["--sandbox", "get", EXAMPLE_CUSTOMER_ID],
        &[
            ("MINTED_BASE_URL", &dead),
            ("MINTED_USERNAME", "someone"),
            ("MINTED_PASSWORD", "wrong-pa55"),
        ],
    );
    assert_eq!(run.record()["external_id"], EXAMPLE_CUSTOMER_ID);
}

#[test]
fn update_with_flags_changes_the_stored_record() {
    let sandbox = sandbox();
    let run = against(
        &sandbox,
        &[
            "update",
            EXAMPLE_CUSTOMER_ID,
            "--firstname",
            "Ahmet",
            "--middlename",
            "Can",
            "--lastname",
            "Öztürk",
            "--email",
            "ahmet.ozturk@example.com",
            "--phone",
            "+90 555 000 11 22",
            "--identity-number",
            "10000000146",
            "--gender",
            "M",
            "--birthdate",
            "2000-02-29",
        ],
    );
    let record = run.record();
    let stored = sandbox.customer(EXAMPLE_CUSTOMER_ID).expect("stored");
    assert_eq!(stored.firstname.as_deref(), Some("Ahmet"));
    assert_eq!(stored.lastname.as_deref(), Some("Öztürk"));
    assert_eq!(stored.birthdate.as_deref(), Some("2000-02-29"));
    assert_eq!(record["firstname"], "Ahmet");
    assert_eq!(record["middlename"], "Can");
    assert_eq!(record["lastname"], "Öztürk");
    assert_eq!(record["updated_at"], stored.updated_at.as_str());
    let patches: Vec<_> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert_eq!(patches.last().map(|r| r.status), Some(200));
}

#[test]
fn get_prints_the_record_decoded_and_without_extras() {
    let sandbox = sandbox();
    let record = against(&sandbox, &["get", TURKISH_CUSTOMER_ID]).record();
    assert_eq!(record["external_id"], TURKISH_CUSTOMER_ID);
    assert_eq!(record["fullname"], "Ayşegül Nurşen Yılmaz 🌸");
    assert_eq!(record["middlename"], "Nurşen");
    assert_eq!(record["gender"], "F");
    assert!(record.get("wallets").is_none() && record.get("kyc").is_none());
    let stored = sandbox.customer(TURKISH_CUSTOMER_ID).unwrap();
    assert_eq!(record["updated_at"], stored.updated_at.as_str());
}

#[test]
fn create_then_delete() {
    let sandbox = sandbox();
    let record = against(
        &sandbox,
        &[
            "create",
            "--external-id",
            "KIOSK-0001_a",
            "--firstname",
            "Zeynep",
            "--lastname",
            "Kaya",
            "--email",
            "zeynep.kaya@example.com",
            "--phone",
            "0532 111 22 33",
            "--identity-number",
            "10000000146",
        ],
    )
    .record();
    assert_eq!(record["external_id"], "KIOSK-0001_a");
    assert_eq!(record["firstname"], "Zeynep");
    assert!(record["gender"].is_null());
    assert!(sandbox.customer("KIOSK-0001_a").is_some());

    let run = against(&sandbox, &["delete", "KIOSK-0001_a"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.is_empty() && run.stderr.is_empty(), "{run:?}");
    assert!(sandbox.customer("KIOSK-0001_a").is_none());

    let gone = against(&sandbox, &["get", "KIOSK-0001_a"]);
    assert!(gone.error(3).contains("404"), "{gone:?}");
}

#[test]
fn create_reads_external_id_from_the_json() {
    let sandbox = sandbox();
    let mut body = vendor_json();
    body["external_id"] = "MTD0099999".into();
    body["email"] = "new.customer@example.com".into();
    let text = body.to_string();
    let env = env_for(&sandbox);
    let run = minted_with(
        &["create", "--json", "-"],
        &borrow(&env),
        Some(text.as_bytes()),
    );
    assert_eq!(run.record()["external_id"], "MTD0099999");
    // The flag and the JSON must agree.
    let clash = minted_with(
        &["create", "--external-id", "OTHER-ID", "--json", "-"],
        &borrow(&env),
        Some(text.as_bytes()),
    );
    assert!(clash.error(2).contains("external_id"), "{clash:?}");
}

#[test]
fn an_update_body_may_repeat_the_id_but_not_contradict_it() {
    let sandbox = sandbox();
    let env = env_for(&sandbox);
    let mut body = vendor_json();
    body["external_id"] = EXAMPLE_CUSTOMER_ID.into();
    let same = body.to_string();
    let run = minted_with(
        &["update", EXAMPLE_CUSTOMER_ID, "--json", "-"],
        &borrow(&env),
        Some(same.as_bytes()),
    );
    assert_eq!(run.record()["external_id"], EXAMPLE_CUSTOMER_ID);
    body["external_id"] = TURKISH_CUSTOMER_ID.into();
    let other = body.to_string();
    let before = sandbox.request_count();
    let run = minted_with(
        &["update", EXAMPLE_CUSTOMER_ID, "--json", "-"],
        &borrow(&env),
        Some(other.as_bytes()),
    );
    assert!(run.error(2).contains("external_id"), "{run:?}");
    assert_eq!(sandbox.request_count(), before);
}

#[test]
fn json_from_stdin() {
    let sandbox = sandbox();
    let text = std::fs::read(workspace_root().join(CUSTOMER_JSON)).unwrap();
    let env = env_for(&sandbox);
    let run = minted_with(
        &["update", EXAMPLE_CUSTOMER_ID, "--json", "-"],
        &borrow(&env),
        Some(&text),
    );
    assert_eq!(run.record()["lastname"], "Gülbilge");
}

#[test]
fn null_and_empty_optional_fields_are_not_sent() {
    let sandbox = sandbox();
    let mut body = vendor_json();
    body["middlename"] = Value::Null;
    body["gender"] = "".into();
    body["birthdate"] = Value::Null;
    let text = body.to_string();
    let env = env_for(&sandbox);
    let run = minted_with(
        &["update", EXAMPLE_CUSTOMER_ID, "--json", "-"],
        &borrow(&env),
        Some(text.as_bytes()),
    );
    run.record();
    let patch = sandbox
        .requests()
        .into_iter()
        .rfind(|r| r.method == "PATCH" && r.status == 200)
        .expect("a PATCH");
    let sent: Value = serde_json::from_slice(&patch.body).unwrap();
    let sent = sent.as_object().unwrap();
    assert!(!sent.contains_key("middlename"), "{sent:?}");
    assert!(!sent.contains_key("gender"), "{sent:?}");
    assert!(!sent.contains_key("birthdate"), "{sent:?}");
    assert_eq!(sent["identity_number"], "12345677938");
}

// ---------------------------------------------------------------- dry run

#[test]
fn dry_run_prints_the_request_and_sends_nothing() {
    let sandbox = sandbox();
    let run = against(
        &sandbox,
        &[
            "update",
            EXAMPLE_CUSTOMER_ID,
            "--json",
            CUSTOMER_JSON,
            "--dry-run",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(sandbox.request_count(), 0, "a dry run sends nothing");
    assert!(!run.stdout.contains("s3cret"));

    let (head, body) = run.stdout.split_once("\r\n\r\n").expect("head, blank line");
    let lines: Vec<&str> = head.split("\r\n").collect();
    assert_eq!(lines[0], "PATCH /partner/customer/MTD0018232 HTTP/1.1");
    assert_eq!(lines[1], format!("Host: 127.0.0.1:{}", sandbox.port()));
    for expected in [
        "Content-Type: application/json",
        "Accept: application/json",
        "x-client-id: web",
        "Accept-Language: tr",
        "Authorization: Digest <redacted>",
    ] {
        assert!(lines.contains(&expected), "{expected}: {lines:?}");
    }
    let body = body.strip_suffix('\n').expect("a final newline");
    assert!(lines.contains(&format!("Content-Length: {}", body.len()).as_str()));

    // The body is byte for byte what the client then sends.
    against(
        &sandbox,
        &["update", EXAMPLE_CUSTOMER_ID, "--json", CUSTOMER_JSON],
    )
    .record();
    let sent = sandbox
        .requests()
        .into_iter()
        .rfind(|r| r.method == "PATCH" && r.status == 200)
        .expect("the real PATCH");
    assert_eq!(sent.body, body.as_bytes());
    for (name, value) in lines.iter().skip(1).filter_map(|l| l.split_once(": ")) {
        if name != "Authorization" {
            assert_eq!(sent.header(name), Some(value), "{name}");
        }
    }
}

#[test]
fn dry_run_create_and_a_dry_run_that_fails_validation() {
    let sandbox = sandbox();
    let run = against(
        &sandbox,
        &[
            "--api-version",
            "3",
            "create",
            "--external-id",
            "NEW-1",
            "--json",
            CUSTOMER_JSON,
            "--dry-run",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .starts_with("POST /partner/customer HTTP/1.1\r\n")
    );
    assert!(run.stdout.contains("\r\napi-version: 3\r\n"));
    assert!(run.stdout.contains(r#""external_id":"NEW-1""#));

    let invalid = against(
        &sandbox,
        &[
            "update",
            EXAMPLE_CUSTOMER_ID,
            "--firstname",
            "Al",
            "--dry-run",
        ],
    );
    let line = invalid.error(2);
    assert!(
        line.contains("firstname must be at least 3 characters"),
        "{line}"
    );
    assert_eq!(sandbox.request_count(), 0);
}

// ---------------------------------------------------------------- exit code 2

#[test]
fn validation_errors_name_every_field_and_send_nothing() {
    let sandbox = sandbox();
    let run = against(
        &sandbox,
        &[
            "update",
            EXAMPLE_CUSTOMER_ID,
            "--firstname",
            "Mehmet",
            "--lastname",
            "Gülbilge",
            "--email",
            "mehmet.gulbilge@@example.com",
            "--phone",
            "12",
            "--identity-number",
            "12345677938",
            "--birthdate",
            "1970-02-30",
            "--gender",
            "X",
        ],
    );
    let line = run.error(2);
    for field in ["email", "phone", "gender", "birthdate"] {
        assert!(line.contains(field), "{field}: {line}");
    }
    assert!(
        !line.contains("@@") && !line.contains("1970-02-30"),
        "{line}"
    );
    assert_eq!(sandbox.request_count(), 0);
}

#[test]
fn wrong_json_types_are_validation_errors_naming_the_field() {
    let sandbox = sandbox();
    let mut body = vendor_json();
    body["firstname"] = 5.into();
    body["phone"] = 905322808035_u64.into();
    let text = body.to_string();
    let env = env_for(&sandbox);
    let run = minted_with(
        &["update", EXAMPLE_CUSTOMER_ID, "--json", "-"],
        &borrow(&env),
        Some(text.as_bytes()),
    );
    let line = run.error(2);
    assert!(line.contains("firstname must be a string"), "{line}");
    assert!(line.contains("phone must be a string"), "{line}");
    assert!(!line.contains("905322808035"), "{line}");
    assert_eq!(sandbox.request_count(), 0);
}

#[test]
fn malformed_json_unknown_keys_and_unreadable_files() {
    let sandbox = sandbox();
    let env = env_for(&sandbox);
    for (input, expected) in [
        (&b"{\"firstname\": \"Mehmet\",}"[..], "cannot be read"),
        (b"{\"first_name\": \"Mehmet\"}", "first_name"),
        (b"[1, 2]", "one object"),
        (b"", "ends too early"),
    ] {
        let run = minted_with(
            &["update", EXAMPLE_CUSTOMER_ID, "--json", "-"],
            &borrow(&env),
            Some(input),
        );
        let line = run.error(2);
        assert!(line.contains(expected), "{expected}: {line}");
    }
    let missing = against(
        &sandbox,
        &["update", EXAMPLE_CUSTOMER_ID, "--json", "no/such/file.json"],
    );
    assert!(missing.error(2).contains("no/such/file.json"));
    assert_eq!(sandbox.request_count(), 0);
}

#[test]
fn strict_tr_checks_the_identity_number() {
    let sandbox = sandbox();
    let run = against(
        &sandbox,
        &[
            "--strict-tr",
            "update",
            EXAMPLE_CUSTOMER_ID,
            "--json",
            CUSTOMER_JSON,
        ],
    );
    let line = run.error(2);
    assert!(
        line.contains("identity_number is not a valid TC Kimlik No"),
        "{line}"
    );
    assert_eq!(sandbox.request_count(), 0);
}

#[test]
fn usage_errors_are_one_line_with_exit_code_2() {
    for args in [
        &["update"][..],
        &["frobnicate"],
        &[],
        &[
            "update",
            "X",
            "--json",
            CUSTOMER_JSON,
            "--firstname",
            "Mehmet",
        ],
        &["--sandbox", "--base-url", "http://127.0.0.1:1", "get", "X"],
        &["--timeout", "0", "get", "X"],
        &["--sandbox", "update", "X"],
        &["--sandbox", "get", ""],
    ] {
        let run = minted(args, &[]);
        run.error(2);
    }
    // A stray value is not repeated (it may be personal data).
    let stray = minted(&["get", "MTD0018232", "12345677938"], &[]);
    assert!(
        stray.error(2).contains("unexpected extra argument"),
        "{stray:?}"
    );
    let bare = minted(&[], &[]);
    assert!(bare.error(2).contains("no command given"), "{bare:?}");
}

#[test]
fn without_a_server_it_says_how_to_set_one() {
    let run = minted(
        &["update", EXAMPLE_CUSTOMER_ID, "--json", CUSTOMER_JSON],
        &[],
    );
    let line = run.error(2);
    assert!(
        line.contains("--base-url") && line.contains("MINTED_BASE_URL"),
        "{line}"
    );
    assert!(line.contains("--sandbox"), "{line}");
}

#[test]
fn a_password_in_the_base_url_is_refused_without_repeating_it() {
    let run = minted(
        &[
            "--base-url",
            "https://partner:s3cret@api.example.com",
            "get",
            "X",
        ],
        &[],
    );
    assert!(run.error(2).contains("MINTED_PASSWORD"));
    let plain = minted(&["--base-url", "http://api.example.com", "get", "X"], &[]);
    assert!(plain.error(2).contains("https"), "{plain:?}");
}

#[test]
fn help_lists_the_environment_and_exit_codes() {
    let run = minted(&["--help"], &[]);
    assert_eq!(run.code, 0, "{run:?}");
    for text in VARIABLES {
        assert!(run.stdout.contains(text), "{text}");
    }
    for text in [
        "Exit codes",
        "2  usage or validation error",
        "3  the API rejected",
        "4  authentication failed",
        "5  network",
        "--dry-run",
    ] {
        let help = if text == "--dry-run" {
            minted(&["update", "--help"], &[]).stdout
        } else {
            run.stdout.clone()
        };
        assert!(help.contains(text), "{text}: {help}");
    }
}

// ---------------------------------------------------------------- exit code 3

#[test]
fn not_found_is_exit_code_3() {
    let sandbox = sandbox();
    let line = against(&sandbox, &["get", "MTD0000000"])
        .error(3)
        .to_owned();
    assert!(line.contains("404") && line.contains("not found"), "{line}");
    let delete = against(&sandbox, &["delete", "MTD0000000"]);
    assert!(delete.error(3).contains("404"));
}

#[test]
fn a_server_422_surfaces_its_field_message() {
    let sandbox = sandbox();
    // The vendor body's e-mail belongs to MTD0018232.
    let run = against(
        &sandbox,
        &[
            "--lang",
            "en",
            "update",
            TURKISH_CUSTOMER_ID,
            "--json",
            CUSTOMER_JSON,
        ],
    );
    let line = run.error(3);
    assert!(line.contains("422"), "{line}");
    assert!(
        line.contains("email: The email has already been taken."),
        "{line}"
    );
    let last = sandbox.requests().pop().expect("sent");
    assert_eq!(last.status, 422);

    // The same on create, in Turkish by default.
    let run = against(
        &sandbox,
        &[
            "create",
            "--external-id",
            "MTD0099999",
            "--json",
            CUSTOMER_JSON,
        ],
    );
    let line = run.error(3);
    assert!(
        line.contains("email: E-posta daha önceden kayıt edilmiş."),
        "{line}"
    );
}

#[test]
fn rate_limited_is_exit_code_3() {
    let sandbox = sandbox_with(Faults {
        rate_limited: Some(RetryAfterFault {
            retry_after: 0,
            times: Times::Always,
        }),
        ..Faults::default()
    });
    let run = against(&sandbox, &["get", EXAMPLE_CUSTOMER_ID]);
    assert!(run.error(3).contains("429"), "{run:?}");
}

#[test]
fn an_id_that_needs_percent_encoding() {
    let sandbox = sandbox();
    let run = against(&sandbox, &["get", "MTD 0018232/ş?x=1"]);
    run.error(3);
    let logged = sandbox.requests();
    let targets: Vec<&str> = logged.iter().map(|r| r.target.as_str()).collect();
    assert!(
        targets
            .iter()
            .all(|t| *t == "/partner/customer/MTD%200018232%2F%C5%9F%3Fx%3D1"),
        "{targets:?}"
    );
    let dry = against(
        &sandbox,
        &["update", "a/b c", "--json", CUSTOMER_JSON, "--dry-run"],
    );
    assert!(
        dry.stdout
            .starts_with("PATCH /partner/customer/a%2Fb%20c HTTP/1.1\r\n"),
        "{dry:?}"
    );
}

// ---------------------------------------------------------------- exit code 4

#[test]
fn wrong_or_missing_credentials_are_exit_code_4() {
    let sandbox = sandbox();
    let url = sandbox.base_url();
    let wrong = minted(
        &["get", EXAMPLE_CUSTOMER_ID],
        &[
            ("MINTED_BASE_URL", &url),
            ("MINTED_USERNAME", "partner"),
            ("MINTED_PASSWORD", "wrong-pa55"),
        ],
    );
    assert!(wrong.error(4).contains("401"), "{wrong:?}");
    let none = minted(&["get", EXAMPLE_CUSTOMER_ID], &[("MINTED_BASE_URL", &url)]);
    assert!(none.error(4).contains("401"), "{none:?}");
    let half = minted(
        &["get", EXAMPLE_CUSTOMER_ID],
        &[("MINTED_BASE_URL", &url), ("MINTED_USERNAME", "partner")],
    );
    assert!(half.error(2).contains("MINTED_PASSWORD"));
}

// ---------------------------------------------------------------- exit code 5

#[test]
fn connection_refused_is_exit_code_5() {
    let url = format!("http://127.0.0.1:{}", closed_port());
    let run = minted(&["get", EXAMPLE_CUSTOMER_ID], &[("MINTED_BASE_URL", &url)]);
    let line = run.error(5);
    assert!(line.contains("cannot connect"), "{line}");
}

#[test]
fn a_5xx_is_exit_code_5() {
    let sandbox = sandbox_with(Faults {
        bad_gateway: Some(Times::Always),
        ..Faults::default()
    });
    let run = against(&sandbox, &["get", EXAMPLE_CUSTOMER_ID]);
    assert!(run.error(5).contains("502"), "{run:?}");
}

#[test]
fn a_timeout_is_exit_code_5() {
    let sandbox = sandbox_with(Faults {
        slow_head: Some(Duration::from_secs(5)),
        ..Faults::default()
    });
    let started = Instant::now();
    let run = against(&sandbox, &["--timeout", "0.3", "get", EXAMPLE_CUSTOMER_ID]);
    assert!(run.error(5).contains("did not answer in time"), "{run:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_tls_failure_is_exit_code_5() {
    // The sandbox speaks plain HTTP: the TLS handshake cannot succeed.
    let sandbox = sandbox();
    let url = format!("https://127.0.0.1:{}", sandbox.port());
    let run = minted(
        &["--timeout", "5", "get", EXAMPLE_CUSTOMER_ID],
        &[
            ("MINTED_BASE_URL", &url),
            ("MINTED_USERNAME", "partner"),
            ("MINTED_PASSWORD", "s3cret"),
        ],
    );
    assert!(run.error(5).contains("TLS"), "{run:?}");
}

/// Answers every connection with a 200 whose body is not the API's JSON.
fn malformed_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut stream) = stream else { continue };
            read_request(&mut stream);
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\
                  Connection: close\r\n\r\nnot json!",
            );
        }
    });
    url
}

fn read_request(stream: &mut TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).is_ok_and(|n| n == 1) {
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    let _ = stream.read_exact(&mut body);
}

#[test]
fn a_malformed_response_is_exit_code_5() {
    let url = malformed_server();
    let run = minted(&["get", EXAMPLE_CUSTOMER_ID], &[("MINTED_BASE_URL", &url)]);
    assert!(run.error(5).contains("not the API's JSON"), "{run:?}");
}

// ---------------------------------------------------------------- configuration

#[test]
fn flags_beat_the_environment() {
    let sandbox = sandbox();
    let dead = format!("http://127.0.0.1:{}", closed_port());
    let run = minted(
        &[
            "--base-url",
            &sandbox.base_url(),
            "--client-id",
            "from-flag",
            "--lang",
            "en",
            "get",
            EXAMPLE_CUSTOMER_ID,
        ],
        &[
            ("MINTED_BASE_URL", &dead),
            ("MINTED_USERNAME", "partner"),
            ("MINTED_PASSWORD", "s3cret"),
            ("MINTED_CLIENT_ID", "from-env"),
            ("MINTED_LANG", "tr"),
            ("MINTED_API_VERSION", "2"),
        ],
    );
    run.record();
    let last = sandbox.requests().pop().expect("a request");
    assert_eq!(last.header("x-client-id"), Some("from-flag"));
    assert_eq!(last.header("accept-language"), Some("en"));
    assert_eq!(
        last.header("api-version"),
        Some("2"),
        "the environment fills in"
    );

    let env = env_for(&sandbox);
    let mut env = borrow(&env);
    env.extend([
        ("MINTED_CLIENT_ID", "from-env"),
        ("MINTED_API_VERSION", "3"),
    ]);
    minted(&["get", EXAMPLE_CUSTOMER_ID], &env).record();
    let last = sandbox.requests().pop().expect("a request");
    assert_eq!(last.header("x-client-id"), Some("from-env"));
    assert_eq!(last.header("api-version"), Some("3"));
    assert_eq!(last.header("accept-language"), Some("tr"));
}

#[test]
fn a_trailing_slash_gives_the_same_paths() {
    let sandbox = sandbox();
    for url in [sandbox.base_url(), format!("{}/", sandbox.base_url())] {
        minted(
            &["get", EXAMPLE_CUSTOMER_ID],
            &[
                ("MINTED_BASE_URL", &url),
                ("MINTED_USERNAME", "partner"),
                ("MINTED_PASSWORD", "s3cret"),
            ],
        )
        .record();
    }
    let targets: Vec<String> = sandbox.requests().into_iter().map(|r| r.target).collect();
    assert!(
        targets.iter().all(|t| t == "/partner/customer/MTD0018232"),
        "{targets:?}"
    );
}

// ---------------------------------------------------------------- sandbox command

struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_sandbox_command_serves_in_the_foreground() {
    let mut child = command(&["sandbox", "--port", "0"], &[])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start minted sandbox");
    let stdout = child.stdout.take().expect("stdout");
    let serving = Serving(child);
    let mut lines = BufReader::new(stdout).lines();
    let url = lines.next().expect("a line").expect("UTF-8");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(lines.next().unwrap().unwrap(), "username: partner");
    assert_eq!(lines.next().unwrap().unwrap(), "password: s3cret");
    let record = minted(
        &["get", EXAMPLE_CUSTOMER_ID],
        &[
            ("MINTED_BASE_URL", &url),
            ("MINTED_USERNAME", "partner"),
            ("MINTED_PASSWORD", "s3cret"),
        ],
    )
    .record();
    assert_eq!(record["external_id"], EXAMPLE_CUSTOMER_ID);
    drop(serving);
}
