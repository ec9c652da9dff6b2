"""Memory per worker: what a worker serving the explorer costs over a bare Django worker.

Usage (the HPO imported into the database first, e.g. `make import-hpo`):

    .venv/bin/python bench/memory.py [--workers 2]
    DATABASE_URL=postgres://… .venv/bin/python bench/memory.py

Each scenario is a fresh "master" process that imports `explorer.wsgi` (as gunicorn --preload
does) and forks `--workers` workers; every worker answers requests through the WSGI application,
then all are measured together from /proc/<pid>/smaps_rollup:

- bare: no index preloaded (INDEX_PRELOAD=0); the workers answer /about/ only.
- preloaded: the master loads the stored indexes and warms up before forking (INDEX_PRELOAD=1);
  the workers answer explore (one broad and one 3-feature query) and suggest requests.
- newer: as preloaded, then the content version moves on (an edit) and `manage.py
  build_indexes` stores the new indexes; every worker then loads the new version itself (from the
  snapshot file) and answers the same requests again.

USS (pages only this process holds) is what one more worker adds; PSS shares each page among the
processes that map it. "extra" is a worker's USS minus a bare worker's.

On SQLite the run works on a copy of the database (the version bump stays there); on PostgreSQL
it moves the database's content version on, as any edit does. Snapshot files go to a temporary
folder.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REQUESTS = [
    ("/?feature=HP:0000118", False),  # every phenotype: the broadest page
    ("/?feature=HP:0000979&feature=HP:0001271&feature=HP:0003271", False),
    ("/?feature=HP:0000979&feature=HP:0001271&feature=HP:0003271", True),
    ("/suggest/?q=bruis", True),
    ("/suggest/?q=enlarged+liv", True),
]
BARE_REQUESTS = [("/about/", False)]


def smaps() -> dict[str, float]:
    """This process's memory in MB: RSS, PSS and USS (private pages, clean or dirty)."""
    fields = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value) / 1024
    uss = fields["Private_Clean"] + fields["Private_Dirty"]
    return {"rss": fields["Rss"], "pss": fields["Pss"], "uss": uss}


def serve(application, requests) -> None:
    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    for path, htmx in requests:
        url_path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": url_path,
            "QUERY_STRING": query,
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "HTTP_HOST": "localhost",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        if htmx:
            environ["HTTP_HX_REQUEST"] = "true"
        statuses: list[str] = []
        b"".join(application(environ, start_response))
        if not statuses or not statuses[0].startswith("200"):
            raise SystemExit(f"{path} answered {statuses}")


def wait_for_indexes() -> None:
    from conditions import content_version

    for per_version in content_version.shared_indexes():
        per_version.get()
        per_version.wait()


def run_scenario(name: str, workers: int) -> None:
    """A master and its workers (this process forks them); prints one JSON line."""
    os.environ["INDEX_PRELOAD"] = "0" if name == "bare" else "1"
    from django.db import connections

    from explorer.wsgi import application  # preloads the indexes unless bare

    connections.close_all()
    master = smaps()
    requests = BARE_REQUESTS if name == "bare" else REQUESTS
    pids, reports, commands = [], [], []
    for _ in range(workers):
        report_r, report_w = os.pipe()
        command_r, command_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # a worker
            os.close(report_r)
            os.close(command_w)
            to_master, from_master = os.fdopen(report_w, "w"), os.fdopen(command_r)
            serve(application, requests)
            to_master.write("ready\n")
            to_master.flush()
            if from_master.readline().strip() == "reload":
                serve(application, requests)  # meets the new version: loads it in the background
                wait_for_indexes()
                serve(application, requests)
                to_master.write("ready\n")
                to_master.flush()
                from_master.readline()
            to_master.write(json.dumps(smaps()) + "\n")
            to_master.flush()
            from_master.readline()  # stay alive until every worker is measured
            os._exit(0)
        os.close(report_w)
        os.close(command_r)
        pids.append(pid)
        reports.append(os.fdopen(report_r))
        commands.append(os.fdopen(command_w, "w"))

    def tell_all(word: str) -> None:
        for command in commands:
            command.write(word + "\n")
            command.flush()

    for report in reports:
        report.readline()  # ready
    if name == "newer":
        from conditions import content_version

        content_version.bump()
        connections.close_all()
        manage = [PYTHON, str(ROOT / "manage.py"), "build_indexes"]
        subprocess.run(manage, check=True, stdout=subprocess.DEVNULL)
        tell_all("reload")
        for report in reports:
            report.readline()  # ready again
    tell_all("measure")
    measured = [json.loads(report.readline()) for report in reports]
    tell_all("exit")
    for pid in pids:
        os.waitpid(pid, 0)
    print(json.dumps({"scenario": name, "master": master, "workers": measured}))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scenario", help=argparse.SUPPRESS)  # run one scenario (internal)
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")
    if args.scenario:
        run_scenario(args.scenario, args.workers)
        return 0
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="explorer-memory-") as tmp:
        env["INDEX_SNAPSHOT_DIR"] = str(Path(tmp) / "snapshots")
        if not env.get("DATABASE_URL"):
            copy = Path(tmp) / "db.sqlite3"
            shutil.copyfile(ROOT / "db.sqlite3", copy)
            env["DATABASE_URL"] = f"sqlite:///{copy}"
        database = env["DATABASE_URL"].split("@")[-1]
        print(f"Memory per worker ({args.workers} workers a scenario, {database})", flush=True)
        build = [PYTHON, str(ROOT / "manage.py"), "build_indexes"]
        subprocess.run(build, check=True, env=env, stdout=subprocess.DEVNULL)
        results = {}
        for name in ("bare", "preloaded", "newer"):
            out = subprocess.run(
                [PYTHON, __file__, "--scenario", name, "--workers", str(args.workers)],
                check=True,
                env=env,
                capture_output=True,
                text=True,
            ).stdout
            results[name] = json.loads(out.strip().splitlines()[-1])
    report(results)
    return 0


def report(results: dict) -> None:
    def mean(values: list[float]) -> float:
        return sum(values) / len(values)

    bare_uss = mean([w["uss"] for w in results["bare"]["workers"]])
    labels = {
        "bare": "bare Django worker (no index)",
        "preloaded": "worker, indexes preloaded by the master",
        "newer": "worker after loading a newer version itself",
    }
    print(f"{'':46} {'RSS':>7} {'PSS':>7} {'USS':>7} {'extra':>7}  (MB, mean of workers)")
    for name, label in labels.items():
        workers = results[name]["workers"]
        rss, pss, uss = (mean([w[k] for w in workers]) for k in ("rss", "pss", "uss"))
        print(f"{label:46} {rss:7.1f} {pss:7.1f} {uss:7.1f} {uss - bare_uss:+7.1f}")
    for name in ("bare", "preloaded"):
        master = results[name]["master"]
        print(f"master, {name:38} {master['rss']:7.1f} {master['pss']:7.1f} {master['uss']:7.1f}")


if __name__ == "__main__":
    sys.exit(main())
