//! One update over loopback keep-alive, three ways, in one run (see
//! `BENCHMARKS.md`):
//!
//! - `minted_client_update`: [`Client::update`] — the core's call (encode,
//!   headers, decode of the 200) over the client's ureq agent;
//! - `ureq_patch`: a bare ureq 3 agent (the client's settings, ureq's
//!   default resolver) sending the same pre-built body bytes and headers
//!   and reading the body into a reused `Vec`. ureq 3.5 resolves the host
//!   before every request, even on a pooled connection, and with a timeout
//!   set its default resolver does so on a freshly spawned thread;
//! - `ureq_patch_ip_resolver`: the same agent with a resolver that turns the
//!   IP literal into its address without a thread, as the client's own
//!   resolver does (`src/resolver.rs`): the like-for-like baseline of the
//!   client;
//! - `ureq_patch_without_timeouts`: the default agent without any timeout,
//!   so ureq resolves on the calling thread;
//! - `raw_socket`: the floor — the pre-built request bytes written to a
//!   `TcpStream`, the response read back whole.
//!
//! The server is a minimal HTTP/1.1 keep-alive thread that answers every
//! request with the same canned 200 (it reads the head and the
//! `Content-Length` body, nothing more), so the figures are the clients'
//! own. No authentication: the digest cost is measured in the core's
//! `codec` bench. Run pinned to one core (unpinned figures swing 2–5×):
//!
//! ```text
//! cargo bench -p minted-connect-std --bench round_trip --no-run
//! taskset -c 0 cargo bench -p minted-connect-std --bench round_trip
//! ```

use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use minted_connect_std::minted_connect_core::auth::CnonceSource;
use minted_connect_std::minted_connect_core::auth::DigestSession;
use minted_connect_std::minted_connect_core::call::{
    Authentication, Call, CallBuffers, Operation, RetryPolicy,
};
use minted_connect_std::minted_connect_core::request::RequestSettings;
use minted_connect_std::{Client, Config, CustomerInput, CustomerUpdate, ValidationProfile};
use ureq::Agent;
use ureq::config::{AutoHeaderValue, Config as AgentConfig};
use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

/// The vendor's 200 response body, as PHP's `json_encode` sends it.
const RECORD: &str = concat!(
    r#"{"data":{"id":2,"external_id":"MTD0018232","company_id":2000000,"user_id":null,"#,
    r#""firstname":"Mehmet","middlename":null,"lastname":"G\u00fclbilge","#,
    r#""fullname":"Mehmet G\u00fclbilge","email":"mehmet.gulbilge@example.com","phone":null,"#,
    r#""gender":null,"identity_number":null,"birthdate":null,"#,
    r#""created_at":"2023-03-05 04:51:18","updated_at":"2023-03-05 04:51:18"},"#,
    r#""success":true,"code":0,"message":""}"#
);

const ID: &str = "MTD0018232";

/// The canned response: what a PHP backend behind a keep-alive front end
/// sends, minus its cookies.
fn response_bytes() -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\n\
         Content-Type: application/json\r\n\
         Cache-Control: no-cache, private\r\n\
         Content-Length: {}\r\n\r\n{RECORD}",
        RECORD.len()
    )
    .into_bytes()
}

/// Where `needle` starts in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The `Content-Length` of a request head (0 when absent).
fn content_length(head: &[u8]) -> usize {
    let head = std::str::from_utf8(head).unwrap_or("");
    head.split("\r\n")
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}

/// Answers every request on `stream` with `response` until the peer closes.
fn serve(mut stream: TcpStream, response: &[u8]) {
    stream.set_nodelay(true).ok();
    let mut buf = vec![0u8; 16 * 1024];
    let mut filled = 0;
    loop {
        // One whole request (head + body) in `buf[..end]`.
        let end = loop {
            if let Some(at) = find(&buf[..filled], b"\r\n\r\n") {
                let end = at + 4 + content_length(&buf[..at]);
                if filled >= end {
                    break end;
                }
            }
            if filled == buf.len() {
                return;
            }
            match stream.read(&mut buf[filled..]) {
                Ok(0) | Err(_) => return,
                Ok(n) => filled += n,
            }
        };
        if stream.write_all(response).is_err() {
            return;
        }
        buf.copy_within(end..filled, 0);
        filled -= end;
    }
}

