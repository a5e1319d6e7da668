#!/usr/bin/env python3
"""Writes the seed corpora in seeds/<target>/ from the project's fixtures.

Sources: the vendor's example request and response (../shared/spec/
update-customer.txt, as used by core/tests/vendor_examples.rs), the response
and chunked fixtures of core/src/http, and the WWW-Authenticate shapes of
../shared/spec/digest-auth.md. Run it from anywhere; it rewrites the
generated seeds (named gen-*) and leaves other files (crash reproducers) alone.
"""

import hashlib
import pathlib

SEEDS = pathlib.Path(__file__).resolve().parent

# ---- decode_response: 2-byte big-endian status, then the body -------------

# The vendor's documented 200, shared with the core's tests and benches.
FIXTURES = SEEDS.parents[1] / "core" / "tests" / "fixtures"
VENDOR_200 = (FIXTURES / "vendor_200.json").read_text(encoding="utf-8")

# core/tests/vendor_examples.rs PHP_200: PHP-style escapes, unknown nested fields.
PHP_200 = (
    '{"message":"","code":0,"meta":{"trace":[{"a":[1,2.5e-3,{"b":null}]},[]],"x":{}},\n'
    ' "data":{"updated_at":"2023-03-05 04:51:18","wallets":[{"id":7,"currency":"XAU","balance":"0.10",\n'
    ' "nested":{"deep":[[[{"k":"v\\"\\\\\\/"}]]]},"empty":[]}],"gender":"M","lastname":"G\\u00fclbilge",\n'
    ' "fullname":"Mehmet G\\u00fclbilge \\/ \\ud83d\\ude00","id":2,"external_id":"MTD\\/0018232",\n'
    ' "birthdate":"1970-01-31","email":"mehmet\\u002egulbilge@example.com","company_id":2000000,\n'
    ' "firstname":"Mehmet","identity_number":"12345677938","phone":"+90 532 280 80 35",\n'
    ' "created_at":"2023-03-05 04:51:18","unknown_null":null,"unknown_bool":false,"middlename":"\\u015e\\u00fckr\\u00fc"},\n'
    ' "success":true,"links":[]}'
)

RESPONSES = {
    "vendor-200": (200, VENDOR_200),
    "php-escaped-200": (200, PHP_200),
    "created-201": (201, '{"data":{"id":3,"external_id":"A-1"},"success":null}'),
    "rejected-200": (200, r'{"data":[],"success":false,"code":12,"message":"M\u00fc\u015fteri yok"}'),
    "rejected-404-body": (200, '{"success":false,"code":404,"message":"Record Not Found","data":[]}'),
    "laravel-422": (
        422,
        '{"message":"The email field must be a valid email address. (and 1 more error)",'
        '"errors":{"email":["The email field must be a valid email address."],'
        '"phone":["The phone field is required."]}}',
    ),
    "nested-422": (
        422,
        r'{"success":false,"code":1001,"message":"Parametre hatas\u0131",'
        r'"data":{"errors":{"identity_number":"Ge\u00e7ersiz"}},"errors":["general"]}',
    ),
    "not-found-404": (404, '{"success":false,"message":"Record Not Found"}'),
    "html-502": (502, "<html><body><h1>502 Bad Gateway</h1></body></html>"),
    "rate-limited-429": (429, ""),
    "remove-204": (204, ""),
    "remove-200-null": (200, '{"data":null,"success":true}'),
    "wrong-types": (200, '{"data":{"id":1.5,"company_id":true,"email":{},"birthdate":"1970-02-30"}}'),
    "duplicate-id": (200, '{"data":{"id":1,"id":2}}'),
    "trailing": (200, '{"data":{}} x'),
}

# ---- http_response: flags, n, n read sizes, then the stream ---------------

