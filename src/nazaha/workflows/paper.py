"""Paper ballots that point at their encryption: printable pages in Arabic and English.

A ballot-marking device that encrypts a ballot prints the voter's choices and, under them, the
ballot's *paper id*: id_B, the 32 random bytes of the selection encryption identifier (spec
§3.3.3), as text in groups of four hex digits and as a QR code. id_B is already in the record
(every ballot file carries it, and it enters H_I and so the confirmation code H_C), so the paper
is bound to exactly one encrypted ballot. Why id_B and not the confirmation code, and what the
link reveals, is in ``docs/decisions.md`` ("The paper id") and ``docs/audits.md``.

The pages are HTML with print CSS (one ballot per A4 page); ``paper_ballots_pdf`` renders the
same pages to PDF with WeasyPrint (the ``pdf`` extra), whose text layout is Pango's and HarfBuzz's,
so Arabic is shaped and laid out right to left as a browser would.
"""

from __future__ import annotations

import html
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import segno

from nazaha.election.ballot import PlaintextBallot
from nazaha.election.manifest import Manifest
from nazaha.errors import InputError, MissingDependencyError

__all__ = [
    "PAPER_LANGUAGES",
    "PaperBallot",
    "format_paper_id",
    "paper_ballots_html",
    "paper_ballots_pdf",
    "paper_id_uri",
]

PAPER_LANGUAGES = ("ar", "en")

_TEXT = {
    "ar": {
        "title": "بطاقات اقتراع ورقية",
        "style": "نمط البطاقة",
        "paper_id": "رقم الورقة",
        "vote_for": "صوّت لـ {n}",
        "note": (
            "يربط هذا الرقم الورقة ببطاقتها المشفّرة في السجل العام. لا يدلّ على هويتك، "
            "ولا يكشف أكثر مما تُظهره الورقة نفسها."
        ),
        "no_mark": "لا اختيار",
    },
    "en": {
        "title": "Paper ballots",
        "style": "Ballot style",
        "paper_id": "Paper id",
        "vote_for": "Vote for {n}",
        "note": (
            "This number links this paper to its encrypted ballot in the public record. It does not "
            "identify you, and it reveals nothing the paper itself does not show."
        ),
        "no_mark": "no choice",
    },
}

_CSS = """
@page { size: A4; margin: 15mm; }
body { font-family: "Noto Naskh Arabic", "Noto Sans", "DejaVu Sans", sans-serif; margin: 0; }
.ballot { page-break-after: always; break-after: page; padding: 4mm; }
.ballot:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
.style { font-size: 10pt; color: #333; margin-bottom: 3mm; }
.contest { border: 1px solid #000; padding: 2mm 3mm; margin-bottom: 3mm; }
.contest h2 { font-size: 12pt; margin: 0 0 1mm; }
.limit { font-size: 9pt; color: #333; }
ul { list-style: none; padding: 0; margin: 1mm 0 0; }
li { font-size: 11pt; padding: 0.5mm 0; }
.box { display: inline-block; width: 4mm; height: 4mm; border: 1px solid #000; margin-inline-end: 2mm;
       vertical-align: middle; }
.marked .box { background: #000; }
.paper-id { border-top: 2px solid #000; padding-top: 3mm; overflow: hidden; }
.paper-id svg { float: left; margin-right: 4mm; }
[dir=rtl] .paper-id svg { float: right; margin-right: 0; margin-left: 4mm; }
.paper-id code { display: block; text-align: left; font-size: 10pt; direction: ltr; unicode-bidi: isolate;
                word-spacing: 1mm; }
.note { font-size: 8pt; color: #333; }
@media screen { .ballot { border-bottom: 1px dashed #999; max-width: 148mm; margin: auto; } }
"""


@dataclass(frozen=True, slots=True)
class PaperBallot:
    """One printed ballot: the voter's choices and the paper id of its encryption."""

    paper_id: str
    """id_B in uppercase hex (64 digits)."""
    ballot: PlaintextBallot

    def __post_init__(self) -> None:
        if len(self.paper_id) != 64 or any(c not in "0123456789ABCDEF" for c in self.paper_id):
            raise InputError("a paper id is id_B: 64 uppercase hex digits")


def format_paper_id(paper_id: str) -> str:
    """id_B in groups of four digits, as printed (and as the audit board reads it back)."""
    return " ".join(paper_id[i : i + 4] for i in range(0, len(paper_id), 4))


