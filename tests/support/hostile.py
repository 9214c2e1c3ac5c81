"""A hostile manifest: the sample manifest with texts and labels that try to break out of the
pages' HTML and of the booth's JSON script block (issue 18, item 6)."""

from __future__ import annotations

import copy
import json
from typing import Any

from nazaha.workflows.demo import load_sample_manifest

__all__ = ["HOSTILE_NAMES", "hostile_manifest"]

HOSTILE_NAMES = {
    "election": "Vote <b>now</b> & '\"{{ 7*7 }}",
    "contest": "</script><script>window.pwned = 'contest'</script>",
    "option 1": "<!--<script>",
    "option 2": "Sami</script><img src=x onerror=\"window.pwned = 'img'\">",
    "party": "&amp; <!-- \u2028 \u2029 -->",
}
"""English texts that would end the booth's ``<script type="application/json">`` element (or
put the HTML parser into the script-data double-escaped state) if embedded unescaped."""


def hostile_manifest() -> bytes:
    """The sample manifest with ``HOSTILE_NAMES`` in English and a hostile option label."""
    doc: dict[str, Any] = copy.deepcopy(json.loads(load_sample_manifest().canonical_bytes))
    doc["election_id"] = "hostile-manifest-test"

    def english(texts: list[dict[str, str]], text: str) -> None:
        for entry in texts:
            if entry["language"] == "en":
                entry["text"] = text

    english(doc["name"], HOSTILE_NAMES["election"])
    mayor = doc["contests"][0]
    english(mayor["name"], HOSTILE_NAMES["contest"])
    english(mayor["options"][0]["name"], HOSTILE_NAMES["option 1"])
    english(mayor["options"][1]["name"], HOSTILE_NAMES["option 2"])
    english(mayor["options"][0]["party"], HOSTILE_NAMES["party"])
    mayor["options"][2]["label"] = "x</script><!--<script>"
    return json.dumps(doc, ensure_ascii=False).encode()
