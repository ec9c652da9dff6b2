"""A token that changes on every content change; caches and the match index are keyed by it.

It lives in the database (one row), so every app server reads the same value whatever cache it
uses, and a bump made inside an edit's transaction becomes visible together with the edit.
"""

import secrets

from django.db import connection
from django.db.models import F

from .models import ContentVersion

# Read on every request: a raw query costs a fraction of an ORM one, and matching itself is fast.
CURRENT_SQL = f"SELECT number, stamp FROM {ContentVersion._meta.db_table} WHERE id = 1"


def current() -> str:
    with connection.cursor() as cursor:
        cursor.execute(CURRENT_SQL)
        row = cursor.fetchone()
    return f"{row[0]}-{row[1]}" if row else "0"


def bump() -> None:
    stamp = secrets.token_hex(8)
    if not ContentVersion.objects.filter(pk=1).update(number=F("number") + 1, stamp=stamp):
        ContentVersion.objects.get_or_create(pk=1, defaults={"stamp": stamp})
