"""Embeddings in SQLite: vectors cached by content hash and encoder, and look-ups over them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager

import numpy as np

__all__ = ["SqliteEmbeddings"]


class SqliteEmbeddings:
    """The embeddings part of the store (``EmbeddingStore``)."""

    db: sqlite3.Connection
    transaction: Callable[[], AbstractContextManager[None]]

    def get_vectors(self, hashes: Iterable[str], *, encoder: str, kind: str = "passage") -> dict[str, np.ndarray]:
        """Return the cached vectors for ``hashes`` made by ``encoder`` (missing ones absent)."""
        hashes = list(dict.fromkeys(hashes))
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(hashes), 500):
            part = hashes[i : i + 500]
            q = ",".join("?" * len(part))
            for h, blob in self.db.execute(
                f"SELECT content_hash, vector FROM embeddings WHERE encoder = ? AND kind = ? AND content_hash IN ({q})",
                [encoder, kind, *part],
            ):
                out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_vectors(self, vectors: dict[str, np.ndarray], *, encoder: str, kind: str = "passage") -> None:
        """Cache vectors by content hash for ``encoder``."""
        with self.transaction():
            self.db.executemany(
                "INSERT OR REPLACE INTO embeddings (content_hash, encoder, kind, dim, vector) VALUES (?,?,?,?,?)",
                [(h, encoder, kind, int(v.shape[0]), np.asarray(v, np.float32).tobytes()) for h, v in vectors.items()],
            )

    def encoders_used(self) -> dict[str, int]:
        """Return how many cached vectors each encoder fingerprint has made."""
        return dict(self.db.execute("SELECT encoder, count(*) FROM embeddings GROUP BY encoder").fetchall())

    def article_vectors(
        self, *, encoder: str, after_seq: int = 0, upto_seq: int | None = None
    ) -> tuple[list[str], np.ndarray]:
        """Return the ids of the articles with a cached ``encoder`` vector and those vectors, one row each,
        in ingest order; ``after_seq``/``upto_seq`` (ingest sequence numbers, see ``version``) keep only a
        range of it."""
        rows = self.db.execute(
            """SELECT a.id, e.vector FROM articles a
               JOIN embeddings e ON e.content_hash = a.embed_hash AND e.encoder = ? AND e.kind = 'passage'
               WHERE a.seq > ? AND a.seq <= ?
               ORDER BY a.seq""",
            (encoder, after_seq, (1 << 62) if upto_seq is None else upto_seq),
        ).fetchall()
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        return [r[0] for r in rows], np.vstack([np.frombuffer(r[1], dtype=np.float32) for r in rows])

    def nearest_articles(self, vector: np.ndarray, k: int, *, encoder: str,
                         chunk: int = 20_000) -> list[tuple[str, float]]:
        """Return the ``k`` articles whose ``encoder`` vector is nearest ``vector`` by cosine, best first.

        SQLite has no vector index: the vectors are scanned in chunks of ``chunk``, so memory
        stays bounded however large the store (a backend with an index answers this itself).
        """
        q = np.asarray(vector, np.float32)
        best_ids: list[str] = []
        best = np.zeros(0, np.float32)
        cur = self.db.execute(
            """SELECT a.id, e.vector FROM articles a
               JOIN embeddings e ON e.content_hash = a.embed_hash AND e.encoder = ? AND e.kind = 'passage'
               ORDER BY a.seq""",
            (encoder,),
        )
        while rows := cur.fetchmany(chunk):
            sims = np.frombuffer(b"".join(r[1] for r in rows), np.float32).reshape(len(rows), -1) @ q
            ids = best_ids + [r[0] for r in rows]
            allsims = np.concatenate([best, sims])
            top = np.argsort(-allsims, kind="stable")[:k]
            best_ids, best = [ids[i] for i in top], allsims[top]
        return list(zip(best_ids, best.tolist(), strict=True))

    def article_vector(self, article_id: str, *, encoder: str) -> np.ndarray | None:
        """Return the article's whole-text ``encoder`` vector, or None."""
        row = self.db.execute(
            """SELECT e.vector FROM articles a JOIN embeddings e ON e.content_hash = a.embed_hash
               AND e.encoder = ? AND e.kind = 'passage' WHERE a.id = ?""",
            (encoder, article_id),
        ).fetchone()
        return None if row is None else np.frombuffer(row[0], np.float32)