def paper_id_uri(election: str, paper_id: str) -> str:
    """What the QR code holds: ``nazaha:paper:<election label>:<id_B>``."""
    return f"nazaha:paper:{election}:{paper_id}"


def _contest_block(manifest: Manifest, index: int, votes: Mapping[str, int], language: str) -> str:
    contest = manifest.contest(index)
    text = _TEXT[language]
    items = []
    for option in contest.options:
        marked = votes.get(option.label, 0) > 0
        party = f" — <bdi>{html.escape(option.party.get(language))}</bdi>" if option.party else ""
        items.append(
            f'<li class="{"marked" if marked else "unmarked"}" data-option="{html.escape(option.label)}">'
            '<span class="box" aria-hidden="true"></span>'
            f"<bdi>{html.escape(option.name.get(language))}</bdi>{party}</li>"
        )
    limit = text["vote_for"].format(n=contest.contest_limit)
    return (
        f'<section class="contest" data-contest="{html.escape(contest.label)}"><h2><bdi>'
        f"{html.escape(contest.name.get(language))}</bdi></h2>"
        f'<div class="limit">{html.escape(limit)}</div><ul>{"".join(items)}</ul></section>'
    )


def _qr_svg(text: str) -> str:
    """The QR code as an inline SVG element, with its namespace (PDF renderers need it)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", xmldecl=False, svgns=True, nl=False, scale=2, border=2)
    return buffer.getvalue().decode("utf-8")


def paper_ballots_html(manifest: Manifest, ballots: Sequence[PaperBallot], language: str) -> str:
    """A printable page per ballot in ``language`` (``ar`` right to left, or ``en``)."""
    if language not in PAPER_LANGUAGES:
        raise InputError(f"paper ballots are printed in {' or '.join(PAPER_LANGUAGES)}, not {language!r}")
    text = _TEXT[language]
    direction = "rtl" if language == "ar" else "ltr"
    pages = []
    for paper in ballots:
        style_index = manifest.style_index(paper.ballot.style)
        style = manifest.style(style_index)
        contests = "".join(
            _contest_block(manifest, index, paper.ballot.votes.get(manifest.contest(index).label, {}), language)
            for index in style.contests
        )
        qr = _qr_svg(paper_id_uri(manifest.label, paper.paper_id))
        pages.append(
            f'<article class="ballot" data-paper-id="{paper.paper_id}">'
            f"<h1><bdi>{html.escape(manifest.name.get(language))}</bdi></h1>"
            f'<div class="style">{html.escape(text["style"])}: <bdi>{html.escape(style.label)}</bdi></div>'
            f"{contests}"
            f'<footer class="paper-id">{qr}<div><div>{html.escape(text["paper_id"])}</div>'
            f"<code>{format_paper_id(paper.paper_id)}</code>"
            f'<p class="note">{html.escape(text["note"])}</p></div></footer></article>'
        )
    return (
        f'<!doctype html><html lang="{language}" dir="{direction}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(text['title'])}</title><style>{_CSS}</style></head>"
        f"<body>{''.join(pages)}</body></html>"
    )


def paper_ballots_pdf(
    manifest: Manifest, ballots: Sequence[PaperBallot], language: str, *, compress: bool = True
) -> bytes:
    """The printable pages of ``paper_ballots_html`` as a PDF file, one ballot per A4 page.

    Needs WeasyPrint (``pip install 'nazaha[pdf]'``) and the Pango library it lays text out with
    (Debian: ``libpango-1.0-0 libpangoft2-1.0-0``, and a font with Arabic letters, such as
    ``fonts-dejavu-core``); ``MissingDependencyError`` says which is missing."""
    page = paper_ballots_html(manifest, ballots, language)
    try:
        import weasyprint  # noqa: PLC0415  (the pdf extra, and a native library: imported only here)
    except ImportError:
        raise MissingDependencyError(
            "paper ballots as PDF need WeasyPrint: pip install 'nazaha[pdf]' (the HTML pages print from any browser)"
        ) from None
    except OSError as error:  # WeasyPrint is there, the Pango library it loads is not
        raise MissingDependencyError(
            f"paper ballots as PDF need the Pango library (Debian: apt-get install libpango-1.0-0 "
            f"libpangoft2-1.0-0 fonts-dejavu-core): {str(error)[:160]}"
        ) from None
    data: bytes = weasyprint.HTML(string=page).write_pdf(uncompressed_pdf=not compress)
    return data
