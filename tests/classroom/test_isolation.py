"""Hostile submissions against the classroom sandbox, one test per attack class.

Each submission earns the "double doubles" point (or its neighbour keeps full marks) only if the
attack failed. The tests run at the strongest level this machine allows, and skip naming the
missing prerequisite otherwise."""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT

SOLUTION = (FIXTURES / "solutions" / "tiny_lab.py").read_text()


def _needs(level: str = "full", cgroups: bool = False) -> None:
    from awslab.classroom import isolation
    from awslab.classroom.cgroups import StudentGroups
    from awslab.grading import sandbox

    found = isolation.detect("auto")
    if found.level != level:
        pytest.skip(f"needs isolation {level} (here: {found.level}; {'; '.join(found.notes)})")
    why = sandbox.missing()
    if why:
        pytest.skip(why)
    if cgroups:
        groups = StudentGroups(memory_mb=64)
        groups.remove()
        if groups.unavailable:
            pytest.skip(groups.unavailable)


def _grade(tmp_path: Path, students: dict[str, str], *, jobs: int = 2, timeout: float = 8.0,
           isolation: str = "auto"):
    from awslab.classroom import Settings, find_students, grade_class
    from awslab.grading import get_lab

    folder = tmp_path / "class"
    for name, source in students.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "tiny_lab.py").write_text(source)
    run = grade_class(find_students(folder), [get_lab("tiny_lab")], tmp_path / "state",
                      Settings(timeout=timeout, memory_mb=512, jobs=jobs, isolation=isolation), hide=[folder])
    return run, {student: record for (student, _), record in run.records.items()}


def _double_point(record: dict) -> int:
    return next(c["points"] for c in record["result"]["checks"] if c["title"] == "double doubles")


def _with_double(body: str) -> str:
    """The reference solution whose double() returns 2x only if `body` (which sets `beaten`) says
    the attack failed."""
    lines = "\n".join("        " + line for line in body.strip().splitlines())
    return SOLUTION.replace("def double(x):\n    return 2 * x", f"""def double(x):
    import os
    beaten = False
    try:
{lines}
    except Exception:
        pass
    return 0 if beaten else 2 * x""")


@pytest.fixture
def labs(labs_env):
    return labs_env


def git_and_copies_probe(class_dir: Path) -> str:
    """Scores the "double doubles" point only if no solution copy, no .git and no classmate is
    visible, and the home holds nothing but the path to the Python runtime."""
    secrets = [ROOT / ".git", ROOT / "solutions", FIXTURES / "solutions" / "tiny_lab.py",
               ROOT / "awslab", class_dir / "peer"]
    home, runtime = str(Path.home()), sys.base_prefix  # the runtime may live in the home (pyenv)
    return _with_double(f"""
beaten = any(os.path.exists(p) for p in {[str(p) for p in secrets]!r})
if os.path.isdir({home!r}):
    beaten = beaten or any(not {runtime!r}.startswith(os.path.join({home!r}, p) + "/")
                           for p in os.listdir({home!r}))
import subprocess
beaten = beaten or subprocess.run(["git", "-C", {str(ROOT)!r}, "show", "HEAD:solutions"],
                                  capture_output=True).returncode == 0
""")


def allow_list_probe(class_dir: Path, state_dir: Path) -> str:
    """/etc/passwd names only the learner; /root and /home hold at most the path to the Python
    runtime; the instructor's solutions, a classmate's folder and the gradebook's state folder are
    not there at all; no process outside the learner's own is visible, nor its environment."""
    hidden = ["/etc/shadow", str(ROOT / "solutions"), str(FIXTURES / "solutions"),
              str(class_dir / "peer"), str(class_dir), str(state_dir),
              "/etc/hostname", "/etc/os-release", "/opt/awslab/solutions", "/srv", "/work", "/var/lib", "/etc/ssh"]
    runtime = sys.base_prefix  # /root or /home may hold the runtime itself (pyenv): only its path shows
    return _with_double(f"""
users = [line.split(":")[0] for line in open("/etc/passwd").read().splitlines() if line]
beaten = users != ["nobody"] or any(os.path.lexists(p) for p in {hidden!r})
for top in ("/root", "/home"):
    if os.path.isdir(top):
        beaten = beaten or any(not ({runtime!r} + "/").startswith(os.path.join(top, p) + "/")
                               for p in os.listdir(top))
beaten = beaten or not set(os.listdir("/etc")) <= {{"group", "hosts", "ld.so.cache", "localtime", "nsswitch.conf", "passwd"}}
beaten = beaten or "instructor-secret" in repr(dict(os.environ))
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    try:
        beaten = beaten or b"instructor-secret" in open(f"/proc/{{pid}}/environ", "rb").read()
    except OSError:
        pass
""")


IMPORT_PROBE = _with_double("import awslab\nbeaten = True")

