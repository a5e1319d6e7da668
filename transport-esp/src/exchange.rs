//! One request and its response over an embedded-svc [`Connection`], in the
//! order the core's transport contract gives (see `minted_connect_core::call`).
//!
//! The steps, and how each failure is reported to the core:
//!
//! | step | on error |
//! |---|---|
//! | `initiate_request(method, full URL, headers)` | [`TransportFailure::NotSent`] |
//! | `write` the body | [`TransportFailure::MaybeSent`] |
//! | `initiate_response()` | [`TransportFailure::MaybeSent`] |
//! | `status()`, `split()`: the headers, the body into the lent buffer | `MaybeSent` (a read error, a body cut short); a body too large: [`TransportFailure::ResponseUnusable`] |
//!
//! `initiate_request` is where a connection is opened (DNS, TCP, TLS) and
//! the head is written, so a failure there is reported as not sent: every
//! operation that carries a body (create, update) cannot have been acted on
//! without it, and get and remove are safe to repeat anyway.
//!
//! `status()` and the headers are only read after `initiate_response`
//! succeeded and [`Connection::is_response_initiated`] confirms it:
//! esp-idf-svc panics otherwise.

use embedded_svc::http::client::Connection;
use embedded_svc::http::{Headers, Method as SvcMethod, Status};
use embedded_svc::io::Read;
use minted_connect_core::auth::CnonceSource;
use minted_connect_core::call::{Call, Response, Step, TransportFailure};
use minted_connect_core::request::Method;

use crate::error::{Error, InvalidRequest, ProtocolError, Stage, TransportError};
use crate::url;

/// How one exchange ended when it did not produce a [`Step`].
pub(crate) enum Failure<E> {
    /// The operation ends with this error; the core is not asked.
    End(Error<E>),
    /// The exchange broke: ask the core whether to retry, and report the
    /// error if it gives up.
    Broken(TransportFailure, Error<E>),
}

/// Opens a fresh connection (see [`EspClient::with_reconnect`](crate::EspClient::with_reconnect)).
pub(crate) type Reconnect<C> = fn() -> Result<C, <C as embedded_svc::io::ErrorType>::Error>;

/// Sends the call's current request and hands the response to the call.
pub(crate) fn exchange<C: Connection>(
    connection: &mut C,
    reconnect: Option<Reconnect<C>>,
    base_url: &str,
    url_buf: &mut [u8],
    call: &mut Call<'_>,
    response_buf: &mut [u8],
    cnonce: &mut dyn CnonceSource,
) -> Result<Step, Failure<C::Error>> {
    send(connection, reconnect, base_url, url_buf, call, cnonce)?;
    if !connection.is_response_initiated() {
        return Err(Failure::Broken(
            TransportFailure::MaybeSent,
            Error::Protocol(ProtocolError::ResponseNotInitiated),
        ));
    }

    let status = connection.status();
    let (head, reader) = connection.split();
    // embedded-svc gives one value per header name (esp-idf-svc keeps the
    // last line of a repeated header).
    let challenge = head.header("WWW-Authenticate");
    let challenges: &[&str] = match &challenge {
        Some(value) => core::slice::from_ref(value),
        None => &[],
    };
    let body_len = read_body(reader, head.content_len(), response_buf)?;
    let body = response_buf.get(..body_len).unwrap_or(&[]);
    let response = Response {
        status,
        www_authenticate: challenges,
        authentication_info: head.header("Authentication-Info"),
        retry_after: head.header("Retry-After"),
        body,
    };
    call.response(&response, cnonce)
        .map_err(|e| Failure::End(Error::from_call(e)))
}

