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


def workers_alive() -> list[str]:
    alive = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"awslab.classroom.worker" in (entry / "cmdline").read_bytes():
                alive.append(entry.name)
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
    deadline = time.monotonic() + 120
    while len(list(results.glob("*/*.json"))) < 2 and time.monotonic() < deadline and driver.poll() is None:
        time.sleep(0.1)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    saved = {p: p.stat().st_mtime_ns for p in results.glob("*/*.json")}
    assert 2 <= len(saved) < STUDENTS
    assert not out.exists()  # no gradebook until the class is graded: never a half-written one
    deadline = time.monotonic() + 15
    while workers_alive() and time.monotonic() < deadline:  # the driver's death takes its workers along
        time.sleep(0.1)
    assert workers_alive() == []

    rerun = subprocess.run(command[:-1], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
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