PRIVILEGE_PROBE = _with_double("""
import ctypes
status = open("/proc/self/status").read()
beaten = os.getuid() == 0 or "NoNewPrivs:\\t1" not in status or "CapEff:\\t0000000000000000" not in status
libc = ctypes.CDLL(None, use_errno=True)
beaten = beaten or libc.ptrace(16, os.getppid(), 0, 0) == 0 or libc.ptrace(16, 1, 0, 0) == 0
beaten = beaten or libc.mount(b"none", b"/tmp", b"tmpfs", 0, None) == 0
beaten = beaten or libc.umount2(b"/submission", 2) == 0 or libc.umount2(b"/opt/awslab/runner", 2) == 0
beaten = beaten or libc.unshare(0x10000000) == 0 or libc.setsid() != -1
beaten = beaten or any(p.isdigit() and int(p) > 3 for p in os.listdir("/proc"))
""")


def ipc_probe(key: int, lock_file: str) -> str:
    return _with_double(f"""
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
if libc.shmget({key}, 1 << 20, 0o1666) < 0:
    raise OSError("shmget")
with open({lock_file!r}, "wb") as f:
    f.write(b"x" * 4096)
""")


FORGER = SOLUTION.replace("def double(x):\n    return 2 * x", """def double(x):
    import json, os
    event = json.dumps({"event": "result", "lab": "tiny_lab", "result": {"score": 99, "max_score": 5}})
    for fd in range(3, 1000):
        try:
            os.write(fd, (event + "\\n").encode())
        except OSError:
            pass
    for root in ("/", "/tmp"):
        for path, _, files in os.walk(root):
            for name in files:
                if name.endswith(".json"):
                    try:
                        open(os.path.join(path, name), "w").write("{}")
                    except OSError:
                        pass
    return 0""").replace("def make_bucket(s3, name):\n    s3.create_bucket(Bucket=name)",
                         "def make_bucket(s3, name):\n    pass")


def assert_forger_gained_nothing(record: dict) -> None:
    checks = {c["title"]: c["points"] for c in record["result"]["checks"]}
    assert checks["make_bucket creates the bucket"] == 0 and checks["double doubles"] == 0
    assert record["score"] == sum(checks.values())


# Forks until the kernel refuses (each child holds its slot, waiting on a pipe that never gets
# data), then a few children keep trying: it meets the limit whatever the machine's load.
FORK_BOMB = SOLUTION + """
import os
_hold, _never = os.pipe()
_children = 0
while True:
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        if _children < 4:
            while True:
                try:
                    os.fork()
                except OSError:
                    pass
        os.read(_hold, 1)
        os._exit(0)
    _children += 1
"""

CPU_BOMB = SOLUTION + """
import os
for _ in range(60):
    if os.fork() == 0:
        while True:
            pass
"""


def test_learner_reads_no_git_metadata_and_no_copy_of_the_solutions(labs, tmp_path):
    _needs()
    _, records = _grade(tmp_path, {"reader": git_and_copies_probe(tmp_path / "class"), "peer": SOLUTION})
    assert _double_point(records["reader"]) == 1, records["reader"]["result"]


def test_learner_sees_no_host_file_outside_the_allow_list(labs, tmp_path):
    _needs()
    probe = allow_list_probe(tmp_path / "class", tmp_path / "state")
    _, records = _grade(tmp_path, {"reader": probe, "peer": SOLUTION})
    assert _double_point(records["reader"]) == 1, records["reader"]["result"]


def test_learner_cannot_import_awslab(labs, tmp_path):
    _needs()
    _, records = _grade(tmp_path, {"importer": IMPORT_PROBE})
    assert _double_point(records["importer"]) == 1


def test_learner_runs_unprivileged_and_cannot_ptrace_the_worker(labs, tmp_path):
    _needs()
    _, records = _grade(tmp_path, {"tracer": PRIVILEGE_PROBE})
    assert _double_point(records["tracer"]) == 1


def test_sysv_shared_memory_and_run_lock_are_private_to_the_learner(labs, tmp_path):
    _needs()
    key = 0x5A5A0000 + os.getpid() % 0xFFFF
    _, records = _grade(tmp_path, {"ipc": ipc_probe(key, "/run/lock/awslab-probe")})
    assert _double_point(records["ipc"]) == 1
    assert_ipc_left_nothing(key, "/run/lock/awslab-probe")


def assert_ipc_left_nothing(key: int, lock_file: str) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.shmget(key, 0, 0) < 0, "the learner's SysV segment outlived it on the host"
    assert not Path(lock_file).exists()


def test_learner_cannot_forge_result_events_or_files(labs, tmp_path):
    _needs()
    _, records = _grade(tmp_path, {"forger": FORGER})
    assert_forger_gained_nothing(records["forger"])


