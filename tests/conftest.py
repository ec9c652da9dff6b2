import os

import pytest
from django.core.cache import cache

# pytest-django's live_server runs in a thread; Playwright's sync API runs an event loop in this one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

if "MUTANT_UNDER_TEST" in os.environ:  # `make mutation`: migrate once, not once per mutant
    from tests.mutation_db import django_db_setup  # noqa: F401


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):
    # Plain static storage: the manifest storage needs collectstatic, which tests don't run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # An edit shows on the next request (tests of the background refresh turn this back on).
    settings.INDEX_BUILD_IN_BACKGROUND = False
    settings.INDEX_BUILD_IN_SUBPROCESS = False  # a child process would not see the test database
    # Crawls and fuzzing are many requests from one address; tests of the limits set their own.
    settings.EXPLORER_RATE_LIMITS = {}
    settings.INDEX_SNAPSHOT_DIR = tmp_path_factory.getbasetemp() / "index-snapshots"
    settings.IMPORT_NICENESS = 0  # imports run inside the test process: leave its priority
    # In memory, one store for both: `cache.clear()` empties every page (tests of the two
    # levels set their own).
    settings.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
        for alias in ("default", "local")
    }


@pytest.fixture(scope="session", autouse=True)
def _editors_permissions(django_db_setup, django_db_blocker):
    """The Editors group's permissions as the migrations made them, read before any test runs.

    Transactional tests (browser, snapshots) flush every table, the data migrations' rows included,
    so `editors_group` makes the group again from this when a later test needs it.
    """
    from django.contrib.auth.models import Group

    with django_db_blocker.unblock():
        group = Group.objects.get(name="Editors")
        return list(group.permissions.values_list("content_type__app_label", "codename"))


@pytest.fixture
def editors_group(db, _editors_permissions):
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, created = Group.objects.get_or_create(name="Editors")
    if created:
        wanted = Q(pk__in=[])
        for app_label, codename in _editors_permissions:
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
    return group


@pytest.fixture(autouse=True)
def _clear_cache(_test_settings):
    # Rendered pages are cached; every test starts with none (in the caches it configures).
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def curated_content(django_db_setup, django_db_blocker):
    """The shipped curated fixture, loaded once for a module's tests (each still rolls back)."""
    from django.apps import apps
    from django.core.management import call_command

    from conditions.models import StaffEdit

    with django_db_blocker.unblock():
        call_command("load_content", "curated", verbosity=0)
        yield
        for label in reversed(CURATED_MODELS):
            model = apps.get_model(label)
            model.objects.all().delete()
            if hasattr(model, "history"):  # a mention's sources live in the mention's history
                model.history.all().delete()  # leave no deletion records for other modules
        # Deleting the fixture's imported (HPO) synonyms recorded them as rows staff deleted,
        # which a later import would then refuse to make again: forget those records too.
        StaffEdit.objects.filter(field=StaffEdit.DELETED).delete()
        cache.clear()


CURATED_MODELS = [
    "conditions.bodysystem",
    "conditions.source",
    "conditions.feature",
    "conditions.synonym",
    "conditions.condition",
    "conditions.crossreference",
    "conditions.conditionlink",
    "conditions.mention",
    "conditions.mentionsource",
]
