#!/usr/bin/env python3
"""What each optional protocol feature costs in `footprint-flow`'s `.text`.

Each cut is a few source replacements that make one feature unreachable
(the parser refuses it, or the branch is gone), so LTO drops its code; the
`minimal_*` cuts combine them into the smallest kiosk builds imaginable.
The script applies them one at a time to a throw-away `git worktree` of
HEAD (your checkout is never touched), builds the probe, and prints
`.text` and the flow's exit code (0: the canned update still completes).

    python3 tests/nostd-probe/footprint/feature_cuts.py            # every cut
    python3 tests/nostd-probe/footprint/feature_cuts.py details_422 minimal_sha256

The replacements are exact source text: when the code moves on, a cut that
no longer applies says so and is skipped. Measured figures: BENCHMARKS.md,
Footprint.
"""
import os
import subprocess
import sys
import tempfile


class Stale(Exception):
    """A replacement's text is no longer in the source."""


def known_algorithms(*names):
    """The challenge parser knows only `names`."""
    return [("auth/algorithm.rs",
             "    pub const ALL: [Algorithm; 4] = [Self::Md5, Self::Md5Sess, Self::Sha256, Self::Sha256Sess];",
             f"    pub const ALL: [Algorithm; {len(names)}] = [{', '.join('Self::' + n for n in names)}];")]


def no_sess():
    """`is_sess()` is always false."""
    return [("auth/algorithm.rs",
             "            Self::Md5Sess | Self::Sha256Sess => true,\n            #[cfg(feature = \"sha512-256\")]\n"
             "            Self::Sha512_256Sess => true,\n            _ => false,",
             "            _ => false,")]


def only_hash(kept, dropped):
    """The `dropped` hash (`Md5` or `Sha256`) is never built nor run."""
    steps = [
        ("auth/algorithm.rs",
         f"            Self::{dropped} | Self::{dropped}Sess => Hasher::{dropped}({dropped}::new()),",
         f"            Self::{dropped} | Self::{dropped}Sess => Hasher::{kept}({kept}::new()),"),
        ("auth/algorithm.rs", f"            Self::{dropped}(h) => h.update(bytes),",
         f"            Self::{dropped}(_) => {{}}"),
        ("auth/algorithm.rs", f"            Self::{dropped}(h) => HexDigest::from_bytes(&h.finalize()),",
         f"            Self::{dropped}(_) => HexDigest::from_bytes(&[]),"),
    ]
    if dropped == "Md5":
        # A challenge without `algorithm` means MD5.
        steps.append(("auth/challenge.rs", "            None => (Algorithm::Md5, None),",
                      "            None => return Err(ChallengeError::UnsupportedAlgorithm),"))
    return steps


