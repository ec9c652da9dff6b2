"""Bring back a deleted condition together with what was deleted with it.

Deleting a condition cascades to its mentions, cross-references and links. simple-history keeps a
"-" record for each; restoring replays the last saved state of every row deleted in the same
cascade, including each mention's sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q

from .models import Condition, ConditionLink, CrossReference, Mention, Source

# A cascade's rows are deleted within moments of each other; anything older was deleted on its own.
CASCADE_WINDOW = timedelta(minutes=1)


@dataclass
class Restored:
    condition: Condition
    mentions: int
    xrefs: int
    links: int


def deleted_conditions():
    """The latest deletion record of every condition that no longer exists, newest first."""
    existing = Condition.objects.values("pk")
    return (
        Condition.history.filter(history_type="-")
        .exclude(id__in=existing)
        .order_by("-history_date")
    )


def _deleted_with(model, record, **link) -> list:
    window = Q(history_date__gte=record.history_date - CASCADE_WINDOW) & Q(
        history_date__lte=record.history_date + CASCADE_WINDOW
    )
    existing = model.objects.values("pk")
    candidates = model.history.filter(window, history_type="-", **link).exclude(id__in=existing)
    latest: dict[int, object] = {}
    for row in candidates.order_by("history_date"):
        latest[row.id] = row
    return list(latest.values())


@transaction.atomic
def restore_condition(condition_id: int) -> Restored:
    record = deleted_conditions().filter(id=condition_id).first()
    if record is None:
        raise ValueError("There is no deleted condition with that id to restore.")
    condition = record.instance
    condition.save(force_insert=True)

    xrefs = _deleted_with(CrossReference, record, condition_id=condition_id)
    for row in xrefs:
        row.instance.save(force_insert=True)

    links = [
        row
        for row in _deleted_with(ConditionLink, record)
        if condition_id in (row.from_condition_id, row.to_condition_id)
        and Condition.objects.filter(pk=row.to_condition_id).exists()
        and Condition.objects.filter(pk=row.from_condition_id).exists()
    ]
    for row in links:
        row.instance.save(force_insert=True)

    mentions = _deleted_with(Mention, record, condition_id=condition_id)
    for row in mentions:
        mention = row.instance
        mention.save(force_insert=True)
        # The deletion record's m2m snapshot is empty (the links go first): use the state before.
        before = row.prev_record
        if before is not None:
            source_ids = before.sources.values_list("source_id", flat=True)
            mention.sources.set(Source.objects.filter(pk__in=source_ids))
    return Restored(condition, len(mentions), len(xrefs), len(links))
