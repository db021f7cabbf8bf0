"""The supervisor stops servers by PID: SIGTERM, then SIGKILL, children included; never a stranger."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from awslab.backends.supervisor import ProcessRef, descendants, stop_tree

# A parent and a child that both ignore SIGTERM (as LocalStack's hypercorn shutdown sometimes hangs,
# with DynamoDB Local's java below it).
HUNG = """
import os, signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('child', flush=True); time.sleep(600)"])
print(child.pid, flush=True)
time.sleep(600)
"""


def _spawn(code: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)


def test_a_hung_process_group_is_killed_with_its_child():
    process = _spawn(HUNG)
    child_pid = int(process.stdout.readline())
    time.sleep(0.3)  # the child ignores SIGTERM from here on
    root = ProcessRef.of(process.pid)
    assert [ref.pid for ref in descendants(process.pid)] == [child_pid]
    child = ProcessRef.of(child_pid)
    started = time.monotonic()
    assert stop_tree(root, grace=1.0) == "killed"
    assert time.monotonic() - started < 8
    process.wait(timeout=5)
    assert not root.alive() and not child.alive()


def test_an_orphaned_child_is_killed_by_pid_when_its_parent_is_gone():
    # The parent exits at SIGTERM; its child ignores SIGTERM and would be orphaned.
    code = HUNG.replace("signal.signal(signal.SIGTERM, signal.SIG_IGN)\nchild", "child", 1)
    process = _spawn(code)
    child = ProcessRef.of(int(process.stdout.readline()))
    time.sleep(0.3)
    assert stop_tree(ProcessRef.of(process.pid), grace=1.0) == "killed"
    process.wait(timeout=5)
    assert not child.alive()


def test_a_process_that_obeys_sigterm_is_terminated():
    process = _spawn("import time; time.sleep(600)")
    ref = ProcessRef.of(process.pid)
    assert stop_tree(ref, grace=3) == "terminated"
    assert not ref.alive()


def test_a_reused_pid_is_left_alone():
    process = _spawn("import time; time.sleep(600)")
    try:
        stranger = ProcessRef(process.pid, ProcessRef.of(process.pid).start_time + 1)  # same PID, other process
        assert not stranger.alive()
        assert stop_tree(stranger, grace=0.5) == "gone"
        assert process.poll() is None
    finally:
        process.kill()
        process.wait()


def test_process_refs_survive_a_state_file():
    ref = ProcessRef.of(os.getpid())
    assert ProcessRef.from_dict(ref.to_dict()) == ref and ref.alive()
    assert ProcessRef.of(2**22 + 12345) is None or pytest.skip("improbable PID exists")
