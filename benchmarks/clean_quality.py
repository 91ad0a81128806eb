"""Print the cleaner's quality on the annotated corpus in tests/clean/corpus.

Body-line precision/recall, title, date and language accuracy; on the HTML part the same
body-line figures for trafilatura and jusText alone. Usage (from the repository root):

    PYTHONPATH=src python benchmarks/clean_quality.py [--verbose]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime
from pathlib import Path

from babelwire.clean import Cleaner, InMemoryLineMemory
from babelwire.errors import RejectedInput
from babelwire.model import RawDocument

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "clean" / "corpus"
_NORM = re.compile(r"[\W_]+")


def norm(line: str) -> str:
    return _NORM.sub(" ", line.lower()).strip()


def load() -> list[tuple[str, dict, str]]:
    annotations = json.loads((CORPUS / "annotations.json").read_text(encoding="utf-8"))
    return [
        (doc_id, ann, (CORPUS / ann["file"]).read_text(encoding="utf-8"))
        for doc_id, ann in sorted(annotations.items())
    ]


def raw_document(doc_id: str, ann: dict, content: str) -> RawDocument:
    is_html = ann["format"] == "html"
    return RawDocument(
        id=doc_id,
        source=ann["source"],
        origin=ann["file"],
        format=ann["format"],
        read_at=datetime.fromisoformat(ann["read_at"]),
        text=None if is_html else content,
        html=content if is_html else None,
    )


class LineScore:
    """Counts for body-line precision and recall."""

    def __init__(self) -> None:
        self.tp = self.predicted = self.truth = 0

    def add(self, predicted: list[str], truth: list[str]) -> None:
        want = [norm(t) for t in truth]
        got = [norm(p) for p in predicted if norm(p)]
        self.predicted += len(got)
        self.truth += len(want)
        self.tp += sum(1 for g in got if g in set(want))

    def figures(self) -> tuple[float, float]:
        p = self.tp / self.predicted if self.predicted else 0.0
        r = self.tp / self.truth if self.truth else 0.0
        return p, min(r, 1.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="print every miss")
    args = parser.parse_args()
    docs = load()
    cleaner = Cleaner(line_memory=InMemoryLineMemory())
    lines, html_lines = LineScore(), LineScore()
    title_ok = title_n = date_ok = date_n = lang_ok = 0
    langs = set()
    for doc_id, ann, content in docs:
        try:
            art = cleaner.clean(raw_document(doc_id, ann, content))
            body, title, date, lang = art.text.split("\n"), art.title, art.published, art.lang
        except RejectedInput as exc:
            body, title, date, lang = [], "", None, None
            print(f"{doc_id}: rejected ({exc})")
        lines.add(body, ann["body"])
        if ann["format"] == "html":
            html_lines.add(body, ann["body"])
        if ann["title"] is not None:
            title_n += 1
            title_ok += norm(title) == norm(ann["title"])
            if args.verbose and norm(title) != norm(ann["title"]):
                print(f"{doc_id}: title {title!r} != {ann['title']!r}")
        if ann["date"] is not None:
            date_n += 1
            date_ok += (date or "")[:10] == ann["date"]
            if args.verbose and (date or "")[:10] != ann["date"]:
                print(f"{doc_id}: date {date!r} != {ann['date']!r}")
        lang_ok += lang == ann["lang"]
        langs.add(ann["lang"])
        if args.verbose and lang != ann["lang"]:
            print(f"{doc_id}: lang {lang!r} != {ann['lang']!r}")
        if args.verbose:
            want = {norm(t) for t in ann["body"]}
            for line in body:
                if norm(line) not in want:
                    print(f"{doc_id}: extra line {line[:90]!r}")
            got = {norm(t) for t in body}
            for line in ann["body"]:
                if norm(line) not in got:
                    print(f"{doc_id}: missed line {line[:90]!r}")

    n = len(docs)
    n_html = sum(1 for _, a, _ in docs if a["format"] == "html")
    p, r = lines.figures()
    hp, hr = html_lines.figures()
    print(
        f"corpus: {n} documents ({n_html} HTML), {len(langs - {None})} languages, "
        f"{len({a['template'] for _, a, _ in docs} - {'none'})} site templates"
    )
    print(f"{'system':<22}{'part':<7}{'line P':>8}{'line R':>8}")
    print(f"{'babelwire':<22}{'all':<7}{p:>8.3f}{r:>8.3f}")
    print(f"{'babelwire':<22}{'html':<7}{hp:>8.3f}{hr:>8.3f}")
    for name, extract in baselines():
        score = LineScore()
        for _, ann, content in docs:
            if ann["format"] == "html":
                score.add(extract(content, ann["lang"]), ann["body"])
        bp, br = score.figures()
        print(f"{name:<22}{'html':<7}{bp:>8.3f}{br:>8.3f}")
    print(f"title accuracy    {title_ok / title_n:.3f} ({title_ok}/{title_n})")
    print(f"date accuracy     {date_ok / date_n:.3f} ({date_ok}/{date_n})")
    print(f"language accuracy {lang_ok / n:.3f} ({lang_ok}/{n})")
    return 0


def baselines():
    """Yield (name, html -> body lines) for the extractors we compare against."""
    import trafilatura

    def traf_default(page: str, lang: str | None) -> list[str]:
        return (trafilatura.extract(page) or "").split("\n")

    def traf_precision(page: str, lang: str | None) -> list[str]:
        return (
            trafilatura.extract(page, favor_precision=True, include_comments=False) or ""
        ).split("\n")

    yield "trafilatura", traf_default
    yield "trafilatura precision", traf_precision
    try:
        import justext
    except ImportError:  # pragma: no cover
        print("jusText not installed: pip install justext", file=sys.stderr)
        return

    names = {
        "en": "English",
        "de": "German",
        "fr": "French",
        "es": "Spanish",
        "pt": "Portuguese",
        "it": "Italian",
        "pl": "Polish",
        "ru": "Russian",
        "uk": "Ukrainian",
        "bg": "Bulgarian",
        "sr": "Serbian",
        "hr": "Croatian",
        "tr": "Turkish",
        "az": "Azerbaijani",
        "id": "Indonesian",
    }

    def jt(page: str, lang: str | None, **settings: int) -> list[str]:
        # jusText is told the true language (an advantage we do not have); for languages
        # without a stoplist it runs language-independent with an empty one.
        name = names.get(lang or "")
        stoplist = justext.get_stoplist(name) if name else frozenset()
        paragraphs = justext.justext(page.encode("utf-8"), stoplist, encoding="utf-8", **settings)
        return [p.text for p in paragraphs if not p.is_boilerplate]

    yield "jusText", jt
    # Our paragraphs are news-short (60-200 characters); jusText's defaults want 200+.
    yield "jusText short-para", lambda page, lang: jt(page, lang, length_low=30, length_high=80)


if __name__ == "__main__":
    sys.exit(main())
