"""Load run: gunicorn with production settings, hammered on loopback by wrk with realistic queries.

Usage (after `make import-hpo` so the full HPO data is in the database):

    .venv/bin/python bench/load.py [--users 50] [--workers 5] [--seconds 15]
        [--editor-seconds 60] [--import-seconds 180] [--only 1,8] [--port 8140]

Prints requests/s, p50/p95/p99 latency and the error count for each scenario, beside a peer
measured in the same run: the about page (a page-cache hit after the one query every request
makes, the content version), from the same servers.
Traffic goes to 127.0.0.1 only; every scenario is bounded. A plain one lasts --seconds; one with
something on the side (an editor saving for --editor-seconds, an import, a killed worker, a
recycle) is measured from its start until the content has settled after it, at least --seconds
and at most --import-seconds for an import (--seconds + 120 s otherwise). With the defaults one
database's run takes about six minutes on two quiet cores.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# Realistic mixes: what visitors tick (HPO ids, so they hold on any curated or imported database).
TYPICAL_3 = [
    "/?feature=HP:0000979&feature=HP:0001271&feature=HP:0003271",  # purpura, polyneuropathy, visceromegaly
    "/?feature=HP:0002240&feature=HP:0001744&feature=HP:0002716",  # liver, spleen, lymph nodes
    "/?feature=HP:0001903&feature=HP:0001873&feature=HP:0002653",  # anaemia, low platelets, bone pain
    "/?feature=HP:0000953&feature=HP:0000998&feature=HP:0001250",  # hyperpigmentation, hypertrichosis, seizure
]
MIXED = TYPICAL_3 + [
    "/?feature=HP:0000979",
    "/?feature=HP:0000951",  # a broad branch: abnormality of the skin
    "/?feature=HP:0000979&feature=HP:0001271&feature=HP:0003271&feature=HP:0000953&feature=HP:0001744",
    "/?feature=HP:0000979&feature=HP:0001271&page=2",
    "/suggest/?q=bruis",
    "/?q=enlarged+liver",
    "/about/",
    "/body-systems/",
]
SUGGEST = [
    "/suggest/?q=bruis",
    "/suggest/?q=enlarged+liv",
    "/suggest/?q=seiz",
    "/suggest/?q=purpra",
    "/suggest/?q=ab",
]
# The imported condition with the most mentions, and a few others.
CONDITIONS = [
    "/conditions/williams-syndrome-orpha-904/",
    "/conditions/poems-syndrome/",
    "/conditions/multiple-myeloma/",
    "/conditions/mgus/",
]
# Thirty broad features, the root among them (phenotypic abnormality and its widest branches).
WORST = "/?" + "&".join(
    f"feature=HP:{n:07d}"
    for n in (
        118,
        152,
        478,
        598,
        707,
        769,
        818,
        924,
        951,
        1197,
        1507,
        1574,
        1608,
        1626,
        1871,
        1939,
        2086,
        2664,
        2715,
        3011,
        3549,
        25031,
        25142,
        25354,
        40064,
        45027,
        33127,
        500014,
        234,
        11446,
    )
)
# One client (a documentation address) asking only the worst case, as fast as it can.
ONE_CLIENT = "192.0.2.66"
WRK_SCRIPT = """
local paths = {%s}
local shuffle = %s
local client = %s
local i = 0
local threads = {}
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) %% 100000)
setup = function(thread) table.insert(threads, thread) end
init = function(args)
  limited = 0
  -- Reading every answer costs wrk CPU the server shares: only where one client may be limited
  -- (a visitor's 429 counts as an error like any other status).
  if not client then response = nil end
end
response = function(status, headers, body)
  if status == 429 then limited = limited + 1 end
end
request = function()
  i = i + 1
  local path = paths[(i %% #paths) + 1]
  if shuffle then
    -- Cache-busted: the ticked features in a new order each time (the page cache keys on it).
    local features = {}
    for f in path:gmatch("feature=[^&]+") do features[#features + 1] = f end
    for k = #features, 2, -1 do
      local j = math.random(k)
      features[k], features[j] = features[j], features[k]
    end
    path = "/?" .. table.concat(features, "&")
  end
  -- Behind the one trusted proxy: one client's address, or one of 4,096 visitors' at random.
  local address = client or string.format("10.0.%%d.%%d", math.random(0, 15), math.random(0, 255))
  return wrk.format("GET", path, {["HX-Request"] = %s, ["X-Forwarded-For"] = address})
end
done = function(summary, latency, requests)
  local limited = 0
  for _, thread in ipairs(threads) do limited = limited + thread:get("limited") end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout - limited
  io.write(string.format('RESULT {"requests": %%d, "seconds": %%f, "errors": %%d, '
    .. '"limited": %%d, "p50": %%f, "p95": %%f, "p99": %%f, "max": %%f}\\n', summary.requests,
    summary.duration / 1e6, errors, limited, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def free_port(first: int) -> int:
    """The first port from `first` on that nothing listens on (loopback)."""
    for port in range(first, first + 10):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {first}-{first + 9}")


def server_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="ERROR",
        # As behind one proxy: wrk names each request's client in X-Forwarded-For (visitors
        # from thousands of addresses, or one client), and the deployed per-address limits hold.
        TRUSTED_PROXY_COUNT="1",
    )
    return env


def start_gunicorn(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen:
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    gunicorn = Path(PYTHON).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "explorer.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--preload",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/about/", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def warm(port: int, paths: list[str], workers: int) -> None:
    # Every worker builds its own match index on first use: warm them all before measuring.
    for _ in range(workers * 3):
        for path in paths:
            status, _, _ = get(port, path)
            if status != 200:
                raise SystemExit(f"warming up: {path} answered {status}")


def run_wrk(
    port: int,
    paths: list[str],
    users: int,
    seconds: int,
    htmx: bool,
    shuffle: bool = False,
    client: str | None = None,
    until: threading.Event | None = None,
    at_least: float = 0.0,
) -> dict:
    """wrk's figures for `seconds`, or, with `until`, from the start until that event (and at
    least `at_least` s), `seconds` being the bound. Requests come from visitors at thousands of
    addresses, or all from `client`; answers 429 (the per-address limit) are counted apart from
    errors, as `limited`."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            WRK_SCRIPT
            % (
                ", ".join(json.dumps(p) for p in paths),
                "true" if shuffle else "false",
                json.dumps(client) if client else "nil",
                json.dumps("true") if htmx else "nil",
            )
        )
    threads = min(users, 2)
    wrk = subprocess.Popen(
        [
            "wrk",
            f"-t{threads}",
            f"-c{users}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    if until is not None:
        started = time.monotonic()
        while wrk.poll() is None and not (
            until.is_set() and time.monotonic() - started >= at_least
        ):
            time.sleep(0.1)
        if wrk.poll() is None:
            wrk.send_signal(signal.SIGINT)  # wrk stops and reports what it measured so far
    stdout, stderr = wrk.communicate(timeout=seconds + 60)
    os.unlink(script.name)
    line = next((x for x in stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{stdout}\n{stderr}")
    figures = json.loads(line.removeprefix("RESULT "))
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


# What happens on the side during a scenario: each runs in a thread while wrk loads the server.


_own_requests = itertools.count()


def get(port: int, path: str, htmx: bool = False) -> tuple[int, bytes, dict[str, str]]:
    """One request of the bench's own (warming, watching an edit), each from a visitor address
    of its own, as behind the proxy, so the per-address limit never answers it."""
    n = next(_own_requests)
    headers = {"X-Forwarded-For": f"10.1.{n // 256 % 256}.{n % 256}"}
    if htmx:
        headers["HX-Request"] = "true"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")
    os.environ["INDEX_PRELOAD"] = "false"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def editor(port: int, seconds: int, every: float = 5.0) -> dict:
    """An editor saves a mention every `every` s (documented absent, then present again, a
    leaf feature's only mention on a condition); after each save, how long until a visitor
    asking for that feature sees the change."""
    django_setup()
    from django.db.models import Count

    from conditions.models import Feature, Mention

    leaf = (
        Feature.objects.tickable()
        .annotate(n=Count("mentions"), below=Count("children"))
        .filter(n__gte=2, n__lte=5, below=0)
        .order_by("pk")
        .first()
    )
    mention = Mention.objects.filter(feature=leaf, is_absent=False).select_related("condition")[0]
    path = f"/?feature={leaf.slug}"
    marker = f"/conditions/{mention.condition.slug}/".encode()
    delays = []
    deadline = time.monotonic() + seconds
    due = time.monotonic() + every
    try:
        # On the clock: a save every `every` s (or, if one is not yet visible by then, as soon
        # as it is), until `seconds` are up.
        while due <= deadline:
            time.sleep(max(0.0, due - time.monotonic()))
            due += every
            mention.is_absent = not mention.is_absent
            mention.save()
            saved = time.monotonic()
            expect_listed = not mention.is_absent
            while time.monotonic() - saved < 30:
                status, body, _ = get(port, path, htmx=True)
                if status == 200 and (marker in body) == expect_listed:
                    delays.append(time.monotonic() - saved)
                    due = max(due, time.monotonic())
                    break
                time.sleep(0.05)
            else:
                delays.append(float("inf"))
    finally:
        if mention.is_absent:
            mention.is_absent = False
            mention.save()
    return {
        "saves": len(delays),
        "visible_max_s": max(delays, default=0.0),
        "visible_median_s": sorted(delays)[len(delays) // 2] if delays else 0.0,
    }


def one_client_worst_case(port: int, users: int, seconds: int) -> dict:
    """Beside the visitors, one client with `users` connections asks the cache-busted worst case
    for `seconds`: what it got (answered, limited) and how fast."""
    figures = run_wrk(port, [WORST], users, seconds, htmx=False, shuffle=True, client=ONE_CLIENT)
    return {
        "client_answered": figures["requests"] - figures["limited"] - figures["errors"],
        "client_limited": figures["limited"],
        "client_errors": figures["errors"],
        "client_p99_ms": round(figures["p99"], 1),
    }


def import_hpo(changing: bool) -> dict:
    """`manage.py import_hpo` while visitors load the site; a changing run first removes a few
    imported mentions behind the site's back (raw SQL, no version bump) for it to restore."""
    env = server_environment()
    if changing:
        django_setup()
        from django.db import connection

        from conditions.models import Mention, MentionSource

        ids = ",".join(
            map(str, Mention.objects.filter(origin="hpo").values_list("pk", flat=True)[:20])
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {MentionSource._meta.db_table} WHERE mention_id IN ({ids})"
            )
            cursor.execute(f"DELETE FROM {Mention._meta.db_table} WHERE id IN ({ids})")
    started = time.monotonic()
    done = subprocess.run(
        [PYTHON, "manage.py", "import_hpo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        print(done.stderr[-2000:], file=sys.stderr)
    return {"import_s": round(time.monotonic() - started, 1), "import_ok": done.returncode == 0}


def settle(port: int, limit: float = 90.0) -> float:
    """Seconds until the content has settled after a scenario that changed it: ten answers
    in a row carry an ETag (every index of the worker that answered is the current version's),
    so the next scenario measures itself, not the tail of this one's rebuild."""
    started = time.monotonic()
    in_a_row = 0
    while in_a_row < 10 and time.monotonic() - started < limit:
        _, _, headers = get(port, "/?feature=HP:0000979")
        in_a_row = in_a_row + 1 if headers.get("ETag") else 0
        if not in_a_row:
            time.sleep(0.2)
    return round(time.monotonic() - started, 1)


def workers_of(server: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def kill_a_worker(server: subprocess.Popen) -> dict:
    victim = workers_of(server)[0]
    os.kill(victim, signal.SIGKILL)
    return {"killed": victim}


def recycle_all_workers(server: subprocess.Popen) -> dict:
    before = set(workers_of(server))
    os.kill(server.pid, signal.SIGHUP)  # gunicorn starts new workers, then stops the old ones
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and before & set(workers_of(server)):
        time.sleep(0.2)
    return {"recycled": len(before), "all_new": not (before & set(workers_of(server)))}


def memory_mb(pid: int) -> dict:
    """Proportional and private (unshared) memory of one process."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        fields[key] = int(value.split()[0]) / 1024
    return {"pss": fields["Pss"], "private": fields["Private_Clean"] + fields["Private_Dirty"]}


def workers_memory(server: subprocess.Popen) -> dict:
    figures = [memory_mb(pid) for pid in workers_of(server)]
    return {
        "worker_pss_mb": round(sum(f["pss"] for f in figures) / len(figures), 1),
        "worker_private_mb": round(sum(f["private"] for f in figures) / len(figures), 1),
    }


def first_requests(port: int) -> dict:
    """A new server's first explore and suggest answers (each a question nobody asked yet)."""
    timings = {}
    for name, path, htmx in (
        ("first_explore_ms", "/?feature=HP:0001744&feature=HP:0001903&feature=HP:0000953", False),
        ("first_suggest_ms", "/suggest/?q=enlarged+sple", True),
    ):
        started = time.monotonic()
        status, _, _ = get(port, path, htmx)
        timings[name] = round((time.monotonic() - started) * 1000, 1) if status == 200 else None
    return timings


def queries_per_request() -> dict:
    """Database queries each kind of page costs, uncached (page cache cleared) and cached, in
    this process through the whole middleware stack: what the database carries per request."""
    django_setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from explorer.response_cache import forget_pages

    settings.EXPLORER_RATE_LIMITS = {}  # counting queries: every request here is from one address
    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for label, path, htmx in (
        ("typical 3-feature query", TYPICAL_3[0], False),
        ("suggest", SUGGEST[0], True),
        ("condition page", CONDITIONS[0], False),
        ("worst case", WORST, False),
        ("about page", "/about/", False),
    ):
        headers = {"HX-Request": "true"} if htmx else {}
        client.get(path, headers=headers)  # this process's indexes and templates loaded
        forget_pages()
        with CaptureQueriesContext(connection) as uncached:
            client.get(path, headers=headers)
        with CaptureQueriesContext(connection) as cached:
            client.get(path, headers=headers)
        counts[label] = {"uncached": len(uncached), "cached": len(cached)}
    return counts


def postgres_simple_queries(database_url: str, seconds: int = 10) -> float | None:
    """Primary-key reads a second the PostgreSQL server answers (pgbench, 8 clients, the
    content version query every request makes), or None without pgbench."""
    if shutil.which("pgbench") is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("SELECT number, stamp FROM conditions_contentversion WHERE id = 1;\n")
    done = subprocess.run(
        ["pgbench", "-n", "-c8", "-j2", f"-T{seconds}", "-f", script.name, database_url],
        capture_output=True,
        text=True,
    )
    os.unlink(script.name)
    found = [line for line in done.stdout.splitlines() if line.startswith("tps")]
    return float(found[0].split()[2]) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=15, help="per plain scenario")
    parser.add_argument("--editor-seconds", type=int, default=60)
    parser.add_argument("--import-seconds", type=int, default=180, help="at most, per import")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument("--port", type=int, default=8140, help="first of ten loopback ports to try")
    parser.add_argument("--only", help="comma-separated scenario numbers to run (1-based)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (Debian: apt-get install wrk)")

    env = server_environment()
    # Make sure the current content has stored indexes (as a deploy would), then a bare worker's
    # memory: the same server with nothing preloaded and only the about page asked for.
    subprocess.run(
        [PYTHON, "manage.py", "build_indexes"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = free_port(args.port)
    bare = start_gunicorn(port, 2, {**env, "INDEX_PRELOAD": "false"})
    try:
        for _ in range(20):
            get(port, "/about/")
        bare_memory = workers_memory(bare)
    finally:
        bare.terminate()
        bare.wait(timeout=30)

    port = free_port(args.port)
    server = start_gunicorn(port, args.workers, env)
    results = {"bare_worker": bare_memory}
    try:
        results["first_requests"] = first_requests(port)
        warm(port, MIXED + SUGGEST + CONDITIONS, args.workers)
        results["warm_workers"] = workers_memory(server)
        seconds = args.seconds
        scenarios = [
            ("peer: about page (page-cache hit)", ["/about/"], {}),
            ("typical 3-feature query, full page", TYPICAL_3, {}),
            ("typical 3-feature query, htmx partial", TYPICAL_3, {"htmx": True}),
            ("/suggest/ (htmx)", SUGGEST, {"htmx": True}),
            ("condition pages", CONDITIONS, {}),
            ("mixed realistic traffic", MIXED, {}),
            (
                "cache-busted worst case, one client",
                [WORST],
                {"shuffle": True, "client": ONE_CLIENT},
            ),
            (
                "mixed + one client's worst case",
                MIXED,
                {"side": lambda: one_client_worst_case(port, args.users, seconds)},
            ),
            (
                "mixed + an editor saving every 5 s",
                MIXED,
                {"side": lambda: editor(port, args.editor_seconds)},
            ),
            (
                "mixed + import_hpo, no change",
                MIXED,
                {"side": lambda: import_hpo(False), "seconds": args.import_seconds},
            ),
            (
                "mixed + import_hpo, changing",
                MIXED,
                {"side": lambda: import_hpo(True), "seconds": args.import_seconds},
            ),
            ("mixed + a worker killed", MIXED, {"side": lambda: kill_a_worker(server)}),
            ("mixed + all workers recycled", MIXED, {"side": lambda: recycle_all_workers(server)}),
        ]
        chosen = {int(n) for n in args.only.split(",")} if args.only else None
        print(
            f"{args.users} concurrent users, {seconds} s each (editor {args.editor_seconds} s, "
            f"imports until settled), {args.workers} gunicorn workers, "
            f"database {env.get('DATABASE_URL', 'sqlite (default)')}"
        )
        print(
            f"{'scenario':46} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} "
            f"{'errors':>6} {'429':>6}  (ms)"
        )
        for number, (name, paths, options) in enumerate(scenarios, 1):
            if chosen and number not in chosen:
                continue
            if "recycled" in name:  # the workers that loaded versions of their own handed over
                results["workers_before_recycle"] = workers_memory(server)
            side_result: dict = {}
            side = options.get("side")
            thread = None
            side_done = threading.Event() if side else None
            if side:
                # Measured under load from its start until the content has settled after it
                # (an import's rebuild included), and for at least `seconds`.
                def run_side(
                    side=side, into=side_result, done=side_done, delay=0 if "editor" in name else 2
                ):
                    try:
                        time.sleep(delay)  # a moment into the run, so the load is on
                        into.update(side())
                        into["settled_s"] = settle(port)
                    finally:
                        done.set()

                thread = threading.Thread(target=run_side)
                thread.start()
            figures = run_wrk(
                port,
                paths,
                args.users,
                options.get("seconds", seconds + 120 if side else seconds),
                options.get("htmx", False),
                options.get("shuffle", False),
                options.get("client"),
                until=side_done,
                at_least=seconds,
            )
            if thread:
                thread.join()
                settle(port)  # past the bound: the next scenario starts settled all the same
            figures.update(side_result)
            results[name] = figures
            if "editor" in name:  # each worker has loaded newer indexes of its own
                results["workers_after_edits"] = workers_memory(server)
            extra = " ".join(f"{k}={v}" for k, v in side_result.items())
            print(
                f"{name:46} {figures['rps']:7.0f} {figures['p50']:7.1f} {figures['p95']:7.1f} "
                f"{figures['p99']:7.1f} {figures['max']:7.0f} {figures['errors']:6d} "
                f"{figures['limited']:6d}  {extra}",
                flush=True,
            )
        results["workers_after"] = workers_memory(server)
    finally:
        server.terminate()
        server.wait(timeout=30)
    results["queries_per_request"] = queries_per_request()
    print(
        "database queries per request (uncached / cached): "
        + "; ".join(
            f"{k} {v['uncached']} / {v['cached']}"
            for k, v in results["queries_per_request"].items()
        )
    )
    if "postgres" in env.get("DATABASE_URL", ""):
        results["postgres_pk_reads_per_s"] = postgres_simple_queries(env["DATABASE_URL"])
        print(
            f"PostgreSQL alone, the version query, 8 clients: {results['postgres_pk_reads_per_s']} /s"
        )
    print(
        "first requests of a new server: "
        + ", ".join(f"{k} {v}" for k, v in results["first_requests"].items())
    )
    bare = results["bare_worker"]
    for label in ("warm_workers", "workers_after_edits", "workers_before_recycle", "workers_after"):
        if label not in results:
            continue
        figures = results[label]
        print(
            f"memory per worker ({label.replace('_', ' ')}): private {figures['worker_private_mb']} MB, "
            f"PSS {figures['worker_pss_mb']} MB; bare Django worker private "
            f"{bare['worker_private_mb']} MB, PSS {bare['worker_pss_mb']} MB"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    database = "postgres" if "postgres" in env.get("DATABASE_URL", "") else "sqlite"
    (out / f"load-{database}.json").write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
