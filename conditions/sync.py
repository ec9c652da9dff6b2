"""Keep one table in step with a release: the import's single rule for who owns what.

Every kind of imported row (features, synonyms, aliases, conditions, mentions) goes through
`Sync.plan` (diff the rows the release wants against the stored ones) and `Sync.write` (write
the difference in bulk, with a history entry per row written). The ownership rule lives here:

- a curated row (origin "curated") is staff's: the release never changes it (features may have
  their blank fields filled in) and never removes it;
- an imported row is the release's, except the field groups staff changed (StaffEdit rows, see
  models.StaffOwned): those keep staff's value, and when the release offers something else the
  group is listed for review (in the import's summary and in the admin);
- an imported row the release no longer has is removed, unless staff changed any of it: then it
  stays and is listed for review;
- an imported row staff deleted is not made again (a StaffEdit "deleted" keeps its keys).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import models

from .bulk import delete_rows, insert_rows, max_pk, record_history, reloading, update_rows
from .models import Origin, StaffEdit

HPO = Origin.HPO.value
NOT_IN_RELEASE = "(not in this release)"
Values = tuple[Any, ...]


class Stored(NamedTuple):
    """A stored row as the import sees it: its id, origin and the fields the release sets."""

    pk: int
    origin: str
    values: Values


@dataclass(frozen=True)
class Review:
    """A staff-owned value the release disagrees with, for the summary and the admin list."""

    model: str
    object_id: int
    field: str
    staff_value: str
    release_value: str

    def line(self) -> str:
        return (
            f"{self.model} #{self.object_id} {self.field}: staff {self.staff_value!r}, "
            f"release {self.release_value!r}"
        )


@dataclass
class Plan:
    model: type[models.Model]
    fields: tuple[str, ...]
    created: list[tuple[Hashable, Values]] = field(default_factory=list)
    updated: list[tuple[Any, ...]] = field(default_factory=list)  # (*values, pk)
    stale: list[int] = field(default_factory=list)
    unchanged: int = 0
    curated: int = 0  # curated rows the release also has: left as staff wrote them


def blank(value: Any) -> bool:
    return value is None or value == ""


class Sync:
    """One per import run: staff's edits read once, review items and "anything changed" kept."""

    def __init__(self, release: str, when: Any):
        self.release = release
        self.reason = f"HPO import {release}"
        self.when = when  # database-ready datetime for history entries
        self.edits: dict[tuple[str, int], dict[str, StaffEdit]] = {}
        # Keys of imported rows staff deleted, per model: never made again.
        self.deleted: dict[str, set[Hashable]] = {}
        for edit in StaffEdit.objects.all():
            if edit.field == StaffEdit.DELETED:
                keys = {tuple(k) if isinstance(k, list) else k for k in edit.deleted_keys or ()}
                self.deleted.setdefault(edit.model, set()).update(keys)
                continue
            self.edits.setdefault((edit.model, edit.object_id), {})[edit.field] = edit
        self.withheld = 0  # rows the release has that staff deleted
        self.reviews: list[Review] = []
        self.kept = 0  # staff-owned groups kept against a different release value
        self.changed = False
        self._touched: dict[int, StaffEdit] = {}

    def owned(self, model: type[models.Model], pk: int) -> dict[str, StaffEdit]:
        return self.edits.get((model._meta.label_lower, pk), {})

    def owned_value(self, model: type[models.Model], pk: int, group: str, value: str) -> str:
        """What the import had written in a group staff changed since (else `value`)."""
        edit = self.owned(model, pk).get(group)
        return edit.imported if edit else value

    def plan(
        self,
        model: type[models.Model],
        fields: Sequence[str],
        wanted: dict[Hashable, Values],
        stored: dict[Hashable, Stored],
        *,
        fill_blanks: bool = False,
        finish: Callable[[Hashable, Values, Stored | None], Values] | None = None,
        removable: Callable[[Hashable, Stored], bool] | None = None,
    ) -> Plan:
        """What to create, update and remove so the table says what the release says, except
        where staff own it. `finish(key, values, stored row or None)` derives columns (e.g.
        search text) from the merged values; `removable` narrows which imported rows missing from the release go."""
        plan = Plan(model, tuple(fields))
        label = model._meta.label_lower
        edits = {pk: e for (m, pk), e in self.edits.items() if m == label}
        deleted = self.deleted.get(label, set())
        groups = [
            (name, [fields.index(f) for f in group])
            for name, group in getattr(model, "OWNED_GROUPS", {}).items()
            if set(group) <= set(fields)
        ]
        for key, new in wanted.items():
            row = stored.get(key)
            if row is None and key in deleted:
                self.withheld += 1
                continue
            if row is None:
                plan.created.append((key, finish(key, new, None) if finish else new))
                continue
            if row.origin != HPO:
                if not fill_blanks:
                    plan.curated += 1
                    continue
                new = tuple(n if blank(o) else o for o, n in zip(row.values, new, strict=True))
            elif row.pk in edits:
                new = self._keep_staff_values(model, row, new, groups, edits[row.pk])
            if finish:
                new = finish(key, new, row)
            if new != row.values:
                plan.updated.append((*new, row.pk))
            else:
                plan.unchanged += 1
        for key, row in stored.items():
            if key in wanted or row.origin != HPO or (removable and not removable(key, row)):
                continue
            if row.pk in edits:
                for edit in edits[row.pk].values():
                    self._review(model, row.pk, edit, "", NOT_IN_RELEASE)
            else:
                plan.stale.append(row.pk)
        return plan

    def _keep_staff_values(self, model, row: Stored, new: Values, groups, edits) -> Values:
        merged = list(new)
        for name, positions in groups:
            edit = edits.get(name)
            if edit is None:
                continue
            staff = tuple(row.values[i] for i in positions)
            offered = tuple(new[i] for i in positions)
            for i in positions:
                merged[i] = row.values[i]
            text = model.group_text
            self._review(model, row.pk, edit, text(name, staff), text(name, offered))
        return tuple(merged)

    def _review(self, model, pk: int, edit: StaffEdit, staff: str, offered: str) -> None:
        """List a staff-owned group the release disagrees with; once per release value, so a
        group staff have reviewed comes back only when a release offers something new."""
        if staff == offered:
            if edit.needs_review:
                edit.needs_review = False
                self._touched[edit.pk] = edit
            return
        self.kept += 1
        if not edit.release or edit.release_value != offered:
            edit.release_value, edit.release, edit.needs_review = offered, self.release, True
            self._touched[edit.pk] = edit
        if edit.needs_review:
            label = model._meta.label_lower
            self.reviews.append(Review(label, pk, edit.field, staff, offered))

    def write(
        self,
        plan: Plan,
        insert_fields: Sequence[str],
        insert_row: Callable[[Hashable, Values], tuple],
        *,
        touch: dict[str, Any] | None = None,
        reload: bool = False,
    ) -> None:
        """Insert, update and delete as planned, each row written getting a history entry.
        `touch` holds columns set on every updated row (e.g. updated_at)."""
        model = plan.model
        if plan.created:
            before = max_pk(model)
            rows = sorted(insert_row(key, values) for key, values in plan.created)
            # Most of the table is new (a first import): build its indexes once, after the rows.
            with reloading(model) if reload else nullcontext():
                insert_rows(model, insert_fields, rows)
            history = getattr(model, "history", None)
            with reloading(history.model) if reload and history else nullcontext():
                record_history(model, "+", self.reason, self.when, after=before)
        if plan.updated:
            extra = tuple((touch or {}).values())
            update_rows(
                model,
                (*plan.fields, *(touch or {})),
                [(*row[:-1], *extra, row[-1]) for row in plan.updated],
            )
            record_history(model, "~", self.reason, self.when, [row[-1] for row in plan.updated])
        self.remove(model, plan.stale)
        self.changed |= bool(plan.created or plan.updated)

    def remove(self, model: type[models.Model], ids: Sequence[int]) -> None:
        """Delete rows (and their many-to-many links), recording their last state first."""
        if not ids:
            return
        record_history(model, "-", self.reason, self.when, ids)
        for m2m in model._meta.many_to_many:
            if m2m.remote_field.through._meta.auto_created:
                delete_rows(m2m.remote_field.through, ids, m2m.m2m_field_name())
        delete_rows(model, ids)
        self.changed = True

    def kept_by_staff(self, model: type[models.Model], ids: Iterable[int]) -> set[int]:
        """The ids among `ids` with any staff-owned field (never removed by an import)."""
        label = model._meta.label_lower
        return {pk for pk in ids if (label, pk) in self.edits}

    def save_reviews(self) -> None:
        StaffEdit.objects.bulk_update(
            list(self._touched.values()), ["release_value", "release", "needs_review"]
        )
