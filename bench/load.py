"""Load run: gunicorn with production settings, hammered on loopback by wrk with realistic queries.

Usage (after `make import-hpo` so the full HPO data is in the database):

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--workers 5]

Prints requests/s, p50/p95/p99 latency and the error count for each scenario, beside a peer
measured in the same run: the about page, which does no database work, from the same servers.
Traffic goes to 127.0.0.1 only; every run is bounded by --seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
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
WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["HX-Request"] = %s})
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format('RESULT {"requests": %%d, "seconds": %%f, "errors": %%d, '
    .. '"p50": %%f, "p95": %%f, "p99": %%f}\\n', summary.requests, summary.duration / 1e6,
    errors, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        LOG_LEVEL="ERROR",
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
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=60).read()


def run_wrk(port: int, paths: list[str], users: int, seconds: int, htmx: bool) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            WRK_SCRIPT
            % (", ".join(json.dumps(p) for p in paths), json.dumps("true") if htmx else "nil")
        )
    threads = min(users, 2)
    result = subprocess.run(
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
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    os.unlink(script.name)
    line = next((x for x in result.stdout.splitlines() if x.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")
    figures = json.loads(line.removeprefix("RESULT "))
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (Debian: apt-get install wrk)")

    env = server_environment()
    port = free_port()
    server = start_gunicorn(port, args.workers, env)
    try:
        warm(port, MIXED, args.workers)
        scenarios = [
            ("peer: about page (no database work)", ["/about/"], False),
            ("typical 3-feature query, full page", TYPICAL_3, False),
            ("typical 3-feature query, htmx partial", TYPICAL_3, True),
            ("mixed realistic traffic", MIXED, False),
        ]
        print(
            f"{args.users} concurrent users, {args.seconds} s each, {args.workers} gunicorn workers, "
            f"database {env.get('DATABASE_URL', 'sqlite (default)')}"
        )
        print(
            f"{'scenario':44} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs peer':>8}"
        )
        peer_rps = None
        for name, paths, htmx in scenarios:
            figures = run_wrk(port, paths, args.users, args.seconds, htmx)
            peer_rps = peer_rps or figures["rps"]
            print(
                f"{name:44} {figures['rps']:8.0f} {figures['p50']:8.1f} {figures['p95']:8.1f} "
                f"{figures['p99']:8.1f} {figures['errors']:7d} {figures['rps'] / peer_rps:8.2f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
