"""Staff sign-in: throttling by (username, real client address) with a per-address cap, and a
second factor before any admin page in production settings."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"  # the reverse proxy every visitor's connection comes from
EDITOR_HOME, ATTACKER = "198.51.100.7", "203.0.113.9"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor():
    return get_user_model().objects.create_user(
        "editor", "editor@example.org", PASSWORD, is_staff=True, is_superuser=True
    )


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.STAFF_TWO_FACTOR = False


def sign_in(username: str, password: str, forwarded_for: str, client: Client | None = None):
    client = client or Client()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    return response


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_wrong_passwords_from_elsewhere_never_lock_the_editor_out(editor, behind_proxy):
    for _ in range(10):
        assert not signed_in(sign_in("editor", "wrong", ATTACKER))
    # The attacker's address is locked for this username, even with the right password…
    assert sign_in("editor", PASSWORD, ATTACKER).status_code == 429
    # …a forged X-Forwarded-For does not help (the proxy appends the address it saw)…
    assert sign_in("editor", PASSWORD, f"{EDITOR_HOME}, {ATTACKER}").status_code == 429
    # …and the editor, through the same proxy, signs in from their own address.
    assert signed_in(sign_in("editor", PASSWORD, EDITOR_HOME))


def test_one_address_trying_many_usernames_is_capped(editor, behind_proxy, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    for n in range(12):  # never five failures for any one username
        sign_in(f"guess{n}", "wrong", ATTACKER)
    assert sign_in("editor", PASSWORD, ATTACKER).status_code == 429
    assert signed_in(sign_in("editor", PASSWORD, EDITOR_HOME))


def test_without_a_trusted_proxy_the_header_is_ignored(editor, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.STAFF_TWO_FACTOR = False
    for _ in range(5):
        sign_in("editor", "wrong", ATTACKER)
    # Every request came from the proxy's address: with no proxy trusted, that is the client.
    assert sign_in("editor", PASSWORD, EDITOR_HOME).status_code == 429


# Second factor ---------------------------------------------------------------------------------


@pytest.fixture
def production_2fa(settings):
    settings.STAFF_TWO_FACTOR = True  # what DJANGO_DEBUG=false turns on


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_password_only_staff_set_up_a_second_factor_before_any_admin_page(editor, production_2fa):
    client = Client()
    client.force_login(editor)  # signed in with the password
    for page in ("/admin/", "/admin/conditions/condition/", "/admin/conditions/staffedit/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/two-factor/setup/?next=")

    setup = client.get("/admin/two-factor/setup/?next=/admin/conditions/condition/")
    assert setup.status_code == 200
    page = setup.content.decode()
    assert 'src="data:image/svg+xml;base64,' in page  # the QR code, no inline script or style
    assert "<script>" not in page and "style=" not in page
    device = TOTPDevice.objects.get(user=editor)
    wrong = client.post("/admin/two-factor/setup/", {"token": "000000"})
    assert "did not match" in wrong.content.decode()
    assert client.get("/admin/").status_code == 302
    device.refresh_from_db()
    assert (
        device.throttling_failure_count == 1
    )  # guessing slows down: each failure doubles the wait
    device.throttle_reset()

    done = client.post(
        "/admin/two-factor/setup/", {"token": code_for(device), "next": "/admin/conditions/"}
    )
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/conditions/condition/").status_code == 200


def test_a_new_password_session_enters_a_code_or_a_recovery_code(editor, production_2fa):
    client = Client()
    client.force_login(editor)
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    from django_otp.plugins.otp_static.models import StaticDevice

    recovery = StaticDevice.objects.create(user=editor, name="Recovery codes")
    recovery.token_set.create(token="abcd2345")

    response = client.get("/admin/conditions/")
    assert response["Location"] == "/admin/two-factor/?next=%2Fadmin%2Fconditions%2F"
    assert client.post("/admin/two-factor/", {"token": "123456"}).status_code == 200
    assert client.get("/admin/").status_code == 302  # a wrong code lets nobody in
    for throttled in (device, recovery):  # a wrong code slows down every device's next try
        throttled.refresh_from_db()
        throttled.throttle_reset()

    response = client.post("/admin/two-factor/", {"token": code_for(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200

    other = Client()
    other.force_login(editor)
    response = other.post("/admin/two-factor/", {"token": "ABCD 2345", "next": "/admin/"})
    assert response["Location"] == "/admin/"  # a recovery code works once…
    third = Client()
    third.force_login(editor)
    third.post("/admin/two-factor/", {"token": "abcd2345"})
    assert third.get("/admin/").status_code == 302  # …and only once


def test_an_outside_next_is_not_followed(editor, production_2fa):
    client = Client()
    client.force_login(editor)
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    response = client.post(
        "/admin/two-factor/", {"token": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/"


def test_local_debug_admin_is_exempt(editor, settings):
    settings.STAFF_TWO_FACTOR = False  # the default with DEBUG on (`make run`)
    client = Client()
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200


def test_the_second_factor_defaults_on_without_debug():
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_DEBUG": "false", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "x"}
    env.pop("STAFF_TWO_FACTOR", None)
    script = "import django; django.setup(); from django.conf import settings as s; print(s.STAFF_TWO_FACTOR)"
    run = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "explorer.settings"},
        capture_output=True,
        text=True,
    )
    assert run.stdout.strip() == "True", run.stderr
