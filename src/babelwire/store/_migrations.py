"""Named, transactional schema migrations recorded in the ``_migrations`` table."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["MIGRATIONS", "migrate", "applied"]

Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[tuple[str, Migration]] = []


def _script(db: sqlite3.Connection, sql: str) -> None:
    # executescript() would COMMIT the migration's transaction first; run statements one by one.
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


def migration(fn: Migration) -> Migration:
    """Register ``fn`` as the next migration, named after the function."""
    MIGRATIONS.append((fn.__name__, fn))
    return fn


# The first schema: articles, stories and memberships, the embedding cache, rejections and duplicates,
# the cleaner's line memory, settings.
_INITIAL_SCHEMA = """
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
            lang_confidence REAL,
            published TEXT,
            published_provenance TEXT,
            published_confidence REAL,
            removed TEXT NOT NULL DEFAULT '[]',
            meta TEXT NOT NULL DEFAULT '{}',
            content_hash TEXT NOT NULL,
            embed_hash TEXT NOT NULL,
            read_at TEXT NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE INDEX articles_content_hash ON articles(content_hash);
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
            score REAL,
            evidence TEXT NOT NULL DEFAULT '{}',
            assigned_at TEXT NOT NULL
        );
        CREATE INDEX memberships_story ON memberships(story_id);
        CREATE TABLE embeddings (
            content_hash TEXT NOT NULL,
            encoder TEXT NOT NULL,
            kind TEXT NOT NULL,
            dim INTEGER NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (content_hash, encoder, kind)
        ) WITHOUT ROWID;
        CREATE TABLE rejected (
            rowid INTEGER PRIMARY KEY,
            origin TEXT NOT NULL,
            article_id TEXT,
            reason TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE TABLE duplicates (
            rowid INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL,
            origin TEXT NOT NULL,
            duplicate_of TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE TABLE source_docs (
            source TEXT PRIMARY KEY,
            documents INTEGER NOT NULL
        );
        CREATE TABLE source_lines (
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (source, key)
        ) WITHOUT ROWID;
        CREATE TABLE settings (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """


@migration
def m001_initial(db: sqlite3.Connection) -> None:
    """Create the first schema (``_INITIAL_SCHEMA``)."""
    _script(db, _INITIAL_SCHEMA)


@migration
def m002_fts(db: sqlite3.Connection) -> None:
    """Full-text index over article titles and bodies for keyword search, kept in sync by triggers.

    The index holds its own copy keyed by article id (not an external-content
    table on ``articles.rowid``: VACUUM may renumber implicit rowids). Python
    builds without FTS5 skip it; keyword search then falls back to LIKE.
    """
    try:
        db.execute(
            "CREATE VIRTUAL TABLE articles_fts USING fts5("
            "id UNINDEXED, title, text, tokenize = 'unicode61 remove_diacritics 2')"
        )
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc).lower():
            return
        raise
    # One execute() per statement: the trigger bodies hold semicolons that _script would split on.
    db.execute("INSERT INTO articles_fts (id, title, text) SELECT id, title, text FROM articles")
    db.execute(
        """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
               INSERT INTO articles_fts (id, title, text) VALUES (new.id, new.title, new.text);
           END"""
    )
    db.execute(
        """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
               DELETE FROM articles_fts WHERE id = old.id;
           END"""
    )
    db.execute(
        """CREATE TRIGGER articles_fts_update AFTER UPDATE OF id, title, text ON articles BEGIN
               DELETE FROM articles_fts WHERE id = old.id;
               INSERT INTO articles_fts (id, title, text) VALUES (new.id, new.title, new.text);
           END"""
    )


def applied(db: sqlite3.Connection) -> list[str]:
    """Return the names of the migrations already applied, in order."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    return [r[0] for r in db.execute("SELECT name FROM _migrations ORDER BY rowid")]


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply every pending migration, each in its own transaction; return the names applied now."""
    done = set(applied(db))
    now: list[str] = []
    for name, fn in MIGRATIONS:
        if name in done:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            # another process opening the same new store may have applied it while this one waited for the lock
            ran = not db.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone()
            if ran:
                fn(db)
                db.execute(
                    "INSERT INTO _migrations(name, applied_at) VALUES (?, ?)",
                    (name, datetime.now(UTC).isoformat(timespec="seconds")),
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        if ran:
            now.append(name)
    return now


@migration
def m003_stories_audit(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        CREATE TABLE story_redirects (
            old_id TEXT PRIMARY KEY,
            new_id TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE TABLE audit_log (
            rowid INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            action TEXT NOT NULL,
            story_id TEXT,
            details TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE constraints (
            rowid INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('link', 'unlink')),
            a TEXT NOT NULL,
            b TEXT NOT NULL,
            at TEXT NOT NULL
        )
        """,
    )


@migration
def m004_signals_and_columns(db: sqlite3.Connection) -> None:
    """Persisted signals, clusterer totals, an ingest sequence number and membership decision columns.

    ``article_signals`` holds one versioned record per article (signals/record.py);
    the pipeline fills it for stores written before this migration, once, from
    their cached embeddings (``Pipeline.upgrade_signals``, with a progress bar at
    the CLI), since computing signals needs the encoder's vectors, not only SQL.
    ``active_day`` places an article in time for the clusterer's working set (its
    publication-grade day, or for an undated one the newest such day the store had
    seen when it arrived); ``working_set_pins`` names articles whose stories stay in
    the working set though older (loaded for a late article or a correction).
    Memberships get the decisions programs read back (``copy_of``, ``copy_kind``,
    ``copy_similarity``, ``decision``) as columns, filled here from the evidence.
    """
    _script(
        db,
        """
        ALTER TABLE articles ADD COLUMN seq INTEGER;
        UPDATE articles SET seq = rowid;
        CREATE UNIQUE INDEX articles_seq ON articles(seq);
        ALTER TABLE memberships ADD COLUMN copy_of TEXT;
        ALTER TABLE memberships ADD COLUMN copy_kind TEXT;
        ALTER TABLE memberships ADD COLUMN copy_similarity REAL;
        ALTER TABLE memberships ADD COLUMN decision TEXT;
        UPDATE memberships SET copy_of = json_extract(evidence, '$.copy_of'),
            copy_kind = json_extract(evidence, '$.copy_kind'),
            copy_similarity = json_extract(evidence, '$.copy_similarity'),
            decision = coalesce(json_extract(evidence, '$.reason'),
                                CASE WHEN json_extract(evidence, '$.moved') IS NOT NULL THEN 'moved' ELSE 'scored' END);
        CREATE TABLE article_signals (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            window_day REAL,
            active_day REAL,
            meta TEXT NOT NULL,
            arrays BLOB NOT NULL
        );
        CREATE INDEX article_signals_day ON article_signals(window_day);
        CREATE INDEX article_signals_active ON article_signals(active_day);
        CREATE TABLE working_set_pins (
            article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE
        );
        CREATE TABLE cluster_totals (
            name TEXT PRIMARY KEY,
            count INTEGER NOT NULL,
            total BLOB NOT NULL
        );
        CREATE TABLE entity_df (
            key TEXT PRIMARY KEY,
            count INTEGER NOT NULL
        ) WITHOUT ROWID
        """,
    )


@migration
def m005_rejected_once(db: sqlite3.Connection) -> None:
    # A rerun recorded every rejection again: keep the first of each, and index what finds it.
    _script(
        db,
        """
        DELETE FROM rejected WHERE rowid NOT IN (
            SELECT min(rowid) FROM rejected GROUP BY origin, coalesce(article_id, ''), reason
        );
        CREATE INDEX IF NOT EXISTS rejected_origin ON rejected(origin)
        """,
    )


@migration
def m006_owed_passes(db: sqlite3.Connection) -> None:
    """The stories a committed batch touched whose merge/split/reassign pass has not run yet.

    A batch records them in its own transaction and the pass clears them in its, so an
    ingest killed between the two leaves the work owed here, for the next writer to finish.
    """
    _script(db, "CREATE TABLE owed_passes (story_id TEXT PRIMARY KEY) WITHOUT ROWID")


@migration
def m007_sources(db: sqlite3.Connection) -> None:
    """Watched sources: each one's polling state, and the entry keys it has ingested.

    ``sources`` holds one row per source (conditional-GET validators, next poll, failures and
    backoff, what the last poll did), so a restarted ``babelwire watch`` resumes where it was;
    ``source_seen`` holds the key of every entry (or inbox file) a source has ingested, so an
    entry is read once however often it is polled, and the watcher keeps none of them in memory.
    """
    _script(
        db,
        """
        CREATE TABLE sources (
            name TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            url TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            last_poll TEXT,
            next_poll REAL NOT NULL DEFAULT 0,
            failures INTEGER NOT NULL DEFAULT 0,
            backoff REAL NOT NULL DEFAULT 0,
            status TEXT,
            error TEXT,
            new_entries INTEGER NOT NULL DEFAULT 0,
            stored INTEGER NOT NULL DEFAULT 0,
            polls INTEGER NOT NULL DEFAULT 0,
            errors_total INTEGER NOT NULL DEFAULT 0,
            stored_total INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE source_seen (
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (source, key)
        ) WITHOUT ROWID
        """,
    )


@migration
def m008_changes(db: sqlite3.Connection) -> None:
    """The changes feed: an append-only log, one row per change, with a cursor that only grows.

    Each row is written in the transaction of the change it records. A store that already holds
    stories gets them as ``story.created`` and ``article.stored`` entries (in ingest order, marked
    ``backfilled``), so replaying the feed from 0 gives its memberships as they are.
    """
    _script(
        db,
        """
        CREATE TABLE changes (
            cursor INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            story_id TEXT,
            article_id TEXT,
            data TEXT NOT NULL
        );
        CREATE INDEX changes_kind ON changes(kind, cursor);
        CREATE INDEX changes_story ON changes(story_id, cursor);
        INSERT INTO changes (at, kind, story_id, article_id, data)
            SELECT s.created_at, 'story.created', s.id, NULL,
                   json_object('story_id', s.id, 'headline', s.headline, 'backfilled', json('true'))
            FROM stories s WHERE s.id IN (SELECT story_id FROM memberships) ORDER BY s.created_at, s.id;
        INSERT INTO changes (at, kind, story_id, article_id, data)
            SELECT m.assigned_at, 'article.stored', m.story_id, a.id,
                   json_object('article_id', a.id, 'story_id', m.story_id, 'lang', a.lang, 'source', a.source,
                               'title', a.title, 'published', a.published, 'copy_of', m.copy_of,
                               'backfilled', json('true'))
            FROM memberships m JOIN articles a ON a.id = m.article_id ORDER BY a.seq
        """,
    )


@migration
def m009_alerts(db: sqlite3.Connection) -> None:
    """Saved alerts, what each knows of the stories it matched, and its firings with their delivery state.

    A firing is unique per alert, story, reason and value, so evaluating again never fires twice.
    """
    _script(
        db,
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
            start_cursor INTEGER NOT NULL,
            cursor INTEGER NOT NULL
        );
        CREATE TABLE alert_stories (
            alert TEXT NOT NULL,
            story_id TEXT NOT NULL,
            languages TEXT NOT NULL,
            sources INTEGER NOT NULL,
            PRIMARY KEY (alert, story_id)
        ) WITHOUT ROWID;
        CREATE TABLE alert_firings (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            alert TEXT NOT NULL,
            story_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            value TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            cursor INTEGER NOT NULL,
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


@migration
def m011_journal(db: sqlite3.Connection) -> None:
    """The ingest journal: each committed batch's input ids in order, and each committed pass's stories.

    Writers take turns per batch, so the journal is the one serial order that several ingests and a
    server produced together; replaying it in one process gives the same stories (``pipeline.replay``).
    """
    _script(
        db,
        """
        CREATE TABLE journal (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('batch', 'pass')),
            items TEXT NOT NULL,
            at TEXT NOT NULL
        )
        """,
    )


# One story's summary from its members, as the story list needs it (an UPDATE ... SET (cols) = (this)).
_STORY_STATS = """(SELECT count(*), min(a.published), max(a.published), max(a.seq)
                   FROM memberships m JOIN articles a ON a.id = m.article_id WHERE m.story_id = stories.id)"""


def _story_joins(story: str, article: str) -> str:
    """Return the UPDATE that counts article ``article`` into story ``story``: compares, no member is read."""
    # scalar look-ups by primary key, not UPDATE ... FROM (SQLite 3.33); min(x, y) is NULL when either is:
    # coalesce keeps the other (an undated member, a first member)
    pub, seq = (f"(SELECT {col} FROM articles WHERE id = {article})" for col in ("published", "seq"))
    return f"""UPDATE stories SET article_count = article_count + 1,
                   first_pub = coalesce(min(first_pub, {pub}), first_pub, {pub}),
                   last_pub = coalesce(max(last_pub, {pub}), last_pub, {pub}),
                   newest_seq = coalesce(max(newest_seq, {seq}), newest_seq, {seq})
               WHERE id = {story} AND EXISTS (SELECT 1 FROM articles WHERE id = {article});"""


def _story_leaves(story: str, article: str) -> str:
    """Return the UPDATE that takes article ``article`` out of story ``story``: a bound it held is read again
    from the members left (through ``memberships_story``), any other is kept."""
    pub, seq = (f"(SELECT {col} FROM articles WHERE id = {article})" for col in ("published", "seq"))
    members = "FROM memberships m JOIN articles x ON x.id = m.article_id WHERE m.story_id = stories.id"
    return f"""UPDATE stories SET article_count = article_count - 1,
                   first_pub = CASE WHEN {pub} <= first_pub THEN (SELECT min(x.published) {members})
                               ELSE first_pub END,
                   last_pub = CASE WHEN {pub} >= last_pub THEN (SELECT max(x.published) {members})
                              ELSE last_pub END,
                   newest_seq = CASE WHEN {seq} >= newest_seq THEN (SELECT max(x.seq) {members})
                                ELSE newest_seq END
               WHERE id = {story} AND EXISTS (SELECT 1 FROM articles WHERE id = {article});"""


@migration
def m012_story_stats(db: sqlite3.Connection) -> None:
    """Each story's summary as columns the database keeps: its member count, first and last publication
    date and newest ingest number, so the story list reads an index instead of grouping every membership.

    Triggers keep them on every write (a store method or raw SQL): a membership added, moved (both
    stories) or deleted; an article's date or number changed, an article deleted or added after its
    membership; a story row created before or after its members. Adding compares in O(1); taking a
    member out reads the story's members again only for a bound that member held. The counts are of
    members whose article exists (as the join the list used to group did); the list shows stories with
    at least one, most recently published first, by the partial index ``stories_listed``.
    """
    _script(
        db,
        f"""
        ALTER TABLE stories ADD COLUMN article_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE stories ADD COLUMN first_pub TEXT;
        ALTER TABLE stories ADD COLUMN last_pub TEXT;
        ALTER TABLE stories ADD COLUMN newest_seq INTEGER;
        UPDATE stories SET (article_count, first_pub, last_pub, newest_seq) = {_STORY_STATS}
            WHERE id IN (SELECT story_id FROM memberships);
        CREATE INDEX stories_listed ON stories (coalesce(last_pub, '') DESC, article_count DESC, newest_seq DESC)
            WHERE article_count > 0
        """,
    )
    recompute = f"UPDATE stories SET (article_count, first_pub, last_pub, newest_seq) = {_STORY_STATS}"
    # One execute() per trigger: their bodies hold semicolons that _script would split on.
    for trigger in (
        f"""CREATE TRIGGER story_stats_member_added AFTER INSERT ON memberships BEGIN
                {_story_joins("new.story_id", "new.article_id")}
            END""",
        f"""CREATE TRIGGER story_stats_member_moved AFTER UPDATE OF article_id, story_id ON memberships
            WHEN old.story_id IS NOT new.story_id OR old.article_id IS NOT new.article_id BEGIN
                {_story_leaves("old.story_id", "old.article_id")}
                {_story_joins("new.story_id", "new.article_id")}
            END""",
        # a deleted member's article may be gone already (deleted with it, ON DELETE CASCADE): read again
        f"""CREATE TRIGGER story_stats_member_deleted AFTER DELETE ON memberships BEGIN
                {recompute} WHERE id = old.story_id;
            END""",
        f"""CREATE TRIGGER story_stats_article_changed AFTER UPDATE OF id, published, seq ON articles
            WHEN old.id IS NOT new.id OR old.published IS NOT new.published OR old.seq IS NOT new.seq BEGIN
                {recompute} WHERE id IN (SELECT story_id FROM memberships WHERE article_id IN (old.id, new.id));
            END""",
        f"""CREATE TRIGGER story_stats_article_deleted AFTER DELETE ON articles BEGIN
                {recompute} WHERE id IN (SELECT story_id FROM memberships WHERE article_id = old.id);
            END""",
        # foreign keys are a per-connection setting in SQLite: another connection may write a membership
        # before its article, or one whose story row comes later
        f"""CREATE TRIGGER story_stats_article_added AFTER INSERT ON articles
            WHEN EXISTS (SELECT 1 FROM memberships WHERE article_id = new.id) BEGIN
                {recompute} WHERE id IN (SELECT story_id FROM memberships WHERE article_id = new.id);
            END""",
        f"""CREATE TRIGGER story_stats_story_added AFTER INSERT ON stories
            WHEN new.article_count IS NOT 0 OR new.first_pub IS NOT NULL OR new.last_pub IS NOT NULL
                 OR new.newest_seq IS NOT NULL OR EXISTS (SELECT 1 FROM memberships WHERE story_id = new.id) BEGIN
                {recompute} WHERE id = new.id;
            END""",
    ):
        db.execute(trigger)


@migration
def m013_facet_counts(db: sqlite3.Connection) -> None:
    """How many articles have each language and each source, kept by triggers, so the facets read a few
    rows instead of counting every article."""
    _script(
        db,
        """
        CREATE TABLE facet_counts (
            facet TEXT NOT NULL,
            value TEXT NOT NULL,
            articles INTEGER NOT NULL,
            PRIMARY KEY (facet, value)
        ) WITHOUT ROWID;
        INSERT INTO facet_counts (facet, value, articles)
            SELECT 'lang', lang, count(*) FROM articles WHERE lang IS NOT NULL GROUP BY lang;
        INSERT INTO facet_counts (facet, value, articles)
            SELECT 'source', source, count(*) FROM articles WHERE source IS NOT NULL GROUP BY source
        """,
    )

    def count(sign: str, row: str) -> str:
        """Return the statements counting trigger row ``row`` (``new``/``old``) in (``+``) or out (``-``)."""
        if sign == "+":
            return "".join(
                f"""INSERT INTO facet_counts (facet, value, articles) SELECT '{col}', {row}.{col}, 1
                    WHERE {row}.{col} IS NOT NULL
                    ON CONFLICT (facet, value) DO UPDATE SET articles = articles + 1;"""
                for col in ("lang", "source"))
        return "".join(
            f"""UPDATE facet_counts SET articles = articles - 1 WHERE facet = '{col}' AND value = {row}.{col};
                DELETE FROM facet_counts WHERE facet = '{col}' AND value = {row}.{col} AND articles <= 0;"""
            for col in ("lang", "source"))

    for trigger in (
        f"CREATE TRIGGER facet_counts_added AFTER INSERT ON articles BEGIN {count('+', 'new')} END",
        f"CREATE TRIGGER facet_counts_deleted AFTER DELETE ON articles BEGIN {count('-', 'old')} END",
        f"""CREATE TRIGGER facet_counts_changed AFTER UPDATE OF lang, source ON articles
            WHEN old.lang IS NOT new.lang OR old.source IS NOT new.source BEGIN
                {count('-', 'old')} {count('+', 'new')}
            END""",
    ):
        db.execute(trigger)
