"""The SVG chart functions: valid XML, the bars they should have, a legend, and hostile labels kept as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from babelwire.web._charts import sparkline, timeline_chart

NS = {"svg": "http://www.w3.org/2000/svg"}
HOSTILE = '</text><script>alert("x")</script><text a="b" & c'


def _bars(root: ET.Element, cls: str) -> list[ET.Element]:
    return [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if cls in (r.get("class") or "").split()]


def test_sparkline_has_a_bar_per_non_zero_hour_and_marks_the_window():
    counts = [0, 1, 0, 2, 0, 0, 3, 4, 0, 5]
    root = ET.fromstring(sparkline(counts, window=3, title="t", desc="d"))
    assert len(_bars(root, "bar")) == 5
    assert len(_bars(root, "window")) == 2 and len(_bars(root, "base")) == 3  # 4 and 5 sit in the last three
    assert root.get("role") == "img" and root.find("svg:title", NS).text == "t"
    assert root.find("svg:desc", NS).text == "d"


def test_sparkline_of_nothing_is_still_an_image():
    root = ET.fromstring(sparkline([], window=6, title="nothing", desc="no reports"))
    assert _bars(root, "bar") == [] and root.find("svg:title", NS).text == "nothing"


def test_timeline_stacks_originals_and_copies_per_language_with_a_legend():
    svg = timeline_chart(["1 May", "2 May", "3 May"], {"en": [1, 0, 2], "tr": [0, 3, 0]}, {"en": [0, 0, 1]},
                         first_index=0, names={"en": "English", "tr": "Turkish"}, title="Reports", desc="per day")
    root = ET.fromstring(svg)
    assert len(_bars(root, "original")) == 3 and len(_bars(root, "copy")) == 1
    assert {r.get("data-lang") for r in _bars(root, "bar")} == {"en", "tr"}
    legend = next(g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "legend")
    texts = [t.text for t in legend.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["English", "Turkish", "copy (hatched)", "first report"]
    assert any(g.get("class") == "first" for g in root.iter("{http://www.w3.org/2000/svg}g"))
    copy = _bars(root, "copy")[0]
    assert copy.get("fill", "").startswith("url(#")  # hatched, not the language's solid colour
    # the copy sits on top of the original in the same column: together as tall as the column's total
    col = [r for r in _bars(root, "bar") if r.get("x") == copy.get("x")]
    assert len(col) == 2


def test_hostile_labels_stay_text():
    svg = timeline_chart([HOSTILE, "b"], {HOSTILE: [1, 2]}, {}, first_index=1, first_label=HOSTILE,
                         names={HOSTILE: HOSTILE}, title=HOSTILE, desc=HOSTILE, uid='x" onload="evil')
    root = ET.fromstring(svg)  # still well-formed
    assert "<script" not in svg and 'onload="evil' not in svg
    assert not list(root.iter("script")) and not list(root.iter("{http://www.w3.org/2000/svg}script"))
    assert root.find("svg:title", NS).text == HOSTILE
    assert HOSTILE in [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    spark = sparkline([1], window=1, title=HOSTILE, desc=HOSTILE, uid="<b>")
    assert ET.fromstring(spark).find("svg:desc", NS).text == HOSTILE and "<b>" not in spark