# A cut: replacements (file under core/src, old text, new text) and the
# names of other cuts it includes.
CUTS = {
    # RFC 2069 (no qop): a challenge without qop refused; authorize always sends a qop and a cnonce.
    'rfc2069': [
        ('auth/challenge.rs',
         '            None => (false, false),\n            Some(list) => qop_options(list)?,\n        };\n',
         '            None => return Err(ChallengeError::MissingQop),\n            Some(list) => qop_options(list)?,\n        };\n'),
        ('auth/session.rs',
         '        let cnonce_bytes = match self.qop {\n            None => [0; CNONCE_LEN],\n            Some(_) if',
         '        let cnonce_bytes = match self.qop {\n            Some(_) if'),
        ('auth/session.rs',
         '            Some(_) => fresh_cnonce(rng),\n        };',
         '            _ => fresh_cnonce(rng),\n        };'),
        ('auth/session.rs',
         '        let cnonce = match self.qop {\n            None => "",\n            Some(_) => core::str::from_utf8(&cnonce_bytes).unwrap_or(""),\n        };',
         '        let cnonce = core::str::from_utf8(&cnonce_bytes).unwrap_or("");'),
        ('auth/session.rs',
         '        check_method(method)?;\n        check_uri(uri)?;\n',
         '        check_method(method)?;\n        check_uri(uri)?;\n        let qop_used = self.qop.unwrap_or(Qop::Auth);\n'),
        ('auth/session.rs',
         '            qop: self.qop,\n            username: name,',
         '            qop: Some(qop_used),\n            username: name,'),
        ('auth/session.rs',
         '            qop: self.qop.map(|qop| (qop, &nc_bytes, cnonce)),',
         '            qop: Some((qop_used, &nc_bytes, cnonce)),'),
    ],
    # Qop=auth-int: refuse auth-int-only challenges; H(A2) never hashes the body.
    'auth_int': [
        ('auth/challenge.rs',
         '        if algorithm.is_sess() && !offers_auth && !offers_auth_int {',
         '        if offers_auth_int && !offers_auth {\n            return Err(ChallengeError::UnsupportedQop);\n        }\n        if algorithm.is_sess() && !offers_auth && !offers_auth_int {'),
        ('auth/compute.rs',
         '    if inputs.qop == Some(Qop::AuthInt) {',
         '    if false {'),
    ],
    # Userhash: never send a hashed username.
    'userhash': [
        ('auth/session.rs',
         '        let hashed = self\n            .userhash\n            .then(|| userhash(self.algorithm, name, &self.realm));',
         '        let hashed: Option<super::algorithm::HexDigest> = None;'),
        ('auth/challenge.rs',
         '            userhash: is_true(self.userhash),',
         '            userhash: false,'),
    ],
    # Charset=UTF-8: never send username* (RFC 8187).
    'charset': [
        ('auth/session.rs',
         '            None if self.charset_utf8 && !name.is_ascii() => Username::Extended(name),\n',
         ''),
        ('auth/challenge.rs',
         '            charset_utf8: self\n                .charset\n                .is_some_and(|v| v.eq_ignore_ascii_case("UTF-8")),',
         '            charset_utf8: false,'),
    ],
    # -sess: the parser no longer knows MD5-sess / SHA-256-sess; is_sess() is false.
    'sess': known_algorithms("Md5", "Sha256") + no_sess(),
    # MD5 only: SHA-256 neither parsed nor hashed.
    'md5_only': known_algorithms("Md5", "Md5Sess") + only_hash("Md5", "Sha256"),
    # SHA-256 only: MD5 neither parsed (nor the MD5 default) nor hashed.
    'sha256_only': known_algorithms("Sha256", "Sha256Sess") + only_hash("Sha256", "Md5"),
    # Authentication-Info / nextnonce: not looked up, not followed.
    'authentication_info': [
        ('call.rs',
         '        if digest && let Some(info) = response.authentication_info {\n            self.session.accept_authentication_info(info);\n        }\n',
         ''),
        ('call.rs',
         '            authentication_info: response.header("Authentication-Info"),',
         '            authentication_info: None,'),
    ],
    # Stale=true: not parsed; a refused fresh answer is always CredentialsRejected.
    'stale': [
        ('call.rs',
         '        if auth_use == AuthUse::Fresh && !challenge.stale() {',
         '        if auth_use == AuthUse::Fresh {'),
        ('auth/challenge.rs',
         '            stale: is_true(self.stale),',
         '            stale: false,'),
    ],
    # The 422 details parser.
    'details_422': [
        ('call.rs',
         '        if status == 422 {\n            invalid_details_into(response.body, &mut self.buffers.invalid);\n        }\n',
         ''),
    ],
    # Decoding a remove response (Call serves every operation).
    'remove_decode': [
        ('call.rs',
         '        let outcome = match self.operation {\n            Operation::Remove { .. } => decode_remove_response(status, response.body, retry_after)\n                .map(|()| Outcome::Removed),\n            _ => decode_customer_response_into(',
         '        let outcome = match self.operation {\n            _ => decode_customer_response_into('),
    ],
    # Chunked transfer decoding: a chunked response is refused.
    'chunked': [
        ('http/response.rs',
         '        Framing::Chunked => {\n            let (end, excess_start, new_filled) =\n                read_chunked(r, buf, body_start, filled, body_cap)?;\n            filled = new_filled;\n            (end, excess_start)\n        }',
         '        Framing::Chunked => return Err(ReadError::UnsupportedTransferEncoding),'),
    ],
    # Retry-After: not looked up or parsed (5xx/429 still retried with backoff).
    'retry_after': [
        ('call.rs',
         '        let retry_after = response.retry_after.and_then(parse_retry_after);',
         '        let retry_after: Option<u32> = None;'),
        ('call.rs',
         '            retry_after: response.header("Retry-After"),',
         '            retry_after: None,'),
    ],
    # All status retry handling (429/502/503/504 + Retry-After + backoff) in Call::response.
    'retry_all': [
        'retry_after',
        ('call.rs',
         '        if matches!(status, 429 | 502 | 503 | 504)\n            && self.operation.is_repeatable()',
         '        if false\n            && self.operation.is_repeatable()'),
    ],
    # Unicode tables in e-mail: non-ASCII e-mail characters refused (no is_whitespace / is_alphanumeric).
    'email_ascii_chars': [
        ('validate/email.rs',
         '    } else {\n        !c.is_whitespace()\n    }',
         '    } else {\n        false\n    }'),
        ('validate/email.rs',
         '    } else {\n        c.is_alphanumeric()\n    }',
         '    } else {\n        false\n    }'),
    ],
    # ASCII-only e-mail: the general (code-point) path gone entirely.
    'email_ascii_only': [
        ('validate/email.rs',
         '    if whole.chars != value.len() && general_email_ok(value) {',
         '    if whole.chars != value.len() && false {'),
    ],
    # ASCII whitespace trimming in validation (text.rs trim, external id).
    'trim_ascii_validate': [
        ('validate/text.rs',
         '        _ => value.trim(),',
         '        _ => value.trim_ascii(),'),
        ('validate/external_id.rs',
         '    if id.trim().is_empty() {',
         '    if id.trim_ascii().is_empty() {'),
    ],
    # ASCII trimming everywhere (+ header value check, Retry-After).
    'trim_ascii_all': [
        'trim_ascii_validate',
        ('request.rs',
         '    if value.trim().is_empty() {',
         '    if value.trim_ascii().is_empty() {'),
        ('call.rs',
         '    let value = value.trim();',
         '    let value = value.trim_ascii();'),
    ],
    # Numbers as text fields refused (WrongType).
    'numbers_as_text': [
        ('json/customer.rs',
         "        b'-' | b'0'..=b'9' => {\n            let number = p.number()?;\n            out.clear();\n            out.push_str(number).is_ok()\n        }\n",
         ''),
    ],
    # String ids refused.
    'string_ids': [
        ('json/customer.rs',
         '        b\'"\' => {\n            if !p.string()?.decode_into(buf.as_mut_view())? {\n                return Ok(Err(DecodeError::InvalidValue { field }.into()));\n            }\n            buf.as_str()\n        }\n',
         ''),
        ('json/customer.rs',
         '    let mut buf: String<24> = String::new();\n',
         ''),
    ],
    # Lenient birthdates: exactly YYYY-MM-DD (still "" -> none).
    'birthdate_forms': [
        ('json/customer.rs',
         "    let (date, rest) = text.split_at_checked(10)?;\n    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {\n        return None;\n    }\n    Date::parse(date).ok().map(Some)",
         '    Date::parse(text).ok().map(Some)'),
    ],
    # "" as null for birthdate/timestamps.
    'empty_as_null': [
        ('json/customer.rs',
         '    let Some(text) = text.filter(|t| !t.is_empty()) else {',
         '    let Some(text) = text else {'),
        ('json/customer.rs',
         '    match text.filter(|t| !t.is_empty()) {',
         '    match text {'),
    ],
    # The four PHP-lenient forms together.
    'php_lenient': [
        'numbers_as_text',
        'string_ids',
        'birthdate_forms',
        'empty_as_null',
    ],
    # Quoted-pair (backslash) escapes in digest parameters: refused; values never unescaped.
    'param_escapes': [
        ('auth/params.rs',
         "                Some(b'\\\\') => {\n                    escaped = true;\n                    self.pos += 1;\n                    if !self.peek().is_some_and(is_quoted_pair_byte) {\n                        return Err(Malformed);\n                    }\n                    self.pos += 1;\n                }\n",
         ''),
        ('auth/params.rs',
         "            escaped: raw.contains('\\\\'),",
         '            escaped: false,'),
        ('auth/params.rs',
         '        if !self.escaped {\n            return Some(core::mem::take(&mut self.rest));\n        }',
         '        if true {\n            return Some(core::mem::take(&mut self.rest));\n        }'),
    ],
    # Interim (1xx) responses: not skipped (a 1xx is returned as the response).
    'interim_1xx': [
        ('http/response.rs',
         '        if !head.is_interim() || head.status() == 101 {\n            break head;\n        }',
         '        if true {\n            break head;\n        }'),
    ],
    # Body delimited by connection close: refused.
    'until_close': [
        ('http/response.rs',
         '        Framing::UntilClose => {\n            let cap_end',
         '        Framing::UntilClose => return Err(too_large),\n        #[allow(unreachable_patterns)]\n        Framing::UntilClose => {\n            let cap_end'),
    ],
    # The codec's second check of the request head (Call already checked the values).
    'head_recheck': [
        ('http/request.rs',
         '    out: &mut [u8],\n) -> Result<usize, HeadError> {\n    check_head(head)?;\n    let mut has_length',
         '    out: &mut [u8],\n) -> Result<usize, HeadError> {\n    let mut has_length'),
    ],
    # SHA-256 only, no -sess (for the minimal builds).
    'sha256_no_sess': known_algorithms("Sha256") + no_sess() + only_hash("Sha256", "Md5"),
    # MD5 only, no -sess (for the minimal builds).
    'md5_no_sess': known_algorithms("Md5") + no_sess() + only_hash("Md5", "Sha256"),
}

