"""`python -m benchmarks` (`make bench`): every benchmark, printed and written into docs/benchmarks.md.

Each table replaces its section of docs/benchmarks.md (between `<!-- NAME:begin -->` and
`<!-- NAME:end -->`), stamped with the date and the command that produced it.
"""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import booth, fixed_base, multi_exp, rla_simulation, scaling, service_load, speed, verifier_memory

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
    parser.add_argument("--only", default="speed,window,multiexp,load,memory,scaling,audit,booth")
    parser.add_argument("--sizes", default="1000,10000", help="ballot counts of the scaling run")
    chosen = set(parser.parse_args().only.split(","))
    arguments = parser.parse_args()
    if "speed" in chosen:
        print("## Nazaha and electionguard 1.4.0, side by side\n")
        write_section("speed", "python -m benchmarks.speed", speed.main())
    if "window" in chosen:
        print("\n## Fixed-base windows\n")
        write_section("window", "python -m benchmarks.fixed_base", fixed_base.main())
    if "multiexp" in chosen:
        print("\n## g^v x^c\n")
        write_section("multiexp", "python -m benchmarks.multi_exp", multi_exp.main())
    if "load" in chosen:
        print("\n## Ballot-box service under load\n")
        write_section("load", "python -m benchmarks.service_load", service_load.main())
    if "memory" in chosen:
        print("\n## Verifier memory: streaming ballots\n")
        write_section("memory", "python -m benchmarks.verifier_memory", verifier_memory.main())
    if "scaling" in chosen:
        print("\n## Scaling\n")
        sizes = [int(s) for s in arguments.sizes.split(",")]
        write_section(
            "scaling", f"python -m benchmarks.scaling --sizes {arguments.sizes}", scaling.main(sizes, [2, 8, 32, 128])
        )
    if "booth" in chosen:
        print("\n## Encrypting in the browser\n")
        write_section("booth", "python -m benchmarks.booth", booth.main())
    if "audit" in chosen:
        print("\n## Risk-limiting audit simulation study\n")
        write_section("audit", "python -m benchmarks.rla_simulation", rla_simulation.main(), DOCS / "audits.md")


main()
