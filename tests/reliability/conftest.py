"""The bad-input corpus as a fixture."""

from __future__ import annotations

import pytest
from bad_corpus import write_corpus


@pytest.fixture
def corpus(tmp_path):
    """The bad-input corpus in a temp folder (the unreadable folder made readable again afterwards)."""
    root = tmp_path / "corpus"
    kinds = write_corpus(root)
    yield root, kinds
    (root / "locked").chmod(0o755)
