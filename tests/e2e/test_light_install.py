"""``pip install nazaha`` without extras runs the verifier and the one-machine command line: they
must not import what only the service (SQLAlchemy, FastAPI, uvicorn), a cluster (Dask) or a
record at a URL (fsspec, aiohttp) needs."""

from __future__ import annotations

import json
import subprocess
import sys

from nazaha.workflows.demo import DemoResult

HEAVY = (
    "sqlalchemy", "alembic", "psycopg", "fastapi", "starlette", "uvicorn", "jinja2", "dask", "distributed", "fsspec",
    "aiohttp",
)  # fmt: skip

PROBE = f"""
import json, sys
from nazaha.cli.app import main
sys.argv = ["nazaha", *sys.argv[1:]]
code = 0
try:
    main()
except SystemExit as done:
    code = done.code
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({list(HEAVY)!r}))
print(json.dumps({{"code": code, "heavy": heavy}}), file=sys.stderr)
"""


def _run(*args: str) -> dict[str, object]:
    """Run the command line in a fresh interpreter; its exit code and the heavy packages it loaded."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=300, check=False
    )
    result: dict[str, object] = json.loads(done.stderr.strip().splitlines()[-1])
    return result


def test_verify_imports_neither_sql_nor_dask(standard_record: DemoResult) -> None:
    result = _run("verify", str(standard_record.record), "--json")
    assert result == {"code": 0, "heavy": []}


def test_the_command_line_starts_without_the_service_extras() -> None:
    assert _run("manifest", "--help") == {"code": 0, "heavy": []}
