"""Mutation testing of the core modules (`make mutation`): run mutmut, then print the score.

    .venv/bin/python bench/mutation.py run [--jobs 2] [--test-seconds 20] [--sample N]
    .venv/bin/python bench/mutation.py [report] [MUTANTS_DIR]   # the score of the last run

`run` is `mutmut run` (modules and tests: pyproject's tool.mutmut) with three changes that keep
it within minutes on two cores: the stats run (the whole suite once, recording which tests reach
which functions) is shared by test file between --jobs processes rather than run in one; no
second clean run of the suite (the stats run has just run the same tests on the unchanged code
and stops if any fails); and each mutant runs only some of the tests covering it, up to
--test-seconds of their recorded time (`choose_tests`: its module's own test files first, then
the fastest; at least three), fastest first. A mutant that only a test left out would kill counts
as survived: the score errs on the safe side.
With --sample N, N mutants drawn at random (seeded) are run and counted, an estimate for a busy
machine; their names are kept in mutants/sample.txt, which the report then counts alone.

Killed: a test failed (or the mutant hung, crashed, or never type-checked). Survived: every test
covering it passed, or no test of the fast suite runs that code at all. Mutants listed in
bench/mutation-equivalent.txt (a name, then why no test can tell it from the original) are left
out of the count. Writes the survivors' names to mutants/survivors.txt (`mutmut show NAME` shows
one) and ends with one line:

    mutation: K killed, S survived, T total (P% survived)
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
SAMPLE = "sample.txt"
EQUIVALENT = Path(__file__).with_name("mutation-equivalent.txt")

# mutmut's exit codes (mutmut/stats.py), grouped as the score counts them.
KILLED = {1, 3, 24, -24, 36, 37, 152, 255, -9, -11}  # failed, timed out, type check, crashed
SURVIVED = {0, 5, 33, 35}  # passed, no tests cover it, suspicious (passed, slowly)
NOT_RUN = {None, 2, 34}  # not checked, interrupted, skipped


def read_equivalents(path: Path = EQUIVALENT) -> dict[str, str]:
    """Mutant name -> the reason it is equivalent, from lines `name  reason` (# comments)."""
    equivalents = {}
    for line in path.read_text().splitlines() if path.exists() else []:
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, reason = line.partition(" ")
            if not reason.strip():
                sys.exit(f"{path.name}: {name} needs a one-line reason")
            equivalents[name] = reason.strip()
    return equivalents


def read_results(root: Path = MUTANTS) -> dict[str, int | None]:
    results = {}
    for meta in sorted(root.rglob("*.py.meta")):
        results.update(json.loads(meta.read_text())["exit_code_by_key"])
    return results


MIN_TESTS = 3


def choose_tests(mutant_name: str, tests, durations, budget: float) -> tuple[list[str], float]:
    """The tests a mutant runs, within `budget` seconds of their recorded time: first those of
    its module's own test files (`search` for tests/conditions/test_search*.py), which state
    what the module does, then the fastest of the rest; at least MIN_TESTS, unless only slow
    ones of its own would make them up."""
    module = mutant_name.split(".x_", 1)[0].split(".xǁ", 1)[0].rsplit(".", 1)[-1]

    def own(test: str) -> bool:
        return module in Path(test.split("::", 1)[0]).stem

    chosen, spent = [], 0.0
    for test in sorted(tests, key=lambda t: (not own(t), durations[t], t)):
        if spent + durations[test] > budget and (len(chosen) >= MIN_TESTS or own(test)):
            continue
        chosen.append(test)
        spent += durations[test]
    return chosen, spent


def stats_in_parallel(runner, jobs: int) -> int:
    """mutmut's stats run of the whole suite, shared between this process and `jobs - 1` forked
    ones; what each recorded (which tests reach which functions, and how long each test took) is
    merged in as this one process would have recorded it. Each takes the next test file nobody
    has taken until none is left (a file stays whole: its module fixtures are set up once), the
    largest first, so a few slow files do not leave one process working alone. This process runs
    a share itself, so every mutant's process forks from one with the suite's modules loaded and
    its test database migrated, as before."""
    from mutmut.models.results import StatsResult
    from mutmut.state import state

    files = sorted({test_id.split("::", 1)[0] for test_id in runner.list_all_tests().ids})
    files.sort(key=lambda path: -(MUTANTS / path).stat().st_size)
    claims = MUTANTS / "stats-claims"
    claims.mkdir(exist_ok=True)

    def share() -> int:
        for number, path in enumerate(files):
            try:
                os.close(os.open(claims / str(number), os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                continue  # another process runs it
            if code := runner.test_runner.run_stats(tests=[path]):
                return code
        return 0

    children = []
    for number in range(1, jobs):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # a share of the suite, its output in a file of its own
            os.close(read)
            log = open(MUTANTS / f"stats-{number}.log", "w")  # noqa: SIM115
            os.dup2(log.fileno(), 1), os.dup2(log.fileno(), 2)
            sys.stdout = sys.stderr = log
            code = 1
            try:
                code = share()
            finally:
                found = state()
                result = StatsResult(
                    exit_code=code,
                    tests_by_mangled_function_name=dict(found.tests_by_mangled_function_name),
                    duration_by_test=dict(found.duration_by_test),
                    stats_time=0.0,
                    function_dependencies=dict(found.function_dependencies),
                )
                with os.fdopen(write, "wb") as pipe:
                    pickle.dump(result.to_dict(), pipe)
                log.flush()
                os._exit(0)
        os.close(write)
        children.append((pid, read, number))
    code = share()
    for pid, read, number in children:
        with os.fdopen(read, "rb") as pipe:
            try:
                result = StatsResult.from_dict(pickle.load(pipe))
            except EOFError:  # the child died
                result = None
        os.waitpid(pid, 0)
        if result is None or result.exit_code:
            print((MUTANTS / f"stats-{number}.log").read_text()[-5000:])
            code = code or (result.exit_code if result else 1)
            continue
        for name, tests in result.tests_by_mangled_function_name.items():
            state().tests_by_mangled_function_name[name] |= tests
        state().duration_by_test.update(result.duration_by_test)
        for name, callers in result.function_dependencies.items():
            state().function_dependencies[name] |= callers
    return code


def run(jobs: int, test_seconds: float, sample: int = 0) -> int:
    from mutmut import __main__ as mutmut_main
    from mutmut.state import state
    from mutmut.workers.isolation import ForkRunner

    def no_second_clean_run(self, tests) -> int:
        return 0

    collect_stats = ForkRunner.collect_stats

    def collect_stats_in_parallel(self, tests) -> int:
        if tests or jobs < 2:  # a rerun's new tests only: as mutmut does
            return collect_stats(self, tests)
        return stats_in_parallel(self, jobs)

    submit = ForkRunner.submit

    def submit_fastest(self, mutant_name, tests, cpu_time_limit, estimated_time):
        chosen, spent = choose_tests(mutant_name, tests, state().duration_by_test, test_seconds)
        return submit(self, mutant_name, chosen, cpu_time_limit, spent)

    collect = mutmut_main.collect_source_file_mutation_data

    def collect_sample(*args, **kwargs):
        mutants, by_path = collect(*args, **kwargs)
        names = sorted(name for _, name, _ in mutants)
        if sample and len(names) > sample:
            chosen = set(random.Random(0).sample(names, sample))
            mutants = [m for m in mutants if m[1] in chosen]
            (MUTANTS / SAMPLE).write_text("".join(f"{name}\n" for name in sorted(chosen)))
        return mutants, by_path

    ForkRunner.run_clean_tests = no_second_clean_run
    ForkRunner.collect_stats = collect_stats_in_parallel
    ForkRunner.submit = submit_fastest
    mutmut_main.collect_source_file_mutation_data = collect_sample
    try:
        mutmut_main.cli(["run", "--max-children", str(jobs)], standalone_mode=False)
    except SystemExit as stop:
        return stop.code or 0
    return 0


def report(root: Path = MUTANTS) -> int:
    results = read_results(root)
    equivalents = read_equivalents()
    stale = sorted(set(equivalents) - set(results))
    if stale:
        print(f"{len(stale)} listed equivalent mutants no longer exist: {', '.join(stale)}")
    if (root / SAMPLE).exists():
        sampled = set((root / SAMPLE).read_text().split())
        print(f"  a random sample of {len(sampled)} of the {len(results)} mutants")
        results = {name: code for name, code in results.items() if name in sampled}
    if not results:
        print("No mutmut results in mutants/: run `make mutation` first.", file=sys.stderr)
        return 1
    counted_equivalents = set(equivalents) & set(results)
    counted = {name: code for name, code in results.items() if name not in equivalents}
    killed = sorted(name for name, code in counted.items() if code in KILLED)
    not_run = sorted(name for name, code in counted.items() if code in NOT_RUN)
    survived = sorted(set(counted) - set(killed) - set(not_run))
    if not_run:
        print(f"{len(not_run)} mutants were not run (interrupted?); left out of the count")
    (root / "survivors.txt").write_text("".join(f"{name}\n" for name in survived))
    by_file: dict[str, list[int]] = {}
    for name in killed + survived:
        module = name.split(".x_", 1)[0].split(".xǁ", 1)[0]
        by_file.setdefault(module, [0, 0])[name in survived] += 1
    for module, (k, s) in sorted(by_file.items()):
        print(f"  {module:40} {k:5} killed {s:5} survived")
    print(f"  {len(counted_equivalents)} equivalent mutants left out ({EQUIVALENT.name})")
    total = len(killed) + len(survived)
    share = 100 * len(survived) / total if total else 0.0
    print(
        f"mutation: {len(killed)} killed, {len(survived)} survived, {total} total ({share:.1f}% survived)"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs="?", choices=["run", "report"], default="report")
    parser.add_argument("mutants", nargs="?", type=Path, default=MUTANTS)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--test-seconds", type=float, default=20.0)
    parser.add_argument("--sample", type=int, default=0, help="run N mutants drawn at random")
    args = parser.parse_args()
    if args.command == "run":
        return run(args.jobs, args.test_seconds, args.sample)
    return report(args.mutants)


if __name__ == "__main__":
    sys.exit(main())
