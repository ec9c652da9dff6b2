"""Edit history that covers what editors change: a condition with its mentions, codes and links.

simple-history keeps a record per saved or deleted row. On top of it:

- **Baselines.** Imported (and fixture-loaded) rows are written without history. Just before the
  first change to such a row, its current state is recorded as a baseline, so the first
  correction can be undone like any other.
- **One moment per save.** Every record written by one admin save carries the same
  `history_date` (see `stamp`), so "the condition as it was after that save" is a single moment.
- **Reverting a condition** puts back its own fields and its mentions (with their sources),
  codes and links to related conditions as they were at a moment: rows added since are deleted,
  rows deleted since come back.
- **Restoring a deleted condition** brings back exactly the rows its deletion removed. Each
  deletion gets a token, written into the deletion records of the condition and of every row
  cascaded with it, and only records with that token are replayed.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models, transaction
from django.db.models import Max
from django.db.models.signals import m2m_changed, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from simple_history.signals import pre_create_historical_m2m_records

from .models import (
    Condition,
    ConditionLink,
    CrossReference,
    Feature,
    Mention,
    MentionSource,
    Synonym,
)
from .signals import CONTENT_MODELS

BASELINE_REASON = "As it was before the first staff change"
REVERT_REASON = "Reverted to the version of {when}"
RESTORE_REASON = "Restored after deletion"
DELETION = "Deleted (deletion {token})"
DELETION_TOKEN = re.compile(r"\(deletion (\w+)\)")
REASON_MAX = 100  # simple-history's change-reason column

# Rows kept in a condition's history and restored with it, by the field pointing at it.
CONDITION_PARTS: dict[type[models.Model], str] = {
    Mention: "condition_id",
    CrossReference: "condition_id",
    ConditionLink: "from_condition_id",  # the links its change page edits: those from it
}
HISTORIED = CONTENT_MODELS  # every content model keeps an edit history
ORDER = ("history_date", "history_id")  # one save's records share a moment: keep their order
# What a mention's history keeps of each source it cites: the source, and the figure it records.
FIGURE = (*MentionSource.FREQUENCY_FIELDS, "is_absent")


# --- Stamping the records of one save ----------------------------------------------------------


def stamp(obj: models.Model, request, reason: str = "") -> None:
    """Give `obj`'s next history record the request's moment and the editor's reason."""
    if not hasattr(request, "_history_moment"):
        request._history_moment = timezone.now()
    obj._history_date = request._history_moment
    if reason:
        obj._change_reason = reason[:REASON_MAX]


# --- Baselines -----------------------------------------------------------------------------------


def record_baseline(model: type[models.Model], pk) -> None:
    """Record a row's current state if it has no history yet (imported or loaded rows)."""
    if model.history.filter(id=pk).exists():
        return
    current = model.objects.filter(pk=pk).first()
    if current is None:
        return
    # A moment before anything the current request records.
    current._history_date = timezone.now() - timedelta(seconds=1)
    [record] = model.history.bulk_history_create([current], default_change_reason=BASELINE_REASON)
    if model is Mention:
        # bulk_history_create skips many-to-many fields: copy the sources by hand.
        record = Mention.history.filter(id=pk).order_by(*ORDER).last()
        _sources_model().objects.bulk_create(
            _sources_model()(history=record, mention_id=pk, **link)
            for link in MentionSource.objects.filter(mention_id=pk).values(
                "id", "source_id", *FIGURE
            )
        )


def _sources_model():
    return Mention.history.model._meta.get_field("historicalmentionsource").related_model


@receiver(pre_save)
def baseline_before_first_change(sender, instance, raw: bool = False, **kwargs):
    if sender in HISTORIED and not raw and instance.pk and not instance._state.adding:
        record_baseline(sender, instance.pk)


@receiver(m2m_changed, sender=Mention.sources.through)
def baseline_before_first_source_change(sender, instance, action: str, reverse: bool, **kwargs):
    if action in {"pre_add", "pre_remove", "pre_clear"} and not reverse:
        record_baseline(Mention, instance.pk)


# --- Deletion tokens -----------------------------------------------------------------------------


def _token_of(origin) -> str:
    """One token per delete() call, kept on the object or queryset it was called on."""
    if not hasattr(origin, "_deletion_token"):
        origin._deletion_token = uuid.uuid4().hex[:12]
    return origin._deletion_token


