"""Ranking conditions by the ticked features they mention: numpy arrays only, no database.

Conditions are numbered by their place in human name order (`position`). For every feature the
index holds the sorted positions of the conditions whose sources mention that feature or anything
more specific (the true path rule), documented-absent mentions left out, each beside the band
rank of the highest frequency recorded. Ranking k features is then one bincount and a stable
sort, in ordering.result_key's order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .array_runs import group_starts, runs
from .models import Condition
from .ordering import BAND_RANK, NOT_RECORDED_RANK, Order

# Filter dimensions: each condition's options as bits (see `ConditionTraits`).
SOURCE_OPTIONS = ("orpha", "omim", "decipher", "curated")
ONSET_OPTIONS = tuple(Condition.Onset.values)
INHERITANCE_OPTIONS = tuple(Condition.Inheritance.values)
DIMENSIONS = {"source": SOURCE_OPTIONS, "onset": ONSET_OPTIONS, "inheritance": INHERITANCE_OPTIONS}


@dataclass(frozen=True)
class Filters:
    """Which conditions a visitor keeps: reviewed by editors, from these sources, with this onset
    or inheritance recorded (options of one dimension combine with "or", dimensions with "and")."""

    reviewed: bool = False
    source: frozenset[str] = frozenset()
    onset: frozenset[str] = frozenset()
    inheritance: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return self.reviewed or any(getattr(self, d) for d in DIMENSIONS)


NO_FILTERS = Filters()


@dataclass(frozen=True)
class Facets:
    """For the results of the ticked features: how many each filter option would give (the other
    filters applied), and how many a filter left out because the condition has nothing recorded."""

    options: dict[str, dict[str, int]]  # dimension -> option -> results
    reviewed: int  # results if only reviewed conditions were kept
    unrecorded: dict[str, int]  # dimension set -> conditions left out with nothing recorded
    unfiltered: int  # results without any filter


@dataclass(frozen=True)
class Ranking:
    """Conditions in result order, with how many ticked features each mentions."""

    condition_ids: np.ndarray  # int64
    matched: np.ndarray  # int32, same length
    facets: Facets | None = None  # what each filter option would give, and what filters left out

    def __len__(self) -> int:
        return len(self.condition_ids)

    def __getitem__(self, window):
        if isinstance(window, slice):
            return list(
                zip(self.condition_ids[window].tolist(), self.matched[window].tolist(), strict=True)
            )
        return (int(self.condition_ids[window]), int(self.matched[window]))

    def count(self) -> int:  # Paginator asks for count() before len()
        return len(self)

    def complete_count(self, feature_count: int) -> int:
        return int(np.count_nonzero(self.matched == feature_count))


EMPTY = Ranking(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32))


class ConditionFacts(NamedTuple):
    """What the filters read of one condition (option codes; unknown ones are ignored)."""

    reviewed: bool
    source: tuple[str, ...] = ()
    onset: tuple[str, ...] = ()
    inheritance: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConditionTraits:
    """Per condition position: reviewed or not, and its options of each dimension as bits."""

    reviewed: np.ndarray  # bool
    bits: Mapping[str, np.ndarray]  # dimension -> int16 per position, bit i = options[i]

    @classmethod
    def build(cls, facts: Sequence[ConditionFacts]) -> ConditionTraits:
        reviewed = np.fromiter((f.reviewed for f in facts), dtype=bool, count=len(facts))
        bits = {}
        for dimension, options in DIMENSIONS.items():
            bit_of = {code: 1 << i for i, code in enumerate(options)}
            bits[dimension] = np.fromiter(
                (sum({bit_of[c] for c in getattr(f, dimension) if c in bit_of}) for f in facts),
                dtype=np.int16,
                count=len(facts),
            )
        return cls(reviewed, bits)

    def mask(self, filters: Filters, positions: np.ndarray, skip: str = "") -> np.ndarray:
        """Which of `positions` the filters keep (leaving dimension `skip` out)."""
        keep = np.ones(len(positions), dtype=bool)
        if filters.reviewed and skip != "reviewed":
            keep &= self.reviewed[positions]
        for dimension, options in DIMENSIONS.items():
            chosen = getattr(filters, dimension)
            if chosen and dimension != skip:
                wanted = sum(1 << options.index(code) for code in chosen if code in options)
                keep &= (self.bits[dimension][positions] & wanted) != 0
        return keep

    def facets(self, filters: Filters, hits: np.ndarray) -> Facets:
        options, unrecorded = {}, {}
        for dimension, codes in DIMENSIONS.items():
            pool = self.bits[dimension][hits[self.mask(filters, hits, skip=dimension)]]
            options[dimension] = {
                code: int(np.count_nonzero(pool & (1 << i))) for i, code in enumerate(codes)
            }
            if getattr(filters, dimension):
                unrecorded[dimension] = int(np.count_nonzero(pool == 0))
        reviewed_pool = hits[self.mask(filters, hits, skip="reviewed")]
        return Facets(
            options,
            int(np.count_nonzero(self.reviewed[reviewed_pool])),
            unrecorded,
            len(hits),
        )

    @property
    def nbytes(self) -> int:
        return self.reviewed.nbytes + sum(a.nbytes for a in self.bits.values())


@dataclass(frozen=True)
class Postings:
    """For every feature with at least one condition: the positions of the conditions whose
    sources mention it or something more specific, ascending, each beside the band rank of the
    highest frequency recorded among those mentions."""

    keys: np.ndarray  # int64, sorted feature ids
    offsets: np.ndarray  # int64: positions[offsets[i]:offsets[i + 1]] belong to keys[i]
    positions: np.ndarray  # int32
    best: np.ndarray  # int8, beside positions: ordering.band_rank of the highest frequency

    @classmethod
    def build(
        cls,
        features: np.ndarray,
        positions: np.ndarray,
        ranks: np.ndarray,
        closure: np.ndarray,
        condition_count: int,
    ) -> Postings:
        """From present mentions (feature id, condition position, band rank, one each) and the
        is_a closure as (descendant, ancestor) rows, the feature itself included."""
        # Each mention counts for every ancestor of its feature: expand through the closure.
        closure = closure[np.argsort(closure[:, 0], kind="stable")]
        starts = np.searchsorted(closure[:, 0], features, side="left")
        lengths = np.searchsorted(closure[:, 0], features, side="right") - starts
        ancestors = closure[runs(starts, lengths), 1]
        repeat_positions = np.repeat(positions, lengths)
        repeat_ranks = np.repeat(ranks, lengths)

        # One entry per (feature, condition), keeping the highest frequency recorded below it.
        width = np.int64(condition_count + 1)
        pairs = ancestors * width + repeat_positions
        order = np.lexsort((-repeat_ranks, pairs))  # by pair, the highest rank first
        pairs, repeat_ranks = pairs[order], repeat_ranks[order]
        firsts = group_starts(pairs)
        combined, best = pairs[firsts], repeat_ranks[firsts]
        feature_of = combined // width
        keys, first = np.unique(feature_of, return_index=True)
        return cls(
            keys=keys.astype(np.int64),
            offsets=np.append(first, len(combined)).astype(np.int64),
            positions=(combined % width).astype(np.int32),
            best=best.astype(np.int8),
        )

    def span(self, feature_id: int) -> slice:
        i = int(np.searchsorted(self.keys, feature_id))
        if i == len(self.keys) or self.keys[i] != feature_id:
            return slice(0, 0)
        return slice(int(self.offsets[i]), int(self.offsets[i + 1]))

    def count(self, feature_id: int) -> int:
        span = self.span(feature_id)
        return span.stop - span.start

    @property
    def nbytes(self) -> int:
        return self.keys.nbytes + self.offsets.nbytes + self.positions.nbytes + self.best.nbytes


@dataclass(frozen=True)
class Ranker:
    """Ranks published conditions (numbered by name order) by the ticked features they mention."""

    condition_ids: np.ndarray  # int64: position -> condition id, in name order
    postings: Postings
    traits: ConditionTraits

    def count(self, feature_id: int) -> int:
        """How many published conditions' sources mention the feature or a more specific one."""
        return self.postings.count(feature_id)

    def rank(
        self,
        feature_ids: Sequence[int],
        order: str = Order.FREQUENCY,
        filters: Filters = NO_FILTERS,
    ) -> Ranking:
        """Conditions mentioning any of the features, in ordering.result_key's order: each
        (feature, condition) entry weighs the number of features, then its band in a digit of
        base k + 1, so no sum of lower bands can reach a higher one."""
        postings = self.postings
        spans = [postings.span(f) for f in dict.fromkeys(feature_ids)]
        spans = [s for s in spans if s.stop > s.start]
        if not spans:
            return EMPTY
        positions = np.concatenate([postings.positions[s] for s in spans])
        counts = np.bincount(positions, minlength=len(self.condition_ids))
        hit = np.flatnonzero(counts)  # ascending position = name order
        facets = self.traits.facets(filters, hit)
        if filters:
            hit = hit[self.traits.mask(filters, hit)]
        if order == Order.NAME:
            keys = counts
        else:
            base = len(spans) + 1
            weights = base ** np.arange(len(BAND_RANK) + 1, dtype=np.float64)  # exact below 2**53
            weights[NOT_RECORDED_RANK] = 0
            best = np.concatenate([postings.best[s] for s in spans])
            keys = np.bincount(positions, weights=weights[best], minlength=len(self.condition_ids))
            keys += counts * base ** (len(BAND_RANK) + 1)
        ordered = hit[np.argsort(-keys[hit], kind="stable")]  # names stay in order within a key
        return Ranking(self.condition_ids[ordered], counts[ordered].astype(np.int32), facets)

    @property
    def nbytes(self) -> int:
        return self.condition_ids.nbytes + self.postings.nbytes + self.traits.nbytes
