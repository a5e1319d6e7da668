#!/usr/bin/env python3
"""What each optional protocol feature costs in `footprint-flow`'s `.text`.

Each cut is a small source patch that makes one feature unreachable (the
parser refuses it, or the branch is gone), so LTO drops its code; the
combined cuts are the smallest kiosk build imaginable. The script applies
them one at a time to a throw-away `git worktree` of HEAD (your checkout is
never touched), builds the probe, and prints `.text` and the flow's exit
code (0: the canned update still completes).

    python3 tests/nostd-probe/footprint/feature_cuts.py            # every cut
    python3 tests/nostd-probe/footprint/feature_cuts.py f8_details combo_sha256

The patches replace exact source text: when the code moves on, a cut that
no longer applies says so and is skipped. Measured figures: BENCHMARKS.md,
Footprint.
"""
import os
import subprocess
import sys
import tempfile

CORE = None  # the worktree's core/src, set in main()
P = {}


def patch(name):
    def deco(f):
        P[name] = f
        return f
    return deco


class Stale(Exception):
    pass


def rep(path, old, new, count=1):
    p = os.path.join(CORE, path)
    s = open(p).read()
    if s.count(old) != count:
        raise Stale(f"{path}: {old[:60]!r} not found {count} time(s)")
    open(p, "w").write(s.replace(old, new))


# 2. qop=auth-int: refuse auth-int-only challenges; H(A2) never hashes the body.
@patch('f2_authint')
def _():
    rep('auth/challenge.rs',
        "        if algorithm.is_sess() && !offers_auth && !offers_auth_int {",
        "        if offers_auth_int && !offers_auth {\n            return Err(ChallengeError::UnsupportedQop);\n        }\n"
        "        if algorithm.is_sess() && !offers_auth && !offers_auth_int {")
    rep('auth/compute.rs', "    if inputs.qop == Some(Qop::AuthInt) {", "    if false {")

# 3. userhash: never send a hashed username.
@patch('f3_userhash')
def _():
    rep('auth/session.rs',
        "        let hashed = self\n            .userhash\n            .then(|| userhash(self.algorithm, name, &self.realm));",
        "        let hashed: Option<super::algorithm::HexDigest> = None;")
    rep('auth/challenge.rs', "            userhash: is_true(self.userhash),", "            userhash: false,")

# 4. charset=UTF-8: never send username* (RFC 8187).
@patch('f4_charset')
def _():
    rep('auth/session.rs',
        "            None if self.charset_utf8 && !name.is_ascii() => Username::Extended(name),\n", "")
    rep('auth/challenge.rs',
        "            charset_utf8: self\n                .charset\n                .is_some_and(|v| v.eq_ignore_ascii_case(\"UTF-8\")),",
        "            charset_utf8: false,")

# 5. -sess: the parser no longer knows MD5-sess / SHA-256-sess; is_sess() is false.
@patch('f5_sess')
def _():
    rep('auth/algorithm.rs',
        "    pub const ALL: [Algorithm; 4] = [Self::Md5, Self::Md5Sess, Self::Sha256, Self::Sha256Sess];",
        "    pub const ALL: [Algorithm; 2] = [Self::Md5, Self::Sha256];")
    rep('auth/algorithm.rs',
        "            Self::Md5Sess | Self::Sha256Sess => true,\n            #[cfg(feature = \"sha512-256\")]\n            Self::Sha512_256Sess => true,\n            _ => false,",
        "            _ => false,")

# 6a. MD5 only: SHA-256 neither parsed nor hashed.
@patch('f6a_md5only')
def _():
    rep('auth/algorithm.rs',
        "    pub const ALL: [Algorithm; 4] = [Self::Md5, Self::Md5Sess, Self::Sha256, Self::Sha256Sess];",
        "    pub const ALL: [Algorithm; 2] = [Self::Md5, Self::Md5Sess];")
    rep('auth/algorithm.rs',
        "            Self::Sha256 | Self::Sha256Sess => Hasher::Sha256(Sha256::new()),",
        "            Self::Sha256 | Self::Sha256Sess => Hasher::Md5(Md5::new()),")
    rep('auth/algorithm.rs', "            Self::Sha256(h) => h.update(bytes),", "            Self::Sha256(_) => {}")
    rep('auth/algorithm.rs', "            Self::Sha256(h) => HexDigest::from_bytes(&h.finalize()),",
        "            Self::Sha256(_) => HexDigest::from_bytes(&[]),")

