import gc
import logging
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")

application = get_wsgi_application()

if settings.INDEX_PRELOAD:
    # Load the stored indexes now (in gunicorn's master with --preload, before it forks), so a
    # new worker answers its first request at once and shares the loaded pages with the others.
    from conditions import content_version

    try:
        content_version.preload()
    except Exception:  # no database yet: every process loads on first use instead
        logging.getLogger(__name__).exception("Indexes not preloaded")
    finally:
        connections.close_all()  # forked workers must not share this process's connections
    gc.freeze()  # what was loaded stays shared: the collector does not touch its pages
