//! The blocking client: the core's call driver over one ureq agent.
//!
//! Each operation runs the core's transport contract
//! ([`minted_connect_core::call`]): `request` → send → `response` or
//! `transport_failed` → wait the delay the core chose → again, until the
//! core says done or gives up. The client makes no protocol decision of its
//! own: digest, retries and the meaning of a status are the core's.
//!
//! One [`DigestSession`] lives as long as the client, so after the first
//! challenge every request is authenticated pre-emptively (one request per
//! operation instead of two). Operations on one client are serialized by a
//! mutex: the digest nonce count must rise with every request, and the
//! buffers are reused. For parallel work use one client per thread.

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use minted_connect_core::auth::{Credentials as DigestCredentials, DigestSession};
use minted_connect_core::call::{
    Authentication, Call, CallBuffers, CallError, FailureDecision, Operation, Outcome, Response,
    RetryPolicy, Step,
};
use minted_connect_core::json::{ApiError, InvalidDetails};
use minted_connect_core::model::{Customer, CustomerCreate, CustomerUpdate};
use minted_connect_core::request::{PathError, RequestSettings, check_header_value};
use minted_connect_core::validate::{
    CreateInput, CustomerInput, ValidationErrors, ValidationProfile,
};
use ureq::Agent;

use crate::base_url::BaseUrl;
use crate::config::{Config, Credentials};
use crate::error::{ConfigError, Error, ProtocolError, ProtocolErrorKind};
use crate::exchange::{Received, build_agent, exchange};
use crate::random::OsRandom;
use crate::resolver::NameCache;

/// A client of the customer API; see the [module docs](self).
///
/// ```no_run
/// use minted_connect_std::{Client, Config, Credentials, CustomerInput, STAGING_BASE_URL};
///
/// let mut config = Config::new(STAGING_BASE_URL);
/// config.credentials = Credentials::digest("partner", "s3cret");
/// let client = Client::new(config)?;
///
/// let input = CustomerInput {
///     firstname: Some("Mehmet"),
///     lastname: Some("Gülbilge"),
///     email: Some("mehmet.gulbilge@example.com"),
///     ..CustomerInput::default()
/// };
/// let customer = client.update_input("MTD0018232", &input)?;
/// println!("{customer:?}");
/// # Ok::<(), minted_connect_std::Error>(())
/// ```
pub struct Client {
    agent: Agent,
    /// The agent's resolver cache, emptied when a connection fails.
    names: NameCache,
    base: BaseUrl,
    /// The scheme, host and prefix, for error messages (no path, no id).
    target: String,
    client_id: String,
    api_version: Option<String>,
    accept_language: String,
    user_agent: String,
    credentials: Credentials,
    policy: RetryPolicy,
    max_response_bytes: usize,
    profile: ValidationProfile,
    state: Mutex<State>,
}