# 6b. SHA-256 only: MD5 neither parsed (nor the MD5 default) nor hashed.
@patch('f6b_sha256only')
def _():
    rep('auth/algorithm.rs',
        "    pub const ALL: [Algorithm; 4] = [Self::Md5, Self::Md5Sess, Self::Sha256, Self::Sha256Sess];",
        "    pub const ALL: [Algorithm; 2] = [Self::Sha256, Self::Sha256Sess];")
    rep('auth/algorithm.rs',
        "            Self::Md5 | Self::Md5Sess => Hasher::Md5(Md5::new()),",
        "            Self::Md5 | Self::Md5Sess => Hasher::Sha256(Sha256::new()),")
    rep('auth/algorithm.rs', "            Self::Md5(h) => h.update(bytes),", "            Self::Md5(_) => {}")
    rep('auth/algorithm.rs', "            Self::Md5(h) => HexDigest::from_bytes(&h.finalize()),",
        "            Self::Md5(_) => HexDigest::from_bytes(&[]),")
    rep('auth/challenge.rs', "            None => (Algorithm::Md5, None),",
        "            None => return Err(ChallengeError::UnsupportedAlgorithm),")

# 7a. Authentication-Info / nextnonce: not looked up, not followed.
@patch('f7a_authinfo')
def _():
    rep('call.rs',
        "        if digest && let Some(info) = response.authentication_info {\n            self.session.accept_authentication_info(info);\n        }\n", "")
    rep('call.rs', "            authentication_info: response.header(\"Authentication-Info\"),",
        "            authentication_info: None,")

# 7b. stale=true: not parsed; a refused fresh answer is always CredentialsRejected.
@patch('f7b_stale')
def _():
    rep('call.rs', "        if auth_use == AuthUse::Fresh && !challenge.stale() {", "        if auth_use == AuthUse::Fresh {")
    rep('auth/challenge.rs', "            stale: is_true(self.stale),", "            stale: false,")

# 8. 422 details parser.
@patch('f8_details')
def _():
    rep('call.rs',
        "        if status == 422 {\n            invalid_details_into(response.body, &mut self.buffers.invalid);\n        }\n", "")
# 9b. only the remove decoding dropped
@patch('f9b_no_remove_decode')
def _():
    rep('call.rs',
        "        let outcome = match self.operation {\n            Operation::Remove { .. } => decode_remove_response(status, response.body, retry_after)\n                .map(|()| Outcome::Removed),\n            _ => decode_customer_response_into(",
        "        let outcome = match self.operation {\n            _ => decode_customer_response_into(")

# 10. chunked transfer decoding: a chunked response is refused.
@patch('f10_chunked')
def _():
    rep('http/response.rs',
        "        Framing::Chunked => {\n            let (end, excess_start, new_filled) =\n                read_chunked(r, buf, body_start, filled, body_cap)?;\n            filled = new_filled;\n            (end, excess_start)\n        }",
        "        Framing::Chunked => return Err(ReadError::UnsupportedTransferEncoding),")

# 11a. Retry-After: not looked up or parsed (5xx/429 still retried with backoff).
@patch('f11a_retry_after')
def _():
    rep('call.rs', "        let retry_after = response.retry_after.and_then(parse_retry_after);",
        "        let retry_after: Option<u32> = None;")
    rep('call.rs', "            retry_after: response.header(\"Retry-After\"),", "            retry_after: None,")

# 11b. all status retry handling (429/502/503/504 + Retry-After + backoff) in Call::response.
@patch('f11b_retry_all')
def _():
    P['f11a_retry_after']()
    rep('call.rs',
        "        if matches!(status, 429 | 502 | 503 | 504)\n            && self.operation.is_repeatable()",
        "        if false\n            && self.operation.is_repeatable()")

