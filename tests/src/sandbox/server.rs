//! The HTTP server: hyper 1 (HTTP/1.1) on a one-worker tokio runtime that
//! runs on its own std thread, so the public API stays blocking and every
//! test can start its own sandbox on its own ephemeral port.
//!
//! Request flow: read the body (at most [`MAX_REQUEST_BODY`] bytes, else
//! `413`) → status faults (`502`/`503`/`429`) → routes outside `/partner/` get
//! `404` → digest check on `/partner/` (`401`/`400`) → `x-client-id` (`400`)
//! → the customer routes → encode PHP-style → `Authentication-Info` → log →
//! transport faults. hyper itself answers a malformed request line or header
//! block with `400` and closes the connection; the handler never panics on
//! request input.

use std::convert::Infallible;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

use super::config::{Algorithm, MAX_REQUEST_BODY, QopMode, SandboxConfig};
use super::digest::{DigestServer, Grant, Outcome};
use super::faults::{FaultBody, Faults, StatusFault};
use super::json_php::{self, Json};
use super::log::{LoggedRequest, RequestLog};
use super::messages::{self, Lang, Message, Problem};
use super::store::{Store, StoreError, StoredCustomer};
use super::validation::{self, BodyError, FieldIssue};

/// Starts sandboxes.
#[derive(Debug, Clone, Copy)]
pub struct Sandbox;

impl Sandbox {
    /// Binds `127.0.0.1:config.port` (0 = a free port) and serves on a
    /// background thread until the handle is shut down or dropped.
    ///
    /// Fails when the port cannot be bound, or with `InvalidInput` when the
    /// configuration cannot work (see [`SandboxConfig::check`]).
    pub fn start(config: SandboxConfig) -> io::Result<SandboxHandle> {
        config
            .check()
            .map_err(|why| io::Error::new(io::ErrorKind::InvalidInput, why))?;
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_io()
            .enable_time()
            .thread_name("minted-sandbox-worker")
            .build()?;
        let listener = {
            let _context = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let shared = Arc::new(Shared {
            digest: DigestServer::new(&config),
            store: Mutex::new(Store::seeded()),
            faults: Mutex::new(config.faults.clone()),
            log: RequestLog::default(),
            config,
        });
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let serving = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("minted-sandbox-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    tokio::spawn(accept_loop(listener, serving));
                    let _ = stop_rx.await;
                });
                runtime.shutdown_timeout(Duration::from_millis(200));
            })?;
        Ok(SandboxHandle {
            shared,
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// Starts the documented demo sandbox (`SandboxConfig::default()`).
    pub fn start_default() -> io::Result<SandboxHandle> {
        Sandbox::start(SandboxConfig::default())
    }
}

/// A running sandbox. Dropping it stops the server and closes its sockets.
#[derive(Debug)]
pub struct SandboxHandle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl SandboxHandle {
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The digest realm.
    pub fn realm(&self) -> &str {
        &self.shared.config.realm
    }

    /// The accepted user name.
    pub fn username(&self) -> &str {
        &self.shared.config.username
    }

    /// The accepted password.
    pub fn password(&self) -> &str {
        &self.shared.config.password
    }

    /// The digest algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.shared.config.algorithm
    }

    /// The qop offered.
    pub fn qop(&self) -> QopMode {
        self.shared.config.qop
    }

    /// The requests handled since the start or the last [`clear_log`](Self::clear_log).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.log.entries()
    }

    /// How many requests were handled since the start or the last clear.
    pub fn request_count(&self) -> usize {
        self.shared.log.len()
    }

    /// Forgets the logged requests.
    pub fn clear_log(&self) {
        self.shared.log.clear();
    }

    /// Replaces the active faults (takes effect for the next request).
    pub fn set_faults(&self, faults: Faults) {
        *self.shared.faults() = faults;
    }

    /// The active faults, with the counters of `Times::Next` as they stand.
    pub fn faults(&self) -> Faults {
        self.shared.faults().clone()
    }

    /// Switches every fault off.
    pub fn clear_faults(&self) {
        self.set_faults(Faults::default());
    }

    /// Expires every nonce issued so far: the next request that uses one gets
    /// `401` with `stale=true` (when its credentials are right).
    pub fn expire_nonces(&self) {
        self.shared.digest.expire_all();
    }

    /// The stored customer with this external id.
    pub fn customer(&self, external_id: &str) -> Option<StoredCustomer> {
        self.shared.store().get(external_id).cloned()
    }

    /// Every stored customer, in creation order.
    pub fn customers(&self) -> Vec<StoredCustomer> {
        self.shared.store().all().to_vec()
    }

    /// Stops the server and waits for its thread.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        self.stop_now();
    }
}

