//! The errors of encoding and decoding, and the outcomes of a response.

use core::fmt;

use heapless::{String, Vec};

use crate::validate::Field;

/// The request body did not fit the lent buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum EncodeError {
    /// The buffer is shorter than the body; size it with
    /// [`MAX_UPDATE_BODY_LEN`](super::MAX_UPDATE_BODY_LEN) or
    /// [`MAX_CREATE_BODY_LEN`](super::MAX_CREATE_BODY_LEN). What was
    /// written before the overflow is unspecified.
    BufferTooSmall,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::BufferTooSmall => f.write_str("the body buffer is too small"),
        }
    }
}

impl core::error::Error for EncodeError {}

/// A field of a response body that a [`DecodeError`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ResponseField {
    /// The envelope's `data`.
    Data,
    /// The envelope's `success`.
    Success,
    /// The envelope's `code`.
    Code,
    /// The envelope's `message`.
    Message,
    /// `data.id`.
    Id,
    /// `data.external_id`.
    ExternalId,
    /// `data.company_id`.
    CompanyId,
    /// `data.user_id`.
    UserId,
    /// `data.firstname`.
    Firstname,
    /// `data.middlename`.
    Middlename,
    /// `data.lastname`.
    Lastname,
    /// `data.fullname`.
    Fullname,
    /// `data.email`.
    Email,
    /// `data.phone`.
    Phone,
    /// `data.gender`.
    Gender,
    /// `data.identity_number`.
    IdentityNumber,
    /// `data.birthdate`.
    Birthdate,
    /// `data.created_at`.
    CreatedAt,
    /// `data.updated_at`.
    UpdatedAt,
}

impl ResponseField {
    /// Every field in declaration order: `field as usize` indexes it.
    pub(crate) const ALL: [ResponseField; 19] = [
        ResponseField::Data,
        ResponseField::Success,
        ResponseField::Code,
        ResponseField::Message,
        ResponseField::Id,
        ResponseField::ExternalId,
        ResponseField::CompanyId,
        ResponseField::UserId,
        ResponseField::Firstname,
        ResponseField::Middlename,
        ResponseField::Lastname,
        ResponseField::Fullname,
        ResponseField::Email,
        ResponseField::Phone,
        ResponseField::Gender,
        ResponseField::IdentityNumber,
        ResponseField::Birthdate,
        ResponseField::CreatedAt,
        ResponseField::UpdatedAt,
    ];

    /// The JSON key.
    pub const fn name(self) -> &'static str {
        match self {
            ResponseField::Data => "data",
            ResponseField::Success => "success",
            ResponseField::Code => "code",
            ResponseField::Message => "message",
            ResponseField::Id => "id",
            ResponseField::ExternalId => "external_id",
            ResponseField::CompanyId => "company_id",
            ResponseField::UserId => "user_id",
            ResponseField::Firstname => "firstname",
            ResponseField::Middlename => "middlename",
            ResponseField::Lastname => "lastname",
            ResponseField::Fullname => "fullname",
            ResponseField::Email => "email",
            ResponseField::Phone => "phone",
            ResponseField::Gender => "gender",
            ResponseField::IdentityNumber => "identity_number",
            ResponseField::Birthdate => "birthdate",
            ResponseField::CreatedAt => "created_at",
            ResponseField::UpdatedAt => "updated_at",
        }
    }
}

