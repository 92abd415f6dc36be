#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes test/data/signature_vectors.json: OAuth 1.0 HMAC-SHA256 vectors made by oauthlib.

The vectors are the independent reference for our C++ signer (test/unit/signature_vectors_test.cpp),
so nothing here may come from our own code: every expected value is computed by Debian's
python3-oauthlib, twice.

  1. With the RFC 5849 building blocks of oauthlib.oauth1.rfc5849.signature: collect_parameters
     (query + form body), normalize_parameters, base_string_uri, signature_base_string and the
     HMAC-SHA256 signer. These give the normalized parameter string and the base string we record.
  2. With the high-level oauthlib.oauth1.Client (SIGNATURE_HMAC_SHA256, fixed nonce and timestamp),
     which signs the request the way a real client library would. Its oauth_signature must equal
     the one from step 1, or the script stops.

Everything is fixed (nonces, timestamps, keys), so running the script again gives the same file.
Run it with the system interpreter, which has oauthlib:

    /usr/bin/python3 test/tools/make_signature_vectors.py

and commit the JSON; the C++ tests never need Python.
"""

import json
import pathlib
import sys
import urllib.parse

import oauthlib
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, SIGNATURE_TYPE_AUTH_HEADER, Client
from oauthlib.oauth1.rfc5849 import signature, utils

FORM = "application/x-www-form-urlencoded"
HERE_TOKEN_URL = "https://account.api.here.com/oauth2/token"
GRANT = [("grant_type", "client_credentials")]

# A typical HERE access key id and secret (made up, same shape as real ones).
KEY = "Qx3zT7uVbN2mK8pLw4Rj"
SECRET = "aB3-dE6_gH9iJ2kL5mN8oP1qR4sT7uV0wX3yZ6aB9cD2eF5gH8iJ1kL4mN7oP0q"


def vector(name, *, url=HERE_TOKEN_URL, body=GRANT, key=KEY, secret=SECRET, method="POST",
           nonce="kllo9940pd9333jh", timestamp=1700000000, note=""):
    return dict(name=name, note=note, method=method, url=url, body=body, consumer_key=key,
                consumer_secret=secret, nonce=nonce, timestamp=timestamp)


CASES = [
    vector("here_token_request",
           note="The request every HERE client sends: grant_type=client_credentials."),
    vector("secret_with_reserved_characters", secret="s+e/c=r&e~t% *x",
           note="The key is encode(secret)&: every reserved character must be percent-encoded."),
    vector("secret_that_is_all_reserved_characters", secret="+/=&~% *!'()",
           note="Only '~' survives encoding."),
    vector("key_id_with_reserved_characters", key="key+id/=&~% *",
           note="The consumer key is a parameter: encoded once in the parameter string, "
                "twice in the base string."),
    vector("secret_with_utf8_e_acute", secret="caf\u00e9-secret",
           note="UTF-8 bytes of \u00e9 are encoded as %C3%A9 in the key."),
    vector("secret_with_utf8_japanese", secret="\u65e5\u672c-secret-\u65e5\u672c"),
    vector("key_id_with_utf8", key="cl\u00e9-\u65e5\u672c-id"),
    vector("body_value_with_utf8", body=GRANT + [("note", "r\u00e9sum\u00e9 \u65e5\u672c")]),
    vector("non_default_https_port", url="https://localhost:8443/oauth2/token",
           note="A non-default port stays in the base string URI."),
    vector("explicit_default_https_port", url="https://account.api.here.com:443/oauth2/token",
           note="An explicit :443 on https is dropped."),
    vector("explicit_default_http_port", url="http://localhost:80/oauth2/token",
           note="An explicit :80 on http is dropped."),
    vector("http_non_default_port", url="http://127.0.0.1:8080/oauth2/token"),
    vector("https_on_port_80_is_not_default", url="https://localhost:80/oauth2/token",
           note="80 is the default for http only; on https it must stay."),
    vector("upper_case_scheme_and_host", url="HTTPS://ACCOUNT.API.HERE.COM/oauth2/token",
           note="Scheme and host are lower-cased in the base string URI."),
    vector("upper_case_host_with_explicit_port", url="HTTPS://Account.Api.Here.Com:443/oauth2/token"),
    vector("path_case_is_kept", url="https://account.api.here.com/OAuth2/Token",
           note="Only scheme and host are case-insensitive; the path is kept as written."),
    vector("encoded_path", url="https://example.com/r%20v/X",
           note="The path keeps its own percent-encoding, which the base string encodes again."),
    vector("empty_path_becomes_slash", url="https://example.com",
           note="An empty path is '/' in the base string URI."),
    vector("empty_path_with_query", url="https://example.com?realm=x",
           note="Path '/'. The query's parameters are signed, even one named realm: only the "
                "Authorization header's realm is left out (RFC 5849 3.4.1.3.1)."),
    vector("query_string", url="https://account.api.here.com/oauth2/token?foo=bar&baz=1",
           note="Query parameters are signed, the query is not part of the base string URI."),
    vector("query_with_encoded_characters",
           url="https://example.com/token?q=a%20b%2Fc&x=%C3%A9&%7Ekey=%26%3D",
           note="Query parameters are decoded, then encoded again the RFC 3986 way."),
    vector("query_with_plus", url="https://example.com/token?q=a+b&r=1%2B1",
           note="In the query, '+' is a space (form syntax) and %2B is a plus."),
    vector("query_with_empty_values", url="https://example.com/token?flag&empty=&eq=a=b",
           note="A name without '=' and an empty value both sign as 'name='; a value may hold '='."),
    vector("duplicate_names_sorted_by_value",
           url="https://example.com/token?a=2&a=10&b=x",
           body=GRANT + [("a", "1"), ("a", "")],
           note="Same names are ordered by their encoded value: '', 1, 10, 2."),
    vector("sorting_uses_encoded_names",
           body=GRANT + [("a b", "1"), ("a+b", "2"), ("a-b", "3"), ("aB", "4"), ("Ab", "5")],
           note="Sorting is on the encoded bytes: a%20b < a%2Bb < a-b, and upper case first."),
    vector("scope", body=GRANT + [("scope", "hrn:here:authorization::org123:project/my-project")],
           note="A HERE project scope: ':' and '/' are encoded."),
    vector("expires_in", body=GRANT + [("expires_in", "3600")]),
    vector("scope_and_expires_in",
           body=GRANT + [("scope", "hrn:here:authorization::org123:project/my-project"),
                         ("expires_in", "86399")]),
    vector("empty_secret", secret="",
           note="An empty secret still gives the key '&'."),
    vector("long_secret", secret="L0ng-" * 60,
           note="A 300-byte key is longer than SHA-256's 64-byte block, so HMAC hashes it first."),
    vector("secret_of_one_block", secret="k" * 63,
           note="63 characters plus '&' make exactly one 64-byte HMAC block."),
    vector("no_body_get", method="GET", url="https://example.com/photos?file=vacation.jpg&size=original",
           body=[], note="No form body: only the query and the oauth_ parameters are signed."),
    vector("lower_case_method", method="post",
           note="The method is upper-cased in the base string."),
    vector("nonce_with_reserved_characters", nonce="n+o/n=c e",
           note="The nonce is a parameter like any other and is encoded."),
    vector("large_timestamp", timestamp=4102444800,
           note="2100-01-01: beyond 32-bit time."),
    vector("body_with_reserved_characters",
           body=GRANT + [("k&=", "v&=?#[]@!$'()*+,;% ")],
           note="Form body values holding every gen-delim and sub-delim."),
]


def sign_with_building_blocks(case):
    """Step 1: oauthlib's RFC 5849 functions, one section at a time."""
    oauth_params = [
        ("oauth_consumer_key", case["consumer_key"]),
        ("oauth_nonce", case["nonce"]),
        ("oauth_signature_method", SIGNATURE_HMAC_SHA256),
        ("oauth_timestamp", str(case["timestamp"])),
        ("oauth_version", "1.0"),
    ]
    query = urllib.parse.urlparse(case["url"]).query
    # §3.4.1.3.1: the query and the form body. The oauth_ parameters are added as they are (not
    # through collect_parameters, which would unescape their values as if they came from a header).
    params = signature.collect_parameters(uri_query=query, body=list(case["body"])) + oauth_params
    normalized = signature.normalize_parameters(params)
    uri = signature.base_string_uri(case["url"])
    base = signature.signature_base_string(case["method"], uri, normalized)
    client = Client(case["consumer_key"], client_secret=case["consumer_secret"])
    sig = signature.sign_hmac_sha256_with_client(base, client)
    return normalized, base, sig


