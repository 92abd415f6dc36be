# SPDX-License-Identifier: Apache-2.0
"""Times python3-oauthlib (Debian's, run by /usr/bin/python3) signing the same token request as
bench/sign_bench: same key, secret, URL, body, nonce and timestamp, HMAC-SHA256, header form.

usage: /usr/bin/python3 oauthlib_sign.py CASE_JSON [REPEATS]
CASE_JSON is what `sign_bench --print-case` prints. Prints one JSON object: the median µs per
Authorization header over REPEATS timeit runs, and whether oauthlib's signature equals ours.
"""
import json
import statistics
import sys
import timeit
import urllib.parse

import oauthlib
from oauthlib import oauth1


def main():
    case = json.loads(sys.argv[1])
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    client = oauth1.Client(case["key"], client_secret=case["secret"],
                           signature_method=oauth1.SIGNATURE_HMAC_SHA256,
                           signature_type=oauth1.SIGNATURE_TYPE_AUTH_HEADER,
                           nonce=case["nonce"], timestamp=case["timestamp"])
    headers = {"Content-Type": "application/x-www-form-urlencoded"}

    def sign():
        return client.sign(case["url"], http_method="POST", body=case["body"], headers=headers)

    _, signed_headers, _ = sign()
    auth = signed_headers["Authorization"]
    fields = dict(part.strip().split("=", 1) for part in auth[len("OAuth "):].split(","))
    signature = urllib.parse.unquote(fields["oauth_signature"].strip('"'))

    timer = timeit.Timer(sign)
    number, _ = timer.autorange()  # at least 0.2 s per run
    runs = timer.repeat(repeat=repeats, number=number)
    per_call_us = [run / number * 1e6 for run in runs]
    print(json.dumps({
        "oauthlib_version": oauthlib.__version__,
        "python": sys.version.split()[0],
        "us_per_header_median": statistics.median(per_call_us),
        "us_per_header_runs": per_call_us,
        "calls_per_run": number,
        "signature_matches": signature == case["signature"],
    }))


if __name__ == "__main__":
    main()
