"""Running the real ``nazaha`` command line in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def nazaha(*args: str | Path, cwd: Path | None = None, stdin: str | None = None) -> Result:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    env.pop("NAZAHA_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "nazaha", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        input=stdin,
        timeout=600,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def ballots_file(path: Path, ballots: Sequence[Mapping[str, object]]) -> Path:
    path.write_text(json.dumps({"format": "nazaha-ballots/1", "ballots": ballots}))
    return path


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
