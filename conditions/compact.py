"""Tables of strings and ids held as a few numpy arrays instead of a Python object per entry.

A snapshot (snapshots.py) stores numpy arrays out of band, and every worker maps them from one
file: tables built from these cost a worker almost no private memory, where dicts of strings are
unpickled into each worker's own heap (tens of megabytes for the full HPO). Each read decodes the
one entry asked for.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class Strings(Sequence[str]):
    """Strings as one UTF-8 blob: string i is blob[offsets[i]:offsets[i + 1]]."""

    blob: np.ndarray  # uint8
    offsets: np.ndarray  # int64, one more than there are strings

    @classmethod
    def of(cls, values: Iterable[str]) -> Strings:
        encoded = [value.encode() for value in values]
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        return cls(
            np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(),
            np.r_[0, np.cumsum(lengths)].astype(np.int64),
        )

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i):
        return self.encoded(i).decode()

    def encoded(self, i: int) -> bytes:
        if i < 0:
            raise IndexError(i)
        return self.blob[self.offsets[i] : self.offsets[i + 1]].tobytes()  # IndexError past the end

    def __iter__(self) -> Iterator[str]:
        """Every string, decoded in one pass."""
        raw, bounds = self.blob.tobytes(), self.offsets.tolist()
        return (raw[start:end].decode() for start, end in itertools.pairwise(bounds))

    @property
    def nbytes(self) -> int:
        return self.blob.nbytes + self.offsets.nbytes


@dataclass(frozen=True, eq=False)
class Records[T](Sequence[T]):
    """Rows of `width` strings each, read as `kind(*strings)` (a tuple or a NamedTuple)."""

    strings: Strings
    width: int
    kind: Any = tuple

    @classmethod
    def of(cls, rows: Sequence[Sequence[str]], width: int, kind: Any = tuple) -> Records:
        return cls(Strings.of(value for row in rows for value in row), width, kind)

    def __len__(self) -> int:
        return len(self.strings) // self.width

    def __getitem__(self, i):
        if not 0 <= i < len(self):
            raise IndexError(i)
        bounds = self.strings.offsets[i * self.width : (i + 1) * self.width + 1].tolist()
        raw = self.strings.blob[bounds[0] : bounds[-1]].tobytes()
        first = bounds[0]
        values = [raw[a - first : b - first].decode() for a, b in itertools.pairwise(bounds)]
        return tuple(values) if self.kind is tuple else self.kind(*values)

    def __iter__(self) -> Iterator[T]:
        """Every row, decoded in one pass."""
        strings = iter(self.strings)
        rows = zip(*[strings] * self.width, strict=True)
        return rows if self.kind is tuple else itertools.starmap(self.kind, rows)


@dataclass(frozen=True, eq=False)
class IdSet:
    """Which ids (small non-negative integers) belong: one flag per id."""

    flags: np.ndarray  # bool, indexed by id

    @classmethod
    def of(cls, ids: Iterable[int]) -> IdSet:
        ids = np.fromiter(ids, dtype=np.int64)
        flags = np.zeros(int(ids.max(initial=-1)) + 1, dtype=bool)
        flags[ids] = True
        return cls(flags)

    def __contains__(self, pk: object) -> bool:
        if not isinstance(pk, int | np.integer):
            return False
        return 0 <= pk < len(self.flags) and bool(self.flags[pk])

    def __len__(self) -> int:
        return int(np.count_nonzero(self.flags))

    def __iter__(self) -> Iterator[int]:
        return iter(np.flatnonzero(self.flags).tolist())


@dataclass(frozen=True, eq=False)
class Summaries[T](Mapping[int, T]):
    """Id -> `kind(id, *strings)` (a summaries.py NamedTuple), iterated in the order built."""

    ids: np.ndarray  # int64, in the order built
    row_of: np.ndarray  # int32: id -> row, or -1
    records: Records  # each summary's fields after the id
    kind: Any  # the NamedTuple: kind(id, *record)

    @classmethod
    def of(cls, summaries: Sequence[T], kind: Any) -> Summaries[T]:
        ids = np.fromiter((s[0] for s in summaries), dtype=np.int64, count=len(summaries))
        row_of = np.full(int(ids.max(initial=-1)) + 1, -1, dtype=np.int32)
        row_of[ids] = np.arange(len(ids), dtype=np.int32)
        width = len(kind._fields) - 1
        return cls(ids, row_of, Records.of([s[1:] for s in summaries], width), kind)

    def _row(self, pk: object) -> int:
        if isinstance(pk, int | np.integer) and 0 <= pk < len(self.row_of):
            return int(self.row_of[pk])
        return -1

    def __getitem__(self, pk) -> T:
        row = self._row(pk)
        if row < 0:
            raise KeyError(pk)
        return self.kind(int(pk), *self.records[row])

    def __contains__(self, pk: object) -> bool:
        return self._row(pk) >= 0

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids.tolist())

    def __len__(self) -> int:
        return len(self.ids)

    def values(self) -> list[T]:  # type: ignore[override]
        """Every summary in the order built, decoded in one pass (the conditions list shows
        thousands)."""
        rows = zip(self.ids.tolist(), self.records, strict=True)
        return [self.kind(pk, *record) for pk, record in rows]

    def items(self) -> list[tuple[int, T]]:  # type: ignore[override]
        return [(summary[0], summary) for summary in self.values()]


@dataclass(frozen=True, eq=False)
class StringKeys(Mapping[str, int]):
    """String -> id, keys sorted by their UTF-8 bytes (the order of code points) and found by
    bisection."""

    sorted_keys: Strings
    ids: np.ndarray  # int64, beside the keys

    @classmethod
    def of(cls, mapping: Mapping[str, int]) -> StringKeys:
        items = sorted((key.encode(), value) for key, value in mapping.items())
        keys = Strings.of(key.decode() for key, _ in items)
        return cls(keys, np.fromiter((v for _, v in items), dtype=np.int64, count=len(items)))

    def _at(self, key: object) -> int:
        if not isinstance(key, str):
            return -1
        wanted = key.encode()
        encoded = _Encoded(self.sorted_keys)
        i = bisect.bisect_left(encoded, wanted)
        return i if i < len(encoded) and encoded[i] == wanted else -1

    def __getitem__(self, key) -> int:
        i = self._at(key)
        if i < 0:
            raise KeyError(key)
        return int(self.ids[i])

    def __contains__(self, key: object) -> bool:
        return self._at(key) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self.sorted_keys)

    def __len__(self) -> int:
        return len(self.ids)


class _Encoded(Sequence[bytes]):
    """The keys as bytes, for bisect."""

    def __init__(self, strings: Strings):
        self._strings = strings

    def __len__(self) -> int:
        return len(self._strings)

    def __getitem__(self, i):
        return self._strings.encoded(i)


@dataclass(frozen=True, eq=False)
class IdLists(Mapping[int, tuple[int, ...]]):
    """Id -> a tuple of ids (e.g. a feature's parents): values[offsets[id]:offsets[id + 1]];
    ids with none are not keys."""

    offsets: np.ndarray  # int64, indexed by id, one more than the largest id + 1
    flat: np.ndarray  # int64

    @classmethod
    def of(cls, lists: Mapping[int, Sequence[int]]) -> IdLists:
        size = max(lists, default=-1) + 1
        lengths = np.zeros(size, dtype=np.int64)
        for pk, values in lists.items():
            lengths[pk] = len(values)
        flat = [value for pk in range(size) for value in lists.get(pk, ())]
        return cls(np.r_[0, np.cumsum(lengths)].astype(np.int64), np.array(flat, dtype=np.int64))

    def __getitem__(self, pk) -> tuple[int, ...]:
        if not isinstance(pk, int | np.integer) or not 0 <= pk < len(self.offsets) - 1:
            raise KeyError(pk)
        found = self.flat[self.offsets[pk] : self.offsets[pk + 1]]
        if not len(found):
            raise KeyError(pk)
        return tuple(found.tolist())

    def __iter__(self) -> Iterator[int]:
        return iter(np.flatnonzero(np.diff(self.offsets)).tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(np.diff(self.offsets)))
