//! The texts of the sandbox's answers in Turkish (the API's default) and
//! English, chosen by `Accept-Language`.
//!
//! The field messages follow Laravel's validation language files (English:
//! `lang/en/validation.php`, Turkish: the `laravel-lang` translation), with
//! Turkish attribute names, so Turkish bodies carry `ı`, `ş`, `ğ` as `\uXXXX`.

/// The language of the messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Turkish, the default.
    #[default]
    Tr,
    /// English.
    En,
}

impl Lang {
    /// Picks the language from an `Accept-Language` value: the first listed
    /// range that is `tr…` or `en…` (ignoring q-values of 0), else Turkish.
    pub fn from_accept_language(value: Option<&str>) -> Lang {
        let Some(value) = value else {
            return Lang::Tr;
        };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let refused = parts.any(|p| {
                let p = p.trim();
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            if refused {
                continue;
            }
            if tag == "en" || tag.starts_with("en-") {
                return Lang::En;
            }
            if tag == "tr" || tag.starts_with("tr-") {
                return Lang::Tr;
            }
        }
        Lang::Tr
    }

    /// The `Content-Language` value.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Tr => "tr",
            Lang::En => "en",
        }
    }
}

/// A whole-request message (the envelope's `message`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message {
    /// 404 for an unknown customer.
    RecordNotFound,
    /// 404 for a path the API does not have.
    RouteNotFound,
    /// 405.
    MethodNotAllowed,
    /// 401.
    Unauthenticated,
    /// 400: `x-client-id` missing or empty.
    MissingClientId,
    /// 400: the body is not JSON, or not a JSON object.
    MalformedJson,
    /// 400: a bad `Authorization` header, `uri` mismatch, bad percent-encoding.
    BadRequest,
    /// 413.
    PayloadTooLarge,
    /// 429.
    TooManyRequests,
    /// 503.
    ServiceUnavailable,
    /// 200 after a delete.
    Deleted,
}

impl Message {
    /// The text in `lang`.
    pub fn text(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Message::RecordNotFound, Lang::Tr) => "Kayıt bulunamadı.",
            (Message::RecordNotFound, Lang::En) => "Record not found.",
            (Message::RouteNotFound, Lang::Tr) => "İstenen adres bulunamadı.",
            (Message::RouteNotFound, Lang::En) => "The requested route was not found.",
            (Message::MethodNotAllowed, Lang::Tr) => "Bu adres için istek yöntemi desteklenmiyor.",
            (Message::MethodNotAllowed, Lang::En) => {
                "The request method is not supported for this route."
            }
            (Message::Unauthenticated, Lang::Tr) => "Kimlik doğrulaması başarısız.",
            (Message::Unauthenticated, Lang::En) => "Unauthenticated.",
            (Message::MissingClientId, Lang::Tr) => "x-client-id başlığı zorunludur.",
            (Message::MissingClientId, Lang::En) => "The x-client-id header is required.",
            (Message::MalformedJson, Lang::Tr) => "İstek gövdesi geçerli bir JSON nesnesi değil.",
            (Message::MalformedJson, Lang::En) => "The request body is not a valid JSON object.",
            (Message::BadRequest, Lang::Tr) => "Geçersiz istek.",
            (Message::BadRequest, Lang::En) => "Bad request.",
            (Message::PayloadTooLarge, Lang::Tr) => "İstek gövdesi çok büyük.",
            (Message::PayloadTooLarge, Lang::En) => "The request body is too large.",
            (Message::TooManyRequests, Lang::Tr) => "Çok fazla istek gönderildi.",
            (Message::TooManyRequests, Lang::En) => "Too Many Attempts.",
            (Message::ServiceUnavailable, Lang::Tr) => "Servis geçici olarak kullanılamıyor.",
            (Message::ServiceUnavailable, Lang::En) => "Service Unavailable.",
            (Message::Deleted, Lang::Tr) => "Müşteri silindi.",
            (Message::Deleted, Lang::En) => "The customer was removed.",
        }
    }
}

/// Why one field was rejected (the sandbox's view of a validation rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Missing, `null` or blank.
    Required,
    /// Fewer code points than `min`.
    TooShort {
        /// The minimum, in code points.
        min: u16,
    },
    /// More code points than `max`.
    TooLong {
        /// The maximum, in code points.
        max: u16,
    },
    /// Contains a control character.
    ControlCharacter,
    /// Not an e-mail address.
    InvalidEmail,
    /// Not a phone number.
    InvalidPhone,
    /// Not `M` or `F`.
    InvalidGender,
    /// Not an identity number.
    InvalidIdentityNumber,
    /// Not a `YYYY-MM-DD` calendar date.
    InvalidDate,
    /// A character outside the allowed set.
    InvalidCharacter,
    /// A JSON value of the wrong type (a number where a string belongs).
    WrongType,
    /// Already used by another customer (e-mail, external id).
    Taken,
    /// Any other rule (a rule the core adds later).
    Invalid,
}

