"""A run killed midway resumes: the rerun grades only what is missing; the gradebook is never half-written."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

from .conftest import CLASS, LABS_ENV, awslab_command

STUDENTS = 6


def make_class(root: Path) -> Path:
    folder = root / "class"
    for number in range(STUDENTS):
        (folder / f"s{number:02d}").mkdir(parents=True)
        shutil.copy(CLASS / "correct" / "class_lab.py", folder / f"s{number:02d}" / "class_lab.py")
    return folder


def descendants(pid: int) -> set[int]:
    """Every process below `pid` now (children of children included)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit():
                stat = (entry / "stat").read_text()
                parent = int(stat[stat.rindex(")") + 2:].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
        except (OSError, ValueError):
            pass
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def workers_alive(among: set[int]) -> list[int]:
    """The grading workers among `among` still running. Only our driver's: other runs on the same
    machine (other tests, benchmarks) have workers of their own."""
    alive = []
    for pid in among:
        try:
            if b"awslab.classroom.worker" in Path(f"/proc/{pid}/cmdline").read_bytes():
                alive.append(pid)
        except OSError:
            pass
    return alive


def test_a_killed_run_resumes_where_it_stopped(tmp_path):
    folder = make_class(tmp_path)
    out = tmp_path / "gradebook.csv"
    results = tmp_path / "gradebook.state" / "results"
    env = {**os.environ, **LABS_ENV}
    command = awslab_command("grade", str(folder), "--out", str(out), "--jobs", "1", "--timeout", "20", "-q")
    driver = subprocess.Popen(command, env=env, cwd=tmp_path)
    deadline = time.monotonic() + 600  # a loaded machine: two gradings may take minutes
    ours: set[int] = set()
    while time.monotonic() < deadline and driver.poll() is None:  # two results, and a worker grading the next
        ours = descendants(driver.pid)
        if len(list(results.glob("*/*.json"))) >= 2 and workers_alive(ours):
            break
        time.sleep(0.1)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    saved = {p: p.stat().st_mtime_ns for p in results.glob("*/*.json")}
    assert 2 <= len(saved) < STUDENTS
    assert not out.exists()  # no gradebook until the class is graded: never a half-written one
    deadline = time.monotonic() + 15
    while workers_alive(ours) and time.monotonic() < deadline:  # the driver's death takes its workers along
        time.sleep(0.1)
    assert ours and workers_alive(ours) == []

    rerun = subprocess.run(command[:-1], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    graded, reused = map(int, re.search(r"graded (\d+), reused (\d+)", rerun.stdout).groups())
    assert (graded, reused) == (STUDENTS - len(saved), len(saved))
    assert all(p.stat().st_mtime_ns == mtime for p, mtime in saved.items())  # not graded again
    lines = out.read_text().splitlines()
    assert lines[0] == "student,class_lab,total" and len(lines) == STUDENTS + 1
    assert all(line.endswith(",4,4") for line in lines[1:])
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_changed_submission_is_graded_again(labs_env, tmp_path):
    from awslab.classroom import Settings, find_students, grade_class
    from awslab.grading import get_lab

    folder = tmp_path / "class"
    (folder / "ada").mkdir(parents=True)
    shutil.copy(CLASS / "partial" / "class_lab.py", folder / "ada" / "class_lab.py")
    labs = [get_lab("class_lab")]
    first = grade_class(find_students(folder), labs, tmp_path / "state", Settings(timeout=20, jobs=1))
    shutil.copy(CLASS / "correct" / "class_lab.py", folder / "ada" / "class_lab.py")
    second = grade_class(find_students(folder), labs, tmp_path / "state", Settings(timeout=20, jobs=1))
    assert (first.records[("ada", "class_lab")]["score"], second.records[("ada", "class_lab")]["score"]) == (3, 4)
    assert second.graded_now == 1
