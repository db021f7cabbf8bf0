"""The `namespaces` level as an instructor without root: the attacks of test_isolation.py, graded
by `awslab grade --isolation namespaces` run as a user with no privilege at all.

Run as root (CI), the grading runs as a test-only uid with no account, no supplementary group and
no capability (tests/classroom/unprivileged.py); run as another user, it runs as that user. The
learner is then uid 65534 in a user namespace bubblewrap makes inside the worker's own (made by
`unshare --map-root-user`); no cgroup can be made, so a learner's processes and threads are
limited by RLIMIT_NPROC, counted in its own user namespace.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from . import test_isolation as attacks
from .conftest import LABS_ENV, ROOT, SECRETS

TEST_UID = 64055  # a uid with no account on the machine: it owns nothing but the grading's own folder
HARNESS = Path(__file__).with_name("unprivileged.py")


def _prerequisites() -> str | None:
    if not sys.platform.startswith("linux"):
        return "Linux only"
    for tool in ("unshare", "bwrap"):
        if not shutil.which(tool):
            return f"{tool} is not installed"
    try:
        if int(Path("/proc/sys/user/max_user_namespaces").read_text()) < 1:
            return "user namespaces are disabled (/proc/sys/user/max_user_namespaces is 0)"
    except (OSError, ValueError):
        return "no /proc/sys/user/max_user_namespaces"
    return None


class Unprivileged:
    """A folder the unprivileged user owns, and a way to run `awslab grade` there as that user."""

    def __init__(self) -> None:
        self.uid = TEST_UID if os.geteuid() == 0 else os.geteuid()
        self.gid = TEST_UID if os.geteuid() == 0 else os.getegid()
        # /tmp itself (1777), not pytest's tmp_path or $TMPDIR: those may be below a folder only root may enter.
        self.home = Path(tempfile.mkdtemp(prefix="awslab-unprivileged-", dir="/tmp"))

    def hand_over(self) -> None:
        for path in [self.home, *self.home.rglob("*")]:
            os.chown(path, self.uid, self.gid, follow_symlinks=False)

    def grade(self, *runs: list[str]) -> str:
        """Run `awslab grade` with each of `runs`' arguments in turn; what they printed."""
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.home), "TMPDIR": str(self.home),
               "LANG": "C.UTF-8", "COLUMNS": "100", **LABS_ENV, **SECRETS}
        commands = [[sys.executable, "-m", "awslab", "grade", *args] for args in runs]
        self.hand_over()
        if os.geteuid() != 0:
            return "".join(subprocess.run(command, env=env, cwd=self.home, check=True, timeout=600,
                                          capture_output=True, text=True).stdout for command in commands)
        spec = self.home / "spec.json"
        spec.write_text(json.dumps({"uid": self.uid, "commands": commands, "env": env, "cwd": str(self.home),
                                    "reachable": [sys.base_prefix, sys.prefix, sys.exec_prefix, str(ROOT)]}))
        done = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable, str(HARNESS),
                               str(spec)], timeout=600, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def records(self, out: str) -> dict[str, dict]:
        """student -> the tiny_lab entry of gradebook.checks.json."""
        document = json.loads((self.home / out).with_suffix(".checks.json").read_text())
        return {s["student"]: s["labs"][0] for s in document["students"]}

    def remove(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)


def _double_point(lab: dict) -> int:
    return next(c["points"] for c in lab["checks"] if c["title"] == "double doubles")


@pytest.fixture(scope="module")
def unprivileged(labs_env):
    why = _prerequisites()
    if why:  # .ci/run installs what it needs: there, a missing piece fails instead of skipping
        (pytest.fail if os.environ.get("CI") else pytest.skip)(why)
    user = Unprivileged()
    yield user
    user.remove()


IPC_KEY = 0x5B5B0000 + os.getpid() % 0xFFFF
LOCK_FILE = f"/run/lock/awslab-unprivileged-{os.getpid()}"


# At import: how many children it can start (each waits on a pipe) before a fork is refused.
COUNTER = attacks.SOLUTION.replace("def double(x):\n    return 2 * x", """\
import os

_wait, _release = os.pipe()
_children = []
while len(_children) < 400:
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        os.close(_release)
        os.read(_wait, 1)
        os._exit(0)
    _children.append(pid)
os.close(_release)
for _pid in _children:
    os.waitpid(_pid, 0)
STARTED = len(_children)


def double(x):
    return 2 * x if STARTED < 256 else 0""")


SPINNER = attacks.SOLUTION.replace("def double(x):\n    return 2 * x", "def double(x):\n    while True:\n        pass")


