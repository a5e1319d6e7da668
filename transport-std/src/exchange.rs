//! One HTTP exchange over ureq: send what the core built, read what came
//! back, and map every failure to the core's [`TransportFailure`] plus the
//! error the caller sees if the core gives up.
//!
//! The agent is built once per client: keep-alive, rustls, 4xx/5xx returned
//! as responses (`http_status_as_error(false)`), **no redirects followed**
//! (`max_redirects(0)`: a 3xx reaches the core as an unexpected status, so
//! `Authorization` can never travel to another host), no automatic
//! `User-Agent`/`Accept` (the core sends its own), finite timeouts, and
//! the [`NameCache`] resolver (IP literals need no lookup, names are looked
//! up once a minute instead of on a new thread before every request).

use std::io::{self, Read};
use std::sync::Arc;

use minted_connect_core::call::{Request, TransportFailure};
use minted_connect_core::request::Method;
use ureq::config::AutoHeaderValue;
use ureq::http::HeaderName;
use ureq::http::header::{RETRY_AFTER, WWW_AUTHENTICATE};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::unversioned::transport::DefaultConnector;
use ureq::{Agent, Proxy, RequestBuilder, Timeout};

use crate::config::{Config, RootCertificate};
use crate::error::{
    ConfigError, Error, ProtocolError, ProtocolErrorKind, TransportError, TransportErrorKind,
};
use crate::resolver::{NameCache, is_lookup_error};

/// Builds the one agent of a client, and returns the handle of its
/// resolver's cache with it.
pub(crate) fn build_agent(config: &Config) -> Result<(Agent, NameCache), ConfigError> {
    let mut tls = TlsConfig::builder();
    if !config.root_certificates.is_empty() {
        let roots = read_root_certificates(&config.root_certificates)?;
        tls = tls.root_certs(RootCerts::Specific(Arc::new(roots)));
    }
    let proxy = match &config.proxy {
        Some(url) => Some(Proxy::new(url).map_err(|e| ConfigError::Proxy(Box::new(e)))?),
        None => None,
    };
    let agent_config = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .https_only(false)
        .user_agent(AutoHeaderValue::None)
        .accept(AutoHeaderValue::None)
        .accept_encoding(AutoHeaderValue::None)
        .proxy(proxy)
        .timeout_connect(Some(config.connect_timeout))
        .timeout_global(Some(config.timeout))
        .tls_config(tls.build())
        .build();
    let names = NameCache::new();
    let agent = Agent::with_parts(agent_config, DefaultConnector::default(), names.clone());
    Ok((agent, names))
}

fn read_root_certificates(
    certificates: &[RootCertificate],
) -> Result<Vec<Certificate<'static>>, ConfigError> {
    let mut roots = Vec::new();
    for certificate in certificates {
        match certificate {
            RootCertificate::Der(der) => roots.push(Certificate::from_der(der).to_owned()),
            RootCertificate::Pem(pem) => {
                let before = roots.len();
                for item in ureq::tls::parse_pem(pem) {
                    if let PemItem::Certificate(cert) =
                        item.map_err(|e| ConfigError::Certificate(Box::new(e)))?
                    {
                        roots.push(cert);
                    }
                }
                if roots.len() == before {
                    return Err(ConfigError::Certificate(
                        "the PEM data holds no CERTIFICATE block".into(),
                    ));
                }
            }
        }
    }
    Ok(roots)
}

/// The response as far as the core needs it; the body is in the caller's
/// buffer.
/// RFC 7616's `Authentication-Info` (not among `http`'s standard names).
/// The names are built once: looking a header up by `&str` parses the name
/// on every call (about 260 instructions each).
const AUTHENTICATION_INFO: HeaderName = HeaderName::from_static("authentication-info");

#[derive(Debug)]
pub(crate) struct Received {
    pub(crate) status: u16,
    pub(crate) www_authenticate: Vec<String>,
    pub(crate) authentication_info: Option<String>,
    pub(crate) retry_after: Option<String>,
}

/// A failed exchange: what the core needs to decide, and what the caller
/// sees when the core gives up.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) kind: TransportFailure,
    pub(crate) error: Error,
}

impl Failure {
    /// No connection could be made (refused, unreachable, connect timeout):
    /// the host's cached addresses may be stale.
    pub(crate) fn could_not_connect(&self) -> bool {
        self.kind == TransportFailure::NotSent
            && matches!(
                &self.error,
                Error::Transport(error)
                    if matches!(error.kind(), TransportErrorKind::Connect | TransportErrorKind::Timeout)
            )
    }
}

