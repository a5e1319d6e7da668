//! The command line: `minted [OPTIONS] <COMMAND>` (the contract of issue 6;
//! scripts depend on it).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

/// What `--help` adds after the options.
const AFTER_HELP: &str = "\
Environment (a flag beats its variable):
  MINTED_BASE_URL     the API's base URL, e.g. https://api.staging.mintedconnect.com
  MINTED_USERNAME     digest user name
  MINTED_PASSWORD     digest password (only ever read from the environment)
  MINTED_CLIENT_ID    x-client-id header (default: web)
  MINTED_API_VERSION  api-version header (default: not sent)
  MINTED_LANG         Accept-Language header (default: tr)

Exit codes:
  0  success
  2  usage or validation error (nothing was sent)
  3  the API rejected the request (404, 422, other 4xx except 401/403)
  4  authentication failed (401/403)
  5  network, timeout, TLS, 5xx or malformed response

Try it without a server: minted --sandbox update MTD0018232 --json examples/data/customer.json";

/// Command-line client of the Minted Connect partner API (customers).
///
/// On success the customer record (the response's `data` object) is printed
/// as one JSON line; on failure one `error: …` line goes to stderr.
#[derive(Debug, Parser)]
#[command(
    name = "minted",
    version,
    after_help = AFTER_HELP,
    max_term_width = 100
)]
pub struct Cli {
    /// The API's base URL (no default: say which server you mean).
    #[arg(
        long,
        value_name = "URL",
        env = "MINTED_BASE_URL",
        hide_env_values = true
    )]
    pub base_url: Option<String>,

    /// Start the local sandbox in-process on a free port and use it with its
    /// demo credentials (ignores MINTED_BASE_URL and the credentials).
    #[arg(long)]
    pub sandbox: bool,

    /// The x-client-id header [default: web].
    #[arg(
        long,
        value_name = "ID",
        env = "MINTED_CLIENT_ID",
        hide_env_values = true
    )]
    pub client_id: Option<String>,

    /// The api-version header (the vendor shows 2 and 3) [default: not sent].
    #[arg(
        long,
        value_name = "V",
        env = "MINTED_API_VERSION",
        hide_env_values = true
    )]
    pub api_version: Option<String>,

    /// The Accept-Language header: tr or en selects the language of the
    /// server's messages [default: tr].
    #[arg(long, value_name = "L", env = "MINTED_LANG", hide_env_values = true)]
    pub lang: Option<String>,

    /// Give up on one exchange after this many seconds [default: 30].
    #[arg(long, value_name = "SECS", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,

    /// Require identity_number to be a valid 11-digit TC Kimlik No.
    #[arg(long)]
    pub strict_tr: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Update a customer (PATCH /partner/customer/{id}); prints the stored record.
    Update {
        /// The partner's id of the customer (percent-encoded in the path).
        #[arg(value_name = "EXTERNAL_ID")]
        id: String,
        /// The fields to send.
        #[command(flatten)]
        body: BodyArgs,
        /// Validate and print the HTTP request instead of sending it.
        #[arg(long)]
        dry_run: bool,
    },
    /// Show a customer (GET /partner/customer/{id}).
    Get {
        /// The partner's id of the customer.
        #[arg(value_name = "EXTERNAL_ID")]
        id: String,
    },
    /// Create a customer (POST /partner/customer); prints the stored record.
    Create {
        /// The new customer's id, 3-40 of A-Z a-z 0-9 _ - (or external_id in the JSON).
        #[arg(long, value_name = "ID")]
        external_id: Option<String>,
        /// The fields to send.
        #[command(flatten)]
        body: BodyArgs,
        /// Validate and print the HTTP request instead of sending it.
        #[arg(long)]
        dry_run: bool,
    },
    /// Remove a customer (DELETE /partner/customer/{id}); prints nothing.
    Delete {
        /// The partner's id of the customer.
        #[arg(value_name = "EXTERNAL_ID")]
        id: String,
    },
    /// Run the local sandbox server in the foreground until interrupted.
    Sandbox {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, value_name = "N", default_value_t = 0)]
        port: u16,
    },
}

/// The customer fields: a JSON file in the vendor's body shape, or flags.
#[derive(Debug, Args)]
pub struct BodyArgs {
    /// Read the fields from a JSON file in the vendor's body shape (- reads
    /// stdin); null or "" means absent for an optional field.
    #[arg(
        long,
        value_name = "FILE|-",
        conflicts_with_all = [
            "firstname", "middlename", "lastname", "fullname", "email", "phone", "gender",
            "identity_number", "birthdate",
        ]
    )]
    pub json: Option<PathBuf>,

    /// First name (3-40 characters).
    #[arg(long)]
    pub firstname: Option<String>,
    /// Middle name (optional, 3-40 characters).
    #[arg(long)]
    pub middlename: Option<String>,
    /// Last name (3-40 characters).
    #[arg(long)]
    pub lastname: Option<String>,
    /// Full name (optional, at most 255 characters).
    #[arg(long)]
    pub fullname: Option<String>,
    /// E-mail address.
    #[arg(long)]
    pub email: Option<String>,
    /// Phone number, e.g. "+90 532 280 80 35".
    #[arg(long)]
    pub phone: Option<String>,
    /// Gender (optional).
    #[arg(long, value_name = "M|F")]
    pub gender: Option<String>,
    /// Identity number (TC Kimlik No checked only with --strict-tr).
    #[arg(long)]
    pub identity_number: Option<String>,
    /// Birth date (optional).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub birthdate: Option<String>,
}

/// A positive number of seconds, fractions allowed.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| "expected a number of seconds, e.g. 30 or 2.5".to_owned())?;
    if seconds.is_nan() || seconds <= 0.0 {
        return Err("the timeout must be more than 0 seconds".to_owned());
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| "the timeout is too large".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn timeouts() {
        assert_eq!(parse_timeout("2.5"), Ok(Duration::from_millis(2500)));
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("-1").is_err());
        assert!(parse_timeout("NaN").is_err());
        assert!(parse_timeout("soon").is_err());
    }
}
