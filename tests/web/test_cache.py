"""Read caches: what every page reads is kept until the store changes, by this app or anything else."""

from __future__ import annotations

import threading
import time

from babelwire.pipeline import Pipeline
from babelwire.search import Searcher
from babelwire.signals import get_encoder
from babelwire.sources._readers import record_to_document
from babelwire.store import Store
from babelwire.web._cache import StoreCache, VectorIndex

from .conftest import CORPUS, auth


def _docs(records):
    from pathlib import Path

    return [record_to_document(r, origin=f"t:{i}", path=Path("t"), fmt="jsonl", fallback_id=f"t{i}")
            for i, r in enumerate(records)]


def test_reads_are_cached_until_the_app_writes(corpus_client):
    c = corpus_client
    state = c.app.state.babelwire
    first = c.get("/api/stories").json()
    hits = state.cache.hits
    assert c.get("/api/stories").json() == first and state.cache.hits == hits + 1
    assert c.get("/").status_code == 200 and c.get("/").status_code == 200
    extra = {"id": "late", "lang": "en", "title": "Lagarde keeps rates at zero in Frankfurt",
             "text": "Christine Lagarde of the ECB kept interest rates at zero in Frankfurt; inflation stays high."}
    assert c.post("/api/articles", json=extra, headers=auth()).status_code == 201
    after = c.get("/api/stories").json()
    assert sum(s["article_count"] for s in after) == sum(s["article_count"] for s in first) + 1
    assert c.get("/api/articles", params={"limit": 1}).json()[0]["id"] == "late"
    story = c.get("/api/articles/late").json()["story_id"]
    assert "late" in {a["id"] for a in c.get(f"/api/stories/{story}").json()["articles"]}


def test_writes_by_another_connection_or_process_invalidate(corpus_client, db_path):
    c = corpus_client
    before = c.get("/api/stories").json()
    assert c.get("/api/articles/extra-elsewhere").status_code == 404
    with Store(db_path) as store:  # as `babelwire ingest` in another process would
        Pipeline(store, encoder=get_encoder("fake")).ingest_documents(_docs([
            {"id": "extra-elsewhere", "lang": "es", "title": "Otra inundación en Valencia",
             "text": "Las lluvias inundaron otra vez Valencia y Alzira; evacuaron a cientos de vecinos."}]))
    assert c.get("/api/articles/extra-elsewhere").status_code == 200
    after = c.get("/api/stories").json()
    assert sum(s["article_count"] for s in after) == sum(s["article_count"] for s in before) + 1
    hit = c.get("/api/search", params={"q": "inundación Valencia"}).json()
    assert "extra-elsewhere" in {a["id"] for a in hit["articles"]}


def test_concurrent_misses_compute_once(db_path):
    Store(db_path).close()
    cache = StoreCache(db_path)
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return "value"

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("k", slow))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["value"] * 8 and len(calls) == 1
    cache.close()


def test_a_value_computed_across_a_commit_is_not_kept(db_path):
    Store(db_path).close()
    cache = StoreCache(db_path)

    def computed_while_someone_writes():
        with Store(db_path) as other, other.transaction():
            other.set_setting("touched", "yes")
        return "stale"

    assert cache.get("k", computed_while_someone_writes) == "stale"
    assert cache.get("k", lambda: "fresh") == "fresh"
    cache.close()


def test_the_vector_index_tops_up_and_reloads_after_deletions(db_path):
    with Store(db_path) as store:
        pipe = Pipeline(store, encoder=get_encoder("fake"))
        pipe.ingest_documents(_docs(CORPUS[:4]))
        index = VectorIndex()
        fp = store.get_setting("encoder")
        ids, matrix = index.get(store, fp)
        assert len(ids) == 4 and matrix.shape[0] == 4 and index.full_loads == 1
        pipe.ingest_documents(_docs(CORPUS[4:]))
        ids, matrix = index.get(store, fp)
        assert ids == store.article_vectors(encoder=fp)[0] and index.full_loads == 1  # appended, not reloaded
        assert (matrix == store.article_vectors(encoder=fp)[1]).all()
        with store.transaction():
            store.db.execute("DELETE FROM memberships WHERE article_id = ?", (ids[0],))
            store.db.execute("DELETE FROM articles WHERE id = ?", (ids[0],))
        ids2, _ = index.get(store, fp)
        assert ids2 == ids[1:] and index.full_loads == 2


