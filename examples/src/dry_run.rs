//! `--dry-run`: the HTTP request an operation would send, built by the same
//! core code the client uses ([`Call`]) and written by the core's HTTP/1.1
//! head encoder, with the `Authorization` value redacted.
//!
//! The headers are exactly the ones [`Call::request`] gives the transport,
//! in its order, after `Host`. With digest credentials the first request of
//! a session goes out without `Authorization` and the server's challenge
//! adds it (as the last header); a dry run shows that authenticated form,
//! `Authorization: Digest <redacted>`. A preset value is shown as
//! `Authorization: <redacted>`. Nothing is sent and no digest is computed.

use minted_connect_core::auth::{CnonceSource, DigestSession};
use minted_connect_core::call::{
    Authentication, Call, CallBuffers, CallError, Operation, RetryPolicy,
};
use minted_connect_core::http::{HeadError, RequestHead, encode_head_for_body};
use minted_connect_core::request::RequestSettings;

use crate::target::Target;

/// How the rendered request authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthShown {
    /// No `Authorization` header.
    None,
    /// `Authorization: Digest <redacted>`.
    Digest,
    /// `Authorization: <redacted>`.
    Preset,
}

/// Why a dry run could not be rendered.
#[derive(Debug)]
pub enum DryRunError {
    /// The core refused the operation (settings, id, body): nothing would
    /// be sent either. Boxed: a call error can carry a server's 422 details.
    Call(Box<CallError>),
    /// The head cannot be written (a `Host` or target the HTTP codec
    /// refuses).
    Head(HeadError),
}

impl std::fmt::Display for DryRunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DryRunError::Call(error) => error.fmt(f),
            DryRunError::Head(error) => write!(f, "the request head cannot be written: {error}"),
        }
    }
}

impl std::error::Error for DryRunError {}

/// No digest is computed in a dry run, so no randomness is needed.
struct NoRandomness;

impl CnonceSource for NoRandomness {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        dest.fill(0);
    }
}

/// The request `operation` would send to `target`: head (CRLF line ends),
/// blank line, body.
pub fn render(
    operation: Operation<'_>,
    settings: &RequestSettings<'_>,
    auth: AuthShown,
    target: &Target,
) -> Result<Vec<u8>, DryRunError> {
    let mut session = DigestSession::new();
    let mut buffers = Box::new(CallBuffers::new());
    let mut call = Call::new(
        operation,
        settings,
        Authentication::None,
        &mut session,
        RetryPolicy::none(),
        &mut buffers,
    )
    .map_err(|e| DryRunError::Call(Box::new(e)))?;
    let request = call
        .request(&mut NoRandomness)
        .map_err(|e| DryRunError::Call(Box::new(e)))?;

    let mut headers: Vec<(&str, &str)> = request.headers.iter().copied().collect();
    match auth {
        AuthShown::None => {}
        AuthShown::Digest => headers.push(("Authorization", "Digest <redacted>")),
        AuthShown::Preset => headers.push(("Authorization", "<redacted>")),
    }
    let request_target = target.request_target(request.path);
    let head = RequestHead {
        method: request.method.as_str(),
        target: &request_target,
        host: &target.host,
        headers: &headers,
    };
    let capacity = head.encoded_len().unwrap_or(0) + request.body.len() + 64;
    let mut out = vec![0u8; capacity];
    let len =
        encode_head_for_body(&head, request.body.len(), &mut out).map_err(DryRunError::Head)?;
    out.truncate(len);
    out.extend_from_slice(request.body);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::CustomerFields;
    use minted_connect_core::validate::ValidationProfile;

    fn target() -> Target {
        Target::parse("http://127.0.0.1:8080/").unwrap()
    }

    #[test]
    fn update_is_the_clients_request_with_authorization_redacted() {
        let fields = CustomerFields::from_json(include_bytes!("../data/customer.json")).unwrap();
        let update = fields.validate_update(ValidationProfile::Lenient).unwrap();
        let settings = RequestSettings::new();
        let bytes = render(
            Operation::Update {
                id: "MTD0018232",
                customer: &update,
            },
            &settings,
            AuthShown::Digest,
            &target(),
        )
        .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let lines: Vec<&str> = head.split("\r\n").collect();
        assert_eq!(lines[0], "PATCH /partner/customer/MTD0018232 HTTP/1.1");
        assert_eq!(lines[1], "Host: 127.0.0.1:8080");
        assert!(lines.contains(&"Content-Type: application/json"));
        assert!(lines.contains(&"x-client-id: web"));
        assert!(lines.contains(&"Accept-Language: tr"));
        assert_eq!(
            lines.last(),
            Some(&"Authorization: Digest <redacted>"),
            "{lines:?}"
        );
        assert!(lines.contains(&format!("Content-Length: {}", body.len()).as_str()));
        let sent: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(sent["lastname"], "Gülbilge");
        assert!(sent.get("middlename").is_none(), "\"\" means absent");
    }

    #[test]
    fn ids_are_percent_encoded_and_prefixes_kept() {
        let settings = RequestSettings::new();
        let target = Target::parse("https://gw.example.com/minted/").unwrap();
        let bytes = render(
            Operation::Get { id: "a/b c?ş" },
            &settings,
            AuthShown::Preset,
            &target,
        )
        .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.starts_with("GET /minted/partner/customer/a%2Fb%20c%3F%C5%9F HTTP/1.1\r\n"),
            "{text}"
        );
        assert!(
            text.contains("\r\nAuthorization: <redacted>\r\n\r\n"),
            "{text}"
        );
    }
}
