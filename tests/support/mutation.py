"""Seeded one-digit mutations of election records, as a capable attacker would make them.

``find_sites`` lists every value of a record that a mutation may change: a **group element**
(a number of the size of p, below p: ciphertexts, commitments, keys, decryption values), a
**response** of a proof, or a **count** (the decrypted tally values and the counts of cast
ballots). ``mutate`` changes one digit of one of them (hex, decimal, or one base64 character),
so that the value really differs, and writes the file back. For Nazaha's own records the
attacker then re-writes the digest index ``record.json`` (``tests.e2e.tamper.reindex``); the
other formats have no digest file.

Left out, with the reason: the group parameters themselves (``constants.json``,
``parameters.json``, ``election_parameters.json``: they define the group rather than being in
it), digest files that the attacker re-writes anyway, secrets and plaintexts that a verifier
must ignore (``private_data/``, ``SECRET_for_guardian_*``), and fields that the format's own
verification rules declare unverifiable (``Site`` exclusions passed by the caller, each
documented where it is passed).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nazaha.crypto.nonces import SeededRandom

__all__ = ["Site", "find_sites", "link_copy", "mutate"]

_HEX = re.compile(r"^[0-9A-Fa-f]+$")
_B64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
_NEVER = ("constants.json", "parameters.json", "election_parameters.json", "record.json")
_SECRET = ("private_data", "SECRET_for_guardian")

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Site:
    file: str
    path: Path_
    kind: str
    """"element", "response" or "count"."""

    def __str__(self) -> str:
        return f"{self.kind} {self.file}:{'.'.join(map(str, self.path))}"


def _walk(obj: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield from _walk(value, (*path, key))
    elif isinstance(obj, list):
        for index, value in enumerate(obj):
            yield from _walk(value, (*path, index))
    else:
        yield path, obj


def _key(path: Path_) -> str:
    """The name of the innermost object key on ``path`` (list indices skipped)."""
    return next((str(part) for part in reversed(path) if isinstance(part, str)), "")


def _number(text: str, b64: bool) -> int | None:
    if text.startswith("base64:"):
        text, b64 = text.removeprefix("base64:"), True
    if b64:
        if not _B64.match(text):
            return None
        try:
            return int.from_bytes(base64.b64decode(text, validate=True), "big")
        except ValueError:
            return None
    return int(text, 16) if _HEX.match(text) else None


def find_sites(
    root: Path,
    *,
    p: int,
    q: int,
    b64: bool = False,
    counts: tuple[str, ...] = ("tally",),
    exclude: Callable[[str, Path_], bool] = lambda file, path: False,
) -> list[Site]:
    """Every mutable value of the record at ``root``, in a stable order."""
    threshold = max(q.bit_length() + 8, p.bit_length() - 64)
    sites = []
    for file in sorted(root.rglob("*.json")):
        name = file.relative_to(root).as_posix()
        if file.name in _NEVER or any(part.startswith(_SECRET) for part in file.relative_to(root).parts):
            continue
        if name.startswith("hints/"):
            continue  # Nazaha's proof-hint annex is not part of the record (tests/e2e/test_hints.py mutates it)
        for path, value in _walk(json.loads(file.read_bytes())):
            if exclude(name, path):
                continue
            key = _key(path)
            if isinstance(value, bool):
                continue
            if isinstance(value, int):
                if key in counts:
                    sites.append(Site(name, path, "count"))
                continue
            if not isinstance(value, str):
                continue
            number = _number(value, b64)
            if number is None:
                continue
            if "response" in key:
                sites.append(Site(name, path, "response"))
            elif threshold < number.bit_length() and number < p:
                sites.append(Site(name, path, "element"))
    return sites


def link_copy(source: Path, target: Path) -> Path:
    """A copy of the record folder ``source`` whose files are hard links (``mutate`` replaces
    the one file it changes, so the original is never touched)."""
    shutil.copytree(source, target, copy_function=os.link)
    return target


def _get(obj: Any, path: Path_) -> Any:
    for part in path:
        obj = obj[part]
    return obj


def _set(obj: Any, path: Path_, value: Any) -> None:
    for part in path[:-1]:
        obj = obj[part]
    obj[path[-1]] = value


_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _change_digit(value: Any, rng: SeededRandom, b64: bool) -> Any:
    """The value with one digit changed (its number really differs)."""
    if isinstance(value, int):
        text = str(value)
        i = rng.below(len(text))
        digits = [d for d in "0123456789" if d != text[i] and not (i == 0 and d == "0" and len(text) > 1)]
        return int(text[:i] + digits[rng.below(len(digits))] + text[i + 1 :])
    prefix = "base64:" if value.startswith("base64:") else ""
    body = value.removeprefix(prefix)
    if prefix or b64:
        before = _number(value, b64=True)
        body_chars = len(body.rstrip("="))
        while True:
            i = rng.below(body_chars)
            choices = [c for c in _B64_ALPHABET if c != body[i]]
            candidate = body[:i] + choices[rng.below(len(choices))] + body[i + 1 :]
            if _number(prefix + candidate, b64=True) != before:
                return prefix + candidate
    i = rng.below(len(body))
    digits = [d for d in "0123456789ABCDEF" if d != body[i].upper()]
    digit = digits[rng.below(len(digits))]
    return body[:i] + (digit if body[i].isupper() or body[i].isdigit() else digit.lower()) + body[i + 1 :]


def mutate(root: Path, site: Site, rng: SeededRandom, *, b64: bool = False) -> str:
    """Change one digit of ``site`` in the record at ``root`` and write the file back (in compact
    JSON, or Nazaha's canonical form: the same here); return what was changed."""
    file = root / site.file
    doc = json.loads(file.read_bytes())
    before = _get(doc, site.path)
    after = _change_digit(before, rng, b64)
    _set(doc, site.path, after)
    file.unlink()  # the copy may share the original's inode (``link_copy``): write a new file
    file.write_bytes(json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    return f"{site}: {str(before)[:24]}… -> {str(after)[:24]}…"