/// Connections accepted: every client must stay on one (keep-alive).
static CONNECTIONS: AtomicUsize = AtomicUsize::new(0);

/// Starts the canned server; every connection gets its own thread.
fn start_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let response: &'static [u8] = Box::leak(response_bytes().into_boxed_slice());
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            CONNECTIONS.fetch_add(1, Ordering::SeqCst);
            thread::spawn(move || serve(stream, response));
        }
    });
    addr
}

/// A fixed cnonce source: no digest here, the call never draws.
struct NoRandom;

impl CnonceSource for NoRandom {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        dest.fill(0);
    }
}

/// The request the client sends, taken from the core's own call: the
/// header pairs (owned) and the body bytes.
fn prebuilt(update: &CustomerUpdate) -> (Vec<(&'static str, String)>, Vec<u8>, String) {
    let settings = RequestSettings {
        user_agent: minted_connect_std::DEFAULT_USER_AGENT,
        ..RequestSettings::new()
    };
    let mut session = DigestSession::new();
    let mut buffers = CallBuffers::new();
    let mut call = Call::new(
        Operation::Update {
            id: ID,
            customer: update,
        },
        &settings,
        Authentication::None,
        &mut session,
        RetryPolicy::none(),
        &mut buffers,
    )
    .unwrap();
    let request = call.request(&mut NoRandom).unwrap();
    let headers = request
        .headers
        .iter()
        .map(|(name, value)| (*name, (*value).to_owned()))
        .collect();
    (headers, request.body.to_vec(), request.path.to_owned())
}

/// The raw request bytes ureq puts on the wire for the same request.
fn raw_request(addr: SocketAddr, path: &str, headers: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut raw = format!("PATCH {path} HTTP/1.1\r\nhost: {addr}\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str("\r\n");
    let mut raw = raw.into_bytes();
    raw.extend_from_slice(body);
    raw
}

/// Resolves an `ip:port` authority without a lookup or a thread: what the
/// client's resolver does for the bench's `127.0.0.1` base URL.
#[derive(Debug)]
struct IpLiteralResolver;

impl Resolver for IpLiteralResolver {
    fn resolve(
        &self,
        uri: &Uri,
        _: &AgentConfig,
        _: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addr: SocketAddr = uri
            .authority()
            .and_then(|authority| authority.as_str().parse().ok())
            .ok_or(ureq::Error::HostNotFound)?;
        let mut addrs = self.empty();
        addrs.push(addr);
        Ok(addrs)
    }
}

// Each contender is one named function that is never inlined, so that
// `valgrind --tool=callgrind` can count its instructions per update.

#[inline(never)]
fn minted_update(client: &Client, update: &CustomerUpdate) -> usize {
    let customer = client.update(ID, update).unwrap();
    customer.external_id.map_or(0, |id| id.len())
}

/// What the bare ureq contender sends.
#[derive(Clone, Copy)]
struct BareRequest<'a> {
    agent: &'a Agent,
    url: &'a str,
    headers: &'a [(&'static str, String)],
    body: &'a [u8],
}

#[inline(never)]
fn ureq_patch(request: &BareRequest<'_>, received: &mut Vec<u8>) -> u16 {
    let mut builder = request.agent.patch(request.url);
    for (name, value) in request.headers {
        builder = builder.header(*name, value);
    }
    let mut response = builder.send(request.body).unwrap();
    received.clear();
    response
        .body_mut()
        .as_reader()
        .read_to_end(received)
        .unwrap();
    response.status().as_u16()
}

#[inline(never)]
fn raw_round_trip(socket: &mut TcpStream, request: &[u8], reply: &mut [u8]) {
    socket.write_all(request).unwrap();
    socket.read_exact(reply).unwrap();
}

