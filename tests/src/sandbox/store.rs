//! The in-memory customer store, seeded with the vendor's example customer
//! and two more whose names carry Turkish letters and an emoji.
//!
//! Rules (the vendor does not document them; these are the sandbox's):
//! - A PATCH sets every field present in the body, clears a field sent as
//!   `null` or `""` (Laravel turns `""` into `null`) and keeps an absent one.
//! - `updated_at` changes on every update: it is the current UTC time, or one
//!   second after the previous value when the clock has not moved on.
//! - E-mail addresses are unique across customers, compared case-insensitively.
//! - External ids are unique; a removed customer's id can be used again.

use std::time::{SystemTime, UNIX_EPOCH};

use super::json_php::Json;

/// The company id of every customer (the vendor example's partner).
pub const COMPANY_ID: i64 = 2_000_000;

/// The vendor's example customer, `MTD0018232`.
pub const EXAMPLE_CUSTOMER_ID: &str = "MTD0018232";
/// The seeded customer with Turkish letters and a 🌸 in the full name.
pub const TURKISH_CUSTOMER_ID: &str = "MTD0018233";
/// The seeded customer with `İ`, `ı`, `ğ` and a 🚀 in the full name.
pub const EMOJI_CUSTOMER_ID: &str = "MTD0018234";

/// One customer record as the sandbox stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCustomer {
    /// The vendor's numeric id.
    pub id: i64,
    /// The partner's id for the customer (the path segment).
    pub external_id: String,
    /// The partner company.
    pub company_id: i64,
    /// Always `None` in the sandbox.
    pub user_id: Option<i64>,
    /// First name.
    pub firstname: Option<String>,
    /// Middle name.
    pub middlename: Option<String>,
    /// Last name.
    pub lastname: Option<String>,
    /// Full name.
    pub fullname: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// `M` or `F`.
    pub gender: Option<String>,
    /// Identity number.
    pub identity_number: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthdate: Option<String>,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub updated_at: String,
    /// The wallets shown by GET (undocumented objects the client must skip).
    pub wallets: Vec<Json>,
}

/// One field of a create or update: absent (keep), `None` (clear) or a value.
pub type FieldChange = Option<Option<String>>;

/// The changes a validated PATCH or POST body asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerChanges {
    /// `firstname`.
    pub firstname: FieldChange,
    /// `middlename`.
    pub middlename: FieldChange,
    /// `lastname`.
    pub lastname: FieldChange,
    /// `fullname`.
    pub fullname: FieldChange,
    /// `email`.
    pub email: FieldChange,
    /// `phone`.
    pub phone: FieldChange,
    /// `gender`.
    pub gender: FieldChange,
    /// `identity_number`.
    pub identity_number: FieldChange,
    /// `birthdate`.
    pub birthdate: FieldChange,
}

/// Why a write was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreError {
    /// No customer with that external id.
    NotFound,
    /// The e-mail belongs to another customer.
    EmailTaken,
    /// The external id is already used (create).
    ExternalIdTaken,
}

/// The customers, in creation order.
#[derive(Debug)]
pub struct Store {
    customers: Vec<StoredCustomer>,
    next_id: i64,
}

impl Default for Store {
    fn default() -> Self {
        Store::seeded()
    }
}

impl StoredCustomer {
    /// The record as the API's `data` object. `with_wallets` adds the GET-only
    /// `wallets` array; every record also carries an undocumented nested
    /// object (`kyc`) that clients must skip.
    pub fn to_json(&self, with_wallets: bool) -> Json {
        let s = |v: &Option<String>| Json::opt_str(v.as_deref());
        let mut data = Json::object([
            ("id", Json::Int(self.id)),
            ("external_id", Json::str(&self.external_id)),
            ("company_id", Json::Int(self.company_id)),
            ("user_id", self.user_id.map_or(Json::Null, Json::Int)),
            ("firstname", s(&self.firstname)),
            ("middlename", s(&self.middlename)),
            ("lastname", s(&self.lastname)),
            ("fullname", s(&self.fullname)),
            ("email", s(&self.email)),
            ("phone", s(&self.phone)),
            ("gender", s(&self.gender)),
            ("identity_number", s(&self.identity_number)),
            ("birthdate", s(&self.birthdate)),
            (
                "kyc",
                Json::object([
                    ("level", Json::Int(0)),
                    ("status", Json::str("none")),
                    ("documents", Json::empty_array()),
                    ("limits", Json::object([("daily", Json::str("0.00"))])),
                ]),
            ),
            ("created_at", Json::str(&self.created_at)),
            ("updated_at", Json::str(&self.updated_at)),
        ]);
        if with_wallets {
            data.push_member("wallets", Json::Array(self.wallets.clone()));
        }
        data
    }

