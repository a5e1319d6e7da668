//! Fault switches: ways a real network path or backend misbehaves, so that
//! client tests can prove their timeouts, limits and retry rules.
//!
//! Two kinds:
//! - **status faults** answer instead of the API, before authentication, like
//!   a proxy or a rate limiter in front of it would: an HTML `502` page, `503`
//!   with `Retry-After`, `429` with `Retry-After` — each for the next K
//!   requests ([`Times::Next`]) or for every request ([`Times::Always`]).
//!   When several are on, the first in that order answers.
//! - **transport faults** change how a response travels: a delay before the
//!   status line, a pause in the middle of the body, a body cut short
//!   (`Content-Length` larger than what is sent, then the connection is
//!   closed), a body padded to at least N bytes, chunked transfer encoding,
//!   `Connection: close` after every response. [`FaultScope`] says whether they
//!   also hit the `401` challenges or only the answers to authorized requests.

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::str::FromStr;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

/// How often a status fault fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Times {
    /// On every request until the fault is switched off.
    Always,
    /// On the next N requests, then never again.
    Next(u32),
}

impl Times {
    /// Uses one shot: whether the fault fires for this request.
    fn fire(&mut self) -> bool {
        match self {
            Times::Always => true,
            Times::Next(0) => false,
            Times::Next(n) => {
                *n -= 1;
                true
            }
        }
    }
}

impl FromStr for Times {
    type Err = String;

    /// `always` or a count of requests.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("always") {
            return Ok(Times::Always);
        }
        s.parse::<u32>()
            .map(Times::Next)
            .map_err(|_| format!("expected `always` or a number of requests, got {s:?}"))
    }
}

impl fmt::Display for Times {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Times::Always => f.write_str("always"),
            Times::Next(n) => write!(f, "next {n}"),
        }
    }
}

/// A status fault that carries a `Retry-After` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfterFault {
    /// The `Retry-After` value in seconds.
    pub retry_after: u32,
    /// How often it fires.
    pub times: Times,
}

/// Which responses the transport faults apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FaultScope {
    /// Every response, `401` challenges and status faults included.
    #[default]
    EveryResponse,
    /// Only responses to requests that passed digest authentication.
    AuthorizedOnly,
}

/// The set of active faults. `Faults::default()` is a well-behaved server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    /// Wait this long before sending the status line.
    pub slow_head: Option<Duration>,
    /// Send the head and the first half of the body, then wait this long
    /// before sending the rest.
    pub slow_body: Option<Duration>,
    /// Announce the full `Content-Length`, send only the first half of the
    /// body, then close the connection.
    pub truncated_body: bool,
    /// Pad every JSON body to at least this many bytes (an extra top-level
    /// `"padding"` string member).
    pub oversized_body: Option<usize>,
    /// Answer `502 Bad Gateway` with an HTML page (as a proxy would).
    pub bad_gateway: Option<Times>,
    /// Answer `503 Service Unavailable` with `Retry-After`.
    pub unavailable: Option<RetryAfterFault>,
    /// Answer `429 Too Many Requests` with `Retry-After`.
    pub rate_limited: Option<RetryAfterFault>,
    /// Send bodies with `Transfer-Encoding: chunked` (in several chunks)
    /// instead of `Content-Length`.
    pub chunked: bool,
    /// Send `Connection: close` and close the connection after every response.
    pub connection_close: bool,
    /// Which responses the transport faults above apply to.
    pub scope: FaultScope,
}

/// A status fault that fired for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatusFault {
    BadGateway,
    Unavailable { retry_after: u32 },
    RateLimited { retry_after: u32 },
}

/// The transport faults that apply to one response.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Shape {
    pub(crate) slow_head: Option<Duration>,
    pub(crate) slow_body: Option<Duration>,
    pub(crate) truncated: bool,
    pub(crate) oversized: Option<usize>,
    pub(crate) chunked: bool,
    pub(crate) close: bool,
}

impl Faults {
    /// Consumes one shot of the first status fault that fires, if any.
    pub(crate) fn take_status_fault(&mut self) -> Option<StatusFault> {
        if let Some(times) = &mut self.bad_gateway
            && times.fire()
        {
            return Some(StatusFault::BadGateway);
        }
        if let Some(fault) = &mut self.unavailable
            && fault.times.fire()
        {
            return Some(StatusFault::Unavailable {
                retry_after: fault.retry_after,
            });
        }
        if let Some(fault) = &mut self.rate_limited
            && fault.times.fire()
        {
            return Some(StatusFault::RateLimited {
                retry_after: fault.retry_after,
            });
        }
        None
    }

