//! `minted`: the command-line client of the Minted Connect partner API for
//! operators and integrators. See `minted --help` and the README.
//!
//! The order of work is fixed so that nothing is sent by mistake: parse the
//! arguments → read and validate the input (exit 2 on any problem) → pick
//! the server (`--sandbox`, `--base-url`, `MINTED_BASE_URL`; never a silent
//! default) → check the configuration → send, or print it with `--dry-run`.
#![forbid(unsafe_code)]

mod args;

use std::io::{self, Read, Write};
use std::path::Path;
use std::process::ExitCode;

use clap::error::{ContextKind, ErrorKind};
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use minted_connect_core::call::Operation;
use minted_connect_core::model::{Customer, CustomerCreate, CustomerUpdate};
use minted_connect_core::request::RequestSettings;
use minted_connect_core::validate::{
    FieldError, ValidationErrors, ValidationProfile, validate_external_customer_id,
};
use minted_connect_examples::body::CustomerFields;
use minted_connect_examples::dry_run::{self, AuthShown};
use minted_connect_examples::outcome::{EXIT_UNAVAILABLE, Failure};
use minted_connect_examples::target::Target;
use minted_connect_std::{Client, Config, Credentials, Error};
use minted_connect_tests::sandbox::{Sandbox, SandboxConfig, SandboxHandle};

use args::{BodyArgs, Cli, Command};

/// The largest `--json` document read (the largest valid body is a few KiB).
const MAX_JSON_INPUT: u64 = 1024 * 1024;

fn main() -> ExitCode {
    // A bug must not print a panic message that could quote input.
    std::panic::set_hook(Box::new(|_| {
        if std::thread::current().name() == Some("main") {
            eprintln!("error: internal error in minted (a bug); please report it");
        }
    }));
    let cli = match parse() {
        Ok(cli) => cli,
        Err(error) => return usage_exit(&error),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{failure}");
            ExitCode::from(failure.code)
        }
    }
}

/// The arguments. `--sandbox` and `--base-url` exclude each other, but a
/// `MINTED_BASE_URL` in the environment does not stop `--sandbox`.
fn parse() -> Result<Cli, clap::Error> {
    let mut command = Cli::command();
    let matches = command.try_get_matches_from_mut(std::env::args_os())?;
    let cli = Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command))?;
    if cli.sandbox && matches.value_source("base_url") == Some(ValueSource::CommandLine) {
        return Err(command.error(
            ErrorKind::ArgumentConflict,
            "the argument '--sandbox' cannot be used with '--base-url <URL>'",
        ));
    }
    Ok(cli)
}

/// `--help` and `--version` as clap prints them; every other parse error as
/// one `error: …` line (exit 2).
fn usage_exit(error: &clap::Error) -> ExitCode {
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        eprintln!(
            "error: no command given: use update, get, create, delete or sandbox \
             (see 'minted --help')"
        );
        return ExitCode::from(2);
    }
    // A stray positional may be a value (a name, an e-mail): never repeat it.
    if error.kind() == ErrorKind::UnknownArgument
        && error
            .get(ContextKind::InvalidArg)
            .is_some_and(|arg| !arg.to_string().starts_with('-'))
    {
        eprintln!(
            "error: unexpected extra argument (is a value with spaces unquoted?) \
             (see 'minted --help')"
        );
        return ExitCode::from(2);
    }
    let rendered = error.render().to_string();
    let mut parts: Vec<&str> = Vec::new();
    for line in rendered.lines() {
        let line = line.trim();
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        if !line.is_empty() {
            parts.push(line);
        }
    }
    let mut message = parts.join(" ");
    if !message.starts_with("error:") {
        message = format!("error: {message}");
    }
    eprintln!("{message} (see 'minted --help')");
    ExitCode::from(2)
}

/// What the command asks for, validated.
enum Job {
    Update {
        id: String,
        customer: Box<CustomerUpdate>,
        dry_run: bool,
    },
    Get {
        id: String,
    },
    Create {
        customer: Box<CustomerCreate>,
        dry_run: bool,
    },
    Delete {
        id: String,
    },
}

impl Job {
    fn dry_run(&self) -> bool {
        match self {
            Job::Update { dry_run, .. } | Job::Create { dry_run, .. } => *dry_run,
            Job::Get { .. } | Job::Delete { .. } => false,
        }
    }

