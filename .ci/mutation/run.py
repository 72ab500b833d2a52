"""`make mutation`: cosmic-ray over each guarded module, with the tests that guard it.

Each module runs in a copy of the work tree of its own (cosmic-ray writes every mutant into the
file on disk; a run stopped half-way must never leave a mutant in the developer's tree, and two
modules can then run side by side). Prints each module's score, counting as equivalent only the
survivors its config names with a reason, and every other survivor's diff.

    .venv/bin/python .ci/mutation/run.py [-j 2] [--fail-under 90] [plan documents ...]
"""

import argparse
import ast
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# tests/conftest.py's claim on a test Redis database (importing it would make one at once).
REDIS_HOST_URL = "redis://127.0.0.1:6379"
TEST_REDIS_DATABASES = range(10, 16)
CLAIM = "isacc-tests:redis-db:{}"


def work_tree_copy(into: Path) -> Path:
    """The work tree as it is now (tracked and new files, not ignored ones) plus the compiled
    catalogue, with the project's virtualenv linked in."""
    git = ["git", "ls-files", "-co", "--exclude-standard", "-z"]
    listed = subprocess.run(git, cwd=ROOT, check=True,  # noqa: S603 - git from PATH, as make
                            capture_output=True).stdout.decode().split("\0")
    compiled = [str(p.relative_to(ROOT)) for p in (ROOT / "isacc/translations").rglob("*.mo")]
    for name in filter(None, listed + compiled):
        source = ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    (into / ".venv").symlink_to(ROOT / ".venv")
    return into


@contextlib.contextmanager
def test_redis():
    """A test Redis database held for a whole module's run, claimed as tests/conftest.py
    claims one (so no other run takes it meanwhile). Each test run would otherwise claim its
    own, and one killed at cosmic-ray's time-out never lets go: the databases would run out,
    and every later run stop at once, a failure counted as a killed mutant."""
    claims, token = redis.Redis.from_url(f"{REDIS_HOST_URL}/0"), uuid.uuid4().hex
    free = next((n for n in TEST_REDIS_DATABASES
                 if claims.set(CLAIM.format(n), token, nx=True, ex=6 * 3600)), None)
    if free is None:
        raise SystemExit("every test Redis database (10-15) is claimed by another run")
    try:
        yield f"{REDIS_HOST_URL}/{free}"
    finally:
        if claims.get(CLAIM.format(free)) == token.encode():
            claims.delete(CLAIM.format(free))


def cosmic_ray(*args, cwd: Path, redis_url: str) -> subprocess.CompletedProcess:
    """The tests run on PostgreSQL unless ISACC_TEST_DB says otherwise: SQLite forgives what
    PostgreSQL refuses (`a & b` in a join made `a * b` is still true-and-true on SQLite's
    0/1 booleans), and make test runs both, so a mutant PostgreSQL refuses is caught."""
    command = [str(ROOT / ".venv/bin/cosmic-ray"), *args]
    return subprocess.run(command, cwd=cwd, text=True, capture_output=True,  # noqa: S603
                          env={"ISACC_TEST_DB": "postgresql", **os.environ,
                               "ISACC_TEST_REDIS_URL": redis_url})


def annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the type annotations are, as ((line, column), (end line, end column))."""
    spans = []
    for node in ast.walk(ast.parse(source)):
        annotations = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args
            annotations = [node.returns, *(a.annotation for a in (
                *arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                arguments.vararg, arguments.kwarg) if a is not None)]
        elif isinstance(node, ast.AnnAssign):
            annotations = [node.annotation]
        spans += [((n.lineno, n.col_offset), (n.end_lineno, n.end_col_offset))
                  for n in annotations if n is not None]
    return spans


def skip_annotations(session: str, tree: Path, module: str) -> int:
    """Mark the mutants inside type annotations as skipped: `str | None` made `str & None` only
    breaks the import, a kill that says nothing of the tests (and costs a test run)."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    spans = annotation_spans((tree / module).read_text())
    skipped = 0
    with use_db(session, WorkDB.Mode.open) as db:
        for item in db.pending_work_items:
            [mutation] = item.mutations
            if any(start <= tuple(mutation.start_pos) < end for start, end in spans):
                db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED,
                                                      output="in a type annotation"))
                skipped += 1
    return skipped


