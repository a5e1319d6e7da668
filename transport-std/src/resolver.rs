//! The agent's name resolver: IP literals without a lookup, names through
//! ureq's own resolver with the answer cached for a minute.
//!
//! ureq 3 resolves the host before **every** request, even one that goes
//! out on a pooled keep-alive connection. With a timeout set (this crate
//! always sets one) its `DefaultResolver` does so on a newly spawned
//! thread, so that a hanging `getaddrinfo` can be abandoned when the
//! timeout expires. Spawning and joining that thread cost about 55 µs per
//! request on the benchmark machine, more than half of a keep-alive
//! exchange ([`BENCHMARKS.md`], round trip).
//!
//! [`NameCache`] removes that cost without giving up the bound:
//!
//! - **IP literals** (`127.0.0.1`, `[::1]`, any IP host) are turned into a
//!   socket address directly: no lookup, no thread, nothing cached.
//! - **Names** are looked up by ureq's `DefaultResolver` as before, on its
//!   thread and within the timeout ureq passes in, and the addresses are
//!   kept for [`TTL`] (60 s). Only the first request of a minute to a host
//!   pays a lookup; the others take a mutex and copy the addresses.
//!
//! Why not look names up with `ToSocketAddrs` on the calling thread?
//! `getaddrinfo` blocks and cannot be cancelled: with an unreachable DNS
//! server it may take the resolver's full retry schedule (tens of seconds
//! with the glibc defaults), which would break the guarantee that no
//! timeout is infinite ([`Config::timeout`](crate::Config::timeout) bounds
//! the whole exchange, lookup included). ureq's thread exists to bound it,
//! and with the cache its cost is paid about once a minute, so it stays.
//!
//! The price of the cache: a DNS change reaches the client up to 60 s
//! late (the TTL the server publishes is not visible through
//! `getaddrinfo`). To keep that from turning into a minute of failed
//! retries, [`NameCache::forget`] drops the cached addresses when a
//! connection cannot be made, so the next attempt looks the name up again.
//! Failed lookups are not cached.
//!
//! Lookup failures, which ureq reports as a bare `io::Error`, and a lookup
//! that outlives the timeout are both reported as
//! [`TransportErrorKind::Dns`](crate::TransportErrorKind::Dns): nothing was
//! sent.
//!
//! [`BENCHMARKS.md`]: https://github.com/minted-connect/minted-connect-rs/blob/main/BENCHMARKS.md

use std::collections::HashMap;
use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use ureq::Timeout;
use ureq::config::{Config as AgentConfig, IpFamily};
use ureq::http::Uri;
use ureq::http::uri::Scheme;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long looked-up addresses are reused.
pub(crate) const TTL: Duration = Duration::from_secs(60);

/// At most this many names are kept (a client talks to its base URL's host
/// and perhaps a proxy); a full cache is emptied before the next insert.
const MAX_ENTRIES: usize = 16;

/// The cached addresses of one `host:port`.
struct Entry {
    addrs: ResolvedSocketAddrs,
    family: IpFamily,
    expires: Instant,
}

/// The resolver of a client's agent; see the [module docs](self).
///
/// Cloning shares the cache: the agent owns one clone, the client keeps
/// another to [`forget`](Self::forget) on a connect failure.
pub(crate) struct NameCache<R = DefaultResolver> {
    shared: Arc<Shared<R>>,
}

struct Shared<R> {
    lookup: R,
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

impl<R> Clone for NameCache<R> {
    fn clone(&self) -> Self {
        NameCache {
            shared: self.shared.clone(),
        }
    }
}

impl NameCache {
    /// A cache in front of ureq's `DefaultResolver`, with the [`TTL`].
    pub(crate) fn new() -> Self {
        Self::with_lookup(DefaultResolver::default(), TTL)
    }
}

impl<R: Resolver> NameCache<R> {
    /// A cache in front of `lookup` (tests count the lookups).
    pub(crate) fn with_lookup(lookup: R, ttl: Duration) -> Self {
        NameCache {
            shared: Arc::new(Shared {
                lookup,
                ttl,
                entries: Mutex::new(HashMap::new()),
            }),
        }
    }
}

impl<R> NameCache<R> {
    /// Drops every cached address, so that the next request looks its host
    /// up again (after a connection could not be made).
    pub(crate) fn forget(&self) {
        self.entries().clear();
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // The map is consistent between statements; a panic elsewhere
        // leaves nothing half-written.
        self.shared
            .entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl<R> fmt::Debug for NameCache<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NameCache")
            .field("ttl", &self.shared.ttl)
            .field("names", &self.entries().len())
            .finish_non_exhaustive()
    }
}

impl<R: Resolver> NameCache<R> {
    /// An IP literal's address: no lookup at all (but the agent's address
    /// family still applies).
    fn literal(
        &self,
        addr: SocketAddr,
        family: IpFamily,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut addrs = self.empty();
        if family.keep_wanted(std::iter::once(addr)).next().is_some() {
            addrs.push(addr);
            Ok(addrs)
        } else {
            Err(ureq::Error::HostNotFound)
        }
    }
}

impl<R: Resolver> Resolver for NameCache<R> {
    fn resolve(
        &self,
        uri: &Uri,
        config: &AgentConfig,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) else {
            // Not a full URL: ureq's resolver reports it.
            return self.shared.lookup.resolve(uri, config, timeout);
        };
        let default_port = if *scheme == Scheme::HTTPS {
            443
        } else if *scheme == Scheme::HTTP {
            80
        } else {
            // A proxy scheme (socks): resolved exactly as ureq would.
            return self.shared.lookup.resolve(uri, config, timeout);
        };
        let family = config.ip_family();
        // The usual local case first, in one parse: an IP literal with its
        // port (`127.0.0.1:8080`, `[::1]:8443`).
        if let Ok(addr) = authority.as_str().parse::<SocketAddr>() {
            return self.literal(addr, family);
        }
        let port = authority.port_u16().unwrap_or(default_port);
        let host = authority.host();

