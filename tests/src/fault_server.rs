//! A raw TCP fault server for what an HTTP server cannot be made to do:
//! reset a connection at a chosen point, cut a body short and close cleanly,
//! send invalid UTF-8 or two different `Content-Length` headers, redirect to
//! another host, answer `503` forever.
//!
//! Each [`FaultServer`] listens on an ephemeral port of a loopback address
//! (`127.0.0.1` unless [`FaultServer::start_on`] names another one of
//! `127.0.0.0/8`), accepts on its own thread and serves every connection on
//! a thread of its own: it reads one request (head and `Content-Length`
//! body), records it, and answers with its [`Fault`]. Every connection is
//! closed after one answer, so what a client sees never depends on
//! keep-alive. Nothing here uses `unsafe` or a runtime: std and `socket2`.
//!
//! **Resets** are real TCP resets: `SO_LINGER` is set to zero (through
//! `socket2`, as std has no `set_linger`) before the socket is closed, so
//! the kernel sends `RST` instead of `FIN`. Before a reset the server waits
//! [`RESET_PAUSE`], so that what it wrote has reached the client first.
//! The **truncations** close cleanly (`FIN`): the client reads a short body
//! and then end-of-file.
//!
//! ```no_run
//! use minted_connect_tests::fault_server::{Fault, FaultServer};
//!
//! let server = FaultServer::start(Fault::ResetMidBody)?;
//! // … point a client at server.base_url() …
//! assert_eq!(server.requests().len(), 1);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Servers stop accepting when their handle is dropped. [`refused_base_url`]
//! gives a base URL where nothing listens.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use socket2::SockRef;

/// How long the server waits after its last write before a reset, so the
/// bytes are delivered before the `RST` (which would discard them).
pub const RESET_PAUSE: Duration = Duration::from_millis(150);

/// How long the server waits for a request before it gives up on a
/// connection (a client that connects and sends nothing).
pub const REQUEST_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest request head the server reads.
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// The body of a complete `200` answer: the API's envelope around the
/// vendor's example customer.
pub const CUSTOMER_BODY: &str = concat!(
    r#"{"data":{"id":18232,"external_id":"MTD0018232","company_id":2000000,"user_id":null,"#,
    r#""firstname":"Mehmet","middlename":null,"lastname":"G\u00fclbilge","#,
    r#""fullname":"Mehmet G\u00fclbilge","email":"mehmet.gulbilge@example.com","#,
    r#""phone":"+90 532 280 80 35","gender":"M","identity_number":"12345677938","#,
    r#""birthdate":"1970-01-31","created_at":"2024-01-15 10:20:30","#,
    r#""updated_at":"2024-01-15 10:20:30"},"success":true,"code":0,"message":"","meta":[]}"#
);

/// What the server does with each request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Read the request, then reset the connection: not one byte of a
    /// response.
    ResetBeforeHead,
    /// Send a complete `200` head announcing [`CUSTOMER_BODY`] by
    /// `Content-Length`, then reset before any body byte.
    ResetAfterHead,
    /// Send the head and the first half of the body, then reset.
    ResetMidBody,
    /// Announce the full `Content-Length`, send the first half of the body,
    /// then close cleanly (`FIN`).
    TruncatedLength,
    /// Send a chunked body's first chunks (half the body), then close
    /// cleanly without the last chunk (`0\r\n\r\n`).
    TruncatedChunked,
    /// A complete `200` whose JSON body holds bytes that are not UTF-8
    /// (`0xFF 0xFE` inside `firstname`), framed by a correct
    /// `Content-Length`.
    InvalidUtf8,
    /// A complete `200` with two different `Content-Length` headers: the
    /// body's true length first, then a larger one (RFC 9112 §6.3: an
    /// unrecoverable framing error).
    TwoContentLengths,
    /// Answer `status` (a 3xx) with `Location: location` and an empty body.
    Redirect {
        /// The status, e.g. `302` or `307`.
        status: u16,
        /// The absolute URL to redirect to.
        location: String,
    },
    /// Answer `503 Service Unavailable` to every request, with an API error
    /// envelope and `Retry-After` when given.
    EndlessUnavailable {
        /// The `Retry-After` value in seconds, if any.
        retry_after: Option<u32>,
    },
    /// Answer every request with a complete `200` and [`CUSTOMER_BODY`]: a
    /// well-behaved host, e.g. the target of a redirect.
    Answer,
}

