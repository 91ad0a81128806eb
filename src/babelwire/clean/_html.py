"""HTML input: trafilatura finds the main text and the page's metadata."""

from __future__ import annotations

import logging
from dataclasses import dataclass

__all__ = ["HtmlExtract", "extract_html"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class HtmlExtract:
    """Main text and metadata that trafilatura found in a page."""

    text: str
    title: str | None = None
    date: str | None = None
    author: str | None = None
    sitename: str | None = None


def extract_html(html: str, url: str | None = None) -> HtmlExtract:
    """Return the main text and metadata of ``html``, favouring precision over recall."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        favor_precision=True,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        # Only dates the page declares in its markup; dates in the text are ours to find.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None:
        log.debug("trafilatura found no main text in %s", url or "page")
        return HtmlExtract(text="")
    return HtmlExtract(
        text=getattr(doc, "text", None) or "",
        title=getattr(doc, "title", None) or None,
        date=getattr(doc, "date", None) or None,
        author=getattr(doc, "author", None) or None,
        sitename=getattr(doc, "sitename", None) or None,
    )