/// Sends `request` to `url` and reads the response body into `body`
/// (cleared first), refusing more than `limit` bytes.
pub(crate) fn exchange(
    agent: &Agent,
    url: &str,
    target: &str,
    request: &Request<'_>,
    body: &mut Vec<u8>,
    limit: usize,
) -> Result<Received, Failure> {
    let sent = match request.method {
        Method::Get => with_headers(agent.get(url), request).call(),
        Method::Delete => with_headers(agent.delete(url), request).call(),
        Method::Patch => with_headers(agent.patch(url), request).send(request.body),
        Method::Post => with_headers(agent.post(url), request).send(request.body),
    };
    let mut response = sent.map_err(|e| map_send_error(e, target))?;

    let headers = response.headers();
    let received = Received {
        status: response.status().as_u16(),
        www_authenticate: headers
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(text)
            .map(str::to_owned)
            .collect(),
        authentication_info: headers
            .get(AUTHENTICATION_INFO)
            .and_then(text)
            .map(str::to_owned),
        retry_after: headers.get(RETRY_AFTER).and_then(text).map(str::to_owned),
    };
    let too_large = || Failure {
        kind: TransportFailure::ResponseUnusable,
        error: Error::Protocol(ProtocolError::new(
            ProtocolErrorKind::TooLarge { limit },
            None,
        )),
    };
    // A declared length over the limit is refused without reading a byte.
    let declared = response.body().content_length();
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large());
    }

    body.clear();
    if let Some(len) = declared.and_then(|len| usize::try_from(len).ok()) {
        body.reserve(len);
    }
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    response
        .body_mut()
        .as_reader()
        .take(cap)
        .read_to_end(body)
        .map_err(|e| map_read_error(e, target))?;
    if body.len() > limit {
        // Dropping the response closes the connection unread.
        return Err(too_large());
    }
    Ok(received)
}

fn with_headers<B>(mut builder: RequestBuilder<B>, request: &Request<'_>) -> RequestBuilder<B> {
    for (name, value) in &request.headers {
        builder = builder.header(*name, *value);
    }
    builder
}

/// A header value as text; a value that is not UTF-8 is skipped.
fn text(value: &ureq::http::HeaderValue) -> Option<&str> {
    std::str::from_utf8(value.as_bytes()).ok()
}

/// A failure before the response head was complete.
fn map_send_error(error: ureq::Error, target: &str) -> Failure {
    use TransportFailure::{MaybeSent, NotSent, ResponseUnusable};
    let (kind, error_kind) = match &error {
        ureq::Error::HostNotFound => (NotSent, TransportErrorKind::Dns),
        ureq::Error::Timeout(Timeout::Resolve) => (NotSent, TransportErrorKind::Dns),
        ureq::Error::Timeout(Timeout::Connect) => (NotSent, TransportErrorKind::Timeout),
        ureq::Error::Timeout(_) => (MaybeSent, TransportErrorKind::Timeout),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => {
            (NotSent, TransportErrorKind::Tls)
        }
        ureq::Error::ConnectionFailed => (NotSent, TransportErrorKind::Connect),
        ureq::Error::ConnectProxyFailed(_) | ureq::Error::InvalidProxyUrl => {
            (NotSent, TransportErrorKind::Proxy)
        }
        ureq::Error::Io(io) if is_lookup_error(io) => (NotSent, TransportErrorKind::Dns),
        ureq::Error::Io(io) if is_tls_error(io) => (NotSent, TransportErrorKind::Tls),
        ureq::Error::Io(io) if is_connect_error(io.kind()) => {
            (NotSent, TransportErrorKind::Connect)
        }
        ureq::Error::Io(_) => (MaybeSent, TransportErrorKind::Io),
        ureq::Error::Protocol(_) | ureq::Error::LargeResponseHeader(..) => {
            return Failure {
                kind: ResponseUnusable,
                error: Error::Protocol(ProtocolError::new(
                    ProtocolErrorKind::MalformedHttp,
                    Some(Box::new(error)),
                )),
            };
        }
        // A URL or header that ureq refuses: Client::new checks both, so
        // this is a bug; nothing was sent and repeating cannot help.
        _ => {
            return Failure {
                kind: ResponseUnusable,
                error: Error::Internal(Box::new(error)),
            };
        }
    };
    Failure {
        kind,
        error: Error::Transport(TransportError::new(error_kind, target, Box::new(error))),
    }
}

/// A failure while reading the body (the head had arrived).
fn map_read_error(error: io::Error, target: &str) -> Failure {
    let error = ureq::Error::from(error);
    let protocol = |kind, error: ureq::Error| Failure {
        kind: TransportFailure::ResponseUnusable,
        error: Error::Protocol(ProtocolError::new(kind, Some(Box::new(error)))),
    };
    match &error {
        ureq::Error::Io(io) if io.kind() == io::ErrorKind::UnexpectedEof => {
            protocol(ProtocolErrorKind::Truncated, error)
        }
        ureq::Error::Protocol(_) | ureq::Error::BodyStalled => {
            protocol(ProtocolErrorKind::MalformedHttp, error)
        }
        ureq::Error::Timeout(_) => Failure {
            kind: TransportFailure::MaybeSent,
            error: Error::Transport(TransportError::new(
                TransportErrorKind::Timeout,
                target,
                Box::new(error),
            )),
        },
        _ => Failure {
            kind: TransportFailure::MaybeSent,
            error: Error::Transport(TransportError::new(
                TransportErrorKind::Io,
                target,
                Box::new(error),
            )),
        },
    }
}

/// Errors that happen before a connection exists.
fn is_connect_error(kind: io::ErrorKind) -> bool {
    matches!(
        kind,
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::AddrNotAvailable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkDown
    )
}

/// rustls reports a failed handshake as an `io::Error` wrapping its error.
fn is_tls_error(error: &io::Error) -> bool {
    error
        .get_ref()
        .is_some_and(|inner| inner.is::<rustls::Error>())
}