@receiver(pre_delete)
def mark_deletion(sender, instance, origin=None, **kwargs):
    if sender not in HISTORIED or origin is None:
        return
    instance._change_reason = DELETION.format(token=_token_of(origin))
    if sender is Mention:
        # The deletion record's own copy of the sources is taken after the links are gone.
        instance._sources_when_deleted = _sources_by_mention(origin).get(instance.pk, [])


def _sources_by_mention(origin) -> dict[int, list[dict]]:
    """The sources of every mention this delete() removes, read once per deletion."""
    if not hasattr(origin, "_sources_when_deleted"):
        rows = MentionSource.objects.all()
        if isinstance(origin, Condition):
            rows = rows.filter(mention__condition=origin)
        elif isinstance(origin, models.QuerySet) and origin.model is Condition:
            rows = rows.filter(mention__condition__in=origin.values("pk"))
        elif isinstance(origin, Mention):
            rows = rows.filter(mention=origin)
        elif isinstance(origin, models.QuerySet) and origin.model is Mention:
            rows = rows.filter(mention__in=origin.values("pk"))
        else:
            rows = rows.none()
        found: dict[int, list[dict]] = {}
        for link in rows.values("id", "mention_id", "source_id", *FIGURE):
            found.setdefault(link.pop("mention_id"), []).append(link)
        origin._sources_when_deleted = found
    return origin._sources_when_deleted


@receiver(pre_create_historical_m2m_records)
def keep_sources_of_deleted_mention(sender, rows, history_instance, instance, field, **kwargs):
    if history_instance.history_type == "-" and hasattr(instance, "_sources_when_deleted"):
        rows.extend(
            sender(history=history_instance, mention_id=instance.pk, **link)
            for link in instance._sources_when_deleted
        )


# --- Versions, for refusing a save based on an old one (optimistic locking) --------------------

# What a change page posts back besides the row itself: its inline rows, by their link to it.
EDITED_WITH: dict[type[models.Model], list[tuple[type[models.Model], str]]] = {
    Condition: [(CrossReference, "condition_id"), (ConditionLink, "from_condition_id")],
    Feature: [(Synonym, "feature_id")],
}


def version_of(obj: models.Model) -> str:
    """The newest history record of the row and of the inline rows edited with it.

    Every save writes a record (so does the import, and a baseline precedes a first change), so
    the version moves whenever anything the page shows was saved by someone else.
    """
    parts = [(type(obj), "id"), *EDITED_WITH.get(type(obj), [])]
    newest = []
    for model, field in parts:
        found = model.history.filter(**{field: obj.pk}).aggregate(newest=Max("history_id"))
        newest.append(str(found["newest"] or 0))
    return "-".join(newest)


@dataclass
class Conflict:
    """What someone else saved after an editor opened the page."""

    by: str
    at: datetime | None
    changes: list[tuple[str, object, object]]
    parts_changed: bool  # inline rows (codes, links, synonyms) changed too


def conflict(obj: models.Model, seen: str) -> Conflict | None:
    """None if `seen` is still the row's version; else who changed what since."""
    current = version_of(obj)
    if seen == current:
        return None
    model = type(obj)
    seen_own, _, seen_parts = seen.partition("-")
    current_own, _, current_parts = current.partition("-")
    latest = model.history.filter(id=obj.pk).order_by(*ORDER).last()
    before = (
        model.history.filter(id=obj.pk, history_id=seen_own).first() if seen_own.isdigit() else None
    )
    changes = (
        _changes(model, before, latest) if latest and before and seen_own != current_own else []
    )
    return Conflict(
        by=str(latest.history_user or "the HPO import") if latest else "someone",
        at=latest.history_date if latest else None,
        changes=changes,
        parts_changed=seen_parts != current_parts,
    )


# --- A condition's history -----------------------------------------------------------------------


@dataclass
class Entry:
    """One line of a condition's history: a record of the condition or of one of its parts."""

    record: models.Model
    kind: str  # "condition", "mention" or "code"
    label: str
    changes: list[tuple[str, object, object]]


