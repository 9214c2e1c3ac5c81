"""A voter's credential as a person types it: 15 symbols of an unambiguous alphabet and a check
symbol, printed in groups of five (``XXXXX-XXXXX-XXXXX-X``).

The alphabet is Crockford's Base32 (digits and capital letters without I, L, O and U), so the
credential reads aloud and types without confusion; on input, lower case is accepted, I and L
read as 1 and O as 0, and spaces and hyphens are ignored. 15 symbols carry 75 random bits. The
check symbol is Luhn's mod-N algorithm for N = 32, which catches every single mistyped symbol and
every swap of two neighbours.
"""

from __future__ import annotations

import re
import secrets

from nazaha.errors import InputError

__all__ = ["ALPHABET", "SYMBOLS", "format_credential", "new_credential", "normalize_credential", "with_check_symbol"]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SYMBOLS = 15
"""Random symbols in a credential (75 bits); one check symbol follows."""
_VALUE = {symbol: value for value, symbol in enumerate(ALPHABET)}
_SEPARATORS = re.compile(r"[\s\-]+")
_SAME = str.maketrans({"I": "1", "L": "1", "O": "0"})


def _check_symbol(symbols: str) -> str:
    """Luhn mod 32: the symbol that makes the weighted sum of every symbol divisible by 32."""
    n = len(ALPHABET)
    factor, total = 2, 0
    for symbol in reversed(symbols):
        addend = factor * _VALUE[symbol]
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def new_credential() -> str:
    """A fresh random credential (16 symbols, the last one the check), from ``secrets``."""
    return with_check_symbol("".join(secrets.choice(ALPHABET) for _ in range(SYMBOLS)))


def with_check_symbol(body: str) -> str:
    """The credential made of the 15 symbols ``body`` and their check symbol."""
    if len(body) != SYMBOLS or any(symbol not in _VALUE for symbol in body):
        raise ValueError(f"a credential's body is {SYMBOLS} symbols of the alphabet")
    return body + _check_symbol(body)


def normalize_credential(typed: str) -> str:
    """The 16 symbols of a credential as typed; ``InputError`` saying what is wrong (without
    echoing the credential, which is secret)."""
    cleaned = _SEPARATORS.sub("", typed).upper().translate(_SAME)
    if len(cleaned) != SYMBOLS + 1:
        raise InputError(f"a credential has {SYMBOLS + 1} symbols; this one has {len(cleaned)}")
    wrong = sorted({symbol for symbol in cleaned if symbol not in _VALUE})
    if wrong:
        raise InputError(f"a credential uses only {ALPHABET}; {len(wrong)} other symbol(s) were typed")
    if _check_symbol(cleaned[:SYMBOLS]) != cleaned[SYMBOLS]:
        raise InputError("the credential's check symbol does not match: a symbol was mistyped")
    return cleaned


def format_credential(credential: str) -> str:
    """``XXXXX-XXXXX-XXXXX-X``: the credential as printed on the voter's sheet."""
    normal = normalize_credential(credential)
    return "-".join(normal[i : i + 5] for i in range(0, len(normal), 5))
