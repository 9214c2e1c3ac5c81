"""The credential authority's folder: what it publishes and what it keeps.

Layout::

    credentials.json                   public: the list of keys (no names), for the ballot box
    updates/update-<n>.json            public: each lost credential replaced, for the ballot box
    private/authority.json             secret: voter id -> public key, style (to replace a credential)
    private/credentials.csv            secret: voter id, credential, style (for a mail merge)
    private/sheets.html                secret: one printable sheet per voter, Arabic and English
    private/replacements/<n>.html      secret: the sheet of each replacement credential

The private folder links voters to their keys, and so to their ballots: it must be guarded, and
destroyed once voting is over and no credential can be lost any more (docs/threat-model.md).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec
import segno

from nazaha.credentials.authority import IssuedCredential, Voter, issue_credentials, parse_voters, replace_credential
from nazaha.credentials.keys import KDF_DEFAULT
from nazaha.election.eligibility import CredentialKey, CredentialUpdate, KdfParameters
from nazaha.election.manifest import Manifest
from nazaha.errors import InputError, StorageError
from nazaha.record.eligibility import decode_credentials, encode_credential_update, encode_credentials
from nazaha.record.layout import write_file_atomically

__all__ = ["AuthorityFolder", "generate_credentials", "replace_lost_credential"]


class _Holder(msgspec.Struct, forbid_unknown_fields=True):
    key: str
    style: str
    weight: int
    revoked: bool = False


class _AuthorityDoc(msgspec.Struct, forbid_unknown_fields=True):
    format: str
    election_id: str
    voters: dict[str, list[_Holder]]
    """Each voter's keys, oldest first; all but the last are revoked."""


AUTHORITY_FORMAT = "nazaha-credential-authority/1"


@dataclass(frozen=True, slots=True)
class AuthorityFolder:
    root: Path

    @property
    def public_list(self) -> Path:
        return self.root / "credentials.json"

    @property
    def private(self) -> Path:
        return self.root / "private"

    def write_private(self, name: str, data: bytes) -> None:
        path = self.private / name
        write_file_atomically(path, data)
        os.chmod(path, 0o600)


def generate_credentials(
    folder: Path,
    manifest: Manifest,
    voters_csv: bytes,
    where: str,
    *,
    booth_url: str = "",
    kdf: KdfParameters = KDF_DEFAULT,
    progress: Callable[[], None] = lambda: None,
) -> tuple[int, str]:
    """Issue one credential per voter of ``voters_csv`` into ``folder``; (count, list's SHA-256)."""
    if manifest.election_id is None:
        raise InputError("the manifest has no election_id: credentials are issued for one election (add it first)")
    if folder.exists() and any(folder.iterdir()):
        raise StorageError(f"{folder} exists and is not empty; choose a new folder for the credential authority")
    voters = parse_voters(voters_csv, where, [style.label for style in manifest.ballot_styles])
    public, issued = issue_credentials(voters, manifest.election_id, kdf, progress=progress)
    authority = AuthorityFolder(folder)
    data = encode_credentials(public)
    write_file_atomically(authority.public_list, data)
    doc = _AuthorityDoc(
        AUTHORITY_FORMAT,
        manifest.election_id,
        {c.voter.voter_id: [_Holder(c.key.hex().upper(), c.voter.style, c.voter.weight)] for c in issued},
    )
    authority.write_private("authority.json", msgspec.json.encode(doc))
    authority.write_private("credentials.csv", _mail_merge(issued))
    authority.write_private("sheets.html", _sheets(manifest, issued, booth_url))
    return len(issued), hashlib.sha256(data).hexdigest().upper()


def replace_lost_credential(
    folder: Path, manifest: Manifest, voter_id: str, *, booth_url: str = ""
) -> tuple[Path, CredentialUpdate]:
    """A new credential for ``voter_id``; the public update (revoking the old key) to post to the
    ballot box, and the voter's new sheet in ``private/replacements/``."""
    authority = AuthorityFolder(folder)
    try:
        doc = msgspec.json.decode((authority.private / "authority.json").read_bytes(), type=_AuthorityDoc)
        public = decode_credentials(authority.public_list.read_bytes())
    except FileNotFoundError:
        raise StorageError(f"{folder} is not a credential authority's folder (nazaha credentials generate)") from None
    holders = doc.voters.get(voter_id)
    if holders is None:
        raise InputError(f"no voter {voter_id[:80]!r} in this authority's list")
    old = holders[-1]
    voter = Voter(voter_id, old.style, old.weight)
    issued = replace_credential(voter, doc.election_id, public.kdf)
    update = CredentialUpdate(bytes.fromhex(old.key), CredentialKey(issued.key, old.style, old.weight))
    number = 1 + sum(len(h) - 1 for h in doc.voters.values())
    name = f"updates/update-{number}.json"
    write_file_atomically(folder / name, encode_credential_update(update))
    old.revoked = True
    holders.append(_Holder(issued.key.hex().upper(), old.style, old.weight))
    authority.write_private("authority.json", msgspec.json.encode(doc))
    authority.write_private(f"replacements/{number}.html", _sheets(manifest, [issued], booth_url))
    return folder / name, update


