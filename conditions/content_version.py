"""A number bumped on every content change; caches and the match index are keyed by it.

It lives in the database (one row), so every app server reads the same value whatever cache it
uses, and a bump made inside an edit's transaction becomes visible together with the edit.
"""

from django.db.models import F

from .models import ContentVersion


def current() -> int:
    number = ContentVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    return number or 0


def bump() -> None:
    if not ContentVersion.objects.filter(pk=1).update(number=F("number") + 1):
        ContentVersion.objects.get_or_create(pk=1)