def condition_records(condition_id: int) -> dict[type[models.Model], list]:
    """Every history record of the condition and of the rows that belong to it, oldest first."""
    found = {Condition: list(Condition.history.filter(id=condition_id).order_by(*ORDER))}
    for model, field in CONDITION_PARTS.items():
        records = model.history.filter(**{field: condition_id}).order_by(*ORDER)
        if model is Mention:
            records = records.select_related("feature").prefetch_related(
                "historicalmentionsource_set"
            )
        found[model] = list(records)
    return found


def condition_history(condition_id: int, limit: int = 200) -> list[Entry]:
    """The condition's history, newest first, mentions, codes and links included, each with its
    changes."""
    entries = []
    for model, records in condition_records(condition_id).items():
        previous: dict[int, models.Model] = {}
        for record in records:
            before = previous.get(record.id)
            entries.append(
                Entry(record, _kind(model), _label(record), _changes(model, before, record))
            )
            previous[record.id] = record
    entries.sort(key=lambda e: (e.record.history_date, e.record.history_id), reverse=True)
    return entries[:limit]


def _kind(model) -> str:
    return {
        Condition: "condition",
        Mention: "mention",
        CrossReference: "code",
        ConditionLink: "link",
    }[model]


def _label(record) -> str:
    if isinstance(record, Mention.history.model):
        return record.feature.display_name if record.feature else f"feature #{record.feature_id}"
    if isinstance(record, ConditionLink.history.model):
        target = Condition.objects.filter(pk=record.to_condition_id).first()
        relation = ConditionLink.Relation(record.relation).label
        return f"{relation} {target or f'condition #{record.to_condition_id}'}"
    return str(record.instance)


def _changes(model, before, after) -> list[tuple[str, object, object]]:
    if before is None or after.history_type == "-":
        return []
    changes = [
        (field.verbose_name, getattr(before, field.attname), getattr(after, field.attname))
        for field in model._meta.concrete_fields
        if field.attname in {f.attname for f in after._meta.concrete_fields}
        and getattr(before, field.attname) != getattr(after, field.attname)
    ]
    if model is Mention:
        old, new = _sources(before), _sources(after)
        if set(old) != set(new):
            changes.append(("sources", len(old), len(new)))
        elif old != new:
            changes.append(("sources' own frequencies", "", ""))
    return changes


def _sources(record) -> dict[int, tuple]:
    """Source id -> the figure it recorded, as the record kept them."""
    return {
        row.source_id: tuple(getattr(row, f) for f in FIGURE)
        for row in record.historicalmentionsource_set.all()
    }


# --- Reverting a condition to a moment -----------------------------------------------------------


@dataclass
class Reverted:
    condition: bool
    changed: int  # parts put back as they were
    added: int  # parts that came back
    removed: int  # parts added since, removed again


def _state_at(records: list, moment: datetime):
    """The record describing a row at `moment`, or None if the row did not exist then.

    Raises LookupError when history cannot tell (a row changed before baselines existed).
    """
    before = [r for r in records if r.history_date <= moment]
    if before:
        return None if before[-1].history_type == "-" else before[-1]
    first = records[0]
    if first.history_type == "+":
        return None
    if first.history_change_reason == BASELINE_REASON or first.history_type == "-":
        return first  # the row existed, unchanged, from before its first record
    raise LookupError


@transaction.atomic
def revert_condition(
    condition: Condition, moment: datetime, request=None, *, own_fields: bool = True
) -> Reverted:
    """Put the condition, its mentions (with sources), codes and links to related conditions
    back as they were at `moment`.

    `own_fields=False` leaves the condition's own fields alone (the admin's revert form saves
    those itself, as the editor last saw them).
    """
    when = timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
    reason = REVERT_REASON.format(when=when)
    records = condition_records(condition.pk)
    result = Reverted(condition=False, changed=0, added=0, removed=0)

    own = _state_or_none(records[Condition], moment) if own_fields else None
    if own is not None and own.history_type != "-":
        old = own.instance
        old._change_reason = reason
        if request is not None:
            stamp(old, request)
        old.save()
        result.condition = True

    for model in CONDITION_PARTS:
        by_row: dict[int, list] = {}
        for record in records[model]:
            by_row.setdefault(record.id, []).append(record)
        current = set(model.objects.filter(pk__in=by_row).values_list("pk", flat=True))
        removals, updates, additions = [], [], []
        for pk, row_records in by_row.items():
            try:
                then = _state_at(row_records, moment)
            except LookupError:
                continue  # history cannot say how it was: leave it as it is
            if then is None:
                if pk in current:
                    removals.append(pk)
            elif model is ConditionLink and not _exists(Condition, then.to_condition_id):
                continue  # the condition it led to is gone: a link cannot come back to it
            elif pk not in current:
                additions.append((then, row_records))
            elif _differs(model, then, row_records[-1]):
                updates.append((then, row_records))
        # Removals first: a row added since may hold the (condition, feature) pair coming back.
        for row in model.objects.filter(pk__in=removals):
            _mark(row, reason, request)
            row.delete()
        for insert, plan in ((False, updates), (True, additions)):
            for then, row_records in plan:
                row = then.instance
                _mark(row, reason, request)
                row.save(force_insert=insert)
                if model is Mention:
                    _set_sources(row, _sources_then(then, row_records))
        result.removed += len(removals)
        result.changed += len(updates)
        result.added += len(additions)
    return result


