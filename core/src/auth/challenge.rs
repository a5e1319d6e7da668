//! Finding the Digest challenge in `WWW-Authenticate`.
//!
//! All field lines are read as one comma-separated list (RFC 9110 §5.3), each
//! line holding any number of challenges of any scheme. The first Digest
//! challenge that this client can answer wins (RFC 7616 §3.7: servers list
//! their preferred algorithm first). A Digest challenge is answerable when it
//! has a realm and a nonce, a known algorithm (absent means MD5), a qop list
//! with `auth` or `auth-int` (or no qop: RFC 2069), and no syntax error.
//! Parameter names and the values of `algorithm`, `qop`, `stale`, `userhash`
//! and `charset` are compared case-insensitively; unknown parameters
//! (`domain`…) are ignored; a parameter given twice makes the challenge
//! malformed rather than guessing which one counts.

use super::algorithm::{Algorithm, Qop};
use super::error::ChallengeError;
use super::params::{Item, Items, ParamValue};

/// One parsed Digest challenge, borrowing the header values.
///
/// Realm, nonce and opaque are [`ParamValue`]s: the raw text with escapes, to
/// be unescaped when hashed or stored (as
/// [`DigestSession::accept_challenge`](super::DigestSession::accept_challenge)
/// does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DigestChallenge<'a> {
    realm: ParamValue<'a>,
    nonce: ParamValue<'a>,
    opaque: Option<ParamValue<'a>>,
    algorithm: Algorithm,
    algorithm_token: Option<&'a str>,
    offers_auth: bool,
    offers_auth_int: bool,
    stale: bool,
    userhash: bool,
    charset_utf8: bool,
}

impl<'a> DigestChallenge<'a> {
    /// The first usable Digest challenge of a single header value; the same
    /// as [`find_digest_challenge`]`([value])`.
    pub fn parse(value: &'a str) -> Result<Self, ChallengeError> {
        find_digest_challenge([value])
    }

    /// The protection space; part of every hash.
    pub const fn realm(&self) -> ParamValue<'a> {
        self.realm
    }

    /// The server nonce.
    pub const fn nonce(&self) -> ParamValue<'a> {
        self.nonce
    }

    /// The value to echo unchanged, when the challenge had one (possibly empty).
    pub const fn opaque(&self) -> Option<ParamValue<'a>> {
        self.opaque
    }

    /// The algorithm; MD5 when the challenge named none.
    pub const fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The `algorithm` token in the server's spelling (`md5`, `SHA-256`…),
    /// which `Authorization` echoes; `None` when the challenge had no
    /// `algorithm` parameter, and then none is sent back.
    pub const fn algorithm_token(&self) -> Option<&'a str> {
        self.algorithm_token
    }

    /// The qop this client will use: `auth` when offered, `auth-int` only when
    /// it is the sole option, `None` for a challenge without qop (the RFC 2069
    /// formula, no cnonce or nc sent).
    pub const fn qop(&self) -> Option<Qop> {
        if self.offers_auth {
            Some(Qop::Auth)
        } else if self.offers_auth_int {
            Some(Qop::AuthInt)
        } else {
            None
        }
    }

    /// Whether the challenge's qop list contains `qop`.
    pub const fn offers_qop(&self, qop: Qop) -> bool {
        match qop {
            Qop::Auth => self.offers_auth,
            Qop::AuthInt => self.offers_auth_int,
        }
    }

    /// `stale=true`: only the nonce was refused, the credentials were fine;
    /// retry once with this challenge without asking for credentials again.
    pub const fn stale(&self) -> bool {
        self.stale
    }

    /// `userhash=true`: the server accepts `username` as H(username:realm).
    pub const fn userhash(&self) -> bool {
        self.userhash
    }

    /// `charset=UTF-8`: the server expects UTF-8 username and password, and
    /// understands `username*` for names that are not ASCII.
    pub const fn charset_utf8(&self) -> bool {
        self.charset_utf8
    }
}

