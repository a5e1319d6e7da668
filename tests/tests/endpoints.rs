//! The customer endpoints over real HTTP: happy paths, 404, 422, 400, the
//! languages, PHP-style escaping and the extra fields clients must skip.
#![forbid(unsafe_code)]

mod common;

use common::{Api, Conn, EXAMPLE_BODY, request};
use minted_connect_tests::sandbox::{
    EMOJI_CUSTOMER_ID, EXAMPLE_CUSTOMER_ID, Sandbox, SandboxConfig, TURKISH_CUSTOMER_ID,
};
use serde_json::{Value, json};

fn start() -> minted_connect_tests::sandbox::SandboxHandle {
    Sandbox::start(SandboxConfig::default()).expect("start the sandbox")
}

fn body_with(changes: &[(&str, Value)]) -> String {
    let mut body: Value = serde_json::from_str(EXAMPLE_BODY).unwrap();
    for (key, value) in changes {
        body[*key] = value.clone();
    }
    body.to_string()
}

#[test]
fn get_returns_the_vendor_example_in_the_envelope() {
    let sandbox = start();
    let mut api = Api::new(&sandbox);
    let response = api.get(EXAMPLE_CUSTOMER_ID);
    assert_eq!(response.status, 200);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let body = response.json();
    assert_eq!(body["success"], true);
    assert_eq!(body["code"], 0);
    assert_eq!(body["message"], "");
    let data = &body["data"];
    assert_eq!(data["id"], 2);
    assert_eq!(data["external_id"], "MTD0018232");
    assert_eq!(data["company_id"], 2_000_000);
    assert_eq!(data["user_id"], Value::Null);
    assert_eq!(data["firstname"], "Mehmet");
    assert_eq!(data["middlename"], Value::Null);
    assert_eq!(data["lastname"], "Gülbilge");
    assert_eq!(data["fullname"], "Mehmet Gülbilge");
    assert_eq!(data["email"], "mehmet.gulbilge@example.com");
    assert_eq!(data["phone"], "+90 532 280 80 35");
    assert_eq!(data["gender"], "M");
    assert_eq!(data["identity_number"], "12345677938");
    assert_eq!(data["birthdate"], "1970-01-31");
    assert_eq!(data["created_at"], "2023-03-05 04:51:18");
    // Extras a client must ignore.
    assert_eq!(data["wallets"], json!([]));
    assert!(data["kyc"].is_object());
    assert_eq!(body["meta"], json!([]));
    // The round trip: one 401, then the authorized request.
    let log = sandbox.requests();
    assert_eq!(log.len(), 2);
    assert_eq!((log[0].status, log[0].had_authorization()), (401, false));
    assert_eq!((log[1].status, log[1].had_authorization()), (200, true));
    assert!(log[1].authorized);
}

#[test]
fn get_of_seeded_customers_with_turkish_letters_and_emoji() {
    let sandbox = start();
    let mut api = Api::new(&sandbox);
    let turkish = api.get(TURKISH_CUSTOMER_ID).json();
    assert_eq!(turkish["data"]["fullname"], "Ayşegül Nurşen Yılmaz 🌸");
    let wallets = turkish["data"]["wallets"].as_array().unwrap();
    assert_eq!(wallets.len(), 2);
    assert_eq!(wallets[0].as_object().unwrap().len(), 10);
    let emoji = api.get(EMOJI_CUSTOMER_ID).json();
    assert_eq!(emoji["data"]["firstname"], "İsmail");
    assert_eq!(emoji["data"]["lastname"], "Işık");
    assert_eq!(emoji["data"]["fullname"], "İsmail Doğan Işık 🚀");
}