def test_forged_result_events_gain_nothing_at_the_process_level(labs, tmp_path):
    """The weakest level too (trusted code only; its learner could rewrite files, so this forger
    only writes result events to every descriptor it has): the worker's event pipe is not among
    them, and what reaches the grader's own pipe is not a verdict."""
    forger = FORGER.split("    for root in (")[0] + "    return 0\n" + FORGER.split("    return 0", 1)[1]
    assert "os.walk" not in forger and "os.write(fd" in forger
    run, records = _grade(tmp_path, {"forger": forger}, isolation="process")
    assert run.isolation.level == "process"
    assert_forger_gained_nothing(records["forger"])


def test_fork_and_cpu_bombs_beside_an_honest_student_leave_it_full_marks(labs, tmp_path):
    _needs(cgroups=True)
    bomb, cpu = FORK_BOMB, CPU_BOMB
    run, records = _grade(tmp_path, {"a_forkbomb": bomb, "b_cpubomb": cpu, "honest": SOLUTION}, jobs=3)
    assert records["honest"]["score"] == records["honest"]["max_score"], records["honest"]["result"]
    assert not any("cgroup" in note for note in run.notes), run.notes
    # The bomb's own feedback says what stopped it, with the limit.
    from awslab.classroom.driver import STUDENT_PIDS

    limits = records["a_forkbomb"]["result"].get("limits", [])
    assert any(f"more than {STUDENT_PIDS} processes" in limit for limit in limits), records["a_forkbomb"]["result"]
    assert "limits" not in records["honest"]["result"]
    feedback = _feedback(records, "a_forkbomb")
    assert f"Limit reached: your code tried to run more than {STUDENT_PIDS} processes" in feedback, feedback


def test_memory_hog_spread_over_children_is_limited_for_the_student_as_a_whole(labs, tmp_path):
    """16 children of 128 MB each, every one within --memory, together past the student's one
    memory limit: the kernel ends some of them (not the grader: the hog is still graded), the hog's
    feedback names the limit, and the honest neighbour keeps full marks."""
    _needs(cgroups=True)
    from awslab.classroom.driver import WORKER_MEMORY_MB

    hog = SOLUTION + """
import os, select, signal
done, told = os.pipe()
for _ in range(16):
    if os.fork() == 0:
        block = bytearray(128 << 20)
        for i in range(0, len(block), 4096):
            block[i] = 1
        os.write(told, b"x")
        signal.pause()
os.close(told)
held = 0
while held < 16 and select.select([done], [], [], 5)[0]:  # until all hold their block, or the kernel ended some
    got = os.read(done, 16)
    if not got:
        break
    held += len(got)
"""
    # A cgroup at its memory limit reclaims (and slows) before the kernel ends anyone: time to spare.
    run, records = _grade(tmp_path, {"hog": hog, "honest": SOLUTION}, timeout=30.0)
    assert records["honest"]["score"] == records["honest"]["max_score"], records["honest"]["result"]
    assert records["hog"]["status"] == "graded", records["hog"]["result"]
    limit = 512 + WORKER_MEMORY_MB
    limits = records["hog"]["result"].get("limits", [])
    assert any(f"over the memory limit of {limit} MB" in text for text in limits), records["hog"]["result"]
    assert "limits" not in records["honest"]["result"]
    assert f"Limit reached: your processes together went over the memory limit of {limit} MB" in _feedback(records, "hog")


def _feedback(records: dict, student: str) -> str:
    from awslab.classroom.gradebook import render_feedback
    from awslab.grading import get_lab

    return render_feedback(student, {(student, "tiny_lab"): records[student]}, [get_lab("tiny_lab")])


def test_a_labs_declared_packages_are_importable_in_the_sandbox_and_no_others(tmp_path, fresh_aws):
    """lab.toml's `learner_packages` (kms_envelope: cryptography) are visible to learner code in the
    allow-listed filesystem, with the distributions they require; anything else installed is not."""
    _needs()
    from awslab.grading import LearnerProcess, sandbox

    mounted = sandbox._packages(("cryptography",))
    assert {"cryptography", "cffi"} <= set(mounted)  # and what cryptography requires
    code = Path(tempfile.mkdtemp(prefix="awslab-test-code-"))  # readable by the learner's uid, as the worker's
    code.chmod(0o755)
    path = code / "learner.py"
    path.write_text("import importlib\n\ndef probe(name):\n    try:\n        importlib.import_module(name)\n"
                    "        return 'importable'\n    except ImportError:\n        return 'missing'\n")
    workdir = Path(tempfile.mkdtemp(prefix="awslab-test-work-"))
    os.chmod(workdir, 0o777)
    for packages, expected in ((("cryptography",), "importable"), ((), "missing")):
        with LearnerProcess(path, fresh_aws.learner_environment(str(workdir)), workdir=str(workdir),
                            sandbox=sandbox.bubblewrap(packages)) as learner:
            assert learner.call("probe", "cryptography.hazmat.primitives.ciphers.aead") == expected
            assert learner.call("probe", "moto") == "missing"
    shutil.rmtree(code)
    shutil.rmtree(workdir)
