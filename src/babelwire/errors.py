"""Named exceptions raised by the babelwire library; the CLI and API turn them into messages."""

from __future__ import annotations

__all__ = [
    "BabelwireError",
    "ReadError",
    "RejectedInput",
    "NotFound",
    "ReplayDiverged",
    "StoreError",
    "StoreUnavailable",
    "EncoderError",
    "EncoderMismatch",
    "MissingDependency",
    "ConstraintError",
    "InvalidArgument",
    "AlreadyExists",
    "FetchError",
    "FeedError",
    "EngineError",
]


class BabelwireError(Exception):
    """Base class of every error babelwire raises on purpose."""


class ReadError(BabelwireError):
    """A source file could not be read or parsed at all."""


class RejectedInput(BabelwireError):
    """An input record is unusable (empty, binary, no text); the message is the reason."""


class NotFound(BabelwireError):
    """A story or article id does not exist in the store."""


class StoreError(BabelwireError):
    """The store is unusable: wrong schema, locked, or corrupt."""


class StoreUnavailable(StoreError):
    """The store's database server cannot be reached (a PostgreSQL URL whose server is down or refuses us)."""


class EncoderError(BabelwireError):
    """The encoder could not be loaded or failed to embed."""


class EncoderMismatch(BabelwireError):
    """Vectors from different encoders would be compared."""


class MissingDependency(BabelwireError):
    """An optional dependency is not installed; the message carries the pip line."""


class ConstraintError(BabelwireError):
    """A user correction contradicts another (e.g. link and unlink of the same pair)."""


class InvalidArgument(BabelwireError, ValueError):
    """An argument is malformed: a date that is not YYYY-MM-DD, a range that ends before it starts."""


class ReplayDiverged(BabelwireError):
    """A journal replay reached a state the journalled run did not (a missing input, another pass)."""


class AlreadyExists(BabelwireError):
    """Something to be created under a name that is taken (an alert of the same name)."""


class FetchError(BabelwireError):
    """A watched source's URL could not be fetched: refused scheme, HTTP error, time-out, too big, redirect loop.

    ``transient`` says whether trying again later may help (time-outs, refused connections, 5xx, 429).
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class FeedError(BabelwireError):
    """A fetched body is not a usable feed or sitemap: wrong content type, malformed, not a feed."""


class EngineError(BabelwireError):
    """The distributed engine (Ray) failed: it could not start, or a worker died more often than retried."""