/// What one operation at a time borrows.
struct State {
    session: DigestSession,
    buffers: Box<CallBuffers>,
    body: Vec<u8>,
    rng: OsRandom,
    requests: u64,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.target)
            .field("client_id", &self.client_id)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Checks `config` and builds the client. Nothing is sent: a bad base
    /// URL, plain http to a non-loopback host, a header value with a control
    /// character and an unreadable certificate are all refused here.
    pub fn new(config: Config) -> Result<Self, Error> {
        let base = BaseUrl::parse(&config.base_url, config.allow_plain_http)?;
        let settings = RequestSettings {
            client_id: &config.client_id,
            api_version: config.api_version.as_deref(),
            accept_language: &config.accept_language,
            user_agent: &config.user_agent,
        };
        settings.check().map_err(ConfigError::Header)?;
        match &config.credentials {
            Credentials::Preset(value) => {
                check_header_value("Authorization", value).map_err(ConfigError::Header)?;
            }
            Credentials::Digest { username, .. } => {
                check_header_value("Authorization", username).map_err(ConfigError::Header)?;
            }
            Credentials::None => {}
        }
        let (agent, names) = build_agent(&config)?;
        Ok(Client {
            agent,
            names,
            target: base.url(""),
            base,
            client_id: config.client_id,
            api_version: config.api_version,
            accept_language: config.accept_language,
            user_agent: config.user_agent,
            credentials: config.credentials,
            policy: config.retry_policy,
            max_response_bytes: config.max_response_bytes,
            profile: config.validation_profile,
            state: Mutex::new(State {
                session: DigestSession::new(),
                buffers: Box::new(CallBuffers::new()),
                body: Vec::new(),
                rng: OsRandom::new(),
                requests: 0,
            }),
        })
    }

    /// `PATCH /partner/customer/{id}`: replaces the customer's fields and
    /// returns the stored record.
    pub fn update(&self, id: &str, customer: &CustomerUpdate) -> Result<Customer, Error> {
        self.customer(Operation::Update { id, customer })
    }

    /// Validates `input` (every failing field is reported, nothing is sent),
    /// then [`update`](Self::update)s.
    pub fn update_input(&self, id: &str, input: &CustomerInput<'_>) -> Result<Customer, Error> {
        let customer = CustomerUpdate::validate(input, self.profile)?;
        self.update(id, &customer)
    }

    /// `GET /partner/customer/{id}`.
    pub fn get(&self, id: &str) -> Result<Customer, Error> {
        self.customer(Operation::Get { id })
    }

    /// `POST /partner/customer`: creates a customer. Not repeated once the
    /// request may have reached the server, so a failure never makes two.
    pub fn create(&self, customer: &CustomerCreate) -> Result<Customer, Error> {
        self.customer(Operation::Create { customer })
    }

    /// Validates `input` (nothing is sent on failure), then
    /// [`create`](Self::create)s.
    pub fn create_input(&self, input: &CreateInput<'_>) -> Result<Customer, Error> {
        let customer = CustomerCreate::validate(input, self.profile)?;
        self.create(&customer)
    }

    /// `DELETE /partner/customer/{id}`.
    pub fn remove(&self, id: &str) -> Result<(), Error> {
        self.run(Operation::Remove { id }, |_, _| Ok(()))
    }

    /// How many HTTP requests this client has sent (every attempt and every
    /// authentication resend counts).
    pub fn requests_sent(&self) -> u64 {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .requests
    }

    fn customer(&self, operation: Operation<'_>) -> Result<Customer, Error> {
        self.run(operation, |outcome, call| match outcome {
            Outcome::Customer => Ok(call.customer().clone()),
            Outcome::Removed => Err(Error::Protocol(ProtocolError::new(
                ProtocolErrorKind::MalformedBody,
                None,
            ))),
        })
    }

    /// Drives one operation through the core's call to its end, then lets
    /// `finish` read the result out of the call's buffers. The record (3.5
    /// KiB) is cloned straight into the caller's return value instead of
    /// moving through an `Option` and two `Result`s.
    fn run<T>(
        &self,
        operation: Operation<'_>,
        finish: impl FnOnce(Outcome, &Call<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        // A panic in another operation leaves nothing half-done that matters:
        // the session is at worst cleared by the next challenge.
        let mut guard = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let State {
            session,
            buffers,
            body,
            rng,
            requests,
        } = &mut *guard;
        let settings = RequestSettings {
            client_id: &self.client_id,
            api_version: self.api_version.as_deref(),
            accept_language: &self.accept_language,
            user_agent: &self.user_agent,
        };
        let authentication = match &self.credentials {
            Credentials::Digest { username, password } => {
                Authentication::Digest(DigestCredentials { username, password })
            }
            Credentials::Preset(value) => Authentication::Preset(value),
            Credentials::None => Authentication::None,
        };
        let mut call = Call::new(
            operation,
            &settings,
            authentication,
            session,
            self.policy,
            buffers,
        )
        .map_err(call_error)?;

        loop {
            let result = {
                let request = call.request(rng).map_err(call_error)?;
                let url = self.base.url(request.path);
                *requests = requests.saturating_add(1);
                exchange(
                    &self.agent,
                    &url,
                    &self.target,
                    &request,
                    body,
                    self.max_response_bytes,
                )
            };
            let delay_ms = match result {
                Ok(received) => {
                    let Received {
                        status,
                        www_authenticate,
                        authentication_info,
                        retry_after,
                    } = &received;
                    let challenges: Vec<&str> =
                        www_authenticate.iter().map(String::as_str).collect();
                    let response = Response {
                        status: *status,
                        www_authenticate: &challenges,
                        authentication_info: authentication_info.as_deref(),
                        retry_after: retry_after.as_deref(),
                        body: body.as_slice(),
                    };
                    match call.response(&response, rng) {
                        Ok(Step::SendAgain { delay_ms }) => delay_ms,
                        Ok(Step::Done(outcome)) => return finish(outcome, &call),
                        Err(error) => {
                            return Err(final_error(
                                error,
                                call.requests_made(),
                                call.invalid_details(),
                            ));
                        }
                    }
                }
                Err(failure) => {
                    if failure.could_not_connect() {
                        // Perhaps the host moved: look it up again.
                        self.names.forget();
                    }
                    match call.transport_failed(failure.kind, rng) {
                        FailureDecision::Retry { delay_ms } => delay_ms,
                        FailureDecision::GiveUp => return Err(failure.error),
                    }
                }
            };
            if delay_ms > 0 {
                thread::sleep(Duration::from_millis(u64::from(delay_ms)));
            }
        }
    }
}

/// The caller's error for a core error before or without a response.
fn call_error(error: CallError) -> Error {
    final_error(error, 0, &InvalidDetails::new())
}

/// The caller's error for the core's final verdict.
/// `details`: what the call read from a 422, for [`ApiError::Invalid`].
fn final_error(error: CallError, requests: u16, details: &InvalidDetails) -> Error {
    match error {
        CallError::Header(error) => Error::Config(ConfigError::Header(error)),
        CallError::Path(PathError::InvalidId(error)) => {
            let mut errors = ValidationErrors::new();
            errors.push(error);
            Error::Validation(errors)
        }
        CallError::Authentication(failure) => Error::Authentication(failure),
        CallError::Api(ApiError::Invalid) => Error::Invalid(Box::new(details.clone())),
        CallError::Api(error) => api_error(error, requests),
        other => Error::Internal(Box::new(other)),
    }
}

fn api_error(error: ApiError, requests: u16) -> Error {
    match error {
        ApiError::RateLimited { retry_after } => Error::RateLimited { retry_after },
        ApiError::Server { status } => Error::Server { status, requests },
        ApiError::Malformed(error) => Error::Protocol(ProtocolError::new(
            ProtocolErrorKind::MalformedBody,
            Some(Box::new(error)),
        )),
        other => Error::Api(Box::new(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<Client>();
        shared::<Error>();
    }
}
