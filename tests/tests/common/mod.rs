//! Test-side helpers: a minimal blocking HTTP/1.1 client over `TcpStream`
//! (byte-exact, so tests see exactly what the sandbox sent) and a minimal
//! digest client written independently of both the sandbox and the core.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use md5::Md5;
use minted_connect_tests::sandbox::SandboxHandle;
use sha2::{Digest, Sha256};

/// The vendor example's PATCH body (with the sandbox's e-mail).
pub const EXAMPLE_BODY: &str = r#"{
    "firstname": "Mehmet",
    "middlename": "",
    "lastname": "Gülbilge",
    "fullname": "Mehmet Gülbilge",
    "email": "mehmet.gulbilge@example.com",
    "phone": "+90 532 280 80 35",
    "gender": "M",
    "identity_number": "12345677938",
    "birthdate": "1970-01-31"
}"#;

/// A parsed response.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Whether the body came in chunked transfer encoding.
    pub chunked: bool,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.body_text()))
    }
}

/// One keep-alive connection.
pub struct Conn {
    reader: BufReader<TcpStream>,
}

impl Conn {
    pub fn open(addr: SocketAddr) -> Conn {
        let stream = TcpStream::connect(addr).expect("connect to the sandbox");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("set timeout");
        Conn {
            reader: BufReader::new(stream),
        }
    }

    pub fn stream(&mut self) -> &mut TcpStream {
        self.reader.get_mut()
    }

    /// Sends a request with `Host` and `Content-Length` added.
    pub fn send(&mut self, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) {
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !body.is_empty() || matches!(method, "POST" | "PATCH" | "PUT") {
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        let stream = self.stream();
        stream.write_all(head.as_bytes()).expect("write head");
        stream.write_all(body).expect("write body");
    }

    /// Reads one response head and body.
    pub fn read_response(&mut self) -> io::Result<RawResponse> {
        let (status, headers) = self.read_head()?;
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _): &&(String, String)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let chunked =
            header("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
        let mut body = Vec::new();
        if chunked {
            loop {
                let mut line = String::new();
                self.reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim(), 16)
                    .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
                let mut chunk = vec![0; size + 2];
                self.reader.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(len) = header("content-length") {
            let len: usize = len.parse().expect("content-length");
            body.resize(len, 0);
            self.reader.read_exact(&mut body)?;
        } else {
            self.reader.read_to_end(&mut body)?;
        }
        Ok(RawResponse {
            status,
            headers,
            body,
            chunked,
        })
    }

    /// Reads the status line and headers.
    pub fn read_head(&mut self) -> io::Result<(u16, Vec<(String, String)>)> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed before the head",
            ));
        }
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, line.clone()))?;
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line)?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((n, v)) = line.split_once(':') {
                headers.push((n.trim().to_owned(), v.trim().to_owned()));
            }
        }
        Ok((status, headers))
    }

    /// Reads whatever else arrives until the peer closes (or times out).
    pub fn read_rest(&mut self) -> io::Result<Vec<u8>> {
        let mut rest = Vec::new();
        self.reader.read_to_end(&mut rest)?;
        Ok(rest)
    }

    /// Reads exactly `n` more body bytes (from the buffer, then the socket);
    /// returns how many arrived before EOF.
    pub fn read_rest_until(&mut self, n: usize) -> usize {
        let mut buf = vec![0; n];
        let mut got = 0;
        while got < n {
            match self.reader.read(&mut buf[got..]) {
                Ok(0) | Err(_) => break,
                Ok(k) => got += k,
            }
        }
        got
    }

    pub fn request(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> RawResponse {
        self.send(method, target, headers, body);
        self.read_response().expect("read response")
    }
}

/// One request on a fresh connection.
pub fn request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> RawResponse {
    Conn::open(addr).request(method, target, headers, body)
}

/// A parsed challenge or credential header (`Digest k=v, …`).
pub fn digest_params(header: &str) -> HashMap<String, String> {
    let rest = header
        .strip_prefix("Digest ")
        .unwrap_or_else(|| panic!("not a Digest header: {header}"));
    let mut params = HashMap::new();
    let mut chars = rest.chars().peekable();
    loop {
        while matches!(chars.peek(), Some(' ' | ',')) {
            chars.next();
        }
        let name: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=')).collect();
        if name.is_empty() {
            break;
        }
        chars.next();
        let value: String = if chars.peek() == Some(&'"') {
            chars.next();
            let mut v = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => v.extend(chars.next()),
                    '"' => break,
                    c => v.push(c),
                }
            }
            v
        } else {
            std::iter::from_fn(|| chars.next_if(|c| *c != ',')).collect()
        };
        params.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
    }
    params
}

