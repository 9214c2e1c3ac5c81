"""The election manifest: contests, options, ballot styles and their texts in several languages.

Spec §3.1.3: contests, options and ballot styles are identified by unique labels and handled
by their 1-based position (index) in ordered lists; each contest has a contest selection limit
L and each option an option selection limit R. The manifest's canonical bytes are hashed into
the election base hash H_B (eq. 5), so ``canonical_bytes`` is part of the protocol: see
``docs/record-format.md``.

Labels follow the label rules of the 2.1 serialization draft: non-empty, no leading or trailing
whitespace, no runs of whitespace, no line breaks or tabs, no no-break spaces. Every display
text carries its language code, and every text must exist in each of the manifest's languages.
No label or text holds a control character or a bidirectional embedding, override or isolate
(U+202A to U+202E, U+2066 to U+2069): balanced or not, they can make a page show a candidate's
name in an order other than the one hashed (the pages isolate every text as well).

Contest data (spec §3.1.3, §3.3.9, §3.3.10): a contest may declare ``contest_data_blocks`` b_Λ,
the length of its encrypted contest data in 32-byte blocks, and options marked ``write_in`` whose
texts go there. ``overvote_policy`` says what a scanned paper ballot's overvoted contest becomes:
``refuse`` (the default: refused, as on every marking device) or ``record`` (encrypted as all
zeros with the overvote recorded in the contest data, §3.3.9; every contest then needs b_Λ ≥ 1).
All three are omitted from the canonical bytes when absent, like the election's identity.

The optional ``election_id``, ``start_date`` and ``end_date`` make two elections with the same
contests different manifests, so different H_B and H_E (spec eq. 5, 6): a ballot of one is then
refused by the other at the door. They are omitted from the canonical bytes when absent, so a
manifest without them keeps its bytes and its hashes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

import msgspec

from nazaha.errors import ManifestError, NotFoundError

__all__ = [
    "MAX_CONTEST_DATA_BLOCKS",
    "MAX_SELECTION_LIMIT",
    "OVERVOTE_POLICIES",
    "BallotStyle",
    "Contest",
    "ContestOption",
    "LocalizedText",
    "Manifest",
    "parse_manifest",
]

MANIFEST_FORMAT = "nazaha-manifest/1"

MAX_SELECTION_LIMIT = 64
"""Largest effective selection limit accepted. Not a spec limit: a range proof up to R has R + 1
parts, so larger limits make ballots very large. Documented in docs/decisions.md."""

MAX_CONTEST_DATA_BLOCKS = 64
"""Largest b_Λ accepted (2 KiB of contest data per contest). Not a spec limit (eq. 66 allows
b_Λ < 2^24): it bounds every ballot's size at the door."""

OVERVOTE_POLICIES = ("refuse", "record")