/// Sends the call's current request and initiates the response.
fn send<C: Connection>(
    connection: &mut C,
    reconnect: Option<Reconnect<C>>,
    base_url: &str,
    url_buf: &mut [u8],
    call: &mut Call<'_>,
    cnonce: &mut dyn CnonceSource,
) -> Result<(), Failure<C::Error>> {
    let request = call
        .request(cnonce)
        .map_err(|e| Failure::End(Error::from_call(e)))?;
    let full_url = url::join(base_url, request.path, url_buf)
        .ok_or(Failure::End(Error::Validation(InvalidRequest::UrlTooLong)))?;

    // The core's headers exactly as given: they always carry
    // `Content-Length` for PATCH and POST (esp-idf-svc would otherwise open
    // those with a zero-length body), and GET and DELETE send none.
    let headers: &[(&str, &str)] = &request.headers;

    // A connection left in the request phase by an earlier failure cannot
    // start a new request (esp-idf-svc panics): replace it, or stop.
    if connection.is_request_initiated() {
        let open = reconnect.ok_or(Failure::End(Error::Protocol(
            ProtocolError::ConnectionStuck,
        )))?;
        *connection = open().map_err(|e| broken(Stage::Open, TransportFailure::NotSent, e))?;
    }
    connection
        .initiate_request(svc_method(request.method), full_url, headers)
        .map_err(|e| broken(Stage::Open, TransportFailure::NotSent, e))?;
    write_body(connection, request.body)?;
    connection
        .initiate_response()
        .map_err(|e| broken(Stage::Receive, TransportFailure::MaybeSent, e))?;
    Ok(())
}

fn broken<E>(stage: Stage, failure: TransportFailure, source: E) -> Failure<E> {
    Failure::Broken(
        failure,
        Error::Transport(TransportError {
            stage,
            failure,
            source,
        }),
    )
}

/// Writes the whole body (`write_all` would panic on a write of zero bytes).
fn write_body<C: Connection>(connection: &mut C, mut body: &[u8]) -> Result<(), Failure<C::Error>> {
    while !body.is_empty() {
        match connection.write(body) {
            Ok(0) => {
                return Err(Failure::Broken(
                    TransportFailure::MaybeSent,
                    Error::Protocol(ProtocolError::WriteStalled),
                ));
            }
            Ok(written) => body = body.get(written..).unwrap_or(&[]),
            Err(e) => return Err(broken(Stage::SendBody, TransportFailure::MaybeSent, e)),
        }
    }
    connection
        .flush()
        .map_err(|e| broken(Stage::SendBody, TransportFailure::MaybeSent, e))
}

/// Reads the body into `buf` and returns its length. A body larger than
/// `buf` is refused without reading the rest: at once when `Content-Length`
/// says so, else after one byte past the buffer.
fn read_body<R: Read>(
    reader: &mut R,
    content_len: Option<u64>,
    buf: &mut [u8],
) -> Result<usize, Failure<R::Error>> {
    let limit = buf.len();
    let too_large = || {
        Failure::Broken(
            TransportFailure::ResponseUnusable,
            Error::Protocol(ProtocolError::BodyTooLarge { limit }),
        )
    };
    if content_len.is_some_and(|expected| expected > limit as u64) {
        return Err(too_large());
    }
    // With a known length, stop there: a kept-alive connection would block
    // on a read past it.
    let wanted = content_len.map_or(limit, |n| n as usize);
    let mut filled = 0;
    while filled < wanted {
        let Some(rest) = buf.get_mut(filled..wanted) else {
            break;
        };
        match reader.read(rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) => return Err(broken(Stage::ReadBody, TransportFailure::MaybeSent, e)),
        }
    }
    match content_len {
        Some(expected) if (filled as u64) < expected => Err(Failure::Broken(
            TransportFailure::MaybeSent,
            Error::Protocol(ProtocolError::BodyTruncated {
                expected,
                received: filled,
            }),
        )),
        Some(_) => Ok(filled),
        None if filled < limit => Ok(filled),
        None => {
            // The buffer is full and the length unknown: one more byte
            // decides whether the body was larger.
            let mut probe = [0u8; 1];
            match reader.read(&mut probe) {
                Ok(0) => Ok(filled),
                Ok(_) => Err(too_large()),
                Err(e) => Err(broken(Stage::ReadBody, TransportFailure::MaybeSent, e)),
            }
        }
    }
}

/// The embedded-svc method for the core's method.
pub(crate) fn svc_method(method: Method) -> SvcMethod {
    match method {
        Method::Get => SvcMethod::Get,
        Method::Post => SvcMethod::Post,
        Method::Patch => SvcMethod::Patch,
        Method::Delete => SvcMethod::Delete,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_method_maps() {
        assert_eq!(svc_method(Method::Patch), SvcMethod::Patch);
        assert_eq!(svc_method(Method::Get), SvcMethod::Get);
        assert_eq!(svc_method(Method::Post), SvcMethod::Post);
        assert_eq!(svc_method(Method::Delete), SvcMethod::Delete);
    }
}
