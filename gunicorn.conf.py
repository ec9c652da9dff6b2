"""gunicorn's settings, read from the working directory (`gunicorn explorer.wsgi`, `make serve`).

The application is loaded once in the master (its indexes too, see explorer/wsgi.py) and every
worker is forked from it, so workers share what the master loaded. Before each fork the master
catches up with the content version, so a recycled or replacement worker starts with the current
indexes rather than loading them itself on its first requests. A worker that did load a newer
version itself (after a content change) holds tens of MB of its own: it hands over to a fresh
worker, forked from the master and sharing its copy, after a random pause (so never all at once),
finishing its current request first, as `max_requests` does.
"""

import gc
import logging
import random
import threading

preload_app = True
# Recycling is not needed (nothing grows per request); a wide jitter staggers it where kept.
max_requests = 20000
max_requests_jitter = 10000

HAND_OVER_AFTER_SECONDS = (10.0, 40.0)

_caught_up_to = None


def post_worker_init(worker):
    from conditions import content_version

    def hand_over_later():
        if getattr(worker, "handing_over", False):
            return
        worker.handing_over = True
        pause = random.uniform(*HAND_OVER_AFTER_SECONDS)
        timer = threading.Timer(pause, lambda: setattr(worker, "alive", False))
        timer.daemon = True
        timer.start()

    content_version.REFRESHED.append(hand_over_later)


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
            gc.unfreeze()  # the versions it let go of may hold cycles: collect them once
            gc.collect()
            wsgi.warm_up()  # this version's per-process tables, built once here for every worker
            for per_version in content_version.shared_indexes():
                per_version.wait()  # no thread may run in a process that forks
            _caught_up_to = version
            gc.freeze()
    except Exception:  # the database away: the worker catches up itself
        logging.getLogger("gunicorn.error").exception("Indexes not brought up to date")
    finally:
        connections.close_all()  # a forked worker must not share the master's connections
