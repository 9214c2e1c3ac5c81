"""Helpers for verifier tests: a progress sink that records how ballots were split into chunks,
a report's verdicts without its warnings, and ``verify_both``: a record verified on the hinted and
the spec-only path, which must agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nazaha.verify.report import Report
from nazaha.verify.runner import verify_record21

__all__ = ["ChunkLog", "verdicts", "verify_both"]


def verdicts(report: Report) -> list[tuple[Any, ...]]:
    """Every check's number, status, count and failures (label, subject, message), in order:
    the report less its warnings (which say whether hints were used)."""
    return [
        (
            result.check.number,
            result.status.value,
            result.items,
            [(f.label, f.subject, f.message) for f in result.failures],
        )
        for result in report.results
    ]


def verify_both(root: Path) -> Report:
    """``root`` verified with its proof hints (batched) and spec-only: the two reports must give
    the same verdicts (every check's status, count and named failures). Returns the hinted one."""
    hinted = verify_record21(root)
    spec_only = verify_record21(root, hints=False)
    assert verdicts(hinted) == verdicts(spec_only), (
        "the hinted and spec-only paths disagree",
        sorted(hinted.failed_labels()),
        sorted(spec_only.failed_labels()),
    )
    return hinted


@dataclass
class ChunkLog:
    """A ``Progress`` that keeps every ``advance`` of the ballot step: one per chunk checked."""

    steps: dict[str, list[int]] = field(default_factory=dict)
    _current: str = ""

    def start(self, description: str, total: int) -> None:
        self._current = description
        self.steps[description] = []

    def advance(self, amount: int = 1) -> None:
        self.steps[self._current].append(amount)

    def finish(self) -> None:
        self._current = ""

    def chunks(self) -> list[int]:
        """The size of each chunk of the ballot step, in the order their results were merged."""
        return self.steps.get("Verifying ballots", [])