# The smallest builds: every cut that leaves an update possible, with one
# hash, with or without chunked decoding, and with the extra cuts.
COMMON = ["rfc2069", "auth_int", "userhash", "charset", "authentication_info", "stale",
          "details_422", "remove_decode", "retry_all", "email_ascii_only", "trim_ascii_all",
          "php_lenient"]
EXTRAS = ["param_escapes", "interim_1xx", "until_close"]
CUTS.update({
    "minimal_sha256": COMMON + ["sha256_no_sess"],
    "minimal_sha256_no_chunked": COMMON + ["sha256_no_sess", "chunked"],
    "minimal_md5": COMMON + ["md5_no_sess"],
    "minimal_md5_no_chunked": COMMON + ["md5_no_sess", "chunked"],
    "minimal_sha256_plus": COMMON + ["sha256_no_sess"] + EXTRAS,
    "minimal_sha256_no_chunked_plus": COMMON + ["sha256_no_sess", "chunked"] + EXTRAS,
})


def apply(core, name):
    for step in CUTS[name]:
        if isinstance(step, str):
            apply(core, step)
            continue
        path, old, new = step
        file = os.path.join(core, path)
        text = open(file).read()
        if text.count(old) != 1:
            raise Stale(f"{path}: {old[:60]!r} is not there exactly once")
        open(file, "w").write(text.replace(old, new))


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
    names = sys.argv[1:] or list(CUTS)
    unknown = [n for n in names if n not in CUTS]
    if unknown:
        sys.exit(f"unknown cut(s): {', '.join(unknown)}; known: {', '.join(CUTS)}")
    repo = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True,
                          text=True, check=True).stdout.strip()
    tree = tempfile.mkdtemp(prefix="feature-cuts-")
    subprocess.run(["git", "-C", repo, "worktree", "add", "--quiet", "--detach", tree, "HEAD"],
                   check=True)
    os.environ.setdefault("CARGO_TARGET_DIR", "/tmp/feature-cuts-target")
    try:
        core = os.path.join(tree, "core", "src")
        probe = os.path.join(tree, "tests", "nostd-probe")
        base, code = measure(probe)
        print(f"{'baseline':32} .text {base:6}            exit {code}")
        for name in names:
            try:
                apply(core, name)
                size, code = measure(probe)
                print(f"{name:32} .text {size:6} ({size - base:+6})  exit {code}")
            except Stale as e:
                print(f"{name:32} skipped: {e}")
            finally:
                subprocess.run(["git", "-C", tree, "checkout", "--quiet", "--", "core"], check=True)
    finally:
        subprocess.run(["git", "-C", repo, "worktree", "remove", "--force", tree], check=True)


if __name__ == "__main__":
    main()
