"""The FastAPI application factory: pages, the REST API under /api, one stylesheet, one error shape."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .. import __version__, settings
from ..signals import Encoder
from ..sources import DEFAULT_MAX_ARTICLE_MB
from ._guard import Guard
from ._state import WebConfig, WebState
from ._writer import ADDRESS_ENV, KEY_ENV
from .errors import install_error_handlers

__all__ = ["create_app", "app_from_settings"]

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"


def one_blas_thread() -> None:
    """Keep numpy's BLAS to one thread in a serving process.

    Requests do small matrix-vector products, many at once; BLAS threads on top of the request
    threads only fight for the cores (on a busy 2-core machine a 10,000-row product took 8 ms
    instead of 0.08 ms).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - it comes with the [web] extra
        log.info("threadpoolctl is not installed: BLAS keeps its own thread count")
        return
    threadpool_limits(1, user_api="blas")


def create_app(
    store_path: str | os.PathLike[str] | None = None,
    *,
    encoder: Encoder | str | None = None,
    token: str | None = None,
    read_token: str | None = None,
    max_upload_mb: float | None = None,
    max_article_mb: float | None = None,
    writer_address: str | None = None,
) -> FastAPI:
    """Return the web app serving the store at ``store_path`` (created if missing).

    Unset arguments come from the settings (``BABELWIRE_DB``, ``BABELWIRE_ENCODER``,
    ``BABELWIRE_TOKEN``, ``BABELWIRE_READ_TOKEN``, ``BABELWIRE_MAX_UPLOAD_MB``,
    ``BABELWIRE_MAX_ARTICLE_MB``). A body over the upload limit is refused whole (413); within it,
    each posted article or uploaded file over the article limit is that item's rejection.
    Without a write token the write endpoints answer 403. ``app.state.babelwire.close()``
    closes the store connections (the app's shutdown does it too).

    Posted batches run in this process unless ``writer_address`` (else ``BABELWIRE_WRITER``, set by
    ``babelwire serve``) names a writer process's socket (see ``babelwire.web._writer``); its key comes in
    ``BABELWIRE_WRITER_KEY``.
    """
    writer_address = writer_address or os.environ.get(ADDRESS_ENV) or None
    config = WebConfig(
        token=token if token is not None else settings.get("token"),
        read_token=read_token if read_token is not None else settings.get("read_token"),
        max_upload_bytes=int(float(max_upload_mb or settings.get("max_upload_mb") or 10) * (1 << 20)),
        max_article_mb=float(max_article_mb or settings.get("max_article_mb") or DEFAULT_MAX_ARTICLE_MB),
        writer_address=writer_address,
        writer_key=bytes.fromhex(os.environ.get(KEY_ENV, "")) if writer_address else None,
    )
    state = WebState(str(store_path or settings.get("db")), encoder=encoder, config=config)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        one_blas_thread()
        # The clusterer and the vector index load in the background, so a server over a big store
        # answers at once and its first write or explanation does not wait for them.
        warming = threading.Thread(target=state.warm, name="babelwire-warm", daemon=True)
        warming.start()
        yield
        warming.join()
        state.close()

    app = FastAPI(
        title="babelwire",
        version=__version__,
        description="Multilingual news stories: list and read stories and articles, search, explain, ingest.",
        docs_url=None,  # the interactive docs pull scripts from a CDN; /openapi.json is served
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.babelwire = state
    install_error_handlers(app)
    app.add_middleware(Guard, max_bytes=config.max_upload_bytes)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    from .routes_api import router as api_router
    from .routes_export import router as export_router
    from .routes_pages import router as pages_router
    from .routes_tracking import api_router as tracking_api
    from .routes_tracking import feeds_router as tracking_feeds
    from .routes_trending import router as trending_router

    app.include_router(api_router)
    app.include_router(tracking_api)
    app.include_router(tracking_feeds)
    app.include_router(trending_router)
    app.include_router(export_router)
    app.include_router(pages_router)
    return app


def app_from_settings() -> FastAPI:
    """Return ``create_app()`` with everything from the settings: the factory each worker process of
    ``babelwire serve --workers N`` calls (uvicorn imports it by name in every worker)."""
    from ..signals import get_encoder

    threads = settings.get("threads")
    return create_app(encoder=get_encoder(settings.get("encoder"), threads=int(threads) if threads else None))
