"""Server-side HTML: one autoescaping Jinja2 environment and the filters the templates use.

Article text, titles and URLs are untrusted scraped content: autoescape is on
for every template, and no filter here marks input safe without escaping it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

import jinja2
from fastapi import Request
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

from ._ids import id_path

__all__ = ["render", "render_html", "environment", "LANGUAGE_NAMES"]

TEMPLATES = Path(__file__).parent / "templates"

LANGUAGE_NAMES = {
    "ar": "Arabic", "az": "Azerbaijani", "be": "Belarusian", "bg": "Bulgarian", "bn": "Bengali", "bs": "Bosnian",
    "ca": "Catalan", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "es": "Spanish", "et": "Estonian", "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew",
    "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian", "it": "Italian",
    "ja": "Japanese", "ka": "Georgian", "kk": "Kazakh", "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian",
    "mk": "Macedonian", "ms": "Malay", "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sq": "Albanian", "sr": "Serbian",
    "sv": "Swedish", "sw": "Swahili", "th": "Thai", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu",
    "uz": "Uzbek", "vi": "Vietnamese", "zh": "Chinese",
}


def safe_url(value: str | None) -> str | None:
    """Return ``value`` when it is an http(s) URL (safe as a link target), else None."""
    if not value:
        return None
    parsed = urlparse(value.strip())
    return value.strip() if parsed.scheme in ("http", "https") and parsed.netloc else None


def when(value: str | None) -> str:
    """Return an ISO date/datetime shortened for display (minutes, no seconds)."""
    if not value:
        return "date unknown"
    return value[:16].replace("T", " ")


def title_or(value: str | None, fallback: str) -> str:
    """Return ``value`` when it has a letter or digit (scraped titles can be bare punctuation), else ``fallback``."""
    return value if value and any(ch.isalnum() for ch in value) else fallback


def clock(value: str | None) -> str:
    """Return the time of day of an ISO datetime (HH:MM), or '' for a bare date or nothing."""
    return value[11:16] if value and len(value) >= 16 else ""


def lang_name(code: str | None) -> str:
    """Return the English name of a language code (the code itself if unknown)."""
    if not code or code == "?":
        return "language uncertain"
    return LANGUAGE_NAMES.get(code, code)


def highlight(text: str, terms: list[str]) -> Markup:
    """Return ``text`` escaped, with case-insensitive matches of ``terms`` wrapped in <mark>."""
    terms = [t for t in terms if t]
    if not terms:
        return Markup(escape(text))
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[last : m.start()]))
        out.append(Markup("<mark>") + escape(m.group(0)) + Markup("</mark>"))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """Return ``?a=b…`` for ``params`` updated with ``changes`` (empty values dropped)."""
    merged = {**params, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v not in (None, "")})


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Return the Jinja2 environment (autoescape on for everything)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, auto_reload=False,  # no stat per page
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters.update(safe_url=safe_url, when=when, clock=clock, lang_name=lang_name, highlight=highlight,
                       title_or=title_or, id_path=id_path)
    env.globals.update(query_string=query_string)
    return env


def render_html(request: Request, name: str, **context: Any) -> str:
    """Return the HTML of the page ``name`` rendered with ``context``."""
    state = request.app.state.babelwire
    return environment().get_template(name).render(
        request=request, path=request.url.path, writes_enabled=bool(state.config.token), **context
    )


def render(
    request: Request, name: str, *, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    """Return the page ``name`` rendered with ``context``."""
    return HTMLResponse(render_html(request, name, **context), status_code=status, headers=headers)
