"""Cleaning stage: boilerplate removal, title, date, language and encoding repair -> Article."""

from ._cleaner import Cleaner
from ._memory import InMemoryLineMemory, LineMemory, line_key

__all__ = ["Cleaner", "LineMemory", "InMemoryLineMemory", "line_key"]