    /// The transport faults for a response; `authorized` is whether the
    /// request passed digest authentication.
    pub(crate) fn shape(&self, authorized: bool) -> Shape {
        if self.scope == FaultScope::AuthorizedOnly && !authorized {
            return Shape::default();
        }
        Shape {
            slow_head: self.slow_head,
            slow_body: self.slow_body,
            truncated: self.truncated_body,
            oversized: self.oversized_body,
            chunked: self.chunked,
            close: self.connection_close,
        }
    }
}

/// A response body that can pause in the middle or end with an error, which
/// makes hyper abort the connection (the truncated-body fault).
#[derive(Debug)]
pub(crate) struct FaultBody {
    chunks: VecDeque<Bytes>,
    pause_after_first: Option<Duration>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    abort_at_end: bool,
    exact_len: Option<u64>,
}

impl FaultBody {
    /// Splits `body` according to `shape`. Returns the body and, for the
    /// truncated fault, the `Content-Length` value to announce (the full
    /// length), which hyper then fails to meet.
    pub(crate) fn new(body: Vec<u8>, shape: &Shape) -> (FaultBody, Option<usize>) {
        let full = Bytes::from(body);
        let len = full.len();
        let half = len / 2;
        let mut chunks = VecDeque::new();
        let mut announced = None;
        let mut exact_len = Some(len as u64);
        if shape.truncated {
            chunks.push_back(full.slice(..half));
            announced = Some(len);
            exact_len = None;
        } else if shape.chunked {
            let third = len.div_ceil(3).max(1);
            let mut start = 0;
            while start < len {
                let end = (start + third).min(len);
                chunks.push_back(full.slice(start..end));
                start = end;
            }
            exact_len = None;
        } else if shape.slow_body.is_some() && len >= 2 {
            chunks.push_back(full.slice(..half));
            chunks.push_back(full.slice(half..));
        } else if len > 0 {
            chunks.push_back(full);
        }
        // hyper writes out what it has when the body is pending: a short pause
        // before the abort makes sure the head and the first half leave.
        let pause_after_first = match shape.slow_body {
            None if shape.truncated => Some(Duration::from_millis(20)),
            pause => pause,
        };
        let body = FaultBody {
            chunks,
            pause_after_first,
            sleep: None,
            abort_at_end: shape.truncated,
            exact_len,
        };
        (body, announced)
    }
}

impl Body for FaultBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        if let Some(sleep) = &mut this.sleep {
            match sleep.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(()) => this.sleep = None,
            }
        }
        match this.chunks.pop_front() {
            Some(chunk) => {
                if let Some(pause) = this.pause_after_first.take()
                    && (!this.chunks.is_empty() || this.abort_at_end)
                {
                    this.sleep = Some(Box::pin(tokio::time::sleep(pause)));
                }
                Poll::Ready(Some(Ok(Frame::data(chunk))))
            }
            None if this.abort_at_end => {
                this.abort_at_end = false;
                Poll::Ready(Some(Err(io::Error::new(
                    io::ErrorKind::ConnectionAborted,
                    "truncated-body fault: closing before the announced length",
                ))))
            }
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.is_empty() && !self.abort_at_end && self.sleep.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        match self.exact_len {
            Some(len) => SizeHint::with_exact(len),
            None => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_faults_run_out() {
        let mut faults = Faults {
            unavailable: Some(RetryAfterFault {
                retry_after: 7,
                times: Times::Next(2),
            }),
            rate_limited: Some(RetryAfterFault {
                retry_after: 3,
                times: Times::Always,
            }),
            ..Faults::default()
        };
        assert_eq!(
            faults.take_status_fault(),
            Some(StatusFault::Unavailable { retry_after: 7 })
        );
        assert_eq!(
            faults.take_status_fault(),
            Some(StatusFault::Unavailable { retry_after: 7 })
        );
        assert_eq!(
            faults.take_status_fault(),
            Some(StatusFault::RateLimited { retry_after: 3 })
        );
    }

    #[test]
    fn parses_times() {
        assert_eq!("always".parse::<Times>(), Ok(Times::Always));
        assert_eq!("3".parse::<Times>(), Ok(Times::Next(3)));
        assert!("x".parse::<Times>().is_err());
    }
}
