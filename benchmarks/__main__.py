"""`python -m benchmarks` (`make bench`): every benchmark, printed and written into docs/benchmarks.md.

Each table replaces its section of docs/benchmarks.md (between `<!-- NAME:begin -->` and
`<!-- NAME:end -->`), stamped with the date and the command that produced it.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import (
    booth,
    fixed_base,
    multi_exp,
    rla_simulation,
    scaling,
    service_load,
    signatures,
    spec_floor,
    speed,
    verifier_bookkeeping,
    verifier_memory,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"
DOC = DOCS / "benchmarks.md"


def write_section(name: str, command: str, lines: list[str], doc: Path = DOC) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    body = "\n".join([f"Measured on {stamp} with `{command}`:", "", *lines])
    block = f"<!-- {name}:begin -->\n{body}\n<!-- {name}:end -->"
    text = doc.read_text("utf-8")
    pattern = re.compile(rf"<!-- {name}:begin -->.*?<!-- {name}:end -->", re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    doc.write_text(text, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--only", default="speed,floor,window,multiexp,load,memory,scaling,bookkeeping,audit,booth,signatures"
    )
    parser.add_argument("--sizes", default="1000,10000", help="ballot counts of the scaling run")
    arguments = parser.parse_args()
    chosen = set(arguments.only.split(","))
    sizes = [int(s) for s in arguments.sizes.split(",")]
    # (name, heading, command, run, document)
    sections: list[tuple[str, str, str, Callable[[], list[str]], Path]] = [
        ("speed", "Nazaha and electionguard 1.4.0, side by side", "python -m benchmarks.speed", speed.main, DOC),
        ("floor", "The spec-only verifier against its floor", "python -m benchmarks.spec_floor", spec_floor.main, DOC),
        ("window", "Fixed-base windows", "python -m benchmarks.fixed_base", fixed_base.main, DOC),
        ("multiexp", "g^v x^c", "python -m benchmarks.multi_exp", multi_exp.main, DOC),
        ("load", "Ballot-box service under load", "python -m benchmarks.service_load", service_load.main, DOC),
        (
            "memory",
            "Verifier memory: streaming ballots",
            "python -m benchmarks.verifier_memory",
            verifier_memory.main,
            DOC,
        ),
        (
            "scaling",
            "Scaling",
            f"python -m benchmarks.scaling --sizes {arguments.sizes}",
            lambda: scaling.main(sizes, [2, 8, 32, 128]),
            DOC,
        ),
        (
            "bookkeeping",
            "The verifier's bookkeeping up to a million ballots",
            "python -m benchmarks.verifier_bookkeeping --sizes 10000,100000,1000000",
            lambda: verifier_bookkeeping.main([10_000, 100_000, 1_000_000]),
            DOC,
        ),
        ("booth", "Encrypting in the browser", "python -m benchmarks.booth", booth.main, DOC),
        (
            "signatures",
            "What eligibility costs per ballot",
            "python -m benchmarks.signatures",
            signatures.main,
            DOC,
        ),
        (
            "audit",
            "Risk-limiting audit simulation study",
            "python -m benchmarks.rla_simulation",
            rla_simulation.main,
            DOCS / "audits.md",
        ),
    ]
    for name, heading, command, run, document in sections:
        if name in chosen:
            print(f"\n## {heading}\n")
            write_section(name, command, run(), document)


main()
