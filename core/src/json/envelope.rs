//! Status code + body → outcome: the `{data, success, code, message}`
//! envelope of a 2xx, and the details of a 422.

use heapless::String;

use super::customer::decode_customer;
use super::errors::{
    ApiError, DecodeError, FieldMessage, InvalidDetails, ResponseField, ServerMessage,
};
use super::parser::Parser;
use super::word_error::WordError;
use crate::model::Customer;

/// How deep a 422 body is searched for `message`, `code` and `errors`
/// (objects such as `{"error": {"data": {...}}}`).
const MAX_DETAILS_NESTING: usize = 4;

/// The outcome of every status but 2xx.
// Out of line: the error path builds 1.6 KiB of 422 details, which would
// otherwise sit in the frame of every successful decode.
#[inline(never)]
fn status_error(status: u16, retry_after: Option<u32>) -> ApiError {
    match status {
        401 | 403 => ApiError::Unauthorized { status },
        404 => ApiError::NotFound,
        422 => ApiError::Invalid,
        429 => ApiError::RateLimited { retry_after },
        500..=599 => ApiError::Server { status },
        _ => ApiError::UnexpectedStatus { status },
    }
}

/// What the envelope said besides `data`.
struct Envelope {
    success: Option<bool>,
    code: Option<i64>,
    message: ServerMessage,
}

/// An integer `code` (anything else, e.g. a string code, is ignored).
fn integer(p: &mut Parser<'_>) -> Result<Option<i64>, WordError> {
    match p.peek()? {
        b'-' | b'0'..=b'9' => {
            let text = p.number()?;
            Ok(text.parse::<i64>().ok())
        }
        _ => {
            p.skip_value()?;
            Ok(None)
        }
    }
}

/// Reads the `data` object of an envelope: `Err` ends the walk (syntax),
/// the inner `Err` is a field error reported after the walk.
type DataReader<'r, 'a> =
    dyn FnMut(&mut Parser<'a>) -> Result<Result<(), DecodeError>, WordError> + 'r;

/// Walks a 2xx envelope; `on_data` reads the `data` value when it is an
/// object and returns a deferred field error, if any.
// `dyn`: one copy of the walk for every caller.
fn walk_envelope<'a>(
    body: &'a [u8],
    on_data: &mut DataReader<'_, 'a>,
) -> Result<(Envelope, Result<(), DecodeError>), DecodeError> {
    let mut p = Parser::new(body)?;
    if p.peek()? != b'{' {
        p.skip_value()?;
        p.finish()?;
        return Err(DecodeError::NotAnObject);
    }
    p.object_start()?;
    let mut envelope = Envelope {
        success: None,
        code: None,
        message: String::new(),
    };
    let mut data: Result<(), DecodeError> = Err(DecodeError::MissingData);
    let mut seen_data = false;
    let mut seen_success = false;
    let mut first = true;
    while let Some(key) = p.next_key(&mut first)? {
        if key.matches("data") {
            if seen_data {
                p.skip_value()?;
                data = Err(DecodeError::DuplicateField {
                    field: ResponseField::Data,
                });
                continue;
            }
            seen_data = true;
            data = match p.peek()? {
                b'{' => on_data(&mut p)?,
                b'n' => {
                    p.literal(b"null")?;
                    Err(DecodeError::MissingData)
                }
                _ => {
                    p.skip_value()?;
                    Err(DecodeError::DataNotObject)
                }
            };
        } else if key.matches("success") {
            if seen_success {
                return Err(DecodeError::DuplicateField {
                    field: ResponseField::Success,
                });
            }
            seen_success = true;
            if !p.null()? {
                envelope.success = Some(p.boolean()?.ok_or(DecodeError::WrongType {
                    field: ResponseField::Success,
                })?);
            }
        } else if key.matches("code") {
            envelope.code = integer(&mut p)?;
        } else if key.matches("message") && p.peek()? == b'"' {
            p.string()?
                .decode_truncating(envelope.message.as_mut_view())?;
        } else {
            p.skip_value()?;
        }
    }
    p.finish()?;
    Ok((envelope, data))
}

