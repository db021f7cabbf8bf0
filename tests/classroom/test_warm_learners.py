"""Learners forked from the student's warm learner (learner_child.zygote, sandbox.Zygote): the same
sandbox as a learner started on its own, the same grades, and nothing of one lab's learner (a
process, a file in its private folders, a SysV segment) reaches the next lab's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import FIXTURES
from .test_isolation import _double_point, _needs, _with_double

CLASS_SOLUTION = (FIXTURES / "solutions" / "class_lab.py").read_text()
TINY_SOLUTION = (FIXTURES / "solutions" / "tiny_lab.py").read_text()
KEY = 0x5B5B0000 + os.getpid() % 0xFFFF

# class_lab (graded first) leaves a process, files in every private folder and a SysV segment.
LEAVER = CLASS_SOLUTION.replace("def double(x):\n    return 2 * x", f"""def double(x):
    import ctypes, os
    for folder in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", os.environ["HOME"]):
        with open(os.path.join(folder, "left-by-class-lab"), "w") as f:
            f.write("x")
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmget({KEY}, 4096, 0o1666)
    if os.fork() == 0:
        os.setpgid(0, 0)
        libc.prctl(15, b"awslab-leftover", 0, 0, 0)
        os.read(os.pipe()[0], 1)
        os._exit(0)
    return 2 * x""")
assert LEAVER != CLASS_SOLUTION

# tiny_lab's double() doubles only if none of that is there.
LOOKER = _with_double(f"""
import ctypes
folders = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", os.environ["HOME"])
beaten = any(os.path.exists(os.path.join(f, "left-by-class-lab")) for f in folders)
beaten = beaten or ctypes.CDLL(None, use_errno=True).shmget({KEY}, 0, 0) >= 0
for entry in os.listdir("/proc"):
    if entry.isdigit():
        try:
            beaten = beaten or open(f"/proc/{{entry}}/comm").read().strip() == "awslab-leftover"
        except OSError:
            pass
""")


def _grade(tmp_path: Path, students: dict[str, dict[str, str]], *, warm: bool):
    from awslab.classroom import Settings, find_students, grade_class
    from awslab.grading import get_lab

    folder = tmp_path / ("warm" if warm else "cold") / "class"
    for name, files in students.items():
        (folder / name).mkdir(parents=True)
        for lab_id, source in files.items():
            (folder / name / f"{lab_id}.py").write_text(source)
    labs = [get_lab("class_lab"), get_lab("tiny_lab")]  # in this order: class_lab's learner first
    run = grade_class(find_students(folder), labs, folder.parent / "state",
                      Settings(timeout=20, memory_mb=512, jobs=2, warm_learners=warm), hide=[folder])
    return run, labs


@pytest.fixture
def labs(labs_env):
    return labs_env


def test_a_labs_leftovers_never_reach_the_next_labs_warm_forked_learner(labs, tmp_path):
    _needs("full")
    run, _ = _grade(tmp_path, {"leaver": {"class_lab": LEAVER, "tiny_lab": LOOKER}}, warm=True)
    assert run.timing["learners_forked"] >= 2  # both labs' learners came from the warm one
    assert run.records[("leaver", "class_lab")]["score"] == 4
    assert _double_point(run.records[("leaver", "tiny_lab")]) == 1
    libc = __import__("ctypes").CDLL(None, use_errno=True)
    assert libc.shmget(KEY, 0, 0) < 0, "a SysV segment outlived the learner on the host"


def test_warm_and_cold_learners_give_byte_identical_gradebooks(labs, tmp_path):
    _needs("full")
    from awslab.classroom.gradebook import write_outputs

    students = {"ada": {"class_lab": CLASS_SOLUTION, "tiny_lab": TINY_SOLUTION},
                "grace": {"class_lab": CLASS_SOLUTION.replace("2 * x", "x + x + 1"), "tiny_lab": TINY_SOLUTION}}
    written = {}
    for warm in (True, False):
        run, labs_graded = _grade(tmp_path, students, warm=warm)
        assert (run.timing["learners_forked"] > 0) == warm
        out = tmp_path / f"out-{warm}"
        write_outputs(run.records, labs_graded, out / "gradebook.csv", "csv")
        written[warm] = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert written[True] == written[False]
    assert b"ada,4,6,10" in written[True]["gradebook.csv"]
