"""Each package keeps a small, explicit public API."""

from __future__ import annotations

import importlib
import pkgutil

import nazaha


def test_every_module_declares_all_and_exports_exist() -> None:
    missing = []
    for info in pkgutil.walk_packages(nazaha.__path__, "nazaha."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        if info.ispkg:
            continue
        names = getattr(module, "__all__", None)
        if names is None:
            missing.append(info.name)
            continue
        for name in names:
            assert hasattr(module, name), f"{info.name}.__all__ lists {name} which does not exist"
    assert missing == [], f"modules without __all__: {missing}"


def test_top_level_api_is_small() -> None:
    assert nazaha.__all__ == ["__version__"]