/// Applies the envelope's verdict: `success: false` wins over everything in
/// `data`; otherwise `data` must have been read.
fn verdict(envelope: Envelope, data: Result<(), DecodeError>) -> Result<(), ApiError> {
    if envelope.success == Some(false) {
        return Err(ApiError::Rejected {
            code: envelope.code,
            message: envelope.message,
        });
    }
    data.map_err(ApiError::Malformed)
}

/// Decodes the answer to Update, Create or Get Customer.
///
/// - 2xx: the envelope `{data, success, code, message}` in any field order,
///   unknown fields (nested at any depth) skipped and checked. `success:
///   false` → [`ApiError::Rejected`]; otherwise `data` must be an object →
///   the [`Customer`] (`success` missing is tolerated). Every string is fully
///   unescaped: `\uXXXX`, surrogate pairs, `\/`; a lone surrogate is an error.
/// - 404 → [`ApiError::NotFound`]; 422 → [`ApiError::Invalid`] with what the
///   body says (see [`InvalidDetails`]); 401/403 → [`ApiError::Unauthorized`];
///   429 → [`ApiError::RateLimited`] with `retry_after` (seconds, from the
///   transport's `Retry-After`); 5xx → [`ApiError::Server`]; anything else →
///   [`ApiError::UnexpectedStatus`].
/// - A 2xx body that is truncated, not JSON, not an object, without an
///   object `data`, or with a value that does not fit its field →
///   [`ApiError::Malformed`] naming the problem (and the field).
///
/// ```
/// use minted_connect_core::json::{decode_customer_response, ApiError};
///
/// let body = br#"{"data":{"id":2,"external_id":"MTD0018232","company_id":2000000,
///   "user_id":null,"firstname":"Mehmet","middlename":null,"lastname":"G\u00fclbilge",
///   "fullname":"Mehmet G\u00fclbilge","email":"mehmet@example.com","phone":null,
///   "gender":null,"identity_number":null,"birthdate":null,
///   "created_at":"2023-03-05 04:51:18","updated_at":"2023-03-05 04:51:18"},
///   "success":true,"code":0,"message":""}"#;
/// let customer = decode_customer_response(200, body, None)?;
/// assert_eq!(customer.fullname.as_deref(), Some("Mehmet Gülbilge"));
/// assert_eq!(customer.phone, None);
///
/// assert_eq!(decode_customer_response(404, b"", None), Err(ApiError::NotFound));
/// # Ok::<(), ApiError>(())
/// ```
pub fn decode_customer_response(
    status: u16,
    body: &[u8],
    retry_after: Option<u32>,
) -> Result<Customer, ApiError> {
    let mut customer = Customer::new();
    decode_customer_response_into(status, body, retry_after, &mut customer)?;
    Ok(customer)
}

/// [`decode_customer_response`] into a record the caller owns, so that no
/// frame holds a `Customer` (3.5 KiB) by value: what a kiosk with a small
/// task stack uses (the [`call`](crate::call) driver decodes into its
/// [`CallBuffers`](crate::call::CallBuffers)). `out` is cleared first; after
/// an error its contents are unspecified.
pub fn decode_customer_response_into(
    status: u16,
    body: &[u8],
    retry_after: Option<u32>,
    out: &mut Customer,
) -> Result<(), ApiError> {
    if !(200..=299).contains(&status) {
        return Err(status_error(status, retry_after));
    }
    out.clear();
    let (envelope, data) = walk_envelope(body, &mut |p| decode_customer(p, out))?;
    verdict(envelope, data)
}

