"""A replayed news stream for the trending tests: steady stories that trickle, one event that bursts across many
outlets, and one wire text that many outlets re-post (copies of one original)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

T0 = datetime(2024, 5, 1, tzinfo=UTC)
BURST_AT = T0 + timedelta(days=3, hours=9)  # the burst's first report
WIRE_AT = T0 + timedelta(days=3, hours=8)  # the wire text's first posting

# Each topic: a title and its own words. A report is sentences of its topic's words in a seeded order, so the
# reports of one topic share words (one story for the fake encoder) but hardly any word triples (no copies).
TOPICS: dict[str, dict[str, str]] = {
    "harbour": {"title": "Rotterdam harbour strike by Heijmans dockers continues",
                "words": "Rotterdam Heijmans Maasvlakte dockers strike terminal union pickets wages cargo ships "
                         "container cranes talks employers stoppage harbour berths"},
    "budget": {"title": "Ljubljana parliament debates Golob budget",
               "words": "Ljubljana Golob parliament budget deputies deficit spending coalition opposition vote "
                        "taxes pensions ministry finance amendments session"},
    "drought": {"title": "Andalusia drought: Guadalquivir reservoirs fall",
                "words": "Andalusia Guadalquivir reservoirs drought irrigation farmers olive water rationing "
                         "aquifer rainfall Seville Cordoba wells harvest restrictions"},
}
BURST = {"title": "Earthquake of magnitude 6.4 strikes Kahramanmaras",
         "words": "Kahramanmaras Elbistan earthquake magnitude AFAD rescue rubble aftershocks collapsed buildings "
                  "survivors epicentre injured tremor Gaziantep seismologists"}
WIRE = ("Toyota Recalls 400,000 Prius Hybrids Over Brake Software\n"
        "Toyota Motor Corporation said on Wednesday it will recall about 400,000 Prius hybrid cars worldwide to "
        "update anti-lock brake software after drivers in Japan and the United States reported a brief loss of "
        "braking on bumpy roads. The company said no accidents had been confirmed and dealers would install the "
        "new software free of charge, a repair that takes about forty minutes per vehicle.")
OUTLETS = [f"outlet{i:02d}.example" for i in range(16)]


def _iso(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds").replace("+00:00", "Z")


def _body(words: str, seed: str, sentences: int = 3) -> str:
    rng = random.Random(seed)
    pool = words.split()
    return " ".join(" ".join(rng.sample(pool, 9)).capitalize() + "." for _ in range(sentences))


def steady(days: int = 4, every_hours: int = 3) -> list[dict[str, Any]]:
    """Reports of the steady topics: one outlet every ``every_hours`` hours each, rotating four outlets."""
    out = []
    for t, (key, topic) in enumerate(TOPICS.items()):
        for j in range(days * 24 // every_hours):
            at = T0 + timedelta(hours=j * every_hours + t)
            out.append({"id": f"{key}-{j}", "source": OUTLETS[(j + t) % 4], "lang": "en", "published": _iso(at),
                        "title": f"{topic['title']} ({j})", "text": _body(topic["words"], f"{key}-{j}")})
    return out


def burst(outlets: int = 10) -> list[dict[str, Any]]:
    """Reports of the bursting event by ``outlets`` outlets within three hours of ``BURST_AT``, each worded apart."""
    return [{"id": f"quake-{i}", "source": OUTLETS[4 + i % 12], "lang": "en",
             "published": _iso(BURST_AT + timedelta(minutes=17 * i)), "title": f"{BURST['title']} ({i})",
             "text": _body(BURST["words"], f"quake-{i}")} for i in range(outlets)]


def wire(outlets: int = 10) -> list[dict[str, Any]]:
    """The wire text re-posted by ``outlets`` outlets within two hours, each with its own short byline."""
    return [{"id": f"wire-{i}", "source": OUTLETS[4 + i % 12], "lang": "en",
             "published": _iso(WIRE_AT + timedelta(minutes=11 * i)),
             "text": WIRE + f"\nReporting by desk {i}."} for i in range(outlets)]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    """Write ``records`` to ``path`` in publication order (a replay) and return it."""
    records = sorted(records, key=lambda r: (r.get("published") or "", r["id"]))
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path
