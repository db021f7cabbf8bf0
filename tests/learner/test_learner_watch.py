"""`awslab watch` tried as a new learner would: in a real terminal (tmux), and without one (a pipe)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from learner_helpers import PYTHON

WRONG = """\
def make_bucket(s3, name):
    pass


def double(x):
    return x * 2


def nap(seconds):
    pass


def handle_all(items, handler):
    done = 0
    for item in items:
        try:
            handler(item)
            done += 1
        except Exception:
            pass
    return done
"""

RIGHT = WRONG.replace("def make_bucket(s3, name):\n    pass", "def make_bucket(s3, name):\n    s3.create_bucket(Bucket=name)") \
    .replace("def nap(seconds):\n    pass", "def nap(seconds):\n    import time\n    time.sleep(seconds)")


class Tmux:
    """A tmux server of our own (its own socket), killed at the end: nothing of anyone else's is touched."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        # Not under tmp: a Unix socket's path must stay under 108 bytes, and a deep checkout (CI's
        # pytest tmp_path under the clone) is longer than that. /tmp is on every POSIX system.
        self._dir = tempfile.mkdtemp(prefix="awslab-tmux-", dir="/tmp" if os.path.isdir("/tmp") else None)
        self.socket = os.path.join(self._dir, "s")
        self.env = env

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-S", self.socket, "-f", "/dev/null", *args], capture_output=True,
                              text=True, env=self.env, timeout=10, check=True).stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", "learner", "-x", "120", "-y", "50", command)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-J", "-S", "-300", "-t", "learner")

    def visible(self) -> str:
        return self.run("capture-pane", "-p", "-J", "-t", "learner")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "learner", *keys)

    def wait_for(self, *texts: str, timeout: float = 40) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"the terminal never showed {texts!r}; it shows:\n{screen}")
            time.sleep(0.2)

    def kill(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True, timeout=10)
        shutil.rmtree(self._dir, ignore_errors=True)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (apt-get install -y tmux)")
def test_a_new_learner_inits_watches_fails_gets_a_hint_passes_and_moves_on(labs_env, tmp_path):
    env = {**os.environ, **labs_env, "TERM": "xterm-256color", "COLUMNS": "", "LINES": ""}
    env = {k: v for k, v in env.items() if v and not k.startswith("TMUX")}
    tmux = Tmux(tmp_path, env)
    work = tmp_path / "work"
    script = (f"cd {tmp_path} && {PYTHON} -m awslab init work && cd work && {PYTHON} -m awslab watch; "
              "echo WATCH-ENDED $?; sleep 60")
    try:
        tmux.start(script)
        tmux.wait_for("created", "tiny_lab.py", "lab 1/2: tiny_lab", "1/6", "h hint", timeout=30)

        (work / "tiny_lab.py").write_text(WRONG)  # a save: double and handle_all right, the rest not
        screen = tmux.wait_for("tiny_lab 3/6 · 2 failed · next: awslab hint tiny_lab",
                               "Which method of the client makes a bucket?")
        assert "✘" in screen and "make_bucket creates the" in screen
        assert "Call create_bucket on the client you are given" not in screen  # the concrete level waits
        top = [line for line in tmux.visible().splitlines() if line.strip()][:3]
        assert any(line.startswith("tiny_lab 3/6") for line in top), top  # a cleared screen, score first
        tmux.keys("h")
        tmux.wait_for("Buckets are made with create_bucket", "hint 1 of 2",
                      "Call create_bucket on the client you are given", "(hint 2 of 2)")

        (work / "tiny_lab.py").write_text(RIGHT)
        tmux.wait_for("6/6", "tiny_lab is complete", "Next lab: second_lab", "Press n to",
                      "tiny_lab 6/6 · full marks · next lab: awslab check second_lab")
        tmux.keys("n")
        tmux.wait_for("lab 2/2: second_lab", "0/3", "greet greets by name")
        tmux.keys("l")
        tmux.wait_for("1/2 labs done", "▶ second_lab")
        tmux.keys("q")
        tmux.wait_for("Stopped watching", "WATCH-ENDED 0")
    finally:
        tmux.kill()
    progress = json.loads((work / ".awslab" / "progress.json").read_text())["labs"]
    assert progress["tiny_lab"]["completed_at"] and progress["tiny_lab"]["best_score"] == 6
    assert progress["tiny_lab"]["seconds_watched"] > 0
    assert progress["second_lab"]["attempts"] == 1


