"""What a URL may name as a ticked feature, and each published feature's published parents."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FeatureIds:
    tickable: Mapping[str, int]  # slug, HPO id, alt or obsolete id (upper case) -> feature id
    parents: Mapping[int, tuple[int, ...]]  # published feature -> its published parents
    tickable_ids: frozenset[int] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "tickable_ids", frozenset(self.tickable.values()))

    def resolve(self, value: str) -> int | None:
        """The tickable feature a URL value names: a slug as written, an HPO id in any case."""
        pk = self.tickable.get(value)
        if pk is None and value[:3].upper() == "HP:":
            pk = self.tickable.get(value.upper())
        return pk