        // An IP literal without a port. `Uri` keeps the brackets of an IPv6
        // host.
        let literal = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        if let Ok(ip) = literal.parse::<IpAddr>() {
            return self.literal(SocketAddr::new(ip, port), family);
        }

        // A name: the cached addresses while they last.
        let key = format!("{host}:{port}");
        let now = Instant::now();
        if let Some(entry) = self.entries().get(&key)
            && entry.family == family
            && entry.expires > now
        {
            return Ok(entry.addrs.clone());
        }

        // Looked up outside the lock: ureq's resolver waits at most
        // `timeout` for its lookup thread.
        let addrs = self
            .shared
            .lookup
            .resolve(uri, config, timeout)
            .map_err(|error| lookup_error(error, &key))?;

        let mut entries = self.entries();
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, entry| entry.expires > now);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Entry {
                addrs: addrs.clone(),
                family,
                expires: Instant::now() + self.shared.ttl,
            },
        );
        Ok(addrs)
    }
}

/// ureq reports a failed `getaddrinfo` as a bare `Error::Io`, which cannot
/// be told from a broken connection; it is wrapped in [`LookupFailed`] so
/// the exchange reports it as a DNS failure. A lookup that outlived the
/// timeout becomes `Timeout::Resolve`, whatever budget ran out.
fn lookup_error(error: ureq::Error, host: &str) -> ureq::Error {
    match error {
        ureq::Error::Io(source) => ureq::Error::Io(io::Error::other(LookupFailed {
            host: host.to_owned(),
            source,
        })),
        ureq::Error::Timeout(_) => ureq::Error::Timeout(Timeout::Resolve),
        other => other,
    }
}

/// `getaddrinfo` failed for a host.
#[derive(Debug)]
pub(crate) struct LookupFailed {
    host: String,
    source: io::Error,
}

impl fmt::Display for LookupFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot resolve {}: {}", self.host, self.source)
    }
}

impl StdError for LookupFailed {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.source)
    }
}

