//! Field limits from the spec and the byte capacities derived from them.
//!
//! Limits count Unicode code points, as the server's `mb_strlen` does.
//! Capacities are in bytes: the code-point limit × 4, because one code point
//! takes at most 4 bytes in UTF-8. A value that passes validation therefore
//! always fits. Limits marked "ours" are not stated by the vendor: they bound
//! fields the spec leaves open so that the models can have a fixed size.

/// Fewest code points in firstname, middlename and lastname (spec: `>= 3`).
pub const NAME_MIN_CHARS: usize = 3;
/// Most code points in firstname, middlename and lastname (spec: `<= 40`).
pub const NAME_MAX_CHARS: usize = 40;
/// Bytes reserved for firstname, middlename and lastname: 40 × 4 = 160.
pub const NAME_CAPACITY: usize = NAME_MAX_CHARS * 4;

/// Most code points in fullname (it is in the vendor's example but not its
/// parameter list; 255 is Laravel's default string column).
pub const FULLNAME_MAX_CHARS: usize = 255;
/// Bytes reserved for fullname: 255 × 4 = 1020.
pub const FULLNAME_CAPACITY: usize = FULLNAME_MAX_CHARS * 4;

/// Most code points in a whole e-mail address (RFC 5321 path limit).
pub const EMAIL_MAX_CHARS: usize = 254;
/// Most code points in the local part of an e-mail address (RFC 5321).
pub const EMAIL_LOCAL_MAX_CHARS: usize = 64;
/// Most code points in one label of an e-mail domain (RFC 1035).
pub const EMAIL_LABEL_MAX_CHARS: usize = 63;
/// Bytes reserved for an e-mail address: 254 × 4 = 1016.
pub const EMAIL_CAPACITY: usize = EMAIL_MAX_CHARS * 4;

/// Fewest digits in a phone number (ours: the rule).
pub const PHONE_MIN_DIGITS: usize = 7;
/// Most digits in a phone number (E.164).
pub const PHONE_MAX_DIGITS: usize = 15;
/// Most characters in a phone number, separators included (ours: a `+`,
/// 15 digits and a separator before every digit fit exactly).
pub const PHONE_MAX_CHARS: usize = 1 + PHONE_MAX_DIGITS * 2 + 1;
/// Bytes reserved for a phone number: 32 × 4 = 128 (a valid request phone
/// is ASCII; the room is for whatever the server returns).
pub const PHONE_CAPACITY: usize = PHONE_MAX_CHARS * 4;

/// Most code points in identity_number (ours: the spec sets no limit; a TC
/// Kimlik No has 11 digits, a tax number 10, passport numbers fewer than 40).
pub const IDENTITY_NUMBER_MAX_CHARS: usize = 40;
/// Bytes reserved for identity_number: 40 × 4 = 160.
pub const IDENTITY_NUMBER_CAPACITY: usize = IDENTITY_NUMBER_MAX_CHARS * 4;

/// Fewest characters in the `external_id` of a create body (spec: 3).
pub const EXTERNAL_ID_MIN_CHARS: usize = 3;
/// Most characters in the `external_id` of a create body (spec: 40).
pub const EXTERNAL_ID_MAX_CHARS: usize = 40;
/// Bytes reserved for the `external_id` of a create body: 40, because the
/// rule allows only ASCII `[A-Za-z0-9_-]` (one byte per character).
pub const EXTERNAL_ID_CAPACITY: usize = EXTERNAL_ID_MAX_CHARS;

/// Most code points in an external customer id (the path parameter and the
/// `external_id` of a returned record; Get Customer: 1–110 characters).
pub const EXTERNAL_CUSTOMER_ID_MAX_CHARS: usize = 110;
/// Bytes reserved for the `external_id` of a returned record: 110 × 4 = 440.
pub const EXTERNAL_CUSTOMER_ID_CAPACITY: usize = EXTERNAL_CUSTOMER_ID_MAX_CHARS * 4;

/// Bytes reserved for the gender string of a returned record, kept as the
/// server sent it (ours: the spec says `M` or `F`; this leaves room for
/// words such as `female` or `kadın`).
pub const GENDER_TEXT_CAPACITY: usize = 32;

/// Length of a date in `YYYY-MM-DD` form.
pub const DATE_LEN: usize = 10;
/// Length of a timestamp in `YYYY-MM-DD HH:MM:SS` form.
pub const TIMESTAMP_LEN: usize = 19;