    fn operation(&self) -> Operation<'_> {
        match self {
            Job::Update { id, customer, .. } => Operation::Update { id, customer },
            Job::Get { id } => Operation::Get { id },
            Job::Create { customer, .. } => Operation::Create { customer },
            Job::Delete { id } => Operation::Remove { id },
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let profile = if cli.strict_tr {
        ValidationProfile::StrictTcKimlik
    } else {
        ValidationProfile::Lenient
    };
    let job = match &cli.command {
        Command::Sandbox { port } => return serve_sandbox(*port),
        command => prepare(command, profile)?,
    };

    // The server: the in-process sandbox, or the one the user named.
    let sandbox = if cli.sandbox {
        Some(start_sandbox(SandboxConfig::default())?)
    } else {
        None
    };
    let (base_url, credentials) = match &sandbox {
        Some(sandbox) => (
            sandbox.base_url(),
            Credentials::digest(sandbox.username(), sandbox.password()),
        ),
        None => (base_url(cli.base_url.as_deref())?, env_credentials()?),
    };
    let target = Target::parse(&base_url).map_err(|e| Failure::usage(e.to_string()))?;
    let auth_shown = match &credentials {
        Credentials::Digest { .. } => AuthShown::Digest,
        Credentials::Preset(_) => AuthShown::Preset,
        _ => AuthShown::None,
    };

    let mut config = Config::new(base_url);
    config.credentials = credentials;
    if let Some(client_id) = cli.client_id {
        config.client_id = client_id;
    }
    config.api_version = cli.api_version;
    if let Some(lang) = cli.lang {
        config.accept_language = lang;
    }
    if let Some(timeout) = cli.timeout {
        config.timeout = timeout;
        config.connect_timeout = config.connect_timeout.min(timeout);
    }
    config.validation_profile = profile;
    let settings_source = config.clone();
    // Checks the base URL and every header value; no I/O.
    let client = Client::new(config)?;

    if job.dry_run() {
        let settings = RequestSettings {
            client_id: &settings_source.client_id,
            api_version: settings_source.api_version.as_deref(),
            accept_language: &settings_source.accept_language,
            user_agent: &settings_source.user_agent,
        };
        let mut request = dry_run::render(job.operation(), &settings, auth_shown, &target)
            .map_err(|e| Failure::usage(e.to_string()))?;
        request.push(b'\n');
        return write_stdout(&request);
    }

    let result = match &job {
        Job::Update { id, customer, .. } => client.update(id, customer).map(Some),
        Job::Get { id } => client.get(id).map(Some),
        Job::Create { customer, .. } => client.create(customer).map(Some),
        Job::Delete { id } => client.remove(id).map(|()| None),
    };
    drop(sandbox);
    match result.map_err(Failure::from)? {
        Some(customer) => print_customer(&customer),
        None => Ok(()),
    }
}

/// Reads and validates the command's input; every failing field at once.
fn prepare(command: &Command, profile: ValidationProfile) -> Result<Job, Failure> {
    match command {
        Command::Update { id, body, dry_run } => {
            let fields = read_fields(body, None)?;
            if fields
                .external_id
                .as_deref()
                .is_some_and(|json_id| !json_id.is_empty() && json_id != id)
            {
                return Err(Failure::usage(
                    "the JSON's external_id differs from the EXTERNAL_ID argument; \
                     remove it or make them equal",
                ));
            }
            let id_error = validate_external_customer_id(id).err();
            let customer = with_id_error(id_error, fields.validate_update(profile))?;
            Ok(Job::Update {
                id: id.clone(),
                customer: Box::new(customer),
                dry_run: *dry_run,
            })
        }
        Command::Create {
            external_id,
            body,
            dry_run,
        } => {
            let fields = read_fields(body, external_id.as_deref())?;
            let customer = with_id_error(None, fields.validate_create(profile))?;
            Ok(Job::Create {
                customer: Box::new(customer),
                dry_run: *dry_run,
            })
        }
        Command::Get { id } => {
            with_id_error(validate_external_customer_id(id).err(), Ok(()))?;
            Ok(Job::Get { id: id.clone() })
        }
        Command::Delete { id } => {
            with_id_error(validate_external_customer_id(id).err(), Ok(()))?;
            Ok(Job::Delete { id: id.clone() })
        }
        Command::Sandbox { .. } => Err(Failure::usage("the sandbox command takes no input")),
    }
}

/// Adds a path-id failure (first, as in body order) to the body's result.
fn with_id_error<T>(
    id_error: Option<FieldError>,
    result: Result<T, ValidationErrors>,
) -> Result<T, Failure> {
    let errors = match (id_error, result) {
        (None, Ok(value)) => return Ok(value),
        (None, Err(errors)) => errors,
        (Some(id_error), result) => {
            let mut errors = ValidationErrors::new();
            errors.push(id_error);
            for error in result.err().iter().flat_map(|e| e.iter()) {
                errors.push(*error);
            }
            errors
        }
    };
    Err(Failure::from(Error::Validation(errors)))
}

/// The fields from `--json` or the flags (`--external-id` for a create).
fn read_fields(body: &BodyArgs, external_id: Option<&str>) -> Result<CustomerFields, Failure> {
    let mut fields = match &body.json {
        Some(path) => {
            let bytes = read_json(path)?;
            CustomerFields::from_json(&bytes).map_err(|e| Failure::usage(e.to_string()))?
        }
        None => {
            let mut fields = CustomerFields::default();
            fields.firstname = body.firstname.clone();
            fields.middlename = body.middlename.clone();
            fields.lastname = body.lastname.clone();
            fields.fullname = body.fullname.clone();
            fields.email = body.email.clone();
            fields.phone = body.phone.clone();
            fields.gender = body.gender.clone();
            fields.identity_number = body.identity_number.clone();
            fields.birthdate = body.birthdate.clone();
            fields
        }
    };
    if let Some(flag) = external_id {
        match fields.external_id.as_deref().filter(|v| !v.is_empty()) {
            Some(json) if json != flag => {
                return Err(Failure::usage(
                    "--external-id and the JSON's external_id differ; give one of them",
                ));
            }
            _ => fields.external_id = Some(flag.to_owned()),
        }
    }
    if body.json.is_none() && fields.is_empty() {
        return Err(Failure::usage(
            "nothing to send: give --json FILE (- reads stdin) or field flags such as \
             --firstname, --lastname, --email, --phone and --identity-number",
        ));
    }
    Ok(fields)
}

/// The `--json` document: a file, or stdin for `-`.
fn read_json(path: &Path) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    let (what, result) = if path == Path::new("-") {
        let stdin = io::stdin();
        let mut reader = stdin.lock().take(MAX_JSON_INPUT + 1);
        ("stdin".to_owned(), reader.read_to_end(&mut bytes))
    } else {
        let shown = path.display().to_string();
        match std::fs::File::open(path) {
            Ok(file) => (shown, file.take(MAX_JSON_INPUT + 1).read_to_end(&mut bytes)),
            Err(error) => return Err(Failure::usage(format!("cannot open {shown}: {error}"))),
        }
    };
    result.map_err(|error| Failure::usage(format!("cannot read {what}: {error}")))?;
    if bytes.len() as u64 > MAX_JSON_INPUT {
        return Err(Failure::usage(format!(
            "{what} is larger than {MAX_JSON_INPUT} bytes; a customer body is a few KiB"
        )));
    }
    Ok(bytes)
}

