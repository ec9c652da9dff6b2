"""One test database for a whole `make mutation` run (see the Makefile and pyproject's tool.mutmut).

mutmut runs the suite once in its own process, then forks a child per mutant that runs the tests
covering it. Migrating a fresh test database costs seconds, more than most mutants' tests, so the
first session migrates it once and keeps a copy; every later session (each forked child) starts
from that copy, exactly as fresh as a migrated database, whatever the sessions before it left.
SQLite only: `make mutation` runs without DATABASE_URL.
"""

import sqlite3

import pytest
from django.db import connection
from django.test.utils import setup_databases

_migrated: sqlite3.Connection | None = None  # a copy of the freshly migrated test database


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_blocker):
    global _migrated
    with django_db_blocker.unblock():
        if _migrated is None:
            setup_databases(verbosity=0, interactive=False)
            connection.ensure_connection()
            _migrated = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(_migrated)
        else:
            connection.ensure_connection()
            _migrated.backup(connection.connection)
    yield
