"""Failures, counts and observations gathered while checking, mergeable across worker processes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from nazaha.verify.report import Failure, Notice

__all__ = ["Findings"]


@dataclass(slots=True)
class Findings:
    """Failures by check number (``"6"``) and how many items each check examined."""

    failures: dict[str, list[Failure]] = field(default_factory=dict)
    items: Counter[str] = field(default_factory=Counter)
    observed: Counter[str] = field(default_factory=Counter)
    """How often something worth a warning was seen (``"baux-unprefixed"``), summed across chunks."""
    warnings: list[Notice] = field(default_factory=list)

    def fail(self, label: str, subject: str, message: str, *, number: str | None = None) -> None:
        """Record that condition ``label`` (such as ``"6.D"``) failed for ``subject``.

        The check number is the label's part before the first dot unless ``number`` is given.
        """
        check = number if number is not None else label.split(".", maxsplit=1)[0]
        self.failures.setdefault(check, []).append(Failure(label, subject, message))

    def count(self, number: str, amount: int = 1) -> None:
        self.items[number] += amount

    def observe(self, what: str, amount: int = 1) -> None:
        """Note one more occurrence of ``what``; the runner turns the totals into warnings."""
        self.observed[what] += amount

    def warn(self, name: str, subject: str, message: str) -> None:
        """A named warning: the record stays valid, the reader is told."""
        self.warnings.append(Notice(name, subject, message))

    def merge(self, other: Findings) -> None:
        for number, failures in other.failures.items():
            self.failures.setdefault(number, []).extend(failures)
        self.items.update(other.items)
        self.observed.update(other.observed)
        self.warnings.extend(other.warnings)
