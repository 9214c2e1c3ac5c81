# The part of fsspec.core that Nazaha uses.
from typing import Any

from fsspec import AbstractFileSystem

def url_to_fs(url: str, **kwargs: Any) -> tuple[AbstractFileSystem, str]: ...
