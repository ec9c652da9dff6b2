import gc
import io
import logging
import os
import sys

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")

application = get_wsgi_application()

# Paths whose first answer in a process compiles templates and fills per-process tables.
WARM_UP = ["/?feature=HP:0000979", "/suggest/?q=ab"]


def warm_up() -> None:
    """Answer a few requests in this process, so whatever a first request builds (compiled
    templates, the browse list, the URL resolver) is built before the workers fork."""
    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if "*" not in h), "localhost")
    for path in WARM_UP:
        url_path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": url_path,
            "QUERY_STRING": query,
            "SERVER_NAME": host,
            "SERVER_PORT": "443",
            "HTTP_HOST": host,
            "HTTP_HX_REQUEST": "true",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "https",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        application(environ, lambda status, headers, exc_info=None: None)
        del environ["HTTP_HX_REQUEST"]
        application(environ, lambda status, headers, exc_info=None: None)


if settings.INDEX_PRELOAD:
    # Load the stored indexes now (in gunicorn's master with --preload, before it forks), so a
    # new worker answers its first request at once and shares the loaded pages with the others.
    from conditions import content_version

    try:
        content_version.preload()
        warm_up()
    except Exception:  # no database yet: every process loads on first use instead
        logging.getLogger(__name__).exception("Indexes not preloaded")
    finally:
        connections.close_all()  # forked workers must not share this process's connections
    gc.freeze()  # what was loaded stays shared: the collector does not touch its pages
