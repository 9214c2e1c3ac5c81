"""Helpers shared by the benchmarks: cached records and measuring child processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from nazaha.crypto.params import STANDARD_GROUP
from nazaha.workflows.demo import run_demo

CACHE = Path(os.environ.get("NAZAHA_BENCH_CACHE", Path.home() / ".cache" / "nazaha-bench"))


def cached_record(ballots: int, jobs: int = 2) -> Path:
    """A demo record with ``ballots`` ballots on the standard group, generated once and cached."""
    target = CACHE / f"record-{ballots}"
    if not (target / "record.json").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"generating a {ballots}-ballot record in {target} (cached for later runs)", flush=True)
        run_demo(ballots=ballots, output=target, group=STANDARD_GROUP, jobs=jobs, seed=f"bench-{ballots}")
    return target


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_rss_mib: float
    returncode: int


def measure(*args: str) -> Measured:
    """Run ``python -m nazaha ARGS`` in a fresh process; its wall time and peak resident memory."""
    start = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "nazaha", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    return Measured(seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status))
