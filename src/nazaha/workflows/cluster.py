"""Running the verifier's ballot checks on a Dask distributed cluster.

The scheduler hands chunks of ballot files to the workers, which read them from the record's
path: the record must be on a filesystem that every worker sees at the same path.
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
