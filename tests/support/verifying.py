"""Helpers for verifier tests: a progress sink that records how ballots were split into chunks,
and a report's verdicts without its warnings (to compare the hinted and spec-only paths)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nazaha.verify.report import Report

__all__ = ["ChunkLog", "verdicts"]


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