/// Whether an `io::Error` from ureq is a failed lookup.
pub(crate) fn is_lookup_error(error: &io::Error) -> bool {
    error
        .get_ref()
        .is_some_and(|inner| inner.is::<LookupFailed>())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use ureq::unversioned::transport::time::Duration as UreqDuration;

    use super::*;

    /// A lookup that counts its calls and answers 192.0.2.7, fails, or
    /// sleeps past the timeout.
    #[derive(Debug, Default)]
    struct Counting {
        calls: AtomicUsize,
        answer: Answer,
    }

    #[derive(Debug, Default)]
    enum Answer {
        #[default]
        Address,
        Fail,
        Timeout,
    }

    impl Resolver for Counting {
        fn resolve(
            &self,
            uri: &Uri,
            _: &AgentConfig,
            timeout: NextTimeout,
        ) -> Result<ResolvedSocketAddrs, ureq::Error> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            match self.answer {
                Answer::Address => {
                    let port = uri.port_u16().unwrap_or(443);
                    let mut addrs = self.empty();
                    addrs.push(SocketAddr::new([192, 0, 2, 7].into(), port));
                    Ok(addrs)
                }
                Answer::Fail => Err(ureq::Error::Io(io::Error::other(
                    "failed to lookup address information",
                ))),
                Answer::Timeout => Err(ureq::Error::Timeout(timeout.reason)),
            }
        }
    }

    fn timeout() -> NextTimeout {
        NextTimeout {
            after: UreqDuration::from(Duration::from_secs(5)),
            reason: Timeout::Global,
            ..NextTimeout::default()
        }
    }

    fn resolve<R: Resolver>(
        cache: &NameCache<R>,
        url: &str,
    ) -> Result<Vec<SocketAddr>, ureq::Error> {
        let uri: Uri = url.parse().unwrap();
        let config = AgentConfig::default();
        cache
            .resolve(&uri, &config, timeout())
            .map(|addrs| addrs.iter().copied().collect())
    }

    fn calls(cache: &NameCache<Counting>) -> usize {
        cache.shared.lookup.calls.load(Ordering::SeqCst)
    }

    #[test]
    fn ip_literals_need_no_lookup() {
        let cache = NameCache::with_lookup(Counting::default(), TTL);
        assert_eq!(
            resolve(&cache, "http://127.0.0.1:8080/partner").unwrap(),
            ["127.0.0.1:8080".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(
            resolve(&cache, "https://[::1]/").unwrap(),
            ["[::1]:443".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(
            resolve(&cache, "https://[::1]:8443/").unwrap(),
            ["[::1]:8443".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(
            resolve(&cache, "http://203.0.113.9/").unwrap(),
            ["203.0.113.9:80".parse::<SocketAddr>().unwrap()]
        );
        assert_eq!(calls(&cache), 0);
        assert_eq!(cache.entries().len(), 0, "literals are not cached");
    }

    #[test]
    fn ip_literal_of_an_unwanted_family_is_not_found() {
        let cache = NameCache::with_lookup(Counting::default(), TTL);
        let config = AgentConfig::builder().ip_family(IpFamily::Ipv4Only).build();
        // With a port (one parse) and without (host and port apart).
        for url in ["http://[::1]:8080/", "https://[::1]/"] {
            let uri: Uri = url.parse().unwrap();
            let error = cache.resolve(&uri, &config, timeout()).unwrap_err();
            assert!(
                matches!(error, ureq::Error::HostNotFound),
                "{url}: {error:?}"
            );
        }
        assert_eq!(calls(&cache), 0);
    }

    #[test]
    fn a_name_is_looked_up_once_per_ttl() {
        let cache = NameCache::with_lookup(Counting::default(), TTL);
        let expected = ["192.0.2.7:443".parse::<SocketAddr>().unwrap()];
        for _ in 0..3 {
            assert_eq!(
                resolve(&cache, "https://api.example.com/partner/customer").unwrap(),
                expected
            );
        }
        assert_eq!(calls(&cache), 1);
        // Another port is another entry.
        resolve(&cache, "https://api.example.com:8443/").unwrap();
        assert_eq!(calls(&cache), 2);
        // Forgetting (after a connect failure) looks the name up again.
        cache.forget();
        resolve(&cache, "https://api.example.com/").unwrap();
        assert_eq!(calls(&cache), 3);
    }

    #[test]
    fn expired_addresses_are_looked_up_again() {
        let cache = NameCache::with_lookup(Counting::default(), Duration::ZERO);
        resolve(&cache, "https://api.example.com/").unwrap();
        resolve(&cache, "https://api.example.com/").unwrap();
        assert_eq!(calls(&cache), 2);
    }

    #[test]
    fn the_cache_stays_bounded() {
        let cache = NameCache::with_lookup(Counting::default(), TTL);
        for i in 0..(3 * MAX_ENTRIES) {
            resolve(&cache, &format!("https://host{i}.example.com/")).unwrap();
            assert!(cache.entries().len() <= MAX_ENTRIES);
        }
    }

    #[test]
    fn a_failed_lookup_is_marked_and_not_cached() {
        let cache = NameCache::with_lookup(
            Counting {
                answer: Answer::Fail,
                ..Counting::default()
            },
            TTL,
        );
        for _ in 0..2 {
            let error = resolve(&cache, "https://nowhere.invalid/").unwrap_err();
            let ureq::Error::Io(io) = &error else {
                panic!("{error:?}");
            };
            assert!(is_lookup_error(io), "{io:?}");
            assert!(
                io.to_string()
                    .starts_with("cannot resolve nowhere.invalid:443: "),
                "{io}"
            );
        }
        assert_eq!(calls(&cache), 2);
    }

    #[test]
    fn a_lookup_past_the_timeout_is_a_resolve_timeout() {
        let cache = NameCache::with_lookup(
            Counting {
                answer: Answer::Timeout,
                ..Counting::default()
            },
            TTL,
        );
        let error = resolve(&cache, "https://slow.example.com/").unwrap_err();
        assert!(
            matches!(error, ureq::Error::Timeout(Timeout::Resolve)),
            "{error:?}"
        );
    }

    #[test]
    fn the_system_resolver_finds_localhost() {
        let cache = NameCache::new();
        let addrs = resolve(&cache, "http://localhost:8080/").unwrap();
        assert!(!addrs.is_empty());
        assert!(
            addrs
                .iter()
                .all(|a| a.ip().is_loopback() && a.port() == 8080)
        );
    }
}
