"""“Report a problem with this page”: a plain form, no account, no JavaScript needed."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from explorer.ratelimit import client_address

from .forms import ProblemReportForm
from .models import ProblemReport

RATE_WINDOW = timedelta(hours=1)


def sender_key(request: HttpRequest) -> str:
    """A keyed hash of the client address: rate limiting needs no stored address."""
    address = client_address(request)  # behind trusted proxies, the address they saw
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def over_rate_limit(sender: str) -> bool:
    """Counted in the database, so the limit holds across every app server and process."""
    since = timezone.now() - RATE_WINDOW
    recent = ProblemReport.objects.filter(sender=sender, created_at__gte=since).count()
    return recent >= settings.PROBLEM_REPORTS_PER_HOUR


def _local(page: str) -> str:
    page = page[:300]
    return page if page.startswith("/") and not page.startswith("//") else "/"


def _page_from(request: HttpRequest) -> str:
    """The page the visitor came from. Cached pages link here with their path only (the same
    copy serves everyone); the browser's same-origin Referer adds the query, e.g. the ticked
    features, when it is for that same path."""
    page = _local(request.GET.get("page", "/"))
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc == request.get_host() and referer.path == page and referer.query:
        return _local(f"{referer.path}?{referer.query}")
    return page


@never_cache  # it carries a CSRF token: no shared copy, ever
@require_http_methods(["GET", "POST"])
def report_problem(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = ProblemReportForm(initial={"page": _page_from(request)})
        return render(request, "conditions/report_problem.html", {"form": form})
    form = ProblemReportForm(request.POST)
    sender = sender_key(request)
    if over_rate_limit(sender):
        context = {"form": form, "limited": True}
        return render(request, "conditions/report_problem.html", context, status=429)
    if not form.is_valid():
        return render(request, "conditions/report_problem.html", {"form": form}, status=400)
    report = form.save(commit=False)
    report.sender = sender
    report.save()
    return redirect(f"{reverse('conditions:report_thanks')}?{urlencode({'page': report.page})}")


@require_http_methods(["GET"])
def thanks(request: HttpRequest) -> HttpResponse:
    return render(
        request, "conditions/report_thanks.html", {"page": _local(request.GET.get("page", "/"))}
    )