/// Decodes the answer to Remove Customer (`DELETE`, inferred: its page is
/// not public).
///
/// - 2xx with an empty (or whitespace-only) body → `Ok(())`.
/// - 2xx with a body: the envelope; `success: false` →
///   [`ApiError::Rejected`], anything else → `Ok(())` (`data` may be any
///   value and is ignored, but the JSON must be well-formed).
/// - Other statuses as in [`decode_customer_response`]; a 404 is
///   [`ApiError::NotFound`] (the caller may treat it as already removed).
///
/// ```
/// use minted_connect_core::json::{decode_remove_response, ApiError};
/// decode_remove_response(204, b"", None)?;
/// decode_remove_response(200, br#"{"data":[],"success":true,"code":0,"message":""}"#, None)?;
/// assert!(matches!(
///     decode_remove_response(200, br#"{"success":false,"code":7,"message":"no"}"#, None),
///     Err(ApiError::Rejected { code: Some(7), .. })
/// ));
/// # Ok::<(), ApiError>(())
/// ```
pub fn decode_remove_response(
    status: u16,
    body: &[u8],
    retry_after: Option<u32>,
) -> Result<(), ApiError> {
    if !(200..=299).contains(&status) {
        return Err(status_error(status, retry_after));
    }
    if body
        .iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    {
        return Ok(());
    }
    let (envelope, _) = walk_envelope(body, &mut |p| p.skip_value().map(Ok))?;
    verdict(envelope, Ok(()))
}

/// Reads what a 422 body says (the decoders give a bare
/// [`ApiError::Invalid`]). Never fails: what could be read before a syntax
/// error is kept, and a body that is not JSON gives empty details.
///
/// ```
/// use minted_connect_core::json::{decode_customer_response, invalid_details, ApiError};
/// use minted_connect_core::validate::Field;
///
/// let body = br#"{"message":"The email must be a valid email address.",
///   "errors":{"email":["The email must be a valid email address."]}}"#;
/// assert_eq!(decode_customer_response(422, body, None), Err(ApiError::Invalid));
/// let details = invalid_details(body);
/// assert_eq!(
///     details.messages_for(Field::Email).next(),
///     Some("The email must be a valid email address.")
/// );
/// ```
pub fn invalid_details(body: &[u8]) -> InvalidDetails {
    let mut details = InvalidDetails::default();
    invalid_details_into(body, &mut details);
    details
}

/// [`invalid_details`] into details the caller owns (cleared first), so
/// that no frame holds them by value.
pub fn invalid_details_into(body: &[u8], details: &mut InvalidDetails) {
    details.clear();
    if let Ok(mut p) = Parser::new(body)
        && p.peek() == Ok(b'{')
    {
        let _ = collect_details(&mut p, details, 0);
    }
}

/// Looks for `message`, `code` and `errors` in one object, descending into
/// nested objects up to [`MAX_DETAILS_NESTING`].
fn collect_details(
    p: &mut Parser<'_>,
    details: &mut InvalidDetails,
    depth: usize,
) -> Result<(), WordError> {
    p.object_start()?;
    let mut first = true;
    while let Some(key) = p.next_key(&mut first)? {
        let next = p.peek()?;
        if key.matches("message") && next == b'"' && details.message.is_none() {
            let mut message = ServerMessage::new();
            details.truncated |= p.string()?.decode_truncating(message.as_mut_view())?;
            details.message = Some(message);
        } else if key.matches("code") && details.code.is_none() {
            details.code = integer(p)?;
        } else if key.matches("errors") && next == b'{' {
            collect_field_errors(p, details)?;
        } else if key.matches("errors") && next == b'[' {
            collect_messages(p, details, "")?;
        } else if next == b'{' && depth < MAX_DETAILS_NESTING {
            collect_details(p, details, depth.saturating_add(1))?;
        } else {
            p.skip_value()?;
        }
    }
    Ok(())
}

/// `{"field": ["msg", ...] | "msg", ...}`.
fn collect_field_errors(p: &mut Parser<'_>, details: &mut InvalidDetails) -> Result<(), WordError> {
    p.object_start()?;
    let mut first = true;
    while let Some(key) = p.next_key(&mut first)? {
        let mut field: String<{ super::errors::FIELD_NAME_CAPACITY }> = String::new();
        details.truncated |= key.decode_truncating(field.as_mut_view())?;
        collect_messages(p, details, &field)?;
    }
    Ok(())
}