# 12a. Unicode tables in e-mail: non-ASCII e-mail characters refused (no is_whitespace / is_alphanumeric).
@patch('f12a_email_ascii_chars')
def _():
    rep('validate/email.rs', "    } else {\n        !c.is_whitespace()\n    }", "    } else {\n        false\n    }")
    rep('validate/email.rs', "    } else {\n        c.is_alphanumeric()\n    }", "    } else {\n        false\n    }")

# 12b. ASCII-only e-mail: the general (code-point) path gone entirely.
@patch('f12b_email_ascii_only')
def _():
    rep('validate/email.rs', "    if whole.chars != value.len() && general_email_ok(value) {",
        "    if whole.chars != value.len() && false {")

# 12c. ASCII whitespace trimming in validation (text.rs trim, external id).
@patch('f12c_trim_ascii_validate')
def _():
    rep('validate/text.rs', "        _ => value.trim(),", "        _ => value.trim_ascii(),")
    rep('validate/external_id.rs', "    if id.trim().is_empty() {", "    if id.trim_ascii().is_empty() {")

# 12d. ASCII trimming everywhere (+ header value check, Retry-After).
@patch('f12d_trim_ascii_all')
def _():
    P['f12c_trim_ascii_validate']()
    rep('request.rs', "    if value.trim().is_empty() {", "    if value.trim_ascii().is_empty() {")
    rep('call.rs', "    let value = value.trim();", "    let value = value.trim_ascii();")

# 13a. numbers as text fields refused (WrongType).
@patch('f13a_num_as_text')
def _():
    rep('json/customer.rs',
        "        b'-' | b'0'..=b'9' => {\n            let number = p.number()?;\n            out.clear();\n            out.push_str(number).is_ok()\n        }\n", "")

# 13b. string ids refused.
@patch('f13b_string_ids')
def _():
    rep('json/customer.rs',
        "        b'\"' => {\n            if !p.string()?.decode_into(buf.as_mut_view())? {\n                return Ok(Err(DecodeError::InvalidValue { field }.into()));\n            }\n            buf.as_str()\n        }\n", "")
    rep('json/customer.rs', "    let mut buf: String<24> = String::new();\n", "")

# 13c. lenient birthdates: exactly YYYY-MM-DD (still "" -> none).
@patch('f13c_birthdate')
def _():
    rep('json/customer.rs',
        "    let (date, rest) = text.split_at_checked(10)?;\n    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {\n        return None;\n    }\n    Date::parse(date).ok().map(Some)",
        "    Date::parse(text).ok().map(Some)")

# 13d. "" as null for birthdate/timestamps.
@patch('f13d_empty_as_null')
def _():
    rep('json/customer.rs', "    let Some(text) = text.filter(|t| !t.is_empty()) else {", "    let Some(text) = text else {")
    rep('json/customer.rs', "    match text.filter(|t| !t.is_empty()) {", "    match text {")

# 13. the four PHP-lenient forms together.
@patch('f13_php_all')
def _():
    for k in ('f13a_num_as_text', 'f13b_string_ids', 'f13c_birthdate', 'f13d_empty_as_null'):
        P[k]()


# 1. RFC 2069 (no qop): a challenge without qop refused; authorize always
# sends a qop and a cnonce.
@patch('f1_rfc2069')
def _():
    rep('auth/challenge.rs',
        "            None => (false, false),\n            Some(list) => qop_options(list)?,\n        };\n",
        "            None => return Err(ChallengeError::MissingQop),\n            Some(list) => qop_options(list)?,\n        };\n")
    rep('auth/session.rs', "        let cnonce_bytes = match self.qop {\n            None => [0; CNONCE_LEN],\n            Some(_) if", "        let cnonce_bytes = match self.qop {\n            Some(_) if")
    rep('auth/session.rs', "            Some(_) => fresh_cnonce(rng),\n        };", "            _ => fresh_cnonce(rng),\n        };")
    rep('auth/session.rs', "        let cnonce = match self.qop {\n            None => \"\",\n            Some(_) => core::str::from_utf8(&cnonce_bytes).unwrap_or(\"\"),\n        };", "        let cnonce = core::str::from_utf8(&cnonce_bytes).unwrap_or(\"\");")
    rep('auth/session.rs', "        check_method(method)?;\n        check_uri(uri)?;\n", "        check_method(method)?;\n        check_uri(uri)?;\n        let qop_used = self.qop.unwrap_or(Qop::Auth);\n")
    rep('auth/session.rs', "            qop: self.qop,\n            username: name,", "            qop: Some(qop_used),\n            username: name,")
    rep('auth/session.rs', "            qop: self.qop.map(|qop| (qop, &nc_bytes, cnonce)),", "            qop: Some((qop_used, &nc_bytes, cnonce)),")