/// One request as the fault server read it.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The request line (`PATCH /partner/customer/X HTTP/1.1`).
    pub request_line: String,
    /// Every header line, split at the first `:`, values trimmed.
    pub headers: Vec<(String, String)>,
    /// The body, read by `Content-Length`.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of a header (name matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the request carried an `Authorization` header.
    pub fn had_authorization(&self) -> bool {
        self.header("authorization").is_some()
    }
}

impl fmt::Debug for RecordedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may be credentials and bodies personal data.
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("RecordedRequest")
            .field("request_line", &self.request_line)
            .field("header_names", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// State shared between the handle and the server's threads.
#[derive(Debug, Default)]
struct Shared {
    connections: AtomicUsize,
    requests: Mutex<Vec<RecordedRequest>>,
    stop: AtomicBool,
}

/// A running fault server; dropping it stops the accept loop.
#[derive(Debug)]
pub struct FaultServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl FaultServer {
    /// Starts a server on `127.0.0.1` and an ephemeral port.
    pub fn start(fault: Fault) -> io::Result<FaultServer> {
        Self::start_on(Ipv4Addr::LOCALHOST, fault)
    }

    /// Starts a server on `ip` (an address of `127.0.0.0/8`, e.g.
    /// `127.0.0.2` to stand for another host) and an ephemeral port.
    ///
    /// Fails with `InvalidInput` for an address outside loopback: a test
    /// server never listens where other machines could reach it.
    pub fn start_on(ip: Ipv4Addr, fault: Fault) -> io::Result<FaultServer> {
        if !ip.is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the fault server listens on loopback addresses only",
            ));
        }
        let listener = TcpListener::bind((ip, 0))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let serving = Arc::clone(&shared);
        thread::Builder::new()
            .name(format!("fault-server-{}", addr.port()))
            .spawn(move || accept_loop(&listener, &serving, &fault))?;
        Ok(FaultServer { addr, shared })
    }

    /// `http://IP:PORT` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// The requests read so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Whether any request so far carried an `Authorization` header.
    pub fn received_authorization(&self) -> bool {
        self.requests()
            .iter()
            .any(RecordedRequest::had_authorization)
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

/// A redirecting server and the "other host" it points at, on
/// `127.0.0.2` (another loopback address, so another host to a client),
/// which answers well and records whether `Authorization` reached it.
#[derive(Debug)]
pub struct RedirectPair {
    /// Answers every request with the redirect.
    pub redirecting: FaultServer,
    /// The redirect's target: a well-behaved host ([`Fault::Answer`]).
    pub other_host: FaultServer,
}

impl RedirectPair {
    /// Starts both; the redirect goes to the same API path on the other host.
    pub fn start(status: u16) -> io::Result<RedirectPair> {
        let other_host = FaultServer::start_on(Ipv4Addr::new(127, 0, 0, 2), Fault::Answer)?;
        let location = format!("{}/partner/customer/MTD0018232", other_host.base_url());
        let redirecting = FaultServer::start(Fault::Redirect { status, location })?;
        Ok(RedirectPair {
            redirecting,
            other_host,
        })
    }
}

/// A base URL on `127.0.0.1` where nothing listens: connecting is refused.
///
/// The port was free a moment ago (bound and released); another process
/// could take it in between, which on a test machine does not happen.
pub fn refused_base_url() -> io::Result<String> {
    let port = {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        listener.local_addr()?.port()
    };
    Ok(format!(
        "http://{}",
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)
    ))
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>, fault: &Fault) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else { continue };
        shared.connections.fetch_add(1, Ordering::SeqCst);
        let (shared, fault) = (Arc::clone(shared), fault.clone());
        let spawned = thread::Builder::new()
            .name("fault-server-connection".to_owned())
            .spawn(move || serve(stream, &shared, &fault));
        if spawned.is_err() {
            // Out of threads: the connection is dropped (closed).
            continue;
        }
    }
}

