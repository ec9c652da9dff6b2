"""Graceful failure while the database is down, and the health endpoints."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError, connection

from conditions import content_version
from tests.factories import ConditionFactory, FeatureFactory, MentionFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def database_down(execute, sql, params, many, context):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: refused')


@pytest.fixture
def content():
    mention = MentionFactory(condition=ConditionFactory(status="published"))
    return mention.condition, mention.feature


def pages(condition, feature) -> list[str]:
    return [
        "/",
        f"/?feature={feature.slug}",
        "/about/",
        "/conditions/",
        condition.get_absolute_url(),
        feature.get_absolute_url(),
        "/body-systems/",
    ]


def test_every_page_answers_503_in_the_layout_with_one_log_line_then_recovers(
    client, admin_client, content, caplog
):
    urls = pages(*content)
    for url in urls:  # cached copies exist: they must not hide the outage either way
        assert client.get(url).status_code == 200
    caplog.set_level(logging.INFO)

    with connection.execute_wrapper(database_down):
        responses = [client.get(url) for url in urls for _ in range(3)]
        responses.append(admin_client.get("/admin/"))  # staff: the session is in the database

    for response in responses:
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "no-store" in response["Cache-Control"]
        assert "script-src 'self'" in response["Content-Security-Policy"]  # still strict
        page = response.content.decode()
        assert "Temporarily unavailable" in page
        assert 'class="site-header"' in page and "For learning, not for diagnosis" in page
    # One line for one kind of failure, no traceback, nothing from Django's request logger.
    errors = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.name, r.exc_info) for r in errors] == [("explorer.availability", None)]
    assert "OperationalError" in errors[0].getMessage()

    # Recovery needs nothing: the next request is served.
    for url in urls:
        assert client.get(url).status_code == 200
    assert admin_client.get("/admin/").status_code == 200


def test_the_log_says_a_kind_again_after_its_interval_with_a_count(caplog):
    from explorer.availability import QuietLog

    log = QuietLog(seconds=0)
    caplog.set_level(logging.ERROR)
    log.report("OperationalError", "refused")
    log.report("OperationalError", "refused")
    assert len(caplog.records) == 2
    quiet = QuietLog(seconds=60)
    for _ in range(5):
        quiet.report("OperationalError", "refused")
    quiet.report("InterfaceError", "connection already closed")
    assert len(caplog.records) == 4  # one per kind


def test_an_unreachable_database_server_gives_503_pages_and_a_quiet_log():
    """A real connection failure (nothing listens on the port), in a process of its own."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "codes = {c.get(u).status_code for u in ['/', '/about/', '/conditions/x/'] * 10}\n"
        "print(sorted(codes), c.get('/').headers['Retry-After'])\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "explorer.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:9/unreachable",
        "ALLOWED_HOSTS": "testserver",
        "INDEX_PRELOAD": "false",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.stdout.strip() == "[503] 30", done.stderr
    log = done.stderr.strip().splitlines()
    assert len(log) == 1 and "Database unavailable, answering 503" in log[0], log


def test_live_answers_without_the_database_and_is_never_cached(client):
    with connection.execute_wrapper(database_down):
        response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_ready_needs_the_database_and_the_indexes(client, monkeypatch, caplog):
    FeatureFactory()
    from conditions import index, search  # noqa: F401 (they define the shared indexes)

    for per_version in content_version.SHARED:
        monkeypatch.setattr(per_version, "_built", None)
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["indexes"].startswith("not built yet")
    assert response["Retry-After"] == "30"

    content_version.preload()
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "indexes": "ok"}
    assert "no-store" in response["Cache-Control"]

    with connection.execute_wrapper(database_down):
        response = client.get("/health/ready")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "unavailable"
    assert not [r for r in caplog.records if r.name == "django.request"]  # probes log nothing
    assert body["database"].startswith("OperationalError: connection to server")