# 14a. quoted-pair (backslash) escapes in digest parameters: refused; values never unescaped.
@patch('f14a_param_escapes')
def _():
    rep('auth/params.rs',
        "                Some(b'\\\\') => {\n                    escaped = true;\n                    self.pos += 1;\n                    if !self.peek().is_some_and(is_quoted_pair_byte) {\n                        return Err(Malformed);\n                    }\n                    self.pos += 1;\n                }\n",
        "")
    rep('auth/params.rs', "            escaped: raw.contains('\\\\'),", "            escaped: false,")
    rep('auth/params.rs', "        if !self.escaped {\n            return Some(core::mem::take(&mut self.rest));\n        }",
        "        if true {\n            return Some(core::mem::take(&mut self.rest));\n        }")

# 14b. interim (1xx) responses: not skipped (a 1xx is returned as the response).
@patch('f14b_interim')
def _():
    rep('http/response.rs',
        "        if !head.is_interim() || head.status() == 101 {\n            break head;\n        }",
        "        if true {\n            break head;\n        }")

# 14c. body delimited by connection close: refused.
@patch('f14c_until_close')
def _():
    rep('http/response.rs',
        "        Framing::UntilClose => {\n            let cap_end",
        "        Framing::UntilClose => return Err(too_large),\n        #[allow(unreachable_patterns)]\n        Framing::UntilClose => {\n            let cap_end")

# 14d. the codec's second check of the request head (Call already checked the values).
@patch('f14d_head_recheck')
def _():
    rep('http/request.rs',
        "    out: &mut [u8],\n) -> Result<usize, HeadError> {\n    check_head(head)?;\n    let mut has_length",
        "    out: &mut [u8],\n) -> Result<usize, HeadError> {\n    let mut has_length")

# 5+6 for the combined builds
@patch('f56_sha256_nosess')
def _():
    rep('auth/algorithm.rs',
        "    pub const ALL: [Algorithm; 4] = [Self::Md5, Self::Md5Sess, Self::Sha256, Self::Sha256Sess];",
        "    pub const ALL: [Algorithm; 1] = [Self::Sha256];")
    rep('auth/algorithm.rs',
        "            Self::Md5Sess | Self::Sha256Sess => true,\n            #[cfg(feature = \"sha512-256\")]\n            Self::Sha512_256Sess => true,\n            _ => false,",
        "            _ => false,")
    rep('auth/algorithm.rs',
        "            Self::Md5 | Self::Md5Sess => Hasher::Md5(Md5::new()),",
        "            Self::Md5 | Self::Md5Sess => Hasher::Sha256(Sha256::new()),")
    rep('auth/algorithm.rs', "            Self::Md5(h) => h.update(bytes),", "            Self::Md5(_) => {}")
    rep('auth/algorithm.rs', "            Self::Md5(h) => HexDigest::from_bytes(&h.finalize()),",
        "            Self::Md5(_) => HexDigest::from_bytes(&[]),")
    rep('auth/challenge.rs', "            None => (Algorithm::Md5, None),",
        "            None => return Err(ChallengeError::UnsupportedAlgorithm),")

