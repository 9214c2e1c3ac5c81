"""Helpers shared by the benchmarks: cached records and measuring child processes.

Every measured command runs in a fresh interpreter, which reports its own peak resident memory
from VmHWM (``own_peak_rss_kib``): ``getrusage`` would report at least the benchmark process's
peak, since Linux keeps a process's ``ru_maxrss`` across fork and exec.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(os.environ.get("NAZAHA_BENCH_CACHE", Path.home() / ".cache" / "nazaha-bench"))


def cached_record(ballots: int, jobs: int = 2) -> Path:
    """A demo record with ``ballots`` ballots on the standard group, generated once and cached."""
    target = CACHE / f"record-{ballots}"
    if not (target / "record.json").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"generating a {ballots}-ballot record in {target} (cached for later runs)", flush=True)
        subprocess.run(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "nazaha",
                "demo",
                "--ballots",
                str(ballots),
                "--jobs",
                str(jobs),
                "--seed",
                f"bench-{ballots}",
                "--no-verify",
                "--no-serve",
                "-o",
                str(target),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return target


def own_peak_rss_kib() -> int:
    """This process's own peak resident memory in KiB.

    Linux's ``VmHWM`` belongs to the process image and starts afresh at ``exec``, whereas
    ``getrusage``'s ``ru_maxrss`` carries over the high-water mark of the parent it was forked
    from (a parent holding a large synthetic record would inflate its child's figure).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_rss_mib: float
    returncode: int
    worker_peak_rss_mib: float = 0.0
    """The largest peak of any worker process it started (0 when it started none)."""


def measure(*args: str) -> Measured:
    """Run ``nazaha ARGS`` in a fresh interpreter; its wall time and its own peak resident memory."""
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "benchmarks.peak_rss", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    last = [line for line in done.stderr.splitlines() if line.startswith("{")][-1]
    report = json.loads(last)
    return Measured(seconds, report["peak_rss_kib"] / 1024, report["exit"], report.get("worker_peak_rss_kib", 0) / 1024)
