from __future__ import annotations

import json
from pathlib import Path

from babelwire.sources import iter_files, read_path, source_from_url

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Example</title><link>https://www.example-news.de/</link><language>de</language>
<item><guid>https://www.example-news.de/a1</guid><title>Erdbeben in der Region</title>
<link>https://www.example-news.de/a1</link><pubDate>Tue, 01 Feb 2022 18:02:00 +0000</pubDate>
<content:encoded><![CDATA[<p>Ein Erdbeben der Stärke 6,1 erschütterte am Dienstag die Region.</p>]]></content:encoded></item>
<item><guid>a2</guid><title>Leer</title><link>https://www.example-news.de/a2</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><link href="https://news.example.com/"/>
<entry><id>tag:example.com,2022:1</id><title>Title one</title><link href="https://news.example.com/1"/>
<updated>2022-02-01T10:00:00Z</updated><summary>The body of the first entry is here.</summary></entry>
</feed>"""


def test_text_file_id_is_stem_and_source_is_folder(tmp_path: Path):
    f = tmp_path / "outlet" / "000_abc.txt"
    f.parent.mkdir()
    f.write_text("Title\nBody text here.", encoding="utf-8")
    r = read_path(f)
    assert [d.id for d in r.documents] == ["000_abc"]
    d = r.documents[0]
    assert d.source == "outlet" and d.format == "text" and d.text.startswith("Title")
    assert d.read_at.tzinfo is not None


def test_html_file_uses_canonical_url_for_source(tmp_path: Path):
    f = tmp_path / "page.html"
    f.write_text('<html><head><link rel="canonical" href="https://www.dnevnik.bg/x/1"></head>'
                 "<body><article><p>Text</p></article></body></html>", encoding="utf-8")
    d = read_path(f).documents[0]
    assert d.id == "page" and d.html and d.source == "dnevnik.bg" and d.url == "https://www.dnevnik.bg/x/1"


def test_jsonl_records_and_rejections(awkward_dir: Path):
    r = read_path(awkward_dir / "records.jsonl")
    assert [d.id for d in r.documents] == ["j1"]
    assert r.documents[0].source == "example.org"
    reasons = {rej.origin.rsplit(":", 1)[1]: rej.reason for rej in r.rejected}
    assert reasons["2"].startswith("malformed JSON")
    assert "no 'text'" in reasons["3"]
    assert "not an object" in reasons["4"]


def test_json_list_and_record_fields(tmp_path: Path):
    f = tmp_path / "export.json"
    f.write_text(json.dumps([{"id": 7, "text": "Body", "lang": "de", "published": "2022-02-01", "x": 1}]))
    d = read_path(f).documents[0]
    assert d.id == "7" and d.lang == "de" and d.published == "2022-02-01" and d.meta == {"x": 1, "source_known": False}


def test_csv_without_text_column_is_rejected(awkward_dir: Path):
    r = read_path(awkward_dir / "notext.csv")
    assert not r.documents and "no 'text' or 'html' column" in r.rejected[0].reason
    good = read_path(awkward_dir / "good.csv")
    assert [d.id for d in good.documents] == ["c1"] and good.documents[0].lang == "en"


def test_rss_items_become_documents(tmp_path: Path):
    f = tmp_path / "feed.xml"
    f.write_text(RSS, encoding="utf-8")
    r = read_path(f)
    assert [d.id for d in r.documents] == ["https://www.example-news.de/a1"]
    d = r.documents[0]
    assert d.source == "example-news.de" and d.html and d.published.startswith("2022-02-01")
    assert d.title == "Erdbeben in der Region" and d.lang == "de"
    assert r.rejected and "no content" in r.rejected[0].reason


def test_atom_entries(tmp_path: Path):
    f = tmp_path / "feed.atom"
    f.write_text(ATOM, encoding="utf-8")
    d = read_path(f).documents[0]
    assert d.id == "tag:example.com,2022:1" and d.text.startswith("The body") and d.source == "news.example.com"


def test_bad_inputs_are_rejected_with_reasons(awkward_dir: Path):
    reasons = {}
    for f in iter_files([awkward_dir]):
        r = read_path(f)
        for rej in r.rejected + r.skipped:
            reasons[Path(rej.origin.split(":")[0]).name] = rej.reason
    assert reasons["empty.txt"] == "empty file"
    assert reasons["image.txt"].startswith("binary")
    assert "not an article" in reasons["README.md"]
    assert "latin1.txt" not in reasons  # legacy encodings are decoded, not rejected


def test_latin1_is_decoded(awkward_dir: Path):
    d = read_path(awkward_dir / "latin1.txt").documents[0]
    assert d.text.startswith("Título del artículo")


def test_missing_path_and_unknown_type(tmp_path: Path):
    assert "no such file" in read_path(tmp_path / "nope.txt").rejected[0].reason
    f = tmp_path / "x.bin"
    f.write_bytes(b"hello")
    assert "unsupported file type" in read_path(f).rejected[0].reason


def test_source_from_url():
    assert source_from_url("https://www2.bbc.co.uk/news/1") == "bbc.co.uk"
    assert source_from_url(None) is None and source_from_url("not a url") is None