#[test]
fn bodies_are_escaped_like_php_json_encode() {
    let sandbox = start();
    let mut api = Api::new(&sandbox);
    let raw = api.get(EMOJI_CUSTOMER_ID).body;
    assert!(raw.is_ascii(), "PHP escapes every non-ASCII character");
    let text = String::from_utf8(raw).unwrap();
    // İ = U+0130, ı = U+0131, ğ = U+011F, 🚀 = U+1F680 as a surrogate pair.
    assert!(
        text.contains(r#""fullname":"\u0130smail Do\u011fan I\u015f\u0131k \ud83d\ude80""#),
        "{text}"
    );
    let example = String::from_utf8(api.get(EXAMPLE_CUSTOMER_ID).body).unwrap();
    assert!(
        example.contains(r#""lastname":"G\u00fclbilge""#),
        "{example}"
    );
    // A `/` in a value is escaped as `\/`.
    let created = api.post(
        &json!({
            "external_id": "slash-1",
            "firstname": "Ali",
            "lastname": "Veli",
            "fullname": "Ali / Veli",
            "email": "ali.veli@example.com",
            "phone": "+90 555 000 00 01",
            "identity_number": "1234",
        })
        .to_string(),
    );
    assert_eq!(created.status, 200, "{}", created.body_text());
    assert!(created.body_text().contains(r#""fullname":"Ali \/ Veli""#));
    // Turkish messages are escaped too.
    let missing = api.get("NOPE123");
    assert!(
        missing
            .body_text()
            .contains(r#""message":"Kay\u0131t bulunamad\u0131.""#)
    );
}

#[test]
fn patch_updates_and_changes_updated_at() {
    let sandbox = start();
    let mut api = Api::new(&sandbox);
    let body = body_with(&[
        ("firstname", json!("  Ahmet  ")),
        ("email", json!("ahmet.gulbilge@example.com")),
        ("birthdate", json!("1971-02-28")),
    ]);
    let response = api.patch(EXAMPLE_CUSTOMER_ID, &body);
    assert_eq!(response.status, 200, "{}", response.body_text());
    let data = &response.json()["data"];
    assert_eq!(data["firstname"], "Ahmet", "trimmed like Laravel");
    assert_eq!(data["email"], "ahmet.gulbilge@example.com");
    assert_eq!(data["birthdate"], "1971-02-28");
    assert_eq!(
        data["middlename"],
        Value::Null,
        "\"\" clears the middle name"
    );
    assert_eq!(data["created_at"], "2023-03-05 04:51:18");
    assert_ne!(data["updated_at"], "2023-03-05 04:51:18");
    assert!(data.get("wallets").is_none());
    let stored = sandbox.customer(EXAMPLE_CUSTOMER_ID).unwrap();
    assert_eq!(stored.firstname.as_deref(), Some("Ahmet"));
    assert_eq!(stored.updated_at, data["updated_at"]);
    // The body the server received is logged.
    let last = sandbox.requests().pop().unwrap();
    assert_eq!(last.method, "PATCH");
    assert_eq!(last.body, body.as_bytes());
    assert_eq!(last.header("x-client-id"), Some("web"));
    // A second update moves updated_at on again.
    let again = api.patch(EXAMPLE_CUSTOMER_ID, &body).json();
    assert!(again["data"]["updated_at"].as_str() > data["updated_at"].as_str());
}

#[test]
fn post_creates_and_get_delete_follow() {
    let sandbox = start();
    let mut api = Api::new(&sandbox);
    let body = body_with(&[
        ("external_id", json!("partner_42-x")),
        ("email", json!("new.customer@example.com")),
        ("firstname", json!("Şükrü")),
    ]);
    let created = api.post(&body);
    assert_eq!(created.status, 200, "{}", created.body_text());
    let data = &created.json()["data"];
    assert_eq!(data["external_id"], "partner_42-x");
    assert_eq!(data["id"], 5);
    assert_eq!(data["firstname"], "Şükrü");
    assert_eq!(data["created_at"], data["updated_at"]);
    assert_eq!(api.get("partner_42-x").status, 200);
    // Duplicate external_id → 422 on that field.
    let duplicate = api.post(&body_with(&[
        ("external_id", json!("partner_42-x")),
        ("email", json!("other@example.com")),
    ]));
    assert_eq!(duplicate.status, 422);
    assert!(duplicate.json()["errors"]["external_id"].is_array());
    // Delete, then it is gone.
    let removed = api.delete("partner_42-x");
    assert_eq!(removed.status, 200);
    let removed = removed.json();
    assert_eq!(removed["success"], true);
    assert_eq!(removed["data"], json!([]));
    assert_eq!(api.get("partner_42-x").status, 404);
    assert_eq!(api.delete("partner_42-x").status, 404);
    assert!(sandbox.customer("partner_42-x").is_none());
}

#[test]
fn unknown_id_is_404_for_every_method() {
    let sandbox = start();
    let mut api = Api::new(&sandbox);
    for response in [
        api.get("MTD0000000"),
        api.patch("MTD0000000", EXAMPLE_BODY),
        api.delete("MTD0000000"),
    ] {
        assert_eq!(response.status, 404);
        let body = response.json();
        assert_eq!(body["success"], false);
        assert_eq!(body["code"], 404);
        assert_eq!(body["message"], "Kayıt bulunamadı.");
    }
}

#[test]
fn path_id_is_percent_decoded() {
    let sandbox = start();
    let mut api = Api::new(&sandbox);
    assert_eq!(api.get("MTD%30018232").status, 200);
    assert_eq!(api.get("bad%zz").status, 400);
}

#[test]
fn invalid_body_is_422_with_per_field_errors_and_no_partial_update() {
    let sandbox = start();
    let before = sandbox.customer(EXAMPLE_CUSTOMER_ID).unwrap();
    let mut api = Api::new(&sandbox);
    api.lang = Some("en");
    let response = api.patch(
        EXAMPLE_CUSTOMER_ID,
        &body_with(&[
            ("firstname", json!("Al")),
            ("lastname", json!("Gülbilge")),
            ("email", json!("not-an-email")),
            ("gender", json!("X")),
            ("birthdate", json!("1970-02-30")),
        ]),
    );
    assert_eq!(response.status, 422);
    let body = response.json();
    assert_eq!(body["success"], false);
    assert_eq!(body["code"], 422);
    assert_eq!(
        body["message"],
        "The firstname field must be at least 3 characters. (and 3 more errors)"
    );
    let errors = body["errors"].as_object().unwrap();
    let keys: Vec<&str> = errors.keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 4, "{keys:?}");
    for key in ["firstname", "email", "gender", "birthdate"] {
        assert!(errors[key][0].is_string(), "{key}: {body}");
    }
    assert_eq!(sandbox.customer(EXAMPLE_CUSTOMER_ID).unwrap(), before);
}

#[test]
fn required_fields_and_wrong_types() {
    let sandbox = start();
    let mut api = Api::new(&sandbox);
    let response = api.patch(
        EXAMPLE_CUSTOMER_ID,
        &body_with(&[
            ("phone", json!(905322808035_i64)),
            ("lastname", Value::Null),
        ]),
    );
    assert_eq!(response.status, 422);
    let errors = &response.json()["errors"];
    assert_eq!(errors["phone"][0], "Telefon metin olmalıdır.");
    assert_eq!(errors["lastname"][0], "Soyad alanı gereklidir.");
    // No JSON content type: Laravel reads no input, so the required fields fail.
    let challenge = common::fresh_challenge(&sandbox, "PATCH", "/partner/customer/MTD0018232");
    let mut digest = common::DigestClient::from_challenge(&challenge, "partner", "s3cret");
    let target = "/partner/customer/MTD0018232";
    let auth = digest.authorize("PATCH", target, EXAMPLE_BODY.as_bytes());
    let response = request(
        sandbox.addr(),
        "PATCH",
        target,
        &[
            ("x-client-id", "web"),
            ("Authorization", &auth),
            ("Content-Type", "text/plain"),
        ],
        EXAMPLE_BODY.as_bytes(),
    );
    assert_eq!(response.status, 422);
    assert_eq!(
        response.json()["errors"]["firstname"][0],
        "Ad alanı gereklidir."
    );
}

#[test]
fn email_of_another_customer_is_422() {
    let sandbox = start();
    let before = sandbox.customer(EXAMPLE_CUSTOMER_ID).unwrap();
    let mut api = Api::new(&sandbox);
    let response = api.patch(
        EXAMPLE_CUSTOMER_ID,
        &body_with(&[
            ("email", json!("Ismail.Isik@example.com")),
            ("firstname", json!("Hasan")),
        ]),
    );
    assert_eq!(response.status, 422);
    let body = response.json();
    assert_eq!(
        body["errors"]["email"][0],
        "E-posta daha önceden kayıt edilmiş."
    );
    assert_eq!(body["message"], "E-posta daha önceden kayıt edilmiş.");
    assert_eq!(
        sandbox.customer(EXAMPLE_CUSTOMER_ID).unwrap(),
        before,
        "no partial update"
    );
    // Its own e-mail is fine.
    assert_eq!(api.patch(EXAMPLE_CUSTOMER_ID, EXAMPLE_BODY).status, 200);
    // On create too.
    let create = api.post(&body_with(&[
        ("external_id", json!("dup-mail")),
        ("email", json!("aysegul.yilmaz@example.com")),
    ]));
    assert_eq!(create.status, 422);
    assert!(create.json()["errors"]["email"].is_array());
}

#[test]
fn missing_or_empty_client_id_is_400() {
    let sandbox = start();
    let mut api = Api::new(&sandbox);
    api.client_id = None;
    let response = api.get(EXAMPLE_CUSTOMER_ID);
    assert_eq!(response.status, 400);
    let body = response.json();
    assert_eq!(body["code"], 400);
    assert_eq!(body["message"], "x-client-id başlığı zorunludur.");
    // The vendor curl sample's `x-client-id;` sends it empty.
    api.client_id = Some("");
    assert_eq!(api.get(EXAMPLE_CUSTOMER_ID).status, 400);
    api.client_id = Some("kiosk-7");
    assert_eq!(api.get(EXAMPLE_CUSTOMER_ID).status, 200);
}

#[test]
fn messages_follow_accept_language() {
    let sandbox = start();
    let mut api = Api::new(&sandbox);
    let tr = api.get("MISSING-1").json();
    assert_eq!(tr["message"], "Kayıt bulunamadı.");
    api.lang = Some("tr");
    assert_eq!(api.get("MISSING-1").json()["message"], "Kayıt bulunamadı.");
    api.lang = Some("en-US,en;q=0.9");
    assert_eq!(api.get("MISSING-1").json()["message"], "Record not found.");
    let en = api.patch(
        EXAMPLE_CUSTOMER_ID,
        &body_with(&[("identity_number", json!(" "))]),
    );
    assert_eq!(
        en.json()["errors"]["identity_number"][0],
        "The identity number field is required."
    );
    api.lang = Some("tr");
    let tr = api.patch(
        EXAMPLE_CUSTOMER_ID,
        &body_with(&[("identity_number", json!(" "))]),
    );
    assert_eq!(
        tr.json()["errors"]["identity_number"][0],
        "Kimlik numarası alanı gereklidir."
    );
    // 401 bodies are envelopes in the asked language too.
    let unauthenticated = request(
        sandbox.addr(),
        "GET",
        "/partner/customer/MTD0018232",
        &[("Accept-Language", "en")],
        b"",
    );
    assert_eq!(unauthenticated.status, 401);
    let body = unauthenticated.json();
    assert_eq!(body["message"], "Unauthenticated.");
    assert_eq!(body["success"], false);
    assert_eq!(body["code"], 401);
}

#[test]
fn malformed_input_gets_400_never_a_crash() {
    let sandbox = start();
    let mut api = Api::new(&sandbox);
    for bad in ["{", "[1,2]", "\"text\"", "{\"firstname\": \"a\"", "\u{0}"] {
        let response = api.patch(EXAMPLE_CUSTOMER_ID, bad);
        assert_eq!(response.status, 400, "{bad:?}");
        assert_eq!(
            response.json()["message"],
            "İstek gövdesi geçerli bir JSON nesnesi değil."
        );
    }
    // Garbage on the wire: hyper answers 400 and the server keeps serving.
    for garbage in [
        &b"\x00\x01\x02 nonsense\r\n\r\n"[..],
        b"GET /partner/customer/\xff HTTP/1.1\r\nHost: x\r\n\r\n",
        b"PATCH /partner/customer/X HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
        b"GET / HTTP/1.1\r\nBad Header\r\n\r\n",
        b"GET /partner/customer/X HTTP/1.1\r\nAuthorization: Digest username=\"\xff\"\r\n\r\n",
    ] {
        let mut conn = Conn::open(sandbox.addr());
        use std::io::Write as _;
        conn.stream().write_all(garbage).unwrap();
        let status = conn.read_head().map(|(status, _)| status).unwrap_or(0);
        assert!(status == 400 || status == 0, "{status} for {garbage:?}");
    }
    // Bad Authorization headers are 400 too.
    for auth in [
        "Digest realm=\"x",
        "Digest =",
        "Digest username=\"partner\"",
    ] {
        let response =
            common::with_authorization(&sandbox, "GET", "/partner/customer/MTD0018232", auth, b"");
        assert_eq!(response.status, 400, "{auth}");
    }
    assert_eq!(api.get(EXAMPLE_CUSTOMER_ID).status, 200, "still serving");
}

#[test]
fn other_routes_and_methods() {
    let sandbox = start();
    let mut api = Api::new(&sandbox);
    let put = api.call("PUT", "/partner/customer/MTD0018232", b"{}");
    assert_eq!(put.status, 405);
    assert_eq!(put.header("allow"), Some("GET, PATCH, DELETE"));
    assert_eq!(api.call("GET", "/partner/customer", b"").status, 405);
    assert_eq!(api.call("GET", "/partner/orders", b"").status, 404);
    assert_eq!(api.call("GET", "/partner/customer/a/b", b"").status, 404);
    // Outside /partner/ there is nothing, and no authentication either.
    let root = request(sandbox.addr(), "GET", "/", &[], b"");
    assert_eq!(root.status, 404);
    assert!(root.header("www-authenticate").is_none());
}

#[test]
fn oversized_request_body_is_413() {
    let sandbox = start();
    let mut api = Api::new(&sandbox);
    let big = format!("{{\"firstname\": \"{}\"}}", "a".repeat(70 * 1024));
    assert_eq!(api.patch(EXAMPLE_CUSTOMER_ID, &big).status, 413);
}

#[test]
fn parallel_sandboxes_are_independent() {
    let handles: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                let sandbox = start();
                let mut api = Api::new(&sandbox);
                let body = body_with(&[("firstname", json!(format!("Kişi{i}")))]);
                assert_eq!(api.patch(EXAMPLE_CUSTOMER_ID, &body).status, 200);
                let name = sandbox.customer(EXAMPLE_CUSTOMER_ID).unwrap().firstname;
                (sandbox.port(), name)
            })
        })
        .collect();
    let mut ports = Vec::new();
    for (i, handle) in handles.into_iter().enumerate() {
        let (port, name) = handle.join().unwrap();
        assert_eq!(name.as_deref(), Some(format!("Kişi{i}").as_str()));
        ports.push(port);
    }
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 4);
}

#[test]
fn shutdown_closes_the_port() {
    let sandbox = start();
    let addr = sandbox.addr();
    assert_eq!(request(addr, "GET", "/", &[], b"").status, 404);
    sandbox.shutdown();
    assert!(std::net::TcpStream::connect(addr).is_err());
}
