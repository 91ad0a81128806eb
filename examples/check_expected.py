#!/usr/bin/env python3
"""Check that examples/expected.json matches the example corpus beside it.

Standalone (standard library only). Run from anywhere:

    python examples/check_expected.py

It walks the corpus the way the layout in examples/README.md describes:

* ``articles/*.txt``   -> one article, id = file stem
* ``html/*.html``      -> one article, id = file stem
* ``feeds/*.xml|.rss`` -> one article per RSS ``<item>``, id = its ``<guid>`` text
* ``exports/*.jsonl``  -> one article per line, id = the record's ``"id"``

and verifies that every article id is unique and sits in exactly one story,
that every id named in expected.json exists, and that copies, translated
copies, hard negatives and languages are consistent. Exits 1 on any problem.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
JSONL_KEYS = {"id", "text", "title", "url", "source", "lang", "published"}
CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}encoded"


def walk(root: Path, problems: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Return {article id: [(format, location), ...]} for every article found."""
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)

    for path in sorted((root / "articles").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if len(lines) < 5:
            problems.append(f"{path.name}: only {len(lines)} non-empty lines")
        found[path.stem].append(("txt", f"articles/{path.name}"))

    for pattern in ("*.html", "*.htm"):
        for path in sorted((root / "html").glob(pattern)):
            html = path.read_text(encoding="utf-8")
            if not re.search(r"<title>[^<]+</title>", html):
                problems.append(f"{path.name}: no <title>")
            if not re.search(r'article:published_time"|<time [^>]*datetime=', html):
                problems.append(f"{path.name}: no article:published_time and no <time datetime>")
            found[path.stem].append(("html", f"html/{path.name}"))

    feeds = sorted((root / "feeds").glob("*.xml")) + sorted((root / "feeds").glob("*.rss"))
    for path in feeds:
        try:
            tree = ET.parse(path)
        except ET.ParseError as exc:
            problems.append(f"{path.name}: not well-formed XML ({exc})")
            continue
        for n, item in enumerate(tree.iter("item"), 1):
            guid = (item.findtext("guid") or "").strip()
            where = f"feeds/{path.name} item {n}"
            if not guid:
                problems.append(f"{where}: no <guid>")
                continue
            for tag in ("title", "link", "pubDate"):
                if not (item.findtext(tag) or "").strip():
                    problems.append(f"{where} ({guid}): no <{tag}>")
            body = (item.findtext(CONTENT_NS) or item.findtext("description") or "").strip()
            if len(body) < 200:
                problems.append(f"{where} ({guid}): body shorter than 200 characters")
            found[guid].append(("rss", where))

    for path in sorted((root / "exports").glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"exports/{path.name} line {n}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{where}: bad JSON ({exc})")
                continue
            missing = JSONL_KEYS - rec.keys()
            if missing:
                problems.append(f"{where}: missing keys {sorted(missing)}")
            if not rec.get("id"):
                problems.append(f"{where}: empty id")
                continue
            found[str(rec["id"])].append(("jsonl", where))

    return found


def main() -> int:
    problems: list[str] = []
    found = walk(HERE, problems)
    expected = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
    stories: dict[str, dict] = expected["stories"]
    langs: dict[str, str] = expected.get("langs", {})

    for aid, where in found.items():
        if len(where) > 1:
            problems.append(f"id {aid!r} used more than once: {[w for _, w in where]}")

    story_of: dict[str, list[str]] = defaultdict(list)
    for label, story in stories.items():
        if not story.get("description"):
            problems.append(f"story {label!r}: no description")
        if not story.get("articles"):
            problems.append(f"story {label!r}: no articles")
        for aid in story.get("articles", []):
            story_of[aid].append(label)
            if aid not in found:
                problems.append(f"story {label!r} names {aid!r}, which is not in the corpus")
    for aid in found:
        labels = story_of.get(aid, [])
        if len(labels) != 1:
            problems.append(f"article {aid!r} is in {len(labels)} stories {labels}, not exactly 1")

    for key in ("copies", "translated_copies"):
        for pair in expected.get(key, []):
            copy, original = pair
            for aid in pair:
                if aid not in found:
                    problems.append(f"{key}: {aid!r} is not in the corpus")
            if copy in story_of and original in story_of and story_of[copy] != story_of[original]:
                problems.append(f"{key}: {copy!r} and {original!r} are in different stories")
            if key == "copies" and langs.get(copy) != langs.get(original):
                problems.append(f"copies: {copy!r} and {original!r} differ in language")
            if key == "translated_copies" and langs.get(copy) == langs.get(original):
                problems.append(f"translated_copies: {copy!r} and {original!r} share a language")

    for neg, label in expected.get("hard_negatives", {}).items():
        if label not in stories:
            problems.append(f"hard_negatives: story {label!r} does not exist")
        elif neg in stories[label]["articles"]:
            problems.append(f"hard_negatives: {neg!r} is inside the story it should differ from")
        if neg not in found:
            problems.append(f"hard_negatives: {neg!r} is not in the corpus")

    for aid in found:
        lang = langs.get(aid)
        if not lang:
            problems.append(f"langs: no language for {aid!r}")
        elif aid.count("_") >= 2 and aid.split("_")[1] != lang:
            named = aid.split("_")[1]
            problems.append(f"langs: {aid!r} is marked {lang!r} but its name says {named!r}")
    for aid in langs:
        if aid not in found:
            problems.append(f"langs: {aid!r} is not in the corpus")

    # Summary.
    fmt = Counter(where[0][0] for where in found.values())
    lang_count = Counter(langs[a] for a in found if a in langs)
    multi = {k: s for k, s in stories.items() if len(s["articles"]) > 1}
    events3 = {
        k: sorted({langs.get(a, "?") for a in s["articles"]})
        for k, s in multi.items()
        if len({langs.get(a) for a in s["articles"]}) >= 3
    }
    singles = [k for k, s in stories.items() if len(s["articles"]) == 1]
    print(f"articles:            {len(found)}")
    print("formats:             " + ", ".join(f"{f} {n}" for f, n in sorted(fmt.items())))
    print(f"languages:           {len(lang_count)} ("
          + ", ".join(f"{lang} {n}" for lang, n in sorted(lang_count.items())) + ")")
    print(f"stories:             {len(stories)}")
    print(f"events (>=3 langs):  {len(events3)}")
    for k, ls in events3.items():
        print(f"  {k:30s} {len(stories[k]['articles'])} articles: {' '.join(ls)}")
    print(f"single-article stories: {len(singles)} "
          f"({len(expected.get('hard_negatives', {}))} hard negatives)")
    print(f"copies:              {len(expected.get('copies', []))} near-verbatim, "
          f"{len(expected.get('translated_copies', []))} translated")
    print(f"HTML files:          {fmt.get('html', 0)}")

    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print("\nOK: expected.json matches the corpus.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
