import os

import pytest
from django.core.cache import cache

# pytest-django's live_server runs in a thread; Playwright's sync API runs an event loop in this one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Plain static storage: the manifest storage needs collectstatic, which tests don't run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    # Cached rankings are keyed by a content version that lives in the cache: start every test clean.
    cache.clear()
    yield
    cache.clear()
