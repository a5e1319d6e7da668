//! Exit codes and the one-line error messages of the `minted` program.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 2 | usage or validation error: nothing was sent |
//! | 3 | the API rejected the request: 404, 422, 429 and any other 4xx but 401/403, a redirect, `success: false` |
//! | 4 | authentication failed: 401/403, or a challenge the client cannot answer |
//! | 5 | network, timeout, TLS, 5xx, or a malformed or oversized response |
//!
//! Messages name fields, statuses and causes; they never carry a field's
//! value, the password or a response body beyond the server's messages.

use std::error::Error as StdError;
use std::fmt;

use minted_connect_core::json::InvalidDetails;
use minted_connect_std::{ApiError, Error};

/// Success.
pub const EXIT_OK: u8 = 0;
/// Usage or validation error; nothing was sent.
pub const EXIT_USAGE: u8 = 2;
/// The API rejected the request (404, 422, other 4xx except 401/403).
pub const EXIT_REJECTED: u8 = 3;
/// Authentication failed (401/403).
pub const EXIT_AUTHENTICATION: u8 = 4;
/// Network, timeout, TLS, 5xx or a malformed response.
pub const EXIT_UNAVAILABLE: u8 = 5;

/// A failed run: the exit code and the message after `error: `.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The process exit code.
    pub code: u8,
    /// One line, without the `error: ` prefix.
    pub message: String,
}

impl Failure {
    /// A usage or validation failure (exit code 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_USAGE,
            message: one_line(message.into()),
        }
    }

    /// A failure with an explicit code.
    pub fn new(code: u8, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: one_line(message.into()),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure::new(exit_code(&error), describe(&error))
    }
}

/// The exit code for a client error.
pub fn exit_code(error: &Error) -> u8 {
    match error {
        Error::Validation(_) | Error::Config(_) => EXIT_USAGE,
        Error::Invalid(_) | Error::Api(_) | Error::RateLimited { .. } => EXIT_REJECTED,
        Error::Authentication(_) => EXIT_AUTHENTICATION,
        Error::Server { .. } | Error::Transport(_) | Error::Protocol(_) | Error::Internal(_) => {
            EXIT_UNAVAILABLE
        }
        _ => EXIT_UNAVAILABLE,
    }
}

/// The message for a client error: the status where there is one, the
/// fields the server named, and for network and protocol failures the
/// underlying cause.
pub fn describe(error: &Error) -> String {
    match error {
        Error::Validation(errors) => format!("invalid input, nothing was sent: {errors}"),
        Error::Invalid(details) => format!(
            "the API refused the parameters (HTTP 422): {}",
            invalid(details)
        ),
        Error::Api(api) => describe_api(api),
        Error::RateLimited { .. } => format!("{error} (HTTP 429)"),
        Error::Transport(_) | Error::Protocol(_) | Error::Internal(_) => {
            match innermost_cause(error) {
                Some(cause) => format!("{error} ({cause})"),
                None => error.to_string(),
            }
        }
        _ => error.to_string(),
    }
}

fn describe_api(error: &ApiError) -> String {
    match error {
        ApiError::NotFound => {
            "customer not found (HTTP 404): check the external customer id".to_owned()
        }
        ApiError::UnexpectedStatus { status } if (300..400).contains(status) => format!(
            "the API answered with a redirect (HTTP {status}), which is never followed: \
             check the base URL"
        ),
        ApiError::UnexpectedStatus { status } => {
            format!("the API refused the request (HTTP {status})")
        }
        ApiError::Rejected {
            code: Some(code),
            message,
        } => format!("the API refused the request (success: false, code {code}): {message}"),
        ApiError::Rejected {
            code: None,
            message,
        } => format!("the API refused the request (success: false): {message}"),
        other => format!("the API refused the request: {other}"),
    }
}

/// A 422's field messages (`field: message; …`), or its top-level message
/// when it names no field. Laravel's top-level message only repeats the
/// first field message, so it is left out when there are field messages.
fn invalid(details: &InvalidDetails) -> String {
    let mut parts: Vec<String> = details
        .fields
        .iter()
        .map(|m| format!("{}: {}", m.field, m.message))
        .collect();
    if parts.is_empty() {
        parts.push(
            details
                .message
                .as_deref()
                .filter(|m| !m.is_empty())
                .unwrap_or("invalid parameters (the server named no field)")
                .to_owned(),
        );
    }
    if details.omitted > 0 {
        parts.push(format!("and {} more", details.omitted));
    }
    parts.join("; ")
}

/// The last error of the `source` chain, unless it repeats the line.
fn innermost_cause(error: &Error) -> Option<String> {
    let mut cause: Option<&(dyn StdError + 'static)> = error.source();
    let mut last = None;
    while let Some(current) = cause {
        last = Some(current);
        cause = current.source();
    }
    last.map(ToString::to_string)
        .filter(|text| !text.is_empty())
}

/// Joins the lines of a message (a cause may span several).
fn one_line(message: String) -> String {
    if message.contains(['\n', '\r']) {
        message
            .split(['\n', '\r'])
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        message
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minted_connect_core::call::AuthFailure;
    use minted_connect_core::json::FieldMessage;
    use minted_connect_core::validate::{Field, FieldError, Rule, ValidationErrors};

    #[test]
    fn codes_follow_the_contract() {
        let mut errors = ValidationErrors::new();
        errors.push(FieldError::new(Field::Email, Rule::InvalidEmail));
        assert_eq!(exit_code(&Error::Validation(errors.clone())), 2);
        assert_eq!(exit_code(&Error::Api(Box::new(ApiError::NotFound))), 3);
        assert_eq!(
            exit_code(&Error::Api(Box::new(ApiError::UnexpectedStatus {
                status: 409
            }))),
            3
        );
        assert_eq!(exit_code(&Error::RateLimited { retry_after: None }), 3);
        for failure in [
            AuthFailure::CredentialsRejected,
            AuthFailure::Unauthorized,
            AuthFailure::Forbidden,
        ] {
            assert_eq!(exit_code(&Error::Authentication(failure)), 4);
        }
        assert_eq!(
            exit_code(&Error::Server {
                status: 503,
                requests: 3
            }),
            5
        );
        let line = Failure::from(Error::Validation(errors)).to_string();
        assert_eq!(
            line,
            "error: invalid input, nothing was sent: email is not a valid e-mail address"
        );
    }

    #[test]
    fn a_422_names_the_fields_and_the_status() {
        let mut details = InvalidDetails {
            message: Some("The email has already been taken.".try_into().unwrap()),
            ..InvalidDetails::default()
        };
        details
            .fields
            .push(FieldMessage {
                field: "email".try_into().unwrap(),
                message: "The email has already been taken.".try_into().unwrap(),
            })
            .unwrap();
        let failure = Failure::from(Error::Invalid(Box::new(details)));
        assert_eq!(failure.code, 3);
        assert!(failure.message.contains("HTTP 422"), "{}", failure.message);
        assert_eq!(
            failure.message,
            "the API refused the parameters (HTTP 422): email: The email has already been taken."
        );
        let bare = Failure::from(Error::Invalid(Box::default()));
        assert!(
            bare.message.ends_with("(the server named no field)"),
            "{}",
            bare.message
        );
    }

    #[test]
    fn messages_are_one_line() {
        assert_eq!(Failure::usage("a\nb\r\n  c").message, "a b c");
    }
}
