"""Known answers for the browser's credentials (static/js/credentials.js), from the Python side.

``python -m tests.js.make_credential_vectors`` rewrites tests/js/credential_vectors.json; the test
``tests/unit/test_credentials.py`` checks the committed file is what the core produces, and the
Node test ``tests/js/credentials.test.mjs`` that the browser gets the same bytes. The scrypt cases
are RFC 7914 §12's test vectors (the RFC's expected outputs are asserted beside them).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from nazaha.credentials.codes import normalize_credential
from nazaha.credentials.keys import credential_seed, public_key, sign_ballot
from nazaha.election.eligibility import KdfParameters

VECTORS = Path(__file__).with_name("credential_vectors.json")

RFC_7914 = [
    # (P, S, N, r, p, dkLen, DK) from RFC 7914 §12 (the 1 GiB case is left out).
    (
        "",
        "",
        16,
        1,
        1,
        64,
        "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
        "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906",
    ),
    (
        "password",
        "NaCl",
        1024,
        8,
        16,
        64,
        "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
        "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640",
    ),
]

TYPED = ["ABCDEFGHJKMNPQR", "0123456789abcde", "olo-ili-olo-ili-olo"]
KDF = KdfParameters(n=2**8, r=8, p=1)
ELECTION = "wadi-al-noor-municipal-2026-test"
EXTENDED_HASH = "AB" * 32
CODE = "5E" * 32


def _valid(typed: str) -> str:
    """The typed body with the right check symbol (the sample bodies above are written by hand)."""
    from nazaha.credentials.codes import SYMBOLS, with_check_symbol

    body = "".join(typed.replace("-", "").replace(" ", "").upper().translate(str.maketrans("ILO", "110")))[:SYMBOLS]
    return with_check_symbol(body)


def build() -> dict[str, Any]:
    scrypt_cases = []
    for password, salt, n, r, p, length, expected in RFC_7914:
        derived = Scrypt(salt=salt.encode(), length=length, n=n, r=r, p=p).derive(password.encode()).hex()
        assert derived == expected, "the RFC 7914 test vector"
        scrypt_cases.append(
            {"password": password, "salt": salt, "n": n, "r": r, "p": p, "length": length, "dk": derived}
        )
    credentials = []
    for typed in TYPED:
        credential = _valid(typed)
        seed = credential_seed(credential, ELECTION, KDF)
        credentials.append(
            {
                # As a voter might type it: lower case, O and I for 0 and 1, spaces and a hyphen.
                "typed": "".join({"0": "o", "1": "I"}.get(c, c.lower()) for c in credential[:5])
                + " - "
                + credential[5:],
                "normal": normalize_credential(credential),
                "seed": seed.hex().upper(),
                "public_key": public_key(seed).hex().upper(),
                "signature": sign_ballot(seed, bytes.fromhex(EXTENDED_HASH), bytes.fromhex(CODE)).hex().upper(),
            }
        )
    return {
        "scrypt": scrypt_cases,
        "election_id": ELECTION,
        "kdf": {"n": KDF.n, "r": KDF.r, "p": KDF.p},
        "extended_hash": EXTENDED_HASH,
        "code": CODE,
        "credentials": credentials,
        "invalid": [
            {
                "typed": credentials[0]["normal"][:-1] + ("0" if credentials[0]["normal"][-1] != "0" else "1"),
                "why": "check",
            },
            {"typed": credentials[0]["normal"][:-2], "why": "length:14"},
            {
                "typed": credentials[0]["normal"][:-1].replace(credentials[0]["normal"][0], "U", 1) + "0",
                "why": "alphabet",
            },
        ],
    }


if __name__ == "__main__":
    VECTORS.write_text(json.dumps(build(), indent=1) + "\n", "utf-8")
