"""A token that changes on every content change; caches and the match index are keyed by it.

It lives in the database (one row), so every app server reads the same value whatever cache it
uses, and a bump made inside an edit's transaction becomes visible together with the edit.
"""

import secrets

from django.db.models import F

from .models import ContentVersion


def current() -> str:
    row = ContentVersion.objects.filter(pk=1).values_list("number", "stamp").first()
    return f"{row[0]}-{row[1]}" if row else "0"


def bump() -> None:
    stamp = secrets.token_hex(8)
    if not ContentVersion.objects.filter(pk=1).update(number=F("number") + 1, stamp=stamp):
        ContentVersion.objects.get_or_create(pk=1, defaults={"stamp": stamp})