    fn apply(&mut self, changes: &CustomerChanges) {
        let set = |field: &mut Option<String>, change: &FieldChange| {
            if let Some(value) = change {
                field.clone_from(value);
            }
        };
        set(&mut self.firstname, &changes.firstname);
        set(&mut self.middlename, &changes.middlename);
        set(&mut self.lastname, &changes.lastname);
        set(&mut self.email, &changes.email);
        set(&mut self.phone, &changes.phone);
        set(&mut self.gender, &changes.gender);
        set(&mut self.identity_number, &changes.identity_number);
        set(&mut self.birthdate, &changes.birthdate);
        match &changes.fullname {
            Some(Some(full)) => self.fullname = Some(full.clone()),
            _ => {
                let parts: Vec<&str> = [&self.firstname, &self.middlename, &self.lastname]
                    .into_iter()
                    .filter_map(|p| p.as_deref())
                    .collect();
                self.fullname = (!parts.is_empty()).then(|| parts.join(" "));
            }
        }
    }
}

fn wallet(id: i64, metal: &str, unit: &str, balance: &str, created: &str) -> Json {
    Json::object([
        ("id", Json::Int(id)),
        ("type", Json::str(metal)),
        ("unit", Json::str(unit)),
        ("balance", Json::str(balance)),
        ("blocked_balance", Json::str("0.0000")),
        ("currency", Json::str("TRY")),
        ("status", Json::str("active")),
        ("iban", Json::Null),
        ("created_at", Json::str(created)),
        ("updated_at", Json::str(created)),
    ])
}

#[allow(clippy::too_many_arguments)]
fn seed(
    id: i64,
    external_id: &str,
    names: [Option<&str>; 4],
    email: &str,
    phone: &str,
    gender: &str,
    identity_number: &str,
    birthdate: &str,
    created_at: &str,
    wallets: Vec<Json>,
) -> StoredCustomer {
    let [firstname, middlename, lastname, fullname] = names.map(|n| n.map(str::to_owned));
    StoredCustomer {
        id,
        external_id: external_id.to_owned(),
        company_id: COMPANY_ID,
        user_id: None,
        firstname,
        middlename,
        lastname,
        fullname,
        email: Some(email.to_owned()),
        phone: Some(phone.to_owned()),
        gender: Some(gender.to_owned()),
        identity_number: Some(identity_number.to_owned()),
        birthdate: Some(birthdate.to_owned()),
        created_at: created_at.to_owned(),
        updated_at: created_at.to_owned(),
        wallets,
    }
}

impl Store {
    /// The three seeded customers (ids 2, 3, 4); new ones get 5, 6, …
    pub fn seeded() -> Store {
        let customers = vec![
            seed(
                2,
                EXAMPLE_CUSTOMER_ID,
                [
                    Some("Mehmet"),
                    None,
                    Some("Gülbilge"),
                    Some("Mehmet Gülbilge"),
                ],
                "mehmet.gulbilge@example.com",
                "+90 532 280 80 35",
                "M",
                "12345677938",
                "1970-01-31",
                "2023-03-05 04:51:18",
                Vec::new(),
            ),
            seed(
                3,
                TURKISH_CUSTOMER_ID,
                [
                    Some("Ayşegül"),
                    Some("Nurşen"),
                    Some("Yılmaz"),
                    Some("Ayşegül Nurşen Yılmaz 🌸"),
                ],
                "aysegul.yilmaz@example.com",
                "+90 505 111 22 33",
                "F",
                "10000000146",
                "1988-07-14",
                "2023-04-11 09:12:45",
                vec![
                    wallet(101, "gold", "gr", "12.5000", "2023-04-11 09:13:02"),
                    wallet(102, "silver", "gr", "250.0000", "2023-04-11 09:13:02"),
                ],
            ),
            seed(
                4,
                EMOJI_CUSTOMER_ID,
                [
                    Some("İsmail"),
                    Some("Doğan"),
                    Some("Işık"),
                    Some("İsmail Doğan Işık 🚀"),
                ],
                "ismail.isik@example.com",
                "+90 542 444 55 66",
                "M",
                "20000000046",
                "1992-12-01",
                "2024-01-08 17:30:02",
                vec![wallet(103, "gold", "gr", "0.7500", "2024-01-08 17:31:40")],
            ),
        ];
        Store {
            customers,
            next_id: 5,
        }
    }

    /// The customer with this external id.
    pub fn get(&self, external_id: &str) -> Option<&StoredCustomer> {
        self.customers.iter().find(|c| c.external_id == external_id)
    }

