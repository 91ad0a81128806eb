"""Cleaner.line_keys: exactly the keys a clean looks up in the line memory and adds to it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from babelwire.clean import Cleaner, InMemoryLineMemory
from babelwire.errors import RejectedInput
from babelwire.model import RawDocument


class Recording(InMemoryLineMemory):
    def __init__(self) -> None:
        super().__init__()
        self.observed: list[frozenset[str]] = []

    def observe(self, source, keys) -> None:
        self.observed.append(frozenset(keys))
        super().observe(source, keys)


def _raw(text: str | None = None, html: str | None = None) -> RawDocument:
    return RawDocument(id="a", source="site", origin="/x/a", format="html" if html else "text",
                       read_at=datetime(2025, 1, 1, tzinfo=UTC), text=text, html=html)


@pytest.mark.parametrize("raw", [
    _raw("Port strike enters day two\n\nDock workers in Varna stayed away again on Tuesday.\nSubscribe now\n"),
    _raw(html="<html><head><title>Rates held</title></head><body><nav>Home | World</nav><article><h1>Rates "
              "held</h1><p>The central bank kept its main rate at 4.5% on Thursday, citing inflation.</p>"
              "</article><footer>Copyright Site</footer></body></html>"),
])
def test_line_keys_are_the_keys_clean_observes(raw):
    memory = Recording()
    cleaner = Cleaner(line_memory=memory)
    cleaner.clean(raw)
    assert memory.observed == [cleaner.line_keys(raw)]
    assert cleaner.line_keys(raw)  # not vacuous: the article has lines


def test_line_keys_raise_where_clean_fails_before_the_memory():
    memory = Recording()
    cleaner = Cleaner(line_memory=memory)
    raw = _raw(text="   ")
    with pytest.raises(RejectedInput, match="empty input"):
        cleaner.clean(raw)
    assert memory.observed == []  # an empty input fails before the memory
    with pytest.raises(RejectedInput, match="empty input"):
        cleaner.line_keys(raw)
