//! The local sandbox of the Minted Connect customer API, and helpers for the
//! cross-crate tests.
//!
//! [`sandbox`] is a faithful local stand-in of the vendor's customer API on
//! `127.0.0.1`: the README's `minted --sandbox …`, the examples and every
//! transport test talk to it over real sockets. The `minted-sandbox` binary
//! serves the same thing from the command line.
//!
//! ```no_run
//! use minted_connect_tests::sandbox::{Sandbox, SandboxConfig};
//!
//! let sandbox = Sandbox::start(SandboxConfig::default())?;
//! println!("{} as {}:{}", sandbox.base_url(), sandbox.username(), sandbox.password());
//! // … drive a client against it …
//! assert!(sandbox.requests().iter().all(|r| r.status != 500));
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # The HTTP behaviour
//!
//! Endpoints (all under digest authentication, all need a non-empty
//! `x-client-id` header, else `400`):
//! - `GET /partner/customer/{id}`: the record plus undocumented extras the
//!   client must skip (`wallets`, a nested `kyc` object, `meta: []`);
//! - `PATCH /partner/customer/{id}`: validate, then apply (present fields set,
//!   `null`/`""` cleared, absent kept); `updated_at` changes;
//! - `DELETE /partner/customer/{id}` (inferred from the vendor's navigation);
//! - `POST /partner/customer`: create; `external_id` must be new.
//!
//! `{id}` is percent-decoded (a bad escape is a `400`). Other paths under
//! `/partner/` get `404` (after authentication), other methods `405`.
//!
//! Bodies are PHP `json_encode` output ([`sandbox::json_php`]): non-ASCII as
//! `\uXXXX`, emoji as surrogate pairs, `/` as `\/`. Envelopes:
//! - success: `{"data": {…}, "success": true, "code": 0, "message": "", "meta": []}`
//!   (a delete has `"data": []` and a message);
//! - error: `{"data": [], "success": false, "code": <status>, "message": "…"}`
//!   for `400`, `401`, `404`, `405`, `413`, `429`, `503`;
//! - `422`: `{"message": "<first error>[ (and N more errors)]", "errors":
//!   {"<field>": ["<message>", …]}, "data": [], "success": false, "code": 422}`,
//!   for broken rules (the client core's validation), a JSON value of the
//!   wrong type, an e-mail used by another customer or an existing
//!   `external_id` on create;
//! - `502` (fault only) is an nginx-style HTML page.
//!
//! Messages are Turkish unless `Accept-Language` asks for English
//! ([`sandbox::messages`]).
//!
//! Digest authentication, fault switches and the request log are described
//! on [`sandbox::SandboxConfig`], [`sandbox::Faults`] and
//! [`sandbox::SandboxHandle`].
//!
//! [`fault_server`] is a raw TCP server for the faults an HTTP server cannot
//! be made to produce (resets, clean closes mid-body, invalid UTF-8, two
//! `Content-Length` headers, redirects to another host, endless `503`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod fault_server;
pub mod sandbox;