/// The attribute name Laravel would put in the message.
fn attribute(field: &str, lang: Lang) -> String {
    match lang {
        Lang::En => field.replace('_', " "),
        Lang::Tr => match field {
            "external_id" => "harici müşteri numarası",
            "external_customer_id" => "müşteri numarası",
            "firstname" => "ad",
            "middlename" => "ikinci ad",
            "lastname" => "soyad",
            "fullname" => "ad soyad",
            "email" => "e-posta",
            "phone" => "telefon",
            "gender" => "cinsiyet",
            "identity_number" => "kimlik numarası",
            "birthdate" => "doğum tarihi",
            other => other,
        }
        .to_owned(),
    }
}

/// Upper-cases the first letter, as Laravel's `:Attribute` does (Turkish `i` → `İ`).
fn capitalize(s: &str, lang: Lang) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some('i') if lang == Lang::Tr => format!("İ{}", chars.as_str()),
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The message for one field and problem, e.g. `Ad en az 3 karakter olmalıdır.`
pub fn field_message(field: &str, problem: Problem, lang: Lang) -> String {
    let a = attribute(field, lang);
    let cap = capitalize(&a, lang);
    match lang {
        Lang::En => match problem {
            Problem::Required => format!("The {a} field is required."),
            Problem::TooShort { min } => {
                format!("The {a} field must be at least {min} characters.")
            }
            Problem::TooLong { max } => {
                format!("The {a} field must not be greater than {max} characters.")
            }
            Problem::ControlCharacter => {
                format!("The {a} field must not contain control characters.")
            }
            Problem::InvalidEmail => format!("The {a} field must be a valid email address."),
            Problem::InvalidPhone => format!("The {a} field must be a valid phone number."),
            Problem::InvalidGender | Problem::InvalidIdentityNumber | Problem::Invalid => {
                format!("The selected {a} is invalid.")
            }
            Problem::InvalidDate => format!("The {a} field must match the format Y-m-d."),
            Problem::InvalidCharacter => format!("The {a} field format is invalid."),
            Problem::WrongType => format!("The {a} field must be a string."),
            Problem::Taken => format!("The {a} has already been taken."),
        },
        Lang::Tr => match problem {
            Problem::Required => format!("{cap} alanı gereklidir."),
            Problem::TooShort { min } => format!("{cap} en az {min} karakter olmalıdır."),
            Problem::TooLong { max } => format!("{cap} en fazla {max} karakter olmalıdır."),
            Problem::ControlCharacter => format!("{cap} kontrol karakteri içeremez."),
            Problem::InvalidEmail => format!("{cap} geçerli bir e-posta adresi olmalıdır."),
            Problem::InvalidPhone => format!("{cap} geçerli bir telefon numarası olmalıdır."),
            Problem::InvalidGender | Problem::InvalidIdentityNumber | Problem::Invalid => {
                format!("Seçili {a} geçersiz.")
            }
            Problem::InvalidDate => format!("{cap} Y-m-d biçimiyle eşleşmiyor."),
            Problem::InvalidCharacter => format!("{cap} biçimi geçersiz."),
            Problem::WrongType => format!("{cap} metin olmalıdır."),
            Problem::Taken => format!("{cap} daha önceden kayıt edilmiş."),
        },
    }
}

/// The top-level 422 message: the first field message plus, as Laravel
/// does, `(and N more errors)` / `(ve N hata daha)`.
pub fn summary(first: &str, total: usize, lang: Lang) -> String {
    let more = total.saturating_sub(1);
    match (lang, more) {
        (_, 0) => first.to_owned(),
        (Lang::En, 1) => format!("{first} (and 1 more error)"),
        (Lang::En, n) => format!("{first} (and {n} more errors)"),
        (Lang::Tr, n) => format!("{first} (ve {n} hata daha)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_language() {
        assert_eq!(Lang::from_accept_language(None), Lang::Tr);
        assert_eq!(Lang::from_accept_language(Some("en")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::from_accept_language(Some("de, tr;q=0.8")), Lang::Tr);
        assert_eq!(Lang::from_accept_language(Some("en;q=0, tr")), Lang::Tr);
        assert_eq!(Lang::from_accept_language(Some("fr")), Lang::Tr);
    }

    #[test]
    fn messages() {
        assert_eq!(
            field_message("identity_number", Problem::Required, Lang::Tr),
            "Kimlik numarası alanı gereklidir."
        );
        assert_eq!(
            field_message("firstname", Problem::TooShort { min: 3 }, Lang::En),
            "The firstname field must be at least 3 characters."
        );
        assert_eq!(
            field_message("ikinci", Problem::Required, Lang::Tr),
            "İkinci alanı gereklidir."
        );
        assert_eq!(summary("x", 3, Lang::En), "x (and 2 more errors)");
        assert_eq!(summary("x", 2, Lang::Tr), "x (ve 1 hata daha)");
    }
}
