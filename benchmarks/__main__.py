"""`python -m benchmarks`: every benchmark, printed as Markdown tables."""

from __future__ import annotations

from benchmarks import service_load, verifier_memory

print("## Ballot-box service under load\n")
service_load.main()
print("\n## Verifier memory: streaming ballots\n")
verifier_memory.main()
