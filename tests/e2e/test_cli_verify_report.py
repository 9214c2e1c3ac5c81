"""``nazaha verify --language`` and ``--html``: the report in plain words, Arabic or English."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from nazaha.verify.plain import strings_document
from tests.e2e import tamper
from tests.e2e.cli import nazaha

WORDS = strings_document()


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_valid_record_in_plain_words(record_copy: Callable[[], Path], tmp_path: Path, language: str) -> None:
    record = record_copy()
    report = tmp_path / "report.html"
    result = nazaha("verify", record, "--language", language, "--html", report)
    assert result.code == 0, result
    strings = WORDS[language]
    assert strings["words"]["valid"] in result.out
    assert strings["lines"]["10"] in result.out.replace("\n", " ") or strings["verdicts"]["passed"] in result.out
    page = report.read_text("utf-8")
    assert page.startswith("<!doctype html>")
    assert f'<html lang="{language}"' in page
    assert 'dir="rtl"' in page  # the Arabic half, whichever comes first
    assert "<script" not in page and "http" not in page.replace("https://", "")  # self-contained, no assets
    assert "built-in method" not in page and "Undefined" not in page
    for lang in ("ar", "en"):
        assert WORDS[lang]["words"]["items"] in page
    fingerprint = hashlib.sha256((record / "record.json").read_bytes()).hexdigest().upper()
    grouped = " ".join(fingerprint[i : i + 4] for i in range(0, 64, 4))
    assert grouped in page
    text = text_of(page)
    for lang in ("ar", "en"):  # bilingual: every check's plain line in both languages
        for number in ("0", "B", "1", "6", "9", "10", "13"):
            assert WORDS[lang]["lines"][number] in text
        assert WORDS[lang]["words"]["valid"] in text
    assert text.index(strings["words"]["title"]) < text.index(
        WORDS["en" if language == "ar" else "ar"]["words"]["title"]
    )


@pytest.mark.parametrize("language", ["ar", "en"])
def test_a_tampered_record_names_the_failing_check_and_what_to_do(
    record_copy: Callable[[], Path], tmp_path: Path, language: str
) -> None:
    record = record_copy()
    tamper.apply(record, tamper.change_tally_count)
    report = tmp_path / "report.html"
    result = nazaha("verify", record, "--language", language, "--html", report)
    assert result.code == 1, result
    strings = WORDS[language]
    out = " ".join(result.out.split())
    assert strings["words"]["invalid"] in out
    assert "10.C" in out
    assert " ".join(strings["advice"]["10"].split())[:30] in out
    text = " ".join(text_of(report.read_text("utf-8")).split())
    for lang in ("ar", "en"):
        assert WORDS[lang]["words"]["invalid"] in text
        assert WORDS[lang]["advice"]["10"] in text
        assert WORDS[lang]["verdicts"]["failed"] in text
    assert "10.C" in text


def test_an_unknown_language_is_refused(record_copy: Callable[[], Path]) -> None:
    result = nazaha("verify", record_copy(), "--language", "fr")
    assert result.code == 2
    assert "ar or en" in result.err