_MAX_INDEX = (1 << 31) - 1
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_BAD_LABEL_CHARS = re.compile(r"[\u00a0\u202f\r\n\t\v\f\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BIDI_CONTROL = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_ELECTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# -- wire format (strict JSON codec) -----------------------------------------------------------


class _TextDoc(msgspec.Struct, forbid_unknown_fields=True):
    language: str
    text: str


class _OptionDoc(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    label: str
    name: list[_TextDoc]
    selection_limit: int = 1
    party: list[_TextDoc] = []
    write_in: bool = False


class _ContestDoc(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    label: str
    name: list[_TextDoc]
    options: list[_OptionDoc]
    selection_limit: int = 1
    contest_data_blocks: int = 0


class _StyleDoc(msgspec.Struct, forbid_unknown_fields=True):
    label: str
    contests: list[int]


class _ManifestDoc(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    format: str
    label: str
    election_id: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    overvote_policy: str = "refuse"
    name: list[_TextDoc]
    languages: list[str]
    contests: list[_ContestDoc]
    ballot_styles: list[_StyleDoc]


# -- domain types --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalizedText:
    """A display text in several languages: (language code, text) pairs in manifest order."""

    texts: tuple[tuple[str, str], ...]

    def get(self, language: str) -> str:
        """The text in ``language``, or in the first language when it has none in that one."""
        for code, text in self.texts:
            if code == language:
                return text
        return self.texts[0][1] if self.texts else ""

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.texts)


@dataclass(frozen=True, slots=True)
class ContestOption:
    """A selectable option λ with its label, names and stated option selection limit."""

    label: str
    name: LocalizedText
    selection_limit: int
    party: LocalizedText | None
    write_in: bool = False
    """A write-in option: marking it counts for it, and its text goes into the contest data."""


@dataclass(frozen=True, slots=True)
class Contest:
    """A contest Λ: label, names, options in order and the stated contest selection limit."""

    label: str
    name: LocalizedText
    options: tuple[ContestOption, ...]
    selection_limit: int
    contest_data_blocks: int = 0
    """b_Λ: the contest data's length in 32-byte blocks, 0 when the contest has none (§3.3.10)."""

    @property
    def contest_limit(self) -> int:
        """The effective contest selection limit L: at most the sum of the option limits."""
        return min(self.selection_limit, sum(o.selection_limit for o in self.options))

    def option_limit(self, option: ContestOption) -> int:
        """The effective option selection limit R: at most the contest's limit."""
        return min(option.selection_limit, self.selection_limit)

    def option_index(self, label: str) -> int:
        """The 1-based index ind_o of the option labelled ``label``; ``NotFoundError`` if none."""
        for index, option in enumerate(self.options, start=1):
            if option.label == label:
                return index
        raise NotFoundError(f"contest {self.label!r} has no option {label[:80]!r}")


@dataclass(frozen=True, slots=True)
class BallotStyle:
    """A ballot style: its label and the 1-based indices of the contests it contains."""

    label: str
    contests: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Manifest:
    """A validated election manifest. Build it with ``parse_manifest``."""

    label: str
    name: LocalizedText
    languages: tuple[str, ...]
    contests: tuple[Contest, ...]
    ballot_styles: tuple[BallotStyle, ...]
    canonical_bytes: bytes = field(repr=False, compare=False)
    """The manifest file whose bytes enter H_B (spec eq. 5)."""
    election_id: str | None = None
    """The election's unique identifier (for example a random UUID), hashed into H_B with the rest."""
    start_date: date | None = None
    end_date: date | None = None
    overvote_policy: str = "refuse"
    """What an overvoted contest on a scanned paper ballot becomes: "refuse" or "record" (§3.3.9)."""

    def contest(self, index: int) -> Contest:
        """The contest with 1-based index ``index``."""
        return self.contests[index - 1]

    def contest_index(self, label: str) -> int:
        """The 1-based index ind_c of the contest labelled ``label``; ``NotFoundError`` if none."""
        for index, contest in enumerate(self.contests, start=1):
            if contest.label == label:
                return index
        raise NotFoundError(f"the manifest has no contest {label[:80]!r}")

    def style_index(self, label: str) -> int:
        """The 1-based index of the ballot style labelled ``label``; ``NotFoundError`` if none."""
        for index, style in enumerate(self.ballot_styles, start=1):
            if style.label == label:
                return index
        raise NotFoundError(f"the manifest has no ballot style {label[:80]!r}")

    def style(self, index: int) -> BallotStyle:
        """The ballot style with 1-based index ``index``."""
        return self.ballot_styles[index - 1]

    def iter_contests(self) -> Iterator[tuple[int, Contest]]:
        """(index, contest) pairs in manifest order."""
        return enumerate(self.contests, start=1)


# -- parsing and validation ----------------------------------------------------------------------


def _check_characters(where: str, text: str) -> None:
    """No control character and no bidirectional embedding, override or isolate in ``text``."""
    control = _BIDI_CONTROL.search(text)
    if control is not None:
        raise ManifestError(
            where, f"bidirectional control character U+{ord(control.group()):04X} (not allowed, balanced or not)"
        )
    control = _CONTROL.search(text)
    if control is not None:
        raise ManifestError(where, f"control character U+{ord(control.group()):04X}")


def _check_label(where: str, label: str) -> None:
    if not label:
        raise ManifestError(where, "a label must not be empty")
    if label != label.strip():
        raise ManifestError(where, f"label {label!r} has leading or trailing whitespace")
    if _BAD_LABEL_CHARS.search(label):
        raise ManifestError(where, f"label {label!r} has a line break, tab or no-break space")
    _check_characters(where, label)
    if re.search(r"\s\s", label):
        raise ManifestError(where, f"label {label!r} has a run of whitespace")


def _localized(where: str, texts: Sequence[_TextDoc], languages: Sequence[str]) -> LocalizedText:
    seen: set[str] = set()
    pairs: list[tuple[str, str]] = []
    for position, entry in enumerate(texts):
        here = f"{where}[{position}]"
        if not _LANGUAGE.fullmatch(entry.language):
            raise ManifestError(f"{here}.language", f"{entry.language!r} is not a language code")
        if entry.language in seen:
            raise ManifestError(f"{here}.language", f"language {entry.language!r} appears twice")
        if not entry.text.strip():
            raise ManifestError(f"{here}.text", "a display text must not be empty")
        _check_characters(f"{here}.text", entry.text)
        seen.add(entry.language)
        pairs.append((entry.language, entry.text))
    missing = [code for code in languages if code not in seen]
    if missing:
        raise ManifestError(where, f"no text in {', '.join(missing)}")
    return LocalizedText(tuple(pairs))


def _check_limit(where: str, value: int) -> None:
    if not 1 <= value <= _MAX_INDEX:
        raise ManifestError(where, f"selection limit {value} is not in [1, 2^31 - 1]")


def _unique(where: str, labels: Sequence[str], what: str) -> None:
    seen: dict[str, int] = {}
    for position, label in enumerate(labels):
        if label in seen:
            raise ManifestError(
                f"{where}[{position}].label",
                f"duplicate {what} label {label!r} (also at position {seen[label]})",
            )
        seen[label] = position


def _date(where: str, text: str | None) -> date | None:
    if text is None:
        return None
    if not _DATE.fullmatch(text):
        raise ManifestError(where, f"{text[:40]!r} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ManifestError(where, f"{text!r} is not a date of the calendar") from None


def _identity(doc: _ManifestDoc) -> tuple[str | None, date | None, date | None]:
    """The election's id and dates, checked: what makes this manifest (and so H_B) its own."""
    if doc.election_id is not None and not _ELECTION_ID.fullmatch(doc.election_id):
        raise ManifestError(
            "election_id", "use 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit"
        )
    start = _date("start_date", doc.start_date)
    end = _date("end_date", doc.end_date)
    if start is not None and end is not None and end < start:
        raise ManifestError("end_date", f"the election ends ({end}) before it starts ({start})")
    return doc.election_id, start, end


def _languages(doc: _ManifestDoc) -> tuple[str, ...]:
    if not doc.languages:
        raise ManifestError("languages", "at least one language is required")
    for position, code in enumerate(doc.languages):
        if not _LANGUAGE.fullmatch(code):
            raise ManifestError(f"languages[{position}]", f"{code!r} is not a language code")
    if len(set(doc.languages)) != len(doc.languages):
        raise ManifestError("languages", "a language is listed twice")
    return tuple(doc.languages)


def _option(where: str, odoc: _OptionDoc, languages: tuple[str, ...]) -> ContestOption:
    _check_label(f"{where}.label", odoc.label)
    _check_limit(f"{where}.selection_limit", odoc.selection_limit)
    party = _localized(f"{where}.party", odoc.party, languages) if odoc.party else None
    return ContestOption(
        label=odoc.label,
        name=_localized(f"{where}.name", odoc.name, languages),
        selection_limit=odoc.selection_limit,
        party=party,
        write_in=odoc.write_in,
    )


def _contest(where: str, cdoc: _ContestDoc, languages: tuple[str, ...], overvote_policy: str) -> Contest:
    _check_label(f"{where}.label", cdoc.label)
    _check_limit(f"{where}.selection_limit", cdoc.selection_limit)
    if not cdoc.options:
        raise ManifestError(f"{where}.options", f"contest {cdoc.label!r} has no options")
    _unique(f"{where}.options", [o.label for o in cdoc.options], "option")
    options = tuple(_option(f"{where}.options[{oi}]", odoc, languages) for oi, odoc in enumerate(cdoc.options))
    _check_contest_data(where, cdoc, options, overvote_policy)
    contest = Contest(
        label=cdoc.label,
        name=_localized(f"{where}.name", cdoc.name, languages),
        options=options,
        selection_limit=cdoc.selection_limit,
        contest_data_blocks=cdoc.contest_data_blocks,
    )
    if contest.contest_limit > MAX_SELECTION_LIMIT:
        raise ManifestError(
            f"{where}.selection_limit",
            f"effective contest limit {contest.contest_limit} exceeds the supported maximum {MAX_SELECTION_LIMIT}",
        )
    for oi, option in enumerate(contest.options):
        if contest.option_limit(option) > MAX_SELECTION_LIMIT:
            raise ManifestError(
                f"{where}.options[{oi}].selection_limit",
                f"effective option limit exceeds the supported maximum {MAX_SELECTION_LIMIT}",
            )
    return contest


def _check_contest_data(
    where: str, cdoc: _ContestDoc, options: tuple[ContestOption, ...], overvote_policy: str
) -> None:
    """b_Λ in range, and at least one block where write-ins or recorded overvotes need it."""
    if not 0 <= cdoc.contest_data_blocks <= MAX_CONTEST_DATA_BLOCKS:
        raise ManifestError(
            f"{where}.contest_data_blocks",
            f"{cdoc.contest_data_blocks} is not in [0, {MAX_CONTEST_DATA_BLOCKS}] blocks of 32 bytes",
        )
    if cdoc.contest_data_blocks == 0 and any(o.write_in for o in options):
        raise ManifestError(
            f"{where}.contest_data_blocks", f"contest {cdoc.label!r} has write-in options but no contest data"
        )
    if cdoc.contest_data_blocks == 0 and overvote_policy == "record":
        raise ManifestError(
            f"{where}.contest_data_blocks",
            "the overvote policy 'record' keeps overvotes in the contest data: every contest needs a block",
        )


def _style(where: str, sdoc: _StyleDoc, contests: int) -> BallotStyle:
    _check_label(f"{where}.label", sdoc.label)
    if not sdoc.contests:
        raise ManifestError(f"{where}.contests", f"ballot style {sdoc.label!r} is empty")
    for position, index in enumerate(sdoc.contests):
        if not 1 <= index <= contests:
            raise ManifestError(
                f"{where}.contests[{position}]",
                f"contest index {index} names no contest (there are {contests})",
            )
    if len(set(sdoc.contests)) != len(sdoc.contests):
        raise ManifestError(f"{where}.contests", "a contest index is listed twice")
    return BallotStyle(label=sdoc.label, contests=tuple(sdoc.contests))


def _build(doc: _ManifestDoc) -> Manifest:
    if doc.format != MANIFEST_FORMAT:
        raise ManifestError("format", f"expected {MANIFEST_FORMAT!r}, got {doc.format!r}")
    _check_label("label", doc.label)
    election_id, start_date, end_date = _identity(doc)
    languages = _languages(doc)
    if doc.overvote_policy not in OVERVOTE_POLICIES:
        raise ManifestError(
            "overvote_policy", f"{doc.overvote_policy[:40]!r} is not one of {', '.join(OVERVOTE_POLICIES)}"
        )
    if not doc.contests:
        raise ManifestError("contests", "the manifest has no contests")
    if len(doc.contests) > _MAX_INDEX:
        raise ManifestError("contests", "too many contests")
    _unique("contests", [c.label for c in doc.contests], "contest")
    contests = tuple(
        _contest(f"contests[{ci}]", cdoc, languages, doc.overvote_policy) for ci, cdoc in enumerate(doc.contests)
    )
    if not doc.ballot_styles:
        raise ManifestError("ballot_styles", "the manifest has no ballot styles")
    _unique("ballot_styles", [s.label for s in doc.ballot_styles], "ballot style")
    styles = tuple(_style(f"ballot_styles[{si}]", sdoc, len(contests)) for si, sdoc in enumerate(doc.ballot_styles))
    return Manifest(
        label=doc.label,
        name=_localized("name", doc.name, languages),
        languages=languages,
        contests=contests,
        ballot_styles=styles,
        canonical_bytes=msgspec.json.encode(doc),
        election_id=election_id,
        start_date=start_date,
        end_date=end_date,
        overvote_policy=doc.overvote_policy,
    )


def parse_manifest(data: bytes | str, *, require_canonical: bool = False) -> Manifest:
    """Parse and validate a manifest; raise ``ManifestError`` naming the offending field.

    With ``require_canonical`` the input must already be the canonical encoding (as in an
    election record, where its bytes were hashed into H_B).
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        doc = msgspec.json.decode(raw, type=_ManifestDoc, strict=True)
    except msgspec.ValidationError as error:
        raise ManifestError(_field_of(str(error)), str(error)) from None
    except msgspec.DecodeError as error:
        raise ManifestError("(file)", f"not valid JSON: {error}") from None
    manifest = _build(doc)
    if require_canonical and manifest.canonical_bytes != raw:
        raise ManifestError("(file)", "the manifest is not in canonical form")
    return manifest


def _field_of(message: str) -> str:
    match = re.search(r"at `\$(.*?)`", message)
    if match is None:
        return "(file)"
    return match.group(1).lstrip(".") or "(file)"
