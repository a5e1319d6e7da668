//! JSON: request bodies emitted into a lent buffer, responses decoded.
//!
//! - [`encode_update`] / [`encode_create`]: a hand-written emitter writes the
//!   validated body into the caller's buffer and returns the bytes used;
//!   [`MAX_UPDATE_BODY_LEN`] / [`MAX_CREATE_BODY_LEN`] size the buffer at
//!   compile time.
//! - [`decode_customer_response`] / [`decode_remove_response`]: status code
//!   and body → the record or an [`ApiError`]. A hand-written, strict
//!   tokenizer reads the envelope with full unescaping (`\uXXXX`, surrogate
//!   pairs, `\/`), skips and checks unknown values at any depth, and never
//!   copies the body: text is decoded straight into the record's
//!   fixed-capacity fields.
//!
//! Guarantees: no allocation, no panic on any input, no silent truncation
//! of record fields (a value too long for its field is
//! [`DecodeError::TooLong`] naming the field). Only server *messages* (the
//! 422 details and a rejection's message) are cut to their capacity, at a
//! character boundary, and flagged.

mod customer;
mod encode;
mod envelope;
mod errors;
mod parser;
mod word_error;

pub use encode::{MAX_CREATE_BODY_LEN, MAX_UPDATE_BODY_LEN, encode_create, encode_update};
pub use envelope::{
    decode_customer_response, decode_customer_response_into, decode_remove_response,
    invalid_details, invalid_details_into,
};
pub use errors::{
    ApiError, DecodeError, EncodeError, FIELD_MESSAGE_CAPACITY, FIELD_NAME_CAPACITY, FieldMessage,
    InvalidDetails, MAX_FIELD_MESSAGES, ResponseField, SERVER_MESSAGE_CAPACITY, ServerMessage,
};
pub use parser::MAX_DEPTH;
