"""Embeddings in PostgreSQL: pgvector columns, and an HNSW index (cosine) per vector size answering
nearest-neighbour look-ups."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

__all__ = ["PgEmbeddings"]


def _np(v: Any) -> np.ndarray:
    return np.asarray(v.to_numpy() if hasattr(v, "to_numpy") else v, np.float32)


def hnsw_index(dim: int) -> str:
    """Return the name of the HNSW index over the whole-text vectors of size ``dim``."""
    return f"embeddings_hnsw_{int(dim)}"


class PgEmbeddings:
    """The embeddings part of the store (``EmbeddingStore``)."""

    _q: Callable[..., Any]
    _many: Callable[..., None]
    _hnsw_dims: set[int]
    transaction: Callable[[], AbstractContextManager[None]]

    def get_vectors(self, hashes: Iterable[str], *, encoder: str, kind: str = "passage") -> dict[str, np.ndarray]:
        """Return the cached vectors for ``hashes`` made by ``encoder`` (missing ones absent)."""
        hashes = list(dict.fromkeys(hashes))
        if not hashes:
            return {}
        rows = self._q("SELECT content_hash, vector FROM embeddings WHERE encoder = %s AND kind = %s "
                       "AND content_hash = ANY(%s)", (encoder, kind, hashes), binary=True)
        return {h: _np(v) for h, v in rows}

    def put_vectors(self, vectors: dict[str, np.ndarray], *, encoder: str, kind: str = "passage") -> None:
        """Cache vectors by content hash for ``encoder``."""
        rows = [(h, encoder, kind, int(v.shape[0]), np.asarray(v, np.float32)) for h, v in vectors.items()]
        with self.transaction():
            self._many(
                """INSERT INTO embeddings (content_hash, encoder, kind, dim, vector) VALUES (%s,%s,%s,%s,%s)
                   ON CONFLICT (content_hash, encoder, kind) DO UPDATE SET dim = excluded.dim,
                   vector = excluded.vector""",
                rows,
            )
            if kind == "passage":
                for dim in {r[3] for r in rows} - self._hnsw_dims:
                    self._ensure_hnsw(dim)

    def _ensure_hnsw(self, dim: int) -> None:
        # pgvector indexes vectors of one size: one partial index per size, on the column cast to it
        self._q(f"""CREATE INDEX IF NOT EXISTS {hnsw_index(dim)} ON embeddings
                    USING hnsw ((vector::vector({int(dim)})) vector_cosine_ops)
                    WHERE kind = 'passage' AND dim = {int(dim)}""")
        self._hnsw_dims.add(dim)

    def encoders_used(self) -> dict[str, int]:
        """Return how many cached vectors each encoder fingerprint has made."""
        return {e: int(n) for e, n in self._q("SELECT encoder, count(*) FROM embeddings GROUP BY encoder")}

    def article_vectors(
        self, *, encoder: str, after_seq: int = 0, upto_seq: int | None = None
    ) -> tuple[list[str], np.ndarray]:
        """Return the ids of the articles with a cached ``encoder`` vector and those vectors, one row each,
        in ingest order; ``after_seq``/``upto_seq`` (ingest sequence numbers, see ``version``) keep only a
        range of it."""
        rows = self._q(
            """SELECT a.id, e.vector FROM articles a
               JOIN embeddings e ON e.content_hash = a.embed_hash AND e.encoder = %s AND e.kind = 'passage'
               WHERE a.seq > %s AND a.seq <= %s
               ORDER BY a.seq""",
            (encoder, after_seq, (1 << 62) if upto_seq is None else upto_seq), binary=True,
        ).fetchall()
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        return [r[0] for r in rows], np.vstack([_np(r[1]) for r in rows])

    def nearest_articles(self, vector: np.ndarray, k: int, *, encoder: str) -> list[tuple[str, float]]:
        """Return the ``k`` articles whose ``encoder`` vector is nearest ``vector`` by cosine (approximately:
        the HNSW index answers), best first, with their cosine similarity."""
        q = np.asarray(vector, np.float32)
        dim = int(q.shape[0])
        if k <= 0:
            return []
        # The index finds the nearest vectors; articles join them after (a vector may be no article's, or
        # several's), so ask for a margin and, when the join still comes short of k, scan instead.
        pool = 2 * k + 16
        rows = self._q(
            f"""SELECT a.id, 1 - (e.vector::vector({dim}) <=> %(q)s::vector({dim})) AS sim
                FROM (SELECT content_hash, vector FROM embeddings
                      WHERE kind = 'passage' AND dim = {dim} AND encoder = %(encoder)s
                      ORDER BY vector::vector({dim}) <=> %(q)s::vector({dim}) LIMIT %(pool)s) e
                JOIN articles a ON a.embed_hash = e.content_hash
                ORDER BY sim DESC, a.seq LIMIT %(k)s""",
            {"q": q, "encoder": encoder, "pool": pool, "k": k},
        ).fetchall()
        if len(rows) < k:
            rows = self._q(
                f"""SELECT a.id, 1 - (e.vector::vector({dim}) <=> %(q)s::vector({dim})) AS sim
                    FROM articles a JOIN embeddings e ON e.content_hash = a.embed_hash
                    WHERE e.kind = 'passage' AND e.dim = {dim} AND e.encoder = %(encoder)s
                    ORDER BY sim DESC, a.seq LIMIT %(k)s""",
                {"q": q, "encoder": encoder, "k": k},
            ).fetchall()
        return [(i, float(s)) for i, s in rows]

    def article_vector(self, article_id: str, *, encoder: str) -> np.ndarray | None:
        """Return the article's whole-text ``encoder`` vector, or None."""
        row = self._q(
            """SELECT e.vector FROM articles a JOIN embeddings e ON e.content_hash = a.embed_hash
               AND e.encoder = %s AND e.kind = 'passage' WHERE a.id = %s""",
            (encoder, article_id), binary=True,
        ).fetchone()
        return None if row is None else _np(row[0])
