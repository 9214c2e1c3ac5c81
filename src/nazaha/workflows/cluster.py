"""Running the verifier's ballot checks on a Dask distributed cluster.

The scheduler hands chunks of ballot files to the workers, by name: each worker reads its chunk
from where the record lies. For a record folder that is its path, which every worker must see
at the same place; for a record at a URL (``nazaha verify https://...``), the URL, which each
worker reads itself (``nazaha.record.remote``), on whatever machine it runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from distributed import Client

from nazaha.errors import StorageError

__all__ = ["cluster_executor"]


@contextmanager
def cluster_executor(address: str) -> Iterator[Executor]:
    """A ``concurrent.futures`` executor backed by the Dask scheduler at ``address``."""
    try:
        client = Client(address, timeout="30s")
    except (OSError, TimeoutError) as error:
        raise StorageError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    try:
        yield client.get_executor()
    finally:
        client.close()
