"""Running the browser verifier (verify/browser/js) under Node and comparing it with `nazaha verify`.

``run_node_verifier`` starts ``tests/js/verifier_corpus.mjs`` on a list of records and returns
its reports; ``python_summary`` reduces a Python report to the same shape: the verdict and the
sorted list of failed labels (one per failure, so a count difference shows).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nazaha.verify.report import Report
from tests.support.external import require_external

__all__ = [
    "ROOT",
    "Summary",
    "lines_of",
    "node_binary",
    "python_summary",
    "start_node_verifier",
    "summaries_of",
    "summary_of_line",
    "zip_record",
]

ROOT = Path(__file__).resolve().parents[2]
DRIVER = ROOT / "tests" / "js" / "verifier_corpus.mjs"


@dataclass(frozen=True)
class Summary:
    verdict: str
    failed: tuple[str, ...]


def node_binary() -> str:
    node = shutil.which("node")
    require_external(
        node is not None, "Node.js is not installed; install it (apt-get install nodejs) to run the JavaScript tests"
    )
    assert node is not None
    return node


def start_node_verifier(records: Sequence[Path], listing: Path) -> subprocess.Popen[str]:
    """Start the Node verifier on ``records`` (it runs while the caller verifies in Python)."""
    listing.write_text(json.dumps([str(r) for r in records]), "utf-8")
    return subprocess.Popen(
        [node_binary(), str(DRIVER), str(listing)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def lines_of(process: subprocess.Popen[str], timeout: float = 600) -> dict[str, dict[str, Any]]:
    """The Node verifier's line for each record: verdict, failed labels, each check's status."""
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-4000:]
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    return {line["path"]: line for line in lines}


def summary_of_line(line: dict[str, Any]) -> Summary:
    return Summary(line["verdict"], tuple(sorted(line["failed"])))


def summaries_of(process: subprocess.Popen[str], timeout: float = 600) -> dict[str, Summary]:
    return {path: summary_of_line(line) for path, line in lines_of(process, timeout).items()}


def python_summary(report: Report | None) -> Summary:
    """``None`` stands for a record `nazaha verify` cannot read (exit 2)."""
    if report is None:
        return Summary("unreadable", ())
    failed = sorted(failure.label for _, failure in report.failures())
    return Summary("valid" if report.ok else "INVALID", tuple(failed))


def zip_record(record: Path, target: Path) -> Path:
    """The record zipped as the ballot box's download gives it (one top folder, deflated)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(record.rglob("*")):
            if path.is_file():
                archive.write(path, f"demo-record/{path.relative_to(record)}")
    return target
