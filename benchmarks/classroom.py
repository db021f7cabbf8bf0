"""Benchmark of classroom grading (issue 9): gradings per minute, with isolation, and where time goes.

A class of N students (default 50) x the five real labs (or copies of tiny_lab when the labs are
not all there): three students in four hand in the reference solutions, one in four the starters.
Graded by `grade_class` with --jobs (default 2) and the strongest isolation available.

    .venv/bin/python benchmarks/classroom.py [--students 50] [--jobs 2] [--compare 10] [--baseline 10]

--compare N also grades N students with process-only isolation: the namespaces' own cost.
--baseline N also grades N students the way it was done before (each worker and each learner
started from nothing) and then again warm: the ratio is taken in the same run, at the same load.

Besides wall time, every run prints the CPU seconds it used per grading (the driver and every
process under it) and what that makes on this machine's cores when nothing else runs
(cores x 60 / CPU seconds per grading): on a shared machine the CPU figure moves far less than
the wall time.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL_LABS = ("s3_versioning", "sqs_dlq", "iam_policy", "dynamodb_capacity", "sns_fanout")


def choose_labs(scratch: Path):
    from awslab.grading import all_labs

    available = {lab.id: lab for lab in all_labs(ROOT / "labs")}
    if all(lab_id in available and (ROOT / "solutions" / f"{lab_id}.py").is_file() for lab_id in REAL_LABS):
        os.environ["AWSLAB_LABS_DIR"] = str(ROOT / "labs")
        os.environ["AWSLAB_SOLUTIONS_DIR"] = str(ROOT / "solutions")
        return [available[lab_id] for lab_id in REAL_LABS], ROOT / "solutions"
    # Not all real labs yet: five copies of the tiny fixture lab.
    from awslab.grading import get_lab

    labs_dir, solutions = scratch / "labs", scratch / "solutions"
    solutions.mkdir(parents=True)
    for number in range(5):
        shutil.copytree(ROOT / "tests" / "fixtures" / "labs" / "tiny_lab", labs_dir / f"tiny_lab_{number}")
        shutil.copy(ROOT / "tests" / "fixtures" / "solutions" / "tiny_lab.py", solutions / f"tiny_lab_{number}.py")
    os.environ["AWSLAB_LABS_DIR"] = str(labs_dir)
    os.environ["AWSLAB_SOLUTIONS_DIR"] = str(solutions)
    return [get_lab(f"tiny_lab_{number}", labs_dir) for number in range(5)], solutions


def make_class(folder: Path, labs, solutions: Path, students: int) -> None:
    for number in range(students):
        student = folder / f"student{number:03d}"
        student.mkdir(parents=True)
        for lab in labs:
            source = lab.starter if number % 4 == 3 else solutions / f"{lab.id}.py"
            shutil.copy(source, student / f"{lab.id}.py")


def learner_start_seconds(runs: int = 5) -> float:
    """What starting one learner's process costs (Python, boto3, loading the file), with nothing to grade."""
    from awslab.grading import LearnerProcess
    from awslab.safety import learner_environment

    with tempfile.TemporaryDirectory() as home:
        path = Path(home) / "empty.py"
        path.write_text("def f():\n    return 1\n")
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            with LearnerProcess(path, learner_environment("http://127.0.0.1:9", home)) as learner:
                learner.call("f")
            timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def cpu_seconds() -> float:
    """CPU time of this process and of every process under it that has ended (workers, learners)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def grade(folder: Path, labs, jobs: int, isolation: str, state: Path, *, warm: bool = True):
    from awslab.classroom import Settings, find_students, grade_class

    students = find_students(folder)
    started, cpu = time.perf_counter(), cpu_seconds()
    run = grade_class(students, labs, state, Settings(timeout=120, jobs=jobs, isolation=isolation,
                                                      fork_workers=warm, warm_learners=warm), hide=[folder])
    run.timing["cpu_seconds"] = cpu_seconds() - cpu
    return run, time.perf_counter() - started


def report(title: str, run, wall: float, labs, jobs: int) -> None:
    gradings = len(run.records)
    cores = os.cpu_count() or 1
    per_grading = run.timing["cpu_seconds"] / max(1, gradings)
    print(f"\n== {title}: {gradings} gradings in {wall:.1f} s with {jobs} jobs -> "
          f"{gradings / wall * 60:.0f} gradings per minute (load average now {os.getloadavg()[0]:.1f})")
    print(f"   CPU: {run.timing['cpu_seconds']:.1f} s = {per_grading:.2f} s per grading -> "
          f"{cores * 60 / per_grading:.0f} gradings per minute on {cores} idle cores (cores x 60 / CPU per grading)")
    print(f"   isolation: {run.isolation.describe()}")
    per_lab = {lab.id: [r["timing"].get("seconds", 0.0) for (_, lab_id), r in run.records.items() if lab_id == lab.id]
               for lab in labs}
    cpu_lab = {lab.id: [r["timing"].get("cpu_seconds") or 0.0 for (_, lab_id), r in run.records.items() if lab_id == lab.id]
               for lab in labs}
    busy = run.timing["worker_startup_seconds"] + run.timing["lab_seconds"]
    print(f"   worker time (sum over workers): {busy:.1f} s = {busy / wall:.2f} workers busy on average")
    print(f"   - worker start-up (sandbox, imports, embedded moto): {run.timing['worker_startup_seconds']:.1f} s "
          f"for {run.timing['workers_started']:.0f} workers "
          f"({run.timing['worker_startup_seconds'] / max(1, run.timing['workers_started']):.2f} s each; "
          f"{run.timing.get('workers_forked', 0):.0f} forked from a warm template"
          + (f" ready in {run.timing['template_seconds']:.2f} s)" if "template_seconds" in run.timing else ")"))
    print(f"   - learners forked from the student's warm learner: {run.timing.get('learners_forked', 0):.0f} "
          f"of {gradings}")
    print(f"   - grading labs: {run.timing['lab_seconds']:.1f} s")
    for lab_id, seconds in per_lab.items():
        if seconds:
            print(f"       {lab_id:<20} median {statistics.median(seconds):.2f} s  max {max(seconds):.2f} s"
                  f"  CPU (the student's cgroup) median {statistics.median(cpu_lab[lab_id]):.2f} s")
    scores = sorted({r["score"] for r in run.records.values()})
    print(f"   distinct lab scores: {scores}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--compare", type=int, default=0, help="also grade this many students without namespaces")
    parser.add_argument("--baseline", type=int, default=0,
                        help="also grade this many students with each worker started from nothing (as before)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="awslab-bench-") as scratch:
        scratch = Path(scratch)
        labs, solutions = choose_labs(scratch)
        print(f"labs: {', '.join(lab.id for lab in labs)}; students: {args.students}; jobs: {args.jobs}; "
              f"cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.1f}")
        if args.students:
            make_class(scratch / "class", labs, solutions, args.students)
            run, wall = grade(scratch / "class", labs, args.jobs, "auto", scratch / "state")
            report("isolated (auto)", run, wall, labs, args.jobs)
        print(f"   one learner process alone (start Python + boto3, load, one call): {learner_start_seconds():.2f} s")
        print(f"   load average after: {os.getloadavg()[0]:.1f} (other work on this machine slows every figure)")
        if args.baseline:
            base = scratch / "baseline"
            make_class(base, labs, solutions, args.baseline)
            for warm in (False, True):
                run, wall = grade(base, labs, args.jobs, "auto", scratch / f"state-baseline-{warm}", warm=warm)
                report(f"{args.baseline} students, " + ("warm: workers forked from a template, learners from the "
                                                         "student's warm learner" if warm else
                                                         "baseline: every worker and learner started from nothing"),
                       run, wall, labs, args.jobs)
        if args.compare:
            small = scratch / "small"
            make_class(small, labs, solutions, args.compare)
            for isolation in ("auto", "process"):
                run, wall = grade(small, labs, args.jobs, isolation, scratch / f"state-{isolation}")
                report(f"{args.compare} students, isolation {isolation}", run, wall, labs, args.jobs)


if __name__ == "__main__":
    sys.exit(main())