@patch('f56_md5_nosess')
def _():
    rep('auth/algorithm.rs',
        "    pub const ALL: [Algorithm; 4] = [Self::Md5, Self::Md5Sess, Self::Sha256, Self::Sha256Sess];",
        "    pub const ALL: [Algorithm; 1] = [Self::Md5];")
    rep('auth/algorithm.rs',
        "            Self::Md5Sess | Self::Sha256Sess => true,\n            #[cfg(feature = \"sha512-256\")]\n            Self::Sha512_256Sess => true,\n            _ => false,",
        "            _ => false,")
    rep('auth/algorithm.rs',
        "            Self::Sha256 | Self::Sha256Sess => Hasher::Sha256(Sha256::new()),",
        "            Self::Sha256 | Self::Sha256Sess => Hasher::Md5(Md5::new()),")
    rep('auth/algorithm.rs', "            Self::Sha256(h) => h.update(bytes),", "            Self::Sha256(_) => {}")
    rep('auth/algorithm.rs', "            Self::Sha256(h) => HexDigest::from_bytes(&h.finalize()),",
        "            Self::Sha256(_) => HexDigest::from_bytes(&[]),")

COMMON = ['f1_rfc2069', 'f2_authint', 'f3_userhash', 'f4_charset', 'f7a_authinfo', 'f7b_stale',
          'f8_details', 'f9b_no_remove_decode', 'f11b_retry_all', 'f12b_email_ascii_only', 'f12d_trim_ascii_all', 'f13_php_all']

@patch('combo_sha256')
def _():
    for k in COMMON + ['f56_sha256_nosess', 'f10_chunked']: P[k]()
@patch('combo_sha256_keep_chunked')
def _():
    for k in COMMON + ['f56_sha256_nosess']: P[k]()
@patch('combo_md5')
def _():
    for k in COMMON + ['f56_md5_nosess', 'f10_chunked']: P[k]()
@patch('combo_md5_keep_chunked')
def _():
    for k in COMMON + ['f56_md5_nosess']: P[k]()
@patch('combo_sha256_plus14')
def _():
    for k in COMMON + ['f56_sha256_nosess', 'f10_chunked', 'f14a_param_escapes', 'f14b_interim', 'f14c_until_close']: P[k]()
@patch('combo_sha256_keep_chunked_plus14')
def _():
    for k in COMMON + ['f56_sha256_nosess', 'f14a_param_escapes', 'f14b_interim', 'f14c_until_close']: P[k]()


def measure(probe):
    """Builds the flow; its `.text` and its exit code."""
    # A cut leaves dead code behind, so the build warns; only failures show.
    build = subprocess.run(["cargo", "build", "--release", "--bin", "footprint-flow"],
                           cwd=probe, capture_output=True, text=True)
    if build.returncode != 0:
        sys.exit(build.stderr)
    binary = os.path.join(os.environ["CARGO_TARGET_DIR"], "release", "footprint-flow")
    out = subprocess.run(["size", "-A", binary], capture_output=True, text=True,
                         check=True).stdout
    size = next(int(l.split()[1]) for l in out.splitlines() if l.startswith(".text"))
    return size, subprocess.run([binary]).returncode


def main():
    global CORE
    names = sys.argv[1:] or list(P)
    repo = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True,
                          text=True, check=True).stdout.strip()
    tree = tempfile.mkdtemp(prefix="feature-cuts-")
    subprocess.run(["git", "-C", repo, "worktree", "add", "--quiet", "--detach", tree, "HEAD"],
                   check=True)
    os.environ.setdefault("CARGO_TARGET_DIR", "/tmp/feature-cuts-target")
    try:
        CORE = os.path.join(tree, "core", "src")
        probe = os.path.join(tree, "tests", "nostd-probe")
        base, code = measure(probe)
        print(f"{'baseline':34} .text {base:6}            exit {code}")
        for name in names:
            try:
                P[name]()
                size, code = measure(probe)
                print(f"{name:34} .text {size:6} ({size - base:+6})  exit {code}")
            except Stale as e:
                print(f"{name:34} skipped: {e}")
            finally:
                subprocess.run(["git", "-C", tree, "checkout", "--quiet", "--", "core"], check=True)
    finally:
        subprocess.run(["git", "-C", repo, "worktree", "remove", "--force", tree], check=True)


if __name__ == "__main__":
    main()
