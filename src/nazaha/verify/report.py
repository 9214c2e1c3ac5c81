"""The verifier's report: every check, its verdict, and every failure with what it concerns.

A report also names the record format and the specification version whose rules were applied,
says when the record is partial (only some phases of an election), and lists named warnings:
things that do not make the record invalid but that a reader must know, such as a known
deviation of the implementation that wrote the record from the specification.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field

import msgspec

__all__ = ["Check", "CheckResult", "Failure", "Notice", "Report", "Status"]


class Status(enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_APPLICABLE = "not applicable"


@dataclass(frozen=True, slots=True)
class Check:
    """A verification step: its number in the specification and a plain-language title."""

    number: str
    title: str
    spec: str
    """Where the step is defined, e.g. "ElectionGuard 2.1 §6.2.1, Verification 1"."""


@dataclass(frozen=True, slots=True)
class Failure:
    """One failed condition: the spec label (``6.D``), what it concerns and what went wrong."""

    label: str
    subject: str
    message: str


@dataclass(frozen=True, slots=True)
class Notice:
    """A named warning: ``name`` is stable (``egk-baux-unprefixed``), the message plain words."""

    name: str
    subject: str
    message: str


@dataclass(slots=True)
class CheckResult:
    check: Check
    items: int = 0
    """How many things (guardians, ballots, options...) the check examined."""
    failures: list[Failure] = field(default_factory=list)
    not_applicable: str = ""
    """Why the check does not apply to this record, when it does not."""
    note: str = ""
    """Something the reader should know although the check passed (test-only parameters)."""

    @property
    def status(self) -> Status:
        if self.failures:
            return Status.FAILED
        if self.not_applicable:
            return Status.NOT_APPLICABLE
        return Status.PASSED


class _FailureDoc(msgspec.Struct):
    label: str
    subject: str
    message: str


class _CheckDoc(msgspec.Struct):
    number: str
    title: str
    spec: str
    status: str
    items: int
    failures: list[_FailureDoc]
    note: str = ""


class _NoticeDoc(msgspec.Struct):
    name: str
    subject: str
    message: str


class _ReportDoc(msgspec.Struct):
    record: str
    format: str
    spec_version: str
    partial: str
    verdict: str
    checks: list[_CheckDoc]
    failure_count: int
    warnings: list[_NoticeDoc]


@dataclass(slots=True)
class Report:
    """The result of verifying one record: passes only when no check failed."""

    record: str
    format: str
    results: list[CheckResult]
    spec_version: str = ""
    """The specification version whose rules were applied ("2.1.0", "2.0.0", "1.0"...)."""
    warnings: list[Notice] = field(default_factory=list)
    partial: str = ""
    """Why only some verifications apply (a record of the pre-voting phase only), when so."""

    @property
    def ok(self) -> bool:
        return all(result.status is not Status.FAILED for result in self.results)

    def failures(self) -> Iterable[tuple[Check, Failure]]:
        for result in self.results:
            for failure in result.failures:
                yield result.check, failure

    def warning_names(self) -> list[str]:
        """The name of every warning, in order (a name repeats when it concerns several things)."""
        return [w.name for w in self.warnings]

    def failed_labels(self) -> set[str]:
        """Every failed label (``6.D``) and check number (``6``) in the report."""
        labels: set[str] = set()
        for check, failure in self.failures():
            labels.add(failure.label)
            labels.add(check.number)
        return labels

    def to_json(self) -> bytes:
        doc = _ReportDoc(
            record=self.record,
            format=self.format,
            spec_version=self.spec_version,
            partial=self.partial,
            verdict="valid" if self.ok else "INVALID",
            failure_count=sum(len(r.failures) for r in self.results),
            warnings=[_NoticeDoc(w.name, w.subject, w.message) for w in self.warnings],
            checks=[
                _CheckDoc(
                    number=r.check.number,
                    title=r.check.title,
                    spec=r.check.spec,
                    status=r.status.value,
                    items=r.items,
                    failures=[_FailureDoc(f.label, f.subject, f.message) for f in r.failures],
                    note=r.not_applicable or r.note,
                )
                for r in self.results
            ],
        )
        return msgspec.json.format(msgspec.json.encode(doc), indent=2)