/// Reads one request and answers it with `fault`; I/O errors end the
/// connection silently (the client may have gone away on purpose).
fn serve(mut stream: TcpStream, shared: &Shared, fault: &Fault) {
    let _ = stream.set_read_timeout(Some(REQUEST_READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(REQUEST_READ_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let Some(request) = read_request(&mut stream) else {
        return;
    };
    shared
        .requests
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(request);
    let _ = answer(&mut stream, fault);
}

fn answer(stream: &mut TcpStream, fault: &Fault) -> io::Result<()> {
    let body = CUSTOMER_BODY.as_bytes();
    let half = body.len() / 2;
    match fault {
        Fault::ResetBeforeHead => reset(stream),
        Fault::ResetAfterHead => {
            stream.write_all(json_head(200, "OK", body.len(), "").as_bytes())?;
            pause_then_reset(stream)
        }
        Fault::ResetMidBody => {
            stream.write_all(json_head(200, "OK", body.len(), "").as_bytes())?;
            stream.write_all(&body[..half])?;
            pause_then_reset(stream)
        }
        Fault::TruncatedLength => {
            stream.write_all(json_head(200, "OK", body.len(), "").as_bytes())?;
            stream.write_all(&body[..half])?;
            close(stream)
        }
        Fault::TruncatedChunked => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                        transfer-encoding: chunked\r\nconnection: close\r\n\r\n";
            stream.write_all(head.as_bytes())?;
            let quarter = body.len() / 4;
            for chunk in [&body[..quarter], &body[quarter..half]] {
                stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
                stream.write_all(chunk)?;
                stream.write_all(b"\r\n")?;
            }
            close(stream)
        }
        Fault::InvalidUtf8 => {
            let bad = invalid_utf8_body();
            stream.write_all(json_head(200, "OK", bad.len(), "").as_bytes())?;
            stream.write_all(&bad)?;
            close(stream)
        }
        Fault::TwoContentLengths => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n",
                body.len(),
                body.len() + 64
            );
            stream.write_all(head.as_bytes())?;
            stream.write_all(body)?;
            close(stream)
        }
        Fault::Redirect { status, location } => {
            let head = format!(
                "HTTP/1.1 {status} Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\n\
                 connection: close\r\n\r\n"
            );
            stream.write_all(head.as_bytes())?;
            close(stream)
        }
        Fault::EndlessUnavailable { retry_after } => {
            let envelope =
                r#"{"data":[],"success":false,"code":503,"message":"Service Unavailable"}"#;
            let extra = retry_after
                .map(|secs| format!("retry-after: {secs}\r\n"))
                .unwrap_or_default();
            let head = json_head(503, "Service Unavailable", envelope.len(), &extra);
            stream.write_all(head.as_bytes())?;
            stream.write_all(envelope.as_bytes())?;
            close(stream)
        }
        Fault::Answer => {
            stream.write_all(json_head(200, "OK", body.len(), "").as_bytes())?;
            stream.write_all(body)?;
            close(stream)
        }
    }
}

/// [`CUSTOMER_BODY`] with `0xFF 0xFE` inside the first name.
pub fn invalid_utf8_body() -> Vec<u8> {
    let at = CUSTOMER_BODY.find("Mehmet").map_or(0, |start| start + 3);
    let mut body = CUSTOMER_BODY.as_bytes().to_vec();
    body.splice(at..at, [0xFF, 0xFE]);
    body
}

