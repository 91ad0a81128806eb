"""An alert's firings as an Atom 1.0 feed (RFC 4287): one entry per firing, linking to its story."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import quote

from ..model import Alert, Firing

__all__ = ["atom_feed"]

ATOM = "http://www.w3.org/2005/Atom"
_WHY = {"new_story": "new story", "new_language": "first report in {value}",
        "min_sources": "{value} independent sources"}


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    el.text = text
    return el


def atom_feed(alert: Alert, firings: list[Firing], *, base_url: str) -> bytes:
    """Return the Atom document of ``alert``'s ``firings`` (newest first); links are under ``base_url``."""
    ET.register_namespace("", ATOM)
    base = base_url.rstrip("/")
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", f"{base}/alerts/{quote(alert.name)}.atom")
    _text(feed, "title", f"babelwire alert {alert.name}: {alert.query}")
    _text(feed, "updated", firings[0].at if firings else alert.created_at)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": f"{base}/alerts/{quote(alert.name)}.atom"})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "babelwire")
    for f in firings:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        story = f.data
        why = _WHY.get(f.reason, f.reason).format(value=f.value)
        _text(entry, "id", f"{base}/alerts/{quote(alert.name)}/firings/{f.id}")
        _text(entry, "title", f"{why}: {story.get('headline') or f.story_id}")
        _text(entry, "updated", f.at)
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": f"{base}/stories/{quote(f.story_id)}"})
        langs = ", ".join(story.get("languages") or [])
        _text(entry, "summary", f"{why}; {story.get('article_count', '?')} articles, "
                                f"{story.get('independent_sources', '?')} independent sources; languages: {langs}")
        ET.SubElement(entry, f"{{{ATOM}}}category", {"term": f.reason})
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")
