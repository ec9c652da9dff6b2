"""The match index for the current content: built once per content version for every process
and server (`content_version.PerVersion`, `snapshots`: stored in the database, memory-mapped
from a file per server), while the previous one keeps serving.

What it holds and how it ranks: match_index.py; how it is built: index_build.py.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
from collections.abc import Sequence

from . import content_version
from .index_build import build_match_index
from .match_index import MatchIndex
from .ordering import Order
from .ranking import DIMENSIONS, EMPTY, NO_FILTERS, Facets, Filters, Ranking

__all__ = [
    "DIMENSIONS",
    "NO_FILTERS",
    "Facets",
    "Filters",
    "MatchIndex",
    "Ranking",
    "current_index",
    "rank",
]


def _return_freed_memory() -> None:
    """glibc keeps the heap pages a build has freed (its temporaries are ten times the index);
    hand them back to the system, or every worker would stay at its peak. A no-op elsewhere."""
    gc.collect()  # query machinery leaves reference cycles holding the rows
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _build(version: str) -> MatchIndex:
    built = build_match_index(version)
    _return_freed_memory()
    return built


_current = content_version.PerVersion(_build, shared="match")


def current_index() -> MatchIndex:
    """The index for the current content, rebuilt (once per process) after any change."""
    return _current.get()


def rank(
    feature_ids: Sequence[int], order: str = Order.FREQUENCY, filters: Filters = NO_FILTERS
) -> Ranking:
    if not feature_ids:
        return EMPTY
    return current_index().rank(feature_ids, order, filters)