@pytest.fixture(scope="module")
def hostile_class(unprivileged):
    """One class of attackers and an honest student, graded twice (the second run must reuse the
    first run's results, whatever the learners wrote), as the unprivileged user."""
    home = unprivileged.home
    folder, state = home / "class", home / "gradebook.state"
    students = {"reader": attacks.git_and_copies_probe(folder), "allow_list": attacks.allow_list_probe(folder, state),
                "importer": attacks.IMPORT_PROBE, "tracer": attacks.PRIVILEGE_PROBE,
                "ipc": attacks.ipc_probe(IPC_KEY, LOCK_FILE), "forger": attacks.FORGER,
                "counter": COUNTER, "spinner": SPINNER, "peer": attacks.SOLUTION}
    for name, source in students.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "tiny_lab.py").write_text(source)
    # Without root a lab's time limit is wall time: room for a busy machine.
    args = [str(folder), "--isolation", "namespaces", "--lab", "tiny_lab", "--out", str(home / "gradebook.csv"),
            "--timeout", "30", "--memory", "512", "--jobs", "2"]
    printed = unprivileged.grade(args, args)
    return unprivileged.records("gradebook.csv"), printed


def test_grading_ran_unprivileged_at_the_namespaces_level(hostile_class, unprivileged):
    labs, printed = hostile_class
    assert labs["peer"]["score"] == labs["peer"]["max_score"], labs["peer"]
    state = unprivileged.home / "gradebook.state" / "results" / "peer" / "tiny_lab.json"
    assert state.stat().st_uid == unprivileged.uid  # the driver itself ran as the unprivileged user
    assert "isolation: namespaces" in " ".join(printed.split()), printed
    assert "allow-listed" not in printed, printed  # no note that the learner sandbox was missing
    assert f"graded 0, reused {len(labs)}" in " ".join(printed.split()), printed


@pytest.mark.parametrize("student", ["reader", "allow_list", "importer", "tracer", "ipc"])
def test_attack_fails_at_the_namespaces_level_without_root(hostile_class, student):
    """reader: .git, solution copies, a classmate; allow_list: any host file beyond the allow-list,
    the driver's environment; importer: `import awslab`; tracer: root, capabilities, ptrace, mount,
    umount of the covers, a new user namespace, a session of its own, other processes; ipc: SysV
    shared memory and /run/lock."""
    labs, _ = hostile_class
    assert _double_point(labs[student]) == 1, labs[student]


def test_ipc_of_an_unprivileged_learner_leaves_nothing_on_the_host(hostile_class):
    attacks.assert_ipc_left_nothing(IPC_KEY, LOCK_FILE)


def test_forged_events_and_result_files_gain_nothing_without_root_even_on_a_rerun(hostile_class, unprivileged):
    lab = hostile_class[0]["forger"]
    checks = {c["title"]: c["points"] for c in lab["checks"]}
    assert checks["make_bucket creates the bucket"] == 0 and checks["double doubles"] == 0
    assert lab["score"] == sum(checks.values())
    saved = json.loads((unprivileged.home / "gradebook.state" / "results" / "forger" / "tiny_lab.json").read_text())
    assert saved["score"] == lab["score"]


def test_an_unprivileged_learner_meets_its_task_limit(hostile_class):
    """No cgroup without root: RLIMIT_NPROC, counted in the learner's own user namespace, limits
    a learner to 256 processes and threads (the counter scores its point only if a fork was refused
    before it had 256 children)."""
    labs, _ = hostile_class
    assert _double_point(labs["counter"]) == 1, labs["counter"]


def test_a_fork_bomb_of_an_unprivileged_learner_leaves_a_classmate_full_marks(unprivileged):
    home = unprivileged.home / "bombs"
    for name, source in {"a_forkbomb": attacks.FORK_BOMB, "honest": attacks.SOLUTION}.items():
        (home / "class" / name).mkdir(parents=True)
        (home / "class" / name / "tiny_lab.py").write_text(source)
    unprivileged.grade([str(home / "class"), "--isolation", "namespaces", "--out", str(home / "gradebook.csv"),
                        "--timeout", "20", "--memory", "512", "--jobs", "2", "-q"])
    labs = unprivileged.records("bombs/gradebook.csv")
    assert labs["honest"]["score"] == labs["honest"]["max_score"], labs["honest"]


def test_without_a_cgroup_a_calls_limit_is_the_cpu_time_of_the_students_namespace(hostile_class):
    """The worker's PID namespace holds only this student's processes: their CPU time is what a
    call's limit counts (a busy loop: "used more than 3 s of CPU time"; on a machine too busy to
    give it 3 s within 9 s of wall time: "while using less than its 3 s of CPU time"), never the
    wall-time-only message a call gets without a CPU clock."""
    labs, _ = hostile_class
    message = next(c["message"] for c in labs["spinner"]["checks"] if c["title"] == "double doubles")
    assert "of CPU time" in message, message