/// Finds the first Digest challenge this client supports among all
/// `WWW-Authenticate` values of a response.
///
/// Several values and several challenges per value are fine (`Basic
/// realm="x", Digest realm="y", nonce="n"`); the values are read as one
/// comma-separated list (RFC 9110 §5.3), so pass each field line whole and
/// never glue two together without a comma. Challenges with an unknown
/// algorithm, an unsupported qop or a missing realm or nonce are skipped. No
/// input panics: garbage gives [`ChallengeError::Malformed`] or
/// [`ChallengeError::NoDigestChallenge`].
///
/// ```
/// use minted_connect_core::auth::{find_digest_challenge, Algorithm, Qop};
/// let values = [
///     r#"Basic realm="partner""#,
///     r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#,
///     r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#,
/// ];
/// let challenge = find_digest_challenge(values)?;
/// assert_eq!(challenge.algorithm(), Algorithm::Sha256);
/// assert_eq!(challenge.qop(), Some(Qop::Auth));
/// assert_eq!(challenge.realm(), "http-auth@example.org");
/// # Ok::<(), minted_connect_core::auth::ChallengeError>(())
/// ```
pub fn find_digest_challenge<'a, I>(header_values: I) -> Result<DigestChallenge<'a>, ChallengeError>
where
    I: IntoIterator<Item = &'a str>,
{
    let mut first_error = None;
    let mut malformed_outside_digest = false;
    let mut current = Current::Nothing;
    for value in header_values {
        for item in Items::new(value) {
            if let Ok(Item::Scheme(scheme)) = item {
                let next = if scheme.eq_ignore_ascii_case("Digest") {
                    Current::Digest(Builder::default())
                } else {
                    Current::Other
                };
                if let Current::Digest(done) = core::mem::replace(&mut current, next)
                    && let Some(challenge) = done.settle(&mut first_error)
                {
                    return Ok(challenge);
                }
                continue;
            }
            match (&mut current, item) {
                (Current::Digest(builder), Ok(Item::Param(name, value))) => {
                    builder.add(name, value)
                }
                (Current::Digest(builder), _) => builder.malformed = true,
                (Current::Other, Ok(_)) => {}
                (Current::Other | Current::Nothing, _) => malformed_outside_digest = true,
            }
        }
    }
    if let Current::Digest(done) = current
        && let Some(challenge) = done.settle(&mut first_error)
    {
        return Ok(challenge);
    }
    Err(first_error.unwrap_or(if malformed_outside_digest {
        ChallengeError::Malformed
    } else {
        ChallengeError::NoDigestChallenge
    }))
}

/// The challenge whose parameters are being read.
enum Current<'a> {
    /// No scheme yet.
    Nothing,
    /// A challenge of another scheme; its parameters are skipped.
    Other,
    /// A Digest challenge.
    Digest(Builder<'a>),
}

/// The known parameters of one Digest challenge, as they arrive.
#[derive(Default)]
struct Builder<'a> {
    realm: Option<ParamValue<'a>>,
    nonce: Option<ParamValue<'a>>,
    opaque: Option<ParamValue<'a>>,
    algorithm: Option<ParamValue<'a>>,
    qop: Option<ParamValue<'a>>,
    stale: Option<ParamValue<'a>>,
    userhash: Option<ParamValue<'a>>,
    charset: Option<ParamValue<'a>>,
    malformed: bool,
}

impl<'a> Builder<'a> {
    fn add(&mut self, name: &str, value: ParamValue<'a>) {
        let slot = [
            ("realm", &mut self.realm),
            ("nonce", &mut self.nonce),
            ("opaque", &mut self.opaque),
            ("algorithm", &mut self.algorithm),
            ("qop", &mut self.qop),
            ("stale", &mut self.stale),
            ("userhash", &mut self.userhash),
            ("charset", &mut self.charset),
        ]
        .into_iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name));
        if let Some((_, slot)) = slot {
            if slot.is_some() {
                self.malformed = true;
            } else {
                *slot = Some(value);
            }
        }
    }

    /// The finished challenge, or `None` after recording its error if it is
    /// the first one.
    fn settle(self, first_error: &mut Option<ChallengeError>) -> Option<DigestChallenge<'a>> {
        self.finish()
            .map_err(|e| {
                first_error.get_or_insert(e);
            })
            .ok()
    }

    fn finish(self) -> Result<DigestChallenge<'a>, ChallengeError> {
        if self.malformed {
            return Err(ChallengeError::Malformed);
        }
        let realm = self.realm.ok_or(ChallengeError::MissingRealm)?;
        let nonce = self.nonce.ok_or(ChallengeError::MissingNonce)?;
        let (algorithm, algorithm_token) = match self.algorithm {
            None => (Algorithm::Md5, None),
            Some(value) => {
                let algorithm = Algorithm::ALL
                    .into_iter()
                    .find(|a| value.eq_ignore_ascii_case(a.as_str()))
                    .ok_or(ChallengeError::UnsupportedAlgorithm)?;
                // Echo the server's spelling; an escaped token is sent canonically.
                (
                    algorithm,
                    Some(value.as_str().unwrap_or(algorithm.as_str())),
                )
            }
        };
        let (offers_auth, offers_auth_int) = match self.qop {
            None => (false, false),
            Some(list) => qop_options(list)?,
        };
        if algorithm.is_sess() && !offers_auth && !offers_auth_int {
            return Err(ChallengeError::MissingQop);
        }
        let is_true = |v: Option<ParamValue<'_>>| v.is_some_and(|v| v.eq_ignore_ascii_case("true"));
        Ok(DigestChallenge {
            realm,
            nonce,
            opaque: self.opaque,
            algorithm,
            algorithm_token,
            offers_auth,
            offers_auth_int,
            stale: is_true(self.stale),
            userhash: is_true(self.userhash),
            charset_utf8: self
                .charset
                .is_some_and(|v| v.eq_ignore_ascii_case("UTF-8")),
        })
    }
}

