"""A bad-input corpus written by the tests themselves: every kind of input that once broke an ingest.

``write_corpus(folder)`` writes the files and returns, per kind, the file it wrote, the
outcomes a record of that file may have, and the ids that must be stored (good records
sitting next to bad ones).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

# The article limit the corpus is ingested with: small, so "too big" inputs stay cheap to write.
LIMIT_MB = 0.25
LIMIT = int(LIMIT_MB * 1024 * 1024)

EN = ("The regional parliament approved the new budget on Monday after a long debate about schools and roads.\n"
      "Opposition members said the plan leaves too little money for hospitals in the northern districts.\n")
EN2 = ("Heavy rain flooded the valley town on Sunday and rescuers moved two hundred families to the school.\n"
       "The river rose by three metres overnight, the local emergency office said in a statement.\n")
BG = ("Правителството одобри бюджета в понеделник след дълъг дебат в парламента за училищата и пътищата.\n"
      "Опозицията заяви, че планът оставя твърде малко пари за болниците в северните райони на страната.\n")
RU = ("Правительство утвердило бюджет в понедельник после долгих дебатов в парламенте страны о школах.\n"
      "Оппозиция заявила, что в плане слишком мало денег на больницы в северных районах страны.\n")
# Halves in two unrelated languages: detection says "uncertain", so a declared language is used.
MIXED = ("The regional parliament approved the new budget on Monday after a long debate about the schools.\n"
         "Der Landtag hat am Montag nach einer langen Debatte den neuen Haushalt für Schulen beschlossen.\n")

_WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo",
          "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor")
STORED, KNOWN, REJECTED, SKIPPED = "stored", "known", "rejected", "skipped"
ANY = frozenset({STORED, KNOWN, REJECTED, SKIPPED})


@dataclass
class Kind:
    """One kind of bad (or awkward) input, and what may become of it."""

    name: str
    path: Path
    outcomes: frozenset[str]  # what each of the file's records may become
    must_store: tuple[str, ...] = ()  # ids that must be stored
    reason: str = ""  # a word the rejection or skip reason must contain
    expect: dict[str, object] = field(default_factory=dict)  # article id -> {field: value} checks


def _rec(rid: str, text: str = EN, **kw: object) -> dict[str, object]:
    return {"id": rid, "title": f"Title {rid}", "text": text, **kw}


def _jsonl(*records: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)


def write_corpus(root: Path) -> list[Kind]:
    """Write the corpus under ``root``; return its kinds."""
    kinds: list[Kind] = []
    root.mkdir(parents=True, exist_ok=True)

    def own(lang: str = "en") -> str:
        """Return a sentence no other input has, so that no two inputs clean to the same text."""
        word = _WORDS[len(kinds) % len(_WORDS)] + " " + _WORDS[len(kinds) // len(_WORDS)]
        return {"en": f"This report, filed under {word}, adds a sentence of its own.\n",
                "ru": f"Это сообщение под названием {word} добавляет своё предложение.\n",
                "bg": f"Това съобщение под името {word} добавя свое изречение.\n"}[lang]

    def add(name: str, rel: str, content: bytes | str, outcomes: set[str] | frozenset[str], *,
            must_store: tuple[str, ...] = (), reason: str = "", expect: dict[str, object] | None = None) -> Path:
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        kinds.append(Kind(name, p, frozenset(outcomes), must_store, reason, expect or {}))
        return p

    # -- plain text and encodings -------------------------------------------------------------
    add("good text", "text/good.txt", "Budget approved\n" + EN, {STORED}, must_store=("good",))
    add("empty file", "text/empty.txt", b"", {REJECTED}, reason="empty")
    add("whitespace only", "text/blank.txt", "  \n\t\n   \n", {REJECTED}, reason="empty")
    add("binary bytes", "text/binary.txt", bytes(range(256)) * 16, {REJECTED}, reason="binary")
    add("PNG named .txt", "text/image.txt",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes((i * 37 + 11) % 256 for i in range(3000)), {REJECTED},
        reason="binary")
    add("invalid UTF-8 noise", "text/noise.txt", b"\xff\xfe\xfa\xfb\xc3\x28" * 300, {REJECTED})
    add("UTF-16 LE with BOM", "text/u16le_bom.txt", b"\xff\xfe" + ("Бюджет\n" + BG + own("bg")).encode("utf-16-le"),
        {STORED}, must_store=("u16le_bom",), expect={"u16le_bom": {"lang": "bg"}})
    add("UTF-16 BE with BOM", "text/u16be_bom.txt", b"\xfe\xff" + ("Budget\n" + EN2 + own()).encode("utf-16-be"),
        {STORED}, must_store=("u16be_bom",))
    add("UTF-16 LE without BOM", "text/u16le.txt", ("Budget vote\n" + EN + own()).encode("utf-16-le"), {KNOWN, STORED})
    add("UTF-16 BE without BOM, Cyrillic", "text/u16be_cyr.txt", ("Бюджет\n" + RU + own("ru")).encode("utf-16-be"),
        {STORED}, must_store=("u16be_cyr",), expect={"u16be_cyr": {"lang": "ru"}})
    add("UTF-32 with BOM", "text/u32_bom.txt", ("Flood\n" + EN2 + own()).encode("utf-32"),
        {STORED}, must_store=("u32_bom",))
    add("UTF-32 LE without BOM", "text/u32le.txt", ("Flood warning\n" + EN2 + own()).encode("utf-32-le"),
        {STORED}, must_store=("u32le",))
    add("stray NUL byte in text", "text/nul.txt",
        ("NUL\n" + EN2.replace("Sunday", "Sun\x00day") + "One more line here.\n").encode(), {STORED},
        must_store=("nul",))
    add("Latin-1 text", "text/latin1.txt",
        "Título del artículo\nEl gobierno aprobó el presupuesto según el ministro de hacienda el lunes.\n".encode("latin-1"),
        {STORED}, must_store=("latin1",))
    add("Windows-1251 text", "text/cp1251.txt", ("Бюджет утверждён\n" + RU + "Ещё одна строка.\n").encode("cp1251"),
        {STORED}, must_store=("cp1251",))
    add("CR-only line ends", "text/cr.txt", ("Old Mac file\n" + EN2 + "Third line, a full sentence.\n").replace("\n", "\r"),
        {STORED}, must_store=("cr",))
    add("control and zero-width junk", "text/junk.txt",
        "Junk\u200b title\n" + EN.replace(" ", " \u200b", 3) + "\x07Bell line with a sentence in it.\n", {STORED},
        must_store=("junk",))
    add("one line 120k characters", "text/oneline.txt", ("word " * 24000).strip() + ".", {STORED, REJECTED})
    add("file over the article limit", "text/huge.txt", ("x" * 80 + "\n") * (LIMIT // 81 + 50), {REJECTED},
        reason="article limit")
    add("navigation furniture only", "text/nav.txt",
        "Home\nNews\nWorld\nSports\nWeather\nContact us\nAbout us\nPrivacy policy\n© 2024 Example. All rights reserved.\n",
        {REJECTED})
    add("navigation bar on one line", "text/navbar.txt", "Home | News | World | Sports | Business | Culture | Contact\n",
        {REJECTED})
    add("cookie wall", "text/wall.txt",
        "Example News\nThis site uses cookies. By continuing to browse you agree to our use of cookies.\n"
        "Accept all cookies\nManage preferences\n", {REJECTED}, reason="not an article")
    add("year-less date in the body", "text/yearless.txt", "Москва\n1 февраля\n" + RU + own("ru"), {STORED},
        must_store=("yearless",), expect={"yearless": {"published": None}})
    add("HTML named .txt", "text/htmlpage.txt",
        "<html><body><nav>Home | News</nav><p>" + EN.replace("\n", "</p><p>") + "</p></body></html>", {STORED, REJECTED})
    add("extension-less JSON Lines", "text/records", _jsonl(_rec("sniffed", EN2 + "Sniffed from its content.")),
        {STORED}, must_store=("sniffed",))
    add("unsupported extension", "text/blob.bin", b"\x00\x01hello", {REJECTED}, reason="unsupported")
    add("documentation file", "text/README.md", "# notes\n", {SKIPPED}, reason="not an article")

    # -- short posts of one source, differing only in digits (line memory) ---------------------------
    for i in range(8):
        add(f"short post {i} of one source" if i == 7 else "short post of one source", f"river/post{i}.txt",
            f"Water level at the bridge reached {i}.{i + 1} metres at {10 + i}:00 on Monday, the agency said.\n",
            {STORED}, must_store=(f"post{i}",))

    # -- JSON Lines: wrong types and bad values next to good records ---------------------------------
    add("JSONL fields of wrong JSON types", "jsonl/types.jsonl", _jsonl(
        _rec("jl-good-1", EN2),
        {**_rec("jl-url-num", EN), "url": 12345},
        {**_rec("jl-url-list", EN), "url": ["https://a.example/1"]},
        {**_rec("jl-url-obj", EN), "url": {"href": "https://a.example/1"}},
        {**_rec("jl-url-bool", EN), "url": True},
        {**_rec("x", EN), "id": ["a", "b"]},
        {**_rec("x", EN), "id": {"k": 1}},
        {**_rec("x", EN), "id": False},
        {**_rec("jl-title-num", BG), "title": 2024},
        {**_rec("jl-title-list", EN), "title": ["a"]},
        {"id": "jl-text-num", "text": 42},
        {"id": "jl-text-obj", "text": {"body": "x"}},
        {**_rec("jl-lang-num", EN), "lang": 7},
        {**_rec("jl-pub-num", EN), "published": 20240101},
        {**_rec("jl-source-list", EN), "source": ["a"]},
        _rec("jl-good-2", RU),
        {"id": 777, "title": "Numeric id", "text": "A numeric id is its decimal text, and the record is kept.\n" + EN2},
    ), {STORED, REJECTED, KNOWN}, must_store=("jl-good-1", "jl-good-2", "jl-title-num", "777"), reason="JSON",
        expect={"jl-title-num": {"title": "2024"}})
    add("JSONL impossible and far-future dates", "jsonl/dates.jsonl", _jsonl(
        _rec("d-hour", "Hour 25. " + EN, published="2024-06-01T25:61"),
        _rec("d-month", "Month 13. " + EN, published="2024-13-45T10:00"),
        _rec("d-feb30", "February 30. " + EN, published="2024-02-30"),
        _rec("d-9999", "Year 9999. " + EN, published="9999-12-31"),
        _rec("d-future", "Far future. " + EN, published="2999-01-01T00:00:00Z"),
        _rec("d-zero", "Year one. " + EN, published="0001-01-01"),
        _rec("d-words", "Not a date. " + EN, published="the day after tomorrow's yesterday"),
        _rec("d-good", "Good date. " + EN, published="2022-02-01T18:02:00"),
    ), {STORED}, must_store=("d-hour", "d-month", "d-feb30", "d-9999", "d-future", "d-zero", "d-words", "d-good"),
        expect={"d-hour": {"published": None}, "d-month": {"published": None}, "d-feb30": {"published": None},
                "d-9999": {"published": None}, "d-future": {"published": None}, "d-zero": {"published": None},
                "d-good": {"published": "2022-02-01T18:02:00"}})
    # Texts too short for detection (under 40 letters): the declared language counts, and dates in words
    # are read with it.
    add("JSONL declared languages in any spelling", "jsonl/langs.jsonl", _jsonl(
        _rec("l-EN", "Council backs the budget.", lang="EN", published="1 February 2022"),
        _rec("l-en-US", "Mayor backs the new park.", lang="en-US", published="Feb 1, 2022"),
        _rec("l-English", "Court frees the activist.", lang="English", published="1 February 2022"),
        _rec("l-deu", "Rat billigt den Haushalt.", lang="deu", published="1. Februar 2022"),
        _rec("l-ru", "Совет одобрил бюджет.", lang="Русский", published="1 февраля 2022"),
        _rec("l-klingon", "Ship lands on the moon.", lang="Klingon", published="1 February 2022"),
        _rec("l-xx", "Storm hits the islands.", lang="xx-YY", published="2022/02/01 10:00"),
        _rec("l-num", "Team wins the final cup.", lang="12", published="01.02.2022"),
        _rec("l-empty", "Bank holds interest rates.", lang="", published="1 February 2022"),
    ), {STORED}, must_store=("l-EN", "l-en-US", "l-English", "l-deu", "l-ru", "l-klingon", "l-xx", "l-num",
                             "l-empty"),
        expect={"l-EN": {"lang": "en", "published": "2022-02-01"}, "l-en-US": {"lang": "en"},
                "l-English": {"lang": "en"}, "l-deu": {"lang": "de", "published": "2022-02-01"},
                "l-ru": {"lang": "ru", "published": "2022-02-01"}, "l-klingon": {"lang": None},
                "l-xx": {"lang": None}, "l-num": {"lang": None}})
    add("JSONL not objects and malformed lines", "jsonl/shapes.jsonl", _jsonl(
        _rec("s-good", BG + "Още един ред."),
        '["an", "array"]', '"a string"', "42", "null", "true",
        '{"id": "s-trunc", "text": ',
        "{not json at all}",
        "[" * 50000 + "]" * 50000,
        '{"id": "s-bigint", "text": "x", "n": ' + "9" * 6000 + "}",
        '{"id": "s-nan", "text": "NaN is accepted by Python json. ' + EN.replace("\n", " ") + '", "score": NaN}',
        json.dumps(_rec("s-2028", "A line\u2028separator inside a JSON string stays one record. " + EN2)),
        "",
        "   ",
    ), {STORED, REJECTED}, must_store=("s-good", "s-2028", "s-nan"), reason="JSON")
    add("JSONL line over the article limit", "jsonl/biglines.jsonl", _jsonl(
        _rec("big-good-1", EN2 + "First of two."),
        _rec("big-line", "word " * (LIMIT // 5 + 100)),
        _rec("big-good-2", RU + "Второй."),
    ), {STORED, REJECTED}, must_store=("big-good-1", "big-good-2"), reason="article limit")
    add("JSONL in UTF-16", "jsonl/u16.jsonl", _jsonl(_rec("u16-rec", BG + "UTF-16.")).encode("utf-16"),
        {STORED}, must_store=("u16-rec",))
    add("JSONL with a stray NUL", "jsonl/nul.jsonl", _jsonl(_rec("nul-rec", EN2 + "With a NUL.")).replace(
        "With", "Wi\x00th"), {STORED}, must_store=("nul-rec",))
    add("id with slashes and unicode", "jsonl/ids.jsonl", _jsonl(
        _rec("a/b/../c?d=1#x", EN2 + "Slashes in the id."), _rec("ünïcødé id ☃", RU + "Юникод.")),
        {STORED}, must_store=("a/b/../c?d=1#x", "ünïcødé id ☃"))
    add("same id twice in one file", "jsonl/dupid.jsonl", _jsonl(
        _rec("twice", EN2 + "First copy of the id."), _rec("twice", BG + "Second copy of the id.")),
        {STORED, KNOWN}, must_store=("twice",))
    add("identical text under two ids", "jsonl/twins.jsonl", _jsonl(
        _rec("twin-a", RU + "Близнец."), _rec("twin-b", RU + "Близнец.")), {STORED, KNOWN}, must_store=("twin-a",))
    add("binary-looking html field", "jsonl/binhtml.jsonl", _jsonl(
        {"id": "bin-html", "html": "\x01\x02\x03\x04\x05\x06" * 200}, _rec("bin-ok", EN2 + "Kept beside it.")),
        {STORED, REJECTED}, must_store=("bin-ok",))

    add("lone surrogate escapes in JSON", "jsonl/surrogates.jsonl",
        '{"id": "sur-text", "title": "Bad \\ud800 title", "text": "Lone \\udfff surrogate. ' + EN2.replace("\n", " ")
        + '"}\n{"id": "sur-\\udc00-id", "text": "' + (RU + own("ru")).replace("\n", " ")
        + '", "url": "https://ex.org/\\ud83d"}\n', {STORED}, must_store=("sur-text", "sur-\ufffd-id"))
    name = os.fsdecode(b"bad\xffname.txt")  # a file name that is not UTF-8
    add("file name that is not UTF-8", "text/" + name, "Odd name\n" + EN2 + own(), {STORED})

    # -- JSON ------------------------------------------------------------------------------------
    add("JSON list with bad records", "json/list.json", json.dumps([
        _rec("jn-good", BG + "JSON list."), {**_rec("jn-url-bool", EN), "url": False}, "not an object", None,
        {**_rec("jn-pub-list", EN), "published": ["2022-02-01"]},
    ]), {STORED, REJECTED}, must_store=("jn-good",), reason="JSON")
    add("JSON empty list", "json/empty.json", "[]", {REJECTED})
    add("JSON malformed", "json/broken.json", '{"id": "x", "text": "unterminated', {REJECTED}, reason="JSON")
    add("JSON a bare number", "json/number.json", "3.14", {REJECTED}, reason="JSON")
    add("JSON Lines named .json", "json/lines.json", _jsonl(_rec("jnl-1", EN2 + "Lines one."),
                                                            _rec("jnl-2", RU + "Строки два.")),
        {STORED}, must_store=("jnl-1", "jnl-2"))
    add("JSON deeply nested", "json/deep.json", "[" * 100000 + "]" * 100000, {REJECTED}, reason="JSON")

    # -- CSV -----------------------------------------------------------------------------------
    add("CSV without a text column", "csv/notext.csv", "id,title,body\n1,Hello,World\n", {REJECTED},
        reason="no 'text'")
    add("CSV field over 131,072 characters", "csv/bigfield.csv",
        'id,title,text\ncsv-big,Long,"' + ("Long sentence number one keeps going. " * 3700) + '"\ncsv-after,After,"'
        + EN2.replace("\n", " ") + '"\n', {STORED}, must_store=("csv-big", "csv-after"))
    add("CSV field over the article limit", "csv/hugefield.csv",
        'id,text\ncsv-huge,"' + "y" * (LIMIT + 10) + '"\ncsv-fine,"' + RU.replace("\n", " ") + '"\n',
        {STORED, REJECTED}, must_store=("csv-fine",), reason="article limit")
    add("CSV with a stray NUL", "csv/nul.csv", 'id,text\ncsv-nul,"' + EN2.replace("\n", " ").replace("the", "t\x00he", 1)
        + '"\n', {STORED}, must_store=("csv-nul",))
    add("CSV ragged rows", "csv/ragged.csv", 'id,title,text\nr1,T,"' + BG.replace("\n", " ") + '",extra,fields\nr2\n'
        + 'r3,T3\n', {STORED, REJECTED}, must_store=("r1",))
    add("CSV semicolons and BOM", "csv/semi.csv", "\ufeffid;title;text\nsemi;Semi;" + RU.replace("\n", " ") + "\n",
        {STORED}, must_store=("semi",))
    add("CSV in UTF-16", "csv/u16.csv", ('id,text\ncsv-u16,"' + EN2.replace("\n", " ") + ' UTF-16."\n').encode("utf-16"),
        {STORED}, must_store=("csv-u16",))
    add("CSV header without rows", "csv/header.csv", "id,title,text\n", {REJECTED}, reason="no records")
    add("TSV", "csv/tabs.tsv", "id\ttitle\ttext\ntsv1\tTabs\t" + BG.replace("\n", " ") + " TSV.\n", {STORED, REJECTED})
    add("CSV unbalanced quote", "csv/quote.csv", 'id,text\nq1,"' + EN.replace("\n", " ") + '\nq2,"never closed\n',
        {STORED, REJECTED})

    # -- HTML and feeds ----------------------------------------------------------------------------
    add("HTML page", "html/page.html",
        "<html><head><title>Flood</title><meta property='article:published_time' content='2024-02-30'></head>"
        "<body><article><h1>Flood</h1><p>" + (EN2 + own()).replace("\n", "</p><p>") + "</p></article></body></html>",
        # Known limit: trafilatura's htmldate reads the impossible 2024-02-30 as 2024-02-01 (month precision).
        {STORED}, must_store=("page",))
    add("HTML with no text", "html/empty.html", "<html><head><script>var a=1;</script></head><body></body></html>",
        {REJECTED})
    add("HTML navigation only", "html/nav.html",
        "<html><body><nav><ul><li><a href='/'>Home</a></li><li><a href='/n'>News</a></li><li><a href='/s'>Sports</a>"
        "</li><li><a href='/c'>Contact</a></li></ul></nav><footer>© 2024 Example</footer></body></html>", {REJECTED})
    add("RSS with a good and an empty item", "feeds/feed.xml",
        "<?xml version='1.0'?><rss version='2.0'><channel><title>T</title><link>https://news.example.org/</link>"
        "<language>en-us</language>"
        "<item><guid>rss-1</guid><title>Flood</title><link>https://news.example.org/1</link>"
        "<pubDate>Tue, 30 Feb 2022 18:02:00 +0000</pubDate><description>" + EN2 + "</description></item>"
        "<item><guid>rss-2</guid><title>Empty</title></item></channel></rss>",
        {STORED, REJECTED}, must_store=("rss-1",))
    add("RSS malformed", "feeds/broken.rss", "<rss><channel><item><title>x</title", {REJECTED})
    add("Atom entry", "feeds/feed.atom",
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>T</title>"
        "<entry><id>atom-1</id><title>Budget</title><link href='https://atom.example.com/1'/>"
        "<updated>2022-02-01T10:00:00Z</updated><summary>" + BG + "</summary></entry></feed>",
        {STORED}, must_store=("atom-1",))

    # -- what cannot be walked ---------------------------------------------------------------------
    loop = root / "links" / "loop"
    loop.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(root / "links", loop)  # a folder link back to its own parent
    kinds.append(Kind("symlink loop (folder)", loop, frozenset({SKIPPED}), reason="loop"))
    selfie = root / "links" / "self.txt"
    os.symlink(selfie, selfie)
    kinds.append(Kind("symlink loop (file to itself)", selfie, frozenset({SKIPPED, REJECTED}), reason="link"))
    dangling = root / "links" / "dangling.txt"
    os.symlink(root / "links" / "nowhere.txt", dangling)
    kinds.append(Kind("broken symlink", dangling, frozenset({SKIPPED, REJECTED}), reason="link"))
    locked = root / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text("Locked\n" + EN2 + own(), encoding="utf-8")
    locked.chmod(0)
    kinds.append(Kind("unreadable folder", locked, frozenset({SKIPPED}), reason="cannot read folder"))
    return kinds