def source_line(tree: Path, module: str, line: int) -> str:
    return (tree / module).read_text().splitlines()[line - 1].strip()


def run_module(name: str) -> tuple[str, float | None]:
    """Run one module's mutants; returns its report and its score (None if it could not run)."""
    config_path = HERE / f"{name}.toml"
    config = tomllib.loads(config_path.read_text())
    module = config["cosmic-ray"]["module-path"]
    equivalent = config.get("isacc", {}).get("equivalent", [])
    with tempfile.TemporaryDirectory(prefix=f"isacc-mutation-{name}-") as tmp, \
            test_redis() as redis_url:
        tree = work_tree_copy(Path(tmp))
        session = str(tree / "session.sqlite")
        skipped = 0
        for step in (["init", str(config_path), session], ["baseline", str(config_path)],
                     ["exec", str(config_path), session]):
            done = cosmic_ray(*step, cwd=tree, redis_url=redis_url)
            if done.returncode != 0:
                return (f"== {module}: `cosmic-ray {step[0]}` failed (the unmutated tests must "
                        f"pass first)\n{done.stdout[-3000:]}{done.stderr[-3000:]}\n", None)
            if step[0] == "init":
                skipped = skip_annotations(session, tree, module)
        from cosmic_ray.work_db import WorkDB, use_db
        from cosmic_ray.work_item import TestOutcome

        with use_db(session, WorkDB.Mode.open) as db:
            results = db.completed_work_items
        killed, survived, equivalent_seen = 0, [], []
        for item, result in results:
            if result.test_outcome == TestOutcome.KILLED:
                killed += 1
                continue
            if result.test_outcome != TestOutcome.SURVIVED:
                continue  # incompetent or not run: neither killed nor a survivor
            [mutation] = item.mutations
            line = source_line(tree, module, mutation.start_pos[0])
            why = next((e["why"] for e in equivalent if e["operator"] == mutation.operator_name
                        and e["line"] == line
                        and e.get("occurrence", mutation.occurrence) == mutation.occurrence),
                       None)
            (equivalent_seen if why else survived).append((mutation, line, why, result.diff))
    counted = killed + len(survived)
    score = 100.0 * killed / counted if counted else 100.0
    report = [f"== {module}: {killed + len(survived) + len(equivalent_seen)} mutants, "
              f"{killed} killed, {len(survived)} survived, {len(equivalent_seen)} equivalent "
              f"-> {score:.1f} % of non-equivalent mutants killed ({skipped} more in type "
              f"annotations, not run)"]
    for mutation, line, why, _diff in sorted(equivalent_seen, key=lambda s: s[0].start_pos):
        report.append(f"  equivalent  line {mutation.start_pos[0]} {mutation.operator_name}: "
                      f"{line}  ({why})")
    for mutation, _line, _why, diff in sorted(survived, key=lambda s: s[0].start_pos):
        report.append(f"  SURVIVED    line {mutation.start_pos[0]} {mutation.operator_name} "
                      f"#{mutation.occurrence}\n{diff}")
    return "\n".join(report) + "\n", score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*",
                        help="config names under .ci/mutation (default: all of them)")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="modules run side by side")
    parser.add_argument("--fail-under", type=float, default=90.0,
                        help="exit 1 when a module scores less (per cent)")
    args = parser.parse_args()
    names = args.modules or sorted(p.stem for p in HERE.glob("*.toml"))
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        outcomes = list(pool.map(run_module, names))
    failed = False
    for report, score in outcomes:
        print(report, flush=True)
        failed |= score is None or score < args.fail_under
    print("Scores: " + ", ".join(
        f"{name} {'-' if score is None else f'{score:.1f} %'}"
        for name, (_report, score) in zip(names, outcomes, strict=True)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