fn h(sha256: bool, data: &str) -> String {
    let bytes: Vec<u8> = if sha256 {
        Sha256::digest(data.as_bytes()).to_vec()
    } else {
        Md5::digest(data.as_bytes()).to_vec()
    };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn h_bytes(sha256: bool, data: &[u8]) -> String {
    let bytes: Vec<u8> = if sha256 {
        Sha256::digest(data).to_vec()
    } else {
        Md5::digest(data).to_vec()
    };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A test-side digest client (RFC 7616 formulas, written out plainly).
#[derive(Debug, Clone)]
pub struct DigestClient {
    pub username: String,
    pub password: String,
    pub realm: String,
    pub nonce: String,
    pub opaque: Option<String>,
    pub algorithm: String,
    /// The qop this client uses (`None` = RFC 2069 form).
    pub qop: Option<String>,
    pub nc: u32,
    pub cnonce: String,
    /// Send `opaque` back (tests switch it off to see Apache's stale=true).
    pub echo_opaque: bool,
}

impl DigestClient {
    /// From a `WWW-Authenticate` value; prefers `auth` when offered.
    pub fn from_challenge(header: &str, username: &str, password: &str) -> DigestClient {
        let p = digest_params(header);
        let qop = p.get("qop").map(|offered| {
            let items: Vec<&str> = offered.split(',').map(str::trim).collect();
            if items.contains(&"auth") {
                "auth"
            } else {
                "auth-int"
            }
            .to_owned()
        });
        DigestClient {
            username: username.to_owned(),
            password: password.to_owned(),
            realm: p["realm"].clone(),
            nonce: p["nonce"].clone(),
            opaque: p.get("opaque").cloned(),
            algorithm: p.get("algorithm").cloned().unwrap_or_else(|| "MD5".into()),
            qop,
            nc: 0,
            cnonce: "0a4f113b".to_owned(),
            echo_opaque: true,
        }
    }

    fn sha256(&self) -> bool {
        self.algorithm.to_ascii_uppercase().starts_with("SHA-256")
    }

    /// The response hash for the current nc.
    pub fn response(&self, method: &str, uri: &str, body: &[u8]) -> String {
        let sha = self.sha256();
        let mut ha1 = h(
            sha,
            &format!("{}:{}:{}", self.username, self.realm, self.password),
        );
        if self.algorithm.to_ascii_lowercase().ends_with("-sess") {
            ha1 = h(sha, &format!("{ha1}:{}:{}", self.nonce, self.cnonce));
        }
        let ha2 = match self.qop.as_deref() {
            Some("auth-int") => h(sha, &format!("{method}:{uri}:{}", h_bytes(sha, body))),
            _ => h(sha, &format!("{method}:{uri}")),
        };
        match &self.qop {
            Some(qop) => h(
                sha,
                &format!(
                    "{ha1}:{}:{:08x}:{}:{qop}:{ha2}",
                    self.nonce, self.nc, self.cnonce
                ),
            ),
            None => h(sha, &format!("{ha1}:{}:{ha2}", self.nonce)),
        }
    }

    /// The expected `rspauth` for the current nc and a response body.
    pub fn rspauth(&self, uri: &str, response_body: &[u8]) -> String {
        let sha = self.sha256();
        let mut ha1 = h(
            sha,
            &format!("{}:{}:{}", self.username, self.realm, self.password),
        );
        if self.algorithm.to_ascii_lowercase().ends_with("-sess") {
            ha1 = h(sha, &format!("{ha1}:{}:{}", self.nonce, self.cnonce));
        }
        let ha2 = match self.qop.as_deref() {
            Some("auth-int") => h(sha, &format!(":{uri}:{}", h_bytes(sha, response_body))),
            _ => h(sha, &format!(":{uri}")),
        };
        let qop = self.qop.as_deref().unwrap_or("auth");
        h(
            sha,
            &format!(
                "{ha1}:{}:{:08x}:{}:{qop}:{ha2}",
                self.nonce, self.nc, self.cnonce
            ),
        )
    }

    /// Increments nc and builds the `Authorization` value.
    pub fn authorize(&mut self, method: &str, uri: &str, body: &[u8]) -> String {
        self.nc += 1;
        self.header_for_current_nc(method, uri, body)
    }

    /// Builds the `Authorization` value without touching nc (for replays).
    pub fn header_for_current_nc(&self, method: &str, uri: &str, body: &[u8]) -> String {
        let mut value = format!(
            "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{uri}\", algorithm={}, response=\"{}\"",
            self.username,
            self.realm,
            self.nonce,
            self.algorithm,
            self.response(method, uri, body)
        );
        if let Some(qop) = &self.qop {
            value.push_str(&format!(
                ", qop={qop}, nc={:08x}, cnonce=\"{}\"",
                self.nc, self.cnonce
            ));
        }
        if self.echo_opaque
            && let Some(opaque) = &self.opaque
        {
            value.push_str(&format!(", opaque=\"{opaque}\""));
        }
        value
    }
}

/// A test client bound to one sandbox: does the 401 round trip once, then
/// authorizes preemptively (nc + 1), redoing it when the nonce goes stale.
pub struct Api<'a> {
    pub sandbox: &'a SandboxHandle,
    pub digest: Option<DigestClient>,
    pub password: String,
    pub lang: Option<&'static str>,
    pub client_id: Option<&'static str>,
}

impl<'a> Api<'a> {
    pub fn new(sandbox: &'a SandboxHandle) -> Api<'a> {
        Api {
            sandbox,
            digest: None,
            password: sandbox.password().to_owned(),
            lang: None,
            client_id: Some("web"),
        }
    }

    fn headers(&self, authorization: Option<&str>, body: &[u8]) -> Vec<(String, String)> {
        let mut headers = Vec::new();
        if let Some(id) = self.client_id {
            headers.push(("x-client-id".to_owned(), id.to_owned()));
        }
        if let Some(lang) = self.lang {
            headers.push(("Accept-Language".to_owned(), lang.to_owned()));
        }
        if !body.is_empty() {
            headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        if let Some(auth) = authorization {
            headers.push(("Authorization".to_owned(), auth.to_owned()));
        }
        headers
    }

    fn send_once(&mut self, method: &str, target: &str, body: &[u8]) -> RawResponse {
        let authorization = self
            .digest
            .as_mut()
            .map(|d| d.authorize(method, target, body));
        let headers = self.headers(authorization.as_deref(), body);
        let refs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        request(self.sandbox.addr(), method, target, &refs, body)
    }

    /// Sends, answering at most one 401 challenge (a first one, or a stale one).
    pub fn call(&mut self, method: &str, target: &str, body: &[u8]) -> RawResponse {
        let response = self.send_once(method, target, body);
        if response.status != 401 {
            return response;
        }
        let challenge = response
            .header("www-authenticate")
            .expect("401 carries a challenge")
            .to_owned();
        let first = self.digest.is_none();
        let stale = digest_params(&challenge)
            .get("stale")
            .is_some_and(|s| s.eq_ignore_ascii_case("true"));
        if !first && !stale {
            return response;
        }
        self.digest = Some(DigestClient::from_challenge(
            &challenge,
            self.sandbox.username(),
            &self.password,
        ));
        self.send_once(method, target, body)
    }

    pub fn get(&mut self, id: &str) -> RawResponse {
        self.call("GET", &format!("/partner/customer/{id}"), b"")
    }

    pub fn patch(&mut self, id: &str, body: &str) -> RawResponse {
        self.call("PATCH", &format!("/partner/customer/{id}"), body.as_bytes())
    }

    pub fn post(&mut self, body: &str) -> RawResponse {
        self.call("POST", "/partner/customer", body.as_bytes())
    }

    pub fn delete(&mut self, id: &str) -> RawResponse {
        self.call("DELETE", &format!("/partner/customer/{id}"), b"")
    }
}

/// The 401 challenge of a fresh, unauthenticated request.
pub fn fresh_challenge(sandbox: &SandboxHandle, method: &str, target: &str) -> String {
    let response = request(
        sandbox.addr(),
        method,
        target,
        &[("x-client-id", "web")],
        b"",
    );
    assert_eq!(response.status, 401);
    response
        .header("www-authenticate")
        .expect("challenge")
        .to_owned()
}

/// Sends one request with an explicit `Authorization` value.
pub fn with_authorization(
    sandbox: &SandboxHandle,
    method: &str,
    target: &str,
    authorization: &str,
    body: &[u8],
) -> RawResponse {
    let mut headers = vec![("x-client-id", "web"), ("Authorization", authorization)];
    if !body.is_empty() {
        headers.push(("Content-Type", "application/json"));
    }
    request(sandbox.addr(), method, target, &headers, body)
}
