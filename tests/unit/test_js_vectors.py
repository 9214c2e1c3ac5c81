"""The browser's ballot encryption (static/js/electionguard.js) against the Python core.

The vectors in tests/js/vectors.json are produced by the core (tests/js/make_vectors.py); this
checks they are still what the core produces, then runs Node's test runner on
tests/js/electionguard.test.mjs, which encrypts the same inputs in JavaScript and compares the
ballot files byte for byte.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.js.make_vectors import VECTORS, build
from tests.support.external import require_external

ROOT = Path(__file__).resolve().parents[2]


def test_committed_vectors_are_what_the_core_produces() -> None:
    assert json.loads(VECTORS.read_text("utf-8")) == json.loads(json.dumps(build(), ensure_ascii=False))


def test_javascript_encryption_matches_the_core() -> None:
    node = shutil.which("node")
    require_external(
        node is not None, "Node.js is not installed; install it (apt-get install nodejs) to run the JavaScript tests"
    )
    assert node is not None
    done = subprocess.run(
        [node, "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "# fail 0" in done.stdout