impl fmt::Display for ResponseField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A response body that could not be decoded. Offsets are byte offsets
/// into the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum DecodeError {
    /// The body ended inside a value (a truncated or empty body).
    UnexpectedEnd,
    /// The body is not UTF-8.
    InvalidUtf8 {
        /// Where the first bad byte is.
        offset: usize,
    },
    /// A byte that JSON does not allow at this place.
    Syntax {
        /// Where the byte is.
        offset: usize,
    },
    /// A backslash escape JSON does not define, or bad `\u` hex digits.
    InvalidEscape {
        /// Where the backslash is.
        offset: usize,
    },
    /// A `\uD800`–`\uDFFF` escape that is not half of a surrogate pair.
    LoneSurrogate {
        /// Where the backslash is.
        offset: usize,
    },
    /// A raw control character (U+0000–U+001F) inside a string.
    ControlCharacter {
        /// Where the character is.
        offset: usize,
    },
    /// A number that breaks JSON's grammar.
    InvalidNumber {
        /// Where the number starts.
        offset: usize,
    },
    /// Arrays and objects nested deeper than [`MAX_DEPTH`](super::MAX_DEPTH).
    TooDeep {
        /// Where the value that was too deep starts.
        offset: usize,
    },
    /// Bytes other than whitespace after the top-level value.
    TrailingCharacters {
        /// Where they start.
        offset: usize,
    },
    /// The body is JSON but not an object.
    NotAnObject,
    /// A 2xx body without `data` (or with `data: null`).
    MissingData,
    /// A 2xx body whose `data` is not an object (e.g. `[]` or a string).
    DataNotObject,
    /// A field the client reads has a JSON type it cannot hold.
    WrongType {
        /// The field.
        field: ResponseField,
    },
    /// A text value longer than its field's capacity (never truncated).
    TooLong {
        /// The field.
        field: ResponseField,
        /// The field's capacity in bytes.
        capacity: usize,
    },
    /// A value of the right type that breaks its format: a negative or
    /// fractional id, an impossible date or timestamp.
    InvalidValue {
        /// The field.
        field: ResponseField,
    },
    /// A field the client reads appears twice in one object.
    DuplicateField {
        /// The field.
        field: ResponseField,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::UnexpectedEnd => f.write_str("the body ended too early"),
            DecodeError::InvalidUtf8 { offset } => write!(f, "invalid UTF-8 at byte {offset}"),
            DecodeError::Syntax { offset } => write!(f, "invalid JSON at byte {offset}"),
            DecodeError::InvalidEscape { offset } => write!(f, "invalid escape at byte {offset}"),
            DecodeError::LoneSurrogate { offset } => {
                write!(f, "unpaired UTF-16 surrogate escape at byte {offset}")
            }
            DecodeError::ControlCharacter { offset } => {
                write!(f, "raw control character in a string at byte {offset}")
            }
            DecodeError::InvalidNumber { offset } => write!(f, "invalid number at byte {offset}"),
            DecodeError::TooDeep { offset } => write!(f, "nesting too deep at byte {offset}"),
            DecodeError::TrailingCharacters { offset } => {
                write!(f, "trailing characters at byte {offset}")
            }
            DecodeError::NotAnObject => f.write_str("the body is not a JSON object"),
            DecodeError::MissingData => f.write_str("the body has no data"),
            DecodeError::DataNotObject => f.write_str("data is not an object"),
            DecodeError::WrongType { field } => write!(f, "{field} has the wrong JSON type"),
            DecodeError::TooLong { field, capacity } => {
                write!(f, "{field} is longer than {capacity} bytes")
            }
            DecodeError::InvalidValue { field } => write!(f, "{field} has an invalid value"),
            DecodeError::DuplicateField { field } => write!(f, "{field} appears twice"),
        }
    }
}

impl core::error::Error for DecodeError {}

/// Bytes kept of a server's top-level message (truncated at a character
/// boundary beyond this).
pub const SERVER_MESSAGE_CAPACITY: usize = 192;
/// Bytes kept of one per-field message of a 422 (truncated at a character
/// boundary beyond this).
pub const FIELD_MESSAGE_CAPACITY: usize = 128;
/// Bytes kept of a field name in a 422 (truncated at a character boundary).
pub const FIELD_NAME_CAPACITY: usize = 32;
/// Per-field messages kept of a 422; later ones are counted in
/// [`InvalidDetails::omitted`].
pub const MAX_FIELD_MESSAGES: usize = 8;

/// A server message, truncated at a character boundary to its capacity.
pub type ServerMessage = String<SERVER_MESSAGE_CAPACITY>;

/// One message the server gave for one field of a 422.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FieldMessage {
    /// The field's key as the server named it (e.g. `email`).
    pub field: String<FIELD_NAME_CAPACITY>,
    /// The message (e.g. `The email must be a valid email address.`).
    pub message: String<FIELD_MESSAGE_CAPACITY>,
}

impl FieldMessage {
    /// The request field this message is about, when the server's key is
    /// one of ours.
    pub fn known_field(&self) -> Option<Field> {
        Field::from_name(&self.field)
    }
}