/// The base URL from `--base-url` / `MINTED_BASE_URL`; never a default.
fn base_url(given: Option<&str>) -> Result<String, Failure> {
    match given.map(str::trim).filter(|url| !url.is_empty()) {
        Some(url) => Ok(url.to_owned()),
        None => Err(Failure::usage(
            "no server given: set --base-url URL or MINTED_BASE_URL (the vendor's staging \
             server is https://api.staging.mintedconnect.com), or try --sandbox",
        )),
    }
}

/// Digest credentials from `MINTED_USERNAME` and `MINTED_PASSWORD`.
fn env_credentials() -> Result<Credentials, Failure> {
    let read = |name: &str| match std::env::var(name) {
        Ok(value) if value.is_empty() => Ok(None),
        Ok(value) => Ok(Some(value)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Failure::usage(format!("{name} is not valid UTF-8")))
        }
    };
    match (read("MINTED_USERNAME")?, read("MINTED_PASSWORD")?) {
        (Some(username), Some(password)) => Ok(Credentials::digest(username, password)),
        (None, None) => Ok(Credentials::None),
        (Some(_), None) => Err(Failure::usage(
            "MINTED_USERNAME is set but MINTED_PASSWORD is not",
        )),
        (None, Some(_)) => Err(Failure::usage(
            "MINTED_PASSWORD is set but MINTED_USERNAME is not",
        )),
    }
}

fn start_sandbox(config: SandboxConfig) -> Result<SandboxHandle, Failure> {
    let port = config.port;
    Sandbox::start(config).map_err(|error| {
        Failure::new(
            EXIT_UNAVAILABLE,
            format!("cannot start the sandbox on 127.0.0.1:{port}: {error}"),
        )
    })
}

/// `minted sandbox`: serve until interrupted.
fn serve_sandbox(port: u16) -> Result<(), Failure> {
    let sandbox = start_sandbox(SandboxConfig {
        port,
        echo_log: true,
        ..SandboxConfig::default()
    })?;
    let base_url = sandbox.base_url();
    let text = format!(
        "{base_url}\nusername: {user}\npassword: {password}\n\
         try: MINTED_BASE_URL={base_url} MINTED_USERNAME={user} MINTED_PASSWORD={password} \
         minted get MTD0018232\n",
        user = sandbox.username(),
        password = sandbox.password(),
    );
    write_stdout(text.as_bytes())?;
    loop {
        std::thread::park();
    }
}

/// The record as one JSON line.
fn print_customer(customer: &Customer) -> Result<(), Failure> {
    let mut line = serde_json::to_vec(customer).map_err(|error| {
        Failure::new(
            EXIT_UNAVAILABLE,
            format!("cannot print the record: {error}"),
        )
    })?;
    line.push(b'\n');
    write_stdout(&line)
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(Failure::new(
            EXIT_UNAVAILABLE,
            format!("cannot write to stdout: {error}"),
        )),
    }
}
