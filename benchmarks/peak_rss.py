"""Run the ``nazaha`` command line in this process and report its own peak resident memory.

Used by the benchmarks: ``python -m benchmarks.peak_rss verify RECORD --json`` prints, on its
last stderr line, ``{"exit": CODE, "peak_rss_kib": N, "worker_peak_rss_kib": M}`` (M: the largest
peak among the worker processes it waited for).
"""

from __future__ import annotations

import json
import resource
import sys

from benchmarks.common import own_peak_rss_kib
from nazaha.cli.app import app


def main() -> None:
    code = 0
    try:
        returned = app(sys.argv[1:], standalone_mode=False)
        code = returned if isinstance(returned, int) else 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    peak = own_peak_rss_kib()
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"exit": code, "peak_rss_kib": peak, "worker_peak_rss_kib": workers}), file=sys.stderr)


if __name__ == "__main__":
    main()