def sign_with_client(case):
    """Step 2: oauthlib's Client, as a real consumer would sign the request."""
    client = Client(case["consumer_key"], client_secret=case["consumer_secret"],
                    signature_method=SIGNATURE_HMAC_SHA256,
                    signature_type=SIGNATURE_TYPE_AUTH_HEADER,
                    nonce=case["nonce"], timestamp=str(case["timestamp"]))
    # The body goes in as form text: given a list, Client turns it into a dict and drops repeated
    # names. The encoding is RFC 3986 (utils.escape), as our client sends it.
    body = "&".join(f"{utils.escape(n)}={utils.escape(v)}" for n, v in case["body"]) or None
    headers = {"Content-Type": FORM} if body else {}
    _, signed_headers, _ = client.sign(case["url"], http_method=case["method"], body=body,
                                       headers=headers)
    fields = dict(utils.parse_authorization_header(signed_headers["Authorization"]))
    return utils.unescape(fields["oauth_signature"])


def main():
    out_path = pathlib.Path(__file__).resolve().parents[1] / "data" / "signature_vectors.json"
    vectors = []
    names = set()
    for case in CASES:
        if case["name"] in names:
            sys.exit(f"duplicate vector name {case['name']}")
        names.add(case["name"])
        normalized, base, sig = sign_with_building_blocks(case)
        client_sig = sign_with_client(case)
        if client_sig != sig:
            sys.exit(f"{case['name']}: oauthlib.Client signed {client_sig}, the RFC 5849 "
                     f"functions signed {sig}")
        vectors.append({
            "name": case["name"],
            "note": case["note"],
            "method": case["method"],
            "url": case["url"],
            "body": [list(pair) for pair in case["body"]],
            "consumer_key": case["consumer_key"],
            "consumer_secret": case["consumer_secret"],
            "nonce": case["nonce"],
            "timestamp": case["timestamp"],
            "expected_normalized_parameters": normalized,
            "expected_base_string": base,
            "expected_signature": sig,
        })
    document = {
        "description": "OAuth 1.0 (RFC 5849) HMAC-SHA256 signatures computed by oauthlib "
                       "(oauthlib.oauth1.rfc5849.signature, cross-checked with oauthlib.oauth1."
                       "Client). Generated by test/tools/make_signature_vectors.py; do not edit.",
        "generator": f"oauthlib {oauthlib.__version__}",
        "signature_method": "HMAC-SHA256",
        "oauth_parameters": ["oauth_consumer_key", "oauth_nonce", "oauth_signature_method",
                             "oauth_timestamp", "oauth_version"],
        "vectors": vectors,
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    out_path.write_text(text, encoding="utf-8")
    print(f"wrote {len(vectors)} vectors to {out_path}")


if __name__ == "__main__":
    main()
