"""The verifier's report as one self-contained, printable HTML page, in Arabic and English.

The page holds no script, font or image from elsewhere: it can be saved, mailed and printed as
it is. It shows the record's fingerprint (the SHA-256 of ``record.json``, which lists the
digest of every other file, so it pins the whole record), the verdict, every check in plain
words with its verdict, and for each failed check what to do and the problems found. Both
languages are on the page, the Arabic half right-to-left, the requested one first.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path, PurePosixPath

import jinja2

from nazaha.errors import RecordFormatError
from nazaha.record.remote import RemoteRecord, is_record_url, local_path
from nazaha.verify.plain import LANGUAGES, plain_lines, verdict_line, word
from nazaha.verify.report import Report

__all__ = ["group_fingerprint", "record_fingerprint", "render_html_report"]

_INDEX = "record.json"

_TEMPLATE = """<!doctype html>
<html lang="{{ first }}" dir="{{ 'rtl' if first == 'ar' else 'ltr' }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ halves[0].title }}</title>
<style>
body { font-family: system-ui, "Noto Sans Arabic", "Segoe UI", sans-serif; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; color: #111; line-height: 1.5; }
section { margin-bottom: 3rem; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
.verdict { font-size: 1.3rem; font-weight: 700; padding: .75rem 1rem; border-radius: .4rem; }
.ok { background: #e6f4ea; color: #0b5a22; border: 2px solid #0b5a22; }
.bad { background: #fdecea; color: #8a1010; border: 2px solid #8a1010; }
.fp { font-family: ui-monospace, monospace; font-size: 1.05rem; letter-spacing: .05em; word-break: break-all; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #bbb; padding: .4rem .5rem; text-align: start; vertical-align: top; }
td.n { font-weight: 700; white-space: nowrap; }
.FAILED td, .failed td { background: #fdecea; }
.advice { margin: .3rem 0 0; font-weight: 600; }
.problems { margin: .3rem 0 0; padding-inline-start: 1.2rem; font-size: .9rem; }
code, .ltr { direction: ltr; unicode-bidi: isolate; }
.muted { color: #444; font-size: .9rem; }
@media print { body { margin: 0; max-width: none; } section { break-after: page; } .noprint { display: none; } }
@media (max-width: 480px) { table, tbody, tr, td, th { display: block; } thead { display: none; }
  tr { border-bottom: 2px solid #888; padding: .4rem 0; } td { border: 0; } }
</style>
</head>
<body>
{% for half in halves %}
<section lang="{{ half.language }}" dir="{{ half.dir }}" aria-labelledby="title-{{ half.language }}">
<h1 id="title-{{ half.language }}">{{ half.title }}</h1>
<p class="muted">{{ half.words.record }}: <bdi class="ltr">{{ record }}</bdi> · {{ half.words.format }}:
<bdi class="ltr">{{ format }}</bdi></p>
<p><strong>{{ half.words.fingerprint }}</strong><br>
<bdi class="fp" dir="ltr">{{ fingerprint }}</bdi></p>
<p class="muted">{{ half.words.fingerprint_help }}</p>
<p class="verdict {{ 'ok' if ok else 'bad' }}" role="status">{{ half.verdict }}</p>
{% if partial %}<p><strong>{{ half.words.partial }}:</strong> <bdi>{{ partial }}</bdi></p>{% endif %}
<table>
<thead><tr><th scope="col">{{ half.words.check }}</th><th scope="col">{{ half.words.what }}</th>
<th scope="col">{{ half.words['items'] }}</th><th scope="col">{{ half.words.verdict }}</th></tr></thead>
<tbody>
{% for line in half.lines %}
<tr class="{{ line.status.value.replace(' ', '-') }}">
<td class="n"><bdi>{{ line.number }}</bdi></td>
<td>{{ line.line }}
{% if line.advice %}<p class="advice">{{ half.words.advice }}: {{ line.advice }}</p>
<ul class="problems" aria-label="{{ half.words.problems }}">{% for problem in line.problems[:20] %}
<li><bdi dir="ltr">{{ problem }}</bdi></li>{% endfor %}{% if line.problems|length > 20 %}
<li>… (+{{ line.problems|length - 20 }})</li>{% endif %}</ul>{% endif %}
</td>
<td><bdi>{{ "{:,}".format(line.count) }}</bdi></td>
<td><strong>{{ line.verdict }}</strong></td>
</tr>
{% endfor %}
</tbody>
</table>
{% if warnings %}<h2>{{ half.words.warnings }}</h2><ul>{% for w in warnings %}
<li><bdi dir="ltr">{{ w.name }} · {{ w.subject }}: {{ w.message }}</bdi></li>{% endfor %}</ul>{% endif %}
<p class="muted">{{ half.words.how }}</p>
</section>
{% endfor %}
</body>
</html>
"""

_ENVIRONMENT = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def record_fingerprint(path: Path | str) -> str:
    """SHA-256 of the record's ``record.json`` (a folder, a zip holding it at its root or in one
    folder, or the URL of a record).

    ``record.json`` lists the SHA-256 of every other file, so this one digest identifies the record.
    """
    if isinstance(path, str):
        if is_record_url(path):
            return hashlib.sha256(RemoteRecord(path).read(_INDEX)).hexdigest().upper()
        path = local_path(path)
    if path.is_dir():
        index = path / _INDEX
        if not index.is_file():
            raise RecordFormatError(str(path), f"no {_INDEX}: not a Nazaha record")
        return hashlib.sha256(index.read_bytes()).hexdigest().upper()
    try:
        with zipfile.ZipFile(path) as bundle:
            names = [n for n in bundle.namelist() if PurePosixPath(n).name == _INDEX and n.count("/") <= 1]
            if len(names) != 1:
                raise RecordFormatError(str(path), f"the archive holds {len(names)} {_INDEX} at its top")
            return hashlib.sha256(bundle.read(names[0])).hexdigest().upper()
    except (zipfile.BadZipFile, OSError) as error:
        raise RecordFormatError(str(path), f"not a readable record ({error})") from None


def group_fingerprint(fingerprint: str) -> str:
    """The fingerprint in groups of 4, as read aloud and compared by people."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4))


def render_html_report(report: Report, fingerprint: str, language: str = "en") -> str:
    """The bilingual report page, ``language`` first."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: use ar or en")
    order = [language, *(other for other in LANGUAGES if other != language)]
    halves = []
    for lang in order:
        results = {r.check.number: r for r in report.results}
        lines = plain_lines(report, lang)
        halves.append(
            {
                "language": lang,
                "dir": "rtl" if lang == "ar" else "ltr",
                "title": word("title", lang),
                "verdict": verdict_line(report, lang),
                "words": {
                    key: word(key, lang)
                    for key in (
                        "record",
                        "format",
                        "fingerprint",
                        "fingerprint_help",
                        "check",
                        "what",
                        "items",
                        "verdict",
                        "advice",
                        "problems",
                        "warnings",
                        "partial",
                        "how",
                    )
                },
                "lines": [
                    {
                        "number": line.number,
                        "status": line.status,
                        "verdict": line.verdict,
                        "line": line.line,
                        "advice": line.advice,
                        "problems": line.problems,
                        "count": results[line.number].items,
                    }
                    for line in lines
                ],
            }
        )
    return _ENVIRONMENT.from_string(_TEMPLATE).render(
        first=order[0],
        halves=halves,
        record=report.record,
        format=report.format,
        fingerprint=group_fingerprint(fingerprint),
        ok=report.ok,
        partial=report.partial,
        warnings=report.warnings,
    )