/// Reads a qop list (`auth`, `"auth, auth-int"`, `"auth-int,auth"`…): which
/// of the two supported options it offers. An empty list counts as no qop;
/// a list with only unknown options is [`ChallengeError::UnsupportedQop`].
fn qop_options(list: ParamValue<'_>) -> Result<(bool, bool), ChallengeError> {
    let (mut auth, mut auth_int, mut unknown) = (false, false, false);
    for option in list.raw().split(',') {
        let option = ParamValue::from_raw(option.trim_matches([' ', '\t']));
        if option.eq_ignore_ascii_case(Qop::Auth.as_str()) {
            auth = true;
        } else if option.eq_ignore_ascii_case(Qop::AuthInt.as_str()) {
            auth_int = true;
        } else if !option.is_empty() {
            unknown = true;
        }
    }
    if unknown && !auth && !auth_int {
        Err(ChallengeError::UnsupportedQop)
    } else {
        Ok((auth, auth_int))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Result<DigestChallenge<'_>, ChallengeError> {
        DigestChallenge::parse(value)
    }

    #[test]
    fn qop_lists_are_trimmed_and_prefer_auth() {
        let c = parse(r#"Digest realm="r", nonce="n", qop="auth-int , AUTH""#).unwrap();
        assert_eq!(c.qop(), Some(Qop::Auth));
        assert!(c.offers_qop(Qop::AuthInt));
        let c = parse(r#"Digest realm="r", nonce="n", qop=auth-int"#).unwrap();
        assert_eq!(c.qop(), Some(Qop::AuthInt));
        assert!(!c.offers_qop(Qop::Auth));
        let c = parse(r#"Digest realm="r", nonce="n", qop="""#).unwrap();
        assert_eq!(c.qop(), None);
        let c = parse(r#"Digest realm="r", nonce="n", qop="auth-conf,auth""#).unwrap();
        assert_eq!(c.qop(), Some(Qop::Auth));
        assert_eq!(
            parse(r#"Digest realm="r", nonce="n", qop="auth-conf""#),
            Err(ChallengeError::UnsupportedQop)
        );
    }

    #[test]
    fn sess_without_qop_is_refused() {
        assert_eq!(
            parse(r#"Digest realm="r", nonce="n", algorithm=MD5-sess"#),
            Err(ChallengeError::MissingQop)
        );
    }

    #[test]
    fn an_escaped_algorithm_token_is_echoed_canonically() {
        let c = parse(r#"Digest realm="r", nonce="n", algorithm="SHA\-256""#).unwrap();
        assert_eq!(c.algorithm(), Algorithm::Sha256);
        assert_eq!(c.algorithm_token(), Some("SHA-256"));
        let c = parse(r#"Digest realm="r", nonce="n", algorithm=sha-256"#).unwrap();
        assert_eq!(c.algorithm_token(), Some("sha-256"));
    }

    #[test]
    fn duplicates_make_the_challenge_malformed() {
        assert_eq!(
            parse(r#"Digest realm="r", nonce="n", NONCE="m""#),
            Err(ChallengeError::Malformed)
        );
        // Unknown parameters may repeat.
        assert!(parse(r#"Digest realm="r", nonce="n", domain="/a", domain="/b""#).is_ok());
    }
}
