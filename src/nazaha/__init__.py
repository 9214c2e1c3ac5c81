"""Nazaha: end-to-end verifiable elections by the ElectionGuard 2.1 specification.

The public API is small on purpose: use the CLI (``nazaha --help``) or the workflows in
``nazaha.workflows``. The layers below follow an election's timeline (see
``docs/architecture.md``).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