def test_watch_without_a_terminal_regrades_on_save_reads_keys_per_line_ends_at_eof_and_writes_html(labs_env, workspace):
    env = {**os.environ, **labs_env, "COLUMNS": "120"}
    watch = subprocess.Popen([PYTHON, "-m", "awslab", "watch", "tiny_lab", "--html", "report.html"],
                             cwd=workspace.root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen: list[str] = []
    threading.Thread(target=lambda: seen.extend(iter(watch.stdout.readline, "")), daemon=True).start()

    def wait_for(text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in "".join(seen):
            if watch.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"watch never printed {text!r}:\n{''.join(seen)}")
            time.sleep(0.1)

    try:
        wait_for("h hint · p pictures · n next lab")
        workspace.lab_file("tiny_lab").write_text(RIGHT)
        wait_for("tiny_lab is complete")
        wait_for("tiny_lab 6/6 · full marks · next lab: awslab check second_lab\n")  # the plain score line
        watch.stdin.write("l\n")  # one key per line without a terminal
        watch.stdin.flush()
        wait_for("1/2 labs done")
        watch.stdin.close()  # end of input ends the watch
        assert watch.wait(timeout=20) == 0
    finally:
        if watch.poll() is None:
            os.killpg(watch.pid, 9)
            watch.wait()
    assert "Stopped watching" in "".join(seen)
    page = (workspace.root / "report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "make_bucket creates the" in page



HANGS = WRONG.replace("def make_bucket(s3, name):\n    pass", "def make_bucket(s3, name):\n    while True:\n        pass")


class PipedWatch:
    """`awslab watch tiny_lab` with stdin and stdout on pipes; everything it printed in `seen`."""

    def __init__(self, labs_env, workspace) -> None:
        env = {**os.environ, **labs_env, "COLUMNS": "120"}
        self.process = subprocess.Popen([PYTHON, "-m", "awslab", "watch", "tiny_lab"], cwd=workspace.root, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, start_new_session=True)
        self.seen: list[str] = []
        threading.Thread(target=lambda: self.seen.extend(iter(self.process.stdout.readline, "")), daemon=True).start()

    @property
    def text(self) -> str:
        return "".join(self.seen)

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.text:
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"watch never printed {text!r}:\n{self.text}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 9)
            self.process.wait()


def test_watch_prints_the_score_line_once_per_grade(labs_env, workspace):
    watch = PipedWatch(labs_env, workspace)
    try:
        watch.wait_for("h hint · p pictures")
        workspace.lab_file("tiny_lab").write_text(RIGHT)
        watch.wait_for("tiny_lab is complete")
        watch.wait_for("h hint · p pictures", timeout=5)
    finally:
        watch.stop()
    assert watch.text.count("tiny_lab 6/6 · full marks · next lab: awslab check second_lab") == 1, watch.text


def test_watch_stops_a_learner_function_that_hangs_and_names_it(labs_env, workspace):
    watch = PipedWatch(labs_env, workspace)
    try:
        watch.wait_for("h hint · p pictures")
        workspace.lab_file("tiny_lab").write_text(HANGS)
        watch.wait_for("make_bucket() did not return within 3 s")
    finally:
        watch.stop()


def test_a_save_while_a_grade_runs_stops_it_and_grades_the_new_file(labs_env, workspace):
    watch = PipedWatch(labs_env, workspace)
    try:
        watch.wait_for("h hint · p pictures")
        # make_bucket says when it spins: saving RIGHT as soon as "grading..." is printed raced the
        # learner process's import under load (it read RIGHT already, and nothing was left to stop).
        spinning = workspace.root.parent / "make_bucket-spins"
        workspace.lab_file("tiny_lab").write_text(HANGS.replace(
            "    while True:", f"    open({str(spinning)!r}, 'w').close()\n    while True:", 1))
        deadline = time.monotonic() + 30
        while not spinning.exists():
            if watch.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"make_bucket never started spinning:\n{watch.text}")
            time.sleep(0.05)
        workspace.lab_file("tiny_lab").write_text(RIGHT)  # while make_bucket spins
        watch.wait_for("(saved again: started over)")
        watch.wait_for("tiny_lab is complete")
    finally:
        watch.stop()
    assert "did not return within" not in watch.text  # the hanging grade never got to report


def _learner_processes_of(pid: int) -> list[str]:
    """Command lines of the learner processes `pid` started (its direct children, from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[1]) != pid:
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
        if "learner_child" in command:
            found.append(command)
    return found


def test_between_grades_watch_keeps_the_next_learner_process_started(labs_env, workspace):
    """Its Python and boto3 are loaded before the save: a save then only imports the learner's file."""
    watch = PipedWatch(labs_env, workspace)
    try:
        watch.wait_for("h hint · p pictures")
        deadline = time.monotonic() + 20
        while not _learner_processes_of(watch.process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        waiting = _learner_processes_of(watch.process.pid)
        assert len(waiting) == 1 and str(workspace.lab_file("tiny_lab")) in waiting[0]
        workspace.lab_file("tiny_lab").write_text(RIGHT)  # graded by the waiting process, with the new text
        watch.wait_for("tiny_lab is complete")
    finally:
        watch.stop()