/// A group with flat sampling: every sample is thousands of sequential
/// updates on the same clients and connections.
fn flat_group<'c>(c: &'c mut Criterion, name: &str, seconds: u64) -> BenchmarkGroup<'c, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(30)
        .measurement_time(Duration::from_secs(seconds))
        .throughput(Throughput::Elements(1));
    group
}

fn round_trip(c: &mut Criterion) {
    let addr = start_server();
    let base_url = format!("http://{addr}");
    let input = CustomerInput {
        firstname: Some("Mehmet"),
        lastname: Some("Gülbilge"),
        fullname: Some("Mehmet Gülbilge"),
        email: Some("mehmet.gulbilge@example.com"),
        phone: Some("+90 532 280 80 35"),
        gender: Some("M"),
        identity_number: Some("12345677938"),
        birthdate: Some("1970-01-31"),
        ..CustomerInput::default()
    };
    let update = CustomerUpdate::validate(&input, ValidationProfile::Lenient).unwrap();
    let (headers, body, path) = prebuilt(&update);
    let url = format!("{base_url}{path}");

    // The minted client: no authentication, so no digest.
    let client = Client::new(Config::new(base_url.as_str())).unwrap();
    let customer = client.update(ID, &update).unwrap();
    assert_eq!(customer.external_id.as_deref(), Some(ID));

    // A bare ureq agent with the client's settings.
    let agent_config = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(AutoHeaderValue::None)
        .accept(AutoHeaderValue::None)
        .accept_encoding(AutoHeaderValue::None)
        .timeout_global(Some(Duration::from_secs(30)))
        .build();
    let agent: Agent = agent_config.clone().new_agent();
    let bare = BareRequest {
        agent: &agent,
        url: &url,
        headers: &headers,
        body: &body,
    };
    let mut received = Vec::with_capacity(1024);
    assert_eq!(ureq_patch(&bare, &mut received), 200);
    assert_eq!(received, RECORD.as_bytes());

    // The same with a thread-free resolver for the IP literal, as the
    // client has.
    let ip_agent = Agent::with_parts(agent_config, DefaultConnector::default(), IpLiteralResolver);
    let ip_resolved = BareRequest {
        agent: &ip_agent,
        ..bare
    };
    assert_eq!(ureq_patch(&ip_resolved, &mut received), 200);

    // The same without any timeout: ureq 3 then resolves the host on the
    // calling thread instead of spawning a resolver thread per request.
    let untimed_agent: Agent = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(AutoHeaderValue::None)
        .accept(AutoHeaderValue::None)
        .accept_encoding(AutoHeaderValue::None)
        .build()
        .new_agent();
    let untimed = BareRequest {
        agent: &untimed_agent,
        ..bare
    };
    assert_eq!(ureq_patch(&untimed, &mut received), 200);

    // The floor: pre-built bytes over one socket.
    let request = raw_request(addr, &path, &headers, &body);
    let expected = response_bytes();
    let mut socket = TcpStream::connect(addr).unwrap();
    socket.set_nodelay(true).unwrap();
    let mut reply = vec![0u8; expected.len()];
    raw_round_trip(&mut socket, &request, &mut reply);
    assert_eq!(reply, expected);

    let mut group = flat_group(c, "update_round_trip", 10);
    // Each contender stays on one connection (a pooled one idle for more
    // than ureq's 15 s `max_idle_age` while the others ran is replaced once).
    let kept_alive = |name: &str, before: usize| {
        let opened = CONNECTIONS.load(Ordering::SeqCst) - before;
        assert!(opened <= 1, "{name} opened {opened} connections");
    };
    let before = CONNECTIONS.load(Ordering::SeqCst);
    group.bench_function("minted_client_update", |b| {
        b.iter(|| minted_update(&client, black_box(&update)))
    });
    kept_alive("the minted client", before);
    let before = CONNECTIONS.load(Ordering::SeqCst);
    group.bench_function("ureq_patch", |b| {
        b.iter(|| ureq_patch(black_box(&bare), &mut received))
    });
    kept_alive("the bare ureq agent", before);
    let before = CONNECTIONS.load(Ordering::SeqCst);
    group.bench_function("ureq_patch_ip_resolver", |b| {
        b.iter(|| ureq_patch(black_box(&ip_resolved), &mut received))
    });
    kept_alive("the bare ureq agent with the IP resolver", before);
    let before = CONNECTIONS.load(Ordering::SeqCst);
    group.bench_function("ureq_patch_without_timeouts", |b| {
        b.iter(|| ureq_patch(black_box(&untimed), &mut received))
    });
    kept_alive("the bare ureq agent without timeouts", before);
    let before = CONNECTIONS.load(Ordering::SeqCst);
    group.bench_function("raw_socket", |b| {
        b.iter(|| raw_round_trip(&mut socket, black_box(&request), &mut reply))
    });
    kept_alive("the raw socket", before);
    group.finish();
    socket.shutdown(Shutdown::Both).ok();

    // Paired: every iteration runs one minted update and one bare ureq
    // PATCH (thread-free resolver) back to back, and each contender times
    // only its own half. Both see the same mixed workload, caches and
    // machine state, so drift between contenders (a few per cent on this
    // machine) cancels out of the ratio.
    let mut group = flat_group(c, "update_round_trip_paired", 20);
    let before = CONNECTIONS.load(Ordering::SeqCst);
    // Both halves of every iteration (warm-up included) are also summed
    // here, so the ratio printed after the group compares the two clients
    // over the very same iterations, not over two measurement windows
    // seconds apart (criterion runs the two functions one after the other).
    let mut totals = PairedTotals::default();
    // Each function reports the contender it is named after, which also
    // runs first in its pairs.
    for (name, minted_first) in [
        ("minted_client_update", true),
        ("ureq_patch_ip_resolver", false),
    ] {
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut timed = Duration::ZERO;
                for _ in 0..iters {
                    let (minted, bare) = totals.pair(
                        minted_first,
                        || black_box(minted_update(&client, black_box(&update))),
                        || black_box(ureq_patch(black_box(&ip_resolved), &mut received)),
                    );
                    timed += if minted_first { minted } else { bare };
                }
                timed
            })
        });
    }
    // Two agents, each allowed to replace its idle pooled connection once.
    let opened = CONNECTIONS.load(Ordering::SeqCst) - before;
    assert!(
        opened <= 2,
        "the paired contenders opened {opened} connections"
    );
    totals.report();
    group.finish();
}