CHUNKED = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"3d\r\n{\"success\":true,\"code\":0,\"message\":\"\",\"data\":{\"firstname\":\"G\xc3\r\n"
    b"19;name=\"v;x\"\r\n\xbclbilge\",\"lastname\":\"\\u00\r\n"
    b"12 ; q\r\nc7elik\",\"note\":\"\xf0\x9f\r\n"
    b"8\r\n\x98\x80 ok\"}}\r\n"
    b"0\r\nExpires: never\r\nX-Digest: sha-256=abc\r\n\r\n"
)
vendor = VENDOR_200.encode()
STREAMS = {
    "length-200": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(vendor) + vendor,
    "chunked-200": CHUNKED,
    "doc-chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    "wiki-chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"4\r\nWiki\r\n6;name=\"va;l\"\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nExpires: never\r\nX-T:\t1\r\n\r\n",
    "continue": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
    "challenge-401": b"HTTP/1.1 401 Unauthorized\r\n"
    b"WWW-Authenticate: Basic realm=\"partner\"\r\n"
    b"WWW-Authenticate: Digest realm=\"partner\", nonce=\"abc\", algorithm=SHA-256, qop=\"auth\"\r\n"
    b"www-authenticate: Digest realm=\"partner\", nonce=\"abc\", algorithm=MD5, qop=\"auth\"\r\n"
    b"Content-Length: 0\r\n\r\n",
    "close-422": b"HTTP/1.1 422 Unprocessable Entity\r\nConnection: close\r\nContent-Length: 27\r\n\r\n{\"message\":\"Parameter Err\"}",
    "http10-until-close": b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello, until close",
    "switching-101": b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n",
    "two-lengths": b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 20\r\n\r\n{}",
    "same-lengths": b"HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello",
    "te-and-length": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\nContent-Length: 3\r\n\r\n1\r\nx\r\n0\r\n\r\n",
    "no-content-pipelined": b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n",
    "bare-lf": b"HTTP/1.1 200 OK\nContent-Length: 2\n\n{}",
    "leading-blank": b"\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
    "huge-chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\n",
    "retry-after-503": b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n",
    "not-modified": b"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n",
}
# (name suffix, flags, read sizes): whole reads, one byte per read, mixed
# sizes with a small buffer, and an I/O error at the end with HEAD framing.
READ_PLANS = [("whole", 0, b""), ("1byte", 0, b"\x01"), ("mixed", 0b001_00000, b"\x03\x07\x01\x00"), ("head-err", 0b000_00011, b"\x05")]

# ---- www_authenticate: lines separated by LF ------------------------------

CHALLENGES = {
    "apache-md5": 'Digest realm="partner", nonce="cCQIM85hBgA=2c1725d8d76fc65ebf58294420e825aefc2c91a4", algorithm=MD5, qop="auth"',
    "apache-opaque": 'Digest realm="partner", nonce="FMGSNM5hBgA=06191882233a6409a40fffc6b8308d72a6a4ab21", algorithm=MD5, opaque="a", qop="auth"',
    "apache-stale": 'Digest realm="partner", nonce="AQAAAAAAAAA=a8da12ea6f11575e0617aca6c19afe4ae729f3a2", algorithm=MD5, stale=true, qop="auth"',
    "rfc7616-two": 'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, '
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"\n'
    'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, '
    'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    "rfc7616-userhash": 'Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, '
    'nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", '
    "charset=UTF-8, userhash=true",
    "rfc2617": 'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", '
    'opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    "rfc2069-no-qop": 'Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"',
    "basic-then-digest": 'Basic realm="partner"\nDigest realm="partner", nonce="abc", algorithm=SHA-256, qop="auth"',
    "one-line-basic-digest": 'Basic realm="a", Digest realm="b", nonce="n", qop=auth',
    "no-spaces": 'Digest realm="x",qop="auth",nonce="1",opaque="o"',
    "iis-sess": 'Digest qop="auth",algorithm=MD5-sess,nonce="+Upgraded+v1abc",charset=utf-8,realm="Digest"',
    "stale-false-quoted": 'Digest realm="r", nonce="n", stale="FALSE", opaque=""',
    "httpbin": 'Digest realm="me@kennethreitz.com", nonce="6bf6d1e7c1b5", qop=auth, opaque="e9f1", algorithm=MD5, stale=FALSE',
    "escaped-realm": 'Digest realm="DOMAIN\\\\host \\"q\\"", nonce="n\\"1", qop="auth-int"',
    "unknown-algorithm": 'Digest realm="r", nonce="n", algorithm=SHA-1, qop="auth"\nDigest realm="r", nonce="n", algorithm=md5',
    "sha256-sess": 'Digest realm="r", nonce="n", algorithm=SHA-256-sess, qop="auth-int, auth"',
    "ntlm-negotiate": "NTLM\nNegotiate abc==\nDigest realm=\"r\", nonce=\"n\"",
    "token68": "Digest abc=",
}

