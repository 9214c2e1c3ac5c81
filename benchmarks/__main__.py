"""`python -m benchmarks`: every benchmark, printed as Markdown tables."""

from __future__ import annotations

from benchmarks import verifier_memory

print("## Verifier memory: streaming ballots\n")
verifier_memory.main()