#[derive(Debug)]
struct Shared {
    config: SandboxConfig,
    digest: DigestServer,
    store: Mutex<Store>,
    faults: Mutex<Faults>,
    log: RequestLog,
}

impl Shared {
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

async fn accept_loop(listener: tokio::net::TcpListener, shared: Arc<Shared>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _peer)) => stream,
            Err(_) => {
                // Out of file descriptors and the like: back off, keep serving.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let shared = Arc::clone(&shared);
                async move { Ok::<_, Infallible>(handle(&shared, request).await) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// A response before encoding and transport faults.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(HeaderName, String)>,
    body: ReplyBody,
}

#[derive(Debug)]
enum ReplyBody {
    Json(Json),
    Html(String),
}

impl Reply {
    fn json(status: u16, body: Json) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: ReplyBody::Json(body),
        }
    }

    fn error(status: u16, message: Message, lang: Lang) -> Reply {
        Reply::json(status, error_envelope(status, message.text(lang)))
    }

    fn with_header(mut self, name: HeaderName, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
}

/// What the routing learned about one request, for the log and the faults.
#[derive(Debug, Default)]
struct Exchange {
    authorized: bool,
    stale: bool,
    status_fault: Option<u16>,
    grant: Option<Grant>,
    note: Option<&'static str>,
}

fn success_envelope(data: Json, message: &str) -> Json {
    Json::object([
        ("data", data),
        ("success", Json::Bool(true)),
        ("code", Json::Int(0)),
        ("message", Json::str(message)),
        ("meta", Json::empty_array()),
    ])
}

fn error_envelope(status: u16, message: &str) -> Json {
    Json::object([
        ("data", Json::empty_array()),
        ("success", Json::Bool(false)),
        ("code", Json::Int(i64::from(status))),
        ("message", Json::str(message)),
    ])
}

/// The 422 body: `{"message", "errors": {field: [messages]}, "data": [],
/// "success": false, "code": 422}`.
fn invalid_reply(issues: &[FieldIssue], lang: Lang) -> Reply {
    let mut errors: Vec<(String, Json)> = Vec::new();
    let mut first = None;
    for issue in issues {
        let text = messages::field_message(issue.field, issue.problem, lang);
        first.get_or_insert_with(|| text.clone());
        match errors.iter_mut().find(|(k, _)| k == issue.field) {
            Some((_, Json::Array(list))) => list.push(Json::Str(text)),
            _ => errors.push((issue.field.to_owned(), Json::Array(vec![Json::Str(text)]))),
        }
    }
    let message = messages::summary(&first.unwrap_or_default(), issues.len(), lang);
    Reply::json(
        422,
        Json::object([
            ("message", Json::Str(message)),
            ("errors", Json::Object(errors)),
            ("data", Json::empty_array()),
            ("success", Json::Bool(false)),
            ("code", Json::Int(422)),
        ]),
    )
}

const BAD_GATEWAY_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

fn status_fault_reply(fault: StatusFault, lang: Lang) -> Reply {
    match fault {
        StatusFault::BadGateway => Reply {
            status: 502,
            headers: Vec::new(),
            body: ReplyBody::Html(BAD_GATEWAY_PAGE.to_owned()),
        },
        StatusFault::Unavailable { retry_after } => {
            Reply::error(503, Message::ServiceUnavailable, lang)
                .with_header(header::RETRY_AFTER, retry_after.to_string())
        }
        StatusFault::RateLimited { retry_after } => {
            Reply::error(429, Message::TooManyRequests, lang)
                .with_header(header::RETRY_AFTER, retry_after.to_string())
                .with_header(HeaderName::from_static("x-ratelimit-limit"), "60")
                .with_header(HeaderName::from_static("x-ratelimit-remaining"), "0")
        }
    }
}

