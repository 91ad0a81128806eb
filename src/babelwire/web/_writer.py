"""Who runs posted batches through the pipeline: the web app's one writer, here or in a process of its own.

A write costs tens to hundreds of milliseconds of Python (cleaning, the clusterer, its passes). Run in the
process that serves the reads, it holds the interpreter lock that every read needs, so each write stalls the
reads behind it. ``babelwire serve`` therefore starts one *writer process* (``python -m babelwire.web._writer``)
that owns the store's pipeline and its clusterer, and every serving process hands its batches to it over a
local socket (:class:`RemoteWriter`): reads and writes run on different cores, and however many worker
processes serve, one clusterer decides (none of them has to catch up with what another wrote).
:class:`LocalWriter` runs batches in the calling process — the library's and the tests' default
(``create_app`` without a writer address). Both answer :meth:`Writer.ingest` the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import BabelwireError, StoreUnavailable
from ..signals import Encoder, get_encoder
from ..store import Store, open_store

if TYPE_CHECKING:
    from ..pipeline import Pipeline
    from ._ingest import Batch

__all__ = ["Writer", "LocalWriter", "RemoteWriter", "WriterProcess", "ADDRESS_ENV", "KEY_ENV"]

log = logging.getLogger(__name__)

ADDRESS_ENV = "BABELWIRE_WRITER"  # the writer process's socket, handed to serving processes
KEY_ENV = "BABELWIRE_WRITER_KEY"  # its shared secret (hex), never on a command line
CONNECT_WAIT = 30.0  # seconds a serving process waits for a (re)starting writer before answering 503


class Writer(Protocol):
    """Runs posted batches through the pipeline, one at a time, whichever process asks."""

    def ingest(self, batch: Batch) -> tuple[int, dict[str, Any]]:
        """Return the HTTP status and ``{"results", "report"}`` of ``batch`` (see ``_ingest.run_batch``)."""
        ...

    def warm(self) -> None:
        """Load what the first write would otherwise wait for (the clusterer)."""
        ...

    def close(self) -> None: ...


class LocalWriter:
    """The pipeline of this process: batches run here, one at a time, under ``write_lock``."""

    def __init__(self, store: Store, encoder: Callable[[], Encoder]) -> None:
        self.store = store
        self._encoder = encoder
        self.write_lock = threading.RLock()  # re-entrant: a SIGTERM handler may run while warm() holds it
        self._pipeline: Pipeline | None = None

    def pipeline(self) -> Pipeline:
        """Return the pipeline (made on first use); call with ``write_lock`` held."""
        from ..pipeline import Pipeline

        if self._pipeline is None:  # the pipeline itself notices when another process wrote
            self._pipeline = Pipeline(self.store, encoder=self._encoder())
        return self._pipeline

    def written(self, ok: bool) -> None:
        """Record that a write left the store as the clusterer knows it (``ok``), or drop the pipeline after a
        failed write (its clusterer may hold articles rolled back)."""
        if not ok:
            self._pipeline = None

    def ingest(self, batch: Batch) -> tuple[int, dict[str, Any]]:
        from ._ingest import run_batch

        return run_batch(self, batch)

    def warm(self) -> None:
        with self.write_lock:
            self.pipeline().clusterer  # noqa: B018 - the clusterer restores from the store on first use

    def close(self) -> None:
        self._pipeline = None


class RemoteWriter:
    """Hands batches to the writer process at ``address`` and returns its answers.

    One connection, kept between batches and used by one batch at a time; a broken one is made again
    (the writer may have been restarted). When no writer answers within ``wait`` seconds the batch fails
    with :class:`StoreUnavailable` (the API's 503), and nothing of it was stored.
    """

    def __init__(self, address: str, key: bytes, *, wait: float = CONNECT_WAIT) -> None:
        self.address = address
        self._key = key
        self._wait = wait
        self._lock = threading.Lock()
        self._conn: Connection | None = None

    def _connect(self) -> Connection:
        deadline = time.monotonic() + self._wait
        while True:
            try:
                return Client(self.address, family="AF_UNIX", authkey=self._key)
            except AuthenticationError as exc:
                raise StoreUnavailable(f"the writer process at {self.address} refused this server's key") from exc
            except (OSError, EOFError) as exc:
                if time.monotonic() >= deadline:
                    raise StoreUnavailable(f"the writer process does not answer at {self.address} ({exc}); "
                                           "nothing was stored — try again when `babelwire serve` has "
                                           "restarted it") from exc
                time.sleep(0.1)

    def _call(self, request: tuple[str, Any]) -> Any:
        with self._lock:
            self._send(request)
            try:
                kind, value = self._conn.recv()  # type: ignore[union-attr]
            except (OSError, EOFError) as exc:  # it died on this batch: it may or may not have committed
                self._drop()
                raise StoreUnavailable("the writer process stopped while it ingested this batch; what it "
                                       "committed before is stored (post again: stored ids answer "
                                       "already_known)") from exc
        if kind == "error":
            raise value
        return value

    def _send(self, request: tuple[str, Any]) -> None:
        """Send ``request``; a kept connection the writer hung up on is made again (nothing was sent on it)."""
        if self._conn is not None and self._conn.poll(0):  # an idle connection that reads: the writer hung up
            self._drop()
        try:
            self._connection().send(request)
        except (OSError, EOFError):  # it went away between batches
            self._drop()
            try:
                self._connection().send(request)
            except (OSError, EOFError) as exc:
                self._drop()
                raise StoreUnavailable(f"the writer process at {self.address} hung up; nothing was stored") from exc

    def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except OSError:
                pass
            self._conn = None

    def ingest(self, batch: Batch) -> tuple[int, dict[str, Any]]:
        status, body = self._call(("ingest", batch))
        return int(status), body

    def warm(self) -> None:
        self._call(("warm", None))

    def close(self) -> None:
        with self._lock:
            self._drop()


# -- the writer process ---------------------------------------------------------------------------
def _portable(exc: BaseException) -> BaseException:
    """Return ``exc`` if it survives pickling (babelwire's named errors do), else a StoreUnavailable naming it."""
    import pickle

    if isinstance(exc, BabelwireError):
        try:
            pickle.loads(pickle.dumps(exc))
            return exc
        except Exception:  # noqa: BLE001 - an error that cannot travel is described instead
            pass
    return StoreUnavailable(f"the writer process failed: {type(exc).__name__}: {exc}")


def serve_writer(store_path: str, encoder: Encoder, address: str, key: bytes) -> None:
    """Answer batches on ``address`` until terminated (the writer process's main loop).

    Each serving process keeps one connection; each connection has a thread, and the batches of all of
    them take turns on the one pipeline.
    """
    with open_store(store_path, check_same_thread=False) as store:
        writer = LocalWriter(store, lambda: encoder)

        def stop(*_: Any) -> None:  # a batch in progress commits first: the lock is its
            with writer.write_lock:
                sys.exit(0)

        signal.signal(signal.SIGTERM, stop)
        try:
            writer.warm()
        except Exception:  # noqa: BLE001 - the first batch reports what is wrong
            log.warning("the writer could not load its clusterer", exc_info=True)
        with Listener(address, family="AF_UNIX", authkey=key) as listener:
            while True:
                try:
                    conn = listener.accept()
                except (OSError, EOFError):  # a client that failed authentication or hung up at once
                    continue
                threading.Thread(target=_answer, args=(writer, conn), daemon=True, name="babelwire-writer").start()


def _answer(writer: LocalWriter, conn: Connection) -> None:
    with conn:
        while True:
            try:
                op, payload = conn.recv()
            except (OSError, EOFError):
                return
            try:
                if op == "ingest":
                    reply: tuple[str, Any] = ("ok", writer.ingest(payload))
                elif op == "warm":
                    writer.warm()
                    reply = ("ok", None)
                else:
                    reply = ("error", StoreUnavailable(f"the writer process does not know {op!r}"))
            except Exception as exc:  # noqa: BLE001 - the asking process raises it
                log.exception("the writer failed on a %s request", op)
                reply = ("error", _portable(exc))
            try:
                conn.send(reply)
            except (OSError, EOFError):
                return


class WriterProcess:
    """The writer process of one ``babelwire serve``: started before the serving processes, restarted when it
    dies, stopped with the server.

    ``env()`` is what serving processes need to reach it (:data:`ADDRESS_ENV`, :data:`KEY_ENV`).
    """

    def __init__(self, store_path: str, *, encoder: str | None, threads: int | None) -> None:
        self.store_path = store_path
        self.encoder = encoder
        self.threads = threads
        self._dir = tempfile.mkdtemp(prefix="babelwire-writer-")
        self.address = str(Path(self._dir) / "writer.sock")
        self.key = secrets.token_bytes(32)
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._watch: threading.Thread | None = None
        self.restarts = 0

    def env(self) -> dict[str, str]:
        return {ADDRESS_ENV: self.address, KEY_ENV: self.key.hex()}

    def start(self) -> None:
        """Start the process and a thread that restarts it whenever it exits unasked."""
        self._spawn()
        self._watch = threading.Thread(target=self._keep_running, daemon=True, name="babelwire-writer-watch")
        self._watch.start()

    def _spawn(self) -> None:
        args = [sys.executable, "-m", "babelwire.web._writer", "--db", self.store_path, "--address", self.address]
        if self.encoder:
            args += ["--encoder", self.encoder]
        if self.threads:
            args += ["--threads", str(self.threads)]
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.address)
        env = {**os.environ, KEY_ENV: self.key.hex()}
        self._proc = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL)  # its log goes to serve's stderr

    def _keep_running(self) -> None:
        delay = 0.5
        while not self._stopping.is_set():
            proc = self._proc
            if proc is not None and proc.poll() is not None and not self._stopping.is_set():
                log.error("the writer process exited with %s; starting it again", proc.returncode)
                self.restarts += 1
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
                if not self._stopping.is_set():
                    self._spawn()
                continue
            if self._stopping.wait(0.5):
                return
            delay = 0.5 if proc is not None and proc.poll() is None else delay

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def stop(self, timeout: float = 20.0) -> None:
        """Stop the process (it finishes the batch it is on: a batch is one transaction either way)."""
        self._stopping.set()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.address)
        with contextlib.suppress(OSError):
            os.rmdir(self._dir)


