"""Staff sign-in: throttling nobody can turn against an editor, and a second factor.

Throttling (django-axes): failures count per (username, client address), the address being the
one the trusted proxies saw (`TRUSTED_PROXY_COUNT`, see ratelimit.client_address), so wrong
passwords typed elsewhere never lock an editor out of their own address. A cap per address
across all usernames (`AXES_ADDRESS_FAILURE_LIMIT`) stops one address guessing many accounts.

Two factors (django-otp): with `STAFF_TWO_FACTOR` on (the default when DEBUG is off), staff
signed in with a password only are sent to set up an authenticator app (TOTP, with ten
single-use recovery codes) or to enter a code before any admin page.
"""

from __future__ import annotations

import base64
from io import BytesIO
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


class AddressCappedHandler(AxesDatabaseHandler):
    """Axes' database handler, plus a cap on failures from one address whatever the username.

    Axes compares one count with AXES_FAILURE_LIMIT; an address over its own cap reports that
    limit, so it is locked out (for every username) until the cool-off ends.
    """

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        from_address = (
            AccessAttempt.objects.filter(
                ip_address=request.axes_ip_address,
                attempt_time__gte=get_cool_off_threshold(request),
            ).aggregate(n=Sum("failures_since_start"))["n"]
            or 0
        )
        if from_address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(failures, settings.AXES_FAILURE_LIMIT)
        return failures


# Second factor --------------------------------------------------------------------------------


def _allowed_unverified(path: str) -> bool:
    """Admin pages a staff member may see before the second factor: signing in and out, and
    setting up or entering the second factor."""
    return path.startswith(
        (
            reverse("admin:login"),
            reverse("admin:logout"),
            reverse("two_factor_setup"),
            reverse("two_factor_verify"),
        )
    )


class StaffSecondFactorMiddleware:
    """Before any admin page, staff with a password-only session set up or enter a second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.STAFF_TWO_FACTOR and request.path.startswith(reverse("admin:index")):
            user = request.user
            if (
                user.is_authenticated
                and user.is_staff
                and not user.is_verified()
                and not _allowed_unverified(request.path)
            ):
                step = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
                return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("admin:index")


def _qr_data_uri(text: str) -> str:
    """The provisioning URL as an SVG QR code in a data: URI (the CSP allows data: images)."""
    buffer = BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@never_cache
@staff_member_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan, type one code to confirm, get recovery codes once."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': _next_url(request)})}")
    # The same secret until confirmed, so reloading the page does not change the QR code.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip().replace(" ", "")):
            device.confirmed = True
            device.save()
            codes = _new_recovery_codes(user)
            otp_login(request, device)
            return render(
                request,
                "accounts/two_factor_codes.html",
                {
                    **admin.site.each_context(request),
                    "codes": codes,
                    "next": _next_url(request),
                    "title": "Recovery codes",
                },
            )
        form.add_error("token", "That code did not match. Check the phone's clock and try again.")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            **admin.site.each_context(request),
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next_url(request),
            "title": "Set up two-factor sign-in",
        },
    )


def _new_recovery_codes(user) -> list[str]:
    """Ten single-use codes for when the phone is lost (replacing any earlier ones)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@never_cache
@staff_member_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Enter a code from the authenticator app, or one recovery code."""
    if not user_has_device(request.user):
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next_url(request)})}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip().replace(" ", "").lower()
        device = match_token(request.user, token)
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "token",
            "That code did not match, was used already, or came too soon after a wrong one. "
            "Wait a few seconds and try again.",
        )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {
            **admin.site.each_context(request),
            "form": form,
            "next": _next_url(request),
            "title": "Two-factor sign-in",
        },
    )
