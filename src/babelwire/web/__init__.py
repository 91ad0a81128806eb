"""The web UI and REST API (``pip install "babelwire[web]"``): :func:`create_app` builds the FastAPI app."""

from __future__ import annotations

import importlib.util
from typing import TYPE_CHECKING, Any

from ..errors import MissingDependency

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["create_app", "require_web"]

_NEEDED = {"fastapi": "fastapi", "uvicorn": "uvicorn", "jinja2": "jinja2", "python_multipart": "python-multipart"}


def require_web() -> None:
    """Raise MissingDependency, with the pip line, unless the ``[web]`` extra is installed."""
    missing = []
    for module, package in _NEEDED.items():
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found and not (module == "python_multipart" and importlib.util.find_spec("multipart")):
            missing.append(package)
    if missing:
        raise MissingDependency(f'the web app needs {", ".join(missing)}: pip install "babelwire[web]"')


def create_app(*args: Any, **kwargs: Any) -> FastAPI:
    """Return the web app (see :func:`babelwire.web.app.create_app`); fastapi is imported only now."""
    require_web()
    from .app import create_app as _create_app

    return _create_app(*args, **kwargs)
