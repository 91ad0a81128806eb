"""PostgreSQL's dialect of the store's named migrations: one function per name in ``store/_migrations.py``.

The names and their order are the SQLite registry's (``MIGRATIONS``); this module gives each its
PostgreSQL twin with ``@twin``, named the same. A name without a twin makes ``migrate`` fail (and
a test), so a new SQLite migration needs its small PostgreSQL function here.

Text columns compare byte-wise (``COLLATE "C"``), as SQLite's do, so ids, dates and facets sort the
same on both backends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ...errors import StoreError
from .._migrations import MIGRATIONS

__all__ = ["PG_MIGRATIONS", "migrate", "applied", "ARTICLE_DOCUMENT"]

PgMigration = Callable[[Any], None]
PG_MIGRATIONS: dict[str, PgMigration] = {}

# What keyword search matches: the title weighted above the body, in the language-neutral `simple`
# configuration (any language: words lower-cased, no stemming). The GIN index is on this expression.
ARTICLE_DOCUMENT = "(setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', text), 'B'))"


def twin(fn: PgMigration) -> PgMigration:
    """Register ``fn`` as the PostgreSQL version of the migration of the same name."""
    PG_MIGRATIONS[fn.__name__] = fn
    return fn


def _script(conn: Any, sql: str) -> None:
    for statement in sql.split(";"):
        if statement.strip():
            conn.execute(re.sub(r"\bTEXT\b", 'TEXT COLLATE "C"', statement))


def applied(conn: Any) -> list[str]:
    """Return the names of the migrations already applied, in order."""
    if conn.execute("SELECT to_regclass('_migrations')").fetchone()[0] is None:
        return []
    return [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY seq")]


def migrate(conn: Any) -> list[str]:
    """Apply every pending migration, each in its own transaction under the store's write lock; return the
    names applied now."""
    from ._connection import WRITE_LOCK

    missing = [name for name, _ in MIGRATIONS if name not in PG_MIGRATIONS]
    if missing:
        raise StoreError(f"migration(s) {', '.join(missing)} have no PostgreSQL version "
                         "(store/postgres/_migrations.py)")
    done = set(applied(conn))
    now: list[str] = []
    for name, _ in MIGRATIONS:
        if name in done:
            continue
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS _migrations (seq BIGINT GENERATED ALWAYS AS IDENTITY, "
                         "name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            # another process opening the same new store may have applied it while this one waited for the lock
            ran = not conn.execute("SELECT 1 FROM _migrations WHERE name = %s", (name,)).fetchone()
            if ran:
                PG_MIGRATIONS[name](conn)
                conn.execute("INSERT INTO _migrations (name, applied_at) VALUES (%s, %s)",
                             (name, datetime.now(UTC).isoformat(timespec="seconds")))
        if ran:
            now.append(name)
    return now


@twin
def m001_initial(conn: Any) -> None:
    """The first schema; vectors in pgvector columns (any dimension: an HNSW index per dimension is made
    when vectors of that size first arrive), and the change counter ``data_version`` reads."""
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:
        raise StoreError(f"the store needs the vector and pg_trgm extensions ({exc}); "
                         "a superuser can add them: CREATE EXTENSION vector; CREATE EXTENSION pg_trgm") from exc
    _script(
        conn,
        """
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            origin TEXT NOT NULL,
            format TEXT NOT NULL,
            url TEXT,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            raw TEXT NOT NULL,
            lang TEXT,
            lang_confidence DOUBLE PRECISION,
            published TEXT,
            published_provenance TEXT,
            published_confidence DOUBLE PRECISION,
            removed TEXT NOT NULL DEFAULT '[]',
            meta TEXT NOT NULL DEFAULT '{}',
            content_hash TEXT NOT NULL,
            embed_hash TEXT NOT NULL,
            read_at TEXT NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE INDEX articles_content_hash ON articles(content_hash);
        CREATE INDEX articles_embed_hash ON articles(embed_hash);
        CREATE INDEX articles_published ON articles(published);
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            headline TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE memberships (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            story_id TEXT NOT NULL REFERENCES stories(id),
            score DOUBLE PRECISION,
            evidence TEXT NOT NULL DEFAULT '{}',
            assigned_at TEXT NOT NULL
        );
        CREATE INDEX memberships_story ON memberships(story_id);
        CREATE TABLE embeddings (
            content_hash TEXT NOT NULL,
            encoder TEXT NOT NULL,
            kind TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector vector NOT NULL,
            PRIMARY KEY (content_hash, encoder, kind)
        );
        CREATE TABLE rejected (
            rowid BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            origin TEXT NOT NULL,
            article_id TEXT,
            reason TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE TABLE duplicates (
            rowid BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            article_id TEXT NOT NULL,
            origin TEXT NOT NULL,
            duplicate_of TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE TABLE source_docs (
            source TEXT PRIMARY KEY,
            documents BIGINT NOT NULL
        );
        CREATE TABLE source_lines (
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            count BIGINT NOT NULL,
            PRIMARY KEY (source, key)
        );
        CREATE TABLE settings (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE _data_version (n BIGINT NOT NULL);
        INSERT INTO _data_version (n) VALUES (0)
        """,
    )


@twin
def m002_fts(conn: Any) -> None:
    """Keyword search: a GIN index over the `simple` text document, and a trigram index over titles
    (pg_trgm) for near-miss spellings; both follow the table without triggers."""
    conn.execute(f"CREATE INDEX articles_fts ON articles USING gin ({ARTICLE_DOCUMENT})")
    conn.execute("CREATE INDEX articles_title_trgm ON articles USING gin (title gin_trgm_ops)")


@twin
def m003_stories_audit(conn: Any) -> None:
    _script(
        conn,
        """
        CREATE TABLE story_redirects (
            old_id TEXT PRIMARY KEY,
            new_id TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE TABLE audit_log (
            rowid BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            story_id TEXT,
            details TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE constraints (
            rowid BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('link', 'unlink')),
            a TEXT NOT NULL,
            b TEXT NOT NULL,
            at TEXT NOT NULL
        )
        """,
    )


@twin
def m004_signals_and_columns(conn: Any) -> None:
    """Persisted signals, clusterer totals, the ingest sequence number and membership decision columns (see
    the SQLite migration of this name)."""
    _script(
        conn,
        """
        ALTER TABLE articles ADD COLUMN seq BIGINT;
        UPDATE articles a SET seq = x.n
            FROM (SELECT id, row_number() OVER (ORDER BY ingested_at, id) AS n FROM articles) x WHERE x.id = a.id;
        CREATE UNIQUE INDEX articles_seq ON articles(seq);
        ALTER TABLE memberships ADD COLUMN copy_of TEXT;
        ALTER TABLE memberships ADD COLUMN copy_kind TEXT;
        ALTER TABLE memberships ADD COLUMN copy_similarity DOUBLE PRECISION;
        ALTER TABLE memberships ADD COLUMN decision TEXT;
        UPDATE memberships SET copy_of = evidence::json ->> 'copy_of',
            copy_kind = evidence::json ->> 'copy_kind',
            copy_similarity = (evidence::json ->> 'copy_similarity')::double precision,
            decision = coalesce(evidence::json ->> 'reason',
                                CASE WHEN evidence::json -> 'moved' IS NOT NULL THEN 'moved' ELSE 'scored' END);
        CREATE TABLE article_signals (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            window_day DOUBLE PRECISION,
            active_day DOUBLE PRECISION,
            meta TEXT NOT NULL,
            arrays BYTEA NOT NULL
        );
        CREATE INDEX article_signals_day ON article_signals(window_day);
        CREATE INDEX article_signals_active ON article_signals(active_day);
        CREATE TABLE working_set_pins (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE
        );
        CREATE TABLE cluster_totals (
            name TEXT PRIMARY KEY,
            count BIGINT NOT NULL,
            total BYTEA NOT NULL
        );
        CREATE TABLE entity_df (
            key TEXT PRIMARY KEY,
            count BIGINT NOT NULL
        )
        """,
    )


@twin
def m005_rejected_once(conn: Any) -> None:
    _script(
        conn,
        """
        DELETE FROM rejected WHERE rowid NOT IN (
            SELECT min(rowid) FROM rejected GROUP BY origin, coalesce(article_id, ''), reason
        );
        CREATE INDEX IF NOT EXISTS rejected_origin ON rejected(origin)
        """,
    )


@twin
def m006_owed_passes(conn: Any) -> None:
    """The stories a committed batch touched whose merge/split/reassign pass has not run yet."""
    _script(conn, "CREATE TABLE owed_passes (story_id TEXT PRIMARY KEY)")


@twin
def m007_sources(conn: Any) -> None:
    """Watched sources: each one's polling state, and the entry keys it has ingested (see the SQLite
    migration of this name)."""
    _script(
        conn,
        """
        CREATE TABLE sources (
            name TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            url TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            last_poll TEXT,
            next_poll DOUBLE PRECISION NOT NULL DEFAULT 0,
            failures BIGINT NOT NULL DEFAULT 0,
            backoff DOUBLE PRECISION NOT NULL DEFAULT 0,
            status TEXT,
            error TEXT,
            new_entries BIGINT NOT NULL DEFAULT 0,
            stored BIGINT NOT NULL DEFAULT 0,
            polls BIGINT NOT NULL DEFAULT 0,
            errors_total BIGINT NOT NULL DEFAULT 0,
            stored_total BIGINT NOT NULL DEFAULT 0
        );
        CREATE TABLE source_seen (
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (source, key)
        )
        """,
    )


def _restart_identity(conn: Any, table: str, column: str) -> None:
    """Number the next row of ``table`` after the highest ``column`` it holds (rows written with explicit ids)."""
    conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                 f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)")


@twin
def m008_changes(conn: Any) -> None:
    """The changes feed (see the SQLite migration of this name): a cursor from an identity, which only grows
    (a sequence never goes back, not even for a rolled-back transaction); a store that already holds stories
    gets them as ``backfilled`` ``story.created`` and ``article.stored`` entries, in the SQLite twin's order."""
    _script(
        conn,
        """
        CREATE TABLE changes (
            cursor BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            story_id TEXT,
            article_id TEXT,
            data TEXT NOT NULL
        );
        CREATE INDEX changes_kind ON changes(kind, cursor);
        CREATE INDEX changes_story ON changes(story_id, cursor)
        """,
    )
    # explicit cursors (row_number) rather than an INSERT ... SELECT ... ORDER BY, whose numbering order
    # PostgreSQL does not promise; then the identity numbers on after them
    conn.execute(
        """INSERT INTO changes (cursor, at, kind, story_id, article_id, data)
           SELECT row_number() OVER (ORDER BY part, k1 COLLATE "C", k2 COLLATE "C", k3),
                  at, kind, story_id, article_id, data FROM (
               SELECT 0 AS part, s.created_at AS k1, s.id AS k2, 0::bigint AS k3, s.created_at AS at,
                      'story.created' AS kind, s.id AS story_id, NULL AS article_id,
                      json_build_object('story_id', s.id, 'headline', s.headline, 'backfilled', true)::text AS data
               FROM stories s WHERE s.id IN (SELECT story_id FROM memberships)
               UNION ALL
               SELECT 1, '', '', a.seq, m.assigned_at, 'article.stored', m.story_id, a.id,
                      json_build_object('article_id', a.id, 'story_id', m.story_id, 'lang', a.lang,
                                        'source', a.source, 'title', a.title, 'published', a.published,
                                        'copy_of', m.copy_of, 'backfilled', true)::text
               FROM memberships m JOIN articles a ON a.id = m.article_id
           ) x"""
    )
    _restart_identity(conn, "changes", "cursor")


@twin
def m009_alerts(conn: Any) -> None:
    """Saved alerts, their story records and firings (see the SQLite migration of this name); a firing is
    unique per alert, story, reason and value."""
    _script(
        conn,
        """
        CREATE TABLE alerts (
            name TEXT PRIMARY KEY,
            query TEXT NOT NULL,
            lang TEXT,
            source TEXT,
            min_sources INTEGER,
            webhook TEXT,
            secret TEXT,
            created_at TEXT NOT NULL,
            start_cursor BIGINT NOT NULL,
            cursor BIGINT NOT NULL
        );
        CREATE TABLE alert_stories (
            alert TEXT NOT NULL,
            story_id TEXT NOT NULL,
            languages TEXT NOT NULL,
            sources INTEGER NOT NULL,
            PRIMARY KEY (alert, story_id)
        );
        CREATE TABLE alert_firings (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            alert TEXT NOT NULL,
            story_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            value TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            cursor BIGINT NOT NULL,
            data TEXT NOT NULL,
            delivery TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            delivered_at TEXT,
            UNIQUE (alert, story_id, reason, value)
        );
        CREATE INDEX alert_firings_at ON alert_firings(alert, at)
        """,
    )


@twin
def m011_journal(conn: Any) -> None:
    """The ingest journal (see the SQLite migration of this name); its ``seq`` from an identity, in commit
    order since every writer holds the write lock from its first statement to its commit."""
    _script(
        conn,
        """
        CREATE TABLE journal (
            seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('batch', 'pass')),
            items TEXT NOT NULL,
            at TEXT NOT NULL
        )
        """,
    )


# One story's summary from its members (see the SQLite migration m012_story_stats).
_STORY_STATS = """(SELECT count(*), min(a.published), max(a.published), max(a.seq)
                   FROM memberships m JOIN articles a ON a.id = m.article_id WHERE m.story_id = s.id)"""


@twin
def m012_story_stats(conn: Any) -> None:
    """Each story's member count, first and last publication date and newest ingest number as columns kept by
    triggers, and the partial index the story list reads (see the SQLite migration of this name).

    PL/pgSQL values carry the default collation, the columns "C": ids are compared ``COLLATE "C"``, and
    dates only column to column. Row triggers on one statement of many rows fire at its end and see all
    of it; a bound read again from the members is then the final one, and adding to it again is a no-op.
    """
    _script(
        conn,
        f"""
        ALTER TABLE stories ADD COLUMN article_count BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE stories ADD COLUMN first_pub TEXT;
        ALTER TABLE stories ADD COLUMN last_pub TEXT;
        ALTER TABLE stories ADD COLUMN newest_seq BIGINT;
        UPDATE stories s SET (article_count, first_pub, last_pub, newest_seq) = {_STORY_STATS}
            WHERE s.id IN (SELECT story_id FROM memberships);
        CREATE INDEX stories_listed ON stories (coalesce(last_pub, '') DESC, article_count DESC, newest_seq DESC)
            WHERE article_count > 0
        """,
    )
    members = "FROM memberships m JOIN articles x ON x.id = m.article_id WHERE m.story_id = s.id"
    # one execute() per function: their bodies hold semicolons that _script would split on
    conn.execute(
        f"""CREATE FUNCTION story_stats_recompute(story text) RETURNS void LANGUAGE sql AS $$
                UPDATE stories s SET (article_count, first_pub, last_pub, newest_seq) = {_STORY_STATS}
                WHERE s.id = story COLLATE "C"
            $$"""
    )
    conn.execute(
        """CREATE FUNCTION story_stats_join(story text, article text) RETURNS void LANGUAGE sql AS $$
               UPDATE stories s SET article_count = s.article_count + 1,
                   first_pub = least(s.first_pub, a.published), last_pub = greatest(s.last_pub, a.published),
                   newest_seq = greatest(s.newest_seq, a.seq)
               FROM articles a WHERE a.id = article COLLATE "C" AND s.id = story COLLATE "C"
           $$"""
    )
    conn.execute(
        f"""CREATE FUNCTION story_stats_leave(story text, article text) RETURNS void LANGUAGE sql AS $$
               UPDATE stories s SET article_count = s.article_count - 1,
                   first_pub = CASE WHEN a.published <= s.first_pub THEN (SELECT min(x.published) {members})
                               ELSE s.first_pub END,
                   last_pub = CASE WHEN a.published >= s.last_pub THEN (SELECT max(x.published) {members})
                              ELSE s.last_pub END,
                   newest_seq = CASE WHEN a.seq >= s.newest_seq THEN (SELECT max(x.seq) {members})
                                ELSE s.newest_seq END
               FROM articles a WHERE a.id = article COLLATE "C" AND s.id = story COLLATE "C"
           $$"""
    )
    conn.execute(
        """CREATE FUNCTION story_stats_membership() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
               IF TG_OP = 'INSERT' THEN
                   PERFORM story_stats_join(NEW.story_id, NEW.article_id);
               ELSIF TG_OP = 'UPDATE' THEN
                   PERFORM story_stats_leave(OLD.story_id, OLD.article_id);
                   PERFORM story_stats_join(NEW.story_id, NEW.article_id);
               ELSE  -- its article may be gone already (deleted with it, ON DELETE CASCADE): read again
                   PERFORM story_stats_recompute(OLD.story_id);
               END IF;
               RETURN NULL;
           END $$"""
    )
    conn.execute(
        """CREATE FUNCTION story_stats_article() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
               PERFORM story_stats_recompute(m.story_id) FROM memberships m
                   WHERE m.article_id IN (OLD.id COLLATE "C", NEW.id COLLATE "C");
               RETURN NULL;
           END $$"""
    )
    conn.execute(
        """CREATE FUNCTION story_stats_story() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN
               IF NEW.article_count <> 0 OR NEW.first_pub IS NOT NULL OR NEW.last_pub IS NOT NULL
                  OR NEW.newest_seq IS NOT NULL
                  OR EXISTS (SELECT 1 FROM memberships m WHERE m.story_id = NEW.id COLLATE "C") THEN
                   PERFORM story_stats_recompute(NEW.id);
               END IF;
               RETURN NULL;
           END $$"""
    )
    _script(
        conn,
        """
        CREATE TRIGGER story_stats_member_added AFTER INSERT ON memberships
            FOR EACH ROW EXECUTE FUNCTION story_stats_membership();
        CREATE TRIGGER story_stats_member_moved AFTER UPDATE OF article_id, story_id ON memberships FOR EACH ROW
            WHEN (OLD.story_id IS DISTINCT FROM NEW.story_id OR OLD.article_id IS DISTINCT FROM NEW.article_id)
            EXECUTE FUNCTION story_stats_membership();
        CREATE TRIGGER story_stats_member_deleted AFTER DELETE ON memberships
            FOR EACH ROW EXECUTE FUNCTION story_stats_membership();
        CREATE TRIGGER story_stats_article_changed AFTER UPDATE OF id, published, seq ON articles FOR EACH ROW
            WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.published IS DISTINCT FROM NEW.published
                  OR OLD.seq IS DISTINCT FROM NEW.seq)
            EXECUTE FUNCTION story_stats_article();
        CREATE TRIGGER story_stats_story_added AFTER INSERT ON stories
            FOR EACH ROW EXECUTE FUNCTION story_stats_story()
        """,
    )


@twin
def m013_facet_counts(conn: Any) -> None:
    """How many articles have each language and each source, kept by a trigger (see the SQLite migration of
    this name); every writer holds the write lock, so the few rows it updates are no new contention."""
    _script(
        conn,
        """
        CREATE TABLE facet_counts (
            facet TEXT NOT NULL,
            value TEXT NOT NULL,
            articles BIGINT NOT NULL,
            PRIMARY KEY (facet, value)
        );
        INSERT INTO facet_counts (facet, value, articles)
            SELECT 'lang', lang, count(*) FROM articles WHERE lang IS NOT NULL GROUP BY lang;
        INSERT INTO facet_counts (facet, value, articles)
            SELECT 'source', source, count(*) FROM articles WHERE source IS NOT NULL GROUP BY source
        """,
    )
    old = """(facet = 'lang' AND value = OLD.lang COLLATE "C")
             OR (facet = 'source' AND value = OLD.source COLLATE "C")"""
    conn.execute(
        f"""CREATE FUNCTION facet_counts_article() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    UPDATE facet_counts SET articles = articles - 1 WHERE {old};
                    DELETE FROM facet_counts WHERE articles <= 0 AND ({old});
                END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') THEN
                    INSERT INTO facet_counts (facet, value, articles)
                        SELECT f, v, 1 FROM (VALUES ('lang', NEW.lang), ('source', NEW.source)) x (f, v)
                        WHERE v IS NOT NULL
                    ON CONFLICT (facet, value) DO UPDATE SET articles = facet_counts.articles + 1;
                END IF;
                RETURN NULL;
            END $$"""
    )
    _script(
        conn,
        """
        CREATE TRIGGER facet_counts_added AFTER INSERT OR DELETE ON articles
            FOR EACH ROW EXECUTE FUNCTION facet_counts_article();
        CREATE TRIGGER facet_counts_changed AFTER UPDATE OF lang, source ON articles FOR EACH ROW
            WHEN (OLD.lang IS DISTINCT FROM NEW.lang OR OLD.source IS DISTINCT FROM NEW.source)
            EXECUTE FUNCTION facet_counts_article()
        """,
    )