/// What a 422 body said, as far as it could be read.
///
/// Accepted shapes, every part optional and possibly nested in objects such
/// as `data` or `error`: Laravel's `{"message": "...", "errors": {"field":
/// ["msg", ...]}}` and the `{"success": false, "code": n, "message": "..."}`
/// envelope. Messages longer than their capacity are truncated at a
/// character boundary and [`InvalidDetails::truncated`] is set; messages
/// beyond [`MAX_FIELD_MESSAGES`] are counted in [`InvalidDetails::omitted`].
/// A body that is empty or not JSON gives empty details: the status alone
/// says the request was refused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct InvalidDetails {
    /// The first `message` found (outermost first).
    pub message: Option<ServerMessage>,
    /// The first integer `code` found.
    pub code: Option<i64>,
    /// Per-field messages, in body order.
    pub fields: Vec<FieldMessage, MAX_FIELD_MESSAGES>,
    /// Field messages that did not fit in `fields`.
    pub omitted: u16,
    /// Whether any kept text was cut to fit its capacity.
    pub truncated: bool,
}

impl InvalidDetails {
    /// Empty details (what a body that says nothing gives).
    pub const fn new() -> Self {
        InvalidDetails {
            message: None,
            code: None,
            fields: Vec::new(),
            omitted: 0,
            truncated: false,
        }
    }

    /// Empties the details in place.
    pub fn clear(&mut self) {
        self.message = None;
        self.code = None;
        self.fields.clear();
        self.omitted = 0;
        self.truncated = false;
    }

    /// The messages the server gave for `field`.
    pub fn messages_for(&self, field: Field) -> impl Iterator<Item = &str> {
        self.fields
            .iter()
            .filter(move |m| m.field.as_str() == field.name())
            .map(|m| m.message.as_str())
    }
}

impl fmt::Display for InvalidDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            self.message
                .as_deref()
                .filter(|m| !m.is_empty())
                .unwrap_or("invalid parameters"),
        )?;
        for m in &self.fields {
            write!(f, "; {}: {}", m.field, m.message)?;
        }
        if self.omitted > 0 {
            write!(f, "; and {} more", self.omitted)?;
        }
        Ok(())
    }
}

/// Why a call did not produce its result.
///
/// Built by [`decode_customer_response`](super::decode_customer_response)
/// and [`decode_remove_response`](super::decode_remove_response) from the
/// status code and body.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ApiError {
    /// 404: no customer with this external id.
    NotFound,
    /// 422: the server refused the parameters.
    ///
    /// What the body says is not carried here: [`InvalidDetails`] is about
    /// 1.6 KiB and would sit in every `Result` frame of a call. Read it
    /// from the body with [`invalid_details`](super::invalid_details); the
    /// [`call`](crate::call) driver keeps it in its
    /// [`CallBuffers`](crate::call::CallBuffers) (`Call::invalid_details`).
    Invalid,
    /// 401 or 403: the credentials were refused.
    Unauthorized {
        /// The status code.
        status: u16,
    },
    /// 429: too many requests.
    RateLimited {
        /// Seconds to wait, when the transport passed `Retry-After`.
        retry_after: Option<u32>,
    },
    /// 5xx: the server failed.
    Server {
        /// The status code.
        status: u16,
    },
    /// A 2xx body with `success: false`.
    Rejected {
        /// The envelope's `code`, if it had an integer one.
        code: Option<i64>,
        /// The envelope's `message` (truncated at a character boundary).
        message: ServerMessage,
    },
    /// A status this API does not document (1xx, 3xx, other 4xx).
    UnexpectedStatus {
        /// The status code.
        status: u16,
    },
    /// A 2xx body that could not be decoded.
    Malformed(DecodeError),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::NotFound => f.write_str("customer not found"),
            ApiError::Invalid => f.write_str("parameters refused (HTTP 422)"),
            ApiError::Unauthorized { status } => write!(f, "not authorized (HTTP {status})"),
            ApiError::RateLimited {
                retry_after: Some(s),
            } => {
                write!(f, "rate limited; retry after {s} s")
            }
            ApiError::RateLimited { retry_after: None } => f.write_str("rate limited"),
            ApiError::Server { status } => write!(f, "server error (HTTP {status})"),
            ApiError::Rejected {
                code: Some(code),
                message,
            } => {
                write!(f, "request rejected (code {code}): {message}")
            }
            ApiError::Rejected {
                code: None,
                message,
            } => write!(f, "request rejected: {message}"),
            ApiError::UnexpectedStatus { status } => write!(f, "unexpected HTTP status {status}"),
            ApiError::Malformed(error) => write!(f, "malformed response: {error}"),
        }
    }
}

impl core::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            ApiError::Malformed(error) => Some(error),
            _ => None,
        }
    }
}

impl From<DecodeError> for ApiError {
    fn from(error: DecodeError) -> ApiError {
        ApiError::Malformed(error)
    }
}