def test_explanations_with_the_kept_vectors_match_the_library(corpus_client, db_path):
    from babelwire.views import explain_article

    with Store(db_path) as store:
        for rec in CORPUS:
            assert corpus_client.get(f"/api/articles/{rec['id']}/explain").json() == explain_article(store, rec["id"])


def test_repeated_queries_are_embedded_once(corpus_client, db_path):
    encoder = get_encoder("fake")
    calls = []
    real = encoder.encode

    def counting(texts, **kw):
        calls.append(list(texts))
        return real(texts, **kw)

    encoder.encode = counting  # type: ignore[method-assign]
    with Store(db_path) as store:
        searcher = Searcher(store, encoder, query_cache=2)
        for q in ["Valencia", "Valencia", "Lagarde", "Valencia", "Blinken", "Lagarde", "Valencia"]:
            searcher.search(q, mode="semantic")
    # An LRU of two: the repeats hit; Blinken evicts Lagarde (least recently used), which then evicts Valencia.
    assert [c[0] for c in calls] == ["Valencia", "Lagarde", "Blinken", "Lagarde", "Valencia"]


def test_list_pages_sliced_from_the_kept_window_equal_the_store(corpus_client, db_path, monkeypatch):
    import babelwire.web._state as web_state

    monkeypatch.setattr(web_state, "STORY_WINDOW", 2)  # the corpus has three stories: slices and a direct query
    with Store(db_path) as store:
        for offset in range(4):
            for limit in (1, 2, 3):
                got = corpus_client.get("/api/stories", params={"limit": limit, "offset": offset}).json()
                assert got == store.stories(limit=limit, offset=offset), (offset, limit)
        for lang in ("bg", "es"):
            assert corpus_client.get("/api/stories", params={"lang": lang, "limit": 1}).json() == store.stories(
                lang=lang, limit=1)


def test_warming_loads_the_clusterer_and_vectors_once(corpus_client, monkeypatch):
    state = corpus_client.app.state.babelwire
    state.ingester._pipeline = None  # as a fresh server over this store
    state.warm()
    warmed = state.ingester._pipeline
    assert warmed is not None and state.vectors.full_loads == 1
    extra = {"id": "after-warm", "text": "Lagarde said in Frankfurt that the ECB keeps rates at zero for now."}
    assert corpus_client.post("/api/articles", json=extra, headers=auth()).status_code == 201
    assert state.ingester._pipeline is warmed  # the write used the warmed pipeline, no rebuild
    corpus_client.get("/api/articles/after-warm")
    assert state.vectors.full_loads == 1  # the new article's vector was appended


def test_a_write_keeps_the_stories_it_did_not_touch(corpus_client, db_path):
    c = corpus_client
    state = c.app.state.babelwire
    stories = c.get("/api/stories").json()
    assert len(stories) >= 3
    for s in stories:  # every story's JSON and page in the cache
        assert c.get(f"/api/stories/{s['id']}").status_code == 200
        assert c.get(f"/stories/{s['id']}").status_code == 200
    extra = {"id": "late-ecb", "lang": "en", "title": "Lagarde keeps rates at zero in Frankfurt",
             "text": "Christine Lagarde of the ECB kept interest rates at zero in Frankfurt; inflation stays high."}
    assert c.post("/api/articles", json=extra, headers=auth()).status_code == 201
    joined = c.get("/api/articles/late-ecb").json()["story_id"]
    hits = state.cache.hits
    for s in stories:
        fresh = c.get(f"/api/stories/{s['id']}").json()
        with Store(db_path) as store:  # what the store says now, read without the cache
            assert fresh == store.story(s["id"])
    others = [s for s in stories if s["id"] != joined]
    # the stories the write did not touch came from the cache; the one it joined was read again
    assert state.cache.hits - hits == len(others)
    assert "late-ecb" in {a["id"] for a in c.get(f"/api/stories/{joined}").json()["articles"]}
    assert "late-ecb" in c.get(f"/stories/{joined}").text
    listed = {s["id"]: s for s in c.get("/api/stories").json()}
    with Store(db_path) as store:
        assert list(listed.values()) == store.stories(limit=100)


