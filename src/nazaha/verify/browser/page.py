"""The browser verifier's page: served by the ballot box and downloadable as one offline file.

The page is one self-contained HTML file: its style and its scripts are inline (the verifier's
ES modules under ``js/`` joined into one script by ``verifier_bundle``), it loads
nothing and sends nothing (its Content-Security-Policy allows no connection), and it checks the
record in Web Workers made from its own script. The same file is served at ``/{lang}/verify``,
downloaded from ``/{lang}/verify/verifier.html`` (``nazaha.service.pages.verifier``) and written
by ``nazaha verify-page``. It lives with the verifier, not the service, so that the command line
can write it and the verifier's independence contract covers it.

The verifier shares no code with the booth (``booth.js``, ``electionguard.js``); a unit test
checks that no module of it imports anything outside its folder.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from pathlib import Path

from markupsafe import Markup

from nazaha.errors import NotFoundError
from nazaha.verify.browser.text import UI, verifier_strings
from nazaha.verify.plain import LANGUAGES

__all__ = ["MODULES", "SCRIPTS", "render_verifier_page", "verifier_bundle"]

SCRIPTS = Path(__file__).resolve().parent / "js"
TEMPLATE = Path(__file__).resolve().parent / "verify.html"

MODULES = ("sha256", "arith", "hashes", "ed25519", "catalog", "ballots", "zip", "runner", "page")
"""The verifier's modules, each after those it imports."""

_IMPORT = re.compile(r'^import\s+(?:\{([^}]*)\}|\*\s+as\s+(\w+))\s+from\s+"\./(\w+)\.js";\s*$', re.MULTILINE)
_REEXPORT = re.compile(r"^export\s+\{([^}]*)\};\s*$", re.MULTILINE)
_EXPORT = re.compile(r"^export\s+((?:async\s+)?function\*?|class|const|let)\s+(\w+)", re.MULTILINE)


def _module(name: str, source: str) -> str:
    exports: list[str] = []

    def imported(match: re.Match[str]) -> str:
        names, star, module = match.groups()
        if module not in MODULES[: MODULES.index(name)]:
            raise ValueError(f"verifier module {name} imports {module}, which is not before it")
        if star:
            return f'const {star} = __modules["{module}"];'
        bindings = ", ".join(part.strip().replace(" as ", ": ") for part in names.split(",") if part.strip())
        return f'const {{ {bindings} }} = __modules["{module}"];'

    def reexported(match: re.Match[str]) -> str:
        exports.extend(part.strip() for part in match.group(1).split(",") if part.strip())
        return ""

    def exported(match: re.Match[str]) -> str:
        exports.append(match.group(2))
        return f"{match.group(1)} {match.group(2)}"

    body = _IMPORT.sub(imported, source)
    body = _REEXPORT.sub(reexported, body)
    body = _EXPORT.sub(exported, body)
    if re.search(r"^\s*(import|export)\b", body, re.MULTILINE):
        raise ValueError(f"verifier module {name} has an import or export the bundler does not understand")
    return f'__modules["{name}"] = (() => {{\n"use strict";\n{body}\nreturn {{ {", ".join(exports)} }};\n}})();\n'


@cache
def verifier_bundle() -> str:
    """The verifier's modules as one classic script defining ``__modules`` (page and workers)."""
    parts = ["const __modules = {};\n"]
    for name in MODULES:
        parts.append(_module(name, (SCRIPTS / f"{name}.js").read_text("utf-8")))
    bundle = "".join(parts)
    if "</script" in bundle.lower() or "<!--" in bundle:
        raise ValueError("the verifier's script must not hold </script or <!--")
    return bundle


def _digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


_START = (
    'const __strings = JSON.parse(document.getElementById("verifier-strings").textContent);\n'
    'const __source = document.getElementById("verifier-code").textContent\n'
    '  + "\\n__modules.page.serveChunks(self);\\n";\n'
    "__modules.page.startPage(document, __strings, __source);\n"
)


@cache
def _style() -> str:
    text = TEMPLATE.read_text("utf-8")
    match = re.search(r"<style>(.*?)</style>", text, re.DOTALL)
    if match is None:
        raise ValueError("templates/verify.html has no <style>")
    return match.group(1)


def render_verifier_page(lang: str, *, offline: bool, home: str = "") -> tuple[str, str]:
    """The page in ``lang`` and its Content-Security-Policy. ``offline``: the downloadable file
    (the language switch stays on the page; no link back to a ballot box)."""
    if lang not in LANGUAGES:
        raise NotFoundError(f"no pages in language {lang!r} (ar or en)")
    bundle = verifier_bundle()
    strings = json.dumps(verifier_strings(), ensure_ascii=False).replace("<", "\\u003c")
    policy = (
        "default-src 'none'; "
        f"script-src {_digest(bundle)} {_digest(_START)}; "
        f"style-src {_digest(_style())}; worker-src blob:; img-src data:; connect-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    text = TEMPLATE.read_text("utf-8")
    ui = UI[lang]
    other = ui["switch_lang"]
    values = {
        "lang": lang,
        "dir": "rtl" if lang == "ar" else "ltr",
        "policy": policy,
        "bundle": bundle,
        "start": _START,
        "strings": strings,
        "switch_href": "#" if offline else f"/{other}/verify",
        "offline": "true" if offline else "false",
        "home_link": (
            f'<strong data-ui="title">{Markup.escape(ui["title"])}</strong>'
            if offline or not home
            else f'<a href="{Markup.escape(home)}" data-ui="home">{Markup.escape(ui["home"])}</a>'
        ),
        "download_link": (
            ""
            if offline
            else f'<p class="noprint"><a id="download-verifier" href="/{lang}/verify/verifier.html" download '
            f'data-ui="download">{Markup.escape(ui["download"])}</a></p>'
        ),
        **{f"t_{key}": str(Markup.escape(value)) for key, value in ui.items()},
    }
    page = re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], text)
    return page, policy