    /// Every customer, in creation order.
    pub fn all(&self) -> &[StoredCustomer] {
        &self.customers
    }

    fn email_taken(&self, changes: &CustomerChanges, except: Option<&str>) -> bool {
        let Some(Some(email)) = &changes.email else {
            return false;
        };
        self.customers.iter().any(|c| {
            Some(c.external_id.as_str()) != except
                && c.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(email))
        })
    }

    /// Applies a validated PATCH. Nothing changes when it fails.
    pub fn update(
        &mut self,
        external_id: &str,
        changes: &CustomerChanges,
    ) -> Result<StoredCustomer, StoreError> {
        if self.get(external_id).is_none() {
            return Err(StoreError::NotFound);
        }
        if self.email_taken(changes, Some(external_id)) {
            return Err(StoreError::EmailTaken);
        }
        let customer = self
            .customers
            .iter_mut()
            .find(|c| c.external_id == external_id)
            .ok_or(StoreError::NotFound)?;
        customer.apply(changes);
        customer.updated_at = next_timestamp(&customer.updated_at);
        Ok(customer.clone())
    }

    /// Adds a customer from a validated POST. Nothing changes when it fails.
    pub fn create(
        &mut self,
        external_id: &str,
        changes: &CustomerChanges,
    ) -> Result<StoredCustomer, StoreError> {
        if self.get(external_id).is_some() {
            return Err(StoreError::ExternalIdTaken);
        }
        if self.email_taken(changes, None) {
            return Err(StoreError::EmailTaken);
        }
        let now = now_timestamp();
        let mut customer = StoredCustomer {
            id: self.next_id,
            external_id: external_id.to_owned(),
            company_id: COMPANY_ID,
            user_id: None,
            firstname: None,
            middlename: None,
            lastname: None,
            fullname: None,
            email: None,
            phone: None,
            gender: None,
            identity_number: None,
            birthdate: None,
            created_at: now.clone(),
            updated_at: now,
            wallets: Vec::new(),
        };
        customer.apply(changes);
        self.next_id += 1;
        self.customers.push(customer.clone());
        Ok(customer)
    }

    /// Removes a customer; `false` when there was none.
    pub fn remove(&mut self, external_id: &str) -> bool {
        let before = self.customers.len();
        self.customers.retain(|c| c.external_id != external_id);
        self.customers.len() != before
    }
}

/// The current UTC time as `YYYY-MM-DD HH:MM:SS`.
pub fn now_timestamp() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format_timestamp(i64::try_from(secs).unwrap_or(i64::MAX / 2))
}

/// Now, or one second after `previous` when that is not earlier than now.
fn next_timestamp(previous: &str) -> String {
    let now = now_timestamp();
    if now.as_str() > previous {
        return now;
    }
    parse_timestamp(previous).map_or(now, |secs| format_timestamp(secs + 1))
}

/// Unix seconds → `YYYY-MM-DD HH:MM:SS` (UTC, proleptic Gregorian).
fn format_timestamp(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn parse_timestamp(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 19 {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let days = days_from_civil(num(0..4)?, num(5..7)?, num(8..10)?);
    Some(days * 86_400 + num(11..13)? * 3600 + num(14..16)? * 60 + num(17..19)?)
}

// Howard Hinnant's civil-date algorithms.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(format_timestamp(0), "1970-01-01 00:00:00");
        assert_eq!(format_timestamp(1_677_991_878), "2023-03-05 04:51:18");
        let s = "2023-03-05 04:51:18";
        assert_eq!(parse_timestamp(s).map(format_timestamp).as_deref(), Some(s));
        assert_eq!(next_timestamp("2999-12-31 23:59:59"), "3000-01-01 00:00:00");
        assert!(next_timestamp(s).as_str() > s);
    }

    #[test]
    fn unique_email_and_no_partial_update() {
        let mut store = Store::seeded();
        let before = store.get(EXAMPLE_CUSTOMER_ID).cloned();
        let changes = CustomerChanges {
            firstname: Some(Some("Ahmet".into())),
            email: Some(Some("ISMAIL.isik@example.com".into())),
            ..CustomerChanges::default()
        };
        assert_eq!(
            store.update(EXAMPLE_CUSTOMER_ID, &changes),
            Err(StoreError::EmailTaken)
        );
        assert_eq!(store.get(EXAMPLE_CUSTOMER_ID).cloned(), before);
        assert_eq!(
            store.create(EXAMPLE_CUSTOMER_ID, &CustomerChanges::default()),
            Err(StoreError::ExternalIdTaken)
        );
    }
}