def test_changes_the_cache_cannot_place_empty_it(corpus_client, db_path):
    from babelwire.model import Change

    c = corpus_client
    state = c.app.state.babelwire
    sid = c.get("/api/stories").json()[0]["id"]
    c.get(f"/api/stories/{sid}")
    with Store(db_path) as store, store.transaction():  # a kind this cache does not know (e.g. a newer writer's)
        store.record_changes([Change("story.renamed", {"story_id": "somewhere-else"})])
    hits = state.cache.hits
    c.get(f"/api/stories/{sid}")
    assert state.cache.hits == hits  # read again: an unknown change may have touched anything


def test_stories_changed_reads_every_kind_of_the_feed():
    from babelwire.model import Change
    from babelwire.web._cache import stories_changed

    feed = [Change("article.stored", {"article_id": "a", "story_id": "s1"}),
            Change("article.moved", {"article_id": "a", "from": "s1", "to": "s2"}),
            Change("story.merged", {"from": "s3", "into": "s2", "articles": ["b"]}),
            Change("story.split", {"story_id": "s2", "new_story": "s4", "articles": ["a"]}),
            Change("story.removed", {"story_id": "s3", "into": None}),
            Change("article.copy", {"article_id": "c", "copy_of": "a", "story_id": "s5"}),
            Change("story.created", {"story_id": "s6", "headline": "h", "by": "ingest"})]
    assert stories_changed(feed) == {"s1", "s2", "s3", "s4", "s5", "s6"}
    assert stories_changed([]) == set()
    assert stories_changed([*feed, Change("recluster", {"articles": 3})]) is None
    assert stories_changed([Change("correction", {"action": "link", "story_id": "s1"})]) is None


def test_a_search_outlives_writes_that_cannot_enter_it(corpus_client, db_path):
    c = corpus_client
    state = c.app.state.babelwire
    query = {"q": "Valencia", "mode": "keyword"}  # the corpus is smaller than the semantic pool: keyword only
    first = c.get("/api/search", params=query).json()
    assert {a["id"] for a in first["articles"]} == {"flood-es", "flood-en"}
    unrelated = {"id": "zoo-it", "lang": "it", "title": "Nuovo panda allo zoo di Roma",
                 "text": "Lo zoo di Roma ha accolto un panda gigante arrivato dalla Cina; i visitatori fanno la fila."}
    assert c.post("/api/articles", json=unrelated, headers=auth()).status_code == 201
    hits = state.cache.hits
    again = c.get("/api/search", params=query).json()
    assert state.cache.hits == hits + 1  # the result was kept across the write (its JSON was made again)
    with Store(db_path) as store:  # and it is what a search of the store says now
        assert again == first == Searcher(store, get_encoder("fake")).search("Valencia", mode="keyword")
    assert "Valencia" in c.get("/search", params=query).text
    entering = {"id": "flood-ca", "lang": "ca", "title": "Més pluja a VALÈNCIA",
                "text": "La pluja torna a València i Alzira; els veïns tornen a casa."}
    assert c.post("/api/articles", json=entering, headers=auth()).status_code == 201
    third = c.get("/api/search", params=query).json()
    assert "flood-ca" in {a["id"] for a in third["articles"]}  # its word, accents aside, let it in
    assert "flood-ca" in c.get("/search", params=query).text


def test_a_search_is_dropped_when_one_of_its_stories_changes(corpus_client):
    c = corpus_client
    query = {"q": "Valencia", "mode": "keyword"}
    first = c.get("/api/search", params=query).json()
    story = first["articles"][0]["story_id"]
    joining = {"id": "flood-en-2", "lang": "en", "published": "2022-03-10",  # flood-en, "Valencia" left out
               "title": "Floods in Alzira force thousands to evacuate",
               "text": "Torrential rain flooded Alzira on Thursday.\n"
                       "Civil Protection evacuated three thousand residents of Alzira and Algemesí."}
    assert c.post("/api/articles", json=joining, headers=auth()).status_code == 201
    joined = c.get("/api/articles/flood-en-2").json()["story_id"]
    assert joined == story  # it does not hold "Valencia": only the change to the hit's story can drop the result
    again = c.get("/api/search", params=query).json()
    grown = next(s for s in again["stories"] if s["id"] == story)
    assert grown["article_count"] == next(s for s in first["stories"] if s["id"] == story)["article_count"] + 1
    assert "flood-en-2" in {a["id"] for a in grown["articles"]}
