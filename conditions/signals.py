"""Keep derived data (the is_a closure, cached results) in step with every edit and import."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import closure, content_version
from .models import (
    BodySystem,
    Condition,
    ConditionLink,
    CrossReference,
    Feature,
    Mention,
    MentionSource,
    Source,
    Synonym,
    normalise_search_text,
)

_deferred = threading.local()


def _deferring() -> bool:
    return getattr(_deferred, "active", False)


@contextmanager
def derived_data_deferred() -> Iterator[None]:
    """Skip per-row closure rebuilds and version bumps inside; bring both in step once after.

    Loading a fixture saves every feature and parent link one by one; rebuilding the closure
    after each would repeat the same work hundreds of times.
    """
    _deferred.active = True
    try:
        yield
    finally:
        _deferred.active = False
        closure.rebuild_closure()
        content_version.bump()


@receiver(post_save, sender=Feature)
def feature_saved(sender, instance: Feature, created: bool, raw: bool, **kwargs):
    if raw:
        # loaddata saves without calling Model.save(), so derive the search text here.
        search_text = normalise_search_text(f"{instance.name} {instance.plain_name}")
        if search_text != instance.search_text:
            Feature.objects.filter(pk=instance.pk).update(search_text=search_text)
    if (created or raw) and not _deferring():
        closure.rebuild_closure([instance.pk])


@receiver(post_save, sender=Synonym)
def synonym_saved(sender, instance: Synonym, raw: bool, **kwargs):
    if raw and instance.search_text != normalise_search_text(instance.text):
        Synonym.objects.filter(pk=instance.pk).update(
            search_text=normalise_search_text(instance.text)
        )


@receiver(m2m_changed, sender=Feature.parents.through)
def feature_parents_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        # After a clear the children are gone: remember who loses this parent.
        instance._children_before_clear = list(instance.children.values_list("pk", flat=True))
        return
    if action not in {"post_add", "post_remove", "post_clear"} or _deferring():
        return
    if not reverse:
        changed = [instance.pk]
    elif action == "post_clear":
        changed = instance.__dict__.pop("_children_before_clear", [])
    else:
        changed = pk_set
    if changed:
        closure.rebuild_closure(changed)
    content_version.bump()


CONTENT_MODELS = (
    BodySystem,
    Condition,
    ConditionLink,
    CrossReference,
    Feature,
    Mention,
    Source,
    Synonym,
)


def content_changed(sender, **kwargs):
    if not _deferring():
        content_version.bump()


for model in CONTENT_MODELS:
    post_save.connect(content_changed, sender=model, dispatch_uid=f"bump-{model.__name__}-save")
    post_delete.connect(content_changed, sender=model, dispatch_uid=f"bump-{model.__name__}-del")
m2m_changed.connect(content_changed, sender=Mention.sources.through, dispatch_uid="bump-sources")
# A source's own frequency is edited on its row (the mention's inline), not through the m2m API.
for signal in (post_save, post_delete):
    signal.connect(content_changed, sender=MentionSource, dispatch_uid=f"bump-citation-{signal}")