/// A response head with a JSON content type, `Content-Length` and
/// `Connection: close`; `extra` is more header lines, each ending in CRLF.
fn json_head(status: u16, reason: &str, len: usize, extra: &str) -> String {
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n{extra}\
         content-length: {len}\r\nconnection: close\r\n\r\n"
    )
}

/// Waits for the written bytes to arrive, then resets.
fn pause_then_reset(stream: &mut TcpStream) -> io::Result<()> {
    stream.flush()?;
    thread::sleep(RESET_PAUSE);
    reset(stream)
}

/// `SO_LINGER` 0, then close: the kernel answers with `RST`.
fn reset(stream: &mut TcpStream) -> io::Result<()> {
    SockRef::from(&*stream).set_linger(Some(Duration::ZERO))?;
    // The socket closes when the caller drops the stream.
    Ok(())
}

/// A clean close (`FIN`) after the written bytes, without waiting for the
/// client to read them.
fn close(stream: &mut TcpStream) -> io::Result<()> {
    stream.flush()?;
    stream.shutdown(Shutdown::Write)?;
    // Drain what the client may still send, so that closing does not
    // turn into a reset because of unread bytes.
    let mut sink = [0u8; 1024];
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
    Ok(())
}

/// Reads one request: the head up to the blank line, then a
/// `Content-Length` body. `None` when the client sends nothing usable.
fn read_request(stream: &mut TcpStream) -> Option<RecordedRequest> {
    let mut reader = BufReader::new(stream);
    let mut lines = Vec::new();
    let mut total = 0;
    loop {
        let mut line = String::new();
        let read = reader.read_line(&mut line).ok()?;
        if read == 0 {
            return None;
        }
        total += read;
        if total > MAX_REQUEST_HEAD {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        if line.is_empty() {
            break;
        }
        lines.push(line);
    }
    let mut lines = lines.into_iter();
    let request_line = lines.next()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| {
            line.split_once(':')
                .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        })
        .collect();
    let mut request = RecordedRequest {
        request_line,
        headers,
        body: Vec::new(),
    };
    let length = request
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(1024 * 1024);
    request.body = vec![0; length];
    reader.read_exact(&mut request.body).ok()?;
    Some(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(server: &FaultServer) -> io::Result<Vec<u8>> {
        let mut stream = TcpStream::connect(server.addr())?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        stream.write_all(
            b"GET /partner/customer/X HTTP/1.1\r\nhost: x\r\nauthorization: t\r\n\r\n",
        )?;
        let mut out = Vec::new();
        stream.read_to_end(&mut out).map(|_| out)
    }

    #[test]
    fn a_reset_is_a_reset_and_a_truncation_a_clean_close() {
        let reset = FaultServer::start(Fault::ResetMidBody).unwrap();
        let error = exchange(&reset).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::ConnectionReset, "{error}");

        let truncated = FaultServer::start(Fault::TruncatedLength).unwrap();
        let bytes = exchange(&truncated).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.len() < CUSTOMER_BODY.len());
        assert_eq!(truncated.requests().len(), 1);
        assert!(truncated.received_authorization());
    }

    #[test]
    fn the_invalid_body_is_not_utf8_and_nothing_else_changed() {
        let body = invalid_utf8_body();
        assert!(std::str::from_utf8(&body).is_err());
        assert_eq!(body.len(), CUSTOMER_BODY.len() + 2);
    }

    #[test]
    fn only_loopback() {
        let error = FaultServer::start_on(Ipv4Addr::new(10, 0, 0, 1), Fault::Answer).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn nothing_listens_on_the_refused_url() {
        let url = refused_base_url().unwrap();
        let addr: SocketAddr = url.trim_start_matches("http://").parse().unwrap();
        let error = TcpStream::connect(addr).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::ConnectionRefused);
    }
}