def _exit_with_parent(parent: int) -> None:
    """End the writer when the process that started it is gone (killed without a chance to stop it)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    log.warning("the serving process %s is gone; the writer stops", parent)
    os.kill(os.getpid(), signal.SIGTERM)


def main(argv: list[str] | None = None) -> None:
    """``python -m babelwire.web._writer --db STORE --address SOCKET [--encoder E] [--threads N]``; the
    shared secret comes in the environment (:data:`KEY_ENV`)."""
    ap = argparse.ArgumentParser(prog="babelwire-writer", description=__doc__)
    ap.add_argument("--db", required=True)
    ap.add_argument("--address", required=True)
    ap.add_argument("--encoder")
    ap.add_argument("--threads", type=int)
    args = ap.parse_args(argv)
    key = bytes.fromhex(os.environ.get(KEY_ENV, ""))
    if not key:
        raise SystemExit(f"babelwire writer: {KEY_ENV} is not set")
    logging.basicConfig(level=logging.INFO, format="babelwire writer: %(levelname)s %(message)s")
    from .app import one_blas_thread

    one_blas_thread()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: serve stops it in turn
    parent = os.getppid()
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True, name="babelwire-writer-parent").start()
    serve_writer(args.db, get_encoder(args.encoder, threads=args.threads), args.address, key)


if __name__ == "__main__":
    main()
