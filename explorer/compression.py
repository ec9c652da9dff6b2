"""Compress public HTML; never a page that holds a secret.

A results page is 100–150 kB of HTML and compresses to a tenth of that, which a phone on a slow
connection feels. But compressing a page that reflects what a visitor typed beside a secret lets an
attacker who can watch the sizes recover the secret (BREACH), so a response is left as it is when
it carries a CSRF token (any form that posts: admin, sign-in, "report a problem") or is for a
signed-in user (a session cookie).
"""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware

from .response_cache import is_anonymous


class PublicGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith("text/html"):
            return response  # HTML pages only: downloads and the API are left as they are
        # CsrfViewMiddleware (after this one) sets its cookie on every response whose page used
        # the token, so the cookie is how a page with a token is known here.
        if settings.CSRF_COOKIE_NAME in response.cookies or request.META.get(
            "CSRF_COOKIE_NEEDS_UPDATE"
        ):
            return response  # the page holds a CSRF token
        if not is_anonymous(request):
            return response  # a session (staff): their pages may hold what is theirs
        return super().process_response(request, response)
