"""gunicorn's settings, read from the working directory (`gunicorn explorer.wsgi`, `make serve`).

The application is loaded once in the master (its indexes too, see explorer/wsgi.py) and every
worker is forked from it, so workers share what the master loaded. Before each fork the master
catches up with the content version, so a recycled or replacement worker starts with the current
indexes rather than loading them itself on its first requests.
"""

import gc
import logging

preload_app = True
# Recycling is not needed (nothing grows per request); a wide jitter staggers it where kept.
max_requests = 20000
max_requests_jitter = 10000

_caught_up_to = None


def pre_fork(server, worker):
    global _caught_up_to
    from django.conf import settings
    from django.db import connections

    from conditions import content_version
    from explorer import wsgi

    if not settings.INDEX_PRELOAD:
        return
    try:
        version = content_version.current()
        if version != _caught_up_to and content_version.catch_up():
            wsgi.warm_up()  # this version's per-process tables, built once here for every worker
            for per_version in content_version.shared_indexes():
                per_version.wait()  # no thread may run in a process that forks
            _caught_up_to = version
            gc.freeze()
    except Exception:  # the database away: the worker catches up itself
        logging.getLogger("gunicorn.error").exception("Indexes not brought up to date")
    finally:
        connections.close_all()  # a forked worker must not share the master's connections