/// Both halves of every paired iteration, summed.
#[derive(Default)]
struct PairedTotals {
    minted: Duration,
    bare: Duration,
    iterations: u32,
}

impl PairedTotals {
    /// Runs one minted update and one bare PATCH, `minted_first` or the
    /// other way round, timing each; returns (minted, bare) and adds them to
    /// the totals. The two bench functions use opposite orders, so each
    /// contender runs first half of the time (the codec bench showed that
    /// the order alone can move a comparison by a few per cent).
    fn pair<A, B>(
        &mut self,
        minted_first: bool,
        minted: impl FnOnce() -> A,
        bare: impl FnOnce() -> B,
    ) -> (Duration, Duration) {
        let times = if minted_first {
            let start = Instant::now();
            black_box(minted());
            let between = Instant::now();
            black_box(bare());
            (between - start, between.elapsed())
        } else {
            let start = Instant::now();
            black_box(bare());
            let between = Instant::now();
            black_box(minted());
            (between.elapsed(), between - start)
        };
        self.minted += times.0;
        self.bare += times.1;
        self.iterations += 1;
        times
    }

    /// Prints the per-update means and their ratio over the same iterations.
    fn report(&self) {
        let n = self.iterations.max(1);
        let (minted, bare) = (self.minted / n, self.bare / n);
        println!(
            "update_round_trip_paired, same {} iterations: minted {:.2} µs, bare ureq {:.2} µs, ratio {:.3}",
            self.iterations,
            minted.as_secs_f64() * 1e6,
            bare.as_secs_f64() * 1e6,
            self.minted.as_secs_f64() / self.bare.as_secs_f64().max(f64::MIN_POSITIVE),
        );
    }
}

criterion_group!(benches, round_trip);
criterion_main!(benches);
