"""`make run`'s local admin line names the address it actually serves (HOST and PORT)."""

import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent.parent


def test_make_run_passes_the_served_address_to_the_local_admin_line():
    dry_run = subprocess.run(
        ["make", "-n", "run", "HOST=127.0.0.1", "PORT=8123", "CURATED_ONLY=1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert "ensure_local_admin --address http://127.0.0.1:8123" in dry_run
    assert "runserver 127.0.0.1:8123" in dry_run
    assert ":8000" not in dry_run


@pytest.mark.django_db
def test_the_local_admin_line_names_the_address_given(settings, tmp_path):
    settings.DEBUG = True
    settings.BASE_DIR = tmp_path  # its password file goes there, not over a developer's own
    out = StringIO()

    call_command("ensure_local_admin", address="http://127.0.0.1:8123/", stdout=out)

    assert "Local admin: http://127.0.0.1:8123/admin/  user: admin" in out.getvalue()
    assert (tmp_path / "local-admin.txt").read_text().strip() in out.getvalue()
