//! `minted-sandbox`: serves the local stand-in of the Minted Connect customer
//! API on 127.0.0.1 until interrupted.
//!
//! The first line on stdout is exactly the base URL (`http://127.0.0.1:PORT`),
//! so scripts can read it; the demo credentials follow. One line per request
//! goes to stderr unless `--quiet`.
#![forbid(unsafe_code)]

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use minted_connect_tests::sandbox::{
    Algorithm, FaultScope, Faults, QopMode, RetryAfterFault, Sandbox, SandboxConfig, Times,
};

/// A local stand-in of the Minted Connect customer API (HTTP digest auth,
/// PHP-style JSON, fault switches for tests).
#[derive(Debug, Parser)]
#[command(name = "minted-sandbox", version)]
struct Args {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Digest realm.
    #[arg(long, default_value = "minted-sandbox")]
    realm: String,
    /// Accepted user name.
    #[arg(long, default_value = "partner")]
    username: String,
    /// Its password.
    #[arg(long, default_value = "s3cret")]
    password: String,
    /// Digest algorithm: MD5 (default, as the vendor sample implies), SHA-256,
    /// MD5-sess or SHA-256-sess.
    #[arg(long, default_value = "MD5")]
    algorithm: Algorithm,
    /// Offered qop: auth, auth-int, auth,auth-int, or none (RFC 2069 challenge).
    #[arg(long, default_value = "auth")]
    qop: QopMode,
    /// Requests one nonce may authorize before it is stale (0 = no limit).
    #[arg(long, default_value_t = 0)]
    nonce_uses: u32,
    /// Nonce lifetime in milliseconds (0 = forever).
    #[arg(long, default_value_t = 300_000)]
    nonce_lifetime_ms: u64,
    /// Send a fresh nextnonce in every Authentication-Info.
    #[arg(long)]
    next_nonce: bool,
    /// Fault: wait this many ms before the status line.
    #[arg(long, value_name = "MS")]
    slow_head_ms: Option<u64>,
    /// Fault: send half the body, wait this many ms, send the rest.
    #[arg(long, value_name = "MS")]
    slow_body_ms: Option<u64>,
    /// Fault: announce the full Content-Length, send half, close.
    #[arg(long)]
    truncated_body: bool,
    /// Fault: pad every JSON body to at least this many bytes.
    #[arg(long, value_name = "BYTES")]
    oversized_body: Option<usize>,
    /// Fault: answer 502 with an HTML page, for `always` or the next N requests.
    #[arg(long, value_name = "TIMES")]
    bad_gateway: Option<Times>,
    /// Fault: answer 503 with this Retry-After (seconds).
    #[arg(long, value_name = "SECONDS")]
    unavailable: Option<u32>,
    /// How often the 503 fault fires: `always` or a number of requests.
    #[arg(long, value_name = "TIMES", default_value = "always")]
    unavailable_times: Times,
    /// Fault: answer 429 with this Retry-After (seconds).
    #[arg(long, value_name = "SECONDS")]
    rate_limited: Option<u32>,
    /// How often the 429 fault fires: `always` or a number of requests.
    #[arg(long, value_name = "TIMES", default_value = "always")]
    rate_limited_times: Times,
    /// Fault: send bodies with chunked transfer encoding.
    #[arg(long)]
    chunked: bool,
    /// Fault: `Connection: close` after every response.
    #[arg(long)]
    connection_close: bool,
    /// Apply the transport faults only to authorized requests (not to 401s).
    #[arg(long)]
    faults_authorized_only: bool,
    /// Do not log requests on stderr.
    #[arg(long, short)]
    quiet: bool,
}

impl Args {
    fn into_config(self) -> SandboxConfig {
        let ms = Duration::from_millis;
        let faults = Faults {
            slow_head: self.slow_head_ms.map(ms),
            slow_body: self.slow_body_ms.map(ms),
            truncated_body: self.truncated_body,
            oversized_body: self.oversized_body,
            bad_gateway: self.bad_gateway,
            unavailable: self.unavailable.map(|retry_after| RetryAfterFault {
                retry_after,
                times: self.unavailable_times,
            }),
            rate_limited: self.rate_limited.map(|retry_after| RetryAfterFault {
                retry_after,
                times: self.rate_limited_times,
            }),
            chunked: self.chunked,
            connection_close: self.connection_close,
            scope: if self.faults_authorized_only {
                FaultScope::AuthorizedOnly
            } else {
                FaultScope::EveryResponse
            },
        };
        SandboxConfig {
            port: self.port,
            realm: self.realm,
            username: self.username,
            password: self.password,
            algorithm: self.algorithm,
            qop: self.qop,
            nonce_max_uses: (self.nonce_uses > 0).then_some(self.nonce_uses),
            nonce_lifetime: (self.nonce_lifetime_ms > 0).then(|| ms(self.nonce_lifetime_ms)),
            next_nonce: self.next_nonce,
            faults,
            echo_log: !self.quiet,
        }
    }
}

fn main() -> ExitCode {
    let config = Args::parse().into_config();
    let sandbox = match Sandbox::start(config) {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("minted-sandbox: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", sandbox.base_url());
    let _ = writeln!(out, "username: {}", sandbox.username());
    let _ = writeln!(out, "password: {}", sandbox.password());
    let _ = writeln!(
        out,
        "realm: {} (digest {}, qop {})",
        sandbox.realm(),
        sandbox.algorithm(),
        sandbox.qop()
    );
    let _ = writeln!(
        out,
        "try: curl --digest -u {}:{} -H 'x-client-id: web' {}/partner/customer/MTD0018232",
        sandbox.username(),
        sandbox.password(),
        sandbox.base_url()
    );
    let _ = out.flush();
    drop(out);
    // Serve until the process is interrupted.
    loop {
        std::thread::park();
    }
}
