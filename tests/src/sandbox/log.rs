//! The request log: one entry per request the API handled, so that tests
//! can assert round trips (how many requests, which carried `Authorization`,
//! what came back) instead of guessing.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// One request and the status the sandbox answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// The position in the log since the start (not reset by `clear_log`).
    pub seq: u64,
    /// The method, e.g. `PATCH`.
    pub method: String,
    /// The request-target as sent (path and query).
    pub target: String,
    /// The path without the query.
    pub path: String,
    /// Every header, names lowercased, values lossily decoded as UTF-8.
    pub headers: Vec<(String, String)>,
    /// The `Authorization` header, if the request had one.
    pub authorization: Option<String>,
    /// The request body.
    pub body: Vec<u8>,
    /// The status sent back.
    pub status: u16,
    /// Whether a `401` carried `stale=true`.
    pub stale: bool,
    /// Whether the request passed digest authentication.
    pub authorized: bool,
    /// The status fault that answered it (`502`, `503`, `429`), if any.
    pub status_fault: Option<u16>,
}

impl LoggedRequest {
    /// Whether the request carried an `Authorization` header.
    pub fn had_authorization(&self) -> bool {
        self.authorization.is_some()
    }

    /// The first value of a header (name matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// One line for a console: `PATCH /partner/customer/X -> 200 (auth)`.
    pub fn summary(&self) -> String {
        let mut line = format!("{} {} -> {}", self.method, self.target, self.status);
        if self.authorized {
            line.push_str(" (authorized)");
        } else if self.had_authorization() {
            line.push_str(" (Authorization rejected)");
        }
        if self.stale {
            line.push_str(" stale=true");
        }
        line
    }
}

/// The shared, append-only log.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    inner: Mutex<LogInner>,
}

#[derive(Debug, Default)]
struct LogInner {
    entries: Vec<LoggedRequest>,
    next_seq: u64,
}

impl RequestLog {
    fn lock(&self) -> MutexGuard<'_, LogInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends an entry, giving it its sequence number.
    pub(crate) fn push(&self, mut entry: LoggedRequest) {
        let mut inner = self.lock();
        entry.seq = inner.next_seq;
        inner.next_seq += 1;
        inner.entries.push(entry);
    }

    /// A copy of the entries since the last clear.
    pub(crate) fn entries(&self) -> Vec<LoggedRequest> {
        self.lock().entries.clone()
    }

    /// How many entries since the last clear.
    pub(crate) fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Forgets the entries (sequence numbers keep counting).
    pub(crate) fn clear(&self) {
        self.lock().entries.clear();
    }
}