/// A message string or an array of them (other values are skipped), kept
/// under `field`.
fn collect_messages(
    p: &mut Parser<'_>,
    details: &mut InvalidDetails,
    field: &str,
) -> Result<(), WordError> {
    match p.peek()? {
        b'"' => push_message(p, details, field),
        b'[' => {
            p.array_start()?;
            let mut first = true;
            while p.next_element(&mut first)? {
                if p.peek()? == b'"' {
                    push_message(p, details, field)?;
                } else {
                    p.skip_value()?;
                }
            }
            Ok(())
        }
        _ => p.skip_value(),
    }
}

fn push_message(
    p: &mut Parser<'_>,
    details: &mut InvalidDetails,
    field: &str,
) -> Result<(), WordError> {
    let text = p.string()?;
    let mut entry = FieldMessage::default();
    let _ = entry.field.push_str(field);
    let cut = text.decode_truncating(entry.message.as_mut_view())?;
    if details.fields.push(entry).is_ok() {
        details.truncated |= cut;
    } else {
        details.omitted = details.omitted.saturating_add(1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Field;

    #[test]
    fn statuses() {
        let r = |status| decode_customer_response(status, b"{}", Some(3)).unwrap_err();
        assert_eq!(r(401), ApiError::Unauthorized { status: 401 });
        assert_eq!(r(403), ApiError::Unauthorized { status: 403 });
        assert_eq!(r(404), ApiError::NotFound);
        assert_eq!(
            r(429),
            ApiError::RateLimited {
                retry_after: Some(3)
            }
        );
        assert_eq!(r(500), ApiError::Server { status: 500 });
        assert_eq!(r(503), ApiError::Server { status: 503 });
        assert_eq!(r(302), ApiError::UnexpectedStatus { status: 302 });
        assert_eq!(r(400), ApiError::UnexpectedStatus { status: 400 });
        assert_eq!(r(100), ApiError::UnexpectedStatus { status: 100 });
        assert_eq!(r(422), ApiError::Invalid);
        assert_eq!(r(200), ApiError::Malformed(DecodeError::MissingData));
    }

    #[test]
    fn laravel_422() {
        let body = br#"{"message":"The given data was invalid.","errors":{"email":["The email must be a valid email address."],"firstname":["The firstname must be at least 3 characters.","Second."]}}"#;
        assert_eq!(
            decode_customer_response(422, body, None),
            Err(ApiError::Invalid)
        );
        let d = invalid_details(body);
        assert_eq!(d.message.as_deref(), Some("The given data was invalid."));
        assert_eq!(d.fields.len(), 3);
        assert_eq!(d.fields[0].known_field(), Some(Field::Email));
        assert_eq!(d.messages_for(Field::Firstname).count(), 2);
        assert!(!d.truncated);
        assert_eq!(d.omitted, 0);
    }

    #[test]
    fn nested_envelope_422() {
        let body = "{\"success\":false,\"code\":1001,\"message\":\"Parametre hatas\\u0131\",\"data\":{\"errors\":{\"identity_number\":\"Ge\\u00e7ersiz\"}},\"errors\":[\"general\"]}";
        let d = invalid_details(body.as_bytes());
        assert_eq!(d.message.as_deref(), Some("Parametre hatası"));
        assert_eq!(d.code, Some(1001));
        assert_eq!(d.fields.len(), 2);
        assert_eq!(d.fields[0].field.as_str(), "identity_number");
        assert_eq!(d.fields[0].message.as_str(), "Geçersiz");
        assert_eq!(d.fields[1].field.as_str(), "");

        // The `_into` form clears what the details held before.
        let mut reused = d;
        invalid_details_into(br#"{"errors":{"phone":"x"}}"#, &mut reused);
        assert_eq!(reused.message, None);
        assert_eq!(reused.code, None);
        assert_eq!(reused.fields.len(), 1);
        invalid_details_into(b"", &mut reused);
        assert_eq!(reused, InvalidDetails::new());
    }

    #[test]
    fn bounded_422() {
        extern crate std;
        use std::format;
        let long = "ş".repeat(200);
        let mut body = format!("{{\"message\":\"{long}\",\"errors\":{{");
        for i in 0..12 {
            body += &format!("\"f{i}\":[\"{long}\"],");
        }
        body += "\"last\":[]}}";
        let d = invalid_details(body.as_bytes());
        assert!(d.truncated);
        assert_eq!(d.fields.len(), MAX_FIELD_MESSAGES_TEST);
        assert_eq!(d.omitted, 4);
        assert_eq!(d.message.as_ref().unwrap().len(), 192);
        assert_eq!(d.fields[0].message.len(), 128);
    }
    const MAX_FIELD_MESSAGES_TEST: usize = super::super::errors::MAX_FIELD_MESSAGES;

    #[test]
    fn odd_422_bodies() {
        assert_eq!(invalid_details(b""), InvalidDetails::default());
        assert_eq!(invalid_details(b"<html>"), InvalidDetails::default());
        assert_eq!(invalid_details(b"[1]"), InvalidDetails::default());
        assert_eq!(
            invalid_details(b"{\"message\":1,\"errors\":null}"),
            InvalidDetails::default()
        );
        // Truncated: what came before the cut is kept.
        let d = invalid_details(br#"{"message":"Bad.","errors":{"email":["x"#);
        assert_eq!(d.message.as_deref(), Some("Bad."));
        assert!(d.fields.is_empty());
    }

    #[test]
    fn rejected_on_2xx() {
        let body = br#"{"data":[],"success":false,"code":12,"message":"M\u00fc\u015fteri yok"}"#;
        assert_eq!(
            decode_customer_response(200, body, None),
            Err(ApiError::Rejected {
                code: Some(12),
                message: String::try_from("Müşteri yok").unwrap()
            })
        );
        // success:false wins even over a broken record.
        let body = br#"{"data":{"id":"x"},"success":false}"#;
        assert!(matches!(
            decode_customer_response(200, body, None),
            Err(ApiError::Rejected { code: None, .. })
        ));
    }

    #[test]
    fn data_shapes() {
        let r = |body: &[u8]| decode_customer_response(200, body, None).unwrap_err();
        assert_eq!(
            r(br#"{"data":[],"success":true}"#),
            ApiError::Malformed(DecodeError::DataNotObject)
        );
        assert_eq!(
            r(br#"{"data":"x","success":true}"#),
            ApiError::Malformed(DecodeError::DataNotObject)
        );
        assert_eq!(
            r(br#"{"data":null,"success":true}"#),
            ApiError::Malformed(DecodeError::MissingData)
        );
        assert_eq!(
            r(br#"{"success":true}"#),
            ApiError::Malformed(DecodeError::MissingData)
        );
        assert_eq!(
            r(br#"[{"data":{}}]"#),
            ApiError::Malformed(DecodeError::NotAnObject)
        );
        assert_eq!(r(br#""x""#), ApiError::Malformed(DecodeError::NotAnObject));
        assert_eq!(
            r(br#"{"data":{},"data":{}}"#),
            ApiError::Malformed(DecodeError::DuplicateField {
                field: ResponseField::Data
            })
        );
        assert_eq!(
            r(br#"{"data":{},"success":"yes"}"#),
            ApiError::Malformed(DecodeError::WrongType {
                field: ResponseField::Success
            })
        );
        assert_eq!(
            r(br#"{"data":{}} x"#),
            ApiError::Malformed(DecodeError::TrailingCharacters { offset: 12 })
        );
        assert!(decode_customer_response(200, br#"{"data":{}}"#, None).is_ok());
        assert!(decode_customer_response(201, br#"{"data":{},"success":null}"#, None).is_ok());
    }

    #[test]
    fn remove() {
        assert_eq!(decode_remove_response(204, b"", None), Ok(()));
        assert_eq!(decode_remove_response(200, b" \r\n", None), Ok(()));
        assert_eq!(
            decode_remove_response(200, br#"{"data":null,"success":true}"#, None),
            Ok(())
        );
        assert_eq!(
            decode_remove_response(404, b"{}", None),
            Err(ApiError::NotFound)
        );
        assert_eq!(
            decode_remove_response(200, br#"{"data":[1,"#, None),
            Err(ApiError::Malformed(DecodeError::UnexpectedEnd))
        );
        assert_eq!(
            decode_remove_response(200, b"[]", None),
            Err(ApiError::Malformed(DecodeError::NotAnObject))
        );
    }
}
