"""The service's routes, listed from the application itself, so that tests driven by them cover
a new route without being told about it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

__all__ = ["service_routes"]


def _contexts(app: FastAPI) -> Iterable[Any]:
    try:  # FastAPI 0.16x keeps included routers lazily: list what they hold
        from fastapi.routing import iter_route_contexts
    except ImportError:
        return app.routes
    return iter_route_contexts(app.routes)


def service_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) of every route of ``app`` that FastAPI handles (not ``/static``)."""
    found = []
    for route in _contexts(app):
        original = getattr(route, "original_route", route)
        if isinstance(original, APIRoute):
            for method in sorted(set(route.methods or ()) - {"HEAD"}):
                found.append((method, str(route.path)))
    return found
