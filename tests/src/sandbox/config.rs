//! The sandbox's settings: listen port, demo credentials, the digest
//! algorithm and qop it demands, the nonce policy and the initial faults.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use super::faults::Faults;

/// The default realm, `minted-sandbox`.
pub const DEFAULT_REALM: &str = "minted-sandbox";
/// The default demo user name, `partner`.
pub const DEFAULT_USERNAME: &str = "partner";
/// The default demo password, `s3cret`.
pub const DEFAULT_PASSWORD: &str = "s3cret";
/// The default nonce lifetime, Apache's `AuthDigestNonceLifetime` default (300 s).
pub const DEFAULT_NONCE_LIFETIME: Duration = Duration::from_secs(300);
/// The largest request body the sandbox reads; a larger one gets 413.
pub const MAX_REQUEST_BODY: usize = 64 * 1024;

/// The digest algorithm the sandbox challenges with and accepts.
///
/// The default is [`Algorithm::Md5`]: the vendor's sample header carries no
/// `algorithm` (which means MD5), Apache's `mod_auth_digest` only does MD5,
/// and most embedded clients (ESP-IDF among them) start from MD5. The other
/// three are one flag away and every test suite should cover them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// `MD5`.
    #[default]
    Md5,
    /// `SHA-256`.
    Sha256,
    /// `MD5-sess`: H(A1) also covers the nonce and the client's cnonce.
    Md5Sess,
    /// `SHA-256-sess`.
    Sha256Sess,
}

impl Algorithm {
    /// The token written in the challenge (`MD5`, `SHA-256`, `MD5-sess`, `SHA-256-sess`).
    pub fn token(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256Sess => "SHA-256-sess",
        }
    }

    /// Whether this is a `-sess` variant.
    pub fn is_sess(self) -> bool {
        matches!(self, Algorithm::Md5Sess | Algorithm::Sha256Sess)
    }

    /// Whether the hash is SHA-256 (otherwise MD5).
    pub fn is_sha256(self) -> bool {
        matches!(self, Algorithm::Sha256 | Algorithm::Sha256Sess)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.token())
    }
}

impl FromStr for Algorithm {
    type Err = String;

    /// Parses a token case-insensitively; `SHA256` is accepted for `SHA-256`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "md5" => Ok(Algorithm::Md5),
            "sha-256" | "sha256" => Ok(Algorithm::Sha256),
            "md5-sess" => Ok(Algorithm::Md5Sess),
            "sha-256-sess" | "sha256-sess" => Ok(Algorithm::Sha256Sess),
            _ => Err(format!(
                "unknown algorithm {s:?} (expected MD5, SHA-256, MD5-sess or SHA-256-sess)"
            )),
        }
    }
}

/// The quality of protection the sandbox offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QopMode {
    /// `qop="auth"` (the default, like Apache).
    #[default]
    Auth,
    /// `qop="auth-int"`: the request body is part of the hash.
    AuthInt,
    /// `qop="auth,auth-int"`: the client picks one.
    Both,
    /// No `qop` in the challenge: the RFC 2069 exchange (no `nc`, no `cnonce`),
    /// the shape of the vendor's sample header.
    None,
}

impl QopMode {
    /// The value of the challenge's `qop` parameter, if any.
    pub fn challenge_value(self) -> Option<&'static str> {
        match self {
            QopMode::Auth => Some("auth"),
            QopMode::AuthInt => Some("auth-int"),
            QopMode::Both => Some("auth,auth-int"),
            QopMode::None => None,
        }
    }

    /// Whether a request may use `qop` (already lowercased).
    pub fn allows(self, qop: &str) -> bool {
        match self {
            QopMode::Auth => qop == "auth",
            QopMode::AuthInt => qop == "auth-int",
            QopMode::Both => qop == "auth" || qop == "auth-int",
            QopMode::None => false,
        }
    }
}

impl fmt::Display for QopMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.challenge_value().unwrap_or("none"))
    }
}

impl FromStr for QopMode {
    type Err = String;