def _exists(model, pk) -> bool:
    return model.objects.filter(pk=pk).exists()


def _state_or_none(records, moment):
    try:
        return _state_at(records, moment) if records else None
    except LookupError:
        return None


def _mark(row, reason: str, request) -> None:
    row._change_reason = reason
    if request is not None:
        stamp(row, request)


def _differs(model, then, latest) -> bool:
    if latest.history_type == "-":
        return True
    fields = [f.attname for f in model._meta.concrete_fields]
    if any(getattr(then, name) != getattr(latest, name) for name in fields):
        return True
    return model is Mention and _sources(then) != _sources(latest)


def _sources_then(then, row_records: list) -> dict[int, tuple]:
    wanted = _sources(then)
    if then.history_type == "-" and not wanted and row_records.index(then):
        # A deletion record written before they kept their sources: the state just before it.
        wanted = _sources(row_records[row_records.index(then) - 1])
    return wanted


def _set_sources(mention: Mention, wanted: dict[int, tuple]) -> None:
    """Put back the mention's sources, each with its own figure, as a record kept them."""
    MentionSource.objects.filter(mention=mention).exclude(source_id__in=wanted).delete()
    for source_id, figure in wanted.items():
        MentionSource.objects.update_or_create(
            mention=mention, source_id=source_id, defaults=dict(zip(FIGURE, figure, strict=True))
        )


# --- Deleted conditions --------------------------------------------------------------------------


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


def _deleted_with(model, token: str, **filters) -> list:
    """The deletion records carrying `token`: exactly the rows that one deletion removed."""
    existing = model.objects.values("pk")
    records = (
        model.history.filter(
            history_type="-", history_change_reason=DELETION.format(token=token), **filters
        )
        .exclude(id__in=existing)
        .order_by("history_date")
    )
    return list({record.id: record for record in records}.values())


@transaction.atomic
def restore_condition(condition_id: int) -> Restored:
    record = deleted_conditions().filter(id=condition_id).first()
    if record is None:
        raise ValueError("There is no deleted condition with that id to restore.")
    token = DELETION_TOKEN.search(record.history_change_reason or "")
    condition = record.instance
    condition._change_reason = RESTORE_REASON
    condition.save(force_insert=True)
    if token is None:  # deleted before deletions were tokened: its parts cannot be told apart
        return Restored(condition, 0, 0, 0)
    token = token[1]

    xrefs = _deleted_with(CrossReference, token, condition_id=condition_id)
    for row in xrefs:
        _reinsert(row)

    existing = Condition.objects.values_list("pk", flat=True)
    links = [
        row
        for row in _deleted_with(ConditionLink, token)
        if row.from_condition_id in existing and row.to_condition_id in existing
    ]
    for row in links:
        _reinsert(row)

    mentions = _deleted_with(Mention, token, condition_id=condition_id)
    for row in mentions:
        mention = _reinsert(row)
        wanted = _sources(row)
        if not wanted and row.prev_record is not None:
            # Deleted before deletion records kept their sources: the state just before.
            wanted = _sources(row.prev_record)
        _set_sources(mention, wanted)
    return Restored(condition, len(mentions), len(xrefs), len(links))


def _reinsert(record):
    row = record.instance
    row._change_reason = RESTORE_REASON
    row.save(force_insert=True)
    return row
