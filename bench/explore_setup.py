"""Setup for bench/explore.py: the environment, a fresh database, the timed import, hpo3."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from explore_measure import median

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
HPO3_DIR = BENCH / ".hpo3"
HPO3_REQUIREMENT = "hpo3>=1.5,<2"
PYTHON = sys.executable
SQLITE_PATH = Path(tempfile.gettempdir()) / "symptom-explorer-bench.sqlite3"
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "symptom_explorer_bench"
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "SECRET_KEY": "x",
    "ALLOWED_HOSTS": "testserver",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "ERROR",
}


def database_url(args) -> str:
    if args.database == "sqlite":
        return f"sqlite:///{args.sqlite_path}"
    return f"{args.pg_url.rstrip('/')}/{args.pg_name}"


def production_environment(url: str) -> dict[str, str]:
    """This process's environment, for production settings on `url` (also its subprocesses')."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(PRODUCTION_ENV, DATABASE_URL=url)
    os.environ.clear()
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")
    return env


def pg_admin(args, *statements: str) -> None:
    import psycopg

    with psycopg.connect(
        f"{args.pg_url.rstrip('/')}/postgres", autocommit=True, connect_timeout=5
    ) as conn:
        for statement in statements:
            conn.execute(statement)


def pg_exists(args) -> bool:
    import psycopg

    with psycopg.connect(f"{args.pg_url.rstrip('/')}/postgres", connect_timeout=5) as conn:
        return bool(
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.pg_name]).fetchone()
        )


def drop_database(args) -> None:
    if args.database == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{args.sqlite_path}{suffix}").unlink(missing_ok=True)
    else:
        pg_admin(args, f"DROP DATABASE IF EXISTS {args.pg_name} WITH (FORCE)")


def fresh_database(args) -> None:
    drop_database(args)
    if args.database == "postgres":
        pg_admin(args, f"CREATE DATABASE {args.pg_name}")


def manage(env: dict[str, str], *command: str) -> None:
    subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)


def check_kept_database(args) -> None:
    """--skip-import needs the database a --keep run left."""
    if args.database == "postgres" and not pg_exists(args):
        raise SystemExit(f"--skip-import: no database {args.pg_name}; run once with --keep first")
    if args.database == "sqlite" and not args.sqlite_path.exists():
        raise SystemExit(f"--skip-import: no {args.sqlite_path}; run once with --keep first")


def import_runs(args, env: dict[str, str]) -> dict:
    """`--import-runs` imports, each into a fresh database (curated fixture first unless
    --no-curated): the last run's figures with the median wall time of all."""
    runs = []
    for run in range(args.import_runs):
        fresh_database(args)
        manage(env, "migrate", "--no-input", "-v0")
        if not args.no_curated:
            manage(env, "load_content", "curated", "-v0")
        print(f"Importing the full HPO release (timed, run {run + 1})…", flush=True)
        runs.append(timed_import(env, args.sources))
    return runs[-1] | {
        "runs_wall_s": [r["wall_s"] for r in runs],
        "wall_s": median(r["wall_s"] for r in runs),
        "reported_s": median(r["reported_s"] for r in runs if r["reported_s"] is not None),
    }


def timed_import(env: dict[str, str], sources: list[str]) -> dict:
    """`manage.py import_hpo`: wall time, the import's own figure and the process's peak memory."""
    command = [PYTHON, "manage.py", "import_hpo", "--sources", ",".join(sources)]
    if "OMIM" in sources:
        command.append("--include-omim")
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        print(output)
        raise SystemExit(f"import_hpo failed (exit {process.returncode})")
    done = re.search(r"Done in ([\d.]+) s", output)
    return {
        "command": " ".join(command[1:]),
        "wall_s": wall,
        "reported_s": float(done[1]) if done else None,
        "maxrss_mb": usage.ru_maxrss / 1024,
        "report": output.splitlines(),
    }


def ensure_hpo3() -> None:
    if (HPO3_DIR / "pyhpo" / "__init__.py").exists():
        return
    print(f"Installing {HPO3_REQUIREMENT} into {HPO3_DIR.relative_to(ROOT)} (kept out of the venv)")
    subprocess.run(
        [PYTHON, "-m", "pip", "install", "--quiet", "--target", str(HPO3_DIR), HPO3_REQUIREMENT],
        check=True,
    )