# ---- validate_encode: flags byte, then 0xFF-separated values; 0xFE = None --

FS, NONE = b"\xff", b"\xfe"
VENDOR = ["Mehmet", "", "Gülbilge", "Mehmet Gülbilge", "mehmet.gulbilge@example.com",
          "+90 532 280 80 35", "M", "12345677938", "1970-01-31"]


def fields(external_id, values):
    return FS.join(NONE if v is None else v.encode() for v in [external_id, *values])


cjk = "\U00020000"
LARGEST = ["😀" * 40, "😀" * 40, "😀" * 40, "😀" * 255,
           "😀" * 64 + "@" + cjk * 63 + "." + cjk * 63 + "." + cjk * 61,
           "+(1-2-3-4-5-6-7-8-9-0-1-2-3-4-5)", "F", "😀" * 40, "2000-02-29"]
INPUTS = {
    "vendor-update": (0, fields(None, VENDOR)),
    "vendor-update-strict": (1, fields(None, VENDOR)),
    "vendor-create": (2, fields("MTD0018232", VENDOR)),
    "vendor-clear-middlename": (4, fields(None, ["Mehmet", "Ali", *VENDOR[2:]])),
    "padded": (0, fields(None, ["  Ada ", " \t", "\u3000Lovelace\n", None, " ada@example.com ",
                                "(0532) 280-80-35", None, " 10000000146 ", None])),
    "strict-valid": (1, fields(None, ["Ada", None, "Lovelace", None, "çağrı@örnek.com.tr",
                                      "5322808035", "F", "10000000146", "2000-02-29"])),
    "largest": (0, fields(None, LARGEST)),
    "largest-create": (2, fields("A" * 40, LARGEST)),
    "quotes": (0, fields(None, ['"\\' * 20, "O'Neil \"Q\" <&> \\", *VENDOR[2:]])),
    "all-bad": (2, fields("a b", ["Al", "x", None, "a\u0085b", "a..b@example.com", "12345",
                                  "m", "", "1900-02-29"])),
    "empty-create": (2, b""),
}


def write(target, name, data):
    directory = SEEDS / target
    directory.mkdir(exist_ok=True)
    (directory / f"gen-{name}").write_bytes(data)


def main():
    for target in ["decode_response", "http_response", "www_authenticate", "validate_encode"]:
        for old in (SEEDS / target).glob("gen-*"):
            old.unlink()
    for name, (status, body) in RESPONSES.items():
        write("decode_response", name, status.to_bytes(2, "big") + body.encode())
    for name, stream in STREAMS.items():
        for plan, flags, sizes in READ_PLANS:
            write("http_response", f"{name}-{plan}", bytes([flags, len(sizes)]) + sizes + stream)
    for name, lines in CHALLENGES.items():
        write("www_authenticate", name, lines.encode())
    for name, (flags, data) in INPUTS.items():
        write("validate_encode", name, bytes([flags]) + data)
    total = sum(1 for _ in SEEDS.glob("*/gen-*"))
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(SEEDS.glob("*/gen-*")))).hexdigest()[:12]
    print(f"{total} seeds written ({digest})")


if __name__ == "__main__":
    main()