/// The request-target as it was on the request line.
fn request_target(uri: &Uri) -> String {
    if uri.scheme().is_some() {
        uri.to_string()
    } else {
        uri.path_and_query()
            .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned())
    }
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn is_json_content_type(headers: &HeaderMap) -> bool {
    header_str(headers, "content-type").is_some_and(|v| {
        let mime = v
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
    })
}

/// Percent-decodes a path segment; `None` for a bad escape or non-UTF-8.
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

async fn handle(shared: &Shared, request: Request<Incoming>) -> Response<FaultBody> {
    let (parts, body) = request.into_parts();
    let lang = Lang::from_accept_language(header_str(&parts.headers, "accept-language"));
    let target = request_target(&parts.uri);
    let mut exchange = Exchange::default();
    let (body, reply) = match Limited::new(body, MAX_REQUEST_BODY).collect().await {
        Ok(collected) => {
            let bytes = collected.to_bytes().to_vec();
            let reply = route(
                shared,
                &parts.method,
                &parts.uri,
                &target,
                &parts.headers,
                &bytes,
                lang,
                &mut exchange,
            );
            (bytes, reply)
        }
        Err(error) if error.is::<LengthLimitError>() => (
            Vec::new(),
            Reply::error(413, Message::PayloadTooLarge, lang)
                .with_header(header::CONNECTION, "close"),
        ),
        Err(_) => (Vec::new(), Reply::error(400, Message::BadRequest, lang)),
    };

    let shape = shared.faults().shape(exchange.authorized);
    let (content_type, bytes) = match reply.body {
        ReplyBody::Json(mut json) => {
            let mut encoded = json_php::encode(&json);
            if let Some(min) = shape.oversized
                && encoded.len() < min
            {
                let pad = min.saturating_sub(encoded.len() + r#","padding":"""#.len());
                json.push_member("padding", Json::Str("x".repeat(pad)));
                encoded = json_php::encode(&json);
            }
            ("application/json", encoded.into_bytes())
        }
        ReplyBody::Html(page) => ("text/html; charset=utf-8", page.into_bytes()),
    };
    let mut headers = reply.headers;
    headers.push((header::CONTENT_TYPE, content_type.to_owned()));
    headers.push((header::CACHE_CONTROL, "no-cache, private".to_owned()));
    if let Some(grant) = &exchange.grant
        && let Some(info) = shared.digest.authentication_info(grant, &bytes)
    {
        headers.push((HeaderName::from_static("authentication-info"), info));
    }

    let entry = LoggedRequest {
        seq: 0,
        method: parts.method.as_str().to_owned(),
        target,
        path: parts.uri.path().to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        authorization: parts
            .headers
            .get(header::AUTHORIZATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
        body,
        status: reply.status,
        stale: exchange.stale,
        authorized: exchange.authorized,
        status_fault: exchange.status_fault,
    };
    if shared.config.echo_log {
        match exchange.note {
            Some(note) => eprintln!("{} [{note}]", entry.summary()),
            None => eprintln!("{}", entry.summary()),
        }
    }
    shared.log.push(entry);

    if let Some(delay) = shape.slow_head {
        tokio::time::sleep(delay).await;
    }
    let (body, announced) = FaultBody::new(bytes, &shape);
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let response_headers = response.headers_mut();
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response_headers.append(name, value);
        }
    }
    if let Some(len) = announced {
        response_headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    if shape.close {
        response_headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

#[allow(clippy::too_many_arguments)]
fn route(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    target: &str,
    headers: &HeaderMap,
    body: &[u8],
    lang: Lang,
    exchange: &mut Exchange,
) -> Reply {
    let status_fault = shared.faults().take_status_fault();
    if let Some(fault) = status_fault {
        let reply = status_fault_reply(fault, lang);
        exchange.status_fault = Some(reply.status);
        return reply;
    }
    let path = uri.path();
    if path != "/partner" && !path.starts_with("/partner/") {
        return Reply::error(404, Message::RouteNotFound, lang);
    }
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes);
    match shared
        .digest
        .check(method.as_str(), target, authorization, body)
    {
        Outcome::BadRequest(why) => {
            exchange.note = Some(why);
            return Reply::error(400, Message::BadRequest, lang);
        }
        Outcome::Unauthorized { stale, reason } => {
            exchange.note = Some(reason);
            exchange.stale = stale;
            return Reply::error(401, Message::Unauthenticated, lang)
                .with_header(header::WWW_AUTHENTICATE, shared.digest.challenge(stale));
        }
        Outcome::Authorized(grant) => {
            exchange.authorized = true;
            exchange.grant = Some(grant);
        }
    }
    let has_client_id = headers
        .get("x-client-id")
        .is_some_and(|v| !v.as_bytes().trim_ascii().is_empty());
    if !has_client_id {
        return Reply::error(400, Message::MissingClientId, lang);
    }
    let is_json = is_json_content_type(headers);
    if path == "/partner/customer" {
        return match *method {
            Method::POST => create(shared, body, is_json, lang),
            _ => Reply::error(405, Message::MethodNotAllowed, lang)
                .with_header(header::ALLOW, "POST"),
        };
    }
    let Some(raw_id) = path.strip_prefix("/partner/customer/") else {
        return Reply::error(404, Message::RouteNotFound, lang);
    };
    if raw_id.is_empty() || raw_id.contains('/') {
        return Reply::error(404, Message::RouteNotFound, lang);
    }
    let Some(id) = percent_decode(raw_id) else {
        exchange.note = Some("bad percent-encoding in the id");
        return Reply::error(400, Message::BadRequest, lang);
    };
    match *method {
        Method::GET => match shared.store().get(&id) {
            Some(customer) => Reply::json(200, success_envelope(customer.to_json(true), "")),
            None => Reply::error(404, Message::RecordNotFound, lang),
        },
        Method::PATCH => update(shared, &id, body, is_json, lang),
        Method::DELETE => {
            if shared.store().remove(&id) {
                Reply::json(
                    200,
                    success_envelope(Json::empty_array(), Message::Deleted.text(lang)),
                )
            } else {
                Reply::error(404, Message::RecordNotFound, lang)
            }
        }
        _ => Reply::error(405, Message::MethodNotAllowed, lang)
            .with_header(header::ALLOW, "GET, PATCH, DELETE"),
    }
}

fn taken(field: &'static str, lang: Lang) -> Reply {
    invalid_reply(
        &[FieldIssue {
            field,
            problem: Problem::Taken,
        }],
        lang,
    )
}

fn update(shared: &Shared, id: &str, body: &[u8], is_json: bool, lang: Lang) -> Reply {
    // Laravel resolves the model first: an unknown id is a 404 whatever the body.
    if shared.store().get(id).is_none() {
        return Reply::error(404, Message::RecordNotFound, lang);
    }
    let changes = match validation::validate_update(body, is_json) {
        Ok(changes) => changes,
        Err(BodyError::Malformed) => return Reply::error(400, Message::MalformedJson, lang),
        Err(BodyError::Invalid(issues)) => return invalid_reply(&issues, lang),
    };
    match shared.store().update(id, &changes) {
        Ok(customer) => Reply::json(200, success_envelope(customer.to_json(false), "")),
        Err(StoreError::EmailTaken) => taken("email", lang),
        Err(StoreError::ExternalIdTaken) => taken("external_id", lang),
        Err(StoreError::NotFound) => Reply::error(404, Message::RecordNotFound, lang),
    }
}

fn create(shared: &Shared, body: &[u8], is_json: bool, lang: Lang) -> Reply {
    let (external_id, changes) = match validation::validate_create(body, is_json) {
        Ok(valid) => valid,
        Err(BodyError::Malformed) => return Reply::error(400, Message::MalformedJson, lang),
        Err(BodyError::Invalid(issues)) => return invalid_reply(&issues, lang),
    };
    match shared.store().create(&external_id, &changes) {
        Ok(customer) => Reply::json(200, success_envelope(customer.to_json(false), "")),
        Err(StoreError::EmailTaken) => taken("email", lang),
        Err(StoreError::ExternalIdTaken) => taken("external_id", lang),
        Err(StoreError::NotFound) => Reply::error(404, Message::RecordNotFound, lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(
            percent_decode("MTD%30018232").as_deref(),
            Some("MTD0018232")
        );
        assert_eq!(percent_decode("a%C3%BC").as_deref(), Some("aü"));
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%4"), None);
        assert_eq!(percent_decode("%ff"), None);
    }
}