    /// Parses `auth`, `auth-int`, `auth,auth-int` (either order) or `none`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        let mut items: Vec<&str> = lower.split(',').map(str::trim).collect();
        items.sort_unstable();
        match items.as_slice() {
            ["auth"] => Ok(QopMode::Auth),
            ["auth-int"] => Ok(QopMode::AuthInt),
            ["auth", "auth-int"] => Ok(QopMode::Both),
            ["none"] => Ok(QopMode::None),
            _ => Err(format!(
                "unknown qop {s:?} (expected auth, auth-int, auth,auth-int or none)"
            )),
        }
    }
}

/// Everything [`Sandbox::start`](super::Sandbox::start) needs.
///
/// `SandboxConfig::default()` is the documented demo server: an ephemeral
/// port, realm `minted-sandbox`, user `partner`, password `s3cret`, MD5 with
/// `qop="auth"`, nonces valid for 300 s with no use limit, no faults.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The digest realm.
    pub realm: String,
    /// The only accepted user name.
    pub username: String,
    /// Its password.
    pub password: String,
    /// The digest algorithm.
    pub algorithm: Algorithm,
    /// The qop offered.
    pub qop: QopMode,
    /// How many requests one nonce may authorize; `None` means no limit.
    /// A spent nonce is answered with `401` and `stale=true`.
    pub nonce_max_uses: Option<u32>,
    /// How long a nonce stays valid; `None` means forever. An expired nonce
    /// is answered with `401` and `stale=true`.
    pub nonce_lifetime: Option<Duration>,
    /// Send a fresh `nextnonce` in every `Authentication-Info`.
    pub next_nonce: bool,
    /// The faults active from the start (change them later with
    /// [`SandboxHandle::set_faults`](super::SandboxHandle::set_faults)).
    pub faults: Faults,
    /// Print one line per request on stderr (the binary turns this on).
    pub echo_log: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            port: 0,
            realm: DEFAULT_REALM.to_owned(),
            username: DEFAULT_USERNAME.to_owned(),
            password: DEFAULT_PASSWORD.to_owned(),
            algorithm: Algorithm::default(),
            qop: QopMode::default(),
            nonce_max_uses: None,
            nonce_lifetime: Some(DEFAULT_NONCE_LIFETIME),
            next_nonce: false,
            faults: Faults::default(),
            echo_log: false,
        }
    }
}

impl SandboxConfig {
    /// Checks the combinations that cannot work: a `-sess` algorithm needs a
    /// cnonce, so it needs a qop; a zero use limit or lifetime would reject
    /// every nonce; realm and user name must be printable ASCII without `"`
    /// and `\` so that they can be written in a challenge as they are.
    pub fn check(&self) -> Result<(), String> {
        if self.algorithm.is_sess() && self.qop == QopMode::None {
            return Err(format!("{} needs a qop (a cnonce)", self.algorithm));
        }
        if self.nonce_max_uses == Some(0) {
            return Err("the nonce use limit must be at least 1".to_owned());
        }
        if self.nonce_lifetime == Some(Duration::ZERO) {
            return Err("the nonce lifetime must be longer than zero".to_owned());
        }
        for (what, value) in [("realm", &self.realm), ("username", &self.username)] {
            if value.is_empty()
                || !value
                    .chars()
                    .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ')
            {
                return Err(format!(
                    "the {what} must be non-empty printable ASCII without quotes or backslashes"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tokens() {
        assert_eq!("md5".parse::<Algorithm>(), Ok(Algorithm::Md5));
        assert_eq!(
            "SHA-256-SESS".parse::<Algorithm>(),
            Ok(Algorithm::Sha256Sess)
        );
        assert!("sha-512".parse::<Algorithm>().is_err());
        assert_eq!("auth-int, auth".parse::<QopMode>(), Ok(QopMode::Both));
        assert_eq!("none".parse::<QopMode>(), Ok(QopMode::None));
        assert!("auth-conf".parse::<QopMode>().is_err());
    }

    #[test]
    fn rejects_impossible_configs() {
        assert!(SandboxConfig::default().check().is_ok());
        let sess = SandboxConfig {
            algorithm: Algorithm::Md5Sess,
            qop: QopMode::None,
            ..SandboxConfig::default()
        };
        assert!(sess.check().is_err());
        let realm = SandboxConfig {
            realm: "a\"b".into(),
            ..SandboxConfig::default()
        };
        assert!(realm.check().is_err());
    }
}
