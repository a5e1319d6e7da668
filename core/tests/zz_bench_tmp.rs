use minted_connect_core::json::*;
use minted_connect_core::model::*;
use minted_connect_core::validate::*;
use std::hint::black_box;
use std::time::Instant;

#[derive(serde::Serialize)]
struct Body<'a> { firstname: &'a str, lastname: &'a str, fullname: &'a str, email: &'a str, phone: &'a str, gender: &'a str, identity_number: &'a str, birthdate: &'a str }
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct D { id: Option<u64>, external_id: Option<String>, company_id: Option<u64>, user_id: Option<u64>, firstname: Option<String>, middlename: Option<String>, lastname: Option<String>, fullname: Option<String>, email: Option<String>, phone: Option<String>, gender: Option<String>, identity_number: Option<String>, birthdate: Option<String>, created_at: Option<String>, updated_at: Option<String> }
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Env { data: D, success: bool, code: i64, message: String }

const B: &str = r#"{"data":{"id":2,"external_id":"MTD0018232","company_id":2000000,"user_id":null,"firstname":"Mehmet","middlename":null,"lastname":"G\u00fclbilge","fullname":"Mehmet G\u00fclbilge","email":"mehmet.gulbilge@example.com","phone":null,"gender":null,"identity_number":null,"birthdate":null,"created_at":"2023-03-05 04:51:18","updated_at":"2023-03-05 04:51:18"},"success":true,"code":0,"message":""}"#;

fn time(name: &str, n: u32, mut f: impl FnMut()) {
    for _ in 0..n / 10 { f(); }
    let t = Instant::now();
    for _ in 0..n { f(); }
    println!("{name}: {:.1} ns", t.elapsed().as_nanos() as f64 / n as f64);
}

#[test]
fn bench() {
    let input = CustomerInput { firstname: Some("Mehmet"), middlename: Some(""), lastname: Some("Gülbilge"), fullname: Some("Mehmet Gülbilge"), email: Some("mehmet@example.com"), phone: Some("+90 532 280 80 35"), gender: Some("M"), identity_number: Some("12345677938"), birthdate: Some("1970-01-31") };
    let mut buf = [0u8; MAX_UPDATE_BODY_LEN];
    time("validate+encode", 2_000_000, || {
        let u = CustomerUpdate::validate(black_box(&input), ValidationProfile::Lenient).unwrap();
        black_box(encode_update(&u, &mut buf).unwrap());
    });
    let u = CustomerUpdate::validate(&input, ValidationProfile::Lenient).unwrap();
    time("encode only", 2_000_000, || { black_box(encode_update(black_box(&u), &mut buf).unwrap()); });
    time("validate only", 2_000_000, || { black_box(CustomerUpdate::validate(black_box(&input), ValidationProfile::Lenient).unwrap()); });
    let body = Body { firstname: "Mehmet", lastname: "Gülbilge", fullname: "Mehmet Gülbilge", email: "mehmet@example.com", phone: "+90 532 280 80 35", gender: "M", identity_number: "12345677938", birthdate: "1970-01-31" };
    let mut v = Vec::with_capacity(512);
    time("serde_json to_writer", 2_000_000, || { v.clear(); serde_json::to_writer(&mut v, black_box(&body)).unwrap(); black_box(&v); });
    time("decode ours", 1_000_000, || { black_box(decode_customer_response(200, black_box(B.as_bytes()), None).unwrap()); });
    time("serde_json from_slice", 1_000_000, || { black_box(serde_json::from_slice::<Env>(black_box(B.as_bytes())).unwrap()); });
}