def _mail_merge(issued: Sequence[IssuedCredential]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["voter_id", "credential", "style"])
    for one in issued:
        writer.writerow([one.voter.voter_id, one.printed, one.voter.style])
    return out.getvalue().encode("utf-8")


_TEXT = {
    "en": {
        "title": "Your voting credential",
        "voter": "Voter",
        "credential": "Credential",
        "booth": "Where to vote",
        "qr": "Or scan this QR code: it opens the booth with your credential filled in.",
        "steps": [
            "Keep this sheet secret: the credential lets its holder vote in your name.",
            "In the booth, mark your ballot, then type the credential (capital letters and digits; "
            "the hyphens are optional). The booth signs your ballot with it; nobody sees the credential.",
            "The bulletin board lists your ballot under your credential's public key: if you see a ballot "
            "there that you did not cast, report it.",
            "Lost it? Ask the credential authority for a new one; the old one is then revoked, in public.",
        ],
    },
    "ar": {
        "title": "بيانات اعتماد التصويت الخاصة بك",
        "voter": "الناخب",
        "credential": "بيانات الاعتماد",
        "booth": "مكان التصويت",
        "qr": "أو امسح رمز QR هذا: يفتح مقصورة الاقتراع وبيانات اعتمادك مكتوبة فيها.",
        "steps": [
            "احتفظ بهذه الورقة سرًّا: من يحمل بيانات الاعتماد يستطيع التصويت باسمك.",
            "في مكان الاقتراع، حدّد اختياراتك ثم اكتب بيانات الاعتماد (أحرف لاتينية كبيرة وأرقام، والشرطات "
            "اختيارية). تُوقّع الورقة بها، ولا يراها أحد.",
            "تعرض لوحة النشر ورقتك تحت المفتاح العام لبيانات اعتمادك: إن رأيت ورقة لم تُدلِ بها فأبلغ عنها.",
            "إن فقدتها فاطلب بيانات جديدة من جهة الاعتماد، فتُلغى القديمة علنًا.",
        ],
    },
}


def _qr(booth_url: str, printed: str) -> str:
    """The booth's address with the credential in its fragment, as a QR code (inline SVG): a
    phone's camera opens the booth with the credential filled in, and browsers never send a
    fragment to the server (the booth reads it and takes it out of the address)."""
    if not booth_url:
        return ""
    link = f"{booth_url.split('#', maxsplit=1)[0]}#credential={printed}"
    code = segno.make(link, error="m")
    captions = "".join(
        f'<p lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">{html.escape(str(_TEXT[lang]["qr"]))}</p>'
        for lang in ("ar", "en")
    )
    return f'<figure class="qr">{code.svg_inline(scale=4)}<figcaption>{captions}</figcaption></figure>'


def _sheets(manifest: Manifest, issued: Sequence[IssuedCredential], booth_url: str) -> bytes:
    pages = []
    for one in issued:
        halves = []
        for lang in ("ar", "en"):
            text = _TEXT[lang]
            steps = "".join(f"<li>{html.escape(step)}</li>" for step in text["steps"])
            booth = (
                f'<p>{html.escape(str(text["booth"]))}: <bdi dir="ltr">{html.escape(booth_url)}</bdi></p>'
                if booth_url
                else ""
            )
            halves.append(
                f'<section lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">'
                f"<h1>{html.escape(str(text['title']))}</h1>"
                f"<p><bdi>{html.escape(manifest.name.get(lang))}</bdi></p>"
                f"<p>{html.escape(str(text['voter']))}: <bdi>{html.escape(one.voter.voter_id)}</bdi></p>"
                f'<p class="credential">{html.escape(str(text["credential"]))}: '
                f'<bdi dir="ltr"><code>{html.escape(one.printed)}</code></bdi></p>'
                f"{booth}<ol>{steps}</ol></section>"
            )
        pages.append(f'<article class="sheet">{"".join(halves)}{_qr(booth_url, one.printed)}</article>')
    style = (
        "body{font-family:sans-serif;margin:0}.sheet{page-break-after:always;padding:2cm}"
        ".credential code{font-size:1.6em;letter-spacing:.1em}section{margin-bottom:1.5cm}"
    )
    document = (
        '<!doctype html><html lang="ar"><head><meta charset="utf-8">'
        f"<title>{html.escape(manifest.label)}</title><style>{style}</style></head>"
        f"<body>{''.join(pages)}</body></html>"
    )
    return document.encode("utf-8")
