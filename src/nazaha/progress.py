"""How long steps (workflows, the verifier) report progress, without knowing who displays it."""

from __future__ import annotations

from typing import Protocol

__all__ = ["NoProgress", "Progress"]


class Progress(Protocol):
    """Receives progress of long steps; the CLI shows it as Rich progress bars."""

    def start(self, description: str, total: int) -> None:
        """A step with ``total`` units of work begins."""
        ...

    def advance(self, amount: int = 1) -> None:
        """``amount`` more units of the current step are done."""
        ...

    def finish(self) -> None:
        """The current step is done."""
        ...


class NoProgress:
    """Progress that shows nothing (tests, libraries)."""

    def start(self, description: str, total: int) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass

    def finish(self) -> None:
        pass
